/*
 * The job runner of the cluster backend: one thread per request, each
 * with a copy of the context's rest config, its own kube_client and a
 * cancel flag. A job posts its messages only while it is not cancelled
 * (under the backend's lock), so nothing arrives after cancel returns.
 * Which function runs a job, and which message reports that it could not
 * start, is one table (job_defs): a new job is one new bk_job_*.c file
 * and one row. Also what every job shares: a client (for the job's context
 * or another one), posting, the read-only check and the audit entry.
 */
#include <string.h>

#include "bk.h"
#include "registry_client.h"

kube_client *bk_client_for(kb *k, const kube_rest_config *rc, const atomic_int *cancel,
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
    if (k->cfg && k->cfg->request_timeout_ms > 0)
        kube_client_set_timeout_ms(c, (long)k->cfg->request_timeout_ms);
    if (cancel)
        kube_client_set_cancel(c, cancel);
    return c;
}

/* The rest config of a context of the kubeconfig (read anew), or NULL
 * with err. */
kube_rest_config *bk_context_config(kb *k, const char *context, tt_error *err)
{
    kube_config *cfg = kube_config_load(k->kubeconfig, err);
    if (!cfg)
        return NULL;
    kube_rest_config *rc = NULL;
    if (!kube_config_find_context(cfg, context))
        tt_error_set(err, TT_EINVAL, "no context '%s' in the kubeconfig", context);
    else
        rc = kube_rest_config_resolve(cfg, context, NULL, err);
    kube_config_free(cfg);
    return rc;
}

/* Posts a message of job j unless it was cancelled (then frees payload). */
void bk_job_post(job *j, int type, void *payload, void (*free_payload)(void *),
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

void bk_job_progress(job *j, const char *object, tui_step_state st, const char *msg)
{
    bk_job_post(j, TUI_MSG_PROGRESS, tui_progress_new(object, st, msg), tui_progress_free, NULL);
}

void bk_job_done(job *j, const tt_error *err)
{
    bk_job_post(j, TUI_MSG_DONE, NULL, NULL, err && err->code ? err : NULL);
}

void bk_job_free(job *j)
{
    kube_rest_config_free(j->rc);
    free(j->context);
    tui_release_req_free(j->rreq);
    free(j->model);
    free(j->pod);
    free(j->container);
    free(j->version);
    free(j->dir);
    free(j->env);
    for (size_t i = 0; i < j->n_names; i++)
        free(j->names[i]);
    free(j->names);
    free(j->from);
    free(j->to);
    free(j->image);
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
        bk_job_free(dead);
    }
}

/* What runs each kind of job, and the message that tells its view the job
 * could not start (TUI_MSG_DONE for the changing jobs). */
static const struct {
    void (*run)(job *j);
    int start_failure;
} job_defs[] = {
    [JOB_LOAD_MODEL] = {bk_run_load_model, TUI_MSG_MODEL_DETAILS},
    [JOB_LOGS] = {bk_run_logs, TUI_MSG_LOG_END},
    [JOB_RENDER] = {bk_run_render, TUI_MSG_RENDER},
    [JOB_DIFF] = {bk_run_diff, TUI_MSG_DIFF},
    [JOB_DRY_RUN] = {bk_run_dry_run, TUI_MSG_DRY_RUN},
    [JOB_APPLY] = {bk_run_apply, TUI_MSG_DONE},
    [JOB_DELETE] = {bk_run_delete, TUI_MSG_DONE},
    [JOB_ROLLBACK] = {bk_run_rollback, TUI_MSG_DONE},
    [JOB_PIN] = {bk_run_pin, TUI_MSG_DONE},
    [JOB_CONTEXTS] = {bk_run_contexts, TUI_MSG_CONTEXTS},
    [JOB_SWITCH] = {bk_run_switch, TUI_MSG_DONE},
    [JOB_CONTEXT_FLEET] = {bk_run_context_fleet, TUI_MSG_CONTEXT_FLEET},
    [JOB_TRAFFIC] = {bk_run_traffic, TUI_MSG_DONE},
    [JOB_IMAGE] = {bk_run_image, TUI_MSG_IMAGE},
    [JOB_FILES_PLAN] = {bk_run_files_plan, TUI_MSG_FILES_PLAN},
    [JOB_FILES_APPLY] = {bk_run_files_apply, TUI_MSG_DONE},
    [JOB_PROMOTE_PLAN] = {bk_run_promote_plan, TUI_MSG_PROMOTE_PLAN},
    [JOB_PROMOTE] = {bk_run_promote, TUI_MSG_DONE},
};

static void *job_main(void *arg)
{
    job *j = arg;
    job_defs[j->kind].run(j);
    atomic_store(&j->finished, 1);
    return NULL;
}

job *bk_job_new(tui_backend *b, job_kind kind)
{
    kb *k = bk_impl(b);
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

unsigned long bk_job_start(job *j)
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
        int type = job_defs[j->kind].start_failure;
        tui_backend_post(j->b, type, req, NULL, NULL, &err);
        pthread_mutex_unlock(&k->lock);
        bk_job_free(j);
        return req;
    }
    pthread_mutex_unlock(&k->lock);
    return req;
}


void bk_cancel(tui_backend *b, unsigned long req)
{
    kb *k = bk_impl(b);
    pthread_mutex_lock(&k->lock);
    for (job *j = k->jobs; j; j = j->next)
        if (j->req == req) {
            atomic_store(&j->cancel, 1);
            if (j->registry)
                registry_client_cancel(j->registry);
        }
    pthread_mutex_unlock(&k->lock);
}

/* model is a system namespace, --readonly, or the settings mark the
 * context/env read-only (ops_check_writable, as for the CLI). */
int bk_check_writable(job *j, const char *env, const char *model, tt_error *err)
{
    if (ops_check_model(j->kb->cfg, model, err) < 0)
        return -1;
    if (j->kb->readonly) {
        tt_error_set(err, TT_EREFUSED, "read-only (--readonly): refusing to change the cluster");
        return -1;
    }
    return j->kb->cfg ? ops_check_writable(j->kb->cfg, env, j->context, model, err) : 0;
}

/* Appends the audit entry; a failure to write it shows as a failed step. */
static void audit_write(job *j, kube_client *c, const char *action, const char *env,
                        const char *model, const char *version, char **objects, size_t n_objects,
                        audit_result result, bool dry_run, const char *message,
                        const ops_release *r)
{
    audit_entry e = {0};
    e.dry_run = dry_run;
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
        bk_job_progress(j, "audit log", TUI_STEP_FAILED, err.message);
}

void bk_audit(job *j, kube_client *c, const char *action, const char *env, const char *model,
              const char *version, char **objects, size_t n_objects, audit_result result,
              const char *message, const ops_release *r)
{
    audit_write(j, c, action, env, model, version, objects, n_objects, result, false, message, r);
}

void bk_audit_dry_run(job *j, kube_client *c, const char *action, const char *env,
                      const char *model, const char *version, char **objects, size_t n_objects,
                      audit_result result, const char *message, const ops_release *r)
{
    audit_write(j, c, action, env, model, version, objects, n_objects, result, true, message, r);
}
