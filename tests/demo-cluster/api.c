/*
 * The HTTP side: libmicrohttpd daemon (one thread per connection), request
 * routing, authentication, fault injection and the REST verbs over the
 * store (list, get, create, update, patch, apply, delete).
 */
#include "dc.h"

#include <ctype.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_BODY (16u * 1024u * 1024u)
#define DEMO_USER "kubernetes-admin"

typedef struct dc_req {
    tt_buf body;
    bool too_big;
} dc_req;

static struct MHD_Daemon *g_daemon;

/* Requests served, by kind, for GET /debug/requests (bench/run.sh counts
 * what one refresh costs). Updated atomically from connection threads. */
enum { RQ_TOTAL, RQ_LIST, RQ_LIST_CONTINUE, RQ_WATCH, RQ_GET, RQ_WRITE, RQ_INJECTED, RQ_N };
static unsigned long g_requests[RQ_N];

static void count_request(int kind)
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
static unsigned g_rand_state = 12345;
static pthread_mutex_t g_rand_mu = PTHREAD_MUTEX_INITIALIZER;

void dc_fail_set(dc_fail *f, int code, const char *reason, const char *fmt, ...)
{
    f->code = code;
    tt_strlcpy(f->reason, reason, sizeof f->reason);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
}

/* ---- responses ---------------------------------------------------------- */

/* The status of the last answer queued on this thread (one thread per
 * connection): --stall-kind holds only answers to stored writes. */
static __thread int t_last_status;

enum MHD_Result dc_send(struct MHD_Connection *c, int code, const char *ctype, char *body,
                        size_t len)
{
    t_last_status = code;
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Cache-Control", "no-cache, private");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)code, r);
    MHD_destroy_response(r);
    return ret;
}

enum MHD_Result dc_send_json(struct MHD_Connection *c, int code, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    size_t n = strlen(text);
    /* MHD frees with free(); jansson's default allocator is malloc */
    return dc_send(c, code, "application/json", text, n);
}

enum MHD_Result dc_send_status(struct MHD_Connection *c, int code, const char *reason,
                               const char *fmt, ...)
{
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dc_send_json(c, code, dc_status(code, reason, msg));
}

static enum MHD_Result send_fail(struct MHD_Connection *c, dc_fail *f)
{
    json_t *st = dc_status(f->code, f->reason, f->message);
    if (f->details) {
        json_object_set_new(st, "details", f->details);
        f->details = NULL;
    }
    return dc_send_json(c, f->code, st);
}

bool dc_peer_gone(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci)
        return true;
    struct pollfd p = {ci->connect_fd, POLLRDHUP, 0};
    if (poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)))
        return true;
    return false;
}

/* ---- helpers ------------------------------------------------------------ */

static const char *arg(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

static const char *header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static bool truthy(const char *v) { return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0); }

static bool want_table(struct MHD_Connection *c)
{
    const char *a = header(c, "Accept");
    return a && strstr(a, "as=Table") != NULL;
}

static const char *kind_qualified(const dc_resource *r, char *buf, size_t n)
{
    if (r->group[0])
        snprintf(buf, n, "%s.%s", r->kind, r->group);
    else
        snprintf(buf, n, "%s", r->kind);
    return buf;
}

static void fail_not_found(dc_fail *f, dc_resource *r, const char *name)
{
    dc_fail_set(f, 404, "NotFound", "%s \"%s\" not found", dc_resource_qualified(r), name);
    f->details = json_pack("{s:s, s:s, s:s}", "name", name, "group", r->group, "kind", r->plural);
}

static bool dns_label(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' ||
              s[i] == '.'))
            return false;
    return true;
}

static char *object_user_agent_manager(struct MHD_Connection *c)
{
    const char *ua = header(c, "User-Agent");
    if (!ua || !*ua)
        return tt_strdup("unknown");
    size_t n = strcspn(ua, "/ ");
    return tt_strndup(ua, n);
}

/* Compares everything but metadata and status. */
static bool spec_changed(json_t *a, json_t *b)
{
    const char *k;
    json_t *v;
    size_t na = 0, nb = 0;
    json_object_foreach(a, k, v) {
        if (!strcmp(k, "metadata") || !strcmp(k, "status"))
            continue;
        na++;
        if (!json_equal(v, json_object_get(b, k)))
            return true;
    }
    json_object_foreach(b, k, v)
        if (strcmp(k, "metadata") && strcmp(k, "status"))
            nb++;
    return na != nb;
}

static void set_managed_fields(json_t *obj, json_t *old_obj, const char *manager,
                               const char *operation, const char *api_version, json_t *applied)
{
    json_t *mf = json_array();
    json_t *old_mf = dc_jget(old_obj, "metadata.managedFields");
    size_t i;
    json_t *e;
    json_array_foreach(old_mf, i, e) {
        if (tt_streq(dc_jstr(e, "manager"), manager) &&
            tt_streq(dc_jstr(e, "operation"), operation))
            continue;
        json_array_append(mf, e);
    }
    json_array_append_new(mf, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "manager", manager,
                                        "operation", operation, "apiVersion", api_version,
                                        "time", dc_now_rfc3339(), "fieldsType", "FieldsV1",
                                        "fieldsV1", dc_fields_v1(applied ? applied : obj)));
    dc_jset(obj, "metadata.managedFields", mf);
}

/*
 * Completes an object for storing: validation, namespace checks, metadata,
 * status handling, generation, resource defaults and admission.
 */
static bool prepare(dc_resource *r, json_t *obj, dc_object *old, bool internal,
                    const char *manager, const char *operation, json_t *applied, dc_fail *f)
{
    const char *name = dc_jstr(obj, "metadata.name");
    char kq[128];
    if (!name || !*name) {
        dc_fail_set(f, 422, "Invalid", "%s \"\" is invalid: metadata.name: Required value: name or generateName is required",
                    kind_qualified(r, kq, sizeof kq));
        return false;
    }
    size_t max = (r == DC_NAMESPACES || r == DC_KSVC || r == DC_SERVICES) ? 63 : 253;
    if (!dns_label(name, max) || ((r == DC_NAMESPACES || r == DC_KSVC) && strchr(name, '.'))) {
        dc_fail_set(f, 422, "Invalid",
                    "%s \"%s\" is invalid: metadata.name: Invalid value: \"%s\": a lowercase RFC 1123 %s must consist of lower case alphanumeric characters, '-'%s, and must start and end with an alphanumeric character",
                    kind_qualified(r, kq, sizeof kq), name, name,
                    max == 63 ? "label" : "subdomain", max == 63 ? "" : " or '.'");
        f->details = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}", "name", name, "group",
                               r->group, "kind", r->kind, "causes", "reason", "FieldValueInvalid",
                               "message", "Invalid value", "field", "metadata.name");
        return false;
    }
    const char *ns = dc_jstr(obj, "metadata.namespace");
    if (r->namespaced && !internal) {
        dc_object *nso = dc_store_get(DC_NAMESPACES, NULL, ns ? ns : "");
        if (!nso) {
            fail_not_found(f, DC_NAMESPACES, ns ? ns : "");
            return false;
        }
        if (!old && dc_jget(nso->obj, "metadata.deletionTimestamp")) {
            dc_fail_set(f, 403, "Forbidden",
                        "%s \"%s\" is forbidden: unable to create new content in namespace %s because it is being terminated",
                        dc_resource_qualified(r), name, ns);
            return false;
        }
    }
    if (!r->namespaced && !internal)
        json_object_del(json_object_get(obj, "metadata"), "namespace");
    json_object_set_new(obj, "apiVersion", json_string(dc_resource_api_version(r)));
    json_object_set_new(obj, "kind", json_string(r->kind));
    json_t *md = json_object_get(obj, "metadata");
    if (old) {
        json_t *omd = json_object_get(old->obj, "metadata");
        static const char *const keep[] = {"uid", "creationTimestamp", "deletionTimestamp",
                                           "generation", "managedFields"};
        for (size_t i = 0; i < TT_ARRAY_LEN(keep); i++) {
            json_t *v = json_object_get(omd, keep[i]);
            if (v)
                json_object_set(md, keep[i], v);
            else
                json_object_del(md, keep[i]);
        }
        if (r->has_status && !internal) {
            json_t *st = json_object_get(old->obj, "status");
            if (st)
                json_object_set(obj, "status", st);
            else
                json_object_del(obj, "status");
        }
        if (r->has_generation) {
            json_int_t gen = json_integer_value(json_object_get(omd, "generation"));
            if (spec_changed(obj, old->obj))
                gen++;
            json_object_set_new(md, "generation", json_integer(gen ? gen : 1));
        }
    } else {
        char *uid = dc_new_uid();
        json_object_set_new(md, "uid", json_string(uid));
        free(uid);
        json_object_set_new(md, "creationTimestamp", json_string(dc_now_rfc3339()));
        json_object_del(md, "deletionTimestamp");
        json_object_del(md, "resourceVersion");
        json_object_del(md, "managedFields");
        if (r->has_status && !internal && r != DC_PODS)
            json_object_del(obj, "status");
        if (r->has_generation &&
            !(internal && json_integer_value(json_object_get(md, "generation")) > 0))
            json_object_set_new(md, "generation", json_integer(1));
    }
    if (r == DC_NAMESPACES) {
        if (!json_is_array(dc_jget(obj, "spec.finalizers")))
            dc_jset(obj, "spec.finalizers", json_pack("[s]", "kubernetes"));
        if (!dc_jget(obj, "status.phase"))
            dc_jset(obj, "status.phase", json_string("Active"));
        dc_jset_key(obj, "metadata.labels", "kubernetes.io/metadata.name", json_string(name));
    }
    if (r == DC_SECRETS) {
        json_t *sd = json_object_get(obj, "stringData");
        if (json_is_object(sd)) {
            const char *k;
            json_t *v;
            json_t *data = json_object_get(obj, "data");
            if (!json_is_object(data)) {
                data = json_object();
                json_object_set_new(obj, "data", data);
            }
            json_object_foreach(sd, k, v) {
                const char *s = json_string_value(v);
                char *b = tt_base64_encode(s ? s : "", s ? strlen(s) : 0);
                json_object_set_new(data, k, json_string(b));
                free(b);
            }
            json_object_del(obj, "stringData");
        }
        if (!json_object_get(obj, "type"))
            json_object_set_new(obj, "type", json_string("Opaque"));
    }
    if (!internal && (r == DC_KSVC || r == DC_KCONFIG || r == DC_KREV || r == DC_KROUTE)) {
        json_t *old_obj = old ? old->obj : NULL;
        if (!kn_default_and_validate(r, obj, old_obj, f))
            return false;
    }
    if (manager)
        set_managed_fields(obj, old ? old->obj : NULL, manager, operation,
                           dc_resource_api_version(r), applied);
    return true;
}

dc_object *dc_write(dc_resource *r, json_t *obj, bool create, bool internal, const char *manager,
                    dc_fail *f)
{
    const char *ns = r->namespaced ? dc_jstr(obj, "metadata.namespace") : NULL;
    const char *name = dc_jstr(obj, "metadata.name");
    dc_object *old = name ? dc_store_get(r, ns, name) : NULL;
    if (create && old) {
        dc_fail_set(f, 409, "AlreadyExists", "%s \"%s\" already exists",
                    dc_resource_qualified(r), name);
        json_decref(obj);
        return NULL;
    }
    if (!prepare(r, obj, old, internal, manager, "Update", NULL, f)) {
        json_decref(obj);
        return NULL;
    }
    return dc_store_put(r, obj);
}

static bool owned_by(json_t *obj, const char *uid)
{
    size_t i;
    json_t *ref;
    json_array_foreach(dc_jget(obj, "metadata.ownerReferences"), i, ref)
        if (tt_streq(dc_jstr(ref, "uid"), uid))
            return true;
    return false;
}

void dc_delete_cascade(dc_resource *r, const char *ns, const char *name)
{
    dc_object *o = dc_store_get(r, ns, name);
    if (!o)
        return;
    char *uid = tt_strdup(dc_jstr(o->obj, "metadata.uid"));
    char *nsc = tt_strdup(o->ns);
    dc_store_delete(r, ns, name);
    if (uid && *nsc) {
        for (int i = 0; dc_resources[i]; i++) {
            dc_resource *cr = dc_resources[i];
            if (!cr->namespaced)
                continue;
            size_t n;
            dc_object **items = dc_store_range(cr, nsc, &n);
            char **names = NULL;
            size_t nn = 0;
            for (size_t j = 0; j < n; j++) {
                if (strcmp(items[j]->ns, nsc) == 0 && owned_by(items[j]->obj, uid)) {
                    names = tt_realloc(names, (nn + 1) * sizeof *names);
                    names[nn++] = tt_strdup(items[j]->name);
                }
            }
            for (size_t j = 0; j < nn; j++) {
                dc_delete_cascade(cr, nsc, names[j]);
                free(names[j]);
            }
            free(names);
        }
    }
    free(uid);
    free(nsc);
}

/* ---- list ---------------------------------------------------------------- */

static char *continue_token(unsigned long long rv, const char *key)
{
    json_t *t = json_pack("{s:i, s:I, s:s}", "v", 1, "rv", (json_int_t)rv, "start", key);
    char *text = json_dumps(t, JSON_COMPACT);
    json_decref(t);
    char *b = tt_base64_encode(text, strlen(text));
    free(text);
    return b;
}

static bool parse_continue(const char *tok, unsigned long long *rv, char **start)
{
    size_t n;
    unsigned char *raw = tt_base64_decode(tok, &n);
    if (!raw)
        return false;
    json_t *t = json_loadb((const char *)raw, n, 0, NULL);
    free(raw);
    const char *s = dc_jstr(t, "start");
    if (!s || !json_is_integer(json_object_get(t, "rv"))) {
        json_decref(t);
        return false;
    }
    *rv = (unsigned long long)json_integer_value(json_object_get(t, "rv"));
    *start = tt_strdup(s);
    json_decref(t);
    return true;
}

static enum MHD_Result do_list(struct MHD_Connection *c, dc_resource *r, const char *ns)
{
    tt_error err;
    tt_error_clear(&err);
    dc_selector *sel = dc_selector_parse(arg(c, "labelSelector"), arg(c, "fieldSelector"), &err);
    if (!sel)
        return dc_send_status(c, 400, "BadRequest", "%s", err.message);
    if (truthy(arg(c, "watch"))) {
        count_request(RQ_WATCH);
        const char *ts = arg(c, "timeoutSeconds");
        return dc_watch_serve(c, r, ns, sel, arg(c, "resourceVersion"), want_table(c),
                              ts ? atoi(ts) : 0, truthy(arg(c, "allowWatchBookmarks")));
    }
    const char *limit_s = arg(c, "limit");
    long limit = limit_s ? atol(limit_s) : 0;
    const char *cont = arg(c, "continue");
    count_request(cont && *cont ? RQ_LIST_CONTINUE : RQ_LIST);
    if (cont && *cont)
        dc_fault_hold_list_page(); /* --hold-list-pages; before the store's lock */
    bool table = want_table(c);
    unsigned long long list_rv = 0;
    char *start = NULL;
    dc_lock();
    if (cont && *cont) {
        if (!parse_continue(cont, &list_rv, &start)) {
            dc_unlock();
            dc_selector_free(sel);
            return dc_send_status(c, 400, "BadRequest", "continue key is not valid: illegal base64 data");
        }
        if (list_rv < dc_store_oldest_rv()) {
            dc_unlock();
            dc_selector_free(sel);
            free(start);
            return dc_send_status(c, 410, "Expired",
                                  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
        }
    } else {
        list_rv = dc_store_rv();
    }
    size_t n;
    dc_object **items = dc_store_range(r, ns, &n);
    size_t lo = 0;
    if (start) {
        /* binary search for the first key after start */
        size_t a = 0, b = n;
        while (a < b) {
            size_t m = (a + b) / 2;
            if (strcmp(items[m]->key, start) <= 0)
                a = m + 1;
            else
                b = m;
        }
        lo = a;
    }
    tt_buf body = TT_BUF_INIT;
    char rvs[32];
    snprintf(rvs, sizeof rvs, "%llu", list_rv);
    bool direct = !table && limit <= 0; /* no continue: the header is known now */
    if (direct) {
        size_t est = 256;
        for (size_t i = lo; i < n; i++)
            est += items[i]->json_len + 1;
        body.data = tt_malloc(est);
        body.cap = est;
        body.data[0] = '\0';
        tt_buf_printf(&body,
                      "{\"kind\":\"%sList\",\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":\"%s\"},\"items\":[",
                      r->kind, dc_resource_api_version(r), rvs);
    }
    bool match_all = dc_selector_empty(sel);
    json_t **tobjs = NULL;
    size_t count = 0, remaining = 0;
    const char *last_key = NULL;
    bool more = false;
    /* Without a selector every item after the page matches: the rest is
     * counted, not walked (walking made each page O(collection)). */
    const char *ls = arg(c, "labelSelector"), *fs = arg(c, "fieldSelector");
    bool any_selector = (ls && *ls) || (fs && *fs);
    for (size_t i = lo; i < n; i++) {
        dc_object *o = items[i];
        if (ns && strcmp(o->ns, ns) != 0)
            continue;
        if (limit > 0 && (long)count >= limit && !any_selector) {
            more = true;
            remaining = n - i;
            break;
        }
        if (!match_all && !dc_selector_match(sel, o->obj))
            continue;
        if (limit > 0 && (long)count >= limit) {
            more = true;
            remaining++;
            continue;
        }
        if (table) {
            tobjs = tt_realloc(tobjs, (count + 1) * sizeof *tobjs);
            tobjs[count] = o->obj;
        } else {
            size_t len;
            const char *j = dc_object_json(o, &len);
            if (count)
                tt_buf_putc(&body, ',');
            tt_buf_append(&body, j, len);
        }
        last_key = o->key;
        count++;
    }
    char *tok = more && last_key ? continue_token(list_rv, last_key) : NULL;
    enum MHD_Result ret;
    if (table) {
        json_t *t = dc_table_new(r, tobjs, count, true);
        dc_unlock();
        json_t *md = json_pack("{s:s}", "resourceVersion", rvs);
        if (tok) {
            json_object_set_new(md, "continue", json_string(tok));
            json_object_set_new(md, "remainingItemCount", json_integer((json_int_t)remaining));
        }
        json_object_set_new(t, "metadata", md);
        ret = dc_send_json(c, 200, t);
        free(tobjs);
    } else if (direct) {
        dc_unlock();
        tt_buf_puts(&body, "]}");
        size_t len = body.len;
        ret = dc_send(c, 200, "application/json", tt_buf_steal(&body), len);
    } else {
        dc_unlock();
        tt_buf out = TT_BUF_INIT;
        tt_buf_printf(&out,
                      "{\"kind\":\"%sList\",\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":\"%s\"",
                      r->kind, dc_resource_api_version(r), rvs);
        if (tok)
            tt_buf_printf(&out, ",\"continue\":\"%s\",\"remainingItemCount\":%zu", tok, remaining);
        tt_buf_puts(&out, "},\"items\":[");
        if (body.len)
            tt_buf_append(&out, body.data, body.len);
        tt_buf_puts(&out, "]}");
        tt_buf_free(&body);
        size_t len = out.len;
        ret = dc_send(c, 200, "application/json", tt_buf_steal(&out), len);
    }
    free(tok);
    free(start);
    dc_selector_free(sel);
    return ret;
}

/* ---- writes -------------------------------------------------------------- */

static json_t *parse_body(dc_req *rq, dc_fail *f)
{
    json_error_t je;
    if (!rq->body.len) {
        dc_fail_set(f, 400, "BadRequest", "the request body is empty");
        return NULL;
    }
    json_t *j = json_loadb(rq->body.data, rq->body.len, 0, &je);
    if (!j) {
        dc_fail_set(f, 400, "BadRequest",
                    "the body of the request was in an unknown format - accepted media types include: application/json (demo cluster: %s at line %d)",
                    je.text, je.line);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        dc_fail_set(f, 400, "BadRequest", "the request body must be a JSON object");
        return NULL;
    }
    return j;
}

/* Checks apiVersion/kind/namespace/name of a body against the URL. */
static bool check_body(dc_resource *r, json_t *obj, const char *ns, const char *name,
                       dc_fail *f)
{
    const char *av = dc_jstr(obj, "apiVersion"), *kind = dc_jstr(obj, "kind");
    if ((av && strcmp(av, dc_resource_api_version(r)) != 0) ||
        (kind && strcmp(kind, r->kind) != 0)) {
        dc_fail_set(f, 400, "BadRequest",
                    "the API version in the data (%s) does not match the expected API version (%s)",
                    av ? av : "", dc_resource_api_version(r));
        if (av && strcmp(av, dc_resource_api_version(r)) == 0)
            dc_fail_set(f, 400, "BadRequest", "the kind in the data (%s) does not match the expected kind (%s)",
                        kind, r->kind);
        return false;
    }
    if (!json_is_object(json_object_get(obj, "metadata")))
        json_object_set_new(obj, "metadata", json_object());
    if (r->namespaced) {
        const char *bns = dc_jstr(obj, "metadata.namespace");
        if (bns && *bns && ns && strcmp(bns, ns) != 0) {
            dc_fail_set(f, 400, "BadRequest",
                        "the namespace of the provided object does not match the namespace sent on the request");
            return false;
        }
        if (ns)
            dc_jset(obj, "metadata.namespace", json_string(ns));
    }
    const char *bname = dc_jstr(obj, "metadata.name");
    if (name) {
        if (bname && strcmp(bname, name) != 0) {
            dc_fail_set(f, 400, "BadRequest",
                        "the name of the object (%s) does not match the name on the URL (%s)",
                        bname, name);
            return false;
        }
        dc_jset(obj, "metadata.name", json_string(name));
    } else if (!bname) {
        const char *gen = dc_jstr(obj, "metadata.generateName");
        if (gen) {
            static const char alnum[] = "bcdfghjklmnpqrstvwxz2456789";
            char sfx[6];
            pthread_mutex_lock(&g_rand_mu);
            for (int i = 0; i < 5; i++)
                sfx[i] = alnum[rand_r(&g_rand_state) % (sizeof alnum - 1)];
            pthread_mutex_unlock(&g_rand_mu);
            sfx[5] = '\0';
            char *full = tt_asprintf("%s%s", gen, sfx);
            dc_jset(obj, "metadata.name", json_string(full));
            free(full);
        }
    }
    return true;
}

static bool dry_run(struct MHD_Connection *c, dc_fail *f)
{
    const char *d = arg(c, "dryRun");
    if (!d)
        return false;
    if (strcmp(d, "All") != 0) {
        dc_fail_set(f, 400, "BadRequest", "Invalid dry run value: %s: supported values: \"All\"", d);
        return false;
    }
    return true;
}

static enum MHD_Result respond_object(struct MHD_Connection *c, int code, dc_resource *r,
                                      json_t *obj, bool table)
{
    if (table) {
        json_t *t = dc_table_new(r, &obj, 1, true);
        json_decref(obj);
        return dc_send_json(c, code, t);
    }
    return dc_send_json(c, code, obj);
}

static enum MHD_Result do_create(struct MHD_Connection *c, dc_req *rq, dc_resource *r,
                                 const char *ns)
{
    dc_fail f = {0};
    json_t *obj = parse_body(rq, &f);
    if (!obj)
        return send_fail(c, &f);
    bool dry = dry_run(c, &f);
    if (f.code || !check_body(r, obj, ns, NULL, &f)) {
        json_decref(obj);
        return send_fail(c, &f);
    }
    char *mgr = arg(c, "fieldManager") ? tt_strdup(arg(c, "fieldManager"))
                                       : object_user_agent_manager(c);
    dc_lock();
    const char *name = dc_jstr(obj, "metadata.name");
    if (name && dc_store_get(r, ns, name)) {
        dc_unlock();
        free(mgr);
        dc_fail_set(&f, 409, "AlreadyExists", "%s \"%s\" already exists", dc_resource_qualified(r), name);
        f.details = json_pack("{s:s, s:s, s:s}", "name", name, "group", r->group, "kind", r->plural);
        json_decref(obj);
        return send_fail(c, &f);
    }
    if (!prepare(r, obj, NULL, false, mgr, "Update", NULL, &f)) {
        dc_unlock();
        free(mgr);
        json_decref(obj);
        return send_fail(c, &f);
    }
    free(mgr);
    json_t *result;
    if (dry) {
        result = obj;
    } else {
        dc_object *o = dc_store_put(r, obj);
        result = json_deep_copy(o->obj);
    }
    dc_unlock();
    return respond_object(c, 201, r, result, want_table(c));
}

static enum MHD_Result finish_update(struct MHD_Connection *c, dc_resource *r, dc_object *old,
                                     json_t *obj, bool dry, const char *mgr, const char *op,
                                     json_t *applied, bool status_only, int code)
{
    dc_fail f = {0};
    if (status_only) {
        json_t *st = json_object_get(obj, "status");
        json_t *merged = json_deep_copy(old->obj);
        if (st)
            json_object_set(merged, "status", st);
        json_decref(obj);
        obj = merged;
    }
    if (!prepare(r, obj, old, status_only, mgr, op, applied, &f)) {
        dc_unlock();
        json_decref(obj);
        return send_fail(c, &f);
    }
    if (applied && truthy(arg(c, "force")))
        dc_fault_release_fields(obj, applied, mgr);
    json_t *result;
    if (dry) {
        if (old)
            dc_jset(obj, "metadata.resourceVersion",
                    json_string(dc_jstr(old->obj, "metadata.resourceVersion")));
        result = obj;
    } else {
        dc_object *o = dc_store_put(r, obj);
        result = json_deep_copy(o->obj);
    }
    dc_unlock();
    return respond_object(c, code, r, result, want_table(c));
}

static enum MHD_Result do_update(struct MHD_Connection *c, dc_req *rq, dc_resource *r,
                                 const char *ns, const char *name, bool status_only)
{
    dc_fail f = {0};
    json_t *obj = parse_body(rq, &f);
    if (!obj)
        return send_fail(c, &f);
    bool dry = dry_run(c, &f);
    if (f.code || !check_body(r, obj, ns, name, &f)) {
        json_decref(obj);
        return send_fail(c, &f);
    }
    char *mgr = arg(c, "fieldManager") ? tt_strdup(arg(c, "fieldManager"))
                                       : object_user_agent_manager(c);
    dc_lock();
    dc_object *old = dc_store_get(r, ns, name);
    if (!old) {
        dc_unlock();
        free(mgr);
        json_decref(obj);
        fail_not_found(&f, r, name);
        return send_fail(c, &f);
    }
    const char *rv = dc_jstr(obj, "metadata.resourceVersion");
    if (rv && *rv && strcmp(rv, dc_jstr(old->obj, "metadata.resourceVersion")) != 0) {
        dc_unlock();
        free(mgr);
        json_decref(obj);
        dc_fail_set(&f, 409, "Conflict",
                    "Operation cannot be fulfilled on %s \"%s\": the object has been modified; please apply your changes to the latest version and try again",
                    dc_resource_qualified(r), name);
        f.details = json_pack("{s:s, s:s, s:s}", "name", name, "group", r->group, "kind", r->plural);
        return send_fail(c, &f);
    }
    enum MHD_Result ret = finish_update(c, r, old, obj, dry, mgr, "Update", NULL, status_only, 200);
    free(mgr);
    return ret;
}

/* Names of top-level fields, labels and annotations a manager applied before. */
static bool manager_owned(json_t *old_obj, const char *manager, const char *path)
{
    size_t i;
    json_t *e;
    json_array_foreach(dc_jget(old_obj, "metadata.managedFields"), i, e) {
        if (!tt_streq(dc_jstr(e, "manager"), manager) || !tt_streq(dc_jstr(e, "operation"), "Apply"))
            continue;
        json_t *fv = json_object_get(e, "fieldsV1");
        char part[300];
        const char *p = path;
        while (fv && *p) {
            const char *dot = strchr(p, '\x1f');
            size_t n = dot ? (size_t)(dot - p) : strlen(p);
            snprintf(part, sizeof part, "f:%.*s", (int)n, p);
            fv = json_object_get(fv, part);
            p = dot ? dot + 1 : p + n;
        }
        if (fv)
            return true;
    }
    return false;
}

static json_t *apply_merge(json_t *old_obj, json_t *applied, const char *manager)
{
    json_t *out = json_deep_copy(old_obj);
    const char *k;
    json_t *v;
    /* drop top-level fields this manager applied before and no longer does */
    void *tmp;
    json_object_foreach_safe(out, tmp, k, v) {
        if (!strcmp(k, "apiVersion") || !strcmp(k, "kind") || !strcmp(k, "metadata") ||
            !strcmp(k, "status"))
            continue;
        if (!json_object_get(applied, k) && manager_owned(old_obj, manager, k))
            json_object_del(out, k);
    }
    json_object_foreach(applied, k, v) {
        if (!strcmp(k, "metadata") || !strcmp(k, "status"))
            continue;
        json_object_set_new(out, k, json_deep_copy(v));
    }
    json_t *amd = json_object_get(applied, "metadata");
    json_t *omd = json_object_get(out, "metadata");
    static const char *const maps[] = {"labels", "annotations"};
    for (size_t i = 0; i < 2; i++) {
        json_t *am = json_object_get(amd, maps[i]);
        json_t *om = json_object_get(omd, maps[i]);
        if (json_is_object(om)) {
            json_object_foreach_safe(om, tmp, k, v) {
                char path[300];
                snprintf(path, sizeof path, "metadata\x1f%s\x1f%s", maps[i], k);
                if (!json_object_get(am, k) && manager_owned(old_obj, manager, path))
                    json_object_del(om, k);
            }
        }
        if (json_is_object(am)) {
            if (!json_is_object(om)) {
                om = json_object();
                json_object_set_new(omd, maps[i], om);
            }
            json_object_update(om, am);
        }
    }
    static const char *const lists[] = {"ownerReferences", "finalizers"};
    for (size_t i = 0; i < 2; i++)
        if (json_object_get(amd, lists[i]))
            json_object_set(omd, lists[i], json_object_get(amd, lists[i]));
    return out;
}

static enum MHD_Result do_patch(struct MHD_Connection *c, dc_req *rq, dc_resource *r,
                                const char *ns, const char *name, bool status_only)
{
    dc_fail f = {0};
    const char *ct = header(c, "Content-Type");
    if (!ct)
        ct = "";
    bool apply = tt_str_has_prefix(ct, "application/apply-patch");
    bool merge = tt_str_has_prefix(ct, "application/merge-patch+json") ||
                 tt_str_has_prefix(ct, "application/strategic-merge-patch+json");
    bool jpatch = tt_str_has_prefix(ct, "application/json-patch+json");
    if (!apply && !merge && !jpatch)
        return dc_send_status(c, 415, "UnsupportedMediaType",
                              "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json");
    bool dry = dry_run(c, &f);
    if (f.code)
        return send_fail(c, &f);
    json_t *patch;
    if (jpatch) {
        json_error_t je;
        patch = json_loadb(rq->body.data ? rq->body.data : "", rq->body.len, 0, &je);
        if (!patch)
            return dc_send_status(c, 400, "BadRequest", "invalid JSON patch: %s", je.text);
    } else {
        patch = parse_body(rq, &f);
        if (!patch) {
            if (apply && rq->body.len && rq->body.data[0] != '{')
                dc_fail_set(&f, 400, "BadRequest",
                            "the demo cluster accepts apply bodies as JSON only (send the YAML document as JSON)");
            return send_fail(c, &f);
        }
    }
    const char *mgr_arg = arg(c, "fieldManager");
    if (apply && (!mgr_arg || !*mgr_arg)) {
        json_decref(patch);
        return dc_send_status(c, 400, "BadRequest",
                              "PATCH /apply requests require a non-empty fieldManager");
    }
    if (apply && !check_body(r, patch, ns, name, &f)) {
        json_decref(patch);
        return send_fail(c, &f);
    }
    char *mgr = mgr_arg ? tt_strdup(mgr_arg) : object_user_agent_manager(c);
    dc_lock();
    dc_object *old = dc_store_get(r, ns, name);
    enum MHD_Result ret;
    if (apply) {
        if (!old) {
            json_t *obj = json_deep_copy(patch);
            if (!prepare(r, obj, NULL, false, mgr, "Apply", patch, &f)) {
                dc_unlock();
                json_decref(obj);
                ret = send_fail(c, &f);
            } else {
                json_t *result = obj;
                if (!dry) {
                    dc_object *o = dc_store_put(r, obj);
                    result = json_deep_copy(o->obj);
                }
                dc_unlock();
                ret = respond_object(c, 201, r, result, want_table(c));
            }
        } else if (dc_fault_apply_conflicts(old->obj, patch, mgr, truthy(arg(c, "force")), &f)) {
            dc_unlock();
            ret = send_fail(c, &f);
        } else {
            json_t *obj = apply_merge(old->obj, patch, mgr);
            ret = finish_update(c, r, old, obj, dry, mgr, "Apply", patch, status_only, 200);
        }
        json_decref(patch);
        free(mgr);
        return ret;
    }
    if (!old) {
        dc_unlock();
        json_decref(patch);
        free(mgr);
        fail_not_found(&f, r, name);
        return send_fail(c, &f);
    }
    json_t *obj;
    if (jpatch) {
        tt_error err;
        tt_error_clear(&err);
        obj = dc_json_patch(old->obj, patch, &err);
        if (!obj) {
            dc_unlock();
            json_decref(patch);
            free(mgr);
            return dc_send_status(c, 422, "Invalid", "%s", err.message);
        }
    } else {
        const char *rv = dc_jstr(patch, "metadata.resourceVersion");
        if (rv && strcmp(rv, dc_jstr(old->obj, "metadata.resourceVersion")) != 0) {
            dc_unlock();
            json_decref(patch);
            free(mgr);
            dc_fail_set(&f, 409, "Conflict",
                        "Operation cannot be fulfilled on %s \"%s\": the object has been modified; please apply your changes to the latest version and try again",
                        dc_resource_qualified(r), name);
            return send_fail(c, &f);
        }
        obj = dc_merge_patch(old->obj, patch);
    }
    json_decref(patch);
    ret = finish_update(c, r, old, obj, dry, mgr, "Update", NULL, status_only, 200);
    free(mgr);
    return ret;
}

static enum MHD_Result do_delete(struct MHD_Connection *c, dc_resource *r, const char *ns,
                                 const char *name)
{
    dc_fail f = {0};
    bool dry = dry_run(c, &f);
    if (f.code)
        return send_fail(c, &f);
    dc_lock();
    dc_object *o = dc_store_get(r, ns, name);
    if (!o) {
        dc_unlock();
        fail_not_found(&f, r, name);
        return send_fail(c, &f);
    }
    if (dry) {
        json_t *copy = json_deep_copy(o->obj);
        dc_unlock();
        return dc_send_json(c, 200, copy);
    }
    if (r == DC_NAMESPACES) {
        if (!dc_jget(o->obj, "metadata.deletionTimestamp")) {
            json_t *obj = json_deep_copy(o->obj);
            dc_jset(obj, "metadata.deletionTimestamp", json_string(dc_now_rfc3339()));
            dc_jset(obj, "metadata.deletionGracePeriodSeconds", json_integer(0));
            dc_jset(obj, "status.phase", json_string("Terminating"));
            dc_jset(obj, "status.conditions",
                    json_pack("[{s:s, s:s, s:s, s:s, s:s}]", "type",
                              "NamespaceDeletionContentFailure", "status", "False",
                              "lastTransitionTime", dc_now_rfc3339(), "reason",
                              "ContentDeleted", "message", "All content successfully deleted, may be waiting on finalization"));
            if (g_cfg.stuck_namespaces) {
                o = dc_store_put(r, dc_fault_stuck_namespace(obj));
            } else {
                o = dc_store_put(r, obj);
                kn_namespace_terminating(name);
            }
        }
        json_t *copy = json_deep_copy(o->obj);
        dc_unlock();
        return dc_send_json(c, 200, copy);
    }
    char *uid = tt_strdup(dc_jstr(o->obj, "metadata.uid"));
    dc_delete_cascade(r, ns, name);
    dc_unlock();
    json_t *st = dc_status(200, "", "");
    json_object_del(st, "reason");
    json_object_del(st, "message");
    json_object_set_new(st, "details", json_pack("{s:s, s:s, s:s, s:s}", "name", name, "group",
                                                 r->group, "kind", r->plural, "uid",
                                                 uid ? uid : ""));
    free(uid);
    return dc_send_json(c, 200, st);
}

static enum MHD_Result do_delete_collection(struct MHD_Connection *c, dc_resource *r,
                                            const char *ns)
{
    tt_error err;
    tt_error_clear(&err);
    dc_selector *sel = dc_selector_parse(arg(c, "labelSelector"), arg(c, "fieldSelector"), &err);
    if (!sel)
        return dc_send_status(c, 400, "BadRequest", "%s", err.message);
    dc_lock();
    size_t n;
    dc_object **items = dc_store_range(r, ns, &n);
    char **names = NULL;
    char **nss = NULL;
    size_t nn = 0;
    for (size_t i = 0; i < n; i++) {
        if ((ns && strcmp(items[i]->ns, ns) != 0) || !dc_selector_match(sel, items[i]->obj))
            continue;
        names = tt_realloc(names, (nn + 1) * sizeof *names);
        nss = tt_realloc(nss, (nn + 1) * sizeof *nss);
        names[nn] = tt_strdup(items[i]->name);
        nss[nn++] = tt_strdup(items[i]->ns);
    }
    for (size_t i = 0; i < nn; i++) {
        if (r == DC_NAMESPACES)
            kn_namespace_terminating(names[i]);
        else
            dc_delete_cascade(r, nss[i], names[i]);
        free(names[i]);
        free(nss[i]);
    }
    dc_unlock();
    free(names);
    free(nss);
    dc_selector_free(sel);
    json_t *st = dc_status(200, "", "");
    json_object_del(st, "reason");
    json_object_del(st, "message");
    return dc_send_json(c, 200, st);
}

/* ---- routing --------------------------------------------------------- */

static bool authenticated(struct MHD_Connection *c)
{
    bool need_token = g_cfg.token != NULL, need_cert = g_cfg.client_cert_auth;
    if (!need_token && !need_cert)
        return true;
    if (need_token) {
        const char *a = header(c, "Authorization");
        if (a && tt_str_has_prefix(a, "Bearer ") && strcmp(a + 7, g_cfg.token) == 0)
            return true;
    }
    if (need_cert) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
        if (ci && ci->tls_session) {
            gnutls_session_t s = (gnutls_session_t)ci->tls_session;
            unsigned n = 0;
            unsigned status = 0;
            if (gnutls_certificate_get_peers(s, &n) && n > 0 &&
                gnutls_certificate_verify_peers2(s, &status) == 0 && status == 0)
                return true;
        }
    }
    return false;
}

static bool inject_failure(const char *method, int *code)
{
    if (g_cfg.fail_rate <= 0)
        return false;
    if (g_cfg.fail_reads && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return false;
    /* its own sequence (--fail-seed), apart from generated names */
    static unsigned state;
    static bool seeded;
    pthread_mutex_lock(&g_rand_mu);
    if (!seeded) {
        state = g_cfg.fail_seed ? g_cfg.fail_seed : 12345;
        seeded = true;
    }
    double x = (double)rand_r(&state) / ((double)RAND_MAX + 1.0);
    int which = rand_r(&state) & 1;
    pthread_mutex_unlock(&g_rand_mu);
    if (x >= g_cfg.fail_rate)
        return false;
    *code = which ? 503 : 500;
    return true;
}

static enum MHD_Result route_resource(struct MHD_Connection *c, dc_req *rq, const char *method,
                                      const char *group, const char *version, char **seg,
                                      int n)
{
    const char *ns = NULL, *plural, *name = NULL, *sub = NULL;
    if (n >= 3 && strcmp(seg[0], "namespaces") == 0 &&
        !(n == 3 && (strcmp(seg[2], "status") == 0 || strcmp(seg[2], "finalize") == 0) &&
          !group[0])) {
        ns = seg[1];
        plural = seg[2];
        name = n > 3 ? seg[3] : NULL;
        sub = n > 4 ? seg[4] : NULL;
        if (n > 5)
            goto notfound;
    } else {
        plural = seg[0];
        name = n > 1 ? seg[1] : NULL;
        sub = n > 2 ? seg[2] : NULL;
        if (n > 3)
            goto notfound;
    }
    dc_resource *r = dc_resource_find(group, version, plural);
    if (!r || (ns && !r->namespaced))
        goto notfound;
    if (sub && strcmp(sub, "status") != 0 && !(r == DC_PODS && strcmp(sub, "log") == 0) &&
        !(r == DC_NAMESPACES && strcmp(sub, "finalize") == 0))
        goto notfound;
    if (r->namespaced && !ns && name)
        goto notfound;
    if (!name) {
        dc_fail ff = {0};
        if (strcmp(method, "GET") == 0 &&
            dc_fault_forbidden_list(r, ns, truthy(arg(c, "watch")), &ff))
            return send_fail(c, &ff);
        if (strcmp(method, "GET") == 0)
            return do_list(c, r, ns);
        if (strcmp(method, "POST") == 0) {
            if (r->namespaced && !ns)
                goto notfound;
            if (dc_fault_failed_write(r, arg(c, "dryRun") != NULL, &ff))
                return send_fail(c, &ff);
            return do_create(c, rq, r, ns);
        }
        if (strcmp(method, "DELETE") == 0)
            return do_delete_collection(c, r, ns);
        return dc_send_status(c, 405, "MethodNotAllowed",
                              "the server does not allow this method on the requested resource");
    }
    bool status_only = sub && strcmp(sub, "status") == 0;
    if (sub && strcmp(sub, "log") == 0) {
        if (strcmp(method, "GET") != 0)
            return dc_send_status(c, 405, "MethodNotAllowed",
                                  "the server does not allow this method on the requested resource");
        const char *tl = arg(c, "tailLines");
        return dc_logs_serve(c, ns, name, arg(c, "container"), truthy(arg(c, "follow")),
                             tl ? atol(tl) : -1);
    }
    if (strcmp(method, "GET") == 0) {
        count_request(RQ_GET);
        dc_lock();
        dc_object *o = dc_store_get(r, ns, name);
        if (!o) {
            dc_unlock();
            dc_fail f = {0};
            fail_not_found(&f, r, name);
            return send_fail(c, &f);
        }
        json_t *copy = json_deep_copy(o->obj);
        dc_unlock();
        return respond_object(c, 200, r, copy, want_table(c));
    }
    if (strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0) {
        dc_fail ff = {0};
        if (dc_fault_failed_write(r, arg(c, "dryRun") != NULL, &ff))
            return send_fail(c, &ff);
    }
    if (strcmp(method, "PUT") == 0)
        return do_update(c, rq, r, ns, name, status_only);
    if (strcmp(method, "PATCH") == 0)
        return do_patch(c, rq, r, ns, name, status_only);
    if (strcmp(method, "DELETE") == 0 && !sub)
        return do_delete(c, r, ns, name);
    return dc_send_status(c, 405, "MethodNotAllowed",
                          "the server does not allow this method on the requested resource");
notfound:
    return dc_send_status(c, 404, "NotFound", "the server could not find the requested resource");
}

static enum MHD_Result dispatch(struct MHD_Connection *c, const char *url, const char *method,
                                dc_req *rq)
{
    const char *ctype = header(c, "Content-Type");
    if (ctype && rq->body.len && strstr(ctype, "protobuf"))
        return dc_send_status(c, 415, "UnsupportedMediaType",
                              "the body of the request was in an unknown format - accepted media types include: application/json, application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json");
    if (g_cfg.latency_ms > 0)
        usleep((useconds_t)g_cfg.latency_ms * 1000u);
    if (rq->too_big)
        return dc_send_status(c, 413, "RequestEntityTooLarge", "the request body is too large");
    if (strcmp(url, "/debug/requests") == 0 && strcmp(method, "GET") == 0)
        return dc_send_json(c, 200, requests_json()); /* not counted itself */
    if (strcmp(url, "/debug/release-lists") == 0 && strcmp(method, "POST") == 0) {
        dc_fault_release_lists(); /* --hold-list-pages */
        return dc_send_json(c, 200, json_pack("{s:b}", "released", 1));
    }
    if ((strcmp(url, "/debug/hold-reads") == 0 || strcmp(url, "/debug/release-reads") == 0) &&
        strcmp(method, "POST") == 0) {
        bool hold = strcmp(url, "/debug/hold-reads") == 0;
        dc_fault_set_reads_held(hold); /* --hold-reads */
        return dc_send_json(c, 200, json_pack("{s:b}", "held", hold));
    }
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
        dc_fault_hold_read();
    count_request(RQ_TOTAL);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        count_request(RQ_WRITE);
    char *path = tt_strdup(url);
    char *seg[16];
    int n = 0;
    char *save = NULL; /* requests are served on many threads at once */
    for (char *tok = strtok_r(path, "/", &save); tok && n < 16; tok = strtok_r(NULL, "/", &save))
        seg[n++] = tok;
    enum MHD_Result ret;
    bool public_path = n >= 1 && (strcmp(seg[0], "version") == 0 || strcmp(seg[0], "healthz") == 0 ||
                                  strcmp(seg[0], "livez") == 0 || strcmp(seg[0], "readyz") == 0);
    int fcode;
    if (!public_path && !authenticated(c)) {
        ret = dc_send_status(c, 401, "Unauthorized", "Unauthorized");
        goto out;
    }
    if (!truthy(arg(c, "watch")) && !(n >= 5 && strcmp(seg[n - 1], "log") == 0 && truthy(arg(c, "follow"))) &&
        inject_failure(method, &fcode)) {
        count_request(RQ_INJECTED);
        if (fcode == 500)
            ret = dc_send_status(c, 500, "InternalError",
                                 "Internal error occurred: injected failure (--fail-rate)");
        else
            ret = dc_send_status(c, 503, "ServiceUnavailable",
                                 "the server is currently unable to handle the request (injected failure, --fail-rate)");
        goto out;
    }
    if (n == 0) {
        ret = dc_send_json(c, 200, json_pack("{s:[s,s,s,s,s]}", "paths", "/api", "/api/v1", "/apis",
                                             "/openapi/v3", "/version"));
    } else if (strcmp(seg[0], "version") == 0 && n == 1) {
        ret = dc_send_json(c, 200,
                           json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "major", "1",
                                     "minor", "32", "gitVersion", "v1.32.0", "gitCommit",
                                     "demo0000000000000000000000000000000000000", "gitTreeState",
                                     "clean", "buildDate", "2024-12-11T00:00:00Z", "goVersion",
                                     "go1.23.3", "compiler", "gc", "platform", "linux/amd64"));
    } else if (public_path) {
        ret = dc_send(c, 200, "text/plain", tt_strdup("ok"), 2);
    } else if (strcmp(seg[0], "openapi") == 0) {
        json_t *doc = NULL;
        if (n == 2 && strcmp(seg[1], "v3") == 0) {
            doc = dc_openapi_root();
        } else if (n >= 3 && strcmp(seg[1], "v3") == 0) {
            char gv[256] = "";
            for (int i = 2; i < n; i++) {
                if (i > 2)
                    strncat(gv, "/", sizeof gv - strlen(gv) - 1);
                strncat(gv, seg[i], sizeof gv - strlen(gv) - 1);
            }
            doc = dc_openapi_doc(gv);
        }
        ret = doc ? dc_send_json(c, 200, doc)
                  : dc_send_status(c, 404, "NotFound", "the server could not find the requested resource");
    } else if (strcmp(seg[0], "api") == 0) {
        if (n == 1)
            ret = dc_send_json(c, 200, dc_discovery_api());
        else if (strcmp(seg[1], "v1") != 0)
            ret = dc_send_status(c, 404, "NotFound", "the server could not find the requested resource");
        else if (n == 2)
            ret = dc_send_json(c, 200, dc_discovery_resources("", "v1"));
        else
            ret = route_resource(c, rq, method, "", "v1", seg + 2, n - 2);
    } else if (strcmp(seg[0], "apis") == 0) {
        json_t *doc = NULL;
        if (n == 1)
            doc = dc_discovery_apis();
        else if (n == 2)
            doc = dc_discovery_group(seg[1]);
        else if (n == 3)
            doc = dc_discovery_resources(seg[1], seg[2]);
        if (n > 3)
            ret = route_resource(c, rq, method, seg[1], seg[2], seg + 3, n - 3);
        else if (doc)
            ret = dc_send_json(c, 200, doc);
        else
            ret = dc_send_status(c, 404, "NotFound", "the server could not find the requested resource");
    } else {
        ret = dc_send_status(c, 404, "NotFound", "the server could not find the requested resource");
    }
out:
    free(path);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **ptr)
{
    dc_req *rq = *ptr;
    if (!rq) {
        rq = tt_calloc(1, sizeof *rq);
        *ptr = rq;
        return MHD_YES;
    }
    if (*upload_size) {
        if (rq->body.len + *upload_size > MAX_BODY)
            rq->too_big = true;
        else
            tt_buf_append(&rq->body, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    t_last_status = 0;
    bool dry_run = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "dryRun") != NULL;
    if (dc_fault_stall_before_store(method, rq->body.data, rq->body.len, dry_run))
        return dc_send_status(c, 504, "Timeout",
                              "the request was held and dropped (--stall-before-store)");
    enum MHD_Result ret = dispatch(c, url, method, rq);
    dc_fault_stall_after_store(method, rq->body.data, rq->body.len, dry_run,
                               (unsigned)t_last_status);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ptr,
                         enum MHD_RequestTerminationCode toe)
{
    dc_req *rq = *ptr;
    if (rq) {
        tt_buf_free(&rq->body);
        free(rq);
        *ptr = NULL;
    }
}

int dc_server_start(const char *host, int port, const dc_tls_ptr tls, int *bound_port,
                    tt_error *err)
{
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        if (strcmp(host, "localhost") == 0) {
            inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
        } else {
            tt_error_set(err, TT_EINVAL, "--listen: \"%s\" is not an IPv4 address", host);
            return -1;
        }
    }
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_ERROR_LOG | MHD_USE_POLL;
    struct MHD_OptionItem opts[8];
    int k = 0;
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &sa};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL};
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, 0, NULL};
    if (tls) {
        flags |= MHD_USE_TLS;
        opts[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, tls->server_key_pem};
        opts[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, tls->server_cert_pem};
        if (g_cfg.client_cert_auth)
            opts[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0, tls->ca_cert_pem};
    }
    opts[k++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    g_daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_ARRAY, opts,
                                MHD_OPTION_END);
    if (!g_daemon) {
        tt_error_set(err, TT_EIO, "cannot listen on %s:%d (address in use or not available)", host,
                     port);
        return -1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(g_daemon, MHD_DAEMON_INFO_BIND_PORT);
    *bound_port = di ? di->port : port;
    return 0;
}

void dc_server_stop(void)
{
    if (g_daemon) {
        MHD_stop_daemon(g_daemon);
        g_daemon = NULL;
    }
}
