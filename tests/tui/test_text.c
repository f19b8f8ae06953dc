/* The text viewer: a bounded ring, follow mode, search, highlighting;
 * and the draw module's width-aware truncation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "w_status.h"
#include "w_text.h"

static void the_ring_keeps_only_the_newest_lines(void **state)
{
    (void)state;
    tui_text *t = tui_text_new(3);
    char line[32];
    for (int i = 1; i <= 10; i++) {
        snprintf(line, sizeof(line), "line %d\n", i);
        tui_text_append(t, line);
    }
    assert_int_equal(tui_text_line_count(t), 3);
    assert_int_equal(tui_text_capacity(t), 3);
    assert_int_equal(tui_text_dropped(t), 7);
    assert_string_equal(tui_text_line(t, 0), "line 8");
    assert_string_equal(tui_text_line(t, 2), "line 10");
    assert_null(tui_text_line(t, 3));
    tui_text_free(t);
}

static void append_text_splits_lines(void **state)
{
    (void)state;
    tui_text *t = tui_text_new(0);
    tui_text_append_text(t, "a: 1\nb: 2\r\nc: 3");
    assert_int_equal(tui_text_line_count(t), 3);
    assert_string_equal(tui_text_line(t, 1), "b: 2");
    tui_text_free(t);
}

static void follow_mode_stays_at_the_end_and_scrolling_pauses_it(void **state)
{
    (void)state;
    tui_text *t = tui_text_new(100);
    tui_text_set_follow(t, true);
    for (int i = 0; i < 50; i++)
        tui_text_append(t, "x");
    /* the default page is 10 lines */
    assert_int_equal(tui_text_top(t), 40);
    tui_text_action(t, TUI_ACT_PAGE_UP);
    assert_false(tui_text_follow(t));
    size_t top = tui_text_top(t);
    tui_text_append(t, "y");
    assert_int_equal(tui_text_top(t), top);
    tui_text_free(t);
}

static void search_finds_and_next_wraps_around(void **state)
{
    (void)state;
    tui_text *t = tui_text_new(0);
    tui_text_append_text(t, "GET /healthy\nPOST /stream\nGET /healthy\nERROR boom");
    assert_int_equal(tui_text_search(t, "healthy"), 0);
    assert_int_equal(tui_text_search_next(t, 1), 2);
    assert_int_equal(tui_text_search_next(t, 1), 0);
    assert_int_equal(tui_text_search_next(t, -1), 2);
    assert_int_equal(tui_text_search(t, "error"), 3); /* case-insensitive */
    assert_int_equal(tui_text_search(t, "nothing"), -1);
    tui_text_free(t);
}

static void yaml_lines_split_into_key_and_value(void **state)
{
    (void)state;
    tui_span s[4];
    size_t n = tui_highlight_yaml(NULL, "  name: stream", s, 4);
    assert_int_equal(n, 2);
    assert_int_equal(s[0].role, TUI_ROLE_YAML_KEY);
    assert_int_equal(s[0].start, 2);
    assert_int_equal(s[0].end, 6);
    assert_int_equal(s[1].role, TUI_ROLE_YAML_VALUE);
    n = tui_highlight_yaml(NULL, "# a comment", s, 4);
    assert_int_equal(n, 1);
    assert_int_equal(s[0].role, TUI_ROLE_YAML_COMMENT);
    n = tui_highlight_yaml(NULL, "    - image: gcr.io/x:1", s, 4);
    assert_int_equal(s[0].role, TUI_ROLE_YAML_KEY);
    assert_int_equal(s[0].start, 6);
}

static void diff_lines_get_add_remove_and_hunk_roles(void **state)
{
    (void)state;
    tui_span s[2];
    assert_int_equal(tui_highlight_diff(NULL, "+  name: stream-3", s, 2), 1);
    assert_int_equal(s[0].role, TUI_ROLE_DIFF_ADD);
    tui_highlight_diff(NULL, "-  name: stream-2", s, 2);
    assert_int_equal(s[0].role, TUI_ROLE_DIFF_REMOVE);
    tui_highlight_diff(NULL, "@@ spec @@", s, 2);
    assert_int_equal(s[0].role, TUI_ROLE_DIFF_HUNK);
    assert_int_equal(tui_highlight_diff(NULL, "   context", s, 2), 0);
}

static void width_counts_wide_characters_as_two_cells(void **state)
{
    (void)state;
    assert_int_equal(tui_utf8_width("abc", (size_t)-1), 3);
    assert_int_equal(tui_utf8_width("日本", (size_t)-1), 4);
    assert_int_equal(tui_utf8_width("✓ Ready", (size_t)-1), 7);
    int cells;
    size_t bytes = tui_utf8_fit("日本語", 5, &cells);
    assert_int_equal(cells, 4); /* the third one would not fit */
    assert_int_equal(bytes, 6);
    bytes = tui_utf8_fit("héllo", 2, &cells);
    assert_int_equal(bytes, 3);
}

/* The lines of s wrapped at width, joined with '|'. */
static void wrapped(const char *s, int width, char *out, size_t size)
{
    out[0] = '\0';
    size_t n, used = 0;
    const char *rest;
    for (const char *line; (line = tui_wrap_line(s, width, &n, &rest)); s = rest)
        used += (size_t)snprintf(out + used, size - used, "%s%.*s", used ? "|" : "", (int)n, line);
}

static void wrap_breaks_between_words_and_inside_a_word_too_long(void **state)
{
    (void)state;
    char out[256];
    wrapped("refused: prod needs a gke_*_prod context", 16, out, sizeof out);
    assert_string_equal(out, "refused: prod|needs a|gke_*_prod|context");
    wrapped("  abcdefghij  kl ", 4, out, sizeof out);
    assert_string_equal(out, "abcd|efgh|ij|kl");
    wrapped("日本語のテキスト", 5, out, sizeof out); /* two cells a character */
    assert_string_equal(out, "日本|語の|テキ|スト");
    wrapped("   ", 10, out, sizeof out);
    assert_string_equal(out, "");
    wrapped("日", 1, out, sizeof out); /* wider than the line: still progresses */
    assert_string_equal(out, "日");
}

/* A message's own newlines end its lines when wrapped (a traceback in a
 * condition reads as it was written), and what is drawn as '?' (a control
 * character, a zero-width one) takes the cell it is drawn in: a wrapped
 * line never runs past the edge, losing its last characters. */
static void wrap_keeps_the_text_s_lines_and_counts_every_drawn_cell(void **state)
{
    (void)state;
    char out[256];
    wrapped("Traceback:\n  File \"w.py\", line 12\nError: boom", 20, out, sizeof out);
    assert_string_equal(out, "Traceback:|File \"w.py\", line 12|Error: boom");
    wrapped("a\n\nb", 10, out, sizeof out);
    assert_string_equal(out, "a||b");
    wrapped("one\r\ntwo", 10, out, sizeof out);
    assert_string_equal(out, "one|two");
    wrapped("abcd\n", 4, out, sizeof out); /* a newline right at the edge */
    assert_string_equal(out, "abcd");

    assert_int_equal(tui_utf8_width("a\tb", (size_t)-1), 3);    /* a?b */
    assert_int_equal(tui_utf8_width("e\xcc\x81", (size_t)-1), 2); /* e? */
    assert_int_equal(tui_utf8_width("a\x1b[31mb", (size_t)-1), 7);
    wrapped("ab\tcd\tef gh\tij", 5, out, sizeof out);
    assert_string_equal(out, "ab\tcd|\tef|gh\tij");
    const char *s = "x\ty\tz\tw words\tgo\tpast the\ttab stops";
    size_t n;
    const char *rest;
    for (const char *line; (line = tui_wrap_line(s, 7, &n, &rest)); s = rest)
        assert_true(tui_utf8_width(line, n) <= 7);
}

static void a_long_status_message_takes_up_to_the_rows_allowed(void **state)
{
    (void)state;
    tui_status st = {0};
    assert_int_equal(tui_status_rows(&st, 40, 3), 1); /* hints */
    tui_status_set(&st, TUI_STATUS_ERROR, 0, 0, "%s", "short");
    assert_int_equal(tui_status_rows(&st, 40, 3), 1);
    tui_status_set(&st, TUI_STATUS_ERROR, 0, 0, "%s",
                   "settings: environment prod is only for contexts gke_*_prod, "
                   "not demo; switch context (c) or choose another environment");
    assert_int_equal(tui_status_rows(&st, 120, 3), 1);
    assert_int_equal(tui_status_rows(&st, 60, 3), 2);
    assert_int_equal(tui_status_rows(&st, 30, 3), 3); /* 5 lines: capped */
    assert_int_equal(tui_status_rows(&st, 30, 1), 1);
}

static void ascii_mode_replaces_symbols(void **state)
{
    (void)state;
    tui_draw_set_ascii(true);
    assert_string_equal(tui_sym_text(TUI_SYM_DOT), "*");
    assert_string_equal(tui_sym_text(TUI_SYM_CHECK), "+");
    assert_string_equal(tui_sym_text(TUI_SYM_CROSS), "x");
    assert_string_equal(tui_sym_text(TUI_SYM_ELLIPSIS), "...");
    char buf[32];
    assert_int_equal(tui_readiness_text(0, buf, sizeof(buf)), TUI_ROLE_STATUS_FAIL);
    assert_string_equal(buf, "x Failed");
    tui_draw_set_ascii(false);
    assert_string_equal(tui_sym_text(TUI_SYM_CHECK), "✓");
    assert_int_equal(tui_readiness_text(1, buf, sizeof(buf)), TUI_ROLE_STATUS_OK);
    assert_string_equal(buf, "✓ Ready");
    tui_readiness_text(-1, buf, sizeof(buf));
    assert_string_equal(buf, "… Pending");
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_ring_keeps_only_the_newest_lines),
        cmocka_unit_test(append_text_splits_lines),
        cmocka_unit_test(follow_mode_stays_at_the_end_and_scrolling_pauses_it),
        cmocka_unit_test(search_finds_and_next_wraps_around),
        cmocka_unit_test(yaml_lines_split_into_key_and_value),
        cmocka_unit_test(diff_lines_get_add_remove_and_hunk_roles),
        cmocka_unit_test(width_counts_wide_characters_as_two_cells),
        cmocka_unit_test(ascii_mode_replaces_symbols),
        cmocka_unit_test(wrap_breaks_between_words_and_inside_a_word_too_long),
        cmocka_unit_test(wrap_keeps_the_text_s_lines_and_counts_every_drawn_cell),
        cmocka_unit_test(a_long_status_message_takes_up_to_the_rows_allowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
