/* The view stack and message flow, on a headless screen with the fake
 * backend; and the backend's JSON-to-details conversion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "backend.h"
#include "term.h"

static char *fixture(const char *name)
{
    const char *d = getenv("TTSTUI_TEST_DATA");
    return tt_asprintf("%s/tui/%s", d ? d : "../data", name);
}

static tui_app *start_app(bool with_backend, bool readonly)
{
    tt_error err;
    tui_queue *q = tui_queue_new(&err);
    assert_non_null(q);
    tui_backend *b = NULL;
    if (with_backend) {
        char *path = fixture("fleet-basic.json");
        b = tui_backend_fake_new(q, path, &err);
        free(path);
        if (!b)
            fail_msg("%s", err.message);
    }
    tui_app_options o = {.readonly = readonly, .headless = true, .rows = 30, .cols = 100};
    tui_app *app = tui_app_new(&o, tui_theme_builtin(), tui_keymap_new(), q, b);
    tui_term_options to = {.headless = true, .rows = 30, .cols = 100};
    assert_int_equal(tui_term_start(&to, &err), 0);
    tui_app_start(app);
    return app;
}

static void stop_app(tui_app *app)
{
    tui_app_free(app);
    tui_term_stop();
}

/* Handles messages until the fleet has n models or 5 s pass. */
static void wait_models(tui_app *app, size_t n)
{
    long long deadline = tt_now_ms() + 5000;
    while (fleet_model_count(tui_app_fleet(app)) < n && tt_now_ms() < deadline) {
        struct pollfd p = {tui_app_queue_fd(app), POLLIN, 0};
        poll(&p, 1, 100);
        tui_app_process_messages(app);
    }
}

static void the_dashboard_is_the_bottom_of_the_stack(void **state)
{
    (void)state;
    tui_app *app = start_app(false, false);
    tui_view *dash = tui_app_top(app);
    assert_int_equal(dash->ops->id, TUI_VIEW_MODELS);
    tui_app_pop(app); /* never pops the dashboard */
    assert_ptr_equal(tui_app_top(app), dash);
    stop_app(app);
}

static void help_opens_over_the_view_and_q_goes_back(void **state)
{
    (void)state;
    tui_app *app = start_app(false, false);
    tui_app_handle_key(app, '?');
    assert_int_equal(tui_app_top(app)->ops->id, TUI_VIEW_HELP);
    tui_app_handle_key(app, 'q');
    assert_int_equal(tui_app_top(app)->ops->id, TUI_VIEW_MODELS);
    assert_false(tui_app_quitting(app));
    tui_app_handle_key(app, 'q'); /* q on the dashboard quits */
    assert_true(tui_app_quitting(app));
    stop_app(app);
}

static void fleet_messages_reach_the_ui_fleet(void **state)
{
    (void)state;
    tui_app *app = start_app(true, false);
    wait_models(app, 3);
    assert_int_equal(fleet_model_count(tui_app_fleet(app)), 3);
    assert_true(fleet_find(tui_app_fleet(app), "v3")->pinned_latest);
    assert_string_equal(tui_app_context(app), "demo-staging");
    assert_string_equal(tui_app_env(app), "staging");
    stop_app(app);
}

static void enter_opens_the_selected_model_and_esc_returns(void **state)
{
    (void)state;
    tui_app *app = start_app(true, false);
    wait_models(app, 3);
    tui_app_handle_key(app, TUI_KEY_ENTER);
    assert_int_equal(tui_app_top(app)->ops->id, TUI_VIEW_MODEL);
    tui_app_handle_key(app, TUI_KEY_ESC);
    assert_int_equal(tui_app_top(app)->ops->id, TUI_VIEW_MODELS);
    stop_app(app);
}

static void readonly_refuses_actions_that_change_the_cluster(void **state)
{
    (void)state;
    tui_app *app = start_app(true, true);
    wait_models(app, 3);
    tui_app_handle_key(app, 'd');
    tui_app_handle_key(app, 'x');
    tui_app_handle_key(app, 'p');
    assert_int_equal(tui_app_top(app)->ops->id, TUI_VIEW_MODELS);
    tui_app_command(app, "deploy v3");
    assert_int_equal(tui_app_top(app)->ops->id, TUI_VIEW_MODELS);
    stop_app(app);
}

static void colon_q_quits(void **state)
{
    (void)state;
    tui_app *app = start_app(false, false);
    tui_app_handle_key(app, ':');
    tui_app_handle_key(app, 'q');
    assert_false(tui_app_quitting(app));
    tui_app_handle_key(app, TUI_KEY_ENTER);
    assert_true(tui_app_quitting(app));
    stop_app(app);
}

static void details_sort_warnings_first_then_newest(void **state)
{
    (void)state;
    json_error_t je;
    json_t *events = json_loads(
        "[{\"type\":\"Normal\",\"reason\":\"Created\",\"lastTimestamp\":\"2024-05-01T12:00:00Z\","
        "\"involvedObject\":{\"kind\":\"Revision\",\"name\":\"stream-2\"}},"
        "{\"type\":\"Warning\",\"reason\":\"Old\",\"lastTimestamp\":\"2024-05-01T08:00:00Z\","
        "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\"}},"
        "{\"type\":\"Warning\",\"reason\":\"New\",\"count\":4,\"lastTimestamp\":\"2024-05-01T09:00:00Z\","
        "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\"}}]",
        0, &je);
    json_t *pods = json_loads(
        "[{\"metadata\":{\"name\":\"p\",\"labels\":{\"serving.knative.dev/revision\":\"stream-2\"}},"
        "\"spec\":{\"containers\":[{\"name\":\"app\"},{\"name\":\"queue-proxy\"}]},"
        "\"status\":{\"phase\":\"Running\",\"containerStatuses\":["
        "{\"name\":\"app\",\"ready\":false,\"restartCount\":3,\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}},"
        "{\"name\":\"queue-proxy\",\"ready\":true,\"restartCount\":1,\"state\":{\"running\":{}}}]}}]",
        0, &je);
    tui_model_details *d = tui_model_details_from_json("v3", NULL, pods, events);
    assert_int_equal(d->n_events, 3);
    assert_string_equal(d->events[0].reason, "New");
    assert_int_equal(d->events[0].count, 4);
    assert_string_equal(d->events[1].reason, "Old");
    assert_string_equal(d->events[2].reason, "Created");
    assert_string_equal(d->events[2].object, "Revision/stream-2");
    assert_int_equal(d->n_pods, 1);
    assert_string_equal(d->pods[0].status, "CrashLoopBackOff");
    assert_int_equal(d->pods[0].restarts, 4);
    assert_int_equal(d->pods[0].ready, 1);
    assert_int_equal(d->pods[0].total, 2);
    assert_int_equal(d->pods[0].n_containers, 2);
    assert_string_equal(d->pods[0].containers[1], "queue-proxy");
    tui_model_details_free(d);
    json_decref(events);
    json_decref(pods);
}

static void a_reset_batch_empties_the_fleet(void **state)
{
    (void)state;
    fleet *f = fleet_new();
    json_error_t je;
    json_t *ns = json_loads("{\"kind\":\"Namespace\",\"metadata\":{\"name\":\"v3\"}}", 0, &je);
    json_t *svc = json_loads("{\"kind\":\"Service\",\"metadata\":{\"name\":\"stream\",\"namespace\":\"v3\"}}",
                             0, &je);
    tui_fleet_batch *b = tui_fleet_batch_new();
    tui_fleet_batch_add(b, TUI_FLEET_APPLY, (fleet_kind)tui_fleet_kind_of(ns), ns);
    tui_fleet_batch_add(b, TUI_FLEET_APPLY, (fleet_kind)tui_fleet_kind_of(svc), svc);
    assert_true(tui_fleet_batch_apply(b, &f));
    assert_int_equal(fleet_model_count(f), 1);
    tui_fleet_batch *r = tui_fleet_batch_new();
    tui_fleet_batch_add(r, TUI_FLEET_RESET, FLEET_KIND_SERVICE, NULL);
    assert_true(tui_fleet_batch_apply(r, &f));
    assert_int_equal(fleet_model_count(f), 0);
    tui_fleet_batch_free(b);
    tui_fleet_batch_free(r);
    json_decref(ns);
    json_decref(svc);
    fleet_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_dashboard_is_the_bottom_of_the_stack),
        cmocka_unit_test(help_opens_over_the_view_and_q_goes_back),
        cmocka_unit_test(fleet_messages_reach_the_ui_fleet),
        cmocka_unit_test(enter_opens_the_selected_model_and_esc_returns),
        cmocka_unit_test(readonly_refuses_actions_that_change_the_cluster),
        cmocka_unit_test(colon_q_quits),
        cmocka_unit_test(details_sort_warnings_first_then_newest),
        cmocka_unit_test(a_reset_batch_empties_the_fleet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
