/*
 * Changing where a model's traffic goes, shared by `ttstui traffic` (a
 * split between Ready revisions) and `ttstui rollback` (100% to one): per
 * service a merge patch of spec.traffic, every target revision checked
 * (exists, belongs to the service, Ready), a server-side dry run shown as
 * a diff with the split before and after, one confirmation, then the
 * patches, audited.
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli_internal.h"
#include "traffic.h"

typedef struct target {
    const char *service;
    json_t *live; /* the Knative Service */
    json_t *patch;
    json_t *dry;
} target;

typedef struct tr_ctx {
    cli_session *s;
    const cli_traffic_change *ch;
    target t[2];
    size_t n;
    char *objects[2];
} tr_ctx;

static int done(tr_ctx *r, int result, tt_error *err, const char *msg)
{
    if (result == AUDIT_FAILED && kube_error_outcome_unknown(err))
        result = AUDIT_UNKNOWN;
    cli_audit(r->s, r->ch->action, NULL, r->ch->model, r->ch->audit_version, r->objects, r->n,
              result, r->s->o->dry_run, result == AUDIT_OK ? msg : err->message, NULL);
    return result == AUDIT_OK ? CLI_EXIT_OK : cli_fail(r->s->cmd, err);
}

static int run(tr_ctx *r)
{
    cli_session *s = r->s;
    const cli_traffic_change *ch = r->ch;
    tt_error err;
    tt_error_clear(&err);
    if (cli_connect(s, &err) < 0)
        return done(r, AUDIT_FAILED, &err, NULL);
    if (cli_check_writable(s, NULL, ch->model, &err) < 0)
        return done(r, AUDIT_REFUSED, &err, NULL);
    size_t todo = 0;
    for (size_t i = 0; i < r->n; i++) {
        target *t = &r->t[i];
        t->live = kube_get(s->client, &KUBE_GVR_KSVC, ch->model, t->service, &err);
        if (!t->live) {
            if (err.code == 404)
                tt_error_set(&err, 404, "model %s has no Knative service %s on context %s",
                             ch->model, t->service, cli_context_name(s));
            return done(r, AUDIT_FAILED, &err, NULL);
        }
        for (size_t k = 0; k < ch->split->n; k++) {
            char *rev = traffic_entry_revision(t->service, &ch->split->entries[k]);
            char *gc = NULL;
            int rc = ops_check_rollback_revision(s->client, ch->model, t->service, rev, &gc, &err);
            /* old enough for Knative's GC: say so before it is relied on */
            if (gc && ch->split->entries[k].percent > 0)
                cli_warn(s->cmd, "%s", gc);
            free(gc);
            free(rev);
            if (rc < 0)
                return done(r, err.code == TT_EREFUSED ? AUDIT_REFUSED : AUDIT_FAILED, &err, NULL);
        }
        if (traffic_split_in_effect(t->live, t->service, ch->split))
            continue;
        todo++;
        t->patch = traffic_patch(t->service, ch->split);
        kube_write_opts wo = {.dry_run = true};
        t->dry = kube_patch_merge(s->client, &KUBE_GVR_KSVC, ch->model, t->service, t->patch, &wo,
                                  &err);
        if (!t->dry) {
            tt_error_prefix(&err, "server-side dry run of the traffic change of %s", t->service);
            return done(r, AUDIT_FAILED, &err, NULL);
        }
    }
    char *want = traffic_split_describe(ch->split);
    if (todo == 0) {
        cli_out("nothing to do: the traffic of %s already is %s\n",
               r->n > 1 ? "stream and validate" : r->t[0].service, want);
        free(want);
        return done(r, AUDIT_OK, &err, "nothing to do");
    }
    json_t *desired = json_array(), *live = json_array();
    for (size_t i = 0; i < r->n; i++) {
        if (!r->t[i].dry)
            continue;
        json_array_append(desired, r->t[i].dry);
        json_array_append(live, r->t[i].live);
    }
    diff_result *diff = diff_compute(desired, live, 3);
    json_decref(desired);
    json_decref(live);
    cli_out("%s%s model %s on context %s:\n", s->o->dry_run ? "Dry run: " : "", ch->verb, ch->model,
           cli_context_name(s));
    for (size_t i = 0; i < r->n; i++) {
        char *now = traffic_describe(r->t[i].live, r->t[i].service);
        cli_out("  %-8s %s -> %s%s\n", r->t[i].service, now, want,
               r->t[i].patch ? "" : " (already)");
        free(now);
        const char *rd = json_string_value(json_object_get(
            json_object_get(json_object_get(json_object_get(json_object_get(r->t[i].live, "spec"),
                                                            "template"),
                                            "metadata"),
                            "annotations"),
            "serving.knative.dev/rollout-duration"));
        if (!rd)
            rd = json_string_value(json_object_get(
                json_object_get(json_object_get(r->t[i].live, "metadata"), "annotations"),
                "serving.knative.dev/rollout-duration"));
        if (rd)
            cli_out("  note: %s has serving.knative.dev/rollout-duration %s: Knative moves the "
                   "traffic over that time\n",
                   r->t[i].service, rd);
    }
    char *text = diff_result_render(diff, s->color);
    fputs(text, stdout);
    free(text);
    diff_result_free(diff);
    int rc;
    if (s->o->dry_run) {
        cli_out("dry run: the server accepted the traffic change; nothing was stored\n");
        rc = done(r, AUDIT_OK, &err, "dry run accepted");
        free(want);
        return rc;
    }
    if (!s->o->yes) {
        char *q = tt_asprintf("Route the traffic of model %s (%s) as %s on context %s?", ch->model,
                              r->n > 1 ? "stream and validate" : r->t[0].service, want,
                              cli_context_name(s));
        int c = cli_confirm(q, NULL, &err);
        free(q);
        if (c <= 0) {
            free(want);
            if (c == 0)
                tt_error_set(&err, TT_EREFUSED, "refused: not confirmed; nothing was changed");
            return done(r, AUDIT_REFUSED, &err, NULL);
        }
    }
    for (size_t i = 0; i < r->n; i++) {
        target *t = &r->t[i];
        if (!t->patch)
            continue;
        json_t *res = kube_patch_merge(s->client, &KUBE_GVR_KSVC, ch->model, t->service, t->patch,
                                       NULL, &err);
        if (!res) {
            free(want);
            tt_error_prefix(&err, "routing the traffic of %s%s", t->service,
                            i > 0 && r->t[0].patch ? " (the other service was already changed)"
                                                   : "");
            return done(r, AUDIT_FAILED, &err, NULL);
        }
        json_decref(res);
        cli_out("service.serving.knative.dev/%s: traffic %s\n", t->service, want);
    }
    free(want);
    cli_out("note: the next apply of this model routes traffic back to its latest revision\n");
    return done(r, AUDIT_OK, &err, "traffic routed");
}

int cli_traffic_run(cli_session *s, const cli_traffic_change *ch)
{
    tr_ctx r = {.s = s, .ch = ch};
    if (strcmp(ch->service, "both") == 0) {
        r.t[0].service = "stream";
        r.t[1].service = "validate";
        r.n = 2;
    } else {
        r.t[0].service = ch->service;
        r.n = 1;
    }
    for (size_t i = 0; i < r.n; i++)
        r.objects[i] = tt_asprintf("Service/%s", r.t[i].service);
    int rc = run(&r);
    for (size_t i = 0; i < r.n; i++) {
        json_decref(r.t[i].live);
        json_decref(r.t[i].patch);
        json_decref(r.t[i].dry);
        free(r.objects[i]);
    }
    return rc;
}
