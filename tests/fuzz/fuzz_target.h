/*
 * What every fuzz target shares: the libFuzzer entry point (defined once
 * per fuzz_<name>.c, called by libFuzzer or by replay_main.c) and a check
 * that aborts with a message, so a broken invariant is a crash the fuzzer
 * saves like any other.
 */
#ifndef TTSTUI_FUZZ_TARGET_H
#define TTSTUI_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tt_common.h"

/* Runs one input; always returns 0 (libFuzzer reserves other values). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                    \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: invariant broken: %s: ", __FILE__, __LINE__, \
                    #cond);                                                      \
            fprintf(stderr, __VA_ARGS__);                                        \
            fputc('\n', stderr);                                                 \
            abort();                                                             \
        }                                                                        \
    } while (0)

/* A tt_error a library filled: terminated strings, a message when failed. */
static inline void fuzz_check_error(const tt_error *err, int failed)
{
    FUZZ_CHECK(memchr(err->message, '\0', sizeof err->message) != NULL,
               "message not terminated");
    FUZZ_CHECK(memchr(err->reason, '\0', sizeof err->reason) != NULL, "reason not terminated");
    if (failed)
        FUZZ_CHECK(err->message[0] != '\0', "failure without a message (code %d)", err->code);
}

/* A NUL-terminated copy of bytes (the input may hold NULs: C string APIs
 * then see a prefix, which is what a file read would give them too). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = tt_malloc(size + 1);
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* xorshift64*: split points and choices derived from the input, so a
 * saved crash replays exactly. */
static inline uint64_t fuzz_hash(const uint8_t *data, size_t size)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211ull;
    return h ? h : 1;
}

static inline uint64_t fuzz_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 2685821657736338717ull;
}

/* For loaders that only read paths: the input written to one private
 * temporary file per process ($TMPDIR or /tmp, name ending in suffix,
 * removed at exit), rewritten for each input. Returns its path. */
static char fuzz_tmp_path[256];
static int fuzz_tmp_fd = -1;

static inline void fuzz_remove_temp(void)
{
    if (fuzz_tmp_fd >= 0) {
        close(fuzz_tmp_fd);
        unlink(fuzz_tmp_path);
    }
}

static inline const char *fuzz_write_temp(const char *suffix, const uint8_t *data, size_t size)
{
    if (fuzz_tmp_fd < 0) {
        const char *dir = getenv("TMPDIR");
        snprintf(fuzz_tmp_path, sizeof fuzz_tmp_path, "%s/ttstui-fuzz-XXXXXX%s",
                 dir && dir[0] == '/' ? dir : "/tmp", suffix);
        fuzz_tmp_fd = mkstemps(fuzz_tmp_path, (int)strlen(suffix));
        FUZZ_CHECK(fuzz_tmp_fd >= 0, "cannot create %s", fuzz_tmp_path);
        atexit(fuzz_remove_temp);
    }
    FUZZ_CHECK(ftruncate(fuzz_tmp_fd, 0) == 0, "cannot truncate %s", fuzz_tmp_path);
    size_t off = 0;
    while (off < size) {
        ssize_t n = pwrite(fuzz_tmp_fd, data + off, size - off, (off_t)off);
        FUZZ_CHECK(n > 0, "cannot write %s", fuzz_tmp_path);
        off += (size_t)n;
    }
    return fuzz_tmp_path;
}

#endif
