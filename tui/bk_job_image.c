/* Job: an image tag to its digest, and the repository's tags, through the
 * registry client (registry/, as `ttstui image` does), for the deploy
 * form. Each job has its own client; a stale answer is ignored by the
 * form (its request id no longer matches). */
#include "bk.h"
#include "registry_client.h"
#include "tt_text.h"

void bk_run_image(job *j)
{
    tui_image_info *info = tt_calloc(1, sizeof(*info));
    info->image = tt_strdup(j->model);
    registry_client *c = registry_client_new(NULL);
    pthread_mutex_lock(&j->kb->lock); /* bk_cancel and the destroy cancel it */
    j->registry = c;
    if (atomic_load(&j->cancel))
        registry_client_cancel(c);
    pthread_mutex_unlock(&j->kb->lock);
    tt_error err;
    tt_error_clear(&err);
    char *out = NULL;
    if (registry_resolve(c, j->model, &out, &err) == 0)
        info->resolved = tt_text_clean(out, 0);
    else
        info->error = tt_text_clean(err.message, 0);
    free(out);
    if (j->follow && !atomic_load(&j->cancel)) {
        char **tags = NULL;
        size_t n = 0;
        tt_error_clear(&err);
        if (registry_list_tags(c, j->model, &tags, &n, &err) == 0) {
            info->tags = tt_calloc(n ? n : 1, sizeof(char *));
            for (size_t i = 0; i < n; i++)
                info->tags[info->n_tags++] = tt_text_clean(tags[i], 0);
            registry_tags_free(tags, n);
        } else {
            info->tags_error = tt_text_clean(err.message, 0);
        }
    }
    pthread_mutex_lock(&j->kb->lock);
    j->registry = NULL;
    pthread_mutex_unlock(&j->kb->lock);
    registry_client_free(c);
    bk_job_post(j, TUI_MSG_IMAGE, info, tui_image_info_free, NULL);
}
