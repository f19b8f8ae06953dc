/* The registry client: see registry_client.h. */
#include "registry_client.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "registry_challenge.h"
#include "registry_dockercfg.h"
#include "registry_helper.h"
#include "registry_link.h"
#include "tt_text.h"

#define ACCEPT_MANIFESTS                                                                   \
    "application/vnd.oci.image.index.v1+json, "                                            \
    "application/vnd.docker.distribution.manifest.list.v2+json, "                          \
    "application/vnd.docker.distribution.manifest.v2+json, "                               \
    "application/vnd.oci.image.manifest.v1+json"

#define MANIFEST_MAX (4u << 20) /* the distribution registry's own limit */
#define ERROR_BODY_MAX (64u << 10)
#define TAGS_BODY_MAX (8u << 20)
#define MAX_REDIRECTS 5
#define MAX_TAG_PAGES 10000
#define TOKEN_MIN_TTL 60 /* seconds, as docker when expires_in is missing or small */

typedef struct token_entry {
    char *key; /* "api-host scope" */
    char *header; /* "Bearer …" (a secret) */
    long long expires_ms;
    struct token_entry *next;
} token_entry;

typedef struct host_entry {
    char *host;      /* API host */
    enum { SCHEME_UNKNOWN, SCHEME_HTTP, SCHEME_HTTPS } scheme; /* loopback: what it speaks */
    bool basic;      /* asked for Basic: send it up front */
    bool cred_done;  /* cred looked up */
    registry_cred cred;
    char cred_from[128]; /* "auths", "credHelpers (docker-credential-x)" … */
    struct host_entry *next;
} host_entry;

struct registry_client {
    CURL *easy;
    atomic_bool cancelled;
    char *config_path;
    char *certs_dir;
    long connect_timeout_ms;
    long timeout_ms;
    long tags_page;
    unsigned long requests;
    token_entry *tokens;
    host_entry *hosts;
    char *ca_host; /* ca_blob belongs to this host ("" = none) */
    tt_buf ca_blob;
};

typedef struct {
    long status;
    char digest[160];
    char ctype[160];
    char location[2048];
    char link[2048];
    tt_buf challenge; /* every WWW-Authenticate, joined with ", " */
    tt_buf body;
    size_t max_body;
    bool too_big;
    char url[2048]; /* the URL that gave this answer (after redirects) */
} resp;

static void resp_clear(resp *r)
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

static host_entry *host_get(registry_client *c, const char *host)
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
static char *clean_cut(const char *s, size_t max)
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

static bool digest_ok(const char *s)
{
    if (strncmp(s, "sha256:", 7) != 0 || strlen(s) != 71)
        return false;
    for (const char *p = s + 7; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static void sha256_hex(const void *data, size_t len, char out[REGISTRY_REF_DIGEST_MAX])
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

typedef struct {
    const char *method; /* "HEAD", "GET", "POST" */
    const char *accept;
    const char *auth;   /* Authorization value, or NULL */
    const char *post;   /* form body for POST */
    size_t max_body;
} req;

/* scheme, host[:port] of url (lowercased host). false when not a URL. */
static bool url_origin(const char *url, char *scheme, size_t sl, char *host, size_t hl)
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
static int http_do(registry_client *c, const char *url0, const req *q, resp *r, tt_error *err)
{
    memset(r, 0, sizeof *r);
    r->max_body = q->max_body;
    char scheme0[16], origin0[300];
    if (!url_origin(url0, scheme0, sizeof scheme0, origin0, sizeof origin0)) {
        tt_error_set(err, TT_EINVAL, "not a URL: %.200s", url0);
        return -1;
    }
    char *url = tt_strdup(url0);
    int rc = -1;
    for (int hop = 0;; hop++) {
        char scheme[16], origin[300];
        if (!url_origin(url, scheme, sizeof scheme, origin, sizeof origin) ||
            (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0)) {
            char *u = clean_cut(url, 200);
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
static char *base_url(registry_client *c, const char *api_host)
{
    host_entry *h = host_get(c, api_host);
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
static int http_registry(registry_client *c, const char *api_host, const char *path,
                         const req *q, resp *r, tt_error *err)
{
    host_entry *h = host_get(c, api_host);
    bool probe = registry_host_is_loopback(api_host) && h->scheme == SCHEME_UNKNOWN;
    char *base = base_url(c, api_host);
    char *url = tt_asprintf("%s%s", base, path);
    int rc = http_do(c, url, q, r, err);
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
        resp_clear(r);
    tt_error_clear(err);
    url = tt_asprintf("https://%s%s", api_host, path);
    rc = http_do(c, url, q, r, err);
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
    rc = http_do(c, url, q, r, err);
    free(url);
    return rc;
}

/* ---- registry errors ------------------------------------------------------------- */

/* The first {"errors":[{"code","message","detail"}]} entry, cleaned. */
static void registry_error_body(const resp *r, char *code, size_t cl, char **msg)
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
        char *cc = clean_cut(c, cl - 8);
        snprintf(code, cl, "%s", cc);
        free(cc);
    }
    if (m)
        *msg = clean_cut(m, 300);
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
static void set_http_error(tt_error *err, const resp *r, const char *what, const char *extra)
{
    char code[64];
    char *msg = NULL;
    registry_error_body(r, code, sizeof code, &msg);
    if (!code[0])
        snprintf(code, sizeof code, "%s", status_reason(r->status));
    tt_error_set(err, r->status >= 400 && r->status < 600 ? (int)r->status : TT_EPROTO,
                 "%s: %s%s%s (HTTP %ld)%s%s", what, code[0] ? code : "", code[0] ? ": " : "",
                 msg ? msg : "the registry gave no message", r->status, extra ? "; " : "",
                 extra ? extra : "");
    snprintf(err->reason, sizeof err->reason, "%s", code);
    free(msg);
}

/* ---- credentials -------------------------------------------------------------------- */

static int load_cred(registry_client *c, host_entry *h, const char *host, tt_error *err)
{
    if (h->cred_done)
        return 0;
    struct stat st;
    if (stat(c->config_path, &st) != 0) {
        h->cred_done = true;
        snprintf(h->cred_from, sizeof h->cred_from, "none: no such file");
        return 0;
    }
    char *text = tt_read_file(c->config_path, NULL, 4u << 20, err);
    if (!text)
        return -1;
    registry_cred cred;
    int rc = registry_dockercfg_lookup(text, host, &cred, err);
    tt_explicit_bzero(text, strlen(text));
    free(text);
    if (rc < 0) {
        tt_error_prefix(err, "%s", c->config_path);
        return -1;
    }
    if (cred.kind == REGISTRY_CRED_HELPER) {
        char *helper = tt_strdup(cred.helper);
        registry_cred_clear(&cred);
        const char *server = strcmp(host, "docker.io") == 0 ? "https://index.docker.io/v1/" : host;
        rc = registry_helper_get(helper, server, c->timeout_ms, &cred, err);
        if (rc < 0) {
            tt_error_prefix(err, "credentials for %s (%s in %s)", host,
                            "credHelpers/credsStore", c->config_path);
            free(helper);
            return -1;
        }
        snprintf(h->cred_from, sizeof h->cred_from, "docker-credential-%s", helper);
        free(helper);
    } else {
        snprintf(h->cred_from, sizeof h->cred_from, "%s",
                 cred.kind == REGISTRY_CRED_NONE ? "none for this host" : "auths");
    }
    h->cred = cred;
    h->cred_done = true;
    return 0;
}

/* "credentials looked for in PATH (…)" for a 401. Caller frees. */
static char *where_creds(const registry_client *c, const host_entry *h, const char *host)
{
    if (h->cred.kind == REGISTRY_CRED_NONE)
        return tt_asprintf("no credentials for %s: looked in %s (%s; auths, credHelpers, "
                           "credsStore; $DOCKER_CONFIG sets the folder)",
                           host, c->config_path, h->cred_from[0] ? h->cred_from : "none");
    return tt_asprintf("the credentials for %s from %s (%s) were refused", host, c->config_path,
                       h->cred_from);
}

static char *basic_header(const registry_cred *cred)
{
    char *up = tt_asprintf("%s:%s", cred->username ? cred->username : "",
                           cred->secret ? cred->secret : "");
    char *b64 = tt_base64_encode(up, strlen(up));
    char *hdr = tt_asprintf("Basic %s", b64);
    tt_free_secret(up);
    tt_free_secret(b64);
    return hdr;
}

static char *url_escape(CURL *e, const char *s)
{
    char *x = curl_easy_escape(e, s, 0);
    char *out = tt_strdup(x);
    curl_free(x);
    return out;
}

/* ---- tokens ------------------------------------------------------------------------ */

static token_entry *token_find(registry_client *c, const char *key)
{
    long long now = tt_now_ms();
    for (token_entry *t = c->tokens; t; t = t->next)
        if (strcmp(t->key, key) == 0)
            return t->expires_ms > now ? t : NULL;
    return NULL;
}

static void token_put(registry_client *c, const char *key, char *header, long long expires_ms)
{
    for (token_entry *t = c->tokens; t; t = t->next)
        if (strcmp(t->key, key) == 0) {
            tt_free_secret(t->header);
            t->header = header;
            t->expires_ms = expires_ms;
            return;
        }
    token_entry *t = tt_calloc(1, sizeof *t);
    t->key = tt_strdup(key);
    t->header = header;
    t->expires_ms = expires_ms;
    t->next = c->tokens;
    c->tokens = t;
}

/* The Bearer dance: a token for ch's realm, service and scope. Returns the
 * "Bearer …" header (caller frees with tt_free_secret) or NULL with err. */
static char *fetch_token(registry_client *c, host_entry *h, const char *host,
                         const registry_challenge *ch, const char *scope, tt_error *err)
{
    char rs[16], rh[300];
    if (!url_origin(ch->realm, rs, sizeof rs, rh, sizeof rh) ||
        (strcmp(rs, "https") != 0 && strcmp(rs, "http") != 0)) {
        char *u = clean_cut(ch->realm, 200);
        tt_error_set(err, TT_EPROTO, "registry %s: its token realm \"%s\" is not an http(s) URL",
                     host, u);
        free(u);
        return NULL;
    }
    bool send_creds = h->cred.kind == REGISTRY_CRED_BASIC || h->cred.kind == REGISTRY_CRED_IDENTITY;
    if (send_creds && strcmp(rs, "http") == 0 && !registry_host_is_loopback(rh)) {
        tt_error_set(err, TT_EREFUSED,
                     "registry %s: its token realm %s is plain http: credentials not sent", host, rh);
        return NULL;
    }
    char *svc = url_escape(c->easy, ch->service);
    char *scp = url_escape(c->easy, scope);
    resp r;
    int rc;
    char *auth = NULL;
    char *post = NULL;
    req q = {.method = "GET", .max_body = 1u << 20};
    char *url;
    if (h->cred.kind == REGISTRY_CRED_IDENTITY) {
        char *rt = url_escape(c->easy, h->cred.secret ? h->cred.secret : "");
        post = tt_asprintf("grant_type=refresh_token&client_id=ttstui&service=%s&scope=%s&refresh_token=%s",
                           svc, scp, rt);
        tt_free_secret(rt);
        q.method = "POST";
        q.post = post;
        url = tt_strdup(ch->realm);
    } else {
        const char *sep = strchr(ch->realm, '?') ? "&" : "?";
        url = ch->service[0] ? tt_asprintf("%s%sservice=%s&scope=%s", ch->realm, sep, svc, scp)
                             : tt_asprintf("%s%sscope=%s", ch->realm, sep, scp);
        if (h->cred.kind == REGISTRY_CRED_BASIC)
            auth = basic_header(&h->cred);
    }
    q.auth = auth;
    rc = http_do(c, url, &q, &r, err);
    free(url);
    free(svc);
    free(scp);
    tt_free_secret(auth);
    tt_free_secret(post);
    if (rc < 0) {
        tt_error_prefix(err, "token for %s", host);
        return NULL;
    }
    char *out = NULL;
    if (r.status != 200) {
        char *where = where_creds(c, h, host);
        char *what = tt_asprintf("registry %s: token server %s", host, rh);
        set_http_error(err, &r, what, r.status == 401 || r.status == 403 ? where : NULL);
        if (r.status == 401 || r.status == 403)
            snprintf(err->reason, sizeof err->reason, "UNAUTHORIZED");
        free(what);
        free(where);
        resp_clear(&r);
        return NULL;
    }
    json_t *j = json_loadb(r.body.data ? r.body.data : "", r.body.len, 0, NULL);
    const char *tok = json_string_value(json_object_get(j, "token"));
    if (!tok || !*tok)
        tok = json_string_value(json_object_get(j, "access_token"));
    if (!tok || !*tok) {
        tt_error_set(err, TT_EPROTO, "registry %s: the token server %s answered no token", host, rh);
    } else {
        out = tt_asprintf("Bearer %s", tok);
        json_int_t ttl = json_integer_value(json_object_get(j, "expires_in"));
        if (ttl < TOKEN_MIN_TTL)
            ttl = TOKEN_MIN_TTL;
        char *key = tt_asprintf("%s %s", h->host, scope);
        /* Renew a little early so a token never expires mid-request. */
        token_put(c, key, tt_strdup(out), tt_now_ms() + (long long)ttl * 1000 - 5000);
        free(key);
    }
    if (j) {
        /* Wipe the token text jansson holds before freeing. */
        json_t *t = json_object_get(j, "token");
        if (json_is_string(t))
            tt_explicit_bzero((char *)json_string_value(t), json_string_length(t));
        t = json_object_get(j, "access_token");
        if (json_is_string(t))
            tt_explicit_bzero((char *)json_string_value(t), json_string_length(t));
        t = json_object_get(j, "refresh_token");
        if (json_is_string(t))
            tt_explicit_bzero((char *)json_string_value(t), json_string_length(t));
    }
    json_decref(j);
    resp_clear(&r);
    return out;
}

/*
 * A request to the registry with whatever auth it asks for. host names the
 * registry as the reference does (docker.io), api_host serves it. Returns 0
 * with r filled (any status but 401), -1 with err.
 */
static int authed(registry_client *c, const char *host, const char *api_host, const char *scope,
                  const char *path, req q, resp *r, tt_error *err)
{
    host_entry *h = host_get(c, api_host);
    char *key = tt_asprintf("%s %s", api_host, scope);
    char *auth = NULL;
    token_entry *t = token_find(c, key);
    if (t)
        auth = tt_strdup(t->header);
    else if (h->basic && h->cred_done && h->cred.kind == REGISTRY_CRED_BASIC)
        auth = basic_header(&h->cred);
    int rc = -1;
    for (int attempt = 0;; attempt++) {
        q.auth = auth;
        if (http_registry(c, api_host, path, &q, r, err) < 0)
            goto out;
        if (r->status != 401) {
            rc = 0;
            goto out;
        }
        if (attempt > 0) {
            char *where = where_creds(c, h, host);
            char *what = tt_asprintf("registry %s", host);
            set_http_error(err, r, what, where);
            snprintf(err->reason, sizeof err->reason, "UNAUTHORIZED");
            free(what);
            free(where);
            resp_clear(r);
            goto out;
        }
        registry_challenge ch[REGISTRY_CHALLENGES_MAX];
        int n = registry_challenges_parse(r->challenge.data, ch, REGISTRY_CHALLENGES_MAX);
        const registry_challenge *bearer = NULL, *basic = NULL;
        for (int i = 0; i < n; i++) {
            if (!bearer && strcmp(ch[i].scheme, "bearer") == 0 && ch[i].realm[0])
                bearer = &ch[i];
            if (!basic && strcmp(ch[i].scheme, "basic") == 0)
                basic = &ch[i];
        }
        if (!bearer && !basic) {
            char *what = tt_asprintf("registry %s", host);
            set_http_error(err, r, what, "it asked for no auth scheme ttstui knows (Bearer, Basic)");
            snprintf(err->reason, sizeof err->reason, "UNAUTHORIZED");
            free(what);
            resp_clear(r);
            goto out;
        }
        if (load_cred(c, h, host, err) < 0) {
            resp_clear(r);
            goto out;
        }
        tt_free_secret(auth);
        auth = NULL;
        if (bearer) {
            const char *sc = scope; /* ours: the challenge may name another action */
            auth = fetch_token(c, h, host, bearer, sc, err);
            if (!auth) {
                resp_clear(r);
                goto out;
            }
        } else {
            if (h->cred.kind != REGISTRY_CRED_BASIC) {
                char *where = where_creds(c, h, host);
                char *what = tt_asprintf("registry %s", host);
                set_http_error(err, r, what, where);
                snprintf(err->reason, sizeof err->reason, "UNAUTHORIZED");
                free(what);
                free(where);
                resp_clear(r);
                goto out;
            }
            h->basic = true;
            auth = basic_header(&h->cred);
        }
        resp_clear(r);
    }
out:
    tt_free_secret(auth);
    free(key);
    return rc;
}

/* ---- resolve ------------------------------------------------------------------------- */

static bool ctype_is(const char *ct, const char *type)
{
    size_t n = strlen(type);
    return strncasecmp(ct, type, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static bool ctype_acceptable(const char *ct)
{
    return !ct[0] || ctype_is(ct, "application/vnd.oci.image.index.v1+json") ||
           ctype_is(ct, "application/vnd.docker.distribution.manifest.list.v2+json") ||
           ctype_is(ct, "application/vnd.docker.distribution.manifest.v2+json") ||
           ctype_is(ct, "application/vnd.oci.image.manifest.v1+json");
}

static void set_ctype_error(tt_error *err, const char *image, const char *ct)
{
    char *t = clean_cut(ct, 100);
    tt_error_set(err, TT_EPROTO,
                 "%s: the registry served a manifest of type %s, not an OCI or Docker v2 manifest "
                 "or index", image, t);
    free(t);
}

int registry_resolve_ref(registry_client *c, const registry_ref *ref,
                         char digest[REGISTRY_REF_DIGEST_MAX], tt_error *err)
{
    digest[0] = '\0';
    if (ref->digest[0]) {
        snprintf(digest, REGISTRY_REF_DIGEST_MAX, "%s", ref->digest);
        return 0;
    }
    const char *api = registry_ref_api_host(ref);
    char repo[REGISTRY_REF_HOST_MAX + REGISTRY_REF_PATH_MAX + 2];
    registry_ref_repo(ref, repo, sizeof repo);
    char *image = tt_asprintf("%s:%s", repo, ref->tag);
    char *scope = tt_asprintf("repository:%s:pull", ref->path);
    char *path = tt_asprintf("/v2/%s/manifests/%s", ref->path, ref->tag);
    int rc = -1;
    resp r;
    req q = {.method = "HEAD", .accept = ACCEPT_MANIFESTS, .max_body = ERROR_BODY_MAX};
    if (authed(c, ref->host, api, scope, path, q, &r, err) < 0)
        goto out;
    if (r.status == 200 && digest_ok(r.digest)) {
        if (!ctype_acceptable(r.ctype)) {
            set_ctype_error(err, image, r.ctype);
        } else {
            snprintf(digest, REGISTRY_REF_DIGEST_MAX, "%s", r.digest);
            rc = 0;
        }
        resp_clear(&r);
        goto out;
    }
    /* No digest header, or an error (a HEAD answer has no body to say
     * which): GET the manifest. */
    resp_clear(&r);
    q.method = "GET";
    q.max_body = MANIFEST_MAX;
    if (authed(c, ref->host, api, scope, path, q, &r, err) < 0)
        goto out;
    if (r.status != 200) {
        char *extra = NULL;
        if (r.status == 404)
            extra = tt_asprintf("no tag \"%s\" in %s, or no such repository", ref->tag, repo);
        set_http_error(err, &r, image, extra);
        if (r.status == 404 && strcmp(err->reason, "MANIFEST_UNKNOWN") == 0) {
            /* The distribution registry says MANIFEST_UNKNOWN for an unknown
             * repository too: its tag list tells them apart. */
            bool no_repo = false;
            resp t;
            tt_error terr;
            char *tpath = tt_asprintf("/v2/%s/tags/list?n=1", ref->path);
            req tq = {.method = "GET", .accept = "application/json", .max_body = ERROR_BODY_MAX};
            if (authed(c, ref->host, api, scope, tpath, tq, &t, &terr) == 0) {
                char tcode[64];
                char *tmsg = NULL;
                registry_error_body(&t, tcode, sizeof tcode, &tmsg);
                no_repo = t.status == 404 && strcmp(tcode, "NAME_UNKNOWN") == 0;
                free(tmsg);
                resp_clear(&t);
            }
            free(tpath);
            free(extra);
            extra = no_repo ? tt_asprintf("no repository %s", repo)
                            : tt_asprintf("%s has no tag \"%s\"", repo, ref->tag);
            set_http_error(err, &r, image, extra);
        } else if (r.status == 404 && strcmp(err->reason, "NAME_UNKNOWN") == 0) {
            free(extra);
            extra = tt_asprintf("no repository %s", repo);
            set_http_error(err, &r, image, extra);
        }
        free(extra);
        resp_clear(&r);
        goto out;
    }
    if (!ctype_acceptable(r.ctype)) {
        set_ctype_error(err, image, r.ctype);
        resp_clear(&r);
        goto out;
    }
    char got[REGISTRY_REF_DIGEST_MAX];
    sha256_hex(r.body.data ? r.body.data : "", r.body.len, got);
    if (r.digest[0] && strcmp(r.digest, got) != 0) {
        char *said = clean_cut(r.digest, 80);
        tt_error_set(err, TT_EPROTO,
                     "%s: refused: the registry says the manifest is %s but the %zu bytes it served "
                     "hash to %s",
                     image, said, r.body.len, got);
        free(said);
        resp_clear(&r);
        goto out;
    }
    snprintf(digest, REGISTRY_REF_DIGEST_MAX, "%s", got);
    resp_clear(&r);
    rc = 0;
out:
    if (rc < 0 && !strstr(err->message, image))
        tt_error_prefix(err, "%s", image);
    free(image);
    free(scope);
    free(path);
    return rc;
}

int registry_resolve(registry_client *c, const char *image, char **out, tt_error *err)
{
    *out = NULL;
    registry_ref ref;
    char why[256];
    if (!registry_ref_parse(image, &ref, why, sizeof why)) {
        char *im = clean_cut(image, 200);
        tt_error_set(err, TT_EINVAL, "image \"%s\": %s", im, why);
        free(im);
        return -1;
    }
    if (ref.digest[0]) {
        *out = tt_strdup(image);
        return 0;
    }
    char digest[REGISTRY_REF_DIGEST_MAX];
    if (registry_resolve_ref(c, &ref, digest, err) < 0)
        return -1;
    /* The name as written: drop ":TAG" when the image gave one. */
    size_t n = strlen(image);
    size_t tn = strlen(ref.tag);
    const char *slash = strrchr(image, '/');
    const char *colon = strrchr(slash ? slash : image, ':');
    if (colon && n > tn && strcmp(image + n - tn, ref.tag) == 0 && colon == image + n - tn - 1)
        n -= tn + 1;
    *out = tt_asprintf("%.*s@%s", (int)n, image, digest);
    return 0;
}

/* ---- tags ------------------------------------------------------------------------------ */

void registry_tags_free(char **tags, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(tags[i]);
    free(tags);
}

int registry_list_tags(registry_client *c, const char *repo_s, char ***tags_out, size_t *n_out,
                       tt_error *err)
{
    *tags_out = NULL;
    *n_out = 0;
    registry_ref ref;
    char why[256];
    if (!registry_ref_parse(repo_s, &ref, why, sizeof why)) {
        char *im = clean_cut(repo_s, 200);
        tt_error_set(err, TT_EINVAL, "repository \"%s\": %s", im, why);
        free(im);
        return -1;
    }
    const char *api = registry_ref_api_host(&ref);
    char repo[REGISTRY_REF_HOST_MAX + REGISTRY_REF_PATH_MAX + 2];
    registry_ref_repo(&ref, repo, sizeof repo);
    char *scope = tt_asprintf("repository:%s:pull", ref.path);
    char *path = tt_asprintf("/v2/%s/tags/list?n=%ld", ref.path, c->tags_page);
    char **tags = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    for (int page = 0; page < MAX_TAG_PAGES; page++) {
        resp r;
        req q = {.method = "GET", .accept = "application/json", .max_body = TAGS_BODY_MAX};
        if (authed(c, ref.host, api, scope, path, q, &r, err) < 0)
            goto out;
        if (r.status != 200) {
            char *extra = r.status == 404 ? tt_asprintf("no repository %s", repo) : NULL;
            set_http_error(err, &r, repo, extra);
            free(extra);
            resp_clear(&r);
            goto out;
        }
        json_t *j = json_loadb(r.body.data ? r.body.data : "", r.body.len, 0, NULL);
        json_t *arr = json_object_get(j, "tags");
        if (!json_is_object(j) || !(json_is_array(arr) || json_is_null(arr) || !arr)) {
            tt_error_set(err, TT_EPROTO, "%s: the tag list is not {\"tags\": [...]}", repo);
            json_decref(j);
            resp_clear(&r);
            goto out;
        }
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v) {
            if (!json_is_string(v))
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                tags = tt_realloc(tags, cap * sizeof *tags);
            }
            tags[n++] = tt_strdup(json_string_value(v));
        }
        json_decref(j);
        char next[2048];
        bool more = r.link[0] && registry_link_next(r.link, next, sizeof next);
        resp_clear(&r);
        if (!more) {
            rc = 0;
            goto out;
        }
        free(path);
        if (next[0] == '/') {
            path = tt_strdup(next);
        } else {
            /* Absolute: only to the same registry. */
            char s[16], o[300];
            char *base = base_url(c, api);
            size_t bl = strlen(base);
            if (!url_origin(next, s, sizeof s, o, sizeof o) || strncmp(next, base, bl) != 0 ||
                next[bl] != '/') {
                char *u = clean_cut(next, 200);
                tt_error_set(err, TT_EPROTO, "%s: the next page of tags is on another host (%s): refused",
                             repo, u);
                free(u);
                free(base);
                path = NULL;
                goto out;
            }
            path = tt_strdup(next + bl);
            free(base);
        }
    }
    tt_error_set(err, TT_EPROTO, "%s: more than %d pages of tags", repo, MAX_TAG_PAGES);
out:
    free(scope);
    free(path);
    if (rc == 0) {
        *tags_out = tags;
        *n_out = n;
    } else {
        registry_tags_free(tags, n);
    }
    return rc;
}
