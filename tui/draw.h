/*
 * Drawing primitives: text by colour role, clipped to a width in terminal
 * cells (wide characters count 2), with a truncation mark; symbols with an
 * ASCII fallback when the locale is not UTF-8 (or --ascii). Views call
 * these, never curses colour functions.
 */
#ifndef TUI_DRAW_H
#define TUI_DRAW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "theme.h"

/* ---- UTF-8 (locale-independent decoding; width via wcwidth) ----------- */
/* Decodes one code point at s (len bytes available); returns bytes used
 * (1 for an invalid byte, *cp = U+FFFD). */
size_t tui_utf8_decode(const char *s, size_t len, int *cp);
/* Encodes cp; returns bytes written (1-4). */
size_t tui_utf8_encode(int cp, char out[4]);
/* Offset of the previous/next character boundary. */
size_t tui_utf8_prev(const char *s, size_t i);
size_t tui_utf8_next(const char *s, size_t len, size_t i);
/* Terminal cells one code point takes as drawn (a control character, an
 * unsafe or zero-width one: the 1 of the '?' drawn for it). */
int tui_cp_width(int cp);
/* Cells of a string (n bytes; (size_t)-1 = up to the NUL). */
int tui_utf8_width(const char *s, size_t n);
/* How many bytes of s fit in max_cells; *cells gets their width. */
size_t tui_utf8_fit(const char *s, int max_cells, int *cells);
/* Word wrap, one line at a time: the start of s's next line in max_cells
 * (leading spaces skipped) with its length in *n (a break after the last
 * word that fits, else mid-word; no trailing spaces), and in *rest where
 * the following line starts; a newline in s ends a line (an empty one for
 * two in a row). NULL when nothing but spaces is left. */
const char *tui_wrap_line(const char *s, int max_cells, size_t *n, const char **rest);

/* ---- symbols ----------------------------------------------------------- */
typedef enum tui_sym {
    TUI_SYM_DOT,      /* ● */
    TUI_SYM_CHECK,    /* ✓ */
    TUI_SYM_CROSS,    /* ✗ */
    TUI_SYM_ELLIPSIS, /* … */
    TUI_SYM_UP,       /* ▲ */
    TUI_SYM_DOWN,     /* ▼ */
    TUI_SYM_HLINE,    /* ─ */
    TUI_SYM_COUNT
} tui_sym;

/* ASCII fallback on (--ascii, or a non-UTF-8 locale). */
void tui_draw_set_ascii(bool ascii);
bool tui_draw_ascii(void);
const char *tui_sym_text(tui_sym s);

/* The palette draw functions use (owned by the caller, must outlive use). */
void tui_draw_set_palette(const tui_palette *p);
attr_t tui_draw_attr(tui_role role);

/* Draws s at (y, x) clipped to width cells; a cut string ends with the
 * ellipsis symbol. pad: fill the rest of width with spaces in the role.
 * Returns the cells drawn. Non-printable bytes become '?'. */
int tui_draw_text(WINDOW *w, int y, int x, int width, tui_role role, const char *s, bool pad);
int tui_draw_textf(WINDOW *w, int y, int x, int width, tui_role role, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Draws up to n bytes of s without truncation mark; returns cells drawn. */
int tui_draw_span(WINDOW *w, int y, int x, int width, tui_role role, const char *s, size_t n);
void tui_draw_fill(WINDOW *w, int y, int x, int width, tui_role role);
/* Draws s word-wrapped in width cells on up to max_rows rows from (y, x);
 * returns the rows used (at least 1 when max_rows > 0). */
int tui_draw_wrapped(WINDOW *w, int y, int x, int width, int max_rows, tui_role role,
                     const char *s);
/* A horizontal rule. */
void tui_draw_hline(WINDOW *w, int y, int x, int width, tui_role role);

/* The readiness cell every view uses: symbol + word ("✓ Ready"), so it
 * reads without colour. cond: 1 true, 0 false, -1 unknown/pending,
 * -2 absent. Returns the role to draw it with; writes the text. */
tui_role tui_readiness_text(int cond, char *buf, size_t size);

#endif
