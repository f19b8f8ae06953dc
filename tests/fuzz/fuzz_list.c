/*
 * The List page decoder (k8s/kube_list_decode.h): the input is the body of
 * a list answer. It is decoded under a field mask chosen by the input's
 * hash (none, or one of a few like the fleet's), once fed whole and once
 * cut at input-derived points; both must give the same items, metadata
 * and outcome. When jansson reads the body as a List with no duplicate
 * keys and only objects as items, the whole-items decoding must give
 * exactly jansson's items and metadata.
 */
#include <jansson.h>

#include "fuzz_target.h"
#include "kube_list_decode.h"

static const char *const MASK_REVISION[] = {
    "metadata.name",
    "metadata.namespace",
    "metadata.labels.\"serving.knative.dev/service\"",
    "metadata.annotations.\"autoscaling.knative.dev/min-scale\"",
    "status.conditions[].type",
    "status.conditions[].reason",
    "spec.containers[].image",
    "status.containerStatuses[].imageDigest",
    "status.actualReplicas",
    NULL,
};
static const char *const MASK_SMALL[] = {"metadata", "a[].b[].c", "x.y.z", NULL};

typedef struct trace {
    tt_buf text;
    size_t items;
    bool may_stop;
} trace;

static int on_item(const json_t *item, void *ud)
{
    trace *t = ud;
    FUZZ_CHECK(json_is_object(item), "an item that is not an object");
    char *dump = json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    FUZZ_CHECK(dump != NULL, "cannot dump an item");
    tt_buf_printf(&t->text, "%s\n", dump);
    free(dump);
    t->items++;
    /* sometimes stop early, the same way in both runs */
    return t->may_stop && t->items == 3 && (t->text.len & 1);
}

/* The error without "(at byte N of M)": M is what was fed so far. */
static void add_outcome(trace *t, int rc, const tt_error *err, const kube_list_page_info *info)
{
    tt_buf_printf(&t->text, "rc %d\n", rc);
    if (rc < 0) {
        fuzz_check_error(err, 1);
        FUZZ_CHECK(err->code == TT_EPROTO, "error code %d", err->code);
        const char *open = strstr(err->message, "(at byte ");
        size_t keep = open ? (size_t)(open - err->message) : strlen(err->message);
        tt_buf_printf(&t->text, "error %.*s", (int)keep, err->message);
        const char *close = open ? strstr(open, "): ") : NULL;
        if (close)
            tt_buf_printf(&t->text, "%s", close + 3);
        tt_buf_printf(&t->text, "\n");
        if (open) {
            size_t at = 0, of = 0;
            FUZZ_CHECK(sscanf(open, "(at byte %zu of %zu)", &at, &of) == 2, "%s", err->message);
            FUZZ_CHECK(at <= of, "%s", err->message);
        }
    } else {
        tt_buf_printf(&t->text, "cont %s rv %s remaining %lld items %zu\n",
                      info->cont ? info->cont : "-",
                      info->resource_version ? info->resource_version : "-",
                      info->remaining_item_count, info->items);
    }
}

static void decode(const uint8_t *data, size_t size, const kube_field_mask *m, uint64_t *rng,
                   trace *t)
{
    kube_list_decoder *d = kube_list_decoder_new(m, "things", on_item, t);
    tt_error err;
    tt_error_clear(&err);
    int rc = 0;
    size_t off = 0;
    while (rc == 0 && off < size) {
        size_t chunk = size - off;
        if (rng) {
            uint64_t r = fuzz_rand(rng);
            chunk = (r & 7) == 0 ? 0 : (r & 7) == 1 ? 1 : 1 + (size_t)((r >> 8) % 97);
            if (chunk > size - off)
                chunk = size - off;
        }
        rc = kube_list_decoder_feed(d, (const char *)data + off, chunk, &err);
        off += chunk;
    }
    if (rc == 0)
        rc = kube_list_decoder_finish(d, &err);
    add_outcome(t, rc, &err, kube_list_decoder_info(d));
    kube_list_decoder_free(d);
}

/* jansson's reading of the page, when it is a List of objects. */
static void against_jansson(const uint8_t *data, size_t size, const trace *whole)
{
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    json_t *items = json_object_get(j, "items");
    bool list = json_is_array(items);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) list = list && json_is_object(it);
    if (!list) {
        json_decref(j);
        return;
    }
    trace t = {TT_BUF_INIT, 0, false};
    json_array_foreach(items, i, it) {
        char *dump = json_dumps(it, JSON_COMPACT | JSON_SORT_KEYS);
        tt_buf_printf(&t.text, "%s\n", dump);
        free(dump);
        t.items++;
    }
    json_t *meta = json_object_get(j, "metadata");
    const char *cont = json_string_value(json_object_get(meta, "continue"));
    const char *rv = json_string_value(json_object_get(meta, "resourceVersion"));
    json_t *rem = json_object_get(meta, "remainingItemCount");
    long long remaining = json_is_integer(rem) && json_integer_value(rem) >= 0
                              ? (long long)json_integer_value(rem)
                              : -1;
    tt_buf_printf(&t.text, "rc 0\ncont %s rv %s remaining %lld items %zu\n",
                  cont && cont[0] ? cont : "-", rv && rv[0] ? rv : "-", remaining, t.items);
    FUZZ_CHECK(whole->text.len == t.text.len && memcmp(whole->text.data, t.text.data, t.text.len) == 0,
               "jansson reads it otherwise:\n--- decoder\n%s--- jansson\n%s",
               whole->text.data ? whole->text.data : "", t.text.data);
    tt_buf_free(&t.text);
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t rng = fuzz_hash(data, size);
    const char *const *fields = (rng & 3) == 0   ? MASK_REVISION
                                : (rng & 3) == 1 ? MASK_SMALL
                                                 : NULL;
    tt_error err;
    tt_error_clear(&err);
    kube_field_mask *m = kube_field_mask_new(fields, &err);
    FUZZ_CHECK(m != NULL, "mask: %s", err.message);

    trace whole = {TT_BUF_INIT, 0, fields != NULL}, split = {TT_BUF_INIT, 0, fields != NULL};
    decode(data, size, m, NULL, &whole);
    decode(data, size, m, &rng, &split);
    FUZZ_CHECK(whole.text.len == split.text.len &&
                   (!whole.text.len || memcmp(whole.text.data, split.text.data, whole.text.len) == 0),
               "outcomes differ:\n--- whole\n%s--- split\n%s", whole.text.data ? whole.text.data : "",
               split.text.data ? split.text.data : "");
    if (!fields)
        against_jansson(data, size, &whole);
    tt_buf_free(&whole.text);
    tt_buf_free(&split.text);
    kube_field_mask_free(m);
    return 0;
}
