/* registry_helper: docker credential helpers. `docker-credential-NAME get`
 * reads the server on stdin and prints {"ServerURL","Username","Secret"};
 * a Username of "<token>" means Secret is an identity token. A helper that
 * says "credentials not found" means anonymous. No shell; the helper's
 * output is wiped after use and never part of an error message. */
#ifndef TTSTUI_REGISTRY_HELPER_H
#define TTSTUI_REGISTRY_HELPER_H

#include "registry_dockercfg.h"
#include "tt_common.h"

/* Parses a helper's stdout. 0 with cred (BASIC, IDENTITY) or -1 with err. */
int registry_helper_parse(const char *out, size_t len, registry_cred *cred, tt_error *err);

/* Runs docker-credential-<helper> get (looked up on PATH) with server on
 * stdin, at most timeout_ms. 0 with cred (NONE when the helper has none for
 * server), or -1 with err: the helper is not on PATH, could not run, timed
 * out, failed (its exit status and the last line of its stderr, cleaned),
 * or printed something that is not its JSON. */
int registry_helper_get(const char *helper, const char *server, long timeout_ms,
                        registry_cred *cred, tt_error *err);

#endif
