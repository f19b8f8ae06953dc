/*
 * Replays fuzz inputs without libFuzzer, so every build (gcc, ASan+UBSan,
 * valgrind) runs the seed corpora and the saved crashes as regression
 * tests:  fuzz_replay_<name> DIR_OR_FILE...
 *
 * Each regular file of each directory (sorted, dot-files skipped, not
 * recursive) is copied into a buffer of exactly its size (so a read past
 * the end is caught by ASan, as under libFuzzer) and handed to
 * LLVMFuzzerTestOneInput. The path is printed before each run, so a crash
 * names its input. Fails when an argument cannot be read or when there was
 * nothing to run at all (an empty corpus is a mistake, not a pass).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_target.h"
#include "tt_common.h"

static int replay_file(const char *path, size_t *count)
{
    tt_error err;
    tt_error_clear(&err);
    size_t len = 0;
    char *text = tt_read_file(path, &len, 0, &err);
    if (!text) {
        fprintf(stderr, "replay: %s\n", err.message);
        return -1;
    }
    /* Exactly len bytes, no terminating NUL: targets must not rely on one. */
    uint8_t *data = tt_malloc(len ? len : 1);
    memcpy(data, text, len);
    free(text);
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
    fflush(stderr);
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    (*count)++;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: cannot open %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        names = tt_realloc(names, (n + 1) * sizeof *names);
        names[n++] = tt_asprintf("%s/%s", dir, de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode) && replay_file(names[i], count) != 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    int rc = 0;
    size_t count = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: cannot open %s: %s\n", argv[i], strerror(errno));
            rc = 1;
        } else if (S_ISDIR(st.st_mode) ? replay_dir(argv[i], &count) != 0
                                        : replay_file(argv[i], &count) != 0) {
            rc = 1;
        }
    }
    if (count == 0) {
        fprintf(stderr, "replay: no inputs found in the given paths\n");
        return 1;
    }
    fprintf(stderr, "replay: %zu inputs ran without a crash\n", count);
    return rc;
}
