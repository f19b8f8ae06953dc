/*
 * Jobs of the preview: the form's values → an ops release (validated,
 * keys read, rendered), its YAML (masked and not), and the plan's diff and
 * dry-run verdict as text. Also what apply shares with them: the release
 * from a request, the plan's target and its first refusal in the
 * dashboard's words.
 */
#include <stdio.h>
#include <string.h>

#include "bk.h"
#include "registry_client.h"
#include "manifest_yaml.h"
#include "mask.h"

static void set_param(release_params *p, const char *name, const char *value)
{
    tt_error err;
    tt_error_clear(&err);
    if (value && *value)
        release_params_set(p, name, value, &err);
}

/* Validated, keys read, rendered. 0 or -1 with err naming the field. */
int bk_release_from_req(kb *k, const tui_release_req *q, ops_release *r, tt_error *err)
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
    if (q->validate_apart) { /* only then: the flat values render as before */
        char vmin[16], vmax[16];
        snprintf(vmin, sizeof(vmin), "%d", q->validate_min_scale);
        snprintf(vmax, sizeof(vmax), "%d", q->validate_max_scale);
        set_param(r->params, RELEASE_VALIDATE_MIN_SCALE, vmin);
        set_param(r->params, RELEASE_VALIDATE_MAX_SCALE, vmax);
    }
    return bk_release_finish(k, r, true, err);
}

/* The settings, the rules, the tag to its digest (resolve), the key file,
 * the render. */
int bk_release_finish(kb *k, ops_release *r, bool resolve, tt_error *err)
{
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
    /* A tag is released as the digest it points at now (as the CLI does
     * without --no-resolve): what is rendered, diffed and applied. */
    char *from = NULL, *to = NULL;
    registry_client *rc = resolve ? registry_client_new(NULL) : NULL;
    int resolved = resolve ? ops_release_resolve_image(r, rc, &from, &to, err) : 0;
    registry_client_free(rc);
    free(from);
    free(to);
    if (resolved < 0) {
        tt_error_prefix(err, "the image tag could not be resolved to a digest");
        return -1;
    }
    if (ops_release_load_keys(r, err) < 0) {
        tt_error_prefix(err, "API-key file");
        return -1;
    }
    return ops_release_render(r, err);
}

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

/* The plan's first refusal in the dashboard's words: the API-key rule
 * names the keys (never values) and the form field that chooses, not the
 * CLI flag. NULL when nothing is refused; caller frees. */
char *bk_refusal_of(const ops_plan *p)
{
    const char *refusal = ops_plan_refusal(p);
    if (refusal && refusal == p->keys_refusal && p->keys_summary)
        return tt_asprintf("API keys differ from the live Secret api-keys (%s): set API-key policy "
                           "to replace or merge in the form",
                           p->keys_summary);
    return refusal ? tt_strdup(refusal) : NULL;
}

ops_target bk_target_of(job *j, kube_client *c)
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

/* A dry run is audited as the CLI's `apply --dry-run=server` is: action
 * apply, dry_run true, the outcome in one line (ops_plan_result_line), or
 * why it was refused or failed. */
static void audit_dry_run(job *j, kube_client *c, const ops_release *r, const ops_plan *p,
                          const tt_error *plan_err)
{
    const tui_release_req *q = j->rreq;
    size_t n = r->objects ? json_array_size(r->objects) : 0;
    char **objects = tt_calloc(n ? n : 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        objects[i] = ops_object_kind_name(json_array_get(r->objects, i));
    char *refusal = plan_err ? NULL : bk_refusal_of(p);
    const ops_plan_item *rejected = plan_err ? NULL : ops_plan_rejected(p);
    char *message = plan_err   ? tt_strdup(plan_err->message)
                    : refusal  ? tt_asprintf("refused: %s; nothing was changed", refusal)
                    : rejected ? tt_asprintf("server-side dry run of %s: %s", rejected->label,
                                             rejected->dry_error)
                               : ops_plan_result_line(p);
    audit_result result = plan_err ? (plan_err->code == TT_EREFUSED ? AUDIT_REFUSED : AUDIT_FAILED)
                          : refusal ? AUDIT_REFUSED
                          : rejected ? AUDIT_FAILED
                                     : AUDIT_OK;
    bk_audit_dry_run(j, c, "apply", q->env, q->model, q->version, objects, n, result, message, r);
    for (size_t i = 0; i < n; i++)
        free(objects[i]);
    free(objects);
    free(message);
    free(refusal);
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
