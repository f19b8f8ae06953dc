/*
 * JSON <-> YAML stream with libyaml's event API.
 */
#include "manifest_yaml.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#define MAX_DEPTH 128

/* ---- quoting rule ---------------------------------------------------- */

/* Words YAML 1.1 (kubectl's reader) or 1.2 read as null or a boolean,
 * compared without case. "<<" is 1.1's merge key, "=" its value key. */
static const char *const special_words[] = {
    "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", "<<", "=",
};

bool manifest_yaml_needs_quotes(const char *s)
{
    if (!*s)
        return true;
    for (size_t i = 0; i < TT_ARRAY_LEN(special_words); i++)
        if (strcasecmp(s, special_words[i]) == 0)
            return true;
    const char *r = s;
    if (*r == '+' || *r == '-')
        r++;
    if (*r == '.' && (strcasecmp(r + 1, "inf") == 0 || strcasecmp(r + 1, "nan") == 0))
        return true;
    if (r[0] == '0' && strchr("xXoObB", r[1]) && r[1] && r[2])
        return true;
    /* Dates and timestamps: 1.1 readers turn them into times. */
    if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
        isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) && s[4] == '-')
        return true;
    /* Integers, floats, sexagesimals, 1_000, 1e3 ... : only number
     * characters and at least one digit. Over-quoting is harmless. */
    bool digit = false;
    for (const char *p = r; *p; p++) {
        if (isdigit((unsigned char)*p))
            digit = true;
        else if (!strchr("_.:eE+-", *p))
            return false;
    }
    return digit;
}

/* ---- emitter --------------------------------------------------------- */

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
    tt_buf_append(data, buffer, size);
    return 1;
}

static int emit_scalar(yaml_emitter_t *em, const char *value, size_t len, yaml_scalar_style_t style)
{
    yaml_event_t ev;
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)value, (int)len, 1, 1, style))
        return 0;
    return yaml_emitter_emit(em, &ev);
}

static int emit_string(yaml_emitter_t *em, const char *s, size_t len)
{
    yaml_scalar_style_t style = YAML_PLAIN_SCALAR_STYLE;
    if (strlen(s) != len || manifest_yaml_needs_quotes(s))
        style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    else if (memchr(s, '\n', len))
        style = YAML_LITERAL_SCALAR_STYLE;
    return emit_scalar(em, s, len, style);
}

/* Shortest "%.*g" that reads back to the same double, with a '.' or an
 * exponent so it stays a float. */
static void format_real(double d, char *buf, size_t size)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    if (!strpbrk(buf, ".eE"))
        strncat(buf, ".0", size - strlen(buf) - 1);
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int emit_node(yaml_emitter_t *em, const json_t *v, unsigned flags, int depth);

static int emit_object(yaml_emitter_t *em, const json_t *obj, unsigned flags, int depth)
{
    yaml_event_t ev;
    if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) ||
        !yaml_emitter_emit(em, &ev))
        return 0;
    size_t n = json_object_size(obj), i = 0;
    const char **keys = tt_calloc(n ? n : 1, sizeof *keys);
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value) keys[i++] = key;
    if (!(flags & MANIFEST_YAML_KEEP_ORDER))
        qsort(keys, n, sizeof *keys, compare_keys);
    int ok = 1;
    for (i = 0; ok && i < n; i++)
        ok = emit_string(em, keys[i], strlen(keys[i])) &&
             emit_node(em, json_object_get(obj, keys[i]), flags, depth + 1);
    free(keys);
    if (!ok)
        return 0;
    return yaml_mapping_end_event_initialize(&ev) && yaml_emitter_emit(em, &ev);
}

static int emit_array(yaml_emitter_t *em, const json_t *arr, unsigned flags, int depth)
{
    yaml_event_t ev;
    if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE) ||
        !yaml_emitter_emit(em, &ev))
        return 0;
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item) {
        if (!emit_node(em, item, flags, depth + 1))
            return 0;
    }
    return yaml_sequence_end_event_initialize(&ev) && yaml_emitter_emit(em, &ev);
}

static int emit_node(yaml_emitter_t *em, const json_t *v, unsigned flags, int depth)
{
    char num[64];
    if (depth > MAX_DEPTH)
        return 0;
    switch (json_typeof(v)) {
    case JSON_OBJECT: return emit_object(em, v, flags, depth);
    case JSON_ARRAY: return emit_array(em, v, flags, depth);
    case JSON_STRING: return emit_string(em, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return emit_scalar(em, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
    case JSON_REAL:
        format_real(json_real_value(v), num, sizeof num);
        return emit_scalar(em, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
    case JSON_TRUE: return emit_scalar(em, "true", 4, YAML_PLAIN_SCALAR_STYLE);
    case JSON_FALSE: return emit_scalar(em, "false", 5, YAML_PLAIN_SCALAR_STYLE);
    case JSON_NULL: return emit_scalar(em, "null", 4, YAML_PLAIN_SCALAR_STYLE);
    }
    return 0;
}

static int emit_document(yaml_emitter_t *em, const json_t *doc, unsigned flags)
{
    yaml_event_t ev;
    return yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0) &&
           yaml_emitter_emit(em, &ev) && emit_node(em, doc, flags, 0) &&
           yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(em, &ev);
}

char *manifest_yaml_emit(const json_t *docs, unsigned flags, tt_error *err)
{
    tt_buf out = TT_BUF_INIT;
    yaml_emitter_t em;
    yaml_event_t ev;
    if (!yaml_emitter_initialize(&em)) {
        tt_error_set(err, TT_EIO, "YAML emitter: out of memory");
        return NULL;
    }
    yaml_emitter_set_output(&em, write_handler, &out);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_width(&em, -1); /* never fold long lines */
    yaml_emitter_set_indent(&em, 2);
    int ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
             yaml_emitter_emit(&em, &ev);
    if (json_is_array(docs)) {
        size_t i;
        json_t *doc;
        json_array_foreach(docs, i, doc) {
            if (!ok)
                break;
            ok = emit_document(&em, doc, flags);
        }
    } else if (ok) {
        ok = emit_document(&em, docs, flags);
    }
    ok = ok && yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&em, &ev) &&
         yaml_emitter_flush(&em);
    if (!ok) {
        tt_error_set(err, TT_EINVAL, "cannot write YAML: %s",
                     em.problem ? em.problem : "nesting too deep");
        yaml_emitter_delete(&em);
        tt_buf_free(&out);
        return NULL;
    }
    yaml_emitter_delete(&em);
    return tt_buf_steal(&out);
}

/* ---- parser ---------------------------------------------------------- */

typedef struct parse_state {
    yaml_parser_t parser;
    tt_error *err;
} parse_state;

static void parse_fail(parse_state *st, const yaml_mark_t *mark, const char *what)
{
    tt_error_set(st->err, TT_EINVAL, "YAML line %zu column %zu: %s", mark->line + 1,
                 mark->column + 1, what);
}

static bool next_event(parse_state *st, yaml_event_t *ev)
{
    if (yaml_parser_parse(&st->parser, ev))
        return true;
    yaml_parser_t *p = &st->parser;
    const yaml_mark_t *mark = p->context ? &p->context_mark : &p->problem_mark;
    if (p->context)
        tt_error_set(st->err, TT_EINVAL, "YAML line %zu column %zu: %s %s", p->problem_mark.line + 1,
                     p->problem_mark.column + 1, p->problem ? p->problem : "syntax error",
                     p->context);
    else
        parse_fail(st, mark, p->problem ? p->problem : "syntax error");
    return false;
}

static bool all_digits(const char *s, const char *set)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!strchr(set, *s))
            return false;
    return true;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool is_core_float(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    size_t before = strspn(s, "0123456789");
    s += before;
    size_t after = 0;
    if (*s == '.') {
        s++;
        after = strspn(s, "0123456789");
        s += after;
    }
    if (before == 0 && after == 0)
        return false;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        size_t exp = strspn(s, "0123456789");
        if (exp == 0)
            return false;
        s += exp;
    }
    return *s == '\0';
}

/* A plain scalar by the YAML 1.2 core schema. NULL: a number JSON cannot
 * hold (.inf, .nan, out of range). */
static json_t *resolve_plain(const char *s, size_t len)
{
    if (len == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
        strcmp(s, "NULL") == 0)
        return json_null();
    if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0)
        return json_true();
    if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0)
        return json_false();
    const char *r = (*s == '-' || *s == '+') ? s + 1 : s;
    int base = 0;
    const char *digits = NULL;
    if (all_digits(r, "0123456789"))
        base = 10, digits = s;
    else if (s[0] == '0' && s[1] == 'x' && all_digits(s + 2, "0123456789abcdefABCDEF"))
        base = 16, digits = s + 2;
    else if (s[0] == '0' && s[1] == 'o' && all_digits(s + 2, "01234567"))
        base = 8, digits = s + 2;
    if (base) {
        errno = 0;
        long long v = strtoll(digits, NULL, base);
        return errno == ERANGE ? NULL : json_integer(v);
    }
    if (is_core_float(s)) {
        errno = 0;
        double d = strtod(s, NULL);
        return (errno == ERANGE || !isfinite(d)) ? NULL : json_real(d);
    }
    if (*r == '.' && (strcasecmp(r + 1, "inf") == 0 || strcasecmp(r + 1, "nan") == 0))
        return NULL;
    return json_stringn(s, len);
}

static json_t *parse_node(parse_state *st, yaml_event_t *ev, int depth);

static json_t *parse_scalar(parse_state *st, yaml_event_t *ev)
{
    const char *value = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    json_t *v;
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
        (tag && strcmp(tag, YAML_STR_TAG) == 0))
        v = json_stringn(value, len);
    else
        v = resolve_plain(value, len);
    if (!v)
        parse_fail(st, &ev->start_mark, "a number JSON cannot hold (infinite, NaN or too large)");
    return v;
}

static json_t *parse_mapping(parse_state *st, int depth)
{
    json_t *obj = json_object();
    for (;;) {
        yaml_event_t ev;
        if (!next_event(st, &ev))
            goto fail;
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            return obj;
        }
        if (ev.type != YAML_SCALAR_EVENT) {
            parse_fail(st, &ev.start_mark, "a mapping key must be a scalar");
            yaml_event_delete(&ev);
            goto fail;
        }
        char *key = tt_strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
        yaml_mark_t mark = ev.start_mark;
        yaml_event_delete(&ev);
        if (json_object_get(obj, key)) {
            char msg[300];
            snprintf(msg, sizeof msg, "duplicate key \"%.200s\"", key);
            parse_fail(st, &mark, msg);
            free(key);
            goto fail;
        }
        if (!next_event(st, &ev)) {
            free(key);
            goto fail;
        }
        json_t *value = parse_node(st, &ev, depth + 1);
        yaml_event_delete(&ev);
        if (!value) {
            free(key);
            goto fail;
        }
        json_object_set_new(obj, key, value);
        free(key);
    }
fail:
    json_decref(obj);
    return NULL;
}

static json_t *parse_sequence(parse_state *st, int depth)
{
    json_t *arr = json_array();
    for (;;) {
        yaml_event_t ev;
        if (!next_event(st, &ev)) {
            json_decref(arr);
            return NULL;
        }
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return arr;
        }
        json_t *item = parse_node(st, &ev, depth + 1);
        yaml_event_delete(&ev);
        if (!item) {
            json_decref(arr);
            return NULL;
        }
        json_array_append_new(arr, item);
    }
}

/* The node starting with ev (which the caller deletes). */
static json_t *parse_node(parse_state *st, yaml_event_t *ev, int depth)
{
    if (depth > MAX_DEPTH) {
        parse_fail(st, &ev->start_mark, "nested too deeply");
        return NULL;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT: return parse_scalar(st, ev);
    case YAML_MAPPING_START_EVENT: return parse_mapping(st, depth);
    case YAML_SEQUENCE_START_EVENT: return parse_sequence(st, depth);
    case YAML_ALIAS_EVENT: parse_fail(st, &ev->start_mark, "aliases (*name) are not supported"); return NULL;
    default: parse_fail(st, &ev->start_mark, "unexpected YAML event"); return NULL;
    }
}

json_t *manifest_yaml_parse(const char *text, size_t len, tt_error *err)
{
    parse_state st = {.err = err};
    if (!yaml_parser_initialize(&st.parser)) {
        tt_error_set(err, TT_EIO, "YAML parser: out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&st.parser, (const unsigned char *)text, len);
    json_t *docs = json_array();
    bool done = false;
    while (!done) {
        yaml_event_t ev;
        if (!next_event(&st, &ev))
            goto fail;
        if (ev.type == YAML_STREAM_END_EVENT) {
            done = true;
        } else if (ev.type != YAML_STREAM_START_EVENT && ev.type != YAML_DOCUMENT_START_EVENT &&
                   ev.type != YAML_DOCUMENT_END_EVENT) {
            json_t *doc = parse_node(&st, &ev, 0);
            if (!doc) {
                yaml_event_delete(&ev);
                goto fail;
            }
            /* An empty document ("---" alone) is a null: skip it. */
            if (json_is_null(doc))
                json_decref(doc);
            else
                json_array_append_new(docs, doc);
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&st.parser);
    return docs;
fail:
    yaml_parser_delete(&st.parser);
    json_decref(docs);
    return NULL;
}

/* ---- JSON ------------------------------------------------------------ */

char *manifest_json_dump(const json_t *docs)
{
    char *text = json_dumps(docs, JSON_INDENT(2) | JSON_ENCODE_ANY);
    char *out = tt_asprintf("%s\n", text ? text : "null");
    free(text);
    return out;
}
