/* Credentials (k8s/kube_auth.h): static, tokenFile, basic, client certs
 * and exec plugins, driven by tests/k8s/plugins/fake-auth-plugin through
 * tests/data/kubeconfig/exec-plugins.yaml (one context per behaviour). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kube_auth.h"

#define FIXTURE_CA_DATA                                                                         \
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkZJWFRVUkUtQ0EtRlJPTS1EQVRBCi0tLS0tRU5EIENFUlRJRklD" \
    "QVRFLS0tLS0K"

static char tmpdir[64];
static char *count_file;

static char *fixture(const char *name)
{
    const char *d = getenv("TTSTUI_TEST_DATA");
    return tt_asprintf("%s/kubeconfig/%s", d ? d : "../data", name);
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (!haystack || !strstr(haystack, needle))
        fail_msg("expected \"%s\" in \"%s\"", needle, haystack ? haystack : "(null)");
}

static void assert_lacks(const char *haystack, const char *needle)
{
    if (haystack && strstr(haystack, needle))
        fail_msg("did not expect \"%s\" in \"%s\"", needle, haystack);
}

static kube_rest_config *resolve(const char *file, const char *context)
{
    tt_error err;
    char *p = fixture(file);
    kube_config *cfg = kube_config_load(p, &err);
    free(p);
    if (!cfg)
        fail_msg("%s", err.message);
    kube_rest_config *rc = kube_rest_config_resolve(cfg, context, NULL, &err);
    kube_config_free(cfg);
    if (!rc)
        fail_msg("%s", err.message);
    return rc;
}

/* The auth keeps its own copy: the rest config is gone before use. */
static kube_auth *auth_for(const char *file, const char *context)
{
    kube_rest_config *rc = resolve(file, context);
    kube_auth *a = kube_auth_new(rc);
    kube_rest_config_free(rc);
    return a;
}

static kube_auth *plugin_auth(const char *context)
{
    return auth_for("exec-plugins.yaml", context);
}

static int runs(void)
{
    FILE *f = fopen(count_file, "r");
    if (!f)
        return 0;
    int n = 0, c;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

/* Writes tmpdir/name; returns its path (caller frees). */
static char *write_temp(const char *name, const char *content)
{
    char *p = tt_asprintf("%s/%s", tmpdir, name);
    tt_error err;
    assert_int_equal(tt_write_file_private(p, content, strlen(content), &err), 0);
    return p;
}

static void rewrite_temp(const char *name, const char *content)
{
    free(write_temp(name, content));
}

static int setup(void **state)
{
    strcpy(tmpdir, "/tmp/ttstui-auth-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    count_file = tt_asprintf("%s/runs", tmpdir);
    setenv("TT_TEST_COUNT_FILE", count_file, 1);
    return 0;
}

static int teardown(void **state)
{
    static const char *const names[] = {"runs", "token", "info.json", "empty-bin"};
    for (size_t i = 0; i < TT_ARRAY_LEN(names); i++) {
        char *p = tt_asprintf("%s/%s", tmpdir, names[i]);
        unlink(p);
        rmdir(p);
        free(p);
    }
    rmdir(tmpdir);
    free(count_file);
    count_file = NULL;
    unsetenv("TT_TEST_COUNT_FILE");
    unsetenv("TT_TEST_EXPIRY");
    unsetenv("TT_TEST_ECHO_FILE");
    return 0;
}

/* ---- static credentials ------------------------------------------------ */

static void static_token_is_returned_and_cannot_refresh(void **state)
{
    kube_auth *a = auth_for("single.yaml", NULL);
    tt_error err;
    const kube_credential *c = kube_auth_get(a, false, &err);
    assert_non_null(c);
    assert_string_equal(c->token, "static-secret-token");
    assert_null(c->cert_pem);
    assert_int_equal(c->expires_at, 0);
    assert_false(kube_auth_can_refresh(a));
    kube_auth_free(a);
}

static void basic_auth_gives_username_and_password(void **state)
{
    kube_auth *a = auth_for("multi-context.yaml", "prod");
    tt_error err;
    const kube_credential *c = kube_auth_get(a, false, &err);
    assert_non_null(c);
    assert_string_equal(c->username, "alice");
    assert_string_equal(c->password, "basic-secret-password");
    assert_null(c->token);
    kube_auth_free(a);
}

static void client_certificate_and_key_come_from_files(void **state)
{
    kube_auth *a = auth_for("relative-paths.yaml", "rel");
    tt_error err;
    const kube_credential *c = kube_auth_get(a, false, &err);
    assert_non_null(c);
    assert_contains(c->cert_pem, "FIXTURE-CLIENT-CERT-FROM-FILE");
    assert_contains(c->key_pem, "FIXTURE-CLIENT-KEY-FROM-FILE");
    assert_int_equal(c->key_pem_len, strlen(c->key_pem));
    assert_string_equal(c->token, "token-from-file"); /* trailing newline trimmed */
    kube_auth_free(a);
}

static void token_file_is_reread_on_every_get(void **state)
{
    char *path = write_temp("token", "first-token\n");
    kube_rest_config rc = {0};
    rc.user_name = "rotating";
    rc.token_file = path;
    kube_auth *a = kube_auth_new(&rc);
    assert_true(kube_auth_can_refresh(a));
    tt_error err;
    const kube_credential *c = kube_auth_get(a, false, &err);
    assert_non_null(c);
    assert_string_equal(c->token, "first-token");
    rewrite_temp("token", "second-token");
    c = kube_auth_get(a, false, &err);
    assert_non_null(c);
    assert_string_equal(c->token, "second-token");
    kube_auth_free(a);
    free(path);
}

static void missing_token_file_names_the_user_and_file(void **state)
{
    char *path = tt_asprintf("%s/token", tmpdir);
    kube_rest_config rc = {0};
    rc.user_name = "rotating";
    rc.token_file = path;
    kube_auth *a = kube_auth_new(&rc);
    tt_error err;
    assert_null(kube_auth_get(a, false, &err));
    assert_int_equal(err.code, TT_EIO);
    assert_contains(err.message, "user \"rotating\"");
    assert_contains(err.message, path);
    kube_auth_free(a);
    free(path);
}

static void no_user_gives_an_empty_credential(void **state)
{
    kube_auth *a = auth_for("multi-context.yaml", "no-user");
    tt_error err;
    const kube_credential *c = kube_auth_get(a, false, &err);
    assert_non_null(c);
    assert_null(c->token);
    assert_null(c->cert_pem);
    assert_null(c->username);
    kube_auth_free(a);
}

/* ---- exec plugins: success -------------------------------------------- */

static void exec_v1_token_uses_args_and_env(void **state)
{
    kube_auth *a = plugin_auth("v1-token");
    assert_true(kube_auth_can_refresh(a));
    tt_error err;
    const kube_credential *c = kube_auth_get(a, false, &err);
    if (!c)
        fail_msg("%s", err.message);
    /* FAKE_TOKEN from exec.env, then the args after the mode */
    assert_string_equal(c->token, "v1-secret-a1+a2");
    assert_int_equal(c->expires_at, 0);
    assert_int_equal(runs(), 1); /* TT_TEST_COUNT_FILE was inherited */
    kube_auth_free(a);
}

static void exec_v1beta1_token(void **state)
{
    kube_auth *a = plugin_auth("v1beta1-token");
    tt_error err;
    const kube_credential *c = kube_auth_get(a, false, &err);
    if (!c)
        fail_msg("%s", err.message);
    assert_string_equal(c->token, "beta-secret-");
    kube_auth_free(a);
}

static void exec_client_certificate_and_key(void **state)
{
    kube_auth *a = plugin_auth("cert");
    tt_error err;
    const kube_credential *c = kube_auth_get(a, false, &err);
    if (!c)
        fail_msg("%s", err.message);
    assert_null(c->token);
    assert_string_equal(c->cert_pem,
                        "-----BEGIN CERTIFICATE-----\nPLUGIN-CERT\n-----END CERTIFICATE-----\n");
    assert_contains(c->key_pem, "\nPLUGIN-KEY\n");
    assert_int_equal(c->key_pem_len, strlen(c->key_pem));
    kube_auth_free(a);
}

static void credential_without_expiry_is_cached_until_forced(void **state)
{
    kube_auth *a = plugin_auth("v1-token");
    tt_error err;
    assert_non_null(kube_auth_get(a, false, &err));
    assert_non_null(kube_auth_get(a, false, &err));
    assert_int_equal(runs(), 1);
    assert_non_null(kube_auth_get(a, true, &err));
    assert_int_equal(runs(), 2);
    kube_auth_free(a);
}

static void credential_is_cached_until_its_expiry(void **state)
{
    setenv("TT_TEST_EXPIRY", "2099-01-01T10:00:00.123+02:00", 1);
    kube_auth *a = plugin_auth("expiring");
    tt_error err;
    const kube_credential *c = kube_auth_get(a, false, &err);
    if (!c)
        fail_msg("%s", err.message);
    assert_string_equal(c->token, "expiring-1");
    assert_int_equal(c->expires_at, 4070937600LL);
    c = kube_auth_get(a, false, &err);
    assert_string_equal(c->token, "expiring-1");
    assert_int_equal(runs(), 1);
    c = kube_auth_get(a, true, &err);
    assert_non_null(c);
    assert_string_equal(c->token, "expiring-2");
    kube_auth_free(a);
}

static void expired_credential_is_refreshed(void **state)
{
    setenv("TT_TEST_EXPIRY", "2000-01-01T00:00:00Z", 1);
    kube_auth *a = plugin_auth("expiring");
    tt_error err;
    const kube_credential *c = kube_auth_get(a, false, &err);
    assert_non_null(c);
    assert_string_equal(c->token, "expiring-1");
    c = kube_auth_get(a, false, &err);
    assert_non_null(c);
    assert_string_equal(c->token, "expiring-2");
    kube_auth_free(a);
}

static void credential_is_refreshed_shortly_before_it_expires(void **state)
{
    /* Valid for 12 s: cached now, refreshed once within the 10 s margin. */
    time_t t = time(NULL) + 12;
    struct tm tm;
    gmtime_r(&t, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    setenv("TT_TEST_EXPIRY", stamp, 1);
    kube_auth *a = plugin_auth("expiring");
    tt_error err;
    assert_non_null(kube_auth_get(a, false, &err));
    assert_non_null(kube_auth_get(a, false, &err));
    assert_int_equal(runs(), 1);
    sleep(3);
    const kube_credential *c = kube_auth_get(a, false, &err);
    assert_non_null(c);
    assert_string_equal(c->token, "expiring-2");
    kube_auth_free(a);
}

static json_t *exec_info_seen_by(const char *context)
{
    char *echo = tt_asprintf("%s/info.json", tmpdir);
    setenv("TT_TEST_ECHO_FILE", echo, 1);
    kube_auth *a = plugin_auth(context);
    tt_error err;
    const kube_credential *c = kube_auth_get(a, false, &err);
    if (!c)
        fail_msg("%s", err.message);
    json_error_t je;
    json_t *info = json_load_file(echo, 0, &je);
    if (!info)
        fail_msg("KUBERNETES_EXEC_INFO is not JSON: %s", je.text);
    kube_auth_free(a);
    free(echo);
    return info;
}

static void exec_info_carries_the_cluster_when_asked(void **state)
{
    json_t *info = exec_info_seen_by("echo-info");
    assert_string_equal(json_string_value(json_object_get(info, "kind")), "ExecCredential");
    assert_string_equal(json_string_value(json_object_get(info, "apiVersion")),
                        "client.authentication.k8s.io/v1");
    json_t *spec = json_object_get(info, "spec");
    assert_true(json_is_false(json_object_get(spec, "interactive")));
    json_t *cl = json_object_get(spec, "cluster");
    assert_non_null(cl);
    assert_string_equal(json_string_value(json_object_get(cl, "server")), "https://127.0.0.1:6443");
    assert_string_equal(json_string_value(json_object_get(cl, "certificate-authority-data")),
                        FIXTURE_CA_DATA);
    assert_string_equal(json_string_value(json_object_get(cl, "tls-server-name")),
                        "kubernetes.test");
    assert_true(json_is_false(json_object_get(cl, "insecure-skip-tls-verify")));
    json_decref(info);
}

static void exec_info_has_no_cluster_without_provide_cluster_info(void **state)
{
    json_t *info = exec_info_seen_by("echo-info-no-cluster");
    json_t *spec = json_object_get(info, "spec");
    assert_non_null(spec);
    assert_null(json_object_get(spec, "cluster"));
    assert_true(json_is_false(json_object_get(spec, "interactive")));
    json_decref(info);
}

/* ---- exec plugins: failures -------------------------------------------- */

static void failing_plugin_reports_status_and_stderr_not_stdout(void **state)
{
    kube_auth *a = plugin_auth("fail");
    tt_error err;
    assert_null(kube_auth_get(a, false, &err));
    assert_int_equal(err.code, TT_EIO);
    assert_contains(err.message, "fake-auth-plugin");
    assert_contains(err.message, "exited with status 1");
    assert_contains(err.message, "the refresh token has expired");
    assert_lacks(err.message, "leaked-secret-token");
    kube_auth_free(a);
}

static void failing_plugin_message_keeps_only_the_end_of_stderr(void **state)
{
    kube_auth *a = plugin_auth("noisy-fail");
    tt_error err;
    assert_null(kube_auth_get(a, false, &err));
    assert_contains(err.message, "exited with status 3");
    assert_contains(err.message, "final complaint");
    assert_lacks(err.message, "noise line 0 ");
    assert_true(strlen(err.message) < 1024);
    kube_auth_free(a);
}

static void garbage_output_is_a_clear_error_naming_the_plugin(void **state)
{
    kube_auth *a = plugin_auth("garbage");
    tt_error err;
    assert_null(kube_auth_get(a, false, &err));
    assert_int_equal(err.code, TT_EPROTO);
    assert_contains(err.message, "fake-auth-plugin");
    assert_contains(err.message, "not an ExecCredential");
    assert_lacks(err.message, "garbage-secret-ish");
    kube_auth_free(a);
}

static void json_of_another_kind_is_rejected(void **state)
{
    kube_auth *a = plugin_auth("not-a-credential");
    tt_error err;
    assert_null(kube_auth_get(a, false, &err));
    assert_int_equal(err.code, TT_EPROTO);
    assert_contains(err.message, "kind \"Pod\"");
    kube_auth_free(a);
}

static void credential_without_token_or_certificate_is_rejected(void **state)
{
    kube_auth *a = plugin_auth("no-token");
    tt_error err;
    assert_null(kube_auth_get(a, false, &err));
    assert_contains(err.message, "neither a token nor a client certificate");
    kube_auth_free(a);
}

static void malformed_expiration_is_rejected(void **state)
{
    kube_auth *a = plugin_auth("bad-expiry");
    tt_error err;
    assert_null(kube_auth_get(a, false, &err));
    assert_contains(err.message, "expirationTimestamp");
    assert_contains(err.message, "RFC 3339");
    kube_auth_free(a);
}

static void api_version_must_match_the_kubeconfig(void **state)
{
    kube_auth *a = plugin_auth("wrong-api");
    tt_error err;
    assert_null(kube_auth_get(a, false, &err));
    assert_contains(err.message, "\"client.authentication.k8s.io/v1beta1\"");
    assert_contains(err.message, "\"client.authentication.k8s.io/v1\"");
    kube_auth_free(a);
}

static void v1_requires_interactive_mode(void **state)
{
    kube_auth *a = plugin_auth("v1-without-interactive-mode");
    tt_error err;
    assert_null(kube_auth_get(a, false, &err));
    assert_int_equal(err.code, TT_EINVAL);
    assert_contains(err.message, "interactiveMode is required");
    assert_int_equal(runs(), 0);
    kube_auth_free(a);
}

static void endless_output_is_cut_off(void **state)
{
    kube_auth *a = plugin_auth("flood");
    tt_error err;
    assert_null(kube_auth_get(a, false, &err));
    assert_contains(err.message, "more than 1048576 bytes");
    kube_auth_free(a);
}

static void slow_plugin_is_killed_after_the_timeout(void **state)
{
    kube_auth *a = plugin_auth("sleep");
    kube_auth_set_exec_timeout_ms(a, 300);
    tt_error err;
    long long start = tt_now_ms();
    assert_null(kube_auth_get(a, false, &err));
    long long took = tt_now_ms() - start;
    assert_int_equal(err.code, TT_ETIMEDOUT);
    assert_contains(err.message, "fake-auth-plugin");
    assert_contains(err.message, "300 ms");
    assert_true(took >= 300 && took < 5000);
    kube_auth_free(a);
}

static void missing_plugin_says_not_found_with_install_hint(void **state)
{
    kube_auth *a = plugin_auth("missing");
    tt_error err;
    assert_null(kube_auth_get(a, false, &err));
    assert_contains(err.message, "exec plugin \"ttstui-test-no-such-plugin\" not found");
    assert_contains(err.message, "Install ttstui-test-no-such-plugin from the test suite.");
    kube_auth_free(a);
}

static void gke_plugin_missing_from_path_shows_its_install_hint(void **state)
{
    char *bin = tt_asprintf("%s/empty-bin", tmpdir);
    tt_error err;
    assert_int_equal(tt_mkdir_p(bin, 0700, &err), 0);
    char *old_path = tt_strdup(getenv("PATH"));
    setenv("PATH", bin, 1);
    kube_auth *a = auth_for("gke.yaml", NULL);
    const kube_credential *c = kube_auth_get(a, false, &err);
    if (old_path)
        setenv("PATH", old_path, 1);
    assert_null(c);
    assert_contains(err.message, "exec plugin \"gke-gcloud-auth-plugin\" not found");
    assert_contains(err.message, "Install gke-gcloud-auth-plugin for use with kubectl");
    assert_contains(err.message, "gke_tts-project_europe-west4-a_tts-prod");
    kube_auth_free(a);
    free(old_path);
    free(bin);
}

static void failed_refresh_drops_the_cached_credential(void **state)
{
    /* After a 401 the old token is known bad: a failed forced refresh must
     * not leave it in the cache for the next caller. */
    setenv("FAKE_MODE", "token", 1);
    setenv("FAKE_TOKEN", "old", 1);
    kube_auth *a = plugin_auth("switchable");
    tt_error err;
    const kube_credential *c = kube_auth_get(a, false, &err);
    if (!c)
        fail_msg("%s", err.message);
    assert_string_equal(c->token, "old-");
    setenv("FAKE_MODE", "fail", 1);
    assert_null(kube_auth_get(a, true, &err));
    assert_null(kube_auth_get(a, false, &err));
    assert_int_equal(runs(), 3);
    setenv("FAKE_MODE", "token", 1);
    setenv("FAKE_TOKEN", "new", 1);
    c = kube_auth_get(a, false, &err);
    assert_non_null(c);
    assert_string_equal(c->token, "new-");
    kube_auth_free(a);
    unsetenv("FAKE_MODE");
    unsetenv("FAKE_TOKEN");
}

static void interactive_mode_always_is_refused_without_running(void **state)
{
    kube_rest_config *rc = resolve("exec-plugins.yaml", "v1-token");
    free(rc->exec->interactive_mode);
    rc->exec->interactive_mode = tt_strdup("Always");
    kube_auth *a = kube_auth_new(rc);
    kube_rest_config_free(rc);
    tt_error err;
    assert_null(kube_auth_get(a, false, &err));
    assert_contains(err.message, "interactive");
    assert_int_equal(runs(), 0);
    kube_auth_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(static_token_is_returned_and_cannot_refresh),
        T(basic_auth_gives_username_and_password),
        T(client_certificate_and_key_come_from_files),
        T(token_file_is_reread_on_every_get),
        T(missing_token_file_names_the_user_and_file),
        T(no_user_gives_an_empty_credential),
        T(exec_v1_token_uses_args_and_env),
        T(exec_v1beta1_token),
        T(exec_client_certificate_and_key),
        T(credential_without_expiry_is_cached_until_forced),
        T(credential_is_cached_until_its_expiry),
        T(expired_credential_is_refreshed),
        T(credential_is_refreshed_shortly_before_it_expires),
        T(exec_info_carries_the_cluster_when_asked),
        T(exec_info_has_no_cluster_without_provide_cluster_info),
        T(failing_plugin_reports_status_and_stderr_not_stdout),
        T(failing_plugin_message_keeps_only_the_end_of_stderr),
        T(garbage_output_is_a_clear_error_naming_the_plugin),
        T(json_of_another_kind_is_rejected),
        T(credential_without_token_or_certificate_is_rejected),
        T(malformed_expiration_is_rejected),
        T(api_version_must_match_the_kubeconfig),
        T(v1_requires_interactive_mode),
        T(endless_output_is_cut_off),
        T(slow_plugin_is_killed_after_the_timeout),
        T(missing_plugin_says_not_found_with_install_hint),
        T(gke_plugin_missing_from_path_shows_its_install_hint),
        T(failed_refresh_drops_the_cached_credential),
        T(interactive_mode_always_is_refused_without_running),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
