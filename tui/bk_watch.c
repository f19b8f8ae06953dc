/*
 * The dashboard's live fleet: four reflectors (namespaces, Knative
 * services, revisions, the pin; one list+watch each across all
 * namespaces, each with its own kube_client) feed one pending FLEET batch,
 * and the connection state of the header is worked out from theirs.
 * Revisions start after the services have been listed, at low priority.
 * The flusher (backend_kube.c) posts the batch.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "bk.h"
#include "kube_watch.h"

/* Under k->lock: works out the header's state from the four kinds and
 * posts it when it changed; wakes a reflector waiting on another's list. */
static void conn_update_locked(kb *k)
{
    pthread_cond_broadcast(&k->listed); /* a kind's state may have changed */
    tui_conn_state st = TUI_CONN_CONNECTED;
    const char *msg = NULL;
    int worst = 1;
    for (int i = 0; i < BK_N_KINDS; i++) {
        if (k->kinds[i].waiting)
            continue; /* says nothing about the connection yet */
        int s = k->kinds[i].state;
        int rank = s == 3 ? 4 : s == 2 ? 3 : s == 0 ? 2 : 1;
        if (rank > worst) {
            worst = rank;
            msg = k->kinds[i].message;
        }
    }
    if (worst == 4)
        st = TUI_CONN_FAILED;
    else if (worst == 3)
        /* Once any kind's data is on the screen, a failing list is a
         * reconnect (the screen is stale), not a failed connection, even
         * when another kind had not finished its first list. */
        st = k->ever_connected || k->shown ? TUI_CONN_RECONNECTING : TUI_CONN_FAILED;
    else if (worst == 2)
        st = k->ever_connected ? TUI_CONN_RECONNECTING : TUI_CONN_CONNECTING;
    if (st == TUI_CONN_CONNECTED)
        k->ever_connected = true;
    if (st == k->last_state && tt_streq(msg, k->last_message))
        return;
    k->last_state = st;
    free(k->last_message);
    k->last_message = tt_strdup(msg);
    tui_backend_post(k->b, TUI_MSG_CONN, 0,
                     tui_conn_info_new(st, k->context, safety_env_of_context(k->cfg, k->context),
                                       k->rc ? k->rc->server : NULL, msg),
                     tui_conn_info_free, NULL);
}

void bk_flush_fleet_locked(kb *k)
{
    if (k->pending && k->pending->n) {
        tui_backend_post(k->b, TUI_MSG_FLEET, 0, k->pending, tui_fleet_batch_free, NULL);
        k->pending = NULL;
        k->flushed_at = tt_now_ms();
    }
}

/* number: a PAGE's remaining count (0 for the other ops). */
static void pending_add_locked(kb *k, tui_fleet_op op, fleet_kind kind, const json_t *obj,
                               long number)
{
    if (!k->pending) {
        k->pending = tui_fleet_batch_new();
        k->pending_since = tt_now_ms();
        pthread_cond_signal(&k->cond);
    }
    if (op == TUI_FLEET_PAGE)
        tui_fleet_batch_add_page(k->pending, kind, number);
    else
        tui_fleet_batch_add(k->pending, op, kind, (json_t *)obj);
    /* A change after a quiet BK_FLUSH_MS goes to the screen at once (a
     * model deleted shows without waiting out the window); the changes
     * right behind it gather for the flusher as before. */
    if (k->pending->n >= BK_BATCH_CAP ||
        (op != TUI_FLEET_PAGE && tt_now_ms() - k->flushed_at >= BK_FLUSH_MS))
        bk_flush_fleet_locked(k);
}

static int on_reflect(const kube_reflector_event *ev, void *ud)
{
    reflector *r = ud;
    kb *k = r->kb;
    kind_state *ks = &k->kinds[r->index];
    int stop = 0;
    pthread_mutex_lock(&k->lock);
    if (atomic_load(&k->refl_cancel)) {
        pthread_mutex_unlock(&k->lock);
        return 1; /* a context switch: nothing from the old one any more */
    }
    switch (ev->type) {
    case KUBE_REFLECT_RELIST_BEGIN:
        pending_add_locked(k, TUI_FLEET_BEGIN_RELIST, ks->kind, NULL, 0);
        break;
    case KUBE_REFLECT_ITEM:
    case KUBE_REFLECT_ADDED:
    case KUBE_REFLECT_MODIFIED:
        pending_add_locked(k, TUI_FLEET_APPLY, ks->kind, ev->object, 0);
        break;
    case KUBE_REFLECT_DELETED:
        pending_add_locked(k, TUI_FLEET_DELETE, ks->kind, ev->object, 0);
        break;
    case KUBE_REFLECT_PAGE:
        /* How much is left, for the dashboard's loading line. */
        pending_add_locked(k, TUI_FLEET_PAGE, ks->kind, NULL, ev->remaining);
        /* A whole page: on to the screen now rather than after the
         * flusher's BK_FLUSH_MS (one batch per page, not per item). */
        bk_flush_fleet_locked(k);
        /* The server answers: connected, not "connecting" for as long as
         * a long list takes (the loading line says how far it is). */
        if (ks->state == 0) {
            ks->state = 1;
            conn_update_locked(k);
        }
        break;
    case KUBE_REFLECT_SYNCED:
        pending_add_locked(k, TUI_FLEET_SWEEP, ks->kind, NULL, 0);
        /* A complete list: nothing of it is still to come, so no reason
         * to hold it for the flusher's BK_FLUSH_MS. */
        bk_flush_fleet_locked(k);
        /* Fall through: a complete list means connected. */
        /* FALLTHROUGH */
    case KUBE_REFLECT_CONNECTED:
        if (ev->type == KUBE_REFLECT_SYNCED)
            k->shown = ks->list_ended = true;
        ks->state = 1;
        free(ks->message);
        ks->message = NULL;
        conn_update_locked(k);
        break;
    case KUBE_REFLECT_RETRYING: {
        ks->list_ended = true;
        free(ks->message);
        char *why = bk_one_line(ev->error ? ev->error->message : "failed");
        if (ev->error && ev->error->code == 403) {
            /* Retrying will not help; say what the dashboard needs. */
            ks->state = 3;
            ks->message = tt_asprintf("not allowed to list and watch %s in all namespaces (403 "
                                      "Forbidden); the dashboard needs cluster-wide list/watch "
                                      "of it: %s",
                                      ks->what, why);
            stop = 1;
        } else {
            ks->state = 2;
            long secs = (ev->retry_in_ms + 999) / 1000;
            ks->message = tt_asprintf("retrying in %lds: %s", secs, why);
        }
        free(why);
        conn_update_locked(k);
        break;
    }
    }
    pthread_mutex_unlock(&k->lock);
    return stop;
}

/* Under k->lock: the services' first list has ended (listed, or failed). */
static bool services_listed_locked(const kb *k)
{
    for (int i = 0; i < BK_N_KINDS; i++)
        if (k->kinds[i].kind == FLEET_KIND_SERVICE)
            return k->kinds[i].list_ended;
    return true;
}

static void *reflector_main(void *arg)
{
    reflector *r = arg;
    kb *k = r->kb;
    tt_error err;
    tt_error_clear(&err);
    pthread_mutex_lock(&k->lock);
    /* Revisions (20 per service: most of the bytes) start once the
     * services have been listed, and below the others' priority, so they
     * do not compete with the lists that make the dashboard complete (see
     * fleet_service_serving) or with the UI. */
    if (k->kinds[r->index].kind == FLEET_KIND_REVISION) {
        k->kinds[r->index].waiting = true;
        conn_update_locked(k);
        while (!atomic_load(&k->refl_cancel) && !services_listed_locked(k))
            pthread_cond_wait(&k->listed, &k->lock);
        /* The other lists got through: connected, until its own list
         * says otherwise (RETRYING), rather than "connecting" again. */
        k->kinds[r->index].waiting = false;
        if (k->kinds[r->index].state == 0)
            k->kinds[r->index].state = 1;
        conn_update_locked(k);
        bk_lower_priority(); /* their list and watch need no hurry */
    }
    kube_rest_config *rc = k->rc ? kube_rest_config_dup(k->rc) : NULL;
    pthread_mutex_unlock(&k->lock);
    kube_client *c = bk_client_for(k, rc, NULL, &err);
    if (c && k->refl_wake >= 0)
        kube_client_set_cancel_fd(c, k->refl_wake); /* a quiet watch sleeps, no polling */
    if (!c) {
        pthread_mutex_lock(&k->lock);
        kind_state *ks = &k->kinds[r->index];
        ks->state = 3;
        ks->list_ended = true;
        free(ks->message);
        ks->message = bk_one_line(err.message);
        conn_update_locked(k);
        pthread_mutex_unlock(&k->lock);
    } else {
        /* At most 8 s (+25% jitter) between tries, so a cluster that
         * comes back is picked up within about 10 s. */
        kube_reflector_opts ro = {.backoff_max_ms = BK_RECONNECT_MAX_MS,
                                  .wake = &k->retry_now,
                                  .fields = fleet_fields(k->kinds[r->index].kind)};
        /* The first screen waits for the first page of services and of
         * namespaces, which arrives whole before it is decoded: a small
         * one draws sooner (100 services fill a 48-line screen; measured
         * at 5,000 models, README.md "Performance"). Revisions need no
         * hurry. */
        if (k->kinds[r->index].kind != FLEET_KIND_REVISION)
            ro.first_page_size = BK_FIRST_PAGE;
        kube_reflector_run(c, k->kinds[r->index].gvr, "", &ro, on_reflect, r, &k->refl_cancel,
                           &err);
        kube_client_free(c);
    }
    kube_rest_config_free(rc);
    return NULL;
}

/* Under refl_lock. */
void bk_reflectors_start(kb *k)
{
    atomic_store(&k->refl_cancel, 0);
    pthread_mutex_lock(&k->lock);
    for (int i = 0; i < BK_N_KINDS; i++) {
        k->kinds[i].state = 0;
        k->kinds[i].list_ended = false;
        free(k->kinds[i].message);
        k->kinds[i].message = NULL;
    }
    k->ever_connected = false;
    k->shown = false;
    k->last_state = TUI_CONN_NOT_WIRED; /* so the next update is posted */
    conn_update_locked(k);
    pthread_mutex_unlock(&k->lock);
    for (int i = 0; i < BK_N_KINDS; i++) {
        k->refl[i].kb = k;
        k->refl[i].index = i;
        k->refl[i].running = pthread_create(&k->refl[i].thread, NULL, reflector_main, &k->refl[i]) == 0;
    }
    k->watching = true;
}

/* The reflectors' wake descriptor: readable from a stop until the next
 * start, so their idle watches return at once (see kube_client_set_cancel_fd). */
static void wake_set(int fd)
{
    uint64_t one = 1;
    while (fd >= 0 && write(fd, &one, sizeof one) < 0 && errno == EINTR) {
    }
}

static void wake_clear(int fd)
{
    uint64_t v;
    while (fd >= 0 && read(fd, &v, sizeof v) < 0 && errno == EINTR) {
    }
}

/* Under refl_lock: stops and joins the reflectors, drops what they left. */
void bk_reflectors_stop(kb *k)
{
    atomic_store(&k->refl_cancel, 1);
    wake_set(k->refl_wake);
    pthread_mutex_lock(&k->lock);
    pthread_cond_broadcast(&k->listed);
    pthread_mutex_unlock(&k->lock);
    for (int i = 0; i < BK_N_KINDS; i++)
        if (k->refl[i].running) {
            pthread_join(k->refl[i].thread, NULL);
            k->refl[i].running = false;
        }
    wake_clear(k->refl_wake);
    pthread_mutex_lock(&k->lock);
    tui_fleet_batch_free(k->pending);
    k->pending = NULL;
    pthread_mutex_unlock(&k->lock);
    k->watching = false;
}

void bk_watch_fleet(tui_backend *b)
{
    kb *k = bk_impl(b);
    pthread_mutex_lock(&k->refl_lock);
    if (!k->watching)
        bk_reflectors_start(k);
    pthread_mutex_unlock(&k->refl_lock);
}
