/*
 * A form: labelled fields edited with the line editor (readline keys),
 * booleans and choices toggled with Space/Left/Right, a validation callback
 * run after every change so messages show as you type, and focus moved
 * with Tab/Shift-Tab (the view maps keys to next/prev).
 */
#ifndef TUI_W_FORM_H
#define TUI_W_FORM_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "keymap.h"
#include "w_line.h"

typedef enum tui_field_kind {
    TUI_FIELD_TEXT,
    TUI_FIELD_BOOL,   /* value "true" / "false" */
    TUI_FIELD_CHOICE, /* one of choices ("staging|prod") */
} tui_field_kind;

typedef struct tui_form tui_form;

/* Called after each change for every field; write a message into msg
 * (size bytes) and return true when the field is invalid. warn=true marks
 * the message as a warning that does not block submitting. */
typedef bool (*tui_form_validate_fn)(void *ctx, const tui_form *f, size_t field, char *msg,
                                     size_t size, bool *warn);

tui_form *tui_form_new(void);
void tui_form_free(tui_form *f);
/* Returns the field index. choices: '|'-separated for CHOICE, else NULL. */
size_t tui_form_add(tui_form *f, const char *id, const char *label, tui_field_kind kind,
                    const char *value, const char *choices);
void tui_form_set_hint(tui_form *f, size_t field, const char *hint);
/* A disabled field keeps its value but is drawn dim, skipped by focus
 * moves and clicks and takes no keys (fields start enabled). When the
 * focused field is disabled, focus moves to the next enabled one. */
void tui_form_set_enabled(tui_form *f, size_t field, bool enabled);
bool tui_form_enabled(const tui_form *f, size_t field);
void tui_form_set_validator(tui_form *f, tui_form_validate_fn fn, void *ctx);
size_t tui_form_count(const tui_form *f);
size_t tui_form_index(const tui_form *f, const char *id); /* (size_t)-1 if none */
const char *tui_form_id(const tui_form *f, size_t field);
const char *tui_form_value(const tui_form *f, const char *id); /* "" if none */
void tui_form_set_value(tui_form *f, const char *id, const char *value);

size_t tui_form_focus(const tui_form *f);
void tui_form_set_focus(tui_form *f, size_t field);
void tui_form_focus_next(tui_form *f);
void tui_form_focus_prev(tui_form *f);

/* Gives a key to the focused field; returns EDITED when a value changed
 * (validation has run), MOVED for cursor moves, IGNORED otherwise. */
tui_line_result tui_form_key(tui_form *f, tui_key key);
void tui_form_validate(tui_form *f);
/* The field's current message, or NULL when it is fine. */
const char *tui_form_message(const tui_form *f, size_t field, bool *warn);
/* Fields with a blocking error. */
size_t tui_form_error_count(const tui_form *f);

/* Draws label, value, message per field; returns nothing. Places the
 * terminal cursor in the focused text field when place_cursor. */
void tui_form_draw(tui_form *f, WINDOW *w, int y, int x, int height, int width);
/* Screen row (relative to the draw origin) of a field after drawing. */
int tui_form_field_row(const tui_form *f, size_t field);
/* Mouse: focus the field drawn at relative row y. */
bool tui_form_click(tui_form *f, int y);
/* Cursor position of the focused field after the last draw (-1 if none). */
void tui_form_cursor(const tui_form *f, int *y, int *x);

#endif
