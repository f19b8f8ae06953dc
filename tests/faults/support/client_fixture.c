/*
 * What the client-against-the-demo-cluster tests (test_client_demo*.c)
 * share: a group's demo cluster in one of three modes (demo_spawn), the
 * kubeconfig it writes loaded and resolved as the CLI does, a client for
 * it; and the objects and checks the tests build on.
 */
#include "client_fixture.h"

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

void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- the demo cluster ---------------------------------------------------- */

/* Starts the demo cluster in f's mode (demo_spawn). */
bool demo_start(fixture *f)
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

void demo_stop(fixture *f)
{
    demo_reap(f->pid);
    f->pid = 0;
}

kube_rest_config *load_rest_config(const char *path)
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

kube_client *client_from(const kube_rest_config *rc)
{
    tt_error err;
    tt_error_clear(&err);
    kube_client *c = kube_client_new(rc, &err);
    if (!c)
        fail_msg("client: %s", err.message);
    kube_client_set_timeout_ms(c, 10000);
    return c;
}


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

int group_setup(void **state, mode m)
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

int setup_http(void **state) { return group_setup(state, MODE_HTTP); }
int setup_token(void **state) { return group_setup(state, MODE_TOKEN); }
int setup_cert(void **state) { return group_setup(state, MODE_CERT); }

int group_teardown(void **state)
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

const char *meta_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(json_object_get(obj, "metadata"), key));
}

json_t *namespace_obj(const char *name)
{
    return json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind", "Namespace", "metadata",
                     "name", name);
}

json_t *ksvc_obj(const char *ns, const char *name)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:{s:{s:[{s:s, s:[{s:i}]}]}}}}",
                     "apiVersion", "serving.knative.dev/v1", "kind", "Service", "metadata", "name",
                     name, "namespace", ns, "spec", "template", "spec", "containers", "image",
                     IMAGE, "ports", "containerPort", 8080);
}

json_t *configmap_obj(const char *ns, const char *name, const char *app)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s}}, s:{s:s}}", "apiVersion", "v1", "kind",
                     "ConfigMap", "metadata", "name", name, "namespace", ns, "labels", "app", app,
                     "data", "v", name);
}

/* Applies obj (server-side) and fails the test on error. Returns created. */
bool apply_ok(kube_client *c, const json_t *obj)
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

void make_namespace(kube_client *c, const char *ns)
{
    json_t *obj = namespace_obj(ns);
    apply_ok(c, obj);
    json_decref(obj);
}

void create_cm(kube_client *c, const char *ns, const char *name, const char *app)
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
char *sorted_names(const json_t *items)
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

json_t *list_ok(kube_client *c, const kube_gvr *gvr, const char *ns,
                       const kube_list_opts *o)
{
    tt_error err;
    tt_error_clear(&err);
    json_t *list = kube_list(c, gvr, ns, o, &err);
    if (!list)
        fail_msg("list in %s: %s", ns, err.message);
    return list;
}
