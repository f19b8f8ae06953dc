/* ttstui apply: safety rules, confirmation, server-side apply in order,
 * optionally following the rollout or moving the traffic to the new
 * revisions step by step (--canary, the engine is ops/canary.c); every
 * outcome is audited. */
#include <signal.h>
#include <stdatomic.h>
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
    /* --canary */
    int steps[OPS_CANARY_MAX_STEPS];
    size_t n_steps;
    ops_canary canary;
    bool health_warned; /* a failed health read was reported */
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
        cli_out("changes beyond the version:\n");
    for (size_t i = 0; i < c.n; i++) {
        cli_out("  %s%s\n", c.items[i].warning ? "! " : "", c.items[i].text);
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
        const char *prev = ops_plan_item_previous_revision(&a->p->items[i]);
        if (!prev)
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
    int w = cli_wait_rollout(a->s, ns, services, revisions, n, a->s->o->timeout_ms, NULL,
                             &summary);
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

/* "10%, 50%, 100%" */
static char *steps_words(const apply_ctx *a)
{
    tt_buf b = TT_BUF_INIT;
    for (size_t i = 0; i < a->n_steps; i++)
        tt_buf_printf(&b, "%s%d%%", i ? ", " : "", a->steps[i]);
    return tt_buf_steal(&b);
}

/* "90s", "2m", "1m30s", "250ms" */
static char *duration_words(long long ms)
{
    if (ms % 1000)
        return tt_asprintf("%lldms", ms);
    long long s = ms / 1000;
    tt_buf b = TT_BUF_INIT;
    if (s >= 3600)
        tt_buf_printf(&b, "%lldh", s / 3600);
    if (s % 3600 >= 60)
        tt_buf_printf(&b, "%lldm", s % 3600 / 60);
    if (s % 60 || s == 0)
        tt_buf_printf(&b, "%llds", s % 60);
    return tt_buf_steal(&b);
}

static void print_canary_plan(const apply_ctx *a)
{
    char *words = steps_words(a), *hold = duration_words(a->s->o->step_ms);
    cli_out("gradual rollout: %s of the traffic to the new revisions, each step held %s:\n", words,
            hold);
    for (size_t i = 0; i < a->canary.n; i++) {
        const ops_canary_target *t = &a->canary.targets[i];
        cli_out("  %s: all traffic stays on %s while %s starts (0%%)\n", t->service, t->previous,
                t->next);
    }
    free(words);
    free(hold);
}

static void canary_step(size_t i, int percent, const ops_canary *c, void *ud)
{
    const apply_ctx *a = ud;
    char *hold = duration_words(a->s->o->step_ms);
    cli_out("step %zu of %zu, holding %s:\n", i + 1, a->n_steps, hold);
    free(hold);
    for (size_t k = 0; k < c->n; k++) {
        const ops_canary_target *t = &c->targets[k];
        if (percent >= 100)
            cli_out("  %s: 100%% to %s\n", t->service, t->next);
        else
            cli_out("  %s: %d%% to %s, %d%% to %s\n", t->service, percent, t->next, 100 - percent,
                    t->previous);
    }
    fflush(stdout);
}

static void canary_poll_failed(const tt_error *err, void *ud)
{
    apply_ctx *a = ud;
    if (!a->health_warned)
        cli_warn(a->s->cmd, "reading the health of the new revisions failed (retrying): %s",
                 err->message);
    a->health_warned = true;
}

/* "stream 100% to stream-4, validate 100% to validate-4" */
static char *previous_words(const ops_canary *c)
{
    tt_buf b = TT_BUF_INIT;
    for (size_t i = 0; i < c->n; i++)
        tt_buf_printf(&b, "%s%s 100%% to %s", i ? ", " : "", c->targets[i].service,
                      c->targets[i].previous);
    return tt_buf_steal(&b);
}

/* A failed gradual rollout: told, audited, exit 4. */
static int canary_failed(apply_ctx *a, const char *what, bool restored, const char *restore_error)
{
    char *prev = previous_words(&a->canary);
    char *msg;
    if (restored)
        msg = tt_asprintf("gradual rollout failed: %s; the traffic is back: %s", what, prev);
    else
        msg = tt_asprintf("gradual rollout failed: %s; putting the traffic back failed: %s",
                          what, restore_error);
    cli_errorf(a->s->cmd, "gradual rollout failed: %s", what);
    if (restored)
        cli_errorf(a->s->cmd, "the traffic is back on the previous revisions: %s", prev);
    else
        cli_errorf(a->s->cmd, "putting the traffic back on the previous revisions failed: %s",
                   restore_error);
    audit(a, AUDIT_FAILED, msg);
    free(msg);
    free(prev);
    return CLI_EXIT_FAILED;
}

/* The signal that interrupted a gradual rollout (0: none). */
static atomic_int canary_signal;

static void on_canary_signal(int sig)
{
    atomic_store(&canary_signal, sig);
}

/* What stopped the rollout, the signal named when there was one. Caller frees. */
static char *stopped_by(const char *what)
{
    int sig = atomic_load(&canary_signal);
    if (sig)
        return tt_asprintf("interrupted by %s", sig == SIGINT    ? "SIGINT"
                                                : sig == SIGTERM ? "SIGTERM"
                                                                 : "SIGHUP");
    return tt_strdup(what);
}

/* The new revisions Ready, the steps. */
static int canary_steps(apply_ctx *a)
{
    cli_session *s = a->s;
    const char *services[2], *revisions[2];
    for (size_t i = 0; i < a->canary.n; i++) {
        services[i] = a->canary.targets[i].service;
        revisions[i] = a->canary.targets[i].next;
    }
    char *summary = NULL;
    int w = cli_wait_rollout(s, a->canary.ns, services, revisions, a->canary.n,
                             s->o->timeout_ms, &canary_signal, &summary);
    ops_target t = cli_ops_target(s);
    if (w != 0) {
        char *rollout = tt_asprintf("rollout %s", summary);
        char *what = stopped_by(rollout);
        tt_error err;
        tt_error_clear(&err);
        int r = ops_canary_restore(&t, &a->canary, &err);
        int rc = canary_failed(a, what, r == 0, err.message);
        free(rollout);
        free(what);
        free(summary);
        return rc;
    }
    cli_out("rollout %s\n", summary);
    free(summary);
    ops_canary_callbacks cb = {.step = canary_step,
                               .poll_failed = canary_poll_failed,
                               .cancel = &canary_signal,
                               .ud = a};
    ops_canary_result res;
    int r = ops_canary_run(&t, &a->canary, a->steps, a->n_steps, s->o->step_ms,
                           s->o->timeout_ms, &cb, &res);
    int rc;
    if (r == 0) {
        char *words = steps_words(a);
        tt_buf b = TT_BUF_INIT;
        for (size_t i = 0; i < a->canary.n; i++)
            tt_buf_printf(&b, "%s%s", i ? ", " : "", a->canary.targets[i].next);
        char *msg = tt_asprintf("gradual rollout done (%s): all the traffic on %s", words, b.data);
        cli_out("%s\n", msg);
        audit(a, AUDIT_OK, msg);
        free(msg);
        free(words);
        tt_buf_free(&b);
        rc = CLI_EXIT_OK;
    } else {
        char *why = stopped_by(res.failure);
        char *what = res.reached ? tt_asprintf("at %d%%: %s", res.reached, why) : tt_strdup(why);
        rc = canary_failed(a, what, res.restored, res.restore_error);
        free(why);
        free(what);
    }
    ops_canary_result_clear(&res);
    return rc;
}

/* --canary: the release is applied with the traffic held on the previous
 * revisions; wait for the new ones, then move the traffic step by step.
 * SIGINT, SIGTERM and SIGHUP stop it as a failure does: the traffic goes
 * back before the command ends. */
static int canary(apply_ctx *a)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa, old[3];
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_canary_signal;
    sigemptyset(&sa.sa_mask);
    atomic_store(&canary_signal, 0);
    for (size_t i = 0; i < 3; i++)
        sigaction(sigs[i], &sa, &old[i]);
    int rc = canary_steps(a);
    for (size_t i = 0; i < 3; i++)
        sigaction(sigs[i], &old[i], NULL);
    return rc;
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
    if (s->o->canary && ops_canary_prepare(s->client, a->r, &a->canary, &err) < 0)
        return fail(a, &err);
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
    if (s->o->canary)
        print_canary_plan(a);
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
    if (s->o->canary)
        return canary(a);
    if (s->o->wait)
        return wait_rollout(a);
    audit(a, AUDIT_OK, "applied");
    return CLI_EXIT_OK;
}

int cli_cmd_apply(cli_session *s)
{
    if (s->o->n_files)
        return cli_cmd_apply_files(s);
    int steps[OPS_CANARY_MAX_STEPS];
    size_t n_steps = 0;
    if (s->o->canary) {
        tt_error err;
        tt_error_clear(&err);
        if (ops_canary_parse(s->o->canary, steps, &n_steps, &err) < 0)
            return cli_fail(s->cmd, &err);
    }
    cli_release r;
    tt_error live;
    tt_error_clear(&live);
    int rc = cli_release_load(s, &r, &live); /* the scales not given as live */
    if (rc != CLI_EXIT_OK) {
        if (live.code != TT_OK) { /* the cluster could not be read: failed, audited */
            apply_ctx a = {.s = s, .r = &r};
            rc = fail(&a, &live);
        }
        cli_release_clear(&r);
        return rc;
    }
    cli_plan p = {0};
    apply_ctx a = {.s = s, .r = &r, .p = &p, .n_steps = n_steps};
    memcpy(a.steps, steps, n_steps * sizeof(int));
    collect_objects(&a);
    rc = run(&a);
    ops_canary_clear(&a.canary);
    for (size_t i = 0; i < a.n_objects; i++)
        free(a.objects[i]);
    free(a.objects);
    cli_plan_clear(&p);
    cli_release_clear(&r);
    return rc;
}
