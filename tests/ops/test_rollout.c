/*
 * ops_wait_rollout and ops_rollout_warnings (ops/rollout.c) against
 * recorded answers (tests/data/ops/): the outcome is decided by the states
 * the API reports, each test ends on a state (ready, failed, partial) or
 * after a single poll (timeout 0, a cancel set before), never on a clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "support/fake_api.h"

#define KSVC "/apis/serving.knative.dev/v1/namespaces/v3/services/"
#define REVS "/apis/serving.knative.dev/v1/namespaces/v3/revisions/"
#define EVENTS "/api/v1/namespaces/v3/events"
#define PODS "/api/v1/namespaces/v3/pods"

/* A long timeout: the tests end on states, never on it. */
#define NEVER_MS (10LL * 60 * 1000)

typedef struct seen {
    int changes;
    int poll_failures;
    char states[256]; /* "stream-2=progressing,stream-2=ready" */
    char last_error[256];
} seen;

static void on_changed(size_t i, const health_revision *rev, const json_t *events, void *ud)
{
    (void)i;
    assert_non_null(events);
    seen *s = ud;
    s->changes++;
    size_t len = strlen(s->states);
    snprintf(s->states + len, sizeof s->states - len, "%s%s=%s", len ? "," : "", rev->name,
             health_state_name(rev->state));
}

static void on_poll_failed(const tt_error *err, void *ud)
{
    seen *s = ud;
    s->poll_failures++;
    snprintf(s->last_error, sizeof s->last_error, "%s", err->message);
}

static int setup(void **state)
{
    *state = fake_api_start();
    fake_api_file("GET", EVENTS, 200, "ops/events-v3.json");
    fake_api_file("GET", PODS, 200, "ops/pods-empty.json");
    fake_api_file("GET", KSVC "stream", 200, "ops/live-ksvc-stream.json");
    fake_api_file("GET", KSVC "validate", 200, "ops/live-ksvc-validate.json");
    return 0;
}

static int teardown(void **state)
{
    fake_api_stop(*state);
    return 0;
}

static int wait_for(void **state, const char *const *svcs, const char *const *revs, size_t n,
                    long long timeout_ms, const atomic_int *cancel, seen *s, char **summary)
{
    ops_target t = {.client = *state, .context = "kind-ttstui"};
    ops_rollout_callbacks cb = {on_changed, on_poll_failed, s};
    return ops_wait_rollout(&t, "v3", svcs, revs, n, timeout_ms, cancel, &cb, summary);
}

static const char *const STREAM[] = {"stream"};
static const char *const STREAM_2[] = {"stream-2"};

static void a_ready_revision_ends_the_wait_ready(void **state)
{
    fake_api_file("GET", REVS "stream-2", 200, "ops/revision-stream-2-ready.json");
    seen s = {0};
    char *summary = NULL;
    assert_int_equal(wait_for(state, STREAM, STREAM_2, 1, NEVER_MS, NULL, &s, &summary), 0);
    assert_string_equal(summary, "ready: stream-2 ready");
    assert_string_equal(s.states, "stream-2=ready");
    /* It asked for this revision's pods by label. */
    assert_int_equal(fake_api_count("GET", PODS, "labelSelector=serving.knative.dev/revision=stream-2"),
                     1);
    free(summary);
}

static void a_backoff_warning_fails_a_deploying_revision_at_once(void **state)
{
    fake_api_file("GET", REVS "stream-2", 200, "ops/revision-stream-2-deploying.json");
    seen s = {0};
    char *summary = NULL;
    assert_int_equal(wait_for(state, STREAM, STREAM_2, 1, NEVER_MS, NULL, &s, &summary), 1);
    assert_true(tt_str_has_prefix(summary, "failed: stream-2 failed"));
    assert_int_equal(fake_api_count("GET", REVS "stream-2", NULL), 1);
    free(summary);
}

static void a_failed_revision_ends_the_wait_failed_at_once(void **state)
{
    fake_api_file("GET", REVS "stream-2", 200, "ops/revision-stream-2-failed.json");
    seen s = {0};
    char *summary = NULL;
    assert_int_equal(wait_for(state, STREAM, STREAM_2, 1, NEVER_MS, NULL, &s, &summary), 1);
    assert_string_equal(summary, "failed: stream-2 failed (ExitCode1)");
    assert_int_equal(fake_api_count("GET", REVS "stream-2", NULL), 1);
    free(summary);
}

static void ready_false_with_any_reason_fails_at_once(void **state)
{
    json_t *rev = fake_api_fixture("ops/revision-stream-2-deploying.json");
    json_t *ready = json_array_get(json_object_get(json_object_get(rev, "status"), "conditions"), 2);
    assert_string_equal(json_string_value(json_object_get(ready, "type")), "Ready");
    json_object_set_new(ready, "status", json_string("False"));
    json_object_set_new(ready, "reason", json_string("SomeReasonNoListNames"));
    fake_api_json("GET", REVS "stream-2", 200, rev);
    json_decref(rev);
    seen s = {0};
    char *summary = NULL;
    assert_int_equal(wait_for(state, STREAM, STREAM_2, 1, NEVER_MS, NULL, &s, &summary), 1);
    assert_string_equal(summary, "failed: stream-2 failed (SomeReasonNoListNames)");
    free(summary);
}

static void one_ready_and_one_failed_is_partial(void **state)
{
    fake_api_file("GET", REVS "stream-2", 200, "ops/revision-stream-2-ready.json");
    json_t *rev = fake_api_fixture("ops/revision-stream-2-failed.json");
    json_object_set_new(json_object_get(rev, "metadata"), "name", json_string("validate-2"));
    fake_api_json("GET", REVS "validate-2", 200, rev);
    json_decref(rev);
    static const char *const svcs[] = {"stream", "validate"};
    static const char *const revs[] = {"stream-2", "validate-2"};
    seen s = {0};
    char *summary = NULL;
    assert_int_equal(wait_for(state, svcs, revs, 2, NEVER_MS, NULL, &s, &summary), 1);
    assert_string_equal(summary, "partial: stream-2 ready; validate-2 failed (ExitCode1)");
    assert_int_equal(s.changes, 2);
    free(summary);
}

static void one_ready_and_one_progressing_is_not_ready(void **state)
{
    fake_api_file("GET", REVS "stream-2", 200, "ops/revision-stream-2-ready.json");
    json_t *rev = fake_api_fixture("ops/revision-stream-2-deploying.json");
    json_object_set_new(json_object_get(rev, "metadata"), "name", json_string("validate-2"));
    fake_api_json("GET", REVS "validate-2", 200, rev);
    json_decref(rev);
    static const char *const svcs[] = {"stream", "validate"};
    static const char *const revs[] = {"stream-2", "validate-2"};
    seen s = {0};
    char *summary = NULL;
    /* Timeout 0: one poll, then the verdict on what it saw. */
    assert_int_equal(wait_for(state, svcs, revs, 2, 0, NULL, &s, &summary), 1);
    assert_string_equal(summary, "timed out: stream-2 ready; validate-2 progressing (Deploying)");
    free(summary);
}

static void a_revision_not_created_yet_is_pending(void **state)
{
    seen s = {0};
    char *summary = NULL;
    assert_int_equal(wait_for(state, STREAM, STREAM_2, 1, 0, NULL, &s, &summary), 1);
    assert_string_equal(summary, "timed out: stream-2 pending");
    free(summary);
}

static void the_wait_follows_a_revision_from_deploying_to_ready(void **state)
{
    /* No events: the fixture's BackOff warning would fail stream-2 at once. */
    json_t *none = json_pack("{s:s, s:s, s:{}, s:[]}", "apiVersion", "v1", "kind", "EventList",
                             "metadata", "items");
    fake_api_json("GET", EVENTS, 200, none);
    json_decref(none);
    fake_api_file("GET", REVS "stream-2", 200, "ops/revision-stream-2-ready.json");
    json_t *deploying = fake_api_fixture("ops/revision-stream-2-deploying.json");
    fake_api_json_n("GET", REVS "stream-2", 200, deploying, 1);
    json_decref(deploying);
    seen s = {0};
    char *summary = NULL;
    assert_int_equal(wait_for(state, STREAM, STREAM_2, 1, NEVER_MS, NULL, &s, &summary), 0);
    assert_string_equal(summary, "ready: stream-2 ready");
    /* One change per new state, not one per poll. */
    assert_string_equal(s.states, "stream-2=progressing,stream-2=ready");
    assert_int_equal(fake_api_count("GET", REVS "stream-2", NULL), 2);
    free(summary);
}

static void a_failing_poll_is_reported_and_retried(void **state)
{
    fake_api_file("GET", REVS "stream-2", 200, "ops/revision-stream-2-ready.json");
    json_t *forbidden = json_pack("{s:s, s:s, s:s, s:s, s:i}", "kind", "Status", "status",
                                  "Failure", "reason", "Forbidden", "message",
                                  "events is forbidden", "code", 403);
    fake_api_json_n("GET", EVENTS, 403, forbidden, 1);
    json_decref(forbidden);
    seen s = {0};
    char *summary = NULL;
    assert_int_equal(wait_for(state, STREAM, STREAM_2, 1, NEVER_MS, NULL, &s, &summary), 0);
    assert_int_equal(s.poll_failures, 1);
    assert_non_null(strstr(s.last_error, "events is forbidden"));
    assert_string_equal(summary, "ready: stream-2 ready");
    free(summary);
}

static void a_cancel_ends_the_wait_before_it_asks(void **state)
{
    atomic_int cancel = 1;
    seen s = {0};
    char *summary = NULL;
    assert_int_equal(wait_for(state, STREAM, STREAM_2, 1, NEVER_MS, &cancel, &s, &summary), 1);
    assert_true(tt_str_has_prefix(summary, "cancelled:"));
    assert_int_equal(fake_api_count(NULL, NULL, NULL), 0);
    free(summary);
}

static void warnings_are_those_of_the_revision_and_its_pods(void **state)
{
    (void)state;
    json_t *events = fake_api_fixture("ops/events-v3.json");
    size_t n = 99;
    char **lines = ops_rollout_warnings(events, "stream-2", 5, &n);
    assert_int_equal(n, 1); /* the Normal event and stream-1's warning are not shown */
    assert_non_null(strstr(lines[0], "BackOff"));
    assert_non_null(strstr(lines[0], "stream-2-deployment-5d8f7c9b4-abcde"));
    free(lines[0]);
    free(lines);
    lines = ops_rollout_warnings(events, "stream-", 5, &n);
    assert_int_equal(n, 0);
    free(lines);
    lines = ops_rollout_warnings(events, "stream-2", 0, &n);
    assert_int_equal(n, 0);
    free(lines);
    json_decref(events);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(a_ready_revision_ends_the_wait_ready),
        T(a_failed_revision_ends_the_wait_failed_at_once),
        T(a_backoff_warning_fails_a_deploying_revision_at_once),
        T(ready_false_with_any_reason_fails_at_once),
        T(one_ready_and_one_failed_is_partial),
        T(one_ready_and_one_progressing_is_not_ready),
        T(a_revision_not_created_yet_is_pending),
        T(the_wait_follows_a_revision_from_deploying_to_ready),
        T(a_failing_poll_is_reported_and_retried),
        T(a_cancel_ends_the_wait_before_it_asks),
        T(warnings_are_those_of_the_revision_and_its_pods),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
