/*
 * The HTTP server: the libmicrohttpd daemon (one thread per connection),
 * a request's life (its body, the --stall-* holds around it), routing of
 * paths to discovery, openapi, /debug/ (api_debug.c) and the resource
 * verbs (list in api_list.c, writes in api_write.c), authentication and
 * injected failures; the response and request helpers the API files share.
 */
#include "dc.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_BODY (16u * 1024u * 1024u)
#define DEMO_USER "kubernetes-admin"

static struct MHD_Daemon *g_daemon;
/* --fail-rate's sequence (inject_failure) */
static pthread_mutex_t g_rand_mu = PTHREAD_MUTEX_INITIALIZER;

void dc_fail_set(dc_fail *f, int code, const char *reason, const char *fmt, ...)
{
    f->code = code;
    tt_strlcpy(f->reason, reason, sizeof f->reason);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
}

/* ---- responses ---------------------------------------------------------- */

/* The status of the last answer queued on this thread (one thread per
 * connection): --stall-kind holds only answers to stored writes. */
static __thread int t_last_status;

enum MHD_Result dc_send(struct MHD_Connection *c, int code, const char *ctype, char *body,
                        size_t len)
{
    t_last_status = code;
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Cache-Control", "no-cache, private");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)code, r);
    MHD_destroy_response(r);
    return ret;
}

enum MHD_Result dc_send_json(struct MHD_Connection *c, int code, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    size_t n = strlen(text);
    /* MHD frees with free(); jansson's default allocator is malloc */
    return dc_send(c, code, "application/json", text, n);
}

enum MHD_Result dc_send_status(struct MHD_Connection *c, int code, const char *reason,
                               const char *fmt, ...)
{
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dc_send_json(c, code, dc_status(code, reason, msg));
}

enum MHD_Result dc_send_fail(struct MHD_Connection *c, dc_fail *f)
{
    json_t *st = dc_status(f->code, f->reason, f->message);
    if (f->details) {
        json_object_set_new(st, "details", f->details);
        f->details = NULL;
    }
    return dc_send_json(c, f->code, st);
}

bool dc_peer_gone(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci)
        return true;
    struct pollfd p = {ci->connect_fd, POLLRDHUP, 0};
    if (poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)))
        return true;
    return false;
}

/* ---- helpers ------------------------------------------------------------ */

const char *dc_arg(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

const char *dc_header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

bool dc_truthy(const char *v) { return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0); }

bool dc_want_table(struct MHD_Connection *c)
{
    const char *a = dc_header(c, "Accept");
    return a && strstr(a, "as=Table") != NULL;
}

void dc_fail_not_found(dc_fail *f, dc_resource *r, const char *name)
{
    dc_fail_set(f, 404, "NotFound", "%s \"%s\" not found", dc_resource_qualified(r), name);
    f->details = json_pack("{s:s, s:s, s:s}", "name", name, "group", r->group, "kind", r->plural);
}

enum MHD_Result dc_respond_object(struct MHD_Connection *c, int code, dc_resource *r,
                                  json_t *obj, bool table)
{
    if (table) {
        json_t *t = dc_table_new(r, &obj, 1, true);
        json_decref(obj);
        return dc_send_json(c, code, t);
    }
    return dc_send_json(c, code, obj);
}

/* ---- routing --------------------------------------------------------- */

static bool authenticated(struct MHD_Connection *c)
{
    bool need_token = g_cfg.token != NULL, need_cert = g_cfg.client_cert_auth;
    if (!need_token && !need_cert)
        return true;
    if (need_token) {
        const char *a = dc_header(c, "Authorization");
        if (a && tt_str_has_prefix(a, "Bearer ") && strcmp(a + 7, g_cfg.token) == 0)
            return true;
    }
    if (need_cert) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
        if (ci && ci->tls_session) {
            gnutls_session_t s = (gnutls_session_t)ci->tls_session;
            unsigned n = 0;
            unsigned status = 0;
            if (gnutls_certificate_get_peers(s, &n) && n > 0 &&
                gnutls_certificate_verify_peers2(s, &status) == 0 && status == 0)
                return true;
        }
    }
    return false;
}

static bool inject_failure(const char *method, int *code)
{
    if (g_cfg.fail_rate <= 0)
        return false;
    if (g_cfg.fail_reads && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return false;
    /* its own sequence (--fail-seed), apart from generated names */
    static unsigned state;
    static bool seeded;
    pthread_mutex_lock(&g_rand_mu);
    if (!seeded) {
        state = g_cfg.fail_seed ? g_cfg.fail_seed : 12345;
        seeded = true;
    }
    double x = (double)rand_r(&state) / ((double)RAND_MAX + 1.0);
    int which = rand_r(&state) & 1;
    pthread_mutex_unlock(&g_rand_mu);
    if (x >= g_cfg.fail_rate)
        return false;
    *code = which ? 503 : 500;
    return true;
}

static enum MHD_Result route_resource(struct MHD_Connection *c, dc_req *rq, const char *method,
                                      const char *group, const char *version, char **seg,
                                      int n)
{
    const char *ns = NULL, *plural, *name = NULL, *sub = NULL;
    if (n >= 3 && strcmp(seg[0], "namespaces") == 0 &&
        !(n == 3 && (strcmp(seg[2], "status") == 0 || strcmp(seg[2], "finalize") == 0) &&
          !group[0])) {
        ns = seg[1];
        plural = seg[2];
        name = n > 3 ? seg[3] : NULL;
        sub = n > 4 ? seg[4] : NULL;
        if (n > 5)
            goto notfound;
    } else {
        plural = seg[0];
        name = n > 1 ? seg[1] : NULL;
        sub = n > 2 ? seg[2] : NULL;
        if (n > 3)
            goto notfound;
    }
    dc_resource *r = dc_resource_find(group, version, plural);
    if (!r || (ns && !r->namespaced))
        goto notfound;
    if (sub && strcmp(sub, "status") != 0 && !(r == DC_PODS && strcmp(sub, "log") == 0) &&
        !(r == DC_NAMESPACES && strcmp(sub, "finalize") == 0))
        goto notfound;
    if (r->namespaced && !ns && name)
        goto notfound;
    if (!name) {
        dc_fail ff = {0};
        if (strcmp(method, "GET") == 0 &&
            dc_fault_forbidden_list(r, ns, dc_truthy(dc_arg(c, "watch")), &ff))
            return dc_send_fail(c, &ff);
        if (strcmp(method, "GET") == 0)
            return dc_do_list(c, r, ns);
        if (strcmp(method, "POST") == 0) {
            if (r->namespaced && !ns)
                goto notfound;
            if (dc_fault_failed_write(r, dc_arg(c, "dryRun") != NULL, &ff))
                return dc_send_fail(c, &ff);
            return dc_do_create(c, rq, r, ns);
        }
        if (strcmp(method, "DELETE") == 0)
            return dc_do_delete_collection(c, r, ns);
        return dc_send_status(c, 405, "MethodNotAllowed",
                              "the server does not allow this method on the requested resource");
    }
    bool status_only = sub && strcmp(sub, "status") == 0;
    if (sub && strcmp(sub, "log") == 0) {
        if (strcmp(method, "GET") != 0)
            return dc_send_status(c, 405, "MethodNotAllowed",
                                  "the server does not allow this method on the requested resource");
        const char *tl = dc_arg(c, "tailLines");
        return dc_logs_serve(c, ns, name, dc_arg(c, "container"), dc_truthy(dc_arg(c, "follow")),
                             tl ? atol(tl) : -1);
    }
    if (strcmp(method, "GET") == 0) {
        dc_count_request(RQ_GET);
        dc_lock();
        dc_object *o = dc_store_get(r, ns, name);
        if (!o) {
            dc_unlock();
            dc_fail f = {0};
            dc_fail_not_found(&f, r, name);
            return dc_send_fail(c, &f);
        }
        json_t *copy = json_deep_copy(o->obj);
        dc_unlock();
        return dc_respond_object(c, 200, r, copy, dc_want_table(c));
    }
    if (strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0) {
        dc_fail ff = {0};
        if (dc_fault_failed_write(r, dc_arg(c, "dryRun") != NULL, &ff))
            return dc_send_fail(c, &ff);
    }
    if (strcmp(method, "PUT") == 0)
        return dc_do_update(c, rq, r, ns, name, status_only);
    if (strcmp(method, "PATCH") == 0)
        return dc_do_patch(c, rq, r, ns, name, status_only);
    if (strcmp(method, "DELETE") == 0 && !sub)
        return dc_do_delete(c, r, ns, name);
    return dc_send_status(c, 405, "MethodNotAllowed",
                          "the server does not allow this method on the requested resource");
notfound:
    return dc_send_status(c, 404, "NotFound", "the server could not find the requested resource");
}

static enum MHD_Result dispatch(struct MHD_Connection *c, const char *url, const char *method,
                                dc_req *rq)
{
    const char *ctype = dc_header(c, "Content-Type");
    if (ctype && rq->body.len && strstr(ctype, "protobuf"))
        return dc_send_status(c, 415, "UnsupportedMediaType",
                              "the body of the request was in an unknown format - accepted media types include: application/json, application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json");
    if (g_cfg.latency_ms > 0)
        usleep((useconds_t)g_cfg.latency_ms * 1000u);
    if (rq->too_big)
        return dc_send_status(c, 413, "RequestEntityTooLarge", "the request body is too large");
    enum MHD_Result dret;
    if (dc_debug_route(c, url, method, &dret)) /* not counted */
        return dret;
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
        dc_fault_hold_read();
    dc_count_request(RQ_TOTAL);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        dc_count_request(RQ_WRITE);
    char *path = tt_strdup(url);
    char *seg[16];
    int n = 0;
    char *save = NULL; /* requests are served on many threads at once */
    for (char *tok = strtok_r(path, "/", &save); tok && n < 16; tok = strtok_r(NULL, "/", &save))
        seg[n++] = tok;
    enum MHD_Result ret;
    bool public_path = n >= 1 && (strcmp(seg[0], "version") == 0 || strcmp(seg[0], "healthz") == 0 ||
                                  strcmp(seg[0], "livez") == 0 || strcmp(seg[0], "readyz") == 0);
    int fcode;
    if (!public_path && !authenticated(c)) {
        ret = dc_send_status(c, 401, "Unauthorized", "Unauthorized");
        goto out;
    }
    if (!dc_truthy(dc_arg(c, "watch")) && !(n >= 5 && strcmp(seg[n - 1], "log") == 0 && dc_truthy(dc_arg(c, "follow"))) &&
        inject_failure(method, &fcode)) {
        dc_count_request(RQ_INJECTED);
        if (fcode == 500)
            ret = dc_send_status(c, 500, "InternalError",
                                 "Internal error occurred: injected failure (--fail-rate)");
        else
            ret = dc_send_status(c, 503, "ServiceUnavailable",
                                 "the server is currently unable to handle the request (injected failure, --fail-rate)");
        goto out;
    }
    if (n == 0) {
        ret = dc_send_json(c, 200, json_pack("{s:[s,s,s,s,s]}", "paths", "/api", "/api/v1", "/apis",
                                             "/openapi/v3", "/version"));
    } else if (strcmp(seg[0], "version") == 0 && n == 1) {
        ret = dc_send_json(c, 200,
                           json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "major", "1",
                                     "minor", "32", "gitVersion", "v1.32.0", "gitCommit",
                                     "demo0000000000000000000000000000000000000", "gitTreeState",
                                     "clean", "buildDate", "2024-12-11T00:00:00Z", "goVersion",
                                     "go1.23.3", "compiler", "gc", "platform", "linux/amd64"));
    } else if (public_path) {
        ret = dc_send(c, 200, "text/plain", tt_strdup("ok"), 2);
    } else if (strcmp(seg[0], "openapi") == 0) {
        json_t *doc = NULL;
        if (n == 2 && strcmp(seg[1], "v3") == 0) {
            doc = dc_openapi_root();
        } else if (n >= 3 && strcmp(seg[1], "v3") == 0) {
            char gv[256] = "";
            for (int i = 2; i < n; i++) {
                if (i > 2)
                    strncat(gv, "/", sizeof gv - strlen(gv) - 1);
                strncat(gv, seg[i], sizeof gv - strlen(gv) - 1);
            }
            doc = dc_openapi_doc(gv);
        }
        ret = doc ? dc_send_json(c, 200, doc)
                  : dc_send_status(c, 404, "NotFound", "the server could not find the requested resource");
    } else if (strcmp(seg[0], "api") == 0) {
        if (n == 1)
            ret = dc_send_json(c, 200, dc_discovery_api());
        else if (strcmp(seg[1], "v1") != 0)
            ret = dc_send_status(c, 404, "NotFound", "the server could not find the requested resource");
        else if (n == 2)
            ret = dc_send_json(c, 200, dc_discovery_resources("", "v1"));
        else
            ret = route_resource(c, rq, method, "", "v1", seg + 2, n - 2);
    } else if (strcmp(seg[0], "apis") == 0) {
        json_t *doc = NULL;
        if (n == 1)
            doc = dc_discovery_apis();
        else if (n == 2)
            doc = dc_discovery_group(seg[1]);
        else if (n == 3)
            doc = dc_discovery_resources(seg[1], seg[2]);
        if (n > 3)
            ret = route_resource(c, rq, method, seg[1], seg[2], seg + 3, n - 3);
        else if (doc)
            ret = dc_send_json(c, 200, doc);
        else
            ret = dc_send_status(c, 404, "NotFound", "the server could not find the requested resource");
    } else {
        ret = dc_send_status(c, 404, "NotFound", "the server could not find the requested resource");
    }
out:
    free(path);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **ptr)
{
    dc_req *rq = *ptr;
    if (!rq) {
        rq = tt_calloc(1, sizeof *rq);
        *ptr = rq;
        return MHD_YES;
    }
    if (*upload_size) {
        if (rq->body.len + *upload_size > MAX_BODY)
            rq->too_big = true;
        else
            tt_buf_append(&rq->body, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    t_last_status = 0;
    bool dry_run = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "dryRun") != NULL;
    if (dc_fault_stall_before_store(method, rq->body.data, rq->body.len, dry_run))
        return dc_send_status(c, 504, "Timeout",
                              "the request was held and dropped (--stall-before-store)");
    enum MHD_Result ret = dispatch(c, url, method, rq);
    dc_fault_stall_after_store(method, rq->body.data, rq->body.len, dry_run,
                               (unsigned)t_last_status);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ptr,
                         enum MHD_RequestTerminationCode toe)
{
    dc_req *rq = *ptr;
    if (rq) {
        tt_buf_free(&rq->body);
        free(rq);
        *ptr = NULL;
    }
}

int dc_server_start(const char *host, int port, const dc_tls_ptr tls, int *bound_port,
                    tt_error *err)
{
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        if (strcmp(host, "localhost") == 0) {
            inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
        } else {
            tt_error_set(err, TT_EINVAL, "--listen: \"%s\" is not an IPv4 address", host);
            return -1;
        }
    }
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_ERROR_LOG | MHD_USE_POLL;
    struct MHD_OptionItem opts[8];
    int k = 0;
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &sa};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, 0, NULL};
    if (tls) {
        flags |= MHD_USE_TLS;
        opts[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, tls->server_key_pem};
        opts[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, tls->server_cert_pem};
        if (g_cfg.client_cert_auth)
            opts[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0, tls->ca_cert_pem};
    }
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    g_daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_ARRAY, opts,
                                MHD_OPTION_END);
    if (!g_daemon) {
        tt_error_set(err, TT_EIO, "cannot listen on %s:%d (address in use or not available)", host,
                     port);
        return -1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(g_daemon, MHD_DAEMON_INFO_BIND_PORT);
    *bound_port = di ? di->port : port;
    return 0;
}

void dc_server_stop(void)
{
    if (g_daemon) {
        MHD_stop_daemon(g_daemon);
        g_daemon = NULL;
    }
}
