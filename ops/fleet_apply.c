/*
 * apply -f: the models of a deployments tree that differ, in waves of
 * worker threads (one kube client each), every model through the rules of
 * a single apply and audited.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_files.h"
#include "ops.h"
#include "tt_text.h"

const char *ops_fa_outcome_name(ops_fa_outcome o)
{
    switch (o) {
    case OPS_FA_APPLIED: return "applied";
    case OPS_FA_UNCHANGED: return "unchanged";
    case OPS_FA_REFUSED: return "refused";
    case OPS_FA_FAILED: return "failed";
    case OPS_FA_SKIPPED: return "skipped";
    }
    return "?";
}

void ops_fa_result_clear(ops_fa_result *r)
{
    free(r->message);
    memset(r, 0, sizeof *r);
}

/* A deep copy (the release owns its file). */
static deploy_file *clone_file(const deploy_file *f)
{
    json_t *j = deploy_file_to_json(f);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    tt_error err;
    tt_error_clear(&err);
    deploy_file *c = deploy_file_parse(text, strlen(text), f->path, &err);
    free(text);
    return c;
}

static void set_result(ops_fa_result *r, ops_fa_outcome o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_result(ops_fa_result *r, ops_fa_outcome o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char raw[2048];
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    /* one line: the audit log and the table want no newlines */
    tt_buf b = TT_BUF_INIT;
    for (const char *p = raw; *p; p++) {
        if (*p == '\n')
            tt_buf_printf(&b, "; ");
        else
            tt_buf_printf(&b, "%c", *p);
    }
    r->outcome = o;
    free(r->message);
    r->message = tt_text_clean(b.len ? b.data : "", 0);
    tt_buf_free(&b);
}

static void audit_model(const ops_files_apply_opts *o, kube_client *c, const deploy_file *f,
                        const ops_release *r, const ops_fa_result *res)
{
    size_t n = r && r->objects ? json_array_size(r->objects) : 0;
    char **objects = tt_calloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        objects[i] = ops_object_kind_name(json_array_get(r->objects, i));
    audit_entry e = {0};
    e.user = (char *)(c ? kube_client_user(c) : NULL);
    e.context = (char *)o->context;
    e.env = f->env;
    e.model = f->model;
    e.version = f->version;
    e.action = "apply";
    e.objects = objects;
    e.n_objects = n;
    e.result = res->outcome == OPS_FA_APPLIED || res->outcome == OPS_FA_UNCHANGED ? AUDIT_OK
               : res->outcome == OPS_FA_FAILED                                   ? AUDIT_FAILED
                                                                                 : AUDIT_REFUSED;
    char *msg = tt_asprintf("apply -f %s: %s", f->path, res->message ? res->message : "");
    e.message = msg;
    tt_error err;
    tt_error_clear(&err);
    ops_audit(&e, r, &err); /* a failed audit write does not undo the apply */
    free(msg);
    for (size_t i = 0; i < n; i++)
        free(objects[i]);
    free(objects);
}

static void first_error(const release_diags *d, char *out, size_t size)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].severity == RELEASE_ERROR) {
            snprintf(out, size, "%s", d->items[i].message);
            return;
        }
    snprintf(out, size, "invalid values");
}

static void apply_one(const ops_files_apply_opts *o, kube_client *c, const deploy_file *f,
                      ops_fa_result *res)
{
    ops_release r;
    ops_release_init(&r);
    ops_plan p = {0};
    tt_error err;
    tt_error_clear(&err);
    deploy_file *copy = clone_file(f);
    if (!copy) {
        set_result(res, OPS_FA_FAILED, "could not copy the file");
        goto out;
    }
    ops_release_set_deploy(&r, copy);
    if (o->api_keys_file)
        release_params_set(r.params, RELEASE_API_KEYS_FILE, o->api_keys_file, &err);
    ops_release_apply_settings(&r, o->cfg);
    release_diags diags = RELEASE_DIAGS_INIT;
    size_t errors = ops_release_validate(&r, o->cfg, &diags);
    if (errors) {
        char msg[512];
        first_error(&diags, msg, sizeof msg);
        release_diags_free(&diags);
        set_result(res, OPS_FA_REFUSED, "invalid: %s", msg);
        goto out;
    }
    release_diags_free(&diags);
    if (o->readonly) {
        set_result(res, OPS_FA_REFUSED, "read-only (--readonly)");
        goto out;
    }
    if (ops_check_writable(o->cfg, f->env, o->context, f->model, &err) < 0) {
        set_result(res, OPS_FA_REFUSED, "%s", err.message);
        goto out;
    }
    if (ops_release_load_keys(&r, &err) < 0 || ops_release_render(&r, &err) < 0) {
        set_result(res, OPS_FA_REFUSED, "%s", err.message);
        goto out;
    }
    ops_target t = {.client = c, .cfg = o->cfg, .context = o->context,
                    .force_conflicts = o->force_conflicts, .keys_policy = o->keys_policy,
                    .keys_hint = o->keys_hint};
    if (ops_plan_build(&t, &r, OPS_PLAN_APPLY, &p, &err) < 0) {
        set_result(res, OPS_FA_FAILED, "%s", err.message);
        goto out;
    }
    if (ops_plan_refusal(&p)) {
        set_result(res, OPS_FA_REFUSED, "%s", ops_plan_refusal(&p));
        goto out;
    }
    for (size_t i = 0; i < p.n_items; i++)
        if (p.items[i].dry_error) {
            set_result(res, OPS_FA_FAILED, "server-side dry run of %s: %s", p.items[i].label,
                       p.items[i].dry_error);
            goto out;
        }
    if (p.nothing_to_do) {
        set_result(res, OPS_FA_UNCHANGED, "version %s already released, every object unchanged",
                   f->version);
        goto out;
    }
    for (size_t i = 0; i < p.n_items; i++) {
        bool created = false, confirmed = false;
        json_t *sent = ops_plan_send_checked(&t, &p.items[i], &created, &confirmed, &err);
        if (!sent) {
            set_result(res, OPS_FA_FAILED, "applying %s: %s (stopped after %zu of %zu objects)",
                       p.items[i].label, err.message, i, p.n_items);
            goto out;
        }
        json_decref(sent);
    }
    set_result(res, OPS_FA_APPLIED, "version %s applied", f->version);
    for (size_t i = 0; o->protect_previous && i < p.n_items; i++) {
        const char *prev = ops_plan_item_previous_revision(&p.items[i]);
        if (prev && ops_protect_revision(c, f->model, prev, false, &err) < 0) {
            set_result(res, OPS_FA_FAILED,
                       "applied, but protecting revision %s from garbage collection failed: %s",
                       prev, err.message);
            goto out;
        }
    }
    if (o->wait) {
        const char *services[2], *revisions[2];
        size_t n = ops_plan_rollout_targets(&p, services, revisions, 2);
        char *summary = NULL;
        int w = n ? ops_wait_rollout(&t, f->model, services, revisions, n,
                                     o->timeout_ms > 0 ? o->timeout_ms : 600000, NULL, NULL,
                                     &summary)
                  : 0;
        if (w != 0)
            set_result(res, OPS_FA_FAILED, "applied; rollout %s", summary ? summary : "not Ready");
        else if (summary)
            set_result(res, OPS_FA_APPLIED, "version %s applied; rollout %s", f->version, summary);
        free(summary);
    }
out:
    audit_model(o, c, f, &r, res);
    ops_plan_clear(&p);
    ops_release_clear(&r);
}

typedef struct worker {
    const ops_files_apply_opts *o;
    const deploy_file *f;
    ops_fa_result *res;
    size_t index;
    pthread_mutex_t *lock;
    pthread_t th;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    tt_error err;
    tt_error_clear(&err);
    kube_client *c = kube_client_new(w->o->rc, &err);
    if (c && w->o->field_manager)
        kube_client_set_field_manager(c, w->o->field_manager);
    if (c && w->o->request_timeout_ms > 0)
        kube_client_set_timeout_ms(c, (long)w->o->request_timeout_ms);
    if (c && w->o->cancel)
        kube_client_set_cancel(c, w->o->cancel);
    if (!c) {
        set_result(w->res, OPS_FA_FAILED, "%s", err.message);
        audit_model(w->o, NULL, w->f, NULL, w->res);
    } else {
        apply_one(w->o, c, w->f, w->res);
        kube_client_free(c);
    }
    if (w->o->progress) {
        pthread_mutex_lock(w->lock);
        w->o->progress(w->index, w->f, w->res, w->o->ud);
        pthread_mutex_unlock(w->lock);
    }
    return NULL;
}

size_t ops_files_apply(const ops_files_apply_opts *o, deploy_file *const *files, size_t n,
                       ops_fa_result *results)
{
    size_t per_wave = o->concurrency ? o->concurrency : 4;
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    worker *ws = tt_calloc(per_wave, sizeof *ws);
    size_t bad = 0;
    size_t i = 0;
    while (i < n && (bad == 0 || o->keep_going) && !(o->cancel && atomic_load(o->cancel))) {
        size_t k = n - i < per_wave ? n - i : per_wave;
        for (size_t j = 0; j < k; j++) {
            ws[j] = (worker){.o = o, .f = files[i + j], .res = &results[i + j],
                             .index = i + j, .lock = &lock};
            if (pthread_create(&ws[j].th, NULL, work, &ws[j]) != 0) {
                work(&ws[j]); /* no thread: run it here */
                ws[j].th = 0;
            }
        }
        for (size_t j = 0; j < k; j++)
            if (ws[j].th)
                pthread_join(ws[j].th, NULL);
        for (size_t j = 0; j < k; j++)
            if (results[i + j].outcome == OPS_FA_REFUSED || results[i + j].outcome == OPS_FA_FAILED)
                bad++;
        i += k;
    }
    for (; i < n; i++) {
        set_result(&results[i], OPS_FA_SKIPPED,
                   o->cancel && atomic_load(o->cancel)
                       ? "not started: stopped"
                       : "not started: an earlier model failed or was refused");
        audit_model(o, NULL, files[i], NULL, &results[i]);
        if (o->progress)
            o->progress(i, files[i], &results[i], o->ud);
    }
    free(ws);
    pthread_mutex_destroy(&lock);
    return bad;
}
