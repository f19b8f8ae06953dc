/*
 * fleet_fields (core/fleet.h) against kube_list_decode (k8s/kube_list_decode.h):
 * objects from the fixtures (the demo cluster's, the ops and fleet tests',
 * and edge cases: tagged traffic, failed conditions, both spellings of the
 * scale annotations, digests, deletionTimestamp, a terminating namespace,
 * the pin) are applied once whole and once as the list decoder keeps them
 * under the kind's mask; the fleets must be the same (the status JSON and
 * every field of the fleet's records). So a field fleet_apply starts to
 * read without adding it to the mask fails here, and so does a path of the
 * mask no fixture needs (each is dropped in turn and must change a fleet).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "fleet.h"
#include "kube_list_decode.h"
#include "tt_common.h"

typedef struct obj {
    fleet_kind kind;
    json_t *json;
} obj;

typedef struct objs {
    obj *v;
    size_t n;
} objs;

static bool kind_of(const char *k, fleet_kind *out)
{
    static const struct {
        const char *name;
        fleet_kind kind;
    } kinds[] = {{"Service", FLEET_KIND_SERVICE},
                 {"Revision", FLEET_KIND_REVISION},
                 {"Namespace", FLEET_KIND_NAMESPACE},
                 {"KongClusterPlugin", FLEET_KIND_PIN}};
    for (size_t i = 0; k && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(k, kinds[i].name) == 0) {
            *out = kinds[i].kind;
            return true;
        }
    return false;
}

static void add(objs *o, const json_t *j, const char *kind)
{
    const char *k = json_string_value(json_object_get(j, "kind"));
    fleet_kind fk = FLEET_KIND_SERVICE;
    if (!kind_of(k ? k : kind, &fk))
        fail_msg("fixture object of kind %s", k ? k : kind);
    o->v = tt_realloc(o->v, (o->n + 1) * sizeof *o->v);
    o->v[o->n++] = (obj){fk, json_incref((json_t *)j)};
}

/* A fixture: a List, one object, or {"services":[...],"revisions":...}. */
static void load(objs *o, const char *name)
{
    json_t *j = load_fixture_in(NULL, name);
    const char *kind = json_string_value(json_object_get(j, "kind"));
    size_t i;
    json_t *item;
    if (!kind) {
        const char *groups[] = {"services", "revisions", "namespaces", "pins"};
        for (size_t g = 0; g < 4; g++)
            json_array_foreach(json_object_get(j, groups[g]), i, item) add(o, item, NULL);
    } else if (tt_str_has_prefix(kind + strlen(kind) - 4, "List")) {
        char *k = tt_strndup(kind, strlen(kind) - 4);
        json_array_foreach(json_object_get(j, "items"), i, item) add(o, item, k);
        free(k);
    } else {
        add(o, j, NULL);
    }
    json_decref(j);
}

static void objs_free(objs *o)
{
    for (size_t i = 0; i < o->n; i++)
        json_decref(o->v[i].json);
    free(o->v);
}

static const char *const FIXTURES[] = {
    "core/fleet-fields-edge.json",       "core/fleet-fields-demo.json",
    "core/fleet-ksvc-list.json",         "core/fleet-revision-list.json",
    "core/fleet-namespace-list.json",    "core/fleet-pin.json",
    "ops/ksvc-list-v3.json",             "ops/revision-list-v3.json",
    "ops/live-ksvc-stream.json",         "ops/live-ksvc-validate.json",
    "ops/live-namespace-v3.json",        "ops/live-revision-stream-1.json",
    "ops/live-revision-validate-1.json", "ops/revision-stream-2-deploying.json",
    "ops/revision-stream-2-failed.json", "ops/revision-stream-2-new.json",
    "ops/revision-stream-2-ready.json",  "ops/pin.json",
};
#define N_FIXTURES (sizeof FIXTURES / sizeof FIXTURES[0])

/* ---- the fleet, every field of it ------------------------------------------ */

static void dump_traffic(tt_buf *b, const fleet_service *s)
{
    for (size_t i = 0; i < s->n_traffic; i++) {
        const fleet_traffic *t = &s->traffic[i];
        tt_buf_printf(b, "   traffic %s %s %d %d\n", t->revision ? t->revision : "-",
                      t->tag ? t->tag : "-", t->percent, t->latest_revision);
    }
}

#define S(x) ((x) ? (x) : "-")

static void dump_service(tt_buf *b, const char *name, const fleet_service *s)
{
    tt_buf_printf(b, "  %s present=%d ready=%d reason=%s message=%s created=%s/%s url=%s at=%lld\n",
                  name, s->present, (int)s->ready, S(s->reason), S(s->message),
                  S(s->latest_created), S(s->latest_ready), S(s->url), s->created);
    tt_buf_printf(b, "   template %s %s %d %d %s %d %s\n", S(s->template_name),
                  S(s->template_image), s->template_min_scale, s->template_max_scale,
                  S(s->template_entrypoint), s->template_api_keys, S(s->rollout_duration));
    dump_traffic(b, s);
    for (size_t i = 0; i < s->n_revisions; i++) {
        const fleet_revision *r = &s->revisions[i];
        tt_buf_printf(b, "   rev %s %s ready=%d %s %s %s %s scale=%d-%d replicas=%d/%d at=%lld %d%%\n",
                      r->name, S(r->version), (int)r->ready, S(r->reason), S(r->message),
                      S(r->image), S(r->image_digest), r->min_scale, r->max_scale,
                      r->actual_replicas, r->desired_replicas, r->created, r->traffic_percent);
    }
}

static int to_buf(const char *text, size_t len, void *ud)
{
    tt_buf_append(ud, text, len);
    return 0;
}

/* The status JSON and every field of every record. Caller frees. */
static char *fleet_text(const fleet *f)
{
    tt_buf b = TT_BUF_INIT;
    assert_int_equal(fleet_status_json_dump(f, NULL, to_buf, &b), 0);
    tt_buf_printf(&b, "\npin=%s\n", S(fleet_pinned_model(f)));
    for (size_t i = 0; i < fleet_model_count(f); i++) {
        const fleet_model *m = fleet_model_at(f, i);
        tt_buf_printf(&b, "model %s pinned=%d terminating=%d created=%lld\n", m->name,
                      m->pinned_latest, m->terminating, m->created);
        dump_service(&b, "stream", &m->stream);
        dump_service(&b, "validate", &m->validate);
    }
    char *out = tt_strdup(b.data ? b.data : "");
    tt_buf_free(&b);
    return out;
}

/* ---- whole and reduced --------------------------------------------------------- */

static int keep_one(const json_t *item, void *ud)
{
    json_t **out = ud;
    assert_null(*out);
    *out = json_incref((json_t *)item);
    return 0;
}

/* o as a List page's only item, decoded under fields. New reference. */
static json_t *reduce(const json_t *o, const char *const *fields)
{
    char *text = json_dumps(o, JSON_COMPACT);
    char *page = tt_asprintf("{\"kind\":\"List\",\"items\":[%s],\"metadata\":{}}", text);
    tt_error err;
    tt_error_clear(&err);
    kube_field_mask *m = kube_field_mask_new(fields, &err);
    assert_non_null(m);
    json_t *item = NULL;
    if (kube_list_decode(page, strlen(page), m, "objects", keep_one, &item, NULL, &err) != 0)
        fail_msg("%s", err.message);
    kube_field_mask_free(m);
    free(page);
    free(text);
    assert_non_null(item);
    return item;
}

/* The fleet of objs applied whole (drop < 0: no mask at all), or reduced
 * under each kind's mask, without the path drop of kind drop_kind. */
static char *fleet_of(const objs *o, int drop_kind, long drop)
{
    fleet *f = fleet_new();
    for (size_t i = 0; i < o->n; i++) {
        if (drop_kind == -2) {
            fleet_apply(f, o->v[i].kind, o->v[i].json, false);
            continue;
        }
        const char *const *fields = fleet_fields(o->v[i].kind);
        const char *less[64];
        size_t n = 0;
        for (size_t k = 0; fields[k]; k++) {
            assert_true(n < 63);
            if ((int)o->v[i].kind != drop_kind || (long)k != drop)
                less[n++] = fields[k];
        }
        less[n] = NULL;
        json_t *r = reduce(o->v[i].json, less);
        fleet_apply(f, o->v[i].kind, r, false);
        json_decref(r);
    }
    char *text = fleet_text(f);
    fleet_free(f);
    return text;
}

#define WHOLE -2
#define MASKED -1

static void each_fixture_gives_the_same_fleet_whole_and_masked(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_FIXTURES; i++) {
        objs o = {0};
        load(&o, FIXTURES[i]);
        assert_true(o.n > 0);
        char *whole = fleet_of(&o, WHOLE, 0), *masked = fleet_of(&o, MASKED, 0);
        if (strcmp(whole, masked) != 0)
            fail_msg("%s: the fleets differ\n--- whole\n%s\n--- masked\n%s", FIXTURES[i], whole,
                     masked);
        free(whole);
        free(masked);
        objs_free(&o);
    }
}

static void all_fixtures_together_give_the_same_fleet(void **state)
{
    (void)state;
    objs o = {0};
    for (size_t i = 0; i < N_FIXTURES; i++)
        load(&o, FIXTURES[i]);
    char *whole = fleet_of(&o, WHOLE, 0), *masked = fleet_of(&o, MASKED, 0);
    assert_string_equal(whole, masked);
    /* the edge cases reached the fleet */
    assert_non_null(strstr(whole, "traffic stream-6 canary 10 0"));
    assert_non_null(strstr(whole, "model edge-c pinned=0 terminating=1"));
    assert_non_null(strstr(whole, "model edge-b pinned=0 terminating=1"));
    assert_non_null(strstr(whole, "template stream-6 europe-docker.pkg.dev/p/tts/speech-api-worker:v6 "
                                  "2 12 src.service.worker:app 1 380s"));
    free(whole);
    free(masked);
    objs_free(&o);
}

/* Each path of each kind's mask, dropped, changes the fleet of the
 * fixtures: no path is dead weight, and the fixtures exercise all. */
static void every_path_of_every_mask_is_needed(void **state)
{
    (void)state;
    objs o = {0};
    for (size_t i = 0; i < N_FIXTURES; i++)
        load(&o, FIXTURES[i]);
    char *whole = fleet_of(&o, WHOLE, 0);
    for (int kind = FLEET_KIND_SERVICE; kind <= FLEET_KIND_PIN; kind++) {
        const char *const *fields = fleet_fields((fleet_kind)kind);
        assert_non_null(fields);
        for (long k = 0; fields[k]; k++) {
            char *less = fleet_of(&o, kind, k);
            if (strcmp(whole, less) == 0)
                fail_msg("kind %d: without \"%s\" the fleet is the same", kind, fields[k]);
            free(less);
        }
    }
    free(whole);
    objs_free(&o);
}

/* The mask keeps a revision of the demo cluster to a small part of it. */
static void the_masks_keep_a_small_part_of_each_object(void **state)
{
    (void)state;
    objs o = {0};
    load(&o, "core/fleet-fields-demo.json");
    for (size_t i = 0; i < o.n; i++) {
        json_t *r = reduce(o.v[i].json, fleet_fields(o.v[i].kind));
        char *a = json_dumps(o.v[i].json, JSON_COMPACT), *b = json_dumps(r, JSON_COMPACT);
        if (o.v[i].kind == FLEET_KIND_SERVICE || o.v[i].kind == FLEET_KIND_REVISION)
            assert_true(strlen(b) * 2 < strlen(a));
        assert_null(json_object_get(json_object_get(r, "metadata"), "managedFields"));
        free(a);
        free(b);
        json_decref(r);
    }
    objs_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_fixture_gives_the_same_fleet_whole_and_masked),
        cmocka_unit_test(all_fixtures_together_give_the_same_fleet),
        cmocka_unit_test(every_path_of_every_mask_is_needed),
        cmocka_unit_test(the_masks_keep_a_small_part_of_each_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
