/*
 * A confirmation dialog: title, body lines, an optional banner (prod is
 * drawn in its own colour), two buttons with Cancel focused by default, and
 * optionally a typed confirmation ("type v3/12 to confirm") that must match
 * before the confirm button works.
 */
#ifndef TUI_W_DIALOG_H
#define TUI_W_DIALOG_H

#include <curses.h>
#include <stdbool.h>

#include "keymap.h"
#include "theme.h"
#include "w_line.h"

typedef enum tui_dialog_result {
    TUI_DIALOG_NONE = 0, /* still open */
    TUI_DIALOG_CANCEL,
    TUI_DIALOG_CONFIRM,
} tui_dialog_result;

typedef struct tui_dialog tui_dialog;

/* confirm_label: "Apply", "Delete" ...; expected: text the user must type
 * (NULL = none). Caller frees with tui_dialog_free. */
tui_dialog *tui_dialog_new(const char *title, const char *confirm_label, const char *expected);
void tui_dialog_free(tui_dialog *d);
/* The cancel button's label (default "Cancel"; at most 26 bytes shown). */
void tui_dialog_set_cancel_label(tui_dialog *d, const char *label);
void tui_dialog_add_line(tui_dialog *d, tui_role role, const char *text);
/* A banner line above the body (e.g. PRODUCTION with banner_prod). */
void tui_dialog_set_banner(tui_dialog *d, tui_role role, const char *text);

/* 0 = Cancel, 1 = confirm. */
int tui_dialog_focus(const tui_dialog *d);
bool tui_dialog_confirm_enabled(const tui_dialog *d);
const char *tui_dialog_typed(const tui_dialog *d);
/* Keys: text and editing keys go to the typed field, Tab/arrows move the
 * focus, Enter presses the focused button, Esc cancels. act is the keymap
 * action for the key (may be NONE). Returns the result; a press on a
 * disabled confirm button returns NONE and sets *refused. */
tui_dialog_result tui_dialog_key(tui_dialog *d, tui_key key, tui_action act, bool *refused);
/* Mouse click at screen (y, x): a button press. */
tui_dialog_result tui_dialog_click(tui_dialog *d, int y, int x);
/* Draws centred in the rectangle; places the typed field cursor in cy, cx
 * (-1 when there is no typed field). */
void tui_dialog_draw(tui_dialog *d, WINDOW *w, int y, int x, int height, int width, int *cy,
                     int *cx);

#endif
