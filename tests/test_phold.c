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

/* Run PHOLD; fills stats and the summary's remote_fraction and mean_delay. */
static int test_phold_run(int n, int population, double remote, double lookahead, double duration,
                          run_stats *st, double *frac, double *delay)
{
    char dir[256], text[1024], msg[512], out[300];
    test_tmpdir(dir, sizeof dir);
    snprintf(text, sizeof text,
             "scenario { name = \"ph\", seed = 7, duration = %g, sample_every = 1 }\n"
             "topology { kind = \"complete\", n = %d }\n"
             "phold { population = %d, remote = %g, mean = 1.0, lookahead = %g }\n",
             duration, n, population, remote, lookahead);
    scen *s = NULL;
    if (scen_load(test_write(dir, "p.lua", text), NULL, 0, -1, &s, msg, sizeof msg) != SIM_OK) {
        fprintf(stderr, "\n    %s\n", msg);
        return 0;
    }
    snprintf(out, sizeof out, "%s/out", dir);
    run_opts o = { .out_dir = out, .quiet = 1, .no_plot = 1, .stats = st };
    sim_err err = run_scenario(s, &o, msg, sizeof msg);
    scen_free(s);
    char p[400];
    snprintf(p, sizeof p, "%s/summary.csv", out);
    *frac = test_csv_last(p, "remote_fraction");
    *delay = test_csv_last(p, "mean_delay");
    snprintf(p, sizeof p, "rm -rf %s", dir);
    CU_ASSERT_EQUAL(system(p), 0);
    return err == SIM_OK;
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

static CU_TestInfo phold_tests[] = {
    { "conserves its event population", test_phold_conserves_its_event_population },
    { "event count is reproducible", test_phold_event_count_is_reproducible },
    { "remote fraction and mean delay match", test_phold_remote_fraction_and_mean_delay_match },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_phold = { .pName = "phold", .pTests = phold_tests };
