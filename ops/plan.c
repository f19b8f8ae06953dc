/*
 * The plan of a release (moved here from cli/plan.c, shared with the TUI): the safety rules checked against the live
 * cluster, then a server-side dry-run apply (dryRun=All) of every rendered
 * object, compared with the live objects through core/diff.
 */
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "kube_discovery.h"

#define PODSPEC_DRYRUN "features.knative.dev/podspec-dryrun"

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static const char *meta(const json_t *o, const char *k)
{
    return jstr(json_object_get(o, "metadata"), k);
}

static bool is_ksvc(const json_t *o)
{
    return tt_streq(jstr(o, "kind"), "Service") &&
           tt_str_has_prefix(jstr(o, "apiVersion") ? jstr(o, "apiVersion") : "",
                             "serving.knative.dev/");
}

static bool is_api_keys_secret(const json_t *o)
{
    return tt_streq(jstr(o, "kind"), "Secret") && tt_streq(meta(o, "name"), "api-keys");
}

static const char *revision_name(const json_t *ksvc)
{
    const json_t *t = json_object_get(json_object_get(ksvc, "spec"), "template");
    return meta(t, "name");
}

/* GET that turns 404 into "absent" (NULL, err clear). */
static json_t *get_optional(kube_client *c, const kube_gvr *gvr, const char *ns,
                            const char *name, bool *failed, tt_error *err)
{
    *failed = false;
    json_t *obj = kube_get(c, gvr, ns, name, err);
    if (!obj) {
        if (err->code == 404) {
            tt_error_clear(err);
            return NULL;
        }
        *failed = true;
    }
    return obj;
}

static void add_note(ops_plan *p, char *note)
{
    p->version_notes = tt_realloc(p->version_notes, (p->n_version_notes + 1) * sizeof(char *));
    p->version_notes[p->n_version_notes++] = note;
}

static int map_and_get(const ops_target *t, ops_plan *p, tt_error *err)
{
    for (size_t i = 0; i < p->n_items; i++) {
        ops_plan_item *it = &p->items[i];
        const char *api = jstr(it->desired, "apiVersion"), *kind = jstr(it->desired, "kind");
        if (kube_discovery_map(t->client, api, kind, &it->gvr, err) < 0) {
            tt_error_prefix(err, "%s", it->label);
            return -1;
        }
        if (it->gvr.namespaced && !p->namespace_exists)
            continue; /* nothing lives in a namespace that does not exist */
        bool failed;
        it->live = get_optional(t->client, &it->gvr, it->gvr.namespaced ? meta(it->desired, "namespace") : NULL,
                                meta(it->desired, "name"), &failed, err);
        if (failed) {
            tt_error_prefix(err, "reading %s", it->label);
            return -1;
        }
        if (tt_streq(kind, "Namespace"))
            p->namespace_exists = it->live != NULL;
    }
    return 0;
}

static char *revision_names_next_version(const ops_target *t, const char *ns, tt_error *err)
{
    json_t *list = kube_list(t->client, &KUBE_GVR_REVISIONS, ns, NULL, err);
    if (!list)
        return NULL;
    const json_t *items = json_object_get(list, "items");
    size_t n = json_array_size(items);
    const char **names = tt_calloc(n ? n : 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        names[i] = meta(json_array_get(items, i), "name");
    char *next = safety_next_version(names, n);
    free(names);
    json_decref(list);
    return next;
}

static int check_versions(const ops_target *t, ops_plan *p, tt_error *err)
{
    tt_buf refusal = TT_BUF_INIT;
    size_t n_ksvc = 0, n_same = 0;
    safety_version_check *conflicts = NULL;
    size_t n_conflicts = 0;
    int rc = 0;
    for (size_t i = 0; i < p->n_items; i++) {
        const json_t *obj = p->items[i].desired;
        if (!is_ksvc(obj))
            continue;
        n_ksvc++;
        const char *ns = meta(obj, "namespace");
        const char *rev = revision_name(obj);
        json_t *live_rev = NULL;
        if (p->namespace_exists && rev) {
            bool failed;
            live_rev = get_optional(t->client, &KUBE_GVR_REVISIONS, ns, rev, &failed, err);
            if (failed) {
                tt_error_prefix(err, "reading revision %s/%s", ns, rev);
                rc = -1;
                break;
            }
        }
        safety_version_check chk;
        if (safety_check_version(obj, live_rev, &chk, err) < 0) {
            json_decref(live_rev);
            rc = -1;
            break;
        }
        json_decref(live_rev);
        switch (chk.verdict) {
        case SAFETY_VERSION_NEW:
            add_note(p, tt_asprintf("%s: new revision", chk.revision));
            safety_version_check_clear(&chk);
            break;
        case SAFETY_VERSION_SAME:
            n_same++;
            add_note(p, tt_asprintf("%s: exists with this template", chk.revision));
            safety_version_check_clear(&chk);
            break;
        case SAFETY_VERSION_CONFLICT:
            add_note(p, tt_asprintf("%s: exists with a different template", chk.revision));
            conflicts = tt_realloc(conflicts, (n_conflicts + 1) * sizeof(*conflicts));
            conflicts[n_conflicts++] = chk;
            break;
        }
    }
    if (rc == 0 && n_conflicts > 0) {
        const char *ns = meta(p->items[0].desired, "name");
        for (size_t i = 0; i < p->n_items; i++)
            if (is_ksvc(p->items[i].desired))
                ns = meta(p->items[i].desired, "namespace");
        p->next_version = revision_names_next_version(t, ns, err);
        if (!p->next_version) {
            tt_error_prefix(err, "listing revisions in %s", ns);
            rc = -1;
        }
        for (size_t i = 0; rc == 0 && i < n_conflicts; i++) {
            char *m = safety_version_conflict_message(&conflicts[i], p->next_version);
            tt_buf_printf(&refusal, "%s%s", i ? "\n" : "", m);
            free(m);
        }
        if (rc == 0)
            p->version_refusal = tt_buf_steal(&refusal);
    }
    for (size_t i = 0; i < n_conflicts; i++)
        safety_version_check_clear(&conflicts[i]);
    free(conflicts);
    tt_buf_free(&refusal);
    p->versions_same = n_ksvc > 0 && n_same == n_ksvc;
    return rc;
}

static void check_keys(const ops_target *t, const ops_release *r, ops_plan *p)
{
    if (!r->api_keys)
        return;
    for (size_t i = 0; i < p->n_items; i++) {
        ops_plan_item *it = &p->items[i];
        if (!is_api_keys_secret(it->desired))
            continue;
        tt_error err;
        tt_error_clear(&err);
        safety_keys_diff kd;
        if (safety_compare_keys(r->api_keys, it->live, &kd, &err) == 0) {
            if (it->live && !safety_keys_same(&kd))
                p->keys_summary = safety_keys_summary(&kd);
            bool same = safety_keys_same(&kd);
            safety_keys_diff_clear(&kd);
            json_t *resolved = safety_resolve_keys(r->api_keys, it->live, t->keys_policy,
                                                   meta(it->desired, "namespace"), &err);
            if (!resolved) {
                p->keys_refusal = t->keys_hint
                                      ? tt_asprintf("%s (%s)", err.message, t->keys_hint)
                                      : tt_strdup(err.message);
                return;
            }
            json_decref(it->desired);
            it->desired = resolved;
            it->replace = it->live && !same && t->keys_policy == SAFETY_KEYS_REPLACE;
        } else {
            p->keys_refusal = tt_strdup(err.message);
        }
        return;
    }
}

/* The Secret with the live resourceVersion, for a PUT. New reference. */
static json_t *with_resource_version(const json_t *desired, const json_t *live)
{
    json_t *copy = json_deep_copy(desired);
    const char *rv = meta(live, "resourceVersion");
    if (rv)
        json_object_set_new(json_object_get(copy, "metadata"), "resourceVersion", json_string(rv));
    return copy;
}

json_t *ops_plan_send(const ops_target *t, const ops_plan_item *it, bool dry_run, bool *created,
                      tt_error *err)
{
    if (created)
        *created = false;
    if (it->replace && it->live) {
        json_t *body = with_resource_version(it->desired, it->live);
        kube_write_opts wo = {.dry_run = dry_run};
        json_t *res = kube_update(t->client, &it->gvr, meta(it->desired, "namespace"),
                                  meta(it->desired, "name"), body, &wo, err);
        json_decref(body);
        return res;
    }
    kube_apply_opts ao = {.force = t->force_conflicts, .dry_run = dry_run};
    return kube_apply(t->client, it->desired, &ao, created, err);
}

/* Every field of want is in have with the same value (arrays element by
 * element): what the server stored covers what was sent, whatever it
 * added (defaults, status, managedFields). */
static bool covers(const json_t *have, const json_t *want)
{
    if (json_is_object(want)) {
        if (!json_is_object(have))
            return false;
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)want, k, v)
            if (!covers(json_object_get(have, k), v))
                return false;
        return true;
    }
    if (json_is_array(want)) {
        if (!json_is_array(have) || json_array_size(have) != json_array_size(want))
            return false;
        for (size_t i = 0; i < json_array_size(want); i++)
            if (!covers(json_array_get(have, i), json_array_get(want, i)))
                return false;
        return true;
    }
    if (json_is_number(want) && json_is_number(have))
        return json_number_value(want) == json_number_value(have);
    return json_equal(have, want);
}

json_t *ops_plan_send_checked(const ops_target *t, const ops_plan_item *it, bool *created,
                              bool *confirmed, tt_error *err)
{
    *confirmed = false;
    json_t *res = ops_plan_send(t, it, false, created, err);
    if (res || !kube_error_outcome_unknown(err))
        return res;
    tt_error gerr;
    tt_error_clear(&gerr);
    json_t *live = kube_get(t->client, &it->gvr, meta(it->desired, "namespace"),
                            meta(it->desired, "name"), &gerr);
    bool landed = live && covers(live, it->desired);
    /* A replaced Secret holds exactly the keys sent, none left over. */
    if (landed && it->replace)
        landed = json_equal(json_object_get(live, "data"), json_object_get(it->desired, "data"));
    if (landed) {
        *confirmed = true;
        if (created)
            *created = it->live == NULL;
        tt_error_clear(err);
        return live;
    }
    json_decref(live);
    char *why = gerr.code == 404 || live
                    ? tt_strdup("a read right after shows it is not live as sent (the server "
                                "may still apply it)")
                    : tt_asprintf("it could not be read back: %s", gerr.message);
    char *orig = tt_strdup(err->message);
    tt_error_set(err, err->code, "%s; outcome unknown: %s", orig, why);
    free(orig);
    free(why);
    snprintf(err->reason, sizeof err->reason, "%s", KUBE_REASON_OUTCOME_UNKNOWN);
    return NULL;
}

static int dry_run_all(const ops_target *t, ops_plan *p, ops_plan_mode mode, tt_error *err)
{
    for (size_t i = 0; i < p->n_items; i++) {
        ops_plan_item *it = &p->items[i];
        if (it->gvr.namespaced && !p->namespace_exists) {
            it->dry_skipped = true;
            continue;
        }
        it->dry = ops_plan_send(t, it, true, NULL, err);
        if (!it->dry) {
            if (mode == OPS_PLAN_APPLY) {
                tt_error_prefix(err, "server-side dry run of %s", it->label);
                return -1;
            }
            it->dry_error = tt_strdup(err->message);
            tt_error_clear(err);
        }
    }
    return 0;
}

static void check_podspec_dryrun(const ops_target *t, ops_plan *p)
{
    for (size_t i = 0; i < p->n_items; i++) {
        const json_t *obj = p->items[i].desired;
        if (!is_ksvc(obj))
            continue;
        const char *v = jstr(json_object_get(json_object_get(obj, "metadata"), "annotations"),
                             PODSPEC_DRYRUN);
        if (tt_streq(v, "enabled")) {
            p->podspec_dryrun = 1;
            p->podspec_source = tt_strdup("annotation " PODSPEC_DRYRUN
                                          ": enabled on the rendered Services");
            return;
        }
    }
    tt_error err;
    tt_error_clear(&err);
    bool failed;
    json_t *cm = get_optional(t->client, &KUBE_GVR_CONFIGMAPS, "knative-serving",
                              "config-features", &failed, &err);
    if (failed) {
        p->podspec_dryrun = -1;
        p->podspec_source = tt_asprintf("could not read knative-serving/config-features: %s",
                                        err.message);
        return;
    }
    const char *flag = jstr(json_object_get(cm, "data"), "kubernetes.podspec-dryrun");
    if (tt_streq(flag, "enabled")) {
        p->podspec_dryrun = 1;
        p->podspec_source = tt_strdup("cluster flag kubernetes.podspec-dryrun: enabled in "
                                      "knative-serving/config-features");
    } else {
        p->podspec_dryrun = 0;
        p->podspec_source = cm ? tt_asprintf("the Services lack the annotation and "
                                             "knative-serving/config-features has "
                                             "kubernetes.podspec-dryrun: %s",
                                             flag ? flag : "(unset)")
                               : tt_strdup("the Services lack the annotation and the cluster "
                                           "has no knative-serving/config-features ConfigMap");
    }
    json_decref(cm);
}

int ops_plan_build(const ops_target *t, const ops_release *r, ops_plan_mode mode, ops_plan *p,
                   tt_error *err)
{
    memset(p, 0, sizeof(*p));
    p->namespace_exists = true;
    const char *env = ops_release_param(r, RELEASE_ENV);
    tt_error e2;
    tt_error_clear(&e2);
    if (safety_check_env_context(t->cfg, env, t->context, &e2) < 0)
        p->env_refusal = tt_strdup(e2.message);
    if (mode == OPS_PLAN_APPLY && p->env_refusal)
        return 0;

    size_t n = json_array_size(r->objects);
    p->items = tt_calloc(n ? n : 1, sizeof(*p->items));
    /* Namespace first, then the template's order. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            json_t *obj = json_array_get(r->objects, i);
            bool is_ns = tt_streq(jstr(obj, "kind"), "Namespace");
            if (is_ns != (pass == 0))
                continue;
            ops_plan_item *it = &p->items[p->n_items++];
            it->desired = json_deep_copy(obj);
            it->label = ops_object_label(obj);
            it->kind_name = ops_object_kind_name(obj);
        }
    }
    if (map_and_get(t, p, err) < 0 || check_versions(t, p, err) < 0)
        return -1;
    if (mode == OPS_PLAN_APPLY && p->version_refusal)
        return 0;
    check_keys(t, r, p);
    if (mode == OPS_PLAN_APPLY && p->keys_refusal)
        return 0;
    if (dry_run_all(t, p, mode, err) < 0)
        return -1;

    json_t *desired = json_array(), *live = json_array();
    for (size_t i = 0; i < p->n_items; i++) {
        ops_plan_item *it = &p->items[i];
        const json_t *d = it->dry ? it->dry : it->desired;
        const json_t *l = it->live ? it->live : json_null();
        if (it->gvr.namespaced) {
            json_array_append(desired, (json_t *)d);
            json_array_append(live, (json_t *)l);
        } else {
            json_array_append_new(desired, ops_without_namespace(d));
            json_array_append_new(live, ops_without_namespace(l));
        }
    }
    p->diff = diff_compute(desired, live, 3);
    json_decref(desired);
    json_decref(live);
    p->nothing_to_do = !diff_result_changed(p->diff) && !ops_plan_refusal(p);
    check_podspec_dryrun(t, p);
    return 0;
}

void ops_plan_clear(ops_plan *p)
{
    for (size_t i = 0; i < p->n_items; i++) {
        ops_plan_item *it = &p->items[i];
        json_decref(it->desired);
        json_decref(it->live);
        json_decref(it->dry);
        free(it->label);
        free(it->kind_name);
        free(it->dry_error);
    }
    free(p->items);
    diff_result_free(p->diff);
    free(p->env_refusal);
    free(p->version_refusal);
    free(p->keys_refusal);
    for (size_t i = 0; i < p->n_version_notes; i++)
        free(p->version_notes[i]);
    free(p->version_notes);
    free(p->next_version);
    free(p->keys_summary);
    free(p->podspec_source);
    memset(p, 0, sizeof(*p));
}

const char *ops_plan_refusal(const ops_plan *p)
{
    if (p->env_refusal)
        return p->env_refusal;
    if (p->version_refusal)
        return p->version_refusal;
    return p->keys_refusal;
}

char *ops_plan_dry_run_note(const ops_plan *p)
{
    tt_buf b = TT_BUF_INIT;
    size_t sent = 0, skipped = 0;
    for (size_t i = 0; i < p->n_items; i++) {
        if (p->items[i].dry)
            sent++;
        else if (p->items[i].dry_skipped)
            skipped++;
    }
    tt_buf_printf(&b,
                  "Server-side dry run (dryRun=All): %zu of %zu objects went through the API "
                  "server's defaulting, admission webhooks (Knative's validation included) and "
                  "strict field validation, and nothing was stored.\n",
                  sent, p->n_items);
    if (skipped)
        tt_buf_printf(&b,
                      "%zu objects were not sent: their namespace does not exist yet, so the "
                      "server cannot dry-run objects in it; they were checked locally only.\n",
                      skipped);
    if (p->podspec_dryrun == 1)
        tt_buf_printf(&b,
                      "Knative validated the pod specs deeply (a dry-run pod with the image and "
                      "probes): %s.\n",
                      p->podspec_source);
    else
        tt_buf_printf(&b,
                      "Knative did NOT validate the pod specs deeply (image, entry point, probes "
                      "are unchecked until the rollout): it does so in a dry run only with the "
                      "annotation " PODSPEC_DRYRUN ": enabled on the Service or the cluster flag "
                      "kubernetes.podspec-dryrun enabled (%s).\n",
                      p->podspec_source ? p->podspec_source : "unknown");
    return tt_buf_steal(&b);
}

const ops_plan_item *ops_plan_rejected(const ops_plan *p)
{
    for (size_t i = 0; i < p->n_items; i++)
        if (p->items[i].dry_error)
            return &p->items[i];
    return NULL;
}

/* The dry-run diff decides "unchanged": some servers bump the
 * resourceVersion even for an apply that changes nothing. */
const char *ops_plan_outcome(const ops_plan *p, size_t i, bool created)
{
    const diff_object *d = p->diff && i < diff_result_count(p->diff) ? diff_result_object(p->diff, i)
                                                                     : NULL;
    return created || !p->items[i].live       ? "created"
           : d && d->status == DIFF_UNCHANGED ? "unchanged"
                                              : "configured";
}

size_t ops_plan_rollout_targets(const ops_plan *p, const char **services,
                                const char **revisions, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_items && n < max; i++) {
        const json_t *o = p->items[i].desired;
        const char *api = jstr(o, "apiVersion");
        if (!tt_streq(jstr(o, "kind"), "Service") || !api || !strchr(api, '.'))
            continue;
        const char *rev = revision_name(o);
        if (!rev)
            continue;
        services[n] = meta(o, "name");
        revisions[n++] = rev;
    }
    return n;
}

char *ops_plan_result_line(const ops_plan *p)
{
    size_t add = diff_result_count_status(p->diff, DIFF_ADDED);
    size_t chg = diff_result_count_status(p->diff, DIFF_CHANGED);
    size_t same = diff_result_count_status(p->diff, DIFF_UNCHANGED);
    return tt_asprintf("would create %zu, configure %zu, leave %zu unchanged; nothing was stored",
                       add, chg, same);
}
