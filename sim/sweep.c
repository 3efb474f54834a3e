/*
 * sweep.c -- parameter sweeps: the cartesian product of --vary values times
 * --reps replicates, each run in its own forked process (--jobs at once),
 * then tables over the runs that completed.
 *
 * Plan. Setting s is the s-th combination of the varied values (the last
 * --vary changes fastest; no --vary is one setting). Replicate r of every
 * setting uses seed base + r (common random numbers: settings are compared
 * on the same streams). Run (s, r) writes DIR/run-SSSS-repR/ exactly as
 * `mycosim run` does, after a marker file (.mycosim-sweep-run, written
 * whole through trace.h) saying what it was made for: an FNV-1a hash of the
 * scenario file's bytes, the seed and the exact --set list.
 *
 * Tables that cannot lie. A run counts only if it completed: its marker is
 * this run's, its manifest (.mycosim-files, written last by run.c) lists
 * its summary.csv as it is now, and that summary says status ok. sweep.csv
 * has one row per planned run, in plan order, with its status: the run's
 * own (ok, interrupted, failed) or what the parent saw (error: exit 1 or 2
 * without a summary; crashed: killed by a signal that was not our stop;
 * interrupted: stopped by us before it wrote anything; not_run). Metric
 * fields are empty without a summary. sweep_stats.csv takes each setting's
 * mean and 95% interval (Student's t, GSL) over its completed runs only,
 * with n (values), n_nan (completed runs whose value is NaN) and n_excluded
 * (planned runs that did not complete). Its metric names come from the
 * first completed run's summary and are looked up by name in every other;
 * wall_s and events_per_s measure the machine, not the model, and stay in
 * sweep.csv only. setting-SSSS/<file>_mean.csv gives, for every model's CSV
 * (and report.csv when the runs wrote one), the mean and 95% half-width of
 * each column over the completed replicates at each sample time (rows
 * matched by their exact time text, sorted by time; a run that stopped
 * early counts only at its own times; a NaN makes its cell's mean NaN);
 * settings.csv says how many runs completed per setting. Cost: one setting's
 * replicates of one file in memory at a time (rows x columns x reps).
 *
 * Resume and hygiene. A run folder that counts as complete is kept and not
 * run again, so the same command after an interruption runs only what is
 * missing and ends with the same tables (byte for byte, but for wall_s and
 * events_per_s in sweep.csv). Every other folder the sweep owns (run-*
 * outside the plan or made for another plan, not-complete runs, setting-*)
 * first loses what mycosim wrote in it: the files its manifest lists if
 * they are still those very files (run.c's rule), temporaries of names
 * mycosim writes, the marker and the manifest; a folder left empty is
 * removed. Anything else stays, and one line on stderr says so. Folders
 * are opened with O_NOFOLLOW and entries removed with unlinkat: a link is
 * removed or left, never followed; a planned folder that is a link or a
 * file stops the sweep before it starts.
 *
 * Interruption. On SIGINT, SIGTERM or SIGHUP (run_stop_signal) nothing more
 * is launched, every running child gets SIGTERM (its run loop then writes
 * its rows with status interrupted; one still in setup dies by the signal
 * and leaves no output), all are waited for, their stray temporaries are
 * removed, and the tables are written over what completed. SIGCHLD is
 * blocked in the parent and waited for with sigtimedwait, so a finished run
 * is seen at once without a race.
 *
 * Printing. Errors go back to main.c in msg. This file prints progress only,
 * on stderr: one updating line when stderr is a terminal, one line per
 * finished run with --verbose or when stderr is not a terminal (--quiet
 * silences both), a run that failed with its own error message (children
 * send it through a pipe; shown even with --quiet, as `run --quiet` shows
 * errors), and the note about files kept in stale folders.
 */
#include "sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "run.h"
#include "scen.h"
#include "trace.h"

#define SWEEP_MAX_VALUES 256
#define SWEEP_SET_MAX 4096          /* bytes of one --vary (and so of one KEY=VALUE it makes) */
#define SWEEP_MAX_RUNS 100000
#define SWEEP_MARKER ".mycosim-sweep-run"
#define SWEEP_MARKER_HEAD "# mycosim sweep run"
#define SWEEP_MANIFEST ".mycosim-files"          /* run.c's RUN_MANIFEST: same name, same format */
#define SWEEP_MANIFEST_HEAD "# files written by"  /* how both kinds of manifest begin */
#define SWEEP_TICK_NS 250000000L                  /* progress refresh while waiting for children */

typedef struct sweep_axis {
    char key[128];
    char *values[SWEEP_MAX_VALUES];
    uint32_t count;
    char *buf;                 /* the split copy of the values */
} sweep_axis;

/* What became of one planned run. */
typedef enum sweep_state {
    SWEEP_PENDING = 0,         /* not started (not_run if it stays so) */
    SWEEP_REUSED,              /* complete from an earlier invocation */
    SWEEP_RUNNING,
    SWEEP_EXITED,              /* exit status 0 */
    SWEEP_ERROR,               /* exit status 1 or 2 */
    SWEEP_CRASHED,             /* killed by a signal that was not our stop */
    SWEEP_STOPPED              /* killed by our stop (or the user's signal) */
} sweep_state;

typedef struct sweep_job {
    pid_t pid;
    int err_fd;                /* read end of the child's error pipe, or -1 */
    sweep_state state;
    int ok;                    /* complete: counts in the tables */
    double started_s, wall_s;  /* monotonic clock, s */
    char *summary;             /* its summary.csv if the folder holds its committed outputs */
} sweep_job;

typedef struct sweep {
    const sweep_opts *o;
    sweep_axis *axes;
    uint32_t naxes, settings, total;
    char dir[1024];
    int dfd;                   /* the sweep folder, open */
    int64_t *base_seed;        /* per setting: its scenario.seed (or --seed) */
    uint64_t hash;             /* FNV-1a of the scenario file */
    char **models;             /* model names of the scenario (their CSVs) */
    uint32_t nmodels;
    char **store;              /* scratch: KEY=VALUE per axis */
    const char **sets;         /* scratch: one setting's --set list */
    sweep_job *jobs;           /* total, in plan order */
    uint32_t *live;            /* indices of running jobs */
    uint32_t running, finished, failed, complete, reused;
    double wall_sum;           /* over runs finished by this invocation */
    double last_progress;
    int stopping, halted;
    char halt_msg[256];
    sigset_t old_mask;         /* the mask before SIGCHLD was blocked (children get it back) */
    uint32_t kept, kept_dirs;  /* entries left in stale folders, and those folders */
    char kept_first[1200];
} sweep;

static double sweep_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* --- Parsing --vary ------------------------------------------------------- */

/*
 * Cut the values of a --vary at the commas that are not inside braces,
 * brackets, parentheses or quotes, so a table literal is one value. An empty
 * value (k=1,,2) or unbalanced brackets are errors, never a silent skip.
 */
static sim_err sweep_split_values(char *buf, sweep_axis *ax, const char *spec, char *msg, size_t len)
{
    int depth = 0;
    char quote = 0;
    char *start = buf;
    for (char *c = buf;; c++) {
        if (quote != 0) {
            if (*c == '\\' && c[1] != '\0') {
                c++;
            } else if (*c == quote) {
                quote = 0;
            } else if (*c == '\0') {
                break;
            }
            continue;
        }
        if (*c == '"' || *c == '\'') {
            quote = *c;
        } else if (*c == '{' || *c == '[' || *c == '(') {
            depth++;
        } else if (*c == '}' || *c == ']' || *c == ')') {
            depth--;
        } else if ((*c == ',' && depth == 0) || *c == '\0') {
            int last = *c == '\0';
            *c = '\0';
            if (*start == '\0') {
                snprintf(msg, len, "--vary %s: value %u is empty", spec, ax->count + 1);
                return SIM_EINPUT;
            }
            if (ax->count == SWEEP_MAX_VALUES) {
                snprintf(msg, len, "--vary %s: at most %d values", ax->key, SWEEP_MAX_VALUES);
                return SIM_EINPUT;
            }
            ax->values[ax->count++] = start;
            start = c + 1;
            if (last) {
                break;
            }
        }
        if (depth < 0) {
            break;
        }
    }
    if (depth != 0 || quote != 0) {
        snprintf(msg, len, "--vary %s: unbalanced brackets or quotes", spec);
        return SIM_EINPUT;
    }
    return SIM_OK;
}

static sim_err sweep_parse_axis(const char *spec, sweep_axis *ax, char *msg, size_t len)
{
    const char *eq = strchr(spec, '=');
    if (eq == NULL || eq == spec || eq[1] == '\0' || (size_t)(eq - spec) >= sizeof ax->key) {
        snprintf(msg, len, "--vary %s: expected KEY=V1,V2,...", spec);
        return SIM_EINPUT;
    }
    if (strlen(spec) >= SWEEP_SET_MAX) {
        snprintf(msg, len, "--vary: longer than %d bytes", SWEEP_SET_MAX - 1);
        return SIM_EINPUT;
    }
    memcpy(ax->key, spec, (size_t)(eq - spec));
    ax->key[eq - spec] = '\0';
    ax->buf = strdup(eq + 1);
    if (ax->buf == NULL) {
        return SIM_ENOMEM;
    }
    return sweep_split_values(ax->buf, ax, spec, msg, len);
}

/* Parse every --vary into w->axes and count the settings. */
static sim_err sweep_parse_axes(sweep *w, char *msg, size_t len)
{
    const sweep_opts *o = w->o;
    for (uint32_t a = 0; a < w->naxes; a++) {
        SIM_TRY(sweep_parse_axis(o->varies[a], &w->axes[a], msg, len));
        w->store[a] = malloc(SWEEP_SET_MAX);
        if (w->store[a] == NULL) {
            return SIM_ENOMEM;
        }
        for (uint32_t b = 0; b < a; b++) {
            if (strcmp(w->axes[a].key, w->axes[b].key) == 0) {
                snprintf(msg, len, "--vary %s: the key is varied twice; give its values once",
                         w->axes[a].key);
                return SIM_EINPUT;
            }
        }
        if (w->settings * (uint64_t)w->axes[a].count * o->reps > SWEEP_MAX_RUNS) {
            snprintf(msg, len, "sweep: more than %d runs (settings x reps)", SWEEP_MAX_RUNS);
            return SIM_EINPUT;
        }
        w->settings *= w->axes[a].count;
    }
    if (w->settings * (uint64_t)o->reps > SWEEP_MAX_RUNS) {
        snprintf(msg, len, "sweep: %u settings x %u reps is more than %d runs", w->settings, o->reps,
                 SWEEP_MAX_RUNS);
        return SIM_EINPUT;
    }
    w->total = w->settings * o->reps;
    return SIM_OK;
}

/* --- The plan: settings, their --set lists, names, seeds -------------------- */

/* Index of axis a's value in setting s (the last axis changes fastest). */
static const char *sweep_value(const sweep *w, uint32_t s, uint32_t a)
{
    for (uint32_t b = w->naxes; b-- > a + 1;) {
        s /= w->axes[b].count;
    }
    return w->axes[a].values[s % w->axes[a].count];
}

/* w->sets: the fixed --set list, then KEY=VALUE of each axis for setting s. */
static void sweep_sets(sweep *w, uint32_t s)
{
    for (uint32_t i = 0; i < w->o->nsets; i++) {
        w->sets[i] = w->o->sets[i];
    }
    for (uint32_t a = 0; a < w->naxes; a++) {
        snprintf(w->store[a], SWEEP_SET_MAX, "%s=%s", w->axes[a].key, sweep_value(w, s, a));
        w->sets[w->o->nsets + a] = w->store[a];
    }
}

static uint32_t sweep_nsets(const sweep *w)
{
    return w->o->nsets + w->naxes;
}

static void sweep_run_name(const sweep *w, uint32_t i, char *out, size_t len)
{
    snprintf(out, len, "run-%04u-rep%u", i / w->o->reps, i % w->o->reps);
}

static void sweep_setting_name(uint32_t s, char *out, size_t len)
{
    snprintf(out, len, "setting-%04u", s);
}

/* Replicate r of every setting runs with the setting's seed + r. */
static int64_t sweep_seed(const sweep *w, uint32_t i)
{
    return w->base_seed[i / w->o->reps] + (int64_t)(i % w->o->reps);
}

/* "k1=v1 k2=v2" of setting s, one printable line. */
static void sweep_label(const sweep *w, uint32_t s, char *out, size_t len)
{
    char raw[1024];
    size_t k = 0;
    raw[0] = '\0';
    for (uint32_t a = 0; a < w->naxes && k < sizeof raw; a++) {
        k += (size_t)snprintf(raw + k, sizeof raw - k, "%s=%s ", w->axes[a].key, sweep_value(w, s, a));
    }
    trace_one_line(raw, out, len);
}

/* Load every setting once, so bad input fails before anything is written. */
static sim_err sweep_validate(sweep *w, char *msg, size_t len)
{
    for (uint32_t s = 0; s < w->settings; s++) {
        sweep_sets(w, s);
        scen *sc = NULL;
        SIM_TRY(scen_load(w->o->file, w->sets, sweep_nsets(w), w->o->seed, &sc, msg, len));
        const sim_config *c = scen_config(sc);
        w->base_seed[s] = c->scenario.seed;   /* --vary scenario.seed=... is a setting's seed */
        if (s == 0) {
            snprintf(w->dir, sizeof w->dir, "%s", w->o->out_dir);
            if (w->o->out_dir == NULL) {
                snprintf(w->dir, sizeof w->dir, "results/%s-sweep", c->scenario.name);
            }
            w->models = calloc(c->nmodels + 1, sizeof *w->models);
            for (uint32_t m = 0; w->models != NULL && m < c->nmodels; m++) {
                w->models[w->nmodels] = strdup(c->models[m].model->name);
                w->nmodels += w->models[w->nmodels] != NULL;
            }
        }
        int short_of_memory = w->models == NULL || w->nmodels != c->nmodels;
        scen_free(sc);
        if (short_of_memory) {
            return SIM_ENOMEM;
        }
    }
    return SIM_OK;
}

/* FNV-1a (64 bits) of the scenario file's bytes: what the marker records of the scenario. */
static sim_err sweep_hash_file(sweep *w, char *msg, size_t len)
{
    FILE *f = fopen(w->o->file, "rb");
    if (f == NULL) {
        snprintf(msg, len, "cannot read %s: %s", w->o->file, strerror(errno));
        return SIM_EIO;
    }
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int c; (c = getc(f)) != EOF;) {
        h = (h ^ (uint64_t)(unsigned char)c) * 0x100000001b3ULL;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(msg, len, "cannot read %s", w->o->file);
        return SIM_EIO;
    }
    w->hash = h;
    return SIM_OK;
}

/* --- Reading folders, never through a link ------------------------------------ */

/* A whole regular file of folder dfd (malloc'd, NUL-terminated), or NULL. */
static char *sweep_slurp_at(int dfd, const char *name)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        size_t size = (size_t)st.st_size, got = 0;
        buf = malloc(size + 1);
        for (ssize_t k = 1; buf != NULL && got < size && k > 0;) {
            k = read(fd, buf + got, size - got);
            got += k > 0 ? (size_t)k : 0;
            k = k < 0 && errno == EINTR ? 1 : k;
        }
        if (buf != NULL) {
            buf[got] = '\0';
        }
    }
    close(fd);
    return buf;
}

static int sweep_open_dir(int dfd, const char *name)
{
    return openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The manifest line of a regular file as it is now: "name dev ino size mtime_s mtime_ns" (run.c's). */
static int sweep_identity(int dfd, const char *name, char *out, size_t len)
{
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
        return 0;
    }
    int n = snprintf(out, len, "%s %llu %llu %llu %lld %ld", name, (unsigned long long)st.st_dev,
                     (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
                     (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
    return n > 0 && (size_t)n < len;
}

/* The next line of text (NUL-terminated copy in out); NULL at the end. */
static const char *sweep_line(const char *text, char *out, size_t len)
{
    if (text == NULL || *text == '\0') {
        return NULL;
    }
    size_t n = strcspn(text, "\n");
    snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), text);
    return text + n + (text[n] == '\n');
}

/* 1 if manifest (text) has the line of name as that file is now. */
static int sweep_listed(int dfd, const char *manifest, const char *name)
{
    char id[512], line[512];
    if (!sweep_identity(dfd, name, id, sizeof id)) {
        return 0;
    }
    for (const char *t = manifest; (t = sweep_line(t, line, sizeof line)) != NULL;) {
        if (strcmp(line, id) == 0) {
            return 1;
        }
    }
    return 0;
}

/* --- CSV fields ------------------------------------------------------------------ */

/* Split one CSV line in place at commas outside quotes, unquoting fields (RFC 4180); at most max. */
static uint32_t sweep_split(char *line, char **cols, uint32_t max)
{
    uint32_t n = 0;
    char *r = line, *w = line;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        cols[n++] = w;
        int quoted = 0;
        while (*r != '\0' && (quoted || *r != ',' || n == max)) {
            if (*r == '"' && quoted && r[1] == '"') {
                r++;
            } else if (*r == '"') {
                quoted = !quoted;
                r++;
                continue;
            }
            *w++ = *r++;
        }
        int end = *r == '\0';
        *w++ = '\0';
        if (end) {
            break;
        }
        r++;
    }
    return n;
}

/* Split a line into a new array of fields (count in *n); NULL without memory. */
static char **sweep_cut(char *line, uint32_t *n)
{
    uint32_t cap = 1;
    for (const char *c = line; *c != '\0' && *c != '\n'; c++) {
        cap += *c == ',';
    }
    char **cols = malloc(cap * sizeof *cols);
    *n = cols != NULL ? sweep_split(line, cols, cap) : 0;
    return cols;
}

/* A field as a number; NaN if absent or not entirely a number. */
static double sweep_num(const char *s)
{
    char *end;
    if (s == NULL || *s == '\0') {
        return NAN;
    }
    double v = strtod(s, &end);
    return *end == '\0' ? v : NAN;
}

/* A summary.csv cut into its header and its row. */
typedef struct sweep_sum {
    char *buf;
    char **head, **row;
    uint32_t n;                /* columns, 0 if there is no (well-formed) summary */
} sweep_sum;

static void sweep_sum_free(sweep_sum *s)
{
    free(s->buf);
    free(s->head);
    free(s->row);
    memset(s, 0, sizeof *s);
}

static int sweep_sum_cut(const char *text, sweep_sum *s)
{
    memset(s, 0, sizeof *s);
    s->buf = text != NULL ? strdup(text) : NULL;
    char *nl = s->buf != NULL ? strchr(s->buf, '\n') : NULL;
    if (nl == NULL) {
        return 0;
    }
    *nl = '\0';
    uint32_t nh, nr;
    s->head = sweep_cut(s->buf, &nh);
    s->row = sweep_cut(nl + 1, &nr);
    s->n = s->head != NULL && s->row != NULL && nh == nr ? nh : 0;
    return s->n > 0;
}

/* The field of column col, or NULL. */
static const char *sweep_sum_get(const sweep_sum *s, const char *col)
{
    for (uint32_t i = 0; i < s->n; i++) {
        if (strcmp(s->head[i], col) == 0) {
            return s->row[i];
        }
    }
    return NULL;
}

static int sweep_summary_ok(const char *text)
{
    sweep_sum s;
    sweep_sum_cut(text, &s);
    const char *st = sweep_sum_get(&s, "status");
    int ok = st != NULL && strcmp(st, "ok") == 0;
    sweep_sum_free(&s);
    return ok;
}

/* --- The marker: what a run folder was made for ---------------------------------- */

/* The marker of run i (w->sets must hold its setting's list). */
static void sweep_marker_text(const sweep *w, uint32_t i, FILE *f)
{
    fputs(SWEEP_MARKER_HEAD ": what this folder's run was made for. A resumed sweep keeps\n"
          "# the run only if every line below matches its own plan; else it runs it again.\n", f);
    fprintf(f, "scenario fnv1a64 %016llx\nseed %lld\n", (unsigned long long)w->hash,
            (long long)sweep_seed(w, i));
    for (uint32_t k = 0; k < sweep_nsets(w); k++) {
        fputs("set ", f);
        trace_escaped(f, w->sets[k], strlen(w->sets[k]));
        fputc('\n', f);
    }
}

static char *sweep_marker_expected(sweep *w, uint32_t i)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (f == NULL) {
        return NULL;
    }
    sweep_sets(w, i / w->o->reps);
    sweep_marker_text(w, i, f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* 1 if every model's CSV of the folder is listed in its manifest as it is. */
static int sweep_models_listed(const sweep *w, int fd, const char *manifest)
{
    for (uint32_t m = 0; m < w->nmodels; m++) {
        char name[160];
        snprintf(name, sizeof name, "%s.csv", w->models[m]);
        if (!sweep_listed(fd, manifest, name)) {
            return 0;
        }
    }
    return 1;
}

/*
 * The summary of run i if its folder holds that run's committed outputs: the
 * marker is run i's and the manifest lists summary.csv as it is now. Sets
 * *complete if its status is ok and every model's CSV is listed as it is
 * too. NULL otherwise (no folder, another plan's, or a run that never wrote).
 */
static char *sweep_load_run(sweep *w, uint32_t i, int *complete)
{
    char name[64];
    *complete = 0;
    sweep_run_name(w, i, name, sizeof name);
    int fd = sweep_open_dir(w->dfd, name);
    if (fd < 0) {
        return NULL;
    }
    char *want = sweep_marker_expected(w, i), *have = sweep_slurp_at(fd, SWEEP_MARKER);
    char *manifest = sweep_slurp_at(fd, SWEEP_MANIFEST), *sum = NULL;
    if (want != NULL && have != NULL && strcmp(want, have) == 0
        && sweep_listed(fd, manifest, "summary.csv")) {
        sum = sweep_slurp_at(fd, "summary.csv");
        *complete = sum != NULL && sweep_summary_ok(sum) && sweep_models_listed(w, fd, manifest);
    }
    free(want);
    free(have);
    free(manifest);
    close(fd);
    return sum;
}

/* --- Hygiene: removing what mycosim wrote, and only that --------------------------- */

/* Remove name.tmp from fd if name is one mycosim writes (a temporary left by a killed writer). */
static void sweep_unlink_tmp(int fd, const char *name)
{
    char tmp[200];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", name) < sizeof tmp) {
        (void)unlinkat(fd, tmp, 0);
    }
}

/* The temporaries of every name mycosim writes in a sweep's folders (run, setting, top). */
static void sweep_unlink_tmps(const sweep *w, int fd)
{
    static const char *const fixed[] = {
        "summary.csv", "events.csv", "network.csv", "run.lua", "report.csv", "report_mean.csv",
        "sweep.csv", "sweep_stats.csv", "settings.csv", SWEEP_MANIFEST, SWEEP_MARKER, NULL
    };
    static const char *const per_model[] = { "%s.csv", "%s.png", "%s_mean.csv", NULL };
    for (int k = 0; fixed[k] != NULL; k++) {
        sweep_unlink_tmp(fd, fixed[k]);
    }
    for (uint32_t m = 0; m < w->nmodels; m++) {
        for (int k = 0; per_model[k] != NULL; k++) {
            char name[160];
            snprintf(name, sizeof name, per_model[k], w->models[m]);
            sweep_unlink_tmp(fd, name);
        }
    }
}

/* Remove name from fd if it is a regular file that begins with head (one of ours). */
static void sweep_unlink_ours(int fd, const char *name, const char *head)
{
    char *text = sweep_slurp_at(fd, name);
    if (text != NULL && strncmp(text, head, strlen(head)) == 0) {
        (void)unlinkat(fd, name, 0);
    }
    free(text);
}

/* The files a folder's manifest lists that are still those very files, then the manifest. */
static void sweep_unlink_listed(int fd)
{
    char *manifest = sweep_slurp_at(fd, SWEEP_MANIFEST);
    if (manifest == NULL || strncmp(manifest, SWEEP_MANIFEST_HEAD, strlen(SWEEP_MANIFEST_HEAD)) != 0) {
        free(manifest);
        return;
    }
    char line[512], name[256], now[512];
    for (const char *t = manifest; (t = sweep_line(t, line, sizeof line)) != NULL;) {
        if (sscanf(line, "%255s", name) != 1 || name[0] == '.' || name[0] == '#'
            || strchr(name, '/') != NULL) {
            continue;
        }
        sweep_unlink_tmp(fd, name);
        if (sweep_identity(fd, name, now, sizeof now) && strcmp(now, line) == 0) {
            (void)unlinkat(fd, name, 0);
        }
    }
    free(manifest);
    (void)unlinkat(fd, SWEEP_MANIFEST, 0);
}

/* Count what is left in folder fd, noting the first entry as name/entry. */
static uint32_t sweep_count_left(int fd, const char *name, char *first, size_t len)
{
    int dup_fd = dup(fd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    uint32_t k = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        if (k++ == 0) {
            snprintf(first, len, "%s/%s", name, e->d_name);
        }
    }
    if (d != NULL) {
        closedir(d);
    } else if (dup_fd >= 0) {
        close(dup_fd);
    }
    return k;
}

/*
 * Empty folder name of the sweep folder of what mycosim wrote there, then
 * remove it if nothing else is left. With stale set, what is left (or a
 * link or file under that name) is counted for the note on stderr.
 */
static void sweep_clean(sweep *w, const char *name, int stale)
{
    int fd = sweep_open_dir(w->dfd, name);
    if (fd < 0) {
        if (errno != ENOENT && stale) {      /* a link or a file: not ours to touch */
            if (w->kept == 0) {
                snprintf(w->kept_first, sizeof w->kept_first, "%s", name);
            }
            w->kept++;
            w->kept_dirs++;
        }
        return;
    }
    sweep_unlink_listed(fd);
    sweep_unlink_ours(fd, SWEEP_MARKER, SWEEP_MARKER_HEAD);
    sweep_unlink_tmps(w, fd);
    if (unlinkat(w->dfd, name, AT_REMOVEDIR) != 0 && stale) {
        char first[1200];
        uint32_t k = sweep_count_left(fd, name, first, sizeof first);
        if (k > 0 && w->kept == 0) {
            snprintf(w->kept_first, sizeof w->kept_first, "%s", first);
        }
        w->kept += k;
        w->kept_dirs += k > 0;
    }
    close(fd);
}

/* Index of a planned run folder name (run-SSSS-repR exactly as we name it), or UINT32_MAX. */
static uint32_t sweep_planned_run(const sweep *w, const char *name)
{
    unsigned s, r;
    char again[64];
    if (sscanf(name, "run-%u-rep%u", &s, &r) != 2 || s >= w->settings || r >= w->o->reps) {
        return UINT32_MAX;
    }
    uint32_t i = s * w->o->reps + r;
    sweep_run_name(w, i, again, sizeof again);
    return strcmp(again, name) == 0 ? i : UINT32_MAX;
}

static int sweep_planned_setting(const sweep *w, const char *name)
{
    unsigned s;
    char again[64];
    if (sscanf(name, "setting-%u", &s) != 1 || s >= w->settings) {
        return 0;
    }
    sweep_setting_name(s, again, sizeof again);
    return strcmp(again, name) == 0;
}

/* A planned name in the sweep folder must be a folder (or absent): never write through a link. */
static sim_err sweep_check_dir(const sweep *w, const char *name, char *msg, size_t len)
{
    struct stat st;
    if (fstatat(w->dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
        snprintf(msg, len, "%s/%s is a %s, not a folder this sweep made; move it away or choose "
                 "another --out", w->dir, name, S_ISLNK(st.st_mode) ? "symbolic link" : "file");
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/* The run-* and setting-* names of the sweep folder (malloc'd), read before anything is removed. */
static char **sweep_list_dir(const sweep *w, uint32_t *n)
{
    int dup_fd = dup(w->dfd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    char **names = NULL;
    uint32_t cap = 0;
    *n = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        if (strncmp(e->d_name, "run-", 4) != 0 && strncmp(e->d_name, "setting-", 8) != 0) {
            continue;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            char **more = realloc(names, cap * sizeof *names);
            if (more == NULL) {
                break;
            }
            names = more;
        }
        names[*n] = strdup(e->d_name);
        *n += names[*n] != NULL;
    }
    if (d != NULL) {
        closedir(d);
    } else if (dup_fd >= 0) {
        close(dup_fd);
    }
    return names;
}

/* Stale run-* and every setting-* folder: emptied of what mycosim wrote, removed if then empty. */
static void sweep_tidy_folder(sweep *w)
{
    uint32_t n;
    char **names = sweep_list_dir(w, &n);
    for (uint32_t k = 0; k < n; k++) {
        int run = strncmp(names[k], "run-", 4) == 0;
        int planned = run ? sweep_planned_run(w, names[k]) != UINT32_MAX
                          : sweep_planned_setting(w, names[k]);
        if (!(run && planned)) {
            sweep_clean(w, names[k], !planned);
        }
        free(names[k]);
    }
    free(names);
    sweep_unlink_tmps(w, w->dfd);
}

/*
 * Before launching: no planned name may be a link or a file (checked before
 * anything is touched); every planned run is complete (kept, not run again)
 * or its folder is emptied of what mycosim wrote; folders outside the plan
 * are emptied and removed. Prints the one note about kept files.
 */
static sim_err sweep_prepare(sweep *w, char *msg, size_t len)
{
    for (uint32_t s = 0; s < w->settings; s++) {
        char name[64];
        sweep_setting_name(s, name, sizeof name);
        SIM_TRY(sweep_check_dir(w, name, msg, len));
    }
    for (uint32_t i = 0; i < w->total; i++) {
        char name[64];
        sweep_run_name(w, i, name, sizeof name);
        SIM_TRY(sweep_check_dir(w, name, msg, len));
    }
    for (uint32_t i = 0; i < w->total; i++) {
        char name[64];
        sweep_run_name(w, i, name, sizeof name);
        sweep_job *j = &w->jobs[i];
        j->err_fd = -1;
        j->summary = sweep_load_run(w, i, &j->ok);
        if (j->ok) {
            j->state = SWEEP_REUSED;
            w->reused++;
            continue;
        }
        free(j->summary);
        j->summary = NULL;
        sweep_clean(w, name, 0);
    }
    sweep_tidy_folder(w);
    if (w->kept > 0) {
        char first[1300];
        trace_one_line(w->kept_first, first, sizeof first);
        fprintf(stderr, "sweep: kept %u entr%s that mycosim did not write in %u stale folder%s of %s "
                "(first: %s); remove them by hand if they are not needed\n", w->kept,
                w->kept == 1 ? "y" : "ies", w->kept_dirs, w->kept_dirs == 1 ? "" : "s", w->dir, first);
    }
    w->complete = w->finished = w->reused;
    if (w->reused > 0 && !w->o->quiet) {
        fprintf(stderr, "sweep: %u of %u runs already complete in %s; running the other %u\n",
                w->reused, w->total, w->dir, w->total - w->reused);
    }
    return SIM_OK;
}

/* --- Children --------------------------------------------------------------------------- */

/* Make run i's folder (a folder, not a link planted since the check) and write its marker. */
static sim_err sweep_write_marker(sweep *w, uint32_t i, const char *dir, char *msg, size_t len)
{
    struct stat st;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(msg, len, "cannot create %s: %s", dir, strerror(errno));
        return SIM_EIO;
    }
    if (fstatat(AT_FDCWD, dir, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(msg, len, "%s is not a folder this sweep made (a link or a file)", dir);
        return SIM_EIO;
    }
    trace_file t;
    SIM_TRY(trace_open(&t, dir, SWEEP_MARKER, msg, len));
    sweep_marker_text(w, i, t.f);
    return trace_commit(&t, msg, len);
}

/* Child: run i quietly; its error message goes to err_fd; exit status 0, 1 or 2 as main's. */
static int sweep_child(sweep *w, uint32_t i, int err_fd)
{
    char name[64], dir[1100], msg[1200];
    sigprocmask(SIG_SETMASK, &w->old_mask, NULL);
    sweep_run_name(w, i, name, sizeof name);
    snprintf(dir, sizeof dir, "%s/%s", w->dir, name);
    sweep_sets(w, i / w->o->reps);
    sim_err err = sweep_write_marker(w, i, dir, msg, sizeof msg);
    scen *s = NULL;
    if (err == SIM_OK) {
        err = scen_load(w->o->file, w->sets, sweep_nsets(w), sweep_seed(w, i), &s, msg, sizeof msg);
    }
    if (err == SIM_OK) {
        run_opts ro = { .out_dir = dir, .quiet = 1, .no_plot = 1, .force = w->o->force };
        err = run_scenario(s, &ro, msg, sizeof msg);
    }
    scen_free(s);
    if (err != SIM_OK && err != SIM_EINTR && err_fd >= 0) {
        ssize_t k = write(err_fd, msg, strnlen(msg, sizeof msg));
        (void)k;
    }
    return err == SIM_OK ? 0 : err == SIM_EINPUT ? 2 : 1;
}

static void sweep_start(sweep *w, uint32_t i)
{
    int fds[2] = { -1, -1 };
    if (pipe(fds) != 0) {
        fds[0] = fds[1] = -1;
    }
    for (int k = 0; k < 2; k++) {
        if (fds[k] >= 0) {
            fcntl(fds[k], F_SETFD, FD_CLOEXEC);
        }
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (fds[0] >= 0) {
            close(fds[0]);
        }
        _exit(sweep_child(w, i, fds[1]));
    }
    if (fds[1] >= 0) {
        close(fds[1]);
    }
    if (pid < 0) {
        snprintf(w->halt_msg, sizeof w->halt_msg, "cannot start a run (fork failed: %s)",
                 strerror(errno));
        w->halted = 1;
        if (fds[0] >= 0) {
            close(fds[0]);
        }
        return;
    }
    sweep_job *j = &w->jobs[i];
    j->pid = pid;
    j->err_fd = fds[0];
    j->state = SWEEP_RUNNING;
    j->started_s = sweep_clock();
    w->live[w->running++] = i;
}

/* The child's error message (at most len - 1 bytes), then its pipe is closed. */
static void sweep_read_error(sweep_job *j, char *out, size_t len)
{
    size_t got = 0;
    for (ssize_t k = 1; j->err_fd >= 0 && k != 0 && got + 1 < len;) {
        k = read(j->err_fd, out + got, len - 1 - got);
        if (k < 0 && errno != EINTR) {
            break;
        }
        got += k > 0 ? (size_t)k : 0;
    }
    out[got] = '\0';
    if (j->err_fd >= 0) {
        close(j->err_fd);
        j->err_fd = -1;
    }
}

/* --- Statuses and progress --------------------------------------------------------------- */

/* A run's status: its summary's, else what the parent saw. */
static void sweep_status(const sweep_job *j, char *out, size_t len)
{
    sweep_sum s;
    sweep_sum_cut(j->summary, &s);
    const char *st = sweep_sum_get(&s, "status");
    static const char *const seen[] = {
        [SWEEP_PENDING] = "not_run", [SWEEP_REUSED] = "ok", [SWEEP_RUNNING] = "not_run",
        [SWEEP_EXITED] = "error", [SWEEP_ERROR] = "error", [SWEEP_CRASHED] = "crashed",
        [SWEEP_STOPPED] = "interrupted"
    };
    snprintf(out, len, "%s", st != NULL ? st : seen[j->state]);
    sweep_sum_free(&s);
}

/* "1m20s" */
static void sweep_duration(double s, char *out, size_t len)
{
    long t = (long)(s + 0.5);
    if (t >= 3600) {
        snprintf(out, len, "%ldh%02ldm", t / 3600, t % 3600 / 60);
    } else if (t >= 60) {
        snprintf(out, len, "%ldm%02lds", t / 60, t % 60);
    } else {
        snprintf(out, len, "%lds", t);
    }
}

/* The updating line (a terminal only), at most every SWEEP_TICK_NS unless forced. */
static void sweep_progress(sweep *w, int force)
{
    double now = sweep_clock();
    if (w->o->quiet || !w->o->tty || (!force && now - w->last_progress < SWEEP_TICK_NS * 1e-9)) {
        return;
    }
    w->last_progress = now;
    uint32_t ran = w->finished - w->reused, left = w->total - w->finished;
    fprintf(stderr, "\r\033[Ksweep: %u/%u done, %u failed, %u running", w->finished, w->total, w->failed,
            w->running);
    if (w->stopping) {
        fputs(", stopping", stderr);
    } else if (ran > 0 && left > 0) {
        char eta[32];
        sweep_duration(w->wall_sum / ran * left / w->o->jobs, eta, sizeof eta);
        fprintf(stderr, ", ETA %s", eta);
    }
}

static void sweep_progress_clear(const sweep *w)
{
    if (!w->o->quiet && w->o->tty) {
        fputs("\r\033[K", stderr);
    }
}

/*
 * One line per finished run with --verbose or when stderr is not a
 * terminal; always for a run that failed on its own (error, crashed,
 * failed), with its message.
 */
static void sweep_report_run(sweep *w, uint32_t i, const char *err)
{
    const sweep_job *j = &w->jobs[i];
    char status[64], name[64], label[1100], line[600];
    sweep_status(j, status, sizeof status);
    int bad = !j->ok && strcmp(status, "interrupted") != 0;
    if (!bad && (w->o->quiet || (w->o->tty && !w->o->verbose))) {
        return;
    }
    sweep_run_name(w, i, name, sizeof name);
    sweep_label(w, i / w->o->reps, label, sizeof label);
    trace_one_line(err, line, sizeof line);
    fprintf(stderr, "%ssweep: %s %srep %u: %s in %.1f s%s%s\n", w->o->tty ? "\r\033[K" : "", name, label,
            i % w->o->reps, status, j->wall_s, line[0] ? ": " : "", line);
}

/* A child ended: what became of it, its stray temporaries, its summary, one line. */
static void sweep_reap(sweep *w, pid_t pid, int st)
{
    uint32_t k = 0;
    while (k < w->running && w->jobs[w->live[k]].pid != pid) {
        k++;
    }
    if (k == w->running) {
        return;
    }
    uint32_t i = w->live[k];
    w->live[k] = w->live[--w->running];
    sweep_job *j = &w->jobs[i];
    char err[512], name[64];
    j->wall_s = sweep_clock() - j->started_s;
    sweep_read_error(j, err, sizeof err);
    if (WIFSIGNALED(st)) {
        int sig = WTERMSIG(st), ours = sig == SIGTERM || sig == SIGINT || sig == SIGHUP;
        j->state = ours && (w->stopping || run_stop_signal) ? SWEEP_STOPPED : SWEEP_CRASHED;
        if (j->state == SWEEP_CRASHED) {
            snprintf(err, sizeof err, "killed by signal %d (%s)", sig, strsignal(sig));
        }
    } else {
        j->state = WEXITSTATUS(st) == 0 ? SWEEP_EXITED : SWEEP_ERROR;
    }
    sweep_run_name(w, i, name, sizeof name);
    int fd = sweep_open_dir(w->dfd, name);
    if (fd >= 0) {
        sweep_unlink_tmps(w, fd);
        close(fd);
    }
    j->summary = sweep_load_run(w, i, &j->ok);
    char status[64];
    sweep_status(j, status, sizeof status);
    w->finished++;
    w->complete += j->ok != 0;
    w->failed += !j->ok && strcmp(status, "interrupted") != 0;
    w->wall_sum += j->wall_s;
    sweep_report_run(w, i, err);
    sweep_progress(w, 1);
}

/* Stop: launch nothing more; every running child gets SIGTERM and writes what it has. */
static void sweep_stop(sweep *w)
{
    w->stopping = 1;
    for (uint32_t k = 0; k < w->running; k++) {
        kill(w->jobs[w->live[k]].pid, SIGTERM);
    }
    sweep_progress(w, 1);
}

static uint32_t sweep_next(const sweep *w, uint32_t from)
{
    while (from < w->total && w->jobs[from].state != SWEEP_PENDING) {
        from++;
    }
    return from;
}

/* Reap every child that ended; 0 once none is left to wait for. */
static void sweep_reap_all(sweep *w)
{
    while (w->running > 0) {
        int st;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        if (pid > 0) {
            sweep_reap(w, pid, st);
        } else if (pid < 0 && errno == ECHILD) {
            w->running = 0;    /* cannot happen: the children are ours; never wait forever */
        } else {
            return;
        }
    }
}

/* Launch the pending runs, at most --jobs at once, until all ended or a stop. */
static void sweep_launch(sweep *w)
{
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    signal(SIGCHLD, SIG_DFL);   /* an inherited SIG_IGN would reap children before we see them */
    sigprocmask(SIG_BLOCK, &chld, &w->old_mask);
    uint32_t next = 0;
    for (;;) {
        sweep_reap_all(w);
        if (run_stop_signal && !w->stopping) {
            sweep_stop(w);
        }
        while (!w->stopping && !w->halted && w->running < w->o->jobs
               && (next = sweep_next(w, next)) < w->total) {
            sweep_start(w, next++);
        }
        if (w->running == 0) {
            break;
        }
        sweep_progress(w, 0);
        struct timespec tick = { 0, SWEEP_TICK_NS };
        (void)sigtimedwait(&chld, NULL, &tick);   /* a child ended, a stop signal, or the tick */
    }
    sweep_progress_clear(w);
    sigprocmask(SIG_SETMASK, &w->old_mask, NULL);
}

/* --- sweep.csv, sweep_stats.csv, settings.csv ----------------------------------------- */

static void sweep_key_names(FILE *f, const sweep *w)
{
    for (uint32_t a = 0; a < w->naxes; a++) {
        trace_text(f, w->axes[a].key);
        fputc(',', f);
    }
}

static void sweep_key_values(FILE *f, const sweep *w, uint32_t s)
{
    for (uint32_t a = 0; a < w->naxes; a++) {
        trace_text(f, sweep_value(w, s, a));
        fputc(',', f);
    }
}

/* The first summary in plan order of a complete run (ok_only), or of any run. */
static const char *sweep_reference(const sweep *w, int ok_only)
{
    for (uint32_t i = 0; i < w->total; i++) {
        if (w->jobs[i].summary != NULL && (w->jobs[i].ok || !ok_only)) {
            return w->jobs[i].summary;
        }
    }
    return NULL;
}

/* sweep.csv takes every summary column but these (status has its own place). */
static int sweep_run_column(const char *name)
{
    return strcmp(name, "scenario") != 0 && strcmp(name, "seed") != 0 && strcmp(name, "status") != 0;
}

static void sweep_run_row(FILE *f, const sweep *w, uint32_t i, const sweep_sum *ref)
{
    const sweep_job *j = &w->jobs[i];
    char name[64], status[64];
    sweep_sum s;
    sweep_sum_cut(j->summary, &s);
    sweep_run_name(w, i, name, sizeof name);
    sweep_status(j, status, sizeof status);
    sweep_key_values(f, w, i / w->o->reps);
    fprintf(f, "%u,%lld,%s,", i % w->o->reps, (long long)sweep_seed(w, i), name);
    trace_text(f, status);
    for (uint32_t c = 0; c < ref->n; c++) {
        if (sweep_run_column(ref->head[c])) {
            const char *v = sweep_sum_get(&s, ref->head[c]);
            fputc(',', f);
            trace_text(f, v != NULL ? v : "");
        }
    }
    fputc('\n', f);
    sweep_sum_free(&s);
}

/* sweep.csv: one row per planned run, in plan order. */
static sim_err sweep_write_runs(sweep *w, char *msg, size_t len)
{
    trace_file t;
    SIM_TRY(trace_open(&t, w->dir, "sweep.csv", msg, len));
    sweep_sum ref;
    sweep_sum_cut(sweep_reference(w, 1) != NULL ? sweep_reference(w, 1) : sweep_reference(w, 0), &ref);
    sweep_key_names(t.f, w);
    fputs("rep,seed,folder,status", t.f);
    for (uint32_t c = 0; c < ref.n; c++) {
        if (sweep_run_column(ref.head[c])) {
            fputc(',', t.f);
            trace_text(t.f, ref.head[c]);
        }
    }
    fputc('\n', t.f);
    for (uint32_t i = 0; i < w->total; i++) {
        sweep_run_row(t.f, w, i, &ref);
    }
    sweep_sum_free(&ref);
    return trace_commit(&t, msg, len);
}

/* Mean and 95% half-width t(0.975, n - 1) sd / sqrt(n) of v[0 .. n-1]; NaN where undefined. */
static void sweep_mean_half(const double *v, size_t n, double *mean, double *half)
{
    *mean = n > 0 ? gsl_stats_mean(v, 1, n) : NAN;
    *half = n > 1 ? gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * gsl_stats_sd(v, 1, n) / sqrt((double)n)
                  : NAN;
}

/* A metric of sweep_stats.csv: a summary column after status, but not a measure of the machine. */
static int sweep_metric(const sweep_sum *ref, uint32_t c)
{
    uint32_t status = 0;
    while (status < ref->n && strcmp(ref->head[status], "status") != 0) {
        status++;
    }
    return c > status && strcmp(ref->head[c], "wall_s") != 0 && strcmp(ref->head[c], "events_per_s") != 0;
}

/* One row of sweep_stats.csv: setting s, metric, over its complete runs' summaries sums[0 .. k-1]. */
static void sweep_stats_row(FILE *f, const sweep *w, uint32_t s, const char *metric,
                            const sweep_sum *sums, uint32_t k, double *v)
{
    uint32_t n = 0, nan = 0;
    for (uint32_t r = 0; r < k; r++) {
        double x = sweep_num(sweep_sum_get(&sums[r], metric));
        if (isnan(x)) {
            nan++;
        } else {
            v[n++] = x;
        }
    }
    double mean, half;
    sweep_mean_half(v, n, &mean, &half);
    sweep_key_values(f, w, s);
    trace_text(f, metric);
    fprintf(f, ",%u,%u,%u,", n, nan, w->o->reps - k);
    trace_num(f, mean);
    fputc(',', f);
    trace_num(f, mean - half);
    fputc(',', f);
    trace_num(f, mean + half);
    fputc('\n', f);
}

/* Setting s's rows of sweep_stats.csv. */
static void sweep_stats_setting(FILE *f, const sweep *w, uint32_t s, const sweep_sum *ref,
                                sweep_sum *sums, double *v)
{
    uint32_t k = 0;
    for (uint32_t r = 0; r < w->o->reps; r++) {
        const sweep_job *j = &w->jobs[s * w->o->reps + r];
        if (j->ok && sweep_sum_cut(j->summary, &sums[k])) {
            k++;
        } else if (j->ok) {
            sweep_sum_free(&sums[k]);
        }
    }
    for (uint32_t c = 0; c < ref->n; c++) {
        if (sweep_metric(ref, c)) {
            sweep_stats_row(f, w, s, ref->head[c], sums, k, v);
        }
    }
    for (uint32_t r = 0; r < k; r++) {
        sweep_sum_free(&sums[r]);
    }
}

/* sweep_stats.csv: per setting and metric, over complete runs only. */
static sim_err sweep_write_stats(sweep *w, char *msg, size_t len)
{
    trace_file t;
    SIM_TRY(trace_open(&t, w->dir, "sweep_stats.csv", msg, len));
    sweep_key_names(t.f, w);
    fputs("metric,n,n_nan,n_excluded,mean,ci95_low,ci95_high\n", t.f);
    sweep_sum ref;
    sweep_sum_cut(sweep_reference(w, 1), &ref);
    sweep_sum *sums = calloc(w->o->reps, sizeof *sums);
    double *v = calloc(w->o->reps, sizeof *v);
    if (sums == NULL || v == NULL) {
        trace_discard(&t);
        snprintf(msg, len, "out of memory");
    }
    for (uint32_t s = 0; ref.n > 0 && t.f != NULL && s < w->settings; s++) {
        sweep_stats_setting(t.f, w, s, &ref, sums, v);
    }
    sweep_sum_free(&ref);
    free(sums);
    free(v);
    return t.f != NULL ? trace_commit(&t, msg, len) : SIM_ENOMEM;
}

static uint32_t sweep_complete_in(const sweep *w, uint32_t s)
{
    uint32_t k = 0;
    for (uint32_t r = 0; r < w->o->reps; r++) {
        k += w->jobs[s * w->o->reps + r].ok != 0;
    }
    return k;
}

/* settings.csv: one row per setting, with its folder of means (none when no run completed). */
static sim_err sweep_write_settings(sweep *w, char *msg, size_t len)
{
    trace_file t;
    SIM_TRY(trace_open(&t, w->dir, "settings.csv", msg, len));
    fputs("setting,folder,", t.f);
    sweep_key_names(t.f, w);
    fputs("complete,planned\n", t.f);
    for (uint32_t s = 0; s < w->settings; s++) {
        char name[64] = "";
        uint32_t k = sweep_complete_in(w, s);
        if (k > 0) {
            sweep_setting_name(s, name, sizeof name);
        }
        fprintf(t.f, "%u,%s,", s, name);
        sweep_key_values(t.f, w, s);
        fprintf(t.f, "%u,%u\n", k, w->o->reps);
    }
    return trace_commit(&t, msg, len);
}

/* --- Replicate means: setting-SSSS/<file>_mean.csv --------------------------------------- */

/* A row's key: rows of replicates match by exact time text (and rank among equal times). */
typedef struct sweep_key {
    int64_t ns;                /* the time, for ordering */
    uint32_t occ;              /* earlier rows of the file with the same time text */
    uint32_t row;              /* its row in the file */
    const char *text;          /* the time as written */
} sweep_key;

/* One replicate's CSV, parsed. */
typedef struct sweep_series {
    char *text;                /* the file, cut in place */
    char **head;               /* its header */
    uint32_t nhead;
    uint32_t nrows, ncols;     /* ncols: the first replicate's columns after time */
    sweep_key *keys;           /* sorted by key */
    double *vals;              /* nrows x ncols, in the first replicate's column order */
} sweep_series;

/* A time as written by trace_time ("12", "0.05") in ns exactly; other text through strtod. */
static int64_t sweep_time_ns(const char *t)
{
    const char *c = t + (*t == '-');
    int64_t whole = 0, frac = 0;
    int digits = 0, fdigits = 0;
    for (; *c >= '0' && *c <= '9' && whole < 1000000000LL; c++, digits++) {
        whole = whole * 10 + (*c - '0');
    }
    if (*c == '.') {
        for (c++; *c >= '0' && *c <= '9' && fdigits < 9; c++, fdigits++) {
            frac = frac * 10 + (*c - '0');
        }
    }
    if (*c != '\0' || digits == 0) {
        double v = strtod(t, NULL) * 1e9;
        return isnan(v) ? INT64_MAX : v >= 9e18 ? INT64_MAX : v <= -9e18 ? INT64_MIN : (int64_t)v;
    }
    for (; fdigits < 9; fdigits++) {
        frac *= 10;
    }
    int64_t ns = whole * 1000000000LL + frac;
    return *t == '-' ? -ns : ns;
}

static int sweep_key_cmp(const void *pa, const void *pb)
{
    const sweep_key *a = pa, *b = pb;
    if (a->ns != b->ns) {
        return a->ns < b->ns ? -1 : 1;
    }
    if (a->occ != b->occ) {
        return a->occ < b->occ ? -1 : 1;
    }
    return strcmp(a->text, b->text);
}

static void sweep_series_free(sweep_series *s)
{
    free(s->text);
    free(s->head);
    free(s->keys);
    free(s->vals);
    memset(s, 0, sizeof *s);
}

/* Where each of ref's columns (after time) is in s's header, -1 if absent. */
static void sweep_series_map(const sweep_series *s, const sweep_series *ref, int *map)
{
    for (uint32_t k = 0; k < ref->ncols; k++) {
        map[k] = -1;
        for (uint32_t h = 1; h < s->nhead; h++) {
            if (strcmp(s->head[h], ref->head[k + 1]) == 0) {
                map[k] = (int)h;
                break;
            }
        }
    }
}

/* Parse the rows after the header (body) into keys and values. */
static int sweep_series_rows(sweep_series *s, char *body, const int *map)
{
    uint32_t cap = 1;
    for (const char *c = body; *c != '\0'; c++) {
        cap += *c == '\n';
    }
    char **f = malloc((s->nhead + 1) * sizeof *f);
    s->keys = malloc(cap * sizeof *s->keys);
    s->vals = malloc((size_t)cap * (s->ncols ? s->ncols : 1) * sizeof *s->vals);
    if (f == NULL || s->keys == NULL || s->vals == NULL) {
        free(f);
        return 0;
    }
    for (char *line = body, *next; line != NULL && *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        uint32_t n = sweep_split(line, f, s->nhead + 1), r = s->nrows++;
        sweep_key *k = &s->keys[r];
        *k = (sweep_key){ .ns = sweep_time_ns(f[0]), .row = r, .text = f[0] };
        k->occ = r > 0 && strcmp(s->keys[r - 1].text, f[0]) == 0 ? s->keys[r - 1].occ + 1 : 0;
        for (uint32_t c = 0; c < s->ncols; c++) {
            int have = map[c] >= 0 && (uint32_t)map[c] < n;
            s->vals[(size_t)r * s->ncols + c] = have ? sweep_num(f[map[c]]) : NAN;
        }
    }
    free(f);
    qsort(s->keys, s->nrows, sizeof *s->keys, sweep_key_cmp);
    return 1;
}

/* Parse a per-sample CSV (time first); ref is the first replicate (NULL for the first itself). */
static int sweep_series_parse(sweep_series *s, char *text, const sweep_series *ref)
{
    memset(s, 0, sizeof *s);
    s->text = text;
    char *body = strchr(text, '\n');
    if (body == NULL) {
        return 0;
    }
    *body++ = '\0';
    s->head = sweep_cut(text, &s->nhead);
    if (s->head == NULL || s->nhead == 0 || strcmp(s->head[0], "time") != 0) {
        return 0;
    }
    s->ncols = ref != NULL ? ref->ncols : s->nhead - 1;
    int *map = malloc((s->ncols + 1) * sizeof *map);
    if (map == NULL) {
        return 0;
    }
    sweep_series_map(s, ref != NULL ? ref : s, map);
    int ok = sweep_series_rows(s, body, map);
    free(map);
    return ok;
}

/* The completed replicates of setting s that wrote file; returns how many (parsed into ser). */
static uint32_t sweep_series_load(const sweep *w, uint32_t s, const char *file, sweep_series *ser)
{
    uint32_t k = 0;
    for (uint32_t r = 0; r < w->o->reps; r++) {
        uint32_t i = s * w->o->reps + r;
        char name[64];
        sweep_run_name(w, i, name, sizeof name);
        int fd = w->jobs[i].ok ? sweep_open_dir(w->dfd, name) : -1;
        char *text = fd >= 0 ? sweep_slurp_at(fd, file) : NULL;
        if (fd >= 0) {
            close(fd);
        }
        if (text != NULL && sweep_series_parse(&ser[k], text, k > 0 ? &ser[0] : NULL)) {
            k++;
        } else if (text != NULL) {
            sweep_series_free(&ser[k]);
        }
    }
    return k;
}

/* Every key of every replicate once, sorted; returns the count. */
static uint32_t sweep_union(const sweep_series *ser, uint32_t k, sweep_key **out)
{
    size_t total = 0;
    for (uint32_t r = 0; r < k; r++) {
        total += ser[r].nrows;
    }
    sweep_key *u = malloc((total ? total : 1) * sizeof *u);
    if (u == NULL) {
        *out = NULL;
        return 0;
    }
    size_t n = 0;
    for (uint32_t r = 0; r < k; r++) {
        memcpy(u + n, ser[r].keys, ser[r].nrows * sizeof *u);
        n += ser[r].nrows;
    }
    qsort(u, n, sizeof *u, sweep_key_cmp);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m == 0 || sweep_key_cmp(&u[m - 1], &u[i]) != 0) {
            u[m++] = u[i];
        }
    }
    *out = u;
    return (uint32_t)m;
}

/* One row of a means file: the replicates that have key u, and per column mean and half-width. */
static void sweep_mean_row(FILE *f, const sweep_key *u, const sweep_series *ser, uint32_t k,
                           uint32_t *rows, uint32_t *from, double *v)
{
    uint32_t n = 0;
    for (uint32_t r = 0; r < k; r++) {
        const sweep_key *hit = bsearch(u, ser[r].keys, ser[r].nrows, sizeof *u, sweep_key_cmp);
        if (hit != NULL) {
            from[n] = r;
            rows[n++] = hit->row;
        }
    }
    trace_text(f, u->text);
    fprintf(f, ",%u", n);
    for (uint32_t c = 0; c < ser[0].ncols; c++) {
        for (uint32_t m = 0; m < n; m++) {
            v[m] = ser[from[m]].vals[(size_t)rows[m] * ser[0].ncols + c];
        }
        double mean, half;
        sweep_mean_half(v, n, &mean, &half);
        fputc(',', f);
        trace_num(f, mean);
        fputc(',', f);
        trace_num(f, half);
    }
    fputc('\n', f);
}

static void sweep_mean_header(FILE *f, const sweep_series *ref)
{
    fputs("time,n", f);
    for (uint32_t c = 0; c < ref->ncols; c++) {
        fprintf(f, ",%s_mean,%s_ci95", ref->head[c + 1], ref->head[c + 1]);
    }
    fputc('\n', f);
}

/* dir/<base>_mean.csv over setting s's complete replicates of <base>.csv; *written if any had it. */
static sim_err sweep_write_mean(const sweep *w, uint32_t s, const char *base, const char *dir,
                                int *written, char *msg, size_t len)
{
    char file[160], out[180];
    snprintf(file, sizeof file, "%s.csv", base);
    snprintf(out, sizeof out, "%s_mean.csv", base);
    sweep_series *ser = calloc(w->o->reps, sizeof *ser);
    uint32_t *rows = calloc(w->o->reps, sizeof *rows), *from = calloc(w->o->reps, sizeof *from);
    double *v = calloc(w->o->reps, sizeof *v);
    sweep_key *u = NULL;
    uint32_t k = ser != NULL ? sweep_series_load(w, s, file, ser) : 0, nu = sweep_union(ser, k, &u);
    sim_err err = ser && rows && from && v && u ? SIM_OK : SIM_ENOMEM;
    *written = err == SIM_OK && k > 0;
    trace_file t = { .f = NULL };
    if (*written) {
        err = trace_open(&t, dir, out, msg, len);
    }
    if (*written && err == SIM_OK) {
        sweep_mean_header(t.f, &ser[0]);
        for (uint32_t q = 0; q < nu; q++) {
            sweep_mean_row(t.f, &u[q], ser, k, rows, from, v);
        }
        err = trace_commit(&t, msg, len);
    }
    for (uint32_t r = 0; r < k; r++) {
        sweep_series_free(&ser[r]);
    }
    free(ser);
    free(rows);
    free(from);
    free(v);
    free(u);
    if (err == SIM_ENOMEM) {
        snprintf(msg, len, "out of memory for the means of %s", out);
    }
    return err;
}

/* The manifest of a folder the sweep wrote (run.c's format), so a later sweep may remove them. */
static sim_err sweep_write_manifest(const char *dir, int fd, char names[][180], uint32_t k,
                                    char *msg, size_t len)
{
    trace_file t;
    SIM_TRY(trace_open(&t, dir, SWEEP_MANIFEST, msg, len));
    fputs(SWEEP_MANIFEST_HEAD " mycosim sweep here (name dev inode size mtime); a later\n"
          "# sweep into this folder removes them if they are still these very files\n", t.f);
    for (uint32_t q = 0; q < k; q++) {
        char id[512];
        if (sweep_identity(fd, names[q], id, sizeof id)) {
            fprintf(t.f, "%s\n", id);
        }
    }
    return trace_commit(&t, msg, len);
}

/* setting-SSSS/: a means file per model (and report.csv), and its manifest. */
static sim_err sweep_write_setting(sweep *w, uint32_t s, char *msg, size_t len)
{
    char name[64], dir[1100], names[66][180];
    if (sweep_complete_in(w, s) == 0) {
        return SIM_OK;
    }
    sweep_setting_name(s, name, sizeof name);
    snprintf(dir, sizeof dir, "%s/%s", w->dir, name);
    if (mkdirat(w->dfd, name, 0777) != 0 && errno != EEXIST) {
        snprintf(msg, len, "cannot create %s: %s", dir, strerror(errno));
        return SIM_EIO;
    }
    int fd = sweep_open_dir(w->dfd, name);
    if (fd < 0) {
        snprintf(msg, len, "cannot open %s: %s", dir, strerror(errno));
        return SIM_EIO;
    }
    sim_err err = SIM_OK;
    uint32_t k = 0;
    for (uint32_t m = 0; err == SIM_OK && m <= w->nmodels && k < 66; m++) {
        const char *base = m < w->nmodels ? w->models[m] : "report";
        int written = 0;
        err = sweep_write_mean(w, s, base, dir, &written, msg, len);
        if (written) {
            snprintf(names[k++], sizeof names[0], "%s_mean.csv", base);
        }
    }
    if (err == SIM_OK) {
        err = sweep_write_manifest(dir, fd, names, k, msg, len);
    }
    close(fd);
    return err;
}

/* Every table, over what completed. */
static sim_err sweep_collect(sweep *w, char *msg, size_t len)
{
    SIM_TRY(sweep_write_runs(w, msg, len));
    SIM_TRY(sweep_write_stats(w, msg, len));
    SIM_TRY(sweep_write_settings(w, msg, len));
    for (uint32_t s = 0; s < w->settings; s++) {
        SIM_TRY(sweep_write_setting(w, s, msg, len));
    }
    return SIM_OK;
}

/* --- Entry point ------------------------------------------------------------------------ */

/* How the sweep went, for main.c: interrupted, runs that did not complete, or a launch failure. */
static sim_err sweep_outcome(const sweep *w, char *msg, size_t len)
{
    if (w->stopping) {
        snprintf(msg, len, "sweep interrupted: %u of %u runs complete; run the same command again "
                 "to resume", w->complete, w->total);
        return SIM_EINTR;
    }
    if (w->halted) {
        snprintf(msg, len, "%s; %u of %u runs complete (run the same command again to resume)",
                 w->halt_msg, w->complete, w->total);
        return SIM_EIO;
    }
    if (w->complete < w->total) {
        snprintf(msg, len, "sweep: %u of %u runs did not complete; sweep.csv in %s lists each with "
                 "its status, and the statistics leave them out", w->total - w->complete, w->total,
                 w->dir);
        return SIM_EIO;
    }
    if (!w->o->quiet) {
        printf("mycosim sweep: %u setting%s x %u rep%s; results in %s/ (sweep.csv, sweep_stats.csv, "
               "settings.csv, setting-*/)\n", w->settings, w->settings == 1 ? "" : "s", w->o->reps,
               w->o->reps == 1 ? "" : "s", w->dir);
    }
    return SIM_OK;
}

static sim_err sweep_setup(sweep *w, char *msg, size_t len)
{
    w->axes = calloc(w->naxes + 1, sizeof *w->axes);
    w->store = calloc(w->naxes + 1, sizeof *w->store);
    w->sets = calloc(w->o->nsets + w->naxes + 1, sizeof *w->sets);
    if (w->axes == NULL || w->store == NULL || w->sets == NULL) {
        return SIM_ENOMEM;
    }
    SIM_TRY(sweep_parse_axes(w, msg, len));
    w->base_seed = calloc(w->settings, sizeof *w->base_seed);
    if (w->base_seed == NULL) {
        return SIM_ENOMEM;
    }
    SIM_TRY(sweep_validate(w, msg, len));
    SIM_TRY(sweep_hash_file(w, msg, len));
    SIM_TRY(trace_mkdirs(w->dir, msg, len));
    w->dfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (w->dfd < 0) {
        snprintf(msg, len, "cannot open %s: %s", w->dir, strerror(errno));
        return SIM_EIO;
    }
    w->jobs = calloc(w->total, sizeof *w->jobs);
    w->live = calloc(w->o->jobs, sizeof *w->live);
    return w->jobs != NULL && w->live != NULL ? SIM_OK : SIM_ENOMEM;
}

static void sweep_free(sweep *w)
{
    for (uint32_t a = 0; w->axes != NULL && a < w->naxes; a++) {
        free(w->axes[a].buf);
        free(w->store[a]);
    }
    for (uint32_t i = 0; w->jobs != NULL && i < w->total; i++) {
        free(w->jobs[i].summary);
    }
    for (uint32_t m = 0; m < w->nmodels; m++) {
        free(w->models[m]);
    }
    if (w->dfd >= 0) {
        close(w->dfd);
    }
    free(w->models);
    free(w->base_seed);
    free(w->axes);
    free(w->store);
    free(w->sets);
    free(w->jobs);
    free(w->live);
}

sim_err sweep_run(const sweep_opts *o, char *msg, size_t len)
{
    sweep w = { .o = o, .naxes = o->nvaries, .settings = 1, .dfd = -1 };
    msg[0] = '\0';
    sim_err err = sweep_setup(&w, msg, len);
    if (err == SIM_OK) {
        err = sweep_prepare(&w, msg, len);
    }
    if (err == SIM_OK) {
        sweep_launch(&w);
        err = sweep_collect(&w, msg, len);
    }
    if (err == SIM_OK) {
        err = sweep_outcome(&w, msg, len);
    }
    if (err == SIM_ENOMEM && msg[0] == '\0') {
        snprintf(msg, len, "out of memory");
    }
    sweep_free(&w);
    return err;
}
