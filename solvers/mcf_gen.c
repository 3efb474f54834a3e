/*
 * mcf_gen.c -- NETGEN-style instance generator (see mcf_gen.h).
 *
 * Like NETGEN (Klingman, Napier and Stutz 1974), every instance is feasible by
 * construction: a skeleton is laid first and each sink's demand is routed
 * along it from a source; every skeleton arc's capacity is then its random
 * capacity plus the flow routed over it. Random arcs fill the rest of the
 * arc budget. Families:
 *   netgen     sources 0..s-1, sinks n-t..n-1; transshipment nodes are split
 *              into one chain per source (source -> chain -> ...), sink j is
 *              fed from the end of chain j mod s.
 *   transport  sources n/2 of them, sinks the rest; sink j is fed directly by
 *              a random source; random arcs go source -> sink only.
 *   grid       8-neighbour grid; random distinct sources and sinks; demand
 *              routed along an L-shaped path (x first, then y).
 * O(n + m) time for netgen/transport; O(n + sinks * sqrt(n)) for the grid.
 * The stream is splitmix64 (Steele, Lea, Flood 2014), never rand().
 */
#include "mcf_gen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

uint64_t mcf_gen_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

int64_t mcf_gen_range(uint64_t *state, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1;
    uint64_t r = mcf_gen_next(state);
    return span == 0 ? (int64_t)r : lo + (int64_t)(r % span);
}

mcf_status mcf_gen_preset(const char *family_name, uint32_t nodes, uint64_t seed,
                          mcf_gen_params *out)
{
    mcf_gen_params p = {
        .family = MCF_GEN_NETGEN, .nodes = nodes, .arcs_per_node = 8,
        .cost_min = 1, .cost_max = 10000, .cap_min = 1, .cap_max = 1000,
        .demand_max = 2000, .seed = seed,
    };
    uint32_t sq = (uint32_t)sqrt((double)nodes);
    if (strcmp(family_name, "netgen-sqrt") == 0) {
        p.sources = p.sinks = sq > 0 ? sq : 1;
    } else if (strcmp(family_name, "netgen-n16") == 0) {
        p.sources = p.sinks = nodes / 16 > 0 ? nodes / 16 : 1;
    } else if (strcmp(family_name, "transport") == 0) {
        p.family = MCF_GEN_TRANSPORT;
        p.demand_max = 200;
    } else if (strcmp(family_name, "grid") == 0) {
        p.family = MCF_GEN_GRID;
        p.sources = p.sinks = sq > 0 ? sq : 1;
    } else {
        return MCF_EINPUT;
    }
    *out = p;
    return MCF_OPTIMAL;
}

/* Add an arc (the arrays were sized for the budget). */
static void mcf_gen_arc(mcf_problem *p, uint32_t *k, uint32_t s, uint32_t t, int64_t cap, int64_t cost)
{
    uint32_t e = (*k)++;
    p->tail[e] = s;
    p->head[e] = t;
    p->lower[e] = 0;
    p->cap[e] = cap;
    p->cost[e] = cost;
}

static mcf_status mcf_gen_netgen(const mcf_gen_params *g, uint64_t *rs, mcf_problem **out)
{
    uint32_t n = g->nodes, ns = g->sources, nt = g->sinks;
    if (ns == 0 || nt == 0 || (uint64_t)ns + nt > n) {
        return MCF_EINPUT;
    }
    uint32_t ntr = n - ns - nt;
    uint64_t budget = (uint64_t)g->arcs_per_node * n;
    uint64_t skel = (uint64_t)ntr + nt;     /* chain arcs + one arc into each sink */
    if (budget < skel) {
        budget = skel;
    }
    if (budget > UINT32_MAX / 2) {
        return MCF_EINPUT;
    }
    mcf_problem *p = mcf_problem_new(n, (uint32_t)budget);
    uint32_t *perm = malloc(((size_t)ntr + 1) * sizeof *perm);
    uint32_t *chain_end = malloc((size_t)ns * sizeof *chain_end);
    if (p == NULL || perm == NULL || chain_end == NULL) {
        mcf_problem_free(p);
        free(perm);
        free(chain_end);
        return MCF_ENOMEM;
    }
    /* Shuffle transshipment nodes and deal them into ns chains. */
    for (uint32_t i = 0; i < ntr; i++) {
        perm[i] = ns + i;
    }
    for (uint32_t i = ntr; i > 1; i--) {
        uint32_t j = (uint32_t)(mcf_gen_next(rs) % i);
        uint32_t tmp = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = tmp;
    }
    uint32_t k = 0;
    for (uint32_t s = 0; s < ns; s++) {
        chain_end[s] = s;
    }
    /* Chain arcs are created in chain order; arc index = k at creation. */
    uint32_t first_chain_arc = k;
    for (uint32_t i = 0; i < ntr; i++) {
        uint32_t s = i % ns;
        mcf_gen_arc(p, &k, chain_end[s], perm[i], mcf_gen_range(rs, g->cap_min, g->cap_max),
                    mcf_gen_range(rs, g->cost_min, g->cost_max));
        chain_end[s] = perm[i];
    }
    /* Route each sink's demand: source s -> chain s -> sink. The chain arcs of
     * source s are the indices first_chain_arc + s + ns * j. */
    for (uint32_t j = 0; j < nt; j++) {
        uint32_t sink = n - nt + j, s = j % ns;
        int64_t d = mcf_gen_range(rs, 1, g->demand_max);
        for (uint32_t e = first_chain_arc + s; e < first_chain_arc + ntr; e += ns) {
            p->cap[e] += d;
        }
        mcf_gen_arc(p, &k, chain_end[s], sink, mcf_gen_range(rs, g->cap_min, g->cap_max) + d,
                    mcf_gen_range(rs, g->cost_min, g->cost_max));
        p->supply[s] += d;
        p->supply[sink] -= d;
    }
    /* Random arcs; no arc into a source or out of a sink, as in NETGEN. */
    while (k < budget) {
        uint32_t a = (uint32_t)(mcf_gen_next(rs) % (n - nt));
        uint32_t b = ns + (uint32_t)(mcf_gen_next(rs) % (n - ns));
        if (a == b) {
            continue;
        }
        mcf_gen_arc(p, &k, a, b, mcf_gen_range(rs, g->cap_min, g->cap_max),
                    mcf_gen_range(rs, g->cost_min, g->cost_max));
    }
    free(perm);
    free(chain_end);
    *out = p;
    return MCF_OPTIMAL;
}

static mcf_status mcf_gen_transport(const mcf_gen_params *g, uint64_t *rs, mcf_problem **out)
{
    uint32_t n = g->nodes;
    uint32_t ns = n / 2, nt = n - ns;
    if (ns == 0) {
        return MCF_EINPUT;
    }
    uint64_t budget = (uint64_t)g->arcs_per_node * n;
    if (budget < nt) {
        budget = nt;
    }
    if (budget > UINT32_MAX / 2) {
        return MCF_EINPUT;
    }
    mcf_problem *p = mcf_problem_new(n, (uint32_t)budget);
    if (p == NULL) {
        return MCF_ENOMEM;
    }
    uint32_t k = 0;
    for (uint32_t j = 0; j < nt; j++) {
        uint32_t s = (uint32_t)(mcf_gen_next(rs) % ns), t = ns + j;
        int64_t d = mcf_gen_range(rs, 1, g->demand_max);
        mcf_gen_arc(p, &k, s, t, mcf_gen_range(rs, g->cap_min, g->cap_max) + d,
                    mcf_gen_range(rs, g->cost_min, g->cost_max));
        p->supply[s] += d;
        p->supply[t] -= d;
    }
    while (k < budget) {
        uint32_t s = (uint32_t)(mcf_gen_next(rs) % ns);
        uint32_t t = ns + (uint32_t)(mcf_gen_next(rs) % nt);
        mcf_gen_arc(p, &k, s, t, mcf_gen_range(rs, g->cap_min, g->cap_max),
                    mcf_gen_range(rs, g->cost_min, g->cost_max));
    }
    *out = p;
    return MCF_OPTIMAL;
}

static mcf_status mcf_gen_grid(const mcf_gen_params *g, uint64_t *rs, mcf_problem **out)
{
    uint32_t w = (uint32_t)sqrt((double)g->nodes);
    if (w < 2) {
        return MCF_EINPUT;
    }
    uint32_t h = g->nodes / w;
    uint32_t n = w * h;
    if ((uint64_t)g->sources + g->sinks > n || g->sources == 0 || g->sinks == 0) {
        return MCF_EINPUT;
    }
    /* Arcs to the 8 neighbours: count first. */
    uint32_t m = 0;
    static const int dx[8] = { 1, -1, 0, 0, 1, 1, -1, -1 };
    static const int dy[8] = { 0, 0, 1, -1, 1, -1, 1, -1 };
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            for (int d = 0; d < 8; d++) {
                int64_t xx = (int64_t)x + dx[d], yy = (int64_t)y + dy[d];
                m += (xx >= 0 && yy >= 0 && xx < w && yy < h);
            }
        }
    }
    mcf_problem *p = mcf_problem_new(n, m);
    uint32_t *role = calloc(n, sizeof *role);   /* 0 none, 1 source, 2 sink */
    uint32_t *src_list = malloc((size_t)g->sources * sizeof *src_list);
    uint32_t *first = malloc(((size_t)n + 1) * sizeof *first);  /* first arc of each node */
    if (p == NULL || role == NULL || src_list == NULL || first == NULL) {
        mcf_problem_free(p);
        free(role);
        free(src_list);
        free(first);
        return MCF_ENOMEM;
    }
    uint32_t k = 0;
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            first[y * w + x] = k;
            for (int d = 0; d < 8; d++) {
                int64_t xx = (int64_t)x + dx[d], yy = (int64_t)y + dy[d];
                if (xx >= 0 && yy >= 0 && xx < w && yy < h) {
                    mcf_gen_arc(p, &k, y * w + x, (uint32_t)yy * w + (uint32_t)xx,
                                mcf_gen_range(rs, g->cap_min, g->cap_max),
                                mcf_gen_range(rs, g->cost_min, g->cost_max));
                }
            }
        }
    }
    for (uint32_t i = 0; i < g->sources; i++) {
        uint32_t v;
        do {
            v = (uint32_t)(mcf_gen_next(rs) % n);
        } while (role[v] != 0);
        role[v] = 1;
        src_list[i] = v;
    }
    /* The arc from (x, y) to a neighbour is one of its 8 consecutive slots. */
    for (uint32_t j = 0; j < g->sinks; j++) {
        uint32_t t;
        do {
            t = (uint32_t)(mcf_gen_next(rs) % n);
        } while (role[t] != 0);
        role[t] = 2;
        uint32_t s = src_list[mcf_gen_next(rs) % g->sources];
        int64_t dem = mcf_gen_range(rs, 1, g->demand_max);
        p->supply[s] += dem;
        p->supply[t] -= dem;
        int64_t x = s % w, y = s / w;
        int64_t tx = t % w, ty = t / w;
        while (x != tx || y != ty) {
            int sx = (tx > x) - (tx < x);
            int sy = (x == tx) ? (ty > y) - (ty < y) : 0;
            uint32_t from = (uint32_t)(y * w + x);
            uint32_t to = (uint32_t)((y + sy) * w + (x + sx));
            /* Arcs of `from` were created consecutively: find the one to `to`. */
            uint32_t e = first[from];
            while (p->head[e] != to) {
                e++;
            }
            p->cap[e] += dem;
            x += sx;
            y += sy;
        }
    }
    free(role);
    free(src_list);
    free(first);
    *out = p;
    return MCF_OPTIMAL;
}

mcf_status mcf_gen(const mcf_gen_params *prm, mcf_problem **out)
{
    *out = NULL;
    if (prm->nodes < 2 || prm->cost_min > prm->cost_max || prm->cap_min > prm->cap_max
        || prm->cap_min < 0 || prm->demand_max < 1) {
        return MCF_EINPUT;
    }
    uint64_t rs = prm->seed;
    switch (prm->family) {
    case MCF_GEN_NETGEN: return mcf_gen_netgen(prm, &rs, out);
    case MCF_GEN_TRANSPORT: return mcf_gen_transport(prm, &rs, out);
    case MCF_GEN_GRID: return mcf_gen_grid(prm, &rs, out);
    }
    return MCF_EINPUT;
}
