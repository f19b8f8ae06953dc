/* Deployment config files (core/deploy_file.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include "deploy_file.h"
#include "tt_common.h"

static char *fixture(const char *name)
{
    const char *dir = getenv("TTSTUI_TEST_DATA");
    return tt_asprintf("%s/deployments/%s", dir ? dir : "../data", name);
}

/* A valid file, one field per line, so that edits keep line numbers. */
static const char GOOD[] = "{\n"
                           "  \"env\": \"prod\",\n"
                           "  \"model\": \"m1\",\n"
                           "  \"version\": \"3\",\n"
                           "  \"image\": \"img@sha256:ab\",\n"
                           "  \"imageEntrypoint\": \"run.deploy.worker:app\",\n"
                           "  \"provideApiKeyAuthForLegacyContainerSupport\": \"true\",\n"
                           "  \"stream\": {\"minScale\": \"0\", \"maxScale\": 32, \"concurrency\": 1,\n"
                           "    \"paths\": [\"/api/text_to_speech/stream\"]},\n"
                           "  \"validate\": {\"minScale\": 1, \"maxScale\": \"8\", \"concurrency\": \"4\",\n"
                           "    \"paths\": [\"/api/text_to_speech/input_validated\"]},\n"
                           "  \"traffic\": [{\"tag\": \"3\", \"percent\": 100}]\n"
                           "}\n";

/* GOOD with the first occurrence of `from` replaced by `to`. */
static char *edit(const char *from, const char *to)
{
    const char *at = strstr(GOOD, from);
    assert_non_null(at);
    return tt_asprintf("%.*s%s%s", (int)(at - GOOD), GOOD, to, at + strlen(from));
}

static void expect_error(const char *text, const char *message)
{
    tt_error err;
    tt_error_clear(&err);
    deploy_file *f = deploy_file_parse(text, strlen(text), "d/prod/m1.config.json", &err);
    assert_null(f);
    assert_int_equal(err.code, TT_EINVAL);
    if (!strstr(err.message, message))
        fail_msg("expected \"%s\" in \"%s\"", message, err.message);
}

static void expect_edit_error(const char *from, const char *to, const char *message)
{
    char *t = edit(from, to);
    expect_error(t, message);
    free(t);
}

static void good_text_parses_with_numbers_as_strings(void **state)
{
    (void)state;
    tt_error err;
    deploy_file *f = deploy_file_parse(GOOD, strlen(GOOD), "x.json", &err);
    assert_non_null(f);
    assert_string_equal(f->env, "prod");
    assert_string_equal(f->model, "m1");
    assert_string_equal(f->version, "3");
    assert_string_equal(f->image, "img@sha256:ab");
    assert_true(f->legacy_api_key_auth);
    assert_string_equal(f->stream.min_scale, "0");
    assert_string_equal(f->stream.max_scale, "32");
    assert_string_equal(f->stream.concurrency, "1");
    assert_string_equal(f->validate.min_scale, "1");
    assert_string_equal(f->validate.max_scale, "8");
    assert_string_equal(f->validate.concurrency, "4");
    assert_int_equal(f->stream.n_paths, 1);
    assert_string_equal(f->validate.paths[0], "/api/text_to_speech/input_validated");
    assert_null(f->stream.resources);
    assert_int_equal(f->n_traffic, 1);
    assert_string_equal(f->traffic[0].tag, "3");
    assert_int_equal(f->traffic[0].percent, 100);
    deploy_file_free(f);
}

static void real_files_load(void **state)
{
    (void)state;
    const char *names[] = {"good/prod/five9-de-de.config.json",
                           "good/prod/v10-2022-q3-marketplace-expansion.config.json",
                           "good/staging/five9-de-de.config.json"};
    for (size_t i = 0; i < 3; i++) {
        char *p = fixture(names[i]);
        tt_error err;
        tt_error_clear(&err);
        deploy_file *f = deploy_file_load(p, &err);
        if (!f)
            fail_msg("%s: %s", p, err.message);
        assert_string_equal(f->path, p);
        deploy_file_free(f);
        free(p);
    }
    char *p = fixture("good/prod/v10-2022-q3-marketplace-expansion.config.json");
    tt_error err;
    deploy_file *f = deploy_file_load(p, &err);
    assert_non_null(f);
    assert_non_null(f->stream.resources);
    assert_non_null(json_object_get(f->stream.resources, "requests"));
    deploy_file_free(f);
    free(p);
}

/* Every shipped file (copies of the operators' 79) loads, and its env is
 * its folder's name. */
static void every_real_file_loads(void **state)
{
    (void)state;
    const char *envs[] = {"prod", "staging"};
    size_t n = 0;
    for (size_t e = 0; e < 2; e++) {
        char *dir = tt_asprintf("good/%s", envs[e]);
        char *path = fixture(dir);
        DIR *d = opendir(path);
        assert_non_null(d);
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!strstr(de->d_name, ".config.json"))
                continue;
            char *fp = tt_asprintf("%s/%s", path, de->d_name);
            tt_error err;
            tt_error_clear(&err);
            deploy_file *f = deploy_file_load(fp, &err);
            if (!f)
                fail_msg("%s", err.message);
            assert_string_equal(f->env, envs[e]);
            n++;
            deploy_file_free(f);
            free(fp);
        }
        closedir(d);
        free(path);
        free(dir);
    }
    assert_int_equal(n, 79);
}

static void missing_file_is_an_io_error(void **state)
{
    (void)state;
    tt_error err;
    tt_error_clear(&err);
    assert_null(deploy_file_load("/nonexistent/x.config.json", &err));
    assert_int_equal(err.code, TT_EIO);
}

static void bad_json_names_line_and_column(void **state)
{
    (void)state;
    /* a missing comma after line 3's value: jansson stops at line 4 */
    expect_edit_error("\"m1\",\n", "\"m1\"\n", "d/prod/m1.config.json:4:");
    expect_error("", "d/prod/m1.config.json:1:");
    expect_edit_error("\"env\": \"prod\",", "\"env\": \"prod\", \"env\": \"x\",", "duplicate");
}

static void unknown_fields_are_named_with_their_position(void **state)
{
    (void)state;
    expect_edit_error("  \"model\"", "  \"modle\": 1,\n  \"model\"", "m1.config.json:3:3: unknown field in the file: modle");
    expect_edit_error("\"concurrency\": 1,", "\"concurrency\": 1, \"extra\": 2,",
                      "8:65: unknown field in stream: extra");
    expect_edit_error("\"percent\": 100", "\"percent\": 100, \"weight\": 1", "unknown field in traffic: weight");
    expect_edit_error("\"paths\": [\"/api/text_to_speech/stream\"]",
                      "\"paths\": [\"/api/text_to_speech/stream\"], \"resources\": {\"request\": {}}",
                      "unknown field in resources: request");
    expect_edit_error("\"paths\": [\"/api/text_to_speech/stream\"]",
                      "\"paths\": [\"/api/text_to_speech/stream\"], \"resources\": {\"limits\": {\"gpu\": \"1\"}}",
                      "unknown field in limits: gpu");
}

static void each_required_field_on_its_own(void **state)
{
    (void)state;
    expect_edit_error("  \"env\": \"prod\",\n", "", "missing field env");
    expect_edit_error("  \"model\": \"m1\",\n", "", "missing field model");
    expect_edit_error("  \"version\": \"3\",\n", "", "missing field version");
    expect_edit_error("  \"image\": \"img@sha256:ab\",\n", "", "missing field image");
    expect_edit_error("\"minScale\": \"0\", ", "", "missing field minScale");
    expect_edit_error("\"maxScale\": 32, ", "", "missing field maxScale");
    expect_edit_error("\"concurrency\": 1,\n    \"paths\": [\"/api/text_to_speech/stream\"]",
                      "\n    \"paths\": [\"/api/text_to_speech/stream\"]", "missing field concurrency");
    expect_edit_error(",\n    \"paths\": [\"/api/text_to_speech/input_validated\"]", "", "missing field paths");
    expect_edit_error(",\n  \"traffic\": [{\"tag\": \"3\", \"percent\": 100}]", "", "missing field traffic");
}

static void bad_values_one_at_a_time(void **state)
{
    (void)state;
    expect_edit_error("\"version\": \"3\"", "\"version\": \"3a\"", "4:3: not a non-negative whole number: version");
    expect_edit_error("\"version\": \"3\"", "\"version\": -3", "not a non-negative whole number: version");
    expect_edit_error("\"version\": \"3\"", "\"version\": \"\"", "not a non-negative whole number: version");
    expect_edit_error("\"maxScale\": 32", "\"maxScale\": 3.5", "not a non-negative whole number: maxScale");
    expect_edit_error("\"image\": \"img@sha256:ab\"", "\"image\": \"\"", "not a non-empty string: image");
    expect_edit_error("\"env\": \"prod\"", "\"env\": 1", "not a non-empty string: env");
    expect_edit_error("\"provideApiKeyAuthForLegacyContainerSupport\": \"true\"",
                      "\"provideApiKeyAuthForLegacyContainerSupport\": \"yes\"", "not true or false");
    expect_edit_error("\"minScale\": 1", "\"minScale\": 9", "minScale is above maxScale in validate");
    expect_edit_error("[\"/api/text_to_speech/stream\"]", "[\"api\"]", "not a path starting with '/'");
    expect_edit_error("[\"/api/text_to_speech/stream\"]", "[]", "not a non-empty array: paths");
    expect_edit_error("\"percent\": 100", "\"percent\": 90", "do not add up to 100");
    expect_edit_error("\"percent\": 100", "\"percent\": 101", "above 100: percent");
    expect_edit_error("\"tag\": \"3\"", "\"tag\": \"latest\"", "not a version number: tag");
    expect_edit_error("[{\"tag\": \"3\", \"percent\": 100}]", "[]", "not a non-empty array: traffic");
    expect_edit_error("\"stream\": {", "\"stream\": 1, \"x\": {", "unknown field");
}

/* A number above the 9-digit limit says the limit, not that it is no
 * number; as a string or a JSON number alike, in each field on its own;
 * 9 digits (and leading zeros) still parse. */
static void numbers_above_the_limit_say_the_limit(void **state)
{
    (void)state;
    expect_edit_error("\"version\": \"3\"", "\"version\": \"99999999999\"",
                      "4:3: version \"99999999999\": at most 999999999");
    expect_edit_error("\"version\": \"3\"", "\"version\": 99999999999",
                      "4:3: version \"99999999999\": at most 999999999");
    expect_edit_error("\"version\": \"3\"", "\"version\": \"1000000000\"",
                      "version \"1000000000\": at most 999999999");
    expect_edit_error("\"maxScale\": 32", "\"maxScale\": \"99999999999\"",
                      "maxScale \"99999999999\": at most 999999999");
    expect_edit_error("\"minScale\": \"0\"", "\"minScale\": 1000000000",
                      "minScale \"1000000000\": at most 999999999");
    expect_edit_error("\"concurrency\": 1", "\"concurrency\": \"99999999999\"",
                      "concurrency \"99999999999\": at most 999999999");
    expect_edit_error("\"tag\": \"3\"", "\"tag\": \"99999999999\"",
                      "tag \"99999999999\": at most 999999999");
    /* a percentage's limit is 100 */
    expect_edit_error("\"percent\": 100", "\"percent\": \"99999999999\"", "above 100: percent");
    expect_edit_error("\"percent\": 100", "\"percent\": 99999999999", "above 100: percent");
    /* no number is still no number */
    expect_edit_error("\"version\": \"3\"", "\"version\": \"99999999999x\"",
                      "not a non-negative whole number: version");

    const char *ok[][3] = {{"\"version\": \"3\"", "\"version\": \"999999999\"", "999999999"},
                           {"\"version\": \"3\"", "\"version\": 999999999", "999999999"},
                           {"\"version\": \"3\"", "\"version\": \"0000000003\"", "3"}};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char *t = edit(ok[i][0], ok[i][1]);
        tt_error err;
        tt_error_clear(&err);
        deploy_file *f = deploy_file_parse(t, strlen(t), "x.json", &err);
        if (!f)
            fail_msg("%s: %s", ok[i][1], err.message);
        assert_string_equal(f->version, ok[i][2]);
        deploy_file_free(f);
        free(t);
    }
}

static void booleans_and_defaults(void **state)
{
    (void)state;
    char *t = edit("\"true\"", "false");
    tt_error err;
    deploy_file *f = deploy_file_parse(t, strlen(t), "x", &err);
    assert_non_null(f);
    assert_false(f->legacy_api_key_auth);
    deploy_file_free(f);
    free(t);
    t = edit("  \"imageEntrypoint\": \"run.deploy.worker:app\",\n", "");
    f = deploy_file_parse(t, strlen(t), "x", &err);
    assert_non_null(f);
    assert_string_equal(f->image_entrypoint, "run.deploy.worker:app");
    deploy_file_free(f);
    free(t);
}

static deploy_file *parse_as(const char *path, const char *from, const char *to)
{
    char *t = edit(from, to);
    tt_error err;
    deploy_file *f = deploy_file_parse(t, strlen(t), path, &err);
    assert_non_null(f);
    free(t);
    return f;
}

static void tree_checks_folder_and_duplicates(void **state)
{
    (void)state;
    deploy_file *f[3];
    f[0] = parse_as("d/prod/m1.config.json", "\"m1\"", "\"m1\"");
    f[1] = parse_as("d/staging/m1.config.json", "\"prod\"", "\"staging\"");
    f[2] = parse_as("d/prod/m2.config.json", "\"m1\"", "\"m2\"");
    tt_error err;
    tt_error_clear(&err);
    assert_int_equal(deploy_files_check(f, 3, &err), 0);
    /* same model in the same env under another file name */
    deploy_file_free(f[2]);
    f[2] = parse_as("d/prod/copy.config.json", "\"m1\"", "\"m1\"");
    assert_int_equal(deploy_files_check(f, 3, &err), -1);
    assert_non_null(strstr(err.message, "two files for model m1 in prod"));
    assert_non_null(strstr(err.message, "d/prod/copy.config.json"));
    /* env does not match its folder */
    deploy_file_free(f[2]);
    f[2] = parse_as("d/staging/m3.config.json", "\"m1\"", "\"m3\"");
    assert_int_equal(deploy_files_check(f, 3, &err), -1);
    assert_non_null(strstr(err.message, "d/staging/m3.config.json: env \"prod\" does not match its folder \"staging\""));
    /* a folder whose name only starts with the env */
    deploy_file_free(f[2]);
    f[2] = parse_as("d/prod-old/m3.config.json", "\"m1\"", "\"m3\"");
    assert_int_equal(deploy_files_check(f, 3, &err), -1);
    for (size_t i = 0; i < 3; i++)
        deploy_file_free(f[i]);
}

static void shape_tells_this_format_from_flat_parameters(void **state)
{
    (void)state;
    json_t *flat = json_pack("{s:s, s:s}", "model", "m", "minScale", "0");
    json_t *file = json_pack("{s:s, s:{}}", "model", "m", "stream");
    json_t *validate_only = json_pack("{s:{}}", "validate");
    assert_false(deploy_file_is_shape(flat));
    assert_true(deploy_file_is_shape(file));
    assert_true(deploy_file_is_shape(validate_only));
    json_decref(flat);
    json_decref(file);
    json_decref(validate_only);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_text_parses_with_numbers_as_strings),
        cmocka_unit_test(real_files_load),
        cmocka_unit_test(every_real_file_loads),
        cmocka_unit_test(missing_file_is_an_io_error),
        cmocka_unit_test(bad_json_names_line_and_column),
        cmocka_unit_test(unknown_fields_are_named_with_their_position),
        cmocka_unit_test(each_required_field_on_its_own),
        cmocka_unit_test(bad_values_one_at_a_time),
        cmocka_unit_test(numbers_above_the_limit_say_the_limit),
        cmocka_unit_test(booleans_and_defaults),
        cmocka_unit_test(tree_checks_folder_and_duplicates),
        cmocka_unit_test(shape_tells_this_format_from_flat_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
