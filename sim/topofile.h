/*
 * topofile.h -- topo.c's view of the topology file readers (sim/topofile.c);
 * internal: nothing else includes it. All three take the file kind's
 * topo_cfg (path and format) and base_dir, the folder a relative path is
 * taken from (may be NULL: cwd), and write a one-line reason to msg on
 * failure: SIM_EINPUT for a file they refuse, SIM_ENOMEM, SIM_ESOLVER for
 * another igraph failure.
 */
#ifndef MYCOSIM_TOPOFILE_H
#define MYCOSIM_TOPOFILE_H

#include <stddef.h>
#include <stdint.h>

#include <igraph.h>

#include "sim.h"
#include "topo.h"

/* Format names, in topo_format order, NULL-terminated: the values of the `format` key. */
extern const char *const topofile_formats[];

/* An edge list, straight into CSR in g (no igraph graph). */
sim_err topofile_build_edgelist(const topo_cfg *cfg, const char *base_dir, topo_graph *g,
                                char *msg, size_t msg_len) SIM_MUST_CHECK;

/*
 * A GML or GraphML file into *ig through igraph, undirected and simple.
 * Sets *ig_live once *ig exists; the caller destroys it then, failure or not.
 */
sim_err topofile_read(const topo_cfg *cfg, const char *base_dir, igraph_t *ig,
                      int *ig_live, char *msg, size_t msg_len) SIM_MUST_CHECK;

/*
 * Upper bounds on a file's nodes and edges without building it: one scan of
 * an edge list (O(1) memory), the size of GML and GraphML.
 */
sim_err topofile_estimate(const topo_cfg *cfg, const char *base_dir, uint64_t *nodes,
                          uint64_t *edges, char *msg, size_t msg_len) SIM_MUST_CHECK;

#endif
