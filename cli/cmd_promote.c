/*
 * ttstui promote MODEL --from-context A --to-context B: the exact release
 * MODEL runs in A (image by digest, entry point, API-key setting,
 * per-service scales: ops/promote.c reads them back) released in B under
 * B's environment and B's next free version, through apply and so every
 * rule of B (read-only, env↔context, system namespaces, version rule, API
 * keys), its diff, its confirmation, --wait; audited as "promote".
 * Flags given (--env, --version, scales, --api-keys) override what is
 * taken from A.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"
#include "kube_config.h"

/* The release flag for param that the user gave, or NULL. */
static const char *given(const cli_opts *o, const char *param)
{
    const char *v = NULL;
    for (size_t i = 0; i < o->n_release; i++)
        if (tt_streq(o->release[i].param, param))
            v = o->release[i].value;
    return v;
}

/* A per-service scale bound: the source's go through the scale rule
 * (cli_opts.scales_from), so a flag given wins over them, flat or not. */
static bool service_scale(const char *param)
{
    return tt_streq(param, RELEASE_STREAM_MIN_SCALE) || tt_streq(param, RELEASE_STREAM_MAX_SCALE) ||
           tt_streq(param, RELEASE_VALIDATE_MIN_SCALE) ||
           tt_streq(param, RELEASE_VALIDATE_MAX_SCALE);
}

typedef struct flags {
    cli_release_flag *items;
    size_t n;
    char **owned;
    size_t n_owned;
} flags;

static void add(flags *f, const char *param, const char *flag, const char *value)
{
    if (!value)
        return;
    char *copy = tt_strdup(value);
    f->owned = tt_realloc(f->owned, (f->n_owned + 1) * sizeof(char *));
    f->owned[f->n_owned++] = copy;
    f->items = tt_realloc(f->items, (f->n + 1) * sizeof(*f->items));
    f->items[f->n++] = (cli_release_flag){param, flag, copy};
}

static void flags_free(flags *f)
{
    for (size_t i = 0; i < f->n_owned; i++)
        free(f->owned[i]);
    free(f->owned);
    free(f->items);
}

static int refused(cli_session *s, const char *model, tt_error *err)
{
    cli_audit(s, "promote", NULL, model, NULL, NULL, 0,
              err->code == TT_EREFUSED ? AUDIT_REFUSED : AUDIT_FAILED, s->o->dry_run,
              err->message, NULL);
    return cli_fail(s->cmd, err);
}

/* The target's version: --version, else the next free one in the target
 * (ops_promote_target_version). */
static char *target_version(cli_session *t, const char *model, const char *source_version,
                            tt_error *err)
{
    const char *v = given(t->o, RELEASE_VERSION);
    if (v)
        return tt_strdup(v);
    return ops_promote_target_version(t->client, model, source_version, err);
}

int cli_cmd_promote(cli_session *s)
{
    const cli_opts *o = s->o;
    const char *model = o->args[0];
    tt_error err;
    tt_error_clear(&err);

    /* the source, on its own client */
    kube_rest_config *src_rc = kube_rest_config_default(o->kubeconfig, o->from_context, NULL, &err);
    if (!src_rc) {
        err.code = TT_EINVAL;
        return cli_fail(s->cmd, &err);
    }
    kube_client *src = kube_client_new(src_rc, &err);
    kube_rest_config_free(src_rc);
    if (!src)
        return refused(s, model, &err);
    long long limit = o->request_timeout_ms > 0 ? o->request_timeout_ms : s->cfg->request_timeout_ms;
    if (limit > 0)
        kube_client_set_timeout_ms(src, (long)limit);
    ops_promote_source ps;
    int rc = ops_promote_read(src, o->from_context, model, &ps, &err);
    kube_client_free(src);
    if (rc < 0)
        return refused(s, model, &err);

    /* the target: the session on --to-context */
    cli_opts to = *o;
    to.context = o->to_context;
    cli_session t = *s;
    t.o = &to;
    t.client = NULL;
    t.rc = NULL;
    t.action = "promote";
    flags f = {0};
    char *version = NULL;
    rc = CLI_EXIT_OK;
    const char *env = given(o, RELEASE_ENV);
    if (!env)
        env = safety_env_of_context_err(
            s->cfg, o->to_context, "pass --env to say which hostnames the model gets there", &err);
    if (!env) {
        rc = cli_fail(s->cmd, &err);
        goto out;
    }
    if (cli_connect(&t, &err) < 0 || !(version = target_version(&t, model, ps.version, &err))) {
        rc = refused(&t, model, &err);
        goto out;
    }
    const release_facts *fa = &ps.facts;
    ops_promote_param params[OPS_PROMOTE_MAX_PARAMS];
    size_t n_params = ops_promote_params(&ps, env, model, version, params);
    for (size_t i = 0; i < n_params; i++)
        if (!service_scale(params[i].param))
            add(&f, params[i].param, cli_flag_for_param(params[i].param), params[i].value);
    release_live_scales source = {
        .min = {fa->min_scale[CHANGE_STREAM], fa->min_scale[CHANGE_VALIDATE]},
        .max = {fa->max_scale[CHANGE_STREAM], fa->max_scale[CHANGE_VALIDATE]}};
    to.scales_from = &source;
    to.scales_from_context = o->from_context;
    ops_promote_params_free(params, n_params);
    /* the flags given win (later ones win) */
    for (size_t i = 0; i < o->n_release; i++)
        add(&f, o->release[i].param, o->release[i].flag, o->release[i].value);
    to.release = f.items;
    to.n_release = f.n;
    to.no_resolve = true; /* by digest already */
    cli_out("Promoting %s version %s from context %s to context %s as version %s (env %s), "
            "image %s\n",
            model, ps.version ? ps.version : "?", o->from_context, o->to_context, version, env,
            fa->image[CHANGE_STREAM]);
    rc = cli_cmd_apply(&t);
out:
    flags_free(&f);
    free(version);
    ops_promote_source_clear(&ps);
    kube_client_free(t.client);
    kube_rest_config_free(t.rc);
    return rc;
}
