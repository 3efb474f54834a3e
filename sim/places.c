/*
 * places.c -- the `explicit` topology: named places and the edges between them.
 *
 * `topology { kind = "explicit", nodes = {...}, edges = {...} }` lists places
 * by name, each with optional coordinates, and edges by the names of their
 * ends, each with an optional distance and capacity. The loader maps names to
 * indices and hands over plain arrays (topo_cfg's place_* and edge_* fields);
 * this file checks them and builds the graph: the CSR every kind has
 * (topo.h), plus what only this kind has -- the names, an index of them
 * sorted for topo_find, raw coordinates, and per adjacency slot the edge's
 * distance and capacity, so that dist[e] and cap[e] belong to edge
 * (v, adj[e]) exactly as adj[e] does.
 *
 * Checks (places_check) run in input order and stop at the first error, so a
 * scenario's first mistake is the one reported, always by place name:
 *   - names: sorted as (name, index) pairs, O(n log n) string compares and 16
 *     bytes per place; adjacent equal names are duplicates, and the one
 *     reported is the earliest entry that repeats an earlier name;
 *   - coordinates: x and y both or neither, and the same for every place;
 *     finite and within float range, since the graph keeps them as float;
 *   - each edge: ends in range, no loop, distance and capacity in range;
 *   - repeated edges: the edges are bucketed by their smaller end with a
 *     stable counting sort (input order kept within a bucket) and each
 *     bucket is scanned with a mark per larger end, O(n + m) time and 8 bytes
 *     per place plus 4 per edge. a-b and b-a are the same edge.
 *
 * Build (places_build), O(n log n + m), no sort of the edges: the degree
 * count gives the offsets, each edge's id is written into both ends' scratch
 * lists, and a transpose -- visiting u in ascending order and appending u to
 * the list of the other end w of each of u's edges -- leaves every list
 * sorted and carries each edge's attributes to the slot it lands in. Memory
 * kept per place: 4 (offset) + 8 (name offset) + 4 (sorted index) + the
 * name and its NUL, + 8 with coordinates (two floats); per edge: 8
 * (adjacency, both directions) + 32 (distance and capacity, doubles, both
 * directions). The build's scratch adds 8 per edge and 20 per place.
 */
#include "places.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* Bytes of a name quoted in a message; longer names are cut and marked "...". */
#define PLACES_QUOTE_MAX 40

/* One name and where it stands in the input, for sorting. */
typedef struct places_key {
    const char *name;
    uint64_t index;
} places_key;

/* "name" for a message, cut at PLACES_QUOTE_MAX bytes; returns buf. */
static const char *places_quote(const char *name, char *buf, size_t len)
{
    int cut = strnlen(name, PLACES_QUOTE_MAX + 1) > PLACES_QUOTE_MAX;
    snprintf(buf, len, "\"%.*s%s\"", PLACES_QUOTE_MAX, name, cut ? "..." : "");
    return buf;
}

static int places_key_cmp(const void *pa, const void *pb)
{
    const places_key *a = pa;
    const places_key *b = pb;
    int c = strcmp(a->name, b->name);

    if (c != 0) {
        return c;
    }
    return (a->index > b->index) - (a->index < b->index);
}

/* The names sorted by (name, index), or NULL without memory. Names must be non-NULL. */
static places_key *places_sorted(const char *const *names, uint64_t count)
{
    places_key *keys;

    if (count > SIZE_MAX / sizeof *keys) {
        return NULL;
    }
    keys = mem_alloc((size_t)count, sizeof *keys);
    if (keys == NULL) {
        return NULL;
    }
    for (uint64_t i = 0; i < count; i++) {
        keys[i].name = names[i];
        keys[i].index = i;
    }
    qsort(keys, (size_t)count, sizeof *keys, places_key_cmp);
    return keys;
}

sim_err places_check_names(const char *const *names, uint64_t count, uint64_t *at,
                           char *msg, size_t msg_len)
{
    places_key *keys;
    uint64_t earlier = UINT64_MAX, later = UINT64_MAX;
    char q[PLACES_QUOTE_MAX + 8];

    if (at != NULL) {
        *at = UINT64_MAX;
    }
    for (uint64_t i = 0; i < count; i++) {
        if (names[i] == NULL || names[i][0] == '\0') {
            snprintf(msg, msg_len, "topology.nodes: every place needs a name, nodes[%" PRIu64
                     "] has none", i + 1);
            if (at != NULL) {
                *at = i;
            }
            return SIM_EINPUT;
        }
    }
    keys = places_sorted(names, count);
    if (keys == NULL && count > 0) {
        snprintf(msg, msg_len, "topology.nodes: out of memory checking %" PRIu64 " names", count);
        return SIM_ENOMEM;
    }
    /* In a run of equal names the second entry is the run's earliest repeat. */
    for (uint64_t i = 1; i < count; i++) {
        if (keys[i].index < later && strcmp(keys[i - 1].name, keys[i].name) == 0) {
            earlier = keys[i - 1].index;
            later = keys[i].index;
        }
    }
    free(keys);
    if (later == UINT64_MAX) {
        return SIM_OK;
    }
    snprintf(msg, msg_len, "topology.nodes: duplicate name %s (nodes[%" PRIu64 "] and nodes[%"
             PRIu64 "])", places_quote(names[later], q, sizeof q), earlier + 1, later + 1);
    if (at != NULL) {
        *at = later;
    }
    return SIM_EINPUT;
}

/* Coordinate i of a, or NaN when the array is not given. */
static double places_at(const double *a, uint64_t i)
{
    return a != NULL ? a[i] : NAN;
}

static sim_err places_check_coords(const topo_cfg *cfg, char *msg, size_t msg_len)
{
    const char *const *name = cfg->place_name;
    char q[PLACES_QUOTE_MAX + 8], q2[PLACES_QUOTE_MAX + 8];
    int first = 0;

    for (uint64_t v = 0; v < cfg->places; v++) {
        double x = places_at(cfg->place_x, v);
        double y = places_at(cfg->place_y, v);
        int has_x = !isnan(x), has_y = !isnan(y);

        if (has_x != has_y) {
            snprintf(msg, msg_len, "topology.nodes: %s has %s but no %s (nodes[%" PRIu64 "])",
                     places_quote(name[v], q, sizeof q), has_x ? "x" : "y", has_x ? "y" : "x",
                     v + 1);
            return SIM_EINPUT;
        }
        if (v == 0) {
            first = has_x;
        } else if (has_x != first) {
            snprintf(msg, msg_len, "topology.nodes: %s has x, y but %s has none; give them for "
                     "every place or for none", places_quote(name[has_x ? v : 0], q, sizeof q),
                     places_quote(name[has_x ? 0 : v], q2, sizeof q2));
            return SIM_EINPUT;
        }
        if (has_x && !(fabs(x) <= FLT_MAX && fabs(y) <= FLT_MAX)) {
            snprintf(msg, msg_len, "topology.nodes: coordinates of %s must be finite and within "
                     "+-%g, got x = %g, y = %g", places_quote(name[v], q, sizeof q),
                     (double)FLT_MAX, x, y);
            return SIM_EINPUT;
        }
    }
    return SIM_OK;
}

/* Ends, loop, distance and capacity of edge e. */
static sim_err places_check_edge(const topo_cfg *cfg, uint64_t e, char *msg, size_t msg_len)
{
    uint32_t a = cfg->edge_from[e];
    uint32_t b = cfg->edge_to[e];
    double d = places_at(cfg->edge_distance, e);
    double c = places_at(cfg->edge_capacity, e);
    char qa[PLACES_QUOTE_MAX + 8], qb[PLACES_QUOTE_MAX + 8];

    if (a >= cfg->places || b >= cfg->places) {
        snprintf(msg, msg_len, "topology.edges: place index %" PRIu32 " out of range, there are %"
                 PRIu64 " places (edges[%" PRIu64 "])", a >= cfg->places ? a : b, cfg->places,
                 e + 1);
        return SIM_EINPUT;
    }
    if (a == b) {
        snprintf(msg, msg_len, "topology.edges: self loop at %s (edges[%" PRIu64 "])",
                 places_quote(cfg->place_name[a], qa, sizeof qa), e + 1);
        return SIM_EINPUT;
    }
    places_quote(cfg->place_name[a], qa, sizeof qa);
    places_quote(cfg->place_name[b], qb, sizeof qb);
    if (!isnan(d) && !(d >= 0.0 && d <= DBL_MAX)) {
        snprintf(msg, msg_len, "topology.edges: distance of %s - %s must be finite and >= 0, "
                 "got %g (edges[%" PRIu64 "])", qa, qb, d, e + 1);
        return SIM_EINPUT;
    }
    if (!isnan(c) && !(c > 0.0 && c <= DBL_MAX)) {
        snprintf(msg, msg_len, "topology.edges: capacity of %s - %s must be finite and > 0 "
                 "(leave it out for unlimited), got %g (edges[%" PRIu64 "])", qa, qb, c, e + 1);
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/* Repeated edges (ends already checked): the method is in the file comment. */
static sim_err places_check_repeats(const topo_cfg *cfg, char *msg, size_t msg_len)
{
    uint32_t n = (uint32_t)cfg->places;
    uint32_t m = (uint32_t)cfg->edges;               /* <= TOPO_MAX_EDGES < 2^31 */
    uint32_t *end = mem_zalloc((size_t)n + 1, sizeof *end);
    uint32_t *list = mem_alloc((size_t)m + 1, sizeof *list);
    uint32_t *mark = mem_zalloc((size_t)n + 1, sizeof *mark);
    uint32_t earlier = 0, later = UINT32_MAX;
    sim_err err = SIM_OK;

    if (end == NULL || list == NULL || mark == NULL) {
        snprintf(msg, msg_len, "topology.edges: out of memory checking %" PRIu32 " edges", m);
        err = SIM_ENOMEM;
        goto done;
    }
    /* end[lo + 1] counts the edges whose smaller end is lo; prefix sums: each bucket's start. */
    for (uint32_t e = 0; e < m; e++) {
        uint32_t a = cfg->edge_from[e], b = cfg->edge_to[e];
        end[(a < b ? a : b) + 1]++;
    }
    for (uint32_t v = 1; v <= n; v++) {
        end[v] += end[v - 1];
    }
    /* Filling advances end[lo] from the start of bucket lo to its end (the next bucket's start). */
    for (uint32_t e = 0; e < m; e++) {
        uint32_t a = cfg->edge_from[e], b = cfg->edge_to[e];
        list[end[a < b ? a : b]++] = e;
    }
    /* mark[hi] = 1 + list position of the latest edge seen to hi; <= start: another bucket. */
    for (uint32_t lo = 0, start = 0; lo < n; start = end[lo], lo++) {
        for (uint32_t i = start; i < end[lo]; i++) {
            uint32_t e = list[i];
            uint32_t hi = cfg->edge_from[e] == lo ? cfg->edge_to[e] : cfg->edge_from[e];
            if (mark[hi] > start && e < later) {
                earlier = list[mark[hi] - 1];
                later = e;
            }
            mark[hi] = i + 1;
        }
    }
    if (later != UINT32_MAX) {
        char qa[PLACES_QUOTE_MAX + 8], qb[PLACES_QUOTE_MAX + 8];
        snprintf(msg, msg_len, "topology.edges: duplicate edge %s - %s (edges[%" PRIu32
                 "] and edges[%" PRIu32 "])",
                 places_quote(cfg->place_name[cfg->edge_from[later]], qa, sizeof qa),
                 places_quote(cfg->place_name[cfg->edge_to[later]], qb, sizeof qb),
                 earlier + 1, later + 1);
        err = SIM_EINPUT;
    }
done:
    free(end);
    free(list);
    free(mark);
    return err;
}

sim_err places_check(const topo_cfg *cfg, char *msg, size_t msg_len)
{
    if (cfg->place_name == NULL || (cfg->edges > 0
                                    && (cfg->edge_from == NULL || cfg->edge_to == NULL))) {
        snprintf(msg, msg_len, "topology: internal error: explicit kind without %s",
                 cfg->place_name == NULL ? "place names" : "edge ends");
        return SIM_EINTERNAL;
    }
    SIM_TRY(places_check_names(cfg->place_name, cfg->places, NULL, msg, msg_len));
    SIM_TRY(places_check_coords(cfg, msg, msg_len));
    for (uint64_t e = 0; e < cfg->edges; e++) {
        SIM_TRY(places_check_edge(cfg, e, msg, msg_len));
    }
    return places_check_repeats(cfg, msg, msg_len);
}

/* --- Build ----------------------------------------------------------------------- */

static sim_err places_nomem(char *msg, size_t msg_len)
{
    snprintf(msg, msg_len, "topology: out of memory");
    return SIM_ENOMEM;
}

/* CSR with dist and cap aligned with adj: the transpose of the file comment. */
static sim_err places_csr(const topo_cfg *cfg, topo_graph *g, char *msg, size_t msg_len)
{
    uint32_t n = g->n;
    uint32_t m = (uint32_t)g->m;
    uint32_t *scratch = mem_alloc(2 * (size_t)m + 1, sizeof *scratch);
    uint32_t *cur = mem_alloc((size_t)n + 1, sizeof *cur);
    sim_err err = SIM_OK;

    g->off = mem_zalloc((size_t)n + 1, sizeof *g->off);
    g->adj = mem_alloc(2 * (size_t)m + 1, sizeof *g->adj);
    g->dist = mem_alloc(2 * (size_t)m + 1, sizeof *g->dist);
    g->cap = mem_alloc(2 * (size_t)m + 1, sizeof *g->cap);
    if (scratch == NULL || cur == NULL || g->off == NULL || g->adj == NULL || g->dist == NULL
        || g->cap == NULL) {
        err = places_nomem(msg, msg_len);
        goto done;
    }
    /* Degrees, inclusive prefix sums (the end of each list), then fill downwards. */
    for (uint32_t e = 0; e < m; e++) {
        g->off[cfg->edge_from[e]]++;
        g->off[cfg->edge_to[e]]++;
    }
    for (uint32_t v = 1; v < n; v++) {
        g->off[v] += g->off[v - 1];
    }
    g->off[n] = 2 * m;
    for (uint32_t e = 0; e < m; e++) {
        scratch[--g->off[cfg->edge_from[e]]] = e;
        scratch[--g->off[cfg->edge_to[e]]] = e;
    }
    memcpy(cur, g->off, ((size_t)n + 1) * sizeof *cur);
    for (uint32_t u = 0; u < n; u++) {
        for (uint32_t i = g->off[u]; i < g->off[u + 1]; i++) {
            uint32_t e = scratch[i];
            uint32_t w = cfg->edge_from[e] == u ? cfg->edge_to[e] : cfg->edge_from[e];
            double d = places_at(cfg->edge_distance, e);
            if (w == u || (cur[w] > g->off[w] && g->adj[cur[w] - 1] == u)) {
                snprintf(msg, msg_len, "topology: internal error: places are not a simple "
                         "graph at node %" PRIu32, u);
                err = SIM_EINTERNAL;
                goto done;
            }
            g->adj[cur[w]] = u;
            g->dist[cur[w]] = d == 0.0 ? 0.0 : d;       /* -0 is stored as 0 */
            g->cap[cur[w]] = places_at(cfg->edge_capacity, e);
            cur[w]++;
        }
    }
done:
    free(scratch);
    free(cur);
    return err;
}

/* The name pool, each node's offset into it, and the ids sorted by name. */
static sim_err places_names(const topo_cfg *cfg, topo_graph *g, char *msg, size_t msg_len)
{
    uint32_t n = g->n;
    size_t total = 0;
    places_key *keys;

    for (uint32_t v = 0; v < n; v++) {
        if (__builtin_add_overflow(total, strlen(cfg->place_name[v]) + 1, &total)) {
            return places_nomem(msg, msg_len);
        }
    }
    g->names = malloc(total);
    g->name_off = mem_alloc(n, sizeof *g->name_off);
    g->by_name = mem_alloc(n, sizeof *g->by_name);
    keys = places_sorted(cfg->place_name, n);
    if (g->names == NULL || g->name_off == NULL || g->by_name == NULL || keys == NULL) {
        free(keys);
        return places_nomem(msg, msg_len);
    }
    total = 0;
    for (uint32_t v = 0; v < n; v++) {
        size_t len = strlen(cfg->place_name[v]) + 1;
        memcpy(g->names + total, cfg->place_name[v], len);
        g->name_off[v] = total;
        total += len;
    }
    for (uint32_t i = 0; i < n; i++) {
        g->by_name[i] = (uint32_t)keys[i].index;
    }
    free(keys);
    return SIM_OK;
}

sim_err places_build(const topo_cfg *cfg, topo_graph *g, char *msg, size_t msg_len)
{
    g->n = (uint32_t)cfg->places;
    g->m = cfg->edges;
    SIM_TRY(places_csr(cfg, g, msg, msg_len));
    SIM_TRY(places_names(cfg, g, msg, msg_len));
    if (cfg->place_x != NULL && !isnan(cfg->place_x[0])) {
        g->x = malloc((size_t)g->n * sizeof *g->x);
        g->y = malloc((size_t)g->n * sizeof *g->y);
        if (g->x == NULL || g->y == NULL) {
            return places_nomem(msg, msg_len);
        }
        for (uint32_t v = 0; v < g->n; v++) {
            g->x[v] = (float)cfg->place_x[v];
            g->y[v] = (float)cfg->place_y[v];
        }
    }
    return SIM_OK;
}
