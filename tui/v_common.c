#include "v_common.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tt_common.h"

const char *tui_fmt_time(long long t, char *buf, size_t size)
{
    if (t <= 0) {
        snprintf(buf, size, "-");
        return buf;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    char age[16];
    if (!gmtime_r(&tt, &tm)) {
        snprintf(buf, size, "-");
        return buf;
    }
    snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d UTC (%s ago)", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             tui_fmt_age(t, (long long)time(NULL), age, sizeof age));
    return buf;
}

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

void tui_pick_clamp(tui_pick *p, size_t n, int visible)
{
    if (visible < 1)
        visible = 1;
    if (n == 0) {
        p->sel = p->top = 0;
        return;
    }
    if (p->sel >= n)
        p->sel = n - 1;
    if (p->sel < p->top)
        p->top = p->sel;
    if (p->sel >= p->top + (size_t)visible)
        p->top = p->sel - (size_t)visible + 1;
}

bool tui_pick_action(tui_pick *p, tui_action a, size_t n, int visible)
{
    size_t page = visible > 1 ? (size_t)visible - 1 : 1;
    switch (a) {
    case TUI_ACT_MOVE_UP: p->sel = p->sel ? p->sel - 1 : 0; break;
    case TUI_ACT_MOVE_DOWN: p->sel++; break;
    case TUI_ACT_PAGE_UP: p->sel = p->sel > page ? p->sel - page : 0; break;
    case TUI_ACT_PAGE_DOWN: p->sel += page; break;
    case TUI_ACT_FIRST: p->sel = 0; break;
    case TUI_ACT_LAST: p->sel = n ? n - 1 : 0; break;
    default: return false;
    }
    tui_pick_clamp(p, n, visible);
    return true;
}
