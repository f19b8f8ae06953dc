/*
 * The fleet model. Models live in an array of pointers sorted by name
 * (binary search; a model struct never moves while it exists). A
 * service's revisions are kept newest first, ordered by (created, name);
 * since a revision's creationTimestamp never changes, an update or delete
 * finds it by binary search on that key, so 200,000 revision applies cost
 * O(log r) each plus a short memmove. Namespaces are tracked separately
 * (a namespace alone is not a model) in a sorted array too. This file is
 * the store (objects applied from lists and watches, relists swept);
 * reading a Revision or a Service into its record, and the field masks
 * of every kind, are fleet_parse.c; what the views ask of a model is
 * fleet_query.c, the status JSON fleet_json.c.
 */
#include "fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet_priv.h"
#include "strset.h"
#include "tt_common.h"

/* The fleet's one copy of an image name (kept until fleet_free). */
const char *fleet_intern(fleet *f, const char *image)
{
    if (!image)
        return NULL;
    if (!f->images)
        f->images = strpool_new();
    return strpool_intern(f->images, image);
}

static int slot_of(const char *service)
{
    if (tt_streq(service, "stream"))
        return SLOT_STREAM;
    if (tt_streq(service, "validate"))
        return SLOT_VALIDATE;
    return SLOT_NONE;
}

static const char *slot_name(int slot)
{
    return slot == SLOT_STREAM ? "stream" : "validate";
}

static fleet_service *model_slot(fleet_model *m, int slot)
{
    return slot == SLOT_STREAM ? &m->stream : &m->validate;
}


/* Newest first: created descending, then name in descending version order. */
static int revision_order(long long created_a, const char *name_a, long long created_b,
                          const char *name_b)
{
    if (created_a != created_b)
        return created_a > created_b ? -1 : 1;
    return -strverscmp(name_a, name_b);
}

/* Index of the first revision not ordered before (created, name). */
static size_t revision_lower_bound(const fleet_service *s, long long created, const char *name)
{
    size_t lo = 0, hi = s->n_revisions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const fleet_revision *r = &s->revisions[mid];
        if (revision_order(r->created, r->name, created, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static long revision_find(const fleet_service *s, long long created, const char *name)
{
    size_t i = revision_lower_bound(s, created, name);
    if (i < s->n_revisions && tt_streq(s->revisions[i].name, name))
        return (long)i;
    /* The caller's timestamp may be missing (a bare delete): scan. */
    for (size_t j = 0; j < s->n_revisions; j++)
        if (tt_streq(s->revisions[j].name, name))
            return (long)j;
    return -1;
}

static void revision_remove_at(fleet_service *s, size_t i)
{
    fleet_revision_clear(&s->revisions[i]);
    memmove(&s->revisions[i], &s->revisions[i + 1],
            (s->n_revisions - i - 1) * sizeof *s->revisions);
    s->n_revisions--;
}

static void revision_insert(fleet_service *s, fleet_revision *r)
{
    size_t i = revision_lower_bound(s, r->created, r->name);
    s->revisions = tt_realloc(s->revisions, (s->n_revisions + 1) * sizeof *s->revisions);
    memmove(&s->revisions[i + 1], &s->revisions[i], (s->n_revisions - i) * sizeof *s->revisions);
    s->revisions[i] = *r;
    s->n_revisions++;
}

static int traffic_percent_for(const fleet_service *s, const char *revision)
{
    int sum = 0;
    for (size_t i = 0; i < s->n_traffic; i++)
        if (tt_streq(s->traffic[i].revision, revision))
            sum += s->traffic[i].percent;
    return sum;
}

static void service_refresh_traffic(fleet_service *s)
{
    for (size_t i = 0; i < s->n_revisions; i++)
        s->revisions[i].traffic_percent = traffic_percent_for(s, s->revisions[i].name);
}

/* ---- models ---------------------------------------------------------------- */

static size_t model_lower_bound(const fleet *f, const char *name)
{
    size_t lo = 0, hi = f->n_models;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(f->models[mid]->name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t ns_lower_bound(const fleet *f, const char *name)
{
    size_t lo = 0, hi = f->n_ns;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(f->ns[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const ns_state *ns_find(const fleet *f, const char *name)
{
    size_t i = ns_lower_bound(f, name);
    return i < f->n_ns && strcmp(f->ns[i].name, name) == 0 ? &f->ns[i] : NULL;
}

static void model_refresh_created(fleet_model *m)
{
    long long c = 0;
    const fleet_service *svcs[2] = {&m->stream, &m->validate};
    for (int i = 0; i < 2; i++)
        if (svcs[i]->present && svcs[i]->created && (c == 0 || svcs[i]->created < c))
            c = svcs[i]->created;
    m->created = c;
}

static fleet_model *model_get_or_create(fleet *f, const char *name)
{
    size_t i = model_lower_bound(f, name);
    if (i < f->n_models && strcmp(f->models[i]->name, name) == 0)
        return f->models[i];
    if (f->n_models == f->cap_models) {
        f->cap_models = f->cap_models ? f->cap_models * 2 : 16;
        f->models = tt_realloc(f->models, f->cap_models * sizeof *f->models);
    }
    fleet_model *m = tt_calloc(1, sizeof *m);
    m->name = tt_strdup(name);
    m->pinned_latest = tt_streq(f->pin, name);
    const ns_state *ns = ns_find(f, name);
    m->terminating = ns && ns->terminating;
    memmove(&f->models[i + 1], &f->models[i], (f->n_models - i) * sizeof *f->models);
    f->models[i] = m;
    f->n_models++;
    return m;
}

static void model_free(fleet_model *m)
{
    fleet_service_free(&m->stream);
    fleet_service_free(&m->validate);
    free(m->name);
    free(m);
}

/* Drops the model at index i if it no longer has a service or revision. */
static void model_drop_if_empty(fleet *f, size_t i)
{
    fleet_model *m = f->models[i];
    if (m->stream.present || m->validate.present || m->stream.n_revisions ||
        m->validate.n_revisions)
        return;
    model_free(m);
    memmove(&f->models[i], &f->models[i + 1], (f->n_models - i - 1) * sizeof *f->models);
    f->n_models--;
}

static long model_index(const fleet *f, const char *name)
{
    size_t i = model_lower_bound(f, name);
    if (i < f->n_models && strcmp(f->models[i]->name, name) == 0)
        return (long)i;
    return -1;
}

/* ---- apply ---------------------------------------------------------------- */

static void mark_seen(fleet *f, fleet_kind kind, const char *ns, const char *name)
{
    if (f->seen[kind])
        strset_insert_owned(f->seen[kind], tt_asprintf("%s/%s", ns ? ns : "", name));
}

static void apply_service(fleet *f, const json_t *obj, bool deleted)
{
    const char *ns = meta_str(obj, "namespace"), *name = meta_str(obj, "name");
    int slot = slot_of(name);
    if (!ns || slot == SLOT_NONE)
        return;
    if (deleted) {
        long i = model_index(f, ns);
        if (i < 0 || !model_slot(f->models[i], slot)->present)
            return;
        fleet_model *m = f->models[i];
        fleet_service_clear_fields(model_slot(m, slot));
        service_refresh_traffic(model_slot(m, slot));
        model_refresh_created(m);
        model_drop_if_empty(f, (size_t)i);
        f->generation++;
        return;
    }
    mark_seen(f, FLEET_KIND_SERVICE, ns, name);
    fleet_service fresh;
    fleet_service_parse(f, &fresh, obj);
    fleet_model *m = model_get_or_create(f, ns);
    fleet_service *s = model_slot(m, slot);
    if (fleet_service_fields_equal(s, &fresh)) {
        fleet_service_clear_fields(&fresh);
        return;
    }
    fleet_service_clear_fields(s);
    fresh.revisions = s->revisions;
    fresh.n_revisions = s->n_revisions;
    *s = fresh;
    service_refresh_traffic(s);
    model_refresh_created(m);
    f->generation++;
}

static void apply_revision(fleet *f, const json_t *obj, bool deleted)
{
    const char *ns = meta_str(obj, "namespace"), *name = meta_str(obj, "name");
    const json_t *labels = json_object_get(json_object_get(obj, "metadata"), "labels");
    const char *service = jstr(labels, "serving.knative.dev/service");
    int slot = slot_of(service);
    if (!ns || !name || slot == SLOT_NONE)
        return;
    if (deleted) {
        long mi = model_index(f, ns);
        if (mi < 0)
            return;
        fleet_service *s = model_slot(f->models[mi], slot);
        long long created = fleet_parse_rfc3339(meta_str(obj, "creationTimestamp"));
        long ri = revision_find(s, created, name);
        if (ri < 0)
            return;
        revision_remove_at(s, (size_t)ri);
        model_drop_if_empty(f, (size_t)mi);
        f->generation++;
        return;
    }
    mark_seen(f, FLEET_KIND_REVISION, ns, name);
    fleet_revision fresh;
    fleet_revision_parse(f, &fresh, obj, slot_name(slot));
    fleet_model *m = model_get_or_create(f, ns);
    fleet_service *s = model_slot(m, slot);
    fresh.traffic_percent = traffic_percent_for(s, fresh.name);
    long ri = revision_find(s, fresh.created, name); /* read once, by the parse */
    if (ri >= 0) {
        if (fleet_revision_equal(&s->revisions[ri], &fresh)) {
            fleet_revision_clear(&fresh);
            return;
        }
        revision_remove_at(s, (size_t)ri);
    }
    revision_insert(s, &fresh);
    f->generation++;
}

static void set_model_terminating(fleet *f, const char *name, bool terminating)
{
    long i = model_index(f, name);
    if (i >= 0)
        f->models[i]->terminating = terminating;
}

static void apply_namespace(fleet *f, const json_t *obj, bool deleted)
{
    const char *name = meta_str(obj, "name");
    if (!name)
        return;
    size_t i = ns_lower_bound(f, name);
    bool exists = i < f->n_ns && strcmp(f->ns[i].name, name) == 0;
    if (deleted) {
        if (!exists)
            return;
        free(f->ns[i].name);
        memmove(&f->ns[i], &f->ns[i + 1], (f->n_ns - i - 1) * sizeof *f->ns);
        f->n_ns--;
        set_model_terminating(f, name, false);
        f->generation++;
        return;
    }
    mark_seen(f, FLEET_KIND_NAMESPACE, NULL, name);
    bool terminating = tt_streq(jstr(json_object_get(obj, "status"), "phase"), "Terminating") ||
                       meta_str(obj, "deletionTimestamp") != NULL;
    if (exists) {
        if (f->ns[i].terminating == terminating)
            return;
        f->ns[i].terminating = terminating;
    } else {
        if (f->n_ns == f->cap_ns) {
            f->cap_ns = f->cap_ns ? f->cap_ns * 2 : 16;
            f->ns = tt_realloc(f->ns, f->cap_ns * sizeof *f->ns);
        }
        memmove(&f->ns[i + 1], &f->ns[i], (f->n_ns - i) * sizeof *f->ns);
        f->ns[i].name = tt_strdup(name);
        f->ns[i].terminating = terminating;
        f->n_ns++;
    }
    set_model_terminating(f, name, terminating);
    f->generation++;
}

static void set_pin(fleet *f, const char *model)
{
    if (tt_streq(f->pin, model))
        return;
    if (f->pin) {
        long i = model_index(f, f->pin);
        if (i >= 0)
            f->models[i]->pinned_latest = false;
    }
    free(f->pin);
    f->pin = tt_strdup(model);
    if (f->pin) {
        long i = model_index(f, f->pin);
        if (i >= 0)
            f->models[i]->pinned_latest = true;
    }
    f->generation++;
}

static void apply_pin(fleet *f, const json_t *obj, bool deleted)
{
    if (!tt_streq(meta_str(obj, "name"), PIN_NAME))
        return;
    if (deleted) {
        set_pin(f, NULL);
        return;
    }
    f->pin_seen = true;
    set_pin(f, jstr(json_object_get(obj, "config"), "latest_version"));
}

void fleet_apply(fleet *f, fleet_kind kind, const json_t *obj, bool deleted)
{
    if (!f || !json_is_object(obj))
        return;
    switch (kind) {
    case FLEET_KIND_SERVICE: apply_service(f, obj, deleted); break;
    case FLEET_KIND_REVISION: apply_revision(f, obj, deleted); break;
    case FLEET_KIND_NAMESPACE: apply_namespace(f, obj, deleted); break;
    case FLEET_KIND_PIN: apply_pin(f, obj, deleted); break;
    }
}

/* ---- relist -------------------------------------------------------------- */

void fleet_begin_relist(fleet *f, fleet_kind kind)
{
    if (!f || (unsigned)kind >= N_KINDS)
        return;
    strset_free(f->seen[kind]);
    f->seen[kind] = strset_new();
    if (kind == FLEET_KIND_PIN)
        f->pin_seen = false;
}

static bool seen(const strset *s, const char *ns, const char *name)
{
    char *key = tt_asprintf("%s/%s", ns, name);
    bool r = strset_has(s, key);
    free(key);
    return r;
}

static void sweep_models(fleet *f, fleet_kind kind)
{
    const strset *s = f->seen[kind];
    for (size_t i = f->n_models; i-- > 0;) {
        fleet_model *m = f->models[i];
        bool changed = false;
        for (int slot = SLOT_STREAM; slot <= SLOT_VALIDATE; slot++) {
            fleet_service *svc = model_slot(m, slot);
            if (kind == FLEET_KIND_SERVICE) {
                if (svc->present && !seen(s, m->name, slot_name(slot))) {
                    fleet_service_clear_fields(svc);
                    service_refresh_traffic(svc);
                    changed = true;
                }
                continue;
            }
            for (size_t r = svc->n_revisions; r-- > 0;) {
                if (!seen(s, m->name, svc->revisions[r].name)) {
                    revision_remove_at(svc, r);
                    changed = true;
                }
            }
        }
        if (changed) {
            model_refresh_created(m);
            f->generation++;
            model_drop_if_empty(f, i);
        }
    }
}

void fleet_sweep(fleet *f, fleet_kind kind)
{
    if (!f || (unsigned)kind >= N_KINDS || !f->seen[kind])
        return;
    switch (kind) {
    case FLEET_KIND_SERVICE:
    case FLEET_KIND_REVISION:
        sweep_models(f, kind);
        break;
    case FLEET_KIND_NAMESPACE:
        for (size_t i = f->n_ns; i-- > 0;) {
            if (seen(f->seen[kind], "", f->ns[i].name))
                continue;
            set_model_terminating(f, f->ns[i].name, false);
            free(f->ns[i].name);
            memmove(&f->ns[i], &f->ns[i + 1], (f->n_ns - i - 1) * sizeof *f->ns);
            f->n_ns--;
            f->generation++;
        }
        break;
    case FLEET_KIND_PIN:
        if (!f->pin_seen)
            set_pin(f, NULL);
        break;
    }
    strset_free(f->seen[kind]);
    f->seen[kind] = NULL;
}

/* ---- lifecycle and queries ------------------------------------------------- */

fleet *fleet_new(void)
{
    return tt_calloc(1, sizeof(fleet));
}

void fleet_free(fleet *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_models; i++)
        model_free(f->models[i]);
    free(f->models);
    for (size_t i = 0; i < f->n_ns; i++)
        free(f->ns[i].name);
    free(f->ns);
    for (int k = 0; k < N_KINDS; k++)
        strset_free(f->seen[k]);
    strpool_free(f->images);
    free(f->pin);
    free(f);
}

size_t fleet_model_count(const fleet *f)
{
    return f ? f->n_models : 0;
}

const fleet_model *fleet_model_at(const fleet *f, size_t i)
{
    return f && i < f->n_models ? f->models[i] : NULL;
}

const fleet_model *fleet_find(const fleet *f, const char *model)
{
    if (!f || !model)
        return NULL;
    long i = model_index(f, model);
    return i >= 0 ? f->models[i] : NULL;
}

const fleet_service *fleet_model_service(const fleet_model *m, const char *service)
{
    if (!m)
        return NULL;
    int slot = slot_of(service);
    if (slot == SLOT_NONE)
        return NULL;
    return slot == SLOT_STREAM ? &m->stream : &m->validate;
}

uint64_t fleet_generation(const fleet *f)
{
    return f ? f->generation : 0;
}

const char *fleet_pinned_model(const fleet *f)
{
    return f ? f->pin : NULL;
}

/* ---- streaming status ------------------------------------------------------ */

void fleet_forget_model_at(fleet *f, size_t i)
{
    if (!f || i >= f->n_models)
        return;
    model_free(f->models[i]);
    memmove(&f->models[i], &f->models[i + 1], (f->n_models - i - 1) * sizeof *f->models);
    f->n_models--;
    f->generation++;
}

void fleet_clear_revisions(fleet *f)
{
    if (!f)
        return;
    for (size_t i = f->n_models; i-- > 0;) {
        fleet_model *m = f->models[i];
        for (int slot = SLOT_STREAM; slot <= SLOT_VALIDATE; slot++) {
            fleet_service *s = model_slot(m, slot);
            for (size_t r = 0; r < s->n_revisions; r++)
                fleet_revision_clear(&s->revisions[r]);
            free(s->revisions);
            s->revisions = NULL;
            s->n_revisions = 0;
        }
        model_drop_if_empty(f, i);
    }
    f->generation++;
}

bool fleet_namespace_known(const fleet *f, const char *name)
{
    return f && name && (ns_find(f, name) || model_index(f, name) >= 0);
}

size_t fleet_string_bytes(const fleet *f)
{
    return f ? strpool_bytes(f->images) : 0;
}

/* Every pooled string the models point at, moved to a new pool: what only
 * forgotten models named is gone with the old one. */
void fleet_compact_strings(fleet *f)
{
    if (!f || !f->images)
        return;
    strpool *old = f->images;
    f->images = NULL;
    for (size_t i = 0; i < f->n_models; i++) {
        fleet_model *m = f->models[i];
        for (int slot = SLOT_STREAM; slot <= SLOT_VALIDATE; slot++) {
            fleet_service *s = model_slot(m, slot);
            s->template_image = fleet_intern(f, s->template_image);
            s->template_entrypoint = fleet_intern(f, s->template_entrypoint);
            s->rollout_duration = fleet_intern(f, s->rollout_duration);
            for (size_t r = 0; r < s->n_revisions; r++) {
                fleet_revision *rev = &s->revisions[r];
                size_t at = (size_t)(rev->version - rev->name);
                rev->name = (char *)fleet_intern(f, rev->name);
                rev->version = rev->name + at;
                s->revisions[r].image = fleet_intern(f, s->revisions[r].image);
                s->revisions[r].image_digest = fleet_intern(f, s->revisions[r].image_digest);
            }
        }
    }
    strpool_free(old);
}
