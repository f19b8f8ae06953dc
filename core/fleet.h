/*
 * The fleet: what the views and `ttstui status` show, built from the
 * cluster's Knative Services, Revisions, Namespaces and the
 * KongClusterPlugin that pins `latest`. Objects arrive as jansson values
 * from list and watch; the fleet keeps only the fields it shows, so it
 * stays small at thousands of models. No I/O.
 *
 * A model is a namespace that holds a Knative Service `stream` or
 * `validate`. Revisions belong to a service through the label
 * serving.knative.dev/service.
 */
#ifndef FLEET_H
#define FLEET_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum fleet_cond {
    FLEET_COND_UNKNOWN = 0, /* condition missing or status "Unknown" */
    FLEET_COND_TRUE,
    FLEET_COND_FALSE,
} fleet_cond;

typedef struct fleet_traffic {
    char *revision;       /* resolved revision name, may be NULL */
    char *tag;            /* may be NULL */
    int percent;
    bool latest_revision; /* latestRevision: true */
} fleet_traffic;

typedef struct fleet_revision {
    char *name;           /* e.g. stream-12 */
    char *version;        /* name without "<service>-", e.g. 12 */
    fleet_cond ready;
    char *reason;         /* Ready condition reason, may be NULL */
    char *message;        /* Ready condition message, may be NULL */
    char *image;          /* container image (first container) */
    int min_scale;        /* -1 when not set; hyphenated key wins */
    int max_scale;
    int actual_replicas;  /* -1 when unknown */
    int desired_replicas;
    long long created;    /* unix seconds */
    int traffic_percent;  /* filled from the service's status.traffic */
} fleet_revision;

typedef struct fleet_service {
    bool present;
    fleet_cond ready;
    char *reason;
    char *message;
    char *latest_created;
    char *latest_ready;
    char *url;
    long long created;
    fleet_traffic *traffic; /* status.traffic, else spec.traffic */
    size_t n_traffic;
    fleet_revision *revisions; /* newest first */
    size_t n_revisions;
} fleet_service;

typedef struct fleet_model {
    char *name;            /* namespace */
    fleet_service stream;
    fleet_service validate;
    bool pinned_latest;    /* KongClusterPlugin latest-pinned-service names it */
    bool terminating;      /* namespace phase Terminating */
    long long created;     /* oldest service creation */
} fleet_model;

typedef enum fleet_kind {
    FLEET_KIND_SERVICE,
    FLEET_KIND_REVISION,
    FLEET_KIND_NAMESPACE,
    FLEET_KIND_PIN,
} fleet_kind;

typedef struct fleet fleet;

fleet *fleet_new(void);
void fleet_free(fleet *f);

/* Applies one object from a list or a watch event; deleted = DELETED. */
void fleet_apply(fleet *f, fleet_kind kind, const json_t *obj, bool deleted);
/* Before a relist of one kind: marks its objects; fleet_sweep(kind) then
 * drops those not seen again, so nothing stale survives a relist. */
void fleet_begin_relist(fleet *f, fleet_kind kind);
void fleet_sweep(fleet *f, fleet_kind kind);

/* Models sorted by name; the pointers stay valid until the next change. */
size_t fleet_model_count(const fleet *f);
const fleet_model *fleet_model_at(const fleet *f, size_t i);
const fleet_model *fleet_find(const fleet *f, const char *model);
const fleet_service *fleet_model_service(const fleet_model *m, const char *service);
/* Bumps on every change that alters what a view shows (for redraws). */
uint64_t fleet_generation(const fleet *f);

/* Both services present and Ready. */
bool fleet_model_ready(const fleet_model *m);
/* Highest numeric version among the model's revisions + 1 ("1" if none or
 * none numeric). Caller frees. */
char *fleet_next_version(const fleet_model *m);
/* Traffic not 100% on the latest ready revision (pinned away). */
bool fleet_service_traffic_pinned(const fleet_service *s);
/* stream and validate serve different versions. */
bool fleet_model_versions_differ(const fleet_model *m);

/* `ttstui status -o json`: an array with one object per model (or just
 * `model` when non-NULL; empty array if absent): model, ready,
 * pinnedLatest, services {stream, validate}: ready, latestReadyRevision,
 * latestCreatedRevision, url, traffic [{revisionName, percent, tag,
 * latestRevision}], revisions [{name, version, ready, reason, image,
 * minScale, maxScale, created (RFC 3339)}]. New reference. */
json_t *fleet_status_json(const fleet *f, const char *model);

#endif
