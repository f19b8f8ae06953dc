/*
 * kube_list_decode (k8s/kube_list_decode.h): one List page parsed by yajl
 * into items of only the masked fields. One condition per test: string
 * escapes, bad UTF-8 and control characters, numbers at and past the
 * edges, literals, arrays of objects through "[]", absent paths, items
 * that are not objects, the List's metadata before or after its items,
 * cut-off and malformed pages, deep nesting, duplicate keys (the last one
 * wins, as in jansson), feeding in pieces, and masks that do not parse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube_list_decode.h"

typedef struct got {
    json_t *items;
    size_t stop_after; /* 0 = never stop */
} got;

static int collect(const json_t *item, void *ud)
{
    got *g = ud;
    json_array_append(g->items, (json_t *)item);
    return g->stop_after && json_array_size(g->items) >= g->stop_after;
}

/* Decodes text under fields (NULL-terminated, or NULL for whole items).
 * The items land in *items (new reference). */
static int decode(const char *text, const char *const *fields, json_t **items,
                  kube_list_page_info *info, tt_error *err)
{
    tt_error_clear(err);
    kube_field_mask *m = kube_field_mask_new(fields, err);
    assert_non_null(m);
    got g = {json_array(), 0};
    int rc = kube_list_decode(text, strlen(text), m, "revisions", collect, &g, info, err);
    kube_field_mask_free(m);
    *items = g.items;
    return rc;
}

/* One item's page under fields; returns the item as compact sorted JSON
 * (caller frees), or fails the test. */
static char *one(const char *item, const char *const *fields)
{
    char *page = tt_asprintf("{\"kind\":\"List\",\"items\":[%s]}", item);
    json_t *items;
    tt_error err;
    if (decode(page, fields, &items, NULL, &err) != 0)
        fail_msg("%s", err.message);
    free(page);
    assert_int_equal(json_array_size(items), 1);
    char *out = json_dumps(json_array_get(items, 0), JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(items);
    return out;
}

/* The error one item's page gives under fields. */
static void one_fails(const char *item, const char *const *fields, const char *why)
{
    char *page = tt_asprintf("{\"kind\":\"List\",\"items\":[%s]}", item);
    json_t *items;
    tt_error err;
    assert_int_equal(decode(page, fields, &items, NULL, &err), -1);
    assert_int_equal(err.code, TT_EPROTO);
    assert_true(tt_str_has_prefix(err.message, "the server's list of revisions is not a JSON List (at byte "));
    if (!strstr(err.message, why))
        fail_msg("\"%s\" does not say \"%s\"", err.message, why);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
    free(page);
}

#define EXPECT_ONE(item, fields, want)        \
    do {                                      \
        char *got_ = one(item, fields);       \
        assert_string_equal(got_, want);      \
        free(got_);                           \
    } while (0)

static const char *const NAME[] = {"metadata.name", NULL};
static const char *const SPEC[] = {"spec", NULL};

/* ---- strings ---------------------------------------------------------------- */

static void escapes_in_a_kept_string_are_decoded(void **state)
{
    (void)state;
    EXPECT_ONE("{\"metadata\":{\"name\":\"q\\\"b\\\\s\\/n\\n t\\t\\u00e9\\u2603\"}}", NAME,
               "{\"metadata\":{\"name\":\"q\\\"b\\\\s/n\\n t\\t\xc3\xa9\xe2\x98\x83\"}}");
}

static void a_surrogate_pair_is_one_character(void **state)
{
    (void)state;
    char *s = one("{\"metadata\":{\"name\":\"\\ud83d\\ude00!\"}}", NAME);
    json_t *j = json_loads(s, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "metadata"), "name")),
                        "\xf0\x9f\x98\x80!");
    json_decref(j);
    free(s);
}

static void invalid_utf8_in_a_kept_string_is_refused(void **state)
{
    (void)state;
    one_fails("{\"metadata\":{\"name\":\"a\xff\"}}", NAME, "invalid bytes in UTF8 string");
}

static void invalid_utf8_in_a_skipped_string_is_refused_too(void **state)
{
    (void)state;
    one_fails("{\"spec\":{\"x\":\"a\xc3\"}}", NAME, "invalid bytes in UTF8 string");
}

static void a_raw_control_character_in_a_string_is_refused(void **state)
{
    (void)state;
    one_fails("{\"metadata\":{\"name\":\"a\x01z\"}}", NAME, "invalid character inside string");
}

static void a_lone_low_surrogate_in_a_kept_string_is_refused(void **state)
{
    (void)state;
    one_fails("{\"metadata\":{\"name\":\"a\\udc00\"}}", NAME, "not valid UTF-8");
}

/* yajl's reading, where jansson refuses the text (kube_list_decode.h). */
static void a_lone_high_surrogate_reads_as_a_question_mark(void **state)
{
    (void)state;
    EXPECT_ONE("{\"metadata\":{\"name\":\"a\\ud800b\"}}", NAME, "{\"metadata\":{\"name\":\"a?b\"}}");
}

static void a_nul_escape_in_a_kept_string_is_refused(void **state)
{
    (void)state;
    one_fails("{\"metadata\":{\"name\":\"a\\u0000b\"}}", NAME, "\\u0000");
}

static void a_nul_escape_in_a_skipped_string_is_no_matter(void **state)
{
    (void)state;
    EXPECT_ONE("{\"metadata\":{\"name\":\"n\",\"uid\":\"a\\u0000b\"}}", NAME,
               "{\"metadata\":{\"name\":\"n\"}}");
}

/* ---- numbers and literals ---------------------------------------------------- */

static void the_largest_integers_are_kept_exactly(void **state)
{
    (void)state;
    EXPECT_ONE("{\"spec\":[9223372036854775807,-9223372036854775808,0,-0]}", SPEC,
               "{\"spec\":[9223372036854775807,-9223372036854775808,0,0]}");
}

static void an_integer_past_64_bits_kept_is_refused_as_jansson_does(void **state)
{
    (void)state;
    one_fails("{\"spec\":9223372036854775808}", SPEC, "number 9223372036854775808: too big integer");
}

static void an_integer_past_64_bits_skipped_is_no_matter(void **state)
{
    (void)state;
    EXPECT_ONE("{\"metadata\":{\"name\":\"n\",\"generation\":99999999999999999999999}}", NAME,
               "{\"metadata\":{\"name\":\"n\"}}");
}

static void floats_are_kept_as_reals(void **state)
{
    (void)state;
    char *s = one("{\"spec\":[1.5,-2.5e3,1E-2]}", SPEC);
    json_t *j = json_loads(s, 0, NULL);
    json_t *a = json_object_get(j, "spec");
    assert_true(json_is_real(json_array_get(a, 0)));
    assert_true(json_real_value(json_array_get(a, 0)) == 1.5);
    assert_true(json_real_value(json_array_get(a, 1)) == -2500.0);
    assert_true(json_real_value(json_array_get(a, 2)) == 0.01);
    json_decref(j);
    free(s);
}

static void a_real_that_overflows_kept_is_refused(void **state)
{
    (void)state;
    one_fails("{\"spec\":1e400}", SPEC, "real number overflow");
}

static void true_false_and_null_are_kept(void **state)
{
    (void)state;
    EXPECT_ONE("{\"spec\":{\"a\":true,\"b\":false,\"c\":null}}", SPEC,
               "{\"spec\":{\"a\":true,\"b\":false,\"c\":null}}");
}

/* ---- the mask ---------------------------------------------------------------- */

static void an_array_of_objects_keeps_each_element_in_place(void **state)
{
    (void)state;
    const char *const f[] = {"spec.containers[].image", NULL};
    EXPECT_ONE("{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"i1\"},{\"name\":\"b\"},"
               "{\"image\":\"i3\",\"args\":[1]}],\"x\":1}}",
               f, "{\"spec\":{\"containers\":[{\"image\":\"i1\"},{},{\"image\":\"i3\"}]}}");
}

static void a_scalar_element_is_kept_and_an_array_element_stays_empty(void **state)
{
    (void)state;
    const char *const f[] = {"spec.containers[].image", NULL};
    EXPECT_ONE("{\"spec\":{\"containers\":[\"s\",[1,2],{\"image\":\"i\"}]}}", f,
               "{\"spec\":{\"containers\":[\"s\",[],{\"image\":\"i\"}]}}");
}

static void an_object_path_keeps_its_whole_subtree(void **state)
{
    (void)state;
    const char *const f[] = {"status.conditions", NULL};
    EXPECT_ONE("{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"x\":{\"y\":[null]}}],\"url\":\"u\"}}",
               f, "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"x\":{\"y\":[null]}}]}}");
}

static void an_absent_path_is_absent(void **state)
{
    (void)state;
    const char *const f[] = {"metadata.name", "status.url", NULL};
    EXPECT_ONE("{\"metadata\":{\"name\":\"n\"},\"spec\":{}}", f, "{\"metadata\":{\"name\":\"n\"}}");
}

static void a_quoted_key_may_hold_dots(void **state)
{
    (void)state;
    const char *const f[] = {"metadata.labels.\"serving.knative.dev/service\"", NULL};
    EXPECT_ONE("{\"metadata\":{\"labels\":{\"serving.knative.dev/service\":\"s\",\"serving\":{}}}}", f,
               "{\"metadata\":{\"labels\":{\"serving.knative.dev/service\":\"s\"}}}");
}

static void an_array_where_an_object_is_expected_stays_empty(void **state)
{
    (void)state;
    EXPECT_ONE("{\"metadata\":[{\"name\":\"n\"}]}", NAME, "{\"metadata\":[]}");
}

static void whole_items_are_what_jansson_decodes(void **state)
{
    (void)state;
    const char *dir = getenv("TTSTUI_TEST_DATA");
    char *path = tt_asprintf("%s/core/fleet-fields-demo.json", dir ? dir : "../data");
    json_t *fixture = json_load_file(path, 0, NULL);
    assert_non_null(fixture);
    free(path);
    json_t *revs = json_object_get(fixture, "revisions");
    char *items = json_dumps(revs, JSON_COMPACT);
    char *page = tt_asprintf("{\"metadata\":{},\"items\":%s,\"kind\":\"RevisionList\"}", items);
    json_t *got_items;
    tt_error err;
    assert_int_equal(decode(page, NULL, &got_items, NULL, &err), 0);
    assert_true(json_array_size(revs) > 1);
    assert_true(json_equal(got_items, revs));
    json_decref(got_items);
    free(page);
    free(items);
    json_decref(fixture);
}

/* Duplicate keys: the last one wins, as json_loads keeps it. */
static void a_duplicate_kept_key_keeps_the_last_value(void **state)
{
    (void)state;
    const char *item = "{\"metadata\":{\"name\":\"a\",\"uid\":\"u\"},\"metadata\":{\"name\":\"b\"},"
                       "\"spec\":1,\"spec\":{\"x\":[1]}}";
    char *whole = one(item, NULL);
    json_t *j = json_loads(item, 0, NULL);
    char *want = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(whole, want);
    assert_string_equal(whole, "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"x\":[1]}}");
    free(want);
    json_decref(j);
    free(whole);
    const char *const f[] = {"metadata.name", "spec.x", NULL};
    EXPECT_ONE(item, f, "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"x\":[1]}}");
}

/* ---- the List ------------------------------------------------------------------ */

static void the_lists_metadata_after_its_items_is_read(void **state)
{
    (void)state;
    json_t *items;
    tt_error err;
    kube_list_page_info info;
    assert_int_equal(decode("{\"items\":[{\"metadata\":{\"name\":\"a\"}}],\"kind\":\"L\","
                            "\"metadata\":{\"continue\":\"c1\",\"resourceVersion\":\"9\","
                            "\"remainingItemCount\":41}}",
                            NAME, &items, &info, &err),
                     0);
    assert_string_equal(info.cont, "c1");
    assert_string_equal(info.resource_version, "9");
    assert_int_equal(info.remaining_item_count, 41);
    assert_int_equal(info.items, 1);
    assert_int_equal(json_array_size(items), 1);
    kube_list_page_info_clear(&info);
    json_decref(items);
}

static void a_list_without_remaining_item_count_says_minus_one(void **state)
{
    (void)state;
    json_t *items;
    tt_error err;
    kube_list_page_info info;
    assert_int_equal(decode("{\"metadata\":{\"remainingItemCount\":\"7\",\"continue\":\"\"},"
                            "\"items\":[]}",
                            NAME, &items, &info, &err),
                     0);
    assert_int_equal(info.remaining_item_count, -1);
    assert_null(info.cont);
    assert_null(info.resource_version);
    kube_list_page_info_clear(&info);
    json_decref(items);
}

static void an_empty_items_array_is_a_list_of_nothing(void **state)
{
    (void)state;
    json_t *items;
    tt_error err;
    kube_list_page_info info;
    assert_int_equal(decode("{\"items\":[],\"metadata\":{\"resourceVersion\":\"3\"}}", NAME, &items,
                            &info, &err),
                     0);
    assert_int_equal(info.items, 0);
    assert_int_equal(json_array_size(items), 0);
    kube_list_page_info_clear(&info);
    json_decref(items);
}

static void items_that_are_not_an_array_are_no_list(void **state)
{
    (void)state;
    json_t *items;
    tt_error err;
    assert_int_equal(decode("{\"items\":{\"a\":{}},\"metadata\":{}}", NAME, &items, NULL, &err), -1);
    assert_string_equal(err.message, "the server's list of revisions has no items array");
    json_decref(items);
}

static void an_item_that_is_not_an_object_is_an_error_after_the_ones_before(void **state)
{
    (void)state;
    json_t *items;
    tt_error err;
    const char *text = "{\"items\":[{\"metadata\":{\"name\":\"a\"}},7]}";
    assert_int_equal(decode(text, NAME, &items, NULL, &err), -1);
    assert_int_equal(json_array_size(items), 1);
    char want[200];
    snprintf(want, sizeof want,
             "the server's list of revisions is not a JSON List (at byte 37 of %zu): item 2 is "
             "not an object",
             strlen(text));
    assert_string_equal(err.message, want);
    json_decref(items);
}

static void a_cut_off_page_names_where(void **state)
{
    (void)state;
    json_t *items;
    tt_error err;
    const char *text = "{\"items\":[{\"metadata\":{\"name\":\"a\"}},{\"metadata\":{\"na";
    assert_int_equal(decode(text, NAME, &items, NULL, &err), -1);
    assert_int_equal(json_array_size(items), 1);
    char want[200];
    snprintf(want, sizeof want, "(at byte %zu of %zu): parse error: premature EOF", strlen(text),
             strlen(text));
    if (!strstr(err.message, want))
        fail_msg("%s", err.message);
    json_decref(items);
}

static void a_page_that_is_not_an_object_is_no_list(void **state)
{
    (void)state;
    json_t *items;
    tt_error err;
    assert_int_equal(decode("[{\"items\":[]}]", NAME, &items, NULL, &err), -1);
    assert_non_null(strstr(err.message, "the answer is not an object"));
    json_decref(items);
}

static void text_after_the_list_is_refused(void **state)
{
    (void)state;
    json_t *items;
    tt_error err;
    assert_int_equal(decode("{\"items\":[]} {}", NAME, &items, NULL, &err), -1);
    assert_non_null(strstr(err.message, "trailing garbage"));
    json_decref(items);
}

static char *nested(size_t n, bool in_spec)
{
    tt_buf b = TT_BUF_INIT;
    tt_buf_printf(&b, "{\"items\":[{\"%s\":", in_spec ? "spec" : "status");
    for (size_t i = 0; i < n; i++)
        tt_buf_append(&b, "[", 1);
    return b.data;
}

static void deep_nesting_is_an_error_kept_or_skipped(void **state)
{
    (void)state;
    for (int kept = 0; kept < 2; kept++) {
        char *text = nested(100000, kept);
        json_t *items;
        tt_error err;
        assert_int_equal(decode(text, SPEC, &items, NULL, &err), -1);
        if (!strstr(err.message, "nested deeper than 2048 levels"))
            fail_msg("%s", err.message);
        json_decref(items);
        free(text);
    }
}

static void nesting_up_to_the_limit_is_fine(void **state)
{
    (void)state;
    /* the List, its items and the item are three levels */
    tt_buf b = TT_BUF_INIT;
    tt_buf_printf(&b, "{\"items\":[{\"spec\":");
    for (int i = 0; i < KUBE_LIST_MAX_DEPTH - 3; i++)
        tt_buf_append(&b, "[", 1);
    for (int i = 0; i < KUBE_LIST_MAX_DEPTH - 3; i++)
        tt_buf_append(&b, "]", 1);
    tt_buf_printf(&b, "}]}");
    json_t *items;
    tt_error err;
    if (decode(b.data, SPEC, &items, NULL, &err) != 0)
        fail_msg("%s", err.message);
    assert_int_equal(json_array_size(items), 1);
    json_decref(items);
    tt_buf_free(&b);
}

static void stopping_hands_on_nothing_more(void **state)
{
    (void)state;
    kube_field_mask *m = kube_field_mask_new(NAME, NULL);
    got g = {json_array(), 2};
    const char *text = "{\"items\":[{},{},{},{}]}";
    tt_error err;
    assert_int_equal(kube_list_decode(text, strlen(text), m, "revisions", collect, &g, NULL, &err), 1);
    assert_int_equal(json_array_size(g.items), 2);
    json_decref(g.items);
    kube_field_mask_free(m);
}

/* The same items and metadata whatever pieces the page comes in. */
static void pieces_of_any_size_decode_the_same(void **state)
{
    (void)state;
    const char *text = "{\"kind\":\"L\",\"items\":[{\"metadata\":{\"name\":\"a\\u00e9\",\"x\":[1,"
                       "{\"y\":null}]}},{\"metadata\":{\"name\":\"b\"},\"spec\":-12.5e1}],"
                       "\"metadata\":{\"continue\":\"tok\",\"remainingItemCount\":3}}";
    kube_field_mask *m = kube_field_mask_new(NAME, NULL);
    for (size_t piece = 1; piece <= strlen(text); piece++) {
        got g = {json_array(), 0};
        kube_list_decoder *d = kube_list_decoder_new(m, "revisions", collect, &g);
        tt_error err;
        for (size_t at = 0; at < strlen(text); at += piece) {
            size_t n = strlen(text) - at < piece ? strlen(text) - at : piece;
            assert_int_equal(kube_list_decoder_feed(d, text + at, n, &err), 0);
        }
        assert_int_equal(kube_list_decoder_finish(d, &err), 0);
        char *s = json_dumps(g.items, JSON_COMPACT);
        assert_string_equal(s, "[{\"metadata\":{\"name\":\"a\xc3\xa9\"}},{\"metadata\":{\"name\":\"b\"}}]");
        assert_string_equal(kube_list_decoder_info(d)->cont, "tok");
        assert_int_equal(kube_list_decoder_info(d)->remaining_item_count, 3);
        free(s);
        kube_list_decoder_free(d);
        json_decref(g.items);
    }
    kube_field_mask_free(m);
}

static void malformed_masks_are_refused(void **state)
{
    (void)state;
    const char *bad[][3] = {
        {"a..b", NULL, NULL},          {"", NULL, NULL},         {"a[", NULL, NULL},
        {"a[]x", NULL, NULL},          {"\"a.b", NULL, NULL},    {"a.\"b\"c", NULL, NULL},
        {"a[].b", "a.c", NULL},        {"a.b", "a[].c", NULL},   {"a.", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tt_error err;
        tt_error_clear(&err);
        kube_field_mask *m = kube_field_mask_new(bad[i], &err);
        if (m)
            fail_msg("mask %s, %s accepted", bad[i][0], bad[i][1] ? bad[i][1] : "");
        assert_int_equal(err.code, TT_EINVAL);
        assert_true(tt_str_has_prefix(err.message, "field path \""));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_in_a_kept_string_are_decoded),
        cmocka_unit_test(a_surrogate_pair_is_one_character),
        cmocka_unit_test(invalid_utf8_in_a_kept_string_is_refused),
        cmocka_unit_test(invalid_utf8_in_a_skipped_string_is_refused_too),
        cmocka_unit_test(a_raw_control_character_in_a_string_is_refused),
        cmocka_unit_test(a_lone_low_surrogate_in_a_kept_string_is_refused),
        cmocka_unit_test(a_lone_high_surrogate_reads_as_a_question_mark),
        cmocka_unit_test(a_nul_escape_in_a_kept_string_is_refused),
        cmocka_unit_test(a_nul_escape_in_a_skipped_string_is_no_matter),
        cmocka_unit_test(the_largest_integers_are_kept_exactly),
        cmocka_unit_test(an_integer_past_64_bits_kept_is_refused_as_jansson_does),
        cmocka_unit_test(an_integer_past_64_bits_skipped_is_no_matter),
        cmocka_unit_test(floats_are_kept_as_reals),
        cmocka_unit_test(a_real_that_overflows_kept_is_refused),
        cmocka_unit_test(true_false_and_null_are_kept),
        cmocka_unit_test(an_array_of_objects_keeps_each_element_in_place),
        cmocka_unit_test(a_scalar_element_is_kept_and_an_array_element_stays_empty),
        cmocka_unit_test(an_object_path_keeps_its_whole_subtree),
        cmocka_unit_test(an_absent_path_is_absent),
        cmocka_unit_test(a_quoted_key_may_hold_dots),
        cmocka_unit_test(an_array_where_an_object_is_expected_stays_empty),
        cmocka_unit_test(whole_items_are_what_jansson_decodes),
        cmocka_unit_test(a_duplicate_kept_key_keeps_the_last_value),
        cmocka_unit_test(the_lists_metadata_after_its_items_is_read),
        cmocka_unit_test(a_list_without_remaining_item_count_says_minus_one),
        cmocka_unit_test(an_empty_items_array_is_a_list_of_nothing),
        cmocka_unit_test(items_that_are_not_an_array_are_no_list),
        cmocka_unit_test(an_item_that_is_not_an_object_is_an_error_after_the_ones_before),
        cmocka_unit_test(a_cut_off_page_names_where),
        cmocka_unit_test(a_page_that_is_not_an_object_is_no_list),
        cmocka_unit_test(text_after_the_list_is_refused),
        cmocka_unit_test(deep_nesting_is_an_error_kept_or_skipped),
        cmocka_unit_test(nesting_up_to_the_limit_is_fine),
        cmocka_unit_test(stopping_hands_on_nothing_more),
        cmocka_unit_test(pieces_of_any_size_decode_the_same),
        cmocka_unit_test(malformed_masks_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
