/*
 * GET of a collection: a list (pages with continue tokens, selectors,
 * Tables), or a watch, handed to watch.c.
 */
#include "dc.h"

#include <stdlib.h>
#include <string.h>

static char *continue_token(unsigned long long rv, const char *key)
{
    json_t *t = json_pack("{s:i, s:I, s:s}", "v", 1, "rv", (json_int_t)rv, "start", key);
    char *text = json_dumps(t, JSON_COMPACT);
    json_decref(t);
    char *b = tt_base64_encode(text, strlen(text));
    free(text);
    return b;
}

static bool parse_continue(const char *tok, unsigned long long *rv, char **start)
{
    size_t n;
    unsigned char *raw = tt_base64_decode(tok, &n);
    if (!raw)
        return false;
    json_t *t = json_loadb((const char *)raw, n, 0, NULL);
    free(raw);
    const char *s = dc_jstr(t, "start");
    if (!s || !json_is_integer(json_object_get(t, "rv"))) {
        json_decref(t);
        return false;
    }
    *rv = (unsigned long long)json_integer_value(json_object_get(t, "rv"));
    *start = tt_strdup(s);
    json_decref(t);
    return true;
}

enum MHD_Result dc_do_list(struct MHD_Connection *c, dc_resource *r, const char *ns)
{
    tt_error err;
    tt_error_clear(&err);
    dc_selector *sel = dc_selector_parse(dc_arg(c, "labelSelector"), dc_arg(c, "fieldSelector"), &err);
    if (!sel)
        return dc_send_status(c, 400, "BadRequest", "%s", err.message);
    if (dc_truthy(dc_arg(c, "watch"))) {
        dc_count_request(RQ_WATCH);
        const char *ts = dc_arg(c, "timeoutSeconds");
        return dc_watch_serve(c, r, ns, sel, dc_arg(c, "resourceVersion"), dc_want_table(c),
                              ts ? atoi(ts) : 0, dc_truthy(dc_arg(c, "allowWatchBookmarks")));
    }
    const char *limit_s = dc_arg(c, "limit");
    long limit = limit_s ? atol(limit_s) : 0;
    const char *cont = dc_arg(c, "continue");
    dc_count_request(cont && *cont ? RQ_LIST_CONTINUE : RQ_LIST);
    if (cont && *cont)
        dc_fault_hold_list_page(); /* --hold-list-pages; before the store's lock */
    bool table = dc_want_table(c);
    unsigned long long list_rv = 0;
    char *start = NULL;
    dc_lock();
    if (cont && *cont) {
        if (!parse_continue(cont, &list_rv, &start)) {
            dc_unlock();
            dc_selector_free(sel);
            return dc_send_status(c, 400, "BadRequest", "continue key is not valid: illegal base64 data");
        }
        if (list_rv < dc_store_oldest_rv()) {
            dc_unlock();
            dc_selector_free(sel);
            free(start);
            return dc_send_status(c, 410, "Expired",
                                  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
        }
    } else {
        list_rv = dc_store_rv();
    }
    size_t n;
    dc_object **items = dc_store_range(r, ns, &n);
    size_t lo = 0;
    if (start) {
        /* binary search for the first key after start */
        size_t a = 0, b = n;
        while (a < b) {
            size_t m = (a + b) / 2;
            if (strcmp(items[m]->key, start) <= 0)
                a = m + 1;
            else
                b = m;
        }
        lo = a;
    }
    tt_buf body = TT_BUF_INIT;
    char rvs[32];
    snprintf(rvs, sizeof rvs, "%llu", list_rv);
    bool direct = !table && limit <= 0; /* no continue: the header is known now */
    if (direct) {
        size_t est = 256;
        for (size_t i = lo; i < n; i++)
            est += items[i]->json_len + 1;
        body.data = tt_malloc(est);
        body.cap = est;
        body.data[0] = '\0';
        tt_buf_printf(&body,
                      "{\"kind\":\"%sList\",\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":\"%s\"},\"items\":[",
                      r->kind, dc_resource_api_version(r), rvs);
    }
    bool match_all = dc_selector_empty(sel);
    json_t **tobjs = NULL;
    size_t count = 0, remaining = 0;
    const char *last_key = NULL;
    bool more = false;
    /* Without a selector every item after the page matches: the rest is
     * counted, not walked (walking made each page O(collection)). */
    const char *ls = dc_arg(c, "labelSelector"), *fs = dc_arg(c, "fieldSelector");
    bool any_selector = (ls && *ls) || (fs && *fs);
    for (size_t i = lo; i < n; i++) {
        dc_object *o = items[i];
        if (ns && strcmp(o->ns, ns) != 0)
            continue;
        if (limit > 0 && (long)count >= limit && !any_selector) {
            more = true;
            remaining = n - i;
            break;
        }
        if (!match_all && !dc_selector_match(sel, o->obj))
            continue;
        if (limit > 0 && (long)count >= limit) {
            more = true;
            remaining++;
            continue;
        }
        if (table) {
            tobjs = tt_realloc(tobjs, (count + 1) * sizeof *tobjs);
            tobjs[count] = o->obj;
        } else {
            size_t len;
            const char *j = dc_object_json(o, &len);
            if (count)
                tt_buf_putc(&body, ',');
            tt_buf_append(&body, j, len);
        }
        last_key = o->key;
        count++;
    }
    char *tok = more && last_key ? continue_token(list_rv, last_key) : NULL;
    enum MHD_Result ret;
    if (table) {
        json_t *t = dc_table_new(r, tobjs, count, true);
        dc_unlock();
        json_t *md = json_pack("{s:s}", "resourceVersion", rvs);
        if (tok) {
            json_object_set_new(md, "continue", json_string(tok));
            json_object_set_new(md, "remainingItemCount", json_integer((json_int_t)remaining));
        }
        json_object_set_new(t, "metadata", md);
        ret = dc_send_json(c, 200, t);
        free(tobjs);
    } else if (direct) {
        dc_unlock();
        tt_buf_puts(&body, "]}");
        size_t len = body.len;
        ret = dc_send(c, 200, "application/json", tt_buf_steal(&body), len);
    } else {
        dc_unlock();
        tt_buf out = TT_BUF_INIT;
        tt_buf_printf(&out,
                      "{\"kind\":\"%sList\",\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":\"%s\"",
                      r->kind, dc_resource_api_version(r), rvs);
        if (tok)
            tt_buf_printf(&out, ",\"continue\":\"%s\",\"remainingItemCount\":%zu", tok, remaining);
        tt_buf_puts(&out, "},\"items\":[");
        if (body.len)
            tt_buf_append(&out, body.data, body.len);
        tt_buf_puts(&out, "]}");
        tt_buf_free(&body);
        size_t len = out.len;
        ret = dc_send(c, 200, "application/json", tt_buf_steal(&out), len);
    }
    free(tok);
    free(start);
    dc_selector_free(sel);
    return ret;
}
