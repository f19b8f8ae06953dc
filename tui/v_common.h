/* Small helpers shared by the views: formatting, and the cursor of a
 * section drawn under a list (a model's events, a revision's conditions). */
#ifndef TUI_V_COMMON_H
#define TUI_V_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "fleet.h"
#include "keymap.h"

/* A cursor over n rows of a section that Tab (FOCUS) moves into. */
typedef struct tui_pick {
    bool focus;
    size_t sel;
    size_t top; /* first row drawn */
} tui_pick;
/* Movement actions while focused; true if handled. visible: rows drawn. */
bool tui_pick_action(tui_pick *p, tui_action a, size_t n, int visible);
/* Keeps sel < n and in view of visible rows; call before drawing. */
void tui_pick_clamp(tui_pick *p, size_t n, int visible);

/* "5s", "12m", "3h", "4d", "2y"; "-" for 0. */
const char *tui_fmt_age(long long created, long long now, char *buf, size_t size);
/* "2026-12-05 15:40:02 UTC (3m ago)"; "-" for 0. */
const char *tui_fmt_time(long long t, char *buf, size_t size);
/* "sha256:3af2c7a3a888" -> "3af2c7a3a888" (12 hex); a tag image -> ":tag". */
const char *tui_fmt_image_short(const char *image, char *buf, size_t size);
/* Knative condition as the readiness cell value: 1, 0, -1; -2 absent. */
int tui_cond_value(fleet_cond c, bool present);
/* The version part of a revision name ("stream-12" -> "12"). */
const char *tui_revision_version(const char *revision, const char *service);
/* Traffic summary: "12:100%" or "11:90% 12:10%". */
const char *tui_fmt_traffic(const fleet_service *s, char *buf, size_t size);
/* "0-32" or "-". */
const char *tui_fmt_scale(int min, int max, char *buf, size_t size);

#endif
