/*
 * Inside core/ only: what the fleet's files share. fleet.c owns the store
 * (struct fleet: applying objects, relists, lookups); fleet_strset.c the
 * string set it remembers names and images in; fleet_query.c the
 * questions asked of a model; fleet_json.c time and condition helpers and
 * the `status -o json` output.
 */
#ifndef FLEET_INTERNAL_H
#define FLEET_INTERNAL_H

#include <stdbool.h>
#include <string.h>

/* A set of strings it owns (open addressing, FNV-1a). */
typedef struct strset {
    char **slots;
    size_t cap; /* power of two */
    size_t n;
    bool borrowed; /* the keys belong to someone else (a strpool) */
} strset;

strset *strset_new(void);
void strset_free(strset *s);
/* The set's own copy of key, or NULL. */
const char *strset_get(const strset *s, const char *key);
bool strset_has(const strset *s, const char *key);
/* Takes key (freed at once when already there). */
void strset_insert_owned(strset *s, char *key);

/* Strings kept once each until the pool is freed, packed into 64 KiB
 * blocks: 200,000 image names (one per revision at 5,000 models) cost
 * their text, not a malloc chunk each. */
typedef struct strpool strpool;
strpool *strpool_new(void);
void strpool_free(strpool *p);
/* The pool's one copy of s (NULL for NULL), stable until strpool_free. */
const char *strpool_intern(strpool *p, const char *s);

/* "stream-12" -> "12" for service "stream"; the whole name otherwise. */
static inline const char *fleet_version_of(const char *revision, const char *service)
{
    size_t plen = strlen(service);
    if (strncmp(revision, service, plen) == 0 && revision[plen] == '-' && revision[plen + 1])
        return revision + plen + 1;
    return revision;
}

#endif
