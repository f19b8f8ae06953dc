/* One watch request, and the reflector loop built on list + watch. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kube_client_priv.h"
#include "kube_watch.h"

#define DEFAULT_WATCH_TIMEOUT_S 300
/* The server ends a watch after timeoutSeconds; allow this much more
 * before giving up on a connection that went silent without closing. */
#define WATCH_GRACE_MS 30000L

typedef struct watch_run {
    kube_watch_decoder *dec;
    kube_watch_fn fn;
    void *ud;
    void (*on_open)(void *ud);
    bool stopped_by_fn;
    bool bad_stream;
    tt_error decode_err;
} watch_run;

static int drain(watch_run *w)
{
    for (;;) {
        kube_watch_event ev;
        int rc = kube_watch_decoder_next(w->dec, &ev, &w->decode_err);
        if (rc == 0)
            return 0;
        if (rc < 0) {
            w->bad_stream = true;
            return 1;
        }
        int stop = w->fn(&ev, w->ud);
        kube_watch_event_clear(&ev);
        if (stop) {
            w->stopped_by_fn = true;
            return 1;
        }
    }
}

static int watch_sink(const char *data, size_t len, void *ud)
{
    watch_run *w = ud;
    kube_watch_decoder_feed(w->dec, data, len);
    return drain(w);
}

static void watch_opened(long status, void *ud)
{
    watch_run *w = ud;
    if (w->on_open)
        w->on_open(w->ud);
}

static int watch_with(kube_client *c, const kube_gvr *gvr, const char *ns,
                      const kube_watch_opts *opts, kube_watch_fn fn, void (*on_open)(void *),
                      void *ud, tt_error *err)
{
    kube_watch_opts none = {0};
    if (!opts)
        opts = &none;
    int timeout_s = opts->timeout_seconds > 0 ? opts->timeout_seconds : DEFAULT_WATCH_TIMEOUT_S;
    tt_buf q = TT_BUF_INIT;
    tt_buf_puts(&q, "?watch=true");
    char *v;
    if (opts->resource_version) {
        v = kube_url_escape(opts->resource_version);
        tt_buf_printf(&q, "&resourceVersion=%s", v);
        free(v);
    }
    if (!opts->no_bookmarks)
        tt_buf_puts(&q, "&allowWatchBookmarks=true");
    tt_buf_printf(&q, "&timeoutSeconds=%d", timeout_s);
    if (opts->label_selector) {
        v = kube_url_escape(opts->label_selector);
        tt_buf_printf(&q, "&labelSelector=%s", v);
        free(v);
    }
    if (opts->field_selector) {
        v = kube_url_escape(opts->field_selector);
        tt_buf_printf(&q, "&fieldSelector=%s", v);
        free(v);
    }
    char *base = kube_gvr_path(gvr, kube_client_ns(c, ns), NULL, NULL);
    char *path = tt_asprintf("%s%s", base, q.data);
    free(base);
    tt_buf_free(&q);

    watch_run w = {kube_watch_decoder_new(0), fn, ud, on_open, false, false, {0}};
    kube_http_req req = {
        .method = "GET",
        .path = path,
        .sink = watch_sink,
        .sink_ud = &w,
        .on_response = watch_opened,
        .streaming = true,
        .stream_timeout_ms = timeout_s * 1000L + WATCH_GRACE_MS,
    };
    int rc = kube_http_do(c, &req, NULL, err);
    if (rc == 0 && kube_watch_decoder_pending(w.dec) > 0) {
        /* A last event without its newline. */
        kube_watch_decoder_feed(w.dec, "\n", 1);
        if (drain(&w) != 0)
            rc = 1;
    }
    if (rc == 1 && w.bad_stream) {
        if (err)
            *err = w.decode_err;
        rc = -1;
    }
    kube_watch_decoder_free(w.dec);
    free(path);
    return rc;
}

int kube_watch(kube_client *c, const kube_gvr *gvr, const char *ns,
               const kube_watch_opts *opts, kube_watch_fn fn, void *ud, tt_error *err)
{
    return watch_with(c, gvr, ns, opts, fn, NULL, ud, err);
}

/* ---- reflector -------------------------------------------------------- */

typedef struct reflector {
    kube_client *c;
    const kube_gvr *gvr;
    const char *ns;
    kube_reflector_opts opts;
    kube_reflector_fn fn;
    void *ud;
    const atomic_int *cancel;
    char *rv;
    bool failing;      /* the last attempt failed: CONNECTED is due */
    long backoff_ms;   /* the next delay */
    bool stop;         /* fn asked to stop */
    bool expired;      /* relist needed (410) */
    bool listing;      /* relist: RELIST_BEGIN emitted */
    tt_error watch_err;
    bool watch_failed;
    unsigned seed;
    size_t events;
} reflector;

static bool r_cancelled(const reflector *r)
{
    return r->cancel && atomic_load(r->cancel) != 0;
}

static void emit(reflector *r, kube_reflector_event_type type, const json_t *obj)
{
    if (r->stop)
        return;
    kube_reflector_event ev = {type, obj, r->rv, 0, NULL, 0};
    if (r->fn(&ev, r->ud) != 0)
        r->stop = true;
}

static void set_rv(reflector *r, const char *rv)
{
    if (!rv || !rv[0])
        return;
    free(r->rv);
    r->rv = tt_strdup(rv);
}

static const char *object_rv(const json_t *obj)
{
    return json_string_value(
        json_object_get(json_object_get(obj, "metadata"), "resourceVersion"));
}

static void mark_connected(reflector *r)
{
    r->backoff_ms = r->opts.backoff_initial_ms;
    if (r->failing) {
        r->failing = false;
        emit(r, KUBE_REFLECT_CONNECTED, NULL);
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int wake_value(const reflector *r)
{
    return r->opts.wake ? atomic_load(r->opts.wake) : 0;
}

/* Waits ms in short slices so a cancel, or a change of the wake counter
 * from woke, is seen quickly. */
static void wait_woken(const reflector *r, long ms, int woke)
{
    long long end = tt_now_ms() + ms;
    while (!r_cancelled(r) && !r->stop && wake_value(r) == woke) {
        long long left = end - tt_now_ms();
        if (left <= 0)
            break;
        sleep_ms(left < 50 ? (long)left : 50);
    }
}

static void wait_cancellable(const reflector *r, long ms)
{
    wait_woken(r, ms, wake_value(r));
}

static void fail(reflector *r, const tt_error *why)
{
    long base = r->backoff_ms;
    long jitter = base / 4 > 0 ? (long)(rand_r(&r->seed) % (unsigned)(base / 4 + 1)) : 0;
    long delay = base + jitter;
    r->backoff_ms = base * 2 > r->opts.backoff_max_ms ? r->opts.backoff_max_ms : base * 2;
    r->failing = true;
    int woke = wake_value(r); /* before the report: a wake after it is seen */
    if (!r->stop) {
        kube_reflector_event ev = {KUBE_REFLECT_RETRYING, NULL, r->rv, delay, why, 0};
        if (r->fn(&ev, r->ud) != 0)
            r->stop = true;
    }
    wait_woken(r, delay, woke);
}

/* Each item of the list as its page is decoded: RELIST_BEGIN before the
 * first (so a list that fails at its first page says nothing), CONNECTED
 * with it when the reflector was failing. */
static int on_list_item(const json_t *item, void *ud)
{
    reflector *r = ud;
    if (!r->listing) {
        r->listing = true;
        mark_connected(r);
        emit(r, KUBE_REFLECT_RELIST_BEGIN, NULL);
    }
    emit(r, KUBE_REFLECT_ITEM, item);
    return r->stop ? 1 : 0;
}

/* Lists page by page, handing items on as each page is decoded: memory
 * stays at one page, and the consumer works on the first page while the
 * next is fetched. A list that fails part way has emitted RELIST_BEGIN
 * and some ITEMs but no SYNCED (see kube_reflector_fn). */
/* A continue token expired and the list starts again: the next item
 * begins a new relist, so what the first attempt saw and the second does
 * not is swept at SYNCED. */
static void on_list_restart(void *ud)
{
    reflector *r = ud;
    r->listing = false;
}

/* A page's items have been handed on: how many are left (the server's
 * estimate; -1 when it sent none, 0 after the last page), for a consumer
 * that shows progress. An empty page (an empty list) says nothing. */
static void on_list_page(const kube_list_page_info *info, void *ud)
{
    reflector *r = ud;
    long remaining = info->cont ? (long)info->remaining_item_count : 0;
    if (!r->listing || r->stop)
        return;
    kube_reflector_event ev = {KUBE_REFLECT_PAGE, NULL, r->rv, 0, NULL, remaining};
    if (r->fn(&ev, r->ud) != 0)
        r->stop = true;
}

static int relist(reflector *r, tt_error *err)
{
    kube_list_opts lo = {.label_selector = r->opts.label_selector,
                         .field_selector = r->opts.field_selector,
                         .page_size = r->opts.page_size,
                         .first_page_size = r->opts.first_page_size,
                         .restart = on_list_restart,
                         .fields = r->opts.fields,
                         .page = on_list_page};
    r->listing = false;
    char *rv = NULL;
    int rc = kube_list_items_rv(r->c, r->gvr, r->ns, &lo, on_list_item, r, &rv, err);
    if (rc < 0)
        return -1;
    if (r->stop) {
        free(rv);
        return 0;
    }
    if (!r->listing) { /* an empty list */
        mark_connected(r);
        emit(r, KUBE_REFLECT_RELIST_BEGIN, NULL);
    }
    set_rv(r, rv);
    free(rv);
    emit(r, KUBE_REFLECT_SYNCED, NULL);
    r->expired = false;
    return 0;
}

static void on_watch_open(void *ud)
{
    mark_connected(ud);
}

static int on_watch_event(const kube_watch_event *ev, void *ud)
{
    reflector *r = ud;
    r->events++;
    switch (ev->type) {
    case KUBE_WATCH_ERROR: {
        kube_status_ctx ctx;
        kube_client_status_ctx(r->c, NULL, &ctx);
        kube_status_from_object(ev->object, &ctx, &r->watch_err);
        if (r->watch_err.code == 410)
            r->expired = true;
        else
            r->watch_failed = true;
        return 1;
    }
    case KUBE_WATCH_BOOKMARK:
        set_rv(r, object_rv(ev->object));
        return 0;
    case KUBE_WATCH_ADDED:
    case KUBE_WATCH_MODIFIED:
    case KUBE_WATCH_DELETED:
        set_rv(r, object_rv(ev->object));
        emit(r, ev->type == KUBE_WATCH_ADDED      ? KUBE_REFLECT_ADDED
                : ev->type == KUBE_WATCH_MODIFIED ? KUBE_REFLECT_MODIFIED
                                                  : KUBE_REFLECT_DELETED,
             ev->object);
        return r->stop ? 1 : 0;
    }
    return 0;
}

static void watch_once(reflector *r)
{
    kube_watch_opts wo = {
        .resource_version = r->rv,
        .label_selector = r->opts.label_selector,
        .field_selector = r->opts.field_selector,
        .timeout_seconds = r->opts.watch_timeout_seconds,
    };
    tt_error err;
    tt_error_clear(&err);
    tt_error_clear(&r->watch_err);
    r->watch_failed = false;
    r->events = 0;
    long long started = tt_now_ms();
    int rc = watch_with(r->c, r->gvr, r->ns, &wo, on_watch_event, on_watch_open, r, &err);
    if (r_cancelled(r) || r->stop || r->expired)
        return;
    if (rc < 0 && err.code == 410) {
        r->expired = true;
        return;
    }
    /* After a failure, relist rather than re-watch from r->rv: the server
     * may have come back without the history that resourceVersion belongs
     * to (a restart of a cluster without persistent storage, a restore from
     * backup), and a watch from it would then miss changes for ever. */
    if (rc < 0) {
        fail(r, &err);
        r->expired = true;
        return;
    }
    if (r->watch_failed) {
        fail(r, &r->watch_err);
        r->expired = true;
        return;
    }
    /* A watch the server closed at once with nothing in it: don't spin. */
    if (r->events == 0 && tt_now_ms() - started < 1000)
        wait_cancellable(r, r->opts.backoff_initial_ms < 1000 ? r->opts.backoff_initial_ms : 1000);
}

int kube_reflector_run(kube_client *c, const kube_gvr *gvr, const char *ns,
                       const kube_reflector_opts *opts, kube_reflector_fn fn, void *ud,
                       const atomic_int *cancel, tt_error *err)
{
    if (!c || !gvr || !fn) {
        tt_error_set(err, TT_EINVAL, "kube_reflector_run needs a client, a resource and a "
                     "handler");
        return -1;
    }
    reflector r = {.c = c, .gvr = gvr, .ns = ns, .fn = fn, .ud = ud, .cancel = cancel};
    if (opts)
        r.opts = *opts;
    if (r.opts.backoff_initial_ms <= 0)
        r.opts.backoff_initial_ms = 250;
    if (r.opts.backoff_max_ms <= 0)
        r.opts.backoff_max_ms = 30000;
    r.backoff_ms = r.opts.backoff_initial_ms;
    r.expired = true; /* start with a list */
    r.seed = (unsigned)tt_now_ms();
    const atomic_int *old_cancel = c->cancel;
    c->cancel = cancel;
    while (!r_cancelled(&r) && !r.stop) {
        if (r.expired) {
            tt_error lerr;
            tt_error_clear(&lerr);
            if (relist(&r, &lerr) != 0) {
                if (!r_cancelled(&r))
                    fail(&r, &lerr);
                continue;
            }
        }
        if (!r_cancelled(&r) && !r.stop)
            watch_once(&r);
    }
    c->cancel = old_cancel;
    free(r.rv);
    return 0;
}
