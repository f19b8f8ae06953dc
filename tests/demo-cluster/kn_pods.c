/*
 * What runs a revision: its Deployment and ReplicaSet, its pods (created,
 * running, crashing or failing to pull, by the image's name) and the
 * events the scheduler and the kubelet would record for them.
 */
#include "dc.h"
#include "knative.h"

#include <stdlib.h>
#include <string.h>

#define QP_IMAGE "gcr.io/knative-releases/knative.dev/serving/cmd/queue@sha256:0ee6bd1f8e8f8e2c4f8b8e0b8a4c5b8c2c3f4e5a6b7c8d9e0f1a2b3c4d5e6f70"

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

img_kind image_kind(json_t *rev)
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

const char *user_container(json_t *rev)
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
void ensure_deployment(json_t *rev, int replicas, int ready)
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
void sync_pods(json_t *rev, int want, pod_phase ph, bool bump_restarts)
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
