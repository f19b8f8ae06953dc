/* View 12: a repository's tags (C-t on the deploy form's image field);
 * Enter picks one (the form resolves it to its digest), / filters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "w_list.h"

static const tui_list_column columns[1] = {{"TAG", 20, 1, false, false}};

typedef struct tags_view {
    char *image;
    char **tags;
    size_t n;
    tui_list *list;
    void (*pick)(void *ud, tui_app *app, const char *tag);
    void *ud;
} tags_view;

static size_t src_count(void *ctx)
{
    return ((tags_view *)ctx)->n;
}

static const char *src_key(void *ctx, size_t r)
{
    tags_view *tv = ctx;
    return r < tv->n ? tv->tags[r] : NULL;
}

static const char *src_cell(void *ctx, size_t r, int col, tui_role *role, char *buf, size_t size)
{
    (void)col;
    (void)role;
    (void)buf;
    (void)size;
    tags_view *tv = ctx;
    return r < tv->n ? tv->tags[r] : "";
}

static const tui_list_source source = {src_count, src_cell, src_key, NULL};

static void title(tui_view *v, char *buf, size_t size)
{
    snprintf(buf, size, "Tags of %s", ((tags_view *)v->data)->image);
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    (void)app;
    tags_view *tv = v->data;
    tui_draw_fill(w, y, x, width, TUI_ROLE_NORMAL);
    tui_draw_textf(w, y, x + 1, width - 1, TUI_ROLE_TITLE, "%zu tags of %s: Enter picks one",
                   tv->n, tv->image);
    tui_list_draw(tv->list, w, y + 1, x, h - 1, width);
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    (void)k;
    tags_view *tv = v->data;
    if (tui_list_action(tv->list, act))
        return true;
    if (act != TUI_ACT_OPEN)
        return false;
    size_t r = tui_list_selected(tv->list);
    if (r >= tv->n)
        return true;
    char *tag = tt_strdup(tv->tags[r]);
    void (*pick)(void *, tui_app *, const char *) = tv->pick;
    void *ud = tv->ud;
    tui_app_pop(app); /* frees tv */
    pick(ud, app, tag);
    free(tag);
    return true;
}

static void view_filter(tui_view *v, tui_app *app, const char *text)
{
    (void)app;
    tui_list_set_filter(((tags_view *)v->data)->list, text);
}

static void close_view(tui_view *v, tui_app *app)
{
    (void)app;
    tags_view *tv = v->data;
    for (size_t i = 0; i < tv->n; i++)
        free(tv->tags[i]);
    free(tv->tags);
    free(tv->image);
    tui_list_free(tv->list);
    free(tv);
}

static const tui_view_ops ops = {
    .id = TUI_VIEW_TAGS,
    .hints = "{open} pick  {filter} filter  {back} back",
    .title = title,
    .draw = draw,
    .key = key,
    .filter = view_filter,
    .close = close_view,
};

tui_view *tui_view_tags_new(tui_app *app, const char *image, const char *const *tags, size_t n,
                            void (*pick)(void *ud, tui_app *app, const char *tag), void *ud)
{
    (void)app;
    tags_view *tv = tt_calloc(1, sizeof(*tv));
    tv->image = tt_strdup(image);
    tv->tags = tt_calloc(n ? n : 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        tv->tags[tv->n++] = tt_strdup(tags[i]);
    tv->pick = pick;
    tv->ud = ud;
    tv->list = tui_list_new(columns, 1, &source, tv);
    tui_list_refresh(tv->list);
    return tui_view_new(&ops, tv);
}
