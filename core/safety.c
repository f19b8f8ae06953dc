#include "safety.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "fleet.h"
#include "tt_text.h"

/* ---- shared helpers ------------------------------------------------------ */

static void list_push(char ***list, size_t *n, char *owned)
{
    *list = tt_realloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = owned;
}

static void list_free(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void join(tt_buf *b, char *const *items, size_t n, const char *sep)
{
    for (size_t i = 0; i < n; i++)
        tt_buf_printf(b, "%s%s", i ? sep : "", items[i]);
}

static const json_t *jpath(const json_t *v, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n && v; i++)
        v = json_object_get(v, keys[i]);
    return v;
}

/* ---- (a) version bump -------------------------------------------------- */

/* A value for a message: strings as they are, the rest as compact JSON. */
static char *value_text(const json_t *v)
{
    if (!v)
        return tt_strdup("(unset)");
    if (json_is_string(v))
        return tt_strdup(json_string_value(v));
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    return s ? s : tt_strdup("?");
}

static void add_difference(safety_version_check *c, const char *field, const json_t *old,
                           const json_t *new_value)
{
    char *o = value_text(old), *n = value_text(new_value);
    list_push(&c->differences, &c->n_differences, tt_asprintf("%s: %s -> %s", field, o, n));
    free(o);
    free(n);
}

/* Fields the server fills in when a template leaves them out. */
static bool server_defaulted(const char *field)
{
    return strcmp(field, "readinessProbe") == 0 || strcmp(field, "resources") == 0;
}

static const json_t *env_by_name(const json_t *list, const char *name)
{
    size_t i;
    const json_t *e;
    json_array_foreach(list, i, e)
        if (tt_streq(json_string_value(json_object_get(e, "name")), name))
            return e;
    return NULL;
}

/* env values may be secrets: name the variables that differ, never values. */
static void compare_env_names(safety_version_check *c, const char *prefix, const json_t *old,
                              const json_t *new_value)
{
    tt_buf b = TT_BUF_INIT;
    size_t i;
    const json_t *e;
    json_array_foreach(new_value, i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));
        const json_t *o = env_by_name(old, name);
        json_t *pruned = o ? diff_prune_to(o, e) : NULL;
        if (!pruned || !json_equal(pruned, (json_t *)e))
            tt_buf_printf(&b, "%s%s", b.len ? ", " : "", name ? name : "?");
        json_decref(pruned);
    }
    json_array_foreach(old, i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));
        if (!env_by_name(new_value, name))
            tt_buf_printf(&b, "%s%s", b.len ? ", " : "", name ? name : "?");
    }
    list_push(&c->differences, &c->n_differences,
              tt_asprintf("%senv: %s differ (values not shown)", prefix, b.len ? b.data : "entries"));
    tt_buf_free(&b);
}

static void compare_container(safety_version_check *c, const char *prefix, const json_t *want,
                              const json_t *have)
{
    static const char *const fields[] = {"image", "command", "args", "env", "envFrom",
                                         "resources", "ports", "readinessProbe", "livenessProbe"};
    for (size_t i = 0; i < TT_ARRAY_LEN(fields); i++) {
        const json_t *w = json_object_get(want, fields[i]), *h = json_object_get(have, fields[i]);
        if (!w && (!h || server_defaulted(fields[i])))
            continue;
        json_t *pruned = w && h ? diff_prune_to(h, w) : NULL;
        bool same = w && h && json_equal((json_t *)w, pruned);
        if (!same) {
            char *field = tt_asprintf("%s%s", prefix, fields[i]);
            if (strcmp(fields[i], "env") == 0)
                compare_env_names(c, prefix, h, w);
            else
                add_difference(c, field, pruned ? pruned : h, w);
            free(field);
        }
        json_decref(pruned);
    }
}

static void compare_annotations(safety_version_check *c, const json_t *want, const json_t *have)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)want, key, v) {
        const json_t *h = json_object_get(have, key);
        if (!h || !json_equal((json_t *)v, (json_t *)h)) {
            char *field = tt_asprintf("annotation %s", key);
            add_difference(c, field, h, v);
            free(field);
        }
    }
    json_object_foreach((json_t *)have, key, v) {
        if (tt_str_has_prefix(key, "autoscaling.knative.dev/") && !json_object_get(want, key)) {
            char *field = tt_asprintf("annotation %s", key);
            add_difference(c, field, v, NULL);
            free(field);
        }
    }
}

int safety_check_version(const json_t *rendered_ksvc, const json_t *live_revision,
                         safety_version_check *out, tt_error *err)
{
    memset(out, 0, sizeof *out);
    static const char *const tmpl_path[] = {"spec", "template"};
    const json_t *tmpl = jpath(rendered_ksvc, tmpl_path, 2);
    const json_t *tmeta = json_object_get(tmpl, "metadata");
    const char *name = json_string_value(json_object_get(tmeta, "name"));
    if (!name) {
        const char *svc = json_string_value(json_object_get(json_object_get(rendered_ksvc, "metadata"), "name"));
        tt_error_set(err, TT_EINVAL,
                     "Knative Service %s has no spec.template.metadata.name: the revision name "
                     "<service>-<version> is what makes a release safe to apply",
                     svc ? svc : "(unnamed)");
        return -1;
    }
    out->revision = tt_strdup(name);
    if (!live_revision) {
        out->verdict = SAFETY_VERSION_NEW;
        return 0;
    }
    const json_t *tspec = json_object_get(tmpl, "spec");
    const json_t *rspec = json_object_get(live_revision, "spec");
    const json_t *wc = json_object_get(tspec, "containers"), *hc = json_object_get(rspec, "containers");
    if (json_array_size(wc) != json_array_size(hc)) {
        json_t *a = json_integer((json_int_t)json_array_size(hc)), *b = json_integer((json_int_t)json_array_size(wc));
        add_difference(out, "number of containers", a, b);
        json_decref(a);
        json_decref(b);
    } else {
        for (size_t i = 0; i < json_array_size(wc); i++) {
            char *prefix = json_array_size(wc) > 1 ? tt_asprintf("containers[%zu].", i) : tt_strdup("");
            compare_container(out, prefix, json_array_get(wc, i), json_array_get(hc, i));
            free(prefix);
        }
    }
    static const char *const scalars[] = {"containerConcurrency", "timeoutSeconds"};
    for (size_t i = 0; i < TT_ARRAY_LEN(scalars); i++) {
        const json_t *w = json_object_get(tspec, scalars[i]), *h = json_object_get(rspec, scalars[i]);
        if (w && !json_equal((json_t *)w, (json_t *)h))
            add_difference(out, scalars[i], h, w);
    }
    compare_annotations(out, json_object_get(tmeta, "annotations"),
                        json_object_get(json_object_get(live_revision, "metadata"), "annotations"));
    out->verdict = out->n_differences ? SAFETY_VERSION_CONFLICT : SAFETY_VERSION_SAME;
    return 0;
}

void safety_version_check_clear(safety_version_check *c)
{
    if (!c)
        return;
    free(c->revision);
    list_free(c->differences, c->n_differences);
    memset(c, 0, sizeof *c);
}

char *safety_version_conflict_message(const safety_version_check *c, const char *next_version)
{
    tt_buf b = TT_BUF_INIT;
    tt_buf_printf(&b, "revision %s already exists with a different template (",
                  c->revision ? c->revision : "?");
    join(&b, c->differences, c->n_differences, "; ");
    tt_buf_puts(&b, "); Knative cannot change an existing revision");
    if (next_version)
        tt_buf_printf(&b, ": release it as version %s", next_version);
    return tt_buf_steal(&b);
}

char *safety_next_version(const char *const *revision_names, size_t n)
{
    unsigned long long best = 0;
    for (size_t i = 0; i < n; i++) {
        const char *dash = revision_names[i] ? strchr(revision_names[i], '-') : NULL;
        unsigned long long x;
        if (dash && fleet_version_number(dash + 1, &x) && x > best)
            best = x;
    }
    return tt_asprintf("%llu", best + 1);
}

/* ---- (b) API keys ----------------------------------------------------------- */

int safety_compare_keys(const json_t *file_keys, const json_t *live_secret, safety_keys_diff *out,
                        tt_error *err)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(file_keys)) {
        tt_error_set(err, TT_EINVAL, "the API key file must be a JSON object {\"NAME\": \"value\", ...}");
        return -1;
    }
    const json_t *data = json_object_get(live_secret, "data");
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)file_keys, key, v) {
        if (!json_is_string(v)) {
            tt_error_set(err, TT_EINVAL, "API key %s in the key file is not a string", key);
            safety_keys_diff_clear(out);
            return -1;
        }
        const char *enc = json_string_value(json_object_get(data, key));
        if (!enc) {
            list_push(&out->added, &out->n_added, tt_strdup(key));
            continue;
        }
        size_t len = 0;
        unsigned char *dec = tt_base64_decode(enc, &len);
        bool same = dec && len == json_string_length(v) && memcmp(dec, json_string_value(v), len) == 0;
        if (dec)
            tt_explicit_bzero(dec, len);
        free(dec);
        if (same)
            out->n_same++;
        else
            list_push(&out->changed, &out->n_changed, tt_strdup(key));
    }
    json_object_foreach((json_t *)data, key, v)
        if (!json_object_get(file_keys, key))
            list_push(&out->removed, &out->n_removed, tt_strdup(key));
    if (out->n_added)
        qsort(out->added, out->n_added, sizeof *out->added, cmp_str);
    if (out->n_removed)
        qsort(out->removed, out->n_removed, sizeof *out->removed, cmp_str);
    if (out->n_changed)
        qsort(out->changed, out->n_changed, sizeof *out->changed, cmp_str);
    return 0;
}

void safety_keys_diff_clear(safety_keys_diff *d)
{
    if (!d)
        return;
    list_free(d->added, d->n_added);
    list_free(d->removed, d->n_removed);
    list_free(d->changed, d->n_changed);
    memset(d, 0, sizeof *d);
}

bool safety_keys_same(const safety_keys_diff *d)
{
    return d->n_added == 0 && d->n_removed == 0 && d->n_changed == 0;
}

char *safety_keys_summary(const safety_keys_diff *d)
{
    tt_buf b = TT_BUF_INIT;
    struct {
        const char *label;
        char **names;
        size_t n;
    } parts[] = {{"added", d->added, d->n_added},
                 {"removed", d->removed, d->n_removed},
                 {"changed", d->changed, d->n_changed}};
    for (size_t i = 0; i < TT_ARRAY_LEN(parts); i++) {
        if (!parts[i].n)
            continue;
        tt_buf_printf(&b, "%s%s: ", b.len ? "; " : "", parts[i].label);
        join(&b, parts[i].names, parts[i].n, ", ");
    }
    if (!b.len)
        tt_buf_puts(&b, "no changes");
    return tt_buf_steal(&b);
}

static void put_encoded(json_t *data, const char *key, const char *value, size_t len)
{
    char *enc = tt_base64_encode(value, len);
    json_object_set_new(data, key, json_string(enc));
    tt_free_secret(enc);
}

json_t *safety_resolve_keys(const json_t *file_keys, const json_t *live_secret,
                            safety_keys_policy policy, const char *ns, tt_error *err)
{
    safety_keys_diff d;
    if (safety_compare_keys(file_keys, live_secret, &d, err) != 0)
        return NULL;
    bool differ = live_secret && !safety_keys_same(&d);
    if (differ && policy == SAFETY_KEYS_NONE) {
        char *summary = safety_keys_summary(&d);
        tt_error_set(err, TT_EREFUSED,
                     "the API keys in the key file differ from Secret api-keys in namespace %s (%s): "
                     "choose to replace the live keys with the file's, or to merge the file into them",
                     ns ? ns : "?", summary);
        free(summary);
        safety_keys_diff_clear(&d);
        return NULL;
    }
    safety_keys_diff_clear(&d);
    json_t *data = json_object();
    const char *key;
    const json_t *v;
    if (differ && policy == SAFETY_KEYS_MERGE)
        json_object_foreach(json_object_get(live_secret, "data"), key, v)
            json_object_set(data, key, (json_t *)v);
    json_object_foreach((json_t *)file_keys, key, v)
        put_encoded(data, key, json_string_value(v), json_string_length(v));
    return json_pack("{s:s, s:s, s:{s:s, s:s?}, s:o}", "apiVersion", "v1", "kind", "Secret",
                     "metadata", "name", "api-keys", "namespace", ns, "data", data);
}

/* ---- protected namespaces ------------------------------------------------------ */

/* The cluster's own namespaces: never a model. */
static const char *const builtin_protected[] = {
    "kube-*", "default", "knative-*", "kong*", "istio-*", "gke-*", "cert-manager",
};

const char *safety_namespace_protected(const config *cfg, const char *ns)
{
    if (!ns)
        return NULL;
    for (size_t i = 0; i < TT_ARRAY_LEN(builtin_protected); i++)
        if (fnmatch(builtin_protected[i], ns, 0) == 0)
            return builtin_protected[i];
    for (size_t i = 0; cfg && i < cfg->n_protected_namespaces; i++)
        if (strcmp(cfg->protected_namespaces[i], ns) == 0 ||
            fnmatch(cfg->protected_namespaces[i], ns, 0) == 0)
            return cfg->protected_namespaces[i];
    return NULL;
}

int safety_check_model_namespace(const config *cfg, const char *model, tt_error *err)
{
    const char *pattern = safety_namespace_protected(cfg, model);
    if (!pattern)
        return 0;
    bool builtin = false;
    for (size_t i = 0; i < TT_ARRAY_LEN(builtin_protected); i++)
        builtin = builtin || builtin_protected[i] == pattern;
    tt_error_set(err, TT_EREFUSED,
                 "namespace %s is a system namespace (matches %s%s%s), not a model: "
                 "refusing to change it",
                 model, pattern, builtin ? "" : " in protected_namespaces of ",
                 builtin ? "" : (cfg->path ? cfg->path : "config.yaml"));
    return -1;
}

/* ---- (c) env guard, (d) read-only --------------------------------------------- */

bool safety_context_matches(const char *name, char *const *patterns, size_t n)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(patterns[i], name) == 0 || fnmatch(patterns[i], name, 0) == 0)
            return true;
    return false;
}

safety_env_match safety_env_match_context(const config *cfg, const char *context)
{
    safety_env_match m = {SAFETY_ENV_NONE, NULL, NULL};
    for (size_t i = 0; cfg && context && i < cfg->n_envs; i++) {
        const config_env *e = &cfg->envs[i];
        if (!safety_context_matches(context, e->contexts, e->n_contexts))
            continue;
        if (m.kind == SAFETY_ENV_NONE) {
            m.kind = SAFETY_ENV_ONE;
            m.env = e->name;
        } else if (!tt_streq(m.env, e->name)) {
            m.kind = SAFETY_ENV_AMBIGUOUS;
            m.other = e->name;
            break;
        }
    }
    return m;
}

const char *safety_env_of_context(const config *cfg, const char *context)
{
    safety_env_match m = safety_env_match_context(cfg, context);
    return m.kind == SAFETY_ENV_ONE ? m.env : NULL;
}

const char *safety_env_of_context_err(const config *cfg, const char *context, const char *hint,
                                      tt_error *err)
{
    safety_env_match m = safety_env_match_context(cfg, context);
    if (m.kind == SAFETY_ENV_ONE)
        return m.env;
    char *ctx = tt_text_clean(context ? context : "-", 0);
    const char *path = cfg && cfg->path ? cfg->path : "config.yaml";
    if (m.kind == SAFETY_ENV_AMBIGUOUS)
        tt_error_set(err, TT_EINVAL,
                     "context %s matches environments %s and %s (environments[].contexts in %s)%s%s",
                     ctx, m.env, m.other, path, hint ? ": " : "", hint ? hint : "");
    else
        tt_error_set(err, TT_EINVAL,
                     "context %s belongs to no environment of the settings "
                     "(environments[].contexts in %s)%s%s",
                     ctx, path, hint ? ": " : "", hint ? hint : "");
    free(ctx);
    return NULL;
}

int safety_check_env_context(const config *cfg, const char *env, const char *context, tt_error *err)
{
    const config_env *e = config_find_env(cfg, env);
    if (!e) {
        tt_buf b = TT_BUF_INIT;
        for (size_t i = 0; cfg && i < cfg->n_envs; i++)
            tt_buf_printf(&b, "%s%s", i ? ", " : "", cfg->envs[i].name);
        tt_error_set(err, TT_EREFUSED, "unknown environment '%s': configured environments are %s",
                     env ? env : "", b.len ? b.data : "(none)");
        tt_buf_free(&b);
        return -1;
    }
    if (e->n_contexts == 0 || safety_context_matches(context, e->contexts, e->n_contexts))
        return 0;
    tt_buf b = TT_BUF_INIT;
    join(&b, e->contexts, e->n_contexts, ", ");
    tt_error_set(err, TT_EREFUSED,
                 "environment %s may not be released through kube context '%s': allowed contexts "
                 "are %s (environments in %s)",
                 e->name, context ? context : "", b.data,
                 cfg->path ? cfg->path : "config.yaml");
    tt_buf_free(&b);
    return -1;
}

/* The first read-only environment whose contexts patterns name context:
 * the context is read-only whatever env a change names (or none, as for
 * delete, rollback, traffic and pin-latest). */
static const config_env *readonly_env_of_context(const config *cfg, const char *context)
{
    for (size_t i = 0; cfg && context && i < cfg->n_envs; i++)
        if (cfg->envs[i].readonly && cfg->envs[i].n_contexts &&
            safety_context_matches(context, cfg->envs[i].contexts, cfg->envs[i].n_contexts))
            return &cfg->envs[i];
    return NULL;
}

bool safety_is_readonly(const config *cfg, const char *env, const char *context)
{
    if (!cfg)
        return false;
    if (safety_context_matches(context, cfg->readonly_contexts, cfg->n_readonly_contexts))
        return true;
    if (readonly_env_of_context(cfg, context))
        return true;
    const config_env *e = config_find_env(cfg, env);
    return e && e->readonly;
}

int safety_check_writable(const config *cfg, const char *env, const char *context, tt_error *err)
{
    if (!cfg)
        return 0;
    if (safety_context_matches(context, cfg->readonly_contexts, cfg->n_readonly_contexts)) {
        tt_error_set(err, TT_EREFUSED, "kube context '%s' is read-only (readonly_contexts in %s)",
                     context, cfg->path ? cfg->path : "config.yaml");
        return -1;
    }
    const config_env *ce = readonly_env_of_context(cfg, context);
    if (ce) {
        tt_error_set(err, TT_EREFUSED,
                     "environment %s is read-only (readonly: true in %s) and kube context '%s' "
                     "belongs to it",
                     ce->name, cfg->path ? cfg->path : "config.yaml", context);
        return -1;
    }
    const config_env *e = config_find_env(cfg, env);
    if (e && e->readonly) {
        tt_error_set(err, TT_EREFUSED, "environment %s is read-only (readonly: true in %s)", e->name,
                     cfg->path ? cfg->path : "config.yaml");
        return -1;
    }
    return 0;
}
