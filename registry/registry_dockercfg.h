/* registry_dockercfg: which credentials docker's config.json gives a
 * registry host, as the docker CLI decides:
 *   1. credHelpers[HOST]  -> run docker-credential-NAME
 *   2. credsStore         -> run docker-credential-NAME (wins over auths)
 *   3. auths[HOST]        -> base64 "user:password" in "auth", or
 *                            "identitytoken" (an OAuth refresh token)
 * auths keys match with or without scheme and path ("https://HOST/v1/");
 * Docker Hub (docker.io) is stored as "https://index.docker.io/v1/".
 * Pure: the caller reads the file and runs helpers. The result holds
 * secrets: never print it; registry_cred_clear wipes it. */
#ifndef TTSTUI_REGISTRY_DOCKERCFG_H
#define TTSTUI_REGISTRY_DOCKERCFG_H

#include <stddef.h>

#include "tt_common.h"

typedef enum {
    REGISTRY_CRED_NONE,     /* anonymous */
    REGISTRY_CRED_BASIC,    /* username + secret (password) */
    REGISTRY_CRED_IDENTITY, /* secret is an identity (refresh) token */
    REGISTRY_CRED_HELPER,   /* helper names docker-credential-<helper> */
} registry_cred_kind;

typedef struct {
    registry_cred_kind kind;
    char *username;
    char *secret;
    char *helper;
} registry_cred;

/* Looks host ("docker.io", "127.0.0.1:5000") up in config JSON text.
 * Returns 0 (cred filled, possibly NONE) or -1 with err set when the text
 * is not a JSON object or an entry for host is malformed (bad base64, no
 * ':' in auth, a helper name that is not [A-Za-z0-9._-]+). */
int registry_dockercfg_lookup(const char *json_text, const char *host, registry_cred *cred,
                              tt_error *err);

void registry_cred_clear(registry_cred *cred);

#endif
