/* Jobs: the kubeconfig's contexts for the contexts view, switching to
 * another context (the reflectors restart on it), and the fleet of any
 * context for the view across contexts. */
#include "bk.h"
#include "kube_config.h"

void bk_run_contexts(job *j)
{
    kb *k = j->kb;
    tt_error err;
    tt_error_clear(&err);
    kube_config *cfg = kube_config_load(k->kubeconfig, &err);
    if (!cfg) {
        bk_job_post(j, TUI_MSG_CONTEXTS, NULL, NULL, &err);
        return;
    }
    tui_contexts *list = tui_contexts_new(j->context);
    for (size_t i = 0; i < kube_config_context_count(cfg); i++) {
        const kube_context_entry *e = kube_config_context_at(cfg, i);
        tui_contexts_add(list, e->name, e->cluster, e->namespace_ ? e->namespace_ : "default",
                         safety_env_of_context(k->cfg, e->name));
    }
    kube_config_free(cfg);
    bk_job_post(j, TUI_MSG_CONTEXTS, list, tui_contexts_free, NULL);
}

void bk_run_switch(job *j)
{
    kb *k = j->kb;
    tt_error err;
    tt_error_clear(&err);
    kube_config *cfg = kube_config_load(k->kubeconfig, &err);
    kube_rest_config *rc = NULL;
    if (cfg) {
        if (!kube_config_find_context(cfg, j->model))
            tt_error_set(&err, TT_EINVAL, "no context '%s' in the kubeconfig", j->model);
        else
            rc = kube_rest_config_resolve(cfg, j->model, k->ns_override, &err);
        kube_config_free(cfg);
    }
    if (!rc) {
        bk_job_done(j, &err);
        return;
    }
    pthread_mutex_lock(&k->refl_lock);
    bool was_watching = k->watching;
    if (was_watching)
        bk_reflectors_stop(k);
    pthread_mutex_lock(&k->lock);
    kube_rest_config_free(k->rc);
    k->rc = rc;
    free(k->context);
    k->context = tt_strdup(j->model);
    free(k->init_error);
    k->init_error = NULL;
    tui_fleet_batch *reset = tui_fleet_batch_new();
    tui_fleet_batch_add(reset, TUI_FLEET_RESET, FLEET_KIND_SERVICE, NULL);
    tui_backend_post(k->b, TUI_MSG_FLEET, 0, reset, tui_fleet_batch_free, NULL);
    pthread_mutex_unlock(&k->lock);
    if (was_watching)
        bk_reflectors_start(k);
    pthread_mutex_unlock(&k->refl_lock);
    bk_job_done(j, NULL);
}

static void fleet_free_payload(void *p)
{
    fleet_free(p);
}

void bk_run_context_fleet(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    kube_rest_config *rc = bk_context_config(j->kb, j->model, &err); /* model: the context */
    kube_client *c = rc ? bk_client_for(j->kb, rc, &j->cancel, &err) : NULL;
    fleet *f = NULL;
    if (c) {
        f = fleet_new();
        if (ops_fleet_load(c, f, NULL, NULL, &err) < 0) {
            fleet_free(f);
            f = NULL;
        }
    }
    kube_client_free(c);
    kube_rest_config_free(rc);
    bk_job_post(j, TUI_MSG_CONTEXT_FLEET, f, f ? fleet_free_payload : NULL, f ? NULL : &err);
}
