/* Job: delete a model's namespace and follow it until it is gone (what
 * holds it while Terminating), audited. */
#include <time.h>

#include "bk.h"

static void sleep_cancellable(job *j, long ms)
{
    while (ms > 0 && !atomic_load(&j->cancel)) {
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
        ms -= 100;
    }
}

void bk_run_delete(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    char *object = tt_asprintf("Namespace/%s", j->model);
    char *step = tt_asprintf("namespace/%s", j->model);
    audit_result result = AUDIT_FAILED;
    kube_client *c = NULL;
    const char *message = NULL;
    if (bk_check_writable(j, NULL, j->model, &err) < 0) {
        result = AUDIT_REFUSED;
        goto out;
    }
    c = bk_client_for(j->kb, j->rc, &j->cancel, &err);
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
    bk_job_progress(j, step, TUI_STEP_RUNNING, "deleting");
    kube_delete_opts o = {.propagation = KUBE_PROPAGATION_BACKGROUND};
    json_t *res = kube_delete(c, &KUBE_GVR_NAMESPACES, NULL, j->model, &o, &err);
    if (!res) {
        bk_job_progress(j, step, TUI_STEP_FAILED, err.message);
        goto out;
    }
    json_decref(res);
    long long start = tt_now_ms();
    for (;;) {
        json_t *cur = kube_get(c, &KUBE_GVR_NAMESPACES, NULL, j->model, &err);
        if (!cur) {
            if (err.code == 404) {
                tt_error_clear(&err);
                bk_job_progress(j, step, TUI_STEP_OK, "gone");
                result = AUDIT_OK;
                message = "deleted and gone";
            } else {
                bk_job_progress(j, step, TUI_STEP_FAILED, err.message);
            }
            break;
        }
        const char *phase = json_string_value(json_object_get(json_object_get(cur, "status"), "phase"));
        char *blockers = health_namespace_blockers(cur); /* e.g. finalizers remaining */
        char *state = tt_asprintf("%s%s%s", phase ? phase : "Terminating", blockers ? ": " : "",
                                  blockers ? blockers : "");
        bk_job_progress(j, step, TUI_STEP_RUNNING, state);
        json_decref(cur);
        free(blockers);
        if (tt_now_ms() - start > BK_DELETE_TIMEOUT_MS) {
            tt_error_set(&err, TT_ETIMEDOUT, "namespace %s is still %s after %llds; the "
                         "deletion goes on in the cluster", j->model, state,
                         BK_DELETE_TIMEOUT_MS / 1000);
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
    bk_audit(j, c, "delete", NULL, j->model, NULL, objs, 1, result,
          result == AUDIT_OK ? message : err.message, NULL);
    bk_job_done(j, result == AUDIT_OK ? NULL : &err);
    free(object);
    free(step);
    kube_client_free(c);
}
