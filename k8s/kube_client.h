/*
 * The Kubernetes API client: one HTTP connection (libcurl) to one cluster,
 * its credentials (kube_auth) and its discovery cache.
 *
 * Threads: a kube_client is used by one thread at a time. Create one client
 * per worker thread (kube_client_new is cheap; each keeps its own
 * connection). The only thing another thread may touch is the cancel flag
 * (kube_client_set_cancel): setting it to non-zero makes the request in
 * flight return TT_ECANCELED within about 100 ms.
 *
 * Namespaces in the calls below: ns NULL means the client's namespace (from
 * the context, or the override given to kube_rest_config_resolve); ns ""
 * means all namespaces (list and watch only). Cluster-scoped resources
 * ignore ns.
 *
 * Returned JSON values are new references the caller must json_decref.
 * Every call returns NULL (or -1) with err set on failure: err->code is the
 * HTTP status for answers from the server (404, 409, 422 ...) with
 * err->reason the Kubernetes Status reason ("NotFound" ...), or a negative
 * TT_E* code for local or network failures (see tt_common.h).
 *
 * Credentials are sent only over https, as kubectl does.
 */
#ifndef KUBE_CLIENT_H
#define KUBE_CLIENT_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "kube_config.h"
#include "kube_gvr.h"
#include "tt_common.h"

typedef struct kube_client kube_client;

/* Copies what it needs from rc (rc may be freed afterwards). Creates the
 * credential source but contacts nothing yet. NULL with err set when rc is
 * unusable (no server, bad URL). Free with kube_client_free. */
kube_client *kube_client_new(const kube_rest_config *rc, tt_error *err);
void kube_client_free(kube_client *c);

const char *kube_client_context(const kube_client *c);   /* may be NULL (in-cluster) */
const char *kube_client_namespace(const kube_client *c); /* never NULL */
const char *kube_client_server(const kube_client *c);    /* https://host:port */
const char *kube_client_user(const kube_client *c);      /* kubeconfig user name, may be NULL */

/* Overall time limit of each ordinary request in ms (default 30000; 0 =
 * none). Watches and followed logs ignore it (they have their own). */
void kube_client_set_timeout_ms(kube_client *c, long ms);
/* A flag another thread may set to non-zero to abort the request in flight
 * (and refuse new ones). NULL removes it. The flag must outlive its use. */
void kube_client_set_cancel(kube_client *c, const atomic_int *cancel);
/* A descriptor that becomes readable when the cancel flag is set (the
 * canceller writes to it, e.g. an eventfd it never drains while cancelled).
 * With it, an idle transfer such as a quiet watch sleeps until data or a
 * cancel instead of waking every 100 ms to look at the flag. -1 removes it.
 * The client does not read or close it. */
void kube_client_set_cancel_fd(kube_client *c, int fd);
/* fieldManager for apply/create/update/patch (default "ttstui"). Copied. */
void kube_client_set_field_manager(kube_client *c, const char *manager);

/*
 * Retries of idempotent requests (GET, HEAD and dry runs; never a watch, a
 * followed log or a write that stores): an answer 429, 500, 502, 503 or 504
 * or a connection that broke off is tried again, up to max_attempts in all,
 * after an exponential backoff with jitter (initial_ms, doubled each time,
 * plus up to half again at random, at most max_ms), or the server's
 * Retry-After when that is longer (also at most max_ms). A write whose
 * answer is lost is never sent again: its error says the outcome is
 * unknown (kube_error_outcome_unknown).
 */
typedef struct kube_retry_policy {
    int max_attempts; /* including the first; 1 = no retries; <= 0 = default 5 */
    long initial_ms;  /* <= 0 = default 250 */
    long max_ms;      /* <= 0 = default 10000 */
    /* Waits ms between attempts. NULL = sleep, cut short by the cancel
     * flag. Tests pass a recorder here so they never wait. */
    void (*sleep)(long ms, void *ud);
    void *sleep_ud;
} kube_retry_policy;

/* Copies p; NULL = the defaults. */
void kube_client_set_retry(kube_client *c, const kube_retry_policy *p);

/* err->reason of a write whose answer was lost (timeout once connected,
 * connection broken off): the server may or may not have acted on it. */
#define KUBE_REASON_OUTCOME_UNKNOWN "OutcomeUnknown"
bool kube_error_outcome_unknown(const tt_error *err);

/* ---- raw requests --------------------------------------------------- */

typedef struct kube_response {
    long status;        /* HTTP status */
    char *content_type; /* may be NULL */
    tt_buf body;
} kube_response;

void kube_response_free(kube_response *r); /* frees the members, not r */

/*
 * One request. path_and_query starts with '/' and is already escaped
 * (build it with kube_gvr_path and kube_url_escape). body may be NULL.
 * Returns 0 when the server answered 2xx (resp filled, caller calls
 * kube_response_free); -1 with err set otherwise (non-2xx answers are
 * decoded from their Status; resp is left empty).
 */
int kube_client_request(kube_client *c, const char *method, const char *path_and_query,
                        const char *content_type, const char *body, size_t body_len,
                        kube_response *resp, tt_error *err);
/* kube_client_request plus JSON decoding of the answer (and encoding of
 * body when non-NULL, sent as application/json unless content_type says
 * otherwise). Returns a new reference. */
json_t *kube_client_request_json(kube_client *c, const char *method, const char *path_and_query,
                                 const char *content_type, const json_t *body, tt_error *err);

/* GET /version: {"major","minor","gitVersion",...}. New reference. */
json_t *kube_server_version(kube_client *c, tt_error *err);

/* ---- operations ------------------------------------------------------ */

json_t *kube_get(kube_client *c, const kube_gvr *gvr, const char *ns, const char *name,
                 tt_error *err);

/* A List page's own metadata. */
typedef struct kube_list_page_info {
    char *resource_version;         /* metadata.resourceVersion; NULL = none */
    char *cont;                     /* metadata.continue; NULL = none or "" */
    long long remaining_item_count; /* metadata.remainingItemCount; -1 = none */
    size_t items;                   /* the items of this page */
} kube_list_page_info;
void kube_list_page_info_clear(kube_list_page_info *info); /* frees the strings */

typedef struct kube_list_opts {
    const char *label_selector;   /* NULL = none */
    const char *field_selector;   /* NULL = none */
    long page_size;               /* limit= per request; 0 = 500 */
    const char *resource_version; /* NULL = most recent; "0" = any (cache) */
    long first_page_size;         /* limit= of the first page; 0 = page_size */
    /* kube_list_items: a continue token answered 410 Expired, so the list
     * starts again from its first page (at most 3 times) and its items
     * come again; called with the item callback's ud just before. NULL =
     * items simply come again. */
    void (*restart)(void *ud);
    /* kube_list_items: the fields of each item to decode, as dotted paths
     * ("metadata.name", "status.conditions" for a whole subtree,
     * "spec.containers[].image" through every element of an array); NULL-
     * terminated. Items then hold those fields only (see
     * k8s/kube_list_decode.h). NULL = whole items. */
    const char *const *fields;
    /* kube_list_items: called (with the item callback's ud) after each
     * page, with that page's metadata, e.g. for a progress count from
     * remaining_item_count. NULL = not called. */
    void (*page)(const kube_list_page_info *info, void *ud);
} kube_list_opts;


/* Lists every page (following metadata.continue) and returns one List
 * object: kind "<Kind>List", metadata.resourceVersion of the list, and all
 * items. opts may be NULL. */
json_t *kube_list(kube_client *c, const kube_gvr *gvr, const char *ns,
                  const kube_list_opts *opts, tt_error *err);

/* For huge lists: fn sees each page (borrowed) as it arrives; return
 * non-zero to stop early (kube_list_pages then returns 1). 0 when every
 * page was seen, -1 with err on failure. */
typedef int (*kube_list_page_fn)(const json_t *page, void *ud);
int kube_list_pages(kube_client *c, const kube_gvr *gvr, const char *ns,
                    const kube_list_opts *opts, kube_list_page_fn fn, void *ud, tt_error *err);

/* For huge lists, one item at a time: each page's text is decoded by an
 * event-based parser (yajl, k8s/kube_list_decode.h) into one item at a
 * time, of only opts->fields when given; fn sees each item (borrowed) and
 * the item is freed before the next is built, so memory stays at one
 * page's text plus one item (the decoded tree of a whole page is about
 * seven times its text). Pages
 * follow metadata.continue as kube_list_pages does; a 410 Expired on a
 * continuation restarts the list from its first page (opts->restart). fn
 * returns non-zero to stop (kube_list_items then returns 1). 0 when every
 * item was seen, -1 with err on failure (a page that is not a List:
 * TT_EPROTO). */
typedef int (*kube_list_item_fn)(const json_t *item, void *ud);
int kube_list_items(kube_client *c, const kube_gvr *gvr, const char *ns,
                    const kube_list_opts *opts, kube_list_item_fn fn, void *ud, tt_error *err);
/* kube_list_items that also gives the list's metadata.resourceVersion (of
 * its first page; every page has the same) in *resource_version, for a
 * watch that continues the list: set (caller frees) when it returns 0 or
 * 1 and the server sent one, NULL otherwise. */
int kube_list_items_rv(kube_client *c, const kube_gvr *gvr, const char *ns,
                       const kube_list_opts *opts, kube_list_item_fn fn, void *ud,
                       char **resource_version, tt_error *err);

typedef struct kube_write_opts {
    bool dry_run;              /* dryRun=All */
    const char *field_manager; /* NULL = the client's */
} kube_write_opts;

/* POST to the collection. ns NULL = the object's metadata.namespace, else
 * the client's. opts may be NULL. */
json_t *kube_create(kube_client *c, const kube_gvr *gvr, const char *ns, const json_t *obj,
                    const kube_write_opts *opts, tt_error *err);
/* PUT of the whole object (metadata.resourceVersion guards against lost
 * updates: a stale one answers 409 Conflict). name NULL = metadata.name. */
json_t *kube_update(kube_client *c, const kube_gvr *gvr, const char *ns, const char *name,
                    const json_t *obj, const kube_write_opts *opts, tt_error *err);
/* PATCH application/merge-patch+json (RFC 7386): null values delete keys,
 * arrays are replaced whole. */
json_t *kube_patch_merge(kube_client *c, const kube_gvr *gvr, const char *ns,
                         const char *name, const json_t *patch, const kube_write_opts *opts,
                         tt_error *err);

typedef struct kube_apply_opts {
    const char *field_manager; /* NULL = the client's ("ttstui") */
    bool force;                /* force=true: take over conflicting fields */
    bool dry_run;              /* dryRun=All: validated, nothing stored */
} kube_apply_opts;

/*
 * Server-side apply of one object: apiVersion/kind are mapped through
 * discovery, the namespace comes from metadata.namespace (else the
 * client's, for namespaced kinds), PATCH application/apply-patch+yaml with
 * a JSON body, fieldValidation=Strict. Returns the object as stored (or as
 * it would be, under dry_run). *created (may be NULL) is set when the
 * server answered 201.
 */
json_t *kube_apply(kube_client *c, const json_t *obj, const kube_apply_opts *opts,
                   bool *created, tt_error *err);

typedef enum kube_propagation {
    KUBE_PROPAGATION_BACKGROUND = 0,
    KUBE_PROPAGATION_FOREGROUND,
    KUBE_PROPAGATION_ORPHAN,
} kube_propagation;

typedef struct kube_delete_opts {
    kube_propagation propagation;
    bool dry_run;
} kube_delete_opts;

/* DELETE with {"propagationPolicy":...}. Returns the server's answer: the
 * object (e.g. a namespace now Terminating) or a Status of success. */
json_t *kube_delete(kube_client *c, const kube_gvr *gvr, const char *ns, const char *name,
                    const kube_delete_opts *opts, tt_error *err);

typedef struct kube_log_opts {
    const char *container; /* NULL = the pod's only/default container */
    long tail_lines;       /* < 0 = all */
    bool follow;
    bool timestamps;
    long since_seconds;    /* 0 = no limit */
    bool previous;         /* the previous (crashed) container */
} kube_log_opts;

/* One complete log line without its '\n' (not NUL-terminated within the
 * stream; line[len] is '\0' for convenience). Return non-zero to stop. */
typedef int (*kube_log_line_fn)(const char *line, size_t len, void *ud);

/* GET .../pods/NAME/log, one callback per line however the bytes arrive
 * (a last line without '\n' is delivered at the end). With follow, runs
 * until the container ends, fn stops it (returns 1) or the cancel flag is
 * set (-1, TT_ECANCELED). 0 when the stream ended. */
int kube_pod_logs(kube_client *c, const char *ns, const char *pod, const kube_log_opts *opts,
                  kube_log_line_fn fn, void *ud, tt_error *err);

#endif
