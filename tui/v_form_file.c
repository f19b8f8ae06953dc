/*
 * The deploy form's deployment file (--deployments): C-r fills the form
 * from the model's file, C-o writes the form into it for review, as
 * `ttstui plan` and `apply -f` read it.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "deploy_file.h"
#include "fleet_files.h"
#include "v_form_file.h"

/* The file of the form's model: the plan's (to write: only when the plan
 * is of the form's env, a file's env being its folder's name), else
 * DIR/<env>/<model>.config.json.
 * NULL (after saying why) without a folder or a model. Caller frees. */
static char *file_path(tui_form *form, tui_app *app, bool for_write)
{
    const char *dir = tui_app_files_dir(app);
    const char *model = tui_form_value(form, "model");
    if (!dir) {
        tui_app_message(app, TUI_STATUS_ERROR,
                        "No deployment files: start ttstui with --deployments DIR, or set "
                        "deployments: in the settings");
        return NULL;
    }
    if (!model || !*model) {
        tui_app_message(app, TUI_STATUS_ERROR, "Name the model first: its file is <env>/<model>.config.json");
        return NULL;
    }
    /* a file's env is its folder's name: the plan's file only for its env */
    const char *env = tui_form_value(form, "env");
    const tui_files_plan *p = tui_app_files(app);
    const tui_files_entry *e =
        p && (!for_write || tt_streq(p->env, env)) ? tui_files_plan_find(p, model) : NULL;
    if (e && e->file)
        return tt_strdup(e->file);
    return tt_asprintf("%s/%s/%s.config.json", dir, env, model);
}

bool tui_form_fill_from_file(tui_form *f, tui_app *app)
{
    char *path = file_path(f, app, false);
    if (!path)
        return false;
    tt_error err;
    tt_error_clear(&err);
    deploy_file *df = deploy_file_load(path, &err);
    if (!df) {
        tui_app_message(app, TUI_STATUS_ERROR, "%s", err.message);
        free(path);
        return false;
    }
    tui_form_set_value(f, "env", df->env);
    tui_form_set_value(f, "model", df->model);
    tui_form_set_value(f, "version", df->version);
    tui_form_set_value(f, "image", df->image);
    tui_form_set_value(f, "entrypoint", df->image_entrypoint);
    tui_form_set_value(f, "include_api_keys", df->legacy_api_key_auth ? "true" : "false");
    tui_form_set_value(f, "min_scale", df->stream.min_scale);
    tui_form_set_value(f, "max_scale", df->stream.max_scale);
    tui_form_set_value(f, "validate_min_scale", df->validate.min_scale);
    tui_form_set_value(f, "validate_max_scale", df->validate.max_scale);
    tui_app_message(app, TUI_STATUS_INFO, "Filled in from %s (version %s)", path, df->version);
    deploy_file_free(df);
    free(path);
    return true;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file to start a new one from: the first (by name) of the env's folder
 * that parses (paths, concurrency and resources are the service's, not
 * the model's). Reads the names, then files until one parses, not the
 * whole tree. NULL when there is none. */
static deploy_file *sibling_file(const char *path)
{
    char *dir = tt_strdup(path);
    char *slash = strrchr(dir, '/');
    DIR *d = NULL;
    if (slash) {
        *slash = '\0';
        d = opendir(dir);
    }
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.' || !tt_str_has_suffix(e->d_name, ".json"))
            continue;
        names = tt_realloc(names, (n + 1) * sizeof(char *));
        names[n++] = tt_strdup(e->d_name);
    }
    if (d)
        closedir(d);
    if (n)
        qsort(names, n, sizeof(char *), cmp_name);
    deploy_file *df = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!df) {
            char *p = tt_asprintf("%s/%s", dir, names[i]);
            tt_error err;
            tt_error_clear(&err);
            df = deploy_file_load(p, &err);
            free(p);
        }
        free(names[i]);
    }
    free(names);
    free(dir);
    return df;
}

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = tt_strdup(v);
}

void tui_form_save_file(tui_form *f, tui_app *app)
{
    size_t errors = tui_form_error_count(f);
    if (errors) {
        tui_app_message(app, TUI_STATUS_ERROR, "Fix %zu field%s first: nothing was written",
                        errors, errors == 1 ? "" : "s");
        return;
    }
    char *path = file_path(f, app, true);
    if (!path)
        return;
    tt_error err;
    tt_error_clear(&err);
    bool existed = access(path, F_OK) == 0;
    deploy_file *df = existed ? deploy_file_load(path, &err) : sibling_file(path);
    if (!df) {
        if (existed)
            tui_app_message(app, TUI_STATUS_ERROR, "%s: nothing was written", err.message);
        else
            tui_app_message(app, TUI_STATUS_ERROR,
                            "No file in the folder of %s to start a new one from (ttstui export "
                            "writes the live models): nothing was written",
                            path);
        free(path);
        return;
    }
    const char *version = tui_form_value(f, "version");
    set_str(&df->path, path);
    set_str(&df->env, tui_form_value(f, "env"));
    set_str(&df->model, tui_form_value(f, "model"));
    set_str(&df->version, version);
    set_str(&df->image, tui_form_value(f, "image"));
    set_str(&df->image_entrypoint, tui_form_value(f, "entrypoint"));
    df->legacy_api_key_auth = tt_streq(tui_form_value(f, "include_api_keys"), "true");
    set_str(&df->stream.min_scale, tui_form_value(f, "min_scale"));
    set_str(&df->stream.max_scale, tui_form_value(f, "max_scale"));
    set_str(&df->validate.min_scale, tui_form_value(f, "validate_min_scale"));
    set_str(&df->validate.max_scale, tui_form_value(f, "validate_max_scale"));
    /* the release serves all traffic, as an apply of the form does */
    for (size_t i = 0; i < df->n_traffic; i++)
        free(df->traffic[i].tag);
    df->traffic = tt_realloc(df->traffic, sizeof *df->traffic);
    df->traffic[0] = (deploy_traffic){tt_strdup(version), 100};
    df->n_traffic = 1;
    if (ops_deploy_file_write(df, path, &err) < 0)
        tui_app_message(app, TUI_STATUS_ERROR, "%s: nothing was written", err.message);
    else
        tui_app_message(app, TUI_STATUS_INFO,
                        "%s %s: version %s, for review (git diff); nothing applied",
                        existed ? "Wrote" : "Created", path, version);
    deploy_file_free(df);
    free(path);
    tui_app_files_refresh(app);
}
