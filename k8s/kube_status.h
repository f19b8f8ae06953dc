/*
 * Turning API server failures into tt_error values a person can act on:
 * non-2xx answers (a Kubernetes Status object, or something else such as
 * an HTML page from a proxy) and transport failures (libcurl).
 * Pure functions: no I/O.
 */
#ifndef KUBE_STATUS_H
#define KUBE_STATUS_H

#include <jansson.h>
#include <stddef.h>

#include "tt_common.h"

/* Who was asking, for messages (any member may be NULL). */
typedef struct kube_status_ctx {
    const char *url;     /* the request URL (never contains credentials) */
    const char *server;  /* https://host:port */
    const char *context; /* kubeconfig context name */
    const char *user;    /* kubeconfig user name */
} kube_status_ctx;

/*
 * An answer with a non-2xx status. err->code = http_status; err->reason =
 * the Status reason when the body is a Status. The message keeps the
 * server's sentence (it already names the object) and adds: every
 * Invalid cause not already in it ("field: message"), a hint for 401 and
 * for apply conflicts. A body that is not a Status (HTML, truncated JSON,
 * empty) gives "server at URL answered STATUS with a non-Kubernetes
 * response (TYPE): first 100 printable characters".
 */
void kube_status_decode(long http_status, const char *content_type, const char *body,
                        size_t body_len, const kube_status_ctx *ctx, tt_error *err);

/* A Status object already parsed (a watch ERROR event). code from the
 * Status ("code"), TT_EPROTO when it has none. */
void kube_status_from_object(const json_t *status, const kube_status_ctx *ctx, tt_error *err);

/* A libcurl failure (CURLcode as int, plus curl's error buffer text, may
 * be empty) as a sentence naming the server and what failed. timeout_ms is
 * the limit that applied, for the timed-out message. */
void kube_status_transport_error(int curl_code, const char *curl_detail,
                                 const kube_status_ctx *ctx, long timeout_ms, tt_error *err);

#endif
