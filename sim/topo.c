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
 *     Only regular files are read. Section "Files" has the rules and why.
 *   - explicit: named places and their edges, from arrays the loader fills;
 *     checked and built in places.c (CSR plus names and edge attributes).
 *
 * igraph to CSR, O(n + m) with no sort: a counting pass over igraph's edge
 * vectors (IGRAPH_FROM / IGRAPH_TO, no copy) gives the degrees and the
 * offsets; a fill pass writes every edge into both endpoints' lists, in edge
 * order, into a scratch array. The igraph graph is destroyed right there.
 * A second fill pass then transposes the scratch lists: visiting u in
 * ascending order and appending u to the list of each of its neighbours w
 * leaves every list sorted (the graph is symmetric, so the transpose is the
 * graph itself). The same pass rejects loops and multi-edges, which would be
 * a bug here since every source is simple or simplified. Peak memory is the
 * larger of (igraph graph + 8 bytes/edge) and (16 bytes/edge + 8 bytes/node);
 * igraph_get_adjlist, which allocates a vector per node, is not used.
 *
 * igraph aborts on errors and seeds its RNG from the clock unless told
 * otherwise, so topo_build() installs the ignoring error and warning
 * handlers and seeds the default RNG from the caller's seed before anything
 * else. Every igraph return code is checked and turned into a sim_err with a
 * one-line message: SIM_EINPUT for bad configurations and files, SIM_ENOMEM
 * when igraph ran out of memory, SIM_ESOLVER for any other igraph failure.
 */
#include "topo.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <igraph.h>

#include "mem.h"
#include "places.h"
#include "rng.h"

/* Node ids must stay below SIM_NONE; 2m must fit in a uint32 offset. */
#define TOPO_MAX_NODES ((uint64_t)UINT32_MAX - 1)
#define TOPO_MAX_SLOTS ((uint64_t)UINT32_MAX)
#define TOPO_MAX_EDGES ((TOPO_MAX_SLOTS - 1) / 2)
#define TOPO_MAX_ID (TOPO_MAX_NODES - 1)
#define TOPO_NMAX 100000000.0
#define TOPO_MAX_DIMS 8

/*
 * igraph's GML and GraphML readers hold the whole input as a tree or a trie
 * (about 16 to 22 bytes of memory per input byte, measured with igraph
 * 0.10.2), so their files are capped; edge lists are read by our own
 * streaming parser and are not. igraph's GML lexer takes time quadratic in
 * the length of one token (a 4 MB string takes 6 s, 100 MB hours), so GML
 * tokens are capped too; 64 KiB take a millisecond.
 */
#define TOPO_MAX_TEXT_BYTES ((uint64_t)256 << 20)
#define TOPO_GML_MAX_TOKEN 65536

const char *const topo_kinds[] = {
    "complete", "erdos_renyi", "barabasi_albert", "watts_strogatz", "geometric",
    "lattice", "ring", "cells", "file", "explicit", NULL
};

static const char *const topo_uplinks[] = { "ring", "star", "complete", NULL };
static const char *const topo_formats[] = { "edgelist", "graphml", "gml", NULL };
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
    SIM_PARAM_ENUM("format", topo_cfg, format, TOPO_FMT_EDGELIST, topo_formats, 0,
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

/* An igraph failure as a sim_err: ENOMEM stays ENOMEM, the rest is a solver failure. */
static sim_err topo_igraph_fail(igraph_error_t rc, const char *what, char *msg, size_t msg_len)
{
    snprintf(msg, msg_len, "topology: igraph %s failed: %s", what, igraph_strerror(rc));
    return rc == IGRAPH_ENOMEM ? SIM_ENOMEM : SIM_ESOLVER;
}

static sim_err topo_nomem(char *msg, size_t msg_len)
{
    snprintf(msg, msg_len, "topology: out of memory");
    return SIM_ENOMEM;
}

/*
 * Second half of every CSR build: scratch holds each node v's neighbours at
 * g->off[v] .. g->off[v+1]-1, in any order, one entry per edge end (loops
 * excluded). Visiting u in ascending order and appending u to the list of
 * each of its neighbours w leaves every list in g->adj sorted (the graph is
 * symmetric, so the transpose is the graph itself), and puts repeated
 * neighbours next to each other. With dedupe, repeats are dropped and the
 * lists compacted (g->m becomes the number of distinct edges); without,
 * a loop or a repeat is a bug (SIM_EINTERNAL). O(n + m), 4 bytes per edge end
 * plus 4 per node on top of scratch.
 */
static sim_err topo_csr_transpose(topo_graph *g, const uint32_t *scratch, int dedupe,
                                  char *msg, size_t msg_len)
{
    uint32_t n = g->n;
    uint32_t *cur = mem_alloc((size_t)n + 1, sizeof *cur);
    uint32_t k = 0;

    g->adj = mem_alloc((size_t)g->off[n] + 1, sizeof *g->adj);
    if (g->adj == NULL || cur == NULL) {
        free(cur);
        return topo_nomem(msg, msg_len);
    }
    memcpy(cur, g->off, ((size_t)n + 1) * sizeof *cur);
    for (uint32_t u = 0; u < n; u++) {
        for (uint32_t i = g->off[u]; i < g->off[u + 1]; i++) {
            uint32_t w = scratch[i];
            if (w == u || (cur[w] > g->off[w] && g->adj[cur[w] - 1] == u)) {
                if (dedupe && w != u) {
                    continue;
                }
                snprintf(msg, msg_len, "topology: internal error: graph is not simple at node %"
                         PRIu32, u);
                free(cur);
                return SIM_EINTERNAL;
            }
            g->adj[cur[w]++] = u;
        }
    }
    if (dedupe) {
        /* Compact: v's list is off[v] .. cur[v]-1; k <= off[v] throughout. */
        for (uint32_t v = 0; v < n; v++) {
            uint32_t start = g->off[v];
            uint32_t len = cur[v] - start;
            g->off[v] = k;
            memmove(g->adj + k, g->adj + start, (size_t)len * sizeof *g->adj);
            k += len;
        }
        g->off[n] = k;
        g->m = k / 2;
    }
    free(cur);
    return SIM_OK;
}

/*
 * CSR from nedges (a, b) pairs with a != b, repeats allowed: counting pass,
 * fill pass into scratch, then the deduplicating transpose. Frees *pairs as
 * soon as scratch is filled, so the peak is 16 bytes per edge line plus 8
 * per node (the pairs and scratch, then scratch and adj).
 */
static sim_err topo_csr_from_pairs(uint32_t **pairs, uint64_t nedges, uint32_t n, topo_graph *g,
                                   char *msg, size_t msg_len)
{
    sim_err err;
    uint32_t *scratch;
    const uint32_t *p = *pairs;

    g->n = n;
    g->off = mem_zalloc((size_t)n + 1, sizeof *g->off);
    scratch = mem_alloc(2 * (size_t)nedges + 1, sizeof *scratch);
    if (g->off == NULL || scratch == NULL) {
        free(scratch);
        return topo_nomem(msg, msg_len);
    }
    for (uint64_t e = 0; e < nedges; e++) {
        g->off[p[2 * e]]++;
        g->off[p[2 * e + 1]]++;
    }
    for (uint32_t v = 1; v < n; v++) {
        g->off[v] += g->off[v - 1];
    }
    g->off[n] = (uint32_t)(2 * nedges);
    for (uint64_t e = 0; e < nedges; e++) {
        uint32_t a = p[2 * e];
        uint32_t b = p[2 * e + 1];
        scratch[--g->off[a]] = b;
        scratch[--g->off[b]] = a;
    }
    free(*pairs);
    *pairs = NULL;
    err = topo_csr_transpose(g, scratch, 1, msg, msg_len);
    free(scratch);
    return err;
}

/*
 * Convert the undirected, simple igraph graph *ig into CSR in g (the method is
 * in the file comment). Always destroys *ig, early, and clears *ig_live.
 * Fails with SIM_EINPUT if the graph does not fit 32-bit indices, SIM_ENOMEM,
 * or SIM_EINTERNAL if the graph has a loop or a multi-edge.
 */
static sim_err topo_csr_from_igraph(igraph_t *ig, int *ig_live, topo_graph *g,
                                    char *msg, size_t msg_len)
{
    sim_err err = SIM_OK;
    uint32_t *scratch = NULL;
    igraph_integer_t nv = igraph_vcount(ig);
    igraph_integer_t ne = igraph_ecount(ig);
    uint32_t n;

    if ((uint64_t)nv > TOPO_MAX_NODES) {
        snprintf(msg, msg_len, "topology: %" PRId64 " nodes, more than %" PRIu64,
                 (int64_t)nv, TOPO_MAX_NODES);
        err = SIM_EINPUT;
        goto done;
    }
    if (2 * (uint64_t)ne >= TOPO_MAX_SLOTS) {
        snprintf(msg, msg_len, "topology: too many edges for 32-bit indices");
        err = SIM_EINPUT;
        goto done;
    }
    n = (uint32_t)nv;
    g->n = n;
    g->m = (uint64_t)ne;
    g->off = mem_zalloc((size_t)n + 1, sizeof *g->off);
    scratch = mem_alloc(2 * (size_t)ne + 1, sizeof *scratch);
    if (g->off == NULL || scratch == NULL) {
        err = topo_nomem(msg, msg_len);
        goto done;
    }

    /* Counting pass: off[v] = deg(v), then inclusive prefix sums (end of v). */
    for (igraph_integer_t e = 0; e < ne; e++) {
        g->off[IGRAPH_FROM(ig, e)]++;
        g->off[IGRAPH_TO(ig, e)]++;
    }
    for (uint32_t v = 1; v < n; v++) {
        g->off[v] += g->off[v - 1];
    }
    g->off[n] = (uint32_t)(2 * ne);

    /* Fill pass, decrementing: afterwards off[v] is the start of v's list. */
    for (igraph_integer_t e = 0; e < ne; e++) {
        uint32_t a = (uint32_t)IGRAPH_FROM(ig, e);
        uint32_t b = (uint32_t)IGRAPH_TO(ig, e);
        scratch[--g->off[a]] = b;
        scratch[--g->off[b]] = a;
    }
    igraph_destroy(ig);
    *ig_live = 0;
    err = topo_csr_transpose(g, scratch, 0, msg, msg_len);

done:
    if (*ig_live) {
        igraph_destroy(ig);
        *ig_live = 0;
    }
    free(scratch);
    return err;
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
        return topo_nomem(msg, msg_len);
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
        return topo_nomem(msg, msg_len);
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

/* Join dir and path with a '/', unless path is absolute or dir is NULL/empty. */
static char *topo_join_path(const char *dir, const char *path)
{
    size_t len;
    char *full;

    if (path[0] == '/' || dir == NULL || dir[0] == '\0') {
        dir = NULL;
    }
    len = (dir != NULL ? strlen(dir) + 1 : 0) + strlen(path) + 1;
    full = malloc(len);
    if (full == NULL) {
        return NULL;
    }
    if (dir != NULL) {
        snprintf(full, len, "%s/%s", dir, path);
    } else {
        snprintf(full, len, "%s", path);
    }
    return full;
}

/* --- Files ---------------------------------------------------------------------- */

/*
 * Open the file kind's file, which must be a regular file (a FIFO, a device
 * such as /dev/zero or a directory could never end or never parse); *full is
 * the joined path used in every message, *size its size in bytes.
 */
static sim_err topo_open(const topo_cfg *cfg, const char *base_dir, char **full, FILE **f,
                         uint64_t *size, char *msg, size_t msg_len)
{
    struct stat st;

    *f = NULL;
    *full = topo_join_path(base_dir, cfg->path);
    if (*full == NULL) {
        return topo_nomem(msg, msg_len);
    }
    *f = fopen(*full, "r");
    if (*f == NULL) {
        snprintf(msg, msg_len, "topology.path: cannot open '%s': %s", *full, strerror(errno));
        return SIM_EINPUT;
    }
    if (fstat(fileno(*f), &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(msg, msg_len, "topology.path: '%s' is not a regular file", *full);
        return SIM_EINPUT;
    }
    *size = (uint64_t)st.st_size;
    return SIM_OK;
}

/*
 * Edge lists are read by this parser, not igraph_read_graph_edgelist (which
 * reads any whitespace-separated numbers as more edges, so `0 1 5` became two
 * edges and node 5, and gives no line numbers). The format:
 *   - each line is blank, or exactly two node ids separated by spaces or
 *     tabs (a trailing CR is whitespace);
 *   - a node id is a decimal integer 0 .. 4294967293 (no sign, no exponent);
 *   - a field starting with '#' or '%' begins a comment that runs to the end
 *     of the line (SNAP and KONECT headers); `0 1 # x` is an edge.
 * Anything else is one error `path:line: ...`. Loops are dropped and repeated
 * edges kept once; the graph is undirected.
 *
 * Node count: the largest id + 1, so ids name nodes directly. A file whose
 * ids leave more than half of those nodes without any edge is refused: its
 * ids are sparse labels (a 12-byte file naming node 10^8 would otherwise
 * build 10^8 + 1 nodes). The isolated count is exact (a bitmap of n bits)
 * when n <= 4 x edge lines, which keeps the bitmap under an eighth of the
 * edge memory; above that at most 2 x edge lines nodes can have an edge, so
 * more than half are isolated and the lower bound n - 2 x edge lines is
 * reported. One pass, O(bytes); 8 bytes per edge line kept.
 */
typedef struct topo_el {
    uint32_t *pairs;        /* 2 ids per kept line, or NULL when only counting */
    uint64_t cap;           /* lines pairs can hold */
    uint64_t count;         /* edge lines that are not loops */
    uint64_t lines;         /* edge lines, loops included */
    uint32_t max_id;        /* largest id on any edge line */
    uint64_t max_line;      /* line on which max_id first appears */
} topo_el;

static int topo_el_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Read the field that starts with c: its first 24 bytes into text (control
 * and non-ASCII bytes as '?', "..." if longer), its value into *value if it
 * is all digits (*kind 0), else *kind 1 (not a number) or 2 (out of range).
 * Returns the byte after it.
 */
static int topo_el_field(FILE *f, int c, char *text, uint64_t *value, int *kind)
{
    size_t len = 0;
    uint64_t v = 0;

    *kind = 0;
    while (c != EOF && c != '\n' && !topo_el_space(c)) {
        if (c >= '0' && c <= '9') {
            if (*kind == 0) {
                v = v * 10 + (uint64_t)(c - '0');
                if (v > TOPO_MAX_ID) {
                    *kind = 2;
                }
            }
        } else {
            *kind = 1;
        }
        if (len < 24) {
            text[len] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
        } else if (len == 24) {
            memcpy(text + 24, "...", 3);
        }
        len++;
        c = getc(f);
    }
    text[len < 24 ? len : 27] = '\0';
    *value = v;
    return c;
}

/* Scan an edge list (the format is above); keeps the pairs in el->pairs if keep. */
static sim_err topo_el_scan(FILE *f, const char *path, int keep, topo_el *el,
                            char *msg, size_t msg_len)
{
    uint64_t line = 1;
    uint32_t ids[2];
    int fields = 0;
    int c = getc(f);
    char text[32];

    memset(el, 0, sizeof *el);
    for (;;) {
        if (c == EOF || c == '\n') {
            if (fields == 1) {
                snprintf(msg, msg_len, "%s:%" PRIu64 ": expected two node ids, got one "
                         "(an edge-list line is 'u v')", path, line);
                return SIM_EINPUT;
            }
            if (fields == 2) {
                for (int i = 0; i < 2; i++) {
                    if ((el->lines == 0 && i == 0) || ids[i] > el->max_id) {
                        el->max_id = ids[i];
                        el->max_line = line;
                    }
                }
                el->lines++;
                if (ids[0] != ids[1]) {
                    if (el->count >= TOPO_MAX_EDGES) {
                        snprintf(msg, msg_len, "%s:%" PRIu64 ": more than %" PRIu64 " edges, the "
                                 "most that 32-bit adjacency indices hold", path, line,
                                 TOPO_MAX_EDGES);
                        return SIM_EINPUT;
                    }
                    if (keep && el->count == el->cap) {
                        uint64_t cap = el->cap < 1024 ? 1024 : 2 * el->cap;
                        uint32_t *p = realloc(el->pairs, (size_t)cap * 2 * sizeof *p);
                        if (p == NULL) {
                            return topo_nomem(msg, msg_len);
                        }
                        el->pairs = p;
                        el->cap = cap;
                    }
                    if (keep) {
                        el->pairs[2 * el->count] = ids[0];
                        el->pairs[2 * el->count + 1] = ids[1];
                    }
                    el->count++;
                }
            }
            if (c == EOF) {
                break;
            }
            line++;
            fields = 0;
            c = getc(f);
        } else if (topo_el_space(c)) {
            c = getc(f);
        } else if (c == '#' || c == '%') {
            while (c != EOF && c != '\n') {
                c = getc(f);
            }
        } else {
            uint64_t v;
            int kind;
            c = topo_el_field(f, c, text, &v, &kind);
            if (fields == 2) {
                snprintf(msg, msg_len, "%s:%" PRIu64 ": expected two node ids, found a third "
                         "field '%s' (an edge-list line is 'u v'; weights are not read)",
                         path, line, text);
                return SIM_EINPUT;
            }
            if (kind == 1) {
                snprintf(msg, msg_len, "%s:%" PRIu64 ": '%s' is not a node id (expected an "
                         "integer 0 to %" PRIu64 ")", path, line, text, TOPO_MAX_ID);
                return SIM_EINPUT;
            }
            if (kind == 2) {
                snprintf(msg, msg_len, "%s:%" PRIu64 ": node id %s is out of range (0 to %"
                         PRIu64 ")", path, line, text, TOPO_MAX_ID);
                return SIM_EINPUT;
            }
            ids[fields++] = (uint32_t)v;
        }
    }
    if (ferror(f)) {
        snprintf(msg, msg_len, "topology.path: cannot read '%s'", path);
        return SIM_EINPUT;
    }
    if (el->lines == 0) {
        snprintf(msg, msg_len, "%s: has no nodes (no edge lines; an edge-list line is 'u v')",
                 path);
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/*
 * The sparse-id rule (above): n = max id + 1 nodes, at most half of them
 * isolated. Exact when the pairs are kept and n <= 4 x edge lines, else the
 * lower bound (which alone refuses whenever n > 4 x edge lines).
 */
static sim_err topo_el_check_ids(const topo_el *el, const char *path, char *msg, size_t msg_len)
{
    uint64_t n = (uint64_t)el->max_id + 1;
    uint64_t isolated = n > 2 * el->count ? n - 2 * el->count : 0;
    int exact = 0;

    if (2 * isolated <= n && el->pairs != NULL) {
        uint64_t *seen = calloc((size_t)(n + 63) / 64, sizeof *seen);
        uint64_t distinct = 0;
        if (seen == NULL) {
            return topo_nomem(msg, msg_len);
        }
        for (uint64_t i = 0; i < 2 * el->count; i++) {
            uint32_t v = el->pairs[i];
            uint64_t bit = (uint64_t)1 << (v % 64);
            if ((seen[v / 64] & bit) == 0) {
                seen[v / 64] |= bit;
                distinct++;
            }
        }
        free(seen);
        isolated = n - distinct;
        exact = 1;
    }
    if (2 * isolated > n) {
        snprintf(msg, msg_len, "%s:%" PRIu64 ": node id %" PRIu32 " leaves %s%" PRIu64 " of %"
                 PRIu64 " nodes without an edge (ids must be 0..n-1 with at most half of the "
                 "nodes isolated: renumber the file)", path, el->max_line, el->max_id,
                 exact ? "" : "at least ", isolated, n);
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/* The edgelist format, straight into CSR (no igraph graph). */
static sim_err topo_build_edgelist(const topo_cfg *cfg, const char *base_dir, topo_graph *g,
                                   char *msg, size_t msg_len)
{
    sim_err err;
    char *full = NULL;
    FILE *f = NULL;
    uint64_t size;
    topo_el el;

    memset(&el, 0, sizeof el);
    err = topo_open(cfg, base_dir, &full, &f, &size, msg, msg_len);
    if (err == SIM_OK) {
        err = topo_el_scan(f, full, 1, &el, msg, msg_len);
    }
    if (err == SIM_OK) {
        err = topo_el_check_ids(&el, full, msg, msg_len);
    }
    if (f != NULL) {
        fclose(f);
    }
    if (err == SIM_OK) {
        err = topo_csr_from_pairs(&el.pairs, el.count, el.max_id + 1, g, msg, msg_len);
    }
    free(el.pairs);
    free(full);
    return err;
}

/*
 * GraphML screen, run before igraph sees the file. igraph 0.10.2
 * (src/io/graphml.c) drives a libxml2 push parser with
 * xmlCtxtUseOptions(XML_PARSE_NOENT | XML_PARSE_NOBLANKS | XML_PARSE_NONET |
 * XML_PARSE_NSCLEAN | XML_PARSE_NOCDATA | XML_PARSE_HUGE): NOENT asks for
 * entity substitution and HUGE lifts libxml2's expansion limits; only NONET
 * keeps the network out. What stops file:// entities and "billion laughs"
 * today is an accident of its SAX handler: no entityDecl, internalSubset,
 * externalSubset or resolveEntity callbacks, and a getEntity that answers
 * every non-predefined name with an empty entity. Measured with libxml2
 * 2.9.14: nothing outside the file is opened (strace) and nothing expands,
 * but such files are read without complaint, and one change of handler
 * would expose them. So they are refused here, by policy:
 *   - any markup declaration `<!...` other than a comment `<!--` or a CDATA
 *     section `<![CDATA[` (DOCTYPE, ENTITY, ELEMENT, ATTLIST, NOTATION:
 *     only a DTD declares entities, and GraphML needs none);
 *   - anything that could hide such markup from this byte scan: a NUL byte,
 *     a UTF-16 / UTF-32 / EBCDIC start, or an XML declaration naming an
 *     encoding other than UTF-8, US-ASCII or ISO-8859-1.
 * Comments and CDATA end at the first `-->` and `]]>`, as in libxml2.
 * Processing instructions are not skipped, so a `<!` inside one is refused
 * too (conservative). XInclude is never enabled by igraph, and schema
 * locations are not fetched. O(bytes), no allocation.
 */
static sim_err topo_graphml_screen(FILE *f, const char *path, char *msg, size_t msg_len)
{
    static const char *const encodings[] = {
        "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "iso_8859-1", "latin1",
        "iso-latin-1", NULL
    };
    unsigned char head[512];
    size_t nhead = fread(head, 1, sizeof head - 1, f);
    size_t at = 0;
    uint64_t line = 1;
    int c;

    head[nhead] = '\0';
    if (nhead >= 3 && head[0] == 0xef && head[1] == 0xbb && head[2] == 0xbf) {
        at = 3;                                         /* UTF-8 byte order mark */
    } else if (nhead >= 2 && ((head[0] == 0xfe && head[1] == 0xff)
                              || (head[0] == 0xff && head[1] == 0xfe)
                              || (head[0] == 0x4c && head[1] == 0x6f && nhead >= 4
                                  && head[2] == 0xa7 && head[3] == 0x94))) {
        snprintf(msg, msg_len, "%s:1: GraphML not in UTF-8 (UTF-16 or EBCDIC) is refused "
                 "(convert it to UTF-8)", path);
        return SIM_EINPUT;
    }
    if (strncmp((const char *)head + at, "<?xml", 5) == 0) {
        const char *decl = (const char *)head + at;
        const char *end = strstr(decl, "?>");
        const char *enc = strstr(decl, "encoding");
        if (end == NULL) {                   /* an encoding further on would go unread */
            snprintf(msg, msg_len, "%s:1: GraphML whose XML declaration does not end within "
                     "%zu bytes is refused", path, sizeof head - 1);
            return SIM_EINPUT;
        }
        if (enc != NULL && (end == NULL || enc < end)) {
            char name[32];
            size_t len = 0;
            int ok = 0;
            enc += 8;
            while (*enc == ' ' || *enc == '\t' || *enc == '\r' || *enc == '\n' || *enc == '=') {
                enc++;
            }
            if (*enc == '"' || *enc == '\'') {
                char q = *enc++;
                while (enc[len] != '\0' && enc[len] != q && len < sizeof name - 1) {
                    name[len] = enc[len] >= 'A' && enc[len] <= 'Z' ? (char)(enc[len] + 32)
                                : (char)enc[len];
                    len++;
                }
                name[len] = '\0';
                for (int i = 0; encodings[i] != NULL; i++) {
                    ok |= strcmp(name, encodings[i]) == 0;
                }
            } else {
                snprintf(name, sizeof name, "?");
            }
            if (!ok) {
                for (size_t i = 0; i < len; i++) {
                    if (name[i] < 0x20 || name[i] >= 0x7f) {
                        name[i] = '?';
                    }
                }
                snprintf(msg, msg_len, "%s:1: GraphML in encoding '%s' is refused (use UTF-8)",
                         path, name);
                return SIM_EINPUT;
            }
        }
    }

    rewind(f);
    c = getc(f);
    while (c != EOF) {
        if (c == '\n') {
            line++;
        } else if (c == '\0') {
            snprintf(msg, msg_len, "%s:%" PRIu64 ": GraphML with a NUL byte is refused (UTF-16 "
                     "or binary data; use UTF-8)", path, line);
            return SIM_EINPUT;
        } else if (c == '<') {
            uint64_t at_line = line;
            int ok = 0;
            c = getc(f);
            if (c != '!') {
                continue;                               /* look at the byte after '<' itself */
            }
            c = getc(f);
            if (c == '-' && (c = getc(f)) == '-') {
                int a = 0, b = 0;                       /* the two bytes before c */
                while ((c = getc(f)) != EOF && !(a == '-' && b == '-' && c == '>')) {
                    line += c == '\n';
                    a = b;
                    b = c;
                }
                ok = 1;                                 /* an unterminated one is libxml2's error */
            } else if (c == '[') {
                const char *want = "CDATA[";
                int i = 0;
                while (want[i] != '\0' && (c = getc(f)) == want[i]) {
                    i++;
                }
                if (want[i] == '\0') {
                    int a = 0, b = 0;
                    while ((c = getc(f)) != EOF && !(a == ']' && b == ']' && c == '>')) {
                        line += c == '\n';
                        a = b;
                        b = c;
                    }
                    ok = 1;
                }
            }
            if (!ok) {
                snprintf(msg, msg_len, "%s:%" PRIu64 ": GraphML with a DTD or entity "
                         "declarations is refused (entities could read local files)", path,
                         at_line);
                return SIM_EINPUT;
            }
            if (c == EOF) {
                break;
            }
        }
        c = getc(f);
    }
    if (ferror(f)) {
        snprintf(msg, msg_len, "topology.path: cannot read '%s'", path);
        return SIM_EINPUT;
    }
    rewind(f);
    return SIM_OK;
}

/*
 * GML screen: no token (a quoted string, a number or key, or a comment from
 * '#' to the end of the line) longer than TOPO_GML_MAX_TOKEN bytes, since
 * igraph's lexer is quadratic in a token's length. Nesting needs no check:
 * igraph 0.10.2 refuses lists nested deeper than about 30 with a parse error
 * at once (measured). O(bytes).
 */
static sim_err topo_gml_screen(FILE *f, const char *path, char *msg, size_t msg_len)
{
    uint64_t line = 1, start_line = 1, len = 0;
    int mode = 0;                                       /* 0 between tokens, 1 word, 2 string, 3 comment */
    int c;

    while ((c = getc(f)) != EOF) {
        int ws = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
        if (mode == 2) {
            mode = c == '"' ? 0 : 2;
        } else if (mode == 3) {
            mode = c == '\n' ? 0 : 3;
        } else if (ws || c == '[' || c == ']') {
            mode = 0;
        } else if (mode == 0) {
            mode = c == '"' ? 2 : c == '#' ? 3 : 1;
            len = 0;
            start_line = line;
        }
        if (c == '\n') {
            line++;
        }
        if (mode != 0 && ++len > TOPO_GML_MAX_TOKEN) {
            snprintf(msg, msg_len, "%s:%" PRIu64 ": GML token (string, number or comment) longer "
                     "than %d bytes is refused (igraph's reader is quadratic in its length)",
                     path, start_line, TOPO_GML_MAX_TOKEN);
            return SIM_EINPUT;
        }
    }
    if (ferror(f)) {
        snprintf(msg, msg_len, "topology.path: cannot read '%s'", path);
        return SIM_EINPUT;
    }
    rewind(f);
    return SIM_OK;
}

/* GML and GraphML: igraph holds the whole input, so the file size is capped. */
static sim_err topo_check_text_size(const char *path, const char *fmt, uint64_t size,
                                    char *msg, size_t msg_len)
{
    if (size > TOPO_MAX_TEXT_BYTES) {
        snprintf(msg, msg_len, "%s: %" PRIu64 " bytes of %s, more than the %" PRIu64 " that "
                 "igraph's reader is allowed (it needs about 20 bytes of memory per byte); "
                 "convert the graph to an edge list", path, size, fmt, TOPO_MAX_TEXT_BYTES);
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/* Read a GML or GraphML file into *ig through igraph, undirected and simple. */
static sim_err topo_read_file(const topo_cfg *cfg, const char *base_dir, igraph_t *ig,
                              int *ig_live, char *msg, size_t msg_len)
{
    sim_err err = SIM_OK;
    igraph_error_t rc = IGRAPH_SUCCESS;
    const char *fmt = topo_formats[cfg->format];
    char *full = NULL;
    FILE *f = NULL;
    uint64_t size;

    err = topo_open(cfg, base_dir, &full, &f, &size, msg, msg_len);
    if (err == SIM_OK) {
        err = topo_check_text_size(full, fmt, size, msg, msg_len);
    }
    if (err == SIM_OK) {
        err = cfg->format == TOPO_FMT_GRAPHML ? topo_graphml_screen(f, full, msg, msg_len)
              : topo_gml_screen(f, full, msg, msg_len);
    }
    if (err != SIM_OK) {
        goto done;
    }
    rc = cfg->format == TOPO_FMT_GRAPHML ? igraph_read_graph_graphml(ig, f, 0)
         : igraph_read_graph_gml(ig, f);
    if (rc == IGRAPH_ENOMEM) {
        err = topo_nomem(msg, msg_len);
        goto done;
    }
    if (rc == IGRAPH_UNIMPLEMENTED) {
        snprintf(msg, msg_len, "topology.format: this igraph cannot read %s", fmt);
        err = SIM_EINPUT;
        goto done;
    }
    if (rc == IGRAPH_EFILE) {
        snprintf(msg, msg_len, "topology.path: cannot read '%s'", full);
        err = SIM_EINPUT;
        goto done;
    }
    if (rc != IGRAPH_SUCCESS) {
        snprintf(msg, msg_len, "topology.path: '%s' is not valid %s (%s)", full, fmt,
                 igraph_strerror(rc));
        err = SIM_EINPUT;
        goto done;
    }
    *ig_live = 1;
    if (ferror(f)) {
        snprintf(msg, msg_len, "topology.path: cannot read '%s'", full);
        err = SIM_EINPUT;
        goto done;
    }
    if (igraph_vcount(ig) == 0) {
        snprintf(msg, msg_len, "topology.path: '%s' has no nodes", full);
        err = SIM_EINPUT;
        goto done;
    }
    if (igraph_is_directed(ig)) {
        rc = igraph_to_undirected(ig, IGRAPH_TO_UNDIRECTED_COLLAPSE, NULL);
        if (rc != IGRAPH_SUCCESS) {
            err = topo_igraph_fail(rc, "to_undirected", msg, msg_len);
            goto done;
        }
    }
    rc = igraph_simplify(ig, 1, 1, NULL);
    if (rc != IGRAPH_SUCCESS) {
        err = topo_igraph_fail(rc, "simplify", msg, msg_len);
        goto done;
    }

done:
    if (f != NULL) {
        fclose(f);
    }
    free(full);
    return err;
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
        return topo_nomem(msg, msg_len);
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
        err = topo_igraph_fail(rc, "rng_seed", msg, msg_len);
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
            err = topo_build_edgelist(cfg, base_dir, out, msg, msg_len);
            goto done;
        }
        err = topo_read_file(cfg, base_dir, &ig, &ig_live, msg, msg_len);
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
        err = topo_igraph_fail(rc, what, msg, msg_len);
        goto done;
    }
    ig_live = 1;

    if (gxy_live) {
        igraph_integer_t nv = igraph_vector_size(&gx);
        out->x = malloc((size_t)nv * sizeof *out->x + 1);
        out->y = malloc((size_t)nv * sizeof *out->y + 1);
        if (out->x == NULL || out->y == NULL) {
            err = topo_nomem(msg, msg_len);
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

    err = topo_csr_from_igraph(&ig, &ig_live, out, msg, msg_len);
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

/*
 * Bounds for files without building: an edge list is scanned once (no pairs
 * kept, so O(bytes) time and O(1) memory) and gives n = max id + 1 and its
 * non-loop edge lines; GML and GraphML are bounded by their size, since a
 * node costs at least 10 bytes (`node[id 0]`, `<node id=""/>`) and an edge
 * at least 22 (`edge[source 0 target 1]`, `<edge source="" target=""/>`).
 */
static sim_err topo_estimate_file(const topo_cfg *cfg, const char *base_dir, uint64_t *nodes,
                                  uint64_t *edges, char *msg, size_t msg_len)
{
    sim_err err;
    char *full = NULL;
    FILE *f = NULL;
    uint64_t size = 0;
    topo_el el;

    memset(&el, 0, sizeof el);
    err = topo_open(cfg, base_dir, &full, &f, &size, msg, msg_len);
    if (err == SIM_OK && cfg->format == TOPO_FMT_EDGELIST) {
        err = topo_el_scan(f, full, 0, &el, msg, msg_len);
        if (err == SIM_OK) {
            err = topo_el_check_ids(&el, full, msg, msg_len);
        }
        *nodes = (uint64_t)el.max_id + 1;
        *edges = el.count;
    } else if (err == SIM_OK) {
        err = topo_check_text_size(full, topo_formats[cfg->format], size, msg, msg_len);
        *nodes = size / 8 + 1;
        *edges = size / 16;
    }
    if (f != NULL) {
        fclose(f);
    }
    free(full);
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
        err = cfg->kind == TOPO_FILE ? topo_estimate_file(cfg, base_dir, nodes, edges, msg, msg_len)
              : topo_gen_size(cfg, nodes, edges, msg, msg_len);
    }
    if (err != SIM_OK) {
        *nodes = 0;
        *edges = 0;
    }
    return err;
}
