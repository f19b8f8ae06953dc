/*
 * Headless script runner (tig-style tests): drives the real app on a
 * virtual screen with keystrokes from a script and dumps the screen as
 * text. Script lines:
 *   # comment
 *   :wait-for "text" [timeout-ms]   run until text is on screen (default 5000)
 *   :expect "text"                  fail unless text is on screen now
 *   :expect-not "text"              fail if text is on screen now
 *   :dump FILE                      write the screen to FILE
 *   :resize COLSxROWS               resize the virtual terminal
 *   :sleep MS                       let time pass, handling messages
 *   anything else                   keystrokes: text plus <Enter> <Esc> <Tab>
 *                                   <S-Tab> <Up> <C-a> <Space> <lt> ... and
 *                                   mouse <Click:ROW,COL> <DoubleClick:ROW,COL>
 *                                   <WheelUp:ROW,COL> <WheelDown:ROW,COL>
 * (a line starting with ':' that is not a directive is typed as keys).
 */
#ifndef TUI_HEADLESS_H
#define TUI_HEADLESS_H

#include "app.h"
#include "tt_common.h"

/* Returns 0, or -1 with err naming the script line; *screen (caller
 * frees) gets the last screen on failure. dump_path: final dump or NULL. */
int tui_headless_run(tui_app *app, const char *script_path, const char *dump_path, char **screen,
                     tt_error *err);

#endif
