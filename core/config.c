/* config.yaml through libyaml's document API: load the tree, then walk it
 * with node marks for file:line:col in every message. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

typedef struct loader {
    const char *path;
    yaml_document_t *doc;
    config *cfg;
    tt_error *err;
} loader;

static void str_list_push(char ***list, size_t *n, const char *s)
{
    *list = tt_realloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = tt_strdup(s);
}

static void str_list_free(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

static void add_env(config *c, const char *name, const char *hostname)
{
    c->envs = tt_realloc(c->envs, (c->n_envs + 1) * sizeof *c->envs);
    config_env *e = &c->envs[c->n_envs++];
    memset(e, 0, sizeof *e);
    e->name = tt_strdup(name);
    e->hostname = tt_strdup(hostname);
}

static void free_envs(config *c)
{
    for (size_t i = 0; i < c->n_envs; i++) {
        free(c->envs[i].name);
        free(c->envs[i].hostname);
        str_list_free(c->envs[i].contexts, c->envs[i].n_contexts);
    }
    free(c->envs);
    c->envs = NULL;
    c->n_envs = 0;
}

config *config_defaults(void)
{
    config *c = tt_calloc(1, sizeof *c);
    add_env(c, "staging", "staging.tts.wellsaidlabs.com");
    add_env(c, "prod", "tts.wellsaidlabs.com");
    c->theme = tt_strdup("default");
    c->field_manager = tt_strdup("ttstui");
    return c;
}

void config_free(config *c)
{
    if (!c)
        return;
    free(c->path);
    free_envs(c);
    str_list_free(c->readonly_contexts, c->n_readonly_contexts);
    str_list_free(c->protected_namespaces, c->n_protected_namespaces);
    str_list_free(c->contexts, c->n_contexts);
    free(c->theme);
    free(c->template_path);
    free(c->api_keys_path);
    free(c->field_manager);
    for (size_t i = 0; i < c->n_keybindings; i++) {
        free(c->keybindings[i].action);
        str_list_free(c->keybindings[i].keys, c->keybindings[i].n_keys);
    }
    free(c->keybindings);
    str_list_free(c->warnings, c->n_warnings);
    free(c);
}

char *config_default_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    if (xdg && xdg[0] == '/')
        return tt_asprintf("%s/ttstui/config.yaml", xdg);
    const char *home = getenv("HOME");
    return tt_asprintf("%s/.config/ttstui/config.yaml", home ? home : "");
}

const config_env *config_find_env(const config *c, const char *name)
{
    for (size_t i = 0; c && name && i < c->n_envs; i++)
        if (strcmp(c->envs[i].name, name) == 0)
            return &c->envs[i];
    return NULL;
}

const config_keybinding *config_find_keybinding(const config *c, const char *action)
{
    for (size_t i = 0; c && action && i < c->n_keybindings; i++)
        if (strcmp(c->keybindings[i].action, action) == 0)
            return &c->keybindings[i];
    return NULL;
}

/* ---- the walk ---------------------------------------------------------- */

static int fail_at(loader *l, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(loader *l, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tt_error_set(l->err, TT_EINVAL, "%s:%zu:%zu: %s", l->path, n->start_mark.line + 1,
                 n->start_mark.column + 1, msg);
    return -1;
}

static void warn_unknown(loader *l, const yaml_node_t *key, const char *where)
{
    config *c = l->cfg;
    c->warnings = tt_realloc(c->warnings, (c->n_warnings + 1) * sizeof *c->warnings);
    c->warnings[c->n_warnings++] =
        tt_asprintf("%s:%zu:%zu: unknown key '%s' in %s (ignored)", l->path,
                    key->start_mark.line + 1, key->start_mark.column + 1,
                    (const char *)key->data.scalar.value, where);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int get_string(loader *l, const yaml_node_t *n, const char *field, char **out)
{
    const char *s = scalar(n);
    if (!s)
        return fail_at(l, n, "%s must be a string", field);
    free(*out);
    *out = tt_strdup(s);
    return 0;
}

static int get_bool(loader *l, const yaml_node_t *n, const char *field, bool *out)
{
    const char *s = scalar(n);
    if (s && (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcmp(s, "on")))
        *out = true;
    else if (s && (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcmp(s, "off")))
        *out = false;
    else
        return fail_at(l, n, "%s must be true or false", field);
    return 0;
}

/* A list of strings; a single string counts as a one-item list. */
static int get_string_list(loader *l, const yaml_node_t *n, const char *field, char ***list,
                           size_t *count)
{
    str_list_free(*list, *count);
    *list = NULL;
    *count = 0;
    if (n->type == YAML_SCALAR_NODE) {
        str_list_push(list, count, scalar(n));
        return 0;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return fail_at(l, n, "%s must be a list of strings", field);
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        const yaml_node_t *item = yaml_document_get_node(l->doc, *it);
        if (!scalar(item))
            return fail_at(l, item, "%s must be a list of strings", field);
        str_list_push(list, count, scalar(item));
    }
    return 0;
}

static char *expand_home(const char *p)
{
    const char *home = getenv("HOME");
    if (p && tt_str_has_prefix(p, "~/") && home)
        return tt_asprintf("%s%s", home, p + 1);
    return tt_strdup(p);
}

static int load_env(loader *l, const yaml_node_t *n, size_t index)
{
    char where[64];
    snprintf(where, sizeof where, "environments[%zu]", index);
    if (n->type != YAML_MAPPING_NODE)
        return fail_at(l, n, "%s must be a mapping with name, contexts, readonly", where);
    config_env e = {0};
    int rc = 0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; rc == 0 && p < n->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
        const char *key = scalar(k);
        if (tt_streq(key, "name"))
            rc = get_string(l, v, "environment name", &e.name);
        else if (tt_streq(key, "hostname"))
            rc = get_string(l, v, "hostname", &e.hostname);
        else if (tt_streq(key, "contexts"))
            rc = get_string_list(l, v, "contexts", &e.contexts, &e.n_contexts);
        else if (tt_streq(key, "readonly"))
            rc = get_bool(l, v, "readonly", &e.readonly);
        else if (key)
            warn_unknown(l, k, where);
    }
    if (rc == 0 && (!e.name || !*e.name))
        rc = fail_at(l, n, "%s has no name", where);
    if (rc == 0 && config_find_env(l->cfg, e.name))
        rc = fail_at(l, n, "environment '%s' is defined twice", e.name);
    if (rc != 0) {
        free(e.name);
        free(e.hostname);
        str_list_free(e.contexts, e.n_contexts);
        return -1;
    }
    config *c = l->cfg;
    c->envs = tt_realloc(c->envs, (c->n_envs + 1) * sizeof *c->envs);
    c->envs[c->n_envs++] = e;
    return 0;
}

static int load_envs(loader *l, const yaml_node_t *n)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail_at(l, n, "%s must be a list", "environments");
    free_envs(l->cfg);
    size_t i = 0;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++, i++)
        if (load_env(l, yaml_document_get_node(l->doc, *it), i) != 0)
            return -1;
    return 0;
}

static int load_keybindings(loader *l, const yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail_at(l, n, "%s must be a mapping of action to keys", "keybindings");
    config *c = l->cfg;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
        if (!scalar(k))
            return fail_at(l, k, "%s: an action name must be a string", "keybindings");
        config_keybinding kb = {tt_strdup(scalar(k)), NULL, 0};
        if (get_string_list(l, v, "keys of a keybinding", &kb.keys, &kb.n_keys) != 0) {
            free(kb.action);
            str_list_free(kb.keys, kb.n_keys);
            return -1;
        }
        c->keybindings = tt_realloc(c->keybindings, (c->n_keybindings + 1) * sizeof *c->keybindings);
        c->keybindings[c->n_keybindings++] = kb;
    }
    return 0;
}

static int load_root(loader *l, const yaml_node_t *root)
{
    if (!root || (root->type == YAML_SCALAR_NODE && !*scalar(root)))
        return 0; /* an empty file: defaults */
    if (root->type != YAML_MAPPING_NODE)
        return fail_at(l, root, "%s: the top level must be a mapping", "config");
    config *c = l->cfg;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
        const char *key = scalar(k);
        int rc = 0;
        if (tt_streq(key, "environments")) {
            rc = load_envs(l, v);
        } else if (tt_streq(key, "readonly_contexts")) {
            rc = get_string_list(l, v, "readonly_contexts", &c->readonly_contexts,
                                 &c->n_readonly_contexts);
        } else if (tt_streq(key, "protected_namespaces")) {
            rc = get_string_list(l, v, "protected_namespaces", &c->protected_namespaces,
                                 &c->n_protected_namespaces);
        } else if (tt_streq(key, "contexts")) {
            rc = get_string_list(l, v, "contexts", &c->contexts, &c->n_contexts);
        } else if (tt_streq(key, "theme")) {
            rc = get_string(l, v, "theme", &c->theme);
        } else if (tt_streq(key, "template") || tt_streq(key, "api_keys")) {
            char *s = NULL;
            rc = get_string(l, v, key, &s);
            char **dst = tt_streq(key, "template") ? &c->template_path : &c->api_keys_path;
            if (rc == 0) {
                free(*dst);
                *dst = expand_home(s);
            }
            free(s);
        } else if (tt_streq(key, "field_manager")) {
            rc = get_string(l, v, "field_manager", &c->field_manager);
        } else if (tt_streq(key, "request_timeout")) {
            tt_error derr;
            tt_error_clear(&derr);
            const char *s = scalar(v);
            if (!s || tt_parse_duration("request_timeout", s, &c->request_timeout_ms, &derr) < 0)
                rc = fail_at(l, v, "%s", s ? derr.message
                                           : "request_timeout must be a duration such as 30s");
        } else if (tt_streq(key, "keybindings")) {
            rc = load_keybindings(l, v);
        } else if (key) {
            warn_unknown(l, k, "the top level");
        }
        if (rc != 0)
            return -1;
    }
    return 0;
}

static config *load_text(const char *path, const char *text, size_t len, tt_error *err)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        tt_error_set(err, TT_EINVAL, "%s:%zu:%zu: malformed YAML: %s", path,
                     parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                     parser.problem ? parser.problem : "syntax error");
        yaml_parser_delete(&parser);
        return NULL;
    }
    config *c = config_defaults();
    c->path = tt_strdup(path);
    loader l = {path, &doc, c, err};
    int rc = load_root(&l, yaml_document_get_root_node(&doc));
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rc == 0 && c->n_envs == 0) {
        tt_error_set(err, TT_EINVAL, "%s: environments is empty; define at least one", path);
        rc = -1;
    }
    if (rc != 0) {
        config_free(c);
        return NULL;
    }
    return c;
}

config *config_load(const char *path, tt_error *err)
{
    char *def = path ? NULL : config_default_path();
    const char *p = path ? path : def;
    struct stat st;
    if (!path && stat(p, &st) != 0 && errno == ENOENT) {
        free(def);
        return config_defaults();
    }
    size_t len = 0;
    char *text = tt_read_file(p, &len, 1024 * 1024, err);
    config *c = text ? load_text(p, text, len, err) : NULL;
    free(text);
    free(def);
    return c;
}
