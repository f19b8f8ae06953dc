/*
 * Views, tig style: a view is data plus one ops table; the app keeps a
 * stack of them and never learns what a view shows. One file per view
 * (v_*.c) exports its constructor below.
 */
#ifndef TUI_VIEW_H
#define TUI_VIEW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "backend.h"
#include "keymap.h"
#include "queue.h"

typedef struct tui_app tui_app;
typedef struct tui_view tui_view;

typedef enum tui_mouse_kind {
    TUI_MOUSE_CLICK,
    TUI_MOUSE_DOUBLE_CLICK,
    TUI_MOUSE_WHEEL_UP,
    TUI_MOUSE_WHEEL_DOWN,
} tui_mouse_kind;

typedef struct tui_view_ops {
    unsigned id;          /* one TUI_VIEW_* bit: selects keymap entries and help */
    bool overlay;         /* drawn over the view below it (dialogs) */
    bool text_entry;      /* printable keys go to the view before the keymap */
    const char *hints;    /* status line hints when no message shows */
    const char *hints_readonly; /* the same under --readonly (NULL: hints) */
    /* Breadcrumb title for the header ("Model v3"). */
    void (*title)(tui_view *v, char *buf, size_t size);
    /* Draws the body rectangle. */
    void (*draw)(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int height, int width);
    /* A key and the action the keymap gives it (may be NONE); true when
     * handled, else the app tries its global actions. */
    bool (*key)(tui_view *v, tui_app *app, tui_key key, tui_action act);
    /* Mouse at screen (y, x); may be NULL. */
    bool (*mouse)(tui_view *v, tui_app *app, int y, int x, tui_mouse_kind kind);
    /* Every backend message is offered to every view on the stack; a view
     * that keeps the payload sets m->payload = NULL. */
    void (*message)(tui_view *v, tui_app *app, tui_msg *m);
    /* The fleet changed (live updates). May be NULL. */
    void (*fleet_changed)(tui_view *v, tui_app *app);
    /* `/`: live filter (list views) or search (text views). May be NULL. */
    void (*filter)(tui_view *v, tui_app *app, const char *text);
    void (*search)(tui_view *v, tui_app *app, const char *text);
    /* Cancels requests and frees the view's data (not v itself). */
    void (*close)(tui_view *v, tui_app *app);
} tui_view_ops;

struct tui_view {
    const tui_view_ops *ops;
    void *data;
    tui_view *below;
};

tui_view *tui_view_new(const tui_view_ops *ops, void *data);

/* ---- the views ------------------------------------------------------------ */
tui_view *tui_view_models_new(tui_app *app);
tui_view *tui_view_model_new(tui_app *app, const char *model);
tui_view *tui_view_revision_new(tui_app *app, const char *model, const char *revision);
tui_view *tui_view_logs_new(tui_app *app, const char *model, const char *pod,
                            const char *const *containers, size_t n_containers);
/* model NULL: a new model; else prefilled from what is live. */
tui_view *tui_view_form_new(tui_app *app, const char *model);
tui_view *tui_view_preview_new(tui_app *app, const tui_release_req *req);
/* After a successful apply from it, or one left running (under_way; no-op
 * for another view): marked applied, apply refused, back goes to the
 * model. */
void tui_view_preview_mark_applied(tui_view *v, bool under_way);
tui_view *tui_view_help_new(tui_app *app, const tui_view *for_view);
tui_view *tui_view_contexts_new(tui_app *app);
/* A repository's tags to pick one from; pick(ud, app, tag) on Enter, then
 * the picker closes. tags are copied. */
tui_view *tui_view_tags_new(tui_app *app, const char *image, const char *const *tags, size_t n,
                            void (*pick)(void *ud, tui_app *app, const char *tag), void *ud);
/* The traffic editor of model, starting on the selected revision's
 * service (TUI_SERVICE_*). */
tui_view *tui_view_traffic_new(tui_app *app, const char *model, unsigned selected_service);
/* Confirm, then run, a split ("3=90 4=10") of the services' traffic. */
tui_view *tui_view_traffic_confirm_new(tui_app *app, const char *model, const char *split,
                                       unsigned services);
/* Models across contexts side by side; n == 0: every context of the
 * kubeconfig. */
tui_view *tui_view_cross_new(tui_app *app, const char *const *contexts, size_t n);
/* Loads every context of a side-by-side view again now (no-op for another
 * view). */
void tui_view_cross_reload(tui_view *v, tui_app *app);
/* Promotes model between the n contexts (names, labels: their
 * environments); from (0 or 1, n == 2) is the side ahead, else -1: the
 * user picks from the pairs whose source has_model. Then the plan, its
 * diff and summary, a confirmation, the steps. */
tui_view *tui_view_promote_new(tui_app *app, const char *model, const char *const *names,
                               const char *const *labels, const bool *has_model, size_t n,
                               int from);
/* The whole text of a revision's condition, or of a model's event. */
tui_view *tui_view_condition_new(tui_app *app, const char *revision, const tui_condition *c);
tui_view *tui_view_event_new(tui_app *app, const char *model, const tui_event *e);

typedef enum tui_confirm_kind {
    TUI_CONFIRM_APPLY,
    TUI_CONFIRM_DELETE,
    TUI_CONFIRM_ROLLBACK,
    TUI_CONFIRM_PIN,
    TUI_CONFIRM_TRAFFIC,
    TUI_CONFIRM_FILES,
} tui_confirm_kind;

/* Applies models[0..n) of the deployment files in dir (env: the plan's),
 * after a confirmation listing them with what[i] (their changes in
 * words); then each model's progress. */
tui_view *tui_view_files_confirm_new(tui_app *app, const char *dir, const char *env,
                                     const char *const *models, const char *const *what, size_t n);
/* The deployment files against the cluster (tui_app_files); select: the
 * model to put the cursor on, or NULL. */
tui_view *tui_view_plan_new(tui_app *app, const char *select);
/* One model of the plan in full: its file, state and every change. */
tui_view *tui_view_file_entry_new(tui_app *app, const tui_files_plan *p, const tui_files_entry *e);

/* req: for APPLY (copied); version: for ROLLBACK (both services). */
tui_view *tui_view_confirm_new(tui_app *app, tui_confirm_kind kind, const char *model,
                               const char *version, const tui_release_req *req);
/* Rollback of the services in `services` (TUI_SERVICE_* bits) to version. */
tui_view *tui_view_rollback_new(tui_app *app, const char *model, const char *version,
                                unsigned services);
/* Asks which services to roll back (the one of the selected revision,
 * both, or the other), showing each one's traffic now and after; then the
 * confirmation. */
tui_view *tui_view_rollback_choose_new(tui_app *app, const char *model, const char *version,
                                       unsigned selected_service);

#endif
