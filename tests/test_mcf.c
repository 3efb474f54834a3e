/*
 * test_mcf.c -- the min-cost flow solvers: our network simplex agrees with
 * GLPK (okalg and the LP simplex) on generated NETGEN-style families and on
 * small random graphs with lower bounds, zero-cost cycles, parallel arcs,
 * self-loops and isolated nodes; its flows are feasible and its potentials
 * satisfy complementary slackness; infeasible and unbounded problems are
 * detected; warm starts match cold starts, and warm re-solves after supply
 * changes (the dual repair: feasible, infeasible and back, on generated
 * families and random graphs, with the hand-over to the primal repair on
 * larger graphs) match cold solves and GLPK, with their flows and duals
 * checked; costs near the big-M limit scale the optimum exactly; obligation
 * clearing is checked by hand and against an LP; every malformed DIMACS file
 * in tests/dimacs/bad gets its expected one-line error; `solve` prints cost
 * and flows; the default pricing block follows the graph (deep or not) and
 * the start (cold or warm). Range (issue 12): an optimum outside int64 is
 * refused, never wrapped, and one at the int64 limits is exact; the flow
 * total is held at 2^61 by load and by every warm change; the reader bounds
 * its lines and refuses devices and directories. All instances are seeded
 * (splitmix64); the suite takes a few seconds.
 */
#include <dirent.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clearing.h"
#include "dimacs.h"
#include "mcf.h"
#include "mcf_gen.h"
#include "mcf_glpk.h"
#include "netsimplex.h"
#include "test_util.h"

/* The generated benchmark families (mcf_gen_preset names). */
static const char *const test_mcf_fams[] = { "netgen-sqrt", "netgen-n16", "transport", "grid" };
enum { TEST_MCF_NFAMS = 4 };

/* Check a solved workspace against p: the flow meets conservation and the
 * bounds, its cost is the reported one, and the potentials satisfy
 * complementary slackness on every arc. The cost goes to *cost. */
static void test_mcf_check_solution(const ns *w, const mcf_problem *p, int64_t *cost)
{
    int64_t *flow = malloc(((size_t)p->m + 1) * sizeof *flow);
    CU_ASSERT_PTR_NOT_NULL_FATAL(flow);
    for (uint32_t e = 0; e < p->m; e++) {
        flow[e] = ns_flow(w, e);
    }
    int64_t c1 = 0, c2 = 0;
    CU_ASSERT_EQUAL(ns_total_cost(w, &c1), MCF_OPTIMAL);
    mcf_status fs = mcf_check_flow(p, flow, &c2);
    CHECK_MSG(fs == MCF_OPTIMAL, "flow is not feasible (%s)", mcf_status_name(fs));
    CHECK_MSG(c1 == c2, "reported cost %" PRId64 ", flow costs %" PRId64, c1, c2);
    int slack_bad = 0;
    for (uint32_t e = 0; e < p->m; e++) {
        int64_t rc = p->cost[e] + ns_potential(w, p->tail[e]) - ns_potential(w, p->head[e]);
        if ((flow[e] < p->cap[e] && rc < 0) || (flow[e] > p->lower[e] && rc > 0)) {
            slack_bad++;
        }
    }
    CHECK_MSG(slack_bad == 0, "%d arcs violate complementary slackness", slack_bad);
    *cost = c1;
    free(flow);
}

/* Solve p cold with the network simplex and check flows and duals; returns the status. */
static mcf_status test_mcf_solve_checked(const mcf_problem *p, int64_t *cost)
{
    ns *w = ns_alloc(p->n, p->m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL_FATAL(ns_load(w, p), MCF_OPTIMAL);
    mcf_status st = ns_solve(w);
    if (st == MCF_OPTIMAL) {
        test_mcf_check_solution(w, p, cost);
    }
    ns_free(w);
    return st;
}

/* A generated instance of family `fam` (mcf_gen_preset names). */
static mcf_problem *test_mcf_generated(const char *fam, uint32_t n, uint64_t seed)
{
    mcf_gen_params prm;
    mcf_problem *p = NULL;
    CU_ASSERT_EQUAL_FATAL(mcf_gen_preset(fam, n, seed, &prm), MCF_OPTIMAL);
    CU_ASSERT_EQUAL_FATAL(mcf_gen(&prm, &p), MCF_OPTIMAL);
    return p;
}

/* Generated families, small sizes: ours == okalg == LP simplex. */
static void test_mcf_generated_families_agree_with_glpk(void)
{
    static const uint32_t sizes[] = { 64, 300 };
    for (int f = 0; f < TEST_MCF_NFAMS; f++) {
        for (int s = 0; s < 2; s++) {
            for (uint64_t seed = 1; seed <= 3; seed++) {
                mcf_problem *p = test_mcf_generated(test_mcf_fams[f], sizes[s], seed * 2385);
                int64_t ours = -1, ok = -2, lp = -3;
                mcf_status st = test_mcf_solve_checked(p, &ours);
                mcf_status so = mcf_glpk_okalg(p, &ok);
                mcf_status sl = mcf_glpk_lp(p, &lp);
                CHECK_MSG(st == MCF_OPTIMAL && so == MCF_OPTIMAL && sl == MCF_OPTIMAL,
                          "%s n=%u seed=%" PRIu64 ": status ours %s, okalg %s, lp %s",
                          test_mcf_fams[f], sizes[s], seed, mcf_status_name(st),
                          mcf_status_name(so), mcf_status_name(sl));
                CHECK_MSG(ours == ok && ours == lp, "%s n=%u seed=%" PRIu64 ": cost ours %" PRId64
                          ", okalg %" PRId64 ", lp %" PRId64, test_mcf_fams[f], sizes[s], seed,
                          ours, ok, lp);
                mcf_problem_free(p);
            }
        }
    }
}

/* A random small graph: lower bounds, zero-cost cycles, parallel arcs,
 * self-loops, isolated nodes, negative costs on capacitated arcs; supplies
 * from a random feasible flow when `feasible`, else random. */
static mcf_problem *test_mcf_random(uint64_t *rs, int feasible)
{
    uint32_t n = (uint32_t)mcf_gen_range(rs, 2, 24);
    uint32_t iso = (uint32_t)mcf_gen_range(rs, 0, 2);     /* last iso nodes get no arcs */
    uint32_t live = n - iso > 1 ? n - iso : n;
    uint32_t m = (uint32_t)mcf_gen_range(rs, 0, 4 * live);
    mcf_problem *p = mcf_problem_new(n, m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    for (uint32_t e = 0; e < m; e++) {
        uint32_t a = (uint32_t)mcf_gen_range(rs, 0, live - 1);
        uint32_t b = (uint32_t)mcf_gen_range(rs, 0, live - 1);
        int kind = (int)mcf_gen_range(rs, 0, 9);
        if (kind == 0 && e > 0) {
            a = p->tail[e - 1];     /* parallel arc */
            b = p->head[e - 1];
        } else if (kind == 1 && e > 0) {
            a = p->head[e - 1];     /* 2-cycle with the previous arc */
            b = p->tail[e - 1];
        }
        p->tail[e] = a;
        p->head[e] = b;
        p->lower[e] = mcf_gen_range(rs, 0, 3) == 0 ? mcf_gen_range(rs, 1, 4) : 0;
        p->cap[e] = p->lower[e] + mcf_gen_range(rs, 0, 12);
        p->cost[e] = (kind <= 2) ? 0 : mcf_gen_range(rs, -6, 25);
    }
    if (feasible) {
        for (uint32_t e = 0; e < m; e++) {
            int64_t f = mcf_gen_range(rs, p->lower[e], p->cap[e]);
            p->supply[p->tail[e]] += f;
            p->supply[p->head[e]] -= f;
        }
    } else {
        int64_t sum = 0;
        for (uint32_t v = 0; v + 1 < live; v++) {
            p->supply[v] = mcf_gen_range(rs, -9, 9);
            sum += p->supply[v];
        }
        p->supply[live - 1] = -sum;
    }
    return p;
}

static void test_mcf_random_small_graphs_agree_with_glpk(void)
{
    uint64_t rs = 2385;
    int infeasible = 0, total = 0, okalg_runs = 0;
    for (int i = 0; i < 400; i++) {
        mcf_problem *p = test_mcf_random(&rs, i % 3 != 0);
        int loops = 0;
        for (uint32_t e = 0; e < p->m; e++) {
            loops += p->tail[e] == p->head[e];
        }
        int64_t ours = -1, ok = -2, lp = -3;
        mcf_status st = test_mcf_solve_checked(p, &ours);
        mcf_status so = mcf_glpk_okalg(p, &ok);
        mcf_status sl = mcf_glpk_lp(p, &lp);
        /* okalg rejects self-loops (GLP_EDATA); the LP takes them. */
        if (loops > 0 && so == MCF_EINPUT) {
            so = st;
            ok = ours;
        } else {
            okalg_runs++;
        }
        CHECK_MSG(st == so && st == sl, "instance %d: status ours %s, okalg %s, lp %s", i,
                  mcf_status_name(st), mcf_status_name(so), mcf_status_name(sl));
        if (st == MCF_OPTIMAL) {
            CHECK_MSG(ours == ok && ours == lp, "instance %d: cost ours %" PRId64 ", okalg %" PRId64
                      ", lp %" PRId64, i, ours, ok, lp);
        }
        infeasible += st == MCF_INFEASIBLE;
        total++;
        mcf_problem_free(p);
    }
    /* Both outcomes, and okalg, must have been exercised. */
    CHECK_MSG(infeasible > 10 && infeasible < total - 10, "%d of %d infeasible", infeasible, total);
    CHECK_MSG(okalg_runs > total / 4, "okalg compared on only %d of %d", okalg_runs, total);
}

static void test_mcf_infeasible_problems_are_detected(void)
{
    /* Unbalanced supplies; a demand behind too little capacity; a lone demand. */
    mcf_problem *p = mcf_problem_new(3, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    p->tail[0] = 0; p->head[0] = 1; p->cap[0] = 10; p->cost[0] = 3;
    p->tail[1] = 1; p->head[1] = 2; p->cap[1] = 4; p->cost[1] = 2;
    int64_t c;
    p->supply[0] = 5; p->supply[2] = -4;
    CU_ASSERT_EQUAL(test_mcf_solve_checked(p, &c), MCF_INFEASIBLE);
    p->supply[0] = 5; p->supply[2] = -5;
    CU_ASSERT_EQUAL(test_mcf_solve_checked(p, &c), MCF_INFEASIBLE);
    CU_ASSERT_EQUAL(mcf_glpk_okalg(p, &c), MCF_INFEASIBLE);
    p->supply[0] = 4; p->supply[2] = -4;
    CU_ASSERT_EQUAL(test_mcf_solve_checked(p, &c), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(c, 4 * 5);
    /* A lower bound that cannot be met. */
    p->lower[0] = 6;
    CU_ASSERT_EQUAL(test_mcf_solve_checked(p, &c), MCF_INFEASIBLE);
    mcf_problem_free(p);
}

static void test_mcf_unbounded_problems_are_detected(void)
{
    /* 0 -> 1 -> 2 -> 0 with total cost -1 and infinite capacity. */
    mcf_problem *p = mcf_problem_new(4, 4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    for (uint32_t e = 0; e < 3; e++) {
        p->tail[e] = e;
        p->head[e] = (e + 1) % 3;
        p->cap[e] = MCF_INF;
        p->cost[e] = (e == 0) ? -7 : 3;
    }
    p->tail[3] = 3; p->head[3] = 0; p->cap[3] = 9; p->cost[3] = 1;
    p->supply[3] = 2; p->supply[0] = -2;
    int64_t c;
    CU_ASSERT_EQUAL(test_mcf_solve_checked(p, &c), MCF_UNBOUNDED);
    CU_ASSERT_EQUAL(mcf_glpk_lp(p, &c), MCF_UNBOUNDED);
    /* One finite arc on the cycle makes it bounded: flow 9 around, -9 cost. */
    p->cap[1] = 9;
    CU_ASSERT_EQUAL(test_mcf_solve_checked(p, &c), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(mcf_glpk_lp(p, &c), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(c, -9 + 2);
    /* A negative self-loop of infinite capacity is unbounded too. */
    p->tail[3] = 3; p->head[3] = 3; p->cap[3] = MCF_INF; p->cost[3] = -1;
    p->supply[3] = 0; p->supply[0] = 0;
    CU_ASSERT_EQUAL(test_mcf_solve_checked(p, &c), MCF_UNBOUNDED);
    mcf_problem_free(p);
}

/* A generated instance of family `fam` in *out, loaded into a new workspace
 * and solved cold (optimal: the generator makes feasible instances). */
static ns *test_mcf_family_solved(const char *fam, uint32_t n, uint64_t seed, mcf_problem **out)
{
    *out = test_mcf_generated(fam, n, seed);
    ns *w = ns_alloc((*out)->n, (*out)->m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL_FATAL(ns_load(w, *out), MCF_OPTIMAL);
    CU_ASSERT_EQUAL_FATAL(ns_solve(w), MCF_OPTIMAL);
    return w;
}

/* Re-solve after changes: warm result == cold result, several rounds. */
static void test_mcf_warm_start_matches_cold_start(void)
{
    uint64_t rs = 77;
    for (int f = 0; f < TEST_MCF_NFAMS; f++) {
        mcf_problem *p = NULL;
        ns *w = test_mcf_family_solved(test_mcf_fams[f], 400, 11, &p);
        for (int round = 0; round < 6; round++) {
            /* Round kinds: supplies, costs, capacities, all three. */
            int kind = round % 4;
            for (int k = 0; k < 8; k++) {
                if (kind == 0 || kind == 3) {
                    uint32_t a = (uint32_t)mcf_gen_range(&rs, 0, p->n - 1);
                    uint32_t b = (uint32_t)mcf_gen_range(&rs, 0, p->n - 1);
                    int64_t d = mcf_gen_range(&rs, 1, 40);
                    p->supply[a] += d;
                    p->supply[b] -= d;
                    CU_ASSERT_EQUAL(ns_set_supply(w, a, p->supply[a]), MCF_OPTIMAL);
                    CU_ASSERT_EQUAL(ns_set_supply(w, b, p->supply[b]), MCF_OPTIMAL);
                }
                uint32_t e = (uint32_t)mcf_gen_range(&rs, 0, p->m - 1);
                if (kind == 1 || kind == 3) {
                    p->cost[e] = mcf_gen_range(&rs, 1, 10000);
                    CU_ASSERT_EQUAL(ns_set_cost(w, e, p->cost[e]), MCF_OPTIMAL);
                }
                if (kind == 2 || kind == 3) {
                    p->cap[e] = mcf_gen_range(&rs, 0, 3000);
                    CU_ASSERT_EQUAL(ns_set_capacity(w, e, p->cap[e]), MCF_OPTIMAL);
                }
            }
            mcf_status warm = ns_solve(w);
            int64_t cw = -1, cc = -2;
            if (warm == MCF_OPTIMAL) {
                CU_ASSERT_EQUAL(ns_total_cost(w, &cw), MCF_OPTIMAL);
            }
            mcf_status cold = test_mcf_solve_checked(p, &cc);
            CHECK_MSG(warm == cold, "%s round %d: warm %s, cold %s", test_mcf_fams[f], round,
                      mcf_status_name(warm), mcf_status_name(cold));
            if (warm == MCF_OPTIMAL && cold == MCF_OPTIMAL) {
                CHECK_MSG(cw == cc, "%s round %d: warm cost %" PRId64 ", cold %" PRId64,
                          test_mcf_fams[f], round, cw, cc);
            }
        }
        ns_free(w);
        mcf_problem_free(p);
    }
}

/* GSL-style stepping gives the same optimum as ns_solve. */
static void test_mcf_init_iterate_test_steps_match_solve(void)
{
    mcf_problem *p = test_mcf_generated("grid", 100, 5);
    ns *w = ns_alloc(p->n, p->m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL_FATAL(ns_load(w, p), MCF_OPTIMAL);
    CU_ASSERT_EQUAL_FATAL(ns_init(w), MCF_OPTIMAL);
    mcf_status st;
    uint64_t steps = 0;
    do {
        st = ns_iterate(w);
        steps++;
    } while (st == MCF_CONTINUE);
    CU_ASSERT_EQUAL(st, MCF_OPTIMAL);
    CU_ASSERT_EQUAL(ns_test(w), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(steps, ns_pivots(w) + 1);
    int64_t c1 = 0, c2 = 1;
    CU_ASSERT_EQUAL(ns_total_cost(w, &c1), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(test_mcf_solve_checked(p, &c2), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(c1, c2);
    ns_free(w);
    mcf_problem_free(p);
}

/* Solve w (loaded, maybe warm) in GSL steps; *primal counts ns_iterate pivots. */
static mcf_status test_mcf_step_solve(ns *w, uint64_t *primal)
{
    *primal = 0;
    mcf_status st = ns_init(w);
    if (st != MCF_OPTIMAL) {
        return st;
    }
    while ((st = ns_iterate(w)) == MCF_CONTINUE) {
        (*primal)++;
    }
    return (st == MCF_OPTIMAL) ? ns_test(w) : st;
}

/* A warm result (status `warm`, solution in w) against a cold solve of p and
 * GLPK (the LP always, okalg when `okalg`); the warm flow and duals are checked. */
static void test_mcf_compare_warm(const ns *w, mcf_status warm, const mcf_problem *p, int okalg,
                                  const char *what, int round)
{
    int64_t cw = -1, cc = -2, lp = -3, ok = -4;
    if (warm == MCF_OPTIMAL) {
        test_mcf_check_solution(w, p, &cw);
    }
    mcf_status cold = test_mcf_solve_checked(p, &cc);
    mcf_status sl = mcf_glpk_lp(p, &lp);
    mcf_status so = okalg ? mcf_glpk_okalg(p, &ok) : sl;
    if (!okalg) {
        ok = lp;
    }
    /* Infeasible with a negative cycle of infinite capacity: the big-M
     * simplex meets the cycle and says unbounded, GLPK says infeasible. */
    if (cold == MCF_UNBOUNDED && sl == MCF_INFEASIBLE && so == MCF_INFEASIBLE) {
        sl = so = MCF_UNBOUNDED;
    }
    CHECK_MSG(warm == cold && warm == sl && warm == so, "%s round %d: warm %s, cold %s, lp %s, "
              "okalg %s", what, round, mcf_status_name(warm), mcf_status_name(cold),
              mcf_status_name(sl), mcf_status_name(so));
    if (warm == MCF_OPTIMAL && cold == MCF_OPTIMAL && sl == MCF_OPTIMAL && so == MCF_OPTIMAL) {
        CHECK_MSG(cw == cc && cw == lp && cw == ok, "%s round %d: cost warm %" PRId64 ", cold %"
                  PRId64 ", lp %" PRId64 ", okalg %" PRId64, what, round, cw, cc, lp, ok);
    }
}

/* Set node v's supply in p and w. */
static void test_mcf_supply(ns *w, mcf_problem *p, uint32_t v, int64_t s)
{
    p->supply[v] = s;
    CU_ASSERT_EQUAL(ns_set_supply(w, v, s), MCF_OPTIMAL);
}

/* A supply change that keeps the problem feasible: pick an arc with room in
 * the current optimal flow and move d units of supply between its ends, as
 * if d more (or less) flowed on it. */
static void test_mcf_feasible_move(ns *w, mcf_problem *p, uint64_t *rs)
{
    if (p->m == 0) {
        return;
    }
    uint32_t e = (uint32_t)mcf_gen_range(rs, 0, p->m - 1);
    int64_t f = ns_flow(w, e);
    int64_t up = (p->cap[e] == MCF_INF) ? 50 : p->cap[e] - f;
    int64_t down = f - p->lower[e];
    uint32_t a = p->tail[e], b = p->head[e];
    if (up <= 0 && down <= 0) {
        return;
    }
    int64_t d = (up > 0 && (down <= 0 || mcf_gen_range(rs, 0, 1))) ? mcf_gen_range(rs, 1, up)
                                                                    : -mcf_gen_range(rs, 1, down);
    test_mcf_supply(w, p, a, p->supply[a] + d);
    test_mcf_supply(w, p, b, p->supply[b] - d);
}

/* Generated families: rounds of supply-only changes on 1-2% of the nodes
 * (feasible ones along arcs with room, random ones that often make the
 * problem infeasible, and a return to the last feasible supplies). Every warm
 * re-solve is a dual repair: ns_init ends at the optimum (no primal pivot)
 * or proves infeasibility; it agrees with a cold solve, okalg and the LP. */
static void test_mcf_warm_supply_changes_on_families_match_cold_and_glpk(void)
{
    uint64_t rs = 6421;
    int infeasible = 0, optimal = 0;
    for (int f = 0; f < TEST_MCF_NFAMS; f++) {
        mcf_problem *p = NULL;
        ns *w = test_mcf_family_solved(test_mcf_fams[f], 400, 23, &p);
        int64_t *good = malloc(p->n * sizeof *good);
        CU_ASSERT_PTR_NOT_NULL_FATAL(good);
        memcpy(good, p->supply, p->n * sizeof *good);
        for (int round = 0; round < 9; round++) {
            if (round % 3 == 0) {
                for (int k = 0; k < 4; k++) {
                    test_mcf_feasible_move(w, p, &rs);
                }
            } else if (round % 3 == 1) {
                for (int k = 0; k < 2; k++) {
                    uint32_t a = (uint32_t)mcf_gen_range(&rs, 0, p->n - 1);
                    uint32_t b = (uint32_t)mcf_gen_range(&rs, 0, p->n - 1);
                    int64_t d = mcf_gen_range(&rs, 1, 3000);
                    test_mcf_supply(w, p, a, p->supply[a] + d);
                    test_mcf_supply(w, p, b, p->supply[b] - d);
                }
            } else {
                for (uint32_t v = 0; v < p->n; v++) {
                    if (p->supply[v] != good[v]) {
                        test_mcf_supply(w, p, v, good[v]);
                    }
                }
            }
            uint64_t primal = 0;
            mcf_status warm = test_mcf_step_solve(w, &primal);
            CHECK_MSG(primal == 0, "%s round %d: %" PRIu64 " primal pivots after the dual repair",
                      test_mcf_fams[f], round, primal);
            test_mcf_compare_warm(w, warm, p, 1, test_mcf_fams[f], round);
            if (warm == MCF_OPTIMAL) {
                memcpy(good, p->supply, p->n * sizeof *good);
            }
            infeasible += warm == MCF_INFEASIBLE;
            optimal += warm == MCF_OPTIMAL;
        }
        ns_free(w);
        free(good);
        mcf_problem_free(p);
    }
    CHECK_MSG(infeasible >= 3 && optimal >= 12, "%d infeasible, %d optimal", infeasible, optimal);
}

/* A supply change like the benchmark's: from a random sink, walk back along
 * arcs carrying flow to a source and cancel d units of that path, so the
 * sink's demand and the source's supply both drop by d (still feasible). */
static void test_mcf_path_move(ns *w, mcf_problem *p, uint64_t *rs)
{
    uint32_t t = 0, path[256], len = 0;
    for (int tries = 0; tries < 1000 && p->supply[t] >= 0; tries++) {
        t = (uint32_t)mcf_gen_range(rs, 0, p->n - 1);
    }
    int64_t bott = -p->supply[t];
    uint32_t v = t;
    while (p->supply[v] <= 0) {
        uint32_t best = UINT32_MAX;
        int64_t most = 0;
        for (uint32_t e = 0; e < p->m; e++) {
            int64_t f = (p->head[e] == v) ? ns_flow(w, e) - p->lower[e] : 0;
            if (f > most) {
                most = f;
                best = e;
            }
        }
        for (uint32_t k = 0; k < len && best != UINT32_MAX; k++) {
            best = (path[k] == best) ? UINT32_MAX : best;
        }
        if (best == UINT32_MAX || len == 256) {
            return;
        }
        path[len++] = best;
        bott = (most < bott) ? most : bott;
        v = p->tail[best];
    }
    bott = (p->supply[v] < bott) ? p->supply[v] : bott;
    if (bott > 0) {
        int64_t d = mcf_gen_range(rs, 1, bott);
        test_mcf_supply(w, p, v, p->supply[v] - d);
        test_mcf_supply(w, p, t, p->supply[t] + d);
    }
}

/* Larger graphs (3000 nodes), where a large or cascading supply change
 * goes to the primal repair: warm re-solves after 3% path changes, then
 * after a round of cost changes, match a checked cold solve. Both endings
 * (dual repair finished; primal repair used, seen as primal pivots after
 * ns_init) must occur, so both paths are covered. */
static void test_mcf_warm_supply_changes_on_large_graphs_match_cold(void)
{
    uint64_t rs = 99;
    int finished = 0, handed = 0;
    for (int f = 0; f < TEST_MCF_NFAMS; f++) {
        mcf_problem *p = NULL;
        ns *w = test_mcf_family_solved(test_mcf_fams[f], 3000, 5, &p);
        for (int round = 0; round < 5; round++) {
            if (round < 4) {
                uint32_t moves = (round % 2 == 0) ? 3 : 3 * p->n / 200;
                for (uint32_t k = 0; k < moves; k++) {
                    test_mcf_path_move(w, p, &rs);
                }
            } else {
                for (uint32_t k = 0; k < p->m / 100; k++) {
                    uint32_t e = (uint32_t)mcf_gen_range(&rs, 0, p->m - 1);
                    p->cost[e] = mcf_gen_range(&rs, 1, 10000);
                    CU_ASSERT_EQUAL(ns_set_cost(w, e, p->cost[e]), MCF_OPTIMAL);
                }
            }
            uint64_t primal = 0;
            mcf_status warm = test_mcf_step_solve(w, &primal);
            if (round < 4) {
                finished += primal == 0;
                handed += primal > 0;
            }
            int64_t cw = -1, cc = -2;
            if (warm == MCF_OPTIMAL) {
                test_mcf_check_solution(w, p, &cw);
            }
            mcf_status cold = test_mcf_solve_checked(p, &cc);
            CHECK_MSG(warm == MCF_OPTIMAL && cold == MCF_OPTIMAL && cw == cc,
                      "%s round %d: warm %s %" PRId64 ", cold %s %" PRId64, test_mcf_fams[f], round,
                      mcf_status_name(warm), cw, mcf_status_name(cold), cc);
        }
        ns_free(w);
        mcf_problem_free(p);
    }
    CHECK_MSG(finished > 0 && handed > 0, "dual repair finished %d times, handed over %d times",
              finished, handed);
}

/* Budgets for the warm primal repair's pivots without strong feasibility,
 * by instance: the default, strongly feasible from the start, and restored
 * after 1 and after 3 pivots (in the middle of the repair). */
static const int64_t test_mcf_weak[4] = { -1, 0, 1, 3 };

/* Pricing blocks, by instance: the default (sqrt(m), half that on a deep
 * graph, 4 times that in a warm primal repair), one arc (the first that
 * prices out enters), and 5 arcs. */
static const uint32_t test_mcf_block[3] = { 0, 1, 5 };

/* Small random graphs (lower bounds, parallel arcs, self-loops, zero-cost
 * cycles), eight warm rounds each: feasible and random supply moves, an
 * unbalanced supply, a return to the last feasible supplies, new finite
 * capacities, new costs, an infinite capacity on a negative arc. Warm ==
 * cold == GLPK LP in status and cost, warm flows and duals checked; supply
 * and finite capacity rounds need no primal pivot after the dual repair.
 * The primal repair's budget without strong feasibility cycles through
 * test_mcf_weak, the pricing block through test_mcf_block. */
static void test_mcf_warm_resolves_of_random_graphs_match_cold_and_glpk(void)
{
    uint64_t rs = 31337;
    int seen[4] = { 0 };        /* optimal, infeasible, unbounded, proved by ns_init */
    for (int i = 0; i < 300; i++) {
        mcf_problem *p = test_mcf_random(&rs, 1);
        int64_t *good = malloc(((size_t)p->n + 1) * sizeof *good);
        CU_ASSERT_PTR_NOT_NULL_FATAL(good);
        memcpy(good, p->supply, p->n * sizeof *good);
        ns *w = ns_alloc(p->n, p->m);
        CU_ASSERT_PTR_NOT_NULL_FATAL(w);
        ns_set_weak_pivots(w, test_mcf_weak[i % 4]);
        ns_set_block_size(w, test_mcf_block[(i / 4) % 3]);
        CU_ASSERT_EQUAL_FATAL(ns_load(w, p), MCF_OPTIMAL);
        mcf_status last = ns_solve(w);
        for (int round = 0; round < 8; round++) {
            int kind = (int)mcf_gen_range(&rs, 0, 9);
            int dual = last != MCF_UNBOUNDED;       /* ns_init will repair by dual pivots */
            if (kind <= 2) {
                int moves = (int)mcf_gen_range(&rs, 1, 3);
                for (int k = 0; k < moves && last == MCF_OPTIMAL; k++) {
                    test_mcf_feasible_move(w, p, &rs);
                }
            } else if (kind <= 4) {
                uint32_t a = (uint32_t)mcf_gen_range(&rs, 0, p->n - 1);
                uint32_t b = (uint32_t)mcf_gen_range(&rs, 0, p->n - 1);
                int64_t d = mcf_gen_range(&rs, 1, 15);
                test_mcf_supply(w, p, a, p->supply[a] + d);
                test_mcf_supply(w, p, b, p->supply[b] - d);
            } else if (kind == 5) {
                uint32_t a = (uint32_t)mcf_gen_range(&rs, 0, p->n - 1);
                test_mcf_supply(w, p, a, p->supply[a] + mcf_gen_range(&rs, 1, 5));
            } else if (kind == 6) {
                for (uint32_t v = 0; v < p->n; v++) {
                    if (p->supply[v] != good[v]) {
                        test_mcf_supply(w, p, v, good[v]);
                    }
                }
            } else if (kind == 7 && p->m > 0) {
                for (int k = 0; k < 3; k++) {
                    uint32_t e = (uint32_t)mcf_gen_range(&rs, 0, p->m - 1);
                    p->cap[e] = p->lower[e] + mcf_gen_range(&rs, 0, 12);
                    CU_ASSERT_EQUAL(ns_set_capacity(w, e, p->cap[e]), MCF_OPTIMAL);
                }
            } else if (kind == 8 && p->m > 0) {
                dual = 0;
                for (int k = 0; k < 3; k++) {
                    uint32_t e = (uint32_t)mcf_gen_range(&rs, 0, p->m - 1);
                    p->cost[e] = mcf_gen_range(&rs, -6, 25);
                    CU_ASSERT_EQUAL(ns_set_cost(w, e, p->cost[e]), MCF_OPTIMAL);
                }
            } else if (p->m > 0) {
                dual = 0;
                uint32_t e = (uint32_t)mcf_gen_range(&rs, 0, p->m - 1);
                p->cap[e] = MCF_INF;
                p->cost[e] = -mcf_gen_range(&rs, 1, 6);
                CU_ASSERT_EQUAL(ns_set_capacity(w, e, MCF_INF), MCF_OPTIMAL);
                CU_ASSERT_EQUAL(ns_set_cost(w, e, p->cost[e]), MCF_OPTIMAL);
            }
            uint64_t primal = 0;
            mcf_status init = ns_init(w);
            mcf_status warm = init;
            if (init == MCF_OPTIMAL) {
                while ((warm = ns_iterate(w)) == MCF_CONTINUE) {
                    primal++;
                }
                warm = (warm == MCF_OPTIMAL) ? ns_test(w) : warm;
            }
            CHECK_MSG(!dual || primal == 0, "instance %d round %d (kind %d): %" PRIu64
                      " primal pivots after the dual repair", i, round, kind, primal);
            test_mcf_compare_warm(w, warm, p, 0, "random", i * 100 + round);
            if (warm == MCF_OPTIMAL) {
                memcpy(good, p->supply, p->n * sizeof *good);
            }
            seen[warm == MCF_OPTIMAL ? 0 : warm == MCF_INFEASIBLE ? 1 : 2]++;
            seen[3] += init == MCF_INFEASIBLE;
            last = warm;
        }
        ns_free(w);
        free(good);
        mcf_problem_free(p);
    }
    CHECK_MSG(seen[0] > 300 && seen[1] > 100 && seen[2] > 10 && seen[3] > 50,
              "optimal %d, infeasible %d, unbounded %d, infeasible in ns_init %d", seen[0],
              seen[1], seen[2], seen[3]);
}

/* The dual repair by hand: 0 -> 1 -> 2 with capacities 10 and 4. Asking for
 * 5 units is proved infeasible by ns_init itself (the cut {2} cannot take
 * them); ns_iterate and ns_test then say so too; 3 units are optimal again
 * without a primal pivot. */
static void test_mcf_dual_repair_proves_infeasibility_and_recovers(void)
{
    mcf_problem *p = mcf_problem_new(3, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    p->tail[0] = 0; p->head[0] = 1; p->cap[0] = 10; p->cost[0] = 3;
    p->tail[1] = 1; p->head[1] = 2; p->cap[1] = 4; p->cost[1] = 2;
    p->supply[0] = 4; p->supply[2] = -4;
    ns *w = ns_alloc(3, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL_FATAL(ns_load(w, p), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(ns_solve(w), MCF_OPTIMAL);
    test_mcf_supply(w, p, 0, 5);
    test_mcf_supply(w, p, 2, -5);
    CU_ASSERT_EQUAL(ns_init(w), MCF_INFEASIBLE);
    CU_ASSERT_EQUAL(ns_iterate(w), MCF_INFEASIBLE);
    CU_ASSERT_EQUAL(ns_test(w), MCF_INFEASIBLE);
    CU_ASSERT_EQUAL(ns_solve(w), MCF_INFEASIBLE);
    test_mcf_supply(w, p, 0, 3);
    test_mcf_supply(w, p, 2, -3);
    CU_ASSERT_EQUAL(ns_init(w), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(ns_iterate(w), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(ns_test(w), MCF_OPTIMAL);
    int64_t c = -1;
    test_mcf_check_solution(w, p, &c);
    CU_ASSERT_EQUAL(c, 3 * 5);
    /* Unbalanced supplies: infeasible, warm or cold. */
    test_mcf_supply(w, p, 1, 2);
    CU_ASSERT_EQUAL(ns_solve(w), MCF_INFEASIBLE);
    CU_ASSERT_EQUAL(test_mcf_solve_checked(p, &c), MCF_INFEASIBLE);
    test_mcf_supply(w, p, 1, 0);
    CU_ASSERT_EQUAL(ns_solve(w), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(ns_total_cost(w, &c), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(c, 3 * 5);
    ns_free(w);
    mcf_problem_free(p);
}

/* Soft artificial costs by hand: 0 -> 1 -> ... -> 11 (cost 100 per arc)
 * and a direct 0 -> 11 of cost 1 and capacity 5. After 5 units become 10
 * and a tree arc's cost changes (so the repair is primal, with soft
 * artificial costs), the 5 extra units must take the chain (1101 per unit),
 * dearer than the soft penalty (2 x 102 through the root): the soft optimum
 * keeps artificial flow, and only with big M restored does the solver find
 * the chain. Warm == cold == GLPK: 5 x 1 + 5 x 1101. */
static void test_mcf_soft_artificial_costs_give_way_to_big_m(void)
{
    mcf_problem *p = mcf_problem_new(12, 12);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    for (uint32_t e = 0; e < 11; e++) {
        p->tail[e] = e; p->head[e] = e + 1; p->cap[e] = 1000; p->cost[e] = 100;
    }
    p->tail[11] = 0; p->head[11] = 11; p->cap[11] = 5; p->cost[11] = 1;
    p->supply[0] = 5; p->supply[11] = -5;
    ns *w = ns_alloc(12, 12);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL_FATAL(ns_load(w, p), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(ns_solve(w), MCF_OPTIMAL);
    test_mcf_supply(w, p, 0, 10);
    test_mcf_supply(w, p, 11, -10);
    for (uint32_t e = 0; e < 11; e++) {     /* the tree arc among them makes it primal */
        p->cost[e] = (e == 10) ? 101 : 100;
        CU_ASSERT_EQUAL(ns_set_cost(w, e, p->cost[e]), MCF_OPTIMAL);
    }
    mcf_status warm = ns_solve(w);
    CU_ASSERT_EQUAL(warm, MCF_OPTIMAL);
    int64_t c = -1;
    CU_ASSERT_EQUAL(ns_total_cost(w, &c), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(c, 5 * 1 + 5 * 1101);
    test_mcf_compare_warm(w, warm, p, 1, "soft chain", 0);
    ns_free(w);
    mcf_problem_free(p);
}

/* A supply move, then arc 0 turns uncapacitated with a negative cost, on the
 * small random graphs: the warm primal repair (soft artificial costs) meets
 * cycles of infinite capacity through the root over two soft artificial
 * arcs, which are not real ones. Warm must agree with a cold solve of the new
 * data and GLPK, status and cost; without the return to big M on such a
 * cycle, 7 of the 3000 say UNBOUNDED where the problem is infeasible or has
 * an optimum. Budgets without strong feasibility as in test_mcf_weak. */
static void test_mcf_warm_after_negative_uncapacitated_arc_matches_cold(void)
{
    uint64_t rs = 7;
    int seen[2] = { 0 };
    for (int i = 0; i < 3000; i++) {
        mcf_problem *p = test_mcf_random(&rs, 1);
        uint32_t n = p->n, m = p->m;
        if (m == 0) {
            mcf_problem_free(p);
            continue;
        }
        ns *w = ns_alloc(n, m);
        CU_ASSERT_PTR_NOT_NULL_FATAL(w);
        ns_set_weak_pivots(w, test_mcf_weak[i % 4]);
        CU_ASSERT_EQUAL_FATAL(ns_load(w, p), MCF_OPTIMAL);
        CU_ASSERT_EQUAL_FATAL(ns_solve(w), MCF_OPTIMAL);
        uint32_t a = (uint32_t)mcf_gen_range(&rs, 0, n - 1);
        uint32_t b = (uint32_t)mcf_gen_range(&rs, 0, n - 1);
        int64_t d = mcf_gen_range(&rs, 0, 5);
        test_mcf_supply(w, p, a, p->supply[a] + d);
        test_mcf_supply(w, p, b, p->supply[b] - d);
        p->cap[0] = MCF_INF;
        p->cost[0] = -mcf_gen_range(&rs, 1, 12);
        CU_ASSERT_EQUAL(ns_set_capacity(w, 0, MCF_INF), MCF_OPTIMAL);
        CU_ASSERT_EQUAL(ns_set_cost(w, 0, p->cost[0]), MCF_OPTIMAL);
        mcf_status warm = ns_solve(w);
        test_mcf_compare_warm(w, warm, p, 0, "negative uncapacitated arc", i);
        if (warm == MCF_OPTIMAL) {
            seen[0]++;
        } else if (warm == MCF_UNBOUNDED) {
            seen[1]++;
        }
        ns_free(w);
        mcf_problem_free(p);
    }
    CHECK_MSG(seen[0] > 300 && seen[1] > 300, "optimal %d, unbounded %d", seen[0], seen[1]);
}

/* Load p into a fresh workspace with pricing block `block` (0 = default),
 * solve cold, and return it; its pivot count is in ns_pivots. */
static ns *test_mcf_solved_with_block(const mcf_problem *p, uint32_t block)
{
    ns *w = ns_alloc(p->n, p->m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    ns_set_block_size(w, block);
    CU_ASSERT_EQUAL_FATAL(ns_load(w, p), MCF_OPTIMAL);
    CU_ASSERT_EQUAL_FATAL(ns_solve(w), MCF_OPTIMAL);
    return w;
}

/* The default pricing block, seen through the pivots it produces (pivots
 * are a deterministic function of the block): a cold solve takes the same
 * pivots as one with the block given explicitly as sqrt(m)/2 on the grid (a
 * deep graph) and sqrt(m) on netgen-sqrt, and different ones with the other
 * family's block; after cost changes (a warm primal repair) the default
 * takes the same pivots as an explicit 4 sqrt(m). */
static void test_mcf_default_pricing_block_follows_graph_and_start(void)
{
    static const char *const fams[] = { "grid", "netgen-sqrt" };
    uint64_t rs = 5;
    for (int f = 0; f < 2; f++) {
        mcf_problem *p = test_mcf_generated(fams[f], 2500, 3);
        uint32_t sq = (uint32_t)ceil(sqrt((double)p->m));
        uint32_t own = (f == 0) ? sq / 2 : sq, other = (f == 0) ? sq : sq / 2;
        ns *w = test_mcf_solved_with_block(p, 0);
        ns *same = test_mcf_solved_with_block(p, own);
        ns *diff = test_mcf_solved_with_block(p, other);
        CHECK_MSG(ns_pivots(w) == ns_pivots(same) && ns_pivots(w) != ns_pivots(diff),
                  "%s cold pivots: default %" PRIu64 ", block %u %" PRIu64 ", block %u %" PRIu64,
                  fams[f], ns_pivots(w), own, ns_pivots(same), other, ns_pivots(diff));
        for (int k = 0; k < 20; k++) {
            uint32_t e = (uint32_t)mcf_gen_range(&rs, 0, p->m - 1);
            p->cost[e] = mcf_gen_range(&rs, 1, 10000);
            CU_ASSERT_EQUAL(ns_set_cost(w, e, p->cost[e]), MCF_OPTIMAL);
            CU_ASSERT_EQUAL(ns_set_cost(same, e, p->cost[e]), MCF_OPTIMAL);
        }
        ns_set_block_size(same, 4 * sq);
        CU_ASSERT_EQUAL(ns_solve(w), MCF_OPTIMAL);
        CU_ASSERT_EQUAL(ns_solve(same), MCF_OPTIMAL);
        CHECK_MSG(ns_pivots(w) == ns_pivots(same) && ns_pivots(w) > 0,
                  "%s warm pivots: default %" PRIu64 ", block %u %" PRIu64, fams[f],
                  ns_pivots(w), 4 * sq, ns_pivots(same));
        ns_free(w);
        ns_free(same);
        ns_free(diff);
        mcf_problem_free(p);
    }
}

/* Costs scaled by 2^32 (big M near its 2^55 limit): the optimum is exactly
 * 2^32 times the unscaled one, cold and warm, and the solution checks. The
 * large reduced costs make pi(root) drift past its bound, so the potentials
 * are renormalised along the way. */
static void test_mcf_huge_costs_scale_the_optimum_exactly(void)
{
    static const char *const fams[] = { "netgen-sqrt", "grid" };
    const int64_t scale = INT64_C(1) << 32;
    uint64_t rs = 5;
    for (int f = 0; f < 2; f++) {
        mcf_problem *p = test_mcf_generated(fams[f], 400, 3);
        ns *w = ns_alloc(p->n, p->m);
        CU_ASSERT_PTR_NOT_NULL_FATAL(w);
        for (int round = 0; round < 3; round++) {
            int64_t small = -1, big = -2;
            CU_ASSERT_EQUAL(test_mcf_solve_checked(p, &small), MCF_OPTIMAL);
            for (uint32_t e = 0; e < p->m; e++) {
                p->cost[e] *= scale;
            }
            if (round == 0) {
                CU_ASSERT_EQUAL_FATAL(ns_load(w, p), MCF_OPTIMAL);
            }
            CU_ASSERT_EQUAL(ns_solve(w), MCF_OPTIMAL);      /* cold, then warm */
            test_mcf_check_solution(w, p, &big);
            CHECK_MSG(big == small * scale, "%s round %d: cost %" PRId64 ", want %" PRId64
                      " * 2^32", fams[f], round, big, small);
            for (uint32_t e = 0; e < p->m; e++) {
                p->cost[e] /= scale;
            }
            for (int k = 0; k < 6; k++) {
                test_mcf_feasible_move(w, p, &rs);
            }
        }
        ns_free(w);
        mcf_problem_free(p);
    }
}

static void test_mcf_clearing_triangle_by_hand(void)
{
    /* A owes B 10, B owes C 7, C owes A 5: 5 cancels around the cycle. */
    const uint32_t debtor[] = { 0, 1, 2 };
    const uint32_t creditor[] = { 1, 2, 0 };
    const int64_t amount[] = { 10, 7, 5 };
    int64_t remaining[3], cleared = -1;
    clear_ws *w = clear_alloc(3, 3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(clear_run(w, 3, 3, debtor, creditor, amount, remaining, &cleared), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(cleared, 15);
    CU_ASSERT_EQUAL(remaining[0], 5);
    CU_ASSERT_EQUAL(remaining[1], 2);
    CU_ASSERT_EQUAL(remaining[2], 0);
    /* A chain has no cycle: nothing clears. */
    const int64_t chain[] = { 10, 7, 0 };
    CU_ASSERT_EQUAL(clear_run(w, 3, 3, debtor, creditor, chain, remaining, &cleared), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(cleared, 0);
    CU_ASSERT_EQUAL(remaining[0], 10);
    /* Bad input. */
    const int64_t neg[] = { 10, -7, 5 };
    CU_ASSERT_EQUAL(clear_run(w, 3, 3, debtor, creditor, neg, remaining, &cleared), MCF_EINPUT);
    clear_free(w);
}

static void test_mcf_clearing_random_matches_glpk_lp(void)
{
    uint64_t rs = 4242;
    clear_ws *w = clear_alloc(40, 200);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    uint32_t debtor[200], creditor[200];
    int64_t amount[200], remaining[200];
    for (int i = 0; i < 60; i++) {
        uint32_t n = (uint32_t)mcf_gen_range(&rs, 2, 40);
        uint32_t m = (uint32_t)mcf_gen_range(&rs, 0, 200);
        for (uint32_t e = 0; e < m; e++) {
            debtor[e] = (uint32_t)mcf_gen_range(&rs, 0, n - 1);
            creditor[e] = (uint32_t)mcf_gen_range(&rs, 0, n - 1);
            amount[e] = mcf_gen_range(&rs, 0, 1000);
        }
        int64_t ours = -1, lp = -2;
        CU_ASSERT_EQUAL(clear_run(w, n, m, debtor, creditor, amount, remaining, &ours), MCF_OPTIMAL);
        CU_ASSERT_EQUAL(mcf_glpk_clearing_lp(n, m, debtor, creditor, amount, &lp), MCF_OPTIMAL);
        CHECK_MSG(ours == lp, "instance %d: cleared %" PRId64 ", LP %" PRId64, i, ours, lp);
        /* Net positions unchanged, remaining within [0, amount]. */
        int64_t net[40] = { 0 };
        int bad = 0;
        for (uint32_t e = 0; e < m; e++) {
            int64_t c = amount[e] - remaining[e];
            bad += remaining[e] < 0 || remaining[e] > amount[e];
            net[debtor[e]] += c;
            net[creditor[e]] -= c;
        }
        for (uint32_t v = 0; v < n; v++) {
            bad += net[v] != 0;
        }
        CHECK_MSG(bad == 0, "instance %d: %d violations", i, bad);
    }
    clear_free(w);
}

/* Every tests/dimacs/bad/X.min starts with "c expect: TEXT"; reading it fails
 * with MCF_EINPUT and a message "path:line: ..." containing TEXT. */
static void test_mcf_malformed_dimacs_corpus_gives_expected_errors(void)
{
    const char *dir = "tests/dimacs/bad";
    DIR *d = opendir(dir);
    CHECK_MSG(d != NULL, "cannot open %s (run from the repository root)", dir);
    if (d == NULL) {
        return;
    }
    int files = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".min") != 0) {
            continue;
        }
        char path[512], first[512], err[512];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        FILE *f = fopen(path, "r");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        CU_ASSERT_PTR_NOT_NULL(fgets(first, sizeof first, f));
        fclose(f);
        first[strcspn(first, "\n")] = '\0';
        CHECK_MSG(strncmp(first, "c expect: ", 10) == 0, "%s: no 'c expect:' line", path);
        const char *want = first + 10;
        mcf_problem *p = NULL;
        err[0] = '\0';
        mcf_status st = dimacs_read_file(path, &p, err, sizeof err);
        CHECK_MSG(st == MCF_EINPUT && p == NULL, "%s: status %s", path, mcf_status_name(st));
        CHECK_MSG(strncmp(err, path, strlen(path)) == 0 && strstr(err, want) != NULL,
                  "%s: error '%s' does not contain '%s'", path, err, want);
        CHECK_MSG(strchr(err, '\n') == NULL, "%s: message is not one line", path);
        mcf_problem_free(p);
        files++;
    }
    closedir(d);
    CHECK_MSG(files >= 52, "only %d corpus files", files);
}

/*
 * Write text to path (unless NULL), run `mycosim solve path` and return its
 * exit status, with the first line of its output (from_err = 0) or of its
 * error stream (from_err = 1) in line.
 */
static int test_mcf_solve_text(const char *path, const char *text, int from_err,
                               char *line, size_t len)
{
    if (text != NULL) {
        FILE *f = fopen(path, "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        fputs(text, f);
        fclose(f);
    }
    FILE *out = tmpfile(), *errf = tmpfile();
    CU_ASSERT_FATAL(out != NULL && errf != NULL);
    int rc = dimacs_solve_main(path, 0, out, errf);
    FILE *from = from_err ? errf : out;
    rewind(from);
    line[0] = '\0';
    if (fgets(line, (int)len, from) == NULL) {
        line[0] = '\0';
    }
    fclose(out);
    fclose(errf);
    return rc;
}

static void test_mcf_dimacs_round_trip_and_solve_output(void)
{
    mcf_gen_params prm;
    mcf_problem *p = NULL, *q = NULL;
    CU_ASSERT_EQUAL_FATAL(mcf_gen_preset("netgen-sqrt", 50, 3, &prm), MCF_OPTIMAL);
    CU_ASSERT_EQUAL_FATAL(mcf_gen(&prm, &p), MCF_OPTIMAL);
    p->cap[0] = MCF_INF;
    p->lower[1] = 1;
    char path[] = "/tmp/mycosim-mcf-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *f = fdopen(fd, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(dimacs_write(f, p, "round trip\nsecond comment line"), MCF_OPTIMAL);
    fclose(f);
    char err[512];
    CU_ASSERT_EQUAL_FATAL(dimacs_read_file(path, &q, err, sizeof err), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(q->n, p->n);
    CU_ASSERT_EQUAL_FATAL(q->m, p->m);
    int diff = 0;
    for (uint32_t e = 0; e < p->m; e++) {
        diff += q->tail[e] != p->tail[e] || q->head[e] != p->head[e] || q->lower[e] != p->lower[e]
                || q->cap[e] != p->cap[e] || q->cost[e] != p->cost[e];
    }
    for (uint32_t v = 0; v < p->n; v++) {
        diff += q->supply[v] != p->supply[v];
    }
    CU_ASSERT_EQUAL(diff, 0);

    /* solve: "cost N" then "f TAIL HEAD FLOW" lines that add up to N. */
    FILE *out = tmpfile(), *errf = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL_FATAL(errf);
    CU_ASSERT_EQUAL(dimacs_solve_main(path, 1, out, errf), 0);
    rewind(out);
    long long cost = -1;
    CU_ASSERT_EQUAL(fscanf(out, "cost %lld\n", &cost), 1);
    int64_t expect = 0;
    CU_ASSERT_EQUAL(test_mcf_solve_checked(q, &expect), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(cost, expect);
    unsigned a, b;
    long long x, sum = 0;
    uint32_t e = 0;
    while (fscanf(out, "f %u %u %lld\n", &a, &b, &x) == 3) {
        while (e < q->m && !(q->tail[e] + 1 == a && q->head[e] + 1 == b)) {
            e++;        /* input order: the next arc with these ends */
        }
        CU_ASSERT_FATAL(e < q->m);
        sum += x * q->cost[e];
        CU_ASSERT(x != 0);
        e++;
    }
    CU_ASSERT_EQUAL(sum, cost);
    fclose(out);
    fclose(errf);

    /* Infeasible: "infeasible", exit 1. Malformed or missing: exit 2, "mycosim: path[:line]: ...". */
    char line[256], want[600];
    CU_ASSERT_EQUAL(test_mcf_solve_text(path, "p min 2 1\nn 1 5\nn 2 -5\na 1 2 0 3 1\n", 0,
                                        line, sizeof line), 1);
    CU_ASSERT_STRING_EQUAL(line, "infeasible\n");
    CU_ASSERT_EQUAL(test_mcf_solve_text(path, "p min 2 1\na 1 3 0 3 1\n", 1, line, sizeof line), 2);
    snprintf(want, sizeof want, "mycosim: %s:2: arc head '3' is not in 1..2\n", path);
    CHECK_MSG(strcmp(line, want) == 0, "got '%s', want '%s'", line, want);
    CU_ASSERT_EQUAL(test_mcf_solve_text("/nonexistent/x.min", NULL, 1, line, sizeof line), 2);
    CHECK_MSG(strncmp(line, "mycosim: /nonexistent/x.min: ", 29) == 0, "got '%s'", line);
    unlink(path);
    mcf_problem_free(p);
    mcf_problem_free(q);
}

/* The objective is exact whenever it fits in int64 and refused when it does
 * not: `solve` on two arcs 1 -> 2 -> 1 with lower = cap = cost = 2^52 - 1
 * (issue 12: printed "cost -18014398509481982", exit 0) exits 2 naming the
 * cost; products of 2^104 that cancel give exactly 0; the int64 limits
 * themselves (2^63 - 1 and -2^63, reached through a partial sum past int64)
 * print exactly, one more is refused. */
static void test_mcf_cost_outside_int64_is_refused_never_wrapped(void)
{
    char path[] = "/tmp/mycosim-mcf-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    char line[256], want[600];
    static const struct {
        const char *text;       /* the DIMACS file */
        int rc;                 /* exit status of `solve` */
        int from_err;           /* the line to check is on the error stream */
        const char *line;       /* that line, after "mycosim: PATH: " on errors */
    } cases[] = {
        { "p min 2 2\na 1 2 4503599627370495 4503599627370495 4503599627370495\n"
          "a 2 1 4503599627370495 4503599627370495 4503599627370495\n", 2, 1,
          "the optimal cost, about 4.05648e+31, is outside the int64 range\n" },
        { "p min 2 2\na 1 2 4503599627370495 4503599627370495 4503599627370495\n"
          "a 2 1 4503599627370495 4503599627370495 -4503599627370495\n", 0, 0, "cost 0\n" },
        { "p min 2 2\nn 1 4503599627370496\nn 2 -4503599627370496\n"
          "a 1 2 0 4503599627370496 2048\na 1 1 1 1 -1\n", 0, 0, "cost 9223372036854775807\n" },
        { "p min 2 1\nn 1 4503599627370496\nn 2 -4503599627370496\n"
          "a 1 2 0 4503599627370496 2048\n", 2, 1,
          "the optimal cost, about 9.22337e+18, is outside the int64 range\n" },
        { "p min 2 1\nn 1 4503599627370496\nn 2 -4503599627370496\n"
          "a 1 2 0 4503599627370496 -2048\n", 0, 0, "cost -9223372036854775808\n" },
        { "p min 2 2\nn 1 4503599627370496\nn 2 -4503599627370496\n"
          "a 1 2 0 4503599627370496 -2048\na 1 1 1 1 -1\n", 2, 1,
          "the optimal cost, about -9.22337e+18, is outside the int64 range\n" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int rc = test_mcf_solve_text(path, cases[k].text, cases[k].from_err, line, sizeof line);
        if (cases[k].from_err) {
            snprintf(want, sizeof want, "mycosim: %s: %s", path, cases[k].line);
        } else {
            snprintf(want, sizeof want, "%s", cases[k].line);
        }
        CHECK_MSG(rc == cases[k].rc && strcmp(line, want) == 0,
                  "case %zu: exit %d, '%s'; want exit %d, '%s'", k, rc, line, cases[k].rc, want);
    }
    /* The library call: MCF_ERANGE and *cost untouched. */
    mcf_problem *p = NULL;
    char err[512];
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(cases[0].text, f);
    fclose(f);
    CU_ASSERT_EQUAL_FATAL(dimacs_read_file(path, &p, err, sizeof err), MCF_OPTIMAL);
    ns *w = ns_alloc(p->n, p->m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(ns_load(w, p), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(ns_solve(w), MCF_OPTIMAL);
    int64_t cost = 12345;
    CU_ASSERT_EQUAL(ns_total_cost(w, &cost), MCF_ERANGE);
    CU_ASSERT_EQUAL(cost, 12345);
    double approx = ns_total_cost_approx(w);
    CHECK_MSG(fabs(approx - 2.0 * 4503599627370495.0 * 4503599627370495.0) < 1e17,
              "approx %g", approx);
    ns_free(w);
    mcf_problem_free(p);
    unlink(path);
}

/* The flow total (mcf.h: sum |supply| + 2 |lower| + finite cap - lower) is
 * held at 2^61, which keeps every pivot's flow arithmetic inside int64: 512
 * supplies of +-2^52 load and solve; a 513th, or a finite capacity on top,
 * is refused by mcf_problem_check, ns_load, ns_set_supply and
 * ns_set_capacity, the last two leaving the problem unchanged. */
static void test_mcf_flow_total_past_limit_is_refused(void)
{
    const uint32_t n = 514, m = 256;
    const int64_t v = MCF_VALUE_MAX;
    mcf_problem *p = mcf_problem_new(n, m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    for (uint32_t e = 0; e < m; e++) {
        p->tail[e] = 2 * e;
        p->head[e] = 2 * e + 1;
        p->cap[e] = MCF_INF;
        p->cost[e] = 3;
        p->supply[2 * e] = v;
        p->supply[2 * e + 1] = -v;
    }
    int64_t total = -1, cost = -1;
    CU_ASSERT_EQUAL(mcf_problem_check(p, &total), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(total, MCF_TOTAL_MAX);
    ns *w = ns_alloc(n, m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL_FATAL(ns_load(w, p), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(ns_solve(w), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(ns_total_cost(w, &cost), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(cost, 3 * (INT64_C(1) << 60));
    CU_ASSERT_EQUAL(ns_set_supply(w, 512, 1), MCF_ERANGE);
    CU_ASSERT_EQUAL(ns_set_capacity(w, 0, 5), MCF_ERANGE);
    CU_ASSERT_EQUAL(ns_set_capacity(w, 0, MCF_INF), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(ns_set_supply(w, 0, v), MCF_OPTIMAL);      /* same value: allowed */
    CU_ASSERT_EQUAL(ns_solve(w), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(ns_total_cost(w, &cost), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(cost, 3 * (INT64_C(1) << 60));
    /* Room made by lowering one supply can be used elsewhere. */
    CU_ASSERT_EQUAL(ns_set_supply(w, 0, v - 7), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(ns_set_supply(w, 512, 7), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(ns_set_supply(w, 513, -1), MCF_ERANGE);
    p->supply[512] = 1;
    CU_ASSERT_EQUAL(mcf_problem_check(p, NULL), MCF_ERANGE);
    CU_ASSERT_EQUAL(ns_load(w, p), MCF_ERANGE);
    p->supply[512] = 0;
    p->lower[0] = 1;                    /* 2 |lower| counts even on an infinite arc */
    CU_ASSERT_EQUAL(ns_load(w, p), MCF_ERANGE);
    ns_free(w);
    mcf_problem_free(p);
}

/* Write len bytes of text to a new temporary file; its path goes to path. */
static void test_mcf_write_bytes(char *path, const char *text, size_t len)
{
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *f = fdopen(fd, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(text, 1, len, f), len);
    fclose(f);
}

/* The reader's bounds: a line of DIMACS_LINE_MAX bytes is read and one more
 * byte is refused (also a 1 MB comment, which used to be read whole); the
 * last line may lack its newline and CRLF is fine; /dev/zero and a
 * directory are refused at once by name; `mycosim solve /dev/zero` (which
 * grew without bound) exits 2 within a memory and time limit, and so does
 * /dev/zero through a pipe (NUL byte on line 1). */
static void test_mcf_dimacs_reader_bounds_lines_and_files(void)
{
    static char buf[(1 << 20) + 64];
    char err[512];
    mcf_problem *p = NULL;
    for (int extra = 0; extra <= 1; extra++) {
        size_t len = (size_t)snprintf(buf, sizeof buf, "c ");
        memset(buf + len, 'x', DIMACS_LINE_MAX - 2 + extra);
        len += DIMACS_LINE_MAX - 2 + extra;
        len += (size_t)snprintf(buf + len, sizeof buf - len, "\np min 2 1\na 1 2 0 1 1");
        char path[] = "/tmp/mycosim-mcf-XXXXXX";
        test_mcf_write_bytes(path, buf, len);
        mcf_status st = dimacs_read_file(path, &p, err, sizeof err);
        if (extra == 0) {
            CHECK_MSG(st == MCF_OPTIMAL && p != NULL && p->m == 1, "%d-byte line: %s",
                      DIMACS_LINE_MAX, st == MCF_OPTIMAL ? "ok" : err);
        } else {
            CHECK_MSG(st == MCF_EINPUT && strstr(err, ":1: line longer than 4096 bytes") != NULL,
                      "%d-byte line: '%s'", DIMACS_LINE_MAX + 1, err);
        }
        mcf_problem_free(p);
        p = NULL;
        unlink(path);
    }
    /* A 1 MB comment line. */
    size_t len = (size_t)snprintf(buf, sizeof buf, "p min 2 0\nc ");
    memset(buf + len, 'y', (size_t)1 << 20);
    len += (size_t)1 << 20;
    buf[len++] = '\n';
    char path[] = "/tmp/mycosim-mcf-XXXXXX";
    test_mcf_write_bytes(path, buf, len);
    CU_ASSERT_EQUAL(dimacs_read_file(path, &p, err, sizeof err), MCF_EINPUT);
    CHECK_MSG(strstr(err, ":2: line longer than 4096 bytes") != NULL, "got '%s'", err);
    unlink(path);
    /* CRLF line ends. */
    const char *crlf = "c made on windows\r\np min 2 1\r\nn 1 3\r\nn 2 -3\r\na 1 2 0 5 7\r\n";
    char path2[] = "/tmp/mycosim-mcf-XXXXXX";
    test_mcf_write_bytes(path2, crlf, strlen(crlf));
    CU_ASSERT_EQUAL(dimacs_read_file(path2, &p, err, sizeof err), MCF_OPTIMAL);
    CU_ASSERT(p != NULL && p->supply[0] == 3 && p->cost[0] == 7);
    mcf_problem_free(p);
    p = NULL;
    unlink(path2);
    /* Devices and directories. */
    CU_ASSERT_EQUAL(dimacs_read_file("/dev/zero", &p, err, sizeof err), MCF_EINPUT);
    CHECK_MSG(strcmp(err, "/dev/zero: not a regular file or a pipe") == 0, "got '%s'", err);
    CU_ASSERT_EQUAL(dimacs_read_file("tests/dimacs", &p, err, sizeof err), MCF_EINPUT);
    CHECK_MSG(strcmp(err, "tests/dimacs: is a directory") == 0, "got '%s'", err);
    CU_ASSERT_PTR_NULL(p);
    /* The binary, bounded by a time limit and (except under ASan, which
     * reserves terabytes of address space) a memory limit, so that a
     * regression fails instead of eating the machine. */
#if defined(__SANITIZE_ADDRESS__)
    const char *limit = "";
#else
    const char *limit = "ulimit -v 2000000; ";
#endif
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%stimeout 20 %s solve /dev/zero", limit, test_binary());
    int rc = test_run_cmd(cmd, err, sizeof err);
    CHECK_MSG(rc == 2 && strcmp(err, "mycosim: /dev/zero: not a regular file or a pipe\n") == 0,
              "solve /dev/zero: exit %d, '%s'", rc, err);
    snprintf(cmd, sizeof cmd, "%shead -c 100000000 /dev/zero | timeout 20 %s solve /dev/stdin",
             limit, test_binary());
    rc = test_run_cmd(cmd, err, sizeof err);
    CHECK_MSG(rc == 2 && strcmp(err, "mycosim: /dev/stdin:1: NUL byte in line\n") == 0,
              "solve /dev/stdin < /dev/zero: exit %d, '%s'", rc, err);
}

/* The generator is deterministic and its instances are feasible. */
static void test_mcf_generator_is_deterministic(void)
{
    mcf_gen_params prm;
    mcf_problem *p = NULL, *q = NULL;
    CU_ASSERT_EQUAL_FATAL(mcf_gen_preset("transport", 500, 99, &prm), MCF_OPTIMAL);
    CU_ASSERT_EQUAL_FATAL(mcf_gen(&prm, &p), MCF_OPTIMAL);
    CU_ASSERT_EQUAL_FATAL(mcf_gen(&prm, &q), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(p->m, 4000);
    int diff = 0;
    for (uint32_t e = 0; e < p->m; e++) {
        diff += p->tail[e] != q->tail[e] || p->cap[e] != q->cap[e] || p->cost[e] != q->cost[e];
    }
    CU_ASSERT_EQUAL(diff, 0);
    /* Known answer: the first draws of splitmix64 from seed 0. */
    uint64_t s = 0;
    CU_ASSERT_EQUAL(mcf_gen_next(&s), UINT64_C(0xE220A8397B1DCDAF));
    CU_ASSERT_EQUAL(mcf_gen_preset("nope", 10, 1, &prm), MCF_EINPUT);
    mcf_problem_free(p);
    mcf_problem_free(q);
}

/*
 * The flow checker, by hand: one arc 0 -> 1 with lower 2, capacity 5, cost 3,
 * supply 4 at node 0. Flow 4 is feasible with cost 12; flow 1 is below the
 * lower bound and 6 above the capacity (both with unbalanced nodes too), and
 * a second arc carrying 1 back and forth breaks conservation alone.
 */
static void test_mcf_flow_checker_enforces_bounds_and_conservation(void)
{
    mcf_problem *p = mcf_problem_new(2, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    p->tail[0] = 0, p->head[0] = 1, p->lower[0] = 2, p->cap[0] = 5, p->cost[0] = 3;
    p->tail[1] = 1, p->head[1] = 0, p->lower[1] = 0, p->cap[1] = 5, p->cost[1] = 1;
    p->supply[0] = 2, p->supply[1] = -2;
    int64_t cost = 0;
    int64_t ok[2] = { 2, 0 }, below[2] = { 1, -1 }, above[2] = { 6, 4 }, unbalanced[2] = { 3, 0 };
    CU_ASSERT_EQUAL(mcf_check_flow(p, ok, &cost), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(cost, 6);
    CU_ASSERT_EQUAL(mcf_check_flow(p, below, &cost), MCF_INFEASIBLE);   /* balanced, both arcs below */
    CU_ASSERT_EQUAL(mcf_check_flow(p, above, &cost), MCF_INFEASIBLE);   /* balanced, arc 0 above */
    CU_ASSERT_EQUAL(mcf_check_flow(p, unbalanced, &cost), MCF_INFEASIBLE);
    int64_t back[2] = { 3, 1 };                                          /* in bounds and balanced */
    CU_ASSERT_EQUAL(mcf_check_flow(p, back, &cost), MCF_OPTIMAL);
    CU_ASSERT_EQUAL(cost, 10);
    mcf_problem_free(p);
}

static CU_TestInfo mcf_tests[] = {
    { "generated families agree with glpk", test_mcf_generated_families_agree_with_glpk },
    { "flow checker enforces bounds and conservation", test_mcf_flow_checker_enforces_bounds_and_conservation },
    { "random small graphs agree with glpk", test_mcf_random_small_graphs_agree_with_glpk },
    { "infeasible problems are detected", test_mcf_infeasible_problems_are_detected },
    { "unbounded problems are detected", test_mcf_unbounded_problems_are_detected },
    { "warm start matches cold start", test_mcf_warm_start_matches_cold_start },
    { "init iterate test steps match solve", test_mcf_init_iterate_test_steps_match_solve },
    { "warm supply changes on families match cold and glpk",
      test_mcf_warm_supply_changes_on_families_match_cold_and_glpk },
    { "warm supply changes on large graphs match cold",
      test_mcf_warm_supply_changes_on_large_graphs_match_cold },
    { "warm resolves of random graphs match cold and glpk",
      test_mcf_warm_resolves_of_random_graphs_match_cold_and_glpk },
    { "dual repair proves infeasibility and recovers",
      test_mcf_dual_repair_proves_infeasibility_and_recovers },
    { "soft artificial costs give way to big M",
      test_mcf_soft_artificial_costs_give_way_to_big_m },
    { "warm after a negative uncapacitated arc matches cold",
      test_mcf_warm_after_negative_uncapacitated_arc_matches_cold },
    { "default pricing block follows graph and start",
      test_mcf_default_pricing_block_follows_graph_and_start },
    { "huge costs scale the optimum exactly", test_mcf_huge_costs_scale_the_optimum_exactly },
    { "clearing triangle by hand", test_mcf_clearing_triangle_by_hand },
    { "clearing random matches glpk lp", test_mcf_clearing_random_matches_glpk_lp },
    { "malformed dimacs corpus gives expected errors", test_mcf_malformed_dimacs_corpus_gives_expected_errors },
    { "dimacs round trip and solve output", test_mcf_dimacs_round_trip_and_solve_output },
    { "cost outside int64 is refused never wrapped", test_mcf_cost_outside_int64_is_refused_never_wrapped },
    { "flow total past limit is refused", test_mcf_flow_total_past_limit_is_refused },
    { "dimacs reader bounds lines and files", test_mcf_dimacs_reader_bounds_lines_and_files },
    { "generator is deterministic", test_mcf_generator_is_deterministic },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_mcf = { .pName = "mcf", .pTests = mcf_tests };
