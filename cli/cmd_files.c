/* ttstui plan and export: the deployments tree against the live models
 * (the comparison is ops/fleet_files.c's; this file prints). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_internal.h"
#include "fleet_files.h"
#include "kube_gvr.h"
#include "tt_text.h"

/* --env, else the context's environment in the settings, else the tree's
 * only environment. NULL after printing why. */
static const char *pick_env(cli_session *s, const ops_deploy_tree *t)
{
    tt_error err;
    tt_error_clear(&err);
    const char *env = ops_files_pick_env(s->cfg, cli_context_name(s), t,
                                         cli_opts_release_flag(s->o, RELEASE_ENV), &err);
    if (!env)
        cli_errorf(s->cmd, "%s", err.message);
    return env;
}

static int load_tree(cli_session *s, const char *const *paths, size_t n, ops_deploy_tree *t)
{
    if (ops_deploy_tree_load(paths, n, t) < 0) {
        for (size_t i = 0; i < t->n_errors; i++)
            cli_errorf(s->cmd, "error: %s", t->errors[i]);
        cli_errorf(s->cmd, "%zu bad file%s or rule%s: nothing was compared", t->n_errors,
                   t->n_errors == 1 ? "" : "s", t->n_errors == 1 ? "" : "s");
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

static void print_table(const ops_files_plan *p)
{
    size_t w = 5;
    for (size_t i = 0; i < p->n; i++)
        if (strlen(p->entries[i].model) > w)
            w = strlen(p->entries[i].model);
    cli_out("%-*s  %-12s  %s\n", (int)w, "MODEL", "STATE", "CHANGES / FILE");
    for (size_t i = 0; i < p->n; i++) {
        const ops_file_entry *e = &p->entries[i];
        char *file = e->file ? tt_text_clean(e->file->path, 0) : NULL;
        if (e->state == OPS_FILE_CHANGES) {
            tt_buf b = TT_BUF_INIT;
            for (size_t k = 0; k < e->n_changes; k++)
                tt_buf_printf(&b, "%s%s", k ? "; " : "", e->changes[k]);
            cli_out("%-*s  %-12s  %s\n", (int)w, e->model, ops_file_state_name(e->state), b.data);
            tt_buf_free(&b);
        } else {
            cli_out("%-*s  %-12s  %s\n", (int)w, e->model, ops_file_state_name(e->state),
                    file ? file : "-");
        }
        free(file);
    }
    cli_out("%zu in sync, %zu with changes, %zu not deployed, %zu not in files (env %s)\n",
            p->counts[OPS_FILE_IN_SYNC], p->counts[OPS_FILE_CHANGES],
            p->counts[OPS_FILE_NOT_DEPLOYED], p->counts[OPS_FILE_NOT_IN_FILES], p->env);
}

static int dump_cb(const char *buf, size_t size, void *data)
{
    return fwrite(buf, 1, size, data) == size ? 0 : -1;
}

int cli_cmd_plan(cli_session *s)
{
    ops_deploy_tree t;
    int rc = load_tree(s, s->o->args, s->o->n_args, &t);
    if (rc != CLI_EXIT_OK) {
        ops_deploy_tree_clear(&t);
        return rc;
    }
    tt_error err;
    tt_error_clear(&err);
    if (cli_connect(s, &err) < 0) {
        ops_deploy_tree_clear(&t);
        return cli_fail(s->cmd, &err);
    }
    const char *env = pick_env(s, &t);
    if (!env) {
        ops_deploy_tree_clear(&t);
        return CLI_EXIT_USAGE;
    }
    ops_files_plan p;
    if (ops_files_plan_build(s->client, &t, env, &p, &err) < 0) {
        ops_deploy_tree_clear(&t);
        return cli_fail(s->cmd, &err);
    }
    if (p.n_other_env)
        cli_warn(s->cmd, "%zu file%s of other environments left out (planning env %s)",
                 p.n_other_env, p.n_other_env == 1 ? "" : "s", env);
    if (s->o->output == CLI_OUTPUT_JSON) {
        char *ctx = tt_text_clean(cli_context_name(s), 0);
        json_t *j = ops_files_plan_json(&p, ctx);
        json_dump_callback(j, dump_cb, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(j);
        free(ctx);
    } else {
        print_table(&p);
    }
    rc = p.counts[OPS_FILE_IN_SYNC] == p.n ? CLI_EXIT_OK : CLI_EXIT_CHANGES;
    ops_files_plan_clear(&p);
    ops_deploy_tree_clear(&t);
    return rc;
}

int cli_cmd_export(cli_session *s)
{
    tt_error err;
    tt_error_clear(&err);
    if (cli_connect(s, &err) < 0)
        return cli_fail(s->cmd, &err);
    const char *env = cli_opts_release_flag(s->o, RELEASE_ENV);
    if (!env)
        env = safety_env_of_context_err(s->cfg, cli_context_name(s), "pass --env", &err);
    if (!env) {
        cli_errorf(s->cmd, "%s", err.message);
        return CLI_EXIT_USAGE;
    }
    char msg[256];
    if (!release_check_dns_label("--env", env, msg, sizeof msg)) {
        cli_errorf(s->cmd, "%s", msg);
        return CLI_EXIT_USAGE;
    }
    ops_live_models *lm = ops_live_models_load(s->client, &err);
    if (!lm)
        return cli_fail(s->cmd, &err);
    /* the models named, each once and live; none named = all */
    size_t n = s->o->n_args ? s->o->n_args : ops_live_models_count(lm);
    size_t *which = tt_calloc(n + 1, sizeof(size_t));
    int rc = CLI_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        which[i] = s->o->n_args ? ops_live_models_find(lm, s->o->args[i]) : i;
        if (which[i] == (size_t)-1) {
            char *m = tt_text_clean(s->o->args[i], 0);
            cli_errorf(s->cmd, "error: no model %s in this context", m);
            free(m);
            rc = CLI_EXIT_USAGE;
        }
    }
    char *dir = tt_asprintf("%s/%s", s->o->to_dir, env);
    size_t written = 0, failed = 0;
    for (size_t i = 0; rc == CLI_EXIT_OK && i < n; i++) {
        tt_error_clear(&err);
        deploy_file *f = ops_live_model_file(lm, which[i], env, &err);
        char *path = f ? tt_asprintf("%s/%s.config.json", dir, f->model) : NULL;
        if (!f || ops_deploy_file_write(f, path, &err) < 0) {
            char *m = tt_text_clean(err.message, 0);
            cli_errorf(s->cmd, "error: %s", m);
            free(m);
            failed++;
        } else {
            char *p = tt_text_clean(path, 0);
            cli_out("wrote %s\n", p);
            free(p);
            written++;
        }
        free(path);
        deploy_file_free(f);
    }
    if (rc == CLI_EXIT_OK) {
        cli_out("%zu model%s exported to %s", written, written == 1 ? "" : "s", s->o->to_dir);
        if (failed)
            cli_out(", %zu not exported\n", failed);
        else
            cli_out("\n");
        if (failed)
            rc = CLI_EXIT_FAILED;
    }
    free(dir);
    free(which);
    ops_live_models_free(lm);
    return rc;
}

/* ---- apply -f ------------------------------------------------------------------ */

typedef struct fa_ctx {
    size_t total;
    size_t done;
} fa_ctx;

static void fa_progress(size_t i, const deploy_file *f, const ops_fa_result *r, void *ud)
{
    (void)i;
    fa_ctx *c = ud;
    c->done++;
    char *m = tt_text_clean(f->model, 0);
    cli_out("[%zu/%zu] %s %s: %s\n", c->done, c->total, m, ops_fa_outcome_name(r->outcome),
            r->message ? r->message : "");
    fflush(stdout);
    free(m);
}

/* Deletes the namespaces of the models not in the files, each checked as a
 * single delete is. Returns how many failed or were refused. */
static size_t prune(cli_session *s, const char *env, const ops_files_plan *p, size_t *deleted)
{
    size_t bad = 0;
    *deleted = 0;
    for (size_t i = 0; i < p->n; i++) {
        const ops_file_entry *e = &p->entries[i];
        if (e->state != OPS_FILE_NOT_IN_FILES)
            continue;
        tt_error err;
        tt_error_clear(&err);
        int result = AUDIT_OK;
        if (cli_check_writable(s, env, e->model, &err) < 0 ||
            ops_check_is_model(s->client, e->model, &err) < 0) {
            result = AUDIT_REFUSED;
        } else {
            kube_delete_opts o = {.propagation = KUBE_PROPAGATION_BACKGROUND};
            json_t *res = kube_delete(s->client, &KUBE_GVR_NAMESPACES, NULL, e->model, &o, &err);
            if (!res)
                result = AUDIT_FAILED;
            json_decref(res);
        }
        char *msg = result == AUDIT_OK ? tt_strdup("apply -f --prune: not in the files, deleted")
                                       : tt_asprintf("apply -f --prune: %s", err.message);
        cli_audit(s, "delete", env, e->model, NULL, NULL, 0, result, false, msg, NULL);
        char *clean = tt_text_clean(msg, 0);
        cli_out("prune %s %s: %s\n", e->model, result == AUDIT_OK ? "deleted" : audit_result_name(result), clean);
        free(clean);
        free(msg);
        if (result == AUDIT_OK)
            (*deleted)++;
        else
            bad++;
    }
    return bad;
}

static void print_apply_plan(cli_session *s, const ops_files_plan *p)
{
    cli_out("Plan of env %s on context %s (%s):\n", p->env, cli_context_name(s),
            kube_client_server(s->client));
    for (size_t i = 0; i < p->n; i++) {
        const ops_file_entry *e = &p->entries[i];
        if (e->state == OPS_FILE_CHANGES) {
            tt_buf b = TT_BUF_INIT;
            for (size_t k = 0; k < e->n_changes; k++)
                tt_buf_printf(&b, "%s%s", k ? "; " : "", e->changes[k]);
            cli_out("  ~ %s: %s\n", e->model, b.data);
            tt_buf_free(&b);
        } else if (e->state == OPS_FILE_NOT_DEPLOYED) {
            char *f = tt_text_clean(e->file->path, 0);
            cli_out("  + %s: not deployed (%s)\n", e->model, f);
            free(f);
        } else if (e->state == OPS_FILE_NOT_IN_FILES && s->o->prune) {
            cli_out("  - %s: not in the files, deleted by --prune\n", e->model);
        }
    }
    cli_out("%zu to apply, %zu in sync", p->counts[OPS_FILE_CHANGES] + p->counts[OPS_FILE_NOT_DEPLOYED],
            p->counts[OPS_FILE_IN_SYNC]);
    if (p->counts[OPS_FILE_NOT_IN_FILES])
        cli_out(s->o->prune ? ", %zu to delete (--prune)" : ", %zu live models not in the files kept (--prune deletes them)",
                p->counts[OPS_FILE_NOT_IN_FILES]);
    cli_out("\n");
}

static int confirm_prune(cli_session *s, const ops_files_plan *p)
{
    if (s->o->yes)
        return 1;
    size_t n = p->counts[OPS_FILE_NOT_IN_FILES];
    tt_buf b = TT_BUF_INIT;
    tt_buf_printf(&b, "--prune deletes the namespace of %zu model%s not in the files on context %s:\n",
                  n, n == 1 ? "" : "s", cli_context_name(s));
    for (size_t i = 0; i < p->n; i++)
        if (p->entries[i].state == OPS_FILE_NOT_IN_FILES)
            tt_buf_printf(&b, "  %s\n", p->entries[i].model);
    char *expect = tt_asprintf("delete %zu", n);
    tt_buf_printf(&b, "Type '%s' to delete them", expect);
    tt_error err;
    tt_error_clear(&err);
    int c = cli_confirm(b.data, expect, &err);
    if (c < 0)
        cli_error(s->cmd, &err);
    tt_buf_free(&b);
    free(expect);
    return c;
}

int cli_cmd_apply_files(cli_session *s)
{
    ops_deploy_tree t;
    int rc = load_tree(s, s->o->files, s->o->n_files, &t);
    if (rc != CLI_EXIT_OK) {
        cli_errorf(s->cmd, "nothing was applied");
        ops_deploy_tree_clear(&t);
        return rc;
    }
    tt_error err;
    tt_error_clear(&err);
    ops_files_plan p = {0};
    deploy_file **todo = NULL;
    ops_fa_result *results = NULL;
    size_t n_todo = 0;
    if (cli_connect(s, &err) < 0) {
        rc = cli_fail(s->cmd, &err);
        goto out;
    }
    const char *env = pick_env(s, &t);
    if (!env) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (ops_files_plan_build(s->client, &t, env, &p, &err) < 0) {
        rc = cli_fail(s->cmd, &err);
        goto out;
    }
    if (p.n_other_env)
        cli_warn(s->cmd, "%zu file%s of other environments left out (applying env %s)",
                 p.n_other_env, p.n_other_env == 1 ? "" : "s", env);
    todo = tt_calloc(p.n + 1, sizeof(deploy_file *));
    for (size_t i = 0; i < p.n; i++)
        if (p.entries[i].state == OPS_FILE_CHANGES || p.entries[i].state == OPS_FILE_NOT_DEPLOYED)
            todo[n_todo++] = (deploy_file *)p.entries[i].file;
    bool pruning = s->o->prune && p.counts[OPS_FILE_NOT_IN_FILES] > 0;
    if (s->o->prune && p.n == p.counts[OPS_FILE_NOT_IN_FILES]) {
        /* no file of this env at all: --prune would delete every model */
        cli_errorf(s->cmd, "--prune: no file is for env %s, so every model would be deleted; "
                   "nothing was changed", env);
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    print_apply_plan(s, &p);
    if (n_todo == 0 && !pruning) {
        cli_out("nothing to do\n");
        goto out;
    }
    if (!s->o->yes && n_todo) {
        char *q = tt_asprintf("Apply %zu model%s (env %s) to context %s (%s)?", n_todo,
                              n_todo == 1 ? "" : "s", env, cli_context_name(s),
                              kube_client_server(s->client));
        int c = cli_confirm(q, NULL, &err);
        free(q);
        if (c <= 0) {
            if (c < 0)
                cli_error(s->cmd, &err);
            cli_errorf(s->cmd, "refused: not confirmed; nothing was changed");
            rc = CLI_EXIT_REFUSED;
            goto out;
        }
    }
    fflush(stdout);
    results = tt_calloc(n_todo + 1, sizeof *results);
    fa_ctx fc = {.total = n_todo};
    ops_files_apply_opts ao = {
        .rc = s->rc,
        .field_manager = s->cfg->field_manager,
        .request_timeout_ms = s->o->request_timeout_ms > 0 ? s->o->request_timeout_ms
                                                           : s->cfg->request_timeout_ms,
        .cfg = s->cfg,
        .context = cli_context_name(s),
        .api_keys_file = cli_opts_release_flag(s->o, RELEASE_API_KEYS_FILE),
        .readonly = s->o->readonly,
        .force_conflicts = s->o->force_conflicts,
        .keys_policy = s->o->keys_policy,
        .keys_hint = "--api-keys-policy replace or merge",
        .concurrency = (size_t)(s->o->concurrency ? s->o->concurrency : 4),
        .keep_going = s->o->keep_going,
        .protect_previous = s->o->protect_previous,
        .wait = s->o->wait,
        .timeout_ms = s->o->timeout_ms,
        .progress = fa_progress,
        .ud = &fc,
    };
    size_t bad = n_todo ? ops_files_apply(&ao, todo, n_todo, results) : 0;
    size_t pruned = 0, prune_bad = 0;
    bool prune_skipped = false;
    if (pruning && (bad == 0 || s->o->keep_going)) {
        int c = confirm_prune(s, &p);
        if (c == 1)
            prune_bad = prune(s, env, &p, &pruned);
        else {
            cli_errorf(s->cmd, "refused: --prune not confirmed; nothing was deleted");
            prune_skipped = true;
        }
    } else if (pruning) {
        cli_errorf(s->cmd, "--prune: nothing deleted after a failure (--keep-going goes on)");
        prune_skipped = true;
    }
    /* the final table */
    size_t counts[5] = {0};
    if (n_todo) {
        size_t w = 5;
        for (size_t i = 0; i < n_todo; i++)
            if (strlen(todo[i]->model) > w)
                w = strlen(todo[i]->model);
        cli_out("\n%-*s  %-9s  %s\n", (int)w, "MODEL", "RESULT", "MESSAGE");
        for (size_t i = 0; i < n_todo; i++) {
            char *m = tt_text_clean(todo[i]->model, 0);
            cli_out("%-*s  %-9s  %s\n", (int)w, m, ops_fa_outcome_name(results[i].outcome),
                    results[i].message ? results[i].message : "");
            free(m);
            counts[results[i].outcome]++;
        }
    }
    cli_out("%zu applied, %zu unchanged, %zu refused, %zu failed, %zu skipped", counts[OPS_FA_APPLIED],
            counts[OPS_FA_UNCHANGED], counts[OPS_FA_REFUSED], counts[OPS_FA_FAILED],
            counts[OPS_FA_SKIPPED]);
    if (pruning)
        cli_out("; %zu deleted%s", pruned, prune_skipped ? " (prune not done)" : "");
    cli_out("\n");
    if (counts[OPS_FA_FAILED] || prune_bad)
        rc = CLI_EXIT_FAILED;
    else if (counts[OPS_FA_REFUSED] || prune_skipped)
        rc = CLI_EXIT_REFUSED;
out:
    for (size_t i = 0; results && i < n_todo; i++)
        ops_fa_result_clear(&results[i]);
    free(results);
    free(todo);
    ops_files_plan_clear(&p);
    ops_deploy_tree_clear(&t);
    return rc;
}
