#include "registry_challenge.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* RFC 7230 tchar. */
static bool tchar(char c)
{
    return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ows(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

static size_t token_len(const char *p)
{
    size_t n = 0;
    while (tchar(p[n]))
        n++;
    return n;
}

/* Reads a quoted-string or token at *pp into buf (NUL-terminated). Returns
 * false when malformed or when it does not fit (the value is still consumed
 * when it is well formed). */
static bool read_value(const char **pp, char *buf, size_t len, bool *fits)
{
    const char *p = *pp;
    size_t n = 0;
    *fits = true;
    if (*p == '"') {
        p++;
        for (;;) {
            char c = *p;
            if (c == '\0')
                return false; /* unterminated */
            if (c == '"') {
                p++;
                break;
            }
            if (c == '\\') {
                p++;
                c = *p;
                if (c == '\0')
                    return false;
            }
            if ((unsigned char)c < 0x20 || c == 0x7f)
                return false;
            if (n + 1 < len)
                buf[n++] = c;
            else
                *fits = false;
            p++;
        }
    } else {
        size_t t = token_len(p);
        /* token68 may end in '='. */
        while (p[t] == '=')
            t++;
        if (t == 0)
            return false;
        for (size_t i = 0; i < t; i++) {
            if (n + 1 < len)
                buf[n++] = p[i];
            else
                *fits = false;
        }
        p += t;
    }
    if (len)
        buf[n] = '\0';
    *pp = p;
    return true;
}

/* At p (after OWS): is this "name =" (a parameter) rather than a new scheme? */
static bool at_param(const char *p)
{
    size_t t = token_len(p);
    if (t == 0)
        return false;
    p = skip_ows(p + t);
    return *p == '=';
}

int registry_challenges_parse(const char *hdr, registry_challenge *out, int max)
{
    int count = 0;
    if (!hdr || max <= 0)
        return 0;
    const char *p = hdr;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '\0')
            break;
        size_t sn = token_len(p);
        if (sn == 0)
            return count; /* garbage: stop, keep what parsed */
        registry_challenge ch;
        memset(&ch, 0, sizeof ch);
        bool good = sn < sizeof ch.scheme;
        for (size_t i = 0; good && i < sn; i++)
            ch.scheme[i] = (char)tolower((unsigned char)p[i]);
        p += sn;
        /* A token68 right after the scheme (e.g. "Negotiate abc==") belongs to it. */
        {
            const char *q = skip_ows(p);
            size_t t = token_len(q);
            if (q != p && t && !at_param(q)) {
                while (q[t] == '=')
                    t++;
                p = q + t;
            }
        }
        /* Parameters, comma separated, until a token not followed by '='. */
        for (;;) {
            const char *q = skip_ows(p);
            while (*q == ',' || *q == ' ' || *q == '\t')
                q++;
            if (*q == '\0' || !at_param(q)) {
                p = q;
                break;
            }
            size_t nn = token_len(q);
            const char *name = q;
            q = skip_ows(q + nn);
            q = skip_ows(q + 1); /* '=' */
            char *dst = NULL;
            size_t dlen = 0;
            char sink[1];
            if (nn == 5 && strncasecmp(name, "realm", 5) == 0) {
                dst = ch.realm;
                dlen = sizeof ch.realm;
            } else if (nn == 7 && strncasecmp(name, "service", 7) == 0) {
                dst = ch.service;
                dlen = sizeof ch.service;
            } else if (nn == 5 && strncasecmp(name, "scope", 5) == 0) {
                dst = ch.scope;
                dlen = sizeof ch.scope;
            } else if (nn == 5 && strncasecmp(name, "error", 5) == 0) {
                dst = ch.error;
                dlen = sizeof ch.error;
            }
            bool fits;
            if (!read_value(&q, dst ? dst : sink, dst ? dlen : sizeof sink, &fits))
                return count; /* malformed: drop this challenge and stop */
            if (dst && !fits)
                good = false;
            /* A value ends at a comma or the end; anything else is malformed. */
            q = skip_ows(q);
            if (*q != '\0' && *q != ',')
                return count;
            p = q;
        }
        if (good && count < max)
            out[count++] = ch;
    }
    return count;
}
