/*
 * fuzz_dimacs.c -- the DIMACS min-cost flow reader, with a differential oracle.
 *
 * The input is read by dimacs_read() from memory. A malformed file must fail
 * with a message and allocate nothing. A file that parses and is small (at
 * most FUZZ_DIMACS_MAX nodes and arcs) is solved by the network simplex, and
 * then:
 *   - an optimal flow must pass mcf_check_flow() at the reported cost, and
 *     the potentials must certify it (complementary slackness);
 *   - GLPK's okalg (finite capacities only) and LP simplex must agree on the
 *     status and, when all are optimal, on the cost. The one documented
 *     difference is accepted: infeasible with a negative cycle of infinite
 *     capacity is "unbounded" for the simplex and "infeasible" for GLPK. The
 *     floating-point LP is compared only while every number, and the largest
 *     possible cost, stays well inside the doubles' exact integers.
 * Any disagreement aborts (a finding).
 */
#include "fuzz.h"

#include <inttypes.h>

#include "dimacs.h"
#include "mcf.h"
#include "mcf_glpk.h"
#include "netsimplex.h"

#define FUZZ_DIMACS_MAX 200

static int fuzz_dimacs_definitive(mcf_status st)
{
    return st == MCF_OPTIMAL || st == MCF_INFEASIBLE || st == MCF_UNBOUNDED;
}

/* |v| as a double (MCF_INF counts as 0: it bounds nothing). */
static double fuzz_dimacs_abs(int64_t v)
{
    return v == MCF_INF ? 0.0 : v < 0 ? -(double)v : (double)v;
}

/* 1 if the LP simplex is a fair oracle for p: small numbers, small total cost. */
static int fuzz_dimacs_lp_fair(const mcf_problem *p)
{
    double flow = 0.0, cost = 0.0;
    for (uint32_t v = 0; v < p->n; v++) {
        flow += fuzz_dimacs_abs(p->supply[v]);
        if (fuzz_dimacs_abs(p->supply[v]) > 0x1p31) {
            return 0;
        }
    }
    for (uint32_t e = 0; e < p->m; e++) {
        if (fuzz_dimacs_abs(p->lower[e]) > 0x1p31 || fuzz_dimacs_abs(p->cap[e]) > 0x1p31
            || fuzz_dimacs_abs(p->cost[e]) > 0x1p31) {
            return 0;
        }
        flow += fuzz_dimacs_abs(p->lower[e]) + fuzz_dimacs_abs(p->cap[e]);
        cost += fuzz_dimacs_abs(p->cost[e]);
    }
    return flow * cost < 0x1p50;
}

/* Flow feasible at the reported cost, and optimal by its potentials. */
static void fuzz_dimacs_check_optimum(const ns *w, const mcf_problem *p, int64_t cost)
{
    int64_t *flow = malloc((p->m ? p->m : 1) * sizeof *flow);
    int64_t checked = 0;
    if (flow == NULL) {
        abort();
    }
    for (uint32_t e = 0; e < p->m; e++) {
        flow[e] = ns_flow(w, e);
    }
    mcf_status st = mcf_check_flow(p, flow, &checked);
    if (st != MCF_OPTIMAL || checked != cost) {
        FUZZ_FAIL("simplex optimum: check_flow %s, cost %" PRId64 " vs reported %" PRId64,
                  mcf_status_name(st), checked, cost);
    }
    for (uint32_t e = 0; e < p->m; e++) {
        int64_t rc;
        if (p->tail[e] == p->head[e]) {
            rc = p->cost[e];
        } else if (__builtin_add_overflow(p->cost[e], ns_potential(w, p->tail[e]), &rc)
                   || __builtin_sub_overflow(rc, ns_potential(w, p->head[e]), &rc)) {
            continue;       /* potentials near the int64 edge: no certificate here */
        }
        if ((rc < 0 && flow[e] < p->cap[e]) || (rc > 0 && flow[e] > p->lower[e])) {
            FUZZ_FAIL("simplex optimum: arc %" PRIu32 " (%" PRIu32 "->%" PRIu32 ") reduced cost %"
                      PRId64 " with flow %" PRId64 " in [%" PRId64 ", %" PRId64 "]", e,
                      p->tail[e] + 1, p->head[e] + 1, rc, flow[e], p->lower[e], p->cap[e]);
        }
    }
    free(flow);
}

/* Compare the simplex (status ours, cost c) with one GLPK oracle. */
static void fuzz_dimacs_compare(const char *who, mcf_status ours, int64_t c, mcf_status theirs,
                                int64_t tc)
{
    if (!fuzz_dimacs_definitive(theirs)) {
        return;
    }
    if (ours == MCF_UNBOUNDED && theirs == MCF_INFEASIBLE) {
        return;     /* the documented difference (see the header comment) */
    }
    if (ours != theirs) {
        FUZZ_FAIL("status: simplex %s, %s %s", mcf_status_name(ours), who, mcf_status_name(theirs));
    }
    if (ours == MCF_OPTIMAL && c != tc) {
        FUZZ_FAIL("cost: simplex %" PRId64 ", %s %" PRId64, c, who, tc);
    }
}

static void fuzz_dimacs_solve(const mcf_problem *p)
{
    ns *w = ns_alloc(p->n, p->m);
    int64_t cost = 0;
    if (w == NULL) {
        FUZZ_FAIL("ns_alloc(%" PRIu32 ", %" PRIu32 ") failed", p->n, p->m);
    }
    mcf_status st = ns_load(w, p);
    if (st == MCF_OPTIMAL) {
        st = ns_solve(w);
    }
    if (st == MCF_OPTIMAL) {
        st = ns_total_cost(w, &cost);
        if (st == MCF_OPTIMAL) {
            fuzz_dimacs_check_optimum(w, p, cost);
        }
    }
    if (fuzz_dimacs_definitive(st)) {
        int finite = 1;
        for (uint32_t e = 0; e < p->m; e++) {
            finite &= p->cap[e] != MCF_INF;
        }
        if (finite) {
            int64_t ok = 0;
            mcf_status so = mcf_glpk_okalg(p, &ok);
            fuzz_dimacs_compare("okalg", st, cost, so, ok);
        }
        if (fuzz_dimacs_lp_fair(p)) {
            int64_t lp = 0;
            mcf_status sl = mcf_glpk_lp(p, &lp);
            fuzz_dimacs_compare("glpk lp", st, cost, sl, lp);
        }
    }
    ns_free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    char err[512];
    mcf_problem *p = NULL;
    if (buf == NULL) {
        abort();
    }
    memcpy(buf, data, size);
    buf[size] = '\0';
    /* An empty file is /dev/null: fmemopen wants at least one byte. */
    FILE *f = size > 0 ? fmemopen(buf, size, "r") : fopen("/dev/null", "r");
    if (f == NULL) {
        abort();
    }
    memset(err, 0x55, sizeof err);
    mcf_status st = dimacs_read(f, "fuzz.min", &p, err, sizeof err);
    fclose(f);
    if (st == MCF_OPTIMAL) {
        if (p == NULL) {
            FUZZ_FAIL("dimacs_read: optimal without a problem");
        }
        if (p->n <= FUZZ_DIMACS_MAX && p->m <= FUZZ_DIMACS_MAX) {
            fuzz_dimacs_solve(p);
        }
        mcf_problem_free(p);
    } else if (p != NULL || strnlen(err, sizeof err) == 0 || strnlen(err, sizeof err) == sizeof err) {
        FUZZ_FAIL("dimacs_read: %s with a problem or without a message", mcf_status_name(st));
    } else {
        fuzz_note("dimacs_read", err);
    }
    free(buf);
    return 0;
}
