/* Jobs: where the chosen services' traffic (j->services) goes, as
 * `ttstui traffic` and `ttstui rollback` change it (cli/traffic.c): a
 * split between Ready revisions ("3=90 4=10" in j->version), or a
 * rollback (all of it to version j->version). Every revision checked
 * (exists, belongs to the service, Ready), a server-side dry run, then
 * the merge patch of spec.traffic; a service not chosen is left alone;
 * audited. */
#include <string.h>

#include "bk.h"
#include "traffic.h"

/* The split's words, split on spaces (parsed by core/traffic.c). */
static int parse_split(const char *text, traffic_split *split, tt_error *err)
{
    char *copy = tt_strdup(text ? text : "");
    char *words[64];
    size_t n = 0;
    char *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w && n < 64; w = strtok_r(NULL, " ", &save))
        words[n++] = w;
    int rc = traffic_split_parse(words, n, NULL, 0, split, err);
    free(copy);
    return rc;
}

/* Sends split to the chosen services, audited as action. A rollback's
 * steps name the revision ("traffic of stream to stream-3"), a split's
 * the split. split NULL: j->version was not a split, bad_split says why
 * (after the context's read-only rules). */
static void route(job *j, const char *action, const traffic_split *split,
                  const tt_error *bad_split)
{
    bool rollback = tt_streq(action, "rollback");
    tt_error e;
    tt_error_clear(&e);
    tt_error *err = &e;
    static const char *const services[] = {"stream", "validate"};
    audit_result result = AUDIT_FAILED;
    kube_client *c = NULL;
    json_t *live[2] = {NULL, NULL};
    if (bk_check_writable(j, NULL, j->model, err) < 0) {
        result = AUDIT_REFUSED;
        goto out;
    }
    if (!split) {
        *err = *bad_split;
        result = AUDIT_REFUSED;
        goto out;
    }
    c = bk_client_for(j->kb, j->rc, &j->cancel, err);
    if (!c)
        goto out;
    for (int i = 0; i < 2; i++) {
        if (!(j->services & (i == 0 ? TUI_SERVICE_STREAM : TUI_SERVICE_VALIDATE)))
            continue; /* left alone */
        live[i] = kube_get(c, &KUBE_GVR_KSVC, j->model, services[i], err);
        if (!live[i]) {
            if (err->code == 404)
                tt_error_set(err, 404, "model %s has no Knative service %s", j->model, services[i]);
            goto out;
        }
        for (size_t k = 0; k < split->n; k++) {
            char *rev = traffic_entry_revision(services[i], &split->entries[k]);
            int rc = ops_check_rollback_revision(c, j->model, services[i], rev, NULL, err);
            free(rev);
            if (rc < 0) {
                result = err->code == TT_EREFUSED ? AUDIT_REFUSED : AUDIT_FAILED;
                goto out;
            }
        }
    }
    char *want = traffic_split_describe(split);
    for (int i = 0; i < 2; i++) {
        if (!live[i])
            continue;
        char *rev = traffic_entry_revision(services[i], &split->entries[0]);
        char *step = rollback ? tt_asprintf("traffic of %s to %s", services[i], rev)
                              : tt_asprintf("traffic of %s", services[i]);
        if (traffic_split_in_effect(live[i], services[i], split)) {
            bk_job_progress(j, step, TUI_STEP_OK, rollback ? "already 100%" : "already so");
            free(step);
            free(rev);
            continue;
        }
        bk_job_progress(j, step, TUI_STEP_RUNNING, NULL);
        json_t *patch = traffic_patch(services[i], split);
        kube_write_opts dry = {.dry_run = true};
        json_t *res = kube_patch_merge(c, &KUBE_GVR_KSVC, j->model, services[i], patch, &dry, err);
        if (res) {
            json_decref(res);
            res = kube_patch_merge(c, &KUBE_GVR_KSVC, j->model, services[i], patch, NULL, err);
        }
        json_decref(patch);
        if (!res) {
            bk_job_progress(j, step, TUI_STEP_FAILED, err->message);
            const char *done_before = i > 0 && live[0] ? " (stream was already changed)" : "";
            if (rollback)
                tt_error_prefix(err, "routing traffic of %s to %s%s", services[i], rev,
                                done_before);
            else
                tt_error_prefix(err, "splitting the traffic of %s%s", services[i], done_before);
            free(step);
            free(rev);
            free(want);
            goto out;
        }
        json_decref(res);
        bk_job_progress(j, step, TUI_STEP_OK, rollback ? "100%" : want);
        free(step);
        free(rev);
    }
    free(want);
    result = AUDIT_OK;
out:;
    char *objs[2];
    size_t n_objs = 0;
    for (int i = 0; i < 2; i++)
        if (j->services & (i == 0 ? TUI_SERVICE_STREAM : TUI_SERVICE_VALIDATE))
            objs[n_objs++] = i == 0 ? "Service/stream" : "Service/validate";
    if (result != AUDIT_OK && kube_error_outcome_unknown(err))
        result = AUDIT_UNKNOWN;
    bk_audit(j, c, action, NULL, j->model, j->version, objs, n_objs, result,
             result == AUDIT_OK ? "traffic routed" : err->message, NULL);
    bk_job_done(j, result == AUDIT_OK ? NULL : err);
    for (int i = 0; i < 2; i++)
        json_decref(live[i]);
    kube_client_free(c);
}

void bk_run_traffic(job *j)
{
    tt_error bad;
    tt_error_clear(&bad);
    traffic_split split = {0};
    bool parsed = parse_split(j->version, &split, &bad) == 0;
    route(j, "traffic", parsed ? &split : NULL, &bad);
    traffic_split_clear(&split);
}

void bk_run_rollback(job *j)
{
    traffic_split split;
    traffic_split_single(&split, j->version, NULL);
    route(j, "rollback", &split, NULL);
    traffic_split_clear(&split);
}
