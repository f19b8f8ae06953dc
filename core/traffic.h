/*
 * Traffic splits of a Knative Service between its revisions, as
 * `ttstui traffic MODEL 3=90 4=10 --tag 4=canary` gives them: parsing and
 * checking the split, the merge patch of spec.traffic that sends it, and
 * the split a Service has now, in words. Pure: no I/O.
 */
#ifndef TRAFFIC_H
#define TRAFFIC_H

#include <jansson.h>
#include <stddef.h>

#include "tt_common.h"

typedef struct traffic_entry {
    char *version; /* "4": the revision is <service>-4 */
    int percent;   /* 0..100 */
    char *tag;     /* Knative tag (a URL of its own), or NULL */
    char *revision; /* a revision named whole (rollback --to-revision), else NULL */
} traffic_entry;

typedef struct traffic_split {
    traffic_entry *entries; /* in the order given */
    size_t n;
} traffic_split;

/*
 * Parses "VERSION=PERCENT" words (e.g. "3=90", "4=10") and "VERSION=TAG"
 * tags. Versions are DNS-label parts, each named once; percentages are
 * whole numbers from 0 to 100 adding up to exactly 100 (the error names
 * the sum and each entry); a tag names a version of the split and is a DNS
 * label, one per version and each tag once. 0 or -1 with err (TT_EINVAL).
 * Clear out with traffic_split_clear in both cases.
 */
int traffic_split_parse(char *const *words, size_t n, char *const *tags, size_t n_tags,
                        traffic_split *out, tt_error *err);
void traffic_split_clear(traffic_split *s);

/* The split with one version at 100% (a rollback), or with revision
 * (non-NULL) named whole. */
void traffic_split_single(traffic_split *s, const char *version, const char *revision);
/* The revision an entry names for service: <service>-<version>, or the
 * whole name it was given. Caller frees. */
char *traffic_entry_revision(const char *service, const traffic_entry *e);

/* The merge patch of a Service's spec.traffic sending split s to revisions
 * <service>-<version>. New reference. */
json_t *traffic_patch(const char *service, const traffic_split *s);

/* The split a Knative Service has (status.traffic, else spec.traffic) as
 * "3:90% 4:10% (tag canary)"; "latest:100%" for latestRevision entries;
 * "-" when none. Caller frees. */
char *traffic_describe(const json_t *ksvc, const char *service);
/* The same words for split s. Caller frees. */
char *traffic_split_describe(const traffic_split *s);

/* The Service sends exactly split s now (spec.traffic, same revisions,
 * percents and tags, no other entries with traffic). */
bool traffic_split_in_effect(const json_t *ksvc, const char *service, const traffic_split *s);

#endif
