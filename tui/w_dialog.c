#include "w_dialog.h"

#include <stdlib.h>
#include <string.h>

#include "draw.h"

typedef struct dline {
    tui_role role;
    char *text;
} dline;

struct tui_dialog {
    char *title;
    char *confirm_label;
    char *cancel_label; /* NULL: "Cancel" */
    char *expected;
    char *banner;
    tui_role banner_role;
    dline *lines;
    size_t n_lines;
    tui_line typed;
    int focus;
    int btn_y, btn_cancel_x, btn_confirm_x, btn_cancel_w, btn_confirm_w;
};

tui_dialog *tui_dialog_new(const char *title, const char *confirm_label, const char *expected)
{
    tui_dialog *d = tt_calloc(1, sizeof(*d));
    d->title = tt_strdup(title);
    d->confirm_label = tt_strdup(confirm_label ? confirm_label : "OK");
    d->expected = expected && *expected ? tt_strdup(expected) : NULL;
    tui_line_init(&d->typed, 256);
    d->focus = 0;
    d->btn_y = -1;
    return d;
}

void tui_dialog_set_cancel_label(tui_dialog *d, const char *label)
{
    free(d->cancel_label);
    d->cancel_label = tt_strdup(label);
}

void tui_dialog_free(tui_dialog *d)
{
    if (!d)
        return;
    free(d->title);
    free(d->confirm_label);
    free(d->cancel_label);
    free(d->expected);
    free(d->banner);
    for (size_t i = 0; i < d->n_lines; i++)
        free(d->lines[i].text);
    free(d->lines);
    tui_line_free(&d->typed);
    free(d);
}

void tui_dialog_add_line(tui_dialog *d, tui_role role, const char *text)
{
    d->lines = tt_realloc(d->lines, (d->n_lines + 1) * sizeof(dline));
    d->lines[d->n_lines++] = (dline){role, tt_strdup(text)};
}

void tui_dialog_set_banner(tui_dialog *d, tui_role role, const char *text)
{
    free(d->banner);
    d->banner = tt_strdup(text);
    d->banner_role = role;
}

int tui_dialog_focus(const tui_dialog *d)
{
    return d->focus;
}

bool tui_dialog_confirm_enabled(const tui_dialog *d)
{
    return !d->expected || strcmp(tui_line_text(&d->typed), d->expected) == 0;
}

const char *tui_dialog_typed(const tui_dialog *d)
{
    return tui_line_text(&d->typed);
}

static tui_dialog_result press(tui_dialog *d, bool *refused)
{
    if (d->focus == 0)
        return TUI_DIALOG_CANCEL;
    if (!tui_dialog_confirm_enabled(d)) {
        if (refused)
            *refused = true;
        return TUI_DIALOG_NONE;
    }
    return TUI_DIALOG_CONFIRM;
}

tui_dialog_result tui_dialog_key(tui_dialog *d, tui_key key, tui_action act, bool *refused)
{
    if (refused)
        *refused = false;
    if (key == TUI_KEY_ESC)
        return TUI_DIALOG_CANCEL;
    if (key == TUI_KEY_ENTER || act == TUI_ACT_SUBMIT)
        return press(d, refused);
    if (act == TUI_ACT_NEXT_FIELD || act == TUI_ACT_PREV_FIELD || key == TUI_KEY_TAB ||
        key == TUI_KEY_FN(KEY_BTAB)) {
        d->focus = !d->focus;
        return TUI_DIALOG_NONE;
    }
    if (d->expected) {
        /* The typed field owns text and editing keys, arrows included. */
        if (tui_line_key(&d->typed, key) != TUI_LINE_IGNORED)
            return TUI_DIALOG_NONE;
    } else if (key == TUI_KEY_FN(KEY_LEFT) || key == TUI_KEY_FN(KEY_RIGHT) || key == 'h' ||
               key == 'l') {
        d->focus = !d->focus;
    } else if (key == 'q' || key == 'n') {
        return TUI_DIALOG_CANCEL;
    }
    return TUI_DIALOG_NONE;
}

tui_dialog_result tui_dialog_click(tui_dialog *d, int y, int x)
{
    if (y != d->btn_y)
        return TUI_DIALOG_NONE;
    if (x >= d->btn_cancel_x && x < d->btn_cancel_x + d->btn_cancel_w) {
        d->focus = 0;
        return TUI_DIALOG_CANCEL;
    }
    if (x >= d->btn_confirm_x && x < d->btn_confirm_x + d->btn_confirm_w) {
        d->focus = 1;
        return press(d, NULL);
    }
    return TUI_DIALOG_NONE;
}

void tui_dialog_draw(tui_dialog *d, WINDOW *w, int y, int x, int height, int width, int *cy,
                     int *cx)
{
    *cy = *cx = -1;
    int inner = 0;
    for (size_t i = 0; i < d->n_lines; i++) {
        int lw = tui_utf8_width(d->lines[i].text, (size_t)-1);
        if (lw > inner)
            inner = lw;
    }
    if (inner < 40)
        inner = 40;
    int bw = inner + 4 < width ? inner + 4 : width;
    int bh = (int)d->n_lines + 5 + (d->banner ? 2 : 0) + (d->expected ? 3 : 0);
    if (bh > height)
        bh = height;
    int by = y + (height - bh) / 2, bx = x + (width - bw) / 2;
    for (int r = 0; r < bh; r++)
        tui_draw_fill(w, by + r, bx, bw, TUI_ROLE_NORMAL);
    wattrset(w, (int)tui_draw_attr(TUI_ROLE_BORDER));
    if (!tui_draw_ascii()) {
        mvwhline_set(w, by, bx + 1, WACS_HLINE, bw - 2);
        mvwhline_set(w, by + bh - 1, bx + 1, WACS_HLINE, bw - 2);
        mvwvline_set(w, by + 1, bx, WACS_VLINE, bh - 2);
        mvwvline_set(w, by + 1, bx + bw - 1, WACS_VLINE, bh - 2);
        mvwadd_wch(w, by, bx, WACS_ULCORNER);
        mvwadd_wch(w, by, bx + bw - 1, WACS_URCORNER);
        mvwadd_wch(w, by + bh - 1, bx, WACS_LLCORNER);
        mvwadd_wch(w, by + bh - 1, bx + bw - 1, WACS_LRCORNER);
    } else {
        mvwhline(w, by, bx, '-', bw);
        mvwhline(w, by + bh - 1, bx, '-', bw);
        mvwvline(w, by + 1, bx, '|', bh - 2);
        mvwvline(w, by + 1, bx + bw - 1, '|', bh - 2);
    }
    tui_draw_textf(w, by, bx + 2, bw - 4, TUI_ROLE_TITLE, " %s ", d->title);
    int ry = by + 1;
    int limit = by + bh - 1;
    if (d->banner && ry < limit) {
        int tw = tui_utf8_width(d->banner, (size_t)-1);
        int off = tw < bw - 2 ? (bw - 2 - tw) / 2 : 0;
        tui_draw_fill(w, ry, bx + 1, bw - 2, d->banner_role);
        tui_draw_text(w, ry, bx + 1 + off, bw - 2 - off, d->banner_role, d->banner, false);
        ry += 2;
    }
    for (size_t i = 0; i < d->n_lines && ry < limit; i++, ry++)
        tui_draw_text(w, ry, bx + 2, bw - 4, d->lines[i].role, d->lines[i].text, false);
    if (d->expected && ry + 2 < limit) {
        ry++;
        tui_draw_textf(w, ry++, bx + 2, bw - 4, TUI_ROLE_NORMAL, "Type %s to confirm:",
                       d->expected);
        int c = tui_line_draw(&d->typed, w, ry, bx + 2, bw - 4,
                              tui_dialog_confirm_enabled(d) ? TUI_ROLE_INPUT : TUI_ROLE_INPUT_ERROR);
        *cy = ry;
        *cx = bx + 2 + c;
        ry++;
    }
    /* Buttons on the second to last row. */
    int bty = by + bh - 2;
    char cancel[32], confirm[64];
    snprintf(cancel, sizeof(cancel), "[ %s ]", d->cancel_label ? d->cancel_label : "Cancel");
    snprintf(confirm, sizeof(confirm), "[ %s ]", d->confirm_label);
    d->btn_cancel_w = tui_utf8_width(cancel, (size_t)-1);
    d->btn_confirm_w = tui_utf8_width(confirm, (size_t)-1);
    int total = d->btn_cancel_w + 3 + d->btn_confirm_w;
    d->btn_y = bty;
    d->btn_cancel_x = bx + (bw - total) / 2;
    d->btn_confirm_x = d->btn_cancel_x + d->btn_cancel_w + 3;
    tui_draw_text(w, bty, d->btn_cancel_x, d->btn_cancel_w,
                  d->focus == 0 ? TUI_ROLE_BUTTON_FOCUS : TUI_ROLE_BUTTON, cancel, false);
    tui_role crole = d->focus == 1 ? TUI_ROLE_BUTTON_FOCUS
                     : tui_dialog_confirm_enabled(d) ? TUI_ROLE_BUTTON
                                                     : TUI_ROLE_DIM;
    tui_draw_text(w, bty, d->btn_confirm_x, d->btn_confirm_w, crole, confirm, false);
}
