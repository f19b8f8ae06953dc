/*
 * Loading the fleet (ops_fleet_load, ops/fleet_load.c) against a scripted
 * API whose continue token expires part way: the list starts again, and
 * what the first attempt saw but the second does not is not kept. And
 * status written model by model (ops_fleet_status_stream) against servers
 * that do not page in key order: the output is the whole load's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "ops.h"
#include "tt_common.h"
#include "support/fake_api.h"

#define KSVCS "/apis/serving.knative.dev/v1/services"
#define REVS "/apis/serving.knative.dev/v1/revisions"
#define NSS "/api/v1/namespaces"

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

/* A ServiceList page with stream services in the namespaces named (a
 * NULL-terminated list), continuing with cont when non-NULL. */
static json_t *services_page(const char *cont, const char *const *models)
{
    json_t *items = json_array();
    for (size_t i = 0; models[i]; i++)
        json_array_append_new(items, json_pack("{s:s, s:{s:s, s:s}}", "kind", "Service",
                                               "metadata", "name", "stream", "namespace",
                                               models[i]));
    json_t *md = json_pack("{s:s}", "resourceVersion", "40");
    if (cont)
        json_object_set_new(md, "continue", json_string(cont));
    return json_pack("{s:s, s:s, s:o, s:o}", "kind", "ServiceList", "apiVersion",
                     "serving.knative.dev/v1", "metadata", md, "items", items);
}

static void serve_empty(const char *path, const char *kind)
{
    json_t *l = json_pack("{s:s, s:{}, s:[]}", "kind", kind, "metadata", "items");
    fake_api_json("GET", path, 200, l);
    json_decref(l);
}

/* Routes stack: the last added answers first, each for one request. */
static void serve_services_expiring(unsigned expiries)
{
    static const char *const second[] = {"model-c", NULL};
    static const char *const first_again[] = {"model-a", "model-b", NULL};
    static const char *const first[] = {"model-a", "model-gone", NULL};
    json_t *p2 = services_page(NULL, second);
    fake_api_json("GET", KSVCS, 200, p2); /* the last page, always */
    json_decref(p2);
    json_t *again = services_page("tok-2", first_again);
    fake_api_json_n("GET", KSVCS, 200, again, 1);
    json_decref(again);
    json_t *expired = json_pack("{s:s, s:s, s:s, s:s, s:i}", "kind", "Status", "status",
                                "Failure", "reason", "Expired", "message",
                                "The provided continue parameter is too old", "code", 410);
    for (unsigned i = 0; i < expiries; i++) {
        json_t *p1 = services_page("tok-1", i == 0 ? first : first_again);
        fake_api_json_n("GET", KSVCS, 410, expired, 1);
        fake_api_json_n("GET", KSVCS, 200, p1, 1);
        json_decref(p1);
    }
    json_decref(expired);
    serve_empty(REVS, "RevisionList");
    serve_empty(NSS, "NamespaceList");
}

static void an_expired_continue_token_loads_the_fleet_of_the_second_list(void **state)
{
    serve_services_expiring(1);
    fleet *f = fleet_new();
    tt_error err;
    tt_error_clear(&err);
    if (ops_fleet_load(*state, f, NULL, NULL, &err) != 0)
        fail_msg("%s", err.message);
    assert_int_equal(fleet_model_count(f), 3);
    assert_non_null(fleet_find(f, "model-a"));
    assert_non_null(fleet_find(f, "model-b"));
    assert_non_null(fleet_find(f, "model-c"));
    assert_null(fleet_find(f, "model-gone")); /* seen only by the expired attempt */
    assert_int_equal(fake_api_count("GET", KSVCS, "continue=tok-1"), 1);
    assert_int_equal(fake_api_count("GET", KSVCS, "continue=tok-2"), 1);
    fleet_free(f);
}

static void a_token_that_keeps_expiring_fails_the_load_with_the_410(void **state)
{
    serve_services_expiring(4);
    fleet *f = fleet_new();
    tt_error err;
    tt_error_clear(&err);
    assert_int_equal(ops_fleet_load(*state, f, NULL, NULL, &err), -1);
    assert_int_equal(err.code, 410);
    assert_string_equal(err.reason, "Expired");
    assert_int_equal(fake_api_count("GET", KSVCS, "continue=tok-1"), 4);
    fleet_free(f);
}

/* ---- status model by model ---------------------------------------------------- */

/* A RevisionList page of "ns/svc-N" keys, continuing with cont. */
static json_t *revisions_page(const char *cont, const char *const *keys)
{
    json_t *items = json_array();
    for (size_t i = 0; keys[i]; i++) {
        const char *slash = strchr(keys[i], '/'), *dash = strrchr(keys[i], '-');
        char *ns = tt_strndup(keys[i], (size_t)(slash - keys[i]));
        char *svc = tt_strndup(slash + 1, (size_t)(dash - slash - 1));
        char created[32];
        snprintf(created, sizeof created, "2024-05-01T10:%02d:00Z", atoi(dash + 1) % 60);
        json_array_append_new(
            items, json_pack("{s:s, s:{s:s, s:s, s:s, s:{s:s}}, s:{s:[{s:s}]}}", "kind",
                             "Revision", "metadata", "name", slash + 1, "namespace", ns,
                             "creationTimestamp", created, "labels",
                             "serving.knative.dev/service", svc, "spec", "containers", "image",
                             keys[i]));
        free(ns);
        free(svc);
    }
    json_t *md = json_pack("{s:s}", "resourceVersion", "40");
    if (cont)
        json_object_set_new(md, "continue", json_string(cont));
    return json_pack("{s:s, s:s, s:o, s:o}", "kind", "RevisionList", "apiVersion",
                     "serving.knative.dev/v1", "metadata", md, "items", items);
}

/* Services and namespaces tts, tts-beta, tts0 (stream only). */
static void serve_prefix_models(void)
{
    static const char *const models[] = {"tts", "tts-beta", "tts0", NULL};
    json_t *p = services_page(NULL, models);
    fake_api_json("GET", KSVCS, 200, p);
    json_decref(p);
    json_t *nss = json_pack("{s:s, s:{}, s:[{s:{s:s}}, {s:{s:s}}, {s:{s:s}}]}", "kind",
                            "NamespaceList", "metadata", "items", "metadata", "name", "tts",
                            "metadata", "name", "tts-beta", "metadata", "name", "tts0");
    fake_api_json("GET", NSS, 200, nss);
    json_decref(nss);
}

/* The pages, top of the stack last: pages[0] answers first, once; the last
 * page answers every request after. */
static void serve_revision_pages(const char *const *const *pages, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        char cont[16];
        snprintf(cont, sizeof cont, "tok-%zu", i + 1);
        json_t *p = revisions_page(i + 1 < n ? cont : NULL, pages[i]);
        if (i + 1 == n)
            fake_api_json("GET", REVS, 200, p);
        else
            fake_api_json_n("GET", REVS, 200, p, 1);
        json_decref(p);
    }
}

/* The revision pages asked for when the first model was written. */
static size_t first_written_after;

static void collect_model(const fleet_model *m, void *ud)
{
    if (json_array_size(ud) == 0)
        first_written_after = fake_api_count("GET", REVS, NULL);
    json_array_append_new(ud, fleet_model_json(m));
}

static char *streamed_status(kube_client *c, long page_size)
{
    json_t *arr = json_array();
    ops_fleet_stream_opts o = {.model = collect_model, .ud = arr, .page_size = page_size};
    tt_error err;
    tt_error_clear(&err);
    if (ops_fleet_status_stream(c, &o, &err) != 0)
        fail_msg("%s", err.message);
    char *out = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    return out;
}

static char *held_status(kube_client *c)
{
    fleet *f = fleet_new();
    tt_error err;
    tt_error_clear(&err);
    if (ops_fleet_load(c, f, NULL, NULL, &err) != 0)
        fail_msg("%s", err.message);
    json_t *arr = fleet_status_json(f, NULL);
    char *out = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    fleet_free(f);
    return out;
}

static void status_from_a_server_that_ignores_limit_is_the_whole_load(void **state)
{
    /* every revision on one page, no continue token, not in key order */
    static const char *const all[] = {"tts/stream-2",      "tts0/stream-1", "tts-beta/stream-1",
                                      "tts/stream-1",      "tts0/stream-3", "tts-beta/stream-2",
                                      NULL};
    static const char *const *const pages[] = {all};
    serve_prefix_models();
    serve_revision_pages(pages, 1);
    char *streamed = streamed_status(*state, 2);
    assert_int_equal(fake_api_count("GET", REVS, "limit=2"), 1);
    char *held = held_status(*state);
    assert_string_equal(streamed, held);
    assert_non_null(strstr(held, "\"tts/stream-1\"")); /* the held load saw them all */
    free(streamed);
    free(held);
}

static void status_with_an_item_out_of_order_at_a_page_boundary_is_the_whole_load(void **state)
{
    /* page 2 starts with a tts-beta revision, before page 1's last key */
    static const char *const p1[] = {"tts-beta/stream-1", "tts-beta/stream-3", NULL};
    static const char *const p2[] = {"tts-beta/stream-2", "tts/stream-1", NULL};
    static const char *const p3[] = {"tts/stream-2", "tts0/stream-1", NULL};
    static const char *const p4[] = {"tts0/stream-2", NULL};
    static const char *const *const pages[] = {p1, p2, p3, p4};
    serve_prefix_models();
    serve_revision_pages(pages, 4);
    char *streamed = streamed_status(*state, 2);
    assert_int_equal(fake_api_count("GET", REVS, "continue=tok-3"), 1);
    serve_revision_pages(pages, 4);
    char *held = held_status(*state);
    assert_string_equal(streamed, held);
    assert_non_null(strstr(held, "\"stream-2\"")); /* tts-beta's late revision is in */
    free(streamed);
    free(held);
}

static void status_streamed_from_a_paging_server_is_the_whole_load(void **state)
{
    static const char *const p1[] = {"tts-beta/stream-1", "tts-beta/stream-2", NULL};
    static const char *const p2[] = {"tts/stream-1", "tts/stream-2", NULL};
    static const char *const p3[] = {"tts0/stream-1", "tts0/stream-2", NULL};
    static const char *const p4[] = {"tts0/stream-3", NULL};
    static const char *const p5[] = {"tts0/stream-4", NULL};
    static const char *const *const pages[] = {p1, p2, p3, p4, p5};
    serve_prefix_models();
    serve_revision_pages(pages, 5);
    char *streamed = streamed_status(*state, 2);
    /* tts and tts-beta are complete once page 3 passes tts0: written at
     * the end of page 4 (one page of lag), before the last was asked for */
    assert_int_equal(first_written_after, 4);
    assert_int_equal(fake_api_count("GET", REVS, NULL), 5);
    serve_revision_pages(pages, 5);
    char *held = held_status(*state);
    assert_string_equal(streamed, held);
    free(streamed);
    free(held);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(an_expired_continue_token_loads_the_fleet_of_the_second_list),
        T(a_token_that_keeps_expiring_fails_the_load_with_the_410),
        T(status_from_a_server_that_ignores_limit_is_the_whole_load),
        T(status_with_an_item_out_of_order_at_a_page_boundary_is_the_whole_load),
        T(status_streamed_from_a_paging_server_is_the_whole_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
