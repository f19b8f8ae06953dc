/* View 4: the deploy form, prefilled from what is live, checked as you type. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "registry_ref.h"
#include "release_params.h"
#include "safety.h"
#include "v_form_file.h"
#include "w_dialog.h"
#include "w_form.h"

#define DEFAULT_ENTRYPOINT "run.deploy.worker:app"
/* A tag typed in the image field is resolved once typing pauses this long
 * (or at once when the field is left). */
#define IMAGE_RESOLVE_PAUSE_MS 600

typedef struct form_view {
    tui_app *app;
    tui_form *form;
    char *model; /* the model it was opened for, may be NULL */
    release_diags diags; /* the core's verdict on the current values */
    char **initial;      /* each field's value as prefilled */
    size_t n_initial;
    unsigned long live_req; /* load_model: the live Ingress host gives the env */
    char *live_host;        /* that host, once known */
    /* the image field's tag, resolved in the background (resolve_image) */
    unsigned long img_req;
    long long img_due;    /* when to ask (0: nothing to ask) */
    char *img_for;        /* the value asked or answered for */
    tui_image_info *img;  /* its answer, or NULL while asking */
    bool tags_wanted;     /* open the tag picker when the answer comes */
    /* Opened before the model's services and revisions had all come (the
     * first lists under way): the version is left empty, and proposed
     * once they are in (fleet_changed), not from part of them. */
    bool version_wait;
} form_view;

#define VERSION_LOADING "loading the model's revisions; the next free version follows"

/* Form field id -> release parameter name (core/release_params.h). */
static const struct {
    const char *field;
    const char *param;
} field_params[] = {
    {"env", RELEASE_ENV},
    {"model", RELEASE_MODEL},
    {"version", RELEASE_VERSION},
    {"image", RELEASE_IMAGE},
    {"entrypoint", RELEASE_IMAGE_ENTRYPOINT},
    {"include_api_keys", RELEASE_INCLUDE_API_KEYS},
    {"api_key_file", RELEASE_API_KEYS_FILE},
    {"min_scale", RELEASE_MIN_SCALE},
    {"max_scale", RELEASE_MAX_SCALE},
    {"validate_min_scale", RELEASE_VALIDATE_MIN_SCALE},
    {"validate_max_scale", RELEASE_VALIDATE_MAX_SCALE},
};

/* Runs the core's validation of the whole release once per change (the
 * form asks field by field, starting with field 0). */
static void run_core_validation(form_view *fv, const tui_form *f)
{
    release_diags_free(&fv->diags);
    release_params *p = release_params_new();
    for (size_t i = 0; i < TT_ARRAY_LEN(field_params); i++) {
        const char *v = tui_form_value(f, field_params[i].field);
        release_params_set(p, field_params[i].param, *v ? v : NULL, NULL);
    }
    release_params_validate(p, NULL, &fv->diags);
    release_params_free(p);
}

static bool field_is_int(const tui_form *f, const char *id, int value)
{
    char buf[16];
    snprintf(buf, sizeof(buf), "%d", value);
    return value >= 0 && tt_streq(tui_form_value(f, id), buf);
}

/* The form holds exactly what the model's services run under version v:
 * both templates are <service>-v and image, entry point, API keys and
 * scales match them. */
static bool same_as_live(const tui_form *f, const fleet_model *m, const char *v)
{
    static const char *const ids[2][2] = {{"min_scale", "max_scale"},
                                          {"validate_min_scale", "validate_max_scale"}};
    const fleet_service *svcs[2] = {&m->stream, &m->validate};
    for (int k = 0; k < 2; k++) {
        const fleet_service *s = svcs[k];
        char want[128];
        snprintf(want, sizeof(want), "%s-%s", k == 0 ? "stream" : "validate", v);
        if (!s->present || !tt_streq(s->template_name, want) ||
            !tt_streq(s->template_image, tui_form_value(f, "image")) ||
            !tt_streq(s->template_entrypoint ? s->template_entrypoint : DEFAULT_ENTRYPOINT,
                      tui_form_value(f, "entrypoint")) ||
            !tt_streq(s->template_api_keys ? "true" : "false",
                      tui_form_value(f, "include_api_keys")) ||
            !field_is_int(f, ids[k][0], s->template_min_scale) ||
            !field_is_int(f, ids[k][1], s->template_max_scale))
            return false;
    }
    return true;
}

static bool validate(void *ctx, const tui_form *f, size_t i, char *msg, size_t size, bool *warn)
{
    form_view *fv = ctx;
    const char *id = tui_form_id(f, i);
    if (i == 0)
        run_core_validation(fv, f);
    const char *param = NULL;
    for (size_t k = 0; k < TT_ARRAY_LEN(field_params); k++)
        if (tt_streq(field_params[k].field, id))
            param = field_params[k].param;
    if (tt_streq(id, "version") && fv->version_wait && !*tui_form_value(f, "version")) {
        snprintf(msg, size, "%s", VERSION_LOADING);
        return true;
    }
    const release_diag *d = param ? release_diags_find(&fv->diags, param) : NULL;
    /* A valid tag: what the registry says it points at (the release uses
     * that digest), over the core's "prefer a digest" warning. */
    if (tt_streq(id, "image") && (!d || d->severity == RELEASE_WARNING) && fv->img_for &&
        tt_streq(fv->img_for, tui_form_value(f, "image"))) {
        *warn = true;
        if (!fv->img)
            snprintf(msg, size, "tag: asking the registry for its digest...");
        else if (fv->img->resolved)
            snprintf(msg, size, "tag → %s (the release uses this digest; C-t lists the tags)",
                     strchr(fv->img->resolved, '@') ? strchr(fv->img->resolved, '@') + 1
                                                    : fv->img->resolved);
        else
            snprintf(msg, size, "registry: %s", fv->img->error ? fv->img->error : "no answer");
        return true;
    }
    if (d) {
        snprintf(msg, size, "%s", d->message);
        *warn = d->severity == RELEASE_WARNING;
        return true;
    }
    /* The settings tie environments to contexts (core/safety.h): deploying
     * env prod from a staging context is refused before the preview. */
    const config *cfg = tui_app_config(fv->app);
    if (tt_streq(id, "env") && cfg && tui_app_context(fv->app)) {
        tt_error err;
        tt_error_clear(&err);
        if (safety_check_env_context(cfg, tui_form_value(f, "env"), tui_app_context(fv->app),
                                     &err) < 0) {
            snprintf(msg, size, "%s", err.message);
            return true;
        }
    }
    /* What only the dashboard knows: the version is taken in the cluster. */
    if (tt_streq(id, "version")) {
        const fleet_model *m = fleet_find(tui_app_fleet(fv->app), tui_form_value(f, "model"));
        const char *v = tui_form_value(f, "version");
        if (fleet_model_has_version(m, v) && same_as_live(f, m, v)) {
            /* As the CLI says it: applying what is live changes nothing. */
            snprintf(msg, size,
                     "nothing to do: %s version %s is live with these values; change a value "
                     "under a new version to release",
                     m->name, v);
            *warn = true;
            return true;
        }
        if (fleet_model_has_version(m, v)) {
            char *next = fleet_next_version(m);
            snprintf(msg, size,
                     "version %s already exists for %s (next free: %s); a changed template "
                     "needs a new version",
                     v, m->name, next);
            free(next);
            return true;
        }
    }
    return false;
}

/* What one service runs: its latest ready revision, else (nothing ready
 * yet) what its template asks for. */
static fleet_serving service_spec(const fleet_service *s)
{
    fleet_serving sv = {NULL, -1, -1};
    if (s && s->present && !fleet_service_serving(s, &sv))
        sv = (fleet_serving){s->template_image, s->template_min_scale, s->template_max_scale};
    return sv;
}

/* What to start the form from: stream, else validate. */
static fleet_serving live_spec(const fleet_model *m)
{
    const fleet_service *s = m ? (m->stream.present ? &m->stream : &m->validate) : NULL;
    return service_spec(s);
}

/* The API-key policy applies only with API keys included. */
static void sync_enabled(tui_form *f)
{
    tui_form_set_enabled(f, tui_form_index(f, "api_key_policy"),
                         tt_streq(tui_form_value(f, "include_api_keys"), "true"));
}

/* The form's policy choice (refuse when keys are not included). */
static safety_keys_policy keys_policy_of(const tui_form *f)
{
    if (!tt_streq(tui_form_value(f, "include_api_keys"), "true"))
        return SAFETY_KEYS_NONE;
    const char *v = tui_form_value(f, "api_key_policy");
    return tt_streq(v, "replace") ? SAFETY_KEYS_REPLACE
           : tt_streq(v, "merge") ? SAFETY_KEYS_MERGE
                                  : SAFETY_KEYS_NONE;
}

/* The service the form starts from: stream, else validate. */
static const fleet_service *live_service(const fleet_model *m)
{
    if (!m)
        return NULL;
    const fleet_service *s = m->stream.present ? &m->stream : &m->validate;
    return s->present ? s : NULL;
}

static void prefill(form_view *fv, tui_app *app)
{
    const fleet_model *m = fv->model ? fleet_find(tui_app_fleet(app), fv->model) : NULL;
    fleet_serving r = live_spec(m);
    const fleet_service *ls = live_service(m);
    /* The next free version from every revision of the model, so not
     * before they have all come (a model not in the fleet yet may be). */
    fv->version_wait =
        fv->model && !tui_listing_model_revisions_in(tui_app_listing(app), fv->model);
    char *next = fv->version_wait ? tt_strdup("") : m ? fleet_next_version(m) : tt_strdup("1");
    /* Each service's scale as it runs live, else the template's default:
     * the rule the CLI's flags follow (core/release_params.h), with
     * nothing given. */
    release_live_scales live;
    release_live_scales_init(&live);
    const fleet_service *svcs[RELEASE_SERVICES] = {m ? &m->stream : NULL,
                                                   m ? &m->validate : NULL};
    for (int k = 0; k < RELEASE_SERVICES; k++) {
        if (!svcs[k] || !svcs[k]->present)
            continue;
        fleet_serving sv = service_spec(svcs[k]);
        live.min[k] = sv.min_scale;
        live.max[k] = sv.max_scale;
    }
    release_params *scales = release_params_new();
    release_params_scales_from_live(scales, &live, NULL);
    char min[16], max[16], vmin[16], vmax[16];
    snprintf(min, sizeof(min), "%s", release_params_service_scale(scales, RELEASE_STREAM, false));
    snprintf(max, sizeof(max), "%s", release_params_service_scale(scales, RELEASE_STREAM, true));
    snprintf(vmin, sizeof(vmin), "%s", release_params_service_scale(scales, RELEASE_VALIDATE, false));
    snprintf(vmax, sizeof(vmax), "%s", release_params_service_scale(scales, RELEASE_VALIDATE, true));
    release_params_free(scales);
    /* What is live: a scale-only change must not move the model to
     * another entry point or environment. */
    const char *entrypoint = ls && ls->template_entrypoint ? ls->template_entrypoint
                                                           : DEFAULT_ENTRYPOINT;
    const char *with_keys = ls && ls->template_api_keys ? "true" : "false";
    const char *env = tui_app_env(app);
    tui_form *f = fv->form;
    size_t i = tui_form_add(f, "env", "Environment", TUI_FIELD_CHOICE,
                            tt_streq(env, "prod") ? "prod" : "staging", "staging|prod");
    tui_form_set_hint(f, i, "Space or Left/Right to change; selects the public hostname");
    i = tui_form_add(f, "model", "Model", TUI_FIELD_TEXT, fv->model ? fv->model : "", NULL);
    tui_form_set_hint(f, i, "the namespace; lowercase letters, digits and '-'");
    i = tui_form_add(f, "version", "Version", TUI_FIELD_TEXT, next, NULL);
    tui_form_set_hint(f, i, "the revision is <service>-<version>; must be new");
    i = tui_form_add(f, "image", "Image", TUI_FIELD_TEXT, r.image ? r.image : "", NULL);
    tui_form_set_hint(f, i, "registry/name@sha256:<digest>, or a tag (resolved to its digest; C-t lists tags)");
    tui_form_add(f, "entrypoint", "Entry point", TUI_FIELD_TEXT, entrypoint, NULL);
    i = tui_form_add(f, "include_api_keys", "Include API keys", TUI_FIELD_BOOL, with_keys, NULL);
    tui_form_set_hint(f, i, "legacy images only; Space toggles");
    i = tui_form_add(f, "api_key_file", "API-key file", TUI_FIELD_TEXT, "", NULL);
    tui_form_set_hint(f, i, "JSON object of API keys (apikeys.json); only with API keys included");
    i = tui_form_add(f, "api_key_policy", "API-key policy", TUI_FIELD_CHOICE, "refuse",
                     "refuse|replace|merge");
    tui_form_set_hint(f, i,
                      "only with API keys included; if live keys differ: refuse, replace or merge");
    i = tui_form_add(f, "min_scale", "Min scale", TUI_FIELD_TEXT, min, NULL);
    tui_form_set_hint(f, i, "stream's (validate's below)");
    i = tui_form_add(f, "max_scale", "Max scale", TUI_FIELD_TEXT, max, NULL);
    tui_form_set_hint(f, i, "stream's (validate's below)");
    tui_form_add(f, "validate_min_scale", "Validate min scale", TUI_FIELD_TEXT, vmin, NULL);
    tui_form_add(f, "validate_max_scale", "Validate max scale", TUI_FIELD_TEXT, vmax, NULL);
    free(next);
    sync_enabled(f);
    tui_form_set_focus(f, fv->model ? tui_form_index(f, "image") : tui_form_index(f, "model"));
    tui_form_set_validator(f, validate, fv);
}

/* The image is a valid reference by tag (not by digest). */
static bool image_is_tag(const char *image)
{
    registry_ref ref;
    return image && *image && registry_ref_parse(image, &ref, NULL, 0) && !ref.digest[0];
}

/* Asks the registry about the image field's tag when it is due. */
/* Asks b about image (its digest, and its tags), the last question and
 * answer dropped; tags: the answer is for the tag picker. false when there
 * is no backend that can ask. */
static bool image_ask(form_view *fv, tui_backend *b, const char *image, bool tags)
{
    if (!b || !b->ops->resolve_image)
        return false;
    if (fv->img_req)
        b->ops->cancel(b, fv->img_req);
    free(fv->img_for);
    fv->img_for = tt_strdup(image);
    tui_image_info_free(fv->img);
    fv->img = NULL;
    if (tags)
        fv->tags_wanted = true;
    fv->img_req = b->ops->resolve_image(b, image, true);
    return true;
}

static void image_resolve_due(form_view *fv, tui_app *app)
{
    if (!fv->img_due)
        return;
    if (tt_now_ms() < fv->img_due) { /* woken a little early: again then */
        tui_app_wake_at(app, fv->img_due);
        return;
    }
    fv->img_due = 0;
    const char *image = tui_form_value(fv->form, "image");
    if (!image_is_tag(image) || (fv->img_for && tt_streq(fv->img_for, image) && !fv->tags_wanted))
        return;
    if (image_ask(fv, tui_app_backend(app), image, false))
        tui_form_validate(fv->form);
}

static void image_schedule(form_view *fv, tui_app *app, long long delay_ms)
{
    fv->img_due = tt_now_ms() + delay_ms;
    tui_app_wake_at(app, fv->img_due);
}

/* The image as written without its tag or digest ("gcr.io/a/b"). */
static char *image_name(const char *image)
{
    char *name = tt_strdup(image);
    char *at = strchr(name, '@');
    if (at)
        *at = '\0';
    char *slash = strrchr(name, '/');
    char *colon = strrchr(name, ':');
    if (colon && (!slash || colon > slash))
        *colon = '\0';
    return name;
}

/* The picker's choice: the image field becomes NAME:TAG (then resolved). */
static void pick_tag(void *ud, tui_app *app, const char *tag)
{
    form_view *fv = ud;
    char *name = image_name(tui_form_value(fv->form, "image"));
    char *image = tt_asprintf("%s:%s", name, tag);
    tui_form_set_value(fv->form, "image", image);
    free(image);
    free(name);
    tui_form_validate(fv->form);
    image_schedule(fv, app, 0);
}

/* C-t on the image field: the repository's tags to pick from (asked for
 * first when the last answer is not about this image). */
static void open_tags(form_view *fv, tui_app *app)
{
    const char *image = tui_form_value(fv->form, "image");
    registry_ref ref;
    if (!*image || !registry_ref_parse(image, &ref, NULL, 0)) {
        tui_app_message(app, TUI_STATUS_ERROR, "Type an image reference first (registry/name)");
        return;
    }
    if (fv->img && fv->img_for && tt_streq(fv->img_for, image) &&
        (fv->img->tags || fv->img->tags_error)) {
        if (fv->img->tags_error)
            tui_app_message(app, TUI_STATUS_ERROR, "Tags: %s", fv->img->tags_error);
        else
            tui_app_push(app, tui_view_tags_new(app, image, (const char *const *)fv->img->tags,
                                                fv->img->n_tags, pick_tag, fv));
        return;
    }
    if (!image_ask(fv, tui_app_require_backend(app), image, true))
        return;
    tui_app_message(app, TUI_STATUS_INFO, "Asking the registry for the tags of %s", image);
}

static void title(tui_view *v, char *buf, size_t size)
{
    form_view *fv = v->data;
    snprintf(buf, size, "Deploy%s%s", fv->model ? " > " : "", fv->model ? fv->model : "");
}

static void draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    form_view *fv = v->data;
    image_resolve_due(fv, app);
    tui_draw_fill(w, y, x, width, TUI_ROLE_NORMAL);
    size_t errors = tui_form_error_count(fv->form);
    tui_draw_textf(w, y, x + 1, width - 1, TUI_ROLE_TITLE, "Deploy a release to %s",
                   tui_app_context(app) ? tui_app_context(app) : "(no context)");
    tui_form_draw(fv->form, w, y + 2, x + 2, h - 4, width - 4);
    tui_draw_fill(w, y + h - 1, x, width, TUI_ROLE_NORMAL);
    if (errors)
        tui_draw_textf(w, y + h - 1, x + 1, width - 1, TUI_ROLE_ERROR,
                       "%zu field%s to fix before the preview", errors, errors == 1 ? "" : "s");
    else
        tui_draw_text(w, y + h - 1, x + 1, width - 1, TUI_ROLE_STATUS_OK,
                      "Ready: Enter shows the preview", false);
    int cy, cx;
    tui_form_cursor(fv->form, &cy, &cx);
    if (cy >= 0)
        tui_app_set_cursor(app, cy, cx);
}

static void submit(form_view *fv, tui_app *app)
{
    size_t errors = tui_form_error_count(fv->form);
    if (errors) {
        tui_app_message(app, TUI_STATUS_ERROR, "Fix %zu field%s first", errors,
                        errors == 1 ? "" : "s");
        return;
    }
    tui_form *f = fv->form;
    tui_release_req req = {0};
    req.context = (char *)tui_app_context(app);
    req.env = (char *)tui_form_value(f, "env");
    req.model = (char *)tui_form_value(f, "model");
    req.version = (char *)tui_form_value(f, "version");
    req.image = (char *)tui_form_value(f, "image");
    req.entrypoint = (char *)tui_form_value(f, "entrypoint");
    req.include_api_keys = tt_streq(tui_form_value(f, "include_api_keys"), "true");
    req.api_key_file = (char *)tui_form_value(f, "api_key_file");
    req.keys_policy = keys_policy_of(f);
    req.live_host = fv->live_host;
    req.min_scale = atoi(tui_form_value(f, "min_scale"));
    req.max_scale = atoi(tui_form_value(f, "max_scale"));
    req.validate_min_scale = atoi(tui_form_value(f, "validate_min_scale"));
    req.validate_max_scale = atoi(tui_form_value(f, "validate_max_scale"));
    req.validate_apart =
        req.validate_min_scale != req.min_scale || req.validate_max_scale != req.max_scale;
    tui_app_push(app, tui_view_preview_new(app, &req));
}

/* Some field differs from what the form was opened with. */
static bool changed(const form_view *fv)
{
    for (size_t i = 0; i < fv->n_initial; i++)
        if (!tt_streq(fv->initial[i], tui_form_value(fv->form, tui_form_id(fv->form, i))))
            return true;
    return false;
}

/* ---- "discard changes?" over a changed form ------------------------------ */

static void discard_draw(tui_view *v, tui_app *app, WINDOW *w, int y, int x, int h, int width)
{
    int cy, cx;
    tui_dialog_draw(v->data, w, y, x, h, width, &cy, &cx);
    (void)app;
}

static void discard_title(tui_view *v, char *buf, size_t size)
{
    (void)v;
    snprintf(buf, size, "Discard changes?");
}

static bool discard_key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    bool refused = false;
    switch (tui_dialog_key(v->data, k, act, &refused)) {
    case TUI_DIALOG_CANCEL:
        tui_app_pop(app); /* keep editing */
        return true;
    case TUI_DIALOG_CONFIRM:
        tui_app_pop(app);
        tui_app_pop(app); /* the form */
        tui_app_message(app, TUI_STATUS_INFO, "Changes discarded");
        return true;
    case TUI_DIALOG_NONE:
        return true; /* modal */
    }
    return true;
}

static bool discard_mouse(tui_view *v, tui_app *app, int y, int x, tui_mouse_kind kind)
{
    if (kind != TUI_MOUSE_CLICK)
        return false;
    tui_dialog_result r = tui_dialog_click(v->data, y, x);
    if (r == TUI_DIALOG_CANCEL) {
        tui_app_pop(app);
    } else if (r == TUI_DIALOG_CONFIRM) {
        tui_app_pop(app);
        tui_app_pop(app);
    }
    return true;
}

static void discard_close(tui_view *v, tui_app *app)
{
    (void)app;
    tui_dialog_free(v->data);
}

static const tui_view_ops discard_ops = {
    .id = TUI_VIEW_CONFIRM,
    .overlay = true,
    .text_entry = true,
    .hints = "{next-field} switch button  {submit} press  {back} keep editing",
    .title = discard_title,
    .draw = discard_draw,
    .key = discard_key,
    .mouse = discard_mouse,
    .close = discard_close,
};

static void ask_discard(form_view *fv, tui_app *app)
{
    size_t n = 0;
    for (size_t i = 0; i < fv->n_initial; i++)
        if (!tt_streq(fv->initial[i], tui_form_value(fv->form, tui_form_id(fv->form, i))))
            n++;
    tui_dialog *d = tui_dialog_new("Discard changes?", "Discard", NULL);
    tui_dialog_set_cancel_label(d, "Keep editing");
    char line[128];
    snprintf(line, sizeof(line), "%zu field%s changed in the deploy form.", n, n == 1 ? "" : "s");
    tui_dialog_add_line(d, TUI_ROLE_NORMAL, line);
    tui_app_push(app, tui_view_new(&discard_ops, d));
}

/* C-r: the fields from the model's file (v_form_file.c), then what an
 * edit brings: the policy's field, the checks, the tag's digest. */
static void from_file(form_view *fv, tui_app *app)
{
    if (!tui_form_fill_from_file(fv->form, app))
        return;
    tui_form *f = fv->form;
    sync_enabled(f);
    tui_form_validate(f);
    if (image_is_tag(tui_form_value(f, "image")))
        image_schedule(fv, app, 0);
}

static bool key(tui_view *v, tui_app *app, tui_key k, tui_action act)
{
    form_view *fv = v->data;
    switch (act) {
    case TUI_ACT_FROM_FILE: from_file(fv, app); return true;
    case TUI_ACT_SAVE_FILE: tui_form_save_file(fv->form, app); return true;
    case TUI_ACT_BACK:
        if (!changed(fv))
            return false; /* the app goes back */
        ask_discard(fv, app);
        return true;
    case TUI_ACT_NEXT_FIELD:
    case TUI_ACT_PREV_FIELD:
        if (tt_streq(tui_form_id(fv->form, tui_form_focus(fv->form)), "image"))
            image_schedule(fv, app, 0); /* leaving the field: ask now */
        if (act == TUI_ACT_NEXT_FIELD)
            tui_form_focus_next(fv->form);
        else
            tui_form_focus_prev(fv->form);
        return true;
    case TUI_ACT_SUBMIT: submit(fv, app); return true;
    case TUI_ACT_NONE: {
        if (k == TUI_KEY_CTRL('t') &&
            tt_streq(tui_form_id(fv->form, tui_form_focus(fv->form)), "image")) {
            open_tags(fv, app);
            return true;
        }
        tui_line_result r = tui_form_key(fv->form, k);
        if (r == TUI_LINE_EDITED) {
            sync_enabled(fv->form);
            if (tt_streq(tui_form_id(fv->form, tui_form_focus(fv->form)), "image"))
                image_schedule(fv, app, IMAGE_RESOLVE_PAUSE_MS);
        }
        return r != TUI_LINE_IGNORED;
    }
    default: return false;
    }
}

static bool mouse(tui_view *v, tui_app *app, int y, int x, tui_mouse_kind kind)
{
    (void)app;
    (void)x;
    form_view *fv = v->data;
    if (kind != TUI_MOUSE_CLICK)
        return false;
    return tui_form_click(fv->form, y - 3); /* header, title, blank line */
}

/* The model's revisions have all come: the version the form waited for
 * (unless one was typed meanwhile), as prefilled (not a change to keep). */
static void version_arrived(form_view *fv, tui_app *app)
{
    const char *model = tui_form_value(fv->form, "model");
    if (!fv->version_wait || !tui_listing_model_revisions_in(tui_app_listing(app), model))
        return;
    fv->version_wait = false;
    if (*tui_form_value(fv->form, "version"))
        return;
    char *next = fleet_next_version(fleet_find(tui_app_fleet(app), model));
    tui_form_set_value(fv->form, "version", next);
    size_t i = tui_form_index(fv->form, "version");
    if (i < fv->n_initial) {
        free(fv->initial[i]);
        fv->initial[i] = next;
    } else {
        free(next);
    }
}

static void fleet_changed(tui_view *v, tui_app *app)
{
    version_arrived(v->data, app);
    tui_form_validate(((form_view *)v->data)->form); /* a version may be taken now */
}

/* The environment whose hostname (settings) is the live Ingress host. */
static const char *env_of_host(const config *cfg, const char *host)
{
    for (size_t i = 0; cfg && host && i < cfg->n_envs; i++)
        if (cfg->envs[i].hostname && tt_streq(cfg->envs[i].hostname, host))
            return cfg->envs[i].name;
    return NULL;
}

/* The registry's answer for the image field. */
static bool image_message(form_view *fv, tui_app *app, tui_msg *m)
{
    if (m->type != TUI_MSG_IMAGE || !m->req || m->req != fv->img_req)
        return false;
    fv->img_req = 0;
    tui_image_info_free(fv->img);
    fv->img = m->payload;
    m->payload = NULL;
    if (!fv->img) {
        fv->img = tt_calloc(1, sizeof(*fv->img));
        fv->img->error = tt_strdup(m->err.message);
    }
    tui_form_validate(fv->form);
    tui_app_dirty(app);
    if (fv->tags_wanted) {
        fv->tags_wanted = false;
        open_tags(fv, app);
    }
    return true;
}

static void message(tui_view *v, tui_app *app, tui_msg *m)
{
    form_view *fv = v->data;
    if (image_message(fv, app, m))
        return;
    tui_model_details *d = NULL;
    if (tui_model_details_take(m, &fv->live_req, &d) <= 0)
        return;
    free(fv->live_host);
    fv->live_host = tt_strdup(d->ingress_host);
    const char *env = env_of_host(tui_app_config(app), d->ingress_host);
    size_t i = tui_form_index(fv->form, "env");
    /* Only while the field is as prefilled: never over what was chosen. */
    if (env && i < fv->n_initial && tt_streq(tui_form_value(fv->form, "env"), fv->initial[i]) &&
        (tt_streq(env, "staging") || tt_streq(env, "prod"))) {
        tui_form_set_value(fv->form, "env", env);
        free(fv->initial[i]);
        fv->initial[i] = tt_strdup(env);
        tui_form_validate(fv->form);
        tui_app_dirty(app);
    }
    tui_model_details_free(d);
}

static void close_view(tui_view *v, tui_app *app)
{
    form_view *fv = v->data;
    tui_backend *b = tui_app_backend(app);
    if (b && fv->live_req)
        b->ops->cancel(b, fv->live_req);
    if (b && fv->img_req)
        b->ops->cancel(b, fv->img_req);
    free(fv->img_for);
    tui_image_info_free(fv->img);
    free(fv->live_host);
    tui_form_free(fv->form);
    release_diags_free(&fv->diags);
    for (size_t i = 0; i < fv->n_initial; i++)
        free(fv->initial[i]);
    free(fv->initial);
    free(fv->model);
    free(fv);
}

static const tui_view_ops ops = {
    .id = TUI_VIEW_FORM,
    .text_entry = true,
    .hints = "{next-field}/{prev-field} move  C-a/e/k/u/w edit  Space toggles  C-t image tags  {from-file}/{save-file} file  {submit} preview  {back} back  {help} help",
    .title = title,
    .draw = draw,
    .key = key,
    .mouse = mouse,
    .fleet_changed = fleet_changed,
    .message = message,
    .close = close_view,
};

tui_view *tui_view_form_new(tui_app *app, const char *model)
{
    form_view *fv = tt_calloc(1, sizeof(*fv));
    fv->app = app;
    fv->model = tt_strdup(model);
    fv->form = tui_form_new();
    fv->diags = (release_diags)RELEASE_DIAGS_INIT;
    prefill(fv, app);
    fv->n_initial = tui_form_count(fv->form);
    fv->initial = tt_calloc(fv->n_initial ? fv->n_initial : 1, sizeof(char *));
    for (size_t i = 0; i < fv->n_initial; i++)
        fv->initial[i] = tt_strdup(tui_form_value(fv->form, tui_form_id(fv->form, i)));
    tui_backend *b = tui_app_backend(app);
    if (b && model && fleet_find(tui_app_fleet(app), model))
        fv->live_req = b->ops->load_model(b, model);
    if (image_is_tag(tui_form_value(fv->form, "image")))
        image_schedule(fv, app, 0);
    return tui_view_new(&ops, fv);
}
