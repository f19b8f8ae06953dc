/* Deployment config files: see deploy_file.h. */
#include "deploy_file.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const char *text;
    size_t len;
    const char *path;
    tt_error *err;
} parser;

/* Offset of the key `"name"` (followed by optional space and ':') at or
 * after `from`, or `from` when not found. */
static size_t key_offset(const parser *ps, const char *name, size_t from)
{
    size_t n = strlen(name);
    for (size_t i = from; i + n + 2 <= ps->len; i++) {
        if (ps->text[i] != '"' || strncmp(ps->text + i + 1, name, n) != 0 || ps->text[i + 1 + n] != '"')
            continue;
        size_t j = i + n + 2;
        while (j < ps->len && isspace((unsigned char)ps->text[j]))
            j++;
        if (j < ps->len && ps->text[j] == ':')
            return i;
    }
    return from;
}

static void position(const parser *ps, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < ps->len; i++) {
        if (ps->text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static int fail_at(const parser *ps, size_t off, const char *what, const char *field)
{
    int line, col;
    position(ps, off, &line, &col);
    tt_error_set(ps->err, TT_EINVAL, "%s:%d:%d: %s %s", ps->path, line, col, what, field);
    return -1;
}

/* The file's numbers (version, scales, concurrency, traffic tags and
 * percentages): whole numbers of at most 9 digits, as a JSON number or a
 * string of digits, as the release parameters take them. */
#define NUMBER_MAX 999999999LL

/* v as a decimal string; NULL when it is not a whole number, or (with
 * *too_big) when it is one above NUMBER_MAX. */
static char *number_string(const json_t *v, bool *too_big)
{
    *too_big = false;
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        if (json_integer_value(v) > NUMBER_MAX) {
            *too_big = true;
            return NULL;
        }
        return tt_asprintf("%lld", (long long)json_integer_value(v));
    }
    if (!json_is_string(v))
        return NULL;
    const char *s = json_string_value(v);
    if (!*s)
        return NULL;
    for (const char *c = s; *c; c++)
        if (!isdigit((unsigned char)*c))
            return NULL;
    while (s[0] == '0' && s[1])
        s++; /* leading zeros are not digits of the value */
    if (strlen(s) > 9) {
        *too_big = true;
        return NULL;
    }
    return tt_asprintf("%ld", strtol(s, NULL, 10));
}

/* A number above the limit says the limit: "version \"99999999999\": at
 * most 999999999", not that it is no number. */
static int fail_too_big(const parser *ps, size_t off, const char *field, const json_t *v)
{
    int line, col;
    position(ps, off, &line, &col);
    char value[32];
    if (json_is_integer(v))
        snprintf(value, sizeof(value), "%lld", (long long)json_integer_value(v));
    else
        snprintf(value, sizeof(value), "%.20s%s", json_string_value(v),
                 strlen(json_string_value(v)) > 20 ? "..." : "");
    tt_error_set(ps->err, TT_EINVAL, "%s:%d:%d: %s \"%s\": at most %lld", ps->path, line, col, field,
                 value, NUMBER_MAX);
    return -1;
}

static int need_number(const parser *ps, const json_t *obj, const char *key, size_t base, char **out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return fail_at(ps, base, "missing field", key);
    bool too_big;
    *out = number_string(v, &too_big);
    if (!*out && too_big)
        return fail_too_big(ps, key_offset(ps, key, base), key, v);
    if (!*out)
        return fail_at(ps, key_offset(ps, key, base), "not a non-negative whole number:", key);
    return 0;
}

static int need_string(const parser *ps, const json_t *obj, const char *key, size_t base, char **out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return fail_at(ps, base, "missing field", key);
    if (!json_is_string(v) || !*json_string_value(v))
        return fail_at(ps, key_offset(ps, key, base), "not a non-empty string:", key);
    *out = tt_strdup(json_string_value(v));
    return 0;
}

static int check_known(const parser *ps, const json_t *obj, const char *const *known, const char *where,
                       size_t base)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        bool ok = false;
        for (size_t i = 0; known[i]; i++)
            if (strcmp(key, known[i]) == 0)
                ok = true;
        if (!ok) {
            char *what = tt_asprintf("unknown field in %s:", where);
            fail_at(ps, key_offset(ps, key, base), what, key);
            free(what);
            return -1;
        }
    }
    return 0;
}

static int parse_resources(const parser *ps, const json_t *r, size_t base, deploy_service *s)
{
    static const char *const kinds[] = {"requests", "limits", NULL};
    static const char *const qty[] = {"cpu", "memory", "nvidia.com/gpu", NULL};
    if (!json_is_object(r))
        return fail_at(ps, base, "not an object:", "resources");
    if (check_known(ps, r, kinds, "resources", base) < 0)
        return -1;
    for (size_t i = 0; kinds[i]; i++) {
        const json_t *k = json_object_get(r, kinds[i]);
        if (!k)
            continue;
        size_t kb = key_offset(ps, kinds[i], base);
        if (!json_is_object(k))
            return fail_at(ps, kb, "not an object:", kinds[i]);
        if (check_known(ps, k, qty, kinds[i], kb) < 0)
            return -1;
        const char *q;
        const json_t *v;
        json_object_foreach((json_t *)k, q, v)
        {
            if (!json_is_string(v) || !*json_string_value(v))
                return fail_at(ps, key_offset(ps, q, kb), "not a non-empty string:", q);
        }
    }
    s->resources = json_deep_copy(r);
    return 0;
}

static int parse_service(const parser *ps, const json_t *root, const char *name, deploy_service *s)
{
    static const char *const known[] = {"minScale", "maxScale", "concurrency", "paths", "resources", NULL};
    const json_t *o = json_object_get(root, name);
    if (!o)
        return fail_at(ps, 0, "missing field", name);
    size_t base = key_offset(ps, name, 0);
    if (!json_is_object(o))
        return fail_at(ps, base, "not an object:", name);
    if (check_known(ps, o, known, name, base) < 0 || need_number(ps, o, "minScale", base, &s->min_scale) < 0 ||
        need_number(ps, o, "maxScale", base, &s->max_scale) < 0 ||
        need_number(ps, o, "concurrency", base, &s->concurrency) < 0)
        return -1;
    if (strtol(s->min_scale, NULL, 10) > strtol(s->max_scale, NULL, 10))
        return fail_at(ps, key_offset(ps, "minScale", base), "minScale is above maxScale in", name);
    const json_t *paths = json_object_get(o, "paths");
    if (!paths)
        return fail_at(ps, base, "missing field", "paths");
    size_t pb = key_offset(ps, "paths", base);
    if (!json_is_array(paths) || json_array_size(paths) == 0)
        return fail_at(ps, pb, "not a non-empty array:", "paths");
    s->n_paths = json_array_size(paths);
    s->paths = calloc(s->n_paths, sizeof *s->paths);
    if (!s->paths)
        abort();
    for (size_t i = 0; i < s->n_paths; i++) {
        const json_t *p = json_array_get(paths, i);
        if (!json_is_string(p) || json_string_value(p)[0] != '/')
            return fail_at(ps, pb, "an entry is not a path starting with '/':", "paths");
        s->paths[i] = tt_strdup(json_string_value(p));
    }
    const json_t *r = json_object_get(o, "resources");
    if (r && parse_resources(ps, r, key_offset(ps, "resources", base), s) < 0)
        return -1;
    return 0;
}

static int parse_traffic(const parser *ps, const json_t *root, deploy_file *f)
{
    static const char *const known[] = {"tag", "percent", NULL};
    const json_t *t = json_object_get(root, "traffic");
    if (!t)
        return fail_at(ps, 0, "missing field", "traffic");
    size_t base = key_offset(ps, "traffic", 0);
    if (!json_is_array(t) || json_array_size(t) == 0)
        return fail_at(ps, base, "not a non-empty array:", "traffic");
    f->n_traffic = json_array_size(t);
    f->traffic = calloc(f->n_traffic, sizeof *f->traffic);
    if (!f->traffic)
        abort();
    long sum = 0;
    for (size_t i = 0; i < f->n_traffic; i++) {
        const json_t *e = json_array_get(t, i);
        if (!json_is_object(e))
            return fail_at(ps, base, "an entry is not an object:", "traffic");
        if (check_known(ps, e, known, "traffic", base) < 0)
            return -1;
        char *pct = NULL;
        const json_t *tag = json_object_get(e, "tag");
        bool too_big = false;
        char *tagnum = tag ? number_string(tag, &too_big) : NULL;
        if (!tagnum && too_big)
            return fail_too_big(ps, key_offset(ps, "tag", base), "tag", tag);
        if (!tagnum)
            return fail_at(ps, key_offset(ps, "tag", base), "not a version number:", "tag");
        f->traffic[i].tag = tagnum;
        const json_t *pv = json_object_get(e, "percent");
        if (!pv)
            return fail_at(ps, base, "missing field", "percent");
        pct = number_string(pv, &too_big);
        if (!pct && !too_big)
            return fail_at(ps, key_offset(ps, "percent", base), "not a non-negative whole number:",
                           "percent");
        long p = pct ? strtol(pct, NULL, 10) : 101; /* too big: above 100 */
        free(pct);
        if (p > 100)
            return fail_at(ps, key_offset(ps, "percent", base), "above 100:", "percent");
        f->traffic[i].percent = (int)p;
        sum += p;
    }
    if (sum != 100)
        return fail_at(ps, base, "percentages do not add up to 100 in", "traffic");
    return 0;
}

static bool parse_bool(const json_t *v, bool *out)
{
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return true;
    }
    if (json_is_string(v) && (strcmp(json_string_value(v), "true") == 0 || strcmp(json_string_value(v), "false") == 0)) {
        *out = strcmp(json_string_value(v), "true") == 0;
        return true;
    }
    return false;
}

bool deploy_file_is_shape(const json_t *root)
{
    return json_is_object(root) &&
           (json_is_object(json_object_get(root, "stream")) || json_is_object(json_object_get(root, "validate")));
}

static void service_free(deploy_service *s)
{
    free(s->min_scale);
    free(s->max_scale);
    free(s->concurrency);
    for (size_t i = 0; i < s->n_paths; i++)
        free(s->paths[i]);
    free(s->paths);
    json_decref(s->resources);
}

void deploy_file_free(deploy_file *f)
{
    if (!f)
        return;
    free(f->path);
    free(f->env);
    free(f->model);
    free(f->version);
    free(f->image);
    free(f->image_entrypoint);
    service_free(&f->stream);
    service_free(&f->validate);
    for (size_t i = 0; i < f->n_traffic; i++)
        free(f->traffic[i].tag);
    free(f->traffic);
    free(f);
}

deploy_file *deploy_file_parse(const char *text, size_t len, const char *path, tt_error *err)
{
    static const char *const known[] = {"env",    "model",    "version", "image",
                                        "imageEntrypoint", "provideApiKeyAuthForLegacyContainerSupport",
                                        "stream", "validate", "traffic", NULL};
    parser ps = {text, len, path, err};
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        tt_error_set(err, TT_EINVAL, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return NULL;
    }
    deploy_file *f = calloc(1, sizeof *f);
    if (!f)
        abort();
    f->path = tt_strdup(path);
    int rc = -1;
    if (!json_is_object(root)) {
        fail_at(&ps, 0, "not an object:", "the file");
        goto out;
    }
    if (check_known(&ps, root, known, "the file", 0) < 0 || need_string(&ps, root, "env", 0, &f->env) < 0 ||
        need_string(&ps, root, "model", 0, &f->model) < 0 ||
        need_number(&ps, root, "version", 0, &f->version) < 0 ||
        need_string(&ps, root, "image", 0, &f->image) < 0)
        goto out;
    if (json_object_get(root, "imageEntrypoint")) {
        if (need_string(&ps, root, "imageEntrypoint", 0, &f->image_entrypoint) < 0)
            goto out;
    } else {
        f->image_entrypoint = tt_strdup("run.deploy.worker:app");
    }
    const json_t *legacy = json_object_get(root, "provideApiKeyAuthForLegacyContainerSupport");
    if (legacy && !parse_bool(legacy, &f->legacy_api_key_auth)) {
        fail_at(&ps, key_offset(&ps, "provideApiKeyAuthForLegacyContainerSupport", 0), "not true or false:",
                "provideApiKeyAuthForLegacyContainerSupport");
        goto out;
    }
    if (parse_service(&ps, root, "stream", &f->stream) < 0 || parse_service(&ps, root, "validate", &f->validate) < 0 ||
        parse_traffic(&ps, root, f) < 0)
        goto out;
    rc = 0;
out:
    json_decref(root);
    if (rc < 0) {
        deploy_file_free(f);
        return NULL;
    }
    return f;
}

static json_t *service_json(const deploy_service *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "minScale", json_string(s->min_scale));
    json_object_set_new(o, "maxScale", json_string(s->max_scale));
    json_object_set_new(o, "concurrency", json_integer(strtoll(s->concurrency, NULL, 10)));
    json_t *paths = json_array();
    for (size_t i = 0; i < s->n_paths; i++)
        json_array_append_new(paths, json_string(s->paths[i]));
    json_object_set_new(o, "paths", paths);
    if (s->resources)
        json_object_set_new(o, "resources", json_deep_copy(s->resources));
    return o;
}

json_t *deploy_file_to_json(const deploy_file *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "env", json_string(f->env));
    json_object_set_new(o, "model", json_string(f->model));
    json_object_set_new(o, "version", json_string(f->version));
    json_object_set_new(o, "image", json_string(f->image));
    json_object_set_new(o, "imageEntrypoint", json_string(f->image_entrypoint));
    json_object_set_new(o, "provideApiKeyAuthForLegacyContainerSupport",
                        json_string(f->legacy_api_key_auth ? "true" : "false"));
    json_object_set_new(o, "stream", service_json(&f->stream));
    json_object_set_new(o, "validate", service_json(&f->validate));
    json_t *traffic = json_array();
    for (size_t i = 0; i < f->n_traffic; i++) {
        json_t *t = json_object();
        json_object_set_new(t, "tag", json_string(f->traffic[i].tag));
        json_object_set_new(t, "percent", json_integer(f->traffic[i].percent));
        json_array_append_new(traffic, t);
    }
    json_object_set_new(o, "traffic", traffic);
    return o;
}

deploy_file *deploy_file_load(const char *path, tt_error *err)
{
    size_t len = 0;
    char *text = tt_read_file(path, &len, 1 << 20, err);
    if (!text)
        return NULL;
    deploy_file *f = deploy_file_parse(text, len, path, err);
    free(text);
    return f;
}

/* The name of the folder holding path ("" when none). Caller frees. */
static char *parent_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return tt_strdup("");
    const char *start = slash;
    while (start > path && start[-1] != '/')
        start--;
    return tt_strndup(start, (size_t)(slash - start));
}

int deploy_files_check(deploy_file *const *files, size_t n, tt_error *err)
{
    for (size_t i = 0; i < n; i++) {
        char *folder = parent_name(files[i]->path);
        bool ok = strcmp(folder, files[i]->env) == 0;
        if (!ok)
            tt_error_set(err, TT_EINVAL, "%s: env \"%s\" does not match its folder \"%s\"", files[i]->path,
                         files[i]->env, folder);
        free(folder);
        if (!ok)
            return -1;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(files[i]->env, files[j]->env) == 0 && strcmp(files[i]->model, files[j]->model) == 0) {
                tt_error_set(err, TT_EINVAL, "%s and %s: two files for model %s in %s", files[j]->path,
                             files[i]->path, files[i]->model, files[i]->env);
                return -1;
            }
        }
    }
    return 0;
}
