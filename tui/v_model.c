/* View 2: one model, both services and their revisions, recent events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "draw.h"
#include "v_common.h"
#include "w_list.h"

enum { COL_SERVICE, COL_REVISION, COL_READY, COL_REASON, COL_REPLICAS, COL_IMAGE, COL_SCALE,
       COL_CREATED, COL_TRAFFIC, N_COLS };

static const tui_list_column columns[N_COLS] = {
    {"SERVICE", 8, 0, false, false},  {"REVISION", 12, 1, false, false}, {"READY", 11, 0, false, false},
    {"REASON", 10, 2, false, false},  {"REPLICAS", 8, 0, true, false},   {"IMAGE", 12, 0, false, true},
    {"SCALE", 6, 0, false, true},    {"CREATED", 7, 0, true, false},    {"TRAFFIC", 7, 0, true, false},
};

typedef struct row {
    int service; /* 0 stream, 1 validate */
    size_t rev;
} row;

typedef struct model_view {
    tui_app *app;
    char *model;
    tui_list *list;
    row *rows;
    size_t n_rows;
    tui_model_details *details;
    unsigned long details_req;
    char *signature; /* what the details were loaded for (see load) */
    int list_y;      /* screen row of the revisions' column titles at the last draw */
    tui_pick events; /* Tab: the cursor is on the events */
    int events_rows; /* event rows drawn last time (0: the section is hidden) */
} model_view;

static const fleet_service *service_of(const fleet_model *m, int s)
{
    return s == 0 ? &m->stream : &m->validate;
}

static const char *service_name(int s)
{
    return s == 0 ? "stream" : "validate";
}

static void rebuild_rows(model_view *mv)
{
    const fleet_model *m = fleet_find(tui_app_fleet(mv->app), mv->model);
    free(mv->rows);
    mv->rows = NULL;
    mv->n_rows = 0;
    if (!m)
        return;
    size_t total = m->stream.n_revisions + m->validate.n_revisions;
    mv->rows = tt_calloc(total ? total : 1, sizeof(row));
    for (int s = 0; s < 2; s++) {
        const fleet_service *sv = service_of(m, s);
        for (size_t i = 0; sv->present && i < sv->n_revisions; i++)
            mv->rows[mv->n_rows++] = (row){s, i};
    }
}

static const fleet_revision *rev_at(model_view *mv, size_t r)
{
    const fleet_model *m = fleet_find(tui_app_fleet(mv->app), mv->model);
    if (!m || r >= mv->n_rows)
        return NULL;
    const fleet_service *sv = service_of(m, mv->rows[r].service);
    return mv->rows[r].rev < sv->n_revisions ? &sv->revisions[mv->rows[r].rev] : NULL;
}

static size_t src_count(void *ctx)
{
    return ((model_view *)ctx)->n_rows;
}

static const char *src_key(void *ctx, size_t r)
{
    const fleet_revision *rev = rev_at(ctx, r);
    return rev ? rev->name : NULL;
}

static const char *src_cell(void *ctx, size_t r, int col, tui_role *role, char *buf, size_t size)
{
    model_view *mv = ctx;
    const fleet_revision *rev = rev_at(mv, r);
    if (!rev)
        return "";
    switch (col) {
    case COL_SERVICE: return service_name(mv->rows[r].service);
    case COL_REVISION: return rev->name;
    case COL_READY:
        *role = tui_readiness_text(tui_cond_value(rev->ready, true), buf, size);
        return buf;
    case COL_REASON:
        if (rev->reason && rev->ready == FLEET_COND_FALSE)
            *role = TUI_ROLE_STATUS_FAIL;
        return rev->reason ? rev->reason : "";
    case COL_REPLICAS:
        if (rev->actual_replicas < 0)
            return "-";
        snprintf(buf, size, "%d/%d", rev->actual_replicas,
                 rev->desired_replicas < 0 ? 0 : rev->desired_replicas);
        return buf;
    case COL_IMAGE: return tui_fmt_image_short(rev->image, buf, size);
    case COL_SCALE: return tui_fmt_scale(rev->min_scale, rev->max_scale, buf, size);
    case COL_CREATED: return tui_fmt_age(rev->created, (long long)time(NULL), buf, size);
    case COL_TRAFFIC:
        if (rev->traffic_percent <= 0)
            return "";
        snprintf(buf, size, "%d%%", rev->traffic_percent);
        *role = TUI_ROLE_STATUS_OK;
        return buf;
    }
    return "";
}

static const tui_list_source source = {src_count, src_cell, src_key, NULL};

/* Events and pods change when the model's revisions or readiness do, so
 * a fleet change reloads them only then, not on every watch event. */
static char *model_signature(const fleet_model *m)
{
    if (!m)
        return tt_strdup("");
    return tt_asprintf("%s|%s|%d|%zu|%s|%s|%d|%zu", m->stream.latest_created ? m->stream.latest_created : "",
                       m->stream.latest_ready ? m->stream.latest_ready : "", (int)m->stream.ready,
                       m->stream.n_revisions, m->validate.latest_created ? m->validate.latest_created : "",
                       m->validate.latest_ready ? m->validate.latest_ready : "", (int)m->validate.ready,
                       m->validate.n_revisions);
}

static void load(model_view *mv)
{
    tui_backend *b = tui_app_backend(mv->app);
    char *sig = model_signature(fleet_find(tui_app_fleet(mv->app), mv->model));
    if (!b || mv->details_req || (mv->signature && strcmp(sig, mv->signature) == 0)) {
        free(sig);
        return;
    }
    free(mv->signature);
    mv->signature = sig;
    mv->details_req = b->ops->load_model(b, mv->model);
}

static void title(tui_view *v, char *buf, size_t size)
{
    snprintf(buf, size, "Models > %s", ((model_view *)v->data)->model);
}

static int draw_service_line(WINDOW *w, int y, int x, int width, const fleet_model *m, int s,
                             bool wrap, int max_rows)
{
    const fleet_service *sv = service_of(m, s);
    char ready[64];
    tui_role role = tui_readiness_text(tui_cond_value(sv->ready, sv->present), ready, sizeof(ready));
    tui_draw_fill(w, y, x, width, TUI_ROLE_NORMAL);
    int cx = x + 1;
    cx += tui_draw_textf(w, y, cx, 10, TUI_ROLE_TITLE, "%-9s", service_name(s));
    cx += tui_draw_textf(w, y, cx, 11, role, "%-10s", ready);
    if (!sv->present)
        return y + 1;
    char traffic[128];
    cx += tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_NORMAL, " latest ready %s  traffic %s",
                         sv->latest_ready ? sv->latest_ready : "-",
                         tui_fmt_traffic(sv, traffic, sizeof(traffic)));
    if (sv->rollout_duration) /* Knative moves traffic to a new revision over this time */
        cx += tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_NORMAL, "  rollout-duration %s",
                             sv->rollout_duration);
    if (sv->reason && sv->ready != FLEET_COND_TRUE) {
        tui_role role2 = sv->ready == FLEET_COND_FALSE ? TUI_ROLE_STATUS_FAIL : TUI_ROLE_STATUS_PENDING;
        char *text = tt_asprintf("%s: %s", sv->reason, sv->message ? sv->message : "");
        int used = 1;
        if (wrap && max_rows > 1) { /* w: the whole reason, below the line */
            for (int k = 1; k < max_rows; k++)
                tui_draw_fill(w, y + k, x, width, TUI_ROLE_NORMAL);
            used = 1 + tui_draw_wrapped(w, y + 1, x + 11, width - 11, max_rows - 1, role2, text);
        } else {
            tui_draw_textf(w, y, cx, width - cx, role2, "  %s", text);
        }
        free(text);
        return y + used;
    }
    return y + 1;
}

static void draw_events(model_view *mv, WINDOW *w, int y, int x, int h, int width)
{
    tui_draw_fill(w, y, x, width, TUI_ROLE_NORMAL);
    tui_draw_text(w, y, x + 1, width - 1, TUI_ROLE_TITLE, "Recent events (warnings first)", false);
    bool wrap = tui_list_wrap(mv->list);
    size_t n_events = mv->details ? mv->details->n_events : 0;
    mv->events_rows = h - 1;
    tui_pick_clamp(&mv->events, n_events, wrap ? 1 : h - 1);
    size_t i = mv->events.top;
    for (int r = 1; r < h; r++, i++) {
        tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
        if (!mv->details) {
            if (r == 1)
                tui_draw_text(w, y + r, x + 2, width - 2, TUI_ROLE_DIM,
                              mv->details_req ? "loading..." : "not loaded", false);
            continue;
        }
        if (i >= mv->details->n_events) {
            if (r == 1 && mv->details->n_events == 0)
                tui_draw_text(w, y + r, x + 2, width - 2, TUI_ROLE_DIM, "no events", false);
            continue;
        }
        const tui_event *e = &mv->details->events[i];
        char age[16];
        int cx = x + 1;
        bool picked = mv->events.focus && i == mv->events.sel;
        if (picked)
            tui_draw_fill(w, y + r, x, width, TUI_ROLE_SELECTION);
        cx += tui_draw_textf(w, y + r, cx, width - cx, e->warning ? TUI_ROLE_WARNING : TUI_ROLE_DIM,
                             "%-8s", e->warning ? "Warning" : "Normal");
        char *text = tt_asprintf(" %5s %-18s %s: %s",
                                 tui_fmt_age(e->last_seen, (long long)time(NULL), age, sizeof(age)),
                                 e->reason ? e->reason : "", e->object, e->message ? e->message : "");
        tui_role role = picked ? TUI_ROLE_SELECTION : TUI_ROLE_NORMAL;
        if (wrap) { /* w: the whole message, on as many rows as it needs */
            for (int k = r + 1; k < h; k++)
                tui_draw_fill(w, y + k, x, width, TUI_ROLE_NORMAL);
            r += tui_draw_wrapped(w, y + r, cx, width - cx, h - r, role, text) - 1;
        } else {
            tui_draw_text(w, y + r, cx, width - cx, role, text, false);
        }
        free(text);
    }
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    model_view *mv = v->data;
    const fleet_model *m = fleet_find(tui_app_fleet(app), mv->model);
    if (!m) {
        for (int r = 0; r < h; r++)
            tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
        tui_draw_textf(w, y + 1, x + 2, width - 2, TUI_ROLE_WARNING,
                       "Model %s is gone from the cluster (Esc goes back)", mv->model);
        return;
    }
    tui_draw_fill(w, y, x, width, TUI_ROLE_NORMAL);
    tui_draw_textf(w, y, x + 1, width - 1, TUI_ROLE_TITLE, "Model %s%s%s", m->name,
                   m->pinned_latest ? "  (latest is pinned here)" : "",
                   m->terminating ? "  (being deleted)" : "");
    bool wrap = tui_list_wrap(mv->list);
    int cy = draw_service_line(w, y + 1, x, width, m, 0, wrap, h / 4);
    cy = draw_service_line(w, cy, x, width, m, 1, wrap, h / 4);
    int rest = h - (cy - y);
    mv->list_y = cy;
    int events_h = rest >= 12 ? rest / 3 : (rest >= 6 ? 3 : 0);
    tui_list_draw(mv->list, w, cy, x, rest - events_h, width);
    mv->events_rows = 0;
    if (events_h)
        draw_events(mv, w, cy + rest - events_h, x, events_h, width);
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    (void)k;
    model_view *mv = v->data;
    size_t n_events = mv->details ? mv->details->n_events : 0;
    if (act == TUI_ACT_FOCUS) {
        if (!mv->events.focus && (!n_events || !mv->events_rows)) {
            tui_app_message(app, TUI_STATUS_INFO,
                            n_events ? "No room for the events: enlarge the window"
                                     : "No events to move to");
            return true;
        }
        mv->events.focus = !mv->events.focus;
        return true;
    }
    if (mv->events.focus) {
        if (act == TUI_ACT_WRAP)
            return tui_list_action(mv->list, act);
        if (tui_pick_action(&mv->events, act, n_events,
                            tui_list_wrap(mv->list) ? 1 : mv->events_rows))
            return true;
        if (act == TUI_ACT_OPEN) {
            if (mv->events.sel < n_events)
                tui_app_push(app, tui_view_event_new(app, mv->model,
                                                     &mv->details->events[mv->events.sel]));
            return true;
        }
    } else if (tui_list_action(mv->list, act)) {
        return true;
    }
    const fleet_revision *rev = rev_at(mv, tui_list_selected(mv->list));
    switch (act) {
    case TUI_ACT_OPEN:
        if (rev)
            tui_app_push(app, tui_view_revision_new(app, mv->model, rev->name));
        return true;
    case TUI_ACT_DEPLOY:
        tui_app_push(app, tui_view_form_new(app, mv->model));
        return true;
    case TUI_ACT_DELETE:
        tui_app_push(app, tui_view_confirm_new(app, TUI_CONFIRM_DELETE, mv->model, NULL, NULL));
        return true;
    case TUI_ACT_PIN:
        tui_app_push(app, tui_view_confirm_new(app, TUI_CONFIRM_PIN, mv->model, NULL, NULL));
        return true;
    case TUI_ACT_TRAFFIC:
        tui_app_push(app, tui_view_traffic_new(
                              app, mv->model,
                              rev && mv->rows[tui_list_selected(mv->list)].service == 1
                                  ? TUI_SERVICE_VALIDATE
                                  : TUI_SERVICE_STREAM));
        return true;
    case TUI_ACT_ROLLBACK:
        if (rev)
            tui_app_push(app, tui_view_rollback_choose_new(
                                  app, mv->model, rev->version,
                                  mv->rows[tui_list_selected(mv->list)].service == 0
                                      ? TUI_SERVICE_STREAM
                                      : TUI_SERVICE_VALIDATE));
        return true;
    default:
        return false;
    }
}

static bool mouse(tui_view *v, tui_app *app, int y, int x, tui_mouse_kind kind)
{
    (void)x;
    model_view *mv = v->data;
    int first = mv->list_y ? mv->list_y + 1 : 1 + 3 + 1; /* below the column titles */
    switch (kind) {
    case TUI_MOUSE_WHEEL_UP: tui_list_scroll(mv->list, -3); return true;
    case TUI_MOUSE_WHEEL_DOWN: tui_list_scroll(mv->list, 3); return true;
    case TUI_MOUSE_CLICK: return tui_list_click(mv->list, y - first);
    case TUI_MOUSE_DOUBLE_CLICK:
        if (tui_list_click(mv->list, y - first))
            return key(v, app, TUI_KEY_ENTER, TUI_ACT_OPEN);
        return false;
    }
    return false;
}

static void message(tui_view *v, tui_app *app, tui_msg *m)
{
    model_view *mv = v->data;
    int got = tui_model_details_take(m, &mv->details_req, &mv->details);
    if (got < 0)
        tui_app_message(app, TUI_STATUS_ERROR, "Loading %s: %s", mv->model, m->err.message);
    else if (got > 0)
        tui_app_dirty(app);
}

static void fleet_changed(tui_view *v, tui_app *app)
{
    (void)app;
    model_view *mv = v->data;
    rebuild_rows(mv);
    tui_list_refresh(mv->list);
    load(mv);
}

static void view_filter(tui_view *v, tui_app *app, const char *text)
{
    (void)app;
    tui_list_set_filter(((model_view *)v->data)->list, text);
}

static void close_view(tui_view *v, tui_app *app)
{
    model_view *mv = v->data;
    tui_backend *b = tui_app_backend(app);
    if (b && mv->details_req)
        b->ops->cancel(b, mv->details_req);
    tui_list_free(mv->list);
    tui_model_details_free(mv->details);
    free(mv->rows);
    free(mv->model);
    free(mv->signature);
    free(mv);
}

static const tui_view_ops ops = {
    .id = TUI_VIEW_MODEL,
    .hints = "{open} open  {focus} events  {rollback} rollback  {traffic} traffic  {deploy} deploy  {delete} delete  {pin-latest} pin  {filter} filter  {help} help  {back} back",
    .title = title,
    .draw = draw,
    .key = key,
    .mouse = mouse,
    .message = message,
    .fleet_changed = fleet_changed,
    .filter = view_filter,
    .close = close_view,
};

tui_view *tui_view_model_new(tui_app *app, const char *model)
{
    model_view *mv = tt_calloc(1, sizeof(*mv));
    mv->app = app;
    mv->model = tt_strdup(model);
    mv->list = tui_list_new(columns, N_COLS, &source, mv);
    rebuild_rows(mv);
    tui_list_refresh(mv->list);
    load(mv);
    return tui_view_new(&ops, mv);
}
