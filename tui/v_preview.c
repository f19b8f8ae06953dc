/* View 5: the rendered release as YAML (secrets masked until revealed),
 * the diff against the cluster, and a server-side dry-run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "v_text.h"
#include "w_text.h"

typedef enum mode { MODE_YAML, MODE_DIFF, MODE_DRY_RUN } mode;

typedef struct preview_view {
    tui_release_req *req;
    tui_text *text;
    mode mode;
    bool revealed;
    tui_rendered *rendered;
    tui_text_result *diff;
    tui_text_result *dry_run;
    unsigned long render_req, diff_req, dry_req;
    char *error;
    bool applied; /* the release was applied from here: what it shows is live */
    bool under_way; /* applied: its apply still runs (its progress was left) */
} preview_view;

static void fill(preview_view *pv)
{
    tui_text_clear(pv->text);
    const char *body = NULL;
    switch (pv->mode) {
    case MODE_YAML:
        tui_text_set_highlight(pv->text, tui_highlight_yaml, NULL);
        if (pv->rendered)
            body = pv->revealed ? pv->rendered->yaml : pv->rendered->yaml_masked;
        break;
    case MODE_DIFF:
        tui_text_set_highlight(pv->text, tui_highlight_diff, NULL);
        if (pv->diff)
            body = *pv->diff->text ? pv->diff->text : "(no changes: the cluster already matches)";
        break;
    case MODE_DRY_RUN:
        tui_text_set_highlight(pv->text, tui_highlight_yaml, NULL);
        if (pv->dry_run)
            body = pv->dry_run->text;
        break;
    }
    if (body)
        tui_text_append_text(pv->text, body);
}

static void title(tui_view *v, char *buf, size_t size)
{
    preview_view *pv = v->data;
    snprintf(buf, size, "Deploy > %s/%s > preview", pv->req->model, pv->req->version);
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    (void)app;
    preview_view *pv = v->data;
    tui_draw_fill(w, y, x, width, TUI_ROLE_NORMAL);
    static const char *const names[] = {"YAML", "Diff", "Dry-run"};
    int cx = x + 1;
    for (int m = 0; m < 3; m++)
        cx += tui_draw_textf(w, y, cx, width - cx,
                             (int)pv->mode == m ? TUI_ROLE_BUTTON_FOCUS : TUI_ROLE_BUTTON, " %s ",
                             names[m]);
    cx += tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_NORMAL, "  %s/%s on %s (%s)",
                         pv->req->model, pv->req->version, pv->req->env,
                         pv->req->context ? pv->req->context : "-");
    if (pv->applied)
        cx += tui_draw_text(w, y, cx, width - cx, TUI_ROLE_STATUS_OK,
                            pv->under_way ? "  apply under way (Esc: the model)"
                                          : "  applied (Esc: the model)",
                            false);
    if (pv->mode == MODE_YAML)
        tui_draw_text(w, y, cx, width - cx, pv->revealed ? TUI_ROLE_WARNING : TUI_ROLE_DIM,
                      pv->revealed ? "  SECRETS SHOWN (v hides)" : "  secrets masked (v reveals)",
                      false);
    bool pending = (pv->mode == MODE_YAML && !pv->rendered) || (pv->mode == MODE_DIFF && !pv->diff) ||
                   (pv->mode == MODE_DRY_RUN && !pv->dry_run);
    if (pv->error && pending) {
        for (int r = 1; r < h; r++)
            tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
        tui_draw_text(w, y + 2, x + 2, width - 2, TUI_ROLE_ERROR, pv->error, false);
        return;
    }
    if (pending) {
        for (int r = 1; r < h; r++)
            tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
        bool asked = pv->render_req || pv->diff_req || pv->dry_req;
        tui_draw_text(w, y + 2, x + 2, width - 2, TUI_ROLE_DIM,
                      asked ? "working..." : (pv->mode == MODE_DRY_RUN ? "t runs a server-side dry-run"
                                                                       : "not loaded"),
                      false);
        return;
    }
    if (pv->mode == MODE_DRY_RUN && pv->dry_run) {
        tui_draw_fill(w, y + 1, x, width, TUI_ROLE_NORMAL);
        tui_draw_text(w, y + 1, x + 1, width - 1, pv->dry_run->ok ? TUI_ROLE_STATUS_OK : TUI_ROLE_STATUS_FAIL,
                      pv->dry_run->ok ? "Dry-run accepted by the server" : "Dry-run refused by the server",
                      false);
        tui_text_draw(pv->text, w, y + 2, x, h - 2, width);
        return;
    }
    tui_text_draw(pv->text, w, y + 1, x, h - 1, width);
}

static void set_mode(preview_view *pv, tui_app *app, mode m)
{
    pv->mode = m;
    tui_backend *b = tui_app_backend(app);
    if (m == MODE_DIFF && !pv->diff && !pv->diff_req && b)
        pv->diff_req = b->ops->diff(b, pv->req);
    fill(pv);
}

/* After an apply the preview and the form behind it are history: back
 * goes to the model (the one below the form, else a new model view). */
static void leave_applied(preview_view *pv, tui_app *app)
{
    char *model = tt_strdup(pv->req->model); /* pv is freed by the pop */
    tui_app_pop(app);
    tui_view *top = tui_app_top(app);
    if (top && top->ops->id == TUI_VIEW_FORM && top->below)
        tui_app_pop(app);
    top = tui_app_top(app);
    char title[256] = "", want[256];
    if (top && top->ops->title)
        top->ops->title(top, title, sizeof(title));
    snprintf(want, sizeof(want), "Models > %s", model);
    if (!top || top->ops->id != TUI_VIEW_MODEL || !tt_streq(title, want))
        tui_app_push(app, tui_view_model_new(app, model));
    free(model);
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    (void)k;
    preview_view *pv = v->data;
    if (tui_text_action(pv->text, act))
        return true;
    tui_backend *b;
    switch (act) {
    case TUI_ACT_REVEAL:
        pv->revealed = !pv->revealed;
        if (pv->mode == MODE_YAML)
            fill(pv);
        return true;
    case TUI_ACT_DIFF:
        set_mode(pv, app, pv->mode == MODE_DIFF ? MODE_YAML : MODE_DIFF);
        return true;
    case TUI_ACT_DRY_RUN:
        b = tui_app_require_backend(app);
        if (b && !pv->dry_req) {
            tui_text_result_free(pv->dry_run);
            pv->dry_run = NULL;
            pv->dry_req = b->ops->dry_run(b, pv->req);
        }
        set_mode(pv, app, MODE_DRY_RUN);
        return true;
    case TUI_ACT_BACK:
        if (!pv->applied)
            return false;
        leave_applied(pv, app);
        return true;
    case TUI_ACT_APPLY:
        if (pv->applied) {
            tui_app_message(app, TUI_STATUS_INFO,
                            "%s/%s is already %s: deploy again from the model for a new "
                            "version",
                            pv->req->model, pv->req->version,
                            pv->under_way ? "being applied" : "applied");
            return true;
        }
        tui_app_push(app, tui_view_confirm_new(app, TUI_CONFIRM_APPLY, pv->req->model,
                                               pv->req->version, pv->req));
        return true;
    case TUI_ACT_SEARCH_NEXT:
    case TUI_ACT_SEARCH_PREV:
        tui_text_search_next(pv->text, act == TUI_ACT_SEARCH_NEXT ? 1 : -1);
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
    preview_view *pv = v->data;
    return tui_view_text_wheel(pv->text, kind);
}

static void search(tui_view *v, tui_app *app, const char *text)
{
    preview_view *pv = v->data;
    tui_view_text_search(app, pv->text, text);
}

static void message(tui_view *v, tui_app *app, tui_msg *m)
{
    preview_view *pv = v->data;
    if (!m->req)
        return;
    if (m->req == pv->render_req) {
        pv->render_req = 0;
        if (m->err.code) {
            free(pv->error);
            pv->error = tt_strdup(m->err.message);
        } else {
            pv->rendered = m->payload;
            m->payload = NULL;
        }
    } else if (m->req == pv->diff_req) {
        pv->diff_req = 0;
        if (m->err.code) {
            free(pv->error);
            pv->error = tt_asprintf("Diff: %s", m->err.message);
        } else {
            pv->diff = m->payload;
            m->payload = NULL;
        }
    } else if (m->req == pv->dry_req) {
        pv->dry_req = 0;
        if (m->err.code) {
            pv->dry_run = tui_text_result_new(false, m->err.message);
        } else {
            pv->dry_run = m->payload;
            m->payload = NULL;
        }
    } else {
        return;
    }
    fill(pv);
    tui_app_dirty(app);
}

static void close_view(tui_view *v, tui_app *app)
{
    preview_view *pv = v->data;
    tui_backend *b = tui_app_backend(app);
    unsigned long reqs[3] = {pv->render_req, pv->diff_req, pv->dry_req};
    for (int i = 0; i < 3; i++)
        if (b && reqs[i])
            b->ops->cancel(b, reqs[i]);
    tui_text_free(pv->text);
    tui_rendered_free(pv->rendered);
    tui_text_result_free(pv->diff);
    tui_text_result_free(pv->dry_run);
    tui_release_req_free(pv->req);
    free(pv->error);
    free(pv);
}

static const tui_view_ops ops;

void tui_view_preview_mark_applied(tui_view *v, bool under_way)
{
    if (v && v->ops == &ops) {
        preview_view *pv = v->data;
        pv->under_way = under_way && !pv->applied;
        pv->applied = true;
    }
}

static const tui_view_ops ops = {
    .id = TUI_VIEW_PREVIEW,
    .hints = "{reveal} reveal secrets  {diff} diff  {dry-run} dry-run  {apply} apply  {search} search  {back} back",
    .title = title,
    .draw = draw,
    .key = key,
    .mouse = mouse,
    .message = message,
    .search = search,
    .close = close_view,
};

tui_view *tui_view_preview_new(tui_app *app, const tui_release_req *req)
{
    preview_view *pv = tt_calloc(1, sizeof(*pv));
    pv->req = tui_release_req_dup(req);
    pv->text = tui_text_new(0);
    tui_backend *b = tui_app_require_backend(app);
    if (b)
        pv->render_req = b->ops->render(b, pv->req);
    fill(pv);
    return tui_view_new(&ops, pv);
}
