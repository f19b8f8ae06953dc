#include "health.h"

#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "tt_common.h"

static const char *jstr(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static const json_t *conditions_of(const json_t *obj)
{
    return json_object_get(json_object_get(obj, "status"), "conditions");
}


/* ---- (a) rollout ---------------------------------------------------------- */

static bool fatal_condition_reason(const char *r)
{
    static const char *const reasons[] = {"RevisionFailed", "ContainerMissing",
                                          "ProgressDeadlineExceeded", "ImagePullBackOff",
                                          "ErrImagePull", "CrashLoopBackOff"};
    if (!r)
        return false;
    if (tt_str_has_prefix(r, "ExitCode"))
        return true;
    for (size_t i = 0; i < TT_ARRAY_LEN(reasons); i++)
        if (strcmp(r, reasons[i]) == 0)
            return true;
    return false;
}

static bool fatal_waiting_reason(const char *r)
{
    static const char *const reasons[] = {"ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff",
                                          "InvalidImageName", "CreateContainerConfigError",
                                          "CreateContainerError"};
    for (size_t i = 0; r && i < TT_ARRAY_LEN(reasons); i++)
        if (strcmp(r, reasons[i]) == 0)
            return true;
    return false;
}

static void set_state(health_revision *hr, health_state s, const char *reason, const char *message)
{
    hr->state = s;
    free(hr->reason);
    free(hr->message);
    hr->reason = tt_strdup(reason);
    hr->message = tt_strdup(message);
}

static bool failed_from_conditions(const json_t *rev, health_revision *hr)
{
    static const char *const types[] = {"Ready", "ResourcesAvailable", "ContainerHealthy"};
    for (size_t i = 0; i < TT_ARRAY_LEN(types); i++) {
        const json_t *c = fleet_find_condition(rev, types[i]);
        if (c && fatal_condition_reason(jstr(c, "reason")) && !tt_streq(jstr(c, "status"), "True")) {
            set_state(hr, HEALTH_FAILED, jstr(c, "reason"), jstr(c, "message"));
            return true;
        }
    }
    return false;
}

static bool failed_from_pods(const json_t *pods, health_revision *hr)
{
    size_t i;
    const json_t *pod;
    json_array_foreach(pods, i, pod) {
        const json_t *lists[2] = {json_object_get(json_object_get(pod, "status"), "initContainerStatuses"),
                                  json_object_get(json_object_get(pod, "status"), "containerStatuses")};
        for (int l = 0; l < 2; l++) {
            size_t j;
            const json_t *cs;
            json_array_foreach(lists[l], j, cs) {
                const json_t *w = json_object_get(json_object_get(cs, "state"), "waiting");
                if (fatal_waiting_reason(jstr(w, "reason"))) {
                    char *msg = tt_asprintf("container %s of pod %s: %s", jstr(cs, "name") ? jstr(cs, "name") : "?",
                                            jstr(json_object_get(pod, "metadata"), "name") ? jstr(json_object_get(pod, "metadata"), "name") : "?",
                                            jstr(w, "message") ? jstr(w, "message") : jstr(w, "reason"));
                    set_state(hr, HEALTH_FAILED, jstr(w, "reason"), msg);
                    free(msg);
                    return true;
                }
            }
        }
    }
    return false;
}

static bool failed_from_events(const json_t *events, health_revision *hr)
{
    size_t n;
    health_event *ev = health_events_sorted(events, &n);
    bool failed = false;
    for (size_t i = 0; i < n && !failed; i++) {
        if (tt_streq(ev[i].type, "Warning") &&
            (tt_streq(ev[i].reason, "BackOff") || tt_streq(ev[i].reason, "Failed"))) {
            char *msg = tt_asprintf("%s: %s", ev[i].object, ev[i].message ? ev[i].message : "");
            set_state(hr, HEALTH_FAILED, ev[i].reason, msg);
            free(msg);
            failed = true;
        }
    }
    health_events_free(ev, n);
    return failed;
}

/* The Service's own False conditions, but only when they name this
 * revision: a failure of another revision is stale for this rollout. */
static bool failed_from_service(const json_t *ksvc, const char *name, health_revision *hr)
{
    char *needle = tt_asprintf("Revision \"%s\"", name);
    size_t i;
    const json_t *c;
    bool failed = false;
    json_array_foreach(conditions_of(ksvc), i, c) {
        const char *msg = jstr(c, "message");
        if (tt_streq(jstr(c, "status"), "False") && msg && strstr(msg, needle)) {
            set_state(hr, HEALTH_FAILED, jstr(c, "reason"), msg);
            failed = true;
            break;
        }
    }
    free(needle);
    return failed;
}

static void evaluate_one(const json_t *ksvc, const health_target *t, health_revision *hr)
{
    hr->name = tt_strdup(t->revision_name);
    if (!t->revision) {
        if (!failed_from_service(ksvc, t->revision_name ? t->revision_name : "", hr))
            set_state(hr, HEALTH_PENDING, NULL, "the revision has not been created yet");
        return;
    }
    const json_t *ready = fleet_find_condition(t->revision, "Ready");
    const char *status = jstr(ready, "status");
    if (tt_streq(status, "True")) {
        set_state(hr, HEALTH_READY, jstr(ready, "reason"), jstr(ready, "message"));
        return;
    }
    if (tt_streq(status, "False")) {
        set_state(hr, HEALTH_FAILED, jstr(ready, "reason"), jstr(ready, "message"));
        return;
    }
    if (failed_from_conditions(t->revision, hr) || failed_from_pods(t->pods, hr) ||
        failed_from_events(t->events, hr))
        return;
    set_state(hr, HEALTH_PROGRESSING, jstr(ready, "reason"), jstr(ready, "message"));
}

void health_evaluate_rollout(const json_t *ksvc, const health_target *targets, size_t n,
                             health_rollout *out)
{
    memset(out, 0, sizeof *out);
    out->revisions = tt_calloc(n ? n : 1, sizeof *out->revisions);
    out->n_revisions = n;
    size_t ready = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        evaluate_one(ksvc, &targets[i], &out->revisions[i]);
        ready += out->revisions[i].state == HEALTH_READY;
        failed += out->revisions[i].state == HEALTH_FAILED;
    }
    if (n > 0 && ready == n)
        out->overall = HEALTH_ROLLOUT_READY;
    else if (failed && ready && ready + failed == n)
        out->overall = HEALTH_ROLLOUT_PARTIAL;
    else if (failed)
        out->overall = HEALTH_ROLLOUT_FAILED;
    else
        out->overall = HEALTH_ROLLOUT_IN_PROGRESS;
}

void health_rollout_clear(health_rollout *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_revisions; i++) {
        free(r->revisions[i].name);
        free(r->revisions[i].reason);
        free(r->revisions[i].message);
    }
    free(r->revisions);
    memset(r, 0, sizeof *r);
}

const char *health_state_name(health_state s)
{
    switch (s) {
    case HEALTH_PROGRESSING: return "progressing";
    case HEALTH_READY: return "ready";
    case HEALTH_FAILED: return "failed";
    case HEALTH_PENDING: break;
    }
    return "pending";
}

const char *health_overall_name(health_overall o)
{
    switch (o) {
    case HEALTH_ROLLOUT_READY: return "ready";
    case HEALTH_ROLLOUT_PARTIAL: return "partial";
    case HEALTH_ROLLOUT_FAILED: return "failed";
    case HEALTH_ROLLOUT_IN_PROGRESS: break;
    }
    return "in progress";
}

char *health_rollout_format(const health_rollout *r)
{
    tt_buf b = TT_BUF_INIT;
    for (size_t i = 0; r && i < r->n_revisions; i++) {
        const health_revision *hr = &r->revisions[i];
        tt_buf_printf(&b, "%s: %s", hr->name ? hr->name : "?", health_state_name(hr->state));
        if (hr->reason && hr->message)
            tt_buf_printf(&b, " (%s: %s)", hr->reason, hr->message);
        else if (hr->reason || hr->message)
            tt_buf_printf(&b, " (%s)", hr->reason ? hr->reason : hr->message);
        tt_buf_putc(&b, '\n');
    }
    return tt_buf_steal(&b);
}

/* ---- (b) events ---------------------------------------------------------------- */

static long long event_time(const json_t *e)
{
    static const char *const keys[] = {"lastTimestamp", "eventTime", "firstTimestamp"};
    for (size_t i = 0; i < TT_ARRAY_LEN(keys); i++) {
        long long t = fleet_parse_rfc3339(jstr(e, keys[i]));
        if (t)
            return t;
    }
    const json_t *series = json_object_get(e, "series");
    long long t = fleet_parse_rfc3339(jstr(series, "lastObservedTime"));
    return t ? t : fleet_parse_rfc3339(jstr(json_object_get(e, "metadata"), "creationTimestamp"));
}

static int event_cmp(const void *pa, const void *pb)
{
    const health_event *a = pa, *b = pb;
    bool wa = tt_streq(a->type, "Warning"), wb = tt_streq(b->type, "Warning");
    if (wa != wb)
        return wa ? -1 : 1;
    if (a->time != b->time)
        return a->time > b->time ? -1 : 1;
    int c = strcmp(a->object, b->object);
    return c ? c : strcmp(a->reason ? a->reason : "", b->reason ? b->reason : "");
}

health_event *health_events_sorted(const json_t *events, size_t *n)
{
    const json_t *items = json_is_array(events) ? events : json_object_get(events, "items");
    size_t count = json_array_size(items);
    health_event *out = tt_calloc(count ? count : 1, sizeof *out);
    size_t i;
    const json_t *e;
    json_array_foreach(items, i, e) {
        const json_t *inv = json_object_get(e, "involvedObject");
        if (!inv)
            inv = json_object_get(e, "regarding"); /* events.k8s.io/v1 */
        health_event *h = &out[i];
        h->type = tt_strdup(jstr(e, "type") ? jstr(e, "type") : "Normal");
        h->reason = tt_strdup(jstr(e, "reason"));
        h->object = tt_asprintf("%s/%s", jstr(inv, "kind") ? jstr(inv, "kind") : "?",
                                jstr(inv, "name") ? jstr(inv, "name") : "?");
        h->message = tt_strdup(jstr(e, "message") ? jstr(e, "message") : jstr(e, "note"));
        h->time = event_time(e);
        const json_t *cnt = json_object_get(e, "count");
        h->count = json_is_integer(cnt) ? (int)json_integer_value(cnt) : 1;
    }
    if (count > 1)
        qsort(out, count, sizeof *out, event_cmp);
    *n = count;
    return out;
}

void health_events_free(health_event *events, size_t n)
{
    for (size_t i = 0; events && i < n; i++) {
        free(events[i].type);
        free(events[i].reason);
        free(events[i].object);
        free(events[i].message);
    }
    free(events);
}

char *health_format_age(long long s)
{
    if (s < 0)
        s = 0;
    if (s < 60)
        return tt_asprintf("%llds", s);
    if (s < 3600)
        return tt_asprintf("%lldm", s / 60);
    if (s < 86400)
        return tt_asprintf("%lldh", s / 3600);
    return tt_asprintf("%lldd", s / 86400);
}

char *health_event_format(const health_event *e, long long now)
{
    char *age = e->time ? health_format_age(now - e->time) : tt_strdup("?");
    char *out = tt_asprintf("%s %s %s %s: %s", age, e->type, e->reason ? e->reason : "-", e->object,
                            e->message ? e->message : "");
    free(age);
    return out;
}

/* ---- (c) pods ------------------------------------------------------------------ */

void health_pod_summary(const json_t *pod, health_pod *out)
{
    memset(out, 0, sizeof *out);
    const json_t *md = json_object_get(pod, "metadata"), *status = json_object_get(pod, "status");
    out->name = tt_strdup(jstr(md, "name") ? jstr(md, "name") : "?");
    out->phase = tt_strdup(jstr(md, "deletionTimestamp") ? "Terminating"
                           : jstr(status, "phase")       ? jstr(status, "phase")
                                                         : "Unknown");
    out->total = (int)json_array_size(json_object_get(json_object_get(pod, "spec"), "containers"));
    size_t i;
    const json_t *cs;
    const json_t *statuses = json_object_get(status, "containerStatuses");
    if (out->total == 0)
        out->total = (int)json_array_size(statuses);
    json_array_foreach(statuses, i, cs) {
        out->ready += json_is_true(json_object_get(cs, "ready"));
        const json_t *rc = json_object_get(cs, "restartCount");
        out->restarts += json_is_integer(rc) ? (int)json_integer_value(rc) : 0;
        const char *w = jstr(json_object_get(json_object_get(cs, "state"), "waiting"), "reason");
        if (w && !out->waiting_reason)
            out->waiting_reason = tt_strdup(w);
    }
}

void health_pod_clear(health_pod *p)
{
    if (!p)
        return;
    free(p->name);
    free(p->phase);
    free(p->waiting_reason);
    memset(p, 0, sizeof *p);
}

char *health_pod_format(const health_pod *p)
{
    return tt_asprintf("%s %s %d/%d restarts %d%s%s", p->name, p->phase, p->ready, p->total,
                       p->restarts, p->waiting_reason ? " " : "",
                       p->waiting_reason ? p->waiting_reason : "");
}

/* ---- (d) conditions --------------------------------------------------------------- */

health_condition *health_conditions(const json_t *obj, size_t *n)
{
    const json_t *conds = conditions_of(obj);
    size_t count = json_array_size(conds), k = 0;
    health_condition *out = tt_calloc(count ? count : 1, sizeof *out);
    for (int pass = 0; pass < 2; pass++) {
        size_t i;
        const json_t *c;
        json_array_foreach(conds, i, c) {
            bool is_ready = tt_streq(jstr(c, "type"), "Ready");
            if (is_ready != (pass == 0))
                continue;
            health_condition *h = &out[k++];
            h->type = tt_strdup(jstr(c, "type") ? jstr(c, "type") : "?");
            h->status = tt_strdup(jstr(c, "status") ? jstr(c, "status") : "Unknown");
            h->reason = tt_strdup(jstr(c, "reason"));
            h->message = tt_strdup(jstr(c, "message"));
            h->last_transition = fleet_parse_rfc3339(jstr(c, "lastTransitionTime"));
        }
    }
    *n = k;
    return out;
}

void health_conditions_free(health_condition *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++) {
        free(c[i].type);
        free(c[i].status);
        free(c[i].reason);
        free(c[i].message);
    }
    free(c);
}

char *health_namespace_blockers(const json_t *ns)
{
    const json_t *conds = conditions_of(ns);
    tt_buf b = TT_BUF_INIT;
    /* Finalizers first: they are what someone has to act on. */
    for (int pass = 0; pass < 2; pass++) {
        size_t i;
        const json_t *c;
        json_array_foreach(conds, i, c) {
            if (!tt_streq(jstr(c, "status"), "True"))
                continue;
            bool finalizers = tt_streq(jstr(c, "type"), "NamespaceFinalizersRemaining");
            if (finalizers != (pass == 0))
                continue;
            const char *what = jstr(c, "message");
            if (!what || !*what)
                what = jstr(c, "reason");
            if (!what || !*what)
                what = jstr(c, "type");
            if (!what || !*what)
                continue;
            if (b.len)
                tt_buf_puts(&b, "; ");
            tt_buf_puts(&b, what);
        }
    }
    if (!b.len) {
        tt_buf_free(&b);
        return NULL;
    }
    return tt_buf_steal(&b);
}
