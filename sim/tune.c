/*
 * tune.c -- `mycosim tune`: find the value of one real key at which the
 * replicate mean of a summary metric equals a target.
 *
 * The checks. Before anything is written: --key, --range and --target are
 * given and well formed; the scenario loads; the key's block is in the
 * scenario and the key is real-valued (a number, a time or a per-node
 * number; integer, boolean, string and table keys are refused, as is a key
 * also given by --set); the scenario loads with the key at LO and at HI
 * (so an unknown key, or a range outside the key's declared range, gets
 * the loader's own message); the metric is model.column of a model block
 * of the scenario and one of its summary columns.
 *
 * The evaluations. The root search (tune_root.c) asks for the mean at x;
 * each ask is one sweep (sweep_run) of the scenario with --set KEY=x
 * (%.17g: exact) and R replicates into OUT/eval-NN/, NN counting from 01.
 * Replicate r runs with seed + r at every x (common random numbers: the
 * sweep does so), so where the model is monotone in the key the evaluated
 * means are too, and Brent sees a curve rather than noise. The sweep's
 * sweep_stats.csv gives the mean and the 95% half-width of the metric;
 * a NaN in any run stops the tune (SIM_EINPUT naming the eval folder): a
 * mean over the runs that have a number would answer another question.
 *
 * Resume. The search is deterministic given the means, and the sweep keeps
 * a complete eval folder of the very same plan (scenario bytes, seeds,
 * --set list, x), so the same command again after an interruption runs
 * only what is missing; a different target reuses the two ends. Folders
 * eval-NN beyond the ones a tune uses are left as they are: tune.csv says
 * which folders the result is made of.
 *
 * The outputs in OUT, written whole (trace.h) once the checks pass, also
 * after an interruption, a failed evaluation or a target not reached:
 * tune.csv (one row per evaluation), tune_result.csv (one row), tune.png
 * and tune.gp (plot_tune), and the folder's manifest (trace.h), which
 * lists them so a later tune removes a figure it no longer draws.
 * Nothing is printed here: main.c prints the progress it is told and
 * the result.
 */
#include "tune.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "plot.h"
#include "run.h"
#include "scen.h"
#include "sweep.h"
#include "topo.h"
#include "trace.h"

#define TUNE_SET_MAX 256           /* bytes of KEY=x */

/* A tune under way: the checked inputs and the eval callback's state. */
typedef struct tune {
    const tune_opts *o;
    double lo, hi, target;
    char metric[128];              /* model.column, as given */
    const char *column;            /* the summary column (after the dot) */
    char dir[1024];
    const char **sets;             /* o->sets, then KEY=x */
    char keyset[TUNE_SET_MAX];
    uint32_t evals;                /* evaluations made so far */
} tune;

/* --- Checking the command line -------------------------------------------------------- */

/* A whole finite number; 0 otherwise. */
static int tune_number(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && *end == '\0' && errno != ERANGE && isfinite(*v);
}

static sim_err tune_parse_args(tune *t, char *msg, size_t len)
{
    const tune_opts *o = t->o;
    const char *missing = o->key == NULL ? "--key KEY" : o->range == NULL ? "--range LO,HI"
                          : o->target == NULL ? "--target MODEL.METRIC=V" : NULL;
    if (missing != NULL) {
        snprintf(msg, len, "tune: missing %s (see mycosim --help)", missing);
        return SIM_EINPUT;
    }
    char buf[256];
    snprintf(buf, sizeof buf, "%s", o->range);
    char *comma = strchr(buf, ',');
    if (comma != NULL) {
        *comma = '\0';
    }
    if (comma == NULL || !tune_number(buf, &t->lo) || !tune_number(comma + 1, &t->hi)) {
        snprintf(msg, len, "--range %s: expected LO,HI (two numbers)", o->range);
        return SIM_EINPUT;
    }
    if (t->lo >= t->hi) {
        snprintf(msg, len, "--range %s: LO must be below HI", o->range);
        return SIM_EINPUT;
    }
    const char *eq = strchr(o->target, '=');
    const char *dot = eq != NULL ? memchr(o->target, '.', (size_t)(eq - o->target)) : NULL;
    if (dot == NULL || dot == o->target || dot + 1 == eq || (size_t)(eq - o->target) >= sizeof t->metric
        || !tune_number(eq + 1, &t->target)) {
        snprintf(msg, len, "--target %s: expected MODEL.METRIC=V (e.g. gossip.t_99=12)", o->target);
        return SIM_EINPUT;
    }
    snprintf(t->metric, sizeof t->metric, "%.*s", (int)(eq - o->target), o->target);
    t->column = t->metric + (dot - o->target) + 1;
    return SIM_OK;
}

/* The parameter table of block in the loaded scenario, or NULL (param, or no such block). */
static const sim_param *tune_block_params(const sim_config *c, const char *block)
{
    if (strcmp(block, "scenario") == 0) {
        return scenario_params;
    }
    if (strcmp(block, "links") == 0) {
        return links_params;
    }
    if (strcmp(block, "topology") == 0) {
        return topo_params(c->topology.kind);
    }
    for (uint32_t m = 0; m < c->nmodels; m++) {
        if (strcmp(c->models[m].model->name, block) == 0) {
            return c->models[m].model->params;
        }
    }
    return NULL;
}

/* Refuse a key that is not real-valued (an unknown one is left to the loader). */
static sim_err tune_check_key(const tune *t, const sim_config *c, char *msg, size_t len)
{
    static const char *const kinds[] = {
        [SIM_PT_INT] = "an integer", [SIM_PT_BOOL] = "a boolean", [SIM_PT_ENUM] = "a string",
        [SIM_PT_STR] = "a string", [SIM_PT_NODES] = "a node set", [SIM_PT_DIST] = "a latency table",
        [SIM_PT_INTLIST] = "a list of integers"
    };
    const char *key = t->o->key, *dot = strchr(key, '.');
    char block[64];
    if (dot == NULL || dot == key || dot[1] == '\0' || (size_t)(dot - key) >= sizeof block) {
        snprintf(msg, len, "--key %s: expected block.key or param.name", key);
        return SIM_EINPUT;
    }
    snprintf(block, sizeof block, "%.*s", (int)(dot - key), key);
    const sim_param *p = tune_block_params(c, block);
    for (; p != NULL && p->key != NULL; p++) {
        if (strcmp(p->key, dot + 1) == 0 && p->type != SIM_PT_NUM && p->type != SIM_PT_TIME
            && p->type != SIM_PT_PERNODE) {
            snprintf(msg, len, "--key %s: %s key; only real-valued keys (numbers, times) can be tuned",
                     key, kinds[p->type]);
            return SIM_EINPUT;
        }
    }
    for (uint32_t i = 0; i < t->o->nsets; i++) {
        size_t k = strlen(key);
        if (strncmp(t->o->sets[i], key, k) == 0 && t->o->sets[i][k] == '=') {
            snprintf(msg, len, "--set %s: the tuned key is set by the tune; drop this --set", t->o->sets[i]);
            return SIM_EINPUT;
        }
    }
    return SIM_OK;
}

/* The metric must be model.column of a model block of the scenario, one of its summary columns. */
static sim_err tune_check_metric(const tune *t, const sim_config *c, char *msg, size_t len)
{
    size_t mlen = (size_t)(t->column - 1 - t->metric);
    for (uint32_t m = 0; m < c->nmodels; m++) {
        const sim_model *model = c->models[m].model;
        if (strlen(model->name) != mlen || strncmp(model->name, t->metric, mlen) != 0) {
            continue;
        }
        char list[512] = "";
        for (const char *const *s = model->summary; *s != NULL; s++) {
            if (strcmp(*s, t->column) == 0) {
                return SIM_OK;
            }
            size_t k = strlen(list);
            snprintf(list + k, sizeof list - k, "%s%s", k ? ", " : "", *s);
        }
        snprintf(msg, len, "--target: unknown metric '%s' (%s's summary metrics: %s)", t->metric,
                 model->name, list);
        return SIM_EINPUT;
    }
    snprintf(msg, len, "--target: unknown metric '%s': no model block '%.*s' in this scenario",
             t->metric, (int)mlen, t->metric);
    return SIM_EINPUT;
}

/* The --set list with KEY=x last: x in the fewest digits that read back exactly (0.1, not 0.1000...01). */
static void tune_set_x(tune *t, double x)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(t->keyset, sizeof t->keyset, "%s=%.*g", t->o->key, digits, x);
        if (strtod(t->keyset + strlen(t->o->key) + 1, NULL) == x) {
            break;
        }
    }
    t->sets[t->o->nsets] = t->keyset;
}

/*
 * The scenario loads with the key at x; else the loader's message (an
 * unknown key, a value outside the key's range), told as the --key's.
 */
static sim_err tune_probe(tune *t, double x, char *msg, size_t len)
{
    scen *s = NULL;
    tune_set_x(t, x);
    sim_err err = scen_load(t->o->file, t->sets, t->o->nsets + 1, t->o->seed, &s, msg, len);
    scen_free(s);
    if (err != SIM_OK && strncmp(msg, "--set ", 6) == 0 && strncmp(msg + 6, t->keyset, strlen(t->keyset)) == 0) {
        memcpy(msg, "--key", 5);
    }
    return err;
}

/* Every check, before anything is written; t->dir is the tune's folder. */
static sim_err tune_check(tune *t, char *msg, size_t len)
{
    SIM_TRY(tune_parse_args(t, msg, len));
    scen *s = NULL;
    SIM_TRY(scen_load(t->o->file, t->o->sets, t->o->nsets, t->o->seed, &s, msg, len));
    const sim_config *c = scen_config(s);
    sim_err err = tune_check_key(t, c, msg, len);
    if (err == SIM_OK) {
        err = tune_check_metric(t, c, msg, len);
    }
    if (t->o->out_dir != NULL) {
        snprintf(t->dir, sizeof t->dir, "%s", t->o->out_dir);
    } else {
        snprintf(t->dir, sizeof t->dir, "results/%s-tune", c->scenario.name);
    }
    scen_free(s);
    SIM_TRY(err);
    SIM_TRY(tune_probe(t, t->lo, msg, len));
    return tune_probe(t, t->hi, msg, len);
}

/* --- One evaluation: a sweep ------------------------------------------------------------ */

/* The metric's row of dir/sweep_stats.csv into p (mean, ci95, n); *nan its runs without a number. */
static sim_err tune_read_stats(const tune *t, const char *dir, tune_point *p, uint32_t *nan,
                               char *msg, size_t len)
{
    plot_csv c;
    if (!plot_csv_open(&c, dir, "sweep_stats.csv")) {
        snprintf(msg, len, "cannot read %s/sweep_stats.csv", dir);
        return SIM_EIO;
    }
    static const char *const names[] = { "metric", "n", "n_nan", "mean", "ci95_low", "ci95_high" };
    int col[6], found = 0, head = plot_csv_next(&c);
    for (int i = 0; i < 6; i++) {
        col[i] = head ? plot_csv_find(&c, names[i]) : -1;
    }
    while (!found && col[0] >= 0 && plot_csv_next(&c)) {
        if (strcmp(plot_csv_get(&c, (uint32_t)col[0]), t->column) != 0) {
            continue;
        }
        double v[5];
        for (int i = 1; i < 6; i++) {
            v[i - 1] = col[i] >= 0 ? strtod(plot_csv_get(&c, (uint32_t)col[i]), NULL) : NAN;
        }
        p->n = (uint32_t)v[0];
        *nan = (uint32_t)v[1];
        p->mean = v[2];
        p->ci95 = v[2] - v[3];
        found = 1;
    }
    plot_csv_close(&c);
    if (!found) {
        snprintf(msg, len, "%s/sweep_stats.csv has no row for %s", dir, t->metric);
        return SIM_EIO;
    }
    return SIM_OK;
}

static sim_err tune_eval(void *ctx, double x, tune_step step, tune_point *out, char *msg, size_t len)
{
    tune *t = ctx;
    const tune_opts *o = t->o;
    char dir[1100], err_msg[600];
    if (run_stop_signal) {
        snprintf(msg, len, "interrupted");
        return SIM_EINTR;
    }
    t->evals++;
    snprintf(dir, sizeof dir, "%s/eval-%02u", t->dir, t->evals);
    tune_set_x(t, x);
    sweep_opts so = {
        .file = o->file, .sets = t->sets, .nsets = o->nsets + 1, .reps = o->reps, .jobs = o->jobs,
        .out_dir = dir, .seed = o->seed, .quiet = o->quiet || !o->tty, .tty = o->tty, .force = o->force,
        .no_plot = 1, .quiet_stdout = 1
    };
    sim_err err = sweep_run(&so, err_msg, sizeof err_msg);
    if (err == SIM_EINTR) {
        snprintf(msg, len, "%s", err_msg);
        return err;
    }
    if (err != SIM_OK) {
        snprintf(msg, len, "eval-%02u (%s=%g): %s", t->evals, o->key, x, err_msg);
        return err;
    }
    uint32_t nan = 0;
    SIM_TRY(tune_read_stats(t, dir, out, &nan, msg, len));
    if (nan > 0) {
        snprintf(msg, len, "%s is nan in %u of %u runs of %s (%s=%g): the tune needs a number from "
                 "every run", t->metric, nan, o->reps, dir, o->key, x);
        return SIM_EINPUT;
    }
    out->x = x;
    out->step = step;
    if (o->progress != NULL) {
        o->progress(o->progress_ctx, t->evals, o->key, out);
    }
    return SIM_OK;
}

/* --- Outputs ------------------------------------------------------------------------------ */

static sim_err tune_write_points(const tune *t, const tune_result *r, char *msg, size_t len)
{
    trace_file f;
    SIM_TRY(trace_open(&f, t->dir, "tune.csv", msg, len));
    fputs("eval,folder,step,value,n,mean,ci95\n", f.f);
    for (uint32_t i = 0; i < r->npoints; i++) {
        const tune_point *p = &r->points[i];
        fprintf(f.f, "%u,eval-%02u,%s,", i + 1, i + 1, tune_step_name(p->step));
        trace_num(f.f, p->x);
        fprintf(f.f, ",%u,", p->n);
        trace_num(f.f, p->mean);
        fputc(',', f.f);
        trace_num(f.f, p->ci95);
        fputc('\n', f.f);
    }
    return trace_commit(&f, msg, len);
}

static sim_err tune_write_result(const tune *t, const tune_result *r, char *msg, size_t len)
{
    trace_file f;
    SIM_TRY(trace_open(&f, t->dir, "tune_result.csv", msg, len));
    fputs("key,metric,target,value,lo95,hi95,interval,bracket_lo,bracket_hi,evals,reps,status\n", f.f);
    trace_text(f.f, t->o->key);
    fputc(',', f.f);
    trace_text(f.f, t->metric);
    const double v[] = { t->target, r->value, r->lo95, r->hi95 };
    for (int i = 0; i < 4; i++) {
        fputc(',', f.f);
        trace_num(f.f, v[i]);
    }
    fprintf(f.f, ",%s,", tune_interval_name(r->interval));
    trace_num(f.f, r->bracket_lo);
    fputc(',', f.f);
    trace_num(f.f, r->bracket_hi);
    fprintf(f.f, ",%u,%u,%s\n", r->npoints, t->o->reps, tune_status_name(r->status));
    return trace_commit(&f, msg, len);
}

/* The files the tune wrote at the top of its folder, for its manifest. */
typedef struct tune_files {
    char names[4][TRACE_NAME_MAX];
    uint32_t n;
} tune_files;

static void tune_files_add(void *ctx, const char *name)
{
    tune_files *files = ctx;
    if (files->n < 4) {
        snprintf(files->names[files->n++], TRACE_NAME_MAX, "%s", name);
    }
}

/* tune.csv, tune_result.csv, the figure, the manifest (what an earlier one listed and this did not write goes). */
static sim_err tune_write(const tune *t, const tune_result *r, char *msg, size_t len)
{
    SIM_TRY(trace_mkdirs(t->dir, msg, len));
    SIM_TRY(tune_write_points(t, r, msg, len));
    SIM_TRY(tune_write_result(t, r, msg, len));
    tune_files files = { .n = 0 };
    tune_files_add(&files, "tune.csv");
    tune_files_add(&files, "tune_result.csv");
    if (!t->o->no_plot) {
        (void)plot_tune(t->dir, t->o->quiet, tune_files_add, &files);
    }
    int dfd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        snprintf(msg, len, "cannot open %s: %s", t->dir, strerror(errno));
        return SIM_EIO;
    }
    trace_manifest_unlink(dfd, files.names, files.n);
    sim_err err = trace_manifest_write(t->dir, dfd, "tune", files.names, files.n, msg, len);
    close(dfd);
    return err;
}

sim_err tune_run(const tune_opts *o, tune_result *r, char *dir, size_t dir_len, char *msg, size_t len)
{
    tune t = { .o = o };
    memset(r, 0, sizeof *r);
    msg[0] = '\0';
    dir[0] = '\0';
    t.sets = calloc(o->nsets + 1, sizeof *t.sets);
    if (t.sets == NULL) {
        snprintf(msg, len, "out of memory");
        return SIM_ENOMEM;
    }
    memcpy(t.sets, o->sets, o->nsets * sizeof *t.sets);
    sim_err err = tune_check(&t, msg, len);
    if (err == SIM_OK) {
        snprintf(dir, dir_len, "%s", t.dir);
        tune_problem p = { .lo = t.lo, .hi = t.hi, .target = t.target, .max_evals = o->evals,
                           .xtol = TUNE_XTOL, .metric = t.metric };
        err = tune_solve(&p, tune_eval, &t, r, msg, len);
        char wmsg[1200];
        sim_err werr = tune_write(&t, r, wmsg, sizeof wmsg);
        if (werr != SIM_OK && (err == SIM_OK || err == SIM_EINTR)) {
            snprintf(msg, len, "%s", wmsg);
            err = werr;
        } else if (err == SIM_EINTR) {
            snprintf(msg, len, "tune interrupted after %u evaluations (tune.csv and tune_result.csv "
                     "in %s, status interrupted); run the same command again to resume", r->npoints,
                     t.dir);
        }
    }
    free(t.sets);
    return err;
}
