/*
 * The fleet: what the views and `ttstui status` show, built from the
 * cluster's Knative Services, Revisions, Namespaces and the
 * KongClusterPlugin that pins `latest`. Objects arrive as jansson values
 * from list and watch; the fleet keeps only the fields it shows, so it
 * stays small at thousands of models. No I/O.
 *
 * A model is a namespace that holds a Knative Service `stream` or
 * `validate`, or a Revision of one (a namespace alone is not a model).
 * Revisions belong to a service through the label
 * serving.knative.dev/service; services other than stream/validate are
 * ignored. Lookups are binary searches (models by name; a service's
 * revisions by creation time and name), so 5,000 models with 40 revisions
 * each apply in well under a second.
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
    char *name;           /* e.g. stream-12; the fleet's shared copy */
    char *version;        /* name without "<service>-", e.g. 12 (points into name) */
    char *reason;         /* Ready condition reason, may be NULL */
    char *message;        /* Ready condition message, may be NULL */
    const char *image;    /* container image (first container); the fleet's shared copy */
    const char *image_digest; /* what runs: status.containerStatuses[0].imageDigest
                               * (NAME@sha256:…), or NULL; the fleet's shared copy */
    int min_scale;        /* -1 when not set; hyphenated key wins */
    int max_scale;
    int actual_replicas;  /* -1 when unknown */
    int desired_replicas;
    long long created;    /* unix seconds */
    int traffic_percent;  /* filled from the service's status.traffic */
    fleet_cond ready;     /* next to the int above */
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
    /* spec.template: what the next revision is made from */
    char *template_name;    /* metadata.name, e.g. stream-12; NULL if unnamed */
    const char *template_image; /* first container's image; the fleet's shared copy */
    int template_min_scale; /* -1 when not set */
    int template_max_scale;
    /* The gunicorn application (first container's first argument after
     * the program that does not start with '-', e.g. src.service.worker:app);
     * the fleet's shared copy, NULL when there is none. */
    const char *template_entrypoint;
    bool template_api_keys; /* the container takes envFrom the Secret api-keys */
    /* The Service's annotation serving.knative.dev/rollout-duration (e.g.
     * "380s": Knative moves traffic to a new revision gradually over that
     * time), as the cluster wrote it (not cleaned); the fleet's shared
     * copy, NULL when not set. */
    const char *rollout_duration;
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
/* The fields fleet_apply reads of an object of kind, as dotted paths for
 * kube_list_opts.fields (NULL-terminated, static): an object that holds
 * only these applies exactly as the whole object does. */
const char *const *fleet_fields(fleet_kind kind);
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

/* What the service's latest ready revision runs. */
typedef struct fleet_serving {
    const char *image; /* borrowed from the fleet; may be NULL */
    int min_scale;     /* -1 when not set */
    int max_scale;
} fleet_serving;
/* From the latest ready revision when its object is in the fleet, else
 * from the service's spec.template when that is the latest ready revision
 * (the template names it, or is unnamed and nothing newer was created), so
 * the dashboard needs no revision objects for a settled service. False
 * when absent, nothing is ready yet, or a newer template is rolling out
 * and the ready revision's object has not arrived. */
bool fleet_service_serving(const fleet_service *s, fleet_serving *out);
/* The revision of s (of either service of m) named name, or NULL (also
 * for a NULL s, m or name). */
const fleet_revision *fleet_service_revision(const fleet_service *s, const char *name);
const fleet_revision *fleet_model_revision(const fleet_model *m, const char *name);
/* The model already has this version: a revision of either service in the
 * fleet, or a revision the services name (latest created/ready, template,
 * traffic) whose objects may not have arrived yet. */
bool fleet_model_has_version(const fleet_model *m, const char *version);
/* Highest numeric version (digits only, at most 18) among the model's
 * revisions of both services and the revisions they name (as in
 * fleet_model_has_version) + 1; "1" if none or none numeric (versions
 * like "beta" or "2a" are ignored). Caller frees. */
char *fleet_next_version(const fleet_model *m);
/* Traffic not 100% on the latest ready revision (pinned away): the
 * percentages of entries with latestRevision: true or naming the latest
 * ready revision sum to less than 100. False without a service or traffic. */
bool fleet_service_traffic_pinned(const fleet_service *s);
/* stream and validate serve different versions: the sets of versions
 * with traffic > 0 (else the latest ready revision's) differ. False when a
 * service is absent or serves nothing yet. */
bool fleet_model_versions_differ(const fleet_model *m);

/* `ttstui status -o json`: an array with one object per model, sorted by
 * name (or just `model` when non-NULL; empty array if absent):
 *   model (string), ready (bool: both services Ready), pinnedLatest (bool),
 *   terminating (bool), services {stream, validate}: each
 *     present (bool), ready ("True"|"False"|"Unknown", as the condition),
 *     reason, latestReadyRevision, latestCreatedRevision, url (string|null),
 *     rolloutDuration (string|null: serving.knative.dev/rollout-duration),
 *     traffic [{revisionName (string|null), percent, tag (string|null),
 *               latestRevision (bool)}],
 *     revisions (newest first) [{name, version, ready ("True"|...),
 *               reason (string|null), image (string|null),
 *               imageDigest (string|null), minScale, maxScale (int|null
 *               when unset), trafficPercent, created (RFC 3339 UTC, e.g.
 *               "2024-05-01T10:00:00Z"; null when the object had no
 *               creationTimestamp)}].
 * Key order is fixed as listed.
 *
 * The text is written by yajl's generator model by model, so the output of
 * thousands of models never exists as one tree, and passed through
 * tt_json_terminal_safe_append: every character outside ASCII and DEL is
 * escaped, so the JSON is safe on a terminal. */
typedef struct fleet_json_out fleet_json_out;

enum {
    /* Indented by two spaces, an empty array as [] (the default). */
    FLEET_JSON_PRETTY = 0,
    /* One compact object per line, each starting with "context" and "env"
     * (fleet_json_out_model's arguments): `status --all-contexts -o json`. */
    FLEET_JSON_LINES_WITH_CONTEXT = 1,
};

/* Text goes to cb (in pieces of up to about 64 KiB); cb returns 0, or
 * nonzero to stop: every later call then fails. */
fleet_json_out *fleet_json_out_new(unsigned flags, json_dump_callback_t cb, void *data);
/* Writes the next model of the array. context/env are written only with
 * FLEET_JSON_LINES_WITH_CONTEXT (env NULL: null). 0, or -1 once cb failed. */
int fleet_json_out_model(fleet_json_out *o, const fleet_model *m, const char *context,
                         const char *env);
/* Ends the array and the line ("\n]\n", or "[]\n" with no model) and
 * passes on what is held. 0 or -1. */
int fleet_json_out_end(fleet_json_out *o);
/* Passes on what is held without ending the array (a failure part way). */
int fleet_json_out_flush(fleet_json_out *o);
void fleet_json_out_free(fleet_json_out *o);

/* The whole array (or just `model`) in one go: what status -o json writes
 * for a fleet held whole. 0, or -1 as soon as cb failed. */
int fleet_status_json_dump(const fleet *f, const char *model, json_dump_callback_t cb,
                           void *data);
/* That text parsed back, as a jansson value: new reference. */
json_t *fleet_status_json(const fleet *f, const char *model);
/* One model's object of that array. New reference. */
json_t *fleet_model_json(const fleet_model *m);

/* For `ttstui status` writing each model as soon as it is complete (see
 * fleet_stream.h); the dashboard never calls these. */
/* Removes the model at index i (its output is written). */
void fleet_forget_model_at(fleet *f, size_t i);
/* Removes every revision (a list of them starts again); models left with
 * neither service nor revision go too. */
void fleet_clear_revisions(fleet *f);
/* A namespace of that name was applied, or a model has that name. */
bool fleet_namespace_known(const fleet *f, const char *name);
/* Bytes of the pool of image and revision names (entry points, rollout
 * durations). */
size_t fleet_string_bytes(const fleet *f);
/* Keeps in that pool only what the models still name (after
 * fleet_forget_model_at, the forgotten models' images stay until then).
 * Costs one intern per string still named. */
void fleet_compact_strings(fleet *f);

/* The model that the KongClusterPlugin latest-pinned-service names, or
 * NULL. Owned by the fleet. */
const char *fleet_pinned_model(const fleet *f);

/* A version made only of digits (at most 18, so it fits in 64 bits):
 * true and *out set; false for "beta", "2a", "" or NULL. */
/* "stream-12" -> "12" for service "stream"; the whole name otherwise
 * (borrowed from revision); NULL for NULL. */
const char *fleet_version_of(const char *revision, const char *service);
bool fleet_version_number(const char *version, unsigned long long *out);

/* The status.conditions entry of obj with this type, or NULL. Borrowed. */
const json_t *fleet_find_condition(const json_t *obj, const char *type);

/* "2024-05-01T10:00:00Z", fractional seconds and +hh:mm offsets accepted;
 * 0 when s is NULL or not RFC 3339. */
long long fleet_parse_rfc3339(const char *s);
/* Formats unix seconds as RFC 3339 UTC ("...Z") into out. */
void fleet_format_rfc3339(long long t, char out[32]);

#endif
