/*
 * Release parameters, the rules of one value (spec/release-manifests.md):
 * a DNS-1123 label, an OCI image reference.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "release_params.h"
#include "release_params_int.h"

static bool is_lower_alnum(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool release_check_dns_label(const char *what, const char *value, char *msg, size_t size)
{
    char v[80];
    if (!value || !*value) {
        snprintf(msg, size, "%s is required", what);
        return false;
    }
    size_t len = strlen(value);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if (is_lower_alnum(c) || c == '-')
            continue;
        char found[32];
        if (c > 0x20 && c < 0x7f)
            snprintf(found, sizeof found, "'%c'", c);
        else if (c == ' ')
            snprintf(found, sizeof found, "a space");
        else
            snprintf(found, sizeof found, c >= 0x80 ? "a non-ASCII character" : "a control character");
        snprintf(msg, size,
                 "%s \"%s\": must be lowercase alphanumerics and '-' (a DNS-1123 label); "
                 "found %s at position %zu",
                 what, shown(value, v, sizeof v), found, i + 1);
        return false;
    }
    if (len > DNS_LABEL_MAX) {
        snprintf(msg, size, "%s \"%s\": is %zu characters; at most %d (a DNS-1123 label)", what,
                 shown(value, v, sizeof v), len, DNS_LABEL_MAX);
        return false;
    }
    if (value[0] == '-' || value[len - 1] == '-') {
        snprintf(msg, size, "%s \"%s\": must %s with a lowercase letter or digit (a DNS-1123 label)",
                 what, shown(value, v, sizeof v), value[0] == '-' ? "start" : "end");
        return false;
    }
    return true;
}

/* A registry host: dot-separated [A-Za-z0-9-] labels not starting or
 * ending with '-', then an optional :port. */
static bool valid_domain(const char *s, size_t len)
{
    const char *colon = memchr(s, ':', len);
    size_t host_len = colon ? (size_t)(colon - s) : len;
    if (colon) {
        size_t port_len = len - host_len - 1;
        if (port_len == 0 || port_len > 5)
            return false;
        for (size_t i = 0; i < port_len; i++)
            if (!isdigit((unsigned char)colon[1 + i]))
                return false;
    }
    size_t label = 0;
    for (size_t i = 0; i <= host_len; i++) {
        char c = i < host_len ? s[i] : '.';
        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0;
        } else if (isalnum((unsigned char)c) || (c == '-' && label > 0)) {
            label++;
        } else {
            return false;
        }
    }
    return host_len > 0;
}

/* path-component := [a-z0-9]+ ((. | _ | __ | -+) [a-z0-9]+)* */
static bool valid_path_component(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t run = 0;
        while (i < len && is_lower_alnum((unsigned char)s[i]))
            i++, run++;
        if (run == 0)
            return false;
        if (i == len)
            return true;
        size_t sep = i;
        if (s[i] == '.') {
            i++;
        } else if (s[i] == '_') {
            i += (i + 1 < len && s[i + 1] == '_') ? 2 : 1;
        } else if (s[i] == '-') {
            while (i < len && s[i] == '-')
                i++;
        } else {
            return false;
        }
        if (i == len || i == sep)
            return false;
    }
    return len > 0;
}

static bool valid_tag(const char *s, size_t len)
{
    if (len == 0 || len > 128)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool word = isalnum(c) || c == '_';
        if (!word && (i == 0 || (c != '.' && c != '-')))
            return false;
    }
    return true;
}

static bool has_upper(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (isupper((unsigned char)s[i]))
            return true;
    return false;
}

#define DIGEST_PREFIX "sha256:"
#define DIGEST_HEX 64

/*
 * The OCI reference grammar (distribution/reference), with the digest
 * restricted to sha256. warnings gets "" or one or two sentences.
 */
bool release_check_image(const char *value, char *msg, size_t size, char *warning,
                         size_t warning_size)
{
    char v[80];
    if (warning && warning_size)
        warning[0] = '\0';
    if (!value || !*value) {
        snprintf(msg, size, "image is required");
        return false;
    }
    shown(value, v, sizeof v);
    const char *at = strchr(value, '@');
    size_t name_tag_len = at ? (size_t)(at - value) : strlen(value);
    if (at) {
        const char *digest = at + 1;
        if (!tt_str_has_prefix(digest, DIGEST_PREFIX)) {
            snprintf(msg, size, "image \"%s\": digest must be sha256:<64 hex digits>", v);
            return false;
        }
        const char *hex = digest + strlen(DIGEST_PREFIX);
        size_t hex_len = strlen(hex);
        for (size_t i = 0; i < hex_len; i++) {
            if (!isxdigit((unsigned char)hex[i]) || isupper((unsigned char)hex[i])) {
                snprintf(msg, size,
                         "image \"%s\": digest must be sha256:<64 lowercase hex digits>; "
                         "character %zu of the digest is not",
                         v, i + 1);
                return false;
            }
        }
        if (hex_len != DIGEST_HEX) {
            snprintf(msg, size,
                     "image \"%s\": digest must be sha256:<64 hex digits>, this one has %zu", v,
                     hex_len);
            return false;
        }
    }
    /* A tag is after the last ':' that follows the last '/'. */
    const char *last_slash = memrchr(value, '/', name_tag_len);
    const char *colon = memrchr(value, ':', name_tag_len);
    const char *tag = (colon && (!last_slash || colon > last_slash)) ? colon + 1 : NULL;
    size_t name_len = tag ? (size_t)(colon - value) : name_tag_len;
    if (tag && !valid_tag(tag, name_tag_len - name_len - 1)) {
        snprintf(msg, size,
                 "image \"%s\": tag must be letters, digits, '_', '.' and '-' (at most 128, "
                 "not starting with '.' or '-')",
                 v);
        return false;
    }
    if (name_len == 0 || name_len > 255) {
        snprintf(msg, size, "image \"%s\": the repository name must be 1 to 255 characters", v);
        return false;
    }
    const char *first_slash = memchr(value, '/', name_len);
    bool has_registry = false;
    const char *path = value;
    if (first_slash) {
        size_t dlen = (size_t)(first_slash - value);
        bool looks_domain = memchr(value, '.', dlen) || memchr(value, ':', dlen) ||
                            (dlen == 9 && memcmp(value, "localhost", 9) == 0);
        if (looks_domain) {
            if (!valid_domain(value, dlen)) {
                snprintf(msg, size, "image \"%s\": registry \"%.*s\" is not a valid host[:port]",
                         v, (int)(dlen > 60 ? 60 : dlen), value);
                return false;
            }
            has_registry = true;
            path = first_slash + 1;
        }
    }
    const char *end = value + name_len;
    if (path >= end) {
        snprintf(msg, size, "image \"%s\": the repository path after the registry is empty", v);
        return false;
    }
    while (path < end) {
        const char *slash = memchr(path, '/', (size_t)(end - path));
        size_t clen = slash ? (size_t)(slash - path) : (size_t)(end - path);
        if (!valid_path_component(path, clen)) {
            snprintf(msg, size,
                     "image \"%s\": path component \"%.*s\" must be %s", v,
                     (int)(clen > 60 ? 60 : clen), path,
                     has_upper(path, clen)
                         ? "lowercase"
                         : "lowercase letters and digits joined by '.', '_', '__' or '-'");
            return false;
        }
        path += clen + (slash ? 1 : 0);
        if (slash && path == end) {
            snprintf(msg, size, "image \"%s\": the repository path ends with '/'", v);
            return false;
        }
    }
    if (warning && warning_size) {
        tt_buf w = TT_BUF_INIT;
        if (!at && tag)
            tt_buf_puts(&w, "image uses a tag, which can move; prefer a digest (…@sha256:…)");
        else if (!at)
            tt_buf_puts(&w, "image uses a tag (:latest, implied), which can move; prefer a digest "
                            "(…@sha256:…)");
        if (!has_registry)
            tt_buf_printf(&w, "%simage has no registry, so it would come from Docker Hub; give "
                              "the full name (e.g. gcr.io/<project>/<image>)",
                          w.len ? "; " : "");
        if (w.len)
            tt_strlcpy(warning, w.data, warning_size);
        tt_buf_free(&w);
    }
    return true;
}
