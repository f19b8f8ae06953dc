/* Flag parsing for the subcommands: one table, global flags anywhere. */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "release_params.h"

static const char *const cmd_names[CLI_CMD_COUNT_] = {
    [CLI_CMD_NONE] = NULL,          [CLI_CMD_RENDER] = "render", [CLI_CMD_DIFF] = "diff",
    [CLI_CMD_APPLY] = "apply",      [CLI_CMD_DELETE] = "delete", [CLI_CMD_STATUS] = "status",
    [CLI_CMD_PIN] = "pin-latest",   [CLI_CMD_ROLLBACK] = "rollback", [CLI_CMD_TRAFFIC] = "traffic",
    [CLI_CMD_AUDIT] = "audit",      [CLI_CMD_PLAN] = "plan",     [CLI_CMD_EXPORT] = "export",
    [CLI_CMD_IMAGE] = "image",      [CLI_CMD_HELP] = "help",     [CLI_CMD_PROMOTE] = "promote",
};

const char *cli_cmd_name(cli_cmd c)
{
    return (c > CLI_CMD_NONE && c < CLI_CMD_COUNT_) ? cmd_names[c] : NULL;
}

cli_cmd cli_cmd_from_name(const char *name)
{
    for (int c = CLI_CMD_NONE + 1; c < CLI_CMD_COUNT_; c++)
        if (tt_streq(name, cmd_names[c]))
            return (cli_cmd)c;
    return CLI_CMD_NONE;
}

/* ---- the flag table -------------------------------------------------- */

#define B(c) (1u << (c))
#define ALL_CMDS (~0u)
#define RELEASE_CMDS (B(CLI_CMD_RENDER) | B(CLI_CMD_DIFF) | B(CLI_CMD_APPLY))
#define FILES_CMDS (B(CLI_CMD_PLAN) | B(CLI_CMD_EXPORT))
#define CHANGE_CMDS \
    (B(CLI_CMD_APPLY) | B(CLI_CMD_DELETE) | B(CLI_CMD_PIN) | B(CLI_CMD_ROLLBACK) | B(CLI_CMD_TRAFFIC) | \
     B(CLI_CMD_PROMOTE))
/* promote takes the release from the source; these may override it */
#define PROMOTE (B(CLI_CMD_PROMOTE))

typedef enum opt_id {
    OPT_KUBECONFIG, OPT_CONTEXT, OPT_NAMESPACE, OPT_SETTINGS, OPT_READONLY, OPT_NO_COLOR,
    OPT_HELP, OPT_RELEASE, OPT_CONFIG, OPT_OUTPUT, OPT_SHOW_SECRETS, OPT_REPORT, OPT_YES,
    OPT_WAIT, OPT_TIMEOUT, OPT_FORCE_CONFLICTS, OPT_DRY_RUN, OPT_KEYS_POLICY, OPT_SERVICE,
    OPT_TO_VERSION, OPT_TO_REVISION, OPT_COUNT, OPT_ALL_CONTEXTS, OPT_CONTEXTS, OPT_TAG,
    OPT_TO, OPT_FILENAME, OPT_CONCURRENCY, OPT_KEEP_GOING, OPT_PRUNE,
    OPT_NO_RESOLVE, OPT_REQUEST_TIMEOUT, OPT_FROM_CONTEXT, OPT_TO_CONTEXT, OPT_PROTECT_PREVIOUS, OPT_CANARY, OPT_STEP,
} opt_id;

typedef struct opt_def {
    const char *name; /* long name without "--" */
    char short_name;  /* 0 = none */
    bool value;       /* takes a value */
    unsigned cmds;    /* bit per cli_cmd that accepts it */
    opt_id id;
    const char *param; /* OPT_RELEASE: the release parameter */
} opt_def;

static const opt_def opt_table[] = {
    {"kubeconfig", 0, true, ALL_CMDS, OPT_KUBECONFIG, NULL},
    {"context", 0, true, ALL_CMDS, OPT_CONTEXT, NULL},
    {"namespace", 'n', true, ALL_CMDS, OPT_NAMESPACE, NULL},
    {"settings", 0, true, ALL_CMDS, OPT_SETTINGS, NULL},
    {"readonly", 0, false, ALL_CMDS, OPT_READONLY, NULL},
    {"no-color", 0, false, ALL_CMDS, OPT_NO_COLOR, NULL},
    {"help", 'h', false, ALL_CMDS, OPT_HELP, NULL},
    {"env", 0, true, RELEASE_CMDS | FILES_CMDS | PROMOTE, OPT_RELEASE, RELEASE_ENV},
    {"model", 0, true, RELEASE_CMDS, OPT_RELEASE, RELEASE_MODEL},
    {"version", 0, true, RELEASE_CMDS | PROMOTE, OPT_RELEASE, RELEASE_VERSION},
    {"image", 0, true, RELEASE_CMDS, OPT_RELEASE, RELEASE_IMAGE},
    {"image-entrypoint", 0, true, RELEASE_CMDS, OPT_RELEASE, RELEASE_IMAGE_ENTRYPOINT},
    {"include-image-api-keys", 0, true, RELEASE_CMDS, OPT_RELEASE, RELEASE_INCLUDE_API_KEYS},
    {"min-scale", 0, true, RELEASE_CMDS | PROMOTE, OPT_RELEASE, RELEASE_MIN_SCALE},
    {"max-scale", 0, true, RELEASE_CMDS | PROMOTE, OPT_RELEASE, RELEASE_MAX_SCALE},
    {"stream-min-scale", 0, true, RELEASE_CMDS | PROMOTE, OPT_RELEASE, RELEASE_STREAM_MIN_SCALE},
    {"stream-max-scale", 0, true, RELEASE_CMDS | PROMOTE, OPT_RELEASE, RELEASE_STREAM_MAX_SCALE},
    {"validate-min-scale", 0, true, RELEASE_CMDS | PROMOTE, OPT_RELEASE, RELEASE_VALIDATE_MIN_SCALE},
    {"validate-max-scale", 0, true, RELEASE_CMDS | PROMOTE, OPT_RELEASE, RELEASE_VALIDATE_MAX_SCALE},
    {"api-keys", 0, true, RELEASE_CMDS | PROMOTE, OPT_RELEASE, RELEASE_API_KEYS_FILE},
    {"template", 0, true, RELEASE_CMDS | PROMOTE, OPT_RELEASE, RELEASE_TEMPLATE_FILE},
    {"config", 0, true, RELEASE_CMDS, OPT_CONFIG, NULL},
    {"output", 'o', true, B(CLI_CMD_RENDER) | B(CLI_CMD_STATUS) | B(CLI_CMD_PLAN), OPT_OUTPUT, NULL},
    {"show-secrets", 0, false, B(CLI_CMD_RENDER), OPT_SHOW_SECRETS, NULL},
    {"report", 0, true, B(CLI_CMD_DIFF) | B(CLI_CMD_APPLY), OPT_REPORT, NULL},
    {"yes", 'y', false, CHANGE_CMDS, OPT_YES, NULL},
    {"wait", 0, false, B(CLI_CMD_APPLY) | B(CLI_CMD_DELETE) | PROMOTE, OPT_WAIT, NULL},
    {"timeout", 0, true,
     B(CLI_CMD_APPLY) | B(CLI_CMD_DELETE) | B(CLI_CMD_STATUS) | B(CLI_CMD_IMAGE) | PROMOTE, OPT_TIMEOUT,
     NULL},
    {"no-resolve", 0, false, RELEASE_CMDS, OPT_NO_RESOLVE, NULL},
    {"force-conflicts", 0, false, B(CLI_CMD_APPLY) | B(CLI_CMD_PIN) | PROMOTE, OPT_FORCE_CONFLICTS,
     NULL},
    {"dry-run", 0, true, CHANGE_CMDS, OPT_DRY_RUN, NULL},
    {"api-keys-policy", 0, true, B(CLI_CMD_DIFF) | B(CLI_CMD_APPLY) | PROMOTE, OPT_KEYS_POLICY, NULL},
    {"service", 0, true, B(CLI_CMD_ROLLBACK) | B(CLI_CMD_TRAFFIC), OPT_SERVICE, NULL},
    {"tag", 0, true, B(CLI_CMD_TRAFFIC), OPT_TAG, NULL},
    {"to-version", 0, true, B(CLI_CMD_ROLLBACK), OPT_TO_VERSION, NULL},
    {"to-revision", 0, true, B(CLI_CMD_ROLLBACK), OPT_TO_REVISION, NULL},
    {"count", 0, true, B(CLI_CMD_AUDIT), OPT_COUNT, NULL},
    {"all-contexts", 0, false, B(CLI_CMD_STATUS), OPT_ALL_CONTEXTS, NULL},
    {"contexts", 0, true, B(CLI_CMD_STATUS), OPT_CONTEXTS, NULL},
    {"to", 0, true, B(CLI_CMD_EXPORT), OPT_TO, NULL},
    {"filename", 'f', true, B(CLI_CMD_APPLY), OPT_FILENAME, NULL},
    {"concurrency", 0, true, B(CLI_CMD_APPLY), OPT_CONCURRENCY, NULL},
    {"keep-going", 0, false, B(CLI_CMD_APPLY), OPT_KEEP_GOING, NULL},
    {"prune", 0, false, B(CLI_CMD_APPLY), OPT_PRUNE, NULL},
    {"request-timeout", 0, true, ALL_CMDS, OPT_REQUEST_TIMEOUT, NULL},
    {"from-context", 0, true, PROMOTE, OPT_FROM_CONTEXT, NULL},
    {"protect-previous", 0, false, B(CLI_CMD_APPLY) | PROMOTE, OPT_PROTECT_PREVIOUS, NULL},
    {"to-context", 0, true, PROMOTE, OPT_TO_CONTEXT, NULL},
    {"canary", 0, true, B(CLI_CMD_APPLY), OPT_CANARY, NULL},
    {"step", 0, true, B(CLI_CMD_APPLY), OPT_STEP, NULL},
};

/* The dashboard's flags that take a value (tui/tui.c), so that their
 * values are never mistaken for a subcommand. */
static const char *const dashboard_value_flags[] = {
    "--theme", "--config", "--fake-backend", "--headless-script", "--headless-size",
    "--headless-dump", "--request-timeout", "--deployments",
};

/* Finds the flag for arg ("--name", "--name=value", "-x"); *inline_value
 * gets what follows '=' (NULL when none). For the audit command, -n is the
 * entry count, not the namespace. */
static const opt_def *find_opt(const char *arg, cli_cmd cmd, const char **inline_value)
{
    *inline_value = NULL;
    if (arg[0] != '-' || arg[1] == '\0')
        return NULL;
    if (arg[1] != '-') {
        if (arg[2] != '\0')
            return NULL;
        for (size_t i = 0; arg[1] == 'n' && cmd == CLI_CMD_AUDIT && i < TT_ARRAY_LEN(opt_table); i++)
            if (opt_table[i].id == OPT_COUNT)
                return &opt_table[i];
        for (size_t i = 0; i < TT_ARRAY_LEN(opt_table); i++)
            if (opt_table[i].short_name == arg[1])
                return &opt_table[i];
        return NULL;
    }
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    for (size_t i = 0; i < TT_ARRAY_LEN(opt_table); i++) {
        if (strlen(opt_table[i].name) == len && strncmp(opt_table[i].name, name, len) == 0) {
            if (eq)
                *inline_value = eq + 1;
            return &opt_table[i];
        }
    }
    return NULL;
}

static bool is_dashboard_value_flag(const char *arg)
{
    for (size_t i = 0; i < TT_ARRAY_LEN(dashboard_value_flags); i++)
        if (strcmp(arg, dashboard_value_flags[i]) == 0)
            return true;
    return false;
}

const char *cli_find_subcommand(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0)
            return i + 1 < argc ? argv[i + 1] : NULL;
        if (arg[0] != '-' || arg[1] == '\0')
            return arg;
        const char *inline_value;
        const opt_def *d = find_opt(arg, CLI_CMD_NONE, &inline_value);
        if ((d && d->value && !inline_value) || is_dashboard_value_flag(arg))
            i++;
    }
    return NULL;
}

/* ---- values ------------------------------------------------------------ */

int cli_parse_duration(const char *flag, const char *text, long long *ms, tt_error *err)
{
    return tt_parse_duration(flag, text, ms, err);
}

static int parse_count(const char *flag, const char *text, long *out, tt_error *err)
{
    char *end;
    errno = 0;
    long n = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || n < 1 || n > 1000000) {
        tt_error_set(err, TT_EINVAL, "%s: '%s' is not a whole number from 1 to 1000000", flag,
                     text);
        return -1;
    }
    *out = n;
    return 0;
}

/* --contexts a,b: names in order, none empty, none twice. */
static int parse_contexts(const char *flag, const char *v, cli_opts *o, tt_error *err)
{
    const char *p = v;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0) {
            tt_error_set(err, TT_EINVAL, "%s: '%s' has an empty context name (use a,b)", flag, v);
            return -1;
        }
        char *name = tt_strndup(p, len);
        for (size_t i = 0; i < o->n_contexts; i++)
            if (strcmp(o->contexts[i], name) == 0) {
                tt_error_set(err, TT_EINVAL, "%s: context '%s' is named twice", flag, name);
                free(name);
                return -1;
            }
        o->contexts = tt_realloc(o->contexts, (o->n_contexts + 1) * sizeof(char *));
        o->contexts[o->n_contexts++] = name;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

static int set_value(cli_opts *o, const opt_def *d, const char *flag, const char *v,
                     tt_error *err)
{
    switch (d->id) {
    case OPT_KUBECONFIG: o->kubeconfig = v; break;
    case OPT_CONTEXT: o->context = v; break;
    case OPT_NAMESPACE: o->namespace_ = v; break;
    case OPT_SETTINGS: o->settings = v; break;
    case OPT_CONFIG: o->config_file = v; break;
    case OPT_REPORT: o->report = v; break;
    case OPT_TO_VERSION: o->to_version = v; break;
    case OPT_TO_REVISION: o->to_revision = v; break;
    case OPT_TO: o->to_dir = v; break;
    case OPT_FILENAME:
        o->files = tt_realloc(o->files, (o->n_files + 1) * sizeof(*o->files));
        o->files[o->n_files++] = v;
        break;
    case OPT_CONCURRENCY:
        if (parse_count(flag, v, &o->concurrency, err) < 0)
            return -1;
        if (o->concurrency > 64) {
            tt_error_set(err, TT_EINVAL, "%s: at most 64 models at once, not %s", flag, v);
            return -1;
        }
        break;
    case OPT_RELEASE:
        o->release = tt_realloc(o->release, (o->n_release + 1) * sizeof(*o->release));
        o->release[o->n_release++] = (cli_release_flag){d->param, cli_flag_for_param(d->param), v};
        break;
    case OPT_OUTPUT:
        if (strcmp(v, "json") == 0)
            o->output = CLI_OUTPUT_JSON;
        else if (strcmp(v, "yaml") == 0 && o->cmd == CLI_CMD_RENDER)
            o->output = CLI_OUTPUT_YAML;
        else if (strcmp(v, "table") == 0 && (o->cmd == CLI_CMD_STATUS || o->cmd == CLI_CMD_PLAN))
            o->output = CLI_OUTPUT_TABLE;
        else {
            tt_error_set(err, TT_EINVAL, "%s: '%s' is not an output format of '%s' (use %s)",
                         flag, v, cli_cmd_name(o->cmd),
                         o->cmd == CLI_CMD_RENDER ? "yaml or json" : "table or json");
            return -1;
        }
        break;
    case OPT_TIMEOUT:
        o->timeout_set = true;
        return cli_parse_duration(flag, v, &o->timeout_ms, err);
    case OPT_CONTEXTS:
        return parse_contexts(flag, v, o, err);
    case OPT_FROM_CONTEXT: o->from_context = v; break;
    case OPT_CANARY: o->canary = v; break;
    case OPT_STEP:
        o->step_set = true;
        return cli_parse_duration(flag, v, &o->step_ms, err);
    case OPT_TO_CONTEXT: o->to_context = v; break;
    case OPT_REQUEST_TIMEOUT:
        return cli_parse_duration(flag, v, &o->request_timeout_ms, err);
    case OPT_TAG:
        o->tags = tt_realloc(o->tags, (o->n_tags + 1) * sizeof(*o->tags));
        o->tags[o->n_tags++] = v;
        break;
    case OPT_COUNT:
        return parse_count(flag, v, &o->count, err);
    case OPT_DRY_RUN:
        if (strcmp(v, "server") == 0)
            o->dry_run = true;
        else if (strcmp(v, "none") == 0)
            o->dry_run = false;
        else if (strcmp(v, "client") == 0) {
            tt_error_set(err, TT_EINVAL,
                         "%s: 'client' is not supported: ttstui checks changes with the API "
                         "server; use --dry-run=server",
                         flag);
            return -1;
        } else {
            tt_error_set(err, TT_EINVAL, "%s: '%s' is not a dry-run mode (use server or none)",
                         flag, v);
            return -1;
        }
        break;
    case OPT_KEYS_POLICY:
        if (strcmp(v, "replace") == 0)
            o->keys_policy = SAFETY_KEYS_REPLACE;
        else if (strcmp(v, "merge") == 0)
            o->keys_policy = SAFETY_KEYS_MERGE;
        else {
            tt_error_set(err, TT_EINVAL,
                         "%s: '%s' is not a policy (use replace: the file's keys exactly, or "
                         "merge: keep the live keys and add or update the file's)",
                         flag, v);
            return -1;
        }
        break;
    case OPT_SERVICE:
        if (strcmp(v, "stream") && strcmp(v, "validate") && strcmp(v, "both")) {
            tt_error_set(err, TT_EINVAL, "%s: '%s' is not a service (use stream, validate or both)",
                         flag, v);
            return -1;
        }
        o->service = v;
        break;
    default:
        break;
    }
    return 0;
}

static void set_switch(cli_opts *o, const opt_def *d)
{
    switch (d->id) {
    case OPT_READONLY: o->readonly = true; break;
    case OPT_NO_COLOR: o->no_color = true; break;
    case OPT_HELP: o->help = true; break;
    case OPT_SHOW_SECRETS: o->show_secrets = true; break;
    case OPT_YES: o->yes = true; break;
    case OPT_WAIT: o->wait = true; break;
    case OPT_PROTECT_PREVIOUS: o->protect_previous = true; break;
    case OPT_FORCE_CONFLICTS: o->force_conflicts = true; break;
    case OPT_ALL_CONTEXTS: o->all_contexts = true; break;
    case OPT_KEEP_GOING: o->keep_going = true; break;
    case OPT_PRUNE: o->prune = true; break;
    case OPT_NO_RESOLVE: o->no_resolve = true; break;
    default: break;
    }
}

static int unexpected_arg(const cli_opts *o, const char *arg, tt_error *err)
{
    tt_error_set(err, TT_EINVAL, "unexpected argument '%s' (see ttstui %s --help)", arg,
                 cli_cmd_name(o->cmd));
    return -1;
}

/* Positional arguments and required flags, per command. */
static int check_command(cli_opts *o, tt_error *err)
{
    const char *name = cli_cmd_name(o->cmd);
    switch (o->cmd) {
    case CLI_CMD_RENDER:
    case CLI_CMD_DIFF:
    case CLI_CMD_APPLY:
    case CLI_CMD_AUDIT:
        if (o->n_args > 0)
            return unexpected_arg(o, o->args[0], err);
        break;
    case CLI_CMD_STATUS:
    case CLI_CMD_PIN:
    case CLI_CMD_HELP:
        if (o->n_args > 1)
            return unexpected_arg(o, o->args[1], err);
        break;
    case CLI_CMD_TRAFFIC:
        if (o->n_args == 0 && !o->namespace_) {
            tt_error_set(err, TT_EINVAL,
                         "traffic needs the MODEL and its split, e.g. ttstui traffic v3 3=90 4=10");
            return -1;
        }
        if (o->n_args < 2) {
            tt_error_set(err, TT_EINVAL,
                         "traffic needs the split after the MODEL: VERSION=PERCENT words adding up "
                         "to 100, e.g. 3=90 4=10");
            return -1;
        }
        if (!o->service)
            o->service = "both";
        break;
    case CLI_CMD_PLAN:
        if (o->n_args == 0) {
            tt_error_set(err, TT_EINVAL,
                         "plan needs the deployment files or folders, e.g. ttstui plan deployments/");
            return -1;
        }
        break;
    case CLI_CMD_EXPORT:
        if (!o->to_dir) {
            tt_error_set(err, TT_EINVAL,
                         "export needs --to DIR (the files go to DIR/<env>/<model>.config.json)");
            return -1;
        }
        break;
    case CLI_CMD_IMAGE:
        if (o->n_args == 0 || (strcmp(o->args[0], "resolve") != 0 && strcmp(o->args[0], "tags") != 0)) {
            tt_error_set(err, TT_EINVAL,
                         "image needs 'resolve IMAGE...' or 'tags REPOSITORY' (see ttstui image "
                         "--help)");
            return -1;
        }
        if (o->n_args < 2) {
            tt_error_set(err, TT_EINVAL, "image %s needs %s", o->args[0],
                         strcmp(o->args[0], "tags") == 0 ? "a REPOSITORY" : "at least one IMAGE");
            return -1;
        }
        if (strcmp(o->args[0], "tags") == 0 && o->n_args > 2)
            return unexpected_arg(o, o->args[2], err);
        break;
    case CLI_CMD_PROMOTE:
        if (o->n_args != 1) {
            if (o->n_args > 1)
                return unexpected_arg(o, o->args[1], err);
            tt_error_set(err, TT_EINVAL,
                         "promote needs the MODEL, e.g. ttstui promote v3 --from-context staging "
                         "--to-context prod");
            return -1;
        }
        if (!o->from_context || !o->to_context) {
            tt_error_set(err, TT_EINVAL, "promote needs %s (the context to take the release from "
                         "and the one to release it in)",
                         !o->from_context && !o->to_context ? "--from-context and --to-context"
                         : !o->from_context                  ? "--from-context"
                                                             : "--to-context");
            return -1;
        }
        if (o->context) {
            tt_error_set(err, TT_EINVAL, "promote: --context is not used; the target is "
                         "--to-context");
            return -1;
        }
        if (tt_streq(o->from_context, o->to_context)) {
            tt_error_set(err, TT_EINVAL, "promote: --from-context and --to-context are both '%s'",
                         o->from_context);
            return -1;
        }
        break;
    case CLI_CMD_DELETE:
    case CLI_CMD_ROLLBACK:
        if (o->n_args > 1)
            return unexpected_arg(o, o->args[1], err);
        if (o->n_args == 0 && !o->namespace_) {
            tt_error_set(err, TT_EINVAL, "%s needs the MODEL to %s (see ttstui %s --help)", name,
                         o->cmd == CLI_CMD_DELETE ? "delete" : "roll back", name);
            return -1;
        }
        break;
    default:
        break;
    }
    if (o->cmd == CLI_CMD_ROLLBACK) {
        if (!o->service) {
            tt_error_set(err, TT_EINVAL,
                         "rollback needs --service stream, validate or both");
            return -1;
        }
        if (!o->to_version == !o->to_revision) {
            tt_error_set(err, TT_EINVAL,
                         "rollback needs exactly one of --to-version VERSION or --to-revision NAME");
            return -1;
        }
        if (o->to_revision && strcmp(o->service, "both") == 0) {
            tt_error_set(err, TT_EINVAL,
                         "--to-revision names one revision: use it with --service stream or "
                         "validate (or --to-version with both)");
            return -1;
        }
    }
    if (o->cmd == CLI_CMD_APPLY && o->n_files) {
        for (size_t i = 0; i < o->n_release; i++)
            if (strcmp(o->release[i].param, RELEASE_ENV) != 0 &&
                strcmp(o->release[i].param, RELEASE_API_KEYS_FILE) != 0) {
                tt_error_set(err, TT_EINVAL,
                             "%s: with -f the files hold the release (only --env and --api-keys "
                             "go with them)",
                             o->release[i].flag);
                return -1;
            }
        if (o->config_file || o->dry_run || o->report) {
            tt_error_set(err, TT_EINVAL, "%s: not with -f (see ttstui plan for what would change)",
                         o->config_file ? "--config" : o->dry_run ? "--dry-run" : "--report");
            return -1;
        }
        if (o->canary) {
            tt_error_set(err, TT_EINVAL,
                         "--canary: not with -f (a gradual rollout is of one release: apply the "
                         "model's file with --config FILE --canary ...)");
            return -1;
        }
    } else if (o->cmd == CLI_CMD_APPLY && (o->concurrency || o->keep_going || o->prune)) {
        tt_error_set(err, TT_EINVAL, "%s: only with -f PATH",
                     o->concurrency ? "--concurrency" : o->keep_going ? "--keep-going" : "--prune");
        return -1;
    }
    if (o->cmd == CLI_CMD_APPLY && o->report && !o->dry_run) {
        tt_error_set(err, TT_EINVAL,
                     "--report: a review report is written by 'apply --dry-run=server --report "
                     "FILE' or 'diff --report FILE', not by a real apply");
        return -1;
    }
    if (o->all_contexts && o->n_contexts) {
        tt_error_set(err, TT_EINVAL, "--all-contexts and --contexts: use one of them");
        return -1;
    }
    if ((o->all_contexts || o->n_contexts) && o->context) {
        tt_error_set(err, TT_EINVAL,
                     "--context names one context; --all-contexts and --contexts name several: "
                     "use one of them");
        return -1;
    }
    if (o->step_set && !o->canary) {
        tt_error_set(err, TT_EINVAL, "--step: the hold of each step of a gradual rollout goes "
                                     "with --canary (e.g. --canary 10,50,100 --step 2m)");
        return -1;
    }
    if (o->canary && o->dry_run) {
        tt_error_set(err, TT_EINVAL,
                     "--canary: a dry run moves no traffic; check the release with "
                     "--dry-run=server (or diff) without --canary");
        return -1;
    }
    if (o->dry_run && o->wait) {
        tt_error_set(err, TT_EINVAL, "--wait: a dry run creates nothing to wait for");
        return -1;
    }
    return 0;
}

int cli_parse(int argc, char **argv, cli_opts *o, tt_error *err)
{
    memset(o, 0, sizeof(*o));
    o->timeout_ms = CLI_DEFAULT_TIMEOUT_MS;
    o->step_ms = CLI_DEFAULT_STEP_MS;
    o->count = CLI_DEFAULT_AUDIT_COUNT;

    const char *sub = cli_find_subcommand(argc, argv);
    if (sub) {
        o->cmd = cli_cmd_from_name(sub);
        if (o->cmd == CLI_CMD_NONE) {
            tt_error_set(err, TT_EINVAL,
                         "'%s' is not a ttstui command (commands: render, diff, apply, delete, "
                         "status, pin-latest, rollback, traffic, audit, image, promote, plan, export; see "
                         "ttstui --help)",
                         sub);
            return -1;
        }
    }
    bool seen_sub = false, only_args = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!only_args && strcmp(arg, "--") == 0) {
            only_args = true;
            continue;
        }
        if (only_args || arg[0] != '-' || arg[1] == '\0') {
            if (!seen_sub && sub && arg == sub) {
                seen_sub = true;
                continue;
            }
            o->args = tt_realloc(o->args, (o->n_args + 1) * sizeof(*o->args));
            o->args[o->n_args++] = arg;
            continue;
        }
        const char *inline_value;
        const opt_def *d = find_opt(arg, o->cmd, &inline_value);
        if (!d) {
            if (o->cmd == CLI_CMD_NONE && strcmp(arg, "--version") == 0) {
                o->version = true;
                continue;
            }
            tt_error_set(err, TT_EINVAL, "unknown flag %s (see ttstui %s%s--help)", arg,
                         o->cmd ? cli_cmd_name(o->cmd) : "", o->cmd ? " " : "");
            return -1;
        }
        /* Messages name the flag as typed (-n, --count). */
        char flag[64];
        if (arg[1] == '-')
            snprintf(flag, sizeof(flag), "--%s", d->name);
        else
            snprintf(flag, sizeof(flag), "-%c", arg[1]);
        if (!(d->cmds & B(o->cmd)) && !(o->cmd == CLI_CMD_NONE && d->id == OPT_HELP)) {
            if (o->cmd == CLI_CMD_NONE && strcmp(arg, "--version") == 0) {
                o->version = true;
                continue;
            }
            if (o->cmd == CLI_CMD_NONE)
                tt_error_set(err, TT_EINVAL, "%s belongs to a subcommand (see ttstui --help)",
                             flag);
            else
                tt_error_set(err, TT_EINVAL, "%s is not a flag of 'ttstui %s' (see ttstui %s --help)",
                             flag, cli_cmd_name(o->cmd), cli_cmd_name(o->cmd));
            return -1;
        }
        if (!d->value) {
            if (inline_value) {
                tt_error_set(err, TT_EINVAL, "%s takes no value (got '%s')", flag, inline_value);
                return -1;
            }
            set_switch(o, d);
            continue;
        }
        const char *v = inline_value;
        if (!v) {
            if (i + 1 >= argc) {
                tt_error_set(err, TT_EINVAL, "%s needs a value (see ttstui %s --help)", flag,
                             o->cmd ? cli_cmd_name(o->cmd) : "");
                return -1;
            }
            v = argv[++i];
        }
        if (set_value(o, d, flag, v, err) < 0)
            return -1;
    }
    if (o->help)
        return 0;
    return check_command(o, err);
}

void cli_opts_clear(cli_opts *o)
{
    free(o->release);
    free(o->args);
    free(o->tags);
    o->tags = NULL;
    free(o->files);
    o->files = NULL;
    o->n_files = 0;
    o->n_tags = 0;
    for (size_t i = 0; i < o->n_contexts; i++)
        free(o->contexts[i]);
    free(o->contexts);
    o->contexts = NULL;
    o->n_contexts = 0;
    o->release = NULL;
    o->args = NULL;
    o->n_release = o->n_args = 0;
}

const char *cli_opts_release_flag(const cli_opts *o, const char *param)
{
    const char *v = NULL;
    for (size_t i = 0; i < o->n_release; i++)
        if (strcmp(o->release[i].param, param) == 0)
            v = o->release[i].value;
    return v;
}

const char *cli_flag_for_param(const char *param)
{
    if (tt_streq(param, "config"))
        return "--config";
    static const char *const flags[][2] = {
        {RELEASE_ENV, "--env"},
        {RELEASE_MODEL, "--model"},
        {RELEASE_VERSION, "--version"},
        {RELEASE_IMAGE, "--image"},
        {RELEASE_IMAGE_ENTRYPOINT, "--image-entrypoint"},
        {RELEASE_INCLUDE_API_KEYS, "--include-image-api-keys"},
        {RELEASE_MIN_SCALE, "--min-scale"},
        {RELEASE_MAX_SCALE, "--max-scale"},
        {RELEASE_STREAM_MIN_SCALE, "--stream-min-scale"},
        {RELEASE_STREAM_MAX_SCALE, "--stream-max-scale"},
        {RELEASE_VALIDATE_MIN_SCALE, "--validate-min-scale"},
        {RELEASE_VALIDATE_MAX_SCALE, "--validate-max-scale"},
        {RELEASE_API_KEYS_FILE, "--api-keys"},
        {RELEASE_TEMPLATE_FILE, "--template"},
    };
    for (size_t i = 0; i < TT_ARRAY_LEN(flags); i++)
        if (tt_streq(flags[i][0], param))
            return flags[i][1];
    return param;
}
