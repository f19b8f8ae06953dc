/*
 * The client against the demo cluster (test_client_demo*.c): each group
 * (cmocka_run_group_tests with setup_http, setup_token or setup_cert, and
 * group_teardown) starts its own demo cluster (--no-seed, short ready
 * delay) and gives its tests a fixture (*state) with a client of it.
 * Every wait is bounded by WAIT_MS.
 */
#ifndef TEST_FAULTS_CLIENT_FIXTURE_H
#define TEST_FAULTS_CLIENT_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/types.h>

#include "kube_client.h"
#include "kube_config.h"

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


void sleep_ms(long ms);

/* ---- the demo cluster ---------------------------------------------------- */

/* Starts the demo cluster in f's mode (demo_spawn); stops it. */
bool demo_start(fixture *f);
void demo_stop(fixture *f);
/* kube_config_load and kube_rest_config_resolve of path; NULL, printed. */
kube_rest_config *load_rest_config(const char *path);
/* A client of rc (10 s timeout); fails the test when it cannot. */
kube_client *client_from(const kube_rest_config *rc);
/* Group setups: a demo cluster in mode m and a client of it in *state. */
int group_setup(void **state, mode m);
int setup_http(void **state);
int setup_token(void **state);
int setup_cert(void **state);
int group_teardown(void **state);

/* ---- objects and checks --------------------------------------------------- */

const char *meta_str(const json_t *obj, const char *key);
json_t *namespace_obj(const char *name);
json_t *ksvc_obj(const char *ns, const char *name);
json_t *configmap_obj(const char *ns, const char *name, const char *app);
/* Applies obj (server-side) and fails the test on error. Returns created. */
bool apply_ok(kube_client *c, const json_t *obj);
void make_namespace(kube_client *c, const char *ns);
void create_cm(kube_client *c, const char *ns, const char *name, const char *app);
/* "a,b,c": the item names of a List, sorted; caller frees. */
char *sorted_names(const json_t *items);
json_t *list_ok(kube_client *c, const kube_gvr *gvr, const char *ns,
                const kube_list_opts *o);

#endif
