/*
 * The cluster backend's private parts, shared by its files (only tui/bk_*.c
 * and backend_kube.c include this):
 * - backend_kube.c: the backend object (new, destroy, the ops table and
 *   its request entry points), the flusher and the reaper;
 * - bk_watch.c: the reflectors over the fleet and the connection state;
 * - bk_jobs.c: the job runner (one thread per request) and what every
 *   job shares (client, a context's config, posting, read-only check,
 *   audit);
 * - bk_release.c: what the release jobs share (the release from the form,
 *   the plan's target and verdict, apply's steps);
 * - bk_job_*.c: one file per job; jobs call ops/ and the shared files
 *   above, never each other.
 *
 * Threads never touch curses or UI state: results reach the UI only
 * through the queue (backend.h).
 */
#ifndef TUI_BK_H
#define TUI_BK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "backend.h"
#include "backend_kube.h"
#include "health.h"
#include "kube_config.h"
#include "ops.h"

#define BK_FLUSH_MS 30
#define BK_BATCH_CAP 8192
#define BK_FIRST_PAGE 100 /* items of the first page of the lists the dashboard shows */
#define BK_LOG_CAP 2000
#define BK_ROLLOUT_TIMEOUT_MS (10LL * 60 * 1000)
#define BK_DELETE_TIMEOUT_MS (5LL * 60 * 1000)
#define BK_N_KINDS 4
#define BK_RECONNECT_MAX_MS 8000

typedef struct kb kb;

typedef enum job_kind {
    JOB_LOAD_MODEL, JOB_LOGS, JOB_RENDER, JOB_DIFF, JOB_DRY_RUN, JOB_APPLY, JOB_DELETE,
    JOB_ROLLBACK, JOB_PIN, JOB_CONTEXTS, JOB_SWITCH, JOB_CONTEXT_FLEET, JOB_TRAFFIC, JOB_IMAGE,
    JOB_FILES_PLAN, JOB_FILES_APPLY,
    JOB_PROMOTE_PLAN, JOB_PROMOTE,
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
    char *from, *to, *image; /* promotion: the contexts, the image the plan showed */
    unsigned services; /* rollback: TUI_SERVICE_* bits */
    char *dir, *env;   /* the deployment files' folder and env (NULL: picked) */
    char **names;      /* apply_files: the models */
    size_t n_names;
    bool follow;
    int tail;
    tui_log_lines *lines; /* pending log lines (under kb->lock) */
    struct registry_client *registry; /* the image job's client while it asks (under kb->lock):
                                       * a cancel cancels it too */
    long long lines_since;
    struct job *next;
} job;

typedef struct kind_state {
    const kube_gvr *gvr;
    fleet_kind kind;
    const char *what; /* for messages */
    int state;        /* 0 connecting, 1 synced/connected, 2 retrying, 3 forbidden */
    bool list_ended;  /* its first list ended: listed, or failed (since the last start) */
    bool waiting;     /* not started yet (revisions wait for the services' list) */
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
    long long flushed_at; /* when the last fleet batch was posted */
    tui_msg *garbage;     /* messages the UI is done with, for the reaper to free */
    pthread_cond_t reap;  /* wakes the reaper */
    pthread_t reaper;
    kind_state kinds[BK_N_KINDS];
    tui_conn_state last_state;
    char *last_message;
    bool ever_connected;
    bool shown;           /* some kind's list reached the screen (since the last start) */
    pthread_t flusher;
    /* reflectors: only under refl_lock (held while starting/stopping) */
    pthread_mutex_t refl_lock;
    reflector refl[BK_N_KINDS];
    atomic_int refl_cancel;
    atomic_int retry_now; /* bumped by the reconnect key: cuts the reflectors' waits short */
    int refl_wake;      /* eventfd, readable while the reflectors are told to stop */
    bool watching;
};

static inline kb *bk_impl(tui_backend *b)
{
    return b->impl;
}

/* ---- backend_kube.c -------------------------------------------------------- */

/* The calling thread yields to the others (nice +10): for bulk work that
 * nobody waits on, so it never slows the UI or the lists it shows. */
void bk_lower_priority(void);
/* s with line breaks as spaces. Caller frees. */
char *bk_one_line(const char *s);

/* ---- bk_watch.c ------------------------------------------------------------- */

/* Under k->lock: posts the pending fleet batch, if any. */
void bk_flush_fleet_locked(kb *k);
/* Under refl_lock: start the four reflectors / stop and join them. */
void bk_reflectors_start(kb *k);
void bk_reflectors_stop(kb *k);
/* ops.watch_fleet */
void bk_watch_fleet(tui_backend *b);

/* ---- bk_jobs.c -------------------------------------------------------------- */

/* A client for rc (the backend's init error when rc is NULL), with the
 * settings' field manager and cancel (may be NULL). */
kube_client *bk_client_for(kb *k, const kube_rest_config *rc, const atomic_int *cancel,
                           tt_error *err);
/* The rest config of a context of the kubeconfig, or NULL with err. */
kube_rest_config *bk_context_config(kb *k, const char *context, tt_error *err);
/* Posts a message of job j unless it was cancelled (then frees payload). */
void bk_job_post(job *j, int type, void *payload, void (*free_payload)(void *),
                 const tt_error *err);
void bk_job_progress(job *j, const char *object, tui_step_state st, const char *msg);
void bk_job_done(job *j, const tt_error *err);
/* A job of kind with the current context; bk_job_start runs it (or posts
 * why it could not start) and returns its request id. */
job *bk_job_new(tui_backend *b, job_kind kind);
unsigned long bk_job_start(job *j);
void bk_job_free(job *j);
/* ops.cancel */
void bk_cancel(tui_backend *b, unsigned long req);
/* --readonly, or the settings mark the context/env read-only. */
int bk_check_writable(job *j, const char *env, const char *model, tt_error *err);
/* Appends the audit entry; a failure to write it shows as a failed step. */
void bk_audit(job *j, kube_client *c, const char *action, const char *env, const char *model,
              const char *version, char **objects, size_t n_objects, audit_result result,
              const char *message, const ops_release *r);
/* The same for a dry run (the entry's dry_run true). */
void bk_audit_dry_run(job *j, kube_client *c, const char *action, const char *env,
                      const char *model, const char *version, char **objects, size_t n_objects,
                      audit_result result, const char *message, const ops_release *r);

/* ---- bk_release.c ------------------------------------------------------------- */

/* Validated, keys read, rendered. 0 or -1 with err naming the field. */
int bk_release_from_req(kb *k, const tui_release_req *q, ops_release *r, tt_error *err);
/* The rest once r's parameters are set: the settings, the rules, a tag to
 * its digest (when resolve), the key file, the render. 0 or -1 with err. */
int bk_release_finish(kb *k, ops_release *r, bool resolve, tt_error *err);
/* The plan's first refusal in the dashboard's words, or NULL; caller frees. */
char *bk_refusal_of(const ops_plan *p);
ops_target bk_target_of(job *j, kube_client *c);
/* 0 when apply may go ahead on p; -1 with err: "refused: ...; nothing was
 * changed" (TT_EREFUSED) or the server's dry-run rejection (422). */
int bk_plan_verdict(const ops_plan *p, tt_error *err);
/* Appends one line an object of p: indent, its label, what the plan would
 * do to it ("would be created", "would be configured", "unchanged"). */
void bk_plan_fates(const ops_plan *p, const char *indent, tt_buf *b);
/* The kind/name of each of r's objects (for the audit); *n of them. */
char **bk_object_names(const ops_release *r, size_t *n);
void bk_object_names_free(char **names, size_t n);

/* Builds the release into r (initialised); 0 or -1 with err (TT_EREFUSED
 * audits as refused). */
typedef int (*bk_apply_prepare)(job *j, ops_release *r, void *ud, tt_error *err);
/* What apply does, for any release on the job's context: the read-only
 * rules, prepare, the plan (safety rules, server dry run), the objects in
 * order with read-back, the rollout followed; each step as PROGRESS,
 * audited as action, then DONE. */
void bk_apply_run(job *j, const char *action, const char *env, const char *model,
                  const char *version, bk_apply_prepare prepare, void *ud);

/* ---- the jobs, one kind per bk_job_*.c -------------------------------------------- */

void bk_run_load_model(job *j);
void bk_run_logs(job *j);
void bk_run_render(job *j);
void bk_run_diff(job *j);
void bk_run_dry_run(job *j);
void bk_run_apply(job *j);
void bk_run_delete(job *j);
void bk_run_rollback(job *j);
void bk_run_pin(job *j);
void bk_run_contexts(job *j);
void bk_run_switch(job *j);
void bk_run_context_fleet(job *j);
void bk_run_traffic(job *j);
void bk_run_image(job *j);
void bk_run_files_plan(job *j);
void bk_run_files_apply(job *j);
void bk_run_promote_plan(job *j);
void bk_run_promote(job *j);

#endif
