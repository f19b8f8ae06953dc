/* Before a rollback: which services move (the selected revision's, both,
 * or the other), each choice with the traffic now and after. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "v_common.h"

typedef struct choose_view {
    char *model;
    char *version;
    unsigned choices[3]; /* TUI_SERVICE_* sets, the selected revision's service first */
    int focus;
} choose_view;

static const char *services_text(unsigned s)
{
    return s == TUI_SERVICE_BOTH ? "stream and validate" : s == TUI_SERVICE_STREAM ? "stream only" : "validate only";
}

static void title(tui_view *v, char *buf, size_t size)
{
    choose_view *cv = v->data;
    snprintf(buf, size, "Roll back %s/%s", cv->model, cv->version);
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    choose_view *cv = v->data;
    const fleet_model *m = fleet_find(tui_app_fleet(app), cv->model);
    int bw = width - 8 < 76 ? width - 8 : 76, bh = 13;
    if (bw < 20 || h < bh)
        bw = width, bh = h;
    int bx = x + (width - bw) / 2, by = y + (h - bh) / 2;
    for (int r = 0; r < bh; r++)
        tui_draw_fill(w, by + r, bx, bw, TUI_ROLE_NORMAL);
    tui_draw_textf(w, by + 1, bx + 2, bw - 4, TUI_ROLE_TITLE, "Roll back %s to version %s: which services?",
                   cv->model, cv->version);
    int ry = by + 3;
    for (int c = 0; c < 3; c++) {
        bool focus = c == cv->focus;
        tui_draw_textf(w, ry++, bx + 2, bw - 4, focus ? TUI_ROLE_BUTTON_FOCUS : TUI_ROLE_BUTTON, " %s %s ",
                       focus ? ">" : " ", services_text(cv->choices[c]));
    }
    ry++;
    if (m) {
        unsigned s = cv->choices[cv->focus];
        for (int k = 0; k < 2; k++) {
            const fleet_service *sv = k == 0 ? &m->stream : &m->validate;
            bool moved = s & (k == 0 ? TUI_SERVICE_STREAM : TUI_SERVICE_VALIDATE);
            char now[256];
            tui_fmt_traffic(sv, now, sizeof(now));
            tui_draw_textf(w, ry++, bx + 2, bw - 4, moved ? TUI_ROLE_NORMAL : TUI_ROLE_DIM,
                           "%-9s %s %s %s", k == 0 ? "stream" : "validate", now,
                           moved ? "→" : "", moved ? "" : "(unchanged)");
            if (moved) {
                char after[64];
                snprintf(after, sizeof(after), "%s:100%%", cv->version);
                int used = 2 + 10 + tui_utf8_width(now, (size_t)-1) + 3;
                tui_draw_text(w, ry - 1, bx + used, bw - used - 2, TUI_ROLE_STATUS_OK, after, false);
            }
        }
    }
    tui_draw_text(w, by + bh - 2, bx + 2, bw - 4, TUI_ROLE_DIM, "Up/Down choose, Enter confirms next, Esc cancels",
                  false);
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    (void)k;
    choose_view *cv = v->data;
    switch (act) {
    case TUI_ACT_NEXT_FIELD: cv->focus = (cv->focus + 1) % 3; return true;
    case TUI_ACT_PREV_FIELD: cv->focus = (cv->focus + 2) % 3; return true;
    case TUI_ACT_SUBMIT: {
        char *model = tt_strdup(cv->model), *version = tt_strdup(cv->version);
        unsigned s = cv->choices[cv->focus];
        tui_app_pop(app);
        tui_app_push(app, tui_view_rollback_new(app, model, version, s));
        free(model);
        free(version);
        return true;
    }
    case TUI_ACT_BACK:
        tui_app_pop(app);
        tui_app_message(app, TUI_STATUS_INFO, "Cancelled: nothing was changed");
        return true;
    default:
        return true; /* modal */
    }
}

static void close_view(tui_view *v, tui_app *app)
{
    (void)app;
    choose_view *cv = v->data;
    free(cv->model);
    free(cv->version);
    free(cv);
}

static const tui_view_ops ops = {
    .id = TUI_VIEW_CONFIRM,
    .overlay = true,
    .text_entry = true,
    .hints = "{next-field}/{prev-field} choose  {submit} next  {back} cancel",
    .title = title,
    .draw = draw,
    .key = key,
    .close = close_view,
};

tui_view *tui_view_rollback_choose_new(tui_app *app, const char *model, const char *version,
                                       unsigned selected_service)
{
    (void)app;
    choose_view *cv = tt_calloc(1, sizeof(*cv));
    cv->model = tt_strdup(model);
    cv->version = tt_strdup(version);
    unsigned first = selected_service == TUI_SERVICE_VALIDATE ? TUI_SERVICE_VALIDATE : TUI_SERVICE_STREAM;
    cv->choices[0] = first;
    cv->choices[1] = TUI_SERVICE_BOTH;
    cv->choices[2] = first == TUI_SERVICE_STREAM ? TUI_SERVICE_VALIDATE : TUI_SERVICE_STREAM;
    return tui_view_new(&ops, cv);
}
