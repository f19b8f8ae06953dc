/*
 * What the views ask of a model, from its public parts only (fleet.h):
 * readiness, versions (which exist, the next free one, whether the
 * services serve the same), what a service serves, pinned traffic; and the
 * RFC 3339 times of the API. The fleet's store (apply, relist) is
 * fleet.c; its status JSON fleet_json.c.
 */
#include "fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tt_common.h"

/* "stream-12" -> "12" for service "stream"; the whole name otherwise. */
const char *fleet_version_of(const char *revision, const char *service)
{
    if (!revision)
        return NULL;
    size_t plen = strlen(service);
    if (strncmp(revision, service, plen) == 0 && revision[plen] == '-' && revision[plen + 1])
        return revision + plen + 1;
    return revision;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153LL * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "YYYY-MM-DDTHH:MM:SSZ", as the API server writes every timestamp, read
 * without sscanf and timegm (200,000 revisions are read at a time). False
 * when s is not exactly that with each field in its range: the general
 * reading below takes it, with timegm's rules for the rest. */
static bool parse_utc_fast(const char *s, long long *t)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strnlen(s, 21) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || s[19] != 'Z')
        return false;
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
    int h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        sec < 0 || sec > 59)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] + (mo == 2 && leap))
        return false;
    *t = days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + sec;
    return true;
}

long long fleet_parse_rfc3339(const char *s)
{
    if (!s)
        return 0;
    long long t;
    if (parse_utc_fast(s, &t))
        return t;
    int y, mo, d, h, mi, sec, n = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
        return 0;
    const char *p = s + n;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    long offset = 0;
    if (*p == '+' || *p == '-') {
        int oh, om;
        if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
            return 0;
        offset = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
    } else if (*p != 'Z' && *p != 'z') {
        return 0;
    }
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    return (long long)timegm(&tm) - offset;
}

void fleet_format_rfc3339(long long t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        tt_strlcpy(out, "1970-01-01T00:00:00Z", 32);
}

bool fleet_model_ready(const fleet_model *m)
{
    return m && m->stream.present && m->validate.present &&
           m->stream.ready == FLEET_COND_TRUE && m->validate.ready == FLEET_COND_TRUE;
}

bool fleet_version_number(const char *v, unsigned long long *out)
{
    size_t n = v ? strlen(v) : 0;
    if (n == 0 || n > 18 || strspn(v, "0123456789") != n)
        return false;
    *out = strtoull(v, NULL, 10);
    return true;
}

const fleet_revision *fleet_service_revision(const fleet_service *s, const char *name)
{
    for (size_t i = 0; s && name && i < s->n_revisions; i++)
        if (tt_streq(s->revisions[i].name, name))
            return &s->revisions[i];
    return NULL;
}

const fleet_revision *fleet_model_revision(const fleet_model *m, const char *name)
{
    if (!m)
        return NULL;
    const fleet_revision *r = fleet_service_revision(&m->stream, name);
    return r ? r : fleet_service_revision(&m->validate, name);
}

bool fleet_service_serving(const fleet_service *s, fleet_serving *out)
{
    if (!s || !s->present || !s->latest_ready)
        return false;
    const fleet_revision *r = fleet_service_revision(s, s->latest_ready);
    if (r) {
        *out = (fleet_serving){r->image, r->min_scale, r->max_scale};
        return true;
    }
    bool template_is_ready = s->template_name ? tt_streq(s->template_name, s->latest_ready)
                                              : tt_streq(s->latest_created, s->latest_ready);
    if (!template_is_ready)
        return false;
    *out = (fleet_serving){s->template_image, s->template_min_scale, s->template_max_scale};
    return true;
}

/* Calls fn with the version of every revision the model has or its
 * services name; stops when fn returns true. */
static bool any_version(const fleet_model *m, bool (*fn)(const char *version, void *ud), void *ud)
{
    const fleet_service *svcs[2] = {&m->stream, &m->validate};
    for (int s = 0; s < 2; s++) {
        const fleet_service *sv = svcs[s];
        const char *service = (s == 0 ? "stream" : "validate");
        for (size_t i = 0; i < sv->n_revisions; i++)
            if (fn(sv->revisions[i].version, ud))
                return true;
        if (!sv->present)
            continue;
        const char *named[3] = {sv->latest_created, sv->latest_ready, sv->template_name};
        for (int i = 0; i < 3; i++)
            if (named[i] && fn(fleet_version_of(named[i], service), ud))
                return true;
        for (size_t i = 0; i < sv->n_traffic; i++)
            if (sv->traffic[i].revision && fn(fleet_version_of(sv->traffic[i].revision, service), ud))
                return true;
    }
    return false;
}

static bool same_version(const char *version, void *ud)
{
    return tt_streq(version, ud);
}

bool fleet_model_has_version(const fleet_model *m, const char *version)
{
    return m && version && any_version(m, same_version, (void *)version);
}

static bool track_highest(const char *version, void *ud)
{
    unsigned long long v, *best = ud;
    if (fleet_version_number(version, &v) && v > *best)
        *best = v;
    return false;
}

char *fleet_next_version(const fleet_model *m)
{
    unsigned long long best = 0;
    if (m)
        any_version(m, track_highest, &best);
    return tt_asprintf("%llu", best + 1);
}

bool fleet_service_traffic_pinned(const fleet_service *s)
{
    if (!s || !s->present || s->n_traffic == 0)
        return false;
    int on_latest = 0;
    for (size_t i = 0; i < s->n_traffic; i++) {
        const fleet_traffic *t = &s->traffic[i];
        if (t->latest_revision || (t->revision && tt_streq(t->revision, s->latest_ready)))
            on_latest += t->percent;
    }
    return on_latest < 100;
}


static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted versions receiving traffic (percent > 0); falls back to the
 * latest ready revision when there is no traffic block. Caller frees the
 * array (the strings belong to s). */
static size_t served_versions(const fleet_service *s, const char *service, const char ***out)
{
    const char **v = tt_calloc(s->n_traffic + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < s->n_traffic; i++) {
        if (s->traffic[i].percent <= 0 || !s->traffic[i].revision)
            continue;
        const char *ver = fleet_version_of(s->traffic[i].revision, service);
        bool dup = false;
        for (size_t j = 0; j < n; j++)
            dup = dup || strcmp(v[j], ver) == 0;
        if (!dup)
            v[n++] = ver;
    }
    if (n == 0 && s->latest_ready)
        v[n++] = fleet_version_of(s->latest_ready, service);
    qsort(v, n, sizeof *v, cmp_str_ptr);
    *out = v;
    return n;
}

bool fleet_model_versions_differ(const fleet_model *m)
{
    if (!m || !m->stream.present || !m->validate.present)
        return false;
    const char **a, **b;
    size_t na = served_versions(&m->stream, "stream", &a);
    size_t nb = served_versions(&m->validate, "validate", &b);
    bool differ = false;
    if (na && nb) {
        differ = na != nb;
        for (size_t i = 0; !differ && i < na; i++)
            differ = strcmp(a[i], b[i]) != 0;
    }
    free(a);
    free(b);
    return differ;
}
