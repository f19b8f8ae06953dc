/*
 * Status decoding (k8s/kube_status.h): the input is an HTTP answer,
 *
 *     STATUS CONTENT-TYPE\n
 *     BODY
 *
 * (e.g. "404 application/json\n{\"kind\":\"Status\",...}"; CONTENT-TYPE
 * "-" means none). An input without that first line is all body, with
 * status 500. The body goes through kube_status_decode, and when it is
 * JSON through kube_status_from_object (as a watch ERROR event would);
 * the status also picks a curl code for kube_status_transport_error with
 * the body's start as curl's detail text. Which members of the request
 * context are set is derived from the input.
 */
#include <ctype.h>
#include <jansson.h>

#include "fuzz_target.h"
#include "kube_status.h"

typedef struct answer {
    long status;
    char *content_type; /* NULL = none */
    const char *body;
    size_t body_len;
} answer;

static void split_answer(const uint8_t *data, size_t size, answer *a)
{
    a->status = 500;
    a->content_type = NULL;
    a->body = (const char *)data;
    a->body_len = size;
    const uint8_t *nl = memchr(data, '\n', size < 256 ? size : 256);
    if (!nl)
        return;
    size_t i = 0;
    long status = 0;
    while (i < 3 && i < (size_t)(nl - data) && isdigit(data[i]))
        status = status * 10 + (data[i++] - '0');
    if (i == 0 || data + i >= nl || data[i] != ' ')
        return;
    a->status = status;
    const uint8_t *ct = data + i + 1;
    size_t ct_len = (size_t)(nl - ct);
    if (!(ct_len == 1 && ct[0] == '-'))
        a->content_type = fuzz_strndup(ct, ct_len);
    a->body = (const char *)nl + 1;
    a->body_len = size - (size_t)(nl + 1 - data);
}

static void check_decode(const answer *a, const kube_status_ctx *ctx)
{
    tt_error err;
    tt_error_clear(&err);
    kube_status_decode(a->status, a->content_type, a->body, a->body_len, ctx, &err);
    fuzz_check_error(&err, 1);
    FUZZ_CHECK(err.code == (int)a->status, "code %d for HTTP %ld", err.code, a->status);
    if (a->status == 401)
        FUZZ_CHECK(strstr(err.message, "unauthorized") != NULL, "401 without the hint: %s",
                   err.message);
}

static void check_object(const answer *a, const kube_status_ctx *ctx)
{
    json_t *root = json_loadb(a->body, a->body_len, JSON_DECODE_ANY, NULL);
    tt_error err;
    tt_error_clear(&err);
    kube_status_from_object(root, ctx, &err);
    fuzz_check_error(&err, 1);
    /* An HTTP code from the Status, or "could not decode": never one of
     * the local-failure codes (TT_EIO, TT_ENET ...) a caller acts on. */
    FUZZ_CHECK(err.code > 0 || err.code == TT_EPROTO, "code %d from a Status object", err.code);
    json_decref(root);
}

static void check_transport(const answer *a, const kube_status_ctx *ctx)
{
    size_t n = a->body_len < 256 ? a->body_len : 256;
    char *detail = fuzz_strndup((const uint8_t *)a->body, n);
    tt_error err;
    tt_error_clear(&err);
    kube_status_transport_error((int)(a->status % 100), detail, ctx, a->status * 37, &err);
    fuzz_check_error(&err, 1);
    FUZZ_CHECK(err.code < 0, "transport failure with HTTP-like code %d", err.code);
    free(detail);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    answer a;
    split_answer(data, size, &a);
    if (a.status >= 200 && a.status < 300) { /* not a failure: out of contract */
        free(a.content_type);
        return 0;
    }
    uint64_t bits = fuzz_hash(data, size);
    kube_status_ctx ctx = {
        .url = bits & 1 ? "https://10.0.0.1:6443/api/v1/namespaces/tts/pods?limit=500" : NULL,
        .server = bits & 2 ? "https://10.0.0.1:6443" : (bits & 4 ? "" : NULL),
        .context = bits & 8 ? "gke_proj_europe-west4_prod" : NULL,
        .user = bits & 16 ? "gke-user" : NULL,
    };
    const kube_status_ctx *ctxp = bits & 32 ? NULL : &ctx;

    check_decode(&a, ctxp);
    check_object(&a, ctxp);
    check_transport(&a, ctxp);
    free(a.content_type);
    return 0;
}
