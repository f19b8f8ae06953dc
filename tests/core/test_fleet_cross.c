/* One model across contexts: cells and the notes on their differences
 * (core/fleet_cross.h). Each rule is tested on its own: one field of one
 * cell changed from an agreeing pair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_cross.h"
#include "support/fixture.h"
#include "tt_common.h"

#define D1 "sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"
#define D2 "sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d4"
#define IMG_D1 "gcr.io/p/worker@" D1
#define IMG_D2 "gcr.io/p/worker@" D2

static const char *const labels[] = {"staging", "prod", "dr"};

static fleet_cross_cell ready_cell(const char *version, const char *image, const char *digest)
{
    fleet_cross_cell c = {.present = true, .version = version, .ready = "Ready",
                          .image = image, .digest = digest};
    return c;
}

static void assert_notes(const fleet_cross_cell *cells, size_t n, const char *want)
{
    char *got = fleet_cross_notes(cells, labels, n);
    assert_string_equal(got, want);
    free(got);
}

static void test_agreeing_cells_have_no_notes(void **state)
{
    (void)state;
    fleet_cross_cell c[2] = {ready_cell("3", IMG_D1, D1), ready_cell("3", IMG_D1, D1)};
    assert_notes(c, 2, "");
    assert_notes(c, 1, ""); /* one context: nothing to compare */
}

static void test_missing_on_either_side(void **state)
{
    (void)state;
    fleet_cross_cell c[2] = {ready_cell("3", IMG_D1, D1), {.ready = "-"}};
    assert_notes(c, 2, "missing in prod");
    fleet_cross_cell d[2] = {{.ready = "-"}, ready_cell("3", IMG_D1, D1)};
    assert_notes(d, 2, "missing in staging");
    fleet_cross_cell e[2] = {{.ready = "-"}, {.ready = "-"}};
    assert_notes(e, 2, "");
}

static void test_version_ahead_is_numeric(void **state)
{
    (void)state;
    fleet_cross_cell c[2] = {ready_cell("4", IMG_D1, D1), ready_cell("3", IMG_D1, D1)};
    assert_notes(c, 2, "staging ahead of prod (4 > 3)");
    fleet_cross_cell d[2] = {ready_cell("3", IMG_D1, D1), ready_cell("4", IMG_D1, D1)};
    assert_notes(d, 2, "prod ahead of staging (4 > 3)");
    /* "10" sorts before "9" as text: the comparison must be numeric. */
    fleet_cross_cell e[2] = {ready_cell("9", IMG_D1, D1), ready_cell("10", IMG_D1, D1)};
    assert_notes(e, 2, "prod ahead of staging (10 > 9)");
}

static void test_versions_that_are_not_numbers(void **state)
{
    (void)state;
    fleet_cross_cell c[2] = {ready_cell("rc1", IMG_D1, D1), ready_cell("3", IMG_D1, D1)};
    assert_notes(c, 2, "versions differ (staging rc1, prod 3)");
}

static void test_same_version_other_digest(void **state)
{
    (void)state;
    /* The digests differ in their last character only. */
    fleet_cross_cell c[2] = {ready_cell("3", IMG_D1, D1), ready_cell("3", IMG_D2, D2)};
    assert_notes(c, 2,
                 "same version 3 with different digests (staging sha256:3af2c7a3a888…, prod "
                 "sha256:3af2c7a3a888…)");
}

static void test_same_version_other_tag(void **state)
{
    (void)state;
    fleet_cross_cell c[2] = {ready_cell("3", "gcr.io/p/worker:v1", NULL),
                             ready_cell("3", "gcr.io/p/worker:v2", NULL)};
    assert_notes(c, 2, "same version 3 with different images");
    fleet_cross_cell d[2] = {ready_cell("3", "gcr.io/p/worker:v1", NULL),
                             ready_cell("3", "gcr.io/p/worker:v1", NULL)};
    assert_notes(d, 2, "");
}

static void test_readiness_differs(void **state)
{
    (void)state;
    fleet_cross_cell c[2] = {ready_cell("3", IMG_D1, D1), ready_cell("3", IMG_D1, D1)};
    c[1].ready = "NotReady";
    assert_notes(c, 2, "not Ready in prod");
    c[1].ready = "Ready";
    c[0].ready = "Pending";
    assert_notes(c, 2, "not Ready in staging");
}

static void test_nothing_served_yet(void **state)
{
    (void)state;
    fleet_cross_cell c[2] = {ready_cell("3", IMG_D1, D1), ready_cell(NULL, NULL, NULL)};
    c[1].ready = "Pending";
    assert_notes(c, 2, "not Ready in prod");
}

static void test_three_contexts_compare_neighbours(void **state)
{
    (void)state;
    fleet_cross_cell c[3] = {ready_cell("5", IMG_D1, D1), ready_cell("4", IMG_D1, D1),
                             ready_cell("4", IMG_D2, D2)};
    assert_notes(c, 3,
                 "staging ahead of prod (5 > 4); same version 4 with different digests (prod "
                 "sha256:3af2c7a3a888…, dr sha256:3af2c7a3a888…)");
}

/* The side a promotion goes from: the one ahead, each rule on its own. */
static void test_promotion_goes_from_the_side_ahead(void **state)
{
    (void)state;
    fleet_cross_cell four = ready_cell("4", IMG_D1, D1), three = ready_cell("3", IMG_D1, D1);
    assert_int_equal(fleet_cross_ahead(&four, &three), 0);
    assert_int_equal(fleet_cross_ahead(&three, &four), 1);
    /* numbers, not strings: 10 is ahead of 9 */
    fleet_cross_cell ten = ready_cell("10", IMG_D1, D1), nine = ready_cell("9", IMG_D1, D1);
    assert_int_equal(fleet_cross_ahead(&nine, &ten), 1);
    /* the same version (even with other digests): nobody is ahead */
    fleet_cross_cell three_d2 = ready_cell("3", IMG_D2, D2);
    assert_int_equal(fleet_cross_ahead(&three, &three_d2), -1);
    /* a version that is not a number on either side */
    fleet_cross_cell beta = ready_cell("beta", IMG_D1, D1);
    assert_int_equal(fleet_cross_ahead(&beta, &three), -1);
    assert_int_equal(fleet_cross_ahead(&three, &beta), -1);
    /* missing on one side: the side that serves it */
    fleet_cross_cell missing = {.ready = "-"};
    assert_int_equal(fleet_cross_ahead(&three, &missing), 0);
    assert_int_equal(fleet_cross_ahead(&missing, &three), 1);
    assert_int_equal(fleet_cross_ahead(&missing, &missing), -1);
    /* present but serving nothing yet: not ahead of anything */
    fleet_cross_cell pending = {.present = true, .ready = "Pending"};
    assert_int_equal(fleet_cross_ahead(&pending, &missing), -1);
    assert_int_equal(fleet_cross_ahead(&missing, &pending), -1);
    assert_int_equal(fleet_cross_ahead(&pending, &three), -1);
}

static void apply_list(fleet *f, fleet_kind kind, const char *fixture)
{
    json_t *list = load_fixture(fixture);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(list, "items"), i, item)
        fleet_apply(f, kind, item, false);
    json_decref(list);
}

static void test_cell_of_a_model(void **state)
{
    (void)state;
    fleet *f = fleet_new();
    apply_list(f, FLEET_KIND_NAMESPACE, "fleet-namespace-list.json");
    apply_list(f, FLEET_KIND_SERVICE, "fleet-ksvc-list.json");
    apply_list(f, FLEET_KIND_REVISION, "fleet-revision-list.json");
    fleet_cross_cell c;
    fleet_cross_cell_of(fleet_find(f, "v9"), &c);
    assert_true(c.present);
    assert_string_equal(c.version, "4"); /* stream-4, without the service's name */
    assert_string_equal(c.ready, fleet_model_ready_word(fleet_find(f, "v9")));
    assert_non_null(c.image);
    assert_string_equal(c.digest, strstr(c.image, "@sha256:") + 1);
    fleet_cross_cell_of(NULL, &c);
    assert_false(c.present);
    assert_null(c.version);
    assert_null(c.digest);
    assert_string_equal(c.ready, "-");
    fleet_free(f);
}

/* A model released by tag: its digest is what its latest ready revision
 * runs (imageDigest), not the tag; an older revision's is not used. */
static void test_cell_of_a_tag_uses_the_running_digest(void **state)
{
    (void)state;
    fleet *f = fleet_new();
    json_t *ksvc = json_pack(
        "{s:s, s:{s:s, s:s}, s:{s:{s:{s:s}, s:{s:[{s:s}]}}}, s:{s:s, s:s, s:[{s:s, s:s}]}}",
        "kind", "Service", "metadata", "name", "stream", "namespace", "m", "spec", "template",
        "metadata", "name", "stream-2", "spec", "containers", "image", "r/w:v12", "status",
        "latestReadyRevisionName", "stream-2", "latestCreatedRevisionName", "stream-2",
        "conditions", "type", "Ready", "status", "True");
    fleet_apply(f, FLEET_KIND_SERVICE, ksvc, false);
    for (int v = 1; v <= 2; v++) {
        char name[16], digest[80];
        snprintf(name, sizeof name, "stream-%d", v);
        snprintf(digest, sizeof digest, "r/w@sha256:%064d", v);
        json_t *rev = json_pack(
            "{s:s, s:{s:s, s:s, s:{s:s}}, s:{s:[{s:s}]}, s:{s:[{s:s, s:s}], s:[{s:s, s:s}]}}",
            "kind", "Revision", "metadata", "name", name, "namespace", "m", "labels",
            "serving.knative.dev/service", "stream", "spec", "containers", "image", "r/w:v12",
            "status", "conditions", "type", "Ready", "status", "True", "containerStatuses", "name",
            "user-container", "imageDigest", digest);
        fleet_apply(f, FLEET_KIND_REVISION, rev, false);
        json_decref(rev);
    }
    fleet_cross_cell c;
    fleet_cross_cell_of(fleet_find(f, "m"), &c);
    assert_true(c.present);
    assert_non_null(c.digest);
    assert_string_equal(c.digest, "sha256:0000000000000000000000000000000000000000000000000000000000000002");
    json_decref(ksvc);
    fleet_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agreeing_cells_have_no_notes),
        cmocka_unit_test(test_cell_of_a_tag_uses_the_running_digest),
        cmocka_unit_test(test_missing_on_either_side),
        cmocka_unit_test(test_version_ahead_is_numeric),
        cmocka_unit_test(test_versions_that_are_not_numbers),
        cmocka_unit_test(test_same_version_other_digest),
        cmocka_unit_test(test_same_version_other_tag),
        cmocka_unit_test(test_readiness_differs),
        cmocka_unit_test(test_nothing_served_yet),
        cmocka_unit_test(test_three_contexts_compare_neighbours),
        cmocka_unit_test(test_promotion_goes_from_the_side_ahead),
        cmocka_unit_test(test_cell_of_a_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
