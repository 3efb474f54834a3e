/*
 * sim.h -- the one header a model includes.
 *
 * It declares what the core offers a plug-in model: simulated time in integer
 * nanoseconds, the error enum, compact events, per-node random streams exposed
 * as gsl_rng, the send/timer API, read access to the network, and the
 * declarative parameter tables through which the scenario loader fills a
 * model's configuration. A model is one `const sim_model` (see the end of this
 * file) listed in models/models.c; the core never names a model.
 *
 * Invariants a model can rely on:
 *   - events reach it in (time, src, seq) order; that key does not depend on
 *     how nodes are spread over processes, so traces are rank-independent;
 *   - events addressed to a node that is down are never delivered, and a
 *     timer set before a node failed never fires after it recovers;
 *   - sim_rng(run, node) draws from that node's own counter-based stream.
 */
#ifndef MYCOSIM_SIM_H
#define MYCOSIM_SIM_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#define MYCOSIM_VERSION "0.1.0"

#if defined(__GNUC__)
#define SIM_MUST_CHECK __attribute__((warn_unused_result))
#define SIM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SIM_MUST_CHECK
#define SIM_PRINTF(f, a)
#endif

/* Simulated time: integer nanoseconds. Converted only at the Lua and CSV edges. */
typedef int64_t sim_time;
#define SIM_NS_PER_S 1000000000LL
#define SIM_TIME_MAX INT64_MAX

/*
 * Every time an input can name (duration, action times, periods, latency
 * parameters) is at most SIM_TIME_LIMIT_S seconds (about 31.7 years), so
 * that now + delay stays far below INT64_MAX ns. Drawn delays are clamped
 * to SIM_DELAY_CLAMP, beyond any run's end: a message that far off is never
 * delivered, exactly as if its delay had been drawn larger.
 */
#define SIM_TIME_LIMIT_S 1e9
#define SIM_DELAY_CLAMP 4000000000000000000LL   /* 4e9 s in ns */

/* Seconds to nanoseconds, rounded to nearest; saturates at +-SIM_DELAY_CLAMP, NaN gives the clamp. */
sim_time sim_time_from_s(double seconds);
/* Nanoseconds to seconds, for CSV rows and Lua. */
double sim_time_to_s(sim_time t);

typedef enum sim_err {
    SIM_OK = 0,
    SIM_EINPUT,    /* bad scenario, option or file: exit status 2 */
    SIM_ENOMEM,    /* allocation failed */
    SIM_EIO,       /* could not read or write a file */
    SIM_ESOLVER,   /* a numerical library reported failure */
    SIM_EINTR,     /* interrupted by a signal */
    SIM_EINTERNAL  /* a bug: an invariant did not hold */
} sim_err;

#define SIM_TRY(expr) do { sim_err e_ = (expr); if (e_ != SIM_OK) { return e_; } } while (0)

/* Invariant check that is always compiled in; for bugs, never for input. */
void sim_assert_fail(const char *file, int line, const char *expr);
#define SIM_ASSERT(c) do { if (!(c)) { sim_assert_fail(__FILE__, __LINE__, #c); } } while (0)

/* Node ids are 0 .. n-1; SIM_NONE means "no node". */
#define SIM_NONE UINT32_MAX

typedef struct sim_run sim_run;

/*
 * One pending event: 32 bytes, payload in line (ROSS). The total order is
 * (time, src, seq): seq is the sender's own send counter, so ties never
 * depend on the rank count.
 */
typedef struct sim_event {
    sim_time time;       /* delivery time, ns */
    uint32_t src;        /* sending node; tie key part 1 */
    uint32_t seq;        /* sender's send counter; tie key part 2 */
    uint32_t dst;        /* receiving node */
    uint8_t model;       /* index of the model that handles it */
    uint8_t kind;        /* model-local event kind */
    uint8_t flags;       /* SIM_EV_* */
    uint8_t epoch;       /* timers: incarnation of dst when set */
    uint64_t data;       /* model payload */
} sim_event;

enum { SIM_EV_TIMER = 1 };  /* a local timer, not a network message */

/* --- Errors ------------------------------------------------------------- */

/* Format a one-line message into the run's error buffer and return code. */
sim_err sim_fail(sim_run *run, sim_err code, const char *fmt, ...) SIM_PRINTF(3, 4);

/* --- Time, nodes and randomness ------------------------------------------ */

sim_time sim_now(const sim_run *run);
sim_time sim_end(const sim_run *run);                /* scenario.duration, ns */
sim_time sim_sample_every(const sim_run *run);       /* scenario.sample_every, ns */
uint32_t sim_nodes(const sim_run *run);              /* total nodes, alive or not */
uint32_t sim_alive_count(const sim_run *run);        /* nodes up right now */
uint32_t sim_model_count(const sim_run *run);        /* model blocks in the scenario */
/* Sum v[0 .. n) over all ranks, in place (integers: the same bytes for any rank count). */
void sim_reduce_sum(sim_run *run, int64_t *v, uint32_t n);
/*
 * A model's messages between nodes are never faster than delay_ns (PHOLD's
 * lookahead): the window of the ranks' conservative synchronisation. key
 * names the scenario key for the error when delay_ns is 0 on several ranks.
 */
void sim_declare_lookahead(sim_run *run, sim_time delay_ns, const char *key);
/*
 * The least latency the links' law can give, ns: its value (constant), min
 * (uniform), scale (pareto) or base (per_distance); 0 for the laws with no
 * positive lower bound (exponential, normal, lognormal). A model that sends
 * over the links declares it: sim_declare_lookahead(run, this, "links.latency").
 */
sim_time sim_link_min_latency(const sim_run *run);
int sim_is_up(const sim_run *run, uint32_t node);    /* 1 if the node is up */

/* The node's own random stream as a gsl_rng, valid until the next sim_rng call. */
gsl_rng *sim_rng(sim_run *run, uint32_t node);
/* A stateless hash of (seed, node, salt): a fixed per-node draw, e.g. a phase. */
uint64_t sim_node_hash(const sim_run *run, uint32_t node, uint64_t salt);

/* --- Per-node state --------------------------------------------------------- */

/*
 * A zeroed array of sim_nodes(run) elements of `size` bytes, for a model's
 * structure-of-arrays state: backed by huge pages when big (fewer TLB misses
 * on random access). Free it with free(). NULL when out of memory.
 */
void *sim_node_array(const sim_run *run, size_t size);
/*
 * Declare that the model reads base[v * size] when an event for node v is
 * handled, so the core may prefetch it a few events ahead (at most
 * SIM_HINTS_MAX arrays per run; further ones are ignored). Only a hint: it
 * changes speed, never results. Call it from init.
 */
#define SIM_HINTS_MAX 4
void sim_hint_per_node(sim_run *run, const void *base, size_t size);

/* --- Network ------------------------------------------------------------- */

/* Degree in the static topology (n - 1 for the complete topology). */
uint32_t sim_degree(const sim_run *run, uint32_t node);
/* The i-th neighbour, 0 <= i < degree. */
uint32_t sim_neighbor(const sim_run *run, uint32_t node, uint32_t i);
/*
 * Length of the i-th link of node: the explicit edge's distance when it
 * gives one, else the Euclidean distance of the two ends' coordinates, else
 * 1 (a graph without geometry: every link counts as one hop).
 */
double sim_link_distance(const sim_run *run, uint32_t node, uint32_t i);
/* Capacity of the i-th link of node as the explicit edge gives it; NaN when none does. */
double sim_link_capacity(const sim_run *run, uint32_t node, uint32_t i);
/*
 * 1 if a message between a and b would get through right now as far as the
 * network's state goes: both up, on the same side of any partition, neither
 * suspended nor expelled (loss aside). For a model's network-wide phase
 * that plans over the live graph (flow).
 */
int sim_link_open(const sim_run *run, uint32_t a, uint32_t b);
/* The node's place name (topology kind "explicit"), or NULL. */
const char *sim_node_name(const sim_run *run, uint32_t node);
/* The node's coordinates into *x, *y and 1, or 0 when the topology has none. */
int sim_node_xy(const sim_run *run, uint32_t node, double *x, double *y);
/* 1 on topology "complete": no edges stored, every node a neighbour of every other. */
int sim_topology_complete(const sim_run *run);
/* A uniformly random neighbour drawn from the node's stream; SIM_NONE if isolated. */
uint32_t sim_random_peer(sim_run *run, uint32_t node);

/*
 * Send a message from src to dst through the network: link latency and loss
 * are drawn from src's stream, a drop-mode partition discards it and a
 * queue-mode one holds it until heal. Never fails; a lost message is counted.
 */
void sim_send(sim_run *run, uint32_t src, uint32_t dst, uint8_t kind, uint64_t data);
/*
 * An event from src to dst after a delay the model chooses (PHOLD-style),
 * bypassing link latency and loss; partitions and down receivers apply as
 * for sim_send. delay_ns >= 1.
 */
void sim_post(sim_run *run, uint32_t src, uint32_t dst, sim_time delay_ns, uint8_t kind, uint64_t data);
/* A local timer on node after delay_ns >= 0; discarded if the node fails first. */
void sim_timer(sim_run *run, uint32_t node, sim_time delay_ns, uint8_t kind, uint64_t data);
/* The same, at an absolute time >= now. */
void sim_timer_at(sim_run *run, uint32_t node, sim_time at_ns, uint8_t kind, uint64_t data);

/* --- Standing and bad actors ------------------------------------------------ */

/*
 * Beside up/down, the core keeps each node's standing. The network enforces
 * it: a suspended or expelled node's messages, sent or received, are blocked
 * (counted in network.csv's `blocked`, never delivered); limited changes
 * nothing on the network (models read it, e.g. credit cuts the limits of
 * limited nodes). Expelled is final. Timers are local and still fire. Models
 * and the isolate{}/release{} actions write it through the same call; the
 * core never knows why.
 */
typedef enum sim_standing {
    SIM_STANDING_OK = 0, SIM_STANDING_LIMITED, SIM_STANDING_SUSPENDED, SIM_STANDING_EXPELLED
} sim_standing;

sim_standing sim_node_standing(const sim_run *run, uint32_t node);
/* Set the standing; 1 if it changed, 0 if it was already so or the node is expelled (final). */
int sim_set_standing(sim_run *run, uint32_t node, sim_standing standing);
/* Nodes whose standing is not ok, by standing: counts[SIM_STANDING_*] (counts[0] unused, 0). */
void sim_standing_counts(const sim_run *run, uint32_t counts[4]);

/*
 * Bad actors: a core node property, set by whichever block declares them
 * (immune's `bad`, a test), read by any model (flow and credit make a bad
 * node's deliveries fail without knowing who declared it). Costs no memory
 * beyond the standing byte.
 */
int sim_is_bad(const sim_run *run, uint32_t node);
void sim_set_bad(sim_run *run, uint32_t node, int bad);

/*
 * What limited standing means for messages: a limited node's messages
 * leave with probability share and are otherwise blocked (counted in
 * `blocked`), drawn from a stream keyed by the message's sender and send
 * counter (no model's draws move). Default 1: limited nodes send freely
 * (credit reads limited standing itself). The immune model sets its
 * limit_factor here.
 */
void sim_set_limited_share(sim_run *run, double share);

/*
 * Draw ctr of stream `salt` private to node: a uniform double in [0, 1), a
 * pure function of (seed, node, salt, ctr). A model that must not move the
 * node's shared stream (sim_rng) -- because it only watches the others --
 * keeps its own counters and draws here. salt < 2^20.
 */
double sim_unit_private(const sim_run *run, uint32_t node, uint32_t salt, uint64_t ctr);

/* --- Network-wide phases ------------------------------------------------------- */

/*
 * A model asks, from init, for its `phase` callback every period_ns of
 * simulated time: at period, 2 period, ... up to the end of the run. Every
 * model with a phase callback also gets one SIM_PHASE_END call when the run
 * ends (at its end or at a stop{}, not when interrupted). The order of work
 * at one instant T (doc/architecture.md, "One instant"): at() actions in
 * file order, actions scheduled by callbacks, every() callbacks, periodic
 * phases in block order, end phases (last instant only), the sample row;
 * then the node events with time T, in (time, src, seq) order. A phase may
 * read every node, call a solver, and send or schedule events (delay >= 0:
 * they are node events and run after it). A second call changes the period
 * from the next phase on; period_ns = 0 stops the periodic phases.
 */
sim_err sim_phase_every(sim_run *run, sim_time period_ns) SIM_MUST_CHECK;

typedef enum sim_phase { SIM_PHASE_PERIOD, SIM_PHASE_END } sim_phase;

/* --- Shocks ------------------------------------------------------------------- */

/*
 * shock{selector, resource, supply, demand, capacity, duration}: the core
 * selects the places (as fail{} does) and hands the shock to every model
 * with a `shock` callback, in block order. The values are added to each
 * selected place for `duration` and then taken off again (END, with the
 * same places), so overlapping shocks compose and a place returns exactly
 * to its value. CHECK comes first, at setup for the timeline's shocks (and
 * before applying one made by a callback): a model says which keys it uses
 * (*used, SIM_SHOCK_* bits) and fails with SIM_EINPUT for a value it
 * refuses (an unknown resource); a key that no model uses is an error.
 */
enum { SIM_SHOCK_SUPPLY = 1, SIM_SHOCK_DEMAND = 2, SIM_SHOCK_CAPACITY = 4, SIM_SHOCK_RESOURCE = 8 };
typedef enum sim_shock_step { SIM_SHOCK_CHECK, SIM_SHOCK_APPLY, SIM_SHOCK_END } sim_shock_step;

typedef struct sim_shock {
    sim_shock_step step;
    const uint32_t *nodes;   /* APPLY, END: the places hit (NULL at CHECK) */
    uint32_t count;
    const char *resource;    /* the resource named, or NULL */
    double supply;           /* added to each place's supply (0 when not given) */
    double demand;           /* added to its demand */
    double capacity;         /* added to its capacity */
    unsigned given;          /* SIM_SHOCK_* bits of the keys the scenario gave */
} sim_shock;

/* --- Tables of a model's own ----------------------------------------------------- */

/*
 * Beside <model>.csv, a model may write tables of its own: flow writes
 * flows.csv (one row per link carrying flow) and, as a long format, its
 * flow.csv. Declare each from init with its file name and its columns
 * after `time`; the core opens it with the run's other outputs (under a
 * temporary name, renamed at the end, listed in the folder's manifest;
 * never left behind when the run fails). A row is written cell by cell
 * and ended; its time is now. Text cells are quoted as CSV needs.
 */
typedef struct sim_table sim_table;

/* NULL on failure (then sim_fail has said why): a bad or repeated name, or no memory. */
sim_table *sim_table_declare(sim_run *run, const char *file, const char *const *columns);
void sim_table_text(sim_table *t, const char *text);
void sim_table_num(sim_table *t, double value);
void sim_table_end_row(sim_table *t);

/*
 * The map format, the columns of a table the core draws as a map (the
 * model's `map`): `panel` (one panel per value), `kind`, then by kind:
 * "edge" x, y, dx, dy (a grey segment); "node" x, y, label (a place);
 * "alert" x, y, value (a red disc, larger with the value); "arrow" x, y,
 * dx, dy, value (wider with the value); "note" label (added to the title).
 * Unused cells are 0 or "".
 */
extern const char *const sim_map_columns[];

/*
 * A file of the model's own in the output folder, made during the run (a
 * phase may write one per period: flow's DIMACS dumps). Written under a
 * temporary name, renamed with the run's other outputs, listed in the
 * manifest, removed when the run fails. name is a plain file name
 * (letters, digits, '_', '-', '.'). NULL on failure (sim_fail says why).
 */
FILE *sim_file_create(sim_run *run, const char *name);

/* --- Declarative parameters (filled by the loader; models never see Lua) --- */

typedef enum sim_param_type {
    SIM_PT_INT,      /* int64_t */
    SIM_PT_NUM,      /* double */
    SIM_PT_BOOL,     /* int, 0 or 1 */
    SIM_PT_ENUM,     /* int, index into choices */
    SIM_PT_STR,      /* const char *, owned by the run */
    SIM_PT_TIME,     /* sim_time; given in seconds */
    SIM_PT_NODES,    /* sim_nodeset: a count of random nodes or a list of ids */
    SIM_PT_DIST,     /* sim_dist: a latency distribution table */
    SIM_PT_INTLIST,  /* sim_intlist: a list of integers (lattice dims) */
    SIM_PT_PERNODE,  /* sim_pernode: a value per node (number, law, table by name, function) */
    SIM_PT_GROUP,    /* a nested table of keys (`fields`), stored in the same config struct */
    SIM_PT_STRLIST,  /* sim_strlist: a list of distinct names, e.g. flow's resources */
    SIM_PT_PERNODE_MAP  /* sim_pernode_map: per-node values keyed by name, e.g. supply = {food = ...} */
} sim_param_type;

enum {
    SIM_PF_MIN_OPEN = 1,  /* value must be > min, not >= min */
    SIM_PF_LIVE = 2,      /* may be changed mid-run by set{} */
    SIM_PF_REQUIRED = 4,  /* no default: the scenario must give it */
    SIM_PF_FRACTION = 8   /* SIM_PT_NODES: a number is a share of the nodes in [0, 1], not a count */
};

typedef struct sim_param {
    const char *key;                 /* scenario key, e.g. "fanout" */
    sim_param_type type;             /* how the value is read and stored */
    size_t offset;                   /* offsetof the field in the config struct */
    double def;                      /* default for numbers, times, bools, enums */
    const char *def_str;             /* default for strings (may be NULL) */
    double min, max;                 /* inclusive range (see SIM_PF_MIN_OPEN) */
    const char *const *choices;      /* SIM_PT_ENUM: NULL-terminated names */
    const struct sim_param *fields;  /* SIM_PT_GROUP: its keys, SIM_PARAM_END-terminated */
    unsigned flags;                  /* SIM_PF_* */
    const char *help;                /* one line for doc and `mycosim check` */
} sim_param;

typedef struct sim_nodeset {
    uint32_t count;                  /* number of nodes (0 with a fraction) */
    const uint32_t *ids;             /* explicit ids, or NULL: count random nodes */
    double fraction;                 /* SIM_PF_FRACTION and ids NULL: this share of the nodes */
} sim_nodeset;

typedef struct sim_intlist {
    uint32_t count;
    const int64_t *values;
} sim_intlist;

typedef enum sim_dist_kind {
    SIM_DIST_CONSTANT, SIM_DIST_UNIFORM, SIM_DIST_EXPONENTIAL, SIM_DIST_NORMAL,
    SIM_DIST_LOGNORMAL, SIM_DIST_PARETO, SIM_DIST_PER_DISTANCE
} sim_dist_kind;

/* A latency law in seconds; a and b as named per kind in doc/scenarios.md. */
typedef struct sim_dist {
    sim_dist_kind kind;
    double a;   /* value | min | mean | mean | median | scale | per_distance */
    double b;   /* -     | max | -    | sd   | sigma  | shape | base */
} sim_dist;

/*
 * A key documented as per-node (SIM_PT_PERNODE) takes, in a scenario, a
 * number, a distribution table as for latencies (drawn once per node from a
 * stream of its own), a table keyed by node name (or id) whose missing nodes
 * get `default` (0 unless the table says), or a Lua function of a node view
 * {id, name, degree, x, y, cell} called once per node at setup. The model
 * turns it into one value per node with sim_node_values() in its init.
 */
typedef enum sim_pernode_kind {
    SIM_PERNODE_NUMBER, SIM_PERNODE_DIST, SIM_PERNODE_TABLE, SIM_PERNODE_FUNCTION
} sim_pernode_kind;

typedef struct sim_pernode {
    sim_pernode_kind kind;
    double value;            /* NUMBER: the value; TABLE: the value of nodes not named */
    sim_dist dist;           /* DIST: the law */
    int ref;                 /* TABLE, FUNCTION: the loader's reference to the Lua value */
    uint64_t stream;         /* DIST: stream id of this key (from block.key) */
    double min, max;         /* the key's range, checked on every node's value */
    int min_open;            /* values must be > min (SIM_PF_MIN_OPEN) */
    const char *name;        /* "block.key", for messages */
    const char *file;        /* where it was given */
    int line;
} sim_pernode;

#define SIM_P_(k, ty, T, f, d, ds, lo, hi, ch, fl, h) \
    { .key = (k), .type = (ty), .offset = offsetof(T, f), .def = (d), .def_str = (ds), \
      .min = (lo), .max = (hi), .choices = (ch), .flags = (fl), .help = (h) }
/*
 * A nested table such as credit's `control = {target, gain, ...}`: its keys
 * are a parameter table of their own whose offsets are into the block's
 * config struct (the group itself stores nothing). In --set, --vary and
 * set{} a nested key is written block.group.key. Groups do not nest.
 */
#define SIM_PARAM_GROUP(k, fs, h) \
    { .key = (k), .type = SIM_PT_GROUP, .fields = (fs), .help = (h) }
#define SIM_PARAM_INT(k, T, f, d, lo, hi, fl, h)  SIM_P_(k, SIM_PT_INT, T, f, d, NULL, lo, hi, NULL, fl, h)
#define SIM_PARAM_NUM(k, T, f, d, lo, hi, fl, h)  SIM_P_(k, SIM_PT_NUM, T, f, d, NULL, lo, hi, NULL, fl, h)
#define SIM_PARAM_TIME(k, T, f, d, lo, hi, fl, h) SIM_P_(k, SIM_PT_TIME, T, f, d, NULL, lo, hi, NULL, fl, h)
#define SIM_PARAM_BOOL(k, T, f, d, fl, h)         SIM_P_(k, SIM_PT_BOOL, T, f, d, NULL, 0, 1, NULL, fl, h)
#define SIM_PARAM_ENUM(k, T, f, d, ch, fl, h)     SIM_P_(k, SIM_PT_ENUM, T, f, d, NULL, 0, 0, ch, fl, h)
#define SIM_PARAM_STR(k, T, f, ds, fl, h)         SIM_P_(k, SIM_PT_STR, T, f, 0, ds, 0, 0, NULL, fl, h)
#define SIM_PARAM_NODES(k, T, f, d, fl, h)        SIM_P_(k, SIM_PT_NODES, T, f, d, NULL, 0, 0, NULL, fl, h)
/* A law; its default is {dist = "constant", value = d}. */
#define SIM_PARAM_DIST(k, T, f, d, fl, h)         SIM_P_(k, SIM_PT_DIST, T, f, d, NULL, 0, 0, NULL, fl, h)
#define SIM_PARAM_INTLIST(k, T, f, lo, hi, fl, h) SIM_P_(k, SIM_PT_INTLIST, T, f, 0, NULL, lo, hi, NULL, fl, h)
#define SIM_PARAM_PERNODE(k, T, f, d, lo, hi, fl, h) SIM_P_(k, SIM_PT_PERNODE, T, f, d, NULL, lo, hi, NULL, fl, h)
#define SIM_PARAM_END { .key = NULL }

/*
 * One value per node of a per-node key (SIM_PT_PERNODE) into out[0 .. n-1],
 * from init: O(n), plus one Lua call per node for a function (about a
 * microsecond each). Every value is checked against the key's range;
 * SIM_EINPUT naming file:line, the key and the node otherwise.
 */
sim_err sim_node_values(sim_run *run, const sim_pernode *key, double *out) SIM_MUST_CHECK;

/* One draw of a law (not per_distance, which needs two ends) from g. */
double sim_dist_draw(gsl_rng *g, const sim_dist *d);

/* A list of distinct names (letters, digits, _; not starting with a digit), in the scenario's order. */
typedef struct sim_strlist {
    uint32_t count;
    const char *const *names;
} sim_strlist;

/*
 * A table keyed by name whose values are per-node keys: `supply = {food =
 * 10, water = {dist = ...}}`. Entries are sorted by name (Lua's table order
 * is not reproducible); each is a sim_pernode named "block.key.name" with
 * the key's range. Which names are valid is the model's to check.
 */
typedef struct sim_pernode_map {
    uint32_t count;
    const char *const *names;
    const sim_pernode *values;
} sim_pernode_map;

#define SIM_PARAM_STRLIST(k, T, f, fl, h)         SIM_P_(k, SIM_PT_STRLIST, T, f, 0, NULL, 0, 0, NULL, fl, h)
#define SIM_PARAM_PERNODE_MAP(k, T, f, lo, hi, fl, h) \
    SIM_P_(k, SIM_PT_PERNODE_MAP, T, f, 0, NULL, lo, hi, NULL, fl, h)

/* --- Plug-in models -------------------------------------------------------- */

/*
 * A model: one const struct with designated initializers, listed in
 * models/models.c. Callbacks take `void *state` and convert it on their first
 * line; no function-pointer casts. Optional callbacks may be NULL.
 */
#define SIM_OBSERVERS_MAX 4      /* models with an observe callback, per run */

typedef struct sim_model {
    const char *name;                 /* scenario block name, e.g. "gossip" */
    const char *help;                 /* one line for --help and doc */
    const sim_param *params;          /* block keys, SIM_PARAM_END-terminated */
    size_t cfg_size;                  /* bytes of the config struct the params fill */
    const char *const *columns;       /* CSV columns after "time", NULL-terminated */
    /*
     * Optional: a y-axis label with its unit for each column, in the same
     * order and NULL-terminated like columns ("informed nodes", "messages
     * carrying the rumor (cumulative)"); NULL means the column names are
     * used. Only plots read it.
     */
    const char *const *labels;
    const char *const *summary;       /* summary.csv columns, NULL-terminated */
    /*
     * 1: the model writes <name>.csv itself (a long format, through
     * sim_table); the core writes and plots no <name>.csv, and columns
     * serve sim.metric() and report() only.
     */
    int own_csv;
    /*
     * With own_csv, a long format the core can still draw: the key column
     * (flow's "resource") and the columns drawn, one panel each with one
     * line per key value (NULL-terminated). NULL: no figure.
     */
    const char *long_key;
    const char *const *long_plot;
    /*
     * Optional: the name of a table the model writes (sim_table_declare of
     * "<map>.csv") in the map format (sim_map_columns), which the core
     * draws as <map>.png: flow's "flow_map". NULL: no map.
     */
    const char *map;
    /* Cross-key checks after parsing; message without file:line (the loader adds it). */
    sim_err (*check)(const void *cfg, char *msg, size_t msg_len);
    /* Allocate SoA state; cfg stays valid (and may change by set{}) for the run. */
    sim_err (*init)(sim_run *run, const void *cfg, void **state);
    /* Handle one event addressed to ev->dst, which is up. Allocates nothing. */
    void (*event)(void *state, sim_run *run, const sim_event *ev);
    /* A node went down (up = 0) or came back (up = 1); called after the change. */
    void (*node_change)(void *state, sim_run *run, uint32_t node, int up);
    /*
     * Optional: a message of another model was admitted at ev->dst (up,
     * not blocked, not cut off), just before that model handles it: the
     * outputs the immune model watches, without reading their payload's
     * meaning. Allocates nothing; may send. At most SIM_OBSERVERS_MAX
     * observing models per run.
     */
    void (*observe)(void *state, sim_run *run, const sim_event *ev);
    /*
     * Optional: make what sample() and summarize() read global, from this
     * rank's own counters (sim_reduce_sum): called on every rank, before
     * each sample and before the summary. A model without it runs on one
     * rank only (issue 19: the others will follow).
     */
    void (*reduce)(void *state, sim_run *run);
    /*
     * A network-wide phase (sim_phase_every): `when` says periodic or the
     * end. Runs with the node events of its instant still pending. May be NULL.
     */
    sim_err (*phase)(void *state, sim_run *run, sim_phase when);
    /*
     * Optional: set{} has just changed one or more live keys of this block
     * (the new values are in cfg already). Lets a model close what it
     * integrates over the old value, e.g. credit's decay over lambda.
     */
    void (*changed)(void *state, sim_run *run);
    /* Optional: a shock{} action (see sim_shock). */
    sim_err (*shock)(void *state, sim_run *run, const sim_shock *shock, unsigned *used);
    /*
     * Fill row[0 .. ncolumns-1] from counters kept up to date: O(1), or
     * O(n) when a column is a statistic of every node (a Gini), since
     * samples are few. Must not change what the model computes later:
     * sim.metric() in a callback calls it too.
     */
    void (*sample)(const void *state, const sim_run *run, double *row);
    /* Fill out[0 .. nsummary-1] at the end of the run. */
    void (*summarize)(const void *state, const sim_run *run, double *out);
    void (*destroy)(void *state);     /* NULL-safe */
    /* Bytes the state holds on the heap, for memory accounting (may be NULL: 0). */
    size_t (*bytes)(const void *state);
    /*
     * Before anything is built: an upper estimate of the state's heap bytes
     * for `nodes` nodes, and of the events it has pending at once (*events),
     * for the admission check. Saturate (sim_mul_sat), never wrap. May be
     * NULL: 16 bytes and 2 events per node.
     */
    uint64_t (*estimate)(const void *cfg, uint64_t nodes, uint64_t *events);
} sim_model;

/* a x b, or UINT64_MAX when it does not fit: for estimates that must not wrap. */
static inline uint64_t sim_mul_sat(uint64_t a, uint64_t b)
{
    uint64_t r;
    return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* a + b, or UINT64_MAX when it does not fit. */
static inline uint64_t sim_add_sat(uint64_t a, uint64_t b)
{
    uint64_t r;
    return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* The registry (models/models.c): NULL-terminated. */
extern const sim_model *const sim_models[];

#endif
