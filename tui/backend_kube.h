/*
 * The backend against a real cluster (tui/backend_kube.c): reflectors over
 * the fleet, one thread per request, the release engine of ops/ (the
 * CLI's). See backend.h for the messages.
 */
#ifndef TUI_BACKEND_KUBE_H
#define TUI_BACKEND_KUBE_H

#include <stdbool.h>

#include "backend.h"
#include "config.h"

typedef struct tui_kube_options {
    const char *kubeconfig; /* --kubeconfig, NULL = $KUBECONFIG / ~/.kube/config */
    const char *context;    /* --context, NULL = current */
    const char *namespace_; /* -n override */
    const config *cfg;      /* settings (borrowed; outlive the backend); NULL = defaults */
    bool readonly;          /* --readonly: every change is refused here too */
} tui_kube_options;

/* A backend for the cluster of o's context. When the kubeconfig cannot be
 * resolved it is still created and reports why as a failed connection (the
 * dashboard opens and says so). NULL with err only when its thread cannot
 * start. Freed with tui_backend_destroy. */
tui_backend *tui_backend_kube_new(tui_queue *q, const tui_kube_options *o, tt_error *err);

#endif
