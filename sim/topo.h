/*
 * topo.h -- topologies: generated or read through igraph, kept as CSR.
 *
 * topo_build() makes the igraph graph for one `topology{}` block, converts it
 * to a compressed-sparse-row adjacency with 32-bit indices, and frees the
 * igraph graph at once, so a large topology never exists twice. The
 * `complete` kind stores no edges at all: peers are drawn from all nodes.
 * Only topo.c includes igraph.h.
 */
#ifndef MYCOSIM_TOPO_H
#define MYCOSIM_TOPO_H

#include <stdint.h>

#include "sim.h"

typedef enum topo_kind {
    TOPO_COMPLETE, TOPO_ERDOS_RENYI, TOPO_BARABASI_ALBERT, TOPO_WATTS_STROGATZ,
    TOPO_GEOMETRIC, TOPO_LATTICE, TOPO_RING, TOPO_CELLS, TOPO_FILE
} topo_kind;

typedef enum topo_uplink { TOPO_UPLINK_RING, TOPO_UPLINK_STAR, TOPO_UPLINK_COMPLETE } topo_uplink;
typedef enum topo_format { TOPO_FMT_EDGELIST, TOPO_FMT_GRAPHML, TOPO_FMT_GML } topo_format;
typedef enum topo_generator { TOPO_GEN_DIRECT, TOPO_GEN_IGRAPH } topo_generator;

/* The `topology{}` block. Which fields a kind uses: doc/scenarios.md. */
typedef struct topo_cfg {
    int kind;              /* topo_kind, index into topo_kinds */
    int64_t n;             /* nodes (complete, erdos_renyi, barabasi_albert, watts_strogatz, geometric, ring) */
    double degree;         /* erdos_renyi: mean degree; p = degree / (n - 1) */
    int64_t m;             /* barabasi_albert: edges each new node brings */
    int generator;         /* barabasi_albert: topo_generator */
    int64_t k;             /* watts_strogatz: ring-lattice degree (even) before rewiring */
    double p;              /* watts_strogatz: rewiring probability */
    double radius;         /* geometric: connection radius in the unit square */
    sim_intlist dims;      /* lattice: side lengths, e.g. {100, 100} */
    int periodic;          /* lattice: wrap around (torus) */
    int64_t cells;         /* cells: number of cells */
    int64_t size;          /* cells: nodes per cell (each cell is a clique) */
    int64_t gateways;      /* cells: gateway nodes per cell (the first ones of the cell) */
    int uplink;            /* cells: topo_uplink, how gateways of different cells are wired */
    const char *path;      /* file: path, relative to the scenario file's folder */
    int format;            /* file: topo_format */
} topo_cfg;

/* An undirected graph in CSR form: neighbours of v are adj[off[v] .. off[v+1]-1]. */
typedef struct topo_graph {
    uint32_t n;            /* nodes */
    uint64_t m;            /* undirected edges (n(n-1)/2 for complete) */
    int complete;          /* 1: no edges stored, every pair is linked */
    uint32_t *off;         /* n + 1 offsets into adj (NULL if complete) */
    uint32_t *adj;         /* 2m neighbour ids, sorted per node (NULL if complete) */
    float *x, *y;          /* coordinates in [0,1] or NULL (geometric; 2-d lattice) */
    uint32_t *cell;        /* cell id per node or NULL (cells kind) */
    uint32_t ncells;       /* number of cells (0 if not the cells kind) */
} topo_graph;

/* Kind names, in topo_kind order, NULL-terminated. */
extern const char *const topo_kinds[];

/* The keys of one kind (`kind` itself excluded), SIM_PARAM_END-terminated. */
const sim_param *topo_params(int kind);

/*
 * Range and cross-key checks (e.g. gateways <= size, k even and < n, m < n),
 * with checked arithmetic, including edge bounds that 32-bit adjacency
 * indices cannot hold; SIM_EINPUT and a one-line msg on failure.
 */
sim_err topo_check(const topo_cfg *cfg, char *msg, size_t msg_len) SIM_MUST_CHECK;

/*
 * Build the graph. Seeds igraph's RNG from seed first, so the same seed gives
 * the same graph. base_dir resolves relative file paths (may be NULL: cwd).
 * On failure writes a one-line reason to msg and returns SIM_EINPUT for bad
 * files and SIM_ENOMEM or SIM_ESOLVER otherwise; out is then empty.
 */
sim_err topo_build(const topo_cfg *cfg, uint64_t seed, const char *base_dir,
                   topo_graph *out, char *msg, size_t msg_len) SIM_MUST_CHECK;

/*
 * Upper bounds on the nodes and on the undirected edges the CSR will store
 * (0 for complete, which stores none), without building: O(1) for generated
 * kinds (exact except erdos_renyi and geometric, bounded 8 standard
 * deviations above the mean), one scan of an edge list (O(1) memory), the
 * file size for GML and GraphML. Runs topo_check and the file checks that
 * need no parse; returns SIM_EINPUT with msg on what topo_build would refuse
 * for them (then *nodes = *edges = 0), SIM_ENOMEM, else SIM_OK.
 */
sim_err topo_estimate(const topo_cfg *cfg, const char *base_dir, uint64_t *nodes,
                      uint64_t *edges, char *msg, size_t msg_len) SIM_MUST_CHECK;

/* Free what topo_build allocated; safe on a zeroed or already-freed graph. */
void topo_free(topo_graph *g);

/* Degree of v (n - 1 if complete). */
static inline uint32_t topo_degree(const topo_graph *g, uint32_t v)
{
    return g->complete ? g->n - 1 : g->off[v + 1] - g->off[v];
}

#endif
