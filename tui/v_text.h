/* What the views built on a text viewer (help, logs, preview) share. */
#ifndef TUI_V_TEXT_H
#define TUI_V_TEXT_H

#include <stdbool.h>

#include "app.h"
#include "view.h"
#include "w_text.h"

/* Scrolls t by three lines on a wheel event; false for any other event. */
bool tui_view_text_wheel(tui_text *t, tui_mouse_kind kind);
/* Searches t for text and says so on the status line when nothing matches. */
void tui_view_text_search(tui_app *app, tui_text *t, const char *text);

#endif
