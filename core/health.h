/*
 * Health helpers shared by the TUI and `ttstui apply --wait`: how a
 * rollout of a version is going (per target revision, failing fast on
 * errors that will not fix themselves), events sorted and formatted, a
 * pod summary, and a revision's conditions for display. Pure functions
 * over jansson values; no I/O.
 */
#ifndef HEALTH_H
#define HEALTH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- (a) rollout --------------------------------------------------------- */

typedef enum health_state {
    HEALTH_PENDING = 0, /* the revision does not exist yet */
    HEALTH_PROGRESSING, /* exists, not Ready yet, nothing failed */
    HEALTH_READY,
    HEALTH_FAILED,
} health_state;

typedef struct health_target {
    const char *revision_name; /* e.g. "stream-3" */
    const json_t *revision;    /* the Revision, NULL = not created yet */
    const json_t *pods;        /* array of this revision's Pods, or NULL */
    const json_t *events;      /* array of Events about it or its pods, or NULL */
} health_target;

typedef struct health_revision {
    char *name;
    health_state state;
    char *reason;  /* e.g. "ImagePullBackOff", "Deploying"; may be NULL */
    char *message; /* may be NULL */
} health_revision;

typedef enum health_overall {
    HEALTH_ROLLOUT_IN_PROGRESS = 0,
    HEALTH_ROLLOUT_READY,   /* every target Ready */
    HEALTH_ROLLOUT_PARTIAL, /* some Ready, the others failed */
    HEALTH_ROLLOUT_FAILED,  /* a target failed and none is Ready (fail fast) */
} health_overall;

typedef struct health_rollout {
    health_revision *revisions; /* one per target, same order */
    size_t n_revisions;
    health_overall overall;
} health_rollout;

/*
 * Evaluates each target revision from its own objects only, so a stale
 * failure of another revision (an older one still named in the Service's
 * conditions) never counts:
 * - Ready True: ready. Ready False: failed with its reason and message.
 * - Otherwise failed fast when a condition of the revision (Ready,
 *   ResourcesAvailable, ContainerHealthy) has reason RevisionFailed,
 *   ContainerMissing, ProgressDeadlineExceeded, ImagePullBackOff,
 *   ErrImagePull, CrashLoopBackOff or ExitCode<N>; or a pod container is
 *   waiting with ImagePullBackOff, ErrImagePull, CrashLoopBackOff,
 *   InvalidImageName, CreateContainerConfigError or CreateContainerError;
 *   or a Warning event has reason BackOff or Failed.
 * - Otherwise progressing (reason of the Ready condition, e.g. Deploying).
 * - No Revision object: failed if the live Service (ksvc, may be NULL)
 *   says in a False condition `Revision "<name>" failed`, else pending.
 * Clear out with health_rollout_clear.
 */
void health_evaluate_rollout(const json_t *ksvc, const health_target *targets, size_t n,
                             health_rollout *out);
void health_rollout_clear(health_rollout *r);
/* "pending", "progressing", "ready", "failed". */
const char *health_state_name(health_state s);
/* "in progress", "ready", "partial", "failed". */
const char *health_overall_name(health_overall o);
/* One line per revision: "stream-3: failed (ImagePullBackOff: Back-off
 * pulling image ...)". Caller frees. */
char *health_rollout_format(const health_rollout *r);

/* ---- (b) events -------------------------------------------------------------- */

typedef struct health_event {
    char *type;    /* Normal, Warning */
    char *reason;
    char *object;  /* "Pod/stream-3-deployment-abc" */
    char *message;
    long long time; /* lastTimestamp, else eventTime, firstTimestamp, creationTimestamp */
    int count;
} health_event;

/* The events of a list or array, Warnings first, then newest first (then
 * by object and reason, so the order is stable). *n = count. Free with
 * health_events_free. */
health_event *health_events_sorted(const json_t *events, size_t *n);
void health_events_free(health_event *events, size_t n);
/* "5m Warning BackOff Pod/stream-3-deployment-abc: Back-off restarting
 * failed container" with the age relative to now (unix seconds). Caller
 * frees. */
char *health_event_format(const health_event *e, long long now);
/* "42s", "5m", "3h", "12d" ("0s" for the future). Caller frees. */
char *health_format_age(long long seconds);

/* ---- (c) pods -------------------------------------------------------------- */

typedef struct health_pod {
    char *name;
    char *phase;          /* Pending, Running, ...; "Terminating" when deleted */
    int ready, total;     /* containers ready / all */
    int restarts;         /* sum over containers */
    char *waiting_reason; /* first container waiting reason, or NULL */
} health_pod;

void health_pod_summary(const json_t *pod, health_pod *out);
void health_pod_clear(health_pod *p);
/* "stream-3-deployment-abc Running 1/2 restarts 4 CrashLoopBackOff". Caller frees. */
char *health_pod_format(const health_pod *p);

/* ---- (d) conditions -------------------------------------------------------- */

typedef struct health_condition {
    char *type, *status, *reason, *message; /* reason and message may be NULL */
    long long last_transition;              /* unix seconds, 0 unknown */
} health_condition;

/* status.conditions of any object, Ready first then in the object's
 * order. Free with health_conditions_free. */
health_condition *health_conditions(const json_t *obj, size_t *n);
void health_conditions_free(health_condition *c, size_t n);

/* What holds a Terminating namespace: the messages (else reasons, else
 * types) of its conditions with status True (NamespaceContentRemaining,
 * NamespaceFinalizersRemaining, NamespaceDeletion*Failure), finalizers
 * first, joined with "; ", e.g. "Some content in the namespace has
 * finalizers remaining: example.com/f in 1 resource instances". NULL when
 * none. Caller frees. */
char *health_namespace_blockers(const json_t *ns);

#endif
