/*
 * What the files of the registry client share (not for use outside
 * registry/): the client's state (hosts, credentials, cached tokens), one
 * HTTP exchange, and the helpers the HTTP, auth and resolve parts call
 * across files.
 */
#ifndef REGISTRY_PRIV_H
#define REGISTRY_PRIV_H

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
    long token_min_ttl; /* seconds: TOKEN_MIN_TTL, or $TTSTUI_REGISTRY_TOKEN_MIN_TTL */
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

typedef struct {
    const char *method; /* "HEAD", "GET", "POST" */
    const char *accept;
    const char *auth;   /* Authorization value, or NULL */
    const char *post;   /* form body for POST */
    size_t max_body;
} req;

void rg_resp_clear(resp *r);
host_entry *rg_host_get(registry_client *c, const char *host);
char *rg_clean_cut(const char *s, size_t max);
bool rg_digest_ok(const char *s);
void rg_sha256_hex(const void *data, size_t len, char out[REGISTRY_REF_DIGEST_MAX]);
bool rg_url_origin(const char *url, char *scheme, size_t sl, char *host, size_t hl);
int rg_http_do(registry_client *c, const char *url0, const req *q, resp *r, tt_error *err);
char *rg_base_url(registry_client *c, const char *api_host);
int rg_http_registry(registry_client *c, const char *api_host, const char *path,
                         const req *q, resp *r, tt_error *err);
void rg_registry_error_body(const resp *r, char *code, size_t cl, char **msg);
void rg_set_http_error(tt_error *err, const resp *r, const char *what, const char *extra);
int rg_authed(registry_client *c, const char *host, const char *api_host, const char *scope,
                  const char *path, req q, resp *r, tt_error *err);

#endif
