/*
 * A set of strings by value (the fleet remembers with it what a relist
 * saw, and keeps one copy of each image name). Not thread-safe.
 */
#ifndef STRSET_H
#define STRSET_H

#include <stdbool.h>

typedef struct strset strset;

strset *strset_new(void);
void strset_free(strset *s);
/* The set's own copy of key, or NULL. */
const char *strset_get(const strset *s, const char *key);
bool strset_has(const strset *s, const char *key);
/* Adds key, which the set takes over (freed by strset_free). */
void strset_insert_owned(strset *s, char *key);

#endif
