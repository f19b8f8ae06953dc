/*
 * ttstui traffic MODEL VERSION=PERCENT... [--service S] [--tag VERSION=TAG]:
 * splits a model's traffic between Ready revisions (cli/traffic.c does
 * the change, as for rollback).
 */
#include <stdlib.h>

#include "cli_internal.h"
#include "traffic.h"

int cli_cmd_traffic(cli_session *s)
{
    const char *model = s->o->args[0];
    char msg[256];
    if (!release_check_dns_label("model", model, msg, sizeof(msg))) {
        cli_errorf(s->cmd, "%s", msg);
        return CLI_EXIT_USAGE;
    }
    traffic_split split;
    tt_error err;
    tt_error_clear(&err);
    if (traffic_split_parse((char *const *)s->o->args + 1, s->o->n_args - 1,
                            (char *const *)s->o->tags, s->o->n_tags, &split, &err) < 0) {
        traffic_split_clear(&split);
        return cli_fail(s->cmd, &err);
    }
    char *words = traffic_split_describe(&split);
    cli_traffic_change ch = {
        .action = "traffic",
        .verb = "Splitting the traffic of",
        .model = model,
        .service = s->o->service,
        .split = &split,
        .audit_version = words,
    };
    int rc = cli_traffic_run(s, &ch);
    free(words);
    traffic_split_clear(&split);
    return rc;
}
