/*
 * Command-line parsing for the subcommands: one table of every flag, which
 * subcommands accept it, and whether it takes a value. Global flags may
 * come before or after the subcommand. Pure: no I/O, no exit(), errors are
 * tt_error values naming the flag (TT_EINVAL).
 *
 * Values are borrowed from argv (which outlives the parse); nothing here
 * allocates except the positional list, the release flag list and the
 * --contexts names, freed by cli_opts_clear.
 */
#ifndef CLI_OPTIONS_H
#define CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "safety.h"
#include "tt_common.h"

typedef enum cli_cmd {
    CLI_CMD_NONE = 0, /* no subcommand: the dashboard */
    CLI_CMD_RENDER,
    CLI_CMD_DIFF,
    CLI_CMD_APPLY,
    CLI_CMD_DELETE,
    CLI_CMD_STATUS,
    CLI_CMD_PIN,
    CLI_CMD_ROLLBACK,
    CLI_CMD_TRAFFIC,
    CLI_CMD_AUDIT,
    CLI_CMD_PLAN,
    CLI_CMD_EXPORT,
    CLI_CMD_IMAGE,
    CLI_CMD_PROMOTE,
    CLI_CMD_HELP,
    CLI_CMD_COUNT_,
} cli_cmd;

/* "render" ... ; NULL for CLI_CMD_NONE. */
const char *cli_cmd_name(cli_cmd c);
/* CLI_CMD_NONE when name is not a subcommand. */
cli_cmd cli_cmd_from_name(const char *name);

typedef enum cli_output {
    CLI_OUTPUT_DEFAULT = 0, /* yaml for render, table for status */
    CLI_OUTPUT_YAML,
    CLI_OUTPUT_JSON,
    CLI_OUTPUT_TABLE,
} cli_output;

/* One release flag as given, in command-line order: the parameter name
 * (release_params.h) and the value (borrowed from argv). */
typedef struct cli_release_flag {
    const char *param;
    const char *flag; /* "--min-scale", for messages */
    const char *value;
} cli_release_flag;

typedef struct cli_opts {
    cli_cmd cmd;
    /* global */
    const char *kubeconfig;
    const char *context;
    const char *namespace_;
    const char *settings; /* --settings, else $TTSTUI_CONFIG (resolved by the caller) */
    bool readonly;
    bool no_color;
    bool help;
    bool version; /* --version without a subcommand */
    /* release */
    const char *config_file; /* --config */
    cli_release_flag *release; /* in order; later ones win */
    size_t n_release;
    /* per command */
    cli_output output;
    bool show_secrets;
    const char *report;
    bool yes;
    bool wait;
    bool protect_previous; /* apply, promote: label the previous revisions no-gc */
    bool force_conflicts;
    bool dry_run; /* --dry-run=server */
    long long timeout_ms; /* --timeout; default 10 minutes */
    bool timeout_set;     /* --timeout was given */
    long long request_timeout_ms; /* --request-timeout: one request's limit; 0 = 30 s */
    safety_keys_policy keys_policy;
    const char *service; /* rollback, traffic: stream | validate | both */
    const char **tags;   /* traffic --tag VERSION=TAG, in order (borrowed from argv) */
    size_t n_tags;
    const char *to_version;
    const char *to_revision;
    long count; /* audit -n; default 20 */
    const char *from_context; /* promote */
    const char *to_context;   /* promote */
    const char *canary;   /* apply --canary "10,50,100" (checked by the apply) */
    long long step_ms;    /* apply --step: each step's hold; default 2 minutes */
    bool step_set;        /* --step was given */
    bool no_resolve;   /* render/diff/apply: keep an image tag */
    bool all_contexts; /* status --all-contexts */
    char **contexts;   /* status --contexts a,b (owned) */
    size_t n_contexts;
    const char *to_dir; /* export --to DIR */
    const char **files; /* apply -f PATH (repeatable; borrowed from argv) */
    size_t n_files;
    long concurrency;   /* apply -f --concurrency N; default 4 */
    bool keep_going;    /* apply -f --keep-going */
    bool prune;         /* apply -f --prune */
    /* promote: the scales the source runs, taken by the scale rule in place
     * of the target's live ones (a flag still wins); NULL: read the target */
    const struct release_live_scales *scales_from;
    const char *scales_from_context;
    /* positional arguments after the subcommand */
    const char **args;
    size_t n_args;
} cli_opts;

#define CLI_DEFAULT_TIMEOUT_MS (10LL * 60 * 1000)
#define CLI_DEFAULT_AUDIT_COUNT 20
#define CLI_DEFAULT_STEP_MS (2LL * 60 * 1000)

/*
 * Parses argv[1..argc). 0 on success (o filled; o->help set for -h/--help,
 * in which case the rest may be partial), -1 with err naming the flag or
 * argument at fault. Clear o with cli_opts_clear in both cases.
 */
int cli_parse(int argc, char **argv, cli_opts *o, tt_error *err);
void cli_opts_clear(cli_opts *o);

/* The subcommand's name as it appears in argv (skipping global flags and
 * their values, including the dashboard's value flags), or NULL. A word
 * that is no subcommand is returned as well, so the CLI can say so. */
const char *cli_find_subcommand(int argc, char **argv);

/* "30s", "5m", "1h", "1h30m", "250ms", or plain seconds "90": > 0 and at
 * most 7 days. 0 and *ms set, or -1 with err naming `flag`. */
int cli_parse_duration(const char *flag, const char *text, long long *ms, tt_error *err);

/* The value of a release parameter after the flags (last one wins), or
 * NULL when no flag set it. */
const char *cli_opts_release_flag(const cli_opts *o, const char *param);

/* The flag that sets a release parameter ("--min-scale" for "minScale"),
 * "--config" for "config", or the name itself when unknown. */
const char *cli_flag_for_param(const char *param);

#endif
