/* The terminal text cleaner shared by the CLI and the TUI: each class of
 * dangerous character on its own, and valid UTF-8 passing untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "tt_text.h"

static void expect_clean(const char *in, unsigned flags, const char *want)
{
    char *out = tt_text_clean(in, flags);
    assert_string_equal(out, want);
    assert_int_equal(tt_text_is_clean(in, flags), strcmp(in, want) == 0);
    free(out);
}

static void c0_controls_and_escape_become_question_marks(void **state)
{
    (void)state;
    expect_clean("a\x1b]0;pwned\x07" "b", 0, "a?]0;pwned?b");
    expect_clean("x\x1b[2Jy", 0, "x?[2Jy");
    expect_clean("\x01\x08\x0d\x1f", 0, "????");
}

static void newline_and_tab_pass_only_when_asked(void **state)
{
    (void)state;
    expect_clean("a\nb\tc", 0, "a?b?c");
    expect_clean("a\nb\tc", TT_TEXT_KEEP_NEWLINE, "a\nb?c");
    expect_clean("a\nb\tc", TT_TEXT_KEEP_TAB, "a?b\tc");
    expect_clean("a\nb\tc", TT_TEXT_KEEP_NEWLINE | TT_TEXT_KEEP_TAB, "a\nb\tc");
}

static void del_is_replaced(void **state)
{
    (void)state;
    expect_clean("a\x7f" "b", 0, "a?b");
}

static void c1_controls_are_replaced(void **state)
{
    (void)state;
    expect_clean("a\xc2\x9b" "2Jb", 0, "a?2Jb"); /* U+009B CSI */
    expect_clean("\xc2\x80", 0, "?");             /* first C1 */
    expect_clean("\xc2\x9f", 0, "?");             /* last C1 */
    expect_clean("\xc2\xa0", 0, "\xc2\xa0");      /* U+00A0, just past C1, passes */
}

static void bidi_controls_are_replaced(void **state)
{
    (void)state;
    expect_clean("a\xe2\x80\xaa" "b", 0, "a?b"); /* U+202A */
    expect_clean("a\xe2\x80\xae" "b", 0, "a?b"); /* U+202E RLO */
    expect_clean("a\xe2\x81\xa6" "b", 0, "a?b"); /* U+2066 */
    expect_clean("a\xe2\x81\xa9" "b", 0, "a?b"); /* U+2069 */
    expect_clean("a\xe2\x80\x8f" "b", 0, "a?b"); /* U+200F RLM */
    expect_clean("a\xe2\x80\xaf" "b", 0, "a\xe2\x80\xaf" "b"); /* U+202F passes */
    expect_clean("a\xe2\x81\xaa" "b", 0, "a\xe2\x81\xaa" "b"); /* U+206A passes */
}

static void zero_width_characters_are_replaced(void **state)
{
    (void)state;
    expect_clean("a\xe2\x80\x8b" "b", 0, "a?b"); /* U+200B */
    expect_clean("a\xe2\x80\x8d" "b", 0, "a?b"); /* U+200D */
    expect_clean("a\xe2\x81\xa0" "b", 0, "a?b"); /* U+2060 */
    expect_clean("a\xef\xbb\xbf" "b", 0, "a?b"); /* U+FEFF */
}

static void invalid_utf8_is_replaced_byte_by_byte(void **state)
{
    (void)state;
    expect_clean("a\xff" "b", 0, "a?b");
    expect_clean("a\xc3", 0, "a?");                 /* truncated */
    expect_clean("a\xc0\x9b" "b", 0, "a??b");       /* overlong ESC-like */
    expect_clean("a\xe0\x80\xaf" "b", 0, "a???b");  /* overlong '/' */
    expect_clean("a\xed\xa0\x80" "b", 0, "a???b");  /* surrogate */
    expect_clean("a\xf4\x90\x80\x80" "b", 0, "a????b"); /* above U+10FFFF */
}

static void valid_utf8_passes_untouched(void **state)
{
    (void)state;
    expect_clean("caf\xc3\xa9", 0, "caf\xc3\xa9");              /* é */
    expect_clean("\xe2\x9c\x93 ready", 0, "\xe2\x9c\x93 ready"); /* ✓ */
    expect_clean("\xf0\x9f\x9a\x80", 0, "\xf0\x9f\x9a\x80");     /* 4-byte emoji */
    expect_clean("gcr.io/x/worker:v1.2", 0, "gcr.io/x/worker:v1.2");
    expect_clean("", 0, "");
    assert_null(tt_text_clean(NULL, 0));
}

static void decoder_reports_lengths(void **state)
{
    (void)state;
    int cp;
    assert_int_equal(tt_utf8_decode("\xe2\x9c\x93", 3, &cp), 3);
    assert_int_equal(cp, 0x2713);
    assert_int_equal(tt_utf8_decode("\xe2\x9c\x93", 2, &cp), 1);
    assert_int_equal(cp, -1);
    assert_int_equal(tt_utf8_decode("", 0, &cp), 0);
}

static char *json_safe(const char *in)
{
    tt_buf b = TT_BUF_INIT;
    tt_json_terminal_safe_append(&b, in, strlen(in));
    tt_buf_putc(&b, '\0');
    return tt_buf_steal(&b);
}

static void json_safe_is(const char *in, const char *want)
{
    char *got = json_safe(in);
    assert_string_equal(got, want);
    free(got);
}

static void json_del_is_escaped_and_nothing_else_changes(void **state)
{
    (void)state;
    json_safe_is("{\"a\":\"x\x7fy\x7f\",\"b\":\"\\u009B\"}",
                 "{\"a\":\"x\\u007Fy\\u007F\",\"b\":\"\\u009B\"}");
    json_safe_is("[1]", "[1]");
    json_safe_is("{\"k\": \"~ }\\\\\"\n}", "{\"k\": \"~ }\\\\\"\n}"); /* 0x7e stays */
}

/* Each kind of character outside ASCII on its own, escaped as jansson's
 * JSON_ENSURE_ASCII does (upper-case hex). */
static void json_non_ascii_is_escaped_one_kind_at_a_time(void **state)
{
    (void)state;
    json_safe_is("\"\xc3\xa9\"", "\"\\u00E9\"");                 /* é, two bytes */
    json_safe_is("\"\xc2\x9b\"", "\"\\u009B\"");                 /* CSI, a C1 control */
    json_safe_is("\"a\xe2\x80\xae" "b\"", "\"a\\u202Eb\"");       /* bidi override */
    json_safe_is("\"\xe2\x80\x8b\"", "\"\\u200B\"");             /* zero width */
    json_safe_is("\"\xf0\x9f\x98\x80\"", "\"\\uD83D\\uDE00\"");  /* above U+FFFF */
    json_safe_is("\"\xf4\x8f\xbf\xbf\"", "\"\\uDBFF\\uDFFF\"");  /* U+10FFFF */
    json_safe_is("\"\xff\"", "\"\\uFFFD\"");                     /* not UTF-8 */
    json_safe_is("\"\xe2\x9c\"", "\"\\uFFFD\\uFFFD\"");          /* cut short */
}

/* Cells as printed once cleaned, one kind of character at a time; each
 * equals the width of tt_text_clean's output as a terminal shows it. */
static void width_counts_cells_as_printed(void **state)
{
    (void)state;
    assert_int_equal(tt_text_width(NULL), 0);
    assert_int_equal(tt_text_width(""), 0);
    assert_int_equal(tt_text_width("abc"), 3);
    assert_int_equal(tt_text_width("caf\xc3\xa9"), 4);        /* é: 2 bytes, 1 cell */
    assert_int_equal(tt_text_width("\xe5\x85\xa8"), 2);        /* 全: wide */
    assert_int_equal(tt_text_width("\xf0\x9f\x98\x80"), 2);    /* emoji: wide */
    assert_int_equal(tt_text_width("e\xcc\x81"), 1);          /* combining acute: 0 */
    assert_int_equal(tt_text_width("a\x1b[2J"), 5);           /* ESC is '?' */
    assert_int_equal(tt_text_width("\xc2\x9b"), 1);           /* C1 CSI: one '?' */
    assert_int_equal(tt_text_width("\xe2\x80\xae"), 1);       /* bidi override: '?' */
    assert_int_equal(tt_text_width("\xe2\x80\x8b"), 1);       /* zero width: '?' */
    assert_int_equal(tt_text_width("\xff\xfe"), 2);           /* invalid: '?' a byte */
    assert_int_equal(tt_text_width("a\nb\tc"), 5);            /* newline, tab: '?' */
    const char *mixed = "w\x1b]0;x\a\xc2\x9b\xe2\x80\xae\xc3\xa9\xe5\x85\xa8";
    char *clean = tt_text_clean(mixed, 0);
    assert_int_equal(tt_text_width(mixed), tt_text_width(clean));
    assert_int_equal(tt_text_width(clean), 12);
    free(clean);
}

static void pad_fills_to_cells_not_bytes(void **state)
{
    (void)state;
    tt_buf b = TT_BUF_INIT;
    tt_text_pad_append(&b, "\xe5\x85\xa8\xc3\xa9", 5); /* 3 cells in 5 bytes */
    assert_string_equal(b.data, "\xe5\x85\xa8\xc3\xa9  ");
    tt_buf_reset(&b);
    tt_text_pad_append(&b, "abcdef", 3); /* wider than asked: as it is */
    assert_string_equal(b.data, "abcdef");
    tt_buf_reset(&b);
    tt_text_pad_append(&b, "", 2);
    assert_string_equal(b.data, "  ");
    tt_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(c0_controls_and_escape_become_question_marks),
        cmocka_unit_test(newline_and_tab_pass_only_when_asked),
        cmocka_unit_test(del_is_replaced),
        cmocka_unit_test(c1_controls_are_replaced),
        cmocka_unit_test(bidi_controls_are_replaced),
        cmocka_unit_test(zero_width_characters_are_replaced),
        cmocka_unit_test(invalid_utf8_is_replaced_byte_by_byte),
        cmocka_unit_test(valid_utf8_passes_untouched),
        cmocka_unit_test(decoder_reports_lengths),
        cmocka_unit_test(json_del_is_escaped_and_nothing_else_changes),
        cmocka_unit_test(json_non_ascii_is_escaped_one_kind_at_a_time),
        cmocka_unit_test(width_counts_cells_as_printed),
        cmocka_unit_test(pad_fills_to_cells_not_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
