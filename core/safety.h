/*
 * The rules that keep a release from hurting the cluster, decided before
 * anything is sent: the version-bump rule for Knative revisions, API keys
 * that would be overwritten, the kube context a given environment may use,
 * and read-only contexts. Pure functions over jansson values and the
 * config; no I/O. Messages name keys, fields and contexts, never values
 * of secrets.
 */
#ifndef SAFETY_H
#define SAFETY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "tt_common.h"

/* ---- (a) version bump ------------------------------------------------- */

typedef enum safety_version_verdict {
    SAFETY_VERSION_NEW,      /* revision <service>-<version> does not exist */
    SAFETY_VERSION_SAME,     /* exists with the same template: nothing to do */
    SAFETY_VERSION_CONFLICT, /* exists with another template: refuse */
} safety_version_verdict;

typedef struct safety_version_check {
    safety_version_verdict verdict;
    char *revision;      /* the rendered spec.template.metadata.name */
    char **differences;  /* e.g. "image: a -> b", "annotation autoscaling.knative.dev/minScale: 0 -> 1" */
    size_t n_differences;
} safety_version_check;

/*
 * Compares the rendered Knative Service's spec.template with the live
 * Revision of the same name (NULL = absent). Compared: per container
 * image, command, args, env (names only in messages), envFrom, resources,
 * ports, readinessProbe, livenessProbe; containerConcurrency,
 * timeoutSeconds; the template annotations. Server defaults are ignored:
 * container name, sub-fields the rendered value does not set (e.g.
 * probe failureThreshold, port protocol), annotations the rendered
 * template does not set (except the autoscaling.knative.dev ones, which
 * change scaling), and containerConcurrency/timeoutSeconds when the
 * template leaves them to the server. A field the template sets that the
 * revision lacks, or the reverse for the listed container fields, is a
 * difference. Returns 0, or -1 with err when rendered is not a Service
 * with spec.template.metadata.name. Clear out with safety_version_check_clear.
 */
int safety_check_version(const json_t *rendered_ksvc, const json_t *live_revision,
                         safety_version_check *out, tt_error *err);
void safety_version_check_clear(safety_version_check *c);
/* A refusal message for a conflict: "revision stream-3 already exists with
 * a different template (image: a -> b; ...): use version 4". Caller frees. */
char *safety_version_conflict_message(const safety_version_check *c, const char *next_version);

/* Highest numeric version among revision names "<service>-<version>"
 * (digits only, at most 18) + 1; "1" when none is numeric. Caller frees. */
char *safety_next_version(const char *const *revision_names, size_t n);

/* ---- (b) API keys ---------------------------------------------------------- */

typedef enum safety_keys_policy {
    SAFETY_KEYS_NONE = 0, /* no policy chosen: refuse when keys differ */
    SAFETY_KEYS_REPLACE,  /* the file's keys exactly */
    SAFETY_KEYS_MERGE,    /* live keys kept, file keys added or overriding */
} safety_keys_policy;

typedef struct safety_keys_diff {
    char **added;   /* in the file, not live (sorted names) */
    size_t n_added;
    char **removed; /* live, not in the file */
    size_t n_removed;
    char **changed; /* in both with different values */
    size_t n_changed;
    size_t n_same;
} safety_keys_diff;

/*
 * Compares the key file ({"NAME": "value"}) with the live Secret api-keys
 * (NULL = absent: every key is added); live values are base64-decoded.
 * Names only. Returns -1 with err when a file value is not a string (the
 * message names the key). Clear with safety_keys_diff_clear.
 */
int safety_compare_keys(const json_t *file_keys, const json_t *live_secret, safety_keys_diff *out,
                        tt_error *err);
void safety_keys_diff_clear(safety_keys_diff *d);
/* Nothing added, removed or changed. */
bool safety_keys_same(const safety_keys_diff *d);
/* "added: A; removed: B; changed: C" (names only). Caller frees. */
char *safety_keys_summary(const safety_keys_diff *d);

/*
 * The Secret api-keys to apply in namespace ns, following policy. When
 * there is no live Secret or the keys are the same, any policy gives the
 * file's keys. When they differ: NONE refuses (NULL, err TT_EREFUSED
 * naming the added/removed/changed keys and the choices), REPLACE gives
 * the file's keys, MERGE the live keys with the file's added/overriding.
 * New reference (apiVersion v1, kind Secret, metadata {name: api-keys,
 * namespace}, data base64). The values it holds are secrets.
 */
json_t *safety_resolve_keys(const json_t *file_keys, const json_t *live_secret,
                            safety_keys_policy policy, const char *ns, tt_error *err);

/* ---- (c) environment guard and (d) read-only ---------------------------- */

/* True when name matches one of the patterns (exact or fnmatch glob). */
bool safety_context_matches(const char *name, char *const *patterns, size_t n);
/* Which environment a kube context is: the environments whose contexts
 * patterns (exact or glob, as safety_context_matches) name it. An
 * environment without patterns names no context here; readonly_contexts
 * name no environment. */
typedef enum safety_env_match_kind {
    SAFETY_ENV_NONE,      /* no environment names the context */
    SAFETY_ENV_ONE,       /* exactly one does: env */
    SAFETY_ENV_AMBIGUOUS, /* two or more do: env and other, the first two */
} safety_env_match_kind;

typedef struct safety_env_match {
    safety_env_match_kind kind;
    const char *env;   /* ONE, AMBIGUOUS; borrowed from cfg */
    const char *other; /* AMBIGUOUS; borrowed from cfg */
} safety_env_match;

safety_env_match safety_env_match_context(const config *cfg, const char *context);
/* The environment of context when exactly one names it, else NULL.
 * Borrowed. */
const char *safety_env_of_context(const config *cfg, const char *context);
/*
 * The same, or NULL with err (TT_EINVAL) saying why, then ": " and hint
 * (when not NULL): "context X belongs to no environment of the settings
 * (environments[].contexts in PATH)" or "context X matches environments a and b
 * (environments[].contexts in PATH)". The context is cleaned for a
 * terminal.
 */
const char *safety_env_of_context_err(const config *cfg, const char *context, const char *hint,
                                      tt_error *err);

/*
 * May env be released through kube context `context`? Unknown env:
 * refused. An env with no context patterns allows any context. Otherwise
 * the context must match one pattern, else TT_EREFUSED with a message
 * naming env, context and the allowed list. Returns 0 or -1.
 */
int safety_check_env_context(const config *cfg, const char *env, const char *context, tt_error *err);

/* The pattern a namespace matches among the system namespaces that are
 * never models (kube-*, default, knative-*, kong*, istio-*, gke-*,
 * cert-manager) and the settings' protected_namespaces, or NULL. */
const char *safety_namespace_protected(const config *cfg, const char *ns);
/* -1 with TT_EREFUSED naming the namespace and the pattern when model is a
 * protected namespace, else 0. cfg may be NULL (the built-in list only). */
int safety_check_model_namespace(const config *cfg, const char *model, tt_error *err);

/* The context matches readonly_contexts, or belongs to (matches the
 * contexts of) an environment marked readonly, or env (when non-NULL and
 * known) is marked readonly. The context's environment counts whatever env
 * the change names, so commands without an env (delete, rollback, traffic,
 * pin-latest) are refused too. */
bool safety_is_readonly(const config *cfg, const char *env, const char *context);
/* -1 with TT_EREFUSED ("context X is read-only (...)") when writes are not
 * allowed, else 0. */
int safety_check_writable(const config *cfg, const char *env, const char *context, tt_error *err);

#endif
