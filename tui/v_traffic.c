/*
 * The traffic editor (t on a model): the Ready revisions of a service (or
 * of both, for versions Ready in each) with the share of traffic each has
 * now and the share it gets; digits type a percentage, Left/Right move it
 * by 5, Tab picks the services. Enter, when the shares add up to 100,
 * opens the confirmation with the split before and after (v_confirm.c),
 * which runs it as `ttstui traffic` does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "v_common.h"

typedef struct trow {
    char *version;
    int now;     /* percent now (the first chosen service's) */
    int percent; /* percent after */
} trow;

typedef struct traffic_view {
    char *model;
    unsigned choices[3]; /* TUI_SERVICE_* sets, the selected revision's service first */
    int choice;
    trow *rows;
    size_t n;
    size_t sel;
} traffic_view;

static const fleet_revision *ready_revision(const fleet_service *s, const char *version)
{
    for (size_t i = 0; s->present && i < s->n_revisions; i++)
        if (tt_streq(s->revisions[i].version, version) && s->revisions[i].ready == FLEET_COND_TRUE)
            return &s->revisions[i];
    return NULL;
}

/* The rows for the chosen services: versions Ready in each of them, with
 * the first chosen service's traffic now (the starting split). */
static void build_rows(traffic_view *tv, tui_app *app)
{
    for (size_t i = 0; i < tv->n; i++)
        free(tv->rows[i].version);
    free(tv->rows);
    tv->rows = NULL;
    tv->n = tv->sel = 0;
    const fleet_model *m = fleet_find(tui_app_fleet(app), tv->model);
    if (!m)
        return;
    unsigned s = tv->choices[tv->choice];
    const fleet_service *first = s & TUI_SERVICE_STREAM ? &m->stream : &m->validate;
    const fleet_service *other = s == TUI_SERVICE_BOTH ? &m->validate : NULL;
    tv->rows = tt_calloc(first->n_revisions ? first->n_revisions : 1, sizeof(trow));
    for (size_t i = 0; first->present && i < first->n_revisions; i++) {
        const fleet_revision *r = &first->revisions[i];
        if (r->ready != FLEET_COND_TRUE || !r->version)
            continue;
        if (other && !ready_revision(other, r->version))
            continue;
        trow *t = &tv->rows[tv->n++];
        t->version = tt_strdup(r->version);
        t->now = t->percent = r->traffic_percent > 0 ? r->traffic_percent : 0;
    }
}

static int total(const traffic_view *tv)
{
    int sum = 0;
    for (size_t i = 0; i < tv->n; i++)
        sum += tv->rows[i].percent;
    return sum;
}

static const char *services_text(unsigned s)
{
    return s == TUI_SERVICE_BOTH ? "stream and validate" : s == TUI_SERVICE_STREAM ? "stream" : "validate";
}

static void title(tui_view *v, char *buf, size_t size)
{
    snprintf(buf, size, "Traffic of %s", ((traffic_view *)v->data)->model);
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    (void)app;
    traffic_view *tv = v->data;
    for (int r = 0; r < h; r++)
        tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
    tui_draw_textf(w, y, x + 1, width - 1, TUI_ROLE_TITLE, "Traffic of %s: %s", tv->model,
                   services_text(tv->choices[tv->choice]));
    tui_draw_text(w, y + 1, x + 1, width - 1, TUI_ROLE_COLUMN_HEADER,
                  "VERSION        NOW    AFTER", false);
    int cy = y + 2;
    if (!tv->n)
        tui_draw_text(w, cy++, x + 2, width - 2, TUI_ROLE_DIM,
                      "no Ready revision to send traffic to", false);
    for (size_t i = 0; i < tv->n && cy < y + h - 3; i++, cy++) {
        const trow *t = &tv->rows[i];
        bool sel = i == tv->sel;
        if (sel)
            tui_draw_fill(w, cy, x, width, TUI_ROLE_SELECTION);
        tui_draw_textf(w, cy, x + 1, width - 1, sel ? TUI_ROLE_SELECTION : TUI_ROLE_NORMAL,
                       "%-12s %4d%%  %4d%%%s", t->version, t->now, t->percent,
                       t->percent != t->now ? "  *" : "");
    }
    int sum = total(tv);
    cy++;
    if (sum == 100)
        tui_draw_text(w, cy, x + 1, width - 1, TUI_ROLE_STATUS_OK, "Total 100%: Enter confirms next",
                      false);
    else
        tui_draw_textf(w, cy, x + 1, width - 1, TUI_ROLE_ERROR,
                       "Total %d%%: the shares must add up to 100%%", sum);
    tui_draw_text(w, y + h - 1, x + 1, width - 1, TUI_ROLE_DIM,
                  "Up/Down choose  0-9 type  Left/Right -5/+5  Tab services  Enter next  Esc cancel",
                  false);
}

/* "3=90 4=10": the rows with traffic after, for the backend and the audit. */
static char *split_words(const traffic_view *tv)
{
    tt_buf b = TT_BUF_INIT;
    for (size_t i = 0; i < tv->n; i++)
        if (tv->rows[i].percent > 0)
            tt_buf_printf(&b, "%s%s=%d", b.len ? " " : "", tv->rows[i].version,
                          tv->rows[i].percent);
    return tt_buf_steal(&b);
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    traffic_view *tv = v->data;
    trow *t = tv->n ? &tv->rows[tv->sel] : NULL;
    if (k >= '0' && k <= '9') {
        if (t) {
            int next = t->percent * 10 + (int)(k - '0');
            t->percent = next <= 100 ? next : (int)(k - '0');
        }
        return true;
    }
    if (k == TUI_KEY_FN(KEY_BACKSPACE) || k == 127 || k == 8) {
        if (t)
            t->percent /= 10;
        return true;
    }
    if (k == TUI_KEY_FN(KEY_LEFT) || k == '-') {
        if (t)
            t->percent = t->percent >= 5 ? t->percent - 5 : 0;
        return true;
    }
    if (k == TUI_KEY_FN(KEY_RIGHT) || k == '+') {
        if (t)
            t->percent = t->percent <= 95 ? t->percent + 5 : 100;
        return true;
    }
    if (k == TUI_KEY_FN(KEY_UP) || k == 'k') {
        if (tv->sel)
            tv->sel--;
        return true;
    }
    if (k == TUI_KEY_FN(KEY_DOWN) || k == 'j') {
        if (tv->sel + 1 < tv->n)
            tv->sel++;
        return true;
    }
    switch (act) {
    case TUI_ACT_NEXT_FIELD:
        tv->choice = (tv->choice + 1) % 3;
        build_rows(tv, app);
        return true;
    case TUI_ACT_PREV_FIELD:
        tv->choice = (tv->choice + 2) % 3;
        build_rows(tv, app);
        return true;
    case TUI_ACT_SUBMIT: {
        int sum = total(tv);
        if (sum != 100) {
            tui_app_message(app, TUI_STATUS_ERROR, "The shares add up to %d%%, not 100%%", sum);
            return true;
        }
        bool changed = false;
        for (size_t i = 0; i < tv->n; i++)
            changed |= tv->rows[i].percent != tv->rows[i].now;
        if (!changed && tv->choices[tv->choice] != TUI_SERVICE_BOTH) {
            tui_app_message(app, TUI_STATUS_INFO, "Nothing to do: that is the split now");
            return true;
        }
        char *words = split_words(tv);
        char *model = tt_strdup(tv->model);
        unsigned s = tv->choices[tv->choice];
        tui_app_pop(app);
        tui_app_push(app, tui_view_traffic_confirm_new(app, model, words, s));
        free(model);
        free(words);
        return true;
    }
    case TUI_ACT_BACK:
        tui_app_pop(app);
        tui_app_message(app, TUI_STATUS_INFO, "Cancelled: nothing was changed");
        return true;
    default:
        return true; /* modal: nothing else while editing */
    }
}

static void close_view(tui_view *v, tui_app *app)
{
    (void)app;
    traffic_view *tv = v->data;
    for (size_t i = 0; i < tv->n; i++)
        free(tv->rows[i].version);
    free(tv->rows);
    free(tv->model);
    free(tv);
}

static const tui_view_ops ops = {
    .id = TUI_VIEW_CONFIRM,
    .text_entry = true,
    .hints = "{next-field} services  {submit} next  {back} cancel",
    .title = title,
    .draw = draw,
    .key = key,
    .close = close_view,
};

tui_view *tui_view_traffic_new(tui_app *app, const char *model, unsigned selected_service)
{
    traffic_view *tv = tt_calloc(1, sizeof(*tv));
    tv->model = tt_strdup(model);
    unsigned first = selected_service == TUI_SERVICE_VALIDATE ? TUI_SERVICE_VALIDATE
                                                               : TUI_SERVICE_STREAM;
    tv->choices[0] = first;
    tv->choices[1] = TUI_SERVICE_BOTH;
    tv->choices[2] = first == TUI_SERVICE_STREAM ? TUI_SERVICE_VALIDATE : TUI_SERVICE_STREAM;
    build_rows(tv, app);
    return tui_view_new(&ops, tv);
}
