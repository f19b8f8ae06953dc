/*
 * The checks of delete, rollback and pin-latest (ops/models.c), the
 * read-only rule as both faces ask it (ops_check_writable) and the audit
 * line of a release (ops_audit), against recorded API answers
 * (tests/data/ops/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ops.h"
#include "support/fake_api.h"

#define KSVCS "/apis/serving.knative.dev/v1/namespaces/v3/services"
#define REVS "/apis/serving.knative.dev/v1/namespaces/v3/revisions/"
#define PIN "/apis/configuration.konghq.com/v1/kongclusterplugins/latest-pinned-service"

static int setup(void **state)
{
    *state = fake_api_start();
    return 0;
}

static int teardown(void **state)
{
    fake_api_stop(*state);
    return 0;
}

/* The fixture revision stream-2 with its Ready condition replaced (status
 * NULL: no Ready condition at all). */
static void serve_stream_2_ready(const char *status, const char *reason)
{
    json_t *rev = fake_api_fixture("ops/revision-stream-2-ready.json");
    json_t *conds = json_object_get(json_object_get(rev, "status"), "conditions");
    size_t i;
    json_t *c;
    json_array_foreach(conds, i, c) {
        if (strcmp(json_string_value(json_object_get(c, "type")), "Ready") != 0)
            continue;
        if (!status) {
            json_array_remove(conds, i);
            break;
        }
        json_object_set_new(c, "status", json_string(status));
        if (reason)
            json_object_set_new(c, "reason", json_string(reason));
    }
    fake_api_json("GET", REVS "stream-2", 200, rev);
    json_decref(rev);
}

static int rollback_check(void **state, const char *service, const char *rev, tt_error *err)
{
    tt_error_clear(err);
    return ops_check_rollback_revision(*state, "v3", service, rev, NULL, err);
}

static void rollback_to_a_ready_revision_of_the_service_is_allowed(void **state)
{
    tt_error err;
    fake_api_file("GET", REVS "stream-2", 200, "ops/revision-stream-2-ready.json");
    assert_int_equal(rollback_check(state, "stream", "stream-2", &err), 0);
}

static void rollback_to_a_deploying_revision_is_refused(void **state)
{
    tt_error err;
    fake_api_file("GET", REVS "stream-2", 200, "ops/revision-stream-2-deploying.json");
    assert_int_equal(rollback_check(state, "stream", "stream-2", &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
    assert_non_null(strstr(err.message, "stream-2 is not Ready (Ready Unknown, Deploying)"));
}

static void rollback_to_a_revision_without_a_ready_condition_is_refused(void **state)
{
    tt_error err;
    fake_api_file("GET", REVS "stream-2", 200, "ops/revision-stream-2-new.json");
    assert_int_equal(rollback_check(state, "stream", "stream-2", &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
    assert_non_null(strstr(err.message, "not Ready (Ready Unknown)"));
    /* Other conditions True but no Ready one: still refused. */
    serve_stream_2_ready(NULL, NULL);
    assert_int_equal(rollback_check(state, "stream", "stream-2", &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
}

static void rollback_to_a_revision_ready_unknown_or_false_is_refused(void **state)
{
    tt_error err;
    serve_stream_2_ready("Unknown", NULL);
    assert_int_equal(rollback_check(state, "stream", "stream-2", &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
    serve_stream_2_ready("False", "ExitCode1");
    assert_int_equal(rollback_check(state, "stream", "stream-2", &err), -1);
    assert_non_null(strstr(err.message, "Ready False, ExitCode1"));
    serve_stream_2_ready("true", NULL); /* statuses are case-sensitive */
    assert_int_equal(rollback_check(state, "stream", "stream-2", &err), -1);
    fake_api_file("GET", REVS "stream-2", 200, "ops/revision-stream-2-failed.json");
    assert_int_equal(rollback_check(state, "stream", "stream-2", &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
}

static void rollback_to_another_services_revision_is_refused(void **state)
{
    tt_error err;
    fake_api_file("GET", REVS "stream-2", 200, "ops/revision-stream-2-ready.json");
    assert_int_equal(rollback_check(state, "validate", "stream-2", &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
    assert_non_null(strstr(err.message, "belongs to service stream, not validate"));
    /* a name that only starts like the owner */
    assert_int_equal(rollback_check(state, "strea", "stream-2", &err), -1);
    assert_int_equal(rollback_check(state, "stream-x", "stream-2", &err), -1);
}

static void rollback_to_a_missing_revision_is_refused_and_other_errors_pass_through(void **state)
{
    tt_error err;
    assert_int_equal(rollback_check(state, "stream", "stream-9", &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
    assert_non_null(strstr(err.message, "revision stream-9 does not exist in model v3"));
    fake_api_status("GET", REVS "stream-9", 403, "Forbidden", "revisions is forbidden");
    assert_int_equal(rollback_check(state, "stream", "stream-9", &err), -1);
    assert_int_not_equal(err.code, TT_EREFUSED);
    assert_non_null(strstr(err.message, "forbidden"));
}

/* A ServiceList of v3 holding Knative services with these names. */
static void serve_ksvcs(const char *const *names, size_t n)
{
    json_t *list = fake_api_fixture("ops/ksvc-list-v3.json");
    json_t *proto = json_deep_copy(json_array_get(json_object_get(list, "items"), 0));
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_deep_copy(proto);
        json_object_set_new(json_object_get(s, "metadata"), "name", json_string(names[i]));
        json_array_append_new(items, s);
    }
    json_object_set_new(list, "items", items);
    fake_api_json("GET", KSVCS, 200, list);
    json_decref(list);
    json_decref(proto);
}

static void a_namespace_is_a_model_only_with_stream_or_validate(void **state)
{
    tt_error err;
    fake_api_file("GET", KSVCS, 200, "ops/ksvc-list-v3.json");
    assert_int_equal(ops_check_is_model(*state, "v3", &err), 0);
    static const char *const only_validate[] = {"other", "validate"};
    serve_ksvcs(only_validate, 2);
    assert_int_equal(ops_check_is_model(*state, "v3", &err), 0);
    static const char *const others[] = {"streamer", "valid", "api"};
    serve_ksvcs(others, 3);
    tt_error_clear(&err);
    assert_int_equal(ops_check_is_model(*state, "v3", &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
    assert_non_null(strstr(err.message, "namespace v3 holds no Knative service stream or validate"));
    serve_ksvcs(NULL, 0);
    assert_int_equal(ops_check_is_model(*state, "v3", &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
    fake_api_status("GET", KSVCS, 403, "Forbidden", "services.serving.knative.dev is forbidden");
    tt_error_clear(&err);
    assert_int_equal(ops_check_is_model(*state, "v3", &err), -1);
    assert_int_not_equal(err.code, TT_EREFUSED);
}

static void the_pin_is_read_and_an_absent_pin_is_no_error(void **state)
{
    tt_error err;
    tt_error_clear(&err);
    assert_null(ops_get_pin(*state, &err));
    assert_int_equal(err.code, TT_OK);
    fake_api_file("GET", PIN, 200, "ops/pin.json");
    json_t *kcp = ops_get_pin(*state, &err);
    assert_non_null(kcp);
    assert_string_equal(ops_pinned_model(kcp), "v9");
    json_decref(kcp);
    fake_api_status("GET", PIN, 403, "Forbidden", "kongclusterplugins is forbidden");
    assert_null(ops_get_pin(*state, &err));
    assert_int_equal(err.code, 403);
}

static void pin_latest_needs_stream_or_validate_and_counts_ready_ones(void **state)
{
    tt_error err;
    size_t ready = 99;
    fake_api_file("GET", KSVCS, 200, "ops/ksvc-list-v3.json");
    assert_int_equal(ops_check_pin_model(*state, "v3", "kind-ttstui", &ready, &err), 0);
    assert_int_equal(ready, 2);

    json_t *list = fake_api_fixture("ops/ksvc-list-v3.json");
    json_t *cond = json_array_get(json_object_get(json_object_get(json_array_get(
                                      json_object_get(list, "items"), 1), "status"), "conditions"),
                                  0);
    json_object_set_new(cond, "status", json_string("Unknown"));
    fake_api_json("GET", KSVCS, 200, list);
    json_decref(list);
    assert_int_equal(ops_check_pin_model(*state, "v3", "kind-ttstui", &ready, &err), 0);
    assert_int_equal(ready, 1);

    static const char *const others[] = {"streams", "other"};
    serve_ksvcs(others, 2);
    tt_error_clear(&err);
    assert_int_equal(ops_check_pin_model(*state, "v3", "kind-ttstui", &ready, &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
    assert_non_null(strstr(err.message, "model v3 has no Knative service stream or validate on "
                                        "context kind-ttstui"));
}

static void routed_means_exactly_one_target_at_100_percent(void **state)
{
    (void)state;
    json_t *patch = ops_rollback_patch("stream-2");
    json_t *ksvc = json_object();
    json_object_set(ksvc, "spec", json_object_get(patch, "spec"));
    assert_true(ops_already_routed(ksvc, "stream-2"));
    assert_false(ops_already_routed(ksvc, "stream-1"));
    assert_false(ops_already_routed(ksvc, "stream-"));
    json_t *traffic = json_object_get(json_object_get(ksvc, "spec"), "traffic");
    json_object_set_new(json_array_get(traffic, 0), "percent", json_integer(99));
    assert_false(ops_already_routed(ksvc, "stream-2"));
    json_object_set_new(json_array_get(traffic, 0), "percent", json_integer(100));
    json_array_append_new(traffic, json_pack("{s:s, s:i}", "revisionName", "stream-1",
                                             "percent", 0));
    assert_false(ops_already_routed(ksvc, "stream-2"));
    json_decref(ksvc);
    json_decref(patch);
}

static config *load_config(void)
{
    tt_error err;
    char *path = tt_asprintf("%s/ops/config.yaml", getenv("TTSTUI_TEST_DATA"));
    config *cfg = config_load(path, &err);
    free(path);
    if (!cfg)
        fail_msg("config: %s", err.message);
    return cfg;
}

static void writability_follows_the_readonly_settings(void **state)
{
    (void)state;
    config *cfg = load_config();
    tt_error err;
    assert_int_equal(ops_check_writable(cfg, "staging", "kind-ttstui", "tts-model", &err), 0);
    assert_int_equal(ops_check_writable(cfg, NULL, "kind-ttstui", "tts-model", &err), 0);
    /* prod is read-only: by its name, and through its context whatever env is named */
    assert_int_equal(ops_check_writable(cfg, "prod", "kind-ttstui", "tts-model", &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
    assert_int_equal(ops_check_writable(cfg, NULL, "gke_voice_us-central1_prod", "tts-model", &err), -1);
    assert_int_equal(ops_check_writable(cfg, "staging", "gke_voice_us-central1_prod", "tts-model", &err), -1);
    /* a name that extends the read-only one is another cluster */
    assert_int_equal(ops_check_writable(cfg, NULL, "gke_voice_us-central1_prod-2", "tts-model", &err), 0);
    assert_int_equal(ops_check_writable(cfg, NULL, "audit-cluster", "tts-model", &err), -1);
    assert_int_equal(ops_check_writable(cfg, NULL, "audit-cluster-2", "tts-model", &err), 0);
    assert_int_equal(ops_check_writable(cfg, NULL, "audit", "tts-model", &err), 0);
    /* an env unknown to the settings adds no rule */
    assert_int_equal(ops_check_writable(cfg, "nosuchenv", "kind-ttstui", "tts-model", &err), 0);
    /* a writable context does not make a system namespace a model */
    assert_int_equal(ops_check_writable(cfg, "staging", "kind-ttstui", "kube-system", &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
    assert_int_equal(ops_check_writable(cfg, "staging", "kind-ttstui", "kube", &err), 0);
    config_free(cfg);
}

static void the_audit_line_is_one_line_without_key_values(void **state)
{
    (void)state;
    char dir[] = "/tmp/ttstui-ops-audit.XXXXXX";
    assert_non_null(mkdtemp(dir));
    setenv("XDG_STATE_HOME", dir, 1);
    ops_release r;
    ops_release_init(&r);
    r.secrets = tt_calloc(1, sizeof(char *));
    r.secrets[r.n_secrets++] = tt_strdup("sk-live-SECRETVALUE");
    char *objs[] = {"Namespace/v3", "Secret/api-keys"};
    audit_entry e = {.context = "kind-ttstui", .env = "staging", .model = "v3",
                     .version = "1", .action = "apply", .objects = objs, .n_objects = 2,
                     .result = AUDIT_FAILED,
                     .message = "first line\nthe server said: key sk-live-SECRETVALUE is bad"};
    tt_error err;
    if (ops_audit(&e, &r, &err) != 0)
        fail_msg("ops_audit: %s", err.message);
    char *path = tt_asprintf("%s/ttstui/audit.log", dir);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    assert_non_null(strstr(buf, "first line; the server said"));
    assert_null(strstr(buf, "SECRETVALUE"));
    assert_non_null(strchr(buf, '\n'));
    assert_null(strchr(strchr(buf, '\n') + 1, '\n')); /* one line */
    unlink(path);
    free(path);
    char *sub = tt_asprintf("%s/ttstui", dir);
    rmdir(sub);
    free(sub);
    rmdir(dir);
    ops_release_clear(&r);
}

/* Knative's GC: a rollback target older than 48 h and not labelled no-gc
 * is warned of; one hour younger, labelled, or without a time is not. */
static void gc_warning_only_for_old_unprotected_revisions(void **state)
{
    (void)state;
    long long now = 1733400000; /* 2024-12-05T12:00:00Z */
    json_t *old = json_pack("{s:{s:s, s:s}}", "metadata", "name", "stream-3", "creationTimestamp",
                            "2024-12-03T11:00:00Z"); /* 49 h before */
    char *w = ops_gc_warning(old, now);
    assert_non_null(w);
    assert_non_null(strstr(w, "revision stream-3 is 49 h old"));
    assert_non_null(strstr(w, "serving.knative.dev/no-gc"));
    free(w);
    json_t *young = json_pack("{s:{s:s, s:s}}", "metadata", "name", "stream-4", "creationTimestamp",
                              "2024-12-03T13:00:00Z"); /* 47 h before */
    assert_null(ops_gc_warning(young, now));
    json_t *kept = json_pack("{s:{s:s, s:s, s:{s:s}}}", "metadata", "name", "stream-3",
                             "creationTimestamp", "2024-12-01T00:00:00Z", "labels",
                             "serving.knative.dev/no-gc", "true");
    assert_null(ops_gc_warning(kept, now));
    json_t *unlabelled_false = json_pack("{s:{s:s, s:s, s:{s:s}}}", "metadata", "name", "stream-3",
                                         "creationTimestamp", "2024-12-01T00:00:00Z", "labels",
                                         "serving.knative.dev/no-gc", "false");
    w = ops_gc_warning(unlabelled_false, now);
    assert_non_null(w);
    free(w);
    json_t *no_time = json_pack("{s:{s:s}}", "metadata", "name", "stream-3");
    assert_null(ops_gc_warning(no_time, now));
    json_decref(old);
    json_decref(young);
    json_decref(kept);
    json_decref(unlabelled_false);
    json_decref(no_time);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gc_warning_only_for_old_unprotected_revisions),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(rollback_to_a_ready_revision_of_the_service_is_allowed),
        T(rollback_to_a_deploying_revision_is_refused),
        T(rollback_to_a_revision_without_a_ready_condition_is_refused),
        T(rollback_to_a_revision_ready_unknown_or_false_is_refused),
        T(rollback_to_another_services_revision_is_refused),
        T(rollback_to_a_missing_revision_is_refused_and_other_errors_pass_through),
        T(a_namespace_is_a_model_only_with_stream_or_validate),
        T(the_pin_is_read_and_an_absent_pin_is_no_error),
        T(pin_latest_needs_stream_or_validate_and_counts_ready_ones),
        T(routed_means_exactly_one_target_at_100_percent),
        T(writability_follows_the_readonly_settings),
        T(the_audit_line_is_one_line_without_key_values),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
