/*
 * The transport: one libcurl easy handle driven through a multi handle, so
 * connections are reused and a cancel flag is seen every ~100 ms even when
 * the server is silent (curl's progress callback alone can be a second
 * apart on an idle transfer). With a cancel descriptor the wait is on that
 * descriptor too, so an idle watch costs no wake-ups.
 *
 * tls-server-name: curl 7.88 has no option to verify against (and send as
 * SNI) a name other than the URL's host. So request URLs use the
 * tls-server-name as host and CURLOPT_CONNECT_TO sends the TCP connection
 * to the real host and port from `server`. Certificate verification and
 * SNI then use tls-server-name, as client-go does; the Host header carries
 * it too, which API servers ignore.
 */
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kube_client_priv.h"
#include "kube_user_agent.h"

#define MAX_BODY ((size_t)256 * 1024 * 1024)  /* a 2xx answer (lists can be big) */
#define MAX_ERROR_BODY ((size_t)1024 * 1024)  /* a Status is small */
#define CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_TIMEOUT_MS 30000L
#define POLL_MS 100
#define IDLE_POLL_MS 30000 /* with a cancel descriptor; curl's own timers still apply */

static int setup_server(kube_client *c, const char *server, const char *tls_server_name,
                        tt_error *err)
{
    if (!server || !server[0]) {
        tt_error_set(err, TT_EINVAL, "the kubeconfig gives no server address for context %s",
                     c->context ? c->context : "(in-cluster)");
        return -1;
    }
    int rc = -1;
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *url = NULL;
    if (curl_url_set(u, CURLUPART_URL, server, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
        tt_error_set(err, TT_EINVAL, "the server address \"%s\" in the kubeconfig is not a URL",
                     server);
        goto out;
    }
    if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) {
        tt_error_set(err, TT_EINVAL,
                     "the server address \"%s\" in the kubeconfig is not http:// or https://",
                     server);
        goto out;
    }
    c->https = strcmp(scheme, "https") == 0;
    if (c->https && tls_server_name && tls_server_name[0]) {
        char *entry = tt_asprintf("%s:%s:%s:%s", tls_server_name, port, host, port);
        c->connect_to = curl_slist_append(NULL, entry);
        free(entry);
        if (curl_url_set(u, CURLUPART_HOST, tls_server_name, 0) != CURLUE_OK ||
            curl_url_set(u, CURLUPART_PORT, port, 0) != CURLUE_OK) {
            tt_error_set(err, TT_EINVAL, "tls-server-name \"%s\" is not a host name",
                         tls_server_name);
            goto out;
        }
    }
    curl_url_set(u, CURLUPART_QUERY, NULL, 0);
    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
    if (curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK) {
        tt_error_set(err, TT_EINVAL, "the server address \"%s\" in the kubeconfig is not a URL",
                     server);
        goto out;
    }
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    c->url_base = tt_strndup(url, n);
    c->server = tt_strndup(server, strlen(server) - (strlen(server) > 0 &&
                                                      server[strlen(server) - 1] == '/'));
    rc = 0;
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(url);
    curl_url_cleanup(u);
    return rc;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void init_curl(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

kube_client *kube_client_new(const kube_rest_config *rc, tt_error *err)
{
    pthread_once(&curl_once, init_curl);
    kube_client *c = tt_calloc(1, sizeof *c);
    c->cancel_fd = -1;
    c->context = tt_strdup(rc->context_name);
    c->cluster = tt_strdup(rc->cluster_name);
    c->user = tt_strdup(rc->user_name);
    c->namespace_ = tt_strdup(rc->namespace_ && rc->namespace_[0] ? rc->namespace_ : "default");
    if (setup_server(c, rc->server, rc->tls_server_name, err) != 0) {
        kube_client_free(c);
        return NULL;
    }
    if (rc->ca_pem && rc->ca_pem_len) {
        c->ca_pem = tt_malloc(rc->ca_pem_len);
        memcpy(c->ca_pem, rc->ca_pem, rc->ca_pem_len);
        c->ca_pem_len = rc->ca_pem_len;
    }
    c->insecure = rc->insecure_skip_tls_verify;
    c->proxy_url = tt_strdup(rc->proxy_url && rc->proxy_url[0] ? rc->proxy_url : NULL);
    c->disable_compression = rc->disable_compression;
    c->auth = kube_auth_new(rc);
    c->easy = curl_easy_init();
    c->multi = curl_multi_init();
    if (!c->easy || !c->multi) {
        tt_error_set(err, TT_EIO, "libcurl could not be initialised");
        kube_client_free(c);
        return NULL;
    }
    c->timeout_ms = DEFAULT_TIMEOUT_MS;
    c->field_manager = tt_strdup("ttstui");
    c->discovery = kube_discovery_new();
    c->retry_seed = (unsigned)time(NULL) ^ (unsigned)getpid() ^ (unsigned)(uintptr_t)c;
    kube_client_set_retry(c, NULL);
    return c;
}

void kube_client_free(kube_client *c)
{
    if (!c)
        return;
    if (c->easy)
        curl_easy_cleanup(c->easy);
    if (c->multi)
        curl_multi_cleanup(c->multi);
    curl_slist_free_all(c->connect_to);
    kube_auth_free(c->auth);
    kube_discovery_free(c->discovery);
    free(c->context);
    free(c->cluster);
    free(c->user);
    free(c->namespace_);
    free(c->server);
    free(c->url_base);
    free(c->ca_pem);
    free(c->proxy_url);
    free(c->field_manager);
    free(c);
}

const char *kube_client_context(const kube_client *c) { return c->context; }
const char *kube_client_namespace(const kube_client *c) { return c->namespace_; }
const char *kube_client_server(const kube_client *c) { return c->server; }
const char *kube_client_user(const kube_client *c) { return c->user; }
void kube_client_set_timeout_ms(kube_client *c, long ms) { c->timeout_ms = ms < 0 ? 0 : ms; }
void kube_client_set_cancel(kube_client *c, const atomic_int *cancel) { c->cancel = cancel; }
void kube_client_set_cancel_fd(kube_client *c, int fd) { c->cancel_fd = fd; }
kube_discovery *kube_client_discovery(kube_client *c) { return c->discovery; }

void kube_client_set_field_manager(kube_client *c, const char *manager)
{
    free(c->field_manager);
    c->field_manager = tt_strdup(manager && manager[0] ? manager : "ttstui");
}

void kube_client_set_retry(kube_client *c, const kube_retry_policy *p)
{
    kube_retry_policy r = p ? *p : (kube_retry_policy){0};
    if (r.max_attempts <= 0)
        r.max_attempts = 5;
    if (r.initial_ms <= 0)
        r.initial_ms = 250;
    if (r.max_ms <= 0)
        r.max_ms = 10000;
    c->retry = r;
}

bool kube_error_outcome_unknown(const tt_error *err)
{
    return err && strcmp(err->reason, KUBE_REASON_OUTCOME_UNKNOWN) == 0;
}

const char *kube_client_ns(const kube_client *c, const char *ns)
{
    return ns ? ns : c->namespace_;
}

void kube_client_status_ctx(const kube_client *c, const char *url, kube_status_ctx *ctx)
{
    ctx->url = url;
    ctx->server = c->server;
    ctx->context = c->context;
    ctx->user = c->user;
}

void kube_response_free(kube_response *r)
{
    if (!r)
        return;
    free(r->content_type);
    r->content_type = NULL;
    tt_buf_free(&r->body);
    r->status = 0;
}

/* ---- one transfer ------------------------------------------------------ */

typedef struct xfer {
    kube_client *c;
    const kube_http_req *req;
    tt_buf body;
    bool too_large;
    bool sink_stopped;
    bool sink_fed; /* part of the answer went to the sink: no retry */
} xfer;

static bool is_2xx(long code)
{
    return code >= 200 && code < 300;
}

static bool cancelled(const kube_client *c)
{
    return c->cancel && atomic_load(c->cancel) != 0;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    long code = 0;
    curl_easy_getinfo(x->c->easy, CURLINFO_RESPONSE_CODE, &code);
    if (is_2xx(code) && x->req->sink) {
        x->sink_fed = true;
        if (x->req->sink(data, n, x->req->sink_ud) != 0) {
            x->sink_stopped = true;
            return 0;
        }
        return n;
    }
    size_t cap = is_2xx(code) ? MAX_BODY : MAX_ERROR_BODY;
    if (x->body.len + n > cap) {
        x->too_large = true;
        return 0;
    }
    curl_off_t announced = -1;
    if (!x->body.cap &&
        curl_easy_getinfo(x->c->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced) == CURLE_OK &&
        announced > 0 && (curl_off_t)n <= announced && (size_t)announced <= cap) {
        /* Sized once from Content-Length instead of doubling: a 600 KB list
         * page then takes 600 KB, not 1 MB (compressed bodies still grow). */
        x->body.cap = (size_t)announced + 1;
        x->body.data = tt_malloc(x->body.cap);
        x->body.data[0] = '\0';
    }
    tt_buf_append(&x->body, data, n);
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    bool end = (n == 2 && data[0] == '\r' && data[1] == '\n') || (n == 1 && data[0] == '\n');
    if (end && x->req->on_response) {
        long code = 0;
        curl_easy_getinfo(x->c->easy, CURLINFO_RESPONSE_CODE, &code);
        if (is_2xx(code))
            x->req->on_response(code, x->req->sink_ud);
    }
    return n;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    const kube_client *c = ud;
    return cancelled(c) ? 1 : 0;
}

static void wipe_slist(struct curl_slist *l)
{
    for (struct curl_slist *p = l; p; p = p->next)
        tt_explicit_bzero(p->data, strlen(p->data));
    curl_slist_free_all(l);
}

static struct curl_slist *add_header(struct curl_slist *l, const char *name, const char *value)
{
    char *h = tt_asprintf("%s: %s", name, value);
    struct curl_slist *out = curl_slist_append(l, h);
    tt_explicit_bzero(h, strlen(h));
    free(h);
    return out;
}

static void set_blob(CURL *easy, CURLoption opt, const char *data, size_t len)
{
    struct curl_blob blob = {(void *)data, len, CURL_BLOB_COPY};
    curl_easy_setopt(easy, opt, &blob);
}

/* Sets every option for one attempt; returns the header list to free. */
static bool idempotent(const kube_http_req *req);

static struct curl_slist *configure(kube_client *c, const kube_http_req *req, const char *url,
                                    const kube_credential *cred, xfer *x)
{
    CURL *e = c->easy;
    curl_easy_reset(e);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, kube_user_agent());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, req->streaming ? req->stream_timeout_ms
                                                           : c->timeout_ms);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 15L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, c);
    if (!c->disable_compression)
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    if (c->proxy_url)
        curl_easy_setopt(e, CURLOPT_PROXY, c->proxy_url);
    if (c->connect_to)
        curl_easy_setopt(e, CURLOPT_CONNECT_TO, c->connect_to);
    if (c->https) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
        if (c->ca_pem && !c->insecure) {
            /* Only the kubeconfig's CA, as kubectl: no system roots. */
            curl_easy_setopt(e, CURLOPT_CAINFO, NULL);
            curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
            set_blob(e, CURLOPT_CAINFO_BLOB, c->ca_pem, c->ca_pem_len);
        }
        if (cred && cred->cert_pem && cred->key_pem) {
            curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
            set_blob(e, CURLOPT_SSLCERT_BLOB, cred->cert_pem, cred->cert_pem_len);
            curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
            set_blob(e, CURLOPT_SSLKEY_BLOB, cred->key_pem, cred->key_pem_len);
        }
        if (cred && cred->username && cred->password && !cred->token) {
            curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
            curl_easy_setopt(e, CURLOPT_USERNAME, cred->username);
            curl_easy_setopt(e, CURLOPT_PASSWORD, cred->password);
        }
    }
    struct curl_slist *h = NULL;
    h = add_header(h, "Accept", req->accept ? req->accept : "application/json");
    h = curl_slist_append(h, "Expect:");
    if (c->https && cred && cred->token && cred->token[0]) {
        char *v = tt_asprintf("Bearer %s", cred->token);
        h = add_header(h, "Authorization", v);
        tt_free_secret(v);
    }
    const char *method = req->method ? req->method : "GET";
    if (req->body) {
        h = add_header(h, "Content-Type",
                       req->content_type ? req->content_type : "application/json");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
    }
    if (strcmp(method, "GET") == 0 && !req->body)
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    else if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    else if (!(strcmp(method, "POST") == 0 && req->body))
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    /* A write goes out on a new connection: on a reused one that closes
     * before any answer, libcurl sends the request again by itself, and a
     * server that had made the change would make it twice. (The handle is
     * reused: set either way.) */
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, !req->streaming && !idempotent(req) ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    return h;
}

/* Runs the configured transfer, watching the cancel flag. */
static CURLcode run_transfer(kube_client *c)
{
    CURLcode result = CURLE_OK;
    curl_multi_add_handle(c->multi, c->easy);
    int running = 1;
    bool aborted = false;
    while (running) {
        CURLMcode mc = curl_multi_perform(c->multi, &running);
        if (mc != CURLM_OK) {
            result = CURLE_FAILED_INIT;
            aborted = true;
            break;
        }
        if (cancelled(c)) {
            result = CURLE_ABORTED_BY_CALLBACK;
            aborted = true;
            break;
        }
        if (running && c->cancel_fd >= 0) {
            struct curl_waitfd w = {.fd = c->cancel_fd, .events = CURL_WAIT_POLLIN};
            curl_multi_poll(c->multi, &w, 1, IDLE_POLL_MS, NULL);
        } else if (running) {
            curl_multi_poll(c->multi, NULL, 0, POLL_MS, NULL);
        }
    }
    if (!aborted) {
        int left;
        CURLMsg *m;
        while ((m = curl_multi_info_read(c->multi, &left)))
            if (m->msg == CURLMSG_DONE && m->easy_handle == c->easy)
                result = m->data.result;
    }
    curl_multi_remove_handle(c->multi, c->easy);
    return result;
}

/* ---- retries ------------------------------------------------------------ */

/* A request that may be sent again without changing anything twice: reads
 * and dry runs. Streams (watch, follow) are resumed by their callers. */
static bool idempotent(const kube_http_req *req)
{
    if (req->streaming)
        return false;
    const char *m = req->method ? req->method : "GET";
    if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)
        return true;
    const char *q = strchr(req->path, '?');
    for (const char *p = q; p; p = strchr(p + 1, '&'))
        if (strncmp(p + 1, "dryRun=All", 10) == 0 && (p[11] == '&' || p[11] == '\0'))
            return true;
    return false;
}

static bool retryable_status(long status)
{
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

/* The connection broke off after the request went out (or while it did):
 * the server may have acted on it. */
static bool broke_off(CURLcode cc)
{
    return cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR || cc == CURLE_GOT_NOTHING ||
           cc == CURLE_PARTIAL_FILE;
}

static void sleep_cancellable(const kube_client *c, long ms)
{
    long long end = tt_now_ms() + ms;
    while (!cancelled(c)) {
        long long left = end - tt_now_ms();
        if (left <= 0)
            break;
        int slice = left < 50 ? (int)left : 50;
        if (c->cancel_fd >= 0) {
            struct pollfd p = {.fd = c->cancel_fd, .events = POLLIN};
            poll(&p, 1, slice);
        } else {
            struct timespec ts = {0, (long)slice * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
}

/* The wait before attempt number `attempt` + 1 (attempt >= 1): backoff
 * with jitter, or the server's Retry-After (seconds) when longer. */
static long retry_delay_ms(kube_client *c, int attempt, long retry_after_s)
{
    long base = c->retry.initial_ms;
    for (int i = 1; i < attempt && base < c->retry.max_ms; i++)
        base *= 2;
    long delay = base + (long)(rand_r(&c->retry_seed) % (unsigned)(base / 2 + 1));
    if (retry_after_s > 0 && retry_after_s <= c->retry.max_ms / 1000 + 1 &&
        retry_after_s * 1000 > delay)
        delay = retry_after_s * 1000;
    return delay > c->retry.max_ms ? c->retry.max_ms : delay;
}

static void retry_wait(kube_client *c, long ms)
{
    if (c->retry.sleep)
        c->retry.sleep(ms, c->retry.sleep_ud);
    else
        sleep_cancellable(c, ms);
}

static char *display_url(const kube_client *c, const char *path)
{
    const char *q = strchr(path, '?');
    return tt_asprintf("%s%.*s", c->url_base, (int)(q ? (size_t)(q - path) : strlen(path)),
                       path);
}

int kube_http_do(kube_client *c, const kube_http_req *req, kube_response *resp, tt_error *err)
{
    if (resp)
        memset(resp, 0, sizeof *resp);
    char *url = tt_asprintf("%s%s", c->url_base, req->path);
    char *shown = display_url(c, req->path);
    kube_status_ctx ctx;
    kube_client_status_ctx(c, shown, &ctx);
    int rc = -1;
    bool refreshed = false;
    bool may_retry = idempotent(req);
    int attempt = 0;
    for (;;) {
        attempt++;
        if (cancelled(c)) {
            tt_error_set(err, TT_ECANCELED, "request to %s cancelled", shown);
            break;
        }
        const kube_credential *cred = NULL;
        if (c->https && c->auth) {
            cred = kube_auth_get(c->auth, refreshed, err);
            if (!cred)
                break;
        }
        xfer x = {c, req, TT_BUF_INIT, false, false, false};
        c->errbuf[0] = '\0';
        struct curl_slist *headers = configure(c, req, url, cred, &x);
        CURLcode cc = run_transfer(c);
        wipe_slist(headers);
        long status = 0;
        curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
        const char *ctype = NULL;
        curl_easy_getinfo(c->easy, CURLINFO_CONTENT_TYPE, &ctype);
        if (x.sink_stopped) {
            tt_buf_free(&x.body);
            rc = 1;
            break;
        }
        if (status > 0 && !is_2xx(status) &&
            (cc == CURLE_OK || (cc == CURLE_WRITE_ERROR && x.too_large))) {
            if (status == 401 && !refreshed && c->auth && kube_auth_can_refresh(c->auth)) {
                tt_buf_free(&x.body);
                refreshed = true;
                continue;
            }
            if (may_retry && retryable_status(status) && attempt < c->retry.max_attempts) {
                curl_off_t after = 0;
                if (curl_easy_getinfo(c->easy, CURLINFO_RETRY_AFTER, &after) != CURLE_OK)
                    after = 0;
                tt_buf_free(&x.body);
                retry_wait(c, retry_delay_ms(c, attempt, (long)after));
                continue;
            }
            kube_status_decode(status, ctype, x.body.data, x.body.len, &ctx, err);
            tt_buf_free(&x.body);
            break;
        }
        if (cc == CURLE_WRITE_ERROR && x.too_large) {
            tt_error_set(err, TT_EPROTO, "the answer from %s is larger than %zu MiB", shown,
                         MAX_BODY >> 20);
            tt_buf_free(&x.body);
            break;
        }
        if (cc == CURLE_OPERATION_TIMEDOUT) {
            /* A timeout before the connection was made is the connect
             * timeout: say "cannot connect", not "did not answer within"
             * the (longer) request limit. A reused connection has no
             * connect time: that the request went out is what tells. */
            curl_off_t connected = 0;
            long sent = 0;
            curl_easy_getinfo(c->easy, CURLINFO_CONNECT_TIME_T, &connected);
            curl_easy_getinfo(c->easy, CURLINFO_REQUEST_SIZE, &sent);
            if (connected == 0 && sent == 0) {
                long limit = req->streaming ? req->stream_timeout_ms : c->timeout_ms;
                if (limit <= 0 || limit > CONNECT_TIMEOUT_MS)
                    limit = CONNECT_TIMEOUT_MS;
                char why[128];
                snprintf(why, sizeof why, "no connection within %ld s", (limit + 999) / 1000);
                kube_status_transport_error(CURLE_COULDNT_CONNECT, why, &ctx, 0, err);
                tt_buf_free(&x.body);
                break;
            }
        }
        if (broke_off(cc) && may_retry && !x.sink_fed && attempt < c->retry.max_attempts) {
            tt_buf_free(&x.body);
            retry_wait(c, retry_delay_ms(c, attempt, 0));
            continue;
        }
        if (cc != CURLE_OK) {
            long limit = req->streaming ? req->stream_timeout_ms : c->timeout_ms;
            kube_status_transport_error((int)cc, c->errbuf, &ctx, limit, err);
            /* A write that went out and got no answer (timed out after the
             * connection was made, or the connection broke off) may have
             * been stored: the caller must look before saying either. */
            if (!may_retry && !req->streaming && err &&
                (broke_off(cc) || cc == CURLE_OPERATION_TIMEDOUT))
                snprintf(err->reason, sizeof err->reason, "%s", KUBE_REASON_OUTCOME_UNKNOWN);
            tt_buf_free(&x.body);
            break;
        }
        if (resp) {
            resp->status = status;
            resp->content_type = tt_strdup(ctype);
            resp->body = x.body;
        } else {
            tt_buf_free(&x.body);
        }
        rc = 0;
        break;
    }
    free(url);
    free(shown);
    return rc;
}

int kube_client_request(kube_client *c, const char *method, const char *path_and_query,
                        const char *content_type, const char *body, size_t body_len,
                        kube_response *resp, tt_error *err)
{
    kube_http_req req = {
        .method = method,
        .path = path_and_query,
        .content_type = content_type,
        .body = body,
        .body_len = body_len,
    };
    return kube_http_do(c, &req, resp, err);
}

json_t *kube_client_request_json(kube_client *c, const char *method, const char *path_and_query,
                                 const char *content_type, const json_t *body, tt_error *err)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    kube_response resp;
    int rc = kube_client_request(c, method, path_and_query, content_type, text,
                                 text ? strlen(text) : 0, &resp, err);
    free(text);
    if (rc != 0)
        return NULL;
    json_error_t jerr;
    json_t *out = json_loadb(resp.body.data ? resp.body.data : "", resp.body.len, 0, &jerr);
    if (!json_is_object(out)) {
        char *shown = display_url(c, path_and_query);
        kube_status_ctx ctx;
        kube_client_status_ctx(c, shown, &ctx);
        /* A 2xx that is not JSON: say what came back, as for errors. */
        kube_status_decode(resp.status, resp.content_type, resp.body.data, resp.body.len, &ctx,
                           err);
        if (err) {
            err->code = TT_EPROTO;
            err->reason[0] = '\0';
        }
        json_decref(out);
        out = NULL;
        free(shown);
    }
    kube_response_free(&resp);
    return out;
}
