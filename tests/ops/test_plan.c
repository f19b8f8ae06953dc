/*
 * ops_plan_build, ops_plan_send and ops_plan_send_checked (ops/plan.c: an
 * answer lost after a write went out is read back) against a scripted API
 * answering with recorded answers (tests/data/ops/): what is read, what is
 * dry-run and never stored, and each safety rule wired into the plan (the
 * env/context guard, the version rule with the next free version, API keys
 * by policy), failures of the cluster named by object.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "support/fake_api.h"

#define NS "/api/v1/namespaces/v3"
#define SECRET NS "/secrets/api-keys"
#define KSVC "/apis/serving.knative.dev/v1/namespaces/v3/services/"
#define REVS "/apis/serving.knative.dev/v1/namespaces/v3/revisions"
#define FEATURES "/api/v1/namespaces/knative-serving/configmaps/config-features"

typedef struct fx {
    kube_client *c;
    config *cfg;
    ops_release r;
    ops_target t;
    ops_plan p;
    tt_error err;
} fx;

static int setup(void **state)
{
    fx *f = tt_calloc(1, sizeof(*f));
    f->c = fake_api_start();
    char *path = tt_asprintf("%s/ops/config.yaml", getenv("TTSTUI_TEST_DATA"));
    f->cfg = config_load(path, &f->err);
    free(path);
    if (!f->cfg)
        fail_msg("config: %s", f->err.message);
    ops_release_init(&f->r);
    char *keys = tt_asprintf("%s/ops/api-keys.json", getenv("TTSTUI_TEST_DATA"));
    assert_int_equal(release_params_set(f->r.params, RELEASE_ENV, "staging", &f->err), 0);
    assert_int_equal(release_params_set(f->r.params, RELEASE_INCLUDE_API_KEYS, "true", &f->err),
                     0);
    assert_int_equal(release_params_set(f->r.params, RELEASE_API_KEYS_FILE, keys, &f->err), 0);
    free(keys);
    if (ops_release_load_keys(&f->r, &f->err) != 0)
        fail_msg("keys: %s", f->err.message);
    f->r.objects = fake_api_fixture("ops/rendered-v3.json");
    f->t = (ops_target){.client = f->c, .cfg = f->cfg, .context = "kind-ttstui",
                        .keys_hint = "--api-keys-policy replace or merge"};
    tt_error_clear(&f->err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    ops_plan_clear(&f->p);
    ops_release_clear(&f->r);
    config_free(f->cfg);
    fake_api_stop(f->c);
    free(f);
    return 0;
}

/* Model v3 as it is live: every rendered object exists, the dry-run
 * answers are the live objects (nothing would change), the cluster has
 * the podspec dry-run flag on. */
static void serve_live(void)
{
    fake_api_file("GET", NS, 200, "ops/live-namespace-v3.json");
    fake_api_file("GET", SECRET, 200, "ops/live-secret-api-keys.json");
    fake_api_file("GET", KSVC "stream", 200, "ops/live-ksvc-stream.json");
    fake_api_file("GET", KSVC "validate", 200, "ops/live-ksvc-validate.json");
    fake_api_file("GET", REVS "/stream-1", 200, "ops/live-revision-stream-1.json");
    fake_api_file("GET", REVS "/validate-1", 200, "ops/live-revision-validate-1.json");
    fake_api_file("GET", REVS, 200, "ops/revision-list-v3.json");
    fake_api_file("GET", FEATURES, 200, "ops/config-features.json");
    fake_api_file("PATCH", NS, 200, "ops/live-namespace-v3.json");
    fake_api_file("PATCH", SECRET, 200, "ops/live-secret-api-keys.json");
    fake_api_file("PATCH", KSVC "stream", 200, "ops/live-ksvc-stream.json");
    fake_api_file("PATCH", KSVC "validate", 200, "ops/live-ksvc-validate.json");
}

/* The live Secret api-keys with its data replaced. */
static void serve_live_keys(const char *name1, const char *b64_1, const char *name2,
                            const char *b64_2)
{
    json_t *s = fake_api_fixture("ops/live-secret-api-keys.json");
    json_t *data = json_object();
    json_object_set_new(data, name1, json_string(b64_1));
    if (name2)
        json_object_set_new(data, name2, json_string(b64_2));
    json_object_set_new(s, "data", data);
    fake_api_json("GET", SECRET, 200, s);
    json_decref(s);
}

/* Live revision stream-1 with one change made by edit. */
static void serve_stream_1_with(void (*edit)(json_t *spec, json_t *container))
{
    json_t *rev = fake_api_fixture("ops/live-revision-stream-1.json");
    json_t *spec = json_object_get(rev, "spec");
    edit(spec, json_array_get(json_object_get(spec, "containers"), 0));
    fake_api_json("GET", REVS "/stream-1", 200, rev);
    json_decref(rev);
}

static size_t writes(void)
{
    return fake_api_count("PATCH", NULL, NULL) + fake_api_count("PUT", NULL, NULL) +
           fake_api_count("POST", NULL, NULL) + fake_api_count("DELETE", NULL, NULL);
}

static ops_plan_item *item(ops_plan *p, const char *label)
{
    for (size_t i = 0; i < p->n_items; i++)
        if (strcmp(p->items[i].label, label) == 0)
            return &p->items[i];
    fail_msg("no plan item %s", label);
    return NULL;
}

static void build(fx *f, ops_plan_mode mode)
{
    if (ops_plan_build(&f->t, &f->r, mode, &f->p, &f->err) != 0)
        fail_msg("ops_plan_build: %s", f->err.message);
}

static void the_live_release_is_nothing_to_do_and_only_dry_runs(void **state)
{
    fx *f = *state;
    serve_live();
    build(f, OPS_PLAN_APPLY);
    assert_null(ops_plan_refusal(&f->p));
    assert_true(f->p.namespace_exists);
    assert_true(f->p.versions_same);
    assert_true(f->p.nothing_to_do);
    assert_null(f->p.keys_summary);
    assert_int_equal(f->p.n_items, 4);
    assert_string_equal(f->p.items[0].label, "namespace/v3"); /* the namespace first */
    /* Each object dry-run once, nothing stored. */
    assert_int_equal(fake_api_count("PATCH", NULL, "dryRun=All"), 4);
    assert_int_equal(writes(), 4);
    char *line = ops_plan_result_line(&f->p);
    assert_string_equal(line, "would create 0, configure 0, leave 4 unchanged; nothing was stored");
    free(line);
    assert_int_equal(f->p.podspec_dryrun, 1);
    assert_non_null(strstr(f->p.podspec_source, "cluster flag kubernetes.podspec-dryrun"));
    for (size_t i = 0; i < f->p.n_items; i++)
        assert_string_equal(ops_plan_outcome(&f->p, i, false), "unchanged");
}

static void a_changed_object_is_configured(void **state)
{
    fx *f = *state;
    serve_live();
    /* The dry run of stream answers with the rendered object: not the live one. */
    json_t *dry = fake_api_fixture("ops/live-ksvc-stream.json");
    json_object_set_new(json_object_get(json_object_get(json_object_get(json_object_get(
                            dry, "spec"), "template"), "metadata"), "annotations"),
                        "autoscaling.knative.dev/minScale", json_string("1"));
    fake_api_json("PATCH", KSVC "stream", 200, dry);
    json_decref(dry);
    build(f, OPS_PLAN_DIFF);
    assert_false(f->p.nothing_to_do);
    assert_true(diff_result_changed(f->p.diff));
    char *line = ops_plan_result_line(&f->p);
    assert_string_equal(line, "would create 0, configure 1, leave 3 unchanged; nothing was stored");
    free(line);
    assert_string_equal(ops_plan_outcome(&f->p, 3, false), "configured");
    assert_string_equal(ops_plan_outcome(&f->p, 3, true), "created");
}

static void a_new_model_reads_nothing_inside_its_namespace(void **state)
{
    fx *f = *state;
    /* No routes: the namespace is absent (404). */
    build(f, OPS_PLAN_APPLY);
    assert_null(ops_plan_refusal(&f->p));
    assert_false(f->p.namespace_exists);
    assert_int_equal(fake_api_count("GET", "/namespaces/v3/", NULL), 0);
    /* Only the namespace can be dry-run; the rest waits for it. */
    assert_int_equal(fake_api_count("PATCH", NULL, "dryRun=All"), 1);
    assert_int_equal(fake_api_count("PATCH", NS, "dryRun=All"), 1);
    assert_int_equal(writes(), 1);
    assert_false(f->p.items[0].dry_skipped);
    for (size_t i = 1; i < f->p.n_items; i++)
        assert_true(f->p.items[i].dry_skipped);
    assert_int_equal(diff_result_count_status(f->p.diff, DIFF_ADDED), 4);
    assert_int_equal(f->p.n_version_notes, 2);
    assert_string_equal(f->p.version_notes[0], "validate-1: new revision");
    assert_string_equal(f->p.version_notes[1], "stream-1: new revision");
    assert_false(f->p.versions_same);
    char *note = ops_plan_dry_run_note(&f->p);
    assert_non_null(strstr(note, "1 of 4 objects went through"));
    assert_non_null(strstr(note, "3 objects were not sent"));
    free(note);
    const char *svc[4], *rev[4];
    assert_int_equal(ops_plan_rollout_targets(&f->p, svc, rev, 4), 2);
    assert_string_equal(svc[0], "validate");
    assert_string_equal(rev[0], "validate-1");
    assert_string_equal(svc[1], "stream");
    assert_string_equal(rev[1], "stream-1");
    assert_int_equal(ops_plan_rollout_targets(&f->p, svc, rev, 1), 1);
}

static void another_envs_context_is_refused_before_the_cluster_is_asked(void **state)
{
    fx *f = *state;
    serve_live();
    assert_int_equal(release_params_set(f->r.params, RELEASE_ENV, "prod", &f->err), 0);
    build(f, OPS_PLAN_APPLY);
    assert_non_null(f->p.env_refusal);
    assert_ptr_equal(ops_plan_refusal(&f->p), f->p.env_refusal);
    assert_non_null(strstr(f->p.env_refusal, "prod"));
    assert_non_null(strstr(f->p.env_refusal, "kind-ttstui"));
    assert_int_equal(fake_api_count(NULL, NULL, NULL), 0);
}

static void a_context_that_extends_an_allowed_name_is_refused(void **state)
{
    fx *f = *state;
    serve_live();
    f->t.context = "gke_voice_us-central1_staging-old";
    build(f, OPS_PLAN_APPLY);
    assert_non_null(f->p.env_refusal);
    ops_plan_clear(&f->p);
    f->t.context = "gke_voice_us-central1_stag";
    build(f, OPS_PLAN_APPLY);
    assert_non_null(f->p.env_refusal);
    ops_plan_clear(&f->p);
    f->t.context = "gke_voice_us-central1_staging";
    build(f, OPS_PLAN_APPLY);
    assert_null(ops_plan_refusal(&f->p));
}

static void diff_mode_diffs_despite_a_refusal_and_is_never_nothing_to_do(void **state)
{
    fx *f = *state;
    serve_live();
    assert_int_equal(release_params_set(f->r.params, RELEASE_ENV, "prod", &f->err), 0);
    build(f, OPS_PLAN_DIFF);
    assert_non_null(f->p.env_refusal);
    assert_non_null(f->p.diff);
    assert_false(diff_result_changed(f->p.diff));
    assert_false(f->p.nothing_to_do);
    assert_int_equal(fake_api_count("PATCH", NULL, "dryRun=All"), 4);
    assert_int_equal(writes(), 4);
}

static void change_image(json_t *spec, json_t *c)
{
    (void)spec;
    json_object_set_new(c, "image", json_string("gcr.io/voice-service-2-313121/speech-api-"
                                                "worker@sha256:0000000000000000000000000000000"
                                                "000000000000000000000000000000000"));
}

static void drop_timeout_seconds(json_t *spec, json_t *c)
{
    (void)c;
    json_object_del(spec, "timeoutSeconds");
}

static void same_version_other_template_is_refused_with_the_next_free_version(void **state)
{
    fx *f = *state;
    serve_live();
    serve_stream_1_with(change_image);
    build(f, OPS_PLAN_APPLY);
    assert_non_null(f->p.version_refusal);
    assert_ptr_equal(ops_plan_refusal(&f->p), f->p.version_refusal);
    assert_non_null(strstr(f->p.version_refusal, "stream-1"));
    assert_non_null(strstr(f->p.version_refusal, "image"));
    assert_null(strstr(f->p.version_refusal, "validate-1"));
    /* stream-7 is the highest numbered revision: stream-10-hotfix is not a number. */
    assert_string_equal(f->p.next_version, "8");
    assert_non_null(strstr(f->p.version_refusal, "release it as version 8"));
    assert_false(f->p.versions_same);
    assert_string_equal(f->p.version_notes[1], "stream-1: exists with a different template");
    assert_int_equal(writes(), 0); /* refused before any dry run */
}

static void a_field_the_live_revision_lacks_is_refused_naming_it(void **state)
{
    fx *f = *state;
    serve_live();
    serve_stream_1_with(drop_timeout_seconds);
    build(f, OPS_PLAN_APPLY);
    assert_non_null(f->p.version_refusal);
    assert_non_null(strstr(f->p.version_refusal, "timeoutSeconds"));
    assert_int_equal(writes(), 0);
}

static void diff_mode_shows_a_version_conflict_and_diffs(void **state)
{
    fx *f = *state;
    serve_live();
    serve_stream_1_with(change_image);
    build(f, OPS_PLAN_DIFF);
    assert_non_null(f->p.version_refusal);
    assert_non_null(f->p.diff);
    assert_false(f->p.nothing_to_do);
}

static void revisions_that_cannot_be_listed_fail_the_plan(void **state)
{
    fx *f = *state;
    serve_live();
    serve_stream_1_with(change_image);
    fake_api_status("GET", REVS, 403, "Forbidden",
                    "revisions.serving.knative.dev is forbidden: User \"dev\" cannot list");
    assert_int_equal(ops_plan_build(&f->t, &f->r, OPS_PLAN_APPLY, &f->p, &f->err), -1);
    assert_non_null(strstr(f->err.message, "listing revisions in v3"));
    assert_non_null(strstr(f->err.message, "forbidden"));
}

static void one_changed_key_value_is_refused_by_name_only(void **state)
{
    fx *f = *state;
    serve_live();
    serve_live_keys("NEIL_SPEECH_API_KEY", "WVlZ", "SAMS_SPEECH_API_KEY", "WFhZ"); /* XXY */
    build(f, OPS_PLAN_APPLY);
    assert_non_null(f->p.keys_refusal);
    assert_ptr_equal(ops_plan_refusal(&f->p), f->p.keys_refusal);
    assert_non_null(strstr(f->p.keys_refusal, "SAMS_SPEECH_API_KEY"));
    assert_null(strstr(f->p.keys_refusal, "NEIL_SPEECH_API_KEY"));
    assert_non_null(strstr(f->p.keys_refusal, "(--api-keys-policy replace or merge)"));
    assert_null(strstr(f->p.keys_refusal, "XX"));
    assert_null(strstr(f->p.keys_refusal, "WFh"));
    assert_int_equal(writes(), 0);
}

static void a_live_value_that_is_a_prefix_of_the_files_is_refused(void **state)
{
    fx *f = *state;
    serve_live();
    serve_live_keys("NEIL_SPEECH_API_KEY", "WVlZ", "SAMS_SPEECH_API_KEY", "WFg="); /* XX */
    build(f, OPS_PLAN_APPLY);
    assert_non_null(f->p.keys_refusal);
    assert_non_null(strstr(f->p.keys_refusal, "SAMS_SPEECH_API_KEY"));
    assert_int_equal(writes(), 0);
}

static void replace_puts_the_files_keys_over_the_live_version(void **state)
{
    fx *f = *state;
    serve_live();
    serve_live_keys("NEIL_SPEECH_API_KEY", "WVlZ", "OLD_KEY", "b2xk");
    f->t.keys_policy = SAFETY_KEYS_REPLACE;
    build(f, OPS_PLAN_APPLY);
    assert_null(ops_plan_refusal(&f->p));
    assert_non_null(strstr(f->p.keys_summary, "OLD_KEY"));
    ops_plan_item *it = item(&f->p, "secret/api-keys");
    assert_true(it->replace);
    /* The dry run was a PUT too, never a PATCH of the Secret. */
    assert_int_equal(fake_api_count("PUT", SECRET, "dryRun=All"), 1);
    assert_int_equal(fake_api_count("PATCH", SECRET, NULL), 0);
    fake_api_clear_log();
    fake_api_file("PUT", SECRET, 200, "ops/live-secret-api-keys.json");
    bool created = true;
    json_t *res = ops_plan_send(&f->t, it, false, &created, &f->err);
    assert_non_null(res);
    json_decref(res);
    assert_false(created);
    assert_int_equal(fake_api_count("PUT", SECRET, NULL), 1);
    assert_int_equal(fake_api_count("PUT", SECRET, "dryRun"), 0);
    json_t *body = fake_api_last_body("PUT", SECRET, NULL);
    assert_string_equal(json_string_value(json_object_get(json_object_get(body, "metadata"),
                                                          "resourceVersion")),
                        "48002");
    json_t *data = json_object_get(body, "data");
    assert_int_equal(json_object_size(data), 2);
    assert_string_equal(json_string_value(json_object_get(data, "SAMS_SPEECH_API_KEY")), "WFhY");
    assert_null(json_object_get(data, "OLD_KEY"));
    json_decref(body);
}

static void merge_keeps_live_keys_and_applies(void **state)
{
    fx *f = *state;
    serve_live();
    serve_live_keys("NEIL_SPEECH_API_KEY", "WVlZ", "OLD_KEY", "b2xk");
    f->t.keys_policy = SAFETY_KEYS_MERGE;
    build(f, OPS_PLAN_APPLY);
    assert_null(ops_plan_refusal(&f->p));
    ops_plan_item *it = item(&f->p, "secret/api-keys");
    assert_false(it->replace);
    json_t *data = json_object_get(it->desired, "data");
    assert_int_equal(json_object_size(data), 3);
    assert_string_equal(json_string_value(json_object_get(data, "OLD_KEY")), "b2xk");
    assert_string_equal(json_string_value(json_object_get(data, "SAMS_SPEECH_API_KEY")), "WFhY");
    assert_int_equal(fake_api_count("PUT", NULL, NULL), 0);
    assert_int_equal(fake_api_count("PATCH", SECRET, "dryRun=All"), 1);
}

static void a_forbidden_read_fails_the_plan_naming_the_object(void **state)
{
    fx *f = *state;
    serve_live();
    fake_api_status("GET", SECRET, 403, "Forbidden",
                    "secrets \"api-keys\" is forbidden: User \"dev\" cannot get resource");
    assert_int_equal(ops_plan_build(&f->t, &f->r, OPS_PLAN_APPLY, &f->p, &f->err), -1);
    assert_non_null(strstr(f->err.message, "reading secret/api-keys"));
    assert_int_equal(writes(), 0);
}

static void a_dry_run_the_server_rejects(void **state)
{
    fx *f = *state;
    serve_live();
    fake_api_status("PATCH", KSVC "stream", 422, "BadRequest",
                    "admission webhook \"validation.webhook.serving.knative.dev\" denied the "
                    "request: validation failed: expected 0 <= 3601 <= 3600: "
                    "spec.template.spec.timeoutSeconds");
    /* diff: the rejection is part of the plan, the other objects still diffed */
    build(f, OPS_PLAN_DIFF);
    const ops_plan_item *bad = ops_plan_rejected(&f->p);
    assert_non_null(bad);
    assert_string_equal(bad->label, "service.serving.knative.dev/stream");
    assert_non_null(strstr(bad->dry_error, "timeoutSeconds"));
    assert_int_equal(fake_api_count("PATCH", NULL, "dryRun=All"), 4);
    ops_plan_clear(&f->p);
    /* apply: the plan fails */
    assert_int_equal(ops_plan_build(&f->t, &f->r, OPS_PLAN_APPLY, &f->p, &f->err), -1);
    assert_non_null(strstr(f->err.message, "server-side dry run of service.serving.knative.dev/stream"));
    assert_non_null(strstr(f->err.message, "timeoutSeconds"));
}

static void the_podspec_dry_run_comes_from_the_annotation_or_the_flag(void **state)
{
    fx *f = *state;
    serve_live();
    fake_api_status("GET", FEATURES, 404, "NotFound", "configmaps \"config-features\" not found");
    build(f, OPS_PLAN_DIFF);
    assert_int_equal(f->p.podspec_dryrun, 0);
    assert_non_null(strstr(f->p.podspec_source, "no knative-serving/config-features"));
    char *note = ops_plan_dry_run_note(&f->p);
    assert_non_null(strstr(note, "did NOT validate the pod specs"));
    free(note);
    ops_plan_clear(&f->p);

    fake_api_status("GET", FEATURES, 403, "Forbidden", "configmaps is forbidden");
    build(f, OPS_PLAN_DIFF);
    assert_int_equal(f->p.podspec_dryrun, -1);
    assert_non_null(strstr(f->p.podspec_source, "could not read"));
    ops_plan_clear(&f->p);

    json_t *ksvc = json_array_get(f->r.objects, 3);
    json_object_set_new(json_object_get(ksvc, "metadata"), "annotations",
                        json_pack("{s:s}", "features.knative.dev/podspec-dryrun", "enabled"));
    fake_api_clear_log();
    build(f, OPS_PLAN_DIFF);
    assert_int_equal(f->p.podspec_dryrun, 1);
    assert_non_null(strstr(f->p.podspec_source, "annotation"));
    assert_int_equal(fake_api_count("GET", FEATURES, NULL), 0);
}

/* ---- sending for real, when the answer is lost (ops_plan_send_checked) ---- */

static json_t *send_checked(fx *f, ops_plan_item *it, bool *created, bool *confirmed)
{
    tt_error_clear(&f->err);
    fake_api_clear_log();
    *created = true;
    *confirmed = true;
    return ops_plan_send_checked(&f->t, it, created, confirmed, &f->err);
}

/* The live Secret api-keys holding data (copied). */
static void serve_secret_data(const json_t *data)
{
    json_t *s = fake_api_fixture("ops/live-secret-api-keys.json");
    json_object_set_new(s, "data", json_deep_copy(data));
    fake_api_json("GET", SECRET, 200, s);
    json_decref(s);
}

static void an_answered_write_is_never_read_back(void **state)
{
    fx *f = *state;
    serve_live();
    build(f, OPS_PLAN_APPLY);
    ops_plan_item *it = item(&f->p, "secret/api-keys");
    bool created, confirmed;
    json_t *res = send_checked(f, it, &created, &confirmed);
    assert_non_null(res);
    json_decref(res);
    assert_false(confirmed);
    assert_false(created);
    assert_int_equal(fake_api_count("GET", SECRET, NULL), 0);
    fake_api_status("PATCH", SECRET, 422, "Invalid", "Secret \"api-keys\" is invalid");
    assert_null(send_checked(f, it, &created, &confirmed));
    assert_false(confirmed);
    assert_false(kube_error_outcome_unknown(&f->err));
    assert_non_null(strstr(f->err.message, "is invalid"));
    assert_int_equal(fake_api_count("GET", SECRET, NULL), 0);
}

static void a_lost_answer_with_the_object_live_as_sent_is_confirmed(void **state)
{
    fx *f = *state;
    serve_live();
    build(f, OPS_PLAN_APPLY);
    ops_plan_item *it = item(&f->p, "secret/api-keys");
    fake_api_drop("PATCH", SECRET, 2);
    bool created, confirmed;
    json_t *res = send_checked(f, it, &created, &confirmed);
    assert_non_null(res);
    assert_true(confirmed);
    assert_false(created); /* it was live before */
    assert_int_equal(f->err.code, 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(res, "metadata"), "name")),
                        "api-keys");
    json_decref(res);
    /* sent once: neither ops, the client nor libcurl (a write goes on a
     * new connection, which libcurl never retries) sends it again */
    assert_int_equal(fake_api_count("PATCH", SECRET, NULL), 1);
    assert_int_equal(fake_api_count("GET", SECRET, NULL), 1);
}

static void a_lost_answer_with_the_object_not_as_sent_is_an_unknown_outcome(void **state)
{
    fx *f = *state;
    serve_live();
    build(f, OPS_PLAN_APPLY);
    ops_plan_item *it = item(&f->p, "secret/api-keys");
    bool created, confirmed;
    /* one value differs */
    fake_api_drop("PATCH", SECRET, 2);
    serve_live_keys("NEIL_SPEECH_API_KEY", "WVlZ", "SAMS_SPEECH_API_KEY", "WFg=");
    assert_null(send_checked(f, it, &created, &confirmed));
    assert_false(confirmed);
    assert_true(kube_error_outcome_unknown(&f->err));
    assert_non_null(strstr(f->err.message, "outcome unknown: a read right after shows it is not "
                                           "live as sent"));
    assert_int_equal(fake_api_count("PATCH", SECRET, NULL), 1);
    /* not there at all */
    fake_api_drop("PATCH", SECRET, 2);
    fake_api_status("GET", SECRET, 404, "NotFound", "secrets \"api-keys\" not found");
    assert_null(send_checked(f, it, &created, &confirmed));
    assert_true(kube_error_outcome_unknown(&f->err));
    assert_non_null(strstr(f->err.message, "not live as sent"));
    /* the read fails: why */
    fake_api_drop("PATCH", SECRET, 2);
    fake_api_status("GET", SECRET, 403, "Forbidden", "secrets \"api-keys\" is forbidden");
    assert_null(send_checked(f, it, &created, &confirmed));
    assert_false(confirmed);
    assert_true(kube_error_outcome_unknown(&f->err));
    assert_non_null(strstr(f->err.message, "outcome unknown: it could not be read back"));
    assert_non_null(strstr(f->err.message, "is forbidden"));
}

/* A replaced Secret is live as sent only with no key left over. */
static void a_replaced_secret_read_back_with_a_key_left_over_is_not_confirmed(void **state)
{
    fx *f = *state;
    serve_live();
    serve_live_keys("NEIL_SPEECH_API_KEY", "WVlZ", "OLD_KEY", "b2xk");
    f->t.keys_policy = SAFETY_KEYS_REPLACE;
    build(f, OPS_PLAN_APPLY);
    ops_plan_item *it = item(&f->p, "secret/api-keys");
    assert_true(it->replace);
    json_t *sent = json_object_get(it->desired, "data");
    json_t *more = json_deep_copy(sent);
    json_object_set_new(more, "OLD_KEY", json_string("b2xk"));
    bool created, confirmed;
    fake_api_drop("PUT", SECRET, 2);
    serve_secret_data(more);
    json_decref(more);
    assert_null(send_checked(f, it, &created, &confirmed));
    assert_false(confirmed);
    assert_true(kube_error_outcome_unknown(&f->err));
    assert_non_null(strstr(f->err.message, "not live as sent"));
    fake_api_drop("PUT", SECRET, 2);
    serve_secret_data(sent);
    json_t *res = send_checked(f, it, &created, &confirmed);
    assert_non_null(res);
    json_decref(res);
    assert_true(confirmed);
    assert_int_equal(fake_api_count("PUT", SECRET, NULL), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(the_live_release_is_nothing_to_do_and_only_dry_runs),
        T(a_changed_object_is_configured),
        T(a_new_model_reads_nothing_inside_its_namespace),
        T(another_envs_context_is_refused_before_the_cluster_is_asked),
        T(a_context_that_extends_an_allowed_name_is_refused),
        T(diff_mode_diffs_despite_a_refusal_and_is_never_nothing_to_do),
        T(same_version_other_template_is_refused_with_the_next_free_version),
        T(a_field_the_live_revision_lacks_is_refused_naming_it),
        T(diff_mode_shows_a_version_conflict_and_diffs),
        T(revisions_that_cannot_be_listed_fail_the_plan),
        T(one_changed_key_value_is_refused_by_name_only),
        T(a_live_value_that_is_a_prefix_of_the_files_is_refused),
        T(replace_puts_the_files_keys_over_the_live_version),
        T(merge_keeps_live_keys_and_applies),
        T(a_forbidden_read_fails_the_plan_naming_the_object),
        T(a_dry_run_the_server_rejects),
        T(the_podspec_dry_run_comes_from_the_annotation_or_the_flag),
        T(an_answered_write_is_never_read_back),
        T(a_lost_answer_with_the_object_live_as_sent_is_confirmed),
        T(a_lost_answer_with_the_object_not_as_sent_is_an_unknown_outcome),
        T(a_replaced_secret_read_back_with_a_key_left_over_is_not_confirmed),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
