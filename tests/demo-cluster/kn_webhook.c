/*
 * The admission webhook of Knative Services: defaults (container names,
 * timeouts, traffic to the latest revision, creator and lastModifier) and
 * validation (images, scale bounds, traffic summing to 100, a template
 * changed without a new revision name).
 */
#include "dc.h"
#include "knative.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define WEBHOOK "admission webhook \"validation.webhook.serving.knative.dev\" denied the request: validation failed: "

static void capitalize_path(tt_buf *out, const char *k)
{
    tt_buf_putc(out, '.');
    tt_buf_putc(out, (char)((k[0] >= 'a' && k[0] <= 'z') ? k[0] - 32 : k[0]));
    tt_buf_puts(out, k + 1);
}

static void diff_json(tt_buf *out, const char *path, json_t *a, json_t *b)
{
    if (json_equal(a, b))
        return;
    if (json_is_object(a) && json_is_object(b)) {
        const char *k;
        json_t *v;
        json_object_foreach(a, k, v) {
            tt_buf p = TT_BUF_INIT;
            tt_buf_puts(&p, path);
            capitalize_path(&p, k);
            diff_json(out, p.data, v, json_object_get(b, k));
            tt_buf_free(&p);
        }
        json_object_foreach(b, k, v) {
            if (json_object_get(a, k))
                continue;
            tt_buf p = TT_BUF_INIT;
            tt_buf_puts(&p, path);
            capitalize_path(&p, k);
            diff_json(out, p.data, NULL, v);
            tt_buf_free(&p);
        }
        return;
    }
    if (json_is_array(a) && json_is_array(b) && json_array_size(a) == json_array_size(b)) {
        for (size_t i = 0; i < json_array_size(a); i++) {
            char *p = tt_asprintf("%s[%zu]", path, i);
            diff_json(out, p, json_array_get(a, i), json_array_get(b, i));
            free(p);
        }
        return;
    }
    char *sa = a ? json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    char *sb = b ? json_dumps(b, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    tt_buf_printf(out, "\n{*v1.RevisionTemplateSpec}%s:\n\t-: %s\n\t+: %s", path, sa ? sa : "<none>",
                  sb ? sb : "<none>");
    free(sa);
    free(sb);
}

static json_t *user_map(json_t *m)
{
    json_t *out = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(m, k, v)
        if (!tt_str_has_prefix(k, LBL))
            json_object_set(out, k, v);
    return out;
}

/* The comparable parts of a template (spec, user annotations and labels). */
static json_t *template_view(json_t *annotations, json_t *labels, json_t *spec)
{
    json_t *spec_view = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(spec, k, v) {
        bool rev_level = !strcmp(k, "containerConcurrency") || !strcmp(k, "timeoutSeconds") ||
                         !strcmp(k, "responseStartTimeoutSeconds") || !strcmp(k, "idleTimeoutSeconds");
        if (rev_level)
            json_object_set(spec_view, k, v);
        else {
            json_t *ps = json_object_get(spec_view, "podSpec");
            if (!ps) {
                ps = json_object();
                json_object_set_new(spec_view, "podSpec", ps);
            }
            json_object_set(ps, k, v);
        }
    }
    return json_pack("{s:{s:o, s:o}, s:o}", "objectMeta", "annotations", user_map(annotations),
                     "labels", user_map(labels), "spec", spec_view);
}

static bool webhook_fail(dc_fail *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool webhook_fail(dc_fail *f, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dc_fail_set(f, 400, "BadRequest", WEBHOOK "%s", msg);
    return false;
}

bool kn_default_and_validate(dc_resource *r, json_t *obj, json_t *old, dc_fail *f)
{
    if (r != DC_KSVC)
        return true;
    const char *name = dc_jstr(obj, "metadata.name");
    const char *ns = dc_jstr(obj, "metadata.namespace");
    json_t *tmpl = dc_jget(obj, "spec.template");
    if (!json_is_object(tmpl)) {
        tmpl = json_object();
        dc_jset(obj, "spec.template", tmpl);
    }
    json_t *containers = dc_jget(tmpl, "spec.containers");
    if (json_array_size(containers) == 0)
        return webhook_fail(f, "missing field(s): spec.template.spec.containers%s%s", "", "");
    size_t i;
    json_t *c;
    json_array_foreach(containers, i, c) {
        if (!dc_jstr(c, "image")) {
            char p[64];
            snprintf(p, sizeof p, "%zu", i);
            return webhook_fail(f, "missing field(s): spec.template.spec.containers[%s].image%s", p, "");
        }
        if (!dc_jstr(c, "name")) {
            if (json_array_size(containers) == 1) {
                json_object_set_new(c, "name", json_string("user-container"));
            } else {
                char *n = tt_asprintf("user-container-%zu", i);
                json_object_set_new(c, "name", json_string(n));
                free(n);
            }
        }
        if (!json_object_get(c, "resources"))
            json_object_set_new(c, "resources", json_object());
    }
    if (!json_object_get(json_object_get(tmpl, "spec"), "timeoutSeconds"))
        dc_jset(tmpl, "spec.timeoutSeconds", json_integer(300));
    if (!json_object_get(json_object_get(tmpl, "spec"), "containerConcurrency"))
        dc_jset(tmpl, "spec.containerConcurrency", json_integer(0));
    if (!json_object_get(json_object_get(tmpl, "spec"), "enableServiceLinks"))
        dc_jset(tmpl, "spec.enableServiceLinks", json_false());
    const char *tname = dc_jstr(tmpl, "metadata.name");
    if (tname) {
        char prefix[300];
        snprintf(prefix, sizeof prefix, "%s-", name);
        if (!tt_str_has_prefix(tname, prefix))
            return webhook_fail(f, "must have prefix \"%s\": spec.template.metadata.name%s", prefix, "");
    }
    json_t *tann = dc_jget(tmpl, "metadata.annotations");
    int minv = scale_ann(tann, "min", 0), maxv = scale_ann(tann, "max", 0);
    if (minv < 0)
        return webhook_fail(f, "expected 0 <= %s <= 2147483647: spec.template.metadata.annotations.autoscaling.knative.dev/min-scale%s", "min-scale", "");
    if (maxv > 0 && maxv < minv) {
        char a[32], b[32];
        snprintf(a, sizeof a, "%d", maxv);
        snprintf(b, sizeof b, "%d", minv);
        return webhook_fail(f, "max-scale=%s is less than min-scale=%s: spec.template.metadata.annotations.autoscaling.knative.dev/max-scale", a, b);
    }
    json_t *traffic = dc_jget(obj, "spec.traffic");
    if (json_array_size(traffic) == 0) {
        dc_jset(obj, "spec.traffic", json_pack("[{s:b, s:i}]", "latestRevision", 1, "percent", 100));
    } else {
        json_int_t sum = 0;
        json_t *t;
        json_array_foreach(traffic, i, t) {
            sum += json_integer_value(json_object_get(t, "percent"));
            if (dc_jstr(t, "revisionName") && !json_object_get(t, "latestRevision"))
                json_object_set_new(t, "latestRevision", json_false());
            if (!dc_jstr(t, "revisionName") && !json_object_get(t, "latestRevision"))
                json_object_set_new(t, "latestRevision", json_true());
        }
        if (sum != 100) {
            char s[32];
            snprintf(s, sizeof s, "%lld", (long long)sum);
            return webhook_fail(f, "Traffic targets sum to %s, want 100: spec.traffic%s", s, "");
        }
    }
    const char *creator = old ? json_string_value(json_object_get(dc_jget(old, "metadata.annotations"), LBL "creator")) : NULL;
    dc_jset_key(obj, "metadata.annotations", LBL "creator", json_string(creator ? creator : DEMO_USER));
    json_object_set_new(json_object_get(json_object_get(obj, "metadata"), "annotations"),
                        LBL "lastModifier", json_string(DEMO_USER));
    /* the revision name must change when the template changes */
    if (tname) {
        json_t *newv = template_view(tann, dc_jget(tmpl, "metadata.labels"), json_object_get(tmpl, "spec"));
        json_t *oldv = NULL;
        dc_object *rev = ns ? dc_store_get(DC_KREV, ns, tname) : NULL;
        if (rev && tt_streq(json_string_value(json_object_get(dc_jget(rev->obj, "metadata.labels"), LBL "configuration")), name)) {
            oldv = template_view(dc_jget(rev->obj, "metadata.annotations"),
                                 dc_jget(rev->obj, "metadata.labels"), json_object_get(rev->obj, "spec"));
        } else if (old && tt_streq(dc_jstr(old, "spec.template.metadata.name"), tname)) {
            json_t *ot = dc_jget(old, "spec.template");
            oldv = template_view(dc_jget(ot, "metadata.annotations"), dc_jget(ot, "metadata.labels"),
                                 json_object_get(ot, "spec"));
        }
        if (oldv) {
            tt_buf d = TT_BUF_INIT;
            diff_json(&d, "", oldv, newv);
            if (d.len) {
                /* paths come out as .ObjectMeta / .Spec.PodSpec */
                dc_fail_set(f, 400, "BadRequest",
                            WEBHOOK "Saw the following changes without a name change (-old +new): spec.template.metadata.name%s",
                            d.data);
                tt_buf_free(&d);
                json_decref(oldv);
                json_decref(newv);
                return false;
            }
            tt_buf_free(&d);
            json_decref(oldv);
        }
        json_decref(newv);
    }
    return true;
}
