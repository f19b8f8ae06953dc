/* The demo cluster for the C fault tests: one way to start it and stop it
 * (the scripts' counterpart is tests/lib/demo.sh). */
#ifndef TEST_FAULTS_DEMO_SPAWN_H
#define TEST_FAULTS_DEMO_SPAWN_H

#include <sys/types.h>

/* Starts $TTSTUI_DEMO_BIN (else $TTSTUI_BUILD_DIR/ttstui-demo-cluster)
 * --listen LISTEN --kubeconfig-out KUBECONFIG FLAGS... (NULL-terminated,
 * may be NULL), its stdout in OUT and its stderr in ERR (NULL: the
 * test's), KUBECONFIG removed first; waits (bounded by wait_ms) until it
 * says "listening on" and has written KUBECONFIG. Returns its pid and sets
 * *port (may be NULL) to the port it listens on; -1 with the reason
 * printed when it could not start. */
pid_t demo_spawn(const char *listen, const char *kubeconfig, const char *const *flags,
                 const char *out, const char *err, long wait_ms, int *port);
/* SIGTERM and wait (nothing for pid <= 0). */
void demo_reap(pid_t pid);

#endif
