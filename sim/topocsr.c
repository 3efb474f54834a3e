/*
 * topocsr.c -- topologies into CSR, from an igraph graph or from edge pairs,
 * for topo.c (the generators) and topofile.c (edge lists), and the two error
 * messages both of them write (out of memory, an igraph failure).
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
 * Edge pairs (an edge list's lines) take the same two passes, with repeats
 * allowed: the transpose drops them and compacts the lists, so the peak is
 * 16 bytes per edge line plus 8 per node.
 *
 * It sits below topo.c and topofile.c and calls neither (make layers); only
 * the two of them include topocsr.h.
 */
#include "topocsr.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* An igraph failure as a sim_err: ENOMEM stays ENOMEM, the rest is a solver failure. */
sim_err topocsr_igraph_fail(igraph_error_t rc, const char *what, char *msg, size_t msg_len)
{
    snprintf(msg, msg_len, "topology: igraph %s failed: %s", what, igraph_strerror(rc));
    return rc == IGRAPH_ENOMEM ? SIM_ENOMEM : SIM_ESOLVER;
}

sim_err topocsr_nomem(char *msg, size_t msg_len)
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
static sim_err topocsr_transpose(topo_graph *g, const uint32_t *scratch, int dedupe,
                                 char *msg, size_t msg_len)
{
    uint32_t n = g->n;
    uint32_t *cur = mem_alloc((size_t)n + 1, sizeof *cur);
    uint32_t k = 0;

    g->adj = mem_alloc((size_t)g->off[n] + 1, sizeof *g->adj);
    if (g->adj == NULL || cur == NULL) {
        free(cur);
        return topocsr_nomem(msg, msg_len);
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
sim_err topocsr_from_pairs(uint32_t **pairs, uint64_t nedges, uint32_t n, topo_graph *g,
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
        return topocsr_nomem(msg, msg_len);
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
    err = topocsr_transpose(g, scratch, 1, msg, msg_len);
    free(scratch);
    return err;
}

/*
 * Convert the undirected, simple igraph graph *ig into CSR in g (the method is
 * in the file comment). Always destroys *ig, early, and clears *ig_live.
 * Fails with SIM_EINPUT if the graph does not fit 32-bit indices, SIM_ENOMEM,
 * or SIM_EINTERNAL if the graph has a loop or a multi-edge.
 */
sim_err topocsr_from_igraph(igraph_t *ig, int *ig_live, topo_graph *g,
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
        err = topocsr_nomem(msg, msg_len);
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
    err = topocsr_transpose(g, scratch, 0, msg, msg_len);

done:
    if (*ig_live) {
        igraph_destroy(ig);
        *ig_live = 0;
    }
    free(scratch);
    return err;
}
