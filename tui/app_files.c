/* The deployment files' state of the app: the last plan, the one under
 * way, the next (when a fleet change or a request asks for it). */
#include "app_priv.h"

#include <stdlib.h>

/* After a fleet change the files are planned again once it has settled,
 * and not more often than every FILES_EVERY_MS (each plan lists every
 * Service and Ingress of the cluster), unless asked (R, :plan, a save). */
#define FILES_SETTLE_MS 2000
#define FILES_EVERY_MS 10000

const char *tui_app_files_dir(const tui_app *app) { return app->opts.deployments; }
const tui_files_plan *tui_app_files(const tui_app *app) { return app->files; }
const char *tui_app_files_error(const tui_app *app) { return app->files_error; }
bool tui_app_files_planning(const tui_app *app) { return app->files_req != 0; }

void tui_app_files_refresh(tui_app *app)
{
    tui_backend *b = app->backend;
    if (!app->opts.deployments || !b)
        return;
    if (app->files_req) { /* under way: another right after it (a file may have changed) */
        app->files_asked = true;
        return;
    }
    if (!b->ops->plan_files) {
        free(app->files_error);
        app->files_error = tt_asprintf("the %s backend cannot plan deployment files",
                                       b->ops->name ? b->ops->name : "current");
        app->files_due = 0;
        return;
    }
    app->files_due = 0;
    app->files_stale = app->files_asked = false;
    app->files_started = tt_now_ms();
    app->files_req = b->ops->plan_files(b, app->opts.deployments, NULL);
    app->dirty_body = true;
}

/* A fleet change: plan again once it settles. */
void app_files_fleet_changed(tui_app *app)
{
    if (!app->opts.deployments)
        return;
    if (app->files_req) {
        app->files_stale = true;
        return;
    }
    if (!app->files_due) {
        long long due = tt_now_ms() + FILES_SETTLE_MS;
        if (app->files_started && due < app->files_started + FILES_EVERY_MS)
            due = app->files_started + FILES_EVERY_MS;
        app->files_due = due;
        tui_app_wake_at(app, app->files_due);
    }
}

/* Another context (a fleet batch that starts from empty): the plan of the
 * one before is dropped, and one under way for it is ignored when it
 * comes. The batch changes the fleet, so every view's fleet_changed runs
 * right after and reads tui_app_files again. */
void app_files_reset(tui_app *app, const tui_fleet_batch *b)
{
    bool reset = false;
    for (size_t i = 0; i < b->n && !reset; i++)
        reset = b->items[i].op == TUI_FLEET_RESET;
    if (!reset || !app->opts.deployments)
        return;
    app->files_req = 0;
    app->files_stale = app->files_asked = false;
    free(app->files_error);
    app->files_error = NULL;
    tui_files_plan_free(app->files);
    app->files = NULL;
}

void app_files_tick(tui_app *app)
{
    if (app->files_due && tt_now_ms() >= app->files_due)
        tui_app_files_refresh(app);
}

void app_files_answer(tui_app *app, tui_msg *m)
{
    if (!m->req || m->req != app->files_req)
        return;
    app->files_req = 0;
    free(app->files_error);
    app->files_error = NULL;
    if (m->err.code) {
        /* nothing stale is shown as if it were now */
        tui_files_plan_free(app->files);
        app->files = NULL;
        app->files_error = tt_strdup(m->err.message);
    } else if (m->payload) {
        tui_files_plan_free(app->files);
        app->files = m->payload;
        m->payload = NULL; /* the app's now; views read tui_app_files */
    }
    if (app->files_asked)
        tui_app_files_refresh(app);
    else if (app->files_stale)
        app_files_fleet_changed(app);
    app->dirty_body = true;
}
