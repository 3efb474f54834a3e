/*
 * sweep.c -- parameter sweeps: the cartesian product of --vary values times
 * --reps replicates, run as separate processes (--jobs at once).
 *
 * Replicate r of every setting uses seed base + r (common random numbers:
 * settings are compared on the same streams). Each run writes its own
 * folder exactly as `mycosim run` does; the parent then reads every
 * summary.csv and writes sweep.csv and sweep_stats.csv (mean and 95%
 * confidence interval from Student's t, GSL). Values that are NaN (a time
 * never reached, say) are left out of a mean and counted in n_nan.
 */
#include "sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "run.h"
#include "scen.h"
#include "trace.h"

#define SWEEP_MAX_VALUES 256
#define SWEEP_SET_MAX 4096          /* bytes of one --vary (and so of one KEY=VALUE it makes) */
#define SWEEP_MAX_COLS 64

typedef struct sweep_axis {
    char key[128];
    char *values[SWEEP_MAX_VALUES];
    uint32_t count;
    char *buf;                 /* the split copy of the values */
} sweep_axis;

typedef struct sweep_plan {
    sweep_axis *axes;
    uint32_t naxes;
    uint32_t settings;         /* product of the axis sizes */
    char dir[1024];
    int64_t base_seed;
} sweep_plan;

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

/* The --set list for setting number idx: the fixed sets, then one per axis. */
static void sweep_sets(const sweep_opts *o, const sweep_plan *p, uint32_t idx, char **store,
                       const char **sets)
{
    for (uint32_t i = 0; i < o->nsets; i++) {
        sets[i] = o->sets[i];
    }
    for (uint32_t a = p->naxes; a-- > 0;) {
        const sweep_axis *ax = &p->axes[a];
        uint32_t v = idx % ax->count;
        idx /= ax->count;
        snprintf(store[a], SWEEP_SET_MAX, "%s=%s", ax->key, ax->values[v]);
        sets[o->nsets + a] = store[a];
    }
}

static void sweep_run_dir(const sweep_plan *p, uint32_t setting, uint32_t rep, char *out, size_t len)
{
    snprintf(out, len, "%s/run-%04u-rep%u", p->dir, setting, rep);
}

/* Child: load and run one combination quietly; the exit status says how it went. */
static int sweep_child(const sweep_opts *o, const char *const *sets, uint32_t nsets,
                       int64_t seed, const char *dir)
{
    scen *s = NULL;
    char msg[512];
    if (scen_load(o->file, sets, nsets, seed, &s, msg, sizeof msg) != SIM_OK) {
        char line[600];
        trace_one_line(msg, line, sizeof line);
        fprintf(stderr, "mycosim: %s\n", line);
        return 2;
    }
    run_opts ro = { .out_dir = dir, .quiet = 1, .no_plot = 1, .progress = 0, .force = o->force };
    sim_err err = run_scenario(s, &ro, msg, sizeof msg);
    scen_free(s);
    if (err != SIM_OK) {
        char line[600];
        trace_one_line(msg, line, sizeof line);
        fprintf(stderr, "mycosim: %s: %s\n", dir, line);
    }
    return err == SIM_OK ? 0 : 1;
}

/* Load every combination once, so bad input fails before anything is written. */
static sim_err sweep_validate(const sweep_opts *o, sweep_plan *p, char **store, const char **sets,
                              char *msg, size_t len)
{
    for (uint32_t i = 0; i < p->settings; i++) {
        sweep_sets(o, p, i, store, sets);
        scen *s = NULL;
        sim_err err = scen_load(o->file, sets, o->nsets + p->naxes, o->seed, &s, msg, len);
        if (err != SIM_OK) {
            return err;
        }
        if (i == 0) {
            const sim_config *c = scen_config(s);
            p->base_seed = c->scenario.seed;
            if (o->out_dir != NULL) {
                snprintf(p->dir, sizeof p->dir, "%s", o->out_dir);
            } else {
                snprintf(p->dir, sizeof p->dir, "results/%s-sweep", c->scenario.name);
            }
        }
        scen_free(s);
    }
    return SIM_OK;
}

static sim_err sweep_launch(const sweep_opts *o, const sweep_plan *p, char **store,
                            const char **sets, char *msg, size_t len)
{
    uint32_t total = p->settings * o->reps, running = 0, failed = 0;
    for (uint32_t r = 0; r < total || running > 0;) {
        if (r < total && running < o->jobs && !run_stop_signal) {
            uint32_t setting = r / o->reps, rep = r % o->reps;
            char dir[1100];
            sweep_sets(o, p, setting, store, sets);
            sweep_run_dir(p, setting, rep, dir, sizeof dir);
            fflush(NULL);
            pid_t pid = fork();
            if (pid == 0) {
                _exit(sweep_child(o, sets, o->nsets + p->naxes, p->base_seed + rep, dir));
            }
            if (pid < 0) {
                snprintf(msg, len, "cannot start a run (fork failed)");
                return SIM_EIO;
            }
            running++;
            r++;
            continue;
        }
        if (r < total && run_stop_signal) {
            total = r;
        }
        int st;
        if (wait(&st) > 0) {
            running--;
            failed += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        } else {
            break;
        }
    }
    if (run_stop_signal) {
        snprintf(msg, len, "sweep interrupted");
        return SIM_EINTR;
    }
    if (failed > 0) {
        snprintf(msg, len, "%u of %u runs failed (see the messages above)", failed, total);
        return SIM_EIO;
    }
    return SIM_OK;
}

/* Split one CSV line in place (no quoted commas in our summaries but the name). */
static uint32_t sweep_split(char *line, char **cols)
{
    uint32_t n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *c = line; n < SWEEP_MAX_COLS;) {
        cols[n++] = c;
        char *comma = strchr(c, ',');
        if (comma == NULL) {
            break;
        }
        *comma = '\0';
        c = comma + 1;
    }
    return n;
}

typedef struct sweep_row {
    char head[4096];
    char line[4096];
    char *hcols[SWEEP_MAX_COLS];
    char *cols[SWEEP_MAX_COLS];
    uint32_t nh, nc;
} sweep_row;

static int sweep_read_summary(const char *dir, sweep_row *row)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return 0;
    }
    int ok = fgets(row->head, sizeof row->head, f) != NULL && fgets(row->line, sizeof row->line, f) != NULL;
    fclose(f);
    if (ok) {
        row->nh = sweep_split(row->head, row->hcols);
        row->nc = sweep_split(row->line, row->cols);
    }
    return ok && row->nh == row->nc;
}

/* First summary column that is a model metric (after `status`). */
static uint32_t sweep_first_metric(const sweep_row *row)
{
    for (uint32_t i = 0; i < row->nh; i++) {
        if (strcmp(row->hcols[i], "status") == 0) {
            return i + 1;
        }
    }
    return row->nh;
}

static void sweep_stats_line(FILE *f, const sweep_plan *p, char **store, const char *metric,
                             const double *v, uint32_t reps)
{
    double ok[1024];
    uint32_t n = 0, nan = 0;
    for (uint32_t r = 0; r < reps && r < 1024; r++) {
        if (isnan(v[r])) {
            nan++;
        } else {
            ok[n++] = v[r];
        }
    }
    for (uint32_t a = 0; a < p->naxes; a++) {
        trace_text(f, strchr(store[a], '=') + 1);
        fputc(',', f);
    }
    double mean = n > 0 ? gsl_stats_mean(ok, 1, n) : NAN;
    double half = n > 1 ? gsl_cdf_tdist_Pinv(0.975, n - 1.0) * gsl_stats_sd(ok, 1, n) / sqrt(n) : NAN;
    fprintf(f, "%s,%u,%u,", metric, n, nan);
    trace_num(f, mean);
    fputc(',', f);
    trace_num(f, mean - half);
    fputc(',', f);
    trace_num(f, mean + half);
    fputc('\n', f);
}

static sim_err sweep_collect(const sweep_opts *o, const sweep_plan *p, char **store,
                             const char **sets, char *msg, size_t len)
{
    trace_file all, stats;
    SIM_TRY(trace_open(&all, p->dir, "sweep.csv", msg, len));
    if (trace_open(&stats, p->dir, "sweep_stats.csv", msg, len) != SIM_OK) {
        trace_discard(&all);
        return SIM_EIO;
    }
    static sweep_row row;
    double *vals = calloc((size_t)o->reps * SWEEP_MAX_COLS, sizeof *vals);
    int header = 0;
    for (uint32_t s = 0; s < p->settings && vals != NULL; s++) {
        sweep_sets(o, p, s, store, sets);
        uint32_t first = 0;
        for (uint32_t r = 0; r < o->reps; r++) {
            char dir[1100];
            sweep_run_dir(p, s, r, dir, sizeof dir);
            if (!sweep_read_summary(dir, &row)) {
                continue;
            }
            first = sweep_first_metric(&row);
            if (!header) {
                for (uint32_t a = 0; a < p->naxes; a++) {
                    fprintf(all.f, "%s,", p->axes[a].key);
                    fprintf(stats.f, "%s,", p->axes[a].key);
                }
                fputs("rep,folder", all.f);
                for (uint32_t i = 1; i < row.nh; i++) {
                    fprintf(all.f, ",%s", row.hcols[i]);
                }
                fputs("\n", all.f);
                fputs("metric,n,n_nan,mean,ci95_low,ci95_high\n", stats.f);
                header = 1;
            }
            for (uint32_t a = 0; a < p->naxes; a++) {
                trace_text(all.f, strchr(store[a], '=') + 1);
                fputc(',', all.f);
            }
            fprintf(all.f, "%u,%s", r, strrchr(dir, '/') + 1);
            for (uint32_t i = 1; i < row.nc; i++) {
                fprintf(all.f, ",%s", row.cols[i]);
            }
            fputc('\n', all.f);
            for (uint32_t i = first; i < row.nc; i++) {
                vals[(size_t)(i - first) * o->reps + r] = strtod(row.cols[i], NULL);
            }
        }
        for (uint32_t i = first; header && i < row.nh; i++) {
            sweep_stats_line(stats.f, p, store, row.hcols[i], &vals[(size_t)(i - first) * o->reps], o->reps);
        }
    }
    free(vals);
    SIM_TRY(trace_commit(&all, msg, len));
    return trace_commit(&stats, msg, len);
}

sim_err sweep_run(const sweep_opts *o, char *msg, size_t len)
{
    if (o->nvaries == 0) {
        snprintf(msg, len, "sweep: give at least one --vary KEY=V1,V2,...");
        return SIM_EINPUT;
    }
    sweep_plan p = { .naxes = o->nvaries, .settings = 1 };
    p.axes = calloc(o->nvaries, sizeof *p.axes);
    char **store = calloc(o->nvaries, sizeof *store);
    const char **sets = calloc(o->nsets + o->nvaries, sizeof *sets);
    sim_err err = (p.axes && store && sets) ? SIM_OK : SIM_ENOMEM;
    for (uint32_t a = 0; err == SIM_OK && a < o->nvaries; a++) {
        err = sweep_parse_axis(o->varies[a], &p.axes[a], msg, len);
        store[a] = malloc(SWEEP_SET_MAX);
        if (err == SIM_OK && store[a] == NULL) {
            err = SIM_ENOMEM;
        }
        for (uint32_t b = 0; err == SIM_OK && b < a; b++) {
            if (strcmp(p.axes[a].key, p.axes[b].key) == 0) {
                snprintf(msg, len, "--vary %s: the key is varied twice; give its values once", p.axes[a].key);
                err = SIM_EINPUT;
            }
        }
        if (err == SIM_OK && p.settings * (uint64_t)p.axes[a].count * o->reps > 100000) {
            snprintf(msg, len, "sweep: more than 100000 runs (settings x reps)");
            err = SIM_EINPUT;
        }
        if (err == SIM_OK) {
            p.settings *= p.axes[a].count;
        }
    }
    if (err == SIM_OK && p.settings * (uint64_t)o->reps > 100000) {
        snprintf(msg, len, "sweep: %u settings x %u reps is more than 100000 runs", p.settings, o->reps);
        err = SIM_EINPUT;
    }
    if (err == SIM_OK) {
        err = sweep_validate(o, &p, store, sets, msg, len);
    }
    if (err == SIM_OK) {
        err = trace_mkdirs(p.dir, msg, len);
    }
    if (err == SIM_OK) {
        err = sweep_launch(o, &p, store, sets, msg, len);
    }
    if (err == SIM_OK || err == SIM_EINTR) {
        sim_err e2 = sweep_collect(o, &p, store, sets, msg, len);
        err = err == SIM_OK ? e2 : err;
    }
    if (err == SIM_OK && !o->quiet) {
        printf("mycosim sweep: %u settings x %u reps; results in %s/sweep.csv and sweep_stats.csv\n",
               p.settings, o->reps, p.dir);
    }
    for (uint32_t a = 0; p.axes != NULL && a < o->nvaries; a++) {
        free(p.axes[a].buf);
        free(store[a]);
    }
    free(p.axes);
    free(store);
    free(sets);
    return err;
}
