/*
 * What the release jobs share (bk_job_apply.c, bk_job_release.c,
 * bk_job_promote.c; none of them calls another): a release from the
 * form's request or from parameters already set (validated, keys read,
 * rendered), the plan's target, its verdict and its objects' fates in the
 * dashboard's words, the objects' names for the audit, and apply's steps
 * (bk_apply_run: the rules, the plan, the objects in order, the rollout
 * followed, audited).
 */
#include <stdio.h>
#include <string.h>

#include "bk.h"
#include "registry_client.h"

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

/* 0 when apply may go ahead on plan p; -1 with err: the refusal
 * (TT_EREFUSED) or the server's dry-run rejection (422). */
int bk_plan_verdict(const ops_plan *p, tt_error *err)
{
    char *refusal = bk_refusal_of(p);
    const ops_plan_item *rejected = ops_plan_rejected(p);
    if (refusal) {
        tt_error_set(err, TT_EREFUSED, "refused: %s; nothing was changed", refusal);
        free(refusal);
        return -1;
    }
    if (rejected) {
        tt_error_set(err, 422, "server-side dry run of %s: %s", rejected->label,
                     rejected->dry_error);
        return -1;
    }
    return 0;
}

/* One line an object: its label and what the plan would do to it. */
void bk_plan_fates(const ops_plan *p, const char *indent, tt_buf *b)
{
    size_t n = p->diff ? diff_result_count(p->diff) : 0;
    for (size_t i = 0; i < n && i < p->n_items; i++) {
        const diff_object *d = diff_result_object(p->diff, i);
        tt_buf_printf(b, "%s%s %s%s\n", indent, p->items[i].label,
                      d->status == DIFF_ADDED     ? "would be created"
                      : d->status == DIFF_CHANGED ? "would be configured"
                                                  : "unchanged",
                      p->items[i].dry_skipped ? " (not dry-run: its namespace does not exist yet)"
                                              : "");
    }
}

char **bk_object_names(const ops_release *r, size_t *n)
{
    *n = r->objects ? json_array_size(r->objects) : 0;
    char **names = tt_calloc(*n ? *n : 1, sizeof(char *));
    for (size_t i = 0; i < *n; i++)
        names[i] = ops_object_kind_name(json_array_get(r->objects, i));
    return names;
}

void bk_object_names_free(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
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
    objects = bk_object_names(&r, &n_objects);
    c = bk_client_for(j->kb, j->rc, &j->cancel, &err);
    if (!c)
        goto out;
    ops_target t = bk_target_of(j, c);
    bk_job_progress(j, "plan (safety rules, server dry run)", TUI_STEP_RUNNING, NULL);
    if (ops_plan_build(&t, &r, OPS_PLAN_APPLY, &p, &err) < 0)
        goto out;
    if (bk_plan_verdict(&p, &err) < 0) {
        if (err.code == TT_EREFUSED) {
            result = AUDIT_REFUSED;
            bk_job_progress(j, "plan (safety rules, server dry run)", TUI_STEP_FAILED, "refused");
        }
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
    bk_object_names_free(objects, n_objects);
    free(message);
    ops_plan_clear(&p);
    ops_release_clear(&r);
    kube_client_free(c);
}

