#include "registry_link.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const char *ows(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Does the space-separated relation list [s, s+n) hold "next"? */
static bool rel_has_next(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && s[i] == ' ')
            i++;
        size_t j = i;
        while (j < n && s[j] != ' ')
            j++;
        if (j - i == 4 && strncasecmp(s + i, "next", 4) == 0)
            return true;
        i = j;
    }
    return false;
}

bool registry_link_next(const char *hdr, char *out, size_t len)
{
    if (!hdr || !out || len == 0)
        return false;
    out[0] = '\0';
    const char *p = hdr;
    for (;;) {
        p = ows(p);
        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            return false;
        if (*p != '<')
            return false;
        const char *target = ++p;
        const char *end = strchr(p, '>');
        if (!end)
            return false;
        size_t tn = (size_t)(end - target);
        p = end + 1;
        bool next = false;
        /* Parameters: ; name[=value] */
        for (;;) {
            p = ows(p);
            if (*p != ';')
                break;
            p = ows(p + 1);
            const char *name = p;
            while (*p && (isalnum((unsigned char)*p) || strchr("!#$%&'*+-.^_`|~", *p)))
                p++;
            size_t nn = (size_t)(p - name);
            if (nn == 0)
                return false;
            p = ows(p);
            const char *val = NULL;
            size_t vn = 0;
            if (*p == '=') {
                p = ows(p + 1);
                if (*p == '"') {
                    val = ++p;
                    while (*p && *p != '"') {
                        if (*p == '\\')
                            return false; /* no escapes in relation types */
                        p++;
                    }
                    if (*p != '"')
                        return false;
                    vn = (size_t)(p - val);
                    p++;
                } else {
                    val = p;
                    while (*p && *p != ';' && *p != ',' && *p != ' ' && *p != '\t')
                        p++;
                    vn = (size_t)(p - val);
                }
            }
            if (nn == 3 && strncasecmp(name, "rel", 3) == 0 && val && rel_has_next(val, vn))
                next = true;
        }
        if (*p != ',' && *p != '\0')
            return false;
        if (next) {
            if (tn == 0 || tn >= len)
                return false;
            for (size_t i = 0; i < tn; i++)
                if ((unsigned char)target[i] <= ' ' || (unsigned char)target[i] >= 0x7f)
                    return false;
            memcpy(out, target, tn);
            out[tn] = '\0';
            return true;
        }
    }
}
