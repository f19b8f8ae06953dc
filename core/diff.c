/*
 * Object diff: normalise, prune, render both sides to stable text lines,
 * then an LCS line diff (after trimming the common prefix and suffix)
 * grouped into unified hunks.
 */
#include "diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mask.h"
#include "tt_common.h"
#include "tt_text.h"

#define DEFAULT_CONTEXT 3
/* Above this many LCS cells the middle of a diff is shown as all removed
 * then all added: still a correct diff, only not minimal. */
#define LCS_MAX_CELLS (4u * 1024u * 1024u)

struct diff_result {
    diff_object *objects;
    size_t n;
};

/* ---- normalisation ------------------------------------------------------ */

json_t *diff_normalize(const json_t *obj)
{
    static const char *const meta_drop[] = {
        "managedFields", "resourceVersion", "uid", "creationTimestamp", "generation",
        "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences"};
    static const char *const ann_drop[] = {
        "serving.knative.dev/creator", "serving.knative.dev/lastModifier",
        "kubectl.kubernetes.io/last-applied-configuration"};
    if (!obj)
        return NULL;
    json_t *copy = json_deep_copy(obj);
    if (!json_is_object(copy))
        return copy;
    json_object_del(copy, "status");
    json_t *md = json_object_get(copy, "metadata");
    for (size_t i = 0; i < TT_ARRAY_LEN(meta_drop); i++)
        json_object_del(md, meta_drop[i]);
    json_t *ann = json_object_get(md, "annotations");
    for (size_t i = 0; i < TT_ARRAY_LEN(ann_drop); i++)
        json_object_del(ann, ann_drop[i]);
    if (json_is_object(ann) && json_object_size(ann) == 0)
        json_object_del(md, "annotations");
    return copy;
}

static void prune_in_place(json_t *live, const json_t *desired)
{
    if (json_is_object(live) && json_is_object(desired)) {
        const char *key;
        json_t *v;
        void *tmp;
        json_object_foreach_safe(live, tmp, key, v) {
            const json_t *d = json_object_get(desired, key);
            if (!d)
                json_object_del(live, key);
            else
                prune_in_place(v, d);
        }
    } else if (json_is_array(live) && json_is_array(desired) &&
               json_array_size(live) == json_array_size(desired)) {
        for (size_t i = 0; i < json_array_size(live); i++)
            prune_in_place(json_array_get(live, i), json_array_get(desired, i));
    }
}

json_t *diff_prune_to(const json_t *live, const json_t *desired)
{
    if (!live)
        return NULL;
    json_t *copy = json_deep_copy(live);
    prune_in_place(copy, desired);
    return copy;
}

/* ---- text form ------------------------------------------------------------ */

typedef struct lines {
    char **v;
    size_t n, cap;
} lines;

static void lines_push(lines *l, char *owned)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = tt_realloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = owned;
}

static void lines_free(lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

static bool looks_like_number(const char *s)
{
    char *end;
    (void)strtod(s, &end);
    return end != s && *end == '\0';
}

/* A string can go unquoted when YAML would read it back as the same string. */
static bool plain_safe(const char *s)
{
    static const char *const words[] = {"true", "false", "null", "yes", "no", "on", "off", "~"};
    if (!*s || strchr(" \t-?:,[]{}#&*!|>'\"%@`", s[0]) || s[strlen(s) - 1] == ' ' ||
        strstr(s, ": ") || strstr(s, " #") || tt_str_has_suffix(s, ":") || looks_like_number(s))
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return false;
    for (size_t i = 0; i < TT_ARRAY_LEN(words); i++)
        if (strcasecmp(s, words[i]) == 0)
            return false;
    return true;
}

/* A JSON-quoted form, which YAML reads as the same string. Caller frees. */
static char *quoted(const char *s)
{
    json_t *j = json_string(s);
    char *out = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    return out ? out : tt_strdup("\"\"");
}

static char *scalar_text(const json_t *v)
{
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        return plain_safe(s) ? tt_strdup(s) : quoted(s);
    }
    char *out = json_dumps(v, JSON_ENCODE_ANY);
    return out ? out : tt_strdup("null");
}

/* Multi-line strings without other control characters go as a "|" block. */
static bool is_block_string(const json_t *v)
{
    if (!json_is_string(v))
        return false;
    const char *s = json_string_value(v);
    if (!strchr(s, '\n'))
        return false;
    for (const char *p = s; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\n') || *p == 0x7f)
            return false;
    return s[0] != ' ' && s[0] != '\n';
}

static void push_block(lines *out, const char *s, int indent)
{
    const char *p = s;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lines_push(out, tt_asprintf("%*s%.*s", indent, "", (int)len, p));
        if (!nl)
            break;
        p = nl + 1;
    }
}

static const char *block_marker(const json_t *v)
{
    return tt_str_has_suffix(json_string_value(v), "\n") ? "|" : "|-";
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void text_value(lines *out, const json_t *v, int indent);

static bool is_empty_container(const json_t *v)
{
    return (json_is_object(v) && json_object_size(v) == 0) ||
           (json_is_array(v) && json_array_size(v) == 0);
}

static void text_entry(lines *out, const char *key, const json_t *v, int indent)
{
    char *k = plain_safe(key) ? tt_strdup(key) : quoted(key);
    if (is_block_string(v)) {
        lines_push(out, tt_asprintf("%*s%s: %s", indent, "", k, block_marker(v)));
        push_block(out, json_string_value(v), indent + 2);
    } else if (is_empty_container(v)) {
        lines_push(out, tt_asprintf("%*s%s: %s", indent, "", k, json_is_object(v) ? "{}" : "[]"));
    } else if (json_is_object(v) || json_is_array(v)) {
        lines_push(out, tt_asprintf("%*s%s:", indent, "", k));
        text_value(out, v, indent + 2);
    } else {
        char *s = scalar_text(v);
        lines_push(out, tt_asprintf("%*s%s: %s", indent, "", k, s));
        free(s);
    }
    free(k);
}

static void text_item(lines *out, const json_t *v, int indent)
{
    if (is_block_string(v)) {
        lines_push(out, tt_asprintf("%*s- %s", indent, "", block_marker(v)));
        push_block(out, json_string_value(v), indent + 2);
    } else if (is_empty_container(v)) {
        lines_push(out, tt_asprintf("%*s- %s", indent, "", json_is_object(v) ? "{}" : "[]"));
    } else if (json_is_object(v) || json_is_array(v)) {
        size_t first = out->n;
        text_value(out, v, indent + 2);
        /* "    key: x" -> "  - key: x" */
        out->v[first][indent] = '-';
    } else {
        char *s = scalar_text(v);
        lines_push(out, tt_asprintf("%*s- %s", indent, "", s));
        free(s);
    }
}

static void text_value(lines *out, const json_t *v, int indent)
{
    if (json_is_object(v)) {
        size_t n = json_object_size(v), i = 0;
        const char **keys = tt_calloc(n ? n : 1, sizeof *keys);
        const char *key;
        json_t *child;
        json_object_foreach((json_t *)v, key, child)
            keys[i++] = key;
        qsort(keys, n, sizeof *keys, cmp_keys);
        for (i = 0; i < n; i++)
            text_entry(out, keys[i], json_object_get(v, keys[i]), indent);
        free(keys);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
            text_item(out, item, indent);
    } else {
        char *s = scalar_text(v);
        lines_push(out, tt_asprintf("%*s%s", indent, "", s));
        free(s);
    }
}

/* ---- line diff ------------------------------------------------------------- */

typedef enum { OP_EQ, OP_DEL, OP_INS } op_kind;
typedef struct op {
    op_kind kind;
    size_t a, b; /* index in a (EQ, DEL) and in b (EQ, INS) */
} op;

typedef struct ops {
    op *v;
    size_t n, cap;
} ops;

static void ops_push(ops *o, op_kind kind, size_t a, size_t b)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 64;
        o->v = tt_realloc(o->v, o->cap * sizeof *o->v);
    }
    o->v[o->n++] = (op){kind, a, b};
}

static void line_diff(const lines *a, const lines *b, ops *out)
{
    size_t n = a->n, m = b->n, pre = 0, suf = 0;
    while (pre < n && pre < m && strcmp(a->v[pre], b->v[pre]) == 0)
        pre++;
    while (suf < n - pre && suf < m - pre && strcmp(a->v[n - 1 - suf], b->v[m - 1 - suf]) == 0)
        suf++;
    for (size_t i = 0; i < pre; i++)
        ops_push(out, OP_EQ, i, i);
    size_t an = n - pre - suf, bn = m - pre - suf;
    size_t w = bn + 1;
    if (an && bn && (an + 1) <= LCS_MAX_CELLS / w) {
        /* L[i][j] = LCS length of a[pre+i..] and b[pre+j..] */
        uint32_t *L = tt_calloc((an + 1) * w, sizeof *L);
        for (size_t i = an; i-- > 0;)
            for (size_t j = bn; j-- > 0;)
                L[i * w + j] = strcmp(a->v[pre + i], b->v[pre + j]) == 0
                                   ? L[(i + 1) * w + j + 1] + 1
                                   : (L[(i + 1) * w + j] >= L[i * w + j + 1] ? L[(i + 1) * w + j]
                                                                              : L[i * w + j + 1]);
        size_t i = 0, j = 0;
        while (i < an || j < bn) {
            if (i < an && j < bn && strcmp(a->v[pre + i], b->v[pre + j]) == 0) {
                ops_push(out, OP_EQ, pre + i, pre + j);
                i++, j++;
            } else if (j == bn || (i < an && L[(i + 1) * w + j] >= L[i * w + j + 1])) {
                ops_push(out, OP_DEL, pre + i, pre + j);
                i++;
            } else {
                ops_push(out, OP_INS, pre + i, pre + j);
                j++;
            }
        }
        free(L);
    } else {
        for (size_t i = 0; i < an; i++)
            ops_push(out, OP_DEL, pre + i, pre);
        for (size_t j = 0; j < bn; j++)
            ops_push(out, OP_INS, pre + an, pre + j);
    }
    for (size_t k = 0; k < suf; k++)
        ops_push(out, OP_EQ, n - suf + k, m - suf + k);
}

/* ---- diff objects ------------------------------------------------------------ */

static void obj_line(diff_object *o, diff_line_kind kind, char *owned)
{
    o->lines = tt_realloc(o->lines, (o->n_lines + 1) * sizeof *o->lines);
    o->lines[o->n_lines++] = (diff_line){kind, owned};
}

/* "-3,2" / "-3" (count 1) / "-2,0" (empty: the line before). */
static char *range_text(char sign, size_t start0, size_t count)
{
    if (count == 1)
        return tt_asprintf("%c%zu", sign, start0 + 1);
    return tt_asprintf("%c%zu,%zu", sign, count ? start0 + 1 : start0, count);
}

static void emit_hunks(diff_object *o, const lines *a, const lines *b, const ops *d, size_t ctx)
{
    size_t i = 0;
    while (i < d->n) {
        size_t c = i;
        while (c < d->n && d->v[c].kind == OP_EQ)
            c++;
        if (c == d->n)
            break;
        size_t start = c - i > ctx ? c - ctx : i;
        size_t last = c;
        for (size_t j = c + 1; j < d->n; j++) {
            if (d->v[j].kind != OP_EQ)
                last = j;
            else if (j - last > 2 * ctx)
                break;
        }
        size_t end = last + 1 + ctx < d->n ? last + 1 + ctx : d->n;
        size_t na = 0, nb = 0;
        for (size_t j = start; j < end; j++) {
            na += d->v[j].kind != OP_INS;
            nb += d->v[j].kind != OP_DEL;
        }
        char *ra = range_text('-', d->v[start].a, na), *rb = range_text('+', d->v[start].b, nb);
        obj_line(o, DIFF_LINE_HUNK, tt_asprintf("@@ %s %s @@", ra, rb));
        free(ra);
        free(rb);
        for (size_t j = start; j < end; j++) {
            const op *p = &d->v[j];
            if (p->kind == OP_EQ)
                obj_line(o, DIFF_LINE_CONTEXT, tt_asprintf(" %s", a->v[p->a]));
            else if (p->kind == OP_DEL)
                obj_line(o, DIFF_LINE_REMOVE, tt_asprintf("-%s", a->v[p->a]));
            else
                obj_line(o, DIFF_LINE_ADD, tt_asprintf("+%s", b->v[p->b]));
        }
        i = end;
    }
}

static const char *jstr(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static bool is_secret(const json_t *obj)
{
    return tt_streq(jstr(obj, "kind"), "Secret");
}

/* Removes data and stringData from a Secret and returns key -> real value
 * (data decoded; stringData wins). Never printed. New reference. */
static json_t *take_secret_map(json_t *obj)
{
    json_t *map = json_object();
    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(obj, "data"), key, v) {
        const char *enc = json_string_value(v);
        size_t len = 0;
        unsigned char *dec = enc ? tt_base64_decode(enc, &len) : NULL;
        if (dec)
            json_object_set_new(map, key, json_stringn_nocheck((const char *)dec, len));
        else
            json_object_set_new(map, key, json_string_nocheck(enc ? enc : ""));
        if (dec)
            tt_explicit_bzero(dec, len);
        free(dec);
    }
    json_object_foreach(json_object_get(obj, "stringData"), key, v)
        if (json_is_string(v))
            json_object_set_new(map, key, json_copy(v));
    json_object_del(obj, "data");
    json_object_del(obj, "stringData");
    return map;
}

/* Puts a data map of markers in place of a Secret's values. mine = this
 * side's real values, other = the other side's (NULL when absent). */
static void put_secret_markers(json_t *obj, const json_t *mine, const json_t *other, bool live_side)
{
    if (!obj || json_object_size(mine) == 0)
        return;
    json_t *data = json_object();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)mine, key, v) {
        const json_t *o = other ? json_object_get(other, key) : NULL;
        const char *marker = !o              ? (live_side ? "(removed)" : "(added)")
                             : json_equal(v, (json_t *)o) ? "(unchanged)"
                             : live_side               ? "(previous value)"
                                                       : "(changed)";
        json_object_set_new(data, key, json_string(marker));
    }
    json_object_set_new(obj, "data", data);
}

static void to_lines(const json_t *obj, lines *out)
{
    if (!obj)
        return;
    json_t *masked = mask_object(obj);
    if (is_secret(obj)) {
        /* the data map holds our markers by now, never values */
        json_t *markers = json_object_get(obj, "data");
        if (markers)
            json_object_set(masked, "data", markers);
    }
    text_value(out, masked, 0);
    json_decref(masked);
}

static char *ident_path(const char *side, const diff_object *o)
{
    if (*o->ns)
        return tt_asprintf("%s/%s/%s/%s", side, o->kind, o->ns, o->name);
    return tt_asprintf("%s/%s/%s", side, o->kind, o->name);
}

static void diff_pair(diff_object *o, const json_t *desired, const json_t *live, size_t ctx)
{
    json_t *dn = diff_normalize(desired), *ln = diff_normalize(live);
    json_t *dmap = NULL, *lmap = NULL;
    if (dn && is_secret(dn))
        dmap = take_secret_map(dn);
    if (ln && is_secret(ln))
        lmap = take_secret_map(ln);
    json_t *lp = ln && dn ? diff_prune_to(ln, dn) : json_incref(ln);
    if (!desired)
        o->status = DIFF_REMOVED;
    else if (!live)
        o->status = DIFF_ADDED;
    else
        o->status = json_equal(dn, lp) && (!dmap == !lmap) && (!dmap || json_equal(dmap, lmap))
                        ? DIFF_UNCHANGED
                        : DIFF_CHANGED;
    if (o->status != DIFF_UNCHANGED) {
        put_secret_markers(dn, dmap, live ? lmap : NULL, false);
        put_secret_markers(lp, lmap, desired ? dmap : NULL, true);
        lines a = {0}, b = {0};
        to_lines(lp, &a);
        to_lines(dn, &b);
        obj_line(o, DIFF_LINE_HEADER, live ? ident_path("--- live", o) : tt_strdup("--- /dev/null"));
        obj_line(o, DIFF_LINE_HEADER,
                 desired ? ident_path("+++ release", o) : tt_strdup("+++ /dev/null"));
        ops d = {0};
        line_diff(&a, &b, &d);
        size_t before = o->n_lines;
        emit_hunks(o, &a, &b, &d, ctx);
        if (o->n_lines == before)
            obj_line(o, DIFF_LINE_CONTEXT, tt_strdup(" (only masked secret values differ)"));
        free(d.v);
        lines_free(&a);
        lines_free(&b);
    }
    json_decref(dn);
    json_decref(ln);
    json_decref(lp);
    json_decref(dmap);
    json_decref(lmap);
}

static bool same_ident(const json_t *x, const json_t *y)
{
    const json_t *mx = json_object_get(x, "metadata"), *my = json_object_get(y, "metadata");
    const char *nsx = jstr(mx, "namespace"), *nsy = jstr(my, "namespace");
    return tt_streq(jstr(x, "kind"), jstr(y, "kind")) && tt_streq(jstr(mx, "name"), jstr(my, "name")) &&
           tt_streq(nsx ? nsx : "", nsy ? nsy : "");
}

static diff_object *new_object(diff_result *r, const json_t *obj)
{
    r->objects = tt_realloc(r->objects, (r->n + 1) * sizeof *r->objects);
    diff_object *o = &r->objects[r->n++];
    memset(o, 0, sizeof *o);
    const json_t *md = json_object_get(obj, "metadata");
    const char *kind = jstr(obj, "kind"), *ns = jstr(md, "namespace"), *name = jstr(md, "name");
    o->kind = tt_strdup(kind ? kind : "?");
    o->ns = tt_strdup(ns ? ns : "");
    o->name = tt_strdup(name ? name : "?");
    return o;
}

diff_result *diff_compute(const json_t *desired, const json_t *live, int context)
{
    size_t ctx = context < 0 ? DEFAULT_CONTEXT : (size_t)context;
    diff_result *r = tt_calloc(1, sizeof *r);
    size_t nl = json_array_size(live);
    bool *matched = tt_calloc(nl ? nl : 1, sizeof *matched);
    size_t i;
    json_t *d;
    json_array_foreach(desired, i, d) {
        if (!json_is_object(d))
            continue;
        const json_t *l = NULL;
        for (size_t j = 0; j < nl && !l; j++) {
            const json_t *cand = json_array_get(live, j);
            if (!matched[j] && json_is_object(cand) && same_ident(d, cand)) {
                matched[j] = true;
                l = cand;
            }
        }
        diff_pair(new_object(r, d), d, l, ctx);
    }
    for (size_t j = 0; j < nl; j++) {
        const json_t *l = json_array_get(live, j);
        if (!matched[j] && json_is_object(l))
            diff_pair(new_object(r, l), NULL, l, ctx);
    }
    free(matched);
    return r;
}

void diff_result_free(diff_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        diff_object *o = &r->objects[i];
        for (size_t j = 0; j < o->n_lines; j++)
            free(o->lines[j].text);
        free(o->lines);
        free(o->kind);
        free(o->ns);
        free(o->name);
    }
    free(r->objects);
    free(r);
}

size_t diff_result_count(const diff_result *r)
{
    return r ? r->n : 0;
}

const diff_object *diff_result_object(const diff_result *r, size_t i)
{
    return r && i < r->n ? &r->objects[i] : NULL;
}

size_t diff_result_count_status(const diff_result *r, diff_status status)
{
    size_t n = 0;
    for (size_t i = 0; r && i < r->n; i++)
        n += r->objects[i].status == status;
    return n;
}

bool diff_result_changed(const diff_result *r)
{
    return diff_result_count_status(r, DIFF_UNCHANGED) != diff_result_count(r);
}

const char *diff_status_name(diff_status s)
{
    switch (s) {
    case DIFF_ADDED: return "added";
    case DIFF_REMOVED: return "removed";
    case DIFF_CHANGED: return "changed";
    case DIFF_UNCHANGED: break;
    }
    return "unchanged";
}

char *diff_result_render(const diff_result *r, bool color)
{
    static const char *const colors[] = {
        [DIFF_LINE_HEADER] = "\033[1m", [DIFF_LINE_HUNK] = "\033[36m",
        [DIFF_LINE_CONTEXT] = "", [DIFF_LINE_ADD] = "\033[32m", [DIFF_LINE_REMOVE] = "\033[31m"};
    tt_buf b = TT_BUF_INIT;
    for (size_t i = 0; r && i < r->n; i++) {
        const diff_object *o = &r->objects[i];
        for (size_t j = 0; j < o->n_lines; j++) {
            const char *c = color ? colors[o->lines[j].kind] : "";
            /* The data is cleaned for the terminal before it is coloured. */
            tt_buf_puts(&b, c);
            tt_text_clean_append(&b, o->lines[j].text, strlen(o->lines[j].text), TT_TEXT_KEEP_TAB);
            tt_buf_puts(&b, *c ? "\033[0m\n" : "\n");
        }
    }
    tt_buf_printf(&b, "%zu changed, %zu added, %zu removed, %zu unchanged\n",
                  diff_result_count_status(r, DIFF_CHANGED), diff_result_count_status(r, DIFF_ADDED),
                  diff_result_count_status(r, DIFF_REMOVED),
                  diff_result_count_status(r, DIFF_UNCHANGED));
    return tt_buf_steal(&b);
}
