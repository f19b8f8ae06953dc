/* The fleet's string pool (core/strset.h): one stable copy of each
 * string, packed into blocks, long strings on their own; and the borrowed
 * string set under it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strset.h"
#include "tt_common.h"

static void the_same_text_is_one_copy(void **state)
{
    (void)state;
    strpool *p = strpool_new();
    char a[] = "gcr.io/x/worker@sha256:aa", b[] = "gcr.io/x/worker@sha256:aa";
    const char *pa = strpool_intern(p, a), *pb = strpool_intern(p, b);
    assert_ptr_equal(pa, pb);
    assert_ptr_not_equal(pa, a);
    a[0] = 'X'; /* the pool's copy is its own */
    assert_string_equal(pa, "gcr.io/x/worker@sha256:aa");
    strpool_free(p);
}

static void different_text_is_a_different_copy(void **state)
{
    (void)state;
    strpool *p = strpool_new();
    const char *x = strpool_intern(p, "img:1");
    const char *prefix = strpool_intern(p, "img:");
    const char *longer = strpool_intern(p, "img:10");
    assert_ptr_not_equal(x, prefix);
    assert_ptr_not_equal(x, longer);
    assert_string_equal(x, "img:1");
    assert_string_equal(prefix, "img:");
    assert_string_equal(longer, "img:10");
    assert_string_equal(strpool_intern(p, ""), "");
    assert_null(strpool_intern(p, NULL));
    strpool_free(p);
}

/* 200,000 names over many blocks, long ones in between: every pointer
 * still reads its own text at the end, and asking again finds it. */
static void many_strings_across_blocks_stay_intact(void **state)
{
    (void)state;
    strpool *p = strpool_new();
    enum { N = 200000 };
    const char **got = tt_calloc(N, sizeof *got);
    char *big = tt_malloc(40000);
    memset(big, 'b', 39999);
    big[39999] = '\0';
    const char *big1 = NULL, *big2 = NULL;
    for (int i = 0; i < N; i++) {
        char name[160];
        snprintf(name, sizeof name, "gcr.io/voice/speech-api-worker@sha256:%064d", i);
        got[i] = strpool_intern(p, name);
        if (i == 10)
            big1 = strpool_intern(p, big);
        if (i == 150000) {
            big[0] = 'c';
            big2 = strpool_intern(p, big);
        }
    }
    for (int i = 0; i < N; i++) {
        char name[160];
        snprintf(name, sizeof name, "gcr.io/voice/speech-api-worker@sha256:%064d", i);
        assert_string_equal(got[i], name);
        assert_ptr_equal(strpool_intern(p, name), got[i]);
    }
    assert_int_equal(strlen(big1), 39999);
    assert_int_equal(big1[0], 'b');
    assert_int_equal(big2[0], 'c');
    assert_ptr_equal(strpool_intern(p, big), big2);
    free(big);
    free(got);
    strpool_free(p);
}

static void an_owning_set_keeps_one_copy(void **state)
{
    (void)state;
    strset *s = strset_new();
    strset_insert_owned(s, tt_strdup("ns/a"));
    strset_insert_owned(s, tt_strdup("ns/a")); /* freed at once */
    strset_insert_owned(s, tt_strdup("ns/b"));
    assert_true(strset_has(s, "ns/b"));
    assert_true(strset_has(s, "ns/a"));
    assert_false(strset_has(s, "ns/"));
    assert_false(strset_has(s, "ns/ab"));
    strset_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_same_text_is_one_copy),
        cmocka_unit_test(different_text_is_a_different_copy),
        cmocka_unit_test(many_strings_across_blocks_stay_intact),
        cmocka_unit_test(an_owning_set_keeps_one_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
