/*
 * TLS: the kubeconfig CA (from memory) is the only trust anchor, a wrong
 * CA or host name fails with an explanation, tls-server-name verifies
 * against another name than the URL's host, insecure-skip-tls-verify
 * skips verification, and bearer tokens go over https only.
 * Certificates: tests/data/k8s/tls (see its README).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube_client.h"

static char *auth_seen; /* the last Authorization header, or "" */

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    free(auth_seen);
    auth_seen = tt_strdup(auth ? auth : "");
    const char *body = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}";
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
                                                             MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static char *data_file(const char *name, size_t *len)
{
    const char *dir = getenv("TTSTUI_TEST_DATA");
    char *path = tt_asprintf("%s/k8s/tls/%s", dir ? dir : "../data", name);
    tt_error err;
    char *text = tt_read_file(path, len, 0, &err);
    if (!text)
        fail_msg("%s", err.message);
    free(path);
    return text;
}

typedef struct server {
    struct MHD_Daemon *d;
    char *cert, *key;
    char url[64];
} server;

static void start(server *s, const char *cert, const char *key)
{
    s->cert = cert ? data_file(cert, NULL) : NULL;
    s->key = key ? data_file(key, NULL) : NULL;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (cert)
        s->d = MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, handle, NULL,
                                MHD_OPTION_HTTPS_MEM_CERT, s->cert, MHD_OPTION_HTTPS_MEM_KEY,
                                s->key, MHD_OPTION_END);
    else
        s->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, NULL, MHD_OPTION_END);
    assert_non_null(s->d);
    unsigned port = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT)->port;
    snprintf(s->url, sizeof s->url, "%s://127.0.0.1:%u", cert ? "https" : "http", port);
}

static void stop(server *s)
{
    MHD_stop_daemon(s->d);
    free(s->cert);
    free(s->key);
    free(auth_seen);
    auth_seen = NULL;
}

/* GET a pod through a client for `url` trusting ca (file name or NULL). */
static json_t *fetch(const char *url, const char *ca, const char *tls_server_name,
                     bool insecure, tt_error *err)
{
    kube_rest_config rc = {0};
    rc.context_name = (char *)"tls-ctx";
    rc.namespace_ = (char *)"n";
    rc.server = (char *)url;
    rc.token = (char *)"tok-123";
    rc.tls_server_name = (char *)tls_server_name;
    rc.insecure_skip_tls_verify = insecure;
    if (ca)
        rc.ca_pem = data_file(ca, &rc.ca_pem_len);
    kube_client *c = kube_client_new(&rc, err);
    assert_non_null(c);
    json_t *pod = kube_get(c, &KUBE_GVR_PODS, NULL, "p", err);
    kube_client_free(c);
    free(rc.ca_pem);
    return pod;
}

static void kubeconfig_ca_verifies_the_server_and_the_token_is_sent(void **state)
{
    (void)state;
    server s;
    start(&s, "server-ip.crt", "server-ip.key");
    tt_error err;
    json_t *pod = fetch(s.url, "ca.crt", NULL, false, &err);
    if (!pod)
        fail_msg("%s", err.message);
    assert_string_equal(auth_seen, "Bearer tok-123");
    json_decref(pod);
    stop(&s);
}

static void wrong_ca_fails_and_says_the_ca_does_not_match(void **state)
{
    (void)state;
    server s;
    start(&s, "server-ip.crt", "server-ip.key");
    tt_error err;
    assert_null(fetch(s.url, "other-ca.crt", NULL, false, &err));
    assert_int_equal(err.code, TT_ENET);
    assert_non_null(strstr(err.message, s.url));
    assert_non_null(strstr(err.message, "could not be verified"));
    assert_non_null(strstr(err.message, "the CA in the kubeconfig"));
    assert_null(strstr(err.message, "tok-123"));
    stop(&s);
}

static void certificate_for_another_name_fails_without_tls_server_name(void **state)
{
    (void)state;
    server s;
    start(&s, "server.crt", "server.key"); /* SAN: kubernetes.test only */
    tt_error err;
    assert_null(fetch(s.url, "ca.crt", NULL, false, &err));
    assert_int_equal(err.code, TT_ENET);
    assert_non_null(strstr(err.message, "tls-server-name"));
    stop(&s);
}

static void tls_server_name_verifies_against_that_name(void **state)
{
    (void)state;
    server s;
    start(&s, "server.crt", "server.key");
    tt_error err;
    json_t *pod = fetch(s.url, "ca.crt", "kubernetes.test", false, &err);
    if (!pod)
        fail_msg("%s", err.message);
    json_decref(pod);
    stop(&s);
}

static void insecure_skip_tls_verify_accepts_any_certificate(void **state)
{
    (void)state;
    server s;
    start(&s, "server.crt", "server.key");
    tt_error err;
    json_t *pod = fetch(s.url, "other-ca.crt", NULL, true, &err);
    if (!pod)
        fail_msg("%s", err.message);
    json_decref(pod);
    stop(&s);
}

static void token_is_not_sent_over_plain_http(void **state)
{
    (void)state;
    server s;
    start(&s, NULL, NULL);
    tt_error err;
    json_t *pod = fetch(s.url, NULL, NULL, false, &err);
    if (!pod)
        fail_msg("%s", err.message);
    assert_string_equal(auth_seen, "");
    json_decref(pod);
    stop(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kubeconfig_ca_verifies_the_server_and_the_token_is_sent),
        cmocka_unit_test(wrong_ca_fails_and_says_the_ca_does_not_match),
        cmocka_unit_test(certificate_for_another_name_fails_without_tls_server_name),
        cmocka_unit_test(tls_server_name_verifies_against_that_name),
        cmocka_unit_test(insecure_skip_tls_verify_accepts_any_certificate),
        cmocka_unit_test(token_is_not_sent_over_plain_http),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
