/*
 * Watches: the newline-delimited JSON event decoder (pure, no I/O), one
 * watch request, and a reflector loop (list, then watch, relist on 410,
 * reconnect with backoff) for UIs that keep a live view of a collection.
 *
 * Threads: kube_watch and kube_reflector_run block the calling thread and
 * use the client exclusively while they run: give them their own client.
 */
#ifndef KUBE_WATCH_H
#define KUBE_WATCH_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "kube_client.h"
#include "kube_gvr.h"
#include "tt_common.h"

typedef enum kube_watch_event_type {
    KUBE_WATCH_ADDED,
    KUBE_WATCH_MODIFIED,
    KUBE_WATCH_DELETED,
    KUBE_WATCH_BOOKMARK,
    KUBE_WATCH_ERROR, /* object is a Status (e.g. 410 Expired) */
} kube_watch_event_type;

typedef struct kube_watch_event {
    kube_watch_event_type type;
    json_t *object; /* owned by the event: kube_watch_event_clear releases it */
} kube_watch_event;

void kube_watch_event_clear(kube_watch_event *ev);
/* "ADDED" ... for messages. */
const char *kube_watch_event_type_name(kube_watch_event_type t);

/* ---- decoder -------------------------------------------------------- */

typedef struct kube_watch_decoder kube_watch_decoder;

/* max_line: the longest accepted event line in bytes (0 = 16 MiB). */
kube_watch_decoder *kube_watch_decoder_new(size_t max_line);
void kube_watch_decoder_free(kube_watch_decoder *d);
/* Appends bytes exactly as they came off the wire (any split). */
void kube_watch_decoder_feed(kube_watch_decoder *d, const void *data, size_t len);
/*
 * The next complete event: 1 with *ev filled (caller clears it), 0 when
 * more bytes are needed, -1 with err set (TT_EPROTO) for a line that is not
 * a watch event (bad JSON, unknown type, no object) or is longer than
 * max_line. A bad line is dropped, so calling again continues after it.
 * Call until it returns 0 after each feed.
 */
int kube_watch_decoder_next(kube_watch_decoder *d, kube_watch_event *ev, tt_error *err);
/* Bytes of an incomplete line still buffered (a stream that ends with
 * pending() > 0 was cut mid-event). */
size_t kube_watch_decoder_pending(const kube_watch_decoder *d);

/* ---- one watch request ------------------------------------------------ */

typedef struct kube_watch_opts {
    const char *resource_version; /* start after this RV; NULL = now */
    const char *label_selector;
    const char *field_selector;
    int timeout_seconds;          /* server ends the watch after this; 0 = 300 */
    bool no_bookmarks;            /* allowWatchBookmarks=true unless set */
} kube_watch_opts;

/* ev and its object are borrowed for the call. Return non-zero to stop. */
typedef int (*kube_watch_fn)(const kube_watch_event *ev, void *ud);

/*
 * GET ...?watch=true streaming events to fn. Returns 0 when the server
 * ended the stream (timeoutSeconds), 1 when fn stopped it, -1 with err
 * when the request failed, a line could not be decoded, or the cancel flag
 * was set (TT_ECANCELED). ERROR events are passed to fn like the others.
 */
int kube_watch(kube_client *c, const kube_gvr *gvr, const char *ns,
               const kube_watch_opts *opts, kube_watch_fn fn, void *ud, tt_error *err);

/* ---- reflector -------------------------------------------------------- */

typedef enum kube_reflector_event_type {
    KUBE_REFLECT_RELIST_BEGIN, /* a full list follows (see below) */
    KUBE_REFLECT_ITEM,         /* one object of the list, as its page arrives */
    KUBE_REFLECT_SYNCED,       /* the list is complete (you have every object) */
    KUBE_REFLECT_ADDED,        /* then live changes from the watch */
    KUBE_REFLECT_MODIFIED,
    KUBE_REFLECT_DELETED,
    KUBE_REFLECT_CONNECTED,    /* list/watch succeeded after a failure */
    KUBE_REFLECT_RETRYING,     /* failed: retry_in_ms and error say why */
    KUBE_REFLECT_PAGE,         /* a page of the list has been handed on (its ITEMs came
                                * before): remaining says how many the server says are
                                * left (-1 when it did not say, 0 after the last page) */
} kube_reflector_event_type;

typedef struct kube_reflector_event {
    kube_reflector_event_type type;
    const json_t *object;          /* ITEM/ADDED/MODIFIED/DELETED, borrowed */
    const char *resource_version;  /* where a watch would resume: the latest RV seen;
                                    * during a list the one from before it (NULL at
                                    * first), from SYNCED on the list's */
    long retry_in_ms;              /* RETRYING */
    const tt_error *error;         /* RETRYING: the failure */
    long remaining;                /* PAGE */
} kube_reflector_event;

/* Return non-zero to stop the reflector. */
typedef int (*kube_reflector_fn)(const kube_reflector_event *ev, void *ud);

typedef struct kube_reflector_opts {
    const char *label_selector;
    const char *field_selector;
    long page_size;            /* 0 = 500 */
    long first_page_size;      /* the list's first page; 0 = page_size (see kube_list_opts) */
    int watch_timeout_seconds; /* 0 = 300 */
    long backoff_initial_ms;   /* 0 = 250 */
    long backoff_max_ms;       /* 0 = 30000 */
    /* Optional: a change of *wake cuts a wait before a retry short (a
     * "reconnect now" key); the wait started when the retry was reported
     * sees a change made after that report. */
    const atomic_int *wake;
    /* Optional: the fields the list keeps of each item (kube_list_opts.
     * fields); watch events carry whole objects. */
    const char *const *fields;
} kube_reflector_opts;

/*
 * List (emitting RELIST_BEGIN, ITEM..., SYNCED), then watch from the
 * list's resourceVersion. The list is handed on page by page as it is
 * decoded (memory stays at one page), so a list can fail part way: then
 * RELIST_BEGIN and some ITEMs came but no SYNCED, and the next attempt
 * starts again with RELIST_BEGIN. Items are current objects, so a
 * consumer may show them at once as upserts, but must forget objects it
 * had before RELIST_BEGIN only at SYNCED (those the list did not name). A
 * list that fails at its first page emits nothing; an ERROR 410 (or HTTP 410) relists; a watch the
 * server ends re-watches from the last RV seen (bookmarks included);
 * failures (connection refused or broken, error answers) retry with
 * exponential backoff and jitter, reported as RETRYING, then relist (the
 * server may have lost the history of the old RV) and, once that works,
 * CONNECTED. Runs in the calling thread until
 * *cancel becomes non-zero (checked at least every ~100 ms, even on a quiet
 * watch) or fn returns non-zero; returns 0 then. -1 with err only for
 * invalid arguments. cancel may be NULL (then only fn can stop it). The
 * client's own cancel flag is replaced by cancel while it runs.
 */
int kube_reflector_run(kube_client *c, const kube_gvr *gvr, const char *ns,
                       const kube_reflector_opts *opts, kube_reflector_fn fn, void *ud,
                       const atomic_int *cancel, tt_error *err);

#endif
