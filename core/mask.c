#include "mask.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tt_common.h"

#define LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

bool mask_name_is_secret(const char *name)
{
    static const char *const words[] = {"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD",
                                        "CREDENTIAL"};
    if (!name)
        return false;
    for (size_t i = 0; i < TT_ARRAY_LEN(words); i++)
        if (strcasestr(name, words[i]))
            return true;
    return false;
}

static void mask_values_of(json_t *obj)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
        json_object_set_new(obj, key, json_string(MASK_MARKER));
}

/* "api_key:YYY" -> "api_key:***" when the name part looks secret. */
static void mask_colon_list(json_t *list)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        const char *s = json_string_value(v);
        const char *colon = s ? strchr(s, ':') : NULL;
        if (!colon)
            continue;
        char *name = tt_strndup(s, (size_t)(colon - s));
        if (mask_name_is_secret(name)) {
            char *masked = tt_asprintf("%s:%s", name, MASK_MARKER);
            json_array_set_new(list, i, json_string(masked));
            free(masked);
        }
        free(name);
    }
}

static void mask_plugin_config(json_t *config)
{
    static const char *const sections[] = {"add", "replace", "append", "remove", "rename"};
    static const char *const lists[] = {"body", "headers", "querystring"};
    for (size_t i = 0; i < TT_ARRAY_LEN(sections); i++) {
        json_t *sec = json_object_get(config, sections[i]);
        for (size_t j = 0; j < TT_ARRAY_LEN(lists); j++)
            mask_colon_list(json_object_get(sec, lists[j]));
    }
}

static void mask_env(json_t *env)
{
    size_t i;
    json_t *e;
    json_array_foreach(env, i, e) {
        if (json_is_string(json_object_get(e, "value")) &&
            mask_name_is_secret(json_string_value(json_object_get(e, "name"))))
            json_object_set_new(e, "value", json_string(MASK_MARKER));
    }
}

static void mask_walk(json_t *v);

/* The annotation holds the whole applied object as JSON: mask it with the
 * same rules, or entirely when it is a Secret's or cannot be parsed. */
static void mask_last_applied(json_t *annotations, bool is_secret)
{
    const char *text = json_string_value(json_object_get(annotations, LAST_APPLIED));
    if (!text)
        return;
    json_t *parsed = is_secret ? NULL : json_loads(text, 0, NULL);
    if (!parsed) {
        json_object_set_new(annotations, LAST_APPLIED, json_string(MASK_MARKER));
        return;
    }
    mask_walk(parsed);
    char *out = json_dumps(parsed, JSON_COMPACT);
    json_object_set_new(annotations, LAST_APPLIED, json_string(out ? out : MASK_MARKER));
    free(out);
    json_decref(parsed);
}

/* kind_hint: the item kind of an enclosing List, whose items usually
 * carry no kind of their own in API responses. */
static void mask_k8s_object(json_t *obj, const char *kind_hint)
{
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    if (!kind || !json_is_string(json_object_get(obj, "apiVersion")))
        kind = kind_hint;
    if (!kind)
        return;
    bool is_secret = strcmp(kind, "Secret") == 0;
    if (is_secret) {
        mask_values_of(json_object_get(obj, "data"));
        mask_values_of(json_object_get(obj, "stringData"));
    }
    if (strcmp(kind, "KongPlugin") == 0 || strcmp(kind, "KongClusterPlugin") == 0)
        mask_plugin_config(json_object_get(obj, "config"));
    mask_last_applied(json_object_get(json_object_get(obj, "metadata"), "annotations"),
                      is_secret);
}

static void mask_walk_hinted(json_t *v, const char *kind_hint)
{
    if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
            mask_walk_hinted(item, kind_hint);
        return;
    }
    if (!json_is_object(v))
        return;
    mask_k8s_object(v, kind_hint);
    /* "SecretList" -> items are Secrets */
    const char *kind = json_string_value(json_object_get(v, "kind"));
    char *item_kind = kind && tt_str_has_suffix(kind, "List") && strlen(kind) > 4
                          ? tt_strndup(kind, strlen(kind) - 4)
                          : NULL;
    const char *key;
    json_t *child;
    json_object_foreach(v, key, child) {
        if (strcmp(key, "env") == 0)
            mask_env(child);
        if (strcmp(key, "items") == 0 && item_kind)
            mask_walk_hinted(child, item_kind);
        else if (strcmp(key, "annotations") != 0) /* already handled, and strings only */
            mask_walk_hinted(child, NULL);
    }
    free(item_kind);
}

static void mask_walk(json_t *v)
{
    mask_walk_hinted(v, NULL);
}

json_t *mask_object(const json_t *obj)
{
    if (!obj)
        return NULL;
    json_t *copy = json_deep_copy(obj);
    mask_walk(copy);
    return copy;
}

/* The part of base64(k filler bytes + secret) that depends on the secret
 * alone: the characters whose 6 bits all fall inside the secret's bytes. */
static char *base64_core(const char *secret, size_t len, size_t k)
{
    unsigned char *buf = tt_calloc(len + k + 1, 1);
    memcpy(buf + k, secret, len);
    char *enc = tt_base64_encode(buf, len + k);
    free(buf);
    size_t total_bits = 8 * (len + k), first = (8 * k + 5) / 6, last = total_bits / 6;
    /* chars [first, last) are fully determined by the secret */
    char *core = last > first ? tt_strndup(enc + first, last - first) : tt_strdup("");
    free(enc);
    return core;
}

bool mask_text_contains_secret(const char *text, const char *const *secrets, size_t n)
{
    if (!text || !secrets)
        return false;
    for (size_t i = 0; i < n; i++) {
        const char *s = secrets[i];
        if (!s || !*s)
            continue;
        if (strstr(text, s))
            return true;
        size_t len = strlen(s);
        char *full = tt_base64_encode(s, len);
        bool found = strstr(text, full) != NULL;
        free(full);
        for (size_t k = 0; !found && k < 3; k++) {
            char *core = base64_core(s, len, k);
            /* short cores would match innocent text by chance */
            found = strlen(core) >= 4 && strstr(text, core);
            free(core);
        }
        if (found)
            return true;
    }
    return false;
}
