/* The fleet's status JSON (fleet_status_json, core/fleet.h): its schema
 * and that it does not depend on the order objects arrived in. */
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

static void status_json_follows_schema(void **state)
{
    json_t *all = fleet_status_json(*state, NULL);
    assert_int_equal(json_array_size(all), 5);
    assert_string_equal(json_string_value(json_object_get(json_array_get(all, 0), "model")), "beta");
    json_decref(all);

    json_t *arr = fleet_status_json(*state, "v3");
    assert_int_equal(json_array_size(arr), 1);
    json_t *m = json_array_get(arr, 0);
    assert_true(json_is_true(json_object_get(m, "ready")));
    assert_true(json_is_false(json_object_get(m, "pinnedLatest")));
    json_t *stream = json_object_get(json_object_get(m, "services"), "stream");
    assert_string_equal(json_string_value(json_object_get(stream, "ready")), "True");
    assert_string_equal(json_string_value(json_object_get(stream, "latestReadyRevision")), "stream-2");
    json_t *t0 = json_array_get(json_object_get(stream, "traffic"), 0);
    char *traffic = json_dumps(t0, JSON_COMPACT);
    assert_string_equal(traffic, "{\"revisionName\":\"stream-2\",\"percent\":100,\"tag\":null,\"latestRevision\":true}");
    free(traffic);
    json_t *r1 = json_array_get(json_object_get(stream, "revisions"), 1);
    char *rev = json_dumps(r1, JSON_COMPACT);
    assert_string_equal(rev, "{\"name\":\"stream-1\",\"version\":\"1\",\"ready\":\"True\",\"reason\":null,"
                             "\"image\":\"" IMG1 "\",\"imageDigest\":\"" IMG1 "\","
                             "\"minScale\":0,\"maxScale\":32,"
                             "\"trafficPercent\":0,\"created\":\"2024-05-01T10:00:00Z\"}");
    free(rev);
    json_decref(arr);

    /* a revision without creationTimestamp has created: null */
    fleet *f = fleet_new();
    json_t *bare = json_pack("{s:{s:s, s:s, s:{s:s}}}", "metadata", "name", "stream-1", "namespace", "n",
                             "labels", "serving.knative.dev/service", "stream");
    fleet_apply(f, FLEET_KIND_REVISION, bare, false);
    json_t *st = fleet_status_json(f, "n");
    json_t *r0 = json_array_get(json_object_get(json_object_get(json_object_get(
        json_array_get(st, 0), "services"), "stream"), "revisions"), 0);
    assert_true(json_is_null(json_object_get(r0, "created")));
    assert_true(json_is_null(json_object_get(r0, "minScale")));
    json_decref(st);
    json_decref(bare);
    fleet_free(f);

    arr = fleet_status_json(*state, "absent");
    assert_int_equal(json_array_size(arr), 0);
    json_decref(arr);
}

static void status_json_is_deterministic(void **state)
{
    json_t *a = fleet_status_json(*state, NULL);
    fleet *other = fleet_new();
    /* reverse arrival order gives the same document */
    apply_list(other, FLEET_KIND_REVISION, "fleet-revision-list.json");
    apply_list(other, FLEET_KIND_SERVICE, "fleet-ksvc-list.json");
    json_t *pin = load_fixture("fleet-pin.json");
    fleet_apply(other, FLEET_KIND_PIN, pin, false);
    apply_list(other, FLEET_KIND_NAMESPACE, "fleet-namespace-list.json");
    json_t *b = fleet_status_json(other, NULL);
    char *sa = json_dumps(a, 0), *sb = json_dumps(b, 0);
    assert_string_equal(sa, sb);
    free(sa);
    free(sb);
    json_decref(a);
    json_decref(b);
    json_decref(pin);
    fleet_free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(status_json_follows_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(status_json_is_deterministic, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
