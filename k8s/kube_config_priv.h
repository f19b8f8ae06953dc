/*
 * What the kubeconfig files of k8s/ share inside the library: the parsed
 * kubeconfig (clusters, users, contexts, the files it came from) and the
 * helpers over it. Not for use outside k8s/.
 */
#ifndef KUBE_CONFIG_PRIV_H
#define KUBE_CONFIG_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "kube_config.h"

typedef struct kcluster {
    char *name;
    char *server;
    char *ca_file;
    char *ca_data;
    char *tls_server_name;
    char *proxy_url;
    bool insecure;
    bool disable_compression;
} kcluster;

typedef struct kuser {
    char *name;
    char *token;
    char *token_file;
    char *cert_file;
    char *cert_data;
    char *key_file;
    char *key_data; /* base64 of a secret */
    char *username;
    char *password;
    kube_exec_config *exec;
} kuser;

struct kube_config {
    kcluster *clusters;
    size_t n_clusters;
    kuser *users;
    size_t n_users;
    kube_context_entry *contexts;
    size_t n_contexts;
    char *current_context;
    char **files;
    size_t n_files;
};

bool kc_empty(const char *s);
void kc_cluster_clear(kcluster *c);
void kc_user_clear(kuser *u);
void kc_context_clear(kube_context_entry *c);
void kc_add_file(kube_config *cfg, const char *name);
/* "a, b" of the files read (for messages). Caller frees. */
char *kc_files_list(const kube_config *cfg);
kcluster *kc_find_cluster(const kube_config *cfg, const char *name);
kuser *kc_find_user(const kube_config *cfg, const char *name);
/* The files kubectl would read, in order: $KUBECONFIG's list (from_env),
 * else ~/.kube/config. Free with kc_free_list. */
char **kc_config_paths(size_t *n, bool *from_env);
void kc_free_list(char **list, size_t n);

#endif
