/*
 * kubeconfig: libyaml document API in, kube_config / kube_rest_config out.
 *
 * The walk over the YAML tree is fixed-depth (top level, the three lists,
 * their entries, exec and its lists), never a general recursion, so alias
 * cycles and deep nesting in hostile input cannot hurt us.
 */
#include "kube_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#define KUBECONFIG_MAX_SIZE (16u << 20)
#define KUBECONFIG_MAX_DEPTH 64
#define DEFAULT_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

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

/* ---- small helpers -------------------------------------------------- */

static void cluster_clear(kcluster *c)
{
    free(c->name);
    free(c->server);
    free(c->ca_file);
    free(c->ca_data);
    free(c->tls_server_name);
    free(c->proxy_url);
    memset(c, 0, sizeof *c);
}

static void user_clear(kuser *u)
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

static void context_clear(kube_context_entry *c)
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
        cluster_clear(&cfg->clusters[i]);
    for (size_t i = 0; i < cfg->n_users; i++)
        user_clear(&cfg->users[i]);
    for (size_t i = 0; i < cfg->n_contexts; i++)
        context_clear(&cfg->contexts[i]);
    free(cfg->clusters);
    free(cfg->users);
    free(cfg->contexts);
    free(cfg->current_context);
    for (size_t i = 0; i < cfg->n_files; i++)
        free(cfg->files[i]);
    free(cfg->files);
    free(cfg);
}

static bool empty(const char *s)
{
    return !s || !*s;
}

/* A path from the file at base_dir; absolute paths stay as they are. */
static char *resolve_path(const char *base_dir, const char *p)
{
    if (empty(p))
        return NULL;
    if (p[0] == '/' || empty(base_dir))
        return tt_strdup(p);
    return tt_asprintf("%s/%s", base_dir, p);
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

static void add_file(kube_config *cfg, const char *name)
{
    cfg->files = tt_realloc(cfg->files, (cfg->n_files + 1) * sizeof *cfg->files);
    cfg->files[cfg->n_files++] = tt_strdup(name);
}

static char *files_list(const kube_config *cfg)
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

static kcluster *find_cluster(const kube_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_clusters; i++)
        if (tt_streq(cfg->clusters[i].name, name))
            return &cfg->clusters[i];
    return NULL;
}

static kuser *find_user(const kube_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_users; i++)
        if (tt_streq(cfg->users[i].name, name))
            return &cfg->users[i];
    return NULL;
}

/* ---- the YAML walk --------------------------------------------------- */

typedef struct ywalk {
    yaml_document_t *doc;
    const char *src;      /* file name for messages */
    const char *base_dir; /* for relative paths */
    tt_error *err;
} ywalk;

static yaml_node_t *ynode(const ywalk *w, int idx)
{
    return yaml_document_get_node(w->doc, idx);
}

static bool y_is_null(const yaml_node_t *n)
{
    if (!n)
        return true;
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    return len == 0 || (len == 1 && v[0] == '~') ||
           (len == 4 && (!memcmp(v, "null", 4) || !memcmp(v, "Null", 4) || !memcmp(v, "NULL", 4)));
}

static const char *y_kind(const yaml_node_t *n)
{
    switch (n ? n->type : YAML_NO_NODE) {
    case YAML_SCALAR_NODE:
        return "a string";
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_MAPPING_NODE:
        return "a mapping";
    default:
        return "nothing";
    }
}

static int y_type_error(const ywalk *w, const yaml_node_t *n, const char *field, const char *want)
{
    tt_error_set(w->err, TT_EINVAL, "%s: line %lu: %s must be %s, not %s", w->src,
                 (unsigned long)n->start_mark.line + 1, field, want, y_kind(n));
    return -1;
}

/* The value for key in a mapping node, or NULL (first match wins). */
static yaml_node_t *y_get(const ywalk *w, const yaml_node_t *map, const char *key)
{
    size_t klen = strlen(key);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = ynode(w, p->key);
        if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == klen &&
            memcmp(k->data.scalar.value, key, klen) == 0)
            return ynode(w, p->value);
    }
    return NULL;
}

/* Optional string field: absent or null leaves *out NULL. */
static int y_str(const ywalk *w, const yaml_node_t *map, const char *key, const char *path,
                 char **out)
{
    yaml_node_t *n = y_get(w, map, key);
    if (y_is_null(n))
        return 0;
    if (n->type != YAML_SCALAR_NODE) {
        char field[512];
        snprintf(field, sizeof field, "%s.%s", path, key);
        return y_type_error(w, n, field, "a string");
    }
    free(*out);
    *out = tt_strndup((const char *)n->data.scalar.value, n->data.scalar.length);
    return 0;
}

static int y_path(const ywalk *w, const yaml_node_t *map, const char *key, const char *path,
                  char **out)
{
    char *raw = NULL;
    if (y_str(w, map, key, path, &raw) != 0)
        return -1;
    *out = resolve_path(w->base_dir, raw);
    free(raw);
    return 0;
}

static int y_bool(const ywalk *w, const yaml_node_t *map, const char *key, const char *path,
                  bool *out)
{
    yaml_node_t *n = y_get(w, map, key);
    if (y_is_null(n))
        return 0;
    if (n->type == YAML_SCALAR_NODE) {
        static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
        static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
        const char *v = (const char *)n->data.scalar.value;
        size_t len = n->data.scalar.length;
        for (size_t i = 0; i < TT_ARRAY_LEN(yes); i++) {
            if (strlen(yes[i]) == len && memcmp(yes[i], v, len) == 0) {
                *out = true;
                return 0;
            }
            if (strlen(no[i]) == len && memcmp(no[i], v, len) == 0) {
                *out = false;
                return 0;
            }
        }
    }
    if (n->type == YAML_SCALAR_NODE) {
        tt_error_set(w->err, TT_EINVAL, "%s: line %lu: %s.%s must be true or false, not \"%.40s\"",
                     w->src, (unsigned long)n->start_mark.line + 1, path, key,
                     (const char *)n->data.scalar.value);
        return -1;
    }
    char field[512];
    snprintf(field, sizeof field, "%s.%s", path, key);
    return y_type_error(w, n, field, "true or false");
}

/* A sub-mapping; absent or null gives *out NULL. */
static int y_map(const ywalk *w, const yaml_node_t *map, const char *key, const char *path,
                 yaml_node_t **out)
{
    yaml_node_t *n = y_get(w, map, key);
    *out = NULL;
    if (y_is_null(n))
        return 0;
    if (n->type != YAML_MAPPING_NODE) {
        char field[512];
        snprintf(field, sizeof field, "%s.%s", path, key);
        return y_type_error(w, n, field, "a mapping");
    }
    *out = n;
    return 0;
}

static int y_list(const ywalk *w, const yaml_node_t *map, const char *key, const char *path,
                  yaml_node_t **out)
{
    yaml_node_t *n = y_get(w, map, key);
    *out = NULL;
    if (y_is_null(n))
        return 0;
    if (n->type != YAML_SEQUENCE_NODE) {
        char field[512];
        snprintf(field, sizeof field, "%s%s%s", path, *path ? "." : "", key);
        return y_type_error(w, n, field, "a list");
    }
    *out = n;
    return 0;
}

/* Each list item must be a mapping with a name; body is its `inner` mapping. */
static int y_named_entry(const ywalk *w, yaml_node_t *item, const char *list, size_t idx,
                         const char *inner, char **name, yaml_node_t **body, char *path,
                         size_t path_size)
{
    snprintf(path, path_size, "%s[%zu]", list, idx);
    if (!item || item->type != YAML_MAPPING_NODE)
        return item ? y_type_error(w, item, path, "a mapping") : -1;
    if (y_str(w, item, "name", path, name) != 0)
        return -1;
    if (empty(*name)) {
        tt_error_set(w->err, TT_EINVAL, "%s: line %lu: %s has no name", w->src,
                     (unsigned long)item->start_mark.line + 1, path);
        return -1;
    }
    char named[512];
    snprintf(named, sizeof named, "%s (\"%s\")", path, *name);
    if (y_map(w, item, inner, named, body) != 0)
        return -1;
    snprintf(path, path_size, "%s.%s", named, inner);
    return 0;
}

static int parse_cluster(const ywalk *w, const yaml_node_t *b, const char *p, kcluster *c)
{
    if (!b)
        return 0;
    if (y_str(w, b, "server", p, &c->server) || y_path(w, b, "certificate-authority", p, &c->ca_file) ||
        y_str(w, b, "certificate-authority-data", p, &c->ca_data) ||
        y_bool(w, b, "insecure-skip-tls-verify", p, &c->insecure) ||
        y_str(w, b, "tls-server-name", p, &c->tls_server_name) ||
        y_str(w, b, "proxy-url", p, &c->proxy_url) ||
        y_bool(w, b, "disable-compression", p, &c->disable_compression))
        return -1;
    return 0;
}

static int parse_exec_env(const ywalk *w, const yaml_node_t *list, const char *p,
                          kube_exec_config *e)
{
    size_t n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    e->env_names = tt_calloc(n + 1, sizeof *e->env_names);
    e->env_values = tt_calloc(n + 1, sizeof *e->env_values);
    for (size_t i = 0; i < n; i++) {
        char ip[512];
        snprintf(ip, sizeof ip, "%s.env[%zu]", p, i);
        yaml_node_t *item = ynode(w, list->data.sequence.items.start[i]);
        if (!item || item->type != YAML_MAPPING_NODE)
            return item ? y_type_error(w, item, ip, "a mapping with name and value") : -1;
        char *name = NULL, *value = NULL;
        if (y_str(w, item, "name", ip, &name) || y_str(w, item, "value", ip, &value)) {
            free(name);
            tt_free_secret(value);
            return -1;
        }
        if (empty(name)) {
            free(name);
            tt_free_secret(value);
            tt_error_set(w->err, TT_EINVAL, "%s: %s has no name", w->src, ip);
            return -1;
        }
        e->env_names[e->n_env] = name;
        e->env_values[e->n_env++] = value ? value : tt_strdup("");
    }
    return 0;
}

static int parse_exec(const ywalk *w, const yaml_node_t *b, const char *p, kube_exec_config *e)
{
    char *cmd = NULL;
    if (y_str(w, b, "command", p, &cmd) || y_str(w, b, "apiVersion", p, &e->api_version) ||
        y_str(w, b, "installHint", p, &e->install_hint) ||
        y_bool(w, b, "provideClusterInfo", p, &e->provide_cluster_info) ||
        y_str(w, b, "interactiveMode", p, &e->interactive_mode)) {
        free(cmd);
        return -1;
    }
    /* A command with a slash is a path, relative to the file; a bare name
     * is looked up on PATH when it runs. */
    if (cmd && strchr(cmd, '/')) {
        e->command = resolve_path(w->base_dir, cmd);
        free(cmd);
    } else {
        e->command = cmd;
    }
    yaml_node_t *args, *env;
    if (y_list(w, b, "args", p, &args) || y_list(w, b, "env", p, &env))
        return -1;
    if (args) {
        size_t n = (size_t)(args->data.sequence.items.top - args->data.sequence.items.start);
        e->args = tt_calloc(n + 1, sizeof *e->args);
        for (size_t i = 0; i < n; i++) {
            yaml_node_t *a = ynode(w, args->data.sequence.items.start[i]);
            if (y_is_null(a)) {
                e->args[e->n_args++] = tt_strdup("");
                continue;
            }
            if (a->type != YAML_SCALAR_NODE) {
                char ip[512];
                snprintf(ip, sizeof ip, "%s.args[%zu]", p, i);
                return y_type_error(w, a, ip, "a string");
            }
            e->args[e->n_args++] = tt_strndup((const char *)a->data.scalar.value, a->data.scalar.length);
        }
    }
    if (env && parse_exec_env(w, env, p, e) != 0)
        return -1;
    return 0;
}

static int parse_user(const ywalk *w, const yaml_node_t *b, const char *p, kuser *u)
{
    if (!b)
        return 0;
    yaml_node_t *exec;
    if (y_str(w, b, "token", p, &u->token) || y_path(w, b, "tokenFile", p, &u->token_file) ||
        y_path(w, b, "client-certificate", p, &u->cert_file) ||
        y_str(w, b, "client-certificate-data", p, &u->cert_data) ||
        y_path(w, b, "client-key", p, &u->key_file) ||
        y_str(w, b, "client-key-data", p, &u->key_data) ||
        y_str(w, b, "username", p, &u->username) || y_str(w, b, "password", p, &u->password) ||
        y_map(w, b, "exec", p, &exec))
        return -1;
    if (exec) {
        char ep[512];
        snprintf(ep, sizeof ep, "%s.exec", p);
        u->exec = tt_calloc(1, sizeof *u->exec);
        if (parse_exec(w, exec, ep, u->exec) != 0)
            return -1;
    }
    return 0;
}

static int parse_context(const ywalk *w, const yaml_node_t *b, const char *p,
                         kube_context_entry *c)
{
    if (!b)
        return 0;
    if (y_str(w, b, "cluster", p, &c->cluster) || y_str(w, b, "user", p, &c->user) ||
        y_str(w, b, "namespace", p, &c->namespace_))
        return -1;
    return 0;
}

static size_t seq_len(const yaml_node_t *n)
{
    return n ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start) : 0;
}

/* Within one file the first entry of a name wins, as across files. */
static int parse_clusters(const ywalk *w, kube_config *cfg, const yaml_node_t *list)
{
    size_t n = seq_len(list);
    cfg->clusters = tt_calloc(n + 1, sizeof *cfg->clusters);
    for (size_t i = 0; i < n; i++) {
        kcluster c = {0};
        yaml_node_t *body;
        char path[512];
        if (y_named_entry(w, ynode(w, list->data.sequence.items.start[i]), "clusters", i,
                          "cluster", &c.name, &body, path, sizeof path) != 0 ||
            parse_cluster(w, body, path, &c) != 0) {
            cluster_clear(&c);
            return -1;
        }
        if (find_cluster(cfg, c.name))
            cluster_clear(&c);
        else
            cfg->clusters[cfg->n_clusters++] = c;
    }
    return 0;
}

static int parse_users(const ywalk *w, kube_config *cfg, const yaml_node_t *list)
{
    size_t n = seq_len(list);
    cfg->users = tt_calloc(n + 1, sizeof *cfg->users);
    for (size_t i = 0; i < n; i++) {
        kuser u = {0};
        yaml_node_t *body;
        char path[512];
        if (y_named_entry(w, ynode(w, list->data.sequence.items.start[i]), "users", i, "user",
                          &u.name, &body, path, sizeof path) != 0 ||
            parse_user(w, body, path, &u) != 0) {
            user_clear(&u);
            return -1;
        }
        if (find_user(cfg, u.name))
            user_clear(&u);
        else
            cfg->users[cfg->n_users++] = u;
    }
    return 0;
}

static int parse_contexts(const ywalk *w, kube_config *cfg, const yaml_node_t *list)
{
    size_t n = seq_len(list);
    cfg->contexts = tt_calloc(n + 1, sizeof *cfg->contexts);
    for (size_t i = 0; i < n; i++) {
        kube_context_entry c = {0};
        yaml_node_t *body;
        char path[512];
        if (y_named_entry(w, ynode(w, list->data.sequence.items.start[i]), "contexts", i,
                          "context", &c.name, &body, path, sizeof path) != 0 ||
            parse_context(w, body, path, &c) != 0) {
            context_clear(&c);
            return -1;
        }
        if (kube_config_find_context(cfg, c.name))
            context_clear(&c);
        else
            cfg->contexts[cfg->n_contexts++] = c;
    }
    return 0;
}

static int parse_root(const ywalk *w, kube_config *cfg)
{
    yaml_node_t *root = yaml_document_get_root_node(w->doc);
    if (y_is_null(root))
        return 0; /* an empty file is an empty config */
    if (root->type != YAML_MAPPING_NODE)
        return y_type_error(w, root, "the top level", "a mapping (a kubeconfig with kind: Config)");
    yaml_node_t *clusters, *users, *contexts;
    if (y_list(w, root, "clusters", "", &clusters) || y_list(w, root, "users", "", &users) ||
        y_list(w, root, "contexts", "", &contexts) ||
        y_str(w, root, "current-context", "", &cfg->current_context))
        return -1;
    if (parse_clusters(w, cfg, clusters) || parse_users(w, cfg, users) ||
        parse_contexts(w, cfg, contexts))
        return -1;
    if (cfg->current_context && !*cfg->current_context) {
        free(cfg->current_context);
        cfg->current_context = NULL;
    }
    return 0;
}

static void yaml_error(yaml_parser_t *parser, const char *src, tt_error *err)
{
    tt_error_set(err, TT_EINVAL, "%s: invalid YAML at line %lu, column %lu: %s%s%s", src,
                 (unsigned long)parser->problem_mark.line + 1,
                 (unsigned long)parser->problem_mark.column + 1,
                 parser->problem ? parser->problem : "syntax error",
                 parser->context ? " " : "", parser->context ? parser->context : "");
}

/* libyaml's scanner is quadratic in the nesting depth, so a few hundred
 * kilobytes of "[[[[" would take seconds. A first pass over the events
 * stops at a depth no kubeconfig comes near, long before that hurts. */
static int check_nesting(const char *yaml, size_t len, const char *src, tt_error *err)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        tt_error_set(err, TT_EIO, "%s: cannot initialise the YAML parser", src);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
    int depth = 0, rc = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            yaml_error(&parser, src, err);
            rc = -1;
            break;
        }
        yaml_event_type_t type = ev.type;
        unsigned long line = (unsigned long)ev.start_mark.line + 1;
        yaml_event_delete(&ev);
        if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT)
            depth++;
        else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT)
            depth--;
        else if (type == YAML_STREAM_END_EVENT)
            break;
        if (depth > KUBECONFIG_MAX_DEPTH) {
            tt_error_set(err, TT_EINVAL, "%s: line %lu: nested deeper than %d levels; this is "
                         "not a kubeconfig", src, line, KUBECONFIG_MAX_DEPTH);
            rc = -1;
            break;
        }
    }
    yaml_parser_delete(&parser);
    return rc;
}

kube_config *kube_config_parse(const char *yaml, size_t len, const char *source_name,
                               const char *base_dir, tt_error *err)
{
    const char *src = source_name ? source_name : "kubeconfig";
    if (!yaml) {
        yaml = "";
        len = 0;
    }
    if (check_nesting(yaml, len, src, err) != 0)
        return NULL;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        tt_error_set(err, TT_EIO, "%s: cannot initialise the YAML parser", src);
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
    yaml_document_t doc;
    if (!yaml_parser_load(&parser, &doc)) {
        yaml_error(&parser, src, err);
        yaml_parser_delete(&parser);
        return NULL;
    }
    kube_config *cfg = tt_calloc(1, sizeof *cfg);
    ywalk w = {&doc, src, base_dir, err};
    int rc = parse_root(&w, cfg);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rc != 0) {
        kube_config_free(cfg);
        return NULL;
    }
    if (source_name)
        add_file(cfg, source_name);
    return cfg;
}

/* ---- loading and merging --------------------------------------------- */

/* Moves what dst lacks from src (first file wins), then frees src. */
static void merge_into(kube_config *dst, kube_config *src)
{
    dst->clusters = tt_realloc(dst->clusters, (dst->n_clusters + src->n_clusters + 1) * sizeof *dst->clusters);
    for (size_t i = 0; i < src->n_clusters; i++) {
        if (find_cluster(dst, src->clusters[i].name))
            continue;
        dst->clusters[dst->n_clusters++] = src->clusters[i];
        memset(&src->clusters[i], 0, sizeof src->clusters[i]);
    }
    dst->users = tt_realloc(dst->users, (dst->n_users + src->n_users + 1) * sizeof *dst->users);
    for (size_t i = 0; i < src->n_users; i++) {
        if (find_user(dst, src->users[i].name))
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
        add_file(dst, src->files[i]);
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

/* The files kubectl would read, in order (caller frees with free_list). */
static char **config_paths(size_t *n, bool *from_env)
{
    char **list = NULL;
    *n = 0;
    const char *env = getenv("KUBECONFIG");
    *from_env = !empty(env);
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
    if (!empty(home)) {
        list = tt_malloc(sizeof *list);
        list[(*n)++] = tt_asprintf("%s/.kube/config", home);
    }
    return list;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

kube_config *kube_config_load(const char *explicit_path, tt_error *err)
{
    if (!empty(explicit_path)) {
        kube_config *cfg = NULL;
        int rc = load_one(explicit_path, &cfg, err);
        if (rc == 0)
            tt_error_set(err, TT_EINVAL, "kubeconfig %s (given with --kubeconfig) does not exist",
                         explicit_path);
        return rc == 1 ? cfg : NULL;
    }
    size_t n;
    bool from_env;
    char **paths = config_paths(&n, &from_env);
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
    free_list(paths, n);
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
    if (!empty(data_b64)) {
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
    if (empty(file))
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
    if (!empty(override))
        return override;
    return !empty(ctx_ns) ? ctx_ns : "default";
}

static int fill_cluster(kube_rest_config *rc, const kcluster *c, tt_error *err)
{
    if (empty(c->server)) {
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
    if (c->insecure && (!empty(c->ca_data) || !empty(c->ca_file))) {
        /* client-go's TLS config refuses this pair, so kubectl does. */
        tt_error_set(err, TT_EINVAL,
                     "%s: specifying a root certificates file with the insecure flag is not "
                     "allowed (remove certificate-authority%s or insecure-skip-tls-verify)",
                     what, !empty(c->ca_data) ? "-data" : "");
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
    if (!empty(u->token))
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
    char *files = files_list(cfg);
    const char *name = !empty(context) ? context : kube_config_current_context(cfg);
    kube_rest_config *rc = NULL;
    if (empty(name)) {
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
    if (empty(ctx->cluster)) {
        tt_error_set(err, TT_EINVAL, "context \"%s\" in %s names no cluster", name, files);
        goto out;
    }
    const kcluster *cl = find_cluster(cfg, ctx->cluster);
    if (!cl) {
        tt_error_set(err, TT_EINVAL, "context \"%s\" refers to cluster \"%s\", which is not defined in %s",
                     name, ctx->cluster, files);
        goto out;
    }
    const kuser *us = NULL;
    if (!empty(ctx->user) && !(us = find_user(cfg, ctx->user))) {
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
    if (empty(host) || empty(port)) {
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
    if (!empty(getenv("KUBERNETES_SERVICE_HOST")) && !empty(getenv("KUBERNETES_SERVICE_PORT"))) {
        if (!empty(context)) {
            tt_error_set(err, TT_EINVAL,
                         "context \"%s\" was asked for, but there is no kubeconfig (only the "
                         "in-cluster service account)",
                         context);
            return NULL;
        }
        kube_rest_config *rc = kube_rest_config_in_cluster(NULL, err);
        if (rc && !empty(namespace_override)) {
            free(rc->namespace_);
            rc->namespace_ = tt_strdup(namespace_override);
        }
        return rc;
    }
    size_t n;
    bool from_env;
    char **paths = config_paths(&n, &from_env);
    tt_buf where = TT_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        tt_buf_printf(&where, "%s%s", i ? ", " : "", paths[i]);
    free_list(paths, n);
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
