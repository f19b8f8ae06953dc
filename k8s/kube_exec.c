#include "kube_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

static void keep_tail(tt_buf *b)
{
    if (b->len > 2 * KUBE_EXEC_STDERR_TAIL)
        tt_buf_consume(b, b->len - KUBE_EXEC_STDERR_TAIL);
}

static void kill_and_reap(pid_t pid)
{
    kill(-pid, SIGKILL); /* the group: a script's children go too */
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

/*
 * The program posix_spawn will run: file itself when it names a path,
 * else the first executable PATH entry (as execvp; PATH unset means the
 * usual /usr/local/bin:/usr/bin:/bin). Looked up here rather than left to
 * posix_spawnp because some environments (valgrind, older C libraries)
 * cannot report a failed exec from the child, which then just exits 127:
 * a missing plugin must still say "not found". Caller frees; NULL with
 * *why (ENOENT, EACCES) when there is nothing to run.
 */
static char *resolve(const char *file, int *why)
{
    if (strchr(file, '/')) {
        if (access(file, X_OK) == 0)
            return tt_strdup(file);
        *why = errno == EACCES ? EACCES : ENOENT;
        return NULL;
    }
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    *why = ENOENT;
    for (const char *p = path;; p++) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *cand = n ? tt_asprintf("%.*s/%s", (int)n, p, file) : tt_asprintf("./%s", file);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
            if (access(cand, X_OK) == 0)
                return cand;
            *why = EACCES;
        }
        free(cand);
        if (!end)
            return NULL;
        p = end;
    }
}

static int spawn(const char *file, char *const argv[], char *const envp[], int out_fd,
                 int err_fd, pid_t *pid)
{
    int why = 0;
    char *prog = resolve(file, &why);
    if (!prog)
        return why;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    int sigs[] = {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < TT_ARRAY_LEN(sigs); i++)
        sigaddset(&defaults, sigs[i]);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &defaults);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
    int rc = posix_spawn(pid, prog, &fa, &at, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    free(prog);
    return rc;
}

/* Reads what is there on fd; returns false at EOF or error. */
static bool drain(int fd, tt_buf *b)
{
    char chunk[4096];
    ssize_t n;
    do
        n = read(fd, chunk, sizeof chunk);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return false;
    tt_buf_append(b, chunk, (size_t)n);
    tt_explicit_bzero(chunk, (size_t)n);
    return true;
}

int kube_exec_capture(const char *file, char *const argv[], char *const envp[],
                      long long timeout_ms, size_t max_out, kube_exec_result *res,
                      tt_error *err)
{
    memset(res, 0, sizeof *res);
    int outp[2] = {-1, -1}, errp[2] = {-1, -1};
    if (pipe2(outp, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
        tt_error_set(err, TT_EIO, "cannot create a pipe to run %s: %s", file, strerror(errno));
        close_fd(&outp[0]);
        close_fd(&outp[1]);
        return -1;
    }
    pid_t pid;
    int rc = spawn(file, argv, envp, outp[1], errp[1], &pid);
    close_fd(&outp[1]);
    close_fd(&errp[1]);
    if (rc != 0) {
        res->spawn_errno = rc;
        tt_error_set(err, TT_EIO, "cannot run %s: %s", file, strerror(rc));
        close_fd(&outp[0]);
        close_fd(&errp[0]);
        return -1;
    }
    long long deadline = tt_now_ms() + timeout_ms;
    tt_buf errb = TT_BUF_INIT;
    int status = 0;
    bool reaped = false;
    while (!reaped) {
        long long left = deadline - tt_now_ms();
        if (left <= 0) {
            res->timed_out = true;
            break;
        }
        if (outp[0] < 0 && errp[0] < 0) {
            /* Both streams closed: wait for the exit, still bounded. */
            pid_t w = waitpid(pid, &status, WNOHANG);
            if (w == pid)
                reaped = true;
            else if (w < 0 && errno != EINTR)
                break; /* someone else reaped it: report it lost */
            else
                poll(NULL, 0, left < 10 ? (int)left : 10);
            continue;
        }
        struct pollfd pf[2] = {{outp[0], POLLIN, 0}, {errp[0], POLLIN, 0}};
        int pr = poll(pf, 2, left > 1000 ? 1000 : (int)left);
        if (pr < 0 && errno != EINTR)
            break;
        if (pr <= 0)
            continue;
        if (pf[0].revents && !drain(outp[0], &res->out))
            close_fd(&outp[0]);
        if (pf[1].revents && !drain(errp[0], &errb))
            close_fd(&errp[0]);
        keep_tail(&errb);
        if (res->out.len > max_out) {
            res->too_much_output = true;
            break;
        }
    }
    close_fd(&outp[0]);
    close_fd(&errp[0]);
    if (errb.len) {
        size_t keep = errb.len > KUBE_EXEC_STDERR_TAIL ? KUBE_EXEC_STDERR_TAIL : errb.len;
        const char *from = errb.data + errb.len - keep;
        if (keep < errb.len) { /* cut: start at a line when one starts soon */
            const char *nl = memchr(from, '\n', keep / 2);
            if (nl && (size_t)(nl + 1 - from) < keep) {
                keep -= (size_t)(nl + 1 - from);
                from = nl + 1;
            }
        }
        memcpy(res->err_tail, from, keep);
        res->err_tail[keep] = '\0';
    }
    tt_buf_free(&errb);
    if (!reaped) {
        kill_and_reap(pid);
        if (res->timed_out)
            tt_error_set(err, TT_ETIMEDOUT, "%s did not finish within %lld ms and was stopped",
                         file, timeout_ms);
        else if (res->too_much_output)
            tt_error_set(err, TT_EIO, "%s printed more than %zu bytes and was stopped", file,
                         max_out);
        else
            tt_error_set(err, TT_EIO, "lost track of %s while it ran; it was stopped", file);
        return -1;
    }
    res->wait_status = status;
    return 0;
}
