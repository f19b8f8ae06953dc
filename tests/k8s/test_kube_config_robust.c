/* kube_config_parse must survive any bytes: truncations and mutations of
 * every fixture, plus hand-made hostile documents. Each test asserts that
 * the parser either accepts the input or explains the failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube_config.h"

static const char *const fixtures[] = {
    "single.yaml",        "multi-context.yaml",  "relative-paths.yaml", "data-precedence.yaml",
    "gke.yaml",           "merge-a.yaml",        "merge-b.yaml",        "exec-plugins.yaml",
    "bad-yaml.yaml",      "wrong-type-bool.yaml", "missing-cluster.yaml", "bad-base64-key.yaml",
};

static char *kc_dir(void)
{
    const char *d = getenv("TTSTUI_TEST_DATA");
    return tt_asprintf("%s/kubeconfig", d ? d : "../data");
}

static char *read_fixture(const char *name, size_t *len)
{
    char *dir = kc_dir(), *p = tt_asprintf("%s/%s", dir, name);
    tt_error err;
    char *text = tt_read_file(p, len, 0, &err);
    if (!text)
        fail_msg("%s", err.message);
    free(dir);
    free(p);
    return text;
}

/* Parses, and when that works resolves every context too; either way the
 * outcome must be consistent (a config, or an error with a message). */
static void parse_any(const char *data, size_t len)
{
    char *dir = kc_dir();
    tt_error err;
    tt_error_clear(&err);
    kube_config *cfg = kube_config_parse(data, len, "fuzz", dir, &err);
    if (!cfg) {
        assert_int_not_equal(err.code, TT_OK);
        assert_true(strlen(err.message) > 0);
        free(dir);
        return;
    }
    for (size_t i = 0; i < kube_config_context_count(cfg); i++) {
        tt_error_clear(&err);
        kube_rest_config *rc =
            kube_rest_config_resolve(cfg, kube_config_context_at(cfg, i)->name, NULL, &err);
        if (rc)
            assert_non_null(rc->namespace_);
        else
            assert_true(strlen(err.message) > 0);
        kube_rest_config_free(rc);
    }
    kube_config_free(cfg);
    free(dir);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void every_truncation_of_every_fixture_is_handled(void **state)
{
    for (size_t f = 0; f < TT_ARRAY_LEN(fixtures); f++) {
        size_t len;
        char *text = read_fixture(fixtures[f], &len);
        /* every prefix up to 1 KiB, then every 7th byte */
        for (size_t n = 0; n <= len; n += n < 1024 ? 1 : 7) {
            char *copy = tt_malloc(n ? n : 1); /* exact size: ASan sees overreads */
            memcpy(copy, text, n);
            parse_any(copy, n);
            free(copy);
        }
        free(text);
    }
}

static void random_mutations_of_fixtures_are_handled(void **state)
{
    static const char interesting[] = ":-[]{}&*!|>'\"#\n \t\0\xff?,%@`";
    for (int iter = 0; iter < 3000; iter++) {
        size_t len;
        char *text = read_fixture(fixtures[rng() % TT_ARRAY_LEN(fixtures)], &len);
        int edits = 1 + (int)(rng() % 8);
        for (int e = 0; e < edits && len > 0; e++) {
            size_t at = rng() % len;
            switch (rng() % 3) {
            case 0: /* overwrite with a YAML-significant byte */
                text[at] = interesting[rng() % (sizeof interesting - 1)];
                break;
            case 1: /* flip a bit */
                text[at] ^= (char)(1u << (rng() % 8));
                break;
            default: /* cut a slice out */
            {
                size_t cut = rng() % (len - at);
                memmove(text + at, text + at + cut, len - at - cut);
                len -= cut;
            }
            }
        }
        char *copy = tt_malloc(len ? len : 1);
        memcpy(copy, text, len);
        parse_any(copy, len);
        free(copy);
        free(text);
    }
}

static void hostile_documents_are_handled(void **state)
{
    static const char *const docs[] = {
        "clusters: &a [*a]\n",
        ("clusters: [&b {name: x, cluster: *b, server: 'https://x'}]\n"
         "contexts: [{name: x, context: {cluster: x}}]\n"),
        "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nclusters: [*c, *c]\n",
        "users: [{name: u, user: {exec: {args: &l [*l], env: *l}}}]\n",
        "users: [{name: u, user: {exec: {env: [{name: X}, {value: y}]}}}]\n",
        "current-context: [x]\n",
        "contexts: [{name: [x]}]\n",
        "contexts: [null, {name: a}]\n",
        "clusters:\n- name: \"n\\0ul\"\n  cluster: {server: \"https://a\\0b\"}\n",
        "clusters: [{name: x, cluster: {server: !!binary aGVsbG8=}}]\n",
        "--- {}\n--- {clusters: 1}\n",
        "%YAML 1.1\n---\n{}\n",
        "\xef\xbb\xbf{}\n",
        "? [a, b]\n: c\nclusters: []\n",
        "~\n",
        "",
    };
    for (size_t i = 0; i < TT_ARRAY_LEN(docs); i++)
        parse_any(docs[i], strlen(docs[i]));
    parse_any("\xff\xfe\x00\x00", 4); /* UTF-32 BOM and NULs */
    parse_any("a: \"\x00\"", 7);
    parse_any(NULL, 0);
}

static void deep_nesting_is_refused_quickly(void **state)
{
    size_t depth = 200000;
    char *text = tt_malloc(2 * depth + 16);
    size_t n = 0;
    n += (size_t)sprintf(text, "clusters: ");
    for (size_t i = 0; i < depth; i++)
        text[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        text[n++] = ']';
    text[n++] = '\n';
    tt_error err;
    long long start = tt_now_ms();
    assert_null(kube_config_parse(text, n, "deep", NULL, &err));
    assert_true(tt_now_ms() - start < 2000);
    if (!strstr(err.message, "deep: line 1: nested deeper than"))
        fail_msg("%s", err.message);
    free(text);
}

static void long_scalars_are_handled(void **state)
{
    size_t big = 4u << 20;
    char *text = tt_malloc(big + 64);
    size_t n = (size_t)sprintf(text, "current-context: ");
    memset(text + n, 'x', big);
    n += big;
    text[n++] = '\n';
    tt_error err;
    kube_config *cfg = kube_config_parse(text, n, "big", NULL, &err);
    assert_non_null(cfg);
    assert_int_equal(strlen(kube_config_current_context(cfg)), big);
    kube_config_free(cfg);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_truncation_of_every_fixture_is_handled),
        cmocka_unit_test(random_mutations_of_fixtures_are_handled),
        cmocka_unit_test(hostile_documents_are_handled),
        cmocka_unit_test(deep_nesting_is_refused_quickly),
        cmocka_unit_test(long_scalars_are_handled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
