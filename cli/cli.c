/* Dispatch: parse the flags, then run the subcommand. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "cli_internal.h"

const char *cli_subcommand(int argc, char **argv)
{
    return cli_find_subcommand(argc, argv);
}

void cli_usage(FILE *out)
{
    cli_print_usage(out);
}

void cli_set_dashboard_usage(void (*print)(FILE *out))
{
    cli_dashboard_usage = print;
}

typedef int (*cmd_fn)(cli_session *s);

static cmd_fn command_fn(cli_cmd c)
{
    switch (c) {
    case CLI_CMD_RENDER: return cli_cmd_render;
    case CLI_CMD_DIFF: return cli_cmd_diff;
    case CLI_CMD_APPLY: return cli_cmd_apply;
    case CLI_CMD_DELETE: return cli_cmd_delete;
    case CLI_CMD_STATUS: return cli_cmd_status;
    case CLI_CMD_PIN: return cli_cmd_pin;
    case CLI_CMD_ROLLBACK: return cli_cmd_rollback;
    case CLI_CMD_TRAFFIC: return cli_cmd_traffic;
    case CLI_CMD_AUDIT: return cli_cmd_audit;
    case CLI_CMD_IMAGE: return cli_cmd_image;
    case CLI_CMD_PROMOTE: return cli_cmd_promote;
    default: return NULL;
    }
}

static int help(const cli_opts *o)
{
    if (o->cmd == CLI_CMD_HELP && o->n_args == 1) {
        cli_cmd c = cli_cmd_from_name(o->args[0]);
        if (!cli_print_command_help(c, stdout)) {
            cli_errorf("help", "'%s' is not a ttstui command (see ttstui --help)", o->args[0]);
            return CLI_EXIT_USAGE;
        }
        return CLI_EXIT_OK;
    }
    if (!cli_print_command_help(o->cmd, stdout))
        cli_print_usage(stdout);
    return CLI_EXIT_OK;
}

int cli_main(int argc, char **argv)
{
    cli_opts o;
    tt_error err;
    tt_error_clear(&err);
    int rc;
    if (cli_parse(argc, argv, &o, &err) < 0) {
        cli_error(cli_cmd_name(o.cmd), &err);
        rc = CLI_EXIT_USAGE;
    } else if (o.help || o.cmd == CLI_CMD_HELP || o.cmd == CLI_CMD_NONE) {
        rc = help(&o);
    } else {
        cli_session s;
        if (cli_session_init(&s, &o, &err) < 0) {
            rc = cli_fail(s.cmd, &err);
        } else {
            rc = command_fn(o.cmd)(&s);
        }
        fflush(stdout);
        cli_session_clear(&s);
    }
    cli_opts_clear(&o);
    return rc;
}
