/* Masking secrets in objects, and the secret scanner (core/mask.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "mask.h"
#include "support/fixture.h"
#include "tt_common.h"

static const char *const SECRETS[] = {"XXX", "YYY"};

static char *dump(const json_t *j)
{
    char *s = json_dumps(j, JSON_SORT_KEYS);
    assert_non_null(s);
    return s;
}

static void rendered_fixture_contains_the_keys_before_masking(void **state)
{
    (void)state;
    json_t *objs = load_fixture("rendered-v3-withkeys.json");
    char *text = dump(objs);
    assert_true(mask_text_contains_secret(text, SECRETS, 2));
    free(text);
    json_decref(objs);
}

static void masked_rendering_contains_no_secret(void **state)
{
    (void)state;
    json_t *objs = load_fixture("rendered-v3-withkeys.json");
    json_t *masked = mask_object(objs);
    char *text = dump(masked);
    assert_false(mask_text_contains_secret(text, SECRETS, 2));
    free(text);
    json_decref(masked);
    json_decref(objs);
}

static void secret_data_values_are_masked_keys_kept(void **state)
{
    (void)state;
    json_t *objs = load_fixture("rendered-v3-withkeys.json");
    json_t *masked = mask_object(json_array_get(objs, 1));
    json_t *data = json_object_get(masked, "data");
    assert_int_equal(json_object_size(data), 2);
    assert_string_equal(json_string_value(json_object_get(data, "NEIL_SPEECH_API_KEY")), MASK_MARKER);
    assert_string_equal(json_string_value(json_object_get(data, "SAMS_SPEECH_API_KEY")), MASK_MARKER);
    /* the input is untouched */
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(objs, 1), "data"),
                                                          "NEIL_SPEECH_API_KEY")), "WVlZ");
    json_decref(masked);
    json_decref(objs);
}

static void secret_string_data_is_masked(void **state)
{
    (void)state;
    json_t *objs = load_fixture("rendered-v3-withkeys.json");
    json_t *masked = mask_object(json_array_get(objs, 4));
    assert_string_equal(json_string_value(json_object_get(json_object_get(masked, "stringData"),
                                                          "request-transformer-config")), MASK_MARKER);
    assert_string_equal(json_string_value(json_object_get(masked, "type")), "Opaque");
    json_decref(masked);
    json_decref(objs);
}

static void inline_api_key_body_in_kong_plugin_is_masked(void **state)
{
    (void)state;
    json_t *plugin = json_pack("{s:s, s:s, s:{s:s}, s:s, s:{s:{s:[s, s], s:[s]}}}",
                               "apiVersion", "configuration.konghq.com/v1", "kind", "KongPlugin",
                               "metadata", "name", "route-stream-request-transformer",
                               "plugin", "request-transformer", "config", "add", "body",
                               "api_key:YYY", "voice:en", "headers", "host:stream.v3.svc.cluster.local");
    json_t *masked = mask_object(plugin);
    json_t *body = json_object_get(json_object_get(json_object_get(masked, "config"), "add"), "body");
    assert_string_equal(json_string_value(json_array_get(body, 0)), "api_key:" MASK_MARKER);
    assert_string_equal(json_string_value(json_array_get(body, 1)), "voice:en");
    json_t *headers = json_object_get(json_object_get(json_object_get(masked, "config"), "add"), "headers");
    assert_string_equal(json_string_value(json_array_get(headers, 0)), "host:stream.v3.svc.cluster.local");
    json_decref(masked);
    json_decref(plugin);
}

static void secret_looking_env_values_are_masked(void **state)
{
    (void)state;
    json_t *ksvc = json_pack("{s:s, s:s, s:{s:{s:{s:[{s:s, s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:{}}]}]}}}}",
                             "apiVersion", "serving.knative.dev/v1", "kind", "Service", "spec",
                             "template", "spec", "containers", "name", "app", "env",
                             "name", "SAMS_SPEECH_API_KEY", "value", "XXX",
                             "name", "LOG_LEVEL", "value", "debug",
                             "name", "DB_PASSWORD", "valueFrom");
    json_t *masked = mask_object(ksvc);
    json_t *env = json_object_get(json_array_get(json_object_get(json_object_get(json_object_get(
        json_object_get(masked, "spec"), "template"), "spec"), "containers"), 0), "env");
    assert_string_equal(json_string_value(json_object_get(json_array_get(env, 0), "value")), MASK_MARKER);
    assert_string_equal(json_string_value(json_object_get(json_array_get(env, 1), "value")), "debug");
    assert_non_null(json_object_get(json_array_get(env, 2), "valueFrom"));
    assert_null(json_object_get(json_array_get(env, 2), "value"));
    json_decref(masked);
    json_decref(ksvc);
}

static void last_applied_annotation_of_secret_is_masked(void **state)
{
    (void)state;
    json_t *secret = json_pack("{s:s, s:s, s:{s:s, s:{s:s}}, s:{s:s}}", "apiVersion", "v1",
                               "kind", "Secret", "metadata", "name", "api-keys", "annotations",
                               "kubectl.kubernetes.io/last-applied-configuration",
                               "{\"data\":{\"NEIL_SPEECH_API_KEY\":\"WVlZ\"}}", "data",
                               "NEIL_SPEECH_API_KEY", "WVlZ");
    json_t *masked = mask_object(secret);
    char *text = dump(masked);
    assert_false(mask_text_contains_secret(text, SECRETS, 2));
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(masked, "metadata"),
        "annotations"), "kubectl.kubernetes.io/last-applied-configuration")), MASK_MARKER);
    free(text);
    json_decref(masked);
    json_decref(secret);
}

static void last_applied_annotation_of_other_objects_is_masked_inside(void **state)
{
    (void)state;
    const char *applied = "{\"apiVersion\":\"configuration.konghq.com/v1\",\"kind\":\"KongPlugin\","
                          "\"config\":{\"add\":{\"body\":[\"api_key:YYY\"]}}}";
    json_t *plugin = json_pack("{s:s, s:s, s:{s:s, s:{s:s}}}", "apiVersion", "configuration.konghq.com/v1",
                               "kind", "KongPlugin", "metadata", "name", "p", "annotations",
                               "kubectl.kubernetes.io/last-applied-configuration", applied);
    json_t *masked = mask_object(plugin);
    const char *out = json_string_value(json_object_get(json_object_get(json_object_get(masked, "metadata"),
        "annotations"), "kubectl.kubernetes.io/last-applied-configuration"));
    assert_non_null(strstr(out, "api_key:***"));
    assert_false(mask_text_contains_secret(out, SECRETS, 2));
    json_decref(masked);
    json_decref(plugin);
}

static void items_of_a_list_are_masked(void **state)
{
    (void)state;
    /* API list items carry no kind of their own */
    json_t *list = json_pack("{s:s, s:s, s:[{s:{s:s}, s:{s:s}}, {s:s, s:s, s:{s:s}}]}", "apiVersion", "v1",
                             "kind", "SecretList", "items", "metadata", "name", "a", "data", "K", "WFhY",
                             "apiVersion", "v1", "kind", "Secret", "data", "K", "WVlZ");
    json_t *masked = mask_object(list);
    char *text = dump(masked);
    assert_false(mask_text_contains_secret(text, SECRETS, 2));
    free(text);
    json_decref(masked);
    json_decref(list);
}

static void non_secret_objects_are_unchanged(void **state)
{
    (void)state;
    json_t *objs = load_fixture("rendered-v3-nokeys.json");
    json_t *masked = mask_object(objs);
    assert_true(json_equal(objs, masked));
    assert_null(mask_object(NULL));
    json_decref(masked);
    json_decref(objs);
}

static void scanner_finds_plain_and_base64(void **state)
{
    (void)state;
    const char *s[] = {"hunter2-secret-value"};
    assert_true(mask_text_contains_secret("token: hunter2-secret-value\n", s, 1));
    char *b64 = tt_base64_encode(s[0], strlen(s[0]));
    char *text = tt_asprintf("data: %s", b64);
    assert_true(mask_text_contains_secret(text, s, 1));
    free(text);
    free(b64);
    assert_false(mask_text_contains_secret("nothing to see", s, 1));
}

static void scanner_finds_base64_embedded_at_any_alignment(void **state)
{
    (void)state;
    const char *s[] = {"api_key_value_42"};
    for (size_t k = 0; k < 3; k++) {
        char *plain = tt_asprintf("%.*sapi_key_value_42 and more", (int)k, "ab");
        char *b64 = tt_base64_encode(plain, strlen(plain));
        assert_true(mask_text_contains_secret(b64, s, 1));
        free(b64);
        free(plain);
    }
}

static void scanner_skips_empty_and_null_secrets(void **state)
{
    (void)state;
    const char *s[] = {"", NULL};
    assert_false(mask_text_contains_secret("anything", s, 2));
    assert_false(mask_text_contains_secret(NULL, SECRETS, 2));
}

static void secret_names_are_recognised(void **state)
{
    (void)state;
    assert_true(mask_name_is_secret("NEIL_SPEECH_API_KEY"));
    assert_true(mask_name_is_secret("api_key"));
    assert_true(mask_name_is_secret("GITHUB_TOKEN"));
    assert_true(mask_name_is_secret("db_password"));
    assert_false(mask_name_is_secret("LOG_LEVEL"));
    assert_false(mask_name_is_secret("host"));
    assert_false(mask_name_is_secret(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rendered_fixture_contains_the_keys_before_masking),
        cmocka_unit_test(masked_rendering_contains_no_secret),
        cmocka_unit_test(secret_data_values_are_masked_keys_kept),
        cmocka_unit_test(secret_string_data_is_masked),
        cmocka_unit_test(inline_api_key_body_in_kong_plugin_is_masked),
        cmocka_unit_test(secret_looking_env_values_are_masked),
        cmocka_unit_test(last_applied_annotation_of_secret_is_masked),
        cmocka_unit_test(last_applied_annotation_of_other_objects_is_masked_inside),
        cmocka_unit_test(items_of_a_list_are_masked),
        cmocka_unit_test(non_secret_objects_are_unchanged),
        cmocka_unit_test(scanner_finds_plain_and_base64),
        cmocka_unit_test(scanner_finds_base64_embedded_at_any_alignment),
        cmocka_unit_test(scanner_skips_empty_and_null_secrets),
        cmocka_unit_test(secret_names_are_recognised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
