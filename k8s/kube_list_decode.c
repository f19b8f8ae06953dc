/*
 * One List page, parsed by yajl (syntax, string unescaping, UTF-8 checks and
 * number syntax are all yajl's); its callbacks build jansson values only for
 * what the field mask keeps, and count the depth of what they skip. Kept
 * numbers are converted by jansson itself (json_loadb of the number's text),
 * so they come out as jansson's decoder would make them, out-of-range ones
 * refused as it refuses them. See kube_list_decode.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "kube_list_decode.h"

/* ---- the mask ------------------------------------------------------------ */

typedef enum { M_ALL, M_OBJ, M_EACH } mnode_kind;

typedef struct mnode {
    mnode_kind kind;
    char *key; /* in the parent OBJ */
    size_t key_len;
    struct mnode **kids; /* M_OBJ */
    size_t n_kids;
    struct mnode *elem; /* M_EACH: what each element keeps (M_OBJ) */
} mnode;

struct kube_field_mask {
    mnode *root;
};

static const mnode g_all = {M_ALL, NULL, 0, NULL, 0, NULL};

static mnode *mnode_new(mnode_kind kind, const char *key, size_t key_len)
{
    mnode *n = tt_calloc(1, sizeof *n);
    n->kind = kind;
    if (key) {
        n->key = tt_strndup(key, key_len);
        n->key_len = key_len;
    }
    return n;
}

static void mnode_free(mnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_kids; i++)
        mnode_free(n->kids[i]);
    free(n->kids);
    mnode_free(n->elem);
    free(n->key);
    free(n);
}

/* Drops what a node held below it: it keeps everything now. */
static void mnode_make_all(mnode *n)
{
    for (size_t i = 0; i < n->n_kids; i++)
        mnode_free(n->kids[i]);
    free(n->kids);
    n->kids = NULL;
    n->n_kids = 0;
    mnode_free(n->elem);
    n->elem = NULL;
    n->kind = M_ALL;
}

static const mnode *mnode_kid(const mnode *n, const char *key, size_t len)
{
    for (size_t i = 0; i < n->n_kids; i++)
        if (n->kids[i]->key_len == len && memcmp(n->kids[i]->key, key, len) == 0)
            return n->kids[i];
    return NULL;
}

/* Adds one dotted path under root (an M_OBJ). */
static int mask_add(mnode *root, const char *path, tt_error *err)
{
    mnode *cur = root;
    const char *p = path;
    for (;;) {
        /* a key: up to the next '.', or between quotes (it may hold '.') */
        const char *key = p, *end;
        bool quoted = *p == '"';
        if (quoted) {
            key = p + 1;
            end = strchr(key, '"');
            if (!end) {
                tt_error_set(err, TT_EINVAL, "field path \"%s\": a quote is not closed", path);
                return -1;
            }
        } else {
            end = p + strcspn(p, ".[]\"");
        }
        size_t klen = (size_t)(end - key);
        const char *after = quoted ? end + 1 : end;
        bool each = strncmp(after, "[]", 2) == 0;
        if (each)
            after += 2;
        const char *dot = *after == '.' ? after : NULL;
        if (klen == 0 || (*after && !dot) || memchr(key, '\0', klen)) {
            tt_error_set(err, TT_EINVAL,
                         "field path \"%s\": each part is a key (quoted when it holds '.'), "
                         "which \"[]\" may end",
                         path);
            return -1;
        }
        p = key;
        if (cur->kind == M_ALL)
            return 0; /* already kept whole */
        mnode *kid = (mnode *)mnode_kid(cur, p, klen);
        if (!kid) {
            kid = mnode_new(each ? M_EACH : M_OBJ, p, klen);
            if (each)
                kid->elem = mnode_new(M_OBJ, NULL, 0);
            cur->kids = tt_realloc(cur->kids, (cur->n_kids + 1) * sizeof *cur->kids);
            cur->kids[cur->n_kids++] = kid;
        } else if (kid->kind != M_ALL && (kid->kind == M_EACH) != each) {
            tt_error_set(err, TT_EINVAL,
                         "field path \"%s\": \"%.*s\" is an array in one path, an object in "
                         "another",
                         path, (int)klen, p);
            return -1;
        }
        if (!dot) {
            mnode_make_all(kid); /* "a[]" at the end keeps the whole array too */
            return 0;
        }
        cur = kid->kind == M_EACH ? kid->elem : kid;
        p = dot + 1;
    }
}

kube_field_mask *kube_field_mask_new(const char *const *fields, tt_error *err)
{
    kube_field_mask *m = tt_calloc(1, sizeof *m);
    m->root = mnode_new(fields ? M_OBJ : M_ALL, NULL, 0);
    for (size_t i = 0; fields && fields[i]; i++)
        if (mask_add(m->root, fields[i], err) < 0) {
            kube_field_mask_free(m);
            return NULL;
        }
    if (fields && !fields[0])
        mnode_make_all(m->root); /* no field at all: nothing to choose */
    return m;
}

void kube_field_mask_free(kube_field_mask *m)
{
    if (!m)
        return;
    mnode_free(m->root);
    free(m);
}

void kube_list_page_info_clear(kube_list_page_info *info)
{
    if (!info)
        return;
    free(info->resource_version);
    free(info->cont);
    info->resource_version = NULL;
    info->cont = NULL;
}

/* ---- the decoder ----------------------------------------------------------- */

typedef enum {
    S_TOP,   /* before the List */
    S_LIST,  /* at the List's keys */
    S_META,  /* at the keys of the List's metadata */
    S_ITEMS, /* between items */
    S_ITEM,  /* inside an item */
    S_END,   /* after the List */
} dstate;

typedef enum { K_OTHER, K_ITEMS, K_META } list_key;
typedef enum { MK_OTHER, MK_CONTINUE, MK_RV, MK_REMAINING } meta_key;

typedef struct frame {
    json_t *c;         /* the container being built (its parent holds it) */
    const mnode *node; /* what it keeps: M_ALL, or M_OBJ (object), M_EACH (array) */
    bool array;
} frame;

struct kube_list_decoder {
    yajl_handle h;
    const kube_field_mask *mask;
    const char *resource;
    kube_list_item_fn fn;
    void *ud;

    dstate state;
    list_key lkey;
    meta_key mkey;
    size_t skip; /* containers open inside a skipped value */
    bool saw_items;

    json_t *item; /* being built */
    frame *frames;
    size_t n_frames, cap_frames;
    char *key; /* the key of the next member of the top frame, when kept */
    size_t key_len, key_cap;
    const mnode *next; /* what that member keeps; NULL = skip it */

    kube_list_page_info info;
    size_t fed; /* bytes fed before the current piece */
    int rc;     /* 0 while going; 1 stopped; -1 failed */
    bool stopped, finished;
    char why[256]; /* a callback's reason to stop the parse */
};

static int failf(kube_list_decoder *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int failf(kube_list_decoder *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->why, sizeof d->why, fmt, ap);
    va_end(ap);
    return 0; /* yajl: stop */
}

static size_t depth(const kube_list_decoder *d)
{
    size_t base = d->state == S_TOP ? 0 : d->state == S_LIST ? 1 : d->state == S_END ? 0 : 2;
    return base + d->n_frames + d->skip;
}

/* A container opens here: one more level. */
static int deeper_ok(kube_list_decoder *d)
{
    if (depth(d) > KUBE_LIST_MAX_DEPTH)
        return failf(d, "nested deeper than %d levels", KUBE_LIST_MAX_DEPTH);
    return 1;
}

static int skip_open(kube_list_decoder *d)
{
    d->skip++;
    return deeper_ok(d);
}

static void push(kube_list_decoder *d, json_t *c, const mnode *node, bool array)
{
    if (d->n_frames == d->cap_frames) {
        d->cap_frames = d->cap_frames ? d->cap_frames * 2 : 16;
        d->frames = tt_realloc(d->frames, d->cap_frames * sizeof *d->frames);
    }
    d->frames[d->n_frames++] = (frame){c, node, array};
}

/* Puts v (a new reference) into the top frame. */
static int put(kube_list_decoder *d, json_t *v)
{
    frame *f = &d->frames[d->n_frames - 1];
    if (f->array)
        return json_array_append_new(f->c, v) == 0 ? 1 : failf(d, "cannot keep a value");
    if (json_object_setn_new(f->c, d->key, d->key_len, v) != 0)
        return failf(d, "a key is not valid UTF-8");
    return 1;
}

/* What the next value in the item keeps; NULL = skip it. */
static const mnode *target(const kube_list_decoder *d)
{
    const frame *f = &d->frames[d->n_frames - 1];
    if (f->node->kind == M_ALL)
        return &g_all;
    if (f->array)
        return f->node->elem; /* M_EACH */
    return d->next;
}

enum { T_NULL, T_BOOL, T_NUM, T_STR, T_MAP, T_ARR };

static json_t *scalar(kube_list_decoder *d, int type, const unsigned char *s, size_t len, int b)
{
    switch (type) {
    case T_NULL: return json_null();
    case T_BOOL: return json_boolean(b);
    case T_NUM: {
        json_error_t je;
        json_t *v = json_loadb((const char *)s, len, JSON_DECODE_ANY, &je);
        if (!v)
            failf(d, "number %.*s: %s", len > 40 ? 40 : (int)len, (const char *)s, je.text);
        return v;
    }
    default: {
        if (memchr(s, '\0', len)) {
            failf(d, "a string holds \\u0000");
            return NULL;
        }
        json_t *v = json_stringn((const char *)s, len);
        if (!v)
            failf(d, "a string is not valid UTF-8");
        return v;
    }
    }
}

static int item_value(kube_list_decoder *d, int type, const unsigned char *s, size_t len, int b)
{
    const mnode *t = target(d);
    if (!t)
        return type == T_MAP || type == T_ARR ? skip_open(d) : 1;
    if (type != T_MAP && type != T_ARR) {
        json_t *v = scalar(d, type, s, len, b);
        return v ? put(d, v) : 0;
    }
    bool array = type == T_ARR;
    json_t *c = array ? json_array() : json_object();
    if (!put(d, c))
        return 0;
    /* A container where the mask expects the other kind stays empty. */
    if (t->kind != M_ALL && (t->kind == M_EACH) != array)
        return skip_open(d);
    push(d, c, t, array);
    return deeper_ok(d);
}

static char *dup_or_null(const unsigned char *s, size_t len)
{
    return len && !memchr(s, '\0', len) ? tt_strndup((const char *)s, len) : NULL;
}

static void meta_value(kube_list_decoder *d, int type, const unsigned char *s, size_t len)
{
    switch (d->mkey) {
    case MK_CONTINUE:
        free(d->info.cont);
        d->info.cont = type == T_STR ? dup_or_null(s, len) : NULL;
        break;
    case MK_RV:
        free(d->info.resource_version);
        d->info.resource_version = type == T_STR ? dup_or_null(s, len) : NULL;
        break;
    case MK_REMAINING: {
        d->info.remaining_item_count = -1;
        char num[32];
        if (type != T_NUM || len >= sizeof num)
            break;
        memcpy(num, s, len);
        num[len] = '\0';
        char *end;
        long long v = strtoll(num, &end, 10);
        if (*end == '\0' && v >= 0)
            d->info.remaining_item_count = v;
        break;
    }
    case MK_OTHER: break;
    }
}

static int value(kube_list_decoder *d, int type, const unsigned char *s, size_t len, int b)
{
    bool open = type == T_MAP || type == T_ARR;
    if (d->skip)
        return open ? skip_open(d) : 1;
    switch (d->state) {
    case S_TOP:
        if (type != T_MAP)
            return failf(d, "the answer is not an object");
        d->state = S_LIST;
        return 1;
    case S_LIST:
        if (d->lkey == K_ITEMS && type == T_ARR) {
            d->state = S_ITEMS;
            d->saw_items = true;
            return 1;
        }
        if (d->lkey == K_META && type == T_MAP) {
            /* a second metadata replaces the first, as in a decoded object */
            kube_list_page_info_clear(&d->info);
            d->info.remaining_item_count = -1;
            d->state = S_META;
            d->mkey = MK_OTHER;
            return 1;
        }
        return open ? skip_open(d) : 1;
    case S_META:
        if (open)
            meta_value(d, T_MAP, NULL, 0); /* not a string or number: none */
        else
            meta_value(d, type, s, len);
        return open ? skip_open(d) : 1;
    case S_ITEMS:
        if (type != T_MAP)
            return failf(d, "item %zu is not an object", d->info.items + 1);
        d->item = json_object();
        push(d, d->item, d->mask->root, false);
        d->state = S_ITEM;
        return deeper_ok(d);
    case S_ITEM: return item_value(d, type, s, len, b);
    case S_END: break;
    }
    return failf(d, "a value after the List");
}

static int cb_null(void *ctx)
{
    return value(ctx, T_NULL, NULL, 0, 0);
}

static int cb_boolean(void *ctx, int b)
{
    return value(ctx, T_BOOL, NULL, 0, b);
}

static int cb_number(void *ctx, const char *s, size_t len)
{
    return value(ctx, T_NUM, (const unsigned char *)s, len, 0);
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
    return value(ctx, T_STR, s, len, 0);
}

static int cb_start_map(void *ctx)
{
    return value(ctx, T_MAP, NULL, 0, 0);
}

static int cb_start_array(void *ctx)
{
    return value(ctx, T_ARR, NULL, 0, 0);
}

static bool key_is(const unsigned char *s, size_t len, const char *name)
{
    return len == strlen(name) && memcmp(s, name, len) == 0;
}

static int cb_map_key(void *ctx, const unsigned char *s, size_t len)
{
    kube_list_decoder *d = ctx;
    if (d->skip)
        return 1;
    switch (d->state) {
    case S_LIST:
        d->lkey = key_is(s, len, "items") ? K_ITEMS : key_is(s, len, "metadata") ? K_META : K_OTHER;
        return 1;
    case S_META:
        d->mkey = key_is(s, len, "continue")          ? MK_CONTINUE
                  : key_is(s, len, "resourceVersion")   ? MK_RV
                  : key_is(s, len, "remainingItemCount") ? MK_REMAINING
                                                         : MK_OTHER;
        return 1;
    case S_ITEM: {
        const frame *f = &d->frames[d->n_frames - 1];
        d->next = f->node->kind == M_ALL ? &g_all : mnode_kid(f->node, (const char *)s, len);
        if (!d->next)
            return 1;
        if (memchr(s, '\0', len))
            return failf(d, "a key holds \\u0000");
        if (len + 1 > d->key_cap) {
            d->key_cap = len + 64;
            d->key = tt_realloc(d->key, d->key_cap);
        }
        memcpy(d->key, s, len);
        d->key[len] = '\0';
        d->key_len = len;
        return 1;
    }
    default: return failf(d, "a key outside an object"); /* yajl sends none */
    }
}

static int cb_end_map(void *ctx)
{
    kube_list_decoder *d = ctx;
    if (d->skip) {
        d->skip--;
        return 1;
    }
    switch (d->state) {
    case S_META:
        d->state = S_LIST;
        return 1;
    case S_LIST: d->state = S_END; return 1;
    case S_ITEM:
        if (--d->n_frames > 0)
            return 1;
        d->state = S_ITEMS;
        d->info.items++;
        json_t *item = d->item;
        d->item = NULL;
        int stop = d->fn(item, d->ud);
        json_decref(item);
        if (stop) {
            d->stopped = true;
            return 0;
        }
        return 1;
    default: return failf(d, "an object ends where none began"); /* yajl sends none */
    }
}

static int cb_end_array(void *ctx)
{
    kube_list_decoder *d = ctx;
    if (d->skip) {
        d->skip--;
        return 1;
    }
    if (d->state == S_ITEMS) {
        d->state = S_LIST;
        return 1;
    }
    if (d->state == S_ITEM && d->n_frames > 1) {
        d->n_frames--;
        return 1;
    }
    return failf(d, "an array ends where none began"); /* yajl sends none */
}

static const yajl_callbacks g_callbacks = {
    cb_null,   cb_boolean,   NULL, NULL, cb_number, cb_string, cb_start_map, cb_map_key,
    cb_end_map, cb_start_array, cb_end_array,
};

/* yajl's memory, from the allocators that abort on exhaustion. */
static void *y_malloc(void *ctx, size_t n)
{
    (void)ctx;
    return tt_malloc(n ? n : 1);
}

static void *y_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    return tt_realloc(p, n ? n : 1);
}

static void y_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

static yajl_alloc_funcs g_alloc = {y_malloc, y_realloc, y_free, NULL};

kube_list_decoder *kube_list_decoder_new(const kube_field_mask *mask, const char *resource,
                                         kube_list_item_fn fn, void *ud)
{
    kube_list_decoder *d = tt_calloc(1, sizeof *d);
    d->h = yajl_alloc(&g_callbacks, &g_alloc, d);
    d->mask = mask;
    d->resource = resource ? resource : "objects";
    d->fn = fn;
    d->ud = ud;
    d->info.remaining_item_count = -1;
    return d;
}

void kube_list_decoder_free(kube_list_decoder *d)
{
    if (!d)
        return;
    yajl_free(d->h);
    json_decref(d->item);
    free(d->frames);
    free(d->key);
    kube_list_page_info_clear(&d->info);
    free(d);
}

const kube_list_page_info *kube_list_decoder_info(const kube_list_decoder *d)
{
    return &d->info;
}

/* The outcome of one yajl call. */
static int outcome(kube_list_decoder *d, yajl_status st, size_t piece, tt_error *err)
{
    if (st == yajl_status_ok)
        return 0;
    if (st == yajl_status_client_canceled && d->stopped)
        return d->rc = 1;
    size_t at = d->fed + yajl_get_bytes_consumed(d->h);
    char yerr[200] = "";
    const char *why = d->why;
    if (st == yajl_status_error) {
        unsigned char *e = yajl_get_error(d->h, 0, NULL, 0);
        snprintf(yerr, sizeof yerr, "%s", e ? (const char *)e : "parse error");
        yajl_free_error(d->h, e);
        size_t n = strlen(yerr);
        while (n && (yerr[n - 1] == '\n' || yerr[n - 1] == ' ' || yerr[n - 1] == '.'))
            yerr[--n] = '\0';
        why = yerr;
    }
    if (at > d->fed + piece)
        at = d->fed + piece;
    tt_error_set(err, TT_EPROTO, "the server's list of %s is not a JSON List (at byte %zu of %zu): %s",
                 d->resource, at, d->fed + piece, why);
    return d->rc = -1;
}

int kube_list_decoder_feed(kube_list_decoder *d, const char *text, size_t len, tt_error *err)
{
    if (d->rc != 0) {
        if (d->rc < 0)
            tt_error_set(err, TT_EPROTO, "the server's list of %s is not a JSON List",
                         d->resource);
        return d->rc;
    }
    if (len == 0 || d->finished)
        return 0;
    yajl_status st = yajl_parse(d->h, (const unsigned char *)text, len);
    int rc = outcome(d, st, len, err);
    d->fed += len;
    return rc;
}

int kube_list_decoder_finish(kube_list_decoder *d, tt_error *err)
{
    if (d->rc != 0 || d->finished)
        return kube_list_decoder_feed(d, NULL, 0, err);
    d->finished = true;
    yajl_status st = yajl_complete_parse(d->h);
    int rc = outcome(d, st, 0, err);
    if (rc != 0)
        return rc;
    if (!d->saw_items) {
        tt_error_set(err, TT_EPROTO, "the server's list of %s has no items array", d->resource);
        return d->rc = -1;
    }
    return 0;
}

int kube_list_decode(const char *text, size_t len, const kube_field_mask *mask,
                     const char *resource, kube_list_item_fn fn, void *ud,
                     kube_list_page_info *info, tt_error *err)
{
    kube_list_decoder *d = kube_list_decoder_new(mask, resource, fn, ud);
    int rc = kube_list_decoder_feed(d, text, len, err);
    if (rc == 0)
        rc = kube_list_decoder_finish(d, err);
    if (info) {
        *info = d->info;
        d->info.resource_version = NULL;
        d->info.cont = NULL;
    }
    kube_list_decoder_free(d);
    return rc;
}
