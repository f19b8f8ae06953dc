/*
 * Credentials for one kube_rest_config: static token, token file (re-read
 * each time), client certificate, basic auth, or an exec credential plugin
 * (client.authentication.k8s.io/v1 and v1beta1, e.g. gke-gcloud-auth-plugin).
 *
 * Exec plugins run without a shell (posix_spawnp), with their args and env
 * added to ours, KUBERNETES_EXEC_INFO when provideClusterInfo is set, no
 * stdin unless interactive, a timeout, and their stderr captured for the
 * error message. The ExecCredential is cached until expirationTimestamp.
 * A 401 from the server makes the client call kube_auth_get(force_refresh).
 */
#ifndef KUBE_AUTH_H
#define KUBE_AUTH_H

#include <stdbool.h>

#include "kube_config.h"

typedef struct kube_credential {
    char *token;        /* bearer token or NULL (secret) */
    char *cert_pem;     /* client certificate or NULL */
    size_t cert_pem_len;
    char *key_pem;      /* client key or NULL (secret) */
    size_t key_pem_len;
    char *username;     /* basic auth or NULL */
    char *password;
    long long expires_at; /* unix seconds; 0 = does not expire */
} kube_credential;

typedef struct kube_auth kube_auth;

/* Keeps a private copy of what it needs from rc (rc may be freed after).
 * Never fails; configuration problems surface from kube_auth_get. Caller
 * frees with kube_auth_free (which wipes every secret it held). */
kube_auth *kube_auth_new(const kube_rest_config *rc);
/* How long an exec plugin may run before it is killed (default 30 s;
 * <= 0 restores the default). */
void kube_auth_set_exec_timeout_ms(kube_auth *auth, long long timeout_ms);
/* The credential to use now. Runs the exec plugin when there is no cached
 * credential, it expires within 10 s, or force_refresh; re-reads tokenFile
 * on every call. The pointer stays valid until the next call or
 * kube_auth_free. NULL with err set when the plugin is missing (message
 * carries installHint), fails (exit status and the end of its stderr),
 * times out (TT_ETIMEDOUT), or prints garbage (TT_EPROTO); a failure also
 * drops the cached credential. Messages never contain the credential. */
const kube_credential *kube_auth_get(kube_auth *auth, bool force_refresh, tt_error *err);
/* True when a 401 could be cured by refreshing (exec plugin or token file). */
bool kube_auth_can_refresh(const kube_auth *auth);
void kube_auth_free(kube_auth *auth);

#endif
