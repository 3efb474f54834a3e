/*
 * test_tune.c -- `mycosim tune`: the root search on synthetic curves whose
 * root and 95% interval are known in closed form (a line with a constant
 * ci95, a falling curve with a ci95 proportional to the mean), its
 * refusals and stops (target not reached, one replicate, clipped interval,
 * evaluations used up, an interrupted evaluation), then the command end to
 * end: PHOLD's mean delay tuned through phold.mean (a known answer:
 * the delay law's mean is phold.mean, and with phold.remote = 0 each node
 * is its own chain, so under common random numbers the evaluated means
 * rise strictly with the key), push_or_pushpull.lua shrunk and tuned on
 * links.loss (value inside its interval, resumed byte for byte), a target
 * not reached and a NaN metric refused with exit 2.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "tune.h"

/* --- Synthetic curves ------------------------------------------------------------- */

typedef enum test_curve_kind { TEST_LINE, TEST_FALLING } test_curve_kind;

typedef struct test_curve {
    test_curve_kind kind;
    double ci;                 /* LINE: the ci95; FALLING: ci95 / mean; NaN: one replicate */
    uint32_t calls;
    double seen[TUNE_MAX_EVALS + 1];
    int repeated;              /* asked twice for one x */
    uint32_t stop_at;          /* return SIM_EINTR at this call (0: never) */
} test_curve;

/* LINE: 2.385 + 1.7 x. FALLING: 40 / (1 + x)^2. */
static double test_curve_mean(const test_curve *c, double x)
{
    return c->kind == TEST_LINE ? 2.385 + 1.7 * x : 40.0 / ((1 + x) * (1 + x));
}

static sim_err test_curve_eval(void *ctx, double x, tune_step step, tune_point *out, char *msg,
                               size_t len)
{
    test_curve *c = ctx;
    (void)step;
    for (uint32_t i = 0; i < c->calls && i <= TUNE_MAX_EVALS; i++) {
        c->repeated |= c->seen[i] == x;
    }
    c->seen[c->calls <= TUNE_MAX_EVALS ? c->calls : TUNE_MAX_EVALS] = x;
    if (++c->calls == c->stop_at) {
        snprintf(msg, len, "stopped");
        return SIM_EINTR;
    }
    out->mean = test_curve_mean(c, x);
    out->ci95 = c->kind == TEST_LINE ? c->ci : c->ci * out->mean;
    out->n = 5;
    return SIM_OK;
}

static tune_problem test_problem(double lo, double hi, double target)
{
    return (tune_problem){ .lo = lo, .hi = hi, .target = target, .max_evals = TUNE_DEFAULT_EVALS,
                           .xtol = TUNE_XTOL, .metric = "m.y" };
}

static tune_result test_r;   /* large: not on the stack */

static void test_tune_line_root_and_interval_in_closed_form(void)
{
    test_curve c = { .kind = TEST_LINE, .ci = 0.3 };
    tune_problem p = test_problem(0.0, 10.0, 9.1);
    char msg[256] = "";
    sim_err err = tune_solve(&p, test_curve_eval, &c, &test_r, msg, sizeof msg);
    double root = (9.1 - 2.385) / 1.7, half = 0.3 / 1.7;
    CHECK_MSG(err == SIM_OK, "err %d: %s", err, msg);
    CHECK_MSG(fabs(test_r.value - root) <= TUNE_XTOL * 10.0, "value %.10g, root %.10g", test_r.value, root);
    CHECK_MSG(fabs(test_r.lo95 - (root - half)) < 1e-9 && fabs(test_r.hi95 - (root + half)) < 1e-9,
              "interval [%.10g, %.10g], want [%.10g, %.10g]", test_r.lo95, test_r.hi95, root - half,
              root + half);
    CU_ASSERT(test_r.lo95 <= test_r.value && test_r.value <= test_r.hi95);
    CU_ASSERT_EQUAL(test_r.status, TUNE_CONVERGED);
    CU_ASSERT_EQUAL(test_r.interval, TUNE_IV_OK);
    CU_ASSERT(test_r.bracket_hi - test_r.bracket_lo < TUNE_XTOL * 10.0);
    CU_ASSERT(test_r.bracket_lo <= test_r.value && test_r.value <= test_r.bracket_hi);
    CU_ASSERT_EQUAL(test_r.npoints, c.calls);
    CU_ASSERT_EQUAL(test_r.points[0].step, TUNE_STEP_LO);
    CU_ASSERT_EQUAL(test_r.points[1].step, TUNE_STEP_HI);
    CU_ASSERT_EQUAL(test_r.points[test_r.npoints - 1].step, TUNE_STEP_INTERVAL);
    CHECK_MSG(!c.repeated, "an x was evaluated twice");
}

/*
 * 40 / (1 + x)^2 falls; with ci95 = 5% of the mean the target 7.3 lies in
 * mean +- ci95 for 38 / 7.3 <= (1 + x)^2 <= 42 / 7.3.
 */
static void test_tune_falling_curve_with_noise_as_ci(void)
{
    test_curve c = { .kind = TEST_FALLING, .ci = 0.05 };
    tune_problem p = test_problem(0.2, 5.0, 7.3);
    char msg[256] = "";
    sim_err err = tune_solve(&p, test_curve_eval, &c, &test_r, msg, sizeof msg);
    double root = sqrt(40 / 7.3) - 1, lo = sqrt(38 / 7.3) - 1, hi = sqrt(42 / 7.3) - 1;
    CHECK_MSG(err == SIM_OK, "err %d: %s", err, msg);
    CHECK_MSG(fabs(test_r.value - root) <= TUNE_XTOL * 4.8, "value %.10g, root %.10g", test_r.value, root);
    CHECK_MSG(fabs(test_r.lo95 - lo) < 1e-3 && fabs(test_r.hi95 - hi) < 1e-3,
              "interval [%.10g, %.10g], want [%.10g, %.10g]", test_r.lo95, test_r.hi95, lo, hi);
    CU_ASSERT(test_r.lo95 <= root && root <= test_r.hi95);
    CU_ASSERT_EQUAL(test_r.status, TUNE_CONVERGED);
    CU_ASSERT_EQUAL(test_r.interval, TUNE_IV_OK);
    CU_ASSERT(test_r.npoints <= TUNE_DEFAULT_EVALS);
    CHECK_MSG(!c.repeated, "an x was evaluated twice");
}

static void test_tune_target_out_of_range_names_both_end_means(void)
{
    test_curve c = { .kind = TEST_LINE, .ci = 0.3 };
    tune_problem p = test_problem(0.5, 2.0, 16.0);
    char msg[256] = "";
    sim_err err = tune_solve(&p, test_curve_eval, &c, &test_r, msg, sizeof msg);
    CU_ASSERT_EQUAL(err, SIM_EINPUT);
    CHECK_MSG(strstr(msg, "target m.y=16 is not reached on [0.5, 2]: mean 3.235 at 0.5, 5.785 at 2")
              != NULL, "message: %s", msg);
    CU_ASSERT_EQUAL(test_r.status, TUNE_NOT_REACHED);
    CU_ASSERT_EQUAL(test_r.npoints, 2);
    CU_ASSERT(isnan(test_r.value));
}

static void test_tune_one_replicate_has_no_interval(void)
{
    test_curve c = { .kind = TEST_LINE, .ci = NAN };
    tune_problem p = test_problem(0.0, 10.0, 9.1);
    char msg[256] = "";
    CU_ASSERT_EQUAL(tune_solve(&p, test_curve_eval, &c, &test_r, msg, sizeof msg), SIM_OK);
    CU_ASSERT(fabs(test_r.value - (9.1 - 2.385) / 1.7) <= TUNE_XTOL * 10.0);
    CU_ASSERT(isnan(test_r.lo95) && isnan(test_r.hi95));
    CU_ASSERT_EQUAL(test_r.interval, TUNE_IV_NONE);
    for (uint32_t i = 0; i < test_r.npoints; i++) {
        CU_ASSERT(test_r.points[i].step != TUNE_STEP_INTERVAL);
    }
}

/* ci95 = 3.1 > the whole rise of the line on [3, 5]: the target is inside everywhere. */
static void test_tune_wide_ci_clips_the_interval_to_the_range(void)
{
    test_curve c = { .kind = TEST_LINE, .ci = 3.1 };
    tune_problem p = test_problem(3.0, 5.0, 9.1);
    char msg[256] = "";
    CU_ASSERT_EQUAL(tune_solve(&p, test_curve_eval, &c, &test_r, msg, sizeof msg), SIM_OK);
    CU_ASSERT_EQUAL(test_r.interval, TUNE_IV_CLIPPED_BOTH);
    CU_ASSERT(test_r.lo95 == 3.0 && test_r.hi95 == 5.0);
    /* A ci95 that covers the target only above the root: clipped_high alone. */
    c = (test_curve){ .kind = TEST_LINE, .ci = 1.0 };
    p = test_problem(3.0, 4.2, 9.1);
    CU_ASSERT_EQUAL(tune_solve(&p, test_curve_eval, &c, &test_r, msg, sizeof msg), SIM_OK);
    CHECK_MSG(test_r.interval == TUNE_IV_CLIPPED_HIGH && test_r.hi95 == 4.2
              && fabs(test_r.lo95 - ((9.1 - 1.0 - 2.385) / 1.7)) < 1e-9,
              "interval %s [%.10g, %.10g]", tune_interval_name(test_r.interval), test_r.lo95,
              test_r.hi95);
}

static void test_tune_evals_cap_and_interruption(void)
{
    test_curve c = { .kind = TEST_FALLING, .ci = 0.05 };
    tune_problem p = test_problem(0.2, 5.0, 7.3);
    p.max_evals = 4;
    char msg[256] = "";
    CU_ASSERT_EQUAL(tune_solve(&p, test_curve_eval, &c, &test_r, msg, sizeof msg), SIM_OK);
    CU_ASSERT_EQUAL(test_r.status, TUNE_MAX_EVALS_REACHED);
    CU_ASSERT_EQUAL(c.calls, 4);
    CU_ASSERT(test_r.bracket_lo <= test_r.value && test_r.value <= test_r.bracket_hi);
    c = (test_curve){ .kind = TEST_FALLING, .ci = 0.05, .stop_at = 5 };
    p.max_evals = TUNE_DEFAULT_EVALS;
    CU_ASSERT_EQUAL(tune_solve(&p, test_curve_eval, &c, &test_r, msg, sizeof msg), SIM_EINTR);
    CU_ASSERT_EQUAL(test_r.status, TUNE_INTERRUPTED);
    CU_ASSERT_EQUAL(test_r.npoints, 4);
    p.max_evals = 2;
    CU_ASSERT_EQUAL(tune_solve(&p, test_curve_eval, &c, &test_r, msg, sizeof msg), SIM_EINPUT);
}

/* --- End to end ------------------------------------------------------------------------ */

/* Rows of tune.csv: value and mean, in evaluation order. */
static int test_tune_rows(const char *dir, double *x, double *mean, int max)
{
    char path[600];
    snprintf(path, sizeof path, "%s/tune.csv", dir);
    int n = test_csv_column(path, "value", x, max);
    return test_csv_column(path, "mean", mean, max) == n ? n : -1;
}

static double test_result(const char *dir, const char *col)
{
    char path[600];
    snprintf(path, sizeof path, "%s/tune_result.csv", dir);
    return test_csv_last(path, col);
}

/* The evaluated means, sorted by the key's value, never fall (rise strictly if strict). */
static int test_tune_monotone(const double *x, const double *mean, int n, int strict)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            if (x[i] < x[j] && (strict ? mean[i] >= mean[j] : mean[i] > mean[j])) {
                fprintf(stderr, "\n    mean %.10g at %.10g, %.10g at %.10g\n", mean[i], x[i], mean[j],
                        x[j]);
                return 0;
            }
        }
    }
    return 1;
}

static void test_tune_phold_mean_delay_known_answer(void)
{
    char d[256], cmd[1200], err[2048];
    test_tmpdir(d, sizeof d);
    snprintf(cmd, sizeof cmd, "%s tune scenarios/phold.lua --set topology.n=200 --set scenario.duration=20 "
             "--set phold.remote=0 --set phold.lookahead=0.05 --key phold.mean --range 0.1,1 "
             "--target phold.mean_delay=0.5 --reps 3 --jobs 2 --quiet --out %s/t", test_binary(), d);
    int st = test_run_cmd(cmd, err, sizeof err);
    CHECK_MSG(st == 0, "exit %d: %s", st, err);
    char dir[400];
    snprintf(dir, sizeof dir, "%s/t", d);
    double v = test_result(dir, "value"), lo = test_result(dir, "lo95"), hi = test_result(dir, "hi95");
    CHECK_MSG(lo <= v && v <= hi && lo >= 0.1 && hi <= 1, "value %g in [%g, %g]", v, lo, hi);
    CHECK_MSG(fabs(v - 0.5) < 0.02 && lo <= 0.5 && 0.5 <= hi, "value %g [%g, %g], known 0.5", v, lo, hi);
    CHECK_MSG(hi - lo < 0.1, "interval [%g, %g] too wide", lo, hi);
    double x[TUNE_MAX_EVALS], mean[TUNE_MAX_EVALS];
    int n = test_tune_rows(dir, x, mean, TUNE_MAX_EVALS);
    CHECK_MSG(n >= 5 && n <= TUNE_DEFAULT_EVALS, "%d evaluations", n);
    CU_ASSERT(n >= 2 && x[0] == 0.1 && x[1] == 1);
    CU_ASSERT(test_tune_monotone(x, mean, n, 1));
    char *res = NULL;
    snprintf(cmd, sizeof cmd, "%s/tune_result.csv", dir);
    res = test_slurp(cmd);
    CHECK_MSG(res != NULL && strstr(res, ",ok,") != NULL && strstr(res, ",3,converged\n") != NULL
              && strncmp(res, "key,metric,target,value,lo95,hi95,interval,bracket_lo,bracket_hi,evals,"
                              "reps,status\nphold.mean,phold.mean_delay,0.5,", 110) == 0,
              "tune_result.csv: %s", res ? res : "(none)");
    free(res);
    test_rm_tree(d);
}

static void test_tune_gossip_loss_resumes_byte_for_byte(void)
{
    char d[256], cmd[1200], err[2048], dir[400], path[600];
    test_tmpdir(d, sizeof d);
    snprintf(dir, sizeof dir, "%s/t", d);
    snprintf(cmd, sizeof cmd, "%s tune scenarios/push_or_pushpull.lua --set topology.n=300 "
             "--set scenario.duration=30 --key links.loss --range 0.05,0.4 --target gossip.t_99=12 "
             "--jobs 2 --quiet --out %s", test_binary(), dir);
    int st = test_run_cmd(cmd, err, sizeof err);
    CHECK_MSG(st == 0, "exit %d: %s", st, err);
    double v = test_result(dir, "value"), lo = test_result(dir, "lo95"), hi = test_result(dir, "hi95");
    CHECK_MSG(0.05 <= lo && lo <= v && v <= hi && hi <= 0.4, "value %g in [%g, %g]", v, lo, hi);
    double x[TUNE_MAX_EVALS], mean[TUNE_MAX_EVALS];
    int n = test_tune_rows(dir, x, mean, TUNE_MAX_EVALS);
    CU_ASSERT(n >= 3 && mean[0] < 12 && mean[1] > 12);
    snprintf(path, sizeof path, "%s/tune.csv", dir);
    char *first = test_slurp(path);
    snprintf(path, sizeof path, "%s/eval-02/sweep.csv", dir);
    char *sweep_first = test_slurp(path);
    snprintf(path, sizeof path, "%s/tune.png", dir);
    char *png = test_slurp(path);
    CU_ASSERT(png != NULL || !test_gnuplot_installed());
    free(png);
    /* Again: every eval folder is complete, nothing runs, the same tables come out. */
    st = test_run_cmd(cmd, err, sizeof err);
    CHECK_MSG(st == 0, "second run: exit %d: %s", st, err);
    snprintf(path, sizeof path, "%s/tune.csv", dir);
    char *again = test_slurp(path);
    snprintf(path, sizeof path, "%s/eval-02/sweep.csv", dir);
    char *sweep_again = test_slurp(path);
    CU_ASSERT(first != NULL && again != NULL && strcmp(first, again) == 0);
    CHECK_MSG(sweep_first != NULL && sweep_again != NULL && strcmp(sweep_first, sweep_again) == 0,
              "eval-02 was run again (its wall_s changed)");
    free(first);
    free(again);
    free(sweep_first);
    free(sweep_again);
    test_rm_tree(d);
}

/* Exit 2 and one line holding want. */
static void test_tune_expect_exit_2(const char *args, const char *want, const char *d)
{
    char cmd[1200], err[2048];
    snprintf(cmd, sizeof cmd, "%s tune scenarios/push_or_pushpull.lua --set topology.n=300 "
             "--set scenario.duration=30 --key links.loss --quiet --no-plot --out %s/t %s", test_binary(),
             d, args);
    int st = test_run_cmd(cmd, err, sizeof err);
    CHECK_MSG(st == 2 && strchr(err, '\n') == err + strlen(err) - 1 && strstr(err, want) != NULL,
              "%s: exit %d: %s(want %s)", args, st, err, want);
}

static void test_tune_not_reached_and_nan_exit_2(void)
{
    char d[256], path[400];
    test_tmpdir(d, sizeof d);
    test_tune_expect_exit_2("--range 0.05,0.1 --target gossip.t_99=16",
                            "target gossip.t_99=16 is not reached on [0.05, 0.1]: mean 8.55049 at "
                            "0.05, 9.96356 at 0.1", d);
    snprintf(path, sizeof path, "%s/t/tune_result.csv", d);
    char *res = test_slurp(path);
    CHECK_MSG(res != NULL && strstr(res, ",2,5,not_reached\n") != NULL, "%s", res ? res : "(none)");
    free(res);
    test_tune_expect_exit_2("--range 0.1,0.9 --target gossip.t_99=16",
                            "gossip.t_99 is nan in 5 of 5 runs of", d);
    test_tune_expect_exit_2("--range 0.1,0.9 --target gossip.t_99=16", "/t/eval-02 (links.loss=0.9)", d);
    test_rm_tree(d);
}

static CU_TestInfo tune_tests[] = {
    { "line: root and interval in closed form", test_tune_line_root_and_interval_in_closed_form },
    { "falling curve with noise as ci", test_tune_falling_curve_with_noise_as_ci },
    { "target out of range names both end means", test_tune_target_out_of_range_names_both_end_means },
    { "one replicate has no interval", test_tune_one_replicate_has_no_interval },
    { "wide ci clips the interval to the range", test_tune_wide_ci_clips_the_interval_to_the_range },
    { "evals cap and interruption", test_tune_evals_cap_and_interruption },
    { "phold mean delay: known answer, monotone under CRN", test_tune_phold_mean_delay_known_answer },
    { "gossip loss: value in its interval, resumed byte for byte", test_tune_gossip_loss_resumes_byte_for_byte },
    { "not reached and NaN metric exit 2", test_tune_not_reached_and_nan_exit_2 },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_tune = { .pName = "tune", .pTests = tune_tests };
