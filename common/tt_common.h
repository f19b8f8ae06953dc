/*
 * Small shared utilities for every ttstui module: errors as values,
 * growable buffers, allocation that aborts on exhaustion, base64 and
 * whole-file reads. No I/O to a terminal or the network.
 */
#ifndef TT_COMMON_H
#define TT_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define TT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors --------------------------------------------------------- */

/*
 * An error travels as a value. `code` is an HTTP status when the error
 * came from an API server (401, 403, 404, 409, 410, 422 ...), or one of the
 * negative TT_E* codes for local failures. `reason` is the Kubernetes
 * Status reason when there is one ("NotFound", "Conflict" ...). `message`
 * is a sentence a person can act on; it never contains a secret.
 */
enum {
    TT_OK = 0,
    TT_EINVAL = -1,    /* bad input from the user or a file */
    TT_EIO = -2,       /* a file or process could not be read/run */
    TT_ENET = -3,      /* the server could not be reached or hung up */
    TT_EPROTO = -4,    /* the server answered something we cannot decode */
    TT_ECANCELED = -5, /* the caller asked to stop */
    TT_ETIMEDOUT = -6,
    TT_EREFUSED = -7,  /* a safety rule refused the change */
};

typedef struct tt_error {
    int code;
    char reason[64];
    char message[2048];
} tt_error;

void tt_error_clear(tt_error *err);
/* Sets code and message (printf-style); reason is cleared. err may be NULL. */
void tt_error_set(tt_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tt_error_setv(tt_error *err, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Prepends "context: " to an existing message. */
void tt_error_prefix(tt_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- allocation ------------------------------------------------------ */

/* These abort with a message on exhaustion; they never return NULL. */
void *tt_malloc(size_t n);
void *tt_calloc(size_t n, size_t size);
void *tt_realloc(void *p, size_t n);
char *tt_strdup(const char *s);             /* NULL in, NULL out */
char *tt_strndup(const char *s, size_t n);
/* Copies exactly n bytes (NULs included) and terminates; NULL in, NULL out. */
char *tt_memdup0(const void *p, size_t n);
/* Returns a newly allocated formatted string; caller frees. */
char *tt_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Overwrites then frees a string that held a secret. NULL is fine. */
void tt_free_secret(char *s);
void tt_explicit_bzero(void *p, size_t n);

/* ---- growable buffer ------------------------------------------------- */

typedef struct tt_buf {
    char *data; /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
} tt_buf;

#define TT_BUF_INIT {NULL, 0, 0}

void tt_buf_append(tt_buf *b, const void *data, size_t n);
void tt_buf_puts(tt_buf *b, const char *s);
void tt_buf_putc(tt_buf *b, char c);
void tt_buf_printf(tt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tt_buf_vprintf(tt_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void tt_buf_reset(tt_buf *b);                 /* len = 0, keeps memory */
/* Hands the contents to the caller (never NULL; "" when empty). */
char *tt_buf_steal(tt_buf *b);
void tt_buf_free(tt_buf *b);
/* Drops the first n bytes. */
void tt_buf_consume(tt_buf *b, size_t n);

/* ---- base64 (standard alphabet, padded) ------------------------------ */

/* Caller frees. */
char *tt_base64_encode(const void *data, size_t len);
/* Returns a newly allocated, NUL-terminated buffer and its length, or NULL
 * when the input is not valid base64 (whitespace is ignored). */
unsigned char *tt_base64_decode(const char *text, size_t *out_len);

/* "30s", "5m", "1h30m", "250ms" or plain seconds ("45") to milliseconds:
 * more than zero, at most 7 days. -1 with err starting with what (a flag
 * or a setting's name) otherwise. */
int tt_parse_duration(const char *what, const char *text, long long *ms, tt_error *err);

/* ---- files and strings ----------------------------------------------- */

/* Reads a whole file (NUL-terminated). NULL with err set on failure,
 * naming the path and the reason. Caller frees. max_size 0 = 64 MiB.
 * A path that is not a regular file (a FIFO, a process substitution's
 * /dev/fd/N, a terminal) is read once per process and the bytes kept, so
 * every later read of the same path sees them too; a FIFO nobody writes
 * to within TT_STREAM_WAIT_MS is an error, not a hang. */
#define TT_STREAM_WAIT_MS 5000
char *tt_read_file(const char *path, size_t *out_len, size_t max_size, tt_error *err);
/* Writes a file with mode 0600 atomically (temp file + rename). */
int tt_write_file_private(const char *path, const void *data, size_t len, tt_error *err);
/* Creates every missing directory of path with the given mode. */
int tt_mkdir_p(const char *path, unsigned mode, tt_error *err);

bool tt_str_has_prefix(const char *s, const char *prefix);
bool tt_str_has_suffix(const char *s, const char *suffix);
bool tt_streq(const char *a, const char *b); /* NULL-safe */
/* Copies at most size-1 bytes and terminates; returns strlen(src). */
size_t tt_strlcpy(char *dst, const char *src, size_t size);

/* Monotonic clock in milliseconds. */
long long tt_now_ms(void);

#endif
