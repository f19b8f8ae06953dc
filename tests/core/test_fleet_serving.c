/* What a model's service serves (core/fleet.h): from a settled template,
 * during a rollout, from a template without a name; the template's entry
 * point and its use of the api-keys Secret; versions named by services. */
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

/* Only services listed: what the dashboard has before any revision object. */
static fleet *services_only(void)
{
    fleet *f = fleet_new();
    apply_list(f, FLEET_KIND_SERVICE, "fleet-ksvc-list.json");
    return f;
}

static void serving_comes_from_a_settled_services_template(void **state)
{
    (void)state;
    fleet *f = services_only();
    const fleet_model *m = fleet_find(f, "v3");
    assert_int_equal(m->stream.n_revisions, 0);
    assert_string_equal(m->stream.template_name, "stream-2");
    fleet_serving sv;
    assert_true(fleet_service_serving(&m->stream, &sv));
    assert_string_equal(sv.image, IMG1);
    assert_int_equal(sv.min_scale, 0);
    assert_int_equal(sv.max_scale, 32);
    fleet_free(f);
}

/* A service rolling out stream-3 (its template) while stream-2 serves. */
static json_t *rolling_service(const char *template_name)
{
    json_t *svc = json_pack(
        "{s:s, s:s, s:{s:s, s:s, s:s},"
        " s:{s:{s:{s:{s:s}}, s:{s:[{s:s}]}}},"
        " s:{s:s, s:s, s:[{s:s, s:s}]}}",
        "apiVersion", "serving.knative.dev/v1", "kind", "Service", "metadata", "name", "stream",
        "namespace", "roll", "creationTimestamp", "2024-05-01T10:00:00Z", "spec", "template",
        "metadata", "annotations", "autoscaling.knative.dev/max-scale", "8", "spec",
        "containers", "image", "example.com/new@sha256:1", "status",
        "latestCreatedRevisionName", "stream-3", "latestReadyRevisionName", "stream-2",
        "conditions", "type", "Ready", "status", "Unknown");
    if (template_name)
        json_object_set_new(json_object_get(json_object_get(json_object_get(svc, "spec"),
                                                            "template"),
                                            "metadata"),
                            "name", json_string(template_name));
    return svc;
}

/* The template's gunicorn application and its use of the api-keys Secret:
 * what the deploy form starts from. */
static void a_template_gives_its_entry_point_and_api_key_use(void **state)
{
    (void)state;
    fleet *f = fleet_new();
    json_t *svc = rolling_service("stream-3");
    json_t *c0 = json_array_get(
        json_object_get(json_object_get(json_object_get(json_object_get(svc, "spec"), "template"),
                                        "spec"),
                        "containers"),
        0);
    fleet_apply(f, FLEET_KIND_SERVICE, svc, false);
    const fleet_model *m = fleet_find(f, "roll");
    assert_null(m->stream.template_entrypoint); /* no args */
    assert_false(m->stream.template_api_keys);
    json_object_set_new(c0, "args",
                        json_pack("[s,s,s]", "venv/bin/gunicorn", "--preload",
                                  "src.service.worker:app"));
    json_object_set_new(c0, "envFrom", json_pack("[{s:{s:s}}]", "secretRef", "name", "other"));
    fleet_apply(f, FLEET_KIND_SERVICE, svc, false);
    m = fleet_find(f, "roll");
    assert_string_equal(m->stream.template_entrypoint, "src.service.worker:app"); /* flags skipped */
    assert_false(m->stream.template_api_keys); /* another Secret */
    json_object_set_new(c0, "envFrom", json_pack("[{s:{s:s}}]", "secretRef", "name", "api-keys"));
    fleet_apply(f, FLEET_KIND_SERVICE, svc, false);
    m = fleet_find(f, "roll");
    assert_true(m->stream.template_api_keys);
    json_decref(svc);
    fleet_free(f);
}

static void serving_during_a_rollout_waits_for_the_ready_revision(void **state)
{
    (void)state;
    for (int named = 0; named < 2; named++) {
        fleet *f = fleet_new();
        json_t *svc = rolling_service(named ? "stream-3" : NULL);
        fleet_apply(f, FLEET_KIND_SERVICE, svc, false);
        const fleet_service *s = &fleet_find(f, "roll")->stream;
        fleet_serving sv;
        /* the template is the new release, not what serves */
        assert_false(fleet_service_serving(s, &sv));
        json_t *rev = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:{s:s}, s:{s:s}},"
                                " s:{s:[{s:s}]}}",
                                "apiVersion", "serving.knative.dev/v1", "kind", "Revision",
                                "metadata", "name", "stream-2", "namespace", "roll",
                                "creationTimestamp", "2024-05-01T10:00:00Z", "labels",
                                "serving.knative.dev/service", "stream", "annotations",
                                "autoscaling.knative.dev/max-scale", "4", "spec", "containers",
                                "image", "example.com/old@sha256:2");
        fleet_apply(f, FLEET_KIND_REVISION, rev, false);
        s = &fleet_find(f, "roll")->stream;
        assert_true(fleet_service_serving(s, &sv));
        assert_string_equal(sv.image, "example.com/old@sha256:2");
        assert_int_equal(sv.min_scale, -1);
        assert_int_equal(sv.max_scale, 4);
        json_decref(rev);
        json_decref(svc);
        fleet_free(f);
    }
}

static void an_unnamed_template_serves_when_nothing_newer_was_created(void **state)
{
    (void)state;
    fleet *f = fleet_new();
    json_t *svc = rolling_service(NULL);
    json_object_set_new(json_object_get(svc, "status"), "latestCreatedRevisionName",
                        json_string("stream-2"));
    fleet_apply(f, FLEET_KIND_SERVICE, svc, false);
    fleet_serving sv;
    assert_true(fleet_service_serving(&fleet_find(f, "roll")->stream, &sv));
    assert_string_equal(sv.image, "example.com/new@sha256:1");
    assert_int_equal(sv.max_scale, 8);
    /* nothing ready: nothing serves */
    json_object_del(json_object_get(svc, "status"), "latestReadyRevisionName");
    fleet_apply(f, FLEET_KIND_SERVICE, svc, false);
    assert_false(fleet_service_serving(&fleet_find(f, "roll")->stream, &sv));
    assert_false(fleet_service_serving(NULL, &sv));
    json_decref(svc);
    fleet_free(f);
}

static void versions_named_by_services_count_before_revisions_arrive(void **state)
{
    (void)state;
    fleet *f = services_only();
    const fleet_model *m = fleet_find(f, "v9");
    assert_int_equal(m->stream.n_revisions + m->validate.n_revisions, 0);
    assert_true(fleet_model_has_version(m, "4"));
    assert_false(fleet_model_has_version(m, "5"));
    assert_false(fleet_model_has_version(NULL, "4"));
    char *v = fleet_next_version(m);
    assert_string_equal(v, "5");
    free(v);
    json_t *svc = rolling_service("stream-3");
    fleet_apply(f, FLEET_KIND_SERVICE, svc, false);
    m = fleet_find(f, "roll");
    assert_true(fleet_model_has_version(m, "3")); /* latest created and template */
    assert_true(fleet_model_has_version(m, "2")); /* latest ready */
    v = fleet_next_version(m);
    assert_string_equal(v, "4");
    free(v);
    json_decref(svc);
    fleet_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(serving_comes_from_a_settled_services_template),
        cmocka_unit_test(a_template_gives_its_entry_point_and_api_key_use),
        cmocka_unit_test(serving_during_a_rollout_waits_for_the_ready_revision),
        cmocka_unit_test(an_unnamed_template_serves_when_nothing_newer_was_created),
        cmocka_unit_test(versions_named_by_services_count_before_revisions_arrive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
