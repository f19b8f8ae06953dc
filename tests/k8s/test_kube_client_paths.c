/* REST paths for well-known resources, with escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "kube_gvr.h"

static void assert_path(char *got, const char *want)
{
    assert_string_equal(got, want);
    free(got);
}

static void core_namespaced_object_path(void **state)
{
    (void)state;
    assert_path(kube_gvr_path(&KUBE_GVR_SECRETS, "tts", "api-keys", NULL),
                "/api/v1/namespaces/tts/secrets/api-keys");
}

static void group_collection_path(void **state)
{
    (void)state;
    assert_path(kube_gvr_path(&KUBE_GVR_KSVC, "tts", NULL, NULL),
                "/apis/serving.knative.dev/v1/namespaces/tts/services");
}

static void all_namespaces_leaves_the_namespace_out(void **state)
{
    (void)state;
    assert_path(kube_gvr_path(&KUBE_GVR_REVISIONS, "", NULL, NULL),
                "/apis/serving.knative.dev/v1/revisions");
    assert_path(kube_gvr_path(&KUBE_GVR_PODS, NULL, NULL, NULL), "/api/v1/pods");
}

static void cluster_scoped_ignores_the_namespace(void **state)
{
    (void)state;
    assert_path(kube_gvr_path(&KUBE_GVR_NAMESPACES, "tts", "tts", NULL),
                "/api/v1/namespaces/tts");
    assert_path(kube_gvr_path(&KUBE_GVR_KONGCLUSTERPLUGINS, "tts", "rate", NULL),
                "/apis/configuration.konghq.com/v1/kongclusterplugins/rate");
}

static void subresource_follows_the_name(void **state)
{
    (void)state;
    assert_path(kube_gvr_path(&KUBE_GVR_PODS, "tts", "tts-00001-deployment-abc", "log"),
                "/api/v1/namespaces/tts/pods/tts-00001-deployment-abc/log");
    /* A subresource without a name makes no sense: left out. */
    assert_path(kube_gvr_path(&KUBE_GVR_PODS, "tts", NULL, "log"),
                "/api/v1/namespaces/tts/pods");
}

static void names_are_percent_escaped(void **state)
{
    (void)state;
    assert_path(kube_gvr_path(&KUBE_GVR_CONFIGMAPS, "a/b", "x y?z#%", NULL),
                "/api/v1/namespaces/a%2Fb/configmaps/x%20y%3Fz%23%25");
}

static void query_values_are_escaped(void **state)
{
    (void)state;
    assert_path(kube_url_escape("app=tts,tier in (a,b)&x"),
                "app%3Dtts%2Ctier%20in%20%28a%2Cb%29%26x");
    assert_path(kube_url_escape("metadata.name=tts-00001_~"), "metadata.name%3Dtts-00001_~");
    assert_path(kube_url_escape("caf\xc3\xa9"), "caf%C3%A9");
    assert_path(kube_url_escape(NULL), "");
}

static void api_version_and_qualified_name(void **state)
{
    (void)state;
    assert_path(kube_gvr_api_version(&KUBE_GVR_PODS), "v1");
    assert_path(kube_gvr_api_version(&KUBE_GVR_DEPLOYMENTS), "apps/v1");
    assert_path(kube_gvr_qualified_name(&KUBE_GVR_KSVC), "services.serving.knative.dev");
    assert_path(kube_gvr_qualified_name(&KUBE_GVR_SERVICES), "services");
}

static void well_known_resources_have_the_right_scope(void **state)
{
    (void)state;
    assert_false(KUBE_GVR_NAMESPACES.namespaced);
    assert_false(KUBE_GVR_KONGCLUSTERPLUGINS.namespaced);
    assert_true(KUBE_GVR_KONGPLUGINS.namespaced);
    assert_true(KUBE_GVR_KONGINGRESSES.namespaced);
    assert_true(KUBE_GVR_INGRESSES.namespaced);
    assert_string_equal(KUBE_GVR_INGRESSES.group, "networking.k8s.io");
    assert_string_equal(KUBE_GVR_CONFIGURATIONS.resource, "configurations");
    assert_string_equal(KUBE_GVR_ROUTES.resource, "routes");
    assert_string_equal(KUBE_GVR_EVENTS.group, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(core_namespaced_object_path),
        cmocka_unit_test(group_collection_path),
        cmocka_unit_test(all_namespaces_leaves_the_namespace_out),
        cmocka_unit_test(cluster_scoped_ignores_the_namespace),
        cmocka_unit_test(subresource_follows_the_name),
        cmocka_unit_test(names_are_percent_escaped),
        cmocka_unit_test(query_values_are_escaped),
        cmocka_unit_test(api_version_and_qualified_name),
        cmocka_unit_test(well_known_resources_have_the_right_scope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
