#include "kube_status.h"

#include <ctype.h>
#include <stdlib.h>
#include <curl/curl.h>
#include <string.h>

static const char *or_unknown(const char *s, const char *fallback)
{
    return s && s[0] ? s : fallback;
}

static const char *where(const kube_status_ctx *ctx)
{
    if (ctx && ctx->url && ctx->url[0])
        return ctx->url;
    if (ctx && ctx->server && ctx->server[0])
        return ctx->server;
    return "the API server";
}

static const char *server_of(const kube_status_ctx *ctx)
{
    if (ctx && ctx->server && ctx->server[0])
        return ctx->server;
    return where(ctx);
}

static const char *json_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* The first n printable characters of a body, whitespace runs folded. */
static void printable_prefix(const char *body, size_t len, size_t n, tt_buf *out)
{
    size_t kept = 0;
    bool space = false;
    for (size_t i = 0; i < len && kept < n; i++) {
        unsigned char ch = (unsigned char)body[i];
        if (isspace(ch)) {
            space = kept > 0;
            continue;
        }
        if (!isprint(ch))
            continue;
        if (space) {
            if (kept + 1 >= n)
                break; /* never end on a space */
            tt_buf_putc(out, ' ');
            kept++;
            space = false;
        }
        tt_buf_putc(out, (char)ch);
        kept++;
    }
}

static void append_causes(const json_t *status, tt_buf *msg)
{
    const json_t *causes = json_object_get(json_object_get(status, "details"), "causes");
    size_t i;
    const json_t *cause;
    json_array_foreach(causes, i, cause) {
        const char *field = json_str(cause, "field");
        const char *text = json_str(cause, "message");
        if (!text[0])
            text = json_str(cause, "reason");
        char *item = field[0] ? tt_asprintf("%s: %s", field, text) : tt_strdup(text);
        /* The server's sentence usually lists its causes already; an apply
         * conflict's lists each field under its manager. */
        bool listed = strstr(msg->data ? msg->data : "", item) != NULL ||
                      (field[0] && tt_streq(json_str(cause, "reason"), "FieldManagerConflict") &&
                       strstr(msg->data ? msg->data : "", field));
        if (item[0] && !listed)
            tt_buf_printf(msg, "%s%s", msg->len ? "; " : "", item);
        free(item);
    }
}

static void unauthorized_message(const kube_status_ctx *ctx, tt_buf *msg)
{
    tt_buf_printf(msg,
                  "unauthorized: the server at %s rejected the credentials for user %s "
                  "(context %s); they may have expired or be wrong: log in again (for GKE: "
                  "gcloud auth login, then gcloud container clusters get-credentials) or "
                  "fix the user in your kubeconfig",
                  server_of(ctx), or_unknown(ctx ? ctx->user : NULL, "(none)"),
                  or_unknown(ctx ? ctx->context : NULL, "(none)"));
}

static void status_message(long code, const json_t *status, const kube_status_ctx *ctx,
                           tt_buf *msg)
{
    const char *reason = json_str(status, "reason");
    const char *text = json_str(status, "message");
    if (code == 401) {
        unauthorized_message(ctx, msg);
        return;
    }
    if (text[0])
        tt_buf_puts(msg, text);
    else if (reason[0])
        tt_buf_printf(msg, "server at %s answered %ld %s", where(ctx), code, reason);
    else
        tt_buf_printf(msg, "server at %s answered %ld", where(ctx), code);
    append_causes(status, msg);
    if (code == 409 && strstr(text, "Apply failed"))
        tt_buf_puts(msg, " (another field manager owns these fields: change them with the "
                         "same manager, or apply with force to take them over)");
}

static void set_from_status(tt_error *err, long code, const json_t *status,
                            const kube_status_ctx *ctx)
{
    tt_buf msg = TT_BUF_INIT;
    status_message(code, status, ctx, &msg);
    tt_error_set(err, (int)code, "%s", msg.data ? msg.data : "");
    tt_strlcpy(err->reason, json_str(status, "reason"), sizeof err->reason);
    if (code == 401 && !err->reason[0])
        tt_strlcpy(err->reason, "Unauthorized", sizeof err->reason);
    tt_buf_free(&msg);
}

static bool is_status(const json_t *root)
{
    return json_is_object(root) && tt_streq(json_str(root, "kind"), "Status");
}

void kube_status_decode(long http_status, const char *content_type, const char *body,
                        size_t body_len, const kube_status_ctx *ctx, tt_error *err)
{
    if (!err)
        return;
    json_t *root = NULL;
    if (body && body_len)
        root = json_loadb(body, body_len, 0, NULL);
    if (is_status(root)) {
        set_from_status(err, http_status, root, ctx);
        json_decref(root);
        return;
    }
    json_decref(root);
    if (http_status == 401) {
        /* Proxies and some servers answer 401 without a Status. */
        tt_buf msg = TT_BUF_INIT;
        unauthorized_message(ctx, &msg);
        tt_error_set(err, 401, "%s", msg.data);
        tt_strlcpy(err->reason, "Unauthorized", sizeof err->reason);
        tt_buf_free(&msg);
        return;
    }
    if (!body || body_len == 0) {
        tt_error_set(err, (int)http_status, "server at %s answered %ld with an empty body",
                     where(ctx), http_status);
        return;
    }
    tt_buf snippet = TT_BUF_INIT;
    printable_prefix(body, body_len, 100, &snippet);
    tt_error_set(err, (int)http_status,
                 "server at %s answered %ld with a non-Kubernetes response (%s): %s", where(ctx),
                 http_status, or_unknown(content_type, "no content type"),
                 snippet.data ? snippet.data : "");
    tt_buf_free(&snippet);
}

void kube_status_from_object(const json_t *status, const kube_status_ctx *ctx, tt_error *err)
{
    if (!err)
        return;
    if (!is_status(status)) {
        char *dump = status ? json_dumps(status, JSON_COMPACT) : NULL;
        tt_buf snippet = TT_BUF_INIT;
        if (dump)
            printable_prefix(dump, strlen(dump), 100, &snippet);
        tt_error_set(err, TT_EPROTO, "server at %s sent an error that is not a Status: %s",
                     where(ctx), snippet.data ? snippet.data : "(nothing)");
        tt_buf_free(&snippet);
        free(dump);
        return;
    }
    json_int_t code = json_integer_value(json_object_get(status, "code"));
    /* Not an HTTP status (absent, negative, or so large that narrowing it
     * to an int could turn it into a local code such as TT_ECANCELED). */
    bool usable = code > 0 && code < 1000;
    set_from_status(err, usable ? (long)code : TT_EPROTO, status, ctx);
    if (!usable)
        err->code = TT_EPROTO;
}

void kube_status_transport_error(int curl_code, const char *curl_detail,
                                 const kube_status_ctx *ctx, long timeout_ms, tt_error *err)
{
    const char *srv = server_of(ctx);
    const char *detail = curl_detail && curl_detail[0] ? curl_detail
                                                       : curl_easy_strerror((CURLcode)curl_code);
    switch ((CURLcode)curl_code) {
    case CURLE_COULDNT_CONNECT:
        tt_error_set(err, TT_ENET,
                     "cannot connect to the Kubernetes API server at %s (%s): is the cluster "
                     "running and the server address in the kubeconfig right?",
                     srv, detail);
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
        tt_error_set(err, TT_ENET,
                     "cannot resolve the host name of the Kubernetes API server at %s (DNS "
                     "lookup failed: %s): check the server address in the kubeconfig and your "
                     "network or VPN",
                     srv, detail);
        break;
    case CURLE_COULDNT_RESOLVE_PROXY:
        tt_error_set(err, TT_ENET, "cannot resolve the proxy for %s (%s): check proxy-url in "
                     "the kubeconfig or the *_proxy variables", srv, detail);
        break;
    case CURLE_OPERATION_TIMEDOUT:
        if (timeout_ms > 0)
            tt_error_set(err, TT_ETIMEDOUT,
                         "the Kubernetes API server at %s did not answer within %ld s (%s)",
                         where(ctx), (timeout_ms + 999) / 1000, detail);
        else
            tt_error_set(err, TT_ETIMEDOUT, "the Kubernetes API server at %s timed out (%s)",
                         where(ctx), detail);
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
        tt_error_set(err, TT_ENET,
                     "the TLS certificate of the server at %s could not be verified (%s): the "
                     "CA in the kubeconfig (certificate-authority[-data]) does not match the "
                     "server's certificate, or the server name does not (see tls-server-name)",
                     srv, detail);
        break;
    case CURLE_SSL_CACERT_BADFILE:
        tt_error_set(err, TT_EINVAL,
                     "the CA certificate in the kubeconfig for %s could not be loaded (%s): "
                     "certificate-authority-data must be a base64-encoded PEM bundle",
                     srv, detail);
        break;
    case CURLE_SSL_CERTPROBLEM:
        tt_error_set(err, TT_EINVAL,
                     "the client certificate or key for %s could not be used (%s): check "
                     "client-certificate[-data] and client-key[-data] in the kubeconfig",
                     srv, detail);
        break;
    case CURLE_SSL_CONNECT_ERROR:
        tt_error_set(err, TT_ENET, "the TLS handshake with %s failed (%s)", srv, detail);
        break;
    case CURLE_ABORTED_BY_CALLBACK:
        tt_error_set(err, TT_ECANCELED, "request to %s cancelled", where(ctx));
        break;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
        tt_error_set(err, TT_ENET, "the connection to the server at %s broke off (%s)", srv,
                     detail);
        break;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        tt_error_set(err, TT_EINVAL, "the server address %s is not a usable http(s) URL (%s)",
                     srv, detail);
        break;
    default:
        tt_error_set(err, TT_ENET, "request to %s failed: %s", where(ctx), detail);
        break;
    }
}
