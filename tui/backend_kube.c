/*
 * The real backend: the dashboard against a cluster. This file is the
 * backend object (creating it, destroying it, the ops table whose entry
 * points start jobs) and its two helper threads; the parts are in bk.h:
 * the reflectors over the fleet (bk_watch.c), the job runner (bk_jobs.c),
 * what the release jobs share (bk_release.c) and one file per job
 * (bk_job_*.c), which run the release engine of ops/ (the CLI's).
 *
 * Threads (none of them touches curses or UI state; results reach the UI
 * only through the queue):
 * - four reflectors, one list+watch per resource type (bk_watch.c), whose
 *   events go into one pending FLEET batch;
 * - a flusher that posts the pending fleet batch ~30 ms after its first
 *   item (or at once when it reaches BK_BATCH_CAP items, so a relist of
 *   40,000 revisions arrives as a few big batches; and at once for a
 *   change that comes after 30 ms without one, so a lone change is not
 *   held), and the pending lines of log streams the same way;
 * - a reaper that frees the messages the UI is done with, at low priority;
 * - one thread per request (bk_jobs.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bk.h"
#include "registry_client.h"

/* The calling thread yields to the others (nice +10): for bulk work that
 * nobody waits on, so it never slows the UI or the lists it shows. */
void bk_lower_priority(void)
{
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
}

char *bk_one_line(const char *s)
{
    char *c = tt_strdup(s ? s : "");
    for (char *p = c; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return c;
}

static void flush_logs_locked(kb *k, long long now, long long *next_due)
{
    for (job *j = k->jobs; j; j = j->next) {
        if (!j->lines || !j->lines->n)
            continue;
        long long due = j->lines_since + BK_FLUSH_MS;
        if (due <= now || j->lines->n >= BK_LOG_CAP) {
            if (!atomic_load(&j->cancel))
                tui_backend_post(k->b, TUI_MSG_LOG_LINES, j->req, j->lines, tui_log_lines_free, NULL);
            else
                tui_log_lines_free(j->lines);
            j->lines = NULL;
        } else if (!*next_due || due < *next_due) {
            *next_due = due;
        }
    }
}

/* Under k->lock: frees the garbage with the lock released. */
static void free_messages_unlocked(kb *k)
{
    tui_msg *m = k->garbage;
    k->garbage = NULL;
    pthread_mutex_unlock(&k->lock);
    while (m) {
        tui_msg *next = m->next;
        tui_msg_free(m);
        m = next;
    }
    pthread_mutex_lock(&k->lock);
}

static void kube_dispose(tui_backend *b, tui_msg *m)
{
    kb *k = bk_impl(b);
    pthread_mutex_lock(&k->lock);
    m->next = k->garbage;
    k->garbage = m;
    pthread_cond_signal(&k->reap);
    pthread_mutex_unlock(&k->lock);
}

static void *reaper_main(void *arg)
{
    kb *k = arg;
    bk_lower_priority();
    pthread_mutex_lock(&k->lock);
    while (!k->stop) {
        if (k->garbage)
            free_messages_unlocked(k);
        else
            pthread_cond_wait(&k->reap, &k->lock);
    }
    pthread_mutex_unlock(&k->lock);
    return NULL;
}

static void *flusher_main(void *arg)
{
    kb *k = arg;
    pthread_mutex_lock(&k->lock);
    while (!k->stop) {
        long long now = tt_now_ms(), next_due = 0;
        if (k->pending && k->pending->n) {
            long long due = k->pending_since + BK_FLUSH_MS;
            if (due <= now)
                bk_flush_fleet_locked(k);
            else
                next_due = due;
        }
        flush_logs_locked(k, now, &next_due);
        if (!next_due) {
            pthread_cond_wait(&k->cond, &k->lock);
            continue;
        }
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        long long wait = next_due - now;
        ts.tv_sec += wait / 1000;
        ts.tv_nsec += (wait % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&k->cond, &k->lock, &ts);
    }
    pthread_mutex_unlock(&k->lock);
    return NULL;
}

static unsigned long kube_load_model(tui_backend *b, const char *model)
{
    job *j = bk_job_new(b, JOB_LOAD_MODEL);
    j->model = tt_strdup(model);
    return bk_job_start(j);
}

static unsigned long kube_follow_logs(tui_backend *b, const char *model, const char *pod,
                                      const char *container, bool follow, int tail)
{
    job *j = bk_job_new(b, JOB_LOGS);
    j->model = tt_strdup(model);
    j->pod = tt_strdup(pod);
    j->container = tt_strdup(container);
    j->follow = follow;
    j->tail = tail;
    return bk_job_start(j);
}

static unsigned long release_job(tui_backend *b, job_kind kind, const tui_release_req *r)
{
    job *j = bk_job_new(b, kind);
    j->rreq = tui_release_req_dup(r);
    return bk_job_start(j);
}

static unsigned long kube_render(tui_backend *b, const tui_release_req *r)
{
    return release_job(b, JOB_RENDER, r);
}

static unsigned long kube_diff(tui_backend *b, const tui_release_req *r)
{
    return release_job(b, JOB_DIFF, r);
}

static unsigned long kube_dry_run(tui_backend *b, const tui_release_req *r)
{
    return release_job(b, JOB_DRY_RUN, r);
}

static unsigned long kube_apply_op(tui_backend *b, const tui_release_req *r)
{
    return release_job(b, JOB_APPLY, r);
}

static unsigned long model_job(tui_backend *b, job_kind kind, const char *model,
                               const char *version)
{
    job *j = bk_job_new(b, kind);
    j->model = tt_strdup(model);
    j->version = tt_strdup(version);
    return bk_job_start(j);
}

static unsigned long kube_traffic(tui_backend *b, const char *model, const char *split,
                                  unsigned services)
{
    job *j = bk_job_new(b, JOB_TRAFFIC);
    j->model = tt_strdup(model);
    j->version = tt_strdup(split); /* the split's words, audited as the version */
    j->services = services ? services : TUI_SERVICE_BOTH;
    return bk_job_start(j);
}

static unsigned long kube_resolve_image(tui_backend *b, const char *image, bool with_tags)
{
    job *j = bk_job_new(b, JOB_IMAGE);
    j->model = tt_strdup(image); /* the image */
    j->follow = with_tags;
    return bk_job_start(j);
}

static unsigned long kube_delete_model(tui_backend *b, const char *model)
{
    return model_job(b, JOB_DELETE, model, NULL);
}

static unsigned long kube_rollback(tui_backend *b, const char *model, const char *version,
                                   unsigned services)
{
    job *j = bk_job_new(b, JOB_ROLLBACK);
    j->model = tt_strdup(model);
    j->version = tt_strdup(version);
    j->services = services ? services : TUI_SERVICE_BOTH;
    return bk_job_start(j);
}

static unsigned long kube_pin_latest(tui_backend *b, const char *model)
{
    return model_job(b, JOB_PIN, model, NULL);
}

static unsigned long kube_list_contexts(tui_backend *b)
{
    return bk_job_start(bk_job_new(b, JOB_CONTEXTS));
}

static unsigned long kube_switch_context(tui_backend *b, const char *context)
{
    return model_job(b, JOB_SWITCH, context, NULL); /* model holds the context name */
}

/* Stops the flusher and the reaper (those that run) and frees k. */
static void kb_free(kb *k, bool flusher, bool reaper)
{
    pthread_mutex_lock(&k->lock);
    k->stop = true;
    pthread_cond_signal(&k->cond);
    pthread_cond_signal(&k->reap);
    pthread_mutex_unlock(&k->lock);
    if (flusher)
        pthread_join(k->flusher, NULL);
    if (reaper)
        pthread_join(k->reaper, NULL);
    pthread_mutex_lock(&k->lock);
    free_messages_unlocked(k);
    pthread_mutex_unlock(&k->lock);
    tui_fleet_batch_free(k->pending);
    for (int i = 0; i < BK_N_KINDS; i++)
        free(k->kinds[i].message);
    kube_rest_config_free(k->rc);
    free(k->kubeconfig);
    free(k->ns_override);
    free(k->context);
    free(k->init_error);
    free(k->last_message);
    if (k->refl_wake >= 0)
        close(k->refl_wake);
    pthread_cond_destroy(&k->cond);
    pthread_cond_destroy(&k->listed);
    pthread_cond_destroy(&k->reap);
    pthread_mutex_destroy(&k->lock);
    pthread_mutex_destroy(&k->refl_lock);
    free(k);
}

static void kube_destroy(tui_backend *b)
{
    kb *k = bk_impl(b);
    pthread_mutex_lock(&k->lock);
    for (job *j = k->jobs; j; j = j->next) {
        atomic_store(&j->cancel, 1);
        if (j->registry)
            registry_client_cancel(j->registry);
    }
    pthread_mutex_unlock(&k->lock);
    /* Requests end within ~100 ms of their cancel flag. */
    for (;;) {
        pthread_mutex_lock(&k->lock);
        job *j = k->jobs;
        if (j)
            k->jobs = j->next;
        pthread_mutex_unlock(&k->lock);
        if (!j)
            break;
        pthread_join(j->thread, NULL);
        bk_job_free(j);
    }
    pthread_mutex_lock(&k->refl_lock);
    if (k->watching)
        bk_reflectors_stop(k);
    pthread_mutex_unlock(&k->refl_lock);
    kb_free(k, true, true);
    free(b);
}

static unsigned long kube_load_context_fleet(tui_backend *b, const char *context)
{
    return model_job(b, JOB_CONTEXT_FLEET, context, NULL); /* model holds the context name */
}

static unsigned long kube_plan_files(tui_backend *b, const char *dir, const char *env)
{
    job *j = bk_job_new(b, JOB_FILES_PLAN);
    j->dir = tt_strdup(dir);
    j->env = tt_strdup(env);
    return bk_job_start(j);
}

static unsigned long kube_apply_files(tui_backend *b, const char *dir, const char *env,
                                      const char *const *models, size_t n)
{
    job *j = bk_job_new(b, JOB_FILES_APPLY);
    j->dir = tt_strdup(dir);
    j->env = tt_strdup(env);
    j->names = tt_calloc(n ? n : 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        j->names[i] = tt_strdup(models[i]);
    j->n_names = n;
    return bk_job_start(j);
}

static unsigned long kube_promote_plan(tui_backend *b, const char *model, const char *from,
                                       const char *to)
{
    job *j = bk_job_new(b, JOB_PROMOTE_PLAN);
    j->model = tt_strdup(model);
    j->from = tt_strdup(from);
    j->to = tt_strdup(to);
    return bk_job_start(j);
}

static unsigned long kube_promote(tui_backend *b, const char *model, const char *from,
                                  const char *to, const char *version, const char *image)
{
    job *j = bk_job_new(b, JOB_PROMOTE);
    j->model = tt_strdup(model);
    j->from = tt_strdup(from);
    j->to = tt_strdup(to);
    j->version = tt_strdup(version);
    j->image = tt_strdup(image);
    return bk_job_start(j);
}

static void kube_reconnect(tui_backend *b)
{
    atomic_fetch_add(&bk_impl(b)->retry_now, 1);
}

static const tui_backend_ops kube_ops = {
    .name = "kube",
    .watch_fleet = bk_watch_fleet,
    .load_model = kube_load_model,
    .follow_logs = kube_follow_logs,
    .cancel = bk_cancel,
    .render = kube_render,
    .diff = kube_diff,
    .dry_run = kube_dry_run,
    .apply = kube_apply_op,
    .delete_model = kube_delete_model,
    .rollback = kube_rollback,
    .traffic = kube_traffic,
    .resolve_image = kube_resolve_image,
    .pin_latest = kube_pin_latest,
    .list_contexts = kube_list_contexts,
    .switch_context = kube_switch_context,
    .reconnect = kube_reconnect,
    .load_context_fleet = kube_load_context_fleet,
    .plan_files = kube_plan_files,
    .apply_files = kube_apply_files,
    .promote_plan = kube_promote_plan,
    .promote = kube_promote,
    .destroy = kube_destroy,
    .dispose = kube_dispose,
};

tui_backend *tui_backend_kube_new(tui_queue *q, const tui_kube_options *o, tt_error *err)
{
    kb *k = tt_calloc(1, sizeof(*k));
    k->cfg = o->cfg;
    k->readonly = o->readonly;
    k->kubeconfig = tt_strdup(o->kubeconfig);
    k->ns_override = tt_strdup(o->namespace_);
    tt_error rerr;
    tt_error_clear(&rerr);
    k->rc = kube_rest_config_default(o->kubeconfig, o->context, o->namespace_, &rerr);
    if (k->rc)
        k->context = tt_strdup(k->rc->context_name ? k->rc->context_name : "in-cluster");
    else {
        k->context = tt_strdup(o->context);
        k->init_error = bk_one_line(rerr.message);
    }
    static const struct {
        const kube_gvr *gvr;
        fleet_kind kind;
        const char *what;
    } kinds[BK_N_KINDS] = {
        {&KUBE_GVR_NAMESPACES, FLEET_KIND_NAMESPACE, "namespaces"},
        {&KUBE_GVR_KSVC, FLEET_KIND_SERVICE, "services.serving.knative.dev"},
        {&KUBE_GVR_REVISIONS, FLEET_KIND_REVISION, "revisions.serving.knative.dev"},
        {&KUBE_GVR_KONGCLUSTERPLUGINS, FLEET_KIND_PIN, "kongclusterplugins.configuration.konghq.com"},
    };
    for (int i = 0; i < BK_N_KINDS; i++) {
        k->kinds[i].gvr = kinds[i].gvr;
        k->kinds[i].kind = kinds[i].kind;
        k->kinds[i].what = kinds[i].what;
    }
    atomic_init(&k->refl_cancel, 0);
    k->refl_wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    pthread_mutex_init(&k->lock, NULL);
    pthread_mutex_init(&k->refl_lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&k->cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_cond_init(&k->listed, NULL);
    pthread_cond_init(&k->reap, NULL);
    tui_backend *b = tt_calloc(1, sizeof(*b));
    b->ops = &kube_ops;
    b->queue = q;
    b->impl = k;
    k->b = b;
    int rc = pthread_create(&k->flusher, NULL, flusher_main, k);
    int rr = rc == 0 ? pthread_create(&k->reaper, NULL, reaper_main, k) : 0;
    if (rc != 0 || rr != 0) {
        tt_error_set(err, TT_EIO, "cannot start the backend thread: %s",
                     strerror(rc ? rc : rr));
        kb_free(k, rc == 0, false);
        free(b);
        return NULL;
    }
    return b;
}

