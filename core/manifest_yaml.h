/*
 * Manifests as text: a YAML multi-document stream written with libyaml's
 * emitter (what `kubectl apply -f -` reads), the same stream read back into
 * JSON with libyaml's parser, and the `-o json` form. No I/O.
 *
 * YAML written:
 * - one document per array element, each starting with "---";
 * - mapping keys sorted (byte order = code point order), as `jsonnet -y`
 *   and the reference renderings have them, unless MANIFEST_YAML_KEEP_ORDER;
 * - strings plain when YAML would read them back as the same string, and
 *   double-quoted when a YAML 1.1 or 1.2 reader could take them for
 *   something else: "", null/~, true/false/yes/no/on/off/y/n (any case),
 *   numbers in any notation ("0", "301", "1e3", "0x1f", "1_000", ".inf"),
 *   sexagesimals ("1:30") and dates ("2024-01-31"); kubectl's reader is
 *   YAML 1.1, hence the wide list. Keys follow the same rule.
 * - strings with a line break as literal blocks ("|", "|-"); libyaml falls
 *   back to a quoted style where a block cannot hold the text exactly;
 * - integers, reals (always with a '.' or exponent), booleans and null
 *   plain.
 */
#ifndef MANIFEST_YAML_H
#define MANIFEST_YAML_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "tt_common.h"

/* Keys in each object's own order instead of sorted. */
#define MANIFEST_YAML_KEEP_ORDER 0x1u

/*
 * YAML stream of docs: an array gives one document per element; any other
 * value is one document. Returns a NUL-terminated string (caller frees),
 * or NULL with err set when libyaml refuses (e.g. invalid UTF-8).
 */
char *manifest_yaml_emit(const json_t *docs, unsigned flags, tt_error *err);

/*
 * Reads a YAML stream into a JSON array with one element per non-empty
 * document. Plain scalars resolve by the YAML 1.2 core schema (null,
 * true/false, integers, floats; anything else is a string); quoted and
 * block scalars are strings. Aliases, non-scalar keys, duplicate keys and
 * .inf/.nan numbers are errors naming line and column. New reference, or
 * NULL with err set.
 */
json_t *manifest_yaml_parse(const char *text, size_t len, tt_error *err);

/* The `-o json` form: docs as indented JSON (2 spaces), keys in object
 * order, ending in a newline. Caller frees. */
char *manifest_json_dump(const json_t *docs);

/* True when the string must be quoted to stay a string (the rule above). */
bool manifest_yaml_needs_quotes(const char *s);

#endif
