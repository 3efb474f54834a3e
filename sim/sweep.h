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
    int quiet;
    int force;                   /* run even past the memory estimate (each run) */
} sweep_opts;

/*
 * Run the cartesian product of the varied values, reps times each, one
 * folder per run, then write sweep.csv (one row per run) and
 * sweep_stats.csv (per setting and metric: n, mean, 95% CI by Student's t).
 * Every combination is loaded and checked before anything is written.
 */
sim_err sweep_run(const sweep_opts *o, char *msg, size_t len) SIM_MUST_CHECK;

#endif
