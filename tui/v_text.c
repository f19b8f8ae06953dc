#include "v_text.h"

#include "draw.h"

void tui_view_text_draw(tui_text *t, WINDOW *w, int y, int x, int h, int width)
{
    tui_text_draw(t, w, y, x + 1, h, width - 1);
    for (int r = 0; r < h; r++)
        tui_draw_fill(w, y + r, x, 1, TUI_ROLE_NORMAL);
}

bool tui_view_text_key(tui_text *t, tui_action act)
{
    if (act == TUI_ACT_SEARCH_NEXT || act == TUI_ACT_SEARCH_PREV) {
        tui_text_search_next(t, act == TUI_ACT_SEARCH_NEXT ? 1 : -1);
        return true;
    }
    return tui_text_action(t, act);
}

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
