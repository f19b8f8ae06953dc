/*
 * kubeconfig parsing and resolution (k8s/kube_config.h): the input is one
 * kubeconfig document. Parse it, walk the accessors, then resolve the
 * current context and every listed context into a kube_rest_config, dup
 * it and free everything.
 *
 * Filesystem: base_dir is a folder that does not exist, so every relative
 * path (certificate-authority: ca.crt, ../../etc/x) fails to open instead
 * of reaching real files. Absolute paths are only read, never written; but
 * a read of /dev/stdin would block and /dev/zero would burn 64 MiB per
 * run, so inputs that could name /dev, /proc or /sys are only parsed, not
 * resolved (a backslash could spell those in a double-quoted YAML escape).
 * exec plugins are recorded by resolution, never run.
 */
#include "fuzz_target.h"
#include "kube_config.h"

#define FUZZ_BASE_DIR "/nonexistent-ttstui-fuzz-base"

static bool may_name_special_files(const uint8_t *data, size_t size)
{
    static const char *const bad[] = {"/dev", "/proc", "/sys", "\\"};
    for (size_t i = 0; i < TT_ARRAY_LEN(bad); i++)
        if (memmem(data, size, bad[i], strlen(bad[i])))
            return true;
    return false;
}

static void check_rest_config(const kube_rest_config *rc)
{
    FUZZ_CHECK(rc->namespace_ && rc->namespace_[0], "namespace must never be NULL or empty");
    FUZZ_CHECK(rc->server && rc->server[0], "a resolved context has a server");
    size_t n = strlen(rc->server);
    FUZZ_CHECK(rc->server[n - 1] != '/', "server keeps a trailing slash: %s", rc->server);
    FUZZ_CHECK(rc->ca_pem || !rc->ca_pem_len, "CA length without bytes");
    FUZZ_CHECK(rc->key_pem || !rc->key_pem_len, "key length without bytes");
    FUZZ_CHECK(!rc->in_cluster, "a kubeconfig context is not in-cluster");
}

static void resolve_one(const kube_config *cfg, const char *context, const char *ns)
{
    tt_error err;
    tt_error_clear(&err);
    kube_rest_config *rc = kube_rest_config_resolve(cfg, context, ns, &err);
    fuzz_check_error(&err, rc == NULL);
    if (!rc)
        return;
    check_rest_config(rc);
    if (ns)
        FUZZ_CHECK(strcmp(rc->namespace_, ns) == 0, "override ignored: %s", rc->namespace_);
    kube_rest_config *copy = kube_rest_config_dup(rc);
    FUZZ_CHECK(copy && tt_streq(copy->server, rc->server) &&
                   copy->key_pem_len == rc->key_pem_len && !copy->exec == !rc->exec,
               "dup differs from the original");
    kube_rest_config_free(copy);
    kube_rest_config_free(rc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tt_error err;
    tt_error_clear(&err);
    kube_config *cfg =
        kube_config_parse((const char *)data, size, "fuzz.yaml", FUZZ_BASE_DIR, &err);
    fuzz_check_error(&err, cfg == NULL);
    if (!cfg)
        return 0;

    FUZZ_CHECK(kube_config_file_count(cfg) == 1, "one source, one file entry");
    FUZZ_CHECK(strcmp(kube_config_file_at(cfg, 0), "fuzz.yaml") == 0, "file entry");
    size_t n = kube_config_context_count(cfg);
    for (size_t i = 0; i < n; i++) {
        const kube_context_entry *ctx = kube_config_context_at(cfg, i);
        FUZZ_CHECK(ctx && ctx->name, "context %zu has no name", i);
        /* First entry of a name wins: looking it up finds an entry at or
         * before this one with the same name. */
        const kube_context_entry *found = kube_config_find_context(cfg, ctx->name);
        FUZZ_CHECK(found && strcmp(found->name, ctx->name) == 0, "find_context(%s)", ctx->name);
    }
    FUZZ_CHECK(kube_config_find_context(cfg, "\x01no-such-context") == NULL, "phantom context");

    if (!may_name_special_files(data, size)) {
        resolve_one(cfg, NULL, NULL);
        for (size_t i = 0; i < n && i < 16; i++)
            resolve_one(cfg, kube_config_context_at(cfg, i)->name, i % 2 ? "fuzz-ns" : NULL);
    }
    kube_config_free(cfg);
    return 0;
}
