/*
 * gen_mcf.c -- command-line front end of the NETGEN-style generator
 * (solvers/mcf_gen.c): writes one DIMACS min-cost flow instance to stdout.
 *
 *     gen_mcf FAMILY NODES SEED > file.min
 *     FAMILY: netgen-sqrt | netgen-n16 | transport | grid
 *
 * Deterministic: the same arguments give the same bytes. O(n + m).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "dimacs.h"
#include "mcf_gen.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: gen_mcf netgen-sqrt|netgen-n16|transport|grid NODES SEED\n");
        return 2;
    }
    char *end;
    unsigned long long n = strtoull(argv[2], &end, 10);
    if (*end != '\0' || n < 4 || n > (1ULL << 28)) {
        fprintf(stderr, "gen_mcf: NODES must be an integer in 4..2^28, got '%s'\n", argv[2]);
        return 2;
    }
    unsigned long long seed = strtoull(argv[3], &end, 10);
    if (*end != '\0') {
        fprintf(stderr, "gen_mcf: SEED must be an integer, got '%s'\n", argv[3]);
        return 2;
    }
    mcf_gen_params prm;
    if (mcf_gen_preset(argv[1], (uint32_t)n, seed, &prm) != MCF_OPTIMAL) {
        fprintf(stderr, "gen_mcf: unknown family '%s' (netgen-sqrt, netgen-n16, transport, grid)\n",
                argv[1]);
        return 2;
    }
    mcf_problem *p = NULL;
    mcf_status st = mcf_gen(&prm, &p);
    if (st != MCF_OPTIMAL) {
        fprintf(stderr, "gen_mcf: %s\n", mcf_status_name(st));
        return 1;
    }
    char comment[200];
    snprintf(comment, sizeof comment, "mycosim gen_mcf %s %llu %llu", argv[1], n, seed);
    st = dimacs_write(stdout, p, comment);
    mcf_problem_free(p);
    if (st != MCF_OPTIMAL || fflush(stdout) != 0) {
        fprintf(stderr, "gen_mcf: write error\n");
        return 1;
    }
    return 0;
}
