/*
 * mcf_glpk.h -- GLPK as the reference oracle for min-cost flow: the
 * out-of-kilter algorithm (glp_mincost_okalg) and the general LP simplex on
 * the min-cost flow LP (glp_mincost_lp + glp_simplex). Used by tests and
 * benchmarks to check the network simplex; never on a hot path.
 */
#ifndef MYCOSIM_MCF_GLPK_H
#define MYCOSIM_MCF_GLPK_H

#include <stdint.h>

#include "mcf.h"

/* Solve p with glp_mincost_okalg. MCF_OPTIMAL with the cost in *cost;
 * MCF_INFEASIBLE; MCF_ERANGE when GLPK reports overflow, the data are not
 * exact in double or the optimum is 2^53 or more in magnitude; MCF_ESOLVER on any other GLPK failure (including a GLPK
 * fatal error caught by our hook). okalg needs finite capacities:
 * MCF_EINPUT if some cap is MCF_INF. */
mcf_status mcf_glpk_okalg(const mcf_problem *p, int64_t *cost) MCF_MUST_CHECK;

/* The same, and the optimal flow of every arc into flow[0 .. m-1] (may be NULL). */
mcf_status mcf_glpk_okalg_flows(const mcf_problem *p, int64_t *cost, int64_t *flow) MCF_MUST_CHECK;

/* Solve p as an LP with glp_mincost_lp and the primal simplex. MCF_OPTIMAL with
 * the cost in *cost (rounded; exact for integer data below 2^53),
 * MCF_INFEASIBLE, MCF_UNBOUNDED, MCF_ESOLVER; MCF_ERANGE as for okalg. */
mcf_status mcf_glpk_lp(const mcf_problem *p, int64_t *cost) MCF_MUST_CHECK;

/* Maximum total obligation cancelled around cycles (see clearing.h), as the LP
 * max sum c(e), 0 <= c(e) <= amount(e), conservation at every node, solved by
 * glp_simplex on rows and columns built directly; MCF_ERANGE as for okalg. */
mcf_status mcf_glpk_clearing_lp(uint32_t n, uint32_t m, const uint32_t *debtor,
                                const uint32_t *creditor, const int64_t *amount,
                                int64_t *cleared) MCF_MUST_CHECK;

#endif
