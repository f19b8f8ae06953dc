/* docker-credential-NAME get (fake helpers written as scripts on PATH), and
 * the client's answers that need no registry: bad references, a digest
 * left alone, a registry that refuses the connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>
#include <poll.h>
#include <pthread.h>

#include "registry_client.h"
#include "registry_helper.h"

static char dir[64];
static char *old_path;

static void write_helper(const char *name, const char *body)
{
    char path[256];
    snprintf(path, sizeof path, "%s/docker-credential-%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    chmod(path, 0755);
}

static int setup(void **st)
{
    (void)st;
    strcpy(dir, "/tmp/tt-reghelper-XXXXXX");
    assert_non_null(mkdtemp(dir));
    old_path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    char *p = tt_asprintf("%s:%s", dir, old_path);
    setenv("PATH", p, 1);
    free(p);
    /* Echoes the server it was asked about in the username. */
    write_helper("echo", "read s; printf '{\"ServerURL\":\"%s\",\"Username\":\"u-%s\",\"Secret\":\"pw\"}' \"$s\" \"$s\"");
    write_helper("token", "cat >/dev/null; echo '{\"Username\":\"<token>\",\"Secret\":\"refresh\"}'");
    write_helper("notfound", "cat >/dev/null; echo 'credentials not found in native keychain'; exit 1");
    write_helper("broken", "cat >/dev/null; echo 'keychain locked'; echo 'detail on stderr' >&2; exit 3");
    write_helper("garbage", "cat >/dev/null; echo 'hello'");
    write_helper("hostile", "cat >/dev/null; printf 'bad \\033]0;title\\007 thing\\n'; exit 1");
    write_helper("slow", "exec sleep 30");
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    setenv("PATH", old_path, 1);
    free(old_path);
    char *cmd = tt_asprintf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    return 0;
}

static void helper_basic(void **st)
{
    (void)st;
    registry_cred c;
    tt_error e;
    tt_error_clear(&e);
    assert_int_equal(registry_helper_get("echo", "gcr.io", 5000, &c, &e), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_BASIC);
    assert_string_equal(c.username, "u-gcr.io"); /* the host reached stdin */
    assert_string_equal(c.secret, "pw");
    registry_cred_clear(&c);
}

static void helper_identity_token(void **st)
{
    (void)st;
    registry_cred c;
    tt_error e;
    assert_int_equal(registry_helper_get("token", "h", 5000, &c, &e), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_IDENTITY);
    assert_string_equal(c.secret, "refresh");
    registry_cred_clear(&c);
}

static void helper_not_found_is_anonymous(void **st)
{
    (void)st;
    registry_cred c;
    tt_error e;
    tt_error_clear(&e);
    assert_int_equal(registry_helper_get("notfound", "h", 5000, &c, &e), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_NONE);
}

static void helper_missing(void **st)
{
    (void)st;
    registry_cred c;
    tt_error e;
    assert_int_equal(registry_helper_get("nosuch", "h", 5000, &c, &e), -1);
    assert_non_null(strstr(e.message, "docker-credential-nosuch is not on PATH"));
}

static void helper_fails(void **st)
{
    (void)st;
    registry_cred c;
    tt_error e;
    assert_int_equal(registry_helper_get("broken", "h", 5000, &c, &e), -1);
    assert_non_null(strstr(e.message, "docker-credential-broken get failed (exit status 3)"));
    assert_non_null(strstr(e.message, "keychain locked"));
    assert_non_null(strstr(e.message, "detail on stderr"));
}

static void helper_garbage(void **st)
{
    (void)st;
    registry_cred c;
    tt_error e;
    assert_int_equal(registry_helper_get("garbage", "h", 5000, &c, &e), -1);
    assert_non_null(strstr(e.message, "did not print"));
}

static void helper_hostile_output_cleaned(void **st)
{
    (void)st;
    registry_cred c;
    tt_error e;
    assert_int_equal(registry_helper_get("hostile", "h", 5000, &c, &e), -1);
    assert_null(strchr(e.message, '\033'));
    assert_null(strchr(e.message, '\007'));
    assert_non_null(strstr(e.message, "bad ?]0;title? thing"));
}

static void helper_timeout(void **st)
{
    (void)st;
    registry_cred c;
    tt_error e;
    assert_int_equal(registry_helper_get("slow", "h", 200, &c, &e), -1);
    assert_int_equal(e.code, TT_ETIMEDOUT);
    assert_non_null(strstr(e.message, "did not finish within 200 ms"));
}

static void parse_needs_secret(void **st)
{
    (void)st;
    registry_cred c;
    tt_error e;
    assert_int_equal(registry_helper_parse("{\"Username\":\"u\"}", 16, &c, &e), -1);
    assert_int_equal(registry_helper_parse("[1]", 3, &c, &e), -1);
    const char *ok = "{\"Username\":\"u\",\"Secret\":\"s\"}";
    assert_int_equal(registry_helper_parse(ok, strlen(ok), &c, &e), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_BASIC);
    registry_cred_clear(&c);
    const char *tok = "{\"Username\":\"<token>x\",\"Secret\":\"s\"}"; /* not exactly <token> */
    assert_int_equal(registry_helper_parse(tok, strlen(tok), &c, &e), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_BASIC);
    registry_cred_clear(&c);
}

static void resolve_bad_reference(void **st)
{
    (void)st;
    registry_client *c = registry_client_new(NULL);
    char *out = (char *)1;
    tt_error e;
    assert_int_equal(registry_resolve(c, "Acme/TTS:v1", &out, &e), -1);
    assert_null(out);
    assert_int_equal(e.code, TT_EINVAL);
    assert_non_null(strstr(e.message, "image \"Acme/TTS:v1\""));
    assert_int_equal(registry_resolve(c, "a\033[2J:v1", &out, &e), -1);
    assert_null(strchr(e.message, '\033'));
    assert_int_equal(registry_client_requests(c), 0);
    registry_client_free(c);
}

static void resolve_digest_left_alone(void **st)
{
    (void)st;
    registry_client *c = registry_client_new(NULL);
    const char *img = "unreachable.invalid:1/acme/tts:v1@sha256:"
                      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    char *out = NULL;
    tt_error e;
    assert_int_equal(registry_resolve(c, img, &out, &e), 0);
    assert_string_equal(out, img);
    assert_int_equal(registry_client_requests(c), 0); /* no request at all */
    free(out);
    registry_client_free(c);
}

/* A loopback port nobody listens on. */
static int closed_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t l = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &l);
    close(s);
    return ntohs(a.sin_port);
}

static void resolve_registry_down(void **st)
{
    (void)st;
    registry_client *c = registry_client_new(NULL);
    char img[128];
    snprintf(img, sizeof img, "127.0.0.1:%d/acme/tts:v1", closed_port());
    char *out = NULL;
    tt_error e;
    assert_int_equal(registry_resolve(c, img, &out, &e), -1);
    assert_int_equal(e.code, TT_ENET);
    assert_non_null(strstr(e.message, "cannot reach registry 127.0.0.1:"));
    assert_non_null(strstr(e.message, "acme/tts:v1")); /* names the image */
    registry_client_free(c);
}

static void cancel_before(void **st)
{
    (void)st;
    registry_client *c = registry_client_new(NULL);
    registry_client_cancel(c);
    char *out = NULL;
    tt_error e;
    assert_int_equal(registry_resolve(c, "127.0.0.1:1/acme/tts:v1", &out, &e), -1);
    assert_int_equal(e.code, TT_ECANCELED);
    assert_int_equal(registry_client_requests(c), 0);
    registry_client_free(c);
}

typedef struct {
    int listen_fd;
    registry_client *c;
} canceller;

/* Cancels once the client's connection is waiting on the listener. */
static void *cancel_when_connected(void *arg)
{
    canceller *k = arg;
    struct pollfd p = {k->listen_fd, POLLIN, 0};
    while (poll(&p, 1, -1) < 0)
        ;
    registry_client_cancel(k->c);
    return NULL;
}

static void cancel_in_flight(void **st)
{
    (void)st;
    /* A registry that accepts connections (the kernel does) and never answers. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s, 4), 0);
    socklen_t l = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &l);
    registry_options o = {.timeout_ms = 120000};
    registry_client *c = registry_client_new(&o);
    canceller k = {s, c};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, cancel_when_connected, &k), 0);
    char img[128];
    snprintf(img, sizeof img, "127.0.0.1:%d/acme/tts:v1", ntohs(a.sin_port));
    char *out = NULL;
    tt_error e;
    assert_int_equal(registry_resolve(c, img, &out, &e), -1);
    assert_int_equal(e.code, TT_ECANCELED); /* not the 120 s timeout */
    assert_non_null(strstr(e.message, "cancelled"));
    pthread_join(t, NULL);
    registry_client_free(c);
    close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(helper_basic),
        cmocka_unit_test(helper_identity_token),
        cmocka_unit_test(helper_not_found_is_anonymous),
        cmocka_unit_test(helper_missing),
        cmocka_unit_test(helper_fails),
        cmocka_unit_test(helper_garbage),
        cmocka_unit_test(helper_hostile_output_cleaned),
        cmocka_unit_test(helper_timeout),
        cmocka_unit_test(parse_needs_secret),
        cmocka_unit_test(resolve_bad_reference),
        cmocka_unit_test(resolve_digest_left_alone),
        cmocka_unit_test(resolve_registry_down),
        cmocka_unit_test(cancel_before),
        cmocka_unit_test(cancel_in_flight),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
