/* The plan view (`:plan`): every deployment file of the folder and every
 * live model, in sync or not, with what differs; Enter shows one in full,
 * `a` applies the models shown that differ (after a confirmation), `R`
 * plans again. The plan itself is the app's (tui_app_files). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "w_list.h"

enum { COL_MODEL, COL_FILES, COL_VERSION, COL_CHANGES, COL_FILE, N_COLS };

static const tui_list_column columns[N_COLS] = {
    {"MODEL", 12, 1, false, false},  {"FILES", 9, 0, false, false},
    {"VERSION", 7, 0, false, false}, {"CHANGES (cluster → file)", 24, 4, false, false},
    {"FILE", 16, 1, false, true},
};

typedef struct plan_view {
    tui_app *app;
    tui_list *list;
    char *select; /* the model to select once planned */
} plan_view;

static const tui_files_plan *plan_of(const plan_view *pv)
{
    const tui_files_plan *p = tui_app_files(pv->app);
    return p && !p->n_errors ? p : NULL;
}

static size_t src_count(void *ctx)
{
    const tui_files_plan *p = plan_of(ctx);
    return p ? p->n : 0;
}

static const char *src_key(void *ctx, size_t r)
{
    const tui_files_plan *p = plan_of(ctx);
    return p && r < p->n ? p->entries[r].model : NULL;
}

static const char *src_cell(void *ctx, size_t r, int col, tui_role *role, char *buf, size_t size)
{
    const tui_files_plan *p = plan_of(ctx);
    if (!p || r >= p->n)
        return "";
    const tui_files_entry *e = &p->entries[r];
    switch (col) {
    case COL_MODEL: return e->model;
    case COL_FILES:
        *role = e->state == TUI_FILE_IN_SYNC ? TUI_ROLE_STATUS_OK
                : e->state == TUI_FILE_DRIFT ? TUI_ROLE_WARNING
                                             : TUI_ROLE_DIM;
        return tui_file_state_text(e->state);
    case COL_VERSION: return e->version ? e->version : "-";
    case COL_CHANGES: {
        if (e->state == TUI_FILE_FILE_ONLY)
            return "new model";
        if (e->state == TUI_FILE_NO_FILE) {
            *role = TUI_ROLE_DIM;
            return "no file (ttstui export writes one)";
        }
        size_t n = 0;
        buf[0] = '\0';
        for (size_t k = 0; k < e->n_changes && n + 1 < size; k++) {
            int w = snprintf(buf + n, size - n, "%s%s", k ? "; " : "", e->changes[k]);
            if (w < 0)
                break;
            n += (size_t)w < size - n ? (size_t)w : size - n - 1;
        }
        return buf;
    }
    case COL_FILE: return e->file ? e->file : "-";
    }
    return "";
}

static const tui_list_source source = {src_count, src_cell, src_key, NULL};

static void title(tui_view *v, char *buf, size_t size)
{
    (void)v;
    snprintf(buf, size, "Plan");
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    plan_view *pv = v->data;
    const tui_files_plan *p = tui_app_files(app);
    const char *err = tui_app_files_error(app);
    for (int r = 0; r < 2 && r < h; r++)
        tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
    int cx = x + 1;
    cx += tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_TITLE, "Deployment files %s",
                         tui_app_files_dir(app));
    if (p && p->env)
        cx += tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_NORMAL, " (env %s)", p->env);
    if (tui_app_files_planning(app))
        tui_draw_text(w, y, cx, width - cx, TUI_ROLE_DIM, "  planning...", false);
    if (err) {
        tui_draw_textf(w, y + 1, x + 1, width - 1, TUI_ROLE_ERROR, "The plan failed: %s", err);
    } else if (p && p->n_errors) {
        tui_draw_textf(w, y + 1, x + 1, width - 1, TUI_ROLE_ERROR,
                       "%zu bad file%s or rule%s: nothing is compared or applied until fixed",
                       p->n_errors, p->n_errors == 1 ? "" : "s", p->n_errors == 1 ? "" : "s");
        for (size_t i = 0; i < p->n_errors && (int)i + 3 < h; i++) {
            tui_draw_fill(w, y + 2 + (int)i, x, width, TUI_ROLE_NORMAL);
            tui_draw_text(w, y + 2 + (int)i, x + 2, width - 2, TUI_ROLE_ERROR, p->errors[i], false);
        }
        for (int r = 2 + (int)p->n_errors; r < h; r++)
            tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
        return;
    } else if (p) {
        int c2 = x + 1;
        c2 += tui_draw_textf(w, y + 1, c2, width - c2, TUI_ROLE_STATUS_OK, "%zu in sync",
                             p->counts[TUI_FILE_IN_SYNC]);
        c2 += tui_draw_textf(w, y + 1, c2, width - c2,
                             p->counts[TUI_FILE_DRIFT] ? TUI_ROLE_WARNING : TUI_ROLE_NORMAL,
                             "  %zu drift", p->counts[TUI_FILE_DRIFT]);
        c2 += tui_draw_textf(w, y + 1, c2, width - c2, TUI_ROLE_NORMAL, "  %zu file only",
                             p->counts[TUI_FILE_FILE_ONLY]);
        c2 += tui_draw_textf(w, y + 1, c2, width - c2, TUI_ROLE_NORMAL, "  %zu no file",
                             p->counts[TUI_FILE_NO_FILE]);
        if (p->n_other_env)
            tui_draw_textf(w, y + 1, c2, width - c2, TUI_ROLE_DIM,
                           "  (%zu files of other environments left out)", p->n_other_env);
    } else {
        tui_draw_text(w, y + 1, x + 1, width - 1, TUI_ROLE_DIM, "planning...", false);
    }
    tui_list_draw(pv->list, w, y + 2, x, h - 2, width);
}

/* The visible models whose file differs from the cluster (drift or file
 * only), with their changes in words: what `a` applies. */
static void apply_shown(plan_view *pv, tui_app *app)
{
    const tui_files_plan *p = plan_of(pv);
    if (!p || tui_app_files_planning(app)) {
        tui_app_message(app, TUI_STATUS_INFO, "Planning: apply once the plan is shown");
        return;
    }
    if (tui_app_refuse_readonly(app, TUI_ACT_APPLY))
        return;
    size_t n = 0, shown = tui_list_visible_count(pv->list);
    const char **names = tt_calloc(shown ? shown : 1, sizeof(char *));
    char **what = tt_calloc(shown ? shown : 1, sizeof(char *));
    for (size_t i = 0; i < shown; i++) {
        size_t r = tui_list_visible_row(pv->list, i);
        const tui_files_entry *e = r < p->n ? &p->entries[r] : NULL;
        if (!e || (e->state != TUI_FILE_DRIFT && e->state != TUI_FILE_FILE_ONLY))
            continue;
        char buf[512];
        tui_role role;
        names[n] = e->model;
        what[n++] = tt_strdup(src_cell(pv, r, COL_CHANGES, &role, buf, sizeof buf));
    }
    if (n == 0)
        tui_app_message(app, TUI_STATUS_INFO, "Nothing to apply: every model shown is as its file says");
    else
        tui_app_push(app, tui_view_files_confirm_new(app, tui_app_files_dir(app), p->env, names,
                                                     (const char *const *)what, n));
    for (size_t i = 0; i < n; i++)
        free(what[i]);
    free(what);
    free(names);
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    (void)k;
    plan_view *pv = v->data;
    if (tui_list_action(pv->list, act))
        return true;
    const tui_files_plan *p = plan_of(pv);
    switch (act) {
    case TUI_ACT_OPEN: {
        size_t r = tui_list_selected(pv->list);
        if (p && r < p->n)
            tui_app_push(app, tui_view_file_entry_new(app, p, &p->entries[r]));
        return true;
    }
    case TUI_ACT_APPLY:
        apply_shown(pv, app);
        return true;
    case TUI_ACT_RECONNECT:
        tui_app_files_refresh(app);
        tui_app_message(app, TUI_STATUS_INFO, "Planning %s again", tui_app_files_dir(app));
        return true;
    default:
        return false;
    }
}

static bool mouse(tui_view *v, tui_app *app, int y, int x, tui_mouse_kind kind)
{
    (void)x;
    plan_view *pv = v->data;
    if (kind == TUI_MOUSE_CLICK)
        return tui_list_click(pv->list, y - 4); /* header, two summary lines, columns */
    if (kind == TUI_MOUSE_DOUBLE_CLICK && tui_list_click(pv->list, y - 4))
        return key(v, app, TUI_KEY_ENTER, TUI_ACT_OPEN);
    return false;
}

static void plan_refresh(plan_view *pv)
{
    tui_list_refresh(pv->list);
    if (pv->select && plan_of(pv) && tui_list_select_key(pv->list, pv->select)) {
        free(pv->select);
        pv->select = NULL;
    }
}

static void message(tui_view *v, tui_app *app, tui_msg *m)
{
    if (m->type != TUI_MSG_FILES_PLAN)
        return;
    plan_refresh(v->data);
    tui_app_dirty(app);
}

static void fleet_changed(tui_view *v, tui_app *app)
{
    (void)app;
    plan_refresh(v->data); /* the app's plan may be gone (another context) */
}

static void view_filter(tui_view *v, tui_app *app, const char *text)
{
    (void)app;
    tui_list_set_filter(((plan_view *)v->data)->list, text);
}

static void close_view(tui_view *v, tui_app *app)
{
    (void)app;
    plan_view *pv = v->data;
    tui_list_free(pv->list);
    free(pv->select);
    free(pv);
}

static const tui_view_ops ops = {
    .id = TUI_VIEW_PLAN,
    .hints = "{open} details  {apply} apply those shown that differ  {filter} filter  {reconnect} plan again  {back} back",
    .title = title,
    .draw = draw,
    .key = key,
    .mouse = mouse,
    .message = message,
    .fleet_changed = fleet_changed,
    .filter = view_filter,
    .close = close_view,
};

tui_view *tui_view_plan_new(tui_app *app, const char *select)
{
    plan_view *pv = tt_calloc(1, sizeof *pv);
    pv->app = app;
    pv->select = tt_strdup(select);
    pv->list = tui_list_new(columns, N_COLS, &source, pv);
    plan_refresh(pv);
    if (!tui_app_files(app))
        tui_app_files_refresh(app);
    return tui_view_new(&ops, pv);
}
