/*
 * fuzz.h -- what the libFuzzer harnesses in tests/fuzz/ share.
 *
 * Each fuzz_<name>.c defines LLVMFuzzerTestOneInput and calls only the public
 * API of sim/ and solvers/. It is linked either with libFuzzer (clang
 * -fsanitize=fuzzer, scripts/fuzz.sh) or with replay_main.c (any C compiler,
 * `make fuzz-replay`), which feeds it the saved corpus. A harness keeps no
 * state between inputs except the one scratch file path made here.
 */
#ifndef MYCOSIM_FUZZ_H
#define MYCOSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The libFuzzer entry point: run one input; always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a broken invariant and abort (a finding, for libFuzzer and for replay). */
#define FUZZ_FAIL(...) do { fprintf(stderr, "fuzz: "); fprintf(stderr, __VA_ARGS__); \
                            fputc('\n', stderr); abort(); } while (0)

/* The scratch path's storage (a function-local static, so no variable lives in the header). */
static inline char *fuzz_tmp_buf(void)
{
    static char path[256];
    return path;
}

static inline void fuzz_tmp_cleanup(void)
{
    unlink(fuzz_tmp_buf());
}

/*
 * The one scratch file path of this process, made on the first call:
 * $TMPDIR, else /dev/shm, else /tmp, then mycosim-fuzz-PID-TAG; removed at
 * exit. A harness uses one tag.
 */
static inline const char *fuzz_tmp_path(const char *tag)
{
    char *p = fuzz_tmp_buf();
    if (p[0] == '\0') {
        const char *dir = getenv("TMPDIR");
        if (dir == NULL || dir[0] == '\0') {
            dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        }
        snprintf(p, 256, "%s/mycosim-fuzz-%ld-%s", dir, (long)getpid(), tag);
        atexit(fuzz_tmp_cleanup);
    }
    return p;
}

/* With FUZZ_VERBOSE set in the environment, print what the library answered (for triage). */
static inline void fuzz_note(const char *what, const char *msg)
{
    if (getenv("FUZZ_VERBOSE") != NULL) {
        fprintf(stderr, "%s: %s\n", what, msg);
    }
}

/* Write size bytes to path, replacing it; aborts on I/O failure (not a finding of the library). */
static inline void fuzz_write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

#endif
