/*
 * ttstui render: what would be applied, as a YAML stream `kubectl apply -f -`
 * reads, or -o json (one array).
 *
 * Secrets: render exists to show exactly what would be applied (as
 * `jsonnet -y` did), so on a pipe or a file the Secret values are written
 * as they are. On a terminal they are masked unless --show-secrets, so a
 * screen, a screen share or a terminal log never shows them by accident.
 */
#include <stdlib.h>
#include <unistd.h>

#include "cli_internal.h"
#include "manifest_yaml.h"
#include "mask.h"

int cli_cmd_render(cli_session *s)
{
    cli_release r;
    int rc = cli_release_load(s, &r, NULL); /* nothing read from the cluster */
    if (rc != CLI_EXIT_OK) {
        cli_release_clear(&r);
        return rc;
    }
    bool mask = isatty(STDOUT_FILENO) == 1 && !s->o->show_secrets;
    json_t *shown = mask ? mask_object(r.objects) : json_incref(r.objects);
    char *text;
    tt_error err;
    tt_error_clear(&err);
    if (s->o->output == CLI_OUTPUT_JSON)
        text = manifest_json_dump(shown);
    else
        text = manifest_yaml_emit(shown, 0, &err);
    json_decref(shown);
    if (!text) {
        rc = cli_fail(s->cmd, &err);
    } else {
        /* To a pipe the bytes stay exact (kubectl apply -f -); on a
         * terminal they are cleaned like every other output. */
        if (mask)
            cli_out("%s", text);
        else
            fputs(text, stdout);
        if (fflush(stdout) != 0) {
            cli_errorf(s->cmd, "could not write the output");
            rc = CLI_EXIT_FAILED;
        }
        tt_free_secret(text);
        if (mask)
            cli_warn(s->cmd, "Secret values are masked (" MASK_MARKER ") on a terminal; pipe "
                             "or redirect the output, or pass --show-secrets, to get them");
    }
    cli_release_clear(&r);
    return rc;
}
