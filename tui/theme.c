#include "theme.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <yaml.h>

#include "theme_builtin.h" /* generated from themes/dark.yaml by CMake */

#ifndef TTSTUI_THEME_DATADIR
#define TTSTUI_THEME_DATADIR "/usr/local/share/ttstui/themes"
#endif
#ifndef TTSTUI_THEME_SRCDIR
#define TTSTUI_THEME_SRCDIR "themes"
#endif

static const char *const role_names[] = {
#define X(id, name, mono) name,
    TUI_ROLES(X)
#undef X
};

static const attr_t role_mono[] = {
#define X(id, name, mono) mono,
    TUI_ROLES(X)
#undef X
};

struct tui_theme {
    char *name;
    char *source;
    tui_style styles[TUI_ROLE_COUNT];
};

const char *tui_role_name(tui_role r)
{
    return (unsigned)r < TUI_ROLE_COUNT ? role_names[r] : "?";
}

tui_role tui_role_by_name(const char *name)
{
    for (int i = 0; i < TUI_ROLE_COUNT; i++)
        if (tt_streq(role_names[i], name))
            return (tui_role)i;
    return (tui_role)-1;
}

attr_t tui_role_mono_attr(tui_role r)
{
    return (unsigned)r < TUI_ROLE_COUNT ? role_mono[r] : A_NORMAL;
}

/* ---- colours ------------------------------------------------------------ */

static const struct {
    const char *name;
    short color;
} color_names[] = {
    {"default", TUI_COLOR_DEFAULT}, {"black", 0}, {"red", 1}, {"green", 2}, {"yellow", 3},
    {"blue", 4}, {"magenta", 5}, {"cyan", 6}, {"white", 7}, {"gray", 8}, {"grey", 8},
    {"bright-black", 8}, {"bright-red", 9}, {"bright-green", 10}, {"bright-yellow", 11},
    {"bright-blue", 12}, {"bright-magenta", 13}, {"bright-cyan", 14}, {"bright-white", 15},
};

static const struct {
    const char *name;
    attr_t attr;
} attr_names[] = {
    {"normal", A_NORMAL}, {"bold", A_BOLD}, {"dim", A_DIM}, {"underline", A_UNDERLINE},
    {"reverse", A_REVERSE}, {"standout", A_STANDOUT}, {"blink", A_BLINK},
    {"italic", A_ITALIC},
};

/* xterm's palette as RGB, for nearest-colour reduction. */
static void xterm_rgb(int c, int rgb[3])
{
    static const int base[16][3] = {
        {0, 0, 0}, {205, 0, 0}, {0, 205, 0}, {205, 205, 0}, {0, 0, 238}, {205, 0, 205},
        {0, 205, 205}, {229, 229, 229}, {127, 127, 127}, {255, 0, 0}, {0, 255, 0},
        {255, 255, 0}, {92, 92, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
    };
    static const int level[6] = {0, 95, 135, 175, 215, 255};
    if (c < 16) {
        memcpy(rgb, base[c], sizeof(base[c]));
    } else if (c < 232) {
        int i = c - 16;
        rgb[0] = level[i / 36];
        rgb[1] = level[(i / 6) % 6];
        rgb[2] = level[i % 6];
    } else {
        rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
    }
}

short tui_color_reduce(short color, int n_colors)
{
    if (color < 0 || color < n_colors || n_colors >= 256)
        return color;
    int limit = n_colors >= 16 ? 16 : 8;
    if (color < 16 && limit == 8)
        return (short)(color - 8); /* bright variants: their dim twin */
    int rgb[3];
    xterm_rgb(color, rgb);
    long best = -1;
    short best_c = 0;
    for (int c = 0; c < limit; c++) {
        int o[3];
        xterm_rgb(c, o);
        long d = 0;
        for (int k = 0; k < 3; k++)
            d += (long)(rgb[k] - o[k]) * (rgb[k] - o[k]);
        if (best < 0 || d < best) {
            best = d;
            best_c = (short)c;
        }
    }
    return best_c;
}

bool tui_no_color_requested(void)
{
    const char *v = getenv("NO_COLOR");
    return v && *v;
}

/* ---- parsing ------------------------------------------------------------ */

static int node_line(const yaml_node_t *n)
{
    return (int)n->start_mark.line + 1;
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int parse_color(const yaml_node_t *n, const char *source, const char *role,
                       const char *what, short *out, tt_error *err)
{
    const char *v = scalar(n);
    if (v) {
        for (size_t i = 0; i < TT_ARRAY_LEN(color_names); i++) {
            if (strcasecmp(v, color_names[i].name) == 0) {
                *out = color_names[i].color;
                return 0;
            }
        }
        char *end;
        errno = 0;
        long c = strtol(v, &end, 10);
        if (*v && !*end && errno == 0 && c >= 0 && c <= 255) {
            *out = (short)c;
            return 0;
        }
    }
    tt_error_set(err, TT_EINVAL,
                 "%s:%d: unknown colour '%s' for %s.%s (use default, black, red, green, yellow, "
                 "blue, magenta, cyan, white, bright-<colour>, or a number 0-255)",
                 source, node_line(n), v ? v : "(not a scalar)", role, what);
    return -1;
}

static int parse_attr_word(const char *w, const yaml_node_t *n, const char *source,
                           const char *role, attr_t *attrs, tt_error *err)
{
    for (size_t i = 0; i < TT_ARRAY_LEN(attr_names); i++) {
        if (strcasecmp(w, attr_names[i].name) == 0) {
            *attrs |= attr_names[i].attr;
            return 0;
        }
    }
    tt_error_set(err, TT_EINVAL,
                 "%s:%d: unknown attribute '%s' for %s (use bold, dim, underline, reverse, "
                 "italic, standout, blink or normal)",
                 source, node_line(n), w, role);
    return -1;
}

static int parse_attrs(yaml_document_t *doc, const yaml_node_t *n, const char *source,
                       const char *role, attr_t *attrs, tt_error *err)
{
    *attrs = A_NORMAL;
    if (n->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++) {
            const yaml_node_t *item = yaml_document_get_node(doc, *it);
            const char *w = scalar(item);
            if (!w || parse_attr_word(w, item, source, role, attrs, err) < 0) {
                if (!w)
                    tt_error_set(err, TT_EINVAL, "%s:%d: %s.attrs: expected a list of words",
                                 source, node_line(item), role);
                return -1;
            }
        }
        return 0;
    }
    const char *v = scalar(n);
    if (!v) {
        tt_error_set(err, TT_EINVAL, "%s:%d: %s.attrs: expected a word or a list of words",
                     source, node_line(n), role);
        return -1;
    }
    char *copy = tt_strdup(v);
    int rc = 0;
    for (char *save = NULL, *w = strtok_r(copy, " ,", &save); w; w = strtok_r(NULL, " ,", &save)) {
        if (parse_attr_word(w, n, source, role, attrs, err) < 0) {
            rc = -1;
            break;
        }
    }
    free(copy);
    return rc;
}

static int parse_role(yaml_document_t *doc, const yaml_node_t *key, const yaml_node_t *val,
                      const char *source, tui_theme *t, tt_error *err)
{
    const char *name = scalar(key);
    tui_role r = tui_role_by_name(name);
    if ((int)r < 0) {
        tt_error_set(err, TT_EINVAL, "%s:%d: unknown role '%s' (roles: see themes/dark.yaml)",
                     source, node_line(key), name ? name : "(not a scalar)");
        return -1;
    }
    if (val->type != YAML_MAPPING_NODE) {
        tt_error_set(err, TT_EINVAL, "%s:%d: role '%s' must be a mapping with fg, bg, attrs",
                     source, node_line(val), name);
        return -1;
    }
    tui_style st = {TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT, A_NORMAL, true};
    for (yaml_node_pair_t *p = val->data.mapping.pairs.start; p < val->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(doc, p->value);
        const char *field = scalar(k);
        int rc;
        if (tt_streq(field, "fg"))
            rc = parse_color(v, source, name, "fg", &st.fg, err);
        else if (tt_streq(field, "bg"))
            rc = parse_color(v, source, name, "bg", &st.bg, err);
        else if (tt_streq(field, "attrs"))
            rc = parse_attrs(doc, v, source, name, &st.attrs, err);
        else {
            tt_error_set(err, TT_EINVAL, "%s:%d: unknown field '%s' in role '%s' (fg, bg, attrs)",
                         source, node_line(k), field ? field : "(not a scalar)", name);
            rc = -1;
        }
        if (rc < 0)
            return -1;
    }
    t->styles[r] = st;
    return 0;
}

static int parse_document(yaml_document_t *doc, const char *source, tui_theme *t, tt_error *err)
{
    yaml_node_t *root = yaml_document_get_root_node(doc);
    if (!root || root->type != YAML_MAPPING_NODE) {
        tt_error_set(err, TT_EINVAL, "%s:%d: a theme is a mapping with 'name' and 'roles'",
                     source, root ? node_line(root) : 1);
        return -1;
    }
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = yaml_document_get_node(doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(doc, p->value);
        const char *field = scalar(k);
        if (tt_streq(field, "name") && scalar(v)) {
            free(t->name);
            t->name = tt_strdup(scalar(v));
        } else if (tt_streq(field, "roles") && v->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *rp = v->data.mapping.pairs.start;
                 rp < v->data.mapping.pairs.top; rp++) {
                if (parse_role(doc, yaml_document_get_node(doc, rp->key),
                               yaml_document_get_node(doc, rp->value), source, t, err) < 0)
                    return -1;
            }
        } else {
            tt_error_set(err, TT_EINVAL,
                         "%s:%d: unexpected '%s' (a theme has 'name: <text>' and 'roles: "
                         "{<role>: {fg, bg, attrs}}')",
                         source, node_line(k), field ? field : "(not a scalar)");
            return -1;
        }
    }
    return 0;
}

tui_theme *tui_theme_parse(const char *yaml, size_t len, const char *source, tt_error *err)
{
    const char *src = source ? source : "theme";
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        tt_error_set(err, TT_EIO, "%s: cannot start the YAML parser", src);
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
    if (!yaml_parser_load(&parser, &doc)) {
        tt_error_set(err, TT_EINVAL, "%s:%zu:%zu: %s", src, parser.problem_mark.line + 1,
                     parser.problem_mark.column + 1,
                     parser.problem ? parser.problem : "invalid YAML");
        yaml_parser_delete(&parser);
        return NULL;
    }
    tui_theme *t = tt_calloc(1, sizeof(*t));
    t->source = tt_strdup(src);
    for (int i = 0; i < TUI_ROLE_COUNT; i++)
        t->styles[i] = (tui_style){TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT, role_mono[i], false};
    int rc = parse_document(&doc, src, t, err);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rc < 0) {
        tui_theme_free(t);
        return NULL;
    }
    if (!t->name) {
        /* The file's base name, without .yaml. */
        const char *base = strrchr(src, '/');
        base = base ? base + 1 : src;
        size_t n = strlen(base);
        if (tt_str_has_suffix(base, ".yaml"))
            n -= 5;
        t->name = tt_strndup(base, n);
    }
    return t;
}

tui_theme *tui_theme_builtin(void)
{
    tt_error err;
    tui_theme *t = tui_theme_parse(tui_builtin_theme_dark, strlen(tui_builtin_theme_dark),
                                   "built-in", &err);
    if (!t) {
        /* The build embeds a file the tests parse; fall back to plain roles. */
        t = tt_calloc(1, sizeof(*t));
        t->name = tt_strdup("dark");
        t->source = tt_strdup("built-in");
        for (int i = 0; i < TUI_ROLE_COUNT; i++)
            t->styles[i] = (tui_style){TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT, role_mono[i], false};
    }
    return t;
}

static tui_theme *load_path(const char *path, tt_error *err)
{
    size_t len;
    char *text = tt_read_file(path, &len, 1 << 20, err);
    if (!text)
        return NULL;
    tui_theme *t = tui_theme_parse(text, len, path, err);
    free(text);
    return t;
}

tui_theme *tui_theme_load(const char *name_or_path, tt_error *err)
{
    const char *name = name_or_path && *name_or_path ? name_or_path : "dark";
    if (strchr(name, '/') || tt_str_has_suffix(name, ".yaml"))
        return load_path(name, err);

    char *dirs[3] = {NULL, NULL, NULL};
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (xdg && *xdg)
        dirs[0] = tt_asprintf("%s/ttstui/themes", xdg);
    else if (home && *home)
        dirs[0] = tt_asprintf("%s/.config/ttstui/themes", home);
    dirs[1] = tt_strdup(TTSTUI_THEME_DATADIR);
    dirs[2] = tt_strdup(TTSTUI_THEME_SRCDIR);

    tui_theme *t = NULL;
    bool found = false;
    for (size_t i = 0; i < TT_ARRAY_LEN(dirs) && !found; i++) {
        if (!dirs[i])
            continue;
        char *path = tt_asprintf("%s/%s.yaml", dirs[i], name);
        if (access(path, R_OK) == 0) {
            found = true;
            t = load_path(path, err);
        }
        free(path);
    }
    if (!found && strcmp(name, "dark") == 0) {
        found = true;
        t = tui_theme_builtin();
    }
    if (!found)
        tt_error_set(err, TT_EINVAL,
                     "theme '%s' not found: looked for %s.yaml in %s, %s and %s (themes: dark, "
                     "light, mono, or a path to a .yaml file)",
                     name, name, dirs[0] ? dirs[0] : "(no $HOME)", dirs[1], dirs[2]);
    for (size_t i = 0; i < TT_ARRAY_LEN(dirs); i++)
        free(dirs[i]);
    return t;
}

void tui_theme_free(tui_theme *t)
{
    if (!t)
        return;
    free(t->name);
    free(t->source);
    free(t);
}

const char *tui_theme_name(const tui_theme *t)
{
    return t->name;
}

const char *tui_theme_source(const tui_theme *t)
{
    return t->source;
}

const tui_style *tui_theme_style(const tui_theme *t, tui_role r)
{
    return &t->styles[(unsigned)r < TUI_ROLE_COUNT ? r : TUI_ROLE_NORMAL];
}

/* ---- palettes ----------------------------------------------------------- */

void tui_palette_resolve(tui_palette *p, const tui_theme *t, int n_colors, bool mono)
{
    memset(p, 0, sizeof(*p));
    p->color = !mono && n_colors >= 8;
    for (int r = 0; r < TUI_ROLE_COUNT; r++) {
        const tui_style *st = tui_theme_style(t, (tui_role)r);
        p->fg[r] = TUI_COLOR_DEFAULT;
        p->bg[r] = TUI_COLOR_DEFAULT;
        if (!p->color) {
            p->attrs[r] = role_mono[r];
            continue;
        }
        /* A role the theme leaves out keeps its monochrome look. */
        p->attrs[r] = st->set ? st->attrs : role_mono[r];
        p->fg[r] = tui_color_reduce(st->fg, n_colors);
        p->bg[r] = tui_color_reduce(st->bg, n_colors);
    }
}

void tui_palette_activate(const tui_palette *p)
{
    if (!p->color)
        return;
    for (int r = 0; r < TUI_ROLE_COUNT; r++)
        init_pair((short)(r + 1), p->fg[r], p->bg[r]);
}

attr_t tui_palette_attr(const tui_palette *p, tui_role r)
{
    if ((unsigned)r >= TUI_ROLE_COUNT)
        r = TUI_ROLE_NORMAL;
    attr_t a = p->attrs[r];
    if (p->color && (p->fg[r] != TUI_COLOR_DEFAULT || p->bg[r] != TUI_COLOR_DEFAULT))
        a |= COLOR_PAIR(r + 1);
    return a;
}
