/*
 * Promotion from the contexts side by side (P on a row): the release a
 * model runs in one context released in another, as `ttstui promote`
 * does (the backend's promote_plan and promote jobs, ops/promote.c). With
 * two contexts it goes from the one ahead (fleet_cross_ahead); otherwise
 * the user picks from and to. The plan comes back with the summary in
 * words and the diff against the target's live objects; a confirmation
 * (typed for prod) starts it; its steps are followed until done. A refusal
 * (source not Ready or by tag, read-only target, version rule ...) is
 * shown with its reason and nothing is changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "v_common.h"
#include "w_dialog.h"
#include "w_steps.h"
#include "w_text.h"

typedef enum pstate {
    ST_CHOOSE,   /* which way: the user picks */
    ST_PLANNING, /* promote_plan in flight */
    ST_REVIEW,   /* the plan, the confirmation */
    ST_REFUSED,  /* the plan failed or was refused */
    ST_RUNNING,  /* promote in flight */
    ST_DONE,
} pstate;

typedef struct pair {
    size_t from, to;
} pair;

typedef struct promote_view {
    char *model;
    char **names;  /* the contexts */
    char **labels; /* their environments, else their names */
    size_t n;
    pair *pairs; /* ST_CHOOSE: the ways to go */
    size_t n_pairs, sel;
    size_t from, to;
    pstate state;
    unsigned long req;
    tui_promote_plan *plan;
    tui_text *text; /* the summary and the diff */
    tui_dialog *dialog;
    char *error; /* ST_REFUSED: why */
    tui_steps steps;
    bool failed;
    char *result;
} promote_view;

static void start_plan(promote_view *pv, tui_app *app)
{
    tui_backend *b = tui_app_require_backend(app);
    if (!b || !b->ops->promote_plan) {
        pv->state = ST_REFUSED;
        free(pv->error);
        pv->error = tt_strdup(b ? "this backend cannot promote" : "not connected to a cluster");
        return;
    }
    pv->state = ST_PLANNING;
    pv->req = b->ops->promote_plan(b, pv->model, pv->names[pv->from], pv->names[pv->to]);
}

static void build_review(promote_view *pv)
{
    const tui_promote_plan *p = pv->plan;
    pv->text = tui_text_new(0);
    tui_text_set_highlight(pv->text, tui_highlight_diff, NULL);
    char *head = tt_asprintf("Promote %s version %s from %s (%s) to %s (%s) as version %s", p->model,
                             p->source_version ? p->source_version : "?", p->from,
                             pv->labels[pv->from], p->to, p->env ? p->env : "-", p->version);
    tui_text_append(pv->text, head);
    free(head);
    char *img = tt_asprintf("Image: %s", p->image ? p->image : "-");
    tui_text_append(pv->text, img);
    free(img);
    tui_text_append(pv->text, "");
    tui_text_append_text(pv->text, p->summary ? p->summary : "");
    tui_text_append(pv->text, "");
    tui_text_append_text(pv->text, p->diff ? p->diff : "");
    if (p->nothing_to_do)
        return;
    bool prod = tt_streq(p->env, "prod");
    char *expected = prod ? tt_asprintf("%s/%s", p->model, p->version) : NULL;
    char *title = tt_asprintf("Promote %s/%s to %s?", p->model, p->version, p->to);
    pv->dialog = tui_dialog_new(title, "Promote", expected);
    free(title);
    free(expected);
    if (prod)
        tui_dialog_set_banner(pv->dialog, TUI_ROLE_BANNER_PROD, "PRODUCTION");
    else if (tt_streq(p->env, "staging"))
        tui_dialog_set_banner(pv->dialog, TUI_ROLE_BANNER_STAGING, "staging");
    char line[512];
    snprintf(line, sizeof line, "From:     %s (%s), version %s", p->from, pv->labels[pv->from],
             p->source_version ? p->source_version : "?");
    tui_dialog_add_line(pv->dialog, TUI_ROLE_NORMAL, line);
    snprintf(line, sizeof line, "To:       %s (%s), as version %s", p->to, p->env ? p->env : "-",
             p->version);
    tui_dialog_add_line(pv->dialog, prod ? TUI_ROLE_WARNING : TUI_ROLE_NORMAL, line);
    snprintf(line, sizeof line, "Image:    %s", p->image ? p->image : "-");
    tui_dialog_add_line(pv->dialog, TUI_ROLE_DIM, line);
    tui_dialog_add_line(pv->dialog, TUI_ROLE_DIM,
                        "The summary and the diff are above (PageUp/PageDown scroll).");
}

static void start_promote(promote_view *pv, tui_app *app)
{
    tui_dialog_free(pv->dialog);
    pv->dialog = NULL;
    tui_backend *b = tui_app_require_backend(app);
    pv->state = ST_RUNNING;
    if (!b || !b->ops->promote) {
        pv->state = ST_DONE;
        pv->failed = true;
        pv->result = tt_strdup(b ? "this backend cannot promote" : "not connected to a cluster");
        return;
    }
    const tui_promote_plan *p = pv->plan;
    pv->req = b->ops->promote(b, p->model, p->from, p->to, p->version, p->image);
}

/* ---- drawing ---------------------------------------------------------------- */

static void title(tui_view *v, char *buf, size_t size)
{
    promote_view *pv = v->data;
    snprintf(buf, size, "Promote %s", pv->model);
}

static void draw_choose(promote_view *pv, WINDOW *w, int y, int x, int h, int width)
{
    tui_draw_textf(w, y + 1, x + 1, width - 1, TUI_ROLE_NORMAL,
                   "Promote %s: from which context to which?", pv->model);
    int cy = y + 3;
    if (!pv->n_pairs)
        tui_draw_text(w, cy, x + 2, width - 2, TUI_ROLE_DIM,
                      "no context has this model to promote from", false);
    for (size_t i = 0; i < pv->n_pairs && cy < y + h - 2; i++, cy++) {
        bool sel = i == pv->sel;
        if (sel)
            tui_draw_fill(w, cy, x, width, TUI_ROLE_SELECTION);
        const pair *pr = &pv->pairs[i];
        tui_draw_textf(w, cy, x + 2, width - 2, sel ? TUI_ROLE_SELECTION : TUI_ROLE_NORMAL,
                       "from %s (%s) to %s (%s)", pv->names[pr->from], pv->labels[pr->from],
                       pv->names[pr->to], pv->labels[pr->to]);
    }
    tui_draw_text(w, y + h - 1, x + 1, width - 1, TUI_ROLE_DIM,
                  "Up/Down choose  Enter plan it  Esc cancel", false);
}

static void draw_steps(promote_view *pv, WINDOW *w, int y, int x, int h, int width)
{
    const tui_promote_plan *p = pv->plan;
    bool prod = tt_streq(p->env, "prod");
    tui_draw_fill(w, y, x, width, prod ? TUI_ROLE_BANNER_PROD : TUI_ROLE_TITLE);
    tui_draw_textf(w, y, x + 1, width - 1, prod ? TUI_ROLE_BANNER_PROD : TUI_ROLE_TITLE,
                   "Promote %s/%s from %s to %s (%s)", p->model, p->version, p->from, p->to,
                   p->env ? p->env : "-");
    int ry = tui_steps_draw(&pv->steps, w, y + 2, y + h - 2, x + 2, width - 2);
    if (!pv->steps.n && pv->state == ST_RUNNING)
        tui_draw_text(w, ry, x + 2, width - 2, TUI_ROLE_DIM, "starting...", false);
    if (pv->state == ST_DONE)
        tui_draw_textf(w, y + h - 1, x + 1, width - 1,
                       pv->failed ? TUI_ROLE_ERROR : TUI_ROLE_STATUS_OK, "%s %s%s   (Esc goes back)",
                       pv->failed ? tui_sym_text(TUI_SYM_CROSS) : tui_sym_text(TUI_SYM_CHECK),
                       pv->failed ? "Failed: " : "Promoted",
                       pv->failed && pv->result ? pv->result : "");
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    promote_view *pv = v->data;
    for (int r = 0; r < h; r++)
        tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
    switch (pv->state) {
    case ST_CHOOSE: draw_choose(pv, w, y, x, h, width); return;
    case ST_PLANNING:
        tui_draw_textf(w, y + 1, x + 1, width - 1, TUI_ROLE_DIM,
                       "Planning the promotion of %s from %s to %s (reading both clusters)...",
                       pv->model, pv->names[pv->from], pv->names[pv->to]);
        return;
    case ST_REFUSED:
        tui_draw_textf(w, y + 1, x + 1, width - 1, TUI_ROLE_TITLE, "Promote %s from %s to %s",
                       pv->model, pv->names[pv->from], pv->names[pv->to]);
        tui_draw_wrapped(w, y + 3, x + 1, width - 2, h - 5, TUI_ROLE_ERROR,
                         pv->error ? pv->error : "failed");
        tui_draw_text(w, y + h - 1, x + 1, width - 1, TUI_ROLE_DIM,
                      "Nothing was changed.   (Esc goes back)", false);
        return;
    case ST_REVIEW: {
        int dh = 0;
        if (pv->dialog) {
            dh = h / 2 > 16 ? 16 : h / 2;
            int cy, cx;
            tui_dialog_draw(pv->dialog, w, y + h - dh, x, dh, width, &cy, &cx);
            if (cy >= 0)
                tui_app_set_cursor(app, cy, cx);
        } else {
            dh = 1;
            tui_draw_text(w, y + h - 1, x + 1, width - 1, TUI_ROLE_STATUS_OK,
                          "Nothing to do: the target already runs this release.   (Esc goes back)",
                          false);
        }
        tui_text_draw(pv->text, w, y, x, h - dh, width);
        return;
    }
    case ST_RUNNING:
    case ST_DONE: draw_steps(pv, w, y, x, h, width); return;
    }
}

/* ---- keys and messages ---------------------------------------------------------- */

static void cancelled(tui_app *app)
{
    tui_app_pop(app);
    tui_app_message(app, TUI_STATUS_INFO, "Cancelled: nothing was changed");
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    promote_view *pv = v->data;
    switch (pv->state) {
    case ST_CHOOSE:
        if (act == TUI_ACT_NEXT_FIELD || k == 'j') {
            if (pv->sel + 1 < pv->n_pairs)
                pv->sel++;
        } else if (act == TUI_ACT_PREV_FIELD || k == 'k') {
            if (pv->sel)
                pv->sel--;
        } else if (act == TUI_ACT_SUBMIT && pv->n_pairs) {
            pv->from = pv->pairs[pv->sel].from;
            pv->to = pv->pairs[pv->sel].to;
            start_plan(pv, app);
        } else if (act == TUI_ACT_BACK) {
            cancelled(app);
        }
        return true; /* modal */
    case ST_PLANNING:
    case ST_REFUSED:
        if (act == TUI_ACT_BACK)
            cancelled(app);
        return true;
    case ST_REVIEW: {
        if (k == TUI_KEY_FN(KEY_NPAGE) || k == TUI_KEY_FN(KEY_PPAGE)) {
            tui_text_action(pv->text, k == TUI_KEY_FN(KEY_NPAGE) ? TUI_ACT_PAGE_DOWN
                                                                 : TUI_ACT_PAGE_UP);
            return true;
        }
        if (!pv->dialog) {
            if (act == TUI_ACT_BACK)
                tui_app_pop(app);
            return true;
        }
        bool refused = false;
        switch (tui_dialog_key(pv->dialog, k, act, &refused)) {
        case TUI_DIALOG_CANCEL: cancelled(app); return true;
        case TUI_DIALOG_CONFIRM: start_promote(pv, app); return true;
        case TUI_DIALOG_NONE:
            if (refused)
                tui_app_message(app, TUI_STATUS_ERROR, "Type the text shown to enable Promote");
            return true;
        }
        return true;
    }
    case ST_RUNNING:
    case ST_DONE: return false; /* Esc/q go back through the app */
    }
    return false;
}

static void got_plan(promote_view *pv, tui_msg *m)
{
    pv->req = 0;
    if (m->err.code || !m->payload) {
        pv->state = ST_REFUSED;
        free(pv->error);
        pv->error = tt_strdup(m->err.code ? m->err.message : "no answer");
        return;
    }
    pv->plan = m->payload;
    m->payload = NULL;
    pv->state = ST_REVIEW;
    build_review(pv);
}

static void got_progress(promote_view *pv, const tui_progress *p)
{
    tui_steps_update(&pv->steps, p);
}

static void message(tui_view *v, tui_app *app, tui_msg *m)
{
    promote_view *pv = v->data;
    if (!pv->req || m->req != pv->req)
        return;
    if (m->type == TUI_MSG_PROMOTE_PLAN && pv->state == ST_PLANNING) {
        got_plan(pv, m);
    } else if (m->type == TUI_MSG_PROGRESS && m->payload && pv->state == ST_RUNNING) {
        got_progress(pv, m->payload);
    } else if (m->type == TUI_MSG_DONE && pv->state == ST_RUNNING) {
        pv->state = ST_DONE;
        pv->failed = m->err.code != 0;
        pv->result = tt_strdup(pv->failed ? m->err.message : "");
        pv->req = 0;
        if (v->below)
            tui_view_cross_reload(v->below, app);
    }
    tui_app_dirty(app);
}

static bool mouse(tui_view *v, tui_app *app, int y, int x, tui_mouse_kind kind)
{
    promote_view *pv = v->data;
    if (pv->state != ST_REVIEW)
        return false;
    if (kind == TUI_MOUSE_WHEEL_UP || kind == TUI_MOUSE_WHEEL_DOWN) {
        tui_text_scroll(pv->text, kind == TUI_MOUSE_WHEEL_UP ? -3 : 3);
        return true;
    }
    if (!pv->dialog || kind != TUI_MOUSE_CLICK)
        return false;
    tui_dialog_result r = tui_dialog_click(pv->dialog, y, x);
    if (r == TUI_DIALOG_CANCEL)
        cancelled(app);
    else if (r == TUI_DIALOG_CONFIRM)
        start_promote(pv, app);
    return true;
}

static void close_view(tui_view *v, tui_app *app)
{
    promote_view *pv = v->data;
    tui_backend *b = tui_app_backend(app);
    if (b && pv->req && pv->state == ST_PLANNING)
        b->ops->cancel(b, pv->req); /* a plan only reads; a running promotion goes on */
    for (size_t i = 0; i < pv->n; i++) {
        free(pv->names[i]);
        free(pv->labels[i]);
    }
    free(pv->names);
    free(pv->labels);
    free(pv->pairs);
    tui_promote_plan_free(pv->plan);
    tui_text_free(pv->text);
    tui_dialog_free(pv->dialog);
    free(pv->error);
    tui_steps_free(&pv->steps);
    free(pv->result);
    free(pv->model);
    free(pv);
}

static const tui_view_ops ops = {
    .id = TUI_VIEW_CONFIRM,
    .text_entry = true,
    .hints = "{next-field} switch  {submit} press  {back} cancel",
    .title = title,
    .draw = draw,
    .key = key,
    .mouse = mouse,
    .message = message,
    .close = close_view,
};

tui_view *tui_view_promote_new(tui_app *app, const char *model, const char *const *names,
                               const char *const *labels, const bool *has_model, size_t n,
                               int from)
{
    promote_view *pv = tt_calloc(1, sizeof(*pv));
    pv->model = tt_strdup(model);
    pv->n = n;
    pv->names = tt_calloc(n ? n : 1, sizeof(char *));
    pv->labels = tt_calloc(n ? n : 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        pv->names[i] = tt_strdup(names[i]);
        pv->labels[i] = tt_strdup(labels[i]);
    }
    if (n == 2 && from >= 0 && from < 2) {
        pv->from = (size_t)from;
        pv->to = 1 - pv->from;
        start_plan(pv, app);
    } else {
        pv->state = ST_CHOOSE;
        pv->pairs = tt_calloc(n ? n * n : 1, sizeof(pair));
        for (size_t f = 0; f < n; f++)
            for (size_t t = 0; t < n; t++)
                if (f != t && has_model[f])
                    pv->pairs[pv->n_pairs++] = (pair){f, t};
    }
    return tui_view_new(&ops, pv);
}
