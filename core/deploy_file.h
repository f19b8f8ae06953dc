/*
 * Deployment config files (deployments/<env>/<model>.config.json): one
 * model's release as the operators keep it in files. Parsing and
 * validation only; no terminal or network I/O beyond reading the file
 * given. Every error names file:line:column: jansson's position for bad
 * JSON, the key's position for an unknown field or a bad value.
 *
 * Numbers may be JSON numbers or strings of digits ("0"), as the files
 * have them; they are kept as canonical decimal strings. Booleans may be
 * true/false or "true"/"false".
 */
#ifndef DEPLOY_FILE_H
#define DEPLOY_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "tt_common.h"

typedef struct deploy_service {
    char *min_scale;   /* decimal */
    char *max_scale;   /* decimal */
    char *concurrency; /* decimal */
    char **paths;
    size_t n_paths;
    json_t *resources; /* {requests:{cpu,memory}, limits:{cpu,memory}} or NULL */
} deploy_service;

typedef struct deploy_traffic {
    char *tag;
    int percent; /* 0..100 */
} deploy_traffic;

typedef struct deploy_file {
    char *path;
    char *env;
    char *model;
    char *version; /* decimal */
    char *image;
    char *image_entrypoint;
    bool legacy_api_key_auth; /* provideApiKeyAuthForLegacyContainerSupport */
    deploy_service stream;
    deploy_service validate;
    deploy_traffic *traffic;
    size_t n_traffic;
} deploy_file;

/* True when a parsed JSON object has this format's shape (a "stream" or
 * "validate" object), as opposed to today's flat parameters. */
bool deploy_file_is_shape(const json_t *root);

/* Parses text (len bytes) named `path` in errors. NULL + TT_EINVAL on any
 * error. Free with deploy_file_free. */
deploy_file *deploy_file_parse(const char *text, size_t len, const char *path, tt_error *err);
/* Reads and parses a file. TT_EIO when it cannot be read. */
deploy_file *deploy_file_load(const char *path, tt_error *err);
void deploy_file_free(deploy_file *f);

/*
 * The file's content as the files have it: keys in the files' order,
 * version, scales and provideApiKeyAuthForLegacyContainerSupport as
 * strings, concurrency and percent as numbers, resources only when set.
 * What `ttstui export` writes and the tts-deploy template reads. New
 * reference.
 */
json_t *deploy_file_to_json(const deploy_file *f);

/*
 * Checks a tree's files together: each file's env is the name of the
 * folder holding it (deployments/<env>/<model>.config.json), and no two
 * files describe the same env and model. TT_EINVAL naming the file(s).
 */
int deploy_files_check(deploy_file *const *files, size_t n, tt_error *err);

#endif
