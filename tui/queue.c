#include "queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct tui_queue {
    pthread_mutex_t lock;
    tui_msg *head;
    tui_msg *tail;
    size_t length;
    int fd;
};

tui_msg *tui_msg_new(int type, unsigned long req)
{
    tui_msg *m = tt_calloc(1, sizeof(*m));
    m->type = type;
    m->req = req;
    return m;
}

void tui_msg_free(tui_msg *m)
{
    if (!m)
        return;
    if (m->free_payload && m->payload)
        m->free_payload(m->payload);
    free(m);
}

tui_queue *tui_queue_new(tt_error *err)
{
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) {
        tt_error_set(err, TT_EIO, "cannot create the UI wake-up descriptor: %s", strerror(errno));
        return NULL;
    }
    tui_queue *q = tt_calloc(1, sizeof(*q));
    pthread_mutex_init(&q->lock, NULL);
    q->fd = fd;
    return q;
}

void tui_queue_free(tui_queue *q)
{
    if (!q)
        return;
    tui_msg *m = q->head;
    while (m) {
        tui_msg *next = m->next;
        tui_msg_free(m);
        m = next;
    }
    close(q->fd);
    pthread_mutex_destroy(&q->lock);
    free(q);
}

int tui_queue_fd(const tui_queue *q)
{
    return q->fd;
}

/* The eventfd is written only on the empty -> non-empty transition and
 * drained only on the non-empty -> empty one, both under the lock, so it is
 * readable exactly while messages wait: no lost or spurious wake-ups. */
void tui_queue_push(tui_queue *q, tui_msg *m)
{
    m->next = NULL;
    pthread_mutex_lock(&q->lock);
    bool was_empty = q->head == NULL;
    if (q->tail)
        q->tail->next = m;
    else
        q->head = m;
    q->tail = m;
    q->length++;
    if (was_empty) {
        uint64_t one = 1;
        ssize_t n;
        do {
            n = write(q->fd, &one, sizeof(one));
        } while (n < 0 && errno == EINTR);
    }
    pthread_mutex_unlock(&q->lock);
}

tui_msg *tui_queue_pop(tui_queue *q)
{
    pthread_mutex_lock(&q->lock);
    tui_msg *m = q->head;
    if (m) {
        q->head = m->next;
        if (!q->head)
            q->tail = NULL;
        q->length--;
        m->next = NULL;
    }
    if (!q->head) {
        uint64_t v;
        ssize_t n;
        do {
            n = read(q->fd, &v, sizeof(v));
        } while (n < 0 && errno == EINTR);
    }
    pthread_mutex_unlock(&q->lock);
    return m;
}

size_t tui_queue_length(tui_queue *q)
{
    pthread_mutex_lock(&q->lock);
    size_t n = q->length;
    pthread_mutex_unlock(&q->lock);
    return n;
}
