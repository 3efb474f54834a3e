/*
 * clearing.c -- obligation clearing as a min-cost circulation.
 *
 * Formulation: one arc debtor -> creditor per obligation, lower bound 0,
 * capacity amount, cost -1; every supply 0. A circulation c cancels c(e) of
 * each debt; conservation means every node's incoming and outgoing
 * cancellations are equal, so its net position is unchanged. Minimising
 * sum(-c) maximises the debt cleared. All capacities are finite, so the
 * problem is never unbounded, and c = 0 is feasible, so it is never
 * infeasible. Each call is one network simplex solve (see netsimplex.c) on a
 * workspace allocated once by clear_alloc; O(m) set-up per call.
 */
#include "clearing.h"

#include <stdlib.h>

#include "netsimplex.h"

struct clear_ws {
    uint32_t max_n, max_m;  /* workspace size */
    mcf_problem *p;         /* the circulation problem, rebuilt each call */
    ns *solver;             /* network simplex workspace */
};

clear_ws *clear_alloc(uint32_t n, uint32_t m)
{
    clear_ws *w = calloc(1, sizeof *w);
    if (w == NULL) {
        return NULL;
    }
    w->max_n = n;
    w->max_m = m;
    w->p = mcf_problem_new(n, m);
    w->solver = ns_alloc(n, m);
    if (w->p == NULL || w->solver == NULL) {
        clear_free(w);
        return NULL;
    }
    return w;
}

void clear_free(clear_ws *w)
{
    if (w == NULL) {
        return;
    }
    mcf_problem_free(w->p);
    ns_free(w->solver);
    free(w);
}

mcf_status clear_run(clear_ws *w, uint32_t n, uint32_t m, const uint32_t *debtor,
                     const uint32_t *creditor, const int64_t *amount,
                     int64_t *remaining, int64_t *cleared)
{
    if (n > w->max_n || m > w->max_m) {
        return MCF_EINPUT;
    }
    mcf_problem *p = w->p;
    p->n = n;
    p->m = m;
    for (uint32_t v = 0; v < n; v++) {
        p->supply[v] = 0;
    }
    for (uint32_t e = 0; e < m; e++) {
        if (debtor[e] >= n || creditor[e] >= n || amount[e] < 0) {
            return MCF_EINPUT;
        }
        p->tail[e] = debtor[e];
        p->head[e] = creditor[e];
        p->lower[e] = 0;
        p->cap[e] = amount[e];
        p->cost[e] = -1;
    }
    mcf_status st = ns_load(w->solver, p);
    if (st != MCF_OPTIMAL) {
        return st;
    }
    st = ns_solve(w->solver);
    if (st != MCF_OPTIMAL) {
        return (st == MCF_INFEASIBLE || st == MCF_UNBOUNDED) ? MCF_ESOLVER : st;
    }
    /* ns_load accepted the amounts, so their sum (the flow total, all caps
     * here) is at most MCF_TOTAL_MAX = 2^61: neither sum can overflow. */
    int64_t total = 0;
    for (uint32_t e = 0; e < m; e++) {
        int64_t c = ns_flow(w->solver, e);
        remaining[e] = amount[e] - c;
        total += c;
    }
    *cleared = total;
    return MCF_OPTIMAL;
}
