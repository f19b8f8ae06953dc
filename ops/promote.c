/*
 * Promotion: the exact release a model runs in one cluster (the source),
 * read back from its Knative Services, as the parameters of a release in
 * another (the target). The source must be Ready and by digest; what it
 * runs (image, entry point, API-key setting, per-service scales) is taken
 * from its live templates, the target's environment and next free version
 * are the caller's. No printing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change_summary.h"
#include "ops.h"

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* The Ready condition of a Knative Service, or NULL. */
static const json_t *ready_condition(const json_t *ksvc)
{
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(json_object_get(ksvc, "status"), "conditions"), i, c)
        if (tt_streq(jstr(c, "type"), "Ready"))
            return c;
    return NULL;
}

/* The service's latest release is Ready: Ready=True and the latest
 * created revision is the latest ready one. */
static int check_ready(const json_t *ksvc, const char *service, const char *model,
                       const char *context, tt_error *err)
{
    const json_t *status = json_object_get(ksvc, "status");
    const json_t *ready = ready_condition(ksvc);
    const char *created = jstr(status, "latestCreatedRevisionName");
    const char *latest = jstr(status, "latestReadyRevisionName");
    if (tt_streq(jstr(ready, "status"), "True") && latest && tt_streq(created, latest))
        return 0;
    tt_error_set(err, TT_EREFUSED,
                 "refused: %s's release in %s is not Ready (%s: %s%s%s, latest created %s, latest "
                 "ready %s); promote a release that is",
                 model, context, service, ready ? jstr(ready, "status") : "no Ready condition",
                 ready && jstr(ready, "reason") ? " " : "",
                 ready && jstr(ready, "reason") ? jstr(ready, "reason") : "",
                 created ? created : "-", latest ? latest : "-");
    return -1;
}

int ops_promote_read(kube_client *src, const char *context, const char *model,
                     ops_promote_source *out, tt_error *err)
{
    memset(out, 0, sizeof *out);
    release_facts_init(&out->facts);
    static const char *const services[2] = {"stream", "validate"};
    for (int i = 0; i < 2; i++) {
        out->ksvc[i] = kube_get(src, &KUBE_GVR_KSVC, model, services[i], err);
        if (!out->ksvc[i]) {
            if (err->code == 404)
                tt_error_set(err, 404, "model %s has no Knative service %s in context %s", model,
                             services[i], context);
            goto fail;
        }
        if (check_ready(out->ksvc[i], services[i], model, context, err) < 0)
            goto fail;
        release_facts_add_object(&out->facts, out->ksvc[i]);
        const char *image = out->facts.image[i];
        if (!image || !strstr(image, "@sha256:")) {
            tt_error_set(err, TT_EREFUSED,
                         "refused: %s's %s in %s runs the image %s by tag, not by digest: a tag "
                         "can move between the two clusters; release it in %s by digest first "
                         "(ttstui apply resolves a tag to its digest)",
                         model, services[i], context, image ? image : "(none)", context);
            goto fail;
        }
    }
    const char *latest = jstr(json_object_get(out->ksvc[0], "status"), "latestReadyRevisionName");
    out->version = tt_strdup(fleet_version_of(latest, "stream"));
    return 0;
fail:
    ops_promote_source_clear(out);
    return -1;
}

void ops_promote_source_clear(ops_promote_source *s)
{
    for (int i = 0; i < 2; i++)
        json_decref(s->ksvc[i]);
    free(s->version);
    memset(s, 0, sizeof *s);
}

static void param_add(ops_promote_param *out, size_t *n, const char *param, const char *value)
{
    if (!value || *n >= OPS_PROMOTE_MAX_PARAMS)
        return;
    out[*n].param = param;
    out[(*n)++].value = tt_strdup(value);
}

static void param_add_int(ops_promote_param *out, size_t *n, const char *param, int v)
{
    if (v < 0)
        return;
    char buf[16];
    snprintf(buf, sizeof buf, "%d", v);
    param_add(out, n, param, buf);
}

size_t ops_promote_params(const ops_promote_source *ps, const char *env, const char *model,
                          const char *version, ops_promote_param out[OPS_PROMOTE_MAX_PARAMS])
{
    size_t n = 0;
    const release_facts *fa = &ps->facts;
    param_add(out, &n, RELEASE_ENV, env);
    param_add(out, &n, RELEASE_MODEL, model);
    param_add(out, &n, RELEASE_VERSION, version);
    param_add(out, &n, RELEASE_IMAGE, fa->image[CHANGE_STREAM]);
    param_add(out, &n, RELEASE_IMAGE_ENTRYPOINT, fa->entrypoint[CHANGE_STREAM]);
    if (fa->api_keys[CHANGE_STREAM] >= 0)
        param_add(out, &n, RELEASE_INCLUDE_API_KEYS, fa->api_keys[CHANGE_STREAM] ? "true" : "false");
    param_add_int(out, &n, RELEASE_STREAM_MIN_SCALE, fa->min_scale[CHANGE_STREAM]);
    param_add_int(out, &n, RELEASE_STREAM_MAX_SCALE, fa->max_scale[CHANGE_STREAM]);
    param_add_int(out, &n, RELEASE_VALIDATE_MIN_SCALE, fa->min_scale[CHANGE_VALIDATE]);
    param_add_int(out, &n, RELEASE_VALIDATE_MAX_SCALE, fa->max_scale[CHANGE_VALIDATE]);
    return n;
}

void ops_promote_params_free(ops_promote_param *params, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(params[i].value);
        params[i].value = NULL;
    }
}

char *ops_promote_target_version(kube_client *target, const char *model,
                                 const char *source_version, tt_error *err)
{
    fleet *f = fleet_new();
    if (ops_fleet_load(target, f, model, NULL, err) < 0) {
        fleet_free(f);
        return NULL;
    }
    const fleet_model *m = fleet_find(f, model);
    char *out = m ? fleet_next_version(m) : tt_strdup(source_version ? source_version : "1");
    fleet_free(f);
    return out;
}
