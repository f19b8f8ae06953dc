/* YAML stream output and parse-back (core/manifest_yaml.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "manifest_yaml.h"
#include "render.h"
#include "tt_common.h"

#define IMAGE                                                                                      \
    "gcr.io/voice-service-2-313121/speech-api-worker@sha256:"                                      \
    "3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"

static char *emit(const json_t *docs)
{
    tt_error err;
    char *yaml = manifest_yaml_emit(docs, 0, &err);
    if (!yaml)
        fail_msg("emit: %s", err.message);
    return yaml;
}

/* Emits docs, parses the text back and requires the same JSON. Returns
 * the YAML (caller frees). */
static char *round_trip(const json_t *docs)
{
    char *yaml = emit(docs);
    tt_error err;
    json_t *back = manifest_yaml_parse(yaml, strlen(yaml), &err);
    if (!back)
        fail_msg("parse back: %s\n%s", err.message, yaml);
    json_t *expected = json_is_array(docs) ? json_incref((json_t *)docs) : json_pack("[O]", docs);
    if (!json_equal(expected, back)) {
        char *a = json_dumps(back, JSON_INDENT(1));
        print_error("round trip differs\nYAML:\n%s\nback: %s\n", yaml, a);
        free(a);
        fail();
    }
    json_decref(expected);
    json_decref(back);
    return yaml;
}

static void assert_contains(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("expected \"%s\" in:\n%s", needle, text);
}

static json_t *render_reference(bool keys)
{
    release_params *p = release_params_new();
    release_params_set(p, "env", "staging", NULL);
    release_params_set(p, "model", "v3", NULL);
    release_params_set(p, "version", "1", NULL);
    release_params_set(p, "image", IMAGE, NULL);
    if (keys) {
        const char *dir = getenv("TTSTUI_TEST_DATA");
        char *path = tt_asprintf("%s/reference/apikeys.example.json", dir ? dir : "../data");
        release_params_set(p, "includeImageApiKeys", "true", NULL);
        release_params_set(p, "apiKeysFile", path, NULL);
        free(path);
    }
    tt_error err;
    json_t *docs = release_render(p, NULL, &err);
    if (!docs)
        fail_msg("render: %s", err.message);
    release_params_free(p);
    return docs;
}

static void rendered_release_round_trips_through_yaml(void **state)
{
    (void)state;
    for (int keys = 0; keys <= 1; keys++) {
        json_t *docs = render_reference(keys);
        char *yaml = round_trip(docs);
        json_decref(docs);
        free(yaml);
    }
}

static void documents_are_separated_by_dashes_in_order(void **state)
{
    (void)state;
    json_t *docs = render_reference(false);
    char *yaml = round_trip(docs);
    assert_true(tt_str_has_prefix(yaml, "---\napiVersion: v1\nkind: Namespace\n"));
    size_t n = 0;
    for (const char *p = yaml; (p = strstr(p, "---\n")); p += 4)
        n += p == yaml || p[-1] == '\n';
    assert_int_equal(n, json_array_size(docs));
    json_decref(docs);
    free(yaml);
}

static void keys_are_sorted_unless_asked_to_keep_order(void **state)
{
    (void)state;
    json_t *obj = json_pack("{s:i,s:i,s:i}", "kind", 1, "apiVersion", 2, "metadata", 3);
    char *yaml = emit(obj);
    assert_string_equal(yaml, "---\napiVersion: 2\nkind: 1\nmetadata: 3\n");
    free(yaml);
    yaml = manifest_yaml_emit(obj, MANIFEST_YAML_KEEP_ORDER, NULL);
    assert_string_equal(yaml, "---\nkind: 1\napiVersion: 2\nmetadata: 3\n");
    free(yaml);
    json_decref(obj);
}

static void ambiguous_strings_are_quoted_and_stay_strings(void **state)
{
    (void)state;
    const char *quoted[] = {"true",  "false", "True", "yes", "No",   "on",   "OFF",  "y",
                            "n",     "null",  "~",    "",    "0",    "301",  "-1",   "+7",
                            "1.5",   "1e3",   ".5",   "0x1f", "0o17", "1_000", "1:30", ".inf",
                            "-.Inf", ".NaN",  "2024-01-31", "2001-12-14t21:59:43.10-05:00", "<<", "="};
    json_t *obj = json_object();
    for (size_t i = 0; i < TT_ARRAY_LEN(quoted); i++) {
        assert_true(manifest_yaml_needs_quotes(quoted[i]));
        json_object_set_new(obj, quoted[i], json_string(quoted[i]));
    }
    char *yaml = round_trip(obj);
    assert_contains(yaml, "\"true\": \"true\"\n");
    assert_contains(yaml, "\"0\": \"0\"\n");
    assert_contains(yaml, "\"301\": \"301\"\n");
    assert_contains(yaml, "\"\": \"\"\n");
    assert_contains(yaml, "\"yes\": \"yes\"\n");
    free(yaml);
    json_decref(obj);
}

static void ordinary_strings_stay_plain(void **state)
{
    (void)state;
    const char *plain[] = {"5G", "7G", "v3", "validate-1", "run.deploy.worker:app", "internal",
                           "--bind=0.0.0.0:8000", "yesterday", "nothing", "1a", "x1.5"};
    for (size_t i = 0; i < TT_ARRAY_LEN(plain); i++)
        if (manifest_yaml_needs_quotes(plain[i]))
            fail_msg("\"%s\" should not need quotes", plain[i]);
    json_t *obj = json_pack("{s:s,s:s}", "memory", "5G", "cpu", "7");
    char *yaml = round_trip(obj);
    assert_string_equal(yaml, "---\ncpu: \"7\"\nmemory: 5G\n");
    free(yaml);
    json_decref(obj);
}

static void indicator_strings_are_quoted_by_libyaml(void **state)
{
    (void)state;
    json_t *obj = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "colon", "a: b", "hash", "a #b", "dash",
                            "- x", "star", "*ref", "lead", " space", "quote", "it's \"x\"");
    char *yaml = round_trip(obj);
    assert_contains(yaml, "colon: 'a: b'\n");
    free(yaml);
    json_decref(obj);
}

static void multi_line_strings_are_literal_blocks(void **state)
{
    (void)state;
    json_t *obj = json_pack("{s:s,s:s,s:s}", "a", "line one\nline two\n", "b", "no newline\nat end",
                            "c", "trailing \nspace");
    char *yaml = round_trip(obj);
    assert_contains(yaml, "a: |\n  line one\n  line two\n");
    assert_contains(yaml, "b: |-\n  no newline\n  at end\n");
    free(yaml);
    json_decref(obj);
}

static void transformer_config_is_a_literal_block(void **state)
{
    (void)state;
    json_t *docs = render_reference(true);
    char *yaml = round_trip(docs);
    assert_contains(yaml, "  request-transformer-config: |-\n    \"add\":\n      \"body\":\n"
                          "        - \"api_key:YYY\"\n");
    json_decref(docs);
    free(yaml);
}

static void unicode_is_written_as_utf8(void **state)
{
    (void)state;
    json_t *obj = json_pack("{s:s,s:s}", "name", "héllo wörld ✓", "jp", "音声");
    char *yaml = round_trip(obj);
    assert_contains(yaml, "name: héllo wörld ✓\n");
    free(yaml);
    json_decref(obj);
}

static void numbers_booleans_and_null_are_plain(void **state)
{
    (void)state;
    json_t *obj = json_pack("{s:i,s:f,s:f,s:b,s:b,s:n,s:I,s:[],s:{}}", "int", 8000, "real", 0.1,
                            "whole", 2.0, "t", 1, "f", 0, "nothing", "big",
                            (json_int_t)9007199254740993LL, "empty_list", "empty_map");
    char *yaml = round_trip(obj);
    assert_contains(yaml, "int: 8000\n");
    assert_contains(yaml, "real: 0.1\n");
    assert_contains(yaml, "whole: 2.0\n");
    assert_contains(yaml, "t: true\n");
    assert_contains(yaml, "f: false\n");
    assert_contains(yaml, "nothing: null\n");
    assert_contains(yaml, "big: 9007199254740993\n");
    assert_contains(yaml, "empty_list: []\n");
    assert_contains(yaml, "empty_map: {}\n");
    free(yaml);
    json_decref(obj);
}

static void parse_reads_kubectl_style_yaml(void **state)
{
    (void)state;
    const char *text = "# comment\napiVersion: v1\nkind: ConfigMap\ndata:\n  a: '1'\n  b: 2\n"
                       "  c: yes\n  d: ~\n---\n---\nkind: Namespace\nlist:\n- x\n- 0x10\n...\n";
    tt_error err;
    json_t *docs = manifest_yaml_parse(text, strlen(text), &err);
    assert_non_null(docs);
    json_t *expected = json_pack("[{s:s,s:s,s:{s:s,s:i,s:s,s:n}},{s:s,s:[s,i]}]", "apiVersion", "v1",
                                 "kind", "ConfigMap", "data", "a", "1", "b", 2, "c", "yes", "d",
                                 "kind", "Namespace", "list", "x", 16);
    assert_true(json_equal(expected, docs));
    json_decref(expected);
    json_decref(docs);
}

static void parse_errors_name_line_and_column(void **state)
{
    (void)state;
    tt_error err;
    const char *bad = "a: 1\nb: [1, 2\n";
    assert_null(manifest_yaml_parse(bad, strlen(bad), &err));
    assert_non_null(strstr(err.message, "YAML line "));
    const char *dup = "a: 1\na: 2\n";
    assert_null(manifest_yaml_parse(dup, strlen(dup), &err));
    assert_string_equal(err.message, "YAML line 2 column 1: duplicate key \"a\"");
    const char *alias = "a: &x 1\nb: *x\n";
    assert_null(manifest_yaml_parse(alias, strlen(alias), &err));
    assert_non_null(strstr(err.message, "line 2 column 4: aliases"));
    const char *inf = "a: .inf\n";
    assert_null(manifest_yaml_parse(inf, strlen(inf), &err));
    assert_non_null(strstr(err.message, "line 1 column 4"));
}

static void invalid_utf8_is_an_error_not_a_crash(void **state)
{
    (void)state;
    json_t *obj = json_object();
    /* jansson refuses invalid UTF-8 through json_string; build it with
     * json_stringn_nocheck to reach the emitter. */
    json_object_set_new(obj, "bad", json_stringn_nocheck("\xff\xfe", 2));
    tt_error err;
    char *yaml = manifest_yaml_emit(obj, 0, &err);
    assert_null(yaml);
    assert_non_null(strstr(err.message, "cannot write YAML"));
    json_decref(obj);
}

static void json_output_is_an_indented_array_in_order(void **state)
{
    (void)state;
    json_t *docs = json_pack("[{s:s,s:s},{s:s}]", "kind", "Namespace", "apiVersion", "v1", "kind",
                             "Secret");
    char *text = manifest_json_dump(docs);
    assert_string_equal(text, "[\n  {\n    \"kind\": \"Namespace\",\n    \"apiVersion\": \"v1\"\n  },\n"
                              "  {\n    \"kind\": \"Secret\"\n  }\n]\n");
    free(text);
    json_decref(docs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rendered_release_round_trips_through_yaml),
        cmocka_unit_test(documents_are_separated_by_dashes_in_order),
        cmocka_unit_test(keys_are_sorted_unless_asked_to_keep_order),
        cmocka_unit_test(ambiguous_strings_are_quoted_and_stay_strings),
        cmocka_unit_test(ordinary_strings_stay_plain),
        cmocka_unit_test(indicator_strings_are_quoted_by_libyaml),
        cmocka_unit_test(multi_line_strings_are_literal_blocks),
        cmocka_unit_test(transformer_config_is_a_literal_block),
        cmocka_unit_test(unicode_is_written_as_utf8),
        cmocka_unit_test(numbers_booleans_and_null_are_plain),
        cmocka_unit_test(parse_reads_kubectl_style_yaml),
        cmocka_unit_test(parse_errors_name_line_and_column),
        cmocka_unit_test(invalid_utf8_is_an_error_not_a_crash),
        cmocka_unit_test(json_output_is_an_indented_array_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
