/* registry_link_next: tags/list pagination, and Link headers that must not yield a URL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "registry_link.h"

static char out[128];

static bool next(const char *h)
{
    memset(out, 'x', sizeof out);
    return registry_link_next(h, out, sizeof out);
}

static void distribution_style(void **st)
{
    (void)st;
    assert_true(next("</v2/acme/tts/tags/list?last=v12&n=100>; rel=\"next\""));
    assert_string_equal(out, "/v2/acme/tts/tags/list?last=v12&n=100");
}

static void bare_rel_and_case(void **st)
{
    (void)st;
    assert_true(next("</v2/a/tags/list?last=b>;REL=Next"));
    assert_string_equal(out, "/v2/a/tags/list?last=b");
}

static void next_among_several_links(void **st)
{
    (void)st;
    assert_true(next("<https://r/first>; rel=\"first\", <https://r/p2>; title=\"a;b\"; rel=\"prev next\""));
    assert_string_equal(out, "https://r/p2");
}

static void no_next(void **st)
{
    (void)st;
    assert_false(next(NULL));
    assert_false(next(""));
    assert_false(next("</v2/a>; rel=\"prev\""));
    assert_false(next("</v2/a>; rel=\"nextpage\""));   /* a longer name */
    assert_false(next("</v2/a>; rel=\"nex\""));        /* a prefix */
    assert_false(next("</v2/a>"));
    assert_string_equal(out, ""); /* nothing half-written */
}

static void malformed(void **st)
{
    (void)st;
    assert_false(next("/v2/a; rel=next"));              /* no <> */
    assert_false(next("</v2/a; rel=next"));             /* unterminated < */
    assert_false(next("</v2/a>; rel=\"next"));          /* unterminated quote */
    assert_false(next("</v2/a>; =x; rel=next"));        /* empty parameter name */
    assert_false(next("</v2/a>; rel=next garbage"));    /* junk after a link */
    assert_false(next("</v2/a\x1b[2J>; rel=next"));     /* control byte in target */
    assert_false(next("</v2/a b>; rel=next"));          /* space in target */
    assert_false(next("<>; rel=next"));                 /* empty target */
    assert_false(next("</v2/a>; rel=\"ne\\xt\""));      /* escapes not taken */
}

static void too_long(void **st)
{
    (void)st;
    char h[400] = "<";
    memset(h + 1, 'a', 200);
    strcpy(h + 201, ">; rel=next");
    assert_false(next(h));
    char small[5];
    assert_false(registry_link_next("</abcd>; rel=next", small, sizeof small));
    assert_true(registry_link_next("</abc>; rel=next", small, sizeof small));
    assert_string_equal(small, "/abc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(distribution_style),
        cmocka_unit_test(bare_rel_and_case),
        cmocka_unit_test(next_among_several_links),
        cmocka_unit_test(no_next),
        cmocka_unit_test(malformed),
        cmocka_unit_test(too_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
