/*
 * The reflector (kube_reflector_run) against a demo cluster that is killed
 * in the middle of a watch and started again on the same port.
 *
 * The demo cluster keeps its state in memory, so a restart is a fresh,
 * empty cluster (--no-seed). To stand for "the same cluster, back after an
 * outage", both runs count resourceVersions from the same --first-rv and
 * the test replays the first run's writes on the new process (same
 * requests, so the same resourceVersions — checked), and only then
 * makes the changes the reflector has to discover: a deletion and a
 * creation made while it could not connect. Its backoff is long enough
 * that all of this happens before it tries again. A third case restarts
 * without the replay: a cluster whose history went backwards. The last
 * checks what a restart looks like by default: the new run counts from
 * the clock and refuses the old run's resourceVersions.
 *
 * Needs TTSTUI_BUILD_DIR (the demo cluster binary lives there).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
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

/* Long enough that a restart and a handful of writes fit inside one retry
 * delay (the first delay is 3-3.75 s). */
#define BACKOFF_MS 3000
#define WAIT_MS 20000

/* ---- the demo cluster as a child process ------------------------------- */

typedef struct demo {
    pid_t pid;
    int port;
    char dir[256];
    char kubeconfig[300];
    char out[300];
} demo;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Starts ttstui-demo-cluster --no-seed on port (0 = any free one), with
 * extra flags (NULL-terminated), and waits for "listening on". */
static void demo_start(demo *d, int port, const char *const *extra)
{
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    const char *flags[32];
    int n = 0;
    flags[n++] = "--no-seed";
    flags[n++] = "--bookmark-interval";
    flags[n++] = "60";
    for (; extra && *extra && n < 31; extra++)
        flags[n++] = *extra;
    flags[n] = NULL;
    d->pid = demo_spawn(listen, d->kubeconfig, flags, d->out, NULL, 10000, &d->port);
    if (d->pid < 0)
        fail_msg("the demo cluster did not start (port %d)", port);
    assert_true(d->port > 0);
    if (port)
        assert_int_equal(d->port, port);
}

static void demo_stop(demo *d)
{
    demo_reap(d->pid);
    d->pid = 0;
}

/* ---- what the reflector told us ----------------------------------------- */

typedef struct view {
    pthread_mutex_t mu;
    json_t *names;   /* name -> resourceVersion: the reflector's picture */
    json_t *pending; /* the list being received */
    int relists, synced, retrying, connected;
    char last_error[512];
    atomic_int cancel;
} view;

static const char *name_of(const json_t *obj)
{
    return json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
}

static const char *rv_of(const json_t *obj)
{
    return json_string_value(json_object_get(json_object_get(obj, "metadata"), "resourceVersion"));
}

static int on_event(const kube_reflector_event *ev, void *ud)
{
    view *v = ud;
    pthread_mutex_lock(&v->mu);
    switch (ev->type) {
    case KUBE_REFLECT_RELIST_BEGIN:
        v->relists++;
        json_decref(v->pending);
        v->pending = json_object();
        break;
    case KUBE_REFLECT_ITEM:
        json_object_set_new(v->pending, name_of(ev->object), json_string(rv_of(ev->object)));
        break;
    case KUBE_REFLECT_SYNCED:
        v->synced++;
        json_decref(v->names);
        v->names = v->pending;
        v->pending = NULL;
        break;
    case KUBE_REFLECT_ADDED:
    case KUBE_REFLECT_MODIFIED:
        json_object_set_new(v->names, name_of(ev->object), json_string(rv_of(ev->object)));
        break;
    case KUBE_REFLECT_DELETED:
        json_object_del(v->names, name_of(ev->object));
        break;
    case KUBE_REFLECT_RETRYING:
        v->retrying++;
        tt_strlcpy(v->last_error, ev->error ? ev->error->message : "", sizeof v->last_error);
        break;
    case KUBE_REFLECT_CONNECTED:
        v->connected++;
        break;
    case KUBE_REFLECT_PAGE:
        break;
    }
    pthread_mutex_unlock(&v->mu);
    return 0;
}

/* The picture as "a,c" (sorted names); caller frees. */
static char *view_names(view *v)
{
    pthread_mutex_lock(&v->mu);
    const char *keys[64];
    size_t n = 0;
    const char *k;
    json_t *val;
    json_object_foreach(v->names, k, val) {
        if (n < 64)
            keys[n++] = k;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
            const char *t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
        }
    tt_buf b = TT_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        tt_buf_printf(&b, "%s%s", i ? "," : "", keys[i]);
    pthread_mutex_unlock(&v->mu);
    char *s = tt_buf_steal(&b);
    return s ? s : tt_strdup("");
}

static int counter(view *v, const int *field)
{
    pthread_mutex_lock(&v->mu);
    int n = *field;
    pthread_mutex_unlock(&v->mu);
    return n;
}

/* Waits until the picture is exactly want. */
static bool wait_for_names(view *v, const char *want)
{
    long long end = tt_now_ms() + WAIT_MS;
    while (tt_now_ms() < end) {
        char *have = view_names(v);
        bool ok = strcmp(have, want) == 0;
        free(have);
        if (ok)
            return true;
        sleep_ms(20);
    }
    return false;
}

static bool wait_for_count(view *v, const int *field, int at_least)
{
    long long end = tt_now_ms() + WAIT_MS;
    while (tt_now_ms() < end) {
        if (counter(v, field) >= at_least)
            return true;
        sleep_ms(20);
    }
    return false;
}

/* ---- the fixture ---------------------------------------------------------- */

typedef struct fixture {
    demo d;
    kube_client *writer; /* the test's own writes */
    kube_client *watcher;
    view v;
    pthread_t thread;
    bool running;
    long backoff_ms; /* 0 = BACKOFF_MS */
    atomic_int wake;
} fixture;

static kube_client *client_for(const char *kubeconfig)
{
    tt_error err;
    tt_error_clear(&err);
    kube_rest_config *rc = kube_rest_config_default(kubeconfig, NULL, NULL, &err);
    if (!rc)
        fail_msg("kubeconfig: %s", err.message);
    kube_client *c = kube_client_new(rc, &err);
    kube_rest_config_free(rc);
    if (!c)
        fail_msg("client: %s", err.message);
    kube_client_set_timeout_ms(c, 5000);
    return c;
}

static void *reflector_thread(void *ud)
{
    fixture *f = ud;
    long backoff = f->backoff_ms ? f->backoff_ms : BACKOFF_MS;
    kube_reflector_opts o = {.backoff_initial_ms = backoff, .backoff_max_ms = backoff,
                             .watch_timeout_seconds = 60, .wake = &f->wake};
    tt_error err;
    tt_error_clear(&err);
    kube_reflector_run(f->watcher, &KUBE_GVR_CONFIGMAPS, "w", &o, on_event, &f->v, &f->v.cancel,
                       &err);
    return NULL;
}

static int setup(void **state)
{
    fixture *f = tt_calloc(1, sizeof *f);
    snprintf(f->d.dir, sizeof f->d.dir, "/tmp/ttstui-faults.XXXXXX");
    if (!mkdtemp(f->d.dir))
        return -1;
    snprintf(f->d.kubeconfig, sizeof f->d.kubeconfig, "%s/kubeconfig", f->d.dir);
    snprintf(f->d.out, sizeof f->d.out, "%s/demo.out", f->d.dir);
    pthread_mutex_init(&f->v.mu, NULL);
    f->v.names = json_object();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    atomic_store(&f->v.cancel, 1);
    if (f->running)
        pthread_join(f->thread, NULL);
    demo_stop(&f->d);
    kube_client_free(f->writer);
    kube_client_free(f->watcher);
    json_decref(f->v.names);
    json_decref(f->v.pending);
    pthread_mutex_destroy(&f->v.mu);
    unlink(f->d.kubeconfig);
    unlink(f->d.out);
    rmdir(f->d.dir);
    free(f);
    return 0;
}

static json_t *configmap(const char *name)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s}}", "apiVersion", "v1", "kind",
                     "ConfigMap", "metadata", "name", name, "namespace", "w", "data", "v", name);
}

/* The namespace the test's ConfigMaps live in. */
static void create_namespace_w(kube_client *c)
{
    tt_error err;
    tt_error_clear(&err);
    json_t *ns = json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind", "Namespace",
                           "metadata", "name", "w");
    json_t *res = kube_create(c, &KUBE_GVR_NAMESPACES, NULL, ns, NULL, &err);
    json_decref(ns);
    if (!res)
        fail_msg("creating namespace w: %s", err.message);
    json_decref(res);
}

/* Creates a ConfigMap; returns its resourceVersion (caller frees). */
static char *create_cm(kube_client *c, const char *name)
{
    tt_error err;
    tt_error_clear(&err);
    json_t *obj = configmap(name);
    json_t *res = kube_create(c, &KUBE_GVR_CONFIGMAPS, "w", obj, NULL, &err);
    json_decref(obj);
    if (!res)
        fail_msg("creating configmap %s: %s", name, err.message);
    char *rv = tt_strdup(rv_of(res));
    json_decref(res);
    return rv;
}

static void delete_cm(kube_client *c, const char *name)
{
    tt_error err;
    tt_error_clear(&err);
    json_t *res = kube_delete(c, &KUBE_GVR_CONFIGMAPS, "w", name, NULL, &err);
    if (!res)
        fail_msg("deleting configmap %s: %s", name, err.message);
    json_decref(res);
}

/* The first run's history: namespace w, ConfigMaps a and b. Returns b's
 * resourceVersion (caller frees). */
static char *write_history(kube_client *c)
{
    create_namespace_w(c);
    free(create_cm(c, "a"));
    return create_cm(c, "b");
}

/* Starts the first cluster and the reflector, and waits until it has a and b
 * and is watching. Returns b's resourceVersion (caller frees). */
static const char *const replayable[] = {"--first-rv", "1000", NULL};

static char *start_and_sync(fixture *f)
{
    demo_start(&f->d, 0, replayable);
    f->writer = client_for(f->d.kubeconfig);
    f->watcher = client_for(f->d.kubeconfig);
    char *rv_b = write_history(f->writer);
    assert_int_equal(pthread_create(&f->thread, NULL, reflector_thread, f), 0);
    f->running = true;
    assert_true(wait_for_names(&f->v, "a,b"));
    assert_int_equal(counter(&f->v, &f->v.synced), 1);
    /* a change the live watch delivers proves the watch is open */
    tt_error err;
    tt_error_clear(&err);
    json_t *patch = json_pack("{s:{s:s}}", "data", "v", "a2");
    json_t *res = kube_patch_merge(f->writer, &KUBE_GVR_CONFIGMAPS, "w", "a", patch, NULL, &err);
    json_decref(patch);
    if (!res)
        fail_msg("patching a: %s", err.message);
    char *rv_a = tt_strdup(rv_of(res));
    json_decref(res);
    long long end = tt_now_ms() + WAIT_MS;
    for (;;) {
        pthread_mutex_lock(&f->v.mu);
        bool seen = tt_streq(json_string_value(json_object_get(f->v.names, "a")), rv_a);
        pthread_mutex_unlock(&f->v.mu);
        if (seen)
            break;
        if (tt_now_ms() > end)
            fail_msg("the watch did not deliver the change to a");
        sleep_ms(20);
    }
    free(rv_a);
    return rv_b;
}

/* Kills the cluster mid-watch and waits for the reflector's first retry. */
static void kill_and_wait_for_retry(fixture *f, int *port)
{
    *port = f->d.port;
    int before = counter(&f->v, &f->v.retrying);
    demo_stop(&f->d);
    assert_true(wait_for_count(&f->v, &f->v.retrying, before + 1));
    pthread_mutex_lock(&f->v.mu);
    char msg[512];
    tt_strlcpy(msg, f->v.last_error, sizeof msg);
    pthread_mutex_unlock(&f->v.mu);
    /* the retry names the server it could not reach */
    char where[64];
    snprintf(where, sizeof where, "127.0.0.1:%d", *port);
    if (!strstr(msg, where))
        fail_msg("retry message does not name the server: %s", msg);
}

/* Restarts on the same port and replays the first run's history (the same
 * requests give the same resourceVersions: checked against rv_b). */
static void restart_with_history(fixture *f, int port, const char *const *extra,
                                 const char *rv_b)
{
    demo_start(&f->d, port, extra);
    char *again = write_history(f->writer);
    json_t *patch = json_pack("{s:{s:s}}", "data", "v", "a2");
    tt_error err;
    tt_error_clear(&err);
    json_t *res = kube_patch_merge(f->writer, &KUBE_GVR_CONFIGMAPS, "w", "a", patch, NULL, &err);
    json_decref(patch);
    if (!res)
        fail_msg("patching a again: %s", err.message);
    json_decref(res);
    assert_string_equal(again, rv_b);
    free(again);
}

static void reflector_sees_a_deletion_made_while_the_cluster_was_down(void **state)
{
    fixture *f = *state;
    char *rv_b = start_and_sync(f);
    int port;
    kill_and_wait_for_retry(f, &port);
    int connected = counter(&f->v, &f->v.connected);

    restart_with_history(f, port, replayable, rv_b);
    delete_cm(f->writer, "b");
    free(create_cm(f->writer, "c"));
    /* all of that happened inside the reflector's retry delay */
    assert_int_equal(counter(&f->v, &f->v.connected), connected);

    assert_true(wait_for_names(&f->v, "a,c"));
    assert_true(counter(&f->v, &f->v.connected) > connected);
    free(rv_b);
}

/* The dashboard's reconnect-now key: a retry due in ten minutes starts as
 * soon as the wake counter changes (the wait below is a bound, ~30 times
 * shorter than the backoff). */
static void reflector_retries_at_once_when_woken(void **state)
{
    fixture *f = *state;
    f->backoff_ms = 600000;
    char *rv_b = start_and_sync(f);
    int port;
    kill_and_wait_for_retry(f, &port);
    int connected = counter(&f->v, &f->v.connected);
    restart_with_history(f, port, replayable, rv_b);
    assert_int_equal(counter(&f->v, &f->v.connected), connected);
    atomic_fetch_add(&f->wake, 1);
    assert_true(wait_for_count(&f->v, &f->v.connected, connected + 1));
    assert_true(wait_for_names(&f->v, "a,b"));
    free(rv_b);
}

static void reflector_relists_when_the_history_it_needs_has_expired(void **state)
{
    fixture *f = *state;
    char *rv_b = start_and_sync(f);
    int port;
    kill_and_wait_for_retry(f, &port);
    int relists = counter(&f->v, &f->v.relists);

    /* a short history: the reflector's resourceVersion is gone (410) by
     * the time it is back */
    static const char *const window[] = {"--first-rv", "1000", "--rv-window", "2", NULL};
    restart_with_history(f, port, window, rv_b);
    delete_cm(f->writer, "b");
    free(create_cm(f->writer, "c"));
    free(create_cm(f->writer, "d"));
    free(create_cm(f->writer, "e"));

    assert_true(wait_for_names(&f->v, "a,c,d,e"));
    assert_true(counter(&f->v, &f->v.relists) > relists);
    free(rv_b);
}

/* A fresh cluster whose history does not continue the old one (the demo
 * cluster after a restart; a real one after a restore from backup): its
 * resourceVersions start again below the reflector's. Only a relist can
 * give the right picture; a re-watch from the old resourceVersion would
 * keep b for ever. */
static void reflector_relists_after_an_outage_even_when_history_was_lost(void **state)
{
    fixture *f = *state;
    char *rv_b = start_and_sync(f);
    int port;
    kill_and_wait_for_retry(f, &port);
    int relists = counter(&f->v, &f->v.relists);

    demo_start(&f->d, port, replayable);
    create_namespace_w(f->writer);
    char *rv_c = create_cm(f->writer, "c");
    /* the new history is shorter: c's resourceVersion is below b's */
    assert_true(strtoull(rv_c, NULL, 10) < strtoull(rv_b, NULL, 10));

    assert_true(wait_for_names(&f->v, "c"));
    assert_true(counter(&f->v, &f->v.relists) > relists);
    free(rv_c);
    free(rv_b);
}

typedef struct first_event {
    kube_watch_event_type type;
    int code;
    char message[256];
    int n;
} first_event;

static int keep_first(const kube_watch_event *ev, void *ud)
{
    first_event *fe = ud;
    if (fe->n++ == 0) {
        fe->type = ev->type;
        const json_t *status = ev->object;
        fe->code = (int)json_integer_value(json_object_get(status, "code"));
        const char *msg = json_string_value(json_object_get(status, "message"));
        tt_strlcpy(fe->message, msg ? msg : "", sizeof fe->message);
    }
    return 1;
}

/* By default a restarted demo cluster counts resourceVersions on from the
 * clock, as etcd never reuses a revision: a watch from the old run's RV is
 * 410 Expired (so a reflector whose watch merely ended relists instead of
 * missing the changes), and one from an RV it never issued is 504. */
static void a_restarted_cluster_refuses_the_old_runs_resource_versions(void **state)
{
    fixture *f = *state;
    demo_start(&f->d, 0, NULL);
    f->writer = client_for(f->d.kubeconfig);
    char *rv_b = write_history(f->writer);
    int port = f->d.port;
    demo_stop(&f->d);
    demo_start(&f->d, port, NULL);
    kube_client_free(f->writer);
    f->writer = client_for(f->d.kubeconfig);
    create_namespace_w(f->writer);
    char *rv_c = create_cm(f->writer, "c");
    assert_true(strtoull(rv_c, NULL, 10) > strtoull(rv_b, NULL, 10));

    first_event fe = {0};
    tt_error err;
    tt_error_clear(&err);
    kube_watch_opts wo = {.resource_version = rv_b, .timeout_seconds = 5};
    int rc = kube_watch(f->writer, &KUBE_GVR_CONFIGMAPS, "w", &wo, keep_first, &fe, &err);
    assert_int_equal(rc, 1);
    assert_int_equal(fe.type, KUBE_WATCH_ERROR);
    assert_int_equal(fe.code, 410);
    if (!strstr(fe.message, "too old resource version"))
        fail_msg("unexpected 410 message: %s", fe.message);

    char *future = tt_asprintf("%llu", strtoull(rv_c, NULL, 10) + 1000000ULL);
    memset(&fe, 0, sizeof fe);
    wo.resource_version = future;
    tt_error_clear(&err);
    rc = kube_watch(f->writer, &KUBE_GVR_CONFIGMAPS, "w", &wo, keep_first, &fe, &err);
    assert_int_equal(rc, -1);
    assert_int_equal(fe.n, 0);
    assert_int_equal(err.code, 504);
    if (!strstr(err.message, "Too large resource version"))
        fail_msg("unexpected error for a future resourceVersion: %s", err.message);
    free(future);
    free(rv_c);
    free(rv_b);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(reflector_sees_a_deletion_made_while_the_cluster_was_down,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(reflector_retries_at_once_when_woken, setup, teardown),
        cmocka_unit_test_setup_teardown(reflector_relists_when_the_history_it_needs_has_expired,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            reflector_relists_after_an_outage_even_when_history_was_lost, setup, teardown),
        cmocka_unit_test_setup_teardown(a_restarted_cluster_refuses_the_old_runs_resource_versions,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
