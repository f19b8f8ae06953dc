/*
 * Fault knobs for ttstui's fault-matrix tests (tests/faults/), each off by
 * default so the server behaves as before:
 *   --forbid-cluster-list  lists and watches of namespaced resources across
 *                          all namespaces answer 403 Forbidden (a user with
 *                          RoleBindings in some namespaces only)
 *   --ssa-conflicts        server-side apply without force answers 409 when
 *                          another field manager owns a field the apply
 *                          would change; with force the applier takes the
 *                          fields over
 *   --fail-kind KIND       writes (not dry runs) of objects of KIND answer
 *                          500, so an apply fails part way
 *   --stuck-namespaces     a deleted namespace stays Terminating for ever
 *                          (content with a finalizer that never clears)
 *   --stall-kind KIND      a write of KIND (not a dry run) is stored, then its
 *                          answer is held for --stall-ms (default 40 s):
 *                          the client times out on a change that was made;
 *                          with --stall-before-store the write is held
 *                          first and then answered 504 without being
 *                          stored (a change that was not made)
 *   --hold-list-pages      a list's pages after the first (requests with a
 *                          continue token) are held until POST
 *                          /debug/release-lists, so a test sees a client
 *                          between its first page and the rest for as long
 *                          as it needs (GET /debug/requests counts them
 *                          as "held")
 *   --hold-reads           every GET and HEAD waits until POST
 *                          /debug/release-reads; POST /debug/hold-reads
 *                          holds them again (counted as "held" too)
 *   --fail-reads           (with --fail-rate) only GET and HEAD fail;
 *                          --fail-seed N fixes the sequence of failures
 */
#include "dc.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

bool dc_fault_forbidden_list(dc_resource *r, const char *ns, bool watch, dc_fail *f)
{
    if (!g_cfg.forbid_cluster_list || !r->namespaced || (ns && *ns))
        return false;
    dc_fail_set(f, 403, "Forbidden",
                "%s is forbidden: User \"demo\" cannot %s resource \"%s\" in API group \"%s\" "
                "at the cluster scope",
                dc_resource_qualified(r), watch ? "watch" : "list", r->plural, r->group);
    f->details = json_pack("{s:s, s:s}", "group", r->group, "kind", r->plural);
    return true;
}

bool dc_fault_failed_write(dc_resource *r, bool dry_run, dc_fail *f)
{
    if (!g_cfg.fail_kind || dry_run || strcmp(g_cfg.fail_kind, r->kind) != 0)
        return false;
    dc_fail_set(f, 500, "InternalError",
                "Internal error occurred: injected failure for %s writes (--fail-kind)", r->kind);
    return true;
}

/* ---- server-side apply conflicts ------------------------------------------- */

typedef struct conflict {
    const char *manager; /* borrowed from the stored object */
    const char *api_version;
    char field[512];
} conflict;

typedef struct conflicts {
    conflict items[32];
    size_t n;
} conflicts;

/* The fieldsV1 node at the path (keys "f:a", "f:b" ...), or NULL. */
static json_t *owned_node(json_t *fields, char *const *path, size_t depth)
{
    json_t *node = fields;
    for (size_t i = 0; node && i < depth; i++) {
        char key[300];
        snprintf(key, sizeof key, "f:%s", path[i]);
        node = json_object_get(node, key);
    }
    return node;
}

static void note_owners(json_t *old_obj, const char *manager, char *const *path, size_t depth,
                        conflicts *out)
{
    size_t i;
    json_t *e;
    json_array_foreach(dc_jget(old_obj, "metadata.managedFields"), i, e) {
        const char *m = dc_jstr(e, "manager");
        if (!m || tt_streq(m, manager) || out->n >= TT_ARRAY_LEN(out->items))
            continue;
        if (!owned_node(json_object_get(e, "fieldsV1"), path, depth))
            continue;
        conflict *c = &out->items[out->n++];
        c->manager = m;
        c->api_version = dc_jstr(e, "apiVersion");
        c->field[0] = '\0';
        for (size_t k = 0; k < depth; k++) {
            size_t len = strlen(c->field);
            snprintf(c->field + len, sizeof c->field - len, ".%s", path[k]);
        }
    }
}

/* Leaves of applied whose value differs from old's (arrays are atomic). */
static void walk(json_t *applied, json_t *old, json_t *old_obj, const char *manager,
                 char **path, size_t depth, conflicts *out)
{
    const char *k;
    json_t *av;
    json_object_foreach(applied, k, av) {
        if (depth == 0 && (!strcmp(k, "apiVersion") || !strcmp(k, "kind") || !strcmp(k, "status")))
            continue;
        if (depth == 1 && !strcmp(path[0], "metadata") &&
            (!strcmp(k, "name") || !strcmp(k, "namespace") || !strcmp(k, "resourceVersion") ||
             !strcmp(k, "managedFields") || !strcmp(k, "uid")))
            continue;
        json_t *ov = json_object_get(old, k);
        if (!ov || depth >= 15)
            continue;
        path[depth] = (char *)k;
        if (json_is_object(av) && json_is_object(ov))
            walk(av, ov, old_obj, manager, path, depth + 1, out);
        else if (!json_equal(av, ov))
            note_owners(old_obj, manager, path, depth + 1, out);
    }
}

bool dc_fault_apply_conflicts(json_t *old_obj, json_t *applied, const char *manager, bool force,
                              dc_fail *f)
{
    if (!g_cfg.ssa_conflicts || force || !old_obj)
        return false;
    conflicts cs = {0};
    char *path[16];
    walk(applied, old_obj, old_obj, manager, path, 0, &cs);
    if (cs.n == 0)
        return false;
    /* "Apply failed with 1 conflict: conflict with "m" using v: .a.b", or
     * per manager "conflicts with "m" using v:\n- .a\n- .b" */
    tt_buf b = TT_BUF_INIT;
    tt_buf_printf(&b, "Apply failed with %zu conflict%s: ", cs.n, cs.n == 1 ? "" : "s");
    json_t *causes = json_array();
    bool done[32] = {false};
    for (size_t i = 0; i < cs.n; i++) {
        if (done[i])
            continue;
        size_t same = 0;
        for (size_t j = i; j < cs.n; j++)
            same += tt_streq(cs.items[j].manager, cs.items[i].manager);
        if (i > 0)
            tt_buf_puts(&b, "\n");
        tt_buf_printf(&b, "conflict%s with \"%s\" using %s:", same == 1 ? "" : "s",
                      cs.items[i].manager, cs.items[i].api_version ? cs.items[i].api_version : "v1");
        for (size_t j = i; j < cs.n; j++) {
            if (!tt_streq(cs.items[j].manager, cs.items[i].manager))
                continue;
            done[j] = true;
            tt_buf_printf(&b, same == 1 ? " %s" : "\n- %s", cs.items[j].field);
            char *msg = tt_asprintf("conflict with \"%s\" using %s", cs.items[j].manager,
                                    cs.items[j].api_version ? cs.items[j].api_version : "v1");
            json_array_append_new(causes, json_pack("{s:s, s:s, s:s}", "reason",
                                                    "FieldManagerConflict", "message", msg,
                                                    "field", cs.items[j].field));
            free(msg);
        }
    }
    dc_fail_set(f, 409, "Conflict", "%s", b.data);
    tt_buf_free(&b);
    f->details = json_pack("{s:o}", "causes", causes);
    return true;
}

/* ---- namespaces that never finish terminating ------------------------------------ */

json_t *dc_fault_stuck_namespace(json_t *ns_obj)
{
    dc_jset(ns_obj, "status.conditions",
            json_pack("[{s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}]",
                      "type", "NamespaceContentRemaining", "status", "True",
                      "lastTransitionTime", dc_now_rfc3339(), "reason", "SomeResourcesRemain",
                      "message", "Some resources are remaining: configmaps. has 1 resource instances",
                      "type", "NamespaceFinalizersRemaining", "status", "True",
                      "lastTransitionTime", dc_now_rfc3339(), "reason", "SomeFinalizersRemain",
                      "message", "Some content in the namespace has finalizers remaining: demo.example.com/never in 1 resource instances"));
    return ns_obj;
}

/* ---- force=true takes the fields over ------------------------------------------------ */

/* Removes the fieldsV1 node at path from fields; true when it was there. */
static bool drop_owned(json_t *fields, char *const *path, size_t depth)
{
    json_t *parent = owned_node(fields, path, depth - 1);
    char key[300];
    snprintf(key, sizeof key, "f:%s", path[depth - 1]);
    return parent && json_object_del(parent, key) == 0;
}

static void release_walk(json_t *applied, json_t *entry_fields, char **path, size_t depth,
                         bool *changed)
{
    const char *k;
    json_t *av;
    json_object_foreach(applied, k, av) {
        if (depth == 0 && (!strcmp(k, "apiVersion") || !strcmp(k, "kind") || !strcmp(k, "status")))
            continue;
        if (depth >= 15)
            continue;
        path[depth] = (char *)k;
        if (json_is_object(av) && json_object_size(av) > 0)
            release_walk(av, entry_fields, path, depth + 1, changed);
        else if (drop_owned(entry_fields, path, depth + 1))
            *changed = true;
    }
}

void dc_fault_release_fields(json_t *obj, json_t *applied, const char *manager)
{
    if (!g_cfg.ssa_conflicts)
        return;
    json_t *mf = dc_jget(obj, "metadata.managedFields");
    size_t i;
    json_t *e;
    json_array_foreach(mf, i, e) {
        if (tt_streq(dc_jstr(e, "manager"), manager))
            continue;
        /* entries may be shared with the stored (immutable) object: work on a copy */
        json_t *copy = json_deep_copy(e);
        char *path[16];
        bool changed = false;
        release_walk(applied, json_object_get(copy, "fieldsV1"), path, 0, &changed);
        if (changed)
            json_array_set(mf, i, copy);
        json_decref(copy);
    }
}

/* ---- answers held after the write was stored ----------------------------- */

static bool stalled_write(const char *method, const char *body, size_t len, bool dry_run)
{
    if (!g_cfg.stall_kind || dry_run || !body || !len || !strcmp(method, "GET") ||
        !strcmp(method, "HEAD") || !strcmp(method, "DELETE"))
        return false;
    json_t *obj = json_loadb(body, len, 0, NULL);
    bool match = tt_streq(json_string_value(json_object_get(obj, "kind")), g_cfg.stall_kind);
    json_decref(obj);
    return match;
}

static void stall(void)
{
    long long end = tt_now_ms() + (g_cfg.stall_ms > 0 ? g_cfg.stall_ms : 40000);
    while (!g_shutdown && tt_now_ms() < end) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

void dc_fault_stall_after_store(const char *method, const char *body, size_t len, bool dry_run,
                                unsigned status)
{
    if (g_cfg.stall_before_store || status < 200 || status > 299 ||
        !stalled_write(method, body, len, dry_run))
        return;
    stall();
}

bool dc_fault_stall_before_store(const char *method, const char *body, size_t len, bool dry_run)
{
    if (!g_cfg.stall_before_store || !stalled_write(method, body, len, dry_run))
        return false;
    stall();
    return true;
}

/* ---- held list pages ------------------------------------------------------ */

static atomic_int g_released;
static atomic_int g_held;

/* Holds the calling request while held() says so (counted as "held"). */
static void hold_while(bool (*held)(void))
{
    if (!held())
        return;
    atomic_fetch_add(&g_held, 1);
    while (!g_shutdown && held()) {
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    atomic_fetch_sub(&g_held, 1);
}

static bool pages_held(void)
{
    return g_cfg.hold_list_pages && !atomic_load(&g_released);
}

void dc_fault_hold_list_page(void)
{
    hold_while(pages_held);
}

void dc_fault_release_lists(void)
{
    atomic_store(&g_released, 1);
}

int dc_fault_held_pages(void)
{
    return atomic_load(&g_held);
}

/* ---- held reads ------------------------------------------------------------ */

static atomic_int g_reads_held = -1; /* -1: as --hold-reads says */

void dc_fault_set_reads_held(bool held)
{
    atomic_store(&g_reads_held, held ? 1 : 0);
}

static bool reads_held(void)
{
    int v = atomic_load(&g_reads_held);
    return v < 0 ? g_cfg.hold_reads : v == 1;
}

void dc_fault_hold_read(void)
{
    hold_while(reads_held);
}
