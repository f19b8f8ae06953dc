/* registry_challenge: parse a WWW-Authenticate header (RFC 7235) into its
 * challenges, e.g.
 *   Bearer realm="https://auth.example/token",service="reg",scope="a:b:pull", Basic realm="x"
 * Values may be quoted (with commas and backslash escapes inside) or bare
 * tokens. Unknown parameters are skipped. A challenge whose scheme or a known
 * parameter is malformed or too long is dropped, never truncated. Pure. */
#ifndef TTSTUI_REGISTRY_CHALLENGE_H
#define TTSTUI_REGISTRY_CHALLENGE_H

#include <stddef.h>

#define REGISTRY_CHALLENGES_MAX 8

typedef struct {
    char scheme[16]; /* lowercased: "bearer", "basic" */
    char realm[512];
    char service[256];
    char scope[512];
    char error[64]; /* e.g. "insufficient_scope" */
} registry_challenge;

/* Parses hdr into out[0..max). Returns the number of well-formed challenges. */
int registry_challenges_parse(const char *hdr, registry_challenge *out, int max);

#endif
