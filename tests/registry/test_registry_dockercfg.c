/* registry_dockercfg_lookup: docker's order (credHelpers, credsStore, auths), key forms, bad entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "registry_dockercfg.h"

static registry_cred c;
static tt_error err;

static int look(const char *json, const char *host)
{
    registry_cred_clear(&c);
    tt_error_clear(&err);
    return registry_dockercfg_lookup(json, host, &c, &err);
}

/* "alice:s3cr:et" */
#define AUTH "YWxpY2U6czNjcjpldA=="

static void auths_basic(void **st)
{
    (void)st;
    assert_int_equal(look("{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" AUTH "\"}}}", "127.0.0.1:5000"), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_BASIC);
    assert_string_equal(c.username, "alice");
    assert_string_equal(c.secret, "s3cr:et"); /* split at the first ':' only */
}

static void auths_key_forms(void **st)
{
    (void)st;
    assert_int_equal(look("{\"auths\":{\"https://ghcr.io\":{\"auth\":\"" AUTH "\"}}}", "ghcr.io"), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_BASIC);
    assert_int_equal(look("{\"auths\":{\"http://ghcr.io/v2/\":{\"auth\":\"" AUTH "\"}}}", "ghcr.io"), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_BASIC);
    assert_int_equal(look("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" AUTH "\"}}}", "docker.io"), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_BASIC);
    /* A prefix or a longer host is another registry. */
    assert_int_equal(look("{\"auths\":{\"ghcr.io.evil\":{\"auth\":\"" AUTH "\"}}}", "ghcr.io"), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_NONE);
    assert_int_equal(look("{\"auths\":{\"ghcr\":{\"auth\":\"" AUTH "\"}}}", "ghcr.io"), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_NONE);
    /* Another port is another registry. */
    assert_int_equal(look("{\"auths\":{\"127.0.0.1:5001\":{\"auth\":\"" AUTH "\"}}}", "127.0.0.1:5000"), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_NONE);
}

static void identity_token(void **st)
{
    (void)st;
    assert_int_equal(look("{\"auths\":{\"r.io\":{\"auth\":\"" AUTH "\",\"identitytoken\":\"rt\"}}}", "r.io"), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_IDENTITY); /* wins over auth */
    assert_string_equal(c.secret, "rt");
}

static void helpers_order(void **st)
{
    (void)st;
    const char *cfg = "{\"auths\":{\"gcr.io\":{\"auth\":\"" AUTH "\"}},"
                      "\"credHelpers\":{\"gcr.io\":\"gcloud\"},\"credsStore\":\"desktop\"}";
    assert_int_equal(look(cfg, "gcr.io"), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_HELPER);
    assert_string_equal(c.helper, "gcloud");
    /* No credHelpers entry: credsStore wins over auths. */
    assert_int_equal(look(cfg, "r.io"), 0);
    assert_string_equal(c.helper, "desktop");
    assert_int_equal(look("{\"auths\":{\"r.io\":{\"auth\":\"" AUTH "\"}},\"credsStore\":\"desktop\"}", "r.io"), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_HELPER);
    /* Empty credsStore is no store. */
    assert_int_equal(look("{\"auths\":{\"r.io\":{\"auth\":\"" AUTH "\"}},\"credsStore\":\"\"}", "r.io"), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_BASIC);
}

static void anonymous(void **st)
{
    (void)st;
    assert_int_equal(look("{}", "r.io"), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_NONE);
    assert_int_equal(look("{\"auths\":{\"r.io\":{}}}", "r.io"), 0);
    assert_int_equal(c.kind, REGISTRY_CRED_NONE);
}

static void malformed(void **st)
{
    (void)st;
    assert_int_equal(look("[]", "r.io"), -1);
    assert_non_null(strstr(err.message, "not a JSON object"));
    assert_int_equal(look("{", "r.io"), -1);
    /* "not base64" and "nocolon" (base64 bW9jb2xvbg== = "nocolon"). */
    assert_int_equal(look("{\"auths\":{\"r.io\":{\"auth\":\"%%%\"}}}", "r.io"), -1);
    assert_non_null(strstr(err.message, "r.io"));
    assert_null(strstr(err.message, "%%%")); /* the secret is not echoed */
    assert_int_equal(look("{\"auths\":{\"r.io\":{\"auth\":\"bm9jb2xvbg==\"}}}", "r.io"), -1);
    assert_null(strstr(err.message, "nocolon"));
    assert_int_equal(c.kind, REGISTRY_CRED_NONE);
    /* ":pw" has no user. */
    assert_int_equal(look("{\"auths\":{\"r.io\":{\"auth\":\"OnB3\"}}}", "r.io"), -1);
    assert_int_equal(look("{\"auths\":{\"r.io\":\"x\"}}", "r.io"), -1);
    /* Helper names are run as programs: no paths, no spaces. */
    assert_int_equal(look("{\"credHelpers\":{\"r.io\":\"../../bin/sh\"}}", "r.io"), -1);
    assert_int_equal(look("{\"credsStore\":\"a b\"}", "r.io"), -1);
    assert_int_equal(look("{\"credsStore\":7}", "r.io"), -1);
    assert_null(c.helper);
}

static int teardown(void **st)
{
    (void)st;
    registry_cred_clear(&c);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(auths_basic),    cmocka_unit_test(auths_key_forms),
        cmocka_unit_test(identity_token), cmocka_unit_test(helpers_order),
        cmocka_unit_test(anonymous),      cmocka_unit_test(malformed),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
