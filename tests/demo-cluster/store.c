/*
 * Generic object storage: one open-addressing hash map per resource keyed
 * by "namespace/name", a lazily sorted view for lists, a global
 * resourceVersion counter, a bounded event log for watches, and the
 * registered watchers.
 */
#include "dc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct dc_coll {
    dc_object **slots; /* NULL = empty, TOMB = deleted */
    size_t cap, count, used;
    dc_object **sorted; /* always sorted by key */
    size_t nsorted, sorted_cap;
};

static dc_object tomb_obj;
#define TOMB (&tomb_obj)

typedef struct logged_event {
    dc_resource *res;
    int type;
    json_t *obj;
    unsigned long long rv;
} logged_event;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    unsigned long long rv;
    logged_event *log; /* ring */
    size_t log_cap, log_len, log_head;
    unsigned long long log_floor; /* rv before the oldest retained event */
    dc_watcher *watchers;
    dc_change_hook hook;
    bool logging;
} S = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, NULL, 0, 0, 0, 0, NULL, NULL, false};

void dc_lock(void) { pthread_mutex_lock(&S.mu); }
void dc_unlock(void) { pthread_mutex_unlock(&S.mu); }
void dc_broadcast(void) { pthread_cond_broadcast(&S.cond); }

void dc_wait(int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&S.cond, &S.mu, &ts);
}

void dc_store_set_hook(dc_change_hook hook) { S.hook = hook; }

void dc_store_init(void)
{
    /* Like etcd's revisions, resourceVersions never repeat across restarts:
     * each start counts on from the wall clock in microseconds, so an RV a
     * client kept from an earlier run of the cluster is too old (410) or
     * too new here, never mistaken for a point in this run's history.
     * --first-rv fixes the start, for tests that replay a history. */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    S.rv = g_cfg.first_rv > 0 ? (unsigned long long)g_cfg.first_rv
                              : (unsigned long long)now.tv_sec * 1000000ULL +
                                    (unsigned long long)now.tv_nsec / 1000;
    S.log_cap = g_cfg.rv_window > 0 ? (size_t)g_cfg.rv_window : 1;
    S.log = tt_calloc(S.log_cap, sizeof *S.log);
    S.log_floor = S.rv;
    for (int i = 0; dc_resources[i]; i++)
        dc_resources[i]->coll = tt_calloc(1, sizeof(dc_coll));
}

static void object_free(dc_object *o)
{
    free(o->key);
    free(o->ns);
    free(o->name);
    json_decref(o->obj);
    free(o->json);
    free(o);
}

void dc_store_free(void)
{
    for (int i = 0; dc_resources[i]; i++) {
        dc_coll *c = dc_resources[i]->coll;
        if (!c)
            continue;
        for (size_t j = 0; j < c->cap; j++)
            if (c->slots[j] && c->slots[j] != TOMB)
                object_free(c->slots[j]);
        free(c->slots);
        free(c->sorted);
        free(c);
        dc_resources[i]->coll = NULL;
    }
    for (size_t i = 0; i < S.log_len; i++)
        json_decref(S.log[(S.log_head + i) % S.log_cap].obj);
    free(S.log);
    S.log = NULL;
    S.log_len = 0;
}

unsigned long long dc_store_rv(void) { return S.rv; }
unsigned long long dc_store_oldest_rv(void) { return S.log_floor; }

/* ---- hash map ---------------------------------------------------------- */

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static void make_key(char *out, size_t n, const char *ns, const char *name)
{
    if (ns && *ns)
        snprintf(out, n, "%s/%s", ns, name);
    else
        snprintf(out, n, "%s", name);
}

static dc_object **find_slot(dc_coll *c, const char *key, bool for_insert)
{
    if (c->cap == 0)
        return NULL;
    size_t mask = c->cap - 1, i = hash_str(key) & mask;
    dc_object **first_tomb = NULL;
    for (;;) {
        dc_object *o = c->slots[i];
        if (!o)
            return for_insert && first_tomb ? first_tomb : (for_insert ? &c->slots[i] : NULL);
        if (o == TOMB) {
            if (!first_tomb)
                first_tomb = &c->slots[i];
        } else if (strcmp(o->key, key) == 0) {
            return &c->slots[i];
        }
        i = (i + 1) & mask;
    }
}

static void grow(dc_coll *c)
{
    size_t old_cap = c->cap;
    dc_object **old = c->slots;
    c->cap = old_cap ? old_cap * 2 : 64;
    while (c->count * 2 >= c->cap)
        c->cap *= 2;
    c->slots = tt_calloc(c->cap, sizeof *c->slots);
    c->used = 0;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i] && old[i] != TOMB) {
            *find_slot(c, old[i]->key, true) = old[i];
            c->used++;
        }
    }
    free(old);
}

dc_object *dc_store_get(dc_resource *r, const char *ns, const char *name)
{
    char key[512];
    make_key(key, sizeof key, r->namespaced ? ns : NULL, name);
    dc_object **slot = find_slot(r->coll, key, false);
    return slot ? *slot : NULL;
}

static size_t lower_bound(dc_coll *c, const char *key)
{
    size_t a = 0, b = c->nsorted;
    while (a < b) {
        size_t m = (a + b) / 2;
        if (strcmp(c->sorted[m]->key, key) < 0)
            a = m + 1;
        else
            b = m;
    }
    return a;
}

static void sorted_insert(dc_coll *c, dc_object *o)
{
    if (c->nsorted == c->sorted_cap) {
        c->sorted_cap = c->sorted_cap ? c->sorted_cap * 2 : 64;
        c->sorted = tt_realloc(c->sorted, c->sorted_cap * sizeof *c->sorted);
    }
    size_t at = lower_bound(c, o->key);
    memmove(c->sorted + at + 1, c->sorted + at, (c->nsorted - at) * sizeof *c->sorted);
    c->sorted[at] = o;
    c->nsorted++;
}

static void sorted_remove(dc_coll *c, dc_object *o)
{
    size_t at = lower_bound(c, o->key);
    if (at < c->nsorted && c->sorted[at] == o) {
        memmove(c->sorted + at, c->sorted + at + 1, (c->nsorted - at - 1) * sizeof *c->sorted);
        c->nsorted--;
    }
}

/* ---- events and watchers ----------------------------------------------- */

static bool watcher_matches(dc_watcher *w, dc_resource *r, json_t *obj)
{
    if (w->res != r)
        return false;
    if (w->ns && !tt_streq(w->ns, dc_jstr(obj, "metadata.namespace")))
        return false;
    return dc_selector_match(w->sel, obj);
}

static void watcher_push(dc_watcher *w, int type, json_t *obj, unsigned long long rv)
{
    if (w->qlen == w->qcap) {
        /* compact then grow */
        if (w->qhead > 0) {
            memmove(w->q, w->q + w->qhead, (w->qlen - w->qhead) * sizeof *w->q);
            w->qlen -= w->qhead;
            w->qhead = 0;
        }
        if (w->qlen == w->qcap) {
            w->qcap = w->qcap ? w->qcap * 2 : 16;
            w->q = tt_realloc(w->q, w->qcap * sizeof *w->q);
        }
    }
    w->q[w->qlen++] = (dc_watch_event){type, json_incref(obj), rv};
}

static void record(dc_resource *r, int type, json_t *obj, unsigned long long rv)
{
    if (!S.logging) {
        if (S.hook)
            S.hook(r, type, obj);
        return;
    }
    if (S.log_len == S.log_cap) {
        logged_event *old = &S.log[S.log_head];
        S.log_floor = old->rv;
        json_decref(old->obj);
        S.log_head = (S.log_head + 1) % S.log_cap;
        S.log_len--;
    }
    S.log[(S.log_head + S.log_len) % S.log_cap] = (logged_event){r, type, json_incref(obj), rv};
    S.log_len++;
    for (dc_watcher *w = S.watchers; w; w = w->next)
        if (watcher_matches(w, r, obj))
            watcher_push(w, type, obj, rv);
    if (S.hook)
        S.hook(r, type, obj);
    pthread_cond_broadcast(&S.cond);
}

void dc_store_reset_log(void)
{
    S.logging = true;
    for (int i = 0; dc_resources[i]; i++) {
        dc_coll *c = dc_resources[i]->coll;
        for (size_t j = 0; j < c->nsorted; j++)
            dc_object_json(c->sorted[j], NULL);
    }
    for (size_t i = 0; i < S.log_len; i++)
        json_decref(S.log[(S.log_head + i) % S.log_cap].obj);
    S.log_len = 0;
    S.log_head = 0;
    S.log_floor = S.rv;
}

dc_watch_start dc_watcher_register(dc_watcher *w, unsigned long long rv, bool from_now)
{
    if (from_now) {
        size_t n;
        dc_object **items = dc_store_range(w->res, w->ns, &n);
        for (size_t i = 0; i < n; i++)
            if (watcher_matches(w, w->res, items[i]->obj))
                watcher_push(w, DC_ADDED, items[i]->obj, items[i]->rv);
    } else {
        if (rv < S.log_floor)
            return DC_WATCH_TOO_OLD;
        if (rv > S.rv)
            return DC_WATCH_TOO_NEW;
        for (size_t i = 0; i < S.log_len; i++) {
            logged_event *e = &S.log[(S.log_head + i) % S.log_cap];
            if (e->rv > rv && watcher_matches(w, e->res, e->obj))
                watcher_push(w, e->type, e->obj, e->rv);
        }
    }
    w->next = S.watchers;
    S.watchers = w;
    return DC_WATCH_OK;
}

void dc_watcher_unregister(dc_watcher *w)
{
    for (dc_watcher **p = &S.watchers; *p; p = &(*p)->next) {
        if (*p == w) {
            *p = w->next;
            break;
        }
    }
    for (size_t i = w->qhead; i < w->qlen; i++)
        json_decref(w->q[i].obj);
    free(w->q);
    w->q = NULL;
    w->qlen = w->qhead = w->qcap = 0;
}

/* ---- put / delete ------------------------------------------------------ */

/* a is stored (temporarily edited under the lock, then restored); b is new. */
static bool same_ignoring_rv(json_t *a, json_t *b)
{
    json_t *ma = json_object_get(a, "metadata"), *mb = json_object_get(b, "metadata");
    json_t *rva = json_incref(json_object_get(ma, "resourceVersion"));
    json_object_del(ma, "resourceVersion");
    json_object_del(mb, "resourceVersion");
    bool eq = json_equal(a, b);
    if (rva)
        json_object_set_new(ma, "resourceVersion", rva);
    return eq;
}

dc_object *dc_store_put(dc_resource *r, json_t *obj)
{
    const char *name = dc_jstr(obj, "metadata.name");
    const char *ns = r->namespaced ? dc_jstr(obj, "metadata.namespace") : "";
    char key[512];
    make_key(key, sizeof key, ns, name);
    dc_coll *c = r->coll;
    dc_object **slot = find_slot(c, key, false);
    dc_object *o = slot ? *slot : NULL;
    if (o && same_ignoring_rv(o->obj, obj)) {
        json_decref(obj);
        return o;
    }
    unsigned long long rv = ++S.rv;
    char rvs[32];
    snprintf(rvs, sizeof rvs, "%llu", rv);
    dc_jset(obj, "metadata.resourceVersion", json_string(rvs));
    int type;
    if (o) {
        json_decref(o->obj);
        free(o->json);
        o->json = NULL;
        o->obj = obj;
        o->rv = rv;
        type = DC_MODIFIED;
    } else {
        if ((c->used + 1) * 2 > c->cap)
            grow(c);
        o = tt_calloc(1, sizeof *o);
        o->key = tt_strdup(key);
        o->ns = tt_strdup(ns ? ns : "");
        o->name = tt_strdup(name);
        o->obj = obj;
        o->rv = rv;
        slot = find_slot(c, key, true);
        if (!*slot)
            c->used++;
        *slot = o;
        c->count++;
        sorted_insert(c, o);
        type = DC_ADDED;
    }
    record(r, type, obj, rv);
    return o;
}

void dc_store_delete(dc_resource *r, const char *ns, const char *name)
{
    char key[512];
    make_key(key, sizeof key, r->namespaced ? ns : NULL, name);
    dc_coll *c = r->coll;
    dc_object **slot = find_slot(c, key, false);
    if (!slot)
        return;
    dc_object *o = *slot;
    *slot = TOMB;
    c->count--;
    sorted_remove(c, o);
    unsigned long long rv = ++S.rv;
    char rvs[32];
    snprintf(rvs, sizeof rvs, "%llu", rv);
    json_t *final = json_deep_copy(o->obj);
    dc_jset(final, "metadata.resourceVersion", json_string(rvs));
    record(r, DC_DELETED, final, rv);
    json_decref(final);
    object_free(o);
}

const char *dc_object_json(dc_object *o, size_t *len)
{
    if (!o->json) {
        o->json = json_dumps(o->obj, JSON_COMPACT);
        o->json_len = strlen(o->json);
    }
    if (len)
        *len = o->json_len;
    return o->json;
}

dc_object **dc_store_sorted(dc_resource *r, size_t *n)
{
    *n = r->coll->nsorted;
    return r->coll->sorted;
}

dc_object **dc_store_range(dc_resource *r, const char *ns, size_t *n)
{
    dc_coll *c = r->coll;
    if (!ns || !r->namespaced) {
        *n = c->nsorted;
        return c->sorted;
    }
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s/", ns);
    size_t plen = strlen(prefix);
    size_t lo = lower_bound(c, prefix), hi = lo;
    while (hi < c->nsorted && strncmp(c->sorted[hi]->key, prefix, plen) == 0)
        hi++;
    *n = hi - lo;
    return c->sorted + lo;
}

size_t dc_store_count(dc_resource *r) { return r->coll->count; }

/* ---- uid and time ------------------------------------------------------ */

char *dc_new_uid(void)
{
    static unsigned long long counter;
    static unsigned seed;
    if (!seed)
        seed = (unsigned)time(NULL);
    unsigned long long c = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
    unsigned long long h = (c * 0x9E3779B97F4A7C15ULL) ^ seed;
    return tt_asprintf("%08llx-%04llx-4%03llx-a%03llx-%012llx", (h >> 32) & 0xffffffffULL,
                       (h >> 16) & 0xffffULL, (c >> 12) & 0xfffULL, c & 0xfffULL,
                       (h * 31 + c) & 0xffffffffffffULL);
}

void dc_format_time(long long epoch_s, char out[32])
{
    time_t t = (time_t)epoch_s;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *dc_now_rfc3339(void)
{
    static __thread char buf[32];
    dc_format_time((long long)time(NULL), buf);
    return buf;
}

long long dc_parse_time(const char *s)
{
    struct tm tm = {0};
    if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
        return 0;
    return (long long)timegm(&tm);
}

/* ---- selectors --------------------------------------------------------- */

enum { OP_EQ, OP_NE, OP_IN, OP_NOTIN, OP_EXISTS, OP_NOTEXISTS };

typedef struct req {
    bool field;
    char *key;
    int op;
    char **values;
    size_t nvalues;
} req;

struct dc_selector {
    req *reqs;
    size_t n;
};

static char *trim(char *s)
{
    while (*s == ' ')
        s++;
    char *e = s + strlen(s);
    while (e > s && e[-1] == ' ')
        *--e = '\0';
    return s;
}

static bool valid_label_key(const char *k)
{
    if (!*k)
        return false;
    for (; *k; k++)
        if (!(isalnum((unsigned char)*k) || strchr("-_./", *k)))
            return false;
    return true;
}

static void add_req(dc_selector *s, bool field, const char *key, int op)
{
    s->reqs = tt_realloc(s->reqs, (s->n + 1) * sizeof *s->reqs);
    s->reqs[s->n++] = (req){field, tt_strdup(key), op, NULL, 0};
}

static void add_value(dc_selector *s, const char *v)
{
    req *r = &s->reqs[s->n - 1];
    r->values = tt_realloc(r->values, (r->nvalues + 1) * sizeof *r->values);
    r->values[r->nvalues++] = tt_strdup(v);
}

/* Splits on commas outside parentheses. */
static int parse_one(dc_selector *s, char *text, bool field, tt_error *err)
{
    char *p = text;
    while (*p) {
        char *start = p;
        int depth = 0;
        while (*p && (depth > 0 || *p != ',')) {
            if (*p == '(')
                depth++;
            else if (*p == ')')
                depth--;
            p++;
        }
        if (*p)
            *p++ = '\0';
        char *term = trim(start);
        if (!*term)
            continue;
        char *op;
        if (!field && term[0] == '!') {
            char *k = trim(term + 1);
            if (!valid_label_key(k))
                goto bad;
            add_req(s, false, k, OP_NOTEXISTS);
        } else if ((op = strstr(term, "!="))) {
            *op = '\0';
            add_req(s, field, trim(term), OP_NE);
            add_value(s, trim(op + 2));
        } else if ((op = strstr(term, "=="))) {
            *op = '\0';
            add_req(s, field, trim(term), OP_EQ);
            add_value(s, trim(op + 2));
        } else if ((op = strchr(term, '='))) {
            *op = '\0';
            add_req(s, field, trim(term), OP_EQ);
            add_value(s, trim(op + 1));
        } else if (!field && (op = strstr(term, " notin ")) != NULL) {
            *op = '\0';
            add_req(s, false, trim(term), OP_NOTIN);
            op += 7;
            goto values;
        } else if (!field && (op = strstr(term, " in ")) != NULL) {
            *op = '\0';
            add_req(s, false, trim(term), OP_IN);
            op += 4;
        values:;
            char *open = strchr(op, '('), *close = strrchr(op, ')');
            if (!open || !close || close < open)
                goto bad;
            *close = '\0';
            char *save = NULL;
            for (char *v = strtok_r(open + 1, ",", &save); v; v = strtok_r(NULL, ",", &save))
                add_value(s, trim(v));
        } else if (!field) {
            if (!valid_label_key(term))
                goto bad;
            add_req(s, false, term, OP_EXISTS);
        } else {
            goto bad;
        }
        if (!valid_label_key(s->reqs[s->n - 1].key))
            goto bad;
        continue;
    bad:
        tt_error_set(err, 400, "unable to parse requirement: \"%s\"", term);
        return -1;
    }
    return 0;
}

dc_selector *dc_selector_parse(const char *labels, const char *fields, tt_error *err)
{
    dc_selector *s = tt_calloc(1, sizeof *s);
    for (int f = 0; f < 2; f++) {
        const char *text = f ? fields : labels;
        if (!text || !*text)
            continue;
        char *copy = tt_strdup(text);
        int rc = parse_one(s, copy, f == 1, err);
        free(copy);
        if (rc < 0) {
            dc_selector_free(s);
            return NULL;
        }
    }
    for (size_t i = 0; i < s->n; i++) {
        if (s->reqs[i].field && !tt_streq(s->reqs[i].key, "metadata.name") &&
            !tt_streq(s->reqs[i].key, "metadata.namespace")) {
            tt_error_set(err, 400, "field label not supported: %s", s->reqs[i].key);
            dc_selector_free(s);
            return NULL;
        }
    }
    return s;
}

bool dc_selector_match(const dc_selector *s, json_t *obj)
{
    if (!s)
        return true;
    json_t *labels = dc_jget(obj, "metadata.labels");
    for (size_t i = 0; i < s->n; i++) {
        const req *r = &s->reqs[i];
        const char *v;
        if (r->field)
            v = dc_jstr(obj, r->key);
        else
            v = json_string_value(json_object_get(labels, r->key));
        if (r->field && !v)
            v = "";
        bool in = false;
        for (size_t j = 0; j < r->nvalues; j++)
            if (v && strcmp(v, r->values[j]) == 0)
                in = true;
        switch (r->op) {
        case OP_EQ:
        case OP_IN:
            if (!in)
                return false;
            break;
        case OP_NE:
        case OP_NOTIN:
            if (in)
                return false;
            break;
        case OP_EXISTS:
            if (!v)
                return false;
            break;
        case OP_NOTEXISTS:
            if (v)
                return false;
            break;
        }
    }
    return true;
}

bool dc_selector_empty(const dc_selector *s) { return !s || s->n == 0; }

void dc_selector_free(dc_selector *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->reqs[i].key);
        for (size_t j = 0; j < s->reqs[i].nvalues; j++)
            free(s->reqs[i].values[j]);
        free(s->reqs[i].values);
    }
    free(s->reqs);
    free(s);
}
