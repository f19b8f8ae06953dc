/* What the views built on a text viewer (help, detail, logs, preview)
 * share. */
#ifndef TUI_V_TEXT_H
#define TUI_V_TEXT_H

#include <stdbool.h>

#include "app.h"
#include "view.h"
#include "w_text.h"

/* Draws t one column in from x, that column a blank margin (the views
 * that are a text to read and nothing else: help, detail). */
void tui_view_text_draw(tui_text *t, WINDOW *w, int y, int x, int h, int width);
/* The keys of a text to read: n and N the next and previous match, then
 * t's own (scrolling, wrap). False when act is none of those. */
bool tui_view_text_key(tui_text *t, tui_action act);
/* Scrolls t by three lines on a wheel event; false for any other event. */
bool tui_view_text_wheel(tui_text *t, tui_mouse_kind kind);
/* Searches t for text and says so on the status line when nothing matches. */
void tui_view_text_search(tui_app *app, tui_text *t, const char *text);

#endif
