/* In-cluster configuration (kube_rest_config_in_cluster) from a service
 * account folder made fresh for each test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kube_auth.h"

static char sa_dir[64];

static void put(const char *name, const char *content)
{
    char *p = tt_asprintf("%s/%s", sa_dir, name);
    tt_error err;
    assert_int_equal(tt_write_file_private(p, content, strlen(content), &err), 0);
    free(p);
}

static void drop(const char *name)
{
    char *p = tt_asprintf("%s/%s", sa_dir, name);
    unlink(p);
    free(p);
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (!haystack || !strstr(haystack, needle))
        fail_msg("expected \"%s\" in \"%s\"", needle, haystack ? haystack : "(null)");
}

static int setup(void **state)
{
    strcpy(sa_dir, "/tmp/ttstui-sa-XXXXXX");
    assert_non_null(mkdtemp(sa_dir));
    put("token", "sa-token-1\n");
    put("ca.crt", "-----BEGIN CERTIFICATE-----\nIN-CLUSTER-CA\n-----END CERTIFICATE-----\n");
    put("namespace", "tts-system\n");
    setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
    setenv("KUBERNETES_SERVICE_PORT", "443", 1);
    return 0;
}

static int teardown(void **state)
{
    drop("token");
    drop("ca.crt");
    drop("namespace");
    rmdir(sa_dir);
    unsetenv("KUBERNETES_SERVICE_HOST");
    unsetenv("KUBERNETES_SERVICE_PORT");
    return 0;
}

static void service_account_gives_server_ca_namespace_and_token_file(void **state)
{
    tt_error err;
    kube_rest_config *rc = kube_rest_config_in_cluster(sa_dir, &err);
    if (!rc)
        fail_msg("%s", err.message);
    assert_true(rc->in_cluster);
    assert_null(rc->context_name);
    assert_string_equal(rc->server, "https://10.96.0.1:443");
    assert_contains(rc->ca_pem, "IN-CLUSTER-CA");
    assert_int_equal(rc->ca_pem_len, strlen(rc->ca_pem));
    assert_string_equal(rc->namespace_, "tts-system");
    char *tf = tt_asprintf("%s/token", sa_dir);
    assert_string_equal(rc->token_file, tf);
    assert_null(rc->token); /* re-read from the file, never frozen */
    free(tf);
    kube_rest_config_free(rc);
}

static void ipv6_host_gets_brackets(void **state)
{
    setenv("KUBERNETES_SERVICE_HOST", "fd00:10:96::1", 1);
    setenv("KUBERNETES_SERVICE_PORT", "6443", 1);
    tt_error err;
    kube_rest_config *rc = kube_rest_config_in_cluster(sa_dir, &err);
    assert_non_null(rc);
    assert_string_equal(rc->server, "https://[fd00:10:96::1]:6443");
    kube_rest_config_free(rc);
}

static void both_variables_are_required(void **state)
{
    unsetenv("KUBERNETES_SERVICE_PORT");
    tt_error err;
    assert_null(kube_rest_config_in_cluster(sa_dir, &err));
    assert_contains(err.message, "KUBERNETES_SERVICE_PORT");
    setenv("KUBERNETES_SERVICE_PORT", "443", 1);
    unsetenv("KUBERNETES_SERVICE_HOST");
    assert_null(kube_rest_config_in_cluster(sa_dir, &err));
    assert_contains(err.message, "KUBERNETES_SERVICE_HOST");
}

static void missing_namespace_file_means_default(void **state)
{
    drop("namespace");
    tt_error err;
    kube_rest_config *rc = kube_rest_config_in_cluster(sa_dir, &err);
    assert_non_null(rc);
    assert_string_equal(rc->namespace_, "default");
    kube_rest_config_free(rc);
}

static void missing_token_names_the_file(void **state)
{
    drop("token");
    tt_error err;
    assert_null(kube_rest_config_in_cluster(sa_dir, &err));
    assert_int_equal(err.code, TT_EIO);
    assert_contains(err.message, sa_dir);
    assert_contains(err.message, "/token");
}

static void missing_ca_names_the_file(void **state)
{
    drop("ca.crt");
    tt_error err;
    assert_null(kube_rest_config_in_cluster(sa_dir, &err));
    assert_contains(err.message, "ca.crt");
}

static void rotated_token_is_picked_up_by_kube_auth(void **state)
{
    tt_error err;
    kube_rest_config *rc = kube_rest_config_in_cluster(sa_dir, &err);
    assert_non_null(rc);
    kube_auth *a = kube_auth_new(rc);
    kube_rest_config_free(rc);
    assert_true(kube_auth_can_refresh(a));
    const kube_credential *c = kube_auth_get(a, false, &err);
    assert_non_null(c);
    assert_string_equal(c->token, "sa-token-1");
    put("token", "sa-token-2");
    c = kube_auth_get(a, false, &err);
    assert_non_null(c);
    assert_string_equal(c->token, "sa-token-2");
    kube_auth_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(service_account_gives_server_ca_namespace_and_token_file),
        T(ipv6_host_gets_brackets),
        T(both_variables_are_required),
        T(missing_namespace_file_means_default),
        T(missing_token_names_the_file),
        T(missing_ca_names_the_file),
        T(rotated_token_is_picked_up_by_kube_auth),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
