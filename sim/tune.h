/*
 * tune.h -- `mycosim tune`: the value of one real key at which the
 * replicate mean of a summary metric equals a target.
 *
 * Two layers. tune_solve (tune_root.c) is a pure root search over an
 * evaluate callback: both ends, then GSL's Brent bracketing solver on
 * f(x) = mean(x) - target, then the 95% interval by test inversion (the
 * x where target lies in mean(x) +- ci95(x)). tune_run (tune.c) is the
 * command: each evaluation is one sweep (sweep_run) of the scenario with
 * --set KEY=x and R replicates into OUT/eval-NN/, and the tables and
 * figure of the tune are written into OUT.
 */
#ifndef MYCOSIM_TUNE_H
#define MYCOSIM_TUNE_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

#define TUNE_MAX_EVALS 99          /* evaluations of one tune (folders eval-01 .. eval-99) */
#define TUNE_DEFAULT_EVALS 30
#define TUNE_DEFAULT_REPS 5
#define TUNE_XTOL 1e-3             /* stop when the bracket is narrower than this x (HI - LO) */

/* Why an evaluation was made (the step column of tune.csv). */
typedef enum tune_step { TUNE_STEP_LO, TUNE_STEP_HI, TUNE_STEP_BRENT, TUNE_STEP_INTERVAL } tune_step;

/* How the search ended (the status column of tune_result.csv). */
typedef enum tune_status {
    TUNE_CONVERGED,            /* the bracket is narrower than the tolerance */
    TUNE_MAX_EVALS_REACHED,    /* --evals used up first: value is the best so far */
    TUNE_INTERRUPTED,          /* a signal stopped it */
    TUNE_NOT_REACHED,          /* the target is not between the two end means */
    TUNE_FAILED                /* an evaluation failed (a run, or a NaN metric) */
} tune_status;

/* What the 95% interval is (the interval column of tune_result.csv). */
typedef enum tune_interval {
    TUNE_IV_NONE,              /* not computed: one replicate (no ci95), or no root */
    TUNE_IV_OK,                /* both ends are crossings inside the range */
    TUNE_IV_CLIPPED_LOW,       /* the lower end is LO: no crossing below the root */
    TUNE_IV_CLIPPED_HIGH,      /* the upper end is HI */
    TUNE_IV_CLIPPED_BOTH       /* both */
} tune_interval;

/* One evaluation: the replicate mean of the metric at x. */
typedef struct tune_point {
    double x;                  /* the key's value */
    double mean;               /* replicate mean of the metric */
    double ci95;               /* Student t 95% half-width over the replicates; NaN with one */
    uint32_t n;                /* replicates */
    tune_step step;
} tune_point;

/*
 * Evaluate the metric at x (a new x: tune_solve never asks twice). Fills
 * out->mean, ci95 and n; returns SIM_OK, SIM_EINTR when stopped, or an
 * error with its reason in msg.
 */
typedef sim_err (*tune_eval_fn)(void *ctx, double x, tune_step step, tune_point *out, char *msg,
                                size_t len);

typedef struct tune_problem {
    double lo, hi;             /* the range, lo < hi */
    double target;             /* the metric's target mean */
    uint32_t max_evals;        /* evaluations at most, ends and interval included; 3 .. TUNE_MAX_EVALS */
    double xtol;               /* bracket width to stop at, as a fraction of hi - lo (TUNE_XTOL) */
    const char *metric;        /* its name, for messages */
} tune_problem;

typedef struct tune_result {
    tune_point points[TUNE_MAX_EVALS];   /* every evaluation, in order */
    uint32_t npoints;
    double value;              /* the root: an evaluated x; NaN if none */
    double lo95, hi95;         /* the 95% interval; NaN if none */
    double bracket_lo, bracket_hi;       /* the root search's last bracket */
    tune_status status;
    tune_interval interval;
} tune_result;

/*
 * Find x in [p->lo, p->hi] where the mean equals p->target, and its 95%
 * interval, calling eval at most p->max_evals times. r is filled even on
 * failure (the points so far). SIM_OK (converged or max_evals);
 * SIM_EINTR (status interrupted); SIM_EINPUT when the target is not
 * between the two end means (msg names both) or a bad problem; an
 * evaluation's own error (status failed); SIM_ESOLVER if GSL fails.
 */
sim_err tune_solve(const tune_problem *p, tune_eval_fn eval, void *ctx, tune_result *r, char *msg,
                   size_t len) SIM_MUST_CHECK;

/* Names as written in tune.csv and tune_result.csv. */
const char *tune_step_name(tune_step s);
const char *tune_status_name(tune_status s);
const char *tune_interval_name(tune_interval iv);

/* Told each evaluation as it completes (main.c prints it); may be NULL. */
typedef void (*tune_progress_fn)(void *ctx, uint32_t eval, const char *key, const tune_point *p);

typedef struct tune_opts {
    const char *file;            /* scenario */
    const char *key;             /* --key: a real-valued key, block.key or param.name */
    const char *range;           /* --range LO,HI */
    const char *target;          /* --target MODEL.METRIC=V */
    const char *const *sets;     /* --set KEY=VALUE applied to every run */
    uint32_t nsets;
    uint32_t reps;               /* replicates per evaluation; replicate r uses seed + r */
    uint32_t jobs;               /* runs at once */
    uint32_t evals;              /* --evals */
    const char *out_dir;         /* or results/<name>-tune */
    int64_t seed;                /* base seed, or -1 for scenario.seed */
    int quiet;                   /* no progress */
    int tty;                     /* stderr is a terminal (the sweep's progress line) */
    int force;                   /* run even past the memory estimate */
    int no_plot;                 /* no tune.png / tune.gp */
    tune_progress_fn progress;   /* or NULL */
    void *progress_ctx;
} tune_opts;

/*
 * Run the tune: check the key, range, target and scenario (SIM_EINPUT
 * before anything is written), evaluate through sweeps into
 * OUT/eval-NN/ (a complete eval folder of the same plan is reused), then
 * write tune.csv, tune_result.csv, tune.png and tune.gp (unless no_plot)
 * and OUT's manifest, also after an interruption or a failed evaluation.
 * r gets the result, dir (len dir_len) the folder. Returns as tune_solve,
 * or SIM_EIO.
 */
sim_err tune_run(const tune_opts *o, tune_result *r, char *dir, size_t dir_len, char *msg,
                 size_t len) SIM_MUST_CHECK;

#endif
