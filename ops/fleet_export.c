/*
 * The fleet as files, the other way: a live model as a deployment file
 * (what `ttstui export` writes), and writing a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleet_files_live.h"
#include "release_params.h"
#include "tt_text.h"

static char *digits_or_null(const char *s)
{
    if (!s || !*s || strlen(s) > 18)
        return NULL;
    for (const char *c = s; *c; c++)
        if (*c < '0' || *c > '9')
            return NULL;
    return tt_strdup(s);
}

static int export_service(const live_model *m, int s, deploy_service *out, tt_error *err)
{
    const json_t *tmpl = template_of(m->ksvc[s]);
    const json_t *tspec = json_object_get(tmpl, "spec");
    const json_t *ann = json_object_get(json_object_get(tmpl, "metadata"), "annotations");
    const json_t *c0 = json_array_get(json_object_get(tspec, "containers"), 0);
    out->min_scale = digits_or_null(scale_of(ann, "autoscaling.knative.dev/min-scale", "autoscaling.knative.dev/minScale"));
    out->max_scale = digits_or_null(scale_of(ann, "autoscaling.knative.dev/max-scale", "autoscaling.knative.dev/maxScale"));
    const json_t *cc = json_object_get(tspec, "containerConcurrency");
    out->concurrency = json_is_integer(cc) && json_integer_value(cc) >= 0
                           ? tt_asprintf("%lld", (long long)json_integer_value(cc))
                           : NULL;
    if (!out->min_scale || !out->max_scale || !out->concurrency) {
        tt_error_set(err, TT_EINVAL, "%s: service %s has no numeric %s", m->name, SVC_NAMES[s],
                     !out->min_scale ? "minScale" : !out->max_scale ? "maxScale" : "containerConcurrency");
        return -1;
    }
    json_t *paths = ops_ingress_paths(m->ing[s]);
    if (json_array_size(paths) == 0) {
        json_decref(paths);
        tt_error_set(err, TT_EINVAL, "%s: no Ingress route-%s with paths", m->name, SVC_NAMES[s]);
        return -1;
    }
    out->n_paths = json_array_size(paths);
    out->paths = tt_calloc(out->n_paths, sizeof(char *));
    for (size_t i = 0; i < out->n_paths; i++)
        out->paths[i] = tt_strdup(json_string_value(json_array_get(paths, i)));
    json_decref(paths);
    const json_t *res = json_object_get(c0, "resources");
    char *rtext = json_text(res);
    if (res && json_object_size(res) && !tt_streq(rtext, DEFAULT_RESOURCES))
        out->resources = json_deep_copy(res);
    free(rtext);
    return 0;
}

deploy_file *ops_live_model_file(const ops_live_models *lm, size_t i, const char *env,
                                 tt_error *err)
{
    const live_model *m = &lm->m[i];
    char msg[256];
    if (!release_check_dns_label("model", m->name, msg, sizeof msg)) { /* it names a file */
        char *clean = tt_text_clean(msg, 0);
        tt_error_set(err, TT_EINVAL, "%s", clean);
        free(clean);
        return NULL;
    }
    for (int s = 0; s < 2; s++)
        if (!m->ksvc[s]) {
            tt_error_set(err, TT_EINVAL, "%s: no Knative service %s", m->name, SVC_NAMES[s]);
            return NULL;
        }
    svc_facts f[2];
    ops_live_facts(m, SVC_STREAM, &f[0]);
    ops_live_facts(m, SVC_VALIDATE, &f[1]);
    deploy_file *d = NULL;
    const size_t once[] = {0, 1, 2, 3, 9}; /* version, image, entry point, keys, traffic */
    for (size_t k = 0; k < TT_ARRAY_LEN(once); k++) {
        if (!tt_streq(*fact_slot(&f[0], once[k]), *fact_slot(&f[1], once[k]))) {
            tt_error_set(err, TT_EINVAL, "%s: stream and validate differ in %s (%s, %s)", m->name,
                         FACT_WORDS[once[k]], *fact_slot(&f[0], once[k]), *fact_slot(&f[1], once[k]));
            goto out;
        }
    }
    const char *version = version_of("stream", meta(template_of(m->ksvc[0]), "name"));
    d = tt_calloc(1, sizeof *d);
    d->path = tt_asprintf("%s/%s.config.json", env, m->name);
    d->env = tt_strdup(env);
    d->model = tt_strdup(m->name);
    d->version = digits_or_null(version);
    d->image = tt_strdup(jstr(json_array_get(json_object_get(json_object_get(template_of(m->ksvc[0]), "spec"), "containers"), 0), "image"));
    d->image_entrypoint = tt_strdup(f[0].entrypoint);
    d->legacy_api_key_auth = tt_streq(f[0].keys, "true");
    if (!d->version || !d->image) {
        tt_error_set(err, TT_EINVAL, "%s: %s", m->name,
                     !d->version ? "the revision name has no numeric version" : "no image");
        goto fail;
    }
    if (export_service(m, SVC_STREAM, &d->stream, err) < 0 ||
        export_service(m, SVC_VALIDATE, &d->validate, err) < 0)
        goto fail;
    size_t n;
    bool foreign;
    tag_pct *t = ops_live_traffic(m->ksvc[0], "stream", d->version, &n, &foreign);
    d->n_traffic = n;
    d->traffic = tt_calloc(n + 1, sizeof *d->traffic);
    bool ok = !foreign && n > 0;
    for (size_t k = 0; k < n; k++) {
        d->traffic[k].tag = t[k].tag; /* taken */
        d->traffic[k].percent = (int)t[k].percent;
        char *num = digits_or_null(t[k].tag);
        ok = ok && num;
        free(num);
    }
    free(t);
    if (!ok) {
        tt_error_set(err, TT_EINVAL, "%s: traffic names no version of stream", m->name);
        goto fail;
    }
    goto out;
fail:
    deploy_file_free(d);
    d = NULL;
out:
    ops_facts_clear(&f[0]);
    ops_facts_clear(&f[1]);
    return d;
}

int ops_deploy_file_write(const deploy_file *f, const char *path, tt_error *err)
{
    char *dir = tt_strdup(path);
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (slash && slash != dir) {
        *slash = '\0';
        rc = tt_mkdir_p(dir, 0777, err);
    }
    free(dir);
    if (rc < 0)
        return -1;
    json_t *j = deploy_file_to_json(f);
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(j);
    if (!text) {
        tt_error_set(err, TT_EIO, "%s: cannot encode the file", path);
        return -1;
    }
    char *tmp = tt_asprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out && fd >= 0)
        close(fd);
    rc = out && fputs(text, out) != EOF && fputc('\n', out) != EOF ? 0 : -1;
    if (out && fclose(out) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc < 0) {
        tt_error_set(err, TT_EIO, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    free(text);
    return rc;
}
