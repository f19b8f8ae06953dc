/*
 * The fleet as files (ops/fleet_files.c) against recorded API answers
 * (tests/data/ops/files/: the Knative Services and Ingresses of three demo
 * models, five9-de-de, happify whose stream template is a newer failing
 * version, and v9): each compared field on its own, the four states,
 * files of other environments, the fixed number of requests, the tree's
 * rules, the JSON form, and live → file → plan in sync.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet_files.h"
#include "support/fake_api.h"

typedef struct fx {
    json_t *ksvcs, *ings;
    ops_live_models *lm;
    ops_deploy_tree t;
    ops_files_plan p;
    char dir[64];
} fx;

static int setup(void **state)
{
    fx *f = tt_calloc(1, sizeof *f);
    f->ksvcs = fake_api_fixture("ops/files/ksvc-list.json");
    f->ings = fake_api_fixture("ops/files/ingress-list.json");
    f->lm = ops_live_models_new(f->ksvcs, f->ings);
    strcpy(f->dir, "/tmp/ttstui-ff.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    ops_files_plan_clear(&f->p);
    ops_deploy_tree_clear(&f->t);
    ops_live_models_free(f->lm);
    json_decref(f->ksvcs);
    json_decref(f->ings);
    char *cmd = tt_asprintf("rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(f);
    return 0;
}

/* The live model as a file of env, appended to the in-memory tree. */
static deploy_file *add_live(fx *f, const char *model, const char *env)
{
    size_t i = ops_live_models_find(f->lm, model);
    assert_true(i != (size_t)-1);
    tt_error err;
    tt_error_clear(&err);
    deploy_file *d = ops_live_model_file(f->lm, i, env, &err);
    if (!d)
        fail_msg("%s: %s", model, err.message);
    f->t.files = tt_realloc(f->t.files, (f->t.n + 1) * sizeof(deploy_file *));
    f->t.files[f->t.n++] = d;
    return d;
}

static const ops_file_entry *entry(const ops_files_plan *p, const char *model)
{
    for (size_t i = 0; i < p->n; i++)
        if (tt_streq(p->entries[i].model, model))
            return &p->entries[i];
    fail_msg("no entry for %s", model);
    return NULL;
}

static void replace(char **field, const char *value)
{
    free(*field);
    *field = tt_strdup(value);
}

static void live_models_are_indexed_by_namespace(void **state)
{
    fx *f = *state;
    assert_int_equal(ops_live_models_count(f->lm), 3);
    assert_string_equal(ops_live_model_name(f->lm, 0), "five9-de-de");
    assert_string_equal(ops_live_model_name(f->lm, 2), "v9");
    assert_true(ops_live_models_find(f->lm, "five9") == (size_t)-1); /* a prefix is no model */
    assert_true(ops_live_models_find(f->lm, "happify") == 1);
}

/* live → file → plan: in sync, nothing in words. */
static void exported_files_are_in_sync(void **state)
{
    fx *f = *state;
    add_live(f, "five9-de-de", "prod");
    add_live(f, "v9", "prod");
    ops_files_plan_compute(f->lm, &f->t, "prod", &f->p);
    const ops_file_entry *e = entry(&f->p, "five9-de-de");
    assert_int_equal(e->state, OPS_FILE_IN_SYNC);
    assert_int_equal(e->n_changes, 0);
    assert_ptr_equal(e->file, f->t.files[0]);
    assert_int_equal(entry(&f->p, "v9")->state, OPS_FILE_IN_SYNC);
    assert_int_equal(f->p.counts[OPS_FILE_IN_SYNC], 2);
}

/* The exported file carries the live values in the files' format. */
static void exported_file_has_the_live_values(void **state)
{
    fx *f = *state;
    deploy_file *d = add_live(f, "five9-de-de", "prod");
    assert_string_equal(d->env, "prod");
    assert_string_equal(d->version, "3");
    assert_string_equal(d->stream.min_scale, "1");
    assert_string_equal(d->validate.max_scale, "8");
    assert_string_equal(d->stream.concurrency, "1");
    assert_string_equal(d->validate.concurrency, "4");
    assert_int_equal(d->stream.n_paths, 1);
    assert_string_equal(d->stream.paths[0], "/api/text_to_speech/stream");
    assert_null(d->stream.resources); /* the template's default is left out */
    assert_int_equal(d->n_traffic, 1);
    assert_string_equal(d->traffic[0].tag, "3");
    assert_int_equal(d->traffic[0].percent, 100);
    assert_string_equal(d->path, "prod/five9-de-de.config.json");
    /* and it reads back as the same file */
    json_t *j = deploy_file_to_json(d);
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    tt_error err;
    tt_error_clear(&err);
    deploy_file *back = deploy_file_parse(text, strlen(text), "prod/five9-de-de.config.json", &err);
    assert_non_null(back);
    json_t *j2 = deploy_file_to_json(back);
    assert_true(json_equal(j, j2));
    json_decref(j2);
    deploy_file_free(back);
    free(text);
    json_decref(j);
}

/* A model whose services run different versions is no single file. */
static void export_refuses_services_that_differ(void **state)
{
    fx *f = *state;
    tt_error err;
    tt_error_clear(&err);
    assert_null(ops_live_model_file(f->lm, ops_live_models_find(f->lm, "happify"), "prod", &err));
    assert_int_equal(err.code, TT_EINVAL);
    assert_non_null(strstr(err.message, "happify"));
    assert_non_null(strstr(err.message, "version"));
}

typedef void (*mutation)(deploy_file *d);
static void m_version(deploy_file *d)
{
    replace(&d->version, "4");
}
static void m_image(deploy_file *d)
{
    replace(&d->image, "gcr.io/x/y@sha256:0000000000000000000000000000000000000000000000000000000000000000");
}
static void m_entry(deploy_file *d)
{
    replace(&d->image_entrypoint, "src.service.worker:app");
}
static void m_keys(deploy_file *d)
{
    d->legacy_api_key_auth = true;
}
static void m_stream_min(deploy_file *d)
{
    replace(&d->stream.min_scale, "2");
}
static void m_validate_max(deploy_file *d)
{
    replace(&d->validate.max_scale, "9");
}
static void m_validate_conc(deploy_file *d)
{
    replace(&d->validate.concurrency, "5");
}
static void m_stream_res(deploy_file *d)
{
    d->stream.resources = json_pack("{s:{s:s}}", "requests", "cpu", "1");
}
static void m_validate_paths(deploy_file *d)
{
    replace(&d->validate.paths[0], "/api/text_to_speech/input_validated/v2");
}
static void m_traffic(deploy_file *d)
{
    d->traffic[0].percent = 90;
    d->traffic = tt_realloc(d->traffic, 2 * sizeof *d->traffic);
    d->traffic[1].tag = tt_strdup("2");
    d->traffic[1].percent = 10;
    d->n_traffic = 2;
}
static void m_both_scales(deploy_file *d)
{
    replace(&d->stream.max_scale, "40");
    replace(&d->validate.max_scale, "40");
}

/* Each changed field alone: exactly one line, naming it with both values. */
static void each_field_is_one_change_in_words(void **state)
{
    fx *f = *state;
    static const struct {
        mutation m;
        const char *words;
    } cases[] = {
        {m_version, "version 3 → 4"},
        {m_image, "image gcr.io/voice-service-2-313121/speech-api-worker@sha256:5bb545d8516e1bf8d3c623ba0909687726d8be34546c2ede4203227615ebc2fc → gcr.io/x/y@sha256:0000000000000000000000000000000000000000000000000000000000000000"},
        {m_entry, "entry point run.deploy.worker:app → src.service.worker:app"},
        {m_keys, "legacy API-key auth false → true"},
        {m_stream_min, "stream minScale 1 → 2"},
        {m_validate_max, "validate maxScale 8 → 9"},
        {m_validate_conc, "validate concurrency 4 → 5"},
        {m_stream_res, "stream resources {\"requests\":{\"cpu\":\"7\",\"memory\":\"5G\"}} → {\"requests\":{\"cpu\":\"1\"}}"},
        {m_validate_paths, "validate paths /api/text_to_speech/input_validated → /api/text_to_speech/input_validated/v2"},
        {m_traffic, "traffic 3:100% → 2:10%, 3:90%"},
        {m_both_scales, "stream maxScale 32 → 40"},
    };
    for (size_t i = 0; i < TT_ARRAY_LEN(cases); i++) {
        ops_files_plan_clear(&f->p);
        ops_deploy_tree_clear(&f->t);
        cases[i].m(add_live(f, "five9-de-de", "prod"));
        ops_files_plan_compute(f->lm, &f->t, "prod", &f->p);
        const ops_file_entry *e = entry(&f->p, "five9-de-de");
        assert_int_equal(e->state, OPS_FILE_CHANGES);
        if (cases[i].m == m_both_scales) { /* from 32 and 8: each service on its own line */
            assert_int_equal(e->n_changes, 2);
            assert_string_equal(e->changes[1], "validate maxScale 8 → 40");
        } else {
            assert_int_equal(e->n_changes, 1);
        }
        assert_string_equal(e->changes[0], cases[i].words);
    }
}

/* A file with no model, a model with no file, and files of another
 * environment left out (counted). */
static void not_deployed_not_in_files_and_other_envs(void **state)
{
    fx *f = *state;
    add_live(f, "five9-de-de", "prod");
    deploy_file *extra = add_live(f, "v9", "prod");
    replace(&extra->model, "v99");
    deploy_file *staging = add_live(f, "v9", "staging");
    (void)staging;
    ops_files_plan_compute(f->lm, &f->t, "prod", &f->p);
    assert_int_equal(f->p.n, 4); /* five9-de-de, happify, v9, v99 */
    assert_int_equal(entry(&f->p, "v99")->state, OPS_FILE_NOT_DEPLOYED);
    assert_int_equal(entry(&f->p, "v9")->state, OPS_FILE_NOT_IN_FILES);
    assert_null(entry(&f->p, "v9")->file);
    assert_int_equal(entry(&f->p, "happify")->state, OPS_FILE_NOT_IN_FILES);
    assert_int_equal(f->p.n_other_env, 1);
    assert_string_equal(f->p.entries[0].model, "five9-de-de"); /* sorted */
    assert_string_equal(f->p.entries[3].model, "v99");
    /* the staging plan sees only the staging file */
    ops_files_plan_clear(&f->p);
    ops_files_plan_compute(f->lm, &f->t, "staging", &f->p);
    assert_int_equal(f->p.n_other_env, 2);
    assert_int_equal(entry(&f->p, "v9")->state, OPS_FILE_IN_SYNC);
    assert_int_equal(entry(&f->p, "five9-de-de")->state, OPS_FILE_NOT_IN_FILES);
}

static void plan_json_has_the_documented_keys(void **state)
{
    fx *f = *state;
    m_version(add_live(f, "five9-de-de", "prod"));
    ops_files_plan_compute(f->lm, &f->t, "prod", &f->p);
    json_t *j = ops_files_plan_json(&f->p, "demo");
    assert_int_equal(json_array_size(j), 3);
    json_t *e = json_array_get(j, 0);
    assert_string_equal(json_string_value(json_object_get(e, "model")), "five9-de-de");
    assert_string_equal(json_string_value(json_object_get(e, "env")), "prod");
    assert_string_equal(json_string_value(json_object_get(e, "context")), "demo");
    assert_string_equal(json_string_value(json_object_get(e, "file")), "prod/five9-de-de.config.json");
    assert_string_equal(json_string_value(json_object_get(e, "state")), "changes");
    assert_string_equal(json_string_value(json_array_get(json_object_get(e, "changes"), 0)), "version 3 → 4");
    json_t *h = json_array_get(j, 1);
    assert_true(json_is_null(json_object_get(h, "file")));
    assert_string_equal(json_string_value(json_object_get(h, "state")), "not-in-files");
    assert_int_equal(json_array_size(json_object_get(h, "changes")), 0);
    json_decref(j);
}

/* Against the scripted API: two lists across all namespaces, whatever the
 * number of files. */
static void build_asks_two_lists_however_many_files(void **state)
{
    fx *f = *state;
    kube_client *c = fake_api_start();
    fake_api_file("GET", "/apis/serving.knative.dev/v1/services", 200, "ops/files/ksvc-list.json");
    fake_api_file("GET", "/apis/networking.k8s.io/v1/ingresses", 200, "ops/files/ingress-list.json");
    for (int i = 0; i < 40; i++) {
        deploy_file *d = add_live(f, "v9", "prod");
        char name[16];
        snprintf(name, sizeof name, "m%02d", i);
        replace(&d->model, name);
    }
    add_live(f, "five9-de-de", "prod");
    fake_api_clear_log();
    tt_error err;
    tt_error_clear(&err);
    assert_int_equal(ops_files_plan_build(c, &f->t, "prod", &f->p, &err), 0);
    assert_int_equal(fake_api_count("GET", "/services", NULL), 1);
    assert_int_equal(fake_api_count("GET", "/ingresses", NULL), 1);
    assert_int_equal(fake_api_count(NULL, NULL, NULL), 2);
    assert_int_equal(f->p.counts[OPS_FILE_NOT_DEPLOYED], 40);
    assert_int_equal(entry(&f->p, "five9-de-de")->state, OPS_FILE_IN_SYNC);
    fake_api_stop(c);
}

/* A failing list: an error naming it, no plan. */
static void build_names_a_failed_list(void **state)
{
    fx *f = *state;
    kube_client *c = fake_api_start();
    fake_api_file("GET", "/apis/serving.knative.dev/v1/services", 200, "ops/files/ksvc-list.json");
    fake_api_status("GET", "/apis/networking.k8s.io/v1/ingresses", 403, "Forbidden",
                    "ingresses is forbidden");
    tt_error err;
    tt_error_clear(&err);
    assert_int_equal(ops_files_plan_build(c, &f->t, "prod", &f->p, &err), -1);
    assert_non_null(strstr(err.message, "Ingresses"));
    assert_int_equal(f->p.n, 0);
    fake_api_stop(c);
}

/* ---- the tree on disk ------------------------------------------------------ */

static char *write_tree_file(fx *f, const char *rel, const char *text)
{
    char *path = tt_asprintf("%s/%s", f->dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdir(path, 0700);
    *slash = '/';
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

static char *good_text(const char *env, const char *model)
{
    return tt_asprintf(
        "{\"env\": \"%s\", \"model\": \"%s\", \"version\": \"3\", \"image\": \"gcr.io/a/b:1\",\n"
        " \"stream\": {\"minScale\": \"0\", \"maxScale\": \"32\", \"concurrency\": 1, \"paths\": [\"/s\"]},\n"
        " \"validate\": {\"minScale\": \"0\", \"maxScale\": \"8\", \"concurrency\": 4, \"paths\": [\"/v\"]},\n"
        " \"traffic\": [{\"tag\": \"3\", \"percent\": 100}]}\n",
        env, model);
}

static void tree_loads_folders_recursively_and_skips_others(void **state)
{
    fx *f = *state;
    char *a = good_text("prod", "a"), *b = good_text("staging", "b");
    free(write_tree_file(f, "prod/a.config.json", a));
    free(write_tree_file(f, "staging/b.config.json", b));
    free(write_tree_file(f, "staging/README.md", "not a config"));
    free(write_tree_file(f, "staging/.hidden.json", "{broken"));
    const char *paths[] = {f->dir};
    assert_int_equal(ops_deploy_tree_load(paths, 1, &f->t), 0);
    assert_int_equal(f->t.n, 2);
    assert_string_equal(f->t.files[0]->model, "a");
    size_t n;
    const char **envs = ops_deploy_tree_envs(&f->t, &n);
    assert_int_equal(n, 2);
    assert_string_equal(envs[0], "prod");
    assert_string_equal(envs[1], "staging");
    free(envs);
    /* a folder and a file in it given too: each file once, no duplicate error */
    ops_deploy_tree_clear(&f->t);
    char *again = tt_asprintf("%s/prod/a.config.json", f->dir);
    const char *twice[] = {f->dir, again, f->dir};
    assert_int_equal(ops_deploy_tree_load(twice, 3, &f->t), 0);
    assert_int_equal(f->t.n, 2);
    free(again);
    free(a);
    free(b);
}

/* Every bad file is reported, not only the first; good ones still load. */
static void tree_reports_every_bad_file(void **state)
{
    fx *f = *state;
    char *a = good_text("prod", "a");
    free(write_tree_file(f, "prod/a.config.json", a));
    free(write_tree_file(f, "prod/bad.config.json", "{\"env\": \"prod\",\n  \"model\": }\n"));
    char *unknown = tt_strdup(a);
    char *at = strstr(unknown, "\"image\"");
    memcpy(at, "\"imagf\"", 7);
    free(write_tree_file(f, "prod/unknown.config.json", unknown));
    const char *paths[] = {f->dir};
    assert_int_equal(ops_deploy_tree_load(paths, 1, &f->t), -1);
    assert_int_equal(f->t.n, 1);
    assert_int_equal(f->t.n_errors, 2);
    assert_non_null(strstr(f->t.errors[0], "prod/bad.config.json:2:"));
    assert_non_null(strstr(f->t.errors[1], "prod/unknown.config.json:1:"));
    assert_non_null(strstr(f->t.errors[1], "imagf"));
    free(unknown);
    free(a);
}

static void tree_rules_env_folder_and_one_file_per_model(void **state)
{
    fx *f = *state;
    char *a = good_text("prod", "a");
    free(write_tree_file(f, "staging/a.config.json", a)); /* env prod in staging/ */
    const char *paths[] = {f->dir};
    assert_int_equal(ops_deploy_tree_load(paths, 1, &f->t), -1);
    assert_int_equal(f->t.n_errors, 1);
    assert_non_null(strstr(f->t.errors[0], "does not match its folder"));
    ops_deploy_tree_clear(&f->t);
    char *cmd = tt_asprintf("rm -rf '%s/staging'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(write_tree_file(f, "prod/a.config.json", a));
    free(write_tree_file(f, "prod/a-copy.config.json", a)); /* same model twice */
    assert_int_equal(ops_deploy_tree_load(paths, 1, &f->t), -1);
    assert_non_null(strstr(f->t.errors[0], "two files for model a"));
    free(a);
}

static void tree_of_a_missing_path_or_no_files_is_an_error(void **state)
{
    fx *f = *state;
    char *missing = tt_asprintf("%s/nowhere", f->dir);
    const char *paths[] = {missing};
    assert_int_equal(ops_deploy_tree_load(paths, 1, &f->t), -1);
    assert_non_null(strstr(f->t.errors[0], "nowhere"));
    ops_deploy_tree_clear(&f->t);
    const char *empty[] = {f->dir};
    assert_int_equal(ops_deploy_tree_load(empty, 1, &f->t), -1);
    assert_non_null(strstr(f->t.errors[0], "no deployment files"));
    free(missing);
}

/* The plan's environment: --env, else the context's (one environment
 * names it), else the files' only one; two environments naming the
 * context are said as such. */
static void plan_env_from_flag_context_or_files(void **state)
{
    fx *f = *state;
    char *settings = write_tree_file(f, "config.yaml", /* not a .json: no file of the tree */
                                     "environments:\n"
                                     "  - {name: staging, contexts: [\"gke_*\"]}\n"
                                     "  - {name: prod, contexts: [gke_prod]}\n");
    tt_error err;
    config *c = config_load(settings, &err);
    assert_non_null(c);
    char *a = good_text("prod", "a"), *b = good_text("staging", "b");
    free(write_tree_file(f, "prod/a.config.json", a));
    const char *paths[] = {f->dir};
    assert_int_equal(ops_deploy_tree_load(paths, 1, &f->t), 0);
    tt_error_clear(&err);
    assert_string_equal(ops_files_pick_env(c, "gke_prod", &f->t, "dr", &err), "dr");
    assert_string_equal(ops_files_pick_env(c, "gke_staging", &f->t, NULL, &err), "staging");
    /* ambiguous, or no environment: the files' only one */
    assert_string_equal(ops_files_pick_env(c, "gke_prod", &f->t, NULL, &err), "prod");
    assert_string_equal(ops_files_pick_env(c, "kind", &f->t, NULL, &err), "prod");
    assert_int_equal(err.code, 0);
    free(write_tree_file(f, "staging/b.config.json", b));
    ops_deploy_tree_clear(&f->t);
    assert_int_equal(ops_deploy_tree_load(paths, 1, &f->t), 0);
    assert_null(ops_files_pick_env(c, "gke_prod", &f->t, NULL, &err));
    assert_int_equal(err.code, TT_EINVAL);
    char *want = tt_asprintf("the files are for prod, staging and context gke_prod matches "
                             "environments staging and prod (environments[].contexts in %s): "
                             "pass --env",
                             settings);
    assert_string_equal(err.message, want);
    free(want);
    assert_null(ops_files_pick_env(c, "kind", &f->t, NULL, &err));
    assert_non_null(strstr(err.message, "context kind belongs to no environment of the settings"));
    config_free(c);
    free(settings);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(live_models_are_indexed_by_namespace, setup, teardown),
        cmocka_unit_test_setup_teardown(exported_files_are_in_sync, setup, teardown),
        cmocka_unit_test_setup_teardown(exported_file_has_the_live_values, setup, teardown),
        cmocka_unit_test_setup_teardown(export_refuses_services_that_differ, setup, teardown),
        cmocka_unit_test_setup_teardown(each_field_is_one_change_in_words, setup, teardown),
        cmocka_unit_test_setup_teardown(not_deployed_not_in_files_and_other_envs, setup, teardown),
        cmocka_unit_test_setup_teardown(plan_json_has_the_documented_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(build_asks_two_lists_however_many_files, setup, teardown),
        cmocka_unit_test_setup_teardown(build_names_a_failed_list, setup, teardown),
        cmocka_unit_test_setup_teardown(tree_loads_folders_recursively_and_skips_others, setup, teardown),
        cmocka_unit_test_setup_teardown(tree_reports_every_bad_file, setup, teardown),
        cmocka_unit_test_setup_teardown(tree_rules_env_folder_and_one_file_per_model, setup, teardown),
        cmocka_unit_test_setup_teardown(tree_of_a_missing_path_or_no_files_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(plan_env_from_flag_context_or_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
