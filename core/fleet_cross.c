/* One model across several clusters: cells and their differences. */
#include "fleet_cross.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tt_common.h"

const char *fleet_model_ready_word(const fleet_model *m)
{
    if (m->terminating)
        return "Terminating";
    if (!m->stream.present || !m->validate.present)
        return "Incomplete";
    if (fleet_model_ready(m))
        return "Ready";
    if (m->stream.ready == FLEET_COND_FALSE || m->validate.ready == FLEET_COND_FALSE)
        return "NotReady";
    return "Pending";
}

void fleet_cross_cell_of(const fleet_model *m, fleet_cross_cell *out)
{
    memset(out, 0, sizeof(*out));
    out->ready = "-";
    if (!m)
        return;
    out->present = true;
    out->ready = fleet_model_ready_word(m);
    out->version = fleet_version_of(m->stream.latest_ready, "stream");
    fleet_serving sv;
    if (fleet_service_serving(&m->stream, &sv) && sv.image) {
        out->image = sv.image;
        const char *at = strstr(sv.image, "@sha256:");
        out->digest = at ? at + 1 : NULL;
    }
    /* A tag: the digest it runs (Knative's imageDigest of that revision). */
    const fleet_revision *r = fleet_service_revision(&m->stream, m->stream.latest_ready);
    const char *at = !out->digest && r && r->image_digest ? strstr(r->image_digest, "@sha256:")
                                                          : NULL;
    if (at)
        out->digest = at + 1;
}

static void note(tt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(tt_buf *b, const char *fmt, ...)
{
    if (b->len)
        tt_buf_puts(b, "; ");
    va_list ap;
    va_start(ap, fmt);
    char msg[1024];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    tt_buf_puts(b, msg);
}

static void compare(tt_buf *b, const fleet_cross_cell *a, const char *la,
                    const fleet_cross_cell *c, const char *lc)
{
    if (a->present != c->present) {
        note(b, "missing in %s", a->present ? lc : la);
        return;
    }
    if (!a->present)
        return;
    if (tt_streq(a->ready, "Ready") != tt_streq(c->ready, "Ready"))
        note(b, "not Ready in %s", tt_streq(a->ready, "Ready") ? lc : la);
    if (!a->version || !c->version)
        return; /* nothing serves yet on one side: readiness says it */
    if (!tt_streq(a->version, c->version)) {
        unsigned long long va, vc;
        if (fleet_version_number(a->version, &va) && fleet_version_number(c->version, &vc))
            note(b, "%s ahead of %s (%s > %s)", va > vc ? la : lc, va > vc ? lc : la,
                 va > vc ? a->version : c->version, va > vc ? c->version : a->version);
        else
            note(b, "versions differ (%s %s, %s %s)", la, a->version, lc, c->version);
        return;
    }
    if (a->digest && c->digest) {
        if (!tt_streq(a->digest, c->digest))
            note(b, "same version %s with different digests (%s %.19s…, %s %.19s…)", a->version,
                 la, a->digest, lc, c->digest);
    } else if (a->image && c->image && !tt_streq(a->image, c->image)) {
        note(b, "same version %s with different images", a->version);
    }
}

char *fleet_cross_notes(const fleet_cross_cell *cells, const char *const *labels, size_t n)
{
    tt_buf b = TT_BUF_INIT;
    for (size_t i = 0; i + 1 < n; i++)
        compare(&b, &cells[i], labels[i], &cells[i + 1], labels[i + 1]);
    if (!b.data)
        return tt_strdup("");
    return tt_buf_steal(&b);
}

int fleet_cross_ahead(const fleet_cross_cell *a, const fleet_cross_cell *b)
{
    if (a->present != b->present) {
        const fleet_cross_cell *has = a->present ? a : b;
        return has->version ? (a->present ? 0 : 1) : -1;
    }
    unsigned long long va, vb;
    if (!a->present || !fleet_version_number(a->version, &va) ||
        !fleet_version_number(b->version, &vb) || va == vb)
        return -1;
    return va > vb ? 0 : 1;
}
