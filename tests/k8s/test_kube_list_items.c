/*
 * kube_list_items (k8s/kube_client.h): a List decoded one item at a time,
 * against a small scripted server in this process (libmicrohttpd): items
 * in order across pages, any layout and key order of the List, stopping
 * early, lists that are not Lists, and the list's resourceVersion; a
 * continue token that expired (410: the list restarts) or is refused
 * (400), cut-off later pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube_client.h"

static struct MHD_Daemon *g_daemon;
static unsigned g_port;
static atomic_int g_requests;
static atomic_int g_expire; /* continuations of "expire" still answered 410 */
static atomic_int g_firsts; /* first pages of "expire" served */

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned code, const char *body)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
                                                             MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(conn, code, r);
    MHD_destroy_response(r);
    return ret;
}

static const char *arg(struct MHD_Connection *conn, const char *key)
{
    return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
}

#define NS_PATH(ns) "/api/v1/namespaces/" ns "/configmaps"

static enum MHD_Result paged(struct MHD_Connection *conn)
{
    const char *cont = arg(conn, "continue");
    if (!cont)
        return reply(conn, 200,
                     "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":"
                     "{\"resourceVersion\":\"12\",\"continue\":\"tok en\"},\"items\":"
                     "[{\"metadata\":{\"name\":\"a\"}},{\"metadata\":{\"name\":\"b\"}}]}");
    if (strcmp(cont, "tok en") == 0 && !arg(conn, "resourceVersion"))
        return reply(conn, 200,
                     "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":"
                     "{\"resourceVersion\":\"12\"},\"items\":[{\"metadata\":{\"name\":\"c\"}}]}");
    return reply(conn, 410, "{\"kind\":\"Status\",\"reason\":\"Expired\",\"code\":410,"
                            "\"message\":\"The provided continue parameter is too old\"}");
}

#define LIST_HEAD(rv, more) \
    "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"" rv \
    "\"" more "},\"items\":["
#define ITEM(n) "{\"metadata\":{\"name\":\"" n "\"}}"

/* Three pages: a,b | c,d | e */
static enum MHD_Result three(struct MHD_Connection *conn)
{
    const char *cont = arg(conn, "continue");
    if (!cont)
        return reply(conn, 200, LIST_HEAD("5", ",\"continue\":\"p2\",\"remainingItemCount\":3")
                                    ITEM("a") "," ITEM("b") "]}");
    if (strcmp(cont, "p2") == 0)
        return reply(conn, 200, LIST_HEAD("5", ",\"continue\":\"p3\",\"remainingItemCount\":1")
                                    ITEM("c") "," ITEM("d") "]}");
    if (strcmp(cont, "p3") == 0)
        return reply(conn, 200, LIST_HEAD("5", "") ITEM("e") "]}");
    return reply(conn, 400, "{\"kind\":\"Status\",\"reason\":\"BadRequest\",\"code\":400,"
                            "\"message\":\"continue key is not valid: illegal base64 data\"}");
}

/* Three pages with metadata.remainingItemCount: a,b (3 left) | c,d (the
 * count after the items, and a wrong type: not told) | e (the last). */
static char g_limits[128]; /* limit= of each request to "limits", "2,5," */

/* Two pages a | b, noting each request's limit. */
static enum MHD_Result limits(struct MHD_Connection *conn)
{
    const char *l = arg(conn, "limit");
    size_t len = strlen(g_limits);
    snprintf(g_limits + len, sizeof g_limits - len, "%s,", l ? l : "-");
    if (!arg(conn, "continue"))
        return reply(conn, 200, LIST_HEAD("5", ",\"continue\":\"l2\"") ITEM("a") "]}");
    return reply(conn, 200, LIST_HEAD("5", "") ITEM("b") "]}");
}

static enum MHD_Result remain(struct MHD_Connection *conn)
{
    const char *cont = arg(conn, "continue");
    if (!cont)
        return reply(conn, 200, LIST_HEAD("5", ",\"continue\":\"r2\",\"remainingItemCount\":3")
                                    ITEM("a") "," ITEM("b") "]}");
    if (strcmp(cont, "r2") == 0)
        return reply(conn, 200, "{\"items\":[" ITEM("c") "," ITEM("d") "],\"metadata\":"
                                "{\"continue\":\"r3\",\"remainingItemCount\":\"1\"}}");
    return reply(conn, 200, LIST_HEAD("5", ",\"remainingItemCount\":7") ITEM("e") "]}");
}

/* Two pages a,b | c; the continuation answers 410 Expired while g_expire
 * is above 0 (counting down), and each first page has a newer version. */
static enum MHD_Result expire(struct MHD_Connection *conn)
{
    const char *cont = arg(conn, "continue");
    if (!cont) {
        int n = atomic_fetch_add(&g_firsts, 1);
        return reply(conn, 200, n == 0 ? LIST_HEAD("20", ",\"continue\":\"e2\"") ITEM("a") "," ITEM("b") "]}"
                                       : LIST_HEAD("21", ",\"continue\":\"e2\"") ITEM("a") "," ITEM("b") "]}");
    }
    if (atomic_fetch_sub(&g_expire, 1) > 0)
        return reply(conn, 410, "{\"kind\":\"Status\",\"reason\":\"Expired\",\"code\":410,"
                                "\"message\":\"The provided continue parameter is too old\"}");
    return reply(conn, 200, LIST_HEAD("20", "") ITEM("c") "]}");
}

/* A page whose first metadata says "stale" and whose last, after more
 * than one piece of the decoder's input (64 KiB), says "good". */
static const char *twometa_page(void)
{
    static char page[100 * 1024];
    if (!page[0]) {
        char pad[80 * 1024];
        memset(pad, 'x', sizeof pad - 1);
        pad[sizeof pad - 1] = '\0';
        snprintf(page, sizeof page,
                 "{\"metadata\":{\"continue\":\"stale\"},\"items\":[" ITEM("a")
                 ",{\"metadata\":{\"name\":\"b\",\"labels\":{\"pad\":\"%s\"}}}],"
                 "\"metadata\":{\"continue\":\"good\"}}",
                 pad);
    }
    return page;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **ptr)
{
    if (!*ptr) {
        *ptr = (void *)1;
        return MHD_YES;
    }
    atomic_fetch_add(&g_requests, 1);
    if (strcmp(url, NS_PATH("n")) == 0)
        return paged(conn);
    if (strcmp(url, NS_PATH("three")) == 0)
        return three(conn);
    if (strcmp(url, NS_PATH("expire")) == 0)
        return expire(conn);
    if (strcmp(url, NS_PATH("remain")) == 0)
        return remain(conn);
    if (strcmp(url, NS_PATH("limits")) == 0)
        return limits(conn);
    if (strcmp(url, NS_PATH("first410")) == 0)
        return reply(conn, 410, "{\"kind\":\"Status\",\"reason\":\"Expired\",\"code\":410,"
                                "\"message\":\"too old resource version: 1 (9)\"}");
    if (strcmp(url, NS_PATH("badtoken")) == 0) /* the server refuses its own token */
        return arg(conn, "continue")
                   ? reply(conn, 400, "{\"kind\":\"Status\",\"reason\":\"BadRequest\",\"code\":"
                                      "400,\"message\":\"continue key is not valid\"}")
                   : reply(conn, 200, LIST_HEAD("3", ",\"continue\":\"%%%\"") ITEM("a") "]}");
    if (strcmp(url, NS_PATH("cutnext")) == 0) /* the second page is cut off */
        return arg(conn, "continue")
                   ? reply(conn, 200, LIST_HEAD("3", "") ITEM("b") "," ITEM("c") ",{\"meta")
                   : reply(conn, 200, LIST_HEAD("3", ",\"continue\":\"x\"") ITEM("a") "]}");
    if (strcmp(url, NS_PATH("late")) == 0) /* metadata after the items: pages one by one */
        return arg(conn, "continue")
                   ? reply(conn, 200, "{\"items\":[" ITEM("c") "],\"metadata\":{}}")
                   : reply(conn, 200, "{\"items\":[" ITEM("a") "," ITEM("b")
                                      "],\"metadata\":{\"continue\":\"l2\",\"resourceVersion\":\"4\"}}");
    if (strcmp(url, NS_PATH("oddcont")) == 0) /* a continue that is not a string ends the list */
        return arg(conn, "continue")
                   ? reply(conn, 500, "{\"kind\":\"Status\",\"code\":500,\"message\":\"asked\"}")
                   : reply(conn, 200, LIST_HEAD("3", ",\"continue\":{\"a\":[1]}") ITEM("a") "]}");
    if (strcmp(url, NS_PATH("pretty")) == 0) /* items first, metadata last, escaped key */
        return reply(conn, 200,
                     "\n{\n  \"it\\u0065ms\" : [\n    { \"metadata\" : { \"name\" : \"x\" } } ,\n"
                     "    {\"metadata\":{\"name\":\"y\",\"labels\":{\"items\":\"[\"}}}\n  ] ,\n"
                     "  \"kind\" : \"ConfigMapList\" ,\n  \"metadata\" : { \"resourceVersion\" : "
                     "\"7\" }\n}\n");
    if (strcmp(url, NS_PATH("twometa")) == 0) /* a second metadata key has the token */
        return arg(conn, "continue")
                   ? reply(conn, 200, strcmp(arg(conn, "continue"), "good") == 0
                                          ? LIST_HEAD("3", "") ITEM("c") "]}"
                                          : "{\"kind\":\"Status\",\"code\":200}")
                   : reply(conn, 200, twometa_page());
    if (strcmp(url, NS_PATH("empty")) == 0)
        return reply(conn, 200, "{\"kind\":\"ConfigMapList\",\"metadata\":{},\"items\":[]}");
    if (strcmp(url, NS_PATH("noitems")) == 0)
        return reply(conn, 200, "{\"kind\":\"ConfigMapList\",\"metadata\":{},\"items\":null}");
    if (strcmp(url, NS_PATH("cut")) == 0)
        return reply(conn, 200, "{\"kind\":\"ConfigMapList\",\"items\":[{\"metadata\":{\"name\":"
                                "\"a\"}},{\"metadata\":");
    if (strcmp(url, NS_PATH("trailing")) == 0)
        return reply(conn, 200, "{\"items\":[]} {}");
    return reply(conn, 403, "{\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":"
                            "\"Forbidden\",\"message\":\"configmaps is forbidden\",\"code\":403}");
}

static int setup(void **state)
{
    atomic_store(&g_requests, 0);
    atomic_store(&g_expire, 0);
    atomic_store(&g_firsts, 0);
    twometa_page(); /* built before the server's threads read it */
    g_daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                                    MHD_USE_ERROR_LOG,
                                0, NULL, NULL, handle, NULL, MHD_OPTION_END);
    assert_non_null(g_daemon);
    g_port = MHD_get_daemon_info(g_daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
    char server[64];
    snprintf(server, sizeof server, "http://127.0.0.1:%u", g_port);
    kube_rest_config rc = {0};
    rc.namespace_ = (char *)"n";
    rc.server = server;
    tt_error err;
    kube_client *c = kube_client_new(&rc, &err);
    if (!c)
        fail_msg("kube_client_new: %s", err.message);
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    kube_client_free(*state);
    MHD_stop_daemon(g_daemon);
    return 0;
}

/* Collects item names, "a,b,c"; stops after stop_after items (0 = never). */
typedef struct names {
    char text[256];
    int calls, stop_after;
} names;

static int collect(const json_t *item, void *ud)
{
    names *n = ud;
    const char *name =
        json_string_value(json_object_get(json_object_get(item, "metadata"), "name"));
    size_t len = strlen(n->text);
    snprintf(n->text + len, sizeof n->text - len, "%s%s", len ? "," : "", name ? name : "?");
    n->calls++;
    return n->stop_after && n->calls >= n->stop_after;
}

static int list(kube_client *c, const char *ns, names *n, tt_error *err)
{
    kube_list_opts o = {.page_size = 2};
    return kube_list_items(c, &KUBE_GVR_CONFIGMAPS, ns, &o, collect, n, err);
}

static void items_arrive_in_order_across_pages(void **state)
{
    names n = {0};
    tt_error err;
    if (list(*state, "n", &n, &err) != 0)
        fail_msg("%s", err.message);
    assert_string_equal(n.text, "a,b,c");
    assert_int_equal(atomic_load(&g_requests), 2);
}

static void layout_and_key_order_of_the_list_do_not_matter(void **state)
{
    names n = {0};
    tt_error err;
    if (list(*state, "pretty", &n, &err) != 0)
        fail_msg("%s", err.message);
    assert_string_equal(n.text, "x,y");
}

static void an_empty_list_calls_nothing(void **state)
{
    names n = {0};
    tt_error err;
    assert_int_equal(list(*state, "empty", &n, &err), 0);
    assert_int_equal(n.calls, 0);
}

static void the_callback_stops_the_list(void **state)
{
    names n = {.stop_after = 1};
    tt_error err;
    assert_int_equal(list(*state, "n", &n, &err), 1);
    assert_string_equal(n.text, "a");
    /* stopped on the first page: the second is never asked for */
    assert_int_equal(atomic_load(&g_requests), 1);
}

static void pages_follow_their_tokens_and_stopping_asks_no_further(void **state)
{
    names all = {0};
    tt_error err;
    assert_int_equal(list(*state, "three", &all, &err), 0);
    assert_string_equal(all.text, "a,b,c,d,e");
    assert_int_equal(atomic_load(&g_requests), 3);
    atomic_store(&g_requests, 0);
    names n = {.stop_after = 3};
    assert_int_equal(list(*state, "three", &n, &err), 1);
    assert_string_equal(n.text, "a,b,c");
    /* never the third page, unless fetched ahead */
    assert_int_equal(atomic_load(&g_requests), 2);
}

static void on_page(const kube_list_page_info *info, void *ud)
{
    names *n = ud;
    size_t len = strlen(n->text);
    snprintf(n->text + len, sizeof n->text - len, " [%s %s %lld %zu] ",
             info->resource_version ? info->resource_version : "-", info->cont ? info->cont : "-",
             info->remaining_item_count, info->items);
}

/* Each page's own metadata reaches opts->page after its items. */
static void each_pages_metadata_comes_after_its_items(void **state)
{
    names n = {0};
    tt_error err;
    kube_list_opts o = {.page_size = 2, .page = on_page};
    if (kube_list_items(*state, &KUBE_GVR_CONFIGMAPS, "three", &o, collect, &n, &err) != 0)
        fail_msg("%s", err.message);
    assert_string_equal(n.text, "a,b [5 p2 3 2] ,c,d [5 p3 1 2] ,e [5 - -1 1] ");
}

/* opts->page: "items seen:remaining" after each page, + when a continue
 * token follows, - when not. */
static void page_seen(const kube_list_page_info *info, void *ud)
{
    names *n = ud;
    size_t len = strlen(n->text);
    snprintf(n->text + len, sizeof n->text - len, "|%d:%lld%c", n->calls,
             info->remaining_item_count, info->cont ? '+' : '-');
}

static void each_page_tells_the_items_the_server_says_are_left(void **state)
{
    names n = {0};
    tt_error err;
    kube_list_opts o = {.page_size = 2, .page = page_seen};
    if (kube_list_items(*state, &KUBE_GVR_CONFIGMAPS, "remain", &o, collect, &n, &err) != 0)
        fail_msg("%s", err.message);
    /* 3 as sent; -1 for a count that is not a number; the last page's as
     * sent, with no continue token (the reflector reads it as 0). */
    assert_string_equal(n.text, "a,b|2:3+,c,d|4:-1+,e|5:7-");
}

static void the_first_page_may_be_smaller_than_the_rest(void **state)
{
    names n = {0};
    tt_error err;
    kube_list_opts o = {.page_size = 5, .first_page_size = 2};
    g_limits[0] = '\0';
    if (kube_list_items(*state, &KUBE_GVR_CONFIGMAPS, "limits", &o, collect, &n, &err) != 0)
        fail_msg("%s", err.message);
    assert_string_equal(n.text, "a,b");
    assert_string_equal(g_limits, "2,5,");
    g_limits[0] = '\0';
    kube_list_opts same = {.page_size = 5};
    n.text[0] = '\0';
    if (kube_list_items(*state, &KUBE_GVR_CONFIGMAPS, "limits", &same, collect, &n, &err) != 0)
        fail_msg("%s", err.message);
    assert_string_equal(g_limits, "5,5,");
}

static void a_page_that_stops_the_list_is_not_told_as_done(void **state)
{
    names n = {.stop_after = 1};
    tt_error err;
    kube_list_opts o = {.page_size = 2, .page = page_seen};
    assert_int_equal(kube_list_items(*state, &KUBE_GVR_CONFIGMAPS, "remain", &o, collect, &n, &err),
                     1);
    assert_string_equal(n.text, "a");
}

static void restarted(void *ud)
{
    names *n = ud;
    size_t len = strlen(n->text);
    snprintf(n->text + len, sizeof n->text - len, "%s|", len ? "," : "");
}

static int list_restarting(kube_client *c, const char *ns, names *n, char **rv, tt_error *err)
{
    kube_list_opts o = {.page_size = 2, .restart = restarted};
    return kube_list_items_rv(c, &KUBE_GVR_CONFIGMAPS, ns, &o, collect, n, rv, err);
}

static void an_expired_continue_token_restarts_the_list(void **state)
{
    atomic_store(&g_expire, 1);
    names n = {0};
    tt_error err;
    char *rv = NULL;
    if (list_restarting(*state, "expire", &n, &rv, &err) != 0)
        fail_msg("%s", err.message);
    /* the restart is announced between the first attempt's items and the
     * second's; the version is the second first page's */
    assert_string_equal(n.text, "a,b,|,a,b,c");
    assert_string_equal(rv, "21");
    assert_int_equal(atomic_load(&g_requests), 4);
    free(rv);
}

static void a_list_that_keeps_expiring_fails_after_three_restarts(void **state)
{
    atomic_store(&g_expire, 1000);
    names n = {0};
    tt_error err;
    char *rv = (char *)"unset";
    assert_int_equal(list_restarting(*state, "expire", &n, &rv, &err), -1);
    assert_int_equal(err.code, 410);
    assert_string_equal(err.reason, "Expired");
    assert_null(rv);
    assert_string_equal(n.text, "a,b,|,a,b,|,a,b,|,a,b");
    assert_int_equal(atomic_load(&g_requests), 8);
}

static void a_410_on_the_first_page_is_not_restarted(void **state)
{
    names n = {0};
    tt_error err;
    assert_int_equal(list_restarting(*state, "first410", &n, NULL, &err), -1);
    assert_int_equal(err.code, 410);
    assert_int_equal(n.calls, 0);
    assert_string_equal(n.text, "");
    assert_int_equal(atomic_load(&g_requests), 1);
}

static void a_refused_continue_token_is_the_error_not_a_restart(void **state)
{
    names n = {0};
    tt_error err;
    assert_int_equal(list_restarting(*state, "badtoken", &n, NULL, &err), -1);
    assert_int_equal(err.code, 400);
    assert_string_equal(err.message + strlen(err.message) - strlen("continue key is not valid"),
                        "continue key is not valid");
    assert_string_equal(n.text, "a");
    assert_int_equal(atomic_load(&g_requests), 2);
}

static void a_cut_off_second_page_fails_after_its_whole_items(void **state)
{
    names n = {0};
    tt_error err;
    assert_int_equal(list(*state, "cutnext", &n, &err), -1);
    assert_int_equal(err.code, TT_EPROTO);
    assert_true(tt_str_has_prefix(err.message, "the server's list of configmaps is not a JSON List"));
    assert_string_equal(n.text, "a,b,c");
}

static void metadata_after_the_items_still_follows_the_token(void **state)
{
    names n = {0};
    tt_error err;
    char *rv = NULL;
    kube_list_opts o = {.page_size = 2};
    if (kube_list_items_rv(*state, &KUBE_GVR_CONFIGMAPS, "late", &o, collect, &n, &rv, &err) != 0)
        fail_msg("%s", err.message);
    assert_string_equal(n.text, "a,b,c");
    assert_string_equal(rv, "4");
    assert_int_equal(atomic_load(&g_requests), 2);
    free(rv);
}

/* The last metadata key wins, as in a decoded object: a page fetched
 * ahead with the first one's token is dropped. */
static void the_last_metadata_key_has_the_token(void **state)
{
    names n = {0};
    tt_error err;
    if (list(*state, "twometa", &n, &err) != 0)
        fail_msg("%s", err.message);
    assert_string_equal(n.text, "a,b,c");
    assert_int_equal(atomic_load(&g_requests), 2);
}

static void a_continue_that_is_not_a_string_ends_the_list(void **state)
{
    names n = {0};
    tt_error err;
    assert_int_equal(list(*state, "oddcont", &n, &err), 0);
    assert_string_equal(n.text, "a");
    assert_int_equal(atomic_load(&g_requests), 1);
}

static void a_list_without_an_items_array_is_a_protocol_error(void **state)
{
    names n = {0};
    tt_error err;
    assert_int_equal(list(*state, "noitems", &n, &err), -1);
    assert_int_equal(err.code, TT_EPROTO);
    assert_string_equal(err.message, "the server's list of configmaps has no items array");
}

static void a_cut_off_list_is_a_protocol_error_after_its_whole_items(void **state)
{
    names n = {0};
    tt_error err;
    assert_int_equal(list(*state, "cut", &n, &err), -1);
    assert_int_equal(err.code, TT_EPROTO);
    assert_true(tt_str_has_prefix(err.message, "the server's list of configmaps is not a JSON List"));
    assert_string_equal(n.text, "a");
}

static void text_after_the_list_is_a_protocol_error(void **state)
{
    names n = {0};
    tt_error err;
    assert_int_equal(list(*state, "trailing", &n, &err), -1);
    assert_int_equal(err.code, TT_EPROTO);
}

static void a_status_answer_is_the_error(void **state)
{
    names n = {0};
    tt_error err;
    assert_int_equal(list(*state, "denied", &n, &err), -1);
    assert_int_equal(err.code, 403);
    assert_string_equal(err.reason, "Forbidden");
    assert_int_equal(n.calls, 0);
}

static void items_are_the_same_as_kube_list_gives(void **state)
{
    tt_error err;
    kube_list_opts o = {.page_size = 2};
    json_t *whole = kube_list(*state, &KUBE_GVR_CONFIGMAPS, "n", &o, &err);
    assert_non_null(whole);
    names n = {0};
    assert_int_equal(list(*state, "n", &n, &err), 0);
    names w = {0};
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(whole, "items"), i, item)
        collect(item, &w);
    assert_string_equal(n.text, w.text);
    json_decref(whole);
}

static void the_lists_resource_version_is_given_back(void **state)
{
    kube_list_opts o = {.page_size = 2};
    const char *ns[] = {"n", "pretty", "empty", "denied"};
    const char *want[] = {"12", "7", NULL, NULL}; /* metadata first, last, without, failed */
    for (int i = 0; i < 4; i++) {
        names n = {0};
        tt_error err;
        char *rv = (char *)"unset";
        int rc = kube_list_items_rv(*state, &KUBE_GVR_CONFIGMAPS, ns[i], &o, collect, &n, &rv,
                                    &err);
        assert_int_equal(rc, i == 3 ? -1 : 0);
        if (want[i])
            assert_string_equal(rv, want[i]);
        else
            assert_null(rv);
        free(rv);
    }
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(items_arrive_in_order_across_pages),
        T(layout_and_key_order_of_the_list_do_not_matter),
        T(an_empty_list_calls_nothing),
        T(the_callback_stops_the_list),
        T(pages_follow_their_tokens_and_stopping_asks_no_further),
        T(each_pages_metadata_comes_after_its_items),
        T(each_page_tells_the_items_the_server_says_are_left),
        T(a_page_that_stops_the_list_is_not_told_as_done),
        T(the_first_page_may_be_smaller_than_the_rest),
        T(an_expired_continue_token_restarts_the_list),
        T(a_list_that_keeps_expiring_fails_after_three_restarts),
        T(a_410_on_the_first_page_is_not_restarted),
        T(a_refused_continue_token_is_the_error_not_a_restart),
        T(a_cut_off_second_page_fails_after_its_whole_items),
        T(metadata_after_the_items_still_follows_the_token),
        T(the_last_metadata_key_has_the_token),
        T(a_continue_that_is_not_a_string_ends_the_list),
        T(a_list_without_an_items_array_is_a_protocol_error),
        T(a_cut_off_list_is_a_protocol_error_after_its_whole_items),
        T(text_after_the_list_is_a_protocol_error),
        T(a_status_answer_is_the_error),
        T(items_are_the_same_as_kube_list_gives),
        T(the_lists_resource_version_is_given_back),
    };
    return cmocka_run_group_tests_name("pages decoded in turn", tests, NULL, NULL);
}
