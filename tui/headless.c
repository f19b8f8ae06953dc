#include "headless.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "term.h"

static void settle(tui_app *app)
{
    tui_app_process_messages(app);
    tui_app_render(app);
}

static bool screen_has(const char *text)
{
    char *s = tui_term_dump();
    bool found = strstr(s, text) != NULL;
    free(s);
    return found;
}

/* Waits up to ms for the queue, handling messages as they come. */
static void run_for(tui_app *app, long long ms, const char *until)
{
    long long deadline = tt_now_ms() + ms;
    for (;;) {
        settle(app);
        if (until && screen_has(until))
            return;
        long long left = deadline - tt_now_ms();
        if (left <= 0 || tui_app_quitting(app))
            return;
        struct pollfd pfd = {tui_app_queue_fd(app), POLLIN, 0};
        poll(&pfd, 1, left > 50 ? 50 : (int)left);
    }
}

/* Reads a "quoted" argument; returns a new string or NULL. */
static char *quoted_arg(const char *p, const char **rest)
{
    while (*p == ' ')
        p++;
    if (*p != '"')
        return NULL;
    const char *end = strchr(p + 1, '"');
    if (!end)
        return NULL;
    if (rest)
        *rest = end + 1;
    return tt_strndup(p + 1, (size_t)(end - p - 1));
}

static int type_keys(tui_app *app, const char *p, const char *where, tt_error *err)
{
    size_t len = strlen(p);
    for (size_t i = 0; i < len && !tui_app_quitting(app);) {
        if (p[i] == '<') {
            const char *close = strchr(p + i, '>');
            if (!close) {
                tt_error_set(err, TT_EINVAL, "%s: '<' without '>' (type <lt> for a '<')", where);
                return -1;
            }
            char *tok = tt_strndup(p + i + 1, (size_t)(close - p - i - 1));
            int row, col;
            char kind[32];
            if (sscanf(tok, "%31[A-Za-z]:%d,%d", kind, &row, &col) == 3) {
                tui_mouse_kind mk;
                if (strcmp(kind, "Click") == 0)
                    mk = TUI_MOUSE_CLICK;
                else if (strcmp(kind, "DoubleClick") == 0)
                    mk = TUI_MOUSE_DOUBLE_CLICK;
                else if (strcmp(kind, "WheelUp") == 0)
                    mk = TUI_MOUSE_WHEEL_UP;
                else if (strcmp(kind, "WheelDown") == 0)
                    mk = TUI_MOUSE_WHEEL_DOWN;
                else {
                    tt_error_set(err, TT_EINVAL, "%s: unknown mouse event <%s>", where, tok);
                    free(tok);
                    return -1;
                }
                tui_app_handle_mouse(app, row, col, mk);
            } else if (strcmp(tok, "lt") == 0) {
                tui_app_handle_key(app, '<');
            } else {
                char name[64];
                snprintf(name, sizeof(name), "<%s>", tok);
                tui_key k = tui_key_parse(name);
                if (k < 0) {
                    tt_error_set(err, TT_EINVAL, "%s: unknown key <%s>", where, tok);
                    free(tok);
                    return -1;
                }
                tui_app_handle_key(app, k);
            }
            free(tok);
            i = (size_t)(close - p) + 1;
        } else {
            int cp;
            i += tui_utf8_decode(p + i, len - i, &cp);
            tui_app_handle_key(app, cp);
        }
        settle(app);
    }
    return 0;
}

/* A screen can hold revealed secrets: the dump is private (0600). */
static int write_dump(const char *path, tt_error *err)
{
    char *s = tui_term_dump();
    int rc = tt_write_file_private(path, s, strlen(s), err);
    if (rc < 0)
        tt_error_prefix(err, "cannot write the screen dump");
    free(s);
    return rc;
}

static int run_line(tui_app *app, char *line, const char *where, tt_error *err)
{
    const char *rest = NULL;
    if (tt_str_has_prefix(line, ":wait-for ")) {
        char *text = quoted_arg(line + 10, &rest);
        if (!text) {
            tt_error_set(err, TT_EINVAL, "%s: :wait-for needs a \"quoted text\"", where);
            return -1;
        }
        long ms = rest && *rest ? strtol(rest, NULL, 10) : 5000;
        run_for(app, ms > 0 ? ms : 5000, text);
        bool ok = screen_has(text);
        if (!ok)
            tt_error_set(err, TT_ETIMEDOUT, "%s: \"%s\" did not appear within %ld ms", where, text,
                         ms > 0 ? ms : 5000);
        free(text);
        return ok ? 0 : -1;
    }
    if (tt_str_has_prefix(line, ":expect ") || tt_str_has_prefix(line, ":expect-not ")) {
        bool negate = tt_str_has_prefix(line, ":expect-not ");
        char *text = quoted_arg(line + (negate ? 12 : 8), NULL);
        if (!text) {
            tt_error_set(err, TT_EINVAL, "%s: needs a \"quoted text\"", where);
            return -1;
        }
        settle(app);
        bool has = screen_has(text);
        if (has == negate)
            tt_error_set(err, TT_EINVAL, "%s: \"%s\" is %s on the screen", where, text,
                         negate ? "still" : "not");
        free(text);
        return has == negate ? -1 : 0;
    }
    if (tt_str_has_prefix(line, ":dump ")) {
        settle(app);
        return write_dump(line + 6, err);
    }
    if (tt_str_has_prefix(line, ":resize ")) {
        int cols, rows;
        if (sscanf(line + 8, "%dx%d", &cols, &rows) != 2 || cols < 1 || rows < 1) {
            tt_error_set(err, TT_EINVAL, "%s: :resize COLSxROWS, e.g. :resize 80x24", where);
            return -1;
        }
        tui_term_resize(rows, cols);
        tui_app_resized(app);
        settle(app);
        return 0;
    }
    if (tt_str_has_prefix(line, ":sleep ")) {
        run_for(app, strtol(line + 7, NULL, 10), NULL);
        return 0;
    }
    return type_keys(app, line, where, err);
}

int tui_headless_run(tui_app *app, const char *script_path, const char *dump_path, char **screen,
                     tt_error *err)
{
    *screen = NULL;
    char *script = tt_read_file(script_path, NULL, 0, err);
    if (!script)
        return -1;
    settle(app);
    int rc = 0;
    int lineno = 0;
    for (char *line = script; line && !tui_app_quitting(app);) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
            line[--n] = '\0';
        if (n && line[0] != '#') {
            char where[512];
            snprintf(where, sizeof(where), "%s:%d", script_path, lineno);
            if (run_line(app, line, where, err) < 0) {
                rc = -1;
                break;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    free(script);
    settle(app);
    if (rc < 0)
        *screen = tui_term_dump();
    if (dump_path && write_dump(dump_path, rc < 0 ? NULL : err) < 0 && rc == 0)
        rc = -1;
    return rc;
}
