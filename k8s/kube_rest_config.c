/*
 * A context of a kubeconfig (or the pod's service account) → the
 * kube_rest_config a client is made from: server, TLS material, token,
 * client certificate or exec credential plugin, namespace.
 */
#include "kube_config_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* ---- rest config ----------------------------------------------------- */

void kube_rest_config_free(kube_rest_config *rc)
{
    if (!rc)
        return;
    free(rc->context_name);
    free(rc->cluster_name);
    free(rc->user_name);
    free(rc->namespace_);
    free(rc->server);
    free(rc->ca_pem);
    free(rc->tls_server_name);
    free(rc->proxy_url);
    tt_free_secret(rc->token);
    free(rc->token_file);
    free(rc->cert_pem);
    if (rc->key_pem) {
        tt_explicit_bzero(rc->key_pem, rc->key_pem_len);
        free(rc->key_pem);
    }
    free(rc->username);
    tt_free_secret(rc->password);
    kube_exec_config_free(rc->exec);
    free(rc);
}

kube_rest_config *kube_rest_config_dup(const kube_rest_config *rc)
{
    if (!rc)
        return NULL;
    kube_rest_config *d = tt_calloc(1, sizeof *d);
    d->context_name = tt_strdup(rc->context_name);
    d->cluster_name = tt_strdup(rc->cluster_name);
    d->user_name = tt_strdup(rc->user_name);
    d->namespace_ = tt_strdup(rc->namespace_);
    d->server = tt_strdup(rc->server);
    d->ca_pem = tt_memdup0(rc->ca_pem, rc->ca_pem_len);
    d->ca_pem_len = rc->ca_pem_len;
    d->insecure_skip_tls_verify = rc->insecure_skip_tls_verify;
    d->tls_server_name = tt_strdup(rc->tls_server_name);
    d->proxy_url = tt_strdup(rc->proxy_url);
    d->disable_compression = rc->disable_compression;
    d->token = tt_strdup(rc->token);
    d->token_file = tt_strdup(rc->token_file);
    d->cert_pem = tt_memdup0(rc->cert_pem, rc->cert_pem_len);
    d->cert_pem_len = rc->cert_pem_len;
    d->key_pem = tt_memdup0(rc->key_pem, rc->key_pem_len);
    d->key_pem_len = rc->key_pem_len;
    d->username = tt_strdup(rc->username);
    d->password = tt_strdup(rc->password);
    d->exec = kube_exec_config_dup(rc->exec);
    d->in_cluster = rc->in_cluster;
    return d;
}

/* Bytes from a *-data field (base64, wins) or a file. what names the
 * owner ("cluster \"x\"", "user \"y\"") and field the kubeconfig key. */
static int load_material(const char *data_b64, const char *file, const char *what,
                         const char *field, char **out, size_t *out_len, tt_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (!kc_empty(data_b64)) {
        size_t n;
        unsigned char *bytes = tt_base64_decode(data_b64, &n);
        if (!bytes) {
            tt_error_set(err, TT_EINVAL, "%s: %s-data is not valid base64", what, field);
            return -1;
        }
        *out = (char *)bytes;
        *out_len = n;
        return 0;
    }
    if (kc_empty(file))
        return 0;
    tt_error e;
    tt_error_clear(&e);
    *out = tt_read_file(file, out_len, 0, &e);
    if (!*out) {
        tt_error_set(err, TT_EIO, "%s: %s: %s", what, field, e.message);
        return -1;
    }
    return 0;
}

static const char *default_ns(const char *override, const char *ctx_ns)
{
    if (!kc_empty(override))
        return override;
    return !kc_empty(ctx_ns) ? ctx_ns : "default";
}

static int fill_cluster(kube_rest_config *rc, const kcluster *c, tt_error *err)
{
    if (kc_empty(c->server)) {
        tt_error_set(err, TT_EINVAL, "cluster \"%s\" (context \"%s\") has no server", c->name,
                     rc->context_name);
        return -1;
    }
    rc->server = tt_strdup(c->server);
    size_t n = strlen(rc->server);
    while (n > 0 && rc->server[n - 1] == '/')
        rc->server[--n] = '\0';
    char what[512];
    snprintf(what, sizeof what, "cluster \"%s\"", c->name);
    if (c->insecure && (!kc_empty(c->ca_data) || !kc_empty(c->ca_file))) {
        /* client-go's TLS config refuses this pair, so kubectl does. */
        tt_error_set(err, TT_EINVAL,
                     "%s: specifying a root certificates file with the insecure flag is not "
                     "allowed (remove certificate-authority%s or insecure-skip-tls-verify)",
                     what, !kc_empty(c->ca_data) ? "-data" : "");
        return -1;
    }
    if (load_material(c->ca_data, c->ca_file, what, "certificate-authority", &rc->ca_pem,
                      &rc->ca_pem_len, err) != 0)
        return -1;
    rc->insecure_skip_tls_verify = c->insecure;
    rc->tls_server_name = tt_strdup(c->tls_server_name);
    rc->proxy_url = tt_strdup(c->proxy_url);
    rc->disable_compression = c->disable_compression;
    return 0;
}

static int fill_user(kube_rest_config *rc, const kuser *u, tt_error *err)
{
    char what[512];
    snprintf(what, sizeof what, "user \"%s\"", u->name);
    if (!kc_empty(u->token))
        rc->token = tt_strdup(u->token);
    else
        rc->token_file = tt_strdup(u->token_file);
    if (load_material(u->cert_data, u->cert_file, what, "client-certificate", &rc->cert_pem,
                      &rc->cert_pem_len, err) != 0 ||
        load_material(u->key_data, u->key_file, what, "client-key", &rc->key_pem,
                      &rc->key_pem_len, err) != 0)
        return -1;
    rc->username = tt_strdup(u->username);
    rc->password = tt_strdup(u->password);
    rc->exec = kube_exec_config_dup(u->exec);
    return 0;
}

kube_rest_config *kube_rest_config_resolve(const kube_config *cfg, const char *context,
                                           const char *namespace_override, tt_error *err)
{
    char *files = kc_files_list(cfg);
    const char *name = !kc_empty(context) ? context : kube_config_current_context(cfg);
    kube_rest_config *rc = NULL;
    if (kc_empty(name)) {
        tt_error_set(err, TT_EINVAL,
                     "no context selected: current-context is not set in %s; pass --context "
                     "or run 'kubectl config use-context <name>'",
                     files);
        goto out;
    }
    const kube_context_entry *ctx = kube_config_find_context(cfg, name);
    if (!ctx) {
        tt_error_set(err, TT_EINVAL, "context \"%s\" not found in %s", name, files);
        goto out;
    }
    if (kc_empty(ctx->cluster)) {
        tt_error_set(err, TT_EINVAL, "context \"%s\" in %s names no cluster", name, files);
        goto out;
    }
    const kcluster *cl = kc_find_cluster(cfg, ctx->cluster);
    if (!cl) {
        tt_error_set(err, TT_EINVAL, "context \"%s\" refers to cluster \"%s\", which is not defined in %s",
                     name, ctx->cluster, files);
        goto out;
    }
    const kuser *us = NULL;
    if (!kc_empty(ctx->user) && !(us = kc_find_user(cfg, ctx->user))) {
        tt_error_set(err, TT_EINVAL, "context \"%s\" refers to user \"%s\", which is not defined in %s",
                     name, ctx->user, files);
        goto out;
    }
    rc = tt_calloc(1, sizeof *rc);
    rc->context_name = tt_strdup(name);
    rc->cluster_name = tt_strdup(cl->name);
    rc->user_name = us ? tt_strdup(us->name) : NULL;
    rc->namespace_ = tt_strdup(default_ns(namespace_override, ctx->namespace_));
    if (fill_cluster(rc, cl, err) != 0 || (us && fill_user(rc, us, err) != 0)) {
        kube_rest_config_free(rc);
        rc = NULL;
    }
out:
    free(files);
    return rc;
}

/* ---- in-cluster -------------------------------------------------------- */

static char *trimmed(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

kube_rest_config *kube_rest_config_in_cluster(const char *sa_dir, tt_error *err)
{
    const char *host = getenv("KUBERNETES_SERVICE_HOST");
    const char *port = getenv("KUBERNETES_SERVICE_PORT");
    if (kc_empty(host) || kc_empty(port)) {
        tt_error_set(err, TT_EINVAL,
                     "not running inside a Kubernetes cluster: KUBERNETES_SERVICE_HOST and "
                     "KUBERNETES_SERVICE_PORT must both be set");
        return NULL;
    }
    if (!sa_dir)
        sa_dir = DEFAULT_SA_DIR;
    kube_rest_config *rc = tt_calloc(1, sizeof *rc);
    rc->in_cluster = true;
    rc->server = strchr(host, ':') ? tt_asprintf("https://[%s]:%s", host, port)
                                   : tt_asprintf("https://%s:%s", host, port);
    rc->token_file = tt_asprintf("%s/token", sa_dir);
    char *ca_path = tt_asprintf("%s/ca.crt", sa_dir);
    char *ns_path = tt_asprintf("%s/namespace", sa_dir);
    tt_error e;
    tt_error_clear(&e);
    /* Read the token once to fail early; it is re-read on every request
     * because the kubelet rotates it. */
    char *token = tt_read_file(rc->token_file, NULL, 1u << 20, &e);
    if (!token) {
        tt_error_set(err, TT_EIO, "in-cluster config: cannot read the service account token (%s)",
                     e.message);
        goto fail;
    }
    tt_free_secret(token);
    rc->ca_pem = tt_read_file(ca_path, &rc->ca_pem_len, 0, &e);
    if (!rc->ca_pem) {
        tt_error_set(err, TT_EIO, "in-cluster config: cannot read the cluster CA (%s)", e.message);
        goto fail;
    }
    char *ns = tt_read_file(ns_path, NULL, 4096, &e);
    if (ns && *trimmed(ns))
        rc->namespace_ = ns;
    else {
        free(ns);
        rc->namespace_ = tt_strdup("default");
    }
    free(ca_path);
    free(ns_path);
    return rc;
fail:
    free(ca_path);
    free(ns_path);
    kube_rest_config_free(rc);
    return NULL;
}

/* ---- default ----------------------------------------------------------- */

kube_rest_config *kube_rest_config_default(const char *explicit_path, const char *context,
                                           const char *namespace_override, tt_error *err)
{
    kube_config *cfg = kube_config_load(explicit_path, err);
    if (!cfg)
        return NULL;
    if (cfg->n_files > 0) {
        kube_rest_config *rc = kube_rest_config_resolve(cfg, context, namespace_override, err);
        kube_config_free(cfg);
        return rc;
    }
    kube_config_free(cfg);
    if (!kc_empty(getenv("KUBERNETES_SERVICE_HOST")) && !kc_empty(getenv("KUBERNETES_SERVICE_PORT"))) {
        if (!kc_empty(context)) {
            tt_error_set(err, TT_EINVAL,
                         "context \"%s\" was asked for, but there is no kubeconfig (only the "
                         "in-cluster service account)",
                         context);
            return NULL;
        }
        kube_rest_config *rc = kube_rest_config_in_cluster(NULL, err);
        if (rc && !kc_empty(namespace_override)) {
            free(rc->namespace_);
            rc->namespace_ = tt_strdup(namespace_override);
        }
        return rc;
    }
    size_t n;
    bool from_env;
    char **paths = kc_config_paths(&n, &from_env);
    tt_buf where = TT_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        tt_buf_printf(&where, "%s%s", i ? ", " : "", paths[i]);
    kc_free_list(paths, n);
    tt_error_set(err, TT_EINVAL,
                 "no Kubernetes configuration found: %s %s does not exist and "
                 "KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not set (not in a cluster). "
                 "Pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config (for GKE: "
                 "gcloud container clusters get-credentials <cluster>)",
                 from_env ? "KUBECONFIG" : "the default kubeconfig",
                 where.len ? where.data : "($HOME is not set)");
    tt_buf_free(&where);
    return NULL;
}
