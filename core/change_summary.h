/*
 * What a release changes beyond its version, in plain words, for the
 * apply confirmation of both faces: "hostname tts.wellsaidlabs.com →
 * staging.tts.wellsaidlabs.com", "entry point a:app → b:app",
 * "image … → …", "includeImageApiKeys false → true", "maxScale 32 → 40"
 * (per service, "validate maxScale 8 → 4", when the services differ).
 *
 * The facts come from Kubernetes objects (the live ones, or the rendered
 * ones): the Knative Services stream and validate and the Ingresses
 * route-stream and route-validate, or are set by hand (the TUI fills the
 * live side from its fleet). A fact that is unknown on either side is not
 * compared. Texts are cleaned for a terminal (control characters become
 * '?'). No I/O.
 */
#ifndef CHANGE_SUMMARY_H
#define CHANGE_SUMMARY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum { CHANGE_STREAM = 0, CHANGE_VALIDATE = 1, CHANGE_SERVICES = 2 };

typedef struct release_facts {
    const char *hostname; /* the first Ingress rule's host; borrowed, NULL unknown */
    const char *image[CHANGE_SERVICES];      /* first container's image */
    const char *entrypoint[CHANGE_SERVICES]; /* gunicorn application */
    int api_keys[CHANGE_SERVICES];           /* envFrom api-keys: 1, 0, -1 unknown */
    int min_scale[CHANGE_SERVICES];          /* -1 unknown */
    int max_scale[CHANGE_SERVICES];
} release_facts;

/* Everything unknown. */
void release_facts_init(release_facts *f);
/* Takes what obj says (borrowed: obj must outlive f): a Service stream or
 * validate, an Ingress route-stream or route-validate; others are ignored. */
void release_facts_add_object(release_facts *f, const json_t *obj);

typedef struct release_change {
    bool warning; /* the environment/hostname moves */
    char *text;
} release_change;

typedef struct release_changes {
    release_change *items;
    size_t n;
} release_changes;

/* The differences from live to next, hostname first. out starts empty. */
void release_changes_compute(const release_facts *live, const release_facts *next,
                             release_changes *out);
void release_changes_free(release_changes *c);

#endif
