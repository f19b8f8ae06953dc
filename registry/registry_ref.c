#include "registry_ref.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static bool fail(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool fail(char *why, size_t why_len, const char *fmt, ...)
{
    if (why && why_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* A path component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* */
static bool component_ok(const char *s, size_t n)
{
    if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
        return false;
    for (size_t i = 0; i < n;) {
        if (is_lower_alnum(s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        if (s[i] == '.') {
            j = i + 1;
        } else if (s[i] == '_') {
            j = i + 1;
            if (j < n && s[j] == '_')
                j++;
        } else if (s[i] == '-') {
            while (j < n && s[j] == '-')
                j++;
        } else {
            return false;
        }
        if (j >= n || !is_lower_alnum(s[j]))
            return false;
        i = j;
    }
    return true;
}

/* HOST[:PORT]: host labels of [A-Za-z0-9-], or a [v6] literal; port digits. */
static bool host_ok(const char *s, size_t n)
{
    size_t i = 0;
    if (n == 0)
        return false;
    if (s[0] == '[') {
        while (i < n && s[i] != ']') {
            if (!(isxdigit((unsigned char)s[i]) || s[i] == ':' || s[i] == '[' || s[i] == '.'))
                return false;
            i++;
        }
        if (i >= n || i < 2)
            return false;
        i++;
    } else {
        size_t start = 0;
        for (; i < n && s[i] != ':'; i++) {
            char c = s[i];
            if (c == '.') {
                if (i == start || s[i - 1] == '-')
                    return false;
                start = i + 1;
            } else if (!(isalnum((unsigned char)c) || c == '-') || (c == '-' && i == start)) {
                return false;
            }
        }
        if (i == start || s[i - 1] == '-' || s[i - 1] == '.')
            return false;
    }
    if (i == n)
        return true;
    if (s[i] != ':' || i + 1 == n || n - i - 1 > 5)
        return false;
    for (size_t k = i + 1; k < n; k++)
        if (!isdigit((unsigned char)s[k]))
            return false;
    return true;
}

static bool tag_ok(const char *s, size_t n)
{
    if (n == 0 || n > REGISTRY_REF_TAG_MAX)
        return false;
    if (!(isalnum((unsigned char)s[0]) || s[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
            return false;
    return true;
}

static bool digest_ok(const char *s, size_t n)
{
    if (n != 7 + 64 || strncmp(s, "sha256:", 7) != 0)
        return false;
    for (size_t i = 7; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

bool registry_ref_parse(const char *s, registry_ref *out, char *why, size_t why_len)
{
    memset(out, 0, sizeof *out);
    if (!s || !*s)
        return fail(why, why_len, "empty image reference");
    size_t len = strlen(s);
    if (len > REGISTRY_REF_MAX)
        return fail(why, why_len, "image reference longer than %d characters", REGISTRY_REF_MAX);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
            return fail(why, why_len, "image reference holds a space, control or non-ASCII character");

    /* Digest. */
    const char *at = strchr(s, '@');
    size_t rest = len;
    if (at) {
        size_t dn = len - (size_t)(at - s) - 1;
        if (!digest_ok(at + 1, dn))
            return fail(why, why_len, "digest must be sha256: followed by 64 lowercase hex digits");
        memcpy(out->digest, at + 1, dn);
        rest = (size_t)(at - s);
    }

    /* Host: the part before the first '/', when it looks like one. */
    const char *name = s;
    const char *slash = memchr(s, '/', rest);
    if (slash) {
        size_t hn = (size_t)(slash - s);
        bool looks_host = memchr(s, '.', hn) || memchr(s, ':', hn) ||
                          (hn == 9 && strncmp(s, "localhost", 9) == 0);
        if (looks_host) {
            if (!host_ok(s, hn))
                return fail(why, why_len, "registry host \"%.*s\" is not a valid host[:port]", (int)hn, s);
            if (hn >= sizeof out->host)
                return fail(why, why_len, "registry host too long");
            memcpy(out->host, s, hn);
            name = slash + 1;
        }
    }
    if (!out->host[0] || strcmp(out->host, "index.docker.io") == 0)
        strcpy(out->host, "docker.io");

    /* Tag: a ':' after the last '/'. */
    size_t nn = rest - (size_t)(name - s);
    const char *last_slash = NULL;
    for (size_t i = 0; i < nn; i++)
        if (name[i] == '/')
            last_slash = name + i;
    const char *colon = memchr(last_slash ? last_slash : name, ':',
                               nn - (size_t)((last_slash ? last_slash : name) - name));
    size_t pn = nn;
    if (colon) {
        size_t tn = nn - (size_t)(colon - name) - 1;
        if (!tag_ok(colon + 1, tn))
            return fail(why, why_len, "tag \"%.*s\" is not valid (letters, digits, _ . -; at most 128)",
                        (int)(tn > 128 ? 128 : tn), colon + 1);
        memcpy(out->tag, colon + 1, tn);
        pn = (size_t)(colon - name);
    }

    /* Path components. */
    if (pn == 0)
        return fail(why, why_len, "image reference has no repository name");
    for (size_t i = 0; i < pn;) {
        size_t j = i;
        while (j < pn && name[j] != '/')
            j++;
        if (!component_ok(name + i, j - i))
            return fail(why, why_len,
                        "repository component \"%.*s\" must be lowercase letters and digits "
                        "separated by . _ __ or -",
                        (int)(j - i), name + i);
        i = j + 1;
        if (j < pn && i == pn)
            return fail(why, why_len, "repository name ends with '/'");
    }
    bool library = strcmp(out->host, "docker.io") == 0 && !memchr(name, '/', pn);
    size_t need = pn + (library ? 8 : 0);
    if (need >= sizeof out->path)
        return fail(why, why_len, "repository name longer than %d characters", REGISTRY_REF_PATH_MAX - 1);
    snprintf(out->path, sizeof out->path, "%s%.*s", library ? "library/" : "", (int)pn, name);

    if (!out->tag[0] && !out->digest[0])
        strcpy(out->tag, "latest");
    return true;
}

const char *registry_ref_api_host(const registry_ref *r)
{
    return strcmp(r->host, "docker.io") == 0 ? "registry-1.docker.io" : r->host;
}

bool registry_host_is_loopback(const char *host)
{
    char h[REGISTRY_REF_HOST_MAX];
    size_t n = strlen(host);
    if (n >= sizeof h)
        return false;
    memcpy(h, host, n + 1);
    if (h[0] == '[') {
        char *end = strchr(h, ']');
        if (!end)
            return false;
        *end = '\0';
        return strcmp(h + 1, "::1") == 0;
    }
    char *colon = strchr(h, ':');
    if (colon)
        *colon = '\0';
    if (strcmp(h, "localhost") == 0)
        return true;
    /* 127.0.0.0/8, dotted quad only. */
    unsigned a, b, c, d;
    char extra;
    if (sscanf(h, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) == 4)
        return a == 127 && b < 256 && c < 256 && d < 256;
    return false;
}

char *registry_ref_repo(const registry_ref *r, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s/%s", r->host, r->path);
    return (n < 0 || (size_t)n >= len) ? NULL : buf;
}
