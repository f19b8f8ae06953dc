/* Job: pin `Accept-Version: latest` to a model, audited. */
#include "bk.h"
#include "render.h"

void bk_run_pin(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    char *objs[] = {"KongClusterPlugin/" OPS_PIN_NAME};
    const char *step = "kongclusterplugin/" OPS_PIN_NAME;
    audit_result result = AUDIT_FAILED;
    const char *message = "pinned";
    kube_client *c = NULL;
    json_t *rendered = NULL, *live = NULL;
    if (bk_check_writable(j, NULL, j->model, &err) < 0) {
        result = AUDIT_REFUSED;
        goto out;
    }
    c = bk_client_for(j->kb, j->rc, &j->cancel, &err);
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
        bk_job_progress(j, step, TUI_STEP_OK, "already pinned here: nothing to do");
        result = AUDIT_OK;
        message = "nothing to do";
        goto out;
    }
    bk_job_progress(j, step, TUI_STEP_RUNNING, ready < 2 ? "the model is not Ready" : NULL);
    const json_t *obj = json_array_get(rendered, 0);
    kube_apply_opts dry = {.dry_run = true};
    json_t *res = kube_apply(c, obj, &dry, NULL, &err);
    if (res) {
        json_decref(res);
        kube_apply_opts ao = {0};
        res = kube_apply(c, obj, &ao, NULL, &err);
    }
    if (!res) {
        bk_job_progress(j, step, TUI_STEP_FAILED, err.message);
        goto out;
    }
    json_decref(res);
    bk_job_progress(j, step, TUI_STEP_OK, "latest -> this model");
    result = AUDIT_OK;
out:
    bk_audit(j, c, "pin", NULL, j->model, NULL, objs, 1, result,
          result == AUDIT_OK ? message : err.message, NULL);
    bk_job_done(j, result == AUDIT_OK ? NULL : &err);
    json_decref(rendered);
    json_decref(live);
    kube_client_free(c);
}
