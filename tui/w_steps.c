/* The steps of an operation and their drawing (w_steps.h). */
#include "w_steps.h"

#include <stdlib.h>
#include <string.h>

#include "draw.h"

void tui_steps_update(tui_steps *s, const tui_progress *p)
{
    tui_step *st = NULL;
    for (size_t i = 0; i < s->n && !st; i++)
        if (tt_streq(s->items[i].object, p->object))
            st = &s->items[i];
    if (!st) {
        s->items = tt_realloc(s->items, (s->n + 1) * sizeof(*s->items));
        st = &s->items[s->n++];
        st->object = tt_strdup(p->object);
        st->message = NULL;
    }
    st->state = p->state;
    free(st->message);
    st->message = tt_strdup(p->message);
}

static const char *state_text(tui_step_state s, tui_role *role)
{
    switch (s) {
    case TUI_STEP_PENDING: *role = TUI_ROLE_DIM; return "waiting";
    case TUI_STEP_RUNNING: *role = TUI_ROLE_STATUS_PENDING; return "running";
    case TUI_STEP_OK: *role = TUI_ROLE_STATUS_OK; return "done";
    case TUI_STEP_FAILED: *role = TUI_ROLE_STATUS_FAIL; return "FAILED";
    }
    *role = TUI_ROLE_NORMAL;
    return "?";
}

int tui_steps_draw(const tui_steps *s, WINDOW *w, int y, int y_end, int x, int width)
{
    int ry = y;
    for (size_t i = 0; i < s->n && ry < y_end; i++, ry++) {
        const tui_step *st = &s->items[i];
        tui_role role;
        const char *word = state_text(st->state, &role);
        const char *sym = st->state == TUI_STEP_OK       ? tui_sym_text(TUI_SYM_CHECK)
                          : st->state == TUI_STEP_FAILED ? tui_sym_text(TUI_SYM_CROSS)
                                                         : tui_sym_text(TUI_SYM_ELLIPSIS);
        int cx = x;
        cx += tui_draw_textf(w, ry, cx, width - (cx - x), role, "%s %-8s", sym, word);
        cx += tui_draw_textf(w, ry, cx, width - (cx - x), TUI_ROLE_NORMAL, " %-28s", st->object);
        if (!st->message)
            continue;
        /* A reason is read whole: wrapped under itself. */
        tui_role mrole = st->state == TUI_STEP_FAILED ? TUI_ROLE_ERROR : TUI_ROLE_DIM;
        int mw = width - (cx - x) - 1;
        const char *msg = st->message, *rest = NULL;
        size_t n = 0;
        for (int line = 0; mw > 8 && msg && *msg && ry < y_end; line++) {
            const char *start = tui_wrap_line(msg, mw, &n, &rest);
            if (!start)
                break;
            if (line == TUI_STEP_LINES - 1 || ry + 1 >= y_end) {
                tui_draw_text(w, ry, cx + 1, mw, mrole, start, false); /* cut with a mark */
                break;
            }
            char *part = tt_strndup(start, n);
            tui_draw_text(w, ry, cx + 1, mw, mrole, part, false);
            free(part);
            msg = rest;
            if (msg && *msg)
                ry++;
        }
    }
    return ry;
}

void tui_steps_free(tui_steps *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->items[i].object);
        free(s->items[i].message);
    }
    free(s->items);
    s->items = NULL;
    s->n = 0;
}
