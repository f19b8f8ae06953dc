/*
 * The application: owns the terminal state, theme, keymap, backend, the
 * fleet (applied from backend messages on the UI thread), the view stack,
 * the status line and the `:`/`/` prompt, and runs the event loop: one
 * poll() over the terminal, the queue's wake-up fd and the signal
 * self-pipe, with the next deadline as its timeout.
 */
#ifndef TUI_APP_H
#define TUI_APP_H

#include <stdbool.h>

#include "backend.h"
#include "config.h"
#include "fleet.h"
#include "keymap.h"
#include "theme.h"
#include "view.h"
#include "w_status.h"

/* Smallest usable terminal; below it the screen says so. */
#define TUI_MIN_COLS 60
#define TUI_MIN_ROWS 12

typedef struct tui_app_options {
    bool readonly;
    bool headless;
    int rows, cols;        /* headless screen size */
    const char *context;   /* --context */
    const char *env_hint;  /* env shown until the backend says */
    const config *cfg;     /* settings (borrowed, may be NULL): read-only contexts/envs */
    const char *deployments; /* deployment files' folder (--deployments, the settings'), or NULL */
    /* Write the milliseconds from process start to the first frame on
     * which every row of the dashboard drawn is final (see
     * tui_app_note_rows_final) into this file (NULL: no). */
    const char *first_paint_report;
    /* ... and to the first frame drawn once every model is listed
     * (services, namespaces and the pin: tui_listing_all_listed). */
    const char *all_listed_report;
} tui_app_options;

#include "listing.h"

/* Takes ownership of theme, keymap, backend (may be NULL: not wired) and
 * queue. Does not start curses. */
tui_app *tui_app_new(const tui_app_options *opts, tui_theme *theme, tui_keymap *keymap,
                     tui_queue *queue, tui_backend *backend);
/* Stops the backend first, then frees everything. */
void tui_app_free(tui_app *app);

/* Pushes the dashboard and resolves the palette (curses must be started). */
void tui_app_start(tui_app *app);
/* The interactive loop; returns the exit status. */
int tui_app_run(tui_app *app);

/* ---- for the loop, the headless runner and tests ---------------------- */
void tui_app_handle_key(tui_app *app, tui_key key);
void tui_app_handle_mouse(tui_app *app, int y, int x, tui_mouse_kind kind);
/* Drains the queue; returns the number of messages handled. */
size_t tui_app_process_messages(tui_app *app);
/* Draws what is dirty and calls doupdate. */
void tui_app_render(tui_app *app);
void tui_app_resized(tui_app *app);
bool tui_app_quitting(const tui_app *app);
int tui_app_queue_fd(const tui_app *app);

/* ---- for views -------------------------------------------------------- */
tui_backend *tui_app_backend(tui_app *app); /* NULL: not wired */
/* The backend, or NULL after telling the user it is not connected. */
tui_backend *tui_app_require_backend(tui_app *app);
const fleet *tui_app_fleet(const tui_app *app);
/* How far the fleet's lists have come (listing.h). */
const tui_listing *tui_app_listing(const tui_app *app);
/* The dashboard, after drawing its rows: whether every row it drew is
 * final for what the first lists will say (tui_listing_model_final for
 * each, the rows fill the list so none can be added below them, and the
 * order is the default one), or every model is listed. A frame whose body
 * is drawn without this call is not final. */
void tui_app_note_rows_final(tui_app *app, bool final);
const tui_keymap *tui_app_keymap(const tui_app *app);
/* The settings (config.yaml), or NULL when none were given to the app. */
const config *tui_app_config(const tui_app *app);
const char *tui_app_context(const tui_app *app);
const char *tui_app_env(const tui_app *app);
tui_conn_state tui_app_conn(const tui_app *app);
/* --readonly, or the settings mark the current context or env read-only. */
bool tui_app_readonly(const tui_app *app);
/* True (after showing why) when act changes the cluster and we are
 * read-only. */
bool tui_app_refuse_readonly(tui_app *app, tui_action act);
void tui_app_push(tui_app *app, tui_view *v);
/* Closes the top view (never the dashboard). */
void tui_app_pop(tui_app *app);
tui_view *tui_app_top(const tui_app *app);
void tui_app_dirty(tui_app *app);
void tui_app_message(tui_app *app, tui_status_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tui_app_quit(tui_app *app);
/* Shows the terminal cursor at (y, x) in this frame (text fields). */
void tui_app_set_cursor(tui_app *app, int y, int x);
/* Wakes the loop at deadline_ms (tt_now_ms clock) even without input. */
void tui_app_wake_at(tui_app *app, long long deadline_ms);
/* A footer from a view's hints template, with the live keymap's keys:
 * items separated by two spaces, "{action-name} label" (or several
 * {names} in one item, "{next-field}/{prev-field} move"); "{name:text}"
 * prefers the action's printable key, "{name:noesc}" too and skips Esc;
 * "{a|b}" is a's key, else b's. An item whose action has no key to
 * show (unbound; in a text-entry view only printable keys) or changes the
 * cluster while read-only is left out. */
void tui_hints_expand(const tui_keymap *km, const char *tmpl, bool text_entry, bool readonly,
                      char *buf, size_t size);
/* ---- deployment files (opts.deployments) -------------------------------
 * Planned against the cluster once the fleet is listed, and again a
 * moment after it changes (so an apply, here or elsewhere, shows). */
const char *tui_app_files_dir(const tui_app *app); /* NULL: none configured */
/* The last plan (NULL: none yet), and why the last one failed (NULL: it
 * did not). */
const tui_files_plan *tui_app_files(const tui_app *app);
const char *tui_app_files_error(const tui_app *app);
bool tui_app_files_planning(const tui_app *app);
/* Plans again now, or right after the plan under way. */
void tui_app_files_refresh(tui_app *app);

/* Runs a `:` command line ("ctx prod", "deploy v3", "q"). */
void tui_app_command(tui_app *app, const char *line);

#endif
