#include "draw.h"
#include "tt_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static bool ascii_mode;
static const tui_palette *palette;

size_t tui_utf8_decode(const char *s, size_t len, int *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len == 0) {
        *cp = 0;
        return 0;
    }
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    size_t n = (u[0] & 0xe0) == 0xc0 ? 2 : (u[0] & 0xf0) == 0xe0 ? 3 : (u[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0 || n > len) {
        *cp = 0xfffd;
        return 1;
    }
    int v = u[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return 1;
        }
        v = (v << 6) | (u[i] & 0x3f);
    }
    *cp = v;
    return n;
}

size_t tui_utf8_encode(int cp, char out[4])
{
    unsigned c = (unsigned)cp;
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xe0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | ((c >> 18) & 0x07));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    out[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

size_t tui_utf8_prev(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    i--;
    while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
        i--;
    return i;
}

size_t tui_utf8_next(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return len;
    int cp;
    return i + tui_utf8_decode(s + i, len - i, &cp);
}

/* A code point drawn as '?': a control or otherwise unsafe one, one that
 * did not decode, one of no width (it would join the cell before), and in
 * ASCII mode anything past ASCII. */
static bool drawn_as_mark(int cp)
{
    if (cp >= 0x20 && cp < 0x7f)
        return false;
    return cp == 0xfffd || tt_cp_unsafe(cp) || (ascii_mode && cp >= 0x80) ||
           wcwidth((wchar_t)cp) == 0;
}

int tui_cp_width(int cp)
{
    if (drawn_as_mark(cp))
        return 1; /* the '?' it is drawn as */
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

int tui_utf8_width(const char *s, size_t n)
{
    if (!s)
        return 0;
    size_t len = n == (size_t)-1 ? strlen(s) : n;
    int w = 0;
    for (size_t i = 0; i < len;) {
        int cp;
        i += tui_utf8_decode(s + i, len - i, &cp);
        w += tui_cp_width(cp);
    }
    return w;
}

size_t tui_utf8_fit(const char *s, int max_cells, int *cells)
{
    size_t len = s ? strlen(s) : 0;
    int w = 0;
    size_t i = 0;
    while (i < len) {
        int cp;
        size_t n = tui_utf8_decode(s + i, len - i, &cp);
        int cw = tui_cp_width(cp);
        if (w + cw > max_cells)
            break;
        w += cw;
        i += n;
    }
    if (cells)
        *cells = w;
    return i;
}

const char *tui_wrap_line(const char *s, int max_cells, size_t *n, const char **rest)
{
    while (s && *s == ' ')
        s++;
    if (!s || !*s) {
        *n = 0;
        *rest = s;
        return NULL;
    }
    if (*s == '\n') { /* an empty line of the text */
        *n = 0;
        *rest = s + 1;
        return s;
    }
    size_t len = strlen(s);
    size_t end = max_cells > 0 ? tui_utf8_fit(s, max_cells, NULL) : 0;
    const char *nl = memchr(s, '\n', end < len ? end + 1 : len);
    if (nl) { /* the text's own line break ends the line */
        end = (size_t)(nl - s);
        *rest = nl + 1;
        while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\r'))
            end--;
        *n = end;
        return s;
    }
    if (end < len && s[end] != ' ') {
        size_t sp = end;
        while (sp > 0 && s[sp - 1] != ' ')
            sp--;
        if (sp > 0)
            end = sp; /* the word that does not fit goes to the next line */
    }
    if (end == 0)
        end = tui_utf8_next(s, len, 0); /* at least one character: no endless loop */
    *rest = s + end;
    while (end > 0 && s[end - 1] == ' ')
        end--;
    *n = end;
    return s;
}

/* ---- symbols ------------------------------------------------------------ */

static const char *const sym_utf8[TUI_SYM_COUNT] = {"●", "✓", "✗", "…", "▲", "▼", "─"};
static const char *const sym_ascii[TUI_SYM_COUNT] = {"*", "+", "x", "...", "^", "v", "-"};

void tui_draw_set_ascii(bool ascii)
{
    ascii_mode = ascii;
}

bool tui_draw_ascii(void)
{
    return ascii_mode;
}

const char *tui_sym_text(tui_sym s)
{
    if ((unsigned)s >= TUI_SYM_COUNT)
        return "?";
    return ascii_mode ? sym_ascii[s] : sym_utf8[s];
}

/* ---- drawing ------------------------------------------------------------ */

void tui_draw_set_palette(const tui_palette *p)
{
    palette = p;
}

attr_t tui_draw_attr(tui_role role)
{
    return palette ? tui_palette_attr(palette, role) : tui_role_mono_attr(role);
}

static void set_role(WINDOW *w, tui_role role)
{
    attr_t a = tui_draw_attr(role);
    wattrset(w, (int)a);
}

/* Draws n bytes cell-clipped; what tt_cp_unsafe refuses (controls, C1,
 * bidi and zero-width characters), invalid UTF-8 and (in ASCII mode)
 * non-ASCII become '?'. */
static int put_clipped(WINDOW *w, int y, int x, int width, const char *s, size_t n)
{
    int used = 0;
    wmove(w, y, x);
    for (size_t i = 0; i < n;) {
        int cp;
        size_t len = tui_utf8_decode(s + i, n - i, &cp);
        int cw = tui_cp_width(cp);
        const char *out = s + i;
        size_t out_len = len;
        if (drawn_as_mark(cp)) {
            out = "?";
            out_len = 1;
        }
        if (used + cw > width)
            break;
        waddnstr(w, out, (int)out_len);
        used += cw;
        i += len;
    }
    return used;
}

int tui_draw_span(WINDOW *w, int y, int x, int width, tui_role role, const char *s, size_t n)
{
    if (width <= 0 || !s)
        return 0;
    set_role(w, role);
    return put_clipped(w, y, x, width, s, n);
}

void tui_draw_fill(WINDOW *w, int y, int x, int width, tui_role role)
{
    if (width <= 0)
        return;
    set_role(w, role);
    wmove(w, y, x);
    for (int i = 0; i < width; i++)
        waddch(w, ' ');
}

int tui_draw_text(WINDOW *w, int y, int x, int width, tui_role role, const char *s, bool pad)
{
    if (width <= 0)
        return 0;
    if (!s)
        s = "";
    set_role(w, role);
    int total = tui_utf8_width(s, (size_t)-1);
    int used;
    if (total <= width) {
        used = put_clipped(w, y, x, width, s, strlen(s));
    } else {
        const char *mark = tui_sym_text(TUI_SYM_ELLIPSIS);
        int mw = tui_utf8_width(mark, (size_t)-1);
        if (mw > width)
            mw = 0;
        int cells;
        size_t fit = tui_utf8_fit(s, width - mw, &cells);
        used = put_clipped(w, y, x, width - mw, s, fit);
        if (mw)
            used += put_clipped(w, y, x + used, mw, mark, strlen(mark));
    }
    if (pad && used < width)
        tui_draw_fill(w, y, x + used, width - used, role);
    return pad ? width : used;
}

int tui_draw_textf(WINDOW *w, int y, int x, int width, tui_role role, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tt_buf b = TT_BUF_INIT;
    tt_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    int n = tui_draw_text(w, y, x, width, role, b.data ? b.data : "", false);
    tt_buf_free(&b);
    return n;
}

void tui_draw_hline(WINDOW *w, int y, int x, int width, tui_role role)
{
    set_role(w, role);
    wmove(w, y, x);
    const char *h = tui_sym_text(TUI_SYM_HLINE);
    for (int i = 0; i < width; i++)
        waddstr(w, h);
}

tui_role tui_readiness_text(int cond, char *buf, size_t size)
{
    switch (cond) {
    case 1:
        snprintf(buf, size, "%s Ready", tui_sym_text(TUI_SYM_CHECK));
        return TUI_ROLE_STATUS_OK;
    case 0:
        snprintf(buf, size, "%s Failed", tui_sym_text(TUI_SYM_CROSS));
        return TUI_ROLE_STATUS_FAIL;
    case -2:
        snprintf(buf, size, "- Absent");
        return TUI_ROLE_DIM;
    default:
        snprintf(buf, size, "%s Pending", tui_sym_text(TUI_SYM_ELLIPSIS));
        return TUI_ROLE_STATUS_PENDING;
    }
}

int tui_draw_wrapped(WINDOW *w, int y, int x, int width, int max_rows, tui_role role,
                     const char *s)
{
    if (max_rows <= 0 || width <= 0)
        return 0;
    int r = 0;
    size_t n;
    const char *rest;
    for (const char *p = s ? tui_wrap_line(s, width, &n, &rest) : NULL; p && r < max_rows;
         p = tui_wrap_line(rest, width, &n, &rest), r++)
        tui_draw_span(w, y + r, x, width, role, p, n);
    return r ? r : 1;
}
