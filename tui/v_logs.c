/* Log viewer: app or queue-proxy of one pod, followed live, bounded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "v_text.h"
#include "w_text.h"

#define LOG_RING_LINES 10000
#define LOG_TAIL_LINES 500

typedef struct logs_view {
    char *model;
    char *pod;
    char **containers;
    size_t n_containers;
    size_t container;
    tui_text *text;
    unsigned long req;
    bool ended;
    char *end_reason;
} logs_view;

static void start_stream(logs_view *lv, tui_app *app)
{
    tui_backend *b = tui_app_backend(app);
    if (b && lv->req)
        b->ops->cancel(b, lv->req);
    lv->req = 0;
    tui_text_clear(lv->text);
    lv->ended = false;
    free(lv->end_reason);
    lv->end_reason = NULL;
    b = tui_app_require_backend(app);
    if (b && lv->n_containers)
        lv->req = b->ops->follow_logs(b, lv->model, lv->pod, lv->containers[lv->container], true,
                                      LOG_TAIL_LINES);
}

static void title(tui_view *v, char *buf, size_t size)
{
    logs_view *lv = v->data;
    snprintf(buf, size, "%s > logs", lv->pod);
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    (void)app;
    logs_view *lv = v->data;
    tui_draw_fill(w, y, x, width, TUI_ROLE_NORMAL);
    int cx = x + 1;
    cx += tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_TITLE, "%s", lv->pod);
    for (size_t i = 0; i < lv->n_containers; i++)
        cx += tui_draw_textf(w, y, cx, width - cx,
                             i == lv->container ? TUI_ROLE_BUTTON_FOCUS : TUI_ROLE_BUTTON, " %s ",
                             lv->containers[i]);
    cx += tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_DIM, "  %zu lines%s",
                         tui_text_line_count(lv->text),
                         tui_text_dropped(lv->text) ? " (older dropped)" : "");
    cx += tui_draw_text(w, y, cx, width - cx, tui_text_follow(lv->text) ? TUI_ROLE_STATUS_OK : TUI_ROLE_DIM,
                        tui_text_follow(lv->text) ? "  following" : "  paused", false);
    if (lv->ended)
        tui_draw_textf(w, y, cx, width - cx, lv->end_reason ? TUI_ROLE_ERROR : TUI_ROLE_DIM,
                       "  stream ended%s%s", lv->end_reason ? ": " : "",
                       lv->end_reason ? lv->end_reason : "");
    tui_text_draw(lv->text, w, y + 1, x, h - 1, width);
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    (void)k;
    logs_view *lv = v->data;
    if (tui_text_action(lv->text, act))
        return true;
    switch (act) {
    case TUI_ACT_FOLLOW:
        tui_text_set_follow(lv->text, !tui_text_follow(lv->text));
        return true;
    case TUI_ACT_CONTAINER:
        if (lv->n_containers > 1) {
            lv->container = (lv->container + 1) % lv->n_containers;
            start_stream(lv, app);
        }
        return true;
    case TUI_ACT_SEARCH_NEXT:
    case TUI_ACT_SEARCH_PREV:
        if (tui_text_search_next(lv->text, act == TUI_ACT_SEARCH_NEXT ? 1 : -1) < 0)
            tui_app_message(app, TUI_STATUS_INFO, "No match");
        return true;
    default:
        return false;
    }
}

static bool mouse(tui_view *v, tui_app *app, int y, int x, tui_mouse_kind kind)
{
    (void)app;
    (void)x;
    (void)y;
    logs_view *lv = v->data;
    return tui_view_text_wheel(lv->text, kind);
}

static void search(tui_view *v, tui_app *app, const char *text)
{
    logs_view *lv = v->data;
    tui_view_text_search(app, lv->text, text);
}

static void message(tui_view *v, tui_app *app, tui_msg *m)
{
    logs_view *lv = v->data;
    if (!lv->req || m->req != lv->req)
        return;
    if (m->type == TUI_MSG_LOG_LINES && m->payload) {
        tui_log_lines *l = m->payload;
        for (size_t i = 0; i < l->n; i++)
            tui_text_append(lv->text, l->lines[i]);
        tui_app_dirty(app);
    } else if (m->type == TUI_MSG_LOG_END) {
        lv->ended = true;
        lv->req = 0;
        if (m->err.code)
            lv->end_reason = tt_strdup(m->err.message);
        tui_app_dirty(app);
    }
}

static void close_view(tui_view *v, tui_app *app)
{
    logs_view *lv = v->data;
    tui_backend *b = tui_app_backend(app);
    if (b && lv->req)
        b->ops->cancel(b, lv->req);
    tui_text_free(lv->text);
    for (size_t i = 0; i < lv->n_containers; i++)
        free(lv->containers[i]);
    free(lv->containers);
    free(lv->model);
    free(lv->pod);
    free(lv->end_reason);
    free(lv);
}

static const tui_view_ops ops = {
    .id = TUI_VIEW_LOGS,
    .hints = "{follow} follow  {container} app/queue-proxy  {search} search  {search-next}/{search-prev} next/prev  {first:text}/{last:text} top/end  {back} back",
    .title = title,
    .draw = draw,
    .key = key,
    .mouse = mouse,
    .message = message,
    .search = search,
    .close = close_view,
};

tui_view *tui_view_logs_new(tui_app *app, const char *model, const char *pod,
                            const char *const *containers, size_t n_containers)
{
    logs_view *lv = tt_calloc(1, sizeof(*lv));
    lv->model = tt_strdup(model);
    lv->pod = tt_strdup(pod);
    if (n_containers == 0) {
        static const char *const defaults[] = {"app", "queue-proxy"};
        containers = defaults;
        n_containers = 2;
    }
    lv->containers = tt_calloc(n_containers, sizeof(char *));
    for (size_t i = 0; i < n_containers; i++) {
        lv->containers[i] = tt_strdup(containers[i]);
        if (tt_streq(containers[i], "app"))
            lv->container = i;
    }
    lv->n_containers = n_containers;
    lv->text = tui_text_new(LOG_RING_LINES);
    tui_text_set_follow(lv->text, true);
    start_stream(lv, app);
    return tui_view_new(&ops, lv);
}
