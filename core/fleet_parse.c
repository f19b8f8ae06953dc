/*
 * What the fleet reads of each Knative object: a Revision or a Service as
 * the store's record (fleet_revision, fleet_service), and the field masks
 * (fleet_fields) that name exactly the fields read here and in fleet.c's
 * apply of namespaces and the pin, so a list decodes nothing else
 * (tests/ops/test_fleet_fields.c checks both ways). The store is fleet.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet_priv.h"
#include "tt_common.h"

/* ---- small JSON and time helpers ----------------------------------------- */

const json_t *fleet_find_condition(const json_t *obj, const char *type)
{
    const json_t *conds = json_object_get(json_object_get(obj, "status"), "conditions");
    size_t i;
    const json_t *c;
    json_array_foreach(conds, i, c) {
        if (tt_streq(jstr(c, "type"), type))
            return c;
    }
    return NULL;
}

static fleet_cond cond_status(const json_t *c)
{
    const char *s = jstr(c, "status");
    if (tt_streq(s, "True"))
        return FLEET_COND_TRUE;
    if (tt_streq(s, "False"))
        return FLEET_COND_FALSE;
    return FLEET_COND_UNKNOWN;
}

/* An int from a string annotation or a JSON number; -1 when absent/bad. */
static int parse_int_str(const char *s)
{
    if (!s || !*s)
        return -1;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < 0 || v > 1000000000L)
        return -1;
    return (int)v;
}

static int json_int_or(const json_t *v, int dflt)
{
    if (json_is_integer(v))
        return (int)json_integer_value(v);
    return dflt;
}

static int scale_annotation(const json_t *annotations, const char *hyphenated, const char *camel)
{
    int v = parse_int_str(jstr(annotations, hyphenated));
    if (v >= 0)
        return v;
    return parse_int_str(jstr(annotations, camel));
}

/* ---- revisions --------------------------------------------------------- */

/* A revision's name is the fleet's pooled copy (version points into it):
 * "stream-12" is the same in every model, so 200,000 revisions name a few
 * hundred strings, not 200,000 allocations. Its reason and message (each
 * may be NULL; a Ready revision has neither) share one allocation, owned
 * through the first that is set. */
void fleet_revision_clear(fleet_revision *r)
{
    free(r->reason ? r->reason : r->message);
    memset(r, 0, sizeof *r);
}

static void revision_strings(fleet *f, fleet_revision *r, const char *name, const char *reason,
                             const char *message, const char *service)
{
    r->name = (char *)fleet_intern(f, name);
    size_t lr = reason ? strlen(reason) + 1 : 0, lm = message ? strlen(message) + 1 : 0;
    if (lr + lm) {
        char *block = tt_malloc(lr + lm);
        r->reason = reason ? memcpy(block, reason, lr) : NULL;
        r->message = message ? memcpy(block + lr, message, lm) : NULL;
    }
    r->version = (char *)fleet_version_of(r->name, service);
}

void fleet_revision_parse(fleet *f, fleet_revision *r, const json_t *obj, const char *service)
{
    memset(r, 0, sizeof *r);
    const char *name = meta_str(obj, "name");
    const json_t *ready = fleet_find_condition(obj, "Ready");
    r->ready = cond_status(ready);
    const json_t *spec = json_object_get(obj, "spec");
    const json_t *c0 = json_array_get(json_object_get(spec, "containers"), 0);
    revision_strings(f, r, name ? name : "", jstr(ready, "reason"), jstr(ready, "message"),
                     service);
    r->image = fleet_intern(f, jstr(c0, "image"));
    const json_t *ann = json_object_get(json_object_get(obj, "metadata"), "annotations");
    r->min_scale = scale_annotation(ann, "autoscaling.knative.dev/min-scale",
                                    "autoscaling.knative.dev/minScale");
    r->max_scale = scale_annotation(ann, "autoscaling.knative.dev/max-scale",
                                    "autoscaling.knative.dev/maxScale");
    const json_t *status = json_object_get(obj, "status");
    r->image_digest = fleet_intern(
        f, jstr(json_array_get(json_object_get(status, "containerStatuses"), 0), "imageDigest"));
    r->actual_replicas = json_int_or(json_object_get(status, "actualReplicas"), -1);
    r->desired_replicas = json_int_or(json_object_get(status, "desiredReplicas"), -1);
    r->created = fleet_parse_rfc3339(meta_str(obj, "creationTimestamp"));
}

bool fleet_revision_equal(const fleet_revision *a, const fleet_revision *b)
{
    return tt_streq(a->name, b->name) && tt_streq(a->version, b->version) &&
           a->ready == b->ready && tt_streq(a->reason, b->reason) &&
           tt_streq(a->message, b->message) && tt_streq(a->image, b->image) &&
           tt_streq(a->image_digest, b->image_digest) &&
           a->min_scale == b->min_scale && a->max_scale == b->max_scale &&
           a->actual_replicas == b->actual_replicas &&
           a->desired_replicas == b->desired_replicas && a->created == b->created;
}

/* ---- services ------------------------------------------------------------ */

void fleet_service_clear_fields(fleet_service *s)
{
    free(s->reason);
    free(s->message);
    free(s->latest_created);
    free(s->latest_ready);
    free(s->url);
    free(s->template_name);
    for (size_t i = 0; i < s->n_traffic; i++) {
        free(s->traffic[i].revision);
        free(s->traffic[i].tag);
    }
    free(s->traffic);
    fleet_revision *revs = s->revisions;
    size_t n = s->n_revisions;
    memset(s, 0, sizeof *s);
    s->revisions = revs;
    s->n_revisions = n;
}

void fleet_service_free(fleet_service *s)
{
    for (size_t i = 0; i < s->n_revisions; i++)
        fleet_revision_clear(&s->revisions[i]);
    free(s->revisions);
    s->revisions = NULL;
    s->n_revisions = 0;
    fleet_service_clear_fields(s);
}

void fleet_service_parse(fleet *f, fleet_service *s, const json_t *obj)
{
    memset(s, 0, sizeof *s);
    s->present = true;
    const json_t *ready = fleet_find_condition(obj, "Ready");
    s->ready = cond_status(ready);
    s->reason = tt_strdup(jstr(ready, "reason"));
    s->message = tt_strdup(jstr(ready, "message"));
    const json_t *status = json_object_get(obj, "status");
    s->latest_created = tt_strdup(jstr(status, "latestCreatedRevisionName"));
    s->latest_ready = tt_strdup(jstr(status, "latestReadyRevisionName"));
    s->url = tt_strdup(jstr(status, "url"));
    s->created = fleet_parse_rfc3339(meta_str(obj, "creationTimestamp"));
    const json_t *tmpl = json_object_get(json_object_get(obj, "spec"), "template");
    const json_t *tmeta = json_object_get(tmpl, "metadata");
    s->template_name = tt_strdup(jstr(tmeta, "name"));
    const json_t *c0 =
        json_array_get(json_object_get(json_object_get(tmpl, "spec"), "containers"), 0);
    s->template_image = fleet_intern(f, jstr(c0, "image"));
    const json_t *args = json_object_get(c0, "args");
    for (size_t i = 1; i < json_array_size(args); i++) {
        const char *a = json_string_value(json_array_get(args, i));
        if (a && *a && a[0] != '-') {
            s->template_entrypoint = fleet_intern(f, a);
            break;
        }
    }
    const json_t *env_from = json_object_get(c0, "envFrom");
    for (size_t i = 0; i < json_array_size(env_from); i++)
        if (tt_streq(jstr(json_object_get(json_array_get(env_from, i), "secretRef"), "name"),
                     "api-keys"))
            s->template_api_keys = true;
    const json_t *tann = json_object_get(tmeta, "annotations");
    s->template_min_scale = scale_annotation(tann, "autoscaling.knative.dev/min-scale",
                                             "autoscaling.knative.dev/minScale");
    s->template_max_scale = scale_annotation(tann, "autoscaling.knative.dev/max-scale",
                                             "autoscaling.knative.dev/maxScale");
    /* on the Service's own metadata (Knative reads it there, not from the template) */
    s->rollout_duration =
        fleet_intern(f, jstr(json_object_get(json_object_get(obj, "metadata"), "annotations"),
                             "serving.knative.dev/rollout-duration"));
    const json_t *traffic = json_object_get(status, "traffic");
    if (!json_array_size(traffic))
        traffic = json_object_get(json_object_get(obj, "spec"), "traffic");
    size_t n = json_array_size(traffic);
    if (n == 0)
        return;
    s->traffic = tt_calloc(n, sizeof *s->traffic);
    s->n_traffic = n;
    for (size_t i = 0; i < n; i++) {
        const json_t *t = json_array_get(traffic, i);
        fleet_traffic *ft = &s->traffic[i];
        ft->latest_revision = json_is_true(json_object_get(t, "latestRevision"));
        const char *rev = jstr(t, "revisionName");
        if (!rev && ft->latest_revision)
            rev = s->latest_ready;
        ft->revision = tt_strdup(rev);
        ft->tag = tt_strdup(jstr(t, "tag"));
        ft->percent = json_int_or(json_object_get(t, "percent"), 0);
    }
}

bool fleet_service_fields_equal(const fleet_service *a, const fleet_service *b)
{
    if (a->present != b->present || a->ready != b->ready || !tt_streq(a->reason, b->reason) ||
        !tt_streq(a->message, b->message) || !tt_streq(a->latest_created, b->latest_created) ||
        !tt_streq(a->latest_ready, b->latest_ready) || !tt_streq(a->url, b->url) ||
        a->created != b->created || a->n_traffic != b->n_traffic ||
        !tt_streq(a->template_name, b->template_name) ||
        !tt_streq(a->template_image, b->template_image) ||
        a->template_min_scale != b->template_min_scale ||
        a->template_max_scale != b->template_max_scale ||
        !tt_streq(a->template_entrypoint, b->template_entrypoint) ||
        a->template_api_keys != b->template_api_keys ||
        !tt_streq(a->rollout_duration, b->rollout_duration))
        return false;
    for (size_t i = 0; i < a->n_traffic; i++) {
        const fleet_traffic *x = &a->traffic[i], *y = &b->traffic[i];
        if (!tt_streq(x->revision, y->revision) || !tt_streq(x->tag, y->tag) ||
            x->percent != y->percent || x->latest_revision != y->latest_revision)
            return false;
    }
    return true;
}

/* ---- the field masks ---------------------------------------------------------
 * What the parsers above and fleet.c's apply of namespaces and the pin
 * read: a field read there and missing here reads as absent from a list
 * (tests/ops/test_fleet_fields.c applies whole and reduced objects and
 * compares the fleets, and drops each path in turn). */

#define COND_FIELDS(prefix)                                                            \
    prefix "status.conditions[].type", prefix "status.conditions[].status",            \
        prefix "status.conditions[].reason", prefix "status.conditions[].message"
#define SCALE_FIELDS(at)                                                               \
    at ".\"autoscaling.knative.dev/min-scale\"", at ".\"autoscaling.knative.dev/minScale\"", \
        at ".\"autoscaling.knative.dev/max-scale\"", at ".\"autoscaling.knative.dev/maxScale\""
#define TRAFFIC_FIELDS(at)                                                             \
    at "[].revisionName", at "[].latestRevision", at "[].tag", at "[].percent"

static const char *const service_fields[] = {
    "metadata.namespace",
    "metadata.name",
    "metadata.creationTimestamp",
    "metadata.annotations.\"serving.knative.dev/rollout-duration\"",
    COND_FIELDS(""),
    "status.latestCreatedRevisionName",
    "status.latestReadyRevisionName",
    "status.url",
    TRAFFIC_FIELDS("status.traffic"),
    TRAFFIC_FIELDS("spec.traffic"),
    "spec.template.metadata.name",
    SCALE_FIELDS("spec.template.metadata.annotations"),
    "spec.template.spec.containers[].image",
    "spec.template.spec.containers[].args",
    "spec.template.spec.containers[].envFrom[].secretRef.name",
    NULL,
};

static const char *const revision_fields[] = {
    "metadata.namespace",
    "metadata.name",
    "metadata.creationTimestamp",
    "metadata.labels.\"serving.knative.dev/service\"",
    SCALE_FIELDS("metadata.annotations"),
    COND_FIELDS(""),
    "spec.containers[].image",
    "status.containerStatuses[].imageDigest",
    "status.actualReplicas",
    "status.desiredReplicas",
    NULL,
};

static const char *const namespace_fields[] = {
    "metadata.name",
    "metadata.deletionTimestamp",
    "status.phase",
    NULL,
};

static const char *const pin_fields[] = {
    "metadata.name",
    "config.latest_version",
    NULL,
};

const char *const *fleet_fields(fleet_kind kind)
{
    switch (kind) {
    case FLEET_KIND_SERVICE: return service_fields;
    case FLEET_KIND_REVISION: return revision_fields;
    case FLEET_KIND_NAMESPACE: return namespace_fields;
    case FLEET_KIND_PIN: return pin_fields;
    }
    return NULL;
}
