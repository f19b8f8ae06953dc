/*
 * The plan of a release for the subcommands: the engine (safety rules, the
 * server-side dry run, the diff) is ops/plan.c; this file gives it the
 * session and prints.
 */
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"

ops_target cli_ops_target(const cli_session *s)
{
    return (ops_target){
        .client = s->client,
        .cfg = s->cfg,
        .context = cli_context_name(s),
        .force_conflicts = s->o->force_conflicts,
        .keys_policy = s->o->keys_policy,
        .keys_hint = "--api-keys-policy replace or merge",
    };
}

int cli_plan_build(cli_session *s, const cli_release *r, cli_plan_mode mode, cli_plan *p,
                   tt_error *err)
{
    ops_target t = cli_ops_target(s);
    return ops_plan_build(&t, r, mode, p, err);
}

void cli_plan_clear(cli_plan *p)
{
    ops_plan_clear(p);
}

json_t *cli_plan_send(cli_session *s, const cli_plan_item *it, bool dry_run, bool *created,
                      tt_error *err)
{
    ops_target t = cli_ops_target(s);
    return ops_plan_send(&t, it, dry_run, created, err);
}

const char *cli_plan_refusal(const cli_plan *p)
{
    return ops_plan_refusal(p);
}

void cli_plan_print_summary(const cli_plan *p, FILE *out)
{
    size_t n = p->diff ? diff_result_count(p->diff) : 0;
    for (size_t i = 0; i < n && i < p->n_items; i++) {
        const diff_object *d = diff_result_object(p->diff, i);
        const char *what = d->status == DIFF_ADDED     ? "would be created"
                           : d->status == DIFF_CHANGED ? "would be configured"
                                                       : "unchanged";
        cli_outf(out, "  %s %s%s\n", p->items[i].label, what,
                p->items[i].dry_skipped ? " (not dry-run: its namespace does not exist yet)" : "");
    }
}

char *cli_plan_dry_run_note(const cli_plan *p)
{
    return ops_plan_dry_run_note(p);
}
