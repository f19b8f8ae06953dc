/* registry_ref: parse an image reference the way docker does.
 *
 *   [HOST[:PORT]/]PATH[:TAG][@sha256:HEX]
 *
 * The first component is a host when it holds a '.' or a ':' or is
 * "localhost"; otherwise the host is docker.io, and a one-component path on
 * docker.io gains "library/". "index.docker.io" is docker.io. The tag
 * defaults to "latest" unless a digest is given. Pure: no I/O. */
#ifndef TTSTUI_REGISTRY_REF_H
#define TTSTUI_REGISTRY_REF_H

#include <stdbool.h>
#include <stddef.h>

#define REGISTRY_REF_MAX 512 /* longest reference accepted */
#define REGISTRY_REF_HOST_MAX 256
#define REGISTRY_REF_PATH_MAX 256
#define REGISTRY_REF_TAG_MAX 128
#define REGISTRY_REF_DIGEST_MAX 72 /* "sha256:" + 64 hex */

typedef struct {
    char host[REGISTRY_REF_HOST_MAX];     /* "docker.io", "127.0.0.1:5000" */
    char path[REGISTRY_REF_PATH_MAX];     /* "library/nginx", "a/b/c" */
    char tag[REGISTRY_REF_TAG_MAX + 1];   /* "" when only a digest was given */
    char digest[REGISTRY_REF_DIGEST_MAX]; /* "" unless "@sha256:..." */
} registry_ref;

/* Parse s into *out. Returns true on success; on failure writes a short
 * sentence saying what is wrong into why (may be NULL) and returns false. */
bool registry_ref_parse(const char *s, registry_ref *out, char *why, size_t why_len);

/* The registry's API host: docker.io is served by registry-1.docker.io. */
const char *registry_ref_api_host(const registry_ref *r);

/* True when host (with or without port) is a loopback address, where docker
 * allows plain http. */
bool registry_host_is_loopback(const char *host);

/* "HOST/PATH" into buf; returns buf or NULL when it does not fit. */
char *registry_ref_repo(const registry_ref *r, char *buf, size_t len);

#endif
