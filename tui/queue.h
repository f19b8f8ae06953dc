/*
 * The one way worker threads reach the UI thread: a mutex-protected FIFO
 * of messages plus an eventfd that is readable while the queue is not
 * empty, so the UI's poll() wakes up without ever polling on a timer.
 */
#ifndef TUI_QUEUE_H
#define TUI_QUEUE_H

#include <stdbool.h>

#include "tt_common.h"

typedef struct tui_msg tui_msg;

/* A message: its type is one of the TUI_MSG_* values of backend.h; req is
 * the request id the backend call returned (0 for unsolicited messages
 * such as fleet updates). payload is owned by the message and released
 * with free_payload (may be NULL). */
struct tui_msg {
    tui_msg *next;
    int type;
    unsigned long req;
    tt_error err;               /* err.code != 0: the request failed */
    void *payload;
    void (*free_payload)(void *payload);
};

/* Returns a zeroed message; caller frees with tui_msg_free unless it is
 * pushed (the queue then owns it). */
tui_msg *tui_msg_new(int type, unsigned long req);
void tui_msg_free(tui_msg *m);

typedef struct tui_queue tui_queue;

/* NULL with err set when the wake-up descriptor cannot be created. */
tui_queue *tui_queue_new(tt_error *err);
/* Frees every message still queued. No thread may push afterwards. */
void tui_queue_free(tui_queue *q);
/* Readable while messages are waiting: put it in the poll set. */
int tui_queue_fd(const tui_queue *q);
/* Thread-safe; takes ownership of m. */
void tui_queue_push(tui_queue *q, tui_msg *m);
/* Never blocks. Returns the oldest message (caller frees) or NULL. */
tui_msg *tui_queue_pop(tui_queue *q);
size_t tui_queue_length(tui_queue *q);

#endif
