/*
 * tui/listing.c: how far the first lists have come, from the fleet
 * batches, and the rule for a final row of the dashboard (listing.h):
 * storage-key order of a paged list against the name order of the rows,
 * with names that are prefixes of others ("tts", "tts-beta", "tts0").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"

/* ---- the services rule on its own ---------------------------------------- */

static void a_model_is_past_once_the_list_is_beyond_its_keys(void **state)
{
    (void)state;
    assert_true(tui_listing_key_past("b/stream", "a"));
    assert_true(tui_listing_key_past("a0/stream", "a"));
    /* its own last service may not be its last key: not past yet */
    assert_false(tui_listing_key_past("a/validate", "a"));
    assert_false(tui_listing_key_past("a/stream", "a"));
    assert_false(tui_listing_key_past("a", "a"));
    assert_false(tui_listing_key_past("", "a"));
    assert_false(tui_listing_key_past(NULL, "a"));
    /* before it in key order */
    assert_false(tui_listing_key_past("Z/stream", "a"));
    assert_false(tui_listing_key_past("a-b/stream", "a"));
}

/* "tts-beta/x" < "tts/x" < "tts0/x" by key, "tts" < "tts-beta" < "tts0"
 * by name: tts-beta's row is final only once tts's keys are past too (a
 * model "tts" could still be added above it). */
static void a_name_with_a_dash_waits_for_the_prefix_before_it(void **state)
{
    (void)state;
    assert_false(tui_listing_key_past("tts-beta/validate", "tts-beta"));
    assert_false(tui_listing_key_past("tts-gamma/stream", "tts-beta")); /* past its own keys only */
    assert_false(tui_listing_key_past("tts/stream", "tts-beta"));
    assert_false(tui_listing_key_past("tts/validate", "tts-beta"));
    assert_true(tui_listing_key_past("tts0/stream", "tts-beta"));
    assert_true(tui_listing_key_past("tts0/stream", "tts"));
    assert_false(tui_listing_key_past("tts0/stream", "tts0"));
    assert_true(tui_listing_key_past("tts1/stream", "tts0"));
    assert_true(tui_listing_key_past("ttt/stream", "tts-beta"));
    /* two dashes: the first one counts */
    assert_false(tui_listing_key_past("a-b/stream", "a-b-c"));
    assert_true(tui_listing_key_past("a0/stream", "a-b-c"));
    /* a dot sorts before '/' too */
    assert_false(tui_listing_key_past("a.b/x", "a.b"));
    assert_true(tui_listing_key_past("a0", "a.b"));
}

/* ---- from batches ---------------------------------------------------------- */

static json_t *obj(const char *ns, const char *name)
{
    return ns ? json_pack("{s:{s:s,s:s}}", "metadata", "namespace", ns, "name", name)
              : json_pack("{s:{s:s}}", "metadata", "name", name);
}

static void add(tui_fleet_batch *b, fleet_kind k, const char *ns, const char *name)
{
    json_t *o = obj(ns, name);
    tui_fleet_batch_add(b, TUI_FLEET_APPLY, k, o);
    json_decref(o);
}

static void begin(tui_fleet_batch *b, fleet_kind k)
{
    tui_fleet_batch_add(b, TUI_FLEET_BEGIN_RELIST, k, NULL);
}

static void sweep(tui_fleet_batch *b, fleet_kind k)
{
    tui_fleet_batch_add(b, TUI_FLEET_SWEEP, k, NULL);
}

/* Feeds one batch, frees it. */
static void feed(tui_listing *l, tui_fleet_batch *b)
{
    tui_listing_note(l, b);
    tui_fleet_batch_free(b);
}

/* The pin listed, the services and namespaces under way. */
static void start(tui_listing *l)
{
    tui_listing_clear(l);
    tui_fleet_batch *b = tui_fleet_batch_new();
    begin(b, FLEET_KIND_PIN);
    sweep(b, FLEET_KIND_PIN);
    begin(b, FLEET_KIND_SERVICE);
    begin(b, FLEET_KIND_NAMESPACE);
    feed(l, b);
}

static void rows_are_final_as_the_lists_pass_them_in_key_order(void **state)
{
    (void)state;
    tui_listing l = {0};
    start(&l);
    tui_fleet_batch *b = tui_fleet_batch_new();
    add(b, FLEET_KIND_NAMESPACE, NULL, "tts");
    add(b, FLEET_KIND_NAMESPACE, NULL, "tts-beta");
    add(b, FLEET_KIND_NAMESPACE, NULL, "tts0");
    add(b, FLEET_KIND_SERVICE, "tts-beta", "stream");
    add(b, FLEET_KIND_SERVICE, "tts-beta", "validate");
    feed(&l, b);
    assert_false(tui_listing_model_final(&l, "tts-beta")); /* tts may still come above it */
    assert_false(tui_listing_model_final(&l, "tts"));
    b = tui_fleet_batch_new();
    add(b, FLEET_KIND_SERVICE, "tts", "stream");
    add(b, FLEET_KIND_SERVICE, "tts", "validate");
    feed(&l, b);
    assert_false(tui_listing_model_final(&l, "tts")); /* tts/zz could still come */
    assert_false(tui_listing_model_final(&l, "tts-beta"));
    b = tui_fleet_batch_new();
    add(b, FLEET_KIND_SERVICE, "tts0", "stream");
    feed(&l, b);
    assert_true(tui_listing_model_final(&l, "tts"));
    assert_true(tui_listing_model_final(&l, "tts-beta"));
    assert_false(tui_listing_model_final(&l, "tts0"));
    /* the end of the list: everything */
    b = tui_fleet_batch_new();
    sweep(b, FLEET_KIND_SERVICE);
    feed(&l, b);
    assert_true(tui_listing_model_final(&l, "tts0"));
    assert_false(tui_listing_all_listed(&l)); /* namespaces still under way */
    tui_listing_clear(&l);
}

static void a_row_waits_for_its_namespace_and_the_pin(void **state)
{
    (void)state;
    tui_listing l = {0};
    start(&l);
    tui_fleet_batch *b = tui_fleet_batch_new();
    add(b, FLEET_KIND_SERVICE, "b", "stream");
    add(b, FLEET_KIND_SERVICE, "c", "stream");
    add(b, FLEET_KIND_NAMESPACE, NULL, "a");
    feed(&l, b);
    assert_false(tui_listing_model_final(&l, "b")); /* namespace "b" not yet */
    b = tui_fleet_batch_new();
    add(b, FLEET_KIND_NAMESPACE, NULL, "b");
    feed(&l, b);
    assert_true(tui_listing_model_final(&l, "b"));
    assert_false(tui_listing_model_final(&l, "c"));
    /* a relist of the pin (reconnect) keeps what its first list said */
    b = tui_fleet_batch_new();
    begin(b, FLEET_KIND_PIN);
    feed(&l, b);
    assert_true(tui_listing_model_final(&l, "b"));
    /* a context switch: nothing is listed */
    b = tui_fleet_batch_new();
    tui_fleet_batch_add(b, TUI_FLEET_RESET, FLEET_KIND_SERVICE, NULL);
    feed(&l, b);
    assert_false(tui_listing_model_final(&l, "b"));
    tui_listing_clear(&l);
}

static void without_the_pin_no_row_is_final(void **state)
{
    (void)state;
    tui_listing l = {0};
    tui_listing_clear(&l);
    tui_fleet_batch *b = tui_fleet_batch_new();
    begin(b, FLEET_KIND_SERVICE);
    add(b, FLEET_KIND_SERVICE, "b", "stream");
    sweep(b, FLEET_KIND_SERVICE);
    begin(b, FLEET_KIND_NAMESPACE);
    sweep(b, FLEET_KIND_NAMESPACE);
    feed(&l, b);
    assert_false(tui_listing_model_final(&l, "a"));
    assert_false(tui_listing_all_listed(&l));
    b = tui_fleet_batch_new();
    begin(b, FLEET_KIND_PIN);
    sweep(b, FLEET_KIND_PIN);
    feed(&l, b);
    assert_true(tui_listing_model_final(&l, "a"));
    assert_true(tui_listing_all_listed(&l));
    tui_listing_clear(&l);
}

/* A restarted list (an expired continue token: BEGIN_RELIST again) starts
 * its progress again. */
static void a_restarted_list_starts_its_progress_again(void **state)
{
    (void)state;
    tui_listing l = {0};
    start(&l);
    tui_fleet_batch *b = tui_fleet_batch_new();
    add(b, FLEET_KIND_NAMESPACE, NULL, "z");
    add(b, FLEET_KIND_SERVICE, "m", "stream");
    feed(&l, b);
    assert_true(tui_listing_model_final(&l, "a"));
    b = tui_fleet_batch_new();
    begin(b, FLEET_KIND_SERVICE);
    feed(&l, b);
    assert_false(tui_listing_model_final(&l, "a"));
    tui_listing_clear(&l);
}

static void the_expected_count_scales_the_models_by_what_is_left(void **state)
{
    (void)state;
    tui_listing l = {0};
    start(&l);
    assert_int_equal(tui_listing_models_expected(&l, 0), -1); /* nothing yet */
    tui_fleet_batch *b = tui_fleet_batch_new();
    char ns[16];
    for (int i = 0; i < 4; i++) {
        snprintf(ns, sizeof ns, "m%d", i);
        add(b, FLEET_KIND_SERVICE, ns, "stream");
        add(b, FLEET_KIND_SERVICE, ns, "validate");
    }
    tui_fleet_batch_add_page(b, FLEET_KIND_SERVICE, 12); /* 8 came, 12 left: 20 */
    feed(&l, b);
    assert_int_equal(tui_listing_models_expected(&l, 4), 10);
    b = tui_fleet_batch_new();
    tui_fleet_batch_add_page(b, FLEET_KIND_SERVICE, -1); /* the server did not say */
    feed(&l, b);
    assert_int_equal(tui_listing_models_expected(&l, 4), -1);
    b = tui_fleet_batch_new();
    tui_fleet_batch_add_page(b, FLEET_KIND_SERVICE, 0);
    sweep(b, FLEET_KIND_SERVICE);
    feed(&l, b);
    assert_int_equal(tui_listing_models_expected(&l, 4), -1); /* listed: no estimate */
    tui_listing_clear(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_model_is_past_once_the_list_is_beyond_its_keys),
        cmocka_unit_test(a_name_with_a_dash_waits_for_the_prefix_before_it),
        cmocka_unit_test(rows_are_final_as_the_lists_pass_them_in_key_order),
        cmocka_unit_test(a_row_waits_for_its_namespace_and_the_pin),
        cmocka_unit_test(without_the_pin_no_row_is_final),
        cmocka_unit_test(a_restarted_list_starts_its_progress_again),
        cmocka_unit_test(the_expected_count_scales_the_models_by_what_is_left),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
