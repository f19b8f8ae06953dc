/*
 * The parameters of a release (the template's top-level arguments, TLAs)
 * and their validation, shared by the CLI flags, `--config FILE` and the
 * TUI's deploy form. See spec/release-manifests.md, "Parameters".
 *
 * Every value is a string, as `jsonnet --tla-str` passes it. A new set
 * holds the defaults: imageEntrypoint run.deploy.worker:app,
 * includeImageApiKeys false, minScale 0, maxScale 32; env, model, version
 * and image are unset (NULL) until given. Two more parameters are paths,
 * not TLAs: apiKeysFile (what `import 'apikeys.json'` resolves to) and
 * templateFile (NULL = the embedded template). No terminal or network I/O;
 * validation reads the API-key file.
 */
#ifndef RELEASE_PARAMS_H
#define RELEASE_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "tt_common.h"

/* Names, exactly as the template's TLAs and the config keys spell them. */
#define RELEASE_ENV "env"
#define RELEASE_MODEL "model"
#define RELEASE_VERSION "version"
#define RELEASE_IMAGE "image"
#define RELEASE_IMAGE_ENTRYPOINT "imageEntrypoint"
#define RELEASE_INCLUDE_API_KEYS "includeImageApiKeys"
#define RELEASE_MIN_SCALE "minScale"
#define RELEASE_MAX_SCALE "maxScale"
/* Per service, over minScale/maxScale; unset (NULL) = the flat value, and
 * not passed to the template (so a template without them still renders). */
#define RELEASE_STREAM_MIN_SCALE "streamMinScale"
#define RELEASE_STREAM_MAX_SCALE "streamMaxScale"
#define RELEASE_VALIDATE_MIN_SCALE "validateMinScale"
#define RELEASE_VALIDATE_MAX_SCALE "validateMaxScale"
#define RELEASE_API_KEYS_FILE "apiKeysFile"
#define RELEASE_TEMPLATE_FILE "templateFile"

/* Number of TLAs (the first twelve names above). */
#define RELEASE_TLA_COUNT 12

typedef struct release_params release_params;

/* A new set with the defaults. Free with release_params_free. */
release_params *release_params_new(void);
void release_params_free(release_params *p);
/* A deep copy. Free with release_params_free. */
release_params *release_params_clone(const release_params *p);

/* True for the fourteen names above. */
bool release_params_is_known(const char *name);

/*
 * Sets a parameter by name (a TLA name, apiKeysFile or templateFile). The
 * value is copied; NULL resets it to its default (unset for the required
 * ones and the paths). No validation here: the form sets whatever was
 * typed. Unknown name: TT_EINVAL naming it. Returns 0 or -1.
 */
int release_params_set(release_params *p, const char *name, const char *value, tt_error *err);
/* The current value, or NULL when unset or the name is unknown. Borrowed:
 * valid until the parameter is set again. */
const char *release_params_get(const release_params *p, const char *name);
/* True when the value was given: set by release_params_set with a value
 * (a flag, --config, a deployment file, a form's field); false for a
 * default, one reset with NULL, and one taken from what is live
 * (release_params_scales_from_live). */
bool release_params_is_given(const release_params *p, const char *name);

/* The TLA names in the README's order: env, model, version, image,
 * imageEntrypoint, includeImageApiKeys, minScale, maxScale, then the
 * per-service scales. Static. */
const char *const *release_params_tla_names(void);

typedef struct release_tla {
    const char *name;  /* static */
    const char *value; /* borrowed from the set */
} release_tla;

/* Fills out[] with the TLAs that have a value, in the README's order, and
 * returns how many (at most RELEASE_TLA_COUNT). */
size_t release_params_tlas(const release_params *p, release_tla out[RELEASE_TLA_COUNT]);

/* True when includeImageApiKeys is exactly "true". */
bool release_params_include_api_keys(const release_params *p);

/*
 * The API-key file `import 'apikeys.json'` resolves to: apiKeysFile when
 * set, else apikeys.json in templateFile's folder, else NULL (embedded
 * template, no file). Caller frees.
 */
char *release_params_api_keys_path(const release_params *p);

/* ---- diagnostics ----------------------------------------------------- */

typedef enum release_severity {
    RELEASE_ERROR,
    RELEASE_WARNING,
} release_severity;

typedef struct release_diag {
    release_severity severity;
    const char *field; /* a parameter name (static), or "config" */
    char *message;     /* a sentence naming the field; never a secret */
} release_diag;

typedef struct release_diags {
    release_diag *items;
    size_t n;
    size_t cap;
} release_diags;

#define RELEASE_DIAGS_INIT {NULL, 0, 0}

/* Frees the messages and the array; d is empty and reusable after. */
void release_diags_free(release_diags *d);
/* How many diagnostics of that severity. */
size_t release_diags_count(const release_diags *d, release_severity s);
/* The first diagnostic about field (errors before warnings), or NULL. */
const release_diag *release_diags_find(const release_diags *d, const char *field);

/* ---- validation ------------------------------------------------------ */

typedef struct release_validate_options {
    /* Allowed environment names; NULL/0 = staging, prod. */
    const char *const *envs;
    size_t n_envs;
    /* Skip reading the API-key and template files (stat and read them
     * otherwise; a few microseconds for a small file). */
    bool skip_files;
} release_validate_options;

/*
 * Checks every rule of the spec and appends diagnostics to out, in the
 * README's field order:
 * - env is one of the allowed environments;
 * - model and version are DNS-1123 labels; the revision name
 *   "validate-<version>" (the longer one) is at most 63 characters;
 * - image is an OCI reference registry/path[:tag][@sha256:<64 hex>] with
 *   lowercase path components; a tag (or neither tag nor digest) is a
 *   warning, since tags move; no registry is a warning (Docker Hub);
 * - imageEntrypoint is module:attribute (Python names);
 * - includeImageApiKeys is "true" or "false";
 * - minScale, maxScale are non-negative integers, min <= max (maxScale 0
 *   means "no limit" to Knative: a warning, and no comparison); so are the
 *   per-service ones that are given, each service's bounds compared;
 * - templateFile, when set, is a readable file;
 * - with keys included, the API-key file (release_params_api_keys_path)
 *   is given, exists, and is a non-empty JSON object of strings; a file
 *   given while keys are off is a warning (unused).
 * Pure apart from the two file reads; cheap enough for every key press.
 * o may be NULL. Returns the number of errors added.
 */
size_t release_params_validate(const release_params *p, const release_validate_options *o,
                               release_diags *out);

/*
 * Single-field checks used by the above, for callers that check one
 * value (e.g. the pin's model). Return true when valid, else write a
 * sentence starting with `what` into msg.
 */
bool release_check_dns_label(const char *what, const char *value, char *msg, size_t size);
/* OCI image reference; *warning (may be NULL) gets a warning sentence (or
 * "") when the reference is valid but uses a tag or no registry. */
bool release_check_image(const char *value, char *msg, size_t size, char *warning,
                         size_t warning_size);

/* ---- scales from what is live ----------------------------------------- */

enum { RELEASE_STREAM = 0, RELEASE_VALIDATE = 1, RELEASE_SERVICES = 2 };

/* What a live model's services run: each one's bounds, -1 where nothing is
 * known (the model or the service is not live, or has no such bound). */
typedef struct release_live_scales {
    int min[RELEASE_SERVICES];
    int max[RELEASE_SERVICES];
} release_live_scales;

/* Everything unknown (-1). */
void release_live_scales_init(release_live_scales *l);

/*
 * The scale rule both faces share (the CLI's flags, the deploy form's
 * prefill). Each service's bound is, first that applies:
 * - its own parameter given (validateMaxScale: --validate-max-scale);
 * - the flat one given (maxScale: --max-scale, both services);
 * - what that service runs live (live);
 * - the template's default (minScale 0, maxScale 32): a model or service
 *   that is not live, as a first release.
 * The bounds taken from live are set, not marked given: as the flat
 * parameter when both services have the same, else as each service's own
 * (so a template without the per-service parameters renders a model whose
 * services run alike). Validation messages mark them "(as live)".
 * taken (may be NULL) gets the bounds taken from live, -1 elsewhere.
 * Returns how many bounds were taken (0 to 4). Idempotent.
 */
size_t release_params_scales_from_live(release_params *p, const release_live_scales *live,
                                       release_live_scales *taken);

/* The bound one service renders with (service RELEASE_STREAM or
 * RELEASE_VALIDATE; max: maxScale, else minScale): its own parameter, else
 * the flat one. Borrowed; NULL for another service. */
const char *release_params_service_scale(const release_params *p, int service, bool max);

/* ---- config file ----------------------------------------------------- */

/*
 * Loads `--config FILE`: a JSON object keyed by parameter names. String
 * values are taken as they are; integers and booleans are converted
 * ("32", "true"); other types are an error naming file and key. Unknown
 * keys (e.g. the later deployment configs' stream/validate/traffic
 * blocks) are warnings added to warnings (may be NULL), not errors.
 * "provideApiKeyAuthForLegacyContainerSupport" (those configs' later name)
 * is read as includeImageApiKeys. Relative apiKeysFile/templateFile paths
 * are relative to the config file's folder. Keys not in the file keep
 * their current value. Returns 0, or -1 with err set (p may then hold
 * some of the file's values).
 */
int release_params_load_config(release_params *p, const char *path, release_diags *warnings,
                               tt_error *err);

/* ---- API-key file ---------------------------------------------------- */

/*
 * Reads an API-key file: a non-empty JSON object whose values are all
 * strings. Errors name the file and the offending key, never a value
 * (a JSON syntax error gives only line and column). New reference.
 */
json_t *release_api_keys_load(const char *path, tt_error *err);

#endif
