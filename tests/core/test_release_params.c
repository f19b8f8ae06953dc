/* Release parameters, their validation and --config (core/release_params.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "release_params.h"
#include "tt_common.h"

#define DIGEST "sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"
#define IMAGE "gcr.io/voice-service-2-313121/speech-api-worker@" DIGEST

static char *fixture(const char *name)
{
    const char *dir = getenv("TTSTUI_TEST_DATA");
    return tt_asprintf("%s/%s", dir ? dir : "../data", name);
}

/* A complete, valid set: the README's staging example. */
static release_params *valid_params(void)
{
    release_params *p = release_params_new();
    assert_int_equal(release_params_set(p, "env", "staging", NULL), 0);
    assert_int_equal(release_params_set(p, "model", "v3", NULL), 0);
    assert_int_equal(release_params_set(p, "version", "1", NULL), 0);
    assert_int_equal(release_params_set(p, "image", IMAGE, NULL), 0);
    return p;
}

static void set(release_params *p, const char *name, const char *value)
{
    tt_error err;
    assert_int_equal(release_params_set(p, name, value, &err), 0);
}

/* Validates p (no file checks unless files), frees it, and returns the
 * diagnostics. */
static release_diags validate(release_params *p, bool files)
{
    release_diags d = RELEASE_DIAGS_INIT;
    release_validate_options o = {.skip_files = !files};
    release_params_validate(p, &o, &d);
    release_params_free(p);
    return d;
}

/* The one diagnostic for field must be of severity s and contain text. */
static void assert_diag(const release_diags *d, const char *field, release_severity s,
                        const char *text)
{
    const release_diag *g = release_diags_find(d, field);
    if (!g)
        fail_msg("no diagnostic for %s", field);
    assert_int_equal(g->severity, s);
    if (!strstr(g->message, text))
        fail_msg("message for %s is \"%s\", expected to contain \"%s\"", field, g->message, text);
}

/* Sets one field, validates, and checks the outcome for that field. */
static void check_field(const char *field, const char *value, int expect /* -1 ok, else severity */,
                        const char *text)
{
    release_params *p = valid_params();
    set(p, field, value);
    release_diags d = validate(p, false);
    if (expect < 0) {
        const release_diag *g = release_diags_find(&d, field);
        if (g)
            fail_msg("%s=\"%s\": unexpected diagnostic \"%s\"", field, value ? value : "(null)",
                     g->message);
    } else {
        assert_diag(&d, field, (release_severity)expect, text);
    }
    release_diags_free(&d);
}

static void new_params_hold_the_documented_defaults(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    assert_string_equal(release_params_get(p, "imageEntrypoint"), "run.deploy.worker:app");
    assert_string_equal(release_params_get(p, "includeImageApiKeys"), "false");
    assert_string_equal(release_params_get(p, "minScale"), "0");
    assert_string_equal(release_params_get(p, "maxScale"), "32");
    assert_null(release_params_get(p, "env"));
    assert_null(release_params_get(p, "model"));
    assert_null(release_params_get(p, "apiKeysFile"));
    assert_null(release_params_get(p, "templateFile"));
    release_params_free(p);
}

static void set_by_tla_name_and_reset_with_null(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    set(p, "minScale", "3");
    assert_string_equal(release_params_get(p, "minScale"), "3");
    set(p, "minScale", NULL);
    assert_string_equal(release_params_get(p, "minScale"), "0");
    set(p, "model", "v3");
    set(p, "model", NULL);
    assert_null(release_params_get(p, "model"));
    release_params_free(p);
}

static void unknown_name_is_an_error_naming_it(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    tt_error err;
    assert_int_equal(release_params_set(p, "minscale", "0", &err), -1);
    assert_int_equal(err.code, TT_EINVAL);
    assert_non_null(strstr(err.message, "\"minscale\""));
    assert_false(release_params_is_known("stream"));
    assert_true(release_params_is_known("templateFile"));
    release_params_free(p);
}

static void tlas_come_in_the_readme_order(void **state)
{
    (void)state;
    release_params *p = valid_params();
    release_tla tlas[RELEASE_TLA_COUNT];
    /* The per-service scales are unset: not passed at all. */
    assert_int_equal(release_params_tlas(p, tlas), 8);
    set(p, "validateMaxScale", "4");
    set(p, "streamMinScale", "1");
    assert_int_equal(release_params_tlas(p, tlas), 10);
    assert_string_equal(tlas[8].name, "streamMinScale");
    assert_string_equal(tlas[9].name, "validateMaxScale");
    const char *order[] = {"env", "model", "version", "image", "imageEntrypoint",
                           "includeImageApiKeys", "minScale", "maxScale", "streamMinScale",
                           "streamMaxScale", "validateMinScale", "validateMaxScale"};
    for (size_t i = 0; i < RELEASE_TLA_COUNT; i++)
        assert_string_equal(release_params_tla_names()[i], order[i]);
    for (size_t i = 0; i < 8; i++) {
        assert_string_equal(tlas[i].name, order[i]);
    }
    assert_string_equal(tlas[0].value, "staging");
    assert_string_equal(tlas[7].value, "32");
    release_params_free(p);
}

static void unset_required_tlas_are_left_out(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    release_tla tlas[RELEASE_TLA_COUNT];
    assert_int_equal(release_params_tlas(p, tlas), 4);
    assert_string_equal(tlas[0].name, "imageEntrypoint");
    release_params_free(p);
}

static void clone_is_independent(void **state)
{
    (void)state;
    release_params *p = valid_params();
    release_params *c = release_params_clone(p);
    set(p, "model", "v4");
    assert_string_equal(release_params_get(c, "model"), "v3");
    release_params_free(p);
    release_params_free(c);
}

static void the_readme_example_is_valid_without_diagnostics(void **state)
{
    (void)state;
    release_diags d = validate(valid_params(), true);
    assert_int_equal(d.n, 0);
    release_diags_free(&d);
}

static void missing_required_fields_are_errors(void **state)
{
    (void)state;
    release_diags d = validate(release_params_new(), false);
    assert_diag(&d, "env", RELEASE_ERROR, "env is required (one of staging, prod)");
    assert_diag(&d, "model", RELEASE_ERROR, "model is required");
    assert_diag(&d, "version", RELEASE_ERROR, "version is required");
    assert_diag(&d, "image", RELEASE_ERROR, "image is required");
    assert_int_equal(release_diags_count(&d, RELEASE_ERROR), 4);
    release_diags_free(&d);
}

static void env_must_be_a_configured_environment(void **state)
{
    (void)state;
    check_field("env", "prod", -1, NULL);
    check_field("env", "dev", RELEASE_ERROR, "env \"dev\": must be one of staging, prod");

    const char *envs[] = {"dev", "qa"};
    release_validate_options o = {.envs = envs, .n_envs = 2, .skip_files = true};
    release_params *p = valid_params();
    release_diags d = RELEASE_DIAGS_INIT;
    assert_int_equal(release_params_validate(p, &o, &d), 1);
    assert_diag(&d, "env", RELEASE_ERROR, "must be one of dev, qa");
    release_diags_free(&d);
    set(p, "env", "qa");
    assert_int_equal(release_params_validate(p, &o, &d), 0);
    release_diags_free(&d);
    release_params_free(p);
}

static void model_is_a_dns_label(void **state)
{
    (void)state;
    check_field("model", "v10-eia", -1, NULL);
    check_field("model", "V3", RELEASE_ERROR,
                "model \"V3\": must be lowercase alphanumerics and '-' (a DNS-1123 label); found 'V'");
    check_field("model", "v3_x", RELEASE_ERROR, "found '_' at position 3");
    check_field("model", "v 3", RELEASE_ERROR, "found a space");
    check_field("model", "-v3", RELEASE_ERROR, "must start with a lowercase letter or digit");
    check_field("model", "v3-", RELEASE_ERROR, "must end with a lowercase letter or digit");
    char long_name[70];
    memset(long_name, 'a', 64);
    long_name[64] = '\0';
    check_field("model", long_name, RELEASE_ERROR, "is 64 characters; at most 63");
    long_name[63] = '\0';
    check_field("model", long_name, -1, NULL);
}

static void version_is_a_dns_label_with_the_exact_message(void **state)
{
    (void)state;
    check_field("version", "12", -1, NULL);
    check_field("version", "V1", RELEASE_ERROR,
                "version \"V1\": must be lowercase alphanumerics and '-' (a DNS-1123 label)");
    check_field("version", "1.2", RELEASE_ERROR, "found '.'");
}

static void version_must_leave_room_for_the_revision_name(void **state)
{
    (void)state;
    /* "validate-" is 9 characters: the revision name fits in 63 only
     * with a version of at most 54. */
    char v[60];
    memset(v, '1', 54);
    v[54] = '\0';
    check_field("version", v, -1, NULL);
    v[54] = '1';
    v[55] = '\0';
    check_field("version", v, RELEASE_ERROR,
                "version is 55 characters; at most 54, since the revision name "
                "\"validate-<version>\" must fit in 63");
}

static void image_digest_is_clean(void **state)
{
    (void)state;
    check_field("image", IMAGE, -1, NULL);
    check_field("image", "localhost:5000/tts/worker@" DIGEST, -1, NULL);
    check_field("image", "gcr.io/p/worker:v9@" DIGEST, -1, NULL);
    check_field("image", "registry.example.com/a.b/c__d/e---f@" DIGEST, -1, NULL);
}

static void image_tag_is_a_warning(void **state)
{
    (void)state;
    check_field("image", "gcr.io/voice-service-2-313121/speech-api-worker:latest", RELEASE_WARNING,
                "image uses a tag, which can move; prefer a digest (…@sha256:…)");
    check_field("image", "gcr.io/voice-service-2-313121/speech-api-worker", RELEASE_WARNING,
                "image uses a tag (:latest, implied)");
    check_field("image", "speech-api-worker@" DIGEST, RELEASE_WARNING, "image has no registry");
}

static void image_bad_references_are_errors(void **state)
{
    (void)state;
    check_field("image", "gcr.io/p/worker@sha256:3af2c7", RELEASE_ERROR,
                "digest must be sha256:<64 hex digits>, this one has 6");
    check_field("image", "gcr.io/p/worker@sha256:" "3AF2C7A3A88806E0FF5E5C0659AB6A97C42EBA7F6E5D61E33DBC9244163E17D3",
                RELEASE_ERROR, "64 lowercase hex digits");
    check_field("image", "gcr.io/p/worker@md5:abc", RELEASE_ERROR, "digest must be sha256:");
    check_field("image", "gcr.io/Voice/worker@" DIGEST, RELEASE_ERROR,
                "path component \"Voice\" must be lowercase");
    check_field("image", "gcr.io/p/-worker:1", RELEASE_ERROR, "path component \"-worker\"");
    check_field("image", "gcr.io/p/worker:-bad", RELEASE_ERROR, "tag must be");
    check_field("image", "gcr.io/p/worker/", RELEASE_ERROR, "ends with '/'");
    check_field("image", "gcr.io/", RELEASE_ERROR, "path after the registry is empty");
    check_field("image", "gc_r.io/p/w@" DIGEST, RELEASE_ERROR, "registry \"gc_r.io\"");
}

static void image_check_reports_warning_text_directly(void **state)
{
    (void)state;
    char msg[256], warning[256];
    assert_true(release_check_image("gcr.io/p/w:1", msg, sizeof msg, warning, sizeof warning));
    assert_non_null(strstr(warning, "prefer a digest"));
    assert_true(release_check_image(IMAGE, msg, sizeof msg, warning, sizeof warning));
    assert_string_equal(warning, "");
}

static void entrypoint_is_module_colon_attribute(void **state)
{
    (void)state;
    check_field("imageEntrypoint", "run.deploy.worker:app", -1, NULL);
    check_field("imageEntrypoint", "app:create_app()", -1, NULL);
    check_field("imageEntrypoint", "run.deploy.worker", RELEASE_ERROR,
                "must be module:attribute, e.g. run.deploy.worker:app");
    check_field("imageEntrypoint", "run..worker:app", RELEASE_ERROR, "module:attribute");
    check_field("imageEntrypoint", "run.worker:", RELEASE_ERROR, "module:attribute");
    check_field("imageEntrypoint", "", RELEASE_ERROR, "imageEntrypoint is required");
}

static void include_api_keys_is_true_or_false(void **state)
{
    (void)state;
    check_field("includeImageApiKeys", "false", -1, NULL);
    check_field("includeImageApiKeys", "yes", RELEASE_ERROR,
                "includeImageApiKeys \"yes\": must be 'true' or 'false'");
    check_field("includeImageApiKeys", "True", RELEASE_ERROR, "must be 'true' or 'false'");
}

static void scales_are_non_negative_integers(void **state)
{
    (void)state;
    check_field("minScale", "2", -1, NULL);
    check_field("minScale", "-1", RELEASE_ERROR, "minScale \"-1\": must be a non-negative integer");
    check_field("maxScale", "ten", RELEASE_ERROR, "maxScale \"ten\": must be a non-negative integer");
    check_field("maxScale", "1.5", RELEASE_ERROR, "must be a non-negative integer");
    check_field("minScale", "", RELEASE_ERROR, "must be a non-negative integer");
}

/* Per-service scales: each given one checked on its own, and each
 * service's own bounds (its value over the flat one) compared. */
static void per_service_scales_are_checked_alone(void **state)
{
    (void)state;
    check_field("validateMaxScale", "4", -1, NULL);
    check_field("streamMinScale", "x", RELEASE_ERROR, "streamMinScale \"x\": must be a non-negative integer");
    check_field("validateMaxScale", "1000000000", RELEASE_ERROR, "validateMaxScale \"1000000000\": at most 999999999");
    check_field("validateMaxScale", "0", RELEASE_WARNING, "validateMaxScale 0 means no upper limit");
    /* against the flat min (0 in valid_params): fine; against a set min: compared */
    release_params *p = valid_params();
    set(p, "minScale", "2");
    set(p, "validateMaxScale", "1");
    release_diags d = validate(p, false); /* frees p */
    assert_diag(&d, "validateMaxScale", RELEASE_ERROR, "minScale 2 is greater than validateMaxScale 1");
    release_diags_free(&d);
    p = valid_params();
    set(p, "minScale", "2");
    set(p, "validateMaxScale", "1");
    set(p, "validateMinScale", "0");
    d = validate(p, false);
    assert_null(release_diags_find(&d, "validateMaxScale"));
    assert_null(release_diags_find(&d, "validateMinScale"));
    release_diags_free(&d);
    p = valid_params();
    set(p, "streamMinScale", "40");
    d = validate(p, false);
    assert_diag(&d, "streamMinScale", RELEASE_ERROR, "streamMinScale 40 is greater than maxScale 32");
    assert_null(release_diags_find(&d, "validateMinScale")); /* the other service is fine */
    release_diags_free(&d);
}

/* A number too large says what the limit is, not "not an integer". */
static void a_scale_too_large_names_the_limit(void **state)
{
    (void)state;
    check_field("maxScale", "999999999", -1, NULL);
    check_field("maxScale", "1000000000", RELEASE_ERROR, "maxScale \"1000000000\": at most 999999999");
    check_field("minScale", "99999999999", RELEASE_ERROR, "minScale \"99999999999\": at most 999999999");
}

static void min_scale_above_max_scale_names_both(void **state)
{
    (void)state;
    release_params *p = valid_params();
    set(p, "minScale", "5");
    set(p, "maxScale", "2");
    release_diags d = validate(p, false);
    assert_diag(&d, "minScale", RELEASE_ERROR, "minScale 5 is greater than maxScale 2");
    assert_int_equal(release_diags_count(&d, RELEASE_ERROR), 1);
    release_diags_free(&d);
    check_field("minScale", "32", -1, NULL);
}

static void max_scale_zero_is_unlimited_and_a_warning(void **state)
{
    (void)state;
    release_params *p = valid_params();
    set(p, "minScale", "3");
    set(p, "maxScale", "0");
    release_diags d = validate(p, false);
    assert_diag(&d, "maxScale", RELEASE_WARNING, "no upper limit");
    assert_int_equal(release_diags_count(&d, RELEASE_ERROR), 0);
    release_diags_free(&d);
}

static void keys_on_needs_an_api_key_file(void **state)
{
    (void)state;
    release_params *p = valid_params();
    set(p, "includeImageApiKeys", "true");
    release_diags d = validate(p, true);
    assert_diag(&d, "apiKeysFile", RELEASE_ERROR,
                "includeImageApiKeys is 'true' but no API-key file was given");
    release_diags_free(&d);
}

/* Validates keys on with the given key file fixture. */
static release_diags validate_keys_file(const char *name)
{
    release_params *p = valid_params();
    set(p, "includeImageApiKeys", "true");
    char *path = fixture(name);
    set(p, "apiKeysFile", path);
    free(path);
    return validate(p, true);
}

static void api_key_file_problems_name_the_key_never_the_value(void **state)
{
    (void)state;
    release_diags d = validate_keys_file("reference/apikeys.example.json");
    assert_int_equal(d.n, 0);
    release_diags_free(&d);

    d = validate_keys_file("render/keys/not-string.json");
    assert_diag(&d, "apiKeysFile", RELEASE_ERROR, "the value of \"BAD\" must be a string, not a number");
    release_diags_free(&d);

    d = validate_keys_file("render/keys/array.json");
    assert_diag(&d, "apiKeysFile", RELEASE_ERROR, "must be a JSON object");
    release_diags_free(&d);

    d = validate_keys_file("render/keys/empty.json");
    assert_diag(&d, "apiKeysFile", RELEASE_ERROR, "has no keys");
    release_diags_free(&d);

    d = validate_keys_file("render/keys/malformed.json");
    assert_diag(&d, "apiKeysFile", RELEASE_ERROR, "not valid JSON (line 2");
    assert_null(strstr(release_diags_find(&d, "apiKeysFile")->message, "sekret"));
    release_diags_free(&d);

    d = validate_keys_file("render/keys/missing.json");
    assert_diag(&d, "apiKeysFile", RELEASE_ERROR, "missing.json");
    release_diags_free(&d);
}

static void api_key_file_defaults_to_the_template_folder(void **state)
{
    (void)state;
    release_params *p = valid_params();
    set(p, "includeImageApiKeys", "true");
    char *tpl = fixture("render/operator/tts.jsonnet");
    set(p, "templateFile", tpl);
    char *keys = release_params_api_keys_path(p);
    char *expected = fixture("render/operator/apikeys.json");
    assert_string_equal(keys, expected);
    free(keys);
    free(expected);
    free(tpl);
    release_diags d = validate(p, true);
    assert_int_equal(d.n, 0);
    release_diags_free(&d);
}

static void unused_api_key_file_is_a_warning(void **state)
{
    (void)state;
    release_params *p = valid_params();
    char *path = fixture("reference/apikeys.example.json");
    set(p, "apiKeysFile", path);
    free(path);
    release_diags d = validate(p, true);
    assert_diag(&d, "apiKeysFile", RELEASE_WARNING, "includeImageApiKeys is 'false': it is not used");
    assert_int_equal(release_diags_count(&d, RELEASE_ERROR), 0);
    release_diags_free(&d);
}

static void missing_template_file_is_an_error(void **state)
{
    (void)state;
    release_params *p = valid_params();
    set(p, "templateFile", "/nonexistent/tts.jsonnet");
    release_diags d = validate(p, true);
    assert_diag(&d, "templateFile", RELEASE_ERROR, "/nonexistent/tts.jsonnet: No such file");
    release_diags_free(&d);
}

static void diagnostics_come_in_field_order(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    set(p, "maxScale", "x");
    release_diags d = validate(p, false);
    assert_string_equal(d.items[0].field, "env");
    assert_string_equal(d.items[d.n - 1].field, "maxScale");
    release_diags_free(&d);
}

static void validation_is_cheap_enough_for_every_key_press(void **state)
{
    (void)state;
    release_params *p = valid_params();
    set(p, "includeImageApiKeys", "true");
    char *path = fixture("reference/apikeys.example.json");
    set(p, "apiKeysFile", path);
    free(path);
    for (int i = 0; i < 1000; i++) {
        release_diags d = RELEASE_DIAGS_INIT;
        release_params_validate(p, NULL, &d);
        assert_int_equal(d.n, 0);
        release_diags_free(&d);
    }
    release_params_free(p);
}

static void config_file_sets_parameters_converting_numbers_and_booleans(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    char *path = fixture("render/config-release.json");
    release_diags w = RELEASE_DIAGS_INIT;
    tt_error err;
    assert_int_equal(release_params_load_config(p, path, &w, &err), 0);
    assert_int_equal(w.n, 0);
    assert_string_equal(release_params_get(p, "env"), "prod");
    assert_string_equal(release_params_get(p, "version"), "12");
    assert_string_equal(release_params_get(p, "includeImageApiKeys"), "true");
    assert_string_equal(release_params_get(p, "minScale"), "1");
    assert_string_equal(release_params_get(p, "maxScale"), "8");
    assert_string_equal(release_params_get(p, "imageEntrypoint"), "run.deploy.worker:app");
    /* Relative paths are relative to the config file's folder. */
    char *keys = fixture("render/keys/override.json");
    assert_string_equal(release_params_get(p, "apiKeysFile"), keys);
    free(keys);
    free(path);
    release_diags d = validate(p, true);
    assert_int_equal(release_diags_count(&d, RELEASE_ERROR), 0);
    release_diags_free(&d);
}

static void deployment_config_unknown_keys_are_warnings(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    char *path = fixture("render/deployment-v11.config.json");
    release_diags w = RELEASE_DIAGS_INIT;
    tt_error err;
    assert_int_equal(release_params_load_config(p, path, &w, &err), 0);
    assert_string_equal(release_params_get(p, "model"), "v11");
    assert_string_equal(release_params_get(p, "version"), "24");
    /* The later name of includeImageApiKeys. */
    assert_string_equal(release_params_get(p, "includeImageApiKeys"), "true");
    assert_int_equal(w.n, 3);
    assert_int_equal(release_diags_count(&w, RELEASE_WARNING), 3);
    assert_non_null(strstr(w.items[0].message, "\"stream\" is not a release parameter; ignored"));
    assert_non_null(strstr(w.items[2].message, "\"traffic\""));
    release_diags_free(&w);
    free(path);
    release_params_free(p);
}

static void config_errors_name_file_and_key(void **state)
{
    (void)state;
    release_params *p = release_params_new();
    char *path = fixture("render/config-bad-type.json");
    tt_error err;
    assert_int_equal(release_params_load_config(p, path, NULL, &err), -1);
    assert_non_null(strstr(err.message, "config-bad-type.json"));
    assert_non_null(strstr(err.message, "\"minScale\" must be a string, number or boolean, not an object"));
    free(path);
    path = fixture("render/keys/malformed.json");
    assert_int_equal(release_params_load_config(p, path, NULL, &err), -1);
    assert_non_null(strstr(err.message, "malformed.json:2:"));
    free(path);
    assert_int_equal(release_params_load_config(p, "/nonexistent.json", NULL, &err), -1);
    assert_int_equal(err.code, TT_EIO);
    release_params_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_params_hold_the_documented_defaults),
        cmocka_unit_test(set_by_tla_name_and_reset_with_null),
        cmocka_unit_test(unknown_name_is_an_error_naming_it),
        cmocka_unit_test(tlas_come_in_the_readme_order),
        cmocka_unit_test(unset_required_tlas_are_left_out),
        cmocka_unit_test(clone_is_independent),
        cmocka_unit_test(the_readme_example_is_valid_without_diagnostics),
        cmocka_unit_test(missing_required_fields_are_errors),
        cmocka_unit_test(env_must_be_a_configured_environment),
        cmocka_unit_test(model_is_a_dns_label),
        cmocka_unit_test(version_is_a_dns_label_with_the_exact_message),
        cmocka_unit_test(version_must_leave_room_for_the_revision_name),
        cmocka_unit_test(image_digest_is_clean),
        cmocka_unit_test(image_tag_is_a_warning),
        cmocka_unit_test(image_bad_references_are_errors),
        cmocka_unit_test(image_check_reports_warning_text_directly),
        cmocka_unit_test(entrypoint_is_module_colon_attribute),
        cmocka_unit_test(include_api_keys_is_true_or_false),
        cmocka_unit_test(scales_are_non_negative_integers),
        cmocka_unit_test(a_scale_too_large_names_the_limit),
        cmocka_unit_test(per_service_scales_are_checked_alone),
        cmocka_unit_test(min_scale_above_max_scale_names_both),
        cmocka_unit_test(max_scale_zero_is_unlimited_and_a_warning),
        cmocka_unit_test(keys_on_needs_an_api_key_file),
        cmocka_unit_test(api_key_file_problems_name_the_key_never_the_value),
        cmocka_unit_test(api_key_file_defaults_to_the_template_folder),
        cmocka_unit_test(unused_api_key_file_is_a_warning),
        cmocka_unit_test(missing_template_file_is_an_error),
        cmocka_unit_test(diagnostics_come_in_field_order),
        cmocka_unit_test(validation_is_cheap_enough_for_every_key_press),
        cmocka_unit_test(config_file_sets_parameters_converting_numbers_and_booleans),
        cmocka_unit_test(deployment_config_unknown_keys_are_warnings),
        cmocka_unit_test(config_errors_name_file_and_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
