/*
 * The audit log: one JSON object per line for every apply, delete,
 * rollback and pin, appended to $XDG_STATE_HOME/ttstui/audit.log
 * (default ~/.local/state/ttstui/audit.log; directory 0700, file 0600,
 * O_APPEND so concurrent ttstui processes never interleave a line).
 *
 *   {"time":"2024-05-02T12:00:00Z","user":"ops@example.com",
 *    "context":"gke_..._prod","env":"prod","model":"v3","version":"4",
 *    "action":"apply","objects":["Namespace/v3","Service/stream"],
 *    "result":"ok","dry_run":false,"message":"..."}
 *
 * Never a secret: objects are kind/name only, and the message is scrubbed
 * of the values the caller lists. Reading back serves `ttstui audit`.
 */
#ifndef AUDIT_H
#define AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "tt_common.h"

typedef enum audit_result {
    AUDIT_OK = 0,
    AUDIT_FAILED,
    AUDIT_REFUSED,
    AUDIT_UNKNOWN, /* a write's answer was lost and a read could not confirm it */
} audit_result;

typedef struct audit_entry {
    long long time; /* unix seconds; 0 when appending = now */
    char *user;     /* kube user name; may be NULL */
    char *context;
    char *env;
    char *model;
    char *version;  /* may be NULL (delete, pin) */
    char *action;   /* apply, delete, rollback, pin */
    char **objects; /* "Kind/name" */
    size_t n_objects;
    audit_result result;
    bool dry_run;
    char *message;  /* may be NULL */
} audit_entry;

/* $XDG_STATE_HOME/ttstui/audit.log when XDG_STATE_HOME is absolute, else
 * $HOME/.local/state/ttstui/audit.log. Caller frees. */
char *audit_default_path(void);

/*
 * Appends e as one line to path (NULL = default path), creating the
 * directory (0700) and the file (0600; a looser existing file is
 * tightened; a symlink at path is refused). Every occurrence of the n_redact values (e.g. the API keys
 * of this release) in the message becomes "***". e is not taken over.
 * 0, or -1 with err naming the path.
 */
int audit_append(const char *path, const audit_entry *e, const char *const *redact, size_t n_redact,
                 tt_error *err);

/*
 * The last n entries (oldest first) of path (NULL = default path); a
 * missing file is no entries. Lines that are not audit JSON are skipped.
 * *count = entries returned. NULL with err on a read error. Free with
 * audit_entries_free.
 */
audit_entry *audit_read_last(const char *path, size_t n, size_t *count, tt_error *err);
void audit_entries_free(audit_entry *entries, size_t n);

/* "ok", "failed", "refused". */
const char *audit_result_name(audit_result r);

/* A table for `ttstui audit`: header TIME USER CONTEXT ENV MODEL VERSION
 * ACTION RESULT OBJECTS MESSAGE, columns padded, "(dry run)" after the
 * action for dry runs, "-" for missing values. Caller frees. */
char *audit_format_table(const audit_entry *entries, size_t n);

#endif
