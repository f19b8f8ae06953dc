/*
 * Masking secrets out of Kubernetes objects before anything shows them
 * (the YAML view, diffs, logs, `ttstui render`), and a scanner that tests
 * use to prove no secret leaked into a text.
 *
 * A masked value is the fixed marker MASK_MARKER, with neither its length
 * nor a fingerprint: nothing shown needs to tell two secret values apart,
 * because the diff module compares the real values itself and prints only
 * "(changed)" / "(unchanged)" per data key. No I/O.
 */
#ifndef MASK_H
#define MASK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define MASK_MARKER "***"

/*
 * A deep copy of a rendered or live object, an array of them, or a List
 * (`items`), with every secret replaced by MASK_MARKER:
 * - Secret `data` and `stringData` values (keys stay visible);
 * - the annotation kubectl.kubernetes.io/last-applied-configuration of a
 *   Secret (whole), and of any other object masked by these same rules;
 * - KongPlugin / KongClusterPlugin `config` list entries "name:value"
 *   (add/replace/append body, headers, querystring) whose name looks
 *   secret, e.g. "api_key:YYY" -> "api_key:***";
 * - `env` entries anywhere (containers of any object) whose name looks
 *   secret: the `value` is masked (valueFrom references stay).
 * NULL in, NULL out. New reference.
 */
json_t *mask_object(const json_t *obj);

/* True when a variable or field name looks like it holds a secret: it
 * contains KEY, TOKEN, SECRET, PASSWORD, PASSWD or CREDENTIAL, in any case. */
bool mask_name_is_secret(const char *name);

/*
 * True when text contains any of the n secrets (empty ones are skipped),
 * either plain or base64-encoded (standard alphabet), including base64
 * embedded at any byte alignment inside a longer encoded value.
 */
bool mask_text_contains_secret(const char *text, const char *const *secrets, size_t n);

#endif
