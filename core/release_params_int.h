/*
 * Inside core/: what the release parameters' files share (release_params.c,
 * release_check.c).
 */
#ifndef RELEASE_PARAMS_INT_H
#define RELEASE_PARAMS_INT_H

#include <stddef.h>
#include <string.h>

/* A DNS-1123 label's length at most. */
#define DNS_LABEL_MAX 63

/* A value as it may appear in a message: at most 64 bytes, control
 * characters and quotes replaced by '?', "..." when cut. */
static inline const char *shown(const char *value, char *buf, size_t size)
{
    size_t n = 0, limit = size > 68 ? 64 : size - 4;
    const unsigned char *s = (const unsigned char *)value;
    for (; *s && n < limit; s++)
        buf[n++] = (*s < 0x20 || *s == 0x7f || *s == '"') ? '?' : (char)*s;
    if (*s) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

#endif
