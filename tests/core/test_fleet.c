/* The fleet model built from list and watch objects (core/fleet.h): models,
 * revisions and services, pins, traffic, versions, relists and deletes,
 * the rollout duration, scale. What a service serves: test_fleet_serving.c;
 * the status JSON: test_fleet_json.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "support/fixture.h"
#include "support/fleet_fixture.h"
#include "tt_common.h"

/* The item of a fixture list with this namespace and name (new reference). */
static json_t *fixture_item(const char *fixture, const char *ns, const char *name)
{
    json_t *list = load_fixture(fixture);
    size_t i;
    json_t *item, *found = NULL;
    json_array_foreach(json_object_get(list, "items"), i, item) {
        json_t *md = json_object_get(item, "metadata");
        const char *ins = json_string_value(json_object_get(md, "namespace"));
        if ((!ns || tt_streq(ins, ns)) &&
            tt_streq(json_string_value(json_object_get(md, "name")), name))
            found = json_deep_copy(item);
    }
    json_decref(list);
    assert_non_null(found);
    return found;
}

static const fleet_revision *find_rev(const fleet_service *s, const char *name)
{
    for (size_t i = 0; i < s->n_revisions; i++)
        if (tt_streq(s->revisions[i].name, name))
            return &s->revisions[i];
    return NULL;
}

static void models_are_sorted_and_plain_namespaces_are_not_models(void **state)
{
    fleet *f = *state;
    const char *want[] = {"beta", "old", "orphan", "v3", "v9"};
    assert_int_equal(fleet_model_count(f), TT_ARRAY_LEN(want));
    for (size_t i = 0; i < TT_ARRAY_LEN(want); i++)
        assert_string_equal(fleet_model_at(f, i)->name, want[i]);
    assert_null(fleet_model_at(f, 5));
    assert_null(fleet_find(f, "kube-system"));
    assert_null(fleet_find(f, "kong")); /* a service that is neither stream nor validate */
}

static void revision_fields_come_from_the_object(void **state)
{
    const fleet_model *m = fleet_find(*state, "v3");
    assert_non_null(m);
    const fleet_revision *r = find_rev(&m->stream, "stream-2");
    assert_non_null(r);
    assert_string_equal(r->version, "2");
    assert_int_equal(r->ready, FLEET_COND_TRUE);
    assert_true(tt_str_has_suffix(r->image, "@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));
    assert_int_equal(r->actual_replicas, 1);
    assert_int_equal(r->desired_replicas, 1);
    assert_int_equal(r->created, fleet_parse_rfc3339("2024-05-02T11:30:00Z"));
    assert_int_equal(r->traffic_percent, 100);
    const fleet_revision *old = find_rev(&m->stream, "stream-1");
    assert_int_equal(old->traffic_percent, 0);
    assert_int_equal(old->actual_replicas, 0);
    assert_int_equal(old->min_scale, 0);
    assert_int_equal(old->max_scale, 32);
}

static void hyphenated_scale_annotation_wins_over_camel_case(void **state)
{
    const fleet_revision *r = find_rev(&fleet_find(*state, "v3")->stream, "stream-2");
    assert_int_equal(r->min_scale, 1);  /* min-scale=1 beats minScale=0 */
    assert_int_equal(r->max_scale, 16); /* only maxScale set */
}

static void missing_replicas_are_minus_one(void **state)
{
    const fleet_revision *r = find_rev(&fleet_find(*state, "v9")->stream, "stream-4");
    assert_int_equal(r->actual_replicas, -1);
    assert_int_equal(r->desired_replicas, -1);
}

static void revisions_are_newest_first(void **state)
{
    const fleet_service *s = &fleet_find(*state, "v9")->stream;
    assert_int_equal(s->n_revisions, 3);
    assert_string_equal(s->revisions[0].name, "stream-4");
    assert_string_equal(s->revisions[1].name, "stream-3");
    assert_string_equal(s->revisions[2].name, "stream-10-hotfix");
    assert_string_equal(s->revisions[2].version, "10-hotfix");
}

static void revision_ready_comes_from_the_ready_condition(void **state)
{
    const fleet_model *m = fleet_find(*state, "beta");
    const fleet_revision *r = find_rev(&m->validate, "validate-rc2");
    assert_int_equal(r->ready, FLEET_COND_FALSE);
    assert_string_equal(r->reason, "ContainerMissing");
    assert_string_equal(r->message, "Unable to fetch image");
    assert_int_equal(m->validate.ready, FLEET_COND_FALSE);
    assert_string_equal(m->validate.reason, "RevisionFailed");
    assert_false(fleet_model_ready(m));
}

static void service_fields_come_from_status(void **state)
{
    const fleet_model *m = fleet_find(*state, "v3");
    assert_true(m->stream.present);
    assert_int_equal(m->stream.ready, FLEET_COND_TRUE);
    assert_string_equal(m->stream.latest_ready, "stream-2");
    assert_string_equal(m->stream.latest_created, "stream-2");
    assert_string_equal(m->stream.url, "http://stream.v3.svc.cluster.local");
    assert_int_equal(m->stream.n_traffic, 1);
    assert_true(m->stream.traffic[0].latest_revision);
    assert_string_equal(m->stream.traffic[0].revision, "stream-2");
    assert_int_equal(m->created, fleet_parse_rfc3339("2024-05-01T10:00:00Z"));
    assert_true(fleet_model_ready(m));
    assert_ptr_equal(fleet_model_service(m, "validate"), &m->validate);
    assert_null(fleet_model_service(m, "other"));
}

static void a_revision_alone_makes_a_model(void **state)
{
    const fleet_model *m = fleet_find(*state, "orphan");
    assert_non_null(m);
    assert_false(m->stream.present);
    assert_false(m->validate.present);
    assert_int_equal(m->stream.n_revisions, 1);
    /* 2024-02-01T00:00:00+01:00 */
    assert_int_equal(m->stream.revisions[0].created, fleet_parse_rfc3339("2024-01-31T23:00:00Z"));
}

static void terminating_namespace_marks_its_model(void **state)
{
    assert_true(fleet_find(*state, "old")->terminating);
    assert_false(fleet_find(*state, "v3")->terminating);
}

static void namespace_phase_change_updates_model(void **state)
{
    fleet *f = *state;
    json_t *ns = fixture_item("fleet-namespace-list.json", NULL, "v3");
    json_object_set_new(json_object_get(ns, "status"), "phase", json_string("Terminating"));
    uint64_t gen = fleet_generation(f);
    fleet_apply(f, FLEET_KIND_NAMESPACE, ns, false);
    assert_true(fleet_find(f, "v3")->terminating);
    assert_true(fleet_generation(f) > gen);
    fleet_apply(f, FLEET_KIND_NAMESPACE, ns, true);
    assert_false(fleet_find(f, "v3")->terminating);
    json_decref(ns);
}

static void pin_marks_one_model_and_moves(void **state)
{
    fleet *f = *state;
    assert_true(fleet_find(f, "v9")->pinned_latest);
    assert_false(fleet_find(f, "v3")->pinned_latest);
    assert_string_equal(fleet_pinned_model(f), "v9");
    json_t *pin = load_fixture("fleet-pin.json");
    json_object_set_new(json_object_get(pin, "config"), "latest_version", json_string("v3"));
    fleet_apply(f, FLEET_KIND_PIN, pin, false);
    assert_false(fleet_find(f, "v9")->pinned_latest);
    assert_true(fleet_find(f, "v3")->pinned_latest);
    fleet_apply(f, FLEET_KIND_PIN, pin, true);
    assert_false(fleet_find(f, "v3")->pinned_latest);
    assert_null(fleet_pinned_model(f));
    json_decref(pin);
}

static void pin_with_another_name_is_ignored(void **state)
{
    fleet *f = *state;
    json_t *pin = load_fixture("fleet-pin.json");
    json_object_set_new(json_object_get(pin, "metadata"), "name", json_string("something-else"));
    json_object_set_new(json_object_get(pin, "config"), "latest_version", json_string("v3"));
    fleet_apply(f, FLEET_KIND_PIN, pin, false);
    assert_string_equal(fleet_pinned_model(f), "v9");
    json_decref(pin);
}

static void pin_applied_before_model_exists_marks_it_later(void **state)
{
    (void)state;
    fleet *f = fleet_new();
    json_t *pin = load_fixture("fleet-pin.json");
    fleet_apply(f, FLEET_KIND_PIN, pin, false);
    apply_list(f, FLEET_KIND_SERVICE, "fleet-ksvc-list.json");
    assert_true(fleet_find(f, "v9")->pinned_latest);
    json_decref(pin);
    fleet_free(f);
}

static void traffic_pinned_to_older_revision_is_detected(void **state)
{
    const fleet_model *v9 = fleet_find(*state, "v9");
    assert_true(fleet_service_traffic_pinned(&v9->stream));
    assert_false(fleet_service_traffic_pinned(&v9->validate));
    assert_false(fleet_service_traffic_pinned(&fleet_find(*state, "v3")->stream));
    assert_int_equal(find_rev(&v9->stream, "stream-3")->traffic_percent, 100);
    assert_int_equal(find_rev(&v9->stream, "stream-4")->traffic_percent, 0);
    assert_string_equal(v9->stream.traffic[1].tag, "candidate");
}

static void spec_traffic_latest_revision_resolves_to_latest_ready(void **state)
{
    (void)state;
    fleet *f = fleet_new();
    json_t *svc = fixture_item("fleet-ksvc-list.json", "v3", "stream");
    json_object_del(json_object_get(svc, "status"), "traffic");
    fleet_apply(f, FLEET_KIND_SERVICE, svc, false);
    const fleet_service *s = &fleet_find(f, "v3")->stream;
    assert_int_equal(s->n_traffic, 1);
    assert_true(s->traffic[0].latest_revision);
    assert_string_equal(s->traffic[0].revision, "stream-2");
    assert_false(fleet_service_traffic_pinned(s));
    json_decref(svc);
    fleet_free(f);
}

static void revisions_arriving_before_service_get_traffic_later(void **state)
{
    (void)state;
    fleet *f = fleet_new();
    apply_list(f, FLEET_KIND_REVISION, "fleet-revision-list.json");
    assert_int_equal(find_rev(&fleet_find(f, "v3")->stream, "stream-2")->traffic_percent, 0);
    apply_list(f, FLEET_KIND_SERVICE, "fleet-ksvc-list.json");
    assert_int_equal(find_rev(&fleet_find(f, "v3")->stream, "stream-2")->traffic_percent, 100);
    fleet_free(f);
}

static void versions_differ_between_stream_and_validate(void **state)
{
    assert_true(fleet_model_versions_differ(fleet_find(*state, "v9")));
    assert_false(fleet_model_versions_differ(fleet_find(*state, "v3")));
    assert_false(fleet_model_versions_differ(fleet_find(*state, "beta"))); /* no stream */
}

static void next_version_is_highest_numeric_plus_one(void **state)
{
    char *v = fleet_next_version(fleet_find(*state, "v3"));
    assert_string_equal(v, "3");
    free(v);
    v = fleet_next_version(fleet_find(*state, "v9")); /* 10-hotfix is not numeric */
    assert_string_equal(v, "5");
    free(v);
    v = fleet_next_version(fleet_find(*state, "beta")); /* rc1, rc2 only */
    assert_string_equal(v, "1");
    free(v);
    v = fleet_next_version(NULL);
    assert_string_equal(v, "1");
    free(v);
}

/* An image named by many revisions (and templates) is held once. */
static void revisions_share_one_copy_of_an_image(void **state)
{
    const fleet_model *m = fleet_find(*state, "v3");
    const fleet_revision *s1 = find_rev(&m->stream, "stream-1");
    const fleet_revision *v1 = find_rev(&m->validate, "validate-1");
    const fleet_revision *s2 = find_rev(&m->stream, "stream-2");
    const fleet_revision *v2 = find_rev(&m->validate, "validate-2");
    assert_non_null(s1);
    assert_non_null(v1);
    assert_non_null(s2);
    assert_non_null(v2);
    assert_string_equal(s1->image, IMG1);
    assert_ptr_equal(s1->image, v1->image);
    assert_ptr_equal(s1->image, m->stream.template_image);
    assert_ptr_equal(s1->image, m->validate.template_image);
    assert_string_not_equal(s2->image, IMG1);
    assert_ptr_equal(s2->image, v2->image);
}

static void relist_sweeps_what_was_not_seen(void **state)
{
    fleet *f = *state;
    json_t *list = load_fixture("fleet-revision-list.json");
    fleet_begin_relist(f, FLEET_KIND_REVISION);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(list, "items"), i, item) {
        json_t *md = json_object_get(item, "metadata");
        const char *name = json_string_value(json_object_get(md, "name"));
        const char *ns = json_string_value(json_object_get(md, "namespace"));
        if (tt_streq(ns, "orphan") || (tt_streq(ns, "v3") && tt_streq(name, "stream-1")))
            continue;
        fleet_apply(f, FLEET_KIND_REVISION, item, false);
    }
    uint64_t gen = fleet_generation(f);
    fleet_sweep(f, FLEET_KIND_REVISION);
    assert_true(fleet_generation(f) > gen);
    assert_null(fleet_find(f, "orphan"));
    const fleet_service *s = &fleet_find(f, "v3")->stream;
    assert_int_equal(s->n_revisions, 1);
    assert_string_equal(s->revisions[0].name, "stream-2");
    assert_int_equal(fleet_find(f, "v9")->stream.n_revisions, 3);
    json_decref(list);
}

static void relist_of_services_keeps_models_with_revisions(void **state)
{
    fleet *f = *state;
    json_t *list = load_fixture("fleet-ksvc-list.json");
    fleet_begin_relist(f, FLEET_KIND_SERVICE);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(list, "items"), i, item) {
        const char *ns = json_string_value(json_object_get(json_object_get(item, "metadata"), "namespace"));
        if (!tt_streq(ns, "old"))
            fleet_apply(f, FLEET_KIND_SERVICE, item, false);
    }
    fleet_sweep(f, FLEET_KIND_SERVICE);
    const fleet_model *old = fleet_find(f, "old");
    assert_non_null(old); /* its revision stream-1 is still listed */
    assert_false(old->stream.present);
    assert_int_equal(old->stream.n_revisions, 1);
    /* Then the revisions relist without it drops the model. */
    fleet_begin_relist(f, FLEET_KIND_REVISION);
    fleet_sweep(f, FLEET_KIND_REVISION);
    assert_int_equal(fleet_model_count(f), 3); /* beta, v3, v9: they have services */
    assert_null(fleet_find(f, "old"));
    assert_null(fleet_find(f, "orphan"));
    assert_int_equal(fleet_find(f, "v3")->stream.n_revisions, 0);
    json_decref(list);
}

static void relist_of_namespaces_and_pin(void **state)
{
    fleet *f = *state;
    fleet_begin_relist(f, FLEET_KIND_NAMESPACE);
    fleet_sweep(f, FLEET_KIND_NAMESPACE);
    assert_false(fleet_find(f, "old")->terminating);
    fleet_begin_relist(f, FLEET_KIND_PIN);
    fleet_sweep(f, FLEET_KIND_PIN);
    assert_false(fleet_find(f, "v9")->pinned_latest);
}

static void sweep_without_begin_changes_nothing(void **state)
{
    fleet *f = *state;
    uint64_t gen = fleet_generation(f);
    fleet_sweep(f, FLEET_KIND_REVISION);
    assert_int_equal(fleet_generation(f), gen);
    assert_int_equal(fleet_model_count(f), 5);
}

static void deleting_service_keeps_revisions_until_they_go(void **state)
{
    fleet *f = *state;
    json_t *svc = fixture_item("fleet-ksvc-list.json", "old", "stream");
    fleet_apply(f, FLEET_KIND_SERVICE, svc, true);
    const fleet_model *old = fleet_find(f, "old");
    assert_non_null(old);
    assert_false(old->stream.present);
    assert_null(old->stream.url);
    json_t *rev = fixture_item("fleet-revision-list.json", "old", "stream-1");
    fleet_apply(f, FLEET_KIND_REVISION, rev, true);
    assert_null(fleet_find(f, "old"));
    json_decref(svc);
    json_decref(rev);
}

static void delete_without_timestamp_still_finds_revision(void **state)
{
    fleet *f = *state;
    json_t *rev = json_pack("{s:{s:s, s:s, s:{s:s}}}", "metadata", "name", "stream-3",
                            "namespace", "v9", "labels", "serving.knative.dev/service", "stream");
    fleet_apply(f, FLEET_KIND_REVISION, rev, true);
    assert_null(find_rev(&fleet_find(f, "v9")->stream, "stream-3"));
    assert_int_equal(fleet_find(f, "v9")->stream.n_revisions, 2);
    json_decref(rev);
}

static void identical_reapply_does_not_bump_generation(void **state)
{
    fleet *f = *state;
    uint64_t gen = fleet_generation(f);
    apply_list(f, FLEET_KIND_SERVICE, "fleet-ksvc-list.json");
    apply_list(f, FLEET_KIND_REVISION, "fleet-revision-list.json");
    assert_int_equal(fleet_generation(f), gen);
    json_t *rev = fixture_item("fleet-revision-list.json", "v3", "stream-2");
    json_object_set_new(json_object_get(rev, "status"), "actualReplicas", json_integer(3));
    fleet_apply(f, FLEET_KIND_REVISION, rev, false);
    assert_true(fleet_generation(f) > gen);
    assert_int_equal(find_rev(&fleet_find(f, "v3")->stream, "stream-2")->actual_replicas, 3);
    assert_int_equal(fleet_find(f, "v3")->stream.n_revisions, 2);
    json_decref(rev);
}

/* serving.knative.dev/rollout-duration: read from the Service's own
 * metadata only (not the template's, not a key that only resembles it);
 * a change of it alone is a change; JSON rolloutDuration per service. */
static void set_annotation(json_t *meta, const char *key, const char *value)
{
    if (!json_object_get(meta, "annotations"))
        json_object_set_new(meta, "annotations", json_object());
    json_object_set_new(json_object_get(meta, "annotations"), key, json_string(value));
}

static void rollout_duration_from_service_metadata(void **state)
{
    fleet *f = *state;
    for (size_t i = 0; i < fleet_model_count(f); i++) {
        assert_null(fleet_model_at(f, i)->stream.rollout_duration);
        assert_null(fleet_model_at(f, i)->validate.rollout_duration);
    }
    json_t *svc = fixture_item("fleet-ksvc-list.json", "v3", "stream");
    json_t *md = json_object_get(svc, "metadata");
    json_t *tmeta = json_object_get(json_object_get(json_object_get(svc, "spec"), "template"),
                                    "metadata");
    /* the template's annotation and look-alike keys are not it */
    set_annotation(tmeta, "serving.knative.dev/rollout-duration", "120s");
    set_annotation(md, "serving.knative.dev/rollout-duration-max", "60s");
    set_annotation(md, "rollout-duration", "61s");
    set_annotation(md, "serving.knative.dev/rollout-duratio", "62s");
    fleet_apply(f, FLEET_KIND_SERVICE, svc, false);
    assert_null(fleet_find(f, "v3")->stream.rollout_duration);

    uint64_t gen = fleet_generation(f);
    set_annotation(md, "serving.knative.dev/rollout-duration", "380s");
    fleet_apply(f, FLEET_KIND_SERVICE, svc, false);
    assert_true(fleet_generation(f) > gen);
    assert_string_equal(fleet_find(f, "v3")->stream.rollout_duration, "380s");
    assert_null(fleet_find(f, "v3")->validate.rollout_duration);
    assert_null(fleet_find(f, "beta")->stream.rollout_duration);

    json_t *arr = fleet_status_json(f, "v3");
    json_t *services = json_object_get(json_array_get(arr, 0), "services");
    assert_string_equal(json_string_value(json_object_get(json_object_get(services, "stream"),
                                                          "rolloutDuration")),
                        "380s");
    assert_true(json_is_null(json_object_get(json_object_get(services, "validate"),
                                             "rolloutDuration")));
    json_decref(arr);

    /* a changed value, then the annotation removed */
    gen = fleet_generation(f);
    set_annotation(md, "serving.knative.dev/rollout-duration", "381s");
    fleet_apply(f, FLEET_KIND_SERVICE, svc, false);
    assert_true(fleet_generation(f) > gen);
    assert_string_equal(fleet_find(f, "v3")->stream.rollout_duration, "381s");
    gen = fleet_generation(f);
    json_object_del(json_object_get(md, "annotations"), "serving.knative.dev/rollout-duration");
    fleet_apply(f, FLEET_KIND_SERVICE, svc, false);
    assert_true(fleet_generation(f) > gen);
    assert_null(fleet_find(f, "v3")->stream.rollout_duration);
    json_decref(svc);
}

static void rfc3339_parses_and_formats(void **state)
{
    (void)state;
    assert_int_equal(fleet_parse_rfc3339("1970-01-01T00:01:00Z"), 60);
    assert_int_equal(fleet_parse_rfc3339("1970-01-01T01:00:00.5+01:00"), 0);
    assert_int_equal(fleet_parse_rfc3339("not a time"), 0);
    assert_int_equal(fleet_parse_rfc3339(NULL), 0);
    char out[32];
    fleet_format_rfc3339(1714557600, out);
    assert_string_equal(out, "2024-05-01T10:00:00Z");
}

/* Time bounds are for a normal build; scripts/test.sh --valgrind sets
 * TTSTUI_TEST_SLOWDOWN (memcheck runs code some 20-50 times slower). */
static long long slowdown(void)
{
    const char *s = getenv("TTSTUI_TEST_SLOWDOWN");
    long long v = s ? atoll(s) : 1;
    return v > 1 ? v : 1;
}

/* 5,000 models x 2 services x 20 revisions, applied in the worst order for
 * a sorted insert (newest last), end up complete and in order. The time is
 * printed, not asserted (bench/run.sh measures); a quadratic algorithm would
 * show up as a test that runs into ctest's time limit. */
static void scales_to_two_hundred_thousand_revisions(void **state)
{
    (void)state;
    fleet *f = fleet_new();
    json_t *rev = json_pack("{s:{s:s, s:s, s:s, s:{s:s}}, s:{s:[{s:s}]}, s:{s:[{s:s, s:s}]}}",
                            "metadata", "name", "x", "namespace", "x", "creationTimestamp", "x",
                            "labels", "serving.knative.dev/service", "stream", "spec",
                            "containers", "image", "img", "status", "conditions", "type",
                            "Ready", "status", "True");
    json_t *md = json_object_get(rev, "metadata");
    json_t *labels = json_object_get(md, "labels");
    long long start = tt_now_ms();
    char buf[64];
    /* memcheck checks memory, not speed: a tenth of the models there keeps
     * the test inside ctest's time limit */
    int models = slowdown() > 1 ? 500 : 5000;
    for (int m = models - 1; m >= 0; m--) {
        snprintf(buf, sizeof buf, "model-%04d", m);
        json_object_set_new(md, "namespace", json_string(buf));
        for (int s = 0; s < 2; s++) {
            const char *svc = s ? "validate" : "stream";
            json_object_set_new(labels, "serving.knative.dev/service", json_string(svc));
            for (int v = 1; v <= 20; v++) {
                snprintf(buf, sizeof buf, "%s-%d", svc, v);
                json_object_set_new(md, "name", json_string(buf));
                snprintf(buf, sizeof buf, "2024-01-01T00:%02d:00Z", v);
                json_object_set_new(md, "creationTimestamp", json_string(buf));
                fleet_apply(f, FLEET_KIND_REVISION, rev, false);
            }
        }
    }
    long long elapsed = tt_now_ms() - start;
    assert_int_equal(fleet_model_count(f), (size_t)models);
    const fleet_model *m = fleet_find(f, "model-0250");
    assert_int_equal(m->validate.n_revisions, 20);
    assert_string_equal(m->validate.revisions[0].name, "validate-20");
    assert_string_equal(fleet_model_at(f, 0)->name, "model-0000");
    char *next = fleet_next_version(m);
    assert_string_equal(next, "21");
    free(next);
    print_message("%d models x 2 x 20 revisions applied in %lld ms\n", models, elapsed);
    json_decref(rev);
    fleet_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(models_are_sorted_and_plain_namespaces_are_not_models, setup, teardown),
        cmocka_unit_test_setup_teardown(revision_fields_come_from_the_object, setup, teardown),
        cmocka_unit_test_setup_teardown(hyphenated_scale_annotation_wins_over_camel_case, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_replicas_are_minus_one, setup, teardown),
        cmocka_unit_test_setup_teardown(revisions_are_newest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(revision_ready_comes_from_the_ready_condition, setup, teardown),
        cmocka_unit_test_setup_teardown(service_fields_come_from_status, setup, teardown),
        cmocka_unit_test_setup_teardown(a_revision_alone_makes_a_model, setup, teardown),
        cmocka_unit_test_setup_teardown(terminating_namespace_marks_its_model, setup, teardown),
        cmocka_unit_test_setup_teardown(namespace_phase_change_updates_model, setup, teardown),
        cmocka_unit_test_setup_teardown(pin_marks_one_model_and_moves, setup, teardown),
        cmocka_unit_test_setup_teardown(pin_with_another_name_is_ignored, setup, teardown),
        cmocka_unit_test(pin_applied_before_model_exists_marks_it_later),
        cmocka_unit_test_setup_teardown(traffic_pinned_to_older_revision_is_detected, setup, teardown),
        cmocka_unit_test(spec_traffic_latest_revision_resolves_to_latest_ready),
        cmocka_unit_test(revisions_arriving_before_service_get_traffic_later),
        cmocka_unit_test_setup_teardown(versions_differ_between_stream_and_validate, setup, teardown),
        cmocka_unit_test_setup_teardown(next_version_is_highest_numeric_plus_one, setup, teardown),
        cmocka_unit_test_setup_teardown(revisions_share_one_copy_of_an_image, setup, teardown),
        cmocka_unit_test_setup_teardown(relist_sweeps_what_was_not_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(relist_of_services_keeps_models_with_revisions, setup, teardown),
        cmocka_unit_test_setup_teardown(relist_of_namespaces_and_pin, setup, teardown),
        cmocka_unit_test_setup_teardown(sweep_without_begin_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(deleting_service_keeps_revisions_until_they_go, setup, teardown),
        cmocka_unit_test_setup_teardown(delete_without_timestamp_still_finds_revision, setup, teardown),
        cmocka_unit_test_setup_teardown(identical_reapply_does_not_bump_generation, setup, teardown),
        cmocka_unit_test_setup_teardown(rollout_duration_from_service_metadata, setup, teardown),
        cmocka_unit_test(rfc3339_parses_and_formats),
        cmocka_unit_test(scales_to_two_hundred_thousand_revisions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
