/*
 * topo.c -- topologies: generated or read through igraph, kept as CSR.
 *
 * A run needs one static, undirected, simple graph. This file makes it from
 * a `topology{}` block and hands it over in compressed-sparse-row form with
 * 32-bit indices: neighbours of v are adj[off[v] .. off[v+1]-1], sorted
 * ascending. That costs 8 bytes per edge plus 4 per node, against roughly 40
 * bytes per edge inside an igraph_t, so the igraph graph is destroyed as soon
 * as its edges have been copied and a large topology never exists twice for
 * long.
 *
 * Kinds and how they are made:
 *   - complete: nothing is stored (g->complete = 1); peers are drawn from all
 *     nodes by the caller. O(1).
 *   - erdos_renyi, watts_strogatz, geometric, lattice, ring, and
 *     barabasi_albert with generator = "igraph": igraph's generators (G(n,p)
 *     with p = degree / (n - 1); linear preferential attachment with a
 *     partial-prefix-sum tree; the 1-d Watts-Strogatz ring; the random
 *     geometric graph in the unit square; the square lattice; the ring). All
 *     of them give simple graphs as called here (Watts-Strogatz with loops
 *     and multiple edges off), so none is simplified; the CSR pass checks it.
 *   - barabasi_albert (default generator "direct"): the same law as igraph's
 *     psumtree generator, drawn by sampling earlier edge ends and written
 *     straight into CSR (topo_build_ba). It exists for speed and memory at
 *     scale: at 10M nodes igraph takes about 53 s and holds ~40 bytes per
 *     edge, ours about 6 s and 16. A test checks its degree law against
 *     igraph's with a two-sample chi-square test.
 *   - cells: cliques of `size` nodes whose first `gateways` nodes link to the
 *     gateways of other cells (ring, star or complete uplink). This one is
 *     written straight into CSR without igraph: each node's neighbour list is
 *     produced already sorted, in two passes (count, then fill). O(n + m).
 *   - file: edge lists by our own streaming parser (strict: two ids a line,
 *     every error with its line; n = max id + 1 with at most half of the
 *     nodes isolated), straight into CSR with repeats dropped in the
 *     transpose; GraphML and GML through igraph's readers after a screen
 *     (no DTD or entities in GraphML, no GML token over 64 KiB, at most
 *     256 MiB), made undirected (collapsing reciprocal edges) and simplified.
 *     Only regular files are read. topofile.c reads them and has the rules
 *     and why.
 *   - explicit: named places and their edges, from arrays the loader fills;
 *     checked and built in places.c (CSR plus names and edge attributes).
 *
 * igraph graphs, and the pairs of an edge list, are turned into CSR by
 * topocsr.c: O(n + m) with no sort, the method in its file comment.
 *
 * igraph aborts on errors and seeds its RNG from the clock unless told
 * otherwise, so topo_build() installs the ignoring error and warning
 * handlers and seeds the default RNG from the caller's seed before anything
 * else. Every igraph return code is checked and turned into a sim_err with a
 * one-line message: SIM_EINPUT for bad configurations and files, SIM_ENOMEM
 * when igraph ran out of memory, SIM_ESOLVER for any other igraph failure.
 */
#include "topo.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <igraph.h>

#include "mem.h"
#include "places.h"
#include "rng.h"
#include "topocsr.h"
#include "topofile.h"

#define TOPO_NMAX 100000000.0
#define TOPO_MAX_DIMS 8

const char *const topo_kinds[] = {
    "complete", "erdos_renyi", "barabasi_albert", "watts_strogatz", "geometric",
    "lattice", "ring", "cells", "file", "explicit", NULL
};

static const char *const topo_uplinks[] = { "ring", "star", "complete", NULL };
static const char *const topo_generators[] = { "direct", "igraph", NULL };

/* --- Parameter tables ------------------------------------------------------ */

static const sim_param topo_params_complete[] = {
    SIM_PARAM_INT("n", topo_cfg, n, 0, 2, TOPO_NMAX, SIM_PF_REQUIRED,
                  "number of nodes; every pair is linked and no edge is stored"),
    SIM_PARAM_END
};

static const sim_param topo_params_erdos_renyi[] = {
    SIM_PARAM_INT("n", topo_cfg, n, 0, 1, TOPO_NMAX, SIM_PF_REQUIRED,
                  "number of nodes (at least 2)"),
    SIM_PARAM_NUM("degree", topo_cfg, degree, 0, 0, 1e6, SIM_PF_REQUIRED | SIM_PF_MIN_OPEN,
                  "mean degree; each pair is linked with probability degree / (n - 1)"),
    SIM_PARAM_END
};

static const sim_param topo_params_barabasi_albert[] = {
    SIM_PARAM_INT("n", topo_cfg, n, 0, 1, TOPO_NMAX, SIM_PF_REQUIRED, "number of nodes"),
    SIM_PARAM_INT("m", topo_cfg, m, 0, 1, 1000, SIM_PF_REQUIRED,
                  "edges each new node attaches to distinct existing nodes"),
    SIM_PARAM_ENUM("generator", topo_cfg, generator, TOPO_GEN_DIRECT, topo_generators, 0,
                   "direct (ours, straight into CSR, fast) or igraph (igraph_barabasi_game); "
                   "same law, different graphs for one seed"),
    SIM_PARAM_END
};

static const sim_param topo_params_watts_strogatz[] = {
    SIM_PARAM_INT("n", topo_cfg, n, 0, 1, TOPO_NMAX, SIM_PF_REQUIRED,
                  "number of nodes on the ring (more than k)"),
    SIM_PARAM_INT("k", topo_cfg, k, 0, 2, 10000, SIM_PF_REQUIRED,
                  "even degree of the ring lattice before rewiring (k/2 neighbours each side)"),
    SIM_PARAM_NUM("p", topo_cfg, p, 0, 0, 1, SIM_PF_REQUIRED,
                  "probability that each edge end is rewired to a random node"),
    SIM_PARAM_END
};

static const sim_param topo_params_geometric[] = {
    SIM_PARAM_INT("n", topo_cfg, n, 0, 1, TOPO_NMAX, SIM_PF_REQUIRED,
                  "number of nodes, placed uniformly in the unit square"),
    SIM_PARAM_NUM("radius", topo_cfg, radius, 0, 0, 1.5, SIM_PF_REQUIRED | SIM_PF_MIN_OPEN,
                  "nodes closer than this (Euclidean, no wrap-around) are linked"),
    SIM_PARAM_END
};

static const sim_param topo_params_lattice[] = {
    SIM_PARAM_INTLIST("dims", topo_cfg, dims, 1, TOPO_NMAX, SIM_PF_REQUIRED,
                      "side lengths, 1 to 8 of them, e.g. {100, 100}; nodes = their product"),
    SIM_PARAM_BOOL("periodic", topo_cfg, periodic, 0, 0,
                   "wrap every side around (a torus) instead of stopping at the border"),
    SIM_PARAM_END
};

static const sim_param topo_params_ring[] = {
    SIM_PARAM_INT("n", topo_cfg, n, 0, 3, TOPO_NMAX, SIM_PF_REQUIRED,
                  "number of nodes; node i is linked to i - 1 and i + 1 (mod n)"),
    SIM_PARAM_END
};

static const sim_param topo_params_cells[] = {
    SIM_PARAM_INT("cells", topo_cfg, cells, 0, 1, 10000000, SIM_PF_REQUIRED, "number of cells"),
    SIM_PARAM_INT("size", topo_cfg, size, 0, 1, 100000, SIM_PF_REQUIRED,
                  "nodes per cell; each cell is a clique"),
    SIM_PARAM_INT("gateways", topo_cfg, gateways, 1, 1, 100000, 0,
                  "the first nodes of each cell that carry its links to other cells (<= size)"),
    SIM_PARAM_ENUM("uplink", topo_cfg, uplink, TOPO_UPLINK_RING, topo_uplinks, 0,
                   "how gateway j of different cells is wired: ring, star (to cell 0) or complete"),
    SIM_PARAM_END
};

static const sim_param topo_params_file[] = {
    SIM_PARAM_STR("path", topo_cfg, path, NULL, SIM_PF_REQUIRED,
                  "graph file, relative to the scenario file's folder unless absolute"),
    SIM_PARAM_ENUM("format", topo_cfg, format, TOPO_FMT_EDGELIST, topofile_formats, 0,
                   "edgelist (0-based id pairs), graphml or gml; read as undirected and simple"),
    SIM_PARAM_END
};

/* The explicit kind's `nodes` and `edges` are lists the loader reads itself. */
static const sim_param topo_params_explicit[] = {
    SIM_PARAM_END
};

static const sim_param *const topo_param_tables[] = {
    topo_params_complete, topo_params_erdos_renyi, topo_params_barabasi_albert,
    topo_params_watts_strogatz, topo_params_geometric, topo_params_lattice,
    topo_params_ring, topo_params_cells, topo_params_file, topo_params_explicit
};

#define TOPO_NKINDS ((int)(sizeof topo_param_tables / sizeof topo_param_tables[0]))

const sim_param *topo_params(int kind)
{
    if (kind < 0 || kind >= TOPO_NKINDS) {
        return NULL;
    }
    return topo_param_tables[kind];
}

/* --- Checks ------------------------------------------------------------------- */

/*
 * Type and range checks of the kind's table, as the loader does them; they are
 * repeated in topo_build() so that a direct caller cannot pass, say, n = 0.
 */
static sim_err topo_check_ranges(const topo_cfg *cfg, char *msg, size_t msg_len)
{
    const sim_param *p = topo_params(cfg->kind);

    for (; p->key != NULL; p++) {
        const char *field = (const char *)cfg + p->offset;
        int open = (p->flags & SIM_PF_MIN_OPEN) != 0;

        if (p->type == SIM_PT_INT) {
            int64_t v;
            memcpy(&v, field, sizeof v);
            if ((double)v < p->min || (open && (double)v <= p->min) || (double)v > p->max) {
                snprintf(msg, msg_len,
                         "topology.%s: expected integer in %s%.15g, %.15g], got %" PRId64,
                         p->key, open ? "(" : "[", p->min, p->max, v);
                return SIM_EINPUT;
            }
        } else if (p->type == SIM_PT_NUM) {
            double v;
            memcpy(&v, field, sizeof v);
            if (!(v >= p->min) || (open && v <= p->min) || v > p->max) {
                snprintf(msg, msg_len, "topology.%s: expected number in %s%.15g, %.15g], got %g",
                         p->key, open ? "(" : "[", p->min, p->max, v);
                return SIM_EINPUT;
            }
        } else if (p->type == SIM_PT_ENUM) {
            int v;
            int count = 0;
            memcpy(&v, field, sizeof v);
            while (p->choices[count] != NULL) {
                count++;
            }
            if (v < 0 || v >= count) {
                snprintf(msg, msg_len, "topology.%s: invalid choice %d", p->key, v);
                return SIM_EINPUT;
            }
        } else if (p->type == SIM_PT_STR) {
            const char *v;
            memcpy(&v, field, sizeof v);
            if (v == NULL || v[0] == '\0') {
                snprintf(msg, msg_len, "topology.%s: missing", p->key);
                return SIM_EINPUT;
            }
        } else if (p->type == SIM_PT_INTLIST) {
            const sim_intlist *l = (const sim_intlist *)(const void *)field;
            for (uint32_t i = 0; i < l->count; i++) {
                if ((double)l->values[i] < p->min || (double)l->values[i] > p->max) {
                    snprintf(msg, msg_len, "topology.%s: expected integers in [%.15g, %.15g], got %"
                             PRId64, p->key, p->min, p->max, l->values[i]);
                    return SIM_EINPUT;
                }
            }
        }
    }
    return SIM_OK;
}

/* Edges of the BA graph: node i brings min(m, i) of them (m < n, so no overflow below 2^32). */
static uint64_t topo_ba_edges(uint64_t n, uint64_t m)
{
    uint64_t first = m < n ? m : n;              /* nodes 1..first-1 link to all before */
    return first * (first - 1) / 2 + (n - first) * m;
}

/* Edges of the cells kind (exact), or 0 with *overflow set. */
static uint64_t topo_cells_edges(const topo_cfg *cfg, int *overflow)
{
    uint64_t cells = (uint64_t)cfg->cells;
    uint64_t size = (uint64_t)cfg->size;
    uint64_t per_gateway = 0;
    uint64_t clique, own, up, m;

    if (cells > 1) {
        switch (cfg->uplink) {
        case TOPO_UPLINK_STAR:
            per_gateway = cells - 1;
            break;
        case TOPO_UPLINK_COMPLETE:
            per_gateway = cells * (cells - 1) / 2;   /* cells <= 10^7: no overflow */
            break;
        default:
            per_gateway = cells == 2 ? 1 : cells;
            break;
        }
    }
    clique = size * (size - 1) / 2;                  /* size <= 10^5 */
    *overflow = __builtin_mul_overflow(cells, clique, &own)
                || __builtin_mul_overflow((uint64_t)cfg->gateways, per_gateway, &up)
                || __builtin_add_overflow(own, up, &m);
    return *overflow ? 0 : m;
}

/* The edge bound is over the 32-bit adjacency limit: one message naming the keys. */
static sim_err topo_too_many_edges(const char *keys, uint64_t edges, char *msg, size_t msg_len)
{
    snprintf(msg, msg_len, "topology.%s: up to %" PRIu64 " edges, more than the %" PRIu64
             " that 32-bit adjacency indices hold", keys, edges, TOPO_MAX_EDGES);
    return SIM_EINPUT;
}

/*
 * Nodes and an upper bound on the undirected edges stored for a generated
 * kind (complete stores none), in O(dims). Exact for every kind but two:
 * erdos_renyi's edge count is Binomial(n(n-1)/2, p) with mean mu = n degree / 2,
 * bounded by mu + 8 sqrt(mu) + 40 (a Chernoff bound puts the chance of more
 * below 1e-13); geometric's has mean mu <= C(n,2) pi r^2 and a standard
 * deviation below sqrt(mu) + n^1.5 pi r^2, bounded by mu + 8 sd + 40. Both
 * are capped at C(n,2). Every product is checked; a bound beyond the 32-bit
 * adjacency limit is refused here, before anything is built. Assumes the
 * range checks passed.
 */
static sim_err topo_gen_size(const topo_cfg *cfg, uint64_t *nodes, uint64_t *edges,
                             char *msg, size_t msg_len)
{
    uint64_t n = cfg->n > 0 ? (uint64_t)cfg->n : 0;
    uint64_t m = 0;
    const char *keys = "n";
    double pairs = (double)n * ((double)n - 1.0) / 2.0;
    double mu, bound;

    switch ((topo_kind)cfg->kind) {
    case TOPO_COMPLETE:
        *nodes = n;
        *edges = 0;
        return SIM_OK;
    case TOPO_ERDOS_RENYI:
        mu = cfg->degree * (double)n / 2.0;
        bound = fmin(pairs, ceil(mu + 8.0 * sqrt(mu) + 40.0));
        m = bound >= 1e19 ? UINT64_MAX : (uint64_t)bound;
        keys = "degree";
        break;
    case TOPO_BARABASI_ALBERT:
        m = topo_ba_edges(n, (uint64_t)cfg->m);
        keys = "m";
        break;
    case TOPO_WATTS_STROGATZ:
        if (__builtin_mul_overflow(n, (uint64_t)cfg->k / 2, &m)) {
            m = UINT64_MAX;
        }
        keys = "k";
        break;
    case TOPO_GEOMETRIC: {
        double p = fmin(1.0, 3.14159265358979 * cfg->radius * cfg->radius);
        mu = pairs * p;
        bound = fmin(pairs, ceil(mu + 8.0 * (sqrt(mu) + pow((double)n, 1.5) * p) + 40.0));
        m = bound >= 1e19 ? UINT64_MAX : (uint64_t)bound;
        keys = "radius";
        break;
    }
    case TOPO_LATTICE:
        /* Side L along one axis: L - 1 edges per line, L if it wraps and L > 2. */
        n = 1;
        for (uint32_t i = 0; i < cfg->dims.count; i++) {
            n *= (uint64_t)cfg->dims.values[i];      /* checked in topo_check */
        }
        for (uint32_t i = 0; i < cfg->dims.count; i++) {
            uint64_t side = (uint64_t)cfg->dims.values[i];
            uint64_t per_line = cfg->periodic && side > 2 ? side : side - 1;
            m += per_line * (n / side);              /* <= n each, <= 8n in all */
        }
        keys = "dims";
        break;
    case TOPO_RING:
        m = n;
        break;
    case TOPO_CELLS: {
        int overflow;
        n = (uint64_t)cfg->cells * (uint64_t)cfg->size;   /* checked in topo_check */
        m = topo_cells_edges(cfg, &overflow);
        if (overflow) {
            m = UINT64_MAX;
        }
        keys = "cells";
        break;
    }
    case TOPO_FILE:
        break;
    case TOPO_EXPLICIT:
        n = cfg->places;
        m = cfg->edges;
        keys = "edges";
        break;
    }
    if (m > TOPO_MAX_EDGES) {
        return topo_too_many_edges(keys, m, msg, msg_len);
    }
    *nodes = n;
    *edges = m;
    return SIM_OK;
}

sim_err topo_check(const topo_cfg *cfg, char *msg, size_t msg_len)
{
    uint64_t nodes, edges;

    if (cfg->kind < 0 || cfg->kind >= TOPO_NKINDS) {
        snprintf(msg, msg_len, "topology.kind: unknown kind %d", cfg->kind);
        return SIM_EINPUT;
    }
    SIM_TRY(topo_check_ranges(cfg, msg, msg_len));
    switch (cfg->kind) {
    case TOPO_ERDOS_RENYI:
        if (cfg->n < 2) {
            snprintf(msg, msg_len, "topology.n: erdos_renyi needs at least 2 nodes, got %" PRId64,
                     cfg->n);
            return SIM_EINPUT;
        }
        if (cfg->degree > (double)(cfg->n - 1)) {
            snprintf(msg, msg_len, "topology.degree: must be <= n - 1 = %" PRId64 ", got %g",
                     cfg->n - 1, cfg->degree);
            return SIM_EINPUT;
        }
        break;
    case TOPO_BARABASI_ALBERT:
        /* m >= n used to be clamped silently (node i brings min(m, i) edges). */
        if (cfg->m >= cfg->n) {
            snprintf(msg, msg_len, "topology.m: must be < topology.n (m = %" PRId64 ", n = %"
                     PRId64 ")", cfg->m, cfg->n);
            return SIM_EINPUT;
        }
        break;
    case TOPO_WATTS_STROGATZ:
        if (cfg->k % 2 != 0) {
            snprintf(msg, msg_len, "topology.k: must be even, got %" PRId64, cfg->k);
            return SIM_EINPUT;
        }
        if (cfg->k >= cfg->n) {
            snprintf(msg, msg_len, "topology.k: must be < n = %" PRId64 ", got %" PRId64,
                     cfg->n, cfg->k);
            return SIM_EINPUT;
        }
        break;
    case TOPO_LATTICE: {
        uint64_t prod = 1;
        if (cfg->dims.count < 1 || cfg->dims.count > TOPO_MAX_DIMS || cfg->dims.values == NULL) {
            snprintf(msg, msg_len, "topology.dims: expected 1 to %d side lengths, got %" PRIu32,
                     TOPO_MAX_DIMS, cfg->dims.count);
            return SIM_EINPUT;
        }
        for (uint32_t i = 0; i < cfg->dims.count; i++) {
            int64_t d = cfg->dims.values[i];
            if (d < 1) {
                snprintf(msg, msg_len, "topology.dims: side lengths must be >= 1, got %" PRId64, d);
                return SIM_EINPUT;
            }
            if (__builtin_mul_overflow(prod, (uint64_t)d, &prod) || prod > TOPO_MAX_NODES) {
                snprintf(msg, msg_len, "topology.dims: more than %" PRIu64 " nodes",
                         TOPO_MAX_NODES);
                return SIM_EINPUT;
            }
        }
        break;
    }
    case TOPO_CELLS: {
        uint64_t n;
        if (cfg->gateways > cfg->size) {
            snprintf(msg, msg_len, "topology.gateways: must be <= size = %" PRId64 ", got %" PRId64,
                     cfg->size, cfg->gateways);
            return SIM_EINPUT;
        }
        if (cfg->cells < 1 || cfg->size < 1
            || __builtin_mul_overflow((uint64_t)cfg->cells, (uint64_t)cfg->size, &n)
            || n > TOPO_MAX_NODES) {
            snprintf(msg, msg_len, "topology: cells * size = %" PRId64 " * %" PRId64
                     " nodes, more than %" PRIu64, cfg->cells, cfg->size, TOPO_MAX_NODES);
            return SIM_EINPUT;
        }
        break;
    }
    case TOPO_EXPLICIT:
        if (cfg->places < 1 || cfg->places > TOPO_MAX_NODES) {
            snprintf(msg, msg_len, "topology.nodes: expected 1 to %" PRIu64 " places, got %"
                     PRIu64, TOPO_MAX_NODES, cfg->places);
            return SIM_EINPUT;
        }
        break;
    default:
        break;
    }
    if (cfg->kind != TOPO_FILE) {
        SIM_TRY(topo_gen_size(cfg, &nodes, &edges, msg, msg_len));
    }
    if (cfg->kind == TOPO_EXPLICIT) {
        SIM_TRY(places_check(cfg, msg, msg_len));   /* the arrays, once their sizes are bounded */
    }
    return SIM_OK;
}

/* --- Helpers ------------------------------------------------------------------ */

void topo_free(topo_graph *g)
{
    if (g == NULL) {
        return;
    }
    free(g->off);
    free(g->adj);
    free(g->x);
    free(g->y);
    free(g->cell);
    free(g->names);
    free(g->name_off);
    free(g->by_name);
    free(g->dist);
    free(g->cap);
    memset(g, 0, sizeof *g);
}

size_t topo_bytes(const topo_graph *g)
{
    size_t n = g->n, slots = 2 * (size_t)g->m, bytes = 0;

    if (!g->complete && g->off != NULL) {
        bytes += (n + 1) * sizeof *g->off + slots * sizeof *g->adj;
    }
    bytes += g->x != NULL ? 2 * n * sizeof *g->x : 0;
    bytes += g->cell != NULL ? n * sizeof *g->cell : 0;
    if (g->names != NULL && n > 0) {
        bytes += g->name_off[n - 1] + strlen(g->names + g->name_off[n - 1]) + 1;
        bytes += n * (sizeof *g->name_off + sizeof *g->by_name);
    }
    bytes += g->dist != NULL ? slots * (sizeof *g->dist + sizeof *g->cap) : 0;
    return bytes;
}

uint32_t topo_find(const topo_graph *g, const char *name)
{
    uint32_t lo = 0, hi = g->by_name != NULL ? g->n : 0;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(g->names + g->name_off[g->by_name[mid]], name);
        if (c == 0) {
            return g->by_name[mid];
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return SIM_NONE;
}

int topo_edge(const topo_graph *g, uint32_t v, uint32_t w, double *distance, double *capacity)
{
    uint32_t lo, hi;

    if (distance != NULL) {
        *distance = NAN;
    }
    if (capacity != NULL) {
        *capacity = NAN;
    }
    if (v >= g->n || w >= g->n || v == w) {
        return 0;
    }
    if (g->complete) {
        return 1;
    }
    lo = g->off[v];
    hi = g->off[v + 1];
    while (lo < hi) {                        /* the first slot whose neighbour is >= w */
        uint32_t mid = lo + (hi - lo) / 2;
        if (g->adj[mid] < w) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == g->off[v + 1] || g->adj[lo] != w) {
        return 0;
    }
    if (g->dist != NULL && distance != NULL) {
        *distance = g->dist[lo];
    }
    if (g->cap != NULL && capacity != NULL) {
        *capacity = g->cap[lo];
    }
    return 1;
}

/* --- Barabasi-Albert, straight into CSR ---------------------------------------- */

/* A uniform integer in [0, w) from 64 random bits (multiply-shift; bias < w / 2^64). */
static uint64_t topo_below(uint64_t bits, uint64_t w)
{
    __extension__ typedef unsigned __int128 topo_u128;
    return (uint64_t)(((topo_u128)bits * w) >> 64);
}

/*
 * Draw the targets of node i into ends (pairs i, target), given the e0
 * edges made so far: each draw picks node t with probability
 * (deg t + 1) / (2 e0 + i), as an endpoint of a uniformly random earlier
 * edge end (weight deg t) or a uniformly random node (weight 1); a node
 * already picked in this step is drawn again. stamp marks picks when m is
 * large (else the earlier picks are scanned). Returns the new edge count.
 */
static uint64_t topo_ba_step(uint32_t *ends, uint64_t e0, uint32_t i, uint32_t m,
                             uint64_t key, uint64_t *ctr, uint32_t *stamp)
{
    uint64_t k = e0;
    for (uint32_t j = 0; j < m; j++) {
        uint32_t t;
        int dup;
        do {
            uint64_t u = topo_below(rng_at(key, (*ctr)++), 2 * e0 + i);
            t = u < 2 * e0 ? ends[u] : (uint32_t)(u - 2 * e0);
            dup = 0;
            if (stamp != NULL) {
                dup = stamp[t] == i;
            } else {
                for (uint64_t x = e0; x < k && !dup; x++) {
                    dup = ends[2 * x + 1] == t;
                }
            }
        } while (dup);
        if (stamp != NULL) {
            stamp[t] = i;
        }
        ends[2 * k] = i;
        ends[2 * k + 1] = t;
        k++;
    }
    return k;
}

/*
 * CSR from the BA edge pairs, in edge order: node v's list gets its own
 * targets (all < v) during step v, then every later node that picks it, in
 * increasing order. Sorting the first min(m, v) entries of each list is
 * therefore all the sorting needed.
 */
static void topo_ba_csr(const uint32_t *ends, uint64_t ne, uint32_t m, topo_graph *g)
{
    uint32_t n = g->n;
    for (uint64_t x = 0; x < 2 * ne; x++) {
        g->off[ends[x] + 1]++;
    }
    for (uint32_t v = 0; v < n; v++) {
        g->off[v + 1] += g->off[v];
    }
    for (uint64_t e = 0; e < ne; e++) {            /* off[v] is v's fill cursor */
        uint32_t a = ends[2 * e], b = ends[2 * e + 1];
        g->adj[g->off[a]++] = b;
        g->adj[g->off[b]++] = a;
    }
    for (uint32_t v = n; v > 0; v--) {             /* shift the cursors back to starts */
        g->off[v] = g->off[v - 1];
    }
    g->off[0] = 0;
    for (uint32_t v = 1; v < n; v++) {             /* insertion sort of v's own targets */
        uint32_t *l = g->adj + g->off[v], own = v < m ? v : m;
        for (uint32_t a = 1; a < own; a++) {
            uint32_t x = l[a], b = a;
            for (; b > 0 && l[b - 1] > x; b--) {
                l[b] = l[b - 1];
            }
            l[b] = x;
        }
    }
}

/*
 * Linear preferential attachment with exactly the law of igraph_barabasi_game
 * (power 1, attractiveness A = 1, psumtree: no multi-edges) as the igraph
 * generator calls it: node 0 alone, then node i attaches to min(m, i)
 * distinct earlier nodes, each drawn with probability proportional to its
 * degree + 1, the degrees being those before step i (drawing with rejection
 * of repeats is drawing without replacement). Draws come from a counter
 * stream of the topology seed. O(n m) expected time, 8 bytes per edge of
 * pairs then freed, and no igraph graph at all: 10M nodes take seconds
 * where igraph's psumtree and igraph_create take about a minute.
 */
static sim_err topo_build_ba(const topo_cfg *cfg, uint64_t key, topo_graph *g,
                             char *msg, size_t msg_len)
{
    uint32_t n = (uint32_t)cfg->n, m = (uint32_t)cfg->m;
    uint64_t ne = topo_ba_edges(n, m), ctr = 0, k = 0;
    if (2 * ne >= TOPO_MAX_SLOTS) {
        snprintf(msg, msg_len, "topology: too many edges for 32-bit indices");
        return SIM_EINPUT;
    }
    g->n = n;
    g->m = ne;
    uint32_t *ends = mem_alloc(2 * ne + 1, sizeof *ends);
    uint32_t *stamp = m > 16 ? mem_alloc(n, sizeof *stamp) : NULL;
    g->off = mem_zalloc((size_t)n + 1, sizeof *g->off);
    g->adj = mem_alloc(2 * ne + 1, sizeof *g->adj);
    if (ends == NULL || (m > 16 && stamp == NULL) || g->off == NULL || g->adj == NULL) {
        free(ends);
        free(stamp);
        return topocsr_nomem(msg, msg_len);
    }
    if (stamp != NULL) {
        memset(stamp, 0, (size_t)n * sizeof *stamp);   /* 0: no node is picked at step 0 */
    }
    for (uint32_t i = 1; i < n; i++) {
        if (i <= m) {
            for (uint32_t t = 0; t < i; t++, k++) {
                ends[2 * k] = i;
                ends[2 * k + 1] = t;
            }
        } else {
            k = topo_ba_step(ends, k, i, m, key, &ctr, stamp);
        }
    }
    free(stamp);
    topo_ba_csr(ends, ne, m, g);
    free(ends);
    return SIM_OK;
}

/* --- Generators ------------------------------------------------------------- */

/* Each makes *ig on success (and only then); auxiliary igraph objects are their own. */

static igraph_error_t topo_gen_lattice(const topo_cfg *cfg, igraph_t *ig)
{
    igraph_vector_int_t dims;
    igraph_vector_bool_t circular;
    igraph_error_t rc;

    rc = igraph_vector_int_init(&dims, (igraph_integer_t)cfg->dims.count);
    if (rc != IGRAPH_SUCCESS) {
        return rc;
    }
    rc = igraph_vector_bool_init(&circular, (igraph_integer_t)cfg->dims.count);
    if (rc != IGRAPH_SUCCESS) {
        igraph_vector_int_destroy(&dims);
        return rc;
    }
    for (uint32_t i = 0; i < cfg->dims.count; i++) {
        VECTOR(dims)[i] = (igraph_integer_t)cfg->dims.values[i];
        VECTOR(circular)[i] = cfg->periodic ? 1 : 0;
    }
    rc = igraph_square_lattice(ig, &dims, 1, IGRAPH_UNDIRECTED, 0, &circular);
    igraph_vector_bool_destroy(&circular);
    igraph_vector_int_destroy(&dims);
    /*
     * igraph 0.10 adds no loop for a wrapped side of length 1 and no second
     * edge for one of length 2, so no simplify (a full copy) is needed; the
     * CSR pass would report it as an internal error if that ever changed.
     */
    return rc;
}

/*
 * Coordinates of the 2-d lattice: igraph numbers node (i, j) of an a x b
 * lattice as i + a * j, and we place it at (i / (a - 1), j / (b - 1)) so that
 * region selectors see the unit square; a side of length 1 sits at 0.5.
 */
static sim_err topo_lattice_coords(const topo_cfg *cfg, topo_graph *g, char *msg, size_t msg_len)
{
    uint32_t a = (uint32_t)cfg->dims.values[0];
    uint32_t b = (uint32_t)cfg->dims.values[1];

    g->x = malloc((size_t)g->n * sizeof *g->x);
    g->y = malloc((size_t)g->n * sizeof *g->y);
    if (g->x == NULL || g->y == NULL) {
        return topocsr_nomem(msg, msg_len);
    }
    for (uint32_t j = 0; j < b; j++) {
        float yj = b > 1 ? (float)((double)j / (double)(b - 1)) : 0.5f;
        for (uint32_t i = 0; i < a; i++) {
            uint32_t v = i + a * j;
            g->x[v] = a > 1 ? (float)((double)i / (double)(a - 1)) : 0.5f;
            g->y[v] = yj;
        }
    }
    return SIM_OK;
}

/* Append the other nodes of v's own cell, base .. base+size-1, to adj at k. */
static uint32_t topo_cells_own(uint32_t base, uint32_t size, uint32_t v, uint32_t *adj, uint32_t k)
{
    for (uint32_t u = base; u < base + size; u++) {
        if (u != v) {
            if (adj != NULL) {
                adj[k] = u;
            }
            k++;
        }
    }
    return k;
}

/*
 * Neighbours of node v of the cells kind, written in ascending order to adj
 * (or only counted if adj is NULL); returns how many. Cell c holds nodes
 * c*size .. c*size+size-1. Gateway i (i < gateways) of cell c is also linked
 * to gateway i of each uplink peer cell: ring: c - 1 and c + 1 (mod cells);
 * star: 0 for c > 0, every other cell for c = 0; complete: every other cell.
 * O(degree of v).
 */
static uint32_t topo_cells_neighbors(const topo_cfg *cfg, uint32_t v, uint32_t *adj)
{
    uint32_t size = (uint32_t)cfg->size;
    uint32_t cells = (uint32_t)cfg->cells;
    uint32_t c = v / size;
    uint32_t i = v % size;
    uint32_t base = c * size;
    uint32_t k = 0;
    uint32_t visit[3];     /* own cell and up to two peer cells, ascending */
    uint32_t nvisit = 0;

    if (i >= (uint32_t)cfg->gateways || cells == 1) {
        return topo_cells_own(base, size, v, adj, 0);
    }
    if (cfg->uplink == TOPO_UPLINK_COMPLETE || (cfg->uplink == TOPO_UPLINK_STAR && c == 0)) {
        for (uint32_t d = 0; d < cells; d++) {
            if (d == c) {
                k = topo_cells_own(base, size, v, adj, k);
            } else {
                if (adj != NULL) {
                    adj[k] = d * size + i;
                }
                k++;
            }
        }
        return k;
    }

    visit[nvisit++] = c;
    if (cfg->uplink == TOPO_UPLINK_STAR) {
        visit[nvisit++] = 0;
    } else {
        uint32_t prev = (c + cells - 1) % cells;
        uint32_t next = (c + 1) % cells;
        visit[nvisit++] = prev;
        if (next != prev) {
            visit[nvisit++] = next;
        }
    }
    /* Insertion sort of at most three entries. */
    for (uint32_t a = 1; a < nvisit; a++) {
        for (uint32_t b = a; b > 0 && visit[b - 1] > visit[b]; b--) {
            uint32_t t = visit[b];
            visit[b] = visit[b - 1];
            visit[b - 1] = t;
        }
    }
    for (uint32_t a = 0; a < nvisit; a++) {
        if (visit[a] == c) {
            k = topo_cells_own(base, size, v, adj, k);
        } else {
            if (adj != NULL) {
                adj[k] = visit[a] * size + i;
            }
            k++;
        }
    }
    return k;
}

/* The cells kind, written straight into CSR (two passes: count, fill). */
static sim_err topo_build_cells(const topo_cfg *cfg, topo_graph *g, char *msg, size_t msg_len)
{
    uint64_t cells = (uint64_t)cfg->cells;
    uint64_t size = (uint64_t)cfg->size;
    int overflow;
    uint64_t m = topo_cells_edges(cfg, &overflow);
    uint32_t n;

    if (overflow || m > TOPO_MAX_EDGES) {             /* topo_check refused it already */
        return topo_too_many_edges("cells", m, msg, msg_len);
    }
    n = (uint32_t)(cells * size);
    g->n = n;
    g->m = m;
    g->ncells = (uint32_t)cells;
    g->off = mem_alloc((size_t)n + 1, sizeof *g->off);
    g->adj = mem_alloc(2 * (size_t)m + 1, sizeof *g->adj);
    g->cell = malloc((size_t)n * sizeof *g->cell);
    if (g->off == NULL || g->adj == NULL || g->cell == NULL) {
        return topocsr_nomem(msg, msg_len);
    }
    g->off[0] = 0;
    for (uint32_t v = 0; v < n; v++) {
        g->off[v + 1] = g->off[v] + topo_cells_neighbors(cfg, v, NULL);
        g->cell[v] = v / (uint32_t)size;
    }
    if (g->off[n] != 2 * m) {
        snprintf(msg, msg_len, "topology: internal error: cells has %" PRIu32
                 " edge ends, expected %" PRIu64, g->off[n], 2 * m);
        return SIM_EINTERNAL;
    }
    for (uint32_t v = 0; v < n; v++) {
        (void)topo_cells_neighbors(cfg, v, g->adj + g->off[v]);
    }
    return SIM_OK;
}

/* --- Build ----------------------------------------------------------------------- */

sim_err topo_build(const topo_cfg *cfg, uint64_t seed, const char *base_dir,
                   topo_graph *out, char *msg, size_t msg_len)
{
    sim_err err = SIM_OK;
    igraph_error_t rc = IGRAPH_SUCCESS;
    igraph_t ig;
    int ig_live = 0;
    igraph_vector_t gx, gy;
    int gxy_live = 0;
    const char *what = NULL;

    memset(out, 0, sizeof *out);
    if (msg_len > 0) {
        msg[0] = '\0';
    }
    err = topo_check(cfg, msg, msg_len);         /* ranges and cross-key checks */
    if (err != SIM_OK) {
        return err;
    }

    igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    rc = igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed);
    if (rc != IGRAPH_SUCCESS) {
        err = topocsr_igraph_fail(rc, "rng_seed", msg, msg_len);
        goto done;
    }

    switch ((topo_kind)cfg->kind) {
    case TOPO_COMPLETE:
        out->n = (uint32_t)cfg->n;
        out->m = (uint64_t)cfg->n * (uint64_t)(cfg->n - 1) / 2;
        out->complete = 1;
        goto done;
    case TOPO_CELLS:
        err = topo_build_cells(cfg, out, msg, msg_len);
        goto done;
    case TOPO_EXPLICIT:
        err = places_build(cfg, out, msg, msg_len);
        goto done;
    case TOPO_BARABASI_ALBERT:
        if (cfg->generator == TOPO_GEN_DIRECT) {
            err = topo_build_ba(cfg, seed, out, msg, msg_len);
            goto done;
        }
        what = "barabasi_game";
        rc = igraph_barabasi_game(&ig, (igraph_integer_t)cfg->n, 1.0, (igraph_integer_t)cfg->m,
                                  NULL, 0, 1.0, IGRAPH_UNDIRECTED, IGRAPH_BARABASI_PSUMTREE, NULL);
        break;
    case TOPO_FILE:
        if (cfg->format == TOPO_FMT_EDGELIST) {
            err = topofile_build_edgelist(cfg, base_dir, out, msg, msg_len);
            goto done;
        }
        err = topofile_read(cfg, base_dir, &ig, &ig_live, msg, msg_len);
        if (err != SIM_OK) {
            goto done;
        }
        break;
    case TOPO_ERDOS_RENYI:
        what = "erdos_renyi_game_gnp";
        rc = igraph_erdos_renyi_game_gnp(&ig, (igraph_integer_t)cfg->n,
                                         cfg->degree / (double)(cfg->n - 1),
                                         IGRAPH_UNDIRECTED, 0);
        break;
    case TOPO_WATTS_STROGATZ:
        what = "watts_strogatz_game";
        rc = igraph_watts_strogatz_game(&ig, 1, (igraph_integer_t)cfg->n,
                                        (igraph_integer_t)(cfg->k / 2), cfg->p, 0, 0);
        break;
    case TOPO_GEOMETRIC:
        what = "grg_game";
        rc = igraph_vector_init(&gx, 0);
        if (rc != IGRAPH_SUCCESS) {
            break;
        }
        rc = igraph_vector_init(&gy, 0);
        if (rc != IGRAPH_SUCCESS) {
            igraph_vector_destroy(&gx);
            break;
        }
        gxy_live = 1;
        rc = igraph_grg_game(&ig, (igraph_integer_t)cfg->n, cfg->radius, 0, &gx, &gy);
        break;
    case TOPO_LATTICE:
        what = "square_lattice";
        rc = topo_gen_lattice(cfg, &ig);
        break;
    case TOPO_RING:
        what = "ring";
        rc = igraph_ring(&ig, (igraph_integer_t)cfg->n, IGRAPH_UNDIRECTED, 0, 1);
        break;
    }
    if (rc != IGRAPH_SUCCESS) {
        err = topocsr_igraph_fail(rc, what, msg, msg_len);
        goto done;
    }
    ig_live = 1;

    if (gxy_live) {
        igraph_integer_t nv = igraph_vector_size(&gx);
        out->x = malloc((size_t)nv * sizeof *out->x + 1);
        out->y = malloc((size_t)nv * sizeof *out->y + 1);
        if (out->x == NULL || out->y == NULL) {
            err = topocsr_nomem(msg, msg_len);
            goto done;
        }
        for (igraph_integer_t v = 0; v < nv; v++) {
            out->x[v] = (float)VECTOR(gx)[v];
            out->y[v] = (float)VECTOR(gy)[v];
        }
        igraph_vector_destroy(&gx);
        igraph_vector_destroy(&gy);
        gxy_live = 0;
    }

    err = topocsr_from_igraph(&ig, &ig_live, out, msg, msg_len);
    if (err != SIM_OK) {
        goto done;
    }
    if (cfg->kind == TOPO_LATTICE && cfg->dims.count == 2) {
        err = topo_lattice_coords(cfg, out, msg, msg_len);
    }

done:
    if (gxy_live) {
        igraph_vector_destroy(&gx);
        igraph_vector_destroy(&gy);
    }
    if (ig_live) {
        igraph_destroy(&ig);
    }
    if (err != SIM_OK) {
        topo_free(out);
    }
    return err;
}

sim_err topo_estimate(const topo_cfg *cfg, const char *base_dir, uint64_t *nodes,
                      uint64_t *edges, char *msg, size_t msg_len)
{
    sim_err err;

    *nodes = 0;
    *edges = 0;
    if (msg_len > 0) {
        msg[0] = '\0';
    }
    err = topo_check(cfg, msg, msg_len);
    if (err == SIM_OK) {
        err = cfg->kind == TOPO_FILE ? topofile_estimate(cfg, base_dir, nodes, edges, msg, msg_len)
              : topo_gen_size(cfg, nodes, edges, msg, msg_len);
    }
    if (err != SIM_OK) {
        *nodes = 0;
        *edges = 0;
    }
    return err;
}
