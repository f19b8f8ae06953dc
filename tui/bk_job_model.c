/* Job: a model's revisions, pods and events for the model view. */
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
        bk_job_post(j, TUI_MSG_MODEL_DETAILS, d, tui_model_details_free, NULL);
    } else {
        bk_job_post(j, TUI_MSG_MODEL_DETAILS, NULL, NULL, &err);
    }
    json_decref(revs);
    json_decref(pods);
    json_decref(events);
    kube_client_free(c);
}
