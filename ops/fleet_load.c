/*
 * Loading the fleet of one cluster, and of several at once.
 *
 * ops_fleet_load makes a fixed number of requests (one paged list per
 * resource type across all namespaces, one GET for the pin), fed page by
 * page into core/fleet, so the whole list is never held in memory and
 * nothing is asked per model. ops_fleet_load_contexts runs one such load
 * per kube context, each on its own thread with its own client, so an
 * unreachable or slow cluster never delays the others: at the deadline the
 * loads still running are cancelled and reported as such.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet.h"
#include "fleet_stream.h"
#include "kube_config.h"
#include "ops.h"

/* Small pages keep the peak memory low at a few more round trips (500
 * took 0.2 s less CPU at 5,000 models, the same wall time and 1.2 MB more;
 * see README.md, "Performance"). Pages are decoded in turn: decoding one
 * while the next was fetched, tried, cost 0.3 s more CPU and was no
 * faster unless the machine was overloaded. */
#define FLEET_PAGE_SIZE 250

typedef struct feed {
    fleet *f;
    fleet_kind kind;
    char **names; /* namespace names, when collecting for the fallback */
    size_t n_names;
    bool collect;
    bool whole;     /* this list covers every object of its kind */
    bool restarted; /* ... and started again (an expired continue token) */
    const ops_fleet_load_opts *o;
} feed;

static void warnf(const feed *fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(const feed *fd, const char *fmt, ...)
{
    if (!fd->o || !fd->o->warn)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fd->o->warn(msg, fd->o->ud);
}

static int feed_item(const json_t *item, void *ud)
{
    feed *fd = ud;
    fleet_apply(fd->f, fd->kind, item, false);
    if (fd->collect) {
        const char *n =
            json_string_value(json_object_get(json_object_get(item, "metadata"), "name"));
        if (n) {
            fd->names = tt_realloc(fd->names, (fd->n_names + 1) * sizeof(char *));
            fd->names[fd->n_names++] = tt_strdup(n);
        }
    }
    return 0;
}

/* The list starts again: what it names the second time is what is kept
 * (a list of one namespace's objects only adds them again: marking would
 * drop the other namespaces'). */
static void feed_restart(void *ud)
{
    feed *fd = ud;
    if (fd->whole) {
        fleet_begin_relist(fd->f, fd->kind);
        fd->restarted = true;
    }
}

static int list_into(kube_client *c, feed *fd, const kube_gvr *gvr, const char *ns,
                     fleet_kind kind, tt_error *err)
{
    kube_list_opts lo = {.page_size = FLEET_PAGE_SIZE,
                         .restart = feed_restart,
                         .fields = fleet_fields(kind)};
    fd->kind = kind;
    fd->whole = !ns || !ns[0];
    fd->restarted = false;
    int rc = kube_list_items(c, gvr, ns, &lo, feed_item, fd, err) < 0 ? -1 : 0;
    if (rc == 0 && fd->restarted)
        fleet_sweep(fd->f, kind);
    return rc;
}

static void free_names(feed *fd)
{
    for (size_t i = 0; i < fd->n_names; i++)
        free(fd->names[i]);
    free(fd->names);
    fd->names = NULL;
    fd->n_names = 0;
}

/* Cluster-wide listing was Forbidden: one list per namespace instead. */
static int list_per_namespace(kube_client *c, feed *fd, tt_error *err)
{
    fd->collect = true;
    tt_error nerr;
    tt_error_clear(&nerr);
    if (list_into(c, fd, &KUBE_GVR_NAMESPACES, NULL, FLEET_KIND_NAMESPACE, &nerr) < 0) {
        if (nerr.code != 403) {
            *err = nerr;
            return -1;
        }
        const char *own = kube_client_namespace(c);
        warnf(fd,
              "listing namespaces is forbidden too: showing only namespace %s (choose one with "
              "-n or MODEL)",
              own);
        fd->names = tt_calloc(1, sizeof(char *));
        fd->names[0] = tt_strdup(own);
        fd->n_names = 1;
    }
    fd->collect = false;
    for (size_t i = 0; i < fd->n_names; i++) {
        if (list_into(c, fd, &KUBE_GVR_KSVC, fd->names[i], FLEET_KIND_SERVICE, err) < 0 ||
            list_into(c, fd, &KUBE_GVR_REVISIONS, fd->names[i], FLEET_KIND_REVISION, err) < 0) {
            if (err->code == 403) {
                tt_error_clear(err);
                continue; /* a namespace we may not read is not shown */
            }
            return -1;
        }
    }
    return 0;
}

int ops_fleet_load(kube_client *c, fleet *f, const char *model, const ops_fleet_load_opts *o,
                   tt_error *err)
{
    feed fd = {.f = f, .o = o};
    if (model) {
        json_t *ns = kube_get(c, &KUBE_GVR_NAMESPACES, NULL, model, err);
        if (ns)
            fleet_apply(f, FLEET_KIND_NAMESPACE, ns, false);
        json_decref(ns);
        if (!ns && err->code != 404 && err->code != 403)
            return -1;
        tt_error_clear(err);
        if (list_into(c, &fd, &KUBE_GVR_KSVC, model, FLEET_KIND_SERVICE, err) < 0 ||
            list_into(c, &fd, &KUBE_GVR_REVISIONS, model, FLEET_KIND_REVISION, err) < 0)
            return -1;
    } else if (list_into(c, &fd, &KUBE_GVR_KSVC, "", FLEET_KIND_SERVICE, err) < 0) {
        if (err->code != 403)
            return -1;
        warnf(&fd,
              "listing Knative services across all namespaces is forbidden for this user (%s): "
              "listing per namespace instead, two requests per namespace",
              err->message);
        tt_error_clear(err);
        int rc = list_per_namespace(c, &fd, err);
        free_names(&fd);
        if (rc < 0)
            return -1;
    } else if (list_into(c, &fd, &KUBE_GVR_REVISIONS, "", FLEET_KIND_REVISION, err) < 0) {
        return -1;
    } else if (list_into(c, &fd, &KUBE_GVR_NAMESPACES, NULL, FLEET_KIND_NAMESPACE, err) < 0) {
        if (err->code != 403)
            return -1;
        /* Namespaces only tell which models are terminating. */
        warnf(&fd, "listing namespaces is forbidden: terminating models are not marked");
        tt_error_clear(err);
    }
    json_t *pin = kube_get(c, &KUBE_GVR_KONGCLUSTERPLUGINS, NULL, OPS_PIN_NAME, err);
    if (pin)
        fleet_apply(f, FLEET_KIND_PIN, pin, false);
    else if (err->code == 404 || err->code == 403)
        tt_error_clear(err); /* no pin (or no Kong CRD): nothing pinned */
    else
        return -1;
    json_decref(pin);
    return 0;
}

/* ---- status, model by model ------------------------------------------------- */

static int stream_item(const json_t *item, void *ud)
{
    fleet_stream_item(ud, item);
    return 0;
}

/* After each page of the revisions list: more when it carried a continue
 * token (another page follows). */
static void stream_page(const kube_list_page_info *info, void *ud)
{
    fleet_stream_page_end(ud, info->cont != NULL);
}

static void stream_restart(void *ud)
{
    fleet_stream_restart(ud);
}

static void stream_emit(const fleet_model *m, void *ud)
{
    const ops_fleet_stream_opts *o = ud;
    o->model(m, o->ud);
}

/* The services, namespaces and pin whole (small: two services a model),
 * then the revisions streamed (core/fleet_stream.c). A Forbidden
 * cluster-wide list of services falls back to ops_fleet_load (one list per
 * namespace), written at its end. */
int ops_fleet_status_stream(kube_client *c, const ops_fleet_stream_opts *o, tt_error *err)
{
    ops_fleet_load_opts lo = {.warn = o->warn, .ud = o->ud};
    fleet *f = fleet_new();
    feed fd = {.f = f, .o = &lo};
    int rc = -1;
    if (list_into(c, &fd, &KUBE_GVR_KSVC, "", FLEET_KIND_SERVICE, err) < 0) {
        if (err->code != 403)
            goto out;
        tt_error_clear(err);
        fleet_free(f);
        f = fleet_new();
        if (ops_fleet_load(c, f, NULL, &lo, err) < 0)
            goto out;
        for (size_t i = 0; i < fleet_model_count(f); i++)
            o->model(fleet_model_at(f, i), o->ud);
        rc = 0;
        goto out;
    }
    bool namespaces_listed = true;
    if (list_into(c, &fd, &KUBE_GVR_NAMESPACES, NULL, FLEET_KIND_NAMESPACE, err) < 0) {
        if (err->code != 403)
            goto out;
        warnf(&fd, "listing namespaces is forbidden: terminating models are not marked");
        tt_error_clear(err);
        namespaces_listed = false;
    }
    json_t *pin = kube_get(c, &KUBE_GVR_KONGCLUSTERPLUGINS, NULL, OPS_PIN_NAME, err);
    if (pin)
        fleet_apply(f, FLEET_KIND_PIN, pin, false);
    else if (err->code == 404 || err->code == 403)
        tt_error_clear(err);
    else
        goto out;
    json_decref(pin);
    size_t page = o->page_size > 0 ? (size_t)o->page_size : FLEET_PAGE_SIZE;
    fleet_stream *s = fleet_stream_new(f, page, namespaces_listed, stream_emit, (void *)o);
    kube_list_opts klo = {.page_size = (long)page,
                          .restart = stream_restart,
                          .fields = fleet_fields(FLEET_KIND_REVISION),
                          .page = stream_page};
    if (kube_list_items(c, &KUBE_GVR_REVISIONS, "", &klo, stream_item, s, err) < 0) {
        fleet_stream_free(s);
        goto out;
    }
    fleet_stream_finish(s);
    const char *first = NULL;
    size_t late = fleet_stream_late(s, &first);
    if (late) {
        tt_error_set(err, TT_EPROTO,
                     "the server listed %zu revision%s out of order (first %s) after the "
                     "model%s output was written: that output misses them",
                     late, late == 1 ? "" : "s", first, late == 1 ? "'s" : "s'");
        fleet_stream_free(s);
        goto out;
    }
    fleet_stream_free(s);
    rc = 0;
out:
    fleet_free(f);
    return rc;
}

/* ---- several contexts at once ------------------------------------------------ */

typedef struct ctx_job {
    ops_context_fleet *out;
    const char *kubeconfig;
    const char *model;
    atomic_int cancel;
    bool done; /* under the shared lock */
    pthread_t thread;
    struct ctx_shared *sh;
} ctx_job;

typedef struct ctx_shared {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t running;
} ctx_shared;

static void add_warning(const char *msg, void *ud)
{
    ops_context_fleet *cf = ud;
    cf->warnings = tt_realloc(cf->warnings, (cf->n_warnings + 1) * sizeof(char *));
    cf->warnings[cf->n_warnings++] = tt_strdup(msg);
}

static void *ctx_main(void *arg)
{
    ctx_job *j = arg;
    ops_context_fleet *cf = j->out;
    tt_error err;
    tt_error_clear(&err);
    kube_rest_config *rc = kube_rest_config_default(j->kubeconfig, cf->context, NULL, &err);
    kube_client *c = rc ? kube_client_new(rc, &err) : NULL;
    if (c) {
        kube_client_set_cancel(c, &j->cancel);
        fleet *f = fleet_new();
        ops_fleet_load_opts lo = {.warn = add_warning, .ud = cf};
        if (ops_fleet_load(c, f, j->model, &lo, &err) == 0)
            cf->fleet = f;
        else
            fleet_free(f);
    }
    if (!cf->fleet)
        cf->err = err;
    kube_client_free(c);
    kube_rest_config_free(rc);
    pthread_mutex_lock(&j->sh->lock);
    j->done = true;
    j->sh->running--;
    pthread_cond_broadcast(&j->sh->cond);
    pthread_mutex_unlock(&j->sh->lock);
    return NULL;
}

void ops_fleet_load_contexts(const char *kubeconfig, const char *model, long long timeout_ms,
                             ops_context_fleet *ctxs, size_t n)
{
    ctx_shared sh = {.running = 0};
    pthread_mutex_init(&sh.lock, NULL);
    pthread_cond_init(&sh.cond, NULL);
    ctx_job *jobs = tt_calloc(n ? n : 1, sizeof(*jobs));
    for (size_t i = 0; i < n; i++) {
        ctx_job *j = &jobs[i];
        j->out = &ctxs[i];
        j->kubeconfig = kubeconfig;
        j->model = model;
        j->sh = &sh;
        atomic_init(&j->cancel, 0);
        tt_error_clear(&ctxs[i].err);
        pthread_mutex_lock(&sh.lock);
        sh.running++;
        pthread_mutex_unlock(&sh.lock);
        if (pthread_create(&j->thread, NULL, ctx_main, j) != 0) {
            pthread_mutex_lock(&sh.lock);
            sh.running--;
            j->done = true;
            pthread_mutex_unlock(&sh.lock);
            j->thread = 0;
            tt_error_set(&ctxs[i].err, TT_EIO, "could not start a thread for context %s",
                         ctxs[i].context);
        }
    }
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)(timeout_ms / 1000);
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&sh.lock);
    while (sh.running > 0)
        if (pthread_cond_timedwait(&sh.cond, &sh.lock, &deadline) != 0)
            break; /* the deadline passed */
    /* What is still running gets cancelled, and says why it stopped. */
    for (size_t i = 0; i < n; i++)
        if (!jobs[i].done) {
            ctxs[i].timed_out = true;
            atomic_store(&jobs[i].cancel, 1);
        }
    pthread_mutex_unlock(&sh.lock);
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].thread)
            pthread_join(jobs[i].thread, NULL);
        if (ctxs[i].timed_out) {
            fleet_free(ctxs[i].fleet); /* finished between the deadline and the cancel */
            ctxs[i].fleet = NULL;
            tt_error_set(&ctxs[i].err, TT_ETIMEDOUT,
                         "context %s did not answer within %lld ms (no data shown for it)",
                         ctxs[i].context, timeout_ms);
        }
    }
    free(jobs);
    pthread_cond_destroy(&sh.cond);
    pthread_mutex_destroy(&sh.lock);
}

void ops_context_fleet_clear(ops_context_fleet *cf)
{
    fleet_free(cf->fleet);
    for (size_t i = 0; i < cf->n_warnings; i++)
        free(cf->warnings[i]);
    free(cf->warnings);
    cf->fleet = NULL;
    cf->warnings = NULL;
    cf->n_warnings = 0;
}
