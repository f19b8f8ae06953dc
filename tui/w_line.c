#include "w_line.h"

#include <stdlib.h>
#include <string.h>

#include "draw.h"

void tui_line_init(tui_line *l, size_t max_bytes)
{
    memset(l, 0, sizeof(*l));
    l->max = max_bytes ? max_bytes : 4096;
    l->cap = 32;
    l->text = tt_calloc(1, l->cap);
}

void tui_line_free(tui_line *l)
{
    if (l->secret)
        tt_explicit_bzero(l->text, l->cap);
    free(l->text);
    free(l->kill);
    memset(l, 0, sizeof(*l));
}

static void reserve(tui_line *l, size_t need)
{
    if (need + 1 <= l->cap)
        return;
    size_t cap = l->cap * 2;
    while (cap < need + 1)
        cap *= 2;
    l->text = tt_realloc(l->text, cap);
    l->cap = cap;
}

void tui_line_set(tui_line *l, const char *text)
{
    size_t n = text ? strlen(text) : 0;
    if (n > l->max)
        n = l->max;
    reserve(l, n);
    memcpy(l->text, text ? text : "", n);
    l->text[n] = '\0';
    /* Never leave half a character at the cut. */
    while (n > 0 && ((unsigned char)l->text[n - 1] & 0x80) &&
           tui_utf8_next(l->text, n, tui_utf8_prev(l->text, n)) > n)
        l->text[--n] = '\0';
    l->len = n;
    l->cursor = n;
    l->scroll = 0;
}

const char *tui_line_text(const tui_line *l)
{
    return l->text;
}

static void delete_range(tui_line *l, size_t from, size_t to, bool save)
{
    if (to <= from)
        return;
    if (save) {
        free(l->kill);
        l->kill = tt_strndup(l->text + from, to - from);
    }
    memmove(l->text + from, l->text + to, l->len - to + 1);
    l->len -= to - from;
    if (l->cursor > to)
        l->cursor -= to - from;
    else if (l->cursor > from)
        l->cursor = from;
}

static bool insert_bytes(tui_line *l, const char *s, size_t n)
{
    if (l->len + n > l->max)
        return false;
    reserve(l, l->len + n);
    memmove(l->text + l->cursor + n, l->text + l->cursor, l->len - l->cursor + 1);
    memcpy(l->text + l->cursor, s, n);
    l->len += n;
    l->cursor += n;
    return true;
}

static bool is_word_byte(char c)
{
    return c != ' ' && c != '\t' && c != '/' && c != '-' && c != '_' && c != '.' && c != ':';
}

static tui_line_result line_key(tui_line *l, tui_key key);

/* Keys come in bursts (a paste, tmux) with no draw between them: the
 * scroll offset must follow the cursor after each one, or a field cut to
 * its start by Ctrl-U and typed again stays scrolled past its text. */
tui_line_result tui_line_key(tui_line *l, tui_key key)
{
    tui_line_result r = line_key(l, key);
    int cursor_cells = l->secret ? (int)l->cursor : tui_utf8_width(l->text, l->cursor);
    if (cursor_cells < l->scroll)
        l->scroll = cursor_cells;
    return r;
}

static tui_line_result line_key(tui_line *l, tui_key key)
{
    switch (key) {
    case TUI_KEY_CTRL('a'):
    case TUI_KEY_FN(KEY_HOME):
        l->cursor = 0;
        return TUI_LINE_MOVED;
    case TUI_KEY_CTRL('e'):
    case TUI_KEY_FN(KEY_END):
        l->cursor = l->len;
        return TUI_LINE_MOVED;
    case TUI_KEY_CTRL('b'):
    case TUI_KEY_FN(KEY_LEFT):
        l->cursor = tui_utf8_prev(l->text, l->cursor);
        return TUI_LINE_MOVED;
    case TUI_KEY_CTRL('f'):
    case TUI_KEY_FN(KEY_RIGHT):
        l->cursor = tui_utf8_next(l->text, l->len, l->cursor);
        return TUI_LINE_MOVED;
    case TUI_KEY_CTRL('h'):
    case 0x7f:
    case TUI_KEY_FN(KEY_BACKSPACE):
        if (l->cursor == 0)
            return TUI_LINE_MOVED;
        delete_range(l, tui_utf8_prev(l->text, l->cursor), l->cursor, false);
        return TUI_LINE_EDITED;
    case TUI_KEY_CTRL('d'):
    case TUI_KEY_FN(KEY_DC):
        if (l->cursor >= l->len)
            return TUI_LINE_MOVED;
        delete_range(l, l->cursor, tui_utf8_next(l->text, l->len, l->cursor), false);
        return TUI_LINE_EDITED;
    case TUI_KEY_CTRL('k'):
        if (l->cursor >= l->len)
            return TUI_LINE_MOVED;
        delete_range(l, l->cursor, l->len, true);
        return TUI_LINE_EDITED;
    case TUI_KEY_CTRL('u'):
        if (l->cursor == 0)
            return TUI_LINE_MOVED;
        delete_range(l, 0, l->cursor, true);
        return TUI_LINE_EDITED;
    case TUI_KEY_CTRL('w'): {
        size_t end = l->cursor, start = end;
        while (start > 0 && !is_word_byte(l->text[start - 1]))
            start--;
        while (start > 0 && is_word_byte(l->text[start - 1]))
            start--;
        if (start == end)
            return TUI_LINE_MOVED;
        delete_range(l, start, end, true);
        return TUI_LINE_EDITED;
    }
    case TUI_KEY_CTRL('y'):
        if (!l->kill || !*l->kill)
            return TUI_LINE_MOVED;
        return insert_bytes(l, l->kill, strlen(l->kill)) ? TUI_LINE_EDITED : TUI_LINE_MOVED;
    default:
        break;
    }
    if (tui_key_is_text(key)) {
        char buf[4];
        size_t n = tui_utf8_encode(key, buf);
        return insert_bytes(l, buf, n) ? TUI_LINE_EDITED : TUI_LINE_MOVED;
    }
    return TUI_LINE_IGNORED;
}

int tui_line_draw(tui_line *l, WINDOW *w, int y, int x, int width, tui_role role)
{
    if (width <= 0)
        return 0;
    int cursor_cells = l->secret ? (int)l->cursor : tui_utf8_width(l->text, l->cursor);
    /* Keep the cursor visible with one cell to spare for it. */
    if (cursor_cells < l->scroll)
        l->scroll = cursor_cells;
    if (cursor_cells - l->scroll > width - 1)
        l->scroll = cursor_cells - (width - 1);
    tui_draw_fill(w, y, x, width, role);
    /* Skip the first `scroll` cells. */
    size_t i = 0;
    int skipped = 0;
    while (i < l->len && skipped < l->scroll) {
        int cp;
        size_t n = tui_utf8_decode(l->text + i, l->len - i, &cp);
        skipped += l->secret ? 1 : tui_cp_width(cp);
        i += n;
    }
    if (l->secret) {
        int stars = 0;
        for (size_t j = i; j < l->len; j = tui_utf8_next(l->text, l->len, j))
            stars++;
        if (stars > width)
            stars = width;
        wattrset(w, (int)tui_draw_attr(role));
        mvwhline(w, y, x, '*', stars);
    } else {
        tui_draw_span(w, y, x, width, role, l->text + i, l->len - i);
    }
    return cursor_cells - l->scroll;
}
