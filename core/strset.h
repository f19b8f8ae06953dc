/*
 * A set of strings by value (the fleet remembers with it what a relist
 * saw), and a pool over one (the fleet keeps one copy of each image name
 * in it). Not thread-safe.
 */
#ifndef STRSET_H
#define STRSET_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strset strset;

strset *strset_new(void);
void strset_free(strset *s);
/* The set's own copy of key, or NULL. */
const char *strset_get(const strset *s, const char *key);
bool strset_has(const strset *s, const char *key);
/* Adds key, which the set takes over (freed by strset_free). */
void strset_insert_owned(strset *s, char *key);

/* Strings kept once each until the pool is freed, packed into 64 KiB
 * blocks: 100,000 distinct image names (5,000 models) cost their text,
 * not a malloc chunk each. */
typedef struct strpool strpool;
strpool *strpool_new(void);
void strpool_free(strpool *p);
/* The pool's one copy of s (NULL for NULL), stable until strpool_free. */
const char *strpool_intern(strpool *p, const char *s);
/* Bytes the pool's blocks take (0 for NULL). */
size_t strpool_bytes(const strpool *p);

#endif
