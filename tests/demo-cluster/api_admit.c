/*
 * The write path every object takes before the store, from the API and
 * from the controller (dc_write): name and namespace checks, metadata
 * (uid, timestamps, generation, managedFields), status kept on spec
 * writes, defaults of namespaces and secrets, Knative admission; and the
 * delete that takes an object's dependents with it (dc_delete_cascade).
 */
#include "dc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *kind_qualified(const dc_resource *r, char *buf, size_t n)
{
    if (r->group[0])
        snprintf(buf, n, "%s.%s", r->kind, r->group);
    else
        snprintf(buf, n, "%s", r->kind);
    return buf;
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
bool dc_prepare(dc_resource *r, json_t *obj, dc_object *old, bool internal,
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
            dc_fail_not_found(f, DC_NAMESPACES, ns ? ns : "");
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
    if (!dc_prepare(r, obj, old, internal, manager, "Update", NULL, f)) {
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
