/* Jobs: promote a model from one context to another as `ttstui promote`
 * does (ops/promote.c): the source's release read back (refused unless
 * Ready and by digest), released in the target under the target's
 * environment and next free version, through the target's rules. First
 * the plan (diff and summary for the confirmation), then the promotion
 * itself, which reads the source again and goes through apply's steps
 * (bk_apply_run, bk_release.c). Refusals and outcomes are audited as "promote" on the
 * target's context, as the CLI audits them. */
#include <string.h>

#include "bk.h"
#include "change_summary.h"

/* The target's environment: the settings' environment of its context. */
static const char *target_env(job *j, tt_error *err)
{
    return safety_env_of_context_err(
        j->kb->cfg, j->to, "say there which one environment it serves to promote to it", err);
}

/* The source's release (a client of its own, dropped at once). */
static int read_source(job *j, ops_promote_source *ps, tt_error *err)
{
    kube_rest_config *rc = bk_context_config(j->kb, j->from, err);
    kube_client *src = rc ? bk_client_for(j->kb, rc, &j->cancel, err) : NULL;
    kube_rest_config_free(rc);
    if (!src) {
        memset(ps, 0, sizeof *ps);
        return -1;
    }
    int r = ops_promote_read(src, j->from, j->model, ps, err);
    kube_client_free(src);
    return r;
}

/* The release the promotion makes in the target, rendered (the image is
 * by digest already: nothing to resolve). */
static int release_of(job *j, const ops_promote_source *ps, const char *env, const char *version,
                      ops_release *r, tt_error *err)
{
    ops_release_init(r);
    ops_promote_param params[OPS_PROMOTE_MAX_PARAMS];
    size_t n = ops_promote_params(ps, env, j->model, version, params);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (release_params_set(r->params, params[i].param, params[i].value, err) < 0) {
            tt_error_prefix(err, "%s", params[i].param);
            rc = -1;
        }
    ops_promote_params_free(params, n);
    return rc < 0 ? -1 : bk_release_finish(j->kb, r, false, err);
}

/* The job now speaks for the target: its rules and audit entries. */
static int use_target(job *j, tt_error *err)
{
    kube_rest_config *rc = bk_context_config(j->kb, j->to, err);
    if (!rc)
        return -1;
    kube_rest_config_free(j->rc);
    j->rc = rc;
    free(j->context);
    j->context = tt_strdup(j->to);
    return 0;
}

/* Each object's fate and what changes beyond the version, in words. */
static char *summary_of(const ops_plan *p)
{
    tt_buf b = TT_BUF_INIT;
    bk_plan_fates(p, "  ", &b);
    release_facts live, next;
    release_facts_init(&live);
    release_facts_init(&next);
    for (size_t i = 0; i < p->n_items; i++) {
        if (p->items[i].live)
            release_facts_add_object(&live, p->items[i].live);
        release_facts_add_object(&next, p->items[i].desired);
    }
    release_changes c = {0};
    release_changes_compute(&live, &next, &c);
    if (c.n)
        tt_buf_puts(&b, "Changes beyond the version:\n");
    for (size_t i = 0; i < c.n; i++)
        tt_buf_printf(&b, "%s %s\n", c.items[i].warning ? "!" : " ", c.items[i].text);
    release_changes_free(&c);
    return tt_buf_steal(&b);
}

void bk_run_promote_plan(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    ops_promote_source ps;
    memset(&ps, 0, sizeof ps);
    ops_release r;
    ops_release_init(&r);
    ops_plan p;
    memset(&p, 0, sizeof p);
    kube_client *c = NULL;
    char *version = NULL, **objects = NULL;
    size_t n_objects = 0;
    const char *env = NULL;
    audit_result result = AUDIT_FAILED;
    tui_promote_plan *plan = NULL;
    if (use_target(j, &err) < 0 || read_source(j, &ps, &err) < 0 || !(env = target_env(j, &err)))
        goto out;
    if (bk_check_writable(j, env, j->model, &err) < 0)
        goto out;
    if (!(c = bk_client_for(j->kb, j->rc, &j->cancel, &err)) ||
        !(version = ops_promote_target_version(c, j->model, ps.version, &err)))
        goto out;
    ops_release_clear(&r);
    if (release_of(j, &ps, env, version, &r, &err) < 0)
        goto out;
    objects = bk_object_names(&r, &n_objects);
    ops_target t = bk_target_of(j, c);
    if (ops_plan_build(&t, &r, OPS_PLAN_DIFF, &p, &err) < 0)
        goto out;
    if (bk_plan_verdict(&p, &err) < 0)
        goto out;
    plan = tt_calloc(1, sizeof *plan);
    plan->model = tt_strdup(j->model);
    plan->from = tt_strdup(j->from);
    plan->to = tt_strdup(j->to);
    plan->env = tt_strdup(env);
    plan->source_version = tt_strdup(ps.version);
    plan->version = tt_strdup(version);
    plan->image = tt_strdup(ps.facts.image[0]);
    plan->summary = summary_of(&p);
    plan->diff = diff_result_render(p.diff, false);
    plan->nothing_to_do = p.nothing_to_do;
    result = AUDIT_OK;
out:
    if (!plan)
        bk_audit(j, c, "promote", env, j->model, version, objects, n_objects,
                 err.code == TT_EREFUSED ? AUDIT_REFUSED
                 : kube_error_outcome_unknown(&err) ? AUDIT_UNKNOWN
                                                    : result,
                 err.message, c ? &r : NULL);
    else if (plan->nothing_to_do) { /* as the CLI: a promotion with nothing to do is done */
        char *msg = tt_asprintf("nothing to do: %s version %s is already released with this "
                                "template and every object is unchanged",
                                j->model, version);
        bk_audit(j, c, "promote", env, j->model, version, objects, n_objects, AUDIT_OK, msg, &r);
        free(msg);
    }
    bk_job_post(j, TUI_MSG_PROMOTE_PLAN, plan, plan ? tui_promote_plan_free : NULL,
                plan ? NULL : &err);
    bk_object_names_free(objects, n_objects);
    free(version);
    ops_plan_clear(&p);
    ops_release_clear(&r);
    ops_promote_source_clear(&ps);
    kube_client_free(c);
}

/* apply's prepare for a promotion: the source read again, and refused
 * when it no longer runs what the confirmation showed. */
typedef struct promote_ud {
    const char *env;
} promote_ud;

static int prepare(job *j, ops_release *r, void *ud, tt_error *err)
{
    promote_ud *u = ud;
    ops_promote_source ps;
    ops_release_init(r);
    char *step = tt_asprintf("source %s", j->from);
    bk_job_progress(j, step, TUI_STEP_RUNNING, "reading its release");
    if (read_source(j, &ps, err) < 0) {
        bk_job_progress(j, step, TUI_STEP_FAILED, err->message);
        free(step);
        return -1;
    }
    int rc = -1;
    if (!tt_streq(ps.facts.image[0], j->image))
        tt_error_set(err, TT_EREFUSED,
                     "refused: %s's release in %s changed since the confirmation (it runs %s now, "
                     "%s was confirmed); nothing was changed",
                     j->model, j->from, ps.facts.image[0] ? ps.facts.image[0] : "(none)",
                     j->image ? j->image : "(none)");
    else {
        ops_release_clear(r);
        rc = release_of(j, &ps, u->env, j->version, r, err);
    }
    if (rc == 0) {
        char *what = tt_asprintf("version %s, Ready, by digest", ps.version ? ps.version : "?");
        bk_job_progress(j, step, TUI_STEP_OK, what);
        free(what);
    } else {
        bk_job_progress(j, step, TUI_STEP_FAILED, err->message);
    }
    free(step);
    ops_promote_source_clear(&ps);
    return rc;
}

void bk_run_promote(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    const char *env = NULL;
    if (use_target(j, &err) < 0 || !(env = target_env(j, &err))) {
        bk_audit(j, NULL, "promote", env, j->model, j->version, NULL, 0,
                 err.code == TT_EREFUSED ? AUDIT_REFUSED : AUDIT_FAILED, err.message, NULL);
        bk_job_done(j, &err);
        return;
    }
    promote_ud u = {env};
    bk_apply_run(j, "promote", env, j->model, j->version, prepare, &u);
}
