/* The release's image tag to its digest, through the registry client. */
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "registry_client.h"
#include "registry_ref.h"

int ops_release_resolve_image(ops_release *r, struct registry_client *client, char **from,
                              char **to, tt_error *err)
{
    *from = *to = NULL;
    const char *image = ops_release_param(r, RELEASE_IMAGE);
    registry_ref ref;
    if (!image || !*image || !registry_ref_parse(image, &ref, NULL, 0) || ref.digest[0])
        return 0;
    registry_client *own = client ? NULL : registry_client_new(NULL);
    char *out = NULL;
    int rc = registry_resolve(client ? client : own, image, &out, err);
    registry_client_free(own);
    if (rc < 0)
        return -1;
    char *before = tt_strdup(image); /* the parameter's text goes with the set */
    if (release_params_set(r->params, RELEASE_IMAGE, out, err) < 0) {
        free(before);
        free(out);
        return -1;
    }
    *from = before;
    *to = out;
    return 0;
}
