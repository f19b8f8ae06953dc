/* Object names for messages, writability and the audit log. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

static const char *meta_name(const json_t *obj)
{
    const char *n = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
    return n ? n : "?";
}

char *ops_object_label(const json_t *obj)
{
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    const char *api = json_string_value(json_object_get(obj, "apiVersion"));
    tt_buf b = TT_BUF_INIT;
    for (const char *k = kind ? kind : "object"; *k; k++)
        tt_buf_putc(&b, (char)tolower((unsigned char)*k));
    const char *slash = api ? strchr(api, '/') : NULL;
    if (slash)
        tt_buf_printf(&b, ".%.*s", (int)(slash - api), api);
    tt_buf_printf(&b, "/%s", meta_name(obj));
    return tt_buf_steal(&b);
}

json_t *ops_without_namespace(const json_t *obj)
{
    if (!json_is_object(obj))
        return obj ? json_incref((json_t *)obj) : NULL;
    json_t *copy = json_deep_copy(obj);
    json_object_del(json_object_get(copy, "metadata"), "namespace");
    return copy;
}

char *ops_object_kind_name(const json_t *obj)
{
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    return tt_asprintf("%s/%s", kind ? kind : "object", meta_name(obj));
}

int ops_check_model(const config *cfg, const char *model, tt_error *err)
{
    return safety_check_model_namespace(cfg, model, err);
}

int ops_check_writable(const config *cfg, const char *env, const char *context, const char *model,
                       tt_error *err)
{
    if (ops_check_model(cfg, model, err) < 0)
        return -1;
    const config_env *e = env ? config_find_env(cfg, env) : NULL;
    return safety_check_writable(cfg, e ? env : NULL, context, err);
}

int ops_audit(const audit_entry *e, const ops_release *r, tt_error *err)
{
    audit_entry copy = *e;
    /* One line per entry: a multi-line message is joined with "; ". */
    char *flat = NULL;
    if (e->message && strchr(e->message, '\n')) {
        tt_buf b = TT_BUF_INIT;
        for (const char *p = e->message; *p; p++) {
            if (*p == '\n')
                tt_buf_puts(&b, "; ");
            else
                tt_buf_putc(&b, *p);
        }
        flat = tt_buf_steal(&b);
        copy.message = flat;
    }
    const char *const *redact = r ? (const char *const *)r->secrets : NULL;
    int rc = audit_append(NULL, &copy, redact, r ? r->n_secrets : 0, err);
    free(flat);
    return rc;
}
