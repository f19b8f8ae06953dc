#include "version.h"

const char *tt_version(void)
{
    return TTSTUI_VERSION;
}
