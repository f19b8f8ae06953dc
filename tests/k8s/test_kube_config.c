/* kubeconfig loading, merging and resolution (k8s/kube_config.h). */
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

static const char *data_dir(void)
{
    const char *d = getenv("TTSTUI_TEST_DATA");
    return d ? d : "../data";
}

/* Caller frees. */
static char *fixture(const char *name)
{
    return tt_asprintf("%s/kubeconfig/%s", data_dir(), name);
}

static kube_config *load_fixture(const char *name, tt_error *err)
{
    char *p = fixture(name);
    kube_config *cfg = kube_config_load(p, err);
    free(p);
    return cfg;
}

/* Resolves context (NULL = current) of a fixture; asserts success. */
static kube_rest_config *resolve_fixture(const char *name, const char *context, const char *ns)
{
    tt_error err;
    tt_error_clear(&err);
    kube_config *cfg = load_fixture(name, &err);
    if (!cfg)
        fail_msg("%s: %s", name, err.message);
    kube_rest_config *rc = kube_rest_config_resolve(cfg, context, ns, &err);
    if (!rc)
        fail_msg("%s: %s", name, err.message);
    kube_config_free(cfg);
    return rc;
}

/* Resolution must fail; returns the message in err. */
static void resolve_fails(const char *name, const char *context, tt_error *err)
{
    tt_error_clear(err);
    kube_config *cfg = load_fixture(name, err);
    assert_non_null(cfg);
    kube_rest_config *rc = kube_rest_config_resolve(cfg, context, NULL, err);
    assert_null(rc);
    assert_int_not_equal(err->code, TT_OK);
    kube_config_free(cfg);
}

static void load_fails(const char *name, tt_error *err)
{
    tt_error_clear(err);
    kube_config *cfg = load_fixture(name, err);
    assert_null(cfg);
    assert_int_equal(err->code, TT_EINVAL);
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (!haystack || !strstr(haystack, needle))
        fail_msg("expected \"%s\" in \"%s\"", needle, haystack ? haystack : "(null)");
}

static char *saved_home;

static int setup(void **state)
{
    unsetenv("KUBECONFIG");
    unsetenv("KUBERNETES_SERVICE_HOST");
    unsetenv("KUBERNETES_SERVICE_PORT");
    free(saved_home);
    saved_home = tt_strdup(getenv("HOME"));
    return 0;
}

static int teardown(void **state)
{
    unsetenv("KUBECONFIG");
    unsetenv("KUBERNETES_SERVICE_HOST");
    unsetenv("KUBERNETES_SERVICE_PORT");
    if (saved_home)
        setenv("HOME", saved_home, 1);
    free(saved_home);
    saved_home = NULL;
    return 0;
}

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

/* ---- loading rules ---------------------------------------------------- */

static void kubeconfig_list_merges_first_file_wins(void **state)
{
    char *a = fixture("merge-a.yaml"), *b = fixture("merge-b.yaml");
    char *missing = fixture("does-not-exist.yaml");
    char *list = tt_asprintf("%s:%s:%s", a, missing, b);
    setenv("KUBECONFIG", list, 1);
    tt_error err;
    kube_config *cfg = kube_config_load(NULL, &err);
    assert_non_null(cfg);
    assert_int_equal(kube_config_file_count(cfg), 2);
    assert_string_equal(kube_config_file_at(cfg, 0), a);
    assert_string_equal(kube_config_file_at(cfg, 1), b);
    assert_string_equal(kube_config_current_context(cfg), "shared");
    assert_int_equal(kube_config_context_count(cfg), 2);
    const kube_context_entry *shared = kube_config_find_context(cfg, "shared");
    assert_string_equal(shared->cluster, "shared-cluster");
    assert_string_equal(shared->namespace_, "ns-from-a");

    kube_rest_config *rc = kube_rest_config_resolve(cfg, NULL, NULL, &err);
    assert_non_null(rc);
    assert_string_equal(rc->server, "https://from-a.example.com");
    assert_string_equal(rc->token, "token-from-a");
    kube_rest_config_free(rc);
    kube_config_free(cfg);
    free(a);
    free(b);
    free(missing);
    free(list);
}

static void kubeconfig_list_adds_entries_only_in_later_files(void **state)
{
    char *a = fixture("merge-a.yaml"), *b = fixture("merge-b.yaml");
    char *list = tt_asprintf("%s:%s", a, b);
    setenv("KUBECONFIG", list, 1);
    tt_error err;
    kube_config *cfg = kube_config_load(NULL, &err);
    assert_non_null(cfg);
    /* context only-b (from b) points at shared-cluster, which a defines */
    kube_rest_config *rc = kube_rest_config_resolve(cfg, "only-b", NULL, &err);
    assert_non_null(rc);
    assert_string_equal(rc->server, "https://from-a.example.com");
    assert_string_equal(rc->token, "token-only-b");
    kube_rest_config_free(rc);
    kube_config_free(cfg);
    free(a);
    free(b);
    free(list);
}

static void current_context_comes_from_first_file_that_sets_it(void **state)
{
    char *nc = fixture("merge-no-current.yaml"), *b = fixture("merge-b.yaml");
    char *list = tt_asprintf("%s:%s", nc, b);
    setenv("KUBECONFIG", list, 1);
    tt_error err;
    kube_config *cfg = kube_config_load(NULL, &err);
    assert_non_null(cfg);
    assert_string_equal(kube_config_current_context(cfg), "only-b");
    kube_config_free(cfg);
    free(nc);
    free(b);
    free(list);
}

static void kubeconfig_list_with_a_broken_file_fails_naming_it(void **state)
{
    char *a = fixture("merge-a.yaml"), *bad = fixture("bad-yaml.yaml");
    char *list = tt_asprintf("%s:%s", a, bad);
    setenv("KUBECONFIG", list, 1);
    tt_error err;
    assert_null(kube_config_load(NULL, &err));
    assert_contains(err.message, "bad-yaml.yaml");
    free(a);
    free(bad);
    free(list);
}

static void explicit_path_loads_only_that_file(void **state)
{
    char *b = fixture("merge-b.yaml");
    setenv("KUBECONFIG", b, 1);
    tt_error err;
    kube_config *cfg = load_fixture("merge-a.yaml", &err);
    assert_non_null(cfg);
    assert_int_equal(kube_config_file_count(cfg), 1);
    assert_null(kube_config_find_context(cfg, "only-b"));
    kube_config_free(cfg);
    free(b);
}

static void explicit_path_that_is_missing_is_an_error(void **state)
{
    tt_error err;
    char *p = fixture("no-such-file.yaml");
    assert_null(kube_config_load(p, &err));
    assert_int_equal(err.code, TT_EINVAL);
    assert_contains(err.message, p);
    assert_contains(err.message, "does not exist");
    free(p);
}

static char *make_home(void)
{
    char tmpl[] = "/tmp/ttstui-kubecfg-home-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    return tt_strdup(tmpl);
}

static void remove_home(char *home)
{
    char *cfg = tt_asprintf("%s/.kube/config", home), *kube = tt_asprintf("%s/.kube", home);
    unlink(cfg);
    rmdir(kube);
    rmdir(home);
    free(cfg);
    free(kube);
    free(home);
}

static void without_kubeconfig_env_home_kube_config_is_used(void **state)
{
    char *home = make_home();
    char *kube = tt_asprintf("%s/.kube", home), *dst = tt_asprintf("%s/config", kube);
    tt_error err;
    assert_int_equal(tt_mkdir_p(kube, 0700, &err), 0);
    char *src = fixture("single.yaml");
    size_t len;
    char *text = tt_read_file(src, &len, 0, &err);
    assert_non_null(text);
    assert_int_equal(tt_write_file_private(dst, text, len, &err), 0);
    setenv("HOME", home, 1);
    kube_config *cfg = kube_config_load(NULL, &err);
    assert_non_null(cfg);
    assert_int_equal(kube_config_file_count(cfg), 1);
    assert_string_equal(kube_config_file_at(cfg, 0), dst);
    assert_string_equal(kube_config_current_context(cfg), "demo");
    kube_config_free(cfg);
    free(text);
    free(src);
    free(kube);
    free(dst);
    remove_home(home);
}

static void no_file_anywhere_gives_an_empty_config(void **state)
{
    char *home = make_home();
    setenv("HOME", home, 1);
    tt_error err;
    kube_config *cfg = kube_config_load(NULL, &err);
    assert_non_null(cfg);
    assert_int_equal(kube_config_file_count(cfg), 0);
    assert_int_equal(kube_config_context_count(cfg), 0);
    kube_rest_config *rc = kube_rest_config_resolve(cfg, NULL, NULL, &err);
    assert_null(rc);
    assert_contains(err.message, "no context selected");
    kube_config_free(cfg);
    remove_home(home);
}

static void default_uses_kubeconfig_when_there_is_one(void **state)
{
    char *a = fixture("merge-a.yaml");
    setenv("KUBECONFIG", a, 1);
    setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1", 1);
    setenv("KUBERNETES_SERVICE_PORT", "443", 1);
    tt_error err;
    kube_rest_config *rc = kube_rest_config_default(NULL, NULL, "ns-x", &err);
    assert_non_null(rc);
    assert_false(rc->in_cluster);
    assert_string_equal(rc->server, "https://from-a.example.com");
    assert_string_equal(rc->namespace_, "ns-x");
    kube_rest_config_free(rc);
    free(a);
}

static void default_without_anything_says_where_it_looked(void **state)
{
    char *home = make_home();
    setenv("HOME", home, 1);
    tt_error err;
    assert_null(kube_rest_config_default(NULL, NULL, NULL, &err));
    assert_int_equal(err.code, TT_EINVAL);
    char *where = tt_asprintf("%s/.kube/config", home);
    assert_contains(err.message, where);
    assert_contains(err.message, "KUBERNETES_SERVICE_HOST");
    assert_contains(err.message, "--kubeconfig");
    free(where);
    remove_home(home);
}

static void default_falls_back_to_in_cluster_when_its_variables_are_set(void **state)
{
    char *home = make_home();
    setenv("HOME", home, 1);
    setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1", 1);
    setenv("KUBERNETES_SERVICE_PORT", "443", 1);
    tt_error err;
    kube_rest_config *rc = kube_rest_config_default(NULL, NULL, "ns-y", &err);
    if (rc) { /* only when this machine really has a service account */
        assert_true(rc->in_cluster);
        assert_string_equal(rc->namespace_, "ns-y");
        kube_rest_config_free(rc);
    } else {
        assert_contains(err.message, "/var/run/secrets/kubernetes.io/serviceaccount/token");
    }
    remove_home(home);
}

static void default_with_explicit_missing_path_does_not_fall_back(void **state)
{
    setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1", 1);
    setenv("KUBERNETES_SERVICE_PORT", "443", 1);
    tt_error err;
    assert_null(kube_rest_config_default("/nonexistent/kubeconfig", NULL, NULL, &err));
    assert_contains(err.message, "/nonexistent/kubeconfig");
}

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
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(single_file_resolves_every_cluster_field),
        T(single_file_resolves_token_and_context_namespace),
        T(namespace_override_wins_over_context_namespace),
        T(multi_context_lists_contexts_and_current),
        T(named_context_uses_basic_auth_and_insecure_flag),
        T(ca_data_with_insecure_is_refused_as_kubectl_does),
        T(ca_file_with_insecure_is_refused_even_before_it_is_read),
        T(ca_without_insecure_and_insecure_without_ca_are_accepted),
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
        T(kubeconfig_list_merges_first_file_wins),
        T(kubeconfig_list_adds_entries_only_in_later_files),
        T(current_context_comes_from_first_file_that_sets_it),
        T(kubeconfig_list_with_a_broken_file_fails_naming_it),
        T(explicit_path_loads_only_that_file),
        T(explicit_path_that_is_missing_is_an_error),
        T(without_kubeconfig_env_home_kube_config_is_used),
        T(no_file_anywhere_gives_an_empty_config),
        T(default_uses_kubeconfig_when_there_is_one),
        T(default_without_anything_says_where_it_looked),
        T(default_falls_back_to_in_cluster_when_its_variables_are_set),
        T(default_with_explicit_missing_path_does_not_fall_back),
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
        T(duplicate_names_in_one_file_keep_the_first),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
