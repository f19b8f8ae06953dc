#include "registry_dockercfg.h"

#include <ctype.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void wipe_free(char *s)
{
    if (s) {
        tt_explicit_bzero(s, strlen(s));
        free(s);
    }
}

void registry_cred_clear(registry_cred *cred)
{
    if (!cred)
        return;
    wipe_free(cred->username);
    wipe_free(cred->secret);
    free(cred->helper);
    memset(cred, 0, sizeof *cred);
}

static bool is_docker_hub(const char *h, size_t n)
{
    static const char *const names[] = {"docker.io", "index.docker.io", "registry-1.docker.io"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == n && strncmp(h, names[i], n) == 0)
            return true;
    return false;
}

/* Does an auths key ("https://HOST/v1/", "HOST") name host? */
static bool key_matches(const char *key, const char *host)
{
    const char *k = key;
    if (strncmp(k, "https://", 8) == 0)
        k += 8;
    else if (strncmp(k, "http://", 7) == 0)
        k += 7;
    size_t kn = strcspn(k, "/");
    size_t hn = strlen(host);
    if (kn == hn && strncmp(k, host, kn) == 0)
        return true;
    return is_docker_hub(k, kn) && is_docker_hub(host, hn);
}

static bool helper_name_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '.' || *s == '_' || *s == '-'))
            return false;
    return true;
}

static int set_helper(registry_cred *cred, json_t *v, const char *where, tt_error *err)
{
    const char *name = json_string_value(v);
    if (!helper_name_ok(name)) {
        tt_error_set(err, TT_EINVAL, "docker config: %s is not a credential helper name (letters, digits, . _ -)",
                     where);
        return -1;
    }
    cred->kind = REGISTRY_CRED_HELPER;
    cred->helper = tt_strdup(name);
    return 0;
}

static int from_auth_entry(registry_cred *cred, json_t *entry, const char *key, tt_error *err)
{
    if (!json_is_object(entry)) {
        tt_error_set(err, TT_EINVAL, "docker config: auths entry for %s is not an object", key);
        return -1;
    }
    const char *idt = json_string_value(json_object_get(entry, "identitytoken"));
    if (idt && *idt) {
        cred->kind = REGISTRY_CRED_IDENTITY;
        cred->secret = tt_strdup(idt);
        const char *user = json_string_value(json_object_get(entry, "username"));
        cred->username = tt_strdup(user ? user : "");
        return 0;
    }
    const char *auth = json_string_value(json_object_get(entry, "auth"));
    if (auth && *auth) {
        size_t n = 0;
        unsigned char *raw = tt_base64_decode(auth, &n);
        char *colon = raw ? memchr(raw, ':', n) : NULL;
        if (!raw || !colon || colon == (char *)raw || memchr(raw, '\0', n)) {
            if (raw) {
                tt_explicit_bzero(raw, n);
                free(raw);
            }
            /* The value is a secret: name the entry, never the text. */
            tt_error_set(err, TT_EINVAL, "docker config: auths entry for %s: \"auth\" is not base64 of user:password",
                         key);
            return -1;
        }
        size_t un = (size_t)(colon - (char *)raw);
        cred->kind = REGISTRY_CRED_BASIC;
        cred->username = tt_malloc(un + 1);
        memcpy(cred->username, raw, un);
        cred->username[un] = '\0';
        cred->secret = tt_malloc(n - un);
        memcpy(cred->secret, colon + 1, n - un - 1);
        cred->secret[n - un - 1] = '\0';
        tt_explicit_bzero(raw, n);
        free(raw);
        return 0;
    }
    const char *user = json_string_value(json_object_get(entry, "username"));
    const char *pass = json_string_value(json_object_get(entry, "password"));
    if (user && *user && pass) {
        cred->kind = REGISTRY_CRED_BASIC;
        cred->username = tt_strdup(user);
        cred->secret = tt_strdup(pass);
    }
    return 0;
}

int registry_dockercfg_lookup(const char *json_text, const char *host, registry_cred *cred,
                              tt_error *err)
{
    memset(cred, 0, sizeof *cred);
    json_error_t jerr;
    json_t *root = json_loads(json_text ? json_text : "", JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(root)) {
        tt_error_set(err, TT_EINVAL, "docker config: not a JSON object (line %d)", root ? 1 : jerr.line);
        json_decref(root);
        return -1;
    }
    int rc = 0;
    json_t *helpers = json_object_get(root, "credHelpers");
    json_t *h = json_is_object(helpers) ? json_object_get(helpers, host) : NULL;
    if (!h && json_is_object(helpers) && is_docker_hub(host, strlen(host))) {
        const char *k;
        json_t *v;
        json_object_foreach(helpers, k, v) if (key_matches(k, host)) { h = v; break; }
    }
    if (h) {
        rc = set_helper(cred, h, "credHelpers entry", err);
        goto out;
    }
    json_t *store = json_object_get(root, "credsStore");
    if (store && !(json_is_string(store) && json_string_length(store) == 0)) {
        rc = set_helper(cred, store, "credsStore", err);
        goto out;
    }
    json_t *auths = json_object_get(root, "auths");
    if (json_is_object(auths)) {
        json_t *e = json_object_get(auths, host);
        if (!e) {
            const char *k;
            json_t *v;
            json_object_foreach(auths, k, v) if (key_matches(k, host)) { e = v; break; }
        }
        if (e)
            rc = from_auth_entry(cred, e, host, err);
    }
out:
    json_decref(root);
    if (rc != 0)
        registry_cred_clear(cred);
    return rc;
}
