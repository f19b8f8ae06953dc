/*
 * The steps of an operation as the backend reports them (TUI_MSG_PROGRESS:
 * an object, its state, a message), in the order first seen, and their
 * drawing: a mark and a word per state, the object, and the message
 * wrapped under itself so a reason is read whole. For every view that
 * follows an operation (apply, delete, rollback, traffic, files, promote).
 */
#ifndef TUI_W_STEPS_H
#define TUI_W_STEPS_H

#include <curses.h>
#include <stddef.h>

#include "backend.h"

/* The most lines one step's message takes (the last one cut with a mark). */
#define TUI_STEP_LINES 4

typedef struct tui_step {
    char *object;
    tui_step_state state;
    char *message;
} tui_step;

typedef struct tui_steps {
    tui_step *items;
    size_t n;
} tui_steps;

/* The step of p->object takes p's state and message (added when new). */
void tui_steps_update(tui_steps *s, const tui_progress *p);
/* Draws the steps from row y in rows [y, y_end); returns the row after
 * the last one drawn. */
int tui_steps_draw(const tui_steps *s, WINDOW *w, int y, int y_end, int x, int width);
void tui_steps_free(tui_steps *s);

#endif
