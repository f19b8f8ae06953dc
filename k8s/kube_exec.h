/*
 * Running a helper program without a shell and capturing what it prints,
 * with limits: the credential-plugin runner behind kube_auth, usable for
 * any short non-interactive helper.
 */
#ifndef KUBE_EXEC_H
#define KUBE_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "tt_common.h"

#define KUBE_EXEC_STDERR_TAIL 512

typedef struct kube_exec_result {
    tt_buf out;          /* stdout; caller frees (wipe it: it may hold secrets) */
    char err_tail[KUBE_EXEC_STDERR_TAIL + 1]; /* last bytes of stderr, NUL-terminated */
    int wait_status;     /* as from waitpid, valid when the call returned 0 */
    int spawn_errno;     /* ENOENT etc. when the program could not be started */
    bool timed_out;
    bool too_much_output;
} kube_exec_result;

/*
 * Runs file (looked up on PATH unless it contains a slash) with argv and
 * envp, stdin from /dev/null, in its own process group. Returns 0 once the
 * program ended and was reaped (any exit status: see res->wait_status);
 * -1 with err set when it could not start (res->spawn_errno), ran longer
 * than timeout_ms or printed more than max_out bytes (then the whole
 * process group is killed and reaped). res is initialised here; free
 * res->out with tt_explicit_bzero + tt_buf_free in any case.
 */
int kube_exec_capture(const char *file, char *const argv[], char *const envp[],
                      long long timeout_ms, size_t max_out, kube_exec_result *res,
                      tt_error *err);

#endif
