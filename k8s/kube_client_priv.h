/* Inside the k8s library only: the client's state and the transport. */
#ifndef KUBE_CLIENT_PRIV_H
#define KUBE_CLIENT_PRIV_H

#include <curl/curl.h>

#include "kube_auth.h"
#include "kube_client.h"
#include "kube_discovery.h"
#include "kube_status.h"

struct kube_client {
    char *context;
    char *cluster;
    char *user;
    char *namespace_;
    char *server;      /* as configured, for messages */
    char *url_base;    /* what request URLs start with (tls-server-name host) */
    bool https;
    struct curl_slist *connect_to; /* tls-server-name: connect to the real host */
    char *ca_pem;
    size_t ca_pem_len;
    bool insecure;
    char *proxy_url;
    bool disable_compression;
    kube_auth *auth;
    CURL *easy;
    CURLM *multi;
    long timeout_ms;
    const atomic_int *cancel;
    int cancel_fd;          /* readable once cancel is set; -1 = none */
    char *field_manager;
    kube_discovery *discovery;
    kube_retry_policy retry;
    unsigned retry_seed;    /* jitter */
    char errbuf[CURL_ERROR_SIZE];
};

/* Receives a 2xx body as it streams. Return non-zero to stop. */
typedef int (*kube_http_sink)(const char *data, size_t len, void *ud);

typedef struct kube_http_req {
    const char *method;
    const char *path;         /* path and query, escaped */
    const char *accept;       /* NULL = application/json */
    const char *content_type; /* of body */
    const char *body;
    size_t body_len;
    kube_http_sink sink;      /* NULL = buffer the body into resp */
    void *sink_ud;
    /* Called once the headers of a 2xx answer arrived (a watch is open). */
    void (*on_response)(long status, void *ud);
    bool streaming;           /* no overall timeout (watch, follow) */
    long stream_timeout_ms;   /* streaming: overall limit, 0 = none */
} kube_http_req;

/* 0 for a 2xx answer (resp filled when resp != NULL and there is no sink),
 * 1 when the sink stopped the transfer, -1 with err. */
int kube_http_do(kube_client *c, const kube_http_req *req, kube_response *resp, tt_error *err);

/* The message context of this client (url may be NULL). */
void kube_client_status_ctx(const kube_client *c, const char *url, kube_status_ctx *ctx);

/* Namespace to use for a namespaced call: ns NULL = the client's. */
const char *kube_client_ns(const kube_client *c, const char *ns);

#endif
