/* The kubeconfig fixtures (tests/data/kubeconfig) of the kubeconfig tests
 * (test_kube_config*.c), and the environment each test starts from. */
#include "kubeconfig_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *data_dir(void)
{
    const char *d = getenv("TTSTUI_TEST_DATA");
    return d ? d : "../data";
}

/* Caller frees. */
char *fixture(const char *name)
{
    return tt_asprintf("%s/kubeconfig/%s", data_dir(), name);
}

kube_config *load_fixture(const char *name, tt_error *err)
{
    char *p = fixture(name);
    kube_config *cfg = kube_config_load(p, err);
    free(p);
    return cfg;
}

/* Resolves context (NULL = current) of a fixture; asserts success. */
kube_rest_config *resolve_fixture(const char *name, const char *context, const char *ns)
{
    tt_error err;
    tt_error_clear(&err);
    kube_config *cfg = load_fixture(name, &err);
    if (!cfg)
        fail_msg("%s: %s", name, err.message);
    kube_rest_config *rc = kube_rest_config_resolve(cfg, context, ns, &err);
    if (!rc)
        fail_msg("%s: %s", name, err.message);
    kube_config_free(cfg);
    return rc;
}

/* Resolution must fail; returns the message in err. */
void resolve_fails(const char *name, const char *context, tt_error *err)
{
    tt_error_clear(err);
    kube_config *cfg = load_fixture(name, err);
    assert_non_null(cfg);
    kube_rest_config *rc = kube_rest_config_resolve(cfg, context, NULL, err);
    assert_null(rc);
    assert_int_not_equal(err->code, TT_OK);
    kube_config_free(cfg);
}

void load_fails(const char *name, tt_error *err)
{
    tt_error_clear(err);
    kube_config *cfg = load_fixture(name, err);
    assert_null(cfg);
    assert_int_equal(err->code, TT_EINVAL);
}

void assert_contains(const char *haystack, const char *needle)
{
    if (!haystack || !strstr(haystack, needle))
        fail_msg("expected \"%s\" in \"%s\"", needle, haystack ? haystack : "(null)");
}

static char *saved_home;

int kubeconfig_setup(void **state)
{
    unsetenv("KUBECONFIG");
    unsetenv("KUBERNETES_SERVICE_HOST");
    unsetenv("KUBERNETES_SERVICE_PORT");
    free(saved_home);
    saved_home = tt_strdup(getenv("HOME"));
    return 0;
}

int kubeconfig_teardown(void **state)
{
    unsetenv("KUBECONFIG");
    unsetenv("KUBERNETES_SERVICE_HOST");
    unsetenv("KUBERNETES_SERVICE_PORT");
    if (saved_home)
        setenv("HOME", saved_home, 1);
    free(saved_home);
    saved_home = NULL;
    return 0;
}
