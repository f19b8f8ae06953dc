/*
 * The registry client's parsers of hostile text (registry/): the image
 * reference parser and the WWW-Authenticate challenge parser, both fed the
 * whole input as one string.
 *  - a reference that parses has a host, a path, and a tag or a digest, and
 *    the canonical form HOST/PATH[:TAG][@DIGEST] parses back to the same;
 *  - challenges are at most the maximum asked for, each with a lowercase
 *    scheme, every field NUL-terminated.
 */
#include <ctype.h>

#include "fuzz_target.h"
#include "registry_challenge.h"
#include "registry_ref.h"

static void check_ref(const char *s)
{
    registry_ref r, again;
    char why[64];
    memset(why, 'x', sizeof why);
    if (!registry_ref_parse(s, &r, why, sizeof why)) {
        FUZZ_CHECK(memchr(why, '\0', sizeof why) && why[0], "rejection without a reason");
        return;
    }
    FUZZ_CHECK(r.host[0] && r.path[0], "empty host or path");
    FUZZ_CHECK(r.tag[0] || r.digest[0], "neither tag nor digest");
    char canon[1024];
    snprintf(canon, sizeof canon, "%s/%s%s%s%s%s", r.host, r.path, r.tag[0] ? ":" : "", r.tag,
             r.digest[0] ? "@" : "", r.digest);
    if (strlen(canon) > REGISTRY_REF_MAX)
        return; /* the defaults made it longer than a reference may be */
    FUZZ_CHECK(registry_ref_parse(canon, &again, why, sizeof why), "canonical %s rejected: %s",
               canon, why);
    FUZZ_CHECK(strcmp(r.host, again.host) == 0 && strcmp(r.path, again.path) == 0 &&
                   strcmp(r.tag, again.tag) == 0 && strcmp(r.digest, again.digest) == 0,
               "canonical %s parses differently", canon);
}

static void check_challenges(const char *s)
{
    registry_challenge ch[3];
    int n = registry_challenges_parse(s, ch, 3);
    FUZZ_CHECK(n >= 0 && n <= 3, "%d challenges", n);
    for (int i = 0; i < n; i++) {
        FUZZ_CHECK(ch[i].scheme[0], "empty scheme");
        for (const char *c = ch[i].scheme; *c; c++)
            FUZZ_CHECK(!isupper((unsigned char)*c), "scheme %s not lowercased", ch[i].scheme);
        FUZZ_CHECK(memchr(ch[i].realm, '\0', sizeof ch[i].realm) &&
                       memchr(ch[i].service, '\0', sizeof ch[i].service) &&
                       memchr(ch[i].scope, '\0', sizeof ch[i].scope) &&
                       memchr(ch[i].error, '\0', sizeof ch[i].error),
                   "field not terminated");
        for (const char *c = ch[i].realm; *c; c++)
            FUZZ_CHECK((unsigned char)*c >= 0x20 && *c != 0x7f, "control byte in realm");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_strndup(data, size);
    check_ref(s);
    check_challenges(s);
    free(s);
    return 0;
}
