/*
 * mcf_gen.h -- deterministic NETGEN-style min-cost flow instance generator
 * (random networks with few or many sources and sinks, transportation
 * problems, 8-neighbour grids). Same parameters and seed, same instance,
 * on any machine: the only randomness is a splitmix64 stream.
 */
#ifndef MYCOSIM_MCF_GEN_H
#define MYCOSIM_MCF_GEN_H

#include <stdint.h>

#include "mcf.h"

typedef enum mcf_gen_family {
    MCF_GEN_NETGEN,     /* sources -> transshipment chains -> sinks, plus random arcs */
    MCF_GEN_TRANSPORT,  /* bipartite: sources -> sinks only */
    MCF_GEN_GRID        /* w x h grid, arcs to the 8 neighbours, random sources/sinks */
} mcf_gen_family;

typedef struct mcf_gen_params {
    mcf_gen_family family;  /* instance family */
    uint32_t nodes;         /* number of nodes (grid: rounded to w x h) */
    uint32_t arcs_per_node; /* average out-degree (grid: ignored, 8) */
    uint32_t sources;       /* supply nodes (transport: ignored, nodes / 2) */
    uint32_t sinks;         /* demand nodes (transport: ignored, nodes - nodes / 2) */
    int64_t cost_min;       /* arc cost range, inclusive */
    int64_t cost_max;
    int64_t cap_min;        /* arc capacity range, inclusive */
    int64_t cap_max;
    int64_t demand_max;     /* each sink's demand is uniform in 1..demand_max */
    uint64_t seed;          /* stream seed */
} mcf_gen_params;

/* Parameters of the benchmark families (costs 1..10000, capacities 1..1000,
 * 8 arcs per node). family_name: "netgen-sqrt", "netgen-n16", "transport",
 * "grid". MCF_EINPUT for an unknown name. */
mcf_status mcf_gen_preset(const char *family_name, uint32_t nodes, uint64_t seed,
                          mcf_gen_params *out) MCF_MUST_CHECK;

/* Generate a feasible instance (a flow meeting all demands is built first
 * along a skeleton, and capacities are raised to carry it). *out is a new
 * problem owned by the caller. MCF_EINPUT on bad parameters, MCF_ENOMEM. */
mcf_status mcf_gen(const mcf_gen_params *prm, mcf_problem **out) MCF_MUST_CHECK;

/* splitmix64: advance *state and return the next 64-bit value. */
uint64_t mcf_gen_next(uint64_t *state);

/* Uniform integer in [lo, hi] from the stream (hi >= lo). */
int64_t mcf_gen_range(uint64_t *state, int64_t lo, int64_t hi);

#endif
