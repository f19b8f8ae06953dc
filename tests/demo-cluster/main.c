/*
 * ttstui-demo-cluster: flags, start-up (seed, controller, HTTP server,
 * kubeconfig), and a clean stop on SIGINT/SIGTERM.
 */
#include "dc.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef DC_SEED_DIR
#define DC_SEED_DIR ""
#endif

dc_config g_cfg = {
    .listen = "127.0.0.1:0",
    .models = -1,
    .revisions = 20,
    .ready_delay_ms = 1500,
    .rv_window = 100000,
    .bookmark_every_s = 10,
};
volatile int g_shutdown;

static void usage(FILE *out)
{
    fputs("usage: ttstui-demo-cluster [options]\n"
          "A local Kubernetes API server with a simulated Knative Serving controller,\n"
          "for ttstui's tests and demos.\n\n"
          "  --listen HOST:PORT        address to listen on (default 127.0.0.1:0, 0 = free port)\n"
          "  --kubeconfig-out PATH     write a kubeconfig (mode 0600; context, cluster and user 'demo')\n"
          "  --tls                     serve https with a CA and server certificate generated at start\n"
          "  --client-cert-auth        (with --tls) require a client certificate (with --tls one is\n"
          "                            always generated and written to the kubeconfig)\n"
          "  --token T                 require 'Authorization: Bearer T' (401 otherwise)\n"
          "  --seed DIR                deployment configs to seed (default: tests/data/demo-seed)\n"
          "  --no-seed                 start empty\n"
          "  --models N                synthetic scale: N models x 2 services (instead of the seed)\n"
          "  --revisions M             revisions per synthetic service (default 20)\n"
          "  --extra-models LIST       also seed these models, comma-separated NAME[:KIND], KIND\n"
          "                            full (default), services (no Revision objects), revisions\n"
          "                            (Revisions without their Services) or namespace (alone)\n"
          "  --ready-delay-ms MS       time for a new revision to become Ready (default 1500)\n"
          "  --image-digests FILE      what a tag runs (imageDigest) from FILE's \"IMAGE sha256:HEX\"\n"
          "                            lines, read when a revision is made (as Knative asks the\n"
          "                            registry); other tags run sha256 of the image string\n"
          "  --latency-ms MS           delay added to every response\n"
          "  --fail-rate P             fraction (0..1) of non-watch requests answered 500/503\n"
          "  --fail-reads              (with --fail-rate) only GET and HEAD requests fail\n"
          "  --fail-seed N             the sequence of injected failures (default 12345)\n"
          "  --drop-watches-every S    close watch streams after S seconds\n"
          "  --expire-rv               keep only a short watch history (--rv-window 50)\n"
          "  --rv-window N             resourceVersions older than the last N changes are 410 Gone\n"
          "  --first-rv N              count resourceVersions on from N (default: the start time in\n"
          "                            microseconds, so they never repeat across restarts; a fixed N\n"
          "                            lets a restart replay an earlier run's history)\n"
          "  --bookmark-interval S     seconds between watch BOOKMARK events (default 10)\n"
          "  --forbid-cluster-list     403 for lists/watches of namespaced resources across all\n"
          "                            namespaces (per-namespace requests still work)\n"
          "  --ssa-conflicts           server-side apply without force=true answers 409 when it\n"
          "                            would change fields another field manager owns\n"
          "  --fail-kind KIND          creates/updates/patches of KIND (not dry runs) answer 500\n"
          "  --stuck-namespaces        deleted namespaces stay Terminating (a finalizer never clears)\n"
          "  --stall-kind KIND         writes of KIND (not dry runs) are stored, then the answer is\n"
          "                            held for --stall-ms MS (default 40000): the client times out\n"
          "  --stall-before-store      with --stall-kind: the write is held first, then answered\n"
          "                            504 Timeout without being stored\n"
          "  --hold-list-pages         a list's pages after the first wait until\n"
          "                            POST /debug/release-lists\n"
          "  --hold-reads              every GET and HEAD waits until POST /debug/release-reads\n"
          "                            (POST /debug/hold-reads holds them again)\n"
          "  --help                    this text\n"
          "Prints 'listening on http(s)://HOST:PORT' once it accepts connections.\n",
          out);
}

static bool parse_int(const char *s, long min, long max, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static char *default_seed_dir(void)
{
    struct stat st;
    if (DC_SEED_DIR[0] && stat(DC_SEED_DIR, &st) == 0 && S_ISDIR(st.st_mode))
        return tt_strdup(DC_SEED_DIR);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char *p = tt_asprintf("%s/../tests/data/demo-seed", exe);
            if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
                return p;
            free(p);
        }
    }
    return NULL;
}

static int write_kubeconfig(const char *path, const char *url, const dc_tls *tls, tt_error *err)
{
    json_t *cluster = json_pack("{s:s}", "server", url);
    json_t *user = json_object();
    if (tls) {
        char *ca = tt_base64_encode(tls->ca_cert_pem, strlen(tls->ca_cert_pem));
        json_object_set_new(cluster, "certificate-authority-data", json_string(ca));
        free(ca);
        if (tls->client_cert_pem) {
            char *cc = tt_base64_encode(tls->client_cert_pem, strlen(tls->client_cert_pem));
            char *ck = tt_base64_encode(tls->client_key_pem, strlen(tls->client_key_pem));
            json_object_set_new(user, "client-certificate-data", json_string(cc));
            json_object_set_new(user, "client-key-data", json_string(ck));
            free(cc);
            tt_free_secret(ck);
        }
    }
    if (g_cfg.token)
        json_object_set_new(user, "token", json_string(g_cfg.token));
    json_t *kc = json_pack("{s:s, s:s, s:[{s:s, s:o}], s:[{s:s, s:o}], s:[{s:s, s:{s:s, s:s, s:s}}], s:s, s:{}}",
                           "apiVersion", "v1", "kind", "Config", "clusters", "name", "demo",
                           "cluster", cluster, "users", "name", "demo", "user", user, "contexts",
                           "name", "demo", "context", "cluster", "demo", "user", "demo",
                           "namespace", "default", "current-context", "demo", "preferences");
    char *text = json_dumps(kc, JSON_INDENT(2));
    json_decref(kc);
    int rc = tt_write_file_private(path, text, strlen(text), err);
    tt_explicit_bzero(text, strlen(text));
    free(text);
    return rc;
}

int main(int argc, char **argv)
{
    enum { O_LISTEN = 256, O_KUBECONFIG, O_TLS, O_CCA, O_TOKEN, O_SEED, O_NOSEED, O_MODELS,
           O_REVS, O_DELAY, O_LAT, O_FAIL, O_DROP, O_EXPIRE, O_WINDOW, O_BOOKMARK, O_HELP,
           O_FORBID, O_SSA, O_FAILKIND, O_STUCK, O_FIRSTRV, O_FAILREADS, O_FAILSEED,
           O_STALLKIND, O_STALLMS, O_STALLBEFORE, O_EXTRA, O_HOLDPAGES, O_DIGESTS, O_HOLDREADS };
    static const struct option opts[] = {
        {"listen", required_argument, NULL, O_LISTEN},
        {"kubeconfig-out", required_argument, NULL, O_KUBECONFIG},
        {"tls", no_argument, NULL, O_TLS},
        {"client-cert-auth", no_argument, NULL, O_CCA},
        {"token", required_argument, NULL, O_TOKEN},
        {"seed", required_argument, NULL, O_SEED},
        {"no-seed", no_argument, NULL, O_NOSEED},
        {"models", required_argument, NULL, O_MODELS},
        {"revisions", required_argument, NULL, O_REVS},
        {"ready-delay-ms", required_argument, NULL, O_DELAY},
        {"latency-ms", required_argument, NULL, O_LAT},
        {"fail-rate", required_argument, NULL, O_FAIL},
        {"drop-watches-every", required_argument, NULL, O_DROP},
        {"expire-rv", no_argument, NULL, O_EXPIRE},
        {"rv-window", required_argument, NULL, O_WINDOW},
        {"bookmark-interval", required_argument, NULL, O_BOOKMARK},
        {"help", no_argument, NULL, O_HELP},
        {"forbid-cluster-list", no_argument, NULL, O_FORBID},
        {"ssa-conflicts", no_argument, NULL, O_SSA},
        {"fail-kind", required_argument, NULL, O_FAILKIND},
        {"stuck-namespaces", no_argument, NULL, O_STUCK},
        {"first-rv", required_argument, NULL, O_FIRSTRV},
        {"fail-reads", no_argument, NULL, O_FAILREADS},
        {"fail-seed", required_argument, NULL, O_FAILSEED},
        {"stall-kind", required_argument, NULL, O_STALLKIND},
        {"stall-ms", required_argument, NULL, O_STALLMS},
        {"stall-before-store", no_argument, NULL, O_STALLBEFORE},
        {"extra-models", required_argument, NULL, O_EXTRA},
        {"hold-list-pages", no_argument, NULL, O_HOLDPAGES},
        {"hold-reads", no_argument, NULL, O_HOLDREADS},
        {"image-digests", required_argument, NULL, O_DIGESTS},
        {NULL, 0, NULL, 0},
    };
    bool window_set = false, expire = false;
    int o;
    long v;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case O_LISTEN: g_cfg.listen = optarg; break;
        case O_KUBECONFIG: g_cfg.kubeconfig_out = optarg; break;
        case O_TLS: g_cfg.tls = true; break;
        case O_CCA: g_cfg.client_cert_auth = true; break;
        case O_TOKEN: g_cfg.token = optarg; break;
        case O_SEED: g_cfg.seed_dir = optarg; break;
        case O_NOSEED: g_cfg.no_seed = true; break;
        case O_EXPIRE: expire = true; break;
        case O_FORBID: g_cfg.forbid_cluster_list = true; break;
        case O_SSA: g_cfg.ssa_conflicts = true; break;
        case O_FAILKIND: g_cfg.fail_kind = optarg; break;
        case O_STUCK: g_cfg.stuck_namespaces = true; break;
        case O_FAILREADS: g_cfg.fail_reads = true; break;
        case O_STALLKIND: g_cfg.stall_kind = optarg; break;
        case O_STALLBEFORE: g_cfg.stall_before_store = true; break;
        case O_EXTRA: g_cfg.extra_models = optarg; break;
        case O_HOLDPAGES: g_cfg.hold_list_pages = true; break;
        case O_HOLDREADS: g_cfg.hold_reads = true; break;
        case O_DIGESTS: g_cfg.image_digests = optarg; break;
        case O_FAILSEED: case O_STALLMS:
            if (!parse_int(optarg, 0, 100000000, &v)) {
                fprintf(stderr, "ttstui-demo-cluster: --%s needs a whole number in range, not \"%s\"\n",
                        o == O_FAILSEED ? "fail-seed" : "stall-ms", optarg);
                return 2;
            }
            if (o == O_FAILSEED) g_cfg.fail_seed = (unsigned)v;
            else g_cfg.stall_ms = (int)v;
            break;
        case O_FIRSTRV: {
            char *end;
            errno = 0;
            long long n = strtoll(optarg, &end, 10);
            if (errno || end == optarg || *end || n < 1 || n > 1000000000000000000LL) {
                fprintf(stderr, "ttstui-demo-cluster: --first-rv needs a whole number from 1 to "
                        "10^18, not \"%s\"\n", optarg);
                return 2;
            }
            g_cfg.first_rv = n;
            break;
        }
        case O_FAIL: {
            char *end;
            g_cfg.fail_rate = strtod(optarg, &end);
            if (*end || g_cfg.fail_rate < 0 || g_cfg.fail_rate > 1) {
                fprintf(stderr, "ttstui-demo-cluster: --fail-rate must be a number from 0 to 1, not \"%s\"\n", optarg);
                return 2;
            }
            break;
        }
        case O_MODELS: case O_REVS: case O_DELAY: case O_LAT: case O_DROP: case O_WINDOW:
        case O_BOOKMARK:
            if (!parse_int(optarg, o == O_WINDOW || o == O_REVS || o == O_BOOKMARK ? 1 : 0, 100000000, &v)) {
                fprintf(stderr, "ttstui-demo-cluster: --%s needs a whole number in range, not \"%s\"\n",
                        opts[o - O_LISTEN].name, optarg);
                return 2;
            }
            if (o == O_MODELS) g_cfg.models = (int)v;
            else if (o == O_REVS) g_cfg.revisions = (int)v;
            else if (o == O_DELAY) g_cfg.ready_delay_ms = (int)v;
            else if (o == O_LAT) g_cfg.latency_ms = (int)v;
            else if (o == O_DROP) g_cfg.drop_watches_every_s = (int)v;
            else if (o == O_BOOKMARK) g_cfg.bookmark_every_s = (int)v;
            else { g_cfg.rv_window = v; window_set = true; }
            break;
        case O_HELP: case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "ttstui-demo-cluster: unexpected argument \"%s\"\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    if (expire && !window_set)
        g_cfg.rv_window = 50;
    if (g_cfg.client_cert_auth && !g_cfg.tls) {
        fprintf(stderr, "ttstui-demo-cluster: --client-cert-auth needs --tls\n");
        return 2;
    }
    char host[256];
    const char *colon = strrchr(g_cfg.listen, ':');
    if (!colon || colon == g_cfg.listen || (size_t)(colon - g_cfg.listen) >= sizeof host ||
        !parse_int(colon + 1, 0, 65535, &v)) {
        fprintf(stderr, "ttstui-demo-cluster: --listen needs HOST:PORT, not \"%s\"\n", g_cfg.listen);
        return 2;
    }
    memcpy(host, g_cfg.listen, (size_t)(colon - g_cfg.listen));
    host[colon - g_cfg.listen] = '\0';
    int port = (int)v;

    /* signals are taken synchronously by main; every other thread blocks them */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    tt_error err;
    tt_error_clear(&err);
    int rc = 1;
    dc_tls tls = {0};
    bool have_tls = false;
    dc_store_init();
    dc_store_set_hook(kn_change_hook);
    if (g_cfg.models >= 0) {
        dc_seed_synthetic(g_cfg.models, g_cfg.revisions);
    } else if (!g_cfg.no_seed) {
        char *dir = g_cfg.seed_dir ? tt_strdup(g_cfg.seed_dir) : default_seed_dir();
        if (!dir) {
            fprintf(stderr, "ttstui-demo-cluster: cannot find the default seed (tests/data/demo-seed); use --seed DIR or --no-seed\n");
            goto out;
        }
        int src = dc_seed_dir(dir, &err);
        free(dir);
        if (src < 0) {
            fprintf(stderr, "ttstui-demo-cluster: %s\n", err.message);
            goto out;
        }
    }
    if (g_cfg.extra_models && dc_seed_extra(g_cfg.extra_models, g_cfg.revisions, &err) < 0) {
        fprintf(stderr, "ttstui-demo-cluster: %s\n", err.message);
        goto out;
    }
    dc_lock();
    dc_store_reset_log();
    dc_unlock();
    if (g_cfg.tls) {
        if (dc_tls_generate(&tls, true, &err) < 0) {
            fprintf(stderr, "ttstui-demo-cluster: %s\n", err.message);
            goto out;
        }
        have_tls = true;
    }
    kn_controller_start();
    int bound = 0;
    if (dc_server_start(host, port, have_tls ? &tls : NULL, &bound, &err) < 0) {
        fprintf(stderr, "ttstui-demo-cluster: %s\n", err.message);
        goto stop;
    }
    char url[300];
    snprintf(url, sizeof url, "%s://%s:%d", have_tls ? "https" : "http", host, bound);
    if (g_cfg.kubeconfig_out && write_kubeconfig(g_cfg.kubeconfig_out, url, have_tls ? &tls : NULL, &err) < 0) {
        fprintf(stderr, "ttstui-demo-cluster: --kubeconfig-out: %s\n", err.message);
        goto stop_server;
    }
    printf("listening on %s\n", url);
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    rc = 0;
stop_server:
    g_shutdown = 1;
    dc_lock();
    dc_broadcast();
    dc_unlock();
    dc_server_stop();
stop:
    kn_controller_stop();
out:
    dc_store_free();
    if (have_tls)
        dc_tls_free(&tls);
    return rc;
}
