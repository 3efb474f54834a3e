/*
 * dimacs.h -- the DIMACS min-cost flow format: read, write, and the body of
 * `mycosim solve FILE.min`.
 *
 *     c comment
 *     p min NODES ARCS
 *     n ID FLOW              supply (> 0) or demand (< 0) of node ID (1-based)
 *     a SRC DST LOW CAP COST one arc; CAP may be "inf" for an uncapacitated arc
 *
 * Nodes without an n line have supply 0. Every malformed line is reported as
 * `file:line: what is wrong` and nothing is allocated for the caller.
 *
 * Limits, all refused with that one-line message: a line is at most
 * DIMACS_LINE_MAX bytes without its newline and holds no NUL byte; NODES is
 * 1..2^24 (MCF_NODES_MAX: the solver allocates about 130 bytes per node
 * whatever the file holds, so 2 GiB at the limit) and ARCS 0..2^30
 * (MCF_ARCS_MAX; arc memory grows with the arc lines actually read); every
 * value has |v| <= 2^52 and the flow total, sum of |supply| + 2 |lower| +
 * (cap - lower) for finite caps, is at most 2^61 (mcf.h). dimacs_read_file
 * reads regular files and pipes only.
 */
#ifndef MYCOSIM_DIMACS_H
#define MYCOSIM_DIMACS_H

#include <stddef.h>
#include <stdio.h>

#include "mcf.h"

/* Longest accepted line, in bytes without the newline. */
#define DIMACS_LINE_MAX 4096

/* Read a DIMACS min problem from f (name is used in messages). On MCF_OPTIMAL
 * *out owns a new problem (free with mcf_problem_free). On MCF_EINPUT err holds
 * "name:line: what is wrong"; MCF_ENOMEM / MCF_EIO likewise with a message. */
mcf_status dimacs_read(FILE *f, const char *name, mcf_problem **out,
                       char *err, size_t err_len) MCF_MUST_CHECK;

/* Open and read path; as dimacs_read, MCF_EINPUT with "path: strerror" if it
 * cannot be opened and "path: is a directory" / "path: not a regular file or
 * a pipe" for anything else (a device such as /dev/zero). */
mcf_status dimacs_read_file(const char *path, mcf_problem **out,
                            char *err, size_t err_len) MCF_MUST_CHECK;

/* Write p in DIMACS min format; comment (may be NULL) becomes "c" lines. MCF_EIO on write error. */
mcf_status dimacs_write(FILE *f, const mcf_problem *p, const char *comment) MCF_MUST_CHECK;

/* `mycosim solve`: read path, solve with the network simplex, print "cost N"
 * (and with flows != 0 one "f TAIL HEAD FLOW" line per nonzero arc flow, in
 * input arc order, 1-based ids) to out. "infeasible" / "unbounded" print that
 * word and return 1. Malformed input prints "mycosim: file:line: what" to err
 * and returns 2, and so does a problem whose optimal cost is outside int64
 * ("mycosim: file: the optimal cost, about X, is outside the int64 range") or
 * whose big M would be; other failures print "mycosim: ..." and return 1. 0 on
 * success. */
int dimacs_solve_main(const char *path, int flows, FILE *out, FILE *err);

#endif
