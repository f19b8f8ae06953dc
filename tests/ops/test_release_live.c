/*
 * The scales a release takes from the live model (ops_release_read_live_scales,
 * ops_release_scales_from_live) against a scripted API: each service's
 * Knative Service read in the model's namespace, a service or model not
 * found is not live, any other answer fails naming the service with the
 * parameters unchanged, a deployment file reads nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "support/fake_api.h"
#include "ops.h"

#define KSVC "/apis/serving.knative.dev/v1/namespaces/v3/services/"

typedef struct fx {
    kube_client *c;
    ops_release r;
    tt_error err;
} fx;

static int setup(void **state)
{
    fx *f = tt_calloc(1, sizeof(*f));
    f->c = fake_api_start();
    ops_release_init(&f->r);
    assert_int_equal(release_params_set(f->r.params, RELEASE_MODEL, "v3", NULL), 0);
    tt_error_clear(&f->err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    ops_release_clear(&f->r);
    fake_api_stop(f->c);
    free(f);
    return 0;
}

/* Serves the recorded Knative Service `service` with the scale annotations
 * min and max (NULL: the annotation left out). */
static void serve(const char *service, const char *min, const char *max)
{
    char *file = tt_asprintf("ops/live-ksvc-%s.json", service);
    json_t *k = fake_api_fixture(file);
    free(file);
    json_t *ann = json_object_get(
        json_object_get(json_object_get(json_object_get(k, "spec"), "template"), "metadata"),
        "annotations");
    json_object_del(ann, "autoscaling.knative.dev/minScale");
    json_object_del(ann, "autoscaling.knative.dev/maxScale");
    if (min)
        json_object_set_new(ann, "autoscaling.knative.dev/minScale", json_string(min));
    if (max)
        json_object_set_new(ann, "autoscaling.knative.dev/maxScale", json_string(max));
    char *path = tt_asprintf(KSVC "%s", service);
    fake_api_json("GET", path, 200, k);
    free(path);
    json_decref(k);
}

static const char *param(const fx *f, const char *name)
{
    return release_params_get(f->r.params, name);
}

/* "stream min-max, validate min-max" as each service renders. */
static void assert_scales(const fx *f, const char *want)
{
    char got[128];
    snprintf(got, sizeof got, "stream %s-%s, validate %s-%s",
             release_params_service_scale(f->r.params, RELEASE_STREAM, false),
             release_params_service_scale(f->r.params, RELEASE_STREAM, true),
             release_params_service_scale(f->r.params, RELEASE_VALIDATE, false),
             release_params_service_scale(f->r.params, RELEASE_VALIDATE, true));
    assert_string_equal(got, want);
}

static void each_service_as_live(void **state)
{
    fx *f = *state;
    serve("stream", "1", "32");
    serve("validate", "1", "8");
    release_live_scales taken;
    assert_int_equal(ops_release_scales_from_live(&f->r, f->c, &taken, &f->err), 0);
    assert_scales(f, "stream 1-32, validate 1-8");
    assert_int_equal(taken.max[RELEASE_VALIDATE], 8);
    assert_int_equal(taken.min[RELEASE_STREAM], 1);
    assert_int_equal(fake_api_count("GET", KSVC "stream", NULL), 1);
    assert_int_equal(fake_api_count("GET", KSVC "validate", NULL), 1);
}

static void the_hyphenated_annotation_reads_too(void **state)
{
    fx *f = *state;
    serve("stream", "1", "32");
    json_t *k = fake_api_fixture("ops/live-ksvc-validate.json");
    json_t *ann = json_object_get(
        json_object_get(json_object_get(json_object_get(k, "spec"), "template"), "metadata"),
        "annotations");
    json_object_set_new(ann, "autoscaling.knative.dev/max-scale", json_string("6"));
    fake_api_json("GET", KSVC "validate", 200, k);
    json_decref(k);
    release_live_scales live;
    assert_int_equal(ops_release_read_live_scales(f->c, "v3", &live, &f->err), 0);
    assert_int_equal(live.max[RELEASE_VALIDATE], 6);
    assert_int_equal(live.min[RELEASE_VALIDATE], 0);
    assert_int_equal(live.max[RELEASE_STREAM], 32);
}

static void a_model_not_live_keeps_the_defaults(void **state)
{
    fx *f = *state; /* nothing served: 404 for both */
    release_live_scales taken;
    assert_int_equal(ops_release_scales_from_live(&f->r, f->c, &taken, &f->err), 0);
    assert_int_equal(f->err.code, TT_OK);
    assert_scales(f, "stream 0-32, validate 0-32");
    assert_int_equal(taken.min[RELEASE_STREAM], -1);
    assert_int_equal(taken.max[RELEASE_VALIDATE], -1);
}

static void a_service_not_live_keeps_its_defaults(void **state)
{
    fx *f = *state;
    serve("stream", "2", "16");
    assert_int_equal(ops_release_scales_from_live(&f->r, f->c, NULL, &f->err), 0);
    assert_scales(f, "stream 2-16, validate 0-32");
}

static void an_annotation_missing_is_its_default(void **state)
{
    fx *f = *state;
    serve("stream", "1", "32");
    serve("validate", "1", NULL);
    assert_int_equal(ops_release_scales_from_live(&f->r, f->c, NULL, &f->err), 0);
    assert_scales(f, "stream 1-32, validate 1-32");
}

static void a_flag_given_wins(void **state)
{
    fx *f = *state;
    serve("stream", "1", "32");
    serve("validate", "1", "8");
    assert_int_equal(release_params_set(f->r.params, RELEASE_VALIDATE_MAX_SCALE, "10", NULL), 0);
    assert_int_equal(ops_release_scales_from_live(&f->r, f->c, NULL, &f->err), 0);
    assert_scales(f, "stream 1-32, validate 1-10");
}

static void a_failed_read_names_the_service_and_changes_nothing(void **state)
{
    fx *f = *state;
    serve("stream", "1", "32");
    fake_api_status("GET", KSVC "validate", 403, "Forbidden",
                    "services.serving.knative.dev \"validate\" is forbidden");
    release_live_scales taken;
    assert_int_equal(ops_release_scales_from_live(&f->r, f->c, &taken, &f->err), -1);
    assert_int_equal(f->err.code, 403);
    assert_non_null(strstr(f->err.message, "reading the live scales of v3's Knative service validate"));
    assert_scales(f, "stream 0-32, validate 0-32");
    assert_null(param(f, RELEASE_STREAM_MAX_SCALE));
    assert_int_equal(taken.min[RELEASE_STREAM], -1);
}

static void a_failed_first_read_names_stream(void **state)
{
    fx *f = *state;
    fake_api_status("GET", KSVC "stream", 401, "Unauthorized", "Unauthorized");
    assert_int_equal(ops_release_scales_from_live(&f->r, f->c, NULL, &f->err), -1);
    assert_non_null(strstr(f->err.message, "Knative service stream"));
    assert_int_equal(fake_api_count("GET", KSVC "validate", NULL), 0);
}

static void a_deployment_file_reads_nothing(void **state)
{
    fx *f = *state;
    serve("stream", "1", "32");
    serve("validate", "1", "8");
    char *path = tt_asprintf("%s/deployments/good/staging/v6.config.json", getenv("TTSTUI_TEST_DATA"));
    deploy_file *d = deploy_file_load(path, &f->err);
    free(path);
    assert_non_null(d);
    ops_release_set_deploy(&f->r, d);
    char *want = tt_asprintf("stream %s-%s, validate %s-%s", d->stream.min_scale, d->stream.max_scale,
                             d->validate.min_scale, d->validate.max_scale);
    assert_int_equal(ops_release_scales_from_live(&f->r, f->c, NULL, &f->err), 0);
    assert_scales(f, want);
    free(want);
    assert_int_equal(fake_api_count("GET", KSVC, NULL), 0);
}

static void no_model_reads_nothing(void **state)
{
    fx *f = *state;
    assert_int_equal(release_params_set(f->r.params, RELEASE_MODEL, NULL, NULL), 0);
    assert_int_equal(ops_release_scales_from_live(&f->r, f->c, NULL, &f->err), 0);
    assert_int_equal(fake_api_count("GET", "/apis/serving.knative.dev", NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(each_service_as_live, setup, teardown),
        cmocka_unit_test_setup_teardown(the_hyphenated_annotation_reads_too, setup, teardown),
        cmocka_unit_test_setup_teardown(a_model_not_live_keeps_the_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(a_service_not_live_keeps_its_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(an_annotation_missing_is_its_default, setup, teardown),
        cmocka_unit_test_setup_teardown(a_flag_given_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_read_names_the_service_and_changes_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_failed_first_read_names_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(a_deployment_file_reads_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(no_model_reads_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
