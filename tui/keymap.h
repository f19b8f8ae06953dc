/*
 * Actions, their names, default keys, help text and the views they apply
 * to, all from one table (TUI_ACTIONS) so the help view, the config file
 * ("keybindings: {action-name: keys}") and the man page never drift.
 */
#ifndef TUI_KEYMAP_H
#define TUI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "tt_common.h"

/* ---- keys --------------------------------------------------------------
 * A key is a Unicode code point, or a curses KEY_* code with TUI_KEY_FN set
 * (so U+0102 and KEY_DOWN never collide). Enter is '\n', Esc is 27. */
typedef int tui_key;
#define TUI_KEY_FN_FLAG 0x1000000
#define TUI_KEY_FN(k) ((k) | TUI_KEY_FN_FLAG)
#define TUI_KEY_IS_FN(k) (((k) & TUI_KEY_FN_FLAG) != 0)
#define TUI_KEY_CTRL(c) ((c) & 0x1f)
#define TUI_KEY_ESC 27
#define TUI_KEY_ENTER '\n'
#define TUI_KEY_TAB '\t'

/* Parses one key name: "q", "<Enter>", "<Esc>", "<Tab>", "<S-Tab>",
 * "<Up>", "<C-f>", "<PageDown>", "<F1>", "<Space>" ...; the brackets may
 * be left out of a multi-character name ("C-f", "Enter"). Returns -1 if
 * unknown. */
tui_key tui_key_parse(const char *name);
/* Writes the canonical name of key into buf ("<C-f>", "j", "<Down>"). */
const char *tui_key_name(tui_key key, char *buf, size_t size);
/* Printable text keys: a text field takes them before the keymap. */
bool tui_key_is_text(tui_key key);

/* ---- views ------------------------------------------------------------- */
#define TUI_VIEWS(X)                                  \
    X(MODELS, "models", "Models (dashboard)")         \
    X(MODEL, "model", "Model")                        \
    X(REVISION, "revision", "Revision and pods")      \
    X(LOGS, "logs", "Logs")                           \
    X(FORM, "form", "Deploy form")                    \
    X(PREVIEW, "preview", "Preview")                  \
    X(CONFIRM, "confirm", "Confirm")                  \
    X(HELP, "help", "Help")                           \
    X(CONTEXTS, "contexts", "Contexts")               \
    X(DETAIL, "detail", "Condition or event")         \
    X(CROSS, "cross", "Contexts side by side")        \
    X(TAGS, "tags", "Image tags")                     \
    X(PLAN, "plan", "Deployment files plan")

enum {
#define X(id, name, title) TUI_VIEW_BIT_##id,
    TUI_VIEWS(X)
#undef X
    TUI_VIEW_COUNT
};
enum {
#define X(id, name, title) TUI_VIEW_##id = 1u << TUI_VIEW_BIT_##id,
    TUI_VIEWS(X)
#undef X
};
#define TUI_VIEW_ALL ((1u << TUI_VIEW_COUNT) - 1)
#define TUI_VIEW_LISTS \
    (TUI_VIEW_MODELS | TUI_VIEW_MODEL | TUI_VIEW_REVISION | TUI_VIEW_CONTEXTS | TUI_VIEW_CROSS | \
     TUI_VIEW_TAGS | TUI_VIEW_PLAN)
#define TUI_VIEW_TEXTS (TUI_VIEW_LOGS | TUI_VIEW_PREVIEW | TUI_VIEW_HELP | TUI_VIEW_DETAIL)
#define TUI_VIEW_NAV (TUI_VIEW_LISTS | TUI_VIEW_TEXTS)

/* Name of a single view bit ("models"); NULL for an unknown one. */
const char *tui_view_name(unsigned view);

/* ---- actions ------------------------------------------------------------
 * X(id, config name, default keys, help, views, changes the cluster) */
#define TUI_ACTIONS(X)                                                                            \
    X(MOVE_UP, "move-up", "<Up> k", "Move up one line", TUI_VIEW_NAV, 0)                         \
    X(MOVE_DOWN, "move-down", "<Down> j", "Move down one line", TUI_VIEW_NAV, 0)                 \
    X(PAGE_UP, "page-up", "<PageUp> <C-b>", "Move up one page", TUI_VIEW_NAV, 0)                 \
    X(PAGE_DOWN, "page-down", "<PageDown> <C-f>", "Move down one page", TUI_VIEW_NAV, 0)         \
    X(FIRST, "first", "<Home> g", "Go to the first line", TUI_VIEW_NAV, 0)                       \
    X(LAST, "last", "<End> G", "Go to the last line", TUI_VIEW_NAV, 0)                           \
    X(OPEN, "open", "<Enter>", "Open the selected item", TUI_VIEW_LISTS, 0)                      \
    X(BACK, "back", "<Esc> q", "Go back (dashboard: Esc clears the filter, q quits)", TUI_VIEW_ALL, 0)              \
    X(QUIT, "quit", "Q", "Quit ttstui", TUI_VIEW_ALL, 0)                                        \
    X(HELP, "help", "? <F1>", "Show the keys of the current view", TUI_VIEW_ALL, 0)             \
    X(COMMAND, "command", ":", "Enter a command (:ctx, :deploy, :q ...)", TUI_VIEW_NAV, 0)      \
    X(FILTER, "filter", "/", "Filter the rows", TUI_VIEW_LISTS, 0)                               \
    X(SEARCH, "search", "/", "Search the text", TUI_VIEW_TEXTS, 0)                               \
    X(SEARCH_NEXT, "search-next", "n", "Next search match", TUI_VIEW_TEXTS, 0)                   \
    X(SEARCH_PREV, "search-prev", "N", "Previous search match", TUI_VIEW_TEXTS, 0)               \
    X(WRAP, "wrap", "w", "Wrap long lines, or cut them at the edge (toggle)", TUI_VIEW_NAV, 0)    \
    X(SCROLL_LEFT, "scroll-left", "<Left>", "Scroll the text left", TUI_VIEW_TEXTS, 0)            \
    X(SCROLL_RIGHT, "scroll-right", "<Right>", "Scroll the text right (long lines)",             \
      TUI_VIEW_TEXTS, 0)                                                                         \
    X(SORT, "sort", "s", "Sort by the next column", TUI_VIEW_MODELS, 0)                          \
    X(SORT_REVERSE, "sort-reverse", "S", "Reverse the sort order", TUI_VIEW_MODELS, 0)          \
    X(DEPLOY, "deploy", "d", "Deploy a release (opens the form)",                                \
      TUI_VIEW_MODELS | TUI_VIEW_MODEL, 1)                                                       \
    X(DELETE, "delete", "x", "Delete the model (typed confirmation)",                            \
      TUI_VIEW_MODELS | TUI_VIEW_MODEL, 1)                                                       \
    X(ROLLBACK, "rollback", "r", "Roll traffic back to the selected revision", TUI_VIEW_MODEL, 1)\
    X(TRAFFIC, "traffic", "t", "Split traffic between Ready revisions (editor)", TUI_VIEW_MODEL, 1) \
    X(PIN, "pin-latest", "p", "Pin `latest` to the selected model",                              \
      TUI_VIEW_MODELS | TUI_VIEW_MODEL, 1)                                                       \
    X(CONTEXTS, "contexts", "c", "Switch Kubernetes context", TUI_VIEW_MODELS, 0)               \
    X(RECONNECT, "reconnect", "R",                                                               \
      "Reconnect now (side by side: load every context again; plan: plan again)",               \
      TUI_VIEW_MODELS | TUI_VIEW_CROSS | TUI_VIEW_PLAN, 0)                                       \
    X(PROMOTE, "promote", "P",                                                                   \
      "Promote the selected model to the other context (diff, then confirmation)",               \
      TUI_VIEW_CROSS, 1)                                                                         \
    X(LOGS, "logs", "l", "Show the logs of the selected pod", TUI_VIEW_REVISION, 0)             \
    X(FOLLOW, "follow", "f", "Toggle following new log lines", TUI_VIEW_LOGS, 0)                \
    X(CONTAINER, "container", "t", "Switch between app and queue-proxy logs", TUI_VIEW_LOGS, 0) \
    X(REVEAL, "reveal", "v", "Reveal or mask secrets", TUI_VIEW_PREVIEW, 0)                      \
    X(DIFF, "diff", "d", "Toggle between the YAML and the diff", TUI_VIEW_PREVIEW, 0)           \
    X(DRY_RUN, "dry-run", "t", "Run a server-side dry-run", TUI_VIEW_PREVIEW, 0)                \
    X(APPLY, "apply", "a",                                                                       \
      "Apply the release (plan: the models shown that differ from their files; asks first)",    \
      TUI_VIEW_PREVIEW | TUI_VIEW_PLAN, 1)                                                       \
    X(FOCUS, "focus", "<Tab>", "Move between the list and its conditions or events",             \
      TUI_VIEW_MODEL | TUI_VIEW_REVISION, 0)                                                     \
    X(NEXT_FIELD, "next-field", "<Tab> <Down>", "Next field or button",                          \
      TUI_VIEW_FORM | TUI_VIEW_CONFIRM, 0)                                                       \
    X(PREV_FIELD, "prev-field", "<S-Tab> <Up>", "Previous field or button",                      \
      TUI_VIEW_FORM | TUI_VIEW_CONFIRM, 0)                                                       \
    X(SUBMIT, "submit", "<Enter>", "Form: preview the release; dialog: press the button",        \
      TUI_VIEW_FORM | TUI_VIEW_CONFIRM, 0)                                                       \
    X(FROM_FILE, "from-file", "<C-r>",                                                           \
      "Form: fill in from the model's deployment file (--deployments)", TUI_VIEW_FORM, 0)        \
    X(SAVE_FILE, "save-file", "<C-o>",                                                           \
      "Form: write the release to the model's deployment file, for review", TUI_VIEW_FORM, 0)   \
    X(REDRAW, "redraw", "<C-l>", "Redraw the screen", TUI_VIEW_ALL, 0)

typedef enum tui_action {
    TUI_ACT_NONE = 0,
#define X(id, name, keys, help, views, mutating) TUI_ACT_##id,
    TUI_ACTIONS(X)
#undef X
    TUI_ACT_COUNT
} tui_action;

typedef struct tui_action_info {
    tui_action action;
    const char *name;
    const char *default_keys;
    const char *help;
    unsigned views;
    bool mutating; /* hidden and refused under --readonly */
} tui_action_info;

const tui_action_info *tui_action_info_at(tui_action a); /* NULL for NONE */
tui_action tui_action_by_name(const char *name);        /* NONE if unknown */

/* ---- the keymap (defaults plus rebinding from the config file) ---------- */
#define TUI_KEYMAP_MAX_KEYS 8
typedef struct tui_keymap tui_keymap;

tui_keymap *tui_keymap_new(void); /* default bindings */
void tui_keymap_free(tui_keymap *km);
/* Replaces the keys of one action: action_name as in the table, keys as
 * space-separated key names ("<C-n> J"). Error names the bad action or key
 * and `source` (e.g. "config.yaml:12"). */
int tui_keymap_bind(tui_keymap *km, const char *action_name, const char *keys,
                    const char *source, tt_error *err);
/* The same with the keys as a list (the config file's form: "q", "C-c",
 * "Enter"; names with or without angle brackets). */
int tui_keymap_bind_list(tui_keymap *km, const char *action_name, const char *const *keys,
                         size_t n_keys, const char *source, tt_error *err);
/* The action bound to key in one view (a single TUI_VIEW_* bit). */
tui_action tui_keymap_lookup(const tui_keymap *km, unsigned view, tui_key key);
/* Space-separated key names of an action; text_keys false leaves out
 * printable keys (for views where typing goes into a field). */
const char *tui_keymap_keys_text(const tui_keymap *km, tui_action a, bool text_keys,
                                 char *buf, size_t size);
size_t tui_keymap_key_count(const tui_keymap *km, tui_action a);
tui_key tui_keymap_key_at(const tui_keymap *km, tui_action a, size_t i);

/* The whole table with km's keys (the defaults, or as the settings bind
 * them), one action a line: "name<TAB>keys<TAB>views<TAB>help" (for
 * `--print-keys` and the man page).
 * Caller frees. */
char *tui_keymap_table_text(const tui_keymap *km);

#endif
