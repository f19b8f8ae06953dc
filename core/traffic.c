/* Traffic splits: parsing, the spec.traffic patch, and words for both. */
#include "traffic.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "release_params.h"

void traffic_split_clear(traffic_split *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->entries[i].version);
        free(s->entries[i].tag);
        free(s->entries[i].revision);
    }
    free(s->entries);
    s->entries = NULL;
    s->n = 0;
}

void traffic_split_single(traffic_split *s, const char *version, const char *revision)
{
    memset(s, 0, sizeof(*s));
    s->entries = tt_calloc(1, sizeof(traffic_entry));
    s->entries[0].version = tt_strdup(version ? version : revision);
    s->entries[0].revision = revision ? tt_strdup(revision) : NULL;
    s->entries[0].percent = 100;
    s->n = 1;
}

/* "V=REST": splits at the first '='; false when there is none or a side
 * is empty. */
static bool split_word(const char *word, char **left, const char **right)
{
    const char *eq = strchr(word, '=');
    if (!eq || eq == word || !eq[1])
        return false;
    *left = tt_strndup(word, (size_t)(eq - word));
    *right = eq + 1;
    return true;
}

static traffic_entry *find(traffic_split *s, const char *version)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->entries[i].version, version) == 0)
            return &s->entries[i];
    return NULL;
}

static int parse_percent(const char *text, int *out)
{
    if (!*text || strspn(text, "0123456789") != strlen(text) || strlen(text) > 3)
        return -1;
    long v = strtol(text, NULL, 10);
    if (v > 100)
        return -1;
    *out = (int)v;
    return 0;
}

int traffic_split_parse(char *const *words, size_t n, char *const *tags, size_t n_tags,
                        traffic_split *out, tt_error *err)
{
    memset(out, 0, sizeof(*out));
    char msg[512];
    if (n == 0) {
        tt_error_set(err, TT_EINVAL,
                     "no split given: name each version and its percentage, e.g. 3=90 4=10");
        return -1;
    }
    out->entries = tt_calloc(n, sizeof(traffic_entry));
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        char *version = NULL;
        const char *pct;
        if (!split_word(words[i], &version, &pct)) {
            tt_error_set(err, TT_EINVAL, "'%s' is not VERSION=PERCENT (e.g. 4=10)", words[i]);
            return -1;
        }
        if (!release_check_dns_label("the version", version, msg, sizeof(msg))) {
            tt_error_set(err, TT_EINVAL, "'%s': %s", words[i], msg);
            free(version);
            return -1;
        }
        if (find(out, version)) {
            tt_error_set(err, TT_EINVAL, "version %s is named twice in the split", version);
            free(version);
            return -1;
        }
        traffic_entry *e = &out->entries[out->n++];
        e->version = version;
        if (parse_percent(pct, &e->percent) < 0) {
            tt_error_set(err, TT_EINVAL, "'%s': the percentage must be a whole number from 0 to 100",
                         words[i]);
            return -1;
        }
        sum += e->percent;
    }
    if (sum != 100) {
        tt_buf b = TT_BUF_INIT;
        for (size_t i = 0; i < out->n; i++)
            tt_buf_printf(&b, "%s%s=%d", i ? ", " : "", out->entries[i].version,
                          out->entries[i].percent);
        tt_error_set(err, TT_EINVAL, "the percentages add up to %d, not 100 (%s)", sum, b.data);
        tt_buf_free(&b);
        return -1;
    }
    for (size_t i = 0; i < n_tags; i++) {
        char *version = NULL;
        const char *tag;
        if (!split_word(tags[i], &version, &tag)) {
            tt_error_set(err, TT_EINVAL, "--tag '%s' is not VERSION=TAG (e.g. 4=canary)", tags[i]);
            return -1;
        }
        traffic_entry *e = find(out, version);
        if (!e) {
            tt_error_set(err, TT_EINVAL, "--tag %s: version %s is not in the split (give it, with 0 "
                         "for a tag without traffic, e.g. %s=0)",
                         tags[i], version, version);
            free(version);
            return -1;
        }
        free(version);
        if (!release_check_dns_label("the tag", tag, msg, sizeof(msg))) {
            tt_error_set(err, TT_EINVAL, "--tag %s: %s", tags[i], msg);
            return -1;
        }
        if (e->tag) {
            tt_error_set(err, TT_EINVAL, "--tag %s: version %s already has tag %s", tags[i],
                         e->version, e->tag);
            return -1;
        }
        for (size_t j = 0; j < out->n; j++)
            if (out->entries[j].tag && strcmp(out->entries[j].tag, tag) == 0) {
                tt_error_set(err, TT_EINVAL, "--tag %s: tag %s is given twice", tags[i], tag);
                return -1;
            }
        e->tag = tt_strdup(tag);
    }
    return 0;
}

char *traffic_entry_revision(const char *service, const traffic_entry *e)
{
    return e->revision ? tt_strdup(e->revision) : tt_asprintf("%s-%s", service, e->version);
}

json_t *traffic_patch(const char *service, const traffic_split *s)
{
    json_t *list = json_array();
    for (size_t i = 0; i < s->n; i++) {
        const traffic_entry *e = &s->entries[i];
        char *rev = traffic_entry_revision(service, e);
        json_t *o = json_pack("{s:s, s:i}", "revisionName", rev, "percent", e->percent);
        if (e->tag)
            json_object_set_new(o, "tag", json_string(e->tag));
        json_array_append_new(list, o);
        free(rev);
    }
    return json_pack("{s:{s:o}}", "spec", "traffic", list);
}

static void describe_entry(tt_buf *b, const char *version, long long percent, const char *tag)
{
    tt_buf_printf(b, "%s%s:%lld%%", b->len ? " " : "", version, percent);
    if (tag)
        tt_buf_printf(b, " (tag %s)", tag);
}

char *traffic_describe(const json_t *ksvc, const char *service)
{
    const json_t *list = json_object_get(json_object_get(ksvc, "status"), "traffic");
    if (!json_array_size(list))
        list = json_object_get(json_object_get(ksvc, "spec"), "traffic");
    tt_buf b = TT_BUF_INIT;
    size_t i;
    const json_t *e;
    json_array_foreach(list, i, e) {
        const char *rev = json_string_value(json_object_get(e, "revisionName"));
        const char *tag = json_string_value(json_object_get(e, "tag"));
        long long pct = json_integer_value(json_object_get(e, "percent"));
        bool latest = json_is_true(json_object_get(e, "latestRevision")) || !rev;
        describe_entry(&b, latest ? "latest" : fleet_version_of(rev, service), pct, tag);
    }
    return b.data ? tt_buf_steal(&b) : tt_strdup("-");
}

char *traffic_split_describe(const traffic_split *s)
{
    tt_buf b = TT_BUF_INIT;
    for (size_t i = 0; i < s->n; i++)
        describe_entry(&b, s->entries[i].version, s->entries[i].percent, s->entries[i].tag);
    return b.data ? tt_buf_steal(&b) : tt_strdup("-");
}

bool traffic_split_in_effect(const json_t *ksvc, const char *service, const traffic_split *s)
{
    const json_t *list = json_object_get(json_object_get(ksvc, "spec"), "traffic");
    size_t matched = 0, i;
    const json_t *e;
    json_array_foreach(list, i, e) {
        const char *rev = json_string_value(json_object_get(e, "revisionName"));
        long long pct = json_integer_value(json_object_get(e, "percent"));
        const char *tag = json_string_value(json_object_get(e, "tag"));
        const traffic_entry *want = NULL;
        for (size_t k = 0; rev && k < s->n && !want; k++) {
            char *name = traffic_entry_revision(service, &s->entries[k]);
            if (strcmp(name, rev) == 0)
                want = &s->entries[k];
            free(name);
        }
        if (!want) {
            if (pct > 0 || tag)
                return false; /* an entry the split does not have */
            continue;
        }
        if (pct != want->percent || !tt_streq(tag, want->tag))
            return false;
        matched++;
    }
    return matched == s->n;
}
