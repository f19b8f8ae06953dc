/*
 * The scripted HTTP server of the client's transport tests
 * (test_kube_client_http*.c): server_setup starts it and makes a client
 * for it (*state), server_teardown stops both.
 */
#ifndef TEST_K8S_SCRIPTED_SERVER_H
#define TEST_K8S_SCRIPTED_SERVER_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <microhttpd.h>
#include <pthread.h>

#include "kube_client.h"

typedef struct srv {
    struct MHD_Daemon *d;
    unsigned port;
    pthread_mutex_t mu;
    int hits_secret;      /* requests to the 401-then-200 secret */
    int hits_torn;        /* second pages of the torn list */
    int watches;          /* watch requests seen */
    char last_query[512]; /* of the last watch/apply request */
    char last_ctype[128];
    char last_body[4096];
    char last_method[16];
    atomic_int stop_streams;
    int hits[8];          /* per retry scenario (enum scenario) */
} srv;

extern srv S;

/* The retry scenarios under /api/v1/namespaces/r/... */
enum scenario {
    SC_BUSY,      /* GET pods/busy: 503 once, then 200 */
    SC_LIMITED,   /* GET pods/limited: 429 Retry-After: 2 once, then 200 */
    SC_DOWN,      /* GET pods/down: always 503 */
    SC_DROP,      /* GET pods/drop: connection closed without an answer once */
    SC_WRITE,     /* POST/PATCH configmaps[/w]: 503 (dry run: once, then 201) */
    SC_WRITE_DROP,/* PATCH configmaps/lost: connection closed without an answer */
    SC_WATCH,     /* watch of configmaps: 503 */
    SC_CODE,      /* GET pods/code-NNN: always NNN */
};

/* Requests seen of a retry scenario. */
int hits(enum scenario sc);

/* The waits the client asked for between attempts (none really happen). */
typedef struct slept {
    int n;
    long ms[16];
} slept;
extern slept Slept;
/* A kube_retry_policy.sleep that records into Slept. */
void record_sleep(long ms, void *ud);

void sleep_ms(long ms);
/* A client of the server (context test-ctx, user test-user, namespace n). */
kube_client *client_for(const char *token, const char *token_file);
int server_setup(void **state);
int server_teardown(void **state);

#endif
