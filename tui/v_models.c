/* View 1, the dashboard: one row per model, live from the fleet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app.h"
#include "draw.h"
#include "v_common.h"
#include "w_list.h"

enum { COL_MODEL, COL_LATEST, COL_STREAM, COL_VALIDATE, COL_VERSION, COL_TRAFFIC, COL_IMAGE,
       COL_SCALE, COL_AGE, COL_FILES, N_COLS };

static const tui_list_column columns[N_COLS] = {
    {"MODEL", 12, 3, false, false},   {"LATEST", 8, 0, false, false},   {"STREAM", 11, 0, false, false},
    {"VALIDATE", 11, 0, false, false}, {"VERSION", 10, 0, false, false}, {"TRAFFIC", 7, 2, false, false},
    {"IMAGE", 12, 0, false, true}, {"SCALE", 9, 0, false, true}, {"AGE", 4, 0, true, true},
    /* only with deployment files (--deployments) */
    {"FILES", 9, 0, false, false},
};

/* An image tag a model runs, and the digest the registry says it points
 * at now (asked once per tag, in the background). */
typedef struct tag_now {
    char *image;
    char *digest; /* "sha256:…", or NULL (asking, or the registry failed) */
    unsigned long req;
} tag_now;

#define MAX_TAGS_ASKED 64

typedef struct models_view {
    tui_app *app;
    tui_list *list;
    tag_now tags[MAX_TAGS_ASKED];
    size_t n_tags;
    /* With deployment files: the rows after the fleet's are the models
     * that have a file and no namespace (indexes into the plan seen). */
    const tui_files_plan *plan_seen;
    size_t *file_only;
    size_t n_file_only;
} models_view;

/* The file-only rows of the app's current plan. */
static void index_file_only(models_view *mv, bool new_plan)
{
    const tui_files_plan *p = tui_app_files(mv->app);
    if (p == mv->plan_seen && !new_plan) /* a new plan may reuse the old one's address */
        return;
    mv->plan_seen = p;
    free(mv->file_only);
    mv->file_only = NULL;
    mv->n_file_only = 0;
    if (!p)
        return;
    mv->file_only = tt_calloc(p->n ? p->n : 1, sizeof(size_t));
    for (size_t i = 0; i < p->n; i++)
        if (p->entries[i].state == TUI_FILE_FILE_ONLY)
            mv->file_only[mv->n_file_only++] = i;
}

/* The plan entry of a file-only row, or NULL for a row of the fleet. */
static const tui_files_entry *file_only_row(const models_view *mv, size_t row)
{
    size_t nf = fleet_model_count(tui_app_fleet(mv->app));
    if (row < nf || row - nf >= mv->n_file_only || !mv->plan_seen)
        return NULL;
    return &mv->plan_seen->entries[mv->file_only[row - nf]];
}

/* The FILES cell of a live model. */
static const char *files_cell(const models_view *mv, const char *model, tui_role *role)
{
    const tui_files_plan *p = mv->plan_seen;
    if (!p) {
        *role = TUI_ROLE_DIM;
        return tui_app_files_error(mv->app) ? "?" : "...";
    }
    if (p->n_errors) {
        *role = TUI_ROLE_ERROR;
        return "bad files";
    }
    const tui_files_entry *e = tui_files_plan_find(p, model);
    tui_file_state st = e ? e->state : TUI_FILE_NO_FILE;
    *role = st == TUI_FILE_IN_SYNC ? TUI_ROLE_STATUS_OK
            : st == TUI_FILE_DRIFT ? TUI_ROLE_WARNING
                                   : TUI_ROLE_DIM;
    return tui_file_state_text(st);
}

static const tag_now *tag_find(const models_view *mv, const char *image)
{
    for (size_t i = 0; i < mv->n_tags; i++)
        if (tt_streq(mv->tags[i].image, image))
            return &mv->tags[i];
    return NULL;
}

/* The model runs its image tag by a digest the tag no longer points at
 * (Knative resolved the tag when the revision was made). */
static bool tag_moved(const models_view *mv, const fleet_service *s, const char *image)
{
    if (!image || strchr(image, '@'))
        return false;
    const fleet_revision *r = fleet_service_revision(s, s->latest_ready);
    const tag_now *t = tag_find(mv, image);
    const char *runs = r && r->image_digest ? strchr(r->image_digest, '@') : NULL;
    return t && t->digest && runs && !tt_streq(runs + 1, t->digest);
}

static size_t src_count(void *ctx)
{
    models_view *mv = ctx;
    return fleet_model_count(tui_app_fleet(mv->app)) + mv->n_file_only;
}

static const char *src_key(void *ctx, size_t row)
{
    models_view *mv = ctx;
    const fleet_model *m = fleet_model_at(tui_app_fleet(mv->app), row);
    const tui_files_entry *e = m ? NULL : file_only_row(mv, row);
    return m ? m->name : e ? e->model : NULL;
}

static const char *file_only_cell(const tui_files_entry *e, int col, tui_role *role)
{
    *role = TUI_ROLE_DIM;
    switch (col) {
    case COL_MODEL: return e->model;
    case COL_VERSION: return e->version ? e->version : "-";
    case COL_FILES: return tui_file_state_text(e->state);
    case COL_LATEST:
    case COL_AGE: return "";
    default: return "-";
    }
}

static const char *src_cell(void *ctx, size_t row, int col, tui_role *role, char *buf, size_t size)
{
    models_view *mv = ctx;
    const fleet_model *m = fleet_model_at(tui_app_fleet(mv->app), row);
    if (!m) {
        const tui_files_entry *e = file_only_row(mv, row);
        return e ? file_only_cell(e, col, role) : "";
    }
    const fleet_service *s = m->stream.present ? &m->stream : &m->validate;
    fleet_serving live;
    bool serving = fleet_service_serving(s, &live);
    switch (col) {
    case COL_MODEL:
        if (m->terminating) {
            *role = TUI_ROLE_DIM;
            snprintf(buf, size, "%s (deleting)", m->name);
            return buf;
        }
        return m->name;
    case COL_LATEST:
        if (!m->pinned_latest)
            return "";
        *role = TUI_ROLE_PINNED;
        snprintf(buf, size, "%s pinned", tui_sym_text(TUI_SYM_DOT));
        return buf;
    case COL_STREAM:
    case COL_VALIDATE: {
        const fleet_service *sv = col == COL_STREAM ? &m->stream : &m->validate;
        *role = tui_readiness_text(tui_cond_value(sv->ready, sv->present), buf, size);
        return buf;
    }
    case COL_VERSION:
        if (!s->latest_ready)
            return "-";
        snprintf(buf, size, "%s%s", tui_revision_version(s->latest_ready, NULL),
                 fleet_model_versions_differ(m) ? " (split)" : "");
        if (fleet_model_versions_differ(m))
            *role = TUI_ROLE_WARNING;
        return buf;
    case COL_TRAFFIC:
        tui_fmt_traffic(s, buf, size);
        if (fleet_service_traffic_pinned(s))
            *role = TUI_ROLE_WARNING;
        return buf;
    case COL_IMAGE:
        if (serving && tag_moved(mv, s, live.image)) {
            char tag[64];
            tui_fmt_image_short(live.image, tag, sizeof tag);
            snprintf(buf, size, "%s moved", tag);
            *role = TUI_ROLE_WARNING;
            return buf;
        }
        return tui_fmt_image_short(serving ? live.image : NULL, buf, size);
    case COL_SCALE: {
        if (!serving)
            return "-";
        tui_fmt_scale(live.min_scale, live.max_scale, buf, size);
        /* validate apart from stream: both, as `ttstui status` shows them */
        fleet_serving vlive;
        if (s == &m->stream && m->validate.present && fleet_service_serving(&m->validate, &vlive) &&
            (vlive.min_scale != live.min_scale || vlive.max_scale != live.max_scale)) {
            char v[32];
            size_t n = strlen(buf);
            snprintf(buf + n, size - n, "/%s", tui_fmt_scale(vlive.min_scale, vlive.max_scale, v, sizeof(v)));
        }
        return buf;
    }
    case COL_AGE:
        return tui_fmt_age(m->created, (long long)time(NULL), buf, size);
    case COL_FILES:
        return files_cell(mv, m->name, role);
    }
    return "";
}

static int src_compare(void *ctx, size_t a, size_t b, int col)
{
    models_view *mv = ctx;
    const fleet_model *ma = fleet_model_at(tui_app_fleet(mv->app), a);
    const fleet_model *mb = fleet_model_at(tui_app_fleet(mv->app), b);
    if (col == COL_AGE && (!ma || !mb)) /* a file-only row has no age: last */
        return ma == mb ? 0 : ma ? -1 : 1;
    if (col == COL_AGE) {
        /* Youngest first, like a sorted AGE column reads. */
        return ma->created == mb->created ? 0 : ma->created > mb->created ? -1 : 1;
    }
    char ba[256], bb[256];
    tui_role r;
    const char *sa = src_cell(ctx, a, col, &r, ba, sizeof(ba));
    const char *sb = src_cell(ctx, b, col, &r, bb, sizeof(bb));
    char *ea, *eb;
    long na = strtol(sa, &ea, 10), nb = strtol(sb, &eb, 10);
    if (ea != sa && eb != sb && na != nb)
        return na < nb ? -1 : 1;
    return strcasecmp(sa, sb);
}

static const tui_list_source source = {src_count, src_cell, src_key, src_compare};

/* n with a comma between thousands: 5,000. */
static const char *fmt_count(long long n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof(digits), "%lld", n < 0 ? 0 : n);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < size; i++) {
        if (i && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

/* The summary's first words: "5000 models", or while the services are
 * listed "loading 1,250 of ~5,000 models" (the server's count of what is
 * left: metadata.remainingItemCount), and what else is still to come. */
static int draw_count(WINDOW *w, int y, int cx, int width, const tui_app *app, size_t n)
{
    const tui_listing *l = tui_app_listing(app);
    char a[32], b[32];
    if (!tui_listing_listed(l, FLEET_KIND_SERVICE)) {
        long want = tui_listing_models_expected(l, n);
        if (want >= 0)
            return tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_TITLE, "loading %s of ~%s models",
                                  fmt_count((long long)n, a, sizeof(a)), fmt_count(want, b, sizeof(b)));
        return tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_TITLE, "loading %s models",
                              fmt_count((long long)n, a, sizeof(a)));
    }
    int used = tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_TITLE, "%zu models", n);
    const char *more = !tui_listing_listed(l, FLEET_KIND_NAMESPACE) ? "  loading namespaces"
                       : !tui_listing_listed(l, FLEET_KIND_PIN)     ? "  loading the pin"
                                                                    : NULL;
    if (more)
        used += tui_draw_text(w, y, cx + used, width - cx - used, TUI_ROLE_DIM, more, false);
    return used;
}

/* Every row the list drew is final (app.h, tui_app_note_rows_final). */
static bool rows_final(const models_view *mv, const tui_app *app)
{
    const tui_listing *l = tui_app_listing(app);
    if (tui_listing_all_listed(l))
        return true;
    size_t first, n;
    if (!tui_list_drawn(mv->list, &first, &n) || tui_list_sort_column(mv->list) >= 0)
        return false; /* rows may come below them, or another order */
    const fleet *f = tui_app_fleet(app);
    for (size_t i = first; i < first + n; i++) {
        const fleet_model *m = fleet_model_at(f, tui_list_visible_row(mv->list, i));
        if (!m || !tui_listing_model_final(l, m->name)) /* a file-only row: after the fleet's */
            return false;
    }
    return true;
}

static void title(tui_view *v, char *buf, size_t size)
{
    (void)v;
    snprintf(buf, size, "Models");
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    models_view *mv = v->data;
    const fleet *f = tui_app_fleet(app);
    size_t n = fleet_model_count(f), ready = 0, failing = 0;
    for (size_t i = 0; i < n; i++) {
        const fleet_model *m = fleet_model_at(f, i);
        if (fleet_model_ready(m))
            ready++;
        else if (m->stream.ready == FLEET_COND_FALSE || m->validate.ready == FLEET_COND_FALSE)
            failing++;
    }
    tui_draw_fill(w, y, x, width, TUI_ROLE_NORMAL);
    int cx = x + 1;
    cx += draw_count(w, y, cx, width, app, n);
    cx += tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_NORMAL, "  %zu ready", ready);
    if (failing)
        cx += tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_STATUS_FAIL, "  %zu failing", failing);
    const tui_files_plan *fp = mv->plan_seen;
    if (fp && fp->n_errors)
        cx += tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_ERROR, "  files: %zu bad (:plan)",
                             fp->n_errors);
    else if (fp && fp->counts[TUI_FILE_DRIFT] + fp->counts[TUI_FILE_FILE_ONLY])
        cx += tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_WARNING,
                             "  files: %zu drift, %zu file only (:plan)",
                             fp->counts[TUI_FILE_DRIFT], fp->counts[TUI_FILE_FILE_ONLY]);
    if (*tui_list_filter(mv->list))
        cx += tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_WARNING, "  filter: %s (%zu shown)",
                             tui_list_filter(mv->list), tui_list_visible_count(mv->list));
    int sc = tui_list_sort_column(mv->list);
    if (sc >= 0)
        tui_draw_textf(w, y, cx, width - cx, TUI_ROLE_DIM, "  sort: %s%s", columns[sc].title,
                       tui_list_sort_reverse(mv->list) ? " (reversed)" : "");
    if (!tui_app_backend(app)) {
        for (int r = 1; r < h; r++)
            tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
        tui_draw_text(w, y + 2, x + 2, width - 4, TUI_ROLE_WARNING,
                      "Not connected: the cluster connection is not wired into the dashboard yet.",
                      false);
        tui_draw_text(w, y + 3, x + 2, width - 4, TUI_ROLE_DIM,
                      "Use the subcommands (ttstui status ...) or try the dashboard with "
                      "--fake-backend FILE.",
                      false);
        return;
    }
    tui_list_draw(mv->list, w, y + 1, x, h - 1, width);
    tui_app_note_rows_final(app, rows_final(mv, app));
    /* Ages change with time: come back in a minute. */
    tui_app_wake_at(app, tt_now_ms() + 60000);
}

static int n_cols(const tui_app *app)
{
    return tui_app_files_dir(app) ? N_COLS : N_COLS - 1;
}

static void open_selected(models_view *mv, tui_app *app)
{
    size_t row = tui_list_selected(mv->list);
    const fleet_model *m = fleet_model_at(tui_app_fleet(app), row);
    const tui_files_entry *e = m ? NULL : file_only_row(mv, row);
    if (m)
        tui_app_push(app, tui_view_model_new(app, m->name));
    else if (e) /* no namespace yet: its file in the plan */
        tui_app_push(app, tui_view_plan_new(app, e->model));
}

static const char *selected_name(models_view *mv, tui_app *app)
{
    const fleet_model *m = fleet_model_at(tui_app_fleet(app), tui_list_selected(mv->list));
    return m ? m->name : NULL;
}

/* The key that quits the dashboard (Esc does not, see key()): back's
 * other key, printable first, else quit's; the footer and say_quit_key. */
#define QUIT_KEY "{back:noesc|quit}"

/* Esc does not quit here: say which key does, as the footer names it. */
static void say_quit_key(tui_app *app)
{
    char q[64];
    tui_hints_expand(tui_app_keymap(app), QUIT_KEY, false, false, q, sizeof(q));
    tui_app_message(app, TUI_STATUS_INFO, "On the dashboard: %s quits", *q ? q : ":q");
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    models_view *mv = v->data;
    if (tui_list_action(mv->list, act))
        return true;
    const char *name = selected_name(mv, app);
    switch (act) {
    case TUI_ACT_OPEN:
        open_selected(mv, app);
        return true;
    case TUI_ACT_BACK:
        /* Esc on the dashboard clears the filter, and never quits (q does):
         * an Esc too many after a deploy must not drop the operator into
         * the shell. */
        if (k != TUI_KEY_ESC)
            return false;
        if (*tui_list_filter(mv->list))
            tui_list_set_filter(mv->list, "");
        else
            say_quit_key(app);
        return true;
    case TUI_ACT_SORT: {
        int c = tui_list_sort_column(mv->list) + 1;
        tui_list_set_sort(mv->list, c >= n_cols(app) ? -1 : c, false);
        return true;
    }
    case TUI_ACT_SORT_REVERSE:
        tui_list_set_sort(mv->list, tui_list_sort_column(mv->list) < 0 ? COL_MODEL
                                                                        : tui_list_sort_column(mv->list),
                          !tui_list_sort_reverse(mv->list));
        return true;
    case TUI_ACT_DEPLOY: {
        /* a file-only row: the form for that model (C-r fills it in from the file) */
        const tui_files_entry *e = name ? NULL : file_only_row(mv, tui_list_selected(mv->list));
        tui_app_push(app, tui_view_form_new(app, e ? e->model : name));
        return true;
    }
    case TUI_ACT_DELETE:
    case TUI_ACT_PIN: {
        const tui_files_entry *e = name ? NULL : file_only_row(mv, tui_list_selected(mv->list));
        if (e)
            tui_app_message(app, TUI_STATUS_INFO, "%s has only a file, no namespace yet: nothing to %s",
                            e->model, act == TUI_ACT_DELETE ? "delete" : "pin");
        else if (name)
            tui_app_push(app, tui_view_confirm_new(app, act == TUI_ACT_DELETE ? TUI_CONFIRM_DELETE
                                                                             : TUI_CONFIRM_PIN,
                                                   name, NULL, NULL));
        return true;
    }
    case TUI_ACT_CONTEXTS:
        tui_app_push(app, tui_view_contexts_new(app));
        return true;
    case TUI_ACT_RECONNECT: {
        tui_backend *b = tui_app_require_backend(app);
        if (!b)
            return true;
        if (tui_app_conn(app) == TUI_CONN_CONNECTED || !b->ops->reconnect) {
            tui_app_message(app, TUI_STATUS_INFO, "Connected: nothing to retry");
            return true;
        }
        b->ops->reconnect(b);
        tui_app_message(app, TUI_STATUS_INFO, "Reconnecting now");
        return true;
    }
    default:
        (void)k;
        return false;
    }
}

static bool mouse(tui_view *v, tui_app *app, int y, int x, tui_mouse_kind kind)
{
    models_view *mv = v->data;
    (void)x;
    switch (kind) {
    case TUI_MOUSE_WHEEL_UP: tui_list_scroll(mv->list, -3); return true;
    case TUI_MOUSE_WHEEL_DOWN: tui_list_scroll(mv->list, 3); return true;
    case TUI_MOUSE_CLICK: return tui_list_click(mv->list, y - 3); /* header, summary, columns */
    case TUI_MOUSE_DOUBLE_CLICK:
        if (tui_list_click(mv->list, y - 3))
            open_selected(mv, app);
        return true;
    }
    return false;
}

/* Asks the registry, once per image tag the fleet runs, what it points at
 * now (the IMAGE column marks a tag that moved since the revision). */
static void ask_tags(models_view *mv, tui_app *app)
{
    tui_backend *b = tui_app_backend(app);
    const fleet *f = tui_app_fleet(app);
    if (!b || !b->ops->resolve_image)
        return;
    for (size_t i = 0; i < fleet_model_count(f) && mv->n_tags < MAX_TAGS_ASKED; i++) {
        const fleet_model *m = fleet_model_at(f, i);
        const fleet_service *s = m->stream.present ? &m->stream : &m->validate;
        fleet_serving live;
        if (!fleet_service_serving(s, &live) || !live.image || strchr(live.image, '@') ||
            tag_find(mv, live.image))
            continue;
        tag_now *t = &mv->tags[mv->n_tags++];
        t->image = tt_strdup(live.image);
        t->req = b->ops->resolve_image(b, live.image, false);
    }
}

static void fleet_changed(tui_view *v, tui_app *app)
{
    models_view *mv = v->data;
    ask_tags(mv, app);
    index_file_only(mv, false);
    tui_list_refresh(mv->list);
}

static void message(tui_view *v, tui_app *app, tui_msg *m)
{
    models_view *mv = v->data;
    if (m->type == TUI_MSG_FILES_PLAN) {
        index_file_only(mv, true);
        tui_list_refresh(mv->list);
        return;
    }
    if (m->type != TUI_MSG_IMAGE || !m->req)
        return;
    for (size_t i = 0; i < mv->n_tags; i++) {
        tag_now *t = &mv->tags[i];
        if (t->req != m->req)
            continue;
        t->req = 0;
        const tui_image_info *info = m->payload;
        const char *at = info && info->resolved ? strchr(info->resolved, '@') : NULL;
        if (at)
            t->digest = tt_strdup(at + 1);
        tui_list_refresh(mv->list);
        tui_app_dirty(app);
        return;
    }
}

static void view_filter(tui_view *v, tui_app *app, const char *text)
{
    (void)app;
    models_view *mv = v->data;
    tui_list_set_filter(mv->list, text);
}

static void close_view(tui_view *v, tui_app *app)
{
    (void)app;
    models_view *mv = v->data;
    tui_backend *b = tui_app_backend(app);
    for (size_t i = 0; i < mv->n_tags; i++) {
        if (b && mv->tags[i].req)
            b->ops->cancel(b, mv->tags[i].req);
        free(mv->tags[i].image);
        free(mv->tags[i].digest);
    }
    tui_list_free(mv->list);
    free(mv->file_only);
    free(mv);
}

static const tui_view_ops ops = {
    .id = TUI_VIEW_MODELS,
    .hints = "{open} open  {filter} filter  {sort} sort  {deploy} deploy  {delete} delete  {pin-latest} pin  {contexts} contexts  {command} command  {help} help  " QUIT_KEY " quit",
    .title = title,
    .draw = draw,
    .key = key,
    .mouse = mouse,
    .fleet_changed = fleet_changed,
    .message = message,
    .filter = view_filter,
    .close = close_view,
};

tui_view *tui_view_models_new(tui_app *app)
{
    models_view *mv = tt_calloc(1, sizeof(*mv));
    mv->app = app;
    mv->list = tui_list_new(columns, n_cols(app), &source, mv);
    tui_list_refresh(mv->list);
    return tui_view_new(&ops, mv);
}
