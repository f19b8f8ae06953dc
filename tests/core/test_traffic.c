/* Traffic splits (core/traffic.h): parsing with each rule on its own, the
 * patch, the words, and whether a split is in effect. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "traffic.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void expect_error(char *const *words, size_t n, char *const *tags, size_t n_tags,
                         const char *needle)
{
    traffic_split s;
    tt_error err;
    tt_error_clear(&err);
    assert_int_equal(traffic_split_parse(words, n, tags, n_tags, &s, &err), -1);
    assert_int_equal(err.code, TT_EINVAL);
    if (!strstr(err.message, needle))
        fail_msg("error '%s' does not contain '%s'", err.message, needle);
    traffic_split_clear(&s);
}

static void test_a_split_and_its_tags(void **state)
{
    (void)state;
    char *words[] = {"3=90", "4=10"};
    char *tags[] = {"4=canary"};
    traffic_split s;
    tt_error err;
    assert_int_equal(traffic_split_parse(words, 2, tags, 1, &s, &err), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.entries[0].version, "3");
    assert_int_equal(s.entries[0].percent, 90);
    assert_null(s.entries[0].tag);
    assert_string_equal(s.entries[1].version, "4");
    assert_int_equal(s.entries[1].percent, 10);
    assert_string_equal(s.entries[1].tag, "canary");
    char *d = traffic_split_describe(&s);
    assert_string_equal(d, "3:90% 4:10% (tag canary)");
    free(d);
    json_t *p = traffic_patch("stream", &s);
    char *text = json_dumps(p, JSON_COMPACT);
    assert_string_equal(text, "{\"spec\":{\"traffic\":[{\"revisionName\":\"stream-3\",\"percent\":90},"
                              "{\"revisionName\":\"stream-4\",\"percent\":10,\"tag\":\"canary\"}]}}");
    free(text);
    json_decref(p);
    traffic_split_clear(&s);
}

static void test_sums_other_than_100(void **state)
{
    (void)state;
    char *under[] = {"3=90", "4=9"};
    expect_error(under, 2, NULL, 0, "the percentages add up to 99, not 100 (3=90, 4=9)");
    char *over[] = {"3=90", "4=11"};
    expect_error(over, 2, NULL, 0, "add up to 101, not 100");
    char *zero[] = {"3=0"};
    expect_error(zero, 1, NULL, 0, "add up to 0, not 100");
}

static void test_percent_words(void **state)
{
    (void)state;
    char *big[] = {"3=101"};
    expect_error(big, 1, NULL, 0, "'3=101': the percentage must be a whole number from 0 to 100");
    char *neg[] = {"3=-1", "4=101"};
    expect_error(neg, 2, NULL, 0, "'3=-1': the percentage");
    char *frac[] = {"3=99.5", "4=0.5"};
    expect_error(frac, 2, NULL, 0, "'3=99.5'");
    char *pct[] = {"3=100%"};
    expect_error(pct, 1, NULL, 0, "'3=100%'");
    char *lead[] = {"3=0100"};
    expect_error(lead, 1, NULL, 0, "'3=0100'");
    char *empty[] = {"3="};
    expect_error(empty, 1, NULL, 0, "'3=' is not VERSION=PERCENT");
    char *noeq[] = {"3"};
    expect_error(noeq, 1, NULL, 0, "'3' is not VERSION=PERCENT");
    char *nover[] = {"=100"};
    expect_error(nover, 1, NULL, 0, "'=100' is not VERSION=PERCENT");
    expect_error(NULL, 0, NULL, 0, "no split given");
}

static void test_versions(void **state)
{
    (void)state;
    char *twice[] = {"3=50", "3=50"};
    expect_error(twice, 2, NULL, 0, "version 3 is named twice");
    char *bad[] = {"V_3=100"};
    expect_error(bad, 1, NULL, 0, "'V_3=100'");
    /* A version that is a prefix of another is another version. */
    char *prefix[] = {"1=50", "10=50"};
    traffic_split s;
    tt_error err;
    assert_int_equal(traffic_split_parse(prefix, 2, NULL, 0, &s, &err), 0);
    traffic_split_clear(&s);
}

static void test_tags(void **state)
{
    (void)state;
    char *words[] = {"3=100", "4=0"};
    char *outside[] = {"5=x"};
    expect_error(words, 2, outside, 1, "version 5 is not in the split");
    char *bad[] = {"4=Bad_Tag"};
    expect_error(words, 2, bad, 1, "--tag 4=Bad_Tag");
    char *two_for_one[] = {"4=a", "4=b"};
    expect_error(words, 2, two_for_one, 2, "version 4 already has tag a");
    char *same_tag[] = {"3=a", "4=a"};
    expect_error(words, 2, same_tag, 2, "tag a is given twice");
    char *noeq[] = {"4"};
    expect_error(words, 2, noeq, 1, "is not VERSION=TAG");
}

static json_t *ksvc(const char *traffic_json)
{
    json_error_t e;
    json_t *t = json_loads(traffic_json, 0, &e);
    assert_non_null(t);
    return json_pack("{s:{s:o}}", "spec", "traffic", t);
}

static void test_in_effect(void **state)
{
    (void)state;
    char *words[] = {"3=90", "4=10"};
    char *tags[] = {"4=canary"};
    traffic_split s;
    tt_error err;
    assert_int_equal(traffic_split_parse(words, 2, tags, 1, &s, &err), 0);
    struct {
        const char *traffic;
        bool in_effect;
    } cases[] = {
        {"[{\"revisionName\":\"stream-4\",\"percent\":10,\"tag\":\"canary\"},"
         "{\"revisionName\":\"stream-3\",\"percent\":90}]", true},
        /* one percent differs */
        {"[{\"revisionName\":\"stream-3\",\"percent\":80},"
         "{\"revisionName\":\"stream-4\",\"percent\":10,\"tag\":\"canary\"}]", false},
        /* the tag is missing */
        {"[{\"revisionName\":\"stream-3\",\"percent\":90},"
         "{\"revisionName\":\"stream-4\",\"percent\":10}]", false},
        /* another tag */
        {"[{\"revisionName\":\"stream-3\",\"percent\":90},"
         "{\"revisionName\":\"stream-4\",\"percent\":10,\"tag\":\"next\"}]", false},
        /* an entry is missing */
        {"[{\"revisionName\":\"stream-3\",\"percent\":90}]", false},
        /* an extra entry with traffic */
        {"[{\"revisionName\":\"stream-3\",\"percent\":90},"
         "{\"revisionName\":\"stream-4\",\"percent\":10,\"tag\":\"canary\"},"
         "{\"latestRevision\":true,\"percent\":5}]", false},
        /* another service's revisions of the same versions */
        {"[{\"revisionName\":\"validate-3\",\"percent\":90},"
         "{\"revisionName\":\"validate-4\",\"percent\":10,\"tag\":\"canary\"}]", false},
    };
    for (size_t i = 0; i < N(cases); i++) {
        json_t *k = ksvc(cases[i].traffic);
        if (traffic_split_in_effect(k, "stream", &s) != cases[i].in_effect)
            fail_msg("case %zu: expected %s", i, cases[i].in_effect ? "in effect" : "not in effect");
        json_decref(k);
    }
    traffic_split_clear(&s);
}

static void test_describe_live(void **state)
{
    (void)state;
    json_t *k = ksvc("[{\"latestRevision\":true,\"percent\":100}]");
    char *d = traffic_describe(k, "stream");
    assert_string_equal(d, "latest:100%");
    free(d);
    json_decref(k);
    /* status.traffic wins over spec.traffic. */
    k = json_pack("{s:{s:[{s:b,s:i}]}, s:{s:[{s:s,s:i},{s:s,s:i,s:s}]}}", "spec", "traffic",
                  "latestRevision", 1, "percent", 100, "status", "traffic", "revisionName",
                  "stream-3", "percent", 50, "revisionName", "stream-4", "percent", 50, "tag", "c");
    d = traffic_describe(k, "stream");
    assert_string_equal(d, "3:50% 4:50% (tag c)");
    free(d);
    json_decref(k);
    k = json_object();
    d = traffic_describe(k, "stream");
    assert_string_equal(d, "-");
    free(d);
    json_decref(k);
}

static void test_single_and_whole_revision_names(void **state)
{
    (void)state;
    traffic_split s;
    traffic_split_single(&s, "2", NULL);
    char *r = traffic_entry_revision("validate", &s.entries[0]);
    assert_string_equal(r, "validate-2");
    assert_int_equal(s.entries[0].percent, 100);
    free(r);
    traffic_split_clear(&s);
    traffic_split_single(&s, NULL, "validate-7");
    r = traffic_entry_revision("stream", &s.entries[0]);
    assert_string_equal(r, "validate-7"); /* named whole: the ownership check refuses it */
    free(r);
    traffic_split_clear(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_split_and_its_tags),
        cmocka_unit_test(test_sums_other_than_100),
        cmocka_unit_test(test_percent_words),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_in_effect),
        cmocka_unit_test(test_describe_live),
        cmocka_unit_test(test_single_and_whole_revision_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
