#include "release_check.h"

#include "tt_common.h"

bool tui_version_exists(const fleet_model *m, const char *version)
{
    if (!m)
        return false;
    const fleet_service *svcs[2] = {&m->stream, &m->validate};
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; svcs[s]->present && i < svcs[s]->n_revisions; i++)
            if (tt_streq(svcs[s]->revisions[i].version, version))
                return true;
    return false;
}
