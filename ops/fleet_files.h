/*
 * The fleet as files: a tree of deployment config files
 * (deployments/<env>/<model>.config.json, core/deploy_file.h) compared with
 * the live models of one cluster, for `ttstui plan`, `apply -f` and the
 * dashboard. No printing: results are structs of plain words, cleaned for
 * a terminal (control characters from the cluster or a file become '?').
 */
#ifndef OPS_FLEET_FILES_H
#define OPS_FLEET_FILES_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "deploy_file.h"
#include "config.h"
#include "kube_client.h"
#include "safety.h"
#include "tt_common.h"

/* The files of a tree, sorted by path. */
typedef struct ops_deploy_tree {
    deploy_file **files;
    size_t n;
    char **errors; /* one sentence per bad file or rule (file:line:column first) */
    size_t n_errors;
} ops_deploy_tree;

/*
 * Loads every path: a file, or a folder searched recursively for
 * "*.json" files (hidden entries skipped). Every bad file is an error in
 * t->errors (all of them, not only the first), then the tree's rules
 * (deploy_files_check: env matches the folder, one file per env and
 * model). Returns 0 when there is no error, -1 when t->errors is not empty
 * (t still holds the good files). Clear t with ops_deploy_tree_clear.
 */
int ops_deploy_tree_load(const char *const *paths, size_t n_paths, ops_deploy_tree *t);
void ops_deploy_tree_clear(ops_deploy_tree *t);

/* Writes f to path as the files are written (two-space indent, a final
 * newline, ttstui export's key order), creating the missing folders, by
 * a temporary file renamed over path (mode 0644 less the umask). 0 or -1
 * with err naming the path. */
int ops_deploy_file_write(const deploy_file *f, const char *path, tt_error *err);

/* The environments the tree's files name, sorted, unique (borrowed from
 * the files); *n gets the count. Caller frees the array. */
const char **ops_deploy_tree_envs(const ops_deploy_tree *t, size_t *n);

/*
 * The environment a plan of t is for: env_flag (--env) when given, else
 * the settings' environment of context (safety_env_of_context: exactly
 * one), else the tree's only environment. NULL with err (TT_EINVAL)
 * saying why none could be chosen (the files' environments, and that no
 * environment or two name the context). Borrowed from env_flag, cfg or t.
 */
const char *ops_files_pick_env(const config *cfg, const char *context, const ops_deploy_tree *t,
                               const char *env_flag, tt_error *err);

typedef enum ops_file_state {
    OPS_FILE_IN_SYNC,
    OPS_FILE_CHANGES,
    OPS_FILE_NOT_DEPLOYED, /* a file, no live model */
    OPS_FILE_NOT_IN_FILES, /* a live model, no file */
} ops_file_state;

/* "in-sync", "changes", "not-deployed", "not-in-files". */
const char *ops_file_state_name(ops_file_state s);

typedef struct ops_file_entry {
    char *model;
    ops_file_state state;
    const deploy_file *file; /* borrowed from the tree; NULL for not-in-files */
    char **changes;          /* live → file, in words: "version 3 → 4" */
    size_t n_changes;
} ops_file_entry;

typedef struct ops_files_plan {
    char *env;               /* the environment planned */
    ops_file_entry *entries; /* sorted by model */
    size_t n;
    size_t n_other_env;      /* files of other environments, left out */
    size_t counts[4];        /* per ops_file_state */
} ops_files_plan;

/*
 * The live models of a cluster, from two lists across all namespaces: the
 * Knative Services (a model is a namespace with a Service stream or
 * validate) and the Ingresses (route-stream, route-validate: the paths).
 */
typedef struct ops_live_models ops_live_models;

/* Indexes the two List objects (borrowed: they must outlive lm). */
ops_live_models *ops_live_models_new(const json_t *ksvc_list, const json_t *ingress_list);
/* Two lists (every page), a fixed number of requests however many models. */
ops_live_models *ops_live_models_load(kube_client *c, tt_error *err);
void ops_live_models_free(ops_live_models *lm);
size_t ops_live_models_count(const ops_live_models *lm);
const char *ops_live_model_name(const ops_live_models *lm, size_t i);
/* Index of model, or (size_t)-1. */
size_t ops_live_models_find(const ops_live_models *lm, const char *model);

/*
 * Live model i as a deployment file of env (what `ttstui export` writes):
 * version, image, entry point, API keys, scales, concurrency and
 * resources (left out when they are the template's default) from the
 * services' spec.template, traffic by version from spec.traffic
 * (latestRevision means the template's version), paths from the
 * Ingresses. NULL with err (TT_EINVAL) when the model lacks a service or
 * its two services disagree on what the format holds once. Free with
 * deploy_file_free; its path is "<env>/<model>.config.json".
 */
deploy_file *ops_live_model_file(const ops_live_models *lm, size_t i, const char *env,
                                 tt_error *err);

/*
 * Compares the tree's files of env with the live models: one entry per
 * file of env and per live model without one. Compared per service: the
 * version (spec.template's revision name), image, entry point, API keys
 * (provideApiKeyAuthForLegacyContainerSupport), minScale, maxScale,
 * concurrency, resources, paths and the traffic by version. Pure.
 */
void ops_files_plan_compute(const ops_live_models *lm, const ops_deploy_tree *t, const char *env,
                            ops_files_plan *p);
/* ops_live_models_load, then the above. 0 or -1 with err. */
int ops_files_plan_build(kube_client *c, const ops_deploy_tree *t, const char *env,
                         ops_files_plan *p, tt_error *err);
void ops_files_plan_clear(ops_files_plan *p);

/* The plan as `plan -o json` prints it: an array of {model, env, context,
 * file (string|null), state, changes: [...]}. New reference. */
json_t *ops_files_plan_json(const ops_files_plan *p, const char *context);

/* ---- apply -f: the models that differ, in waves -------------------------- */

typedef enum ops_fa_outcome {
    OPS_FA_APPLIED,
    OPS_FA_UNCHANGED, /* the cluster already holds every object */
    OPS_FA_REFUSED,   /* a safety rule, read-only, a protected namespace, invalid values */
    OPS_FA_FAILED,    /* the cluster answered an error, or the rollout failed */
    OPS_FA_SKIPPED,   /* not started: an earlier model failed (no keep_going) */
} ops_fa_outcome;

/* "applied", "unchanged", "refused", "failed", "skipped". */
const char *ops_fa_outcome_name(ops_fa_outcome o);

typedef struct ops_fa_result {
    ops_fa_outcome outcome;
    char *message; /* one line for people, never a secret */
} ops_fa_result;

typedef struct ops_files_apply_opts {
    const kube_rest_config *rc; /* each worker makes its own client from it */
    const char *field_manager;  /* NULL = the client's default */
    long long request_timeout_ms; /* per request; 0 = the client's default */
    /* May be NULL. Set: each request in flight ends, no model starts
     * (those not started are skipped). */
    const atomic_int *cancel;
    const config *cfg;
    const char *context;
    const char *api_keys_file;  /* NULL = the settings' */
    bool readonly;              /* --readonly: every model refused */
    bool force_conflicts;
    safety_keys_policy keys_policy;
    const char *keys_hint;
    size_t concurrency;         /* models at once, per wave; 0 = 4 */
    bool keep_going;            /* start the next wave after a failure or refusal */
    bool protect_previous;      /* label each model's previous revisions no-gc */
    bool wait;                  /* follow each rollout until Ready */
    long long timeout_ms;       /* for wait */
    /* After each model (from worker threads, one call at a time). */
    void (*progress)(size_t i, const deploy_file *f, const ops_fa_result *r, void *ud);
    void *ud;
} ops_files_apply_opts;

/*
 * Applies files[0..n) in waves of o->concurrency, each model through the
 * rules of a single apply: invalid values, read-only, protected namespaces
 * and the env/context rule (ops_check_writable), then the plan's version
 * and API-key rules (ops_plan_build in apply mode); sends the objects in
 * order; with wait follows the rollout. Every model is audited (skipped
 * ones as refused). results[i] gets model i's outcome; clear each with
 * ops_fa_result_clear. Returns how many were refused or failed.
 */
size_t ops_files_apply(const ops_files_apply_opts *o, deploy_file *const *files, size_t n,
                       ops_fa_result *results);
void ops_fa_result_clear(ops_fa_result *r);

#endif
