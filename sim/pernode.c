/*
 * pernode.c -- per-node values of model keys (sim_node_values).
 *
 * A key documented as per-node (SIM_PT_PERNODE) is resolved once, at setup,
 * into one double per node, in the model's own array:
 *   - a number: every node gets it;
 *   - a law (the latency laws' tables): node v draws from its own slice of
 *     the key's stream, counters v * 2^32 onward, so a value depends on the
 *     seed, the key and the node only - not on other keys, the order of
 *     evaluation or the rank that owns the node;
 *   - a table keyed by name or id, or a Lua function of the node view: the
 *     loader evaluates it (scen_node_values), one bounded call per node.
 * Every value is then checked against the key's range, so a model never
 * sees a value its parameter table would have refused. O(n) time, no memory
 * beyond the caller's array.
 */
#include "run.h"
#include "rng.h"

#include <math.h>

/* Draw every node's value of a law from the key's stream. */
static void pernode_draw(sim_run *run, const sim_pernode *key, double *out)
{
    uint64_t k = rng_key(run->seed, key->stream);
    for (uint32_t v = 0; v < run->n; v++) {
        uint64_t ctr = (uint64_t)v << 32;
        rng_gsl_bind(run->rng, k, &ctr);
        out[v] = rng_dist(run->rng, &key->dist);
    }
}

/* The first node whose value is outside the key's range, or SIM_NONE. */
static uint32_t pernode_out_of_range(const sim_run *run, const sim_pernode *key, const double *out)
{
    for (uint32_t v = 0; v < run->n; v++) {
        if (!(out[v] >= key->min && out[v] <= key->max) || (key->min_open && out[v] == key->min)) {
            return v;
        }
    }
    return SIM_NONE;
}

sim_err sim_node_values(sim_run *run, const sim_pernode *key, double *out)
{
    char msg[200];
    switch (key->kind) {
    case SIM_PERNODE_NUMBER:
        for (uint32_t v = 0; v < run->n; v++) {
            out[v] = key->value;
        }
        break;
    case SIM_PERNODE_DIST:
        pernode_draw(run, key, out);
        break;
    case SIM_PERNODE_TABLE:
    case SIM_PERNODE_FUNCTION:
        if (run->scen == NULL) {
            return sim_fail(run, SIM_EINTERNAL, "%s: no loader to evaluate it", key->name);
        }
        if (scen_node_values(run->scen, key, &run->g, out, msg, sizeof msg) != SIM_OK) {
            return sim_fail(run, SIM_EINPUT, "%s", msg);
        }
        break;
    }
    uint32_t bad = pernode_out_of_range(run, key, out);
    if (bad != SIM_NONE) {
        const char *name = topo_name(&run->g, bad);
        return sim_fail(run, SIM_EINPUT, "%s:%d: %s: node %u%s%s%s has %g, expected a value "
                        "in %s%g, %g]", key->file, key->line, key->name, bad, name ? " (" : "",
                        name ? name : "", name ? ")" : "", out[bad], key->min_open ? "(" : "[",
                        key->min, key->max);
    }
    return SIM_OK;
}

double sim_dist_draw(gsl_rng *g, const sim_dist *d)
{
    return rng_dist(g, d);
}
