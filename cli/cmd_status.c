/*
 * ttstui status: the fleet as a table or JSON. A fixed number of requests
 * (one paged list per resource type across all namespaces, one GET for the
 * pin), fed page by page into core/fleet, so the whole list is never held
 * in memory and nothing is asked per model.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_internal.h"
#include "fleet.h"
#include "health.h"

/* Small pages keep the peak memory low (a decoded page of revisions is
 * about ten times its JSON text) at a few more round trips. */
#define STATUS_PAGE_SIZE 250

typedef struct feed {
    fleet *f;
    fleet_kind kind;
    char **names; /* namespace names, when collecting for the fallback */
    size_t n_names;
    bool collect;
} feed;

static int feed_item(const json_t *item, void *ud)
{
    feed *fd = ud;
    fleet_apply(fd->f, fd->kind, item, false);
    if (fd->collect) {
        const char *n =
            json_string_value(json_object_get(json_object_get(item, "metadata"), "name"));
        if (n) {
            fd->names = tt_realloc(fd->names, (fd->n_names + 1) * sizeof(char *));
            fd->names[fd->n_names++] = tt_strdup(n);
        }
    }
    return 0;
}

static int list_into(cli_session *s, feed *fd, const kube_gvr *gvr, const char *ns,
                     fleet_kind kind, tt_error *err)
{
    kube_list_opts lo = {.page_size = STATUS_PAGE_SIZE};
    fd->kind = kind;
    return kube_list_items(s->client, gvr, ns, &lo, feed_item, fd, err) < 0 ? -1 : 0;
}

static void free_names(feed *fd)
{
    for (size_t i = 0; i < fd->n_names; i++)
        free(fd->names[i]);
    free(fd->names);
    fd->names = NULL;
    fd->n_names = 0;
}

/* Cluster-wide listing was Forbidden: one list per namespace instead. */
static int list_per_namespace(cli_session *s, feed *fd, tt_error *err)
{
    fd->collect = true;
    tt_error nerr;
    tt_error_clear(&nerr);
    if (list_into(s, fd, &KUBE_GVR_NAMESPACES, NULL, FLEET_KIND_NAMESPACE, &nerr) < 0) {
        if (nerr.code != 403) {
            *err = nerr;
            return -1;
        }
        const char *own = kube_client_namespace(s->client);
        cli_warn(s->cmd,
                 "listing namespaces is forbidden too: showing only namespace %s (choose one "
                 "with -n or MODEL)",
                 own);
        fd->names = tt_calloc(1, sizeof(char *));
        fd->names[0] = tt_strdup(own);
        fd->n_names = 1;
    }
    fd->collect = false;
    for (size_t i = 0; i < fd->n_names; i++) {
        if (list_into(s, fd, &KUBE_GVR_KSVC, fd->names[i], FLEET_KIND_SERVICE, err) < 0 ||
            list_into(s, fd, &KUBE_GVR_REVISIONS, fd->names[i], FLEET_KIND_REVISION, err) < 0) {
            if (err->code == 403) {
                tt_error_clear(err);
                continue; /* a namespace we may not read is not shown */
            }
            return -1;
        }
    }
    return 0;
}

static int load_fleet(cli_session *s, fleet *f, const char *model, tt_error *err)
{
    feed fd = {.f = f};
    int rc = 0;
    if (model) {
        json_t *ns = kube_get(s->client, &KUBE_GVR_NAMESPACES, NULL, model, err);
        if (ns)
            fleet_apply(f, FLEET_KIND_NAMESPACE, ns, false);
        json_decref(ns);
        if (!ns && err->code != 404 && err->code != 403)
            return -1;
        tt_error_clear(err);
        if (list_into(s, &fd, &KUBE_GVR_KSVC, model, FLEET_KIND_SERVICE, err) < 0 ||
            list_into(s, &fd, &KUBE_GVR_REVISIONS, model, FLEET_KIND_REVISION, err) < 0)
            return -1;
    } else if (list_into(s, &fd, &KUBE_GVR_KSVC, "", FLEET_KIND_SERVICE, err) < 0) {
        if (err->code != 403)
            return -1;
        cli_warn(s->cmd,
                 "listing Knative services across all namespaces is forbidden for this user "
                 "(%s): listing per namespace instead, two requests per namespace",
                 err->message);
        tt_error_clear(err);
        rc = list_per_namespace(s, &fd, err);
        free_names(&fd);
        if (rc < 0)
            return -1;
    } else if (list_into(s, &fd, &KUBE_GVR_REVISIONS, "", FLEET_KIND_REVISION, err) < 0) {
        return -1;
    } else if (list_into(s, &fd, &KUBE_GVR_NAMESPACES, NULL, FLEET_KIND_NAMESPACE, err) < 0) {
        if (err->code != 403)
            return -1;
        /* Namespaces only tell which models are terminating. */
        cli_warn(s->cmd, "listing namespaces is forbidden: terminating models are not marked");
        tt_error_clear(err);
    }
    json_t *pin = kube_get(s->client, &KUBE_GVR_KONGCLUSTERPLUGINS, NULL, "latest-pinned-service",
                           err);
    if (pin)
        fleet_apply(f, FLEET_KIND_PIN, pin, false);
    else if (err->code == 404 || err->code == 403)
        tt_error_clear(err); /* no pin (or no Kong CRD): nothing pinned */
    else
        return -1;
    json_decref(pin);
    return 0;
}

/* ---- table ---------------------------------------------------------------- */

enum { COL_MODEL, COL_READY, COL_STREAM, COL_VALIDATE, COL_TRAFFIC, COL_IMAGE, COL_SCALE,
       COL_AGE, COL_PIN, COL_NOTES, N_COLS };

static const char *const headers[N_COLS] = {
    "MODEL", "READY", "STREAM", "VALIDATE", "TRAFFIC", "IMAGE", "SCALE", "AGE", "PIN", "NOTES",
};

static const char *version_of(const char *revision, const char *service)
{
    if (!revision)
        return NULL;
    size_t n = strlen(service);
    if (strncmp(revision, service, n) == 0 && revision[n] == '-')
        return revision + n + 1;
    return revision;
}

static const fleet_revision *find_revision(const fleet_service *sv, const char *name)
{
    for (size_t i = 0; name && i < sv->n_revisions; i++)
        if (tt_streq(sv->revisions[i].name, name))
            return &sv->revisions[i];
    return NULL;
}

static const char *ready_word(const fleet_model *m)
{
    if (m->terminating)
        return "Terminating";
    if (!m->stream.present || !m->validate.present)
        return "Incomplete";
    if (fleet_model_ready(m))
        return "Ready";
    if (m->stream.ready == FLEET_COND_FALSE || m->validate.ready == FLEET_COND_FALSE)
        return "NotReady";
    return "Pending";
}

/* "3", "2:50%,3:50%", "-" */
static char *traffic_of(const fleet_service *sv, const char *service)
{
    tt_buf b = TT_BUF_INIT;
    size_t shown = 0;
    for (size_t i = 0; i < sv->n_traffic; i++) {
        const fleet_traffic *t = &sv->traffic[i];
        if (t->percent <= 0)
            continue;
        const char *v = t->revision ? version_of(t->revision, service) : "latest";
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

static void model_row(const fleet_model *m, long long now, char *cells[N_COLS])
{
    const fleet_service *st = &m->stream, *va = &m->validate;
    const fleet_revision *srev = find_revision(st, st->latest_ready);
    const fleet_revision *vrev = find_revision(va, va->latest_ready);
    cells[COL_MODEL] = tt_strdup(m->name);
    cells[COL_READY] = tt_strdup(ready_word(m));
    const char *sv = version_of(st->latest_ready, "stream");
    const char *vv = version_of(va->latest_ready, "validate");
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
    cells[COL_AGE] = m->created ? health_format_age(now - m->created) : tt_strdup("-");
    cells[COL_PIN] = tt_strdup(m->pinned_latest ? "latest" : "");
    tt_buf notes = TT_BUF_INIT;
    bool sp = fleet_service_traffic_pinned(st), vp = fleet_service_traffic_pinned(va);
    if (sp || vp)
        tt_buf_printf(&notes, "traffic pinned away from latest (%s)",
                      sp && vp ? "both" : sp ? "stream" : "validate");
    if (fleet_model_versions_differ(m))
        tt_buf_printf(&notes, "%sstream and validate serve different versions",
                      notes.len ? "; " : "");
    cells[COL_NOTES] = tt_buf_steal(&notes);
}

static void print_table(const fleet *f, const char *model)
{
    size_t n = fleet_model_count(f);
    char *(*rows)[N_COLS] = tt_calloc(n ? n : 1, sizeof(*rows));
    size_t width[N_COLS], nrows = 0;
    for (int c = 0; c < N_COLS; c++)
        width[c] = strlen(headers[c]);
    long long now = (long long)time(NULL);
    for (size_t i = 0; i < n; i++) {
        const fleet_model *m = fleet_model_at(f, i);
        if (model && !tt_streq(m->name, model))
            continue;
        model_row(m, now, rows[nrows]);
        for (int c = 0; c < N_COLS; c++)
            if (strlen(rows[nrows][c]) > width[c])
                width[c] = strlen(rows[nrows][c]);
        nrows++;
    }
    tt_buf line = TT_BUF_INIT;
    for (size_t r = 0; r <= nrows; r++) {
        tt_buf_reset(&line);
        for (int c = 0; c < N_COLS; c++) {
            const char *cell = r == 0 ? headers[c] : rows[r - 1][c];
            if (c == N_COLS - 1)
                tt_buf_puts(&line, cell);
            else
                tt_buf_printf(&line, "%-*s   ", (int)width[c], cell);
        }
        while (line.len && line.data[line.len - 1] == ' ')
            line.data[--line.len] = '\0';
        puts(line.data);
    }
    tt_buf_free(&line);
    for (size_t r = 0; r < nrows; r++)
        for (int c = 0; c < N_COLS; c++)
            free(rows[r][c]);
    free(rows);
}

static int dump_stdout(const char *buf, size_t size, void *ud)
{
    return fwrite(buf, 1, size, ud) == size ? 0 : -1;
}

int cli_cmd_status(cli_session *s)
{
    const char *model = s->o->n_args ? s->o->args[0] : s->o->namespace_;
    tt_error err;
    tt_error_clear(&err);
    if (cli_connect(s, &err) < 0)
        return cli_fail(s->cmd, &err);
    fleet *f = fleet_new();
    int rc = CLI_EXIT_OK;
    if (load_fleet(s, f, model, &err) < 0) {
        rc = cli_fail(s->cmd, &err);
    } else if (s->o->output == CLI_OUTPUT_JSON) {
        fleet_status_json_dump(f, model, dump_stdout, stdout);
        fputc('\n', stdout);
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
