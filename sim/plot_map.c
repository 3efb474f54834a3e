/*
 * plot_map.c -- a model's map: places at their coordinates, the links
 * between them, amounts moving as arrows whose width grows with the
 * amount, and places in trouble as red discs whose size grows with it
 * (flow_map.png). The model writes the data as one of its own tables, in
 * the map format of sim.h (SIM_MAP_COLUMNS); this file draws that table,
 * one panel per value of its `panel` column, so any model with
 * coordinates can have a map without knowing gnuplot.
 *
 * Every value reaching the script is a number written back by plot_num or
 * a label reduced by plot_reduce (no quote of either kind survives it) and
 * then double-quoted inside a datablock.
 */
#include "plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAP_PANELS 16          /* panels drawn; rows of further panels are ignored */
#define MAP_BINS 4             /* arrow widths */
#define MAP_LABELS 60          /* labelled places per panel; more: no labels */

enum { MAP_EDGE, MAP_NODE, MAP_ALERT, MAP_ARROW, MAP_NOTE, MAP_KINDS };
static const char *const map_kinds[MAP_KINDS] = { "edge", "node", "alert", "arrow", "note" };
static const double map_widths[MAP_BINS] = { 1.0, 2.0, 3.5, 5.0 };

/* The map table's columns, found by name. */
typedef struct map_cols {
    int panel, kind, x, y, dx, dy, value, label;
} map_cols;

/* What the first pass learns of each panel. */
typedef struct map_panel {
    char name[64];                       /* reduced */
    double max_arrow, max_alert;         /* largest values, for widths and sizes */
    uint64_t rows[MAP_KINDS];            /* rows of each kind */
    uint64_t labelled;                   /* nodes with a label */
} map_panel;

typedef struct map_scan {
    map_cols c;
    map_panel p[MAP_PANELS];
    uint32_t np;
    double x0, x1, y0, y1;               /* the places' bounding box */
    char note[160];                      /* the first note row's label, reduced */
} map_scan;

static int map_kind(const char *k)
{
    for (int i = 0; i < MAP_KINDS; i++) {
        if (strcmp(k, map_kinds[i]) == 0) {
            return i;
        }
    }
    return -1;
}

static double map_num(const plot_csv *c, int col)
{
    return col < 0 ? 0.0 : strtod(plot_csv_get(c, (uint32_t)col), NULL);
}

/* The panel of the current row (added when new, -1 past MAP_PANELS). */
static int map_panel_of(map_scan *s, const plot_csv *c, int add)
{
    char name[64];
    plot_reduce(plot_csv_get(c, (uint32_t)s->c.panel), name, sizeof name);
    for (uint32_t i = 0; i < s->np; i++) {
        if (strcmp(s->p[i].name, name) == 0) {
            return (int)i;
        }
    }
    if (!add || s->np == MAP_PANELS) {
        return -1;
    }
    memset(&s->p[s->np], 0, sizeof s->p[s->np]);
    snprintf(s->p[s->np].name, sizeof s->p[s->np].name, "%s", name);
    return (int)s->np++;
}

static int map_header(map_scan *s, const plot_csv *c)
{
    s->c = (map_cols){ plot_csv_find(c, "panel"), plot_csv_find(c, "kind"), plot_csv_find(c, "x"),
                       plot_csv_find(c, "y"), plot_csv_find(c, "dx"), plot_csv_find(c, "dy"),
                       plot_csv_find(c, "value"), plot_csv_find(c, "label") };
    return s->c.panel >= 0 && s->c.kind >= 0 && s->c.x >= 0 && s->c.y >= 0;
}

/* Pass 1: the panels, their largest values and their counts. */
static sim_err map_scan_table(const char *dir, const char *table, map_scan *s)
{
    plot_csv c;
    memset(s, 0, sizeof *s);
    if (!plot_csv_open(&c, dir, table)) {
        return SIM_EIO;
    }
    if (!plot_csv_next(&c) || !map_header(s, &c)) {
        plot_csv_close(&c);
        return SIM_EINPUT;
    }
    while (plot_csv_next(&c)) {
        int k = map_kind(plot_csv_get(&c, (uint32_t)s->c.kind));
        if (k == MAP_NOTE) {
            if (s->note[0] == '\0' && s->c.label >= 0) {
                plot_reduce(plot_csv_get(&c, (uint32_t)s->c.label), s->note, sizeof s->note);
            }
            continue;
        }
        int p = k < 0 ? -1 : map_panel_of(s, &c, 1);
        if (p < 0) {
            continue;
        }
        double v = fabs(map_num(&c, s->c.value)), x = map_num(&c, s->c.x), y = map_num(&c, s->c.y);
        map_panel *mp = &s->p[p];
        if (k == MAP_NODE && isfinite(x) && isfinite(y)) {
            int first = mp->rows[MAP_NODE] == 0 && p == 0;
            s->x0 = first || x < s->x0 ? x : s->x0;
            s->x1 = first || x > s->x1 ? x : s->x1;
            s->y0 = first || y < s->y0 ? y : s->y0;
            s->y1 = first || y > s->y1 ? y : s->y1;
        }
        mp->rows[k]++;
        mp->max_arrow = k == MAP_ARROW && v > mp->max_arrow ? v : mp->max_arrow;
        mp->max_alert = k == MAP_ALERT && v > mp->max_alert ? v : mp->max_alert;
        mp->labelled += k == MAP_NODE && s->c.label >= 0 && plot_csv_get(&c, (uint32_t)s->c.label)[0];
    }
    plot_csv_close(&c);
    return SIM_OK;
}

/* Which arrow width an amount gets: quarters of the panel's largest. */
static int map_bin(double v, double max)
{
    int b = max > 0 ? (int)ceil(MAP_BINS * v / max) - 1 : 0;
    return b < 0 ? 0 : b >= MAP_BINS ? MAP_BINS - 1 : b;
}

/* One row into its block: edges and arrows x y dx dy, alerts x y size, nodes x y "label". */
static void map_row(FILE *blk[], const map_scan *s, const map_panel *mp, const plot_csv *c, int k)
{
    double v = fabs(map_num(c, s->c.value));
    FILE *f = k == MAP_ARROW ? blk[MAP_KINDS + map_bin(v, mp->max_arrow)] : blk[k];
    plot_num(f, map_num(c, s->c.x));
    fputc(' ', f);
    plot_num(f, map_num(c, s->c.y));
    if (k == MAP_EDGE || k == MAP_ARROW) {
        fputc(' ', f);
        plot_num(f, map_num(c, s->c.dx));
        fputc(' ', f);
        plot_num(f, map_num(c, s->c.dy));
    } else if (k == MAP_ALERT) {
        fputc(' ', f);
        plot_num(f, 1.0 + 3.0 * sqrt(mp->max_alert > 0 ? v / mp->max_alert : 0));
    } else if (k == MAP_NODE) {
        char label[64] = "";
        if (s->c.label >= 0) {
            plot_reduce(plot_csv_get(c, (uint32_t)s->c.label), label, sizeof label);
        }
        fprintf(f, " \"%s\"", label);
    }
    fputc('\n', f);
}

/* Pass 2 for panel p: its rows as datablocks $e<p>, $n<p>, $r<p>, $a<p>_<bin>. */
static sim_err map_blocks(FILE *out, const char *dir, const char *table, map_scan *s, uint32_t p)
{
    enum { NB = MAP_KINDS + MAP_BINS };
    char *text[NB] = { 0 };
    size_t len[NB] = { 0 };
    FILE *blk[NB] = { 0 };
    sim_err err = SIM_OK;
    for (int i = 0; i < NB; i++) {
        if ((blk[i] = open_memstream(&text[i], &len[i])) == NULL) {
            err = SIM_ENOMEM;
        }
    }
    plot_csv c;
    if (err == SIM_OK && plot_csv_open(&c, dir, table)) {
        (void)plot_csv_next(&c);
        while (plot_csv_next(&c)) {
            int k = map_kind(plot_csv_get(&c, (uint32_t)s->c.kind));
            if (k >= 0 && k != MAP_NOTE && map_panel_of(s, &c, 0) == (int)p) {
                map_row(blk, s, &s->p[p], &c, k);
            }
        }
        plot_csv_close(&c);
    }
    static const char *const names[NB] = { "e", "n", "r", "", "", "a", "a", "a", "a" };
    for (int i = 0; i < NB; i++) {
        if (blk[i] != NULL && fclose(blk[i]) != 0) {
            err = SIM_ENOMEM;
        }
        if (err == SIM_OK && names[i][0] != '\0') {
            fprintf(out, i >= MAP_KINDS ? "$%s%u_%d << EOD\n" : "$%s%u << EOD\n", names[i], p,
                    i - MAP_KINDS);
            fwrite(text[i], 1, len[i], out);
            fputs("EOD\n", out);
        }
        free(text[i]);
    }
    return err;
}

/* The plot command of panel p, naming only its blocks that have rows. */
static void map_plot(FILE *f, const map_scan *s, uint32_t p)
{
    const map_panel *mp = &s->p[p];
    const char *sep = "plot ";
    if (mp->rows[MAP_EDGE] > 0) {
        fprintf(f, "%s$e%u using 1:2:3:4 with vectors nohead linecolor rgb 'gray75' title 'link'", sep, p);
        sep = ", \\\n     ";
    }
    if (mp->rows[MAP_ALERT] > 0) {
        fprintf(f, "%s$r%u using 1:2:3 with points pointtype 7 pointsize variable linecolor rgb "
                "'#d62728' title 'deficit'", sep, p);
        sep = ", \\\n     ";
    }
    if (mp->rows[MAP_NODE] > 0) {
        fprintf(f, "%s$n%u using 1:2 with points pointtype 7 pointsize 0.6 linecolor rgb 'gray30' "
                "title 'place'", sep, p);
        sep = ", \\\n     ";
    }
    for (int b = 0; b < MAP_BINS && mp->rows[MAP_ARROW] > 0; b++) {
        fprintf(f, "%s$a%u_%d using 1:2:3:4 with vectors head filled size screen 0.008,25 linewidth %.1f "
                "linecolor rgb '#1f77b4' %s", sep, p, b, map_widths[b],
                b == MAP_BINS - 1 ? "title 'flow (width: amount)'" : "notitle");
        sep = ", \\\n     ";
    }
    if (mp->rows[MAP_NODE] > 0 && mp->labelled > 0 && mp->labelled <= MAP_LABELS) {
        fprintf(f, "%s$n%u using 1:2:3 with labels offset 0,0.9 font ',8' notitle", sep, p);
    }
    fputc('\n', f);
}

/*
 * The head of a map script: as plot_begin, with panels of equal scale on
 * both axes, each as tall as the places' extent asks (within limits).
 */
static void map_begin(FILE *f, const char *name, const char *table, const map_scan *s, const char *who,
                      const char *what)
{
    int np = (int)s->np, cols = np <= 1 ? 1 : 2, rows = (np + cols - 1) / cols;
    double w = s->x1 - s->x0, h = s->y1 - s->y0, aspect = w > 0 && h > 0 ? h / w : 1.0;
    int panel = (int)(540.0 * (aspect < 0.3 ? 0.3 : aspect > 1.2 ? 1.2 : aspect)) + 120;
    fprintf(f, "# %s.gp -- drawn by mycosim from %s in this folder.\n", name, table);
    fprintf(f, "# Redraw: gnuplot %s.gp (in this folder). Edit freely: sizes, labels, ranges.\n", name);
    fprintf(f, "if (!exists('out')) out = '%s.png'\n", name);
    fprintf(f, "set terminal pngcairo noenhanced size %d,%d font 'sans,10'\n", cols * 640, 60 + rows * panel);
    fputs("set output out\n", f);
    fprintf(f, "set multiplot layout %d,%d title ", rows, cols);
    plot_str(f, who);
    fprintf(f, " . '%s'\n", what);
    fputs("set size ratio -1\nset key below horizontal font ',9'\nset grid\n", f);
}

sim_err plot_map_script(FILE *f, const plot_run *r, const char *name)
{
    char table[96];
    snprintf(table, sizeof table, "%s.csv", name);
    map_scan *s = malloc(sizeof *s);
    if (s == NULL) {
        return SIM_ENOMEM;
    }
    sim_err err = map_scan_table(r->dir, table, s);
    if (err == SIM_OK && s->np == 0) {
        err = SIM_EINPUT;
    }
    if (err == SIM_OK) {
        char what[240];
        snprintf(what, sizeof what, ", seed %lld: %s%s%s", r->seed, name, s->note[0] ? ", " : "", s->note);
        map_begin(f, name, table, s, r->scenario, what);
        for (uint32_t p = 0; p < s->np && err == SIM_OK; p++) {
            err = map_blocks(f, r->dir, table, s, p);
        }
        for (uint32_t p = 0; p < s->np && err == SIM_OK; p++) {
            fprintf(f, "set title '%s'\n", s->p[p].name);
            map_plot(f, s, p);
        }
        plot_end(f);
    }
    free(s);
    return err;
}

typedef struct map_ctx {
    const plot_run *r;
    const char *name;
} map_ctx;

static sim_err map_writer(FILE *f, const void *ctx)
{
    const map_ctx *c = ctx;
    return plot_map_script(f, c->r, c->name);
}

int plot_map(const plot_run *r, const char *name)
{
    map_ctx c = { .r = r, .name = name };
    return r->no_plot ? 0 : plot_figure(r->dir, name, map_writer, &c, r->quiet);
}
