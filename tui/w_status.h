/*
 * The status line at the bottom: a message (info, warning, error) that
 * expires after a while, otherwise key hints of the current view.
 */
#ifndef TUI_W_STATUS_H
#define TUI_W_STATUS_H

#include <curses.h>
#include <stdbool.h>

typedef enum tui_status_level {
    TUI_STATUS_INFO,
    TUI_STATUS_WARNING,
    TUI_STATUS_ERROR,
} tui_status_level;

typedef struct tui_status {
    char text[512];
    tui_status_level level;
    long long expires_ms; /* 0 = until replaced */
} tui_status;

void tui_status_set(tui_status *s, tui_status_level level, long long now_ms, long long ttl_ms,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void tui_status_clear(tui_status *s);
/* Clears an expired message; returns true if it did (a redraw is due). */
bool tui_status_expire(tui_status *s, long long now_ms);
bool tui_status_active(const tui_status *s);
/* Rows the message needs at width, word-wrapped, from 1 to max_rows (1
 * without a message: the hints take one row). */
int tui_status_rows(const tui_status *s, int width, int max_rows);
/* Draws the message word-wrapped over rows rows from y (a message longer
 * than that ends with an ellipsis), or the hints on one row when there is
 * none. */
void tui_status_draw(const tui_status *s, WINDOW *w, int y, int x, int width, int rows,
                     const char *hints);

#endif
