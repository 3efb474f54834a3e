/*
 * test_util.c -- helpers shared by the suites: temporary files, CSV reading,
 * running a scenario through the library exactly as `mycosim run` does,
 * whether gnuplot is on PATH.
 */
#include "test_util.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"
#include "scen.h"

int test_rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d == NULL) {
            return -1;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
                continue;
            }
            char sub[2048];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            test_rm_tree(sub);
        }
        closedir(d);
        return rmdir(path);
    }
    return unlink(path);
}

const char *test_write(const char *dir, const char *name, const char *text)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

char *test_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf != NULL) {
        size_t got = fread(buf, 1, (size_t)n, f);
        buf[got] = '\0';
    }
    fclose(f);
    return buf;
}

/* Index of col in a header line, or -1. */
static int test_col_index(char *header, const char *col)
{
    header[strcspn(header, "\r\n")] = '\0';
    int i = 0;
    for (char *tok = strtok(header, ","); tok != NULL; tok = strtok(NULL, ","), i++) {
        if (strcmp(tok, col) == 0) {
            return i;
        }
    }
    return -1;
}

static double test_field(const char *line, int idx)
{
    const char *p = line;
    for (int i = 0; i < idx && p != NULL; i++) {
        p = strchr(p, ',');
        p = p ? p + 1 : NULL;
    }
    return p ? strtod(p, NULL) : NAN;
}

int test_csv_column(const char *path, const char *col, double *out, int max)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return 0;
    }
    char line[8192];
    int idx = -1, n = 0;
    if (fgets(line, sizeof line, f) != NULL) {
        idx = test_col_index(line, col);
    }
    while (idx >= 0 && n < max && fgets(line, sizeof line, f) != NULL) {
        out[n++] = test_field(line, idx);
    }
    fclose(f);
    return n;
}

double test_csv_last(const char *path, const char *col)
{
    static double rows[200000];
    int n = test_csv_column(path, col, rows, 200000);
    return n > 0 ? rows[n - 1] : NAN;
}

int test_run_scenario(const char *dir, const char *text, long long seed)
{
    char path[1024], out[1024], msg[512];
    snprintf(path, sizeof path, "%s", test_write(dir, "scenario.lua", text));
    snprintf(out, sizeof out, "%s/out", dir);
    scen *s = NULL;
    sim_err err = scen_load(path, NULL, 0, seed, &s, msg, sizeof msg);
    if (err != SIM_OK) {
        fprintf(stderr, "\n    scenario rejected: %s\n", msg);
        return (int)err;
    }
    run_opts opts = { .out_dir = out, .quiet = 1, .no_plot = 1 };
    err = run_scenario(s, &opts, msg, sizeof msg);
    if (err != SIM_OK) {
        fprintf(stderr, "\n    run failed: %s\n", msg);
    }
    scen_free(s);
    return (int)err;
}

int test_load_and_run(const char *dir, const char *file, const char *text, char *msg, size_t len)
{
    char out[1024];
    scen *s = NULL;
    msg[0] = '\0';
    sim_err err = scen_load(test_write(dir, file, text), NULL, 0, 1, &s, msg, len);
    if (err == SIM_OK) {
        snprintf(out, sizeof out, "%s/out", dir);
        run_opts o = { .out_dir = out, .quiet = 1, .no_plot = 1 };
        err = run_scenario(s, &o, msg, len);
    }
    scen_free(s);
    return (int)err;
}

int test_gnuplot_installed(void)
{
    const char *path = getenv("PATH");
    char dirs[4096], exe[4200];
    snprintf(dirs, sizeof dirs, "%s", path != NULL ? path : "");
    for (char *save = NULL, *p = strtok_r(dirs, ":", &save); p != NULL; p = strtok_r(NULL, ":", &save)) {
        snprintf(exe, sizeof exe, "%s/gnuplot", p);
        if (access(exe, X_OK) == 0) {
            return 1;
        }
    }
    return 0;
}
