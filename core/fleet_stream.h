/*
 * `ttstui status` without holding every revision: the pin, namespaces and
 * services are in the fleet first (small), then the revisions list is fed
 * here item by item, page by page, and each model goes to the caller (in
 * name order, as fleet_model_at would give them) as soon as no revision
 * of it can still come; its revisions are then dropped. At 5,000 models
 * with 40 revisions each, the fleet holds a page or two of revisions
 * instead of 200,000.
 *
 * The list comes in storage-key order ("namespace/name", bytewise), the
 * order in which the API server pages (a continue token resumes after the
 * last key sent). Key order is not name order: "tts-beta/x" < "tts/x"
 * ('-' < '/') while "tts" < "tts-beta". See fleet_stream.c for the rule
 * and for why a model written early cannot have been wrong. When the
 * server does not page (more items on a page than asked) or sends a key
 * not after the one before, the stream holds everything from then on and
 * writes the rest at the end, as a whole load would. No I/O.
 */
#ifndef FLEET_STREAM_H
#define FLEET_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "fleet.h"

typedef struct fleet_stream fleet_stream;

/* m is complete: write it (borrowed for the call only). */
typedef void (*fleet_stream_emit_fn)(const fleet_model *m, void *ud);

/* Over f (borrowed: it must hold the pin, namespaces and services
 * already); page_size is the limit asked of the server per page;
 * namespaces_listed: f holds every namespace (the list was allowed), so
 * only those can hold revisions. */
fleet_stream *fleet_stream_new(fleet *f, size_t page_size, bool namespaces_listed,
                               fleet_stream_emit_fn emit, void *ud);
void fleet_stream_free(fleet_stream *s);

/* One Revision of the list, in the order the server sent it. */
void fleet_stream_item(fleet_stream *s, const json_t *revision);
/* A page's items are done; more: the server sent a continue token. */
void fleet_stream_page_end(fleet_stream *s, bool more);
/* The list starts again from its first page (an expired continue token):
 * the revisions held so far are dropped (they come again), and those of
 * models already written are skipped. */
void fleet_stream_restart(fleet_stream *s);
/* The list is done: writes every model not written yet, in name order. */
void fleet_stream_finish(fleet_stream *s);

/* Holding everything since the server broke the paging order (or never
 * paged). */
bool fleet_stream_holding(const fleet_stream *s);
size_t fleet_stream_emitted(const fleet_stream *s);
/* Revisions that arrived for a model already written (a server that sent
 * one more than a page late): that model's output missed them. 0 with a
 * server that pages by key. *first (borrowed, may be NULL) names the
 * first such "namespace/name". */
size_t fleet_stream_late(const fleet_stream *s, const char **first);

/* The rule itself, exposed for its tests: every key of model (keys
 * "model/...") and of every model that sorts before it by name sorts
 * before any key "ns/..." (bytewise). known: the namespaces that exist
 * (fleet_namespace_known), or NULL when any name may. */
bool fleet_stream_complete_before(const char *model, const char *ns, const fleet *known);

#endif
