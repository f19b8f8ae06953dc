/*
 * The non-interactive face of ttstui: render, diff, apply, delete, status,
 * pin-latest, rollback, audit. Never touches curses.
 */
#ifndef CLI_H
#define CLI_H

/* The subcommand named on the command line (after global flags), or NULL
 * when there is none and the TUI should start. */
const char *cli_subcommand(int argc, char **argv);
/* Runs the subcommand; returns the process exit status. */
int cli_main(int argc, char **argv);

#endif
