/*
 * replay_main.c -- run a fuzz harness on saved inputs, without libFuzzer.
 *
 *     replay_<harness> DIR_OR_FILE...
 *
 * Calls LLVMFuzzerTestOneInput once on every regular file of each directory
 * (sorted by name, not recursive; hidden files skipped) or on each file named,
 * and prints "replay: N inputs" at the end. Built with any C compiler and
 * -fsanitize=address,undefined -fno-sanitize-recover=undefined (`make
 * fuzz-replay`), so CI replays the corpus without clang: a sanitizer report
 * or an abort ends the process non-zero, after naming the input.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<sanitizer/common_interface_defs.h>)
#include <sanitizer/common_interface_defs.h>
#define REPLAY_HAVE_SANITIZER 1
#endif
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *volatile replay_current;

#ifdef REPLAY_HAVE_SANITIZER
/* Name the input when a sanitizer kills the process. */
static void replay_death(void)
{
    fprintf(stderr, "replay: failed on %s\n", replay_current ? replay_current : "(none)");
}
#endif

/* Name the input when a harness aborts (a broken invariant), then die of SIGABRT. */
static void replay_abort(int sig)
{
    const char *cur = replay_current ? replay_current : "(none)";
    static const char head[] = "replay: failed on ";
    if (write(2, head, sizeof head - 1) < 0 || write(2, cur, strlen(cur)) < 0 || write(2, "\n", 1) < 0) {
        /* nothing more to say */
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t cap = 0, len = 0;
    if (f == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (;;) {
        if (len == cap) {
            cap = cap ? 2 * cap : 4096;
            uint8_t *grown = realloc(data, cap);
            if (grown == NULL) {
                fprintf(stderr, "replay: %s: out of memory\n", path);
                free(data);
                fclose(f);
                return -1;
            }
            data = grown;
        }
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            break;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "replay: %s: read error\n", path);
        free(data);
        return -1;
    }
    replay_current = path;
    /* A copy of exactly len bytes, so ASan sees reads past the input's end. */
    uint8_t *exact = malloc(len ? len : 1);
    if (exact == NULL) {
        free(data);
        return -1;
    }
    memcpy(exact, data, len);
    free(data);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    replay_current = NULL;
    return 0;
}

static int replay_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay every regular file in dir; returns the count or -1. */
static long replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    long count = 0;
    struct dirent *de;
    if (d == NULL) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (grown == NULL) {
                count = -1;
                break;
            }
            names = grown;
        }
        size_t len = strlen(dir) + 1 + strlen(de->d_name) + 1;
        names[n] = malloc(len);
        if (names[n] == NULL) {
            count = -1;
            break;
        }
        snprintf(names[n], len, "%s/%s", dir, de->d_name);
        n++;
    }
    closedir(d);
    if (n > 0) {
        qsort(names, n, sizeof *names, replay_cmp);
    }
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (count >= 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            count = replay_file(names[i]) == 0 ? count + 1 : -1;
        }
        free(names[i]);
    }
    free(names);
    return count;
}

int main(int argc, char **argv)
{
    long total = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
#ifdef REPLAY_HAVE_SANITIZER
    __sanitizer_set_death_callback(replay_death);
#endif
    signal(SIGABRT, replay_abort);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        long got;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        got = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : (replay_file(argv[i]) == 0 ? 1 : -1);
        if (got < 0) {
            return 1;
        }
        total += got;
    }
    printf("replay: %ld inputs\n", total);
    return 0;
}
