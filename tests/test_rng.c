/*
 * test_rng.c -- counter-based streams: known answers, reproducibility,
 * independence between node streams, and GSL distributions drawn from them.
 *
 * Statistical checks use fixed seeds and tolerances of about 5 standard
 * errors, so a correct generator fails them with probability < 1e-6 and a
 * broken one (a constant, a shifted mean, correlated streams) fails at once.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>

#include "rng.h"
#include "test_util.h"

/* Pins the generator: traces of old runs stay reproducible only if this holds. */
static void test_rng_known_answers_are_stable(void)
{
    uint64_t k = rng_key(2385, 7);
    CU_ASSERT_EQUAL(k, 0x0cefb7ff685b96a6ULL);
    CU_ASSERT_EQUAL(rng_at(k, 0), 0xc354846512a25f34ULL);
    CU_ASSERT_EQUAL(rng_at(k, 1), 0x3aca0048f1e9ff97ULL);
    CU_ASSERT_EQUAL(rng_at(k, 2), 0x4cac8d42e806e736ULL);
}

static void test_rng_same_key_and_counter_give_same_draw(void)
{
    gsl_rng *g = gsl_rng_alloc(rng_gsl_counter);
    uint64_t ctr_a = 0, ctr_b = 0;
    double a[50], b[50];
    rng_gsl_bind(g, rng_key(11, 3), &ctr_a);
    for (int i = 0; i < 50; i++) {
        a[i] = gsl_rng_uniform(g);
    }
    /* Interleave another stream: it must not disturb stream 3. */
    uint64_t other = 0;
    rng_gsl_bind(g, rng_key(11, 4), &other);
    (void)gsl_rng_uniform(g);
    rng_gsl_bind(g, rng_key(11, 3), &ctr_b);
    for (int i = 0; i < 50; i++) {
        b[i] = gsl_rng_uniform(g);
    }
    for (int i = 0; i < 50; i++) {
        CU_ASSERT_DOUBLE_EQUAL(a[i], b[i], 0.0);
    }
    CU_ASSERT_EQUAL(ctr_a, 50);
    CU_ASSERT_EQUAL(other, 1);
    gsl_rng_free(g);
}

static void test_rng_different_seeds_differ(void)
{
    int same = 0;
    for (uint64_t i = 0; i < 1000; i++) {
        same += rng_at(rng_key(1, 0), i) == rng_at(rng_key(2, 0), i);
    }
    CU_ASSERT_EQUAL(same, 0);
}

/* Uniform: mean 1/2 (se 0.29/sqrt(n)), variance 1/12, chi-square over 64 bins. */
static void test_rng_uniform_moments_and_histogram(void)
{
    enum { N = 400000, BINS = 64 };
    double *x = malloc(N * sizeof *x);
    long bins[BINS] = { 0 };
    uint64_t key = rng_key(2385, 0);
    for (int i = 0; i < N; i++) {
        x[i] = rng_unit(rng_at(key, (uint64_t)i));
        bins[(int)(x[i] * BINS)]++;
    }
    double mean = gsl_stats_mean(x, 1, N), var = gsl_stats_variance(x, 1, N);
    CHECK_MSG(fabs(mean - 0.5) < 5 * 0.2887 / sqrt(N), "mean %g", mean);
    CHECK_MSG(fabs(var - 1.0 / 12) < 0.001, "variance %g", var);
    double chi = 0, e = (double)N / BINS;
    for (int b = 0; b < BINS; b++) {
        chi += (bins[b] - e) * (bins[b] - e) / e;
    }
    /* 63 degrees of freedom: mean 63, sd 11.2; 120 is beyond p = 1e-6. */
    CHECK_MSG(chi < 120, "chi-square %g over 63 dof", chi);
    free(x);
}

/* Adjacent node streams are uncorrelated: |r| < 5 / sqrt(n). */
static void test_rng_adjacent_node_streams_are_uncorrelated(void)
{
    enum { N = 200000 };
    double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    for (uint32_t node = 0; node < 4; node++) {
        uint64_t ka = rng_key(99, node), kb = rng_key(99, node + 1);
        for (int i = 0; i < N; i++) {
            a[i] = rng_unit(rng_at(ka, (uint64_t)i));
            b[i] = rng_unit(rng_at(kb, (uint64_t)i));
        }
        double r = gsl_stats_correlation(a, 1, b, 1, N);
        CHECK_MSG(fabs(r) < 5.0 / sqrt(N), "nodes %u,%u: r = %g", node, node + 1, r);
    }
    /* Across nodes at the same counter, as a model drawing once per node does. */
    for (int i = 0; i < N; i++) {
        a[i] = rng_unit(rng_at(rng_key(99, (uint64_t)i), 0));
        b[i] = rng_unit(rng_at(rng_key(99, (uint64_t)i + 1), 0));
    }
    double r = gsl_stats_correlation(a, 1, b, 1, N);
    CHECK_MSG(fabs(r) < 5.0 / sqrt(N), "first draws of neighbouring nodes: r = %g", r);
    free(a);
    free(b);
}

static double test_rng_sample_mean(gsl_rng *g, int n, double (*draw)(gsl_rng *, double, double),
                                   double p1, double p2, double *var)
{
    double *x = malloc(n * sizeof *x);
    for (int i = 0; i < n; i++) {
        x[i] = draw(g, p1, p2);
    }
    double m = gsl_stats_mean(x, 1, n);
    *var = gsl_stats_variance(x, 1, n);
    free(x);
    return m;
}

static double draw_exp(gsl_rng *g, double mean, double unused)
{
    (void)unused;
    return gsl_ran_exponential(g, mean);
}

static double draw_gauss(gsl_rng *g, double mean, double sd)
{
    return mean + gsl_ran_gaussian(g, sd);
}

static double draw_lognormal(gsl_rng *g, double median, double sigma)
{
    return gsl_ran_lognormal(g, log(median), sigma);
}

static double draw_pareto(gsl_rng *g, double scale, double shape)
{
    return gsl_ran_pareto(g, shape, scale);
}

/* GSL distributions on a node stream have their textbook moments. */
static void test_rng_gsl_distributions_have_textbook_moments(void)
{
    enum { N = 200000 };
    gsl_rng *g = gsl_rng_alloc(rng_gsl_counter);
    uint64_t ctr = 0;
    rng_gsl_bind(g, rng_key(2385, 17), &ctr);
    double var, m;

    m = test_rng_sample_mean(g, N, draw_exp, 2.385, 0, &var);
    CHECK_MSG(fabs(m - 2.385) < 5 * 2.385 / sqrt(N), "exponential mean %g", m);
    CHECK_MSG(fabs(var - 2.385 * 2.385) < 0.05 * 2.385 * 2.385, "exponential var %g", var);

    m = test_rng_sample_mean(g, N, draw_gauss, 0.7, 0.3, &var);
    CHECK_MSG(fabs(m - 0.7) < 5 * 0.3 / sqrt(N), "normal mean %g", m);
    CHECK_MSG(fabs(sqrt(var) - 0.3) < 0.01 * 0.3 * 5, "normal sd %g", sqrt(var));

    /* Lognormal(median 0.05, sigma 0.5): mean = median * exp(sigma^2 / 2). */
    m = test_rng_sample_mean(g, N, draw_lognormal, 0.05, 0.5, &var);
    double lm = 0.05 * exp(0.125), lsd = lm * sqrt(exp(0.25) - 1);
    CHECK_MSG(fabs(m - lm) < 5 * lsd / sqrt(N), "lognormal mean %g, expected %g", m, lm);

    /* Pareto(scale 0.01, shape 3): mean = shape * scale / (shape - 1). */
    m = test_rng_sample_mean(g, N, draw_pareto, 0.01, 3.0, &var);
    CHECK_MSG(fabs(m - 0.015) < 0.015 * 0.02, "pareto mean %g, expected 0.015", m);

    CU_ASSERT_EQUAL(ctr >= 4 * (uint64_t)N, 1);
    gsl_rng_free(g);
}

static CU_TestInfo rng_tests[] = {
    { "known answers are stable", test_rng_known_answers_are_stable },
    { "same key and counter give same draw", test_rng_same_key_and_counter_give_same_draw },
    { "different seeds differ", test_rng_different_seeds_differ },
    { "uniform moments and histogram", test_rng_uniform_moments_and_histogram },
    { "adjacent node streams are uncorrelated", test_rng_adjacent_node_streams_are_uncorrelated },
    { "gsl distributions have textbook moments", test_rng_gsl_distributions_have_textbook_moments },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_rng = { .pName = "rng", .pTests = rng_tests };
