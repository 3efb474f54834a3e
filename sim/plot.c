/*
 * plot.c -- gnuplot PNGs of model traces.
 *
 * Writes a small gnuplot script next to the CSV, runs `gnuplot` on it with
 * output to a temporary PNG, renames the PNG into place and removes the
 * script. One panel per column keeps counts of very different sizes
 * (alive nodes and cumulative messages, say) readable without a log scale.
 */
#include "plot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int plot_have_gnuplot(void)
{
    return system("command -v gnuplot >/dev/null 2>&1") == 0;
}

static void plot_script(FILE *f, const char *dir, const char *model, const char *const *columns)
{
    int ncol = 0;
    while (columns[ncol] != NULL) {
        ncol++;
    }
    int rows = (ncol + 1) / 2;
    fprintf(f, "set terminal pngcairo size 1000,%d font 'sans,10'\n", 120 + 260 * rows);
    fprintf(f, "set output '%s/%s.png.tmp'\n", dir, model);
    fputs("set datafile separator ','\nset key off\nset grid\n", f);
    fprintf(f, "set multiplot layout %d,2 title '%s'\n", rows, model);
    for (int i = 0; i < ncol; i++) {
        fprintf(f, "set title '%s'\nset xlabel 'time (s)'\n", columns[i]);
        fprintf(f, "plot '%s/%s.csv' using 1:%d with lines lw 2\n", dir, model, i + 2);
    }
    fputs("unset multiplot\n", f);
}

int plot_model(const char *dir, const char *model, const char *const *columns, int quiet)
{
    if (!plot_have_gnuplot()) {
        if (!quiet) {
            fprintf(stderr, "mycosim: note: gnuplot not found, %s.png skipped\n", model);
        }
        return 0;
    }
    char script[1200], png[1200], tmp[1300], cmd[2600];
    snprintf(script, sizeof script, "%s/%s.gp.tmp", dir, model);
    snprintf(png, sizeof png, "%s/%s.png", dir, model);
    snprintf(tmp, sizeof tmp, "%s.tmp", png);
    FILE *f = fopen(script, "w");
    if (f == NULL) {
        return 0;
    }
    plot_script(f, dir, model, columns);
    fclose(f);
    snprintf(cmd, sizeof cmd, "gnuplot '%s' >/dev/null 2>&1", script);
    int st = system(cmd);
    unlink(script);
    if (st != 0 || rename(tmp, png) != 0) {
        unlink(tmp);
        if (!quiet) {
            fprintf(stderr, "mycosim: note: gnuplot failed, %s.png skipped\n", model);
        }
        return 0;
    }
    return 1;
}
