/* View 3: a revision's conditions and its pods; l opens a pod's logs, Tab
 * moves to the conditions and Enter shows one's whole text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "draw.h"
#include "v_common.h"
#include "w_list.h"

enum { COL_POD, COL_STATUS, COL_READY, COL_RESTARTS, COL_AGE, N_COLS };

static const tui_list_column columns[N_COLS] = {
    {"POD", 24, 3, false, false}, {"STATUS", 16, 1, false, false}, {"READY", 5, 0, true, false},
    {"RESTARTS", 8, 0, true, false}, {"AGE", 5, 0, true, false},
};

typedef struct revision_view {
    tui_app *app;
    char *model;
    char *revision;
    tui_model_details *details;
    unsigned long req;
    size_t *pods; /* indices into details->pods of this revision */
    size_t n_pods;
    tui_list *list;
    char *signature; /* the revision's state the details were loaded for */
    tui_pick conds;  /* Tab: the cursor is on the conditions */
    int conds_rows;  /* condition rows drawn last time */
} revision_view;

static const tui_pod *pod_at(revision_view *rv, size_t r)
{
    return rv->details && r < rv->n_pods ? &rv->details->pods[rv->pods[r]] : NULL;
}

static size_t src_count(void *ctx)
{
    return ((revision_view *)ctx)->n_pods;
}

static const char *src_key(void *ctx, size_t r)
{
    const tui_pod *p = pod_at(ctx, r);
    return p ? p->name : NULL;
}

static const char *src_cell(void *ctx, size_t r, int col, tui_role *role, char *buf, size_t size)
{
    const tui_pod *p = pod_at(ctx, r);
    if (!p)
        return "";
    switch (col) {
    case COL_POD: return p->name;
    case COL_STATUS:
        *role = tt_streq(p->status, "Running") && p->ready == p->total ? TUI_ROLE_STATUS_OK
                : tt_streq(p->status, "Running") || tt_streq(p->status, "Pending")
                    ? TUI_ROLE_STATUS_PENDING
                    : TUI_ROLE_STATUS_FAIL;
        return p->status;
    case COL_READY: snprintf(buf, size, "%d/%d", p->ready, p->total); return buf;
    case COL_RESTARTS:
        snprintf(buf, size, "%d", p->restarts);
        if (p->restarts > 0)
            *role = TUI_ROLE_WARNING;
        return buf;
    case COL_AGE: return tui_fmt_age(p->created, (long long)time(NULL), buf, size);
    }
    return "";
}

static const tui_list_source source = {src_count, src_cell, src_key, NULL};

static void index_pods(revision_view *rv)
{
    free(rv->pods);
    rv->pods = NULL;
    rv->n_pods = 0;
    if (!rv->details)
        return;
    rv->pods = tt_calloc(rv->details->n_pods ? rv->details->n_pods : 1, sizeof(size_t));
    for (size_t i = 0; i < rv->details->n_pods; i++)
        if (tt_streq(rv->details->pods[i].revision, rv->revision))
            rv->pods[rv->n_pods++] = i;
}

static void title(tui_view *v, char *buf, size_t size)
{
    revision_view *rv = v->data;
    snprintf(buf, size, "Models > %s > %s", rv->model, rv->revision);
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    revision_view *rv = v->data;
    for (int r = 0; r < h; r++)
        tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
    tui_draw_textf(w, y, x + 1, width - 1, TUI_ROLE_TITLE, "Revision %s", rv->revision);
    int cy = y + 1;
    /* what it was asked to run, and what it runs (Knative's imageDigest) */
    const fleet_revision *fr =
        fleet_model_revision(fleet_find(tui_app_fleet(app), rv->model), rv->revision);
    if (fr && fr->image) {
        tui_draw_fill(w, cy, x, width, TUI_ROLE_NORMAL);
        tui_draw_textf(w, cy++, x + 1, width - 1, TUI_ROLE_DIM, "Image   %s", fr->image);
    }
    if (fr && fr->image_digest) {
        tui_draw_fill(w, cy, x, width, TUI_ROLE_NORMAL);
        tui_draw_textf(w, cy++, x + 1, width - 1, TUI_ROLE_NORMAL, "Runs    %s", fr->image_digest);
    }
    /* the service's serving.knative.dev/rollout-duration */
    const fleet_model *fm = fleet_find(tui_app_fleet(app), rv->model);
    const fleet_service *fs = !fm                                               ? NULL
                              : fleet_service_revision(&fm->stream, rv->revision) ? &fm->stream
                              : fleet_service_revision(&fm->validate, rv->revision) ? &fm->validate
                                                                                   : NULL;
    if (fs && fs->rollout_duration) {
        tui_draw_fill(w, cy, x, width, TUI_ROLE_NORMAL);
        tui_draw_textf(w, cy++, x + 1, width - 1, TUI_ROLE_NORMAL,
                       "Rollout %s (serving.knative.dev/rollout-duration: Knative moves traffic "
                       "to a new revision over that time)",
                       fs->rollout_duration);
    }
    const tui_revision_detail *d = tui_model_details_revision(rv->details, rv->revision);
    if (!rv->details) {
        tui_draw_text(w, cy++, x + 2, width - 2, TUI_ROLE_DIM,
                      rv->req ? "loading..." : "not loaded", false);
    } else if (!d || !d->n_conds) {
        tui_draw_text(w, cy++, x + 2, width - 2, TUI_ROLE_DIM, "no conditions reported", false);
    } else {
        tui_draw_text(w, cy++, x + 1, width - 1, TUI_ROLE_COLUMN_HEADER,
                      "CONDITION           STATUS      REASON: MESSAGE", false);
        bool wrap = tui_list_wrap(rv->list);
        rv->conds_rows = y + h / 2 - cy;
        tui_pick_clamp(&rv->conds, d->n_conds, wrap ? 1 : rv->conds_rows);
        for (size_t i = rv->conds.top; i < d->n_conds && cy < y + h / 2; i++) {
            const tui_condition *c = &d->conds[i];
            bool picked = rv->conds.focus && i == rv->conds.sel;
            if (picked)
                tui_draw_fill(w, cy, x, width, TUI_ROLE_SELECTION);
            char st[48];
            int val = tt_streq(c->status, "True") ? 1 : tt_streq(c->status, "False") ? 0 : -1;
            tui_role role = tui_readiness_text(val, st, sizeof(st));
            if (val == 1)
                snprintf(st, sizeof(st), "%s True", tui_sym_text(TUI_SYM_CHECK));
            else if (val == 0)
                snprintf(st, sizeof(st), "%s False", tui_sym_text(TUI_SYM_CROSS));
            else
                snprintf(st, sizeof(st), "%s Unknown", tui_sym_text(TUI_SYM_ELLIPSIS));
            int cx = x + 1;
            cx += tui_draw_textf(w, cy, cx, 20, TUI_ROLE_NORMAL, "%-20s", c->type ? c->type : "?");
            cx += tui_draw_textf(w, cy, cx, 12, role, "%-12s", st);
            char *text = tt_asprintf("%s%s%s", c->reason ? c->reason : "", c->message ? ": " : "",
                                     c->message ? c->message : "");
            tui_role trole = picked ? TUI_ROLE_SELECTION
                             : val == 0 ? TUI_ROLE_STATUS_FAIL : TUI_ROLE_NORMAL;
            if (tui_list_wrap(rv->list)) /* w: the whole message */
                cy += tui_draw_wrapped(w, cy, cx + 1, width - cx - 1, y + h / 2 - cy, trole, text);
            else
                tui_draw_text(w, cy++, cx + 1, width - cx - 1, trole, text, false);
            free(text);
        }
    }
    cy++;
    tui_list_draw(rv->list, w, cy, x, y + h - cy, width);
}

static void open_logs(revision_view *rv, tui_app *app)
{
    const tui_pod *p = pod_at(rv, tui_list_selected(rv->list));
    if (!p) {
        tui_app_message(app, TUI_STATUS_INFO, "No pod selected (a revision scaled to zero has none)");
        return;
    }
    tui_app_push(app, tui_view_logs_new(app, rv->model, p->name, (const char *const *)p->containers,
                                        p->n_containers));
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    (void)k;
    revision_view *rv = v->data;
    const tui_revision_detail *d = tui_model_details_revision(rv->details, rv->revision);
    size_t n_conds = d ? d->n_conds : 0;
    if (act == TUI_ACT_FOCUS) {
        if (!rv->conds.focus && (!n_conds || rv->conds_rows < 1)) {
            tui_app_message(app, TUI_STATUS_INFO,
                            n_conds ? "No room for the conditions: enlarge the window"
                                    : "No conditions to move to");
            return true;
        }
        rv->conds.focus = !rv->conds.focus;
        return true;
    }
    if (rv->conds.focus) {
        if (tui_pick_action(&rv->conds, act, n_conds, tui_list_wrap(rv->list) ? 1 : rv->conds_rows))
            return true;
        if (act == TUI_ACT_OPEN) {
            if (rv->conds.sel < n_conds)
                tui_app_push(app, tui_view_condition_new(app, rv->revision, &d->conds[rv->conds.sel]));
            return true;
        }
    }
    if (tui_list_action(rv->list, act))
        return true;
    if (act == TUI_ACT_LOGS || act == TUI_ACT_OPEN) {
        open_logs(rv, app);
        return true;
    }
    return false;
}

static bool mouse(tui_view *v, tui_app *app, int y, int x, tui_mouse_kind kind)
{
    (void)app;
    (void)x;
    (void)y;
    revision_view *rv = v->data;
    if (kind == TUI_MOUSE_WHEEL_UP)
        tui_list_scroll(rv->list, -1);
    else if (kind == TUI_MOUSE_WHEEL_DOWN)
        tui_list_scroll(rv->list, 1);
    else
        return false;
    return true;
}

static void message(tui_view *v, tui_app *app, tui_msg *m)
{
    revision_view *rv = v->data;
    int got = tui_model_details_take(m, &rv->req, &rv->details);
    if (got < 0) {
        tui_app_message(app, TUI_STATUS_ERROR, "Loading %s: %s", rv->revision, m->err.message);
    } else if (got > 0) {
        index_pods(rv);
        tui_list_refresh(rv->list);
        tui_app_dirty(app);
    }
}

/* Conditions and pods change with the revision's readiness and
 * replicas; other fleet changes do not reload them. */
static char *revision_signature(revision_view *rv, tui_app *app)
{
    const fleet_revision *r =
        fleet_model_revision(fleet_find(tui_app_fleet(app), rv->model), rv->revision);
    if (!r)
        return tt_strdup("");
    return tt_asprintf("%d|%s|%d|%d", (int)r->ready, r->reason ? r->reason : "",
                       r->actual_replicas, r->desired_replicas);
}

static void reload(revision_view *rv, tui_app *app)
{
    tui_backend *b = tui_app_backend(app);
    char *sig = revision_signature(rv, app);
    if (!b || rv->req || (rv->signature && strcmp(sig, rv->signature) == 0)) {
        free(sig);
        return;
    }
    free(rv->signature);
    rv->signature = sig;
    rv->req = b->ops->load_model(b, rv->model);
}

static void fleet_changed(tui_view *v, tui_app *app)
{
    reload(v->data, app);
}

static void close_view(tui_view *v, tui_app *app)
{
    revision_view *rv = v->data;
    tui_backend *b = tui_app_backend(app);
    if (b && rv->req)
        b->ops->cancel(b, rv->req);
    tui_list_free(rv->list);
    tui_model_details_free(rv->details);
    free(rv->pods);
    free(rv->model);
    free(rv->revision);
    free(rv->signature);
    free(rv);
}

static const tui_view_ops ops = {
    .id = TUI_VIEW_REVISION,
    .hints = "{logs}/{open} logs of the pod  {focus} conditions  {help} help  {back} back",
    .title = title,
    .draw = draw,
    .key = key,
    .mouse = mouse,
    .message = message,
    .fleet_changed = fleet_changed,
    .close = close_view,
};

tui_view *tui_view_revision_new(tui_app *app, const char *model, const char *revision)
{
    revision_view *rv = tt_calloc(1, sizeof(*rv));
    rv->app = app;
    rv->model = tt_strdup(model);
    rv->revision = tt_strdup(revision);
    rv->list = tui_list_new(columns, N_COLS, &source, rv);
    tui_list_refresh(rv->list);
    reload(rv, app);
    return tui_view_new(&ops, rv);
}
