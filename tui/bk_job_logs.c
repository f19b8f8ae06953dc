/* Job: a pod container's log lines, followed or not; lines are batched
 * and posted by the flusher (backend_kube.c). */
#include "bk.h"

static int on_log_line(const char *line, size_t len, void *ud)
{
    (void)len;
    job *j = ud;
    kb *k = j->kb;
    pthread_mutex_lock(&k->lock);
    if (!j->lines) {
        j->lines = tui_log_lines_new();
        j->lines_since = tt_now_ms();
        pthread_cond_signal(&k->cond);
    }
    tui_log_lines_add(j->lines, line);
    if (j->lines->n >= BK_LOG_CAP)
        pthread_cond_signal(&k->cond);
    pthread_mutex_unlock(&k->lock);
    return atomic_load(&j->cancel) ? 1 : 0;
}

void bk_run_logs(job *j)
{
    tt_error err;
    tt_error_clear(&err);
    kube_client *c = bk_client_for(j->kb, j->rc, &j->cancel, &err);
    int rc = -1;
    if (c) {
        kube_log_opts lo = {.container = j->container, .tail_lines = j->tail > 0 ? j->tail : -1,
                            .follow = j->follow};
        rc = kube_pod_logs(c, j->model, j->pod, &lo, on_log_line, j, &err);
    }
    kube_client_free(c);
    kb *k = j->kb;
    pthread_mutex_lock(&k->lock);
    if (j->lines && j->lines->n && !atomic_load(&j->cancel)) {
        tui_backend_post(j->b, TUI_MSG_LOG_LINES, j->req, j->lines, tui_log_lines_free, NULL);
        j->lines = NULL;
    }
    pthread_mutex_unlock(&k->lock);
    bk_job_post(j, TUI_MSG_LOG_END, NULL, NULL, rc < 0 ? &err : NULL);
}
