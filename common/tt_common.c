#include "tt_common.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- errors --------------------------------------------------------- */

void tt_error_clear(tt_error *err)
{
    if (!err)
        return;
    err->code = TT_OK;
    err->reason[0] = '\0';
    err->message[0] = '\0';
}

void tt_error_setv(tt_error *err, int code, const char *fmt, va_list ap)
{
    if (!err)
        return;
    err->code = code;
    err->reason[0] = '\0';
    vsnprintf(err->message, sizeof err->message, fmt, ap);
}

void tt_error_set(tt_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tt_error_setv(err, code, fmt, ap);
    va_end(ap);
}

void tt_error_prefix(tt_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char old[sizeof err->message];
    memcpy(old, err->message, sizeof old);
    /* Truncation is acceptable: the start of the sentence matters most. */
    tt_buf b = TT_BUF_INIT;
    tt_buf_printf(&b, "%s: %s", prefix, old);
    tt_strlcpy(err->message, b.data, sizeof err->message);
    tt_buf_free(&b);
}

/* ---- allocation ------------------------------------------------------ */

static void oom(size_t n)
{
    fprintf(stderr, "ttstui: out of memory (%zu bytes)\n", n);
    abort();
}

void *tt_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *tt_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *tt_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *tt_strdup(const char *s)
{
    if (!s)
        return NULL;
    return tt_strndup(s, strlen(s));
}

char *tt_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    size_t len = strnlen(s, n);
    char *d = tt_malloc(len + 1);
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *tt_memdup0(const void *p, size_t n)
{
    if (!p)
        return NULL;
    char *d = tt_malloc(n + 1);
    memcpy(d, p, n);
    d[n] = '\0';
    return d;
}

char *tt_asprintf(const char *fmt, ...)
{
    tt_buf b = TT_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    tt_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return tt_buf_steal(&b);
}

void tt_explicit_bzero(void *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n);
}

void tt_free_secret(char *s)
{
    if (!s)
        return;
    tt_explicit_bzero(s, strlen(s));
    free(s);
}

/* ---- growable buffer ------------------------------------------------- */

static void buf_reserve(tt_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->data = tt_realloc(b->data, cap);
    b->cap = cap;
}

void tt_buf_append(tt_buf *b, const void *data, size_t n)
{
    buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void tt_buf_puts(tt_buf *b, const char *s)
{
    tt_buf_append(b, s, strlen(s));
}

void tt_buf_putc(tt_buf *b, char c)
{
    tt_buf_append(b, &c, 1);
}

void tt_buf_vprintf(tt_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void tt_buf_printf(tt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tt_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void tt_buf_reset(tt_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *tt_buf_steal(tt_buf *b)
{
    char *d = b->data ? b->data : tt_strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

void tt_buf_free(tt_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void tt_buf_consume(tt_buf *b, size_t n)
{
    if (n >= b->len) {
        tt_buf_reset(b);
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->data[b->len] = '\0';
}

/* ---- base64 ---------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *tt_base64_encode(const void *data, size_t len)
{
    const unsigned char *in = data;
    size_t out_len = 4 * ((len + 2) / 3);
    char *out = tt_malloc(out_len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < len)
            v |= in[i + 2];
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? b64[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

static int b64_value(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

unsigned char *tt_base64_decode(const char *text, size_t *out_len)
{
    size_t n = strlen(text);
    unsigned char *out = tt_malloc(n / 4 * 3 + 4);
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0, pad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        if (c == '=') {
            pad++;
            continue;
        }
        int v = b64_value(c);
        if (v < 0 || pad) {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)((acc >> bits) & 0xff);
        }
    }
    if (pad > 2 || bits >= 6) {
        free(out);
        return NULL;
    }
    out[o] = '\0';
    if (out_len)
        *out_len = o;
    return out;
}

/* ---- files ----------------------------------------------------------- */

/* What was read from paths that cannot be read twice (pipes, FIFOs). */
typedef struct stream_read {
    char *path;
    char *data;
    size_t len;
    struct stream_read *next;
} stream_read;

static stream_read *g_streams;
static pthread_mutex_t g_streams_lock = PTHREAD_MUTEX_INITIALIZER;

/* Reads a pipe or FIFO without blocking in open (a FIFO with no writer
 * would block there for ever): waits at most TT_STREAM_WAIT_MS for each
 * piece, so a writer that never comes or stalls is an error. */
static char *read_stream(const char *path, size_t *out_len, size_t max_size, tt_error *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        tt_error_set(err, TT_EIO, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    tt_buf b = TT_BUF_INIT;
    char chunk[8192];
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int pr = poll(&pfd, 1, TT_STREAM_WAIT_MS);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr == 0) {
            tt_error_set(err, TT_EIO,
                         "%s: nothing %s within %d s (a pipe or FIFO needs a writer, e.g. "
                         "<(cat FILE))",
                         path, b.len ? "more was written to it" : "was written to it",
                         TT_STREAM_WAIT_MS / 1000);
            goto fail;
        }
        if (pr < 0) {
            tt_error_set(err, TT_EIO, "cannot read %s: %s", path, strerror(errno));
            goto fail;
        }
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n < 0) {
            tt_error_set(err, TT_EIO, "cannot read %s: %s", path, strerror(errno));
            goto fail;
        }
        if (n == 0)
            break;
        if (b.len + (size_t)n > max_size) {
            tt_error_set(err, TT_EIO, "%s is larger than %zu bytes", path, max_size);
            goto fail;
        }
        tt_buf_append(&b, chunk, (size_t)n);
    }
    close(fd);
    if (out_len)
        *out_len = b.len;
    return tt_buf_steal(&b);
fail:
    close(fd);
    tt_buf_free(&b);
    return NULL;
}

/* A path that is not a regular file: its bytes as first read (kept for
 * every later read), or NULL with err. */
static char *read_stream_once(const char *path, size_t *out_len, size_t max_size, tt_error *err)
{
    pthread_mutex_lock(&g_streams_lock);
    for (stream_read *s = g_streams; s; s = s->next) {
        if (strcmp(s->path, path) == 0) {
            char *copy = tt_malloc(s->len + 1);
            memcpy(copy, s->data, s->len + 1);
            if (out_len)
                *out_len = s->len;
            pthread_mutex_unlock(&g_streams_lock);
            if (s->len > max_size) {
                free(copy);
                tt_error_set(err, TT_EIO, "%s is larger than %zu bytes", path, max_size);
                return NULL;
            }
            return copy;
        }
    }
    size_t len = 0;
    char *data = read_stream(path, &len, max_size, err);
    if (data) {
        stream_read *s = tt_calloc(1, sizeof *s);
        s->path = tt_strdup(path);
        s->data = tt_malloc(len + 1);
        memcpy(s->data, data, len + 1);
        s->len = len;
        s->next = g_streams;
        g_streams = s;
        if (out_len)
            *out_len = len;
    }
    pthread_mutex_unlock(&g_streams_lock);
    return data;
}

char *tt_read_file(const char *path, size_t *out_len, size_t max_size, tt_error *err)
{
    if (!max_size)
        max_size = 64u << 20;
    struct stat st;
    if (stat(path, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) ||
                                 S_ISSOCK(st.st_mode)))
        return read_stream_once(path, out_len, max_size, err);
    FILE *f = fopen(path, "rb");
    if (!f) {
        tt_error_set(err, TT_EIO, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    tt_buf b = TT_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > max_size) {
            tt_error_set(err, TT_EIO, "%s is larger than %zu bytes", path, max_size);
            fclose(f);
            tt_buf_free(&b);
            return NULL;
        }
        tt_buf_append(&b, chunk, n);
    }
    if (ferror(f)) {
        tt_error_set(err, TT_EIO, "cannot read %s: %s", path, strerror(errno));
        fclose(f);
        tt_buf_free(&b);
        return NULL;
    }
    fclose(f);
    if (out_len)
        *out_len = b.len;
    return tt_buf_steal(&b);
}

int tt_write_file_private(const char *path, const void *data, size_t len, tt_error *err)
{
    char *tmp = tt_asprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        tt_error_set(err, TT_EIO, "cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            tt_error_set(err, TT_EIO, "cannot write %s: %s", tmp, strerror(errno));
            close(fd);
            unlink(tmp);
            free(tmp);
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        tt_error_set(err, TT_EIO, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int tt_mkdir_p(const char *path, unsigned mode, tt_error *err)
{
    char *p = tt_strdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, mode) != 0 && errno != EEXIST) {
            tt_error_set(err, TT_EIO, "cannot create directory %s: %s", p, strerror(errno));
            free(p);
            return -1;
        }
        *s = '/';
    }
    if (mkdir(p, mode) != 0 && errno != EEXIST) {
        tt_error_set(err, TT_EIO, "cannot create directory %s: %s", p, strerror(errno));
        free(p);
        return -1;
    }
    free(p);
    return 0;
}

bool tt_str_has_prefix(const char *s, const char *prefix)
{
    return s && prefix && strncmp(s, prefix, strlen(prefix)) == 0;
}

bool tt_str_has_suffix(const char *s, const char *suffix)
{
    if (!s || !suffix)
        return false;
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

bool tt_streq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

size_t tt_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}

long long tt_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- durations ------------------------------------------------------- */

int tt_parse_duration(const char *flag, const char *text, long long *ms, tt_error *err)
{
    static const long long max_ms = 7LL * 24 * 3600 * 1000;
    if (!text || !*text)
        goto bad;
    long long total = 0;
    const char *p = text;
    while (*p) {
        if (!isdigit((unsigned char)*p))
            goto bad;
        errno = 0;
        char *end;
        long long n = strtoll(p, &end, 10);
        if (errno || n > max_ms)
            goto too_long;
        long long unit;
        if (strncmp(end, "ms", 2) == 0) {
            unit = 1;
            end += 2;
        } else if (*end == 's') {
            unit = 1000;
            end++;
        } else if (*end == 'm') {
            unit = 60 * 1000;
            end++;
        } else if (*end == 'h') {
            unit = 3600 * 1000;
            end++;
        } else if (*end == '\0' && p == text) {
            unit = 1000; /* plain seconds */
        } else {
            goto bad;
        }
        total += n * unit;
        if (total > max_ms)
            goto too_long;
        p = end;
    }
    if (total <= 0) {
        tt_error_set(err, TT_EINVAL, "%s: the duration must be more than zero, not '%s'", flag,
                     text);
        return -1;
    }
    *ms = total;
    return 0;
bad:
    tt_error_set(err, TT_EINVAL,
                 "%s: '%s' is not a duration (use e.g. 30s, 5m, 1h, 1h30m or plain seconds)",
                 flag, text ? text : "");
    return -1;
too_long:
    tt_error_set(err, TT_EINVAL, "%s: '%s' is longer than the limit of 7 days", flag, text);
    return -1;
}
