/*
 * One model across several clusters (kube contexts), as `ttstui status
 * --contexts` shows it: per context the version the model serves, its
 * readiness and the image digest, and in words how the contexts differ
 * (staging ahead of prod, the same version with different digests, a
 * model missing in one). Pure: no I/O.
 */
#ifndef FLEET_CROSS_H
#define FLEET_CROSS_H

#include <stdbool.h>
#include <stddef.h>

#include "fleet.h"

/* One model in one context. Strings are borrowed from the fleet (or
 * static) and live as long as it does. */
typedef struct fleet_cross_cell {
    bool present;        /* the context has the model */
    const char *version; /* the version stream serves (its latest ready revision), or NULL */
    const char *ready;   /* "Ready", "NotReady", "Pending", "Incomplete", "Terminating", or "-" */
    const char *image;   /* what stream's latest ready revision runs, or NULL */
    const char *digest;  /* the "sha256:…" of image when it names one, else NULL */
} fleet_cross_cell;

/* The readiness of a model in one word (the READY column of status). */
const char *fleet_model_ready_word(const fleet_model *m);

/* The cell of m, which may be NULL (the context lacks the model). */
void fleet_cross_cell_of(const fleet_model *m, fleet_cross_cell *out);

/*
 * How n cells of one model differ, comparing each with the next in the
 * order given (e.g. staging then prod), labels naming them: "missing in
 * prod", "staging ahead of prod (4 > 3)", "versions differ (staging beta,
 * prod 3)", "same version 3 with different digests (staging sha256:1234…,
 * prod sha256:abcd…)", "same version 3 with different images" (tags), and
 * "not Ready in prod" where one is Ready and the other not. Joined with
 * "; ". Caller frees; "" when they agree.
 */
char *fleet_cross_notes(const fleet_cross_cell *cells, const char *const *labels, size_t n);

/* Which of two cells a promotion goes from: 0 (a) or 1 (b) for the one
 * ahead: it serves a higher version (both numbers), or serves one while
 * the other context lacks the model. -1 when neither is ahead (the same
 * version, versions that are not both numbers, nothing served yet on the
 * side that has it, the model in neither): the user says. */
int fleet_cross_ahead(const fleet_cross_cell *a, const fleet_cross_cell *b);

#endif
