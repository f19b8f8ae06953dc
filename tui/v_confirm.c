/* Views 6 and 7: confirm, then follow the operation (apply, delete,
 * rollback, pin) step by step until it is done or fails with a reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "change_summary.h"
#include "config.h"
#include "draw.h"
#include "ops.h"
#include "v_common.h"
#include "w_dialog.h"
#include "w_steps.h"

typedef struct confirm_view {
    tui_confirm_kind kind;
    char *model;
    char *version;
    char *env;
    char *context;
    tui_release_req *req;
    tui_dialog *dialog; /* NULL once confirmed */
    unsigned long op_req;
    tui_steps steps;
    bool pinned; /* `latest` is pinned to the model (delete warns) */
    unsigned services;       /* rollback, traffic: TUI_SERVICE_* bits */
    char *split;             /* traffic: "3=90 4=10" */
    char *traffic[2];        /* rollback: "now → after" per service, NULL when unchanged */
    release_changes changes; /* apply: what changes beyond the version */
    char *files_dir;         /* files: the folder, its models and their changes */
    char **names, **what;
    size_t n_names;
    bool done;
    bool failed;
    char *result;
} confirm_view;

static const char *verb(tui_confirm_kind k)
{
    switch (k) {
    case TUI_CONFIRM_APPLY: return "Apply";
    case TUI_CONFIRM_DELETE: return "Delete";
    case TUI_CONFIRM_ROLLBACK: return "Roll back";
    case TUI_CONFIRM_PIN: return "Pin latest";
    case TUI_CONFIRM_TRAFFIC: return "Split the traffic of";
    case TUI_CONFIRM_FILES: return "Apply";
    }
    return "?";
}

/* An apply that moves the model's environment or hostname (a warning of
 * the change summary) can take a live model off its traffic. */
static bool moves_hostname(const confirm_view *cv)
{
    for (size_t i = 0; i < cv->changes.n; i++)
        if (cv->changes.items[i].warning)
            return true;
    return false;
}

static const char *services_phrase(unsigned services)
{
    return services == TUI_SERVICE_BOTH     ? "stream and validate"
           : services == TUI_SERVICE_STREAM ? "stream"
                                            : "validate";
}

/* One line a service with its traffic; the services not chosen dimmed. */
static void add_traffic_lines(confirm_view *cv)
{
    char line[512];
    for (int s = 0; s < 2; s++) {
        snprintf(line, sizeof(line), "  %-9s %s", s == 0 ? "stream" : "validate",
                 cv->traffic[s] ? cv->traffic[s] : "");
        tui_dialog_add_line(cv->dialog,
                            cv->services & (s == 0 ? TUI_SERVICE_STREAM : TUI_SERVICE_VALIDATE)
                                ? TUI_ROLE_NORMAL
                                : TUI_ROLE_DIM,
                            line);
    }
}

static void build_dialog(confirm_view *cv)
{
    bool prod = tt_streq(cv->env, "prod");
    char *expected = NULL;
    if (cv->kind == TUI_CONFIRM_DELETE)
        expected = tt_strdup(cv->model);
    else if (cv->kind == TUI_CONFIRM_FILES)
        expected = prod ? tt_asprintf("apply %zu", cv->n_names) : NULL;
    else if ((prod || moves_hostname(cv)) && cv->version)
        expected = tt_asprintf("%s/%s", cv->model, cv->version);
    else if (prod)
        expected = tt_strdup(cv->model);
    char *title = tt_asprintf("%s %s%s%s?", verb(cv->kind), cv->model, cv->version ? "/" : "",
                              cv->version ? cv->version : "");
    cv->dialog = tui_dialog_new(title, cv->kind == TUI_CONFIRM_TRAFFIC ? "Split" : verb(cv->kind), expected);
    free(title);
    free(expected);
    if (prod)
        tui_dialog_set_banner(cv->dialog, TUI_ROLE_BANNER_PROD, "PRODUCTION");
    else if (tt_streq(cv->env, "staging"))
        tui_dialog_set_banner(cv->dialog, TUI_ROLE_BANNER_STAGING, "staging");
    char line[512];
    snprintf(line, sizeof(line), "Context:  %s", cv->context ? cv->context : "-");
    tui_dialog_add_line(cv->dialog, TUI_ROLE_NORMAL, line);
    snprintf(line, sizeof(line), "Env:      %s", cv->env ? cv->env : "-");
    tui_dialog_add_line(cv->dialog, prod ? TUI_ROLE_WARNING : TUI_ROLE_NORMAL, line);
    snprintf(line, sizeof(line), "%s %s", cv->kind == TUI_CONFIRM_FILES ? "Models:  " : "Model:   ",
             cv->model);
    tui_dialog_add_line(cv->dialog, TUI_ROLE_NORMAL, line);
    if (cv->version) {
        snprintf(line, sizeof(line), "Version:  %s", cv->version);
        tui_dialog_add_line(cv->dialog, TUI_ROLE_NORMAL, line);
    }
    switch (cv->kind) {
    case TUI_CONFIRM_APPLY:
        snprintf(line, sizeof(line), "Image:    %s", cv->req->image);
        tui_dialog_add_line(cv->dialog, TUI_ROLE_DIM, line);
        char vscale[48] = "";
        if (cv->req->validate_apart)
            snprintf(vscale, sizeof(vscale), " (validate %d-%d)", cv->req->validate_min_scale,
                     cv->req->validate_max_scale);
        snprintf(line, sizeof(line), "Scale:    %d-%d%s%s", cv->req->min_scale, cv->req->max_scale,
                 vscale,
                 !cv->req->include_api_keys                       ? ""
                 : cv->req->keys_policy == SAFETY_KEYS_MERGE   ? "   API keys included (merge)"
                 : cv->req->keys_policy == SAFETY_KEYS_REPLACE ? "   API keys included (replace)"
                                                                : "   API keys included");
        tui_dialog_add_line(cv->dialog, TUI_ROLE_DIM, line);
        if (cv->changes.n)
            tui_dialog_add_line(cv->dialog, TUI_ROLE_NORMAL, "Changes beyond the version:");
        for (size_t i = 0; i < cv->changes.n; i++) {
            snprintf(line, sizeof(line), "%s %s", cv->changes.items[i].warning ? "!" : " ",
                     cv->changes.items[i].text);
            tui_dialog_add_line(cv->dialog,
                                cv->changes.items[i].warning ? TUI_ROLE_WARNING : TUI_ROLE_NORMAL,
                                line);
        }
        break;
    case TUI_CONFIRM_DELETE:
        snprintf(line, sizeof(line), "Deletes namespace %s and everything in it.", cv->model);
        tui_dialog_add_line(cv->dialog, TUI_ROLE_ERROR, line);
        if (cv->pinned)
            tui_dialog_add_line(cv->dialog, TUI_ROLE_WARNING, "! " OPS_PIN_DELETE_WARNING);
        break;
    case TUI_CONFIRM_ROLLBACK:
        snprintf(line, sizeof(line), "Sends 100%% of %s traffic to version %s:",
                 services_phrase(cv->services),
                 cv->version);
        tui_dialog_add_line(cv->dialog, TUI_ROLE_NORMAL, line);
        add_traffic_lines(cv);
        break;
    case TUI_CONFIRM_PIN:
        snprintf(line, sizeof(line), "Requests for version 'latest' will go to %s.", cv->model);
        tui_dialog_add_line(cv->dialog, TUI_ROLE_NORMAL, line);
        break;
    case TUI_CONFIRM_TRAFFIC:
        snprintf(line, sizeof(line), "Splits the traffic of %s (now → after):",
                 services_phrase(cv->services));
        tui_dialog_add_line(cv->dialog, TUI_ROLE_NORMAL, line);
        add_traffic_lines(cv);
        tui_dialog_add_line(cv->dialog, TUI_ROLE_DIM,
                            "The next apply of this model routes its traffic to the new revision.");
        break;
    case TUI_CONFIRM_FILES: {
        const size_t shown = 12;
        for (size_t i = 0; i < cv->n_names && i < shown; i++) {
            snprintf(line, sizeof(line), "  %-20s %s", cv->names[i], cv->what[i]);
            tui_dialog_add_line(cv->dialog, TUI_ROLE_NORMAL, line);
        }
        if (cv->n_names > shown) {
            snprintf(line, sizeof(line), "  and %zu more", cv->n_names - shown);
            tui_dialog_add_line(cv->dialog, TUI_ROLE_DIM, line);
        }
        tui_dialog_add_line(cv->dialog, TUI_ROLE_DIM,
                            "Each model as its file says, through the rules of a single apply.");
        break;
    }
    }
}

static void start(confirm_view *cv, tui_app *app)
{
    tui_backend *b = tui_app_require_backend(app);
    tui_dialog_free(cv->dialog);
    cv->dialog = NULL;
    if (!b) {
        cv->done = cv->failed = true;
        cv->result = tt_strdup("not connected to a cluster");
        return;
    }
    switch (cv->kind) {
    case TUI_CONFIRM_APPLY: cv->op_req = b->ops->apply(b, cv->req); break;
    case TUI_CONFIRM_DELETE: cv->op_req = b->ops->delete_model(b, cv->model); break;
    case TUI_CONFIRM_ROLLBACK:
        cv->op_req = b->ops->rollback(b, cv->model, cv->version, cv->services);
        break;
    case TUI_CONFIRM_PIN: cv->op_req = b->ops->pin_latest(b, cv->model); break;
    case TUI_CONFIRM_TRAFFIC:
        if (!b->ops->traffic) {
            cv->done = cv->failed = true;
            cv->result = tt_strdup("this backend cannot split traffic");
            return;
        }
        cv->op_req = b->ops->traffic(b, cv->model, cv->split, cv->services);
        break;
    case TUI_CONFIRM_FILES:
        if (!b->ops->apply_files) {
            cv->done = cv->failed = true;
            cv->result = tt_strdup("this backend cannot apply deployment files");
            return;
        }
        cv->op_req = b->ops->apply_files(b, cv->files_dir, cv->env,
                                         (const char *const *)cv->names, cv->n_names);
        break;
    }
}

static void title(tui_view *v, char *buf, size_t size)
{
    confirm_view *cv = v->data;
    snprintf(buf, size, "%s %s%s%s", verb(cv->kind), cv->model, cv->version ? "/" : "",
             cv->version ? cv->version : "");
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    confirm_view *cv = v->data;
    if (cv->dialog) {
        int cy, cx;
        tui_dialog_draw(cv->dialog, w, y, x, h, width, &cy, &cx);
        if (cy >= 0)
            tui_app_set_cursor(app, cy, cx);
        return;
    }
    for (int r = 0; r < h; r++)
        tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
    bool prod = tt_streq(cv->env, "prod");
    tui_draw_fill(w, y, x, width, prod ? TUI_ROLE_BANNER_PROD : TUI_ROLE_TITLE);
    tui_draw_textf(w, y, x + 1, width - 1, prod ? TUI_ROLE_BANNER_PROD : TUI_ROLE_TITLE,
                   "%s %s%s%s on %s (%s)", verb(cv->kind), cv->model, cv->version ? "/" : "",
                   cv->version ? cv->version : "", cv->context ? cv->context : "-",
                   cv->env ? cv->env : "-");
    int ry = tui_steps_draw(&cv->steps, w, y + 2, y + h - 2, x + 2, width - 2);
    if (!cv->steps.n && !cv->done)
        tui_draw_text(w, ry, x + 2, width - 2, TUI_ROLE_DIM, "starting...", false);
    if (cv->done)
        tui_draw_textf(w, y + h - 1, x + 1, width - 1, cv->failed ? TUI_ROLE_ERROR : TUI_ROLE_STATUS_OK,
                       "%s %s%s%s   (Esc goes back)",
                       cv->failed ? tui_sym_text(TUI_SYM_CROSS) : tui_sym_text(TUI_SYM_CHECK),
                       cv->failed ? "Failed: " : "Done", cv->failed && cv->result ? cv->result : "",
                       !cv->failed && cv->result ? cv->result : "");
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    confirm_view *cv = v->data;
    if (!cv->dialog)
        return false; /* progress: Esc/q go back through the app */
    bool refused = false;
    switch (tui_dialog_key(cv->dialog, k, act, &refused)) {
    case TUI_DIALOG_CANCEL:
        tui_app_pop(app);
        tui_app_message(app, TUI_STATUS_INFO, "Cancelled: nothing was changed");
        return true;
    case TUI_DIALOG_CONFIRM:
        start(cv, app);
        return true;
    case TUI_DIALOG_NONE:
        if (refused)
            tui_app_message(app, TUI_STATUS_ERROR, "Type the text shown to enable %s",
                            verb(cv->kind));
        return true; /* the dialog is modal */
    }
    return true;
}

static bool mouse(tui_view *v, tui_app *app, int y, int x, tui_mouse_kind kind)
{
    confirm_view *cv = v->data;
    if (!cv->dialog || kind != TUI_MOUSE_CLICK)
        return false;
    tui_dialog_result r = tui_dialog_click(cv->dialog, y, x);
    if (r == TUI_DIALOG_CANCEL) {
        tui_app_pop(app);
        return true;
    }
    if (r == TUI_DIALOG_CONFIRM)
        start(cv, app);
    return true;
}

static void message(tui_view *v, tui_app *app, tui_msg *m)
{
    confirm_view *cv = v->data;
    if (!cv->op_req || m->req != cv->op_req)
        return;
    if (m->type == TUI_MSG_PROGRESS && m->payload) {
        tui_steps_update(&cv->steps, m->payload);
    } else if (m->type == TUI_MSG_DONE) {
        cv->done = true;
        cv->failed = m->err.code != 0;
        cv->result = tt_strdup(cv->failed ? m->err.message : "");
        cv->op_req = 0;
        if (!cv->failed && cv->kind == TUI_CONFIRM_APPLY)
            tui_view_preview_mark_applied(v->below, false);
    }
    tui_app_dirty(app);
}

static void close_view(tui_view *v, tui_app *app)
{
    confirm_view *cv = v->data;
    /* Its progress left while the apply runs on: the preview behind is no
     * longer a release to apply again. */
    if (cv->kind == TUI_CONFIRM_APPLY && cv->op_req && !cv->done && !tui_app_quitting(app))
        tui_view_preview_mark_applied(v->below, true);
    tui_dialog_free(cv->dialog);
    tui_steps_free(&cv->steps);
    free(cv->model);
    free(cv->version);
    free(cv->split);
    free(cv->env);
    free(cv->context);
    free(cv->result);
    tui_release_req_free(cv->req);
    release_changes_free(&cv->changes);
    free(cv->traffic[0]);
    free(cv->traffic[1]);
    for (size_t i = 0; i < cv->n_names; i++) {
        free(cv->names[i]);
        free(cv->what[i]);
    }
    free(cv->names);
    free(cv->what);
    free(cv->files_dir);
    free(cv);
}

static const tui_view_ops dialog_ops = {
    .id = TUI_VIEW_CONFIRM,
    .overlay = true,
    .text_entry = true,
    .hints = "{next-field} switch button  {submit} press  {back} cancel",
    .title = title,
    .draw = draw,
    .key = key,
    .mouse = mouse,
    .message = message,
    .close = close_view,
};

static const char *hostname_of(tui_app *app, const char *env)
{
    const config_env *e = env ? config_find_env(tui_app_config(app), env) : NULL;
    return e ? e->hostname : NULL;
}

/* The live side from the fleet (what the stream service, else validate,
 * runs; the hostname of the context's environment), the next from the
 * request. */
static void compute_changes(confirm_view *cv, tui_app *app, const fleet_model *m)
{
    release_facts live, next;
    release_facts_init(&live);
    release_facts_init(&next);
    live.hostname = cv->req->live_host ? cv->req->live_host : hostname_of(app, tui_app_env(app));
    next.hostname = hostname_of(app, cv->req->env);
    const fleet_service *svcs[CHANGE_SERVICES] = {m ? &m->stream : NULL, m ? &m->validate : NULL};
    for (int s = 0; s < CHANGE_SERVICES; s++) {
        const fleet_service *sv = svcs[s];
        if (sv && sv->present) {
            fleet_serving r = {NULL, -1, -1};
            if (!fleet_service_serving(sv, &r))
                r = (fleet_serving){sv->template_image, sv->template_min_scale,
                                    sv->template_max_scale};
            live.image[s] = r.image;
            live.min_scale[s] = r.min_scale;
            live.max_scale[s] = r.max_scale;
            live.entrypoint[s] = sv->template_entrypoint;
            live.api_keys[s] = sv->template_api_keys;
        }
        next.image[s] = cv->req->image;
        next.entrypoint[s] = cv->req->entrypoint;
        next.api_keys[s] = cv->req->include_api_keys;
        bool apart = s == CHANGE_VALIDATE && cv->req->validate_apart;
        next.min_scale[s] = apart ? cv->req->validate_min_scale : cv->req->min_scale;
        next.max_scale[s] = apart ? cv->req->validate_max_scale : cv->req->max_scale;
    }
    if (!m)
        live.hostname = NULL; /* a new model: nothing moves */
    release_changes_compute(&live, &next, &cv->changes);
}

/* "2:100% → 1:100%" for a service moved to version, "2:100% (unchanged)"
 * for one left alone. */
static char *traffic_move(const fleet_service *s, const char *version, bool moved)
{
    char now[256];
    tui_fmt_traffic(s, now, sizeof(now));
    return moved ? tt_asprintf("%s → %s:100%%", now, version)
                 : tt_asprintf("%s (unchanged)", now);
}

static confirm_view *confirm_data(tui_app *app, tui_confirm_kind kind, const char *model,
                                  const char *version, const tui_release_req *req,
                                  unsigned services);

tui_view *tui_view_rollback_new(tui_app *app, const char *model, const char *version,
                                unsigned services)
{
    confirm_view *cv =
        confirm_data(app, TUI_CONFIRM_ROLLBACK, model, version, NULL, services ? services : TUI_SERVICE_BOTH);
    return tui_view_new(&dialog_ops, cv);
}

/* "3:100% → 3:90% 4:10%" for a service the split ("3=90 4=10") moves. */
static char *traffic_split_move(const fleet_service *s, const char *split, bool moved)
{
    char now[256];
    tui_fmt_traffic(s, now, sizeof(now));
    if (!moved)
        return tt_asprintf("%s (unchanged)", now);
    tt_buf b = TT_BUF_INIT;
    tt_buf_printf(&b, "%s →", now);
    char *copy = tt_strdup(split), *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(w, '=');
        if (eq)
            *eq = ':';
        tt_buf_printf(&b, " %s%s", w, eq ? "%" : "");
    }
    free(copy);
    return tt_buf_steal(&b);
}

tui_view *tui_view_traffic_confirm_new(tui_app *app, const char *model, const char *split,
                                       unsigned services)
{
    confirm_view *cv = confirm_data(app, TUI_CONFIRM_TRAFFIC, model, NULL, NULL, services);
    cv->split = tt_strdup(split);
    const fleet_model *fm = fleet_find(tui_app_fleet(app), model);
    if (fm) {
        cv->traffic[0] = traffic_split_move(&fm->stream, split, services & TUI_SERVICE_STREAM);
        cv->traffic[1] = traffic_split_move(&fm->validate, split, services & TUI_SERVICE_VALIDATE);
    }
    tui_dialog_free(cv->dialog);
    build_dialog(cv);
    return tui_view_new(&dialog_ops, cv);
}

tui_view *tui_view_files_confirm_new(tui_app *app, const char *dir, const char *env,
                                     const char *const *models, const char *const *what, size_t n)
{
    char *label = tt_asprintf("%zu model%s from %s", n, n == 1 ? "" : "s", dir);
    confirm_view *cv = confirm_data(app, TUI_CONFIRM_FILES, label, NULL, NULL, TUI_SERVICE_BOTH);
    free(label);
    free(cv->env);
    cv->env = tt_strdup(env);
    cv->files_dir = tt_strdup(dir);
    cv->names = tt_calloc(n ? n : 1, sizeof(char *));
    cv->what = tt_calloc(n ? n : 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        cv->names[i] = tt_strdup(models[i]);
        cv->what[i] = tt_strdup(what[i]);
    }
    cv->n_names = n;
    tui_dialog_free(cv->dialog);
    build_dialog(cv);
    return tui_view_new(&dialog_ops, cv);
}

tui_view *tui_view_confirm_new(tui_app *app, tui_confirm_kind kind, const char *model,
                               const char *version, const tui_release_req *req)
{
    return tui_view_new(&dialog_ops, confirm_data(app, kind, model, version, req, TUI_SERVICE_BOTH));
}

static confirm_view *confirm_data(tui_app *app, tui_confirm_kind kind, const char *model,
                                  const char *version, const tui_release_req *req,
                                  unsigned services)
{
    confirm_view *cv = tt_calloc(1, sizeof(*cv));
    cv->kind = kind;
    cv->model = tt_strdup(model);
    cv->version = tt_strdup(version);
    cv->req = req ? tui_release_req_dup(req) : NULL;
    cv->env = tt_strdup(req && req->env ? req->env : tui_app_env(app));
    cv->context = tt_strdup(tui_app_context(app));
    const fleet_model *fm = model ? fleet_find(tui_app_fleet(app), model) : NULL;
    cv->pinned = fm && fm->pinned_latest;
    cv->services = services;
    if (kind == TUI_CONFIRM_ROLLBACK && fm) {
        cv->traffic[0] = traffic_move(&fm->stream, version, services & TUI_SERVICE_STREAM);
        cv->traffic[1] = traffic_move(&fm->validate, version, services & TUI_SERVICE_VALIDATE);
    }
    if (kind == TUI_CONFIRM_APPLY && !cv->req) {
        tui_release_req empty = {0};
        cv->req = tui_release_req_dup(&empty);
    }
    if (kind == TUI_CONFIRM_APPLY)
        compute_changes(cv, app, fm);
    build_dialog(cv);
    return cv;
}
