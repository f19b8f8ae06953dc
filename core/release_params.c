/*
 * Release parameters: a fixed table of named string slots, validation
 * rules of spec/release-manifests.md, and the --config loader.
 */
#include "release_params.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum {
    P_ENV,
    P_MODEL,
    P_VERSION,
    P_IMAGE,
    P_ENTRYPOINT,
    P_INCLUDE_KEYS,
    P_MIN_SCALE,
    P_MAX_SCALE,
    P_STREAM_MIN_SCALE,
    P_STREAM_MAX_SCALE,
    P_VALIDATE_MIN_SCALE,
    P_VALIDATE_MAX_SCALE,
    P_API_KEYS_FILE,
    P_TEMPLATE_FILE,
    P_COUNT
};

static const char *const param_names[P_COUNT] = {
    RELEASE_ENV,           RELEASE_MODEL,          RELEASE_VERSION,   RELEASE_IMAGE,
    RELEASE_IMAGE_ENTRYPOINT, RELEASE_INCLUDE_API_KEYS, RELEASE_MIN_SCALE, RELEASE_MAX_SCALE,
    RELEASE_STREAM_MIN_SCALE, RELEASE_STREAM_MAX_SCALE, RELEASE_VALIDATE_MIN_SCALE,
    RELEASE_VALIDATE_MAX_SCALE, RELEASE_API_KEYS_FILE, RELEASE_TEMPLATE_FILE,
};

/* NULL: no default (required, or an optional path). */
static const char *const param_defaults[P_COUNT] = {
    NULL, NULL, NULL, NULL, "run.deploy.worker:app", "false", "0", "32",
    NULL, NULL, NULL, NULL, /* per service: unset means the flat value */
    NULL, NULL,
};

#define DNS_LABEL_MAX 63
/* The longer of the two revision names is "validate-<version>". */
#define REVISION_PREFIX "validate-"

static const char *const default_envs[] = {"staging", "prod"};

struct release_params {
    char *values[P_COUNT];
};

static int param_index(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < P_COUNT; i++)
        if (strcmp(param_names[i], name) == 0)
            return i;
    return -1;
}

release_params *release_params_new(void)
{
    release_params *p = tt_calloc(1, sizeof *p);
    for (int i = 0; i < P_COUNT; i++)
        p->values[i] = tt_strdup(param_defaults[i]);
    return p;
}

void release_params_free(release_params *p)
{
    if (!p)
        return;
    for (int i = 0; i < P_COUNT; i++)
        free(p->values[i]);
    free(p);
}

release_params *release_params_clone(const release_params *p)
{
    release_params *c = tt_calloc(1, sizeof *c);
    for (int i = 0; i < P_COUNT; i++)
        c->values[i] = tt_strdup(p->values[i]);
    return c;
}

bool release_params_is_known(const char *name)
{
    return param_index(name) >= 0;
}

int release_params_set(release_params *p, const char *name, const char *value, tt_error *err)
{
    int i = param_index(name);
    if (i < 0) {
        tt_error_set(err, TT_EINVAL,
                     "unknown release parameter \"%s\" (known: env, model, version, image, "
                     "imageEntrypoint, includeImageApiKeys, minScale, maxScale, apiKeysFile, "
                     "templateFile)",
                     name ? name : "(null)");
        return -1;
    }
    char *copy = tt_strdup(value ? value : param_defaults[i]);
    free(p->values[i]);
    p->values[i] = copy;
    return 0;
}

const char *release_params_get(const release_params *p, const char *name)
{
    int i = param_index(name);
    return i < 0 ? NULL : p->values[i];
}

const char *const *release_params_tla_names(void)
{
    return param_names;
}

size_t release_params_tlas(const release_params *p, release_tla out[RELEASE_TLA_COUNT])
{
    size_t n = 0;
    for (int i = 0; i < RELEASE_TLA_COUNT; i++) {
        if (!p->values[i])
            continue;
        out[n].name = param_names[i];
        out[n].value = p->values[i];
        n++;
    }
    return n;
}

bool release_params_include_api_keys(const release_params *p)
{
    return tt_streq(p->values[P_INCLUDE_KEYS], "true");
}

/* The folder part of path with its trailing '/', or "" (caller frees). */
static char *dir_part(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? tt_strndup(path, (size_t)(slash - path) + 1) : tt_strdup("");
}

char *release_params_api_keys_path(const release_params *p)
{
    const char *keys = p->values[P_API_KEYS_FILE];
    if (keys && *keys)
        return tt_strdup(keys);
    const char *tpl = p->values[P_TEMPLATE_FILE];
    if (!tpl || !*tpl)
        return NULL;
    char *dir = dir_part(tpl);
    char *path = tt_asprintf("%sapikeys.json", dir);
    free(dir);
    return path;
}

/* ---- diagnostics ----------------------------------------------------- */

void release_diags_free(release_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->items[i].message);
    free(d->items);
    d->items = NULL;
    d->n = d->cap = 0;
}

size_t release_diags_count(const release_diags *d, release_severity s)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += d->items[i].severity == s;
    return n;
}

const release_diag *release_diags_find(const release_diags *d, const char *field)
{
    const release_diag *warning = NULL;
    for (size_t i = 0; i < d->n; i++) {
        if (!tt_streq(d->items[i].field, field))
            continue;
        if (d->items[i].severity == RELEASE_ERROR)
            return &d->items[i];
        if (!warning)
            warning = &d->items[i];
    }
    return warning;
}

static void diag_add(release_diags *d, release_severity s, const char *field, const char *fmt,
                     ...) __attribute__((format(printf, 4, 5)));

static void diag_add(release_diags *d, release_severity s, const char *field, const char *fmt, ...)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->items = tt_realloc(d->items, d->cap * sizeof *d->items);
    }
    tt_buf b = TT_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    tt_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    d->items[d->n++] = (release_diag){s, field, tt_buf_steal(&b)};
}

/* A value as it may appear in a message: at most 64 bytes, control
 * characters and quotes replaced by '?', "..." when cut. */
static const char *shown(const char *value, char *buf, size_t size)
{
    size_t n = 0, limit = size > 68 ? 64 : size - 4;
    const unsigned char *s = (const unsigned char *)value;
    for (; *s && n < limit; s++)
        buf[n++] = (*s < 0x20 || *s == 0x7f || *s == '"') ? '?' : (char)*s;
    if (*s) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

/* ---- single-field rules ---------------------------------------------- */

static bool is_lower_alnum(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool release_check_dns_label(const char *what, const char *value, char *msg, size_t size)
{
    char v[80];
    if (!value || !*value) {
        snprintf(msg, size, "%s is required", what);
        return false;
    }
    size_t len = strlen(value);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if (is_lower_alnum(c) || c == '-')
            continue;
        char found[32];
        if (c > 0x20 && c < 0x7f)
            snprintf(found, sizeof found, "'%c'", c);
        else if (c == ' ')
            snprintf(found, sizeof found, "a space");
        else
            snprintf(found, sizeof found, c >= 0x80 ? "a non-ASCII character" : "a control character");
        snprintf(msg, size,
                 "%s \"%s\": must be lowercase alphanumerics and '-' (a DNS-1123 label); "
                 "found %s at position %zu",
                 what, shown(value, v, sizeof v), found, i + 1);
        return false;
    }
    if (len > DNS_LABEL_MAX) {
        snprintf(msg, size, "%s \"%s\": is %zu characters; at most %d (a DNS-1123 label)", what,
                 shown(value, v, sizeof v), len, DNS_LABEL_MAX);
        return false;
    }
    if (value[0] == '-' || value[len - 1] == '-') {
        snprintf(msg, size, "%s \"%s\": must %s with a lowercase letter or digit (a DNS-1123 label)",
                 what, shown(value, v, sizeof v), value[0] == '-' ? "start" : "end");
        return false;
    }
    return true;
}

/* A registry host: dot-separated [A-Za-z0-9-] labels not starting or
 * ending with '-', then an optional :port. */
static bool valid_domain(const char *s, size_t len)
{
    const char *colon = memchr(s, ':', len);
    size_t host_len = colon ? (size_t)(colon - s) : len;
    if (colon) {
        size_t port_len = len - host_len - 1;
        if (port_len == 0 || port_len > 5)
            return false;
        for (size_t i = 0; i < port_len; i++)
            if (!isdigit((unsigned char)colon[1 + i]))
                return false;
    }
    size_t label = 0;
    for (size_t i = 0; i <= host_len; i++) {
        char c = i < host_len ? s[i] : '.';
        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0;
        } else if (isalnum((unsigned char)c) || (c == '-' && label > 0)) {
            label++;
        } else {
            return false;
        }
    }
    return host_len > 0;
}

/* path-component := [a-z0-9]+ ((. | _ | __ | -+) [a-z0-9]+)* */
static bool valid_path_component(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t run = 0;
        while (i < len && is_lower_alnum((unsigned char)s[i]))
            i++, run++;
        if (run == 0)
            return false;
        if (i == len)
            return true;
        size_t sep = i;
        if (s[i] == '.') {
            i++;
        } else if (s[i] == '_') {
            i += (i + 1 < len && s[i + 1] == '_') ? 2 : 1;
        } else if (s[i] == '-') {
            while (i < len && s[i] == '-')
                i++;
        } else {
            return false;
        }
        if (i == len || i == sep)
            return false;
    }
    return len > 0;
}

static bool valid_tag(const char *s, size_t len)
{
    if (len == 0 || len > 128)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool word = isalnum(c) || c == '_';
        if (!word && (i == 0 || (c != '.' && c != '-')))
            return false;
    }
    return true;
}

static bool has_upper(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (isupper((unsigned char)s[i]))
            return true;
    return false;
}

#define DIGEST_PREFIX "sha256:"
#define DIGEST_HEX 64

/*
 * The OCI reference grammar (distribution/reference), with the digest
 * restricted to sha256. warnings gets "" or one or two sentences.
 */
bool release_check_image(const char *value, char *msg, size_t size, char *warning,
                         size_t warning_size)
{
    char v[80];
    if (warning && warning_size)
        warning[0] = '\0';
    if (!value || !*value) {
        snprintf(msg, size, "image is required");
        return false;
    }
    shown(value, v, sizeof v);
    const char *at = strchr(value, '@');
    size_t name_tag_len = at ? (size_t)(at - value) : strlen(value);
    if (at) {
        const char *digest = at + 1;
        if (!tt_str_has_prefix(digest, DIGEST_PREFIX)) {
            snprintf(msg, size, "image \"%s\": digest must be sha256:<64 hex digits>", v);
            return false;
        }
        const char *hex = digest + strlen(DIGEST_PREFIX);
        size_t hex_len = strlen(hex);
        for (size_t i = 0; i < hex_len; i++) {
            if (!isxdigit((unsigned char)hex[i]) || isupper((unsigned char)hex[i])) {
                snprintf(msg, size,
                         "image \"%s\": digest must be sha256:<64 lowercase hex digits>; "
                         "character %zu of the digest is not",
                         v, i + 1);
                return false;
            }
        }
        if (hex_len != DIGEST_HEX) {
            snprintf(msg, size,
                     "image \"%s\": digest must be sha256:<64 hex digits>, this one has %zu", v,
                     hex_len);
            return false;
        }
    }
    /* A tag is after the last ':' that follows the last '/'. */
    const char *last_slash = memrchr(value, '/', name_tag_len);
    const char *colon = memrchr(value, ':', name_tag_len);
    const char *tag = (colon && (!last_slash || colon > last_slash)) ? colon + 1 : NULL;
    size_t name_len = tag ? (size_t)(colon - value) : name_tag_len;
    if (tag && !valid_tag(tag, name_tag_len - name_len - 1)) {
        snprintf(msg, size,
                 "image \"%s\": tag must be letters, digits, '_', '.' and '-' (at most 128, "
                 "not starting with '.' or '-')",
                 v);
        return false;
    }
    if (name_len == 0 || name_len > 255) {
        snprintf(msg, size, "image \"%s\": the repository name must be 1 to 255 characters", v);
        return false;
    }
    const char *first_slash = memchr(value, '/', name_len);
    bool has_registry = false;
    const char *path = value;
    if (first_slash) {
        size_t dlen = (size_t)(first_slash - value);
        bool looks_domain = memchr(value, '.', dlen) || memchr(value, ':', dlen) ||
                            (dlen == 9 && memcmp(value, "localhost", 9) == 0);
        if (looks_domain) {
            if (!valid_domain(value, dlen)) {
                snprintf(msg, size, "image \"%s\": registry \"%.*s\" is not a valid host[:port]",
                         v, (int)(dlen > 60 ? 60 : dlen), value);
                return false;
            }
            has_registry = true;
            path = first_slash + 1;
        }
    }
    const char *end = value + name_len;
    if (path >= end) {
        snprintf(msg, size, "image \"%s\": the repository path after the registry is empty", v);
        return false;
    }
    while (path < end) {
        const char *slash = memchr(path, '/', (size_t)(end - path));
        size_t clen = slash ? (size_t)(slash - path) : (size_t)(end - path);
        if (!valid_path_component(path, clen)) {
            snprintf(msg, size,
                     "image \"%s\": path component \"%.*s\" must be %s", v,
                     (int)(clen > 60 ? 60 : clen), path,
                     has_upper(path, clen)
                         ? "lowercase"
                         : "lowercase letters and digits joined by '.', '_', '__' or '-'");
            return false;
        }
        path += clen + (slash ? 1 : 0);
        if (slash && path == end) {
            snprintf(msg, size, "image \"%s\": the repository path ends with '/'", v);
            return false;
        }
    }
    if (warning && warning_size) {
        tt_buf w = TT_BUF_INIT;
        if (!at && tag)
            tt_buf_puts(&w, "image uses a tag, which can move; prefer a digest (…@sha256:…)");
        else if (!at)
            tt_buf_puts(&w, "image uses a tag (:latest, implied), which can move; prefer a digest "
                            "(…@sha256:…)");
        if (!has_registry)
            tt_buf_printf(&w, "%simage has no registry, so it would come from Docker Hub; give "
                              "the full name (e.g. gcr.io/<project>/<image>)",
                          w.len ? "; " : "");
        if (w.len)
            tt_strlcpy(warning, w.data, warning_size);
        tt_buf_free(&w);
    }
    return true;
}

static bool is_ident(const char *s, size_t len)
{
    if (len == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return false;
    for (size_t i = 1; i < len; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return false;
    return true;
}

/* Dot-separated Python identifiers. */
static bool is_dotted(const char *s, size_t len)
{
    while (len > 0) {
        const char *dot = memchr(s, '.', len);
        size_t n = dot ? (size_t)(dot - s) : len;
        if (!is_ident(s, n))
            return false;
        if (!dot)
            return true;
        s += n + 1;
        len -= n + 1;
        if (len == 0)
            return false;
    }
    return false;
}

/* gunicorn's "module:attribute", the attribute optionally a call
 * ("app:create_app()"). */
static bool valid_entrypoint(const char *s)
{
    const char *colon = strchr(s, ':');
    if (!colon || !is_dotted(s, (size_t)(colon - s)))
        return false;
    const char *attr = colon + 1;
    size_t len = strlen(attr);
    const char *paren = memchr(attr, '(', len);
    if (paren) {
        if (attr[len - 1] != ')')
            return false;
        len = (size_t)(paren - attr);
    }
    return is_dotted(attr, len);
}

/* Knative reads the scale annotations as 32-bit integers; 9 digits keep
 * every accepted value below that. */
#define SCALE_MAX_DIGITS 9
#define SCALE_MAX 999999999L

/* A non-negative integer of at most SCALE_MAX_DIGITS digits: 0, else -1
 * for not an integer, -2 for one above SCALE_MAX. */
static int parse_scale(const char *s, long *out)
{
    size_t len = s ? strlen(s) : 0;
    if (len == 0)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]))
            return -1;
    if (len > SCALE_MAX_DIGITS)
        return -2;
    *out = strtol(s, NULL, 10);
    return 0;
}

static void scale_diag(release_diags *out, const char *field, const char *value, int rc)
{
    char v[80];
    if (rc == -2)
        diag_add(out, RELEASE_ERROR, field, "%s \"%s\": at most %ld", field,
                 shown(value, v, sizeof v), SCALE_MAX);
    else
        diag_add(out, RELEASE_ERROR, field, "%s \"%s\": must be a non-negative integer", field,
                 shown(value, v, sizeof v));
}

/* ---- API-key file ---------------------------------------------------- */

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

json_t *release_api_keys_load(const char *path, tt_error *err)
{
    size_t len = 0;
    char *text = tt_read_file(path, &len, 1 << 20, err);
    if (!text) {
        tt_error_prefix(err, "API-key file");
        return NULL;
    }
    json_error_t jerr;
    json_t *keys = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    tt_explicit_bzero(text, len);
    free(text);
    if (!keys) {
        /* jerr.text may quote a value: report the position only. */
        tt_error_set(err, TT_EINVAL, "API-key file %s: not valid JSON (line %d, column %d)", path,
                     jerr.line, jerr.column);
        return NULL;
    }
    if (!json_is_object(keys)) {
        tt_error_set(err, TT_EINVAL,
                     "API-key file %s: must be a JSON object {\"NAME\": \"value\", ...}, not %s",
                     path, json_type_name(keys));
        json_decref(keys);
        return NULL;
    }
    if (json_object_size(keys) == 0) {
        tt_error_set(err, TT_EINVAL, "API-key file %s: has no keys", path);
        json_decref(keys);
        return NULL;
    }
    const char *name;
    json_t *value;
    json_object_foreach(keys, name, value) {
        if (!json_is_string(value)) {
            char v[80];
            tt_error_set(err, TT_EINVAL, "API-key file %s: the value of \"%s\" must be a string, not %s",
                         path, shown(name, v, sizeof v), json_type_name(value));
            json_decref(keys);
            return NULL;
        }
    }
    return keys;
}

/* ---- validation ------------------------------------------------------ */

static void check_env(const char *env, const release_validate_options *o, release_diags *out)
{
    const char *const *envs = o->envs && o->n_envs ? o->envs : default_envs;
    size_t n = o->envs && o->n_envs ? o->n_envs : TT_ARRAY_LEN(default_envs);
    for (size_t i = 0; env && *env && i < n; i++)
        if (strcmp(envs[i], env) == 0)
            return;
    tt_buf list = TT_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        tt_buf_printf(&list, "%s%s", i ? ", " : "", envs[i]);
    char v[80];
    if (!env || !*env)
        diag_add(out, RELEASE_ERROR, RELEASE_ENV, "env is required (one of %s)", list.data);
    else
        diag_add(out, RELEASE_ERROR, RELEASE_ENV, "env \"%s\": must be one of %s",
                 shown(env, v, sizeof v), list.data);
    tt_buf_free(&list);
}

static void check_label(const char *field, const char *value, release_diags *out)
{
    char msg[512];
    if (!release_check_dns_label(field, value, msg, sizeof msg))
        diag_add(out, RELEASE_ERROR, field, "%s", msg);
}

static void check_version(const char *version, release_diags *out)
{
    char msg[512];
    if (!release_check_dns_label(RELEASE_VERSION, version, msg, sizeof msg)) {
        diag_add(out, RELEASE_ERROR, RELEASE_VERSION, "%s", msg);
        return;
    }
    size_t max = DNS_LABEL_MAX - strlen(REVISION_PREFIX);
    if (strlen(version) > max)
        diag_add(out, RELEASE_ERROR, RELEASE_VERSION,
                 "version is %zu characters; at most %zu, since the revision name "
                 "\"" REVISION_PREFIX "<version>\" must fit in %d (a DNS-1123 label)",
                 strlen(version), max, DNS_LABEL_MAX);
}

static void check_image(const char *image, release_diags *out)
{
    char msg[512], warning[512];
    if (!release_check_image(image, msg, sizeof msg, warning, sizeof warning))
        diag_add(out, RELEASE_ERROR, RELEASE_IMAGE, "%s", msg);
    else if (warning[0])
        diag_add(out, RELEASE_WARNING, RELEASE_IMAGE, "%s", warning);
}

static void check_scales(const char *min_s, const char *max_s, release_diags *out)
{
    long min = 0, max = 0;
    int min_rc = parse_scale(min_s, &min), max_rc = parse_scale(max_s, &max);
    bool min_ok = min_rc == 0, max_ok = max_rc == 0;
    if (!min_ok)
        scale_diag(out, RELEASE_MIN_SCALE, min_s ? min_s : "", min_rc);
    if (!max_ok)
        scale_diag(out, RELEASE_MAX_SCALE, max_s ? max_s : "", max_rc);
    if (!min_ok || !max_ok)
        return;
    if (max == 0)
        diag_add(out, RELEASE_WARNING, RELEASE_MAX_SCALE,
                 "maxScale 0 means no upper limit to Knative");
    else if (min > max)
        diag_add(out, RELEASE_ERROR, RELEASE_MIN_SCALE,
                 "minScale %ld is greater than maxScale %ld", min, max);
}

/* One service's bounds over the flat ones: each given value an integer,
 * and the service's own min <= max (what it ends up with). */
static void check_service_scales(const release_params *p, int imin, int imax, release_diags *out)
{
    const char *min_s = p->values[imin], *max_s = p->values[imax];
    if (!min_s && !max_s)
        return;
    long min = 0, max = 0;
    int min_rc = parse_scale(min_s ? min_s : p->values[P_MIN_SCALE], &min);
    int max_rc = parse_scale(max_s ? max_s : p->values[P_MAX_SCALE], &max);
    if (min_s && min_rc)
        scale_diag(out, param_names[imin], min_s, min_rc);
    if (max_s && max_rc)
        scale_diag(out, param_names[imax], max_s, max_rc);
    if (min_rc || max_rc)
        return;
    if (max_s && max == 0)
        diag_add(out, RELEASE_WARNING, param_names[imax],
                 "%s 0 means no upper limit to Knative", param_names[imax]);
    else if (max != 0 && min > max)
        diag_add(out, RELEASE_ERROR, param_names[min_s ? imin : imax],
                 "%s %ld is greater than %s %ld", min_s ? param_names[imin] : RELEASE_MIN_SCALE,
                 min, max_s ? param_names[imax] : RELEASE_MAX_SCALE, max);
}

static void check_api_keys(const release_params *p, release_diags *out)
{
    bool include = release_params_include_api_keys(p);
    char *path = release_params_api_keys_path(p);
    const char *given = p->values[P_API_KEYS_FILE];
    if (!include) {
        if (given && *given)
            diag_add(out, RELEASE_WARNING, RELEASE_API_KEYS_FILE,
                     "an API-key file is given but includeImageApiKeys is 'false': it is not used");
    } else if (!path) {
        diag_add(out, RELEASE_ERROR, RELEASE_API_KEYS_FILE,
                 "includeImageApiKeys is 'true' but no API-key file was given");
    } else {
        tt_error err;
        tt_error_clear(&err);
        json_t *keys = release_api_keys_load(path, &err);
        if (!keys)
            diag_add(out, RELEASE_ERROR, RELEASE_API_KEYS_FILE, "%s", err.message);
        json_decref(keys);
    }
    free(path);
}

size_t release_params_validate(const release_params *p, const release_validate_options *o,
                               release_diags *out)
{
    static const release_validate_options none;
    if (!o)
        o = &none;
    size_t before = release_diags_count(out, RELEASE_ERROR);
    char v[80];

    check_env(p->values[P_ENV], o, out);
    check_label(RELEASE_MODEL, p->values[P_MODEL], out);
    check_version(p->values[P_VERSION], out);
    check_image(p->values[P_IMAGE], out);

    const char *entry = p->values[P_ENTRYPOINT];
    if (!entry || !*entry)
        diag_add(out, RELEASE_ERROR, RELEASE_IMAGE_ENTRYPOINT,
                 "imageEntrypoint is required (module:attribute, e.g. run.deploy.worker:app)");
    else if (!valid_entrypoint(entry))
        diag_add(out, RELEASE_ERROR, RELEASE_IMAGE_ENTRYPOINT,
                 "imageEntrypoint \"%s\": must be module:attribute, e.g. run.deploy.worker:app",
                 shown(entry, v, sizeof v));

    const char *inc = p->values[P_INCLUDE_KEYS];
    if (!tt_streq(inc, "true") && !tt_streq(inc, "false"))
        diag_add(out, RELEASE_ERROR, RELEASE_INCLUDE_API_KEYS,
                 "includeImageApiKeys \"%s\": must be 'true' or 'false'",
                 shown(inc ? inc : "", v, sizeof v));

    check_scales(p->values[P_MIN_SCALE], p->values[P_MAX_SCALE], out);
    check_service_scales(p, P_STREAM_MIN_SCALE, P_STREAM_MAX_SCALE, out);
    check_service_scales(p, P_VALIDATE_MIN_SCALE, P_VALIDATE_MAX_SCALE, out);

    if (!o->skip_files) {
        const char *tpl = p->values[P_TEMPLATE_FILE];
        struct stat st;
        if (tpl && *tpl && stat(tpl, &st) != 0)
            diag_add(out, RELEASE_ERROR, RELEASE_TEMPLATE_FILE, "template file %s: %s", tpl,
                     strerror(errno));
        else if (tpl && *tpl && !S_ISREG(st.st_mode))
            diag_add(out, RELEASE_ERROR, RELEASE_TEMPLATE_FILE, "template file %s: not a file",
                     tpl);
        check_api_keys(p, out);
    }
    return release_diags_count(out, RELEASE_ERROR) - before;
}

/* ---- config file ----------------------------------------------------- */

/* Later deployment configs' names for our parameters. */
static const char *config_alias(const char *key)
{
    if (strcmp(key, "provideApiKeyAuthForLegacyContainerSupport") == 0)
        return RELEASE_INCLUDE_API_KEYS;
    return key;
}

/* The config value as a parameter string, or NULL for other types.
 * Caller frees. */
static char *config_value_string(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING: return tt_strdup(json_string_value(v));
    case JSON_INTEGER: return tt_asprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    case JSON_REAL: return tt_asprintf("%.17g", json_real_value(v));
    case JSON_TRUE: return tt_strdup("true");
    case JSON_FALSE: return tt_strdup("false");
    default: return NULL;
    }
}

int release_params_load_config(release_params *p, const char *path, release_diags *warnings,
                               tt_error *err)
{
    json_error_t jerr;
    size_t len = 0;
    tt_error rerr;
    tt_error_clear(&rerr);
    /* Read once (a --config <(...) pipe cannot be read twice) */
    char *text = tt_read_file(path, &len, 1 << 20, &rerr);
    if (!text) {
        tt_error_set(err, TT_EIO, "%s", rerr.message);
        return -1;
    }
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    free(text);
    if (!root) {
        if (jerr.line <= 0)
            tt_error_set(err, TT_EIO, "config %s: %s", path, jerr.text);
        else
            tt_error_set(err, TT_EINVAL, "config %s:%d:%d: %s", path, jerr.line, jerr.column,
                         jerr.text);
        return -1;
    }
    if (!json_is_object(root)) {
        tt_error_set(err, TT_EINVAL, "config %s: must be a JSON object keyed by parameter name, not %s",
                     path, json_type_name(root));
        json_decref(root);
        return -1;
    }
    char *dir = dir_part(path);
    int rc = 0;
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value) {
        const char *name = config_alias(key);
        char v[80];
        if (!release_params_is_known(name)) {
            if (warnings)
                diag_add(warnings, RELEASE_WARNING, "config",
                         "config %s: \"%s\" is not a release parameter; ignored", path,
                         shown(key, v, sizeof v));
            continue;
        }
        char *s = config_value_string(value);
        if (!s) {
            tt_error_set(err, TT_EINVAL, "config %s: \"%s\" must be a string, number or boolean, not %s",
                         path, key, json_type_name(value));
            rc = -1;
            break;
        }
        bool is_path = strcmp(name, RELEASE_API_KEYS_FILE) == 0 ||
                       strcmp(name, RELEASE_TEMPLATE_FILE) == 0;
        if (is_path && s[0] && s[0] != '/') {
            char *joined = tt_asprintf("%s%s", dir, s);
            free(s);
            s = joined;
        }
        release_params_set(p, name, s, NULL);
        free(s);
    }
    free(dir);
    json_decref(root);
    return rc;
}
