/*
 * The client against a small scripted HTTP server in this process
 * (libmicrohttpd): the transport's behaviour that needs no real cluster:
 * paging, Status errors, 401 refresh, non-Kubernetes answers, streaming
 * logs and watches split across chunks, cancel, apply, and the reflector.
 * The demo cluster integration tests (tests/integration) cover the rest.
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

/* ---- the scripted server ------------------------------------------------ */

typedef struct srv {
    struct MHD_Daemon *d;
    unsigned port;
    pthread_mutex_t mu;
    int hits_secret;      /* requests to the 401-then-200 secret */
    int hits_torn;        /* second pages of the torn list */
    int watches;          /* watch requests seen */
    char last_query[512]; /* of the last watch/apply request */
    char last_ctype[128];
    char last_body[4096];
    char last_method[16];
    atomic_int stop_streams;
    int hits[8];          /* per retry scenario (enum scenario) */
} srv;

static srv S;

/* The retry scenarios under /api/v1/namespaces/r/... */
enum scenario {
    SC_BUSY,      /* GET pods/busy: 503 once, then 200 */
    SC_LIMITED,   /* GET pods/limited: 429 Retry-After: 2 once, then 200 */
    SC_DOWN,      /* GET pods/down: always 503 */
    SC_DROP,      /* GET pods/drop: connection closed without an answer once */
    SC_WRITE,     /* POST/PATCH configmaps[/w]: 503 (dry run: once, then 201) */
    SC_WRITE_DROP,/* PATCH configmaps/lost: connection closed without an answer */
    SC_WATCH,     /* watch of configmaps: 503 */
    SC_CODE,      /* GET pods/code-NNN: always NNN */
};

static int hit(enum scenario sc)
{
    pthread_mutex_lock(&S.mu);
    int n = ++S.hits[sc];
    pthread_mutex_unlock(&S.mu);
    return n;
}

static int hits(enum scenario sc)
{
    pthread_mutex_lock(&S.mu);
    int n = S.hits[sc];
    pthread_mutex_unlock(&S.mu);
    return n;
}

/* The waits the client asked for between attempts (none really happen). */
static struct {
    int n;
    long ms[16];
} Slept;

static void record_sleep(long ms, void *ud)
{
    (void)ud;
    if (Slept.n < 16)
        Slept.ms[Slept.n] = ms;
    Slept.n++;
}

typedef struct stream {
    const char *const *chunks; /* NULL-terminated; "" = pause 50 ms */
    size_t i;
    bool quiet;                /* after the chunks, stay open until stopped */
} stream;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    stream *st = cls;
    for (;;) {
        const char *c = st->chunks[st->i];
        if (!c) {
            if (!st->quiet || atomic_load(&S.stop_streams))
                return MHD_CONTENT_READER_END_OF_STREAM;
            sleep_ms(20);
            continue;
        }
        st->i++;
        if (!c[0]) {
            sleep_ms(50);
            continue;
        }
        size_t n = strlen(c);
        if (n > max)
            n = max;
        memcpy(buf, c, n);
        return (ssize_t)n;
    }
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned code, const char *ctype,
                             const char *body)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
                                                             MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", ctype);
    enum MHD_Result ret = MHD_queue_response(conn, code, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result reply_stream(struct MHD_Connection *conn, const char *const *chunks,
                                    bool quiet)
{
    stream *st = calloc(1, sizeof *st);
    st->chunks = chunks;
    st->quiet = quiet;
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024,
                                                               stream_read, st, free);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static const char *arg(struct MHD_Connection *conn, const char *key)
{
    return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    char *q = cls;
    size_t n = strlen(q);
    snprintf(q + n, 512 - n, "%s%s=%s", n ? "&" : "", key, value ? value : "");
    return MHD_YES;
}

static const char *const log_chunks[] = {"line one\nli", "", "ne two\n", "\n", "line thr",
                                         "ee without newline", NULL};
static const char *const watch_chunks[] = {
    "{\"type\":\"ADDED\",\"object\":{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\","
    "\"resourceVersion\":\"11\"}}}\n{\"type\":\"MODI",
    "", "FIED\",\"object\":{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\","
    "\"resourceVersion\":\"12\"}}}\n",
    "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"ConfigMap\",\"metadata\":{\"resourceVersion\":"
    "\"20\"}}}\n",
    NULL};
static const char *const expired_chunks[] = {
    "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":"
    "\"Failure\",\"message\":\"too old resource version: 12 (30)\",\"reason\":\"Expired\","
    "\"code\":410}}\n", NULL};
static const char *const nothing[] = {NULL};

static const char *discovery_knative =
    "{\"kind\":\"APIResourceList\",\"groupVersion\":\"serving.knative.dev/v1\",\"resources\":["
    "{\"name\":\"services\",\"singularName\":\"service\",\"namespaced\":true,\"kind\":\"Service\","
    "\"verbs\":[\"get\",\"patch\"]}]}";

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    /* Collect the body (MHD calls with chunks, then once with 0). */
    if (*con_cls == NULL) {
        tt_buf *b = calloc(1, sizeof *b);
        *con_cls = b;
        return MHD_YES;
    }
    tt_buf *body = *con_cls;
    if (*upload_size) {
        tt_buf_append(body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&S.mu);
    snprintf(S.last_method, sizeof S.last_method, "%s", method);
    snprintf(S.last_body, sizeof S.last_body, "%s", body->data ? body->data : "");
    const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
    snprintf(S.last_ctype, sizeof S.last_ctype, "%s", ct ? ct : "");
    S.last_query[0] = '\0';
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, S.last_query);
    pthread_mutex_unlock(&S.mu);
    tt_buf_free(body);
    free(body);
    *con_cls = NULL;

    const char *watch = arg(conn, "watch");
    if (tt_str_has_prefix(url, "/api/v1/namespaces/r/")) {
        static const char *const status503 =
            "{\"kind\":\"Status\",\"reason\":\"ServiceUnavailable\",\"message\":"
            "\"the server is busy\",\"code\":503}";
        static const char *const pod = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}";
        bool dry = arg(conn, "dryRun") != NULL;
        if (strcmp(url, "/api/v1/namespaces/r/pods/busy") == 0)
            return hit(SC_BUSY) == 1 ? reply(conn, 503, "application/json", status503)
                                     : reply(conn, 200, "application/json", pod);
        if (strcmp(url, "/api/v1/namespaces/r/pods/limited") == 0) {
            if (hit(SC_LIMITED) > 1)
                return reply(conn, 200, "application/json", pod);
            struct MHD_Response *r = MHD_create_response_from_buffer(
                strlen(status503), (void *)status503, MHD_RESPMEM_PERSISTENT);
            MHD_add_response_header(r, "Content-Type", "application/json");
            MHD_add_response_header(r, "Retry-After", "2");
            enum MHD_Result ret = MHD_queue_response(conn, 429, r);
            MHD_destroy_response(r);
            return ret;
        }
        if (tt_str_has_prefix(url, "/api/v1/namespaces/r/pods/code-")) {
            hit(SC_CODE);
            int code = atoi(url + strlen("/api/v1/namespaces/r/pods/code-"));
            return reply(conn, (unsigned)code, "application/json", status503);
        }
        if (strcmp(url, "/api/v1/namespaces/r/pods/down") == 0) {
            hit(SC_DOWN);
            return reply(conn, 503, "application/json", status503);
        }
        if (strcmp(url, "/api/v1/namespaces/r/pods/drop") == 0)
            return hit(SC_DROP) == 1 ? MHD_NO : reply(conn, 200, "application/json", pod);
        if (strcmp(url, "/api/v1/namespaces/r/configmaps/lost") == 0) {
            hit(SC_WRITE_DROP);
            return MHD_NO;
        }
        if (strcmp(url, "/api/v1/namespaces/r/configmaps") == 0 && watch) {
            hit(SC_WATCH);
            return reply(conn, 503, "application/json", status503);
        }
        if (tt_str_has_prefix(url, "/api/v1/namespaces/r/configmaps")) {
            if (hit(SC_WRITE) == 1 || !dry)
                return reply(conn, 503, "application/json", status503);
            return reply(conn, 201, "application/json",
                         "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\"}}");
        }
    }
    if (strcmp(url, "/api/v1/namespaces/n/configmaps") == 0 && watch) {
        pthread_mutex_lock(&S.mu);
        int nth = ++S.watches;
        pthread_mutex_unlock(&S.mu);
        const char *rv = arg(conn, "resourceVersion");
        if (rv && strcmp(rv, "12") == 0 && nth == 1)
            return reply_stream(conn, watch_chunks, false);
        if (rv && strcmp(rv, "20") == 0)
            return reply_stream(conn, expired_chunks, false);
        if (rv && strcmp(rv, "gone") == 0)
            return reply(conn, 410, "application/json",
                         "{\"kind\":\"Status\",\"reason\":\"Expired\",\"message\":\"gone\","
                         "\"code\":410}");
        return reply_stream(conn, nothing, true);
    }
    if (strcmp(url, "/api/v1/namespaces/n/configmaps") == 0) {
        const char *cont = arg(conn, "continue");
        const char *limit = arg(conn, "limit");
        if (!limit || strcmp(limit, "2") != 0)
            return reply(conn, 200, "application/json",
                         "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":"
                         "{\"resourceVersion\":\"12\"},\"items\":[{\"metadata\":{\"name\":\"a\"}}]}");
        if (!cont)
            return reply(conn, 200, "application/json",
                         "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":"
                         "{\"resourceVersion\":\"12\",\"continue\":\"tok en\"},\"items\":"
                         "[{\"metadata\":{\"name\":\"a\"}},{\"metadata\":{\"name\":\"b\"}}]}");
        if (strcmp(cont, "tok en") == 0 && !arg(conn, "resourceVersion"))
            return reply(conn, 200, "application/json",
                         "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":"
                         "{\"resourceVersion\":\"12\"},\"items\":[{\"metadata\":{\"name\":\"c\"}}]}");
        return reply(conn, 410, "application/json",
                     "{\"kind\":\"Status\",\"reason\":\"Expired\",\"code\":410,\"message\":"
                     "\"The provided continue parameter is too old\"}");
    }
    if (strcmp(url, "/api/v1/namespaces/torn/configmaps") == 0) {
        /* a list whose second page fails the first time (then a quiet watch) */
        if (watch)
            return reply_stream(conn, nothing, true);
        if (!arg(conn, "continue"))
            return reply(conn, 200, "application/json",
                         "{\"kind\":\"ConfigMapList\",\"metadata\":{\"resourceVersion\":\"5\","
                         "\"continue\":\"next\"},\"items\":[{\"metadata\":{\"name\":\"a\"}},"
                         "{\"metadata\":{\"name\":\"b\"}}]}");
        pthread_mutex_lock(&S.mu);
        int nth = ++S.hits_torn;
        pthread_mutex_unlock(&S.mu);
        if (nth == 1)
            return reply(conn, 500, "application/json",
                         "{\"kind\":\"Status\",\"reason\":\"InternalError\",\"message\":"
                         "\"etcd is busy\",\"code\":500}");
        return reply(conn, 200, "application/json",
                     "{\"kind\":\"ConfigMapList\",\"metadata\":{\"resourceVersion\":\"5\"},"
                     "\"items\":[{\"metadata\":{\"name\":\"c\"}}]}");
    }
    if (strcmp(url, "/api/v1/namespaces/n/secrets/flaky") == 0) {
        pthread_mutex_lock(&S.mu);
        int nth = ++S.hits_secret;
        pthread_mutex_unlock(&S.mu);
        if (nth % 2 == 1)
            return reply(conn, 401, "application/json",
                         "{\"kind\":\"Status\",\"reason\":\"Unauthorized\",\"message\":"
                         "\"Unauthorized\",\"code\":401}");
        return reply(conn, 200, "application/json",
                     "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"flaky\"}}");
    }
    if (strcmp(url, "/api/v1/namespaces/n/pods/p") == 0)
        return reply(conn, 200, "application/json",
                     "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"n\"}}");
    if (strcmp(url, "/api/v1/namespaces/n/pods/p/log") == 0)
        return reply_stream(conn, log_chunks, false);
    if (strcmp(url, "/api/v1/namespaces/n/pods/gateway") == 0)
        return reply(conn, 502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>");
    if (strcmp(url, "/api/v1/namespaces/n/pods/notjson") == 0)
        return reply(conn, 200, "text/plain", "hello");
    if (strcmp(url, "/apis/serving.knative.dev/v1") == 0)
        return reply(conn, 200, "application/json", discovery_knative);
    if (strcmp(url, "/apis/serving.knative.dev/v1/namespaces/n/services/tts") == 0 &&
        strcmp(method, "PATCH") == 0)
        return reply(conn, 201, "application/json",
                     "{\"kind\":\"Service\",\"apiVersion\":\"serving.knative.dev/v1\","
                     "\"metadata\":{\"name\":\"tts\",\"namespace\":\"n\"}}");
    if (strcmp(url, "/api/v1/namespaces/n/pods/gone") == 0 && strcmp(method, "DELETE") == 0)
        return reply(conn, 200, "application/json",
                     "{\"kind\":\"Status\",\"status\":\"Success\",\"details\":{\"name\":\"gone\"}}");
    return reply(conn, 404, "application/json",
                 "{\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"NotFound\","
                 "\"message\":\"the server could not find the requested resource\",\"code\":404}");
}

static void server_start(void)
{
    memset(&S, 0, sizeof S);
    pthread_mutex_init(&S.mu, NULL);
    S.d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                               MHD_USE_ERROR_LOG,
                           0, NULL, NULL, handle, NULL, MHD_OPTION_END);
    assert_non_null(S.d);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(S.d, MHD_DAEMON_INFO_BIND_PORT);
    S.port = info->port;
}

static void server_stop(void)
{
    atomic_store(&S.stop_streams, 1);
    MHD_stop_daemon(S.d);
    pthread_mutex_destroy(&S.mu);
}

static kube_client *client_for(const char *token, const char *token_file)
{
    char server[64];
    snprintf(server, sizeof server, "http://127.0.0.1:%u", S.port);
    kube_rest_config rc = {0};
    rc.context_name = (char *)"test-ctx";
    rc.user_name = (char *)"test-user";
    rc.namespace_ = (char *)"n";
    rc.server = server;
    rc.token = (char *)token;
    rc.token_file = (char *)token_file;
    tt_error err;
    kube_client *c = kube_client_new(&rc, &err);
    if (!c)
        fail_msg("kube_client_new: %s", err.message);
    kube_retry_policy retry = {.sleep = record_sleep};
    kube_client_set_retry(c, &retry);
    return c;
}

static int setup(void **state)
{
    server_start();
    memset(&Slept, 0, sizeof Slept);
    *state = client_for(NULL, NULL);
    return 0;
}

static int teardown(void **state)
{
    kube_client_free(*state);
    server_stop();
    return 0;
}

/* ---- tests ---------------------------------------------------------------- */

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

typedef struct wseen {
    kube_watch_event_type types[8];
    char rv[8][16];
    size_t n;
} wseen;

static int on_event(const kube_watch_event *ev, void *ud)
{
    wseen *w = ud;
    w->types[w->n] = ev->type;
    const char *rv = json_string_value(
        json_object_get(json_object_get(ev->object, "metadata"), "resourceVersion"));
    tt_strlcpy(w->rv[w->n], rv ? rv : "", sizeof w->rv[0]);
    w->n++;
    return 0;
}

static void watch_streams_events_split_across_chunks(void **state)
{
    tt_error err;
    wseen w = {0};
    kube_watch_opts o = {.resource_version = "12", .timeout_seconds = 5};
    assert_int_equal(kube_watch(*state, &KUBE_GVR_CONFIGMAPS, NULL, &o, on_event, &w, &err), 0);
    assert_int_equal(w.n, 3);
    assert_int_equal(w.types[0], KUBE_WATCH_ADDED);
    assert_int_equal(w.types[1], KUBE_WATCH_MODIFIED);
    assert_int_equal(w.types[2], KUBE_WATCH_BOOKMARK);
    assert_string_equal(w.rv[2], "20");
    assert_non_null(strstr(S.last_query, "allowWatchBookmarks=true"));
    assert_non_null(strstr(S.last_query, "timeoutSeconds=5"));
}

static void *cancel_later(void *arg)
{
    sleep_ms(300);
    atomic_store((atomic_int *)arg, 1);
    return NULL;
}

static void cancel_stops_a_quiet_watch_quickly(void **state)
{
    atomic_int cancel = 0;
    kube_client_set_cancel(*state, &cancel);
    pthread_t t;
    pthread_create(&t, NULL, cancel_later, &cancel);
    tt_error err;
    wseen w = {0};
    kube_watch_opts o = {.resource_version = "99"};
    long long start = tt_now_ms();
    assert_int_equal(kube_watch(*state, &KUBE_GVR_CONFIGMAPS, NULL, &o, on_event, &w, &err), -1);
    long long took = tt_now_ms() - start;
    pthread_join(t, NULL);
    assert_int_equal(err.code, TT_ECANCELED);
    assert_true(took < 1500);
    assert_int_equal(w.n, 0);
    kube_client_set_cancel(*state, NULL);
}

typedef struct rseen {
    char log[1024];
    int synced;
    int cancel_at; /* cancel at this SYNCED (0: the second) */
    atomic_int *cancel;
} rseen;

static int on_reflect(const kube_reflector_event *ev, void *ud)
{
    rseen *r = ud;
    static const char *names[] = {"BEGIN", "ITEM", "SYNCED", "ADDED", "MODIFIED", "DELETED",
                                  "CONNECTED", "RETRYING", "PAGE"};
    size_t n = strlen(r->log);
    snprintf(r->log + n, sizeof r->log - n, "%s%s@%s", n ? " " : "", names[ev->type],
             ev->resource_version ? ev->resource_version : "-");
    if (ev->type == KUBE_REFLECT_SYNCED && ++r->synced == (r->cancel_at ? r->cancel_at : 2))
        atomic_store(r->cancel, 1);
    return 0;
}

/* The list is handed on page by page; one that fails part way has given
 * RELIST_BEGIN and the first page's items but no SYNCED, and the retry
 * starts again with RELIST_BEGIN. */
static void reflector_list_failing_part_way_is_begun_again(void **state)
{
    atomic_int cancel = 0;
    rseen r = {.cancel = &cancel, .cancel_at = 1};
    tt_error err;
    kube_reflector_opts o = {.page_size = 2, .backoff_initial_ms = 10};
    kube_client_set_retry(*state, &(kube_retry_policy){.max_attempts = 1});
    assert_int_equal(kube_reflector_run(*state, &KUBE_GVR_CONFIGMAPS, "torn", &o, on_reflect, &r,
                                        &cancel, &err),
                     0);
    /* PAGE after each page's items: none for the page that failed */
    assert_string_equal(r.log, "BEGIN@- ITEM@- ITEM@- PAGE@- RETRYING@- "
                               "CONNECTED@- BEGIN@- ITEM@- ITEM@- PAGE@- ITEM@- PAGE@- SYNCED@5");
}

static void reflector_lists_watches_and_relists_on_expired(void **state)
{
    atomic_int cancel = 0;
    rseen r = {.cancel = &cancel};
    tt_error err;
    /* list (RV 12; its items come before the reflector may resume from it)
     * → watch from 12: ADDED, MODIFIED, BOOKMARK 20, end → watch from 20:
     * ERROR 410 → relist (items while 20 is still the last RV) → synced
     * twice → cancelled. */
    kube_reflector_opts o = {.watch_timeout_seconds = 5};
    assert_int_equal(kube_reflector_run(*state, &KUBE_GVR_CONFIGMAPS, NULL, &o, on_reflect, &r,
                                        &cancel, &err), 0);
    assert_string_equal(r.log, "BEGIN@- ITEM@- PAGE@- SYNCED@12 ADDED@11 MODIFIED@12 "
                               "BEGIN@20 ITEM@20 PAGE@20 SYNCED@12");
}

static int stop_on_retry(const kube_reflector_event *ev, void *ud)
{
    if (ev->type == KUBE_REFLECT_RETRYING) {
        *(long *)ud = ev->retry_in_ms;
        assert_non_null(ev->error);
        assert_int_equal(ev->error->code, TT_ENET);
        return 1;
    }
    return 0;
}

static void reflector_reports_retrying_when_the_server_is_down(void **state)
{
    (void)state;
    kube_rest_config rc = {0};
    rc.namespace_ = (char *)"n";
    rc.server = (char *)"http://127.0.0.1:1";
    tt_error err;
    kube_client *c = kube_client_new(&rc, &err);
    long retry = -1;
    kube_reflector_opts o = {.backoff_initial_ms = 100};
    assert_int_equal(kube_reflector_run(c, &KUBE_GVR_PODS, NULL, &o, stop_on_retry, &retry, NULL,
                                        &err), 0);
    assert_true(retry >= 100 && retry <= 125);
    kube_client_free(c);
}

/* Collects the waits of the first six retries, then stops. */
static int collect_retries(const kube_reflector_event *ev, void *ud)
{
    long *waits = ud;
    if (ev->type != KUBE_REFLECT_RETRYING)
        return 0;
    waits[++waits[0]] = ev->retry_in_ms;
    return waits[0] == 6;
}

/* The reflector's waits double up to backoff_max_ms (plus at most a quarter
 * of jitter) and stay there: the dashboard's cap (8 s) is how soon a
 * returning cluster is seen. */
static void reflector_backoff_doubles_up_to_its_cap(void **state)
{
    (void)state;
    kube_rest_config rc = {0};
    rc.namespace_ = (char *)"n";
    rc.server = (char *)"http://127.0.0.1:1";
    tt_error err;
    kube_client *c = kube_client_new(&rc, &err);
    long waits[7] = {0};
    kube_reflector_opts o = {.backoff_initial_ms = 20, .backoff_max_ms = 80};
    assert_int_equal(kube_reflector_run(c, &KUBE_GVR_PODS, NULL, &o, collect_retries, waits, NULL,
                                        &err), 0);
    assert_int_equal(waits[0], 6);
    static const long base[] = {0, 20, 40, 80, 80, 80, 80};
    for (int i = 1; i <= 6; i++)
        if (waits[i] < base[i] || waits[i] > base[i] + base[i] / 4)
            fail_msg("retry %d waits %ld ms, expected %ld to %ld", i, waits[i], base[i],
                     base[i] + base[i] / 4);
    kube_client_free(c);
}

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
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(client_remembers_where_and_who),
        T(get_returns_the_object),
        T(get_of_a_missing_object_is_404_not_found),
        T(list_follows_continue_and_merges_pages),
        T(reflector_list_failing_part_way_is_begun_again),
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
        T(watch_streams_events_split_across_chunks),
        T(cancel_stops_a_quiet_watch_quickly),
        T(reflector_lists_watches_and_relists_on_expired),
        T(reflector_reports_retrying_when_the_server_is_down),
        T(reflector_backoff_doubles_up_to_its_cap),
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
