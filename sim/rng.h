/*
 * rng.h -- counter-based random streams, one per node, exposed as gsl_rng.
 *
 * A stream is a key (derived from the run seed and a stream id) and a 64-bit
 * counter; draw i of stream (key) is a keyed hash of i, so a node's stream
 * costs 8 bytes of state (its counter) instead of a 2.5 KB Mersenne
 * Twister, and draws never depend on how nodes are spread over ranks.
 * The hash is two rounds of a 64-bit finalizer (Stafford's mix13) with the
 * key injected between them, as in counter-based generators (Salmon et al.,
 * "Parallel random numbers: as easy as 1, 2, 3", SC 2011).
 */
#ifndef MYCOSIM_RNG_H
#define MYCOSIM_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "sim.h"

/* Stream ids above every node id, for run-level draws. */
#define RNG_STREAM_RUN   ((uint64_t)1 << 40)   /* timeline actions */
#define RNG_STREAM_LUA   (RNG_STREAM_RUN + 1)  /* math.random in scenarios */
#define RNG_STREAM_TOPO  (RNG_STREAM_RUN + 2)  /* seed handed to igraph */
#define RNG_STREAM_KEYS  (RNG_STREAM_RUN + 16) /* + 32-bit hash of block.key: per-node laws */
#define RNG_STREAM_PRIVATE ((uint64_t)1 << 62)  /* | salt << 32 | node: sim_unit_private */

/* The key of stream id under seed. */
uint64_t rng_key(uint64_t seed, uint64_t stream);

/* Draw number ctr of the stream with this key: a pure function. */
uint64_t rng_at(uint64_t key, uint64_t ctr);

/* A uniform double in [0, 1) from 53 bits of x. */
static inline double rng_unit(uint64_t x)
{
    return (double)(x >> 11) * (1.0 / 9007199254740992.0);
}

/* The gsl_rng type whose draws come from a bound (key, counter). */
extern const gsl_rng_type *rng_gsl_counter;

/* Point g (of type rng_gsl_counter) at a stream; draws advance *ctr. */
void rng_gsl_bind(gsl_rng *g, uint64_t key, uint64_t *ctr);

/*
 * One draw of a law from g: constant, uniform, exponential, normal
 * (truncated at 0 by redrawing: mean > 0), lognormal, pareto. Not for
 * per_distance, which needs the two ends (the caller's).
 */
double rng_dist(gsl_rng *g, const sim_dist *d);

#endif
