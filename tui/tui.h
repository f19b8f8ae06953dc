/* The interactive dashboard. */
#ifndef TUI_H
#define TUI_H

/* Parses the global flags, runs the dashboard until the user quits and
 * returns the process exit status. The terminal is restored on every exit
 * path, including signals. */
int tui_main(int argc, char **argv);

#endif
