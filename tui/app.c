#include "app_priv.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "draw.h"
#include "safety.h"
#include "term.h"
#include "w_line.h"

#define STATUS_TTL_MS 6000

tui_view *tui_view_new(const tui_view_ops *ops, void *data)
{
    tui_view *v = tt_calloc(1, sizeof(*v));
    v->ops = ops;
    v->data = data;
    return v;
}

tui_app *tui_app_new(const tui_app_options *opts, tui_theme *theme, tui_keymap *keymap,
                     tui_queue *queue, tui_backend *backend)
{
    tui_app *app = tt_calloc(1, sizeof(*app));
    app->opts = *opts;
    app->theme = theme;
    app->keymap = keymap;
    app->queue = queue;
    app->backend = backend;
    app->fleet = fleet_new();
    app->conn = backend ? TUI_CONN_CONNECTING : TUI_CONN_NOT_WIRED;
    app->context = tt_strdup(opts->context);
    app->env = tt_strdup(opts->env_hint);
    tui_line_init(&app->prompt_line, 512);
    app->dirty_header = app->dirty_body = app->dirty_status = true;
    app->cursor_y = app->cursor_x = -1;
    tui_listing_clear(&app->listing);
    return app;
}

static void close_view(tui_app *app, tui_view *v)
{
    if (v->ops->close)
        v->ops->close(v, app);
    free(v);
}

void tui_app_free(tui_app *app)
{
    if (!app)
        return;
    /* Threads first: nothing may push into the queue after this. */
    tui_backend_destroy(app->backend);
    app->backend = NULL; /* views closing below have nothing to cancel */
    while (app->top) {
        tui_view *v = app->top;
        app->top = v->below;
        close_view(app, v);
    }
    fleet_free(app->fleet);
    tui_listing_clear(&app->listing);
    tui_files_plan_free(app->files);
    free(app->files_error);
    tui_queue_free(app->queue);
    tui_theme_free(app->theme);
    tui_keymap_free(app->keymap);
    tui_line_free(&app->prompt_line);
    free(app->prompt_saved);
    free(app->context);
    free(app->env);
    free(app->conn_message);
    free(app);
}

void tui_app_start(tui_app *app)
{
    bool mono = tui_no_color_requested();
    tui_palette_resolve(&app->palette, app->theme, tui_term_colors(), mono);
    tui_palette_activate(&app->palette);
    tui_draw_set_palette(&app->palette);
    if (app->backend)
        app->backend->ops->watch_fleet(app->backend);
    tui_app_push(app, tui_view_models_new(app));
}

/* ---- accessors -------------------------------------------------------------- */

tui_backend *tui_app_backend(tui_app *app) { return app->backend; }
const fleet *tui_app_fleet(const tui_app *app) { return app->fleet; }
const tui_listing *tui_app_listing(const tui_app *app) { return &app->listing; }
void tui_app_note_rows_final(tui_app *app, bool final) { app->rows_final = final; }
const tui_keymap *tui_app_keymap(const tui_app *app) { return app->keymap; }
const config *tui_app_config(const tui_app *app) { return app->opts.cfg; }
const char *tui_app_context(const tui_app *app) { return app->context; }
const char *tui_app_env(const tui_app *app) { return app->env; }
tui_conn_state tui_app_conn(const tui_app *app) { return app->conn; }
tui_view *tui_app_top(const tui_app *app) { return app->top; }
bool tui_app_quitting(const tui_app *app) { return app->quit; }
int tui_app_queue_fd(const tui_app *app) { return tui_queue_fd(app->queue); }

bool tui_app_readonly(const tui_app *app)
{
    return app->opts.readonly ||
           (app->opts.cfg && safety_is_readonly(app->opts.cfg, app->env, app->context));
}

void tui_app_quit(tui_app *app)
{
    app->quit = true;
}

void tui_app_dirty(tui_app *app)
{
    app->dirty_body = true;
    app->dirty_status = true;
}

void tui_app_set_cursor(tui_app *app, int y, int x)
{
    app->cursor_y = y;
    app->cursor_x = x;
}

void tui_app_wake_at(tui_app *app, long long deadline_ms)
{
    if (!app->wake_at || deadline_ms < app->wake_at)
        app->wake_at = deadline_ms;
}

void tui_app_message(tui_app *app, tui_status_level level, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    tui_status_set(&app->status, level, tt_now_ms(), level == TUI_STATUS_ERROR ? 0 : STATUS_TTL_MS,
                   "%s", buf);
    app->dirty_status = true;
}

tui_backend *tui_app_require_backend(tui_app *app)
{
    if (!app->backend)
        tui_app_message(app, TUI_STATUS_ERROR,
                        "Not connected: the cluster connection is not wired in this build yet "
                        "(try --fake-backend FILE)");
    return app->backend;
}

bool tui_app_refuse_readonly(tui_app *app, tui_action act)
{
    const tui_action_info *ai = tui_action_info_at(act);
    if (!tui_app_readonly(app) || !ai || !ai->mutating)
        return false;
    if (app->opts.readonly) {
        tui_app_message(app, TUI_STATUS_ERROR, "Read-only mode (--readonly): '%s' is disabled",
                        ai->name);
        return true;
    }
    /* The reason the backend's jobs would refuse with (the same rule): the
     * context in readonly_contexts, the read-only environment the context
     * belongs to whatever env the backend names, or that env itself. */
    tt_error why = {0};
    if (safety_check_writable(app->opts.cfg, app->env, app->context, &why) != 0)
        tui_app_message(app, TUI_STATUS_ERROR, "Read-only: '%s' is disabled: %s", ai->name,
                        why.message);
    else
        tui_app_message(app, TUI_STATUS_ERROR,
                        "Read-only: the settings (%s) mark context %s read-only; '%s' is disabled",
                        app->opts.cfg->path ? app->opts.cfg->path : "config.yaml",
                        app->context ? app->context : "-", ai->name);
    return true;
}

void tui_app_push(tui_app *app, tui_view *v)
{
    if (!v)
        return;
    v->below = app->top;
    app->top = v;
    app->dirty_header = app->dirty_body = app->dirty_status = true;
    app->clear = true;
}

void tui_app_pop(tui_app *app)
{
    tui_view *v = app->top;
    if (!v || !v->below)
        return;
    app->top = v->below;
    close_view(app, v);
    app->prompt = PROMPT_NONE;
    app->dirty_header = app->dirty_body = app->dirty_status = true;
    app->clear = true;
}

/* ---- messages ---------------------------------------------------------------- */

static void handle_conn(tui_app *app, const tui_conn_info *c)
{
    app->conn = c->state;
    /* Another context: its env (none known is none, not the old one's). */
    if (c->context && !tt_streq(c->context, app->context)) {
        free(app->env);
        app->env = NULL;
    }
    if (c->context) {
        free(app->context);
        app->context = tt_strdup(c->context);
    }
    if (c->env) {
        free(app->env);
        app->env = tt_strdup(c->env);
    }
    free(app->conn_message);
    app->conn_message = tt_strdup(c->message);
    app->dirty_header = true;
}

/* Milliseconds since this process started (its start time in
 * /proc/self/stat against CLOCK_BOOTTIME), or -1. */
static long long process_age_ms(void)
{
    char buf[1024];
    FILE *f = fopen("/proc/self/stat", "re");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    unsigned long long start = 0;
    for (int field = 2; p && *p && field < 22; p++)
        if (*p == ' ')
            field++;
    if (!p || sscanf(p, "%llu", &start) != 1)
        return -1;
    long hz = sysconf(_SC_CLK_TCK);
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);
    long long now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    return hz > 0 ? now - (long long)(start * 1000 / (unsigned long long)hz) : -1;
}

static void write_report(tui_app *app, const char *file, const char *what)
{
    char text[32];
    snprintf(text, sizeof(text), "%lld\n", process_age_ms());
    tt_error err;
    tt_error_clear(&err);
    if (tt_write_file_private(file, text, strlen(text), &err) < 0)
        tui_app_message(app, TUI_STATUS_WARNING, "%s: %s", what, err.message);
}

/* After a frame went out (bench/run.sh reads both files):
 * - TTSTUI_REPORT_FIRST_PAINT: the first frame on which every row of the
 *   dashboard drawn is final for what the first lists will say (its
 *   services and namespace listed or the lists' progress past it in key
 *   order, the pin listed; the rows fill the list; the default order:
 *   see listing.h and v_models.c). The pages after it change the count
 *   and the loading line, not those rows.
 * - TTSTUI_REPORT_ALL_LISTED: the first frame drawn once every model is
 *   listed (services, namespaces and the pin). Every column comes from
 *   those three (image and scale from the template of a settled service,
 *   see fleet_service_serving); revision objects, 20 per service, matter
 *   only to the views of one model and are not waited for. */
static void report_paint(tui_app *app)
{
    bool all = tui_listing_all_listed(&app->listing);
    if (!app->first_paint_done && app->opts.first_paint_report && (app->rows_final || all)) {
        app->first_paint_done = true;
        write_report(app, app->opts.first_paint_report, "TTSTUI_REPORT_FIRST_PAINT");
    }
    if (!app->all_listed_done && app->opts.all_listed_report && all) {
        app->all_listed_done = true;
        write_report(app, app->opts.all_listed_report, "TTSTUI_REPORT_ALL_LISTED");
    }
}

static void dispatch_message(tui_app *app, tui_msg *m)
{
    switch (m->type) {
    case TUI_MSG_CONN:
        if (m->payload)
            handle_conn(app, m->payload);
        break;
    case TUI_MSG_FLEET: {
        bool listing = m->payload && tui_listing_note(&app->listing, m->payload);
        if (listing)
            app->dirty_body = true; /* the loading line */
        if (m->payload)
            app_files_reset(app, m->payload); /* the views see it in fleet_changed below */
        bool changed = m->payload && tui_fleet_batch_apply(m->payload, &app->fleet);
        if (changed)
            app_files_fleet_changed(app);
        /* A list's end may change nothing in the fleet, yet tells a view
         * that waits for it (tui_app_listing) that all is in. */
        if (changed || listing) {
            for (tui_view *v = app->top; v; v = v->below)
                if (v->ops->fleet_changed)
                    v->ops->fleet_changed(v, app);
            app->dirty_body = true;
        }
        return;
    }
    case TUI_MSG_FILES_PLAN:
        app_files_answer(app, m);
        break;
    case TUI_MSG_DONE:
        if (m->err.code)
            tui_app_message(app, TUI_STATUS_ERROR, "%s", m->err.message);
        break;
    default:
        break;
    }
    for (tui_view *v = app->top; v; v = v->below)
        if (v->ops->message)
            v->ops->message(v, app, m);
}

size_t tui_app_process_messages(tui_app *app)
{
    size_t n = 0;
    tui_msg *m;
    app_files_tick(app);
    while ((m = tui_queue_pop(app->queue))) {
        dispatch_message(app, m);
        if (m->type == TUI_MSG_FLEET)
            tui_backend_dispose(app->backend, m); /* thousands of objects: not here */
        else
            tui_msg_free(m);
        n++;
    }
    return n;
}

/* ---- drawing (header, status and hints: app_draw.c) ------------------------ */

static void draw_view(tui_app *app, tui_view *v)
{
    if (v->ops->overlay && v->below)
        draw_view(app, v->below);
    v->ops->draw(v, app, stdscr, 1, 0, LINES - 1 - app->status_rows, COLS);
}

void tui_app_render(tui_app *app)
{
    if (!app->dirty_header && !app->dirty_body && !app->dirty_status && !app->clear)
        return;
    app->cursor_y = app->cursor_x = -1;
    /* A message too long for the line takes up to 3 rows from the body
     * (a safety refusal must be readable at any width). */
    int max_rows = LINES / 4 < 1 ? 1 : LINES / 4 > 3 ? 3 : LINES / 4;
    int rows = app->prompt != PROMPT_NONE ? 1 : tui_status_rows(&app->status, COLS, max_rows);
    if (rows != app->status_rows) {
        app->status_rows = rows;
        app->clear = true;
    }
    if (app_too_small()) {
        app_draw_too_small();
    } else {
        if (app->clear) {
            erase();
            app->dirty_header = app->dirty_body = app->dirty_status = true;
        }
        if (app->dirty_header)
            app_draw_header(app);
        if (app->dirty_body && app->top) {
            app->rows_final = false; /* until the dashboard says its rows are */
            draw_view(app, app->top);
        }
        app_draw_status(app); /* cheap, and the prompt owns the cursor */
    }
    app->dirty_header = app->dirty_body = app->dirty_status = app->clear = false;
    if (app->cursor_y >= 0) {
        move(app->cursor_y, app->cursor_x);
        curs_set(1);
    } else {
        curs_set(0);
    }
    wnoutrefresh(stdscr);
    doupdate();
    report_paint(app);
}

void tui_app_resized(tui_app *app)
{
    app->clear = true;
    clearok(curscr, TRUE);
}

/* ---- commands ------------------------------------------------------------------ */

void tui_app_command(tui_app *app, const char *line)
{
    char *copy = tt_strdup(line);
    char *save = NULL;
    char *cmd = strtok_r(copy, " \t", &save);
    char *arg = strtok_r(NULL, " \t", &save);
    if (!cmd) {
        free(copy);
        return;
    }
    if (tt_streq(cmd, "q") || tt_streq(cmd, "quit") || tt_streq(cmd, "q!")) {
        tui_app_quit(app);
    } else if (tt_streq(cmd, "ctx") || tt_streq(cmd, "context")) {
        if (arg) {
            tui_backend *b = tui_app_require_backend(app);
            if (b) {
                b->ops->switch_context(b, arg);
                tui_app_message(app, TUI_STATUS_INFO, "Switching to context %s", arg);
            }
        } else {
            tui_app_push(app, tui_view_contexts_new(app));
        }
    } else if (tt_streq(cmd, "contexts")) {
        /* :contexts a,b | all | (none: the settings' contexts, else all) */
        const config *cfg = tui_app_config(app);
        const char *names[16];
        size_t n = 0;
        char *list = NULL;
        if (arg && !tt_streq(arg, "all")) {
            list = tt_strdup(arg);
            char *s2 = NULL;
            for (char *t = strtok_r(list, ",", &s2); t && n < 16; t = strtok_r(NULL, ",", &s2))
                names[n++] = t;
        } else if (!arg && cfg) {
            for (size_t i = 0; i < cfg->n_contexts && n < 16; i++)
                names[n++] = cfg->contexts[i];
        }
        tui_app_push(app, tui_view_cross_new(app, names, n));
        free(list);
    } else if (tt_streq(cmd, "plan")) {
        if (!app->opts.deployments)
            tui_app_message(app, TUI_STATUS_ERROR,
                            "No deployment files to plan: start ttstui with --deployments DIR, "
                            "or set deployments: in the settings");
        else
            tui_app_push(app, tui_view_plan_new(app, arg));
    } else if (tt_streq(cmd, "deploy")) {
        if (!tui_app_refuse_readonly(app, TUI_ACT_DEPLOY))
            tui_app_push(app, tui_view_form_new(app, arg));
    } else if (tt_streq(cmd, "model") || tt_streq(cmd, "m")) {
        if (arg && fleet_find(app->fleet, arg))
            tui_app_push(app, tui_view_model_new(app, arg));
        else
            tui_app_message(app, TUI_STATUS_ERROR, "No model '%s' in context %s", arg ? arg : "",
                            app->context ? app->context : "-");
    } else if (tt_streq(cmd, "help") || tt_streq(cmd, "h")) {
        tui_app_push(app, tui_view_help_new(app, app->top));
    } else if (tt_streq(cmd, "filter")) {
        if (app->top->ops->filter)
            app->top->ops->filter(app->top, app, arg ? arg : "");
    } else {
        tui_app_message(app, TUI_STATUS_ERROR,
                        "Unknown command ':%s' (commands: :q, :ctx [name], :contexts [all|a,b], "
                        ":deploy [model], :model NAME, :plan [model], :filter TEXT, :help)",
                        cmd);
    }
    free(copy);
    app->dirty_body = app->dirty_header = true;
}

/* ---- keys ------------------------------------------------------------------------ */

static void prompt_open(tui_app *app, prompt_kind kind, const char *initial)
{
    app->prompt = kind;
    tui_line_set(&app->prompt_line, initial);
    free(app->prompt_saved);
    app->prompt_saved = tt_strdup(initial);
    app->dirty_status = true;
}

static void prompt_key(tui_app *app, tui_key key)
{
    tui_view *v = app->top;
    if (key == TUI_KEY_ESC) {
        if (app->prompt == PROMPT_FILTER && v->ops->filter)
            v->ops->filter(v, app, "");
        app->prompt = PROMPT_NONE;
    } else if (key == TUI_KEY_ENTER) {
        prompt_kind kind = app->prompt;
        app->prompt = PROMPT_NONE;
        char *text = tt_strdup(tui_line_text(&app->prompt_line));
        if (kind == PROMPT_COMMAND)
            tui_app_command(app, text);
        else if (v->ops->search)
            v->ops->search(v, app, text);
        else if (v->ops->filter)
            v->ops->filter(v, app, text);
        free(text);
    } else if (tui_line_key(&app->prompt_line, key) == TUI_LINE_EDITED &&
               app->prompt == PROMPT_FILTER && v->ops->filter) {
        v->ops->filter(v, app, tui_line_text(&app->prompt_line)); /* live */
    } else if (key == TUI_KEY_FN(KEY_BACKSPACE) && !*tui_line_text(&app->prompt_line)) {
        app->prompt = PROMPT_NONE;
    }
    app->dirty_body = app->dirty_status = true;
}

static bool global_action(tui_app *app, tui_action act)
{
    tui_view *v = app->top;
    switch (act) {
    case TUI_ACT_QUIT:
        tui_app_quit(app);
        return true;
    case TUI_ACT_BACK:
        if (v->below)
            tui_app_pop(app);
        else
            tui_app_quit(app);
        return true;
    case TUI_ACT_HELP:
        if (v->ops->id != TUI_VIEW_HELP)
            tui_app_push(app, tui_view_help_new(app, v));
        return true;
    case TUI_ACT_COMMAND:
        prompt_open(app, PROMPT_COMMAND, "");
        return true;
    case TUI_ACT_FILTER:
    case TUI_ACT_SEARCH:
        if (v->ops->filter || v->ops->search)
            prompt_open(app, PROMPT_FILTER, "");
        return true;
    case TUI_ACT_REDRAW:
        tui_app_resized(app);
        return true;
    default:
        return false;
    }
}

void tui_app_handle_key(tui_app *app, tui_key key)
{
    if (key == TUI_KEY_FN(KEY_RESIZE)) {
        tui_app_resized(app);
        return;
    }
    if (key == '\r' || key == TUI_KEY_FN(KEY_ENTER))
        key = TUI_KEY_ENTER;
    if (key == 0x7f || key == TUI_KEY_CTRL('h'))
        key = TUI_KEY_FN(KEY_BACKSPACE);
    if (app_too_small()) {
        if (key == 'q' || key == 'Q' || key == TUI_KEY_ESC)
            tui_app_quit(app);
        return;
    }
    if (app->status.text[0] && app->status.level != TUI_STATUS_INFO) {
        tui_status_clear(&app->status); /* a key acknowledges an error */
        app->dirty_status = true;
    }
    if (app->prompt != PROMPT_NONE) {
        prompt_key(app, key);
        return;
    }
    tui_view *v = app->top;
    tui_action act = tui_keymap_lookup(app->keymap, v->ops->id, key);
    /* Text-entry views get printable keys first, so `q` types a q. */
    if (v->ops->text_entry && (tui_key_is_text(key) || act == TUI_ACT_NONE)) {
        if (v->ops->key(v, app, key, TUI_ACT_NONE)) {
            app->dirty_body = true;
            return;
        }
    }
    if (act != TUI_ACT_NONE && tui_app_refuse_readonly(app, act))
        return;
    if (v->ops->key(v, app, key, act)) {
        app->dirty_body = true;
        return;
    }
    if (!global_action(app, act) && act == TUI_ACT_NONE && tui_key_is_text(key)) {
        char name[16];
        tui_app_message(app, TUI_STATUS_INFO, "Key %s does nothing here (? lists the keys)",
                        tui_key_name(key, name, sizeof(name)));
    }
}

void tui_app_handle_mouse(tui_app *app, int y, int x, tui_mouse_kind kind)
{
    if (app_too_small() || app->prompt != PROMPT_NONE || !app->top->ops->mouse)
        return;
    if (app->top->ops->mouse(app->top, app, y, x, kind))
        app->dirty_body = true;
}

/* ---- the loop --------------------------------------------------------------------- */

static void read_keys(tui_app *app)
{
    for (;;) {
        wint_t ch;
        int rc = wget_wch(stdscr, &ch);
        if (rc == ERR)
            break;
        if (rc == KEY_CODE_YES && ch == KEY_MOUSE) {
            MEVENT ev;
            if (getmouse(&ev) != OK)
                continue;
            if (ev.bstate & BUTTON4_PRESSED)
                tui_app_handle_mouse(app, ev.y, ev.x, TUI_MOUSE_WHEEL_UP);
            else if (ev.bstate & BUTTON5_PRESSED)
                tui_app_handle_mouse(app, ev.y, ev.x, TUI_MOUSE_WHEEL_DOWN);
            else if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
                tui_app_handle_mouse(app, ev.y, ev.x, TUI_MOUSE_DOUBLE_CLICK);
            else if (ev.bstate & BUTTON1_CLICKED)
                tui_app_handle_mouse(app, ev.y, ev.x, TUI_MOUSE_CLICK);
            continue;
        }
        tui_app_handle_key(app, rc == KEY_CODE_YES ? TUI_KEY_FN((int)ch) : (tui_key)ch);
        if (app->quit)
            break;
    }
}

static void handle_signals(tui_app *app)
{
    int sig;
    while ((sig = tui_term_next_signal()) != 0) {
        if (sig == SIGWINCH) {
            tui_term_resize(0, 0);
            tui_app_resized(app);
        } else {
            tui_app_quit(app);
        }
    }
}

static int next_timeout(tui_app *app)
{
    long long now = tt_now_ms();
    long long deadline = 0;
    if (app->status.expires_ms)
        deadline = app->status.expires_ms;
    if (app->wake_at && (!deadline || app->wake_at < deadline))
        deadline = app->wake_at;
    if (!deadline)
        return -1; /* idle: sleep until input, a message or a signal */
    long long d = deadline - now;
    return d < 0 ? 0 : d > 60000 ? 60000 : (int)d;
}

int tui_app_run(tui_app *app)
{
    while (!app->quit) {
        tui_app_process_messages(app);
        long long now = tt_now_ms();
        if (tui_status_expire(&app->status, now))
            app->dirty_status = true;
        if (app->wake_at && now >= app->wake_at) {
            app->wake_at = 0;
            app->dirty_body = true; /* timers only refresh what is shown (ages) */
        }
        tui_app_render(app);
        struct pollfd fds[3] = {
            {STDIN_FILENO, POLLIN, 0},
            {tui_queue_fd(app->queue), POLLIN, 0},
            {tui_term_signal_fd(), POLLIN, 0},
        };
        int rc = poll(fds, 3, next_timeout(app));
        if (rc < 0 && errno != EINTR)
            return 1;
        if (fds[2].revents & POLLIN)
            handle_signals(app);
        if (fds[0].revents & (POLLHUP | POLLERR))
            app->quit = true;
        if (fds[0].revents & POLLIN)
            read_keys(app);
    }
    return 0;
}
