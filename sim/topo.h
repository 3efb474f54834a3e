/*
 * topo.h -- topologies: generated or read through igraph, kept as CSR.
 *
 * topo_build() makes the igraph graph for one `topology{}` block, converts it
 * to a compressed-sparse-row adjacency with 32-bit indices, and frees the
 * igraph graph at once, so a large topology never exists twice. The
 * `complete` kind stores no edges at all: peers are drawn from all nodes.
 * The `explicit` kind (named places, sim/places.c) also carries names and
 * per-edge distance and capacity. Only topo.c and the files under it
 * (topofile.c, the file readers; topocsr.c, the CSR builders) include igraph.h.
 */
#ifndef MYCOSIM_TOPO_H
#define MYCOSIM_TOPO_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

typedef enum topo_kind {
    TOPO_COMPLETE, TOPO_ERDOS_RENYI, TOPO_BARABASI_ALBERT, TOPO_WATTS_STROGATZ,
    TOPO_GEOMETRIC, TOPO_LATTICE, TOPO_RING, TOPO_CELLS, TOPO_FILE,
    TOPO_EXPLICIT          /* last, so the other kinds keep their numbers */
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
    /*
     * explicit: plain arrays filled by the loader, owned by it and valid for
     * the run; the place_* arrays have `places` entries, the edge_* ones
     * `edges`. A NULL coordinate, distance or capacity array means "none
     * given", like an array of NaN. Checked by topo_check (places.c).
     */
    uint64_t places;                /* explicit: number of places, >= 1 */
    const char *const *place_name;  /* explicit: name of each place, unique, non-empty */
    const double *place_x;          /* explicit: x of each place (raw units), NaN = not given */
    const double *place_y;          /* explicit: y likewise; all places give x and y, or none */
    uint64_t edges;                 /* explicit: number of undirected edges */
    const uint32_t *edge_from;      /* explicit: one end of each edge, an index into the places */
    const uint32_t *edge_to;        /* explicit: the other end; no loops, no repeated pair */
    const double *edge_distance;    /* explicit: per edge, finite >= 0, NaN = not given */
    const double *edge_capacity;    /* explicit: per edge, finite > 0, NaN = unlimited */
} topo_cfg;

/* An undirected graph in CSR form: neighbours of v are adj[off[v] .. off[v+1]-1]. */
typedef struct topo_graph {
    uint32_t n;            /* nodes */
    uint64_t m;            /* undirected edges (n(n-1)/2 for complete) */
    int complete;          /* 1: no edges stored, every pair is linked */
    uint32_t *off;         /* n + 1 offsets into adj (NULL if complete) */
    uint32_t *adj;         /* 2m neighbour ids, sorted per node (NULL if complete) */
    float *x, *y;          /* coordinates or NULL: in [0,1] (geometric; 2-d lattice), or the
                              explicit kind's own units, not rescaled */
    uint32_t *cell;        /* cell id per node or NULL (cells kind) */
    uint32_t ncells;       /* number of cells (0 if not the cells kind) */
    char *names;           /* explicit: every name, NUL-terminated, back to back; else NULL */
    size_t *name_off;      /* explicit: n offsets into names (node v's name); else NULL */
    uint32_t *by_name;     /* explicit: the n node ids sorted by name (strcmp); else NULL */
    double *dist;          /* explicit: 2m distances aligned with adj, NaN = not given; or NULL */
    double *cap;           /* explicit: 2m capacities aligned with adj, NaN = unlimited; or NULL */
} topo_graph;

/* Kind names, in topo_kind order, NULL-terminated. */
extern const char *const topo_kinds[];

/* The keys of one kind (`kind` itself excluded), SIM_PARAM_END-terminated. */
const sim_param *topo_params(int kind);

/*
 * Range and cross-key checks (e.g. gateways <= size, k even and < n, m < n),
 * with checked arithmetic, including edge bounds that 32-bit adjacency
 * indices cannot hold; SIM_EINPUT and a one-line msg on failure. For the
 * explicit kind also every array (places.c: names, coordinates, edge ends,
 * loops, repeated edges, distances, capacities), naming places by name;
 * that costs O(n log n + m) time and 16 bytes per place plus 4 per edge of
 * scratch (SIM_ENOMEM if it cannot be had).
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
 * and explicit kinds (exact except erdos_renyi and geometric, bounded 8 standard
 * deviations above the mean), one scan of an edge list (O(1) memory), the
 * file size for GML and GraphML. Runs topo_check and the file checks that
 * need no parse; returns SIM_EINPUT with msg on what topo_build would refuse
 * for them (then *nodes = *edges = 0), SIM_ENOMEM, else SIM_OK.
 */
sim_err topo_estimate(const topo_cfg *cfg, const char *base_dir, uint64_t *nodes,
                      uint64_t *edges, char *msg, size_t msg_len) SIM_MUST_CHECK;

/* Free what topo_build allocated; safe on a zeroed or already-freed graph. */
void topo_free(topo_graph *g);

/*
 * Heap bytes of the graph's arrays as topo_build sized them (offsets,
 * adjacency, coordinates, cells, names and their index, edge attributes).
 * O(1) but for one strlen.
 */
size_t topo_bytes(const topo_graph *g);

/* Node id of the place called name (O(log n) string compares), or SIM_NONE if none is. */
uint32_t topo_find(const topo_graph *g, const char *name);

/*
 * 1 if v and w are linked (binary search in v's sorted list; for complete,
 * any v != w), else 0. Writes the edge's distance and capacity to
 * *distance and *capacity when they are not NULL: NaN when the edge is
 * absent, the kind has no attributes, or the value was not given.
 */
int topo_edge(const topo_graph *g, uint32_t v, uint32_t w, double *distance, double *capacity);

/* Name of place v (owned by the graph), or NULL if the topology has no names or v >= n. */
static inline const char *topo_name(const topo_graph *g, uint32_t v)
{
    return g->names != NULL && v < g->n ? g->names + g->name_off[v] : NULL;
}

/* Degree of v (n - 1 if complete). */
static inline uint32_t topo_degree(const topo_graph *g, uint32_t v)
{
    return g->complete ? g->n - 1 : g->off[v + 1] - g->off[v];
}

#endif
