/*
 * The terminal: the only place that starts and stops curses. Signals
 * (SIGWINCH, SIGTERM, SIGINT, SIGHUP) arrive through a self-pipe the loop
 * polls; crashes (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) and exit()
 * restore the terminal before the process dies.
 *
 * Headless mode runs the same curses code on a virtual screen of a fixed
 * size (output to /dev/null) so tests can read the screen back as text.
 */
#ifndef TUI_TERM_H
#define TUI_TERM_H

#include <stdbool.h>

#include "tt_common.h"

typedef struct tui_term_options {
    bool headless;
    int rows, cols;   /* headless size */
    bool force_ascii; /* --ascii */
} tui_term_options;

int tui_term_start(const tui_term_options *opts, tt_error *err);
/* Restores the terminal; safe to call twice and from atexit. */
void tui_term_stop(void);
bool tui_term_active(void);
bool tui_term_headless(void);
/* Number of colours usable (0 without colour support). */
int tui_term_colors(void);
/* The locale is not UTF-8 or --ascii: draw.c uses ASCII symbols. */
bool tui_term_ascii(void);

/* Read end of the signal self-pipe (for poll). */
int tui_term_signal_fd(void);
/* Next pending signal number, 0 when none. */
int tui_term_next_signal(void);
/* Applies the terminal's new size (SIGWINCH) or, headless, the given one. */
void tui_term_resize(int rows, int cols);

/* The screen as UTF-8 text, one line per row, trailing blanks removed.
 * Caller frees. */
char *tui_term_dump(void);

#endif
