/*
 * Following a rollout: polls each exact new Revision, its pods and the
 * namespace's events, evaluated by core/health per revision, so a stale
 * condition of an earlier revision in the Service never decides the
 * outcome.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ops.h"

#define POLL_MS 1000
/* After one revision failed, how long the others may still finish, so a
 * partial result can be told from a total failure without waiting for the
 * whole timeout. */
#define GRACE_AFTER_FAILURE_MS 20000
#define SLICE_MS 100

static bool cancelled(const atomic_int *cancel)
{
    return cancel && atomic_load(cancel) != 0;
}

/* Sleeps ms in slices so a cancel is seen within SLICE_MS. */
static void sleep_ms(long ms, const atomic_int *cancel)
{
    while (ms > 0 && !cancelled(cancel)) {
        long step = ms < SLICE_MS ? ms : SLICE_MS;
        struct timespec ts = {step / 1000, (step % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0)
            ;
        ms -= step;
    }
}

static json_t *get_or_null(kube_client *c, const kube_gvr *gvr, const char *ns,
                           const char *name, tt_error *err)
{
    json_t *o = kube_get(c, gvr, ns, name, err);
    if (!o && err->code == 404)
        tt_error_clear(err);
    return o;
}

/* The items of list whose involvedObject (or pod) belongs to revision. */
static json_t *events_of(const json_t *events, const char *rev)
{
    json_t *out = json_array();
    char *pod_prefix = tt_asprintf("%s-deployment-", rev);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(events, "items"), i, e) {
        const json_t *inv = json_object_get(e, "involvedObject");
        if (!inv)
            inv = json_object_get(e, "regarding");
        const char *name = json_string_value(json_object_get(inv, "name"));
        if (name && (strcmp(name, rev) == 0 || tt_str_has_prefix(name, pod_prefix)))
            json_array_append(out, e);
    }
    free(pod_prefix);
    return out;
}

char **ops_rollout_warnings(const json_t *events, const char *rev, size_t max, size_t *n_out)
{
    json_t *mine = events_of(events, rev);
    size_t n;
    health_event *ev = health_events_sorted(mine, &n);
    long long now = (long long)time(NULL);
    char **lines = tt_calloc(max ? max : 1, sizeof(char *));
    size_t shown = 0;
    for (size_t i = 0; i < n && shown < max; i++) {
        if (!tt_streq(ev[i].type, "Warning"))
            continue;
        lines[shown++] = health_event_format(&ev[i], now);
    }
    health_events_free(ev, n);
    json_decref(mine);
    *n_out = shown;
    return lines;
}

static bool same_state(const health_revision *a, const health_revision *b)
{
    return a->state == b->state && tt_streq(a->reason, b->reason);
}

static void copy_state(health_revision *dst, const health_revision *src)
{
    free(dst->name);
    free(dst->reason);
    free(dst->message);
    dst->name = tt_strdup(src->name);
    dst->state = src->state;
    dst->reason = tt_strdup(src->reason);
    dst->message = tt_strdup(src->message);
}

/* One poll: evaluates every revision into cur[]. -1 with err on an API
 * failure. */
static int poll_once(const ops_target *t, const char *ns, const char *const *services,
                     const char *const *revisions, size_t n, health_revision *cur,
                     json_t **events_out, tt_error *err)
{
    kube_list_opts lo = {0};
    json_t *events = kube_list(t->client, &KUBE_GVR_EVENTS, ns, &lo, err);
    if (!events)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *ksvc = get_or_null(t->client, &KUBE_GVR_KSVC, ns, services[i], err);
        json_t *rev = err->code ? NULL : get_or_null(t->client, &KUBE_GVR_REVISIONS, ns, revisions[i], err);
        char *sel = tt_asprintf("serving.knative.dev/revision=%s", revisions[i]);
        kube_list_opts po = {.label_selector = sel};
        json_t *pods = err->code ? NULL : kube_list(t->client, &KUBE_GVR_PODS, ns, &po, err);
        free(sel);
        if (err->code) {
            rc = -1;
        } else {
            json_t *evs = events_of(events, revisions[i]);
            health_target ht = {revisions[i], rev, json_object_get(pods, "items"), evs};
            health_rollout hr;
            health_evaluate_rollout(ksvc, &ht, 1, &hr);
            copy_state(&cur[i], &hr.revisions[0]);
            health_rollout_clear(&hr);
            json_decref(evs);
        }
        json_decref(ksvc);
        json_decref(rev);
        json_decref(pods);
    }
    if (rc == 0)
        *events_out = events;
    else
        json_decref(events);
    return rc;
}

static void free_states(health_revision *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].name);
        free(r[i].reason);
        free(r[i].message);
    }
    free(r);
}

static char *summary_of(const health_revision *cur, const char *const *revisions, size_t n,
                        const char *overall)
{
    tt_buf b = TT_BUF_INIT;
    tt_buf_printf(&b, "%s:", overall);
    for (size_t i = 0; i < n; i++) {
        tt_buf_printf(&b, "%s %s %s", i ? ";" : "", revisions[i],
                      health_state_name(cur[i].state));
        if (cur[i].reason && cur[i].state != HEALTH_READY)
            tt_buf_printf(&b, " (%s)", cur[i].reason);
    }
    return tt_buf_steal(&b);
}

int ops_wait_rollout(const ops_target *t, const char *ns, const char *const *services,
                     const char *const *revisions, size_t n, long long timeout_ms,
                     const atomic_int *cancel, const ops_rollout_callbacks *cb, char **summary)
{
    health_revision *cur = tt_calloc(n ? n : 1, sizeof(*cur));
    health_revision *last = tt_calloc(n ? n : 1, sizeof(*last));
    long long start = tt_now_ms(), first_failure = 0;
    int result = 1;
    for (;;) {
        if (cancelled(cancel)) {
            *summary = summary_of(cur, revisions, n, "cancelled");
            break;
        }
        tt_error err;
        tt_error_clear(&err);
        json_t *events = NULL;
        if (poll_once(t, ns, services, revisions, n, cur, &events, &err) < 0) {
            if (cb && cb->poll_failed && !cancelled(cancel))
                cb->poll_failed(&err, cb->ud);
        } else {
            size_t ready = 0, failed = 0;
            for (size_t i = 0; i < n; i++) {
                if (!last[i].name || !same_state(&last[i], &cur[i])) {
                    if (cb && cb->changed)
                        cb->changed(i, &cur[i], events, cb->ud);
                    copy_state(&last[i], &cur[i]);
                }
                ready += cur[i].state == HEALTH_READY;
                failed += cur[i].state == HEALTH_FAILED;
            }
            json_decref(events);
            if (failed && !first_failure)
                first_failure = tt_now_ms();
            bool settled = ready + failed == n;
            bool grace_over = first_failure && tt_now_ms() - first_failure > GRACE_AFTER_FAILURE_MS;
            if (ready == n) {
                *summary = summary_of(cur, revisions, n, "ready");
                result = 0;
                break;
            }
            if (failed && (settled || grace_over)) {
                *summary = summary_of(cur, revisions, n, ready ? "partial" : "failed");
                break;
            }
        }
        if (tt_now_ms() - start >= timeout_ms) {
            *summary = summary_of(cur, revisions, n, "timed out");
            break;
        }
        long left = (long)(timeout_ms - (tt_now_ms() - start));
        sleep_ms(left < POLL_MS ? (left > 0 ? left : 1) : POLL_MS, cancel);
    }
    free_states(cur, n);
    free_states(last, n);
    return result;
}
