/* The fleet the fleet tests (test_fleet*.c) start from: the fixture lists
 * of tests/data/core applied to a new fleet. */
#include "fleet_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

void apply_list(fleet *f, fleet_kind kind, const char *fixture)
{
    json_t *list = load_fixture(fixture);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(list, "items"), i, item)
        fleet_apply(f, kind, item, false);
    json_decref(list);
}

fleet *full_fleet(void)
{
    fleet *f = fleet_new();
    apply_list(f, FLEET_KIND_NAMESPACE, "fleet-namespace-list.json");
    apply_list(f, FLEET_KIND_SERVICE, "fleet-ksvc-list.json");
    apply_list(f, FLEET_KIND_REVISION, "fleet-revision-list.json");
    json_t *pin = load_fixture("fleet-pin.json");
    fleet_apply(f, FLEET_KIND_PIN, pin, false);
    json_decref(pin);
    return f;
}

int setup(void **state)
{
    *state = full_fleet();
    return 0;
}

int teardown(void **state)
{
    fleet_free(*state);
    return 0;
}
