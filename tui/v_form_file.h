/* The deploy form's deployment file, for the form view (v_form.c). */
#ifndef TUI_V_FORM_FILE_H
#define TUI_V_FORM_FILE_H

#include <stdbool.h>

#include "app.h"
#include "w_form.h"

/* C-r: the form's fields from the model's file (the plan's, else
 * DIR/<env>/<model>.config.json), said in the status line. Only the
 * values are set: the caller checks them. False, after saying why, when
 * nothing was read. */
bool tui_form_fill_from_file(tui_form *f, tui_app *app);
/* C-o: the form's values written into the model's file (created from the
 * first file of its folder that parses when there is none), all traffic
 * to its version, for review; nothing is applied. Refused while a field
 * has an error. Said in the status line. */
void tui_form_save_file(tui_form *f, tui_app *app);

#endif
