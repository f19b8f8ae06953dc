/* Release safety rules (core/safety.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mask.h"
#include "safety.h"
#include "support/fixture.h"
#include "tt_common.h"

static const char *const KEY_VALUES[] = {"XXX", "YYY", "new-secret-value", "zzz-old-value"};

static json_t *rendered_stream(void)
{
    json_t *all = load_fixture("rendered-v3-withkeys.json");
    json_t *s = json_incref(json_array_get(all, 3));
    json_decref(all);
    assert_string_equal(json_string_value(json_object_get(json_object_get(s, "metadata"), "name")), "stream");
    return s;
}

static json_t *template_spec(json_t *ksvc)
{
    return json_object_get(json_object_get(json_object_get(ksvc, "spec"), "template"), "spec");
}

static json_t *container0(json_t *ksvc)
{
    return json_array_get(json_object_get(template_spec(ksvc), "containers"), 0);
}

static json_t *template_annotations(json_t *ksvc)
{
    return json_object_get(json_object_get(json_object_get(json_object_get(ksvc, "spec"), "template"),
                                           "metadata"), "annotations");
}

/* ---- version bump ---- */

static void absent_revision_is_new(void **state)
{
    (void)state;
    json_t *ksvc = rendered_stream();
    safety_version_check c;
    tt_error err;
    assert_int_equal(safety_check_version(ksvc, NULL, &c, &err), 0);
    assert_int_equal(c.verdict, SAFETY_VERSION_NEW);
    assert_string_equal(c.revision, "stream-1");
    safety_version_check_clear(&c);
    json_decref(ksvc);
}

static void same_template_with_server_defaults_is_same(void **state)
{
    (void)state;
    json_t *ksvc = rendered_stream(), *rev = load_fixture("live-revision-stream-1.json");
    safety_version_check c;
    tt_error err;
    assert_int_equal(safety_check_version(ksvc, rev, &c, &err), 0);
    if (c.n_differences)
        fail_msg("unexpected difference: %s", c.differences[0]);
    assert_int_equal(c.verdict, SAFETY_VERSION_SAME);
    safety_version_check_clear(&c);
    json_decref(ksvc);
    json_decref(rev);
}

static void changed_image_and_scale_conflict_with_field_list(void **state)
{
    (void)state;
    json_t *ksvc = rendered_stream(), *rev = load_fixture("live-revision-stream-1.json");
    json_object_set_new(container0(ksvc), "image", json_string("gcr.io/x/worker@sha256:new"));
    json_object_set_new(template_annotations(ksvc), "autoscaling.knative.dev/minScale", json_string("1"));
    json_object_set_new(template_spec(ksvc), "containerConcurrency", json_integer(2));
    safety_version_check c;
    tt_error err;
    assert_int_equal(safety_check_version(ksvc, rev, &c, &err), 0);
    assert_int_equal(c.verdict, SAFETY_VERSION_CONFLICT);
    assert_int_equal(c.n_differences, 3);
    assert_string_equal(c.differences[0],
                        "image: gcr.io/voice-service-2-313121/speech-api-worker@sha256:"
                        "3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3 -> gcr.io/x/worker@sha256:new");
    assert_string_equal(c.differences[1], "containerConcurrency: 1 -> 2");
    assert_string_equal(c.differences[2], "annotation autoscaling.knative.dev/minScale: 0 -> 1");
    char *msg = safety_version_conflict_message(&c, "2");
    assert_true(tt_str_has_prefix(msg, "revision stream-1 already exists with a different template (image: "));
    assert_true(tt_str_has_suffix(msg, "release it as version 2"));
    free(msg);
    safety_version_check_clear(&c);
    json_decref(ksvc);
    json_decref(rev);
}

static void dropped_env_from_is_a_conflict(void **state)
{
    (void)state;
    /* includeImageApiKeys true -> false changes the template */
    json_t *ksvc = rendered_stream(), *rev = load_fixture("live-revision-stream-1.json");
    json_object_del(container0(ksvc), "envFrom");
    safety_version_check c;
    tt_error err;
    safety_check_version(ksvc, rev, &c, &err);
    assert_int_equal(c.verdict, SAFETY_VERSION_CONFLICT);
    assert_int_equal(c.n_differences, 1);
    assert_string_equal(c.differences[0], "envFrom: [{\"secretRef\":{\"name\":\"api-keys\"}}] -> (unset)");
    safety_version_check_clear(&c);
    json_decref(ksvc);
    json_decref(rev);
}

static void hyphenated_scale_on_revision_but_not_in_template_conflicts(void **state)
{
    (void)state;
    json_t *ksvc = rendered_stream(), *rev = load_fixture("live-revision-stream-1.json");
    json_object_set_new(json_object_get(json_object_get(rev, "metadata"), "annotations"),
                        "autoscaling.knative.dev/min-scale", json_string("2"));
    safety_version_check c;
    tt_error err;
    safety_check_version(ksvc, rev, &c, &err);
    assert_int_equal(c.verdict, SAFETY_VERSION_CONFLICT);
    assert_string_equal(c.differences[0], "annotation autoscaling.knative.dev/min-scale: 2 -> (unset)");
    safety_version_check_clear(&c);
    json_decref(ksvc);
    json_decref(rev);
}

static void env_differences_name_variables_not_values(void **state)
{
    (void)state;
    json_t *ksvc = rendered_stream(), *rev = load_fixture("live-revision-stream-1.json");
    json_object_set_new(container0(ksvc), "env", json_pack("[{s:s, s:s}]", "name", "SAMS_SPEECH_API_KEY", "value", "new-secret-value"));
    json_object_set_new(json_array_get(json_object_get(json_object_get(rev, "spec"), "containers"), 0), "env",
                        json_pack("[{s:s, s:s}]", "name", "SAMS_SPEECH_API_KEY", "value", "zzz-old-value"));
    safety_version_check c;
    tt_error err;
    safety_check_version(ksvc, rev, &c, &err);
    assert_int_equal(c.verdict, SAFETY_VERSION_CONFLICT);
    assert_string_equal(c.differences[0], "env: SAMS_SPEECH_API_KEY differ (values not shown)");
    char *msg = safety_version_conflict_message(&c, NULL);
    assert_false(mask_text_contains_secret(msg, KEY_VALUES, TT_ARRAY_LEN(KEY_VALUES)));
    free(msg);
    safety_version_check_clear(&c);
    json_decref(ksvc);
    json_decref(rev);
}

static void template_without_name_is_an_error(void **state)
{
    (void)state;
    json_t *ksvc = rendered_stream();
    json_object_del(json_object_get(json_object_get(json_object_get(ksvc, "spec"), "template"), "metadata"), "name");
    safety_version_check c;
    tt_error err;
    assert_int_equal(safety_check_version(ksvc, NULL, &c, &err), -1);
    assert_int_equal(err.code, TT_EINVAL);
    assert_non_null(strstr(err.message, "Knative Service stream has no spec.template.metadata.name"));
    safety_version_check_clear(&c);
    json_decref(ksvc);
}

/* One change at a time from a template that matches the live revision:
 * each must be a conflict naming exactly that field. */
static void expect_single_conflict(json_t *ksvc, json_t *rev, const char *want)
{
    safety_version_check c;
    tt_error err;
    assert_int_equal(safety_check_version(ksvc, rev, &c, &err), 0);
    assert_int_equal(c.verdict, SAFETY_VERSION_CONFLICT);
    assert_int_equal(c.n_differences, 1);
    if (!tt_str_has_prefix(c.differences[0], want))
        fail_msg("difference '%s' does not start with '%s'", c.differences[0], want);
    safety_version_check_clear(&c);
    json_decref(ksvc);
    json_decref(rev);
}

static void added_liveness_probe_is_a_conflict(void **state)
{
    (void)state;
    json_t *ksvc = rendered_stream(), *rev = load_fixture("live-revision-stream-1.json");
    json_object_set_new(container0(ksvc), "livenessProbe",
                        json_pack("{s:{s:s}}", "httpGet", "path", "/healthy"));
    expect_single_conflict(ksvc, rev, "livenessProbe: (unset) -> {");
}

static void added_scalars_the_live_revision_lacks_are_conflicts(void **state)
{
    (void)state;
    static const char *const scalars[] = {"containerConcurrency", "timeoutSeconds"};
    for (size_t i = 0; i < TT_ARRAY_LEN(scalars); i++) {
        json_t *ksvc = rendered_stream(), *rev = load_fixture("live-revision-stream-1.json");
        json_t *live_spec = json_object_get(rev, "spec");
        json_t *value = json_incref(json_object_get(live_spec, scalars[i]));
        assert_non_null(value);
        /* The live revision lacks it; the template has the same value. */
        json_object_del(live_spec, scalars[i]);
        json_object_set(template_spec(ksvc), scalars[i], value);
        json_decref(value);
        char *want = tt_asprintf("%s: (unset) -> ", scalars[i]);
        expect_single_conflict(ksvc, rev, want);
        free(want);
    }
}

static void one_changed_argument_is_a_conflict(void **state)
{
    (void)state;
    json_t *ksvc = rendered_stream(), *rev = load_fixture("live-revision-stream-1.json");
    json_t *args = json_object_get(container0(ksvc), "args");
    json_array_set_new(args, 1, json_string("src.service.worker:app"));
    expect_single_conflict(ksvc, rev, "args: ");
}

static void one_changed_scalar_is_a_conflict(void **state)
{
    (void)state;
    json_t *ksvc = rendered_stream(), *rev = load_fixture("live-revision-stream-1.json");
    json_object_set_new(template_spec(ksvc), "timeoutSeconds", json_integer(3601));
    expect_single_conflict(ksvc, rev, "timeoutSeconds: 3600 -> 3601");
}

static void next_version_ignores_non_numeric(void **state)
{
    (void)state;
    const char *names[] = {"stream-1", "stream-12", "validate-3", "stream-12-hotfix", "stream-beta", "stream-"};
    char *v = safety_next_version(names, TT_ARRAY_LEN(names));
    assert_string_equal(v, "13");
    free(v);
    const char *big[] = {"stream-999", "stream-1000"}; /* numbers, not text, and no cap */
    v = safety_next_version(big, 2);
    assert_string_equal(v, "1001");
    free(v);
    const char *none[] = {"stream-rc1"};
    v = safety_next_version(none, 1);
    assert_string_equal(v, "1");
    free(v);
    v = safety_next_version(NULL, 0);
    assert_string_equal(v, "1");
    free(v);
}

/* ---- API keys ---- */

static json_t *file_keys(void)
{
    /* SAMS the same, NEIL changed, NEW added; OLD_KEY is only live */
    return json_pack("{s:s, s:s, s:s}", "SAMS_SPEECH_API_KEY", "XXX", "NEIL_SPEECH_API_KEY",
                     "new-secret-value", "NEW_KEY", "YYY");
}

static json_t *live_secret(void)
{
    char *old = tt_base64_encode("zzz-old-value", 13);
    json_t *s = json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s}}", "apiVersion", "v1", "kind", "Secret",
                          "metadata", "name", "api-keys", "namespace", "v3", "data",
                          "SAMS_SPEECH_API_KEY", "WFhY", "NEIL_SPEECH_API_KEY", "WVlZ", "OLD_KEY", old);
    free(old);
    return s;
}

static void key_compare_lists_names_only(void **state)
{
    (void)state;
    json_t *f = file_keys(), *l = live_secret();
    safety_keys_diff d;
    tt_error err;
    assert_int_equal(safety_compare_keys(f, l, &d, &err), 0);
    assert_int_equal(d.n_added, 1);
    assert_string_equal(d.added[0], "NEW_KEY");
    assert_int_equal(d.n_removed, 1);
    assert_string_equal(d.removed[0], "OLD_KEY");
    assert_int_equal(d.n_changed, 1);
    assert_string_equal(d.changed[0], "NEIL_SPEECH_API_KEY");
    assert_int_equal(d.n_same, 1);
    assert_false(safety_keys_same(&d));
    char *summary = safety_keys_summary(&d);
    assert_string_equal(summary, "added: NEW_KEY; removed: OLD_KEY; changed: NEIL_SPEECH_API_KEY");
    assert_false(mask_text_contains_secret(summary, KEY_VALUES, TT_ARRAY_LEN(KEY_VALUES)));
    free(summary);
    safety_keys_diff_clear(&d);
    json_decref(f);
    json_decref(l);
}

static void keys_refused_without_a_policy(void **state)
{
    (void)state;
    json_t *f = file_keys(), *l = live_secret();
    tt_error err;
    assert_null(safety_resolve_keys(f, l, SAFETY_KEYS_NONE, "v3", &err));
    assert_int_equal(err.code, TT_EREFUSED);
    assert_non_null(strstr(err.message, "namespace v3"));
    assert_non_null(strstr(err.message, "added: NEW_KEY; removed: OLD_KEY; changed: NEIL_SPEECH_API_KEY"));
    assert_false(mask_text_contains_secret(err.message, KEY_VALUES, TT_ARRAY_LEN(KEY_VALUES)));
    json_decref(f);
    json_decref(l);
}

static const char *data_of(const json_t *secret, const char *key)
{
    return json_string_value(json_object_get(json_object_get(secret, "data"), key));
}

/* Same key names, values that differ in one way each: refused. */
static void one_changed_value_with_the_same_names_is_refused(void **state)
{
    (void)state;
    static const char *const files[][2] = {
        {"XXX", "XXY"},  /* one changed character */
        {"XXX", "XXXX"}, /* the live value is a prefix of the file's */
        {"XXX", "XX"},   /* the file's value is a prefix of the live one */
        {"XXX", ""},     /* emptied */
    };
    for (size_t i = 0; i < TT_ARRAY_LEN(files); i++) {
        char *live_b64 = tt_base64_encode(files[i][0], strlen(files[i][0]));
        json_t *live = json_pack("{s:s, s:{s:s, s:s}}", "kind", "Secret", "data", "A_KEY", "WVlZ",
                                 "B_KEY", live_b64);
        json_t *file = json_pack("{s:s, s:s}", "A_KEY", "YYY", "B_KEY", files[i][1]);
        safety_keys_diff d;
        tt_error err;
        assert_int_equal(safety_compare_keys(file, live, &d, &err), 0);
        assert_int_equal(d.n_added, 0);
        assert_int_equal(d.n_removed, 0);
        assert_int_equal(d.n_changed, 1);
        assert_string_equal(d.changed[0], "B_KEY");
        assert_int_equal(d.n_same, 1);
        assert_false(safety_keys_same(&d));
        safety_keys_diff_clear(&d);
        assert_null(safety_resolve_keys(file, live, SAFETY_KEYS_NONE, "v3", &err));
        assert_int_equal(err.code, TT_EREFUSED);
        assert_non_null(strstr(err.message, "changed: B_KEY"));
        json_decref(file);
        json_decref(live);
        free(live_b64);
    }
}

static void same_keys_and_values_need_no_policy(void **state)
{
    (void)state;
    json_t *live = json_pack("{s:s, s:{s:s}}", "kind", "Secret", "data", "A_KEY", "WVlZ");
    json_t *file = json_pack("{s:s}", "A_KEY", "YYY");
    tt_error err;
    json_t *s = safety_resolve_keys(file, live, SAFETY_KEYS_NONE, "v3", &err);
    assert_non_null(s);
    json_decref(s);
    json_decref(file);
    json_decref(live);
}

static void merge_keeps_live_keys_and_overrides_with_file(void **state)
{
    (void)state;
    json_t *f = file_keys(), *l = live_secret();
    tt_error err;
    json_t *s = safety_resolve_keys(f, l, SAFETY_KEYS_MERGE, "v3", &err);
    assert_non_null(s);
    assert_string_equal(json_string_value(json_object_get(s, "kind")), "Secret");
    assert_string_equal(json_string_value(json_object_get(json_object_get(s, "metadata"), "namespace")), "v3");
    assert_int_equal(json_object_size(json_object_get(s, "data")), 4);
    assert_string_equal(data_of(s, "SAMS_SPEECH_API_KEY"), "WFhY");
    char *neil = tt_base64_encode("new-secret-value", 16);
    assert_string_equal(data_of(s, "NEIL_SPEECH_API_KEY"), neil);
    free(neil);
    assert_string_equal(data_of(s, "NEW_KEY"), "WVlZ");
    assert_non_null(data_of(s, "OLD_KEY"));
    json_decref(s);
    json_decref(f);
    json_decref(l);
}

static void replace_uses_the_file_keys_exactly(void **state)
{
    (void)state;
    json_t *f = file_keys(), *l = live_secret();
    tt_error err;
    json_t *s = safety_resolve_keys(f, l, SAFETY_KEYS_REPLACE, "v3", &err);
    assert_int_equal(json_object_size(json_object_get(s, "data")), 3);
    assert_null(data_of(s, "OLD_KEY"));
    json_decref(s);
    json_decref(f);
    json_decref(l);
}

static void no_live_secret_needs_no_policy(void **state)
{
    (void)state;
    json_t *f = file_keys();
    tt_error err;
    json_t *s = safety_resolve_keys(f, NULL, SAFETY_KEYS_NONE, "v3", &err);
    assert_non_null(s);
    assert_int_equal(json_object_size(json_object_get(s, "data")), 3);
    json_decref(s);
    json_decref(f);
}

static void non_string_key_value_is_an_error_naming_the_key(void **state)
{
    (void)state;
    json_t *f = json_pack("{s:i}", "BAD_KEY", 7);
    safety_keys_diff d;
    tt_error err;
    assert_int_equal(safety_compare_keys(f, NULL, &d, &err), -1);
    assert_string_equal(err.message, "API key BAD_KEY in the key file is not a string");
    json_decref(f);
}

/* ---- env guard and read-only ---- */

static config *test_config(void)
{
    const char *dir = getenv("TTSTUI_TEST_DATA");
    char *path = tt_asprintf("%s/core/config-good.yaml", dir ? dir : "../data");
    tt_error err;
    config *c = config_load(path, &err);
    assert_non_null(c);
    free(path);
    return c;
}

static void env_guard_accepts_exact_and_glob(void **state)
{
    (void)state;
    config *c = test_config();
    tt_error err;
    assert_int_equal(safety_check_env_context(c, "staging", "gke_voice-service-2-313121_us-central1_staging", &err), 0);
    assert_int_equal(safety_check_env_context(c, "staging", "kind-demo", &err), 0);
    assert_int_equal(safety_check_env_context(c, "prod", "gke_voice-service-2-313121_us-central1_prod-2", &err), 0);
    config_free(c);
}

static void env_guard_refuses_other_context_naming_everything(void **state)
{
    (void)state;
    config *c = test_config();
    tt_error err;
    assert_int_equal(safety_check_env_context(c, "prod", "kind-demo", &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
    assert_non_null(strstr(err.message, "environment prod may not be released through kube context 'kind-demo'"));
    assert_non_null(strstr(err.message, "allowed contexts are gke_voice-service-2-313121_us-central1_prod*"));
    assert_int_equal(safety_check_env_context(c, "dev", "kind-demo", &err), -1);
    assert_string_equal(err.message, "unknown environment 'dev': configured environments are staging, prod");
    config_free(c);
}

/* A context whose name is a prefix of an allowed name, or has one as its
 * prefix, is another context. */
static void env_guard_refuses_prefixes_both_ways(void **state)
{
    (void)state;
    config *c = test_config();
    tt_error err;
    const char *refused[] = {
        "gke_voice-service-2-313121_us-central1_stagin",   /* a prefix of the exact name */
        "gke_voice-service-2-313121_us-central1_staging2", /* the exact name is its prefix */
        "kind",                                            /* a prefix of the glob kind-* */
        "xkind-demo",                                      /* the glob anchors at the start */
    };
    for (size_t i = 0; i < TT_ARRAY_LEN(refused); i++) {
        if (safety_check_env_context(c, "staging", refused[i], &err) != -1)
            fail_msg("context '%s' was allowed for staging", refused[i]);
        assert_int_equal(err.code, TT_EREFUSED);
    }
    /* prod* is a glob: its own prefix is not prod. */
    assert_int_equal(safety_check_env_context(c, "prod", "gke_voice-service-2-313121_us-central1_pro", &err), -1);
    config_free(c);
}

static void readonly_context_patterns_match_whole_names(void **state)
{
    (void)state;
    config *c = test_config();
    assert_true(safety_is_readonly(c, "staging", "x-readonly"));
    assert_false(safety_is_readonly(c, "staging", "x-readonly2"));
    assert_false(safety_is_readonly(c, "staging", "readonly"));
    assert_true(safety_is_readonly(c, "staging", "audit-cluster"));
    assert_false(safety_is_readonly(c, "staging", "audit-cluste"));
    assert_false(safety_is_readonly(c, "staging", "audit-cluster2"));
    /* The env alone makes it read-only, whatever the context. */
    assert_true(safety_is_readonly(c, "prod", "kind-demo"));
    assert_false(safety_is_readonly(c, NULL, "kind-demo"));
    config_free(c);
}

static void env_of_context_follows_the_patterns(void **state)
{
    (void)state;
    config *c = test_config();
    assert_string_equal(safety_env_of_context(c, "kind-demo"), "staging");
    assert_string_equal(safety_env_of_context(c, "gke_voice-service-2-313121_us-central1_prod-2"), "prod");
    assert_null(safety_env_of_context(c, "kind"));
    assert_null(safety_env_of_context(c, NULL));
    config_free(c);
    c = config_defaults(); /* environments without patterns name no context */
    assert_null(safety_env_of_context(c, "anything"));
    config_free(c);
}

static config *config_of(const char *yaml)
{
    char path[] = "/tmp/ttstui-test-envs-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
    close(fd);
    tt_error err;
    config *c = config_load(path, &err);
    unlink(path);
    assert_non_null(c);
    return c;
}

static const char TWO_ENVS[] = "environments:\n"
                               "  - {name: staging, contexts: [gke_staging, \"kind-*\"]}\n"
                               "  - {name: prod, contexts: [gke_prod]}\n"
                               "readonly_contexts: [audit]\n";

/* What safety_env_match_context says of context (env, other: NULL when
 * none), and safety_env_of_context agreeing: env only when it is one. */
static void expect_match(const config *c, const char *context, safety_env_match_kind kind,
                         const char *env, const char *other)
{
    safety_env_match m = safety_env_match_context(c, context);
    assert_int_equal(m.kind, kind);
    if (env)
        assert_string_equal(m.env, env);
    else
        assert_null(m.env);
    if (other)
        assert_string_equal(m.other, other);
    else
        assert_null(m.other);
    if (kind == SAFETY_ENV_ONE)
        assert_string_equal(safety_env_of_context(c, context), env);
    else
        assert_null(safety_env_of_context(c, context));
}

static void env_match_no_environment(void **state)
{
    (void)state;
    config *c = config_of(TWO_ENVS);
    expect_match(c, "gke_dr", SAFETY_ENV_NONE, NULL, NULL);
    expect_match(c, "audit", SAFETY_ENV_NONE, NULL, NULL); /* readonly_contexts name none */
    expect_match(c, NULL, SAFETY_ENV_NONE, NULL, NULL);
    expect_match(NULL, "gke_prod", SAFETY_ENV_NONE, NULL, NULL);
    config_free(c);
}

static void env_match_one_environment(void **state)
{
    (void)state;
    config *c = config_of(TWO_ENVS);
    expect_match(c, "gke_prod", SAFETY_ENV_ONE, "prod", NULL);
    expect_match(c, "gke_staging", SAFETY_ENV_ONE, "staging", NULL);
    config_free(c);
}

/* Two environments naming one context: neither is its environment (not
 * the first one listed), and both are said. */
static void env_match_two_environments_is_ambiguous(void **state)
{
    (void)state;
    config *c = config_of("environments:\n"
                          "  - {name: staging, contexts: [\"gke_*\"]}\n"
                          "  - {name: prod, contexts: [gke_prod]}\n"
                          "  - {name: dr, contexts: [gke_prod, gke_dr]}\n");
    expect_match(c, "gke_prod", SAFETY_ENV_AMBIGUOUS, "staging", "prod");
    expect_match(c, "gke_dr", SAFETY_ENV_AMBIGUOUS, "staging", "dr");
    expect_match(c, "gke_staging", SAFETY_ENV_ONE, "staging", NULL); /* only the glob */
    config_free(c);
}

/* A prefix of a pattern, or a name a pattern is a prefix of, is another
 * context. */
static void env_match_needs_the_whole_name(void **state)
{
    (void)state;
    config *c = config_of(TWO_ENVS);
    const char *others[] = {"gke_pro", "gke_prod-2", "xgke_prod", "kind"};
    for (size_t i = 0; i < TT_ARRAY_LEN(others); i++)
        expect_match(c, others[i], SAFETY_ENV_NONE, NULL, NULL);
    expect_match(c, "kind-", SAFETY_ENV_ONE, "staging", NULL);
    expect_match(c, "kind-demo", SAFETY_ENV_ONE, "staging", NULL);
    config_free(c);
}

/* Patterns are exact names or fnmatch globs: *, ?, [set]; a name with
 * brackets in it matches itself. An environment with no patterns names
 * no context, and does not make another's ambiguous. */
static void env_match_globs(void **state)
{
    (void)state;
    config *c = config_of("environments:\n"
                          "  - {name: any}\n"
                          "  - {name: a, contexts: [\"gke_?_prod\"]}\n"
                          "  - {name: b, contexts: [\"eks-[12]\"]}\n"
                          "  - {name: c, contexts: [\"ctx[1]\"]}\n");
    const struct {
        const char *context, *env; /* env NULL: none */
    } cases[] = {
        {"gke_x_prod", "a"}, {"gke_xy_prod", NULL}, {"gke__prod_", NULL}, {"eks-2", "b"},
        {"eks-3", NULL},     {"ctx[1]", "c"},       {"ctx1", "c"},        {"anything", NULL},
    };
    for (size_t i = 0; i < TT_ARRAY_LEN(cases); i++)
        expect_match(c, cases[i].context, cases[i].env ? SAFETY_ENV_ONE : SAFETY_ENV_NONE,
                     cases[i].env, NULL);
    config_free(c);
}

static void env_match_errors_say_why(void **state)
{
    (void)state;
    config *c = config_of("environments:\n"
                          "  - {name: staging, contexts: [\"gke_*\"]}\n"
                          "  - {name: prod, contexts: [gke_prod]}\n");
    tt_error err;
    tt_error_clear(&err);
    assert_string_equal(safety_env_of_context_err(c, "gke_staging", "pass --env", &err), "staging");
    assert_int_equal(err.code, 0);
    assert_null(safety_env_of_context_err(c, "gke_prod", "pass --env", &err));
    assert_int_equal(err.code, TT_EINVAL);
    char *want = tt_asprintf("context gke_prod matches environments staging and prod "
                             "(environments[].contexts in %s): pass --env",
                             c->path);
    assert_string_equal(err.message, want);
    free(want);
    tt_error_clear(&err);
    assert_null(safety_env_of_context_err(c, "kind\x1b[2J", NULL, &err));
    want = tt_asprintf("context kind?[2J belongs to no environment of the settings "
                       "(environments[].contexts in %s)",
                       c->path);
    assert_string_equal(err.message, want);
    free(want);
    config_free(c);
}

static void env_without_patterns_allows_any_context(void **state)
{
    (void)state;
    config *c = config_defaults();
    tt_error err;
    assert_int_equal(safety_check_env_context(c, "prod", "anything", &err), 0);
    config_free(c);
}

static void readonly_contexts_and_envs_refuse_writes(void **state)
{
    (void)state;
    config *c = test_config();
    tt_error err;
    assert_true(safety_is_readonly(c, "staging", "gke-staging-readonly"));
    assert_true(safety_is_readonly(c, "staging", "audit-cluster"));
    assert_true(safety_is_readonly(c, "prod", "gke_voice-service-2-313121_us-central1_prod"));
    assert_false(safety_is_readonly(c, "staging", "kind-demo"));
    assert_int_equal(safety_check_writable(c, "staging", "audit-cluster", &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
    assert_non_null(strstr(err.message, "kube context 'audit-cluster' is read-only"));
    assert_int_equal(safety_check_writable(c, "prod", "gke_x_prod", &err), -1);
    assert_non_null(strstr(err.message, "environment prod is read-only"));
    assert_int_equal(safety_check_writable(c, "staging", "kind-demo", &err), 0);
    config_free(c);
}

/* A context mapped to a read-only environment is read-only whatever the
 * env of the change (none for delete, rollback, traffic and pin-latest; or
 * another env named by apply). */
static void context_of_a_readonly_env_refuses_writes_whatever_the_env(void **state)
{
    (void)state;
    config *c = test_config();
    tt_error err;
    const char *prod_ctx = "gke_voice-service-2-313121_us-central1_prod-2";
    assert_int_equal(safety_check_writable(c, NULL, prod_ctx, &err), -1);
    assert_int_equal(err.code, TT_EREFUSED);
    assert_non_null(strstr(err.message, "environment prod is read-only"));
    assert_non_null(strstr(err.message, prod_ctx));
    assert_int_equal(safety_check_writable(c, "staging", prod_ctx, &err), -1);
    assert_non_null(strstr(err.message, "environment prod is read-only"));
    assert_true(safety_is_readonly(c, NULL, prod_ctx));
    assert_true(safety_is_readonly(c, "staging", prod_ctx));
    /* Control: the same setup, a context of the writable env. */
    assert_int_equal(safety_check_writable(c, NULL, "kind-demo", &err), 0);
    assert_false(safety_is_readonly(c, NULL, "kind-demo"));
    /* A near miss of the prod* pattern is not prod's. */
    assert_int_equal(safety_check_writable(c, NULL, "gke_voice-service-2-313121_us-central1_pro", &err), 0);
    config_free(c);
}

/* Each built-in pattern, and its near misses. kong* is a prefix glob like
 * the others: kongo is protected (the Kong ingress names its namespaces
 * kong, kong-system, kong-dp ...). */
static void system_namespaces_are_not_models(void **state)
{
    (void)state;
    const char *protected_ns[] = {"kube-system", "kube-public", "kube-node-lease", "default",
                                  "knative-serving", "knative-eventing", "kong", "kong-system",
                                  "kongo", "istio-system", "gke-managed-system", "gke-gmp-system",
                                  "cert-manager"};
    for (size_t i = 0; i < TT_ARRAY_LEN(protected_ns); i++) {
        tt_error err;
        tt_error_clear(&err);
        if (safety_check_model_namespace(NULL, protected_ns[i], &err) != -1)
            fail_msg("namespace %s was allowed as a model", protected_ns[i]);
        assert_int_equal(err.code, TT_EREFUSED);
        assert_non_null(strstr(err.message, protected_ns[i]));
        assert_non_null(strstr(err.message, "system namespace"));
    }
    const char *models[] = {"kube", "kubes", "defaults", "default2", "mydefault", "knative",
                            "knativeserving", "istio", "gke", "cert-manager2", "cert",
                            "xkube-system", "v10", "five9-de-de", "synthesia"};
    for (size_t i = 0; i < TT_ARRAY_LEN(models); i++) {
        tt_error err;
        if (safety_check_model_namespace(NULL, models[i], &err) != 0)
            fail_msg("model %s was refused: %s", models[i], err.message);
    }
    assert_string_equal(safety_namespace_protected(NULL, "kube-system"), "kube-*");
    assert_string_equal(safety_namespace_protected(NULL, "kongo"), "kong*");
    assert_null(safety_namespace_protected(NULL, NULL));
}

/* The settings add to the built-in list; they cannot remove from it. */
static void settings_add_protected_namespaces(void **state)
{
    (void)state;
    config *c = config_of("protected_namespaces: [monitoring, \"ops-*\"]\n");
    tt_error err;
    assert_int_equal(c->n_protected_namespaces, 2);
    assert_int_equal(safety_check_model_namespace(c, "monitoring", &err), -1);
    assert_non_null(strstr(err.message, "protected_namespaces"));
    assert_int_equal(safety_check_model_namespace(c, "ops-tools", &err), -1);
    assert_int_equal(safety_check_model_namespace(c, "monitoring2", &err), 0);
    assert_int_equal(safety_check_model_namespace(c, "ops", &err), 0);
    assert_int_equal(safety_check_model_namespace(c, "kube-system", &err), -1);
    assert_int_equal(safety_check_model_namespace(c, "v10", &err), 0);
    config_free(c);
    c = config_defaults();
    assert_int_equal(c->n_protected_namespaces, 0);
    assert_int_equal(safety_check_model_namespace(c, "monitoring", &err), 0);
    config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(absent_revision_is_new),
        cmocka_unit_test(same_template_with_server_defaults_is_same),
        cmocka_unit_test(changed_image_and_scale_conflict_with_field_list),
        cmocka_unit_test(dropped_env_from_is_a_conflict),
        cmocka_unit_test(hyphenated_scale_on_revision_but_not_in_template_conflicts),
        cmocka_unit_test(env_differences_name_variables_not_values),
        cmocka_unit_test(template_without_name_is_an_error),
        cmocka_unit_test(added_liveness_probe_is_a_conflict),
        cmocka_unit_test(added_scalars_the_live_revision_lacks_are_conflicts),
        cmocka_unit_test(one_changed_argument_is_a_conflict),
        cmocka_unit_test(one_changed_scalar_is_a_conflict),
        cmocka_unit_test(next_version_ignores_non_numeric),
        cmocka_unit_test(key_compare_lists_names_only),
        cmocka_unit_test(keys_refused_without_a_policy),
        cmocka_unit_test(one_changed_value_with_the_same_names_is_refused),
        cmocka_unit_test(same_keys_and_values_need_no_policy),
        cmocka_unit_test(merge_keeps_live_keys_and_overrides_with_file),
        cmocka_unit_test(replace_uses_the_file_keys_exactly),
        cmocka_unit_test(no_live_secret_needs_no_policy),
        cmocka_unit_test(non_string_key_value_is_an_error_naming_the_key),
        cmocka_unit_test(env_guard_accepts_exact_and_glob),
        cmocka_unit_test(env_guard_refuses_other_context_naming_everything),
        cmocka_unit_test(env_guard_refuses_prefixes_both_ways),
        cmocka_unit_test(readonly_context_patterns_match_whole_names),
        cmocka_unit_test(env_of_context_follows_the_patterns),
        cmocka_unit_test(env_match_no_environment),
        cmocka_unit_test(env_match_one_environment),
        cmocka_unit_test(env_match_two_environments_is_ambiguous),
        cmocka_unit_test(env_match_needs_the_whole_name),
        cmocka_unit_test(env_match_globs),
        cmocka_unit_test(env_match_errors_say_why),
        cmocka_unit_test(env_without_patterns_allows_any_context),
        cmocka_unit_test(readonly_contexts_and_envs_refuse_writes),
        cmocka_unit_test(context_of_a_readonly_env_refuses_writes_whatever_the_env),
        cmocka_unit_test(system_namespaces_are_not_models),
        cmocka_unit_test(settings_add_protected_namespaces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
