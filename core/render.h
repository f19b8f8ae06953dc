/*
 * Rendering a release with libjsonnet: the embedded default template
 * (core/templates/tts.jsonnet, the objects of spec/release-manifests.md)
 * or an operator's template file, with the release parameters as string
 * TLAs, exactly like `jsonnet tts.jsonnet --tla-str env=... ...`.
 *
 * Imports: `import 'apikeys.json'` from the template's own folder resolves
 * to the parameter apiKeysFile when it is set, else to apikeys.json in that
 * folder. For the embedded template, 'apikeys.json' is apiKeysFile; with
 * keys off and no file it is `{}` (and the template does not read it then
 * anyway). Every other import resolves relative to the importing file's
 * folder, as the jsonnet command does (no library search path).
 *
 * Output: the template's value normalised to a JSON array of objects, in
 * order, which is what `jsonnet -y` would print as a YAML stream:
 * - an array is taken as it is;
 * - a Kubernetes List (an object with kind "List" or "...List" and an
 *   `items` array) becomes its items;
 * - any other object with a `kind` becomes a one-element array.
 * Every element must be an object with string apiVersion and kind, else
 * it is an error naming the element's index.
 *
 * No terminal or network I/O; reads the template and API-key files.
 */
#ifndef RENDER_H
#define RENDER_H

#include <jansson.h>
#include <stddef.h>

#include "deploy_file.h"
#include "release_params.h"
#include "tt_common.h"

typedef struct render_options {
    unsigned max_stack; /* jsonnet stack depth; 0 = 500 */
    unsigned max_trace; /* stack trace lines kept in errors; 0 = 20 */
} render_options;

/*
 * Renders p (templateFile NULL = the embedded template). o may be NULL.
 * Requires env, model, version and image to be set (not validated here:
 * call release_params_validate first). Errors (TT_EINVAL) carry the
 * engine's message trimmed to "template <file>:<line>:<col>: <message>";
 * any API-key value that would appear in one is replaced by "***". Returns
 * a new array reference, or NULL with err set.
 */
json_t *release_render(const release_params *p, const render_options *o, tt_error *err);

/*
 * Renders a deployment config file (core/deploy_file.h) with the embedded
 * template for that format (templates/tts-deploy.jsonnet, one TLA
 * `config`: deploy_file_to_json's text): the objects of the default
 * template with the file's per-service values and traffic by tag. With
 * provideApiKeyAuthForLegacyContainerSupport, api_keys_file (NULL = none,
 * an error) is what 'apikeys.json' resolves to. New reference, or NULL
 * with err set.
 */
json_t *release_render_deploy(const deploy_file *f, const char *api_keys_file,
                              const render_options *o, tt_error *err);

/* The embedded deployment-file template's source (static); *len may be
 * NULL. */
const char *render_deploy_template(size_t *len);

/*
 * Renders the embedded "pin latest" manifest (templates/latest-pin.jsonnet,
 * TLA latestVersion = model): a one-element array holding the
 * KongClusterPlugin latest-pinned-service. model must be a DNS-1123 label.
 * New reference, or NULL with err set.
 */
json_t *release_render_pin(const char *model, tt_error *err);

/*
 * Evaluates jsonnet source text (named name in errors and as the base of
 * relative imports, which resolve relative to name's folder) with string
 * TLAs, and normalises the output as above. The general form behind the
 * two functions above; tlas may be NULL when n_tlas is 0. New reference,
 * or NULL with err set.
 */
json_t *render_jsonnet_snippet(const char *name, const char *text, const release_tla *tlas,
                               size_t n_tlas, const render_options *o, tt_error *err);

/* The embedded default template's source (NUL-terminated, static), e.g.
 * for `ttstui template show`; *len (may be NULL) gets its length. */
const char *render_default_template(size_t *len);

/* Normalises a template's value to an array of objects (see above). Steals
 * the reference to value. New reference, or NULL with err set. */
json_t *render_normalise(json_t *value, tt_error *err);

#endif
