/* registry_ref_parse: each docker default on its own, and each rejection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "registry_ref.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static registry_ref ok(const char *s)
{
    registry_ref r;
    char why[256] = "";
    bool good = registry_ref_parse(s, &r, why, sizeof why);
    if (!good)
        print_error("unexpected rejection of %s: %s\n", s, why);
    assert_true(good);
    return r;
}

static void bad(const char *s, const char *why_part)
{
    registry_ref r;
    char why[256] = "";
    assert_false(registry_ref_parse(s, &r, why, sizeof why));
    assert_non_null(strstr(why, why_part));
}

static void default_host_and_library(void **st)
{
    (void)st;
    registry_ref r = ok("nginx:1.25");
    assert_string_equal(r.host, "docker.io");
    assert_string_equal(r.path, "library/nginx");
    assert_string_equal(r.tag, "1.25");
    assert_string_equal(registry_ref_api_host(&r), "registry-1.docker.io");
}

static void default_tag_only(void **st)
{
    (void)st;
    registry_ref r = ok("docker.io/acme/tts");
    assert_string_equal(r.path, "acme/tts"); /* two components: no library/ */
    assert_string_equal(r.tag, "latest");
    assert_string_equal(r.digest, "");
}

static void library_only_on_docker_io(void **st)
{
    (void)st;
    registry_ref r = ok("quay.io/tts");
    assert_string_equal(r.host, "quay.io");
    assert_string_equal(r.path, "tts");
    assert_string_equal(registry_ref_api_host(&r), "quay.io");
}

static void index_docker_io_is_docker_io(void **st)
{
    (void)st;
    registry_ref r = ok("index.docker.io/nginx");
    assert_string_equal(r.host, "docker.io");
    assert_string_equal(r.path, "library/nginx");
}

static void host_with_port_and_nested_path(void **st)
{
    (void)st;
    registry_ref r = ok("127.0.0.1:5000/a/b/c:v12");
    assert_string_equal(r.host, "127.0.0.1:5000");
    assert_string_equal(r.path, "a/b/c");
    assert_string_equal(r.tag, "v12");
    r = ok("localhost/tts");
    assert_string_equal(r.host, "localhost");
    assert_string_equal(r.path, "tts");
    r = ok("localhost:5000/tts"); /* port without tag: ':' before the '/' */
    assert_string_equal(r.host, "localhost:5000");
    assert_string_equal(r.tag, "latest");
    r = ok("europe-docker.pkg.dev/p/r/img:1");
    assert_string_equal(r.host, "europe-docker.pkg.dev");
    assert_string_equal(r.path, "p/r/img");
}

static void first_component_without_dot_is_a_path(void **st)
{
    (void)st;
    registry_ref r = ok("localhostx/tts"); /* prefix of "localhost"-ish name */
    assert_string_equal(r.host, "docker.io");
    assert_string_equal(r.path, "localhostx/tts");
}

static void digest_left_alone(void **st)
{
    (void)st;
    registry_ref r = ok("ghcr.io/acme/tts@sha256:" D64);
    assert_string_equal(r.digest, "sha256:" D64);
    assert_string_equal(r.tag, ""); /* no default tag with a digest */
    r = ok("ghcr.io/acme/tts:v1@sha256:" D64);
    assert_string_equal(r.tag, "v1");
    assert_string_equal(r.digest, "sha256:" D64);
}

static void rejections(void **st)
{
    (void)st;
    bad("", "empty");
    bad("Nginx", "lowercase");
    bad("acme//tts", "lowercase");
    bad("acme/tts/", "ends with");
    bad("acme/-tts", "lowercase");
    bad("acme/tts:", "tag");
    bad("acme/tts:-x", "tag");
    bad("acme/tts@sha256:abc", "digest");
    bad("acme/tts@sha256:" D64 "0", "digest");
    bad("acme/tts@md5:" D64, "digest");
    bad("acme/tts@sha256:" "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "digest");
    bad("acme/t ts", "space");
    bad("acme/tts\x1b[2J", "control");
    bad("ex.com:port/tts", "host");
    bad("ex.com:123456/tts", "host");
    bad("-ex.com/tts", "host");
    bad("ex..com/tts", "host");
    bad("ex.com/", "no repository");
    bad(":tag", "no repository");
    bad("a__-b/c", "lowercase");
    char longtag[200] = "acme/tts:";
    memset(longtag + 9, 'a', 129);
    bad(longtag, "tag");
}

static void separators_accepted(void **st)
{
    (void)st;
    registry_ref r = ok("a.b/c_d/e__f/g--h/i.j:T_1.x-y");
    assert_string_equal(r.path, "c_d/e__f/g--h/i.j");
    assert_string_equal(r.tag, "T_1.x-y");
}

static void loopback(void **st)
{
    (void)st;
    assert_true(registry_host_is_loopback("127.0.0.1:5000"));
    assert_true(registry_host_is_loopback("127.9.8.7"));
    assert_true(registry_host_is_loopback("localhost:80"));
    assert_true(registry_host_is_loopback("[::1]:5000"));
    assert_false(registry_host_is_loopback("128.0.0.1"));
    assert_false(registry_host_is_loopback("127.0.0.1.evil.com"));
    assert_false(registry_host_is_loopback("localhost.evil.com"));
    assert_false(registry_host_is_loopback("[::2]"));
}

static void repo_string(void **st)
{
    (void)st;
    registry_ref r = ok("nginx");
    char buf[64];
    assert_string_equal(registry_ref_repo(&r, buf, sizeof buf), "docker.io/library/nginx");
    char small[8];
    assert_null(registry_ref_repo(&r, small, sizeof small));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_host_and_library),
        cmocka_unit_test(default_tag_only),
        cmocka_unit_test(library_only_on_docker_io),
        cmocka_unit_test(index_docker_io_is_docker_io),
        cmocka_unit_test(host_with_port_and_nested_path),
        cmocka_unit_test(first_component_without_dot_is_a_path),
        cmocka_unit_test(digest_left_alone),
        cmocka_unit_test(rejections),
        cmocka_unit_test(separators_accepted),
        cmocka_unit_test(loopback),
        cmocka_unit_test(repo_string),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
