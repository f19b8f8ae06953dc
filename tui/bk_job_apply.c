/* Job: apply a release (safety plan, objects in order) and follow its
 * rollout, step by step, audited; the same steps for a promotion
 * (bk_apply_run). */
#include <string.h>

#include "bk.h"

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
        msg = bk_one_line(b.data);
        tt_buf_free(&b);
    }
    bk_job_progress(u->j, step, st, msg);
    free(step);
    free(msg);
}

void bk_apply_run(job *j, const char *action, const char *env, const char *model,
                  const char *version, bk_apply_prepare prepare, void *ud)
{
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
    if (bk_check_writable(j, env, model, &err) < 0) {
        result = AUDIT_REFUSED;
        goto out;
    }
    ops_release_clear(&r);
    if (prepare(j, &r, ud, &err) < 0) {
        if (err.code == TT_EREFUSED)
            result = AUDIT_REFUSED;
        goto out;
    }
    n_objects = json_array_size(r.objects);
    objects = tt_calloc(n_objects ? n_objects : 1, sizeof(char *));
    for (size_t i = 0; i < n_objects; i++)
        objects[i] = ops_object_kind_name(json_array_get(r.objects, i));
    c = bk_client_for(j->kb, j->rc, &j->cancel, &err);
    if (!c)
        goto out;
    ops_target t = bk_target_of(j, c);
    bk_job_progress(j, "plan (safety rules, server dry run)", TUI_STEP_RUNNING, NULL);
    if (ops_plan_build(&t, &r, OPS_PLAN_APPLY, &p, &err) < 0)
        goto out;
    char *refusal = bk_refusal_of(&p);
    const ops_plan_item *rejected = ops_plan_rejected(&p);
    if (refusal) {
        tt_error_set(&err, TT_EREFUSED, "refused: %s; nothing was changed", refusal);
        free(refusal);
        result = AUDIT_REFUSED;
        bk_job_progress(j, "plan (safety rules, server dry run)", TUI_STEP_FAILED, "refused");
        goto out;
    }
    if (rejected) {
        tt_error_set(&err, 422, "server-side dry run of %s: %s", rejected->label, rejected->dry_error);
        goto out;
    }
    if (p.nothing_to_do) {
        message = tt_asprintf("nothing to do: %s version %s is already released with this template "
                              "and every object is unchanged", model, version);
        bk_job_progress(j, "plan (safety rules, server dry run)", TUI_STEP_OK, message);
        result = AUDIT_OK;
        goto out;
    }
    bk_job_progress(j, "plan (safety rules, server dry run)", TUI_STEP_OK, "accepted");
    for (size_t i = 0; i < p.n_items; i++) {
        const ops_plan_item *it = &p.items[i];
        bk_job_progress(j, it->label, TUI_STEP_RUNNING, NULL);
        bool created = false, confirmed = false;
        json_t *res = ops_plan_send_checked(&t, it, &created, &confirmed, &err);
        if (!res) {
            if (kube_error_outcome_unknown(&err))
                result = AUDIT_UNKNOWN;
            bk_job_progress(j, it->label, TUI_STEP_FAILED, err.message);
            tt_error_prefix(&err, "applying %s (stopped after %zu of %zu objects)", it->label, i,
                            p.n_items);
            goto out;
        }
        json_decref(res);
        if (confirmed) {
            char *what = tt_asprintf("%s (answer lost; read back: live as sent)",
                                     ops_plan_outcome(&p, i, created));
            bk_job_progress(j, it->label, TUI_STEP_OK, what);
            free(what);
        } else {
            bk_job_progress(j, it->label, TUI_STEP_OK, ops_plan_outcome(&p, i, created));
        }
    }
    const char *services[2], *revisions[2];
    size_t n = ops_plan_rollout_targets(&p, services, revisions, 2);
    for (size_t i = 0; i < n; i++) {
        char *step = tt_asprintf("rollout %s", revisions[i]);
        bk_job_progress(j, step, TUI_STEP_PENDING, "waiting");
        free(step);
    }
    char *summary = NULL;
    rollout_ud u = {j, revisions};
    ops_rollout_callbacks cb = {.changed = rollout_changed, .ud = &u};
    int w = n ? ops_wait_rollout(&t, model, services, revisions, n, BK_ROLLOUT_TIMEOUT_MS,
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
    bk_audit(j, c, action, env, model, version, objects, n_objects, result,
          result == AUDIT_OK ? message : err.message, &r);
    if (result == AUDIT_OK && !err.code)
        bk_job_done(j, NULL);
    else {
        if (!err.code)
            tt_error_set(&err, TT_EIO, "failed");
        bk_job_done(j, &err);
    }
    for (size_t i = 0; i < n_objects; i++)
        free(objects[i]);
    free(objects);
    free(message);
    ops_plan_clear(&p);
    ops_release_clear(&r);
    kube_client_free(c);
}

static int prepare_from_req(job *j, ops_release *r, void *ud, tt_error *err)
{
    (void)ud;
    return bk_release_from_req(j->kb, j->rreq, r, err);
}

void bk_run_apply(job *j)
{
    const tui_release_req *q = j->rreq;
    bk_apply_run(j, "apply", q->env, q->model, q->version, prepare_from_req, NULL);
}
