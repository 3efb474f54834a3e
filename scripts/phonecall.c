/*
 * phonecall.c -- an independent Monte Carlo of the random phone-call model
 * (Karp, Schindelhauer, Shenker, Vocking, FOCS 2000; push as in Pittel 1987).
 *
 * It shares no code with the simulator: no event queue, no latency, no
 * streams of ours. K_n, one rumor at one node before round 1. In every round
 * each node calls one other node chosen uniformly at random; all calls of a
 * round use the states at the start of the round:
 *   push:      a caller that knew tells its callee;
 *   pull:      a caller that did not know learns it if its callee knew;
 *   push-pull: both.
 * Prints, for each mode, the mean and standard deviation of the number of
 * rounds until every node knows, over R runs (GSL's mt19937, seed S).
 *
 * The asynchronous variants (async-push, async-pull, async-push-pull) are the
 * simulator's gossip without `sync`, latency neglected: node v calls at
 * phase_v + r, r = 0, 1, ..., phase_v uniform in [0, 1) and drawn afresh
 * each run; calls happen one at a time in time order, each with the states
 * at that instant (a node told at t first calls at its next tick). They
 * print the mean and sd of the time at which the last node learns.
 *
 *   cc -O2 -o phonecall scripts/phonecall.c -lgsl -lgslcblas -lm
 *   ./phonecall N R [S]      e.g. ./phonecall 10000 10000 1
 *
 * The figures in doc/validation.md and the reference values in
 * tests/test_gossip.c come from this program.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

enum { PUSH = 1, PULL = 2 };

/* Rounds until all n know, for mode (PUSH, PULL or both). */
static unsigned long phonecall_run(gsl_rng *r, unsigned long n, int mode, unsigned char *knew,
                                   unsigned char *knows)
{
    memset(knows, 0, n);
    knows[gsl_rng_uniform_int(r, n)] = 1;
    unsigned long informed = 1, rounds = 0;
    while (informed < n) {
        memcpy(knew, knows, n);                 /* the states at the start of the round */
        for (unsigned long v = 0; v < n; v++) {
            unsigned long w = gsl_rng_uniform_int(r, n - 1);
            w += w >= v;                         /* uniform among the other n - 1 nodes */
            if ((mode & PUSH) && knew[v] && !knows[w]) {
                knows[w] = 1;
                informed++;
            }
            if ((mode & PULL) && !knew[v] && knew[w] && !knows[v]) {
                knows[v] = 1;
                informed++;
            }
        }
        rounds++;
    }
    return rounds;
}

static const double *phonecall_phase_key;

static int phonecall_by_phase(const void *a, const void *b)
{
    double x = phonecall_phase_key[*(const unsigned long *)a];
    double y = phonecall_phase_key[*(const unsigned long *)b];
    return (x > y) - (x < y);
}

/* Time until all n know with per-node phases, for mode (PUSH, PULL or both). */
static double phonecall_async_run(gsl_rng *r, unsigned long n, int mode, unsigned char *knows,
                                  double *phase, unsigned long *order)
{
    memset(knows, 0, n);
    knows[gsl_rng_uniform_int(r, n)] = 1;
    for (unsigned long v = 0; v < n; v++) {
        phase[v] = gsl_rng_uniform(r);
        order[v] = v;
    }
    phonecall_phase_key = phase;
    qsort(order, n, sizeof *order, phonecall_by_phase);
    unsigned long informed = 1;
    for (unsigned long round = 0;; round++) {
        for (unsigned long i = 0; i < n; i++) {
            unsigned long v = order[i];
            unsigned long w = gsl_rng_uniform_int(r, n - 1);
            w += w >= v;
            if ((mode & PUSH) && knows[v] && !knows[w]) {
                knows[w] = 1;
                informed++;
            } else if ((mode & PULL) && !knows[v] && knows[w]) {
                knows[v] = 1;
                informed++;
            }
            if (informed == n) {
                return phase[v] + (double)round;
            }
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: phonecall N RUNS [SEED]\n");
        return 2;
    }
    unsigned long n = strtoul(argv[1], NULL, 10), runs = strtoul(argv[2], NULL, 10);
    unsigned long seed = argc > 3 ? strtoul(argv[3], NULL, 10) : 1;
    if (n < 2 || runs < 2) {
        fprintf(stderr, "phonecall: N >= 2 and RUNS >= 2\n");
        return 2;
    }
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    unsigned char *knew = malloc(n), *knows = malloc(n);
    double *phase = malloc(n * sizeof *phase);
    unsigned long *order = malloc(n * sizeof *order);
    if (r == NULL || knew == NULL || knows == NULL || phase == NULL || order == NULL) {
        return 1;
    }
    gsl_rng_set(r, seed);
    static const struct { const char *name; int mode, async; } modes[] = {
        { "push", PUSH, 0 }, { "pull", PULL, 0 }, { "push-pull", PUSH | PULL, 0 },
        { "async-push", PUSH, 1 }, { "async-pull", PULL, 1 }, { "async-push-pull", PUSH | PULL, 1 }
    };
    printf("mode,n,runs,mean,sd,stderr_mean\n");
    for (int m = 0; m < 6; m++) {
        double sum = 0, sum2 = 0;
        for (unsigned long i = 0; i < runs; i++) {
            double x = modes[m].async ? phonecall_async_run(r, n, modes[m].mode, knows, phase, order)
                                      : (double)phonecall_run(r, n, modes[m].mode, knew, knows);
            sum += x;
            sum2 += x * x;
        }
        double mean = sum / (double)runs;
        double sd = sqrt((sum2 - sum * mean) / (double)(runs - 1));
        printf("%s,%lu,%lu,%.4f,%.4f,%.4f\n", modes[m].name, n, runs, mean, sd, sd / sqrt((double)runs));
    }
    free(knew);
    free(knows);
    free(phase);
    free(order);
    gsl_rng_free(r);
    return 0;
}
