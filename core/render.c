/*
 * libjsonnet glue: one VM per render (a VM keeps its import cache, and a
 * render must see the files as they are now), string TLAs, an import
 * callback that serves the API-key file, and error messages trimmed to
 * "template file:line:col: message".
 */
#include "render.h"

#include <errno.h>
#include <libjsonnet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render_templates.h"

#define EMBEDDED_NAME "tts.jsonnet"
#define PIN_NAME "latest-pin.jsonnet"
#define API_KEYS_IMPORT "apikeys.json"

typedef struct import_ctx {
    struct JsonnetVm *vm;
    bool embedded;        /* the template is compiled in: no file imports */
    const char *main_dir; /* the template's folder as jsonnet passes it */
    const char *api_keys; /* what 'apikeys.json' resolves to, or NULL */
    bool keys_on;
} import_ctx;

/* The folder part of path with its trailing '/', or "" (caller frees).
 * This is how jsonnet passes `base` to the import callback. */
static char *dir_part(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? tt_strndup(path, (size_t)(slash - path) + 1) : tt_strdup("");
}

/* A copy of s in memory libjsonnet owns. */
static char *vm_strdup(struct JsonnetVm *vm, const char *s, size_t len)
{
    char *copy = jsonnet_realloc(vm, NULL, len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

static char *import_fail(import_ctx *ctx, int *success, const char *msg)
{
    *success = 0;
    return vm_strdup(ctx->vm, msg, strlen(msg));
}

static char *import_file(import_ctx *ctx, const char *path, char **found_here, int *success)
{
    tt_error err;
    tt_error_clear(&err);
    size_t len = 0;
    char *text = tt_read_file(path, &len, 0, &err);
    if (!text)
        return import_fail(ctx, success, err.message);
    char *content = vm_strdup(ctx->vm, text, len);
    tt_explicit_bzero(text, len); /* may be the API-key file */
    free(text);
    *found_here = vm_strdup(ctx->vm, path, strlen(path));
    *success = 1;
    return content;
}

static char *import_callback(void *vctx, const char *base, const char *rel, char **found_here,
                             int *success)
{
    import_ctx *ctx = vctx;
    bool is_keys = tt_streq(base, ctx->main_dir) &&
                   (tt_streq(rel, API_KEYS_IMPORT) || tt_streq(rel, "./" API_KEYS_IMPORT));
    if (is_keys && ctx->api_keys)
        return import_file(ctx, ctx->api_keys, found_here, success);
    if (ctx->embedded) {
        if (is_keys && !ctx->keys_on) {
            *found_here = vm_strdup(ctx->vm, API_KEYS_IMPORT, strlen(API_KEYS_IMPORT));
            *success = 1;
            return vm_strdup(ctx->vm, "{}", 2);
        }
        if (is_keys)
            return import_fail(ctx, success,
                               "includeImageApiKeys is 'true' but no API-key file was given");
        return import_fail(ctx, success, "the embedded template cannot import files");
    }
    char *path = rel[0] == '/' ? tt_strdup(rel) : tt_asprintf("%s%s", base, rel);
    char *content = import_file(ctx, path, found_here, success);
    free(path);
    return content;
}

/* ---- errors ---------------------------------------------------------- */

static void rstrip(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

/* True for "file:12:5-20" (a source location), false for frames such as
 * "Top-level function" or "During manifestation". */
static bool is_location(const char *s, size_t len)
{
    const char *colon = memchr(s, ':', len);
    return colon && colon + 1 < s + len && colon[1] >= '0' && colon[1] <= '9';
}

/* The first stack-trace location outside the standard library, e.g.
 * "tts.jsonnet:12:5-20" from "\ttts.jsonnet:12:5-20\tfunction <x>". */
static char *first_frame(const char *trace)
{
    char *fallback = NULL;
    for (const char *line = trace; line && *line;) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (len > 1 && line[0] == '\t') {
            const char *loc = line + 1;
            const char *tab = memchr(loc, '\t', len - 1);
            size_t loc_len = tab ? (size_t)(tab - loc) : len - 1;
            if (is_location(loc, loc_len)) {
                if (!tt_str_has_prefix(loc, "std.jsonnet:")) {
                    free(fallback);
                    return tt_strndup(loc, loc_len);
                }
                if (!fallback)
                    fallback = tt_strndup(loc, loc_len);
            }
        }
        line = eol ? eol + 1 : NULL;
    }
    return fallback;
}

/* Replaces every occurrence of needle in *s by "***". */
static void scrub(char **s, const char *needle)
{
    size_t nlen = strlen(needle);
    if (nlen < 3 || !strstr(*s, needle))
        return;
    tt_buf b = TT_BUF_INIT;
    const char *p = *s, *hit;
    while ((hit = strstr(p, needle))) {
        tt_buf_append(&b, p, (size_t)(hit - p));
        tt_buf_puts(&b, "***");
        p = hit + nlen;
    }
    tt_buf_puts(&b, p);
    free(*s);
    *s = tt_buf_steal(&b);
}

/* Removes API-key values, plain and base64, from a message. */
static void scrub_api_keys(char **msg, const char *api_keys_path)
{
    if (!api_keys_path)
        return;
    json_t *keys = release_api_keys_load(api_keys_path, NULL);
    const char *name;
    json_t *value;
    json_object_foreach(keys, name, value) {
        const char *secret = json_string_value(value);
        scrub(msg, secret);
        char *b64 = tt_base64_encode(secret, strlen(secret));
        scrub(msg, b64);
        free(b64);
    }
    json_decref(keys);
}

/* Turns libjsonnet's report into "template <where>: <what>". */
static void set_jsonnet_error(tt_error *err, const char *name, const char *report,
                              const char *api_keys_path)
{
    static const char runtime[] = "RUNTIME ERROR: ", static_err[] = "STATIC ERROR: ";
    char *msg;
    if (tt_str_has_prefix(report, static_err)) {
        msg = tt_strdup(report + strlen(static_err));
        char *nl = strchr(msg, '\n');
        if (nl)
            *nl = '\0';
    } else {
        const char *body = report;
        if (tt_str_has_prefix(report, runtime))
            body += strlen(runtime);
        const char *nl = strchr(body, '\n');
        char *what = nl ? tt_strndup(body, (size_t)(nl - body)) : tt_strdup(body);
        char *where = first_frame(nl ? nl + 1 : NULL);
        msg = tt_asprintf("%s: %s", where ? where : name, what);
        free(what);
        free(where);
    }
    rstrip(msg);
    scrub_api_keys(&msg, api_keys_path);
    tt_error_set(err, TT_EINVAL, "template %s", msg);
    free(msg);
}

/* ---- output ---------------------------------------------------------- */

static bool is_list(const json_t *obj)
{
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    return kind && tt_str_has_suffix(kind, "List") && json_is_array(json_object_get(obj, "items"));
}

json_t *render_normalise(json_t *value, tt_error *err)
{
    json_t *docs;
    if (json_is_array(value)) {
        docs = value;
    } else if (json_is_object(value) && is_list(value)) {
        docs = json_incref(json_object_get(value, "items"));
        json_decref(value);
    } else if (json_is_object(value) && json_object_get(value, "kind")) {
        docs = json_array();
        json_array_append_new(docs, value);
    } else {
        tt_error_set(err, TT_EINVAL,
                     "template output must be an array of Kubernetes objects, a List or one "
                     "object with a kind; got %s",
                     json_is_object(value) ? "an object without kind" : "another JSON value");
        json_decref(value);
        return NULL;
    }
    size_t i;
    json_t *obj;
    json_array_foreach(docs, i, obj) {
        const char *problem = NULL;
        if (!json_is_object(obj))
            problem = "is not an object";
        else if (!json_is_string(json_object_get(obj, "apiVersion")))
            problem = "has no apiVersion";
        else if (!json_is_string(json_object_get(obj, "kind")))
            problem = "has no kind";
        if (problem) {
            tt_error_set(err, TT_EINVAL, "template output: element %zu %s", i, problem);
            json_decref(docs);
            return NULL;
        }
    }
    return docs;
}

/* ---- evaluation ------------------------------------------------------ */

typedef struct eval_spec {
    const char *name;      /* file name in messages; its folder is the import base */
    const char *text;      /* source, when not a file */
    const char *file_path; /* evaluate this file instead */
    bool embedded;         /* compiled-in text: no file imports */
    const char *api_keys;  /* what 'apikeys.json' resolves to, or NULL */
    const char *scrub_keys; /* API-key file whose values never appear in errors */
    bool keys_on;
} eval_spec;

static json_t *evaluate(const eval_spec *e, const release_tla *tlas, size_t n_tlas,
                        const render_options *o, tt_error *err)
{
    struct JsonnetVm *vm = jsonnet_make();
    jsonnet_max_stack(vm, o && o->max_stack ? o->max_stack : 500);
    jsonnet_max_trace(vm, o && o->max_trace ? o->max_trace : 20);
    for (size_t i = 0; i < n_tlas; i++)
        jsonnet_tla_var(vm, tlas[i].name, tlas[i].value);
    char *main_dir = dir_part(e->name);
    import_ctx ctx = {vm, e->embedded, main_dir, e->api_keys, e->keys_on};
    jsonnet_import_callback(vm, import_callback, &ctx);

    int failed = 0;
    char *out = e->file_path ? jsonnet_evaluate_file(vm, e->file_path, &failed)
                             : jsonnet_evaluate_snippet(vm, e->name, e->text, &failed);
    json_t *docs = NULL;
    if (failed) {
        set_jsonnet_error(err, e->name, out, e->scrub_keys);
    } else {
        json_error_t jerr;
        json_t *value = json_loads(out, JSON_DECODE_ANY, &jerr);
        if (!value)
            tt_error_set(err, TT_EPROTO, "template %s: output is not JSON (line %d)", e->name,
                         jerr.line);
        else
            docs = render_normalise(value, err);
    }
    if (out) {
        tt_explicit_bzero(out, strlen(out)); /* may hold API keys */
        jsonnet_realloc(vm, out, 0);
    }
    jsonnet_destroy(vm);
    free(main_dir);
    return docs;
}

json_t *render_jsonnet_snippet(const char *name, const char *text, const release_tla *tlas,
                               size_t n_tlas, const render_options *o, tt_error *err)
{
    eval_spec e = {.name = name, .text = text};
    return evaluate(&e, tlas, n_tlas, o, err);
}

const char *render_default_template(size_t *len)
{
    if (len)
        *len = render_template_tts_len;
    return render_template_tts;
}

static const char *const required[] = {RELEASE_ENV, RELEASE_MODEL, RELEASE_VERSION, RELEASE_IMAGE};

json_t *release_render(const release_params *p, const render_options *o, tt_error *err)
{
    for (size_t i = 0; i < TT_ARRAY_LEN(required); i++) {
        const char *v = release_params_get(p, required[i]);
        if (!v || !*v) {
            tt_error_set(err, TT_EINVAL, "cannot render: %s is not set", required[i]);
            return NULL;
        }
    }
    release_tla tlas[RELEASE_TLA_COUNT];
    size_t n = release_params_tlas(p, tlas);
    const char *tpl = release_params_get(p, RELEASE_TEMPLATE_FILE);
    const char *keys = release_params_get(p, RELEASE_API_KEYS_FILE);
    char *effective_keys = release_params_api_keys_path(p);
    bool keys_on = release_params_include_api_keys(p);
    if (keys_on) {
        /* Checked here with our own messages, which never quote a value
         * (the engine's JSON errors may quote part of one). */
        if (!effective_keys) {
            tt_error_set(err, TT_EINVAL,
                         "cannot render: includeImageApiKeys is 'true' but no API-key file was given");
            return NULL;
        }
        json_t *checked = release_api_keys_load(effective_keys, err);
        if (!checked) {
            free(effective_keys);
            return NULL;
        }
        json_decref(checked);
    }
    eval_spec e = {
        .api_keys = keys && *keys ? keys : NULL,
        .scrub_keys = effective_keys,
        .keys_on = keys_on,
    };
    json_t *docs = NULL;
    if (tpl && *tpl) {
        e.name = e.file_path = tpl;
        if (access(tpl, R_OK) != 0)
            tt_error_set(err, TT_EIO, "template file %s: %s", tpl, strerror(errno));
        else
            docs = evaluate(&e, tlas, n, o, err);
    } else {
        e.name = EMBEDDED_NAME;
        e.text = render_template_tts;
        e.embedded = true;
        docs = evaluate(&e, tlas, n, o, err);
    }
    free(effective_keys);
    return docs;
}

#define DEPLOY_NAME "tts-deploy.jsonnet"

const char *render_deploy_template(size_t *len)
{
    if (len)
        *len = render_template_tts_deploy_len;
    return render_template_tts_deploy;
}

json_t *release_render_deploy(const deploy_file *f, const char *api_keys_file,
                              const render_options *o, tt_error *err)
{
    bool keys_on = f->legacy_api_key_auth;
    if (keys_on) {
        if (!api_keys_file || !*api_keys_file) {
            tt_error_set(err, TT_EINVAL,
                         "cannot render %s: provideApiKeyAuthForLegacyContainerSupport is true "
                         "but no API-key file was given",
                         f->path ? f->path : f->model);
            return NULL;
        }
        json_t *checked = release_api_keys_load(api_keys_file, err);
        if (!checked)
            return NULL;
        json_decref(checked);
    }
    json_t *cfg = deploy_file_to_json(f);
    char *text = json_dumps(cfg, JSON_COMPACT);
    json_decref(cfg);
    release_tla tla = {"config", text};
    eval_spec e = {
        .name = DEPLOY_NAME,
        .text = render_template_tts_deploy,
        .embedded = true,
        .api_keys = keys_on ? api_keys_file : NULL,
        .scrub_keys = keys_on ? api_keys_file : NULL,
        .keys_on = keys_on,
    };
    json_t *docs = evaluate(&e, &tla, 1, o, err);
    free(text);
    return docs;
}

json_t *release_render_pin(const char *model, tt_error *err)
{
    char msg[512];
    if (!release_check_dns_label("model", model, msg, sizeof msg)) {
        tt_error_set(err, TT_EINVAL, "cannot pin latest: %s", msg);
        return NULL;
    }
    release_tla tla = {"latestVersion", model};
    eval_spec e = {.name = PIN_NAME, .text = render_template_latest_pin, .embedded = true};
    return evaluate(&e, &tla, 1, NULL, err);
}
