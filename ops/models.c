/* The checks of delete, rollback and pin-latest against the cluster. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet.h"
#include "ops.h"

static const char *meta_name(const json_t *obj)
{
    return json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
}

int ops_check_is_model(kube_client *c, const char *model, tt_error *err)
{
    json_t *list = kube_list(c, &KUBE_GVR_KSVC, model, NULL, err);
    if (!list)
        return -1;
    bool found = false;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(list, "items"), i, it) {
        const char *n = meta_name(it);
        found |= tt_streq(n, "stream") || tt_streq(n, "validate");
    }
    json_decref(list);
    if (!found) {
        tt_error_set(err, TT_EREFUSED,
                     "refused: namespace %s holds no Knative service stream or validate, so it "
                     "is not a ttstui model; nothing was deleted (use kubectl for other "
                     "namespaces)",
                     model);
        return -1;
    }
    return 0;
}

int ops_check_rollback_revision(kube_client *c, const char *model, const char *service,
                                const char *revision, char **gc_warning, tt_error *err)
{
    if (gc_warning)
        *gc_warning = NULL;
    json_t *rev = kube_get(c, &KUBE_GVR_REVISIONS, model, revision, err);
    if (!rev) {
        if (err->code == 404)
            tt_error_set(err, TT_EREFUSED,
                         "refused: revision %s does not exist in model %s; nothing was changed",
                         revision, model);
        return -1;
    }
    const char *owner = json_string_value(json_object_get(
        json_object_get(json_object_get(rev, "metadata"), "labels"), "serving.knative.dev/service"));
    const json_t *cond = fleet_find_condition(rev, "Ready");
    const char *status = json_string_value(json_object_get(cond, "status"));
    int rc = 0;
    if (!tt_streq(owner, service)) {
        tt_error_set(err, TT_EREFUSED,
                     "refused: revision %s belongs to service %s, not %s; nothing was changed",
                     revision, owner ? owner : "(none)", service);
        rc = -1;
    } else if (!tt_streq(status, "True")) {
        const char *reason = json_string_value(json_object_get(cond, "reason"));
        tt_error_set(err, TT_EREFUSED,
                     "refused: revision %s is not Ready (Ready %s%s%s), so it cannot take the "
                     "traffic; nothing was changed",
                     revision, status ? status : "Unknown", reason ? ", " : "",
                     reason ? reason : "");
        rc = -1;
    }
    if (rc == 0 && gc_warning)
        *gc_warning = ops_gc_warning(rev, (long long)time(NULL));
    json_decref(rev);
    return rc;
}

bool ops_already_routed(const json_t *ksvc, const char *revision)
{
    const json_t *traffic = json_object_get(json_object_get(ksvc, "spec"), "traffic");
    if (json_array_size(traffic) != 1)
        return false;
    const json_t *e = json_array_get(traffic, 0);
    return tt_streq(json_string_value(json_object_get(e, "revisionName")), revision) &&
           json_integer_value(json_object_get(e, "percent")) == 100;
}

json_t *ops_rollback_patch(const char *revision)
{
    return json_pack("{s:{s:[{s:s, s:i}]}}", "spec", "traffic", "revisionName", revision,
                     "percent", 100);
}

json_t *ops_get_pin(kube_client *c, tt_error *err)
{
    json_t *kcp = kube_get(c, &KUBE_GVR_KONGCLUSTERPLUGINS, NULL, OPS_PIN_NAME, err);
    if (!kcp && err->code == 404)
        tt_error_clear(err);
    return kcp;
}

const char *ops_pinned_model(const json_t *kcp)
{
    return json_string_value(json_object_get(json_object_get(kcp, "config"), "latest_version"));
}

int ops_check_pin_model(kube_client *c, const char *model, const char *context, size_t *ready_out,
                        tt_error *err)
{
    json_t *list = kube_list(c, &KUBE_GVR_KSVC, model, NULL, err);
    if (!list)
        return -1;
    size_t present = 0, ready = 0, i;
    json_t *it;
    json_array_foreach(json_object_get(list, "items"), i, it) {
        const char *n = meta_name(it);
        if (!tt_streq(n, "stream") && !tt_streq(n, "validate"))
            continue;
        present++;
        const json_t *cond = fleet_find_condition(it, "Ready");
        ready += tt_streq(json_string_value(json_object_get(cond, "status")), "True");
    }
    json_decref(list);
    if (present == 0) {
        tt_error_set(err, TT_EREFUSED,
                     "refused: model %s has no Knative service stream or validate on context "
                     "%s, so `latest` would lead nowhere; nothing was changed",
                     model, context);
        return -1;
    }
    if (ready_out)
        *ready_out = ready;
    return 0;
}

char *ops_gc_warning(const json_t *revision, long long now)
{
    const json_t *meta = json_object_get(revision, "metadata");
    const char *name = json_string_value(json_object_get(meta, "name"));
    const char *no_gc = json_string_value(
        json_object_get(json_object_get(meta, "labels"), OPS_NO_GC_LABEL));
    long long created =
        fleet_parse_rfc3339(json_string_value(json_object_get(meta, "creationTimestamp")));
    if (tt_streq(no_gc, "true") || created <= 0 || now - created < OPS_GC_RETAIN_S)
        return NULL;
    return tt_asprintf("revision %s is %lld h old: Knative's revision garbage collection (by "
                       "default past retain-since-create-time 48h, beyond 20 non-active "
                       "revisions) may remove it; protect the revisions you may roll back to "
                       "(apply --protect-previous labels them " OPS_NO_GC_LABEL ")",
                       name ? name : "?", (now - created) / 3600);
}

int ops_protect_revision(kube_client *c, const char *model, const char *revision, bool dry_run,
                         tt_error *err)
{
    json_t *patch = json_pack("{s:{s:{s:s}}}", "metadata", "labels", OPS_NO_GC_LABEL, "true");
    kube_write_opts wo = {.dry_run = dry_run};
    json_t *res = kube_patch_merge(c, &KUBE_GVR_REVISIONS, model, revision, patch, &wo, err);
    json_decref(patch);
    if (!res)
        return -1;
    json_decref(res);
    return 0;
}
