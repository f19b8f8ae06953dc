/* The UI queue: FIFO, a wake-up fd readable exactly while non-empty,
 * safe from many threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <stdlib.h>

#include "queue.h"

static bool readable(tui_queue *q)
{
    struct pollfd p = {tui_queue_fd(q), POLLIN, 0};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void messages_come_out_in_the_order_they_went_in(void **state)
{
    (void)state;
    tt_error err;
    tui_queue *q = tui_queue_new(&err);
    for (int i = 1; i <= 3; i++)
        tui_queue_push(q, tui_msg_new(i, (unsigned long)i * 10));
    for (int i = 1; i <= 3; i++) {
        tui_msg *m = tui_queue_pop(q);
        assert_non_null(m);
        assert_int_equal(m->type, i);
        assert_int_equal(m->req, i * 10);
        tui_msg_free(m);
    }
    assert_null(tui_queue_pop(q));
    tui_queue_free(q);
}

static void the_fd_is_readable_exactly_while_messages_wait(void **state)
{
    (void)state;
    tt_error err;
    tui_queue *q = tui_queue_new(&err);
    assert_false(readable(q));
    tui_queue_push(q, tui_msg_new(1, 0));
    tui_queue_push(q, tui_msg_new(2, 0));
    assert_true(readable(q));
    tui_msg_free(tui_queue_pop(q));
    assert_true(readable(q)); /* one left */
    tui_msg_free(tui_queue_pop(q));
    assert_false(readable(q));
    tui_queue_free(q);
}

static void payload_is_freed_with_the_message(void **state)
{
    (void)state;
    tt_error err;
    tui_queue *q = tui_queue_new(&err);
    tui_msg *m = tui_msg_new(1, 0);
    m->payload = tt_strdup("owned");
    m->free_payload = free;
    tui_queue_push(q, m);
    /* freeing the queue frees what is still in it (ASan checks leaks) */
    tui_queue_free(q);
}

#define THREADS 4
#define PER_THREAD 500

static void *producer(void *arg)
{
    tui_queue *q = arg;
    for (int i = 0; i < PER_THREAD; i++)
        tui_queue_push(q, tui_msg_new(7, (unsigned long)i));
    return NULL;
}

static void pushes_from_many_threads_all_arrive(void **state)
{
    (void)state;
    tt_error err;
    tui_queue *q = tui_queue_new(&err);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, producer, q);
    size_t got = 0;
    while (got < THREADS * PER_THREAD) {
        struct pollfd p = {tui_queue_fd(q), POLLIN, 0};
        assert_int_equal(poll(&p, 1, 5000), 1);
        tui_msg *m;
        while ((m = tui_queue_pop(q))) {
            got++;
            tui_msg_free(m);
        }
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(got, THREADS * PER_THREAD);
    assert_int_equal(tui_queue_length(q), 0);
    assert_false(readable(q));
    tui_queue_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(messages_come_out_in_the_order_they_went_in),
        cmocka_unit_test(the_fd_is_readable_exactly_while_messages_wait),
        cmocka_unit_test(payload_is_freed_with_the_message),
        cmocka_unit_test(pushes_from_many_threads_all_arrive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
