/* The release: parameters → validated → API keys read → rendered objects. */
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "render.h"

void ops_release_init(ops_release *r)
{
    memset(r, 0, sizeof(*r));
    r->params = release_params_new();
}

void ops_release_clear(ops_release *r)
{
    release_params_free(r->params);
    json_decref(r->objects);
    json_decref(r->api_keys);
    for (size_t i = 0; i < r->n_secrets; i++)
        tt_free_secret(r->secrets[i]);
    free(r->secrets);
    deploy_file_free(r->deploy);
    memset(r, 0, sizeof(*r));
}

const char *ops_release_param(const ops_release *r, const char *name)
{
    return r->params ? release_params_get(r->params, name) : NULL;
}

static void set_param(ops_release *r, const char *name, const char *value)
{
    tt_error err;
    tt_error_clear(&err);
    release_params_set(r->params, name, value, &err); /* known names only */
}

void ops_release_set_deploy(ops_release *r, deploy_file *f)
{
    deploy_file_free(r->deploy);
    r->deploy = f;
    set_param(r, RELEASE_ENV, f->env);
    set_param(r, RELEASE_MODEL, f->model);
    set_param(r, RELEASE_VERSION, f->version);
    set_param(r, RELEASE_IMAGE, f->image);
    set_param(r, RELEASE_IMAGE_ENTRYPOINT, f->image_entrypoint);
    set_param(r, RELEASE_INCLUDE_API_KEYS, f->legacy_api_key_auth ? "true" : "false");
    set_param(r, RELEASE_STREAM_MIN_SCALE, f->stream.min_scale);
    set_param(r, RELEASE_STREAM_MAX_SCALE, f->stream.max_scale);
    set_param(r, RELEASE_VALIDATE_MIN_SCALE, f->validate.min_scale);
    set_param(r, RELEASE_VALIDATE_MAX_SCALE, f->validate.max_scale);
}

int ops_release_load_file(ops_release *r, const char *path, release_diags *warnings,
                          tt_error *err)
{
    /* tt_read_file: a pipe is read once and its bytes kept for the loaders
     * below (json_load_file would leave them an empty pipe) */
    size_t len = 0;
    tt_error rerr;
    tt_error_clear(&rerr);
    char *text = tt_read_file(path, &len, 1 << 20, &rerr);
    json_error_t je;
    json_t *root = text ? json_loadb(text, len, 0, &je) : NULL;
    free(text);
    /* The deployment-file shape (a stream or validate block), unless the
     * file also sets a parameter only the flat form has (minScale,
     * includeImageApiKeys, ...): then it is today's flat config, whose
     * other blocks are warnings as before. */
    bool shape = root && deploy_file_is_shape(root);
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        if (release_params_is_known(key) && !tt_streq(key, RELEASE_ENV) &&
            !tt_streq(key, RELEASE_MODEL) && !tt_streq(key, RELEASE_VERSION) &&
            !tt_streq(key, RELEASE_IMAGE) && !tt_streq(key, RELEASE_IMAGE_ENTRYPOINT))
            shape = false;
    }
    json_decref(root);
    if (!shape)
        return release_params_load_config(r->params, path, warnings, err);
    deploy_file *f = deploy_file_load(path, err);
    if (!f)
        return -1;
    ops_release_set_deploy(r, f);
    return 0;
}

/* The parameters (the file's values, or flags given over them) back into
 * the deployment file before it is rendered. */
static void sync_deploy(ops_release *r)
{
    deploy_file *f = r->deploy;
    struct {
        const char *name;
        char **field;
    } map[] = {
        {RELEASE_ENV, &f->env},
        {RELEASE_MODEL, &f->model},
        {RELEASE_VERSION, &f->version},
        {RELEASE_IMAGE, &f->image},
        {RELEASE_IMAGE_ENTRYPOINT, &f->image_entrypoint},
        {RELEASE_STREAM_MIN_SCALE, &f->stream.min_scale},
        {RELEASE_STREAM_MAX_SCALE, &f->stream.max_scale},
        {RELEASE_VALIDATE_MIN_SCALE, &f->validate.min_scale},
        {RELEASE_VALIDATE_MAX_SCALE, &f->validate.max_scale},
    };
    for (size_t i = 0; i < TT_ARRAY_LEN(map); i++) {
        const char *v = release_params_get(r->params, map[i].name);
        if (v && !tt_streq(v, *map[i].field)) {
            free(*map[i].field);
            *map[i].field = tt_strdup(v);
        }
    }
    f->legacy_api_key_auth = release_params_include_api_keys(r->params);
}

void ops_release_apply_settings(ops_release *r, const config *cfg)
{
    tt_error err;
    tt_error_clear(&err);
    if (cfg->template_path && !release_params_get(r->params, RELEASE_TEMPLATE_FILE))
        release_params_set(r->params, RELEASE_TEMPLATE_FILE, cfg->template_path, &err);
    if (cfg->api_keys_path && !release_params_get(r->params, RELEASE_API_KEYS_FILE))
        release_params_set(r->params, RELEASE_API_KEYS_FILE, cfg->api_keys_path, &err);
}

size_t ops_release_validate(const ops_release *r, const config *cfg, release_diags *diags)
{
    const char **envs = tt_calloc(cfg->n_envs ? cfg->n_envs : 1, sizeof(char *));
    for (size_t i = 0; i < cfg->n_envs; i++)
        envs[i] = cfg->envs[i].name;
    release_validate_options vo = {.envs = envs, .n_envs = cfg->n_envs};
    size_t errors = release_params_validate(r->params, &vo, diags);
    free(envs);
    return errors;
}

static void collect_secrets(ops_release *r)
{
    const char *key;
    json_t *v;
    size_t n = json_object_size(r->api_keys);
    r->secrets = tt_calloc(n ? n : 1, sizeof(char *));
    json_object_foreach(r->api_keys, key, v) {
        if (json_is_string(v))
            r->secrets[r->n_secrets++] = tt_strdup(json_string_value(v));
    }
}

int ops_release_load_keys(ops_release *r, tt_error *err)
{
    if (!release_params_include_api_keys(r->params))
        return 0;
    char *path = release_params_api_keys_path(r->params);
    r->api_keys = path ? release_api_keys_load(path, err) : NULL;
    free(path);
    if (!r->api_keys) {
        if (!err->message[0])
            tt_error_set(err, TT_EINVAL, "no API-key file given");
        return -1;
    }
    collect_secrets(r);
    return 0;
}

int ops_release_read_live_scales(kube_client *c, const char *model, release_live_scales *out,
                                 tt_error *err)
{
    static const char *const services[RELEASE_SERVICES] = {"stream", "validate"};
    release_live_scales_init(out);
    release_facts f;
    release_facts_init(&f);
    json_t *ksvc[RELEASE_SERVICES] = {NULL, NULL};
    int failed = -1;
    for (int i = 0; i < RELEASE_SERVICES && failed < 0; i++) {
        ksvc[i] = kube_get(c, &KUBE_GVR_KSVC, model, services[i], err);
        if (ksvc[i])
            release_facts_add_object(&f, ksvc[i]);
        else if (err->code == 404) /* not live: the model, or this service */
            tt_error_clear(err);
        else
            failed = i;
    }
    if (failed >= 0) {
        tt_error_prefix(err, "reading the live scales of %s's Knative service %s", model,
                        services[failed]);
    } else {
        /* release_facts counts the services in the same order */
        out->min[RELEASE_STREAM] = f.min_scale[CHANGE_STREAM];
        out->max[RELEASE_STREAM] = f.max_scale[CHANGE_STREAM];
        out->min[RELEASE_VALIDATE] = f.min_scale[CHANGE_VALIDATE];
        out->max[RELEASE_VALIDATE] = f.max_scale[CHANGE_VALIDATE];
    }
    for (int i = 0; i < RELEASE_SERVICES; i++)
        json_decref(ksvc[i]);
    return failed >= 0 ? -1 : 0;
}

int ops_release_scales_from_live(ops_release *r, kube_client *c, release_live_scales *taken,
                                 tt_error *err)
{
    if (taken)
        release_live_scales_init(taken);
    const char *model = release_params_get(r->params, RELEASE_MODEL);
    /* A deployment file says its scales (or takes its format's defaults). */
    if (r->deploy || !model || !*model)
        return 0;
    release_live_scales live;
    if (ops_release_read_live_scales(c, model, &live, err) < 0)
        return -1;
    release_params_scales_from_live(r->params, &live, taken);
    return 0;
}

int ops_release_render(ops_release *r, tt_error *err)
{
    if (r->deploy) {
        sync_deploy(r);
        char *keys = release_params_api_keys_path(r->params);
        r->objects = release_render_deploy(r->deploy, keys, NULL, err);
        free(keys);
    } else {
        r->objects = release_render(r->params, NULL, err);
    }
    if (!r->objects) {
        if (err->code == TT_OK)
            err->code = TT_EINVAL;
        return -1;
    }
    return 0;
}
