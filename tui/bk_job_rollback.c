/* Job: route the chosen services' traffic (j->services) to an earlier
 * Ready revision, audited; a service not chosen is left alone. */
#include "bk.h"

void bk_run_rollback(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    static const char *const services[] = {"stream", "validate"};
    char *objs[] = {"Service/stream", "Service/validate"};
    audit_result result = AUDIT_FAILED;
    kube_client *c = NULL;
    json_t *live[2] = {NULL, NULL};
    char *revs[2] = {NULL, NULL};
    if (bk_check_writable(j, NULL, j->model, &err) < 0) {
        result = AUDIT_REFUSED;
        goto out;
    }
    c = bk_client_for(j->kb, j->rc, &j->cancel, &err);
    if (!c)
        goto out;
    for (int i = 0; i < 2; i++) {
        if (!(j->services & (i == 0 ? TUI_SERVICE_STREAM : TUI_SERVICE_VALIDATE)))
            continue; /* left alone */
        revs[i] = tt_asprintf("%s-%s", services[i], j->version);
        live[i] = kube_get(c, &KUBE_GVR_KSVC, j->model, services[i], &err);
        if (!live[i]) {
            if (err.code == 404)
                tt_error_set(&err, 404, "model %s has no Knative service %s", j->model, services[i]);
            goto out;
        }
        if (ops_check_rollback_revision(c, j->model, services[i], revs[i], NULL, &err) < 0) {
            result = err.code == TT_EREFUSED ? AUDIT_REFUSED : AUDIT_FAILED;
            goto out;
        }
    }
    for (int i = 0; i < 2; i++) {
        if (!revs[i])
            continue;
        char *step = tt_asprintf("traffic of %s to %s", services[i], revs[i]);
        if (ops_already_routed(live[i], revs[i])) {
            bk_job_progress(j, step, TUI_STEP_OK, "already 100%");
            free(step);
            continue;
        }
        bk_job_progress(j, step, TUI_STEP_RUNNING, NULL);
        json_t *patch = ops_rollback_patch(revs[i]);
        kube_write_opts dry = {.dry_run = true};
        json_t *res = kube_patch_merge(c, &KUBE_GVR_KSVC, j->model, services[i], patch, &dry, &err);
        if (res) {
            json_decref(res);
            res = kube_patch_merge(c, &KUBE_GVR_KSVC, j->model, services[i], patch, NULL, &err);
        }
        json_decref(patch);
        if (!res) {
            bk_job_progress(j, step, TUI_STEP_FAILED, err.message);
            tt_error_prefix(&err, "routing traffic of %s to %s%s", services[i], revs[i],
                            i > 0 && revs[0] ? " (the other service was already changed)" : "");
            free(step);
            goto out;
        }
        json_decref(res);
        bk_job_progress(j, step, TUI_STEP_OK, "100%");
        free(step);
    }
    result = AUDIT_OK;
out:;
    size_t n_objs = 0;
    for (int i = 0; i < 2; i++)
        if (j->services & (i == 0 ? TUI_SERVICE_STREAM : TUI_SERVICE_VALIDATE))
            objs[n_objs++] = i == 0 ? "Service/stream" : "Service/validate";
    bk_audit(j, c, "rollback", NULL, j->model, j->version, objs, n_objs, result,
          result == AUDIT_OK ? "traffic routed" : err.message, NULL);
    bk_job_done(j, result == AUDIT_OK ? NULL : &err);
    for (int i = 0; i < 2; i++) {
        json_decref(live[i]);
        free(revs[i]);
    }
    kube_client_free(c);
}
