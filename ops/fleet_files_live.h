/*
 * Inside ops/: the live models' index and one service's values as text,
 * shared by the comparison (fleet_files.c) and the export
 * (fleet_export.c). Not for use outside ops/.
 */
#ifndef OPS_FLEET_FILES_LIVE_H
#define OPS_FLEET_FILES_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <jansson.h>

#include "fleet_files.h"

enum { SVC_STREAM = 0, SVC_VALIDATE = 1 };
static const char *const SVC_NAMES[2] = {"stream", "validate"};

typedef struct live_model {
    const char *name;      /* borrowed from the objects */
    const json_t *ksvc[2]; /* stream, validate */
    const json_t *ing[2];  /* route-stream, route-validate */
} live_model;

struct ops_live_models {
    live_model *m;
    size_t n;
    json_t *owned[2]; /* the lists the index borrows from, when loaded here */
};

static inline const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static inline const char *meta(const json_t *o, const char *k)
{
    return jstr(json_object_get(o, "metadata"), k);
}

/* One service's values as text, for comparison and words. Owned strings;
 * NULL = absent. */
typedef struct svc_facts {
    char *version, *image, *entrypoint, *keys, *min_scale, *max_scale, *concurrency;
    char *resources; /* compact JSON, keys sorted; the effective value */
    char *paths;     /* comma-separated */
    char *traffic;   /* "3:90%, 4:10%", sorted by version */
} svc_facts;

#define N_FACTS 10
static const char *const FACT_WORDS[N_FACTS] = {
    "version",  "image",       "entry point", "legacy API-key auth", "minScale",
    "maxScale", "concurrency", "resources",   "paths",               "traffic",
};

static inline char **fact_slot(svc_facts *f, size_t i)
{
    char **slots[N_FACTS] = {&f->version,   &f->image,       &f->entrypoint, &f->keys,
                             &f->min_scale, &f->max_scale,   &f->concurrency,
                             &f->resources, &f->paths,       &f->traffic};
    return slots[i];
}

#define DEFAULT_RESOURCES "{\"requests\":{\"cpu\":\"7\",\"memory\":\"5G\"}}"

static inline char *json_text(const json_t *v)
{
    return v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
}

typedef struct tag_pct {
    char *tag;
    long percent;
} tag_pct;

/* The version a revision name stands for in this service, or NULL. */
static inline const char *version_of(const char *svc, const char *rev)
{
    size_t n = strlen(svc);
    if (!rev || strncmp(rev, svc, n) != 0 || rev[n] != '-' || !rev[n + 1])
        return NULL;
    return rev + n + 1;
}

static inline const json_t *template_of(const json_t *ksvc)
{
    return json_object_get(json_object_get(ksvc, "spec"), "template");
}

static inline const char *scale_of(const json_t *ann, const char *hyphen, const char *camel)
{
    const char *v = jstr(ann, hyphen);
    return v ? v : jstr(ann, camel);
}

/* Service s of m (SVC_STREAM, SVC_VALIDATE) as facts; all NULL when the
 * service is absent. Clear with ops_facts_clear. */
void ops_live_facts(const live_model *m, int s, svc_facts *f);
void ops_facts_clear(svc_facts *f);
/* Live traffic entries (spec.traffic, percent > 0) as versions;
 * tmpl_version stands for latestRevision. *n gets the count; *foreign is
 * set when one names a revision of another service (kept by its name).
 * Free the tags and the array. */
tag_pct *ops_live_traffic(const json_t *ksvc, const char *svc, const char *tmpl_version,
                          size_t *n, bool *foreign);
/* The paths of an Ingress's rules, in order. New reference. */
json_t *ops_ingress_paths(const json_t *ing);

#endif
