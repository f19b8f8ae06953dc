/* Jobs: the deployments folder against the live models (the dashboard's
 * FILES column and the plan view), and applying the models whose file
 * differs, as `ttstui plan` and `ttstui apply -f` do. */
#include <stdlib.h>
#include <string.h>

#include "bk.h"
#include "fleet_files.h"
#include "tt_text.h"

static char *clean(const char *s)
{
    return s ? tt_text_clean(s, 0) : NULL;
}

static tui_file_state state_of(ops_file_state s)
{
    switch (s) {
    case OPS_FILE_IN_SYNC: return TUI_FILE_IN_SYNC;
    case OPS_FILE_CHANGES: return TUI_FILE_DRIFT;
    case OPS_FILE_NOT_DEPLOYED: return TUI_FILE_FILE_ONLY;
    case OPS_FILE_NOT_IN_FILES: return TUI_FILE_NO_FILE;
    }
    return TUI_FILE_NO_FILE;
}

/* The folder's tree, its environment, the live models and the plan: 0, or
 * -1 with err; a bad file or rule is no error here: fp->errors has them
 * and *planned stays false. */
typedef struct files_run {
    ops_deploy_tree tree;
    ops_files_plan plan;
    bool planned;
    const char *env;
} files_run;

static int files_plan(job *j, kube_client *c, files_run *r, tui_files_plan *fp, tt_error *err)
{
    memset(r, 0, sizeof *r);
    const char *paths[1] = {j->dir};
    if (ops_deploy_tree_load(paths, 1, &r->tree) < 0) {
        if (fp) {
            fp->errors = tt_calloc(r->tree.n_errors, sizeof(char *));
            for (size_t i = 0; i < r->tree.n_errors; i++)
                fp->errors[i] = clean(r->tree.errors[i]);
            fp->n_errors = r->tree.n_errors;
        } else {
            tt_error_set(err, TT_EINVAL, "%s", r->tree.errors[0]);
            return -1;
        }
        return 0;
    }
    r->env = ops_files_pick_env(j->kb->cfg, j->context, &r->tree, j->env, err);
    if (!r->env)
        return -1;
    if (ops_files_plan_build(c, &r->tree, r->env, &r->plan, err) < 0)
        return -1;
    r->planned = true;
    return 0;
}

static void files_run_clear(files_run *r)
{
    if (r->planned)
        ops_files_plan_clear(&r->plan);
    ops_deploy_tree_clear(&r->tree);
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const tui_files_entry *)a)->model, ((const tui_files_entry *)b)->model);
}

void bk_run_files_plan(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    tui_files_plan *fp = tt_calloc(1, sizeof *fp);
    fp->dir = clean(j->dir);
    kube_client *c = bk_client_for(j->kb, j->rc, &j->cancel, &err);
    files_run r;
    memset(&r, 0, sizeof r);
    if (!c || files_plan(j, c, &r, fp, &err) < 0) {
        files_run_clear(&r);
        kube_client_free(c);
        tui_files_plan_free(fp);
        bk_job_post(j, TUI_MSG_FILES_PLAN, NULL, NULL, &err);
        return;
    }
    if (r.planned) {
        const ops_files_plan *p = &r.plan;
        fp->env = clean(p->env);
        fp->n_other_env = p->n_other_env;
        fp->entries = tt_calloc(p->n ? p->n : 1, sizeof *fp->entries);
        for (size_t i = 0; i < p->n; i++) {
            const ops_file_entry *e = &p->entries[i];
            tui_files_entry *o = &fp->entries[fp->n++];
            o->model = clean(e->model);
            o->state = state_of(e->state);
            o->file = e->file ? clean(e->file->path) : NULL;
            o->version = e->file ? clean(e->file->version) : NULL;
            o->changes = tt_calloc(e->n_changes ? e->n_changes : 1, sizeof(char *));
            for (size_t k = 0; k < e->n_changes; k++)
                o->changes[o->n_changes++] = clean(e->changes[k]);
            fp->counts[o->state]++;
        }
        qsort(fp->entries, fp->n, sizeof *fp->entries, cmp_entry);
    }
    files_run_clear(&r);
    kube_client_free(c);
    bk_job_post(j, TUI_MSG_FILES_PLAN, fp, tui_files_plan_free, NULL);
}

static void on_model(size_t i, const deploy_file *f, const ops_fa_result *res, void *ud)
{
    (void)i;
    job *j = ud;
    char *what = tt_asprintf("model %s", f->model);
    bk_job_progress(j, what,
                    res->outcome == OPS_FA_APPLIED || res->outcome == OPS_FA_UNCHANGED
                        ? TUI_STEP_OK
                        : TUI_STEP_FAILED,
                    res->message ? res->message : ops_fa_outcome_name(res->outcome));
    free(what);
}

void bk_run_files_apply(job *j)
{
    kb *k = j->kb;
    tt_error err;
    tt_error_clear(&err);
    kube_client *c = bk_client_for(k, j->rc, &j->cancel, &err);
    files_run r;
    memset(&r, 0, sizeof r);
    if (!c || files_plan(j, c, &r, NULL, &err) < 0) {
        files_run_clear(&r);
        kube_client_free(c);
        bk_job_done(j, &err);
        return;
    }
    /* The plan again, now: a model whose file no longer differs is not
     * applied, one that lost its file neither. */
    deploy_file **todo = tt_calloc(j->n_names ? j->n_names : 1, sizeof *todo);
    size_t n_todo = 0, gone = 0;
    for (size_t i = 0; i < j->n_names; i++) {
        const ops_file_entry *e = NULL;
        for (size_t x = 0; x < r.plan.n && !e; x++)
            if (tt_streq(r.plan.entries[x].model, j->names[i]))
                e = &r.plan.entries[x];
        char *what = tt_asprintf("model %s", j->names[i]);
        if (e && (e->state == OPS_FILE_CHANGES || e->state == OPS_FILE_NOT_DEPLOYED)) {
            todo[n_todo++] = (deploy_file *)e->file;
            bk_job_progress(j, what, TUI_STEP_PENDING, "waiting");
        } else if (e && e->state == OPS_FILE_IN_SYNC) {
            bk_job_progress(j, what, TUI_STEP_OK, "already as its file says: nothing to do");
        } else {
            bk_job_progress(j, what, TUI_STEP_FAILED, "no file for it any more: not applied");
            gone++;
        }
        free(what);
    }
    config *defaults = k->cfg ? NULL : config_defaults();
    ops_files_apply_opts o = {
        .rc = j->rc,
        .field_manager = k->cfg ? k->cfg->field_manager : NULL,
        .request_timeout_ms = k->cfg ? k->cfg->request_timeout_ms : 0,
        .cancel = &j->cancel,
        .cfg = k->cfg ? k->cfg : defaults,
        .context = j->context,
        .readonly = k->readonly,
        .keys_policy = SAFETY_KEYS_NONE,
        .keys_hint = "release the model from the deploy form to choose a key policy",
        .concurrency = 4,
        .progress = on_model,
        .ud = j,
    };
    ops_fa_result *results = tt_calloc(n_todo ? n_todo : 1, sizeof *results);
    size_t bad = n_todo ? ops_files_apply(&o, todo, n_todo, results) : 0;
    for (size_t i = 0; i < n_todo; i++)
        ops_fa_result_clear(&results[i]);
    free(results);
    free(todo);
    config_free(defaults);
    files_run_clear(&r);
    kube_client_free(c);
    if (bad + gone)
        tt_error_set(&err, bad ? TT_EREFUSED : TT_EINVAL, "%zu of %zu models not applied",
                     bad + gone, j->n_names);
    bk_job_done(j, bad + gone ? &err : NULL);
}
