/*
 * Knative Revisions: one created from each new template of a
 * Configuration, moved to its final state after --ready-delay-ms (Ready,
 * crashing or unpullable), its image digest, its routingState (active or
 * reserve, scaled to zero); and the older revisions the seed makes.
 */
#include "dc.h"
#include "knative.h"

#include <gnutls/crypto.h>

#include <stdlib.h>
#include <string.h>

/* The digest --image-digests gives img ("sha256:HEX", 71 characters),
 * into out; false when there is no such file or line. */
static bool listed_digest(const char *img, char out[72])
{
    if (!g_cfg.image_digests)
        return false;
    FILE *f = fopen(g_cfg.image_digests, "r");
    if (!f)
        return false;
    char line[1024];
    bool found = false;
    size_t n = strlen(img);
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, img, n) == 0 && line[n] == ' ' && strncmp(line + n + 1, "sha256:", 7) == 0 &&
            strcspn(line + n + 1, " \r\n") == 71) {
            memcpy(out, line + n + 1, 71);
            out[71] = '\0';
            found = true;
        }
    }
    fclose(f);
    return found;
}

/* What Knative records a revision runs (status.containerStatuses[].
 * imageDigest): an image by digest as it is; for a tag (Knative asks the
 * registry), NAME@ the digest --image-digests lists for it, else
 * NAME@sha256:<sha256 of the whole image string>, a digest the tests can
 * predict (printf %s IMAGE | sha256sum). Caller frees. */
static char *image_digest(const char *img)
{
    if (strchr(img, '@'))
        return tt_strdup(img);
    char digest[72];
    if (!listed_digest(img, digest)) {
        unsigned char md[32];
        gnutls_hash_fast(GNUTLS_DIG_SHA256, img, strlen(img), md);
        strcpy(digest, "sha256:");
        for (int i = 0; i < 32; i++)
            snprintf(digest + 7 + 2 * i, 3, "%02x", md[i]);
    }
    /* NAME: the image without its tag (a ':' after the last '/') */
    const char *slash = strrchr(img, '/');
    const char *colon = strrchr(img, ':');
    size_t name_len = colon && (!slash || colon > slash) ? (size_t)(colon - img) : strlen(img);
    return tt_asprintf("%.*s@%s", (int)name_len, img, digest);
}

static void set_rev_status(json_t *rev, const char *ready, const char *reason, const char *msg,
                           const char *active, const char *active_reason, int actual, int desired)
{
    const char *img = dc_jstr(json_array_get(dc_jget(rev, "spec.containers"), 0), "image");
    dc_jset(rev, "status.observedGeneration", json_integer(1));
    const char *ch = strcmp(ready, "True") == 0 ? "True" : (reason && strcmp(reason, "Deploying") == 0 ? "Unknown" : "False");
    set_conditions(rev, json_pack("[o, o, o, o]",
                                  cond("Active", active, active_reason,
                                       strcmp(active, "False") == 0 ? "The target is not receiving traffic." : NULL),
                                  cond("ContainerHealthy", ch,
                                       strcmp(ch, "True") == 0 ? NULL : reason,
                                       strcmp(ch, "True") == 0 ? NULL : msg),
                                  cond("Ready", ready, reason, msg),
                                  cond("ResourcesAvailable",
                                       strcmp(ready, "True") == 0 ? "True" : (reason && strcmp(reason, "ContainerMissing") == 0 ? "False" : "Unknown"),
                                       strcmp(ready, "True") == 0 ? NULL : reason, NULL)));
    dc_jset(rev, "status.actualReplicas", json_integer(actual));
    dc_jset(rev, "status.desiredReplicas", json_integer(desired));
    if (img && !strstr(img, "missing")) {
        char *digest = image_digest(img);
        dc_jset(rev, "status.containerStatuses",
                json_pack("[{s:s, s:s}]", "name", user_container(rev), "imageDigest", digest));
        free(digest);
    }
    dc_jset(rev, "status.logUrl", json_string(""));
    json_object_del(json_object_get(rev, "status"), "logUrl");
}

static int rev_min_scale(json_t *rev)
{
    return scale_ann(dc_jget(rev, "metadata.annotations"), "min", 0);
}

static bool rev_active(json_t *rev)
{
    const char *rs = json_string_value(json_object_get(dc_jget(rev, "metadata.labels"), LBL "routingState"));
    return !rs || strcmp(rs, "reserve") != 0;
}

/* Moves a revision to its final state (Ready, crashing or unpullable). */
void revision_progress(const char *ns, const char *name)
{
    json_t *rev = copy_of(DC_KREV, ns, name);
    if (!rev)
        return;
    int minscale = rev_min_scale(rev);
    img_kind k = image_kind(rev);
    const char *img = dc_jstr(json_array_get(dc_jget(rev, "spec.containers"), 0), "image");
    if (k == IMG_HOLD) {
        json_decref(rev); /* never settles: Ready stays Unknown */
        return;
    }
    if (k == IMG_OK) {
        int replicas = kn_instant ? (rev_active(rev) ? minscale : 0) : (minscale > 0 ? minscale : 1);
        /* synthetic scale: no Deployments for the (many) seeded idle revisions */
        if (!(kn_instant && replicas == 0 && g_cfg.models >= 0)) {
            ensure_deployment(rev, replicas, replicas);
            sync_pods(rev, replicas, POD_RUNNING, false);
        }
        set_rev_status(rev, "True", NULL, NULL, replicas > 0 ? "True" : "False",
                       replicas > 0 ? NULL : "NoTraffic", replicas, replicas);
    } else if (k == IMG_CRASH) {
        ensure_deployment(rev, 1, 0);
        sync_pods(rev, 1, POD_CRASH, false);
        set_rev_status(rev, "False", "ExitCode1",
                       "Container failed with: Traceback (most recent call last):\n  File \"/app/run/deploy/worker.py\", line 12, in <module>\n    import lib.audio\nModuleNotFoundError: No module named 'lib.audio'\n[ERROR] Worker failed to boot.",
                       "Unknown", "Deploying", 0, 1);
        add_timer(tt_now_ms() + 4000, T_CRASH, ns, name);
    } else {
        ensure_deployment(rev, 1, 0);
        sync_pods(rev, 1, POD_PULLFAIL, false);
        char *msg = tt_asprintf("Unable to fetch image \"%s\": failed to resolve image to digest: GET https://gcr.io/v2/voice-service-2-313121/speech-api-worker/manifests/%s: MANIFEST_UNKNOWN: Failed to fetch \"%s\"",
                                img, strchr(img, '@') ? strchr(img, '@') + 1 : "latest",
                                strchr(img, '@') ? strchr(img, '@') + 1 : "latest");
        set_rev_status(rev, "False", "ContainerMissing", msg, "Unknown", "Deploying", 0, 1);
        free(msg);
        add_timer(tt_now_ms() + 10000, T_PULL, ns, name);
    }
    put_internal(DC_KREV, rev, false);
}

/* Creates a revision from a configuration's template. */
void create_revision(json_t *cfg, const char *revname, json_int_t gen, bool reserve)
{
    const char *ns = dc_jstr(cfg, "metadata.namespace"), *cname = dc_jstr(cfg, "metadata.name");
    json_t *tmpl = dc_jget(cfg, "spec.template");
    json_t *labels = json_deep_copy(dc_jget(tmpl, "metadata.labels"));
    if (!labels)
        labels = json_object();
    json_t *cl = dc_jget(cfg, "metadata.labels");
    char g[32];
    snprintf(g, sizeof g, "%lld", (long long)gen);
    json_object_set_new(labels, LBL "configuration", json_string(cname));
    json_object_set_new(labels, LBL "configurationGeneration", json_string(g));
    json_object_set_new(labels, LBL "configurationUID", json_string(dc_jstr(cfg, "metadata.uid")));
    const char *svc = json_string_value(json_object_get(cl, LBL "service"));
    if (svc) {
        json_object_set_new(labels, LBL "service", json_string(svc));
        const char *suid = json_string_value(json_object_get(cl, LBL "serviceUID"));
        json_object_set_new(labels, LBL "serviceUID", json_string(suid ? suid : ""));
    }
    json_object_set_new(labels, LBL "routingState", json_string(reserve ? "reserve" : "pending"));
    json_t *ann = json_deep_copy(dc_jget(tmpl, "metadata.annotations"));
    if (!ann)
        ann = json_object();
    const char *creator = json_string_value(json_object_get(dc_jget(cfg, "metadata.annotations"), LBL "lastModifier"));
    json_object_set_new(ann, LBL "creator", json_string(creator ? creator : DEMO_USER));
    json_object_set_new(ann, LBL "routingStateModified", json_string(dc_now_rfc3339()));
    json_t *rev = json_pack("{s:s, s:s, s:{s:s, s:s, s:o, s:o, s:o}, s:O}", "apiVersion", KN_API,
                            "kind", "Revision", "metadata", "name", revname, "namespace", ns,
                            "labels", labels, "annotations", ann, "ownerReferences",
                            owner_ref(cfg), "spec", dc_jget(tmpl, "spec"));
    int minscale = scale_ann(ann, "min", 0);
    if (kn_instant) {
        dc_object *o = put_internal(DC_KREV, rev, true);
        if (o)
            revision_progress(ns, revname);
        return;
    }
    int initial = minscale > 0 ? minscale : 1;
    set_rev_status(rev, "Unknown", "Deploying", NULL, "Unknown", "Deploying", 0, initial);
    dc_object *o = put_internal(DC_KREV, rev, true);
    if (!o)
        return;
    json_t *r = json_deep_copy(o->obj);
    ensure_deployment(r, initial, 0);
    sync_pods(r, initial, POD_CREATING, false);
    json_decref(r);
    add_timer(tt_now_ms() + g_cfg.ready_delay_ms, T_REV_PROGRESS, ns, revname);
}

/* Sets routingState and scales reserve revisions to zero. */
void set_routing(const char *ns, const char *name, bool active)
{
    const char *want = active ? "active" : "reserve";
    dc_object *ro = dc_store_get(DC_KREV, ns, name);
    if (!ro || tt_streq(json_string_value(json_object_get(dc_jget(ro->obj, "metadata.labels"), LBL "routingState")), want))
        return;
    json_t *rev = json_deep_copy(ro->obj);
    const char *cur = json_string_value(json_object_get(dc_jget(rev, "metadata.labels"), LBL "routingState"));
    if (tt_streq(cur, want)) {
        json_decref(rev);
        return;
    }
    bool was_active = tt_streq(cur, "active");
    dc_jset_key(rev, "metadata.labels", LBL "routingState", json_string(want));
    dc_jset_key(rev, "metadata.annotations", LBL "routingStateModified",
                json_string(dc_now_rfc3339()));
    if (!active && was_active && strcmp(cond_status(rev, "Ready"), "True") == 0) {
        char *dname = tt_asprintf("%s-deployment", name);
        if (dc_store_get(DC_DEPLOYMENTS, ns, dname)) {
            ensure_deployment(rev, 0, 0);
            sync_pods(rev, 0, POD_RUNNING, false);
        }
        free(dname);
        set_rev_status(rev, "True", NULL, NULL, "False", "NoTraffic", 0, 0);
    }
    put_internal(DC_KREV, rev, false);
}

void kn_seed_revision(json_t *cfg, json_t *tmpl, const char *revname, long long gen)
{
    json_t *c = json_deep_copy(cfg);
    dc_jset(c, "spec.template", json_deep_copy(tmpl));
    bool inst = kn_instant;
    kn_instant = true;
    create_revision(c, revname, gen, true);
    kn_instant = inst;
    json_decref(c);
}
