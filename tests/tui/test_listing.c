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

/* ---- a namespace's keys against the progress ------------------------------ */

static void a_namespace_is_past_once_the_list_is_beyond_its_keys(void **state)
{
    (void)state;
    assert_true(tui_listing_key_past("b/stream", "a"));
    assert_true(tui_listing_key_past("a0/stream", "a"));
    /* its last service may not be its last key: not past yet */
    assert_false(tui_listing_key_past("a/validate", "a"));
    assert_false(tui_listing_key_past("a/stream", "a"));
    assert_false(tui_listing_key_past("a", "a"));
    assert_false(tui_listing_key_past("", "a"));
    assert_false(tui_listing_key_past(NULL, "a"));
    /* before it in key order, though after it by name */
    assert_false(tui_listing_key_past("Z/stream", "a"));
    assert_false(tui_listing_key_past("a-b/stream", "a"));
    assert_true(tui_listing_key_past("tts/stream", "tts-beta"));
    assert_false(tui_listing_key_past("tts-beta/stream", "tts"));
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

/* "tts-beta" with the services list past its keys: final once the
 * namespaces list is past "tts" without a namespace "tts" (no model tts
 * can come), not while a namespace "tts" is there and its services are
 * still to come. */
static void a_dashed_name_needs_no_model_of_its_prefix_to_come(void **state)
{
    (void)state;
    tui_listing l = {0};
    start(&l);
    tui_fleet_batch *b = tui_fleet_batch_new();
    add(b, FLEET_KIND_SERVICE, "tts-beta", "stream");
    add(b, FLEET_KIND_SERVICE, "tts-gamma", "stream");
    add(b, FLEET_KIND_NAMESPACE, NULL, "tts-alpha");
    feed(&l, b);
    /* the namespaces list is not past "tts-beta" */
    assert_false(tui_listing_model_final(&l, "tts-beta"));
    b = tui_fleet_batch_new();
    add(b, FLEET_KIND_NAMESPACE, NULL, "tts-beta");
    feed(&l, b);
    /* the namespaces list went past "tts" (< "tts-alpha" by name) with no
     * namespace tts: no model tts can come above it */
    assert_true(tui_listing_model_final(&l, "tts-beta"));
    assert_false(tui_listing_model_final(&l, "tts-gamma")); /* services not past its keys */
    assert_false(tui_listing_model_final(&l, "tts0")); /* no service of it yet */
    tui_listing_clear(&l);

    /* the same with a namespace "tts" listed: its services must come first */
    start(&l);
    b = tui_fleet_batch_new();
    add(b, FLEET_KIND_NAMESPACE, NULL, "tts");
    add(b, FLEET_KIND_NAMESPACE, NULL, "tts-beta");
    add(b, FLEET_KIND_NAMESPACE, NULL, "tts0");
    add(b, FLEET_KIND_SERVICE, "tts-beta", "stream");
    add(b, FLEET_KIND_SERVICE, "tts-gamma", "stream");
    feed(&l, b);
    assert_false(tui_listing_model_final(&l, "tts-beta"));
    b = tui_fleet_batch_new();
    add(b, FLEET_KIND_SERVICE, "tts", "validate");
    feed(&l, b);
    assert_false(tui_listing_model_final(&l, "tts-beta")); /* tts/zz could still come */
    b = tui_fleet_batch_new();
    add(b, FLEET_KIND_SERVICE, "tts0", "stream");
    feed(&l, b);
    assert_true(tui_listing_model_final(&l, "tts-beta"));
    assert_true(tui_listing_model_final(&l, "tts"));
    tui_listing_clear(&l);

    /* two dashes: each prefix counts ("a" is not a namespace, "a-b" is) */
    start(&l);
    b = tui_fleet_batch_new();
    add(b, FLEET_KIND_NAMESPACE, NULL, "a-b");
    add(b, FLEET_KIND_NAMESPACE, NULL, "a-b-c");
    add(b, FLEET_KIND_NAMESPACE, NULL, "a0");
    add(b, FLEET_KIND_SERVICE, "a-b-c", "stream");
    add(b, FLEET_KIND_SERVICE, "a-b-d", "stream");
    feed(&l, b);
    assert_false(tui_listing_model_final(&l, "a-b-c")); /* a model a-b may still come */
    b = tui_fleet_batch_new();
    add(b, FLEET_KIND_SERVICE, "a0", "stream");
    feed(&l, b);
    assert_true(tui_listing_model_final(&l, "a-b-c"));
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

/* A model's revisions are all in once both its services and its revisions
 * are: each list complete or past the model's keys, one at a time; the
 * namespaces, the pin and prefixes of the name play no part. */
static void a_models_revisions_are_in_when_both_lists_are_past_it(void **state)
{
    (void)state;
    tui_listing l = {0};
    assert_false(tui_listing_model_revisions_in(&l, "m")); /* nothing listed */
    tui_fleet_batch *b = tui_fleet_batch_new();
    begin(b, FLEET_KIND_SERVICE);
    begin(b, FLEET_KIND_REVISION);
    add(b, FLEET_KIND_SERVICE, "m", "stream");
    add(b, FLEET_KIND_SERVICE, "m", "validate");
    add(b, FLEET_KIND_REVISION, "m", "stream-1");
    add(b, FLEET_KIND_REVISION, "m", "stream-2");
    feed(&l, b);
    assert_false(tui_listing_model_revisions_in(&l, NULL));
    assert_false(tui_listing_model_revisions_in(&l, "m")); /* m/validate-2 may come */
    b = tui_fleet_batch_new();
    add(b, FLEET_KIND_SERVICE, "n", "stream"); /* services past m */
    feed(&l, b);
    assert_false(tui_listing_model_revisions_in(&l, "m")); /* revisions are not */
    b = tui_fleet_batch_new();
    add(b, FLEET_KIND_REVISION, "m", "validate-2");
    feed(&l, b);
    assert_false(tui_listing_model_revisions_in(&l, "m"));
    b = tui_fleet_batch_new();
    add(b, FLEET_KIND_REVISION, "m0", "stream-1"); /* revisions past m too */
    feed(&l, b);
    assert_true(tui_listing_model_revisions_in(&l, "m"));
    assert_true(tui_listing_model_revisions_in(&l, "m-beta")); /* before m in key order */
    assert_false(tui_listing_model_revisions_in(&l, "m0"));
    assert_false(tui_listing_model_revisions_in(&l, "n"));  /* services at n/stream */
    /* the revisions complete, the services still at n: n waits for them */
    b = tui_fleet_batch_new();
    sweep(b, FLEET_KIND_REVISION);
    feed(&l, b);
    assert_false(tui_listing_model_revisions_in(&l, "n"));
    b = tui_fleet_batch_new();
    sweep(b, FLEET_KIND_SERVICE);
    feed(&l, b);
    assert_true(tui_listing_model_revisions_in(&l, "n"));
    assert_true(tui_listing_model_revisions_in(&l, "zzz"));
    /* a relist after a complete list: still in (listed stays) */
    b = tui_fleet_batch_new();
    begin(b, FLEET_KIND_REVISION);
    feed(&l, b);
    assert_true(tui_listing_model_revisions_in(&l, "zzz"));
    /* a reset: nothing is */
    b = tui_fleet_batch_new();
    tui_fleet_batch_add(b, TUI_FLEET_RESET, FLEET_KIND_SERVICE, NULL);
    feed(&l, b);
    assert_false(tui_listing_model_revisions_in(&l, "m"));
    tui_listing_clear(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_namespace_is_past_once_the_list_is_beyond_its_keys),
        cmocka_unit_test(a_dashed_name_needs_no_model_of_its_prefix_to_come),
        cmocka_unit_test(rows_are_final_as_the_lists_pass_them_in_key_order),
        cmocka_unit_test(a_row_waits_for_its_namespace_and_the_pin),
        cmocka_unit_test(without_the_pin_no_row_is_final),
        cmocka_unit_test(a_restarted_list_starts_its_progress_again),
        cmocka_unit_test(the_expected_count_scales_the_models_by_what_is_left),
        cmocka_unit_test(a_models_revisions_are_in_when_both_lists_are_past_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
