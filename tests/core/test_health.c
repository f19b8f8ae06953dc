/* Rollout evaluation, events, pods and conditions (core/health.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "health.h"
#include "tt_common.h"

static json_t *objs;

static int load(void **state)
{
    (void)state;
    const char *dir = getenv("TTSTUI_TEST_DATA");
    char *path = tt_asprintf("%s/core/health-objects.json", dir ? dir : "../data");
    json_error_t jerr;
    objs = json_load_file(path, 0, &jerr);
    free(path);
    return objs ? 0 : -1;
}

static int unload(void **state)
{
    (void)state;
    json_decref(objs);
    return 0;
}

static const json_t *O(const char *name)
{
    const json_t *o = json_object_get(objs, name);
    assert_non_null(o);
    return o;
}

static void both_ready_is_ready(void **state)
{
    (void)state;
    health_target t[] = {{"stream-3", O("rev_stream3_ready"), O("pods_running"), NULL},
                         {"validate-3", O("rev_validate3_ready"), NULL, NULL}};
    health_rollout r;
    health_evaluate_rollout(NULL, t, 2, &r);
    assert_int_equal(r.revisions[0].state, HEALTH_READY);
    assert_int_equal(r.revisions[1].state, HEALTH_READY);
    assert_int_equal(r.overall, HEALTH_ROLLOUT_READY);
    assert_string_equal(health_overall_name(r.overall), "ready");
    health_rollout_clear(&r);
}

static void one_ready_one_failed_is_partial(void **state)
{
    (void)state;
    health_target t[] = {{"stream-3", O("rev_stream3_ready"), NULL, NULL},
                         {"validate-3", O("rev_validate3_failed"), NULL, NULL}};
    health_rollout r;
    health_evaluate_rollout(NULL, t, 2, &r);
    assert_int_equal(r.overall, HEALTH_ROLLOUT_PARTIAL);
    assert_int_equal(r.revisions[1].state, HEALTH_FAILED);
    assert_string_equal(r.revisions[1].reason, "ExitCode1");
    char *text = health_rollout_format(&r);
    assert_string_equal(text, "stream-3: ready\nvalidate-3: failed (ExitCode1: Container failed with: Traceback ...)\n");
    free(text);
    health_rollout_clear(&r);
}

/* Ready=False is a failure at once, whatever its reason (not only the
 * reasons of the fast-fail list). */
static void ready_false_with_an_unlisted_reason_fails_at_once(void **state)
{
    (void)state;
    json_t *rev = json_deep_copy(O("rev_stream3_deploying"));
    json_t *ready = json_array_get(json_object_get(json_object_get(rev, "status"), "conditions"), 0);
    json_object_set_new(ready, "status", json_string("False"));
    json_object_set_new(ready, "reason", json_string("SomethingNew"));
    json_object_set_new(ready, "message", json_string("a reason no list knows"));
    health_target t[] = {{"stream-3", rev, NULL, NULL}};
    health_rollout r;
    health_evaluate_rollout(NULL, t, 1, &r);
    assert_int_equal(r.revisions[0].state, HEALTH_FAILED);
    assert_string_equal(r.revisions[0].reason, "SomethingNew");
    assert_int_equal(r.overall, HEALTH_ROLLOUT_FAILED);
    health_rollout_clear(&r);
    json_decref(rev);
}

/* An unlisted reason on Ready=Unknown keeps it progressing. */
static void ready_unknown_with_an_unlisted_reason_progresses(void **state)
{
    (void)state;
    json_t *rev = json_deep_copy(O("rev_stream3_deploying"));
    json_t *ready = json_array_get(json_object_get(json_object_get(rev, "status"), "conditions"), 0);
    json_object_set_new(ready, "reason", json_string("SomethingNew"));
    health_target t[] = {{"stream-3", rev, NULL, NULL}};
    health_rollout r;
    health_evaluate_rollout(NULL, t, 1, &r);
    assert_int_equal(r.revisions[0].state, HEALTH_PROGRESSING);
    assert_int_equal(r.overall, HEALTH_ROLLOUT_IN_PROGRESS);
    health_rollout_clear(&r);
    json_decref(rev);
}

/* One revision Ready and the other still progressing: not Ready yet. */
static void one_ready_one_progressing_is_in_progress(void **state)
{
    (void)state;
    health_target t[] = {{"stream-3", O("rev_stream3_ready"), NULL, NULL},
                         {"validate-3", O("rev_validate3_deploying"), NULL, NULL}};
    health_rollout r;
    health_evaluate_rollout(NULL, t, 2, &r);
    assert_int_equal(r.revisions[0].state, HEALTH_READY);
    assert_int_equal(r.revisions[1].state, HEALTH_PROGRESSING);
    assert_int_equal(r.overall, HEALTH_ROLLOUT_IN_PROGRESS);
    health_rollout_clear(&r);
    /* and a revision object not created yet (pending) likewise */
    health_target u[] = {{"stream-3", O("rev_stream3_ready"), NULL, NULL},
                         {"validate-3", NULL, NULL, NULL}};
    health_evaluate_rollout(NULL, u, 2, &r);
    assert_int_equal(r.revisions[1].state, HEALTH_PENDING);
    assert_int_equal(r.overall, HEALTH_ROLLOUT_IN_PROGRESS);
    health_rollout_clear(&r);
}

/* Any exit code of a crashing container fails fast, not only 1. */
static void any_exit_code_fails_a_deploying_revision(void **state)
{
    (void)state;
    json_t *rev = json_deep_copy(O("rev_stream3_deploying"));
    json_t *conds = json_object_get(json_object_get(rev, "status"), "conditions");
    json_t *healthy = json_array_get(conds, 2);
    assert_string_equal(json_string_value(json_object_get(healthy, "type")), "ContainerHealthy");
    json_object_set_new(healthy, "status", json_string("False"));
    json_object_set_new(healthy, "reason", json_string("ExitCode137"));
    health_target t[] = {{"stream-3", rev, NULL, NULL}};
    health_rollout r;
    health_evaluate_rollout(NULL, t, 1, &r);
    assert_int_equal(r.revisions[0].state, HEALTH_FAILED);
    assert_string_equal(r.revisions[0].reason, "ExitCode137");
    health_rollout_clear(&r);
    json_decref(rev);
}

/* Ready=True wins over a stale fatal reason on another condition. */
static void ready_true_is_ready_despite_an_old_failed_condition(void **state)
{
    (void)state;
    json_t *rev = json_deep_copy(O("rev_stream3_ready"));
    json_array_append_new(json_object_get(json_object_get(rev, "status"), "conditions"),
                          json_pack("{s:s, s:s, s:s}", "type", "ContainerHealthy", "status",
                                    "False", "reason", "ExitCode1"));
    health_target t[] = {{"stream-3", rev, NULL, NULL}};
    health_rollout r;
    health_evaluate_rollout(NULL, t, 1, &r);
    assert_int_equal(r.revisions[0].state, HEALTH_READY);
    health_rollout_clear(&r);
    json_decref(rev);
}

static void image_pull_backoff_fails_fast_while_deploying(void **state)
{
    (void)state;
    health_target t[] = {{"stream-3", O("rev_stream3_deploying"), NULL, NULL},
                         {"validate-3", O("rev_validate3_imagepull"), NULL, NULL}};
    health_rollout r;
    health_evaluate_rollout(NULL, t, 2, &r);
    assert_int_equal(r.revisions[0].state, HEALTH_PROGRESSING);
    assert_string_equal(r.revisions[0].reason, "Deploying");
    assert_int_equal(r.revisions[1].state, HEALTH_FAILED);
    assert_string_equal(r.revisions[1].reason, "ImagePullBackOff");
    assert_non_null(strstr(r.revisions[1].message, "Back-off pulling image"));
    assert_int_equal(r.overall, HEALTH_ROLLOUT_FAILED);
    health_rollout_clear(&r);
}

static void crash_loop_in_pod_status_fails_deploying_revision(void **state)
{
    (void)state;
    health_target t[] = {{"stream-3", O("rev_stream3_deploying"), O("pods_crashloop"), NULL}};
    health_rollout r;
    health_evaluate_rollout(NULL, t, 1, &r);
    assert_int_equal(r.revisions[0].state, HEALTH_FAILED);
    assert_string_equal(r.revisions[0].reason, "CrashLoopBackOff");
    assert_string_equal(r.revisions[0].message, "container app of pod stream-3-deployment-7d9f-abcde: "
                                                "back-off 40s restarting failed container=app");
    assert_int_equal(r.overall, HEALTH_ROLLOUT_FAILED);
    health_rollout_clear(&r);
}

static void warning_backoff_event_fails_deploying_revision(void **state)
{
    (void)state;
    health_target t[] = {{"stream-3", O("rev_stream3_deploying"), NULL, O("events_backoff")}};
    health_rollout r;
    health_evaluate_rollout(NULL, t, 1, &r);
    assert_int_equal(r.revisions[0].state, HEALTH_FAILED);
    assert_string_equal(r.revisions[0].reason, "BackOff");
    health_rollout_clear(&r);
}

static void stale_failure_of_older_revision_is_ignored(void **state)
{
    (void)state;
    /* The Service still says stream-2 failed; the target stream-3 is deploying. */
    health_target t[] = {{"stream-3", O("rev_stream3_deploying"), O("pods_running"), NULL},
                         {"validate-3", NULL, NULL, NULL}};
    health_rollout r;
    health_evaluate_rollout(O("ksvc_with_stale_failure"), t, 2, &r);
    assert_int_equal(r.revisions[0].state, HEALTH_PROGRESSING);
    assert_int_equal(r.revisions[1].state, HEALTH_PENDING);
    assert_int_equal(r.overall, HEALTH_ROLLOUT_IN_PROGRESS);
    health_rollout_clear(&r);
    /* and with no revision object yet, stream-3 is pending, not failed */
    health_target p[] = {{"stream-3", NULL, NULL, NULL}};
    health_evaluate_rollout(O("ksvc_with_stale_failure"), p, 1, &r);
    assert_int_equal(r.revisions[0].state, HEALTH_PENDING);
    health_rollout_clear(&r);
}

static void service_failure_naming_the_target_counts(void **state)
{
    (void)state;
    health_target t[] = {{"stream-3", NULL, NULL, NULL}};
    health_rollout r;
    health_evaluate_rollout(O("ksvc_failing_target"), t, 1, &r);
    assert_int_equal(r.revisions[0].state, HEALTH_FAILED);
    assert_string_equal(r.revisions[0].reason, "RevisionFailed");
    health_rollout_clear(&r);
}

static void events_sort_warnings_first_then_newest(void **state)
{
    (void)state;
    size_t n;
    health_event *ev = health_events_sorted(O("events_backoff"), &n);
    assert_int_equal(n, 4);
    assert_string_equal(ev[0].reason, "BackOff");
    assert_string_equal(ev[1].reason, "FailedScheduling");
    assert_string_equal(ev[2].reason, "Pulling");
    assert_string_equal(ev[3].reason, "Scheduled");
    long long now = fleet_parse_rfc3339("2024-05-02T12:05:20Z");
    char *line = health_event_format(&ev[0], now);
    assert_string_equal(line, "5m Warning BackOff Pod/stream-3-deployment-7d9f-klmno: Back-off restarting failed container app");
    free(line);
    health_events_free(ev, n);
}

static void ages_use_the_largest_unit(void **state)
{
    (void)state;
    const struct {
        long long s;
        const char *want;
    } cases[] = {{-5, "0s"}, {42, "42s"}, {300, "5m"}, {3 * 3600 + 59, "3h"}, {12 * 86400 + 5, "12d"}};
    for (size_t i = 0; i < TT_ARRAY_LEN(cases); i++) {
        char *a = health_format_age(cases[i].s);
        assert_string_equal(a, cases[i].want);
        free(a);
    }
}

static void pod_summary_counts_ready_and_restarts(void **state)
{
    (void)state;
    health_pod p;
    health_pod_summary(json_array_get(O("pods_crashloop"), 0), &p);
    assert_string_equal(p.phase, "Running");
    assert_int_equal(p.ready, 0);
    assert_int_equal(p.total, 2);
    assert_int_equal(p.restarts, 4);
    assert_string_equal(p.waiting_reason, "CrashLoopBackOff");
    char *line = health_pod_format(&p);
    assert_string_equal(line, "stream-3-deployment-7d9f-abcde Running 0/2 restarts 4 CrashLoopBackOff");
    free(line);
    health_pod_clear(&p);
    health_pod_summary(json_array_get(O("pods_terminating"), 0), &p);
    assert_string_equal(p.phase, "Terminating");
    assert_int_equal(p.ready, 2);
    assert_null(p.waiting_reason);
    health_pod_clear(&p);
}

static void conditions_put_ready_first(void **state)
{
    (void)state;
    size_t n;
    health_condition *c = health_conditions(O("rev_stream3_ready"), &n);
    assert_int_equal(n, 4);
    assert_string_equal(c[0].type, "Ready");
    assert_string_equal(c[0].status, "True");
    assert_string_equal(c[1].type, "Active");
    assert_string_equal(c[1].reason, "NoTraffic");
    assert_null(c[2].reason);
    assert_int_equal(c[0].last_transition, fleet_parse_rfc3339("2024-05-02T12:00:00Z"));
    health_conditions_free(c, n);
    c = health_conditions(NULL, &n);
    assert_int_equal(n, 0);
    health_conditions_free(c, n);
}

/* A namespace stuck Terminating says what holds it, finalizers first. */
static void namespace_blockers_name_the_finalizers_first(void **state)
{
    (void)state;
    json_t *ns = json_loads(
        "{\"kind\":\"Namespace\",\"status\":{\"phase\":\"Terminating\",\"conditions\":["
        "{\"type\":\"NamespaceDeletionDiscoveryFailure\",\"status\":\"False\","
        "\"reason\":\"ResourcesDiscovered\",\"message\":\"All resources discovered\"},"
        "{\"type\":\"NamespaceContentRemaining\",\"status\":\"True\","
        "\"reason\":\"SomeResourcesRemain\",\"message\":\"Some resources are remaining: "
        "configmaps. has 1 resource instances\"},"
        "{\"type\":\"NamespaceDeletionContentFailure\",\"status\":\"True\","
        "\"reason\":\"ContentDeletionFailed\"},"
        "{\"type\":\"NamespaceFinalizersRemaining\",\"status\":\"True\","
        "\"reason\":\"SomeFinalizersRemain\",\"message\":\"Some content in the namespace has "
        "finalizers remaining: example.com/f in 1 resource instances\"}]}}",
        0, NULL);
    assert_non_null(ns);
    char *b = health_namespace_blockers(ns);
    assert_string_equal(b, "Some content in the namespace has finalizers remaining: "
                           "example.com/f in 1 resource instances; Some resources are "
                           "remaining: configmaps. has 1 resource instances; "
                           "ContentDeletionFailed");
    free(b);
    json_decref(ns);
    /* nothing True: nothing holds it (yet) */
    ns = json_loads("{\"status\":{\"phase\":\"Terminating\",\"conditions\":[{\"type\":"
                    "\"NamespaceContentRemaining\",\"status\":\"False\"}]}}",
                    0, NULL);
    assert_null(health_namespace_blockers(ns));
    json_decref(ns);
    assert_null(health_namespace_blockers(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(both_ready_is_ready),
        cmocka_unit_test(one_ready_one_failed_is_partial),
        cmocka_unit_test(ready_false_with_an_unlisted_reason_fails_at_once),
        cmocka_unit_test(ready_unknown_with_an_unlisted_reason_progresses),
        cmocka_unit_test(one_ready_one_progressing_is_in_progress),
        cmocka_unit_test(ready_true_is_ready_despite_an_old_failed_condition),
        cmocka_unit_test(any_exit_code_fails_a_deploying_revision),
        cmocka_unit_test(image_pull_backoff_fails_fast_while_deploying),
        cmocka_unit_test(crash_loop_in_pod_status_fails_deploying_revision),
        cmocka_unit_test(warning_backoff_event_fails_deploying_revision),
        cmocka_unit_test(stale_failure_of_older_revision_is_ignored),
        cmocka_unit_test(service_failure_naming_the_target_counts),
        cmocka_unit_test(events_sort_warnings_first_then_newest),
        cmocka_unit_test(ages_use_the_largest_unit),
        cmocka_unit_test(pod_summary_counts_ready_and_restarts),
        cmocka_unit_test(conditions_put_ready_first),
        cmocka_unit_test(namespace_blockers_name_the_finalizers_first),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
