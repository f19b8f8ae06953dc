/* JSON helpers: dotted paths, merge and JSON patches, Status, FieldsV1. */
#include "dc.h"

#include <stdlib.h>
#include <string.h>

json_t *dc_jget(json_t *obj, const char *path)
{
    char part[256];
    const char *p = path;
    while (obj && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof part)
            return NULL;
        memcpy(part, p, n);
        part[n] = '\0';
        obj = json_object_get(obj, part);
        p = dot ? dot + 1 : p + n;
    }
    return obj;
}

const char *dc_jstr(json_t *obj, const char *path)
{
    return json_string_value(dc_jget(obj, path));
}

void dc_jset(json_t *obj, const char *path, json_t *value)
{
    char part[256];
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof part)
            n = sizeof part - 1;
        memcpy(part, p, n);
        part[n] = '\0';
        if (!dot) {
            json_object_set_new(obj, part, value);
            return;
        }
        json_t *next = json_object_get(obj, part);
        if (!json_is_object(next)) {
            next = json_object();
            json_object_set_new(obj, part, next);
        }
        obj = next;
        p = dot + 1;
    }
}

void dc_jset_key(json_t *obj, const char *map_path, const char *key, json_t *value)
{
    json_t *m = dc_jget(obj, map_path);
    if (!json_is_object(m)) {
        m = json_object();
        dc_jset(obj, map_path, m);
    }
    json_object_set_new(m, key, value);
}

json_t *dc_merge_patch(json_t *target, json_t *patch)
{
    if (!json_is_object(patch))
        return json_deep_copy(patch);
    json_t *out = json_is_object(target) ? json_deep_copy(target) : json_object();
    const char *k;
    json_t *v;
    json_object_foreach(patch, k, v) {
        if (k[0] == '$')
            continue; /* strategic merge patch directives */
        if (json_is_null(v)) {
            json_object_del(out, k);
        } else {
            json_t *merged = dc_merge_patch(json_object_get(out, k), v);
            json_object_set_new(out, k, merged);
        }
    }
    return out;
}

/* JSON pointer resolution: returns the parent container and the last token. */
static json_t *pointer_parent(json_t *doc, const char *ptr, char *last, size_t lastn)
{
    if (ptr[0] != '/')
        return NULL;
    json_t *cur = doc;
    const char *p = ptr + 1;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        char tok[256];
        size_t j = 0;
        for (size_t i = 0; i < n && j + 1 < sizeof tok; i++) {
            if (p[i] == '~' && i + 1 < n && p[i + 1] == '1') {
                tok[j++] = '/';
                i++;
            } else if (p[i] == '~' && i + 1 < n && p[i + 1] == '0') {
                tok[j++] = '~';
                i++;
            } else {
                tok[j++] = p[i];
            }
        }
        tok[j] = '\0';
        if (!slash) {
            tt_strlcpy(last, tok, lastn);
            return cur;
        }
        if (json_is_object(cur))
            cur = json_object_get(cur, tok);
        else if (json_is_array(cur))
            cur = json_array_get(cur, (size_t)strtoul(tok, NULL, 10));
        else
            return NULL;
        if (!cur)
            return NULL;
        p = slash + 1;
    }
}

json_t *dc_json_patch(json_t *target, json_t *ops, tt_error *err)
{
    if (!json_is_array(ops)) {
        tt_error_set(err, 400, "json patch must be an array of operations");
        return NULL;
    }
    json_t *doc = json_deep_copy(target);
    size_t i;
    json_t *op;
    json_array_foreach(ops, i, op) {
        const char *kind = json_string_value(json_object_get(op, "op"));
        const char *path = json_string_value(json_object_get(op, "path"));
        json_t *value = json_object_get(op, "value");
        char last[256];
        json_t *parent = path ? pointer_parent(doc, path, last, sizeof last) : NULL;
        if (!kind || !parent) {
            tt_error_set(err, 422, "the json patch operation %zu has an invalid path", i);
            json_decref(doc);
            return NULL;
        }
        bool is_arr = json_is_array(parent);
        size_t idx = strcmp(last, "-") == 0 ? json_array_size(parent) : strtoul(last, NULL, 10);
        json_t *cur = is_arr ? json_array_get(parent, idx) : json_object_get(parent, last);
        if (strcmp(kind, "test") == 0) {
            if (!json_equal(cur, value)) {
                tt_error_set(err, 422, "the json patch test operation %zu failed", i);
                json_decref(doc);
                return NULL;
            }
        } else if (strcmp(kind, "remove") == 0) {
            if (!cur) {
                tt_error_set(err, 422, "the json patch remove operation %zu: path not found", i);
                json_decref(doc);
                return NULL;
            }
            if (is_arr)
                json_array_remove(parent, idx);
            else
                json_object_del(parent, last);
        } else if (strcmp(kind, "add") == 0 || strcmp(kind, "replace") == 0) {
            if (!value) {
                tt_error_set(err, 422, "the json patch operation %zu has no value", i);
                json_decref(doc);
                return NULL;
            }
            if (is_arr) {
                if (strcmp(kind, "add") == 0)
                    json_array_insert(parent, idx, json_deep_copy(value));
                else
                    json_array_set(parent, idx, json_deep_copy(value));
            } else {
                json_object_set(parent, last, json_deep_copy(value));
            }
        } else {
            tt_error_set(err, 422, "json patch operation \"%s\" is not supported", kind);
            json_decref(doc);
            return NULL;
        }
    }
    return doc;
}

json_t *dc_status(int code, const char *reason, const char *message)
{
    return json_pack("{s:s, s:s, s:{}, s:s, s:s, s:s, s:i}", "kind", "Status", "apiVersion", "v1",
                     "metadata", "status", code < 400 ? "Success" : "Failure", "message",
                     message, "reason", reason, "code", code);
}

json_t *dc_fields_v1(json_t *obj)
{
    json_t *out = json_object();
    if (!json_is_object(obj))
        return out;
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        if (strcmp(k, "apiVersion") == 0 || strcmp(k, "kind") == 0 || strcmp(k, "status") == 0)
            continue;
        if (json_is_object(v) && (strcmp(k, "metadata") != 0 || true)) {
            json_t *sub = json_object();
            const char *k2;
            json_t *v2;
            json_object_foreach(v, k2, v2) {
                if (strcmp(k, "metadata") == 0 &&
                    (strcmp(k2, "name") == 0 || strcmp(k2, "namespace") == 0))
                    continue;
                char *fk = tt_asprintf("f:%s", k2);
                json_object_set_new(sub, fk, json_is_object(v2) ? dc_fields_v1(v2)
                                                               : json_object());
                free(fk);
            }
            char *fk = tt_asprintf("f:%s", k);
            json_object_set_new(out, fk, sub);
            free(fk);
        } else {
            char *fk = tt_asprintf("f:%s", k);
            json_object_set_new(out, fk, json_object());
            free(fk);
        }
    }
    return out;
}

void dc_age(long long s, char out[16])
{
    if (s < 0)
        s = 0;
    if (s < 120)
        snprintf(out, 16, "%llds", s);
    else if (s < 600)
        snprintf(out, 16, "%lldm%llds", s / 60, s % 60);
    else if (s < 3 * 3600)
        snprintf(out, 16, "%lldm", s / 60);
    else if (s < 8 * 3600)
        snprintf(out, 16, "%lldh%lldm", s / 3600, (s % 3600) / 60);
    else if (s < 2 * 86400)
        snprintf(out, 16, "%lldh", s / 3600);
    else if (s < 8 * 86400)
        snprintf(out, 16, "%lldd%lldh", s / 86400, (s % 86400) / 3600);
    else
        snprintf(out, 16, "%lldd", s / 86400);
}
