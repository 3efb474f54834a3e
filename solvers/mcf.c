/*
 * mcf.c -- the min-cost flow problem container (allocation, status names),
 * the range check of its data (MCF_VALUE_MAX, MCF_TOTAL_MAX) and an
 * O(n + m) feasibility check of a flow used by tests and tools. Every sum
 * or product of caller data here is checked (__builtin_*_overflow).
 */
#include "mcf.h"

#include <stdlib.h>

mcf_problem *mcf_problem_new(uint32_t n, uint32_t m)
{
    mcf_problem *p = calloc(1, sizeof *p);
    if (p == NULL) {
        return NULL;
    }
    p->n = n;
    p->m = m;
    /* +1 so that zero-sized arrays still get a distinct non-NULL pointer. */
    p->tail = calloc((size_t)m + 1, sizeof *p->tail);
    p->head = calloc((size_t)m + 1, sizeof *p->head);
    p->lower = calloc((size_t)m + 1, sizeof *p->lower);
    p->cap = calloc((size_t)m + 1, sizeof *p->cap);
    p->cost = calloc((size_t)m + 1, sizeof *p->cost);
    p->supply = calloc((size_t)n + 1, sizeof *p->supply);
    if (p->tail == NULL || p->head == NULL || p->lower == NULL || p->cap == NULL
        || p->cost == NULL || p->supply == NULL) {
        mcf_problem_free(p);
        return NULL;
    }
    return p;
}

void mcf_problem_free(mcf_problem *p)
{
    if (p == NULL) {
        return;
    }
    free(p->tail);
    free(p->head);
    free(p->lower);
    free(p->cap);
    free(p->cost);
    free(p->supply);
    free(p);
}

const char *mcf_status_name(mcf_status s)
{
    switch (s) {
    case MCF_OPTIMAL: return "optimal";
    case MCF_INFEASIBLE: return "infeasible";
    case MCF_UNBOUNDED: return "unbounded";
    case MCF_CONTINUE: return "continue";
    case MCF_EINPUT: return "bad input";
    case MCF_ENOMEM: return "out of memory";
    case MCF_ERANGE: return "value out of int64 range";
    case MCF_ESOLVER: return "external solver failed";
    case MCF_EIO: return "I/O error";
    }
    return "unknown status";
}

int64_t mcf_arc_total(int64_t lower, int64_t cap)
{
    int64_t a = lower < 0 ? -lower : lower;
    return 2 * a + (cap == MCF_INF ? 0 : cap - lower);
}

mcf_status mcf_problem_check(const mcf_problem *p, int64_t *total)
{
    int64_t sum = 0;
    for (uint32_t e = 0; e < p->m; e++) {
        int64_t lo = p->lower[e], cap = p->cap[e], c = p->cost[e];
        if (p->tail[e] >= p->n || p->head[e] >= p->n || lo > cap) {
            return MCF_EINPUT;
        }
        if (c > MCF_VALUE_MAX || c < -MCF_VALUE_MAX || lo > MCF_VALUE_MAX || lo < -MCF_VALUE_MAX
            || (cap != MCF_INF && cap > MCF_VALUE_MAX)) {
            return MCF_ERANGE;
        }
        /* Each share is <= 2^54 and the running sum <= 2^61, so this cannot
         * overflow; the check keeps the argument local. */
        if (__builtin_add_overflow(sum, mcf_arc_total(lo, cap), &sum) || sum > MCF_TOTAL_MAX) {
            return MCF_ERANGE;
        }
    }
    for (uint32_t v = 0; v < p->n; v++) {
        int64_t s = p->supply[v];
        if (s > MCF_VALUE_MAX || s < -MCF_VALUE_MAX) {
            return MCF_ERANGE;
        }
        if (__builtin_add_overflow(sum, s < 0 ? -s : s, &sum) || sum > MCF_TOTAL_MAX) {
            return MCF_ERANGE;
        }
    }
    if (total != NULL) {
        *total = sum;
    }
    return MCF_OPTIMAL;
}

mcf_status mcf_check_flow(const mcf_problem *p, const int64_t *flow, int64_t *cost)
{
    mcf_status st = MCF_ENOMEM;
    int64_t total = 0;
    int64_t *bal = calloc((size_t)p->n + 1, sizeof *bal);
    if (bal == NULL) {
        return MCF_ENOMEM;
    }
    st = MCF_OPTIMAL;
    for (uint32_t e = 0; e < p->m; e++) {
        int64_t f = flow[e];
        int64_t fc;
        if (f < p->lower[e] || f > p->cap[e]) {
            st = MCF_INFEASIBLE;
        }
        /* Flows are caller data: any int64, so balances are checked too. */
        if (__builtin_add_overflow(bal[p->tail[e]], f, &bal[p->tail[e]])
            || __builtin_sub_overflow(bal[p->head[e]], f, &bal[p->head[e]])
            || __builtin_mul_overflow(f, p->cost[e], &fc)
            || __builtin_add_overflow(total, fc, &total)) {
            st = (st == MCF_OPTIMAL) ? MCF_ERANGE : st;
        }
    }
    for (uint32_t v = 0; v < p->n && st != MCF_ERANGE; v++) {
        if (bal[v] != p->supply[v]) {
            st = MCF_INFEASIBLE;     /* a wrapped balance proves nothing: ERANGE stays */
        }
    }
    free(bal);
    *cost = total;
    return st;
}
