/*
 * The fake backend: answers every call from a JSON fixture, through the
 * same queue and messages as the real one, from its own thread, with the
 * delays the fixture asks for. Used by the view tests and for developing
 * views without a cluster. Fixture keys (all optional):
 *   context, env, server         what TUI_MSG_CONN reports
 *   conn_state, conn_message     "failed"/"reconnecting" + why (default connected)
 *   latency_ms                   delay of every answer (default 0)
 *   step_ms                      delay between progress steps (default 50)
 *   contexts [{name, cluster, namespace, env}]
 *   objects [...]                Knative Services, Revisions, Namespaces,
 *                                KongClusterPlugins: the initial list
 *   updates [{after_ms, op: apply|delete, object}]   live changes
 *   details {model: {pods: [...], events: [...]}}    (revisions come from objects)
 *   logs {"pod/container": [lines]}, log_interval_ms, logs_end (bool)
 *   render {yaml, masked}, diff, dry_run {ok, text}: ${model} ${version}
 *     ${image} ${env} ${entrypoint} ${min_scale} ${max_scale} are replaced
 *   apply {steps [...], fail_step, fail_reason}
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"

typedef struct task {
    long long due;
    unsigned long req;
    tui_msg *msg;
    struct task *next;
} task;

typedef struct fake {
    json_t *fx;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    task *tasks; /* sorted by due */
    bool stop;
    long long latency;
    long long step_ms;
    char *context;
} fake;

static fake *impl(tui_backend *b)
{
    return b->impl;
}

/* ---- scheduling ---------------------------------------------------------- */

static void schedule(tui_backend *b, long long delay_ms, unsigned long req, int type, void *payload,
                     void (*free_payload)(void *), const char *error)
{
    fake *f = impl(b);
    tui_msg *m = tui_msg_new(type, req);
    m->payload = payload;
    m->free_payload = free_payload;
    if (error)
        tt_error_set(&m->err, TT_EINVAL, "%s", error);
    task *t = tt_calloc(1, sizeof(*t));
    t->due = tt_now_ms() + delay_ms;
    t->req = req;
    t->msg = m;
    pthread_mutex_lock(&f->lock);
    task **p = &f->tasks;
    while (*p && (*p)->due <= t->due)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    pthread_cond_signal(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

static void *worker(void *arg)
{
    tui_backend *b = arg;
    fake *f = impl(b);
    pthread_mutex_lock(&f->lock);
    while (!f->stop) {
        if (!f->tasks) {
            pthread_cond_wait(&f->cond, &f->lock);
            continue;
        }
        long long now = tt_now_ms();
        if (f->tasks->due <= now) {
            task *t = f->tasks;
            f->tasks = t->next;
            tui_queue_push(b->queue, t->msg);
            free(t);
            continue;
        }
        long long due = f->tasks->due;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        long long wait = due - now;
        ts.tv_sec += wait / 1000;
        ts.tv_nsec += (wait % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&f->cond, &f->lock, &ts);
    }
    pthread_mutex_unlock(&f->lock);
    return NULL;
}

/* ---- helpers ------------------------------------------------------------- */

static const char *fx_str(fake *f, const char *key)
{
    return json_string_value(json_object_get(f->fx, key));
}

static char *subst(const char *tmpl, const tui_release_req *r)
{
    char min[16], max[16];
    snprintf(min, sizeof(min), "%d", r->min_scale);
    snprintf(max, sizeof(max), "%d", r->max_scale);
    const struct {
        const char *key, *val;
    } vars[] = {{"${model}", r->model}, {"${version}", r->version}, {"${image}", r->image},
                {"${env}", r->env}, {"${entrypoint}", r->entrypoint}, {"${min_scale}", min},
                {"${max_scale}", max}};
    tt_buf b = TT_BUF_INIT;
    const char *p = tmpl ? tmpl : "";
    while (*p) {
        bool done = false;
        for (size_t i = 0; i < TT_ARRAY_LEN(vars) && !done; i++) {
            size_t n = strlen(vars[i].key);
            if (strncmp(p, vars[i].key, n) == 0) {
                tt_buf_puts(&b, vars[i].val ? vars[i].val : "");
                p += n;
                done = true;
            }
        }
        if (!done)
            tt_buf_putc(&b, *p++);
    }
    return tt_buf_steal(&b);
}

static tui_fleet_batch *initial_batch(fake *f)
{
    tui_fleet_batch *batch = tui_fleet_batch_new();
    const fleet_kind kinds[] = {FLEET_KIND_NAMESPACE, FLEET_KIND_SERVICE, FLEET_KIND_REVISION,
                                FLEET_KIND_PIN};
    for (size_t k = 0; k < TT_ARRAY_LEN(kinds); k++)
        tui_fleet_batch_add(batch, TUI_FLEET_BEGIN_RELIST, kinds[k], NULL);
    json_t *objs = json_object_get(f->fx, "objects");
    for (size_t i = 0; i < json_array_size(objs); i++) {
        json_t *o = json_array_get(objs, i);
        int kind = tui_fleet_kind_of(o);
        if (kind >= 0)
            tui_fleet_batch_add(batch, TUI_FLEET_APPLY, (fleet_kind)kind, o);
    }
    for (size_t k = 0; k < TT_ARRAY_LEN(kinds); k++)
        tui_fleet_batch_add(batch, TUI_FLEET_SWEEP, kinds[k], NULL);
    return batch;
}

static tui_conn_state conn_state(fake *f)
{
    const char *s = fx_str(f, "conn_state");
    if (tt_streq(s, "failed"))
        return TUI_CONN_FAILED;
    if (tt_streq(s, "reconnecting"))
        return TUI_CONN_RECONNECTING;
    return TUI_CONN_CONNECTED;
}

/* ---- ops ---------------------------------------------------------------- */

static void fake_watch_fleet(tui_backend *b)
{
    fake *f = impl(b);
    schedule(b, 0, 0, TUI_MSG_CONN,
             tui_conn_info_new(TUI_CONN_CONNECTING, f->context, fx_str(f, "env"),
                               fx_str(f, "server"), NULL),
             tui_conn_info_free, NULL);
    schedule(b, f->latency, 0, TUI_MSG_CONN,
             tui_conn_info_new(conn_state(f), f->context, fx_str(f, "env"), fx_str(f, "server"),
                               fx_str(f, "conn_message")),
             tui_conn_info_free, NULL);
    if (conn_state(f) == TUI_CONN_FAILED)
        return;
    schedule(b, f->latency, 0, TUI_MSG_FLEET, initial_batch(f), tui_fleet_batch_free, NULL);
    json_t *updates = json_object_get(f->fx, "updates");
    for (size_t i = 0; i < json_array_size(updates); i++) {
        json_t *u = json_array_get(updates, i);
        json_t *obj = json_object_get(u, "object");
        int kind = tui_fleet_kind_of(obj);
        if (kind < 0)
            continue;
        tui_fleet_batch *batch = tui_fleet_batch_new();
        bool del = tt_streq(json_string_value(json_object_get(u, "op")), "delete");
        tui_fleet_batch_add(batch, del ? TUI_FLEET_DELETE : TUI_FLEET_APPLY, (fleet_kind)kind, obj);
        long long after = json_integer_value(json_object_get(u, "after_ms"));
        schedule(b, f->latency + after, 0, TUI_MSG_FLEET, batch, tui_fleet_batch_free, NULL);
    }
}

static unsigned long fake_load_model(tui_backend *b, const char *model)
{
    fake *f = impl(b);
    unsigned long req = tui_backend_next_req(b);
    json_t *revs = json_array();
    json_t *objs = json_object_get(f->fx, "objects");
    for (size_t i = 0; i < json_array_size(objs); i++) {
        json_t *o = json_array_get(objs, i);
        const char *ns =
            json_string_value(json_object_get(json_object_get(o, "metadata"), "namespace"));
        if (tui_fleet_kind_of(o) == FLEET_KIND_REVISION && tt_streq(ns, model))
            json_array_append(revs, o);
    }
    json_t *d = json_object_get(json_object_get(f->fx, "details"), model);
    tui_model_details *det = tui_model_details_from_json(model, revs, json_object_get(d, "pods"),
                                                         json_object_get(d, "events"));
    json_decref(revs);
    det->ingress_host = tt_strdup(json_string_value(json_object_get(d, "ingress_host")));
    schedule(b, f->latency, req, TUI_MSG_MODEL_DETAILS, det, tui_model_details_free, NULL);
    return req;
}

static unsigned long fake_follow_logs(tui_backend *b, const char *model, const char *pod,
                                      const char *container, bool follow, int tail)
{
    (void)model;
    (void)tail;
    fake *f = impl(b);
    unsigned long req = tui_backend_next_req(b);
    char *key = tt_asprintf("%s/%s", pod, container);
    json_t *lines = json_object_get(json_object_get(f->fx, "logs"), key);
    free(key);
    long long interval = json_integer_value(json_object_get(f->fx, "log_interval_ms"));
    long long at = f->latency;
    if (!lines) {
        schedule(b, at, req, TUI_MSG_LOG_END, NULL, NULL, "no logs for this container");
        return req;
    }
    tui_log_lines *batch = tui_log_lines_new();
    for (size_t i = 0; i < json_array_size(lines); i++) {
        tui_log_lines_add(batch, json_string_value(json_array_get(lines, i)));
        if (interval > 0) {
            schedule(b, at, req, TUI_MSG_LOG_LINES, batch, tui_log_lines_free, NULL);
            batch = tui_log_lines_new();
            at += interval;
        }
    }
    if (batch->n)
        schedule(b, at, req, TUI_MSG_LOG_LINES, batch, tui_log_lines_free, NULL);
    else
        tui_log_lines_free(batch);
    if (!follow || json_is_true(json_object_get(f->fx, "logs_end")))
        schedule(b, at, req, TUI_MSG_LOG_END, NULL, NULL, NULL);
    return req;
}

static void fake_cancel(tui_backend *b, unsigned long req)
{
    fake *f = impl(b);
    pthread_mutex_lock(&f->lock);
    task **p = &f->tasks;
    while (*p) {
        if ((*p)->req == req) {
            task *t = *p;
            *p = t->next;
            tui_msg_free(t->msg);
            free(t);
        } else {
            p = &(*p)->next;
        }
    }
    pthread_mutex_unlock(&f->lock);
}

static unsigned long fake_render(tui_backend *b, const tui_release_req *r)
{
    fake *f = impl(b);
    unsigned long req = tui_backend_next_req(b);
    json_t *render = json_object_get(f->fx, "render");
    if (!render) {
        schedule(b, f->latency, req, TUI_MSG_RENDER, NULL, NULL, "the fixture has no render");
        return req;
    }
    char *yaml = subst(json_string_value(json_object_get(render, "yaml")), r);
    char *masked = subst(json_string_value(json_object_get(render, "masked")), r);
    schedule(b, f->latency, req, TUI_MSG_RENDER, tui_rendered_new(yaml, masked), tui_rendered_free,
             NULL);
    tt_free_secret(yaml);
    free(masked);
    return req;
}

static unsigned long fake_diff(tui_backend *b, const tui_release_req *r)
{
    fake *f = impl(b);
    unsigned long req = tui_backend_next_req(b);
    char *text = subst(fx_str(f, "diff"), r);
    schedule(b, f->latency, req, TUI_MSG_DIFF, tui_text_result_new(true, text), tui_text_result_free,
             NULL);
    free(text);
    return req;
}

static unsigned long fake_dry_run(tui_backend *b, const tui_release_req *r)
{
    fake *f = impl(b);
    unsigned long req = tui_backend_next_req(b);
    json_t *d = json_object_get(f->fx, "dry_run");
    char *text = subst(json_string_value(json_object_get(d, "text")), r);
    bool ok = !d || !json_is_false(json_object_get(d, "ok"));
    schedule(b, f->latency, req, TUI_MSG_DRY_RUN, tui_text_result_new(ok, text),
             tui_text_result_free, NULL);
    free(text);
    return req;
}

/* Posts RUNNING then OK (or FAILED) per step, then DONE. */
static void run_steps(tui_backend *b, unsigned long req, const char *const *steps, size_t n,
                      const char *fail_step, const char *fail_reason)
{
    fake *f = impl(b);
    long long at = f->latency;
    for (size_t i = 0; i < n; i++) {
        schedule(b, at, req, TUI_MSG_PROGRESS, tui_progress_new(steps[i], TUI_STEP_RUNNING, NULL),
                 tui_progress_free, NULL);
        at += f->step_ms;
        if (tt_streq(steps[i], fail_step)) {
            const char *why = fail_reason ? fail_reason : "failed";
            schedule(b, at, req, TUI_MSG_PROGRESS, tui_progress_new(steps[i], TUI_STEP_FAILED, why),
                     tui_progress_free, NULL);
            char *msg = tt_asprintf("%s: %s", steps[i], why);
            schedule(b, at, req, TUI_MSG_DONE, NULL, NULL, msg);
            free(msg);
            return;
        }
        schedule(b, at, req, TUI_MSG_PROGRESS,
                 tui_progress_new(steps[i], TUI_STEP_OK,
                                  tt_str_has_prefix(steps[i], "rollout") ? "Ready" : "applied"),
                 tui_progress_free, NULL);
    }
    schedule(b, at, req, TUI_MSG_DONE, NULL, NULL, NULL);
}

static unsigned long fake_apply(tui_backend *b, const tui_release_req *r)
{
    fake *f = impl(b);
    unsigned long req = tui_backend_next_req(b);
    json_t *a = json_object_get(f->fx, "apply");
    json_t *steps = json_object_get(a, "steps");
    size_t n = json_array_size(steps);
    char **names;
    if (n) {
        names = tt_calloc(n, sizeof(char *));
        for (size_t i = 0; i < n; i++)
            names[i] = subst(json_string_value(json_array_get(steps, i)), r);
    } else {
        n = 0;
        names = tt_calloc(6, sizeof(char *));
        names[n++] = tt_asprintf("Namespace %s", r->model);
        if (r->include_api_keys) /* the policy the request carried, as the real plan gets it */
            names[n++] = tt_strdup(r->keys_policy == SAFETY_KEYS_MERGE     ? "Secret api-keys (merge)"
                                   : r->keys_policy == SAFETY_KEYS_REPLACE ? "Secret api-keys (replace)"
                                                                           : "Secret api-keys");
        names[n++] = tt_strdup("Service validate");
        names[n++] = tt_strdup("Service stream");
        names[n++] = tt_asprintf("rollout validate-%s", r->version);
        names[n++] = tt_asprintf("rollout stream-%s", r->version);
    }
    char *fail = subst(json_string_value(json_object_get(a, "fail_step")), r);
    run_steps(b, req, (const char *const *)names, n, *fail ? fail : NULL,
              json_string_value(json_object_get(a, "fail_reason")));
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(fail);
    return req;
}

static unsigned long one_step(tui_backend *b, const char *step)
{
    unsigned long req = tui_backend_next_req(b);
    const char *steps[] = {step};
    run_steps(b, req, steps, 1, NULL, NULL);
    return req;
}

static unsigned long fake_delete_model(tui_backend *b, const char *model)
{
    char *s = tt_asprintf("Namespace %s", model);
    unsigned long req = one_step(b, s);
    free(s);
    return req;
}

static unsigned long fake_rollback(tui_backend *b, const char *model, const char *version,
                                   unsigned services)
{
    (void)model;
    char *s = tt_asprintf("traffic of %s to version %s",
                          services == TUI_SERVICE_BOTH     ? "stream and validate"
                          : services == TUI_SERVICE_STREAM ? "stream"
                                                           : "validate",
                          version);
    unsigned long req = one_step(b, s);
    free(s);
    return req;
}

static unsigned long fake_pin_latest(tui_backend *b, const char *model)
{
    char *s = tt_asprintf("KongClusterPlugin latest-pinned-service -> %s", model);
    unsigned long req = one_step(b, s);
    free(s);
    return req;
}

static unsigned long fake_list_contexts(tui_backend *b)
{
    fake *f = impl(b);
    unsigned long req = tui_backend_next_req(b);
    tui_contexts *c = tui_contexts_new(f->context);
    json_t *list = json_object_get(f->fx, "contexts");
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *e = json_array_get(list, i);
        tui_contexts_add(c, json_string_value(json_object_get(e, "name")),
                         json_string_value(json_object_get(e, "cluster")),
                         json_string_value(json_object_get(e, "namespace")),
                         json_string_value(json_object_get(e, "env")));
    }
    schedule(b, f->latency, req, TUI_MSG_CONTEXTS, c, tui_contexts_free, NULL);
    return req;
}

static unsigned long fake_switch_context(tui_backend *b, const char *context)
{
    fake *f = impl(b);
    unsigned long req = tui_backend_next_req(b);
    const char *env = NULL;
    bool known = false;
    json_t *list = json_object_get(f->fx, "contexts");
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *e = json_array_get(list, i);
        if (tt_streq(json_string_value(json_object_get(e, "name")), context)) {
            known = true;
            env = json_string_value(json_object_get(e, "env"));
        }
    }
    if (!known) {
        char *msg = tt_asprintf("no context '%s' in the kubeconfig", context);
        schedule(b, 0, req, TUI_MSG_DONE, NULL, NULL, msg);
        free(msg);
        return req;
    }
    free(f->context);
    f->context = tt_strdup(context);
    schedule(b, 0, req, TUI_MSG_CONN,
             tui_conn_info_new(TUI_CONN_CONNECTING, context, env, NULL, NULL), tui_conn_info_free,
             NULL);
    tui_fleet_batch *batch = tui_fleet_batch_new();
    tui_fleet_batch_add(batch, TUI_FLEET_RESET, FLEET_KIND_SERVICE, NULL);
    /* The fixture's objects belong to its own context; others are empty. */
    if (tt_streq(context, fx_str(f, "context"))) {
        tui_fleet_batch *init = initial_batch(f);
        for (size_t i = 0; i < init->n; i++)
            tui_fleet_batch_add(batch, init->items[i].op, init->items[i].kind, init->items[i].obj);
        tui_fleet_batch_free(init);
    }
    schedule(b, f->latency, req, TUI_MSG_FLEET, batch, tui_fleet_batch_free, NULL);
    schedule(b, f->latency, req, TUI_MSG_CONN,
             tui_conn_info_new(TUI_CONN_CONNECTED, context, env, NULL, NULL), tui_conn_info_free,
             NULL);
    schedule(b, f->latency, req, TUI_MSG_DONE, NULL, NULL, NULL);
    return req;
}

static void fake_destroy(tui_backend *b)
{
    fake *f = impl(b);
    pthread_mutex_lock(&f->lock);
    f->stop = true;
    pthread_cond_signal(&f->cond);
    pthread_mutex_unlock(&f->lock);
    pthread_join(f->thread, NULL);
    while (f->tasks) {
        task *t = f->tasks;
        f->tasks = t->next;
        tui_msg_free(t->msg);
        free(t);
    }
    pthread_cond_destroy(&f->cond);
    pthread_mutex_destroy(&f->lock);
    json_decref(f->fx);
    free(f->context);
    free(f);
    free(b);
}

static const tui_backend_ops fake_ops = {
    .name = "fake",
    .watch_fleet = fake_watch_fleet,
    .load_model = fake_load_model,
    .follow_logs = fake_follow_logs,
    .cancel = fake_cancel,
    .render = fake_render,
    .diff = fake_diff,
    .dry_run = fake_dry_run,
    .apply = fake_apply,
    .delete_model = fake_delete_model,
    .rollback = fake_rollback,
    .pin_latest = fake_pin_latest,
    .list_contexts = fake_list_contexts,
    .switch_context = fake_switch_context,
    .destroy = fake_destroy,
};

tui_backend *tui_backend_fake_new(tui_queue *q, const char *fixture_path, tt_error *err)
{
    json_error_t jerr;
    json_t *fx = json_load_file(fixture_path, 0, &jerr);
    if (!fx) {
        tt_error_set(err, TT_EINVAL, "%s:%d: %s", fixture_path, jerr.line, jerr.text);
        return NULL;
    }
    if (!json_is_object(fx)) {
        tt_error_set(err, TT_EINVAL, "%s: a fake-backend fixture is a JSON object", fixture_path);
        json_decref(fx);
        return NULL;
    }
    fake *f = tt_calloc(1, sizeof(*f));
    f->fx = fx;
    f->latency = json_integer_value(json_object_get(fx, "latency_ms"));
    json_t *step = json_object_get(fx, "step_ms");
    f->step_ms = step ? json_integer_value(step) : 50;
    f->context = tt_strdup(fx_str(f, "context") ? fx_str(f, "context") : "fake");
    pthread_mutex_init(&f->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&f->cond, &ca);
    pthread_condattr_destroy(&ca);
    tui_backend *b = tt_calloc(1, sizeof(*b));
    b->ops = &fake_ops;
    b->queue = q;
    b->impl = f;
    int rc = pthread_create(&f->thread, NULL, worker, b);
    if (rc != 0) {
        tt_error_set(err, TT_EIO, "cannot start the fake backend thread: %s", strerror(rc));
        pthread_cond_destroy(&f->cond);
        pthread_mutex_destroy(&f->lock);
        json_decref(fx);
        free(f->context);
        free(f);
        free(b);
        return NULL;
    }
    return b;
}
