/*
 * The client against a small scripted HTTP server in this process
 * (support/scripted_server.c): get, paging, Status errors, 401 refresh,
 * non-Kubernetes answers, streaming logs, apply and delete. Watches and
 * the reflector: test_kube_client_http_watch.c; retries:
 * test_kube_client_http_retry.c. The demo cluster integration tests
 * (tests/integration) cover the rest.
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

static void client_remembers_where_and_who(void **state)
{
    kube_client *c = *state;
    assert_string_equal(kube_client_context(c), "test-ctx");
    assert_string_equal(kube_client_namespace(c), "n");
    assert_string_equal(kube_client_user(c), "test-user");
    assert_true(tt_str_has_prefix(kube_client_server(c), "http://127.0.0.1:"));
}

static void get_returns_the_object(void **state)
{
    tt_error err;
    json_t *pod = kube_get(*state, &KUBE_GVR_PODS, NULL, "p", &err);
    assert_non_null(pod);
    assert_string_equal(json_string_value(json_object_get(pod, "kind")), "Pod");
    json_decref(pod);
}

static void get_of_a_missing_object_is_404_not_found(void **state)
{
    tt_error err;
    assert_null(kube_get(*state, &KUBE_GVR_PODS, "n", "nope", &err));
    assert_int_equal(err.code, 404);
    assert_string_equal(err.reason, "NotFound");
    assert_string_equal(err.message, "the server could not find the requested resource");
}

static void list_follows_continue_and_merges_pages(void **state)
{
    tt_error err;
    kube_list_opts o = {.page_size = 2};
    json_t *list = kube_list(*state, &KUBE_GVR_CONFIGMAPS, NULL, &o, &err);
    if (!list)
        fail_msg("%s", err.message);
    assert_string_equal(json_string_value(json_object_get(list, "kind")), "ConfigMapList");
    assert_string_equal(json_string_value(json_object_get(json_object_get(list, "metadata"),
                                                          "resourceVersion")), "12");
    json_t *items = json_object_get(list, "items");
    assert_int_equal(json_array_size(items), 3);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_array_get(items, 2), "metadata"), "name")), "c");
    json_decref(list);
}

static int stop_after_first_page(const json_t *page, void *ud)
{
    (*(int *)ud)++;
    return 1;
}

static void list_pages_stops_when_asked(void **state)
{
    tt_error err;
    int pages = 0;
    kube_list_opts o = {.page_size = 2};
    assert_int_equal(kube_list_pages(*state, &KUBE_GVR_CONFIGMAPS, "n", &o,
                                     stop_after_first_page, &pages, &err), 1);
    assert_int_equal(pages, 1);
}

static void html_answer_is_reported_with_its_url(void **state)
{
    tt_error err;
    assert_null(kube_get(*state, &KUBE_GVR_PODS, "n", "gateway", &err));
    assert_int_equal(err.code, 502);
    char want[256];
    snprintf(want, sizeof want, "server at http://127.0.0.1:%u/api/v1/namespaces/n/pods/gateway "
             "answered 502 with a non-Kubernetes response (text/html): <html><body>", S.port);
    assert_true(tt_str_has_prefix(err.message, want));
}

static void non_json_success_is_a_protocol_error(void **state)
{
    tt_error err;
    assert_null(kube_get(*state, &KUBE_GVR_PODS, "n", "notjson", &err));
    assert_int_equal(err.code, TT_EPROTO);
    assert_non_null(strstr(err.message, "(text/plain): hello"));
}

static void unauthorized_with_refreshable_credentials_retries_once(void **state)
{
    (void)state;
    char path[] = "/tmp/ttstui-token-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "tok\n", 4), 4);
    close(fd);
    kube_client *c = client_for(NULL, path);
    tt_error err;
    json_t *s = kube_get(c, &KUBE_GVR_SECRETS, NULL, "flaky", &err);
    if (!s)
        fail_msg("%s", err.message);
    assert_int_equal(S.hits_secret, 2);
    json_decref(s);
    kube_client_free(c);
    unlink(path);
}

static void unauthorized_with_a_static_token_fails_at_once(void **state)
{
    (void)state;
    kube_client *c = client_for("static-secret-token", NULL);
    tt_error err;
    assert_null(kube_get(c, &KUBE_GVR_SECRETS, NULL, "flaky", &err));
    assert_int_equal(S.hits_secret, 1);
    assert_int_equal(err.code, 401);
    assert_non_null(strstr(err.message, "user test-user (context test-ctx)"));
    assert_null(strstr(err.message, "static-secret-token"));
    kube_client_free(c);
}

static void connection_refused_names_the_server(void **state)
{
    (void)state;
    kube_rest_config rc = {0};
    rc.namespace_ = (char *)"n";
    rc.server = (char *)"http://127.0.0.1:1";
    tt_error err;
    kube_client *c = kube_client_new(&rc, &err);
    assert_non_null(c);
    assert_null(kube_get(c, &KUBE_GVR_PODS, NULL, "p", &err));
    assert_int_equal(err.code, TT_ENET);
    assert_true(tt_str_has_prefix(err.message, "cannot connect to the Kubernetes API server at "
                                               "http://127.0.0.1:1"));
    kube_client_free(c);
}

static void bad_server_url_is_refused_by_new(void **state)
{
    (void)state;
    kube_rest_config rc = {0};
    rc.context_name = (char *)"x";
    rc.server = (char *)"ftp://example";
    tt_error err;
    assert_null(kube_client_new(&rc, &err));
    assert_int_equal(err.code, TT_EINVAL);
    assert_non_null(strstr(err.message, "ftp://example"));
    rc.server = NULL;
    assert_null(kube_client_new(&rc, &err));
    assert_non_null(strstr(err.message, "no server address for context x"));
}

typedef struct lines {
    char text[8][64];
    size_t n;
    size_t stop_at;
} lines;

static int on_line(const char *line, size_t len, void *ud)
{
    lines *l = ud;
    assert_int_equal(strlen(line), len);
    tt_strlcpy(l->text[l->n++], line, sizeof l->text[0]);
    return l->n == l->stop_at;
}

static void logs_arrive_as_whole_lines_however_chunked(void **state)
{
    tt_error err;
    lines l = {.stop_at = 99};
    kube_log_opts o = {.container = "user-container", .tail_lines = 10, .timestamps = true};
    assert_int_equal(kube_pod_logs(*state, NULL, "p", &o, on_line, &l, &err), 0);
    assert_int_equal(l.n, 4);
    assert_string_equal(l.text[0], "line one");
    assert_string_equal(l.text[1], "line two");
    assert_string_equal(l.text[2], "");
    assert_string_equal(l.text[3], "line three without newline");
    assert_non_null(strstr(S.last_query, "container=user-container"));
    assert_non_null(strstr(S.last_query, "tailLines=10"));
    assert_non_null(strstr(S.last_query, "timestamps=true"));
}

static void logs_stop_when_the_callback_says_so(void **state)
{
    tt_error err;
    lines l = {.stop_at = 1};
    assert_int_equal(kube_pod_logs(*state, NULL, "p", NULL, on_line, &l, &err), 1);
    assert_int_equal(l.n, 1);
}

static void apply_maps_the_kind_and_patches_with_apply_content_type(void **state)
{
    json_t *obj = json_loads("{\"apiVersion\":\"serving.knative.dev/v1\",\"kind\":\"Service\","
                             "\"metadata\":{\"name\":\"tts\"},\"spec\":{}}", 0, NULL);
    tt_error err;
    bool created = false;
    kube_apply_opts o = {.force = true, .dry_run = true};
    json_t *out = kube_apply(*state, obj, &o, &created, &err);
    if (!out)
        fail_msg("%s", err.message);
    assert_true(created);
    assert_string_equal(S.last_method, "PATCH");
    assert_string_equal(S.last_ctype, "application/apply-patch+yaml");
    assert_non_null(strstr(S.last_query, "fieldManager=ttstui"));
    assert_non_null(strstr(S.last_query, "fieldValidation=Strict"));
    assert_non_null(strstr(S.last_query, "force=true"));
    assert_non_null(strstr(S.last_query, "dryRun=All"));
    json_t *sent = json_loads(S.last_body, 0, NULL);
    assert_true(json_equal(sent, obj));
    json_decref(sent);
    json_decref(out);
    json_decref(obj);
}

static void apply_of_an_unknown_kind_asks_about_the_crd(void **state)
{
    json_t *obj = json_loads("{\"apiVersion\":\"serving.knative.dev/v1\",\"kind\":\"Widget\","
                             "\"metadata\":{\"name\":\"w\"}}", 0, NULL);
    tt_error err;
    assert_null(kube_apply(*state, obj, NULL, NULL, &err));
    assert_int_equal(err.code, 404);
    assert_non_null(strstr(err.message, "does not know kind Widget in apiVersion "
                                        "serving.knative.dev/v1 (is the CRD installed?)"));
    json_decref(obj);
    obj = json_loads("{\"apiVersion\":\"example.com/v9\",\"kind\":\"Thing\",\"metadata\":"
                     "{\"name\":\"t\"}}", 0, NULL);
    assert_null(kube_apply(*state, obj, NULL, NULL, &err));
    assert_int_equal(err.code, 404);
    assert_non_null(strstr(err.message, "kind Thing in apiVersion example.com/v9"));
    json_decref(obj);
}

static void delete_sends_the_propagation_policy(void **state)
{
    tt_error err;
    kube_delete_opts o = {KUBE_PROPAGATION_FOREGROUND, true};
    json_t *st = kube_delete(*state, &KUBE_GVR_PODS, NULL, "gone", &o, &err);
    if (!st)
        fail_msg("%s", err.message);
    assert_string_equal(S.last_method, "DELETE");
    assert_string_equal(S.last_body, "{\"propagationPolicy\":\"Foreground\"}");
    assert_string_equal(S.last_query, "dryRun=All");
    json_decref(st);
}


int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, server_setup, server_teardown)
    const struct CMUnitTest tests[] = {
        T(client_remembers_where_and_who),
        T(get_returns_the_object),
        T(get_of_a_missing_object_is_404_not_found),
        T(list_follows_continue_and_merges_pages),
        T(list_pages_stops_when_asked),
        T(html_answer_is_reported_with_its_url),
        T(non_json_success_is_a_protocol_error),
        T(unauthorized_with_refreshable_credentials_retries_once),
        T(unauthorized_with_a_static_token_fails_at_once),
        T(connection_refused_names_the_server),
        T(bad_server_url_is_refused_by_new),
        T(logs_arrive_as_whole_lines_however_chunked),
        T(logs_stop_when_the_callback_says_so),
        T(apply_maps_the_kind_and_patches_with_apply_content_type),
        T(apply_of_an_unknown_kind_asks_about_the_crd),
        T(delete_sends_the_propagation_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
