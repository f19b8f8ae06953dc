/* Test data for the unit tests (core's, and ops' through its CMakeLists). */
#ifndef TEST_CORE_FIXTURE_H
#define TEST_CORE_FIXTURE_H

#include <jansson.h>

/* Loads tests/data/<folder>/<name> ($TTSTUI_TEST_DATA for tests/data) as
 * JSON; fails the test when it cannot. folder may be NULL (name is then
 * the path under tests/data). New reference. */
json_t *load_fixture_in(const char *folder, const char *name);
/* load_fixture_in("core", name). */
json_t *load_fixture(const char *name);

#endif
