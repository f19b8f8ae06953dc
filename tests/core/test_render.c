/* Rendering with libjsonnet (core/render.h): the embedded default template
 * against the reference renderings, operator templates against the
 * `jsonnet` command line, imports, errors and output normalisation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "render.h"
#include "tt_common.h"

extern char **environ;

#define IMAGE                                                                                      \
    "gcr.io/voice-service-2-313121/speech-api-worker@sha256:"                                      \
    "3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"

static char *fixture(const char *name)
{
    const char *dir = getenv("TTSTUI_TEST_DATA");
    return tt_asprintf("%s/%s", dir ? dir : "../data", name);
}

static void set(release_params *p, const char *name, const char *value)
{
    assert_int_equal(release_params_set(p, name, value, NULL), 0);
}

static void set_fixture(release_params *p, const char *name, const char *file)
{
    char *path = fixture(file);
    set(p, name, path);
    free(path);
}

/* The reference case: env=staging, model=v3, version=1, the README's
 * digest, minScale=0, maxScale=32. */
static release_params *reference_params(bool keys)
{
    release_params *p = release_params_new();
    set(p, "env", "staging");
    set(p, "model", "v3");
    set(p, "version", "1");
    set(p, "image", IMAGE);
    if (keys) {
        set(p, "includeImageApiKeys", "true");
        set_fixture(p, "apiKeysFile", "reference/apikeys.example.json");
    }
    return p;
}

/* A reference rendering: JSON documents separated by "---" lines, ending
 * with "...". */
static json_t *load_json_stream(const char *name)
{
    char *path = fixture(name);
    char *text = tt_read_file(path, NULL, 0, NULL);
    assert_non_null(text);
    json_t *docs = json_array();
    tt_buf doc = TT_BUF_INIT;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save);; line = strtok_r(NULL, "\n", &save)) {
        bool sep = !line || strcmp(line, "---") == 0 || strcmp(line, "...") == 0;
        if (sep && doc.len) {
            json_error_t jerr;
            json_t *obj = json_loads(doc.data, 0, &jerr);
            if (!obj)
                fail_msg("%s: %s", name, jerr.text);
            json_array_append_new(docs, obj);
            tt_buf_reset(&doc);
        } else if (!sep) {
            tt_buf_printf(&doc, "%s\n", line);
        }
        if (!line)
            break;
    }
    tt_buf_free(&doc);
    free(text);
    free(path);
    return docs;
}

/*
 * THE one documented difference from the reference renderings: they use
 * the old extensions/v1beta1 Ingress (backend.serviceName/servicePort);
 * ttstui emits networking.k8s.io/v1 (backend.service.name/port.number).
 * Rewrites the expected Ingresses to that form.
 */
static void reference_ingress_to_networking_v1(json_t *docs)
{
    size_t i, n_ingress = 0;
    json_t *obj;
    json_array_foreach(docs, i, obj) {
        if (strcmp(json_string_value(json_object_get(obj, "kind")), "Ingress") != 0)
            continue;
        assert_string_equal(json_string_value(json_object_get(obj, "apiVersion")),
                            "extensions/v1beta1");
        json_object_set_new(obj, "apiVersion", json_string("networking.k8s.io/v1"));
        size_t r, q;
        json_t *rule, *path;
        json_array_foreach(json_object_get(json_object_get(obj, "spec"), "rules"), r, rule) {
            json_array_foreach(json_object_get(json_object_get(rule, "http"), "paths"), q, path) {
                json_t *old = json_object_get(path, "backend");
                json_t *backend = json_pack(
                    "{s:{s:O,s:{s:O}}}", "service", "name", json_object_get(old, "serviceName"),
                    "port", "number", json_object_get(old, "servicePort"));
                json_object_set_new(path, "backend", backend);
            }
        }
        n_ingress++;
    }
    assert_int_equal(n_ingress, 2);
}

static void assert_docs_equal(const json_t *expected, const json_t *actual)
{
    assert_int_equal(json_array_size(actual), json_array_size(expected));
    for (size_t i = 0; i < json_array_size(expected); i++) {
        json_t *e = json_array_get(expected, i), *a = json_array_get(actual, i);
        if (!json_equal(e, a)) {
            char *es = json_dumps(e, JSON_INDENT(1) | JSON_SORT_KEYS);
            char *as = json_dumps(a, JSON_INDENT(1) | JSON_SORT_KEYS);
            print_error("object %zu differs\nexpected: %s\nactual: %s\n", i, es, as);
            free(es);
            free(as);
            fail();
        }
    }
}

static void check_reference(bool keys, const char *reference)
{
    release_params *p = reference_params(keys);
    tt_error err;
    tt_error_clear(&err);
    json_t *docs = release_render(p, NULL, &err);
    if (!docs)
        fail_msg("render: %s", err.message);
    json_t *expected = load_json_stream(reference);
    reference_ingress_to_networking_v1(expected);
    assert_docs_equal(expected, docs);
    json_decref(expected);
    json_decref(docs);
    release_params_free(p);
}

static void embedded_template_matches_reference_without_keys(void **state)
{
    (void)state;
    check_reference(false, "reference/v3-staging-nokeys.reference.json-stream");
}

static void embedded_template_matches_reference_with_keys(void **state)
{
    (void)state;
    check_reference(true, "reference/v3-staging-withkeys.reference.json-stream");
}

static void embedded_template_uses_the_prod_hostname_and_scales(void **state)
{
    (void)state;
    release_params *p = reference_params(false);
    set(p, "env", "prod");
    set(p, "minScale", "2");
    set(p, "maxScale", "8");
    set(p, "imageEntrypoint", "legacy.worker:app");
    json_t *docs = release_render(p, NULL, NULL);
    assert_non_null(docs);
    json_t *ingress = json_array_get(docs, 5);
    assert_string_equal(json_string_value(json_object_get(ingress, "kind")), "Ingress");
    json_t *rule = json_array_get(json_object_get(json_object_get(ingress, "spec"), "rules"), 0);
    assert_string_equal(json_string_value(json_object_get(rule, "host")), "tts.wellsaidlabs.com");
    json_t *tmpl = json_object_get(json_object_get(json_array_get(docs, 2), "spec"), "template");
    json_t *ann = json_object_get(json_object_get(tmpl, "metadata"), "annotations");
    assert_string_equal(json_string_value(json_object_get(ann, "autoscaling.knative.dev/minScale")), "2");
    assert_string_equal(json_string_value(json_object_get(ann, "autoscaling.knative.dev/maxScale")), "8");
    json_t *args = json_object_get(
        json_array_get(json_object_get(json_object_get(tmpl, "spec"), "containers"), 0), "args");
    assert_string_equal(json_string_value(json_array_get(args, 1)), "legacy.worker:app");
    json_decref(docs);
    release_params_free(p);
}

static void embedded_template_errors_name_template_line_and_column(void **state)
{
    (void)state;
    release_params *p = reference_params(false);
    set(p, "env", "dev");
    tt_error err;
    assert_null(release_render(p, NULL, &err));
    assert_int_equal(err.code, TT_EINVAL);
    assert_true(tt_str_has_prefix(err.message, "template tts.jsonnet:"));
    assert_non_null(strstr(err.message, ": env must be 'staging' or 'prod', not 'dev'"));
    release_params_free(p);
}

static void keys_on_without_a_file_is_an_error(void **state)
{
    (void)state;
    release_params *p = reference_params(false);
    set(p, "includeImageApiKeys", "true");
    tt_error err;
    assert_null(release_render(p, NULL, &err));
    assert_non_null(strstr(err.message, "includeImageApiKeys is 'true' but no API-key file was given"));
    release_params_free(p);
}

static void bad_api_key_file_is_refused_before_rendering_without_its_values(void **state)
{
    (void)state;
    release_params *p = reference_params(true);
    set_fixture(p, "apiKeysFile", "render/keys/malformed.json");
    tt_error err;
    assert_null(release_render(p, NULL, &err));
    assert_non_null(strstr(err.message, "not valid JSON"));
    assert_null(strstr(err.message, "sekret"));
    release_params_free(p);
}

static void missing_required_parameter_is_named(void **state)
{
    (void)state;
    release_params *p = reference_params(false);
    set(p, "image", NULL);
    tt_error err;
    assert_null(release_render(p, NULL, &err));
    assert_string_equal(err.message, "cannot render: image is not set");
    release_params_free(p);
}

static void pin_renders_the_latest_pinned_service(void **state)
{
    (void)state;
    tt_error err;
    json_t *docs = release_render_pin("v3", &err);
    assert_non_null(docs);
    json_t *expected = json_pack(
        "[{s:s,s:s,s:{s:s,s:s,s:{s:s},s:{s:s}},s:s,s:{s:s}}]", "apiVersion",
        "configuration.konghq.com/v1", "kind", "KongClusterPlugin", "metadata", "name",
        "latest-pinned-service", "namespace", "kong", "annotations", "kubernetes.io/ingress.class",
        "kong", "labels", "global", "true", "plugin", "latest-version-transformer", "config",
        "latest_version", "v3");
    assert_true(json_equal(expected, docs));
    json_decref(expected);
    json_decref(docs);
    assert_null(release_render_pin("V3", &err));
    assert_non_null(strstr(err.message, "cannot pin latest: model \"V3\""));
}

static void default_template_source_is_embedded(void **state)
{
    (void)state;
    size_t len = 0;
    const char *text = render_default_template(&len);
    assert_int_equal(strlen(text), len);
    assert_non_null(strstr(text, "function("));
    assert_non_null(strstr(text, "includeImageApiKeys='false'"));
}

/* ---- operator templates vs the jsonnet command ----------------------- */

/* Runs `jsonnet <template> --tla-str name=value ...` and parses stdout. */
static json_t *jsonnet_cli(const release_params *p)
{
    release_tla tlas[RELEASE_TLA_COUNT];
    size_t n = release_params_tlas(p, tlas);
    char *argv[2 + 2 * RELEASE_TLA_COUNT + 1];
    size_t argc = 0;
    argv[argc++] = "jsonnet";
    argv[argc++] = (char *)release_params_get(p, "templateFile");
    for (size_t i = 0; i < n; i++) {
        argv[argc++] = "--tla-str";
        argv[argc++] = tt_asprintf("%s=%s", tlas[i].name, tlas[i].value);
    }
    argv[argc] = NULL;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    pid_t pid;
    int rc = posix_spawnp(&pid, "jsonnet", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    for (size_t i = 3; i < argc; i += 2)
        free(argv[i]);
    if (rc != 0)
        fail_msg("cannot run the jsonnet command (is it installed?): %s", strerror(rc));
    tt_buf out = TT_BUF_INIT;
    char buf[4096];
    ssize_t got;
    while ((got = read(fds[0], buf, sizeof buf)) > 0)
        tt_buf_append(&out, buf, (size_t)got);
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    json_t *docs = json_loads(out.data ? out.data : "", 0, NULL);
    tt_buf_free(&out);
    assert_non_null(docs);
    return docs;
}

static release_params *operator_params(bool keys)
{
    release_params *p = reference_params(false);
    set(p, "version", "7");
    set(p, "minScale", "1");
    set(p, "maxScale", "4");
    set_fixture(p, "templateFile", "render/operator/tts.jsonnet");
    if (keys)
        set(p, "includeImageApiKeys", "true");
    return p;
}

static void check_against_jsonnet_cli(bool keys, size_t n_objects)
{
    release_params *p = operator_params(keys);
    tt_error err;
    tt_error_clear(&err);
    json_t *docs = release_render(p, NULL, &err);
    if (!docs)
        fail_msg("render: %s", err.message);
    json_t *expected = jsonnet_cli(p);
    assert_int_equal(json_array_size(docs), n_objects);
    assert_docs_equal(expected, docs);
    json_decref(expected);
    json_decref(docs);
    release_params_free(p);
}

/* The annotations of the Knative Service `name` in docs. */
static json_t *scale_annotations(json_t *docs, const char *name)
{
    for (size_t i = 0; i < json_array_size(docs); i++) {
        json_t *o = json_array_get(docs, i);
        if (tt_streq(json_string_value(json_object_get(o, "kind")), "Service") &&
            tt_streq(json_string_value(json_object_get(json_object_get(o, "metadata"), "name")), name))
            return json_object_get(
                json_object_get(json_object_get(json_object_get(o, "spec"), "template"), "metadata"),
                "annotations");
    }
    fail_msg("no Service %s", name);
    return NULL;
}

/* Per-service scales: each service takes its own over the flat value, and
 * the embedded template renders exactly what the jsonnet command renders
 * from core/templates/tts.jsonnet. */
static void embedded_template_takes_per_service_scales(void **state)
{
    (void)state;
    release_params *p = reference_params(false);
    set(p, "maxScale", "16");
    set(p, "validateMaxScale", "4");
    set(p, "streamMinScale", "1");
    json_t *docs = release_render(p, NULL, NULL);
    assert_non_null(docs);
    json_t *sa = scale_annotations(docs, "stream"), *va = scale_annotations(docs, "validate");
    assert_string_equal(json_string_value(json_object_get(sa, "autoscaling.knative.dev/minScale")), "1");
    assert_string_equal(json_string_value(json_object_get(sa, "autoscaling.knative.dev/maxScale")), "16");
    assert_string_equal(json_string_value(json_object_get(va, "autoscaling.knative.dev/minScale")), "0");
    assert_string_equal(json_string_value(json_object_get(va, "autoscaling.knative.dev/maxScale")), "4");
    set(p, "templateFile", "../../core/templates/tts.jsonnet");
    json_t *expected = jsonnet_cli(p);
    assert_docs_equal(expected, docs);
    json_decref(expected);
    json_decref(docs);
    release_params_free(p);
}

static void template_file_matches_jsonnet_command_without_keys(void **state)
{
    (void)state;
    check_against_jsonnet_cli(false, 2);
}

static void template_file_matches_jsonnet_command_with_folder_keys(void **state)
{
    (void)state;
    /* apikeys.json from the template's folder, lib/ imports relative to
     * lib/ itself: both as the jsonnet command resolves them. */
    check_against_jsonnet_cli(true, 3);
}

static void api_keys_file_overrides_the_template_folder(void **state)
{
    (void)state;
    release_params *p = operator_params(true);
    set_fixture(p, "apiKeysFile", "render/keys/override.json");
    json_t *docs = release_render(p, NULL, NULL);
    assert_non_null(docs);
    json_t *data = json_object_get(json_array_get(docs, 1), "data");
    assert_int_equal(json_object_size(data), 1);
    char *expected = tt_base64_encode("override-key-value", strlen("override-key-value"));
    assert_string_equal(json_string_value(json_object_get(data, "OVERRIDE_KEY")), expected);
    free(expected);
    assert_null(json_object_get(data, "OPERATOR_KEY"));
    json_decref(docs);
    release_params_free(p);
}

static void template_syntax_error_names_file_line_and_column(void **state)
{
    (void)state;
    release_params *p = operator_params(false);
    set_fixture(p, "templateFile", "render/syntax-error.jsonnet");
    tt_error err;
    assert_null(release_render(p, NULL, &err));
    char *path = fixture("render/syntax-error.jsonnet");
    char *prefix = tt_asprintf("template %s:5:5-13: expected a comma before next field.", path);
    if (!tt_str_has_prefix(err.message, prefix))
        fail_msg("message \"%s\" does not start with \"%s\"", err.message, prefix);
    assert_null(strchr(err.message, '\n'));
    free(prefix);
    free(path);
    release_params_free(p);
}

static void template_runtime_error_never_shows_an_api_key(void **state)
{
    (void)state;
    release_params *p = operator_params(false);
    set_fixture(p, "templateFile", "render/runtime-error.jsonnet");
    set_fixture(p, "apiKeysFile", "render/keys/override.json");
    tt_error err;
    assert_null(release_render(p, NULL, &err));
    assert_non_null(strstr(err.message, "runtime-error.jsonnet:5:5-"));
    assert_non_null(strstr(err.message, ": refusing model v3 with key ***"));
    assert_null(strstr(err.message, "override-key-value"));
    release_params_free(p);
}

static void missing_template_file_is_an_io_error(void **state)
{
    (void)state;
    release_params *p = operator_params(false);
    set(p, "templateFile", "/nonexistent/tts.jsonnet");
    tt_error err;
    assert_null(release_render(p, NULL, &err));
    assert_int_equal(err.code, TT_EIO);
    assert_string_equal(err.message, "template file /nonexistent/tts.jsonnet: No such file or directory");
    release_params_free(p);
}

/* ---- output normalisation -------------------------------------------- */

static json_t *render_fixture(const char *name, tt_error *err)
{
    release_params *p = operator_params(false);
    set_fixture(p, "templateFile", name);
    json_t *docs = release_render(p, NULL, err);
    release_params_free(p);
    return docs;
}

static void single_object_output_becomes_a_one_element_array(void **state)
{
    (void)state;
    json_t *docs = render_fixture("render/single-object.jsonnet", NULL);
    assert_true(json_is_array(docs));
    assert_int_equal(json_array_size(docs), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(docs, 0), "kind")), "Namespace");
    json_decref(docs);
}

static void list_output_becomes_its_items(void **state)
{
    (void)state;
    json_t *docs = render_fixture("render/list.jsonnet", NULL);
    assert_int_equal(json_array_size(docs), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(docs, 1), "kind")), "ConfigMap");
    json_decref(docs);
}

static void non_object_elements_are_an_error_naming_the_index(void **state)
{
    (void)state;
    tt_error err;
    assert_null(render_fixture("render/not-objects.jsonnet", &err));
    assert_string_equal(err.message, "template output: element 1 is not an object");
}

static void normalise_rejects_objects_without_kind(void **state)
{
    (void)state;
    tt_error err;
    assert_null(render_normalise(json_pack("{s:{}}", "a.yaml"), &err));
    assert_non_null(strstr(err.message, "an object without kind"));
    assert_null(render_normalise(json_pack("[{s:s}]", "kind", "Namespace"), &err));
    assert_string_equal(err.message, "template output: element 0 has no apiVersion");
}

static void snippet_imports_resolve_relative_to_its_name(void **state)
{
    (void)state;
    char *name = fixture("render/operator/inline.jsonnet");
    release_tla tla = {"model", "m1"};
    tt_error err;
    json_t *docs = render_jsonnet_snippet(
        name, "function(model) [(import 'lib/k8s.libsonnet').namespace(model)]", &tla, 1, NULL, &err);
    if (!docs)
        fail_msg("%s", err.message);
    json_t *ns = json_array_get(docs, 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(ns, "metadata"), "name")), "m1");
    json_decref(docs);
    free(name);
}

/* Time bounds are for a normal build; scripts/test.sh --valgrind sets
 * TTSTUI_TEST_SLOWDOWN (memcheck runs code some 20-50 times slower). */
static long long slowdown(void)
{
    const char *s = getenv("TTSTUI_TEST_SLOWDOWN");
    long long v = s ? atoll(s) : 1;
    return v > 1 ? v : 1;
}

static void embedded_render_time_is_reported(void **state)
{
    (void)state;
    release_params *p = reference_params(true);
    long long t0 = tt_now_ms();
    int rounds = slowdown() > 1 ? 1 : 5; /* memcheck: memory, not speed */
    for (int i = 0; i < rounds; i++) {
        json_t *docs = release_render(p, NULL, NULL);
        assert_int_equal(json_array_size(docs), 12);
        json_decref(docs);
    }
    long long per = (tt_now_ms() - t0) / rounds;
    /* Reported, not asserted: bench/run.sh measures render time. */
    print_message("embedded render with API keys: %lld ms\n", per);
    release_params_free(p);
}

/* ---- deployment config files (templates/tts-deploy.jsonnet) ---------- */

/* A deployment file with the flat template's values: concurrency 1/4, the
 * default paths, no resources, traffic 100% to its own version. */
static deploy_file *deploy_like_flat(bool keys)
{
    char *text = tt_asprintf(
        "{\"env\": \"staging\", \"model\": \"v3\", \"version\": \"1\", \"image\": \"%s\",\n"
        " \"imageEntrypoint\": \"run.deploy.worker:app\",\n"
        " \"provideApiKeyAuthForLegacyContainerSupport\": \"%s\",\n"
        " \"stream\": {\"minScale\": \"0\", \"maxScale\": \"32\", \"concurrency\": 1,\n"
        "            \"paths\": [\"/api/text_to_speech/stream\"]},\n"
        " \"validate\": {\"minScale\": 0, \"maxScale\": 32, \"concurrency\": \"4\",\n"
        "              \"paths\": [\"/api/text_to_speech/input_validated\"]},\n"
        " \"traffic\": [{\"tag\": \"1\", \"percent\": 100}]}\n",
        IMAGE, keys ? "true" : "false");
    tt_error err;
    tt_error_clear(&err);
    deploy_file *f = deploy_file_parse(text, strlen(text), "staging/v3.config.json", &err);
    free(text);
    assert_non_null(f);
    return f;
}

static json_t *render_deploy_ok(const deploy_file *f, const char *keys_fixture)
{
    char *keys = keys_fixture ? fixture(keys_fixture) : NULL;
    tt_error err;
    tt_error_clear(&err);
    json_t *docs = release_render_deploy(f, keys, NULL, &err);
    if (!docs)
        fail_msg("render: %s", err.message);
    free(keys);
    return docs;
}

static json_t *service_of(json_t *docs, const char *name)
{
    size_t i;
    json_t *o;
    json_array_foreach(docs, i, o) {
        if (tt_streq(json_string_value(json_object_get(o, "kind")), "Service") &&
            tt_streq(json_string_value(json_object_get(json_object_get(o, "metadata"), "name")), name))
            return o;
    }
    fail_msg("no Service %s", name);
    return NULL;
}

/* Same objects as the flat template for the same values; only spec.traffic
 * differs (by tag instead of latestRevision). */
static void check_deploy_matches_flat(bool keys)
{
    deploy_file *f = deploy_like_flat(keys);
    json_t *got = render_deploy_ok(f, keys ? "reference/apikeys.example.json" : NULL);
    release_params *p = reference_params(keys);
    tt_error err;
    tt_error_clear(&err);
    json_t *flat = release_render(p, NULL, &err);
    assert_non_null(flat);
    const char *names[] = {"stream", "validate"};
    for (size_t i = 0; i < 2; i++) {
        json_t *spec = json_object_get(service_of(got, names[i]), "spec");
        char *want = tt_asprintf("[{\"percent\": 100, \"revisionName\": \"%s-1\"}]", names[i]);
        char *have = json_dumps(json_object_get(spec, "traffic"), JSON_SORT_KEYS);
        assert_string_equal(have, want);
        free(have);
        free(want);
        json_object_set(spec, "traffic", json_object_get(json_object_get(service_of(flat, names[i]), "spec"), "traffic"));
    }
    assert_true(json_equal(got, flat));
    json_decref(got);
    json_decref(flat);
    release_params_free(p);
    deploy_file_free(f);
}

static void deploy_template_matches_flat_template_without_keys(void **state)
{
    (void)state;
    check_deploy_matches_flat(false);
}

static void deploy_template_matches_flat_template_with_keys(void **state)
{
    (void)state;
    check_deploy_matches_flat(true);
}

static const char *annotation(json_t *svc, const char *key)
{
    json_t *a = json_object_get(
        json_object_get(json_object_get(json_object_get(svc, "spec"), "template"), "metadata"),
        "annotations");
    return json_string_value(json_object_get(a, key));
}

static json_t *container_of(json_t *svc)
{
    return json_array_get(json_object_get(json_object_get(json_object_get(json_object_get(svc, "spec"), "template"), "spec"), "containers"), 0);
}

/* Each per-service value reaches its own service only. */
static void deploy_template_takes_each_service_value_on_its_own(void **state)
{
    (void)state;
    deploy_file *f = deploy_like_flat(false);
    free(f->stream.min_scale);
    f->stream.min_scale = tt_strdup("2");
    free(f->validate.max_scale);
    f->validate.max_scale = tt_strdup("7");
    free(f->stream.concurrency);
    f->stream.concurrency = tt_strdup("3");
    free(f->validate.paths[0]);
    f->validate.paths[0] = tt_strdup("/v");
    f->stream.resources = json_pack("{s:{s:s}}", "limits", "nvidia.com/gpu", "1");
    json_t *docs = render_deploy_ok(f, NULL);
    json_t *st = service_of(docs, "stream"), *va = service_of(docs, "validate");
    assert_string_equal(annotation(st, "autoscaling.knative.dev/minScale"), "2");
    assert_string_equal(annotation(va, "autoscaling.knative.dev/minScale"), "0");
    assert_string_equal(annotation(va, "autoscaling.knative.dev/maxScale"), "7");
    assert_string_equal(annotation(st, "autoscaling.knative.dev/maxScale"), "32");
    json_t *ts = json_object_get(json_object_get(json_object_get(st, "spec"), "template"), "spec");
    assert_int_equal(json_integer_value(json_object_get(ts, "containerConcurrency")), 3);
    assert_string_equal(json_string_value(json_array_get(json_object_get(container_of(st), "args"), 5)), "--workers=3");
    json_t *tv = json_object_get(json_object_get(json_object_get(va, "spec"), "template"), "spec");
    assert_int_equal(json_integer_value(json_object_get(tv, "containerConcurrency")), 4);
    /* resources: the file's for stream, the default for validate */
    char *rs = json_dumps(json_object_get(container_of(st), "resources"), JSON_SORT_KEYS | JSON_COMPACT);
    char *rv = json_dumps(json_object_get(container_of(va), "resources"), JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal(rs, "{\"limits\":{\"nvidia.com/gpu\":\"1\"}}");
    assert_string_equal(rv, "{\"requests\":{\"cpu\":\"7\",\"memory\":\"5G\"}}");
    free(rs);
    free(rv);
    size_t i;
    json_t *o;
    int seen = 0;
    json_array_foreach(docs, i, o) {
        if (!tt_streq(json_string_value(json_object_get(o, "kind")), "Ingress"))
            continue;
        const char *name = json_string_value(json_object_get(json_object_get(o, "metadata"), "name"));
        json_t *path0 = json_array_get(json_object_get(json_object_get(json_array_get(json_object_get(json_object_get(o, "spec"), "rules"), 0), "http"), "paths"), 0);
        assert_string_equal(json_string_value(json_object_get(path0, "path")),
                            tt_streq(name, "route-validate") ? "/v" : "/api/text_to_speech/stream");
        seen++;
    }
    assert_int_equal(seen, 2);
    json_decref(docs);
    deploy_file_free(f);
}

/* Keys on without a key file: an error naming the field, no rendering. */
static void deploy_template_with_keys_needs_a_key_file(void **state)
{
    (void)state;
    deploy_file *f = deploy_like_flat(true);
    tt_error err;
    tt_error_clear(&err);
    assert_null(release_render_deploy(f, NULL, NULL, &err));
    assert_int_equal(err.code, TT_EINVAL);
    assert_non_null(strstr(err.message, "provideApiKeyAuthForLegacyContainerSupport"));
    deploy_file_free(f);
}

/* A prod file gets the prod hostname. */
static void deploy_template_uses_the_env_hostname(void **state)
{
    (void)state;
    deploy_file *f = deploy_like_flat(false);
    free(f->env);
    f->env = tt_strdup("prod");
    json_t *docs = render_deploy_ok(f, NULL);
    json_t *ing = json_array_get(docs, json_array_size(docs) - 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(ing, "spec"), "rules"), 0), "host")),
                        "tts.wellsaidlabs.com");
    json_decref(docs);
    deploy_file_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(embedded_template_matches_reference_without_keys),
        cmocka_unit_test(embedded_template_matches_reference_with_keys),
        cmocka_unit_test(embedded_template_uses_the_prod_hostname_and_scales),
        cmocka_unit_test(embedded_template_errors_name_template_line_and_column),
        cmocka_unit_test(keys_on_without_a_file_is_an_error),
        cmocka_unit_test(bad_api_key_file_is_refused_before_rendering_without_its_values),
        cmocka_unit_test(missing_required_parameter_is_named),
        cmocka_unit_test(pin_renders_the_latest_pinned_service),
        cmocka_unit_test(default_template_source_is_embedded),
        cmocka_unit_test(embedded_template_takes_per_service_scales),
        cmocka_unit_test(template_file_matches_jsonnet_command_without_keys),
        cmocka_unit_test(template_file_matches_jsonnet_command_with_folder_keys),
        cmocka_unit_test(api_keys_file_overrides_the_template_folder),
        cmocka_unit_test(template_syntax_error_names_file_line_and_column),
        cmocka_unit_test(template_runtime_error_never_shows_an_api_key),
        cmocka_unit_test(missing_template_file_is_an_io_error),
        cmocka_unit_test(single_object_output_becomes_a_one_element_array),
        cmocka_unit_test(list_output_becomes_its_items),
        cmocka_unit_test(non_object_elements_are_an_error_naming_the_index),
        cmocka_unit_test(normalise_rejects_objects_without_kind),
        cmocka_unit_test(snippet_imports_resolve_relative_to_its_name),
        cmocka_unit_test(embedded_render_time_is_reported),
        cmocka_unit_test(deploy_template_matches_flat_template_without_keys),
        cmocka_unit_test(deploy_template_matches_flat_template_with_keys),
        cmocka_unit_test(deploy_template_takes_each_service_value_on_its_own),
        cmocka_unit_test(deploy_template_with_keys_needs_a_key_file),
        cmocka_unit_test(deploy_template_uses_the_env_hostname),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
