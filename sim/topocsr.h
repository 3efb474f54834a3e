/*
 * topocsr.h -- what topo.c and topofile.c share (internal: nothing else
 * includes it): the limits of 32-bit CSR indices, the CSR builders of
 * sim/topocsr.c and the topology error messages.
 */
#ifndef MYCOSIM_TOPOCSR_H
#define MYCOSIM_TOPOCSR_H

#include <stddef.h>
#include <stdint.h>

#include <igraph.h>

#include "sim.h"
#include "topo.h"

/* Node ids must stay below SIM_NONE; 2m must fit in a uint32 offset. */
#define TOPO_MAX_NODES ((uint64_t)UINT32_MAX - 1)
#define TOPO_MAX_SLOTS ((uint64_t)UINT32_MAX)
#define TOPO_MAX_EDGES ((TOPO_MAX_SLOTS - 1) / 2)
#define TOPO_MAX_ID (TOPO_MAX_NODES - 1)

/* "topology: out of memory" into msg; returns SIM_ENOMEM. */
sim_err topocsr_nomem(char *msg, size_t msg_len) SIM_MUST_CHECK;

/*
 * An igraph failure as a sim_err, with "topology: igraph WHAT failed: ..."
 * in msg: SIM_ENOMEM for IGRAPH_ENOMEM, else SIM_ESOLVER.
 */
sim_err topocsr_igraph_fail(igraph_error_t rc, const char *what, char *msg,
                            size_t msg_len) SIM_MUST_CHECK;

/*
 * CSR in g from nedges (a, b) pairs in *pairs, 2 ids each below n, a != b,
 * repeats allowed and dropped (g->m counts distinct edges). Frees *pairs and
 * sets it to NULL once the pairs are copied; on a failure before that, *pairs
 * stays the caller's. SIM_ENOMEM, or SIM_OK.
 */
sim_err topocsr_from_pairs(uint32_t **pairs, uint64_t nedges, uint32_t n, topo_graph *g,
                           char *msg, size_t msg_len) SIM_MUST_CHECK;

/*
 * CSR in g from the undirected, simple igraph graph *ig. Always destroys *ig
 * and clears *ig_live. SIM_EINPUT if the graph does not fit 32-bit indices,
 * SIM_ENOMEM, or SIM_EINTERNAL if it has a loop or a multi-edge.
 */
sim_err topocsr_from_igraph(igraph_t *ig, int *ig_live, topo_graph *g,
                            char *msg, size_t msg_len) SIM_MUST_CHECK;

#endif
