/*
 * A gradual rollout (apply --canary): the release is applied with its
 * Services' traffic held on the revisions serving before, then the
 * traffic moves to the new revisions step by step, each step held while
 * the new revisions stay Ready and their containers do not restart; a
 * failure puts the traffic back. No printing: progress through callbacks.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ops.h"
#include "traffic.h"

/* ---- the steps ---------------------------------------------------------------- */

int ops_canary_parse(const char *text, int *steps, size_t *n_out, tt_error *err)
{
    *n_out = 0;
    if (!text || !*text) {
        tt_error_set(err, TT_EINVAL,
                     "--canary: give the percentages of the steps, e.g. --canary 10,50,100");
        return -1;
    }
    size_t n = 0;
    const char *p = text;
    for (;;) {
        size_t len = strspn(p, "0123456789");
        const char *end = p + len;
        if (len == 0 || (*end && *end != ',')) {
            size_t word = strcspn(p, ",");
            tt_error_set(err, TT_EINVAL,
                         "--canary '%s': '%.*s' is not a percentage (whole numbers from 1 to "
                         "100, comma-separated, e.g. 10,50,100)",
                         text, (int)word, p);
            return -1;
        }
        long v = len > 3 ? 1000 : strtol(p, NULL, 10);
        if (v < 1 || v > 100) {
            tt_error_set(err, TT_EINVAL,
                         "--canary '%s': %.*s is not a percentage from 1 to 100", text, (int)len,
                         p);
            return -1;
        }
        if (n > 0 && v <= steps[n - 1]) {
            tt_error_set(err, TT_EINVAL,
                         "--canary '%s': the steps must increase (%ld after %d)", text, v,
                         steps[n - 1]);
            return -1;
        }
        if (n == OPS_CANARY_MAX_STEPS) {
            tt_error_set(err, TT_EINVAL, "--canary '%s': at most %d steps", text,
                         OPS_CANARY_MAX_STEPS);
            return -1;
        }
        steps[n++] = (int)v;
        if (!*end)
            break;
        p = end + 1;
        if (!*p) {
            tt_error_set(err, TT_EINVAL, "--canary '%s': a step is missing after the last comma",
                         text);
            return -1;
        }
    }
    if (steps[n - 1] != 100) {
        tt_error_set(err, TT_EINVAL,
                     "--canary '%s': the last step must be 100 (all the traffic on the new "
                     "revision), not %d",
                     text, steps[n - 1]);
        return -1;
    }
    *n_out = n;
    return 0;
}

json_t *ops_canary_traffic(const char *previous, const char *next, int percent)
{
    if (percent >= 100)
        return json_pack("[{s:b, s:i}]", "latestRevision", 1, "percent", 100);
    if (percent < 0)
        percent = 0;
    return json_pack("[{s:s, s:i}, {s:s, s:i}]", "revisionName", previous, "percent",
                     100 - percent, "revisionName", next, "percent", percent);
}

/* ---- preparing the release ------------------------------------------------------ */

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static bool is_ksvc(const json_t *obj)
{
    return tt_streq(jstr(obj, "kind"), "Service") &&
           tt_str_has_prefix(jstr(obj, "apiVersion") ? jstr(obj, "apiVersion") : "",
                             "serving.knative.dev/");
}

void ops_canary_clear(ops_canary *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->targets[i].service);
        free(c->targets[i].previous);
        free(c->targets[i].next);
    }
    free(c->ns);
    memset(c, 0, sizeof(*c));
}

/* The revision all of a live Service's traffic goes to now, or NULL with
 * err (refused) saying why there is none. Caller frees. */
static char *serving_revision(const json_t *live, const char *service, const char *model,
                              tt_error *err)
{
    const json_t *traffic = json_object_get(json_object_get(live, "spec"), "traffic");
    const char *ready = jstr(json_object_get(live, "status"), "latestReadyRevisionName");
    const json_t *e = json_array_get(traffic, 0);
    bool single = json_array_size(traffic) <= 1 &&
                  (!e || json_integer_value(json_object_get(e, "percent")) == 100 ||
                   !json_object_get(e, "percent"));
    if (!single) {
        char *now = traffic_describe(live, service);
        tt_error_set(err, TT_EREFUSED,
                     "refused: the traffic of %s in model %s is split (%s): a gradual rollout "
                     "starts from one revision serving all of it (route it with ttstui traffic "
                     "or rollback first); nothing was changed",
                     service, model, now);
        free(now);
        return NULL;
    }
    const char *rev = e && !json_is_true(json_object_get(e, "latestRevision"))
                          ? jstr(e, "revisionName")
                          : NULL;
    if (!rev)
        rev = ready;
    if (!rev) {
        tt_error_set(err, TT_EREFUSED,
                     "refused: %s in model %s has no Ready revision serving it, so there is no "
                     "traffic to move gradually (apply without --canary); nothing was changed",
                     service, model);
        return NULL;
    }
    return tt_strdup(rev);
}

int ops_canary_prepare(kube_client *client, ops_release *r, ops_canary *c, tt_error *err)
{
    memset(c, 0, sizeof(*c));
    const char *model = ops_release_param(r, RELEASE_MODEL);
    c->ns = tt_strdup(model ? model : "");
    size_t i;
    json_t *obj;
    json_array_foreach(r->objects, i, obj) {
        if (!is_ksvc(obj))
            continue;
        const char *name = jstr(json_object_get(obj, "metadata"), "name");
        const char *next = jstr(
            json_object_get(json_object_get(json_object_get(obj, "spec"), "template"), "metadata"),
            "name");
        if (!name || !next) {
            tt_error_set(err, TT_EINVAL,
                         "a gradual rollout needs named revisions: Knative Service %s has no "
                         "spec.template.metadata.name",
                         name ? name : "(unnamed)");
            return -1;
        }
        if (c->n == TT_ARRAY_LEN(c->targets)) {
            tt_error_set(err, TT_EINVAL, "a gradual rollout handles at most %zu Knative Services",
                         TT_ARRAY_LEN(c->targets));
            return -1;
        }
        json_t *live = kube_get(client, &KUBE_GVR_KSVC, c->ns, name, err);
        if (!live) {
            if (err->code == 404)
                tt_error_set(err, TT_EREFUSED,
                             "refused: model %s has no Knative service %s yet: a first release "
                             "has no previous revision to keep the traffic on, so it cannot be "
                             "rolled out gradually (apply it without --canary); nothing was "
                             "changed",
                             c->ns, name);
            return -1;
        }
        char *prev = serving_revision(live, name, c->ns, err);
        json_decref(live);
        if (!prev)
            return -1;
        if (strcmp(prev, next) == 0) {
            tt_error_set(err, TT_EREFUSED,
                         "refused: %s already serves all the traffic of %s: nothing to roll out "
                         "gradually; nothing was changed",
                         next, name);
            free(prev);
            return -1;
        }
        ops_canary_target *t = &c->targets[c->n++];
        t->service = tt_strdup(name);
        t->previous = prev;
        t->next = tt_strdup(next);
    }
    if (c->n == 0) {
        tt_error_set(err, TT_EINVAL,
                     "the release has no Knative Service: there is no traffic to move gradually");
        return -1;
    }
    /* Only now, when every Service passed: the rendered traffic changes. */
    json_array_foreach(r->objects, i, obj) {
        if (!is_ksvc(obj))
            continue;
        const char *name = jstr(json_object_get(obj, "metadata"), "name");
        for (size_t k = 0; k < c->n; k++)
            if (tt_streq(c->targets[k].service, name))
                json_object_set_new(json_object_get(obj, "spec"), "traffic",
                                    ops_canary_traffic(c->targets[k].previous,
                                                       c->targets[k].next, 0));
    }
    return 0;
}

/* ---- the steps against the cluster ------------------------------------------------ */

static long long now_ms(const ops_canary_callbacks *cb)
{
    return cb && cb->now_ms ? cb->now_ms(cb->ud) : tt_now_ms();
}

static bool cancelled(const ops_canary_callbacks *cb)
{
    return cb && cb->cancel && atomic_load(cb->cancel) != 0;
}

#define SLICE_MS 100

/* Sleeps ms, in slices so that a cancel is seen within SLICE_MS. */
static void sleep_ms(const ops_canary_callbacks *cb, long long ms)
{
    if (ms <= 0)
        return;
    if (cb && cb->sleep_ms) {
        cb->sleep_ms(ms, cb->ud);
        return;
    }
    while (ms > 0 && !cancelled(cb)) {
        long long step = ms < SLICE_MS ? ms : SLICE_MS;
        struct timespec ts = {0, (long)step * 1000000L};
        nanosleep(&ts, NULL); /* a signal ends it early: the cancel is looked at */
        ms -= step;
    }
}

static json_t *patch_traffic(const ops_target *t, const char *ns, const char *service,
                             json_t *traffic, tt_error *err)
{
    json_t *patch = json_pack("{s:{s:o}}", "spec", "traffic", traffic);
    json_t *res = kube_patch_merge(t->client, &KUBE_GVR_KSVC, ns, service, patch, NULL, err);
    json_decref(patch);
    return res;
}

int ops_canary_restore(const ops_target *t, const ops_canary *c, tt_error *err)
{
    int rc = 0;
    for (size_t i = 0; i < c->n; i++) {
        const ops_canary_target *g = &c->targets[i];
        tt_error e;
        tt_error_clear(&e);
        json_t *patch = ops_rollback_patch(g->previous);
        json_t *res = kube_patch_merge(t->client, &KUBE_GVR_KSVC, c->ns, g->service, patch, NULL,
                                       &e);
        json_decref(patch);
        if (res) {
            json_decref(res);
            continue;
        }
        /* the other Services are still put back; the first failure is told */
        if (rc == 0) {
            *err = e;
            tt_error_prefix(err, "sending the traffic of %s back to %s", g->service, g->previous);
        }
        rc = -1;
    }
    return rc;
}

void ops_canary_result_clear(ops_canary_result *res)
{
    free(res->failure);
    free(res->restore_error);
    memset(res, 0, sizeof(*res));
}

/* The restart counts of each next revision's pods, by "service/pod". */
typedef struct watch {
    json_t *baseline; /* object: key -> restarts; NULL until the first read */
} watch;

/* One read of the health of every next revision. 0 healthy; 1 unhealthy
 * with *why (caller frees); -1 with err when the cluster could not be read. */
static int check_health(const ops_target *t, const ops_canary *c, watch *w, char **why,
                        tt_error *err)
{
    json_t *counts = json_object();
    int rc = 0;
    for (size_t i = 0; i < c->n && rc == 0; i++) {
        const ops_canary_target *g = &c->targets[i];
        json_t *rev = kube_get(t->client, &KUBE_GVR_REVISIONS, c->ns, g->next, err);
        if (!rev) {
            if (err->code == 404) {
                *why = tt_asprintf("revision %s no longer exists", g->next);
                tt_error_clear(err);
                rc = 1;
            } else {
                rc = -1;
            }
            break;
        }
        const json_t *cond = fleet_find_condition(rev, "Ready");
        const char *status = jstr(cond, "status");
        if (!tt_streq(status, "True")) {
            const char *reason = jstr(cond, "reason"), *message = jstr(cond, "message");
            *why = tt_asprintf("revision %s is not Ready (Ready %s%s%s%s%s)", g->next,
                               status ? status : "Unknown", reason ? ", " : "",
                               reason ? reason : "", message ? ": " : "", message ? message : "");
            json_decref(rev);
            rc = 1;
            break;
        }
        json_decref(rev);
        char *sel = tt_asprintf("serving.knative.dev/revision=%s", g->next);
        kube_list_opts lo = {.label_selector = sel};
        json_t *pods = kube_list(t->client, &KUBE_GVR_PODS, c->ns, &lo, err);
        free(sel);
        if (!pods) {
            rc = -1;
            break;
        }
        size_t k;
        const json_t *pod;
        json_array_foreach(json_object_get(pods, "items"), k, pod) {
            health_pod hp;
            health_pod_summary(pod, &hp);
            char *key = tt_asprintf("%s/%s", g->service, hp.name);
            json_object_set_new(counts, key, json_integer(hp.restarts));
            long long before =
                w->baseline ? json_integer_value(json_object_get(w->baseline, key)) : hp.restarts;
            if (hp.restarts > before && rc == 0) {
                long long n = hp.restarts - before;
                *why = tt_asprintf("revision %s: a container of pod %s restarted %lld time%s%s%s%s",
                                   g->next, hp.name, n, n == 1 ? "" : "s",
                                   hp.waiting_reason ? " (" : "",
                                   hp.waiting_reason ? hp.waiting_reason : "",
                                   hp.waiting_reason ? ")" : "");
                rc = 1;
            }
            free(key);
            health_pod_clear(&hp);
        }
        json_decref(pods);
    }
    if (rc == 0 && !w->baseline) {
        w->baseline = counts;
        counts = NULL;
    }
    json_decref(counts);
    return rc;
}

/* A failure: the traffic goes back, res says what and why. */
static int fail(const ops_target *t, const ops_canary *c, ops_canary_result *res, char *why)
{
    res->failure = why;
    tt_error err;
    tt_error_clear(&err);
    if (ops_canary_restore(t, c, &err) == 0)
        res->restored = true;
    else
        res->restore_error = tt_strdup(err.message);
    return 1;
}

/* Reads the health until it fails, or until the deadline has passed and a
 * read succeeded after it (reads failing for timeout_ms past it fail).
 * 0 healthy, 1 with *why. */
static int hold(const ops_target *t, const ops_canary *c, watch *w, long long deadline,
                long long timeout_ms, const ops_canary_callbacks *cb, char **why)
{
    for (;;) {
        if (cancelled(cb)) {
            *why = tt_strdup("cancelled");
            return 1;
        }
        tt_error err;
        tt_error_clear(&err);
        long long now = now_ms(cb);
        int h = check_health(t, c, w, why, &err);
        if (h == 1)
            return 1;
        if (h == 0 && now >= deadline)
            return 0;
        if (h < 0) {
            if (now >= deadline + timeout_ms) {
                *why = tt_asprintf("the health of the new revisions could not be read: %s",
                                   err.message);
                return 1;
            }
            if (cb && cb->poll_failed)
                cb->poll_failed(&err, cb->ud);
        }
        long long left = deadline - now;
        sleep_ms(cb, left > 0 && left < OPS_CANARY_POLL_MS ? left : OPS_CANARY_POLL_MS);
    }
}

int ops_canary_run(const ops_target *t, const ops_canary *c, const int *steps, size_t n_steps,
                   long long step_ms, long long timeout_ms, const ops_canary_callbacks *cb,
                   ops_canary_result *res)
{
    memset(res, 0, sizeof(*res));
    watch w = {0};
    int rc = 0;
    for (size_t s = 0; s < n_steps && rc == 0; s++) {
        char *why = NULL;
        /* before moving traffic: Ready, and (first time) the restart baseline */
        if (hold(t, c, &w, now_ms(cb), timeout_ms, cb, &why) != 0) {
            rc = fail(t, c, res, why);
            break;
        }
        if (cancelled(cb))
            why = tt_strdup("cancelled");
        for (size_t i = 0; i < c->n && !why; i++) {
            const ops_canary_target *g = &c->targets[i];
            tt_error err;
            tt_error_clear(&err);
            json_t *done = patch_traffic(t, c->ns, g->service,
                                         ops_canary_traffic(g->previous, g->next, steps[s]), &err);
            if (done)
                json_decref(done);
            else
                why = tt_asprintf("routing %d%% of %s to %s failed: %s", steps[s], g->service,
                                  g->next, err.message);
        }
        if (why) {
            rc = fail(t, c, res, why);
            break;
        }
        res->reached = steps[s];
        if (cb && cb->step)
            cb->step(s, steps[s], c, cb->ud);
        if (hold(t, c, &w, now_ms(cb) + step_ms, timeout_ms, cb, &why) != 0)
            rc = fail(t, c, res, why);
    }
    json_decref(w.baseline);
    return rc;
}
