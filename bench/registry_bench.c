/* ttstui-registry-bench: registry_resolve latency in-process.
 *   ttstui-registry-bench IMAGE RUNS
 * cold: a new client each run (connection, token when the registry asks for
 * one, HEAD); warm: one client, its connection and token reused (HEAD only).
 * Prints "cold_ms=MEDIAN warm_ms=MEDIAN requests_cold=N requests_warm=N". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "registry_client.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int resolve(registry_client *c, const char *image)
{
    char *out = NULL;
    tt_error err;
    tt_error_clear(&err);
    if (registry_resolve(c, image, &out, &err) < 0) {
        fprintf(stderr, "ttstui-registry-bench: %s\n", err.message);
        return -1;
    }
    free(out);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 || atoi(argv[2]) < 1) {
        fprintf(stderr, "usage: ttstui-registry-bench IMAGE RUNS\n");
        return 2;
    }
    const char *image = argv[1];
    int runs = atoi(argv[2]);
    registry_global_init();
    double *cold = calloc((size_t)runs, sizeof *cold), *warm = calloc((size_t)runs, sizeof *warm);
    unsigned long req_cold = 0, req_warm = 0;
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        registry_client *c = registry_client_new(NULL);
        if (resolve(c, image) < 0)
            return 1;
        cold[i] = now_ms() - t0;
        req_cold = registry_client_requests(c);
        registry_client_free(c);
    }
    registry_client *c = registry_client_new(NULL);
    if (resolve(c, image) < 0)
        return 1;
    unsigned long before = registry_client_requests(c);
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        if (resolve(c, image) < 0)
            return 1;
        warm[i] = now_ms() - t0;
    }
    req_warm = (registry_client_requests(c) - before) / (unsigned long)runs;
    registry_client_free(c);
    printf("cold_ms=%.2f warm_ms=%.2f requests_cold=%lu requests_warm=%lu\n", median(cold, runs),
           median(warm, runs), req_cold, req_warm);
    free(cold);
    free(warm);
    return 0;
}
