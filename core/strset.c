/* A string hash set (open addressing, FNV-1a) and a string pool over
 * it: see strset.h. */
#include "strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tt_common.h"

struct strset {
    char **slots;
    size_t cap; /* power of two */
    size_t n;
    bool borrowed; /* the keys belong to a strpool */
};

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

void strset_free(strset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap && !s->borrowed; i++)
        free(s->slots[i]);
    free(s->slots);
    free(s);
}

strset *strset_new(void)
{
    strset *s = tt_calloc(1, sizeof *s);
    s->cap = 64;
    s->slots = tt_calloc(s->cap, sizeof *s->slots);
    return s;
}

/* The set's own copy of key, or NULL. */
const char *strset_get(const strset *s, const char *key)
{
    size_t i = str_hash(key) & (s->cap - 1);
    while (s->slots[i]) {
        if (strcmp(s->slots[i], key) == 0)
            return s->slots[i];
        i = (i + 1) & (s->cap - 1);
    }
    return NULL;
}

bool strset_has(const strset *s, const char *key)
{
    return strset_get(s, key) != NULL;
}

void strset_insert_owned(strset *s, char *key)
{
    size_t i = str_hash(key) & (s->cap - 1);
    while (s->slots[i]) {
        if (strcmp(s->slots[i], key) == 0) {
            if (!s->borrowed)
                free(key);
            return;
        }
        i = (i + 1) & (s->cap - 1);
    }
    s->slots[i] = key;
    s->n++;
    if (s->n * 2 > s->cap) {
        char **old = s->slots;
        size_t old_cap = s->cap;
        s->cap *= 2;
        s->slots = tt_calloc(s->cap, sizeof *s->slots);
        s->n = 0;
        for (size_t j = 0; j < old_cap; j++)
            if (old[j])
                strset_insert_owned(s, old[j]);
        free(old);
    }
}

/* ---- the pool ------------------------------------------------------------- */

#define POOL_BLOCK ((size_t)64 * 1024)

struct strpool {
    strset *set;   /* borrowed keys: the text is in the blocks */
    char **blocks;
    size_t n_blocks;
    size_t bytes;  /* of all blocks */
    size_t used;   /* of the last block */
};

strpool *strpool_new(void)
{
    strpool *p = tt_calloc(1, sizeof *p);
    p->set = strset_new();
    p->set->borrowed = true;
    p->used = POOL_BLOCK; /* no block yet */
    return p;
}

void strpool_free(strpool *p)
{
    if (!p)
        return;
    strset_free(p->set);
    for (size_t i = 0; i < p->n_blocks; i++)
        free(p->blocks[i]);
    free(p->blocks);
    free(p);
}

const char *strpool_intern(strpool *p, const char *s)
{
    if (!s)
        return NULL;
    const char *have = strset_get(p->set, s);
    if (have)
        return have;
    size_t len = strlen(s) + 1;
    char *copy;
    p->blocks = tt_realloc(p->blocks, (p->n_blocks + 1) * sizeof *p->blocks);
    if (len > POOL_BLOCK / 4) {
        /* a long one gets a block of its own, kept before the last so
         * that the last stays the one being filled */
        copy = tt_malloc(len);
        p->bytes += len;
        if (p->n_blocks) {
            p->blocks[p->n_blocks] = p->blocks[p->n_blocks - 1];
            p->blocks[p->n_blocks - 1] = copy;
        } else {
            p->blocks[0] = copy;
        }
        p->n_blocks++;
    } else {
        if (p->used + len > POOL_BLOCK) {
            p->blocks[p->n_blocks++] = tt_malloc(POOL_BLOCK);
            p->bytes += POOL_BLOCK;
            p->used = 0;
        }
        copy = p->blocks[p->n_blocks - 1] + p->used;
        p->used += len;
    }
    memcpy(copy, s, len);
    strset_insert_owned(p->set, copy);
    return copy;
}

size_t strpool_bytes(const strpool *p)
{
    return p ? p->bytes : 0;
}
