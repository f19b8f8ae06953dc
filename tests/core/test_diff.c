/* Normalising live objects and the unified diff of a release (core/diff.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "mask.h"
#include "support/fixture.h"
#include "tt_common.h"

#define NEW_IMAGE "gcr.io/voice-service-2-313121/speech-api-worker@sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

/* The rendered object of this kind and name (new reference). */
static json_t *rendered(const char *file, const char *kind, const char *name)
{
    json_t *all = load_fixture(file), *found = NULL;
    size_t i;
    json_t *o;
    json_array_foreach(all, i, o) {
        if (tt_streq(json_string_value(json_object_get(o, "kind")), kind) &&
            tt_streq(json_string_value(json_object_get(json_object_get(o, "metadata"), "name")), name))
            found = json_incref(o);
    }
    json_decref(all);
    assert_non_null(found);
    return found;
}

static json_t *one(json_t *obj)
{
    json_t *a = json_array();
    if (obj)
        json_array_append(a, obj);
    return a;
}

static diff_result *diff_one(json_t *desired, json_t *live, int ctx)
{
    json_t *d = one(desired), *l = one(live);
    diff_result *r = diff_compute(d, l, ctx);
    json_decref(d);
    json_decref(l);
    return r;
}

static json_t *config_map(const char *d_value, const char *a_value)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}}",
                     "apiVersion", "v1", "kind", "ConfigMap", "metadata", "name", "c", "namespace", "n",
                     "data", "a", a_value, "b", "2", "c", "3", "d", d_value, "e", "5", "f", "6",
                     "g", "7", "h", "8");
}

static void normalize_drops_server_fields(void **state)
{
    (void)state;
    json_t *live = load_fixture("live-v3-stream.json");
    json_t *n = diff_normalize(live);
    json_t *md = json_object_get(n, "metadata");
    assert_null(json_object_get(n, "status"));
    assert_null(json_object_get(md, "managedFields"));
    assert_null(json_object_get(md, "uid"));
    assert_null(json_object_get(md, "resourceVersion"));
    assert_null(json_object_get(md, "generation"));
    assert_null(json_object_get(md, "creationTimestamp"));
    assert_null(json_object_get(md, "annotations")); /* only server annotations were there */
    assert_string_equal(json_string_value(json_object_get(md, "name")), "stream");
    /* the input is left alone */
    assert_non_null(json_object_get(live, "status"));
    json_decref(n);
    json_decref(live);
}

static void prune_drops_server_defaults_the_release_does_not_set(void **state)
{
    (void)state;
    json_t *live = load_fixture("live-v3-stream.json");
    json_t *desired = rendered("rendered-v3-withkeys.json", "Service", "stream");
    json_t *n = diff_normalize(live);
    json_t *p = diff_prune_to(n, desired);
    assert_true(json_equal(p, desired));
    json_decref(p);
    json_decref(n);
    json_decref(desired);
    json_decref(live);
}

static void prune_keeps_lists_of_other_lengths_whole(void **state)
{
    (void)state;
    json_t *live = json_pack("{s:[{s:s, s:i}, {s:s}]}", "args", "name", "a", "x", 1, "name", "b");
    json_t *desired = json_pack("{s:[{s:s}]}", "args", "name", "a");
    json_t *p = diff_prune_to(live, desired);
    assert_true(json_equal(p, live));
    json_decref(p);
    json_decref(live);
    json_decref(desired);
}

static void live_with_only_server_fields_is_unchanged(void **state)
{
    (void)state;
    json_t *live = load_fixture("live-v3-stream.json");
    json_t *desired = rendered("rendered-v3-withkeys.json", "Service", "stream");
    diff_result *r = diff_one(desired, live, 3);
    assert_int_equal(diff_result_count(r), 1);
    const diff_object *o = diff_result_object(r, 0);
    assert_int_equal(o->status, DIFF_UNCHANGED);
    assert_int_equal(o->n_lines, 0);
    assert_false(diff_result_changed(r));
    assert_string_equal(o->kind, "Service");
    assert_string_equal(o->ns, "v3");
    assert_string_equal(o->name, "stream");
    diff_result_free(r);
    json_decref(desired);
    json_decref(live);
}

static void image_change_shows_as_one_line_pair(void **state)
{
    (void)state;
    json_t *live = load_fixture("live-v3-stream.json");
    json_t *desired = rendered("rendered-v3-withkeys.json", "Service", "stream");
    json_t *c0 = json_array_get(json_object_get(json_object_get(json_object_get(
        json_object_get(desired, "spec"), "template"), "spec"), "containers"), 0);
    json_object_set_new(c0, "image", json_string(NEW_IMAGE));
    diff_result *r = diff_one(desired, live, 3);
    const diff_object *o = diff_result_object(r, 0);
    assert_int_equal(o->status, DIFF_CHANGED);
    assert_true(diff_result_changed(r));
    size_t adds = 0, removes = 0;
    for (size_t i = 0; i < o->n_lines; i++) {
        if (o->lines[i].kind == DIFF_LINE_ADD) {
            adds++;
            assert_string_equal(o->lines[i].text, "+          image: " NEW_IMAGE);
        }
        if (o->lines[i].kind == DIFF_LINE_REMOVE) {
            removes++;
            assert_true(tt_str_has_suffix(o->lines[i].text, "@sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"));
        }
    }
    assert_int_equal(adds, 1);
    assert_int_equal(removes, 1);
    assert_int_equal(o->lines[0].kind, DIFF_LINE_HEADER);
    assert_string_equal(o->lines[0].text, "--- live/Service/v3/stream");
    assert_string_equal(o->lines[1].text, "+++ release/Service/v3/stream");
    diff_result_free(r);
    json_decref(desired);
    json_decref(live);
}

static void unified_text_is_exact_for_a_small_case(void **state)
{
    (void)state;
    json_t *desired = config_map("4", "1"), *live = config_map("x", "1");
    diff_result *r = diff_one(desired, live, 3);
    char *text = diff_result_render(r, false);
    assert_string_equal(text,
                        "--- live/ConfigMap/n/c\n"
                        "+++ release/ConfigMap/n/c\n"
                        "@@ -3,7 +3,7 @@\n"
                        "   a: \"1\"\n"
                        "   b: \"2\"\n"
                        "   c: \"3\"\n"
                        "-  d: x\n"
                        "+  d: \"4\"\n"
                        "   e: \"5\"\n"
                        "   f: \"6\"\n"
                        "   g: \"7\"\n"
                        "1 changed, 0 added, 0 removed, 0 unchanged\n");
    free(text);
    diff_result_free(r);
    json_decref(desired);
    json_decref(live);
}

static void distant_changes_make_separate_hunks(void **state)
{
    (void)state;
    json_t *desired = config_map("4", "1"), *live = config_map("4", "one");
    json_object_set_new(json_object_get(live, "data"), "h", json_string("eight"));
    diff_result *r = diff_one(desired, live, 1);
    char *text = diff_result_render(r, false);
    assert_string_equal(text,
                        "--- live/ConfigMap/n/c\n"
                        "+++ release/ConfigMap/n/c\n"
                        "@@ -2,3 +2,3 @@\n"
                        " data:\n"
                        "-  a: one\n"
                        "+  a: \"1\"\n"
                        "   b: \"2\"\n"
                        "@@ -9,3 +9,3 @@\n"
                        "   g: \"7\"\n"
                        "-  h: eight\n"
                        "+  h: \"8\"\n"
                        " kind: ConfigMap\n"
                        "1 changed, 0 added, 0 removed, 0 unchanged\n");
    free(text);
    diff_result_free(r);
    json_decref(desired);
    json_decref(live);
}

static void pure_insertion_hunk_counts_lines(void **state)
{
    (void)state;
    json_t *desired = config_map("4", "1"), *live = config_map("4", "1");
    json_object_del(json_object_get(live, "data"), "b");
    diff_result *r = diff_one(desired, live, 1);
    const diff_object *o = diff_result_object(r, 0);
    assert_int_equal(o->n_lines, 6);
    assert_string_equal(o->lines[2].text, "@@ -3,2 +3,3 @@");
    assert_string_equal(o->lines[3].text, "   a: \"1\"");
    assert_string_equal(o->lines[4].text, "+  b: \"2\"");
    assert_int_equal(o->lines[4].kind, DIFF_LINE_ADD);
    assert_string_equal(o->lines[5].text, "   c: \"3\"");
    assert_int_equal(o->lines[5].kind, DIFF_LINE_CONTEXT);
    diff_result_free(r);
    json_decref(desired);
    json_decref(live);
}

static void object_not_live_is_added(void **state)
{
    (void)state;
    json_t *ns = json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind", "Namespace", "metadata", "name", "v3");
    diff_result *r = diff_one(ns, NULL, 3);
    char *text = diff_result_render(r, false);
    assert_string_equal(text,
                        "--- /dev/null\n"
                        "+++ release/Namespace/v3\n"
                        "@@ -0,0 +1,4 @@\n"
                        "+apiVersion: v1\n"
                        "+kind: Namespace\n"
                        "+metadata:\n"
                        "+  name: v3\n"
                        "0 changed, 1 added, 0 removed, 0 unchanged\n");
    assert_int_equal(diff_result_object(r, 0)->status, DIFF_ADDED);
    free(text);
    diff_result_free(r);
    json_decref(ns);
}

static void live_object_not_desired_is_removed(void **state)
{
    (void)state;
    json_t *live = load_fixture("live-v3-stream.json");
    diff_result *r = diff_one(NULL, live, 3);
    const diff_object *o = diff_result_object(r, 0);
    assert_int_equal(o->status, DIFF_REMOVED);
    assert_string_equal(o->lines[1].text, "+++ /dev/null");
    for (size_t i = 3; i < o->n_lines; i++)
        assert_int_equal(o->lines[i].kind, DIFF_LINE_REMOVE);
    /* server fields are not shown even for a removed object */
    char *text = diff_result_render(r, false);
    assert_null(strstr(text, "managedFields"));
    assert_null(strstr(text, "resourceVersion"));
    free(text);
    diff_result_free(r);
    json_decref(live);
}

static json_t *live_api_keys(void)
{
    /* NEIL changed (ZZZ), SAMS the same (XXX), OLD_KEY only live (QQQ) */
    return json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:{s:s}}, s:{s:s, s:s, s:s}, s:s}", "apiVersion", "v1",
                     "kind", "Secret", "metadata", "name", "api-keys", "namespace", "v3", "uid", "u1",
                     "annotations", "kubectl.kubernetes.io/last-applied-configuration",
                     "{\"data\":{\"NEIL_SPEECH_API_KEY\":\"WlpaWg==\"}}",
                     "data", "NEIL_SPEECH_API_KEY", "WlpaWg==", "SAMS_SPEECH_API_KEY", "WFhY",
                     "OLD_KEY", "UVFRUVE=", "type", "Opaque");
}

static void secret_diff_shows_markers_per_key_and_never_values(void **state)
{
    (void)state;
    static const char *const secrets[] = {"XXX", "YYY", "ZZZZ", "QQQQQ"};
    json_t *desired = rendered("rendered-v3-withkeys.json", "Secret", "api-keys");
    json_t *live = live_api_keys();
    diff_result *r = diff_one(desired, live, 3);
    char *text = diff_result_render(r, false);
    assert_int_equal(diff_result_object(r, 0)->status, DIFF_CHANGED);
    assert_non_null(strstr(text, "-  NEIL_SPEECH_API_KEY: (previous value)\n"));
    assert_non_null(strstr(text, "+  NEIL_SPEECH_API_KEY: (changed)\n"));
    assert_non_null(strstr(text, "   SAMS_SPEECH_API_KEY: (unchanged)\n"));
    assert_non_null(strstr(text, "-  OLD_KEY: (removed)\n"));
    assert_false(mask_text_contains_secret(text, secrets, TT_ARRAY_LEN(secrets)));
    free(text);
    diff_result_free(r);
    json_decref(desired);
    json_decref(live);
}

static void secret_string_data_equal_to_live_data_is_unchanged(void **state)
{
    (void)state;
    json_t *desired = rendered("rendered-v3-withkeys.json", "Secret", "route-stream-request-transformer-config");
    json_t *live = json_deep_copy(desired);
    const char *cfg = json_string_value(json_object_get(json_object_get(desired, "stringData"),
                                                        "request-transformer-config"));
    char *b64 = tt_base64_encode(cfg, strlen(cfg));
    json_object_del(live, "stringData");
    json_object_set_new(live, "data", json_pack("{s:s}", "request-transformer-config", b64));
    diff_result *r = diff_one(desired, live, 3);
    assert_int_equal(diff_result_object(r, 0)->status, DIFF_UNCHANGED);
    diff_result_free(r);
    /* a different key inside the config is a change, shown by marker only */
    json_object_set_new(json_object_get(live, "data"), "request-transformer-config", json_string("WlpaWg=="));
    r = diff_one(desired, live, 3);
    char *text = diff_result_render(r, false);
    static const char *const secrets[] = {"YYY", "ZZZZ"};
    assert_int_equal(diff_result_object(r, 0)->status, DIFF_CHANGED);
    assert_non_null(strstr(text, "+  request-transformer-config: (changed)\n"));
    assert_false(mask_text_contains_secret(text, secrets, 2));
    free(text);
    diff_result_free(r);
    free(b64);
    json_decref(desired);
    json_decref(live);
}

static void whole_release_against_empty_cluster_leaks_no_key(void **state)
{
    (void)state;
    static const char *const secrets[] = {"XXX", "YYY"};
    json_t *desired = load_fixture("rendered-v3-withkeys.json");
    json_t *live = json_array();
    diff_result *r = diff_compute(desired, live, -1);
    assert_int_equal(diff_result_count(r), 12);
    assert_int_equal(diff_result_count_status(r, DIFF_ADDED), 12);
    char *text = diff_result_render(r, true);
    assert_false(mask_text_contains_secret(text, secrets, 2));
    assert_non_null(strstr(text, "NEIL_SPEECH_API_KEY: (added)"));
    free(text);
    diff_result_free(r);
    json_decref(desired);
    json_decref(live);
}

static void objects_match_by_kind_namespace_and_name(void **state)
{
    (void)state;
    json_t *desired = load_fixture("rendered-v3-nokeys.json");
    json_t *live = json_array();
    json_array_append_new(live, load_fixture("live-v3-stream.json"));
    json_array_append_new(live, json_null());
    diff_result *r = diff_compute(desired, live, 3);
    assert_int_equal(diff_result_count(r), 9);
    assert_int_equal(diff_result_count_status(r, DIFF_ADDED), 8);
    /* the live stream has envFrom from api-keys, the no-keys release not:
     * envFrom is pruned (a removal shows only against a dry-run result) */
    const diff_object *o = diff_result_object(r, 2);
    assert_string_equal(o->name, "stream");
    assert_int_equal(o->status, DIFF_UNCHANGED);
    diff_result_free(r);
    json_decref(desired);
    json_decref(live);
}

static void inline_api_key_in_kong_plugin_never_reaches_the_diff(void **state)
{
    (void)state;
    static const char *const secrets[] = {"old-key-value", "new-key-value"};
    json_t *desired = json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:{s:{s:[s]}}}", "apiVersion",
                                "configuration.konghq.com/v1", "kind", "KongPlugin", "metadata", "name",
                                "route-stream-request-transformer", "namespace", "v3", "plugin",
                                "request-transformer", "config", "add", "body", "api_key:new-key-value");
    json_t *live = json_deep_copy(desired);
    json_array_set_new(json_object_get(json_object_get(json_object_get(live, "config"), "add"), "body"), 0,
                       json_string("api_key:old-key-value"));
    diff_result *r = diff_one(desired, live, 3);
    char *text = diff_result_render(r, false);
    assert_int_equal(diff_result_object(r, 0)->status, DIFF_CHANGED);
    assert_false(mask_text_contains_secret(text, secrets, 2));
    assert_non_null(strstr(text, "(only masked secret values differ)"));
    free(text);
    diff_result_free(r);
    json_decref(desired);
    json_decref(live);
}

static void colour_render_wraps_lines_in_ansi(void **state)
{
    (void)state;
    json_t *desired = config_map("4", "1"), *live = config_map("x", "1");
    diff_result *r = diff_one(desired, live, 0);
    char *text = diff_result_render(r, true);
    assert_non_null(strstr(text, "\033[31m-  d: x\033[0m\n"));
    assert_non_null(strstr(text, "\033[32m+  d: \"4\"\033[0m\n"));
    assert_non_null(strstr(text, "\033[36m@@ -6 +6 @@\033[0m\n"));
    assert_non_null(strstr(text, "\033[1m--- live/ConfigMap/n/c\033[0m\n"));
    free(text);
    text = diff_result_render(r, false);
    assert_null(strchr(text, '\033'));
    free(text);
    diff_result_free(r);
    json_decref(desired);
    json_decref(live);
}

static void multiline_strings_render_as_blocks(void **state)
{
    (void)state;
    json_t *desired = json_pack("{s:s, s:s, s:{s:s}, s:{s:s}}", "apiVersion", "v1", "kind", "ConfigMap",
                                "metadata", "name", "m", "data", "cfg", "line one\nline: two\n");
    diff_result *r = diff_one(desired, NULL, 3);
    char *text = diff_result_render(r, false);
    assert_non_null(strstr(text, "+  cfg: |\n+    line one\n+    line: two\n"));
    free(text);
    diff_result_free(r);
    json_decref(desired);
}

static void status_names(void **state)
{
    (void)state;
    assert_string_equal(diff_status_name(DIFF_ADDED), "added");
    assert_string_equal(diff_status_name(DIFF_REMOVED), "removed");
    assert_string_equal(diff_status_name(DIFF_CHANGED), "changed");
    assert_string_equal(diff_status_name(DIFF_UNCHANGED), "unchanged");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalize_drops_server_fields),
        cmocka_unit_test(prune_drops_server_defaults_the_release_does_not_set),
        cmocka_unit_test(prune_keeps_lists_of_other_lengths_whole),
        cmocka_unit_test(live_with_only_server_fields_is_unchanged),
        cmocka_unit_test(image_change_shows_as_one_line_pair),
        cmocka_unit_test(unified_text_is_exact_for_a_small_case),
        cmocka_unit_test(distant_changes_make_separate_hunks),
        cmocka_unit_test(pure_insertion_hunk_counts_lines),
        cmocka_unit_test(object_not_live_is_added),
        cmocka_unit_test(live_object_not_desired_is_removed),
        cmocka_unit_test(secret_diff_shows_markers_per_key_and_never_values),
        cmocka_unit_test(secret_string_data_equal_to_live_data_is_unchanged),
        cmocka_unit_test(whole_release_against_empty_cluster_leaks_no_key),
        cmocka_unit_test(objects_match_by_kind_namespace_and_name),
        cmocka_unit_test(inline_api_key_in_kong_plugin_never_reaches_the_diff),
        cmocka_unit_test(colour_render_wraps_lines_in_ansi),
        cmocka_unit_test(multiline_strings_render_as_blocks),
        cmocka_unit_test(status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
