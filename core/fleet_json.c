/*
 * The fleet as JSON (core/fleet.h): RFC 3339 times, finding a condition
 * in an object, and `ttstui status -o json` (fleet_status_json and the
 * model-at-a-time fleet_status_json_dump).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet.h"
#include "fleet_internal.h"
#include "tt_common.h"

/* ---- time and conditions ---------------------------------------------------- */

long long fleet_parse_rfc3339(const char *s)
{
    if (!s)
        return 0;
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

const json_t *fleet_find_condition(const json_t *obj, const char *type)
{
    const json_t *conds = json_object_get(json_object_get(obj, "status"), "conditions");
    size_t i;
    const json_t *c;
    json_array_foreach(conds, i, c) {
        if (tt_streq(json_string_value(json_object_get(c, "type")), type))
            return c;
    }
    return NULL;
}

/* ---- status JSON ---------------------------------------------------------- */

static const char *cond_name(fleet_cond c)
{
    return c == FLEET_COND_TRUE ? "True" : c == FLEET_COND_FALSE ? "False" : "Unknown";
}

static json_t *json_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *json_scale(int v)
{
    return v >= 0 ? json_integer(v) : json_null();
}

static json_t *revision_json(const fleet_revision *r)
{
    char created[32];
    fleet_format_rfc3339(r->created, created);
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(r->name));
    json_object_set_new(o, "version", json_string(r->version));
    json_object_set_new(o, "ready", json_string(cond_name(r->ready)));
    json_object_set_new(o, "reason", json_str_or_null(r->reason));
    json_object_set_new(o, "image", json_str_or_null(r->image));
    json_object_set_new(o, "minScale", json_scale(r->min_scale));
    json_object_set_new(o, "maxScale", json_scale(r->max_scale));
    json_object_set_new(o, "trafficPercent", json_integer(r->traffic_percent));
    json_object_set_new(o, "created", r->created ? json_string(created) : json_null());
    return o;
}

static json_t *service_json(const fleet_service *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "present", json_boolean(s->present));
    json_object_set_new(o, "ready", json_string(cond_name(s->ready)));
    json_object_set_new(o, "reason", json_str_or_null(s->reason));
    json_object_set_new(o, "latestReadyRevision", json_str_or_null(s->latest_ready));
    json_object_set_new(o, "latestCreatedRevision", json_str_or_null(s->latest_created));
    json_object_set_new(o, "url", json_str_or_null(s->url));
    json_t *traffic = json_array();
    for (size_t i = 0; i < s->n_traffic; i++) {
        const fleet_traffic *t = &s->traffic[i];
        json_t *e = json_object();
        json_object_set_new(e, "revisionName", json_str_or_null(t->revision));
        json_object_set_new(e, "percent", json_integer(t->percent));
        json_object_set_new(e, "tag", json_str_or_null(t->tag));
        json_object_set_new(e, "latestRevision", json_boolean(t->latest_revision));
        json_array_append_new(traffic, e);
    }
    json_object_set_new(o, "traffic", traffic);
    json_t *revs = json_array();
    for (size_t i = 0; i < s->n_revisions; i++)
        json_array_append_new(revs, revision_json(&s->revisions[i]));
    json_object_set_new(o, "revisions", revs);
    return o;
}

json_t *fleet_model_json(const fleet_model *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "model", json_string(m->name));
    json_object_set_new(o, "ready", json_boolean(fleet_model_ready(m)));
    json_object_set_new(o, "pinnedLatest", json_boolean(m->pinned_latest));
    json_object_set_new(o, "terminating", json_boolean(m->terminating));
    json_t *svcs = json_object();
    json_object_set_new(svcs, "stream", service_json(&m->stream));
    json_object_set_new(svcs, "validate", service_json(&m->validate));
    json_object_set_new(o, "services", svcs);
    return o;
}

json_t *fleet_status_json(const fleet *f, const char *model)
{
    json_t *arr = json_array();
    if (!f)
        return arr;
    if (model) {
        const fleet_model *m = fleet_find(f, model);
        if (m)
            json_array_append_new(arr, fleet_model_json(m));
        return arr;
    }
    for (size_t i = 0; i < fleet_model_count(f); i++)
        json_array_append_new(arr, fleet_model_json(fleet_model_at(f, i)));
    return arr;
}

/* Passes text through, indenting every line after the first by two more
 * spaces: the element's lines as json_dump gives them inside an array. */
typedef struct indent_sink {
    json_dump_callback_t cb;
    void *data;
} indent_sink;

static int indent_chunk(const char *buf, size_t size, void *ud)
{
    const indent_sink *sink = ud;
    size_t start = 0;
    for (size_t i = 0; i < size; i++) {
        if (buf[i] != '\n')
            continue;
        if (sink->cb(buf + start, i + 1 - start, sink->data) != 0 ||
            sink->cb("  ", 2, sink->data) != 0)
            return -1;
        start = i + 1;
    }
    return start < size ? sink->cb(buf + start, size - start, sink->data) : 0;
}

static int dump_str(json_dump_callback_t cb, void *data, const char *s)
{
    return cb(s, strlen(s), data);
}

int fleet_status_json_dump(const fleet *f, const char *model, json_dump_callback_t cb,
                           void *data)
{
    const fleet_model *only = model ? fleet_find(f, model) : NULL;
    size_t n = model ? (only ? 1 : 0) : fleet_model_count(f);
    if (n == 0)
        return dump_str(cb, data, "[]");
    if (dump_str(cb, data, "[\n  ") != 0)
        return -1;
    indent_sink sink = {cb, data};
    for (size_t i = 0; i < n; i++) {
        json_t *one = fleet_model_json(only ? only : fleet_model_at(f, i));
        int rc = json_dump_callback(one, indent_chunk, &sink, JSON_INDENT(2));
        json_decref(one);
        if (rc != 0 || dump_str(cb, data, i + 1 < n ? ",\n  " : "\n]") != 0)
            return -1;
    }
    return 0;
}
