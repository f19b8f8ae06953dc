/* The dashboard's entry point: flags, theme, keymap, backend, then the
 * loop (or the headless script runner). */
#include "tui.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "backend.h"
#include "backend_kube.h"
#include "headless.h"
#include "keymap.h"
#include "term.h"
#include "theme.h"

typedef struct options {
    const char *kubeconfig;
    const char *context;
    const char *namespace_;
    const char *theme;
    const char *config;
    const char *fake_backend;
    const char *headless_script;
    const char *headless_dump;
    int rows, cols;
    bool readonly;
    bool ascii;
    bool print_keys;
    long long request_timeout_ms; /* --request-timeout; 0: the settings' */
    const char *deployments;      /* --deployments; NULL: the settings' */
} options;

/* The dashboard's own flags: a section of `ttstui --help` (main.c puts it
 * between the commands and the flags every command shares). */
void tui_usage(FILE *out)
{
    fprintf(out,
            "Dashboard flags (no COMMAND):\n"
            "  --theme NAME|FILE      dark (default), light, mono, or a theme .yaml\n"
            "  --ascii                ASCII symbols instead of Unicode\n"
            "  --print-keys           print every action, its keys and views, and exit\n"
            "  --deployments DIR      deployment files to compare with the cluster (FILES\n"
            "                         column, :plan view; default: the settings' deployments)\n"
            "  --fake-backend FILE    answer from a JSON fixture instead of a cluster (demos, tests)\n"
            "  --headless-script FILE run keystrokes from FILE on a virtual screen (tests)\n"
            "  --headless-size CxR    virtual screen size (default 100x30)\n"
            "  --headless-dump FILE   write the final screen as text to FILE\n"
            "  Keys: ? in any view lists its keys; q goes back, and quits on the dashboard.\n");
}

enum {
    OPT_KUBECONFIG = 256, OPT_CONTEXT, OPT_READONLY, OPT_THEME, OPT_CONFIG, OPT_ASCII,
    OPT_FAKE, OPT_SCRIPT, OPT_SIZE, OPT_DUMP, OPT_PRINT_KEYS, OPT_NO_COLOR, OPT_RELEASE_CONFIG,
    OPT_REQUEST_TIMEOUT, OPT_DEPLOYMENTS,
};

static int parse(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        {"kubeconfig", required_argument, NULL, OPT_KUBECONFIG},
        {"context", required_argument, NULL, OPT_CONTEXT},
        {"namespace", required_argument, NULL, 'n'},
        {"readonly", no_argument, NULL, OPT_READONLY},
        {"theme", required_argument, NULL, OPT_THEME},
        {"settings", required_argument, NULL, OPT_CONFIG},
        {"no-color", no_argument, NULL, OPT_NO_COLOR},
        {"config", required_argument, NULL, OPT_RELEASE_CONFIG},
        {"ascii", no_argument, NULL, OPT_ASCII},
        {"fake-backend", required_argument, NULL, OPT_FAKE},
        {"headless-script", required_argument, NULL, OPT_SCRIPT},
        {"headless-size", required_argument, NULL, OPT_SIZE},
        {"headless-dump", required_argument, NULL, OPT_DUMP},
        {"print-keys", no_argument, NULL, OPT_PRINT_KEYS},
        {"request-timeout", required_argument, NULL, OPT_REQUEST_TIMEOUT},
        {"deployments", required_argument, NULL, OPT_DEPLOYMENTS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof(*o));
    o->cols = 100;
    o->rows = 30;
    o->headless_script = getenv("TTSTUI_HEADLESS_SCRIPT");
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":hn:", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_KUBECONFIG: o->kubeconfig = optarg; break;
        case OPT_CONTEXT: o->context = optarg; break;
        case 'n': o->namespace_ = optarg; break;
        case OPT_READONLY: o->readonly = true; break;
        case OPT_THEME: o->theme = optarg; break;
        case OPT_CONFIG: o->config = optarg; break;
        case OPT_NO_COLOR:
            /* The theme layer honours NO_COLOR; the flag is its spelling. */
            setenv("NO_COLOR", "1", 1);
            break;
        case OPT_RELEASE_CONFIG:
            fprintf(stderr, "ttstui: --config is the release parameters file of the "
                            "subcommands (render, diff, apply); the dashboard's settings "
                            "file is --settings\n");
            return 2;
        case OPT_ASCII: o->ascii = true; break;
        case OPT_FAKE: o->fake_backend = optarg; break;
        case OPT_SCRIPT: o->headless_script = optarg; break;
        case OPT_DUMP: o->headless_dump = optarg; break;
        case OPT_PRINT_KEYS: o->print_keys = true; break;
        case OPT_DEPLOYMENTS: o->deployments = optarg; break;
        case OPT_REQUEST_TIMEOUT: {
            tt_error derr;
            tt_error_clear(&derr);
            if (tt_parse_duration("--request-timeout", optarg, &o->request_timeout_ms, &derr) < 0) {
                fprintf(stderr, "ttstui: %s\n", derr.message);
                return 2;
            }
            break;
        }
        case OPT_SIZE:
            if (sscanf(optarg, "%dx%d", &o->cols, &o->rows) != 2 || o->cols < 1 || o->rows < 1) {
                fprintf(stderr, "ttstui: --headless-size wants COLSxROWS, e.g. 100x30\n");
                return 2;
            }
            break;
        case 'h': tui_usage(stdout); return 0;
        case ':':
            fprintf(stderr, "ttstui: %s needs a value (see ttstui --help)\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "ttstui: unknown option %s (see ttstui --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "ttstui: unexpected argument '%s' (see ttstui --help)\n", argv[optind]);
        return 2;
    }
    if (!o->config) {
        const char *env = getenv("TTSTUI_CONFIG");
        if (env && *env)
            o->config = env;
    }
    return -1;
}

/* keybindings: {action: [keys]} from the config file. */
static int apply_keybindings(const config *cfg, tui_keymap *km, tt_error *err)
{
    for (size_t i = 0; i < cfg->n_keybindings; i++) {
        const config_keybinding *kb = &cfg->keybindings[i];
        char source[512];
        snprintf(source, sizeof(source), "%s: keybindings", cfg->path ? cfg->path : "config");
        if (tui_keymap_bind_list(km, kb->action, (const char *const *)kb->keys, kb->n_keys, source,
                                 err) < 0)
            return -1;
    }
    return 0;
}

static int run(const options *o, tui_theme *theme, tui_keymap *km, const config *cfg)
{
    tt_error err;
    tt_error_clear(&err);
    tui_queue *q = tui_queue_new(&err);
    if (!q) {
        fprintf(stderr, "ttstui: %s\n", err.message);
        tui_theme_free(theme);
        tui_keymap_free(km);
        return 1;
    }
    tui_backend *backend = NULL;
    if (o->fake_backend) {
        backend = tui_backend_fake_new(q, o->fake_backend, &err);
    } else {
        /* Without a reachable cluster it still opens: the header says why
         * and the reflectors keep retrying. */
        tui_kube_options ko = {.kubeconfig = o->kubeconfig, .context = o->context,
                               .namespace_ = o->namespace_, .cfg = cfg, .readonly = o->readonly};
        backend = tui_backend_kube_new(q, &ko, &err);
    }
    {
        if (!backend) {
            fprintf(stderr, "ttstui: %s\n", err.message);
            tui_queue_free(q);
            tui_theme_free(theme);
            tui_keymap_free(km);
            return 1;
        }
    }
    const char *first_paint = getenv("TTSTUI_REPORT_FIRST_PAINT");
    const char *all_listed = getenv("TTSTUI_REPORT_ALL_LISTED");
    tui_app_options ao = {
        .cfg = cfg,
        .deployments = o->deployments ? o->deployments : cfg ? cfg->deployments_path : NULL,
        .first_paint_report = first_paint && *first_paint ? first_paint : NULL,
        .all_listed_report = all_listed && *all_listed ? all_listed : NULL,
        .readonly = o->readonly,
        .headless = o->headless_script != NULL,
        .rows = o->rows,
        .cols = o->cols,
        .context = o->context,
    };
    tui_app *app = tui_app_new(&ao, theme, km, q, backend);
    tui_term_options to = {.headless = ao.headless, .rows = o->rows, .cols = o->cols,
                           .force_ascii = o->ascii};
    if (tui_term_start(&to, &err) < 0) {
        tui_app_free(app);
        fprintf(stderr, "ttstui: %s\n", err.message);
        return 1;
    }
    tui_app_start(app);
    if (cfg->n_warnings)
        tui_app_message(app, TUI_STATUS_WARNING, "%s%s", cfg->warnings[0],
                        cfg->n_warnings > 1 ? " (and more)" : "");
    int rc = 0;
    char *screen = NULL;
    if (ao.headless) {
        rc = tui_headless_run(app, o->headless_script, o->headless_dump, &screen, &err) < 0 ? 1 : 0;
    } else {
        rc = tui_app_run(app);
    }
    tui_app_free(app); /* stops the backend's threads before curses ends */
    tui_term_stop();
    if (rc && ao.headless) {
        fprintf(stderr, "ttstui: %s\n", err.message);
        if (screen)
            fprintf(stderr, "--- screen ---\n%s--------------\n", screen);
    }
    free(screen);
    return rc;
}

int tui_main(int argc, char **argv)
{
    options o;
    int rc = parse(argc, argv, &o);
    if (rc >= 0)
        return rc;
    tui_keymap *km = tui_keymap_new();
    tt_error err;
    tt_error_clear(&err);
    config *cfg = config_load(o.config, &err);
    if (!cfg) {
        fprintf(stderr, "ttstui: %s\n", err.message);
        tui_keymap_free(km);
        return 2;
    }
    if (o.request_timeout_ms > 0)
        cfg->request_timeout_ms = o.request_timeout_ms;
    if (apply_keybindings(cfg, km, &err) < 0) {
        fprintf(stderr, "ttstui: %s\n", err.message);
        config_free(cfg);
        tui_keymap_free(km);
        return 2;
    }
    if (o.print_keys) { /* the keys as bound: defaults, then the settings */
        char *t = tui_keymap_table_text(km);
        fputs(t, stdout);
        free(t);
        config_free(cfg);
        tui_keymap_free(km);
        return 0;
    }
    /* --theme wins over the config file; "default" means the built-in dark. */
    const char *theme_name = o.theme;
    if (!theme_name && cfg->theme && strcmp(cfg->theme, "default") != 0)
        theme_name = cfg->theme;
    tui_theme *theme = tui_theme_load(theme_name, &err);
    if (!theme) {
        fprintf(stderr, "ttstui: %s\n", err.message);
        config_free(cfg);
        tui_keymap_free(km);
        return 2;
    }
    rc = run(&o, theme, km, cfg);
    config_free(cfg);
    return rc;
}
