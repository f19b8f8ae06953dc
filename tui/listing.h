/*
 * How far the dashboard's first lists have come, from the fleet batches
 * the UI thread applies, and which rows of the dashboard are final.
 *
 * A paged list is served in storage-key order: "namespace/name" bytewise
 * for namespaced objects (Knative Services), the name for cluster-scoped
 * ones (Namespaces), as etcd and the demo cluster store them. So while a
 * list is under way, every object whose key sorts at or before the last
 * key handed on (the list's progress) has come, and nothing after it.
 *
 * A model's row of the dashboard (default order: by name, bytewise, as
 * the fleet keeps its models) is final for what the first lists will say
 * when:
 * - services: the services list is complete, or its progress is past
 *   every key of the model ("m/..." <= progress, i.e. progress >= m + "0",
 *   as '0' follows '/') AND no model can still come that sorts before it
 *   by name but after it by key. Names are DNS labels ([a-z0-9-]) and '-'
 *   sorts before '/': "tts-beta/x" < "tts/x" while "tts" < "tts-beta".
 *   Such a model is a prefix X of the name that ends before a byte below
 *   '/' ("tts" of "tts-beta", "model" of "model-0001"); it cannot come
 *   once the services list is past X's keys too, or once the namespaces
 *   list is past X and had no namespace X (a service lives in a
 *   namespace that exists);
 * - namespaces: the namespaces list is complete, or its progress is at or
 *   past the model's name (its namespace has come, or is not there);
 * - the pin: its list is complete.
 * Revisions are not part of it (the dashboard's columns come from the
 * services' spec.template, see fleet_service_serving).
 */
#ifndef TUI_LISTING_H
#define TUI_LISTING_H

#include <stdbool.h>
#include <stddef.h>

#include "backend.h"
#include "fleet.h"

#define TUI_LISTING_KINDS 4 /* one per fleet_kind */

typedef struct tui_kind_listing {
    bool listing;      /* a list is under way: BEGIN_RELIST came, no SWEEP yet */
    bool listed;       /* a complete list came since the start (or the last reset) */
    char *last_key;    /* storage key of the last item of the list under way, or NULL */
    size_t items;      /* items of the list under way so far */
    size_t paged;      /* of those, the ones up to the last page's end */
    long remaining;    /* the server's count of items after that page; -1 unknown */
} tui_kind_listing;

typedef struct tui_listing {
    tui_kind_listing kinds[TUI_LISTING_KINDS];
    struct strset *namespaces; /* names the namespaces list gave, until the services are listed */
} tui_listing;

/* Frees what l holds and zeroes it (nothing listed). */
void tui_listing_clear(tui_listing *l);
/* Follows a batch the UI applies: BEGIN_RELIST, APPLY items, PAGE, SWEEP
 * and RESET. True when anything the loading line shows changed. */
bool tui_listing_note(tui_listing *l, const tui_fleet_batch *b);
bool tui_listing_listed(const tui_listing *l, fleet_kind kind);
/* Services, namespaces and the pin all listed: every model is listed. */
bool tui_listing_all_listed(const tui_listing *l);
/* progress (a storage key, NULL: nothing yet) is past every key of the
 * namespace ns ("ns/...": progress >= ns + "0"). */
bool tui_listing_key_past(const char *progress, const char *ns);
/* The row of model is final (all three rules above). */
bool tui_listing_model_final(const tui_listing *l, const char *model);
/* Every Knative Service and Revision of model has come: each of the two
 * lists is complete, or (a list under way) past the model's keys. What a
 * view needs before it reasons over all of a model's revisions (the next
 * free version); it says nothing of the dashboard's row order. */
bool tui_listing_model_revisions_in(const tui_listing *l, const char *model);
/* While the services are listed: the number of models to expect, from
 * the models there are now and the share of the list that came
 * (metadata.remainingItemCount); -1 when the server did not say. */
long tui_listing_models_expected(const tui_listing *l, size_t models_now);

#endif
