/*
 * The registry client's auth: credentials from the docker config (auths,
 * credHelpers, credsStore through docker-credential-NAME), Basic, and the
 * Bearer token dance (challenges, token or access_token, expiry, cached per
 * registry and scope). Secrets are never printed or logged.
 */
#include "registry_priv.h"

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
    if (!rg_url_origin(ch->realm, rs, sizeof rs, rh, sizeof rh) ||
        (strcmp(rs, "https") != 0 && strcmp(rs, "http") != 0)) {
        char *u = rg_clean_cut(ch->realm, 200);
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
    rc = rg_http_do(c, url, &q, &r, err);
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
        rg_set_http_error(err, &r, what, r.status == 401 || r.status == 403 ? where : NULL);
        if (r.status == 401 || r.status == 403)
            snprintf(err->reason, sizeof err->reason, "UNAUTHORIZED");
        free(what);
        free(where);
        rg_resp_clear(&r);
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
        if (ttl < c->token_min_ttl)
            ttl = c->token_min_ttl;
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
    rg_resp_clear(&r);
    return out;
}

/*
 * A request to the registry with whatever auth it asks for. host names the
 * registry as the reference does (docker.io), api_host serves it. Returns 0
 * with r filled (any status but 401), -1 with err.
 */
int rg_authed(registry_client *c, const char *host, const char *api_host, const char *scope,
                  const char *path, req q, resp *r, tt_error *err)
{
    host_entry *h = rg_host_get(c, api_host);
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
        if (rg_http_registry(c, api_host, path, &q, r, err) < 0)
            goto out;
        if (r->status != 401) {
            rc = 0;
            goto out;
        }
        if (attempt > 0) {
            char *where = where_creds(c, h, host);
            char *what = tt_asprintf("registry %s", host);
            rg_set_http_error(err, r, what, where);
            snprintf(err->reason, sizeof err->reason, "UNAUTHORIZED");
            free(what);
            free(where);
            rg_resp_clear(r);
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
            rg_set_http_error(err, r, what, "it asked for no auth scheme ttstui knows (Bearer, Basic)");
            snprintf(err->reason, sizeof err->reason, "UNAUTHORIZED");
            free(what);
            rg_resp_clear(r);
            goto out;
        }
        if (load_cred(c, h, host, err) < 0) {
            rg_resp_clear(r);
            goto out;
        }
        tt_free_secret(auth);
        auth = NULL;
        if (bearer) {
            const char *sc = scope; /* ours: the challenge may name another action */
            auth = fetch_token(c, h, host, bearer, sc, err);
            if (!auth) {
                rg_resp_clear(r);
                goto out;
            }
        } else {
            if (h->cred.kind != REGISTRY_CRED_BASIC) {
                char *where = where_creds(c, h, host);
                char *what = tt_asprintf("registry %s", host);
                rg_set_http_error(err, r, what, where);
                snprintf(err->reason, sizeof err->reason, "UNAUTHORIZED");
                free(what);
                free(where);
                rg_resp_clear(r);
                goto out;
            }
            h->basic = true;
            auth = basic_header(&h->cred);
        }
        rg_resp_clear(r);
    }
out:
    tt_free_secret(auth);
    free(key);
    return rc;
}
