/* fleet_json_out and fleet_status_json_dump: the `status -o json` text
 * (core/fleet.h). yajl writes it; its layout is jansson's JSON_INDENT(2)
 * with JSON_ENSURE_ASCII, which status printed before and users' scripts
 * may read line by line, so the text is compared with jansson's dump of
 * the same value byte for byte. */
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

/* jansson's text of the same value, as `status -o json` printed it before
 * (and the line's end). */
static char *whole(const fleet *f, const char *model)
{
    json_t *j = fleet_status_json(f, model);
    assert_non_null(j);
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(j);
    char *line = tt_asprintf("%s\n", text);
    free(text);
    return line;
}

static void dump_of_every_model_matches_the_whole_tree(void **state)
{
    const fleet *f = *state;
    assert_true(fleet_model_count(f) >= 2);
    char *a = streamed(f, NULL), *b = whole(f, NULL);
    assert_string_equal(a, b);
    /* the layout itself: two spaces a level, "key": value, [] when empty */
    assert_non_null(strstr(a, "[\n  {\n    \"model\": \""));
    assert_non_null(strstr(a, "\"traffic\": [],\n"));
    assert_non_null(strstr(a, "\n      \"stream\": {\n        \"present\": true,"));
    assert_null(strstr(a, "[\n\n"));
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
    assert_null(strstr(a, fleet_model_at(f, 0)->name));
    free(a);
    free(b);
}

static void dump_of_an_absent_model_is_an_empty_array(void **state)
{
    char *a = streamed(*state, "no-such-model");
    assert_string_equal(a, "[]\n");
    free(a);
}

static void dump_of_an_empty_fleet_is_an_empty_array(void **state)
{
    fleet *f = fleet_new();
    char *a = streamed(f, NULL), *b = whole(f, NULL);
    assert_string_equal(a, "[]\n");
    assert_string_equal(a, b);
    free(a);
    free(b);
    fleet_free(f);
}

/* A service whose Ready reason holds text a terminal obeys. */
static void apply_hostile_service(fleet *f, const char *reason)
{
    json_t *svc = json_pack("{s:{s:s, s:s, s:s}, s:{s:[{s:s, s:s, s:s}]}}", "metadata", "name",
                            "stream", "namespace", "hostile", "creationTimestamp",
                            "2024-05-01T10:00:00Z", "status", "conditions", "type", "Ready",
                            "status", "False", "reason", reason);
    assert_non_null(svc);
    fleet_apply(f, FLEET_KIND_SERVICE, svc, false);
    json_decref(svc);
}

/* Every character outside ASCII is escaped, each kind on its own: the
 * JSON is the same value and nothing in it reaches a terminal raw. */
static void cluster_text_is_escaped_for_the_terminal(void **state)
{
    (void)state;
    static const struct {
        const char *raw, *escaped;
    } cases[] = {
        {"a\xc2\x9b" "2Jb", "a\\u009B2Jb"},   /* CSI */
        {"a\x7f" "b", "a\\u007Fb"},           /* DEL */
        {"a\xe2\x80\xae" "b", "a\\u202Eb"},   /* bidi override */
        {"a\xe2\x80\x8b" "b", "a\\u200Bb"},   /* zero width */
        {"caf\xc3\xa9", "caf\\u00E9"},        /* plain text outside ASCII */
        {"a\x1b]0;t\x07" "b", "a\\u001B]0;t\\u0007b"}, /* C0 controls */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fleet *f = fleet_new();
        apply_hostile_service(f, cases[i].raw);
        char *a = streamed(f, NULL);
        char *want = tt_asprintf("\"reason\": \"%s\"", cases[i].escaped);
        if (!strstr(a, want))
            fail_msg("case %zu: %s not in %s", i, want, a);
        for (const char *p = a; *p; p++)
            assert_true((unsigned char)*p < 0x7f);
        json_t *back = fleet_status_json(f, NULL); /* the same text, parsed */
        json_t *svc = json_object_get(json_object_get(json_array_get(back, 0), "services"), "stream");
        assert_string_equal(json_string_value(json_object_get(svc, "reason")), cases[i].raw);
        json_decref(back);
        free(want);
        free(a);
        fleet_free(f);
    }
}

static int to_lines(const char *chunk, size_t size, void *ud)
{
    return to_buf(chunk, size, ud);
}

/* `status --all-contexts -o json`: a compact object a line, "context" and
 * "env" first, env null when the context has none. */
static void lines_with_context_put_context_and_env_first(void **state)
{
    const fleet *f = *state;
    tt_buf b = TT_BUF_INIT;
    fleet_json_out *o = fleet_json_out_new(FLEET_JSON_LINES_WITH_CONTEXT, to_lines, &b);
    assert_int_equal(fleet_json_out_model(o, fleet_model_at(f, 0), "prod-1", "prod"), 0);
    assert_int_equal(fleet_json_out_model(o, fleet_model_at(f, 1), "lab", NULL), 0);
    assert_int_equal(fleet_json_out_end(o), 0);
    fleet_json_out_free(o);
    tt_buf_putc(&b, '\0');
    char *want0 = tt_asprintf("[\n  {\"context\":\"prod-1\",\"env\":\"prod\",\"model\":\"%s\",",
                              fleet_model_at(f, 0)->name);
    char *want1 = tt_asprintf("},\n  {\"context\":\"lab\",\"env\":null,\"model\":\"%s\",",
                              fleet_model_at(f, 1)->name);
    assert_true(tt_str_has_prefix(b.data, want0));
    assert_non_null(strstr(b.data, want1));
    assert_true(tt_str_has_suffix(b.data, "}\n]\n"));
    /* two objects, two lines: nothing inside an object breaks its line */
    size_t lines = 0;
    for (const char *p = b.data; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 4);
    json_error_t je;
    json_t *all = json_loads(b.data, 0, &je);
    assert_non_null(all);
    assert_int_equal(json_array_size(all), 2);
    json_t *one = fleet_model_json(fleet_model_at(f, 1));
    json_t *row = json_deep_copy(json_array_get(all, 1));
    json_object_del(row, "context");
    json_object_del(row, "env");
    assert_true(json_equal(row, one)); /* the same model object as status -o json */
    json_decref(row);
    json_decref(one);
    json_decref(all);
    free(want0);
    free(want1);
    tt_buf_free(&b);

    o = fleet_json_out_new(FLEET_JSON_LINES_WITH_CONTEXT, to_lines, &b);
    assert_int_equal(fleet_json_out_end(o), 0);
    fleet_json_out_free(o);
    tt_buf_putc(&b, '\0');
    assert_string_equal(b.data, "[]\n");
    tt_buf_free(&b);
}

typedef struct failing_sink {
    size_t calls, fail_at;
    size_t bytes;
} failing_sink;

static int fail_later(const char *chunk, size_t size, void *ud)
{
    failing_sink *s = ud;
    (void)chunk;
    s->bytes += size;
    return ++s->calls >= s->fail_at ? -1 : 0;
}

/* Text goes out in pieces of about 64 KiB; once the callback fails,
 * nothing more is written and every later call fails. */
static void a_failing_callback_stops_the_writer(void **state)
{
    const fleet *f = *state;
    failing_sink s = {.fail_at = 2};
    fleet_json_out *o = fleet_json_out_new(FLEET_JSON_PRETTY, fail_later, &s);
    int rc = 0;
    size_t written = 0;
    while (rc == 0 && written < 100000) {
        rc = fleet_json_out_model(o, fleet_model_at(f, written % fleet_model_count(f)), NULL,
                                  NULL);
        written++;
    }
    assert_int_equal(rc, -1);
    assert_int_equal(s.calls, 2);
    assert_true(s.bytes >= 2 * 64 * 1024); /* whole pieces, not a call per token */
    assert_int_equal(fleet_json_out_model(o, fleet_model_at(f, 0), NULL, NULL), -1);
    assert_int_equal(fleet_json_out_end(o), -1);
    assert_int_equal(s.calls, 2);
    fleet_json_out_free(o);

    failing_sink once = {.fail_at = 1};
    assert_int_equal(fleet_status_json_dump(f, NULL, fail_later, &once), -1);
    assert_int_equal(once.calls, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(dump_of_every_model_matches_the_whole_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(dump_of_one_model_matches_the_whole_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(dump_of_an_absent_model_is_an_empty_array, setup, teardown),
        cmocka_unit_test(dump_of_an_empty_fleet_is_an_empty_array),
        cmocka_unit_test(cluster_text_is_escaped_for_the_terminal),
        cmocka_unit_test_setup_teardown(lines_with_context_put_context_and_env_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_failing_callback_stops_the_writer, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
