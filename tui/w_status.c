#include "w_status.h"

#include <stdarg.h>
#include <stdio.h>

#include "draw.h"

void tui_status_set(tui_status *s, tui_status_level level, long long now_ms, long long ttl_ms,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->text, sizeof(s->text), fmt, ap);
    va_end(ap);
    s->level = level;
    s->expires_ms = ttl_ms > 0 ? now_ms + ttl_ms : 0;
}

void tui_status_clear(tui_status *s)
{
    s->text[0] = '\0';
    s->expires_ms = 0;
}

bool tui_status_expire(tui_status *s, long long now_ms)
{
    if (s->text[0] && s->expires_ms && now_ms >= s->expires_ms) {
        tui_status_clear(s);
        return true;
    }
    return false;
}

bool tui_status_active(const tui_status *s)
{
    return s->text[0] != '\0';
}

void tui_status_draw(const tui_status *s, WINDOW *w, int y, int x, int width, const char *hints)
{
    if (s->text[0]) {
        tui_role role = s->level == TUI_STATUS_ERROR     ? TUI_ROLE_ERROR
                        : s->level == TUI_STATUS_WARNING ? TUI_ROLE_WARNING
                                                         : TUI_ROLE_NORMAL;
        tui_draw_text(w, y, x, width, role, s->text, true);
    } else {
        tui_draw_text(w, y, x, width, TUI_ROLE_DIM, hints ? hints : "", true);
    }
}
