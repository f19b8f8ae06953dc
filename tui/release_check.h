/*
 * Field checks for the deploy form, run on every key press. They follow
 * the rules of spec/release-manifests.md; when core/release_params.h lands
 * these should delegate to its validation so the CLI and the form agree.
 */
#ifndef TUI_RELEASE_CHECK_H
#define TUI_RELEASE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "fleet.h"

/* DNS-1123 label: lowercase alphanumerics and '-', starts and ends
 * alphanumeric, at most 63. Writes why not into msg. */
bool tui_check_dns_label(const char *what, const char *value, char *msg, size_t size);
/* A non-negative integer; *out gets it. */
bool tui_check_scale(const char *what, const char *value, int *out, char *msg, size_t size);
/* True when image names a digest (…@sha256:<64 hex>). */
bool tui_image_is_digest(const char *image);
/* Version already used by a revision of this model. */
bool tui_version_exists(const fleet_model *m, const char *version);

#endif
