/*
 * Text for a terminal: the one cleaner every output path uses (CLI tables,
 * messages, diffs, the audit replay, the TUI's drawing). Strings from a
 * cluster, a registry or a file may carry bytes a terminal obeys (escape
 * sequences that retitle it, clear it or write the clipboard, bidi overrides
 * that reorder what is shown, zero-width characters that hide text); the
 * cleaner replaces each such character with '?'.
 */
#ifndef TT_TEXT_H
#define TT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "tt_common.h"

/*
 * Decodes one UTF-8 character strictly: no overlong forms, no surrogates,
 * nothing above U+10FFFF, no truncated sequence. Returns the byte length
 * (1-4) with *cp set, or 1 with *cp = -1 for an invalid byte. len 0 → 0.
 */
size_t tt_utf8_decode(const char *s, size_t len, int *cp);

/* True for a code point a terminal must not get raw: C0 controls, DEL, C1
 * controls (U+0080-U+009F, U+009B is CSI), bidi embeddings, overrides and
 * isolates (U+202A-U+202E, U+2066-U+2069, U+200E/U+200F, U+061C), line and
 * paragraph separators, zero-width characters (U+200B-U+200D, U+2060-U+2064,
 * U+FEFF) and invalid input (cp < 0). Newline and tab are not unsafe here;
 * the callers decide about them. */
bool tt_cp_unsafe(int cp);

enum {
    TT_TEXT_KEEP_NEWLINE = 1, /* '\n' passes (multi-line text); else it is '?' */
    TT_TEXT_KEEP_TAB = 2,     /* '\t' passes; else it is '?' */
};

/* Appends s[0..len) to b with every unsafe character and invalid byte
 * replaced by '?'. Valid UTF-8 ("é", "✓") passes byte for byte. */
void tt_text_clean_append(tt_buf *b, const char *s, size_t len, unsigned flags);
/* A cleaned copy of s (NULL in, NULL out). Caller frees. */
char *tt_text_clean(const char *s, unsigned flags);
/* True when tt_text_clean would change nothing. */
bool tt_text_is_clean(const char *s, unsigned flags);

/* Terminal cells s takes as printed once cleaned (tt_text_clean with
 * flags 0): an unsafe character or invalid byte is the one cell of its '?',
 * a wide character (East Asian, emoji) two, a combining mark none, as
 * wcwidth rules for UTF-8 whatever the process's locale. For columns of
 * text (padding by bytes would count "é" as two cells). NULL is 0. */
size_t tt_text_width(const char *s);
/* Appends s padded with spaces to at least width cells (tt_text_width). */
void tt_text_pad_append(tt_buf *b, const char *s, size_t width);

/* JSON text as a terminal may show it: appends json[0..len) to b with DEL
 * (0x7f) and every character outside ASCII escaped as \uXXXX (a surrogate
 * pair above U+FFFF; an invalid byte as \uFFFD), as jansson's
 * JSON_ENSURE_ASCII writes them. Outside strings JSON is ASCII, so the
 * result is the same JSON value with nothing on a terminal to obey (C1
 * controls, bidi overrides and zero-width characters included). */
void tt_json_terminal_safe_append(tt_buf *b, const char *json, size_t len);

#endif
