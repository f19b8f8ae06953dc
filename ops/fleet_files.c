/*
 * The fleet as files: loading a tree of deployment config files, the live
 * models from two lists, and the comparison of the two in words.
 */
#include "fleet_files.h"
#include "fleet_files_live.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kube_gvr.h"
#include "tt_text.h"

/* ---- the tree ----------------------------------------------------------- */

typedef struct strv {
    char **v;
    size_t n;
} strv;

static void strv_push(strv *s, char *str)
{
    s->v = tt_realloc(s->v, (s->n + 1) * sizeof(char *));
    s->v[s->n++] = str;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *path, bool top, strv *found, strv *errors)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        strv_push(errors, tt_asprintf("%s: %s", path, strerror(errno)));
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (top || tt_str_has_suffix(path, ".json"))
            strv_push(found, tt_strdup(path));
        return;
    }
    DIR *d = opendir(path);
    if (!d) {
        strv_push(errors, tt_asprintf("%s: %s", path, strerror(errno)));
        return;
    }
    strv names = {0};
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        strv_push(&names, tt_str_has_suffix(path, "/") ? tt_asprintf("%s%s", path, e->d_name)
                                                      : tt_asprintf("%s/%s", path, e->d_name));
    }
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < names.n; i++) {
        walk(names.v[i], false, found, errors);
        free(names.v[i]);
    }
    free(names.v);
}

int ops_deploy_tree_load(const char *const *paths, size_t n_paths, ops_deploy_tree *t)
{
    memset(t, 0, sizeof *t);
    strv found = {0}, errors = {0};
    for (size_t i = 0; i < n_paths; i++)
        walk(paths[i], true, &found, &errors);
    if (found.n)
        qsort(found.v, found.n, sizeof(char *), cmp_str);
    t->files = tt_calloc(found.n ? found.n : 1, sizeof(deploy_file *));
    for (size_t i = 0; i < found.n; i++) {
        if (i > 0 && tt_streq(found.v[i], found.v[i - 1]))
            continue; /* given twice */
        tt_error err;
        tt_error_clear(&err);
        deploy_file *f = deploy_file_load(found.v[i], &err);
        if (f)
            t->files[t->n++] = f;
        else
            strv_push(&errors, tt_text_clean(err.message, 0));
    }
    for (size_t i = 0; i < found.n; i++)
        free(found.v[i]);
    free(found.v);
    if (n_paths && !found.n && !errors.n)
        strv_push(&errors, tt_strdup("no deployment files (*.json) found"));
    tt_error err;
    tt_error_clear(&err);
    if (t->n && deploy_files_check(t->files, t->n, &err) < 0)
        strv_push(&errors, tt_text_clean(err.message, 0));
    t->errors = errors.v;
    t->n_errors = errors.n;
    return errors.n ? -1 : 0;
}

void ops_deploy_tree_clear(ops_deploy_tree *t)
{
    for (size_t i = 0; i < t->n; i++)
        deploy_file_free(t->files[i]);
    free(t->files);
    for (size_t i = 0; i < t->n_errors; i++)
        free(t->errors[i]);
    free(t->errors);
    memset(t, 0, sizeof *t);
}

const char **ops_deploy_tree_envs(const ops_deploy_tree *t, size_t *n)
{
    const char **envs = tt_calloc(t->n ? t->n : 1, sizeof(char *));
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++) {
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++)
            seen = tt_streq(envs[j], t->files[i]->env);
        if (!seen)
            envs[k++] = t->files[i]->env;
    }
    if (k)
        qsort(envs, k, sizeof(char *), cmp_str);
    *n = k;
    return envs;
}

const char *ops_file_state_name(ops_file_state s)
{
    switch (s) {
    case OPS_FILE_IN_SYNC: return "in-sync";
    case OPS_FILE_CHANGES: return "changes";
    case OPS_FILE_NOT_DEPLOYED: return "not-deployed";
    case OPS_FILE_NOT_IN_FILES: return "not-in-files";
    }
    return "?";
}

/* ---- the live models ------------------------------------------------------ */

static int cmp_live(const void *a, const void *b)
{
    return strcmp(((const live_model *)a)->name, ((const live_model *)b)->name);
}

static int svc_index(const char *name, const char *prefix)
{
    for (int i = 0; i < 2; i++) {
        char want[32];
        snprintf(want, sizeof want, "%s%s", prefix, SVC_NAMES[i]);
        if (tt_streq(name, want))
            return i;
    }
    return -1;
}

size_t ops_live_models_find(const ops_live_models *lm, const char *model)
{
    size_t lo = 0, hi = lm->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(lm->m[mid].name, model);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (size_t)-1;
}

ops_live_models *ops_live_models_new(const json_t *ksvc_list, const json_t *ingress_list)
{
    ops_live_models *lm = tt_calloc(1, sizeof *lm);
    const json_t *items = json_object_get(ksvc_list, "items");
    lm->m = tt_calloc(json_array_size(items) + 1, sizeof(live_model));
    size_t i;
    const json_t *o;
    json_array_foreach(items, i, o) {
        int s = svc_index(meta(o, "name") ? meta(o, "name") : "", "");
        const char *ns = meta(o, "namespace");
        if (s < 0 || !ns)
            continue;
        lm->m[lm->n].name = ns;
        lm->m[lm->n].ksvc[s] = o;
        lm->n++;
    }
    if (lm->n)
        qsort(lm->m, lm->n, sizeof(live_model), cmp_live);
    /* merge the two services of a namespace into one entry */
    size_t k = 0;
    for (size_t j = 0; j < lm->n; j++) {
        if (k > 0 && tt_streq(lm->m[k - 1].name, lm->m[j].name)) {
            for (int s = 0; s < 2; s++)
                if (lm->m[j].ksvc[s])
                    lm->m[k - 1].ksvc[s] = lm->m[j].ksvc[s];
        } else {
            lm->m[k++] = lm->m[j];
        }
    }
    lm->n = k;
    json_array_foreach(json_object_get(ingress_list, "items"), i, o) {
        int s = svc_index(meta(o, "name") ? meta(o, "name") : "", "route-");
        const char *ns = meta(o, "namespace");
        if (s < 0 || !ns)
            continue;
        size_t at = ops_live_models_find(lm, ns);
        if (at != (size_t)-1)
            lm->m[at].ing[s] = o;
    }
    return lm;
}

void ops_live_models_free(ops_live_models *lm)
{
    if (!lm)
        return;
    free(lm->m);
    json_decref(lm->owned[0]);
    json_decref(lm->owned[1]);
    free(lm);
}

size_t ops_live_models_count(const ops_live_models *lm)
{
    return lm->n;
}

const char *ops_live_model_name(const ops_live_models *lm, size_t i)
{
    return lm->m[i].name;
}

void ops_facts_clear(svc_facts *f)
{
    for (size_t i = 0; i < N_FACTS; i++)
        free(*fact_slot(f, i));
    memset(f, 0, sizeof *f);
}

static int cmp_tag(const void *a, const void *b)
{
    const tag_pct *x = a, *y = b;
    size_t lx = strlen(x->tag), ly = strlen(y->tag);
    return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x->tag, y->tag);
}

static char *traffic_text(tag_pct *t, size_t n)
{
    if (n)
        qsort(t, n, sizeof *t, cmp_tag);
    tt_buf b = TT_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        tt_buf_printf(&b, "%s%s:%ld%%", i ? ", " : "", t[i].tag, t[i].percent);
    char *s = tt_strdup(b.len ? b.data : "");
    tt_buf_free(&b);
    return s;
}

/* Live traffic entries as versions (fleet_files_live.h). */
tag_pct *ops_live_traffic(const json_t *ksvc, const char *svc, const char *tmpl_version,
                          size_t *n, bool *foreign)
{
    const json_t *tr = json_object_get(json_object_get(ksvc, "spec"), "traffic");
    tag_pct *t = tt_calloc(json_array_size(tr) + 1, sizeof *t);
    *n = 0;
    *foreign = false;
    size_t i;
    const json_t *e;
    json_array_foreach(tr, i, e) {
        long pct = (long)json_integer_value(json_object_get(e, "percent"));
        if (pct <= 0)
            continue;
        const char *v = json_is_true(json_object_get(e, "latestRevision"))
                            ? tmpl_version
                            : version_of(svc, jstr(e, "revisionName"));
        if (!v) {
            *foreign = true;
            v = jstr(e, "revisionName") ? jstr(e, "revisionName") : "?";
        }
        t[*n].tag = tt_strdup(v);
        t[*n].percent = pct;
        (*n)++;
    }
    return t;
}

static void free_traffic(tag_pct *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(t[i].tag);
    free(t);
}

json_t *ops_ingress_paths(const json_t *ing)
{
    json_t *out = json_array();
    const json_t *rules = json_object_get(json_object_get(ing, "spec"), "rules");
    size_t i, j;
    const json_t *r, *p;
    json_array_foreach(rules, i, r) {
        json_array_foreach(json_object_get(json_object_get(r, "http"), "paths"), j, p) {
            if (jstr(p, "path"))
                json_array_append_new(out, json_string(jstr(p, "path")));
        }
    }
    return out;
}

static char *paths_text(const json_t *paths)
{
    tt_buf b = TT_BUF_INIT;
    size_t i;
    const json_t *p;
    json_array_foreach(paths, i, p)
        tt_buf_printf(&b, "%s%s", i ? "," : "", json_string_value(p));
    char *s = tt_strdup(b.len ? b.data : "(none)");
    tt_buf_free(&b);
    return s;
}

static const char *entrypoint_of(const json_t *c0)
{
    const json_t *args = json_object_get(c0, "args");
    for (size_t i = 1; i < json_array_size(args); i++) {
        const char *a = json_string_value(json_array_get(args, i));
        if (a && *a && a[0] != '-')
            return a;
    }
    return NULL;
}

static bool uses_api_keys(const json_t *c0)
{
    const json_t *env_from = json_object_get(c0, "envFrom");
    for (size_t i = 0; i < json_array_size(env_from); i++)
        if (tt_streq(jstr(json_object_get(json_array_get(env_from, i), "secretRef"), "name"),
                     "api-keys"))
            return true;
    return false;
}

void ops_live_facts(const live_model *m, int s, svc_facts *f)
{
    memset(f, 0, sizeof *f);
    const json_t *ksvc = m->ksvc[s];
    if (!ksvc)
        return;
    const char *svc = SVC_NAMES[s];
    const json_t *tmpl = template_of(ksvc);
    const json_t *tspec = json_object_get(tmpl, "spec");
    const json_t *ann = json_object_get(json_object_get(tmpl, "metadata"), "annotations");
    const json_t *c0 = json_array_get(json_object_get(tspec, "containers"), 0);
    const char *version = version_of(svc, meta(tmpl, "name"));
    f->version = tt_strdup(version ? version : "(unnamed)");
    f->image = tt_strdup(jstr(c0, "image") ? jstr(c0, "image") : "(none)");
    f->entrypoint = tt_strdup(entrypoint_of(c0) ? entrypoint_of(c0) : "(none)");
    f->keys = tt_strdup(uses_api_keys(c0) ? "true" : "false");
    const char *mn = scale_of(ann, "autoscaling.knative.dev/min-scale", "autoscaling.knative.dev/minScale");
    const char *mx = scale_of(ann, "autoscaling.knative.dev/max-scale", "autoscaling.knative.dev/maxScale");
    f->min_scale = tt_strdup(mn ? mn : "(unset)");
    f->max_scale = tt_strdup(mx ? mx : "(unset)");
    const json_t *cc = json_object_get(tspec, "containerConcurrency");
    f->concurrency = json_is_integer(cc) ? tt_asprintf("%lld", (long long)json_integer_value(cc))
                                         : tt_strdup("(unset)");
    const json_t *res = json_object_get(c0, "resources");
    f->resources = json_object_size(res) ? json_text(res) : tt_strdup("{}");
    json_t *paths = ops_ingress_paths(m->ing[s]);
    f->paths = paths_text(paths);
    json_decref(paths);
    size_t n;
    bool foreign;
    tag_pct *t = ops_live_traffic(ksvc, svc, version ? version : "(unnamed)", &n, &foreign);
    f->traffic = traffic_text(t, n);
    free_traffic(t, n);
}

static void file_facts(const deploy_file *d, int s, svc_facts *f)
{
    const deploy_service *ds = s == SVC_STREAM ? &d->stream : &d->validate;
    f->version = tt_strdup(d->version);
    f->image = tt_strdup(d->image);
    f->entrypoint = tt_strdup(d->image_entrypoint);
    f->keys = tt_strdup(d->legacy_api_key_auth ? "true" : "false");
    f->min_scale = tt_strdup(ds->min_scale);
    f->max_scale = tt_strdup(ds->max_scale);
    f->concurrency = tt_strdup(ds->concurrency);
    f->resources = ds->resources ? json_text(ds->resources) : tt_strdup(DEFAULT_RESOURCES);
    json_t *paths = json_array();
    for (size_t i = 0; i < ds->n_paths; i++)
        json_array_append_new(paths, json_string(ds->paths[i]));
    f->paths = paths_text(paths);
    json_decref(paths);
    tag_pct *t = tt_calloc(d->n_traffic + 1, sizeof *t);
    for (size_t i = 0; i < d->n_traffic; i++) {
        t[i].tag = tt_strdup(d->traffic[i].tag);
        t[i].percent = d->traffic[i].percent;
    }
    f->traffic = traffic_text(t, d->n_traffic);
    free_traffic(t, d->n_traffic);
}

/* ---- comparison -------------------------------------------------------------- */

static void push_change(strv *out, const char *svc, const char *word, const char *from,
                        const char *to)
{
    char *raw = svc ? tt_asprintf("%s %s %s → %s", svc, word, from, to)
                    : tt_asprintf("%s %s → %s", word, from, to);
    strv_push(out, tt_text_clean(raw, 0));
    free(raw);
}

/* live → file, per fact: one unqualified line when both services change
 * alike, else one line per service that differs. */
static void compare(const live_model *m, const deploy_file *d, strv *out)
{
    svc_facts live[2], want[2];
    for (int s = 0; s < 2; s++) {
        ops_live_facts(m, s, &live[s]);
        file_facts(d, s, &want[s]);
        if (!m->ksvc[s])
            strv_push(out, tt_asprintf("%s: not deployed", SVC_NAMES[s]));
    }
    for (size_t i = 0; i < N_FACTS; i++) {
        const char *l[2], *w[2];
        bool differs[2];
        for (int s = 0; s < 2; s++) {
            l[s] = *fact_slot(&live[s], i);
            w[s] = *fact_slot(&want[s], i);
            differs[s] = m->ksvc[s] && !tt_streq(l[s], w[s]);
        }
        if (differs[0] && differs[1] && tt_streq(l[0], l[1]) && tt_streq(w[0], w[1])) {
            push_change(out, NULL, FACT_WORDS[i], l[0], w[0]);
            continue;
        }
        for (int s = 0; s < 2; s++)
            if (differs[s])
                push_change(out, SVC_NAMES[s], FACT_WORDS[i], l[s], w[s]);
    }
    for (int s = 0; s < 2; s++) {
        ops_facts_clear(&live[s]);
        ops_facts_clear(&want[s]);
    }
}

static void add_entry(ops_files_plan *p, const char *model, ops_file_state st,
                      const deploy_file *f, strv *changes)
{
    p->entries = tt_realloc(p->entries, (p->n + 1) * sizeof *p->entries);
    ops_file_entry *e = &p->entries[p->n++];
    e->model = tt_text_clean(model, 0);
    e->state = st;
    e->file = f;
    e->changes = changes ? changes->v : NULL;
    e->n_changes = changes ? changes->n : 0;
    p->counts[st]++;
}

static int cmp_file_model(const void *a, const void *b)
{
    return strcmp((*(deploy_file *const *)a)->model, (*(deploy_file *const *)b)->model);
}

void ops_files_plan_compute(const ops_live_models *lm, const ops_deploy_tree *t, const char *env,
                            ops_files_plan *p)
{
    memset(p, 0, sizeof *p);
    p->env = tt_strdup(env);
    const deploy_file **mine = tt_calloc(t->n + 1, sizeof(deploy_file *));
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (tt_streq(t->files[i]->env, env))
            mine[n++] = t->files[i];
        else
            p->n_other_env++;
    }
    if (n)
        qsort(mine, n, sizeof(deploy_file *), cmp_file_model);
    /* a merge of two sorted lists: files and live models */
    size_t i = 0, j = 0;
    while (i < n || j < lm->n) {
        int c = i == n ? 1 : j == lm->n ? -1 : strcmp(mine[i]->model, lm->m[j].name);
        if (c < 0) {
            add_entry(p, mine[i]->model, OPS_FILE_NOT_DEPLOYED, mine[i], NULL);
            i++;
        } else if (c > 0) {
            add_entry(p, lm->m[j].name, OPS_FILE_NOT_IN_FILES, NULL, NULL);
            j++;
        } else {
            strv changes = {0};
            compare(&lm->m[j], mine[i], &changes);
            add_entry(p, mine[i]->model, changes.n ? OPS_FILE_CHANGES : OPS_FILE_IN_SYNC, mine[i],
                      &changes);
            i++;
            j++;
        }
    }
    free(mine);
}

ops_live_models *ops_live_models_load(kube_client *c, tt_error *err)
{
    json_t *ksvcs = kube_list(c, &KUBE_GVR_KSVC, "", NULL, err);
    if (!ksvcs) {
        tt_error_prefix(err, "listing Knative services");
        return NULL;
    }
    json_t *ings = kube_list(c, &KUBE_GVR_INGRESSES, "", NULL, err);
    if (!ings) {
        tt_error_prefix(err, "listing Ingresses");
        json_decref(ksvcs);
        return NULL;
    }
    ops_live_models *lm = ops_live_models_new(ksvcs, ings);
    lm->owned[0] = ksvcs;
    lm->owned[1] = ings;
    return lm;
}

int ops_files_plan_build(kube_client *c, const ops_deploy_tree *t, const char *env,
                         ops_files_plan *p, tt_error *err)
{
    memset(p, 0, sizeof *p);
    ops_live_models *lm = ops_live_models_load(c, err);
    if (!lm)
        return -1;
    ops_files_plan_compute(lm, t, env, p);
    ops_live_models_free(lm);
    return 0;
}

void ops_files_plan_clear(ops_files_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->entries[i].model);
        for (size_t k = 0; k < p->entries[i].n_changes; k++)
            free(p->entries[i].changes[k]);
        free(p->entries[i].changes);
    }
    free(p->entries);
    free(p->env);
    memset(p, 0, sizeof *p);
}

json_t *ops_files_plan_json(const ops_files_plan *p, const char *context)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < p->n; i++) {
        const ops_file_entry *e = &p->entries[i];
        json_t *changes = json_array();
        for (size_t k = 0; k < e->n_changes; k++)
            json_array_append_new(changes, json_string(e->changes[k]));
        char *file = e->file ? tt_text_clean(e->file->path, 0) : NULL;
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:o}", "model", e->model,
                                             "env", p->env, "context", context, "file", file,
                                             "state", ops_file_state_name(e->state), "changes",
                                             changes));
        free(file);
    }
    return arr;
}

const char *ops_files_pick_env(const config *cfg, const char *context, const ops_deploy_tree *t,
                               const char *env_flag, tt_error *err)
{
    if (env_flag)
        return env_flag;
    tt_error why;
    tt_error_clear(&why);
    const char *env = safety_env_of_context_err(cfg, context, "pass --env", &why);
    if (env)
        return env;
    size_t n;
    const char **envs = ops_deploy_tree_envs(t, &n);
    const char *one = n == 1 ? envs[0] : NULL;
    if (!one) {
        tt_buf b = TT_BUF_INIT;
        for (size_t i = 0; i < n; i++)
            tt_buf_printf(&b, "%s%s", i ? ", " : "", envs[i]);
        tt_error_set(err, TT_EINVAL, "the files are for %s and %s",
                     b.len ? b.data : "no environment", why.message);
        tt_buf_free(&b);
    }
    free(envs);
    return one;
}
