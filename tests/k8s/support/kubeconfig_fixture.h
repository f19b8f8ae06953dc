/* The kubeconfig fixtures (tests/data/kubeconfig) of the kubeconfig tests
 * (test_kube_config*.c). */
#ifndef TEST_K8S_KUBECONFIG_FIXTURE_H
#define TEST_K8S_KUBECONFIG_FIXTURE_H

#include "kube_config.h"

/* $TTSTUI_TEST_DATA, else ../data. */
const char *data_dir(void);
/* The path of a kubeconfig fixture. Caller frees. */
char *fixture(const char *name);
kube_config *load_fixture(const char *name, tt_error *err);
/* Resolves context (NULL = current) of a fixture; asserts success. */
kube_rest_config *resolve_fixture(const char *name, const char *context, const char *ns);
/* Resolution must fail; returns the message in err. */
void resolve_fails(const char *name, const char *context, tt_error *err);
/* Loading must fail with TT_EINVAL; the message in err. */
void load_fails(const char *name, tt_error *err);
void assert_contains(const char *haystack, const char *needle);
/* cmocka: KUBECONFIG, KUBERNETES_SERVICE_HOST and _PORT unset, HOME put
 * back after the test. */
int kubeconfig_setup(void **state);
int kubeconfig_teardown(void **state);

#endif
