/* kubeconfig loading and resolution of good files (k8s/kube_config.h).
 * Which files are read and merged: test_kube_config_loading.c; errors:
 * test_kube_config_errors.c. */
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

/* ---- good files ------------------------------------------------------ */

static void single_file_resolves_every_cluster_field(void **state)
{
    kube_rest_config *rc = resolve_fixture("single.yaml", NULL, NULL);
    assert_string_equal(rc->context_name, "demo");
    assert_string_equal(rc->cluster_name, "demo");
    assert_string_equal(rc->user_name, "demo-admin");
    assert_string_equal(rc->server, "https://127.0.0.1:6443");
    assert_non_null(rc->ca_pem);
    assert_int_equal(rc->ca_pem_len, strlen(rc->ca_pem));
    assert_contains(rc->ca_pem, "FIXTURE-CA-FROM-DATA");
    assert_string_equal(rc->tls_server_name, "kubernetes.default");
    assert_string_equal(rc->proxy_url, "socks5://127.0.0.1:1080");
    assert_true(rc->disable_compression);
    assert_false(rc->insecure_skip_tls_verify);
    assert_false(rc->in_cluster);
    kube_rest_config_free(rc);
}

static void single_file_resolves_token_and_context_namespace(void **state)
{
    kube_rest_config *rc = resolve_fixture("single.yaml", NULL, NULL);
    assert_string_equal(rc->token, "static-secret-token");
    assert_null(rc->token_file);
    assert_null(rc->exec);
    assert_string_equal(rc->namespace_, "tts");
    kube_rest_config_free(rc);
}

static void namespace_override_wins_over_context_namespace(void **state)
{
    kube_rest_config *rc = resolve_fixture("single.yaml", NULL, "other");
    assert_string_equal(rc->namespace_, "other");
    kube_rest_config_free(rc);
}

static void multi_context_lists_contexts_and_current(void **state)
{
    tt_error err;
    kube_config *cfg = load_fixture("multi-context.yaml", &err);
    assert_non_null(cfg);
    assert_string_equal(kube_config_current_context(cfg), "staging");
    assert_int_equal(kube_config_context_count(cfg), 3);
    assert_string_equal(kube_config_context_at(cfg, 0)->name, "prod");
    assert_string_equal(kube_config_context_at(cfg, 0)->namespace_, "tts-prod");
    assert_string_equal(kube_config_context_at(cfg, 2)->name, "no-user");
    assert_null(kube_config_context_at(cfg, 3));
    assert_null(kube_config_find_context(cfg, "absent"));
    assert_string_equal(kube_config_find_context(cfg, "prod")->cluster, "prod-cluster");
    assert_int_equal(kube_config_file_count(cfg), 1);
    assert_contains(kube_config_file_at(cfg, 0), "multi-context.yaml");
    kube_config_free(cfg);
}

static void named_context_uses_basic_auth_and_insecure_flag(void **state)
{
    kube_rest_config *rc = resolve_fixture("multi-context.yaml", "prod", NULL);
    assert_string_equal(rc->server, "https://prod.example.com:443");
    assert_true(rc->insecure_skip_tls_verify);
    assert_null(rc->ca_pem);
    assert_string_equal(rc->username, "alice");
    assert_string_equal(rc->password, "basic-secret-password");
    assert_null(rc->token);
    assert_string_equal(rc->namespace_, "tts-prod");
    kube_rest_config_free(rc);
}

static void trailing_slashes_of_server_are_stripped(void **state)
{
    kube_rest_config *rc = resolve_fixture("multi-context.yaml", NULL, NULL);
    assert_string_equal(rc->server, "http://staging.example.com:8080");
    kube_rest_config_free(rc);
}

static void namespace_defaults_to_default(void **state)
{
    kube_rest_config *rc = resolve_fixture("multi-context.yaml", "staging", NULL);
    assert_string_equal(rc->namespace_, "default");
    kube_rest_config_free(rc);
    rc = resolve_fixture("multi-context.yaml", "no-user", NULL);
    assert_string_equal(rc->namespace_, "default");
    kube_rest_config_free(rc);
}

static void context_without_user_has_no_credentials(void **state)
{
    kube_rest_config *rc = resolve_fixture("multi-context.yaml", "no-user", NULL);
    assert_null(rc->user_name);
    assert_null(rc->token);
    assert_null(rc->token_file);
    assert_null(rc->cert_pem);
    assert_null(rc->username);
    assert_null(rc->exec);
    kube_rest_config_free(rc);
}

static void relative_paths_resolve_against_the_files_folder(void **state)
{
    kube_rest_config *rc = resolve_fixture("relative-paths.yaml", NULL, NULL);
    assert_contains(rc->ca_pem, "FIXTURE-CA-FROM-FILE");
    assert_contains(rc->cert_pem, "FIXTURE-CLIENT-CERT-FROM-FILE");
    assert_contains(rc->key_pem, "FIXTURE-CLIENT-KEY-FROM-FILE");
    assert_int_equal(rc->key_pem_len, strlen(rc->key_pem));
    char *expected = fixture("certs/token");
    assert_string_equal(rc->token_file, expected);
    assert_null(rc->token);
    free(expected);
    kube_rest_config_free(rc);
}

static void relative_paths_may_climb_out_of_a_nested_folder(void **state)
{
    kube_rest_config *rc = resolve_fixture("nested/sub/relative-up.yaml", NULL, NULL);
    assert_contains(rc->ca_pem, "FIXTURE-CA-FROM-FILE");
    assert_int_equal(access(rc->token_file, R_OK), 0);
    kube_rest_config_free(rc);
}

static void exec_command_with_slash_is_relative_to_the_file(void **state)
{
    kube_rest_config *rc = resolve_fixture("relative-paths.yaml", "rel-exec", NULL);
    assert_non_null(rc->exec);
    char *expected = fixture("../../k8s/plugins/fake-auth-plugin");
    assert_string_equal(rc->exec->command, expected);
    assert_int_equal(access(rc->exec->command, X_OK), 0);
    free(expected);
    kube_rest_config_free(rc);
}

static void exec_command_without_slash_stays_a_path_lookup(void **state)
{
    kube_rest_config *rc = resolve_fixture("relative-paths.yaml", "path-exec", NULL);
    assert_string_equal(rc->exec->command, "fake-auth-plugin");
    kube_rest_config_free(rc);
}

static void data_fields_win_over_files_and_token_over_token_file(void **state)
{
    kube_rest_config *rc = resolve_fixture("data-precedence.yaml", NULL, NULL);
    assert_contains(rc->ca_pem, "FIXTURE-CA-FROM-DATA");
    assert_contains(rc->cert_pem, "FIXTURE-CLIENT-CERT-FROM-DATA");
    assert_contains(rc->key_pem, "FIXTURE-CLIENT-KEY-FROM-DATA");
    assert_string_equal(rc->token, "token-inline");
    assert_null(rc->token_file);
    kube_rest_config_free(rc);
}

static void gke_config_from_gcloud_resolves_to_its_exec_plugin(void **state)
{
    kube_rest_config *rc = resolve_fixture("gke.yaml", NULL, NULL);
    assert_string_equal(rc->context_name, "gke_tts-project_europe-west4-a_tts-prod");
    assert_string_equal(rc->user_name, "gke_tts-project_europe-west4-a_tts-prod");
    assert_string_equal(rc->server, "https://34.118.10.20");
    assert_contains(rc->ca_pem, "FIXTURE-CA-FROM-DATA");
    assert_null(rc->token);
    kube_exec_config *e = rc->exec;
    assert_non_null(e);
    assert_string_equal(e->command, "gke-gcloud-auth-plugin");
    assert_string_equal(e->api_version, "client.authentication.k8s.io/v1beta1");
    assert_true(e->provide_cluster_info);
    assert_int_equal(e->n_args, 0);
    assert_int_equal(e->n_env, 0);
    assert_null(e->interactive_mode);
    /* the folded plain scalar becomes one line */
    assert_string_equal(e->install_hint,
                        "Install gke-gcloud-auth-plugin for use with kubectl by following "
                        "https://cloud.google.com/kubernetes-engine/docs/how-to/"
                        "cluster-access-for-kubectl#install_plugin");
    assert_string_equal(rc->namespace_, "default");
    kube_rest_config_free(rc);
}

static void exec_args_and_env_are_read_in_order(void **state)
{
    kube_rest_config *rc = resolve_fixture("exec-plugins.yaml", "v1-token", NULL);
    kube_exec_config *e = rc->exec;
    assert_int_equal(e->n_args, 3);
    assert_string_equal(e->args[0], "token");
    assert_string_equal(e->args[2], "a2");
    assert_int_equal(e->n_env, 1);
    assert_string_equal(e->env_names[0], "FAKE_TOKEN");
    assert_string_equal(e->env_values[0], "v1-secret");
    assert_string_equal(e->interactive_mode, "Never");
    assert_false(e->provide_cluster_info);
    kube_rest_config_free(rc);
}

static void rest_config_dup_is_a_deep_equal_copy(void **state)
{
    kube_rest_config *rc = resolve_fixture("exec-plugins.yaml", "v1-token", NULL);
    kube_rest_config *d = kube_rest_config_dup(rc);
    kube_rest_config_free(rc);
    assert_string_equal(d->server, "https://127.0.0.1:6443");
    assert_contains(d->ca_pem, "FIXTURE-CA-FROM-DATA");
    assert_string_equal(d->exec->args[1], "a1");
    assert_string_equal(d->exec->env_values[0], "v1-secret");
    kube_rest_config_free(d);
    assert_null(kube_rest_config_dup(NULL));
}

static void empty_file_is_an_empty_config(void **state)
{
    tt_error err;
    kube_config *cfg = load_fixture("empty.yaml", &err);
    assert_non_null(cfg);
    assert_int_equal(kube_config_context_count(cfg), 0);
    assert_null(kube_config_current_context(cfg));
    assert_int_equal(kube_config_file_count(cfg), 1);
    kube_config_free(cfg);
}

static void duplicate_names_in_one_file_keep_the_first(void **state)
{
    static const char text[] = "clusters:\n"
                               "- {name: x, cluster: {server: 'https://first'}}\n"
                               "- {name: x, cluster: {server: 'https://second'}}\n"
                               "contexts:\n- {name: x, context: {cluster: x}}\n";
    tt_error err;
    kube_config *cfg = kube_config_parse(text, sizeof text - 1, "dup", NULL, &err);
    assert_non_null(cfg);
    kube_rest_config *rc = kube_rest_config_resolve(cfg, "x", NULL, &err);
    assert_non_null(rc);
    assert_string_equal(rc->server, "https://first");
    kube_rest_config_free(rc);
    kube_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, kubeconfig_setup, kubeconfig_teardown)
        T(single_file_resolves_every_cluster_field),
        T(single_file_resolves_token_and_context_namespace),
        T(namespace_override_wins_over_context_namespace),
        T(multi_context_lists_contexts_and_current),
        T(named_context_uses_basic_auth_and_insecure_flag),
        T(trailing_slashes_of_server_are_stripped),
        T(namespace_defaults_to_default),
        T(context_without_user_has_no_credentials),
        T(relative_paths_resolve_against_the_files_folder),
        T(relative_paths_may_climb_out_of_a_nested_folder),
        T(exec_command_with_slash_is_relative_to_the_file),
        T(exec_command_without_slash_stays_a_path_lookup),
        T(data_fields_win_over_files_and_token_over_token_file),
        T(gke_config_from_gcloud_resolves_to_its_exec_plugin),
        T(exec_args_and_env_are_read_in_order),
        T(rest_config_dup_is_a_deep_equal_copy),
        T(empty_file_is_an_empty_config),
        T(duplicate_names_in_one_file_keep_the_first),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
