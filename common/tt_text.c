#include "tt_text.h"

#include <locale.h>
#include <pthread.h>
#include <string.h>
#include <wchar.h>

size_t tt_utf8_decode(const char *s, size_t len, int *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len == 0) {
        *cp = -1;
        return 0;
    }
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    size_t n;
    int v, min;
    if (u[0] >= 0xc2 && u[0] <= 0xdf) {
        n = 2, v = u[0] & 0x1f, min = 0x80;
    } else if ((u[0] & 0xf0) == 0xe0) {
        n = 3, v = u[0] & 0x0f, min = 0x800;
    } else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
        n = 4, v = u[0] & 0x07, min = 0x10000;
    } else {
        *cp = -1;
        return 1;
    }
    if (n > len) {
        *cp = -1;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xc0) != 0x80) {
            *cp = -1;
            return 1;
        }
        v = (v << 6) | (u[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        *cp = -1;
        return 1;
    }
    *cp = v;
    return n;
}

bool tt_cp_unsafe(int cp)
{
    if (cp < 0)
        return true;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
        return true;
    if (cp == 0x061c || cp == 0xfeff)
        return true;
    if (cp >= 0x200b && cp <= 0x200f) /* zero-width space/joiners, LRM, RLM */
        return true;
    if (cp >= 0x2028 && cp <= 0x202e) /* separators, bidi embeddings and overrides */
        return true;
    if (cp >= 0x2060 && cp <= 0x2069) /* word joiner, invisible operators, isolates */
        return true;
    return false;
}

void tt_text_clean_append(tt_buf *b, const char *s, size_t len, unsigned flags)
{
    size_t i = 0;
    while (i < len) {
        int cp;
        size_t n = tt_utf8_decode(s + i, len - i, &cp);
        bool keep = (cp == '\n' && (flags & TT_TEXT_KEEP_NEWLINE)) ||
                    (cp == '\t' && (flags & TT_TEXT_KEEP_TAB));
        if (!keep && tt_cp_unsafe(cp))
            tt_buf_putc(b, '?');
        else
            tt_buf_append(b, s + i, n);
        i += n;
    }
    if (!b->data)
        tt_buf_append(b, "", 0);
}

char *tt_text_clean(const char *s, unsigned flags)
{
    if (!s)
        return NULL;
    tt_buf b = TT_BUF_INIT;
    tt_text_clean_append(&b, s, strlen(s), flags);
    return tt_buf_steal(&b);
}

bool tt_text_is_clean(const char *s, unsigned flags)
{
    size_t len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len;) {
        int cp;
        size_t n = tt_utf8_decode(s + i, len - i, &cp);
        bool keep = (cp == '\n' && (flags & TT_TEXT_KEEP_NEWLINE)) ||
                    (cp == '\t' && (flags & TT_TEXT_KEEP_TAB));
        if (!keep && tt_cp_unsafe(cp))
            return false;
        i += n;
    }
    return true;
}

void tt_json_terminal_safe_append(tt_buf *b, const char *json, size_t len)
{
    size_t from = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)json[i];
        if (c < 0x7f) {
            i++;
            continue;
        }
        tt_buf_append(b, json + from, i - from);
        int cp;
        size_t n = c == 0x7f ? 1 : tt_utf8_decode(json + i, len - i, &cp);
        if (c == 0x7f)
            cp = 0x7f;
        else if (cp < 0)
            cp = 0xfffd; /* not UTF-8: the replacement character */
        if (cp >= 0x10000) {
            int v = cp - 0x10000;
            tt_buf_printf(b, "\\u%04X\\u%04X", 0xd800 | (v >> 10), 0xdc00 | (v & 0x3ff));
        } else {
            tt_buf_printf(b, "\\u%04X", cp);
        }
        i += n;
        from = i;
    }
    tt_buf_append(b, json + from, len - from);
}

static locale_t utf8_locale;
static void utf8_locale_init(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (!utf8_locale)
        utf8_locale = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
}

/* Cells of one safe code point: wcwidth under a UTF-8 locale; without one
 * (none installed) a character past ASCII counts one cell. */
static size_t cp_cells(int cp)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, utf8_locale_init);
    if (cp >= 0x20 && cp < 0x7f)
        return 1;
    if (!utf8_locale)
        return 1;
    locale_t old = uselocale(utf8_locale);
    int w = wcwidth((wchar_t)cp);
    uselocale(old);
    return w < 0 ? 1 : (size_t)w;
}

size_t tt_text_width(const char *s)
{
    size_t len = s ? strlen(s) : 0, w = 0;
    for (size_t i = 0; i < len;) {
        int cp;
        i += tt_utf8_decode(s + i, len - i, &cp);
        /* newline and tab are '?' with flags 0 */
        w += tt_cp_unsafe(cp) || cp == '\n' || cp == '\t' ? 1 : cp_cells(cp);
    }
    return w;
}

void tt_text_pad_append(tt_buf *b, const char *s, size_t width)
{
    tt_buf_puts(b, s ? s : "");
    for (size_t w = tt_text_width(s); w < width; w++)
        tt_buf_putc(b, ' ');
}
