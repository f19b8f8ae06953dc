/* Themes: the shipped files, errors with file:line, colour reduction,
 * NO_COLOR and monochrome. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "theme.h"

static char *theme_path(const char *name)
{
    const char *src = getenv("TTSTUI_SOURCE_DIR");
    return tt_asprintf("%s/themes/%s.yaml", src ? src : "../..", name);
}

static tui_theme *parse(const char *yaml, tt_error *err)
{
    return tui_theme_parse(yaml, strlen(yaml), "test.yaml", err);
}

static void shipped_themes_load_and_name_every_role(void **state)
{
    (void)state;
    const char *names[] = {"dark", "light", "mono"};
    for (size_t i = 0; i < 3; i++) {
        char *path = theme_path(names[i]);
        tt_error err;
        tui_theme *t = tui_theme_load(path, &err);
        if (!t)
            fail_msg("%s: %s", path, err.message);
        assert_string_equal(tui_theme_name(t), names[i]);
        for (int r = 0; r < TUI_ROLE_COUNT; r++)
            if (!tui_theme_style(t, (tui_role)r)->set)
                fail_msg("%s does not set role %s", names[i], tui_role_name((tui_role)r));
        tui_theme_free(t);
        free(path);
    }
}

static void builtin_default_matches_dark_yaml(void **state)
{
    (void)state;
    char *path = theme_path("dark");
    tt_error err;
    tui_theme *file = tui_theme_load(path, &err);
    assert_non_null(file);
    tui_theme *builtin = tui_theme_builtin();
    assert_string_equal(tui_theme_source(builtin), "built-in");
    for (int r = 0; r < TUI_ROLE_COUNT; r++) {
        const tui_style *a = tui_theme_style(file, (tui_role)r), *b = tui_theme_style(builtin, (tui_role)r);
        assert_int_equal(a->fg, b->fg);
        assert_int_equal(a->bg, b->bg);
        assert_int_equal(a->attrs, b->attrs);
    }
    tui_theme_free(file);
    tui_theme_free(builtin);
    free(path);
}

static void colours_take_names_and_numbers(void **state)
{
    (void)state;
    tt_error err;
    tui_theme *t = parse("name: t\nroles:\n  header: {fg: bright-white, bg: 24, attrs: [bold, underline]}\n"
                         "  error: {fg: red, attrs: bold}\n",
                         &err);
    assert_non_null(t);
    const tui_style *h = tui_theme_style(t, TUI_ROLE_HEADER);
    assert_int_equal(h->fg, 15);
    assert_int_equal(h->bg, 24);
    assert_int_equal(h->attrs, A_BOLD | A_UNDERLINE);
    assert_int_equal(tui_theme_style(t, TUI_ROLE_ERROR)->fg, 1);
    /* A role left out keeps its monochrome look. */
    assert_false(tui_theme_style(t, TUI_ROLE_DIFF_ADD)->set);
    tui_theme_free(t);
}

static void unknown_role_is_an_error_naming_file_and_line(void **state)
{
    (void)state;
    tt_error err;
    assert_null(parse("name: t\nroles:\n  header: {fg: red}\n  headr: {fg: red}\n", &err));
    assert_non_null(strstr(err.message, "test.yaml:4"));
    assert_non_null(strstr(err.message, "headr"));
}

static void unknown_colour_is_an_error_naming_file_line_and_role(void **state)
{
    (void)state;
    tt_error err;
    assert_null(parse("name: t\nroles:\n  header:\n    fg: purplish\n", &err));
    assert_non_null(strstr(err.message, "test.yaml:4"));
    assert_non_null(strstr(err.message, "purplish"));
    assert_non_null(strstr(err.message, "header.fg"));
    assert_null(parse("roles:\n  header: {bg: 256}\n", &err));
    assert_non_null(strstr(err.message, "'256'"));
}

static void bad_attribute_and_bad_yaml_are_errors(void **state)
{
    (void)state;
    tt_error err;
    assert_null(parse("roles:\n  header: {attrs: [sparkly]}\n", &err));
    assert_non_null(strstr(err.message, "sparkly"));
    assert_null(parse("roles: [\n", &err));
    assert_non_null(strstr(err.message, "test.yaml:"));
}

static void unknown_theme_name_says_where_it_looked(void **state)
{
    (void)state;
    tt_error err;
    assert_null(tui_theme_load("no-such-theme", &err));
    assert_non_null(strstr(err.message, "no-such-theme.yaml"));
    assert_non_null(strstr(err.message, "dark, light, mono"));
}

static void colours_256_map_to_the_nearest_of_8(void **state)
{
    (void)state;
    assert_int_equal(tui_color_reduce(196, 8), 1); /* red */
    assert_int_equal(tui_color_reduce(46, 8), 2);  /* green */
    assert_int_equal(tui_color_reduce(21, 8), 4);  /* blue */
    assert_int_equal(tui_color_reduce(208, 8), 3); /* orange -> yellow */
    assert_int_equal(tui_color_reduce(16, 8), 0);  /* black */
    assert_int_equal(tui_color_reduce(231, 8), 7); /* white */
    assert_int_equal(tui_color_reduce(232, 8), 0); /* darkest grey */
    assert_int_equal(tui_color_reduce(254, 8), 7); /* lightest grey */
    assert_int_equal(tui_color_reduce(9, 8), 1);   /* bright red -> red */
    assert_int_equal(tui_color_reduce(5, 8), 5);   /* already fits */
    assert_int_equal(tui_color_reduce(-1, 8), -1); /* default stays */
}

static void colours_keep_bright_variants_on_16_colour_terminals(void **state)
{
    (void)state;
    assert_int_equal(tui_color_reduce(9, 16), 9);
    assert_int_equal(tui_color_reduce(196, 16), 9);
    assert_int_equal(tui_color_reduce(196, 256), 196);
}

static void palette_reduces_theme_colours_for_8_colour_terminals(void **state)
{
    (void)state;
    tt_error err;
    tui_theme *t = parse("roles:\n  header: {fg: 231, bg: 160}\n", &err);
    tui_palette p;
    tui_palette_resolve(&p, t, 8, false);
    assert_true(p.color);
    assert_int_equal(p.fg[TUI_ROLE_HEADER], 7);
    assert_int_equal(p.bg[TUI_ROLE_HEADER], 1);
    tui_palette_resolve(&p, t, 256, false);
    assert_int_equal(p.bg[TUI_ROLE_HEADER], 160);
    tui_theme_free(t);
}

static void no_color_set_and_non_empty_means_monochrome(void **state)
{
    (void)state;
    setenv("NO_COLOR", "1", 1);
    assert_true(tui_no_color_requested());
    setenv("NO_COLOR", "", 1);
    assert_false(tui_no_color_requested());
    unsetenv("NO_COLOR");
    assert_false(tui_no_color_requested());
}

static void monochrome_palette_uses_the_role_attributes_only(void **state)
{
    (void)state;
    tui_theme *t = tui_theme_builtin();
    tui_palette p;
    tui_palette_resolve(&p, t, 256, true);
    assert_false(p.color);
    for (int r = 0; r < TUI_ROLE_COUNT; r++) {
        assert_int_equal(p.attrs[r], tui_role_mono_attr((tui_role)r));
        assert_int_equal(tui_palette_attr(&p, (tui_role)r), tui_role_mono_attr((tui_role)r));
    }
    /* No colour support at all: the same. */
    tui_palette_resolve(&p, t, 0, false);
    assert_false(p.color);
    assert_int_equal(tui_palette_attr(&p, TUI_ROLE_SELECTION), A_REVERSE);
    tui_theme_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_themes_load_and_name_every_role),
        cmocka_unit_test(builtin_default_matches_dark_yaml),
        cmocka_unit_test(colours_take_names_and_numbers),
        cmocka_unit_test(unknown_role_is_an_error_naming_file_and_line),
        cmocka_unit_test(unknown_colour_is_an_error_naming_file_line_and_role),
        cmocka_unit_test(bad_attribute_and_bad_yaml_are_errors),
        cmocka_unit_test(unknown_theme_name_says_where_it_looked),
        cmocka_unit_test(colours_256_map_to_the_nearest_of_8),
        cmocka_unit_test(colours_keep_bright_variants_on_16_colour_terminals),
        cmocka_unit_test(palette_reduces_theme_colours_for_8_colour_terminals),
        cmocka_unit_test(no_color_set_and_non_empty_means_monochrome),
        cmocka_unit_test(monochrome_palette_uses_the_role_attributes_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
