/* ttstui image resolve IMAGE... | image tags REPOSITORY: the registry. */
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"
#include "registry_client.h"
#include "registry_ref.h"

registry_client *cli_registry_client(const cli_session *s)
{
    registry_options ro = {0};
    /* one request's limit: image's --timeout, else --request-timeout, else
     * the settings' request_timeout, else the client's 30 s */
    long long limit = s->o->timeout_set && s->o->cmd == CLI_CMD_IMAGE ? s->o->timeout_ms
                      : s->o->request_timeout_ms > 0                  ? s->o->request_timeout_ms
                      : s->cfg                                        ? s->cfg->request_timeout_ms
                                                                      : 0;
    if (limit > 0)
        ro.timeout_ms = limit > 0x7fffffff ? 0x7fffffff : (long)limit;
    return registry_client_new(&ro);
}

static int resolve(cli_session *s)
{
    const cli_opts *o = s->o;
    /* Every reference is checked before the first request. */
    int bad = 0;
    for (size_t i = 1; i < o->n_args; i++) {
        registry_ref ref;
        char why[256];
        if (!registry_ref_parse(o->args[i], &ref, why, sizeof why)) {
            cli_errorf(s->cmd, "\"%s\" is not an image reference: %s", o->args[i], why);
            bad++;
        }
    }
    if (bad)
        return CLI_EXIT_USAGE;
    registry_client *c = cli_registry_client(s);
    int rc = CLI_EXIT_OK;
    for (size_t i = 1; i < o->n_args; i++) {
        char *out = NULL;
        tt_error err;
        tt_error_clear(&err);
        if (registry_resolve(c, o->args[i], &out, &err) < 0) {
            cli_error(s->cmd, &err);
            rc = CLI_EXIT_FAILED;
            continue;
        }
        cli_out("%s\n", out);
        free(out);
    }
    registry_client_free(c);
    return rc;
}

static int tags(cli_session *s)
{
    const char *repo = s->o->args[1];
    registry_ref ref;
    char why[256];
    if (!registry_ref_parse(repo, &ref, why, sizeof why)) {
        cli_errorf(s->cmd, "\"%s\" is not a repository: %s", repo, why);
        return CLI_EXIT_USAGE;
    }
    registry_client *c = cli_registry_client(s);
    char **list = NULL;
    size_t n = 0;
    tt_error err;
    tt_error_clear(&err);
    int rc = CLI_EXIT_OK;
    if (registry_list_tags(c, repo, &list, &n, &err) < 0) {
        cli_error(s->cmd, &err);
        rc = CLI_EXIT_FAILED;
    } else {
        for (size_t i = 0; i < n; i++)
            cli_out("%s\n", list[i]); /* registry text: cleaned by cli_out */
        registry_tags_free(list, n);
    }
    registry_client_free(c);
    return rc;
}

int cli_cmd_image(cli_session *s)
{
    return strcmp(s->o->args[0], "tags") == 0 ? tags(s) : resolve(s);
}
