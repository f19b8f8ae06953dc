/*
 * What the k8s/ client follows over time on the real demo cluster, three
 * ways as test_client_demo.c (http, bearer token, client certificate):
 * a watch from a list's version, the reflector's list, sync and stream,
 * the logs of a revision's pod once it runs, a namespace terminating and
 * then gone. Each group starts its own demo cluster
 * (support/client_fixture.c); each test works in its own namespace.
 *
 * Needs TTSTUI_DEMO_BIN or TTSTUI_BUILD_DIR (the demo cluster binary).
 * Every wait is bounded by WAIT_MS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client_fixture.h"
#include "kube_watch.h"

typedef struct watch_seen {
    int added, modified;
    char value[64];
} watch_seen;

static int on_watch(const kube_watch_event *ev, void *ud)
{
    watch_seen *s = ud;
    if (ev->type == KUBE_WATCH_ADDED)
        s->added++;
    if (ev->type == KUBE_WATCH_MODIFIED && tt_streq(meta_str(ev->object, "name"), "watched")) {
        s->modified++;
        const char *v =
            json_string_value(json_object_get(json_object_get(ev->object, "data"), "v"));
        tt_strlcpy(s->value, v ? v : "", sizeof s->value);
        return 1;
    }
    return 0;
}

static void watch_from_the_list_version_sees_a_later_patch(void **state)
{
    fixture *f = *state;
    make_namespace(f->c, "cd-watch");
    create_cm(f->c, "cd-watch", "watched", "x");
    json_t *list = list_ok(f->c, &KUBE_GVR_CONFIGMAPS, "cd-watch", NULL);
    char *rv = tt_strdup(meta_str(list, "resourceVersion"));
    json_decref(list);

    json_t *patch = json_pack("{s:{s:s}}", "data", "v", "patched");
    tt_error err;
    tt_error_clear(&err);
    json_t *res = kube_patch_merge(f->c, &KUBE_GVR_CONFIGMAPS, "cd-watch", "watched", patch,
                                   NULL, &err);
    json_decref(patch);
    if (!res)
        fail_msg("patch: %s", err.message);
    json_decref(res);

    /* the patch happened before the watch: the server replays it from rv */
    kube_client *w = client_from(f->rc);
    kube_watch_opts o = {.resource_version = rv, .timeout_seconds = 10};
    watch_seen seen = {0};
    int rc = kube_watch(w, &KUBE_GVR_CONFIGMAPS, "cd-watch", &o, on_watch, &seen, &err);
    kube_client_free(w);
    free(rv);
    if (rc < 0)
        fail_msg("watch: %s", err.message);
    assert_int_equal(rc, 1); /* stopped by us, not by the server's timeout */
    assert_int_equal(seen.modified, 1);
    assert_int_equal(seen.added, 0); /* nothing older than rv is replayed */
    assert_string_equal(seen.value, "patched");
}

/* ---- reflector ---------------------------------------------------------- */

typedef struct refl {
    pthread_mutex_t mu;
    int types[64];
    char names[64][32];
    int n;
    atomic_int cancel;
    kube_client *c;
    const char *ns;
} refl;

static int on_reflect(const kube_reflector_event *ev, void *ud)
{
    refl *r = ud;
    pthread_mutex_lock(&r->mu);
    if (r->n < 64) {
        r->types[r->n] = ev->type;
        const char *name = ev->object ? meta_str(ev->object, "name") : "";
        tt_strlcpy(r->names[r->n], name ? name : "", sizeof r->names[r->n]);
        r->n++;
    }
    pthread_mutex_unlock(&r->mu);
    return 0;
}

static void *reflector_thread(void *ud)
{
    refl *r = ud;
    kube_reflector_opts o = {.watch_timeout_seconds = 30};
    tt_error err;
    tt_error_clear(&err);
    kube_reflector_run(r->c, &KUBE_GVR_CONFIGMAPS, r->ns, &o, on_reflect, r, &r->cancel, &err);
    return NULL;
}

/* Waits until the reflector has reported an event of type t (for name, when
 * non-NULL); returns its index or -1. */
static int wait_for_reflect(refl *r, int t, const char *name)
{
    long long end = tt_now_ms() + WAIT_MS;
    while (tt_now_ms() < end) {
        pthread_mutex_lock(&r->mu);
        for (int i = 0; i < r->n; i++)
            if (r->types[i] == t && (!name || strcmp(r->names[i], name) == 0)) {
                pthread_mutex_unlock(&r->mu);
                return i;
            }
        pthread_mutex_unlock(&r->mu);
        sleep_ms(20);
    }
    return -1;
}

static void reflector_lists_syncs_then_streams_a_change(void **state)
{
    fixture *f = *state;
    make_namespace(f->c, "cd-refl");
    create_cm(f->c, "cd-refl", "r1", "x");
    create_cm(f->c, "cd-refl", "r2", "x");

    refl r = {.c = client_from(f->rc), .ns = "cd-refl"};
    pthread_mutex_init(&r.mu, NULL);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, reflector_thread, &r), 0);
    int synced = wait_for_reflect(&r, KUBE_REFLECT_SYNCED, NULL);
    int added = -1;
    if (synced >= 0) {
        create_cm(f->c, "cd-refl", "r3", "x");
        added = wait_for_reflect(&r, KUBE_REFLECT_ADDED, "r3");
    }
    atomic_store(&r.cancel, 1);
    pthread_join(th, NULL);
    kube_client_free(r.c);
    pthread_mutex_destroy(&r.mu);

    assert_int_equal(synced, 4);
    assert_int_equal(r.types[0], KUBE_REFLECT_RELIST_BEGIN);
    assert_int_equal(r.types[1], KUBE_REFLECT_ITEM);
    assert_int_equal(r.types[2], KUBE_REFLECT_ITEM);
    assert_int_equal(r.types[3], KUBE_REFLECT_PAGE); /* the one page's end, then SYNCED */
    assert_true((strcmp(r.names[1], "r1") == 0 && strcmp(r.names[2], "r2") == 0) ||
                (strcmp(r.names[1], "r2") == 0 && strcmp(r.names[2], "r1") == 0));
    assert_true(added > synced);
    for (int i = synced + 1; i < added; i++) /* no failure in between */
        assert_int_not_equal(r.types[i], KUBE_REFLECT_RETRYING);
}

/* ---- pod logs ----------------------------------------------------------- */

typedef struct lines {
    int n;
    size_t longest;
} lines;

static int on_line(const char *line, size_t len, void *ud)
{
    lines *l = ud;
    (void)line;
    l->n++;
    if (len > l->longest)
        l->longest = len;
    return 0;
}

/* The name of a Running pod of the service's revision, waiting for it
 * (bounded); caller frees. */
static char *wait_for_running_pod(kube_client *c, const char *ns, const char *svc)
{
    long long end = tt_now_ms() + WAIT_MS;
    char *rev = NULL;
    while (!rev && tt_now_ms() < end) {
        tt_error err;
        tt_error_clear(&err);
        json_t *got = kube_get(c, &KUBE_GVR_KSVC, ns, svc, &err);
        const char *name = json_string_value(json_object_get(
            json_object_get(got, "status"), "latestReadyRevisionName"));
        if (name)
            rev = tt_strdup(name);
        json_decref(got);
        if (!rev)
            sleep_ms(50);
    }
    if (!rev)
        return NULL;
    char *sel = tt_asprintf("serving.knative.dev/revision=%s", rev);
    free(rev);
    char *pod = NULL;
    while (!pod && tt_now_ms() < end) {
        kube_list_opts o = {.label_selector = sel};
        json_t *list = list_ok(c, &KUBE_GVR_PODS, ns, &o);
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(list, "items"), i, p) {
            const char *phase =
                json_string_value(json_object_get(json_object_get(p, "status"), "phase"));
            if (!pod && tt_streq(phase, "Running"))
                pod = tt_strdup(meta_str(p, "name"));
        }
        json_decref(list);
        if (!pod)
            sleep_ms(50);
    }
    free(sel);
    return pod;
}

static void pod_logs_of_the_ready_revision_have_lines(void **state)
{
    fixture *f = *state;
    make_namespace(f->c, "cd-logs");
    json_t *svc = ksvc_obj("cd-logs", "tts");
    apply_ok(f->c, svc);
    json_decref(svc);

    char *pod = wait_for_running_pod(f->c, "cd-logs", "tts");
    if (!pod)
        fail_msg("no Running pod of service cd-logs/tts within %d ms", WAIT_MS);
    kube_log_opts o = {.container = "user-container", .tail_lines = -1};
    lines l = {0};
    tt_error err;
    tt_error_clear(&err);
    int rc = kube_pod_logs(f->c, "cd-logs", pod, &o, on_line, &l, &err);
    free(pod);
    if (rc != 0)
        fail_msg("logs: %s", err.message);
    assert_true(l.n >= 1);
    assert_true(l.longest > 0);
}

/* ---- namespace deletion ------------------------------------------------- */

static void deleting_a_namespace_terminates_then_removes_it(void **state)
{
    fixture *f = *state;
    make_namespace(f->c, "cd-gone");
    create_cm(f->c, "cd-gone", "inside", "x");
    tt_error err;
    tt_error_clear(&err);
    json_t *res = kube_delete(f->c, &KUBE_GVR_NAMESPACES, NULL, "cd-gone", NULL, &err);
    if (!res)
        fail_msg("delete: %s", err.message);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(res, "status"), "phase")),
        "Terminating");
    json_decref(res);

    long long end = tt_now_ms() + WAIT_MS;
    bool gone = false;
    while (!gone && tt_now_ms() < end) {
        tt_error_clear(&err);
        json_t *got = kube_get(f->c, &KUBE_GVR_NAMESPACES, NULL, "cd-gone", &err);
        if (!got) {
            assert_int_equal(err.code, 404);
            assert_string_equal(err.reason, "NotFound");
            gone = true;
        } else {
            json_decref(got);
            sleep_ms(50);
        }
    }
    assert_true(gone);
}

#define COMMON_TESTS \
    cmocka_unit_test(watch_from_the_list_version_sees_a_later_patch), \
    cmocka_unit_test(reflector_lists_syncs_then_streams_a_change), \
    cmocka_unit_test(pod_logs_of_the_ready_revision_have_lines), \
    cmocka_unit_test(deleting_a_namespace_terminates_then_removes_it)

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest http[] = {
        COMMON_TESTS,
    };
    const struct CMUnitTest token[] = {
        COMMON_TESTS,
    };
    const struct CMUnitTest cert[] = {
        COMMON_TESTS,
    };
    int failed = 0;
    failed += cmocka_run_group_tests_name("http, no auth", http, setup_http, group_teardown);
    failed += cmocka_run_group_tests_name("https, bearer token", token, setup_token,
                                          group_teardown);
    failed += cmocka_run_group_tests_name("https, client certificate", cert, setup_cert,
                                          group_teardown);
    return failed ? 1 : 0;
}
