/*
 * Settings loading (core/config.h): the input is a config.yaml. The
 * loader only reads from a path, so each input is written to one private
 * temporary file (created once per process under $TMPDIR or /tmp, removed
 * at exit) and loaded from there; then every environment and keybinding is
 * looked up again and everything is freed.
 */
#include "config.h"
#include "fuzz_target.h"

static void check_config(const config *c, const char *path)
{
    FUZZ_CHECK(tt_streq(c->path, path), "path %s", c->path ? c->path : "(null)");
    FUZZ_CHECK(c->theme && c->field_manager, "theme and field_manager have defaults");
    FUZZ_CHECK(!c->n_envs || c->envs, "environment count without environments");
    for (size_t i = 0; i < c->n_envs; i++) {
        const config_env *e = &c->envs[i];
        FUZZ_CHECK(e->name, "environment %zu has no name", i);
        for (size_t k = 0; k < e->n_contexts; k++)
            FUZZ_CHECK(e->contexts[k], "environment %s: context %zu is NULL", e->name, k);
        const config_env *found = config_find_env(c, e->name);
        FUZZ_CHECK(found && tt_streq(found->name, e->name), "find_env(%s)", e->name);
    }
    for (size_t i = 0; i < c->n_readonly_contexts; i++)
        FUZZ_CHECK(c->readonly_contexts[i], "readonly context %zu is NULL", i);
    for (size_t i = 0; i < c->n_keybindings; i++) {
        const config_keybinding *kb = &c->keybindings[i];
        FUZZ_CHECK(kb->action, "keybinding %zu has no action", i);
        for (size_t k = 0; k < kb->n_keys; k++)
            FUZZ_CHECK(kb->keys[k], "keybinding %s: key %zu is NULL", kb->action, k);
        FUZZ_CHECK(config_find_keybinding(c, kb->action) != NULL, "find_keybinding(%s)",
                   kb->action);
    }
    for (size_t i = 0; i < c->n_warnings; i++)
        FUZZ_CHECK(c->warnings[i] && c->warnings[i][0], "warning %zu is empty", i);
    (void)config_find_env(c, "prod");
    (void)config_find_keybinding(c, "quit");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_temp(".yaml", data, size);
    tt_error err;
    tt_error_clear(&err);
    config *c = config_load(path, &err);
    fuzz_check_error(&err, c == NULL);
    if (!c)
        return 0;
    check_config(c, path);
    config_free(c);
    return 0;
}
