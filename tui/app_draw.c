/* The app's header (context, env, connection, breadcrumb), its status
 * line with the `:`/`/` prompt or the view's key hints, and the screen
 * shown when the terminal is too small. */
#include "app_priv.h"

#include <stdio.h>
#include <string.h>

#include "draw.h"

static const char *conn_text(tui_conn_state s)
{
    switch (s) {
    case TUI_CONN_NOT_WIRED: return "not connected: cluster connection not wired yet";
    case TUI_CONN_CONNECTING: return "connecting";
    case TUI_CONN_CONNECTED: return "connected";
    case TUI_CONN_RECONNECTING: return "reconnecting";
    case TUI_CONN_FAILED: return "connection failed";
    }
    return "?";
}

void app_draw_header(tui_app *app)
{
    int w = COLS;
    tui_draw_fill(stdscr, 0, 0, w, TUI_ROLE_HEADER);
    int x = 0;
    x += tui_draw_text(stdscr, 0, x, w - x, TUI_ROLE_HEADER, " ttstui", false);
    x += tui_draw_textf(stdscr, 0, x, w - x, TUI_ROLE_HEADER, "  ctx %s",
                        app->context ? app->context : "-");
    x += tui_draw_text(stdscr, 0, x, w - x, TUI_ROLE_HEADER, "  env ", false);
    const char *env = app->env ? app->env : "-";
    tui_role env_role = tt_streq(env, "prod")      ? TUI_ROLE_BANNER_PROD
                        : tt_streq(env, "staging") ? TUI_ROLE_BANNER_STAGING
                                                   : TUI_ROLE_HEADER;
    x += tui_draw_textf(stdscr, 0, x, w - x, env_role, "%s%s%s", env_role == TUI_ROLE_HEADER ? "" : " ",
                        env, env_role == TUI_ROLE_HEADER ? "" : " ");
    if (tui_app_readonly(app))
        x += tui_draw_text(stdscr, 0, x, w - x, TUI_ROLE_HEADER, "  [read-only]", false);
    tui_role conn_role = app->conn == TUI_CONN_CONNECTED ? TUI_ROLE_HEADER : TUI_ROLE_HEADER;
    x += tui_draw_textf(stdscr, 0, x, w - x, conn_role, "  %s %s",
                        tui_sym_text(app->conn == TUI_CONN_CONNECTED ? TUI_SYM_DOT
                                     : app->conn == TUI_CONN_FAILED  ? TUI_SYM_CROSS
                                                                     : TUI_SYM_ELLIPSIS),
                        conn_text(app->conn));
    if (app->conn_message && *app->conn_message && app->conn != TUI_CONN_CONNECTED)
        x += tui_draw_textf(stdscr, 0, x, w - x, TUI_ROLE_HEADER, ": %s", app->conn_message);
    /* Breadcrumb of the view stack, right-aligned when it fits. */
    char crumb[256] = "";
    if (app->top && app->top->ops->title)
        app->top->ops->title(app->top, crumb, sizeof(crumb));
    int cw = tui_utf8_width(crumb, (size_t)-1);
    if (cw && x + 2 + cw + 1 <= w)
        tui_draw_text(stdscr, 0, w - cw - 1, cw, TUI_ROLE_HEADER, crumb, false);
}

/* The key an action shows in a footer: its first key (in a text-entry
 * view its first non-printable one, as printable keys type; with prefer_text
 * its first printable one when it has one; with skip_esc any but Esc),
 * without angle brackets. False when the action has no key to show. */
static bool hint_key(const tui_keymap *km, tui_action a, bool text_entry, bool prefer_text,
                     bool skip_esc, char *buf, size_t size)
{
    size_t n = tui_keymap_key_count(km, a);
    tui_key pick = -1;
    for (size_t i = 0; i < n; i++) {
        tui_key k = tui_keymap_key_at(km, a, i);
        if ((text_entry && tui_key_is_text(k)) || (skip_esc && k == TUI_KEY_ESC))
            continue;
        if (pick < 0)
            pick = k;
        if (prefer_text && tui_key_is_text(k)) {
            pick = k;
            break;
        }
    }
    if (pick < 0)
        return false;
    char name[32];
    tui_key_name(pick, name, sizeof(name));
    size_t len = strlen(name);
    if (len > 2 && name[0] == '<' && name[len - 1] == '>')
        snprintf(buf, size, "%.*s", (int)(len - 2), name + 1);
    else
        snprintf(buf, size, "%s", name);
    return true;
}

void tui_hints_expand(const tui_keymap *km, const char *tmpl, bool text_entry, bool readonly,
                      char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    const char *p = tmpl ? tmpl : "";
    while (*p) {
        const char *end = strstr(p, "  ");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char item[160], out[160];
        snprintf(item, sizeof(item), "%.*s", (int)n, p);
        size_t o = 0;
        bool keep = true;
        for (const char *q = item; *q && keep && o + 1 < sizeof(out);) {
            const char *close = *q == '{' ? strchr(q, '}') : NULL;
            if (!close) {
                out[o++] = *q++;
                continue;
            }
            char names[64], key[32];
            snprintf(names, sizeof(names), "%.*s", (int)(close - q - 1), q + 1);
            bool found = false; /* the first alternative ("a|b") with a key */
            for (char *save = NULL, *name = strtok_r(names, "|", &save); name && !found;
                 name = strtok_r(NULL, "|", &save)) {
                char *colon = strchr(name, ':');
                bool prefer_text = colon && tt_streq(colon + 1, "text");
                bool skip_esc = colon && tt_streq(colon + 1, "noesc");
                if (colon)
                    *colon = '\0';
                tui_action a = tui_action_by_name(name);
                const tui_action_info *ai = tui_action_info_at(a);
                found = ai && !(readonly && ai->mutating) &&
                        hint_key(km, a, text_entry, prefer_text || skip_esc, skip_esc, key,
                                 sizeof(key));
            }
            if (!found) {
                keep = false;
                break;
            }
            int w = snprintf(out + o, sizeof(out) - o, "%s", key);
            o += w > 0 ? (size_t)w : 0;
            if (o >= sizeof(out))
                o = sizeof(out) - 1;
            q = close + 1;
        }
        out[o] = '\0';
        if (keep && o) {
            int w = snprintf(buf + used, size - used, "%s%s", used ? "  " : "", out);
            if (w < 0 || (size_t)w >= size - used)
                break;
            used += (size_t)w;
        }
        p += n;
        while (*p == ' ')
            p++;
    }
}

static void hints_for(tui_app *app, char *buf, size_t size)
{
    const tui_view_ops *ops = app->top ? app->top->ops : NULL;
    const char *h = !ops                                            ? ""
                    : tui_app_readonly(app) && ops->hints_readonly ? ops->hints_readonly
                    : ops->hints ? ops->hints
                                 : "";
    tui_hints_expand(app->keymap, h, ops && ops->text_entry, tui_app_readonly(app), buf, size);
}

void app_draw_status(tui_app *app)
{
    int y = LINES - app->status_rows;
    if (app->prompt != PROMPT_NONE) {
        const char *lead = app->prompt == PROMPT_COMMAND ? ":" : "/";
        tui_draw_fill(stdscr, y, 0, COLS, TUI_ROLE_NORMAL);
        tui_draw_text(stdscr, y, 0, 1, TUI_ROLE_TITLE, lead, false);
        int cx = tui_line_draw(&app->prompt_line, stdscr, y, 1, COLS - 1, TUI_ROLE_NORMAL);
        tui_app_set_cursor(app, y, 1 + cx);
        return;
    }
    char hints[256];
    hints_for(app, hints, sizeof(hints));
    tui_status_draw(&app->status, stdscr, y, 0, COLS, app->status_rows, hints);
}

void app_draw_too_small(void)
{
    erase();
    char line1[64], line2[64];
    snprintf(line1, sizeof(line1), "Terminal too small: %dx%d", COLS, LINES);
    snprintf(line2, sizeof(line2), "need %dx%d", TUI_MIN_COLS, TUI_MIN_ROWS);
    const char *lines[] = {line1, line2, "q quits"};
    for (int i = 0; i < 3 && i < LINES; i++)
        tui_draw_text(stdscr, i, 0, COLS, i == 0 ? TUI_ROLE_WARNING : TUI_ROLE_NORMAL, lines[i],
                      false);
}

bool app_too_small(void)
{
    return COLS < TUI_MIN_COLS || LINES < TUI_MIN_ROWS;
}
