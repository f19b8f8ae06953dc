/*
 * The scripted HTTP server (libmicrohttpd, in the test's process) that the
 * client's transport tests (test_kube_client_http*.c) run against: pages,
 * Status errors, a 401 then 200, non-Kubernetes answers, logs and watches
 * split across chunks, and the retry scenarios; what it saw last.
 */
#include "scripted_server.h"

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

/* ---- the scripted server ------------------------------------------------ */

srv S;

static int hit(enum scenario sc)
{
    pthread_mutex_lock(&S.mu);
    int n = ++S.hits[sc];
    pthread_mutex_unlock(&S.mu);
    return n;
}

int hits(enum scenario sc)
{
    pthread_mutex_lock(&S.mu);
    int n = S.hits[sc];
    pthread_mutex_unlock(&S.mu);
    return n;
}

/* The waits the client asked for between attempts (none really happen). */
slept Slept;

void record_sleep(long ms, void *ud)
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

void sleep_ms(long ms)
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

kube_client *client_for(const char *token, const char *token_file)
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

int server_setup(void **state)
{
    server_start();
    memset(&Slept, 0, sizeof Slept);
    *state = client_for(NULL, NULL);
    return 0;
}

int server_teardown(void **state)
{
    kube_client_free(*state);
    server_stop();
    return 0;
}
