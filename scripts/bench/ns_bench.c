/*
 * ns_bench.c -- benchmark driver for our network simplex (and GLPK okalg):
 * reads a DIMACS file, solves it, prints one line
 *     <solver> cost <C> solve_s <T> pivots <P>
 * where T is process CPU time of the solve only (reading excluded).
 *
 *     ns_bench FILE.min [ns|okalg|warm|warm-any]
 *
 * The warm modes solve cold, change the supplies of 1% of the nodes, and
 * time the re-solve (then check it against a cold solve of the new data).
 * Each change cancels d units of the optimal flow along a path of flow
 * carrying arcs, walked back from a node t to a node v: t's supply rises by
 * d and v's falls by d, so the new problem stays feasible and balanced.
 *   warm-any: t is any node with inflow and the walk stops after 1..64 arcs
 *             (or at a source): 1% of the supply vector's entries change,
 *             at nodes anywhere in the graph, the literal reading.
 *   warm:     t is a sink and the walk goes back to a source, so only the
 *             nodes that already have a supply or demand change (a stress
 *             case: on netgen-sqrt there are fewer of them than changes,
 *             and 7-27% of all supply moves).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dimacs.h"
#include "mcf_gen.h"
#include "mcf_glpk.h"
#include "netsimplex.h"

static double bench_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    char err[512];
    mcf_problem *p = NULL;
    if (argc < 2) {
        fprintf(stderr, "usage: ns_bench FILE.min [ns|okalg|warm|warm-any]\n");
        return 2;
    }
    const char *mode = argc > 2 ? argv[2] : "ns";
    if (dimacs_read_file(argv[1], &p, err, sizeof err) != MCF_OPTIMAL) {
        fprintf(stderr, "ns_bench: %s\n", err);
        return 2;
    }
    int64_t cost = 0;
    mcf_status st;
    double t0, t1;
    if (strcmp(mode, "okalg") == 0) {
        t0 = bench_cpu();
        st = mcf_glpk_okalg(p, &cost);
        t1 = bench_cpu();
        printf("okalg cost %" PRId64 " solve_s %.4f pivots 0 status %s\n", cost, t1 - t0,
               mcf_status_name(st));
        mcf_problem_free(p);
        return st == MCF_OPTIMAL ? 0 : 1;
    }
    ns *w = ns_alloc(p->n, p->m);
    if (w == NULL || ns_load(w, p) != MCF_OPTIMAL) {
        fprintf(stderr, "ns_bench: cannot load\n");
        return 1;
    }
    t0 = bench_cpu();
    st = ns_solve(w);
    t1 = bench_cpu();
    if (st == MCF_OPTIMAL && ns_total_cost(w, &cost) != MCF_OPTIMAL) {
        st = MCF_ERANGE;
    }
    int any = strcmp(mode, "warm-any") == 0;
    if ((any || strcmp(mode, "warm") == 0) && st == MCF_OPTIMAL) {
        double cold = t1 - t0;
        uint64_t cold_piv = ns_pivots(w);
        /* n / 200 path cancellations, 1% of the nodes (see the file comment):
         * the optimal flow is acyclic (costs are positive), so walking back
         * along the in-arc of largest flow reaches a source. */
        uint64_t rs = 2385;
        uint32_t changes = p->n / 200;
        int64_t *fl = malloc(p->m * sizeof *fl);
        uint32_t *first = calloc((size_t)p->n + 1, sizeof *first);
        uint32_t *in = malloc(p->m * sizeof *in);
        uint32_t *path = malloc(p->n * sizeof *path);
        if (fl == NULL || first == NULL || in == NULL || path == NULL) {
            return 1;
        }
        for (uint32_t e = 0; e < p->m; e++) {
            fl[e] = ns_flow(w, e);
            first[p->head[e] + 1]++;
        }
        for (uint32_t v = 0; v < p->n; v++) {
            first[v + 1] += first[v];
        }
        for (uint32_t e = 0; e < p->m; e++) {
            in[first[p->head[e]]++] = e;
        }
        for (uint32_t v = p->n; v > 0; v--) {
            first[v] = first[v - 1];
        }
        first[0] = 0;
        for (uint32_t i = 0; i < changes; i++) {
            uint32_t t;
            int tries = 0;
            do {
                t = (uint32_t)(mcf_gen_next(&rs) % p->n);
            } while ((any ? first[t] == first[t + 1] : p->supply[t] >= 0) && ++tries < 1000000);
            uint32_t v = t, len = 0;
            int64_t bott = any ? INT64_MAX : -p->supply[t];
            uint32_t stop = any ? (uint32_t)mcf_gen_range(&rs, 1, 64) : UINT32_MAX;
            while ((p->supply[v] <= 0 || (any && v == t)) && len < p->n && len < stop) {
                uint32_t best = UINT32_MAX;
                for (uint32_t k = first[v]; k < first[v + 1]; k++) {
                    if (fl[in[k]] > 0 && (best == UINT32_MAX || fl[in[k]] > fl[best])) {
                        best = in[k];
                    }
                }
                if (best == UINT32_MAX) {
                    break;
                }
                path[len++] = best;
                bott = fl[best] < bott ? fl[best] : bott;
                v = p->tail[best];
            }
            if (any ? len == 0 || bott == INT64_MAX : p->supply[v] <= 0 || bott <= 0) {
                continue;
            }
            if (!any) {
                bott = p->supply[v] < bott ? p->supply[v] : bott;
            }
            int64_t d = mcf_gen_range(&rs, 1, bott);
            for (uint32_t k = 0; k < len; k++) {
                fl[path[k]] -= d;
            }
            p->supply[v] -= d;
            p->supply[t] += d;
            if (ns_set_supply(w, v, p->supply[v]) != MCF_OPTIMAL
                || ns_set_supply(w, t, p->supply[t]) != MCF_OPTIMAL) {
                return 1;
            }
        }
        free(fl);
        free(first);
        free(in);
        free(path);
        t0 = bench_cpu();
        st = ns_solve(w);
        t1 = bench_cpu();
        int64_t wcost = 0;
        uint64_t warm_piv = ns_pivots(w);
        if (st == MCF_OPTIMAL && ns_total_cost(w, &wcost) != MCF_OPTIMAL) {
            st = MCF_ERANGE;
        }
        /* Cold re-solve of the changed problem for the same-optimum check. */
        ns_reset(w);
        double t2 = bench_cpu();
        mcf_status st2 = ns_solve(w);
        double t3 = bench_cpu();
        int64_t ccost = 0;
        if (st2 == MCF_OPTIMAL && ns_total_cost(w, &ccost) != MCF_OPTIMAL) {
            st2 = MCF_ERANGE;
        }
        printf("warm cost %" PRId64 " solve_s %.4f pivots %" PRIu64 " cold_s %.4f cold_pivots %" PRIu64
               " cold2_s %.4f same %d status %s\n", wcost, t1 - t0, warm_piv, cold, cold_piv,
               t3 - t2, wcost == ccost && st2 == st, mcf_status_name(st));
    } else {
        printf("ns cost %" PRId64 " solve_s %.4f pivots %" PRIu64 " status %s\n", cost, t1 - t0,
               ns_pivots(w), mcf_status_name(st));
    }
    ns_free(w);
    mcf_problem_free(p);
    return st == MCF_OPTIMAL ? 0 : 1;
}
