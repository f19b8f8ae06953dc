/* Loading config.yaml (core/config.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "tt_common.h"

static char *fixture(const char *name)
{
    const char *dir = getenv("TTSTUI_TEST_DATA");
    return tt_asprintf("%s/core/%s", dir ? dir : "../data", name);
}

static void good_file_loads_every_field(void **state)
{
    (void)state;
    setenv("HOME", "/home/op", 1);
    char *path = fixture("config-good.yaml");
    tt_error err;
    config *c = config_load(path, &err);
    assert_non_null(c);
    assert_string_equal(c->path, path);
    assert_int_equal(c->n_envs, 2);
    const config_env *st = config_find_env(c, "staging");
    assert_non_null(st);
    assert_string_equal(st->hostname, "staging.tts.wellsaidlabs.com");
    assert_int_equal(st->n_contexts, 2);
    assert_string_equal(st->contexts[1], "kind-*");
    assert_false(st->readonly);
    const config_env *prod = config_find_env(c, "prod");
    assert_true(prod->readonly);
    assert_string_equal(prod->contexts[0], "gke_voice-service-2-313121_us-central1_prod*");
    assert_int_equal(c->n_readonly_contexts, 2);
    assert_string_equal(c->readonly_contexts[1], "audit-cluster");
    assert_string_equal(c->theme, "solarized");
    assert_string_equal(c->template_path, "/home/op/ops/tts.jsonnet");
    assert_string_equal(c->api_keys_path, "/etc/ttstui/apikeys.json");
    assert_string_equal(c->field_manager, "release-bot");
    assert_int_equal(c->request_timeout_ms, 90000);
    const config_keybinding *quit = config_find_keybinding(c, "quit");
    assert_int_equal(quit->n_keys, 2);
    assert_string_equal(quit->keys[1], "C-c");
    const config_keybinding *apply = config_find_keybinding(c, "apply");
    assert_int_equal(apply->n_keys, 1);
    assert_string_equal(apply->keys[0], "a");
    assert_null(config_find_keybinding(c, "delete"));
    assert_int_equal(c->n_warnings, 0);
    config_free(c);
    free(path);
}

static void missing_default_file_gives_defaults(void **state)
{
    (void)state;
    setenv("XDG_CONFIG_HOME", "/nonexistent-ttstui-test", 1);
    tt_error err;
    config *c = config_load(NULL, &err);
    assert_non_null(c);
    assert_null(c->path);
    assert_int_equal(c->n_envs, 2);
    assert_string_equal(c->envs[0].name, "staging");
    assert_string_equal(c->envs[1].name, "prod");
    assert_string_equal(config_find_env(c, "prod")->hostname, "tts.wellsaidlabs.com");
    assert_int_equal(config_find_env(c, "prod")->n_contexts, 0);
    assert_string_equal(c->theme, "default");
    assert_string_equal(c->field_manager, "ttstui");
    assert_int_equal(c->request_timeout_ms, 0);
    assert_null(c->template_path);
    config_free(c);
    unsetenv("XDG_CONFIG_HOME");
}

static void default_path_respects_xdg_config_home(void **state)
{
    (void)state;
    setenv("XDG_CONFIG_HOME", "/tmp/xdg", 1);
    char *p = config_default_path();
    assert_string_equal(p, "/tmp/xdg/ttstui/config.yaml");
    free(p);
    setenv("XDG_CONFIG_HOME", "relative", 1); /* not absolute: ignored, as the spec says */
    setenv("HOME", "/home/op", 1);
    p = config_default_path();
    assert_string_equal(p, "/home/op/.config/ttstui/config.yaml");
    free(p);
    unsetenv("XDG_CONFIG_HOME");
}

static void default_path_file_is_read_when_present(void **state)
{
    (void)state;
    const char *dir = getenv("TTSTUI_TEST_DATA");
    char *xdg = tt_asprintf("%s/core/xdg", dir ? dir : "../data");
    setenv("XDG_CONFIG_HOME", xdg, 1);
    tt_error err;
    config *c = config_load(NULL, &err);
    assert_non_null(c);
    assert_string_equal(c->theme, "from-xdg");
    config_free(c);
    unsetenv("XDG_CONFIG_HOME");
    free(xdg);
}

static void explicit_missing_path_is_an_error(void **state)
{
    (void)state;
    tt_error err;
    assert_null(config_load("/nonexistent/ttstui.yaml", &err));
    assert_int_equal(err.code, TT_EIO);
    assert_non_null(strstr(err.message, "/nonexistent/ttstui.yaml"));
}

static void malformed_yaml_names_file_line_and_column(void **state)
{
    (void)state;
    char *path = fixture("config-malformed.yaml");
    tt_error err;
    assert_null(config_load(path, &err));
    assert_int_equal(err.code, TT_EINVAL);
    char *want = tt_asprintf("%s:4:", path);
    assert_true(tt_str_has_prefix(err.message, want));
    assert_non_null(strstr(err.message, "malformed YAML"));
    free(want);
    free(path);
}

static void wrong_type_names_field_and_position(void **state)
{
    (void)state;
    char *path = fixture("config-bad-type.yaml");
    tt_error err;
    assert_null(config_load(path, &err));
    char *want = tt_asprintf("%s:3:15: readonly must be true or false", path);
    assert_string_equal(err.message, want);
    free(want);
    free(path);
}

static void bad_request_timeout_names_position_and_forms(void **state)
{
    (void)state;
    char *path = fixture("config-bad-timeout.yaml");
    tt_error err;
    assert_null(config_load(path, &err));
    char *want = tt_asprintf("%s:1:18: request_timeout: 'soon' is not a duration", path);
    assert_non_null(strstr(err.message, want));
    free(want);
    free(path);
}

static void unknown_keys_are_warnings(void **state)
{
    (void)state;
    char *path = fixture("config-unknown-keys.yaml");
    tt_error err;
    config *c = config_load(path, &err);
    assert_non_null(c);
    assert_int_equal(c->n_warnings, 2);
    char *w0 = tt_asprintf("%s:2:1: unknown key 'colour' in the top level (ignored)", path);
    char *w1 = tt_asprintf("%s:5:5: unknown key 'region' in environments[0] (ignored)", path);
    assert_string_equal(c->warnings[0], w0);
    assert_string_equal(c->warnings[1], w1);
    /* the rest still loads; environments replace the defaults */
    assert_string_equal(c->theme, "dark");
    assert_int_equal(c->n_envs, 1);
    assert_null(config_find_env(c, "prod"));
    free(w0);
    free(w1);
    config_free(c);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_file_loads_every_field),
        cmocka_unit_test(missing_default_file_gives_defaults),
        cmocka_unit_test(default_path_respects_xdg_config_home),
        cmocka_unit_test(default_path_file_is_read_when_present),
        cmocka_unit_test(explicit_missing_path_is_an_error),
        cmocka_unit_test(malformed_yaml_names_file_line_and_column),
        cmocka_unit_test(wrong_type_names_field_and_position),
        cmocka_unit_test(bad_request_timeout_names_position_and_forms),
        cmocka_unit_test(unknown_keys_are_warnings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
