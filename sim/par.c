/*
 * par.c -- ranks over MPI (make MPI=1), or one rank (the plain build).
 *
 * The engine's use of ranks is in run.c (windows, ownership) and net.c
 * (routing events to the rank that owns their node); this file only wraps
 * the MPI calls so that nothing else includes mpi.h and the plain build
 * links no MPI library.
 */
#include "par.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef MYCOSIM_MPI
#include <mpi.h>

static int par_started;

void par_init(int *argc, char ***argv)
{
    MPI_Init(argc, argv);
    par_started = 1;
}

void par_finalize(void)
{
    if (par_started) {
        MPI_Finalize();
        par_started = 0;
    }
}

int par_rank(void)
{
    int r = 0;
    if (par_started) {
        MPI_Comm_rank(MPI_COMM_WORLD, &r);
    }
    return r;
}

int par_size(void)
{
    int s = 1;
    if (par_started) {
        MPI_Comm_size(MPI_COMM_WORLD, &s);
    }
    return s;
}

void par_abort(int code)
{
    fflush(stdout);
    fflush(stderr);
    if (par_started && par_size() > 1) {
        MPI_Abort(MPI_COMM_WORLD, code);
    }
    exit(code);
}

void par_sum_u64(uint64_t *v, uint32_t n)
{
    if (par_size() > 1) {
        MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    }
}

void par_sum_i64(int64_t *v, uint32_t n)
{
    if (par_size() > 1) {
        MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
    }
}

sim_time par_min_time(sim_time t)
{
    if (par_size() > 1) {
        MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD);
    }
    return t;
}

double par_max(double x)
{
    if (par_size() > 1) {
        MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    }
    return x;
}

int par_any(int flag)
{
    if (par_size() > 1) {
        MPI_Allreduce(MPI_IN_PLACE, &flag, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
    }
    return flag != 0;
}

/* Counts and displacements in bytes for MPI_Alltoallv (events are plain bytes). */
static int par_bytes(const uint32_t *count, int *bytes, int *disp, int size)
{
    long long total = 0;
    for (int r = 0; r < size; r++) {
        long long b = (long long)count[r] * (long long)sizeof(sim_event);
        if (b > 0x7fffffff || total > 0x7fffffff - b) {
            return -1;
        }
        bytes[r] = (int)b;
        disp[r] = (int)total;
        total += b;
    }
    return (int)total;
}

sim_err par_exchange(const sim_event *const *out, const uint32_t *count, void (*take)(void *, const sim_event *),
                     void *ctx)
{
    int size = par_size();
    int *buf = calloc(6 * (size_t)size, sizeof *buf);
    uint32_t *in = calloc((size_t)size, sizeof *in);
    if (buf == NULL || in == NULL) {
        par_abort(1);
    }
    int *sb = buf, *sd = buf + size, *rb = buf + 2 * size, *rd = buf + 3 * size;
    MPI_Alltoall(count, 1, MPI_UINT32_T, in, 1, MPI_UINT32_T, MPI_COMM_WORLD);
    int stotal = par_bytes(count, sb, sd, size), rtotal = par_bytes(in, rb, rd, size);
    char *send = stotal > 0 ? malloc((size_t)stotal) : NULL, *recv = rtotal > 0 ? malloc((size_t)rtotal) : NULL;
    int bad = stotal < 0 || rtotal < 0 || (stotal > 0 && send == NULL) || (rtotal > 0 && recv == NULL);
    if (par_any(bad)) {
        free(send);
        free(recv);
        free(buf);
        free(in);
        return SIM_ENOMEM;
    }
    for (int r = 0; r < size; r++) {
        if (count[r] > 0) {
            memcpy(send + sd[r], out[r], (size_t)sb[r]);
        }
    }
    MPI_Alltoallv(send, sb, sd, MPI_BYTE, recv, rb, rd, MPI_BYTE, MPI_COMM_WORLD);
    for (int k = 0; k < rtotal / (int)sizeof(sim_event); k++) {
        sim_event ev;
        memcpy(&ev, recv + (size_t)k * sizeof ev, sizeof ev);
        take(ctx, &ev);
    }
    free(send);
    free(recv);
    free(buf);
    free(in);
    return SIM_OK;
}

#else  /* one rank */

void par_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
}

void par_finalize(void)
{
}

int par_rank(void)
{
    return 0;
}

int par_size(void)
{
    return 1;
}

void par_abort(int code)
{
    exit(code);
}

void par_sum_u64(uint64_t *v, uint32_t n)
{
    (void)v;
    (void)n;
}

void par_sum_i64(int64_t *v, uint32_t n)
{
    (void)v;
    (void)n;
}

sim_time par_min_time(sim_time t)
{
    return t;
}

double par_max(double x)
{
    return x;
}

int par_any(int flag)
{
    return flag != 0;
}

sim_err par_exchange(const sim_event *const *out, const uint32_t *count, void (*take)(void *, const sim_event *),
                     void *ctx)
{
    (void)out;
    (void)count;
    (void)take;
    (void)ctx;
    return SIM_OK;
}

#endif
