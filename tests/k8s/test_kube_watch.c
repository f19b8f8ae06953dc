/* The watch decoder turns a byte stream, split anywhere, into events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "kube_watch.h"

static const char stream[] =
    "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Service\",\"metadata\":{\"name\":\"a\","
    "\"resourceVersion\":\"11\"}}}\n"
    "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Service\",\"metadata\":{\"name\":\"a\","
    "\"resourceVersion\":\"12\",\"labels\":{\"x\":\"caf\xc3\xa9\"}}}}\n"
    "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Service\",\"apiVersion\":\"serving.knative.dev/v1\","
    "\"metadata\":{\"resourceVersion\":\"15\"}}}\n"
    "{\"type\":\"DELETED\",\"object\":{\"kind\":\"Service\",\"metadata\":{\"name\":\"a\","
    "\"resourceVersion\":\"16\"}}}\n";

typedef struct seen {
    kube_watch_event_type types[16];
    char rvs[16][16];
    size_t n;
    size_t errors;
} seen;

static void drain(kube_watch_decoder *d, seen *s)
{
    kube_watch_event ev;
    tt_error err;
    int rc;
    while ((rc = kube_watch_decoder_next(d, &ev, &err)) != 0) {
        if (rc < 0) {
            s->errors++;
            continue;
        }
        assert_true(s->n < 16);
        s->types[s->n] = ev.type;
        const char *rv = json_string_value(
            json_object_get(json_object_get(ev.object, "metadata"), "resourceVersion"));
        tt_strlcpy(s->rvs[s->n], rv ? rv : "", sizeof s->rvs[0]);
        s->n++;
        kube_watch_event_clear(&ev);
    }
}

static void assert_the_four_events(const seen *s)
{
    assert_int_equal(s->errors, 0);
    assert_int_equal(s->n, 4);
    assert_int_equal(s->types[0], KUBE_WATCH_ADDED);
    assert_int_equal(s->types[1], KUBE_WATCH_MODIFIED);
    assert_int_equal(s->types[2], KUBE_WATCH_BOOKMARK);
    assert_int_equal(s->types[3], KUBE_WATCH_DELETED);
    assert_string_equal(s->rvs[0], "11");
    assert_string_equal(s->rvs[1], "12");
    assert_string_equal(s->rvs[2], "15");
    assert_string_equal(s->rvs[3], "16");
}

static void whole_buffer_gives_every_event_in_order(void **state)
{
    (void)state;
    kube_watch_decoder *d = kube_watch_decoder_new(0);
    seen s = {0};
    kube_watch_decoder_feed(d, stream, strlen(stream));
    drain(d, &s);
    assert_the_four_events(&s);
    assert_int_equal(kube_watch_decoder_pending(d), 0);
    kube_watch_decoder_free(d);
}

static void every_split_point_gives_the_same_events(void **state)
{
    (void)state;
    size_t len = strlen(stream);
    for (size_t cut = 0; cut <= len; cut++) {
        kube_watch_decoder *d = kube_watch_decoder_new(0);
        seen s = {0};
        kube_watch_decoder_feed(d, stream, cut);
        drain(d, &s);
        kube_watch_decoder_feed(d, stream + cut, len - cut);
        drain(d, &s);
        assert_the_four_events(&s);
        kube_watch_decoder_free(d);
    }
}

static void every_pair_of_split_points_gives_the_same_events(void **state)
{
    (void)state;
    size_t len = strlen(stream);
    for (size_t a = 0; a <= len; a += 7) {
        for (size_t b = a; b <= len; b += 3) {
            kube_watch_decoder *d = kube_watch_decoder_new(0);
            seen s = {0};
            kube_watch_decoder_feed(d, stream, a);
            drain(d, &s);
            kube_watch_decoder_feed(d, stream + a, b - a);
            drain(d, &s);
            kube_watch_decoder_feed(d, stream + b, len - b);
            drain(d, &s);
            assert_the_four_events(&s);
            kube_watch_decoder_free(d);
        }
    }
}

static void one_byte_at_a_time_gives_the_same_events(void **state)
{
    (void)state;
    kube_watch_decoder *d = kube_watch_decoder_new(0);
    seen s = {0};
    for (size_t i = 0; stream[i]; i++) {
        kube_watch_decoder_feed(d, stream + i, 1);
        drain(d, &s);
    }
    assert_the_four_events(&s);
    kube_watch_decoder_free(d);
}

static void incomplete_event_waits_for_its_newline(void **state)
{
    (void)state;
    kube_watch_decoder *d = kube_watch_decoder_new(0);
    const char *part = "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\"}}";
    kube_watch_decoder_feed(d, part, strlen(part));
    kube_watch_event ev;
    assert_int_equal(kube_watch_decoder_next(d, &ev, NULL), 0);
    assert_int_equal(kube_watch_decoder_pending(d), strlen(part));
    kube_watch_decoder_feed(d, "\n", 1);
    assert_int_equal(kube_watch_decoder_next(d, &ev, NULL), 1);
    assert_int_equal(ev.type, KUBE_WATCH_ADDED);
    kube_watch_event_clear(&ev);
    assert_int_equal(kube_watch_decoder_pending(d), 0);
    kube_watch_decoder_free(d);
}

static void error_event_carries_the_410_status(void **state)
{
    (void)state;
    kube_watch_decoder *d = kube_watch_decoder_new(0);
    const char *line = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                       "\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource "
                       "version: 5 (9)\",\"reason\":\"Expired\",\"code\":410}}\n";
    kube_watch_decoder_feed(d, line, strlen(line));
    kube_watch_event ev;
    assert_int_equal(kube_watch_decoder_next(d, &ev, NULL), 1);
    assert_int_equal(ev.type, KUBE_WATCH_ERROR);
    assert_int_equal(json_integer_value(json_object_get(ev.object, "code")), 410);
    assert_string_equal(json_string_value(json_object_get(ev.object, "reason")), "Expired");
    kube_watch_event_clear(&ev);
    kube_watch_decoder_free(d);
}

static void garbage_line_is_an_error_and_decoding_continues(void **state)
{
    (void)state;
    kube_watch_decoder *d = kube_watch_decoder_new(0);
    const char *in = "this is not json\n"
                     "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\"}}\n";
    kube_watch_decoder_feed(d, in, strlen(in));
    kube_watch_event ev;
    tt_error err;
    assert_int_equal(kube_watch_decoder_next(d, &ev, &err), -1);
    assert_int_equal(err.code, TT_EPROTO);
    assert_non_null(strstr(err.message, "not JSON"));
    assert_null(ev.object);
    assert_int_equal(kube_watch_decoder_next(d, &ev, &err), 1);
    assert_int_equal(ev.type, KUBE_WATCH_ADDED);
    kube_watch_event_clear(&ev);
    kube_watch_decoder_free(d);
}

static void json_that_is_not_an_event_is_an_error(void **state)
{
    (void)state;
    kube_watch_decoder *d = kube_watch_decoder_new(0);
    const char *in = "{\"kind\":\"Status\",\"code\":500}\n"
                     "{\"type\":\"RENAMED\",\"object\":{}}\n"
                     "[1,2]\n";
    kube_watch_decoder_feed(d, in, strlen(in));
    kube_watch_event ev;
    tt_error err;
    assert_int_equal(kube_watch_decoder_next(d, &ev, &err), -1);
    assert_non_null(strstr(err.message, "not a watch event"));
    assert_int_equal(kube_watch_decoder_next(d, &ev, &err), -1);
    assert_non_null(strstr(err.message, "unknown type \"RENAMED\""));
    assert_int_equal(kube_watch_decoder_next(d, &ev, &err), -1);
    assert_int_equal(kube_watch_decoder_next(d, &ev, &err), 0);
    kube_watch_decoder_free(d);
}

static void oversized_line_is_dropped_with_an_error(void **state)
{
    (void)state;
    kube_watch_decoder *d = kube_watch_decoder_new(64);
    char big[200];
    memset(big, 'x', sizeof big);
    /* Fed in pieces: the cap must hold before the newline arrives. */
    kube_watch_decoder_feed(d, big, 50);
    kube_watch_event ev;
    tt_error err;
    assert_int_equal(kube_watch_decoder_next(d, &ev, &err), 0);
    kube_watch_decoder_feed(d, big, 50);
    assert_int_equal(kube_watch_decoder_next(d, &ev, &err), -1);
    assert_non_null(strstr(err.message, "longer than 64 bytes"));
    kube_watch_decoder_feed(d, big, sizeof big);
    assert_int_equal(kube_watch_decoder_next(d, &ev, &err), 0);
    assert_true(kube_watch_decoder_pending(d) < 64);
    const char *rest = "\n{\"type\":\"DELETED\",\"object\":{\"kind\":\"Pod\"}}\n";
    kube_watch_decoder_feed(d, rest, strlen(rest));
    assert_int_equal(kube_watch_decoder_next(d, &ev, &err), 1);
    assert_int_equal(ev.type, KUBE_WATCH_DELETED);
    kube_watch_event_clear(&ev);
    kube_watch_decoder_free(d);
}

static void oversized_line_arriving_whole_is_dropped(void **state)
{
    (void)state;
    kube_watch_decoder *d = kube_watch_decoder_new(32);
    const char *in = "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"padding\":\"xxxxxxxx\"}}\n"
                     "{\"type\":\"ADDED\",\"object\":{}}\n";
    kube_watch_decoder_feed(d, in, strlen(in));
    kube_watch_event ev;
    tt_error err;
    assert_int_equal(kube_watch_decoder_next(d, &ev, &err), -1);
    assert_int_equal(kube_watch_decoder_next(d, &ev, &err), 1);
    kube_watch_event_clear(&ev);
    kube_watch_decoder_free(d);
}

static void blank_lines_and_crlf_are_tolerated(void **state)
{
    (void)state;
    kube_watch_decoder *d = kube_watch_decoder_new(0);
    const char *in = "\n\r\n{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\"}}\r\n\n";
    kube_watch_decoder_feed(d, in, strlen(in));
    seen s = {0};
    drain(d, &s);
    assert_int_equal(s.errors, 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.types[0], KUBE_WATCH_ADDED);
    kube_watch_decoder_free(d);
}

static void event_type_names_round_trip(void **state)
{
    (void)state;
    assert_string_equal(kube_watch_event_type_name(KUBE_WATCH_BOOKMARK), "BOOKMARK");
    assert_string_equal(kube_watch_event_type_name(KUBE_WATCH_ERROR), "ERROR");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_buffer_gives_every_event_in_order),
        cmocka_unit_test(every_split_point_gives_the_same_events),
        cmocka_unit_test(every_pair_of_split_points_gives_the_same_events),
        cmocka_unit_test(one_byte_at_a_time_gives_the_same_events),
        cmocka_unit_test(incomplete_event_waits_for_its_newline),
        cmocka_unit_test(error_event_carries_the_410_status),
        cmocka_unit_test(garbage_line_is_an_error_and_decoding_continues),
        cmocka_unit_test(json_that_is_not_an_event_is_an_error),
        cmocka_unit_test(oversized_line_is_dropped_with_an_error),
        cmocka_unit_test(oversized_line_arriving_whole_is_dropped),
        cmocka_unit_test(blank_lines_and_crlf_are_tolerated),
        cmocka_unit_test(event_type_names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
