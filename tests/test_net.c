/*
 * test_net.c -- the network layer and timeline actions on a bare run (no
 * model, no loader): partitions in drop and queue mode, down receivers,
 * stale timers, degree attack, components against igraph, and the giant
 * component of a percolated Erdos-Renyi graph against theory.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <igraph.h>
#include <malloc.h>

#include "rng.h"
#include "run.h"
#include "test_util.h"

static links_cfg test_links = { .latency = { .kind = SIM_DIST_CONSTANT, .a = 0.002385 }, .loss = 0.0 };

/* A run with a built topology and node arrays, but no models or outputs. */
static sim_run *test_bare_run(const topo_cfg *tc, uint64_t seed)
{
    sim_run *run = calloc(1, sizeof *run);
    char msg[256];
    CU_ASSERT_EQUAL_FATAL(topo_build(tc, seed, NULL, &run->g, msg, sizeof msg), SIM_OK);
    run->n = run->g.n;
    run->seed = seed;
    run->run_key = rng_key(seed, RNG_STREAM_RUN);
    run->links = &test_links;
    CU_ASSERT_EQUAL_FATAL(run_nodes_init(run), SIM_OK);
    CU_ASSERT_EQUAL_FATAL(net_init(run), SIM_OK);
    CU_ASSERT_EQUAL_FATAL(evq_init(&run->q, 0), SIM_OK);
    return run;
}

static void test_bare_free(sim_run *run)
{
    evq_destroy(&run->q);
    run_nodes_destroy(run);
    topo_free(&run->g);
    free(run);
}

static sim_action test_action(act_kind kind)
{
    sim_action a;
    memset(&a, 0, sizeof a);
    a.kind = kind;
    a.file = "test.lua";
    a.line = 1;
    a.fraction = -1;
    a.count = -1;
    a.target = TARGET_RANDOM;
    a.groups = 2;
    return a;
}

/* Apply a to run; the number of nodes (or links) it affected. */
static uint64_t test_apply(sim_run *run, const sim_action *a)
{
    char detail[128];
    uint64_t k = 0;
    CU_ASSERT_EQUAL(act_apply(run, a, detail, sizeof detail, &k), SIM_OK);
    return k;
}

static const topo_cfg ring100 = { .kind = TOPO_RING, .n = 100 };

/* Nodes 0..49 against 50..99. */
static void test_split_half(sim_run *run, int mode)
{
    static uint32_t ids[50];
    for (uint32_t i = 0; i < 50; i++) {
        ids[i] = i;
    }
    sim_action a = test_action(ACT_PARTITION);
    a.by = PART_NODES;
    a.nodes.count = 50;
    a.nodes.ids = ids;
    a.mode = mode;
    uint64_t cut = test_apply(run, &a);
    CU_ASSERT_EQUAL(cut, 2);   /* a ring cut in two places */
}

static void test_net_drop_partition_lets_nothing_cross(void)
{
    sim_run *run = test_bare_run(&ring100, 5);
    test_split_half(run, PART_DROP);
    for (uint32_t i = 0; i < 100; i++) {
        sim_send(run, i, (i + 50) % 100, 0, 0);   /* always across */
        sim_send(run, i, i < 50 ? (i + 1) % 50 : 50 + (i + 1 - 50) % 50, 0, 0); /* within */
    }
    CU_ASSERT_EQUAL(run->sent, 200);
    CU_ASSERT_EQUAL(run->lost, 100);
    CU_ASSERT_EQUAL(run->q.len, 100);
    sim_event ev;
    int crossed = 0;
    while (evq_pop(&run->q, &ev)) {
        crossed += (ev.src < 50) != (ev.dst < 50);
    }
    CU_ASSERT_EQUAL(crossed, 0);
    test_bare_free(run);
}

static void test_net_queue_partition_loses_nothing(void)
{
    sim_run *run = test_bare_run(&ring100, 6);
    /* One message in flight before the partition. */
    sim_send(run, 10, 60, 0, 42);
    test_split_half(run, PART_QUEUE);
    for (uint32_t i = 0; i < 100; i++) {
        sim_send(run, i, (i + 50) % 100, 0, i);
    }
    CU_ASSERT_EQUAL(run->q.len, 1);
    CU_ASSERT_EQUAL(run->nheld, 100);
    /* The in-flight one arrives during the partition: held, not delivered. */
    sim_event ev;
    CU_ASSERT_TRUE(evq_pop(&run->q, &ev));
    run->now = ev.time;
    CU_ASSERT_FALSE(net_admit(run, &ev));
    CU_ASSERT_EQUAL(run->nheld, 101);
    run->now = sim_time_from_s(7.5);
    uint64_t released;
    CU_ASSERT_EQUAL(net_heal(run, &released), SIM_OK);
    CU_ASSERT_EQUAL(released, 101);
    CU_ASSERT_EQUAL(run->lost, 0);
    int admitted = 0;
    sim_time first = SIM_TIME_MAX;
    while (evq_pop(&run->q, &ev)) {
        run->now = ev.time;
        admitted += net_admit(run, &ev);
        first = ev.time < first ? ev.time : first;
    }
    CU_ASSERT_EQUAL(admitted, 101);
    CU_ASSERT_EQUAL(first, sim_time_from_s(7.5));   /* the one that had arrived */
    CU_ASSERT_EQUAL(run->lost, 0);
    test_bare_free(run);
}

static void test_net_down_nodes_receive_nothing_and_stale_timers_die(void)
{
    sim_run *run = test_bare_run(&ring100, 7);
    static uint32_t victims[3] = { 3, 4, 5 };
    sim_timer(run, 4, 1000, 0, 0);             /* set before the failure */
    sim_send(run, 2, 3, 0, 0);
    sim_action f = test_action(ACT_FAIL);
    f.nodes.count = 3;
    f.nodes.ids = victims;
    uint64_t k = test_apply(run, &f);
    CU_ASSERT_EQUAL(k, 3);
    CU_ASSERT_EQUAL(run->alive, 97);
    sim_action r = test_action(ACT_RECOVER);
    r.nodes.count = 1;
    r.nodes.ids = &victims[1];                 /* node 4 comes back */
    CU_ASSERT_EQUAL(test_apply(run, &r), 1);
    sim_timer(run, 4, 2000, 0, 0);             /* set after recovery */
    int delivered = 0;
    sim_event ev;
    while (evq_pop(&run->q, &ev)) {
        run->now = ev.time;
        if (net_admit(run, &ev)) {
            delivered++;
            CU_ASSERT_EQUAL(ev.time, 2000);    /* only the fresh timer */
        }
    }
    CU_ASSERT_EQUAL(delivered, 1);
    CU_ASSERT_EQUAL(run->lost, 1);             /* the message to down node 3 */
    test_bare_free(run);
}

/* Live degree of v counted by hand from the CSR (up neighbours only). */
static uint32_t test_net_live_degree(const sim_run *run, uint32_t v)
{
    uint32_t d = 0;
    for (uint32_t e = run->g.off[v]; e < run->g.off[v + 1]; e++) {
        d += run->node[run->g.adj[e]].up ? 1u : 0u;
    }
    return d;
}

/*
 * fail{target = "degree"} removes exactly the top of the live-degree order:
 * twice, so the second attack must rank by degrees in the graph the first
 * one left (counted here by hand), not in the original graph.
 */
static void test_net_degree_attack_removes_the_hubs(void)
{
    topo_cfg ba = { .kind = TOPO_BARABASI_ALBERT, .n = 5000, .m = 3 };
    sim_run *run = test_bare_run(&ba, 11);
    uint32_t *deg = malloc(run->n * sizeof *deg);
    uint8_t *was_up = malloc(run->n);
    for (int attack = 0; attack < 2; attack++) {
        for (uint32_t v = 0; v < run->n; v++) {
            deg[v] = test_net_live_degree(run, v);
            was_up[v] = run->node[v].up;
        }
        sim_action a = test_action(ACT_FAIL);
        a.target = TARGET_DEGREE;
        a.count = 50;
        uint64_t k = test_apply(run, &a);
        CU_ASSERT_EQUAL(k, 50);
        uint32_t min_removed = UINT32_MAX, max_kept = 0;
        for (uint32_t v = 0; v < run->n; v++) {
            if (!was_up[v]) {
                continue;
            }
            if (run->node[v].up) {
                max_kept = deg[v] > max_kept ? deg[v] : max_kept;
            } else {
                min_removed = deg[v] < min_removed ? deg[v] : min_removed;
            }
        }
        CHECK_MSG(max_kept <= min_removed, "attack %d: kept a node of live degree %u, removed one of %u",
                  attack + 1, max_kept, min_removed);
    }
    free(deg);
    free(was_up);
    test_bare_free(run);
}

/* fraction x candidates is rounded to nearest (doc/scenarios.md): 0.5 of 1001 is 501. */
static void test_net_fraction_rounds_to_nearest(void)
{
    topo_cfg ring = { .kind = TOPO_RING, .n = 1001 };
    static const double fractions[] = { 0.5, 0.25, 0.0004, 0.0005 };
    static const uint64_t want[] = { 501, 250, 0, 1 };   /* 500.5, 250.25, 0.4004, 0.5005 */
    for (int i = 0; i < 4; i++) {
        sim_run *run = test_bare_run(&ring, 3);
        sim_action a = test_action(ACT_FAIL);
        a.fraction = fractions[i];
        uint64_t k = test_apply(run, &a);
        CHECK_MSG(k == want[i], "fraction %g of 1001: %llu failed, by hand %llu", fractions[i],
                  (unsigned long long)k, (unsigned long long)want[i]);
        test_bare_free(run);
    }
}

/*
 * partition{groups = g, by = "random"} puts each node in one of g groups with
 * probability 1/g each: 3 groups of 30,000 nodes hold 10,000 +- 82 each (4 sd
 * = 327). by = "halfplane" cuts along x: group = floor(x * g), by hand.
 */
static void test_net_partitions_follow_their_rule(void)
{
    topo_cfg big = { .kind = TOPO_RING, .n = 30000 };
    sim_run *run = test_bare_run(&big, 9);
    sim_action a = test_action(ACT_PARTITION);
    a.by = PART_RANDOM;
    a.groups = 3;
    /* Each ring link is cut with probability 2/3: 20,000 +- 82 (6 sd allowed: neighbouring links share a node). */
    uint64_t cut = test_apply(run, &a);
    CHECK_MSG(fabs((double)cut - 20000.0) <= 6 * sqrt(30000 * (2 / 3.0) * (1 / 3.0)),
              "random partition in 3 cut %llu of 30000 ring links, expected about 20000", (unsigned long long)cut);
    uint32_t count[4] = { 0 };
    for (uint32_t v = 0; v < run->n; v++) {
        count[run->node[v].group < 3 ? run->node[v].group : 3]++;
    }
    for (int gi = 0; gi < 3; gi++) {
        CHECK_MSG(fabs(count[gi] - 10000.0) <= 4 * sqrt(30000 * (1 / 3.0) * (2 / 3.0)),
                  "random partition: group %d holds %u of 30000", gi, count[gi]);
    }
    CU_ASSERT_EQUAL(count[3], 0);
    test_bare_free(run);

    topo_cfg geo = { .kind = TOPO_GEOMETRIC, .n = 2000, .radius = 0.05 };
    run = test_bare_run(&geo, 9);
    a.by = PART_HALFPLANE;
    a.groups = 4;
    test_apply(run, &a);
    int wrong = 0;
    for (uint32_t v = 0; v < run->n; v++) {
        int gi = (int)floor(run->g.x[v] * 4);
        wrong += run->node[v].group != (gi > 3 ? 3 : gi);
    }
    CHECK_MSG(wrong == 0, "halfplane partition: %d of 2000 nodes not in group floor(4 x)", wrong);
    test_bare_free(run);
}

/* Components and giant agree with igraph on the live subgraph. */
static void test_net_components_match_igraph(void)
{
    topo_cfg er = { .kind = TOPO_ERDOS_RENYI, .n = 3000, .degree = 1.5 };
    sim_run *run = test_bare_run(&er, 13);
    sim_action a = test_action(ACT_FAIL);
    a.fraction = 0.2;
    uint64_t k = test_apply(run, &a);
    CU_ASSERT_EQUAL(k, 600);
    net_shape s;
    CU_ASSERT_EQUAL(net_shape_now(run, &s), SIM_OK);

    igraph_vector_int_t edges, membership, csize;
    igraph_vector_int_init(&edges, 0);
    uint32_t *id = malloc(run->n * sizeof *id), live = 0;
    for (uint32_t v = 0; v < run->n; v++) {
        id[v] = run->node[v].up ? live++ : UINT32_MAX;
    }
    uint64_t links = 0;
    for (uint32_t v = 0; v < run->n; v++) {
        for (uint32_t e = run->g.off[v]; e < run->g.off[v + 1]; e++) {
            uint32_t w = run->g.adj[e];
            if (w > v && run->node[v].up && run->node[w].up) {
                igraph_vector_int_push_back(&edges, id[v]);
                igraph_vector_int_push_back(&edges, id[w]);
                links++;
            }
        }
    }
    igraph_t g;
    igraph_create(&g, &edges, live, IGRAPH_UNDIRECTED);
    igraph_vector_int_init(&membership, 0);
    igraph_vector_int_init(&csize, 0);
    igraph_integer_t nc;
    igraph_connected_components(&g, &membership, &csize, &nc, IGRAPH_WEAK);
    igraph_integer_t largest = igraph_vector_int_max(&csize);
    CU_ASSERT_EQUAL(s.alive, live);
    CU_ASSERT_EQUAL(s.links_up, links);
    CHECK_MSG(s.components == (uint32_t)nc, "components %u, igraph %ld", s.components, (long)nc);
    CU_ASSERT_DOUBLE_EQUAL(s.giant, (double)largest / run->n, 1e-12);
    igraph_destroy(&g);
    igraph_vector_int_destroy(&edges);
    igraph_vector_int_destroy(&membership);
    igraph_vector_int_destroy(&csize);
    free(id);
    test_bare_free(run);
}

/* Giant component of G(n, c/n) after removing a random fraction f: S = (1-f)(1-exp(-c S)). */
static double test_percolation_theory(double c, double f)
{
    double s = 1.0;
    for (int i = 0; i < 10000; i++) {
        s = (1 - f) * (1 - exp(-c * s));
    }
    return s;
}

static void test_net_percolation_giant_matches_theory(void)
{
    /*
     * n = 50,000 and 3 seeds: away from the threshold (f_c = 0.75) the giant
     * fraction has sd about sqrt(S(1-S)/n)-ish, under 0.003 per run; the
     * tolerance 0.01 is over 5 standard errors of a 3-run mean yet far below
     * the 0.05-0.2 gaps between the tested points.
     */
    const double fs[] = { 0.0, 0.2, 0.4, 0.6 };
    for (unsigned i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        double sum = 0;
        for (uint64_t seed = 1; seed <= 3; seed++) {
            topo_cfg er = { .kind = TOPO_ERDOS_RENYI, .n = 50000, .degree = 4.0 };
            sim_run *run = test_bare_run(&er, seed * 2385);
            sim_action a = test_action(ACT_FAIL);
            a.fraction = fs[i];
            test_apply(run, &a);
            net_shape s;
            CU_ASSERT_EQUAL(net_shape_now(run, &s), SIM_OK);
            sum += s.giant;
            test_bare_free(run);
        }
        double got = sum / 3, want = test_percolation_theory(4.0, fs[i]);
        printf("[f=%.1f giant %.4f theory %.4f] ", fs[i], got, want);
        CHECK_MSG(fabs(got - want) < 0.01, "f = %g: giant %.4f, theory %.4f", fs[i], got, want);
    }
}

static size_t test_heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

/*
 * run_bytes() (what --stats and the benchmark report) matches what malloc
 * holds. Sanitizer builds replace malloc and report no mallinfo2 figures, so
 * there the check is made by the plain `make test` run only.
 */
static void test_net_bytes_accounting_matches_the_heap(void)
{
#if defined(__SANITIZE_ADDRESS__)
    CU_PASS("mallinfo2 is not meaningful under AddressSanitizer");
    return;
#endif
    size_t before = test_heap_in_use();
    topo_cfg ba = { .kind = TOPO_BARABASI_ALBERT, .n = 200000, .m = 3 };
    sim_run *run = test_bare_run(&ba, 17);
    for (uint32_t i = 0; i < 300000; i++) {   /* grow the queue's buckets */
        sim_post(run, i % run->n, (i * 7919u) % run->n, 1 + (sim_time)i * 977, 0, 0);
    }
    net_shape s;
    CU_ASSERT_EQUAL(net_shape_now(run, &s), SIM_OK);   /* allocates the scratch */
    size_t held = test_heap_in_use() - before - sizeof *run;
    size_t counted = run_bytes(run);
    double rel = fabs((double)held - (double)counted) / (double)held;
    printf("[heap %zu bytes, counted %zu, %.1f bytes/node] ", held, counted, (double)counted / run->n);
    /* Page rounding of mmapped arrays and malloc headers: well under 1%. */
    CHECK_MSG(rel < 0.01, "heap grew by %zu bytes, run_bytes says %zu", held, counted);
    test_bare_free(run);
}

/*
 * fail{fraction} takes a uniformly random set: on a ring of n nodes with k
 * failed at random, the live nodes form one component per live node whose
 * clockwise neighbour failed, k (n - k) / (n - 1) of them on average
 * (250.25 for n = 1000, k = 500); a run's count has sd about
 * sqrt(n / 16) = 7.9. 20 seeds: the mean must be within 4 standard errors
 * (measured sd). Taking the first k nodes would leave one component.
 */
static void test_net_random_failures_cut_a_ring_as_theory(void)
{
    topo_cfg ring = { .kind = TOPO_RING, .n = 1000 };
    double sum = 0, sum2 = 0;
    int seeds = 20;
    for (int seed = 1; seed <= seeds; seed++) {
        sim_run *run = test_bare_run(&ring, (uint64_t)seed);
        sim_action a = test_action(ACT_FAIL);
        a.fraction = 0.5;
        uint64_t k = test_apply(run, &a);
        CU_ASSERT_EQUAL(k, 500);
        net_shape s;
        CU_ASSERT_EQUAL(net_shape_now(run, &s), SIM_OK);
        sum += (double)s.components;
        sum2 += (double)s.components * (double)s.components;
        test_bare_free(run);
    }
    double mean = sum / seeds, sd = sqrt((sum2 - seeds * mean * mean) / (seeds - 1));
    double expect = 500.0 * 500.0 / 999.0, tol = 4 * sd / sqrt((double)seeds);
    printf("[%.2f components, theory %.2f, tol %.2f] ", mean, expect, tol);
    CHECK_MSG(fabs(mean - expect) <= tol && sd > 2, "components %.2f (sd %.2f), theory %.2f (tolerance %.2f)",
              mean, sd, expect, tol);
}

/* isolate{} or release{} of explicit nodes; returns how many changed. */
static uint64_t test_stand(sim_run *run, act_kind kind, int level, const uint32_t *ids, uint32_t k)
{
    sim_action a = test_action(kind);
    a.level = level;
    a.nodes.count = k;
    a.nodes.ids = ids;
    return test_apply(run, &a);
}

static void test_net_suspended_node_neither_sends_nor_receives(void)
{
    sim_run *run = test_bare_run(&ring100, 11);
    sim_send(run, 30, 31, 0, 0);   /* in flight when 31 is suspended */
    static const uint32_t ten[] = { 10 }, thirty_one[] = { 31 };
    CU_ASSERT_EQUAL(test_stand(run, ACT_ISOLATE, SIM_STANDING_SUSPENDED, ten, 1), 1);
    CU_ASSERT_EQUAL(test_stand(run, ACT_ISOLATE, SIM_STANDING_SUSPENDED, thirty_one, 1), 1);
    sim_send(run, 10, 11, 0, 0);   /* sent by a suspended node */
    sim_send(run, 9, 10, 0, 0);    /* sent to one */
    sim_send(run, 20, 21, 0, 0);   /* elsewhere: delivered */
    CU_ASSERT_EQUAL(run->blocked, 2);
    CU_ASSERT_EQUAL(run->lost, 0);
    CU_ASSERT_EQUAL(run->q.len, 2);
    sim_event ev;
    int delivered = 0;
    while (evq_pop(&run->q, &ev)) {
        run->now = ev.time;
        delivered += net_admit(run, &ev);
    }
    CU_ASSERT_EQUAL(delivered, 1);
    CU_ASSERT_EQUAL(run->blocked, 3);   /* the one in flight is blocked on arrival */
    /* Two nodes cut off a ring: two arcs (20 and 78 nodes) and two singletons. */
    net_shape sh;
    CU_ASSERT_EQUAL(net_shape_now(run, &sh), SIM_OK);
    CU_ASSERT_EQUAL(sh.alive, 100);
    CU_ASSERT_EQUAL(sh.components, 4);
    CU_ASSERT_EQUAL(sh.links_up, 96);
    CHECK_MSG(fabs(sh.giant - 0.78) < 1e-12, "giant %g, want 0.78", sh.giant);
    test_bare_free(run);
}

static void test_net_limited_changes_nothing_on_the_network(void)
{
    sim_run *run = test_bare_run(&ring100, 12);
    static const uint32_t ids[] = { 10, 11 };
    CU_ASSERT_EQUAL(test_stand(run, ACT_ISOLATE, SIM_STANDING_LIMITED, ids, 2), 2);
    CU_ASSERT_EQUAL(sim_node_standing(run, 10), SIM_STANDING_LIMITED);
    uint32_t counts[4];
    sim_standing_counts(run, counts);
    CU_ASSERT_EQUAL(counts[SIM_STANDING_LIMITED], 2);
    CU_ASSERT_EQUAL(counts[SIM_STANDING_SUSPENDED], 0);
    /* A suspended node elsewhere arms the check; limited ones still pass. */
    static const uint32_t far[] = { 60 };
    CU_ASSERT_EQUAL(test_stand(run, ACT_ISOLATE, SIM_STANDING_SUSPENDED, far, 1), 1);
    sim_send(run, 10, 11, 0, 0);
    sim_send(run, 9, 10, 0, 0);
    CU_ASSERT_EQUAL(run->blocked, 0);
    CU_ASSERT_EQUAL(run->q.len, 2);
    net_shape sh;
    CU_ASSERT_EQUAL(net_shape_now(run, &sh), SIM_OK);
    CU_ASSERT_EQUAL(sh.components, 2);     /* the ring minus 60, and 60 alone */
    CU_ASSERT_EQUAL(sh.links_up, 98);
    test_bare_free(run);
}

/*
 * With a limited share (the immune model's limit_factor), a limited node's
 * messages leave with that probability and the rest are blocked; messages
 * to a limited node and from others are untouched. 20,000 sends at share
 * 0.25: blocked within 4 standard errors of 15,000 (sd 61).
 */
static void test_net_limited_share_throttles_limited_senders(void)
{
    sim_run *run = test_bare_run(&ring100, 15);
    static const uint32_t ids[] = { 10 };
    CU_ASSERT_EQUAL(test_stand(run, ACT_ISOLATE, SIM_STANDING_LIMITED, ids, 1), 1);
    sim_set_limited_share(run, 0.25);
    for (int i = 0; i < 20000; i++) {
        sim_send(run, 10, 11, 0, 0);
    }
    double sd = sqrt(20000 * 0.25 * 0.75);
    CHECK_MSG(fabs((double)run->blocked - 15000) < 4 * sd, "blocked %llu of 20000, want 15000 +- %.0f",
              (unsigned long long)run->blocked, 4 * sd);
    uint64_t before = run->blocked;
    for (int i = 0; i < 1000; i++) {
        sim_send(run, 11, 10, 0, 0);
        sim_send(run, 12, 13, 0, 0);
    }
    CU_ASSERT_EQUAL(run->blocked, before);
    test_bare_free(run);
}

/* The lookahead a law allows on several ranks: its lower bound, 0 when it has none. */
static void test_net_link_min_latency_is_the_laws_lower_bound(void)
{
    sim_run *run = test_bare_run(&ring100, 16);
    static const struct { sim_dist d; double want; } laws[] = {
        { { SIM_DIST_CONSTANT, 0.05, 0 }, 0.05 }, { { SIM_DIST_UNIFORM, 0.1, 0.3 }, 0.1 },
        { { SIM_DIST_PARETO, 0.02, 1.5 }, 0.02 }, { { SIM_DIST_PER_DISTANCE, 2.0, 0.005 }, 0.005 },
        { { SIM_DIST_EXPONENTIAL, 0.2, 0 }, 0 }, { { SIM_DIST_NORMAL, 0.1, 0.1 }, 0 },
        { { SIM_DIST_LOGNORMAL, 0.05, 0.5 }, 0 },
    };
    for (size_t i = 0; i < sizeof laws / sizeof laws[0]; i++) {
        links_cfg l = { .latency = laws[i].d, .loss = 0 };
        run->links = &l;
        CHECK_MSG(sim_link_min_latency(run) == sim_time_from_s(laws[i].want), "law %zu: %lld ns, want %g s", i,
                  (long long)sim_link_min_latency(run), laws[i].want);
    }
    run->links = &test_links;
    test_bare_free(run);
}

static void test_net_expelled_never_returns(void)
{
    sim_run *run = test_bare_run(&ring100, 13);
    static const uint32_t ids[] = { 10, 11, 12 };
    CU_ASSERT_EQUAL(test_stand(run, ACT_ISOLATE, SIM_STANDING_EXPELLED, ids, 2), 2);
    CU_ASSERT_EQUAL(test_stand(run, ACT_ISOLATE, SIM_STANDING_SUSPENDED, ids + 2, 1), 1);
    /* release{} frees the suspended one only; isolate{} cannot lower expelled. */
    CU_ASSERT_EQUAL(test_stand(run, ACT_RELEASE, 0, ids, 3), 1);
    CU_ASSERT_EQUAL(test_stand(run, ACT_ISOLATE, SIM_STANDING_LIMITED, ids, 2), 0);
    CU_ASSERT_EQUAL(sim_set_standing(run, 10, SIM_STANDING_OK), 0);
    CU_ASSERT_EQUAL(sim_node_standing(run, 10), SIM_STANDING_EXPELLED);
    CU_ASSERT_EQUAL(sim_node_standing(run, 11), SIM_STANDING_EXPELLED);
    CU_ASSERT_EQUAL(sim_node_standing(run, 12), SIM_STANDING_OK);
    CU_ASSERT_EQUAL(run->cut_off, 2);
    sim_send(run, 12, 13, 0, 0);   /* released: delivered again */
    sim_send(run, 11, 12, 0, 0);
    CU_ASSERT_EQUAL(run->blocked, 1);
    CU_ASSERT_EQUAL(run->q.len, 1);
    test_bare_free(run);
}

static void test_net_isolate_picks_among_nodes_it_would_change(void)
{
    sim_run *run = test_bare_run(&ring100, 14);
    sim_action a = test_action(ACT_ISOLATE);
    a.level = SIM_STANDING_SUSPENDED;
    a.fraction = 0.25;
    CU_ASSERT_EQUAL(test_apply(run, &a), 25);
    CU_ASSERT_EQUAL(test_apply(run, &a), 19);   /* 25% of the 75 not yet suspended */
    CU_ASSERT_EQUAL(run->cut_off, 44);
    sim_action r = test_action(ACT_RELEASE);
    CU_ASSERT_EQUAL(test_apply(run, &r), 44);   /* no selector: every one it would change */
    CU_ASSERT_EQUAL(run->cut_off, 0);
    /* The bad-actor mark is independent of standing. */
    sim_set_bad(run, 7, 1);
    CU_ASSERT_EQUAL(test_stand(run, ACT_ISOLATE, SIM_STANDING_SUSPENDED, (const uint32_t[]){ 7 }, 1), 1);
    CU_ASSERT_TRUE(sim_is_bad(run, 7));
    CU_ASSERT_FALSE(sim_is_bad(run, 8));
    CU_ASSERT_EQUAL(sim_node_standing(run, 7), SIM_STANDING_SUSPENDED);
    sim_set_bad(run, 7, 0);
    CU_ASSERT_FALSE(sim_is_bad(run, 7));
    CU_ASSERT_EQUAL(sim_node_standing(run, 7), SIM_STANDING_SUSPENDED);
    test_bare_free(run);
}

static CU_TestInfo net_tests[] = {
    { "bytes accounting matches the heap", test_net_bytes_accounting_matches_the_heap },
    { "drop partition lets nothing cross", test_net_drop_partition_lets_nothing_cross },
    { "queue partition loses nothing", test_net_queue_partition_loses_nothing },
    { "down nodes receive nothing and stale timers die",
      test_net_down_nodes_receive_nothing_and_stale_timers_die },
    { "degree attack removes the hubs", test_net_degree_attack_removes_the_hubs },
    { "components match igraph", test_net_components_match_igraph },
    { "percolation giant matches theory", test_net_percolation_giant_matches_theory },
    { "random failures cut a ring as theory", test_net_random_failures_cut_a_ring_as_theory },
    { "fraction rounds to nearest", test_net_fraction_rounds_to_nearest },
    { "partitions follow their rule", test_net_partitions_follow_their_rule },
    { "suspended node neither sends nor receives", test_net_suspended_node_neither_sends_nor_receives },
    { "limited changes nothing on the network", test_net_limited_changes_nothing_on_the_network },
    { "limited share throttles limited senders", test_net_limited_share_throttles_limited_senders },
    { "link min latency is the law's lower bound", test_net_link_min_latency_is_the_laws_lower_bound },
    { "expelled never returns", test_net_expelled_never_returns },
    { "isolate picks among nodes it would change",
      test_net_isolate_picks_among_nodes_it_would_change },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_net = { .pName = "net", .pTests = net_tests };
