/*
 * View 11: every model across several kube contexts (`:contexts`), one
 * row per model and per context its version, readiness and image digest,
 * with how the contexts differ in words (core/fleet_cross.c: staging ahead
 * of prod, the same version with other digests, missing, not Ready).
 * Each context is loaded on its own (a backend job with its own client)
 * and again every CROSS_REFRESH_MS after its answer, so a slow or
 * unreachable cluster shows as such and never holds up the others.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "fleet_cross.h"
#include "safety.h"
#include "v_common.h"
#include "w_list.h"

#define CROSS_REFRESH_MS 10000
#define CROSS_SLOW_MS 10000
#define CROSS_MAX 8

enum { PER_CONTEXT = 3 }; /* version, ready, digest */

typedef struct cross_ctx {
    char *name;
    char *label;         /* the env of the context in the settings, else its name */
    char *title;         /* column title (label, upper case) */
    unsigned long req;   /* a load in flight */
    long long asked_at;  /* when it was sent */
    long long next_at;   /* when to load again (0: not scheduled) */
    long long loaded_at; /* last answer with data */
    fleet *fleet;        /* the last good answer, or NULL */
    char *error;         /* the last answer failed: why */
} cross_ctx;

typedef struct cross_view {
    tui_app *app;
    cross_ctx ctx[CROSS_MAX];
    size_t n;
    bool all;                /* every context of the kubeconfig (names come from list_contexts) */
    unsigned long list_req;  /* list_contexts in flight */
    char **models;           /* union of the contexts' model names, sorted */
    size_t n_models;
    tui_list_column *cols;
    int n_cols;
    tui_list *list;
} cross_view;

/* ---- rows --------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void rebuild_models(cross_view *xv)
{
    for (size_t i = 0; i < xv->n_models; i++)
        free(xv->models[i]);
    free(xv->models);
    xv->models = NULL;
    xv->n_models = 0;
    size_t cap = 0;
    for (size_t c = 0; c < xv->n; c++) {
        const fleet *f = xv->ctx[c].fleet;
        for (size_t i = 0; f && i < fleet_model_count(f); i++) {
            const char *name = fleet_model_at(f, i)->name;
            bool seen = false;
            for (size_t k = 0; k < xv->n_models && !seen; k++)
                seen = strcmp(xv->models[k], name) == 0;
            if (seen)
                continue;
            if (xv->n_models == cap) {
                cap = cap ? cap * 2 : 64;
                xv->models = tt_realloc(xv->models, cap * sizeof(char *));
            }
            xv->models[xv->n_models++] = tt_strdup(name);
        }
    }
    if (xv->n_models)
        qsort(xv->models, xv->n_models, sizeof(char *), cmp_str);
}

static void cells_of(cross_view *xv, size_t r, fleet_cross_cell *cells)
{
    for (size_t c = 0; c < xv->n; c++) {
        const fleet *f = xv->ctx[c].fleet;
        fleet_cross_cell_of(f ? fleet_find(f, xv->models[r]) : NULL, &cells[c]);
    }
}

static size_t src_count(void *ctx)
{
    return ((cross_view *)ctx)->n_models;
}

static const char *src_key(void *ctx, size_t r)
{
    cross_view *xv = ctx;
    return r < xv->n_models ? xv->models[r] : NULL;
}

static tui_role ready_role(const char *word)
{
    if (tt_streq(word, "Ready"))
        return TUI_ROLE_STATUS_OK;
    if (tt_streq(word, "NotReady") || tt_streq(word, "Incomplete"))
        return TUI_ROLE_STATUS_FAIL;
    if (tt_streq(word, "-"))
        return TUI_ROLE_DIM;
    return TUI_ROLE_STATUS_PENDING;
}

static const char *src_cell(void *ctx, size_t r, int col, tui_role *role, char *buf, size_t size)
{
    cross_view *xv = ctx;
    if (r >= xv->n_models)
        return "";
    if (col == 0)
        return xv->models[r];
    fleet_cross_cell cells[CROSS_MAX];
    cells_of(xv, r, cells);
    size_t c = (size_t)(col - 1) / PER_CONTEXT;
    if (c >= xv->n) { /* NOTES */
        const char *labels[CROSS_MAX];
        for (size_t i = 0; i < xv->n; i++)
            labels[i] = xv->ctx[i].label;
        char *notes = fleet_cross_notes(cells, labels, xv->n);
        snprintf(buf, size, "%s", notes);
        free(notes);
        if (*buf)
            *role = TUI_ROLE_WARNING;
        return buf;
    }
    const fleet_cross_cell *cell = &cells[c];
    if (!xv->ctx[c].fleet) {
        *role = TUI_ROLE_DIM;
        return (col - 1) % PER_CONTEXT == 0 ? "?" : "";
    }
    switch ((col - 1) % PER_CONTEXT) {
    case 0:
        if (!cell->present) {
            *role = TUI_ROLE_DIM;
            return "-";
        }
        return cell->version ? cell->version : "?";
    case 1:
        *role = ready_role(cell->ready);
        return cell->ready;
    default:
        *role = TUI_ROLE_DIM;
        return cell->image ? tui_fmt_image_short(cell->image, buf, size) : "";
    }
}

static const tui_list_source source = {src_count, src_cell, src_key, NULL};

/* ---- contexts ----------------------------------------------------------- */

static void ctx_free(cross_ctx *c)
{
    free(c->name);
    free(c->label);
    free(c->title);
    fleet_free(c->fleet);
    free(c->error);
    memset(c, 0, sizeof(*c));
}

static void build_columns(cross_view *xv)
{
    tui_list_free(xv->list);
    free(xv->cols);
    xv->n_cols = 1 + (int)xv->n * PER_CONTEXT + 1;
    xv->cols = tt_calloc((size_t)xv->n_cols, sizeof(*xv->cols));
    xv->cols[0] = (tui_list_column){"MODEL", 12, 2, false, false};
    for (size_t c = 0; c < xv->n; c++) {
        int at = 1 + (int)c * PER_CONTEXT;
        xv->cols[at] = (tui_list_column){xv->ctx[c].title, 8, 0, false, false};
        xv->cols[at + 1] = (tui_list_column){"READY", 10, 0, false, false};
        xv->cols[at + 2] = (tui_list_column){"DIGEST", 12, 0, false, true};
    }
    xv->cols[xv->n_cols - 1] = (tui_list_column){"DIFFERENCES", 11, 4, false, false};
    xv->list = tui_list_new(xv->cols, xv->n_cols, &source, xv);
    tui_list_refresh(xv->list);
}

static void add_context(cross_view *xv, const char *name)
{
    if (xv->n >= CROSS_MAX)
        return;
    for (size_t i = 0; i < xv->n; i++)
        if (tt_streq(xv->ctx[i].name, name))
            return;
    cross_ctx *c = &xv->ctx[xv->n++];
    c->name = tt_strdup(name);
    const char *env = safety_env_of_context(tui_app_config(xv->app), name);
    c->label = tt_strdup(env ? env : name);
    c->title = tt_strdup(c->label);
    for (char *p = c->title; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
}

static void load(cross_view *xv, cross_ctx *c)
{
    tui_backend *b = tui_app_backend(xv->app);
    if (!b || !b->ops->load_context_fleet || c->req)
        return;
    c->req = b->ops->load_context_fleet(b, c->name);
    c->asked_at = tt_now_ms();
    c->next_at = 0;
    tui_app_wake_at(xv->app, c->asked_at + CROSS_SLOW_MS);
}

/* Starts the loads that are due (the view's draw calls it: the app wakes
 * it at the next due time). */
static void load_due(cross_view *xv)
{
    long long now = tt_now_ms();
    for (size_t i = 0; i < xv->n; i++)
        if (!xv->ctx[i].req && xv->ctx[i].next_at && now >= xv->ctx[i].next_at)
            load(xv, &xv->ctx[i]);
}

/* ---- the view ----------------------------------------------------------- */

static void title(tui_view *v, char *buf, size_t size)
{
    (void)v;
    snprintf(buf, size, "Contexts side by side");
}

/* One line per context: what it is and how its last load went. */
static void draw_context_line(cross_view *xv, const cross_ctx *c, WINDOW *w, int y, int x,
                              int width)
{
    tui_draw_fill(w, y, x, width, TUI_ROLE_NORMAL);
    long long now = tt_now_ms();
    char age[16], line[512];
    tui_role role = TUI_ROLE_NORMAL;
    if (c->error && (!c->req || now - c->asked_at < CROSS_SLOW_MS)) {
        snprintf(line, sizeof line, "unreachable: %s", c->error);
        role = TUI_ROLE_ERROR;
    } else if (c->req && now - c->asked_at >= CROSS_SLOW_MS) {
        snprintf(line, sizeof line, "no answer for %llds (slow or unreachable)%s",
                 (now - c->asked_at) / 1000, c->fleet ? "; showing the last answer" : "");
        role = TUI_ROLE_WARNING;
    } else if (c->fleet) {
        snprintf(line, sizeof line, "%zu models, loaded %s ago", fleet_model_count(c->fleet),
                 tui_fmt_age(c->loaded_at / 1000, now / 1000, age, sizeof age));
    } else {
        snprintf(line, sizeof line, "loading...");
        role = TUI_ROLE_DIM;
    }
    int cx = x + 1;
    cx += tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_TITLE, "%-10s ", c->label);
    if (!tt_streq(c->label, c->name))
        cx += tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_DIM, "%s  ", c->name);
    tui_draw_text(w, y, cx, x + width - cx, role, line, false);
    (void)xv;
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    (void)app;
    cross_view *xv = v->data;
    load_due(xv);
    int cy = y;
    if (!xv->n) {
        for (int r = 0; r < h; r++)
            tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
        tui_draw_text(w, y, x + 1, width - 1, TUI_ROLE_DIM,
                      xv->list_req ? "reading the kubeconfig's contexts..."
                                   : "no contexts to show",
                      false);
        return;
    }
    for (size_t i = 0; i < xv->n && cy < y + h - 2; i++)
        draw_context_line(xv, &xv->ctx[i], w, cy++, x, width);
    tui_list_draw(xv->list, w, cy, x, y + h - cy, width);
}

/* P: the selected model from the context ahead to the other (two
 * contexts, both loaded, one ahead), else the user picks the way. */
static void promote(cross_view *xv, tui_app *app)
{
    size_t r = xv->list ? tui_list_selected(xv->list) : (size_t)-1;
    if (r >= xv->n_models) {
        tui_app_message(app, TUI_STATUS_INFO, "Select a model to promote");
        return;
    }
    if (xv->n < 2) {
        tui_app_message(app, TUI_STATUS_ERROR, "Promotion needs two contexts side by side");
        return;
    }
    fleet_cross_cell cells[CROSS_MAX];
    cells_of(xv, r, cells);
    const char *names[CROSS_MAX], *labels[CROSS_MAX];
    bool has[CROSS_MAX], all_loaded = true;
    for (size_t i = 0; i < xv->n; i++) {
        names[i] = xv->ctx[i].name;
        labels[i] = xv->ctx[i].label;
        has[i] = cells[i].present;
        all_loaded = all_loaded && xv->ctx[i].fleet;
    }
    int from = xv->n == 2 && all_loaded ? fleet_cross_ahead(&cells[0], &cells[1]) : -1;
    tui_app_push(app, tui_view_promote_new(app, xv->models[r], names, labels, has, xv->n, from));
}

void tui_view_cross_reload(tui_view *v, tui_app *app)
{
    if (!v || v->ops->id != TUI_VIEW_CROSS)
        return;
    cross_view *xv = v->data;
    for (size_t i = 0; i < xv->n; i++)
        load(xv, &xv->ctx[i]);
    tui_app_dirty(app);
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    (void)k;
    cross_view *xv = v->data;
    if (xv->list && tui_list_action(xv->list, act))
        return true;
    if (act == TUI_ACT_RECONNECT) {
        for (size_t i = 0; i < xv->n; i++)
            load(xv, &xv->ctx[i]);
        tui_app_message(app, TUI_STATUS_INFO, "Loading every context again");
        return true;
    }
    if (act == TUI_ACT_PROMOTE) {
        promote(xv, app);
        return true;
    }
    if (act == TUI_ACT_OPEN) {
        size_t r = xv->list ? tui_list_selected(xv->list) : (size_t)-1;
        if (r < xv->n_models)
            tui_app_message(app, TUI_STATUS_INFO,
                            "%s: switch to its context (:ctx NAME) to open it or act on it",
                            xv->models[r]);
        return true;
    }
    return false;
}

static bool mouse(tui_view *v, tui_app *app, int y, int x, tui_mouse_kind kind)
{
    (void)app;
    (void)x;
    cross_view *xv = v->data;
    if (!xv->list)
        return false;
    switch (kind) {
    case TUI_MOUSE_WHEEL_UP: tui_list_scroll(xv->list, -3); return true;
    case TUI_MOUSE_WHEEL_DOWN: tui_list_scroll(xv->list, 3); return true;
    case TUI_MOUSE_CLICK:
    case TUI_MOUSE_DOUBLE_CLICK: return tui_list_click(xv->list, y - 2 - (int)xv->n);
    }
    return false;
}

static void got_contexts(cross_view *xv, tui_app *app, tui_msg *m)
{
    xv->list_req = 0;
    if (m->err.code) {
        tui_app_message(app, TUI_STATUS_ERROR, "Contexts: %s", m->err.message);
        return;
    }
    const tui_contexts *cs = m->payload;
    for (size_t i = 0; i < cs->n; i++)
        add_context(xv, cs->items[i].name);
    if (cs->n > CROSS_MAX)
        tui_app_message(app, TUI_STATUS_WARNING,
                        "Showing the first %d of %zu contexts (settings contexts: picks them)",
                        CROSS_MAX, cs->n);
    build_columns(xv);
    for (size_t i = 0; i < xv->n; i++)
        load(xv, &xv->ctx[i]);
    tui_app_dirty(app);
}

static void message(tui_view *v, tui_app *app, tui_msg *m)
{
    cross_view *xv = v->data;
    if (m->type == TUI_MSG_CONTEXTS && m->req && m->req == xv->list_req) {
        got_contexts(xv, app, m);
        return;
    }
    if (m->type != TUI_MSG_CONTEXT_FLEET || !m->req)
        return;
    for (size_t i = 0; i < xv->n; i++) {
        cross_ctx *c = &xv->ctx[i];
        if (c->req != m->req)
            continue;
        c->req = 0;
        free(c->error);
        c->error = NULL;
        if (m->err.code) {
            c->error = tt_strdup(m->err.message);
        } else {
            fleet_free(c->fleet);
            c->fleet = m->payload;
            m->payload = NULL;
            c->loaded_at = tt_now_ms();
        }
        c->next_at = tt_now_ms() + CROSS_REFRESH_MS;
        tui_app_wake_at(app, c->next_at);
        rebuild_models(xv);
        tui_list_refresh(xv->list);
        tui_app_dirty(app);
        return;
    }
}

static void view_filter(tui_view *v, tui_app *app, const char *text)
{
    (void)app;
    cross_view *xv = v->data;
    if (xv->list)
        tui_list_set_filter(xv->list, text);
}

static void close_view(tui_view *v, tui_app *app)
{
    cross_view *xv = v->data;
    tui_backend *b = tui_app_backend(app);
    if (b && xv->list_req)
        b->ops->cancel(b, xv->list_req);
    for (size_t i = 0; i < xv->n; i++) {
        if (b && xv->ctx[i].req)
            b->ops->cancel(b, xv->ctx[i].req);
        ctx_free(&xv->ctx[i]);
    }
    for (size_t i = 0; i < xv->n_models; i++)
        free(xv->models[i]);
    free(xv->models);
    tui_list_free(xv->list);
    free(xv->cols);
    free(xv);
}

static const tui_view_ops ops = {
    .id = TUI_VIEW_CROSS,
    .hints = "{promote} promote  {reconnect} reload  {filter} filter  {wrap} wrap  {back} back",
    .title = title,
    .draw = draw,
    .key = key,
    .mouse = mouse,
    .message = message,
    .filter = view_filter,
    .close = close_view,
};

tui_view *tui_view_cross_new(tui_app *app, const char *const *contexts, size_t n)
{
    cross_view *xv = tt_calloc(1, sizeof(*xv));
    xv->app = app;
    tui_backend *b = tui_app_require_backend(app);
    if (b && !b->ops->load_context_fleet)
        tui_app_message(app, TUI_STATUS_ERROR, "This backend cannot load other contexts");
    for (size_t i = 0; i < n; i++)
        add_context(xv, contexts[i]);
    if (n > CROSS_MAX)
        tui_app_message(app, TUI_STATUS_WARNING, "Showing the first %d of %zu contexts", CROSS_MAX,
                        n);
    if (!n && b) {
        xv->all = true;
        xv->list_req = b->ops->list_contexts(b);
    } else {
        build_columns(xv);
        for (size_t i = 0; i < xv->n; i++)
            load(xv, &xv->ctx[i]);
    }
    return tui_view_new(&ops, xv);
}
