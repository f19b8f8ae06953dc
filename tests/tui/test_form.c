/* The line editor (readline keys) and the form's focus and validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "w_form.h"
#include "w_line.h"

static void type(tui_line *l, const char *s)
{
    for (; *s; s++)
        tui_line_key(l, (unsigned char)*s);
}

static void typing_inserts_at_the_cursor(void **state)
{
    (void)state;
    tui_line l;
    tui_line_init(&l, 0);
    type(&l, "stram");
    tui_line_key(&l, TUI_KEY_FN(KEY_LEFT));
    tui_line_key(&l, TUI_KEY_FN(KEY_LEFT));
    assert_int_equal(tui_line_key(&l, 'e'), TUI_LINE_EDITED);
    assert_string_equal(tui_line_text(&l), "stream");
    tui_line_free(&l);
}

/* A long value drawn scrolled to its end, then Ctrl-U and new text typed
 * before the next draw (a burst of keys): the scroll follows the cursor
 * back, so the new text is what the field shows. */
static void ctrl_u_resets_the_scroll_before_the_next_draw(void **state)
{
    (void)state;
    tui_line l;
    tui_line_init(&l, 0);
    tui_line_set(&l, "registry.example.com/team/worker@sha256:0123456789abcdef0123456789");
    l.scroll = 50; /* as a 20-cell draw leaves it */
    assert_int_equal(tui_line_key(&l, TUI_KEY_CTRL('u')), TUI_LINE_EDITED);
    type(&l, "abc");
    assert_string_equal(tui_line_text(&l), "abc");
    assert_int_equal(l.scroll, 0);
    /* Home then typing: the typed character stays in view. */
    tui_line_set(&l, "registry.example.com/team/worker@sha256:0123456789abcdef0123456789");
    l.scroll = 50;
    tui_line_key(&l, TUI_KEY_FN(KEY_HOME));
    tui_line_key(&l, 'x');
    assert_int_equal(l.scroll, 0);
    tui_line_free(&l);
}

static void ctrl_a_and_ctrl_e_go_to_start_and_end(void **state)
{
    (void)state;
    tui_line l;
    tui_line_init(&l, 0);
    tui_line_set(&l, "model");
    tui_line_key(&l, TUI_KEY_CTRL('a'));
    assert_int_equal(l.cursor, 0);
    tui_line_key(&l, 'x');
    assert_string_equal(tui_line_text(&l), "xmodel");
    tui_line_key(&l, TUI_KEY_CTRL('e'));
    tui_line_key(&l, 'y');
    assert_string_equal(tui_line_text(&l), "xmodely");
    tui_line_key(&l, TUI_KEY_FN(KEY_HOME));
    assert_int_equal(l.cursor, 0);
    tui_line_key(&l, TUI_KEY_FN(KEY_END));
    assert_int_equal(l.cursor, 7);
    tui_line_free(&l);
}

static void ctrl_b_and_ctrl_f_move_by_one_character(void **state)
{
    (void)state;
    tui_line l;
    tui_line_init(&l, 0);
    tui_line_set(&l, "ab");
    tui_line_key(&l, TUI_KEY_CTRL('b'));
    assert_int_equal(l.cursor, 1);
    tui_line_key(&l, TUI_KEY_CTRL('f'));
    assert_int_equal(l.cursor, 2);
    tui_line_key(&l, TUI_KEY_CTRL('f')); /* stays at the end */
    assert_int_equal(l.cursor, 2);
    tui_line_free(&l);
}

static void ctrl_k_kills_to_the_end_and_ctrl_y_yanks_it(void **state)
{
    (void)state;
    tui_line l;
    tui_line_init(&l, 0);
    tui_line_set(&l, "image:tag");
    for (int i = 0; i < 4; i++)
        tui_line_key(&l, TUI_KEY_FN(KEY_LEFT));
    assert_int_equal(tui_line_key(&l, TUI_KEY_CTRL('k')), TUI_LINE_EDITED);
    assert_string_equal(tui_line_text(&l), "image");
    tui_line_key(&l, TUI_KEY_CTRL('a'));
    tui_line_key(&l, TUI_KEY_CTRL('y'));
    assert_string_equal(tui_line_text(&l), ":tagimage");
    tui_line_free(&l);
}

static void ctrl_u_kills_to_the_start(void **state)
{
    (void)state;
    tui_line l;
    tui_line_init(&l, 0);
    tui_line_set(&l, "abcdef");
    tui_line_key(&l, TUI_KEY_FN(KEY_LEFT));
    tui_line_key(&l, TUI_KEY_CTRL('u'));
    assert_string_equal(tui_line_text(&l), "f");
    assert_int_equal(l.cursor, 0);
    tui_line_free(&l);
}

static void ctrl_w_kills_the_previous_word(void **state)
{
    (void)state;
    tui_line l;
    tui_line_init(&l, 0);
    tui_line_set(&l, "gcr.io/project/worker");
    tui_line_key(&l, TUI_KEY_CTRL('w'));
    assert_string_equal(tui_line_text(&l), "gcr.io/project/");
    tui_line_key(&l, TUI_KEY_CTRL('w'));
    assert_string_equal(tui_line_text(&l), "gcr.io/");
    tui_line_free(&l);
}

static void backspace_and_delete_remove_whole_utf8_characters(void **state)
{
    (void)state;
    tui_line l;
    tui_line_init(&l, 0);
    tui_line_key(&l, 'a');
    tui_line_key(&l, 0xe9); /* é, two bytes */
    tui_line_key(&l, 'b');
    assert_string_equal(tui_line_text(&l), "a\xc3\xa9" "b");
    tui_line_key(&l, TUI_KEY_FN(KEY_LEFT));
    tui_line_key(&l, TUI_KEY_FN(KEY_BACKSPACE));
    assert_string_equal(tui_line_text(&l), "ab");
    tui_line_key(&l, TUI_KEY_FN(KEY_HOME));
    tui_line_key(&l, TUI_KEY_FN(KEY_DC));
    assert_string_equal(tui_line_text(&l), "b");
    tui_line_key(&l, TUI_KEY_CTRL('d'));
    assert_string_equal(tui_line_text(&l), "");
    tui_line_free(&l);
}

static void the_line_never_grows_past_its_maximum(void **state)
{
    (void)state;
    tui_line l;
    tui_line_init(&l, 4);
    type(&l, "abcdef");
    assert_string_equal(tui_line_text(&l), "abcd");
    tui_line_free(&l);
}

static void other_keys_are_not_editing_keys(void **state)
{
    (void)state;
    tui_line l;
    tui_line_init(&l, 0);
    assert_int_equal(tui_line_key(&l, TUI_KEY_FN(KEY_UP)), TUI_LINE_IGNORED);
    assert_int_equal(tui_line_key(&l, TUI_KEY_ENTER), TUI_LINE_IGNORED);
    tui_line_free(&l);
}

/* ---- form ---------------------------------------------------------------- */

static bool check(void *ctx, const tui_form *f, size_t i, char *msg, size_t size, bool *warn)
{
    (void)ctx;
    const char *id = tui_form_id(f, i);
    const char *v = tui_form_value(f, id);
    if (strcmp(id, "model") == 0 && strchr(v, '!')) {
        snprintf(msg, size, "model may not hold '!'");
        return true;
    }
    if (strcmp(id, "image") == 0 && !strstr(v, "@sha256:")) {
        snprintf(msg, size, "not a digest");
        *warn = true;
        return true;
    }
    return false;
}

static tui_form *make_form(void)
{
    tui_form *f = tui_form_new();
    tui_form_add(f, "env", "Environment", TUI_FIELD_CHOICE, "", "staging|prod");
    tui_form_add(f, "model", "Model", TUI_FIELD_TEXT, "v3", NULL);
    tui_form_add(f, "image", "Image", TUI_FIELD_TEXT, "img@sha256:x", NULL);
    tui_form_add(f, "keys", "Include API keys", TUI_FIELD_BOOL, "false", NULL);
    tui_form_set_validator(f, check, NULL);
    return f;
}

static void focus_moves_forward_and_back_and_wraps(void **state)
{
    (void)state;
    tui_form *f = make_form();
    assert_int_equal(tui_form_focus(f), 0);
    tui_form_focus_next(f);
    tui_form_focus_next(f);
    tui_form_focus_next(f);
    assert_int_equal(tui_form_focus(f), 3);
    tui_form_focus_next(f);
    assert_int_equal(tui_form_focus(f), 0);
    tui_form_focus_prev(f);
    assert_int_equal(tui_form_focus(f), 3);
    tui_form_free(f);
}

static void keys_edit_the_focused_field_only(void **state)
{
    (void)state;
    tui_form *f = make_form();
    tui_form_set_focus(f, tui_form_index(f, "model"));
    assert_int_equal(tui_form_key(f, TUI_KEY_CTRL('u')), TUI_LINE_EDITED);
    tui_form_key(f, 'v');
    tui_form_key(f, '4');
    assert_string_equal(tui_form_value(f, "model"), "v4");
    assert_string_equal(tui_form_value(f, "image"), "img@sha256:x");
    tui_form_free(f);
}

static void a_validation_message_shows_as_soon_as_the_value_is_wrong(void **state)
{
    (void)state;
    tui_form *f = make_form();
    size_t model = tui_form_index(f, "model");
    tui_form_set_focus(f, model);
    assert_null(tui_form_message(f, model, NULL));
    tui_form_key(f, '!');
    bool warn = true;
    assert_string_equal(tui_form_message(f, model, &warn), "model may not hold '!'");
    assert_false(warn);
    assert_int_equal(tui_form_error_count(f), 1);
    tui_form_key(f, TUI_KEY_FN(KEY_BACKSPACE));
    assert_null(tui_form_message(f, model, NULL));
    assert_int_equal(tui_form_error_count(f), 0);
    tui_form_free(f);
}

static void warnings_show_but_do_not_block(void **state)
{
    (void)state;
    tui_form *f = make_form();
    tui_form_set_value(f, "image", "gcr.io/x:latest");
    bool warn = false;
    assert_string_equal(tui_form_message(f, tui_form_index(f, "image"), &warn), "not a digest");
    assert_true(warn);
    assert_int_equal(tui_form_error_count(f), 0);
    tui_form_free(f);
}

static void space_toggles_a_bool_and_cycles_a_choice(void **state)
{
    (void)state;
    tui_form *f = make_form();
    assert_string_equal(tui_form_value(f, "env"), "staging");
    tui_form_key(f, ' ');
    assert_string_equal(tui_form_value(f, "env"), "prod");
    tui_form_key(f, TUI_KEY_FN(KEY_LEFT));
    assert_string_equal(tui_form_value(f, "env"), "staging");
    tui_form_key(f, 'p');
    assert_string_equal(tui_form_value(f, "env"), "prod");
    tui_form_set_focus(f, tui_form_index(f, "keys"));
    tui_form_key(f, ' ');
    assert_string_equal(tui_form_value(f, "keys"), "true");
    tui_form_key(f, 'n');
    assert_string_equal(tui_form_value(f, "keys"), "false");
    tui_form_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(typing_inserts_at_the_cursor),
        cmocka_unit_test(ctrl_u_resets_the_scroll_before_the_next_draw),
        cmocka_unit_test(ctrl_a_and_ctrl_e_go_to_start_and_end),
        cmocka_unit_test(ctrl_b_and_ctrl_f_move_by_one_character),
        cmocka_unit_test(ctrl_k_kills_to_the_end_and_ctrl_y_yanks_it),
        cmocka_unit_test(ctrl_u_kills_to_the_start),
        cmocka_unit_test(ctrl_w_kills_the_previous_word),
        cmocka_unit_test(backspace_and_delete_remove_whole_utf8_characters),
        cmocka_unit_test(the_line_never_grows_past_its_maximum),
        cmocka_unit_test(other_keys_are_not_editing_keys),
        cmocka_unit_test(focus_moves_forward_and_back_and_wraps),
        cmocka_unit_test(keys_edit_the_focused_field_only),
        cmocka_unit_test(a_validation_message_shows_as_soon_as_the_value_is_wrong),
        cmocka_unit_test(warnings_show_but_do_not_block),
        cmocka_unit_test(space_toggles_a_bool_and_cycles_a_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
