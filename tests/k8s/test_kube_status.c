/* Non-2xx answers and transport failures become tt_errors a person can act on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "kube_status.h"

static const kube_status_ctx ctx = {
    .url = "https://k.example:6443/apis/serving.knative.dev/v1/namespaces/tts/services/tts",
    .server = "https://k.example:6443",
    .context = "gke_proj_zone_prod",
    .user = "gke_proj_zone_prod",
};

static tt_error decode(long code, const char *ctype, const char *body)
{
    tt_error err;
    tt_error_clear(&err);
    kube_status_decode(code, ctype, body, body ? strlen(body) : 0, &ctx, &err);
    return err;
}

static void not_found_keeps_the_server_sentence(void **state)
{
    (void)state;
    tt_error err = decode(404, "application/json",
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        "\"message\":\"services.serving.knative.dev \\\"tts\\\" not found\",\"reason\":\"NotFound\","
        "\"details\":{\"name\":\"tts\",\"group\":\"serving.knative.dev\",\"kind\":\"services\"},"
        "\"code\":404}");
    assert_int_equal(err.code, 404);
    assert_string_equal(err.reason, "NotFound");
    assert_string_equal(err.message, "services.serving.knative.dev \"tts\" not found");
}

static void already_exists_is_409_with_its_reason(void **state)
{
    (void)state;
    tt_error err = decode(409, "application/json",
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"revisions.serving.knative.dev "
        "\\\"tts-00001\\\" already exists\",\"reason\":\"AlreadyExists\",\"details\":{\"name\":"
        "\"tts-00001\",\"group\":\"serving.knative.dev\",\"kind\":\"revisions\"},\"code\":409}");
    assert_int_equal(err.code, 409);
    assert_string_equal(err.reason, "AlreadyExists");
    assert_string_equal(err.message, "revisions.serving.knative.dev \"tts-00001\" already exists");
}

static void update_conflict_keeps_the_retry_advice(void **state)
{
    (void)state;
    tt_error err = decode(409, "application/json",
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"Operation cannot be fulfilled on "
        "services.serving.knative.dev \\\"tts\\\": the object has been modified; please apply your "
        "changes to the latest version and try again\",\"reason\":\"Conflict\",\"code\":409}");
    assert_int_equal(err.code, 409);
    assert_string_equal(err.reason, "Conflict");
    assert_non_null(strstr(err.message, "the object has been modified"));
    assert_null(strstr(err.message, "force"));
}

static void apply_conflict_lists_fields_and_managers_and_hints_at_force(void **state)
{
    (void)state;
    tt_error err = decode(409, "application/json",
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"Apply failed with 1 conflict: "
        "conflict with \\\"kubectl\\\" using serving.knative.dev/v1: .spec.traffic\","
        "\"reason\":\"Conflict\",\"details\":{\"causes\":[{\"reason\":\"FieldManagerConflict\","
        "\"message\":\"conflict with \\\"kubectl\\\" using serving.knative.dev/v1\",\"field\":"
        "\".spec.traffic\"}]},\"code\":409}");
    assert_int_equal(err.code, 409);
    assert_string_equal(err.reason, "Conflict");
    assert_true(tt_str_has_prefix(err.message,
                                  "Apply failed with 1 conflict: conflict with \"kubectl\""));
    assert_non_null(strstr(err.message, ".spec.traffic"));
    assert_non_null(strstr(err.message, "force"));
}

/* The conflict message already lists each field under its manager: the
 * causes are not appended a second time. */
static void apply_conflict_fields_are_not_repeated_from_causes(void **state)
{
    (void)state;
    tt_error err = decode(409, "application/json",
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"Apply failed with 2 conflicts: "
        "conflicts with \\\"kubectl\\\" using serving.knative.dev/v1:\\n- .spec.traffic\\n- "
        ".spec.template.spec.containers\",\"reason\":\"Conflict\",\"details\":{\"causes\":["
        "{\"reason\":\"FieldManagerConflict\",\"message\":\"conflict with \\\"kubectl\\\" using "
        "serving.knative.dev/v1\",\"field\":\".spec.traffic\"},{\"reason\":\"FieldManagerConflict\","
        "\"message\":\"conflict with \\\"kubectl\\\" using serving.knative.dev/v1\",\"field\":"
        "\".spec.template.spec.containers\"}]},\"code\":409}");
    assert_int_equal(err.code, 409);
    const char *first = strstr(err.message, ".spec.traffic");
    assert_non_null(first);
    assert_null(strstr(first + 1, ".spec.traffic"));
    first = strstr(err.message, ".spec.template.spec.containers");
    assert_non_null(first);
    assert_null(strstr(first + 1, ".spec.template.spec.containers"));
    assert_non_null(strstr(err.message, "force"));
}

static void invalid_lists_each_cause_missing_from_the_message(void **state)
{
    (void)state;
    tt_error err = decode(422, "application/json",
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"Service.serving.knative.dev "
        "\\\"tts\\\" is invalid\",\"reason\":\"Invalid\",\"details\":{\"name\":\"tts\",\"group\":"
        "\"serving.knative.dev\",\"kind\":\"Service\",\"causes\":["
        "{\"reason\":\"FieldValueInvalid\",\"message\":\"must have prefix \\\"tts-\\\"\",\"field\":"
        "\"spec.template.metadata.name\"},"
        "{\"reason\":\"FieldValueRequired\",\"message\":\"Required value\",\"field\":"
        "\"spec.template.spec.containers[0].image\"}]},\"code\":422}");
    assert_int_equal(err.code, 422);
    assert_string_equal(err.reason, "Invalid");
    assert_string_equal(err.message,
                        "Service.serving.knative.dev \"tts\" is invalid; "
                        "spec.template.metadata.name: must have prefix \"tts-\"; "
                        "spec.template.spec.containers[0].image: Required value");
}

static void invalid_does_not_repeat_causes_the_message_already_has(void **state)
{
    (void)state;
    const char *msg = "Service.serving.knative.dev \\\"tts\\\" is invalid: "
                      "spec.traffic: Invalid value: 90: traffic must sum to 100";
    char body[1024];
    snprintf(body, sizeof body,
             "{\"kind\":\"Status\",\"message\":\"%s\",\"reason\":\"Invalid\",\"details\":"
             "{\"causes\":[{\"field\":\"spec.traffic\",\"message\":\"Invalid value: 90: traffic "
             "must sum to 100\"}]},\"code\":422}", msg);
    tt_error err = decode(422, "application/json", body);
    assert_string_equal(err.message, "Service.serving.knative.dev \"tts\" is invalid: "
                                     "spec.traffic: Invalid value: 90: traffic must sum to 100");
}

static void forbidden_keeps_user_resource_group_and_namespace(void **state)
{
    (void)state;
    tt_error err = decode(403, "application/json",
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"services.serving.knative.dev is "
        "forbidden: User \\\"u\\\" cannot list resource \\\"services\\\" in API group "
        "\\\"serving.knative.dev\\\" in the namespace \\\"n\\\"\",\"reason\":\"Forbidden\","
        "\"details\":{\"group\":\"serving.knative.dev\",\"kind\":\"services\"},\"code\":403}");
    assert_int_equal(err.code, 403);
    assert_string_equal(err.reason, "Forbidden");
    assert_string_equal(err.message,
                        "services.serving.knative.dev is forbidden: User \"u\" cannot list "
                        "resource \"services\" in API group \"serving.knative.dev\" in the "
                        "namespace \"n\"");
}

static void unauthorized_names_user_and_context_and_how_to_log_in(void **state)
{
    (void)state;
    tt_error err = decode(401, "application/json",
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"Unauthorized\","
        "\"reason\":\"Unauthorized\",\"code\":401}");
    assert_int_equal(err.code, 401);
    assert_string_equal(err.reason, "Unauthorized");
    assert_true(tt_str_has_prefix(err.message, "unauthorized: the server at "
                                  "https://k.example:6443 rejected the credentials for user "
                                  "gke_proj_zone_prod (context gke_proj_zone_prod)"));
    assert_non_null(strstr(err.message, "log in again"));
}

static void unauthorized_without_status_body_is_still_explained(void **state)
{
    (void)state;
    tt_error err = decode(401, "text/plain", "Unauthorized\n");
    assert_int_equal(err.code, 401);
    assert_string_equal(err.reason, "Unauthorized");
    assert_non_null(strstr(err.message, "rejected the credentials for user gke_proj_zone_prod"));
}

static void webhook_denial_keeps_the_webhook_message(void **state)
{
    (void)state;
    tt_error err = decode(400, "application/json",
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"admission webhook "
        "\\\"validation.webhook.serving.knative.dev\\\" denied the request: validation failed: "
        "Saw the following changes without a name change (-old +new): "
        "spec.template.metadata.name\",\"reason\":\"BadRequest\",\"code\":400}");
    assert_int_equal(err.code, 400);
    assert_string_equal(err.reason, "BadRequest");
    assert_true(tt_str_has_prefix(err.message, "admission webhook "
                                  "\"validation.webhook.serving.knative.dev\" denied the request"));
}

static void html_body_is_reported_as_non_kubernetes_with_a_snippet(void **state)
{
    (void)state;
    tt_error err = decode(502, "text/html",
                          "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n"
                          "<center><h1>502 Bad Gateway</h1></center>\n</body>\n</html>\n");
    assert_int_equal(err.code, 502);
    assert_string_equal(err.reason, "");
    const char *want = "server at https://k.example:6443/apis/serving.knative.dev/v1/namespaces/"
                       "tts/services/tts answered 502 with a non-Kubernetes response "
                       "(text/html): ";
    assert_true(tt_str_has_prefix(err.message, want));
    const char *snippet = err.message + strlen(want);
    assert_true(tt_str_has_prefix(snippet, "<html> <head><title>502 Bad Gateway</title></head> "
                                           "<body> <center><h1>502 Bad Gateway</h1>"));
    assert_true(strlen(snippet) <= 100);
    assert_null(strchr(snippet, '\n'));
    assert_int_not_equal(snippet[strlen(snippet) - 1], ' ');
}

static void truncated_json_is_reported_as_non_kubernetes(void **state)
{
    (void)state;
    tt_error err = decode(500, "application/json", "{\"kind\":\"Status\",\"message\":\"etcd");
    assert_int_equal(err.code, 500);
    assert_non_null(strstr(err.message, "answered 500 with a non-Kubernetes response "
                                        "(application/json): {\"kind\":\"Status\",\"message\":\"etcd"));
}

static void empty_body_says_so(void **state)
{
    (void)state;
    tt_error err = decode(503, NULL, NULL);
    assert_int_equal(err.code, 503);
    assert_non_null(strstr(err.message, "answered 503 with an empty body"));
}

static void status_without_message_names_code_and_reason(void **state)
{
    (void)state;
    tt_error err = decode(500, "application/json",
                          "{\"kind\":\"Status\",\"reason\":\"InternalError\",\"code\":500}");
    assert_int_equal(err.code, 500);
    assert_string_equal(err.reason, "InternalError");
    assert_non_null(strstr(err.message, "answered 500 InternalError"));
}

static void watch_error_object_gives_410_expired(void **state)
{
    (void)state;
    json_t *st = json_loads("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                            "\"status\":\"Failure\",\"message\":\"too old resource version: 5 (9)\","
                            "\"reason\":\"Expired\",\"code\":410}", 0, NULL);
    tt_error err;
    kube_status_from_object(st, &ctx, &err);
    assert_int_equal(err.code, 410);
    assert_string_equal(err.reason, "Expired");
    assert_string_equal(err.message, "too old resource version: 5 (9)");
    json_decref(st);
}

static void watch_error_object_that_is_not_a_status_is_a_protocol_error(void **state)
{
    (void)state;
    json_t *st = json_loads("{\"kind\":\"Pod\"}", 0, NULL);
    tt_error err;
    kube_status_from_object(st, &ctx, &err);
    assert_int_equal(err.code, TT_EPROTO);
    assert_non_null(strstr(err.message, "not a Status"));
    json_decref(st);
}

static void transport_refused_names_the_server(void **state)
{
    (void)state;
    tt_error err;
    kube_status_transport_error(CURLE_COULDNT_CONNECT,
                                "Failed to connect to k.example port 6443: Connection refused",
                                &ctx, 30000, &err);
    assert_int_equal(err.code, TT_ENET);
    assert_non_null(strstr(err.message, "cannot connect to the Kubernetes API server at "
                                        "https://k.example:6443"));
    assert_non_null(strstr(err.message, "Connection refused"));
}

static void transport_tls_verify_failure_points_at_the_ca(void **state)
{
    (void)state;
    tt_error err;
    kube_status_transport_error(CURLE_PEER_FAILED_VERIFICATION, "", &ctx, 30000, &err);
    assert_int_equal(err.code, TT_ENET);
    assert_non_null(strstr(err.message, "could not be verified"));
    assert_non_null(strstr(err.message, "the CA in the kubeconfig"));
}

static void transport_timeout_says_how_long_it_waited(void **state)
{
    (void)state;
    tt_error err;
    kube_status_transport_error(CURLE_OPERATION_TIMEDOUT, "Operation timed out", &ctx, 30000,
                                &err);
    assert_int_equal(err.code, TT_ETIMEDOUT);
    assert_non_null(strstr(err.message, "did not answer within 30 s"));
}

static void transport_dns_failure_mentions_dns(void **state)
{
    (void)state;
    tt_error err;
    kube_status_transport_error(CURLE_COULDNT_RESOLVE_HOST, "Could not resolve host: k.example",
                                &ctx, 30000, &err);
    assert_int_equal(err.code, TT_ENET);
    assert_non_null(strstr(err.message, "DNS lookup failed"));
}

static void transport_cancel_is_ecanceled(void **state)
{
    (void)state;
    tt_error err;
    kube_status_transport_error(CURLE_ABORTED_BY_CALLBACK, "", &ctx, 0, &err);
    assert_int_equal(err.code, TT_ECANCELED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(not_found_keeps_the_server_sentence),
        cmocka_unit_test(already_exists_is_409_with_its_reason),
        cmocka_unit_test(update_conflict_keeps_the_retry_advice),
        cmocka_unit_test(apply_conflict_lists_fields_and_managers_and_hints_at_force),
        cmocka_unit_test(apply_conflict_fields_are_not_repeated_from_causes),
        cmocka_unit_test(invalid_lists_each_cause_missing_from_the_message),
        cmocka_unit_test(invalid_does_not_repeat_causes_the_message_already_has),
        cmocka_unit_test(forbidden_keeps_user_resource_group_and_namespace),
        cmocka_unit_test(unauthorized_names_user_and_context_and_how_to_log_in),
        cmocka_unit_test(unauthorized_without_status_body_is_still_explained),
        cmocka_unit_test(webhook_denial_keeps_the_webhook_message),
        cmocka_unit_test(html_body_is_reported_as_non_kubernetes_with_a_snippet),
        cmocka_unit_test(truncated_json_is_reported_as_non_kubernetes),
        cmocka_unit_test(empty_body_says_so),
        cmocka_unit_test(status_without_message_names_code_and_reason),
        cmocka_unit_test(watch_error_object_gives_410_expired),
        cmocka_unit_test(watch_error_object_that_is_not_a_status_is_a_protocol_error),
        cmocka_unit_test(transport_refused_names_the_server),
        cmocka_unit_test(transport_tls_verify_failure_points_at_the_ca),
        cmocka_unit_test(transport_timeout_says_how_long_it_waited),
        cmocka_unit_test(transport_dns_failure_mentions_dns),
        cmocka_unit_test(transport_cancel_is_ecanceled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
