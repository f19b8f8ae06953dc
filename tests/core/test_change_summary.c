/* What a release changes beyond its version, in words (the apply
 * confirmation of both faces). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "change_summary.h"
#include "tt_common.h"

/* A Knative Service as the template renders it. */
static json_t *service(const char *name, const char *image, const char *entry, bool keys,
                       const char *min, const char *max)
{
    json_t *c0 = json_pack("{s:s, s:[s,s,s]}", "image", image, "args", "venv/bin/gunicorn", entry,
                           "--bind=0.0.0.0:8000");
    if (keys)
        json_object_set_new(c0, "envFrom", json_pack("[{s:{s:s}}]", "secretRef", "name", "api-keys"));
    return json_pack("{s:s, s:s, s:{s:s}, s:{s:{s:{s:{s:s, s:s}}, s:{s:[o]}}}}", "apiVersion",
                     "serving.knative.dev/v1", "kind", "Service", "metadata", "name", name, "spec",
                     "template", "metadata", "annotations", "autoscaling.knative.dev/minScale", min,
                     "autoscaling.knative.dev/maxScale", max, "spec", "containers", c0);
}

static json_t *ingress(const char *name, const char *host)
{
    return json_pack("{s:s, s:s, s:{s:s}, s:{s:[{s:s}]}}", "apiVersion", "networking.k8s.io/v1",
                     "kind", "Ingress", "metadata", "name", name, "spec", "rules", "host", host);
}

typedef struct side {
    json_t *objs[3];
    release_facts f;
} side;

static void side_make(side *s, const char *host, const char *image, const char *entry, bool keys,
                      const char *smin, const char *smax, const char *vmin, const char *vmax)
{
    s->objs[0] = service("stream", image, entry, keys, smin, smax);
    s->objs[1] = service("validate", image, entry, keys, vmin, vmax);
    s->objs[2] = ingress("route-stream", host);
    release_facts_init(&s->f);
    for (int i = 0; i < 3; i++)
        release_facts_add_object(&s->f, s->objs[i]);
}

static void side_free(side *s)
{
    for (int i = 0; i < 3; i++)
        json_decref(s->objs[i]);
}

#define PROD "tts.wellsaidlabs.com"
#define STAGING "staging.tts.wellsaidlabs.com"
#define IMG_A "gcr.io/x/worker@sha256:aaaa"
#define IMG_B "gcr.io/x/worker@sha256:bbbb"
#define EP "src.service.worker:app"

/* Runs the comparison of live and next; returns the lines joined by '\n'
 * with a leading "!" on warnings. */
static char *summary(const side *live, const side *next)
{
    release_changes c = {0};
    release_changes_compute(&live->f, &next->f, &c);
    size_t len = 1;
    for (size_t i = 0; i < c.n; i++)
        len += strlen(c.items[i].text) + 3;
    char *out = calloc(1, len);
    for (size_t i = 0; i < c.n; i++) {
        if (c.items[i].warning)
            strcat(out, "!");
        strcat(out, c.items[i].text);
        strcat(out, "\n");
    }
    release_changes_free(&c);
    return out;
}

static void nothing_changed_says_nothing(void **state)
{
    (void)state;
    side a, b;
    side_make(&a, PROD, IMG_A, EP, false, "0", "32", "0", "32");
    side_make(&b, PROD, IMG_A, EP, false, "0", "32", "0", "32");
    char *s = summary(&a, &b);
    assert_string_equal(s, "");
    free(s);
    side_free(&a);
    side_free(&b);
}

/* Each fact on its own: one changed value gives exactly its line. */
static void each_change_is_one_line(void **state)
{
    (void)state;
    side live;
    side_make(&live, PROD, IMG_A, EP, false, "0", "32", "0", "32");
    struct {
        const char *host, *image, *entry;
        bool keys;
        const char *smin, *smax, *vmin, *vmax;
        const char *want;
    } cases[] = {
        {STAGING, IMG_A, EP, false, "0", "32", "0", "32", "!hostname " PROD " → " STAGING "\n"},
        {PROD, IMG_A, "run.deploy.worker:app", false, "0", "32", "0", "32",
         "entry point " EP " → run.deploy.worker:app\n"},
        {PROD, IMG_B, EP, false, "0", "32", "0", "32", "image " IMG_A " → " IMG_B "\n"},
        {PROD, IMG_A, EP, true, "0", "32", "0", "32", "includeImageApiKeys false → true\n"},
        {PROD, IMG_A, EP, false, "1", "32", "1", "32", "minScale 0 → 1\n"},
        {PROD, IMG_A, EP, false, "0", "40", "0", "40", "maxScale 32 → 40\n"},
        /* one service only: named */
        {PROD, IMG_A, EP, false, "0", "32", "0", "8", "validate maxScale 32 → 8\n"},
        {PROD, IMG_A, EP, false, "2", "32", "0", "32", "stream minScale 0 → 2\n"},
        /* both, differently: one line each */
        {PROD, IMG_A, EP, false, "0", "40", "0", "8",
         "stream maxScale 32 → 40\nvalidate maxScale 32 → 8\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        side next;
        side_make(&next, cases[i].host, cases[i].image, cases[i].entry, cases[i].keys,
                  cases[i].smin, cases[i].smax, cases[i].vmin, cases[i].vmax);
        char *s = summary(&live, &next);
        assert_string_equal(s, cases[i].want);
        free(s);
        side_free(&next);
    }
    side_free(&live);
}

/* An unknown fact (a new model: nothing live) is not a change. */
static void unknown_facts_are_not_compared(void **state)
{
    (void)state;
    release_facts empty;
    release_facts_init(&empty);
    side next;
    side_make(&next, STAGING, IMG_B, EP, true, "0", "40", "0", "40");
    release_changes c = {0};
    release_changes_compute(&empty, &next.f, &c);
    assert_int_equal(c.n, 0);
    release_changes_compute(&next.f, &empty, &c);
    assert_int_equal(c.n, 0);
    side_free(&next);
}

/* A hostile host from the cluster cannot reach the terminal raw. */
static void control_characters_are_cleaned(void **state)
{
    (void)state;
    side live, next;
    side_make(&live, "evil\x1b]0;owned\x07.example.com", IMG_A, EP, false, "0", "32", "0", "32");
    side_make(&next, STAGING, IMG_A, EP, false, "0", "32", "0", "32");
    char *s = summary(&live, &next);
    assert_null(strchr(s, '\x1b'));
    assert_null(strchr(s, '\x07'));
    assert_non_null(strstr(s, "evil?]0;owned?.example.com"));
    free(s);
    side_free(&live);
    side_free(&next);
}

/* The same cleaner as every other output: a CSI as U+009B, DEL, a
 * right-to-left override and a zero-width space in a live image are each
 * '?', while valid UTF-8 passes (invalid UTF-8 never gets this far: the JSON
 * decoder refuses it). */
static void c1_bidi_and_zero_width_are_cleaned(void **state)
{
    (void)state;
    const char *marks[] = {"\xc2\x9b", "\x7f", "\xe2\x80\xae", "\xe2\x80\x8b"};
    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
        char *img = tt_asprintf("gcr.io/evil/w%sx:1", marks[i]);
        side live, next;
        side_make(&live, STAGING, img, EP, false, "0", "32", "0", "32");
        side_make(&next, STAGING, IMG_A, EP, false, "0", "32", "0", "32");
        char *s = summary(&live, &next);
        assert_null(strstr(s, marks[i]));
        assert_non_null(strstr(s, "gcr.io/evil/w?x:1"));
        assert_non_null(strstr(s, "\xe2\x86\x92")); /* the arrow, valid UTF-8, stays */
        free(s);
        free(img);
        side_free(&live);
        side_free(&next);
    }
}

/* Other objects and other services leave the facts alone. */
static void other_objects_are_ignored(void **state)
{
    (void)state;
    release_facts f;
    release_facts_init(&f);
    json_t *other = service("other", IMG_A, EP, true, "1", "2");
    json_t *ing = ingress("something-else", PROD);
    release_facts_add_object(&f, other);
    release_facts_add_object(&f, ing);
    assert_null(f.image[CHANGE_STREAM]);
    assert_null(f.hostname);
    assert_int_equal(f.api_keys[CHANGE_VALIDATE], -1);
    json_decref(other);
    json_decref(ing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nothing_changed_says_nothing),
        cmocka_unit_test(each_change_is_one_line),
        cmocka_unit_test(unknown_facts_are_not_compared),
        cmocka_unit_test(control_characters_are_cleaned),
        cmocka_unit_test(c1_bidi_and_zero_width_are_cleaned),
        cmocka_unit_test(other_objects_are_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
