/*
 * The seam between the dashboard and everything slow: the cluster and the
 * release core. Views call the ops below from the UI thread; every call
 * returns at once (a request id) and the work runs in a backend thread.
 * Results come back as messages (tui_msg, queue.h) through the queue the
 * backend was created with; the UI thread reads them when the queue's fd
 * wakes its poll(). A backend never touches curses or UI state.
 *
 * Messages (type: payload type; req = the id the call returned):
 *   TUI_MSG_CONN           tui_conn_info    connection state (unsolicited)
 *   TUI_MSG_FLEET          tui_fleet_batch  list/watch objects for the UI's
 *                                           fleet (unsolicited, req 0)
 *   TUI_MSG_MODEL_DETAILS  tui_model_details  answer to load_model
 *   TUI_MSG_LOG_LINES      tui_log_lines    lines of a follow_logs stream
 *   TUI_MSG_LOG_END        (none)           the stream ended (err if failed)
 *   TUI_MSG_RENDER         tui_rendered     answer to render
 *   TUI_MSG_DIFF           tui_text_result  answer to diff (masked)
 *   TUI_MSG_DRY_RUN        tui_text_result  answer to dry_run
 *   TUI_MSG_PROGRESS       tui_progress     a step of apply/delete/rollback/
 *                                           pin/switch_context
 *   TUI_MSG_DONE           (none)           that operation finished; err.code
 *                                           != 0 means failed, err.message why
 *   TUI_MSG_CONTEXTS       tui_contexts     answer to list_contexts
 *   TUI_MSG_CONTEXT_FLEET  fleet            answer to load_context_fleet
 *   TUI_MSG_IMAGE          tui_image_info   answer to resolve_image
 *   TUI_MSG_FILES_PLAN     tui_files_plan   answer to plan_files
 *   TUI_MSG_PROMOTE_PLAN   tui_promote_plan answer to promote_plan
 * Any answer may instead carry err.code != 0 and no payload.
 */
#ifndef TUI_BACKEND_H
#define TUI_BACKEND_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "fleet.h"
#include "queue.h"
#include "safety.h"
#include "tt_common.h"

enum tui_msg_type {
    TUI_MSG_CONN = 1,
    TUI_MSG_FLEET,
    TUI_MSG_MODEL_DETAILS,
    TUI_MSG_LOG_LINES,
    TUI_MSG_LOG_END,
    TUI_MSG_RENDER,
    TUI_MSG_DIFF,
    TUI_MSG_DRY_RUN,
    TUI_MSG_PROGRESS,
    TUI_MSG_DONE,
    TUI_MSG_CONTEXTS,
    TUI_MSG_CONTEXT_FLEET,
    TUI_MSG_IMAGE,
    TUI_MSG_FILES_PLAN,
    TUI_MSG_PROMOTE_PLAN,
};

/* An image as the registry says it is now: the tag's digest, and the
 * repository's tags when asked. Strings are cleaned for the terminal. */
typedef struct tui_image_info {
    char *image;    /* as asked */
    char *resolved; /* NAME@sha256:…, or NULL (then error) */
    char *error;    /* the registry's answer in words, or NULL */
    char **tags;    /* the repository's tags (with_tags), or NULL */
    size_t n_tags;
    char *tags_error;
} tui_image_info;
void tui_image_info_free(void *p);

/* ---- connection ---------------------------------------------------------- */
typedef enum tui_conn_state {
    TUI_CONN_NOT_WIRED = 0, /* no backend (shown in the header) */
    TUI_CONN_CONNECTING,
    TUI_CONN_CONNECTED,
    TUI_CONN_RECONNECTING,
    TUI_CONN_FAILED,
} tui_conn_state;

typedef struct tui_conn_info {
    tui_conn_state state;
    char *context;  /* kube context name */
    char *env;      /* staging | prod | ... (NULL unknown) */
    char *server;
    char *message;  /* why it failed / is reconnecting; no secrets */
} tui_conn_info;

tui_conn_info *tui_conn_info_new(tui_conn_state state, const char *context, const char *env,
                                 const char *server, const char *message);
void tui_conn_info_free(void *p);

/* ---- fleet updates -------------------------------------------------------
 * A batch of operations the UI thread applies, in order, to its fleet:
 * the fleet lives on the UI thread, so it needs no lock. */
typedef enum tui_fleet_op {
    TUI_FLEET_APPLY,        /* fleet_apply(kind, obj, false) */
    TUI_FLEET_DELETE,       /* fleet_apply(kind, obj, true) */
    TUI_FLEET_BEGIN_RELIST, /* fleet_begin_relist(kind) */
    TUI_FLEET_SWEEP,        /* fleet_sweep(kind) */
    TUI_FLEET_RESET,        /* start from an empty fleet (context switch) */
    TUI_FLEET_PAGE,         /* a page of kind's list has come: number = the items the
                             * server says are left (-1 unknown); nothing to the fleet */
} tui_fleet_op;

typedef struct tui_fleet_item {
    tui_fleet_op op;
    fleet_kind kind;
    json_t *obj; /* owned reference, NULL for relist/reset ops */
    long number; /* PAGE */
} tui_fleet_item;

typedef struct tui_fleet_batch {
    tui_fleet_item *items;
    size_t n, cap;
} tui_fleet_batch;

tui_fleet_batch *tui_fleet_batch_new(void);
/* obj is borrowed (a reference is taken); may be NULL for non-object ops. */
void tui_fleet_batch_add(tui_fleet_batch *b, tui_fleet_op op, fleet_kind kind, json_t *obj);
/* A TUI_FLEET_PAGE item. */
void tui_fleet_batch_add_page(tui_fleet_batch *b, fleet_kind kind, long remaining);
void tui_fleet_batch_free(void *p);
/* Applies every item; *f may be replaced (RESET). Returns true when the
 * fleet's generation changed. */
bool tui_fleet_batch_apply(const tui_fleet_batch *b, fleet **f);
/* "Service" -> FLEET_KIND_SERVICE, "Revision", "Namespace",
 * "KongClusterPlugin"; -1 for anything else. */
int tui_fleet_kind_of(const json_t *obj);

/* ---- model details (model / revision views) ------------------------------ */
typedef struct tui_condition {
    char *type;
    char *status;  /* True | False | Unknown */
    char *reason;
    char *message;
    long long last_transition; /* unix seconds, 0 unknown */
} tui_condition;

typedef struct tui_revision_detail {
    char *name;
    char *service;
    tui_condition *conds;
    size_t n_conds;
} tui_revision_detail;

typedef struct tui_pod {
    char *name;
    char *revision;  /* label serving.knative.dev/revision */
    char *phase;     /* Running, Pending ... */
    char *status;    /* kubectl-like: Running, CrashLoopBackOff, ... */
    int ready, total;  /* ready containers of total */
    int restarts;
    long long created;
    char **containers; /* names, e.g. app, queue-proxy */
    size_t n_containers;
} tui_pod;

typedef struct tui_event {
    bool warning;
    char *reason;
    char *message;
    char *object;    /* Kind/name */
    int count;
    long long last_seen;
} tui_event;

typedef struct tui_model_details {
    char *model;
    tui_revision_detail *revs;
    size_t n_revs;
    tui_pod *pods;
    size_t n_pods;
    tui_event *events; /* warnings first, then newest first */
    size_t n_events;
    char *ingress_host; /* the public hostname (Ingress route-stream), NULL unknown */
} tui_model_details;

/* Builds details from Kubernetes JSON: revisions, pods and events are
 * arrays of objects (a list's "items"); any may be NULL. For the real
 * backend too: it only has to list these and call this. Caller frees. */
tui_model_details *tui_model_details_from_json(const char *model, const json_t *revisions,
                                               const json_t *pods, const json_t *events);
void tui_model_details_free(void *p);
/* For a view waiting on load_model request *req: 0 when m is not its
 * answer; 1 when it is and *details now holds its payload (the old one
 * freed, m keeps nothing); -1 when the request failed (m->err says why).
 * Either answer clears *req. */
int tui_model_details_take(tui_msg *m, unsigned long *req, tui_model_details **details);
const tui_revision_detail *tui_model_details_revision(const tui_model_details *d,
                                                      const char *name);

/* ---- logs ------------------------------------------------------------------ */
typedef struct tui_log_lines {
    char **lines; /* without trailing newlines */
    size_t n;
} tui_log_lines;

tui_log_lines *tui_log_lines_new(void);
void tui_log_lines_add(tui_log_lines *l, const char *line);
void tui_log_lines_free(void *p);

/* ---- release -------------------------------------------------------------- */
/* What the deploy form produces (all strings as typed, validated). */
typedef struct tui_release_req {
    char *context;
    char *env;
    char *model;
    char *version;
    char *image;
    char *entrypoint;
    bool include_api_keys;
    char *api_key_file;
    /* With API keys included and a live Secret api-keys whose keys differ:
     * NONE refuses (naming the keys), REPLACE or MERGE (core/safety.h). */
    safety_keys_policy keys_policy;
    int min_scale;  /* both services, unless validate_apart */
    int max_scale;
    /* validate's own bounds (validateMinScale/validateMaxScale) when they
     * differ from stream's; false: validate takes min/max_scale too. */
    bool validate_apart;
    int validate_min_scale;
    int validate_max_scale;
    /* The live Ingress host when the form knew it (the confirmation's
     * "hostname before"), else NULL. Not sent anywhere. */
    char *live_host;
} tui_release_req;

tui_release_req *tui_release_req_dup(const tui_release_req *r);
void tui_release_req_free(tui_release_req *r);

typedef struct tui_rendered {
    char *yaml;        /* secrets in clear: shown only on reveal; wiped on free */
    char *yaml_masked; /* secrets replaced (core/mask.h) */
} tui_rendered;

tui_rendered *tui_rendered_new(const char *yaml, const char *yaml_masked);
void tui_rendered_free(void *p);

typedef struct tui_text_result {
    bool ok;     /* dry-run accepted / diff computed */
    char *text;  /* masked */
} tui_text_result;

tui_text_result *tui_text_result_new(bool ok, const char *text);
void tui_text_result_free(void *p);

typedef enum tui_step_state {
    TUI_STEP_PENDING,
    TUI_STEP_RUNNING,
    TUI_STEP_OK,
    TUI_STEP_FAILED,
} tui_step_state;

typedef struct tui_progress {
    char *object;  /* "Namespace v3", "Service stream", "rollout stream-12" */
    tui_step_state state;
    char *message; /* "created", "Ready", the failure reason ... */
} tui_progress;

tui_progress *tui_progress_new(const char *object, tui_step_state state, const char *message);
void tui_progress_free(void *p);

/* ---- contexts -------------------------------------------------------------- */
typedef struct tui_context_info {
    char *name;
    char *cluster;
    char *namespace_;
    char *env; /* may be NULL */
} tui_context_info;

typedef struct tui_contexts {
    tui_context_info *items;
    size_t n;
    char *current;
} tui_contexts;

tui_contexts *tui_contexts_new(const char *current);
void tui_contexts_add(tui_contexts *c, const char *name, const char *cluster, const char *ns,
                      const char *env);
void tui_contexts_free(void *p);

/* ---- deployment files ------------------------------------------------------
 * The deployments folder against the live models (`ttstui plan`). Strings
 * are cleaned for the terminal. */
typedef enum tui_file_state {
    TUI_FILE_IN_SYNC,      /* "in sync" */
    TUI_FILE_DRIFT,        /* the file and the cluster differ */
    TUI_FILE_FILE_ONLY,    /* a file, no live model */
    TUI_FILE_NO_FILE,      /* a live model, no file */
} tui_file_state;

typedef struct tui_files_entry {
    char *model;
    tui_file_state state;
    char *file;     /* its path, NULL for NO_FILE */
    char *version;  /* the file's version, NULL for NO_FILE */
    char **changes; /* live → file, in words ("version 3 → 4") */
    size_t n_changes;
} tui_files_entry;

typedef struct tui_files_plan {
    char *dir;               /* the folder planned */
    char *env;               /* its environment (NULL when errors) */
    tui_files_entry *entries; /* sorted by model */
    size_t n;
    size_t counts[4];        /* per tui_file_state */
    size_t n_other_env;      /* files of other environments, left out */
    char **errors;           /* bad files and rules (file:line:column): nothing planned */
    size_t n_errors;
} tui_files_plan;

/* "in sync", "drift", "file only", "no file". */
const char *tui_file_state_text(tui_file_state s);
void tui_files_plan_free(void *p);
/* The entry of model, or NULL. */
const tui_files_entry *tui_files_plan_find(const tui_files_plan *p, const char *model);
/* What promoting a model from one context to another would do (answer to
 * promote_plan), for the confirmation. Strings from the clusters are shown
 * through the draw functions, which clean them. */
typedef struct tui_promote_plan {
    char *model, *from, *to;
    char *env;            /* the target's environment */
    char *source_version; /* the version the source serves */
    char *version;        /* the version it gets in the target */
    char *image;          /* what the source runs, by digest */
    char *summary;        /* in words: each object's fate, the changes beyond
                           * the version ("! " marks a warning), lines */
    char *diff;           /* against the target's live objects, secrets masked */
    bool nothing_to_do;   /* the target already runs this release */
} tui_promote_plan;
void tui_promote_plan_free(void *p);

/* Services of a model, as bits (rollback). */
#define TUI_SERVICE_STREAM 1u
#define TUI_SERVICE_VALIDATE 2u
#define TUI_SERVICE_BOTH (TUI_SERVICE_STREAM | TUI_SERVICE_VALIDATE)

/* ---- the backend -------------------------------------------------------------
 * All ops are called on the UI thread, return at once, and answer through
 * the queue. Returned ids are > 0 and unique per backend. */
typedef struct tui_backend tui_backend;

typedef struct tui_backend_ops {
    const char *name;
    /* Starts list+watch of the fleet: TUI_MSG_CONN and TUI_MSG_FLEET
     * batches follow for as long as the backend lives. */
    void (*watch_fleet)(tui_backend *b);
    unsigned long (*load_model)(tui_backend *b, const char *model);
    /* container: "app" or "queue-proxy"; tail: lines of history (0 all). */
    unsigned long (*follow_logs)(tui_backend *b, const char *model, const char *pod,
                                 const char *container, bool follow, int tail);
    /* Stops a log stream or an operation's follow-up; no message with
     * this req arrives after cancel returns... except those already queued
     * (views ignore unknown ids). */
    void (*cancel)(tui_backend *b, unsigned long req);
    unsigned long (*render)(tui_backend *b, const tui_release_req *r);
    unsigned long (*diff)(tui_backend *b, const tui_release_req *r);
    unsigned long (*dry_run)(tui_backend *b, const tui_release_req *r);
    /* PROGRESS per object, then per service rollout until Ready or a
     * failure reason, then DONE. */
    unsigned long (*apply)(tui_backend *b, const tui_release_req *r);
    unsigned long (*delete_model)(tui_backend *b, const char *model);
    /* Sends 100% of the traffic of each service in `services`
     * (TUI_SERVICE_* bits) to <service>-<version>. */
    unsigned long (*rollback)(tui_backend *b, const char *model, const char *version,
                              unsigned services);
    unsigned long (*pin_latest)(tui_backend *b, const char *model);
    /* Optional: splits the traffic of each service in `services` as split
     * ("3=90 4=10", VERSION=PERCENT words adding up to 100) between Ready
     * revisions, as `ttstui traffic` does: PROGRESS per service, DONE. */
    unsigned long (*traffic)(tui_backend *b, const char *model, const char *split,
                             unsigned services);
    unsigned long (*list_contexts)(tui_backend *b);
    /* CONN (connecting), a FLEET batch starting with RESET, DONE. */
    unsigned long (*switch_context)(tui_backend *b, const char *context);
    /* Optional: a lost connection is tried again now, not after the
     * backoff's wait. */
    void (*reconnect)(tui_backend *b);
    /* Optional: the digest the tag of image points at now (registry API
     * v2, as `ttstui image resolve`), and the repository's tags when
     * with_tags: IMAGE. */
    unsigned long (*resolve_image)(tui_backend *b, const char *image, bool with_tags);
    /* Optional: every model of another context (one list per kind, as
     * `status` loads them), on its own client: CONTEXT_FLEET. */
    unsigned long (*load_context_fleet)(tui_backend *b, const char *context);
    /* Optional: the deployment files under dir against the live models of
     * the current context, for env (NULL: the settings' environment of
     * the context, else the files' only one): FILES_PLAN. */
    unsigned long (*plan_files)(tui_backend *b, const char *dir, const char *env);
    /* Optional: plans dir again and applies those of models[0..n) whose
     * file differs from the cluster, each through the rules of a single
     * apply (as `ttstui apply -f`): PROGRESS per model (its outcome and
     * why), DONE (failed when any model failed or was refused). */
    unsigned long (*apply_files)(tui_backend *b, const char *dir, const char *env,
                                 const char *const *models, size_t n);
    /* Optional: promoting model from context `from` to context `to`, as
     * `ttstui promote` does (the source must be Ready and by digest; the
     * target's rules, environment and next free version): the plan of it,
     * refusals audited: PROMOTE_PLAN. */
    unsigned long (*promote_plan)(tui_backend *b, const char *model, const char *from,
                                  const char *to);
    /* Optional: the promotion the plan showed, as version in the target;
     * refused when the source no longer runs image. PROGRESS per step,
     * audited as promote, DONE. */
    unsigned long (*promote)(tui_backend *b, const char *model, const char *from,
                             const char *to, const char *version, const char *image);
    /* Stops every thread and frees the backend (queued messages stay). */
    void (*destroy)(tui_backend *b);
    /* Optional: takes a message the UI is done with and frees it on a
     * backend thread (a FLEET batch of 8,000 objects takes tens of ms to
     * free, time a key press would wait). NULL: the UI frees it. */
    void (*dispose)(tui_backend *b, tui_msg *m);
} tui_backend_ops;

struct tui_backend {
    const tui_backend_ops *ops;
    tui_queue *queue; /* borrowed: outlives the backend */
    unsigned long next_req;
    void *impl;
};

/* Frees m through the backend's dispose when it has one (b may be NULL). */
void tui_backend_dispose(tui_backend *b, tui_msg *m);
/* A new request id (thread-safe). */
unsigned long tui_backend_next_req(tui_backend *b);
/* Pushes a message with payload (and its free function) and optional error. */
void tui_backend_post(tui_backend *b, int type, unsigned long req, void *payload,
                      void (*free_payload)(void *), const tt_error *err);
void tui_backend_destroy(tui_backend *b); /* NULL is fine */

/* The fake backend: answers from a JSON fixture (see
 * tests/data/tui/fleet-basic.json for the format) with optional delays,
 * for tests and for developing views without a cluster. NULL with err set
 * when the fixture cannot be read. */
tui_backend *tui_backend_fake_new(tui_queue *q, const char *fixture_path, tt_error *err);

#endif
