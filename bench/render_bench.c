/*
 * ttstui-render-bench: time release_render of the embedded default
 * template in-process, without and with API keys, N runs each, and print
 * one line per case as key=value pairs for bench/run.sh:
 *   case=nokeys runs=50 first_ms=... mean_ms=... p50_ms=... max_ms=...
 * The first run of each case is reported apart (first_ms) and also counted
 * in mean/p50/max, since the TUI renders once per preview.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "release_params.h"
#include "render.h"
#include "tt_common.h"

#define BENCH_IMAGE                                                                             \
    "gcr.io/voice-service-2-313121/speech-api-worker@sha256:"                                  \
    "3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static release_params *bench_params(const char *keys_file)
{
    release_params *p = release_params_new();
    const char *kv[][2] = {
        {RELEASE_ENV, "staging"}, {RELEASE_MODEL, "v3"}, {RELEASE_VERSION, "7"},
        {RELEASE_IMAGE, BENCH_IMAGE}, {RELEASE_INCLUDE_API_KEYS, keys_file ? "true" : "false"},
        {RELEASE_API_KEYS_FILE, keys_file},
    };
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        release_params_set(p, kv[i][0], kv[i][1], NULL);
    return p;
}

/* Renders runs times; 0, or -1 after printing the engine's error. */
static int bench_case(const char *name, const char *keys_file, int runs)
{
    release_params *p = bench_params(keys_file);
    double *ms = tt_calloc((size_t)runs, sizeof *ms);
    double sum = 0;
    size_t objects = 0;
    for (int i = 0; i < runs; i++) {
        tt_error err;
        tt_error_clear(&err);
        double t0 = now_ms();
        json_t *out = release_render(p, NULL, &err);
        ms[i] = now_ms() - t0;
        if (!out) {
            fprintf(stderr, "ttstui-render-bench: %s: %s\n", name, err.message);
            free(ms);
            release_params_free(p);
            return -1;
        }
        objects = json_array_size(out);
        json_decref(out);
        sum += ms[i];
    }
    double first = ms[0];
    qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
    printf("case=%s runs=%d objects=%zu first_ms=%.2f mean_ms=%.2f p50_ms=%.2f max_ms=%.2f\n",
           name, runs, objects, first, sum / runs, ms[runs / 2], ms[runs - 1]);
    free(ms);
    release_params_free(p);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"runs", required_argument, NULL, 'r'},
        {"api-keys", required_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int runs = 50, o;
    const char *keys = NULL;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'r': runs = atoi(optarg); break;
        case 'k': keys = optarg; break;
        case 'h':
            puts("usage: ttstui-render-bench [--runs N] --api-keys FILE\n"
                 "Times release_render of the embedded template without and with API keys.");
            return 0;
        default: return 2;
        }
    }
    if (runs < 1 || !keys) {
        fputs("ttstui-render-bench: needs --api-keys FILE and --runs >= 1\n", stderr);
        return 2;
    }
    if (bench_case("nokeys", NULL, runs) < 0 || bench_case("keys", keys, runs) < 0)
        return 1;
    return 0;
}
