/*
 * A one-line editor with readline keys, used by form fields, the `:`
 * command line, the `/` filter and typed confirmations. Text is UTF-8; the
 * cursor is a byte offset on a character boundary.
 *   Ctrl-A/Home start, Ctrl-E/End end, Ctrl-B/Left, Ctrl-F/Right,
 *   Backspace/Ctrl-H, Delete/Ctrl-D, Ctrl-K kill to end, Ctrl-U kill to
 *   start, Ctrl-W kill previous word, Ctrl-Y yank the last kill.
 */
#ifndef TUI_W_LINE_H
#define TUI_W_LINE_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "keymap.h"
#include "theme.h"

typedef struct tui_line {
    char *text;    /* NUL-terminated, owned */
    size_t len;
    size_t cap;
    size_t cursor; /* byte offset */
    size_t max;    /* maximum bytes (0 = 4096) */
    char *kill;    /* last killed text, owned */
    int scroll;    /* first visible cell when drawing */
    bool secret;   /* drawn as '*' */
} tui_line;

typedef enum tui_line_result {
    TUI_LINE_IGNORED = 0, /* not an editing key */
    TUI_LINE_MOVED,       /* cursor moved, text unchanged */
    TUI_LINE_EDITED,      /* text changed */
} tui_line_result;

void tui_line_init(tui_line *l, size_t max_bytes);
void tui_line_free(tui_line *l);
/* Replaces the text; the cursor goes to the end. */
void tui_line_set(tui_line *l, const char *text);
const char *tui_line_text(const tui_line *l);
tui_line_result tui_line_key(tui_line *l, tui_key key);
/* Draws the visible part in width cells and returns the cursor's column
 * (relative to x) so the caller can place the terminal cursor. */
int tui_line_draw(tui_line *l, WINDOW *w, int y, int x, int width, tui_role role);

#endif
