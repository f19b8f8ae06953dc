/*
 * The real backend: the dashboard against a cluster.
 *
 * Threads (none of them touches curses or UI state; results reach the UI
 * only through the queue):
 * - four reflectors (ksvc, revisions, namespaces, kongclusterplugins, all
 *   namespaces: one list+watch per resource type), each with its own
 *   kube_client. Their events go into one pending FLEET batch;
 * - a flusher that posts the pending fleet batch ~30 ms after its first
 *   item (or at once when it reaches BATCH_CAP items, so a relist of 40,000
 *   revisions arrives as a few big batches), and the pending lines of log
 *   streams the same way;
 * - one thread per request (load_model, logs, render, diff, dry-run,
 *   apply, delete, rollback, pin, contexts, switch), each with its own
 *   kube_client and cancel flag. The release engine is ops/ (the CLI's).
 *
 * A message of a request is posted under the backend's lock only while
 * the request is not cancelled, so nothing arrives after cancel returns.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "backend_kube.h"
#include "health.h"
#include "kube_config.h"
#include "kube_watch.h"
#include "manifest_yaml.h"
#include "mask.h"
#include "ops.h"
#include "render.h"

#define FLUSH_MS 30
#define BATCH_CAP 8192
#define LOG_CAP 2000
#define ROLLOUT_TIMEOUT_MS (10LL * 60 * 1000)
#define DELETE_TIMEOUT_MS (5LL * 60 * 1000)
#define N_KINDS 4

typedef struct kb kb;

typedef enum job_kind {
    JOB_LOAD_MODEL, JOB_LOGS, JOB_RENDER, JOB_DIFF, JOB_DRY_RUN, JOB_APPLY, JOB_DELETE,
    JOB_ROLLBACK, JOB_PIN, JOB_CONTEXTS, JOB_SWITCH,
} job_kind;

typedef struct job {
    kb *kb;
    tui_backend *b;
    unsigned long req;
    job_kind kind;
    atomic_int cancel;
    atomic_int finished;
    pthread_t thread;
    kube_rest_config *rc; /* copy at the time of the request, may be NULL */
    char *context;        /* its context name (for rules and the audit) */
    tui_release_req *rreq;
    char *model, *pod, *container, *version;
    bool follow;
    int tail;
    tui_log_lines *lines; /* pending log lines (under kb->lock) */
    long long lines_since;
    struct job *next;
} job;

typedef struct kind_state {
    const kube_gvr *gvr;
    fleet_kind kind;
    const char *what; /* for messages */
    int state;        /* 0 connecting, 1 synced/connected, 2 retrying, 3 forbidden */
    char *message;
} kind_state;

typedef struct reflector {
    kb *kb;
    int index;
    pthread_t thread;
    bool running;
} reflector;

struct kb {
    tui_backend *b;
    pthread_mutex_t lock; /* everything below unless noted */
    pthread_cond_t cond;  /* wakes the flusher */
    pthread_cond_t listed; /* a reflector's first list ended (see reflector_main) */
    bool stop;
    const config *cfg;    /* borrowed */
    bool readonly;
    char *kubeconfig;
    char *ns_override;
    kube_rest_config *rc; /* the current context's, NULL when it could not be resolved */
    char *context;
    char *init_error;     /* why rc is NULL */
    job *jobs;
    tui_fleet_batch *pending;
    long long pending_since;
    tui_msg *garbage;     /* messages the UI is done with, for the reaper to free */
    pthread_cond_t reap;  /* wakes the reaper */
    pthread_t reaper;
    kind_state kinds[N_KINDS];
    tui_conn_state last_state;
    char *last_message;
    bool ever_connected;
    pthread_t flusher;
    /* reflectors: only under refl_lock (held while starting/stopping) */
    pthread_mutex_t refl_lock;
    reflector refl[N_KINDS];
    atomic_int refl_cancel;
    int refl_wake;      /* eventfd, readable while the reflectors are told to stop */
    bool watching;
};

static kb *impl(tui_backend *b)
{
    return b->impl;
}

/* ---- small helpers -------------------------------------------------------- */

/* The calling thread yields to the others (nice +10): for bulk work that
 * nobody waits on, so it never slows the UI or the lists it shows. */
static void lower_priority(void)
{
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
}

static char *one_line(const char *s)
{
    char *c = tt_strdup(s ? s : "");
    for (char *p = c; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return c;
}

/* The environment whose context patterns name this context, or NULL. */
static const char *env_for_context(const config *cfg, const char *context)
{
    for (size_t i = 0; cfg && context && i < cfg->n_envs; i++)
        if (cfg->envs[i].n_contexts &&
            safety_context_matches(context, cfg->envs[i].contexts, cfg->envs[i].n_contexts))
            return cfg->envs[i].name;
    return NULL;
}

static kube_client *client_for(kb *k, const kube_rest_config *rc, const atomic_int *cancel,
                               tt_error *err)
{
    if (!rc) {
        pthread_mutex_lock(&k->lock);
        tt_error_set(err, TT_EINVAL, "%s", k->init_error ? k->init_error : "no cluster configured");
        pthread_mutex_unlock(&k->lock);
        return NULL;
    }
    kube_client *c = kube_client_new(rc, err);
    if (!c)
        return NULL;
    if (k->cfg && k->cfg->field_manager)
        kube_client_set_field_manager(c, k->cfg->field_manager);
    if (cancel)
        kube_client_set_cancel(c, cancel);
    return c;
}

/* ---- posting ---------------------------------------------------------------- */

/* Posts a message of job j unless it was cancelled (then frees payload). */
static void job_post(job *j, int type, void *payload, void (*free_payload)(void *),
                     const tt_error *err)
{
    kb *k = j->kb;
    pthread_mutex_lock(&k->lock);
    if (!atomic_load(&j->cancel))
        tui_backend_post(j->b, type, j->req, payload, free_payload, err);
    else if (payload && free_payload)
        free_payload(payload);
    pthread_mutex_unlock(&k->lock);
}

static void job_progress(job *j, const char *object, tui_step_state st, const char *msg)
{
    job_post(j, TUI_MSG_PROGRESS, tui_progress_new(object, st, msg), tui_progress_free, NULL);
}

static void job_done(job *j, const tt_error *err)
{
    job_post(j, TUI_MSG_DONE, NULL, NULL, err && err->code ? err : NULL);
}

/* ---- connection state ------------------------------------------------------- */

/* Under k->lock: works out the header's state from the four kinds and
 * posts it when it changed; wakes a reflector waiting on another's list. */
static void conn_update_locked(kb *k)
{
    pthread_cond_broadcast(&k->listed); /* a kind's state may have changed */
    tui_conn_state st = TUI_CONN_CONNECTED;
    const char *msg = NULL;
    int worst = 1;
    for (int i = 0; i < N_KINDS; i++) {
        int s = k->kinds[i].state;
        int rank = s == 3 ? 4 : s == 2 ? 3 : s == 0 ? 2 : 1;
        if (rank > worst) {
            worst = rank;
            msg = k->kinds[i].message;
        }
    }
    if (worst == 4)
        st = TUI_CONN_FAILED;
    else if (worst == 3)
        st = k->ever_connected ? TUI_CONN_RECONNECTING : TUI_CONN_FAILED;
    else if (worst == 2)
        st = k->ever_connected ? TUI_CONN_RECONNECTING : TUI_CONN_CONNECTING;
    if (st == TUI_CONN_CONNECTED)
        k->ever_connected = true;
    if (st == k->last_state && tt_streq(msg, k->last_message))
        return;
    k->last_state = st;
    free(k->last_message);
    k->last_message = tt_strdup(msg);
    tui_backend_post(k->b, TUI_MSG_CONN, 0,
                     tui_conn_info_new(st, k->context, env_for_context(k->cfg, k->context),
                                       k->rc ? k->rc->server : NULL, msg),
                     tui_conn_info_free, NULL);
}

/* ---- the fleet: reflectors and the flusher ----------------------------------- */

static void flush_fleet_locked(kb *k)
{
    if (k->pending && k->pending->n) {
        tui_backend_post(k->b, TUI_MSG_FLEET, 0, k->pending, tui_fleet_batch_free, NULL);
        k->pending = NULL;
    }
}

static void pending_add_locked(kb *k, tui_fleet_op op, fleet_kind kind, const json_t *obj)
{
    if (!k->pending) {
        k->pending = tui_fleet_batch_new();
        k->pending_since = tt_now_ms();
        pthread_cond_signal(&k->cond);
    }
    tui_fleet_batch_add(k->pending, op, kind, (json_t *)obj);
    if (k->pending->n >= BATCH_CAP)
        flush_fleet_locked(k);
}

static int on_reflect(const kube_reflector_event *ev, void *ud)
{
    reflector *r = ud;
    kb *k = r->kb;
    kind_state *ks = &k->kinds[r->index];
    int stop = 0;
    pthread_mutex_lock(&k->lock);
    if (atomic_load(&k->refl_cancel)) {
        pthread_mutex_unlock(&k->lock);
        return 1; /* a context switch: nothing from the old one any more */
    }
    switch (ev->type) {
    case KUBE_REFLECT_RELIST_BEGIN:
        pending_add_locked(k, TUI_FLEET_BEGIN_RELIST, ks->kind, NULL);
        break;
    case KUBE_REFLECT_ITEM:
    case KUBE_REFLECT_ADDED:
    case KUBE_REFLECT_MODIFIED:
        pending_add_locked(k, TUI_FLEET_APPLY, ks->kind, ev->object);
        break;
    case KUBE_REFLECT_DELETED:
        pending_add_locked(k, TUI_FLEET_DELETE, ks->kind, ev->object);
        break;
    case KUBE_REFLECT_SYNCED:
        pending_add_locked(k, TUI_FLEET_SWEEP, ks->kind, NULL);
        /* A complete list: nothing of it is still to come, so no reason
         * to hold it for the flusher's FLUSH_MS. */
        flush_fleet_locked(k);
        /* Fall through: a complete list means connected. */
        /* FALLTHROUGH */
    case KUBE_REFLECT_CONNECTED:
        ks->state = 1;
        free(ks->message);
        ks->message = NULL;
        conn_update_locked(k);
        break;
    case KUBE_REFLECT_RETRYING: {
        free(ks->message);
        char *why = one_line(ev->error ? ev->error->message : "failed");
        if (ev->error && ev->error->code == 403) {
            /* Retrying will not help; say what the dashboard needs. */
            ks->state = 3;
            ks->message = tt_asprintf("not allowed to list and watch %s in all namespaces (403 "
                                      "Forbidden); the dashboard needs cluster-wide list/watch "
                                      "of it: %s",
                                      ks->what, why);
            stop = 1;
        } else {
            ks->state = 2;
            long secs = (ev->retry_in_ms + 999) / 1000;
            ks->message = tt_asprintf("retrying in %lds: %s", secs, why);
        }
        free(why);
        conn_update_locked(k);
        break;
    }
    }
    pthread_mutex_unlock(&k->lock);
    return stop;
}

/* Under k->lock: the services' first list has ended (listed, or failed). */
static bool services_listed_locked(const kb *k)
{
    for (int i = 0; i < N_KINDS; i++)
        if (k->kinds[i].kind == FLEET_KIND_SERVICE)
            return k->kinds[i].state != 0;
    return true;
}

static void *reflector_main(void *arg)
{
    reflector *r = arg;
    kb *k = r->kb;
    tt_error err;
    tt_error_clear(&err);
    pthread_mutex_lock(&k->lock);
    /* Revisions (20 per service: most of the bytes) start once the
     * services have been listed, and below the others' priority, so they
     * do not compete with the lists that make the dashboard complete (see
     * fleet_service_serving) or with the UI. */
    if (k->kinds[r->index].kind == FLEET_KIND_REVISION) {
        while (!atomic_load(&k->refl_cancel) && !services_listed_locked(k))
            pthread_cond_wait(&k->listed, &k->lock);
        lower_priority(); /* their list and watch need no hurry */
    }
    kube_rest_config *rc = k->rc ? kube_rest_config_dup(k->rc) : NULL;
    pthread_mutex_unlock(&k->lock);
    kube_client *c = client_for(k, rc, NULL, &err);
    if (c && k->refl_wake >= 0)
        kube_client_set_cancel_fd(c, k->refl_wake); /* a quiet watch sleeps, no polling */
    if (!c) {
        pthread_mutex_lock(&k->lock);
        kind_state *ks = &k->kinds[r->index];
        ks->state = 3;
        free(ks->message);
        ks->message = one_line(err.message);
        conn_update_locked(k);
        pthread_mutex_unlock(&k->lock);
    } else {
        kube_reflector_opts ro = {0};
        kube_reflector_run(c, k->kinds[r->index].gvr, "", &ro, on_reflect, r, &k->refl_cancel,
                           &err);
        kube_client_free(c);
    }
    kube_rest_config_free(rc);
    return NULL;
}

/* Under refl_lock. */
static void reflectors_start(kb *k)
{
    atomic_store(&k->refl_cancel, 0);
    pthread_mutex_lock(&k->lock);
    for (int i = 0; i < N_KINDS; i++) {
        k->kinds[i].state = 0;
        free(k->kinds[i].message);
        k->kinds[i].message = NULL;
    }
    k->ever_connected = false;
    k->last_state = TUI_CONN_NOT_WIRED; /* so the next update is posted */
    conn_update_locked(k);
    pthread_mutex_unlock(&k->lock);
    for (int i = 0; i < N_KINDS; i++) {
        k->refl[i].kb = k;
        k->refl[i].index = i;
        k->refl[i].running = pthread_create(&k->refl[i].thread, NULL, reflector_main, &k->refl[i]) == 0;
    }
    k->watching = true;
}

/* The reflectors' wake descriptor: readable from a stop until the next
 * start, so their idle watches return at once (see kube_client_set_cancel_fd). */
static void wake_set(int fd)
{
    uint64_t one = 1;
    while (fd >= 0 && write(fd, &one, sizeof one) < 0 && errno == EINTR) {
    }
}

static void wake_clear(int fd)
{
    uint64_t v;
    while (fd >= 0 && read(fd, &v, sizeof v) < 0 && errno == EINTR) {
    }
}

/* Under refl_lock: stops and joins the reflectors, drops what they left. */
static void reflectors_stop(kb *k)
{
    atomic_store(&k->refl_cancel, 1);
    wake_set(k->refl_wake);
    pthread_mutex_lock(&k->lock);
    pthread_cond_broadcast(&k->listed);
    pthread_mutex_unlock(&k->lock);
    for (int i = 0; i < N_KINDS; i++)
        if (k->refl[i].running) {
            pthread_join(k->refl[i].thread, NULL);
            k->refl[i].running = false;
        }
    wake_clear(k->refl_wake);
    pthread_mutex_lock(&k->lock);
    tui_fleet_batch_free(k->pending);
    k->pending = NULL;
    pthread_mutex_unlock(&k->lock);
    k->watching = false;
}

static void flush_logs_locked(kb *k, long long now, long long *next_due)
{
    for (job *j = k->jobs; j; j = j->next) {
        if (!j->lines || !j->lines->n)
            continue;
        long long due = j->lines_since + FLUSH_MS;
        if (due <= now || j->lines->n >= LOG_CAP) {
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
    kb *k = impl(b);
    pthread_mutex_lock(&k->lock);
    m->next = k->garbage;
    k->garbage = m;
    pthread_cond_signal(&k->reap);
    pthread_mutex_unlock(&k->lock);
}

static void *reaper_main(void *arg)
{
    kb *k = arg;
    lower_priority();
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
            long long due = k->pending_since + FLUSH_MS;
            if (due <= now)
                flush_fleet_locked(k);
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

static void kube_watch_fleet(tui_backend *b)
{
    kb *k = impl(b);
    pthread_mutex_lock(&k->refl_lock);
    if (!k->watching)
        reflectors_start(k);
    pthread_mutex_unlock(&k->refl_lock);
}

/* ---- jobs ------------------------------------------------------------------------ */

static void *job_main(void *arg);

static void job_free(job *j)
{
    kube_rest_config_free(j->rc);
    free(j->context);
    tui_release_req_free(j->rreq);
    free(j->model);
    free(j->pod);
    free(j->container);
    free(j->version);
    tui_log_lines_free(j->lines);
    free(j);
}

/* Joins finished jobs (UI thread; they have returned, so this is quick). */
static void reap_jobs(kb *k)
{
    for (;;) {
        job *dead = NULL;
        pthread_mutex_lock(&k->lock);
        for (job **p = &k->jobs; *p; p = &(*p)->next)
            if (atomic_load(&(*p)->finished)) {
                dead = *p;
                *p = dead->next;
                break;
            }
        pthread_mutex_unlock(&k->lock);
        if (!dead)
            return;
        pthread_join(dead->thread, NULL);
        job_free(dead);
    }
}

static job *job_new(tui_backend *b, job_kind kind)
{
    kb *k = impl(b);
    reap_jobs(k);
    job *j = tt_calloc(1, sizeof(*j));
    j->kb = k;
    j->b = b;
    j->kind = kind;
    j->req = tui_backend_next_req(b);
    atomic_init(&j->cancel, 0);
    atomic_init(&j->finished, 0);
    pthread_mutex_lock(&k->lock);
    j->rc = k->rc ? kube_rest_config_dup(k->rc) : NULL;
    j->context = tt_strdup(k->context);
    pthread_mutex_unlock(&k->lock);
    return j;
}

static unsigned long job_start(job *j)
{
    kb *k = j->kb;
    unsigned long req = j->req;
    pthread_mutex_lock(&k->lock);
    j->next = k->jobs;
    k->jobs = j;
    int rc = pthread_create(&j->thread, NULL, job_main, j);
    if (rc != 0) {
        k->jobs = j->next;
        tt_error err;
        tt_error_set(&err, TT_EIO, "cannot start a backend thread: %s", strerror(rc));
        int type = j->kind == JOB_LOAD_MODEL ? TUI_MSG_MODEL_DETAILS
                   : j->kind == JOB_LOGS     ? TUI_MSG_LOG_END
                   : j->kind == JOB_RENDER   ? TUI_MSG_RENDER
                   : j->kind == JOB_DIFF     ? TUI_MSG_DIFF
                   : j->kind == JOB_DRY_RUN  ? TUI_MSG_DRY_RUN
                   : j->kind == JOB_CONTEXTS ? TUI_MSG_CONTEXTS
                                             : TUI_MSG_DONE;
        tui_backend_post(j->b, type, req, NULL, NULL, &err);
        pthread_mutex_unlock(&k->lock);
        job_free(j);
        return req;
    }
    pthread_mutex_unlock(&k->lock);
    return req;
}

/* ---- model details ------------------------------------------------------------------ */

static json_t *list_items(kube_client *c, const kube_gvr *gvr, const char *ns, tt_error *err)
{
    json_t *list = kube_list(c, gvr, ns, NULL, err);
    if (!list)
        return NULL;
    json_t *items = json_incref(json_object_get(list, "items"));
    json_decref(list);
    return items ? items : json_array();
}

static void run_load_model(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    kube_client *c = client_for(j->kb, j->rc, &j->cancel, &err);
    json_t *revs = NULL, *pods = NULL, *events = NULL;
    if (c && (revs = list_items(c, &KUBE_GVR_REVISIONS, j->model, &err)) &&
        (pods = list_items(c, &KUBE_GVR_PODS, j->model, &err)) &&
        (events = list_items(c, &KUBE_GVR_EVENTS, j->model, &err))) {
        tui_model_details *d = tui_model_details_from_json(j->model, revs, pods, events);
        job_post(j, TUI_MSG_MODEL_DETAILS, d, tui_model_details_free, NULL);
    } else {
        job_post(j, TUI_MSG_MODEL_DETAILS, NULL, NULL, &err);
    }
    json_decref(revs);
    json_decref(pods);
    json_decref(events);
    kube_client_free(c);
}

/* ---- logs ------------------------------------------------------------------------------ */

static int on_log_line(const char *line, size_t len, void *ud)
{
    (void)len;
    job *j = ud;
    kb *k = j->kb;
    pthread_mutex_lock(&k->lock);
    if (!j->lines) {
        j->lines = tui_log_lines_new();
        j->lines_since = tt_now_ms();
        pthread_cond_signal(&k->cond);
    }
    tui_log_lines_add(j->lines, line);
    if (j->lines->n >= LOG_CAP)
        pthread_cond_signal(&k->cond);
    pthread_mutex_unlock(&k->lock);
    return atomic_load(&j->cancel) ? 1 : 0;
}

static void run_logs(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    kube_client *c = client_for(j->kb, j->rc, &j->cancel, &err);
    int rc = -1;
    if (c) {
        kube_log_opts lo = {.container = j->container, .tail_lines = j->tail > 0 ? j->tail : -1,
                            .follow = j->follow};
        rc = kube_pod_logs(c, j->model, j->pod, &lo, on_log_line, j, &err);
    }
    kube_client_free(c);
    kb *k = j->kb;
    pthread_mutex_lock(&k->lock);
    if (j->lines && j->lines->n && !atomic_load(&j->cancel)) {
        tui_backend_post(j->b, TUI_MSG_LOG_LINES, j->req, j->lines, tui_log_lines_free, NULL);
        j->lines = NULL;
    }
    pthread_mutex_unlock(&k->lock);
    job_post(j, TUI_MSG_LOG_END, NULL, NULL, rc < 0 ? &err : NULL);
}

/* ---- the release: form values → ops ------------------------------------------------------ */

static void set_param(release_params *p, const char *name, const char *value)
{
    tt_error err;
    tt_error_clear(&err);
    if (value && *value)
        release_params_set(p, name, value, &err);
}

/* Validated, keys read, rendered. 0 or -1 with err naming the field. */
static int release_from_req(kb *k, const tui_release_req *q, ops_release *r, tt_error *err)
{
    ops_release_init(r);
    char min[16], max[16];
    snprintf(min, sizeof(min), "%d", q->min_scale);
    snprintf(max, sizeof(max), "%d", q->max_scale);
    set_param(r->params, RELEASE_ENV, q->env);
    set_param(r->params, RELEASE_MODEL, q->model);
    set_param(r->params, RELEASE_VERSION, q->version);
    set_param(r->params, RELEASE_IMAGE, q->image);
    set_param(r->params, RELEASE_IMAGE_ENTRYPOINT, q->entrypoint);
    set_param(r->params, RELEASE_INCLUDE_API_KEYS, q->include_api_keys ? "true" : "false");
    set_param(r->params, RELEASE_API_KEYS_FILE, q->api_key_file);
    set_param(r->params, RELEASE_MIN_SCALE, min);
    set_param(r->params, RELEASE_MAX_SCALE, max);
    config *defaults = k->cfg ? NULL : config_defaults();
    const config *cfg = k->cfg ? k->cfg : defaults;
    ops_release_apply_settings(r, cfg);
    release_diags diags = RELEASE_DIAGS_INIT;
    size_t errors = ops_release_validate(r, cfg, &diags);
    config_free(defaults);
    if (errors) {
        tt_buf b = TT_BUF_INIT;
        for (size_t i = 0; i < diags.n; i++)
            if (diags.items[i].severity == RELEASE_ERROR)
                tt_buf_printf(&b, "%s%s: %s", b.len ? "; " : "", diags.items[i].field,
                              diags.items[i].message);
        tt_error_set(err, TT_EINVAL, "%s", b.data ? b.data : "invalid parameters");
        tt_buf_free(&b);
        release_diags_free(&diags);
        return -1;
    }
    release_diags_free(&diags);
    if (ops_release_load_keys(r, err) < 0) {
        tt_error_prefix(err, "API-key file");
        return -1;
    }
    return ops_release_render(r, err);
}

static void run_render(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    ops_release r;
    char *yaml = NULL, *masked = NULL;
    if (release_from_req(j->kb, j->rreq, &r, &err) == 0 &&
        (yaml = manifest_yaml_emit(r.objects, 0, &err))) {
        json_t *m = mask_object(r.objects);
        masked = manifest_yaml_emit(m, 0, &err);
        json_decref(m);
    }
    if (masked)
        job_post(j, TUI_MSG_RENDER, tui_rendered_new(yaml, masked), tui_rendered_free, NULL);
    else
        job_post(j, TUI_MSG_RENDER, NULL, NULL, &err);
    tt_free_secret(yaml);
    free(masked);
    ops_release_clear(&r);
}

/* The plan's first refusal in the dashboard's words: the API-key rule
 * names the keys (never values) and the form field that chooses, not the
 * CLI flag. NULL when nothing is refused; caller frees. */
static char *refusal_of(const ops_plan *p)
{
    const char *refusal = ops_plan_refusal(p);
    if (refusal && refusal == p->keys_refusal && p->keys_summary)
        return tt_asprintf("API keys differ from the live Secret api-keys (%s): set API-key policy "
                           "to replace or merge in the form",
                           p->keys_summary);
    return refusal ? tt_strdup(refusal) : NULL;
}

static ops_target target_of(job *j, kube_client *c)
{
    return (ops_target){
        .client = c,
        .cfg = j->kb->cfg,
        .context = j->context ? j->context : "in-cluster",
        .keys_policy = j->rreq && j->rreq->include_api_keys ? j->rreq->keys_policy : SAFETY_KEYS_NONE,
    };
}

/* The plan of the job's release in diff mode (the whole picture). */
static int plan_of(job *j, kube_client **c, ops_release *r, ops_plan *p, tt_error *err)
{
    memset(p, 0, sizeof(*p));
    *c = NULL;
    if (release_from_req(j->kb, j->rreq, r, err) < 0)
        return -1;
    *c = client_for(j->kb, j->rc, &j->cancel, err);
    if (!*c)
        return -1;
    ops_target t = target_of(j, *c);
    return ops_plan_build(&t, r, OPS_PLAN_DIFF, p, err);
}

/* The diff as the preview shows it; always presentable. */
static bool diff_text(const ops_plan *p, tt_buf *b)
{
    char *refusal = refusal_of(p);
    if (refusal)
        tt_buf_printf(b, "# apply would refuse: %s\n", refusal);
    free(refusal);
    for (size_t i = 0; i < p->n_items; i++)
        if (p->items[i].dry_error)
            tt_buf_printf(b, "# the server refused the dry run of %s (shown as rendered): %s\n",
                          p->items[i].label, p->items[i].dry_error);
    char *text = diff_result_render(p->diff, false);
    tt_buf_puts(b, text);
    free(text);
    return true;
}

/* The dry run's verdict per object; true when apply would go ahead. */
static bool dry_run_text(const ops_plan *p, tt_buf *b)
{
    char *refusal = refusal_of(p);
    const ops_plan_item *rejected = ops_plan_rejected(p);
    if (refusal)
        tt_buf_printf(b, "apply would refuse: %s\n\n", refusal);
    if (rejected)
        tt_buf_printf(b, "server-side dry run of %s: %s\n\n", rejected->label,
                      rejected->dry_error);
    size_t n = p->diff ? diff_result_count(p->diff) : 0;
    for (size_t i = 0; i < n && i < p->n_items; i++) {
        const diff_object *d = diff_result_object(p->diff, i);
        tt_buf_printf(b, "%s %s%s\n", p->items[i].label,
                      d->status == DIFF_ADDED     ? "would be created"
                      : d->status == DIFF_CHANGED ? "would be configured"
                                                  : "unchanged",
                      p->items[i].dry_skipped ? " (not dry-run: its namespace does not exist yet)"
                                              : "");
    }
    for (size_t i = 0; i < p->n_version_notes; i++)
        tt_buf_printf(b, "%s%s\n", i ? "" : "\n", p->version_notes[i]);
    char *note = ops_plan_dry_run_note(p);
    tt_buf_printf(b, "\n%s", note);
    free(note);
    bool ok = !refusal && !rejected;
    free(refusal);
    return ok;
}

/* Diff and dry run: plan the release (a server-side dry run of each
 * object) and post the plan as text of message type. */
static void run_plan_text(job *j, int type, bool (*text)(const ops_plan *p, tt_buf *b))
{
    tt_error err;
    tt_error_clear(&err);
    ops_release r;
    ops_plan p;
    kube_client *c;
    if (plan_of(j, &c, &r, &p, &err) < 0) {
        job_post(j, type, NULL, NULL, &err);
    } else {
        tt_buf b = TT_BUF_INIT;
        bool ok = text(&p, &b);
        job_post(j, type, tui_text_result_new(ok, b.data ? b.data : ""), tui_text_result_free,
                 NULL);
        tt_buf_free(&b);
    }
    ops_plan_clear(&p);
    ops_release_clear(&r);
    kube_client_free(c);
}

/* ---- changes: apply, delete, rollback, pin ----------------------------------------------- */

/* --readonly, or the settings mark the context/env read-only. */
static int check_writable(job *j, const char *env, tt_error *err)
{
    if (j->kb->readonly) {
        tt_error_set(err, TT_EREFUSED, "read-only (--readonly): refusing to change the cluster");
        return -1;
    }
    return j->kb->cfg ? ops_check_writable(j->kb->cfg, env, j->context, err) : 0;
}

/* Appends the audit entry; a failure to write it shows as a failed step. */
static void audit(job *j, kube_client *c, const char *action, const char *env, const char *model,
                  const char *version, char **objects, size_t n_objects, audit_result result,
                  const char *message, const ops_release *r)
{
    audit_entry e = {0};
    e.user = (char *)(c ? kube_client_user(c) : NULL);
    e.context = j->context;
    e.env = (char *)env;
    e.model = (char *)model;
    e.version = (char *)version;
    e.action = (char *)action;
    e.objects = objects;
    e.n_objects = n_objects;
    e.result = result;
    e.message = (char *)message;
    tt_error err;
    tt_error_clear(&err);
    if (ops_audit(&e, r, &err) < 0)
        job_progress(j, "audit log", TUI_STEP_FAILED, err.message);
}

typedef struct rollout_ud {
    job *j;
    const char *const *revisions;
} rollout_ud;

static void rollout_changed(size_t i, const health_revision *rev, const json_t *events, void *ud)
{
    rollout_ud *u = ud;
    char *step = tt_asprintf("rollout %s", u->revisions[i]);
    tui_step_state st = rev->state == HEALTH_READY    ? TUI_STEP_OK
                        : rev->state == HEALTH_FAILED ? TUI_STEP_FAILED
                                                      : TUI_STEP_RUNNING;
    char *msg;
    if (rev->state == HEALTH_READY) {
        msg = tt_strdup("Ready");
    } else {
        tt_buf b = TT_BUF_INIT;
        tt_buf_printf(&b, "%s", health_state_name(rev->state));
        if (rev->reason)
            tt_buf_printf(&b, ": %s%s%s", rev->reason, rev->message ? ": " : "",
                          rev->message ? rev->message : "");
        if (rev->state == HEALTH_FAILED) {
            size_t n;
            char **lines = ops_rollout_warnings(events, u->revisions[i], 1, &n);
            for (size_t k = 0; k < n; k++) {
                tt_buf_printf(&b, " | %s", lines[k]);
                free(lines[k]);
            }
            free(lines);
        }
        msg = one_line(b.data);
        tt_buf_free(&b);
    }
    job_progress(u->j, step, st, msg);
    free(step);
    free(msg);
}

static void run_apply(job *j)
{
    const tui_release_req *q = j->rreq;
    tt_error err;
    tt_error_clear(&err);
    ops_release r;
    ops_plan p;
    memset(&p, 0, sizeof(p));
    kube_client *c = NULL;
    char **objects = NULL;
    size_t n_objects = 0;
    audit_result result = AUDIT_FAILED;
    char *message = NULL;
    ops_release_init(&r);
    if (check_writable(j, q->env, &err) < 0) {
        result = AUDIT_REFUSED;
        goto out;
    }
    ops_release_clear(&r);
    if (release_from_req(j->kb, q, &r, &err) < 0)
        goto out;
    n_objects = json_array_size(r.objects);
    objects = tt_calloc(n_objects ? n_objects : 1, sizeof(char *));
    for (size_t i = 0; i < n_objects; i++)
        objects[i] = ops_object_kind_name(json_array_get(r.objects, i));
    c = client_for(j->kb, j->rc, &j->cancel, &err);
    if (!c)
        goto out;
    ops_target t = target_of(j, c);
    job_progress(j, "plan (safety rules, server dry run)", TUI_STEP_RUNNING, NULL);
    if (ops_plan_build(&t, &r, OPS_PLAN_APPLY, &p, &err) < 0)
        goto out;
    char *refusal = refusal_of(&p);
    const ops_plan_item *rejected = ops_plan_rejected(&p);
    if (refusal) {
        tt_error_set(&err, TT_EREFUSED, "refused: %s; nothing was changed", refusal);
        free(refusal);
        result = AUDIT_REFUSED;
        job_progress(j, "plan (safety rules, server dry run)", TUI_STEP_FAILED, "refused");
        goto out;
    }
    if (rejected) {
        tt_error_set(&err, 422, "server-side dry run of %s: %s", rejected->label, rejected->dry_error);
        goto out;
    }
    if (p.nothing_to_do) {
        message = tt_asprintf("nothing to do: %s version %s is already released with this template "
                              "and every object is unchanged", q->model, q->version);
        job_progress(j, "plan (safety rules, server dry run)", TUI_STEP_OK, message);
        result = AUDIT_OK;
        goto out;
    }
    job_progress(j, "plan (safety rules, server dry run)", TUI_STEP_OK, "accepted");
    for (size_t i = 0; i < p.n_items; i++) {
        const ops_plan_item *it = &p.items[i];
        job_progress(j, it->label, TUI_STEP_RUNNING, NULL);
        bool created = false;
        json_t *res = ops_plan_send(&t, it, false, &created, &err);
        if (!res) {
            job_progress(j, it->label, TUI_STEP_FAILED, err.message);
            tt_error_prefix(&err, "applying %s (stopped after %zu of %zu objects)", it->label, i,
                            p.n_items);
            goto out;
        }
        json_decref(res);
        job_progress(j, it->label, TUI_STEP_OK, ops_plan_outcome(&p, i, created));
    }
    const char *services[2], *revisions[2];
    size_t n = ops_plan_rollout_targets(&p, services, revisions, 2);
    for (size_t i = 0; i < n; i++) {
        char *step = tt_asprintf("rollout %s", revisions[i]);
        job_progress(j, step, TUI_STEP_PENDING, "waiting");
        free(step);
    }
    char *summary = NULL;
    rollout_ud u = {j, revisions};
    ops_rollout_callbacks cb = {.changed = rollout_changed, .ud = &u};
    int w = n ? ops_wait_rollout(&t, q->model, services, revisions, n, ROLLOUT_TIMEOUT_MS,
                                 &j->cancel, &cb, &summary)
              : 0;
    if (w == 0) {
        message = summary ? tt_asprintf("rollout %s", summary) : tt_strdup("applied");
        result = AUDIT_OK;
    } else {
        tt_error_set(&err, TT_EIO, "rollout %s", summary ? summary : "failed");
    }
    free(summary);
out:
    audit(j, c, "apply", q->env, q->model, q->version, objects, n_objects, result,
          result == AUDIT_OK ? message : err.message, &r);
    if (result == AUDIT_OK && !err.code)
        job_done(j, NULL);
    else {
        if (!err.code)
            tt_error_set(&err, TT_EIO, "failed");
        job_done(j, &err);
    }
    for (size_t i = 0; i < n_objects; i++)
        free(objects[i]);
    free(objects);
    free(message);
    ops_plan_clear(&p);
    ops_release_clear(&r);
    kube_client_free(c);
}

static void sleep_cancellable(job *j, long ms)
{
    while (ms > 0 && !atomic_load(&j->cancel)) {
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
        ms -= 100;
    }
}

static void run_delete(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    char *object = tt_asprintf("Namespace/%s", j->model);
    char *step = tt_asprintf("namespace/%s", j->model);
    audit_result result = AUDIT_FAILED;
    kube_client *c = NULL;
    const char *message = NULL;
    if (check_writable(j, NULL, &err) < 0) {
        result = AUDIT_REFUSED;
        goto out;
    }
    c = client_for(j->kb, j->rc, &j->cancel, &err);
    if (!c)
        goto out;
    json_t *ns = kube_get(c, &KUBE_GVR_NAMESPACES, NULL, j->model, &err);
    if (!ns) {
        if (err.code == 404)
            tt_error_set(&err, 404, "model %s not found: there is no namespace %s on context %s",
                         j->model, j->model, j->context ? j->context : "-");
        goto out;
    }
    json_decref(ns);
    if (ops_check_is_model(c, j->model, &err) < 0) {
        result = err.code == TT_EREFUSED ? AUDIT_REFUSED : AUDIT_FAILED;
        goto out;
    }
    job_progress(j, step, TUI_STEP_RUNNING, "deleting");
    kube_delete_opts o = {.propagation = KUBE_PROPAGATION_BACKGROUND};
    json_t *res = kube_delete(c, &KUBE_GVR_NAMESPACES, NULL, j->model, &o, &err);
    if (!res) {
        job_progress(j, step, TUI_STEP_FAILED, err.message);
        goto out;
    }
    json_decref(res);
    long long start = tt_now_ms();
    for (;;) {
        json_t *cur = kube_get(c, &KUBE_GVR_NAMESPACES, NULL, j->model, &err);
        if (!cur) {
            if (err.code == 404) {
                tt_error_clear(&err);
                job_progress(j, step, TUI_STEP_OK, "gone");
                result = AUDIT_OK;
                message = "deleted and gone";
            } else {
                job_progress(j, step, TUI_STEP_FAILED, err.message);
            }
            break;
        }
        const char *phase = json_string_value(json_object_get(json_object_get(cur, "status"), "phase"));
        char *blockers = health_namespace_blockers(cur); /* e.g. finalizers remaining */
        char *state = tt_asprintf("%s%s%s", phase ? phase : "Terminating", blockers ? ": " : "",
                                  blockers ? blockers : "");
        job_progress(j, step, TUI_STEP_RUNNING, state);
        json_decref(cur);
        free(blockers);
        if (tt_now_ms() - start > DELETE_TIMEOUT_MS) {
            tt_error_set(&err, TT_ETIMEDOUT, "namespace %s is still %s after %llds; the "
                         "deletion goes on in the cluster", j->model, state,
                         DELETE_TIMEOUT_MS / 1000);
            free(state);
            break;
        }
        free(state);
        sleep_cancellable(j, 1000);
        if (atomic_load(&j->cancel)) {
            result = AUDIT_OK;
            message = "deletion started";
            break;
        }
    }
out:;
    char *objs[] = {object};
    audit(j, c, "delete", NULL, j->model, NULL, objs, 1, result,
          result == AUDIT_OK ? message : err.message, NULL);
    job_done(j, result == AUDIT_OK ? NULL : &err);
    free(object);
    free(step);
    kube_client_free(c);
}

static void run_rollback(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    static const char *const services[] = {"stream", "validate"};
    char *objs[] = {"Service/stream", "Service/validate"};
    audit_result result = AUDIT_FAILED;
    kube_client *c = NULL;
    json_t *live[2] = {NULL, NULL};
    char *revs[2] = {NULL, NULL};
    if (check_writable(j, NULL, &err) < 0) {
        result = AUDIT_REFUSED;
        goto out;
    }
    c = client_for(j->kb, j->rc, &j->cancel, &err);
    if (!c)
        goto out;
    for (int i = 0; i < 2; i++) {
        revs[i] = tt_asprintf("%s-%s", services[i], j->version);
        live[i] = kube_get(c, &KUBE_GVR_KSVC, j->model, services[i], &err);
        if (!live[i]) {
            if (err.code == 404)
                tt_error_set(&err, 404, "model %s has no Knative service %s", j->model, services[i]);
            goto out;
        }
        if (ops_check_rollback_revision(c, j->model, services[i], revs[i], &err) < 0) {
            result = err.code == TT_EREFUSED ? AUDIT_REFUSED : AUDIT_FAILED;
            goto out;
        }
    }
    for (int i = 0; i < 2; i++) {
        char *step = tt_asprintf("traffic of %s to %s", services[i], revs[i]);
        if (ops_already_routed(live[i], revs[i])) {
            job_progress(j, step, TUI_STEP_OK, "already 100%");
            free(step);
            continue;
        }
        job_progress(j, step, TUI_STEP_RUNNING, NULL);
        json_t *patch = ops_rollback_patch(revs[i]);
        kube_write_opts dry = {.dry_run = true};
        json_t *res = kube_patch_merge(c, &KUBE_GVR_KSVC, j->model, services[i], patch, &dry, &err);
        if (res) {
            json_decref(res);
            res = kube_patch_merge(c, &KUBE_GVR_KSVC, j->model, services[i], patch, NULL, &err);
        }
        json_decref(patch);
        if (!res) {
            job_progress(j, step, TUI_STEP_FAILED, err.message);
            tt_error_prefix(&err, "routing traffic of %s to %s%s", services[i], revs[i],
                            i > 0 ? " (the other service was already changed)" : "");
            free(step);
            goto out;
        }
        json_decref(res);
        job_progress(j, step, TUI_STEP_OK, "100%");
        free(step);
    }
    result = AUDIT_OK;
out:
    audit(j, c, "rollback", NULL, j->model, j->version, objs, 2, result,
          result == AUDIT_OK ? "traffic routed" : err.message, NULL);
    job_done(j, result == AUDIT_OK ? NULL : &err);
    for (int i = 0; i < 2; i++) {
        json_decref(live[i]);
        free(revs[i]);
    }
    kube_client_free(c);
}

static void run_pin(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    char *objs[] = {"KongClusterPlugin/" OPS_PIN_NAME};
    const char *step = "kongclusterplugin/" OPS_PIN_NAME;
    audit_result result = AUDIT_FAILED;
    const char *message = "pinned";
    kube_client *c = NULL;
    json_t *rendered = NULL, *live = NULL;
    if (check_writable(j, NULL, &err) < 0) {
        result = AUDIT_REFUSED;
        goto out;
    }
    c = client_for(j->kb, j->rc, &j->cancel, &err);
    if (!c)
        goto out;
    size_t ready = 0;
    if (ops_check_pin_model(c, j->model, j->context ? j->context : "-", &ready, &err) < 0) {
        result = err.code == TT_EREFUSED ? AUDIT_REFUSED : AUDIT_FAILED;
        goto out;
    }
    if (!(rendered = release_render_pin(j->model, &err)))
        goto out;
    live = ops_get_pin(c, &err);
    if (!live && err.code)
        goto out;
    if (tt_streq(ops_pinned_model(live), j->model)) {
        job_progress(j, step, TUI_STEP_OK, "already pinned here: nothing to do");
        result = AUDIT_OK;
        message = "nothing to do";
        goto out;
    }
    job_progress(j, step, TUI_STEP_RUNNING, ready < 2 ? "the model is not Ready" : NULL);
    const json_t *obj = json_array_get(rendered, 0);
    kube_apply_opts dry = {.dry_run = true};
    json_t *res = kube_apply(c, obj, &dry, NULL, &err);
    if (res) {
        json_decref(res);
        kube_apply_opts ao = {0};
        res = kube_apply(c, obj, &ao, NULL, &err);
    }
    if (!res) {
        job_progress(j, step, TUI_STEP_FAILED, err.message);
        goto out;
    }
    json_decref(res);
    job_progress(j, step, TUI_STEP_OK, "latest -> this model");
    result = AUDIT_OK;
out:
    audit(j, c, "pin", NULL, j->model, NULL, objs, 1, result,
          result == AUDIT_OK ? message : err.message, NULL);
    job_done(j, result == AUDIT_OK ? NULL : &err);
    json_decref(rendered);
    json_decref(live);
    kube_client_free(c);
}

/* ---- contexts ------------------------------------------------------------------------------ */

static void run_contexts(job *j)
{
    kb *k = j->kb;
    tt_error err;
    tt_error_clear(&err);
    kube_config *cfg = kube_config_load(k->kubeconfig, &err);
    if (!cfg) {
        job_post(j, TUI_MSG_CONTEXTS, NULL, NULL, &err);
        return;
    }
    tui_contexts *list = tui_contexts_new(j->context);
    for (size_t i = 0; i < kube_config_context_count(cfg); i++) {
        const kube_context_entry *e = kube_config_context_at(cfg, i);
        tui_contexts_add(list, e->name, e->cluster, e->namespace_ ? e->namespace_ : "default",
                         env_for_context(k->cfg, e->name));
    }
    kube_config_free(cfg);
    job_post(j, TUI_MSG_CONTEXTS, list, tui_contexts_free, NULL);
}

static void run_switch(job *j)
{
    kb *k = j->kb;
    tt_error err;
    tt_error_clear(&err);
    kube_config *cfg = kube_config_load(k->kubeconfig, &err);
    kube_rest_config *rc = NULL;
    if (cfg) {
        if (!kube_config_find_context(cfg, j->model))
            tt_error_set(&err, TT_EINVAL, "no context '%s' in the kubeconfig", j->model);
        else
            rc = kube_rest_config_resolve(cfg, j->model, k->ns_override, &err);
        kube_config_free(cfg);
    }
    if (!rc) {
        job_done(j, &err);
        return;
    }
    pthread_mutex_lock(&k->refl_lock);
    bool was_watching = k->watching;
    if (was_watching)
        reflectors_stop(k);
    pthread_mutex_lock(&k->lock);
    kube_rest_config_free(k->rc);
    k->rc = rc;
    free(k->context);
    k->context = tt_strdup(j->model);
    free(k->init_error);
    k->init_error = NULL;
    tui_fleet_batch *reset = tui_fleet_batch_new();
    tui_fleet_batch_add(reset, TUI_FLEET_RESET, FLEET_KIND_SERVICE, NULL);
    tui_backend_post(k->b, TUI_MSG_FLEET, 0, reset, tui_fleet_batch_free, NULL);
    pthread_mutex_unlock(&k->lock);
    if (was_watching)
        reflectors_start(k);
    pthread_mutex_unlock(&k->refl_lock);
    job_done(j, NULL);
}

static void *job_main(void *arg)
{
    job *j = arg;
    switch (j->kind) {
    case JOB_LOAD_MODEL: run_load_model(j); break;
    case JOB_LOGS: run_logs(j); break;
    case JOB_RENDER: run_render(j); break;
    case JOB_DIFF: run_plan_text(j, TUI_MSG_DIFF, diff_text); break;
    case JOB_DRY_RUN: run_plan_text(j, TUI_MSG_DRY_RUN, dry_run_text); break;
    case JOB_APPLY: run_apply(j); break;
    case JOB_DELETE: run_delete(j); break;
    case JOB_ROLLBACK: run_rollback(j); break;
    case JOB_PIN: run_pin(j); break;
    case JOB_CONTEXTS: run_contexts(j); break;
    case JOB_SWITCH: run_switch(j); break;
    }
    atomic_store(&j->finished, 1);
    return NULL;
}

/* ---- ops ------------------------------------------------------------------------------------ */

static unsigned long kube_load_model(tui_backend *b, const char *model)
{
    job *j = job_new(b, JOB_LOAD_MODEL);
    j->model = tt_strdup(model);
    return job_start(j);
}

static unsigned long kube_follow_logs(tui_backend *b, const char *model, const char *pod,
                                      const char *container, bool follow, int tail)
{
    job *j = job_new(b, JOB_LOGS);
    j->model = tt_strdup(model);
    j->pod = tt_strdup(pod);
    j->container = tt_strdup(container);
    j->follow = follow;
    j->tail = tail;
    return job_start(j);
}

static void kube_cancel(tui_backend *b, unsigned long req)
{
    kb *k = impl(b);
    pthread_mutex_lock(&k->lock);
    for (job *j = k->jobs; j; j = j->next)
        if (j->req == req)
            atomic_store(&j->cancel, 1);
    pthread_mutex_unlock(&k->lock);
}

static unsigned long release_job(tui_backend *b, job_kind kind, const tui_release_req *r)
{
    job *j = job_new(b, kind);
    j->rreq = tui_release_req_dup(r);
    return job_start(j);
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
    job *j = job_new(b, kind);
    j->model = tt_strdup(model);
    j->version = tt_strdup(version);
    return job_start(j);
}

static unsigned long kube_delete_model(tui_backend *b, const char *model)
{
    return model_job(b, JOB_DELETE, model, NULL);
}

static unsigned long kube_rollback(tui_backend *b, const char *model, const char *version)
{
    return model_job(b, JOB_ROLLBACK, model, version);
}

static unsigned long kube_pin_latest(tui_backend *b, const char *model)
{
    return model_job(b, JOB_PIN, model, NULL);
}

static unsigned long kube_list_contexts(tui_backend *b)
{
    return job_start(job_new(b, JOB_CONTEXTS));
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
    for (int i = 0; i < N_KINDS; i++)
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
    kb *k = impl(b);
    pthread_mutex_lock(&k->lock);
    for (job *j = k->jobs; j; j = j->next)
        atomic_store(&j->cancel, 1);
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
        job_free(j);
    }
    pthread_mutex_lock(&k->refl_lock);
    if (k->watching)
        reflectors_stop(k);
    pthread_mutex_unlock(&k->refl_lock);
    kb_free(k, true, true);
    free(b);
}

static const tui_backend_ops kube_ops = {
    .name = "kube",
    .watch_fleet = kube_watch_fleet,
    .load_model = kube_load_model,
    .follow_logs = kube_follow_logs,
    .cancel = kube_cancel,
    .render = kube_render,
    .diff = kube_diff,
    .dry_run = kube_dry_run,
    .apply = kube_apply_op,
    .delete_model = kube_delete_model,
    .rollback = kube_rollback,
    .pin_latest = kube_pin_latest,
    .list_contexts = kube_list_contexts,
    .switch_context = kube_switch_context,
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
        k->init_error = one_line(rerr.message);
    }
    static const struct {
        const kube_gvr *gvr;
        fleet_kind kind;
        const char *what;
    } kinds[N_KINDS] = {
        {&KUBE_GVR_NAMESPACES, FLEET_KIND_NAMESPACE, "namespaces"},
        {&KUBE_GVR_KSVC, FLEET_KIND_SERVICE, "services.serving.knative.dev"},
        {&KUBE_GVR_REVISIONS, FLEET_KIND_REVISION, "revisions.serving.knative.dev"},
        {&KUBE_GVR_KONGCLUSTERPLUGINS, FLEET_KIND_PIN, "kongclusterplugins.configuration.konghq.com"},
    };
    for (int i = 0; i < N_KINDS; i++) {
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
