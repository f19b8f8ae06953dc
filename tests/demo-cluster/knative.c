/*
 * A simulated Knative Serving controller: Services own a Configuration and
 * a Route; each new template makes a Revision, which runs as a Deployment,
 * a ReplicaSet and pods, and becomes Ready (or fails: images containing
 * "crashloop" crash, images containing "missing" cannot be pulled) after
 * --ready-delay-ms; images containing "progressing" stay Ready=Unknown. Also the admission webhook (defaults and validation)
 * and namespace termination. Runs in one thread under the store lock.
 */
#include "dc.h"

#include <gnutls/crypto.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define KN_API "serving.knative.dev/v1"
#define LBL "serving.knative.dev/"
#define WEBHOOK "admission webhook \"validation.webhook.serving.knative.dev\" denied the request: validation failed: "
#define QP_IMAGE "gcr.io/knative-releases/knative.dev/serving/cmd/queue@sha256:0ee6bd1f8e8f8e2c4f8b8e0b8a4c5b8c2c3f4e5a6b7c8d9e0f1a2b3c4d5e6f70"
#define DEMO_USER "kubernetes-admin"
#define DOMAIN "svc.cluster.local"

bool kn_instant;

enum { T_REV_PROGRESS, T_CRASH, T_PULL, T_NS_PURGE, T_NS_REMOVE };

typedef struct timer {
    long long due;
    int action;
    char *ns, *name;
} timer;

typedef struct key {
    char *ns, *name;
} key;

static struct {
    key *q;
    size_t qlen;
    timer *t;
    size_t nt;
    pthread_t thread;
    bool running, stop, hook_on;
} K;

/* ---- small helpers ------------------------------------------------------ */

static int scale_ann(json_t *ann, const char *which, int def)
{
    char k1[64], k2[64];
    snprintf(k1, sizeof k1, "autoscaling.knative.dev/%s-scale", which);
    snprintf(k2, sizeof k2, "autoscaling.knative.dev/%sScale", which);
    const char *v = json_string_value(json_object_get(ann, k1));
    if (!v)
        v = json_string_value(json_object_get(ann, k2));
    return v ? atoi(v) : def;
}

static json_t *cond(const char *type, const char *status, const char *reason, const char *msg)
{
    json_t *c = json_pack("{s:s, s:s, s:s}", "type", type, "status", status, "lastTransitionTime",
                          dc_now_rfc3339());
    if (reason && *reason)
        json_object_set_new(c, "reason", json_string(reason));
    if (msg && *msg)
        json_object_set_new(c, "message", json_string(msg));
    if (strcmp(type, "Active") == 0)
        json_object_set_new(c, "severity", json_string("Info"));
    return c;
}

/* Replaces conditions, keeping lastTransitionTime when the status did not change. */
static void set_conditions(json_t *obj, json_t *conds)
{
    json_t *old = dc_jget(obj, "status.conditions");
    size_t i, j;
    json_t *c, *o;
    json_array_foreach(conds, i, c) {
        json_array_foreach(old, j, o) {
            if (tt_streq(dc_jstr(o, "type"), dc_jstr(c, "type")) &&
                tt_streq(dc_jstr(o, "status"), dc_jstr(c, "status")) &&
                dc_jstr(o, "lastTransitionTime"))
                json_object_set(c, "lastTransitionTime", json_object_get(o, "lastTransitionTime"));
        }
    }
    dc_jset(obj, "status.conditions", conds);
}

static json_t *find_cond(json_t *obj, const char *type)
{
    size_t i;
    json_t *c;
    json_array_foreach(dc_jget(obj, "status.conditions"), i, c)
        if (tt_streq(dc_jstr(c, "type"), type))
            return c;
    return NULL;
}

static const char *cond_status(json_t *obj, const char *type)
{
    const char *s = dc_jstr(find_cond(obj, type), "status");
    return s ? s : "Unknown";
}

static json_t *owner_ref(json_t *owner)
{
    return json_pack("[{s:s, s:s, s:s, s:s, s:b, s:b}]", "apiVersion", dc_jstr(owner, "apiVersion"),
                     "kind", dc_jstr(owner, "kind"), "name", dc_jstr(owner, "metadata.name"), "uid",
                     dc_jstr(owner, "metadata.uid"), "controller", 1, "blockOwnerDeletion", 1);
}

static unsigned long hash32(const char *s)
{
    unsigned long h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h & 0xffffffffu;
}

static void rand_name(char *out, size_t n, const char *seed, unsigned salt)
{
    static const char alnum[] = "bcdfghjklmnpqrstvwxz2456789";
    unsigned long h = hash32(seed) ^ (salt * 2654435761u);
    for (size_t i = 0; i + 1 < n; i++) {
        out[i] = alnum[h % (sizeof alnum - 1)];
        h = h / (sizeof alnum - 1) + (h * 31 + i + 7) % 1000003;
    }
    out[n - 1] = '\0';
}

static dc_object *put_internal(dc_resource *r, json_t *obj, bool create)
{
    dc_fail f = {0};
    dc_object *o = dc_write(r, obj, create, true, NULL, &f);
    if (!o && f.details)
        json_decref(f.details);
    return o;
}

static json_t *copy_of(dc_resource *r, const char *ns, const char *name)
{
    dc_object *o = dc_store_get(r, ns, name);
    return o ? json_deep_copy(o->obj) : NULL;
}

/* ---- queue and timers ---------------------------------------------------- */

void kn_enqueue(dc_resource *r, const char *ns, const char *name)
{
    (void)r;
    for (size_t i = 0; i < K.qlen; i++)
        if (strcmp(K.q[i].ns, ns) == 0 && strcmp(K.q[i].name, name) == 0)
            return;
    K.q = tt_realloc(K.q, (K.qlen + 1) * sizeof *K.q);
    K.q[K.qlen++] = (key){tt_strdup(ns), tt_strdup(name)};
    dc_broadcast();
}

static void add_timer(long long due, int action, const char *ns, const char *name)
{
    K.t = tt_realloc(K.t, (K.nt + 1) * sizeof *K.t);
    K.t[K.nt++] = (timer){due, action, tt_strdup(ns), tt_strdup(name)};
    dc_broadcast();
}

void kn_change_hook(dc_resource *r, int type, json_t *obj)
{
    if (!K.hook_on || type == DC_DELETED)
        return;
    const char *ns = dc_jstr(obj, "metadata.namespace");
    json_t *labels = dc_jget(obj, "metadata.labels");
    const char *svc = NULL;
    if (r == DC_KSVC)
        svc = dc_jstr(obj, "metadata.name");
    else if (r == DC_KREV || r == DC_KCONFIG || r == DC_KROUTE)
        svc = json_string_value(json_object_get(labels, LBL "service"));
    if (svc && ns)
        kn_enqueue(r, ns, svc);
}

/* ---- events --------------------------------------------------------------- */

static void emit_event(json_t *involved, const char *field_path, const char *type,
                       const char *reason, const char *msg, const char *component)
{
    const char *ns = dc_jstr(involved, "metadata.namespace");
    const char *name = dc_jstr(involved, "metadata.name");
    char *ename = tt_asprintf("%s.%08lx%08lx", name, hash32(reason) ^ hash32(msg),
                              hash32(field_path ? field_path : "") ^ hash32(name));
    dc_object *old = dc_store_get(DC_EVENTS, ns, ename);
    json_t *ev;
    if (old) {
        ev = json_deep_copy(old->obj);
        json_object_set_new(ev, "count",
                            json_integer(json_integer_value(json_object_get(ev, "count")) + 1));
        json_object_set_new(ev, "lastTimestamp", json_string(dc_now_rfc3339()));
    } else {
        ev = json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s}, s:s, s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:i, s:s, s:s}",
                       "apiVersion", "v1", "kind", "Event", "metadata", "name", ename, "namespace",
                       ns, "involvedObject", "kind", dc_jstr(involved, "kind"), "namespace", ns,
                       "name", name, "uid", dc_jstr(involved, "metadata.uid"), "apiVersion",
                       dc_jstr(involved, "apiVersion"), "reason", reason, "message", msg, "type",
                       type, "source", "component", component, "host", "demo-node-1",
                       "firstTimestamp", dc_now_rfc3339(), "lastTimestamp", dc_now_rfc3339(),
                       "count", 1, "reportingComponent", component, "reportingInstance",
                       "demo-node-1");
        if (field_path)
            dc_jset(ev, "involvedObject.fieldPath", json_string(field_path));
    }
    put_internal(DC_EVENTS, ev, !old);
    free(ename);
}

/* ---- pods and deployments ---------------------------------------------- */

typedef enum { IMG_OK, IMG_CRASH, IMG_MISSING, IMG_HOLD } img_kind;

static img_kind image_kind(json_t *rev)
{
    const char *img = dc_jstr(json_array_get(dc_jget(rev, "spec.containers"), 0), "image");
    if (img && strstr(img, "crashloop"))
        return IMG_CRASH;
    if (img && strstr(img, "missing"))
        return IMG_MISSING;
    if (img && strstr(img, "progressing"))
        return IMG_HOLD;
    return IMG_OK;
}

static const char *user_container(json_t *rev)
{
    const char *n = dc_jstr(json_array_get(dc_jget(rev, "spec.containers"), 0), "name");
    return n ? n : "user-container";
}

static json_t *pod_labels(json_t *rev, const char *hash)
{
    json_t *l = json_deep_copy(dc_jget(rev, "metadata.labels"));
    if (!l)
        l = json_object();
    json_object_del(l, LBL "routingState");
    json_object_set_new(l, "app", json_string(dc_jstr(rev, "metadata.name")));
    json_object_set_new(l, LBL "revision", json_string(dc_jstr(rev, "metadata.name")));
    json_object_set_new(l, LBL "revisionUID", json_string(dc_jstr(rev, "metadata.uid")));
    if (hash)
        json_object_set_new(l, "pod-template-hash", json_string(hash));
    return l;
}

static json_t *pod_containers(json_t *rev)
{
    json_t *cs = json_deep_copy(dc_jget(rev, "spec.containers"));
    json_t *c0 = json_array_get(cs, 0);
    if (c0) {
        if (!json_object_get(c0, "name"))
            json_object_set_new(c0, "name", json_string("user-container"));
        json_object_set_new(c0, "env",
                            json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}]", "name",
                                      "PORT", "value", "8000", "name", "K_REVISION", "value",
                                      dc_jstr(rev, "metadata.name"), "name", "K_CONFIGURATION",
                                      "value",
                                      json_string_value(json_object_get(
                                          dc_jget(rev, "metadata.labels"), LBL "configuration")),
                                      "name", "K_SERVICE", "value",
                                      json_string_value(json_object_get(
                                          dc_jget(rev, "metadata.labels"), LBL "service"))
                                          ?: ""));
    }
    json_array_append_new(cs, json_pack("{s:s, s:s, s:[{s:i, s:s, s:s}, {s:i, s:s, s:s}]}", "name",
                                        "queue-proxy", "image", QP_IMAGE, "ports",
                                        "containerPort", 8012, "name", "http1", "protocol", "TCP",
                                        "containerPort", 9090, "name", "http-usermetric",
                                        "protocol", "TCP"));
    return cs;
}

static char *rs_hash(json_t *rev)
{
    char h[11];
    rand_name(h, sizeof h, dc_jstr(rev, "metadata.uid"), 1);
    return tt_strdup(h);
}

/* Creates (or rescales) the Deployment and ReplicaSet of a revision. */
static void ensure_deployment(json_t *rev, int replicas, int ready)
{
    const char *ns = dc_jstr(rev, "metadata.namespace"), *name = dc_jstr(rev, "metadata.name");
    char *dname = tt_asprintf("%s-deployment", name);
    char *hash = rs_hash(rev);
    char *rsname = tt_asprintf("%s-%s", dname, hash);
    json_t *d = copy_of(DC_DEPLOYMENTS, ns, dname);
    bool create = !d;
    if (!d) {
        d = json_pack("{s:s, s:s, s:{s:s, s:s, s:o, s:o}, s:{s:{s:{s:s}}, s:s, s:i, s:{s:{s:o}, s:{s:o}}}}",
                      "apiVersion", "apps/v1", "kind", "Deployment", "metadata", "name", dname,
                      "namespace", ns, "labels", pod_labels(rev, NULL), "ownerReferences",
                      owner_ref(rev), "spec", "selector", "matchLabels", LBL "revisionUID",
                      dc_jstr(rev, "metadata.uid"), "strategy", "RollingUpdate",
                      "progressDeadlineSeconds", 600, "template", "metadata", "labels",
                      pod_labels(rev, NULL), "spec", "containers", pod_containers(rev));
        /* "strategy" must be an object */
        dc_jset(d, "spec.strategy", json_pack("{s:s}", "type", "RollingUpdate"));
    }
    dc_jset(d, "spec.replicas", json_integer(replicas));
    dc_jset(d, "status.observedGeneration", json_integer(1));
    dc_jset(d, "status.replicas", json_integer(replicas));
    dc_jset(d, "status.updatedReplicas", json_integer(replicas));
    dc_jset(d, "status.readyReplicas", json_integer(ready));
    dc_jset(d, "status.availableReplicas", json_integer(ready));
    set_conditions(d, json_pack("[o, o]",
                                cond("Available", ready >= replicas ? "True" : "False",
                                     ready >= replicas ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                                     ready >= replicas ? "Deployment has minimum availability." : "Deployment does not have minimum availability."),
                                cond("Progressing", "True", "NewReplicaSetAvailable",
                                     "ReplicaSet has successfully progressed.")));
    dc_object *dobj = put_internal(DC_DEPLOYMENTS, d, create);
    if (dobj) {
        json_t *rs = copy_of(DC_REPLICASETS, ns, rsname);
        bool rcreate = !rs;
        if (!rs)
            rs = json_pack("{s:s, s:s, s:{s:s, s:s, s:o, s:o}, s:{s:{s:{s:s, s:s}}, s:{s:{s:o}, s:{s:o}}}}",
                           "apiVersion", "apps/v1", "kind", "ReplicaSet", "metadata", "name",
                           rsname, "namespace", ns, "labels", pod_labels(rev, hash),
                           "ownerReferences", owner_ref(dobj->obj), "spec", "selector",
                           "matchLabels", LBL "revisionUID", dc_jstr(rev, "metadata.uid"),
                           "pod-template-hash", hash, "template", "metadata", "labels",
                           pod_labels(rev, hash), "spec", "containers", pod_containers(rev));
        dc_jset(rs, "spec.replicas", json_integer(replicas));
        dc_jset(rs, "status.replicas", json_integer(replicas));
        dc_jset(rs, "status.readyReplicas", json_integer(ready));
        dc_jset(rs, "status.availableReplicas", json_integer(ready));
        put_internal(DC_REPLICASETS, rs, rcreate);
    }
    free(dname);
    free(rsname);
    free(hash);
}

typedef enum { POD_CREATING, POD_RUNNING, POD_CRASH, POD_PULLFAIL } pod_phase;

static json_t *container_status(const char *name, const char *image, pod_phase ph, int restarts,
                                bool user, const char *started)
{
    json_t *cs = json_pack("{s:s, s:s, s:s, s:i, s:b}", "name", name, "image", image, "imageID",
                           ph == POD_PULLFAIL && user ? "" : image, "restartCount",
                           user ? restarts : 0, "started", 0);
    bool ready = ph == POD_RUNNING || (!user && ph == POD_CRASH);
    json_object_set_new(cs, "ready", json_boolean(ph == POD_RUNNING));
    if (ph == POD_CREATING) {
        json_object_set_new(cs, "state", json_pack("{s:{s:s}}", "waiting", "reason", "ContainerCreating"));
    } else if (user && ph == POD_CRASH) {
        json_object_set_new(cs, "state",
                            json_pack("{s:{s:s, s:s}}", "waiting", "reason", "CrashLoopBackOff",
                                      "message", "back-off 40s restarting failed container"));
        json_object_set_new(cs, "lastState",
                            json_pack("{s:{s:i, s:s, s:s, s:s}}", "terminated", "exitCode", 1,
                                      "reason", "Error", "startedAt", started, "finishedAt",
                                      dc_now_rfc3339()));
    } else if (user && ph == POD_PULLFAIL) {
        json_object_set_new(cs, "state",
                            json_pack("{s:{s:s, s:s}}", "waiting", "reason", "ImagePullBackOff",
                                      "message", "Back-off pulling image"));
    } else if (ready || ph == POD_PULLFAIL || ph == POD_CRASH) {
        json_object_set_new(cs, "state", json_pack("{s:{s:s}}", "running", "startedAt", started));
        json_object_set_new(cs, "started", json_true());
    }
    return cs;
}

/* Creates or updates the pods of a revision to the given state. */
static void sync_pods(json_t *rev, int want, pod_phase ph, bool bump_restarts)
{
    const char *ns = dc_jstr(rev, "metadata.namespace"), *name = dc_jstr(rev, "metadata.name");
    char *hash = rs_hash(rev);
    for (int i = 0; i < want || i < 8; i++) {
        char sfx[6];
        char seed[300];
        snprintf(seed, sizeof seed, "%s/%d", dc_jstr(rev, "metadata.uid"), i);
        rand_name(sfx, sizeof sfx, seed, 2);
        char *pname = tt_asprintf("%s-deployment-%s-%s", name, hash, sfx);
        json_t *pod = copy_of(DC_PODS, ns, pname);
        if (i >= want) {
            if (pod)
                dc_store_delete(DC_PODS, ns, pname);
            json_decref(pod);
            free(pname);
            continue;
        }
        bool create = !pod;
        if (!pod) {
            char *rsname = tt_asprintf("%s-deployment-%s", name, hash);
            dc_object *rs = dc_store_get(DC_REPLICASETS, ns, rsname);
            free(rsname);
            char ip[32];
            snprintf(ip, sizeof ip, "10.8.%lu.%lu", (hash32(pname) >> 8) % 250 + 1,
                     hash32(pname) % 250 + 2);
            pod = json_pack("{s:s, s:s, s:{s:s, s:s, s:o, s:{s:s}}, s:{s:o, s:s, s:s, s:s, s:i}, s:{s:s, s:s, s:s, s:s}}",
                            "apiVersion", "v1", "kind", "Pod", "metadata", "name", pname,
                            "namespace", ns, "labels", pod_labels(rev, hash), "annotations",
                            "kubectl.kubernetes.io/default-container", user_container(rev),
                            "spec", "containers", pod_containers(rev), "nodeName",
                            "demo-node-1", "restartPolicy", "Always", "serviceAccountName",
                            "default", "terminationGracePeriodSeconds", 300, "status", "hostIP",
                            "10.128.0.7", "podIP", ip, "startTime", dc_now_rfc3339(), "qosClass",
                            "Burstable");
            if (rs)
                dc_jset(pod, "metadata.ownerReferences", owner_ref(rs->obj));
        }
        const char *started = dc_jstr(pod, "status.startTime");
        char *started_s = tt_strdup(started ? started : dc_now_rfc3339());
        int restarts = 0;
        json_t *old_cs = json_array_get(dc_jget(pod, "status.containerStatuses"), 0);
        if (old_cs)
            restarts = (int)json_integer_value(json_object_get(old_cs, "restartCount"));
        if (bump_restarts || (ph == POD_CRASH && restarts == 0))
            restarts++;
        const char *img = dc_jstr(json_array_get(dc_jget(rev, "spec.containers"), 0), "image");
        dc_jset(pod, "status.phase", json_string(ph == POD_CREATING || ph == POD_PULLFAIL ? "Pending" : "Running"));
        dc_jset(pod, "status.containerStatuses",
                json_pack("[o, o]",
                          container_status(user_container(rev), img ? img : "", ph, restarts, true, started_s),
                          container_status("queue-proxy", QP_IMAGE, ph, 0, false, started_s)));
        const char *rd = ph == POD_RUNNING ? "True" : "False";
        set_conditions(pod, json_pack("[o, o, o, o]", cond("Initialized", "True", NULL, NULL),
                                      cond("Ready", rd, ph == POD_RUNNING ? NULL : "ContainersNotReady", NULL),
                                      cond("ContainersReady", rd, ph == POD_RUNNING ? NULL : "ContainersNotReady", NULL),
                                      cond("PodScheduled", "True", NULL, NULL)));
        free(started_s);
        dc_object *po = put_internal(DC_PODS, pod, create);
        if (po && !kn_instant) {
            json_t *p = po->obj;
            char fp[128];
            snprintf(fp, sizeof fp, "spec.containers{%s}", user_container(rev));
            char *msg;
            if (create) {
                msg = tt_asprintf("Successfully assigned %s/%s to demo-node-1", ns, pname);
                emit_event(p, NULL, "Normal", "Scheduled", msg, "default-scheduler");
                free(msg);
                msg = tt_asprintf("Pulling image \"%s\"", img ? img : "");
                emit_event(p, fp, "Normal", "Pulling", msg, "kubelet");
                free(msg);
            } else if (ph == POD_RUNNING || (ph == POD_CRASH && !bump_restarts)) {
                msg = tt_asprintf("Successfully pulled image \"%s\" in 1.2s", img ? img : "");
                emit_event(p, fp, "Normal", "Pulled", msg, "kubelet");
                free(msg);
                msg = tt_asprintf("Created container %s", user_container(rev));
                emit_event(p, fp, "Normal", "Created", msg, "kubelet");
                free(msg);
                msg = tt_asprintf("Started container %s", user_container(rev));
                emit_event(p, fp, "Normal", "Started", msg, "kubelet");
                free(msg);
                emit_event(p, "spec.containers{queue-proxy}", "Normal", "Started",
                           "Started container queue-proxy", "kubelet");
            }
            if (ph == POD_CRASH) {
                msg = tt_asprintf("Back-off restarting failed container %s in pod %s_%s(%s)",
                                  user_container(rev), pname, ns, dc_jstr(p, "metadata.uid"));
                emit_event(p, fp, "Warning", "BackOff", msg, "kubelet");
                free(msg);
            } else if (ph == POD_PULLFAIL) {
                msg = tt_asprintf("Failed to pull image \"%s\": rpc error: code = NotFound desc = failed to pull and unpack image \"%s\": failed to resolve reference \"%s\": %s: not found",
                                  img, img, img, img);
                emit_event(p, fp, "Warning", "Failed", msg, "kubelet");
                free(msg);
                emit_event(p, fp, "Warning", "Failed", "Error: ErrImagePull", "kubelet");
                msg = tt_asprintf("Back-off pulling image \"%s\"", img);
                emit_event(p, fp, "Normal", "BackOff", msg, "kubelet");
                free(msg);
                emit_event(p, fp, "Warning", "Failed", "Error: ImagePullBackOff", "kubelet");
            }
        }
        free(pname);
    }
    free(hash);
}

/* ---- revisions -------------------------------------------------------------- */

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
static void revision_progress(const char *ns, const char *name)
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
static void create_revision(json_t *cfg, const char *revname, json_int_t gen, bool reserve)
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
static void set_routing(const char *ns, const char *name, bool active)
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

/* ---- configuration, route, service ------------------------------------------ */

static void reconcile_configuration(const char *ns, const char *name)
{
    json_t *cfg = copy_of(DC_KCONFIG, ns, name);
    if (!cfg)
        return;
    json_int_t gen = json_integer_value(dc_jget(cfg, "metadata.generation"));
    const char *tname = dc_jstr(cfg, "spec.template.metadata.name");
    char revname[300];
    if (tname)
        snprintf(revname, sizeof revname, "%s", tname);
    else
        snprintf(revname, sizeof revname, "%s-%05lld", name, (long long)gen);
    if (json_integer_value(dc_jget(cfg, "status.observedGeneration")) != gen) {
        if (!dc_store_get(DC_KREV, ns, revname))
            create_revision(cfg, revname, gen, false);
        dc_jset(cfg, "status.observedGeneration", json_integer(gen));
        dc_jset(cfg, "status.latestCreatedRevisionName", json_string(revname));
    }
    const char *latest = dc_jstr(cfg, "status.latestCreatedRevisionName");
    dc_object *rev = latest ? dc_store_get(DC_KREV, ns, latest) : NULL;
    const char *rs = rev ? cond_status(rev->obj, "Ready") : "Unknown";
    if (rev && strcmp(rs, "True") == 0) {
        dc_jset(cfg, "status.latestReadyRevisionName", json_string(latest));
        set_conditions(cfg, json_pack("[o]", cond("Ready", "True", NULL, NULL)));
    } else if (rev && strcmp(rs, "False") == 0) {
        char *msg = tt_asprintf("Revision \"%s\" failed with message: %s.", latest,
                                dc_jstr(find_cond(rev->obj, "Ready"), "message") ?: "");
        set_conditions(cfg, json_pack("[o]", cond("Ready", "False", "RevisionFailed", msg)));
        free(msg);
    } else {
        set_conditions(cfg, json_pack("[o]", cond("Ready", "Unknown", NULL, NULL)));
    }
    put_internal(DC_KCONFIG, cfg, false);
}

static void reconcile_service(const char *ns, const char *name)
{
    dc_object *so = dc_store_get(DC_KSVC, ns, name);
    if (!so || dc_jget(so->obj, "metadata.deletionTimestamp"))
        return;
    json_t *svc = json_deep_copy(so->obj);
    const char *suid = dc_jstr(svc, "metadata.uid");
    json_t *ann = dc_jget(svc, "metadata.annotations");
    /* Configuration */
    json_t *cfg = copy_of(DC_KCONFIG, ns, name);
    bool create = !cfg;
    if (!cfg) {
        json_t *labels = json_deep_copy(dc_jget(svc, "metadata.labels"));
        if (!labels)
            labels = json_object();
        json_object_set_new(labels, LBL "service", json_string(name));
        json_object_set_new(labels, LBL "serviceUID", json_string(suid));
        cfg = json_pack("{s:s, s:s, s:{s:s, s:s, s:o, s:O, s:o}}", "apiVersion", KN_API, "kind",
                        "Configuration", "metadata", "name", name, "namespace", ns, "labels",
                        labels, "annotations", ann ? ann : json_object(), "ownerReferences",
                        owner_ref(svc));
    }
    dc_jset(cfg, "spec.template", json_deep_copy(dc_jget(svc, "spec.template")));
    put_internal(DC_KCONFIG, cfg, create);
    reconcile_configuration(ns, name);
    dc_object *co = dc_store_get(DC_KCONFIG, ns, name);
    if (!co)
        return;
    json_t *cst = json_object_get(co->obj, "status");
    const char *latest_ready = dc_jstr(cst, "latestReadyRevisionName");
    const char *latest_created = dc_jstr(cst, "latestCreatedRevisionName");
    /* Route */
    json_t *route = copy_of(DC_KROUTE, ns, name);
    create = !route;
    if (!route) {
        json_t *labels = json_pack("{s:s, s:s}", LBL "service", name, LBL "serviceUID", suid);
        route = json_pack("{s:s, s:s, s:{s:s, s:s, s:o, s:O, s:o}}", "apiVersion", KN_API, "kind",
                          "Route", "metadata", "name", name, "namespace", ns, "labels", labels,
                          "annotations", ann ? ann : json_object(), "ownerReferences",
                          owner_ref(svc));
    }
    json_t *spec_traffic = json_deep_copy(dc_jget(svc, "spec.traffic"));
    json_t *rtraffic = json_array();
    bool resolved = true;
    size_t i;
    json_t *t;
    json_array_foreach(spec_traffic, i, t) {
        if (json_is_true(json_object_get(t, "latestRevision")))
            json_object_set_new(t, "configurationName", json_string(name));
        const char *target = json_is_true(json_object_get(t, "latestRevision"))
                                 ? latest_ready
                                 : dc_jstr(t, "revisionName");
        dc_object *tr = target ? dc_store_get(DC_KREV, ns, target) : NULL;
        if (!tr || strcmp(cond_status(tr->obj, "Ready"), "True") != 0) {
            resolved = false;
            continue;
        }
        json_t *e = json_pack("{s:s, s:b, s:O}", "revisionName", target, "latestRevision",
                              json_is_true(json_object_get(t, "latestRevision")), "percent",
                              json_object_get(t, "percent") ?: json_integer(0));
        const char *tag = dc_jstr(t, "tag");
        if (tag) {
            json_object_set_new(e, "tag", json_string(tag));
            char *url = tt_asprintf("http://%s-%s.%s." DOMAIN, tag, name, ns);
            json_object_set_new(e, "url", json_string(url));
            free(url);
        }
        json_array_append_new(rtraffic, e);
    }
    dc_jset(route, "spec.traffic", spec_traffic);
    char *url = tt_asprintf("http://%s.%s." DOMAIN, name, ns);
    dc_jset(route, "status.observedGeneration", json_integer(json_integer_value(dc_jget(route, "metadata.generation")) ?: 1));
    if (resolved) {
        dc_jset(route, "status.url", json_string(url));
        dc_jset(route, "status.address.url", json_string(url));
        dc_jset(route, "status.traffic", rtraffic);
        set_conditions(route, json_pack("[o, o, o, o]", cond("AllTrafficAssigned", "True", NULL, NULL),
                                        cond("CertificateProvisioned", "True", "TLSNotEnabled", NULL),
                                        cond("IngressReady", "True", NULL, NULL),
                                        cond("Ready", "True", NULL, NULL)));
    } else {
        json_decref(rtraffic);
        bool failed = latest_created && !latest_ready;
        char *msg = tt_asprintf(failed ? "Configuration \"%s\" does not have any ready Revision."
                                       : "Configuration \"%s\" is waiting for a Revision to become ready.",
                                name);
        const char *st = failed && strcmp(cond_status(co->obj, "Ready"), "False") == 0 ? "False" : "Unknown";
        set_conditions(route, json_pack("[o, o]", cond("AllTrafficAssigned", st, "RevisionMissing", msg),
                                        cond("Ready", st, "RevisionMissing", msg)));
        free(msg);
    }
    put_internal(DC_KROUTE, route, create);
    dc_object *ro = dc_store_get(DC_KROUTE, ns, name);
    json_t *rst = ro ? json_object_get(ro->obj, "status") : NULL;
    /* routing state of this configuration's revisions */
    size_t n;
    dc_object **revs = dc_store_range(DC_KREV, ns, &n);
    char **names = NULL;
    bool *act = NULL;
    size_t nn = 0;
    for (size_t j = 0; j < n; j++) {
        if (strcmp(revs[j]->ns, ns) != 0)
            continue;
        if (!tt_streq(json_string_value(json_object_get(dc_jget(revs[j]->obj, "metadata.labels"), LBL "configuration")), name))
            continue;
        bool a = false;
        json_array_foreach(json_object_get(rst, "traffic"), i, t)
            if (tt_streq(dc_jstr(t, "revisionName"), revs[j]->name))
                a = true;
        if (!a && tt_streq(revs[j]->name, latest_created) && strcmp(cond_status(revs[j]->obj, "Ready"), "True") != 0)
            continue; /* still rolling out or failed: leave pending */
        names = tt_realloc(names, (nn + 1) * sizeof *names);
        act = tt_realloc(act, (nn + 1) * sizeof *act);
        names[nn] = tt_strdup(revs[j]->name);
        act[nn++] = a;
    }
    for (size_t j = 0; j < nn; j++) {
        set_routing(ns, names[j], act[j]);
        free(names[j]);
    }
    free(names);
    free(act);
    /* Kubernetes Service for the route */
    if (resolved && !dc_store_get(DC_SERVICES, ns, name) && ro) {
        json_t *ks = json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s, s:s}, s:o}, s:{s:s, s:s, s:[{s:s, s:i, s:s, s:i}], s:s}}",
                               "apiVersion", "v1", "kind", "Service", "metadata", "name", name,
                               "namespace", ns, "labels", LBL "route", name, LBL "service", name,
                               "ownerReferences", owner_ref(ro->obj), "spec", "type",
                               "ExternalName", "externalName",
                               "kourier-internal.kourier-system.svc.cluster.local", "ports",
                               "name", "http2", "port", 80, "protocol", "TCP", "targetPort", 80,
                               "sessionAffinity", "None");
        put_internal(DC_SERVICES, ks, true);
    }
    /* Service status */
    const char *cfg_ready = cond_status(co->obj, "Ready");
    json_t *cfg_cond = find_cond(co->obj, "Ready");
    json_t *c_cfg, *c_route;
    if (strcmp(cfg_ready, "True") == 0)
        c_cfg = cond("ConfigurationsReady", "True", NULL, NULL);
    else if (strcmp(cfg_ready, "False") == 0)
        c_cfg = cond("ConfigurationsReady", "False", dc_jstr(cfg_cond, "reason"), dc_jstr(cfg_cond, "message"));
    else
        c_cfg = cond("ConfigurationsReady", "Unknown", "OutOfDate",
                     "The Configuration is still working to reflect the latest desired specification.");
    const char *route_ready = ro ? cond_status(ro->obj, "Ready") : "Unknown";
    json_t *rc = ro ? find_cond(ro->obj, "Ready") : NULL;
    bool migrating = false;
    json_array_foreach(dc_jget(svc, "spec.traffic"), i, t)
        if (json_is_true(json_object_get(t, "latestRevision")) && !tt_streq(latest_ready, latest_created) &&
            strcmp(cfg_ready, "False") != 0)
            migrating = true;
    if (migrating)
        c_route = cond("RoutesReady", "Unknown", "TrafficNotMigrated", "Traffic is not yet migrated to the latest revision.");
    else if (strcmp(route_ready, "True") == 0)
        c_route = cond("RoutesReady", "True", NULL, NULL);
    else
        c_route = cond("RoutesReady", route_ready, dc_jstr(rc, "reason"), dc_jstr(rc, "message"));
    const char *rs1 = dc_jstr(c_cfg, "status"), *rs2 = dc_jstr(c_route, "status");
    json_t *c_ready;
    json_t *src = strcmp(rs1, "False") == 0 ? c_cfg : strcmp(rs2, "False") == 0 ? c_route
                  : strcmp(rs1, "Unknown") == 0 ? c_cfg : strcmp(rs2, "Unknown") == 0 ? c_route : NULL;
    if (src)
        c_ready = cond("Ready", dc_jstr(src, "status"), dc_jstr(src, "reason"), dc_jstr(src, "message"));
    else
        c_ready = cond("Ready", "True", NULL, NULL);
    json_t *status = json_object_get(svc, "status");
    if (!status) {
        status = json_object();
        json_object_set_new(svc, "status", status);
    }
    json_object_set_new(status, "observedGeneration", json_integer(json_integer_value(dc_jget(svc, "metadata.generation"))));
    if (latest_created)
        json_object_set_new(status, "latestCreatedRevisionName", json_string(latest_created));
    if (latest_ready)
        json_object_set_new(status, "latestReadyRevisionName", json_string(latest_ready));
    if (rst && json_object_get(rst, "url")) {
        json_object_set_new(status, "url", json_string(url));
        dc_jset(svc, "status.address.url", json_string(url));
        json_object_set(status, "traffic", json_object_get(rst, "traffic"));
    }
    free(url);
    set_conditions(svc, json_pack("[o, o, o]", c_cfg, c_ready, c_route));
    put_internal(DC_KSVC, svc, false);
}

void kn_reconcile_now(const char *ns, const char *name) { reconcile_service(ns, name); }

/* ---- admission --------------------------------------------------------- */

static void capitalize_path(tt_buf *out, const char *k)
{
    tt_buf_putc(out, '.');
    tt_buf_putc(out, (char)((k[0] >= 'a' && k[0] <= 'z') ? k[0] - 32 : k[0]));
    tt_buf_puts(out, k + 1);
}

static void diff_json(tt_buf *out, const char *path, json_t *a, json_t *b)
{
    if (json_equal(a, b))
        return;
    if (json_is_object(a) && json_is_object(b)) {
        const char *k;
        json_t *v;
        json_object_foreach(a, k, v) {
            tt_buf p = TT_BUF_INIT;
            tt_buf_puts(&p, path);
            capitalize_path(&p, k);
            diff_json(out, p.data, v, json_object_get(b, k));
            tt_buf_free(&p);
        }
        json_object_foreach(b, k, v) {
            if (json_object_get(a, k))
                continue;
            tt_buf p = TT_BUF_INIT;
            tt_buf_puts(&p, path);
            capitalize_path(&p, k);
            diff_json(out, p.data, NULL, v);
            tt_buf_free(&p);
        }
        return;
    }
    if (json_is_array(a) && json_is_array(b) && json_array_size(a) == json_array_size(b)) {
        for (size_t i = 0; i < json_array_size(a); i++) {
            char *p = tt_asprintf("%s[%zu]", path, i);
            diff_json(out, p, json_array_get(a, i), json_array_get(b, i));
            free(p);
        }
        return;
    }
    char *sa = a ? json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    char *sb = b ? json_dumps(b, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    tt_buf_printf(out, "\n{*v1.RevisionTemplateSpec}%s:\n\t-: %s\n\t+: %s", path, sa ? sa : "<none>",
                  sb ? sb : "<none>");
    free(sa);
    free(sb);
}

static json_t *user_map(json_t *m)
{
    json_t *out = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(m, k, v)
        if (!tt_str_has_prefix(k, LBL))
            json_object_set(out, k, v);
    return out;
}

/* The comparable parts of a template (spec, user annotations and labels). */
static json_t *template_view(json_t *annotations, json_t *labels, json_t *spec)
{
    json_t *spec_view = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(spec, k, v) {
        bool rev_level = !strcmp(k, "containerConcurrency") || !strcmp(k, "timeoutSeconds") ||
                         !strcmp(k, "responseStartTimeoutSeconds") || !strcmp(k, "idleTimeoutSeconds");
        if (rev_level)
            json_object_set(spec_view, k, v);
        else {
            json_t *ps = json_object_get(spec_view, "podSpec");
            if (!ps) {
                ps = json_object();
                json_object_set_new(spec_view, "podSpec", ps);
            }
            json_object_set(ps, k, v);
        }
    }
    return json_pack("{s:{s:o, s:o}, s:o}", "objectMeta", "annotations", user_map(annotations),
                     "labels", user_map(labels), "spec", spec_view);
}

static bool webhook_fail(dc_fail *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool webhook_fail(dc_fail *f, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dc_fail_set(f, 400, "BadRequest", WEBHOOK "%s", msg);
    return false;
}

bool kn_default_and_validate(dc_resource *r, json_t *obj, json_t *old, dc_fail *f)
{
    if (r != DC_KSVC)
        return true;
    const char *name = dc_jstr(obj, "metadata.name");
    const char *ns = dc_jstr(obj, "metadata.namespace");
    json_t *tmpl = dc_jget(obj, "spec.template");
    if (!json_is_object(tmpl)) {
        tmpl = json_object();
        dc_jset(obj, "spec.template", tmpl);
    }
    json_t *containers = dc_jget(tmpl, "spec.containers");
    if (json_array_size(containers) == 0)
        return webhook_fail(f, "missing field(s): spec.template.spec.containers%s%s", "", "");
    size_t i;
    json_t *c;
    json_array_foreach(containers, i, c) {
        if (!dc_jstr(c, "image")) {
            char p[64];
            snprintf(p, sizeof p, "%zu", i);
            return webhook_fail(f, "missing field(s): spec.template.spec.containers[%s].image%s", p, "");
        }
        if (!dc_jstr(c, "name")) {
            if (json_array_size(containers) == 1) {
                json_object_set_new(c, "name", json_string("user-container"));
            } else {
                char *n = tt_asprintf("user-container-%zu", i);
                json_object_set_new(c, "name", json_string(n));
                free(n);
            }
        }
        if (!json_object_get(c, "resources"))
            json_object_set_new(c, "resources", json_object());
    }
    if (!json_object_get(json_object_get(tmpl, "spec"), "timeoutSeconds"))
        dc_jset(tmpl, "spec.timeoutSeconds", json_integer(300));
    if (!json_object_get(json_object_get(tmpl, "spec"), "containerConcurrency"))
        dc_jset(tmpl, "spec.containerConcurrency", json_integer(0));
    if (!json_object_get(json_object_get(tmpl, "spec"), "enableServiceLinks"))
        dc_jset(tmpl, "spec.enableServiceLinks", json_false());
    const char *tname = dc_jstr(tmpl, "metadata.name");
    if (tname) {
        char prefix[300];
        snprintf(prefix, sizeof prefix, "%s-", name);
        if (!tt_str_has_prefix(tname, prefix))
            return webhook_fail(f, "must have prefix \"%s\": spec.template.metadata.name%s", prefix, "");
    }
    json_t *tann = dc_jget(tmpl, "metadata.annotations");
    int minv = scale_ann(tann, "min", 0), maxv = scale_ann(tann, "max", 0);
    if (minv < 0)
        return webhook_fail(f, "expected 0 <= %s <= 2147483647: spec.template.metadata.annotations.autoscaling.knative.dev/min-scale%s", "min-scale", "");
    if (maxv > 0 && maxv < minv) {
        char a[32], b[32];
        snprintf(a, sizeof a, "%d", maxv);
        snprintf(b, sizeof b, "%d", minv);
        return webhook_fail(f, "max-scale=%s is less than min-scale=%s: spec.template.metadata.annotations.autoscaling.knative.dev/max-scale", a, b);
    }
    json_t *traffic = dc_jget(obj, "spec.traffic");
    if (json_array_size(traffic) == 0) {
        dc_jset(obj, "spec.traffic", json_pack("[{s:b, s:i}]", "latestRevision", 1, "percent", 100));
    } else {
        json_int_t sum = 0;
        json_t *t;
        json_array_foreach(traffic, i, t) {
            sum += json_integer_value(json_object_get(t, "percent"));
            if (dc_jstr(t, "revisionName") && !json_object_get(t, "latestRevision"))
                json_object_set_new(t, "latestRevision", json_false());
            if (!dc_jstr(t, "revisionName") && !json_object_get(t, "latestRevision"))
                json_object_set_new(t, "latestRevision", json_true());
        }
        if (sum != 100) {
            char s[32];
            snprintf(s, sizeof s, "%lld", (long long)sum);
            return webhook_fail(f, "Traffic targets sum to %s, want 100: spec.traffic%s", s, "");
        }
    }
    const char *creator = old ? json_string_value(json_object_get(dc_jget(old, "metadata.annotations"), LBL "creator")) : NULL;
    dc_jset_key(obj, "metadata.annotations", LBL "creator", json_string(creator ? creator : DEMO_USER));
    json_object_set_new(json_object_get(json_object_get(obj, "metadata"), "annotations"),
                        LBL "lastModifier", json_string(DEMO_USER));
    /* the revision name must change when the template changes */
    if (tname) {
        json_t *newv = template_view(tann, dc_jget(tmpl, "metadata.labels"), json_object_get(tmpl, "spec"));
        json_t *oldv = NULL;
        dc_object *rev = ns ? dc_store_get(DC_KREV, ns, tname) : NULL;
        if (rev && tt_streq(json_string_value(json_object_get(dc_jget(rev->obj, "metadata.labels"), LBL "configuration")), name)) {
            oldv = template_view(dc_jget(rev->obj, "metadata.annotations"),
                                 dc_jget(rev->obj, "metadata.labels"), json_object_get(rev->obj, "spec"));
        } else if (old && tt_streq(dc_jstr(old, "spec.template.metadata.name"), tname)) {
            json_t *ot = dc_jget(old, "spec.template");
            oldv = template_view(dc_jget(ot, "metadata.annotations"), dc_jget(ot, "metadata.labels"),
                                 json_object_get(ot, "spec"));
        }
        if (oldv) {
            tt_buf d = TT_BUF_INIT;
            diff_json(&d, "", oldv, newv);
            if (d.len) {
                /* paths come out as .ObjectMeta / .Spec.PodSpec */
                dc_fail_set(f, 400, "BadRequest",
                            WEBHOOK "Saw the following changes without a name change (-old +new): spec.template.metadata.name%s",
                            d.data);
                tt_buf_free(&d);
                json_decref(oldv);
                json_decref(newv);
                return false;
            }
            tt_buf_free(&d);
            json_decref(oldv);
        }
        json_decref(newv);
    }
    return true;
}

/* ---- namespaces --------------------------------------------------------- */

void kn_namespace_terminating(const char *ns)
{
    add_timer(tt_now_ms() + 300, T_NS_PURGE, ns, ns);
}

static void purge_namespace(const char *ns)
{
    for (int i = 0; dc_resources[i]; i++) {
        dc_resource *r = dc_resources[i];
        if (!r->namespaced)
            continue;
        size_t n;
        dc_object **items = dc_store_range(r, ns, &n);
        char **names = NULL;
        size_t nn = 0;
        for (size_t j = 0; j < n; j++) {
            if (strcmp(items[j]->ns, ns) == 0) {
                names = tt_realloc(names, (nn + 1) * sizeof *names);
                names[nn++] = tt_strdup(items[j]->name);
            }
        }
        for (size_t j = 0; j < nn; j++) {
            dc_store_delete(r, ns, names[j]);
            free(names[j]);
        }
        free(names);
    }
    add_timer(tt_now_ms() + 300, T_NS_REMOVE, ns, ns);
}

/* ---- the loop ---------------------------------------------------------------- */

static void run_timer(timer *t)
{
    switch (t->action) {
    case T_REV_PROGRESS:
        revision_progress(t->ns, t->name);
        break;
    case T_CRASH: {
        json_t *rev = copy_of(DC_KREV, t->ns, t->name);
        if (rev && image_kind(rev) == IMG_CRASH && dc_store_get(DC_KREV, t->ns, t->name)) {
            sync_pods(rev, 1, POD_CRASH, true);
            add_timer(tt_now_ms() + 8000, T_CRASH, t->ns, t->name);
        }
        json_decref(rev);
        break;
    }
    case T_PULL: {
        json_t *rev = copy_of(DC_KREV, t->ns, t->name);
        if (rev && image_kind(rev) == IMG_MISSING) {
            sync_pods(rev, 1, POD_PULLFAIL, false);
            add_timer(tt_now_ms() + 15000, T_PULL, t->ns, t->name);
        }
        json_decref(rev);
        break;
    }
    case T_NS_PURGE:
        purge_namespace(t->ns);
        break;
    case T_NS_REMOVE:
        dc_store_delete(DC_NAMESPACES, NULL, t->ns);
        break;
    }
}

static void *controller_main(void *arg)
{
    (void)arg;
    dc_lock();
    while (!K.stop) {
        long long now = tt_now_ms();
        for (size_t i = 0; i < K.nt;) {
            if (K.t[i].due <= now) {
                timer t = K.t[i];
                K.t[i] = K.t[--K.nt];
                run_timer(&t);
                free(t.ns);
                free(t.name);
                now = tt_now_ms();
            } else {
                i++;
            }
        }
        while (K.qlen > 0 && !K.stop) {
            key k = K.q[0];
            memmove(K.q, K.q + 1, (K.qlen - 1) * sizeof *K.q);
            K.qlen--;
            reconcile_service(k.ns, k.name);
            free(k.ns);
            free(k.name);
        }
        long long wait = 1000;
        now = tt_now_ms();
        for (size_t i = 0; i < K.nt; i++)
            if (K.t[i].due - now < wait)
                wait = K.t[i].due - now;
        if (wait > 0 && K.qlen == 0 && !K.stop)
            dc_wait((int)wait);
    }
    dc_unlock();
    return NULL;
}

void kn_controller_start(void)
{
    dc_lock();
    K.hook_on = true;
    K.stop = false;
    dc_unlock();
    if (pthread_create(&K.thread, NULL, controller_main, NULL) == 0)
        K.running = true;
}

void kn_controller_stop(void)
{
    dc_lock();
    K.stop = true;
    K.hook_on = false;
    dc_broadcast();
    dc_unlock();
    if (K.running)
        pthread_join(K.thread, NULL);
    K.running = false;
    for (size_t i = 0; i < K.qlen; i++) {
        free(K.q[i].ns);
        free(K.q[i].name);
    }
    free(K.q);
    K.q = NULL;
    K.qlen = 0;
    for (size_t i = 0; i < K.nt; i++) {
        free(K.t[i].ns);
        free(K.t[i].name);
    }
    free(K.t);
    K.t = NULL;
    K.nt = 0;
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
