/*
 * Seeding: realistic models from deployment configs (namespace, the two
 * Knative Services stream and validate shaped like the release template,
 * a short revision history, Kong route objects, the latest pin, and a
 * couple of deliberately unhealthy models), or synthetic scale.
 */
#include "dc.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KN_API "serving.knative.dev/v1"
#define REPO "gcr.io/voice-service-2-313121/speech-api-worker"

typedef struct svc_params {
    const char *name;
    int concurrency, timeout, grace;
    int min_scale, max_scale;
    const char *path;
} svc_params;

static void fake_digest(char out[65], const char *seed)
{
    unsigned long long h = 1469598103934665603ULL;
    for (const char *p = seed; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    for (int i = 0; i < 64; i++) {
        h = h * 6364136223846793005ULL + 1442695040888963407ULL;
        out[i] = "0123456789abcdef"[(h >> 33) & 15];
    }
    out[64] = '\0';
}

static json_t *make_template(const char *svc, const char *version, const char *image,
                             const char *entry, const svc_params *p)
{
    char name[300], mins[16], maxs[16];
    snprintf(name, sizeof name, "%s-%s", svc, version);
    snprintf(mins, sizeof mins, "%d", p->min_scale);
    snprintf(maxs, sizeof maxs, "%d", p->max_scale);
    char *a_timeout = tt_asprintf("--timeout=%d", p->timeout);
    char *a_grace = tt_asprintf("--graceful-timeout=%d", p->grace);
    char *a_workers = tt_asprintf("--workers=%d", p->concurrency);
    json_t *t = json_pack(
        "{s:{s:s, s:{s:s, s:s, s:s}}, s:{s:i, s:i, s:[{s:s, s:s, s:[s,s,s,s,s,s,s,s], s:[{s:i}], s:{s:{s:s, s:s}}, s:{s:i, s:{s:s}}}]}}",
        "metadata", "name", name, "annotations", "autoscaling.knative.dev/minScale", mins,
        "autoscaling.knative.dev/maxScale", maxs, "run.googleapis.com/ingress", "internal", "spec",
        "containerConcurrency", p->concurrency, "timeoutSeconds", p->timeout, "containers", "name",
        "app", "image", image, "args", "venv/bin/gunicorn", entry, "--bind=0.0.0.0:8000", a_timeout,
        a_grace, a_workers, "--access-logfile='-'", "--preload", "ports", "containerPort", 8000,
        "resources", "requests", "cpu", "7", "memory", "5G", "readinessProbe", "successThreshold",
        1, "httpGet", "path", "/healthy");
    free(a_timeout);
    free(a_grace);
    free(a_workers);
    return t;
}

/* Runs the Knative defaults on a template through a throwaway Service. */
static json_t *defaulted(const char *ns, const char *svc, json_t *tmpl)
{
    json_t *tmp = json_pack("{s:{s:s, s:s}, s:{s:O}}", "metadata", "name", svc, "namespace", ns,
                            "spec", "template", tmpl);
    dc_fail f = {0};
    json_t *out = NULL;
    if (kn_default_and_validate(DC_KSVC, tmp, NULL, &f))
        out = json_incref(dc_jget(tmp, "spec.template"));
    else
        json_decref(f.details);
    json_decref(tmp);
    return out;
}

static void put(dc_resource *r, json_t *obj)
{
    dc_fail f = {0};
    if (!dc_write(r, obj, true, true, "ttstui", &f)) {
        fprintf(stderr, "ttstui-demo-cluster: seed: %s\n", f.message);
        json_decref(f.details);
    }
}

static void seed_namespace(const char *ns)
{
    put(DC_NAMESPACES, json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind", "Namespace",
                                 "metadata", "name", ns));
}

/* One Knative Service with versions[0..n-1] (oldest first) as its history. */
static void seed_service(const char *ns, const svc_params *p, const char *const *versions,
                         const char *const *images, int n, const char *entry)
{
    json_t *tmpls[64];
    if (n > 64)
        n = 64;
    for (int i = 0; i < n; i++) {
        json_t *t = make_template(p->name, versions[i], images[i], entry, p);
        tmpls[i] = defaulted(ns, p->name, t);
        json_decref(t);
        if (!tmpls[i])
            tmpls[i] = json_object();
    }
    json_t *svc = json_pack("{s:s, s:s, s:{s:s, s:s, s:I, s:{s:s, s:s}}, s:{s:O, s:[{s:b, s:i}]}}",
                            "apiVersion", KN_API, "kind", "Service", "metadata", "name", p->name,
                            "namespace", ns, "generation", (json_int_t)n, "annotations",
                            "serving.knative.dev/creator", "kubernetes-admin",
                            "serving.knative.dev/lastModifier", "kubernetes-admin", "spec",
                            "template", tmpls[n - 1], "traffic", "latestRevision", 1, "percent",
                            100);
    dc_fail f = {0};
    dc_object *so = dc_write(DC_KSVC, svc, true, true, "kubectl", &f);
    if (!so) {
        json_decref(f.details);
        goto out;
    }
    json_t *cfg = json_pack("{s:s, s:s, s:{s:s, s:s, s:I, s:{s:s, s:s}, s:O, s:[{s:s, s:s, s:s, s:s, s:b, s:b}]}, s:{s:O}}",
                            "apiVersion", KN_API, "kind", "Configuration", "metadata", "name",
                            p->name, "namespace", ns, "generation", (json_int_t)n, "labels",
                            "serving.knative.dev/service", p->name, "serving.knative.dev/serviceUID",
                            dc_jstr(so->obj, "metadata.uid"), "annotations",
                            dc_jget(so->obj, "metadata.annotations"), "ownerReferences",
                            "apiVersion", KN_API, "kind", "Service", "name", p->name, "uid",
                            dc_jstr(so->obj, "metadata.uid"), "controller", 1,
                            "blockOwnerDeletion", 1, "spec", "template", tmpls[n - 1]);
    dc_object *co = dc_write(DC_KCONFIG, cfg, true, true, NULL, &f);
    if (!co) {
        json_decref(f.details);
        goto out;
    }
    json_t *cfg_now = json_incref(co->obj);
    for (int i = 0; i < n - 1; i++) {
        char name[300];
        snprintf(name, sizeof name, "%s-%s", p->name, versions[i]);
        kn_seed_revision(cfg_now, tmpls[i], name, i + 1);
    }
    json_decref(cfg_now);
    kn_instant = true;
    kn_reconcile_now(ns, p->name);
    kn_instant = false;
out:
    for (int i = 0; i < n; i++)
        json_decref(tmpls[i]);
}

static void seed_kong(const char *ns, const svc_params *p, const char *env)
{
    char host[300], name[300], plugin[300], kingress[300];
    snprintf(host, sizeof host, "%s.%s.svc.cluster.local", p->name, ns);
    snprintf(name, sizeof name, "route-%s", p->name);
    snprintf(plugin, sizeof plugin, "route-%s-request-transformer", p->name);
    snprintf(kingress, sizeof kingress, "route-%s-configuration", p->name);
    char *hh = tt_asprintf("host:%s", host);
    put(DC_KONGPLUGINS,
        json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:{s:{s:[s]}, s:{s:[s]}}}", "apiVersion",
                  "configuration.konghq.com/v1", "kind", "KongPlugin", "metadata", "name", plugin,
                  "namespace", ns, "plugin", "request-transformer", "config", "add", "headers", hh,
                  "replace", "headers", hh));
    free(hh);
    put(DC_KONGINGRESSES,
        json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:i, s:i, s:i, s:i}, s:{s:b, s:b, s:{s:[s]}, s:[s,s], s:[s]}}",
                  "apiVersion", "configuration.konghq.com/v1", "kind", "KongIngress", "metadata",
                  "name", kingress, "namespace", ns, "proxy", "protocol", "http", "retries", 5,
                  "connect_timeout", 60000, "read_timeout", 60000, "write_timeout", 60000, "route",
                  "request_buffering", 1, "response_buffering", 1, "headers", "accept-version", ns,
                  "methods", "POST", "GET", "protocols", "https"));
    const char *public_host = strcmp(env, "staging") == 0 ? "staging.tts.wellsaidlabs.com"
                                                          : "tts.wellsaidlabs.com";
    put(DC_INGRESSES,
        json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s}}, s:{s:[{s:s, s:{s:[{s:s, s:s, s:{s:{s:s, s:{s:i}}}}]}}]}}",
                  "apiVersion", "networking.k8s.io/v1", "kind", "Ingress", "metadata", "name", name,
                  "namespace", ns, "annotations", "kubernetes.io/ingress.class", "kong",
                  "konghq.com/override", kingress, "konghq.com/plugins", plugin,
                  "konghq.com/protocols", "https", "konghq.com/https-redirect-status-code", "301",
                  "spec", "rules", "host", public_host, "http", "paths", "path", p->path,
                  "pathType", "Exact", "backend", "service", "name", p->name, "port", "number",
                  80));
}

static void seed_pin(const char *model)
{
    put(DC_KONGCLUSTERPLUGINS,
        json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s}, s:{s:s}}, s:s, s:{s:s}}", "apiVersion",
                  "configuration.konghq.com/v1", "kind", "KongClusterPlugin", "metadata", "name",
                  "latest-pinned-service", "namespace", "kong", "annotations",
                  "kubernetes.io/ingress.class", "kong", "labels", "global", "true", "plugin",
                  "latest-version-transformer", "config", "latest_version", model));
}

static bool in_list(json_t *list, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
        if (tt_streq(json_string_value(v), s))
            return true;
    return false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The deployment configs write scales as numbers or as strings ("1"). */
static int scale_value(const json_t *v, int dflt)
{
    if (json_is_integer(v))
        return (int)json_integer_value(v);
    if (json_is_string(v)) {
        char *end;
        long n = strtol(json_string_value(v), &end, 10);
        if (*json_string_value(v) && !*end && n >= 0 && n <= 100000)
            return (int)n;
    }
    return dflt;
}

static void params_from(json_t *block, svc_params *p, bool stream)
{
    p->name = stream ? "stream" : "validate";
    p->concurrency = stream ? 1 : 4;
    p->timeout = stream ? 3600 : 10;
    p->grace = stream ? 600 : 10;
    p->path = stream ? "/api/text_to_speech/stream" : "/api/text_to_speech/input_validated";
    p->min_scale = scale_value(json_object_get(block, "minScale"), 0);
    p->max_scale = scale_value(json_object_get(block, "maxScale"), 32);
}

static int seed_one(const char *path, const char *env, json_t *demo, int history,
                    int *best_v, char *best_model, size_t best_n, tt_error *err)
{
    json_error_t je;
    json_t *c = json_load_file(path, 0, &je);
    if (!c) {
        tt_error_set(err, TT_EINVAL, "%s: line %d: %s", path, je.line, je.text);
        return -1;
    }
    const char *model = dc_jstr(c, "model"), *version = dc_jstr(c, "version");
    const char *image = dc_jstr(c, "image"), *entry = dc_jstr(c, "imageEntrypoint");
    if (!model || !version || !image) {
        tt_error_set(err, TT_EINVAL, "%s: model, version and image are required", path);
        json_decref(c);
        return -1;
    }
    if (!entry)
        entry = "run.deploy.worker:app";
    int ver = atoi(version);
    if (model[0] == 'v' && model[1] >= '0' && model[1] <= '9') {
        char *end;
        long mv = strtol(model + 1, &end, 10);
        if (!*end && mv > *best_v) {
            *best_v = (int)mv;
            tt_strlcpy(best_model, model, best_n);
        }
    }
    seed_namespace(model);
    for (int s = 0; s < 2; s++) {
        svc_params p;
        params_from(json_object_get(c, s ? "stream" : "validate"), &p, s == 1);
        char vbuf[8][32];
        char ibuf[8][300];
        const char *versions[8], *images[8];
        int n = 0;
        for (int v = ver - history + 1; v <= ver; v++) {
            if (v < 1 || n >= 8)
                continue;
            snprintf(vbuf[n], sizeof vbuf[n], "%d", v);
            if (v == ver) {
                snprintf(ibuf[n], sizeof ibuf[n], "%s", image);
            } else {
                char d[65], seed[256];
                snprintf(seed, sizeof seed, "%s/%d", model, v);
                fake_digest(d, seed);
                snprintf(ibuf[n], sizeof ibuf[n], "%s@sha256:%s", REPO, d);
            }
            versions[n] = vbuf[n];
            images[n] = ibuf[n];
            n++;
        }
        if (n == 0) {
            snprintf(vbuf[0], sizeof vbuf[0], "%s", version);
            versions[0] = vbuf[0];
            images[0] = image;
            n = 1;
        }
        seed_service(model, &p, versions, images, n, entry);
        seed_kong(model, &p, env);
        /* deliberately unhealthy: a new release of stream that fails */
        bool crash = s == 1 && in_list(json_object_get(demo, "crashloop"), model);
        bool missing = s == 1 && in_list(json_object_get(demo, "missing"), model);
        if (crash || missing) {
            char nv[32], d[65], img[400];
            snprintf(nv, sizeof nv, "%d", ver + 1);
            fake_digest(d, model);
            snprintf(img, sizeof img, "%s-%s@sha256:%s", REPO, crash ? "crashloop" : "missing", d);
            json_t *t = make_template(p.name, nv, img, entry, &p);
            dc_object *so = dc_store_get(DC_KSVC, model, p.name);
            if (so) {
                json_t *svc = json_deep_copy(so->obj);
                dc_jset(svc, "spec.template", t);
                dc_fail f = {0};
                if (!dc_write(DC_KSVC, svc, false, false, "kubectl", &f)) {
                    fprintf(stderr, "ttstui-demo-cluster: seed: %s\n", f.message);
                    json_decref(f.details);
                }
                kn_enqueue(DC_KSVC, model, p.name);
            } else {
                json_decref(t);
            }
        }
    }
    json_decref(c);
    return 0;
}

int dc_seed_dir(const char *dir, tt_error *err)
{
    char *demo_path = tt_asprintf("%s/demo.json", dir);
    json_t *demo = json_load_file(demo_path, 0, NULL);
    free(demo_path);
    if (!demo)
        demo = json_pack("{s:s, s:i, s:[], s:[]}", "env", "prod", "history", 3, "crashloop",
                         "missing");
    const char *env = dc_jstr(demo, "env");
    if (!env)
        env = "prod";
    int history = (int)json_integer_value(json_object_get(demo, "history"));
    if (history <= 0)
        history = 3;
    char *sub = tt_asprintf("%s/%s", dir, env);
    struct stat st;
    const char *use = (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) ? sub : dir;
    DIR *d = opendir(use);
    if (!d) {
        tt_error_set(err, TT_EIO, "--seed: cannot open %s", use);
        free(sub);
        json_decref(demo);
        return -1;
    }
    char **files = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (tt_str_has_suffix(e->d_name, ".config.json")) {
            files = tt_realloc(files, (n + 1) * sizeof *files);
            files[n++] = tt_asprintf("%s/%s", use, e->d_name);
        }
    }
    closedir(d);
    qsort(files, n, sizeof *files, cmp_str);
    int rc = 0, best_v = -1;
    char best_model[256] = "";
    dc_lock();
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = seed_one(files[i], env, demo, history, &best_v, best_model, sizeof best_model, err);
    if (rc == 0 && best_model[0])
        seed_pin(best_model);
    dc_unlock();
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    free(sub);
    json_decref(demo);
    if (rc == 0 && n == 0) {
        tt_error_set(err, TT_EINVAL, "--seed: no *.config.json files in %s", use);
        return -1;
    }
    return rc;
}

/* One synthetic model: namespace, stream and validate with `revisions`
 * versions each (oldest first), every revision its own image digest.
 * Under the lock. */
static void seed_synthetic_model(const char *model, int revisions)
{
    char **versions = tt_calloc((size_t)revisions, sizeof *versions);
    char **images = tt_calloc((size_t)revisions, sizeof *images);
    seed_namespace(model);
    for (int v = 0; v < revisions; v++) {
        char d[65], seed[128];
        snprintf(seed, sizeof seed, "%s/%d", model, v + 1);
        fake_digest(d, seed);
        versions[v] = tt_asprintf("%d", v + 1);
        images[v] = tt_asprintf("%s@sha256:%s", REPO, d);
    }
    for (int s = 0; s < 2; s++) {
        svc_params p;
        params_from(NULL, &p, s == 1);
        p.max_scale = s ? 32 : 8;
        seed_service(model, &p, (const char *const *)versions, (const char *const *)images,
                     revisions, "run.deploy.worker:app");
    }
    for (int v = 0; v < revisions; v++) {
        free(versions[v]);
        free(images[v]);
    }
    free(versions);
    free(images);
}

void dc_seed_synthetic(int models, int revisions)
{
    dc_lock();
    for (int m = 1; m <= models; m++) {
        char model[32];
        snprintf(model, sizeof model, "model-%04d", m);
        seed_synthetic_model(model, revisions);
    }
    if (models > 0)
        seed_pin("model-0001");
    dc_unlock();
}

/* A namespace name: a DNS label (lower-case letters, digits, '-'; starts
 * and ends with a letter or digit; at most 63). */
static bool dns_label(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

static void delete_all(dc_resource *r, const char *ns)
{
    size_t n = 0;
    dc_object **objs = dc_store_range(r, ns, &n);
    char **names = tt_calloc(n ? n : 1, sizeof *names);
    for (size_t i = 0; i < n; i++)
        names[i] = tt_strdup(dc_jstr(objs[i]->obj, "metadata.name"));
    /* objs is the store's own (changed by each delete) */
    for (size_t i = 0; i < n; i++) {
        dc_store_delete(r, ns, names[i]);
        free(names[i]);
    }
    free(names);
}

int dc_seed_extra(const char *list, int revisions, tt_error *err)
{
    char *copy = tt_strdup(list), *save = NULL;
    int rc = 0;
    dc_lock();
    for (char *tok = strtok_r(copy, ",", &save); tok && rc == 0;
         tok = strtok_r(NULL, ",", &save)) {
        char *kind = strchr(tok, ':');
        if (kind)
            *kind++ = '\0';
        if (!dns_label(tok)) {
            tt_error_set(err, TT_EINVAL, "--extra-models: \"%s\" is not a namespace name", tok);
            rc = -1;
        } else if (!kind || strcmp(kind, "full") == 0) {
            seed_synthetic_model(tok, revisions);
        } else if (strcmp(kind, "services") == 0) {
            seed_synthetic_model(tok, revisions);
            delete_all(DC_KREV, tok);
        } else if (strcmp(kind, "revisions") == 0) {
            seed_synthetic_model(tok, revisions);
            delete_all(DC_KSVC, tok);
            delete_all(DC_KCONFIG, tok);
        } else if (strcmp(kind, "namespace") == 0) {
            seed_namespace(tok);
        } else {
            tt_error_set(err, TT_EINVAL,
                         "--extra-models: %s:%s: the kind is full, services, revisions or "
                         "namespace",
                         tok, kind);
            rc = -1;
        }
    }
    dc_unlock();
    free(copy);
    return rc;
}
