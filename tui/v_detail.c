/* View 10: the whole text of one condition or event (Enter on it in the
 * revision or model view), wrapped, searchable; Esc goes back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "v_common.h"
#include "v_text.h"
#include "w_text.h"

typedef struct detail_view {
    char *title;
    tui_text *text;
} detail_view;

static size_t highlight(void *ctx, const char *line, tui_span *spans, size_t max)
{
    (void)ctx;
    /* "Field:  value": the field name as a key */
    const char *colon = strstr(line, ":  ");
    if (!max || !colon || line[0] == ' ')
        return 0;
    spans[0] = (tui_span){0, (size_t)(colon - line) + 1, TUI_ROLE_YAML_KEY};
    return 1;
}

static void title(tui_view *v, char *buf, size_t size)
{
    snprintf(buf, size, "%s", ((detail_view *)v->data)->title);
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    (void)app;
    tui_view_text_draw(((detail_view *)v->data)->text, w, y, x, h, width);
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    (void)app;
    (void)k;
    return tui_view_text_key(((detail_view *)v->data)->text, act);
}

static bool mouse(tui_view *v, tui_app *app, int y, int x, tui_mouse_kind kind)
{
    (void)app;
    (void)x;
    (void)y;
    return tui_view_text_wheel(((detail_view *)v->data)->text, kind);
}

static void search(tui_view *v, tui_app *app, const char *text)
{
    tui_view_text_search(app, ((detail_view *)v->data)->text, text);
}

static void close_view(tui_view *v, tui_app *app)
{
    (void)app;
    detail_view *dv = v->data;
    tui_text_free(dv->text);
    free(dv->title);
    free(dv);
}

static const tui_view_ops ops = {
    .id = TUI_VIEW_DETAIL,
    .hints = "{wrap} wrap  {search} search  {back} back",
    .title = title,
    .draw = draw,
    .key = key,
    .mouse = mouse,
    .search = search,
    .close = close_view,
};

/* "Field:  value" lines; a NULL or empty value is left out. */
static void field(tui_text *t, const char *name, const char *value)
{
    if (!value || !*value)
        return;
    char *line = tt_asprintf("%s:  %s", name, value);
    tui_text_append_text(t, line);
    free(line);
}

static tui_view *detail_new(char *title_text, tui_text *t)
{
    detail_view *dv = tt_calloc(1, sizeof(*dv));
    dv->title = title_text;
    dv->text = t;
    tui_text_set_highlight(t, highlight, NULL);
    tui_text_set_wrap(t, true);
    return tui_view_new(&ops, dv);
}

tui_view *tui_view_condition_new(tui_app *app, const char *revision, const tui_condition *c)
{
    (void)app;
    tui_text *t = tui_text_new(0);
    field(t, "Condition", c->type);
    field(t, "Status", c->status);
    field(t, "Reason", c->reason);
    if (c->last_transition) {
        char when[64];
        field(t, "Since", tui_fmt_time(c->last_transition, when, sizeof when));
    }
    tui_text_append(t, "");
    tui_text_append_text(t, c->message && *c->message ? c->message : "(no message)");
    return detail_new(tt_asprintf("%s > %s", revision, c->type ? c->type : "condition"), t);
}

tui_view *tui_view_event_new(tui_app *app, const char *model, const tui_event *e)
{
    (void)app;
    tui_text *t = tui_text_new(0);
    field(t, "Type", e->warning ? "Warning" : "Normal");
    field(t, "Reason", e->reason);
    field(t, "Object", e->object);
    char buf[64];
    if (e->count > 1) {
        snprintf(buf, sizeof buf, "%d", e->count);
        field(t, "Count", buf);
    }
    if (e->last_seen)
        field(t, "Last seen", tui_fmt_time(e->last_seen, buf, sizeof buf));
    tui_text_append(t, "");
    tui_text_append_text(t, e->message && *e->message ? e->message : "(no message)");
    return detail_new(tt_asprintf("%s > event %s", model, e->reason ? e->reason : ""), t);
}

tui_view *tui_view_file_entry_new(tui_app *app, const tui_files_plan *p, const tui_files_entry *e)
{
    (void)app;
    tui_text *t = tui_text_new(0);
    field(t, "Model", e->model);
    field(t, "Files", tui_file_state_text(e->state));
    field(t, "File", e->file ? e->file : "(none: a live model without a file)");
    field(t, "Version", e->version);
    field(t, "Env", p->env);
    tui_text_append(t, "");
    if (e->state == TUI_FILE_DRIFT) {
        tui_text_append(t, "What differs, the cluster's value → the file's:");
        for (size_t i = 0; i < e->n_changes; i++) {
            char *line = tt_asprintf("  %s", e->changes[i]);
            tui_text_append_text(t, line);
            free(line);
        }
    } else if (e->state == TUI_FILE_FILE_ONLY) {
        tui_text_append_text(t, "No namespace for this model yet: applying its file creates it.");
    } else if (e->state == TUI_FILE_NO_FILE) {
        tui_text_append_text(t, "Live in the cluster, with no file: ttstui export writes one.");
    } else {
        tui_text_append_text(t, "The cluster runs what the file says.");
    }
    return detail_new(tt_asprintf("plan > %s", e->model), t);
}
