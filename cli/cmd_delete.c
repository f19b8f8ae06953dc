/* ttstui delete MODEL: deletes the release's namespace, after the model's
 * name is typed at the prompt (or --yes); --wait follows it until gone. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "cli_internal.h"
#include "health.h"

#define POLL_MS 1000

typedef struct delete_ctx {
    cli_session *s;
    const char *model;
    char *object; /* "Namespace/<model>" */
} delete_ctx;

static int finish(const delete_ctx *d, const tt_error *err, int result, const char *msg)
{
    char *objs[] = {d->object};
    if (err && result == AUDIT_FAILED && kube_error_outcome_unknown(err))
        result = AUDIT_UNKNOWN;
    cli_audit(d->s, "delete", NULL, d->model, NULL, objs, 1, result, d->s->o->dry_run,
              err ? err->message : msg, NULL);
    return err ? cli_fail(d->s->cmd, err) : CLI_EXIT_OK;
}

static const char *phase_of(const json_t *ns)
{
    const char *p = json_string_value(json_object_get(json_object_get(ns, "status"), "phase"));
    return p ? p : "Unknown";
}

static int wait_gone(const delete_ctx *d, tt_error *err)
{
    long long start = tt_now_ms();
    char last[64] = "";
    char *blockers = NULL; /* what holds it, as last printed */
    for (;;) {
        json_t *ns = kube_get(d->s->client, &KUBE_GVR_NAMESPACES, NULL, d->model, err);
        if (!ns) {
            free(blockers);
            if (err->code == 404) {
                tt_error_clear(err);
                cli_out("namespace/%s gone\n", d->model);
                return 0;
            }
            return -1;
        }
        const char *phase = phase_of(ns);
        if (strcmp(phase, last) != 0) {
            cli_out("namespace/%s phase %s\n", d->model, phase);
            tt_strlcpy(last, phase, sizeof(last));
        }
        char *now = health_namespace_blockers(ns);
        if (now && !tt_streq(now, blockers))
            cli_out("namespace/%s waiting: %s\n", d->model, now);
        free(blockers);
        blockers = now;
        fflush(stdout);
        json_decref(ns);
        if (tt_now_ms() - start >= d->s->o->timeout_ms) {
            tt_error_set(err, TT_ETIMEDOUT,
                         "timed out after %llds waiting for namespace %s to go (still %s%s%s); "
                         "the deletion goes on in the cluster",
                         d->s->o->timeout_ms / 1000, d->model, last, blockers ? ": " : "",
                         blockers ? blockers : "");
            free(blockers);
            return -1;
        }
        struct timespec ts = {POLL_MS / 1000, (POLL_MS % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static int run(delete_ctx *d)
{
    cli_session *s = d->s;
    tt_error err;
    tt_error_clear(&err);
    if (cli_connect(s, &err) < 0)
        return finish(d, &err, AUDIT_FAILED, NULL);
    if (cli_check_writable(s, NULL, d->model, &err) < 0)
        return finish(d, &err, AUDIT_REFUSED, NULL);
    json_t *ns = kube_get(s->client, &KUBE_GVR_NAMESPACES, NULL, d->model, &err);
    if (!ns) {
        if (err.code == 404)
            tt_error_set(&err, 404, "model %s not found: there is no namespace %s on context %s",
                         d->model, d->model, cli_context_name(s));
        return finish(d, &err, AUDIT_FAILED, NULL);
    }
    bool terminating = strcmp(phase_of(ns), "Terminating") == 0;
    json_decref(ns);
    if (ops_check_is_model(s->client, d->model, &err) < 0)
        return finish(d, &err, err.code == TT_EREFUSED ? AUDIT_REFUSED : AUDIT_FAILED, NULL);
    if (terminating && !s->o->wait) {
        cli_out("namespace/%s is already being deleted\n", d->model);
        return finish(d, NULL, AUDIT_OK, "already terminating");
    }
    if (!terminating) {
        cli_out("%s model %s: namespace %s and everything in it (services, revisions, secrets, "
               "routes) on context %s\n",
               s->o->dry_run ? "Dry run of deleting" : "Deleting", d->model, d->model,
               cli_context_name(s));
        tt_error pin_err;
        tt_error_clear(&pin_err);
        json_t *pin = ops_get_pin(s->client, &pin_err); /* unreadable: nothing to warn of */
        if (pin && tt_streq(ops_pinned_model(pin), d->model))
            cli_warn(s->cmd, "%s", OPS_PIN_DELETE_WARNING);
        json_decref(pin);
        if (!s->o->yes && !s->o->dry_run) {
            char *q = tt_asprintf("Type the model name (%s) to delete it", d->model);
            int c = cli_confirm(q, d->model, &err);
            free(q);
            if (c < 0)
                return finish(d, &err, AUDIT_REFUSED, NULL);
            if (c == 0) {
                tt_error_set(&err, TT_EREFUSED,
                             "refused: the typed name did not match %s; nothing was deleted",
                             d->model);
                return finish(d, &err, AUDIT_REFUSED, NULL);
            }
        }
        kube_delete_opts o = {.propagation = KUBE_PROPAGATION_BACKGROUND, .dry_run = s->o->dry_run};
        json_t *res = kube_delete(s->client, &KUBE_GVR_NAMESPACES, NULL, d->model, &o, &err);
        if (!res)
            return finish(d, &err, AUDIT_FAILED, NULL);
        json_decref(res);
        cli_out("namespace/%s deleted%s\n", d->model,
               s->o->dry_run ? " (dry run: nothing was deleted)" : "");
    }
    if (s->o->wait && wait_gone(d, &err) < 0) {
        finish(d, &err, AUDIT_FAILED, NULL);
        return err.code == TT_ETIMEDOUT ? CLI_EXIT_CHANGES : cli_exit_for(&err);
    }
    return finish(d, NULL, AUDIT_OK, s->o->wait ? "deleted and gone" : "deletion started");
}

int cli_cmd_delete(cli_session *s)
{
    delete_ctx d = {.s = s, .model = s->o->n_args ? s->o->args[0] : s->o->namespace_};
    char msg[256];
    if (!release_check_dns_label("model", d.model, msg, sizeof(msg))) {
        cli_errorf(s->cmd, "%s", msg);
        return CLI_EXIT_USAGE;
    }
    d.object = tt_asprintf("Namespace/%s", d.model);
    int rc = run(&d);
    free(d.object);
    return rc;
}
