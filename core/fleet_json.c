/*
 * The fleet as `ttstui status -o json` prints it (the schema in the man
 * page): one object per model, its services, traffic and revisions,
 * written model by model by yajl's generator, so a big fleet never becomes
 * one big tree (see fleet.h).
 */
#include "fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "tt_common.h"
#include "tt_text.h"

/* ---- status JSON ---------------------------------------------------------- */

static const char *cond_name(fleet_cond c)
{
    return c == FLEET_COND_TRUE ? "True" : c == FLEET_COND_FALSE ? "False" : "Unknown";
}

struct fleet_json_out {
    yajl_gen g;
    unsigned flags;
    json_dump_callback_t cb;
    void *data;
    tt_buf b;  /* escaped text not yet passed to cb */
    size_t n;  /* models written */
    bool failed;
};

enum { FLUSH_AT = 64 * 1024 };

/* yajl's print callback: every piece escaped for the terminal on its way. */
static void out_print(void *ctx, const char *s, size_t len)
{
    fleet_json_out *o = ctx;
    tt_json_terminal_safe_append(&o->b, s, len);
}

static void out_raw(fleet_json_out *o, const char *s)
{
    tt_buf_append(&o->b, s, strlen(s));
}

int fleet_json_out_flush(fleet_json_out *o)
{
    if (o->b.len && !o->failed && o->cb(o->b.data, o->b.len, o->data) != 0)
        o->failed = true;
    tt_buf_reset(&o->b);
    return o->failed ? -1 : 0;
}

fleet_json_out *fleet_json_out_new(unsigned flags, json_dump_callback_t cb, void *data)
{
    fleet_json_out *o = tt_calloc(1, sizeof *o);
    o->g = yajl_gen_alloc(NULL);
    if (!o->g)
        abort(); /* out of memory, as tt_malloc does */
    o->flags = flags;
    o->cb = cb;
    o->data = data;
    yajl_gen_config(o->g, yajl_gen_print_callback, out_print, o);
    if (!(flags & FLEET_JSON_LINES_WITH_CONTEXT)) {
        yajl_gen_config(o->g, yajl_gen_beautify, 1);
        yajl_gen_config(o->g, yajl_gen_indent_string, "  ");
    }
    return o;
}

void fleet_json_out_free(fleet_json_out *o)
{
    if (!o)
        return;
    yajl_gen_free(o->g);
    tt_buf_free(&o->b);
    free(o);
}

/* The generator is only misused by a bug here (a key where a value goes);
 * such a call is recorded as a failure rather than ignored. */
static void check(fleet_json_out *o, yajl_gen_status st)
{
    if (st != yajl_gen_status_ok)
        o->failed = true;
}

static void key(fleet_json_out *o, const char *k)
{
    check(o, yajl_gen_string(o->g, (const unsigned char *)k, strlen(k)));
}

static void str(fleet_json_out *o, const char *k, const char *v)
{
    key(o, k);
    check(o, v ? yajl_gen_string(o->g, (const unsigned char *)v, strlen(v))
               : yajl_gen_null(o->g));
}

static void integer(fleet_json_out *o, const char *k, long long v)
{
    key(o, k);
    check(o, yajl_gen_integer(o->g, v));
}

static void boolean(fleet_json_out *o, const char *k, bool v)
{
    key(o, k);
    check(o, yajl_gen_bool(o->g, v));
}

static void scale(fleet_json_out *o, const char *k, int v)
{
    key(o, k);
    check(o, v >= 0 ? yajl_gen_integer(o->g, v) : yajl_gen_null(o->g));
}

/* An array under k, or [] when it has no element: yajl's indented output
 * would spread an empty one over lines, so "[]" goes in as a value's text
 * (yajl_gen_number writes its text as is, with the separators around). */
static bool array_open(fleet_json_out *o, const char *k, size_t n)
{
    key(o, k);
    if (!n) {
        check(o, yajl_gen_number(o->g, "[]", 2));
        return false;
    }
    check(o, yajl_gen_array_open(o->g));
    return true;
}

static void revision_out(fleet_json_out *o, const fleet_revision *r)
{
    check(o, yajl_gen_map_open(o->g));
    str(o, "name", r->name);
    str(o, "version", r->version);
    str(o, "ready", cond_name(r->ready));
    str(o, "reason", r->reason);
    str(o, "image", r->image);
    str(o, "imageDigest", r->image_digest);
    scale(o, "minScale", r->min_scale);
    scale(o, "maxScale", r->max_scale);
    integer(o, "trafficPercent", r->traffic_percent);
    char created[32];
    if (r->created)
        fleet_format_rfc3339(r->created, created);
    str(o, "created", r->created ? created : NULL);
    check(o, yajl_gen_map_close(o->g));
}

static void service_out(fleet_json_out *o, const char *k, const fleet_service *s)
{
    key(o, k);
    check(o, yajl_gen_map_open(o->g));
    boolean(o, "present", s->present);
    str(o, "ready", cond_name(s->ready));
    str(o, "reason", s->reason);
    str(o, "latestReadyRevision", s->latest_ready);
    str(o, "latestCreatedRevision", s->latest_created);
    str(o, "url", s->url);
    str(o, "rolloutDuration", s->rollout_duration);
    if (array_open(o, "traffic", s->n_traffic)) {
        for (size_t i = 0; i < s->n_traffic; i++) {
            const fleet_traffic *t = &s->traffic[i];
            check(o, yajl_gen_map_open(o->g));
            str(o, "revisionName", t->revision);
            integer(o, "percent", t->percent);
            str(o, "tag", t->tag);
            boolean(o, "latestRevision", t->latest_revision);
            check(o, yajl_gen_map_close(o->g));
        }
        check(o, yajl_gen_array_close(o->g));
    }
    if (array_open(o, "revisions", s->n_revisions)) {
        for (size_t i = 0; i < s->n_revisions; i++)
            revision_out(o, &s->revisions[i]);
        check(o, yajl_gen_array_close(o->g));
    }
    check(o, yajl_gen_map_close(o->g));
}

int fleet_json_out_model(fleet_json_out *o, const fleet_model *m, const char *context,
                         const char *env)
{
    if (o->failed)
        return -1;
    bool lines = o->flags & FLEET_JSON_LINES_WITH_CONTEXT;
    if (lines) {
        /* a compact object per line: a value of its own each time */
        out_raw(o, o->n ? ",\n  " : "[\n  ");
        yajl_gen_reset(o->g, NULL);
    } else if (!o->n) {
        check(o, yajl_gen_array_open(o->g));
    }
    check(o, yajl_gen_map_open(o->g));
    if (lines) {
        str(o, "context", context);
        str(o, "env", env);
    }
    str(o, "model", m->name);
    boolean(o, "ready", fleet_model_ready(m));
    boolean(o, "pinnedLatest", m->pinned_latest);
    boolean(o, "terminating", m->terminating);
    key(o, "services");
    check(o, yajl_gen_map_open(o->g));
    service_out(o, "stream", &m->stream);
    service_out(o, "validate", &m->validate);
    check(o, yajl_gen_map_close(o->g));
    check(o, yajl_gen_map_close(o->g));
    o->n++;
    if (o->b.len >= FLUSH_AT)
        return fleet_json_out_flush(o);
    return o->failed ? -1 : 0;
}

int fleet_json_out_end(fleet_json_out *o)
{
    if (o->failed)
        return -1;
    if (!o->n)
        out_raw(o, "[]\n");
    else if (o->flags & FLEET_JSON_LINES_WITH_CONTEXT)
        out_raw(o, "\n]\n");
    else
        check(o, yajl_gen_array_close(o->g)); /* "\n]" and the line's end */
    return fleet_json_out_flush(o);
}

int fleet_status_json_dump(const fleet *f, const char *model, json_dump_callback_t cb,
                           void *data)
{
    fleet_json_out *o = fleet_json_out_new(FLEET_JSON_PRETTY, cb, data);
    int rc = 0;
    if (model) {
        const fleet_model *m = fleet_find(f, model);
        if (m)
            rc = fleet_json_out_model(o, m, NULL, NULL);
    } else {
        for (size_t i = 0; f && i < fleet_model_count(f) && rc == 0; i++)
            rc = fleet_json_out_model(o, fleet_model_at(f, i), NULL, NULL);
    }
    if (rc == 0)
        rc = fleet_json_out_end(o);
    fleet_json_out_free(o);
    return rc;
}

static int to_buf(const char *s, size_t len, void *ud)
{
    tt_buf_append(ud, s, len);
    return 0;
}

json_t *fleet_status_json(const fleet *f, const char *model)
{
    tt_buf b = TT_BUF_INIT;
    fleet_status_json_dump(f, model, to_buf, &b);
    json_error_t je;
    json_t *v = json_loadb(b.data, b.len, 0, &je);
    tt_buf_free(&b);
    return v; /* NULL only when the writer wrote what is not JSON: a bug */
}

json_t *fleet_model_json(const fleet_model *m)
{
    tt_buf b = TT_BUF_INIT;
    fleet_json_out *o = fleet_json_out_new(FLEET_JSON_PRETTY, to_buf, &b);
    fleet_json_out_model(o, m, NULL, NULL);
    fleet_json_out_end(o);
    fleet_json_out_free(o);
    json_error_t je;
    json_t *arr = json_loadb(b.data, b.len, 0, &je);
    tt_buf_free(&b);
    json_t *one = arr ? json_incref(json_array_get(arr, 0)) : NULL;
    json_decref(arr);
    return one;
}
