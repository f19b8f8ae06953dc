/*
 * kubeconfig loading, merging and resolution, as kubectl does it.
 *
 * Loading: an explicit path (--kubeconfig) loads exactly that file;
 * otherwise $KUBECONFIG (colon-separated, missing files skipped) is merged
 * with kubectl's rules (each named cluster/user/context comes whole from
 * the first file that defines it; current-context from the first file that
 * sets it); otherwise ~/.kube/config. Relative paths inside a file
 * (certificate-authority, client-certificate, client-key, tokenFile,
 * exec.command when it contains a slash) resolve against that file's
 * folder.
 *
 * Resolution turns one context into a kube_rest_config: everything a client
 * needs to talk to that cluster, with file contents read and *-data fields
 * base64-decoded ("-data" wins over the file; token wins over tokenFile).
 */
#ifndef KUBE_CONFIG_H
#define KUBE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "tt_common.h"

typedef struct kube_exec_config {
    char *command;
    char **args;
    size_t n_args;
    char **env_names; /* parallel to env_values */
    char **env_values;
    size_t n_env;
    char *api_version;      /* client.authentication.k8s.io/v1 or v1beta1 */
    char *install_hint;
    bool provide_cluster_info;
    char *interactive_mode; /* Never | IfAvailable | Always, may be NULL */
} kube_exec_config;

/* Deep copy (NULL in, NULL out); caller frees with kube_exec_config_free,
 * which also wipes the env values (they often hold secrets). */
kube_exec_config *kube_exec_config_dup(const kube_exec_config *e);
void kube_exec_config_free(kube_exec_config *e);

typedef struct kube_context_entry {
    char *name;
    char *cluster;
    char *user;
    char *namespace_;
} kube_context_entry;

typedef struct kube_config kube_config; /* opaque */

/* explicit_path: the --kubeconfig value or NULL. Returns NULL with err set
 * (naming the file and, for YAML errors, line and column). A config with no
 * file at all is not an error here: it is empty (no contexts, file count 0).
 * A missing explicit file is an error. Within one file as across files the
 * first entry of a name wins. Caller frees with kube_config_free. */
kube_config *kube_config_load(const char *explicit_path, tt_error *err);
/* Parses one document; base_dir resolves relative paths (NULL = cwd).
 * source_name is used in error messages and becomes the one entry of the
 * file list (NULL: "kubeconfig", no file entry). Safe on arbitrary bytes.
 * Empty input gives an empty config. For tests and fuzzing. */
kube_config *kube_config_parse(const char *yaml, size_t len, const char *source_name,
                               const char *base_dir, tt_error *err);
void kube_config_free(kube_config *cfg);

const char *kube_config_current_context(const kube_config *cfg); /* may be NULL */
size_t kube_config_context_count(const kube_config *cfg);
const kube_context_entry *kube_config_context_at(const kube_config *cfg, size_t i);
const kube_context_entry *kube_config_find_context(const kube_config *cfg, const char *name);
/* Files that contributed, in order (for messages). */
size_t kube_config_file_count(const kube_config *cfg);
const char *kube_config_file_at(const kube_config *cfg, size_t i);

typedef struct kube_rest_config {
    char *context_name; /* NULL for in-cluster */
    char *cluster_name;
    char *user_name;
    char *namespace_;   /* never NULL: override, context namespace, or "default" */

    char *server;       /* https://host:port or http://host:port, no trailing slash */
    char *ca_pem;       /* CA bundle bytes, NULL = system roots */
    size_t ca_pem_len;
    bool insecure_skip_tls_verify;
    char *tls_server_name;
    char *proxy_url;
    bool disable_compression;

    char *token;        /* static bearer token (secret) */
    char *token_file;   /* re-read on each credential request when no token */
    char *cert_pem;     /* client certificate bytes (secret-free) */
    size_t cert_pem_len;
    char *key_pem;      /* client key bytes (secret) */
    size_t key_pem_len;
    char *username;
    char *password;     /* secret */
    kube_exec_config *exec; /* owned copy, NULL if none */

    bool in_cluster;
} kube_rest_config;

/* context NULL = current-context; namespace_override NULL = context's.
 * Reads the CA/certificate/key files and decodes *-data now (errors name
 * the cluster or user and the field); tokenFile is only recorded. Caller
 * frees with kube_rest_config_free (which wipes the secrets). */
kube_rest_config *kube_rest_config_resolve(const kube_config *cfg, const char *context,
                                           const char *namespace_override, tt_error *err);
/* In-cluster config from KUBERNETES_SERVICE_HOST/PORT and the service
 * account folder (sa_dir NULL = /var/run/secrets/kubernetes.io/serviceaccount):
 * token_file = <sa_dir>/token (checked now, re-read per request), ca.crt
 * (required), namespace (else "default"). Caller frees. */
kube_rest_config *kube_rest_config_in_cluster(const char *sa_dir, tt_error *err);
/* What the CLI and TUI call: kubeconfig if one exists, else in-cluster when
 * its variables are set, else a clear error saying where it looked. */
kube_rest_config *kube_rest_config_default(const char *explicit_path, const char *context,
                                           const char *namespace_override, tt_error *err);
kube_rest_config *kube_rest_config_dup(const kube_rest_config *rc);
void kube_rest_config_free(kube_rest_config *rc);

#endif
