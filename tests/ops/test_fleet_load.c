/*
 * Loading the fleet (ops_fleet_load, ops/fleet_load.c) against a scripted
 * API whose continue token expires part way: the list starts again, and
 * what the first attempt saw but the second does not is not kept.
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

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(an_expired_continue_token_loads_the_fleet_of_the_second_list),
        T(a_token_that_keeps_expiring_fails_the_load_with_the_410),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
