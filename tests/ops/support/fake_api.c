/* The scripted Kubernetes API of the ops tests (see fake_api.h). */
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

#include "fake_api.h"
#include "fixture.h"

typedef struct route {
    char *method, *path, *body;
    unsigned status;
    unsigned hits_left; /* 0 = unlimited */
    bool spent;
} route;

typedef struct request {
    char *line; /* "METHOD path?query" */
    char *body;
} request;

static struct {
    pthread_mutex_t mu;
    struct MHD_Daemon *daemon;
    route *routes;
    size_t n_routes;
    request *log;
    size_t n_log;
} S = {.mu = PTHREAD_MUTEX_INITIALIZER};

json_t *fake_api_fixture(const char *file)
{
    return load_fixture_in(NULL, file);
}

static void add_route(const char *method, const char *path, unsigned status, char *body,
                      unsigned hits)
{
    pthread_mutex_lock(&S.mu);
    S.routes = tt_realloc(S.routes, (S.n_routes + 1) * sizeof(*S.routes));
    S.routes[S.n_routes++] = (route){tt_strdup(method), tt_strdup(path), body, status, hits,
                                     false};
    pthread_mutex_unlock(&S.mu);
}

void fake_api_json_n(const char *method, const char *path, unsigned status, const json_t *j,
                     unsigned hits)
{
    add_route(method, path, status, json_dumps(j, JSON_COMPACT), hits);
}

void fake_api_drop(const char *method, const char *path, unsigned hits)
{
    add_route(method, path, 0, tt_strdup(""), hits);
}

void fake_api_json(const char *method, const char *path, unsigned status, const json_t *j)
{
    fake_api_json_n(method, path, status, j, 0);
}

void fake_api_file(const char *method, const char *path, unsigned status, const char *file)
{
    json_t *j = fake_api_fixture(file);
    fake_api_json(method, path, status, j);
    json_decref(j);
}

void fake_api_status(const char *method, const char *path, unsigned code, const char *reason,
                     const char *message)
{
    json_t *j = json_pack("{s:s, s:s, s:{}, s:s, s:s, s:s, s:i}", "kind", "Status",
                          "apiVersion", "v1", "metadata", "status", "Failure", "message",
                          message, "reason", reason, "code", (int)code);
    fake_api_json(method, path, code, j);
    json_decref(j);
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    tt_buf *q = cls;
    tt_buf_printf(q, "%s%s=%s", q->len ? "&" : "?", key, value ? value : "");
    return MHD_YES;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *body)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
                                                             MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    if (*con_cls == NULL) {
        *con_cls = tt_calloc(1, sizeof(tt_buf));
        return MHD_YES;
    }
    tt_buf *body = *con_cls;
    if (*upload_size) {
        tt_buf_append(body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    tt_buf line = TT_BUF_INIT;
    tt_buf_printf(&line, "%s %s", method, url);
    tt_buf q = TT_BUF_INIT;
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &q);
    if (q.len)
        tt_buf_append(&line, q.data, q.len);
    bool dry = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "dryRun") != NULL;
    tt_buf_free(&q);

    pthread_mutex_lock(&S.mu);
    S.log = tt_realloc(S.log, (S.n_log + 1) * sizeof(*S.log));
    S.log[S.n_log++] = (request){tt_strdup(line.data),
                                 tt_strdup(body->data ? body->data : "")};
    unsigned status = 0;
    char *answer = NULL;
    for (size_t i = S.n_routes; i-- > 0;) {
        route *r = &S.routes[i];
        if (r->spent || strcmp(r->method, method) != 0 || strcmp(r->path, url) != 0)
            continue;
        status = r->status;
        answer = tt_strdup(r->body);
        if (r->hits_left && --r->hits_left == 0)
            r->spent = true;
        break;
    }
    pthread_mutex_unlock(&S.mu);
    tt_buf_free(&line);

    if (!answer && dry && (strcmp(method, "PATCH") == 0 || strcmp(method, "PUT") == 0)) {
        status = 200;
        answer = tt_strdup(body->data ? body->data : "{}");
    }
    if (!answer) {
        status = 404;
        answer = tt_strdup("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                           "\"status\":\"Failure\",\"message\":\"not found\",\"reason\":"
                           "\"NotFound\",\"code\":404}");
    }
    tt_buf_free(body);
    free(body);
    *con_cls = NULL;
    if (status == 0) { /* fake_api_drop: the request was read, no answer comes */
        free(answer);
        return MHD_NO;
    }
    enum MHD_Result ret = reply(conn, status, answer);
    free(answer);
    return ret;
}

kube_client *fake_api_start(void)
{
    S.daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                                    MHD_USE_ERROR_LOG,
                                0, NULL, NULL, handle, NULL, MHD_OPTION_END);
    assert_non_null(S.daemon);
    unsigned port = MHD_get_daemon_info(S.daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
    fake_api_file("GET", "/api/v1", 200, "k8s/discovery/api-v1.json");
    fake_api_file("GET", "/apis/serving.knative.dev/v1", 200,
                  "k8s/discovery/serving.knative.dev-v1.json");
    fake_api_file("GET", "/apis/configuration.konghq.com/v1", 200,
                  "k8s/discovery/configuration.konghq.com-v1.json");
    char server[64];
    snprintf(server, sizeof server, "http://127.0.0.1:%u", port);
    kube_rest_config rc = {0};
    rc.namespace_ = (char *)"default";
    rc.server = server;
    tt_error err;
    kube_client *c = kube_client_new(&rc, &err);
    if (!c)
        fail_msg("kube_client_new: %s", err.message);
    return c;
}

void fake_api_clear_log(void)
{
    pthread_mutex_lock(&S.mu);
    for (size_t i = 0; i < S.n_log; i++) {
        free(S.log[i].line);
        free(S.log[i].body);
    }
    free(S.log);
    S.log = NULL;
    S.n_log = 0;
    pthread_mutex_unlock(&S.mu);
}

void fake_api_stop(kube_client *c)
{
    kube_client_free(c);
    MHD_stop_daemon(S.daemon);
    S.daemon = NULL;
    fake_api_clear_log();
    for (size_t i = 0; i < S.n_routes; i++) {
        free(S.routes[i].method);
        free(S.routes[i].path);
        free(S.routes[i].body);
    }
    free(S.routes);
    S.routes = NULL;
    S.n_routes = 0;
}

static bool matches(const request *r, const char *method, const char *path, const char *query)
{
    size_t ml = method ? strlen(method) : 0;
    if (method && (strncmp(r->line, method, ml) != 0 || r->line[ml] != ' '))
        return false;
    const char *url = strchr(r->line, ' ') + 1;
    const char *qs = strchr(url, '?');
    size_t plen = qs ? (size_t)(qs - url) : strlen(url);
    if (path) {
        char *p = tt_strndup(url, plen);
        bool hit = strstr(p, path) != NULL;
        free(p);
        if (!hit)
            return false;
    }
    return !query || (qs && strstr(qs, query));
}

size_t fake_api_count(const char *method, const char *path, const char *query)
{
    size_t n = 0;
    pthread_mutex_lock(&S.mu);
    for (size_t i = 0; i < S.n_log; i++)
        n += matches(&S.log[i], method, path, query);
    pthread_mutex_unlock(&S.mu);
    return n;
}

json_t *fake_api_last_body(const char *method, const char *path, const char *query)
{
    json_t *j = NULL;
    pthread_mutex_lock(&S.mu);
    for (size_t i = S.n_log; i-- > 0;)
        if (matches(&S.log[i], method, path, query)) {
            j = json_loads(S.log[i].body, 0, NULL);
            break;
        }
    pthread_mutex_unlock(&S.mu);
    return j;
}
