#include "v_text.h"

bool tui_view_text_wheel(tui_text *t, tui_mouse_kind kind)
{
    if (kind == TUI_MOUSE_WHEEL_UP)
        tui_text_scroll(t, -3);
    else if (kind == TUI_MOUSE_WHEEL_DOWN)
        tui_text_scroll(t, 3);
    else
        return false;
    return true;
}

void tui_view_text_search(tui_app *app, tui_text *t, const char *text)
{
    if (tui_text_search(t, text) < 0 && text && *text)
        tui_app_message(app, TUI_STATUS_INFO, "Not found: %s", text);
}
