#include "w_form.h"

#include <stdlib.h>
#include <string.h>

#include "draw.h"

typedef struct field {
    char *id;
    char *label;
    char *hint;
    tui_field_kind kind;
    tui_line line;
    char **choices;
    size_t n_choices;
    char message[256];
    bool invalid;
    bool warn;
    bool disabled;
    int row; /* relative row after the last draw, -1 when hidden */
} field;

struct tui_form {
    field *fields;
    size_t n, cap;
    size_t focus;
    tui_form_validate_fn validate;
    void *validate_ctx;
    int cursor_y, cursor_x;
    int top;
};

tui_form *tui_form_new(void)
{
    tui_form *f = tt_calloc(1, sizeof(*f));
    f->cursor_y = f->cursor_x = -1;
    return f;
}

void tui_form_free(tui_form *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++) {
        field *fl = &f->fields[i];
        free(fl->id);
        free(fl->label);
        free(fl->hint);
        tui_line_free(&fl->line);
        for (size_t c = 0; c < fl->n_choices; c++)
            free(fl->choices[c]);
        free(fl->choices);
    }
    free(f->fields);
    free(f);
}

size_t tui_form_add(tui_form *f, const char *id, const char *label, tui_field_kind kind,
                    const char *value, const char *choices)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->fields = tt_realloc(f->fields, f->cap * sizeof(field));
    }
    field *fl = &f->fields[f->n];
    memset(fl, 0, sizeof(*fl));
    fl->id = tt_strdup(id);
    fl->label = tt_strdup(label);
    fl->kind = kind;
    fl->row = -1;
    tui_line_init(&fl->line, 1024);
    if (kind == TUI_FIELD_CHOICE && choices) {
        char *copy = tt_strdup(choices);
        for (char *save = NULL, *c = strtok_r(copy, "|", &save); c; c = strtok_r(NULL, "|", &save)) {
            fl->choices = tt_realloc(fl->choices, (fl->n_choices + 1) * sizeof(char *));
            fl->choices[fl->n_choices++] = tt_strdup(c);
        }
        free(copy);
    }
    if (kind == TUI_FIELD_BOOL)
        value = tt_streq(value, "true") ? "true" : "false";
    else if (kind == TUI_FIELD_CHOICE && (!value || !*value) && fl->n_choices)
        value = fl->choices[0];
    tui_line_set(&fl->line, value);
    return f->n++;
}

void tui_form_set_hint(tui_form *f, size_t i, const char *hint)
{
    if (i >= f->n)
        return;
    free(f->fields[i].hint);
    f->fields[i].hint = tt_strdup(hint);
}

void tui_form_set_enabled(tui_form *f, size_t i, bool enabled)
{
    if (i >= f->n)
        return;
    f->fields[i].disabled = !enabled;
    if (!enabled && f->focus == i)
        tui_form_focus_next(f);
}

bool tui_form_enabled(const tui_form *f, size_t i)
{
    return i < f->n && !f->fields[i].disabled;
}

void tui_form_set_validator(tui_form *f, tui_form_validate_fn fn, void *ctx)
{
    f->validate = fn;
    f->validate_ctx = ctx;
    tui_form_validate(f);
}

size_t tui_form_count(const tui_form *f)
{
    return f->n;
}

size_t tui_form_index(const tui_form *f, const char *id)
{
    for (size_t i = 0; i < f->n; i++)
        if (tt_streq(f->fields[i].id, id))
            return i;
    return (size_t)-1;
}

const char *tui_form_id(const tui_form *f, size_t i)
{
    return i < f->n ? f->fields[i].id : NULL;
}

const char *tui_form_value(const tui_form *f, const char *id)
{
    size_t i = tui_form_index(f, id);
    return i < f->n ? tui_line_text(&f->fields[i].line) : "";
}

void tui_form_set_value(tui_form *f, const char *id, const char *value)
{
    size_t i = tui_form_index(f, id);
    if (i >= f->n)
        return;
    tui_line_set(&f->fields[i].line, value);
    tui_form_validate(f);
}

size_t tui_form_focus(const tui_form *f)
{
    return f->focus;
}

void tui_form_set_focus(tui_form *f, size_t i)
{
    if (i < f->n)
        f->focus = i;
}

/* The next enabled field in direction step (1 or n-1), or focus itself. */
static void move_focus(tui_form *f, size_t step)
{
    for (size_t k = 1; k <= f->n; k++) {
        size_t i = (f->focus + k * step) % f->n;
        if (!f->fields[i].disabled) {
            f->focus = i;
            return;
        }
    }
}

void tui_form_focus_next(tui_form *f)
{
    if (f->n)
        move_focus(f, 1);
}

void tui_form_focus_prev(tui_form *f)
{
    if (f->n)
        move_focus(f, f->n - 1);
}

void tui_form_validate(tui_form *f)
{
    for (size_t i = 0; i < f->n; i++) {
        field *fl = &f->fields[i];
        fl->message[0] = '\0';
        fl->warn = false;
        fl->invalid = f->validate &&
                      f->validate(f->validate_ctx, f, i, fl->message, sizeof(fl->message), &fl->warn);
        if (!fl->invalid)
            fl->message[0] = '\0';
    }
}

const char *tui_form_message(const tui_form *f, size_t i, bool *warn)
{
    if (i >= f->n || !f->fields[i].invalid)
        return NULL;
    if (warn)
        *warn = f->fields[i].warn;
    return f->fields[i].message;
}

size_t tui_form_error_count(const tui_form *f)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        if (f->fields[i].invalid && !f->fields[i].warn)
            n++;
    return n;
}

static tui_line_result cycle_choice(field *fl, int dir)
{
    if (fl->kind == TUI_FIELD_BOOL) {
        tui_line_set(&fl->line, tt_streq(tui_line_text(&fl->line), "true") ? "false" : "true");
        return TUI_LINE_EDITED;
    }
    if (!fl->n_choices)
        return TUI_LINE_IGNORED;
    size_t cur = 0;
    for (size_t c = 0; c < fl->n_choices; c++)
        if (tt_streq(fl->choices[c], tui_line_text(&fl->line)))
            cur = c;
    cur = (cur + fl->n_choices + (size_t)(dir > 0 ? 1 : fl->n_choices - 1)) % fl->n_choices;
    tui_line_set(&fl->line, fl->choices[cur]);
    return TUI_LINE_EDITED;
}

tui_line_result tui_form_key(tui_form *f, tui_key key)
{
    if (f->focus >= f->n)
        return TUI_LINE_IGNORED;
    field *fl = &f->fields[f->focus];
    if (fl->disabled)
        return TUI_LINE_IGNORED;
    tui_line_result r;
    if (fl->kind == TUI_FIELD_TEXT) {
        r = tui_line_key(&fl->line, key);
    } else if (key == ' ' || key == TUI_KEY_FN(KEY_RIGHT)) {
        r = cycle_choice(fl, 1);
    } else if (key == TUI_KEY_FN(KEY_LEFT)) {
        r = cycle_choice(fl, -1);
    } else if (fl->kind == TUI_FIELD_BOOL && (key == 'y' || key == 'n')) {
        tui_line_set(&fl->line, key == 'y' ? "true" : "false");
        r = TUI_LINE_EDITED;
    } else {
        /* A choice: typing its first letter selects it. */
        r = tui_key_is_text(key) ? TUI_LINE_MOVED : TUI_LINE_IGNORED;
        for (size_t c = 0; c < fl->n_choices && tui_key_is_text(key); c++) {
            if (fl->choices[c][0] == key) {
                tui_line_set(&fl->line, fl->choices[c]);
                r = TUI_LINE_EDITED;
                break;
            }
        }
    }
    if (r == TUI_LINE_EDITED)
        tui_form_validate(f);
    return r;
}

static int label_width(const tui_form *f)
{
    int w = 0;
    for (size_t i = 0; i < f->n; i++) {
        int lw = tui_utf8_width(f->fields[i].label, (size_t)-1);
        if (lw > w)
            w = lw;
    }
    return w + 2;
}

/* Each field takes two rows: the field, then its message or hint. */
void tui_form_draw(tui_form *f, WINDOW *w, int y, int x, int height, int width)
{
    int lw = label_width(f);
    if (lw > width / 2)
        lw = width / 2;
    int vw = width - lw - 1;
    if (vw > 60)
        vw = 60;
    int rows_per = 2;
    int fit = height / rows_per;
    if (fit < 1)
        fit = 1;
    if ((int)f->focus < f->top)
        f->top = (int)f->focus;
    if ((int)f->focus >= f->top + fit)
        f->top = (int)f->focus - fit + 1;
    f->cursor_y = f->cursor_x = -1;
    for (int r = 0; r < height; r++)
        tui_draw_fill(w, y + r, x, width, TUI_ROLE_NORMAL);
    for (size_t i = 0; i < f->n; i++) {
        field *fl = &f->fields[i];
        int slot = (int)i - f->top;
        if (slot < 0 || slot >= fit) {
            fl->row = -1;
            continue;
        }
        int ry = y + slot * rows_per;
        fl->row = ry - y;
        bool focus = i == f->focus;
        bool warn = false;
        const char *msg = tui_form_message(f, i, &warn);
        tui_draw_text(w, ry, x, lw,
                      fl->disabled ? TUI_ROLE_DIM : focus ? TUI_ROLE_TITLE : TUI_ROLE_NORMAL,
                      fl->label, false);
        tui_role vrole = fl->disabled       ? TUI_ROLE_DIM
                         : msg && !warn ? TUI_ROLE_INPUT_ERROR
                                        : TUI_ROLE_INPUT;
        if (fl->kind == TUI_FIELD_TEXT && !focus) {
            /* Unfocused fields show their start, cut with a mark. */
            tui_draw_text(w, ry, x + lw, vw, vrole, tui_line_text(&fl->line), true);
        } else if (fl->kind == TUI_FIELD_TEXT) {
            int cx = tui_line_draw(&fl->line, w, ry, x + lw, vw, vrole);
            {
                f->cursor_y = ry;
                f->cursor_x = x + lw + cx;
            }
        } else {
            char buf[256];
            if (fl->kind == TUI_FIELD_BOOL)
                snprintf(buf, sizeof(buf), "[%s] %s",
                         tt_streq(tui_line_text(&fl->line), "true") ? "x" : " ",
                         tui_line_text(&fl->line));
            else
                snprintf(buf, sizeof(buf), "< %s >", tui_line_text(&fl->line));
            tui_draw_text(w, ry, x + lw, vw, focus ? TUI_ROLE_BUTTON_FOCUS : vrole, buf, true);
        }
        if (ry + 1 < y + height) {
            if (fl->disabled && fl->hint)
                tui_draw_text(w, ry + 1, x + lw, width - lw, TUI_ROLE_DIM, fl->hint, false);
            else if (msg)
                tui_draw_textf(w, ry + 1, x + lw, width - lw, warn ? TUI_ROLE_WARNING : TUI_ROLE_ERROR,
                               "%s %s", warn ? "!" : tui_sym_text(TUI_SYM_CROSS), msg);
            else if (fl->hint && focus)
                tui_draw_text(w, ry + 1, x + lw, width - lw, TUI_ROLE_DIM, fl->hint, false);
        }
    }
}

int tui_form_field_row(const tui_form *f, size_t i)
{
    return i < f->n ? f->fields[i].row : -1;
}

bool tui_form_click(tui_form *f, int y)
{
    for (size_t i = 0; i < f->n; i++) {
        if (!f->fields[i].disabled && f->fields[i].row >= 0 && (y == f->fields[i].row || y == f->fields[i].row + 1)) {
            f->focus = i;
            return true;
        }
    }
    return false;
}

void tui_form_cursor(const tui_form *f, int *y, int *x)
{
    *y = f->cursor_y;
    *x = f->cursor_x;
}
