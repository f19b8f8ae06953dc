/*
 * ttstui's own configuration: ~/.config/ttstui/config.yaml
 * ($XDG_CONFIG_HOME/ttstui/config.yaml when set). Read with libyaml. No
 * terminal or network I/O; it reads one file.
 *
 *   environments:              # replaces the defaults (staging, prod)
 *     - name: prod
 *       hostname: tts.wellsaidlabs.com     # optional
 *       contexts: [gke_voice_*_prod]       # kube contexts allowed (exact or glob)
 *       readonly: false                    # true: never write in this env
 *   readonly_contexts: ["*-readonly"]      # contexts never written to (globs)
 *   protected_namespaces: [monitoring]     # never models, on top of kube-*, default ... (globs)
 *   contexts: [staging, prod]              # what `status --all-contexts` shows, in order
 *   theme: default
 *   template: ~/ops/tts.jsonnet            # default: the embedded template
 *   api_keys: ~/ops/apikeys.json
 *   field_manager: ttstui
 *   request_timeout: 30s                   # one request's limit (30s, 1m, 500ms)
 *   keybindings:                           # action -> key strings (the TUI parses them)
 *     quit: [q, C-c]
 *     apply: a                             # a single string is a one-key list
 *
 * A leading "~/" in template and api_keys is expanded with $HOME.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "tt_common.h"

typedef struct config_env {
    char *name;
    char *hostname;  /* may be NULL */
    char **contexts; /* allowed context patterns; none = any context */
    size_t n_contexts;
    bool readonly;
} config_env;

typedef struct config_keybinding {
    char *action;
    char **keys;
    size_t n_keys;
} config_keybinding;

typedef struct config {
    char *path; /* the file read, NULL when defaults only */
    config_env *envs;
    size_t n_envs;
    char **readonly_contexts;
    size_t n_readonly_contexts;
    /* Namespaces never used as models, on top of the built-in ones
     * (safety_namespace_protected). Globs. */
    char **protected_namespaces;
    size_t n_protected_namespaces;
    char **contexts; /* the contexts shown side by side (exact names), in order */
    size_t n_contexts;
    char *theme;         /* "default" */
    char *template_path; /* NULL = embedded template */
    char *api_keys_path; /* may be NULL */
    char *field_manager; /* "ttstui" */
    long long request_timeout_ms; /* 0 = the client's default (30 s) */
    config_keybinding *keybindings;
    size_t n_keybindings;
    char **warnings; /* "file:line:col: unknown key 'x' in environments[0]" */
    size_t n_warnings;
} config;

/* $XDG_CONFIG_HOME/ttstui/config.yaml if XDG_CONFIG_HOME is an absolute
 * path, else $HOME/.config/ttstui/config.yaml. Caller frees. */
char *config_default_path(void);

/* The built-in configuration: environments staging
 * (staging.tts.wellsaidlabs.com) and prod (tts.wellsaidlabs.com), theme
 * "default", field manager "ttstui". Free with config_free. */
config *config_defaults(void);

/*
 * Loads path, or the default path when path is NULL. A missing default
 * file gives the defaults; a missing explicit path is an error. Malformed
 * YAML or a wrong type is an error naming file:line:col; unknown keys
 * become warnings. NULL with err set on failure. Free with config_free.
 */
config *config_load(const char *path, tt_error *err);
void config_free(config *c);

/* The environment named name, or NULL. */
const config_env *config_find_env(const config *c, const char *name);
/* The keys bound to action (n_keys = 0 when unbound), or NULL. */
const config_keybinding *config_find_keybinding(const config *c, const char *action);

#endif
