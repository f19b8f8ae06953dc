/*
 * The watch-stream decoder (k8s/kube_watch.h): the input is the byte
 * stream of a watch response. It is decoded twice, once fed whole and once
 * cut at pseudo-random points derived from the input (including empty
 * feeds and single bytes), with the same max_line; both runs must give the
 * same sequence of events, errors and leftover pending bytes. A decoder
 * that depends on where the network split its reads is a bug.
 */
#include <jansson.h>

#include "fuzz_target.h"
#include "kube_watch.h"

typedef struct trace {
    tt_buf text; /* one line per next() outcome */
    size_t events;
} trace;

static void drain(kube_watch_decoder *d, trace *t)
{
    for (;;) {
        kube_watch_event ev = {KUBE_WATCH_ADDED, NULL};
        tt_error err;
        tt_error_clear(&err);
        int rc = kube_watch_decoder_next(d, &ev, &err);
        if (rc == 0) {
            FUZZ_CHECK(ev.object == NULL, "no event but an object");
            return;
        }
        if (rc < 0) {
            fuzz_check_error(&err, 1);
            FUZZ_CHECK(err.code == TT_EPROTO, "decoder error code %d", err.code);
            FUZZ_CHECK(ev.object == NULL, "error but an object");
            tt_buf_printf(&t->text, "error %s\n", err.message);
            continue;
        }
        FUZZ_CHECK(rc == 1, "next() returned %d", rc);
        FUZZ_CHECK(json_is_object(ev.object), "event object is not an object");
        FUZZ_CHECK(strcmp(kube_watch_event_type_name(ev.type), "UNKNOWN") != 0,
                   "event type %d has no name", (int)ev.type);
        char *dump = json_dumps(ev.object, JSON_SORT_KEYS | JSON_COMPACT);
        FUZZ_CHECK(dump != NULL, "cannot dump the event object");
        tt_buf_printf(&t->text, "%s %s\n", kube_watch_event_type_name(ev.type), dump);
        free(dump);
        kube_watch_event_clear(&ev);
        FUZZ_CHECK(ev.object == NULL, "clear keeps the object");
        t->events++;
    }
}

static size_t decode(const uint8_t *data, size_t size, size_t max_line, uint64_t *rng, trace *t)
{
    kube_watch_decoder *d = kube_watch_decoder_new(max_line);
    size_t off = 0;
    while (off < size) {
        size_t chunk = size - off;
        if (rng) {
            uint64_t r = fuzz_rand(rng);
            /* Mostly small reads, sometimes one byte or nothing at all. */
            chunk = (r & 7) == 0 ? 0 : (r & 7) == 1 ? 1 : 1 + (size_t)((r >> 8) % 97);
            if (chunk > size - off)
                chunk = size - off;
        }
        kube_watch_decoder_feed(d, data + off, chunk);
        off += chunk;
        drain(d, t);
    }
    drain(d, t);
    size_t pending = kube_watch_decoder_pending(d);
    kube_watch_decoder_free(d);
    return pending;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t rng = fuzz_hash(data, size);
    /* Usually the default limit; sometimes a small one to reach the
     * overlong-line paths. */
    size_t max_line = (rng & 3) == 0 ? 1 + (size_t)((rng >> 2) % 200) : 0;

    trace whole = {TT_BUF_INIT, 0}, split = {TT_BUF_INIT, 0};
    size_t pending_whole = decode(data, size, max_line, NULL, &whole);
    size_t pending_split = decode(data, size, max_line, &rng, &split);
    FUZZ_CHECK(whole.events == split.events, "%zu events whole, %zu split", whole.events,
               split.events);
    FUZZ_CHECK(whole.text.len == split.text.len &&
                   (!whole.text.len || memcmp(whole.text.data, split.text.data,
                                              whole.text.len) == 0),
               "outcomes differ:\n--- whole\n%s--- split\n%s", whole.text.data ? whole.text.data : "",
               split.text.data ? split.text.data : "");
    FUZZ_CHECK(pending_whole == pending_split, "pending %zu whole, %zu split", pending_whole,
               pending_split);
    FUZZ_CHECK(pending_whole <= size, "pending %zu of %zu bytes", pending_whole, size);
    tt_buf_free(&whole.text);
    tt_buf_free(&split.text);
    return 0;
}
