/* REST mapping from discovery documents (fixtures captured in the shape
 * real API servers answer /api/v1 and /apis/<group>/<version>). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "kube_discovery.h"

static json_t *fixture(const char *name)
{
    const char *dir = getenv("TTSTUI_TEST_DATA");
    char *path = tt_asprintf("%s/k8s/discovery/%s", dir ? dir : "../data", name);
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc)
        fail_msg("cannot load %s: %s", path, jerr.text);
    free(path);
    return doc;
}

static void add(kube_discovery *d, const char *name)
{
    json_t *doc = fixture(name);
    tt_error err;
    assert_int_equal(kube_discovery_add_resource_list(d, doc, &err), 0);
    json_decref(doc);
}

static int setup(void **state)
{
    kube_discovery *d = kube_discovery_new();
    add(d, "api-v1.json");
    add(d, "apps-v1.json");
    add(d, "serving.knative.dev-v1.json");
    add(d, "configuration.konghq.com-v1.json");
    *state = d;
    return 0;
}

static int teardown(void **state)
{
    kube_discovery_free(*state);
    return 0;
}

static void core_kind_maps_to_api_v1(void **state)
{
    kube_gvr gvr;
    tt_error err;
    assert_int_equal(kube_discovery_lookup(*state, "v1", "Service", &gvr, &err), 0);
    assert_string_equal(gvr.group, "");
    assert_string_equal(gvr.version, "v1");
    assert_string_equal(gvr.resource, "services");
    assert_true(gvr.namespaced);
}

static void cluster_scoped_core_kind_is_not_namespaced(void **state)
{
    kube_gvr gvr;
    assert_int_equal(kube_discovery_lookup(*state, "v1", "Namespace", &gvr, NULL), 0);
    assert_string_equal(gvr.resource, "namespaces");
    assert_false(gvr.namespaced);
}

static void group_kind_maps_to_its_group(void **state)
{
    kube_gvr gvr;
    assert_int_equal(kube_discovery_lookup(*state, "serving.knative.dev/v1", "Service", &gvr,
                                           NULL), 0);
    assert_string_equal(gvr.group, "serving.knative.dev");
    assert_string_equal(gvr.version, "v1");
    assert_string_equal(gvr.resource, "services");
    assert_true(gvr.namespaced);
    assert_int_equal(kube_discovery_lookup(*state, "apps/v1", "Deployment", &gvr, NULL), 0);
    assert_string_equal(gvr.group, "apps");
    assert_string_equal(gvr.resource, "deployments");
}

static void kongclusterplugin_is_cluster_scoped(void **state)
{
    kube_gvr gvr;
    assert_int_equal(kube_discovery_lookup(*state, "configuration.konghq.com/v1",
                                           "KongClusterPlugin", &gvr, NULL), 0);
    assert_string_equal(gvr.resource, "kongclusterplugins");
    assert_false(gvr.namespaced);
    assert_int_equal(kube_discovery_lookup(*state, "configuration.konghq.com/v1", "KongPlugin",
                                           &gvr, NULL), 0);
    assert_true(gvr.namespaced);
}

static void subresources_are_not_kinds(void **state)
{
    /* apps/v1 lists deployments/scale with kind Scale: not a mapping. */
    kube_gvr gvr;
    tt_error err;
    assert_int_equal(kube_discovery_lookup(*state, "apps/v1", "Scale", &gvr, &err), -1);
    assert_int_equal(err.code, 404);
}

static void unknown_kind_suggests_the_crd_is_missing(void **state)
{
    kube_gvr gvr;
    tt_error err;
    assert_int_equal(kube_discovery_lookup(*state, "serving.knative.dev/v1", "DomainMapping",
                                           &gvr, &err), -1);
    assert_int_equal(err.code, 404);
    assert_string_equal(err.reason, "NotFound");
    assert_string_equal(err.message, "the server does not know kind DomainMapping in apiVersion "
                                     "serving.knative.dev/v1 (is the CRD installed?)");
}

static void unknown_group_version_is_unknown_kind(void **state)
{
    kube_gvr gvr;
    tt_error err;
    assert_false(kube_discovery_knows(*state, "serving.knative.dev/v2"));
    assert_int_equal(kube_discovery_lookup(*state, "serving.knative.dev/v2", "Service", &gvr,
                                           &err), -1);
    assert_non_null(strstr(err.message, "kind Service in apiVersion serving.knative.dev/v2"));
}

static void missing_group_version_is_known_but_empty(void **state)
{
    kube_gvr gvr;
    kube_discovery_add_missing(*state, "monitoring.coreos.com/v1");
    assert_true(kube_discovery_knows(*state, "monitoring.coreos.com/v1"));
    assert_int_equal(kube_discovery_lookup(*state, "monitoring.coreos.com/v1", "ServiceMonitor",
                                           &gvr, NULL), -1);
}

static void empty_api_version_or_kind_is_invalid(void **state)
{
    kube_gvr gvr;
    tt_error err;
    assert_int_equal(kube_discovery_lookup(*state, "", "Service", &gvr, &err), -1);
    assert_int_equal(err.code, TT_EINVAL);
    assert_non_null(strstr(err.message, "apiVersion"));
    assert_int_equal(kube_discovery_lookup(*state, "v1", NULL, &gvr, &err), -1);
    assert_non_null(strstr(err.message, "kind"));
}

static void document_that_is_not_a_resource_list_is_rejected(void **state)
{
    json_t *doc = fixture("not-a-resource-list.json");
    tt_error err;
    assert_int_equal(kube_discovery_add_resource_list(*state, doc, &err), -1);
    assert_int_equal(err.code, TT_EPROTO);
    assert_non_null(strstr(err.message, "APIResourceList"));
    json_decref(doc);
}

static void strings_survive_clear_and_replacement(void **state)
{
    kube_gvr gvr;
    assert_int_equal(kube_discovery_lookup(*state, "serving.knative.dev/v1", "Route", &gvr,
                                           NULL), 0);
    add(*state, "serving.knative.dev-v1.json");
    kube_discovery_clear(*state);
    assert_false(kube_discovery_knows(*state, "v1"));
    /* Still readable (ASan would object otherwise). */
    assert_string_equal(gvr.resource, "routes");
    assert_string_equal(gvr.group, "serving.knative.dev");
}

static void short_names_resolve_like_kubectl(void **state)
{
    kube_gvr gvr;
    char *kind = NULL;
    assert_int_equal(kube_discovery_resolve_name(*state, "ksvc", &gvr, &kind, NULL), 0);
    assert_string_equal(gvr.group, "serving.knative.dev");
    assert_string_equal(gvr.resource, "services");
    assert_string_equal(kind, "Service");
    free(kind);
    assert_int_equal(kube_discovery_resolve_name(*state, "rev", &gvr, NULL, NULL), 0);
    assert_string_equal(gvr.resource, "revisions");
    assert_int_equal(kube_discovery_resolve_name(*state, "kcp", &gvr, NULL, NULL), 0);
    assert_string_equal(gvr.resource, "kongclusterplugins");
    assert_false(gvr.namespaced);
}

static void unqualified_name_prefers_the_core_group(void **state)
{
    kube_gvr gvr;
    assert_int_equal(kube_discovery_resolve_name(*state, "services", &gvr, NULL, NULL), 0);
    assert_string_equal(gvr.group, "");
    assert_int_equal(kube_discovery_resolve_name(*state, "Service", &gvr, NULL, NULL), 0);
    assert_string_equal(gvr.group, "");
}

static void group_qualified_name_picks_that_group(void **state)
{
    kube_gvr gvr;
    assert_int_equal(kube_discovery_resolve_name(*state, "services.serving.knative.dev", &gvr,
                                                 NULL, NULL), 0);
    assert_string_equal(gvr.group, "serving.knative.dev");
    assert_string_equal(gvr.resource, "services");
}

static void unknown_resource_name_is_404(void **state)
{
    kube_gvr gvr;
    tt_error err;
    char *kind = (char *)"untouched";
    assert_int_equal(kube_discovery_resolve_name(*state, "widgets", &gvr, &kind, &err), -1);
    assert_null(kind);
    assert_int_equal(err.code, 404);
    assert_string_equal(err.message, "the server doesn't have a resource type \"widgets\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(core_kind_maps_to_api_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(cluster_scoped_core_kind_is_not_namespaced, setup, teardown),
        cmocka_unit_test_setup_teardown(group_kind_maps_to_its_group, setup, teardown),
        cmocka_unit_test_setup_teardown(kongclusterplugin_is_cluster_scoped, setup, teardown),
        cmocka_unit_test_setup_teardown(subresources_are_not_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_kind_suggests_the_crd_is_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_group_version_is_unknown_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_group_version_is_known_but_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(empty_api_version_or_kind_is_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(document_that_is_not_a_resource_list_is_rejected, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(strings_survive_clear_and_replacement, setup, teardown),
        cmocka_unit_test_setup_teardown(short_names_resolve_like_kubectl, setup, teardown),
        cmocka_unit_test_setup_teardown(unqualified_name_prefers_the_core_group, setup, teardown),
        cmocka_unit_test_setup_teardown(group_qualified_name_picks_that_group, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_resource_name_is_404, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
