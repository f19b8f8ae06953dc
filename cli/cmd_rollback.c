/*
 * ttstui rollback MODEL --service stream|validate|both (--to-version V |
 * --to-revision NAME): routes 100% of a service's traffic to an earlier
 * Ready revision (cli/traffic.c does the change, as for ttstui traffic).
 */
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"
#include "traffic.h"

int cli_cmd_rollback(cli_session *s)
{
    const char *model = s->o->n_args ? s->o->args[0] : s->o->namespace_;
    char msg[256];
    if (!release_check_dns_label("model", model, msg, sizeof(msg))) {
        cli_errorf(s->cmd, "%s", msg);
        return CLI_EXIT_USAGE;
    }
    if (s->o->to_version && !release_check_dns_label("--to-version", s->o->to_version, msg, sizeof(msg))) {
        cli_errorf(s->cmd, "%s", msg);
        return CLI_EXIT_USAGE;
    }
    traffic_split split;
    traffic_split_single(&split, s->o->to_version, s->o->to_revision);
    cli_traffic_change ch = {
        .action = "rollback",
        .verb = "Rolling back",
        .model = model,
        .service = s->o->service,
        .split = &split,
        .audit_version = s->o->to_version ? s->o->to_version : s->o->to_revision,
    };
    int rc = cli_traffic_run(s, &ch);
    traffic_split_clear(&split);
    return rc;
}
