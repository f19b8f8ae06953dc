/*
 * Every k8s/ client request against the real demo cluster, three ways:
 * plain http without credentials, https with a bearer token (--token), and
 * https with client-certificate authentication only (--client-cert-auth):
 * version, apply (and dry run), get, list (selectors, pages, items one by
 * one), patch, the 409s; refusals without credentials; parallel requests.
 * Watches, the reflector, logs and namespace deletion:
 * test_client_demo_watch.c. Each group starts its own demo cluster
 * (support/client_fixture.c); each test works in its own namespace so the
 * tests of a group do not see each other's objects.
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

/* ---- tests ------------------------------------------------------------- */

static void server_version_names_a_git_version(void **state)
{
    fixture *f = *state;
    tt_error err;
    tt_error_clear(&err);
    json_t *v = kube_server_version(f->c, &err);
    if (!v)
        fail_msg("version: %s", err.message);
    const char *gv = json_string_value(json_object_get(v, "gitVersion"));
    assert_non_null(gv);
    assert_true(gv[0] == 'v');
    assert_non_null(json_string_value(json_object_get(v, "major")));
    json_decref(v);
    /* the client talks the scheme of the setup */
    const char *server = kube_client_server(f->c);
    assert_true(strncmp(server, f->m == MODE_HTTP ? "http://" : "https://",
                        f->m == MODE_HTTP ? 7 : 8) == 0);
}

static void apply_creates_once_then_reports_no_creation(void **state)
{
    fixture *f = *state;
    json_t *ns = namespace_obj("cd-apply");
    assert_true(apply_ok(f->c, ns));
    assert_false(apply_ok(f->c, ns));
    json_decref(ns);

    json_t *svc = ksvc_obj("cd-apply", "tts");
    assert_true(apply_ok(f->c, svc));
    assert_false(apply_ok(f->c, svc));
    json_decref(svc);
}

static void dry_run_apply_stores_nothing(void **state)
{
    fixture *f = *state;
    make_namespace(f->c, "cd-dry");
    json_t *svc = ksvc_obj("cd-dry", "tts-dry");
    tt_error err;
    tt_error_clear(&err);
    kube_apply_opts o = {.dry_run = true};
    bool created = false;
    json_t *res = kube_apply(f->c, svc, &o, &created, &err);
    json_decref(svc);
    if (!res)
        fail_msg("dry-run apply: %s", err.message);
    assert_string_equal(meta_str(res, "name"), "tts-dry");
    json_decref(res);

    tt_error_clear(&err);
    json_t *got = kube_get(f->c, &KUBE_GVR_KSVC, "cd-dry", "tts-dry", &err);
    assert_null(got);
    assert_int_equal(err.code, 404);
    assert_string_equal(err.reason, "NotFound");
}

static void get_returns_the_applied_service(void **state)
{
    fixture *f = *state;
    make_namespace(f->c, "cd-get");
    json_t *svc = ksvc_obj("cd-get", "tts");
    apply_ok(f->c, svc);
    json_decref(svc);
    tt_error err;
    tt_error_clear(&err);
    json_t *got = kube_get(f->c, &KUBE_GVR_KSVC, "cd-get", "tts", &err);
    if (!got)
        fail_msg("get: %s", err.message);
    assert_string_equal(json_string_value(json_object_get(got, "kind")), "Service");
    assert_string_equal(meta_str(got, "namespace"), "cd-get");
    json_t *c0 = json_array_get(
        json_object_get(json_object_get(json_object_get(json_object_get(got, "spec"), "template"),
                                        "spec"),
                        "containers"),
        0);
    assert_string_equal(json_string_value(json_object_get(c0, "image")), IMAGE);
    assert_non_null(meta_str(got, "resourceVersion"));
    json_decref(got);
}

static void list_filters_by_label_and_by_field_selector(void **state)
{
    fixture *f = *state;
    make_namespace(f->c, "cd-sel");
    create_cm(f->c, "cd-sel", "one", "red");
    create_cm(f->c, "cd-sel", "two", "blue");
    create_cm(f->c, "cd-sel", "three", "red");

    kube_list_opts lo = {.label_selector = "app=red"};
    json_t *list = list_ok(f->c, &KUBE_GVR_CONFIGMAPS, "cd-sel", &lo);
    char *names = sorted_names(json_object_get(list, "items"));
    assert_string_equal(names, "one,three");
    assert_string_equal(json_string_value(json_object_get(list, "kind")), "ConfigMapList");
    free(names);
    json_decref(list);

    kube_list_opts fo = {.field_selector = "metadata.name=two"};
    list = list_ok(f->c, &KUBE_GVR_CONFIGMAPS, "cd-sel", &fo);
    names = sorted_names(json_object_get(list, "items"));
    assert_string_equal(names, "two");
    free(names);
    json_decref(list);
}

static int count_page(const json_t *page, void *ud)
{
    int *pages = ud;
    if (json_array_size(json_object_get(page, "items")) > 0)
        (*pages)++;
    return 0;
}

static void list_with_page_size_one_returns_every_item(void **state)
{
    fixture *f = *state;
    make_namespace(f->c, "cd-page");
    const char *names[] = {"p1", "p2", "p3", "p4", "p5"};
    for (size_t i = 0; i < 5; i++)
        create_cm(f->c, "cd-page", names[i], "paged");

    kube_list_opts o = {.page_size = 1};
    json_t *list = list_ok(f->c, &KUBE_GVR_CONFIGMAPS, "cd-page", &o);
    char *got = sorted_names(json_object_get(list, "items"));
    assert_string_equal(got, "p1,p2,p3,p4,p5");
    assert_non_null(meta_str(list, "resourceVersion"));
    assert_null(meta_str(list, "continue"));
    free(got);
    json_decref(list);

    /* it really was five pages of one */
    int pages = 0;
    tt_error err;
    tt_error_clear(&err);
    assert_int_equal(kube_list_pages(f->c, &KUBE_GVR_CONFIGMAPS, "cd-page", &o, count_page,
                                      &pages, &err),
                     0);
    assert_int_equal(pages, 5);
}

static int collect_item(const json_t *item, void *ud)
{
    json_array_append(ud, (json_t *)item);
    return 0;
}

static void list_items_streams_the_same_items_as_list(void **state)
{
    fixture *f = *state;
    make_namespace(f->c, "cd-items");
    const char *names[] = {"i1", "i2", "i3", "i4"};
    for (size_t i = 0; i < 4; i++)
        create_cm(f->c, "cd-items", names[i], "streamed");

    json_t *list = list_ok(f->c, &KUBE_GVR_CONFIGMAPS, "cd-items", NULL);
    char *want = sorted_names(json_object_get(list, "items"));
    json_decref(list);

    json_t *items = json_array();
    kube_list_opts o = {.page_size = 3};
    tt_error err;
    tt_error_clear(&err);
    int rc = kube_list_items(f->c, &KUBE_GVR_CONFIGMAPS, "cd-items", &o, collect_item, items,
                             &err);
    if (rc != 0)
        fail_msg("kube_list_items: %s", err.message);
    char *got = sorted_names(items);
    assert_string_equal(want, "i1,i2,i3,i4");
    assert_string_equal(got, want);
    /* whole objects, not just names */
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(json_array_get(items, 0), "data"), "v")),
        meta_str(json_array_get(items, 0), "name"));
    free(got);
    free(want);
    json_decref(items);
}

static void merge_patch_sets_the_traffic_split(void **state)
{
    fixture *f = *state;
    make_namespace(f->c, "cd-patch");
    json_t *svc = ksvc_obj("cd-patch", "tts");
    apply_ok(f->c, svc);
    json_decref(svc);

    json_t *patch = json_pack("{s:{s:[{s:b, s:i, s:s}]}}", "spec", "traffic", "latestRevision",
                              1, "percent", 100, "tag", "current");
    tt_error err;
    tt_error_clear(&err);
    json_t *res = kube_patch_merge(f->c, &KUBE_GVR_KSVC, "cd-patch", "tts", patch, NULL, &err);
    json_decref(patch);
    if (!res)
        fail_msg("patch: %s", err.message);
    json_decref(res);

    json_t *got = kube_get(f->c, &KUBE_GVR_KSVC, "cd-patch", "tts", &err);
    if (!got)
        fail_msg("get: %s", err.message);
    json_t *traffic = json_object_get(json_object_get(got, "spec"), "traffic");
    assert_int_equal(json_array_size(traffic), 1);
    json_t *t0 = json_array_get(traffic, 0);
    assert_int_equal(json_integer_value(json_object_get(t0, "percent")), 100);
    assert_string_equal(json_string_value(json_object_get(t0, "tag")), "current");
    assert_true(json_is_true(json_object_get(t0, "latestRevision")));
    json_decref(got);
}

static void create_twice_answers_409_already_exists(void **state)
{
    fixture *f = *state;
    make_namespace(f->c, "cd-create");
    create_cm(f->c, "cd-create", "dup", "x");
    json_t *obj = configmap_obj("cd-create", "dup", "x");
    tt_error err;
    tt_error_clear(&err);
    json_t *res = kube_create(f->c, &KUBE_GVR_CONFIGMAPS, "cd-create", obj, NULL, &err);
    json_decref(obj);
    assert_null(res);
    assert_int_equal(err.code, 409);
    assert_string_equal(err.reason, "AlreadyExists");
    assert_non_null(strstr(err.message, "dup"));
}

static void update_with_a_stale_resource_version_answers_409_conflict(void **state)
{
    fixture *f = *state;
    make_namespace(f->c, "cd-update");
    create_cm(f->c, "cd-update", "guarded", "x");
    tt_error err;
    tt_error_clear(&err);
    json_t *old = kube_get(f->c, &KUBE_GVR_CONFIGMAPS, "cd-update", "guarded", &err);
    if (!old)
        fail_msg("get: %s", err.message);

    /* someone else changes it: old's resourceVersion is now stale */
    json_t *patch = json_pack("{s:{s:s}}", "data", "v", "theirs");
    json_t *res = kube_patch_merge(f->c, &KUBE_GVR_CONFIGMAPS, "cd-update", "guarded", patch,
                                   NULL, &err);
    json_decref(patch);
    if (!res)
        fail_msg("patch: %s", err.message);
    assert_string_not_equal(meta_str(res, "resourceVersion"), meta_str(old, "resourceVersion"));
    json_decref(res);

    json_object_set_new(json_object_get(old, "data"), "v", json_string("mine"));
    tt_error_clear(&err);
    res = kube_update(f->c, &KUBE_GVR_CONFIGMAPS, "cd-update", NULL, old, NULL, &err);
    json_decref(old);
    assert_null(res);
    assert_int_equal(err.code, 409);
    assert_string_equal(err.reason, "Conflict");

    /* and nothing was lost */
    json_t *now = kube_get(f->c, &KUBE_GVR_CONFIGMAPS, "cd-update", "guarded", &err);
    assert_non_null(now);
    assert_string_equal(json_string_value(json_object_get(json_object_get(now, "data"), "v")),
                        "theirs");
    json_decref(now);
}

/* ---- authentication failures ------------------------------------------- */

static void wrong_token_is_refused_with_401_and_a_sentence(void **state)
{
    fixture *f = *state;
    kube_rest_config *rc = kube_rest_config_dup(f->rc);
    assert_non_null(rc->token);
    free(rc->token);
    rc->token = tt_strdup("wrong-bearer-token");
    kube_client *c = client_from(rc);
    kube_rest_config_free(rc);
    tt_error err;
    tt_error_clear(&err);
    json_t *res = kube_get(c, &KUBE_GVR_NAMESPACES, NULL, "default", &err);
    kube_client_free(c);
    assert_null(res);
    assert_int_equal(err.code, 401);
    assert_string_equal(err.reason, "Unauthorized");
    /* a sentence a person can act on, without the secret */
    assert_true(strlen(err.message) > 20);
    assert_non_null(strchr(err.message, ' '));
    assert_null(strstr(err.message, "wrong-bearer-token"));
}

static void missing_client_certificate_is_refused_with_401(void **state)
{
    fixture *f = *state;
    kube_rest_config *rc = kube_rest_config_dup(f->rc);
    assert_non_null(rc->cert_pem);
    free(rc->cert_pem);
    rc->cert_pem = NULL;
    rc->cert_pem_len = 0;
    free(rc->key_pem);
    rc->key_pem = NULL;
    rc->key_pem_len = 0;
    kube_client *c = client_from(rc);
    kube_rest_config_free(rc);
    tt_error err;
    tt_error_clear(&err);
    json_t *res = kube_get(c, &KUBE_GVR_NAMESPACES, NULL, "default", &err);
    kube_client_free(c);
    assert_null(res);
    assert_int_equal(err.code, 401);
    assert_true(strlen(err.message) > 20);
}

/* The server answers requests on many connections at once (kubectl's
 * discovery asks every group in parallel): each thread reads its own
 * objects, by name and by a set-based label selector, on its own client,
 * and must get exactly those. Paths and selectors of different lengths so
 * that a request parsed with another's state (a shared tokenizer) shows. */
#define PAR_THREADS 4
#define PAR_ROUNDS 400

typedef struct par {
    kube_rest_config *rc;
    int id;
    int bad;
    char why[256];
} par;

static bool same(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static void *par_thread(void *ud)
{
    par *p = ud;
    kube_client *c = client_from(p->rc);
    char ns[32], name[64], app[32], sel[96];
    snprintf(ns, sizeof ns, "cd-par-%d", p->id);
    snprintf(app, sizeof app, "app-%.*s", p->id + 1, "xxxxxxxx");
    snprintf(sel, sizeof sel, "app in (zz,%s,%.*s)", app, 3 * p->id + 1, "yyyyyyyyyyyyyyyy");
    for (int i = 0; i < PAR_ROUNDS && !p->bad; i++) {
        tt_error err;
        tt_error_clear(&err);
        snprintf(name, sizeof name, "cm%.*s", 5 * p->id + 1, "abcdefghijklmnopqrstuvwxyz");
        json_t *got = kube_get(c, &KUBE_GVR_CONFIGMAPS, ns, name, &err);
        if (!got || !same(meta_str(got, "name"), name) || !same(meta_str(got, "namespace"), ns)) {
            p->bad = 1;
            snprintf(p->why, sizeof p->why, "get %s/%s: %s", ns, name,
                     got ? "another object" : err.message);
        }
        json_decref(got);
        kube_list_opts o = {.label_selector = sel};
        json_t *list = kube_list(c, &KUBE_GVR_CONFIGMAPS, ns, &o, &err);
        json_t *items = json_object_get(list, "items");
        if (!list || json_array_size(items) != 1 ||
            !same(meta_str(json_array_get(items, 0), "name"), name)) {
            p->bad = 1;
            snprintf(p->why, sizeof p->why, "list %s -l '%s': %s", ns, sel,
                     list ? "not exactly its one configmap" : err.message);
        }
        json_decref(list);
    }
    kube_client_free(c);
    return NULL;
}

static void parallel_requests_each_get_their_own_answer(void **state)
{
    fixture *f = *state;
    par ps[PAR_THREADS];
    pthread_t th[PAR_THREADS];
    for (int t = 0; t < PAR_THREADS; t++) {
        char ns[32], name[64], app[32];
        snprintf(ns, sizeof ns, "cd-par-%d", t);
        snprintf(name, sizeof name, "cm%.*s", 5 * t + 1, "abcdefghijklmnopqrstuvwxyz");
        snprintf(app, sizeof app, "app-%.*s", t + 1, "xxxxxxxx");
        make_namespace(f->c, ns);
        create_cm(f->c, ns, name, app);
        create_cm(f->c, ns, "other", "zzz"); /* not selected */
        ps[t] = (par){.rc = f->rc, .id = t};
    }
    for (int t = 0; t < PAR_THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, par_thread, &ps[t]), 0);
    for (int t = 0; t < PAR_THREADS; t++)
        pthread_join(th[t], NULL);
    for (int t = 0; t < PAR_THREADS; t++)
        if (ps[t].bad)
            fail_msg("thread %d: %s", t, ps[t].why);
}

#define COMMON_TESTS \
    cmocka_unit_test(server_version_names_a_git_version), \
    cmocka_unit_test(apply_creates_once_then_reports_no_creation), \
    cmocka_unit_test(dry_run_apply_stores_nothing), \
    cmocka_unit_test(get_returns_the_applied_service), \
    cmocka_unit_test(list_filters_by_label_and_by_field_selector), \
    cmocka_unit_test(list_with_page_size_one_returns_every_item), \
    cmocka_unit_test(list_items_streams_the_same_items_as_list), \
    cmocka_unit_test(merge_patch_sets_the_traffic_split), \
    cmocka_unit_test(create_twice_answers_409_already_exists), \
    cmocka_unit_test(update_with_a_stale_resource_version_answers_409_conflict)

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest http[] = {
        COMMON_TESTS,
        cmocka_unit_test(parallel_requests_each_get_their_own_answer),
    };
    const struct CMUnitTest token[] = {
        COMMON_TESTS,
        cmocka_unit_test(wrong_token_is_refused_with_401_and_a_sentence),
    };
    const struct CMUnitTest cert[] = {
        COMMON_TESTS,
        cmocka_unit_test(missing_client_certificate_is_refused_with_401),
    };
    int failed = 0;
    failed += cmocka_run_group_tests_name("http, no auth", http, setup_http, group_teardown);
    failed += cmocka_run_group_tests_name("https, bearer token", token, setup_token,
                                          group_teardown);
    failed += cmocka_run_group_tests_name("https, client certificate", cert, setup_cert,
                                          group_teardown);
    return failed ? 1 : 0;
}
