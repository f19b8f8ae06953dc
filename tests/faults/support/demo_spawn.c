#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "demo_spawn.h"
#include "tt_common.h"

extern char **environ;

static char *demo_bin(void)
{
    const char *bin = getenv("TTSTUI_DEMO_BIN");
    if (bin && *bin)
        return tt_strdup(bin);
    const char *build = getenv("TTSTUI_BUILD_DIR");
    return build ? tt_asprintf("%s/ttstui-demo-cluster", build) : NULL;
}

/* The port of "listening on http(s)://HOST:PORT" in text, 0 when absent. */
static int listening_port(const char *text)
{
    const char *at = text ? strstr(text, "listening on ") : NULL;
    if (!at)
        return 0;
    const char *end = strchr(at, '\n');
    if (!end)
        return 0; /* not the whole line yet */
    const char *colon = NULL;
    for (const char *p = at; p < end; p++)
        if (*p == ':')
            colon = p;
    return colon ? atoi(colon + 1) : 0;
}

pid_t demo_spawn(const char *listen, const char *kubeconfig, const char *const *flags,
                 const char *out, const char *err, long wait_ms, int *port)
{
    char *bin = demo_bin();
    if (!bin) {
        print_error("TTSTUI_DEMO_BIN or TTSTUI_BUILD_DIR must be set\n");
        return -1;
    }
    const char *argv[40];
    int n = 0;
    argv[n++] = bin;
    argv[n++] = "--listen";
    argv[n++] = listen;
    argv[n++] = "--kubeconfig-out";
    argv[n++] = kubeconfig;
    for (; flags && *flags && n < 39; flags++)
        argv[n++] = *flags;
    argv[n] = NULL;
    unlink(kubeconfig);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (err)
        posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err, O_WRONLY | O_CREAT | O_TRUNC,
                                         0600);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, bin, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        print_error("cannot start %s: %s\n", bin, strerror(rc));
        free(bin);
        return -1;
    }
    free(bin);
    long long end = tt_now_ms() + wait_ms;
    while (tt_now_ms() < end) {
        size_t len = 0;
        tt_error rerr;
        char *text = tt_read_file(out, &len, 4096, &rerr);
        int p = listening_port(text);
        free(text);
        struct stat st;
        if (p > 0 && stat(kubeconfig, &st) == 0 && st.st_size > 0) {
            if (port)
                *port = p;
            return pid;
        }
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            print_error("the demo cluster exited at start (--listen %s)\n", listen);
            return -1;
        }
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    print_error("the demo cluster did not start within %ld ms\n", wait_ms);
    demo_reap(pid);
    return -1;
}

void demo_reap(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    int status;
    waitpid(pid, &status, 0);
}
