/*
 * The review report of `diff --report` and `apply --dry-run=server
 * --report`: plain text, the same bytes for the same inputs and cluster
 * state (no timestamps, no resourceVersions, objects in render order, keys
 * sorted), Secrets by key name only.
 */
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ", A, B" : the object's keys, sorted (jansson keeps insertion order). */
static void put_sorted_keys(tt_buf *b, const json_t *m)
{
    size_t n = 0;
    const char **names = tt_calloc(json_object_size(m) + 1, sizeof(char *));
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)m, k, v) {
        (void)v;
        names[n++] = k;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++)
        tt_buf_printf(b, "%s %s", i ? "," : "", names[i]);
    free(names);
}

/* " (data keys: A, B; values not shown)" of a Secret, names only. */
static void secret_keys(tt_buf *b, const json_t *obj)
{
    const char *fields[] = {"data", "stringData"};
    for (size_t f = 0; f < 2; f++) {
        const json_t *m = json_object_get(obj, fields[f]);
        if (!json_is_object(m))
            continue;
        tt_buf_printf(b, " (%s keys:", fields[f]);
        put_sorted_keys(b, m);
        tt_buf_puts(b, "; values not shown)");
    }
}

char *cli_report_text(const cli_session *s, const cli_release *r, const cli_plan *p,
                      const char *dry_run_result)
{
    tt_buf b = TT_BUF_INIT;
    tt_buf_printf(&b, "ttstui release review (%s%s)\n\n", s->cmd,
                  s->o->dry_run ? " --dry-run=server" : "");
    tt_buf_puts(&b, "cluster\n");
    tt_buf_printf(&b, "  context: %s\n", cli_context_name(s));
    tt_buf_printf(&b, "  server: %s\n", kube_client_server(s->client));
    const char *user = kube_client_user(s->client);
    tt_buf_printf(&b, "  user: %s\n", user ? user : "-");
    tt_buf_printf(&b, "  read-only: %s\n", s->o->readonly ? "yes (--readonly)" : "no");

    tt_buf_puts(&b, "\nparameters\n");
    release_tla tlas[RELEASE_TLA_COUNT];
    size_t n = release_params_tlas(r->params, tlas);
    for (size_t i = 0; i < n; i++)
        tt_buf_printf(&b, "  %s: %s\n", tlas[i].name, tlas[i].value);
    const char *tpl = cli_release_param(r, RELEASE_TEMPLATE_FILE);
    tt_buf_printf(&b, "  %s: %s\n", RELEASE_TEMPLATE_FILE, tpl ? tpl : "(embedded default)");
    char *keys_path = release_params_api_keys_path(r->params);
    tt_buf_printf(&b, "  %s: %s\n", RELEASE_API_KEYS_FILE, keys_path ? keys_path : "-");
    free(keys_path);
    if (r->api_keys) {
        tt_buf_puts(&b, "  api keys:");
        put_sorted_keys(&b, r->api_keys);
        tt_buf_puts(&b, " (values not shown)\n");
    }

    tt_buf_printf(&b, "\nrendered objects (%zu)\n", p->n_items);
    for (size_t i = 0; i < p->n_items; i++) {
        const cli_plan_item *it = &p->items[i];
        tt_buf_printf(&b, "  %s", it->label);
        const char *ns = jstr(json_object_get(it->desired, "metadata"), "namespace");
        if (ns)
            tt_buf_printf(&b, " in %s", ns);
        if (tt_streq(jstr(it->desired, "kind"), "Secret"))
            secret_keys(&b, it->desired);
        tt_buf_putc(&b, '\n');
    }

    tt_buf_puts(&b, "\nsafety checks\n");
    tt_buf_printf(&b, "  environment: %s\n",
                  p->env_refusal ? p->env_refusal : "the context is allowed for this env");
    for (size_t i = 0; i < p->n_version_notes; i++)
        tt_buf_printf(&b, "  version: %s\n", p->version_notes[i]);
    if (p->version_refusal)
        tt_buf_printf(&b, "  version rule: REFUSED: %s\n", p->version_refusal);
    if (r->api_keys)
        tt_buf_printf(&b, "  api keys: %s\n",
                      p->keys_refusal   ? p->keys_refusal
                      : p->keys_summary ? p->keys_summary
                                        : "same as the live Secret api-keys (or none live)");

    tt_buf_puts(&b, "\ndiff (server dry-run result against the live objects)\n");
    for (size_t i = 0; i < p->n_items; i++)
        if (p->items[i].dry_error)
            tt_buf_printf(&b, "  %s: the server refused the dry run (%s); compared as rendered\n",
                          p->items[i].label, p->items[i].dry_error);
    char *diff = p->diff ? diff_result_render(p->diff, false) : tt_strdup("(no diff)\n");
    tt_buf_puts(&b, diff);
    if (b.len && b.data[b.len - 1] != '\n')
        tt_buf_putc(&b, '\n');
    free(diff);

    tt_buf_puts(&b, "\ndry run\n");
    char *note = cli_plan_dry_run_note(p);
    tt_buf_puts(&b, note);
    free(note);
    if (dry_run_result)
        tt_buf_printf(&b, "result: %s\n", dry_run_result);
    return tt_buf_steal(&b);
}

int cli_report_write(const char *path, const char *text, tt_error *err)
{
    if (tt_write_file_private(path, text, strlen(text), err) < 0) {
        tt_error_prefix(err, "--report");
        return -1;
    }
    return 0;
}
