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

int tui_status_rows(const tui_status *s, int width, int max_rows)
{
    int rows = 0;
    const char *p = s->text, *rest;
    size_t n;
    while (rows < max_rows && tui_wrap_line(p, width, &n, &rest)) {
        rows++;
        p = rest;
    }
    return rows > 0 ? rows : 1;
}

void tui_status_draw(const tui_status *s, WINDOW *w, int y, int x, int width, int rows,
                     const char *hints)
{
    if (!s->text[0]) {
        tui_draw_text(w, y, x, width, TUI_ROLE_DIM, hints ? hints : "", true);
        for (int r = 1; r < rows; r++)
            tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
        return;
    }
    tui_role role = s->level == TUI_STATUS_ERROR     ? TUI_ROLE_ERROR
                    : s->level == TUI_STATUS_WARNING ? TUI_ROLE_WARNING
                                                     : TUI_ROLE_NORMAL;
    const char *p = s->text, *rest;
    size_t n;
    for (int r = 0; r < rows; r++) {
        const char *line = tui_wrap_line(p, width, &n, &rest);
        if (!line) {
            tui_draw_fill(w, y + r, x, width, role);
            continue;
        }
        size_t more_n;
        const char *more_rest;
        if (r == rows - 1 && tui_wrap_line(rest, width, &more_n, &more_rest)) {
            tui_draw_text(w, y + r, x, width, role, line, true); /* more: cut with … */
        } else {
            int used = tui_draw_span(w, y + r, x, width, role, line, n);
            tui_draw_fill(w, y + r, x + used, width - used, role);
        }
        p = rest;
    }
}
