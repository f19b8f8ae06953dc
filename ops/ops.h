/*
 * The release engine shared by the CLI (cli/) and the dashboard (tui/):
 * release parameters → rendered objects, the plan (safety rules and a
 * server-side dry-run diff against the live cluster), sending the plan,
 * following a rollout, and the checks of delete, rollback and pin-latest.
 *
 * Presentation-free: nothing here prints or exits. Results are structs and
 * tt_error values (messages for people, never carrying a secret);
 * progress comes through callbacks. Every call uses the kube_client of the
 * ops_target it is given from the calling thread only (one client per
 * thread, see kube_client.h).
 */
#ifndef OPS_H
#define OPS_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "audit.h"
#include "config.h"
#include "deploy_file.h"
#include "diff.h"
#include "change_summary.h"
#include "fleet.h"
#include "health.h"
#include "kube_client.h"
#include "release_params.h"
#include "safety.h"
#include "tt_common.h"

/* Where a plan runs: the cluster and the rules that apply to it. */
typedef struct ops_target {
    kube_client *client;  /* borrowed */
    const config *cfg;    /* borrowed: environments, read-only contexts */
    const char *context;  /* for the env/context rule and messages */
    bool force_conflicts; /* server-side apply force=true */
    safety_keys_policy keys_policy;
    /* How this face lets the user choose a policy, appended in parentheses
     * to the API-key refusal (e.g. "--api-keys-policy replace or merge");
     * NULL adds nothing. The refusal itself names the keys, never values. */
    const char *keys_hint;
} ops_target;

/* ---- objects ------------------------------------------------------------ */

/* "namespace/v3", "service.serving.knative.dev/stream" (kubectl style).
 * Caller frees. */
char *ops_object_label(const json_t *obj);
/* "Namespace/v3" for the audit log. Caller frees. */
char *ops_object_kind_name(const json_t *obj);
/* A copy of a cluster-scoped object without metadata.namespace (which the
 * server ignores but may still store), so a diff matches the dry-run answer
 * with the live object. New reference; NULL and JSON null pass through. */
json_t *ops_without_namespace(const json_t *obj);

/* ---- the release ------------------------------------------------------------ */

typedef struct ops_release {
    release_params *params;
    json_t *objects;  /* rendered array (real secrets) */
    json_t *api_keys; /* the key file's object when keys are included, else NULL */
    char **secrets;   /* API-key values, for scrubbing audit messages */
    size_t n_secrets;
    /* A deployment config file (core/deploy_file.h) the release comes
     * from, or NULL: rendered with the deployment-file template, its
     * values overridden by the parameters (flags) at render time. Owned. */
    deploy_file *deploy;
} ops_release;

/* Empty release with fresh parameters. */
void ops_release_init(ops_release *r);
/* Frees everything (the secrets wiped) and zeroes r. */
void ops_release_clear(ops_release *r);
const char *ops_release_param(const ops_release *r, const char *name);
/*
 * Loads `--config FILE`: a deployment config file (deploy_file_is_shape,
 * and no parameter only the flat form has, such as minScale) into r->deploy and the parameters it shares with the flat form (env,
 * model, version, image, imageEntrypoint, includeImageApiKeys, the
 * per-service scales); else today's flat parameters
 * (release_params_load_config, whose warnings go to warnings). 0 or -1
 * with err (file:line:column for a bad deployment file).
 */
int ops_release_load_file(ops_release *r, const char *path, release_diags *warnings,
                          tt_error *err);
/* Takes a parsed deployment file (owned from now on) as above. */
void ops_release_set_deploy(ops_release *r, deploy_file *f);
/* The settings' default template and API-key file, where not set. */
void ops_release_apply_settings(ops_release *r, const config *cfg);
/* The core's rules with the settings' environments; diagnostics are
 * appended to diags. Returns the number of errors. */
size_t ops_release_validate(const ops_release *r, const config *cfg, release_diags *diags);
/* With API keys included: reads the key file into r->api_keys and
 * r->secrets. 0 (also when keys are not included) or -1 with err. */
int ops_release_load_keys(ops_release *r, tt_error *err);
/* What the model's Knative Services stream and validate run: their
 * templates' scale annotations (a model or service not found: -1, not
 * live). Blocks on the network. 0, or -1 with err (any other failure). */
int ops_release_read_live_scales(kube_client *c, const char *model, release_live_scales *out,
                                 tt_error *err);
/* Each scale bound not given (flags, --config) as the model runs it live
 * (release_params_scales_from_live reads the rule); a model not live keeps
 * the template's defaults, a deployment file (r->deploy) its own scales.
 * taken (may be NULL) gets the bounds taken, -1 elsewhere. Blocks on the
 * network. 0, or -1 with err (the parameters unchanged). */
int ops_release_scales_from_live(ops_release *r, kube_client *c, release_live_scales *taken,
                                 tt_error *err);
/* Renders r->objects (may take hundreds of ms: not on a UI thread). 0 or
 * -1 with err. */
int ops_release_render(ops_release *r, tt_error *err);

/* The image by digest: when the image parameter is a tag, asks its
 * registry (registry_client.h) for the digest the tag points at now and
 * sets the parameter to NAME@sha256:... . *from and *to get the image
 * before and after (caller frees both; NULL when nothing changed: no
 * image, already a digest, or not an image reference at all, which the
 * validation then reports). Blocks on the network (not on a UI thread).
 * client NULL: a client with the defaults for this call. 0, or -1 with
 * err (TT_EINVAL: a bad reference; otherwise the registry's error), in
 * which case the parameter is unchanged. */
struct registry_client;
int ops_release_resolve_image(ops_release *r, struct registry_client *client, char **from,
                              char **to, tt_error *err);

/* ---- the plan ---------------------------------------------------------------- */

typedef struct ops_plan_item {
    json_t *desired;  /* what will be sent (the resolved api-keys Secret) */
    json_t *live;     /* the live object or NULL */
    json_t *dry;      /* the server's dry-run answer or NULL */
    char *label;      /* kubectl-style label */
    char *kind_name;  /* "Kind/name" */
    kube_gvr gvr;     /* strings owned by the client's discovery cache */
    bool replace;     /* api-keys Secret with policy replace: PUT, not apply */
    bool dry_skipped; /* namespace does not exist yet: not sent to the server */
    char *dry_error;  /* diff mode: the dry-run failed with this message */
} ops_plan_item;

typedef struct ops_plan {
    ops_plan_item *items;
    size_t n_items;
    diff_result *diff;
    bool namespace_exists;
    /* safety */
    char *env_refusal;     /* env/context rule, or NULL */
    char *version_refusal; /* version bump rule, or NULL */
    char *keys_refusal;    /* API keys rule (with the target's keys_hint), or NULL */
    char **version_notes;  /* "stream-3: new" ... */
    size_t n_version_notes;
    bool versions_same;    /* every revision exists with this template */
    char *next_version;    /* after a conflict */
    char *keys_summary;    /* names only, or NULL */
    bool nothing_to_do;
    /* what the server checked */
    int podspec_dryrun;    /* 1 on, 0 off, -1 unknown */
    char *podspec_source;  /* where that came from */
} ops_plan;

typedef enum ops_plan_mode {
    OPS_PLAN_DIFF,  /* safety refusals are notes; the diff is always made */
    OPS_PLAN_APPLY, /* stop at the first refusal */
} ops_plan_mode;

/* Checks the safety rules and dry-runs every object. 0 (refusals are in
 * the plan), or -1 with err when the cluster could not be asked. Clear p
 * with ops_plan_clear in both cases. */
int ops_plan_build(const ops_target *t, const ops_release *r, ops_plan_mode mode, ops_plan *p,
                   tt_error *err);
void ops_plan_clear(ops_plan *p);
/* Sends one item: a server-side apply (force with force_conflicts), or for
 * an api-keys Secret replaced by policy a PUT. New reference (the stored
 * object, or what it would be under dry_run), NULL with err. */
json_t *ops_plan_send(const ops_target *t, const ops_plan_item *it, bool dry_run, bool *created,
                      tt_error *err);
/* Sends one item for real. When its answer is lost (timeout, a broken
 * connection: kube_error_outcome_unknown) it reads the object back: live
 * as sent is a success with *confirmed set (new reference: the live
 * object); otherwise NULL with err still an unknown outcome, its message
 * saying what the read showed. Other failures as ops_plan_send. */
json_t *ops_plan_send_checked(const ops_target *t, const ops_plan_item *it, bool *created,
                              bool *confirmed, tt_error *err);
/* The first refusal, or NULL. */
const char *ops_plan_refusal(const ops_plan *p);
/* For a Knative Service item whose release makes a new revision: the
 * revision that was serving before (the live latest Ready one), which
 * --protect-previous labels no-gc. NULL otherwise (borrowed from it). */
const char *ops_plan_item_previous_revision(const ops_plan_item *it);
/* The first item the server refused in its dry run (diff mode), or NULL. */
const ops_plan_item *ops_plan_rejected(const ops_plan *p);
/* "created" / "configured" / "unchanged" for item i after it was sent. */
const char *ops_plan_outcome(const ops_plan *p, size_t i, bool created);
/* What the server-side dry-run checked, one paragraph. Caller frees. */
char *ops_plan_dry_run_note(const ops_plan *p);
/* The dry run's outcome in one line, as both faces audit it ("would
 * create 1, configure 2, leave 5 unchanged; nothing was stored"). Caller
 * frees. */
char *ops_plan_result_line(const ops_plan *p);
/* The Knative Services of the plan and the revisions they will create, at
 * most max (borrowed strings, valid while p is). Returns the count. */
size_t ops_plan_rollout_targets(const ops_plan *p, const char **services,
                                const char **revisions, size_t max);

/* ---- a gradual rollout (apply --canary) ------------------------------------------ */

/* At most this many steps in --canary. */
#define OPS_CANARY_MAX_STEPS 20
/* How often the health of the new revisions is read during a step. */
#define OPS_CANARY_POLL_MS 1000

/* Parses "10,50,100": whole percentages from 1 to 100, strictly
 * increasing, the last 100, at most OPS_CANARY_MAX_STEPS. 0 with steps[]
 * and *n set, or -1 with err (TT_EINVAL naming the fault). Pure. */
int ops_canary_parse(const char *text, int *steps, size_t *n, tt_error *err);

/* The spec.traffic of a Service at a step: percent 0 holds 100% on
 * previous and 0% on next; 1..99 splits them; 100 is the release's own
 * traffic (100% to the latest revision, which next then is). New
 * reference (an array). Pure. */
json_t *ops_canary_traffic(const char *previous, const char *next, int percent);

/* One Knative Service of a gradual rollout. */
typedef struct ops_canary_target {
    char *service;  /* "stream" */
    char *previous; /* the revision serving all its traffic before */
    char *next;     /* the release's revision (spec.template.metadata.name) */
} ops_canary_target;

typedef struct ops_canary {
    char *ns; /* the model */
    ops_canary_target targets[2];
    size_t n;
} ops_canary;

/*
 * Prepares release r for a gradual rollout: reads each of its Knative
 * Services live and sets the rendered Service's spec.traffic to 100% on
 * the revision serving now and 0% on the release's revision
 * (ops_canary_traffic(.., 0)), so applying it moves no traffic. Sends
 * nothing. Refused (TT_EREFUSED, saying why) when a Service does not exist
 * yet (a first release), has no Ready revision, splits its traffic now, or
 * already serves the release's revision. 0, or -1 with err; clear c with
 * ops_canary_clear in both cases.
 */
int ops_canary_prepare(kube_client *client, ops_release *r, ops_canary *c, tt_error *err);
void ops_canary_clear(ops_canary *c);

typedef struct ops_canary_callbacks {
    /* Traffic now sends percent to every next revision (step i). May be NULL. */
    void (*step)(size_t i, int percent, const ops_canary *c, void *ud);
    /* Reading the health failed (it retries). May be NULL. */
    void (*poll_failed)(const tt_error *err, void *ud);
    /* Non-zero (e.g. set by a signal handler): the rollout stops as on a
     * failure ("cancelled") and the traffic goes back. May be NULL. */
    const atomic_int *cancel;
    /* The clock: NULL for the real one. Tests drive the hold with these. */
    long long (*now_ms)(void *ud);
    void (*sleep_ms)(long long ms, void *ud);
    void *ud;
} ops_canary_callbacks;

typedef struct ops_canary_result {
    int reached;     /* the last percentage routed to the next revisions (0: none) */
    char *failure;   /* what failed and why, or NULL on success */
    bool restored;   /* after a failure: every Service back to 100% previous */
    char *restore_error; /* after a failure: why putting the traffic back failed, or NULL */
} ops_canary_result;

/*
 * The steps of a gradual rollout whose release is applied and whose next
 * revisions are Ready: for each percentage, checks every next revision
 * is Ready, patches each Service's spec.traffic (ops_canary_traffic),
 * then holds step_ms, reading every OPS_CANARY_POLL_MS that each next
 * revision stays Ready and its pods' containers do not restart (the
 * counts when the rollout starts are the baseline). A failure ends the
 * hold at once and puts every Service back to 100% on its previous
 * revision (ops_canary_restore), as does a cancel (cb->cancel). A step
 * is passed only on a successful read at its end; reads failing for
 * timeout_ms past it are a failure.
 * 0 when every step passed, 1 otherwise (res says what; clear it with
 * ops_canary_result_clear).
 */
int ops_canary_run(const ops_target *t, const ops_canary *c, const int *steps, size_t n_steps,
                   long long step_ms, long long timeout_ms, const ops_canary_callbacks *cb,
                   ops_canary_result *res);
/* Sends every Service's traffic back to 100% on its previous revision.
 * 0, or -1 with err naming the Service. */
int ops_canary_restore(const ops_target *t, const ops_canary *c, tt_error *err);
void ops_canary_result_clear(ops_canary_result *res);

/* ---- following a rollout ---------------------------------------------------- */

typedef struct ops_rollout_callbacks {
    /* Revision i changed state; events is the namespace's EventList
     * (borrowed) for the warnings of a failed revision. May be NULL. */
    void (*changed)(size_t i, const health_revision *rev, const json_t *events, void *ud);
    /* Reading the rollout failed (it retries). May be NULL. */
    void (*poll_failed)(const tt_error *err, void *ud);
    void *ud;
} ops_rollout_callbacks;

/*
 * Follows the rollout of revisions[i] (of Knative Service services[i]) in
 * ns until all are Ready, one failed and the rest settled (or a grace
 * period passed), timeout_ms, or *cancel (may be NULL) becomes non-zero.
 * *summary gets "ready: ...", "partial: ...", "failed: ...", "timed out:
 * ..." or "cancelled: ..." (caller frees). 0 when every revision is Ready,
 * 1 otherwise.
 */
int ops_wait_rollout(const ops_target *t, const char *ns, const char *const *services,
                     const char *const *revisions, size_t n, long long timeout_ms,
                     const atomic_int *cancel, const ops_rollout_callbacks *cb, char **summary);
/* The Warning events of an EventList about revision rev or its pods,
 * newest first, formatted one per line (at most max). Caller frees each
 * string and the array; *n gets the count. */
char **ops_rollout_warnings(const json_t *events, const char *rev, size_t max, size_t *n);

/* ---- the fleet of one or several clusters ------------------------------------ */

typedef struct ops_fleet_load_opts {
    /* A warning for the user (e.g. a Forbidden list fell back to one
     * namespace). May be NULL. */
    void (*warn)(const char *message, void *ud);
    void *ud;
} ops_fleet_load_opts;

/* Fills f from the cluster: every model, or only model (non-NULL). A
 * fixed number of requests: one paged list per kind across all namespaces
 * and one GET for the pin (per namespace only when listing across them is
 * Forbidden). o may be NULL. 0 or -1 with err. */
int ops_fleet_load(kube_client *c, fleet *f, const char *model, const ops_fleet_load_opts *o,
                   tt_error *err);

/* `ttstui status` of every model without holding every revision: model
 * is called once per model, in name order (as fleet_model_at), as soon as
 * the revisions list can no longer hold one of its revisions; the model is
 * then dropped. A server that does not page, or pages out of key order,
 * has the rest held and written at the end (core/fleet_stream.h). A
 * Forbidden cluster-wide list of services loads as ops_fleet_load does and
 * writes every model at the end. On -1 (err) the models written so far
 * stay written: the caller's output is incomplete. */
typedef struct ops_fleet_stream_opts {
    void (*warn)(const char *message, void *ud); /* may be NULL */
    void (*model)(const fleet_model *m, void *ud);
    void *ud;
    long page_size; /* of the revisions list; 0 = the load's */
} ops_fleet_stream_opts;
int ops_fleet_status_stream(kube_client *c, const ops_fleet_stream_opts *o, tt_error *err);

/* One context of a multi-context load. The caller sets context (and env,
 * for its own use); the load sets the rest. */
typedef struct ops_context_fleet {
    const char *context; /* borrowed */
    const char *env;     /* borrowed; the settings' environment of the context, or NULL */
    fleet *fleet;        /* the models, or NULL when the load failed */
    tt_error err;        /* why it failed */
    bool timed_out;      /* no answer before the deadline: cancelled */
    char **warnings;     /* what ops_fleet_load warned about */
    size_t n_warnings;
} ops_context_fleet;

/* Loads every context's fleet at once, each on its own thread with its
 * own client (from kubeconfig: the --kubeconfig path or NULL for the
 * default). Returns when all are done or timeout_ms has passed; loads
 * still running then are cancelled (timed_out, err TT_ETIMEDOUT), so one
 * slow cluster never holds up the others beyond the deadline. */
void ops_fleet_load_contexts(const char *kubeconfig, const char *model, long long timeout_ms,
                             ops_context_fleet *ctxs, size_t n);
void ops_context_fleet_clear(ops_context_fleet *cf);

/* ---- promotion ------------------------------------------------------------------ */

/* The release a model runs in a source context (both Knative Services,
 * and what they say: image, entry point, API keys, scales per service). */
typedef struct ops_promote_source {
    json_t *ksvc[2];     /* stream, validate (the facts borrow from them) */
    release_facts facts;
    char *version;       /* the version stream serves */
} ops_promote_source;

/* Reads model's release from src (context names it in messages). Refused
 * (TT_EREFUSED) when either service's latest release is not Ready or its
 * image is a tag rather than a digest; 404 when a service is missing.
 * 0, or -1 with err; clear out with ops_promote_source_clear on success. */
int ops_promote_read(kube_client *src, const char *context, const char *model,
                     ops_promote_source *out, tt_error *err);
void ops_promote_source_clear(ops_promote_source *s);

/* One parameter of the release a promotion makes in the target. */
typedef struct ops_promote_param {
    const char *param; /* RELEASE_* */
    char *value;       /* owned */
} ops_promote_param;
#define OPS_PROMOTE_MAX_PARAMS 10
/* The release in the target: env, model and version (the target's), then
 * what the source runs: image (by digest), entry point, API-key setting
 * and the per-service scales that are set. Fills out in that order;
 * returns the count. Free with ops_promote_params_free. Both faces build
 * their promotion from these (the CLI as flags, so flags given win). */
size_t ops_promote_params(const ops_promote_source *ps, const char *env, const char *model,
                          const char *version, ops_promote_param out[OPS_PROMOTE_MAX_PARAMS]);
void ops_promote_params_free(ops_promote_param *params, size_t n);
/* The target's version: the next free one of model in the target (the
 * source's own when the target has no such model yet, "1" without one).
 * Caller frees; NULL with err when the target could not be read. */
char *ops_promote_target_version(kube_client *target, const char *model,
                                 const char *source_version, tt_error *err);

/* ---- delete, rollback, pin ------------------------------------------------------ */

/* The namespace holds Knative service stream or validate: it is a model.
 * 0, or -1 with err (TT_EREFUSED when it is not a model). */
int ops_check_is_model(kube_client *c, const char *model, tt_error *err);
/* Revision exists in model, belongs to service and is Ready. 0, or -1
 * with err (TT_EREFUSED for a rule). gc_warning (may be NULL) gets
 * ops_gc_warning of the revision read (caller frees; NULL when none). */
int ops_check_rollback_revision(kube_client *c, const char *model, const char *service,
                                const char *revision, char **gc_warning, tt_error *err);
/* Knative's revision garbage collection: a revision labelled this way is
 * never collected; by default others are once older than 48 h (and beyond
 * 20 non-active revisions). */
#define OPS_NO_GC_LABEL "serving.knative.dev/no-gc"
#define OPS_GC_RETAIN_S (48LL * 3600)
/* A warning in words when a rollback target is old enough for the GC (and
 * not protected), or NULL. Caller frees. */
char *ops_gc_warning(const json_t *revision, long long now);
/* Labels revision of model OPS_NO_GC_LABEL: "true" (a merge patch). */
int ops_protect_revision(kube_client *c, const char *model, const char *revision, bool dry_run,
                         tt_error *err);
/* The Service already sends 100% of its traffic to revision. */
bool ops_already_routed(const json_t *ksvc, const char *revision);
/* The merge patch sending 100% of a Service's traffic to revision. New
 * reference. */
json_t *ops_rollback_patch(const char *revision);

#define OPS_PIN_NAME "latest-pinned-service"
/* The KongClusterPlugin of the pin, or NULL (err clear when absent). */
json_t *ops_get_pin(kube_client *c, tt_error *err);
/* The model the pin sends `latest` to, or NULL. */
const char *ops_pinned_model(const json_t *kcp);
/* What deleting the pinned model does to `latest`, in words (both faces). */
#define OPS_PIN_DELETE_WARNING \
    "`Accept-Version: latest` is pinned to this model: after the delete, latest leads nowhere"
/* 0 when model has a Knative service stream or validate (*ready gets how
 * many of them are Ready), -1 with err (TT_EREFUSED when it has none). */
int ops_check_pin_model(kube_client *c, const char *model, const char *context, size_t *ready,
                        tt_error *err);

/* ---- writability and the audit log ------------------------------------------------ */

/* model is a system namespace (kube-*, default, knative-* ... and the
 * settings' protected_namespaces): TT_EREFUSED naming it. Checked before
 * any change to a model, dry runs included. model may be NULL. */
int ops_check_model(const config *cfg, const char *model, tt_error *err);
/* ops_check_model, then: the settings mark the context (directly or
 * through a read-only environment that names it) or env read-only:
 * TT_EREFUSED naming why (a --readonly flag is the caller's to check
 * first). env may be NULL or unknown to the settings. Every job that
 * changes the cluster, CLI or dashboard, calls this. */
int ops_check_writable(const config *cfg, const char *env, const char *context, const char *model,
                       tt_error *err);
/* Appends e to the audit log (default path): a multi-line message is
 * joined with "; " and the release's API-key values (r may be NULL) are
 * redacted. 0 or -1 with err. */
int ops_audit(const audit_entry *e, const ops_release *r, tt_error *err);

#endif
