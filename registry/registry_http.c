/*
 * The registry client's HTTP side: the client itself (hosts, cancel), one
 * exchange over libcurl (redirects without credentials to another host,
 * loopback http-then-https, certs.d CAs, size limits) and the registry's
 * own error answers in words. Auth is registry_auth.c; resolve and tags
 * registry_client.c.
 */
#include "registry_priv.h"

void rg_resp_clear(resp *r)
{
    tt_buf_free(&r->challenge);
    tt_explicit_bzero(r->body.data, r->body.len); /* a token answer */
    tt_buf_free(&r->body);
    memset(r, 0, sizeof *r);
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libs(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void registry_global_init(void)
{
    pthread_once(&init_once, init_libs);
}

/* ---- client ------------------------------------------------------------------ */

registry_client *registry_client_new(const registry_options *o)
{
    registry_global_init();
    registry_client *c = tt_calloc(1, sizeof *c);
    c->easy = curl_easy_init();
    if (!c->easy)
        abort();
    const char *dir = o && o->docker_config_dir ? o->docker_config_dir : getenv("DOCKER_CONFIG");
    if (dir && *dir) {
        c->config_path = tt_asprintf("%s/config.json", dir);
    } else {
        const char *home = getenv("HOME");
        c->config_path = tt_asprintf("%s/.docker/config.json", home && *home ? home : ".");
    }
    const char *certs = o && o->certs_dir ? o->certs_dir : getenv("TTSTUI_REGISTRY_CERTS_DIR");
    c->certs_dir = tt_strdup(certs && *certs ? certs : "/etc/docker/certs.d");
    c->connect_timeout_ms = o && o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 10000;
    c->timeout_ms = o && o->timeout_ms > 0 ? o->timeout_ms : 30000;
    const char *page = getenv("TTSTUI_REGISTRY_TAGS_PAGE");
    c->tags_page = page && atol(page) > 0 && atol(page) <= 10000 ? atol(page) : 1000;
    const char *ttl = getenv("TTSTUI_REGISTRY_TOKEN_MIN_TTL");
    char *end = NULL;
    long t = ttl && *ttl ? strtol(ttl, &end, 10) : -1;
    c->token_min_ttl = end && !*end && t >= 0 && t <= 86400 ? t : TOKEN_MIN_TTL;
    return c;
}

void registry_client_free(registry_client *c)
{
    if (!c)
        return;
    curl_easy_cleanup(c->easy);
    for (token_entry *t = c->tokens, *n; t; t = n) {
        n = t->next;
        free(t->key);
        tt_free_secret(t->header);
        free(t);
    }
    for (host_entry *h = c->hosts, *n; h; h = n) {
        n = h->next;
        free(h->host);
        registry_cred_clear(&h->cred);
        free(h);
    }
    free(c->config_path);
    free(c->certs_dir);
    free(c->ca_host);
    tt_buf_free(&c->ca_blob);
    free(c);
}

void registry_client_cancel(registry_client *c)
{
    atomic_store(&c->cancelled, true);
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    registry_client *c = ud;
    return atomic_load(&c->cancelled) ? 1 : 0;
}

unsigned long registry_client_requests(const registry_client *c)
{
    return c->requests;
}

host_entry *rg_host_get(registry_client *c, const char *host)
{
    for (host_entry *h = c->hosts; h; h = h->next)
        if (strcmp(h->host, host) == 0)
            return h;
    host_entry *h = tt_calloc(1, sizeof *h);
    h->host = tt_strdup(host);
    h->next = c->hosts;
    c->hosts = h;
    return h;
}

/* ---- text helpers -------------------------------------------------------------- */

/* A registry-given string fit for a message: cleaned and cut. Caller frees. */
char *rg_clean_cut(const char *s, size_t max)
{
    if (!s)
        return tt_strdup("");
    size_t n = strlen(s);
    char *cut = tt_strndup(s, n > max ? max : n);
    char *out = tt_text_clean(cut, 0);
    free(cut);
    if (n > max) {
        char *more = tt_asprintf("%s…", out);
        free(out);
        out = more;
    }
    return out;
}

bool rg_digest_ok(const char *s)
{
    if (strncmp(s, "sha256:", 7) != 0 || strlen(s) != 71)
        return false;
    for (const char *p = s + 7; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

void rg_sha256_hex(const void *data, size_t len, char out[REGISTRY_REF_DIGEST_MAX])
{
    unsigned char md[32];
    gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, md);
    strcpy(out, "sha256:");
    for (int i = 0; i < 32; i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
}

/* ---- HTTP ------------------------------------------------------------------------ */

static void copy_value(char *dst, size_t len, const char *v, size_t n)
{
    while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    while (n && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    if (n >= len) {
        dst[0] = '\0'; /* never a cut value */
        return;
    }
    memcpy(dst, v, n);
    dst[n] = '\0';
}

static bool header_is(const char *data, size_t n, const char *name, const char **value,
                      size_t *vn)
{
    size_t k = strlen(name);
    if (n <= k || data[k] != ':' || strncasecmp(data, name, k) != 0)
        return false;
    *value = data + k + 1;
    *vn = n - k - 1;
    return true;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    resp *r = ud;
    size_t n = size * nmemb;
    const char *v;
    size_t vn;
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) { /* a new answer (after 100) */
        r->digest[0] = r->ctype[0] = r->location[0] = r->link[0] = '\0';
        tt_buf_reset(&r->challenge);
    } else if (header_is(data, n, "Docker-Content-Digest", &v, &vn)) {
        copy_value(r->digest, sizeof r->digest, v, vn);
    } else if (header_is(data, n, "Content-Type", &v, &vn)) {
        copy_value(r->ctype, sizeof r->ctype, v, vn);
    } else if (header_is(data, n, "Location", &v, &vn)) {
        copy_value(r->location, sizeof r->location, v, vn);
    } else if (header_is(data, n, "Link", &v, &vn)) {
        if (!r->link[0])
            copy_value(r->link, sizeof r->link, v, vn);
    } else if (header_is(data, n, "WWW-Authenticate", &v, &vn)) {
        char tmp[4096];
        copy_value(tmp, sizeof tmp, v, vn);
        if (tmp[0] && r->challenge.len < 16384) {
            if (r->challenge.len)
                tt_buf_puts(&r->challenge, ", ");
            tt_buf_puts(&r->challenge, tmp);
        }
    }
    return n;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    resp *r = ud;
    size_t n = size * nmemb;
    if (r->body.len + n > r->max_body) {
        r->too_big = true;
        return 0; /* stops the transfer */
    }
    tt_buf_append(&r->body, data, n);
    return n;
}


/* scheme, host[:port] of url (lowercased host). false when not a URL. */
bool rg_url_origin(const char *url, char *scheme, size_t sl, char *host, size_t hl)
{
    CURLU *u = curl_url();
    char *s = NULL, *h = NULL, *p = NULL;
    bool ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK;
    if (ok) {
        curl_url_get(u, CURLUPART_PORT, &p, 0);
        for (char *q = h; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        int n1 = snprintf(scheme, sl, "%s", s);
        int n2 = p ? snprintf(host, hl, "%s:%s", h, p) : snprintf(host, hl, "%s", h);
        ok = n1 > 0 && (size_t)n1 < sl && n2 > 0 && (size_t)n2 < hl;
    }
    curl_free(s);
    curl_free(h);
    curl_free(p);
    curl_url_cleanup(u);
    return ok;
}

/* The system CA bundle plus certs_dir/HOST/ca.crt, when that file exists. */
static void set_ca(registry_client *c, const char *host)
{
    if (!c->ca_host || strcmp(c->ca_host, host) != 0) {
        free(c->ca_host);
        c->ca_host = tt_strdup(host);
        tt_buf_free(&c->ca_blob);
        char *path = tt_asprintf("%s/%s/ca.crt", c->certs_dir, host);
        struct stat st;
        if (stat(path, &st) == 0) {
            tt_error e;
            char *extra = tt_read_file(path, NULL, 1u << 20, &e);
            char *sys_path = NULL;
            curl_easy_getinfo(c->easy, CURLINFO_CAINFO, &sys_path);
            char *sys = sys_path ? tt_read_file(sys_path, NULL, 16u << 20, &e) : NULL;
            if (extra) {
                if (sys)
                    tt_buf_puts(&c->ca_blob, sys);
                tt_buf_puts(&c->ca_blob, "\n");
                tt_buf_puts(&c->ca_blob, extra);
            }
            free(extra);
            free(sys);
        }
        free(path);
    }
    if (c->ca_blob.len) {
        struct curl_blob blob = {c->ca_blob.data, c->ca_blob.len, CURL_BLOB_COPY};
        curl_easy_setopt(c->easy, CURLOPT_CAINFO_BLOB, &blob);
    }
}

static void wipe_slist(struct curl_slist *l)
{
    for (struct curl_slist *p = l; p; p = p->next)
        tt_explicit_bzero(p->data, strlen(p->data));
    curl_slist_free_all(l);
}

/* One request, redirects followed by hand: Authorization goes only to the
 * origin of the first URL. Returns 0 with r filled (any status), or -1 with
 * err (no answer). what names the request in errors ("registry HOST"). */
int rg_http_do(registry_client *c, const char *url0, const req *q, resp *r, tt_error *err)
{
    memset(r, 0, sizeof *r);
    r->max_body = q->max_body;
    char scheme0[16], origin0[300];
    if (!rg_url_origin(url0, scheme0, sizeof scheme0, origin0, sizeof origin0)) {
        tt_error_set(err, TT_EINVAL, "not a URL: %.200s", url0);
        return -1;
    }
    char *url = tt_strdup(url0);
    int rc = -1;
    for (int hop = 0;; hop++) {
        char scheme[16], origin[300];
        if (!rg_url_origin(url, scheme, sizeof scheme, origin, sizeof origin) ||
            (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0)) {
            char *u = rg_clean_cut(url, 200);
            tt_error_set(err, TT_EPROTO, "registry %s redirected to %s, which is not an http(s) URL",
                         origin0, u);
            free(u);
            break;
        }
        if (hop > 0 && strcmp(scheme0, "https") == 0 && strcmp(scheme, "http") == 0 &&
            !registry_host_is_loopback(origin)) {
            tt_error_set(err, TT_EPROTO, "registry %s redirected from https to plain http (%s): refused",
                         origin0, origin);
            break;
        }
        bool same_origin = strcmp(origin, origin0) == 0 && strcmp(scheme, scheme0) == 0;
        CURL *e = c->easy;
        curl_easy_reset(e);
        tt_buf_reset(&r->body);
        r->too_big = false;
        r->status = 0;
        curl_easy_setopt(e, CURLOPT_URL, url);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_USERAGENT, "ttstui/" TTSTUI_VERSION);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->timeout_ms);
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
        char errbuf[CURL_ERROR_SIZE] = "";
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
        if (strcmp(scheme, "https") == 0)
            set_ca(c, origin);
        struct curl_slist *h = NULL;
        if (q->accept) {
            char *a = tt_asprintf("Accept: %s", q->accept);
            h = curl_slist_append(h, a);
            free(a);
        }
        if (q->auth && same_origin) {
            char *a = tt_asprintf("Authorization: %s", q->auth);
            h = curl_slist_append(h, a);
            tt_free_secret(a);
        }
        if (h)
            curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
        if (strcmp(q->method, "HEAD") == 0) {
            curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        } else if (strcmp(q->method, "POST") == 0 && hop == 0) {
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, q->post ? q->post : "");
        } else {
            curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        }
        curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(e, CURLOPT_XFERINFODATA, c);
        if (atomic_load(&c->cancelled)) {
            curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
            wipe_slist(h);
            tt_error_set(err, TT_ECANCELED, "registry %s: cancelled", origin);
            break;
        }
        c->requests++;
        CURLcode cc = curl_easy_perform(e);
        wipe_slist(h);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
        if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && r->too_big)) {
            int code = cc == CURLE_OPERATION_TIMEDOUT ? TT_ETIMEDOUT : TT_ENET;
            if (cc == CURLE_ABORTED_BY_CALLBACK && atomic_load(&c->cancelled))
                tt_error_set(err, TT_ECANCELED, "registry %s: cancelled", origin);
            else if (cc == CURLE_OPERATION_TIMEDOUT)
                tt_error_set(err, code, "registry %s did not answer within %ld ms (%s)", origin,
                             c->timeout_ms, errbuf[0] ? errbuf : curl_easy_strerror(cc));
            else
                tt_error_set(err, code, "cannot reach registry %s: %s", origin,
                             errbuf[0] ? errbuf : curl_easy_strerror(cc));
            err->reason[0] = '\0';
            snprintf(err->reason, sizeof err->reason, "curl:%d", (int)cc);
            break;
        }
        if (r->too_big) {
            tt_error_set(err, TT_EPROTO, "registry %s sent more than %zu bytes for %s: refused",
                         origin, q->max_body, q->method);
            break;
        }
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
        snprintf(r->url, sizeof r->url, "%s", url);
        if (r->status >= 300 && r->status < 400 && r->status != 304) {
            char *next = NULL;
            curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &next);
            if (!next) {
                tt_error_set(err, TT_EPROTO, "registry %s answered HTTP %ld without a Location",
                             origin, r->status);
                break;
            }
            if (hop + 1 >= MAX_REDIRECTS) {
                tt_error_set(err, TT_EPROTO, "registry %s redirected more than %d times", origin0,
                             MAX_REDIRECTS);
                break;
            }
            char *n = tt_strdup(next);
            free(url);
            url = n;
            continue;
        }
        rc = 0;
        break;
    }
    free(url);
    if (rc != 0) {
        tt_buf_free(&r->challenge);
        tt_buf_free(&r->body);
    }
    return rc;
}

/* True for a failure that a plain-http request to a TLS server gives. */
static bool tls_sign(const tt_error *e)
{
    int cc = 0;
    if (sscanf(e->reason, "curl:%d", &cc) != 1)
        return false;
    return cc == CURLE_GOT_NOTHING || cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR ||
           cc == CURLE_WEIRD_SERVER_REPLY || cc == CURLE_UNSUPPORTED_PROTOCOL;
}

/* "https://HOST", or "http://HOST" for a loopback registry that speaks it. */
char *rg_base_url(registry_client *c, const char *api_host)
{
    host_entry *h = rg_host_get(c, api_host);
    bool http = registry_host_is_loopback(api_host) && h->scheme != SCHEME_HTTPS;
    return tt_asprintf("%s://%s", http ? "http" : "https", api_host);
}

/*
 * http_do on the registry's base + path. A loopback registry may speak
 * plain http (docker's rule for loopback addresses); which one it speaks is
 * found on the first request: plain http first (no TLS set-up, which costs
 * more than the request on loopback), https when the answer is what a TLS
 * server gives to plain http (a 400, or no HTTP at all). Other hosts: https.
 */
int rg_http_registry(registry_client *c, const char *api_host, const char *path,
                         const req *q, resp *r, tt_error *err)
{
    host_entry *h = rg_host_get(c, api_host);
    bool probe = registry_host_is_loopback(api_host) && h->scheme == SCHEME_UNKNOWN;
    char *base = rg_base_url(c, api_host);
    char *url = tt_asprintf("%s%s", base, path);
    int rc = rg_http_do(c, url, q, r, err);
    free(url);
    free(base);
    if (!probe)
        return rc;
    bool tls = rc != 0 ? tls_sign(err) : r->status == 400;
    if (!tls) {
        if (rc == 0)
            h->scheme = SCHEME_HTTP;
        return rc;
    }
    if (rc == 0)
        rg_resp_clear(r);
    tt_error_clear(err);
    url = tt_asprintf("https://%s%s", api_host, path);
    rc = rg_http_do(c, url, q, r, err);
    free(url);
    if (rc == 0) {
        h->scheme = SCHEME_HTTPS;
        return 0;
    }
    /* A TLS server that failed verification: that is the answer. Not TLS
     * at all (the handshake got no TLS back): plain http, with its answer. */
    int cc = 0;
    if (sscanf(err->reason, "curl:%d", &cc) != 1 || cc != CURLE_SSL_CONNECT_ERROR)
        return rc;
    h->scheme = SCHEME_HTTP;
    tt_error_clear(err);
    url = tt_asprintf("http://%s%s", api_host, path);
    rc = rg_http_do(c, url, q, r, err);
    free(url);
    return rc;
}

/* ---- registry errors ------------------------------------------------------------- */

/* The first {"errors":[{"code","message","detail"}]} entry, cleaned. */
void rg_registry_error_body(const resp *r, char *code, size_t cl, char **msg)
{
    code[0] = '\0';
    *msg = NULL;
    if (!r->body.len)
        return;
    json_t *j = json_loadb(r->body.data, r->body.len, 0, NULL);
    json_t *e0 = json_array_get(json_object_get(j, "errors"), 0);
    const char *c = json_string_value(json_object_get(e0, "code"));
    const char *m = json_string_value(json_object_get(e0, "message"));
    if (!m) /* token servers: {"details": "..."} or {"error": "..."} */
        m = json_string_value(json_object_get(j, "details"));
    if (!m)
        m = json_string_value(json_object_get(j, "error_description"));
    if (!m)
        m = json_string_value(json_object_get(j, "error"));
    if (c) {
        char *cc = rg_clean_cut(c, cl - 8);
        snprintf(code, cl, "%s", cc);
        free(cc);
    }
    if (m)
        *msg = rg_clean_cut(m, 300);
    json_decref(j);
}

static const char *status_reason(long status)
{
    switch (status) {
    case 401: return "UNAUTHORIZED";
    case 403: return "DENIED";
    case 404: return "NOT_FOUND";
    case 429: return "TOOMANYREQUESTS";
    default: return "";
    }
}

/* err from a non-2xx answer: "WHAT: CODE: message" with code = status. */
void rg_set_http_error(tt_error *err, const resp *r, const char *what, const char *extra)
{
    char code[64];
    char *msg = NULL;
    rg_registry_error_body(r, code, sizeof code, &msg);
    if (!code[0])
        snprintf(code, sizeof code, "%s", status_reason(r->status));
    tt_error_set(err, r->status >= 400 && r->status < 600 ? (int)r->status : TT_EPROTO,
                 "%s: %s%s%s (HTTP %ld)%s%s", what, code[0] ? code : "", code[0] ? ": " : "",
                 msg ? msg : "the registry gave no message", r->status, extra ? "; " : "",
                 extra ? extra : "");
    snprintf(err->reason, sizeof err->reason, "%s", code);
    free(msg);
}
