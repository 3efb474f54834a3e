/*
 * places.h -- the `explicit` topology: named places and the edges between them.
 *
 * topo.c calls places_check from topo_check and places_build from
 * topo_build for kind TOPO_EXPLICIT; the scenario loader calls
 * places_check_names on the names it read, before it maps edge ends to
 * place indices. Lookups on the built graph are topo_name, topo_find and
 * topo_edge (topo.h).
 */
#ifndef MYCOSIM_PLACES_H
#define MYCOSIM_PLACES_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"
#include "topo.h"

/*
 * Names for the loader: every one non-NULL and non-empty, no two equal
 * (strcmp). SIM_OK, or SIM_EINPUT with a one-line msg without file:line,
 * e.g. `topology.nodes: duplicate name "Cuba" (nodes[2] and nodes[5])`
 * (1-based, as in the Lua table), reporting the first entry in input order
 * that is empty or repeats an earlier name; *at (may be NULL) is then its
 * 0-based index, else UINT64_MAX. SIM_ENOMEM if the 16 bytes per name of
 * scratch cannot be had. O(count log count) string compares.
 */
sim_err places_check_names(const char *const *names, uint64_t count, uint64_t *at,
                           char *msg, size_t msg_len) SIM_MUST_CHECK;

/*
 * The explicit kind's arrays, once topo_check has bounded cfg->places and
 * cfg->edges: names (as places_check_names), coordinates (x and y both or
 * neither, the same for every place, finite floats), then each edge in
 * input order (ends are place indices, no loop, distance finite >= 0 or
 * NaN, capacity finite > 0 or NaN), then repeated edges (a-b and b-a are
 * one edge). SIM_EINPUT with a one-line msg naming the places, SIM_ENOMEM,
 * or SIM_EINTERNAL if a required array is NULL (a caller bug).
 */
sim_err places_check(const topo_cfg *cfg, char *msg, size_t msg_len) SIM_MUST_CHECK;

/*
 * Build a checked explicit topology into the zeroed g: CSR, names with
 * their sorted index, coordinates if given, and dist/cap aligned with adj.
 * SIM_ENOMEM (or SIM_EINTERNAL) with msg; the caller frees g with topo_free
 * on any result.
 */
sim_err places_build(const topo_cfg *cfg, topo_graph *g, char *msg, size_t msg_len) SIM_MUST_CHECK;

#endif
