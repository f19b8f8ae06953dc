/* ttstui apply: safety rules, confirmation, server-side apply in order,
 * optionally following the rollout; every outcome is audited. */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "change_summary.h"
#include "cli_internal.h"

typedef struct apply_ctx {
    cli_session *s;
    cli_release *r;
    cli_plan *p;
    char **objects; /* Kind/name of every rendered object, for the audit */
    size_t n_objects;
} apply_ctx;

static const char *param(const apply_ctx *a, const char *name)
{
    return cli_release_param(a->r, name);
}

static void audit(const apply_ctx *a, int result, const char *message)
{
    cli_audit(a->s, a->s->action ? a->s->action : "apply", param(a, RELEASE_ENV),
              param(a, RELEASE_MODEL),
              param(a, RELEASE_VERSION), a->objects, a->n_objects, result, a->s->o->dry_run,
              message, a->r);
}

static void collect_objects(apply_ctx *a)
{
    size_t n = json_array_size(a->r->objects);
    a->objects = tt_calloc(n ? n : 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        a->objects[a->n_objects++] = cli_object_kind_name(json_array_get(a->r->objects, i));
}

/* Fails the apply with err: printed, audited, its exit status returned. */
static int fail(const apply_ctx *a, const tt_error *err)
{
    audit(a, err->code == TT_EREFUSED ? AUDIT_REFUSED : AUDIT_FAILED, err->message);
    return cli_fail(a->s->cmd, err);
}

static int refuse(const apply_ctx *a, const char *why)
{
    tt_error err;
    tt_error_set(&err, TT_EREFUSED, "refused: %s\nnothing was changed", why);
    return fail(a, &err);
}

static char *result_line(const cli_plan *p)
{
    return ops_plan_result_line(p); /* the dashboard's dry runs audit the same line */
}

static int dry_run(apply_ctx *a)
{
    cli_session *s = a->s;
    char *text = diff_result_render(a->p->diff, s->color);
    fputs(text, stdout);
    free(text);
    char *note = cli_plan_dry_run_note(a->p);
    cli_out("%s", note);
    free(note);
    char *result = result_line(a->p);
    cli_out("dry run: %s\n", result);
    if (s->o->report) {
        tt_error err;
        tt_error_clear(&err);
        char *report = cli_report_text(s, a->r, a->p, result);
        int w = cli_report_write(s->o->report, report, &err);
        free(report);
        if (w < 0) {
            free(result);
            return fail(a, &err);
        }
        cli_outf(stderr, "ttstui apply: review report written to %s\n", s->o->report);
    }
    audit(a, AUDIT_OK, result);
    free(result);
    return CLI_EXIT_OK;
}

/* What changes beyond the version, in words (core/change_summary.h): a
 * move of environment or hostname is a warning as well. */
static void print_changes(apply_ctx *a)
{
    release_facts live, next;
    release_facts_init(&live);
    release_facts_init(&next);
    for (size_t i = 0; i < a->p->n_items; i++) {
        if (a->p->items[i].live)
            release_facts_add_object(&live, a->p->items[i].live);
        release_facts_add_object(&next, a->p->items[i].desired);
    }
    release_changes c = {0};
    release_changes_compute(&live, &next, &c);
    if (c.n)
        printf("changes beyond the version:\n");
    for (size_t i = 0; i < c.n; i++) {
        printf("  %s%s\n", c.items[i].warning ? "! " : "", c.items[i].text);
        if (c.items[i].warning)
            cli_warn(a->s->cmd, "%s", c.items[i].text);
    }
    release_changes_free(&c);
}

static int confirm(apply_ctx *a)
{
    cli_session *s = a->s;
    if (s->o->yes)
        return CLI_EXIT_OK;
    char *q = tt_asprintf("Apply %s version %s (env %s) to context %s (%s)?",
                          param(a, RELEASE_MODEL), param(a, RELEASE_VERSION),
                          param(a, RELEASE_ENV), cli_context_name(s),
                          kube_client_server(s->client));
    tt_error err;
    tt_error_clear(&err);
    int c = cli_confirm(q, NULL, &err);
    free(q);
    if (c < 0)
        return fail(a, &err);
    if (c == 0)
        return refuse(a, "not confirmed");
    return CLI_EXIT_OK;
}

/* What was applied and what was not when item failed_at failed; an item
 * whose answer was lost and could not be confirmed is neither. */
static void report_partial(const cli_plan *p, size_t failed_at, bool unknown)
{
    tt_buf b = TT_BUF_INIT;
    for (size_t i = 0; i < failed_at; i++)
        tt_buf_printf(&b, "%s%s", i ? ", " : "", p->items[i].label);
    cli_outf(stderr, "ttstui apply: applied: %s\n", b.len ? b.data : "(none)");
    if (unknown)
        cli_outf(stderr, "ttstui apply: outcome unknown: %s\n", p->items[failed_at].label);
    tt_buf_reset(&b);
    size_t from = failed_at + (unknown ? 1 : 0);
    for (size_t i = from; i < p->n_items; i++)
        tt_buf_printf(&b, "%s%s", i > from ? ", " : "", p->items[i].label);
    cli_outf(stderr, "ttstui apply: not applied: %s\n", b.len ? b.data : "(none)");
    tt_buf_free(&b);
}

static int apply_all(apply_ctx *a)
{
    cli_session *s = a->s;
    for (size_t i = 0; i < a->p->n_items; i++) {
        cli_plan_item *it = &a->p->items[i];
        tt_error err;
        tt_error_clear(&err);
        bool created = false, confirmed = false;
        ops_target t = cli_ops_target(s);
        json_t *res = ops_plan_send_checked(&t, it, &created, &confirmed, &err);
        if (!res) {
            bool unknown = kube_error_outcome_unknown(&err);
            tt_error_prefix(&err, "applying %s", it->label);
            cli_error(s->cmd, &err);
            report_partial(a->p, i, unknown);
            char *msg = tt_asprintf("%s (stopped after %zu of %zu objects)", err.message, i,
                                    a->p->n_items);
            audit(a, unknown ? AUDIT_UNKNOWN : AUDIT_FAILED, msg);
            free(msg);
            return CLI_EXIT_FAILED;
        }
        const char *what = ops_plan_outcome(a->p, i, created);
        if (confirmed)
            cli_out("%s %s (its answer was lost; read back: live as sent)\n", it->label, what);
        else
            cli_out("%s %s\n", it->label, what);
        fflush(stdout);
        json_decref(res);
    }
    return CLI_EXIT_OK;
}

/* --protect-previous: each Knative Service's revision that was serving
 * before this release (its latest ready one, when the release makes
 * another) gets serving.knative.dev/no-gc, so a rollback to it survives
 * Knative's revision GC. A failure is the command's failure: the release
 * is applied, the protection is not. */
static int protect_previous(apply_ctx *a)
{
    for (size_t i = 0; i < a->p->n_items; i++) {
        const cli_plan_item *it = &a->p->items[i];
        const char *kind = json_string_value(json_object_get(it->desired, "kind"));
        if (!it->live || !tt_streq(kind, "Service"))
            continue;
        const char *prev = json_string_value(json_object_get(
            json_object_get(it->live, "status"), "latestReadyRevisionName"));
        const char *next = json_string_value(json_object_get(
            json_object_get(json_object_get(json_object_get(it->desired, "spec"), "template"),
                            "metadata"),
            "name"));
        if (!prev || tt_streq(prev, next))
            continue;
        tt_error err;
        tt_error_clear(&err);
        if (ops_protect_revision(a->s->client, param(a, RELEASE_MODEL), prev, false, &err) < 0) {
            tt_error_prefix(&err, "applied, but protecting revision %s from garbage collection "
                                  "failed", prev);
            cli_error(a->s->cmd, &err);
            audit(a, AUDIT_FAILED, err.message);
            return CLI_EXIT_FAILED;
        }
        cli_out("revision %s protected from garbage collection (" OPS_NO_GC_LABEL ")\n", prev);
    }
    return CLI_EXIT_OK;
}

static int wait_rollout(apply_ctx *a)
{
    const char *services[2], *revisions[2];
    const char *ns = param(a, RELEASE_MODEL);
    size_t n = ops_plan_rollout_targets(a->p, services, revisions, 2);
    if (n == 0) {
        audit(a, AUDIT_OK, "applied; no Knative revision to wait for");
        return CLI_EXIT_OK;
    }
    char *summary = NULL;
    int w = cli_wait_rollout(a->s, ns, services, revisions, n, a->s->o->timeout_ms, &summary);
    if (w == 0) {
        cli_out("rollout %s\n", summary);
        audit(a, AUDIT_OK, summary);
    } else {
        cli_errorf(a->s->cmd, "rollout %s", summary);
        audit(a, AUDIT_FAILED, summary);
    }
    free(summary);
    return w == 0 ? CLI_EXIT_OK : CLI_EXIT_CHANGES;
}

static int run(apply_ctx *a)
{
    cli_session *s = a->s;
    tt_error err;
    tt_error_clear(&err);
    if (cli_connect(s, &err) < 0)
        return fail(a, &err);
    if (cli_check_writable(s, param(a, RELEASE_ENV), param(a, RELEASE_MODEL), &err) < 0)
        return fail(a, &err);
    /* A review report wants the whole picture even when apply would
     * refuse, so it is planned like a diff; the refusal still stands. */
    bool review = s->o->dry_run && s->o->report;
    if (cli_plan_build(s, a->r, review ? CLI_PLAN_DIFF : CLI_PLAN_APPLY, a->p, &err) < 0)
        return fail(a, &err);
    const cli_plan_item *rejected = NULL;
    for (size_t i = 0; i < a->p->n_items && !rejected; i++)
        if (a->p->items[i].dry_error)
            rejected = &a->p->items[i];
    if (rejected)
        tt_error_set(&err, 422, "server-side dry run of %s: %s", rejected->label,
                     rejected->dry_error);
    if (review && (cli_plan_refusal(a->p) || rejected)) {
        char *result = cli_plan_refusal(a->p)
                           ? tt_asprintf("refused: %s", cli_plan_refusal(a->p))
                           : tt_asprintf("failed: %s", err.message);
        char *report = cli_report_text(s, a->r, a->p, result);
        tt_error werr;
        tt_error_clear(&werr);
        if (cli_report_write(s->o->report, report, &werr) < 0)
            cli_error(s->cmd, &werr);
        else
            cli_outf(stderr, "ttstui apply: review report written to %s\n", s->o->report);
        free(report);
        free(result);
    }
    if (cli_plan_refusal(a->p))
        return refuse(a, cli_plan_refusal(a->p));
    if (rejected)
        return fail(a, &err);
    if (a->p->nothing_to_do) {
        char *msg = tt_asprintf("nothing to do: %s version %s is already released with this "
                                "template and every object is unchanged",
                                param(a, RELEASE_MODEL), param(a, RELEASE_VERSION));
        cli_out("%s\n", msg);
        if (s->o->dry_run && s->o->report) {
            char *report = cli_report_text(s, a->r, a->p, msg);
            int w = cli_report_write(s->o->report, report, &err);
            free(report);
            if (w < 0) {
                free(msg);
                return fail(a, &err);
            }
        }
        audit(a, AUDIT_OK, msg);
        free(msg);
        return CLI_EXIT_OK;
    }
    if (a->p->keys_summary)
        cli_out("api keys, file versus live Secret api-keys: %s; --api-keys-policy %s\n",
               a->p->keys_summary,
               s->o->keys_policy == SAFETY_KEYS_MERGE
                   ? "merge keeps the live keys and adds or updates the file's"
                   : "replace makes the Secret hold exactly the file's keys");
    cli_out("%s %s version %s (env %s) on context %s:\n", s->o->dry_run ? "Dry run of" : "Applying",
           param(a, RELEASE_MODEL), param(a, RELEASE_VERSION), param(a, RELEASE_ENV),
           cli_context_name(s));
    cli_plan_print_summary(a->p, stdout);
    print_changes(a);
    fflush(stdout);
    if (s->o->dry_run)
        return dry_run(a);
    int rc = confirm(a);
    if (rc != CLI_EXIT_OK)
        return rc;
    rc = apply_all(a);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (s->o->protect_previous && (rc = protect_previous(a)) != CLI_EXIT_OK)
        return rc;
    if (s->o->wait)
        return wait_rollout(a);
    audit(a, AUDIT_OK, "applied");
    return CLI_EXIT_OK;
}

int cli_cmd_apply(cli_session *s)
{
    cli_release r;
    int rc = cli_release_load(s, &r);
    if (rc != CLI_EXIT_OK) {
        cli_release_clear(&r);
        return rc;
    }
    cli_plan p = {0};
    apply_ctx a = {.s = s, .r = &r, .p = &p};
    collect_objects(&a);
    rc = run(&a);
    for (size_t i = 0; i < a.n_objects; i++)
        free(a.objects[i]);
    free(a.objects);
    cli_plan_clear(&p);
    cli_release_clear(&r);
    return rc;
}
