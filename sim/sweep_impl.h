/*
 * sweep_impl.h -- the sweep's private header: struct sweep and the calls
 * between the sweep's files. Only those five files include it.
 *
 * `mycosim sweep` is one subsystem in five files, each with one job, and
 * calls flow one way, from the top down:
 *
 *   sweep.c        the public sweep_run: setup, launching and waiting for
 *                  the runs (forked children), interruption, progress on
 *                  stderr, the figures (plot_sweep), the outcome for main.c
 *   sweep_means.c  setting-SSSS/<model>_mean.csv: the replicate means and
 *                  half-widths at each sample time
 *   sweep_dir.c    the sweep's folder: the marker that says what a run
 *                  folder was made for, whether a run is complete (resume),
 *                  the cleanup of stale folders, manifests
 *   sweep_tables.c run summaries read, sweep.csv, sweep_stats.csv and
 *                  settings.csv written; the CSV field reader the means use
 *   sweep_plan.c   the plan: --vary parsed into axes, settings and their
 *                  --set lists, run and setting names, seeds, validation
 *
 * A file calls only the files below it (scripts/layers.sh checks it on the
 * objects). Only sweep.c prints (progress and notes on stderr).
 */
#ifndef MYCOSIM_SWEEP_IMPL_H
#define MYCOSIM_SWEEP_IMPL_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "sim.h"
#include "sweep.h"
#include "trace.h"

#define SWEEP_MAX_VALUES 256
#define SWEEP_SET_MAX 4096          /* bytes of one --vary (and so of one KEY=VALUE it makes) */
#define SWEEP_MAX_RUNS 100000
#define SWEEP_MARKER ".mycosim-sweep-run"
#define SWEEP_MARKER_HEAD "# mycosim sweep run"
#define SWEEP_MANIFEST TRACE_MANIFEST           /* run.c's manifest too: same name, same format */

typedef struct sweep_axis {
    char key[128];
    char *values[SWEEP_MAX_VALUES];
    uint32_t count;
    char *buf;                 /* the split copy of the values */
} sweep_axis;

/* What became of one planned run. */
typedef enum sweep_state {
    SWEEP_PENDING = 0,         /* not started (not_run if it stays so) */
    SWEEP_REUSED,              /* complete from an earlier invocation */
    SWEEP_RUNNING,
    SWEEP_EXITED,              /* exit status 0 */
    SWEEP_ERROR,               /* exit status 1 or 2 */
    SWEEP_CRASHED,             /* killed by a signal that was not our stop */
    SWEEP_STOPPED              /* killed by our stop (or the user's signal) */
} sweep_state;

typedef struct sweep_job {
    pid_t pid;
    int err_fd;                /* read end of the child's error pipe, or -1 */
    sweep_state state;
    int ok;                    /* complete: counts in the tables */
    double started_s, wall_s;  /* monotonic clock, s */
    char *summary;             /* its summary.csv if the folder holds its committed outputs */
} sweep_job;

typedef struct sweep {
    const sweep_opts *o;
    sweep_axis *axes;
    uint32_t naxes, settings, total;
    char dir[1024];
    int dfd;                   /* the sweep folder, open */
    int64_t *base_seed;        /* per setting: its scenario.seed (or --seed) */
    uint64_t hash;             /* FNV-1a of the scenario file */
    char **models;             /* model names of the scenario (their CSVs) */
    uint32_t nmodels;
    char **store;              /* scratch: KEY=VALUE per axis */
    const char **sets;         /* scratch: one setting's --set list */
    sweep_job *jobs;           /* total, in plan order */
    uint32_t *live;            /* indices of running jobs */
    uint32_t running, finished, failed, complete, reused;
    double wall_sum;           /* over runs finished by this invocation */
    double last_progress;
    int stopping, halted;
    char halt_msg[256];
    sigset_t old_mask;         /* the mask before SIGCHLD was blocked (children get it back) */
    uint32_t kept, kept_dirs;  /* entries left in stale folders, and those folders */
    char kept_first[1200];
    uint32_t pngs;             /* figures drawn */
} sweep;

/* --- sweep_means.c ------------------------------------------------------------------ */

/*
 * setting-SSSS/ of setting s, if a run of it completed: a means file per
 * model (and report.csv) and its manifest; SIM_EIO, SIM_ENOMEM.
 */
sim_err sweep_means_write(sweep *w, uint32_t s, char *msg, size_t len) SIM_MUST_CHECK;

/* --- sweep_dir.c -------------------------------------------------------------------- */

/* A whole regular file of folder dfd (malloc'd, NUL-terminated), or NULL; never through a link. */
char *sweep_dir_slurp(int dfd, const char *name);
/* Folder name of dfd opened (O_NOFOLLOW), or -1. */
int sweep_dir_open(int dfd, const char *name);
/*
 * The summary of run i (malloc'd) if its folder holds that run's committed
 * outputs; *complete if it also counts in the tables. NULL otherwise.
 */
char *sweep_dir_load_run(sweep *w, uint32_t i, int *complete);
/* Remove from folder fd the temporaries of every name mycosim writes in a sweep's folders. */
void sweep_dir_unlink_tmps(const sweep *w, int fd);
/*
 * Before launching: refuse a planned name that is a link or a file (SIM_EINPUT,
 * before anything is touched); mark the complete runs SWEEP_REUSED; empty every
 * other run folder and stale folder of what mycosim wrote. Counts what it kept
 * in w->kept, w->kept_dirs and w->kept_first; prints nothing.
 */
sim_err sweep_dir_prepare(sweep *w, char *msg, size_t len) SIM_MUST_CHECK;
/* Make run i's folder dir and write its marker (w->sets must hold its setting's list); SIM_EIO. */
sim_err sweep_dir_write_marker(sweep *w, uint32_t i, const char *dir, char *msg, size_t len)
    SIM_MUST_CHECK;
/*
 * The manifest of the sweep folder itself, listing names[0 .. k-1] (tables
 * and figures just written); what the previous manifest there listed and
 * this one does not, if still that very file, is removed first. SIM_EIO.
 */
sim_err sweep_dir_write_top(sweep *w, char names[][TRACE_NAME_MAX], uint32_t k, char *msg, size_t len)
    SIM_MUST_CHECK;

/* --- sweep_tables.c ----------------------------------------------------------------- */

/* Split one CSV line in place at commas outside quotes, unquoting fields (RFC 4180); at most max. */
uint32_t sweep_tables_split(char *line, char **cols, uint32_t max);
/* Split a line into a new array of fields (count in *n); NULL without memory. */
char **sweep_tables_cut(char *line, uint32_t *n);
/* A field as a number; NaN if absent or not entirely a number. */
double sweep_tables_num(const char *s);
/* 1 if a summary.csv's text says status ok. */
int sweep_tables_summary_ok(const char *text);
/* A run's status (ok, interrupted, failed, error, crashed, not_run) into out. */
void sweep_tables_status(const sweep_job *j, char *out, size_t len);
/* Mean and 95% half-width (Student's t) of v[0 .. n-1]; NaN where undefined. */
void sweep_tables_mean_half(const double *v, size_t n, double *mean, double *half);
/* The complete runs of setting s. */
uint32_t sweep_tables_complete_in(const sweep *w, uint32_t s);
/* sweep.csv, sweep_stats.csv and settings.csv in w->dir; SIM_EIO, SIM_ENOMEM. */
sim_err sweep_tables_write(sweep *w, char *msg, size_t len) SIM_MUST_CHECK;

/* --- sweep_plan.c ------------------------------------------------------------------- */

/* Parse every --vary into w->axes (scratch in w->store), count the settings; SIM_EINPUT. */
sim_err sweep_plan_parse_axes(sweep *w, char *msg, size_t len) SIM_MUST_CHECK;
/* Axis a's value in setting s (the last axis changes fastest). */
const char *sweep_plan_value(const sweep *w, uint32_t s, uint32_t a);
/* w->sets: the fixed --set list, then KEY=VALUE of each axis for setting s. */
void sweep_plan_sets(sweep *w, uint32_t s);
/* The length of w->sets. */
uint32_t sweep_plan_nsets(const sweep *w);
/* "run-SSSS-repR" of run i. */
void sweep_plan_run_name(const sweep *w, uint32_t i, char *out, size_t len);
/* "setting-SSSS". */
void sweep_plan_setting_name(uint32_t s, char *out, size_t len);
/* The seed of run i: its setting's seed + its replicate. */
int64_t sweep_plan_seed(const sweep *w, uint32_t i);
/* "k1=v1 k2=v2 " of setting s, one printable line. */
void sweep_plan_label(const sweep *w, uint32_t s, char *out, size_t len);
/* Load every setting once (seeds, folder, model names); errors as scen_load's. */
sim_err sweep_plan_validate(sweep *w, char *msg, size_t len) SIM_MUST_CHECK;
/* w->hash: FNV-1a (64 bits) of the scenario file's bytes; SIM_EIO. */
sim_err sweep_plan_hash_file(sweep *w, char *msg, size_t len) SIM_MUST_CHECK;

#endif
