/* Command-line parsing of the subcommands: global flags anywhere, values,
 * durations and specific errors for bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "options.h"
#include "release_params.h"

#define ARGV(...) ((char *[]){"ttstui", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"ttstui", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(o, err, ...) cli_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (o), (err))

static void expect_error(int rc, const tt_error *err, const char *needle)
{
    assert_int_equal(rc, -1);
    assert_int_equal(err->code, TT_EINVAL);
    if (!strstr(err->message, needle))
        fail_msg("error '%s' does not contain '%s'", err->message, needle);
}

static void test_global_flags_before_the_subcommand(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    assert_int_equal(PARSE(&o, &err, "--kubeconfig", "k.yaml", "--context", "gke", "-n", "v3",
                           "--readonly", "--no-color", "status"),
                     0);
    assert_int_equal(o.cmd, CLI_CMD_STATUS);
    assert_string_equal(o.kubeconfig, "k.yaml");
    assert_string_equal(o.context, "gke");
    assert_string_equal(o.namespace_, "v3");
    assert_true(o.readonly);
    assert_true(o.no_color);
    assert_int_equal(o.n_args, 0);
    cli_opts_clear(&o);
}

static void test_global_flags_after_the_subcommand(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    assert_int_equal(PARSE(&o, &err, "delete", "v3", "--kubeconfig=k.yaml", "--settings", "s.yaml",
                           "--yes"),
                     0);
    assert_int_equal(o.cmd, CLI_CMD_DELETE);
    assert_string_equal(o.kubeconfig, "k.yaml");
    assert_string_equal(o.settings, "s.yaml");
    assert_true(o.yes);
    assert_int_equal(o.n_args, 1);
    assert_string_equal(o.args[0], "v3");
    cli_opts_clear(&o);
}

static void test_a_flag_value_that_names_a_command_is_not_the_command(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    assert_int_equal(PARSE(&o, &err, "--context", "status", "render", "--env", "staging"), 0);
    assert_int_equal(o.cmd, CLI_CMD_RENDER);
    assert_string_equal(o.context, "status");
    cli_opts_clear(&o);
}

static void test_dashboard_value_flags_are_skipped_when_finding_the_subcommand(void **state)
{
    (void)state;
    assert_null(cli_find_subcommand(ARGC("--theme", "render"), ARGV("--theme", "render")));
    assert_null(cli_find_subcommand(ARGC("--readonly"), ARGV("--readonly")));
    assert_string_equal(cli_find_subcommand(ARGC("-n", "x", "apply"), ARGV("-n", "x", "apply")),
                        "apply");
}

static void test_release_flags_keep_their_order_and_the_last_wins(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    assert_int_equal(PARSE(&o, &err, "apply", "--version", "1", "--min-scale=2", "--version", "3",
                           "--include-image-api-keys", "true", "--api-keys", "k.json"),
                     0);
    assert_int_equal(o.n_release, 5);
    assert_string_equal(o.release[1].param, RELEASE_MIN_SCALE);
    assert_string_equal(o.release[1].flag, "--min-scale");
    assert_string_equal(cli_opts_release_flag(&o, RELEASE_VERSION), "3");
    assert_string_equal(cli_opts_release_flag(&o, RELEASE_API_KEYS_FILE), "k.json");
    assert_null(cli_opts_release_flag(&o, RELEASE_IMAGE));
    cli_opts_clear(&o);
}

static void test_audit_takes_dash_n_as_the_entry_count(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    assert_int_equal(PARSE(&o, &err, "audit", "-n", "7"), 0);
    assert_int_equal(o.count, 7);
    assert_null(o.namespace_);
    cli_opts_clear(&o);
    assert_int_equal(PARSE(&o, &err, "audit"), 0);
    assert_int_equal(o.count, CLI_DEFAULT_AUDIT_COUNT);
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "audit", "-n", "0"), &err, "-n");
    cli_opts_clear(&o);
}

static void test_apply_defaults(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    assert_int_equal(PARSE(&o, &err, "apply"), 0);
    assert_int_equal(o.timeout_ms, CLI_DEFAULT_TIMEOUT_MS);
    assert_false(o.yes);
    assert_false(o.dry_run);
    assert_int_equal(o.keys_policy, SAFETY_KEYS_NONE);
    cli_opts_clear(&o);
}

static void test_change_flags_are_parsed(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    assert_int_equal(PARSE(&o, &err, "apply", "-y", "--dry-run=server", "--report", "r.txt",
                           "--force-conflicts", "--api-keys-policy", "merge"),
                     0);
    assert_true(o.yes);
    assert_true(o.dry_run);
    assert_true(o.force_conflicts);
    assert_string_equal(o.report, "r.txt");
    assert_int_equal(o.keys_policy, SAFETY_KEYS_MERGE);
    cli_opts_clear(&o);
}

static void test_durations(void **state)
{
    (void)state;
    struct { const char *text; long long ms; } ok[] = {
        {"30s", 30000}, {"5m", 300000}, {"1h", 3600000}, {"1h30m", 5400000},
        {"250ms", 250}, {"90", 90000}, {"2m5s", 125000},
    };
    for (size_t i = 0; i < TT_ARRAY_LEN(ok); i++) {
        long long ms = 0;
        tt_error err;
        assert_int_equal(cli_parse_duration("--timeout", ok[i].text, &ms, &err), 0);
        assert_int_equal(ms, ok[i].ms);
    }
}

static void test_bad_durations_name_the_flag(void **state)
{
    (void)state;
    const char *bad[] = {"", "soon", "5x", "m", "-5s", "1.5h", "5m30", "0s", "200h"};
    for (size_t i = 0; i < TT_ARRAY_LEN(bad); i++) {
        long long ms = 0;
        tt_error err;
        int rc = cli_parse_duration("--timeout", bad[i], &ms, &err);
        expect_error(rc, &err, "--timeout");
    }
}

static void test_timeout_flag_uses_the_duration_rules(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    assert_int_equal(PARSE(&o, &err, "delete", "v3", "--wait", "--timeout", "45s"), 0);
    assert_int_equal(o.timeout_ms, 45000);
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "delete", "v3", "--timeout", "later"), &err,
                 "--timeout: 'later' is not a duration");
    cli_opts_clear(&o);
}

static void test_unknown_flag(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    expect_error(PARSE(&o, &err, "apply", "--bogus"), &err, "unknown flag --bogus");
    cli_opts_clear(&o);
}

static void test_flag_of_another_subcommand(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    expect_error(PARSE(&o, &err, "render", "--yes"), &err, "--yes is not a flag of 'ttstui render'");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "status", "--image", "x"), &err, "--image is not a flag");
    cli_opts_clear(&o);
}

static void test_missing_value(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    expect_error(PARSE(&o, &err, "apply", "--env"), &err, "--env needs a value");
    cli_opts_clear(&o);
}

static void test_switch_with_a_value(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    expect_error(PARSE(&o, &err, "apply", "--yes=true"), &err, "--yes takes no value");
    cli_opts_clear(&o);
}

static void test_unknown_subcommand(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    expect_error(PARSE(&o, &err, "deploy"), &err, "'deploy' is not a ttstui command");
    cli_opts_clear(&o);
}

static void test_bad_enumerations(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    expect_error(PARSE(&o, &err, "render", "-o", "xml"), &err, "'xml' is not an output format of 'render'");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "status", "-o", "yaml"), &err, "use table or json");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "apply", "--dry-run=client"), &err, "use --dry-run=server");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "apply", "--api-keys-policy", "overwrite"), &err,
                 "'overwrite' is not a policy");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "rollback", "v3", "--service", "api", "--to-version", "1"), &err,
                 "'api' is not a service");
    cli_opts_clear(&o);
}

static void test_output_formats(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    assert_int_equal(PARSE(&o, &err, "render", "-o", "json"), 0);
    assert_int_equal(o.output, CLI_OUTPUT_JSON);
    cli_opts_clear(&o);
    assert_int_equal(PARSE(&o, &err, "status", "--output=table", "v3"), 0);
    assert_int_equal(o.output, CLI_OUTPUT_TABLE);
    assert_string_equal(o.args[0], "v3");
    cli_opts_clear(&o);
}

static void test_rollback_needs_a_service_and_one_target(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    expect_error(PARSE(&o, &err, "rollback", "v3", "--to-version", "2"), &err, "--service");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "rollback", "v3", "--service", "stream"), &err,
                 "exactly one of --to-version");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "rollback", "v3", "--service", "stream", "--to-version", "2",
                       "--to-revision", "stream-2"),
                 &err, "exactly one of --to-version");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "rollback", "v3", "--service", "both", "--to-revision", "stream-2"),
                 &err, "--to-revision names one revision");
    cli_opts_clear(&o);
    assert_int_equal(PARSE(&o, &err, "rollback", "v3", "--service", "both", "--to-version", "2"), 0);
    assert_string_equal(o.service, "both");
    assert_string_equal(o.to_version, "2");
    cli_opts_clear(&o);
}

static void test_model_arguments(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    expect_error(PARSE(&o, &err, "delete"), &err, "delete needs the MODEL");
    cli_opts_clear(&o);
    assert_int_equal(PARSE(&o, &err, "delete", "-n", "v3"), 0); /* -n stands for MODEL */
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "status", "a", "b"), &err, "unexpected argument 'b'");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "render", "v3"), &err, "unexpected argument 'v3'");
    cli_opts_clear(&o);
}

static void test_contradictory_flags(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    expect_error(PARSE(&o, &err, "apply", "--report", "r.txt"), &err, "--report");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "apply", "--dry-run=server", "--wait"), &err, "--wait");
    cli_opts_clear(&o);
}

static void test_canary_and_step(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    assert_int_equal(PARSE(&o, &err, "apply"), 0);
    assert_null(o.canary);
    assert_int_equal(o.step_ms, CLI_DEFAULT_STEP_MS);
    assert_false(o.step_set);
    cli_opts_clear(&o);
    assert_int_equal(PARSE(&o, &err, "apply", "--canary", "10,50,100", "--step=90s"), 0);
    assert_string_equal(o.canary, "10,50,100");
    assert_int_equal(o.step_ms, 90000);
    assert_true(o.step_set);
    cli_opts_clear(&o);
    /* the list itself is the apply's to check: any text is kept */
    assert_int_equal(PARSE(&o, &err, "apply", "--canary=x"), 0);
    assert_string_equal(o.canary, "x");
    cli_opts_clear(&o);
    /* --step follows the duration rules */
    expect_error(PARSE(&o, &err, "apply", "--canary", "100", "--step", "0s"), &err, "--step");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "apply", "--canary", "100", "--step", "soon"), &err, "--step");
    cli_opts_clear(&o);
    /* each rule on its own */
    expect_error(PARSE(&o, &err, "apply", "--step", "1m"), &err,
                 "--step: the hold of each step of a gradual rollout goes with --canary");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "apply", "--canary", "100", "--dry-run=server"), &err,
                 "--canary: a dry run moves no traffic");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "apply", "-f", "deployments", "--canary", "10,100"), &err,
                 "--canary: not with -f");
    cli_opts_clear(&o);
    assert_int_equal(PARSE(&o, &err, "apply", "-f", "deployments"), 0); /* -f alone is fine */
    cli_opts_clear(&o);
    assert_int_equal(PARSE(&o, &err, "apply", "--canary", "100", "--dry-run=none"), 0);
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "diff", "--canary", "100"), &err,
                 "--canary is not a flag of 'ttstui diff'");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "promote", "m", "--canary", "100"), &err,
                 "--canary is not a flag of 'ttstui promote'");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "traffic", "m", "1=100", "--step", "1m"), &err,
                 "--step is not a flag of 'ttstui traffic'");
    cli_opts_clear(&o);
}

static void test_help_and_version(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    assert_int_equal(PARSE(&o, &err, "apply", "--help"), 0);
    assert_true(o.help);
    assert_int_equal(o.cmd, CLI_CMD_APPLY);
    cli_opts_clear(&o);
    assert_int_equal(PARSE(&o, &err, "--version"), 0);
    assert_true(o.version);
    assert_int_equal(o.cmd, CLI_CMD_NONE);
    cli_opts_clear(&o);
    /* After a subcommand, --version is the release parameter. */
    assert_int_equal(PARSE(&o, &err, "render", "--version", "4"), 0);
    assert_false(o.version);
    assert_string_equal(cli_opts_release_flag(&o, RELEASE_VERSION), "4");
    cli_opts_clear(&o);
}

static void test_flags_for_parameters(void **state)
{
    (void)state;
    assert_string_equal(cli_flag_for_param(RELEASE_MIN_SCALE), "--min-scale");
    assert_string_equal(cli_flag_for_param(RELEASE_IMAGE_ENTRYPOINT), "--image-entrypoint");
    assert_string_equal(cli_flag_for_param(RELEASE_INCLUDE_API_KEYS), "--include-image-api-keys");
    assert_string_equal(cli_flag_for_param(RELEASE_API_KEYS_FILE), "--api-keys");
    assert_string_equal(cli_flag_for_param("config"), "--config");
    assert_string_equal(cli_flag_for_param("other"), "other");
}

static void test_status_across_contexts(void **state)
{
    (void)state;
    cli_opts o;
    tt_error err;
    assert_int_equal(PARSE(&o, &err, "status", "--contexts", "gke_staging,gke_prod"), 0);
    assert_int_equal(o.n_contexts, 2);
    assert_string_equal(o.contexts[0], "gke_staging");
    assert_string_equal(o.contexts[1], "gke_prod");
    assert_false(o.all_contexts);
    assert_false(o.timeout_set);
    cli_opts_clear(&o);
    assert_int_equal(PARSE(&o, &err, "status", "--contexts=one"), 0);
    assert_int_equal(o.n_contexts, 1);
    assert_string_equal(o.contexts[0], "one");
    cli_opts_clear(&o);
    assert_int_equal(PARSE(&o, &err, "status", "--all-contexts", "--timeout", "3s"), 0);
    assert_true(o.all_contexts);
    assert_true(o.timeout_set);
    assert_int_equal(o.timeout_ms, 3000);
    cli_opts_clear(&o);
    /* A context named twice, an empty name at either end or between. */
    expect_error(PARSE(&o, &err, "status", "--contexts", "a,b,a"), &err, "context 'a' is named twice");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "status", "--contexts", "a,,b"), &err, "empty context name");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "status", "--contexts", ",a"), &err, "empty context name");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "status", "--contexts", "a,"), &err, "empty context name");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "status", "--all-contexts", "--contexts", "a"), &err,
                 "use one of them");
    cli_opts_clear(&o);
    expect_error(PARSE(&o, &err, "status", "--contexts", "a", "--context", "b"), &err,
                 "--context names one context");
    cli_opts_clear(&o);
    /* Only status shows several contexts. */
    expect_error(PARSE(&o, &err, "delete", "v3", "--all-contexts"), &err,
                 "is not a flag of 'ttstui delete'");
    cli_opts_clear(&o);
}

static void test_command_names_round_trip(void **state)
{
    (void)state;
    for (int c = CLI_CMD_NONE + 1; c < CLI_CMD_COUNT_; c++)
        assert_int_equal(cli_cmd_from_name(cli_cmd_name((cli_cmd)c)), c);
    assert_int_equal(cli_cmd_from_name("pin"), CLI_CMD_NONE);
    assert_null(cli_cmd_name(CLI_CMD_NONE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_global_flags_before_the_subcommand),
        cmocka_unit_test(test_global_flags_after_the_subcommand),
        cmocka_unit_test(test_a_flag_value_that_names_a_command_is_not_the_command),
        cmocka_unit_test(test_dashboard_value_flags_are_skipped_when_finding_the_subcommand),
        cmocka_unit_test(test_release_flags_keep_their_order_and_the_last_wins),
        cmocka_unit_test(test_audit_takes_dash_n_as_the_entry_count),
        cmocka_unit_test(test_apply_defaults),
        cmocka_unit_test(test_change_flags_are_parsed),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_bad_durations_name_the_flag),
        cmocka_unit_test(test_timeout_flag_uses_the_duration_rules),
        cmocka_unit_test(test_unknown_flag),
        cmocka_unit_test(test_flag_of_another_subcommand),
        cmocka_unit_test(test_missing_value),
        cmocka_unit_test(test_switch_with_a_value),
        cmocka_unit_test(test_unknown_subcommand),
        cmocka_unit_test(test_bad_enumerations),
        cmocka_unit_test(test_output_formats),
        cmocka_unit_test(test_rollback_needs_a_service_and_one_target),
        cmocka_unit_test(test_model_arguments),
        cmocka_unit_test(test_contradictory_flags),
        cmocka_unit_test(test_canary_and_step),
        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_flags_for_parameters),
        cmocka_unit_test(test_status_across_contexts),
        cmocka_unit_test(test_command_names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
