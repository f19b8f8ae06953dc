#include "w_list.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "draw.h"

#define CELL_MAX 512

struct tui_list {
    tui_list_column *cols;
    int n_cols;
    tui_list_source src;
    void *ctx;
    size_t *rows;   /* visible rows (source indices) */
    size_t n_rows;
    size_t selected; /* index into rows */
    size_t top;
    int page;       /* data lines on screen at the last draw */
    char *filter;
    char *sel_key;  /* key of the selected row when it was selected */
    int sort_col;
    bool sort_reverse;
    bool wrap;          /* rows as tall as their longest cell (WRAP) */
    size_t *line_row;   /* wrap: the row drawn on each body line at the last draw */
    int n_line_row;
    size_t drawn_first, drawn_n; /* visible rows the last draw showed */
    bool drawn_full;             /* ... and they filled every line */
};

#define WRAP_MAX_LINES 8 /* a row never takes more lines than this */

tui_list *tui_list_new(const tui_list_column *cols, int n_cols, const tui_list_source *src,
                       void *ctx)
{
    tui_list *l = tt_calloc(1, sizeof(*l));
    l->cols = tt_calloc((size_t)n_cols, sizeof(*cols));
    memcpy(l->cols, cols, (size_t)n_cols * sizeof(*cols));
    l->n_cols = n_cols;
    l->src = *src;
    l->ctx = ctx;
    l->sort_col = -1;
    l->page = 10;
    return l;
}

void tui_list_free(tui_list *l)
{
    if (!l)
        return;
    free(l->cols);
    free(l->rows);
    free(l->filter);
    free(l->sel_key);
    free(l->line_row);
    free(l);
}

static const char *cell_text(const tui_list *l, size_t row, int col, char *buf, size_t size)
{
    tui_role role = TUI_ROLE_NORMAL;
    buf[0] = '\0';
    const char *s = l->src.cell(l->ctx, row, col, &role, buf, size);
    return s ? s : "";
}

/* Copies the selected row's key now, while the source still matches the
 * visible rows: refresh runs after the source changed. */
static void remember(tui_list *l)
{
    free(l->sel_key);
    l->sel_key = l->src.key && l->n_rows ? tt_strdup(l->src.key(l->ctx, l->rows[l->selected])) : NULL;
}

static bool row_matches(const tui_list *l, size_t row)
{
    if (!l->filter || !*l->filter)
        return true;
    for (int c = 0; c < l->n_cols; c++) {
        char buf[CELL_MAX];
        if (strcasestr(cell_text(l, row, c, buf, sizeof(buf)), l->filter))
            return true;
    }
    return false;
}

/* qsort has no context argument; the list sorts one at a time (UI thread). */
static const tui_list *sorting;

static int numeric_prefix(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s)
        return 0;
    *out = v;
    return 1;
}

static int compare_rows(const void *pa, const void *pb)
{
    const tui_list *l = sorting;
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    int r;
    if (l->src.compare) {
        r = l->src.compare(l->ctx, a, b, l->sort_col);
    } else {
        char ba[CELL_MAX], bb[CELL_MAX];
        const char *sa = cell_text(l, a, l->sort_col, ba, sizeof(ba));
        const char *sb = cell_text(l, b, l->sort_col, bb, sizeof(bb));
        double na, nb;
        if (numeric_prefix(sa, &na) && numeric_prefix(sb, &nb) && na != nb)
            r = na < nb ? -1 : 1;
        else
            r = strcasecmp(sa, sb);
    }
    if (r == 0)
        r = a < b ? -1 : a > b ? 1 : 0; /* stable */
    else if (l->sort_reverse)
        r = -r;
    return r;
}

void tui_list_refresh(tui_list *l)
{
    char *key = l->sel_key;
    l->sel_key = NULL;
    size_t old_sel = l->selected;
    size_t n = l->src.count(l->ctx);
    free(l->rows);
    l->rows = tt_calloc(n ? n : 1, sizeof(size_t));
    l->n_rows = 0;
    for (size_t i = 0; i < n; i++)
        if (row_matches(l, i))
            l->rows[l->n_rows++] = i;
    if (l->sort_col >= 0 && l->n_rows > 1) {
        sorting = l;
        qsort(l->rows, l->n_rows, sizeof(size_t), compare_rows);
        sorting = NULL;
    }
    l->selected = 0;
    bool found = false;
    if (key) {
        found = tui_list_select_key(l, key);
        free(key);
    }
    if (!found)
        l->selected = old_sel < l->n_rows ? old_sel : (l->n_rows ? l->n_rows - 1 : 0);
    if (l->top > l->selected)
        l->top = l->selected;
    remember(l);
}

void tui_list_set_filter(tui_list *l, const char *text)
{
    free(l->filter);
    l->filter = text && *text ? tt_strdup(text) : NULL;
    tui_list_refresh(l);
}

const char *tui_list_filter(const tui_list *l)
{
    return l->filter ? l->filter : "";
}

void tui_list_set_sort(tui_list *l, int col, bool reverse)
{
    l->sort_col = col >= 0 && col < l->n_cols ? col : -1;
    l->sort_reverse = reverse;
    tui_list_refresh(l);
}

int tui_list_sort_column(const tui_list *l)
{
    return l->sort_col;
}

bool tui_list_sort_reverse(const tui_list *l)
{
    return l->sort_reverse;
}

bool tui_list_drawn(const tui_list *l, size_t *first, size_t *n)
{
    *first = l->drawn_first;
    *n = l->drawn_n;
    return l->drawn_full;
}

size_t tui_list_visible_count(const tui_list *l)
{
    return l->n_rows;
}

size_t tui_list_visible_row(const tui_list *l, size_t i)
{
    return i < l->n_rows ? l->rows[i] : (size_t)-1;
}

size_t tui_list_selected(const tui_list *l)
{
    return l->n_rows ? l->rows[l->selected] : (size_t)-1;
}

size_t tui_list_selected_index(const tui_list *l)
{
    return l->selected;
}

void tui_list_select_index(tui_list *l, size_t i)
{
    if (!l->n_rows)
        return;
    l->selected = i < l->n_rows ? i : l->n_rows - 1;
    remember(l);
}

bool tui_list_select_key(tui_list *l, const char *key)
{
    if (!l->src.key || !key)
        return false;
    for (size_t i = 0; i < l->n_rows; i++) {
        if (tt_streq(l->src.key(l->ctx, l->rows[i]), key)) {
            l->selected = i;
            if (key != l->sel_key)
                remember(l);
            return true;
        }
    }
    return false;
}

static void move_by(tui_list *l, long delta)
{
    if (!l->n_rows)
        return;
    long s = (long)l->selected + delta;
    if (s < 0)
        s = 0;
    if (s >= (long)l->n_rows)
        s = (long)l->n_rows - 1;
    l->selected = (size_t)s;
    remember(l);
}

bool tui_list_action(tui_list *l, tui_action a)
{
    int page = l->page > 1 ? l->page - 1 : 1;
    switch (a) {
    case TUI_ACT_MOVE_UP: move_by(l, -1); return true;
    case TUI_ACT_MOVE_DOWN: move_by(l, 1); return true;
    case TUI_ACT_PAGE_UP: move_by(l, -page); return true;
    case TUI_ACT_PAGE_DOWN: move_by(l, page); return true;
    case TUI_ACT_FIRST: move_by(l, -(long)l->n_rows); return true;
    case TUI_ACT_LAST: move_by(l, (long)l->n_rows); return true;
    case TUI_ACT_WRAP: l->wrap = !l->wrap; return true;
    default: return false;
    }
}

bool tui_list_wrap(const tui_list *l)
{
    return l->wrap;
}

bool tui_list_click(tui_list *l, int y)
{
    if (y < 0)
        return false;
    size_t i = l->top + (size_t)y;
    if (l->wrap)
        i = y < l->n_line_row ? l->line_row[y] : l->n_rows;
    if (i >= l->n_rows)
        return false;
    l->selected = i;
    remember(l);
    return true;
}

void tui_list_scroll(tui_list *l, int lines)
{
    move_by(l, lines);
}

/* The narrowest a flexible column gets before columns are dropped. */
#define FLEX_FLOOR 6
/* How far names shrink before optional columns are dropped. */
#define NAME_FLOOR 10

/* Column widths: minimums, then spare cells shared by flex. Too narrow for
 * the minimums: the flexible columns (names) shrink first, down to
 * NAME_FLOOR (a name still reads), then optional columns go (from the
 * right), then names shrink on to FLEX_FLOOR, then whole columns go from
 * the right (0: not drawn); never is half a column drawn. */
static int shrink_flex(const tui_list *l, int *w, int used, int width, int floor)
{
    for (int c = 0; c < l->n_cols && used > width; c++) {
        if (!l->cols[c].flex || w[c] <= floor)
            continue;
        int cut = used - width < w[c] - floor ? used - width : w[c] - floor;
        w[c] -= cut;
        used -= cut;
    }
    return used;
}

static void layout(const tui_list *l, int width, int *w)
{
    int used = 0, flex = 0;
    for (int c = 0; c < l->n_cols; c++) {
        w[c] = l->cols[c].width;
        used += w[c] + (c ? 1 : 0);
        flex += l->cols[c].flex;
    }
    used = shrink_flex(l, w, used, width, NAME_FLOOR);
    for (int c = l->n_cols - 1; c > 0 && used > width; c--) {
        if (!l->cols[c].optional)
            continue;
        used -= w[c] + 1;
        w[c] = 0;
        flex -= l->cols[c].flex;
    }
    used = shrink_flex(l, w, used, width, FLEX_FLOOR);
    for (int c = l->n_cols - 1; c > 0 && used > width; c--) {
        if (!w[c])
            continue;
        used -= w[c] + 1;
        w[c] = 0;
        flex -= l->cols[c].flex;
    }
    int spare = width - used;
    if (spare > 0 && flex > 0) {
        int given = 0, last = -1;
        for (int c = 0; c < l->n_cols; c++) {
            if (!l->cols[c].flex || !w[c])
                continue;
            int add = spare * l->cols[c].flex / flex;
            w[c] += add;
            given += add;
            last = c;
        }
        if (last >= 0)
            w[last] += spare - given;
    }
}

static void draw_cell(WINDOW *w, int y, int x, int width, const tui_list_column *col,
                      tui_role role, const char *text)
{
    int tw = tui_utf8_width(text, (size_t)-1);
    int off = col->right && tw < width ? width - tw : 0;
    if (off)
        tui_draw_fill(w, y, x, off, role);
    tui_draw_text(w, y, x + off, width - off, role, text, true);
}

/* Lines a row takes when its cells wrap in their columns. */
static int row_height(tui_list *l, size_t i, const int *widths, int n_cols)
{
    int h = 1;
    for (int c = 0; c < n_cols; c++) {
        if (!widths[c])
            continue;
        char buf[CELL_MAX];
        tui_role role = TUI_ROLE_NORMAL;
        buf[0] = '\0';
        const char *s = l->src.cell(l->ctx, l->rows[i], c, &role, buf, sizeof(buf));
        int n = 0;
        size_t len;
        const char *rest;
        for (const char *p = s ? tui_wrap_line(s, widths[c], &len, &rest) : NULL; p && n < WRAP_MAX_LINES;
             p = tui_wrap_line(rest, widths[c], &len, &rest))
            n++;
        if (n > h)
            h = n;
    }
    return h;
}

static void draw_wrapped(tui_list *l, WINDOW *w, int y, int x, int rows, int width,
                         const int *widths, int n_cols)
{
    free(l->line_row);
    l->line_row = tt_calloc(rows > 0 ? (size_t)rows : 1, sizeof(size_t));
    l->n_line_row = 0;
    if (rows <= 0)
        return;
    if (l->selected < l->top)
        l->top = l->selected;
    /* The selected row ends on screen: move top down until it does. */
    for (;;) {
        int used = 0;
        for (size_t i = l->top; i <= l->selected && i < l->n_rows; i++)
            used += row_height(l, i, widths, n_cols);
        if (used <= rows || l->top >= l->selected)
            break;
        l->top++;
    }
    int r = 0;
    size_t i = l->top;
    for (; r < rows && i < l->n_rows; i++) {
        bool sel = i == l->selected;
        int h = row_height(l, i, widths, n_cols);
        for (int k = 0; k < h && r + k < rows; k++) {
            tui_draw_fill(w, y + r + k, x, width, sel ? TUI_ROLE_SELECTION : TUI_ROLE_NORMAL);
            l->line_row[l->n_line_row++] = i;
        }
        int cx = x;
        for (int c = 0; c < n_cols && cx < x + width; c++) {
            if (!widths[c])
                continue;
            char buf[CELL_MAX];
            tui_role role = TUI_ROLE_NORMAL;
            buf[0] = '\0';
            const char *s = l->src.cell(l->ctx, l->rows[i], c, &role, buf, sizeof(buf));
            int cw = widths[c] < x + width - cx ? widths[c] : x + width - cx;
            size_t len;
            const char *rest;
            int k = 0;
            for (const char *p = s ? tui_wrap_line(s, cw, &len, &rest) : NULL; p && k < h && r + k < rows;
                 p = tui_wrap_line(rest, cw, &len, &rest), k++) {
                char piece[CELL_MAX];
                snprintf(piece, sizeof(piece), "%.*s", (int)len, p);
                draw_cell(w, y + r + k, cx, cw, &l->cols[c], sel ? TUI_ROLE_SELECTION : role, piece);
            }
            cx += widths[c] + 1;
        }
        r += h;
    }
    l->page = (int)(i - l->top) > 1 ? (int)(i - l->top) : 1;
    l->drawn_first = l->top;
    l->drawn_n = i - l->top;
    l->drawn_full = r >= rows;
    for (; r < rows; r++) {
        tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
        if (l->n_rows == 0 && r == 0)
            tui_draw_text(w, y + r, x + 1, width - 1, TUI_ROLE_DIM,
                          l->filter ? "No rows match the filter" : "Nothing to show yet", false);
    }
}

void tui_list_draw(tui_list *l, WINDOW *w, int y, int x, int height, int width)
{
    l->drawn_first = l->drawn_n = 0;
    l->drawn_full = false;
    if (height <= 0 || width <= 0)
        return;
    int widths[32];
    int n_cols = l->n_cols < 32 ? l->n_cols : 32;
    layout(l, width, widths);
    /* Header line with the sort marker. */
    tui_draw_fill(w, y, x, width, TUI_ROLE_COLUMN_HEADER);
    int cx = x;
    for (int c = 0; c < n_cols && cx < x + width; c++) {
        if (!widths[c])
            continue;
        char title[128];
        if (c == l->sort_col)
            snprintf(title, sizeof(title), "%s%s", l->cols[c].title,
                     tui_sym_text(l->sort_reverse ? TUI_SYM_DOWN : TUI_SYM_UP));
        else
            snprintf(title, sizeof(title), "%s", l->cols[c].title);
        int cw = widths[c] < x + width - cx ? widths[c] : x + width - cx;
        draw_cell(w, y, cx, cw, &l->cols[c], TUI_ROLE_COLUMN_HEADER, title);
        cx += widths[c] + 1;
    }
    int rows = height - 1;
    if (l->wrap) {
        draw_wrapped(l, w, y + 1, x, rows, width, widths, n_cols);
        return;
    }
    l->page = rows > 0 ? rows : 1;
    if (l->selected < l->top)
        l->top = l->selected;
    if (rows > 0 && l->selected >= l->top + (size_t)rows)
        l->top = l->selected - (size_t)rows + 1;
    if (l->n_rows <= (size_t)rows)
        l->top = 0;
    l->drawn_first = l->top;
    l->drawn_n = l->n_rows - l->top < (size_t)(rows > 0 ? rows : 0) ? l->n_rows - l->top
                                                                     : (size_t)(rows > 0 ? rows : 0);
    l->drawn_full = rows > 0 && l->drawn_n == (size_t)rows;
    for (int r = 0; r < rows; r++) {
        size_t i = l->top + (size_t)r;
        int ry = y + 1 + r;
        if (i >= l->n_rows) {
            tui_draw_fill(w, ry, x, width, TUI_ROLE_NORMAL);
            if (l->n_rows == 0 && r == 0)
                tui_draw_text(w, ry, x + 1, width - 1, TUI_ROLE_DIM,
                              l->filter ? "No rows match the filter" : "Nothing to show yet",
                              false);
            continue;
        }
        bool sel = i == l->selected;
        tui_draw_fill(w, ry, x, width, sel ? TUI_ROLE_SELECTION : TUI_ROLE_NORMAL);
        cx = x;
        for (int c = 0; c < n_cols && cx < x + width; c++) {
            if (!widths[c])
                continue;
            char buf[CELL_MAX];
            tui_role role = TUI_ROLE_NORMAL;
            buf[0] = '\0';
            const char *s = l->src.cell(l->ctx, l->rows[i], c, &role, buf, sizeof(buf));
            int cw = widths[c] < x + width - cx ? widths[c] : x + width - cx;
            draw_cell(w, ry, cx, cw, &l->cols[c], sel ? TUI_ROLE_SELECTION : role, s ? s : "");
            cx += widths[c] + 1;
        }
    }
}
