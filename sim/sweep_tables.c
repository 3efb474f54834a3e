/*
 * sweep_tables.c -- a sweep's tables: the runs' summaries read, sweep.csv,
 * sweep_stats.csv and settings.csv written, over the runs that completed.
 *
 * Tables that cannot lie. A run counts only if it completed (sweep_dir.c
 * decides: its marker is this run's, its manifest lists its outputs as
 * they are now, and its summary says status ok). sweep.csv has one row per
 * planned run, in plan order, with its status: the run's own (ok,
 * interrupted, failed) or what the parent saw (error: exit 1 or 2 without
 * a summary; crashed: killed by a signal that was not our stop;
 * interrupted: stopped by us before it wrote anything; not_run). Metric
 * fields are empty without a summary. sweep_stats.csv takes each setting's
 * mean and 95% interval (Student's t, GSL) over its completed runs only,
 * with n (values), n_nan (completed runs whose value is NaN) and n_excluded
 * (planned runs that did not complete). Its metric names come from the
 * first completed run's summary and are looked up by name in every other;
 * wall_s, events_per_s (and a model's ..._wall_s) measure the machine, not the model, and stay in
 * sweep.csv only. settings.csv says how many runs completed per setting,
 * and names its folder of means (sweep_means.c) when any did.
 *
 * The CSV field reader here (RFC 4180 quotes) also serves the means.
 */
#include "sweep_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "trace.h"

/* --- CSV fields ------------------------------------------------------------------ */

/* Split one CSV line in place at commas outside quotes, unquoting fields (RFC 4180); at most max. */
uint32_t sweep_tables_split(char *line, char **cols, uint32_t max)
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
char **sweep_tables_cut(char *line, uint32_t *n)
{
    uint32_t cap = 1;
    for (const char *c = line; *c != '\0' && *c != '\n'; c++) {
        cap += *c == ',';
    }
    char **cols = malloc(cap * sizeof *cols);
    *n = cols != NULL ? sweep_tables_split(line, cols, cap) : 0;
    return cols;
}

/* A field as a number; NaN if absent or not entirely a number. */
double sweep_tables_num(const char *s)
{
    char *end;
    if (s == NULL || *s == '\0') {
        return NAN;
    }
    double v = strtod(s, &end);
    return *end == '\0' ? v : NAN;
}

/* --- Run summaries ----------------------------------------------------------------------- */

/* A summary.csv cut into its header and its row. */
typedef struct sweep_tables_sum {
    char *buf;
    char **head, **row;
    uint32_t n;                /* columns, 0 if there is no (well-formed) summary */
} sweep_tables_sum;

static void sweep_tables_sum_free(sweep_tables_sum *s)
{
    free(s->buf);
    free(s->head);
    free(s->row);
    memset(s, 0, sizeof *s);
}

static int sweep_tables_sum_cut(const char *text, sweep_tables_sum *s)
{
    memset(s, 0, sizeof *s);
    s->buf = text != NULL ? strdup(text) : NULL;
    char *nl = s->buf != NULL ? strchr(s->buf, '\n') : NULL;
    if (nl == NULL) {
        return 0;
    }
    *nl = '\0';
    uint32_t nh, nr;
    s->head = sweep_tables_cut(s->buf, &nh);
    s->row = sweep_tables_cut(nl + 1, &nr);
    s->n = s->head != NULL && s->row != NULL && nh == nr ? nh : 0;
    return s->n > 0;
}

/* The field of column col, or NULL. */
static const char *sweep_tables_sum_get(const sweep_tables_sum *s, const char *col)
{
    for (uint32_t i = 0; i < s->n; i++) {
        if (strcmp(s->head[i], col) == 0) {
            return s->row[i];
        }
    }
    return NULL;
}

int sweep_tables_summary_ok(const char *text)
{
    sweep_tables_sum s;
    sweep_tables_sum_cut(text, &s);
    const char *st = sweep_tables_sum_get(&s, "status");
    int ok = st != NULL && strcmp(st, "ok") == 0;
    sweep_tables_sum_free(&s);
    return ok;
}

/* A run's status: its summary's, else what the parent saw. */
void sweep_tables_status(const sweep_job *j, char *out, size_t len)
{
    sweep_tables_sum s;
    sweep_tables_sum_cut(j->summary, &s);
    const char *st = sweep_tables_sum_get(&s, "status");
    static const char *const seen[] = {
        [SWEEP_PENDING] = "not_run", [SWEEP_REUSED] = "ok", [SWEEP_RUNNING] = "not_run",
        [SWEEP_EXITED] = "error", [SWEEP_ERROR] = "error", [SWEEP_CRASHED] = "crashed",
        [SWEEP_STOPPED] = "interrupted"
    };
    snprintf(out, len, "%s", st != NULL ? st : seen[j->state]);
    sweep_tables_sum_free(&s);
}

/* --- sweep.csv, sweep_stats.csv, settings.csv ----------------------------------------- */

static void sweep_tables_key_names(FILE *f, const sweep *w)
{
    for (uint32_t a = 0; a < w->naxes; a++) {
        trace_text(f, w->axes[a].key);
        fputc(',', f);
    }
}

static void sweep_tables_key_values(FILE *f, const sweep *w, uint32_t s)
{
    for (uint32_t a = 0; a < w->naxes; a++) {
        trace_text(f, sweep_plan_value(w, s, a));
        fputc(',', f);
    }
}

/* The first summary in plan order of a complete run (ok_only), or of any run. */
static const char *sweep_tables_reference(const sweep *w, int ok_only)
{
    for (uint32_t i = 0; i < w->total; i++) {
        if (w->jobs[i].summary != NULL && (w->jobs[i].ok || !ok_only)) {
            return w->jobs[i].summary;
        }
    }
    return NULL;
}

/* sweep.csv takes every summary column but these (status has its own place). */
static int sweep_tables_run_column(const char *name)
{
    return strcmp(name, "scenario") != 0 && strcmp(name, "seed") != 0 && strcmp(name, "status") != 0;
}

static void sweep_tables_run_row(FILE *f, const sweep *w, uint32_t i, const sweep_tables_sum *ref)
{
    const sweep_job *j = &w->jobs[i];
    char name[64], status[64];
    sweep_tables_sum s;
    sweep_tables_sum_cut(j->summary, &s);
    sweep_plan_run_name(w, i, name, sizeof name);
    sweep_tables_status(j, status, sizeof status);
    sweep_tables_key_values(f, w, i / w->o->reps);
    fprintf(f, "%u,%lld,%s,", i % w->o->reps, (long long)sweep_plan_seed(w, i), name);
    trace_text(f, status);
    for (uint32_t c = 0; c < ref->n; c++) {
        if (sweep_tables_run_column(ref->head[c])) {
            const char *v = sweep_tables_sum_get(&s, ref->head[c]);
            fputc(',', f);
            trace_text(f, v != NULL ? v : "");
        }
    }
    fputc('\n', f);
    sweep_tables_sum_free(&s);
}

/* sweep.csv: one row per planned run, in plan order. */
static sim_err sweep_tables_runs(sweep *w, char *msg, size_t len)
{
    trace_file t;
    SIM_TRY(trace_open(&t, w->dir, "sweep.csv", msg, len));
    sweep_tables_sum ref;
    const char *first = sweep_tables_reference(w, 1);
    sweep_tables_sum_cut(first != NULL ? first : sweep_tables_reference(w, 0), &ref);
    sweep_tables_key_names(t.f, w);
    fputs("rep,seed,folder,status", t.f);
    for (uint32_t c = 0; c < ref.n; c++) {
        if (sweep_tables_run_column(ref.head[c])) {
            fputc(',', t.f);
            trace_text(t.f, ref.head[c]);
        }
    }
    fputc('\n', t.f);
    for (uint32_t i = 0; i < w->total; i++) {
        sweep_tables_run_row(t.f, w, i, &ref);
    }
    sweep_tables_sum_free(&ref);
    return trace_commit(&t, msg, len);
}

/* Mean and 95% half-width t(0.975, n - 1) sd / sqrt(n) of v[0 .. n-1]; NaN where undefined. */
void sweep_tables_mean_half(const double *v, size_t n, double *mean, double *half)
{
    *mean = n > 0 ? gsl_stats_mean(v, 1, n) : NAN;
    *half = n > 1 ? gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * gsl_stats_sd(v, 1, n) / sqrt((double)n)
                  : NAN;
}

/*
 * A metric of sweep_stats.csv: a summary column after status, but not a
 * measure of the machine: wall_s, events_per_s and any model column named
 * ..._wall_s (flow's solve_wall_s) differ between two runs of one seed.
 */
static int sweep_tables_metric(const sweep_tables_sum *ref, uint32_t c)
{
    uint32_t status = 0;
    while (status < ref->n && strcmp(ref->head[status], "status") != 0) {
        status++;
    }
    size_t len = strlen(ref->head[c]);
    int wall = len >= 6 && strcmp(ref->head[c] + len - 6, "wall_s") == 0;
    return c > status && !wall && strcmp(ref->head[c], "events_per_s") != 0;
}

/* One row of sweep_stats.csv: setting s, metric, over its complete runs' summaries sums[0 .. k-1]. */
static void sweep_tables_stats_row(FILE *f, const sweep *w, uint32_t s, const char *metric,
                                   const sweep_tables_sum *sums, uint32_t k, double *v)
{
    uint32_t n = 0, nan = 0;
    for (uint32_t r = 0; r < k; r++) {
        double x = sweep_tables_num(sweep_tables_sum_get(&sums[r], metric));
        if (isnan(x)) {
            nan++;
        } else {
            v[n++] = x;
        }
    }
    double mean, half;
    sweep_tables_mean_half(v, n, &mean, &half);
    sweep_tables_key_values(f, w, s);
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
static void sweep_tables_stats_setting(FILE *f, const sweep *w, uint32_t s,
                                       const sweep_tables_sum *ref, sweep_tables_sum *sums, double *v)
{
    uint32_t k = 0;
    for (uint32_t r = 0; r < w->o->reps; r++) {
        const sweep_job *j = &w->jobs[s * w->o->reps + r];
        if (j->ok && sweep_tables_sum_cut(j->summary, &sums[k])) {
            k++;
        } else if (j->ok) {
            sweep_tables_sum_free(&sums[k]);
        }
    }
    for (uint32_t c = 0; c < ref->n; c++) {
        if (sweep_tables_metric(ref, c)) {
            sweep_tables_stats_row(f, w, s, ref->head[c], sums, k, v);
        }
    }
    for (uint32_t r = 0; r < k; r++) {
        sweep_tables_sum_free(&sums[r]);
    }
}

/* sweep_stats.csv: per setting and metric, over complete runs only. */
static sim_err sweep_tables_stats(sweep *w, char *msg, size_t len)
{
    trace_file t;
    SIM_TRY(trace_open(&t, w->dir, "sweep_stats.csv", msg, len));
    sweep_tables_key_names(t.f, w);
    fputs("metric,n,n_nan,n_excluded,mean,ci95_low,ci95_high\n", t.f);
    sweep_tables_sum ref;
    sweep_tables_sum_cut(sweep_tables_reference(w, 1), &ref);
    sweep_tables_sum *sums = calloc(w->o->reps, sizeof *sums);
    double *v = calloc(w->o->reps, sizeof *v);
    if (sums == NULL || v == NULL) {
        trace_discard(&t);
        snprintf(msg, len, "out of memory");
    }
    for (uint32_t s = 0; ref.n > 0 && t.f != NULL && s < w->settings; s++) {
        sweep_tables_stats_setting(t.f, w, s, &ref, sums, v);
    }
    sweep_tables_sum_free(&ref);
    free(sums);
    free(v);
    return t.f != NULL ? trace_commit(&t, msg, len) : SIM_ENOMEM;
}

uint32_t sweep_tables_complete_in(const sweep *w, uint32_t s)
{
    uint32_t k = 0;
    for (uint32_t r = 0; r < w->o->reps; r++) {
        k += w->jobs[s * w->o->reps + r].ok != 0;
    }
    return k;
}

/* settings.csv: one row per setting, with its folder of means (none when no run completed). */
static sim_err sweep_tables_settings(sweep *w, char *msg, size_t len)
{
    trace_file t;
    SIM_TRY(trace_open(&t, w->dir, "settings.csv", msg, len));
    fputs("setting,folder,", t.f);
    sweep_tables_key_names(t.f, w);
    fputs("complete,planned\n", t.f);
    for (uint32_t s = 0; s < w->settings; s++) {
        char name[64] = "";
        uint32_t k = sweep_tables_complete_in(w, s);
        if (k > 0) {
            sweep_plan_setting_name(s, name, sizeof name);
        }
        fprintf(t.f, "%u,%s,", s, name);
        sweep_tables_key_values(t.f, w, s);
        fprintf(t.f, "%u,%u\n", k, w->o->reps);
    }
    return trace_commit(&t, msg, len);
}

/* The three tables, in this order, over what completed. */
sim_err sweep_tables_write(sweep *w, char *msg, size_t len)
{
    SIM_TRY(sweep_tables_runs(w, msg, len));
    SIM_TRY(sweep_tables_stats(w, msg, len));
    return sweep_tables_settings(w, msg, len);
}
