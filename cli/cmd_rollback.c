/*
 * ttstui rollback MODEL --service stream|validate|both (--to-version V |
 * --to-revision NAME): routes 100% of a service's traffic to an earlier
 * Ready revision with a merge patch of spec.traffic, shown as a diff and
 * confirmed like any change.
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli_internal.h"

typedef struct target {
    const char *service;
    char *revision;
    json_t *live;  /* the Knative Service */
    json_t *patch;
    json_t *dry;
} target;

static void target_clear(target *t)
{
    free(t->revision);
    json_decref(t->live);
    json_decref(t->patch);
    json_decref(t->dry);
}

typedef struct rb_ctx {
    cli_session *s;
    const char *model;
    target t[2];
    size_t n;
    char *objects[2];
} rb_ctx;

static int done(rb_ctx *r, int result, tt_error *err, const char *msg)
{
    const cli_opts *o = r->s->o;
    cli_audit(r->s, "rollback", NULL, r->model, o->to_version ? o->to_version : o->to_revision,
              r->objects, r->n, result, o->dry_run, result == AUDIT_OK ? msg : err->message, NULL);
    return result == AUDIT_OK ? CLI_EXIT_OK : cli_fail(r->s->cmd, err);
}

static int run(rb_ctx *r)
{
    cli_session *s = r->s;
    tt_error err;
    tt_error_clear(&err);
    if (cli_connect(s, &err) < 0)
        return done(r, AUDIT_FAILED, &err, NULL);
    if (!s->o->dry_run && cli_check_writable(s, NULL, &err) < 0)
        return done(r, AUDIT_REFUSED, &err, NULL);
    size_t todo = 0;
    for (size_t i = 0; i < r->n; i++) {
        target *t = &r->t[i];
        t->live = kube_get(s->client, &KUBE_GVR_KSVC, r->model, t->service, &err);
        if (!t->live) {
            if (err.code == 404)
                tt_error_set(&err, 404, "model %s has no Knative service %s on context %s",
                             r->model, t->service, cli_context_name(s));
            return done(r, AUDIT_FAILED, &err, NULL);
        }
        if (ops_check_rollback_revision(s->client, r->model, t->service, t->revision, &err) < 0)
            return done(r, err.code == TT_EREFUSED ? AUDIT_REFUSED : AUDIT_FAILED, &err, NULL);
        if (ops_already_routed(t->live, t->revision))
            continue;
        todo++;
        t->patch = ops_rollback_patch(t->revision);
        kube_write_opts wo = {.dry_run = true};
        t->dry = kube_patch_merge(s->client, &KUBE_GVR_KSVC, r->model, t->service, t->patch, &wo,
                                  &err);
        if (!t->dry) {
            tt_error_prefix(&err, "server-side dry run of the traffic change of %s", t->service);
            return done(r, AUDIT_FAILED, &err, NULL);
        }
    }
    if (todo == 0) {
        printf("nothing to do: all traffic already goes to");
        for (size_t i = 0; i < r->n; i++)
            printf(" %s", r->t[i].revision);
        printf("\n");
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
    printf("%s model %s on context %s:\n", s->o->dry_run ? "Dry run of rolling back" : "Rolling back",
           r->model, cli_context_name(s));
    char *text = diff_result_render(diff, s->color);
    fputs(text, stdout);
    free(text);
    diff_result_free(diff);
    if (s->o->dry_run) {
        printf("dry run: the server accepted the traffic change; nothing was stored\n");
        return done(r, AUDIT_OK, &err, "dry run accepted");
    }
    if (!s->o->yes) {
        char *q = tt_asprintf("Route 100%% of the traffic of model %s (%s) to %s%s%s on context %s?",
                              r->model, s->o->service, r->t[0].revision, r->n > 1 ? " and " : "",
                              r->n > 1 ? r->t[1].revision : "", cli_context_name(s));
        int c = cli_confirm(q, NULL, &err);
        free(q);
        if (c <= 0) {
            if (c == 0)
                tt_error_set(&err, TT_EREFUSED, "refused: not confirmed; nothing was changed");
            return done(r, AUDIT_REFUSED, &err, NULL);
        }
    }
    for (size_t i = 0; i < r->n; i++) {
        target *t = &r->t[i];
        if (!t->patch)
            continue;
        json_t *res = kube_patch_merge(s->client, &KUBE_GVR_KSVC, r->model, t->service, t->patch,
                                       NULL, &err);
        if (!res) {
            tt_error_prefix(&err, "routing traffic of %s to %s%s", t->service, t->revision,
                            i > 0 ? " (the other service was already changed)" : "");
            return done(r, AUDIT_FAILED, &err, NULL);
        }
        json_decref(res);
        printf("service.serving.knative.dev/%s: 100%% of traffic to %s\n", t->service, t->revision);
    }
    printf("note: the next apply of this model routes traffic back to its latest revision\n");
    return done(r, AUDIT_OK, &err, "traffic routed");
}

int cli_cmd_rollback(cli_session *s)
{
    rb_ctx r = {.s = s, .model = s->o->n_args ? s->o->args[0] : s->o->namespace_};
    char msg[256];
    if (!release_check_dns_label("model", r.model, msg, sizeof(msg))) {
        cli_errorf(s->cmd, "%s", msg);
        return CLI_EXIT_USAGE;
    }
    if (s->o->to_version && !release_check_dns_label("--to-version", s->o->to_version, msg, sizeof(msg))) {
        cli_errorf(s->cmd, "%s", msg);
        return CLI_EXIT_USAGE;
    }
    const char *services[2];
    if (strcmp(s->o->service, "both") == 0) {
        services[0] = "stream";
        services[1] = "validate";
        r.n = 2;
    } else {
        services[0] = s->o->service;
        r.n = 1;
    }
    for (size_t i = 0; i < r.n; i++) {
        r.t[i].service = services[i];
        r.t[i].revision = s->o->to_revision ? tt_strdup(s->o->to_revision)
                                            : tt_asprintf("%s-%s", services[i], s->o->to_version);
        r.objects[i] = tt_asprintf("Service/%s", services[i]);
    }
    int rc = run(&r);
    for (size_t i = 0; i < r.n; i++) {
        target_clear(&r.t[i]);
        free(r.objects[i]);
    }
    return rc;
}
