/* The API operations: get, list, create, update, patch, apply, delete, logs,
 * and discovery through the client. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube_client_priv.h"
#include "kube_list_decode.h"

#define DEFAULT_PAGE 500
#define MAX_LOG_LINE ((size_t)1024 * 1024)

/* ---- query strings ---------------------------------------------------- */

static void q_add(tt_buf *q, const char *key, const char *value)
{
    if (!value)
        return;
    char *v = kube_url_escape(value);
    tt_buf_printf(q, "%c%s=%s", q->len ? '&' : '?', key, v);
    free(v);
}

static void q_add_long(tt_buf *q, const char *key, long value)
{
    char num[32];
    snprintf(num, sizeof num, "%ld", value);
    q_add(q, key, num);
}

static char *path_with_query(const kube_gvr *gvr, const char *ns, const char *name,
                             const char *sub, tt_buf *q)
{
    char *path = kube_gvr_path(gvr, ns, name, sub);
    char *out = tt_asprintf("%s%s", path, q->data ? q->data : "");
    free(path);
    tt_buf_free(q);
    return out;
}

static const char *meta_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(json_object_get(obj, "metadata"), key));
}

static bool need_name(const char *name, const char *what, tt_error *err)
{
    if (name && name[0])
        return true;
    tt_error_set(err, TT_EINVAL, "%s needs an object name (metadata.name is empty)", what);
    return false;
}

/* ---- reads ------------------------------------------------------------ */

json_t *kube_server_version(kube_client *c, tt_error *err)
{
    return kube_client_request_json(c, "GET", "/version", NULL, NULL, err);
}

json_t *kube_get(kube_client *c, const kube_gvr *gvr, const char *ns, const char *name,
                 tt_error *err)
{
    if (!need_name(name, "get", err))
        return NULL;
    char *path = kube_gvr_path(gvr, kube_client_ns(c, ns), name, NULL);
    json_t *out = kube_client_request_json(c, "GET", path, NULL, NULL, err);
    free(path);
    return out;
}

/* The path of one list page: the first asks for resourceVersion, the next
 * ones follow the continue token. Caller frees. */
static char *list_page_path(kube_client *c, const kube_gvr *gvr, const char *ns,
                            const kube_list_opts *opts, const char *cont)
{
    tt_buf q = TT_BUF_INIT;
    long limit = opts->page_size > 0 ? opts->page_size : DEFAULT_PAGE;
    if (!cont && opts->first_page_size > 0)
        limit = opts->first_page_size;
    q_add_long(&q, "limit", limit);
    q_add(&q, "labelSelector", opts->label_selector);
    q_add(&q, "fieldSelector", opts->field_selector);
    if (cont)
        q_add(&q, "continue", cont);
    else
        q_add(&q, "resourceVersion", opts->resource_version);
    return path_with_query(gvr, kube_client_ns(c, ns), NULL, NULL, &q);
}

int kube_list_pages(kube_client *c, const kube_gvr *gvr, const char *ns,
                    const kube_list_opts *opts, kube_list_page_fn fn, void *ud, tt_error *err)
{
    kube_list_opts none = {0};
    if (!opts)
        opts = &none;
    char *cont = NULL;
    int rc = 0;
    do {
        char *path = list_page_path(c, gvr, ns, opts, cont);
        json_t *page = kube_client_request_json(c, "GET", path, NULL, NULL, err);
        free(path);
        free(cont);
        cont = NULL;
        if (!page)
            return -1;
        if (!json_is_array(json_object_get(page, "items"))) {
            tt_error_set(err, TT_EPROTO, "the server's list of %s has no items array",
                         gvr->resource);
            json_decref(page);
            return -1;
        }
        const char *next = meta_str(page, "continue");
        if (next && next[0])
            cont = tt_strdup(next);
        if (fn(page, ud) != 0) {
            rc = 1;
            free(cont);
            cont = NULL;
        }
        json_decref(page);
    } while (cont);
    return rc;
}

/* One page's items to fn, its metadata to *info. 0, 1 (fn stopped the
 * list) or -1 with err set. */
static int decode_page(const kube_response *resp, const kube_field_mask *mask,
                       const char *resource, kube_list_item_fn fn, void *ud,
                       kube_list_page_info *info, tt_error *err)
{
    kube_list_decoder *d = kube_list_decoder_new(mask, resource, fn, ud);
    int rc = kube_list_decoder_feed(d, resp->body.data ? resp->body.data : "", resp->body.len, err);
    if (rc == 0)
        rc = kube_list_decoder_finish(d, err);
    const kube_list_page_info *got = kube_list_decoder_info(d);
    *info = *got;
    info->cont = tt_strdup(got->cont);
    info->resource_version = tt_strdup(got->resource_version);
    kube_list_decoder_free(d);
    return rc;
}

/* A continue token the server no longer honours (410 Expired: compacted
 * away) restarts the list from its first page, this many times at most. */
#define LIST_RESTARTS 3

int kube_list_items(kube_client *c, const kube_gvr *gvr, const char *ns,
                    const kube_list_opts *opts, kube_list_item_fn fn, void *ud, tt_error *err)
{
    return kube_list_items_rv(c, gvr, ns, opts, fn, ud, NULL, err);
}

static int fetch_page(kube_client *c, const kube_gvr *gvr, const char *ns,
                      const kube_list_opts *opts, const char *cont, kube_response *resp,
                      tt_error *err)
{
    char *path = list_page_path(c, gvr, ns, opts, cont);
    int rc = kube_client_request(c, "GET", path, NULL, NULL, 0, resp, err);
    free(path);
    return rc;
}

/* A continuation failed with err: true when the list starts again (410). */
static bool restart_after(const kube_list_opts *opts, void *ud, const tt_error *err,
                          int *restarts, char **resource_version)
{
    if (err->code != 410 || *restarts >= LIST_RESTARTS)
        return false;
    (*restarts)++;
    if (resource_version) {
        free(*resource_version);
        *resource_version = NULL;
    }
    if (opts->restart)
        opts->restart(ud);
    return true;
}

/* Page by page: each page is decoded as it comes, then the next asked for. */
int kube_list_items_rv(kube_client *c, const kube_gvr *gvr, const char *ns,
                       const kube_list_opts *opts, kube_list_item_fn fn, void *ud,
                       char **resource_version, tt_error *err)
{
    if (resource_version)
        *resource_version = NULL;
    kube_list_opts none = {0};
    if (!opts)
        opts = &none;
    kube_field_mask *mask = kube_field_mask_new(opts->fields, err);
    if (!mask)
        return -1;
    int restarts = 0, rc = 0;
    char *want = NULL; /* the page to ask for: NULL = the first */
    for (;;) {
        kube_response cur;
        if (fetch_page(c, gvr, ns, opts, want, &cur, err) != 0) {
            rc = -1;
            if (want && restart_after(opts, ud, err, &restarts, resource_version)) {
                free(want);
                want = NULL;
                rc = 0;
                continue; /* from the first page again */
            }
            break;
        }
        free(want);
        want = NULL;
        kube_list_page_info info;
        rc = decode_page(&cur, mask, gvr->resource, fn, ud, &info, err);
        kube_response_free(&cur);
        if (rc >= 0 && resource_version && !*resource_version) {
            *resource_version = info.resource_version;
            info.resource_version = NULL;
        }
        if (rc == 0 && opts->page)
            opts->page(&info, ud);
        want = info.cont;
        info.cont = NULL;
        kube_list_page_info_clear(&info);
        if (rc != 0 || !want)
            break;
    }
    free(want);
    kube_field_mask_free(mask);
    if (rc < 0 && resource_version) {
        free(*resource_version);
        *resource_version = NULL;
    }
    return rc;
}

static int collect_page(const json_t *page, void *ud)
{
    json_t *list = ud;
    if (!json_object_get(list, "kind")) {
        json_object_set(list, "kind", json_object_get(page, "kind"));
        json_object_set(list, "apiVersion", json_object_get(page, "apiVersion"));
        json_t *meta = json_object();
        const char *rv = meta_str(page, "resourceVersion");
        json_object_set_new(meta, "resourceVersion", json_string(rv ? rv : ""));
        json_object_set_new(list, "metadata", meta);
    }
    json_array_extend(json_object_get(list, "items"), json_object_get(page, "items"));
    return 0;
}

json_t *kube_list(kube_client *c, const kube_gvr *gvr, const char *ns,
                  const kube_list_opts *opts, tt_error *err)
{
    json_t *list = json_object();
    json_object_set_new(list, "items", json_array());
    if (kube_list_pages(c, gvr, ns, opts, collect_page, list, err) != 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}

/* ---- writes ----------------------------------------------------------- */

static void write_query(const kube_client *c, const kube_write_opts *opts, tt_buf *q)
{
    q_add(q, "fieldManager", opts && opts->field_manager ? opts->field_manager
                                                         : c->field_manager);
    if (opts && opts->dry_run)
        q_add(q, "dryRun", "All");
}

/* ns for a write of obj: explicit, else the object's, else the client's. */
static const char *object_ns(const kube_client *c, const char *ns, const json_t *obj)
{
    if (ns)
        return ns;
    const char *own = meta_str(obj, "namespace");
    return own && own[0] ? own : c->namespace_;
}

json_t *kube_create(kube_client *c, const kube_gvr *gvr, const char *ns, const json_t *obj,
                    const kube_write_opts *opts, tt_error *err)
{
    tt_buf q = TT_BUF_INIT;
    write_query(c, opts, &q);
    char *path = path_with_query(gvr, object_ns(c, ns, obj), NULL, NULL, &q);
    json_t *out = kube_client_request_json(c, "POST", path, NULL, obj, err);
    free(path);
    return out;
}

json_t *kube_update(kube_client *c, const kube_gvr *gvr, const char *ns, const char *name,
                    const json_t *obj, const kube_write_opts *opts, tt_error *err)
{
    if (!name)
        name = meta_str(obj, "name");
    if (!need_name(name, "update", err))
        return NULL;
    tt_buf q = TT_BUF_INIT;
    write_query(c, opts, &q);
    char *path = path_with_query(gvr, object_ns(c, ns, obj), name, NULL, &q);
    json_t *out = kube_client_request_json(c, "PUT", path, NULL, obj, err);
    free(path);
    return out;
}

json_t *kube_patch_merge(kube_client *c, const kube_gvr *gvr, const char *ns,
                         const char *name, const json_t *patch, const kube_write_opts *opts,
                         tt_error *err)
{
    if (!need_name(name, "patch", err))
        return NULL;
    tt_buf q = TT_BUF_INIT;
    write_query(c, opts, &q);
    char *path = path_with_query(gvr, kube_client_ns(c, ns), name, NULL, &q);
    json_t *out = kube_client_request_json(c, "PATCH", path, "application/merge-patch+json",
                                           patch, err);
    free(path);
    return out;
}

json_t *kube_apply(kube_client *c, const json_t *obj, const kube_apply_opts *opts,
                   bool *created, tt_error *err)
{
    kube_apply_opts none = {0};
    if (!opts)
        opts = &none;
    if (created)
        *created = false;
    const char *api_version = json_string_value(json_object_get(obj, "apiVersion"));
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    const char *name = meta_str(obj, "name");
    kube_gvr gvr;
    if (kube_discovery_map(c, api_version, kind, &gvr, err) != 0)
        return NULL;
    if (!need_name(name, "server-side apply", err))
        return NULL;
    tt_buf q = TT_BUF_INIT;
    q_add(&q, "fieldManager", opts->field_manager ? opts->field_manager : c->field_manager);
    q_add(&q, "fieldValidation", "Strict");
    q_add(&q, "force", opts->force ? "true" : "false");
    if (opts->dry_run)
        q_add(&q, "dryRun", "All");
    char *path = path_with_query(&gvr, object_ns(c, NULL, obj), name, NULL, &q);
    char *body = json_dumps(obj, JSON_COMPACT);
    kube_response resp;
    int rc = kube_client_request(c, "PATCH", path, "application/apply-patch+yaml", body,
                                 strlen(body), &resp, err);
    free(body);
    json_t *out = NULL;
    if (rc == 0) {
        out = json_loadb(resp.body.data ? resp.body.data : "", resp.body.len, 0, NULL);
        if (!json_is_object(out)) {
            json_decref(out);
            out = NULL;
            tt_error_set(err, TT_EPROTO, "the server answered the apply of %s \"%s\" with "
                         "something that is not a JSON object", kind, name);
        } else if (created) {
            *created = resp.status == 201;
        }
        kube_response_free(&resp);
    } else {
        tt_error_prefix(err, "apply %s \"%s\"", kind, name);
    }
    free(path);
    return out;
}

json_t *kube_delete(kube_client *c, const kube_gvr *gvr, const char *ns, const char *name,
                    const kube_delete_opts *opts, tt_error *err)
{
    static const char *const policies[] = {"Background", "Foreground", "Orphan"};
    if (!need_name(name, "delete", err))
        return NULL;
    kube_delete_opts none = {0};
    if (!opts)
        opts = &none;
    size_t p = (size_t)opts->propagation;
    json_t *body = json_pack("{s:s}", "propagationPolicy",
                             policies[p < TT_ARRAY_LEN(policies) ? p : 0]);
    tt_buf q = TT_BUF_INIT;
    if (opts->dry_run)
        q_add(&q, "dryRun", "All");
    char *path = path_with_query(gvr, kube_client_ns(c, ns), name, NULL, &q);
    json_t *out = kube_client_request_json(c, "DELETE", path, NULL, body, err);
    json_decref(body);
    free(path);
    return out;
}

/* ---- logs ------------------------------------------------------------- */

typedef struct log_state {
    tt_buf partial;
    kube_log_line_fn fn;
    void *ud;
} log_state;

static int emit_line(log_state *st, const char *line, size_t len)
{
    /* Copy so the callback gets a terminated string. */
    tt_buf one = TT_BUF_INIT;
    tt_buf_append(&one, line, len);
    tt_buf_putc(&one, '\0');
    int rc = st->fn(one.data, len, st->ud);
    tt_buf_free(&one);
    return rc;
}

static int log_sink(const char *data, size_t len, void *ud)
{
    log_state *st = ud;
    while (len > 0) {
        const char *nl = memchr(data, '\n', len);
        size_t take = nl ? (size_t)(nl - data) : len;
        tt_buf_append(&st->partial, data, take);
        if (nl || st->partial.len >= MAX_LOG_LINE) {
            int rc = emit_line(st, st->partial.data, st->partial.len);
            tt_buf_reset(&st->partial);
            if (rc != 0)
                return rc;
        }
        if (!nl)
            break;
        data = nl + 1;
        len -= take + 1;
    }
    return 0;
}

int kube_pod_logs(kube_client *c, const char *ns, const char *pod, const kube_log_opts *opts,
                  kube_log_line_fn fn, void *ud, tt_error *err)
{
    kube_log_opts none = {.tail_lines = -1};
    if (!opts)
        opts = &none;
    if (!need_name(pod, "logs", err))
        return -1;
    tt_buf q = TT_BUF_INIT;
    q_add(&q, "container", opts->container);
    if (opts->tail_lines >= 0)
        q_add_long(&q, "tailLines", opts->tail_lines);
    if (opts->since_seconds > 0)
        q_add_long(&q, "sinceSeconds", opts->since_seconds);
    if (opts->follow)
        q_add(&q, "follow", "true");
    if (opts->timestamps)
        q_add(&q, "timestamps", "true");
    if (opts->previous)
        q_add(&q, "previous", "true");
    char *path = path_with_query(&KUBE_GVR_PODS, kube_client_ns(c, ns), pod, "log", &q);
    log_state st = {TT_BUF_INIT, fn, ud};
    kube_http_req req = {
        .method = "GET",
        .path = path,
        .accept = "*/*",
        .sink = log_sink,
        .sink_ud = &st,
        .streaming = true,
        .stream_timeout_ms = opts->follow ? 0 : c->timeout_ms,
    };
    int rc = kube_http_do(c, &req, NULL, err);
    if (rc == 0 && st.partial.len > 0 && emit_line(&st, st.partial.data, st.partial.len) != 0)
        rc = 1;
    tt_buf_free(&st.partial);
    free(path);
    return rc;
}

/* ---- discovery -------------------------------------------------------- */

static char *group_version_path(const char *group_version)
{
    const char *slash = strchr(group_version, '/');
    if (!slash) {
        char *v = kube_url_escape(group_version);
        char *out = tt_asprintf("/api/%s", v);
        free(v);
        return out;
    }
    char *g = tt_strndup(group_version, (size_t)(slash - group_version));
    char *ge = kube_url_escape(g);
    char *ve = kube_url_escape(slash + 1);
    char *out = tt_asprintf("/apis/%s/%s", ge, ve);
    free(g);
    free(ge);
    free(ve);
    return out;
}

/* Fetches one group version into the cache. 0 also when the server does
 * not serve it (404, recorded as missing). */
static int fetch_group_version(kube_client *c, const char *group_version, tt_error *err)
{
    char *path = group_version_path(group_version);
    tt_error local;
    tt_error_clear(&local);
    json_t *list = kube_client_request_json(c, "GET", path, NULL, NULL, &local);
    free(path);
    if (!list) {
        if (local.code == 404) {
            kube_discovery_add_missing(c->discovery, group_version);
            return 0;
        }
        if (err)
            *err = local;
        tt_error_prefix(err, "discovering the resources of apiVersion %s", group_version);
        return -1;
    }
    int rc = kube_discovery_add_resource_list(c->discovery, list, err);
    json_decref(list);
    return rc;
}

int kube_discovery_map(kube_client *c, const char *api_version, const char *kind,
                       kube_gvr *out, tt_error *err)
{
    if (!api_version || !api_version[0] || !kind || !kind[0])
        return kube_discovery_lookup(c->discovery, api_version, kind, out, err);
    if (kube_discovery_knows(c->discovery, api_version) &&
        kube_discovery_lookup(c->discovery, api_version, kind, out, NULL) == 0)
        return 0;
    /* Not cached, or cached without this kind: a CRD may have appeared. */
    if (fetch_group_version(c, api_version, err) != 0)
        return -1;
    return kube_discovery_lookup(c->discovery, api_version, kind, out, err);
}

static void add_versions_of_group(const json_t *group, json_t *gvs)
{
    const char *preferred = json_string_value(
        json_object_get(json_object_get(group, "preferredVersion"), "groupVersion"));
    if (preferred)
        json_array_append_new(gvs, json_string(preferred));
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(group, "versions"), i, v) {
        const char *gv = json_string_value(json_object_get(v, "groupVersion"));
        if (gv && !tt_streq(gv, preferred))
            json_array_append_new(gvs, json_string(gv));
    }
}

int kube_discovery_fetch_all(kube_client *c, tt_error *err)
{
    json_t *gvs = json_array();
    tt_error local;
    tt_error_clear(&local);
    json_t *core = kube_client_request_json(c, "GET", "/api", NULL, NULL, &local);
    if (!core && local.code != 404) {
        if (err)
            *err = local;
        json_decref(gvs);
        return -1;
    }
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(core, "versions"), i, v)
        if (json_is_string(v))
            json_array_append(gvs, (json_t *)v);
    json_decref(core);
    json_t *groups = kube_client_request_json(c, "GET", "/apis", NULL, NULL, err);
    if (!groups) {
        json_decref(gvs);
        return -1;
    }
    json_array_foreach(json_object_get(groups, "groups"), i, v)
        add_versions_of_group(v, gvs);
    json_decref(groups);
    kube_discovery_clear(c->discovery);
    int rc = 0;
    json_array_foreach(gvs, i, v) {
        /* Like kubectl, one broken group (an aggregated API that is down)
         * does not hide the others; a cancel or unreachable server does. */
        tt_error one;
        tt_error_clear(&one);
        if (fetch_group_version(c, json_string_value(v), &one) != 0 &&
            (one.code == TT_ECANCELED || one.code == TT_ENET || one.code == TT_ETIMEDOUT)) {
            if (err)
                *err = one;
            rc = -1;
            break;
        }
    }
    json_decref(gvs);
    return rc;
}
