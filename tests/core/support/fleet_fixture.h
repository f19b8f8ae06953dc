/* The fleet the fleet tests (test_fleet*.c) start from. */
#ifndef TEST_CORE_FLEET_FIXTURE_H
#define TEST_CORE_FLEET_FIXTURE_H

#include "fleet.h"

#define IMG1 "gcr.io/voice-service-2-313121/speech-api-worker@sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"

/* Applies every item of a fixture list (tests/data/core) to f. */
void apply_list(fleet *f, fleet_kind kind, const char *fixture);
/* Namespaces, services, revisions and the pin of the fixture lists. */
fleet *full_fleet(void);
/* cmocka: *state is a full_fleet(), freed by teardown. */
int setup(void **state);
int teardown(void **state);

#endif
