#include "release_check.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tt_common.h"

bool tui_check_dns_label(const char *what, const char *value, char *msg, size_t size)
{
    size_t n = strlen(value);
    if (n == 0) {
        snprintf(msg, size, "%s is required", what);
        return false;
    }
    if (n > 63) {
        snprintf(msg, size, "%s is %zu characters; at most 63", what, n);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)value[i];
        if (!(islower(c) || isdigit(c) || c == '-')) {
            snprintf(msg, size, "%s may only hold lowercase letters, digits and '-' (not '%c')",
                     what, isprint(c) ? c : '?');
            return false;
        }
    }
    if (value[0] == '-' || value[n - 1] == '-') {
        snprintf(msg, size, "%s must start and end with a letter or digit", what);
        return false;
    }
    return true;
}

bool tui_check_scale(const char *what, const char *value, int *out, char *msg, size_t size)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (!*value || *end || errno || v < 0 || v > 1000) {
        snprintf(msg, size, "%s must be a whole number from 0 to 1000", what);
        return false;
    }
    *out = (int)v;
    return true;
}

bool tui_image_is_digest(const char *image)
{
    const char *at = strstr(image, "@sha256:");
    if (!at)
        return false;
    const char *hex = at + 8;
    size_t n = strlen(hex);
    if (n != 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)hex[i]))
            return false;
    return true;
}

bool tui_version_exists(const fleet_model *m, const char *version)
{
    if (!m)
        return false;
    const fleet_service *svcs[2] = {&m->stream, &m->validate};
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; svcs[s]->present && i < svcs[s]->n_revisions; i++)
            if (tt_streq(svcs[s]->revisions[i].version, version))
                return true;
    return false;
}
