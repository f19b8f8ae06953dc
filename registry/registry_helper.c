/* docker-credential-NAME get: see registry_helper.h. */
#include "registry_helper.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tt_text.h"

#define HELPER_OUT_MAX (64u << 10)
#define HELPER_ERR_MAX 4096

extern char **environ;

int registry_helper_parse(const char *out, size_t len, registry_cred *cred, tt_error *err)
{
    memset(cred, 0, sizeof *cred);
    json_t *j = json_loadb(out, len, 0, NULL);
    const char *user = json_string_value(json_object_get(j, "Username"));
    const char *secret = json_string_value(json_object_get(j, "Secret"));
    int rc = -1;
    if (!json_is_object(j) || !secret) {
        tt_error_set(err, TT_EPROTO, "the helper did not print {\"Username\": ..., \"Secret\": ...}");
    } else {
        cred->kind = tt_streq(user, "<token>") ? REGISTRY_CRED_IDENTITY : REGISTRY_CRED_BASIC;
        cred->username = tt_strdup(user ? user : "");
        cred->secret = tt_strdup(secret);
        rc = 0;
    }
    if (json_is_string(json_object_get(j, "Secret")))
        tt_explicit_bzero((char *)secret, strlen(secret));
    json_decref(j);
    return rc;
}

/* The executable file on PATH, or NULL. Caller frees. */
static char *find_on_path(const char *file)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path;; p++) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *cand = n ? tt_asprintf("%.*s/%s", (int)n, p, file) : tt_asprintf("./%s", file);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
            return cand;
        free(cand);
        if (!end)
            return NULL;
        p = end;
    }
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* The last non-empty line of s, cleaned and cut. Caller frees. */
static char *last_line(const char *s, size_t len)
{
    while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' '))
        len--;
    size_t start = len;
    while (start && s[start - 1] != '\n')
        start--;
    size_t n = len - start;
    if (n > 200)
        n = 200;
    char *line = tt_strndup(s + start, n);
    char *out = tt_text_clean(line, 0);
    free(line);
    return out;
}

int registry_helper_get(const char *helper, const char *server, long timeout_ms,
                        registry_cred *cred, tt_error *err)
{
    memset(cred, 0, sizeof *cred);
    char *name = tt_asprintf("docker-credential-%s", helper);
    char *prog = find_on_path(name);
    if (!prog) {
        tt_error_set(err, TT_EIO, "credential helper %s is not on PATH", name);
        free(name);
        return -1;
    }
    int in[2] = {-1, -1}, out[2] = {-1, -1}, errp[2] = {-1, -1};
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
        tt_error_set(err, TT_EIO, "cannot run %s: %s", name, strerror(errno));
        close_fd(&in[0]), close_fd(&in[1]), close_fd(&out[0]), close_fd(&out[1]);
        free(name);
        free(prog);
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &defaults);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
    char *argv[] = {name, "get", NULL};
    pid_t pid;
    int src = posix_spawn(&pid, prog, &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close_fd(&in[0]);
    close_fd(&out[1]);
    close_fd(&errp[1]);
    free(prog);
    if (src != 0) {
        tt_error_set(err, TT_EIO, "cannot run %s: %s", name, strerror(src));
        close_fd(&in[1]), close_fd(&out[0]), close_fd(&errp[0]);
        free(name);
        return -1;
    }
    /* The server name is short: one write fits the pipe. A helper that
     * already exited gives EPIPE, which SIGPIPE must not turn fatal. */
    size_t sl = strlen(server);
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    ssize_t wr = write(in[1], server, sl);
    (void)wr;
    sigaction(SIGPIPE, &old, NULL);
    close_fd(&in[1]);

    tt_buf ob = TT_BUF_INIT, eb = TT_BUF_INIT;
    long long deadline = tt_now_ms() + timeout_ms;
    bool timed_out = false, too_much = false;
    while (out[0] >= 0 || errp[0] >= 0) {
        long long left = deadline - tt_now_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd pf[2] = {{out[0], POLLIN, 0}, {errp[0], POLLIN, 0}};
        int pr = poll(pf, 2, (int)(left > 1000 ? 1000 : left));
        if (pr < 0 && errno != EINTR)
            break;
        for (int i = 0; i < 2 && pr > 0; i++) {
            if (!pf[i].revents)
                continue;
            int *fd = i == 0 ? &out[0] : &errp[0];
            tt_buf *b = i == 0 ? &ob : &eb;
            char chunk[4096];
            ssize_t n = read(*fd, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                close_fd(fd);
                continue;
            }
            tt_buf_append(b, chunk, (size_t)n);
            tt_explicit_bzero(chunk, sizeof chunk);
            if (ob.len > HELPER_OUT_MAX || eb.len > HELPER_ERR_MAX)
                too_much = true;
        }
        if (too_much)
            break;
    }
    close_fd(&out[0]);
    close_fd(&errp[0]);
    int status = 0;
    if (timed_out || too_much) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
    } else {
        /* Both streams closed: the exit follows; bound the wait all the same. */
        while (waitpid(pid, &status, WNOHANG) == 0) {
            if (tt_now_ms() > deadline) {
                timed_out = true;
                kill(-pid, SIGKILL);
                kill(pid, SIGKILL);
                break;
            }
            poll(NULL, 0, 5);
        }
    }
    if (timed_out || too_much)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    int rc = -1;
    if (timed_out) {
        tt_error_set(err, TT_ETIMEDOUT, "%s get did not finish within %ld ms and was stopped", name,
                     timeout_ms);
    } else if (too_much) {
        tt_error_set(err, TT_EPROTO, "%s get printed too much: refused", name);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        /* Helpers print their error on stdout (the protocol), some on stderr. */
        bool json = ob.len && ob.data[0] == '{';
        char *o = json ? tt_strdup("") : last_line(ob.data ? ob.data : "", ob.len);
        char *e = last_line(eb.data ? eb.data : "", eb.len);
        if (strstr(o, "credentials not found")) {
            rc = 0; /* anonymous, as docker */
        } else {
            char how[64];
            if (WIFEXITED(status))
                snprintf(how, sizeof how, "exit status %d", WEXITSTATUS(status));
            else
                snprintf(how, sizeof how, "signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
            tt_error_set(err, TT_EIO, "%s get failed (%s)%s%s%s%s", name, how, o[0] ? ": " : "", o,
                         e[0] ? ": " : "", e);
        }
        free(o);
        free(e);
    } else {
        rc = registry_helper_parse(ob.data ? ob.data : "", ob.len, cred, err);
        if (rc < 0)
            tt_error_prefix(err, "%s get", name);
    }
    tt_explicit_bzero(ob.data, ob.len);
    tt_buf_free(&ob);
    tt_buf_free(&eb);
    free(name);
    return rc;
}
