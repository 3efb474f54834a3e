/*
 * plot.h -- gnuplot figures of a run's traces and of a sweep's statistics.
 *
 * Every figure is a gnuplot script written next to its PNG (<name>.gp,
 * deterministic, naming only files relative to its folder) so it can be
 * edited and redrawn for a paper; gnuplot is then run on that text. The
 * script writers take a FILE* so tests read the text, not pixels. Text that
 * comes from a scenario or a sweep's files (scenario name, key values,
 * action names) reaches a script only reduced to a safe character set,
 * single-quoted (plot_str).
 */
#ifndef MYCOSIM_PLOT_H
#define MYCOSIM_PLOT_H

#include <stdint.h>
#include <stdio.h>

#include "sim.h"

/* The run a figure belongs to. */
typedef struct plot_run {
    const char *dir;         /* the run's output folder */
    const char *scenario;    /* scenario.name: untrusted, reduced before it reaches a script */
    long long seed;          /* the run's seed, for the title */
    int quiet;               /* no note on stderr when a figure is skipped */
    int no_plot;             /* --no-plot: write neither script nor PNG */
} plot_run;

/* What a plot call wrote, as bits: the script, the PNG. */
enum { PLOT_GP = 1, PLOT_PNG = 2 };

/* Told the plain name of each file plot_sweep wrote in its folder; ctx is the caller's. */
typedef void (*plot_wrote)(void *ctx, const char *name);

/*
 * dir/<model>.gp and dir/<model>.png from dir/<model>.csv and dir/events.csv:
 * one panel per column that is not constant, y labels from model->labels,
 * timeline actions as dashed marks. Never fails the run: a figure that
 * cannot be made is skipped with a one-line note on stderr (unless quiet);
 * without gnuplot the script is still written. Returns PLOT_* bits.
 */
int plot_model(const plot_run *r, const sim_model *model);
/* The same for dir/network.csv: network.gp and network.png. */
int plot_network(const plot_run *r);
/*
 * dir/<name>.gp and dir/<name>.png from dir/<name>.csv, a table in the map
 * format (sim_map_columns): a panel per value of `panel`, places and links
 * in grey, arrows widening with the amount, red discs growing with it
 * (plot_map.c). Never fails the run, as plot_model. Returns PLOT_* bits.
 */
int plot_map(const plot_run *r, const char *name);

/*
 * The figures of a finished sweep in dir, from sweep_stats.csv, settings.csv
 * and setting-SSSS/<model>_mean.csv: sweep.png (each summary metric against
 * the first varied key, 95% CI bars, one line per value of the other keys),
 * sweep_heat.png when exactly two keys vary, <model>_mean.png (mean curves
 * with 95% bands, at most PLOT_MAX_SETTINGS settings), each with its .gp.
 * Missing inputs skip their figure silently; a failed gnuplot gives a note
 * unless quiet. wrote (unless NULL) is told the name of each file written
 * ("sweep.gp", "sweep.png", ...), so the sweep can list them in its
 * manifest. Returns the number of PNGs written.
 */
int plot_sweep(const char *dir, int quiet, plot_wrote wrote, void *ctx);

/* --- Script writers (what plot_* run gnuplot on; tests read them) ------------ */

/* The script of plot_model; SIM_EIO if the CSV cannot be read, SIM_EINPUT if it has no row. */
sim_err plot_model_script(FILE *f, const plot_run *r, const sim_model *model) SIM_MUST_CHECK;
/* The script of plot_map; SIM_EIO without the table, SIM_EINPUT without a row to draw. */
sim_err plot_map_script(FILE *f, const plot_run *r, const char *name) SIM_MUST_CHECK;
/* The script of plot_network; errors as plot_model_script. */
sim_err plot_network_script(FILE *f, const plot_run *r) SIM_MUST_CHECK;
/*
 * The figure of a tune in dir, from tune.csv and tune_result.csv: tune.png
 * (the mean with 95% CI bars at every evaluated value of the key, the
 * target line, the value found and its 95% interval) and tune.gp; wrote
 * as for plot_sweep. Returns 1 if the PNG was drawn.
 */
int plot_tune(const char *dir, int quiet, plot_wrote wrote, void *ctx);

/* tune.gp; SIM_EIO without tune.csv or tune_result.csv, SIM_EINPUT without an evaluation. */
sim_err plot_tune_script(FILE *f, const char *dir) SIM_MUST_CHECK;
/* sweep.gp; SIM_EIO without sweep_stats.csv, SIM_EINPUT when no key varies or no row. */
sim_err plot_sweep_script(FILE *f, const char *dir) SIM_MUST_CHECK;
/* sweep_heat.gp; SIM_EINPUT unless exactly two keys vary. */
sim_err plot_heat_script(FILE *f, const char *dir) SIM_MUST_CHECK;
/* <model>_mean.gp; SIM_EIO without settings.csv, SIM_EINPUT when no setting has the file. */
sim_err plot_mean_script(FILE *f, const char *dir, const sim_model *model) SIM_MUST_CHECK;

#define PLOT_MAX_MARKS 200      /* timeline actions marked; more are counted in the note */
#define PLOT_MAX_LABELS 20      /* marks labelled with their action; more: no labels */
#define PLOT_MAX_SETTINGS 8     /* settings drawn on one mean figure */

/* --- Shared by plot.c and plot_sweep.c ----------------------------------------- */

/* in reduced to letters, digits, space and _-.,:()/=+ (anything else becomes _), at most len - 1 bytes. */
void plot_reduce(const char *in, char *out, size_t len);
/* in, reduced, as a single-quoted gnuplot string. */
void plot_str(FILE *f, const char *in);
/* A number as gnuplot reads it: %.10g, NaN as nan. */
void plot_num(FILE *f, double v);

/* A streaming CSV reader (RFC 4180: quoted fields may hold commas, quotes, newlines). */
#define PLOT_CSV_MAX 64
typedef struct plot_csv {
    FILE *f;
    char *buf;                       /* the record's fields, each NUL-terminated */
    size_t cap;                      /* bytes allocated for buf */
    const char *field[PLOT_CSV_MAX]; /* the first PLOT_CSV_MAX fields of the record */
    uint32_t n;                      /* fields kept */
} plot_csv;

/* Open path; 1 on success. */
int plot_csv_open(plot_csv *c, const char *dir, const char *name);
/* The next record into c->field; 0 at the end (or out of memory). */
int plot_csv_next(plot_csv *c);
/* Field i of the record, "" past its end. */
const char *plot_csv_get(const plot_csv *c, uint32_t i);
/* The index of the field equal to name, or -1. */
int plot_csv_find(const plot_csv *c, const char *name);
void plot_csv_close(plot_csv *c);

/* Per column of a CSV: is it constant, and its first value. */
typedef struct plot_scan {
    uint32_t ncols;                      /* header fields */
    uint64_t rows;                       /* data rows */
    char name[PLOT_CSV_MAX][64];         /* header */
    char first[PLOT_CSV_MAX][32];        /* value in the first row */
    uint8_t constant[PLOT_CSV_MAX];      /* 1 if every row has first[i] */
} plot_scan;

/* Read dir/name into s; SIM_EIO if unreadable, SIM_EINPUT without a header. */
sim_err plot_scan_csv(const char *dir, const char *name, plot_scan *s) SIM_MUST_CHECK;
/* The index of a header column, or -1. */
int plot_scan_find(const plot_scan *s, const char *name);

/*
 * The head of a script: comment naming its sources, output through the
 * variable `out` (default name.png, so the run can draw to a temporary),
 * terminal, and the multiplot layout for npanels (1 per row up to 2
 * panels, else 2 per row). The title is who (untrusted: reduced by
 * plot_str) followed by what (our own text, without a single quote).
 */
void plot_begin(FILE *f, const char *name, const char *sources, int npanels, const char *who,
                const char *what);
/* A small note (text, if not empty) at the bottom left, drawn with the next panel. */
void plot_note(FILE *f, const char *text);
/* After each panel: the note went with the first (*first = 1), so it is taken off then. */
void plot_panel_done(FILE *f, const char *note, int *first);
/* A y label, wrapped onto two lines when long. */
void plot_ylabel(FILE *f, const char *label);
/* The end of a script. */
void plot_end(FILE *f);

/* Writes one figure's script to f; SIM_OK, or an error when there is nothing to draw. */
typedef sim_err (*plot_writer)(FILE *f, const void *ctx);

/*
 * Run write into memory, then save the text as dir/name.gp and draw
 * dir/name.png with gnuplot on it (a note on stderr when that fails, unless
 * quiet). A writer error skips the figure silently. Returns PLOT_* bits.
 */
int plot_figure(const char *dir, const char *name, plot_writer write, const void *ctx, int quiet);

/*
 * plot_figure, then wrote (unless NULL) is told name.gp and name.png as far
 * as written, for a folder's manifest. Returns PLOT_PNG if the PNG was drawn, else 0.
 */
int plot_figure_listed(const char *dir, const char *name, plot_writer write, const void *arg, int quiet,
                       plot_wrote wrote, void *ctx);

#endif
