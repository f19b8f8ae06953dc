/*
 * ttstui-demo-cluster: a local Kubernetes API server with a simulated
 * Knative Serving controller, for tests and demos (not part of ttstui).
 *
 * Concurrency model: libmicrohttpd runs one thread per connection; every
 * object in the store, every watcher queue and the controller's work queue
 * are guarded by the single store lock (dc_lock/dc_unlock). A json_t that
 * has been stored is never modified again (copy, change, store), so an
 * event can keep a reference to the object as it was.
 */
#ifndef DC_H
#define DC_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "tt_common.h"

/* ---- configuration (main.c) ------------------------------------------ */

typedef struct dc_config {
    const char *listen;
    const char *kubeconfig_out;
    bool tls;
    bool client_cert_auth;
    const char *token;
    const char *seed_dir;
    bool no_seed;
    int models;
    int revisions;
    const char *extra_models; /* --extra-models (dc_seed_extra) */
    int ready_delay_ms;
    const char *image_digests; /* --image-digests FILE: "IMAGE DIGEST" lines */
    int latency_ms;
    double fail_rate;
    int drop_watches_every_s;
    long rv_window;
    long long first_rv; /* 0: from the clock (see dc_store_init) */
    int bookmark_every_s;
    /* fault knobs for tests/faults (faults.c) */
    bool forbid_cluster_list;
    bool ssa_conflicts;
    const char *fail_kind;
    bool stuck_namespaces;
    bool fail_reads;          /* --fail-rate applies to GET/HEAD only */
    unsigned fail_seed;       /* --fail-seed: the injected failures' sequence */
    const char *stall_kind;   /* --stall-kind: answers to stored writes held */
    int stall_ms;
    bool stall_before_store;  /* --stall-before-store: held, then 504, not stored */
    bool hold_list_pages;     /* --hold-list-pages: pages after a list's first wait for
                               * POST /debug/release-lists */
    bool hold_reads;          /* --hold-reads: every read waits for
                               * POST /debug/release-reads */
} dc_config;

extern dc_config g_cfg;
extern volatile int g_shutdown; /* set once, on SIGINT/SIGTERM */

/* ---- resources (resources.c) ------------------------------------------ */

typedef struct dc_coll dc_coll;

typedef struct dc_resource {
    const char *group; /* "" for the core group */
    const char *version;
    const char *plural;
    const char *singular;
    const char *kind;
    bool namespaced;
    bool has_status;     /* status is a subresource: ignored on spec writes */
    bool has_generation; /* metadata.generation is maintained */
    const char *short_names[3];
    const char *categories[4];
    const char *verbs; /* "all" or "ro" (get, list, watch) */
    dc_coll *coll;     /* the stored objects */
} dc_resource;

/* NULL-terminated table of every served resource. */
extern dc_resource *const dc_resources[];

dc_resource *dc_resource_find(const char *group, const char *version, const char *plural);
dc_resource *dc_resource_by_kind(const char *api_version, const char *kind);
/* "apps/v1" or "v1"; static storage. */
const char *dc_resource_api_version(const dc_resource *r);
/* "services.serving.knative.dev" or "pods"; static per resource. */
const char *dc_resource_qualified(const dc_resource *r);

extern dc_resource *DC_NAMESPACES, *DC_PODS, *DC_EVENTS, *DC_SECRETS, *DC_SERVICES,
    *DC_CONFIGMAPS, *DC_DEPLOYMENTS, *DC_REPLICASETS, *DC_KSVC, *DC_KCONFIG, *DC_KREV,
    *DC_KROUTE, *DC_INGRESSES, *DC_KONGPLUGINS, *DC_KONGINGRESSES, *DC_KONGCLUSTERPLUGINS;

/* Discovery documents; caller decrefs. NULL when the group/version is unknown. */
json_t *dc_discovery_api(void);
json_t *dc_discovery_apis(void);
json_t *dc_discovery_group(const char *group);
json_t *dc_discovery_resources(const char *group, const char *version);

/* ---- store (store.c) -------------------------------------------------- */

typedef struct dc_object {
    char *key; /* "ns/name" or "name" */
    char *ns;  /* "" for cluster-scoped */
    char *name;
    json_t *obj;  /* immutable once stored */
    char *json;   /* cached compact serialisation, or NULL */
    size_t json_len;
    unsigned long long rv;
} dc_object;

enum dc_event_type { DC_ADDED, DC_MODIFIED, DC_DELETED };

void dc_store_init(void);
void dc_store_free(void);
void dc_lock(void);
void dc_unlock(void);
/* Waits on the store's condition (signalled on every change) up to ms. */
void dc_wait(int ms);
void dc_broadcast(void);

unsigned long long dc_store_rv(void);
/* Oldest resourceVersion a watch may start from (older ones are 410). */
unsigned long long dc_store_oldest_rv(void);

dc_object *dc_store_get(dc_resource *r, const char *ns, const char *name);
/* Stores obj (takes the reference), assigning resourceVersion; returns the
 * stored object. Replaces an existing object of that name. When the new
 * content equals the old (ignoring resourceVersion), nothing changes. */
dc_object *dc_store_put(dc_resource *r, json_t *obj);
/* Removes an object and records a DELETED event. */
void dc_store_delete(dc_resource *r, const char *ns, const char *name);
/* The cached JSON text of an object. */
const char *dc_object_json(dc_object *o, size_t *len);

/* The collection sorted by key (valid until the next insert/delete; hold
 * the lock). dc_store_range: only the objects of one namespace. */
dc_object **dc_store_sorted(dc_resource *r, size_t *n);
dc_object **dc_store_range(dc_resource *r, const char *ns, size_t *n);
/* Forgets the event history and starts recording events (after seeding:
 * until then nothing is logged); also serialises every object once. */
void dc_store_reset_log(void);
size_t dc_store_count(dc_resource *r);

/* Fresh uid (caller frees) and RFC 3339 "now" (static per thread). */
char *dc_new_uid(void);
const char *dc_now_rfc3339(void);
void dc_format_time(long long epoch_s, char out[32]);
long long dc_parse_time(const char *s);

/* Selectors */
typedef struct dc_selector dc_selector;
/* Parses a label selector and a field selector; NULL with err on bad syntax. */
dc_selector *dc_selector_parse(const char *labels, const char *fields, tt_error *err);
bool dc_selector_match(const dc_selector *s, json_t *obj);
bool dc_selector_empty(const dc_selector *s);
void dc_selector_free(dc_selector *s);

/* Change notifications: called under the lock for every change. */
typedef void (*dc_change_hook)(dc_resource *r, int type, json_t *obj);
void dc_store_set_hook(dc_change_hook hook);

/* Watchers */
typedef struct dc_watch_event {
    int type; /* dc_event_type */
    json_t *obj;
    unsigned long long rv;
} dc_watch_event;

typedef struct dc_watcher {
    dc_resource *res;
    char *ns; /* NULL: every namespace */
    dc_selector *sel;
    dc_watch_event *q;
    size_t qlen, qcap, qhead;
    struct dc_watcher *next;
} dc_watcher;

/* Registers a watcher starting after rv (from_now: synthetic ADDED for every
 * current object). Registers nothing when rv is older than the event log
 * (410 Gone for the caller) or newer than any change this store made (an
 * RV from another incarnation of the cluster: the apiserver's "Too large
 * resource version"). */
typedef enum { DC_WATCH_OK, DC_WATCH_TOO_OLD, DC_WATCH_TOO_NEW } dc_watch_start;
dc_watch_start dc_watcher_register(dc_watcher *w, unsigned long long rv, bool from_now);
void dc_watcher_unregister(dc_watcher *w);

/* ---- JSON helpers (jsonutil.c) ----------------------------------------- */

const char *dc_jstr(json_t *obj, const char *path); /* dotted path, NULL if absent */
json_t *dc_jget(json_t *obj, const char *path);
/* Sets at a dotted path, creating objects; takes the value reference. */
void dc_jset(json_t *obj, const char *path, json_t *value);
/* Sets map_path[key] (key may contain dots), creating the map. */
void dc_jset_key(json_t *obj, const char *map_path, const char *key, json_t *value);
/* RFC 7386 merge patch (also used for strategic merge patch; "$" keys are
 * dropped). Returns a new object. */
json_t *dc_merge_patch(json_t *target, json_t *patch);
/* RFC 6902 JSON patch; NULL with err on failure. */
json_t *dc_json_patch(json_t *target, json_t *ops, tt_error *err);
/* A Status object. */
json_t *dc_status(int code, const char *reason, const char *message);
/* Approximate FieldsV1 for an applied object. */
json_t *dc_fields_v1(json_t *obj);
/* "5m", "3d2h" */
void dc_age(long long seconds, char out[16]);

/* ---- API (api.c, api_*.c) ------------------------------------------------ */

typedef struct dc_tls dc_tls;
typedef const dc_tls *dc_tls_ptr;

/* Error raised while processing a write: a Status to return. */
typedef struct dc_fail {
    int code;
    char reason[64];
    char message[4096];
    json_t *details; /* optional, owned */
} dc_fail;

void dc_fail_set(dc_fail *f, int code, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes an object through the same path as the API (defaulting,
 * admission, metadata). op: "create", "update". Returns the stored object
 * (borrowed) or NULL with f set. The controller uses it with internal=true
 * (skips admission, keeps status). Hold the lock. */
dc_object *dc_write(dc_resource *r, json_t *obj, bool create, bool internal, const char *manager,
                    dc_fail *f);
/* Deletes with garbage collection of dependents. Hold the lock. */
void dc_delete_cascade(dc_resource *r, const char *ns, const char *name);

int dc_server_start(const char *host, int port, const dc_tls_ptr tls, int *bound_port,
                    tt_error *err);
void dc_server_stop(void);
/* Response helpers shared by the API, watch and log code. body is owned. */
enum MHD_Result dc_send(struct MHD_Connection *c, int code, const char *ctype, char *body,
                        size_t len);
enum MHD_Result dc_send_json(struct MHD_Connection *c, int code, json_t *doc); /* steals doc */
enum MHD_Result dc_send_status(struct MHD_Connection *c, int code, const char *reason,
                               const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A long-lived chunked watch response. Takes sel. */
enum MHD_Result dc_watch_serve(struct MHD_Connection *c, dc_resource *r, const char *ns,
                               dc_selector *sel, const char *rv, bool table, int timeout_s,
                               bool bookmarks);
/* A pod log, optionally followed. */
enum MHD_Result dc_logs_serve(struct MHD_Connection *c, const char *ns, const char *pod,
                              const char *container, bool follow, long tail_lines);
/* True when the peer of a connection has hung up. */
bool dc_peer_gone(struct MHD_Connection *c);

/* What the API's files (api*.c) share. api.c: request arguments and
 * headers, answers. */
const char *dc_arg(struct MHD_Connection *c, const char *name);    /* query argument */
const char *dc_header(struct MHD_Connection *c, const char *name); /* request header */
bool dc_truthy(const char *v);                                     /* "true" or "1" */
bool dc_want_table(struct MHD_Connection *c);                      /* Accept: as=Table */
enum MHD_Result dc_send_fail(struct MHD_Connection *c, dc_fail *f);
void dc_fail_not_found(dc_fail *f, dc_resource *r, const char *name);
/* obj (owned) as it is, or as a Table. */
enum MHD_Result dc_respond_object(struct MHD_Connection *c, int code, dc_resource *r,
                                  json_t *obj, bool table);

/* A request's body as it arrives. */
typedef struct dc_req {
    tt_buf body;
    bool too_big;
} dc_req;

/* api_debug.c: requests served, by kind (GET /debug/requests), and the
 * /debug/ endpoints (true when url is one, with *ret its answer). */
enum { RQ_TOTAL, RQ_LIST, RQ_LIST_CONTINUE, RQ_WATCH, RQ_GET, RQ_WRITE, RQ_INJECTED, RQ_N };
void dc_count_request(int kind);
bool dc_debug_route(struct MHD_Connection *c, const char *url, const char *method,
                    enum MHD_Result *ret);

/* api_admit.c: completes an object for storing (validation, namespace
 * checks, metadata, status handling, generation, defaults, admission);
 * false with f set. Hold the lock. */
bool dc_prepare(dc_resource *r, json_t *obj, dc_object *old, bool internal,
                const char *manager, const char *operation, json_t *applied, dc_fail *f);

/* api_list.c: GET of a collection (a list or a watch). */
enum MHD_Result dc_do_list(struct MHD_Connection *c, dc_resource *r, const char *ns);

/* api_write.c: the verbs that write. */
enum MHD_Result dc_do_create(struct MHD_Connection *c, dc_req *rq, dc_resource *r,
                             const char *ns);
enum MHD_Result dc_do_update(struct MHD_Connection *c, dc_req *rq, dc_resource *r,
                             const char *ns, const char *name, bool status_only);
enum MHD_Result dc_do_patch(struct MHD_Connection *c, dc_req *rq, dc_resource *r,
                            const char *ns, const char *name, bool status_only);
enum MHD_Result dc_do_delete(struct MHD_Connection *c, dc_resource *r, const char *ns,
                             const char *name);
enum MHD_Result dc_do_delete_collection(struct MHD_Connection *c, dc_resource *r,
                                        const char *ns);

/* ---- fault knobs (faults.c) ---------------------------------------------- */

/* --forbid-cluster-list: a list/watch of namespaced r across all namespaces
 * is Forbidden; true with f set. */
bool dc_fault_forbidden_list(dc_resource *r, const char *ns, bool watch, dc_fail *f);
/* --fail-kind: a (not dry-run) write of r fails with 500; true with f set. */
bool dc_fault_failed_write(dc_resource *r, bool dry_run, dc_fail *f);
/* --ssa-conflicts: an apply without force that would change fields another
 * manager owns in old_obj is a 409 Conflict; true with f set. Lock held. */
bool dc_fault_apply_conflicts(json_t *old_obj, json_t *applied, const char *manager, bool force,
                              dc_fail *f);
/* --ssa-conflicts with force=true: the fields applied leave every other
 * manager's managedFields entry of obj (about to be stored), as on a real
 * server. */
void dc_fault_release_fields(json_t *obj, json_t *applied, const char *manager);
/* --stall-kind: a (not dry-run) write whose body is an object of that kind
 * and that the server answered 2xx (so it is stored): hold the answer for
 * --stall-ms (default 40000) before it goes out, longer than a client's
 * request limit. Returns once the time is up or the server stops. */
void dc_fault_stall_after_store(const char *method, const char *body, size_t len, bool dry_run,
                                unsigned status);
/* --stall-kind with --stall-before-store: a (not dry-run) write of that
 * kind is held for --stall-ms before anything is stored; true when the
 * caller must then answer 504 and store nothing (a request lost in a
 * paused server). */
bool dc_fault_stall_before_store(const char *method, const char *body, size_t len, bool dry_run);
/* --hold-list-pages: a list request with a continue token (a page after
 * the first) waits here until POST /debug/release-lists (or the server
 * stops); no lock held. Returns at once without the option or once
 * released. */
void dc_fault_hold_list_page(void);
/* POST /debug/release-lists: every held page goes, and no page is held
 * from then on. */
void dc_fault_release_lists(void);
/* Pages held right now (GET /debug/requests "held"). */
int dc_fault_held_pages(void);
/* --hold-reads: a GET or HEAD of the API (not /debug/) waits here while
 * reads are held: from the start, and again after POST /debug/hold-reads,
 * until POST /debug/release-reads. A test sees the client with every read
 * in flight for as long as it needs, without racing a delay. */
void dc_fault_hold_read(void);
void dc_fault_set_reads_held(bool held);

/* --stuck-namespaces: the conditions of a namespace that never goes; sets
 * them on ns_obj (a copy about to be stored) and returns it. */
json_t *dc_fault_stuck_namespace(json_t *ns_obj);

/* ---- Knative (knative.c, kn_*.c; their shared parts in knative.h) ---- */

void kn_controller_start(void);
void kn_controller_stop(void);
/* Defaults and admission for a Knative Service; false with f set. Lock held. */
bool kn_default_and_validate(dc_resource *r, json_t *obj, json_t *old, dc_fail *f);
/* Runs the controller for one service synchronously, revisions becoming
 * Ready at once (used by the seed). Lock held. */
void kn_reconcile_now(const char *ns, const char *name);
/* Marks revisions created by the next reconciles as instantly ready. */
extern bool kn_instant;
void kn_enqueue(dc_resource *r, const char *ns, const char *name);
/* Namespace deletion: schedules the purge. Lock held. */
void kn_namespace_terminating(const char *ns);
void kn_change_hook(dc_resource *r, int type, json_t *obj);
/* Seed helper: a Ready revision in reserve from tmpl (older history). Lock held. */
void kn_seed_revision(json_t *cfg, json_t *tmpl, const char *revname, long long gen);

/* ---- seed (seed.c) ----------------------------------------------------- */

int dc_seed_dir(const char *dir, tt_error *err);
void dc_seed_synthetic(int models, int revisions);
/* --extra-models: comma-separated NAME[:KIND] seeded after the rest, each
 * a synthetic model with `revisions` versions per service: KIND full
 * (default), services (its Revision objects gone), revisions (its
 * Services and Configurations gone, the Revisions left), namespace (the
 * namespace alone). -1 with err on a bad name or kind. */
int dc_seed_extra(const char *list, int revisions, tt_error *err);

/* ---- tables (tables.c) ------------------------------------------------- */

/* A meta.k8s.io/v1 Table for the given objects (borrowed). */
json_t *dc_table_new(dc_resource *r, json_t *const *objs, size_t n, bool with_columns);

/* ---- openapi (openapi.c) ----------------------------------------------- */

json_t *dc_openapi_root(void);
json_t *dc_openapi_doc(const char *gv_path); /* "api/v1", "apis/g/v"; NULL if unknown */

/* ---- logs (logs.c) ----------------------------------------------------- */

/* Log text of a pod container (caller frees); NULL with f set. */
char *dc_pod_log(json_t *pod, const char *container, long tail_lines, dc_fail *f);
/* One more log line for follow mode (caller frees). */
char *dc_pod_log_line(json_t *pod, const char *container, unsigned seq);

/* ---- tls (tls.c) ------------------------------------------------------- */

struct dc_tls {
    char *ca_cert_pem, *ca_key_pem;
    char *server_cert_pem, *server_key_pem;
    char *client_cert_pem, *client_key_pem;
};

int dc_tls_generate(dc_tls *t, bool client, tt_error *err);
void dc_tls_free(dc_tls *t);

#endif
