/* The release as the CLI builds it: --config merged with flags (flags
 * win), settings defaults, validation stopping before rendering; and the
 * output helpers the subcommands share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_internal.h"

#define IMG "gcr.io/voice-service-2-313121/speech-api-worker@sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"
#define ARGV(...) ((char *[]){"ttstui", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"ttstui", __VA_ARGS__}) / sizeof(char *)))

typedef struct fixture {
    char dir[64];
    char config_path[128];
    cli_opts o;
    cli_session s;
    cli_release r;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    strcpy(f->dir, "/tmp/ttstui-cli-test.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->config_path, sizeof(f->config_path), "%s/release.json", f->dir);
    FILE *fp = fopen(f->config_path, "w");
    fprintf(fp, "{\"env\": \"staging\", \"model\": \"fromconfig\", \"version\": \"4\", "
                "\"image\": \"%s\", \"minScale\": 2, \"maxScale\": 8, \"stream\": {}}\n",
            IMG);
    fclose(fp);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    cli_release_clear(&f->r);
    config_free(f->s.cfg);
    cli_opts_clear(&f->o);
    unlink(f->config_path);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Parses argv into f->o and loads the release with default settings. */
static int load(fixture *f, int argc, char **argv)
{
    tt_error err;
    assert_int_equal(cli_parse(argc, argv, &f->o, &err), 0);
    memset(&f->s, 0, sizeof(f->s));
    f->s.o = &f->o;
    f->s.cmd = "render";
    f->s.cfg = config_defaults();
    return cli_release_load(&f->s, &f->r, NULL);
}

static const char *rendered_revision(const cli_release *r, size_t i)
{
    const json_t *o = json_array_get(r->objects, i);
    return json_string_value(json_object_get(
        json_object_get(json_object_get(json_object_get(o, "spec"), "template"), "metadata"),
        "name"));
}

static void test_config_file_supplies_the_parameters(void **state)
{
    fixture *f = *state;
    assert_int_equal(load(f, ARGC("render", "--config", f->config_path),
                          ARGV("render", "--config", f->config_path)),
                     CLI_EXIT_OK);
    assert_string_equal(cli_release_param(&f->r, RELEASE_MODEL), "fromconfig");
    assert_string_equal(cli_release_param(&f->r, RELEASE_MIN_SCALE), "2");
    assert_string_equal(rendered_revision(&f->r, 1), "validate-4");
}

static void test_flags_override_the_config_file(void **state)
{
    fixture *f = *state;
    assert_int_equal(load(f, ARGC("render", "--version", "5", "--config", f->config_path, "--max-scale", "9"),
                          ARGV("render", "--version", "5", "--config", f->config_path, "--max-scale", "9")),
                     CLI_EXIT_OK);
    assert_string_equal(cli_release_param(&f->r, RELEASE_VERSION), "5");
    assert_string_equal(cli_release_param(&f->r, RELEASE_MAX_SCALE), "9");
    assert_string_equal(cli_release_param(&f->r, RELEASE_MIN_SCALE), "2");
    assert_string_equal(rendered_revision(&f->r, 1), "validate-5");
}

static void test_invalid_parameters_stop_before_rendering(void **state)
{
    fixture *f = *state;
    int rc = load(f, ARGC("render", "--config", f->config_path, "--min-scale", "9"),
                  ARGV("render", "--config", f->config_path, "--min-scale", "9"));
    assert_int_equal(rc, CLI_EXIT_USAGE); /* minScale 9 > maxScale 8 */
    assert_null(f->r.objects);
}

static void test_a_missing_config_file_is_a_usage_error(void **state)
{
    fixture *f = *state;
    int rc = load(f, ARGC("render", "--config", "/nonexistent/release.json"),
                  ARGV("render", "--config", "/nonexistent/release.json"));
    assert_int_equal(rc, CLI_EXIT_USAGE);
    assert_null(f->r.objects);
}

static void test_api_key_values_are_kept_for_scrubbing(void **state)
{
    fixture *f = *state;
    char keys[160];
    snprintf(keys, sizeof(keys), "%s/keys.json", f->dir);
    FILE *fp = fopen(keys, "w");
    fputs("{\"A_KEY\": \"value-a\", \"B_KEY\": \"value-b\"}", fp);
    fclose(fp);
    int rc = load(f, ARGC("render", "--config", f->config_path, "--include-image-api-keys", "true",
                          "--api-keys", keys),
                  ARGV("render", "--config", f->config_path, "--include-image-api-keys", "true",
                       "--api-keys", keys));
    unlink(keys);
    assert_int_equal(rc, CLI_EXIT_OK);
    assert_int_equal(f->r.n_secrets, 2);
    assert_int_equal(json_object_size(f->r.api_keys), 2);
}

/* ---- output helpers ----------------------------------------------------- */

static void test_object_labels_follow_kubectl(void **state)
{
    (void)state;
    json_t *ksvc = json_pack("{s:s, s:s, s:{s:s, s:s}}", "apiVersion", "serving.knative.dev/v1",
                             "kind", "Service", "metadata", "name", "stream", "namespace", "v3");
    json_t *ns = json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind", "Namespace",
                           "metadata", "name", "v3");
    char *a = cli_object_label(ksvc), *b = cli_object_label(ns), *c = cli_object_kind_name(ksvc);
    assert_string_equal(a, "service.serving.knative.dev/stream");
    assert_string_equal(b, "namespace/v3");
    assert_string_equal(c, "Service/stream");
    free(a);
    free(b);
    free(c);
    json_decref(ksvc);
    json_decref(ns);
}

static void test_cluster_scoped_copies_drop_the_namespace(void **state)
{
    (void)state;
    json_t *kcp = json_pack("{s:s, s:{s:s, s:s}}", "kind", "KongClusterPlugin", "metadata", "name",
                            "latest-pinned-service", "namespace", "kong");
    json_t *copy = cli_without_namespace(kcp);
    assert_null(json_object_get(json_object_get(copy, "metadata"), "namespace"));
    assert_non_null(json_object_get(json_object_get(kcp, "metadata"), "namespace"));
    json_t *null_copy = cli_without_namespace(json_null());
    assert_true(json_is_null(null_copy));
    json_decref(null_copy);
    json_decref(copy);
    json_decref(kcp);
}

static void test_exit_statuses_by_error_kind(void **state)
{
    (void)state;
    tt_error e;
    tt_error_set(&e, TT_EINVAL, "x");
    assert_int_equal(cli_exit_for(&e), CLI_EXIT_USAGE);
    tt_error_set(&e, TT_EREFUSED, "x");
    assert_int_equal(cli_exit_for(&e), CLI_EXIT_REFUSED);
    tt_error_set(&e, 409, "x");
    assert_int_equal(cli_exit_for(&e), CLI_EXIT_FAILED);
    tt_error_set(&e, TT_ENET, "x");
    assert_int_equal(cli_exit_for(&e), CLI_EXIT_FAILED);
}

static void test_every_command_has_help(void **state)
{
    (void)state;
    for (int c = CLI_CMD_RENDER; c < CLI_CMD_HELP; c++) {
        char *text = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&text, &len);
        assert_true(cli_print_command_help((cli_cmd)c, fp));
        fclose(fp);
        char want[64];
        snprintf(want, sizeof(want), "Usage: ttstui %s", cli_cmd_name((cli_cmd)c));
        if (!strstr(text, want) || !strstr(text, "Exit status:") || !strstr(text, "--kubeconfig"))
            fail_msg("help of %s lacks usage, exit status or global flags", cli_cmd_name((cli_cmd)c));
        free(text);
    }
}

static void test_no_color_without_a_terminal_or_with_the_flag(void **state)
{
    (void)state;
    cli_opts o = {0};
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_false(cli_use_color(&o, fds[1])); /* a pipe is no terminal */
    close(fds[0]);
    close(fds[1]);
    o.no_color = true;
    assert_false(cli_use_color(&o, STDOUT_FILENO));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_config_file_supplies_the_parameters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flags_override_the_config_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_parameters_stop_before_rendering, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_missing_config_file_is_a_usage_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_key_values_are_kept_for_scrubbing, setup, teardown),
        cmocka_unit_test(test_object_labels_follow_kubectl),
        cmocka_unit_test(test_cluster_scoped_copies_drop_the_namespace),
        cmocka_unit_test(test_exit_statuses_by_error_kind),
        cmocka_unit_test(test_every_command_has_help),
        cmocka_unit_test(test_no_color_without_a_terminal_or_with_the_flag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
