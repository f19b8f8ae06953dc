/*
 * Jobs of the preview: the form's release (bk_release_from_req,
 * bk_release.c) as YAML (masked and not), and the plan's diff and
 * dry-run verdict as text; the dry run audited as the CLI's.
 */
#include <string.h>

#include "bk.h"
#include "manifest_yaml.h"
#include "mask.h"

void bk_run_render(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    ops_release r;
    char *yaml = NULL, *masked = NULL;
    if (bk_release_from_req(j->kb, j->rreq, &r, &err) == 0 &&
        (yaml = manifest_yaml_emit(r.objects, 0, &err))) {
        json_t *m = mask_object(r.objects);
        masked = manifest_yaml_emit(m, 0, &err);
        json_decref(m);
    }
    if (masked)
        bk_job_post(j, TUI_MSG_RENDER, tui_rendered_new(yaml, masked), tui_rendered_free, NULL);
    else
        bk_job_post(j, TUI_MSG_RENDER, NULL, NULL, &err);
    tt_free_secret(yaml);
    free(masked);
    ops_release_clear(&r);
}

/* The plan of the job's release in diff mode (the whole picture). */
static int plan_of(job *j, kube_client **c, ops_release *r, ops_plan *p, tt_error *err)
{
    memset(p, 0, sizeof(*p));
    *c = NULL;
    if (bk_release_from_req(j->kb, j->rreq, r, err) < 0)
        return -1;
    *c = bk_client_for(j->kb, j->rc, &j->cancel, err);
    if (!*c)
        return -1;
    ops_target t = bk_target_of(j, *c);
    return ops_plan_build(&t, r, OPS_PLAN_DIFF, p, err);
}

/* The diff as the preview shows it; always presentable. */
static bool diff_text(const ops_plan *p, tt_buf *b)
{
    char *refusal = bk_refusal_of(p);
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
    char *refusal = bk_refusal_of(p);
    const ops_plan_item *rejected = ops_plan_rejected(p);
    if (refusal)
        tt_buf_printf(b, "apply would refuse: %s\n\n", refusal);
    if (rejected)
        tt_buf_printf(b, "server-side dry run of %s: %s\n\n", rejected->label,
                      rejected->dry_error);
    bk_plan_fates(p, "", b);
    for (size_t i = 0; i < p->n_version_notes; i++)
        tt_buf_printf(b, "%s%s\n", i ? "" : "\n", p->version_notes[i]);
    char *note = ops_plan_dry_run_note(p);
    tt_buf_printf(b, "\n%s", note);
    free(note);
    bool ok = !refusal && !rejected;
    free(refusal);
    return ok;
}

/* A dry run is audited as the CLI's `apply --dry-run=server` is: action
 * apply, dry_run true, the outcome in one line (ops_plan_result_line), or
 * why it was refused or failed. */
static void audit_dry_run(job *j, kube_client *c, const ops_release *r, const ops_plan *p,
                          const tt_error *plan_err)
{
    const tui_release_req *q = j->rreq;
    size_t n;
    char **objects = bk_object_names(r, &n);
    tt_error verdict;
    tt_error_clear(&verdict);
    if (!plan_err && bk_plan_verdict(p, &verdict) < 0)
        plan_err = &verdict;
    char *message = plan_err ? tt_strdup(plan_err->message) : ops_plan_result_line(p);
    audit_result result = !plan_err                      ? AUDIT_OK
                          : plan_err->code == TT_EREFUSED ? AUDIT_REFUSED
                                                          : AUDIT_FAILED;
    bk_audit_dry_run(j, c, "apply", q->env, q->model, q->version, objects, n, result, message, r);
    bk_object_names_free(objects, n);
    free(message);
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
        if (type == TUI_MSG_DRY_RUN)
            audit_dry_run(j, c, &r, &p, &err);
        bk_job_post(j, type, NULL, NULL, &err);
    } else {
        if (type == TUI_MSG_DRY_RUN)
            audit_dry_run(j, c, &r, &p, NULL);
        tt_buf b = TT_BUF_INIT;
        bool ok = text(&p, &b);
        bk_job_post(j, type, tui_text_result_new(ok, b.data ? b.data : ""), tui_text_result_free,
                 NULL);
        tt_buf_free(&b);
    }
    ops_plan_clear(&p);
    ops_release_clear(&r);
    kube_client_free(c);
}

void bk_run_diff(job *j)
{
    run_plan_text(j, TUI_MSG_DIFF, diff_text);
}

void bk_run_dry_run(job *j)
{
    run_plan_text(j, TUI_MSG_DRY_RUN, dry_run_text);
}
