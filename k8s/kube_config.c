/*
 * kubeconfig: the parsed files merged as kubectl merges them ($KUBECONFIG's
 * list, else ~/.kube/config), freeing, and the accessors. The YAML walk is
 * kube_config_parse.c; turning a context into what a client needs is
 * kube_rest_config.c.
 */
#include "kube_config_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KUBECONFIG_MAX_SIZE (16u << 20)

/* ---- small helpers -------------------------------------------------- */

void kc_cluster_clear(kcluster *c)
{
    free(c->name);
    free(c->server);
    free(c->ca_file);
    free(c->ca_data);
    free(c->tls_server_name);
    free(c->proxy_url);
    memset(c, 0, sizeof *c);
}

void kc_user_clear(kuser *u)
{
    free(u->name);
    tt_free_secret(u->token);
    free(u->token_file);
    free(u->cert_file);
    free(u->cert_data);
    free(u->key_file);
    tt_free_secret(u->key_data);
    free(u->username);
    tt_free_secret(u->password);
    kube_exec_config_free(u->exec);
    memset(u, 0, sizeof *u);
}

void kc_context_clear(kube_context_entry *c)
{
    free(c->name);
    free(c->cluster);
    free(c->user);
    free(c->namespace_);
    memset(c, 0, sizeof *c);
}

void kube_exec_config_free(kube_exec_config *e)
{
    if (!e)
        return;
    free(e->command);
    for (size_t i = 0; i < e->n_args; i++)
        free(e->args[i]);
    free(e->args);
    for (size_t i = 0; i < e->n_env; i++) {
        free(e->env_names[i]);
        tt_free_secret(e->env_values[i]); /* env often carries secrets */
    }
    free(e->env_names);
    free(e->env_values);
    free(e->api_version);
    free(e->install_hint);
    free(e->interactive_mode);
    free(e);
}

kube_exec_config *kube_exec_config_dup(const kube_exec_config *e)
{
    if (!e)
        return NULL;
    kube_exec_config *d = tt_calloc(1, sizeof *d);
    d->command = tt_strdup(e->command);
    d->n_args = e->n_args;
    d->args = tt_calloc(e->n_args + 1, sizeof *d->args);
    for (size_t i = 0; i < e->n_args; i++)
        d->args[i] = tt_strdup(e->args[i]);
    d->n_env = e->n_env;
    d->env_names = tt_calloc(e->n_env + 1, sizeof *d->env_names);
    d->env_values = tt_calloc(e->n_env + 1, sizeof *d->env_values);
    for (size_t i = 0; i < e->n_env; i++) {
        d->env_names[i] = tt_strdup(e->env_names[i]);
        d->env_values[i] = tt_strdup(e->env_values[i]);
    }
    d->api_version = tt_strdup(e->api_version);
    d->install_hint = tt_strdup(e->install_hint);
    d->provide_cluster_info = e->provide_cluster_info;
    d->interactive_mode = tt_strdup(e->interactive_mode);
    return d;
}

void kube_config_free(kube_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->n_clusters; i++)
        kc_cluster_clear(&cfg->clusters[i]);
    for (size_t i = 0; i < cfg->n_users; i++)
        kc_user_clear(&cfg->users[i]);
    for (size_t i = 0; i < cfg->n_contexts; i++)
        kc_context_clear(&cfg->contexts[i]);
    free(cfg->clusters);
    free(cfg->users);
    free(cfg->contexts);
    free(cfg->current_context);
    for (size_t i = 0; i < cfg->n_files; i++)
        free(cfg->files[i]);
    free(cfg->files);
    free(cfg);
}

bool kc_empty(const char *s)
{
    return !s || !*s;
}

/* A path from the file at base_dir; absolute paths stay as they are. */


void kc_add_file(kube_config *cfg, const char *name)
{
    cfg->files = tt_realloc(cfg->files, (cfg->n_files + 1) * sizeof *cfg->files);
    cfg->files[cfg->n_files++] = tt_strdup(name);
}

char *kc_files_list(const kube_config *cfg)
{
    if (!cfg || cfg->n_files == 0)
        return tt_strdup("(no kubeconfig file)");
    tt_buf b = TT_BUF_INIT;
    for (size_t i = 0; i < cfg->n_files; i++) {
        if (i)
            tt_buf_puts(&b, ", ");
        tt_buf_puts(&b, cfg->files[i]);
    }
    return tt_buf_steal(&b);
}

kcluster *kc_find_cluster(const kube_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_clusters; i++)
        if (tt_streq(cfg->clusters[i].name, name))
            return &cfg->clusters[i];
    return NULL;
}

kuser *kc_find_user(const kube_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_users; i++)
        if (tt_streq(cfg->users[i].name, name))
            return &cfg->users[i];
    return NULL;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return tt_strdup(".");
    if (slash == path)
        return tt_strdup("/");
    return tt_strndup(path, (size_t)(slash - path));
}

/* ---- loading and merging --------------------------------------------- */

/* Moves what dst lacks from src (first file wins), then frees src. */
static void merge_into(kube_config *dst, kube_config *src)
{
    dst->clusters = tt_realloc(dst->clusters, (dst->n_clusters + src->n_clusters + 1) * sizeof *dst->clusters);
    for (size_t i = 0; i < src->n_clusters; i++) {
        if (kc_find_cluster(dst, src->clusters[i].name))
            continue;
        dst->clusters[dst->n_clusters++] = src->clusters[i];
        memset(&src->clusters[i], 0, sizeof src->clusters[i]);
    }
    dst->users = tt_realloc(dst->users, (dst->n_users + src->n_users + 1) * sizeof *dst->users);
    for (size_t i = 0; i < src->n_users; i++) {
        if (kc_find_user(dst, src->users[i].name))
            continue;
        dst->users[dst->n_users++] = src->users[i];
        memset(&src->users[i], 0, sizeof src->users[i]);
    }
    dst->contexts = tt_realloc(dst->contexts, (dst->n_contexts + src->n_contexts + 1) * sizeof *dst->contexts);
    for (size_t i = 0; i < src->n_contexts; i++) {
        if (kube_config_find_context(dst, src->contexts[i].name))
            continue;
        dst->contexts[dst->n_contexts++] = src->contexts[i];
        memset(&src->contexts[i], 0, sizeof src->contexts[i]);
    }
    if (!dst->current_context && src->current_context) {
        dst->current_context = src->current_context;
        src->current_context = NULL;
    }
    for (size_t i = 0; i < src->n_files; i++)
        kc_add_file(dst, src->files[i]);
    kube_config_free(src);
}

/* 1 loaded into *out, 0 missing (skipped), -1 error. */
static int load_one(const char *path, kube_config **out, tt_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT)
        return 0;
    size_t len;
    char *data = tt_read_file(path, &len, KUBECONFIG_MAX_SIZE, err);
    if (!data) {
        tt_error_prefix(err, "cannot load kubeconfig");
        return -1;
    }
    char *dir = dir_of(path);
    *out = kube_config_parse(data, len, path, dir, err);
    free(dir);
    tt_explicit_bzero(data, len); /* the file may hold tokens and keys */
    free(data);
    return *out ? 1 : -1;
}

char **kc_config_paths(size_t *n, bool *from_env)
{
    char **list = NULL;
    *n = 0;
    const char *env = getenv("KUBECONFIG");
    *from_env = !kc_empty(env);
    if (*from_env) {
        char *copy = tt_strdup(env), *save = NULL;
        for (char *tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
            bool dup = false;
            for (size_t i = 0; i < *n; i++)
                dup = dup || strcmp(list[i], tok) == 0;
            if (dup)
                continue;
            list = tt_realloc(list, (*n + 1) * sizeof *list);
            list[(*n)++] = tt_strdup(tok);
        }
        free(copy);
        return list;
    }
    const char *home = getenv("HOME");
    if (!kc_empty(home)) {
        list = tt_malloc(sizeof *list);
        list[(*n)++] = tt_asprintf("%s/.kube/config", home);
    }
    return list;
}

void kc_free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

kube_config *kube_config_load(const char *explicit_path, tt_error *err)
{
    if (!kc_empty(explicit_path)) {
        kube_config *cfg = NULL;
        int rc = load_one(explicit_path, &cfg, err);
        if (rc == 0)
            tt_error_set(err, TT_EINVAL, "kubeconfig %s (given with --kubeconfig) does not exist",
                         explicit_path);
        return rc == 1 ? cfg : NULL;
    }
    size_t n;
    bool from_env;
    char **paths = kc_config_paths(&n, &from_env);
    kube_config *merged = tt_calloc(1, sizeof *merged);
    for (size_t i = 0; i < n; i++) {
        kube_config *one = NULL;
        int rc = load_one(paths[i], &one, err);
        if (rc < 0) {
            kube_config_free(merged);
            merged = NULL;
            break;
        }
        if (rc == 1)
            merge_into(merged, one);
    }
    kc_free_list(paths, n);
    return merged;
}

/* ---- accessors ------------------------------------------------------- */

const char *kube_config_current_context(const kube_config *cfg)
{
    return cfg ? cfg->current_context : NULL;
}

size_t kube_config_context_count(const kube_config *cfg)
{
    return cfg ? cfg->n_contexts : 0;
}

const kube_context_entry *kube_config_context_at(const kube_config *cfg, size_t i)
{
    return cfg && i < cfg->n_contexts ? &cfg->contexts[i] : NULL;
}

const kube_context_entry *kube_config_find_context(const kube_config *cfg, const char *name)
{
    if (!cfg || !name)
        return NULL;
    for (size_t i = 0; i < cfg->n_contexts; i++)
        if (tt_streq(cfg->contexts[i].name, name))
            return &cfg->contexts[i];
    return NULL;
}

size_t kube_config_file_count(const kube_config *cfg)
{
    return cfg ? cfg->n_files : 0;
}

const char *kube_config_file_at(const kube_config *cfg, size_t i)
{
    return cfg && i < cfg->n_files ? cfg->files[i] : NULL;
}
