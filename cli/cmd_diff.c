/* ttstui diff: rendered (as the server would store it) versus live. */
#include <stdlib.h>

#include "cli_internal.h"

int cli_cmd_diff(cli_session *s)
{
    cli_release r;
    tt_error err;
    tt_error_clear(&err);
    /* the scales not given as live */
    int rc = cli_release_load(s, &r, &err);
    if (rc != CLI_EXIT_OK) {
        if (err.code != TT_OK && (rc = cli_fail(s->cmd, &err)) < CLI_EXIT_USAGE)
            rc = CLI_EXIT_FAILED;
        cli_release_clear(&r);
        return rc;
    }
    cli_plan p = {0};
    if (cli_connect(s, &err) < 0 || cli_plan_build(s, &r, CLI_PLAN_DIFF, &p, &err) < 0) {
        rc = cli_fail(s->cmd, &err);
        if (rc < CLI_EXIT_USAGE)
            rc = CLI_EXIT_FAILED;
        goto out;
    }
    for (size_t i = 0; i < p.n_items; i++)
        if (p.items[i].dry_error)
            cli_warn(s->cmd, "the server refused the dry run of %s (shown as rendered): %s",
                     p.items[i].label, p.items[i].dry_error);
    char *text = diff_result_render(p.diff, s->color);
    fputs(text, stdout);
    free(text);
    if (cli_plan_refusal(&p))
        cli_warn(s->cmd, "apply would refuse: %s", cli_plan_refusal(&p));
    if (s->o->report) {
        char *report = cli_report_text(s, &r, &p, NULL);
        int w = cli_report_write(s->o->report, report, &err);
        free(report);
        if (w < 0) {
            rc = cli_fail(s->cmd, &err);
            goto out;
        }
        cli_outf(stderr, "ttstui diff: review report written to %s\n", s->o->report);
    }
    /* Changes: 1, whatever apply would say (the warning above names a
     * refusal). No changes but a refusal: 3, never 0, so a script that
     * reads 0 as "this release is live and fine" is not misled. */
    rc = diff_result_changed(p.diff) ? CLI_EXIT_CHANGES
         : cli_plan_refusal(&p)      ? CLI_EXIT_REFUSED
                                     : CLI_EXIT_OK;
out:
    cli_plan_clear(&p);
    cli_release_clear(&r);
    return rc;
}
