/*
 * The app's state, private to tui/app*.c (app.c the event loop, view
 * stack, messages, commands and keys; app_files.c the deployment files'
 * plan; app_draw.c the header, status line and hints). Views use app.h.
 */
#ifndef TUI_APP_PRIV_H
#define TUI_APP_PRIV_H

#include "app.h"
#include "listing.h"
#include "queue.h"
#include "w_line.h"

typedef enum prompt_kind {
    PROMPT_NONE,
    PROMPT_COMMAND, /* `:` */
    PROMPT_FILTER,  /* `/` live filter or search */
} prompt_kind;

struct tui_app {
    tui_app_options opts;
    tui_theme *theme;
    tui_palette palette;
    tui_keymap *keymap;
    tui_queue *queue;
    tui_backend *backend;
    fleet *fleet;
    tui_view *top;
    tui_status status;
    prompt_kind prompt;
    tui_line prompt_line;
    char *prompt_saved;   /* filter text before `/`, restored on Esc */
    bool dirty_header, dirty_body, dirty_status, clear;
    bool quit;
    int cursor_y, cursor_x;
    long long wake_at;
    /* From the backend's TUI_MSG_CONN. */
    tui_conn_state conn;
    char *context;
    char *env;
    char *conn_message;
    tui_listing listing;   /* how far the fleet's lists have come */
    bool rows_final;       /* the body drawn last is final (tui_app_note_rows_final) */
    bool first_paint_done, all_listed_done;
    int status_rows;       /* rows of the status line at the last render (1 to 3) */
    /* The deployment files: the last plan, the one under way, the next. */
    tui_files_plan *files;
    char *files_error;
    unsigned long files_req;
    long long files_due;   /* 0: none due */
    long long files_started; /* when the last plan was asked for (0: never) */
    bool files_stale;      /* the fleet changed while a plan was under way */
    bool files_asked;      /* a plan was asked for (R, a save) while one was under way */
};

/* app_files.c */
/* A fleet change: plan again once it settles. */
void app_files_fleet_changed(tui_app *app);
/* A fleet batch that starts from empty drops the plan of the context before. */
void app_files_reset(tui_app *app, const tui_fleet_batch *b);
/* Asks for the plan that is due, if any (each pass of the loop). */
void app_files_tick(tui_app *app);
/* A TUI_MSG_FILES_PLAN: the plan (or its error) the app asked for last. */
void app_files_answer(tui_app *app, tui_msg *m);

/* app_draw.c */
void app_draw_header(tui_app *app);
void app_draw_status(tui_app *app);
void app_draw_too_small(void);
bool app_too_small(void);

#endif
