/* fleet_status_json_dump: the streamed `status -o json` text is the same
 * text as dumping fleet_status_json whole (core/fleet.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "support/fixture.h"
#include "tt_common.h"

static void apply_fixture(fleet *f, fleet_kind kind, const char *name, bool list)
{
    json_t *j = load_fixture(name);
    if (list) {
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(j, "items"), i, item)
            fleet_apply(f, kind, item, false);
    } else {
        fleet_apply(f, kind, j, false);
    }
    json_decref(j);
}

static int setup(void **state)
{
    fleet *f = fleet_new();
    apply_fixture(f, FLEET_KIND_NAMESPACE, "fleet-namespace-list.json", true);
    apply_fixture(f, FLEET_KIND_SERVICE, "fleet-ksvc-list.json", true);
    apply_fixture(f, FLEET_KIND_REVISION, "fleet-revision-list.json", true);
    apply_fixture(f, FLEET_KIND_PIN, "fleet-pin.json", false);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fleet_free(*state);
    return 0;
}

static int to_buf(const char *chunk, size_t size, void *ud)
{
    tt_buf_append(ud, chunk, size);
    return 0;
}

/* The streamed text (caller frees). */
static char *streamed(const fleet *f, const char *model)
{
    tt_buf b = TT_BUF_INIT;
    assert_int_equal(fleet_status_json_dump(f, model, to_buf, &b), 0);
    tt_buf_putc(&b, '\0');
    return tt_buf_steal(&b);
}

/* The text of the whole tree, as `status -o json` printed it before. */
static char *whole(const fleet *f, const char *model)
{
    json_t *j = fleet_status_json(f, model);
    char *text = json_dumps(j, JSON_INDENT(2));
    json_decref(j);
    return text;
}

static void dump_of_every_model_matches_the_whole_tree(void **state)
{
    const fleet *f = *state;
    assert_true(fleet_model_count(f) >= 2);
    char *a = streamed(f, NULL), *b = whole(f, NULL);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void dump_of_one_model_matches_the_whole_tree(void **state)
{
    const fleet *f = *state;
    const char *name = fleet_model_at(f, 1)->name;
    char *a = streamed(f, name), *b = whole(f, name);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, name));
    free(a);
    free(b);
}

static void dump_of_an_absent_model_is_an_empty_array(void **state)
{
    char *a = streamed(*state, "no-such-model");
    assert_string_equal(a, "[]");
    free(a);
}

static void dump_of_an_empty_fleet_is_an_empty_array(void **state)
{
    fleet *f = fleet_new();
    char *a = streamed(f, NULL), *b = whole(f, NULL);
    assert_string_equal(a, "[]");
    assert_string_equal(a, b);
    free(a);
    free(b);
    fleet_free(f);
}

typedef struct failing_sink {
    size_t calls, fail_at;
} failing_sink;

static int fail_later(const char *chunk, size_t size, void *ud)
{
    failing_sink *s = ud;
    return ++s->calls >= s->fail_at ? -1 : 0;
}

static void a_failing_callback_stops_the_dump(void **state)
{
    failing_sink s = {.fail_at = 5};
    assert_int_equal(fleet_status_json_dump(*state, NULL, fail_later, &s), -1);
    assert_int_equal(s.calls, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(dump_of_every_model_matches_the_whole_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(dump_of_one_model_matches_the_whole_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(dump_of_an_absent_model_is_an_empty_array, setup, teardown),
        cmocka_unit_test(dump_of_an_empty_fleet_is_an_empty_array),
        cmocka_unit_test_setup_teardown(a_failing_callback_stops_the_dump, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
