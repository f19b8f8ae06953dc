/* registry_client: image tags to digests over the registry HTTP API v2 (the
 * OCI distribution spec), with libcurl, without a Docker daemon.
 *
 * Resolving HOST/PATH:TAG:
 *   HEAD /v2/PATH/manifests/TAG with Accept: OCI index, Docker manifest
 *   list v2, Docker manifest v2, OCI manifest; the digest is the answer's
 *   Docker-Content-Digest. Without that header the manifest is fetched and
 *   its bytes hashed (sha256); a Docker-Content-Digest that does not match
 *   the bytes served is refused. A multi-platform tag resolves to the
 *   index's digest (what `docker inspect` RepoDigests gives). A reference
 *   that already holds @sha256: is returned as given, with no request.
 *
 * Auth, as docker and crane do it: anonymous first; on 401 the
 * WWW-Authenticate challenge says how: Bearer (the token dance against
 * realm with service and scope, credentials from docker's config sent to
 * the realm; the token is cached per registry and scope until expires_in)
 * or Basic. Credentials come from $DOCKER_CONFIG/config.json (default
 * ~/.docker/config.json): credHelpers, credsStore (docker-credential-NAME
 * get, the host on stdin) and auths (base64 "auth", "identitytoken").
 * Credentials are never sent to another host than the registry's (or its
 * token realm): redirects are followed by hand and lose them when the host
 * changes. Secrets are never in an error message.
 *
 * Transport: https with the system CAs plus /etc/docker/certs.d/HOST/ca.crt
 * when it exists; a registry on a loopback address may also be plain http
 * (docker's rule: https is tried first). Every request has a connect and a
 * total timeout.
 *
 * Errors (tt_error): code is the HTTP status when the registry answered one
 * (401, 404 ...), reason its own error code ("MANIFEST_UNKNOWN",
 * "NAME_UNKNOWN", "UNAUTHORIZED"), message a sentence naming the image,
 * the registry's message (cleaned for a terminal) and, for 401, where
 * credentials were looked for. A bad reference is TT_EINVAL; an unreachable
 * registry TT_ENET; a timeout TT_ETIMEDOUT; an answer that makes no sense
 * (digest mismatch, no digest) TT_EPROTO.
 *
 * Threads: a client is used by one thread at a time (it keeps a curl handle
 * and the token cache); make one per job thread. registry_resolve blocks
 * (at most a timeout per request: token, HEAD, a GET when needed), so a UI
 * runs it on a job thread:
 *
 *     job thread:  c = registry_client_new(NULL);
 *                  rc = registry_resolve(c, image, &by_digest, &err);
 *                  post {rc, by_digest or err.message} to the UI; free c
 *     UI thread:   registry_client_cancel(c) when the answer is no longer
 *                  wanted (the field changed): the call returns TT_ECANCELED
 *
 * registry_global_init() once before any thread starts. */
#ifndef TTSTUI_REGISTRY_CLIENT_H
#define TTSTUI_REGISTRY_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "registry_ref.h"
#include "tt_common.h"

typedef struct registry_client registry_client;

typedef struct {
    /* Folder holding config.json. NULL: $DOCKER_CONFIG, else ~/.docker. */
    const char *docker_config_dir;
    /* Folder of per-host CA files (HOST/ca.crt). NULL:
     * $TTSTUI_REGISTRY_CERTS_DIR, else /etc/docker/certs.d. */
    const char *certs_dir;
    long connect_timeout_ms; /* 0: 10 s */
    long timeout_ms;         /* whole request; 0: 30 s */
} registry_options;

/* curl_global_init; call once at start-up, before threads. */
void registry_global_init(void);

/* o may be NULL (defaults). Never NULL. */
registry_client *registry_client_new(const registry_options *o);
/* Wipes cached tokens and credentials. NULL is fine. */
void registry_client_free(registry_client *c);

/* Resolves image to "NAME@sha256:HEX" where NAME is image without its tag
 * (as written: "nginx:1.25" gives "nginx@sha256:…"). An image that already
 * holds a digest is returned unchanged. Caller frees *out. 0, or -1 with
 * err (see above). */
int registry_resolve(registry_client *c, const char *image, char **out, tt_error *err);

/* The digest ("sha256:" + 64 hex) a parsed reference's tag points at. */
int registry_resolve_ref(registry_client *c, const registry_ref *ref,
                         char digest[REGISTRY_REF_DIGEST_MAX], tt_error *err);

/* The repository's tags (a repository reference, a tag or digest in it is
 * ignored), following Link pagination, in the registry's order. Caller frees
 * with registry_tags_free. 0, or -1 with err. */
int registry_list_tags(registry_client *c, const char *repo, char ***tags, size_t *n,
                       tt_error *err);
void registry_tags_free(char **tags, size_t n);

/* Stops the client's request in flight and every later one: they fail with
 * TT_ECANCELED (a credential helper already running finishes first, within
 * the timeout). Safe from any thread, e.g. the UI thread while a job thread
 * resolves (the user typed on); the client stays cancelled: free it from
 * the thread that uses it, once its call returned. */
void registry_client_cancel(registry_client *c);

/* How many HTTP requests the client has made (for tests and benchmarks). */
unsigned long registry_client_requests(const registry_client *c);

#endif
