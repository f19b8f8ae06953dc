/*
 * Settings loading (core/config.h): the input is a config.yaml. The
 * loader only reads from a path, so each input is written to one private
 * temporary file (created once per process under $TMPDIR or /tmp, removed
 * at exit) and loaded from there; then every environment and keybinding is
 * looked up again and everything is freed.
 */
#include <fcntl.h>
#include <unistd.h>

#include "config.h"
#include "fuzz_target.h"

static char tmp_path[256];
static int tmp_fd = -1;

static void remove_tmp(void)
{
    if (tmp_fd >= 0) {
        close(tmp_fd);
        unlink(tmp_path);
    }
}

static const char *write_input(const uint8_t *data, size_t size)
{
    if (tmp_fd < 0) {
        const char *dir = getenv("TMPDIR");
        snprintf(tmp_path, sizeof tmp_path, "%s/ttstui-fuzz-config-XXXXXX.yaml",
                 dir && dir[0] == '/' ? dir : "/tmp");
        tmp_fd = mkstemps(tmp_path, 5);
        FUZZ_CHECK(tmp_fd >= 0, "cannot create %s", tmp_path);
        atexit(remove_tmp);
    }
    FUZZ_CHECK(ftruncate(tmp_fd, 0) == 0, "cannot truncate %s", tmp_path);
    size_t off = 0;
    while (off < size) {
        ssize_t n = pwrite(tmp_fd, data + off, size - off, (off_t)off);
        FUZZ_CHECK(n > 0, "cannot write %s", tmp_path);
        off += (size_t)n;
    }
    return tmp_path;
}

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
    const char *path = write_input(data, size);
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
