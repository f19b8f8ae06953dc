/*
 * The demo cluster's own endpoints under /debug/, outside the Kubernetes
 * API and not counted: GET /debug/requests (the requests served, by kind:
 * bench/run.sh counts what one refresh costs), POST /debug/release-lists
 * (--hold-list-pages), POST /debug/hold-reads and /debug/release-reads
 * (--hold-reads).
 */
#include "dc.h"

#include <string.h>

/* Updated atomically from connection threads. */
static unsigned long g_requests[RQ_N];

void dc_count_request(int kind)
{
    __atomic_add_fetch(&g_requests[kind], 1, __ATOMIC_RELAXED);
}

static json_t *requests_json(void)
{
    unsigned long v[RQ_N];
    for (int i = 0; i < RQ_N; i++)
        v[i] = __atomic_load_n(&g_requests[i], __ATOMIC_RELAXED);
    unsigned long known = v[RQ_LIST] + v[RQ_LIST_CONTINUE] + v[RQ_WATCH] + v[RQ_GET] + v[RQ_WRITE];
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:i}", "total", (json_int_t)v[RQ_TOTAL],
                     "list", (json_int_t)v[RQ_LIST], "listContinue",
                     (json_int_t)v[RQ_LIST_CONTINUE], "watch", (json_int_t)v[RQ_WATCH], "get",
                     (json_int_t)v[RQ_GET], "write", (json_int_t)v[RQ_WRITE], "other",
                     (json_int_t)(v[RQ_TOTAL] - known), "injected",
                     (json_int_t)v[RQ_INJECTED], "held", dc_fault_held_pages());
}

bool dc_debug_route(struct MHD_Connection *c, const char *url, const char *method,
                    enum MHD_Result *ret)
{
    if (strcmp(url, "/debug/requests") == 0 && strcmp(method, "GET") == 0) {
        *ret = dc_send_json(c, 200, requests_json());
        return true;
    }
    if (strcmp(url, "/debug/release-lists") == 0 && strcmp(method, "POST") == 0) {
        dc_fault_release_lists(); /* --hold-list-pages */
        *ret = dc_send_json(c, 200, json_pack("{s:b}", "released", 1));
        return true;
    }
    if ((strcmp(url, "/debug/hold-reads") == 0 || strcmp(url, "/debug/release-reads") == 0) &&
        strcmp(method, "POST") == 0) {
        bool hold = strcmp(url, "/debug/hold-reads") == 0;
        dc_fault_set_reads_held(hold); /* --hold-reads */
        *ret = dc_send_json(c, 200, json_pack("{s:b}", "held", hold));
        return true;
    }
    return false;
}
