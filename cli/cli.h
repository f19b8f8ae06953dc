/*
 * The non-interactive face of ttstui: render, diff, apply, delete, status,
 * pin-latest, rollback, audit. Never touches curses. See `ttstui --help`
 * and `ttstui COMMAND --help` (cli/help.c) for flags and exit statuses.
 */
#ifndef CLI_H
#define CLI_H

#include <stdio.h>

/* The subcommand named on the command line (skipping global flags and
 * their values), or NULL when there is none and the TUI should start. A
 * word that is no subcommand is returned too, so cli_main can say so. */
const char *cli_subcommand(int argc, char **argv);
/* Runs the subcommand; returns the process exit status. */
int cli_main(int argc, char **argv);
/* `ttstui --help` without a subcommand: commands and global flags. */
void cli_usage(FILE *out);
/* The section of the dashboard's own flags in cli_usage (main sets it: the
 * CLI does not know the dashboard). */
void cli_set_dashboard_usage(void (*print)(FILE *out));

#endif
