#include "keymap.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

static const tui_action_info action_table[] = {
#define X(id, name, keys, help, views, mutating) \
    {TUI_ACT_##id, name, keys, help, views, mutating},
    TUI_ACTIONS(X)
#undef X
};

static const char *const view_names[] = {
#define X(id, name, title) name,
    TUI_VIEWS(X)
#undef X
};

const char *tui_view_name(unsigned view)
{
    for (unsigned i = 0; i < TUI_VIEW_COUNT; i++)
        if (view == (1u << i))
            return view_names[i];
    return NULL;
}

/* ---- key names ---------------------------------------------------------- */

static const struct {
    const char *name;
    tui_key key;
} named_keys[] = {
    {"Enter", TUI_KEY_ENTER},
    {"Esc", TUI_KEY_ESC},
    {"Tab", TUI_KEY_TAB},
    {"Space", ' '},
    {"S-Tab", TUI_KEY_FN(KEY_BTAB)},
    {"Up", TUI_KEY_FN(KEY_UP)},
    {"Down", TUI_KEY_FN(KEY_DOWN)},
    {"Left", TUI_KEY_FN(KEY_LEFT)},
    {"Right", TUI_KEY_FN(KEY_RIGHT)},
    {"PageUp", TUI_KEY_FN(KEY_PPAGE)},
    {"PageDown", TUI_KEY_FN(KEY_NPAGE)},
    {"Home", TUI_KEY_FN(KEY_HOME)},
    {"End", TUI_KEY_FN(KEY_END)},
    {"Backspace", TUI_KEY_FN(KEY_BACKSPACE)},
    {"Delete", TUI_KEY_FN(KEY_DC)},
    {"Insert", TUI_KEY_FN(KEY_IC)},
};

/* Decodes one UTF-8 sequence; returns its length or 0 if invalid. */
static size_t utf8_decode(const char *s, int *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    size_t n = (u[0] & 0xe0) == 0xc0 ? 2 : (u[0] & 0xf0) == 0xe0 ? 3 : (u[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (!n)
        return 0;
    int v = u[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (u[i] & 0x3f);
    }
    *cp = v;
    return n;
}

tui_key tui_key_parse(const char *name)
{
    if (!name || !*name)
        return -1;
    size_t len = strlen(name);
    if (name[0] == '<' && len > 2 && name[len - 1] == '>') {
        char inner[32];
        if (len - 2 >= sizeof(inner))
            return -1;
        memcpy(inner, name + 1, len - 2);
        inner[len - 2] = '\0';
        for (size_t i = 0; i < TT_ARRAY_LEN(named_keys); i++)
            if (strcasecmp(inner, named_keys[i].name) == 0)
                return named_keys[i].key;
        if ((inner[0] == 'C' || inner[0] == 'c') && inner[1] == '-' && inner[2] && !inner[3]) {
            int c = inner[2];
            if (c >= 'A' && c <= 'Z')
                c += 'a' - 'A';
            if ((c >= 'a' && c <= 'z') || c == '[' || c == ']' || c == '\\')
                return TUI_KEY_CTRL(c);
            return -1;
        }
        if ((inner[0] == 'F' || inner[0] == 'f') && inner[1]) {
            char *end;
            long n = strtol(inner + 1, &end, 10);
            if (!*end && n >= 1 && n <= 12)
                return TUI_KEY_FN(KEY_F((int)n));
        }
        return -1;
    }
    int cp;
    size_t n = utf8_decode(name, &cp);
    if (n && name[n] == '\0')
        return cp < 0x20 || cp == 0x7f ? -1 : cp;
    /* A bare name, as the config file writes them: "C-c", "Enter". */
    if (len + 3 > 40)
        return -1;
    char wrapped[40];
    snprintf(wrapped, sizeof(wrapped), "<%s>", name);
    return tui_key_parse(wrapped);
}

const char *tui_key_name(tui_key key, char *buf, size_t size)
{
    for (size_t i = 0; i < TT_ARRAY_LEN(named_keys); i++) {
        if (named_keys[i].key == key) {
            snprintf(buf, size, "<%s>", named_keys[i].name);
            return buf;
        }
    }
    if (TUI_KEY_IS_FN(key)) {
        int k = key & ~TUI_KEY_FN_FLAG;
        if (k >= KEY_F(1) && k <= KEY_F(12))
            snprintf(buf, size, "<F%d>", k - KEY_F0);
        else
            snprintf(buf, size, "<key-%d>", k);
        return buf;
    }
    if (key > 0 && key < 0x20) {
        snprintf(buf, size, "<C-%c>", key + 'a' - 1);
        return buf;
    }
    /* UTF-8 encode the code point. */
    char tmp[5] = {0};
    unsigned c = (unsigned)key;
    if (c < 0x80) {
        tmp[0] = (char)c;
    } else if (c < 0x800) {
        tmp[0] = (char)(0xc0 | (c >> 6));
        tmp[1] = (char)(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        tmp[0] = (char)(0xe0 | (c >> 12));
        tmp[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        tmp[2] = (char)(0x80 | (c & 0x3f));
    } else {
        tmp[0] = (char)(0xf0 | (c >> 18));
        tmp[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        tmp[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        tmp[3] = (char)(0x80 | (c & 0x3f));
    }
    snprintf(buf, size, "%s", tmp);
    return buf;
}

bool tui_key_is_text(tui_key key)
{
    return !TUI_KEY_IS_FN(key) && key >= 0x20 && key != 0x7f;
}

/* ---- actions ------------------------------------------------------------ */

const tui_action_info *tui_action_info_at(tui_action a)
{
    if (a <= TUI_ACT_NONE || a >= TUI_ACT_COUNT)
        return NULL;
    return &action_table[a - 1];
}

tui_action tui_action_by_name(const char *name)
{
    for (size_t i = 0; i < TT_ARRAY_LEN(action_table); i++)
        if (tt_streq(action_table[i].name, name))
            return action_table[i].action;
    return TUI_ACT_NONE;
}

/* ---- the keymap --------------------------------------------------------- */

struct tui_keymap {
    tui_key keys[TUI_ACT_COUNT][TUI_KEYMAP_MAX_KEYS];
    size_t n_keys[TUI_ACT_COUNT];
};

/* Parses "a <b> c" into keys; returns the count or -1 with the bad key
 * copied into bad. */
static int parse_key_list(const char *text, tui_key *out, size_t max, char *bad, size_t bad_size)
{
    size_t n = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != ' ')
            p++;
        char word[40];
        size_t len = (size_t)(p - start);
        if (len >= sizeof(word) || n >= max) {
            snprintf(bad, bad_size, "%.*s", (int)(len < 39 ? len : 39), start);
            return -1;
        }
        memcpy(word, start, len);
        word[len] = '\0';
        tui_key k = tui_key_parse(word);
        if (k < 0) {
            snprintf(bad, bad_size, "%s", word);
            return -1;
        }
        out[n++] = k;
    }
    return (int)n;
}

tui_keymap *tui_keymap_new(void)
{
    tui_keymap *km = tt_calloc(1, sizeof(*km));
    for (size_t i = 0; i < TT_ARRAY_LEN(action_table); i++) {
        char bad[40];
        int n = parse_key_list(action_table[i].default_keys, km->keys[action_table[i].action],
                               TUI_KEYMAP_MAX_KEYS, bad, sizeof(bad));
        km->n_keys[action_table[i].action] = n > 0 ? (size_t)n : 0;
    }
    return km;
}

void tui_keymap_free(tui_keymap *km)
{
    free(km);
}

int tui_keymap_bind_list(tui_keymap *km, const char *action_name, const char *const *keys,
                         size_t n_keys, const char *source, tt_error *err)
{
    const char *src = source ? source : "keybindings";
    tui_action a = tui_action_by_name(action_name);
    if (a == TUI_ACT_NONE) {
        tt_error_set(err, TT_EINVAL, "%s: unknown action '%s' (see `ttstui --print-keys`)", src,
                     action_name ? action_name : "");
        return -1;
    }
    if (n_keys > TUI_KEYMAP_MAX_KEYS) {
        tt_error_set(err, TT_EINVAL, "%s: action '%s': at most %d keys", src, action_name,
                     TUI_KEYMAP_MAX_KEYS);
        return -1;
    }
    tui_key tmp[TUI_KEYMAP_MAX_KEYS];
    for (size_t i = 0; i < n_keys; i++) {
        tmp[i] = tui_key_parse(keys[i]);
        if (tmp[i] < 0) {
            tt_error_set(err, TT_EINVAL,
                         "%s: action '%s': cannot bind key '%s' (use a character or a name like "
                         "Enter, C-f, PageDown)",
                         src, action_name, keys[i] ? keys[i] : "");
            return -1;
        }
    }
    memcpy(km->keys[a], tmp, n_keys * sizeof(tui_key));
    km->n_keys[a] = n_keys;
    return 0;
}

int tui_keymap_bind(tui_keymap *km, const char *action_name, const char *keys,
                    const char *source, tt_error *err)
{
    const char *src = source ? source : "keybindings";
    tui_action a = tui_action_by_name(action_name);
    if (a == TUI_ACT_NONE) {
        tt_error_set(err, TT_EINVAL, "%s: unknown action '%s' (see `ttstui --print-keys`)", src,
                     action_name ? action_name : "");
        return -1;
    }
    tui_key tmp[TUI_KEYMAP_MAX_KEYS];
    char bad[40];
    int n = parse_key_list(keys ? keys : "", tmp, TUI_KEYMAP_MAX_KEYS, bad, sizeof(bad));
    if (n < 0) {
        tt_error_set(err, TT_EINVAL,
                     "%s: action '%s': cannot bind key '%s' (use a character or a name like "
                     "<Enter>, <C-f>, <PageDown>; at most %d keys)",
                     src, action_name, bad, TUI_KEYMAP_MAX_KEYS);
        return -1;
    }
    memcpy(km->keys[a], tmp, sizeof(tmp));
    km->n_keys[a] = (size_t)n;
    return 0;
}

tui_action tui_keymap_lookup(const tui_keymap *km, unsigned view, tui_key key)
{
    for (size_t i = 0; i < TT_ARRAY_LEN(action_table); i++) {
        const tui_action_info *ai = &action_table[i];
        if (!(ai->views & view))
            continue;
        for (size_t k = 0; k < km->n_keys[ai->action]; k++)
            if (km->keys[ai->action][k] == key)
                return ai->action;
    }
    return TUI_ACT_NONE;
}

size_t tui_keymap_key_count(const tui_keymap *km, tui_action a)
{
    return a > TUI_ACT_NONE && a < TUI_ACT_COUNT ? km->n_keys[a] : 0;
}

tui_key tui_keymap_key_at(const tui_keymap *km, tui_action a, size_t i)
{
    return i < tui_keymap_key_count(km, a) ? km->keys[a][i] : -1;
}

const char *tui_keymap_keys_text(const tui_keymap *km, tui_action a, bool text_keys, char *buf,
                                 size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < tui_keymap_key_count(km, a); i++) {
        tui_key k = km->keys[a][i];
        if (!text_keys && tui_key_is_text(k))
            continue;
        char name[32];
        tui_key_name(k, name, sizeof(name));
        int w = snprintf(buf + used, size - used, "%s%s", used ? " " : "", name);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
    return buf;
}

char *tui_keymap_table_text(const tui_keymap *km)
{
    tt_buf b = TT_BUF_INIT;
    for (size_t i = 0; i < TT_ARRAY_LEN(action_table); i++) {
        const tui_action_info *ai = &action_table[i];
        char keys[128];
        tui_keymap_keys_text(km, ai->action, true, keys, sizeof(keys));
        tt_buf_printf(&b, "%s\t%s\t", ai->name, keys);
        bool first = true;
        for (unsigned v = 0; v < TUI_VIEW_COUNT; v++) {
            if (ai->views & (1u << v)) {
                tt_buf_printf(&b, "%s%s", first ? "" : ",", view_names[v]);
                first = false;
            }
        }
        tt_buf_printf(&b, "\t%s%s\n", ai->help, ai->mutating ? " (not with --readonly)" : "");
    }
    return tt_buf_steal(&b);
}
