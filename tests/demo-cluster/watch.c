/*
 * Watch streams: a chunked response whose reader callback blocks on the
 * store's condition (MHD runs a thread per connection) and writes one JSON
 * event per line; bookmarks, timeouts, injected drops and shutdown end or
 * punctuate the stream.
 */
#include "dc.h"

#include <stdlib.h>
#include <string.h>

typedef struct watch_state {
    dc_watcher w;
    struct MHD_Connection *c;
    bool registered, table, bookmarks, ended;
    long long deadline_ms, drop_ms, next_bookmark_ms;
    tt_buf out;
    size_t out_pos;
} watch_state;

static const char *type_name(int t)
{
    return t == DC_ADDED ? "ADDED" : t == DC_MODIFIED ? "MODIFIED" : "DELETED";
}

/* Lock held. */
static void format_event(watch_state *ws, dc_watch_event *e)
{
    json_t *obj = ws->table ? dc_table_new(ws->w.res, &e->obj, 1, true) : json_incref(e->obj);
    json_t *line = json_pack("{s:s, s:o}", "type", type_name(e->type), "object", obj);
    char *text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    tt_buf_puts(&ws->out, text);
    tt_buf_putc(&ws->out, '\n');
    free(text);
}

static void format_bookmark(watch_state *ws)
{
    char rv[32];
    snprintf(rv, sizeof rv, "%llu", dc_store_rv());
    json_t *line = json_pack("{s:s, s:{s:s, s:s, s:{s:s}}}", "type", "BOOKMARK", "object", "kind",
                             ws->w.res->kind, "apiVersion", dc_resource_api_version(ws->w.res),
                             "metadata", "resourceVersion", rv);
    char *text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    tt_buf_puts(&ws->out, text);
    tt_buf_putc(&ws->out, '\n');
    free(text);
}

static ssize_t watch_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    watch_state *ws = cls;
    for (;;) {
        if (ws->out_pos < ws->out.len) {
            size_t n = ws->out.len - ws->out_pos;
            if (n > max)
                n = max;
            memcpy(buf, ws->out.data + ws->out_pos, n);
            ws->out_pos += n;
            return (ssize_t)n;
        }
        tt_buf_reset(&ws->out);
        ws->out_pos = 0;
        if (ws->ended)
            return MHD_CONTENT_READER_END_OF_STREAM;
        bool gone = false;
        dc_lock();
        for (;;) {
            if (ws->w.qhead < ws->w.qlen || g_shutdown)
                break;
            long long now = tt_now_ms();
            if ((ws->deadline_ms && now >= ws->deadline_ms) || (ws->drop_ms && now >= ws->drop_ms))
                break;
            if (ws->bookmarks && now >= ws->next_bookmark_ms)
                break;
            if (dc_peer_gone(ws->c)) {
                gone = true;
                break;
            }
            dc_wait(500);
        }
        if (gone) {
            dc_unlock();
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        size_t done = 0;
        while (ws->w.qhead < ws->w.qlen && done < 256) {
            dc_watch_event *e = &ws->w.q[ws->w.qhead++];
            format_event(ws, e);
            json_decref(e->obj);
            e->obj = NULL;
            done++;
        }
        long long now = tt_now_ms();
        if (ws->bookmarks && now >= ws->next_bookmark_ms) {
            format_bookmark(ws);
            ws->next_bookmark_ms = now + (long long)g_cfg.bookmark_every_s * 1000;
        }
        if (g_shutdown || (ws->deadline_ms && now >= ws->deadline_ms) ||
            (ws->drop_ms && now >= ws->drop_ms))
            ws->ended = true;
        dc_unlock();
    }
}

static void watch_free(void *cls)
{
    watch_state *ws = cls;
    dc_lock();
    if (ws->registered)
        dc_watcher_unregister(&ws->w);
    dc_unlock();
    dc_selector_free(ws->w.sel);
    free(ws->w.ns);
    tt_buf_free(&ws->out);
    free(ws);
}

enum MHD_Result dc_watch_serve(struct MHD_Connection *c, dc_resource *r, const char *ns,
                               dc_selector *sel, const char *rv, bool table, int timeout_s,
                               bool bookmarks)
{
    watch_state *ws = tt_calloc(1, sizeof *ws);
    ws->w.res = r;
    ws->w.ns = ns ? tt_strdup(ns) : NULL;
    ws->w.sel = sel;
    ws->c = c;
    ws->table = table;
    ws->bookmarks = bookmarks;
    long long now = tt_now_ms();
    if (timeout_s > 0)
        ws->deadline_ms = now + (long long)timeout_s * 1000;
    if (g_cfg.drop_watches_every_s > 0)
        ws->drop_ms = now + (long long)g_cfg.drop_watches_every_s * 1000;
    ws->next_bookmark_ms = now + (long long)g_cfg.bookmark_every_s * 1000;
    bool from_now = !rv || !*rv || strcmp(rv, "0") == 0;
    char *end = NULL;
    unsigned long long v = from_now ? 0 : strtoull(rv, &end, 10);
    if (!from_now && (!end || *end)) {
        dc_selector_free(sel);
        free(ws->w.ns);
        free(ws);
        return dc_send_status(c, 400, "BadRequest", "invalid resource version \"%s\"", rv);
    }
    dc_lock();
    dc_watch_start start = dc_watcher_register(&ws->w, v, from_now);
    ws->registered = start == DC_WATCH_OK;
    if (start == DC_WATCH_TOO_NEW) {
        /* The apiserver waits up to 3 s for the RV, then answers 504. */
        unsigned long long current = dc_store_rv();
        dc_unlock();
        dc_selector_free(sel);
        free(ws->w.ns);
        free(ws);
        return dc_send_status(c, 504, "Timeout",
                              "Timeout: Too large resource version: %llu, current: %llu", v,
                              current);
    }
    if (start == DC_WATCH_TOO_OLD) {
        char msg[128];
        snprintf(msg, sizeof msg, "too old resource version: %llu (%llu)", v, dc_store_oldest_rv());
        json_t *line = json_pack("{s:s, s:o}", "type", "ERROR", "object",
                                 dc_status(410, "Expired", msg));
        char *text = json_dumps(line, JSON_COMPACT);
        json_decref(line);
        tt_buf_puts(&ws->out, text);
        tt_buf_putc(&ws->out, '\n');
        free(text);
        ws->ended = true;
    }
    dc_unlock();
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, watch_read, ws, watch_free);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-cache, private");
    enum MHD_Result ret = MHD_queue_response(c, 200, resp);
    MHD_destroy_response(resp);
    return ret;
}
