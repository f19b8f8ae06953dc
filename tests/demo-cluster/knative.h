/*
 * What the simulated Knative controller's files (knative.c, kn_*.c) share;
 * every function here runs under the store lock.
 */
#ifndef KNATIVE_H
#define KNATIVE_H

#include "dc.h"

#define KN_API "serving.knative.dev/v1"
#define LBL "serving.knative.dev/"
#define DEMO_USER "kubernetes-admin"

/* ---- knative.c: helpers and the controller's timers --------------------- */

/* An autoscaling.knative.dev/<which>-scale (or <which>Scale) annotation. */
int scale_ann(json_t *ann, const char *which, int def);
/* A condition; reason and msg may be NULL. */
json_t *cond(const char *type, const char *status, const char *reason, const char *msg);
/* Replaces conditions, keeping lastTransitionTime when the status did not change. */
void set_conditions(json_t *obj, json_t *conds);
json_t *find_cond(json_t *obj, const char *type);
const char *cond_status(json_t *obj, const char *type); /* "Unknown" when absent */
/* ownerReferences naming owner as the controller. */
json_t *owner_ref(json_t *owner);
unsigned long hash32(const char *s);
/* A name suffix derived from seed and salt (the same every run). */
void rand_name(char *out, size_t n, const char *seed, unsigned salt);
/* Stores through dc_write, internal (no admission); NULL on failure. */
dc_object *put_internal(dc_resource *r, json_t *obj, bool create);
/* A copy of a stored object, or NULL. */
json_t *copy_of(dc_resource *r, const char *ns, const char *name);

enum { T_REV_PROGRESS, T_CRASH, T_PULL, T_NS_PURGE, T_NS_REMOVE };
/* Runs action on ns/name at due (ms, tt_now_ms). */
void add_timer(long long due, int action, const char *ns, const char *name);

/* ---- kn_pods.c ------------------------------------------------------------ */

typedef enum { IMG_OK, IMG_CRASH, IMG_MISSING, IMG_HOLD } img_kind;
typedef enum { POD_CREATING, POD_RUNNING, POD_CRASH, POD_PULLFAIL } pod_phase;

/* What the revision's image does, by its name. */
img_kind image_kind(json_t *rev);
const char *user_container(json_t *rev);
/* Creates (or rescales) the Deployment and ReplicaSet of a revision. */
void ensure_deployment(json_t *rev, int replicas, int ready);
/* Creates or updates the pods of a revision to the given state. */
void sync_pods(json_t *rev, int want, pod_phase ph, bool bump_restarts);

/* ---- kn_revision.c -------------------------------------------------------- */

/* Moves a revision to its final state (Ready, crashing or unpullable). */
void revision_progress(const char *ns, const char *name);
/* Creates a revision from a configuration's template. */
void create_revision(json_t *cfg, const char *revname, json_int_t gen, bool reserve);
/* Sets routingState and scales reserve revisions to zero. */
void set_routing(const char *ns, const char *name, bool active);

/* ---- kn_service.c --------------------------------------------------------- */

void reconcile_service(const char *ns, const char *name);

#endif
