/* View 8: the kubeconfig's contexts; Enter switches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "w_list.h"

enum { COL_CURRENT, COL_NAME, COL_CLUSTER, COL_NAMESPACE, COL_ENV, N_COLS };

static const tui_list_column columns[N_COLS] = {
    {"", 9, 0, false, false}, {"CONTEXT", 20, 2, false, false}, {"CLUSTER", 16, 2, false, false},
    {"NAMESPACE", 10, 1, false, false}, {"ENV", 8, 0, false, false},
};

typedef struct contexts_view {
    tui_contexts *contexts;
    unsigned long req;
    unsigned long switch_req;
    tui_list *list;
} contexts_view;

static size_t src_count(void *ctx)
{
    contexts_view *cv = ctx;
    return cv->contexts ? cv->contexts->n : 0;
}

static const char *src_key(void *ctx, size_t r)
{
    contexts_view *cv = ctx;
    return cv->contexts && r < cv->contexts->n ? cv->contexts->items[r].name : NULL;
}

static const char *src_cell(void *ctx, size_t r, int col, tui_role *role, char *buf, size_t size)
{
    contexts_view *cv = ctx;
    if (!cv->contexts || r >= cv->contexts->n)
        return "";
    const tui_context_info *c = &cv->contexts->items[r];
    switch (col) {
    case COL_CURRENT:
        if (!tt_streq(c->name, cv->contexts->current))
            return "";
        *role = TUI_ROLE_STATUS_OK;
        snprintf(buf, size, "%s current", tui_sym_text(TUI_SYM_DOT));
        return buf;
    case COL_NAME: return c->name;
    case COL_CLUSTER: return c->cluster ? c->cluster : "";
    case COL_NAMESPACE: return c->namespace_ ? c->namespace_ : "";
    case COL_ENV:
        if (tt_streq(c->env, "prod"))
            *role = TUI_ROLE_BANNER_PROD;
        return c->env ? c->env : "";
    }
    return "";
}

static const tui_list_source source = {src_count, src_cell, src_key, NULL};

static void title(tui_view *v, char *buf, size_t size)
{
    (void)v;
    snprintf(buf, size, "Contexts");
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    (void)app;
    contexts_view *cv = v->data;
    tui_draw_fill(w, y, x, width, TUI_ROLE_NORMAL);
    tui_draw_text(w, y, x + 1, width - 1, TUI_ROLE_TITLE,
                  cv->req ? "Contexts (loading...)" : "Contexts: Enter switches", false);
    tui_list_draw(cv->list, w, y + 1, x, h - 1, width);
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    (void)k;
    contexts_view *cv = v->data;
    if (tui_list_action(cv->list, act))
        return true;
    if (act != TUI_ACT_OPEN)
        return false;
    size_t r = tui_list_selected(cv->list);
    tui_backend *b = tui_app_require_backend(app);
    if (!b || !cv->contexts || r >= cv->contexts->n)
        return true;
    const char *name = cv->contexts->items[r].name;
    b->ops->switch_context(b, name);
    tui_app_message(app, TUI_STATUS_INFO, "Switching to context %s", name);
    tui_app_pop(app);
    return true;
}

static bool mouse(tui_view *v, tui_app *app, int y, int x, tui_mouse_kind kind)
{
    (void)x;
    contexts_view *cv = v->data;
    if (kind == TUI_MOUSE_CLICK)
        return tui_list_click(cv->list, y - 3);
    if (kind == TUI_MOUSE_DOUBLE_CLICK && tui_list_click(cv->list, y - 3))
        return key(v, app, TUI_KEY_ENTER, TUI_ACT_OPEN);
    return false;
}

static void message(tui_view *v, tui_app *app, tui_msg *m)
{
    contexts_view *cv = v->data;
    if (m->type != TUI_MSG_CONTEXTS || m->req != cv->req)
        return;
    cv->req = 0;
    if (m->err.code) {
        tui_app_message(app, TUI_STATUS_ERROR, "Contexts: %s", m->err.message);
        return;
    }
    tui_contexts_free(cv->contexts);
    cv->contexts = m->payload;
    m->payload = NULL;
    tui_list_refresh(cv->list);
    if (cv->contexts->current)
        tui_list_select_key(cv->list, cv->contexts->current);
    tui_app_dirty(app);
}

static void view_filter(tui_view *v, tui_app *app, const char *text)
{
    (void)app;
    tui_list_set_filter(((contexts_view *)v->data)->list, text);
}

static void close_view(tui_view *v, tui_app *app)
{
    contexts_view *cv = v->data;
    tui_backend *b = tui_app_backend(app);
    if (b && cv->req)
        b->ops->cancel(b, cv->req);
    tui_list_free(cv->list);
    tui_contexts_free(cv->contexts);
    free(cv);
}

static const tui_view_ops ops = {
    .id = TUI_VIEW_CONTEXTS,
    .hints = "{open} switch  {filter} filter  {back} back",
    .title = title,
    .draw = draw,
    .key = key,
    .mouse = mouse,
    .message = message,
    .filter = view_filter,
    .close = close_view,
};

tui_view *tui_view_contexts_new(tui_app *app)
{
    contexts_view *cv = tt_calloc(1, sizeof(*cv));
    cv->list = tui_list_new(columns, N_COLS, &source, cv);
    tui_list_refresh(cv->list);
    tui_backend *b = tui_app_require_backend(app);
    if (b)
        cv->req = b->ops->list_contexts(b);
    return tui_view_new(&ops, cv);
}
