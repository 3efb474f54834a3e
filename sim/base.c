/*
 * base.c -- the bottom of the core: errors, assertions, time conversion and
 * the per-node random streams, as sim.h declares them.
 *
 * Every other file of the core and every model calls these; they call
 * nothing of the core but rng.c. They used to live in run.c, which made each
 * file that reported an error or converted a time call up into the file that
 * calls it (net.c -> run.c -> net.c): now the calls run from main down to
 * here and never back up (scripts/layers.sh checks it on the objects).
 *
 * sim_fail is the one place an error is raised: it formats the reason into
 * the run's errmsg[256] and returns the code, so it is the breakpoint for any
 * failure (GSL's gsl_error rule); only main.c prints. SIM_ASSERT is for bugs
 * only and always compiled in: sim_assert_fail prints file:line and aborts.
 *
 * Time is integer nanoseconds; seconds appear only at the Lua and CSV edges.
 * sim_time_from_s rounds to the nearest nanosecond and saturates at
 * +-SIM_DELAY_CLAMP (NaN too: a delay that never ends).
 *
 * Streams: node v's stream has key rng_key(seed, v) and its counter in the
 * node's 16-byte record; sim_rng binds the run's one gsl_rng adapter to it,
 * so a draw costs no allocation and no state beyond the counter (rng.h).
 * The names keep the sim_ prefix of the model-facing API (STYLE, section 6).
 */
#include "sim.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "rng.h"
#include "run.h"

/* --- Time ---------------------------------------------------------------- */

sim_time sim_time_from_s(double seconds)
{
    double ns = seconds * (double)SIM_NS_PER_S;
    if (!(ns < (double)SIM_DELAY_CLAMP)) {
        return SIM_DELAY_CLAMP;          /* also NaN: a delay that never ends */
    }
    if (ns < -(double)SIM_DELAY_CLAMP) {
        return -SIM_DELAY_CLAMP;
    }
    return (sim_time)llround(ns);
}

double sim_time_to_s(sim_time t)
{
    return (double)t / (double)SIM_NS_PER_S;
}

/* --- Errors -------------------------------------------------------------- */

void sim_assert_fail(const char *file, int line, const char *expr)
{
    fprintf(stderr, "mycosim: internal error at %s:%d: assertion '%s' failed\n", file, line, expr);
    abort();
}

sim_err sim_fail(sim_run *run, sim_err code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->errmsg, sizeof run->errmsg, fmt, ap);
    va_end(ap);
    return code;
}

/* --- Streams ------------------------------------------------------------- */

gsl_rng *sim_rng(sim_run *run, uint32_t node)
{
    rng_gsl_bind(run->rng, rng_key(run->seed, node), &run->node[node].rng_ctr);
    return run->rng;
}

uint64_t sim_node_hash(const sim_run *run, uint32_t node, uint64_t salt)
{
    return rng_at(rng_key(run->seed, node), ~salt);
}
