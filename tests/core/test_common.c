/* The shared utilities every module leans on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tt_common.h"

static void base64_round_trips_binary(void **state)
{
    (void)state;
    const unsigned char in[] = {0, 1, 2, 0xfe, 0xff, 'a'};
    for (size_t n = 0; n <= sizeof in; n++) {
        char *enc = tt_base64_encode(in, n);
        size_t len = 99;
        unsigned char *dec = tt_base64_decode(enc, &len);
        assert_non_null(dec);
        assert_int_equal(len, n);
        assert_memory_equal(dec, in, n);
        free(enc);
        free(dec);
    }
}

static void base64_matches_known_values(void **state)
{
    (void)state;
    char *enc = tt_base64_encode("YYY", 3);
    assert_string_equal(enc, "WVlZ");
    free(enc);
}

static void base64_rejects_garbage(void **state)
{
    (void)state;
    assert_null(tt_base64_decode("ab$d", NULL));
    assert_null(tt_base64_decode("ab=c", NULL));
}

static void buf_grows_and_steals(void **state)
{
    (void)state;
    tt_buf b = TT_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        tt_buf_printf(&b, "%d,", i);
    assert_true(tt_str_has_prefix(b.data, "0,1,2,"));
    assert_true(tt_str_has_suffix(b.data, "999,"));
    tt_buf_consume(&b, 2);
    assert_true(tt_str_has_prefix(b.data, "1,2,"));
    char *s = tt_buf_steal(&b);
    assert_null(b.data);
    free(s);
}

static void memdup0_copies_embedded_nul_and_terminates(void **state)
{
    (void)state;
    char *d = tt_memdup0("a\0b", 3);
    assert_memory_equal(d, "a\0b", 3);
    assert_int_equal(d[3], '\0');
    free(d);
    assert_null(tt_memdup0(NULL, 4));
}

static void error_prefix_keeps_message(void **state)
{
    (void)state;
    tt_error e;
    tt_error_clear(&e);
    tt_error_set(&e, TT_EIO, "cannot open %s", "x");
    tt_error_prefix(&e, "kubeconfig %s", "/k");
    assert_string_equal(e.message, "kubeconfig /k: cannot open x");
    assert_int_equal(e.code, TT_EIO);
}

static void read_file_names_missing_path(void **state)
{
    (void)state;
    tt_error e;
    tt_error_clear(&e);
    assert_null(tt_read_file("/nonexistent/ttstui-file", NULL, 0, &e));
    assert_non_null(strstr(e.message, "/nonexistent/ttstui-file"));
}

/* A process substitution (/dev/fd/N of a pipe) can be read only once: the
 * second read of the same path gets the same bytes, not an empty pipe. */
static void pipe_is_read_once_and_kept(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "{\"k\":\"v\"}", 9), 9);
    close(fds[1]);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    tt_error e;
    tt_error_clear(&e);
    size_t len = 0;
    char *a = tt_read_file(path, &len, 0, &e);
    assert_non_null(a);
    assert_int_equal(len, 9);
    assert_string_equal(a, "{\"k\":\"v\"}");
    char *b = tt_read_file(path, &len, 0, &e);
    assert_non_null(b);
    assert_string_equal(b, "{\"k\":\"v\"}");
    /* the limit still holds for what was kept */
    assert_null(tt_read_file(path, NULL, 4, &e));
    assert_non_null(strstr(e.message, "larger than 4 bytes"));
    free(a);
    free(b);
    close(fds[0]);
}

/* A FIFO nobody writes to is an error naming it, not a hang. */
static void fifo_without_writer_is_an_error(void **state)
{
    (void)state;
    char dir[] = "/tmp/ttstui-fifo-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = tt_asprintf("%s/keys.json", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    tt_error e;
    tt_error_clear(&e);
    assert_null(tt_read_file(path, NULL, 0, &e));
    assert_non_null(strstr(e.message, path));
    assert_non_null(strstr(e.message, "nothing was written to it within 5 s"));
    unlink(path);
    rmdir(dir);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base64_round_trips_binary),
        cmocka_unit_test(base64_matches_known_values),
        cmocka_unit_test(base64_rejects_garbage),
        cmocka_unit_test(buf_grows_and_steals),
        cmocka_unit_test(memdup0_copies_embedded_nul_and_terminates),
        cmocka_unit_test(error_prefix_keeps_message),
        cmocka_unit_test(read_file_names_missing_path),
        cmocka_unit_test(pipe_is_read_once_and_kept),
        cmocka_unit_test(fifo_without_writer_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
