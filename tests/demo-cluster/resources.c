/* The served resources and the legacy discovery documents built from them. */
#include "dc.h"

#include <string.h>

#define KN "serving.knative.dev"
#define KONG "configuration.konghq.com"

static dc_resource r_namespaces = {"", "v1", "namespaces", "namespace", "Namespace", false, true,
                                   false, {"ns"}, {NULL}, "all", NULL};
static dc_resource r_pods = {"", "v1", "pods", "pod", "Pod", true, true, false, {"po"},
                             {"all"}, "all", NULL};
static dc_resource r_events = {"", "v1", "events", "event", "Event", true, false, false,
                               {"ev"}, {NULL}, "all", NULL};
static dc_resource r_secrets = {"", "v1", "secrets", "secret", "Secret", true, false, false,
                                {NULL}, {NULL}, "all", NULL};
static dc_resource r_services = {"", "v1", "services", "service", "Service", true, true, false,
                                 {"svc"}, {"all"}, "all", NULL};
static dc_resource r_configmaps = {"", "v1", "configmaps", "configmap", "ConfigMap", true,
                                   false, false, {"cm"}, {NULL}, "all", NULL};
static dc_resource r_deployments = {"apps", "v1", "deployments", "deployment", "Deployment",
                                    true, true, true, {"deploy"}, {"all"}, "all", NULL};
static dc_resource r_replicasets = {"apps", "v1", "replicasets", "replicaset", "ReplicaSet",
                                    true, true, true, {"rs"}, {"all"}, "all", NULL};
static dc_resource r_ksvc = {KN, "v1", "services", "service", "Service", true, true, true,
                             {"ksvc", "kservice"}, {"all", "knative", "serving"}, "all", NULL};
static dc_resource r_kconfig = {KN, "v1", "configurations", "configuration", "Configuration",
                                true, true, true, {"config", "cfg"},
                                {"all", "knative", "serving"}, "all", NULL};
static dc_resource r_krev = {KN, "v1", "revisions", "revision", "Revision", true, true, true,
                             {"rev"}, {"all", "knative", "serving"}, "all", NULL};
static dc_resource r_kroute = {KN, "v1", "routes", "route", "Route", true, true, true, {"rt"},
                               {"all", "knative", "serving"}, "all", NULL};
static dc_resource r_ingresses = {"networking.k8s.io", "v1", "ingresses", "ingress", "Ingress",
                                  true, true, true, {"ing"}, {NULL}, "all", NULL};
static dc_resource r_kongplugins = {KONG, "v1", "kongplugins", "kongplugin", "KongPlugin", true,
                                    false, true, {"kp"}, {"kong-ingress-controller"}, "all",
                                    NULL};
static dc_resource r_kongingresses = {KONG, "v1", "kongingresses", "kongingress",
                                      "KongIngress", true, false, true, {"ki"},
                                      {"kong-ingress-controller"}, "all", NULL};
static dc_resource r_kongclusterplugins = {KONG, "v1", "kongclusterplugins",
                                           "kongclusterplugin", "KongClusterPlugin", false,
                                           false, true, {"kcp"},
                                           {"kong-ingress-controller"}, "all", NULL};

dc_resource *DC_NAMESPACES = &r_namespaces, *DC_PODS = &r_pods, *DC_EVENTS = &r_events,
            *DC_SECRETS = &r_secrets, *DC_SERVICES = &r_services,
            *DC_CONFIGMAPS = &r_configmaps, *DC_DEPLOYMENTS = &r_deployments,
            *DC_REPLICASETS = &r_replicasets, *DC_KSVC = &r_ksvc, *DC_KCONFIG = &r_kconfig,
            *DC_KREV = &r_krev, *DC_KROUTE = &r_kroute, *DC_INGRESSES = &r_ingresses,
            *DC_KONGPLUGINS = &r_kongplugins, *DC_KONGINGRESSES = &r_kongingresses,
            *DC_KONGCLUSTERPLUGINS = &r_kongclusterplugins;

dc_resource *const dc_resources[] = {
    &r_namespaces, &r_pods,  &r_events,  &r_secrets,   &r_services,  &r_configmaps,
    &r_deployments, &r_replicasets, &r_ksvc, &r_kconfig, &r_krev, &r_kroute, &r_ingresses,
    &r_kongplugins, &r_kongingresses, &r_kongclusterplugins, NULL,
};

/* group/version pairs in discovery order */
static const char *const group_versions[][2] = {
    {"apps", "v1"},
    {"networking.k8s.io", "v1"},
    {KN, "v1"},
    {KONG, "v1"},
};

dc_resource *dc_resource_find(const char *group, const char *version, const char *plural)
{
    for (int i = 0; dc_resources[i]; i++) {
        dc_resource *r = dc_resources[i];
        if (strcmp(r->group, group) == 0 && strcmp(r->version, version) == 0 &&
            strcmp(r->plural, plural) == 0)
            return r;
    }
    return NULL;
}

dc_resource *dc_resource_by_kind(const char *api_version, const char *kind)
{
    if (!api_version || !kind)
        return NULL;
    for (int i = 0; dc_resources[i]; i++) {
        dc_resource *r = dc_resources[i];
        if (strcmp(dc_resource_api_version(r), api_version) == 0 && strcmp(r->kind, kind) == 0)
            return r;
    }
    return NULL;
}

const char *dc_resource_api_version(const dc_resource *r)
{
    static char buf[32][96];
    for (int i = 0; dc_resources[i]; i++) {
        if (dc_resources[i] == r) {
            if (!buf[i][0]) {
                if (r->group[0])
                    snprintf(buf[i], sizeof buf[i], "%s/%s", r->group, r->version);
                else
                    snprintf(buf[i], sizeof buf[i], "%s", r->version);
            }
            return buf[i];
        }
    }
    return "v1";
}

const char *dc_resource_qualified(const dc_resource *r)
{
    static char buf[32][128];
    for (int i = 0; dc_resources[i]; i++) {
        if (dc_resources[i] == r) {
            if (!buf[i][0]) {
                if (r->group[0])
                    snprintf(buf[i], sizeof buf[i], "%s.%s", r->plural, r->group);
                else
                    snprintf(buf[i], sizeof buf[i], "%s", r->plural);
            }
            return buf[i];
        }
    }
    return "unknown";
}

/* Called once before threads start so the static buffers are filled. */
static void __attribute__((constructor)) fill_names(void)
{
    for (int i = 0; dc_resources[i]; i++) {
        dc_resource_api_version(dc_resources[i]);
        dc_resource_qualified(dc_resources[i]);
    }
}

json_t *dc_discovery_api(void)
{
    return json_pack("{s:s, s:[s], s:[{s:s, s:s}]}", "kind", "APIVersions", "versions", "v1",
                     "serverAddressByClientCIDRs", "clientCIDR", "0.0.0.0/0", "serverAddress",
                     "127.0.0.1:6443");
}

static json_t *group_json(const char *group)
{
    json_t *versions = json_array();
    const char *ver = NULL;
    for (size_t i = 0; i < TT_ARRAY_LEN(group_versions); i++) {
        if (strcmp(group_versions[i][0], group) == 0) {
            ver = group_versions[i][1];
            json_array_append_new(versions,
                                  json_pack("{s:s++, s:s}", "groupVersion", group, "/", ver,
                                            "version", ver));
        }
    }
    if (!ver) {
        json_decref(versions);
        return NULL;
    }
    return json_pack("{s:s, s:o, s:{s:s++, s:s}}", "name", group, "versions", versions,
                     "preferredVersion", "groupVersion", group, "/", ver, "version", ver);
}

json_t *dc_discovery_apis(void)
{
    json_t *groups = json_array();
    for (size_t i = 0; i < TT_ARRAY_LEN(group_versions); i++)
        json_array_append_new(groups, group_json(group_versions[i][0]));
    return json_pack("{s:s, s:s, s:o}", "kind", "APIGroupList", "apiVersion", "v1", "groups",
                     groups);
}

json_t *dc_discovery_group(const char *group)
{
    json_t *g = group_json(group);
    if (g) {
        json_object_set_new(g, "kind", json_string("APIGroup"));
        json_object_set_new(g, "apiVersion", json_string("v1"));
    }
    return g;
}

static json_t *string_array(const char *const *items, size_t max)
{
    json_t *a = json_array();
    for (size_t i = 0; i < max && items[i]; i++)
        json_array_append_new(a, json_string(items[i]));
    return a;
}

json_t *dc_discovery_resources(const char *group, const char *version)
{
    json_t *list = json_array();
    bool any = false;
    for (int i = 0; dc_resources[i]; i++) {
        dc_resource *r = dc_resources[i];
        if (strcmp(r->group, group) != 0 || strcmp(r->version, version) != 0)
            continue;
        any = true;
        static const char *const verbs[] = {"create", "delete", "deletecollection", "get",
                                            "list",   "patch",  "update",           "watch"};
        json_t *res = json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", r->plural, "singularName",
                                r->singular, "namespaced", r->namespaced, "kind", r->kind,
                                "verbs", string_array(verbs, TT_ARRAY_LEN(verbs)));
        if (r->short_names[0])
            json_object_set_new(res, "shortNames",
                                string_array(r->short_names, TT_ARRAY_LEN(r->short_names)));
        if (r->categories[0])
            json_object_set_new(res, "categories",
                                string_array(r->categories, TT_ARRAY_LEN(r->categories)));
        json_object_set_new(res, "storageVersionHash", json_string("demo0000000="));
        json_array_append_new(list, res);
        if (r->has_status) {
            char name[96];
            snprintf(name, sizeof name, "%s/status", r->plural);
            static const char *const sverbs[] = {"get", "patch", "update"};
            json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:s, s:o}", "name", name,
                                                  "singularName", "", "namespaced",
                                                  r->namespaced, "kind", r->kind, "verbs",
                                                  string_array(sverbs, 3)));
        }
        if (r == DC_PODS) {
            static const char *const lverbs[] = {"get"};
            json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:s, s:o}", "name",
                                                  "pods/log", "singularName", "", "namespaced",
                                                  true, "kind", "Pod", "verbs",
                                                  string_array(lverbs, 1)));
        }
    }
    if (!any) {
        json_decref(list);
        return NULL;
    }
    char gv[96];
    if (group[0])
        snprintf(gv, sizeof gv, "%s/%s", group, version);
    else
        snprintf(gv, sizeof gv, "%s", version);
    return json_pack("{s:s, s:s, s:s, s:o}", "kind", "APIResourceList", "apiVersion", "v1",
                     "groupVersion", gv, "resources", list);
}
