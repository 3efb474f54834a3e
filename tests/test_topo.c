/*
 * test_topo.c -- tests of sim/topo.c and the files under it (topofile.c,
 * topocsr.c): every kind's node and edge counts, the CSR against an
 * independent igraph build with the same seed, statistical and structural
 * properties of the random kinds, the cells uplinks, file reading (edgelist,
 * GML, GraphML) and the SIM_EINPUT messages, the bad-file corpus
 * tests/topo/bad/ (each NAME.<format> has its expected message in
 * NAME.expect), the hostile-file screens and topo_estimate.
 *
 * The tests may include igraph.h (the rule "igraph.h only in topo.c and the
 * files under it" is for the product): rebuilding a graph with igraph under
 * the same seed is the reference the CSR is compared with.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>
#include <time.h>

#include <CUnit/CUnit.h>
#include <igraph.h>
#include <gsl/gsl_cdf.h>

#include "places.h"
#include "test_util.h"
#include "topo.h"

/* --- Helpers ------------------------------------------------------------------- */

/* 1 if w is in v's (sorted) neighbour list. */
static int has_edge(const topo_graph *g, uint32_t v, uint32_t w)
{
    uint32_t lo = g->off[v];
    uint32_t hi = g->off[v + 1];

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (g->adj[mid] < w) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < g->off[v + 1] && g->adj[lo] == w;
}

/* CSR invariants: offsets, sorted lists without loops or repeats, symmetry. */
static void check_csr(const topo_graph *g)
{
    int ok = 1;

    CU_ASSERT_FALSE(g->complete);
    CU_ASSERT_PTR_NOT_NULL(g->off);
    if (g->off == NULL) {
        return;
    }
    CHECK_MSG(g->off[0] == 0, "off[0] = %u", (unsigned)g->off[0]);
    CHECK_MSG(g->off[g->n] == 2 * g->m, "off[n] = %u, 2m = %llu", (unsigned)g->off[g->n],
              (unsigned long long)(2 * g->m));
    for (uint32_t v = 0; v < g->n && ok; v++) {
        for (uint32_t i = g->off[v]; i < g->off[v + 1]; i++) {
            uint32_t w = g->adj[i];
            if (w >= g->n || w == v || (i > g->off[v] && g->adj[i - 1] >= w)
                || !has_edge(g, w, v)) {
                fprintf(stderr, "\n    bad CSR at node %u, entry %u -> %u\n", (unsigned)v,
                        (unsigned)i, (unsigned)w);
                ok = 0;
                break;
            }
        }
    }
    CU_ASSERT(ok);
}

/* The CSR has exactly igraph's nodes, edge count and neighbour sets. */
static void check_same_as_igraph(const topo_graph *g, const igraph_t *ig)
{
    igraph_vector_int_t nb;
    int ok = 1;

    CHECK_MSG((igraph_integer_t)g->n == igraph_vcount(ig), "n = %u, igraph %lld", (unsigned)g->n,
              (long long)igraph_vcount(ig));
    CHECK_MSG((igraph_integer_t)g->m == igraph_ecount(ig), "m = %llu, igraph %lld",
              (unsigned long long)g->m, (long long)igraph_ecount(ig));
    if ((igraph_integer_t)g->n != igraph_vcount(ig)) {
        return;
    }
    CU_ASSERT_FATAL(igraph_vector_int_init(&nb, 0) == IGRAPH_SUCCESS);
    for (uint32_t v = 0; v < g->n && ok; v++) {
        CU_ASSERT_FATAL(igraph_neighbors(ig, &nb, v, IGRAPH_ALL) == IGRAPH_SUCCESS);
        igraph_vector_int_sort(&nb);
        if (igraph_vector_int_size(&nb) != (igraph_integer_t)topo_degree(g, v)) {
            fprintf(stderr, "\n    node %u: degree %u, igraph %lld\n", (unsigned)v,
                    (unsigned)topo_degree(g, v), (long long)igraph_vector_int_size(&nb));
            ok = 0;
            break;
        }
        for (uint32_t i = 0; i < topo_degree(g, v); i++) {
            if ((igraph_integer_t)g->adj[g->off[v] + i] != VECTOR(nb)[i]) {
                fprintf(stderr, "\n    node %u: neighbour %u is %u, igraph %lld\n", (unsigned)v,
                        (unsigned)i, (unsigned)g->adj[g->off[v] + i], (long long)VECTOR(nb)[i]);
                ok = 0;
                break;
            }
        }
    }
    CU_ASSERT(ok);
    igraph_vector_int_destroy(&nb);
}

/* Build cfg or fail the test with topo_build's message. */
static int build(const topo_cfg *cfg, uint64_t seed, topo_graph *g)
{
    char msg[256];
    sim_err err = topo_build(cfg, seed, NULL, g, msg, sizeof msg);

    CHECK_MSG(err == SIM_OK, "topo_build(%s) = %d: %s", topo_kinds[cfg->kind], (int)err, msg);
    return err == SIM_OK;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
    char path[512];

    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
}

static const sim_param *find_param(int kind, const char *key)
{
    for (const sim_param *p = topo_params(kind); p != NULL && p->key != NULL; p++) {
        if (strcmp(p->key, key) == 0) {
            return p;
        }
    }
    return NULL;
}

/* --- Names and parameter tables ------------------------------------------------ */

static void test_topo_kind_names_follow_enum_order(void)
{
    CU_ASSERT_STRING_EQUAL(topo_kinds[TOPO_COMPLETE], "complete");
    CU_ASSERT_STRING_EQUAL(topo_kinds[TOPO_ERDOS_RENYI], "erdos_renyi");
    CU_ASSERT_STRING_EQUAL(topo_kinds[TOPO_BARABASI_ALBERT], "barabasi_albert");
    CU_ASSERT_STRING_EQUAL(topo_kinds[TOPO_WATTS_STROGATZ], "watts_strogatz");
    CU_ASSERT_STRING_EQUAL(topo_kinds[TOPO_GEOMETRIC], "geometric");
    CU_ASSERT_STRING_EQUAL(topo_kinds[TOPO_LATTICE], "lattice");
    CU_ASSERT_STRING_EQUAL(topo_kinds[TOPO_RING], "ring");
    CU_ASSERT_STRING_EQUAL(topo_kinds[TOPO_CELLS], "cells");
    CU_ASSERT_STRING_EQUAL(topo_kinds[TOPO_FILE], "file");
    CU_ASSERT_STRING_EQUAL(topo_kinds[TOPO_EXPLICIT], "explicit");
    CU_ASSERT_EQUAL(TOPO_EXPLICIT, 9);              /* appended: the others keep their numbers */
    CU_ASSERT_PTR_NULL(topo_kinds[TOPO_EXPLICIT + 1]);
}

static void test_topo_params_list_each_kinds_keys_with_required_flags(void)
{
    static const char *const keys[][5] = {
        { "n", NULL }, { "n", "degree", NULL }, { "n", "m", "generator", NULL }, { "n", "k", "p", NULL },
        { "n", "radius", NULL }, { "dims", "periodic", NULL }, { "n", NULL },
        { "cells", "size", "gateways", "uplink", NULL }, { "path", "format", NULL },
        { NULL }                                    /* explicit: nodes, edges read by the loader */
    };

    for (int kind = 0; topo_kinds[kind] != NULL; kind++) {
        const sim_param *p = topo_params(kind);
        int count = 0;
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        for (; p->key != NULL; p++) {
            count++;
            CHECK_MSG(p->help != NULL && p->help[0] != '\0', "%s.%s has no help",
                      topo_kinds[kind], p->key);
        }
        for (int i = 0; keys[kind][i] != NULL; i++) {
            CHECK_MSG(find_param(kind, keys[kind][i]) != NULL, "%s lacks %s", topo_kinds[kind],
                      keys[kind][i]);
            count--;
        }
        CHECK_MSG(count == 0, "%s has %d unexpected keys", topo_kinds[kind], count);
    }
    CU_ASSERT_PTR_NULL(topo_params(TOPO_EXPLICIT + 1));
    CU_ASSERT_PTR_NULL(topo_params(-1));
    CU_ASSERT(find_param(TOPO_ERDOS_RENYI, "n")->flags & SIM_PF_REQUIRED);
    CU_ASSERT(find_param(TOPO_ERDOS_RENYI, "degree")->flags & SIM_PF_MIN_OPEN);
    CU_ASSERT(find_param(TOPO_WATTS_STROGATZ, "p")->flags & SIM_PF_REQUIRED);
    CU_ASSERT(find_param(TOPO_FILE, "path")->flags & SIM_PF_REQUIRED);
    CU_ASSERT_FALSE(find_param(TOPO_CELLS, "gateways")->flags & SIM_PF_REQUIRED);
    CU_ASSERT_DOUBLE_EQUAL(find_param(TOPO_CELLS, "gateways")->def, 1.0, 0.0);
    CU_ASSERT_EQUAL(find_param(TOPO_CELLS, "uplink")->type, SIM_PT_ENUM);
    CU_ASSERT_STRING_EQUAL(find_param(TOPO_CELLS, "uplink")->choices[TOPO_UPLINK_STAR], "star");
    CU_ASSERT_STRING_EQUAL(find_param(TOPO_FILE, "format")->choices[TOPO_FMT_GML], "gml");
    CU_ASSERT_DOUBLE_EQUAL(find_param(TOPO_RING, "n")->min, 3.0, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(find_param(TOPO_COMPLETE, "n")->min, 2.0, 0.0);
}

/* --- Deterministic kinds ---------------------------------------------------------- */

static void test_topo_ring_has_n_edges_each_node_linked_to_both_sides(void)
{
    topo_cfg cfg = { .kind = TOPO_RING, .n = 1237 };
    topo_graph g;

    if (!build(&cfg, 4711, &g)) {
        return;
    }
    CU_ASSERT_EQUAL(g.n, 1237);
    CU_ASSERT_EQUAL(g.m, 1237);
    check_csr(&g);
    for (uint32_t v = 0; v < g.n; v++) {
        CU_ASSERT_EQUAL(topo_degree(&g, v), 2);
        CU_ASSERT(has_edge(&g, v, (v + 1) % g.n));
    }
    CU_ASSERT_PTR_NULL(g.x);
    CU_ASSERT_PTR_NULL(g.cell);
    topo_free(&g);
}

static void test_topo_complete_stores_no_edges(void)
{
    topo_cfg cfg = { .kind = TOPO_COMPLETE, .n = 4321 };
    topo_graph g;

    if (!build(&cfg, 99, &g)) {
        return;
    }
    CU_ASSERT_EQUAL(g.n, 4321);
    CU_ASSERT_EQUAL(g.m, (uint64_t)4321 * 4320 / 2);
    CU_ASSERT_EQUAL(g.complete, 1);
    CU_ASSERT_PTR_NULL(g.off);
    CU_ASSERT_PTR_NULL(g.adj);
    CU_ASSERT_EQUAL(topo_degree(&g, 17), 4320);
    topo_free(&g);
}

static void test_topo_lattice_2d_counts_and_unit_square_coordinates(void)
{
    static const int64_t dims[] = { 37, 23 };
    topo_cfg cfg = { .kind = TOPO_LATTICE, .dims = { 2, dims } };
    topo_graph g;
    int ok = 1;

    if (!build(&cfg, 1, &g)) {
        return;
    }
    CU_ASSERT_EQUAL(g.n, 37 * 23);
    CU_ASSERT_EQUAL(g.m, 37 * 22 + 23 * 36);
    check_csr(&g);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.x);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.y);
    CU_ASSERT_DOUBLE_EQUAL(g.x[0], 0.0, 1e-7);
    CU_ASSERT_DOUBLE_EQUAL(g.y[0], 0.0, 1e-7);
    CU_ASSERT_DOUBLE_EQUAL(g.x[g.n - 1], 1.0, 1e-7);
    CU_ASSERT_DOUBLE_EQUAL(g.y[g.n - 1], 1.0, 1e-7);
    /* Every edge is one grid step along exactly one axis. */
    for (uint32_t v = 0; v < g.n; v++) {
        for (uint32_t i = g.off[v]; i < g.off[v + 1]; i++) {
            double dx = fabs((double)g.x[v] - g.x[g.adj[i]]);
            double dy = fabs((double)g.y[v] - g.y[g.adj[i]]);
            int step_x = fabs(dx - 1.0 / 36) < 1e-6 && dy < 1e-6;
            int step_y = fabs(dy - 1.0 / 22) < 1e-6 && dx < 1e-6;
            if (!step_x && !step_y) {
                fprintf(stderr, "\n    edge %u-%u: dx %g dy %g\n", (unsigned)v,
                        (unsigned)g.adj[i], dx, dy);
                ok = 0;
            }
        }
    }
    CU_ASSERT(ok);
    topo_free(&g);
}

static void test_topo_lattice_3d_counts_without_coordinates(void)
{
    static const int64_t dims[] = { 4, 5, 6 };
    topo_cfg cfg = { .kind = TOPO_LATTICE, .dims = { 3, dims } };
    topo_graph g;

    if (!build(&cfg, 1, &g)) {
        return;
    }
    CU_ASSERT_EQUAL(g.n, 120);
    CU_ASSERT_EQUAL(g.m, 3 * 5 * 6 + 4 * 4 * 6 + 4 * 5 * 5);
    CU_ASSERT_PTR_NULL(g.x);
    CU_ASSERT_PTR_NULL(g.y);
    check_csr(&g);
    topo_free(&g);
}

static void test_topo_lattice_periodic_is_a_simple_torus(void)
{
    static const int64_t torus[] = { 7, 5 };
    static const int64_t thin[] = { 2, 6 };
    static const int64_t line[] = { 1, 5 };
    topo_cfg cfg = { .kind = TOPO_LATTICE, .dims = { 2, torus }, .periodic = 1 };
    topo_graph g;

    if (build(&cfg, 1, &g)) {
        CU_ASSERT_EQUAL(g.n, 35);
        CU_ASSERT_EQUAL(g.m, 70);
        check_csr(&g);
        for (uint32_t v = 0; v < g.n; v++) {
            CU_ASSERT_EQUAL(topo_degree(&g, v), 4);
        }
        topo_free(&g);
    }
    /* A wrapped side of 2 would double its edges: one edge per pair remains. */
    cfg.dims.values = thin;
    if (build(&cfg, 1, &g)) {
        CHECK_MSG(g.m == 6 + 2 * 6, "m = %llu, expected 18", (unsigned long long)g.m);
        check_csr(&g);
        topo_free(&g);
    }
    /* A wrapped side of 1 would be a loop: what remains is a ring of 5. */
    cfg.dims.values = line;
    if (build(&cfg, 1, &g)) {
        CHECK_MSG(g.m == 5, "m = %llu, expected 5", (unsigned long long)g.m);
        check_csr(&g);
        topo_free(&g);
    }
}

/* --- Random kinds against igraph --------------------------------------------- */

static void test_topo_csr_equals_igraph_rebuilt_with_same_seed(void)
{
    static const int64_t dims[] = { 13, 17 };
    const uint64_t seed = 20240917;
    topo_cfg cfgs[] = {
        { .kind = TOPO_ERDOS_RENYI, .n = 3001, .degree = 5.75 },
        { .kind = TOPO_BARABASI_ALBERT, .n = 2503, .m = 3, .generator = TOPO_GEN_IGRAPH },
        { .kind = TOPO_WATTS_STROGATZ, .n = 1999, .k = 6, .p = 0.237 },
        { .kind = TOPO_GEOMETRIC, .n = 1500, .radius = 0.0613 },
        { .kind = TOPO_LATTICE, .dims = { 2, dims } },
        { .kind = TOPO_RING, .n = 101 },
    };

    for (size_t c = 0; c < sizeof cfgs / sizeof cfgs[0]; c++) {
        const topo_cfg *cfg = &cfgs[c];
        topo_graph g;
        igraph_t ig;
        igraph_vector_int_t dv;
        igraph_error_t rc = IGRAPH_FAILURE;

        if (!build(cfg, seed, &g)) {
            continue;
        }
        check_csr(&g);
        igraph_rng_seed(igraph_rng_default(), seed);
        switch (cfg->kind) {
        case TOPO_ERDOS_RENYI:
            rc = igraph_erdos_renyi_game_gnp(&ig, cfg->n, cfg->degree / (double)(cfg->n - 1),
                                             IGRAPH_UNDIRECTED, 0);
            break;
        case TOPO_BARABASI_ALBERT:
            rc = igraph_barabasi_game(&ig, cfg->n, 1.0, cfg->m, NULL, 0, 1.0, IGRAPH_UNDIRECTED,
                                      IGRAPH_BARABASI_PSUMTREE, NULL);
            break;
        case TOPO_WATTS_STROGATZ:
            rc = igraph_watts_strogatz_game(&ig, 1, cfg->n, cfg->k / 2, cfg->p, 0, 0);
            break;
        case TOPO_GEOMETRIC:
            rc = igraph_grg_game(&ig, cfg->n, cfg->radius, 0, NULL, NULL);
            break;
        case TOPO_LATTICE:
            igraph_vector_int_init(&dv, 2);
            VECTOR(dv)[0] = 13;
            VECTOR(dv)[1] = 17;
            rc = igraph_square_lattice(&ig, &dv, 1, IGRAPH_UNDIRECTED, 0, NULL);
            igraph_vector_int_destroy(&dv);
            break;
        case TOPO_RING:
            rc = igraph_ring(&ig, cfg->n, IGRAPH_UNDIRECTED, 0, 1);
            break;
        default:
            break;
        }
        CHECK_MSG(rc == IGRAPH_SUCCESS, "igraph rebuild of %s failed", topo_kinds[cfg->kind]);
        if (rc == IGRAPH_SUCCESS) {
            check_same_as_igraph(&g, &ig);
            igraph_destroy(&ig);
        }
        topo_free(&g);
    }
}

/* The direct generator: node v > 0 has exactly min(m, v) neighbours older than itself. */
static void test_topo_barabasi_albert_direct_links_each_node_to_min_m_v_older_ones(void)
{
    static const int64_t ms[] = { 1, 3, 20 };   /* 20: the stamp path for large m */
    for (size_t c = 0; c < sizeof ms / sizeof ms[0]; c++) {
        topo_cfg cfg = { .kind = TOPO_BARABASI_ALBERT, .n = 4001, .m = ms[c] };
        topo_graph g;
        if (!build(&cfg, 4242 + c, &g)) {
            return;
        }
        check_csr(&g);
        uint32_t m = (uint32_t)ms[c], bad = 0;
        for (uint32_t v = 0; v < g.n; v++) {
            uint32_t older = 0;
            for (uint32_t i = g.off[v]; i < g.off[v + 1]; i++) {
                older += g.adj[i] < v;
            }
            bad += older != (v < m ? v : m);
        }
        CHECK_MSG(bad == 0, "m = %u: %u nodes without min(m, v) older neighbours", m, bad);
        topo_free(&g);
    }
}

/* Pooled degree histogram of `seeds` graphs into bins: degree m .. m+9, then three wide bins. */
enum { BA_BINS = 13 };
static void ba_degree_histogram(topo_cfg cfg, uint64_t seed0, int seeds, double *bins)
{
    for (int s = 0; s < seeds; s++) {
        topo_graph g;
        if (!build(&cfg, seed0 + (uint64_t)s, &g)) {
            return;
        }
        for (uint32_t v = 0; v < g.n; v++) {
            int64_t d = (int64_t)topo_degree(&g, v) - cfg.m;
            int b = d < 0 ? 0 : d < 10 ? (int)d : d < 17 ? 10 : d < 47 ? 11 : 12;
            bins[b]++;
        }
        topo_free(&g);
    }
}

/*
 * Same law as igraph_barabasi_game (psumtree, power 1, A = 1): the pooled
 * degree histograms of 5 + 5 graphs of 20,000 nodes, m = 3, pass a
 * two-sample chi-square test (12 degrees of freedom) at the 0.1% level. The
 * two generators draw differently, so only the law can agree. A wrong
 * weight (degree instead of degree + 1) moves the degree-3 bin alone by
 * about 0.05 x 100,000 = 5,000 nodes and fails by a wide margin.
 */
static void test_topo_barabasi_albert_direct_has_igraphs_degree_law(void)
{
    double a[BA_BINS] = { 0 }, b[BA_BINS] = { 0 }, chi2 = 0.0;
    topo_cfg direct = { .kind = TOPO_BARABASI_ALBERT, .n = 20000, .m = 3 };
    topo_cfg viaig = direct;
    viaig.generator = TOPO_GEN_IGRAPH;
    ba_degree_histogram(direct, 100, 5, a);
    ba_degree_histogram(viaig, 200, 5, b);
    for (int i = 0; i < BA_BINS; i++) {
        if (a[i] + b[i] > 0) {
            chi2 += (a[i] - b[i]) * (a[i] - b[i]) / (a[i] + b[i]);   /* equal totals */
        }
    }
    double p = gsl_cdf_chisq_Q(chi2, BA_BINS - 1);
    printf("[deg 3: %.0f vs %.0f, deg >= 50: %.0f vs %.0f, chi2 %.1f, p %.3f] ",
           a[0], b[0], a[12], b[12], chi2, p);
    CHECK_MSG(p > 0.001, "degree histograms differ: chi2 = %.1f, p = %.2g", chi2, p);
}

static void test_topo_barabasi_albert_edges_are_sum_of_min_m_i(void)
{
    /* Node i > 0 brings min(m, i) distinct edges (no start graph), with either generator. */
    for (int gen = TOPO_GEN_DIRECT; gen <= TOPO_GEN_IGRAPH; gen++) {
        topo_cfg cfg = { .kind = TOPO_BARABASI_ALBERT, .n = 5003, .m = 4, .generator = gen };
        topo_graph g;
        uint64_t want = 1 + 2 + 3 + (uint64_t)4 * (5003 - 4);

        if (!build(&cfg, 777, &g)) {
            return;
        }
        CU_ASSERT_EQUAL(g.n, 5003);
        CHECK_MSG(g.m == want, "generator %d: m = %llu, expected %llu", gen,
                  (unsigned long long)g.m, (unsigned long long)want);
        check_csr(&g);
        topo_free(&g);
    }
}

static void test_topo_erdos_renyi_mean_degree_close_to_requested(void)
{
    /*
     * n = 20000, degree 4: m ~ Binomial(n(n-1)/2, p) with mean n*4/2 = 40000
     * and variance ~40000, so sd(m) ~ 200 and sd(2m/n) ~ 400/20000 = 0.02.
     * The +-0.1 tolerance is five standard deviations.
     */
    topo_cfg cfg = { .kind = TOPO_ERDOS_RENYI, .n = 20000, .degree = 4.0 };
    topo_graph g;
    double mean;

    if (!build(&cfg, 314159, &g)) {
        return;
    }
    mean = 2.0 * (double)g.m / (double)g.n;
    CHECK_MSG(fabs(mean - 4.0) < 0.1, "mean degree %g, expected 4 +- 0.1", mean);
    check_csr(&g);
    topo_free(&g);
}

static void test_topo_watts_strogatz_without_rewiring_is_k_regular_ring(void)
{
    topo_cfg cfg = { .kind = TOPO_WATTS_STROGATZ, .n = 1000, .k = 6, .p = 0.0 };
    topo_graph g;
    int ok = 1;

    if (!build(&cfg, 5, &g)) {
        return;
    }
    CU_ASSERT_EQUAL(g.m, 3000);
    check_csr(&g);
    for (uint32_t v = 0; v < g.n; v++) {
        ok &= topo_degree(&g, v) == 6;
        for (uint32_t d = 1; d <= 3; d++) {
            ok &= has_edge(&g, v, (v + d) % g.n);
        }
    }
    CU_ASSERT(ok);
    topo_free(&g);
}

static void test_topo_watts_strogatz_keeps_nk_over_2_edges_for_any_p(void)
{
    static const double ps[] = { 0.05, 0.382, 1.0 };

    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        topo_cfg cfg = { .kind = TOPO_WATTS_STROGATZ, .n = 2017, .k = 8, .p = ps[i] };
        topo_graph g;
        if (!build(&cfg, 11 + i, &g)) {
            continue;
        }
        CHECK_MSG(g.m == 2017 * 4, "p = %g: m = %llu, expected %d", ps[i],
                  (unsigned long long)g.m, 2017 * 4);
        check_csr(&g);
        topo_free(&g);
    }
}

static void test_topo_geometric_links_exactly_the_pairs_within_radius(void)
{
    /* Coordinates are stored as float: allow 1e-6 either side of the radius. */
    const double r = 0.0851;
    topo_cfg cfg = { .kind = TOPO_GEOMETRIC, .n = 600, .radius = r };
    topo_graph g;
    int bad_edge = 0, bad_non_edge = 0;
    uint64_t close = 0;

    if (!build(&cfg, 8675309, &g)) {
        return;
    }
    check_csr(&g);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.x);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.y);
    for (uint32_t u = 0; u < g.n; u++) {
        CU_ASSERT(g.x[u] >= 0.0f && g.x[u] <= 1.0f && g.y[u] >= 0.0f && g.y[u] <= 1.0f);
        for (uint32_t v = u + 1; v < g.n; v++) {
            double d = hypot((double)g.x[u] - g.x[v], (double)g.y[u] - g.y[v]);
            int e = has_edge(&g, u, v);
            bad_edge += e && d > r + 1e-6;
            bad_non_edge += !e && d <= r - 1e-6;
            close += d <= r;
        }
    }
    CHECK_MSG(bad_edge == 0, "%d edges longer than the radius", bad_edge);
    CHECK_MSG(bad_non_edge == 0, "%d close pairs not linked", bad_non_edge);
    CHECK_MSG(close > 0 && (uint64_t)llabs((long long)close - (long long)g.m) <= 2,
              "%llu close pairs, %llu edges", (unsigned long long)close, (unsigned long long)g.m);
    topo_free(&g);
}

static void test_topo_same_seed_same_graph_other_seed_differs(void)
{
    topo_cfg cfg = { .kind = TOPO_BARABASI_ALBERT, .n = 3000, .m = 2 };
    topo_graph a, b, c;

    if (!build(&cfg, 123456789, &a)) {
        return;
    }
    if (build(&cfg, 123456789, &b)) {
        CU_ASSERT_EQUAL(a.m, b.m);
        CU_ASSERT(memcmp(a.off, b.off, ((size_t)a.n + 1) * sizeof *a.off) == 0);
        CU_ASSERT(memcmp(a.adj, b.adj, 2 * (size_t)a.m * sizeof *a.adj) == 0);
        topo_free(&b);
    }
    if (build(&cfg, 987654321, &c)) {
        CU_ASSERT(a.m == c.m);  /* BA's edge count does not depend on the seed */
        CU_ASSERT(memcmp(a.off, c.off, ((size_t)a.n + 1) * sizeof *a.off) != 0
                  || memcmp(a.adj, c.adj, 2 * (size_t)a.m * sizeof *a.adj) != 0);
        topo_free(&c);
    }
    topo_free(&a);
}

/* --- Cells ------------------------------------------------------------------------ */

/* The rule of the cells kind, written independently of topo.c. */
static int cells_linked(const topo_cfg *cfg, uint32_t u, uint32_t v)
{
    uint32_t size = (uint32_t)cfg->size;
    uint32_t cells = (uint32_t)cfg->cells;
    uint32_t cu = u / size, cv = v / size, iu = u % size, iv = v % size;

    if (u == v) {
        return 0;
    }
    if (cu == cv) {
        return 1;
    }
    if (iu != iv || iu >= (uint32_t)cfg->gateways) {
        return 0;
    }
    switch (cfg->uplink) {
    case TOPO_UPLINK_STAR:
        return cu == 0 || cv == 0;
    case TOPO_UPLINK_COMPLETE:
        return 1;
    default:
        return (cu + 1) % cells == cv || (cv + 1) % cells == cu;
    }
}

static void check_cells_against_reference(const topo_cfg *cfg)
{
    topo_graph g;
    igraph_vector_int_t el;
    igraph_t ig;
    uint32_t n = (uint32_t)(cfg->cells * cfg->size);

    if (!build(cfg, 3, &g)) {
        return;
    }
    check_csr(&g);
    CU_ASSERT_EQUAL(g.n, n);
    CU_ASSERT_EQUAL(g.ncells, (uint32_t)cfg->cells);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.cell);
    for (uint32_t v = 0; v < n; v++) {
        CU_ASSERT_EQUAL(g.cell[v], v / (uint32_t)cfg->size);
    }
    CU_ASSERT_FATAL(igraph_vector_int_init(&el, 0) == IGRAPH_SUCCESS);
    for (uint32_t u = 0; u < n; u++) {
        for (uint32_t v = u + 1; v < n; v++) {
            if (cells_linked(cfg, u, v)) {
                igraph_vector_int_push_back(&el, u);
                igraph_vector_int_push_back(&el, v);
            }
        }
    }
    CU_ASSERT_FATAL(igraph_create(&ig, &el, n, IGRAPH_UNDIRECTED) == IGRAPH_SUCCESS);
    check_same_as_igraph(&g, &ig);
    igraph_destroy(&ig);
    igraph_vector_int_destroy(&el);
    topo_free(&g);
}

static void test_topo_cells_match_the_rule_for_every_uplink(void)
{
    static const int64_t shapes[][3] = {   /* cells, size, gateways */
        { 7, 5, 2 }, { 2, 4, 3 }, { 1, 6, 1 }, { 3, 3, 3 }, { 11, 1, 1 }
    };

    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        for (int up = TOPO_UPLINK_RING; up <= TOPO_UPLINK_COMPLETE; up++) {
            topo_cfg cfg = { .kind = TOPO_CELLS, .cells = shapes[s][0], .size = shapes[s][1],
                             .gateways = shapes[s][2], .uplink = up };
            check_cells_against_reference(&cfg);
        }
    }
}

static void test_topo_cells_are_cliques_joined_only_through_gateways(void)
{
    topo_cfg cfg = { .kind = TOPO_CELLS, .cells = 9, .size = 12, .gateways = 3,
                     .uplink = TOPO_UPLINK_RING };
    topo_graph g;
    int ok = 1;

    if (!build(&cfg, 3, &g)) {
        return;
    }
    for (uint32_t u = 0; u < g.n; u++) {
        for (uint32_t v = 0; v < g.n; v++) {
            if (u != v && g.cell[u] == g.cell[v]) {
                ok &= has_edge(&g, u, v);
            }
        }
        for (uint32_t i = g.off[u]; i < g.off[u + 1]; i++) {
            uint32_t w = g.adj[i];
            if (g.cell[w] != g.cell[u]) {
                ok &= u % 12 < 3 && w % 12 < 3;
            }
        }
    }
    CU_ASSERT(ok);
    topo_free(&g);
}

static void test_topo_cells_uplink_edge_counts(void)
{
    /* 7 cells of 5 (10 edges each), 2 gateways: ring 7, star 6, complete 21 per gateway. */
    static const uint64_t per_gateway[] = { 7, 6, 21 };

    for (int up = TOPO_UPLINK_RING; up <= TOPO_UPLINK_COMPLETE; up++) {
        topo_cfg cfg = { .kind = TOPO_CELLS, .cells = 7, .size = 5, .gateways = 2, .uplink = up };
        topo_graph g;
        if (!build(&cfg, 3, &g)) {
            continue;
        }
        CHECK_MSG(g.m == 70 + 2 * per_gateway[up], "uplink %d: m = %llu, expected %llu", up,
                  (unsigned long long)g.m, (unsigned long long)(70 + 2 * per_gateway[up]));
        topo_free(&g);
    }
    /* Two cells in a ring: one link per gateway, not two. */
    {
        topo_cfg cfg = { .kind = TOPO_CELLS, .cells = 2, .size = 4, .gateways = 3,
                         .uplink = TOPO_UPLINK_RING };
        topo_graph g;
        if (build(&cfg, 3, &g)) {
            CU_ASSERT_EQUAL(g.m, 2 * 6 + 3);
            topo_free(&g);
        }
    }
}

/* --- Files ------------------------------------------------------------------------ */

static const char gml_text[] =
    "Creator \"test_topo\"\n"
    "graph [\n"
    "  directed 1\n"
    "  node [ id 0 ]\n  node [ id 1 ]\n  node [ id 2 ]\n  node [ id 3 ]\n"
    "  edge [ source 0 target 1 ]\n"
    "  edge [ source 1 target 0 ]\n"
    "  edge [ source 1 target 2 ]\n"
    "  edge [ source 2 target 2 ]\n"
    "  edge [ source 2 target 3 ]\n"
    "]\n";

static const char graphml_text[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
    "  <graph id=\"G\" edgedefault=\"undirected\">\n"
    "    <node id=\"a\"/><node id=\"b\"/><node id=\"c\"/><node id=\"d\"/><node id=\"e\"/>\n"
    "    <edge source=\"a\" target=\"b\"/>\n"
    "    <edge source=\"b\" target=\"c\"/>\n"
    "    <edge source=\"c\" target=\"a\"/>\n"
    "    <edge source=\"b\" target=\"a\"/>\n"
    "    <edge source=\"d\" target=\"e\"/>\n"
    "  </graph>\n"
    "</graphml>\n";

static void test_topo_file_edgelist_drops_loops_and_duplicate_edges(void)
{
    char dir[64];
    char msg[256];
    topo_cfg cfg = { .kind = TOPO_FILE, .path = "g.txt", .format = TOPO_FMT_EDGELIST };
    topo_graph g;
    sim_err err;

    test_tmpdir(dir, sizeof dir);
    CU_ASSERT_FATAL(dir[0] != '\0');
    write_file(dir, "g.txt", "0 1\n1 2\n2 2\n1 0\n0 1\n3 4\n");
    err = topo_build(&cfg, 1, dir, &g, msg, sizeof msg);
    CHECK_MSG(err == SIM_OK, "err %d: %s", (int)err, msg);
    if (err == SIM_OK) {
        CU_ASSERT_EQUAL(g.n, 5);
        CU_ASSERT_EQUAL(g.m, 3);
        check_csr(&g);
        CU_ASSERT_EQUAL(topo_degree(&g, 1), 2);
        CU_ASSERT(has_edge(&g, 1, 0) && has_edge(&g, 1, 2) && has_edge(&g, 3, 4));
        CU_ASSERT_FALSE(has_edge(&g, 2, 2));
        topo_free(&g);
    }
    remove_file(dir, "g.txt");
    rmdir(dir);
}

static void test_topo_file_gml_and_graphml_are_read_undirected_and_simple(void)
{
    char dir[64];
    char msg[256];
    char abs_path[128];
    topo_cfg cfg = { .kind = TOPO_FILE, .path = "g.gml", .format = TOPO_FMT_GML };
    topo_graph g;
    sim_err err;

    test_tmpdir(dir, sizeof dir);
    CU_ASSERT_FATAL(dir[0] != '\0');
    write_file(dir, "g.gml", gml_text);
    write_file(dir, "g.graphml", graphml_text);

    /* Directed GML with a reciprocal pair and a loop: 0-1, 1-2, 2-3. */
    err = topo_build(&cfg, 1, dir, &g, msg, sizeof msg);
    CHECK_MSG(err == SIM_OK, "gml: err %d: %s", (int)err, msg);
    if (err == SIM_OK) {
        CU_ASSERT_EQUAL(g.n, 4);
        CU_ASSERT_EQUAL(g.m, 3);
        check_csr(&g);
        CU_ASSERT(has_edge(&g, 0, 1) && has_edge(&g, 1, 2) && has_edge(&g, 2, 3));
        topo_free(&g);
    }

    /* GraphML by absolute path (base_dir is then ignored): triangle + one edge. */
    snprintf(abs_path, sizeof abs_path, "%s/g.graphml", dir);
    cfg.path = abs_path;
    cfg.format = TOPO_FMT_GRAPHML;
    err = topo_build(&cfg, 1, "/nonexistent-base", &g, msg, sizeof msg);
    CHECK_MSG(err == SIM_OK, "graphml: err %d: %s", (int)err, msg);
    if (err == SIM_OK) {
        CU_ASSERT_EQUAL(g.n, 5);
        CU_ASSERT_EQUAL(g.m, 4);
        check_csr(&g);
        CU_ASSERT(has_edge(&g, 0, 2) && has_edge(&g, 3, 4));
        topo_free(&g);
    }
    remove_file(dir, "g.gml");
    remove_file(dir, "g.graphml");
    rmdir(dir);
}

static void test_topo_file_missing_gives_einput_naming_the_path(void)
{
    char dir[64];
    char msg[256];
    topo_cfg cfg = { .kind = TOPO_FILE, .path = "no-such-topology-7163.txt" };
    topo_graph g;
    sim_err err;

    test_tmpdir(dir, sizeof dir);
    err = topo_build(&cfg, 1, dir, &g, msg, sizeof msg);
    CU_ASSERT_EQUAL(err, SIM_EINPUT);
    CHECK_MSG(strstr(msg, "topology.path: cannot open") != NULL
              && strstr(msg, "no-such-topology-7163.txt") != NULL
              && strstr(msg, "No such file") != NULL, "msg: %s", msg);
    CU_ASSERT_PTR_NULL(g.off);
    CU_ASSERT_EQUAL(g.n, 0);
    rmdir(dir);
}

static void test_topo_file_garbage_gives_einput_naming_the_format(void)
{
    static const struct { const char *name; int format; const char *text; } bad[] = {
        { "bad.gml", TOPO_FMT_GML, "graph [ node [ id 0 ] edge [ source 0 target\n" },
        { "bad.graphml", TOPO_FMT_GRAPHML, "<graphml><graph><node id=\"a\"></graph>\n" },
    };
    char dir[64];

    test_tmpdir(dir, sizeof dir);
    CU_ASSERT_FATAL(dir[0] != '\0');
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        topo_cfg cfg = { .kind = TOPO_FILE, .path = bad[i].name, .format = bad[i].format };
        topo_graph g;
        char msg[256];
        sim_err err;
        char want[64];

        write_file(dir, bad[i].name, bad[i].text);
        err = topo_build(&cfg, 1, dir, &g, msg, sizeof msg);
        snprintf(want, sizeof want, "is not valid %s", bad[i].format == TOPO_FMT_GML ? "gml"
                 : bad[i].format == TOPO_FMT_GRAPHML ? "graphml" : "edgelist");
        CHECK_MSG(err == SIM_EINPUT, "%s: err %d", bad[i].name, (int)err);
        CHECK_MSG(strstr(msg, bad[i].name) != NULL && strstr(msg, want) != NULL, "msg: %s", msg);
        CU_ASSERT_PTR_NULL(g.off);
        remove_file(dir, bad[i].name);
    }
    rmdir(dir);
}

static void test_topo_file_without_nodes_is_rejected(void)
{
    char dir[64];
    char msg[256];
    topo_cfg cfg = { .kind = TOPO_FILE, .path = "empty.txt" };
    topo_graph g;
    sim_err err;

    test_tmpdir(dir, sizeof dir);
    CU_ASSERT_FATAL(dir[0] != '\0');
    write_file(dir, "empty.txt", "");
    err = topo_build(&cfg, 1, dir, &g, msg, sizeof msg);
    CU_ASSERT_EQUAL(err, SIM_EINPUT);
    CHECK_MSG(strstr(msg, "has no nodes") != NULL, "msg: %s", msg);
    remove_file(dir, "empty.txt");
    rmdir(dir);
}

/* --- Hostile and malformed files ----------------------------------------------- */

#define TOPO_CORPUS "tests/topo/bad"

static int topo_cmp_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The format of a corpus file from its extension, or -1 (the .expect sidecars). */
static int topo_corpus_format(const char *name)
{
    static const struct { const char *ext; int format; } exts[] = {
        { ".edgelist", TOPO_FMT_EDGELIST }, { ".graphml", TOPO_FMT_GRAPHML }, { ".gml", TOPO_FMT_GML },
    };
    size_t len = strlen(name);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t el = strlen(exts[i].ext);
        if (len > el && strcmp(name + len - el, exts[i].ext) == 0) {
            return exts[i].format;
        }
    }
    return -1;
}

static char topo_corpus[128][128];

static void test_topo_bad_file_corpus_gives_expected_errors(void)
{
    DIR *d = opendir(TOPO_CORPUS);
    struct dirent *e;
    int n = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    while ((e = readdir(d)) != NULL && n < 128) {
        if (topo_corpus_format(e->d_name) >= 0) {
            snprintf(topo_corpus[n++], 128, "%.127s", e->d_name);
        }
    }
    closedir(d);
    qsort(topo_corpus, (size_t)n, sizeof topo_corpus[0], topo_cmp_names);
    CHECK_MSG(n >= 30, "only %d bad topology files in %s", n, TOPO_CORPUS);
    for (int i = 0; i < n; i++) {
        const char *name = topo_corpus[i];
        topo_cfg cfg = { .kind = TOPO_FILE, .path = name, .format = topo_corpus_format(name) };
        char path[300], want[512] = "", msg[512], emsg[512];
        topo_graph g;
        uint64_t nodes, edges;
        sim_err err, eerr;
        char *text;

        snprintf(path, sizeof path, "%s/%.*s.expect", TOPO_CORPUS,
                 (int)(strrchr(name, '.') - name), name);
        text = test_slurp(path);
        if (text != NULL) {
            text[strcspn(text, "\n")] = '\0';
            snprintf(want, sizeof want, "%s", text);
            free(text);
        }
        CHECK_MSG(want[0] != '\0', "%s: no expected message in %s", name, path);
        err = topo_build(&cfg, 1, TOPO_CORPUS, &g, msg, sizeof msg);
        CHECK_MSG(err == SIM_EINPUT && g.off == NULL && g.n == 0, "%s: err %d", name, (int)err);
        CHECK_MSG(strstr(msg, want) != NULL, "%s:\n      got:  %s\n      want: %s", name, msg,
                  want);
        CHECK_MSG(strchr(msg, '\n') == NULL, "%s: message has several lines", name);
        /* The estimate refuses with the same words, or gives bounds and leaves it to the build. */
        eerr = topo_estimate(&cfg, TOPO_CORPUS, &nodes, &edges, emsg, sizeof emsg);
        CHECK_MSG(eerr == SIM_OK || (eerr == SIM_EINPUT && strcmp(emsg, msg) == 0),
                  "%s: estimate %d: %s", name, (int)eerr, emsg);
    }
}

/* Build cfg's file written from text into a fresh folder; returns the error, msg the reason. */
static sim_err build_text(topo_cfg *cfg, const char *name, const char *text, topo_graph *g,
                          char *msg, size_t msg_len)
{
    char dir[64];
    sim_err err;

    test_tmpdir(dir, sizeof dir);
    CU_ASSERT_FATAL(dir[0] != '\0');
    write_file(dir, name, text);
    cfg->kind = TOPO_FILE;
    cfg->path = name;
    err = topo_build(cfg, 1, dir, g, msg, msg_len);
    remove_file(dir, name);
    rmdir(dir);
    return err;
}

static void test_topo_edgelist_third_column_is_an_error_naming_the_line(void)
{
    topo_cfg cfg = { .format = TOPO_FMT_EDGELIST };
    topo_graph g;
    char msg[256];
    sim_err err = build_text(&cfg, "w.txt", "0 1\n1 2\n2 3 0.75\n", &g, msg, sizeof msg);

    CU_ASSERT_EQUAL(err, SIM_EINPUT);
    CHECK_MSG(strstr(msg, "w.txt:3: expected two node ids, found a third field '0.75'") != NULL,
              "msg: %s", msg);
    CU_ASSERT_PTR_NULL(g.off);
}

static void test_topo_edgelist_sparse_ids_are_refused_not_built(void)
{
    topo_cfg cfg = { .format = TOPO_FMT_EDGELIST };
    topo_graph g;
    char msg[256];
    clock_t t0 = clock();
    sim_err err = build_text(&cfg, "s.txt", "0 100000000\n", &g, msg, sizeof msg);
    double cpu_s = (double)(clock() - t0) / CLOCKS_PER_SEC;

    CU_ASSERT_EQUAL(err, SIM_EINPUT);
    CHECK_MSG(strstr(msg, "s.txt:1: node id 100000000 leaves at least 99999999 of 100000001 "
                     "nodes without an edge") != NULL, "msg: %s", msg);
    CHECK_MSG(cpu_s < 0.05, "took %.3f s of CPU: was it built?", cpu_s);

    /* Exact count when cheap: 7 of 12 nodes isolated. */
    err = build_text(&cfg, "x.txt", "0 11\n1 11\n2 11\n3 11\n0 1\n", &g, msg, sizeof msg);
    CU_ASSERT_EQUAL(err, SIM_EINPUT);
    CHECK_MSG(strstr(msg, "x.txt:1: node id 11 leaves 7 of 12 nodes without an edge") != NULL,
              "msg: %s", msg);

    /* Half isolated is still accepted: 0-1, 2-3 and nodes 4..7 unused but for 7. */
    err = build_text(&cfg, "h.txt", "0 1\n2 3\n0 7\n", &g, msg, sizeof msg);
    CHECK_MSG(err == SIM_OK, "err %d: %s", (int)err, msg);
    if (err == SIM_OK) {
        CU_ASSERT_EQUAL(g.n, 8);
        CU_ASSERT_EQUAL(g.m, 3);
        check_csr(&g);
        topo_free(&g);
    }
}

static void test_topo_edgelist_comments_blank_lines_and_crlf_are_accepted(void)
{
    topo_cfg cfg = { .format = TOPO_FMT_EDGELIST };
    topo_graph g;
    char msg[256];
    sim_err err = build_text(&cfg, "c.txt",
                             "# SNAP header\n% KONECT header\n\n0 1\r\n\t1\t2  # weight 3\n   \n"
                             "2 0\n0 2\n4 4\n3 2", &g, msg, sizeof msg);

    CHECK_MSG(err == SIM_OK, "err %d: %s", (int)err, msg);
    if (err == SIM_OK) {
        CU_ASSERT_EQUAL(g.n, 5);
        CU_ASSERT_EQUAL(g.m, 4);
        check_csr(&g);
        CU_ASSERT(has_edge(&g, 0, 1) && has_edge(&g, 1, 2) && has_edge(&g, 0, 2)
                  && has_edge(&g, 2, 3));
        CU_ASSERT_EQUAL(topo_degree(&g, 4), 0);
        topo_free(&g);
    }
}

/*
 * Fuzz finding: the largest id was taken from the second id of the first
 * line ("4 0" gave 0), so n was too small and the CSR count overran off[].
 */
static void test_topo_edgelist_largest_id_may_come_first(void)
{
    topo_cfg cfg = { .format = TOPO_FMT_EDGELIST };
    topo_graph g;
    char msg[256];
    sim_err err = build_text(&cfg, "first.txt", "4 0\n2 0\n1 3\n", &g, msg, sizeof msg);

    CHECK_MSG(err == SIM_OK, "err %d: %s", (int)err, msg);
    if (err == SIM_OK) {
        CHECK_MSG(g.n == 5, "n = %u, expected 5 (ids 0..4)", g.n);
        CU_ASSERT_EQUAL(g.m, 3);
        check_csr(&g);
        CU_ASSERT(has_edge(&g, 4, 0) && has_edge(&g, 2, 0) && has_edge(&g, 1, 3));
        topo_free(&g);
    }
}

static void test_topo_edgelist_equals_igraphs_reading_of_a_clean_file(void)
{
    char dir[64], path[128], msg[256];
    topo_cfg cfg = { .kind = TOPO_FILE, .path = "r.txt", .format = TOPO_FMT_EDGELIST };
    topo_graph g;
    igraph_t ig;
    FILE *f;
    uint64_t x = 88172645463325252ull;
    sim_err err;

    test_tmpdir(dir, sizeof dir);
    CU_ASSERT_FATAL(dir[0] != '\0');
    snprintf(path, sizeof path, "%s/r.txt", dir);
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, "0 1\n");
    for (int i = 0; i < 20000; i++) {           /* xorshift64: loops and repeats included */
        unsigned a, b;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        a = (unsigned)(x % 3001);
        b = (unsigned)((x >> 32) % 3001);
        fprintf(f, "%u %u\n", a, b);
    }
    fclose(f);
    err = topo_build(&cfg, 1, dir, &g, msg, sizeof msg);
    CHECK_MSG(err == SIM_OK, "err %d: %s", (int)err, msg);
    f = fopen(path, "r");
    CU_ASSERT_FATAL(f != NULL && igraph_read_graph_edgelist(&ig, f, 0, IGRAPH_UNDIRECTED) == 0);
    fclose(f);
    CU_ASSERT_FATAL(igraph_simplify(&ig, 1, 1, NULL) == 0);
    if (err == SIM_OK) {
        check_csr(&g);
        check_same_as_igraph(&g, &ig);
        topo_free(&g);
    }
    igraph_destroy(&ig);
    remove_file(dir, "r.txt");
    rmdir(dir);
}

static const char xxe_graphml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE graphml [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>\n"
    "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
    "<key id=\"d0\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
    "<graph edgedefault=\"undirected\"><node id=\"a\"><data key=\"d0\">&x;</data></node>\n"
    "<node id=\"b\"/><edge source=\"a\" target=\"b\"/></graph></graphml>\n";

static void test_topo_graphml_with_dtd_or_entities_is_refused(void)
{
    topo_cfg cfg = { .format = TOPO_FMT_GRAPHML };
    topo_graph g;
    char msg[256];
    sim_err err = build_text(&cfg, "x.graphml", xxe_graphml, &g, msg, sizeof msg);

    CU_ASSERT_EQUAL(err, SIM_EINPUT);
    CHECK_MSG(strstr(msg, "x.graphml:2: GraphML with a DTD or entity declarations is refused "
                     "(entities could read local files)") != NULL, "msg: %s", msg);
    CU_ASSERT_PTR_NULL(g.off);

    /* Comments and CDATA may hold "<!" and a UTF-8 declaration is fine. */
    err = build_text(&cfg, "ok.graphml",
                     "<?xml version='1.0' encoding='utf-8'?>\n<!-- <!DOCTYPE x -->\n"
                     "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
                     "<graph edgedefault=\"undirected\"><node id=\"a\"><data key=\"k\">"
                     "<![CDATA[<!ENTITY]]></data></node>\n"
                     "<node id=\"b\"/><edge source=\"a\" target=\"b\"/></graph></graphml>\n",
                     &g, msg, sizeof msg);
    CHECK_MSG(err == SIM_OK, "err %d: %s", (int)err, msg);
    if (err == SIM_OK) {
        CU_ASSERT_EQUAL(g.n, 2);
        CU_ASSERT_EQUAL(g.m, 1);
        topo_free(&g);
    }
}

static void test_topo_gml_long_token_is_refused_quickly(void)
{
    size_t len = 70000;
    char *text = malloc(len + 64);
    topo_cfg cfg = { .format = TOPO_FMT_GML };
    topo_graph g;
    char msg[256];
    clock_t t0;
    sim_err err;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    strcpy(text, "graph [\n node [ id 0 label \"");
    memset(text + strlen(text), 'q', len);
    strcpy(text + 28 + len, "\" ]\n]\n");
    t0 = clock();
    err = build_text(&cfg, "t.gml", text, &g, msg, sizeof msg);
    CU_ASSERT_EQUAL(err, SIM_EINPUT);
    CHECK_MSG(strstr(msg, "t.gml:2: GML token (string, number or comment) longer than 65536 "
                     "bytes is refused") != NULL, "msg: %s", msg);
    CHECK_MSG((double)(clock() - t0) / CLOCKS_PER_SEC < 0.5, "took %.3f s",
              (double)(clock() - t0) / CLOCKS_PER_SEC);
    free(text);
}

static void test_topo_big_gml_and_graphml_are_refused_by_size(void)
{
    char dir[64], path[128], msg[256];
    topo_cfg cfg = { .kind = TOPO_FILE, .path = "big.gml", .format = TOPO_FMT_GML };
    topo_graph g;
    uint64_t nodes, edges;
    FILE *f;

    test_tmpdir(dir, sizeof dir);
    CU_ASSERT_FATAL(dir[0] != '\0');
    snprintf(path, sizeof path, "%s/big.gml", dir);
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT(ftruncate(fileno(f), (off_t)300 << 20) == 0);     /* sparse: no disk used */
    fclose(f);
    CU_ASSERT_EQUAL(topo_build(&cfg, 1, dir, &g, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "big.gml: 314572800 bytes of gml, more than the 268435456") != NULL,
              "msg: %s", msg);
    cfg.format = TOPO_FMT_GRAPHML;
    CU_ASSERT_EQUAL(topo_estimate(&cfg, dir, &nodes, &edges, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "bytes of graphml, more than") != NULL, "msg: %s", msg);
    remove_file(dir, "big.gml");
    rmdir(dir);
}

static void test_topo_file_that_is_not_regular_is_refused(void)
{
    topo_cfg dev = { .kind = TOPO_FILE, .path = "/dev/zero", .format = TOPO_FMT_EDGELIST };
    topo_cfg dir = { .kind = TOPO_FILE, .path = "/tmp", .format = TOPO_FMT_GML };
    topo_graph g;
    char msg[256];

    CU_ASSERT_EQUAL(topo_build(&dev, 1, NULL, &g, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "'/dev/zero' is not a regular file") != NULL, "msg: %s", msg);
    CU_ASSERT_EQUAL(topo_build(&dir, 1, NULL, &g, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "'/tmp' is not a regular file") != NULL, "msg: %s", msg);
}

static void test_topo_binary_exits_2_on_a_bad_edge_list(void)
{
    char dir[64], cmd[512], err[2048];
    int st;

    test_tmpdir(dir, sizeof dir);
    CU_ASSERT_FATAL(dir[0] != '\0');
    write_file(dir, "g.txt", "0 1\n1 2 5\n");
    write_file(dir, "s.lua",
               "scenario { name = \"bad\", seed = 3, duration = 5, sample_every = 1 }\n"
               "topology { kind = \"file\", path = \"g.txt\" }\n"
               "gossip { mode = \"push\" }\n");
    snprintf(cmd, sizeof cmd, "%s run %s/s.lua --out %s/out --no-plot --quiet", test_binary(),
             dir, dir);
    st = test_run_cmd(cmd, err, sizeof err);
    CHECK_MSG(st == 2, "exit status %d", st);
    CHECK_MSG(strncmp(err, "mycosim: ", 9) == 0 && strchr(err, '\n') == err + strlen(err) - 1
              && strstr(err, "g.txt:2: expected two node ids, found a third field '5'") != NULL,
              "stderr: %s", err);
    CU_ASSERT_EQUAL(test_rm_tree(dir), 0);
}

/* --- Estimate ---------------------------------------------------------------------- */

static void test_topo_estimate_bounds_every_kind_without_building(void)
{
    static const int64_t dims2[] = { 7, 9 };
    static const int64_t dims3[] = { 2, 5, 3 };
    const topo_cfg cfgs[] = {
        { .kind = TOPO_COMPLETE, .n = 301 },
        { .kind = TOPO_ERDOS_RENYI, .n = 2003, .degree = 4.75 },
        { .kind = TOPO_ERDOS_RENYI, .n = 40, .degree = 39 },
        { .kind = TOPO_BARABASI_ALBERT, .n = 1009, .m = 4 },
        { .kind = TOPO_BARABASI_ALBERT, .n = 1009, .m = 4, .generator = TOPO_GEN_IGRAPH },
        { .kind = TOPO_WATTS_STROGATZ, .n = 503, .k = 6, .p = 0.3 },
        { .kind = TOPO_GEOMETRIC, .n = 1500, .radius = 0.05 },
        { .kind = TOPO_GEOMETRIC, .n = 60, .radius = 1.5 },
        { .kind = TOPO_LATTICE, .dims = { 2, dims2 } },
        { .kind = TOPO_LATTICE, .dims = { 3, dims3 }, .periodic = 1 },
        { .kind = TOPO_RING, .n = 97 },
        { .kind = TOPO_CELLS, .cells = 5, .size = 6, .gateways = 2, .uplink = TOPO_UPLINK_COMPLETE },
        { .kind = TOPO_CELLS, .cells = 2, .size = 3, .gateways = 1, .uplink = TOPO_UPLINK_RING },
    };

    for (size_t i = 0; i < sizeof cfgs / sizeof cfgs[0]; i++) {
        const topo_cfg *cfg = &cfgs[i];
        uint64_t nodes = 0, edges = 0, stored;
        char msg[256];
        topo_graph g;
        int exact = cfg->kind != TOPO_ERDOS_RENYI && cfg->kind != TOPO_GEOMETRIC;
        sim_err err = topo_estimate(cfg, NULL, &nodes, &edges, msg, sizeof msg);

        CHECK_MSG(err == SIM_OK, "case %zu: %s", i, msg);
        if (!build(cfg, 5, &g)) {
            continue;
        }
        stored = g.complete ? 0 : g.m;
        CHECK_MSG(nodes == g.n, "case %zu (%s): nodes %llu, built %u", i, topo_kinds[cfg->kind],
                  (unsigned long long)nodes, (unsigned)g.n);
        CHECK_MSG(exact ? edges == stored : edges >= stored,
                  "case %zu (%s): edges %llu, built %llu", i, topo_kinds[cfg->kind],
                  (unsigned long long)edges, (unsigned long long)stored);
        if (!exact) {       /* a bound, not a wild one (geometric's sd bound is loose at small n) */
            CHECK_MSG((double)edges < 2.0 * (double)stored + 60, "case %zu: bound %llu, built %llu",
                      i, (unsigned long long)edges, (unsigned long long)stored);
        }
        topo_free(&g);
    }
}

static void test_topo_estimate_of_files_bounds_the_build(void)
{
    static const struct { const char *name; int format; const char *text; } files[] = {
        { "e.txt", TOPO_FMT_EDGELIST, "# x\n0 1\n1 2\n2 1\n3 3\n5 0\n" },
        { "g.gml", TOPO_FMT_GML, gml_text },
        { "g.graphml", TOPO_FMT_GRAPHML, graphml_text },
    };
    char dir[64];

    test_tmpdir(dir, sizeof dir);
    CU_ASSERT_FATAL(dir[0] != '\0');
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        topo_cfg cfg = { .kind = TOPO_FILE, .path = files[i].name, .format = files[i].format };
        uint64_t nodes, edges;
        char msg[256];
        topo_graph g;
        sim_err err;

        write_file(dir, files[i].name, files[i].text);
        err = topo_estimate(&cfg, dir, &nodes, &edges, msg, sizeof msg);
        CHECK_MSG(err == SIM_OK, "%s: %s", files[i].name, msg);
        err = topo_build(&cfg, 1, dir, &g, msg, sizeof msg);
        CHECK_MSG(err == SIM_OK, "%s: %s", files[i].name, msg);
        if (err == SIM_OK) {
            CHECK_MSG(nodes >= g.n && edges >= g.m, "%s: estimate %llu/%llu, built %u/%llu",
                      files[i].name, (unsigned long long)nodes, (unsigned long long)edges,
                      (unsigned)g.n, (unsigned long long)g.m);
            if (files[i].format == TOPO_FMT_EDGELIST) {
                CU_ASSERT_EQUAL(nodes, 6);      /* max id + 1 */
                CU_ASSERT_EQUAL(edges, 4);      /* non-loop lines; 3 distinct edges */
                CU_ASSERT_EQUAL(g.m, 3);
            }
            topo_free(&g);
        }
        remove_file(dir, files[i].name);
    }
    rmdir(dir);
}

static void test_topo_estimate_refuses_a_sparse_edge_list_without_building(void)
{
    char dir[64], msg[256];
    topo_cfg cfg = { .kind = TOPO_FILE, .path = "s.txt", .format = TOPO_FMT_EDGELIST };
    uint64_t nodes = 7, edges = 7;

    test_tmpdir(dir, sizeof dir);
    CU_ASSERT_FATAL(dir[0] != '\0');
    write_file(dir, "s.txt", "0 100000000\n");
    CU_ASSERT_EQUAL(topo_estimate(&cfg, dir, &nodes, &edges, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "s.txt:1: node id 100000000 leaves at least 99999999") != NULL,
              "msg: %s", msg);
    CU_ASSERT(nodes == 0 && edges == 0);
    remove_file(dir, "s.txt");
    rmdir(dir);
}

/* --- Checks ----------------------------------------------------------------------- */

static void expect_rejected(const topo_cfg *cfg, const char *part1, const char *part2)
{
    char msg[256] = "";
    topo_graph g;
    sim_err err = topo_check(cfg, msg, sizeof msg);

    CU_ASSERT_EQUAL(err, SIM_EINPUT);
    CHECK_MSG(strstr(msg, part1) != NULL && strstr(msg, part2) != NULL,
              "msg '%s' lacks '%s' or '%s'", msg, part1, part2);
    /* topo_build runs the same checks and leaves the graph empty. */
    err = topo_build(cfg, 1, NULL, &g, msg, sizeof msg);
    CU_ASSERT_EQUAL(err, SIM_EINPUT);
    CU_ASSERT_PTR_NULL(g.off);
}

static void test_topo_check_rejects_odd_k_and_k_not_below_n(void)
{
    topo_cfg odd = { .kind = TOPO_WATTS_STROGATZ, .n = 100, .k = 5, .p = 0.1 };
    topo_cfg big = { .kind = TOPO_WATTS_STROGATZ, .n = 6, .k = 6, .p = 0.1 };
    topo_cfg good = { .kind = TOPO_WATTS_STROGATZ, .n = 7, .k = 6, .p = 0.1 };
    char msg[256];

    expect_rejected(&odd, "topology.k: must be even", "got 5");
    expect_rejected(&big, "topology.k: must be < n", "got 6");
    CU_ASSERT_EQUAL(topo_check(&good, msg, sizeof msg), SIM_OK);
}

static void test_topo_check_rejects_gateways_over_size(void)
{
    topo_cfg cfg = { .kind = TOPO_CELLS, .cells = 4, .size = 3, .gateways = 4 };

    expect_rejected(&cfg, "topology.gateways: must be <= size", "got 4");
}

static void test_topo_check_rejects_oversized_lattice_and_cells(void)
{
    static const int64_t dims[] = { 100000, 100000 };
    static const int64_t many[] = { 2, 2, 2, 2, 2, 2, 2, 2, 2 };
    topo_cfg lat = { .kind = TOPO_LATTICE, .dims = { 2, dims } };
    topo_cfg ndims = { .kind = TOPO_LATTICE, .dims = { 9, many } };
    topo_cfg cells = { .kind = TOPO_CELLS, .cells = 10000000, .size = 1000, .gateways = 1 };

    expect_rejected(&lat, "topology.dims", "nodes");
    expect_rejected(&ndims, "topology.dims", "got 9");
    expect_rejected(&cells, "topology: cells * size", "nodes");
}

static void test_topo_check_rejects_erdos_renyi_degree_above_n_minus_1(void)
{
    topo_cfg deg = { .kind = TOPO_ERDOS_RENYI, .n = 10, .degree = 9.5 };
    topo_cfg one = { .kind = TOPO_ERDOS_RENYI, .n = 1, .degree = 0.5 };

    expect_rejected(&deg, "topology.degree: must be <= n - 1", "9.5");
    expect_rejected(&one, "topology.n", "got 1");
}

static void test_topo_check_rejects_barabasi_albert_m_not_below_n(void)
{
    topo_cfg eq = { .kind = TOPO_BARABASI_ALBERT, .n = 3, .m = 3 };
    topo_cfg over = { .kind = TOPO_BARABASI_ALBERT, .n = 1, .m = 7, .generator = TOPO_GEN_IGRAPH };
    topo_cfg good = { .kind = TOPO_BARABASI_ALBERT, .n = 4, .m = 3 };
    char msg[256];

    expect_rejected(&eq, "topology.m: must be < topology.n", "(m = 3, n = 3)");
    expect_rejected(&over, "topology.m: must be < topology.n", "(m = 7, n = 1)");
    CU_ASSERT_EQUAL(topo_check(&good, msg, sizeof msg), SIM_OK);
}

static void test_topo_check_refuses_edges_beyond_32_bit_indices(void)
{
    static const int64_t dims[] = { 2000, 2000, 500 };
    topo_cfg ws = { .kind = TOPO_WATTS_STROGATZ, .n = 100000000, .k = 100, .p = 0.1 };
    topo_cfg er = { .kind = TOPO_ERDOS_RENYI, .n = 100000000, .degree = 100 };
    topo_cfg geo = { .kind = TOPO_GEOMETRIC, .n = 1000000, .radius = 1 };
    topo_cfg ba = { .kind = TOPO_BARABASI_ALBERT, .n = 100000000, .m = 50 };
    topo_cfg lat = { .kind = TOPO_LATTICE, .dims = { 3, dims } };
    topo_cfg cells = { .kind = TOPO_CELLS, .cells = 10000, .size = 100000, .gateways = 1 };
    topo_cfg full = { .kind = TOPO_CELLS, .cells = 10000000, .size = 1, .gateways = 1,
                      .uplink = TOPO_UPLINK_COMPLETE };
    topo_cfg complete = { .kind = TOPO_COMPLETE, .n = 100000000 };
    uint64_t nodes, edges;
    char msg[256];

    expect_rejected(&ws, "topology.k: up to 5000000000 edges", "32-bit adjacency indices");
    expect_rejected(&er, "topology.degree: up to", "32-bit adjacency indices");
    expect_rejected(&geo, "topology.radius: up to", "32-bit adjacency indices");
    expect_rejected(&ba, "topology.m: up to 4999998725 edges", "32-bit adjacency indices");
    expect_rejected(&lat, "topology.dims: up to", "32-bit adjacency indices");
    expect_rejected(&cells, "topology.cells: up to 49999500010000 edges", "more than the 2147483647");
    expect_rejected(&full, "topology.cells: up to 49999995000000 edges", "32-bit");
    /* complete stores no edges: its n(n-1)/2 is not refused. */
    CU_ASSERT_EQUAL(topo_estimate(&complete, NULL, &nodes, &edges, msg, sizeof msg), SIM_OK);
    CU_ASSERT(nodes == 100000000 && edges == 0);
}

static void test_topo_build_rejects_out_of_range_keys(void)
{
    topo_cfg ring = { .kind = TOPO_RING, .n = 2 };
    topo_cfg radius = { .kind = TOPO_GEOMETRIC, .n = 10, .radius = 0.0 };
    topo_cfg kind = { .kind = 42 };
    char msg[256];
    topo_graph g;

    CU_ASSERT_EQUAL(topo_build(&ring, 1, NULL, &g, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "topology.n") != NULL, "msg: %s", msg);
    CU_ASSERT_EQUAL(topo_build(&radius, 1, NULL, &g, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "topology.radius") != NULL, "msg: %s", msg);
    CU_ASSERT_EQUAL(topo_build(&kind, 1, NULL, &g, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "topology.kind") != NULL, "msg: %s", msg);
}

/* --- Explicit: named places ------------------------------------------------------- */

/*
 * A hand-made 5-place graph, edges given in mixed orientations, one distance
 * and one capacity left out (NaN). Sorted adjacency, worked out by hand:
 * Puerto Rico {DR, Cuba}, DR {PR, Haiti}, Haiti {DR, Cuba, Jamaica},
 * Cuba {PR, Haiti, Jamaica}, Jamaica {Haiti, Cuba}.
 */
enum { PL_N = 5, PL_M = 6, PL_EXTRA = 2 };
static const char *const pl_names[PL_N] = {
    "Puerto Rico", "Dominican Republic", "Haiti", "Cuba", "Jamaica"
};
static const double pl_x[PL_N] = { -66.5, -70.16, -72.29, -77.78, -77.3 };
static const double pl_y[PL_N] = { 18.2, 18.74, 18.97, 21.52, 18.11 };
static const uint32_t pl_from[PL_M] = { 0, 2, 3, 4, 4, 0 };
static const uint32_t pl_to[PL_M] = { 1, 1, 2, 3, 2, 3 };
static const double pl_dist[PL_M] = { 400.25, 238.625, 77.375, NAN, 191.5, 1123.0625 };
static const double pl_cap[PL_M] = { 2000.5, NAN, 1250.75, 615.125, 333.875, 47.3 };

/* A writable copy of the fixture with room for PL_EXTRA more edges; cfg points into it. */
typedef struct pl_fixture {
    const char *names[PL_N];
    double x[PL_N], y[PL_N];
    uint32_t from[PL_M + PL_EXTRA], to[PL_M + PL_EXTRA];
    double dist[PL_M + PL_EXTRA], cap[PL_M + PL_EXTRA];
    topo_cfg cfg;
} pl_fixture;

static void pl_init(pl_fixture *f)
{
    memset(f, 0, sizeof *f);
    memcpy(f->names, pl_names, sizeof pl_names);
    memcpy(f->x, pl_x, sizeof pl_x);
    memcpy(f->y, pl_y, sizeof pl_y);
    memcpy(f->from, pl_from, sizeof pl_from);
    memcpy(f->to, pl_to, sizeof pl_to);
    memcpy(f->dist, pl_dist, sizeof pl_dist);
    memcpy(f->cap, pl_cap, sizeof pl_cap);
    f->cfg = (topo_cfg){ .kind = TOPO_EXPLICIT, .places = PL_N, .place_name = f->names,
                         .place_x = f->x, .place_y = f->y, .edges = PL_M,
                         .edge_from = f->from, .edge_to = f->to,
                         .edge_distance = f->dist, .edge_capacity = f->cap };
}

/* Append edge a - b to the fixture. */
static void pl_add(pl_fixture *f, uint32_t a, uint32_t b, double dist, double cap)
{
    uint64_t e = f->cfg.edges++;
    CU_ASSERT_FATAL(e < PL_M + PL_EXTRA);
    f->from[e] = a;
    f->to[e] = b;
    f->dist[e] = dist;
    f->cap[e] = cap;
}

/* Equal, or both NaN. */
static int same_value(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* Index of the fixture edge joining a and b in either orientation, or -1. */
static int pl_edge_index(uint32_t a, uint32_t b)
{
    for (int e = 0; e < PL_M; e++) {
        if ((pl_from[e] == a && pl_to[e] == b) || (pl_from[e] == b && pl_to[e] == a)) {
            return e;
        }
    }
    return -1;
}

static void test_topo_explicit_builds_sorted_csr_with_attributes_both_ways(void)
{
    static const uint32_t off[PL_N + 1] = { 0, 2, 4, 7, 10, 12 };
    static const uint32_t adj[2 * PL_M] = { 1, 3, 0, 2, 1, 3, 4, 0, 2, 4, 2, 3 };
    pl_fixture f;
    topo_graph g;
    uint64_t nodes = 0, edges = 0;
    char msg[256];
    double d, c;

    pl_init(&f);
    CU_ASSERT_EQUAL(topo_estimate(&f.cfg, NULL, &nodes, &edges, msg, sizeof msg), SIM_OK);
    CHECK_MSG(nodes == PL_N && edges == PL_M, "estimate %llu nodes, %llu edges",
              (unsigned long long)nodes, (unsigned long long)edges);
    if (!build(&f.cfg, 7, &g)) {
        return;
    }
    CU_ASSERT_EQUAL(g.n, PL_N);
    CU_ASSERT_EQUAL(g.m, PL_M);
    check_csr(&g);
    CU_ASSERT(memcmp(g.off, off, sizeof off) == 0);
    CU_ASSERT(memcmp(g.adj, adj, sizeof adj) == 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.dist);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.cap);
    for (uint32_t v = 0; v < g.n; v++) {
        for (uint32_t e = g.off[v]; e < g.off[v + 1]; e++) {
            int k = pl_edge_index(v, g.adj[e]);
            CU_ASSERT_FATAL(k >= 0);
            CHECK_MSG(same_value(g.dist[e], pl_dist[k]) && same_value(g.cap[e], pl_cap[k]),
                      "slot %u (%u-%u): dist %g cap %g, expected %g %g", (unsigned)e,
                      (unsigned)v, (unsigned)g.adj[e], g.dist[e], g.cap[e], pl_dist[k],
                      pl_cap[k]);
        }
    }
    for (int k = 0; k < PL_M; k++) {
        CU_ASSERT_EQUAL(topo_edge(&g, pl_from[k], pl_to[k], &d, &c), 1);
        CHECK_MSG(same_value(d, pl_dist[k]) && same_value(c, pl_cap[k]),
                  "edge %d forward: %g %g", k, d, c);
        CU_ASSERT_EQUAL(topo_edge(&g, pl_to[k], pl_from[k], &d, &c), 1);
        CHECK_MSG(same_value(d, pl_dist[k]) && same_value(c, pl_cap[k]),
                  "edge %d backward: %g %g", k, d, c);
    }
    d = c = 2.385;
    CU_ASSERT_EQUAL(topo_edge(&g, 0, 2, &d, &c), 0);        /* Puerto Rico - Haiti: no edge */
    CU_ASSERT(isnan(d) && isnan(c));
    CU_ASSERT_EQUAL(topo_edge(&g, 1, 4, NULL, NULL), 0);
    CU_ASSERT_EQUAL(topo_edge(&g, 3, 3, NULL, NULL), 0);
    CU_ASSERT_EQUAL(topo_edge(&g, 3, PL_N, NULL, NULL), 0);
    CU_ASSERT_EQUAL(topo_edge(&g, 4, 3, NULL, NULL), 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.x);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.y);
    for (uint32_t v = 0; v < g.n; v++) {   /* raw units, not rescaled to [0, 1] */
        CHECK_MSG(g.x[v] == (float)pl_x[v] && g.y[v] == (float)pl_y[v], "place %u at %g, %g",
                  (unsigned)v, (double)g.x[v], (double)g.y[v]);
    }
    CU_ASSERT_PTR_NULL(g.cell);
    topo_free(&g);
}

static void test_topo_explicit_names_are_owned_and_found_by_topo_find(void)
{
    char buf[PL_N][32];
    const char *names[PL_N];
    pl_fixture f;
    topo_graph g, ring;
    topo_cfg ring_cfg = { .kind = TOPO_RING, .n = 7 };
    size_t pool = 0;

    pl_init(&f);
    for (int v = 0; v < PL_N; v++) {
        snprintf(buf[v], sizeof buf[v], "%s", pl_names[v]);
        names[v] = buf[v];
        pool += strlen(pl_names[v]) + 1;
    }
    f.cfg.place_name = names;
    if (!build(&f.cfg, 3, &g)) {
        return;
    }
    memset(buf, 'Z', sizeof buf);                 /* the loader's strings may go away */
    for (uint32_t v = 0; v < PL_N; v++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(topo_name(&g, v));
        CHECK_MSG(strcmp(topo_name(&g, v), pl_names[v]) == 0, "name of %u is '%s'", (unsigned)v,
                  topo_name(&g, v));
        CHECK_MSG(topo_find(&g, pl_names[v]) == v, "find '%s' = %u", pl_names[v],
                  (unsigned)topo_find(&g, pl_names[v]));
    }
    CU_ASSERT_PTR_NULL(topo_name(&g, PL_N));
    CU_ASSERT_EQUAL(topo_find(&g, "Bahamas"), SIM_NONE);
    CU_ASSERT_EQUAL(topo_find(&g, "Cub"), SIM_NONE);
    CU_ASSERT_EQUAL(topo_find(&g, "Cuba "), SIM_NONE);
    CU_ASSERT_EQUAL(topo_find(&g, "cuba"), SIM_NONE);
    CU_ASSERT_EQUAL(topo_find(&g, ""), SIM_NONE);
    CU_ASSERT_EQUAL(topo_find(&g, "Zzz"), SIM_NONE);
    /* Offsets, adjacency, coordinates, the name pool with offsets and index, dist and cap. */
    CU_ASSERT_EQUAL(topo_bytes(&g), (PL_N + 1) * 4 + 2 * PL_M * 4 + 2 * PL_N * sizeof(float)
                    + pool + PL_N * (sizeof(size_t) + 4) + 2 * PL_M * 16);
    topo_free(&g);
    CU_ASSERT_PTR_NULL(g.names);
    CU_ASSERT_PTR_NULL(g.by_name);

    /* Other kinds have no names, and topo_bytes is what run_bytes used to add up. */
    if (!build(&ring_cfg, 3, &ring)) {
        return;
    }
    CU_ASSERT_PTR_NULL(topo_name(&ring, 2));
    CU_ASSERT_EQUAL(topo_find(&ring, "2"), SIM_NONE);
    CU_ASSERT_EQUAL(topo_bytes(&ring), (7 + 1) * 4 + 2 * 7 * 4);
    CU_ASSERT_EQUAL(topo_edge(&ring, 6, 0, NULL, NULL), 1);
    topo_free(&ring);
}

static void test_topo_explicit_without_coordinates_or_attributes(void)
{
    static const double none[PL_N] = { NAN, NAN, NAN, NAN, NAN };
    pl_fixture f;
    topo_graph g;
    double d = 2.385, c = 2.385;

    pl_init(&f);
    f.cfg.place_x = NULL;
    f.cfg.place_y = NULL;
    f.cfg.edge_distance = NULL;
    f.cfg.edge_capacity = NULL;
    if (!build(&f.cfg, 1, &g)) {
        return;
    }
    CU_ASSERT_PTR_NULL(g.x);
    CU_ASSERT_PTR_NULL(g.y);
    CU_ASSERT_EQUAL(topo_edge(&g, 2, 4, &d, &c), 1);
    CU_ASSERT(isnan(d) && isnan(c));
    topo_free(&g);

    f.cfg.place_x = none;                          /* all NaN: the same as not given */
    f.cfg.place_y = none;
    if (!build(&f.cfg, 1, &g)) {
        return;
    }
    CU_ASSERT_PTR_NULL(g.x);
    CU_ASSERT_PTR_NULL(g.y);
    topo_free(&g);
}

static void test_topo_explicit_single_place_without_edges(void)
{
    static const char *const names[] = { "Montserrat" };
    static const double x[] = { -62.187 }, y[] = { 16.7425 };
    topo_cfg cfg = { .kind = TOPO_EXPLICIT, .places = 1, .place_name = names,
                     .place_x = x, .place_y = y };
    topo_graph g;

    if (!build(&cfg, 1, &g)) {
        return;
    }
    CU_ASSERT_EQUAL(g.n, 1);
    CU_ASSERT_EQUAL(g.m, 0);
    CU_ASSERT_EQUAL(topo_degree(&g, 0), 0);
    CU_ASSERT_EQUAL(topo_find(&g, "Montserrat"), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.x);
    CU_ASSERT(g.x[0] == (float)-62.187 && g.y[0] == (float)16.7425);
    topo_free(&g);
}

static void test_topo_explicit_check_rejects_bad_counts_ends_and_loops(void)
{
    pl_fixture f;
    char msg[256];

    pl_init(&f);
    f.cfg.places = 0;
    expect_rejected(&f.cfg, "topology.nodes: expected 1 to 4294967294 places", "got 0");
    f.cfg.places = UINT32_MAX;                     /* refused before any array is read */
    expect_rejected(&f.cfg, "topology.nodes: expected 1 to", "got 4294967295");

    pl_init(&f);
    f.cfg.edges = (uint64_t)1 << 31;
    expect_rejected(&f.cfg, "topology.edges: up to 2147483648 edges", "32-bit adjacency");

    pl_init(&f);
    f.to[2] = PL_N;
    expect_rejected(&f.cfg, "topology.edges: place index 5 out of range, there are 5 places",
                    "(edges[3])");

    pl_init(&f);
    f.to[3] = 4;                                   /* Jamaica - Jamaica */
    expect_rejected(&f.cfg, "topology.edges: self loop at \"Jamaica\"", "(edges[4])");

    pl_init(&f);                                   /* a caller bug, not an input error */
    f.cfg.place_name = NULL;
    CU_ASSERT_EQUAL(topo_check(&f.cfg, msg, sizeof msg), SIM_EINTERNAL);
    CHECK_MSG(strstr(msg, "internal error") != NULL, "msg: %s", msg);
}

static void test_topo_explicit_check_rejects_duplicate_edges_either_way(void)
{
    pl_fixture f;

    pl_init(&f);
    pl_add(&f, 0, 1, 17.125, 9.5);                 /* Puerto Rico - DR again, same way */
    expect_rejected(&f.cfg, "topology.edges: duplicate edge \"Puerto Rico\" - "
                    "\"Dominican Republic\"", "(edges[1] and edges[7])");

    pl_init(&f);
    pl_add(&f, 3, 0, NAN, NAN);                    /* Cuba - Puerto Rico: edges[6] reversed */
    expect_rejected(&f.cfg, "topology.edges: duplicate edge \"Cuba\" - \"Puerto Rico\"",
                    "(edges[6] and edges[7])");

    /* Two repeats: the one reported is the earliest entry that repeats, not the first bucket's. */
    pl_init(&f);
    pl_add(&f, 3, 4, 5.5, 6.5);                    /* Cuba - Jamaica repeats edges[4] */
    pl_add(&f, 1, 0, 5.5, 6.5);                    /* DR - Puerto Rico repeats edges[1] */
    expect_rejected(&f.cfg, "duplicate edge \"Cuba\" - \"Jamaica\"", "(edges[4] and edges[7])");
    pl_init(&f);                                   /* the same two, in the other order */
    pl_add(&f, 1, 0, 5.5, 6.5);
    pl_add(&f, 3, 4, 5.5, 6.5);
    expect_rejected(&f.cfg, "duplicate edge \"Dominican Republic\" - \"Puerto Rico\"",
                    "(edges[1] and edges[7])");
}

static void test_topo_explicit_check_rejects_bad_distance_and_capacity(void)
{
    pl_fixture f;

    pl_init(&f);
    f.dist[1] = -2.385;
    expect_rejected(&f.cfg, "topology.edges: distance of \"Haiti\" - \"Dominican Republic\" "
                    "must be finite and >= 0, got -2.385", "(edges[2])");
    f.dist[1] = INFINITY;
    expect_rejected(&f.cfg, "distance of \"Haiti\"", "got inf (edges[2])");
    f.dist[1] = -INFINITY;
    expect_rejected(&f.cfg, "distance of \"Haiti\"", "got -inf (edges[2])");

    pl_init(&f);
    f.cap[4] = 0.0;
    expect_rejected(&f.cfg, "topology.edges: capacity of \"Jamaica\" - \"Haiti\" must be "
                    "finite and > 0 (leave it out for unlimited), got 0", "(edges[5])");
    f.cap[4] = -12.625;
    expect_rejected(&f.cfg, "capacity of \"Jamaica\"", "got -12.625 (edges[5])");
    f.cap[4] = INFINITY;
    expect_rejected(&f.cfg, "capacity of \"Jamaica\"", "got inf (edges[5])");
}

static void test_topo_explicit_check_rejects_half_given_or_infinite_coordinates(void)
{
    pl_fixture f;

    pl_init(&f);
    f.y[2] = NAN;
    expect_rejected(&f.cfg, "topology.nodes: \"Haiti\" has x but no y", "(nodes[3])");

    pl_init(&f);
    f.x[0] = NAN;
    expect_rejected(&f.cfg, "topology.nodes: \"Puerto Rico\" has y but no x", "(nodes[1])");

    pl_init(&f);
    f.cfg.place_x = NULL;                          /* y given, x not at all */
    expect_rejected(&f.cfg, "\"Puerto Rico\" has y but no x", "(nodes[1])");

    pl_init(&f);
    f.x[4] = f.y[4] = NAN;                         /* Jamaica has none, the others have both */
    expect_rejected(&f.cfg, "topology.nodes: \"Puerto Rico\" has x, y but \"Jamaica\" has none",
                    "for every place or for none");
    pl_init(&f);
    f.x[0] = f.y[0] = NAN;                         /* the first has none, Dominican Republic has */
    expect_rejected(&f.cfg, "\"Dominican Republic\" has x, y but \"Puerto Rico\" has none",
                    "for none");

    pl_init(&f);
    f.x[3] = INFINITY;
    expect_rejected(&f.cfg, "topology.nodes: coordinates of \"Cuba\" must be finite", "x = inf");
    f.x[3] = -77.78;
    f.y[3] = 1e39;                                 /* finite, but not as a float */
    expect_rejected(&f.cfg, "coordinates of \"Cuba\"", "y = 1e+39");
}

static void test_topo_explicit_check_rejects_empty_and_duplicate_names(void)
{
    pl_fixture f;

    pl_init(&f);
    f.names[1] = "";
    expect_rejected(&f.cfg, "topology.nodes: every place needs a name", "nodes[2] has none");
    f.names[1] = NULL;
    expect_rejected(&f.cfg, "topology.nodes: every place needs a name", "nodes[2] has none");

    pl_init(&f);
    f.names[4] = "Haiti";
    expect_rejected(&f.cfg, "topology.nodes: duplicate name \"Haiti\"", "(nodes[3] and nodes[5])");
}

static void test_topo_places_check_names_reports_the_first_repeat(void)
{
    static const char *const distinct[] = { "Aruba", "Bonaire", "Curacao", "aruba", "Aruba " };
    static const char *const two[] = { "Cuba", "Haiti", "Jamaica", "Haiti", "Cuba" };
    static const char *const three[] = { "Nevis", "Saba", "Nevis", "Nevis" };
    static const char *const empty[] = { "Nevis", "Saba", "", "Saba" };
    char longname[80];
    const char *longs[3];
    char msg[256] = "";
    uint64_t at = 0;

    CU_ASSERT_EQUAL(places_check_names(distinct, 5, &at, msg, sizeof msg), SIM_OK);
    CU_ASSERT_EQUAL(at, UINT64_MAX);
    CU_ASSERT_EQUAL(places_check_names(distinct, 0, &at, msg, sizeof msg), SIM_OK);

    CU_ASSERT_EQUAL(places_check_names(two, 5, &at, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(at == 3, "at = %llu", (unsigned long long)at);
    CHECK_MSG(strcmp(msg, "topology.nodes: duplicate name \"Haiti\" (nodes[2] and nodes[4])") == 0,
              "msg: %s", msg);

    CU_ASSERT_EQUAL(places_check_names(three, 4, &at, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(at == 2, "at = %llu", (unsigned long long)at);
    CHECK_MSG(strstr(msg, "\"Nevis\" (nodes[1] and nodes[3])") != NULL, "msg: %s", msg);

    CU_ASSERT_EQUAL(places_check_names(empty, 4, NULL, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strcmp(msg, "topology.nodes: every place needs a name, nodes[3] has none") == 0,
              "msg: %s", msg);

    /* A long name is quoted cut at 40 bytes, so the line stays readable. */
    memset(longname, 'q', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    longs[0] = longname;
    longs[1] = "Saba";
    longs[2] = longname;
    CU_ASSERT_EQUAL(places_check_names(longs, 3, &at, msg, sizeof msg), SIM_EINPUT);
    CU_ASSERT_EQUAL(at, 2);
    CHECK_MSG(strstr(msg, "\"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq...\" (nodes[1] and nodes[3])")
              != NULL && strlen(msg) < 110, "msg: %s", msg);
}

static void test_topo_free_twice_is_safe(void)
{
    topo_cfg cfg = { .kind = TOPO_CELLS, .cells = 3, .size = 4, .gateways = 1 };
    topo_graph g;
    topo_graph zero;

    memset(&zero, 0, sizeof zero);
    if (!build(&cfg, 1, &g)) {
        return;
    }
    topo_free(&g);
    CU_ASSERT(memcmp(&g, &zero, sizeof g) == 0);
    topo_free(&g);
    topo_free(NULL);
    CU_ASSERT(memcmp(&g, &zero, sizeof g) == 0);
}

static CU_TestInfo topo_tests[] = {
    { "kind names follow enum order", test_topo_kind_names_follow_enum_order },
    { "params list each kind's keys with required flags",
      test_topo_params_list_each_kinds_keys_with_required_flags },
    { "ring has n edges", test_topo_ring_has_n_edges_each_node_linked_to_both_sides },
    { "complete stores no edges", test_topo_complete_stores_no_edges },
    { "lattice 2-d counts and coordinates",
      test_topo_lattice_2d_counts_and_unit_square_coordinates },
    { "lattice 3-d counts", test_topo_lattice_3d_counts_without_coordinates },
    { "periodic lattice is a simple torus", test_topo_lattice_periodic_is_a_simple_torus },
    { "CSR equals igraph rebuilt with same seed",
      test_topo_csr_equals_igraph_rebuilt_with_same_seed },
    { "barabasi_albert edge count", test_topo_barabasi_albert_edges_are_sum_of_min_m_i },
    { "barabasi_albert direct: min(m, v) older neighbours",
      test_topo_barabasi_albert_direct_links_each_node_to_min_m_v_older_ones },
    { "barabasi_albert direct has igraph's degree law",
      test_topo_barabasi_albert_direct_has_igraphs_degree_law },
    { "erdos_renyi mean degree", test_topo_erdos_renyi_mean_degree_close_to_requested },
    { "watts_strogatz p = 0 is k-regular",
      test_topo_watts_strogatz_without_rewiring_is_k_regular_ring },
    { "watts_strogatz keeps nk/2 edges", test_topo_watts_strogatz_keeps_nk_over_2_edges_for_any_p },
    { "geometric links pairs within radius",
      test_topo_geometric_links_exactly_the_pairs_within_radius },
    { "same seed same graph", test_topo_same_seed_same_graph_other_seed_differs },
    { "cells match the rule for every uplink", test_topo_cells_match_the_rule_for_every_uplink },
    { "cells are cliques joined through gateways",
      test_topo_cells_are_cliques_joined_only_through_gateways },
    { "cells uplink edge counts", test_topo_cells_uplink_edge_counts },
    { "file edgelist drops loops and duplicates",
      test_topo_file_edgelist_drops_loops_and_duplicate_edges },
    { "file gml and graphml", test_topo_file_gml_and_graphml_are_read_undirected_and_simple },
    { "file missing gives EINPUT", test_topo_file_missing_gives_einput_naming_the_path },
    { "file garbage gives EINPUT", test_topo_file_garbage_gives_einput_naming_the_format },
    { "file without nodes is rejected", test_topo_file_without_nodes_is_rejected },
    { "check rejects odd k and k >= n", test_topo_check_rejects_odd_k_and_k_not_below_n },
    { "check rejects gateways > size", test_topo_check_rejects_gateways_over_size },
    { "check rejects oversized lattice and cells",
      test_topo_check_rejects_oversized_lattice_and_cells },
    { "check rejects erdos_renyi degree > n - 1",
      test_topo_check_rejects_erdos_renyi_degree_above_n_minus_1 },
    { "check rejects barabasi_albert m >= n",
      test_topo_check_rejects_barabasi_albert_m_not_below_n },
    { "check refuses edges beyond 32-bit indices",
      test_topo_check_refuses_edges_beyond_32_bit_indices },
    { "bad file corpus gives expected errors", test_topo_bad_file_corpus_gives_expected_errors },
    { "edgelist third column is an error", test_topo_edgelist_third_column_is_an_error_naming_the_line },
    { "edgelist sparse ids are refused", test_topo_edgelist_sparse_ids_are_refused_not_built },
    { "edgelist comments, blank lines, CRLF",
      test_topo_edgelist_comments_blank_lines_and_crlf_are_accepted },
    { "edgelist equals igraph's reading",
      test_topo_edgelist_equals_igraphs_reading_of_a_clean_file },
    { "edgelist largest id may come first", test_topo_edgelist_largest_id_may_come_first },
    { "graphml with DTD or entities is refused",
      test_topo_graphml_with_dtd_or_entities_is_refused },
    { "gml long token is refused quickly", test_topo_gml_long_token_is_refused_quickly },
    { "big gml and graphml refused by size", test_topo_big_gml_and_graphml_are_refused_by_size },
    { "file that is not regular is refused", test_topo_file_that_is_not_regular_is_refused },
    { "binary exits 2 on a bad edge list", test_topo_binary_exits_2_on_a_bad_edge_list },
    { "estimate bounds every kind", test_topo_estimate_bounds_every_kind_without_building },
    { "estimate of files bounds the build", test_topo_estimate_of_files_bounds_the_build },
    { "estimate refuses a sparse edge list",
      test_topo_estimate_refuses_a_sparse_edge_list_without_building },
    { "build rejects out-of-range keys", test_topo_build_rejects_out_of_range_keys },
    { "explicit builds sorted CSR with attributes both ways",
      test_topo_explicit_builds_sorted_csr_with_attributes_both_ways },
    { "explicit names are owned and found",
      test_topo_explicit_names_are_owned_and_found_by_topo_find },
    { "explicit without coordinates or attributes",
      test_topo_explicit_without_coordinates_or_attributes },
    { "explicit single place without edges", test_topo_explicit_single_place_without_edges },
    { "explicit check: counts, ends, loops",
      test_topo_explicit_check_rejects_bad_counts_ends_and_loops },
    { "explicit check: duplicate edges either way",
      test_topo_explicit_check_rejects_duplicate_edges_either_way },
    { "explicit check: distance and capacity",
      test_topo_explicit_check_rejects_bad_distance_and_capacity },
    { "explicit check: coordinates",
      test_topo_explicit_check_rejects_half_given_or_infinite_coordinates },
    { "explicit check: empty and duplicate names",
      test_topo_explicit_check_rejects_empty_and_duplicate_names },
    { "places_check_names reports the first repeat",
      test_topo_places_check_names_reports_the_first_repeat },
    { "free twice is safe", test_topo_free_twice_is_safe },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_topo = { .pName = "topo", .pTests = topo_tests };
