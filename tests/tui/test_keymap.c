/* The action table: names, keys and help stay consistent; rebinding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "keymap.h"

static void every_action_has_a_name_help_and_parsable_default_keys(void **state)
{
    (void)state;
    tui_keymap *km = tui_keymap_new();
    for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
        const tui_action_info *ai = tui_action_info_at((tui_action)a);
        assert_non_null(ai);
        assert_true(strlen(ai->name) > 0);
        assert_true(strlen(ai->help) > 0);
        assert_true(ai->views != 0);
        assert_true(tui_keymap_key_count(km, (tui_action)a) > 0);
        /* every default key word parsed */
        size_t words = 0;
        for (const char *p = ai->default_keys; *p; p++)
            if (*p != ' ' && (p == ai->default_keys || p[-1] == ' '))
                words++;
        assert_int_equal(words, tui_keymap_key_count(km, (tui_action)a));
    }
    tui_keymap_free(km);
}

static void action_names_are_unique_and_found_by_name(void **state)
{
    (void)state;
    for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
        const tui_action_info *ai = tui_action_info_at((tui_action)a);
        assert_int_equal(tui_action_by_name(ai->name), a);
    }
    assert_int_equal(tui_action_by_name("no-such-action"), TUI_ACT_NONE);
}

static void no_key_is_bound_to_two_actions_in_the_same_view(void **state)
{
    (void)state;
    tui_keymap *km = tui_keymap_new();
    for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
        const tui_action_info *ai = tui_action_info_at((tui_action)a);
        for (int b = a + 1; b < TUI_ACT_COUNT; b++) {
            const tui_action_info *bi = tui_action_info_at((tui_action)b);
            if (!(ai->views & bi->views))
                continue;
            for (size_t i = 0; i < tui_keymap_key_count(km, (tui_action)a); i++)
                for (size_t j = 0; j < tui_keymap_key_count(km, (tui_action)b); j++)
                    if (tui_keymap_key_at(km, (tui_action)a, i) ==
                        tui_keymap_key_at(km, (tui_action)b, j))
                        fail_msg("%s and %s share a key in a view", ai->name, bi->name);
        }
    }
    tui_keymap_free(km);
}

static void lookup_depends_on_the_view(void **state)
{
    (void)state;
    tui_keymap *km = tui_keymap_new();
    assert_int_equal(tui_keymap_lookup(km, TUI_VIEW_MODELS, 'd'), TUI_ACT_DEPLOY);
    assert_int_equal(tui_keymap_lookup(km, TUI_VIEW_PREVIEW, 'd'), TUI_ACT_DIFF);
    assert_int_equal(tui_keymap_lookup(km, TUI_VIEW_MODELS, 'j'), TUI_ACT_MOVE_DOWN);
    assert_int_equal(tui_keymap_lookup(km, TUI_VIEW_FORM, TUI_KEY_TAB), TUI_ACT_NEXT_FIELD);
    assert_int_equal(tui_keymap_lookup(km, TUI_VIEW_FORM, 'j'), TUI_ACT_NONE);
    tui_keymap_free(km);
}

static void key_names_round_trip(void **state)
{
    (void)state;
    const char *names[] = {"q", "<Enter>", "<Esc>", "<Tab>", "<S-Tab>", "<Up>", "<C-f>",
                           "<PageDown>", "<F1>", "<Space>", "é", "<Home>"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        tui_key k = tui_key_parse(names[i]);
        assert_true(k >= 0);
        char buf[32];
        assert_string_equal(tui_key_name(k, buf, sizeof(buf)), names[i]);
    }
    assert_int_equal(tui_key_parse("<Nope>"), -1);
    assert_int_equal(tui_key_parse("ab"), -1);
    assert_int_equal(tui_key_parse("<C-f>"), 6);
    assert_int_equal(tui_key_parse("<Down>"), TUI_KEY_FN(KEY_DOWN));
}

static void bind_replaces_the_keys_of_an_action(void **state)
{
    (void)state;
    tui_keymap *km = tui_keymap_new();
    tt_error err;
    assert_int_equal(tui_keymap_bind(km, "move-down", "<C-n> J", "config.yaml:3", &err), 0);
    assert_int_equal(tui_keymap_lookup(km, TUI_VIEW_MODELS, TUI_KEY_CTRL('n')), TUI_ACT_MOVE_DOWN);
    assert_int_equal(tui_keymap_lookup(km, TUI_VIEW_MODELS, 'J'), TUI_ACT_MOVE_DOWN);
    assert_int_equal(tui_keymap_lookup(km, TUI_VIEW_MODELS, 'j'), TUI_ACT_NONE);
    tui_keymap_free(km);
}

static void bind_errors_name_the_source_and_the_culprit(void **state)
{
    (void)state;
    tui_keymap *km = tui_keymap_new();
    tt_error err;
    assert_int_equal(tui_keymap_bind(km, "move-sideways", "x", "config.yaml:7", &err), -1);
    assert_non_null(strstr(err.message, "config.yaml:7"));
    assert_non_null(strstr(err.message, "move-sideways"));
    assert_int_equal(tui_keymap_bind(km, "quit", "<Hyper-x>", "config.yaml:8", &err), -1);
    assert_non_null(strstr(err.message, "<Hyper-x>"));
    assert_non_null(strstr(err.message, "config.yaml:8"));
    /* A failed bind leaves the old keys. */
    assert_int_equal(tui_keymap_lookup(km, TUI_VIEW_MODELS, 'Q'), TUI_ACT_QUIT);
    tui_keymap_free(km);
}

static void table_text_lists_every_action_with_keys_and_views(void **state)
{
    (void)state;
    tui_keymap *km = tui_keymap_new();
    char *t = tui_keymap_table_text(km);
    for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
        char needle[64];
        snprintf(needle, sizeof(needle), "%s\t", tui_action_info_at((tui_action)a)->name);
        assert_non_null(strstr(t, needle));
    }
    assert_non_null(strstr(t, "deploy\td\tmodels,model\t"));
    assert_non_null(strstr(t, "(not with --readonly)"));
    free(t);
    tui_keymap_free(km);
}

static void help_text_can_leave_out_printable_keys(void **state)
{
    (void)state;
    tui_keymap *km = tui_keymap_new();
    char buf[64];
    assert_string_equal(tui_keymap_keys_text(km, TUI_ACT_BACK, true, buf, sizeof(buf)), "<Esc> q");
    assert_string_equal(tui_keymap_keys_text(km, TUI_ACT_BACK, false, buf, sizeof(buf)), "<Esc>");
    tui_keymap_free(km);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_action_has_a_name_help_and_parsable_default_keys),
        cmocka_unit_test(action_names_are_unique_and_found_by_name),
        cmocka_unit_test(no_key_is_bound_to_two_actions_in_the_same_view),
        cmocka_unit_test(lookup_depends_on_the_view),
        cmocka_unit_test(key_names_round_trip),
        cmocka_unit_test(bind_replaces_the_keys_of_an_action),
        cmocka_unit_test(bind_errors_name_the_source_and_the_culprit),
        cmocka_unit_test(table_text_lists_every_action_with_keys_and_views),
        cmocka_unit_test(help_text_can_leave_out_printable_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
