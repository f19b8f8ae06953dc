/* ttstui: a subcommand runs the CLI; no subcommand opens the dashboard. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tui.h"

int main(int argc, char **argv)
{
    cli_set_dashboard_usage(tui_usage);
    if (cli_subcommand(argc, argv))
        return cli_main(argc, argv);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--version") == 0) {
            printf("ttstui %s\n", TTSTUI_VERSION);
            return 0;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            /* One text: usage, commands, the dashboard's flags, the flags
             * both share, exit statuses (also `ttstui help`). */
            cli_usage(stdout);
            return 0;
        }
    }
    return tui_main(argc, argv);
}
