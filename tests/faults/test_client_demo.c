/*
 * Every k8s/ client operation against the real demo cluster, three ways:
 * plain http without credentials, https with a bearer token (--token), and
 * https with client-certificate authentication only (--client-cert-auth).
 * Each group starts its own demo cluster (--no-seed, short ready delay),
 * loads the kubeconfig it writes with kube_config_load and resolves it with
 * kube_rest_config_resolve, as the CLI does. Each test works in its own
 * namespace so the tests of a group do not see each other's objects.
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

#include "demo_spawn.h"
#include "kube_client.h"
#include "kube_config.h"
#include "kube_watch.h"

extern char **environ;

#define WAIT_MS 15000
#define READY_DELAY "300"
#define IMAGE "registry.example/tts/speech-api-worker:1.2.3"
#define TOKEN "demo-bearer-t0ken"

typedef enum { MODE_HTTP, MODE_TOKEN, MODE_CERT } mode;

typedef struct fixture {
    mode m;
    pid_t pid;
    char dir[64];
    char kubeconfig[128];
    char out[128];
    char errout[128]; /* the server's stderr (libmicrohttpd notes) */
    kube_rest_config *rc;
    kube_client *c;
} fixture;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- the demo cluster ---------------------------------------------------- */

/* Starts the demo cluster in f's mode (demo_spawn). */
static bool demo_start(fixture *f)
{
    const char *flags[8];
    int n = 0;
    flags[n++] = "--no-seed";
    flags[n++] = "--ready-delay-ms";
    flags[n++] = READY_DELAY;
    if (f->m != MODE_HTTP)
        flags[n++] = "--tls";
    if (f->m == MODE_TOKEN) {
        flags[n++] = "--token";
        flags[n++] = TOKEN;
    }
    if (f->m == MODE_CERT)
        flags[n++] = "--client-cert-auth";
    flags[n] = NULL;
    f->pid = demo_spawn("127.0.0.1:0", f->kubeconfig, flags, f->out, f->errout, WAIT_MS, NULL);
    if (f->pid < 0) {
        f->pid = 0;
        return false;
    }
    return true;
}

static void demo_stop(fixture *f)
{
    demo_reap(f->pid);
    f->pid = 0;
}

static kube_rest_config *load_rest_config(const char *path)
{
    tt_error err;
    tt_error_clear(&err);
    kube_config *cfg = kube_config_load(path, &err);
    if (!cfg) {
        print_error("kubeconfig %s: %s\n", path, err.message);
        return NULL;
    }
    kube_rest_config *rc = kube_rest_config_resolve(cfg, NULL, NULL, &err);
    kube_config_free(cfg);
    if (!rc)
        print_error("kubeconfig %s: %s\n", path, err.message);
    return rc;
}

static kube_client *client_from(const kube_rest_config *rc)
{
    tt_error err;
    tt_error_clear(&err);
    kube_client *c = kube_client_new(rc, &err);
    if (!c)
        fail_msg("client: %s", err.message);
    kube_client_set_timeout_ms(c, 10000);
    return c;
}

static int group_teardown(void **state);

static int group_setup_inner(fixture *f)
{
    snprintf(f->dir, sizeof f->dir, "/tmp/ttstui-client-demo.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->kubeconfig, sizeof f->kubeconfig, "%s/kubeconfig", f->dir);
    snprintf(f->out, sizeof f->out, "%s/demo.out", f->dir);
    snprintf(f->errout, sizeof f->errout, "%s/demo.err", f->dir);
    if (!demo_start(f))
        return -1;
    f->rc = load_rest_config(f->kubeconfig);
    if (!f->rc)
        return -1;
    tt_error err;
    tt_error_clear(&err);
    f->c = kube_client_new(f->rc, &err);
    if (!f->c) {
        print_error("client: %s\n", err.message);
        return -1;
    }
    kube_client_set_timeout_ms(f->c, 10000);
    return 0;
}

static int group_setup(void **state, mode m)
{
    fixture *f = tt_calloc(1, sizeof *f);
    f->m = m;
    *state = f;
    if (group_setup_inner(f) == 0)
        return 0;
    group_teardown(state); /* cmocka does not tear down a failed setup */
    *state = NULL;
    return -1;
}

static int setup_http(void **state) { return group_setup(state, MODE_HTTP); }
static int setup_token(void **state) { return group_setup(state, MODE_TOKEN); }
static int setup_cert(void **state) { return group_setup(state, MODE_CERT); }

static int group_teardown(void **state)
{
    fixture *f = *state;
    if (!f)
        return 0;
    kube_client_free(f->c);
    kube_rest_config_free(f->rc);
    demo_stop(f);
    unlink(f->kubeconfig);
    unlink(f->out);
    unlink(f->errout);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* ---- helpers -------------------------------------------------------------- */

static const char *meta_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(json_object_get(obj, "metadata"), key));
}

static json_t *namespace_obj(const char *name)
{
    return json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind", "Namespace", "metadata",
                     "name", name);
}

static json_t *ksvc_obj(const char *ns, const char *name)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:{s:{s:[{s:s, s:[{s:i}]}]}}}}",
                     "apiVersion", "serving.knative.dev/v1", "kind", "Service", "metadata", "name",
                     name, "namespace", ns, "spec", "template", "spec", "containers", "image",
                     IMAGE, "ports", "containerPort", 8080);
}

static json_t *configmap_obj(const char *ns, const char *name, const char *app)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s}}, s:{s:s}}", "apiVersion", "v1", "kind",
                     "ConfigMap", "metadata", "name", name, "namespace", ns, "labels", "app", app,
                     "data", "v", name);
}

/* Applies obj (server-side) and fails the test on error. Returns created. */
static bool apply_ok(kube_client *c, const json_t *obj)
{
    tt_error err;
    tt_error_clear(&err);
    bool created = false;
    json_t *res = kube_apply(c, obj, NULL, &created, &err);
    if (!res)
        fail_msg("apply %s: %s", meta_str(obj, "name"), err.message);
    json_decref(res);
    return created;
}

static void make_namespace(kube_client *c, const char *ns)
{
    json_t *obj = namespace_obj(ns);
    apply_ok(c, obj);
    json_decref(obj);
}

static void create_cm(kube_client *c, const char *ns, const char *name, const char *app)
{
    tt_error err;
    tt_error_clear(&err);
    json_t *obj = configmap_obj(ns, name, app);
    json_t *res = kube_create(c, &KUBE_GVR_CONFIGMAPS, ns, obj, NULL, &err);
    json_decref(obj);
    if (!res)
        fail_msg("create configmap %s/%s: %s", ns, name, err.message);
    json_decref(res);
}

/* "a,b,c": the item names of a List, sorted; caller frees. */
static char *sorted_names(const json_t *items)
{
    size_t n = json_array_size(items);
    const char **names = tt_calloc(n ? n : 1, sizeof *names);
    for (size_t i = 0; i < n; i++)
        names[i] = meta_str(json_array_get(items, i), "name");
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    tt_buf b = TT_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        tt_buf_printf(&b, "%s%s", i ? "," : "", names[i]);
    free(names);
    char *s = tt_buf_steal(&b);
    return s ? s : tt_strdup("");
}

static json_t *list_ok(kube_client *c, const kube_gvr *gvr, const char *ns,
                       const kube_list_opts *o)
{
    tt_error err;
    tt_error_clear(&err);
    json_t *list = kube_list(c, gvr, ns, o, &err);
    if (!list)
        fail_msg("list in %s: %s", ns, err.message);
    return list;
}

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

#define COMMON_TESTS                                                                    \
    cmocka_unit_test(server_version_names_a_git_version),                               \
        cmocka_unit_test(apply_creates_once_then_reports_no_creation),                  \
        cmocka_unit_test(dry_run_apply_stores_nothing),                                 \
        cmocka_unit_test(get_returns_the_applied_service),                              \
        cmocka_unit_test(list_filters_by_label_and_by_field_selector),                  \
        cmocka_unit_test(list_with_page_size_one_returns_every_item),                   \
        cmocka_unit_test(list_items_streams_the_same_items_as_list),                    \
        cmocka_unit_test(merge_patch_sets_the_traffic_split),                           \
        cmocka_unit_test(create_twice_answers_409_already_exists),                      \
        cmocka_unit_test(update_with_a_stale_resource_version_answers_409_conflict),    \
        cmocka_unit_test(watch_from_the_list_version_sees_a_later_patch),               \
        cmocka_unit_test(reflector_lists_syncs_then_streams_a_change),                  \
        cmocka_unit_test(pod_logs_of_the_ready_revision_have_lines),                    \
        cmocka_unit_test(deleting_a_namespace_terminates_then_removes_it)

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
