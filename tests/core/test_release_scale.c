/*
 * The scale rule both faces share (release_params_scales_from_live): each
 * service's bound is its own parameter given, else the flat one given,
 * else what that service runs live, else the template's default. Each
 * condition on its own, from the state of the issue: stream live 1-32,
 * validate live 1-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "release_params.h"
#include "tt_common.h"

#define IMAGE                                                                                      \
    "gcr.io/voice-service-2-313121/speech-api-worker@sha256:"                                     \
    "3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"

static release_live_scales live_of(int smin, int smax, int vmin, int vmax)
{
    release_live_scales l;
    l.min[RELEASE_STREAM] = smin;
    l.max[RELEASE_STREAM] = smax;
    l.min[RELEASE_VALIDATE] = vmin;
    l.max[RELEASE_VALIDATE] = vmax;
    return l;
}

/* The issue's model: stream 1-32, validate 1-8. */
static release_live_scales issue_live(void)
{
    return live_of(1, 32, 1, 8);
}

static void set(release_params *p, const char *name, const char *value)
{
    assert_int_equal(release_params_set(p, name, value, NULL), 0);
}

/* "stream min-max, validate min-max" as each service renders. */
static void assert_scales(const release_params *p, const char *want)
{
    char got[128];
    snprintf(got, sizeof got, "stream %s-%s, validate %s-%s",
             release_params_service_scale(p, RELEASE_STREAM, false),
             release_params_service_scale(p, RELEASE_STREAM, true),
             release_params_service_scale(p, RELEASE_VALIDATE, false),
             release_params_service_scale(p, RELEASE_VALIDATE, true));
    assert_string_equal(got, want);
}

/* "smin smax vmin vmax" of what was taken (-1: not taken). */
static void assert_taken(const release_live_scales *t, const char *want)
{
    char got[64];
    snprintf(got, sizeof got, "%d %d %d %d", t->min[RELEASE_STREAM], t->max[RELEASE_STREAM],
             t->min[RELEASE_VALIDATE], t->max[RELEASE_VALIDATE]);
    assert_string_equal(got, want);
}

static void assert_unset(const release_params *p, const char *name)
{
    assert_null(release_params_get(p, name));
}

static void nothing_given_takes_each_service_as_live(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    release_live_scales live = issue_live(), taken;
    assert_int_equal(release_params_scales_from_live(p, &live, &taken), 4);
    assert_scales(p, "stream 1-32, validate 1-8");
    assert_taken(&taken, "1 32 1 8");
    /* the mins alike: the flat parameter; the maxes apart: each its own */
    assert_string_equal(release_params_get(p, RELEASE_MIN_SCALE), "1");
    assert_unset(p, RELEASE_STREAM_MIN_SCALE);
    assert_unset(p, RELEASE_VALIDATE_MIN_SCALE);
    assert_string_equal(release_params_get(p, RELEASE_STREAM_MAX_SCALE), "32");
    assert_string_equal(release_params_get(p, RELEASE_VALIDATE_MAX_SCALE), "8");
    /* taken, not given */
    assert_false(release_params_is_given(p, RELEASE_MIN_SCALE));
    assert_false(release_params_is_given(p, RELEASE_VALIDATE_MAX_SCALE));
    release_params_free(p);
}

static void services_alike_use_only_the_flat_parameters(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    release_live_scales live = live_of(2, 16, 2, 16);
    assert_int_equal(release_params_scales_from_live(p, &live, NULL), 4);
    assert_scales(p, "stream 2-16, validate 2-16");
    assert_string_equal(release_params_get(p, RELEASE_MIN_SCALE), "2");
    assert_string_equal(release_params_get(p, RELEASE_MAX_SCALE), "16");
    assert_unset(p, RELEASE_STREAM_MIN_SCALE);
    assert_unset(p, RELEASE_STREAM_MAX_SCALE);
    assert_unset(p, RELEASE_VALIDATE_MIN_SCALE);
    assert_unset(p, RELEASE_VALIDATE_MAX_SCALE);
    release_params_free(p);
}

static void not_live_keeps_the_template_defaults(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    release_live_scales live, taken;
    release_live_scales_init(&live);
    assert_int_equal(release_params_scales_from_live(p, &live, &taken), 0);
    assert_scales(p, "stream 0-32, validate 0-32");
    assert_taken(&taken, "-1 -1 -1 -1");
    assert_unset(p, RELEASE_STREAM_MAX_SCALE);
    assert_unset(p, RELEASE_VALIDATE_MAX_SCALE);
    release_params_free(p);
}

static void validate_not_live_takes_the_defaults(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    release_live_scales live = live_of(1, 16, -1, -1), taken;
    assert_int_equal(release_params_scales_from_live(p, &live, &taken), 2);
    assert_scales(p, "stream 1-16, validate 0-32");
    assert_taken(&taken, "1 16 -1 -1");
    release_params_free(p);
}

static void stream_not_live_takes_the_defaults(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    release_live_scales live = live_of(-1, -1, 1, 8);
    assert_int_equal(release_params_scales_from_live(p, &live, NULL), 2);
    assert_scales(p, "stream 0-32, validate 1-8");
    release_params_free(p);
}

static void one_bound_unknown_takes_its_default(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    release_live_scales live = live_of(1, 32, 1, -1), taken;
    assert_int_equal(release_params_scales_from_live(p, &live, &taken), 3);
    assert_scales(p, "stream 1-32, validate 1-32");
    assert_taken(&taken, "1 32 1 -1");
    release_params_free(p);
}

static void own_max_given_wins_for_that_bound_only(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    set(p, RELEASE_VALIDATE_MAX_SCALE, "10");
    release_live_scales live = issue_live(), taken;
    assert_int_equal(release_params_scales_from_live(p, &live, &taken), 3);
    assert_scales(p, "stream 1-32, validate 1-10");
    assert_taken(&taken, "1 32 1 -1");
    assert_true(release_params_is_given(p, RELEASE_VALIDATE_MAX_SCALE));
    release_params_free(p);
}

static void own_min_given_wins_for_that_bound_only(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    set(p, RELEASE_STREAM_MIN_SCALE, "3");
    release_live_scales live = issue_live(), taken;
    assert_int_equal(release_params_scales_from_live(p, &live, &taken), 3);
    assert_scales(p, "stream 3-32, validate 1-8");
    assert_taken(&taken, "-1 32 1 8");
    release_params_free(p);
}

static void flat_max_given_sets_both_maxes(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    set(p, RELEASE_MAX_SCALE, "40");
    release_live_scales live = issue_live(), taken;
    assert_int_equal(release_params_scales_from_live(p, &live, &taken), 2);
    assert_scales(p, "stream 1-40, validate 1-40");
    assert_taken(&taken, "1 -1 1 -1");
    release_params_free(p);
}

static void flat_min_given_sets_both_mins(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    set(p, RELEASE_MIN_SCALE, "0");
    release_live_scales live = issue_live(), taken;
    assert_int_equal(release_params_scales_from_live(p, &live, &taken), 2);
    assert_scales(p, "stream 0-32, validate 0-8");
    assert_taken(&taken, "-1 32 -1 8");
    release_params_free(p);
}

/* A given default is given: --max-scale 32 moves validate to 32. */
static void flat_given_as_its_default_still_wins(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    set(p, RELEASE_MAX_SCALE, "32");
    release_live_scales live = issue_live();
    release_params_scales_from_live(p, &live, NULL);
    assert_scales(p, "stream 1-32, validate 1-32");
    release_params_free(p);
}

static void own_beats_flat(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    set(p, RELEASE_MAX_SCALE, "40");
    set(p, RELEASE_VALIDATE_MAX_SCALE, "4");
    release_live_scales live = issue_live();
    release_params_scales_from_live(p, &live, NULL);
    assert_scales(p, "stream 1-40, validate 1-4");
    release_params_free(p);
}

static void every_bound_given_takes_nothing(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    set(p, RELEASE_STREAM_MIN_SCALE, "5");
    set(p, RELEASE_STREAM_MAX_SCALE, "6");
    set(p, RELEASE_VALIDATE_MIN_SCALE, "7");
    set(p, RELEASE_VALIDATE_MAX_SCALE, "9");
    release_live_scales live = issue_live(), taken;
    assert_int_equal(release_params_scales_from_live(p, &live, &taken), 0);
    assert_scales(p, "stream 5-6, validate 7-9");
    assert_taken(&taken, "-1 -1 -1 -1");
    release_params_free(p);
}

/* A parameter reset with NULL is not given any more. */
static void reset_is_not_given(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    assert_false(release_params_is_given(p, RELEASE_MAX_SCALE));
    set(p, RELEASE_MAX_SCALE, "40");
    assert_true(release_params_is_given(p, RELEASE_MAX_SCALE));
    set(p, RELEASE_MAX_SCALE, NULL);
    assert_false(release_params_is_given(p, RELEASE_MAX_SCALE));
    assert_false(release_params_is_given(p, "noSuchParameter"));
    release_live_scales live = issue_live();
    release_params_scales_from_live(p, &live, NULL);
    assert_scales(p, "stream 1-32, validate 1-8");
    release_params_free(p);
}

/* Again with other live scales: the earlier live values are replaced, the
 * given ones kept. */
static void again_replaces_what_was_taken(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    set(p, RELEASE_STREAM_MAX_SCALE, "20");
    release_live_scales a = live_of(2, 16, 2, 16), b = issue_live();
    release_params_scales_from_live(p, &a, NULL);
    assert_scales(p, "stream 2-20, validate 2-16");
    release_params_scales_from_live(p, &b, NULL);
    assert_scales(p, "stream 1-20, validate 1-8");
    release_live_scales none;
    release_live_scales_init(&none);
    release_params_scales_from_live(p, &none, NULL);
    assert_scales(p, "stream 0-20, validate 0-32");
    assert_unset(p, RELEASE_VALIDATE_MAX_SCALE);
    release_params_free(p);
}

static void clone_keeps_where_values_came_from(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    set(p, RELEASE_VALIDATE_MAX_SCALE, "10");
    release_live_scales live = issue_live();
    release_params_scales_from_live(p, &live, NULL);
    release_params *c = release_params_clone(p);
    release_params_free(p);
    assert_true(release_params_is_given(c, RELEASE_VALIDATE_MAX_SCALE));
    assert_false(release_params_is_given(c, RELEASE_STREAM_MAX_SCALE));
    release_live_scales other = live_of(4, 4, 4, 4);
    release_params_scales_from_live(c, &other, NULL);
    assert_scales(c, "stream 4-4, validate 4-10");
    release_params_free(c);
}

/* A release ready but for its scales, validated: the first error's text. */
static char *first_error(release_params *p)
{
    set(p, RELEASE_ENV, "staging");
    set(p, RELEASE_MODEL, "m1");
    set(p, RELEASE_VERSION, "2");
    set(p, RELEASE_IMAGE, IMAGE);
    release_diags d = RELEASE_DIAGS_INIT;
    release_validate_options o = {.skip_files = true};
    release_params_validate(p, &o, &d);
    char *msg = NULL;
    for (size_t i = 0; i < d.n && !msg; i++)
        if (d.items[i].severity == RELEASE_ERROR)
            msg = tt_strdup(d.items[i].message);
    release_diags_free(&d);
    return msg;
}

static void a_given_bound_against_a_live_one_says_which_is_live(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    set(p, RELEASE_VALIDATE_MIN_SCALE, "10");
    release_live_scales live = issue_live();
    release_params_scales_from_live(p, &live, NULL);
    char *msg = first_error(p);
    assert_non_null(msg);
    assert_string_equal(msg, "validateMinScale 10 is greater than validateMaxScale 8 (as live)");
    free(msg);
    release_params_free(p);
}

static void a_flat_bound_against_a_live_one_says_which_is_live(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    set(p, RELEASE_MIN_SCALE, "40");
    release_live_scales live = live_of(1, 32, 1, 32);
    release_params_scales_from_live(p, &live, NULL);
    char *msg = first_error(p);
    assert_non_null(msg);
    assert_string_equal(msg, "minScale 40 is greater than maxScale 32 (as live)");
    free(msg);
    release_params_free(p);
}

static void given_bounds_are_not_marked_live(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    set(p, RELEASE_VALIDATE_MIN_SCALE, "10");
    set(p, RELEASE_VALIDATE_MAX_SCALE, "8");
    release_live_scales live = issue_live();
    release_params_scales_from_live(p, &live, NULL);
    char *msg = first_error(p);
    assert_non_null(msg);
    assert_string_equal(msg, "validateMinScale 10 is greater than validateMaxScale 8");
    free(msg);
    release_params_free(p);
}

static void live_scales_are_valid(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    release_live_scales live = issue_live();
    release_params_scales_from_live(p, &live, NULL);
    char *msg = first_error(p);
    assert_null(msg);
    release_params_free(p);
}

static void service_scale_of_another_service_is_null(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    assert_null(release_params_service_scale(p, RELEASE_SERVICES, true));
    assert_null(release_params_service_scale(p, -1, false));
    release_params_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nothing_given_takes_each_service_as_live),
        cmocka_unit_test(services_alike_use_only_the_flat_parameters),
        cmocka_unit_test(not_live_keeps_the_template_defaults),
        cmocka_unit_test(validate_not_live_takes_the_defaults),
        cmocka_unit_test(stream_not_live_takes_the_defaults),
        cmocka_unit_test(one_bound_unknown_takes_its_default),
        cmocka_unit_test(own_max_given_wins_for_that_bound_only),
        cmocka_unit_test(own_min_given_wins_for_that_bound_only),
        cmocka_unit_test(flat_max_given_sets_both_maxes),
        cmocka_unit_test(flat_min_given_sets_both_mins),
        cmocka_unit_test(flat_given_as_its_default_still_wins),
        cmocka_unit_test(own_beats_flat),
        cmocka_unit_test(every_bound_given_takes_nothing),
        cmocka_unit_test(reset_is_not_given),
        cmocka_unit_test(again_replaces_what_was_taken),
        cmocka_unit_test(clone_keeps_where_values_came_from),
        cmocka_unit_test(a_given_bound_against_a_live_one_says_which_is_live),
        cmocka_unit_test(a_flat_bound_against_a_live_one_says_which_is_live),
        cmocka_unit_test(given_bounds_are_not_marked_live),
        cmocka_unit_test(live_scales_are_valid),
        cmocka_unit_test(service_scale_of_another_service_is_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
