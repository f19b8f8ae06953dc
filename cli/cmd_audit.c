/* ttstui audit: the last entries of the audit log. */
#include <stdlib.h>

#include "audit.h"
#include "cli_internal.h"

int cli_cmd_audit(cli_session *s)
{
    tt_error err;
    tt_error_clear(&err);
    size_t n = 0;
    audit_entry *e = audit_read_last(NULL, (size_t)s->o->count, &n, &err);
    if (!e && err.code != TT_OK)
        return cli_fail(s->cmd, &err);
    if (n == 0) {
        char *path = audit_default_path();
        cli_out("no audit entries yet (%s)\n", path);
        free(path);
    } else {
        char *table = audit_format_table(e, n);
        cli_out("%s", table);
        free(table);
    }
    audit_entries_free(e, n);
    return CLI_EXIT_OK;
}
