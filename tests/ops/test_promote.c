/*
 * The release a promotion makes in the target (ops_promote_params): the
 * target's env, model and version, then what the source runs; each fact
 * on its own, and a fact the source does not set is left out (the
 * target's defaults or settings apply, as for a release without it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "change_summary.h"
#include "ops.h"

#define IMG "gcr.io/p/worker@sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"

static ops_promote_source source(void)
{
    ops_promote_source ps;
    memset(&ps, 0, sizeof ps);
    release_facts_init(&ps.facts);
    ps.facts.image[CHANGE_STREAM] = IMG;
    ps.facts.image[CHANGE_VALIDATE] = IMG;
    return ps;
}

/* "param=value ..." of the params, in order. */
static char *text(const ops_promote_source *ps, const char *env, const char *version)
{
    ops_promote_param params[OPS_PROMOTE_MAX_PARAMS];
    size_t n = ops_promote_params(ps, env, "m1", version, params);
    tt_buf b = TT_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        tt_buf_printf(&b, "%s%s=%s", i ? " " : "", params[i].param, params[i].value);
    ops_promote_params_free(params, n);
    return tt_buf_steal(&b);
}

static void assert_text(const ops_promote_source *ps, const char *want)
{
    char *got = text(ps, "prod", "4");
    assert_string_equal(got, want);
    free(got);
}

#define BASE RELEASE_ENV "=prod " RELEASE_MODEL "=m1 " RELEASE_VERSION "=4 " RELEASE_IMAGE "=" IMG

static void only_what_the_source_sets(void **state)
{
    (void)state;
    ops_promote_source ps = source();
    assert_text(&ps, BASE);
}

static void entry_point(void **state)
{
    (void)state;
    ops_promote_source ps = source();
    ps.facts.entrypoint[CHANGE_STREAM] = "src.service.worker:app";
    assert_text(&ps, BASE " " RELEASE_IMAGE_ENTRYPOINT "=src.service.worker:app");
}

static void api_keys_each_way(void **state)
{
    (void)state;
    ops_promote_source ps = source();
    ps.facts.api_keys[CHANGE_STREAM] = 1;
    assert_text(&ps, BASE " " RELEASE_INCLUDE_API_KEYS "=true");
    ps.facts.api_keys[CHANGE_STREAM] = 0;
    assert_text(&ps, BASE " " RELEASE_INCLUDE_API_KEYS "=false");
}

static void each_scale_on_its_own(void **state)
{
    (void)state;
    ops_promote_source ps = source();
    ps.facts.min_scale[CHANGE_STREAM] = 0; /* 0 is set, not unset */
    assert_text(&ps, BASE " " RELEASE_STREAM_MIN_SCALE "=0");
    ps = source();
    ps.facts.max_scale[CHANGE_STREAM] = 20;
    assert_text(&ps, BASE " " RELEASE_STREAM_MAX_SCALE "=20");
    ps = source();
    ps.facts.min_scale[CHANGE_VALIDATE] = 1;
    assert_text(&ps, BASE " " RELEASE_VALIDATE_MIN_SCALE "=1");
    ps = source();
    ps.facts.max_scale[CHANGE_VALIDATE] = 4;
    assert_text(&ps, BASE " " RELEASE_VALIDATE_MAX_SCALE "=4");
}

static void everything_in_order(void **state)
{
    (void)state;
    ops_promote_source ps = source();
    ps.facts.entrypoint[CHANGE_STREAM] = "a:b";
    ps.facts.api_keys[CHANGE_STREAM] = 1;
    ps.facts.min_scale[CHANGE_STREAM] = 1;
    ps.facts.max_scale[CHANGE_STREAM] = 2;
    ps.facts.min_scale[CHANGE_VALIDATE] = 3;
    ps.facts.max_scale[CHANGE_VALIDATE] = 5;
    char *got = text(&ps, "staging", "12");
    assert_string_equal(got, RELEASE_ENV "=staging " RELEASE_MODEL "=m1 " RELEASE_VERSION "=12 "
                             RELEASE_IMAGE "=" IMG " " RELEASE_IMAGE_ENTRYPOINT "=a:b "
                             RELEASE_INCLUDE_API_KEYS "=true " RELEASE_STREAM_MIN_SCALE "=1 "
                             RELEASE_STREAM_MAX_SCALE "=2 " RELEASE_VALIDATE_MIN_SCALE "=3 "
                             RELEASE_VALIDATE_MAX_SCALE "=5");
    free(got);
}

static void no_image_no_parameter(void **state)
{
    (void)state;
    ops_promote_source ps = source();
    ps.facts.image[CHANGE_STREAM] = NULL;
    assert_text(&ps, RELEASE_ENV "=prod " RELEASE_MODEL "=m1 " RELEASE_VERSION "=4");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(only_what_the_source_sets),
        cmocka_unit_test(entry_point),
        cmocka_unit_test(api_keys_each_way),
        cmocka_unit_test(each_scale_on_its_own),
        cmocka_unit_test(everything_in_order),
        cmocka_unit_test(no_image_no_parameter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
