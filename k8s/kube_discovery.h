/*
 * API discovery and REST mapping: which resource (plural, group, version,
 * scope) serves a given apiVersion + kind.
 *
 * kube_discovery is a pure index built from discovery documents
 * (APIResourceList from /api/v1 or /apis/<group>/<version>); it does no
 * I/O so it can be tested from fixtures. The client owns one and fills it
 * lazily, one group version at a time (kube_discovery_map).
 */
#ifndef KUBE_DISCOVERY_H
#define KUBE_DISCOVERY_H

#include <jansson.h>
#include <stdbool.h>

#include "kube_client.h"
#include "kube_gvr.h"
#include "tt_common.h"

typedef struct kube_discovery kube_discovery;

kube_discovery *kube_discovery_new(void);
void kube_discovery_free(kube_discovery *d);

/* Records an APIResourceList (borrowed; its groupVersion names it).
 * Subresources ("pods/log") are skipped. Replaces an earlier list of the
 * same group version. -1 with err (TT_EPROTO) when it is not one. */
int kube_discovery_add_resource_list(kube_discovery *d, const json_t *list, tt_error *err);
/* Remembers that the server does not serve this group version (404). */
void kube_discovery_add_missing(kube_discovery *d, const char *group_version);
/* True when a list (or a 404) for group_version was recorded. */
bool kube_discovery_knows(const kube_discovery *d, const char *group_version);
/* Forgets everything (e.g. after a CRD was installed). Strings handed out
 * earlier stay valid until kube_discovery_free. */
void kube_discovery_clear(kube_discovery *d);

/*
 * apiVersion ("v1", "serving.knative.dev/v1") + kind ("Service") → gvr.
 * The strings in *out live as long as d. Returns 0, or -1 with err: 404
 * "the server does not know kind X in apiVersion Y (is the CRD installed?)"
 * when the group version is unknown or lacks the kind, TT_EINVAL when
 * apiVersion or kind is empty.
 */
int kube_discovery_lookup(const kube_discovery *d, const char *api_version, const char *kind,
                          kube_gvr *out, tt_error *err);

/*
 * What kubectl accepts as a resource name: plural, singular, a short name
 * or the kind (case-insensitive), optionally qualified by group
 * ("services.serving.knative.dev", "ksvc"). Searches only recorded group
 * versions; an unqualified name prefers the core group, then the order the
 * lists were added. out->strings live as long as d. 0, or -1 with err 404.
 */
int kube_discovery_resolve_name(const kube_discovery *d, const char *name, kube_gvr *out,
                                char **kind_out, tt_error *err);

/* ---- with a client ----------------------------------------------------- */

/* kube_discovery_lookup on the client's cache, fetching the group version's
 * APIResourceList first when it is not cached (a kind missing from a cached
 * list refetches it once, in case a CRD was installed since). */
int kube_discovery_map(kube_client *c, const char *api_version, const char *kind,
                       kube_gvr *out, tt_error *err);
/* Fetches /api, /apis and every group version's resource list (the
 * preferred and other versions), for kube_discovery_resolve_name. */
int kube_discovery_fetch_all(kube_client *c, tt_error *err);
/* The client's cache (owned by the client). */
kube_discovery *kube_client_discovery(kube_client *c);

#endif
