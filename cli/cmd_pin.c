/* ttstui pin-latest [MODEL]: show or set the model that the
 * KongClusterPlugin latest-pinned-service sends `Accept-Version: latest` to. */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli_internal.h"
#include "render.h"

#define PIN_NAME OPS_PIN_NAME

static int show(cli_session *s)
{
    tt_error err;
    tt_error_clear(&err);
    json_t *kcp = ops_get_pin(s->client, &err);
    if (!kcp && err.code)
        return cli_fail(s->cmd, &err);
    const char *m = ops_pinned_model(kcp);
    if (m)
        cli_out("latest is pinned to model %s (KongClusterPlugin %s on context %s)\n", m, PIN_NAME,
               cli_context_name(s));
    else
        cli_out("latest is not pinned: no KongClusterPlugin %s with config.latest_version on "
               "context %s\n",
               PIN_NAME, cli_context_name(s));
    json_decref(kcp);
    return CLI_EXIT_OK;
}

/* 0 when the model exists (warns when it is not Ready), -1 with err. */
static int check_model(cli_session *s, const char *model, tt_error *err)
{
    size_t ready = 0;
    if (ops_check_pin_model(s->client, model, cli_context_name(s), &ready, err) < 0)
        return -1;
    if (ready < 2)
        cli_warn(s->cmd, "model %s is not Ready (%zu of 2 services Ready)", model, ready);
    return 0;
}

static int set_pin(cli_session *s, const char *model)
{
    char *objs[] = {"KongClusterPlugin/" PIN_NAME};
    tt_error err;
    tt_error_clear(&err);
    json_t *rendered = NULL, *live = NULL, *dry = NULL;
    int result = AUDIT_FAILED, rc;
    const char *msg = NULL;
    if (cli_check_writable(s, NULL, model, &err) < 0) {
        result = AUDIT_REFUSED;
        goto out;
    }
    if (check_model(s, model, &err) < 0) {
        result = err.code == TT_EREFUSED ? AUDIT_REFUSED : AUDIT_FAILED;
        goto out;
    }
    rendered = release_render_pin(model, &err);
    if (!rendered)
        goto out;
    live = ops_get_pin(s->client, &err);
    if (!live && err.code)
        goto out;
    if (tt_streq(ops_pinned_model(live), model)) {
        cli_out("nothing to do: latest is already pinned to model %s\n", model);
        result = AUDIT_OK;
        msg = "nothing to do";
        goto out;
    }
    const json_t *obj = json_array_get(rendered, 0);
    kube_apply_opts dry_opts = {.force = s->o->force_conflicts, .dry_run = true};
    dry = kube_apply(s->client, obj, &dry_opts, NULL, &err);
    if (!dry) {
        tt_error_prefix(&err, "server-side dry run of the pin");
        goto out;
    }
    cli_out("%s latest from %s to model %s on context %s:\n",
           s->o->dry_run ? "Dry run of pinning" : "Pinning",
           ops_pinned_model(live) ? ops_pinned_model(live) : "(not pinned)", model, cli_context_name(s));
    json_t *d_arr = json_pack("[o]", cli_without_namespace(dry));
    json_t *l_arr = json_pack("[o]", live ? cli_without_namespace(live) : json_null());
    diff_result *diff = diff_compute(d_arr, l_arr, 3);
    char *text = diff_result_render(diff, s->color);
    fputs(text, stdout);
    free(text);
    diff_result_free(diff);
    json_decref(d_arr);
    json_decref(l_arr);
    if (s->o->dry_run) {
        cli_out("dry run: the server accepted the pin; nothing was stored\n");
        result = AUDIT_OK;
        msg = "dry run accepted";
        goto out;
    }
    if (!s->o->yes) {
        char *q = tt_asprintf("Pin latest to model %s on context %s?", model, cli_context_name(s));
        int c = cli_confirm(q, NULL, &err);
        free(q);
        if (c <= 0) {
            if (c == 0)
                tt_error_set(&err, TT_EREFUSED, "refused: not confirmed; nothing was changed");
            result = AUDIT_REFUSED;
            goto out;
        }
    }
    kube_apply_opts opts = {.force = s->o->force_conflicts};
    bool created = false;
    json_t *res = kube_apply(s->client, obj, &opts, &created, &err);
    if (!res)
        goto out;
    json_decref(res);
    char *label = cli_object_label(obj);
    cli_out("%s %s\n", label, created ? "created" : "configured");
    free(label);
    result = AUDIT_OK;
    msg = "pinned";
out:
    json_decref(rendered);
    json_decref(live);
    json_decref(dry);
    cli_audit(s, "pin", NULL, model, NULL, objs, 1, result, s->o->dry_run,
              result == AUDIT_OK ? msg : err.message, NULL);
    if (result == AUDIT_OK)
        return CLI_EXIT_OK;
    rc = cli_fail(s->cmd, &err);
    return rc;
}

int cli_cmd_pin(cli_session *s)
{
    const char *model = s->o->n_args ? s->o->args[0] : NULL;
    char msg[256];
    if (model && !release_check_dns_label("model", model, msg, sizeof(msg))) {
        cli_errorf(s->cmd, "%s", msg);
        return CLI_EXIT_USAGE;
    }
    tt_error err;
    tt_error_clear(&err);
    if (cli_connect(s, &err) < 0) {
        if (model) {
            char *objs[] = {"KongClusterPlugin/" PIN_NAME};
            cli_audit(s, "pin", NULL, model, NULL, objs, 1, AUDIT_FAILED, s->o->dry_run,
                      err.message, NULL);
        }
        return cli_fail(s->cmd, &err);
    }
    return model ? set_pin(s, model) : show(s);
}
