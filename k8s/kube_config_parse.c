/*
 * kubeconfig text → kube_config: libyaml's document API, walked at a fixed
 * depth (top level, the three lists, their entries, exec and its lists),
 * never a general recursion, so alias cycles and deep nesting in hostile
 * input cannot hurt us.
 */
#include "kube_config_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#define KUBECONFIG_MAX_DEPTH 64

static char *resolve_path(const char *base_dir, const char *p)
{
    if (kc_empty(p))
        return NULL;
    if (p[0] == '/' || kc_empty(base_dir))
        return tt_strdup(p);
    return tt_asprintf("%s/%s", base_dir, p);
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
    if (kc_empty(*name)) {
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
        if (kc_empty(name)) {
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
            kc_cluster_clear(&c);
            return -1;
        }
        if (kc_find_cluster(cfg, c.name))
            kc_cluster_clear(&c);
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
            kc_user_clear(&u);
            return -1;
        }
        if (kc_find_user(cfg, u.name))
            kc_user_clear(&u);
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
            kc_context_clear(&c);
            return -1;
        }
        if (kube_config_find_context(cfg, c.name))
            kc_context_clear(&c);
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
        kc_add_file(cfg, source_name);
    return cfg;
}
