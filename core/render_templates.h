/*
 * The jsonnet templates compiled into ttstui (the .jsonnet files in core/templates),
 * generated into a C source at build time by core/templates/embed.cmake.
 * Each array is NUL-terminated; _len excludes the NUL.
 */
#ifndef RENDER_TEMPLATES_H
#define RENDER_TEMPLATES_H

#include <stddef.h>

extern const char render_template_tts[];        /* templates/tts.jsonnet */
extern const size_t render_template_tts_len;
extern const char render_template_tts_deploy[]; /* templates/tts-deploy.jsonnet */
extern const size_t render_template_tts_deploy_len;
extern const char render_template_latest_pin[]; /* templates/latest-pin.jsonnet */
extern const size_t render_template_latest_pin_len;

#endif
