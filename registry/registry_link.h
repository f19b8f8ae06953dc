/* registry_link: the rel="next" target of an RFC 8288 Link header, as the
 * tags/list and catalog endpoints paginate:
 *   Link: </v2/acme/tts/tags/list?last=v12&n=100>; rel="next"
 * Pure; hostile input gives "no next link", never a partial URL. */
#ifndef TTSTUI_REGISTRY_LINK_H
#define TTSTUI_REGISTRY_LINK_H

#include <stdbool.h>
#include <stddef.h>

/* Copies the first rel="next" target (rel may list several types) into out.
 * Returns false when there is none, when a link is malformed before it, or
 * when the target holds a control or space character or does not fit. */
bool registry_link_next(const char *hdr, char *out, size_t len);

#endif
