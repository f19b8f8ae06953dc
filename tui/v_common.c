#include "v_common.h"

#include <stdio.h>
#include <string.h>

#include "tt_common.h"

const char *tui_fmt_age(long long created, long long now, char *buf, size_t size)
{
    if (created <= 0) {
        snprintf(buf, size, "-");
        return buf;
    }
    long long d = now - created;
    if (d < 0)
        d = 0;
    if (d < 120)
        snprintf(buf, size, "%llds", d);
    else if (d < 2 * 3600)
        snprintf(buf, size, "%lldm", d / 60);
    else if (d < 2 * 86400)
        snprintf(buf, size, "%lldh", d / 3600);
    else if (d < 2 * 365 * 86400LL)
        snprintf(buf, size, "%lldd", d / 86400);
    else
        snprintf(buf, size, "%lldy", d / (365 * 86400LL));
    return buf;
}

const char *tui_fmt_image_short(const char *image, char *buf, size_t size)
{
    if (!image || !*image) {
        snprintf(buf, size, "-");
        return buf;
    }
    const char *at = strstr(image, "@sha256:");
    if (at) {
        snprintf(buf, size, "%.12s", at + 8);
        return buf;
    }
    const char *slash = strrchr(image, '/');
    const char *colon = strrchr(slash ? slash : image, ':');
    snprintf(buf, size, "%s", colon ? colon : (slash ? slash + 1 : image));
    return buf;
}

int tui_cond_value(fleet_cond c, bool present)
{
    if (!present)
        return -2;
    return c == FLEET_COND_TRUE ? 1 : c == FLEET_COND_FALSE ? 0 : -1;
}

const char *tui_revision_version(const char *revision, const char *service)
{
    if (!revision)
        return "-";
    size_t n = service ? strlen(service) : 0;
    if (n && strncmp(revision, service, n) == 0 && revision[n] == '-')
        return revision + n + 1;
    const char *dash = strrchr(revision, '-');
    return dash ? dash + 1 : revision;
}

const char *tui_fmt_traffic(const fleet_service *s, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; s && i < s->n_traffic && used < size; i++) {
        const fleet_traffic *t = &s->traffic[i];
        if (t->percent <= 0)
            continue;
        const char *ver = t->revision ? tui_revision_version(t->revision, NULL) : "latest";
        int w = snprintf(buf + used, size - used, "%s%s:%d%%", used ? " " : "", ver, t->percent);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (!buf[0])
        snprintf(buf, size, "-");
    return buf;
}

const char *tui_fmt_scale(int min, int max, char *buf, size_t size)
{
    if (min < 0 && max < 0)
        snprintf(buf, size, "-");
    else if (max < 0)
        snprintf(buf, size, "%d-", min);
    else
        snprintf(buf, size, "%d-%d", min < 0 ? 0 : min, max);
    return buf;
}
