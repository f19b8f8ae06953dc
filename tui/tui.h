/* The interactive dashboard. */
#ifndef TUI_H
#define TUI_H

#include <stdio.h>

/* Parses the global flags, runs the dashboard until the user quits and
 * returns the process exit status. The terminal is restored on every exit
 * path, including signals. */
int tui_main(int argc, char **argv);
/* The dashboard's own flags, as a section of the help text. */
void tui_usage(FILE *out);

#endif
