/* Job: a model's revisions, pods and events for the model view, and its
 * public hostname for the deploy form. */
#include "bk.h"

static json_t *list_items(kube_client *c, const kube_gvr *gvr, const char *ns, tt_error *err)
{
    json_t *list = kube_list(c, gvr, ns, NULL, err);
    if (!list)
        return NULL;
    json_t *items = json_incref(json_object_get(list, "items"));
    json_decref(list);
    return items ? items : json_array();
}

void bk_run_load_model(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    kube_client *c = bk_client_for(j->kb, j->rc, &j->cancel, &err);
    json_t *revs = NULL, *pods = NULL, *events = NULL;
    if (c && (revs = list_items(c, &KUBE_GVR_REVISIONS, j->model, &err)) &&
        (pods = list_items(c, &KUBE_GVR_PODS, j->model, &err)) &&
        (events = list_items(c, &KUBE_GVR_EVENTS, j->model, &err))) {
        tui_model_details *d = tui_model_details_from_json(j->model, revs, pods, events);
        /* The public hostname tells the model's environment (the deploy
         * form starts from it); no Ingress is no hostname, not an error. */
        tt_error ierr;
        tt_error_clear(&ierr);
        json_t *ing = kube_get(c, &KUBE_GVR_INGRESSES, j->model, "route-stream", &ierr);
        const json_t *rule =
            json_array_get(json_object_get(json_object_get(ing, "spec"), "rules"), 0);
        d->ingress_host = tt_strdup(json_string_value(json_object_get(rule, "host")));
        json_decref(ing);
        bk_job_post(j, TUI_MSG_MODEL_DETAILS, d, tui_model_details_free, NULL);
    } else {
        bk_job_post(j, TUI_MSG_MODEL_DETAILS, NULL, NULL, &err);
    }
    json_decref(revs);
    json_decref(pods);
    json_decref(events);
    kube_client_free(c);
}
