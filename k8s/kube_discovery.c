/* The discovery index: pure, built from APIResourceList documents. */
#include "kube_discovery.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct dresource {
    char *name;     /* plural */
    char *singular;
    char *kind;
    bool namespaced;
    char **short_names;
    size_t n_short;
} dresource;

typedef struct dgroupversion {
    char *group_version; /* "v1", "apps/v1" */
    char *group;         /* "" for core */
    char *version;
    bool missing;        /* the server answered 404 */
    dresource *res;
    size_t n_res;
} dgroupversion;

struct kube_discovery {
    dgroupversion **gvs;
    size_t n_gvs;
    /* Entries replaced or cleared: kept so strings handed out stay valid. */
    dgroupversion **retired;
    size_t n_retired;
};

kube_discovery *kube_discovery_new(void)
{
    return tt_calloc(1, sizeof(kube_discovery));
}

static void gv_free(dgroupversion *gv)
{
    for (size_t i = 0; i < gv->n_res; i++) {
        dresource *r = &gv->res[i];
        free(r->name);
        free(r->singular);
        free(r->kind);
        for (size_t j = 0; j < r->n_short; j++)
            free(r->short_names[j]);
        free(r->short_names);
    }
    free(gv->res);
    free(gv->group_version);
    free(gv->group);
    free(gv->version);
    free(gv);
}

void kube_discovery_free(kube_discovery *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_gvs; i++)
        gv_free(d->gvs[i]);
    for (size_t i = 0; i < d->n_retired; i++)
        gv_free(d->retired[i]);
    free(d->gvs);
    free(d->retired);
    free(d);
}

static void retire(kube_discovery *d, dgroupversion *gv)
{
    d->retired = tt_realloc(d->retired, (d->n_retired + 1) * sizeof *d->retired);
    d->retired[d->n_retired++] = gv;
}

void kube_discovery_clear(kube_discovery *d)
{
    for (size_t i = 0; i < d->n_gvs; i++)
        retire(d, d->gvs[i]);
    d->n_gvs = 0;
}

static dgroupversion *find_gv(const kube_discovery *d, const char *group_version)
{
    for (size_t i = 0; i < d->n_gvs; i++)
        if (strcmp(d->gvs[i]->group_version, group_version) == 0)
            return d->gvs[i];
    return NULL;
}

static dgroupversion *gv_new(const char *group_version)
{
    dgroupversion *gv = tt_calloc(1, sizeof *gv);
    gv->group_version = tt_strdup(group_version);
    const char *slash = strchr(group_version, '/');
    if (slash) {
        gv->group = tt_strndup(group_version, (size_t)(slash - group_version));
        gv->version = tt_strdup(slash + 1);
    } else {
        gv->group = tt_strdup("");
        gv->version = tt_strdup(group_version);
    }
    return gv;
}

/* Adds gv, replacing (and retiring) an entry of the same name. */
static void put_gv(kube_discovery *d, dgroupversion *gv)
{
    for (size_t i = 0; i < d->n_gvs; i++) {
        if (strcmp(d->gvs[i]->group_version, gv->group_version) == 0) {
            retire(d, d->gvs[i]);
            d->gvs[i] = gv;
            return;
        }
    }
    d->gvs = tt_realloc(d->gvs, (d->n_gvs + 1) * sizeof *d->gvs);
    d->gvs[d->n_gvs++] = gv;
}

static void add_resource(dgroupversion *gv, const json_t *r)
{
    const char *name = json_string_value(json_object_get(r, "name"));
    const char *kind = json_string_value(json_object_get(r, "kind"));
    if (!name || !kind || strchr(name, '/'))
        return; /* subresources such as pods/log */
    gv->res = tt_realloc(gv->res, (gv->n_res + 1) * sizeof *gv->res);
    dresource *out = &gv->res[gv->n_res++];
    memset(out, 0, sizeof *out);
    out->name = tt_strdup(name);
    out->kind = tt_strdup(kind);
    out->singular = tt_strdup(json_string_value(json_object_get(r, "singularName")));
    out->namespaced = json_is_true(json_object_get(r, "namespaced"));
    const json_t *shorts = json_object_get(r, "shortNames");
    size_t n = json_array_size(shorts);
    if (n) {
        out->short_names = tt_calloc(n, sizeof *out->short_names);
        for (size_t i = 0; i < n; i++) {
            const char *s = json_string_value(json_array_get(shorts, i));
            if (s)
                out->short_names[out->n_short++] = tt_strdup(s);
        }
    }
}

int kube_discovery_add_resource_list(kube_discovery *d, const json_t *list, tt_error *err)
{
    const char *kind = json_string_value(json_object_get(list, "kind"));
    const char *group_version = json_string_value(json_object_get(list, "groupVersion"));
    const json_t *resources = json_object_get(list, "resources");
    if (!json_is_object(list) || (kind && strcmp(kind, "APIResourceList") != 0) ||
        !group_version || !group_version[0] || !json_is_array(resources)) {
        tt_error_set(err, TT_EPROTO,
                     "the server's discovery answer is not an APIResourceList with "
                     "groupVersion and resources");
        return -1;
    }
    dgroupversion *gv = gv_new(group_version);
    size_t i;
    const json_t *r;
    json_array_foreach(resources, i, r)
        add_resource(gv, r);
    put_gv(d, gv);
    return 0;
}

void kube_discovery_add_missing(kube_discovery *d, const char *group_version)
{
    dgroupversion *gv = gv_new(group_version);
    gv->missing = true;
    put_gv(d, gv);
}

bool kube_discovery_knows(const kube_discovery *d, const char *group_version)
{
    return find_gv(d, group_version) != NULL;
}

static void fill(const dgroupversion *gv, const dresource *r, kube_gvr *out)
{
    out->group = gv->group;
    out->version = gv->version;
    out->resource = r->name;
    out->namespaced = r->namespaced;
}

static void unknown_kind(tt_error *err, const char *api_version, const char *kind)
{
    tt_error_set(err, 404,
                 "the server does not know kind %s in apiVersion %s (is the CRD installed?)",
                 kind, api_version);
    if (err)
        tt_strlcpy(err->reason, "NotFound", sizeof err->reason);
}

int kube_discovery_lookup(const kube_discovery *d, const char *api_version, const char *kind,
                          kube_gvr *out, tt_error *err)
{
    if (!api_version || !api_version[0] || !kind || !kind[0]) {
        tt_error_set(err, TT_EINVAL, "the object has no %s",
                     !api_version || !api_version[0] ? "apiVersion" : "kind");
        return -1;
    }
    const dgroupversion *gv = find_gv(d, api_version);
    if (gv) {
        for (size_t i = 0; i < gv->n_res; i++) {
            if (strcmp(gv->res[i].kind, kind) == 0) {
                fill(gv, &gv->res[i], out);
                return 0;
            }
        }
    }
    unknown_kind(err, api_version, kind);
    return -1;
}

static bool resource_matches(const dresource *r, const char *name)
{
    if (strcasecmp(r->name, name) == 0 || strcasecmp(r->kind, name) == 0 ||
        (r->singular && r->singular[0] && strcasecmp(r->singular, name) == 0))
        return true;
    for (size_t i = 0; i < r->n_short; i++)
        if (strcasecmp(r->short_names[i], name) == 0)
            return true;
    return false;
}

/* Searches group versions of `group` (NULL = any), core first. */
static bool search(const kube_discovery *d, const char *name, const char *group, bool core_pass,
                   kube_gvr *out, char **kind_out)
{
    for (size_t i = 0; i < d->n_gvs; i++) {
        const dgroupversion *gv = d->gvs[i];
        if (gv->missing || (group && strcmp(gv->group, group) != 0))
            continue;
        if (!group && core_pass != (gv->group[0] == '\0'))
            continue;
        for (size_t j = 0; j < gv->n_res; j++) {
            if (resource_matches(&gv->res[j], name)) {
                fill(gv, &gv->res[j], out);
                if (kind_out)
                    *kind_out = tt_strdup(gv->res[j].kind);
                return true;
            }
        }
    }
    return false;
}

int kube_discovery_resolve_name(const kube_discovery *d, const char *name, kube_gvr *out,
                                char **kind_out, tt_error *err)
{
    if (kind_out)
        *kind_out = NULL;
    if (!name || !name[0]) {
        tt_error_set(err, TT_EINVAL, "no resource type given");
        return -1;
    }
    if (search(d, name, NULL, true, out, kind_out) || search(d, name, NULL, false, out, kind_out))
        return 0;
    const char *dot = strchr(name, '.');
    if (dot) {
        char *base = tt_strndup(name, (size_t)(dot - name));
        bool found = search(d, base, dot + 1, false, out, kind_out);
        free(base);
        if (found)
            return 0;
    }
    tt_error_set(err, 404, "the server doesn't have a resource type \"%s\"", name);
    if (err)
        tt_strlcpy(err->reason, "NotFound", sizeof err->reason);
    return -1;
}
