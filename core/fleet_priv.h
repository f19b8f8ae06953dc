/*
 * The fleet's insides, shared by the store (fleet.c) and the reading of
 * Knative's objects into its records (fleet_parse.c); nothing else
 * includes this.
 */
#ifndef FLEET_PRIV_H
#define FLEET_PRIV_H

#include <jansson.h>

#include "fleet.h"
#include "strset.h"

enum { SLOT_STREAM, SLOT_VALIDATE, SLOT_NONE };
#define PIN_NAME "latest-pinned-service"
#define N_KINDS 4

/* ---- the fleet ---------------------------------------------------------- */

typedef struct ns_state {
    char *name;
    bool terminating;
} ns_state;

struct fleet {
    fleet_model **models;
    size_t n_models, cap_models;
    ns_state *ns;
    size_t n_ns, cap_ns;
    char *pin; /* config.latest_version of the pin, or NULL */
    uint64_t generation;
    strset *seen[N_KINDS]; /* non-NULL while a relist of that kind runs */
    bool pin_seen;
    strpool *images; /* every image, revision name (entry point, rollout duration) named, once: a model's 40 revisions share one or two images */
};

static inline const char *jstr(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static inline const char *meta_str(const json_t *obj, const char *key)
{
    return jstr(json_object_get(obj, "metadata"), key);
}

/* The fleet's one copy of a string (an image, a revision's name), kept
 * until fleet_free. NULL for NULL. */
const char *fleet_intern(fleet *f, const char *s);

/* Reading an object into a record (fleet_parse.c). A parsed record owns
 * its strings except the interned ones; _clear and _free release them. */
void fleet_revision_parse(fleet *f, fleet_revision *r, const json_t *obj, const char *service);
void fleet_revision_clear(fleet_revision *r);
bool fleet_revision_equal(const fleet_revision *a, const fleet_revision *b);
void fleet_service_parse(fleet *f, fleet_service *s, const json_t *obj);
void fleet_service_clear_fields(fleet_service *s); /* keeps the revisions */
void fleet_service_free(fleet_service *s);         /* the revisions too */
bool fleet_service_fields_equal(const fleet_service *a, const fleet_service *b);

#endif
