/* View 9: every key of the view it was opened from, from the keymap
 * table (so help never drifts from the bindings). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "v_text.h"
#include "w_text.h"

typedef struct help_view {
    unsigned for_id;
    tui_text *text;
} help_view;

static size_t highlight(void *ctx, const char *line, tui_span *spans, size_t max)
{
    (void)ctx;
    if (!max || !*line)
        return 0;
    if (line[0] != ' ') {
        spans[0] = (tui_span){0, strlen(line), TUI_ROLE_TITLE};
        return 1;
    }
    /* "  keys<pad>  help": the key column is 22 bytes wide at most. */
    size_t n = strlen(line) < 24 ? strlen(line) : 24;
    spans[0] = (tui_span){0, n, TUI_ROLE_YAML_KEY};
    return 1;
}

static void build(help_view *hv, tui_app *app)
{
    const tui_keymap *km = tui_app_keymap(app);
    const char *vname = tui_view_name(hv->for_id);
    char line[512];
    snprintf(line, sizeof(line), "Keys of the %s view", vname ? vname : "?");
    tui_text_append(hv->text, line);
    tui_text_append(hv->text, "");
    bool text_entry = hv->for_id == TUI_VIEW_FORM || hv->for_id == TUI_VIEW_CONFIRM;
    for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
        const tui_action_info *ai = tui_action_info_at((tui_action)a);
        if (!(ai->views & hv->for_id))
            continue;
        if (ai->mutating && tui_app_readonly(app))
            continue;
        char keys[128];
        tui_keymap_keys_text(km, (tui_action)a, !text_entry, keys, sizeof(keys));
        if (!*keys)
            continue;
        snprintf(line, sizeof(line), "  %-20s  %s  (%s)", keys, ai->help, ai->name);
        tui_text_append(hv->text, line);
    }
    if (hv->for_id == TUI_VIEW_FORM || hv->for_id == TUI_VIEW_CONFIRM) {
        tui_text_append(hv->text, "");
        tui_text_append(hv->text, "Editing a field (readline keys)");
        tui_text_append(hv->text, "  <C-a> <Home>          Start of the field");
        tui_text_append(hv->text, "  <C-e> <End>           End of the field");
        tui_text_append(hv->text, "  <C-b> <Left>          One character left");
        tui_text_append(hv->text, "  <C-f> <Right>         One character right");
        tui_text_append(hv->text, "  <Backspace> <Delete>  Delete before / under the cursor");
        tui_text_append(hv->text, "  <C-k> <C-u>           Delete to the end / to the start");
        tui_text_append(hv->text, "  <C-w>                 Delete the previous word");
        tui_text_append(hv->text, "  <C-y>                 Paste the last deleted text");
        tui_text_append(hv->text, "  <Space>               Toggle a yes/no or choice field");
    }
    if (hv->for_id & TUI_VIEW_NAV) {
        tui_text_append(hv->text, "");
        tui_text_append(hv->text, "Mouse");
        tui_text_append(hv->text, "  click                 Select a row (double click opens)");
        tui_text_append(hv->text, "  wheel                 Scroll");
    }
    tui_text_append(hv->text, "");
    tui_text_append(hv->text, "Commands (type : first)");
    tui_text_append(hv->text, "  :q                    Quit");
    tui_text_append(hv->text, "  :ctx [name]           Switch context (no name: list them)");
    tui_text_append(hv->text, "  :contexts [all|a,b]   Models across contexts side by side");
    tui_text_append(hv->text, "  :deploy [model]       Open the deploy form");
    tui_text_append(hv->text, "  :model NAME           Open a model");
    tui_text_append(hv->text, "  :filter TEXT          Filter the rows");
    tui_text_append(hv->text, "  :help                 This help");
    if (tui_app_readonly(app)) {
        tui_text_append(hv->text, "");
        tui_text_append(hv->text, "Read-only mode: keys that change the cluster are disabled.");
    }
}

static void title(tui_view *v, char *buf, size_t size)
{
    (void)v;
    snprintf(buf, size, "Help");
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    (void)app;
    tui_view_text_draw(((help_view *)v->data)->text, w, y, x, h, width);
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    (void)app;
    (void)k;
    if (act == TUI_ACT_HELP) {
        tui_app_pop(app);
        return true;
    }
    return tui_view_text_key(((help_view *)v->data)->text, act);
}

static bool mouse(tui_view *v, tui_app *app, int y, int x, tui_mouse_kind kind)
{
    (void)app;
    (void)x;
    (void)y;
    help_view *hv = v->data;
    return tui_view_text_wheel(hv->text, kind);
}

static void search(tui_view *v, tui_app *app, const char *text)
{
    help_view *hv = v->data;
    tui_view_text_search(app, hv->text, text);
}

static void close_view(tui_view *v, tui_app *app)
{
    (void)app;
    help_view *hv = v->data;
    tui_text_free(hv->text);
    free(hv);
}

static const tui_view_ops ops = {
    .id = TUI_VIEW_HELP,
    .hints = "{search} search  {back} back",
    .title = title,
    .draw = draw,
    .key = key,
    .mouse = mouse,
    .search = search,
    .close = close_view,
};

tui_view *tui_view_help_new(tui_app *app, const tui_view *for_view)
{
    help_view *hv = tt_calloc(1, sizeof(*hv));
    hv->for_id = for_view ? for_view->ops->id : TUI_VIEW_MODELS;
    hv->text = tui_text_new(0);
    tui_text_set_highlight(hv->text, highlight, NULL);
    build(hv, app);
    return tui_view_new(&ops, hv);
}
