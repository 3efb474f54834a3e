/*
 * plot_sweep.c -- gnuplot figures of a sweep: sweep.png, sweep_heat.png and
 * <model>_mean.png (see plot.h for what each shows).
 *
 * The sweep's own files are read here, in C: sweep_stats.csv (varied keys,
 * then metric,n,...,mean,ci95_low,ci95_high; one row per setting and
 * metric), settings.csv (setting,folder,keys...,complete,planned) and each
 * setting's <model>_mean.csv (time,n,<col>_mean,<col>_ci95,...). The
 * statistics go into the script as inline data blocks ($m0 << EOD), so
 * sweep.gp and sweep_heat.gp are whole figures on their own; mean figures
 * name the per-setting files relative to the sweep's folder. Key values
 * are Lua literals written by whoever ran the sweep: their quotes are
 * dropped and the rest reduced to plot.c's safe set before they reach a
 * script (as labels, legends or quoted data-block strings), exactly like
 * the scenario name; setting folders must be plain names or are skipped.
 *
 * A varied key whose values are all numbers is drawn on a numeric axis
 * (sweep.png); otherwise, and always on the heat map's grid, its values
 * are categories in sorted (numbers) or first-seen order. Lines are the
 * combinations of the other keys, at most PLOT_MAX_SETTINGS of them.
 */
#include "plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PLOT_KEYS 8          /* varied keys read */
#define PLOT_VALUES 64       /* distinct values per key */
#define PLOT_METRICS 64      /* summary metrics */
/* Horizontal shift between the lines of a categorical axis, so bars do not hide each other. */
#define PLOT_DODGE 0.08

typedef struct plot_key {
    char name[64];                       /* the key, reduced */
    uint32_t n;                          /* distinct values */
    char value[PLOT_VALUES][48];         /* unquoted, reduced, first-seen order */
    double num[PLOT_VALUES];             /* the value as a number (numeric keys) */
    uint32_t pos[PLOT_VALUES];           /* position on a category axis */
    int numeric;                         /* every value is a number */
} plot_key;

typedef struct plot_row {
    uint16_t v[PLOT_KEYS];               /* value index per key */
    uint16_t metric;                     /* metric index */
    uint16_t line;                       /* line (combination of the keys after the first) */
    double mean, low, high;
} plot_row;

typedef struct plot_stats {
    uint32_t nkeys;
    plot_key key[PLOT_KEYS];
    uint32_t nmetrics;
    char metric[PLOT_METRICS][64];       /* reduced */
    uint32_t nlines;                     /* distinct combinations of the other keys */
    char line[PLOT_MAX_SETTINGS][160];   /* their legends, the first PLOT_MAX_SETTINGS */
    plot_row *row;
    uint32_t nrows, cap;
    char title[128];                     /* the sweep folder's name, reduced */
} plot_stats;

/* --- Reading ------------------------------------------------------------------------ */

/* A Lua literal as a label: "push" and 'push' lose their quotes; then reduced. */
static void plot_unquote(const char *raw, char *out, size_t len)
{
    size_t n = strlen(raw);
    char tmp[256];
    if (n >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[n - 1] == raw[0]) {
        snprintf(tmp, sizeof tmp, "%.*s", (int)(n - 2), raw + 1);
        raw = tmp;
    }
    plot_reduce(raw, out, len);
}

static int plot_number(const char *s, double *v)
{
    char *end;
    *v = strtod(s, &end);
    return end != s && *end == '\0' && isfinite(*v);
}

/*
 * The index of s in names (*n strings of width bytes each, at most max),
 * added at the end if new; -1 when it is new and names is full.
 */
static int plot_intern(char *names, size_t width, uint32_t *n, uint32_t max, const char *s)
{
    for (uint32_t i = 0; i < *n; i++) {
        if (strcmp(names + i * width, s) == 0) {
            return (int)i;
        }
    }
    if (*n == max) {
        return -1;
    }
    snprintf(names + *n * width, width, "%s", s);
    return (int)(*n)++;
}

/* The index of raw among the key's values, added if new; -1 when full. */
static int plot_key_value(plot_key *k, const char *raw)
{
    char label[sizeof k->value[0]];
    uint32_t before = k->n;
    plot_unquote(raw, label, sizeof label);
    int i = plot_intern(k->value[0], sizeof k->value[0], &k->n, PLOT_VALUES, label);
    if (k->n > before) {
        k->numeric &= plot_number(raw, &k->num[i]);
    }
    return i;
}

static int plot_metric_index(plot_stats *st, const char *name)
{
    char safe[sizeof st->metric[0]];
    plot_reduce(name, safe, sizeof safe);
    return plot_intern(st->metric[0], sizeof st->metric[0], &st->nmetrics, PLOT_METRICS, safe);
}

static double plot_field_num(const plot_csv *c, int i)
{
    double v;
    return i >= 0 && plot_number(plot_csv_get(c, (uint32_t)i), &v) ? v : NAN;
}

/* One data row of sweep_stats.csv; col = metric, mean, ci95_low, ci95_high indices. */
static int plot_stats_row(plot_stats *st, const plot_csv *c, const int *col)
{
    if (st->nrows == st->cap) {
        uint32_t cap = st->cap ? 2 * st->cap : 64;
        plot_row *r = realloc(st->row, cap * sizeof *r);
        if (r == NULL) {
            return 0;
        }
        st->row = r;
        st->cap = cap;
    }
    plot_row *r = &st->row[st->nrows];
    int m = plot_metric_index(st, plot_csv_get(c, (uint32_t)col[0]));
    for (uint32_t k = 0; k < st->nkeys; k++) {
        int v = plot_key_value(&st->key[k], plot_csv_get(c, k));
        if (v < 0 || m < 0) {
            return 1;                    /* beyond the limits: left out */
        }
        r->v[k] = (uint16_t)v;
    }
    r->metric = (uint16_t)m;
    r->mean = plot_field_num(c, col[1]);
    r->low = plot_field_num(c, col[2]);
    r->high = plot_field_num(c, col[3]);
    st->nrows++;
    return 1;
}

static int plot_stats_header(plot_stats *st, const plot_csv *c, int *col)
{
    static const char *const names[] = { "metric", "mean", "ci95_low", "ci95_high" };
    for (int i = 0; i < 4; i++) {
        col[i] = plot_csv_find(c, names[i]);
    }
    if (col[0] < 0 || col[0] > PLOT_KEYS || col[1] < 0) {
        return 0;
    }
    st->nkeys = (uint32_t)col[0];
    for (uint32_t k = 0; k < st->nkeys; k++) {
        plot_reduce(c->field[k], st->key[k].name, sizeof st->key[k].name);
        st->key[k].numeric = 1;
    }
    return 1;
}

/* Category positions: numbers in increasing order, other values as first seen. */
static void plot_key_positions(plot_key *k)
{
    for (uint32_t i = 0; i < k->n; i++) {
        k->pos[i] = i;
        for (uint32_t j = 0; k->numeric && j < k->n; j++) {
            k->pos[i] -= j < i && k->num[j] > k->num[i];
            k->pos[i] += j > i && k->num[j] < k->num[i];
        }
    }
}

/* The line of each row: the combination of its keys after the first, as a legend. */
static void plot_lines(plot_stats *st)
{
    for (uint32_t i = 0; i < st->nrows; i++) {
        char legend[160] = "";
        for (uint32_t k = 1; k < st->nkeys; k++) {
            size_t n = strlen(legend);
            snprintf(legend + n, sizeof legend - n, "%s%s=%s", k > 1 ? ", " : "",
                     st->key[k].name, st->key[k].value[st->row[i].v[k]]);
        }
        uint32_t l = 0;
        while (l < st->nlines && l < PLOT_MAX_SETTINGS && strcmp(st->line[l], legend) != 0) {
            l++;
        }
        if (l == st->nlines) {
            if (l < PLOT_MAX_SETTINGS) {
                snprintf(st->line[l], sizeof st->line[l], "%s", legend);
            }
            st->nlines++;
        }
        st->row[i].line = (uint16_t)l;
    }
}

/* The sweep folder's own name, for titles. */
static void plot_folder_title(const char *dir, char *out, size_t len)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", dir);
    size_t n = strlen(tmp);
    while (n > 1 && tmp[n - 1] == '/') {
        tmp[--n] = '\0';
    }
    const char *base = strrchr(tmp, '/') != NULL ? strrchr(tmp, '/') + 1 : tmp;
    plot_reduce(*base && strcmp(base, ".") != 0 ? base : "sweep", out, len);
}

static void plot_stats_free(plot_stats *st)
{
    if (st != NULL) {
        free(st->row);
        free(st);
    }
}

/* Read dir/sweep_stats.csv; NULL when it cannot be read or has no usable header. */
static plot_stats *plot_stats_read(const char *dir)
{
    plot_csv c;
    int col[4];
    plot_stats *st = calloc(1, sizeof *st);
    if (st == NULL || !plot_csv_open(&c, dir, "sweep_stats.csv")) {
        free(st);
        return NULL;
    }
    int ok = plot_csv_next(&c) && plot_stats_header(st, &c, col);
    while (ok && plot_csv_next(&c)) {
        ok = c.n < 2 || plot_stats_row(st, &c, col);
    }
    plot_csv_close(&c);
    if (!ok) {
        plot_stats_free(st);
        return NULL;
    }
    for (uint32_t k = 0; k < st->nkeys; k++) {
        plot_key_positions(&st->key[k]);
    }
    plot_lines(st);
    plot_folder_title(dir, st->title, sizeof st->title);
    return st;
}

/* --- Summary metrics: sweep.png and sweep_heat.png ------------------------------------ */

/* 1 if metric m has one mean in every row (NaN counts as a value); its value into *v. */
static int plot_metric_constant(const plot_stats *st, uint32_t m, double *v)
{
    int seen = 0;
    for (uint32_t i = 0; i < st->nrows; i++) {
        double x = st->row[i].mean;
        if (st->row[i].metric != m) {
            continue;
        }
        if (seen && !(x == *v || (isnan(x) && isnan(*v)))) {
            return 0;
        }
        *v = x;
        seen = 1;
    }
    return 1;
}

/* Which metrics get a panel (drawn[m]); the others are named in note. Returns the count. */
static int plot_metrics_drawn(const plot_stats *st, uint8_t *drawn, char *note, size_t len)
{
    int n = 0;
    size_t k = 0;
    note[0] = '\0';
    for (uint32_t m = 0; m < st->nmetrics; m++) {
        double v = NAN;
        drawn[m] = !plot_metric_constant(st, m, &v);
        n += drawn[m];
        if (!drawn[m] && k < len) {
            k += (size_t)snprintf(note + k, len - k, "%s %s = %.6g", k ? "," : "constant:",
                                  st->metric[m], v);
        }
    }
    return n;
}

static double plot_row_x(const plot_stats *st, const plot_row *r)
{
    const plot_key *k = &st->key[0];
    return k->numeric ? k->num[r->v[0]] : (double)k->pos[r->v[0]];
}

/* Rows of metric m on line l, sorted by x, into out; returns the count. */
static uint32_t plot_line_rows(const plot_stats *st, uint32_t m, uint32_t l, plot_row *out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < st->nrows; i++) {
        if (st->row[i].metric == m && st->row[i].line == l) {
            out[n++] = st->row[i];
        }
    }
    for (uint32_t i = 1; i < n; i++) {      /* insertion sort: stable, a few dozen rows */
        plot_row r = out[i];
        uint32_t j = i;
        for (; j > 0 && plot_row_x(st, &out[j - 1]) > plot_row_x(st, &r); j--) {
            out[j] = out[j - 1];
        }
        out[j] = r;
    }
    return n;
}

/* $m<m>: one block per line (two blank lines apart): x, "label", mean, low, high. */
static void plot_metric_block(FILE *f, const plot_stats *st, uint32_t m, plot_row *buf)
{
    uint32_t lines = st->nlines < PLOT_MAX_SETTINGS ? st->nlines : PLOT_MAX_SETTINGS;
    fprintf(f, "$m%u << EOD\n", m);
    for (uint32_t l = 0; l < lines; l++) {
        uint32_t n = plot_line_rows(st, m, l, buf);
        fputs(l > 0 ? "\n\n" : "", f);
        for (uint32_t i = 0; i < n; i++) {
            plot_num(f, plot_row_x(st, &buf[i]));
            fprintf(f, " \"%s\" ", st->key[0].value[buf[i].v[0]]);
            plot_num(f, buf[i].mean);
            fputc(' ', f);
            plot_num(f, buf[i].low);
            fputc(' ', f);
            plot_num(f, buf[i].high);
            fputc('\n', f);
        }
    }
    fputs("EOD\n", f);
}

static void plot_metric_panel(FILE *f, const plot_stats *st, uint32_t m)
{
    uint32_t lines = st->nlines < PLOT_MAX_SETTINGS ? st->nlines : PLOT_MAX_SETTINGS;
    int cat = !st->key[0].numeric;
    plot_ylabel(f, st->metric[m]);
    fputs("plot", f);
    for (uint32_t l = 0; l < lines; l++) {
        fprintf(f, "%s$m%u index %u using ", l > 0 ? ", \\\n    " : " ", m, l);
        if (cat && lines > 1) {
            fprintf(f, "($1%+.3f)", PLOT_DODGE * (l - (lines - 1) / 2.0));
        } else {
            fputc('1', f);
        }
        fprintf(f, ":3:4:5 with yerrorlines linewidth 2 pointsize 0.8 linecolor %u notitle", l + 1);
    }
    fputc('\n', f);
}

static void plot_lines_note(const plot_stats *st, char *note, size_t len)
{
    size_t k = strlen(note);
    if (st->nlines > PLOT_MAX_SETTINGS) {
        snprintf(note + k, len - k, "%slines: the first %d of %u", k ? ". " : "",
                 PLOT_MAX_SETTINGS, st->nlines);
    }
}

/* set xtics/ytics ('v0' p0, ...): the key's values at their category positions. */
static void plot_tics(FILE *f, const char *axis, const plot_key *k)
{
    fprintf(f, "set %stics (", axis);
    for (uint32_t i = 0; i < k->n; i++) {
        fputs(i > 0 ? ", " : "", f);
        plot_str(f, k->value[i]);
        fprintf(f, " %u", k->pos[i]);
    }
    fprintf(f, ")\nset %srange [-0.5:%u.5]\nset %slabel ", axis, k->n - 1, axis);
    plot_str(f, k->name);
    fputc('\n', f);
}

/*
 * The legend in a last panel of its own (inside the panels it would hide
 * data; beside or below them there is no room in a fixed layout): one
 * invisible sample per line, colours as in the panels (linecolor i + 1).
 * The n legends are strings stride bytes apart from legend.
 */
static void plot_legend_panel(FILE *f, const char *legend, size_t stride, uint32_t n, int bars)
{
    fputs("# the legend, in a panel of its own\n"
          "unset border\nunset tics\nunset xlabel\nunset ylabel\nunset grid\nunset title\n"
          "set offsets 0, 0, 0, 0\nset key center center Left reverse samplen 3 font ',9'\n"
          "set xrange [0:1]\nset yrange [0:1]\nplot", f);
    for (uint32_t i = 0; i < n; i++) {
        fprintf(f, "%s%s linewidth 2 linecolor %u title ", i > 0 ? ", \\\n    " : " ",
                bars ? "'+' using 1:(2):(2):(2) with yerrorlines" : "2 with lines", i + 1);
        plot_str(f, legend + i * stride);
    }
    fputc('\n', f);
}

/* The x axis of sweep.png: the first key's values, as numbers or as categories. */
static void plot_sweep_axis(FILE *f, const plot_key *k)
{
    fprintf(f, "set datafile separator whitespace\nset grid\nset key off\nset offsets %s\n",
            k->numeric ? "graph 0.04, graph 0.04, graph 0.05, graph 0.05"
                       : "0, 0, graph 0.05, graph 0.05");
    if (k->numeric) {
        fputs("set xlabel ", f);
        plot_str(f, k->name);
        fputc('\n', f);
    } else {
        plot_tics(f, "x", k);
    }
}

static sim_err plot_sweep_write(FILE *f, const plot_stats *st, plot_row *buf)
{
    uint8_t drawn[PLOT_METRICS];
    char note[2048];
    int n = plot_metrics_drawn(st, drawn, note, sizeof note);
    int legend = st->nkeys > 1;
    if (n == 0) {
        return SIM_EINPUT;
    }
    plot_lines_note(st, note, sizeof note);
    plot_begin(f, "sweep", "sweep_stats.csv", n + legend, st->title,
               ": summary metrics, mean and 95% CI over replicates");
    plot_sweep_axis(f, &st->key[0]);
    for (uint32_t m = 0; m < st->nmetrics; m++) {
        if (drawn[m]) {
            plot_metric_block(f, st, m, buf);
        }
    }
    plot_note(f, note);
    for (int m = 0, first = 1; m < (int)st->nmetrics; m++) {
        if (drawn[m]) {
            plot_metric_panel(f, st, m);
            plot_panel_done(f, note, &first);
        }
    }
    if (legend) {
        plot_legend_panel(f, st->line[0], sizeof st->line[0],
                          st->nlines < PLOT_MAX_SETTINGS ? st->nlines : PLOT_MAX_SETTINGS, 1);
    }
    plot_end(f);
    return SIM_OK;
}

sim_err plot_sweep_script(FILE *f, const char *dir)
{
    plot_stats *st = plot_stats_read(dir);
    if (st == NULL) {
        return SIM_EIO;
    }
    plot_row *buf = malloc((st->nrows + 1) * sizeof *buf);   /* one line's rows, sorted */
    sim_err err = buf == NULL ? SIM_ENOMEM : SIM_EINPUT;
    if (buf != NULL && st->nkeys > 0 && st->nrows > 0) {
        err = plot_sweep_write(f, st, buf);
    }
    free(buf);
    plot_stats_free(st);
    return err;
}

static void plot_heat_panel(FILE *f, const plot_stats *st, uint32_t m)
{
    fprintf(f, "$h%u << EOD\n", m);
    for (uint32_t i = 0; i < st->nrows; i++) {
        const plot_row *r = &st->row[i];
        if (r->metric == m) {
            fprintf(f, "%u %u ", st->key[0].pos[r->v[0]], st->key[1].pos[r->v[1]]);
            plot_num(f, r->mean);
            fputc('\n', f);
        }
    }
    fputs("EOD\nset title ", f);
    plot_str(f, st->metric[m]);
    /* short cell labels: 4 digits, k or M above 10,000, 2 below 0.001, so six columns never overlap */
    fprintf(f, "\nplot $h%u using 1:2:3 with image notitle, \\\n"
               "    $h%u using 1:2:(abs($3) >= 1e6 ? sprintf('%%.3gM', $3 / 1e6) : "
               "abs($3) >= 1e4 ? sprintf('%%.3gk', $3 / 1e3) : "
               "$3 != 0 && abs($3) < 0.001 ? sprintf('%%.1e', $3) : sprintf('%%.4g', $3)) "
               "with labels font ',9' notitle\n", m, m);
}

static sim_err plot_heat_write(FILE *f, const plot_stats *st)
{
    uint8_t drawn[PLOT_METRICS];
    char note[2048];
    int n = plot_metrics_drawn(st, drawn, note, sizeof note);
    if (n == 0) {
        return SIM_EINPUT;
    }
    plot_begin(f, "sweep_heat", "sweep_stats.csv", n, st->title,
               ": mean of each summary metric over the grid");
    fputs("set datafile separator whitespace\nset key off\nunset colorbox\n"
          "set palette defined (0 '#f7fbff', 1 '#2c7fb8')\n", f);
    plot_tics(f, "x", &st->key[0]);
    plot_tics(f, "y", &st->key[1]);
    plot_note(f, note);
    for (int m = 0, first = 1; m < (int)st->nmetrics; m++) {
        if (drawn[m]) {
            plot_heat_panel(f, st, m);
            plot_panel_done(f, note, &first);
        }
    }
    plot_end(f);
    return SIM_OK;
}

sim_err plot_heat_script(FILE *f, const char *dir)
{
    plot_stats *st = plot_stats_read(dir);
    if (st == NULL) {
        return SIM_EIO;
    }
    sim_err err = st->nkeys == 2 && st->nrows > 0 ? plot_heat_write(f, st) : SIM_EINPUT;
    plot_stats_free(st);
    return err;
}

/* --- Mean curves: <model>_mean.png ----------------------------------------------------- */

typedef struct plot_setting {
    char folder[64];                     /* setting-SSSS, checked plain */
    char legend[160];                    /* key=value, ... */
    plot_scan scan;                      /* its <model>_mean.csv */
} plot_setting;

typedef struct plot_means {
    uint32_t n;                          /* settings drawn */
    uint32_t total;                      /* settings that have the file */
    plot_setting set[PLOT_MAX_SETTINGS];
    char title[128];
} plot_means;

/* A folder name we may put in a script and read from: letters, digits, _ - ., not hidden. */
static int plot_plain(const char *s)
{
    if (*s == '\0' || *s == '.' || strlen(s) >= 64) {
        return 0;
    }
    for (; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
              || *s == '_' || *s == '-' || *s == '.')) {
            return 0;
        }
    }
    return 1;
}

/* The legend of a settings.csv row: its keys (columns first .. last - 1) as key=value. */
static void plot_legend(const plot_csv *head, const plot_csv *c, int first, int last, char *out,
                        size_t len)
{
    size_t k = 0;
    out[0] = '\0';
    for (int i = first; i < last && k < len; i++) {
        char key[64], v[48];
        plot_reduce(plot_csv_get(head, (uint32_t)i), key, sizeof key);
        plot_unquote(plot_csv_get(c, (uint32_t)i), v, sizeof v);
        k += (size_t)snprintf(out + k, len - k, "%s%s=%s", k ? ", " : "", key, v);
    }
}

/* An unfinished setting's legend ends with its runs: " (3 of 5 runs)". */
static void plot_runs_done(const plot_csv *c, int complete, char *legend, size_t len)
{
    double done = plot_field_num(c, complete), planned = plot_field_num(c, complete + 1);
    size_t k = strlen(legend);
    if (done < planned && k < len) {
        snprintf(legend + k, len - k, " (%.0f of %.0f runs)", done, planned);
    }
}

/* One settings.csv row: kept when its folder holds the model's means (the first few). */
static void plot_means_add(plot_means *pm, const char *dir, const char *file, const plot_csv *head,
                           const plot_csv *c, const int *col)
{
    char sub[1200];
    plot_scan scan;
    const char *folder = plot_csv_get(c, (uint32_t)col[0]);
    snprintf(sub, sizeof sub, "%s/%s", dir, folder);
    if (!plot_plain(folder) || plot_scan_csv(sub, file, &scan) != SIM_OK || scan.rows == 0) {
        return;
    }
    pm->total++;
    if (pm->n < PLOT_MAX_SETTINGS) {
        plot_setting *s = &pm->set[pm->n++];
        s->scan = scan;
        snprintf(s->folder, sizeof s->folder, "%s", folder);
        plot_legend(head, c, col[0] + 1, col[1], s->legend, sizeof s->legend);
        plot_runs_done(c, col[1], s->legend, sizeof s->legend);
    }
}

/* The settings of dir/settings.csv that have dir/<folder>/file. */
static sim_err plot_means_read(plot_means *pm, const char *dir, const char *file)
{
    plot_csv head, c;
    int col[2];
    if (!plot_csv_open(&head, dir, "settings.csv")) {
        return SIM_EIO;
    }
    plot_csv_open(&c, dir, "settings.csv");
    int ok = plot_csv_next(&head) && plot_csv_next(&c);
    col[0] = plot_csv_find(&head, "folder");
    col[1] = plot_csv_find(&head, "complete");   /* then planned */
    col[1] = col[1] > col[0] ? col[1] : (int)head.n;
    while (ok && col[0] >= 0 && plot_csv_next(&c)) {
        plot_means_add(pm, dir, file, &head, &c, col);
    }
    plot_csv_close(&head);
    plot_csv_close(&c);
    return pm->n > 0 ? SIM_OK : SIM_EINPUT;
}

/*
 * Column col (<name>_mean) across the drawn settings: -1 if none has it, 1
 * if it has one value everywhere (that value into *v), else 0.
 */
static int plot_mean_constant(const plot_means *pm, const char *col, const char **v)
{
    *v = NULL;
    for (uint32_t s = 0; s < pm->n; s++) {
        int i = plot_scan_find(&pm->set[s].scan, col);
        if (i < 0) {
            continue;
        }
        if (!pm->set[s].scan.constant[i] || (*v != NULL && strcmp(*v, pm->set[s].scan.first[i]) != 0)) {
            return 0;
        }
        *v = pm->set[s].scan.first[i];
    }
    return *v != NULL ? 1 : -1;
}

static void plot_mean_panel(FILE *f, const plot_means *pm, const char *file, const char *col,
                            const char *label)
{
    char mean[80], ci[80], path[160];
    snprintf(mean, sizeof mean, "%s_mean", col);
    snprintf(ci, sizeof ci, "%s_ci95", col);
    plot_ylabel(f, label);
    fputs("plot", f);
    for (uint32_t s = 0, any = 0; s < pm->n; s++) {
        int m = plot_scan_find(&pm->set[s].scan, mean), c = plot_scan_find(&pm->set[s].scan, ci);
        if (m < 0 || c < 0) {
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", pm->set[s].folder, file);
        fprintf(f, "%s", any++ ? ", \\\n    " : " ");
        plot_str(f, path);
        fprintf(f, " using 1:($%d-$%d):($%d+$%d) with filledcurves fillstyle transparent solid 0.2"
                   " noborder linecolor %u notitle, \\\n    '' using 1:%d with lines linewidth 2"
                   " linecolor %u notitle", m + 1, c + 1, m + 1, c + 1, s + 1, m + 1, s + 1);
    }
    fputc('\n', f);
}

/* Which of the model's columns get a panel; the constant ones go to note. */
static int plot_mean_drawn(const plot_means *pm, const sim_model *model, uint8_t *drawn,
                           char *note, size_t len)
{
    int n = 0, ncol = 0, kind[PLOT_CSV_MAX];
    size_t k = 0;
    note[0] = '\0';
    for (; model->columns[ncol] != NULL && ncol < PLOT_CSV_MAX; ncol++) {
        char mean[80];
        const char *v;
        snprintf(mean, sizeof mean, "%s_mean", model->columns[ncol]);
        kind[ncol] = plot_mean_constant(pm, mean, &v);
        drawn[ncol] = kind[ncol] == 0;
        n += drawn[ncol];
        if (kind[ncol] == 1 && k < len) {
            k += (size_t)snprintf(note + k, len - k, "%s %s = %s", k ? "," : "constant:",
                                  model->columns[ncol], v);
        }
    }
    if (n > 0) {
        return n;
    }
    note[0] = '\0';                     /* every column constant: draw them all */
    for (int i = 0; i < ncol; i++) {
        drawn[i] = kind[i] == 1;
        n += drawn[i];
    }
    return n;
}

static sim_err plot_mean_write(FILE *f, const plot_means *pm, const sim_model *model, const char *file)
{
    uint8_t drawn[PLOT_CSV_MAX];
    char note[2048], title[256], name[96];
    int n = plot_mean_drawn(pm, model, drawn, note, sizeof note);
    if (n == 0) {
        return SIM_EINPUT;
    }
    size_t k = strlen(note);
    if (pm->total > pm->n) {
        snprintf(note + k, sizeof note - k, "%ssettings: the first %u of %u", k ? ". " : "",
                 pm->n, pm->total);
    }
    snprintf(title, sizeof title, ": %s, mean and 95%% CI over replicates", model->name);
    snprintf(name, sizeof name, "%s_mean", model->name);
    plot_begin(f, name, "settings.csv and setting-*/", n + 1, pm->title, title);
    fputs("set datafile separator ','\nset grid\nset key off\nset xlabel 'time (s)'\n", f);
    plot_note(f, note);
    for (int i = 0, first = 1; model->columns[i] != NULL && i < PLOT_CSV_MAX; i++) {
        if (drawn[i]) {
            plot_mean_panel(f, pm, file, model->columns[i],
                            model->labels != NULL ? model->labels[i] : model->columns[i]);
            plot_panel_done(f, note, &first);
        }
    }
    plot_legend_panel(f, pm->set[0].legend, sizeof pm->set[0], pm->n, 0);
    plot_end(f);
    return SIM_OK;
}

sim_err plot_mean_script(FILE *f, const char *dir, const sim_model *model)
{
    char file[96];
    plot_means *pm = calloc(1, sizeof *pm);
    if (pm == NULL) {
        return SIM_ENOMEM;
    }
    snprintf(file, sizeof file, "%s_mean.csv", model->name);
    sim_err err = plot_means_read(pm, dir, file);
    if (err == SIM_OK) {
        plot_folder_title(dir, pm->title, sizeof pm->title);
        err = plot_mean_write(f, pm, model, file);
    }
    free(pm);
    return err;
}

/* --- Drawing ------------------------------------------------------------------------------ */

static sim_err plot_sweep_writer(FILE *f, const void *dir)
{
    return plot_sweep_script(f, dir);
}

static sim_err plot_heat_writer(FILE *f, const void *dir)
{
    return plot_heat_script(f, dir);
}

typedef struct plot_mean_ctx {
    const char *dir;
    const sim_model *model;
} plot_mean_ctx;

static sim_err plot_mean_writer(FILE *f, const void *ctx)
{
    const plot_mean_ctx *c = ctx;
    return plot_mean_script(f, c->dir, c->model);
}

int plot_sweep(const char *dir, int quiet, plot_wrote wrote, void *ctx)
{
    int pngs = plot_figure_listed(dir, "sweep", plot_sweep_writer, dir, quiet, wrote, ctx) == PLOT_PNG;
    pngs += plot_figure_listed(dir, "sweep_heat", plot_heat_writer, dir, quiet, wrote, ctx) == PLOT_PNG;
    for (const sim_model *const *m = sim_models; *m != NULL; m++) {
        char name[96];
        plot_mean_ctx c = { .dir = dir, .model = *m };
        snprintf(name, sizeof name, "%s_mean", (*m)->name);
        pngs += plot_figure_listed(dir, name, plot_mean_writer, &c, quiet, wrote, ctx) == PLOT_PNG;
    }
    return pngs;
}
