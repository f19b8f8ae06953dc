/* The audit log (core/audit.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "fleet.h"
#include "mask.h"
#include "tt_common.h"

static char tmpdir[64];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static int make_tmp(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/ttstui-audit-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    setenv("XDG_STATE_HOME", tmpdir, 1);
    return 0;
}

static int remove_tmp(void **state)
{
    (void)state;
    unsetenv("XDG_STATE_HOME");
    return nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static audit_entry sample(const char *action, const char *version, audit_result result)
{
    static char *objects[] = {"Namespace/v3", "Secret/api-keys", "Service/stream"};
    audit_entry e = {0};
    e.time = fleet_parse_rfc3339("2024-05-02T12:00:00Z");
    e.user = "ops@example.com";
    e.context = "gke_voice_prod";
    e.env = "prod";
    e.model = "v3";
    e.version = (char *)version;
    e.action = (char *)action;
    e.objects = objects;
    e.n_objects = 3;
    e.result = result;
    e.message = "applied 3 objects";
    return e;
}

static char *log_path(void)
{
    return tt_asprintf("%s/ttstui/audit.log", tmpdir);
}

static void default_path_follows_xdg_state_home(void **state)
{
    (void)state;
    char *p = audit_default_path(), *want = log_path();
    assert_string_equal(p, want);
    free(p);
    free(want);
    unsetenv("XDG_STATE_HOME");
    setenv("HOME", "/home/op", 1);
    p = audit_default_path();
    assert_string_equal(p, "/home/op/.local/state/ttstui/audit.log");
    free(p);
}

static void append_writes_one_json_line_with_private_modes(void **state)
{
    (void)state;
    audit_entry e = sample("apply", "4", AUDIT_OK);
    tt_error err;
    assert_int_equal(audit_append(NULL, &e, NULL, 0, &err), 0);
    char *path = log_path();
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *dir = tt_asprintf("%s/ttstui", tmpdir);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    size_t len;
    char *text = tt_read_file(path, &len, 0, &err);
    assert_string_equal(text,
                        "{\"time\":\"2024-05-02T12:00:00Z\",\"user\":\"ops@example.com\",\"context\":\"gke_voice_prod\","
                        "\"env\":\"prod\",\"model\":\"v3\",\"version\":\"4\",\"action\":\"apply\","
                        "\"objects\":[\"Namespace/v3\",\"Secret/api-keys\",\"Service/stream\"],"
                        "\"result\":\"ok\",\"dry_run\":false,\"message\":\"applied 3 objects\"}\n");
    free(text);
    free(dir);
    free(path);
}

static void entries_read_back_last_n_oldest_first(void **state)
{
    (void)state;
    tt_error err;
    audit_entry a = sample("apply", "4", AUDIT_OK), b = sample("pin", NULL, AUDIT_REFUSED),
                c = sample("delete", NULL, AUDIT_FAILED);
    c.dry_run = true;
    assert_int_equal(audit_append(NULL, &a, NULL, 0, &err), 0);
    assert_int_equal(audit_append(NULL, &b, NULL, 0, &err), 0);
    assert_int_equal(audit_append(NULL, &c, NULL, 0, &err), 0);
    size_t n;
    audit_entry *last = audit_read_last(NULL, 2, &n, &err);
    assert_int_equal(n, 2);
    assert_string_equal(last[0].action, "pin");
    assert_int_equal(last[0].result, AUDIT_REFUSED);
    assert_null(last[0].version);
    assert_string_equal(last[1].action, "delete");
    assert_true(last[1].dry_run);
    assert_int_equal(last[1].n_objects, 3);
    assert_string_equal(last[1].objects[2], "Service/stream");
    assert_int_equal(last[1].time, a.time);
    audit_entries_free(last, n);
    last = audit_read_last(NULL, 10, &n, &err);
    assert_int_equal(n, 3);
    assert_string_equal(last[0].action, "apply");
    audit_entries_free(last, n);
}

static void message_is_scrubbed_of_given_secrets(void **state)
{
    (void)state;
    static const char *const keys[] = {"YYY-secret-key", "XXX-other-key"};
    audit_entry e = sample("apply", "5", AUDIT_FAILED);
    e.message = "server said: invalid value YYY-secret-key for api_key";
    tt_error err;
    assert_int_equal(audit_append(NULL, &e, keys, 2, &err), 0);
    char *path = log_path();
    size_t len;
    char *text = tt_read_file(path, &len, 0, &err);
    assert_non_null(strstr(text, "invalid value *** for api_key"));
    assert_false(mask_text_contains_secret(text, keys, 2));
    free(text);
    free(path);
}

static void looser_existing_file_is_tightened(void **state)
{
    (void)state;
    char *dir = tt_asprintf("%s/ttstui", tmpdir), *path = log_path();
    assert_int_equal(mkdir(dir, 0700), 0);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    fchmod(fd, 0644);
    close(fd);
    audit_entry e = sample("apply", "4", AUDIT_OK);
    tt_error err;
    assert_int_equal(audit_append(path, &e, NULL, 0, &err), 0);
    struct stat st;
    stat(path, &st);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(dir);
    free(path);
}

static void missing_log_reads_as_empty(void **state)
{
    (void)state;
    size_t n = 99;
    tt_error err;
    audit_entry *e = audit_read_last(NULL, 5, &n, &err);
    assert_non_null(e);
    assert_int_equal(n, 0);
    audit_entries_free(e, n);
}

static void garbage_lines_are_skipped(void **state)
{
    (void)state;
    tt_error err;
    audit_entry e = sample("apply", "4", AUDIT_OK);
    assert_int_equal(audit_append(NULL, &e, NULL, 0, &err), 0);
    char *path = log_path();
    FILE *f = fopen(path, "a");
    fputs("not json\n{\"no\":\"action\"}\n\n", f);
    fclose(f);
    size_t n;
    audit_entry *last = audit_read_last(NULL, 5, &n, &err);
    assert_int_equal(n, 1);
    assert_string_equal(last[0].version, "4");
    audit_entries_free(last, n);
    free(path);
}

/* An unknown outcome reads back as unknown; a result this version does not
 * know (or none) never reads back as ok. */
static void results_round_trip_and_strangers_are_not_ok(void **state)
{
    (void)state;
    tt_error err;
    audit_entry e = sample("apply", "4", AUDIT_UNKNOWN);
    assert_int_equal(audit_append(NULL, &e, NULL, 0, &err), 0);
    char *path = log_path();
    FILE *f = fopen(path, "a");
    fputs("{\"action\":\"apply\",\"result\":\"partly\"}\n"
          "{\"action\":\"apply\"}\n"
          "{\"action\":\"apply\",\"result\":\"ok\"}\n", f);
    fclose(f);
    size_t n;
    audit_entry *last = audit_read_last(NULL, 4, &n, &err);
    assert_int_equal(n, 4);
    assert_int_equal(last[0].result, AUDIT_UNKNOWN);
    assert_string_equal(audit_result_name(last[0].result), "unknown");
    assert_int_equal(last[1].result, AUDIT_FAILED);
    assert_int_equal(last[2].result, AUDIT_FAILED);
    assert_int_equal(last[3].result, AUDIT_OK);
    audit_entries_free(last, n);
    free(path);
}

static void unwritable_location_is_an_error_naming_it(void **state)
{
    (void)state;
    audit_entry e = sample("apply", "4", AUDIT_OK);
    tt_error err;
    char *path = tt_asprintf("%s/file", tmpdir);
    FILE *f = fopen(path, "w");
    fclose(f);
    char *bad = tt_asprintf("%s/file/audit.log", tmpdir);
    assert_int_equal(audit_append(bad, &e, NULL, 0, &err), -1);
    assert_non_null(strstr(err.message, path));
    free(bad);
    free(path);
}

static void table_has_aligned_columns(void **state)
{
    (void)state;
    audit_entry e[2] = {sample("apply", "4", AUDIT_OK), sample("delete", NULL, AUDIT_REFUSED)};
    e[1].dry_run = true;
    e[1].message = NULL;
    char *t = audit_format_table(e, 2);
    assert_string_equal(t,
        "TIME                  USER             CONTEXT         ENV   MODEL  VERSION  ACTION            RESULT   OBJECTS  MESSAGE\n"
        "2024-05-02T12:00:00Z  ops@example.com  gke_voice_prod  prod  v3     4        apply             ok       3        applied 3 objects\n"
        "2024-05-02T12:00:00Z  ops@example.com  gke_voice_prod  prod  v3     -        delete (dry run)  refused  3\n");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(default_path_follows_xdg_state_home, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(append_writes_one_json_line_with_private_modes, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(entries_read_back_last_n_oldest_first, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(message_is_scrubbed_of_given_secrets, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(looser_existing_file_is_tightened, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(missing_log_reads_as_empty, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(garbage_lines_are_skipped, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(results_round_trip_and_strangers_are_not_ok, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(unwritable_location_is_an_error_naming_it, make_tmp, remove_tmp),
        cmocka_unit_test(table_has_aligned_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
