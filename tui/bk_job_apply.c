/* Job: apply the form's release: the steps of bk_apply_run (bk_release.c:
 * the rules, the plan, the objects in order, the rollout followed, step by
 * step, audited as "apply"). */
#include "bk.h"

static int prepare_from_req(job *j, ops_release *r, void *ud, tt_error *err)
{
    (void)ud;
    return bk_release_from_req(j->kb, j->rreq, r, err);
}

void bk_run_apply(job *j)
{
    const tui_release_req *q = j->rreq;
    bk_apply_run(j, "apply", q->env, q->model, q->version, prepare_from_req, NULL);
}
