/*
 * Writing status model by model as the revisions list goes past each
 * (core/fleet_stream.h): the completeness rule on its own, and whole
 * lists fed page by page, whose output must be exactly what the fleet
 * loaded whole gives (fleet_model_json of every model, in name order).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "fleet_stream.h"
#include "tt_common.h"

/* ---- the rule ---------------------------------------------------------------- */

static fleet *with_namespaces(const char *const *names)
{
    fleet *f = fleet_new();
    for (size_t i = 0; names[i]; i++) {
        json_t *ns = json_pack("{s:{s:s}}", "metadata", "name", names[i]);
        fleet_apply(f, FLEET_KIND_NAMESPACE, ns, false);
        json_decref(ns);
    }
    return f;
}

static void a_model_is_complete_once_the_keys_are_past_its_own(void **state)
{
    (void)state;
    static const char *const none[] = {NULL};
    fleet *f = with_namespaces(none);
    /* "tts/..." < "tts0/..." < "ttsa/...": key order is name order here */
    assert_true(fleet_stream_complete_before("tts", "tts0", f));
    assert_true(fleet_stream_complete_before("tts", "ttsa", f));
    assert_true(fleet_stream_complete_before("tts0", "ttsa", f));
    /* not while the keys are still its own, or before them */
    assert_false(fleet_stream_complete_before("tts", "tts", f));
    assert_false(fleet_stream_complete_before("tts0", "tts", f));
    assert_false(fleet_stream_complete_before("ttsa", "tts0", f));
    /* "tts-beta/x" < "tts/x" ('-' < '/'): a key of tts-beta says nothing
     * of tts, though tts sorts first by name */
    assert_false(fleet_stream_complete_before("tts", "tts-beta", f));
    /* "tts00/..." is past "tts0/..." ('0' > '/'), "tts0-a/..." is not */
    assert_true(fleet_stream_complete_before("tts0", "tts00", f));
    assert_false(fleet_stream_complete_before("tts0", "tts0-a", f));
    fleet_free(f);
}

static void a_model_waits_for_a_namespace_named_by_its_prefix_before_a_dash(void **state)
{
    (void)state;
    static const char *const tts[] = {"tts", NULL};
    static const char *const other[] = {"tts-b", NULL};
    fleet *with_tts = with_namespaces(tts), *without = with_namespaces(other);
    /* tts-beta's keys are all in before "tts/...", but a namespace tts
     * (whose revisions come after tts-beta's) sorts before it by name */
    assert_false(fleet_stream_complete_before("tts-beta", "tts", with_tts));
    assert_true(fleet_stream_complete_before("tts-beta", "tts0", with_tts));
    /* no namespace tts: nothing can come that sorts before tts-beta */
    assert_true(fleet_stream_complete_before("tts-beta", "tts", without));
    /* namespaces unknown (listing them forbidden): any prefix may exist */
    assert_false(fleet_stream_complete_before("tts-beta", "tts", NULL));
    assert_true(fleet_stream_complete_before("tts-beta", "tts0", NULL));
    /* every prefix before a dash counts, the shortest last in key order */
    static const char *const a[] = {"a", NULL};
    fleet *fa = with_namespaces(a);
    assert_false(fleet_stream_complete_before("a-b-c", "a-b0", fa));
    assert_true(fleet_stream_complete_before("a-b-c", "a0", fa));
    fleet_free(fa);
    fleet_free(with_tts);
    fleet_free(without);
}

/* ---- whole lists --------------------------------------------------------------- */

/* "ns/svc-N": a Revision of service svc version N in namespace ns,
 * created at minute N (so newest first is N descending). */
static json_t *revision(const char *key)
{
    const char *slash = strchr(key, '/'), *dash = strrchr(key, '-');
    assert_non_null(slash);
    assert_non_null(dash);
    char *ns = tt_strndup(key, (size_t)(slash - key));
    char *svc = tt_strndup(slash + 1, (size_t)(dash - slash - 1));
    char created[32], image[128];
    snprintf(created, sizeof created, "2024-05-01T10:%02d:00Z", atoi(dash + 1) % 60);
    snprintf(image, sizeof image, "registry.example/%s@sha256:%s", ns, dash + 1);
    json_t *r = json_pack(
        "{s:s, s:{s:s, s:s, s:s, s:{s:s}}, s:{s:[{s:s}]}, s:{s:[{s:s, s:s}]}}", "kind",
        "Revision", "metadata", "name", slash + 1, "namespace", ns, "creationTimestamp", created,
        "labels", "serving.knative.dev/service", svc, "spec", "containers", "image", image,
        "status", "conditions", "type", "Ready", "status", "True");
    free(ns);
    free(svc);
    return r;
}

/* A Service svc of ns serving 100% of its traffic on svc-2. */
static json_t *service(const char *ns, const char *svc)
{
    char rev[64];
    snprintf(rev, sizeof rev, "%s-2", svc);
    return json_pack("{s:s, s:{s:s, s:s, s:s}, s:{s:[{s:s, s:s}], s:s, s:s, s:[{s:s, s:i}]}}",
                     "kind", "Service", "metadata", "name", svc, "namespace", ns,
                     "creationTimestamp", "2024-05-01T09:00:00Z", "status", "conditions", "type",
                     "Ready", "status", "True", "latestReadyRevisionName", rev,
                     "latestCreatedRevisionName", rev, "traffic", "revisionName", rev, "percent",
                     100);
}

typedef struct cluster {
    const char *const *namespaces;  /* a leading '!' marks it Terminating */
    const char *const *services;    /* "ns/svc" */
    const char *pin;                /* may be NULL */
    const char *const *revisions;   /* "ns/svc-N", in the order the list sends them */
    const size_t *pages;            /* items per page, 0-terminated; the last has no continue */
    size_t page_size;               /* the limit asked */
} cluster;

static void apply_base(fleet *f, const cluster *c)
{
    for (size_t i = 0; c->services[i]; i++) {
        const char *slash = strchr(c->services[i], '/');
        char *ns = tt_strndup(c->services[i], (size_t)(slash - c->services[i]));
        json_t *s = service(ns, slash + 1);
        fleet_apply(f, FLEET_KIND_SERVICE, s, false);
        json_decref(s);
        free(ns);
    }
    for (size_t i = 0; c->namespaces[i]; i++) {
        bool term = c->namespaces[i][0] == '!';
        json_t *ns = json_pack("{s:{s:s}, s:{s:s}}", "metadata", "name",
                               c->namespaces[i] + term, "status", "phase",
                               term ? "Terminating" : "Active");
        fleet_apply(f, FLEET_KIND_NAMESPACE, ns, false);
        json_decref(ns);
    }
    if (c->pin) {
        json_t *pin = json_pack("{s:{s:s}, s:{s:s}}", "metadata", "name",
                                "latest-pinned-service", "config", "latest_version", c->pin);
        fleet_apply(f, FLEET_KIND_PIN, pin, false);
        json_decref(pin);
    }
}

static void append_model(tt_buf *b, const fleet_model *m)
{
    json_t *o = fleet_model_json(m);
    char *j = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    tt_buf_printf(b, "%s %s\n", m->name, j);
    free(j);
    json_decref(o);
}

/* What status printed before streaming: the whole fleet, in name order. */
static char *held_output(const cluster *c)
{
    fleet *f = fleet_new();
    apply_base(f, c);
    for (size_t i = 0; c->revisions[i]; i++) {
        json_t *r = revision(c->revisions[i]);
        fleet_apply(f, FLEET_KIND_REVISION, r, false);
        json_decref(r);
    }
    tt_buf b = TT_BUF_INIT;
    for (size_t i = 0; i < fleet_model_count(f); i++)
        append_model(&b, fleet_model_at(f, i));
    fleet_free(f);
    return tt_buf_steal(&b);
}

typedef struct streamed {
    tt_buf out;
    size_t pages_done;       /* pages ended so far */
    char written_at[16][32]; /* model name and the page after which it came */
    size_t when[16];
    size_t n;
} streamed;

static void on_model(const fleet_model *m, void *ud)
{
    streamed *st = ud;
    append_model(&st->out, m);
    if (st->n < 16) {
        snprintf(st->written_at[st->n], sizeof st->written_at[0], "%s", m->name);
        st->when[st->n++] = st->pages_done;
    }
}

/* Feeds the list page by page; the output goes to st. Returns the stream
 * (caller frees) for its counters. */
static fleet_stream *run_stream(const cluster *c, streamed *st, fleet **fp)
{
    fleet *f = fleet_new();
    apply_base(f, c);
    fleet_stream *s = fleet_stream_new(f, c->page_size, true, on_model, st);
    size_t at = 0;
    for (size_t p = 0; c->pages[p]; p++) {
        for (size_t i = 0; i < c->pages[p]; i++) {
            assert_non_null(c->revisions[at]);
            json_t *r = revision(c->revisions[at++]);
            fleet_stream_item(s, r);
            json_decref(r);
        }
        st->pages_done++; /* models written now: after this page */
        fleet_stream_page_end(s, c->pages[p + 1] != 0);
    }
    assert_null(c->revisions[at]);
    st->pages_done++; /* models written now: at the end */
    fleet_stream_finish(s);
    *fp = f;
    return s;
}

static size_t written_after(const streamed *st, const char *model)
{
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(st->written_at[i], model) == 0)
            return st->when[i];
    fail_msg("%s was not written", model);
    return 0;
}

static void assert_same_as_held(const cluster *c, streamed *st)
{
    char *want = held_output(c);
    assert_string_equal(st->out.data ? st->out.data : "", want);
    free(want);
}

/* tts, tts-p and tts-q hold only revisions (no Service), ttsa only
 * Services (no revision), tts-old is Terminating, tts0 is pinned latest,
 * "plain" is a namespace alone (not a model). Key order: tts-beta,
 * tts-old, tts-p, tts-q, tts, tts0, ttsa; name order: tts, tts-beta,
 * tts-old, tts-p, tts-q, tts0, ttsa. */
static const char *const prefix_namespaces[] = {"plain", "tts", "tts-beta", "!tts-old", "tts-p",
                                                "tts-q", "tts0", "ttsa", NULL};
static const char *const prefix_services[] = {"tts-beta/stream", "tts-beta/validate",
                                              "tts-old/stream", "tts0/stream", "tts0/validate",
                                              "ttsa/stream", "ttsa/validate", NULL};
static const char *const prefix_revisions[] = {
    "tts-beta/stream-1", "tts-beta/stream-2", "tts-beta/validate-2", "tts-old/stream-2",
    "tts-p/stream-1", "tts-q/stream-1", "tts/stream-1", "tts/stream-2", "tts/validate-3", "tts0/stream-2",
    "tts0/validate-1", "tts0/validate-2", NULL};

static void prefix_names_come_out_as_the_whole_fleet_in_name_order(void **state)
{
    (void)state;
    static const size_t pages[] = {2, 2, 2, 2, 2, 2, 0};
    cluster c = {prefix_namespaces, prefix_services, "tts0", prefix_revisions, pages, 2};
    streamed st = {.out = TT_BUF_INIT};
    fleet *f;
    fleet_stream *s = run_stream(&c, &st, &f);
    assert_false(fleet_stream_holding(s));
    assert_int_equal(fleet_stream_late(s, NULL), 0);
    assert_int_equal(fleet_stream_emitted(s), 7);
    assert_same_as_held(&c, &st);
    /* Page 2 ends at tts-old, so after page 3 tts-beta's own keys are all
     * in; but a namespace tts exists, whose keys come after "tts-q/...":
     * tts-beta (after tts by name) waits for them. */
    assert_int_equal(written_after(&st, "tts-beta"), 7);
    fleet_stream_free(s);
    fleet_free(f);
    tt_buf_free(&st.out);
}

static void a_model_is_written_a_page_after_the_list_passed_it(void **state)
{
    (void)state;
    /* pages of one item: the lag is one item */
    static const size_t pages[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0};
    cluster c = {prefix_namespaces, prefix_services, "tts0", prefix_revisions, pages, 1};
    streamed st = {.out = TT_BUF_INIT};
    fleet *f;
    fleet_stream *s = run_stream(&c, &st, &f);
    assert_same_as_held(&c, &st);
    /* tts's last key is item 9 (tts/validate-3); item 10 (tts0/...)
     * passes it; one page later (the end of page 11) tts and every model
     * up to tts-q go */
    assert_int_equal(written_after(&st, "tts"), 11);
    assert_int_equal(written_after(&st, "tts-beta"), 11);
    assert_int_equal(written_after(&st, "tts-q"), 11);
    /* tts0 (its last key is the list's last) and ttsa (no revisions) at
     * the end */
    assert_int_equal(written_after(&st, "tts0"), 13);
    assert_int_equal(written_after(&st, "ttsa"), 13);
    fleet_stream_free(s);
    fleet_free(f);
    tt_buf_free(&st.out);
}

/* a/1, b/1 | a/2, c/1 | c/2: the first item of page 2 belongs before
 * the last of page 1. */
static const char *const ooo_namespaces[] = {"a", "b", "c", NULL};
static const char *const ooo_services[] = {"a/stream", "b/stream", "c/stream", NULL};

static void an_item_out_of_order_at_a_page_boundary_holds_the_rest(void **state)
{
    (void)state;
    static const char *const revs[] = {"a/stream-1", "b/stream-1", "a/stream-2", "c/stream-1",
                                       "c/stream-2", NULL};
    static const size_t pages[] = {2, 2, 1, 0};
    cluster c = {ooo_namespaces, ooo_services, NULL, revs, pages, 2};
    streamed st = {.out = TT_BUF_INIT};
    fleet *f;
    fleet_stream *s = run_stream(&c, &st, &f);
    assert_true(fleet_stream_holding(s));
    assert_int_equal(fleet_stream_late(s, NULL), 0);
    assert_same_as_held(&c, &st); /* a has both its revisions */
    assert_int_equal(written_after(&st, "a"), 4); /* at the end */
    fleet_stream_free(s);
    fleet_free(f);
    tt_buf_free(&st.out);
}

static void the_same_key_twice_holds_the_rest(void **state)
{
    (void)state;
    static const char *const revs[] = {"a/stream-1", "b/stream-1", "b/stream-1", "c/stream-1",
                                       "c/stream-2", NULL};
    static const size_t pages[] = {2, 2, 1, 0};
    cluster c = {ooo_namespaces, ooo_services, NULL, revs, pages, 2};
    streamed st = {.out = TT_BUF_INIT};
    fleet *f;
    fleet_stream *s = run_stream(&c, &st, &f);
    assert_true(fleet_stream_holding(s));
    assert_same_as_held(&c, &st);
    fleet_stream_free(s);
    fleet_free(f);
    tt_buf_free(&st.out);
}

static void a_server_that_ignores_limit_has_everything_held(void **state)
{
    (void)state;
    /* one page of five items for a limit of 2, no continue token, and not
     * in key order (a cache that neither pages nor sorts) */
    static const char *const revs[] = {"b/stream-1", "a/stream-1", "c/stream-1", "a/stream-2",
                                       "b/stream-2", NULL};
    static const size_t pages[] = {5, 0};
    cluster c = {ooo_namespaces, ooo_services, NULL, revs, pages, 2};
    streamed st = {.out = TT_BUF_INIT};
    fleet *f;
    fleet_stream *s = run_stream(&c, &st, &f);
    assert_true(fleet_stream_holding(s));
    assert_same_as_held(&c, &st);
    assert_int_equal(written_after(&st, "a"), 2); /* at the end */
    fleet_stream_free(s);
    fleet_free(f);
    tt_buf_free(&st.out);
}

static void a_page_with_more_items_than_asked_holds_the_rest(void **state)
{
    (void)state;
    /* in key order, with continue tokens, but 3 items for a limit of 2 */
    static const char *const revs[] = {"a/stream-1", "a/stream-2", "b/stream-1", "c/stream-1",
                                       "c/stream-2", "c/stream-3", NULL};
    static const size_t pages[] = {3, 2, 1, 0};
    cluster c = {ooo_namespaces, ooo_services, NULL, revs, pages, 2};
    streamed st = {.out = TT_BUF_INIT};
    fleet *f;
    fleet_stream *s = run_stream(&c, &st, &f);
    assert_true(fleet_stream_holding(s));
    assert_same_as_held(&c, &st);
    assert_int_equal(written_after(&st, "a"), 4); /* at the end, not after page 2 */
    fleet_stream_free(s);
    fleet_free(f);
    tt_buf_free(&st.out);
}

static void an_item_more_than_a_page_late_is_counted_not_hidden(void **state)
{
    (void)state;
    /* a/1 | b/1 | c/1 | a/2: a is written after page 3 (the list passed it
     * on page 2); a/2 comes two pages late */
    static const char *const revs[] = {"a/stream-1", "b/stream-1", "c/stream-1", "a/stream-2",
                                       NULL};
    static const size_t pages[] = {1, 1, 1, 1, 0};
    cluster c = {ooo_namespaces, ooo_services, NULL, revs, pages, 1};
    streamed st = {.out = TT_BUF_INIT};
    fleet *f;
    fleet_stream *s = run_stream(&c, &st, &f);
    assert_true(fleet_stream_holding(s));
    const char *first = NULL;
    assert_int_equal(fleet_stream_late(s, &first), 1);
    assert_string_equal(first, "a/stream-2");
    fleet_stream_free(s);
    fleet_free(f);
    tt_buf_free(&st.out);
}

static void a_restarted_list_drops_what_it_held_and_skips_what_is_written(void **state)
{
    (void)state;
    static const char *const revs[] = {"a/stream-1", "b/stream-1", "c/stream-1", NULL};
    cluster c = {ooo_namespaces, ooo_services, NULL, revs, NULL, 1};
    streamed st = {.out = TT_BUF_INIT};
    fleet *f = fleet_new();
    apply_base(f, &c);
    fleet_stream *s = fleet_stream_new(f, 1, true, on_model, &st);
    static const char *const first[] = {"a/stream-1", "b/stream-1", "b/stream-9", "c/stream-7"};
    for (size_t i = 0; i < 4; i++) {
        json_t *r = revision(first[i]);
        fleet_stream_item(s, r);
        json_decref(r);
        fleet_stream_page_end(s, true);
    }
    assert_int_equal(fleet_stream_emitted(s), 1); /* a */
    /* expired: the list again, where b/stream-9 and c/stream-7 are gone */
    fleet_stream_restart(s);
    for (size_t i = 0; revs[i]; i++) {
        json_t *r = revision(revs[i]);
        fleet_stream_item(s, r);
        json_decref(r);
        fleet_stream_page_end(s, revs[i + 1] != NULL);
    }
    fleet_stream_finish(s);
    assert_false(fleet_stream_holding(s));
    assert_int_equal(fleet_stream_late(s, NULL), 0);
    assert_same_as_held(&c, &st);
    fleet_stream_free(s);
    fleet_free(f);
    tt_buf_free(&st.out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_model_is_complete_once_the_keys_are_past_its_own),
        cmocka_unit_test(a_model_waits_for_a_namespace_named_by_its_prefix_before_a_dash),
        cmocka_unit_test(prefix_names_come_out_as_the_whole_fleet_in_name_order),
        cmocka_unit_test(a_model_is_written_a_page_after_the_list_passed_it),
        cmocka_unit_test(an_item_out_of_order_at_a_page_boundary_holds_the_rest),
        cmocka_unit_test(the_same_key_twice_holds_the_rest),
        cmocka_unit_test(a_server_that_ignores_limit_has_everything_held),
        cmocka_unit_test(a_page_with_more_items_than_asked_holds_the_rest),
        cmocka_unit_test(an_item_more_than_a_page_late_is_counted_not_hidden),
        cmocka_unit_test(a_restarted_list_drops_what_it_held_and_skips_what_is_written),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
