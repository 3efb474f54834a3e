/*
 * rng.c -- counter-based random streams (see rng.h for the idea).
 *
 * rng_at(key, ctr) = mix13(mix13(ctr ^ key) + key'), where mix13 is
 * Stafford's variant 13 of the MurmurHash3 64-bit finalizer and key' a
 * rotation of the key. Each round is a bijection of 64-bit words, so distinct
 * counters give distinct outputs within a stream. The gsl_rng adapter lets
 * every GSL distribution draw from a node's stream: the adapter holds the key
 * and a pointer to the node's counter, and rebinding it costs two stores.
 */
#include "rng.h"

#include <math.h>
#include <stddef.h>

#include <gsl/gsl_randist.h>

static uint64_t rng_mix13(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t rng_key(uint64_t seed, uint64_t stream)
{
    return rng_mix13(rng_mix13(seed + 0x9e3779b97f4a7c15ULL) ^ (stream * 0xd1b54a32d192ed03ULL));
}

uint64_t rng_at(uint64_t key, uint64_t ctr)
{
    uint64_t rot = (key << 32) | (key >> 32);
    return rng_mix13(rng_mix13(ctr ^ key) + rot);
}

typedef struct rng_state {
    uint64_t key;      /* stream key */
    uint64_t *ctr;     /* the bound counter (a node's, or own_ctr) */
    uint64_t own_ctr;  /* counter used after gsl_rng_set */
} rng_state;

static void rng_gsl_set(void *vstate, unsigned long seed)
{
    rng_state *st = vstate;
    st->key = rng_key(seed, 0);
    st->own_ctr = 0;
    st->ctr = &st->own_ctr;
}

static unsigned long rng_gsl_get(void *vstate)
{
    rng_state *st = vstate;
    return (unsigned long)(rng_at(st->key, (*st->ctr)++) >> 32);
}

static double rng_gsl_get_double(void *vstate)
{
    rng_state *st = vstate;
    return rng_unit(rng_at(st->key, (*st->ctr)++));
}

static const gsl_rng_type rng_counter_type = {
    "mycosim-counter", 0xffffffffUL, 0, sizeof(rng_state),
    rng_gsl_set, rng_gsl_get, rng_gsl_get_double
};

const gsl_rng_type *rng_gsl_counter = &rng_counter_type;

void rng_gsl_bind(gsl_rng *g, uint64_t key, uint64_t *ctr)
{
    rng_state *st = g->state;
    st->key = key;
    st->ctr = ctr;
}

double rng_dist(gsl_rng *g, const sim_dist *d)
{
    double x;
    switch (d->kind) {
    case SIM_DIST_UNIFORM:
        return gsl_ran_flat(g, d->a, d->b);
    case SIM_DIST_EXPONENTIAL:
        return gsl_ran_exponential(g, d->a);
    case SIM_DIST_NORMAL:
        do {
            x = d->a + gsl_ran_gaussian(g, d->b);
        } while (x <= 0.0);
        return x;
    case SIM_DIST_LOGNORMAL:
        return gsl_ran_lognormal(g, log(d->a), d->b);
    case SIM_DIST_PARETO:
        return gsl_ran_pareto(g, d->b, d->a);
    case SIM_DIST_CONSTANT:
    case SIM_DIST_PER_DISTANCE:
        break;
    }
    return d->a;
}
