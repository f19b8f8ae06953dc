/*
 * Release parameters: a fixed table of named string slots, validation
 * rules of spec/release-manifests.md (the rules of one value, a DNS label
 * and an image reference, in release_check.c), and the --config loader.
 */
#include "release_params.h"
#include "release_params_int.h"

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

/* The longer of the two revision names is "validate-<version>". */
#define REVISION_PREFIX "validate-"

static const char *const default_envs[] = {"staging", "prod"};

/* Where a value came from. */
enum { FROM_DEFAULT, FROM_GIVEN, FROM_LIVE };

struct release_params {
    char *values[P_COUNT];
    unsigned char from[P_COUNT];
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
    for (int i = 0; i < P_COUNT; i++) {
        c->values[i] = tt_strdup(p->values[i]);
        c->from[i] = p->from[i];
    }
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
    p->from[i] = value ? FROM_GIVEN : FROM_DEFAULT;
    return 0;
}

bool release_params_is_given(const release_params *p, const char *name)
{
    int i = param_index(name);
    return i >= 0 && p->from[i] == FROM_GIVEN;
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

/* " (as live)" after a bound the model's live release gave, else "". */
static const char *live_mark(const release_params *p, int i)
{
    return p->from[i] == FROM_LIVE ? " (as live)" : "";
}

static void check_scales(const release_params *p, release_diags *out)
{
    const char *min_s = p->values[P_MIN_SCALE], *max_s = p->values[P_MAX_SCALE];
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
                 "minScale %ld%s is greater than maxScale %ld%s", min, live_mark(p, P_MIN_SCALE),
                 max, live_mark(p, P_MAX_SCALE));
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
    int min_i = min_s ? imin : P_MIN_SCALE, max_i = max_s ? imax : P_MAX_SCALE;
    if (max_s && max == 0)
        diag_add(out, RELEASE_WARNING, param_names[imax],
                 "%s 0 means no upper limit to Knative", param_names[imax]);
    else if (max != 0 && min > max)
        diag_add(out, RELEASE_ERROR, param_names[min_s ? imin : imax],
                 "%s %ld%s is greater than %s %ld%s", param_names[min_i], min,
                 live_mark(p, min_i), param_names[max_i], max, live_mark(p, max_i));
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

    check_scales(p, out);
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

/* ---- scales from what is live ---------------------------------------- */

void release_live_scales_init(release_live_scales *l)
{
    for (int s = 0; s < RELEASE_SERVICES; s++)
        l->min[s] = l->max[s] = -1;
}

/* Sets slot i to what is live (not given). */
static void set_live(release_params *p, int i, int value)
{
    free(p->values[i]);
    p->values[i] = value < 0 ? tt_strdup(param_defaults[i]) : tt_asprintf("%d", value);
    p->from[i] = value < 0 ? FROM_DEFAULT : FROM_LIVE;
}

/* Each service's own scale parameters: [service][0 min, 1 max]. */
static const int own[RELEASE_SERVICES][2] = {{P_STREAM_MIN_SCALE, P_STREAM_MAX_SCALE},
                                             {P_VALIDATE_MIN_SCALE, P_VALIDATE_MAX_SCALE}};

size_t release_params_scales_from_live(release_params *p, const release_live_scales *live,
                                       release_live_scales *taken)
{
    static const int flat[2] = {P_MIN_SCALE, P_MAX_SCALE};
    release_live_scales t;
    release_live_scales_init(&t);
    size_t n = 0;
    for (int b = 0; b < 2; b++) {
        if (p->from[flat[b]] == FROM_GIVEN)
            continue; /* --min-scale/--max-scale: both services' */
        int v[RELEASE_SERVICES];
        for (int s = 0; s < RELEASE_SERVICES; s++) {
            const int *bound = b ? live->max : live->min;
            v[s] = p->from[own[s][b]] == FROM_GIVEN ? -1 : bound[s];
            (b ? t.max : t.min)[s] = v[s];
            n += v[s] >= 0;
        }
        /* Both services as live and alike: the flat parameter (a template
         * without the per-service ones still renders); else each its own. */
        bool alike = v[0] >= 0 && v[0] == v[1];
        set_live(p, flat[b], alike ? v[0] : -1);
        for (int s = 0; s < RELEASE_SERVICES; s++)
            if (p->from[own[s][b]] != FROM_GIVEN) {
                free(p->values[own[s][b]]);
                p->values[own[s][b]] = alike || v[s] < 0 ? NULL : tt_asprintf("%d", v[s]);
                p->from[own[s][b]] = p->values[own[s][b]] ? FROM_LIVE : FROM_DEFAULT;
            }
    }
    if (taken)
        *taken = t;
    return n;
}

const char *release_params_service_scale(const release_params *p, int service, bool max)
{
    if (service < 0 || service >= RELEASE_SERVICES)
        return NULL;
    const char *v = p->values[own[service][max]];
    return v ? v : p->values[max ? P_MAX_SCALE : P_MIN_SCALE];
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
