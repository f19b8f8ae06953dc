/*
 * Group/version/resource triples and the REST paths built from them.
 *
 * A kube_gvr names a collection on the API server: core resources have
 * group "" (path /api/v1/...), everything else /apis/<group>/<version>/...
 * The strings are borrowed: the constants below are static; those filled
 * in by kube_discovery_map live as long as the client that produced them.
 */
#ifndef KUBE_GVR_H
#define KUBE_GVR_H

#include <stdbool.h>

typedef struct kube_gvr {
    const char *group;    /* "" for the core group */
    const char *version;  /* "v1" */
    const char *resource; /* plural, lower case: "services" */
    bool namespaced;
} kube_gvr;

/* Well-known resources ttstui uses. */
extern const kube_gvr KUBE_GVR_NAMESPACES;        /* v1 namespaces (cluster) */
extern const kube_gvr KUBE_GVR_SECRETS;           /* v1 secrets */
extern const kube_gvr KUBE_GVR_CONFIGMAPS;        /* v1 configmaps */
extern const kube_gvr KUBE_GVR_PODS;              /* v1 pods */
extern const kube_gvr KUBE_GVR_EVENTS;            /* v1 events */
extern const kube_gvr KUBE_GVR_SERVICES;          /* v1 services (core) */
extern const kube_gvr KUBE_GVR_DEPLOYMENTS;       /* apps/v1 deployments */
extern const kube_gvr KUBE_GVR_KSVC;              /* serving.knative.dev/v1 services */
extern const kube_gvr KUBE_GVR_CONFIGURATIONS;    /* serving.knative.dev/v1 configurations */
extern const kube_gvr KUBE_GVR_REVISIONS;         /* serving.knative.dev/v1 revisions */
extern const kube_gvr KUBE_GVR_ROUTES;            /* serving.knative.dev/v1 routes */
extern const kube_gvr KUBE_GVR_INGRESSES;         /* networking.k8s.io/v1 ingresses */
extern const kube_gvr KUBE_GVR_KONGPLUGINS;       /* configuration.konghq.com/v1 kongplugins */
extern const kube_gvr KUBE_GVR_KONGINGRESSES;     /* configuration.konghq.com/v1 kongingresses */
extern const kube_gvr KUBE_GVR_KONGCLUSTERPLUGINS; /* configuration.konghq.com/v1 (cluster) */

/*
 * The path of a collection, an object or a subresource, without query:
 *   /api/v1/namespaces/NS/pods/NAME/log, /apis/G/V/RES, /apis/G/V/namespaces/NS/RES ...
 * ns NULL or "" (or a cluster-scoped gvr) leaves the namespace out (for a
 * namespaced gvr that means "all namespaces"); name and subresource may be
 * NULL. ns, name and subresource are percent-escaped. Caller frees.
 */
char *kube_gvr_path(const kube_gvr *gvr, const char *ns, const char *name,
                    const char *subresource);

/* "v1" for the core group, else "group/version". Caller frees. */
char *kube_gvr_api_version(const kube_gvr *gvr);

/* "services.serving.knative.dev", or "pods" for core: how kubectl names a
 * resource in messages. Caller frees. */
char *kube_gvr_qualified_name(const kube_gvr *gvr);

/* Percent-escapes everything but RFC 3986 unreserved characters, so the
 * result is safe as a path segment or a query value. Caller frees. */
char *kube_url_escape(const char *s);

#endif
