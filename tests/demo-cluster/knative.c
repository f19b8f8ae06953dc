/*
 * A simulated Knative Serving controller: Services own a Configuration and
 * a Route; each new template makes a Revision, which runs as a Deployment,
 * a ReplicaSet and pods, and becomes Ready (or fails: images containing
 * "crashloop" crash, images containing "missing" cannot be pulled) after
 * --ready-delay-ms; images containing "progressing" stay Ready=Unknown.
 * Runs in one thread under the store lock.
 *
 * This file: the controller itself (work queue, timers, the change hook,
 * the loop, namespace termination) and the helpers the kn_*.c files share
 * (conditions, owner references, names, internal writes). The parts:
 * kn_service.c (Configuration, Route and traffic, Service status),
 * kn_revision.c (revisions), kn_pods.c (Deployments, ReplicaSets, pods,
 * their events), kn_webhook.c (the admission webhook: defaults and
 * validation); what they share in knative.h.
 */
#include "dc.h"
#include "knative.h"

#include <stdlib.h>
#include <string.h>

bool kn_instant;

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

int scale_ann(json_t *ann, const char *which, int def)
{
    char k1[64], k2[64];
    snprintf(k1, sizeof k1, "autoscaling.knative.dev/%s-scale", which);
    snprintf(k2, sizeof k2, "autoscaling.knative.dev/%sScale", which);
    const char *v = json_string_value(json_object_get(ann, k1));
    if (!v)
        v = json_string_value(json_object_get(ann, k2));
    return v ? atoi(v) : def;
}

json_t *cond(const char *type, const char *status, const char *reason, const char *msg)
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
void set_conditions(json_t *obj, json_t *conds)
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

json_t *find_cond(json_t *obj, const char *type)
{
    size_t i;
    json_t *c;
    json_array_foreach(dc_jget(obj, "status.conditions"), i, c)
        if (tt_streq(dc_jstr(c, "type"), type))
            return c;
    return NULL;
}

const char *cond_status(json_t *obj, const char *type)
{
    const char *s = dc_jstr(find_cond(obj, type), "status");
    return s ? s : "Unknown";
}

json_t *owner_ref(json_t *owner)
{
    return json_pack("[{s:s, s:s, s:s, s:s, s:b, s:b}]", "apiVersion", dc_jstr(owner, "apiVersion"),
                     "kind", dc_jstr(owner, "kind"), "name", dc_jstr(owner, "metadata.name"), "uid",
                     dc_jstr(owner, "metadata.uid"), "controller", 1, "blockOwnerDeletion", 1);
}

unsigned long hash32(const char *s)
{
    unsigned long h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h & 0xffffffffu;
}

void rand_name(char *out, size_t n, const char *seed, unsigned salt)
{
    static const char alnum[] = "bcdfghjklmnpqrstvwxz2456789";
    unsigned long h = hash32(seed) ^ (salt * 2654435761u);
    for (size_t i = 0; i + 1 < n; i++) {
        out[i] = alnum[h % (sizeof alnum - 1)];
        h = h / (sizeof alnum - 1) + (h * 31 + i + 7) % 1000003;
    }
    out[n - 1] = '\0';
}

dc_object *put_internal(dc_resource *r, json_t *obj, bool create)
{
    dc_fail f = {0};
    dc_object *o = dc_write(r, obj, create, true, NULL, &f);
    if (!o && f.details)
        json_decref(f.details);
    return o;
}

json_t *copy_of(dc_resource *r, const char *ns, const char *name)
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

void add_timer(long long due, int action, const char *ns, const char *name)
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
