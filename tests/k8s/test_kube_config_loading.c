/* Which kubeconfig files are read and how they merge (k8s/kube_config.h):
 * KUBECONFIG lists (first file wins), an explicit path, ~/.kube/config,
 * none at all, the in-cluster fallback. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, kubeconfig_setup, kubeconfig_teardown)
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
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
