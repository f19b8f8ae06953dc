#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fleet.h"
#include "tt_text.h"

#define MAX_LOG_SIZE (256u * 1024u * 1024u)

char *audit_default_path(void)
{
    const char *xdg = getenv("XDG_STATE_HOME");
    if (xdg && xdg[0] == '/')
        return tt_asprintf("%s/ttstui/audit.log", xdg);
    const char *home = getenv("HOME");
    return tt_asprintf("%s/.local/state/ttstui/audit.log", home ? home : "");
}

const char *audit_result_name(audit_result r)
{
    switch (r) {
    case AUDIT_FAILED: return "failed";
    case AUDIT_REFUSED: return "refused";
    case AUDIT_UNKNOWN: return "unknown";
    case AUDIT_OK: break;
    }
    return "ok";
}

static char *redacted(const char *msg, const char *const *redact, size_t n)
{
    if (!msg)
        return NULL;
    char *out = tt_strdup(msg);
    for (size_t i = 0; i < n; i++) {
        const char *s = redact[i];
        if (!s || !*s)
            continue;
        tt_buf b = TT_BUF_INIT;
        const char *p = out, *hit;
        while ((hit = strstr(p, s))) {
            tt_buf_append(&b, p, (size_t)(hit - p));
            tt_buf_puts(&b, "***");
            p = hit + strlen(s);
        }
        tt_buf_puts(&b, p);
        tt_free_secret(out);
        out = tt_buf_steal(&b);
    }
    return out;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static char *entry_line(const audit_entry *e, const char *const *redact, size_t n_redact)
{
    char when[32];
    fleet_format_rfc3339(e->time ? e->time : (long long)time(NULL), when);
    json_t *objects = json_array();
    for (size_t i = 0; i < e->n_objects; i++)
        json_array_append_new(objects, json_string(e->objects[i] ? e->objects[i] : "?"));
    char *msg = redacted(e->message, redact, n_redact);
    json_t *o = json_object();
    json_object_set_new(o, "time", json_string(when));
    json_object_set_new(o, "user", str_or_null(e->user));
    json_object_set_new(o, "context", str_or_null(e->context));
    json_object_set_new(o, "env", str_or_null(e->env));
    json_object_set_new(o, "model", str_or_null(e->model));
    json_object_set_new(o, "version", str_or_null(e->version));
    json_object_set_new(o, "action", str_or_null(e->action));
    json_object_set_new(o, "objects", objects);
    json_object_set_new(o, "result", json_string(audit_result_name(e->result)));
    json_object_set_new(o, "dry_run", json_boolean(e->dry_run));
    json_object_set_new(o, "message", str_or_null(msg));
    /* ENSURE_ASCII: the file is safe to cat (no raw C1 or bidi characters
     * from the cluster; control characters are escaped by JSON itself,
     * DEL here). */
    char *raw = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(o);
    tt_buf b = TT_BUF_INIT;
    tt_json_terminal_safe_append(&b, raw, strlen(raw));
    free(raw);
    char *line = tt_buf_steal(&b);
    tt_free_secret(msg);
    return line;
}

static int ensure_dir(const char *path, tt_error *err)
{
    char *dir = tt_strdup(path);
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (slash && slash != dir) {
        *slash = '\0';
        struct stat st;
        bool existed = stat(dir, &st) == 0;
        rc = tt_mkdir_p(dir, 0700, err);
        if (rc == 0 && !existed && chmod(dir, 0700) != 0) {
            tt_error_set(err, TT_EIO, "cannot set mode 0700 on %s: %s", dir, strerror(errno));
            rc = -1;
        }
    }
    free(dir);
    return rc;
}

int audit_append(const char *path, const audit_entry *e, const char *const *redact, size_t n_redact,
                 tt_error *err)
{
    char *def = path ? NULL : audit_default_path();
    const char *p = path ? path : def;
    int rc = -1;
    char *line = NULL;
    int fd = -1;
    if (ensure_dir(p, err) != 0)
        goto out;
    fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        tt_error_set(err, TT_EIO, "cannot open the audit log %s: %s", p, strerror(errno));
        goto out;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && (st.st_mode & 077) && fchmod(fd, 0600) != 0) {
        tt_error_set(err, TT_EIO, "cannot set mode 0600 on the audit log %s: %s", p, strerror(errno));
        goto out;
    }
    char *json = entry_line(e, redact, n_redact);
    line = tt_asprintf("%s\n", json);
    free(json);
    size_t len = strlen(line);
    /* one write() per line: O_APPEND keeps concurrent lines whole */
    ssize_t w = write(fd, line, len);
    if (w < 0 || (size_t)w != len) {
        tt_error_set(err, TT_EIO, "cannot write the audit log %s: %s", p,
                     w < 0 ? strerror(errno) : "short write");
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    free(line);
    free(def);
    return rc;
}

static char *dup_field(const json_t *o, const char *key)
{
    return tt_strdup(json_string_value(json_object_get(o, key)));
}

static bool parse_line(const char *line, size_t len, audit_entry *e)
{
    json_t *o = json_loadb(line, len, 0, NULL);
    if (!json_is_object(o) || !json_is_string(json_object_get(o, "action"))) {
        json_decref(o);
        return false;
    }
    memset(e, 0, sizeof *e);
    e->time = fleet_parse_rfc3339(json_string_value(json_object_get(o, "time")));
    e->user = dup_field(o, "user");
    e->context = dup_field(o, "context");
    e->env = dup_field(o, "env");
    e->model = dup_field(o, "model");
    e->version = dup_field(o, "version");
    e->action = dup_field(o, "action");
    e->message = dup_field(o, "message");
    const char *result = json_string_value(json_object_get(o, "result"));
    e->result = tt_streq(result, "ok")        ? AUDIT_OK
                : tt_streq(result, "refused") ? AUDIT_REFUSED
                : tt_streq(result, "unknown") ? AUDIT_UNKNOWN
                                              : AUDIT_FAILED;
    e->dry_run = json_is_true(json_object_get(o, "dry_run"));
    const json_t *objects = json_object_get(o, "objects");
    size_t i;
    const json_t *v;
    e->objects = tt_calloc(json_array_size(objects) + 1, sizeof *e->objects);
    json_array_foreach(objects, i, v)
        if (json_is_string(v))
            e->objects[e->n_objects++] = tt_strdup(json_string_value(v));
    json_decref(o);
    return true;
}

audit_entry *audit_read_last(const char *path, size_t n, size_t *count, tt_error *err)
{
    *count = 0;
    char *def = path ? NULL : audit_default_path();
    const char *p = path ? path : def;
    struct stat st;
    if (stat(p, &st) != 0 && errno == ENOENT) {
        free(def);
        return tt_calloc(1, sizeof(audit_entry));
    }
    size_t len = 0;
    char *text = tt_read_file(p, &len, MAX_LOG_SIZE, err);
    free(def);
    if (!text)
        return NULL;
    audit_entry *out = tt_calloc(n ? n : 1, sizeof *out);
    /* walk lines backwards, keep the last n valid ones */
    size_t found = 0, end = len;
    while (end > 0 && found < n) {
        size_t start = end;
        while (start > 0 && text[start - 1] != '\n')
            start--;
        if (end > start && parse_line(text + start, end - start, &out[n - 1 - found]))
            found++;
        end = start > 0 ? start - 1 : 0;
    }
    free(text);
    if (found < n)
        memmove(out, out + (n - found), found * sizeof *out);
    *count = found;
    return out;
}

void audit_entries_free(audit_entry *entries, size_t n)
{
    for (size_t i = 0; entries && i < n; i++) {
        audit_entry *e = &entries[i];
        free(e->user);
        free(e->context);
        free(e->env);
        free(e->model);
        free(e->version);
        free(e->action);
        free(e->message);
        for (size_t j = 0; j < e->n_objects; j++)
            free(e->objects[j]);
        free(e->objects);
    }
    free(entries);
}

enum { COL_TIME, COL_USER, COL_CONTEXT, COL_ENV, COL_MODEL, COL_VERSION, COL_ACTION, COL_RESULT,
       COL_OBJECTS, COL_MESSAGE, N_COLS };

static void row_cells(const audit_entry *e, char *cells[N_COLS])
{
    char when[32];
    fleet_format_rfc3339(e->time, when);
    cells[COL_TIME] = tt_strdup(when);
    cells[COL_USER] = tt_strdup(e->user ? e->user : "-");
    cells[COL_CONTEXT] = tt_strdup(e->context ? e->context : "-");
    cells[COL_ENV] = tt_strdup(e->env ? e->env : "-");
    cells[COL_MODEL] = tt_strdup(e->model ? e->model : "-");
    cells[COL_VERSION] = tt_strdup(e->version ? e->version : "-");
    cells[COL_ACTION] = tt_asprintf("%s%s", e->action ? e->action : "-", e->dry_run ? " (dry run)" : "");
    cells[COL_RESULT] = tt_strdup(audit_result_name(e->result));
    cells[COL_OBJECTS] = tt_asprintf("%zu", e->n_objects);
    cells[COL_MESSAGE] = tt_strdup(e->message ? e->message : "");
}

char *audit_format_table(const audit_entry *entries, size_t n)
{
    static const char *const head[N_COLS] = {"TIME", "USER", "CONTEXT", "ENV", "MODEL", "VERSION",
                                             "ACTION", "RESULT", "OBJECTS", "MESSAGE"};
    char *(*rows)[N_COLS] = tt_calloc(n + 1, sizeof *rows);
    size_t width[N_COLS];
    for (int c = 0; c < N_COLS; c++) {
        rows[0][c] = tt_strdup(head[c]);
        width[c] = strlen(head[c]);
    }
    for (size_t i = 0; i < n; i++) {
        row_cells(&entries[i], rows[i + 1]);
        for (int c = 0; c < N_COLS; c++)
            if (strlen(rows[i + 1][c]) > width[c])
                width[c] = strlen(rows[i + 1][c]);
    }
    tt_buf b = TT_BUF_INIT;
    for (size_t r = 0; r <= n; r++) {
        for (int c = 0; c < N_COLS; c++) {
            if (c == N_COLS - 1)
                tt_buf_puts(&b, rows[r][c]);
            else
                tt_buf_printf(&b, "%-*s  ", (int)width[c], rows[r][c]);
            free(rows[r][c]);
        }
        while (b.len && b.data[b.len - 1] == ' ')
            b.data[--b.len] = '\0';
        tt_buf_putc(&b, '\n');
    }
    free(rows);
    return tt_buf_steal(&b);
}
