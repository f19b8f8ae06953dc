/*
 * ttstui-list-bench FILE KIND [RUNS]: the CPU cost of decoding one saved
 * List answer (e.g. `curl URL/apis/serving.knative.dev/v1/revisions`),
 * in-process, best of RUNS (default 3):
 *   yajl+mask   kube_list_decode under fleet_fields(KIND), items dropped
 *   yajl+fleet  the same, each item applied to a fleet (what status does)
 *   yajl whole  kube_list_decode without a mask
 *   jansson     json_loadb of the whole answer (the decoding before yajl
 *               built each whole item the same way)
 * KIND: service, revision, namespace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet.h"
#include "kube_list_decode.h"
#include "tt_common.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct sink {
    fleet *f;
    fleet_kind kind;
} sink;

static int drop(const json_t *item, void *ud)
{
    sink *s = ud;
    if (s->f)
        fleet_apply(s->f, s->kind, item, false);
    return 0;
}

static double run_yajl(const char *text, size_t len, const char *const *fields, fleet_kind kind,
                       bool apply, size_t *items)
{
    tt_error err;
    tt_error_clear(&err);
    kube_field_mask *m = kube_field_mask_new(fields, &err);
    sink s = {apply ? fleet_new() : NULL, kind};
    kube_list_page_info info;
    double t0 = cpu_now();
    int rc = kube_list_decode(text, len, m, "objects", drop, &s, &info, &err);
    double t = cpu_now() - t0;
    if (rc != 0) {
        fprintf(stderr, "ttstui-list-bench: %s\n", err.message);
        exit(1);
    }
    *items = info.items;
    kube_list_page_info_clear(&info);
    fleet_free(s.f);
    kube_field_mask_free(m);
    return t;
}

static double run_jansson(const char *text, size_t len)
{
    double t0 = cpu_now();
    json_error_t je;
    json_t *j = json_loadb(text, len, 0, &je);
    if (!j) {
        fprintf(stderr, "ttstui-list-bench: jansson: %s\n", je.text);
        exit(1);
    }
    json_decref(j);
    return cpu_now() - t0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: ttstui-list-bench FILE service|revision|namespace [RUNS]\n");
        return 2;
    }
    fleet_kind kind = strcmp(argv[2], "service") == 0     ? FLEET_KIND_SERVICE
                      : strcmp(argv[2], "revision") == 0  ? FLEET_KIND_REVISION
                      : strcmp(argv[2], "namespace") == 0 ? FLEET_KIND_NAMESPACE
                                                          : FLEET_KIND_PIN;
    int runs = argc > 3 ? atoi(argv[3]) : 3;
    tt_error err;
    tt_error_clear(&err);
    struct {
        char *data;
        size_t len;
    } text = {NULL, 0};
    text.data = tt_read_file(argv[1], &text.len, (size_t)4 << 30, &err);
    if (!text.data) {
        fprintf(stderr, "ttstui-list-bench: %s\n", err.message);
        return 1;
    }
    const char *names[] = {"yajl+mask", "yajl+fleet", "yajl whole", "jansson"};
    for (int w = 0; w < 4; w++) {
        double best = 1e30;
        size_t items = 0;
        for (int r = 0; r < (runs > 0 ? runs : 1); r++) {
            double t = w == 3 ? run_jansson(text.data, text.len)
                              : run_yajl(text.data, text.len, w == 2 ? NULL : fleet_fields(kind),
                                         kind, w == 1, &items);
            if (t < best)
                best = t;
        }
        printf("%-11s %8.1f MB %7zu items %7.3f s cpu %7.1f MB/s\n", names[w],
               (double)text.len / 1e6, items, best, (double)text.len / 1e6 / best);
    }
    free(text.data);
    return 0;
}
