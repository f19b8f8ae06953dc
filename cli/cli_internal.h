/*
 * What the subcommands share: exit statuses, the session (settings, kube
 * client), output helpers (colour, one-line errors), the release (flags +
 * --config → validated parameters → rendered objects) and the plan (safety
 * rules and a server-side dry-run diff against the live cluster).
 *
 * Only cli/ includes this header. Everything printed goes through the
 * helpers here, so nothing writes a secret: errors come from tt_error
 * (whose messages never carry one) and objects are masked before they are
 * shown, unless render writes them to a pipe on purpose.
 */
#ifndef CLI_INTERNAL_H
#define CLI_INTERNAL_H

#include <jansson.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "diff.h"
#include "kube_client.h"
#include "ops.h"
#include "options.h"
#include "release_params.h"
#include "safety.h"
#include "tt_common.h"

/* Exit statuses (documented in `ttstui --help`). */
enum {
    CLI_EXIT_OK = 0,      /* done; diff: nothing would change */
    CLI_EXIT_CHANGES = 1, /* diff: something would change; apply --wait: rollout not Ready */
    CLI_EXIT_USAGE = 2,   /* bad flags or values, invalid parameters, unreadable files */
    CLI_EXIT_REFUSED = 3, /* a safety rule, read-only, or no confirmation */
    CLI_EXIT_FAILED = 4,  /* the cluster answered an error or could not be reached */
};

/* The exit status for an error value: TT_EINVAL/TT_EIO → usage, TT_EREFUSED
 * → refused, everything else → failed. */
int cli_exit_for(const tt_error *err);

typedef struct cli_session {
    const cli_opts *o;
    const char *cmd;         /* "apply" ..., for messages */
    config *cfg;             /* settings (config.yaml) */
    kube_rest_config *rc;    /* after cli_connect */
    kube_client *client;     /* after cli_connect */
    bool color;              /* colour on stdout */
    const char *action;      /* the audit's action for an apply (NULL: "apply"; promote) */
} cli_session;

/* Loads the settings (--settings, $TTSTUI_CONFIG, default path) and works
 * out colour. Prints the settings' warnings. 0 or -1 with err. */
int cli_session_init(cli_session *s, const cli_opts *o, tt_error *err);
/* Resolves the kube context and creates the client. 0 or -1 with err. */
int cli_connect(cli_session *s, tt_error *err);
void cli_session_clear(cli_session *s);
/* The context name for messages and checks ("in-cluster" without one). */
const char *cli_context_name(const cli_session *s);
/* model is a system namespace (always), or, unless --dry-run=server:
 * --readonly, or the settings mark the context/env read-only: refuse a
 * change (TT_EREFUSED naming why). env and model may be NULL. */
int cli_check_writable(const cli_session *s, const char *env, const char *model, tt_error *err);

/* "ttstui <cmd>: <message>" on stderr (one line per message line). */
void cli_error(const char *cmd, const tt_error *err);
void cli_errorf(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warn(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text for stdout (cli_out) or another stream (cli_outf): formatted, then
 * cleaned for the terminal (tt_text.h; newlines and tabs pass), so cluster
 * strings and echoed arguments cannot carry escape sequences. Every text
 * line the CLI prints goes through these or the error helpers above; only
 * render/-o json to a pipe and the (already cleaned) diff bypass them. */
void cli_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_outf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_outv(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Prints the error and returns its exit status. */
int cli_fail(const char *cmd, const tt_error *err);

/* True when colour should be used on stream fd: a terminal, no --no-color,
 * NO_COLOR unset or empty, TERM not "dumb". */
bool cli_use_color(const cli_opts *o, int fd);

/* Asks on /dev/tty. With expect NULL: a yes/no question, default No. With
 * expect: the answer must be exactly that text (delete types the model).
 * 1 confirmed, 0 declined, -1 with err when there is no terminal to ask
 * on (TT_EREFUSED, suggesting --yes). */
int cli_confirm(const char *question, const char *expect, tt_error *err);

/* "namespace/v3", "service.serving.knative.dev/stream" (kubectl style).
 * Caller frees. */
char *cli_object_label(const json_t *obj);
/* A copy of a cluster-scoped object without metadata.namespace (which the
 * server ignores but may still store, e.g. the pin's "kong"), so a diff
 * matches the dry-run answer with the live object. New reference; NULL
 * and JSON null pass through. */
json_t *cli_without_namespace(const json_t *obj);
/* "Namespace/v3" for the audit log. Caller frees. */
char *cli_object_kind_name(const json_t *obj);

/* ---- the registry ------------------------------------------------------------ */

struct registry_client;
/* A registry client for this command (image: --timeout per request). */
struct registry_client *cli_registry_client(const cli_session *s);

/* ---- the release and the plan (the engine is ops/ops.h) -------------- */

typedef ops_release cli_release;

/*
 * Builds the parameters from --config and the release flags (flags win),
 * validates them (errors one per line naming the flag, warnings printed as
 * warnings) and renders. 0, or a CLI_EXIT_* status after printing why.
 * live NULL: nothing is read from the cluster (render). Else, once the
 * parameters are valid, the session connects and each scale bound not
 * given is taken from the live model (ops_release_scales_from_live; said
 * on stderr); when that fails, *live says why, unprinted, for the caller
 * to print (and audit), and CLI_EXIT_FAILED is returned.
 */
int cli_release_load(cli_session *s, cli_release *r, tt_error *live);
void cli_release_clear(cli_release *r);
const char *cli_release_param(const cli_release *r, const char *name);

typedef ops_plan_item cli_plan_item;
typedef ops_plan cli_plan;
typedef ops_plan_mode cli_plan_mode;
#define CLI_PLAN_DIFF OPS_PLAN_DIFF
#define CLI_PLAN_APPLY OPS_PLAN_APPLY

/* The session as the engine sees it (borrows from s). */
ops_target cli_ops_target(const cli_session *s);
/* ops_plan_build with the session's target. */
int cli_plan_build(cli_session *s, const cli_release *r, cli_plan_mode mode, cli_plan *p,
                   tt_error *err);
void cli_plan_clear(cli_plan *p);
json_t *cli_plan_send(cli_session *s, const cli_plan_item *it, bool dry_run, bool *created,
                      tt_error *err);
const char *cli_plan_refusal(const cli_plan *p);
/* "N objects: a added, b changed, c unchanged" per-object lines. */
void cli_plan_print_summary(const cli_plan *p, FILE *out);
/* What the server-side dry-run checked, one paragraph. Caller frees. */
char *cli_plan_dry_run_note(const cli_plan *p);

/* The deterministic review report. Caller frees. */
char *cli_report_text(const cli_session *s, const cli_release *r, const cli_plan *p,
                      const char *dry_run_result);
/* Writes it 0600; 0 or -1 with err. */
int cli_report_write(const char *path, const char *text, tt_error *err);

/* Appends an audit entry; a failure to write it is printed as a warning. */
void cli_audit(const cli_session *s, const char *action, const char *env, const char *model,
               const char *version, char *const *objects, size_t n_objects, int result,
               bool dry_run, const char *message, const cli_release *r);

/* ---- apply --wait ------------------------------------------------------------ */

/*
 * Follows the rollout of revisions[i] (of Knative Service services[i]) in
 * ns until all are Ready, one failed and the rest settled (or a grace
 * period passed), or timeout_ms. Prints each state change and, for a
 * failed revision, its latest Warning events. *summary gets "ready: ...",
 * "partial: ...", "failed: ...", "timed out: ..." or "cancelled: ..." when
 * *cancel (may be NULL) became non-zero (caller frees).
 * 0 when every revision is Ready, 1 otherwise.
 */
int cli_wait_rollout(cli_session *s, const char *ns, const char *const *services,
                     const char *const *revisions, size_t n, long long timeout_ms,
                     const atomic_int *cancel, char **summary);

/* ---- traffic changes (cli/traffic.c) ------------------------------------------ */

struct traffic_split;
typedef struct cli_traffic_change {
    const char *action;        /* audit action: "rollback", "traffic" */
    const char *verb;          /* "Rolling back", "Splitting the traffic of" */
    const char *model;
    const char *service;       /* stream | validate | both */
    const struct traffic_split *split;
    const char *audit_version; /* the audit entry's version */
} cli_traffic_change;

/* Checks every target revision (exists, belongs to the service, Ready),
 * shows the split before and after and the server's dry-run diff, asks
 * (unless --yes), patches spec.traffic of each service, audits. Returns
 * the exit status. */
int cli_traffic_run(cli_session *s, const cli_traffic_change *ch);

/* ---- subcommands ------------------------------------------------------------ */

int cli_cmd_render(cli_session *s);
int cli_cmd_diff(cli_session *s);
int cli_cmd_apply(cli_session *s);
int cli_cmd_delete(cli_session *s);
int cli_cmd_status(cli_session *s);
int cli_cmd_pin(cli_session *s);
int cli_cmd_rollback(cli_session *s);
int cli_cmd_traffic(cli_session *s);
int cli_cmd_audit(cli_session *s);
int cli_cmd_plan(cli_session *s);
int cli_cmd_apply_files(cli_session *s);
int cli_cmd_export(cli_session *s);
int cli_cmd_image(cli_session *s);
int cli_cmd_promote(cli_session *s);

/* Help texts (cli/help.c). */
void cli_print_usage(FILE *out);
/* Prints the dashboard's flags inside cli_print_usage, or NULL. */
extern void (*cli_dashboard_usage)(FILE *out);
/* The subcommand's --help text; false when cmd has none. */
bool cli_print_command_help(cli_cmd cmd, FILE *out);

#endif
