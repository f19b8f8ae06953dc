/* The watch event decoder: newline-delimited JSON, fed in arbitrary chunks. */
#include "kube_watch.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_LINE (16u * 1024u * 1024u)

struct kube_watch_decoder {
    tt_buf buf;
    size_t scanned;  /* bytes of buf already known to hold no '\n' */
    size_t max_line;
    bool skipping;   /* dropping the rest of an oversized line */
};

static const struct {
    const char *name;
    kube_watch_event_type type;
} event_types[] = {
    {"ADDED", KUBE_WATCH_ADDED},       {"MODIFIED", KUBE_WATCH_MODIFIED},
    {"DELETED", KUBE_WATCH_DELETED},   {"BOOKMARK", KUBE_WATCH_BOOKMARK},
    {"ERROR", KUBE_WATCH_ERROR},
};

const char *kube_watch_event_type_name(kube_watch_event_type t)
{
    for (size_t i = 0; i < TT_ARRAY_LEN(event_types); i++)
        if (event_types[i].type == t)
            return event_types[i].name;
    return "UNKNOWN";
}

void kube_watch_event_clear(kube_watch_event *ev)
{
    if (!ev)
        return;
    json_decref(ev->object);
    ev->object = NULL;
}

kube_watch_decoder *kube_watch_decoder_new(size_t max_line)
{
    kube_watch_decoder *d = tt_calloc(1, sizeof *d);
    d->max_line = max_line ? max_line : DEFAULT_MAX_LINE;
    return d;
}

void kube_watch_decoder_free(kube_watch_decoder *d)
{
    if (!d)
        return;
    tt_buf_free(&d->buf);
    free(d);
}

void kube_watch_decoder_feed(kube_watch_decoder *d, const void *data, size_t len)
{
    tt_buf_append(&d->buf, data, len);
}

size_t kube_watch_decoder_pending(const kube_watch_decoder *d)
{
    return d->skipping ? 0 : d->buf.len;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

static int decode_line(const char *line, size_t len, kube_watch_event *ev, tt_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(line, len, 0, &jerr);
    if (!root) {
        tt_error_set(err, TT_EPROTO, "the watch stream sent a line that is not JSON (%s at "
                     "column %d)", jerr.text, jerr.column);
        return -1;
    }
    const char *type = json_string_value(json_object_get(root, "type"));
    json_t *object = json_object_get(root, "object");
    if (!type || !json_is_object(object)) {
        json_decref(root);
        tt_error_set(err, TT_EPROTO,
                     "the watch stream sent JSON that is not a watch event (no \"type\" or "
                     "\"object\")");
        return -1;
    }
    for (size_t i = 0; i < TT_ARRAY_LEN(event_types); i++) {
        if (strcmp(type, event_types[i].name) == 0) {
            ev->type = event_types[i].type;
            ev->object = json_incref(object);
            json_decref(root);
            return 1;
        }
    }
    tt_error_set(err, TT_EPROTO, "the watch stream sent an event of unknown type \"%.40s\"",
                 type);
    json_decref(root);
    return -1;
}

int kube_watch_decoder_next(kube_watch_decoder *d, kube_watch_event *ev, tt_error *err)
{
    ev->object = NULL;
    for (;;) {
        const char *start = d->buf.data;
        const char *nl = d->buf.len > d->scanned
                             ? memchr(start + d->scanned, '\n', d->buf.len - d->scanned)
                             : NULL;
        if (!nl) {
            if (d->skipping) {
                tt_buf_reset(&d->buf);
                d->scanned = 0;
                return 0;
            }
            d->scanned = d->buf.len;
            if (d->buf.len > d->max_line) {
                d->skipping = true;
                tt_buf_reset(&d->buf);
                d->scanned = 0;
                tt_error_set(err, TT_EPROTO,
                             "the watch stream sent an event longer than %zu bytes; it was "
                             "dropped", d->max_line);
                return -1;
            }
            return 0;
        }
        size_t len = (size_t)(nl - start);
        bool was_skipping = d->skipping;
        d->skipping = false;
        int rc = 0;
        if (was_skipping) {
            rc = 0; /* tail of an oversized line: already reported */
        } else if (len > d->max_line) {
            tt_error_set(err, TT_EPROTO,
                         "the watch stream sent an event longer than %zu bytes; it was dropped",
                         d->max_line);
            rc = -1;
        } else if (!blank(start, len)) {
            rc = decode_line(start, len, ev, err);
        }
        tt_buf_consume(&d->buf, len + 1);
        d->scanned = 0;
        if (rc != 0)
            return rc;
    }
}
