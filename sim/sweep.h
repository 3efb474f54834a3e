/*
 * sweep.h -- parameter sweeps with replicates: `mycosim sweep`.
 */
#ifndef MYCOSIM_SWEEP_H
#define MYCOSIM_SWEEP_H

#include <stdint.h>

#include "sim.h"

typedef struct sweep_opts {
    const char *file;            /* scenario */
    const char *const *sets;     /* --set KEY=VALUE applied to every run */
    uint32_t nsets;
    const char *const *varies;   /* --vary KEY=V1,V2,... */
    uint32_t nvaries;
    uint32_t reps;               /* replicates per setting; rep r uses seed + r */
    uint32_t jobs;               /* runs at once (processes) */
    const char *out_dir;         /* or results/<name>-sweep */
    int64_t seed;                /* base seed, or -1 for scenario.seed */
    int quiet;                   /* no progress, no per-run lines, no summary line */
    int verbose;                 /* one line per finished run, also on a terminal */
    int tty;                     /* stderr is a terminal: the updating progress line */
    int force;                   /* run even past the memory estimate (each run) */
    int no_plot;                 /* --no-plot: no figures (an earlier sweep's here go) */
    int quiet_stdout;            /* no closing line on stdout (a tune's evaluations); progress as set */
} sweep_opts;

/*
 * Run the cartesian product of the varied values (one setting without
 * --vary), reps times each, one folder per run, then write sweep.csv (one
 * row per planned run, with its status), sweep_stats.csv (per setting and
 * metric over completed runs only: n, n_nan, n_excluded, mean, 95% CI by
 * Student's t), settings.csv and setting-SSSS/<model>_mean.csv, then
 * (unless no_plot) the figures of plot_sweep: sweep.png, sweep_heat.png
 * when two keys vary, <model>_mean.png, each with its .gp; the folder's
 * manifest (.mycosim-files) lists the tables and figures, and what an
 * earlier sweep there listed but this one did not write goes. The runs
 * themselves draw no figures. Runs already complete in the folder for
 * this very plan are kept, not run again.
 * Every combination is loaded and checked before anything is written.
 * Returns SIM_OK; SIM_EINTR when a signal stopped it (tables and figures
 * written over what completed); SIM_EIO when a run did not complete (tables written) or
 * on an I/O failure; SIM_EINPUT for bad input; the reason in msg.
 */
sim_err sweep_run(const sweep_opts *o, char *msg, size_t len) SIM_MUST_CHECK;

#endif
