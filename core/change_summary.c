#include "change_summary.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tt_common.h"
#include "tt_text.h"

void release_facts_init(release_facts *f)
{
    memset(f, 0, sizeof(*f));
    for (int s = 0; s < CHANGE_SERVICES; s++)
        f->api_keys[s] = f->min_scale[s] = f->max_scale[s] = -1;
}

static const char *jstr(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static int service_index(const char *name)
{
    return tt_streq(name, "stream") ? CHANGE_STREAM : tt_streq(name, "validate") ? CHANGE_VALIDATE : -1;
}

/* An annotation's non-negative integer (the hyphenated key wins), or -1. */
static int scale_of(const json_t *ann, const char *hyphenated, const char *camel)
{
    const char *v = jstr(ann, hyphenated);
    if (!v)
        v = jstr(ann, camel);
    if (!v || !*v || strlen(v) > 9)
        return -1;
    for (const char *p = v; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    return atoi(v);
}

static void add_service(release_facts *f, int s, const json_t *obj)
{
    const json_t *tmpl = json_object_get(json_object_get(obj, "spec"), "template");
    const json_t *ann = json_object_get(json_object_get(tmpl, "metadata"), "annotations");
    const json_t *c0 =
        json_array_get(json_object_get(json_object_get(tmpl, "spec"), "containers"), 0);
    f->image[s] = jstr(c0, "image");
    const json_t *args = json_object_get(c0, "args");
    f->entrypoint[s] = NULL;
    for (size_t i = 1; i < json_array_size(args); i++) {
        const char *a = json_string_value(json_array_get(args, i));
        if (a && *a && a[0] != '-') {
            f->entrypoint[s] = a;
            break;
        }
    }
    f->api_keys[s] = 0;
    const json_t *env_from = json_object_get(c0, "envFrom");
    for (size_t i = 0; i < json_array_size(env_from); i++)
        if (tt_streq(jstr(json_object_get(json_array_get(env_from, i), "secretRef"), "name"),
                     "api-keys"))
            f->api_keys[s] = 1;
    f->min_scale[s] = scale_of(ann, "autoscaling.knative.dev/min-scale",
                               "autoscaling.knative.dev/minScale");
    f->max_scale[s] = scale_of(ann, "autoscaling.knative.dev/max-scale",
                               "autoscaling.knative.dev/maxScale");
}

void release_facts_add_object(release_facts *f, const json_t *obj)
{
    const char *kind = jstr(obj, "kind");
    const char *name = jstr(json_object_get(obj, "metadata"), "name");
    if (tt_streq(kind, "Service") && tt_streq(jstr(obj, "apiVersion"), "serving.knative.dev/v1")) {
        int s = service_index(name);
        if (s >= 0)
            add_service(f, s, obj);
    } else if (tt_streq(kind, "Ingress") &&
               (tt_streq(name, "route-stream") || (tt_streq(name, "route-validate") && !f->hostname))) {
        const json_t *rule = json_array_get(json_object_get(json_object_get(obj, "spec"), "rules"), 0);
        const char *host = jstr(rule, "host");
        if (host)
            f->hostname = host;
    }
}

static void add(release_changes *out, bool warning, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add(release_changes *out, bool warning, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tt_buf b = TT_BUF_INIT;
    tt_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *raw = tt_buf_steal(&b);
    out->items = tt_realloc(out->items, (out->n + 1) * sizeof(*out->items));
    out->items[out->n].warning = warning;
    /* the one terminal cleaner (tt_text.h): C0, C1, DEL, bidi, zero-width,
     * invalid UTF-8 */
    out->items[out->n].text = tt_text_clean(raw, 0);
    out->n++;
    free(raw);
}

static const char *const service_names[CHANGE_SERVICES] = {"stream", "validate"};

/* A string fact per service: one line when both services change alike. */
static void compare_strings(release_changes *out, const char *what,
                            const char *const live[CHANGE_SERVICES],
                            const char *const next[CHANGE_SERVICES])
{
    bool changed[CHANGE_SERVICES];
    for (int s = 0; s < CHANGE_SERVICES; s++)
        changed[s] = live[s] && next[s] && !tt_streq(live[s], next[s]);
    if (changed[0] && changed[1] && tt_streq(live[0], live[1]) && tt_streq(next[0], next[1])) {
        add(out, false, "%s %s → %s", what, live[0], next[0]);
        return;
    }
    for (int s = 0; s < CHANGE_SERVICES; s++)
        if (changed[s])
            add(out, false, "%s %s %s → %s", service_names[s], what, live[s], next[s]);
}

static void compare_ints(release_changes *out, const char *what, const int live[CHANGE_SERVICES],
                         const int next[CHANGE_SERVICES], bool boolean)
{
    bool changed[CHANGE_SERVICES];
    for (int s = 0; s < CHANGE_SERVICES; s++)
        changed[s] = live[s] >= 0 && next[s] >= 0 && live[s] != next[s];
    char a[2][16], b[2][16];
    for (int s = 0; s < CHANGE_SERVICES; s++) {
        if (boolean) {
            snprintf(a[s], sizeof(a[s]), "%s", live[s] ? "true" : "false");
            snprintf(b[s], sizeof(b[s]), "%s", next[s] ? "true" : "false");
        } else {
            snprintf(a[s], sizeof(a[s]), "%d", live[s]);
            snprintf(b[s], sizeof(b[s]), "%d", next[s]);
        }
    }
    if (changed[0] && changed[1] && live[0] == live[1] && next[0] == next[1]) {
        add(out, false, "%s %s → %s", what, a[0], b[0]);
        return;
    }
    for (int s = 0; s < CHANGE_SERVICES; s++)
        if (changed[s])
            add(out, false, "%s %s %s → %s", service_names[s], what, a[s], b[s]);
}

void release_changes_compute(const release_facts *live, const release_facts *next,
                             release_changes *out)
{
    if (live->hostname && next->hostname && !tt_streq(live->hostname, next->hostname))
        add(out, true, "hostname %s → %s", live->hostname, next->hostname);
    compare_strings(out, "entry point", live->entrypoint, next->entrypoint);
    compare_strings(out, "image", live->image, next->image);
    compare_ints(out, "includeImageApiKeys", live->api_keys, next->api_keys, true);
    compare_ints(out, "minScale", live->min_scale, next->min_scale, false);
    compare_ints(out, "maxScale", live->max_scale, next->max_scale, false);
}

void release_changes_free(release_changes *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->items[i].text);
    free(c->items);
    c->items = NULL;
    c->n = 0;
}
