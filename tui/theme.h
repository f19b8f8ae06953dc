/*
 * Colour roles and themes. Views ask for a role ("status_ok", "diff_add"),
 * never for a colour. A theme (themes/<name>.yaml) gives each role fg, bg
 * and attributes; each role also has a monochrome attribute used when the
 * terminal has no colours or NO_COLOR is set. Parsing and resolution are
 * pure (testable without a terminal); tui_palette_activate talks to curses.
 */
#ifndef TUI_THEME_H
#define TUI_THEME_H

#include <curses.h>
#include <stdbool.h>

#include "tt_common.h"

/* X(id, yaml name, monochrome attributes) */
#define TUI_ROLES(X)                                        \
    X(NORMAL, "normal", A_NORMAL)                           \
    X(HEADER, "header", A_REVERSE)                          \
    X(STATUS_OK, "status_ok", A_BOLD)                       \
    X(STATUS_FAIL, "status_fail", A_BOLD | A_UNDERLINE)     \
    X(STATUS_PENDING, "status_pending", A_NORMAL)           \
    X(SELECTION, "selection", A_REVERSE)                    \
    X(DIM, "dim", A_DIM)                                    \
    X(YAML_KEY, "yaml_key", A_BOLD)                         \
    X(YAML_VALUE, "yaml_value", A_NORMAL)                   \
    X(YAML_COMMENT, "yaml_comment", A_DIM)                  \
    X(DIFF_ADD, "diff_add", A_BOLD)                         \
    X(DIFF_REMOVE, "diff_remove", A_UNDERLINE)              \
    X(DIFF_HUNK, "diff_hunk", A_DIM)                        \
    X(BANNER_PROD, "banner_prod", A_REVERSE | A_BOLD)       \
    X(BANNER_STAGING, "banner_staging", A_REVERSE)          \
    X(ERROR, "error", A_BOLD)                               \
    X(WARNING, "warning", A_BOLD)                           \
    X(INPUT, "input", A_UNDERLINE)                          \
    X(INPUT_ERROR, "input_error", A_BOLD | A_UNDERLINE)     \
    X(BORDER, "border", A_NORMAL)                           \
    X(TITLE, "title", A_BOLD)                               \
    X(PINNED, "pinned", A_BOLD)                             \
    X(COLUMN_HEADER, "column_header", A_BOLD | A_UNDERLINE) \
    X(SEARCH_MATCH, "search_match", A_REVERSE)              \
    X(BUTTON, "button", A_NORMAL)                           \
    X(BUTTON_FOCUS, "button_focus", A_REVERSE | A_BOLD)

typedef enum tui_role {
#define X(id, name, mono) TUI_ROLE_##id,
    TUI_ROLES(X)
#undef X
    TUI_ROLE_COUNT
} tui_role;

const char *tui_role_name(tui_role r);
tui_role tui_role_by_name(const char *name); /* -1 (cast) when unknown */
attr_t tui_role_mono_attr(tui_role r);

#define TUI_COLOR_DEFAULT (-1)

typedef struct tui_style {
    short fg, bg;  /* 0-255 or TUI_COLOR_DEFAULT */
    attr_t attrs;  /* A_BOLD ... */
    bool set;      /* the theme named this role */
} tui_style;

typedef struct tui_theme tui_theme;

/* Parses a theme document; source names the file in errors
 * ("themes/dark.yaml:12: unknown role 'headr'"). Caller frees. */
tui_theme *tui_theme_parse(const char *yaml, size_t len, const char *source, tt_error *err);
/* name_or_path: a path (contains '/' or ends in .yaml) or a theme name
 * looked up in $XDG_CONFIG_HOME/ttstui/themes (~/.config/...), the install
 * datadir, the source tree's themes/, and for "dark" the built-in copy.
 * NULL means "dark". Caller frees. */
tui_theme *tui_theme_load(const char *name_or_path, tt_error *err);
/* The compiled-in default (themes/dark.yaml at build time). */
tui_theme *tui_theme_builtin(void);
void tui_theme_free(tui_theme *t);
const char *tui_theme_name(const tui_theme *t);
/* Where the theme came from: a path or "built-in". */
const char *tui_theme_source(const tui_theme *t);
const tui_style *tui_theme_style(const tui_theme *t, tui_role r);

/* Maps a 0-255 colour to the nearest of the first n_colors (8 or 16)
 * xterm colours; colours already below n_colors and -1 pass through. */
short tui_color_reduce(short color, int n_colors);
/* NO_COLOR set and non-empty (https://no-color.org). */
bool tui_no_color_requested(void);

/* A theme resolved for one terminal: what a role draws with. */
typedef struct tui_palette {
    bool color;                 /* false: monochrome attributes */
    short fg[TUI_ROLE_COUNT];   /* after reduction to the terminal */
    short bg[TUI_ROLE_COUNT];
    attr_t attrs[TUI_ROLE_COUNT]; /* without the colour pair */
} tui_palette;

/* n_colors: COLORS of the terminal (0 or 1 = none); mono forces
 * monochrome (NO_COLOR, or a theme choice). */
void tui_palette_resolve(tui_palette *p, const tui_theme *t, int n_colors, bool mono);
/* init_pair for every role (needs curses started). */
void tui_palette_activate(const tui_palette *p);
/* Attributes (with colour pair) to draw a role with. */
attr_t tui_palette_attr(const tui_palette *p, tui_role r);

#endif
