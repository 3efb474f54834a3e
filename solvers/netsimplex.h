/*
 * netsimplex.h -- network simplex for min-cost flow (int64 data): primal,
 * with a dual repair for warm starts.
 *
 * Usage, GSL style (INITIALIZE / ITERATE / TEST) or in one call:
 *
 *     ns *w = ns_alloc(p->n, p->m);          workspace sized once
 *     ns_load(w, p);                         copy a problem in (cold start)
 *     mcf_status st = ns_solve(w);           OPTIMAL, INFEASIBLE or UNBOUNDED
 *     ns_flow(w, e); ns_potential(w, v); ns_total_cost(w, &c);
 *     ns_set_supply(w, v, s); ns_set_cost(w, e, c);   then ns_solve again:
 *                                            warm start from the last tree
 *                                            (supply-only changes: dual pivots)
 *     ns_free(w);
 *
 * The pivot loop allocates nothing. Potentials pi satisfy, at optimum,
 * reduced cost rc(e) = cost(e) + pi(tail) - pi(head) >= 0 where
 * flow < cap and <= 0 where flow > lower (complementary slackness).
 * See netsimplex.c and doc/solvers.md for the algorithm.
 */
#ifndef MYCOSIM_NETSIMPLEX_H
#define MYCOSIM_NETSIMPLEX_H

#include <stdint.h>

#include "mcf.h"

typedef struct ns ns;

/* A workspace for problems of at most n nodes and m arcs; NULL on ENOMEM. */
ns *ns_alloc(uint32_t n, uint32_t m);

/* Free a workspace; NULL is a no-op. */
void ns_free(ns *w);

/* Copy problem p (p->n, p->m within the workspace size) into w and forget any
 * previous tree (the next solve is cold); O(n + m). MCF_EINPUT on bad indices
 * or lower > cap, MCF_ERANGE if a value is past MCF_VALUE_MAX or the flow total
 * past MCF_TOTAL_MAX (mcf_problem_check: then every pivot is exact in int64). */
mcf_status ns_load(ns *w, const mcf_problem *p) MCF_MUST_CHECK;

/* Change one node's supply (keeps the tree: the next solve is warm, and as
 * reduced costs do not change it repairs the tree by dual pivots). MCF_ERANGE,
 * with nothing changed, past MCF_VALUE_MAX or if the flow total would pass
 * MCF_TOTAL_MAX. */
mcf_status ns_set_supply(ns *w, uint32_t v, int64_t supply) MCF_MUST_CHECK;

/* Change one arc's cost (keeps the tree: the next solve is warm; a tree arc,
 * or a nontree arc whose reduced cost changes sign, makes it a primal one).
 * O(degree of the arc's ends), to update the dual repair's adjacency. */
mcf_status ns_set_cost(ns *w, uint32_t e, int64_t cost) MCF_MUST_CHECK;

/* Change one arc's upper bound (keeps the tree: the next solve is warm; an
 * infinite bound on an arc at its upper bound makes it a primal one).
 * MCF_ERANGE, with nothing changed, as for ns_set_supply. */
mcf_status ns_set_capacity(ns *w, uint32_t e, int64_t cap) MCF_MUST_CHECK;

/* Forget the tree: the next solve starts from the artificial star (cold). */
void ns_reset(ns *w);

/* INITIALIZE: build a feasible tree (cold star, strongly feasible; or the
 * last tree repaired, made strongly feasible if its pivots run long). When
 * the last optimal tree is still dual feasible (changes to supplies, finite
 * capacities, signs kept), the repair is by dual pivots and ends at an
 * optimal tree (the first ns_iterate returns MCF_OPTIMAL) or with
 * MCF_INFEASIBLE, proved. On graphs of 2048 nodes or more, a supply change
 * of over 1/40 of the total supply, or dual pivots that cascade or scan wide
 * cuts, use the primal repair instead (soft artificial costs: only the
 * cut-off subtrees move). MCF_ERANGE if big M overflows. */
mcf_status ns_init(ns *w) MCF_MUST_CHECK;

/* ITERATE: one pivot. MCF_CONTINUE after a pivot, MCF_OPTIMAL when no arc
 * prices out (go to ns_test), MCF_UNBOUNDED on an infinite negative cycle,
 * MCF_INFEASIBLE if ns_init proved infeasibility. */
mcf_status ns_iterate(ns *w) MCF_MUST_CHECK;

/* TEST: after ns_iterate returned MCF_OPTIMAL, MCF_OPTIMAL if the flow is
 * feasible for the real arcs, MCF_INFEASIBLE if artificial flow remains (or
 * ns_init proved infeasibility). */
mcf_status ns_test(const ns *w) MCF_MUST_CHECK;

/* ns_init, ns_iterate until done, ns_test. */
mcf_status ns_solve(ns *w) MCF_MUST_CHECK;

/* Flow on arc e (lower bound included) after a solve. */
int64_t ns_flow(const ns *w, uint32_t e);

/* Potential (dual) of node v after a solve; see the header comment for the sign. */
int64_t ns_potential(const ns *w, uint32_t v);

/* Total cost sum cost*flow (lower bounds included) into *cost, summed exactly
 * in 128-bit arithmetic: MCF_ERANGE (and *cost untouched) only when the total
 * itself is outside int64. O(m). */
mcf_status ns_total_cost(const ns *w, int64_t *cost) MCF_MUST_CHECK;

/* The same total rounded to double, for messages when ns_total_cost says
 * MCF_ERANGE. O(m). */
double ns_total_cost_approx(const ns *w);

/* Pivots done by the last solve (degenerate and dual repair ones included). */
uint64_t ns_pivots(const ns *w);

/* Pivots a warm primal repair may make from a tree that is not strongly
 * feasible before it makes it so (-1 = default, n; 0 = from the start; see
 * netsimplex.c). A tuning and testing knob: any value gives the same optimum. */
void ns_set_weak_pivots(ns *w, int64_t pivots);

/* Pricing block size in arcs, for every later solve (0 = default:
 * ceil(sqrt(m)) but at least 10; half that in a cold solve on a graph of
 * large diameter, 4 times that in a warm primal repair). A tuning and
 * testing knob: any value gives the same optimum. */
void ns_set_block_size(ns *w, uint32_t block);

#endif
