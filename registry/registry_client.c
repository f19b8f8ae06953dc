/*
 * The registry client's operations (see registry_client.h): resolve a
 * reference to its digest (HEAD, else GET and hash; the bytes checked) and
 * list a repository's tags (Link pagination). HTTP is registry_http.c,
 * auth registry_auth.c.
 */
#include "registry_priv.h"

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
    char *t = rg_clean_cut(ct, 100);
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
    if (rg_authed(c, ref->host, api, scope, path, q, &r, err) < 0)
        goto out;
    if (r.status == 200 && rg_digest_ok(r.digest)) {
        if (!ctype_acceptable(r.ctype)) {
            set_ctype_error(err, image, r.ctype);
        } else {
            snprintf(digest, REGISTRY_REF_DIGEST_MAX, "%s", r.digest);
            rc = 0;
        }
        rg_resp_clear(&r);
        goto out;
    }
    /* No digest header, or an error (a HEAD answer has no body to say
     * which): GET the manifest. */
    rg_resp_clear(&r);
    q.method = "GET";
    q.max_body = MANIFEST_MAX;
    if (rg_authed(c, ref->host, api, scope, path, q, &r, err) < 0)
        goto out;
    if (r.status != 200) {
        char *extra = NULL;
        if (r.status == 404)
            extra = tt_asprintf("no tag \"%s\" in %s, or no such repository", ref->tag, repo);
        rg_set_http_error(err, &r, image, extra);
        if (r.status == 404 && strcmp(err->reason, "MANIFEST_UNKNOWN") == 0) {
            /* The distribution registry says MANIFEST_UNKNOWN for an unknown
             * repository too: its tag list tells them apart. */
            bool no_repo = false;
            resp t;
            tt_error terr;
            char *tpath = tt_asprintf("/v2/%s/tags/list?n=1", ref->path);
            req tq = {.method = "GET", .accept = "application/json", .max_body = ERROR_BODY_MAX};
            if (rg_authed(c, ref->host, api, scope, tpath, tq, &t, &terr) == 0) {
                char tcode[64];
                char *tmsg = NULL;
                rg_registry_error_body(&t, tcode, sizeof tcode, &tmsg);
                no_repo = t.status == 404 && strcmp(tcode, "NAME_UNKNOWN") == 0;
                free(tmsg);
                rg_resp_clear(&t);
            }
            free(tpath);
            free(extra);
            extra = no_repo ? tt_asprintf("no repository %s", repo)
                            : tt_asprintf("%s has no tag \"%s\"", repo, ref->tag);
            rg_set_http_error(err, &r, image, extra);
        } else if (r.status == 404 && strcmp(err->reason, "NAME_UNKNOWN") == 0) {
            free(extra);
            extra = tt_asprintf("no repository %s", repo);
            rg_set_http_error(err, &r, image, extra);
        }
        free(extra);
        rg_resp_clear(&r);
        goto out;
    }
    if (!ctype_acceptable(r.ctype)) {
        set_ctype_error(err, image, r.ctype);
        rg_resp_clear(&r);
        goto out;
    }
    char got[REGISTRY_REF_DIGEST_MAX];
    rg_sha256_hex(r.body.data ? r.body.data : "", r.body.len, got);
    if (r.digest[0] && strcmp(r.digest, got) != 0) {
        char *said = rg_clean_cut(r.digest, 80);
        tt_error_set(err, TT_EPROTO,
                     "%s: refused: the registry says the manifest is %s but the %zu bytes it served "
                     "hash to %s",
                     image, said, r.body.len, got);
        free(said);
        rg_resp_clear(&r);
        goto out;
    }
    snprintf(digest, REGISTRY_REF_DIGEST_MAX, "%s", got);
    rg_resp_clear(&r);
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
        char *im = rg_clean_cut(image, 200);
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
        char *im = rg_clean_cut(repo_s, 200);
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
        if (rg_authed(c, ref.host, api, scope, path, q, &r, err) < 0)
            goto out;
        if (r.status != 200) {
            char *extra = r.status == 404 ? tt_asprintf("no repository %s", repo) : NULL;
            rg_set_http_error(err, &r, repo, extra);
            free(extra);
            rg_resp_clear(&r);
            goto out;
        }
        json_t *j = json_loadb(r.body.data ? r.body.data : "", r.body.len, 0, NULL);
        json_t *arr = json_object_get(j, "tags");
        if (!json_is_object(j) || !(json_is_array(arr) || json_is_null(arr) || !arr)) {
            tt_error_set(err, TT_EPROTO, "%s: the tag list is not {\"tags\": [...]}", repo);
            json_decref(j);
            rg_resp_clear(&r);
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
        rg_resp_clear(&r);
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
            char *base = rg_base_url(c, api);
            size_t bl = strlen(base);
            if (!rg_url_origin(next, s, sizeof s, o, sizeof o) || strncmp(next, base, bl) != 0 ||
                next[bl] != '/') {
                char *u = rg_clean_cut(next, 200);
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
