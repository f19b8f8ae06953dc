/*
 * Checks for the deploy form that need the cluster's state; the release's
 * own rules are core/release_params.h's (release_params_validate).
 */
#ifndef TUI_RELEASE_CHECK_H
#define TUI_RELEASE_CHECK_H

#include <stdbool.h>

#include "fleet.h"

/* Version already used by a revision of this model (m may be NULL). */
bool tui_version_exists(const fleet_model *m, const char *version);

#endif
