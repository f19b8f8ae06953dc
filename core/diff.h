/*
 * What a release would change: rendered (or server dry-run) objects
 * against the live ones, as a unified diff per object over a stable,
 * YAML-like text form (keys sorted, two-space indent). Display text, not
 * a YAML file. No I/O.
 *
 * Normalisation rule (diff_normalize + diff_prune_to), applied before
 * comparing:
 * 1. On both sides drop `status`, metadata.managedFields, resourceVersion,
 *    uid, creationTimestamp, generation, selfLink, deletionTimestamp,
 *    deletionGracePeriodSeconds, ownerReferences, and the annotations
 *    serving.knative.dev/creator, serving.knative.dev/lastModifier and
 *    kubectl.kubernetes.io/last-applied-configuration (an emptied
 *    annotations map goes too).
 * 2. Prune the live object to the field paths the desired object sets:
 *    a key of a live map is kept only if the desired map at the same path
 *    has it; lists of the same length are pruned element by element
 *    (position-aligned, so server defaults inside containers such as
 *    readinessProbe.timeoutSeconds vanish); lists of different lengths
 *    and scalars are compared whole. Consequence: a field the desired
 *    object no longer sets does not show as removed; compare against a
 *    server dry-run result to see such removals.
 * Secrets: `data` (base64) and `stringData` are merged into one key ->
 * value map per side and compared by real value, but the text shows only
 * markers per key: "(unchanged)", "(changed)" (the live side shows
 * "(previous value)"), "(added)", "(removed)". Everything else goes
 * through mask_object() before it becomes text, so no secret value ever
 * reaches the diff output.
 */
#ifndef DIFF_H
#define DIFF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum diff_status {
    DIFF_UNCHANGED = 0,
    DIFF_ADDED,   /* desired, not live */
    DIFF_REMOVED, /* live, not desired */
    DIFF_CHANGED,
} diff_status;

typedef enum diff_line_kind {
    DIFF_LINE_HEADER,  /* "--- ..." / "+++ ..." */
    DIFF_LINE_HUNK,    /* "@@ -a,b +c,d @@" */
    DIFF_LINE_CONTEXT, /* " ..." */
    DIFF_LINE_ADD,     /* "+..." */
    DIFF_LINE_REMOVE,  /* "-..." */
} diff_line_kind;

typedef struct diff_line {
    diff_line_kind kind;
    char *text; /* the whole line with its prefix, no newline */
} diff_line;

typedef struct diff_object {
    char *kind;
    char *ns;   /* "" for cluster-scoped objects */
    char *name;
    diff_status status;
    diff_line *lines; /* empty when unchanged */
    size_t n_lines;
} diff_object;

typedef struct diff_result diff_result;

/* Step 1 of the rule above on a copy. New reference; NULL in, NULL out. */
json_t *diff_normalize(const json_t *obj);
/* Step 2: a copy of live pruned to desired's paths. New reference. */
json_t *diff_prune_to(const json_t *live, const json_t *desired);

/*
 * Compares the desired objects (a JSON array, or NULL for none) with the
 * live ones (a JSON array; null entries are skipped). Objects match by
 * kind, namespace and name. Desired objects without a live match are
 * ADDED; live objects without a desired match are REMOVED (pass only the
 * live objects you mean to compare; they need kind and metadata as a GET
 * returns them — items of a List response carry no kind). Result order: desired order, then
 * the removed ones in live order. context = lines of context per hunk
 * (3 like diff -u; negative means 3). Caller frees with diff_result_free.
 */
diff_result *diff_compute(const json_t *desired, const json_t *live, int context);
void diff_result_free(diff_result *r);

size_t diff_result_count(const diff_result *r);
const diff_object *diff_result_object(const diff_result *r, size_t i);
/* Any object added, removed or changed. */
bool diff_result_changed(const diff_result *r);
/* How many objects have this status. */
size_t diff_result_count_status(const diff_result *r, diff_status status);

/*
 * The whole diff as text: the lines of every object that is not
 * unchanged, then a summary line "N changed, N added, N removed,
 * N unchanged". With color, lines get ANSI colours (headers bold, hunks
 * cyan, additions green, removals red). Caller frees.
 */
char *diff_result_render(const diff_result *r, bool color);

/* "unchanged", "added", "removed", "changed". */
const char *diff_status_name(diff_status s);

#endif
