/* How far the first lists have come, and final rows (see listing.h). */
#include "listing.h"

#include <string.h>

#include "strset.h"

void tui_listing_clear(tui_listing *l)
{
    for (int i = 0; i < TUI_LISTING_KINDS; i++)
        free(l->kinds[i].last_key);
    strset_free(l->namespaces);
    memset(l, 0, sizeof(*l));
    for (int i = 0; i < TUI_LISTING_KINDS; i++)
        l->kinds[i].remaining = -1;
}

static const char *meta_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(json_object_get(obj, "metadata"), key));
}

/* "namespace/name", or "name" for a cluster-scoped object. */
static char *storage_key(const json_t *obj)
{
    const char *ns = meta_str(obj, "namespace"), *name = meta_str(obj, "name");
    if (!name)
        return NULL;
    return ns && *ns ? tt_asprintf("%s/%s", ns, name) : tt_strdup(name);
}

bool tui_listing_note(tui_listing *l, const tui_fleet_batch *b)
{
    bool changed = false;
    /* The last item of each kind's list in this batch: only its key is kept. */
    const json_t *last[TUI_LISTING_KINDS] = {0};
    for (size_t i = 0; i < b->n; i++) {
        const tui_fleet_item *it = &b->items[i];
        if (it->op == TUI_FLEET_RESET) {
            tui_listing_clear(l);
            memset(last, 0, sizeof(last));
            changed = true;
            continue;
        }
        if ((unsigned)it->kind >= TUI_LISTING_KINDS)
            continue;
        tui_kind_listing *k = &l->kinds[it->kind];
        switch (it->op) {
        case TUI_FLEET_BEGIN_RELIST:
            k->listing = true;
            free(k->last_key);
            k->last_key = NULL;
            last[it->kind] = NULL;
            k->items = k->paged = 0;
            k->remaining = -1;
            changed = true;
            break;
        case TUI_FLEET_APPLY:
            if (k->listing) {
                k->items++;
                last[it->kind] = it->obj;
            }
            if (it->kind == FLEET_KIND_NAMESPACE && !l->kinds[FLEET_KIND_SERVICE].listed) {
                const char *name = meta_str(it->obj, "name");
                if (!l->namespaces)
                    l->namespaces = strset_new();
                if (name && !strset_has(l->namespaces, name))
                    strset_insert_owned(l->namespaces, tt_strdup(name));
            }
            break;
        case TUI_FLEET_PAGE:
            if (k->listing) {
                k->paged = k->items;
                k->remaining = it->number;
                changed = true;
            }
            break;
        case TUI_FLEET_SWEEP:
            k->listing = false;
            k->listed = true;
            changed = true;
            if (it->kind == FLEET_KIND_SERVICE) { /* no longer needed */
                strset_free(l->namespaces);
                l->namespaces = NULL;
            }
            break;
        default:
            break;
        }
    }
    for (int i = 0; i < TUI_LISTING_KINDS; i++) {
        char *key = last[i] ? storage_key(last[i]) : NULL;
        if (key) {
            free(l->kinds[i].last_key);
            l->kinds[i].last_key = key;
        }
    }
    return changed;
}

bool tui_listing_listed(const tui_listing *l, fleet_kind kind)
{
    return (unsigned)kind < TUI_LISTING_KINDS && l->kinds[kind].listed;
}

bool tui_listing_all_listed(const tui_listing *l)
{
    return tui_listing_listed(l, FLEET_KIND_SERVICE) && tui_listing_listed(l, FLEET_KIND_NAMESPACE) &&
           tui_listing_listed(l, FLEET_KIND_PIN);
}

bool tui_listing_key_past(const char *progress, const char *ns)
{
    if (!progress || !ns)
        return false;
    size_t t = strlen(ns);
    int c = strncmp(progress, ns, t);
    if (c != 0)
        return c > 0;
    return (unsigned char)progress[t] >= (unsigned char)'0'; /* progress >= ns + "0" */
}

/* The namespaces list is past name and had no namespace of that name. */
static bool no_namespace(const tui_listing *l, const char *name)
{
    const tui_kind_listing *n = &l->kinds[FLEET_KIND_NAMESPACE];
    bool past = n->listed || (n->listing && n->last_key && strcmp(n->last_key, name) >= 0);
    return past && !(l->namespaces && strset_has(l->namespaces, name));
}

bool tui_listing_model_final(const tui_listing *l, const char *model)
{
    const tui_kind_listing *s = &l->kinds[FLEET_KIND_SERVICE];
    const tui_kind_listing *n = &l->kinds[FLEET_KIND_NAMESPACE];
    if (!model || !l->kinds[FLEET_KIND_PIN].listed)
        return false;
    if (!n->listed && !(n->listing && n->last_key && strcmp(n->last_key, model) >= 0))
        return false;
    if (s->listed)
        return true;
    if (!s->listing || !tui_listing_key_past(s->last_key, model))
        return false;
    /* The prefixes that sort before it by name and after it by key. */
    char prefix[256];
    for (size_t k = 0; model[k] && k < sizeof(prefix); k++) {
        if ((unsigned char)model[k] >= (unsigned char)'/')
            continue;
        memcpy(prefix, model, k);
        prefix[k] = '\0';
        if (!tui_listing_key_past(s->last_key, prefix) && !no_namespace(l, prefix))
            return false;
    }
    return strlen(model) < sizeof(prefix); /* longer than any name: not judged */
}

bool tui_listing_model_revisions_in(const tui_listing *l, const char *model)
{
    static const fleet_kind kinds[] = {FLEET_KIND_SERVICE, FLEET_KIND_REVISION};
    if (!model)
        return false;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        const tui_kind_listing *k = &l->kinds[kinds[i]];
        if (!k->listed && !(k->listing && tui_listing_key_past(k->last_key, model)))
            return false;
    }
    return true;
}

long tui_listing_models_expected(const tui_listing *l, size_t models_now)
{
    const tui_kind_listing *s = &l->kinds[FLEET_KIND_SERVICE];
    if (!s->listing || s->remaining < 0 || !s->paged || !s->items)
        return -1;
    /* The items there will be (the last page's end plus what the server
     * said was left) per item so far, times the models so far. */
    double total = (double)s->paged + (double)s->remaining;
    long want = (long)((double)models_now * total / (double)s->items + 0.5);
    return want < (long)models_now ? (long)models_now : want;
}
