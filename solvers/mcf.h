/*
 * mcf.h -- shared vocabulary of the min-cost flow solvers: the status enum,
 * the "infinite capacity" sentinel and the problem container.
 *
 * A problem is n nodes and m arcs in structure-of-arrays form with 32-bit
 * node/arc indices and int64 data. Node v has supply[v] (positive: it
 * sends, negative: it receives); arc e goes tail[e] -> head[e] with
 * lower[e] <= flow[e] <= cap[e] and unit cost cost[e]. The problem is to
 * minimise sum cost[e] * flow[e] subject to, for every node,
 * (flow out) - (flow in) = supply[v]. cap[e] == MCF_INF means uncapacitated.
 *
 * Every solver in solvers/ (network simplex, GLPK oracle, clearing, DIMACS
 * I/O, generator) speaks this struct and this enum, and nothing from sim/.
 */
#ifndef MYCOSIM_MCF_H
#define MYCOSIM_MCF_H

#include <stdint.h>

#if defined(__GNUC__)
#define MCF_MUST_CHECK __attribute__((warn_unused_result))
#else
#define MCF_MUST_CHECK
#endif

/* Capacity sentinel for an uncapacitated arc. */
#define MCF_INF INT64_MAX

/* Largest |value| of a cost, lower bound, finite capacity or supply (2^52):
 * big M = (max |cost| + 1)(n + 1) and the potentials, sums of up to n costs,
 * then stay far inside int64 (netsimplex.c). */
#define MCF_VALUE_MAX (INT64_C(1) << 52)

/* Largest flow total of a problem (2^61): sum over nodes of |supply| plus,
 * over arcs, 2 |lower| + (cap - lower) for a finite cap, 2 |lower| for an
 * infinite one. Every flow of every basis the network simplex visits is at
 * most this total, so flow + change < 2^62 never overflows. */
#define MCF_TOTAL_MAX (INT64_C(1) << 61)

/* Nodes and arcs the DIMACS reader accepts (documented in dimacs.h). */
#define MCF_NODES_MAX (UINT32_C(1) << 24)
#define MCF_ARCS_MAX (UINT32_C(1) << 30)

typedef enum mcf_status {
    MCF_OPTIMAL = 0,    /* solved: flows and potentials are valid */
    MCF_INFEASIBLE,     /* no flow meets the supplies and the bounds */
    MCF_UNBOUNDED,      /* a negative-cost cycle of infinite capacity exists */
    MCF_CONTINUE,       /* progress code of ns_iterate: pivot done, not an error */
    MCF_EINPUT,         /* bad arguments or malformed data */
    MCF_ENOMEM,         /* allocation failed */
    MCF_ERANGE,         /* data too large for exact int64 arithmetic */
    MCF_ESOLVER,        /* an external solver (GLPK) failed */
    MCF_EIO             /* a file could not be read or written */
} mcf_status;

typedef struct mcf_problem {
    uint32_t n;         /* nodes, indexed 0..n-1 */
    uint32_t m;         /* arcs, indexed 0..m-1 */
    uint32_t *tail;     /* [m] source node of each arc */
    uint32_t *head;     /* [m] target node of each arc */
    int64_t *lower;     /* [m] lower bound on flow */
    int64_t *cap;       /* [m] upper bound on flow, MCF_INF for none */
    int64_t *cost;      /* [m] cost per unit of flow */
    int64_t *supply;    /* [n] supply (> 0) or demand (< 0) of each node */
} mcf_problem;

/* A zeroed problem with arrays for n nodes and m arcs (lower 0, cap 0); NULL on ENOMEM. */
mcf_problem *mcf_problem_new(uint32_t n, uint32_t m);

/* Free a problem and its arrays; NULL is a no-op. */
void mcf_problem_free(mcf_problem *p);

/* A static English name for a status ("optimal", "infeasible", ...). */
const char *mcf_status_name(mcf_status s);

/* One arc's share of the flow total (MCF_TOTAL_MAX), for lower <= cap within
 * MCF_VALUE_MAX (or cap == MCF_INF); at most 2^54, so never overflows. */
int64_t mcf_arc_total(int64_t lower, int64_t cap);

/* Check every value of p against MCF_VALUE_MAX and the flow total against
 * MCF_TOTAL_MAX, with checked arithmetic: MCF_OPTIMAL and the total in *total
 * (may be NULL), MCF_EINPUT for an index out of range or lower > cap,
 * MCF_ERANGE for a value or total too large. O(n + m). */
mcf_status mcf_problem_check(const mcf_problem *p, int64_t *total) MCF_MUST_CHECK;

/* Check a flow against conservation and bounds; MCF_OPTIMAL if it is feasible,
 * MCF_INFEASIBLE otherwise, and its cost into *cost (MCF_ERANGE if the cost or
 * a node's balance overflows int64; *cost is then meaningless). */
mcf_status mcf_check_flow(const mcf_problem *p, const int64_t *flow, int64_t *cost) MCF_MUST_CHECK;

#endif
