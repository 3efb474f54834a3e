/*
 * test_phold.c -- PHOLD keeps its event population, is reproducible, and its
 * remote fraction and mean delay match the parameters (tolerances: 5
 * standard errors of the measured quantity).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "scen.h"
#include "test_util.h"

/*
 * Run scenario text with stats; the `handled` column of phold.csv into rows
 * (at most max; rows may be NULL) and, when frac is not NULL, the summary's
 * remote_fraction and mean_delay. Returns the row count, or -1 on failure.
 */
static int test_phold_text(const char *text, run_stats *st, double *rows, int max, double *frac,
                           double *delay)
{
    char dir[256], msg[512], out[300], p[400];
    test_tmpdir(dir, sizeof dir);
    scen *s = NULL;
    if (scen_load(test_write(dir, "p.lua", text), NULL, 0, -1, &s, msg, sizeof msg) != SIM_OK) {
        fprintf(stderr, "\n    %s\n", msg);
        return -1;
    }
    snprintf(out, sizeof out, "%s/out", dir);
    run_opts o = { .out_dir = out, .quiet = 1, .no_plot = 1, .stats = st };
    sim_err err = run_scenario(s, &o, msg, sizeof msg);
    scen_free(s);
    int n = 0;
    if (rows != NULL) {
        snprintf(p, sizeof p, "%s/phold.csv", out);
        n = test_csv_column(p, "handled", rows, max);
    }
    if (frac != NULL) {
        snprintf(p, sizeof p, "%s/summary.csv", out);
        *frac = test_csv_last(p, "remote_fraction");
        *delay = test_csv_last(p, "mean_delay");
    }
    CU_ASSERT_EQUAL(test_rm_tree(dir), 0);
    return err == SIM_OK ? n : -1;
}

/* Run PHOLD; fills stats and the summary's remote_fraction and mean_delay. */
static int test_phold_run(int n, int population, double remote, double lookahead, double duration,
                          run_stats *st, double *frac, double *delay)
{
    char text[1024];
    snprintf(text, sizeof text,
             "scenario { name = \"ph\", seed = 7, duration = %g, sample_every = 1 }\n"
             "topology { kind = \"complete\", n = %d }\n"
             "phold { population = %d, remote = %g, mean = 1.0, lookahead = %g }\n",
             duration, n, population, remote, lookahead);
    return test_phold_text(text, st, NULL, 0, frac, delay) >= 0;
}

static void test_phold_conserves_its_event_population(void)
{
    run_stats st;
    double f, d;
    CU_ASSERT_TRUE_FATAL(test_phold_run(2000, 3, 0.25, 0.1, 7.5, &st, &f, &d));
    CHECK_MSG(st.pending == 2000 * 3, "pending %llu, expected 6000", (unsigned long long)st.pending);
    CU_ASSERT_TRUE(st.events > 2000 * 3 * 5);
    CU_ASSERT_TRUE_FATAL(test_phold_run(1000, 1, 0.9, 1.0, 4.5, &st, &f, &d));
    CU_ASSERT_EQUAL(st.pending, 1000);
    /* Every delay is exactly 1 s: each event handled once per second, 4 rounds. */
    CU_ASSERT_EQUAL(st.events, 4000);
    CU_ASSERT_DOUBLE_EQUAL(d, 1.0, 1e-12);
}

static void test_phold_event_count_is_reproducible(void)
{
    run_stats a, b;
    double f1, d1, f2, d2;
    CU_ASSERT_TRUE_FATAL(test_phold_run(5000, 1, 0.25, 0.1, 10, &a, &f1, &d1));
    CU_ASSERT_TRUE_FATAL(test_phold_run(5000, 1, 0.25, 0.1, 10, &b, &f2, &d2));
    CU_ASSERT_EQUAL(a.events, b.events);
    CU_ASSERT_DOUBLE_EQUAL(f1, f2, 0);
    CU_ASSERT_DOUBLE_EQUAL(d1, d2, 0);
}

static void test_phold_remote_fraction_and_mean_delay_match(void)
{
    run_stats st;
    double f, d;
    CU_ASSERT_TRUE_FATAL(test_phold_run(10000, 1, 0.385, 0.1, 20, &st, &f, &d));
    double n = (double)st.events;
    double se_f = sqrt(0.385 * 0.615 / n), se_d = 0.9 / sqrt(n);
    CHECK_MSG(fabs(f - 0.385) < 5 * se_f, "remote fraction %.5f, expected 0.385 +- %.5f", f, 5 * se_f);
    CHECK_MSG(fabs(d - 1.0) < 5 * se_d, "mean delay %.5f, expected 1 +- %.5f", d, 5 * se_d);
}

/*
 * At an instant where the core has global work (actions, callbacks, a
 * sample, the end), that work comes first and the node events of the same
 * instant after it (sim/run.c). By hand: 10 nodes, one event each, every
 * delay exactly 1, so events fall at t = 1, 2, 3, ... A sample at t shows the
 * events before t: 0, 0, 10, 20, 30 at t = 0..4, and the events at t = 4, the
 * end, are not handled (30 in all). With every node failed at t = 2, the
 * events at 2 arrive at down nodes and are lost: 0, 0, 10, 10, 10.
 */
static void test_phold_global_work_precedes_events_at_an_instant(void)
{
    static const char base[] =
        "scenario { name = \"order\", seed = 3, duration = 4, sample_every = 1 }\n"
        "topology { kind = \"complete\", n = 10 }\n"
        "phold { population = 1, remote = 0.5, mean = 1, lookahead = 1 }\n";
    static const double plain[] = { 0, 0, 10, 20, 30 }, failed[] = { 0, 0, 10, 10, 10 };
    char text[1024];
    for (int f = 0; f < 2; f++) {
        snprintf(text, sizeof text, "%s%s", base, f ? "at(2, fail { count = 10 })\n" : "");
        const double *want = f ? failed : plain;
        run_stats st;
        double rows[16];
        int n = test_phold_text(text, &st, rows, 16, NULL, NULL);
        CU_ASSERT_EQUAL_FATAL(n, 5);
        for (int i = 0; i < 5; i++) {
            CHECK_MSG(rows[i] == want[i], "%s: handled %g at t = %d, by hand %g",
                      f ? "failed at 2" : "plain", rows[i], i, want[i]);
        }
        CHECK_MSG(st.events == (uint64_t)want[4], "%s: %llu events, by hand %g", f ? "failed at 2" : "plain",
                  (unsigned long long)st.events, want[4]);
    }
}

/*
 * Every event starts a chain whose delays are i.i.d. lookahead +
 * Exp(mean - lookahead): a renewal process, so the events handled in (0, t)
 * per chain number t / mu + (sigma^2 / mu^2 - 1) / 2 on average (the renewal
 * theorem's second-order term), with variance sigma^2 t / mu^3. mu = 1,
 * sigma = 0.9, t = 50, 10,000 chains: 499,050 events, sd 636; tolerance 4
 * sd. The count comes from the core, not from the model's own statistics;
 * delays of exactly the lookahead would give ten times as many.
 */
static void test_phold_event_count_matches_renewal_theory(void)
{
    static const char text[] =
        "scenario { name = \"renew\", seed = 5, duration = 50, sample_every = 50 }\n"
        "topology { kind = \"complete\", n = 100 }\n"
        "phold { population = 100, remote = 0.5, mean = 1, lookahead = 0.1 }\n";
    run_stats st;
    double rows[4];
    CU_ASSERT_TRUE_FATAL(test_phold_text(text, &st, rows, 4, NULL, NULL) > 0);
    double mu = 1.0, sigma = 0.9, t = 50, chains = 10000;
    double expect = chains * (t / mu + (sigma * sigma / (mu * mu) - 1) / 2);
    double sd = sqrt(chains * sigma * sigma * t / (mu * mu * mu));
    printf("[%llu events, renewal theory %.0f, sd %.0f] ", (unsigned long long)st.events, expect, sd);
    CHECK_MSG(fabs((double)st.events - expect) <= 4 * sd, "%llu events, renewal theory %.0f +- %.0f",
              (unsigned long long)st.events, expect, 4 * sd);
}

static CU_TestInfo phold_tests[] = {
    { "conserves its event population", test_phold_conserves_its_event_population },
    { "event count is reproducible", test_phold_event_count_is_reproducible },
    { "remote fraction and mean delay match", test_phold_remote_fraction_and_mean_delay_match },
    { "global work precedes events at an instant", test_phold_global_work_precedes_events_at_an_instant },
    { "event count matches renewal theory", test_phold_event_count_matches_renewal_theory },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_phold = { .pName = "phold", .pTests = phold_tests };
