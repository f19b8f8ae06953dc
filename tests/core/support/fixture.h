/* Test data for the core tests. */
#ifndef TEST_CORE_FIXTURE_H
#define TEST_CORE_FIXTURE_H

#include <jansson.h>

/* Loads tests/data/core/<name> ($TTSTUI_TEST_DATA) as JSON; fails the test
 * when it cannot. New reference. */
json_t *load_fixture(const char *name);

#endif
