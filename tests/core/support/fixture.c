#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "fixture.h"
#include "tt_common.h"

json_t *load_fixture_in(const char *folder, const char *name)
{
    const char *dir = getenv("TTSTUI_TEST_DATA");
    char *path = tt_asprintf("%s/%s%s%s", dir ? dir : "../data", folder ? folder : "",
                             folder ? "/" : "", name);
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    if (!j)
        fail_msg("cannot load %s: %s", path, jerr.text);
    free(path);
    return j;
}

json_t *load_fixture(const char *name)
{
    return load_fixture_in("core", name);
}
