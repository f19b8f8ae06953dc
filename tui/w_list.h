/*
 * A scrollable table: columns with widths, a selected row, sorting by a
 * column, and a filter (case-insensitive substring of any cell). Rows come
 * from a source callback table so the list never copies the model; after
 * the data changes call tui_list_refresh, which keeps the selection on the
 * same row key (e.g. the model name).
 */
#ifndef TUI_W_LIST_H
#define TUI_W_LIST_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "keymap.h"
#include "theme.h"

typedef struct tui_list_column {
    const char *title;
    int width;    /* minimum cells */
    int flex;     /* share of spare width (0 = fixed) */
    bool right;   /* right-aligned */
    bool optional; /* too narrow: dropped once names have shrunk */
} tui_list_column;

typedef struct tui_list_source {
    size_t (*count)(void *ctx);
    /* Text of one cell (may use buf); *role defaults to NORMAL. */
    const char *(*cell)(void *ctx, size_t row, int col, tui_role *role, char *buf, size_t size);
    /* Stable identity of a row (NULL: selection kept by position). */
    const char *(*key)(void *ctx, size_t row);
    /* Optional: compare two rows by a column (default: cell text, numbers
     * numerically). */
    int (*compare)(void *ctx, size_t a, size_t b, int col);
} tui_list_source;

typedef struct tui_list tui_list;

tui_list *tui_list_new(const tui_list_column *cols, int n_cols, const tui_list_source *src,
                       void *ctx);
void tui_list_free(tui_list *l);

/* Re-reads the source: filters, sorts, keeps the selection by key. */
void tui_list_refresh(tui_list *l);
void tui_list_set_filter(tui_list *l, const char *text); /* NULL/"" = none */
const char *tui_list_filter(const tui_list *l);
/* col -1 = source order. */
void tui_list_set_sort(tui_list *l, int col, bool reverse);
int tui_list_sort_column(const tui_list *l);
bool tui_list_sort_reverse(const tui_list *l);

size_t tui_list_visible_count(const tui_list *l);
/* The visible rows the last draw showed: indexes *first to *first + *n - 1
 * (for tui_list_visible_row); true when they filled the list's lines (no
 * empty line left below them). */
bool tui_list_drawn(const tui_list *l, size_t *first, size_t *n);
/* Source row of the i-th visible row. */
size_t tui_list_visible_row(const tui_list *l, size_t i);
/* Source row selected, or (size_t)-1 when the list is empty. */
size_t tui_list_selected(const tui_list *l);
size_t tui_list_selected_index(const tui_list *l);
void tui_list_select_index(tui_list *l, size_t i);
bool tui_list_select_key(tui_list *l, const char *key);

/* Wrap mode (the WRAP action): a row is as tall as its longest cell
 * wrapped in its column (at most 8 lines), so nothing is cut at the edge. */
bool tui_list_wrap(const tui_list *l);
/* Movement actions (MOVE_*, PAGE_*, FIRST, LAST) and WRAP; true if handled. */
bool tui_list_action(tui_list *l, tui_action a);
/* Mouse: select the row drawn at body line y (0 = first data line). */
bool tui_list_click(tui_list *l, int y);
void tui_list_scroll(tui_list *l, int lines);

/* Draws header line + rows in the rectangle. */
void tui_list_draw(tui_list *l, WINDOW *w, int y, int x, int height, int width);

#endif
