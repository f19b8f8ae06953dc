/*
 * Theme loading (tui/theme.h): the input is a theme YAML document
 * (themes/<name>.yaml). Parse it, read every role's style, and resolve it
 * for monochrome, 8-, 16- and 256-colour terminals. No curses calls:
 * parsing and resolution are pure; only tui_palette_activate needs a
 * terminal and it is not called.
 */
#include "fuzz_target.h"
#include "theme.h"

static void check_palette(const tui_theme *t, int n_colors, bool mono)
{
    tui_palette p;
    tui_palette_resolve(&p, t, n_colors, mono);
    FUZZ_CHECK(!(p.color && mono), "monochrome forced but colours on");
    for (int r = 0; r < TUI_ROLE_COUNT; r++) {
        /* Colours the terminal has pass through; others map to 8 or 16. */
        int limit = n_colors >= 256 ? 256 : n_colors >= 16 ? n_colors : 8;
        if (p.color) {
            FUZZ_CHECK(p.fg[r] >= TUI_COLOR_DEFAULT && p.fg[r] < limit,
                       "role %s: fg %d on a %d-colour terminal", tui_role_name((tui_role)r),
                       p.fg[r], n_colors);
            FUZZ_CHECK(p.bg[r] >= TUI_COLOR_DEFAULT && p.bg[r] < limit,
                       "role %s: bg %d on a %d-colour terminal", tui_role_name((tui_role)r),
                       p.bg[r], n_colors);
        } else {
            FUZZ_CHECK(p.attrs[r] == tui_role_mono_attr((tui_role)r),
                       "role %s: monochrome attributes differ", tui_role_name((tui_role)r));
        }
        (void)tui_palette_attr(&p, (tui_role)r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tt_error err;
    tt_error_clear(&err);
    tui_theme *t = tui_theme_parse((const char *)data, size, "fuzz.yaml", &err);
    fuzz_check_error(&err, t == NULL);
    if (!t)
        return 0;
    (void)tui_theme_name(t);
    FUZZ_CHECK(tui_theme_source(t) != NULL, "a parsed theme has a source");
    for (int r = 0; r < TUI_ROLE_COUNT; r++) {
        const tui_style *st = tui_theme_style(t, (tui_role)r);
        FUZZ_CHECK(st != NULL, "role %d has no style", r);
        FUZZ_CHECK(st->fg >= TUI_COLOR_DEFAULT && st->fg <= 255, "fg %d out of range", st->fg);
        FUZZ_CHECK(st->bg >= TUI_COLOR_DEFAULT && st->bg <= 255, "bg %d out of range", st->bg);
    }
    static const int terminals[] = {0, 1, 8, 16, 88, 256};
    for (size_t i = 0; i < TT_ARRAY_LEN(terminals); i++) {
        check_palette(t, terminals[i], false);
        check_palette(t, terminals[i], true);
    }
    tui_theme_free(t);
    return 0;
}
