/*
 * The fleet's string set (core/fleet_internal.h): what a relist saw
 * ("namespace/name" keys) and every image named, each kept once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_internal.h"
#include "tt_common.h"

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
    for (size_t i = 0; i < s->cap; i++)
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
