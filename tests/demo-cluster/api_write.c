/*
 * The REST verbs that write: create (POST), update (PUT), patch (merge,
 * JSON patch and server-side apply), delete and delete of a collection;
 * the body checked against the URL, dry runs, the field manager.
 */
#include "dc.h"

#include <stdlib.h>
#include <string.h>

/* generated names (metadata.generateName) */
static unsigned g_rand_state = 12345;
static pthread_mutex_t g_rand_mu = PTHREAD_MUTEX_INITIALIZER;

static char *object_user_agent_manager(struct MHD_Connection *c)
{
    const char *ua = dc_header(c, "User-Agent");
    if (!ua || !*ua)
        return tt_strdup("unknown");
    size_t n = strcspn(ua, "/ ");
    return tt_strndup(ua, n);
}

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
    const char *d = dc_arg(c, "dryRun");
    if (!d)
        return false;
    if (strcmp(d, "All") != 0) {
        dc_fail_set(f, 400, "BadRequest", "Invalid dry run value: %s: supported values: \"All\"", d);
        return false;
    }
    return true;
}

enum MHD_Result dc_do_create(struct MHD_Connection *c, dc_req *rq, dc_resource *r,
                             const char *ns)
{
    dc_fail f = {0};
    json_t *obj = parse_body(rq, &f);
    if (!obj)
        return dc_send_fail(c, &f);
    bool dry = dry_run(c, &f);
    if (f.code || !check_body(r, obj, ns, NULL, &f)) {
        json_decref(obj);
        return dc_send_fail(c, &f);
    }
    char *mgr = dc_arg(c, "fieldManager") ? tt_strdup(dc_arg(c, "fieldManager"))
                                       : object_user_agent_manager(c);
    dc_lock();
    const char *name = dc_jstr(obj, "metadata.name");
    if (name && dc_store_get(r, ns, name)) {
        dc_unlock();
        free(mgr);
        dc_fail_set(&f, 409, "AlreadyExists", "%s \"%s\" already exists", dc_resource_qualified(r), name);
        f.details = json_pack("{s:s, s:s, s:s}", "name", name, "group", r->group, "kind", r->plural);
        json_decref(obj);
        return dc_send_fail(c, &f);
    }
    if (!dc_prepare(r, obj, NULL, false, mgr, "Update", NULL, &f)) {
        dc_unlock();
        free(mgr);
        json_decref(obj);
        return dc_send_fail(c, &f);
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
    return dc_respond_object(c, 201, r, result, dc_want_table(c));
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
    if (!dc_prepare(r, obj, old, status_only, mgr, op, applied, &f)) {
        dc_unlock();
        json_decref(obj);
        return dc_send_fail(c, &f);
    }
    if (applied && dc_truthy(dc_arg(c, "force")))
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
    return dc_respond_object(c, code, r, result, dc_want_table(c));
}

enum MHD_Result dc_do_update(struct MHD_Connection *c, dc_req *rq, dc_resource *r,
                             const char *ns, const char *name, bool status_only)
{
    dc_fail f = {0};
    json_t *obj = parse_body(rq, &f);
    if (!obj)
        return dc_send_fail(c, &f);
    bool dry = dry_run(c, &f);
    if (f.code || !check_body(r, obj, ns, name, &f)) {
        json_decref(obj);
        return dc_send_fail(c, &f);
    }
    char *mgr = dc_arg(c, "fieldManager") ? tt_strdup(dc_arg(c, "fieldManager"))
                                       : object_user_agent_manager(c);
    dc_lock();
    dc_object *old = dc_store_get(r, ns, name);
    if (!old) {
        dc_unlock();
        free(mgr);
        json_decref(obj);
        dc_fail_not_found(&f, r, name);
        return dc_send_fail(c, &f);
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
        return dc_send_fail(c, &f);
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

enum MHD_Result dc_do_patch(struct MHD_Connection *c, dc_req *rq, dc_resource *r,
                            const char *ns, const char *name, bool status_only)
{
    dc_fail f = {0};
    const char *ct = dc_header(c, "Content-Type");
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
        return dc_send_fail(c, &f);
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
            return dc_send_fail(c, &f);
        }
    }
    const char *mgr_arg = dc_arg(c, "fieldManager");
    if (apply && (!mgr_arg || !*mgr_arg)) {
        json_decref(patch);
        return dc_send_status(c, 400, "BadRequest",
                              "PATCH /apply requests require a non-empty fieldManager");
    }
    if (apply && !check_body(r, patch, ns, name, &f)) {
        json_decref(patch);
        return dc_send_fail(c, &f);
    }
    char *mgr = mgr_arg ? tt_strdup(mgr_arg) : object_user_agent_manager(c);
    dc_lock();
    dc_object *old = dc_store_get(r, ns, name);
    enum MHD_Result ret;
    if (apply) {
        if (!old) {
            json_t *obj = json_deep_copy(patch);
            if (!dc_prepare(r, obj, NULL, false, mgr, "Apply", patch, &f)) {
                dc_unlock();
                json_decref(obj);
                ret = dc_send_fail(c, &f);
            } else {
                json_t *result = obj;
                if (!dry) {
                    dc_object *o = dc_store_put(r, obj);
                    result = json_deep_copy(o->obj);
                }
                dc_unlock();
                ret = dc_respond_object(c, 201, r, result, dc_want_table(c));
            }
        } else if (dc_fault_apply_conflicts(old->obj, patch, mgr, dc_truthy(dc_arg(c, "force")), &f)) {
            dc_unlock();
            ret = dc_send_fail(c, &f);
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
        dc_fail_not_found(&f, r, name);
        return dc_send_fail(c, &f);
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
            return dc_send_fail(c, &f);
        }
        obj = dc_merge_patch(old->obj, patch);
    }
    json_decref(patch);
    ret = finish_update(c, r, old, obj, dry, mgr, "Update", NULL, status_only, 200);
    free(mgr);
    return ret;
}

enum MHD_Result dc_do_delete(struct MHD_Connection *c, dc_resource *r, const char *ns,
                             const char *name)
{
    dc_fail f = {0};
    bool dry = dry_run(c, &f);
    if (f.code)
        return dc_send_fail(c, &f);
    dc_lock();
    dc_object *o = dc_store_get(r, ns, name);
    if (!o) {
        dc_unlock();
        dc_fail_not_found(&f, r, name);
        return dc_send_fail(c, &f);
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

enum MHD_Result dc_do_delete_collection(struct MHD_Connection *c, dc_resource *r,
                                        const char *ns)
{
    tt_error err;
    tt_error_clear(&err);
    dc_selector *sel = dc_selector_parse(dc_arg(c, "labelSelector"), dc_arg(c, "fieldSelector"), &err);
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
