/*
 * Watches and the reflector against the scripted server
 * (support/scripted_server.c): events split across chunks, cancel of a
 * quiet watch, lists handed on page by page, relists on 410 Expired,
 * RETRYING and the reflector's backoff.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kube_discovery.h"
#include "kube_watch.h"
#include "support/scripted_server.h"

typedef struct wseen {
    kube_watch_event_type types[8];
    char rv[8][16];
    size_t n;
} wseen;

static int on_event(const kube_watch_event *ev, void *ud)
{
    wseen *w = ud;
    w->types[w->n] = ev->type;
    const char *rv = json_string_value(
        json_object_get(json_object_get(ev->object, "metadata"), "resourceVersion"));
    tt_strlcpy(w->rv[w->n], rv ? rv : "", sizeof w->rv[0]);
    w->n++;
    return 0;
}

static void watch_streams_events_split_across_chunks(void **state)
{
    tt_error err;
    wseen w = {0};
    kube_watch_opts o = {.resource_version = "12", .timeout_seconds = 5};
    assert_int_equal(kube_watch(*state, &KUBE_GVR_CONFIGMAPS, NULL, &o, on_event, &w, &err), 0);
    assert_int_equal(w.n, 3);
    assert_int_equal(w.types[0], KUBE_WATCH_ADDED);
    assert_int_equal(w.types[1], KUBE_WATCH_MODIFIED);
    assert_int_equal(w.types[2], KUBE_WATCH_BOOKMARK);
    assert_string_equal(w.rv[2], "20");
    assert_non_null(strstr(S.last_query, "allowWatchBookmarks=true"));
    assert_non_null(strstr(S.last_query, "timeoutSeconds=5"));
}

static void *cancel_later(void *arg)
{
    sleep_ms(300);
    atomic_store((atomic_int *)arg, 1);
    return NULL;
}

static void cancel_stops_a_quiet_watch_quickly(void **state)
{
    atomic_int cancel = 0;
    kube_client_set_cancel(*state, &cancel);
    pthread_t t;
    pthread_create(&t, NULL, cancel_later, &cancel);
    tt_error err;
    wseen w = {0};
    kube_watch_opts o = {.resource_version = "99"};
    long long start = tt_now_ms();
    assert_int_equal(kube_watch(*state, &KUBE_GVR_CONFIGMAPS, NULL, &o, on_event, &w, &err), -1);
    long long took = tt_now_ms() - start;
    pthread_join(t, NULL);
    assert_int_equal(err.code, TT_ECANCELED);
    assert_true(took < 1500);
    assert_int_equal(w.n, 0);
    kube_client_set_cancel(*state, NULL);
}

typedef struct rseen {
    char log[1024];
    int synced;
    int cancel_at; /* cancel at this SYNCED (0: the second) */
    atomic_int *cancel;
} rseen;

static int on_reflect(const kube_reflector_event *ev, void *ud)
{
    rseen *r = ud;
    static const char *names[] = {"BEGIN", "ITEM", "SYNCED", "ADDED", "MODIFIED", "DELETED",
                                  "CONNECTED", "RETRYING", "PAGE"};
    size_t n = strlen(r->log);
    snprintf(r->log + n, sizeof r->log - n, "%s%s@%s", n ? " " : "", names[ev->type],
             ev->resource_version ? ev->resource_version : "-");
    if (ev->type == KUBE_REFLECT_SYNCED && ++r->synced == (r->cancel_at ? r->cancel_at : 2))
        atomic_store(r->cancel, 1);
    return 0;
}

/* The list is handed on page by page; one that fails part way has given
 * RELIST_BEGIN and the first page's items but no SYNCED, and the retry
 * starts again with RELIST_BEGIN. */
static void reflector_list_failing_part_way_is_begun_again(void **state)
{
    atomic_int cancel = 0;
    rseen r = {.cancel = &cancel, .cancel_at = 1};
    tt_error err;
    kube_reflector_opts o = {.page_size = 2, .backoff_initial_ms = 10};
    kube_client_set_retry(*state, &(kube_retry_policy){.max_attempts = 1});
    assert_int_equal(kube_reflector_run(*state, &KUBE_GVR_CONFIGMAPS, "torn", &o, on_reflect, &r,
                                        &cancel, &err),
                     0);
    /* PAGE after each page's items: none for the page that failed */
    assert_string_equal(r.log, "BEGIN@- ITEM@- ITEM@- PAGE@- RETRYING@- "
                               "CONNECTED@- BEGIN@- ITEM@- ITEM@- PAGE@- ITEM@- PAGE@- SYNCED@5");
}

static void reflector_lists_watches_and_relists_on_expired(void **state)
{
    atomic_int cancel = 0;
    rseen r = {.cancel = &cancel};
    tt_error err;
    /* list (RV 12; its items come before the reflector may resume from it)
     * → watch from 12: ADDED, MODIFIED, BOOKMARK 20, end → watch from 20:
     * ERROR 410 → relist (items while 20 is still the last RV) → synced
     * twice → cancelled. */
    kube_reflector_opts o = {.watch_timeout_seconds = 5};
    assert_int_equal(kube_reflector_run(*state, &KUBE_GVR_CONFIGMAPS, NULL, &o, on_reflect, &r,
                                        &cancel, &err), 0);
    assert_string_equal(r.log, "BEGIN@- ITEM@- PAGE@- SYNCED@12 ADDED@11 MODIFIED@12 "
                               "BEGIN@20 ITEM@20 PAGE@20 SYNCED@12");
}

static int stop_on_retry(const kube_reflector_event *ev, void *ud)
{
    if (ev->type == KUBE_REFLECT_RETRYING) {
        *(long *)ud = ev->retry_in_ms;
        assert_non_null(ev->error);
        assert_int_equal(ev->error->code, TT_ENET);
        return 1;
    }
    return 0;
}

static void reflector_reports_retrying_when_the_server_is_down(void **state)
{
    (void)state;
    kube_rest_config rc = {0};
    rc.namespace_ = (char *)"n";
    rc.server = (char *)"http://127.0.0.1:1";
    tt_error err;
    kube_client *c = kube_client_new(&rc, &err);
    long retry = -1;
    kube_reflector_opts o = {.backoff_initial_ms = 100};
    assert_int_equal(kube_reflector_run(c, &KUBE_GVR_PODS, NULL, &o, stop_on_retry, &retry, NULL,
                                        &err), 0);
    assert_true(retry >= 100 && retry <= 125);
    kube_client_free(c);
}

/* Collects the waits of the first six retries, then stops. */
static int collect_retries(const kube_reflector_event *ev, void *ud)
{
    long *waits = ud;
    if (ev->type != KUBE_REFLECT_RETRYING)
        return 0;
    waits[++waits[0]] = ev->retry_in_ms;
    return waits[0] == 6;
}

/* The reflector's waits double up to backoff_max_ms (plus at most a quarter
 * of jitter) and stay there: the dashboard's cap (8 s) is how soon a
 * returning cluster is seen. */
static void reflector_backoff_doubles_up_to_its_cap(void **state)
{
    (void)state;
    kube_rest_config rc = {0};
    rc.namespace_ = (char *)"n";
    rc.server = (char *)"http://127.0.0.1:1";
    tt_error err;
    kube_client *c = kube_client_new(&rc, &err);
    long waits[7] = {0};
    kube_reflector_opts o = {.backoff_initial_ms = 20, .backoff_max_ms = 80};
    assert_int_equal(kube_reflector_run(c, &KUBE_GVR_PODS, NULL, &o, collect_retries, waits, NULL,
                                        &err), 0);
    assert_int_equal(waits[0], 6);
    static const long base[] = {0, 20, 40, 80, 80, 80, 80};
    for (int i = 1; i <= 6; i++)
        if (waits[i] < base[i] || waits[i] > base[i] + base[i] / 4)
            fail_msg("retry %d waits %ld ms, expected %ld to %ld", i, waits[i], base[i],
                     base[i] + base[i] / 4);
    kube_client_free(c);
}


int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, server_setup, server_teardown)
    const struct CMUnitTest tests[] = {
        T(reflector_list_failing_part_way_is_begun_again),
        T(watch_streams_events_split_across_chunks),
        T(cancel_stops_a_quiet_watch_quickly),
        T(reflector_lists_watches_and_relists_on_expired),
        T(reflector_reports_retrying_when_the_server_is_down),
        T(reflector_backoff_doubles_up_to_its_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
