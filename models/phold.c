/*
 * phold.c -- PHOLD, the standard benchmark of parallel discrete-event
 * simulators (Fujimoto 1990), with the semantics of ROSS's phold model so
 * figures compare one to one.
 *
 * Every node starts with `population` events addressed to itself. Handling
 * an event draws a uniform number; with probability `remote` the next event
 * goes to a uniformly random node (any node, itself included), otherwise to
 * the node itself. Every delay is lookahead + Exp(mean - lookahead), so
 * `mean` is the mean delay and, with the defaults (mean = lookahead = 1),
 * every delay is exactly 1. Each handled event sends exactly one, so the
 * number of pending events never changes: population x nodes.
 *
 * Draws per event, from the handling node's stream: one uniform, one more
 * for the destination when remote, one exponential when mean > lookahead.
 * O(1) per event, no per-node state beyond the core's.
 */
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim.h"

typedef struct phold_cfg {
    int64_t population;      /* events per node at start */
    double remote;           /* probability that an event goes to a random node */
    sim_time mean;           /* mean delay, ns */
    sim_time lookahead;      /* minimum delay, ns */
} phold_cfg;

typedef struct phold_state {
    const phold_cfg *cfg;
    uint64_t handled;        /* events handled (by this rank's nodes) */
    uint64_t remote;         /* events sent to a random node */
    int64_t delay_sum_ns;    /* sum of the delays drawn, ns: an integer, so any rank count sums it exactly */
    int64_t total[3];        /* handled, remote, delay_sum_ns over all ranks (phold_reduce) */
} phold_state;

enum { PHOLD_EVENT };

static const sim_param phold_params[] = {
    SIM_PARAM_INT("population", phold_cfg, population, 1, 1, 1000000, 0,
                  "events per node at start (pending events never change)"),
    SIM_PARAM_NUM("remote", phold_cfg, remote, 0.25, 0, 1, 0,
                  "probability that an event goes to a uniformly random node"),
    SIM_PARAM_TIME("mean", phold_cfg, mean, 1.0, 0, 1e9, SIM_PF_MIN_OPEN,
                   "mean delay in seconds: lookahead + Exp(mean - lookahead)"),
    SIM_PARAM_TIME("lookahead", phold_cfg, lookahead, 1.0, 0, 1e9, SIM_PF_MIN_OPEN,
                   "minimum delay in seconds (<= mean)"),
    SIM_PARAM_END
};

static const char *const phold_columns[] = { "handled", "remote", NULL };
static const char *const phold_labels[] = {
    "events handled (cumulative)", "events sent to a random node (cumulative)", NULL
};
static const char *const phold_summary[] = { "remote_fraction", "mean_delay", NULL };

static sim_err phold_check(const void *cfg, char *msg, size_t len)
{
    const phold_cfg *c = cfg;
    if (c->lookahead > c->mean) {
        snprintf(msg, len, "phold.lookahead: must be <= phold.mean (%g), got %g",
                 sim_time_to_s(c->mean), sim_time_to_s(c->lookahead));
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/* lookahead + Exp(mean - lookahead), from node v's stream. */
static sim_time phold_delay(phold_state *p, sim_run *run, uint32_t v)
{
    sim_time extra = p->cfg->mean - p->cfg->lookahead;
    sim_time d = p->cfg->lookahead;
    if (extra > 0) {
        d += sim_time_from_s(gsl_ran_exponential(sim_rng(run, v), sim_time_to_s(extra)));
    }
    p->delay_sum_ns += d;
    return d;
}

static sim_err phold_init(sim_run *run, const void *cfg, void **state)
{
    phold_state *p = calloc(1, sizeof *p);
    if (p == NULL) {
        return sim_fail(run, SIM_ENOMEM, "phold: out of memory");
    }
    p->cfg = cfg;
    uint32_t n = sim_nodes(run);
    for (uint32_t v = 0; v < n; v++) {
        for (int64_t i = 0; i < p->cfg->population; i++) {
            sim_post(run, v, v, phold_delay(p, run, v), PHOLD_EVENT, 0);
        }
    }
    p->delay_sum_ns = 0;     /* the statistics count handled events only */
    *state = p;
    sim_declare_lookahead(run, p->cfg->lookahead, "phold.lookahead");
    return SIM_OK;
}

static void phold_event(void *state, sim_run *run, const sim_event *ev)
{
    phold_state *p = state;
    uint32_t v = ev->dst, dst = v;
    gsl_rng *r = sim_rng(run, v);
    p->handled++;
    if (gsl_rng_uniform(r) < p->cfg->remote) {
        dst = (uint32_t)gsl_rng_uniform_int(r, sim_nodes(run));
        p->remote++;
    }
    sim_post(run, v, dst, phold_delay(p, run, v), PHOLD_EVENT, 0);
}

/* The counters of every rank's nodes, summed (on one rank, a copy). */
static void phold_reduce(void *state, sim_run *run)
{
    phold_state *p = state;
    p->total[0] = (int64_t)p->handled;
    p->total[1] = (int64_t)p->remote;
    p->total[2] = p->delay_sum_ns;
    sim_reduce_sum(run, p->total, 3);
}

static void phold_sample(const void *state, const sim_run *run, double *row)
{
    const phold_state *p = state;
    (void)run;
    row[0] = (double)p->total[0];
    row[1] = (double)p->total[1];
}

static void phold_summarize(const void *state, const sim_run *run, double *out)
{
    const phold_state *p = state;
    (void)run;
    double handled = (double)p->total[0];
    out[0] = handled > 0 ? (double)p->total[1] / handled : 0.0;
    out[1] = handled > 0 ? (double)p->total[2] / 1e9 / handled : 0.0;
}

static void phold_destroy(void *state)
{
    free(state);
}

static size_t phold_bytes(const void *state)
{
    (void)state;
    return sizeof(phold_state);
}

/* The queue holds population x nodes events from start to end. */
static uint64_t phold_estimate(const void *cfg, uint64_t nodes, uint64_t *events)
{
    const phold_cfg *c = cfg;
    *events = sim_mul_sat(nodes, (uint64_t)c->population);
    return sizeof(phold_state);
}

const sim_model phold_model = {
    .name = "phold",
    .help = "the PHOLD benchmark, as ROSS ships it",
    .params = phold_params,
    .cfg_size = sizeof(phold_cfg),
    .columns = phold_columns,
    .labels = phold_labels,
    .summary = phold_summary,
    .reduce = phold_reduce,
    .check = phold_check,
    .init = phold_init,
    .event = phold_event,
    .sample = phold_sample,
    .summarize = phold_summarize,
    .destroy = phold_destroy,
    .bytes = phold_bytes,
    .estimate = phold_estimate,
};
