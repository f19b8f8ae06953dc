/*
 * A text viewer: lines in a bounded ring (the oldest drop out when full, so
 * a followed log never grows without limit), scrolling, follow mode (stay
 * at the end as lines arrive), search with next/previous, and a
 * highlighting callback that splits a line into coloured spans.
 */
#ifndef TUI_W_TEXT_H
#define TUI_W_TEXT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "keymap.h"
#include "theme.h"

typedef struct tui_span {
    size_t start, end; /* byte offsets in the line */
    tui_role role;
} tui_span;

/* Fills up to max spans (in order, non-overlapping); returns how many.
 * Bytes outside spans draw as NORMAL. */
typedef size_t (*tui_text_highlight_fn)(void *ctx, const char *line, tui_span *spans, size_t max);

typedef struct tui_text tui_text;

/* max_lines: ring capacity (0 = 100000). */
tui_text *tui_text_new(size_t max_lines);
void tui_text_free(tui_text *t);
void tui_text_clear(tui_text *t);
/* Appends one line (a trailing newline is dropped). */
void tui_text_append(tui_text *t, const char *line);
/* Splits text on newlines and appends each line. */
void tui_text_append_text(tui_text *t, const char *text);
size_t tui_text_line_count(const tui_text *t);
/* Line i (0 = oldest kept). */
const char *tui_text_line(const tui_text *t, size_t i);
/* Lines dropped from the front since creation or the last clear. */
size_t tui_text_dropped(const tui_text *t);
size_t tui_text_capacity(const tui_text *t);

void tui_text_set_highlight(tui_text *t, tui_text_highlight_fn fn, void *ctx);
void tui_text_set_follow(tui_text *t, bool follow);
bool tui_text_follow(const tui_text *t);
size_t tui_text_top(const tui_text *t);

/* Sets the search text (NULL clears) and jumps to the first match at or
 * after the top line. Returns the matching line or -1. */
long tui_text_search(tui_text *t, const char *needle);
/* Next (dir 1) or previous (dir -1) match; -1 if none. */
long tui_text_search_next(tui_text *t, int dir);

/* Wrap long lines onto the next rows (off: they are cut at the edge and
 * scroll sideways with SCROLL_LEFT/RIGHT). */
void tui_text_set_wrap(tui_text *t, bool wrap);
bool tui_text_wrap(const tui_text *t);
int tui_text_left(const tui_text *t); /* cells scrolled off the left */
/* Movement, WRAP and SCROLL_LEFT/RIGHT; true if handled. */
bool tui_text_action(tui_text *t, tui_action a);
void tui_text_scroll(tui_text *t, int lines);
void tui_text_draw(tui_text *t, WINDOW *w, int y, int x, int height, int width);

/* Highlighters for YAML and unified diffs (ctx unused). */
size_t tui_highlight_yaml(void *ctx, const char *line, tui_span *spans, size_t max);
size_t tui_highlight_diff(void *ctx, const char *line, tui_span *spans, size_t max);

#endif
