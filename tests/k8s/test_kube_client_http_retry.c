/*
 * Retries of the transport against the scripted server
 * (support/scripted_server.c): idempotent requests retry transient
 * statuses and broken connections with bounded, growing waits (Retry-After
 * honoured); real writes and watches are never retried this way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kube_discovery.h"
#include "kube_watch.h"
#include "support/scripted_server.h"

/* ---- retries of idempotent requests --------------------------------------- */

static json_t *get_pod(kube_client *c, const char *name, tt_error *err)
{
    return kube_get(c, &KUBE_GVR_PODS, "r", name, err);
}

static void get_answered_503_then_200_is_retried(void **state)
{
    tt_error err;
    json_t *pod = get_pod(*state, "busy", &err);
    if (!pod)
        fail_msg("%s", err.message);
    json_decref(pod);
    assert_int_equal(hits(SC_BUSY), 2);
    assert_int_equal(Slept.n, 1);
    /* the first backoff: 250 ms plus up to half again */
    assert_true(Slept.ms[0] >= 250 && Slept.ms[0] <= 375);
}

static void retry_after_of_a_429_is_honoured(void **state)
{
    tt_error err;
    json_t *pod = get_pod(*state, "limited", &err);
    if (!pod)
        fail_msg("%s", err.message);
    json_decref(pod);
    assert_int_equal(hits(SC_LIMITED), 2);
    assert_int_equal(Slept.n, 1);
    assert_int_equal(Slept.ms[0], 2000);
}

/* Each transient status on its own is retried (429, 500, 502, 503, 504);
 * any other error answer is final at once. */
static void only_transient_statuses_are_retried(void **state)
{
    kube_client_set_retry(*state, &(kube_retry_policy){.max_attempts = 2,
                                                       .sleep = record_sleep});
    static const struct {
        int code, attempts;
    } cases[] = {{429, 2}, {500, 2}, {502, 2}, {503, 2}, {504, 2},
                 {400, 1}, {403, 1}, {404, 1}, {409, 1}, {501, 1}, {505, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "code-%d", cases[i].code);
        int before = hits(SC_CODE);
        tt_error err;
        assert_null(get_pod(*state, name, &err));
        if (hits(SC_CODE) - before != cases[i].attempts)
            fail_msg("status %d: %d attempts, expected %d", cases[i].code,
                     hits(SC_CODE) - before, cases[i].attempts);
    }
}

static void retries_are_bounded_with_growing_waits(void **state)
{
    tt_error err;
    assert_null(get_pod(*state, "down", &err));
    assert_int_equal(err.code, 503);
    assert_string_equal(err.reason, "ServiceUnavailable");
    assert_int_equal(hits(SC_DOWN), 5);
    assert_int_equal(Slept.n, 4);
    for (int i = 0; i < 4; i++) {
        long base = 250L << i;
        assert_true(Slept.ms[i] >= base && Slept.ms[i] <= base + base / 2);
    }
    /* a policy of one attempt does not retry */
    kube_client_set_retry(*state, &(kube_retry_policy){.max_attempts = 1,
                                                       .sleep = record_sleep});
    assert_null(get_pod(*state, "down", &err));
    assert_int_equal(hits(SC_DOWN), 6);
}

static void waits_are_capped(void **state)
{
    kube_client_set_retry(*state, &(kube_retry_policy){.max_attempts = 8, .initial_ms = 1000,
                                                       .max_ms = 3000, .sleep = record_sleep});
    tt_error err;
    assert_null(get_pod(*state, "down", &err));
    assert_int_equal(hits(SC_DOWN), 8);
    for (int i = 0; i < Slept.n; i++)
        assert_true(Slept.ms[i] >= 1000 && Slept.ms[i] <= 3000);
    assert_int_equal(Slept.ms[6], 3000);
}

static void get_whose_connection_broke_off_is_retried(void **state)
{
    tt_error err;
    json_t *pod = get_pod(*state, "drop", &err);
    if (!pod)
        fail_msg("%s", err.message);
    json_decref(pod);
    assert_int_equal(hits(SC_DROP), 2);
}

static json_t *configmap(void)
{
    return json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind", "ConfigMap", "metadata",
                     "name", "w");
}

static void post_and_patch_that_store_are_not_retried(void **state)
{
    tt_error err;
    json_t *cm = configmap();
    assert_null(kube_create(*state, &KUBE_GVR_CONFIGMAPS, "r", cm, NULL, &err));
    assert_int_equal(err.code, 503);
    assert_int_equal(hits(SC_WRITE), 1);
    json_t *patch = json_pack("{s:{s:s}}", "data", "k", "v");
    assert_null(kube_patch_merge(*state, &KUBE_GVR_CONFIGMAPS, "r", "w", patch, NULL, &err));
    assert_int_equal(err.code, 503);
    assert_int_equal(hits(SC_WRITE), 2);
    assert_null(kube_update(*state, &KUBE_GVR_CONFIGMAPS, "r", "w", cm, NULL, &err));
    assert_int_equal(hits(SC_WRITE), 3);
    assert_int_equal(Slept.n, 0);
    /* an answer from the server is a known outcome */
    assert_false(kube_error_outcome_unknown(&err));
    json_decref(patch);
    json_decref(cm);
}

static void dry_run_post_is_retried(void **state)
{
    tt_error err;
    json_t *cm = configmap();
    kube_write_opts dry = {.dry_run = true};
    json_t *out = kube_create(*state, &KUBE_GVR_CONFIGMAPS, "r", cm, &dry, &err);
    if (!out)
        fail_msg("%s", err.message);
    assert_int_equal(hits(SC_WRITE), 2);
    assert_int_equal(Slept.n, 1);
    json_decref(out);
    json_decref(cm);
}

static void write_whose_answer_is_lost_is_not_retried_and_unknown(void **state)
{
    tt_error err;
    json_t *patch = json_pack("{s:{s:s}}", "data", "k", "v");
    assert_null(kube_patch_merge(*state, &KUBE_GVR_CONFIGMAPS, "r", "lost", patch, NULL, &err));
    assert_int_equal(hits(SC_WRITE_DROP), 1);
    assert_int_equal(err.code, TT_ENET);
    assert_true(kube_error_outcome_unknown(&err));
    /* a read that keeps failing is a plain failure, not an unknown outcome */
    assert_null(get_pod(*state, "down", &err));
    assert_false(kube_error_outcome_unknown(&err));
    json_decref(patch);
}

static int count_events(const kube_watch_event *ev, void *ud)
{
    (*(int *)ud)++;
    return 0;
}

static void watch_is_not_retried_by_the_transport(void **state)
{
    tt_error err;
    int n = 0;
    kube_watch_opts o = {.resource_version = "1", .timeout_seconds = 5};
    assert_int_equal(kube_watch(*state, &KUBE_GVR_CONFIGMAPS, "r", &o, count_events, &n, &err),
                     -1);
    assert_int_equal(err.code, 503);
    assert_int_equal(hits(SC_WATCH), 1);
    assert_int_equal(Slept.n, 0);
}


int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, server_setup, server_teardown)
    const struct CMUnitTest tests[] = {
        T(get_answered_503_then_200_is_retried),
        T(retry_after_of_a_429_is_honoured),
        T(only_transient_statuses_are_retried),
        T(retries_are_bounded_with_growing_waits),
        T(waits_are_capped),
        T(get_whose_connection_broke_off_is_retried),
        T(post_and_patch_that_store_are_not_retried),
        T(dry_run_post_is_retried),
        T(write_whose_answer_is_lost_is_not_retried_and_unknown),
        T(watch_is_not_retried_by_the_transport),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
