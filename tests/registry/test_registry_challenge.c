/* registry_challenges_parse: WWW-Authenticate as registries send it, and hostile variants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "registry_challenge.h"

static registry_challenge ch[REGISTRY_CHALLENGES_MAX];

static int parse(const char *h)
{
    memset(ch, 0x5a, sizeof ch);
    return registry_challenges_parse(h, ch, REGISTRY_CHALLENGES_MAX);
}

static void docker_hub_bearer(void **st)
{
    (void)st;
    assert_int_equal(parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                           "scope=\"repository:library/nginx:pull\""),
                     1);
    assert_string_equal(ch[0].scheme, "bearer");
    assert_string_equal(ch[0].realm, "https://auth.docker.io/token");
    assert_string_equal(ch[0].service, "registry.docker.io");
    assert_string_equal(ch[0].scope, "repository:library/nginx:pull");
    assert_string_equal(ch[0].error, "");
}

static void quoted_value_with_commas_and_escapes(void **st)
{
    (void)st;
    assert_int_equal(parse("Bearer realm=\"https://a/t\",scope=\"repository:a/b:pull,push\",service=\"s\""), 1);
    assert_string_equal(ch[0].scope, "repository:a/b:pull,push");
    assert_string_equal(ch[0].service, "s");
    assert_int_equal(parse("Bearer realm=\"a\\\"b\\\\c\""), 1);
    assert_string_equal(ch[0].realm, "a\"b\\c");
}

static void several_challenges(void **st)
{
    (void)st;
    assert_int_equal(parse("Basic realm=\"Registry Realm\", Bearer realm=\"https://t/x\",service=\"r\""), 2);
    assert_string_equal(ch[0].scheme, "basic");
    assert_string_equal(ch[0].realm, "Registry Realm");
    assert_string_equal(ch[1].scheme, "bearer");
    assert_string_equal(ch[1].realm, "https://t/x");
    assert_string_equal(ch[1].service, "r");
    /* The second challenge's params do not leak into the first. */
    assert_string_equal(ch[0].service, "");
}

static void bare_tokens_case_and_spaces(void **st)
{
    (void)st;
    assert_int_equal(parse("  BEARER   Realm = tok.realm , SERVICE=reg ,error=insufficient_scope"), 1);
    assert_string_equal(ch[0].scheme, "bearer");
    assert_string_equal(ch[0].realm, "tok.realm");
    assert_string_equal(ch[0].service, "reg");
    assert_string_equal(ch[0].error, "insufficient_scope");
}

static void unknown_params_skipped(void **st)
{
    (void)st;
    assert_int_equal(parse("Bearer charset=\"UTF-8\",realm=\"r\",x=y"), 1);
    assert_string_equal(ch[0].realm, "r");
}

static void scheme_without_params_and_token68(void **st)
{
    (void)st;
    assert_int_equal(parse("Negotiate abc==, Basic realm=\"x\""), 2);
    assert_string_equal(ch[0].scheme, "negotiate");
    assert_string_equal(ch[1].scheme, "basic");
    assert_string_equal(ch[1].realm, "x");
    assert_int_equal(parse("Basic"), 1);
    assert_string_equal(ch[0].realm, "");
}

static void hostile_input(void **st)
{
    (void)st;
    assert_int_equal(parse(NULL), 0);
    assert_int_equal(parse(""), 0);
    assert_int_equal(parse(",,, ,"), 0);
    /* Unterminated quote: the challenge is dropped, earlier ones kept. */
    assert_int_equal(parse("Basic realm=\"x\", Bearer realm=\"https://t"), 1);
    assert_string_equal(ch[0].scheme, "basic");
    /* Control character inside a quoted value. */
    assert_int_equal(parse("Bearer realm=\"a\x1b[2Jb\""), 0);
    /* Backslash at the very end. */
    assert_int_equal(parse("Bearer realm=\"a\\"), 0);
    /* Missing value. */
    assert_int_equal(parse("Bearer realm="), 0);
    /* A URL is not a token: unquoted, the challenge is malformed. */
    assert_int_equal(parse("Bearer realm=https://t/x"), 0);
    /* Garbage instead of a scheme. */
    assert_int_equal(parse("\"Bearer\" realm=x"), 0);
}

static void too_long_is_dropped_not_truncated(void **st)
{
    (void)st;
    char h[1200];
    strcpy(h, "Bearer realm=\"");
    size_t n = strlen(h);
    memset(h + n, 'a', 600); /* realm holds 511 */
    strcpy(h + n + 600, "\", Basic realm=\"ok\"");
    assert_int_equal(parse(h), 1);
    assert_string_equal(ch[0].scheme, "basic");
    assert_string_equal(ch[0].realm, "ok");
    /* An unknown long parameter does not matter. */
    strcpy(h, "Bearer other=\"");
    n = strlen(h);
    memset(h + n, 'a', 600);
    strcpy(h + n + 600, "\",realm=\"r\"");
    assert_int_equal(parse(h), 1);
    assert_string_equal(ch[0].realm, "r");
    /* A scheme name too long. */
    assert_int_equal(parse("Bearerbearerbearer realm=x"), 0);
}

static void max_respected(void **st)
{
    (void)st;
    registry_challenge two[2];
    assert_int_equal(registry_challenges_parse("Basic, Bearer, Digest, Negotiate", two, 2), 2);
    assert_string_equal(two[1].scheme, "bearer");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(docker_hub_bearer),
        cmocka_unit_test(quoted_value_with_commas_and_escapes),
        cmocka_unit_test(several_challenges),
        cmocka_unit_test(bare_tokens_case_and_spaces),
        cmocka_unit_test(unknown_params_skipped),
        cmocka_unit_test(scheme_without_params_and_token68),
        cmocka_unit_test(hostile_input),
        cmocka_unit_test(too_long_is_dropped_not_truncated),
        cmocka_unit_test(max_respected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
