/*
 * Writing the status of each model as soon as it is complete (see
 * fleet_stream.h).
 *
 * The rule. The revisions list arrives in key order, the key being
 * "namespace/name" compared bytewise. All keys of a model X lie in the
 * range ["X/", "X0") ('0' follows '/'). Once the list has sent a key L,
 * a later key is greater than L, so X's revisions are all in when L is
 * at or past "X0". The models are written in name order, though, and a
 * model that sorts before M by name can sort after it by key: "tts" <
 * "tts-beta" but "tts-beta/x" < "tts/x" because '-' < '/'. That happens
 * exactly for a model X that is a prefix of M followed in M by a byte
 * below '/' (in a DNS label, '-'); any other X before M by name differs
 * from M at a byte where X is lower (so all of X's keys are below M's)
 * or is a prefix followed by a byte above '/' (so "X/..." < "Xc..."). M
 * can be written when its own range and the range of each such prefix of
 * M are behind L (fleet_stream_complete_before); then so are the ranges
 * of every model before M, including models not seen yet (a namespace
 * holding only revisions), so nothing can come later that sorts before M.
 * Only prefixes that are namespaces count (the namespaces are listed
 * before the revisions): without a namespace "model", "model-0001" need
 * not wait for keys past "model0". When listing namespaces is forbidden,
 * every such prefix counts.
 *
 * Why a model written early cannot have been wrong. The rule needs the
 * list to be in key order; the API server guarantees it for lists that
 * page (a continue token resumes after the last key sent, and each page
 * is a range of the store in order). The stream checks that promise
 * before it relies on it, and writes only behind what it has checked:
 *   - every key must be greater than the one before (within a page and
 *     across pages); the first that is not stops the writing for good
 *     (holding: the rest is written at the end, from the whole fleet, as
 *     a load without streaming would);
 *   - a page with more items than asked (a server that ignores limit)
 *     stops it too, and a list whose first page is its last (no continue
 *     token) never writes before its end;
 *   - models are written only at the end of a page that carries a
 *     continue token, and only those complete before the last key of the
 *     page BEFORE it (one page of lag): an item sent late by up to a
 *     whole page (say the first item of a page belongs before the last of
 *     the page before) lands in a model not written yet and is seen to be
 *     out of order, so the stream holds and that model comes out whole.
 * A model can thus only have been written without one of its revisions
 * if a server that pages sent an item more than a full page late while
 * every key it sent was in order, which paging by key rules out. Should
 * it happen anyway, the stream does not hide it: the item is counted
 * (fleet_stream_late) and the caller fails the command.
 */
#include "fleet_stream.h"

#include <stdlib.h>
#include <string.h>

#include "tt_common.h"

/* Grows the pool of image names by this much before the names of
 * written models are let go (fleet_compact_strings). */
#define POOL_SLACK ((size_t)1 << 20)

struct fleet_stream {
    fleet *f;
    size_t page_size;
    bool namespaces_listed;
    fleet_stream_emit_fn emit;
    void *ud;
    char *last_key;     /* the last item's "namespace/name" since the (re)start */
    char *last_ns;      /* ... its namespace */
    char *bound_ns;     /* the namespace of the last key of the last page before this one */
    size_t page_items;  /* items of the current page */
    bool holding;
    bool restarted;
    char *written;      /* the last model written */
    size_t emitted;
    size_t late;
    char *first_late;
    size_t pool_base;   /* fleet_string_bytes after the last compaction */
};

/* Every key "x[0..n)/..." sorts before any key "ns/...". */
static bool range_before(const char *x, size_t n, const char *ns)
{
    size_t ln = strlen(ns);
    for (size_t i = 0; i <= n && i <= ln; i++) {
        unsigned char a = i < ln ? (unsigned char)ns[i] : '/';
        unsigned char b = i < n ? (unsigned char)x[i] : '0';
        if (a != b)
            return a > b;
    }
    /* ns starts with x[0..n) "0": past the range. Otherwise "ns/" is a
     * prefix of x "0" (x holds a '/'; not a namespace): not past. */
    return ln > n;
}

/* A namespace named model[0..n) may hold revisions. */
static bool may_exist(const char *model, size_t n, const fleet *known)
{
    if (!known)
        return true;
    char *name = tt_strndup(model, n);
    bool r = fleet_namespace_known(known, name);
    free(name);
    return r;
}

bool fleet_stream_complete_before(const char *model, const char *ns, const fleet *known)
{
    if (!model || !ns || !model[0])
        return false;
    for (size_t i = 1;; i++) {
        bool end = model[i] == '\0';
        if (end)
            return range_before(model, i, ns);
        if ((unsigned char)model[i] <= '/' && may_exist(model, i, known) &&
            !range_before(model, i, ns))
            return false;
    }
}

fleet_stream *fleet_stream_new(fleet *f, size_t page_size, bool namespaces_listed,
                               fleet_stream_emit_fn emit, void *ud)
{
    fleet_stream *s = tt_calloc(1, sizeof *s);
    s->f = f;
    s->namespaces_listed = namespaces_listed;
    s->page_size = page_size;
    s->emit = emit;
    s->ud = ud;
    s->pool_base = fleet_string_bytes(f);
    return s;
}

void fleet_stream_free(fleet_stream *s)
{
    if (!s)
        return;
    free(s->last_key);
    free(s->last_ns);
    free(s->bound_ns);
    free(s->written);
    free(s->first_late);
    free(s);
}

static void set_str(char **dst, const char *src)
{
    free(*dst);
    *dst = src ? tt_strdup(src) : NULL;
}

static void emit_first(fleet_stream *s)
{
    const fleet_model *m = fleet_model_at(s->f, 0);
    s->emit(m, s->ud);
    set_str(&s->written, m->name);
    s->emitted++;
    fleet_forget_model_at(s->f, 0);
}

/* Writes, in name order, the models complete before keys of namespace ns. */
static void emit_complete(fleet_stream *s, const char *ns)
{
    while (fleet_model_count(s->f) > 0 &&
           fleet_stream_complete_before(fleet_model_at(s->f, 0)->name, ns,
                                        s->namespaces_listed ? s->f : NULL))
        emit_first(s);
    if (fleet_string_bytes(s->f) > s->pool_base + POOL_SLACK) {
        fleet_compact_strings(s->f);
        s->pool_base = fleet_string_bytes(s->f);
    }
}

void fleet_stream_item(fleet_stream *s, const json_t *revision)
{
    s->page_items++;
    const json_t *md = json_object_get(revision, "metadata");
    const char *ns = json_string_value(json_object_get(md, "namespace"));
    const char *name = json_string_value(json_object_get(md, "name"));
    if (!ns || !name)
        return; /* not a revision the fleet keeps (fleet_apply skips it too) */
    char *key = tt_asprintf("%s/%s", ns, name);
    if (s->last_key && strcmp(key, s->last_key) <= 0)
        s->holding = true; /* out of key order: the rule no longer holds */
    free(s->last_key);
    s->last_key = key;
    set_str(&s->last_ns, ns);
    if (s->written && strcmp(ns, s->written) <= 0) {
        /* Its model is written, or sorts before one that is. After a
         * restart that is the list coming again; in a namespace newer than
         * the list of namespaces, a model created since (not shown, as if
         * the lists had been read a moment earlier); otherwise the server
         * sent it late. */
        bool new_ns = s->namespaces_listed && !fleet_namespace_known(s->f, ns);
        if (!s->restarted && !new_ns && s->late++ == 0)
            s->first_late = tt_strdup(key);
        return;
    }
    fleet_apply(s->f, FLEET_KIND_REVISION, revision, false);
}

void fleet_stream_page_end(fleet_stream *s, bool more)
{
    size_t n = s->page_items;
    s->page_items = 0;
    if (n > s->page_size)
        s->holding = true; /* the server does not page */
    if (s->holding || !more || n == 0)
        return;
    if (s->bound_ns)
        emit_complete(s, s->bound_ns);
    set_str(&s->bound_ns, s->last_ns);
}

void fleet_stream_restart(fleet_stream *s)
{
    fleet_clear_revisions(s->f);
    set_str(&s->last_key, NULL);
    set_str(&s->last_ns, NULL);
    set_str(&s->bound_ns, NULL);
    s->page_items = 0;
    s->restarted = true;
}

void fleet_stream_finish(fleet_stream *s)
{
    while (fleet_model_count(s->f) > 0)
        emit_first(s);
}

bool fleet_stream_holding(const fleet_stream *s)
{
    return s->holding;
}

size_t fleet_stream_emitted(const fleet_stream *s)
{
    return s->emitted;
}

size_t fleet_stream_late(const fleet_stream *s, const char **first)
{
    if (first)
        *first = s->first_late;
    return s->late;
}
