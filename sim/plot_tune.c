/*
 * plot_tune.c -- the figure of a tune: tune.png and tune.gp (see plot.h).
 *
 * Read here, in C: tune.csv (eval,folder,step,value,n,mean,ci95; one row
 * per evaluation) and tune_result.csv (key,metric,target,value,lo95,hi95,
 * ...; one row). The evaluations go into the script as an inline data
 * block sorted by the key's value, so tune.gp is a whole figure on its
 * own: the mean with its 95% CI bars against the key, the target as a
 * horizontal line, the value found as a vertical line and its 95%
 * interval as a shaded band. The key and metric names come from the
 * command line and reach the script only reduced (plot_str).
 */
#include "plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PLOT_TUNE_MAX 128          /* evaluations drawn (a tune makes at most 99) */

typedef struct plot_tune_pt {
    double x, mean, ci95;
} plot_tune_pt;

typedef struct plot_tune_data {
    plot_tune_pt pt[PLOT_TUNE_MAX];
    uint32_t n;
    char key[64], metric[64];      /* as read; reduced when written */
    double target, value, lo95, hi95;
} plot_tune_data;

static double plot_tune_num(const plot_csv *c, int col)
{
    char *end;
    const char *s = col >= 0 ? plot_csv_get(c, (uint32_t)col) : "";
    double v = strtod(s, &end);
    return end != s && *end == '\0' ? v : NAN;
}

static int plot_tune_cmp(const void *a, const void *b)
{
    double x = ((const plot_tune_pt *)a)->x, y = ((const plot_tune_pt *)b)->x;
    return (x > y) - (x < y);
}

/* tune.csv's evaluations into d, sorted by x; 0 if it cannot be read. */
static int plot_tune_points(plot_tune_data *d, const char *dir)
{
    plot_csv c;
    if (!plot_csv_open(&c, dir, "tune.csv")) {
        return 0;
    }
    int col[3] = { -1, -1, -1 };
    if (plot_csv_next(&c)) {
        col[0] = plot_csv_find(&c, "value");
        col[1] = plot_csv_find(&c, "mean");
        col[2] = plot_csv_find(&c, "ci95");
    }
    while (col[0] >= 0 && col[1] >= 0 && d->n < PLOT_TUNE_MAX && plot_csv_next(&c)) {
        plot_tune_pt p = { plot_tune_num(&c, col[0]), plot_tune_num(&c, col[1]),
                           plot_tune_num(&c, col[2]) };
        if (isfinite(p.x) && isfinite(p.mean)) {
            d->pt[d->n++] = p;
        }
    }
    plot_csv_close(&c);
    qsort(d->pt, d->n, sizeof d->pt[0], plot_tune_cmp);
    return col[0] >= 0 && col[1] >= 0;
}

/* tune_result.csv's row into d; 0 if it cannot be read. */
static int plot_tune_result(plot_tune_data *d, const char *dir)
{
    plot_csv c;
    if (!plot_csv_open(&c, dir, "tune_result.csv")) {
        return 0;
    }
    int ok = plot_csv_next(&c);
    int col[6];
    static const char *const names[] = { "key", "metric", "target", "value", "lo95", "hi95" };
    for (int i = 0; i < 6; i++) {
        col[i] = ok ? plot_csv_find(&c, names[i]) : -1;
        ok &= col[i] >= 0;
    }
    ok = ok && plot_csv_next(&c);
    if (ok) {
        snprintf(d->key, sizeof d->key, "%s", plot_csv_get(&c, (uint32_t)col[0]));
        snprintf(d->metric, sizeof d->metric, "%s", plot_csv_get(&c, (uint32_t)col[1]));
        d->target = plot_tune_num(&c, col[2]);
        d->value = plot_tune_num(&c, col[3]);
        d->lo95 = plot_tune_num(&c, col[4]);
        d->hi95 = plot_tune_num(&c, col[5]);
    }
    plot_csv_close(&c);
    return ok;
}

/* The data block and the marks: target line, value line, interval band. */
static void plot_tune_marks(FILE *f, const plot_tune_data *d)
{
    fputs("$tune << EOD\n", f);
    for (uint32_t i = 0; i < d->n; i++) {
        plot_num(f, d->pt[i].x);
        fputc(' ', f);
        plot_num(f, d->pt[i].mean);
        fputc(' ', f);
        plot_num(f, isfinite(d->pt[i].ci95) ? d->pt[i].ci95 : 0.0);
        fputc('\n', f);
    }
    fputs("EOD\n", f);
    if (isfinite(d->lo95) && isfinite(d->hi95)) {
        fputs("set object 1 rectangle from ", f);
        plot_num(f, d->lo95);
        fputs(", graph 0 to ", f);
        plot_num(f, d->hi95);
        fputs(", graph 1 behind fillcolor rgb '#d0e4f5' fillstyle solid 1.0 noborder\n", f);
    }
    if (isfinite(d->value)) {
        fputs("set arrow 1 from ", f);
        plot_num(f, d->value);
        fputs(", graph 0 to ", f);
        plot_num(f, d->value);
        fputs(", graph 1 nohead linecolor rgb '#2c7fb8' linewidth 2 dashtype 2\n", f);
    }
}

static void plot_tune_write(FILE *f, const plot_tune_data *d)
{
    char title[160];
    snprintf(title, sizeof title, "%s against %s", d->metric, d->key);
    plot_begin(f, "tune", "tune.csv and tune_result.csv", 1, title,
               ": mean and 95% CI per evaluation; target (dotted), value (dashed), 95% interval (band)");
    fputs("set datafile separator whitespace\nset grid\nset key top left\nset offsets graph 0.03, "
          "graph 0.03, graph 0.05, graph 0.05\nset xlabel ", f);
    plot_str(f, d->key);
    fputc('\n', f);
    plot_ylabel(f, d->metric);
    plot_tune_marks(f, d);
    fputs("plot $tune using 1:2:3 with yerrorbars pointtype 7 pointsize 0.8 linecolor 1 "
          "title 'mean +- ci95', \\\n    $tune using 1:2 with lines linecolor 1 notitle, \\\n    ", f);
    plot_num(f, d->target);
    fputs(" with lines dashtype 3 linewidth 2 linecolor rgb 'gray30' title 'target'\n", f);
    plot_end(f);
}

sim_err plot_tune_script(FILE *f, const char *dir)
{
    plot_tune_data *d = calloc(1, sizeof *d);
    if (d == NULL) {
        return SIM_ENOMEM;
    }
    sim_err err = SIM_EIO;
    if (plot_tune_points(d, dir) && plot_tune_result(d, dir)) {
        err = d->n > 0 && isfinite(d->target) ? SIM_OK : SIM_EINPUT;
    }
    if (err == SIM_OK) {
        plot_tune_write(f, d);
    }
    free(d);
    return err;
}

static sim_err plot_tune_writer(FILE *f, const void *dir)
{
    return plot_tune_script(f, dir);
}

int plot_tune(const char *dir, int quiet, plot_wrote wrote, void *ctx)
{
    return plot_figure_listed(dir, "tune", plot_tune_writer, dir, quiet, wrote, ctx) == PLOT_PNG;
}
