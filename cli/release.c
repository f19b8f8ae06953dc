/* The release: --config and flags → validated parameters → rendered objects. */
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"
#include "render.h"

static void print_diags(const cli_session *s, const release_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        const release_diag *g = &d->items[i];
        const char *flag = cli_flag_for_param(g->field);
        if (g->severity == RELEASE_ERROR)
            cli_errorf(s->cmd, "error: %s: %s", flag, g->message);
        else
            cli_warn(s->cmd, "%s: %s", flag, g->message);
    }
}

/* Settings may name a default template and API-key file. */
static void apply_settings_defaults(const cli_session *s, release_params *p)
{
    tt_error err;
    tt_error_clear(&err);
    if (s->cfg->template_path && !release_params_get(p, RELEASE_TEMPLATE_FILE))
        release_params_set(p, RELEASE_TEMPLATE_FILE, s->cfg->template_path, &err);
    if (s->cfg->api_keys_path && !release_params_get(p, RELEASE_API_KEYS_FILE))
        release_params_set(p, RELEASE_API_KEYS_FILE, s->cfg->api_keys_path, &err);
}

static void collect_secrets(cli_release *r)
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

int cli_release_load(cli_session *s, cli_release *r)
{
    memset(r, 0, sizeof(*r));
    const cli_opts *o = s->o;
    tt_error err;
    tt_error_clear(&err);
    r->params = release_params_new();

    if (o->config_file) {
        release_diags warnings = RELEASE_DIAGS_INIT;
        int rc = release_params_load_config(r->params, o->config_file, &warnings, &err);
        print_diags(s, &warnings);
        release_diags_free(&warnings);
        if (rc < 0) {
            tt_error_prefix(&err, "--config");
            cli_error(s->cmd, &err);
            return CLI_EXIT_USAGE;
        }
    }
    for (size_t i = 0; i < o->n_release; i++) {
        if (release_params_set(r->params, o->release[i].param, o->release[i].value, &err) < 0) {
            tt_error_prefix(&err, "%s", o->release[i].flag);
            return cli_fail(s->cmd, &err);
        }
    }
    apply_settings_defaults(s, r->params);

    const char **envs = tt_calloc(s->cfg->n_envs ? s->cfg->n_envs : 1, sizeof(char *));
    for (size_t i = 0; i < s->cfg->n_envs; i++)
        envs[i] = s->cfg->envs[i].name;
    release_validate_options vo = {.envs = envs, .n_envs = s->cfg->n_envs};
    release_diags diags = RELEASE_DIAGS_INIT;
    size_t errors = release_params_validate(r->params, &vo, &diags);
    free(envs);
    print_diags(s, &diags);
    release_diags_free(&diags);
    if (errors > 0) {
        cli_errorf(s->cmd, "%zu invalid parameter%s: nothing was done", errors,
                   errors == 1 ? "" : "s");
        return CLI_EXIT_USAGE;
    }

    if (release_params_include_api_keys(r->params)) {
        char *path = release_params_api_keys_path(r->params);
        r->api_keys = path ? release_api_keys_load(path, &err) : NULL;
        free(path);
        if (!r->api_keys) {
            if (!err.message[0])
                tt_error_set(&err, TT_EINVAL, "no API-key file given");
            tt_error_prefix(&err, "--api-keys");
            cli_error(s->cmd, &err);
            return CLI_EXIT_USAGE;
        }
        collect_secrets(r);
    }

    r->objects = release_render(r->params, NULL, &err);
    if (!r->objects) {
        if (err.code == TT_OK)
            err.code = TT_EINVAL;
        return cli_fail(s->cmd, &err);
    }
    return CLI_EXIT_OK;
}

void cli_release_clear(cli_release *r)
{
    release_params_free(r->params);
    json_decref(r->objects);
    json_decref(r->api_keys);
    for (size_t i = 0; i < r->n_secrets; i++)
        tt_free_secret(r->secrets[i]);
    free(r->secrets);
    memset(r, 0, sizeof(*r));
}

const char *cli_release_param(const cli_release *r, const char *name)
{
    return r->params ? release_params_get(r->params, name) : NULL;
}
