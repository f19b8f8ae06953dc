/*
 * ttstui status: the fleet as a table or JSON. A fixed number of requests
 * (one paged list per resource type across all namespaces, one GET for the
 * pin, see ops_fleet_load), so nothing is asked per model. With
 * --all-contexts or --contexts, one row per model and a column group per
 * context, each context loaded on its own (ops_fleet_load_contexts).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_internal.h"
#include "tt_text.h"
#include "fleet.h"
#include "fleet_cross.h"
#include "kube_config.h"
#include "health.h"

static void warn_cli(const char *message, void *ud)
{
    cli_warn(ud, "%s", message);
}

static int load_fleet(cli_session *s, fleet *f, const char *model, tt_error *err)
{
    ops_fleet_load_opts lo = {.warn = warn_cli, .ud = (void *)s->cmd};
    return ops_fleet_load(s->client, f, model, &lo, err);
}

/* ---- table ---------------------------------------------------------------- */

enum { COL_MODEL, COL_READY, COL_STREAM, COL_VALIDATE, COL_TRAFFIC, COL_IMAGE, COL_SCALE,
       COL_AGE, COL_PIN, COL_NOTES, N_COLS };

static const char *const headers[N_COLS] = {
    "MODEL", "READY", "STREAM", "VALIDATE", "TRAFFIC", "IMAGE", "SCALE", "AGE", "PIN", "NOTES",
};

/* "3", "2:50%,3:50%", "-" */
static char *traffic_of(const fleet_service *sv, const char *service)
{
    tt_buf b = TT_BUF_INIT;
    size_t shown = 0;
    for (size_t i = 0; i < sv->n_traffic; i++) {
        const fleet_traffic *t = &sv->traffic[i];
        if (t->percent <= 0)
            continue;
        const char *v = t->revision ? fleet_version_of(t->revision, service) : "latest";
        tt_buf_printf(&b, "%s%s", shown ? "," : "", v);
        if (t->percent != 100)
            tt_buf_printf(&b, ":%d%%", t->percent);
        shown++;
    }
    if (!shown)
        tt_buf_puts(&b, "-");
    return tt_buf_steal(&b);
}

static char *short_image(const char *image)
{
    if (!image)
        return tt_strdup("-");
    const char *at = strstr(image, "@sha256:");
    if (at)
        return tt_asprintf("sha256:%.12s", at + 8);
    const char *slash = strrchr(image, '/');
    return tt_strdup(slash ? slash + 1 : image);
}

static char *scale_of(const fleet_revision *r)
{
    if (!r)
        return tt_strdup("-");
    char lo[24] = "-", hi[24] = "-";
    if (r->min_scale >= 0)
        snprintf(lo, sizeof(lo), "%d", r->min_scale);
    if (r->max_scale >= 0)
        snprintf(hi, sizeof(hi), "%d", r->max_scale);
    return tt_asprintf("%s-%s", lo, hi);
}

/* Every cell but AGE (print_rows: from the time of printing). */
static void model_row(const fleet_model *m, char *cells[N_COLS])
{
    const fleet_service *st = &m->stream, *va = &m->validate;
    const fleet_revision *srev = fleet_service_revision(st, st->latest_ready);
    const fleet_revision *vrev = fleet_service_revision(va, va->latest_ready);
    cells[COL_MODEL] = tt_strdup(m->name);
    cells[COL_READY] = tt_strdup(fleet_model_ready_word(m));
    const char *sv = fleet_version_of(st->latest_ready, "stream");
    const char *vv = fleet_version_of(va->latest_ready, "validate");
    cells[COL_STREAM] = tt_strdup(sv ? sv : "-");
    cells[COL_VALIDATE] = tt_strdup(vv ? vv : "-");
    char *ts = traffic_of(st, "stream"), *tv = traffic_of(va, "validate");
    if (strcmp(ts, tv) == 0) {
        cells[COL_TRAFFIC] = ts;
        free(tv);
    } else {
        cells[COL_TRAFFIC] = tt_asprintf("s:%s v:%s", ts, tv);
        free(ts);
        free(tv);
    }
    cells[COL_IMAGE] = short_image(srev ? srev->image : vrev ? vrev->image : NULL);
    char *ss = scale_of(srev), *vs = scale_of(vrev);
    if (strcmp(ss, vs) == 0) {
        cells[COL_SCALE] = ss;
        free(vs);
    } else {
        cells[COL_SCALE] = tt_asprintf("%s/%s", ss, vs);
        free(ss);
        free(vs);
    }
    cells[COL_PIN] = tt_strdup(m->pinned_latest ? "latest" : "");
    tt_buf notes = TT_BUF_INIT;
    bool sp = fleet_service_traffic_pinned(st), vp = fleet_service_traffic_pinned(va);
    if (sp || vp)
        tt_buf_printf(&notes, "traffic pinned away from latest (%s)",
                      sp && vp ? "both" : sp ? "stream" : "validate");
    if (fleet_model_versions_differ(m))
        tt_buf_printf(&notes, "%sstream and validate serve different versions",
                      notes.len ? "; " : "");
    for (int i = 0; i < 2; i++) { /* from the cluster: one line, nothing a terminal obeys */
        const fleet_service *svc = i ? va : st;
        if (!svc->present || !svc->rollout_duration)
            continue;
        char *rd = tt_text_clean(svc->rollout_duration, 0);
        tt_buf_printf(&notes, "%s%s rollout-duration %s", notes.len ? "; " : "",
                      i ? "validate" : "stream", rd);
        free(rd);
    }
    cells[COL_NOTES] = tt_buf_steal(&notes);
}

/* A table cell as it will be printed (cleaned, one line: a newline or tab
 * from the cluster would break the row), so that columns are measured from
 * that text; returns width widened to the cell's terminal cells. */
static size_t clean_cell(char **cell, size_t width)
{
    if (!tt_text_is_clean(*cell, 0)) {
        char *clean = tt_text_clean(*cell, 0);
        free(*cell);
        *cell = clean;
    }
    size_t w = tt_text_width(*cell);
    return w > width ? w : width;
}

/* The rows (cells taken over and freed), aligned under the headers; each
 * row's AGE from its model's creation (ages[r], 0 unknown) to now. */
static void print_rows(char *(*rows)[N_COLS], const long long *ages, size_t nrows)
{
    size_t width[N_COLS];
    for (int c = 0; c < N_COLS; c++)
        width[c] = strlen(headers[c]);
    long long now = (long long)time(NULL);
    for (size_t r = 0; r < nrows; r++) {
        rows[r][COL_AGE] = ages[r] ? health_format_age(now - ages[r]) : tt_strdup("-");
        for (int c = 0; c < N_COLS; c++)
            width[c] = clean_cell(&rows[r][c], width[c]);
    }
    tt_buf line = TT_BUF_INIT;
    for (size_t r = 0; r <= nrows; r++) {
        tt_buf_reset(&line);
        for (int c = 0; c < N_COLS; c++) {
            const char *cell = r == 0 ? headers[c] : rows[r - 1][c];
            if (c == N_COLS - 1) {
                tt_buf_puts(&line, cell);
            } else {
                tt_text_pad_append(&line, cell, width[c]);
                tt_buf_puts(&line, "   ");
            }
        }
        while (line.len && line.data[line.len - 1] == ' ')
            line.data[--line.len] = '\0';
        cli_out("%s\n", line.data);
    }
    tt_buf_free(&line);
}

static void free_rows(char *(*rows)[N_COLS], size_t nrows)
{
    for (size_t r = 0; r < nrows; r++)
        for (int c = 0; c < N_COLS; c++)
            free(rows[r][c]);
    free(rows);
}

static void print_table(const fleet *f, const char *model)
{
    size_t n = fleet_model_count(f);
    char *(*rows)[N_COLS] = tt_calloc(n ? n : 1, sizeof(*rows));
    long long *ages = tt_calloc(n ? n : 1, sizeof(*ages));
    size_t nrows = 0;
    for (size_t i = 0; i < n; i++) {
        const fleet_model *m = fleet_model_at(f, i);
        if (model && !tt_streq(m->name, model))
            continue;
        model_row(m, rows[nrows]);
        ages[nrows++] = m->created;
    }
    print_rows(rows, ages, nrows);
    free_rows(rows, nrows);
    free(ages);
}

/* JSON text to stdout (fleet_json_out escapes it for the terminal and
 * passes it on in pieces of about 64 KiB). */
static int write_stdout(const char *buf, size_t size, void *ud)
{
    return fwrite(buf, 1, size, ud) == size ? 0 : -1;
}

/* ---- every model, written as each is complete ------------------------------ */

typedef struct status_stream {
    const char *cmd;          /* warnings go to it */
    fleet_json_out *o;        /* -o json */
    size_t n;                 /* models so far */
    char *(*rows)[N_COLS];    /* table: one row per model, printed at the end */
    long long *ages;
    size_t cap;
} status_stream;

static void stream_warn(const char *message, void *ud)
{
    const status_stream *st = ud;
    cli_warn(st->cmd, "%s", message);
}

static void stream_model(const fleet_model *m, void *ud)
{
    status_stream *st = ud;
    if (st->o) {
        fleet_json_out_model(st->o, m, NULL, NULL); /* after a failure (stdout gone): nothing */
    } else {
        if (st->n == st->cap) {
            st->cap = st->cap ? st->cap * 2 : 64;
            st->rows = tt_realloc(st->rows, st->cap * sizeof(*st->rows));
            st->ages = tt_realloc(st->ages, st->cap * sizeof(*st->ages));
        }
        model_row(m, st->rows[st->n]);
        st->rows[st->n][COL_AGE] = NULL; /* print_rows: from the time of printing */
        st->ages[st->n] = m->created;
    }
    st->n++;
}

/* `status` of one context, every model: the revisions list is streamed and
 * each model written once complete (ops_fleet_status_stream), so 200,000
 * revisions are never held; the table keeps only its rows. On a failure
 * part way, the JSON written so far stays (without its closing bracket)
 * and the command fails; the table prints nothing. */
static int status_stream_all(cli_session *s)
{
    status_stream st = {.cmd = s->cmd};
    if (s->o->output == CLI_OUTPUT_JSON)
        st.o = fleet_json_out_new(FLEET_JSON_PRETTY, write_stdout, stdout);
    ops_fleet_stream_opts so = {.warn = stream_warn, .model = stream_model, .ud = &st};
    tt_error err;
    tt_error_clear(&err);
    int rc = CLI_EXIT_OK;
    if (ops_fleet_status_stream(s->client, &so, &err) < 0) {
        if (st.o)
            fleet_json_out_flush(st.o);
        rc = cli_fail(s->cmd, &err);
    } else if (st.o) {
        fleet_json_out_end(st.o);
    } else {
        print_rows(st.rows, st.ages, st.n);
    }
    fleet_json_out_free(st.o);
    free_rows(st.rows, st.o ? 0 : st.n);
    free(st.ages);
    return rc;
}

static int status_contexts(cli_session *s);

/* TTSTUI_STATUS_HOLD=1 (a diagnostic, for tests): `status` loads the whole
 * fleet before writing, as `status MODEL` does, instead of streaming. */
static bool status_hold(void)
{
    const char *v = getenv("TTSTUI_STATUS_HOLD");
    return v && v[0] && strcmp(v, "0") != 0;
}

int cli_cmd_status(cli_session *s)
{
    if (s->o->all_contexts || s->o->n_contexts)
        return status_contexts(s);
    const char *model = s->o->n_args ? s->o->args[0] : s->o->namespace_;
    tt_error err;
    tt_error_clear(&err);
    if (cli_connect(s, &err) < 0)
        return cli_fail(s->cmd, &err);
    if (!model && !status_hold())
        return status_stream_all(s);
    fleet *f = fleet_new();
    int rc = CLI_EXIT_OK;
    if (load_fleet(s, f, model, &err) < 0) {
        rc = cli_fail(s->cmd, &err);
    } else if (s->o->output == CLI_OUTPUT_JSON) {
        fleet_status_json_dump(f, model, write_stdout, stdout);
    } else if (model && !fleet_find(f, model)) {
        cli_errorf(s->cmd, "model %s not found: namespace %s holds no Knative service stream or "
                           "validate on context %s",
                   model, model, cli_context_name(s));
        rc = CLI_EXIT_FAILED;
    } else {
        print_table(f, model);
    }
    fleet_free(f);
    return rc;
}

/* ---- across contexts ----------------------------------------------------------- */

/* A context's load answers within this unless --timeout says otherwise. */
#define STATUS_CONTEXTS_TIMEOUT_MS (10LL * 1000)

/* The contexts to show: --contexts, else the settings' contexts, else
 * every context of the kubeconfig; each must be in the kubeconfig. NULL
 * (after printing why) on a usage error; *n gets the count. */
static const char **pick_contexts(cli_session *s, kube_config *kc, size_t *n)
{
    char *const *names = s->o->contexts;
    size_t count = s->o->n_contexts;
    if (!count && s->cfg->n_contexts) {
        names = s->cfg->contexts;
        count = s->cfg->n_contexts;
    }
    const char **out = tt_calloc(count ? count : kube_config_context_count(kc) + 1,
                                 sizeof(char *));
    *n = 0;
    if (!count) {
        for (size_t i = 0; i < kube_config_context_count(kc); i++)
            out[(*n)++] = kube_config_context_at(kc, i)->name;
    } else {
        for (size_t i = 0; i < count; i++) {
            if (!kube_config_find_context(kc, names[i])) {
                cli_errorf(s->cmd, "context %s is not in the kubeconfig (%s)", names[i],
                           kube_config_file_count(kc) ? kube_config_file_at(kc, 0)
                                                      : "no kubeconfig file found");
                free(out);
                return NULL;
            }
            out[(*n)++] = names[i];
        }
    }
    if (*n == 0) {
        cli_errorf(s->cmd, "the kubeconfig has no contexts to show");
        free(out);
        return NULL;
    }
    return out;
}

/* Column labels: the environments when each context maps to its own,
 * else the context names. */
static void pick_labels(const ops_context_fleet *cf, size_t n, const char **labels)
{
    bool envs = true;
    for (size_t i = 0; i < n && envs; i++) {
        envs = cf[i].env != NULL;
        for (size_t j = 0; envs && j < i; j++)
            envs = !tt_streq(cf[i].env, cf[j].env);
    }
    for (size_t i = 0; i < n; i++)
        labels[i] = envs ? cf[i].env : cf[i].context;
}

/* The names of every model in any loaded context, sorted, once each. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char **model_union(const ops_context_fleet *cf, size_t n, const char *only,
                                size_t *count)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += cf[i].fleet ? fleet_model_count(cf[i].fleet) : 0;
    const char **names = tt_calloc(total ? total : 1, sizeof(char *));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; cf[i].fleet && j < fleet_model_count(cf[i].fleet); j++) {
            const char *name = fleet_model_at(cf[i].fleet, j)->name;
            if (!only || tt_streq(name, only))
                names[k++] = name;
        }
    qsort(names, k, sizeof(char *), cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || strcmp(names[u - 1], names[i]) != 0)
            names[u++] = names[i];
    *count = u;
    return names;
}

/* "sha256:1234…" (12 hex digits), "tag v12" for an image by tag, "-". */
static char *digest_cell(const fleet_cross_cell *c)
{
    if (c->digest)
        return tt_asprintf("%.19s", c->digest);
    if (!c->image)
        return tt_strdup("-");
    const char *slash = strrchr(c->image, '/');
    const char *colon = strrchr(slash ? slash : c->image, ':');
    return tt_asprintf("tag %s", colon ? colon + 1 : "latest");
}

static void print_cross_table(const ops_context_fleet *cf, const size_t *live, size_t n_live,
                              const char **labels, const char *const *models, size_t n_models)
{
    size_t ncols = 1 + 3 * n_live + 1;
    char ***rows = tt_calloc(n_models + 1, sizeof(char **));
    size_t *width = tt_calloc(ncols, sizeof(size_t));
    rows[0] = tt_calloc(ncols, sizeof(char *));
    rows[0][0] = tt_strdup("MODEL");
    for (size_t c = 0; c < n_live; c++) {
        rows[0][1 + 3 * c] = tt_strdup(labels[live[c]]);
        rows[0][2 + 3 * c] = tt_strdup("READY");
        rows[0][3 + 3 * c] = tt_strdup("DIGEST");
    }
    rows[0][ncols - 1] = tt_strdup("NOTES");
    fleet_cross_cell *cells = tt_calloc(n_live ? n_live : 1, sizeof(*cells));
    const char **clabels = tt_calloc(n_live ? n_live : 1, sizeof(char *));
    for (size_t m = 0; m < n_models; m++) {
        char **row = rows[m + 1] = tt_calloc(ncols, sizeof(char *));
        row[0] = tt_strdup(models[m]);
        for (size_t c = 0; c < n_live; c++) {
            const ops_context_fleet *x = &cf[live[c]];
            fleet_cross_cell_of(fleet_find(x->fleet, models[m]), &cells[c]);
            clabels[c] = labels[live[c]];
            row[1 + 3 * c] = tt_strdup(cells[c].version ? cells[c].version : "-");
            row[2 + 3 * c] = tt_strdup(cells[c].ready);
            row[3 + 3 * c] = digest_cell(&cells[c]);
        }
        row[ncols - 1] = fleet_cross_notes(cells, clabels, n_live);
    }
    for (size_t r = 0; r <= n_models; r++)
        for (size_t c = 0; c < ncols; c++)
            width[c] = clean_cell(&rows[r][c], width[c]);
    tt_buf line = TT_BUF_INIT;
    for (size_t r = 0; r <= n_models; r++) {
        tt_buf_reset(&line);
        for (size_t c = 0; c < ncols; c++) {
            if (c == ncols - 1) {
                tt_buf_puts(&line, rows[r][c]);
            } else {
                tt_text_pad_append(&line, rows[r][c], width[c]);
                tt_buf_puts(&line, "   ");
            }
        }
        while (line.len && line.data[line.len - 1] == ' ')
            line.data[--line.len] = '\0';
        cli_out("%s\n", line.data);
    }
    tt_buf_free(&line);
    for (size_t r = 0; r <= n_models; r++) {
        for (size_t c = 0; c < ncols; c++)
            free(rows[r][c]);
        free(rows[r]);
    }
    free(rows);
    free(width);
    free(cells);
    free(clabels);
}

/* -o json: one object per model and context (a line each), as status -o
 * json with "context" and "env" first; written one object at a time. */
static void print_cross_json(const ops_context_fleet *cf, size_t n, const char *only)
{
    fleet_json_out *o = fleet_json_out_new(FLEET_JSON_LINES_WITH_CONTEXT, write_stdout, stdout);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; cf[i].fleet && j < fleet_model_count(cf[i].fleet); j++) {
            const fleet_model *m = fleet_model_at(cf[i].fleet, j);
            if (!only || tt_streq(m->name, only))
                fleet_json_out_model(o, m, cf[i].context, cf[i].env);
        }
    }
    fleet_json_out_end(o);
    fleet_json_out_free(o);
}

static int status_contexts(cli_session *s)
{
    const char *model = s->o->n_args ? s->o->args[0] : s->o->namespace_;
    tt_error err;
    tt_error_clear(&err);
    kube_config *kc = kube_config_load(s->o->kubeconfig, &err);
    if (!kc) {
        err.code = TT_EINVAL;
        return cli_fail(s->cmd, &err);
    }
    size_t n = 0;
    const char **names = pick_contexts(s, kc, &n);
    if (!names) {
        kube_config_free(kc);
        return CLI_EXIT_USAGE;
    }
    ops_context_fleet *cf = tt_calloc(n, sizeof(*cf));
    for (size_t i = 0; i < n; i++) {
        cf[i].context = names[i];
        cf[i].env = safety_env_of_context(s->cfg, names[i]);
    }
    long long timeout = s->o->timeout_set ? s->o->timeout_ms : STATUS_CONTEXTS_TIMEOUT_MS;
    ops_fleet_load_contexts(s->o->kubeconfig, model, timeout, cf, n);

    int rc = CLI_EXIT_OK;
    size_t *live = tt_calloc(n, sizeof(size_t)), n_live = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t w = 0; w < cf[i].n_warnings; w++)
            cli_warn(s->cmd, "context %s: %s", cf[i].context, cf[i].warnings[w]);
        if (cf[i].fleet) {
            live[n_live++] = i;
        } else {
            cli_errorf(s->cmd, "context %s is unreachable: %s", cf[i].context, cf[i].err.message);
            rc = CLI_EXIT_FAILED;
        }
    }
    const char **labels = tt_calloc(n, sizeof(char *));
    pick_labels(cf, n, labels);
    if (s->o->output == CLI_OUTPUT_JSON) {
        print_cross_json(cf, n, model);
    } else if (n_live) {
        size_t n_models = 0;
        const char **models = model_union(cf, n, model, &n_models);
        if (model && n_models == 0) {
            cli_errorf(s->cmd, "model %s not found in any of the reachable contexts", model);
            rc = CLI_EXIT_FAILED;
        } else {
            print_cross_table(cf, live, n_live, labels, models, n_models);
        }
        free(models);
    }
    for (size_t i = 0; i < n; i++)
        ops_context_fleet_clear(&cf[i]);
    free(cf);
    free(live);
    free(labels);
    free(names);
    kube_config_free(kc);
    return rc;
}
