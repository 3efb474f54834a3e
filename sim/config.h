/*
 * config.h -- a scenario, resolved: what the loader (scen.c) produces and the
 * run (run.c) consumes.
 *
 * Everything here is plain C data; no Lua type appears. The loader owns all
 * memory reachable from a sim_config (strings, node lists, model configs) and
 * frees it in scen_free(). Times are integer nanoseconds.
 */
#ifndef MYCOSIM_CONFIG_H
#define MYCOSIM_CONFIG_H

#include <stdint.h>

#include "sim.h"
#include "topo.h"

/* The `scenario{}` block. */
typedef struct scenario_cfg {
    const char *name;        /* output folder name under results/ */
    int64_t seed;            /* master seed of every random stream */
    sim_time duration;       /* simulated time to run, ns */
    sim_time sample_every;   /* interval between CSV rows, ns */
} scenario_cfg;

/* The `links{}` block. */
typedef struct links_cfg {
    sim_dist latency;        /* per-message latency law, seconds */
    double loss;             /* drop probability per message */
} links_cfg;

typedef enum act_kind { ACT_FAIL, ACT_RECOVER, ACT_PARTITION, ACT_HEAL, ACT_SET, ACT_SHOCK, ACT_STOP,
               ACT_ISOLATE, ACT_RELEASE, ACT_SHOCK_END } act_kind;
typedef enum act_target { TARGET_RANDOM, TARGET_DEGREE, TARGET_REGION, TARGET_CELL } act_target;
typedef enum part_by { PART_RANDOM, PART_REGION, PART_CELLS, PART_HALFPLANE, PART_NODES } part_by;
typedef enum part_mode { PART_DROP, PART_QUEUE } part_mode;

/* Name of an action kind, as in scenarios and events.csv (defined in act.c). */
const char *act_name(int kind);

/* One `key = value` of a set{} action, already type-checked. */
typedef struct act_setting {
    int block;               /* model index in sim_config.models, or -1 for links */
    const sim_param *param;  /* the parameter (flags include SIM_PF_LIVE) */
    double num;              /* new value for INT, NUM, BOOL, ENUM; ns for TIME */
} act_setting;

/*
 * A timeline action: fail, recover, partition, heal, set, shock, stop,
 * isolate or release; the core adds shock-end, the end of a shock's
 * duration, whose nodes are the places the shock hit.
 */
typedef struct sim_action {
    act_kind kind;
    const char *file;        /* where it was written, for messages */
    int line;
    /* Selector (fail, recover, shock, isolate, release). */
    double fraction;         /* fraction of the candidates, or -1 if unset */
    int64_t count;           /* number of candidates, or -1 if unset */
    sim_nodeset nodes;       /* explicit ids (count 0 if unset) */
    int target;              /* act_target */
    double rx, ry, rr;       /* region = {x, y, r} (target/by "region") */
    int64_t cell;            /* target = "cell": cell id, 0-based */
    /* Partition. */
    int groups;              /* number of groups (random, halfplane) */
    int by;                  /* part_by */
    int mode;                /* part_mode */
    /* Isolate. */
    int level;               /* sim_standing: limited, suspended or expelled */
    /* Set. */
    act_setting *settings;
    uint32_t nsettings;
    /* Shock: values added for duration (0: for good); SIM_SHOCK_* bits of the keys given. */
    const char *resource;
    double supply, demand, capacity;
    sim_time duration;
    unsigned shock_given;
} sim_action;

/* at(t, action). */
typedef struct sim_at {
    sim_time time;
    sim_action action;
} sim_at;

/* every(dt, fn): the function lives in the loader's Lua state. */
typedef struct sim_every {
    sim_time period;         /* ns, > 0 */
    int fn_ref;              /* luaL_ref in the registry */
    const char *file;
    int line;
} sim_every;

/*
 * report("name", fn): a column of report.csv, fn(sim) -> number at every
 * sample; first_time("name", fn): a summary.csv column, the first sample
 * time at which fn(sim) is true (nan if never). Functions live in the
 * loader's Lua state.
 */
typedef enum sim_report_kind { SIM_REPORT_COLUMN, SIM_REPORT_FIRST_TIME } sim_report_kind;

typedef struct sim_report {
    const char *name;        /* column name (arena) */
    sim_report_kind kind;
    int fn_ref;              /* luaL_ref in the registry */
    const char *file;
    int line;
} sim_report;

/* One model block. */
typedef struct model_block {
    const sim_model *model;  /* from the registry */
    void *cfg;               /* model->cfg_size bytes, filled from the params */
    const char *file;        /* where the block was written */
    int line;
} model_block;

typedef struct sim_config {
    const char *path;        /* scenario file as given */
    const char *base_dir;    /* its folder, for relative paths */
    scenario_cfg scenario;
    topo_cfg topology;
    links_cfg links;
    model_block *models;     /* in the order the blocks appear */
    uint32_t nmodels;
    sim_at *timeline;        /* sorted by time, stable in file order */
    uint32_t ntimeline;
    sim_every *every;
    uint32_t nevery;
    sim_report *reports;     /* in file order */
    uint32_t nreports;
} sim_config;

/* Parameter tables of the core blocks, SIM_PARAM_END-terminated. */
extern const sim_param scenario_params[];   /* defined in field.c */
extern const sim_param links_params[];

#endif
