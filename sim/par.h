/*
 * par.h -- ranks: the one place the core talks to MPI (sim/par.c).
 *
 * Built with `make MPI=1` (mpicc, -DMYCOSIM_MPI) these are thin wrappers
 * over MPI_COMM_WORLD; in the plain build they are the one-rank identity,
 * so the rest of the core calls them unconditionally and never includes
 * mpi.h. Every call is collective unless it says otherwise.
 */
#ifndef MYCOSIM_PAR_H
#define MYCOSIM_PAR_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

/* Start (MPI_Init) and stop; par_rank/par_size are 0/1 before and in the plain build. */
void par_init(int *argc, char ***argv);
void par_finalize(void);
int par_rank(void);                 /* not collective */
int par_size(void);                 /* not collective */
/* End every rank at once after an error line (MPI_Abort); exit(code) on one rank. Not collective. */
void par_abort(int code) __attribute__((noreturn));

/* In place over all ranks: sums of n values, the minimum of one time, the maximum of one number. */
void par_sum_u64(uint64_t *v, uint32_t n);
void par_sum_i64(int64_t *v, uint32_t n);
sim_time par_min_time(sim_time t);
double par_max(double x);
/* 1 if any rank passes a nonzero flag. */
int par_any(int flag);

/*
 * Exchange events: out[r] holds count[r] events for rank r; every rank
 * receives what the others sent it, handed to take(ctx, ev) one by one in
 * rank order. SIM_ENOMEM when a buffer cannot be allocated (then on every rank).
 */
sim_err par_exchange(const sim_event *const *out, const uint32_t *count, void (*take)(void *, const sim_event *),
                     void *ctx);

#endif
