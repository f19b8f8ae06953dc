/*
 * Release parameters and their validation (core/release_params.h). The
 * input is either
 *  - lines "name=value" (a line without '=' resets that name), set one by
 *    one as the CLI flags and the deploy form do; or
 *  - when it starts with '{', a `--config FILE` JSON object, written to a
 *    private temporary file and loaded with release_params_load_config.
 * Then the set is validated (with and without file checks, with the
 * default and with a custom environment list), cloned and compared, and
 * the single-field checks run on model and image with small buffers.
 *
 * Filesystem: apiKeysFile and templateFile are re-rooted under a folder
 * that does not exist before any file check, so validation's reads fail
 * to open instead of reaching real files (or blocking on /dev/stdin).
 */
#include "fuzz_target.h"
#include "release_params.h"

#define FUZZ_ROOT "/nonexistent-ttstui-fuzz-root"

static void set_lines(release_params *p, const uint8_t *data, size_t size)
{
    size_t start = 0;
    while (start < size) {
        const uint8_t *nl = memchr(data + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - data) : size;
        char *line = fuzz_strndup(data + start, end - start);
        char *eq = strchr(line, '=');
        if (eq)
            *eq = '\0';
        tt_error err;
        tt_error_clear(&err);
        int rc = release_params_set(p, line, eq ? eq + 1 : NULL, &err);
        fuzz_check_error(&err, rc != 0);
        FUZZ_CHECK(rc == 0 || rc == -1, "set returned %d", rc);
        FUZZ_CHECK((rc == 0) == release_params_is_known(line), "set(%s) gave %d", line, rc);
        if (rc == 0 && eq)
            FUZZ_CHECK(tt_streq(release_params_get(p, line), eq + 1), "get(%s) after set", line);
        free(line);
        start = end + 1;
    }
}

static void load_json(release_params *p, const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_temp(".json", data, size);
    release_diags warnings = RELEASE_DIAGS_INIT;
    tt_error err;
    tt_error_clear(&err);
    int rc = release_params_load_config(p, path, &warnings, &err);
    fuzz_check_error(&err, rc != 0);
    for (size_t i = 0; i < warnings.n; i++)
        FUZZ_CHECK(warnings.items[i].message && warnings.items[i].message[0], "empty warning");
    release_diags_free(&warnings);
    FUZZ_CHECK(warnings.n == 0, "diags_free leaves items");
}

/* Keeps file checks away from real files: "x" -> FUZZ_ROOT/x. */
static void reroot(release_params *p, const char *name)
{
    const char *v = release_params_get(p, name);
    if (!v)
        return;
    char *moved = tt_asprintf("%s/%s", FUZZ_ROOT, v);
    FUZZ_CHECK(release_params_set(p, name, moved, NULL) == 0, "set(%s)", name);
    free(moved);
}

static void check_validate(const release_params *p, const release_validate_options *o)
{
    release_diags d = RELEASE_DIAGS_INIT;
    size_t errors = release_params_validate(p, o, &d);
    FUZZ_CHECK(errors == release_diags_count(&d, RELEASE_ERROR), "%zu errors returned, %zu listed",
               errors, release_diags_count(&d, RELEASE_ERROR));
    FUZZ_CHECK(release_diags_count(&d, RELEASE_ERROR) + release_diags_count(&d, RELEASE_WARNING) ==
                   d.n, "diagnostics of no severity");
    for (size_t i = 0; i < d.n; i++) {
        const release_diag *g = &d.items[i];
        FUZZ_CHECK(g->field && g->message && g->message[0], "diagnostic %zu incomplete", i);
        FUZZ_CHECK(release_diags_find(&d, g->field) != NULL, "find(%s)", g->field);
    }
    release_diags_free(&d);
}

static void check_fields(const release_params *p)
{
    char msg[24], warning[24];
    const char *model = release_params_get(p, RELEASE_MODEL);
    if (model && !release_check_dns_label("model", model, msg, sizeof msg))
        FUZZ_CHECK(memchr(msg, '\0', sizeof msg) && msg[0], "dns label message");
    const char *image = release_params_get(p, RELEASE_IMAGE);
    if (image) {
        memset(warning, 'x', sizeof warning);
        if (!release_check_image(image, msg, sizeof msg, warning, sizeof warning))
            FUZZ_CHECK(memchr(msg, '\0', sizeof msg) && msg[0], "image message");
        else
            FUZZ_CHECK(memchr(warning, '\0', sizeof warning), "image warning not terminated");
    }
}

static void check_clone(const release_params *p)
{
    release_params *c = release_params_clone(p);
    static const char *const names[] = {
        RELEASE_ENV, RELEASE_MODEL, RELEASE_VERSION, RELEASE_IMAGE,
        RELEASE_IMAGE_ENTRYPOINT, RELEASE_INCLUDE_API_KEYS, RELEASE_MIN_SCALE,
        RELEASE_MAX_SCALE, RELEASE_API_KEYS_FILE, RELEASE_TEMPLATE_FILE};
    for (size_t i = 0; i < TT_ARRAY_LEN(names); i++)
        FUZZ_CHECK(tt_streq(release_params_get(p, names[i]), release_params_get(c, names[i])),
                   "clone differs in %s", names[i]);
    release_tla tlas[RELEASE_TLA_COUNT];
    size_t n = release_params_tlas(c, tlas);
    FUZZ_CHECK(n <= RELEASE_TLA_COUNT, "%zu TLAs", n);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(tlas[i].name && tlas[i].value, "TLA %zu incomplete", i);
    (void)release_params_include_api_keys(c);
    free(release_params_api_keys_path(c));
    release_params_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    release_params *p = release_params_new();
    if (size && data[0] == '{')
        load_json(p, data, size);
    else
        set_lines(p, data, size);
    check_fields(p);
    check_validate(p, &(release_validate_options){.skip_files = true});
    reroot(p, RELEASE_API_KEYS_FILE);
    reroot(p, RELEASE_TEMPLATE_FILE);
    check_validate(p, NULL);
    static const char *const envs[] = {"dev", "staging", "prod", "prod-eu"};
    check_validate(p, &(release_validate_options){envs, TT_ARRAY_LEN(envs), false});
    check_clone(p);
    release_params_free(p);
    return 0;
}
