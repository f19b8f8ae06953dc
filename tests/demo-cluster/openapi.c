/*
 * OpenAPI v3: the discovery root and one document per group version, with
 * a patch operation per kind that names its GVK and accepts the
 * fieldValidation and dryRun query parameters (what kubectl checks before
 * it delegates validation to the server). Schemas are minimal.
 */
#include "dc.h"

#include <stdlib.h>
#include <string.h>

static const char *gv_path(const dc_resource *r, char *buf, size_t n)
{
    if (r->group[0])
        snprintf(buf, n, "apis/%s/%s", r->group, r->version);
    else
        snprintf(buf, n, "api/%s", r->version);
    return buf;
}

json_t *dc_openapi_root(void)
{
    json_t *paths = json_object();
    for (int i = 0; dc_resources[i]; i++) {
        char p[128];
        gv_path(dc_resources[i], p, sizeof p);
        if (json_object_get(paths, p))
            continue;
        char *url = tt_asprintf("/openapi/v3/%s?hash=DEMO%04d", p, i);
        json_object_set_new(paths, p, json_pack("{s:s}", "serverRelativeURL", url));
        free(url);
    }
    return json_pack("{s:o}", "paths", paths);
}

static json_t *params(bool with_name, bool ns, const char *const *query, size_t nq)
{
    json_t *a = json_array();
    if (ns)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", "namespace", "in",
                                           "path", "required", 1, "schema", "type", "string"));
    if (with_name)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", "name", "in",
                                           "path", "required", 1, "schema", "type", "string"));
    for (size_t i = 0; i < nq; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:{s:s}, s:b}", "name", query[i], "in",
                                           "query", "schema", "type", "string", "uniqueItems", 1));
    return a;
}

static json_t *schema_ref(const char *name)
{
    char *ref = tt_asprintf("#/components/schemas/%s", name);
    json_t *j = json_pack("{s:{s:{s:{s:s}}}}", "content", "application/json", "schema", "$ref", ref);
    free(ref);
    return j;
}

static json_t *operation(const dc_resource *r, const char *action, const char *schema,
                         json_t *parameters, const char *const *body_types, size_t nbody)
{
    json_t *op = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:o, s:{s:o}}", "operationId", action,
                           "x-kubernetes-action", action, "x-kubernetes-group-version-kind",
                           "group", r->group, "version", r->version, "kind", r->kind,
                           "parameters", parameters, "responses", "200", schema_ref(schema));
    if (nbody) {
        json_t *content = json_object();
        for (size_t i = 0; i < nbody; i++)
            json_object_set_new(content, body_types[i],
                                json_pack("{s:{s:s}}", "schema", "type", "object"));
        json_object_set_new(op, "requestBody", json_pack("{s:o, s:b}", "content", content,
                                                         "required", 1));
    }
    return op;
}

json_t *dc_openapi_doc(const char *gv)
{
    char *clean = tt_strdup(gv);
    char *q = strchr(clean, '?');
    if (q)
        *q = '\0';
    json_t *paths = json_object(), *schemas = json_object();
    bool any = false;
    static const char *const write_q[] = {"dryRun", "fieldManager", "fieldValidation", "pretty"};
    static const char *const patch_q[] = {"dryRun", "fieldManager", "fieldValidation", "force",
                                          "pretty"};
    static const char *const list_q[] = {"labelSelector", "fieldSelector", "limit", "continue",
                                         "resourceVersion", "watch", "timeoutSeconds",
                                         "allowWatchBookmarks"};
    static const char *const patch_types[] = {"application/json-patch+json",
                                              "application/merge-patch+json",
                                              "application/apply-patch+yaml"};
    static const char *const json_type[] = {"application/json"};
    for (int i = 0; dc_resources[i]; i++) {
        const dc_resource *r = dc_resources[i];
        char p[128];
        if (strcmp(gv_path(r, p, sizeof p), clean) != 0)
            continue;
        any = true;
        char schema[160];
        if (r->group[0])
            snprintf(schema, sizeof schema, "%s.%s.%s", r->group, r->version, r->kind);
        else
            snprintf(schema, sizeof schema, "io.k8s.api.core.%s.%s", r->version, r->kind);
        json_object_set_new(
            schemas, schema,
            json_pack("{s:s, s:s, s:{s:{s:s}, s:{s:s}, s:{s:s, s:b}, s:{s:s, s:b}, s:{s:s, s:b}}, s:[{s:s, s:s, s:s}], s:b}",
                      "type", "object", "description", r->kind, "properties", "apiVersion",
                      "type", "string", "kind", "type", "string", "metadata", "type", "object",
                      "x-kubernetes-preserve-unknown-fields", 1, "spec", "type", "object",
                      "x-kubernetes-preserve-unknown-fields", 1, "status", "type", "object",
                      "x-kubernetes-preserve-unknown-fields", 1,
                      "x-kubernetes-group-version-kind", "group", r->group, "version",
                      r->version, "kind", r->kind, "x-kubernetes-preserve-unknown-fields", 1));
        char item[256], coll[256];
        if (r->namespaced) {
            snprintf(coll, sizeof coll, "/%s/namespaces/{namespace}/%s", clean, r->plural);
            snprintf(item, sizeof item, "/%s/namespaces/{namespace}/%s/{name}", clean, r->plural);
        } else {
            snprintf(coll, sizeof coll, "/%s/%s", clean, r->plural);
            snprintf(item, sizeof item, "/%s/%s/{name}", clean, r->plural);
        }
        json_object_set_new(
            paths, coll,
            json_pack("{s:o, s:o}", "get",
                      operation(r, "list", schema, params(false, r->namespaced, list_q, 8), NULL, 0),
                      "post",
                      operation(r, "post", schema, params(false, r->namespaced, write_q, 4),
                                json_type, 1)));
        json_object_set_new(
            paths, item,
            json_pack("{s:o, s:o, s:o, s:o}", "get",
                      operation(r, "get", schema, params(true, r->namespaced, NULL, 0), NULL, 0),
                      "put",
                      operation(r, "put", schema, params(true, r->namespaced, write_q, 4),
                                json_type, 1),
                      "patch",
                      operation(r, "patch", schema, params(true, r->namespaced, patch_q, 5),
                                patch_types, 3),
                      "delete",
                      operation(r, "delete", schema, params(true, r->namespaced, write_q, 1),
                                NULL, 0)));
    }
    free(clean);
    if (!any) {
        json_decref(paths);
        json_decref(schemas);
        return NULL;
    }
    return json_pack("{s:s, s:{s:s, s:s}, s:o, s:{s:o}}", "openapi", "3.0.0", "info", "title",
                     "Kubernetes", "version", "v1.32.0", "paths", paths, "components",
                     "schemas", schemas);
}
