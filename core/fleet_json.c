/*
 * The fleet as `ttstui status -o json` prints it (the schema in the man
 * page): one object per model, its services, traffic and revisions,
 * dumped model by model so a big fleet never becomes one big tree.
 */
#include "fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tt_common.h"

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
    json_object_set_new(o, "imageDigest", json_str_or_null(r->image_digest));
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
    json_object_set_new(o, "rolloutDuration", json_str_or_null(s->rollout_duration));
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

int fleet_status_json_dump_model(const fleet_model *m, size_t index, json_dump_callback_t cb,
                                 void *data)
{
    if (dump_str(cb, data, index ? ",\n  " : "[\n  ") != 0)
        return -1;
    indent_sink sink = {cb, data};
    json_t *one = fleet_model_json(m);
    /* ENSURE_ASCII: cluster text such as U+009B or U+202E is escaped, so
     * the JSON is safe on a terminal too. */
    int rc = json_dump_callback(one, indent_chunk, &sink, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(one);
    return rc != 0 ? -1 : 0;
}

int fleet_status_json_dump_end(size_t n, json_dump_callback_t cb, void *data)
{
    return dump_str(cb, data, n ? "\n]" : "[]");
}

int fleet_status_json_dump(const fleet *f, const char *model, json_dump_callback_t cb,
                           void *data)
{
    const fleet_model *only = model ? fleet_find(f, model) : NULL;
    size_t n = model ? (only ? 1 : 0) : fleet_model_count(f);
    for (size_t i = 0; i < n; i++)
        if (fleet_status_json_dump_model(only ? only : fleet_model_at(f, i), i, cb, data) != 0)
            return -1;
    return fleet_status_json_dump_end(n, cb, data);
}
