/*
 * The decoder of one List page (k8s/kube_list_decode.c): the text of a
 * {"kind":...,"metadata":{...},"items":[...]} answer is parsed by yajl, an
 * event-based validating JSON parser, and each item is built as a jansson
 * object of only the fields a field mask names, then handed to a callback
 * and freed. A decoded revision is a few hundred bytes of jansson instead
 * of the ~20 values and allocations of every field it carries.
 *
 * Used by kube_list_items (k8s/kube_client.h); declared here for its
 * tests and fuzz target. Kept values come out as jansson's decoder makes
 * them (numbers are converted by jansson; strings with \u0000 or that are
 * not valid UTF-8 are refused), with one difference of yajl's: a lone
 * high surrogate escape (\ud800 not followed by a low one) is read as
 * '?', where jansson refuses the text.
 */
#ifndef KUBE_LIST_DECODE_H
#define KUBE_LIST_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "kube_client.h"
#include "tt_common.h"

/*
 * A field mask compiled from dotted paths (see kube_list_opts.fields):
 * "metadata.name" keeps one member, "metadata.labels" a whole subtree,
 * "spec.containers[].image" the image of every element of the array (the
 * elements stay in their positions, each an object of what the mask keeps
 * of it), "metadata.labels.\"app.kubernetes.io/name\"" one key that holds
 * dots. A segment is a JSON key without '.', '"', '[' or ']', or any key
 * without '"' between quotes; "[]" may end it.
 * Where the text holds an object the mask expects an array at (or an
 * array where it expects an object), an empty container of the text's
 * kind is kept, so a reader going down the path finds nothing either way;
 * scalars are kept wherever the mask leads. fields NULL = whole items.
 * Returns NULL with err (TT_EINVAL) for a malformed path.
 */
typedef struct kube_field_mask kube_field_mask;
kube_field_mask *kube_field_mask_new(const char *const *fields, tt_error *err);
void kube_field_mask_free(kube_field_mask *m);

/* Deepest nesting of a List page accepted (the List and its items array
 * count): jansson's own limit, so nothing jansson read is refused. */
#define KUBE_LIST_MAX_DEPTH 2048

/*
 * Decodes one page, fed in pieces of any size (kube_list_decoder_feed as
 * they arrive, kube_list_decoder_finish at the end). fn sees each item
 * (borrowed) once it is complete; a non-zero return stops the decoding
 * (feed/finish return 1 from then on). The List's own metadata is read
 * wherever it sits, before or after the items. resource names the kind
 * in error messages ("revisions"). Returns 0, 1 when fn stopped, -1 with
 * err (TT_EPROTO: "the server's list of <resource> is not a JSON List (at
 * byte N of M): <why>", M the bytes fed so far, or "... has no items
 * array"). After -1 or 1 the decoder takes nothing more.
 */
typedef struct kube_list_decoder kube_list_decoder;
kube_list_decoder *kube_list_decoder_new(const kube_field_mask *mask, const char *resource,
                                         kube_list_item_fn fn, void *ud);
int kube_list_decoder_feed(kube_list_decoder *d, const char *text, size_t len, tt_error *err);
int kube_list_decoder_finish(kube_list_decoder *d, tt_error *err);
/* The page's metadata so far (complete after finish returned 0). */
const kube_list_page_info *kube_list_decoder_info(const kube_list_decoder *d);
void kube_list_decoder_free(kube_list_decoder *d);

/* One page whose text is all there: new, feed, finish. info (optional)
 * gets a copy of the page's metadata (kube_list_page_info_clear frees it). */
int kube_list_decode(const char *text, size_t len, const kube_field_mask *mask,
                     const char *resource, kube_list_item_fn fn, void *ud,
                     kube_list_page_info *info, tt_error *err);

#endif
