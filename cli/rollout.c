/*
 * `apply --wait`: follows the exact revisions a release creates (the
 * engine is ops/rollout.c) and prints each state change and, for a failed
 * revision, its latest Warning events.
 */
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"

typedef struct printer {
    cli_session *s;
    const char *const *revisions;
    bool reported_error;
} printer;

static void changed(size_t i, const health_revision *rev, const json_t *events, void *ud)
{
    printer *p = ud;
    cli_out("  %s: %s", rev->name, health_state_name(rev->state));
    if (rev->reason)
        cli_out(" (%s%s%s)", rev->reason, rev->message ? ": " : "", rev->message ? rev->message : "");
    cli_out("\n");
    if (rev->state == HEALTH_FAILED) {
        size_t n;
        char **lines = ops_rollout_warnings(events, p->revisions[i], 3, &n);
        for (size_t k = 0; k < n; k++) {
            cli_out("    %s\n", lines[k]);
            free(lines[k]);
        }
        free(lines);
    }
    fflush(stdout);
}

static void poll_failed(const tt_error *err, void *ud)
{
    printer *p = ud;
    if (!p->reported_error)
        cli_warn(p->s->cmd, "reading the rollout failed (retrying): %s", err->message);
    p->reported_error = true;
}

int cli_wait_rollout(cli_session *s, const char *ns, const char *const *services,
                     const char *const *revisions, size_t n, long long timeout_ms,
                     const atomic_int *cancel, char **summary)
{
    cli_out("waiting for the rollout of");
    for (size_t i = 0; i < n; i++)
        cli_out(" %s", revisions[i]);
    cli_out(" (timeout %llds)\n", timeout_ms / 1000);
    fflush(stdout);
    printer p = {.s = s, .revisions = revisions};
    ops_rollout_callbacks cb = {.changed = changed, .poll_failed = poll_failed, .ud = &p};
    ops_target t = cli_ops_target(s);
    return ops_wait_rollout(&t, ns, services, revisions, n, timeout_ms, cancel, &cb, summary);
}
