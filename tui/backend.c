/* Payloads of backend messages: constructors, destructors, JSON builders. */
#include "backend.h"

#include <stdlib.h>
#include <string.h>

/* ---- backend ---------------------------------------------------------------- */

unsigned long tui_backend_next_req(tui_backend *b)
{
    return __atomic_add_fetch(&b->next_req, 1, __ATOMIC_RELAXED);
}

void tui_backend_post(tui_backend *b, int type, unsigned long req, void *payload,
                      void (*free_payload)(void *), const tt_error *err)
{
    tui_msg *m = tui_msg_new(type, req);
    m->payload = payload;
    m->free_payload = free_payload;
    if (err)
        m->err = *err;
    tui_queue_push(b->queue, m);
}

void tui_backend_dispose(tui_backend *b, tui_msg *m)
{
    if (b && b->ops->dispose)
        b->ops->dispose(b, m);
    else
        tui_msg_free(m);
}

void tui_backend_destroy(tui_backend *b)
{
    if (b)
        b->ops->destroy(b);
}

/* ---- connection ------------------------------------------------------------- */

tui_conn_info *tui_conn_info_new(tui_conn_state state, const char *context, const char *env,
                                 const char *server, const char *message)
{
    tui_conn_info *c = tt_calloc(1, sizeof(*c));
    c->state = state;
    c->context = tt_strdup(context);
    c->env = tt_strdup(env);
    c->server = tt_strdup(server);
    c->message = tt_strdup(message);
    return c;
}

void tui_conn_info_free(void *p)
{
    tui_conn_info *c = p;
    if (!c)
        return;
    free(c->context);
    free(c->env);
    free(c->server);
    free(c->message);
    free(c);
}

/* ---- fleet batches ---------------------------------------------------------- */

tui_fleet_batch *tui_fleet_batch_new(void)
{
    return tt_calloc(1, sizeof(tui_fleet_batch));
}

void tui_fleet_batch_add(tui_fleet_batch *b, tui_fleet_op op, fleet_kind kind, json_t *obj)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->items = tt_realloc(b->items, b->cap * sizeof(*b->items));
    }
    b->items[b->n++] = (tui_fleet_item){op, kind, obj ? json_incref(obj) : NULL, 0};
}

void tui_fleet_batch_add_page(tui_fleet_batch *b, fleet_kind kind, long remaining)
{
    tui_fleet_batch_add(b, TUI_FLEET_PAGE, kind, NULL);
    b->items[b->n - 1].number = remaining;
}

void tui_fleet_batch_free(void *p)
{
    tui_fleet_batch *b = p;
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        json_decref(b->items[i].obj);
    free(b->items);
    free(b);
}

bool tui_fleet_batch_apply(const tui_fleet_batch *b, fleet **f)
{
    uint64_t before = fleet_generation(*f);
    bool reset = false;
    for (size_t i = 0; i < b->n; i++) {
        const tui_fleet_item *it = &b->items[i];
        switch (it->op) {
        case TUI_FLEET_APPLY:
        case TUI_FLEET_DELETE:
            if (it->obj)
                fleet_apply(*f, it->kind, it->obj, it->op == TUI_FLEET_DELETE);
            break;
        case TUI_FLEET_BEGIN_RELIST:
            fleet_begin_relist(*f, it->kind);
            break;
        case TUI_FLEET_SWEEP:
            fleet_sweep(*f, it->kind);
            break;
        case TUI_FLEET_PAGE:
            break; /* progress only (listing.h) */
        case TUI_FLEET_RESET:
            fleet_free(*f);
            *f = fleet_new();
            reset = true;
            break;
        }
    }
    return reset || fleet_generation(*f) != before;
}

int tui_fleet_kind_of(const json_t *obj)
{
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    if (tt_streq(kind, "Service"))
        return FLEET_KIND_SERVICE;
    if (tt_streq(kind, "Revision"))
        return FLEET_KIND_REVISION;
    if (tt_streq(kind, "Namespace"))
        return FLEET_KIND_NAMESPACE;
    if (tt_streq(kind, "KongClusterPlugin"))
        return FLEET_KIND_PIN;
    return -1;
}

/* ---- model details ---------------------------------------------------------- */

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static const char *meta(const json_t *o, const char *key)
{
    return jstr(json_object_get(o, "metadata"), key);
}

static const char *label(const json_t *o, const char *key)
{
    return jstr(json_object_get(json_object_get(o, "metadata"), "labels"), key);
}

static void revision_from_json(tui_revision_detail *r, const json_t *obj)
{
    r->name = tt_strdup(meta(obj, "name"));
    r->service = tt_strdup(label(obj, "serving.knative.dev/service"));
    const json_t *conds = json_object_get(json_object_get(obj, "status"), "conditions");
    size_t n = json_array_size(conds);
    r->conds = tt_calloc(n ? n : 1, sizeof(tui_condition));
    for (size_t i = 0; i < n; i++) {
        const json_t *c = json_array_get(conds, i);
        tui_condition *tc = &r->conds[r->n_conds++];
        tc->type = tt_strdup(jstr(c, "type"));
        tc->status = tt_strdup(jstr(c, "status") ? jstr(c, "status") : "Unknown");
        tc->reason = tt_strdup(jstr(c, "reason"));
        tc->message = tt_strdup(jstr(c, "message"));
        tc->last_transition = fleet_parse_rfc3339(jstr(c, "lastTransitionTime"));
    }
}

/* kubectl's STATUS column, simplified: a waiting/terminated reason of a
 * container wins over the phase. */
static void pod_from_json(tui_pod *p, const json_t *obj)
{
    p->name = tt_strdup(meta(obj, "name"));
    p->revision = tt_strdup(label(obj, "serving.knative.dev/revision"));
    p->created = fleet_parse_rfc3339(meta(obj, "creationTimestamp"));
    const json_t *status = json_object_get(obj, "status");
    p->phase = tt_strdup(jstr(status, "phase") ? jstr(status, "phase") : "Unknown");
    const char *reason = NULL;
    const json_t *spec_cs = json_object_get(json_object_get(obj, "spec"), "containers");
    size_t n = json_array_size(spec_cs);
    p->containers = tt_calloc(n ? n : 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        const char *name = jstr(json_array_get(spec_cs, i), "name");
        if (name)
            p->containers[p->n_containers++] = tt_strdup(name);
    }
    const json_t *cs = json_object_get(status, "containerStatuses");
    p->total = (int)(n ? n : json_array_size(cs));
    for (size_t i = 0; i < json_array_size(cs); i++) {
        const json_t *c = json_array_get(cs, i);
        if (json_is_true(json_object_get(c, "ready")))
            p->ready++;
        p->restarts += (int)json_integer_value(json_object_get(c, "restartCount"));
        const json_t *state = json_object_get(c, "state");
        const char *r = jstr(json_object_get(state, "waiting"), "reason");
        if (!r)
            r = jstr(json_object_get(state, "terminated"), "reason");
        if (r && !reason)
            reason = r;
    }
    if (meta(obj, "deletionTimestamp"))
        reason = "Terminating";
    p->status = tt_strdup(reason ? reason : p->phase);
}

static void event_from_json(tui_event *e, const json_t *obj)
{
    e->warning = tt_streq(jstr(obj, "type"), "Warning");
    e->reason = tt_strdup(jstr(obj, "reason"));
    e->message = tt_strdup(jstr(obj, "message"));
    const json_t *io = json_object_get(obj, "involvedObject");
    if (!io)
        io = json_object_get(obj, "regarding");
    e->object = tt_asprintf("%s/%s", jstr(io, "kind") ? jstr(io, "kind") : "?",
                            jstr(io, "name") ? jstr(io, "name") : "?");
    json_int_t count = json_integer_value(json_object_get(obj, "count"));
    e->count = count > 0 ? (int)count : 1;
    const char *ts = jstr(obj, "lastTimestamp");
    if (!ts)
        ts = jstr(obj, "eventTime");
    if (!ts)
        ts = meta(obj, "creationTimestamp");
    e->last_seen = fleet_parse_rfc3339(ts);
}

static int event_order(const void *pa, const void *pb)
{
    const tui_event *a = pa, *b = pb;
    if (a->warning != b->warning)
        return a->warning ? -1 : 1;
    if (a->last_seen != b->last_seen)
        return a->last_seen > b->last_seen ? -1 : 1;
    return 0;
}

tui_model_details *tui_model_details_from_json(const char *model, const json_t *revisions,
                                               const json_t *pods, const json_t *events)
{
    tui_model_details *d = tt_calloc(1, sizeof(*d));
    d->model = tt_strdup(model);
    size_t n = json_array_size(revisions);
    d->revs = tt_calloc(n ? n : 1, sizeof(tui_revision_detail));
    for (size_t i = 0; i < n; i++)
        revision_from_json(&d->revs[d->n_revs++], json_array_get(revisions, i));
    n = json_array_size(pods);
    d->pods = tt_calloc(n ? n : 1, sizeof(tui_pod));
    for (size_t i = 0; i < n; i++)
        pod_from_json(&d->pods[d->n_pods++], json_array_get(pods, i));
    n = json_array_size(events);
    d->events = tt_calloc(n ? n : 1, sizeof(tui_event));
    for (size_t i = 0; i < n; i++)
        event_from_json(&d->events[d->n_events++], json_array_get(events, i));
    if (d->n_events > 1)
        qsort(d->events, d->n_events, sizeof(tui_event), event_order);
    return d;
}

int tui_model_details_take(tui_msg *m, unsigned long *req, tui_model_details **details)
{
    if (m->type != TUI_MSG_MODEL_DETAILS || !*req || m->req != *req)
        return 0;
    *req = 0;
    if (m->err.code)
        return -1;
    tui_model_details_free(*details);
    *details = m->payload;
    m->payload = NULL;
    return 1;
}

void tui_model_details_free(void *p)
{
    tui_model_details *d = p;
    if (!d)
        return;
    for (size_t i = 0; i < d->n_revs; i++) {
        tui_revision_detail *r = &d->revs[i];
        for (size_t c = 0; c < r->n_conds; c++) {
            free(r->conds[c].type);
            free(r->conds[c].status);
            free(r->conds[c].reason);
            free(r->conds[c].message);
        }
        free(r->conds);
        free(r->name);
        free(r->service);
    }
    for (size_t i = 0; i < d->n_pods; i++) {
        tui_pod *pd = &d->pods[i];
        free(pd->name);
        free(pd->revision);
        free(pd->phase);
        free(pd->status);
        for (size_t c = 0; c < pd->n_containers; c++)
            free(pd->containers[c]);
        free(pd->containers);
    }
    for (size_t i = 0; i < d->n_events; i++) {
        free(d->events[i].reason);
        free(d->events[i].message);
        free(d->events[i].object);
    }
    free(d->revs);
    free(d->pods);
    free(d->events);
    free(d->model);
    free(d->ingress_host);
    free(d);
}

const tui_revision_detail *tui_model_details_revision(const tui_model_details *d,
                                                      const char *name)
{
    for (size_t i = 0; d && i < d->n_revs; i++)
        if (tt_streq(d->revs[i].name, name))
            return &d->revs[i];
    return NULL;
}

/* ---- logs ------------------------------------------------------------------- */

tui_log_lines *tui_log_lines_new(void)
{
    return tt_calloc(1, sizeof(tui_log_lines));
}

void tui_log_lines_add(tui_log_lines *l, const char *line)
{
    l->lines = tt_realloc(l->lines, (l->n + 1) * sizeof(char *));
    l->lines[l->n++] = tt_strdup(line);
}

void tui_log_lines_free(void *p)
{
    tui_log_lines *l = p;
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->lines[i]);
    free(l->lines);
    free(l);
}

/* ---- release ---------------------------------------------------------------- */

tui_release_req *tui_release_req_dup(const tui_release_req *r)
{
    tui_release_req *c = tt_calloc(1, sizeof(*c));
    c->context = tt_strdup(r->context);
    c->env = tt_strdup(r->env);
    c->model = tt_strdup(r->model);
    c->version = tt_strdup(r->version);
    c->image = tt_strdup(r->image);
    c->entrypoint = tt_strdup(r->entrypoint);
    c->include_api_keys = r->include_api_keys;
    c->api_key_file = tt_strdup(r->api_key_file);
    c->keys_policy = r->keys_policy;
    c->min_scale = r->min_scale;
    c->max_scale = r->max_scale;
    c->validate_apart = r->validate_apart;
    c->validate_min_scale = r->validate_min_scale;
    c->validate_max_scale = r->validate_max_scale;
    c->live_host = tt_strdup(r->live_host);
    return c;
}

void tui_release_req_free(tui_release_req *r)
{
    if (!r)
        return;
    free(r->context);
    free(r->env);
    free(r->model);
    free(r->version);
    free(r->image);
    free(r->entrypoint);
    free(r->api_key_file);
    free(r->live_host);
    free(r);
}

tui_rendered *tui_rendered_new(const char *yaml, const char *yaml_masked)
{
    tui_rendered *r = tt_calloc(1, sizeof(*r));
    r->yaml = tt_strdup(yaml);
    r->yaml_masked = tt_strdup(yaml_masked);
    return r;
}

void tui_rendered_free(void *p)
{
    tui_rendered *r = p;
    if (!r)
        return;
    tt_free_secret(r->yaml);
    free(r->yaml_masked);
    free(r);
}

tui_text_result *tui_text_result_new(bool ok, const char *text)
{
    tui_text_result *t = tt_calloc(1, sizeof(*t));
    t->ok = ok;
    t->text = tt_strdup(text ? text : "");
    return t;
}

void tui_text_result_free(void *p)
{
    tui_text_result *t = p;
    if (!t)
        return;
    free(t->text);
    free(t);
}

void tui_promote_plan_free(void *p)
{
    tui_promote_plan *t = p;
    if (!t)
        return;
    free(t->model);
    free(t->from);
    free(t->to);
    free(t->env);
    free(t->source_version);
    free(t->version);
    free(t->image);
    free(t->summary);
    free(t->diff);
    free(t);
}

tui_progress *tui_progress_new(const char *object, tui_step_state state, const char *message)
{
    tui_progress *p = tt_calloc(1, sizeof(*p));
    p->object = tt_strdup(object);
    p->state = state;
    p->message = tt_strdup(message);
    return p;
}

void tui_progress_free(void *p)
{
    tui_progress *pr = p;
    if (!pr)
        return;
    free(pr->object);
    free(pr->message);
    free(pr);
}

/* ---- contexts ----------------------------------------------------------------- */

tui_contexts *tui_contexts_new(const char *current)
{
    tui_contexts *c = tt_calloc(1, sizeof(*c));
    c->current = tt_strdup(current);
    return c;
}

void tui_contexts_add(tui_contexts *c, const char *name, const char *cluster, const char *ns,
                      const char *env)
{
    c->items = tt_realloc(c->items, (c->n + 1) * sizeof(*c->items));
    c->items[c->n++] = (tui_context_info){tt_strdup(name), tt_strdup(cluster), tt_strdup(ns),
                                          tt_strdup(env)};
}

void tui_contexts_free(void *p)
{
    tui_contexts *c = p;
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].name);
        free(c->items[i].cluster);
        free(c->items[i].namespace_);
        free(c->items[i].env);
    }
    free(c->items);
    free(c->current);
    free(c);
}

void tui_image_info_free(void *p)
{
    tui_image_info *i = p;
    if (!i)
        return;
    free(i->image);
    free(i->resolved);
    free(i->error);
    for (size_t k = 0; k < i->n_tags; k++)
        free(i->tags[k]);
    free(i->tags);
    free(i->tags_error);
    free(i);
}

/* ---- deployment files ---------------------------------------------------------- */

const char *tui_file_state_text(tui_file_state s)
{
    switch (s) {
    case TUI_FILE_IN_SYNC: return "in sync";
    case TUI_FILE_DRIFT: return "drift";
    case TUI_FILE_FILE_ONLY: return "file only";
    case TUI_FILE_NO_FILE: return "no file";
    }
    return "?";
}

void tui_files_plan_free(void *p)
{
    tui_files_plan *fp = p;
    if (!fp)
        return;
    for (size_t i = 0; i < fp->n; i++) {
        tui_files_entry *e = &fp->entries[i];
        free(e->model);
        free(e->file);
        free(e->version);
        for (size_t k = 0; k < e->n_changes; k++)
            free(e->changes[k]);
        free(e->changes);
    }
    free(fp->entries);
    for (size_t i = 0; i < fp->n_errors; i++)
        free(fp->errors[i]);
    free(fp->errors);
    free(fp->dir);
    free(fp->env);
    free(fp);
}

const tui_files_entry *tui_files_plan_find(const tui_files_plan *p, const char *model)
{
    size_t lo = 0, hi = p && model ? p->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(p->entries[mid].model, model);
        if (c == 0)
            return &p->entries[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
