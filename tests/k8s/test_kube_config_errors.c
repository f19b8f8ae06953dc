/* kubeconfig errors (k8s/kube_config.h): resolution (unknown names, missing
 * fields, bad CA or key data), parsing (malformed YAML, wrong types), and a
 * CA together with insecure-skip-tls-verify refused as kubectl does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kube_config.h"
#include "support/kubeconfig_fixture.h"

/* ---- resolution errors ---------------------------------------------- */

static void unknown_context_names_it_and_the_files(void **state)
{
    tt_error err;
    resolve_fails("single.yaml", "nope", &err);
    char *p = fixture("single.yaml");
    char *expected = tt_asprintf("context \"nope\" not found in %s", p);
    assert_contains(err.message, expected);
    free(p);
    free(expected);
}

static void context_with_missing_cluster_names_both(void **state)
{
    tt_error err;
    resolve_fails("missing-cluster.yaml", NULL, &err);
    assert_contains(err.message, "context \"orphan\"");
    assert_contains(err.message, "cluster \"ghost-cluster\"");
}

static void context_with_missing_user_names_both(void **state)
{
    tt_error err;
    resolve_fails("missing-user.yaml", NULL, &err);
    assert_contains(err.message, "context \"orphan\"");
    assert_contains(err.message, "user \"ghost-user\"");
}

static void cluster_without_server_is_an_error(void **state)
{
    tt_error err;
    resolve_fails("no-server.yaml", NULL, &err);
    assert_contains(err.message, "cluster \"serverless\"");
    assert_contains(err.message, "no server");
}

static void unreadable_ca_names_the_file_and_the_field(void **state)
{
    tt_error err;
    resolve_fails("unreadable-ca.yaml", NULL, &err);
    assert_int_equal(err.code, TT_EIO);
    assert_contains(err.message, "certificate-authority");
    assert_contains(err.message, "certs/does-not-exist.crt");
    assert_contains(err.message, "cluster \"c\"");
}

static void bad_base64_ca_names_the_cluster_and_field(void **state)
{
    tt_error err;
    resolve_fails("bad-base64-ca.yaml", NULL, &err);
    assert_contains(err.message, "cluster \"c\"");
    assert_contains(err.message, "certificate-authority-data");
    assert_contains(err.message, "base64");
}

static void bad_base64_key_names_the_user_and_field_but_not_the_key(void **state)
{
    tt_error err;
    resolve_fails("bad-base64-key.yaml", NULL, &err);
    assert_contains(err.message, "user \"key-user\"");
    assert_contains(err.message, "client-key-data");
    assert_null(strstr(err.message, "definitely"));
}

/* ---- parse errors ------------------------------------------------------- */

static void malformed_yaml_reports_file_line_and_column(void **state)
{
    tt_error err;
    load_fails("bad-yaml.yaml", &err);
    assert_contains(err.message, "bad-yaml.yaml");
    assert_contains(err.message, "line 6");
    assert_contains(err.message, "column ");
}

static void clusters_as_a_string_names_the_field(void **state)
{
    tt_error err;
    load_fails("wrong-type-clusters.yaml", &err);
    assert_contains(err.message, "wrong-type-clusters.yaml");
    assert_contains(err.message, "clusters must be a list, not a string");
    assert_contains(err.message, "line 3");
}

static void server_as_a_list_names_the_field(void **state)
{
    tt_error err;
    load_fails("wrong-type-server.yaml", &err);
    assert_contains(err.message, "clusters[0] (\"c\").cluster.server must be a string");
}

static void exec_args_as_a_string_names_the_field(void **state)
{
    tt_error err;
    load_fails("wrong-type-exec-args.yaml", &err);
    assert_contains(err.message, "users[0] (\"u\").user.exec.args must be a list");
}

static void non_boolean_flag_names_the_field(void **state)
{
    tt_error err;
    load_fails("wrong-type-bool.yaml", &err);
    assert_contains(err.message, "insecure-skip-tls-verify must be true or false, not \"sometimes\"");
}

static void top_level_list_is_rejected(void **state)
{
    tt_error err;
    load_fails("top-level-list.yaml", &err);
    assert_contains(err.message, "top level must be a mapping");
}

static void entry_without_name_is_rejected(void **state)
{
    tt_error err;
    load_fails("missing-name.yaml", &err);
    assert_contains(err.message, "contexts[0] has no name");
}

static void parse_accepts_a_buffer_and_names_the_source(void **state)
{
    static const char text[] = "clusters:\n- name: x\n  cluster: {server: 'https://x'}\n"
                               "contexts:\n- name: x\n  context: {cluster: x}\n"
                               "current-context: x\n";
    tt_error err;
    kube_config *cfg = kube_config_parse(text, sizeof text - 1, "inline", "/base", &err);
    assert_non_null(cfg);
    assert_string_equal(kube_config_file_at(cfg, 0), "inline");
    kube_rest_config *rc = kube_rest_config_resolve(cfg, NULL, NULL, &err);
    assert_non_null(rc);
    assert_string_equal(rc->server, "https://x");
    kube_rest_config_free(rc);
    kube_config_free(cfg);

    assert_null(kube_config_parse("a: [", 4, "inline", NULL, &err));
    assert_contains(err.message, "inline: invalid YAML at line ");
}

/* Resolves an inline kubeconfig whose one cluster has the given extra
 * lines; returns the config (NULL with err on failure). */
static kube_rest_config *resolve_inline_cluster(const char *cluster_fields, tt_error *err)
{
    char *text = tt_asprintf("clusters:\n- name: x\n  cluster:\n    server: https://x\n%s"
                             "contexts:\n- name: x\n  context: {cluster: x}\n"
                             "current-context: x\n",
                             cluster_fields);
    tt_error_clear(err);
    kube_config *cfg = kube_config_parse(text, strlen(text), "inline", "/base", err);
    free(text);
    assert_non_null(cfg);
    kube_rest_config *rc = kube_rest_config_resolve(cfg, NULL, NULL, err);
    kube_config_free(cfg);
    return rc;
}

/* kubectl (client-go's TLS config) refuses a CA together with
 * insecure-skip-tls-verify; so does the client, with the same reason. */
static void ca_data_with_insecure_is_refused_as_kubectl_does(void **state)
{
    tt_error err;
    assert_null(resolve_inline_cluster("    certificate-authority-data: Y2E=\n"
                                       "    insecure-skip-tls-verify: true\n", &err));
    assert_int_equal(err.code, TT_EINVAL);
    assert_contains(err.message, "cluster \"x\"");
    assert_contains(err.message,
                    "specifying a root certificates file with the insecure flag is not allowed");
}

static void ca_file_with_insecure_is_refused_even_before_it_is_read(void **state)
{
    tt_error err;
    assert_null(resolve_inline_cluster("    certificate-authority: /nonexistent/ca.crt\n"
                                       "    insecure-skip-tls-verify: true\n", &err));
    assert_int_equal(err.code, TT_EINVAL);
    assert_contains(err.message,
                    "specifying a root certificates file with the insecure flag is not allowed");
}

static void ca_without_insecure_and_insecure_without_ca_are_accepted(void **state)
{
    tt_error err;
    kube_rest_config *rc = resolve_inline_cluster("    certificate-authority-data: Y2E=\n"
                                                  "    insecure-skip-tls-verify: false\n", &err);
    if (!rc)
        fail_msg("%s", err.message);
    assert_memory_equal(rc->ca_pem, "ca", 2);
    assert_false(rc->insecure_skip_tls_verify);
    kube_rest_config_free(rc);
    rc = resolve_inline_cluster("    insecure-skip-tls-verify: true\n", &err);
    if (!rc)
        fail_msg("%s", err.message);
    assert_true(rc->insecure_skip_tls_verify);
    kube_rest_config_free(rc);
    /* an empty CA field is no CA (client-go: len() == 0) */
    rc = resolve_inline_cluster("    certificate-authority-data: ''\n"
                                "    insecure-skip-tls-verify: true\n", &err);
    if (!rc)
        fail_msg("%s", err.message);
    kube_rest_config_free(rc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, kubeconfig_setup, kubeconfig_teardown)
        T(ca_data_with_insecure_is_refused_as_kubectl_does),
        T(ca_file_with_insecure_is_refused_even_before_it_is_read),
        T(ca_without_insecure_and_insecure_without_ca_are_accepted),
        T(unknown_context_names_it_and_the_files),
        T(context_with_missing_cluster_names_both),
        T(context_with_missing_user_names_both),
        T(cluster_without_server_is_an_error),
        T(unreadable_ca_names_the_file_and_the_field),
        T(bad_base64_ca_names_the_cluster_and_field),
        T(bad_base64_key_names_the_user_and_field_but_not_the_key),
        T(malformed_yaml_reports_file_line_and_column),
        T(clusters_as_a_string_names_the_field),
        T(server_as_a_list_names_the_field),
        T(exec_args_as_a_string_names_the_field),
        T(non_boolean_flag_names_the_field),
        T(top_level_list_is_rejected),
        T(entry_without_name_is_rejected),
        T(parse_accepts_a_buffer_and_names_the_source),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
