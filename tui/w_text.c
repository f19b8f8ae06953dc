#include "w_text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "draw.h"

#define TEXT_DEFAULT_MAX 100000

struct tui_text {
    char **ring;
    size_t cap;
    size_t head;  /* index of the oldest line */
    size_t count;
    size_t dropped;
    size_t top;   /* first line on screen */
    int page;
    bool follow;
    char *needle;
    long match;   /* line of the current match or -1 */
    tui_text_highlight_fn highlight;
    void *highlight_ctx;
    bool wrap;    /* long lines continue on the next rows */
    int left;     /* cells scrolled off the left (not when wrapping) */
};

tui_text *tui_text_new(size_t max_lines)
{
    tui_text *t = tt_calloc(1, sizeof(*t));
    t->cap = max_lines ? max_lines : TEXT_DEFAULT_MAX;
    t->ring = tt_calloc(t->cap, sizeof(char *));
    t->page = 10;
    t->match = -1;
    return t;
}

void tui_text_clear(tui_text *t)
{
    for (size_t i = 0; i < t->count; i++) {
        free(t->ring[(t->head + i) % t->cap]);
        t->ring[(t->head + i) % t->cap] = NULL;
    }
    t->head = t->count = t->dropped = t->top = 0;
    t->match = -1;
}

void tui_text_free(tui_text *t)
{
    if (!t)
        return;
    tui_text_clear(t);
    free(t->ring);
    free(t->needle);
    free(t);
}

static void clamp_top(tui_text *t)
{
    size_t page = t->page > 0 ? (size_t)t->page : 1;
    size_t max_top = t->count > page ? t->count - page : 0;
    if (t->follow || t->top > max_top)
        t->top = max_top;
}

void tui_text_append(tui_text *t, const char *line)
{
    size_t n = strlen(line);
    if (n && line[n - 1] == '\n')
        n--;
    if (n && line[n - 1] == '\r')
        n--;
    char *copy = tt_strndup(line, n);
    if (t->count == t->cap) {
        free(t->ring[t->head]);
        t->ring[t->head] = copy;
        t->head = (t->head + 1) % t->cap;
        t->dropped++;
        /* Keep the reader's place while old lines scroll out. */
        if (t->top > 0)
            t->top--;
        if (t->match >= 0)
            t->match--;
    } else {
        t->ring[(t->head + t->count) % t->cap] = copy;
        t->count++;
    }
    if (t->follow)
        clamp_top(t);
}

void tui_text_append_text(tui_text *t, const char *text)
{
    const char *p = text;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = tt_strndup(p, n);
        tui_text_append(t, line);
        free(line);
        p = nl ? nl + 1 : NULL;
    }
}

size_t tui_text_line_count(const tui_text *t)
{
    return t->count;
}

const char *tui_text_line(const tui_text *t, size_t i)
{
    return i < t->count ? t->ring[(t->head + i) % t->cap] : NULL;
}

size_t tui_text_dropped(const tui_text *t)
{
    return t->dropped;
}

size_t tui_text_capacity(const tui_text *t)
{
    return t->cap;
}

void tui_text_set_highlight(tui_text *t, tui_text_highlight_fn fn, void *ctx)
{
    t->highlight = fn;
    t->highlight_ctx = ctx;
}

void tui_text_set_follow(tui_text *t, bool follow)
{
    t->follow = follow;
    if (follow)
        clamp_top(t);
}

bool tui_text_follow(const tui_text *t)
{
    return t->follow;
}

size_t tui_text_top(const tui_text *t)
{
    return t->top;
}

static void show_line(tui_text *t, size_t line)
{
    size_t page = t->page > 0 ? (size_t)t->page : 1;
    if (line < t->top || line >= t->top + page)
        t->top = line > page / 2 ? line - page / 2 : 0;
    t->follow = false;
    clamp_top(t);
}

static long find_from(const tui_text *t, long from, int dir)
{
    if (!t->needle || !*t->needle || !t->count)
        return -1;
    for (size_t k = 0; k < t->count; k++) {
        long i = from + dir * (long)k;
        i = ((i % (long)t->count) + (long)t->count) % (long)t->count; /* wrap */
        if (strcasestr(tui_text_line(t, (size_t)i), t->needle))
            return i;
    }
    return -1;
}

long tui_text_search(tui_text *t, const char *needle)
{
    free(t->needle);
    t->needle = needle && *needle ? tt_strdup(needle) : NULL;
    t->match = find_from(t, (long)t->top, 1);
    if (t->match >= 0)
        show_line(t, (size_t)t->match);
    return t->match;
}

long tui_text_search_next(tui_text *t, int dir)
{
    long start = t->match >= 0 ? t->match + dir : (long)t->top;
    long m = find_from(t, start, dir >= 0 ? 1 : -1);
    if (m >= 0) {
        t->match = m;
        show_line(t, (size_t)m);
    }
    return m;
}

void tui_text_scroll(tui_text *t, int lines)
{
    long top = (long)t->top + lines;
    t->top = top < 0 ? 0 : (size_t)top;
    t->follow = false;
    clamp_top(t);
}

void tui_text_set_wrap(tui_text *t, bool wrap)
{
    t->wrap = wrap;
    t->left = 0;
}

bool tui_text_wrap(const tui_text *t)
{
    return t->wrap;
}

int tui_text_left(const tui_text *t)
{
    return t->left;
}

#define HSCROLL_STEP 8

bool tui_text_action(tui_text *t, tui_action a)
{
    int page = t->page > 1 ? t->page - 1 : 1;
    switch (a) {
    case TUI_ACT_WRAP: tui_text_set_wrap(t, !t->wrap); return true;
    case TUI_ACT_SCROLL_LEFT:
        t->left = t->left > HSCROLL_STEP ? t->left - HSCROLL_STEP : 0;
        return true;
    case TUI_ACT_SCROLL_RIGHT:
        if (!t->wrap && t->left < 100000)
            t->left += HSCROLL_STEP;
        return true;
    case TUI_ACT_MOVE_UP: tui_text_scroll(t, -1); return true;
    case TUI_ACT_MOVE_DOWN: tui_text_scroll(t, 1); return true;
    case TUI_ACT_PAGE_UP: tui_text_scroll(t, -page); return true;
    case TUI_ACT_PAGE_DOWN: tui_text_scroll(t, page); return true;
    case TUI_ACT_FIRST: t->top = 0; t->follow = false; return true;
    case TUI_ACT_LAST:
        t->top = t->count;
        clamp_top(t);
        return true;
    default: return false;
    }
}

/* Byte offset after the first `cells` cells of line (at most len). */
static size_t skip_cells(const char *line, size_t len, int cells)
{
    size_t pos = 0;
    int used = 0;
    while (pos < len) {
        int cp;
        size_t n = tui_utf8_decode(line + pos, len - pos, &cp);
        int cw = tui_cp_width(cp);
        if (used + cw > cells)
            break;
        used += cw;
        pos += n;
    }
    return pos;
}

/* Draws one row of a line from byte `from`: highlight spans, then the
 * search match on top. Returns the byte offset where the row stopped. */
static size_t draw_line(tui_text *t, WINDOW *w, int y, int x, int width, const char *line,
                        size_t from)
{
    tui_span spans[32];
    size_t n = t->highlight ? t->highlight(t->highlight_ctx, line, spans, 32) : 0;
    size_t len = strlen(line);
    /* Mark the first search hit as its own span by splitting. */
    const char *hit = t->needle ? strcasestr(line, t->needle) : NULL;
    size_t hs = hit ? (size_t)(hit - line) : len, he = hit ? hs + strlen(t->needle) : len;
    int used = 0;
    size_t pos = from, si = 0;
    while (pos < len && used < width) {
        tui_role role = TUI_ROLE_NORMAL;
        size_t end = len;
        while (si < n && spans[si].end <= pos)
            si++;
        if (si < n && spans[si].start <= pos) {
            role = spans[si].role;
            end = spans[si].end;
        } else if (si < n) {
            end = spans[si].start;
        }
        if (pos >= hs && pos < he) {
            role = TUI_ROLE_SEARCH_MATCH;
            if (end > he)
                end = he;
        } else if (hs > pos && hs < end) {
            end = hs;
        }
        /* What fits of [pos, end) in the cells left. */
        size_t fit = pos + skip_cells(line + pos, end - pos, width - used);
        if (fit == pos)
            break;
        used += tui_draw_span(w, y, x + used, width - used, role, line + pos, fit - pos);
        pos = fit;
    }
    if (used < width)
        tui_draw_fill(w, y, x + used, width - used, TUI_ROLE_NORMAL);
    return pos;
}

void tui_text_draw(tui_text *t, WINDOW *w, int y, int x, int height, int width)
{
    t->page = height > 0 ? height : 1;
    clamp_top(t);
    int r = 0;
    for (size_t i = t->top; r < height; i++) {
        const char *line = tui_text_line(t, i);
        if (!line) {
            tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
            r++;
            continue;
        }
        size_t len = strlen(line);
        size_t pos = t->wrap ? 0 : skip_cells(line, len, t->left);
        do {
            pos = draw_line(t, w, y + r, x, width, line, pos);
            r++;
        } while (t->wrap && pos < len && r < height && width > 0);
    }
}

/* ---- highlighters ------------------------------------------------------- */

size_t tui_highlight_yaml(void *ctx, const char *line, tui_span *spans, size_t max)
{
    (void)ctx;
    size_t len = strlen(line), i = 0, n = 0;
    if (max < 3)
        return 0;
    while (i < len && line[i] == ' ')
        i++;
    if (line[i] == '#' || tt_str_has_prefix(line + i, "---")) {
        spans[n++] = (tui_span){i, len, TUI_ROLE_YAML_COMMENT};
        return n;
    }
    if (line[i] == '-' && line[i + 1] == ' ')
        i += 2;
    /* key: value, the key unquoted or quoted, no spaces in a plain key. */
    size_t k = i;
    bool quoted = line[k] == '"' || line[k] == '\'';
    if (quoted) {
        char q = line[k++];
        while (k < len && line[k] != q)
            k++;
        if (k < len)
            k++;
    } else {
        while (k < len && line[k] != ':' && line[k] != ' ')
            k++;
    }
    if (k < len && line[k] == ':' && (k + 1 == len || line[k + 1] == ' ') && k > i) {
        spans[n++] = (tui_span){i, k, TUI_ROLE_YAML_KEY};
        if (k + 1 < len)
            spans[n++] = (tui_span){k + 1, len, TUI_ROLE_YAML_VALUE};
    } else if (i < len) {
        spans[n++] = (tui_span){i, len, TUI_ROLE_YAML_VALUE};
    }
    return n;
}

size_t tui_highlight_diff(void *ctx, const char *line, tui_span *spans, size_t max)
{
    (void)ctx;
    size_t len = strlen(line);
    if (!max || !len)
        return 0;
    tui_role role;
    if (tt_str_has_prefix(line, "+++") || tt_str_has_prefix(line, "---"))
        role = TUI_ROLE_TITLE;
    else if (line[0] == '+')
        role = TUI_ROLE_DIFF_ADD;
    else if (line[0] == '-')
        role = TUI_ROLE_DIFF_REMOVE;
    else if (tt_str_has_prefix(line, "@@"))
        role = TUI_ROLE_DIFF_HUNK;
    else
        return 0;
    spans[0] = (tui_span){0, len, role};
    return 1;
}
