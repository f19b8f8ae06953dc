/* The release: --config and flags → validated parameters → rendered
 * objects (the steps are ops/release.c's; this file prints). */
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"
#include "registry_client.h"

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

/* --image by tag: its digest now, said on stderr. */
static int resolve_image(const cli_session *s, cli_release *r)
{
    tt_error err;
    tt_error_clear(&err);
    char *from = NULL, *to = NULL;
    registry_client *rc = cli_registry_client(s);
    int st = ops_release_resolve_image(r, rc, &from, &to, &err);
    registry_client_free(rc);
    if (st < 0) {
        cli_errorf(s->cmd, "--image: %s", err.message);
        cli_errorf(s->cmd, "the image tag could not be resolved to a digest: nothing was done "
                           "(--no-resolve keeps the tag)");
        return err.code == TT_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAILED;
    }
    if (from)
        cli_outf(stderr, "ttstui %s: image %s → %s\n", s->cmd, from, to);
    free(from);
    free(to);
    return CLI_EXIT_OK;
}

/* "stream 1-32, validate maxScale 8": the bounds taken from live. */
static void print_taken(const cli_session *s, const release_live_scales *t, const char *as)
{
    static const char *const names[RELEASE_SERVICES] = {"stream", "validate"};
    tt_buf b = TT_BUF_INIT;
    for (int i = 0; i < RELEASE_SERVICES; i++) {
        const char *sep = b.len ? ", " : "";
        if (t->min[i] >= 0 && t->max[i] >= 0)
            tt_buf_printf(&b, "%s%s %d-%d", sep, names[i], t->min[i], t->max[i]);
        else if (t->min[i] >= 0)
            tt_buf_printf(&b, "%s%s minScale %d", sep, names[i], t->min[i]);
        else if (t->max[i] >= 0)
            tt_buf_printf(&b, "%s%s maxScale %d", sep, names[i], t->max[i]);
    }
    if (b.len)
        cli_outf(stderr, "ttstui %s: scale %s (no flag given): %s\n", s->cmd, as, b.data);
    tt_buf_free(&b);
}

/* A service's own scale was taken from live (the services run apart). */
static bool live_apart(const cli_release *r)
{
    static const char *const own[] = {RELEASE_STREAM_MIN_SCALE, RELEASE_STREAM_MAX_SCALE,
                                       RELEASE_VALIDATE_MIN_SCALE, RELEASE_VALIDATE_MAX_SCALE};
    for (size_t i = 0; i < TT_ARRAY_LEN(own); i++)
        if (release_params_get(r->params, own[i]) && !release_params_is_given(r->params, own[i]))
            return true;
    return false;
}

/* The scale bounds not given, as the model runs them live (promote: as
 * the source runs them). */
static int take_live_scales(cli_session *s, cli_release *r, tt_error *live)
{
    release_live_scales taken;
    if (s->o->scales_from) {
        release_params_scales_from_live(r->params, s->o->scales_from, &taken);
        char *as = tt_asprintf("as in context %s", s->o->scales_from_context);
        print_taken(s, &taken, as);
        free(as);
        return 0;
    }
    if (cli_connect(s, live) < 0 || ops_release_scales_from_live(r, s->client, &taken, live) < 0)
        return -1;
    print_taken(s, &taken, "as live");
    return 0;
}

int cli_release_load(cli_session *s, cli_release *r, tt_error *live)
{
    ops_release_init(r);
    const cli_opts *o = s->o;
    tt_error err;
    tt_error_clear(&err);

    if (o->config_file) {
        release_diags warnings = RELEASE_DIAGS_INIT;
        int rc = ops_release_load_file(r, o->config_file, &warnings, &err);
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
    ops_release_apply_settings(r, s->cfg);

    release_diags diags = RELEASE_DIAGS_INIT;
    size_t errors = ops_release_validate(r, s->cfg, &diags);
    bool again = false;
    if (errors == 0 && live) {
        if (take_live_scales(s, r, live) < 0) {
            if (live->code == TT_OK)
                live->code = TT_EPROTO;
            print_diags(s, &diags);
            release_diags_free(&diags);
            return CLI_EXIT_FAILED;
        }
        again = true;
    }
    if (errors == 0 && !o->no_resolve) {
        /* Valid: the tag to its digest, then the rules again on what will
         * be rendered (a digest has no tag warning). */
        int rc = resolve_image(s, r);
        if (rc != CLI_EXIT_OK) {
            release_diags_free(&diags);
            return rc;
        }
        again = true;
    }
    if (again) { /* the rules again on what will be rendered */
        release_diags_free(&diags);
        errors = ops_release_validate(r, s->cfg, &diags);
    }
    print_diags(s, &diags);
    release_diags_free(&diags);
    if (errors > 0) {
        cli_errorf(s->cmd, "%zu invalid parameter%s: nothing was done", errors,
                   errors == 1 ? "" : "s");
        return CLI_EXIT_USAGE;
    }
    if (ops_release_load_keys(r, &err) < 0) {
        tt_error_prefix(&err, "--api-keys");
        cli_error(s->cmd, &err);
        return CLI_EXIT_USAGE;
    }
    if (ops_release_render(r, &err) < 0) {
        int rc = cli_fail(s->cmd, &err);
        if (strstr(err.message, "has no parameter") && live_apart(r))
            cli_errorf(s->cmd, "the services run different scales live, which this template "
                               "cannot take (it has no per-service scales): give --min-scale and "
                               "--max-scale to release both alike");
        return rc;
    }
    return CLI_EXIT_OK;
}

void cli_release_clear(cli_release *r)
{
    ops_release_clear(r);
}

const char *cli_release_param(const cli_release *r, const char *name)
{
    return ops_release_param(r, name);
}
