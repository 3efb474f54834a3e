/*
 * run.h -- one simulation run: the core's private view of sim_run.
 *
 * Models see sim_run only through the functions of sim.h; the core files
 * (run.c, net.c, act.c, base.c, sweep.c, main.c) share this definition. A
 * node costs the core one 16-byte run_node (stream counter, send counter, up,
 * epoch, partition group) plus its CSR adjacency.
 */
#ifndef MYCOSIM_RUN_H
#define MYCOSIM_RUN_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include <gsl/gsl_rng.h>

#include "config.h"
#include "evq.h"
#include "scen.h"
#include "sim.h"
#include "topo.h"
#include "trace.h"

/* A sample of the network's shape (network.csv). */
typedef struct net_shape {
    uint32_t alive;          /* nodes up */
    uint64_t links_up;       /* links whose ends are up and in one partition group */
    uint32_t components;     /* connected components of the live graph */
    double giant;            /* largest component / total nodes */
} net_shape;

/* Core counters of a finished run, for tests and `--stats`. */
typedef struct run_stats {
    uint64_t events;         /* events handled */
    uint64_t sent;           /* messages sent */
    uint64_t lost;           /* messages lost (loss, drop partition, receiver down) */
    uint64_t blocked;        /* messages blocked by standing (suspended or expelled end) */
    uint64_t held;           /* messages still held by a queue-mode partition at the end */
    uint64_t pending;        /* events still queued or held at the end */
    double topo_s;           /* wall time to build the topology */
    double setup_s;          /* wall time of the whole setup (topology, arrays, model init) */
    double wall_s;           /* wall time of the run phase */
    double output_s;         /* wall time to write summary, run.lua and plots */
    double phase_s;          /* wall time in models' network-wide phases (part of wall_s) */
    int ranks;               /* ranks of the run */
    double sync_s;           /* the slowest rank's time in the windows' collectives */
    uint64_t windows, crossed;   /* windows; events exchanged between ranks, all ranks */
    uint64_t phases;         /* phase calls */
    long rss_setup_kib;      /* peak resident memory after setup, KiB */
    long rss_peak_kib;       /* peak resident memory at the end, KiB */
    size_t bytes;            /* run_bytes() after setup */
} run_stats;

/* Options of `mycosim run` that are not part of the scenario. */
typedef struct run_opts {
    const char *out_dir;     /* output folder, or NULL for results/<name> */
    int quiet;               /* no summary on stdout */
    int no_plot;             /* skip gnuplot */
    int progress;            /* progress line on stderr */
    int force;               /* run even if the memory estimate exceeds what is available */
    run_stats *stats;        /* filled at the end if not NULL */
} run_opts;

/*
 * The core's state of one node. Every event reads or writes several of these
 * fields, so they share one 16-byte record (one cache miss) instead of
 * living in separate arrays (one miss each).
 */
typedef struct run_node {
    uint64_t rng_ctr;        /* the node's stream counter */
    uint32_t send_seq;       /* its send counter: the tie key */
    uint8_t up;              /* 1 if up */
    uint8_t epoch;           /* bumped when it fails: stale timers are dropped */
    uint16_t group;          /* partition group; 0 when no partition is in force */
} run_node;

struct sim_run {
    const sim_config *cfg;   /* the resolved scenario (owned by the loader) */
    scen *scen;              /* the loader, for every() callbacks */
    char errmsg[256];        /* the one-line reason of the last failure */
    uint64_t seed;           /* scenario.seed */
    sim_time now;            /* current simulated time, ns */
    sim_time end;            /* scenario.duration, ns */
    int stop_requested;      /* a stop{} action ends the run at this sync point */

    /* Nodes. */
    topo_graph g;            /* static topology, CSR */
    uint32_t n;              /* nodes */
    uint32_t alive;          /* nodes up */
    run_node *node;          /* the core's per-node record */
    uint8_t *mark;           /* per node: standing (RUN_STANDING bits) and RUN_BAD */
    uint32_t cut_off;        /* nodes suspended or expelled; 0: the message path checks nothing */
    double limited_share;    /* share of a limited node's messages that leave (sim_set_limited_share) */
    uint32_t standing_count[4];  /* nodes per standing (index 0 unused, kept 0) */
    gsl_rng *rng;            /* adapter rebound by sim_rng() */
    uint64_t run_key;        /* key of the run-level stream (actions) */
    uint64_t run_ctr;        /* its counter */

    /* Network. */
    const links_cfg *links;  /* latency and loss (loss may change by set{}) */
    int partitioned;         /* a partition is in force (groups in run_node) */
    int part_mode;           /* PART_DROP or PART_QUEUE */
    sim_event *held;         /* queue-mode messages held until heal; time = remaining delay */
    size_t nheld, capheld;
    int shape_dirty;         /* topology changed since shape was computed */
    net_shape shape;         /* cached network shape */
    uint32_t *bfs;           /* scratch for components (n entries), allocated on first use */
    uint8_t *seen;           /* scratch for components (n entries) */

    /* Events. */
    evq q;                   /* pending events */
    uint64_t events;         /* events handled */
    uint64_t sent;           /* messages sent */
    uint64_t lost;           /* messages lost: loss, partition, or down receiver */
    uint64_t blocked;        /* messages blocked by a suspended or expelled end */
    int out_of_memory;       /* a queue could not grow: the loop ends the run as failed */

    /* Models. */
    uint32_t nmodels;
    const sim_model **models;
    void **state;            /* per model */
    sim_time *phase_period;  /* per model: period of its phases, 0 for none (sim_phase_every) */
    sim_time *next_phase;    /* per model: instant of its next periodic phase */
    uint8_t current;         /* model whose callback is running */
    uint8_t observers[SIM_OBSERVERS_MAX];  /* models with an observe callback */
    uint32_t nobservers;
    struct sim_table *tables;     /* models' own tables (sim_table_declare), opened with the outputs */
    uint32_t ntables, captables;
    const char *out_dir;          /* the output folder while the run writes it, else NULL */
    trace_file *files;            /* models' own files (sim_file_create) */
    uint32_t nfiles, capfiles;
    uint32_t *shock_sel;     /* the places the last shock with a duration hit (act.c), for its end */
    uint32_t shock_sel_count;
    struct {
        const void *base;    /* a model's per-node array (sim_hint_per_node) */
        size_t size;         /* its element size */
    } hint[SIM_HINTS_MAX];
    uint32_t nhints;
    double *row;             /* scratch for one CSV row or summary */
    uint32_t row_len;
    /* Ranks (par.h): this one owns nodes [own_lo, own_hi); events for others go to outbox[r]. */
    int rank, nranks;
    uint32_t own_lo, own_hi, per_rank;
    int routing;             /* 0 while models initialise: events for other ranks' nodes are dropped */
    sim_event **outbox;      /* per rank */
    uint32_t *outn, *outcap;
    sim_time lookahead;      /* declared minimum message delay (sim_declare_lookahead), SIM_TIME_MAX if none */
    const char *lookahead_key;
    uint64_t tot_events, tot_sent, tot_lost, tot_blocked;   /* over all ranks, at the last reduction */
    double sync_s;           /* this rank's wall time in the windows' collectives (--stats) */
    uint64_t windows, crossed;   /* windows run; events this rank sent to other ranks */
    double phase_s;          /* wall time in phases so far (--stats only, never a trace) */
    uint64_t phase_calls;    /* phases run */
};

/* Set by the SIGINT/SIGTERM handler: the loop stops and outputs are flushed. */
extern volatile sig_atomic_t run_stop_signal;

/*
 * Build everything from a loaded scenario, run it, write outputs.
 * Returns SIM_OK, SIM_EINTR (interrupted, outputs written with status
 * interrupted) or an error with the reason in errmsg (nothing written).
 */
sim_err run_scenario(scen *s, const run_opts *opts, char *errmsg, size_t errlen) SIM_MUST_CHECK;

/* Allocate the node arrays for run->n nodes, all up (setup and tests). */
sim_err run_nodes_init(sim_run *run) SIM_MUST_CHECK;
/* Free what run_nodes_init and net_init allocated. */
void run_nodes_destroy(sim_run *run);

/*
 * Heap bytes the run holds now: node records, topology (CSR, coordinates,
 * cells), network scratch and held messages, the event queue, and each
 * model's state. bytes_per_node = this / n is what `--stats` reports.
 */
size_t run_bytes(const sim_run *run);

/* A uniform draw in [0, 1) from the run-level stream. */
double run_uniform(sim_run *run);

/* --- net.c ---------------------------------------------------------------- */

/* Allocate the per-node network state; n and g must be set. */
sim_err net_init(sim_run *run) SIM_MUST_CHECK;
void net_destroy(sim_run *run);
/* Check link options against the graph (per_distance needs coordinates). */
sim_err net_check(sim_run *run) SIM_MUST_CHECK;
/* Queue an event, or send it to the rank that owns its node. */
void net_schedule(sim_run *run, const sim_event *ev);
/* Called by the loop before dispatch: 1 if the event may be delivered now. */
int net_admit(sim_run *run, const sim_event *ev);
/* Partition the nodes by group[v] (copied; the caller keeps group). */
void net_partition(sim_run *run, const uint16_t *group, int mode);
/* Remove the partition and release held messages; returns how many were released. */
sim_err net_heal(sim_run *run, uint64_t *released) SIM_MUST_CHECK;
/* The network's shape now (recomputed only if the topology changed). */
sim_err net_shape_now(sim_run *run, net_shape *out) SIM_MUST_CHECK;
/* Degree of v counting only neighbours that are up. */
uint32_t net_live_degree(const sim_run *run, uint32_t v);

/* The mark byte: standing in the low two bits, the bad-actor flag above. */
#define RUN_STANDING 3u
#define RUN_BAD 4u

/* A model's own table (sim_table_declare). */
struct sim_table {
    char file[64];               /* file name in the output folder */
    const char *const *columns;  /* after time, NULL-terminated (the model's static array) */
    uint32_t ncolumns;
    uint32_t cell;               /* cells written in the current row */
    trace_file out;              /* open while the run writes its outputs */
    const struct sim_run *owner; /* its run, for the time of a row */
};

/* --- table.c ----------------------------------------------------------------- */

/* Open every declared table in dir with its header; SIM_EIO with a message. */
sim_err table_open_all(sim_run *run, const char *dir) SIM_MUST_CHECK;
sim_err table_commit_all(sim_run *run) SIM_MUST_CHECK;
void table_discard_all(sim_run *run);
void table_free_all(sim_run *run);

/* --- act.c ---------------------------------------------------------------- */

/* Check an action against the built graph (node ids, cells, coordinates). */
sim_err act_check(sim_run *run, const sim_action *a) SIM_MUST_CHECK;
/* A shock{} against the models (SIM_SHOCK_CHECK): every key it gives must be used. */
sim_err act_check_shock(sim_run *run, const sim_action *a) SIM_MUST_CHECK;
/* Apply an action now; detail gets a short description, affected a count. */
sim_err act_apply(sim_run *run, const sim_action *a, char *detail, size_t detail_len,
                  uint64_t *affected) SIM_MUST_CHECK;

#endif
