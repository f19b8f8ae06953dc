/*
 * A gradual rollout (ops/canary.c): the --canary steps, the traffic of
 * each step, preparing a release (the traffic held on the revision serving
 * now) and the steps against a scripted API. The hold runs on a clock the
 * test drives (each sleep moves it on), so no test waits for a duration;
 * failures come from the answers changing after a number of reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "support/fake_api.h"

#define KSVC "/apis/serving.knative.dev/v1/namespaces/v3/services/"
#define REVS "/apis/serving.knative.dev/v1/namespaces/v3/revisions/"
#define PODS "/api/v1/namespaces/v3/pods"

/* ---- the steps ------------------------------------------------------------------ */

static void steps_parse(const char *text, const int *want, size_t n_want)
{
    int steps[OPS_CANARY_MAX_STEPS];
    size_t n = 99;
    tt_error err;
    tt_error_clear(&err);
    assert_int_equal(ops_canary_parse(text, steps, &n, &err), 0);
    assert_int_equal(n, n_want);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(steps[i], want[i]);
}

static void increasing_steps_ending_at_100_parse(void **state)
{
    (void)state;
    steps_parse("10,50,100", (const int[]){10, 50, 100}, 3);
    steps_parse("100", (const int[]){100}, 1);
    steps_parse("1,99,100", (const int[]){1, 99, 100}, 3);
    steps_parse("05,100", (const int[]){5, 100}, 2);
    /* the most steps there may be */
    steps_parse("5,10,15,20,25,30,35,40,45,50,55,60,65,70,75,80,85,90,95,100",
                (const int[]){5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85,
                              90, 95, 100},
                20);
}

static void steps_refused(const char *text, const char *message)
{
    int steps[OPS_CANARY_MAX_STEPS];
    size_t n = 99;
    tt_error err;
    tt_error_clear(&err);
    assert_int_equal(ops_canary_parse(text, steps, &n, &err), -1);
    assert_int_equal(err.code, TT_EINVAL);
    assert_int_equal(n, 0);
    if (!strstr(err.message, message))
        fail_msg("'%s': '%s' does not contain '%s'", text, err.message, message);
}

static void each_bad_step_list_is_refused_naming_why(void **state)
{
    (void)state;
    steps_refused("", "give the percentages of the steps");
    steps_refused(NULL, "give the percentages of the steps");
    steps_refused("10,50", "the last step must be 100 (all the traffic on the new revision), not 50");
    steps_refused("99", "the last step must be 100");
    steps_refused("50,10,100", "the steps must increase (10 after 50)");
    steps_refused("10,10,100", "the steps must increase (10 after 10)");
    steps_refused("10,100,100", "the steps must increase (100 after 100)");
    steps_refused("0,100", "0 is not a percentage from 1 to 100");
    steps_refused("10,101", "101 is not a percentage from 1 to 100");
    steps_refused("1000", "1000 is not a percentage from 1 to 100");
    steps_refused("10,,100", "'' is not a percentage");
    steps_refused(",100", "'' is not a percentage");
    steps_refused("10,50,100,", "a step is missing after the last comma");
    steps_refused("10,x,100", "'x' is not a percentage");
    steps_refused("10%,100", "'10%' is not a percentage");
    steps_refused("-10,100", "'-10' is not a percentage");
    steps_refused(" 10,100", "' 10' is not a percentage");
    steps_refused("10, 50,100", "' 50' is not a percentage");
    steps_refused("10;50;100", "'10;50;100' is not a percentage");
    steps_refused("10.5,100", "'10.5' is not a percentage");
    /* one step too many */
    steps_refused("4,8,12,16,20,24,28,32,36,40,44,48,52,56,60,64,68,72,76,80,100",
                  "at most 20 steps");
}

static void traffic_is(json_t *got, const char *want)
{
    json_t *w = json_loads(want, 0, NULL);
    assert_non_null(w);
    if (!json_equal(got, w)) {
        char *g = json_dumps(got, JSON_COMPACT);
        fail_msg("traffic %s, expected %s", g, want);
    }
    json_decref(w);
    json_decref(got);
}

static void each_step_splits_between_previous_and_next(void **state)
{
    (void)state;
    traffic_is(ops_canary_traffic("stream-4", "stream-5", 0),
               "[{\"revisionName\":\"stream-4\",\"percent\":100},"
               "{\"revisionName\":\"stream-5\",\"percent\":0}]");
    traffic_is(ops_canary_traffic("stream-4", "stream-5", 10),
               "[{\"revisionName\":\"stream-4\",\"percent\":90},"
               "{\"revisionName\":\"stream-5\",\"percent\":10}]");
    traffic_is(ops_canary_traffic("stream-4", "stream-5", 99),
               "[{\"revisionName\":\"stream-4\",\"percent\":1},"
               "{\"revisionName\":\"stream-5\",\"percent\":99}]");
    /* 100: the release's own traffic, the latest revision */
    traffic_is(ops_canary_traffic("stream-4", "stream-5", 100),
               "[{\"latestRevision\":true,\"percent\":100}]");
}

/* ---- preparing the release -------------------------------------------------------- */

static int setup(void **state)
{
    *state = fake_api_start();
    return 0;
}

static int teardown(void **state)
{
    fake_api_stop(*state);
    return 0;
}

/* The rendered release of model v3 version 2 (templates stream-2, validate-2). */
static void release_v3_2(ops_release *r)
{
    ops_release_init(r);
    tt_error err;
    tt_error_clear(&err);
    assert_int_equal(release_params_set(r->params, RELEASE_MODEL, "v3", &err), 0);
    r->objects = fake_api_fixture("ops/rendered-v3.json");
    size_t i;
    json_t *o;
    json_array_foreach(r->objects, i, o) {
        if (!tt_streq(json_string_value(json_object_get(o, "kind")), "Service"))
            continue;
        const char *name = json_string_value(json_object_get(json_object_get(o, "metadata"), "name"));
        char *rev = tt_asprintf("%s-2", name);
        json_object_set_new(
            json_object_get(json_object_get(json_object_get(o, "spec"), "template"), "metadata"),
            "name", json_string(rev));
        free(rev);
    }
}

static json_t *rendered_traffic(const ops_release *r, const char *service)
{
    size_t i;
    json_t *o;
    json_array_foreach(r->objects, i, o)
        if (tt_streq(json_string_value(json_object_get(o, "kind")), "Service") &&
            tt_streq(json_string_value(json_object_get(json_object_get(o, "metadata"), "name")),
                     service))
            return json_incref(json_object_get(json_object_get(o, "spec"), "traffic"));
    fail_msg("no Service %s in the release", service);
    return NULL;
}

static void live_services(void)
{
    fake_api_file("GET", KSVC "stream", 200, "ops/live-ksvc-stream.json");
    fake_api_file("GET", KSVC "validate", 200, "ops/live-ksvc-validate.json");
}

static void the_release_holds_the_traffic_on_the_serving_revision(void **state)
{
    live_services();
    ops_release r;
    release_v3_2(&r);
    ops_canary c;
    tt_error err;
    tt_error_clear(&err);
    assert_int_equal(ops_canary_prepare(*state, &r, &c, &err), 0);
    assert_string_equal(c.ns, "v3");
    assert_int_equal(c.n, 2);
    assert_string_equal(c.targets[0].service, "validate");
    assert_string_equal(c.targets[0].previous, "validate-1");
    assert_string_equal(c.targets[0].next, "validate-2");
    assert_string_equal(c.targets[1].service, "stream");
    assert_string_equal(c.targets[1].previous, "stream-1");
    assert_string_equal(c.targets[1].next, "stream-2");
    traffic_is(rendered_traffic(&r, "stream"),
               "[{\"revisionName\":\"stream-1\",\"percent\":100},"
               "{\"revisionName\":\"stream-2\",\"percent\":0}]");
    traffic_is(rendered_traffic(&r, "validate"),
               "[{\"revisionName\":\"validate-1\",\"percent\":100},"
               "{\"revisionName\":\"validate-2\",\"percent\":0}]");
    /* it only read */
    assert_int_equal(fake_api_count("PATCH", NULL, NULL) + fake_api_count("PUT", NULL, NULL) +
                         fake_api_count("POST", NULL, NULL),
                     0);
    ops_canary_clear(&c);
    ops_release_clear(&r);
}

/* prepare refuses with a message holding `message`, and the rendered
 * traffic of both Services is left as rendered. */
static void prepare_refused(void **state, const char *message)
{
    ops_release r;
    release_v3_2(&r);
    ops_canary c;
    tt_error err;
    tt_error_clear(&err);
    assert_int_equal(ops_canary_prepare(*state, &r, &c, &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
    if (!strstr(err.message, message))
        fail_msg("'%s' does not contain '%s'", err.message, message);
    traffic_is(rendered_traffic(&r, "stream"), "[{\"latestRevision\":true,\"percent\":100}]");
    traffic_is(rendered_traffic(&r, "validate"), "[{\"latestRevision\":true,\"percent\":100}]");
    ops_canary_clear(&c);
    ops_release_clear(&r);
}

static void a_first_release_is_refused(void **state)
{
    /* validate exists, stream does not (the fake answers 404) */
    fake_api_file("GET", KSVC "validate", 200, "ops/live-ksvc-validate.json");
    prepare_refused(state, "model v3 has no Knative service stream yet: a first release");
}

static void a_live_split_is_refused(void **state)
{
    live_services();
    json_t *live = fake_api_fixture("ops/live-ksvc-stream.json");
    json_object_set_new(json_object_get(live, "spec"), "traffic",
                        json_pack("[{s:s, s:i}, {s:s, s:i}]", "revisionName", "stream-1", "percent",
                                  90, "revisionName", "stream-0", "percent", 10));
    fake_api_json("GET", KSVC "stream", 200, live);
    json_decref(live);
    prepare_refused(state, "the traffic of stream in model v3 is split");
}

static void a_service_without_a_ready_revision_is_refused(void **state)
{
    live_services();
    json_t *live = fake_api_fixture("ops/live-ksvc-validate.json");
    json_object_del(json_object_get(live, "status"), "latestReadyRevisionName");
    fake_api_json("GET", KSVC "validate", 200, live);
    json_decref(live);
    prepare_refused(state, "validate in model v3 has no Ready revision serving it");
}

static void the_release_revision_serving_already_is_refused(void **state)
{
    live_services();
    json_t *live = fake_api_fixture("ops/live-ksvc-stream.json");
    json_object_set_new(json_object_get(live, "status"), "latestReadyRevisionName",
                        json_string("stream-2"));
    fake_api_json("GET", KSVC "stream", 200, live);
    json_decref(live);
    prepare_refused(state, "stream-2 already serves all the traffic of stream");
}

static void a_revision_pinned_by_a_rollback_is_the_previous_one(void **state)
{
    live_services();
    json_t *live = fake_api_fixture("ops/live-ksvc-stream.json");
    json_object_set_new(json_object_get(live, "spec"), "traffic",
                        json_pack("[{s:s, s:i}]", "revisionName", "stream-0", "percent", 100));
    fake_api_json("GET", KSVC "stream", 200, live);
    json_decref(live);
    ops_release r;
    release_v3_2(&r);
    ops_canary c;
    tt_error err;
    tt_error_clear(&err);
    assert_int_equal(ops_canary_prepare(*state, &r, &c, &err), 0);
    assert_string_equal(c.targets[1].previous, "stream-0"); /* not latestReady stream-1 */
    traffic_is(rendered_traffic(&r, "stream"),
               "[{\"revisionName\":\"stream-0\",\"percent\":100},"
               "{\"revisionName\":\"stream-2\",\"percent\":0}]");
    ops_canary_clear(&c);
    ops_release_clear(&r);
}

/* ---- the steps against the cluster ------------------------------------------------- */

typedef struct driver {
    long long now;   /* the test's clock */
    long long slept; /* total */
    atomic_int cancel;
    int cancel_after; /* sleeps; 0 = never */
    int sleeps;
    char steps[128]; /* "10,50,100" as the callback saw them */
    int poll_failures;
} driver;

static long long drv_now(void *ud)
{
    return ((driver *)ud)->now;
}

static void drv_sleep(long long ms, void *ud)
{
    driver *d = ud;
    assert_true(ms > 0 && ms <= OPS_CANARY_POLL_MS);
    d->now += ms;
    d->slept += ms;
    if (++d->sleeps == d->cancel_after)
        atomic_store(&d->cancel, 1);
}

static void drv_step(size_t i, int percent, const ops_canary *c, void *ud)
{
    (void)c;
    driver *d = ud;
    size_t len = strlen(d->steps);
    snprintf(d->steps + len, sizeof d->steps - len, "%s%zu:%d", len ? "," : "", i, percent);
}

static void drv_poll_failed(const tt_error *err, void *ud)
{
    (void)err;
    ((driver *)ud)->poll_failures++;
}

/* The rollout of stream-1 -> stream-2 in v3 (one Service). */
static void one_service(ops_canary *c)
{
    memset(c, 0, sizeof(*c));
    c->ns = tt_strdup("v3");
    c->n = 1;
    c->targets[0].service = tt_strdup("stream");
    c->targets[0].previous = tt_strdup("stream-1");
    c->targets[0].next = tt_strdup("stream-2");
}

static json_t *pods_with_restarts(int restarts)
{
    return json_pack("{s:s, s:s, s:{}, s:[{s:{s:s}, s:{s:[{s:s}, {s:s}]}, s:{s:s, s:[{s:s, s:b, "
                     "s:i}, {s:s, s:b, s:i}]}}]}",
                     "apiVersion", "v1", "kind", "PodList", "metadata", "items", "metadata", "name",
                     "stream-2-deployment-abc", "spec", "containers", "name", "app", "name",
                     "queue-proxy", "status", "phase", "Running", "containerStatuses", "name",
                     "app", "ready", 1, "restartCount", restarts, "name", "queue-proxy", "ready",
                     1, "restartCount", 0);
}

/* A healthy stream-2 and Services that accept the traffic patches. */
static void healthy(void)
{
    fake_api_file("GET", REVS "stream-2", 200, "ops/revision-stream-2-ready.json");
    json_t *pods = pods_with_restarts(1); /* restarted once before: the baseline */
    fake_api_json("GET", PODS, 200, pods);
    json_decref(pods);
    fake_api_file("PATCH", KSVC "stream", 200, "ops/live-ksvc-stream.json");
}

static int run_steps(void **state, const ops_canary *c, const int *steps, size_t n,
                     long long step_ms, long long timeout_ms, driver *d, ops_canary_result *res)
{
    ops_target t = {.client = *state, .context = "kind-ttstui"};
    ops_canary_callbacks cb = {.step = drv_step, .poll_failed = drv_poll_failed,
                               .cancel = &d->cancel, .now_ms = drv_now, .sleep_ms = drv_sleep,
                               .ud = d};
    return ops_canary_run(&t, c, steps, n, step_ms, timeout_ms, &cb, res);
}

static json_t *last_patch_traffic(void)
{
    json_t *body = fake_api_last_body("PATCH", KSVC "stream", NULL);
    assert_non_null(body);
    json_t *t = json_incref(json_object_get(json_object_get(body, "spec"), "traffic"));
    json_decref(body);
    return t;
}

static void every_step_is_routed_and_held(void **state)
{
    healthy();
    ops_canary c;
    one_service(&c);
    driver d = {.now = 1000000};
    ops_canary_result res;
    assert_int_equal(run_steps(state, &c, (const int[]){10, 50, 100}, 3, 10000, 60000, &d, &res),
                     0);
    assert_int_equal(res.reached, 100);
    assert_null(res.failure);
    assert_false(res.restored);
    assert_string_equal(d.steps, "0:10,1:50,2:100");
    /* each step held its whole time, read about once a second */
    assert_int_equal(d.slept, 30000);
    assert_true(fake_api_count("GET", REVS "stream-2", NULL) >= 30);
    assert_true(fake_api_count("GET", PODS, "labelSelector=serving.knative.dev/revision=stream-2") >=
                30);
    /* one patch per step, the last the release's own traffic */
    assert_int_equal(fake_api_count("PATCH", KSVC "stream", NULL), 3);
    traffic_is(last_patch_traffic(), "[{\"latestRevision\":true,\"percent\":100}]");
    assert_int_equal(d.poll_failures, 0);
    ops_canary_result_clear(&res);
    ops_canary_clear(&c);
}

static void the_second_step_splits_as_given(void **state)
{
    healthy();
    ops_canary c;
    one_service(&c);
    driver d = {0};
    ops_canary_result res;
    /* a list that stops at 50 (the parser would refuse it): the last patch
     * is the 50/50 split */
    assert_int_equal(run_steps(state, &c, (const int[]){10, 50}, 2, 2000, 60000, &d, &res), 0);
    traffic_is(last_patch_traffic(), "[{\"revisionName\":\"stream-1\",\"percent\":50},"
                                     "{\"revisionName\":\"stream-2\",\"percent\":50}]");
    ops_canary_result_clear(&res);
    ops_canary_clear(&c);
}

static void a_revision_no_longer_ready_ends_the_hold_and_restores(void **state)
{
    healthy();
    /* Ready for 4 reads (the check before the step and 3 in its hold), then failed */
    fake_api_file("GET", REVS "stream-2", 200, "ops/revision-stream-2-failed.json");
    json_t *ready = fake_api_fixture("ops/revision-stream-2-ready.json");
    fake_api_json_n("GET", REVS "stream-2", 200, ready, 4);
    json_decref(ready);
    ops_canary c;
    one_service(&c);
    driver d = {0};
    ops_canary_result res;
    assert_int_equal(run_steps(state, &c, (const int[]){10, 50, 100}, 3, 60000, 60000, &d, &res),
                     1);
    assert_int_equal(res.reached, 10);
    assert_string_equal(d.steps, "0:10");
    assert_non_null(strstr(res.failure, "revision stream-2 is not Ready (Ready False, ExitCode1"));
    /* the hold ended early: not a minute */
    assert_int_equal(d.slept, 3 * OPS_CANARY_POLL_MS);
    assert_true(res.restored);
    assert_null(res.restore_error);
    assert_int_equal(fake_api_count("PATCH", KSVC "stream", NULL), 2);
    traffic_is(last_patch_traffic(), "[{\"revisionName\":\"stream-1\",\"percent\":100}]");
    ops_canary_result_clear(&res);
    ops_canary_clear(&c);
}

static void a_revision_ready_unknown_ends_the_hold_too(void **state)
{
    healthy();
    /* Ready for 2 reads, then Unknown (Deploying) */
    fake_api_file("GET", REVS "stream-2", 200, "ops/revision-stream-2-deploying.json");
    json_t *ready = fake_api_fixture("ops/revision-stream-2-ready.json");
    fake_api_json_n("GET", REVS "stream-2", 200, ready, 2);
    json_decref(ready);
    ops_canary c;
    one_service(&c);
    driver d = {0};
    ops_canary_result res;
    assert_int_equal(run_steps(state, &c, (const int[]){50, 100}, 2, 60000, 60000, &d, &res), 1);
    assert_int_equal(res.reached, 50);
    assert_non_null(strstr(res.failure, "revision stream-2 is not Ready (Ready Unknown"));
    assert_int_equal(d.slept, OPS_CANARY_POLL_MS);
    assert_true(res.restored);
    ops_canary_result_clear(&res);
    ops_canary_clear(&c);
}

static void a_restarted_container_ends_the_hold_and_restores(void **state)
{
    healthy();
    /* restartCount 1 (the baseline) for 6 reads, then 2 */
    json_t *pods = pods_with_restarts(2);
    fake_api_json("GET", PODS, 200, pods);
    json_decref(pods);
    pods = pods_with_restarts(1);
    fake_api_json_n("GET", PODS, 200, pods, 6);
    json_decref(pods);
    ops_canary c;
    one_service(&c);
    driver d = {0};
    ops_canary_result res;
    assert_int_equal(run_steps(state, &c, (const int[]){10, 50, 100}, 3, 4000, 60000, &d, &res),
                     1);
    /* step 1: 1 read before + 5 in its hold; the read before step 2 sees 2 */
    assert_int_equal(res.reached, 10);
    assert_string_equal(d.steps, "0:10");
    assert_non_null(strstr(res.failure,
                           "revision stream-2: a container of pod stream-2-deployment-abc "
                           "restarted 1 time"));
    assert_true(res.restored);
    traffic_is(last_patch_traffic(), "[{\"revisionName\":\"stream-1\",\"percent\":100}]");
    ops_canary_result_clear(&res);
    ops_canary_clear(&c);
}

static void a_failed_traffic_patch_restores(void **state)
{
    healthy();
    fake_api_status("PATCH", KSVC "stream", 422, "Invalid", "traffic refused by the webhook");
    json_t *ok = fake_api_fixture("ops/live-ksvc-stream.json");
    fake_api_json_n("PATCH", KSVC "stream", 200, ok, 1);
    json_decref(ok);
    ops_canary c;
    one_service(&c);
    driver d = {0};
    ops_canary_result res;
    assert_int_equal(run_steps(state, &c, (const int[]){10, 50, 100}, 3, 1000, 60000, &d, &res),
                     1);
    assert_int_equal(res.reached, 10);
    assert_non_null(strstr(res.failure, "routing 50% of stream to stream-2 failed"));
    assert_non_null(strstr(res.failure, "traffic refused by the webhook"));
    /* putting it back was refused as well: said, not hidden */
    assert_false(res.restored);
    assert_non_null(strstr(res.restore_error, "sending the traffic of stream back to stream-1"));
    traffic_is(last_patch_traffic(), "[{\"revisionName\":\"stream-1\",\"percent\":100}]");
    ops_canary_result_clear(&res);
    ops_canary_clear(&c);
}

static void unreadable_health_fails_after_the_timeout(void **state)
{
    healthy();
    /* the check before the first step reads, then every read is Forbidden */
    fake_api_status("GET", REVS "stream-2", 403, "Forbidden", "revisions are forbidden");
    json_t *ready = fake_api_fixture("ops/revision-stream-2-ready.json");
    fake_api_json_n("GET", REVS "stream-2", 200, ready, 1);
    json_decref(ready);
    ops_canary c;
    one_service(&c);
    driver d = {0};
    ops_canary_result res;
    assert_int_equal(run_steps(state, &c, (const int[]){100}, 1, 2000, 5000, &d, &res), 1);
    assert_int_equal(res.reached, 100);
    assert_non_null(strstr(res.failure, "the health of the new revisions could not be read"));
    assert_non_null(strstr(res.failure, "revisions are forbidden"));
    assert_true(d.poll_failures > 0);
    /* the step's 2 s and then the 5 s timeout past it */
    assert_int_equal(d.slept, 7000);
    assert_true(res.restored);
    ops_canary_result_clear(&res);
    ops_canary_clear(&c);
}

static void a_cancel_ends_the_hold_and_restores(void **state)
{
    healthy();
    ops_canary c;
    one_service(&c);
    driver d = {.cancel_after = 3};
    ops_canary_result res;
    assert_int_equal(run_steps(state, &c, (const int[]){10, 100}, 2, 60000, 60000, &d, &res), 1);
    assert_int_equal(res.reached, 10);
    assert_string_equal(res.failure, "cancelled");
    assert_int_equal(d.slept, 3 * OPS_CANARY_POLL_MS);
    assert_true(res.restored);
    assert_int_equal(fake_api_count("PATCH", KSVC "stream", NULL), 2);
    traffic_is(last_patch_traffic(), "[{\"revisionName\":\"stream-1\",\"percent\":100}]");
    ops_canary_result_clear(&res);
    ops_canary_clear(&c);
}

static void a_cancel_before_the_first_step_moves_no_traffic(void **state)
{
    healthy();
    ops_canary c;
    one_service(&c);
    driver d = {0};
    atomic_store(&d.cancel, 1);
    ops_canary_result res;
    assert_int_equal(run_steps(state, &c, (const int[]){100}, 1, 60000, 60000, &d, &res), 1);
    assert_int_equal(res.reached, 0);
    assert_string_equal(res.failure, "cancelled");
    assert_string_equal(d.steps, "");
    /* the only patch puts the traffic back */
    assert_int_equal(fake_api_count("PATCH", KSVC "stream", NULL), 1);
    traffic_is(last_patch_traffic(), "[{\"revisionName\":\"stream-1\",\"percent\":100}]");
    ops_canary_result_clear(&res);
    ops_canary_clear(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(increasing_steps_ending_at_100_parse),
        cmocka_unit_test(each_bad_step_list_is_refused_naming_why),
        cmocka_unit_test(each_step_splits_between_previous_and_next),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(the_release_holds_the_traffic_on_the_serving_revision),
        T(a_first_release_is_refused),
        T(a_live_split_is_refused),
        T(a_service_without_a_ready_revision_is_refused),
        T(the_release_revision_serving_already_is_refused),
        T(a_revision_pinned_by_a_rollback_is_the_previous_one),
        T(every_step_is_routed_and_held),
        T(the_second_step_splits_as_given),
        T(a_revision_no_longer_ready_ends_the_hold_and_restores),
        T(a_revision_ready_unknown_ends_the_hold_too),
        T(a_restarted_container_ends_the_hold_and_restores),
        T(a_failed_traffic_patch_restores),
        T(unreadable_health_fails_after_the_timeout),
        T(a_cancel_ends_the_hold_and_restores),
        T(a_cancel_before_the_first_step_moves_no_traffic),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
