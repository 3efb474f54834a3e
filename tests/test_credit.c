/*
 * test_credit.c -- the credit model end to end through the loader and the
 * core: exact decay against e^(-lambda t) (also piecewise and with an
 * allowance), limits and refusals on a two-member market worked by hand,
 * the Gini on known distributions, the definition of velocity, the
 * controller's law, conservation under every kind of disturbance, and
 * standing through the core. Tolerances are the model's own rounding
 * rule: half a micro-credit per member per settlement.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "scen.h"
#include "test_util.h"

#define MAX_ROWS 2048

typedef struct credit_run {
    char dir[256];
    char csv[400];
    char summary[400];
} credit_run;

/* Run text with seed; paths of credit.csv and summary.csv into r. 0 on success. */
static int credit_go(credit_run *r, const char *text, long long seed)
{
    test_tmpdir(r->dir, sizeof r->dir);
    snprintf(r->csv, sizeof r->csv, "%s/out/credit.csv", r->dir);
    snprintf(r->summary, sizeof r->summary, "%s/out/summary.csv", r->dir);
    return test_run_scenario(r->dir, text, seed);
}

static void credit_done(credit_run *r)
{
    CU_ASSERT_EQUAL(test_rm_tree(r->dir), 0);
}

/* The value of a credit.csv column at time t (NAN when there is no such row). */
static double credit_at(const credit_run *r, const char *col, double t)
{
    static double times[MAX_ROWS], vals[MAX_ROWS];
    int n = test_csv_column(r->csv, "time", times, MAX_ROWS);
    int k = test_csv_column(r->csv, col, vals, MAX_ROWS);
    for (int i = 0; i < n && i < k; i++) {
        if (fabs(times[i] - t) < 1e-9) {
            return vals[i];
        }
    }
    return NAN;
}

/* Three members holding `starter` each, no trades, for 365 days; extra keys and lines added. */
static void credit_hold(char *buf, size_t len, const char *keys, const char *lines)
{
    snprintf(buf, len,
             "scenario { name = 'hold', duration = 365, sample_every = 1 }\n"
             "topology { kind = 'ring', n = 3 }\n"
             "credit { need_rate = 0, starter = 100, %s }\n%s", keys, lines);
}

/* --- Decay ------------------------------------------------------------------- */

static void test_credit_decay_one_balance_is_exponential(void)
{
    char text[1024];
    credit_run r;
    credit_hold(text, sizeof text, "lambda = 0.001", "");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 1), 0);
    double m = credit_at(&r, "money_supply", 365), want = 300 * exp(-0.365);
    /* settled once (virtually) at the sample: half a micro-credit per member */
    CHECK_MSG(fabs(m - want) <= 1.5e-6, "money supply %.9f, want %.9f", m, want);
    double c = credit_at(&r, "commons", 365);
    CHECK_MSG(fabs(c + m) < 1e-9, "commons %.9f + money %.9f != 0 (no debt)", c, m);
    double half = credit_at(&r, "money_supply", 182);
    CHECK_MSG(fabs(half - 300 * exp(-0.182)) <= 1.5e-6, "day 182: %.9f", half);
    credit_done(&r);
}

/* Settled every day by a payout that pays nobody: the rounding is per settlement. */
static void test_credit_decay_settled_daily_loses_at_most_half_a_micro_per_step(void)
{
    char text[1024];
    credit_run r;
    credit_hold(text, sizeof text, "lambda = 0.001, payout = 'regeneration', payout_every = 1", "");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 1), 0);
    double m = credit_at(&r, "money_supply", 365), want = 300 * exp(-0.365);
    CHECK_MSG(fabs(m - want) <= 3 * 365 * 0.5e-6, "money supply %.9f, want %.9f", m, want);
    CHECK_MSG(credit_at(&r, "conservation_error", 365) == 0, "conservation error");
    credit_done(&r);
}

static void test_credit_lambda_doubled_mid_run_integrates_piecewise(void)
{
    char text[1024];
    credit_run r;
    credit_hold(text, sizeof text, "lambda = 0.001", "at(100, set { ['credit.lambda'] = 0.002 })\n");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 1), 0);
    double m = credit_at(&r, "money_supply", 365), want = 300 * exp(-(0.1 + 0.002 * 265));
    CHECK_MSG(fabs(m - want) <= 1.5e-6, "money supply %.9f, want %.9f", m, want);
    CHECK_MSG(credit_at(&r, "lambda", 99) == 0.001 && credit_at(&r, "lambda", 100) == 0.002,
              "lambda column %g then %g", credit_at(&r, "lambda", 99), credit_at(&r, "lambda", 100));
    credit_done(&r);
}

static void test_credit_allowance_is_exempt_from_decay(void)
{
    char text[1024];
    credit_run r;
    credit_hold(text, sizeof text, "lambda = 0.001, allowance = 40", "");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 1), 0);
    double m = credit_at(&r, "money_supply", 365), want = 3 * (40 + 60 * exp(-0.365));
    CHECK_MSG(fabs(m - want) <= 1.5e-6, "money supply %.9f, want %.9f", m, want);
    credit_done(&r);
    credit_hold(text, sizeof text, "lambda = 0.01, allowance = 100", "");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 1), 0);
    CHECK_MSG(credit_at(&r, "money_supply", 365) == 300, "all below the allowance: %g",
              credit_at(&r, "money_supply", 365));
    credit_done(&r);
}

/* --- Limits and refusals on a two-member market ----------------------------------------- */

static const char two_members[] =
    "scenario { name = 'two', duration = %d, sample_every = 1 }\n"
    "topology { kind = 'explicit', nodes = { {'A', 0, 0}, {'B', 1, 0} }, edges = { {'A', 'B'} } }\n"
    "links { latency = { dist = 'constant', value = 0.001 } }\n"
    "credit { need_rate = 5, price = { dist = 'constant', value = 3 }, search_depth = 1, %s }\n%s";

/*
 * A can sell nothing (capacity 0, so no limit either) and holds 10; B can
 * sell 100 a day. A buys 3 times (10 -> 1), then every purchase is refused
 * by its limit and changes nothing; B's orders all fail (A has no capacity).
 */
static void test_credit_refused_purchase_changes_nothing(void)
{
    char text[2048];
    credit_run r;
    snprintf(text, sizeof text, two_members, 20, "starter = 10, capacity = { A = 0, B = 100 }, "
             "limit_factor = 0", "");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 3), 0);
    CHECK_MSG(test_csv_last(r.csv, "trades") == 3, "trades %g, want 3", test_csv_last(r.csv, "trades"));
    CHECK_MSG(test_csv_last(r.csv, "money_supply") == 20, "money %g, want 1 + 19",
              test_csv_last(r.csv, "money_supply"));
    CHECK_MSG(test_csv_last(r.csv, "at_limit") == 1, "at_limit %g, want 1 (A)",
              test_csv_last(r.csv, "at_limit"));
    CHECK_MSG(test_csv_last(r.csv, "failed_trades") > 100, "failed %g: about 5 a day each",
              test_csv_last(r.csv, "failed_trades"));
    /* Gini of (1, 19): (19 - 1) / (2 x 20) = 0.45 */
    CHECK_MSG(fabs(test_csv_last(r.csv, "gini") - 0.45) < 1e-12, "gini %.15g, want 0.45",
              test_csv_last(r.csv, "gini"));
    credit_done(&r);
}

/* Credit: A's limit is 10 x its capacity 1; three purchases of 3 take it to -9, no further. */
static void test_credit_limit_is_never_exceeded(void)
{
    char text[2048];
    credit_run r;
    snprintf(text, sizeof text, two_members, 20, "capacity = { A = 1, B = 100 }, limit_factor = 10", "");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 4), 0);
    CHECK_MSG(test_csv_last(r.csv, "trades") == 3, "trades %g", test_csv_last(r.csv, "trades"));
    CHECK_MSG(test_csv_last(r.csv, "debt") == 9 && test_csv_last(r.csv, "money_supply") == 9,
              "debt %g, money %g, want 9 and 9", test_csv_last(r.csv, "debt"),
              test_csv_last(r.csv, "money_supply"));
    credit_done(&r);
    /* limited standing halves the limit (limited_factor 0.5): one purchase fits in 5 */
    snprintf(text, sizeof text, two_members, 20, "capacity = { A = 1, B = 100 }, limit_factor = 10",
             "at(0, isolate { nodes = { 'A' }, level = 'limited' })\n");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 4), 0);
    CHECK_MSG(test_csv_last(r.csv, "debt") == 3, "limited: debt %g, want 3",
              test_csv_last(r.csv, "debt"));
    credit_done(&r);
}

static void test_credit_suspended_member_cannot_trade(void)
{
    char text[2048];
    credit_run r;
    snprintf(text, sizeof text, two_members, 20, "starter = 10, capacity = 100",
             "at(0, isolate { nodes = { 'A' }, level = 'suspended' })\n");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 5), 0);
    CHECK_MSG(test_csv_last(r.csv, "trades") == 0, "trades %g with A suspended",
              test_csv_last(r.csv, "trades"));
    CHECK_MSG(test_csv_last(r.csv, "failed_trades") > 100, "failed %g",
              test_csv_last(r.csv, "failed_trades"));
    CHECK_MSG(test_csv_last(r.csv, "money_supply") == 20, "money %g", test_csv_last(r.csv, "money_supply"));
    credit_done(&r);
}

/* B can sell 3 credits a day and each sale is 3: exactly one trade per day, days 0 .. 9. */
static void test_credit_capacity_renews_each_day(void)
{
    char text[2048];
    credit_run r;
    snprintf(text, sizeof text, two_members, 10, "starter = 1000, capacity = { A = 0, B = 3 }, "
             "need_rate = 50", "");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 7), 0);
    for (int d = 1; d <= 10; d++) {
        CHECK_MSG(credit_at(&r, "trades", d) == d, "day %d: %g trades, want %d", d,
                  credit_at(&r, "trades", d), d);
    }
    credit_done(&r);
}

/*
 * shock{capacity} adds to the seller's capacity for its duration: one trade
 * a day on days 0-2, two on days 3-7, one again on days 8-9 (15 by day 10);
 * events.csv records the shock and its end.
 */
static void test_credit_capacity_shock_applies_and_ends(void)
{
    char text[2048];
    credit_run r;
    snprintf(text, sizeof text, two_members, 10, "starter = 1000, capacity = { A = 0, B = 3 }, "
             "need_rate = 50", "at(3, shock { nodes = { 'B' }, capacity = 3, duration = 5 })\n");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 7), 0);
    static const double want[] = { 0, 1, 2, 3, 5, 7, 9, 11, 13, 14, 15 };
    for (int d = 1; d <= 10; d++) {
        CHECK_MSG(credit_at(&r, "trades", d) == want[d], "day %d: %g trades, want %g", d,
                  credit_at(&r, "trades", d), want[d]);
    }
    char path[600];
    snprintf(path, sizeof path, "%s/out/events.csv", r.dir);
    char *ev = test_slurp(path);
    CHECK_MSG(ev != NULL && strstr(ev, "3,shock,capacity=3 duration=5 nodes=B,1\n") != NULL
              && strstr(ev, "8,shock-end,capacity=3 duration=5 nodes=B,1\n") != NULL, "events.csv:\n%s",
              ev ? ev : "(none)");
    free(ev);
    credit_done(&r);
}

/*
 * The purchase rate is the one in force at every instant: when lambda jumps
 * from 0 to 0.069 with propensity 100, every member (all above the
 * allowance) buys e^6.9 = 992 times faster at once, 0.01 -> 9.9 a day: about
 * 9,900 purchases by 1,000 members the next day. A rate fixed at each
 * member's last purchase would give about 10.
 */
static void test_credit_rate_follows_lambda_at_once(void)
{
    char text[2048];
    credit_run r;
    snprintf(text, sizeof text,
             "scenario { name = 'rate', duration = 12, sample_every = 1 }\n"
             "topology { kind = 'erdos_renyi', n = 1000, degree = 8 }\n"
             "links { latency = { dist = 'constant', value = 0.0001 } }\n"
             "credit { need_rate = 0.01, propensity = 100, starter = 1000, capacity = 100 }\n"
             "at(10, set { ['credit.lambda'] = 0.069 })\n");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 12), 0);
    double day = credit_at(&r, "trades", 11) + credit_at(&r, "failed_trades", 11)
                 - credit_at(&r, "trades", 10) - credit_at(&r, "failed_trades", 10);
    double before = credit_at(&r, "trades", 10) + credit_at(&r, "failed_trades", 10);
    CHECK_MSG(day > 9000 && day < 10800, "%g purchases the day after, want about 9,900", day);
    CHECK_MSG(before < 200, "%g purchases in the 10 days before, want about 100", before);
    credit_done(&r);
}

/*
 * An order takes 0.2 days to reach the seller while purchases come 20 times
 * a day: a purchase that comes while its order is on the way waits for it
 * (order_timeout, 1 day), so no order fails and about one trade settles per
 * 0.2-0.25 days.
 */
static void test_credit_purchase_waits_for_its_order(void)
{
    char text[2048];
    credit_run r;
    snprintf(text, sizeof text,
             "scenario { name = 'slow', duration = 20, sample_every = 1 }\n"
             "topology { kind = 'explicit', nodes = { {'A', 0, 0}, {'B', 1, 0} }, edges = { {'A', 'B'} } }\n"
             "links { latency = { dist = 'constant', value = 0.2 } }\n"
             "credit { need_rate = 20, starter = 1000, capacity = { A = 0, B = 1000 }, search_depth = 1 }\n");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 13), 0);
    double trades = test_csv_last(r.csv, "trades"), failed = test_csv_last(r.csv, "failed_trades");
    /* A's orders all settle; B's all fail (A sells nothing): as many as it tried */
    CHECK_MSG(trades > 70 && trades < 100, "%g trades in 20 days, want about 80-95", trades);
    CHECK_MSG(failed < trades + 10, "%g failed: A's orders should not fail", failed);
    credit_done(&r);
}

/* A member that fails and recovers buys again (its purchase timer is re-armed). */
static void test_credit_recovered_member_buys_again(void)
{
    char text[2048];
    credit_run r;
    snprintf(text, sizeof text, two_members, 20, "starter = 1000, capacity = { A = 0, B = 1000 }",
             "at(5, fail { nodes = { 'A' } })\nat(8, recover { nodes = { 'A' } })\n");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 8), 0);
    double down = credit_at(&r, "trades", 8) - credit_at(&r, "trades", 5);
    double after = credit_at(&r, "trades", 20) - credit_at(&r, "trades", 10);
    CHECK_MSG(down == 0, "%g trades while A was down", down);
    CHECK_MSG(after > 25, "%g trades in the 10 days after A recovered (about 50 expected)", after);
    credit_done(&r);
}

/* A bad actor sells, is paid and never delivers: every one of its sales is a default. */
static void test_credit_bad_seller_defaults(void)
{
    char text[2048];
    credit_run r;
    snprintf(text, sizeof text, two_members, 20, "starter = 50, capacity = { A = 0, B = 100 }",
             "probe { bad = { 'B' } }\n");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 6), 0);
    double trades = test_csv_last(r.csv, "trades"), defaults = test_csv_last(r.csv, "defaults");
    CHECK_MSG(trades > 0 && defaults == trades, "B bad: %g defaults of %g trades", defaults, trades);
    credit_done(&r);
    snprintf(text, sizeof text, two_members, 20, "starter = 50, capacity = { A = 0, B = 100 }",
             "probe { bad = { 'A' } }\n");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 6), 0);
    CHECK_MSG(test_csv_last(r.csv, "defaults") == 0 && test_csv_last(r.csv, "trades") > 0,
              "A bad but never sells: %g defaults", test_csv_last(r.csv, "defaults"));
    credit_done(&r);
}

/* --- Statistics --------------------------------------------------------------------------- */

/* No trades, no starter: spending power = limit = capacity; Gini of 1 .. 100 is 99 / 300. */
static void test_credit_gini_of_known_distributions(void)
{
    char text[1024];
    credit_run r;
    snprintf(text, sizeof text,
             "scenario { name = 'g', duration = 1, sample_every = 1 }\n"
             "topology { kind = 'ring', n = 100 }\n"
             "credit { need_rate = 0, capacity = function(node) return node.id + 1 end }\n");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 1), 0);
    double g = credit_at(&r, "gini", 0);
    CHECK_MSG(fabs(g - 99.0 / 300.0) < 1e-12, "gini %.15g, want 0.33", g);
    credit_done(&r);
    /* exponential: Gini 1/2; the sample Gini's sd at n = 20000 is about 0.004 */
    snprintf(text, sizeof text,
             "scenario { name = 'g', duration = 1, sample_every = 1 }\n"
             "topology { kind = 'ring', n = 20000 }\n"
             "credit { need_rate = 0, capacity = { dist = 'exponential', mean = 10 } }\n");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 1), 0);
    g = credit_at(&r, "gini", 0);
    CHECK_MSG(fabs(g - 0.5) < 0.02, "gini %.4f, want 0.5 +- 0.02", g);
    credit_done(&r);
    /* all equal: 0 */
    snprintf(text, sizeof text,
             "scenario { name = 'g', duration = 1, sample_every = 1 }\n"
             "topology { kind = 'ring', n = 50 }\n"
             "credit { need_rate = 0, starter = 7, limit_factor = 0 }\n");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 1), 0);
    CHECK_MSG(credit_at(&r, "gini", 0) == 0, "gini of equal balances %g", credit_at(&r, "gini", 0));
    credit_done(&r);
}

/* velocity(t) = volume of (t - 1, t] per day / money supply(t); constant price 2. */
static void test_credit_velocity_is_volume_per_day_over_money(void)
{
    char text[1024];
    credit_run r;
    snprintf(text, sizeof text,
             "scenario { name = 'v', duration = 30, sample_every = 1 }\n"
             "topology { kind = 'erdos_renyi', n = 200, degree = 6 }\n"
             "links { latency = { dist = 'constant', value = 0.001 } }\n"
             "credit { starter = 20, lambda = 0.01, price = { dist = 'constant', value = 2 } }\n");
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 9), 0);
    static double t[64], trades[64], money[64], vel[64];
    int n = test_csv_column(r.csv, "time", t, 64);
    test_csv_column(r.csv, "trades", trades, 64);
    test_csv_column(r.csv, "money_supply", money, 64);
    test_csv_column(r.csv, "velocity", vel, 64);
    CU_ASSERT_EQUAL(n, 31);
    for (int i = 1; i < n; i++) {
        double want = (trades[i] - trades[i - 1]) * 2 / money[i];
        CHECK_MSG(fabs(vel[i] - want) < 1e-6 * want + 1e-12, "day %g: velocity %g, want %g", t[i],
                  vel[i], want);
    }
    CHECK_MSG(trades[n - 1] > 3000, "trades %g", trades[n - 1]);
    credit_done(&r);
}

/* --- Controller ----------------------------------------------------------------------------- */

/*
 * With the balances at the allowance nothing decays: M = 300 for ever, and
 * lambda_k = lambda_0 e^(k gain (M / target - 1)), clamped. target 200,
 * gain 0.1: x e^0.05 a day from 0.001 until max 0.005 (day 33).
 */
static void test_credit_controller_follows_its_law(void)
{
    char text[1024];
    credit_run r;
    credit_hold(text, sizeof text, "lambda = 0.001, allowance = 100, "
                "control = { target = 200, gain = 0.1, min = 0.0001, max = 0.005, every = 1 }",
                "at(20, set { ['credit.limit_factor'] = 2 })\n");   /* another key: lambda goes on */
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 1), 0);
    for (int k = 1; k <= 40; k++) {
        double want = fmin(0.001 * exp(0.05 * k), 0.005);
        double got = credit_at(&r, "lambda", k);
        CHECK_MSG(fabs(got - want) < 1e-12, "day %d: lambda %.15g, want %.15g", k, got, want);
    }
    credit_done(&r);
}

/*
 * Feedback: members trade on credit (money is created as debt), decay
 * feeds the commons, a daily dividend returns it, so a higher lambda pays
 * debts down and lowers the money supply M. At day 150 the limits triple
 * (a credit expansion: M about doubles). With a small gain the controller
 * brings M back: mean M over days 300-400 within 3% of the target, where
 * the same run without the controller stays above twice the target.
 */
static const char feedback[] =
    "scenario { name = 'ctl', duration = 400, sample_every = 1 }\n"
    "topology { kind = 'erdos_renyi', n = 1000, degree = 8 }\n"
    "links { latency = { dist = 'constant', value = 0.001 } }\n"
    "credit { lambda = 0.002, need_rate = 2, capacity = 5, limit_factor = 2,\n"
    "         price = { dist = 'exponential', mean = 1 }, payout = 'dividend', payout_every = 1,\n"
    "         control = { target = %g, gain = 0.3, min = 0.0001, max = 0.5, every = 1 } }\n"
    "at(150, set { ['credit.limit_factor'] = 6 })\n";

static double credit_mean_between(const credit_run *r, const char *col, double from, double to)
{
    static double t[MAX_ROWS], v[MAX_ROWS];
    int n = test_csv_column(r->csv, "time", t, MAX_ROWS);
    test_csv_column(r->csv, col, v, MAX_ROWS);
    double sum = 0;
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (t[i] >= from && t[i] <= to) {
            sum += v[i];
            k++;
        }
    }
    return k ? sum / k : NAN;
}

static void test_credit_controller_brings_money_back_after_a_shock(void)
{
    char text[2048];
    credit_run r;
    snprintf(text, sizeof text, feedback, 4000.0);
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 21), 0);
    double m = credit_mean_between(&r, "money_supply", 300, 400);
    double lam = credit_mean_between(&r, "lambda", 300, 400);
    printf("[controlled: M %.0f, lambda %.4f] ", m, lam);
    CHECK_MSG(fabs(m / 4000 - 1) < 0.03, "mean M %.1f over days 300-400, target 4000", m);
    CHECK_MSG(lam > 0.0001 && lam < 0.5, "lambda %g pinned at a bound", lam);
    credit_done(&r);
    snprintf(text, sizeof text, feedback, 0.0);            /* target 0: no controller */
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 21), 0);
    m = credit_mean_between(&r, "money_supply", 300, 400);
    CHECK_MSG(m > 8000, "uncontrolled mean M %.1f: the shock should hold", m);
    CHECK_MSG(credit_at(&r, "lambda", 400) == 0.002, "lambda moved without a controller");
    credit_done(&r);
}

/*
 * A key of the control group set from the command line (--set
 * credit.control.gain=0.2): the law then doubles its step, lambda_k =
 * 0.001 e^(0.1 k) with M = 300 and target 200.
 */
static void test_credit_nested_key_can_be_set(void)
{
    char text[1024], dir[256], msg[512], out[300];
    credit_hold(text, sizeof text, "lambda = 0.001, allowance = 100, "
                "control = { target = 200, gain = 0.1, min = 0.0001, max = 0.005, every = 1 }", "");
    test_tmpdir(dir, sizeof dir);
    const char *sets[] = { "credit.control.gain=0.2" };
    scen *sc = NULL;
    CU_ASSERT_EQUAL_FATAL(scen_load(test_write(dir, "n.lua", text), sets, 1, 1, &sc, msg, sizeof msg), SIM_OK);
    snprintf(out, sizeof out, "%s/out", dir);
    run_opts o = { .out_dir = out, .quiet = 1, .no_plot = 1 };
    CU_ASSERT_EQUAL(run_scenario(sc, &o, msg, sizeof msg), SIM_OK);
    scen_free(sc);
    credit_run r;
    snprintf(r.csv, sizeof r.csv, "%s/credit.csv", out);
    double got = credit_at(&r, "lambda", 5), want = 0.001 * exp(0.5);
    CHECK_MSG(fabs(got - want) < 1e-12, "day 5: lambda %.15g, want %.15g (gain 0.2 from --set)", got, want);
    CU_ASSERT_EQUAL(test_rm_tree(dir), 0);
}

/* --- Conservation ----------------------------------------------------------------------------- */

/* Every disturbance at once; conservation_error must be 0 at every row. */
static const char stress[] =
    "scenario { name = 'stress', duration = 120, sample_every = 1 }\n"
    "topology { kind = 'barabasi_albert', n = %d, m = 3 }\n"
    "links { latency = { dist = 'exponential', mean = 0.01 }, loss = 0.02 }\n"
    "credit { lambda = 0.01, allowance = 2, starter = 5, need_rate = 4, limit_factor = 2,\n"
    "         capacity = { dist = 'lognormal', median = 6, sigma = 1 },\n"
    "         price = { dist = 'lognormal', median = 1, sigma = 0.8 }, propensity = 50,\n"
    "         payout = '%s', payout_every = 7, regenerating = function(n) return n.id %% 3 == 0 and 1 or 0 end,\n"
    "         control = { target = 8000, gain = 0.2, min = 0.001, max = 0.05, every = 3 },\n"
    "         mode = '%s', clear_every = 10 }\n"
    "at(15, fail { fraction = 0.1 })\n"
    "at(30, partition { groups = 3, by = 'random' })\n"
    "at(45, heal {})\n"
    "at(50, recover { fraction = 1 })\n"
    "at(60, isolate { fraction = 0.05, level = 'limited' })\n"
    "at(70, isolate { fraction = 0.05, level = 'suspended' })\n"
    "at(80, set { ['credit.lambda'] = 0.02, ['credit.need_rate'] = 8, ['credit.limit_factor'] = 4 })\n"
    "at(90, partition { groups = 2, by = 'random', mode = 'queue' })\n"
    "at(100, heal {})\n";

static void credit_check_conserved(int n_members, const char *payout, const char *mode,
                                   double *trades_out, double *cleared_out)
{
    char text[4096];
    credit_run r;
    snprintf(text, sizeof text, stress, n_members, payout, mode);
    CU_ASSERT_EQUAL_FATAL(credit_go(&r, text, 11), 0);
    static double err[256], money[256], debt[256], commons[256];
    int n = test_csv_column(r.csv, "conservation_error", err, 256);
    test_csv_column(r.csv, "money_supply", money, 256);
    test_csv_column(r.csv, "debt", debt, 256);
    test_csv_column(r.csv, "commons", commons, 256);
    CU_ASSERT_EQUAL(n, 121);
    int bad = 0;
    for (int i = 0; i < n; i++) {
        bad += err[i] != 0 || fabs(money[i] - debt[i] + commons[i]) > 1e-6 * (money[i] + 1);
    }
    CHECK_MSG(bad == 0, "%s/%s: %d rows not conserved", payout, mode, bad);
    /* right after a dividend (days 7, 14, ...) the commons keeps less than one
     * micro-credit per member (it starts at -n x starter: nothing to pay then) */
    int paid = 0;
    for (int i = 7; strcmp(payout, "dividend") == 0 && i < n; i += 7) {
        CHECK_MSG(commons[i] < n_members * 1e-6, "day %d: commons %.9f after a dividend", i,
                  commons[i]);
        paid += commons[i] >= 0;
    }
    CHECK_MSG(strcmp(payout, "dividend") != 0 || paid > 3, "%d dividends paid", paid);
    CHECK_MSG(strcmp(payout, "dividend") == 0 || commons[n - 1] > 1, "%s: commons %g", payout,
              commons[n - 1]);
    *trades_out = test_csv_last(r.csv, "trades");
    *cleared_out = test_csv_last(r.csv, "cleared");
    credit_done(&r);
}

static void test_credit_conserves_under_every_disturbance(void)
{
    double trades, cleared;
    credit_check_conserved(3000, "dividend", "mutual", &trades, &cleared);
    CHECK_MSG(trades > 800000, "dividend/mutual: %g trades", trades);   /* about 0.94 million */
    credit_check_conserved(3000, "regeneration", "mutual", &trades, &cleared);
    CHECK_MSG(trades > 800000, "regeneration/mutual: %g trades", trades);
    /* bilateral only adds IOUs and clears them: the same trades, something cleared */
    credit_check_conserved(400, "dividend", "mutual", &trades, &cleared);
    double mutual = trades;
    CHECK_MSG(cleared == 0, "mutual mode cleared %g", cleared);
    credit_check_conserved(400, "dividend", "bilateral", &trades, &cleared);
    CHECK_MSG(trades == mutual, "bilateral %g trades, mutual %g", trades, mutual);
    CHECK_MSG(cleared > 0, "bilateral cleared %g", cleared);
}

static void test_credit_same_seed_same_trace(void)
{
    char text[4096];
    credit_run a, b;
    snprintf(text, sizeof text, stress, 400, "dividend", "bilateral");
    CU_ASSERT_EQUAL_FATAL(credit_go(&a, text, 5), 0);
    CU_ASSERT_EQUAL_FATAL(credit_go(&b, text, 5), 0);
    char *x = test_slurp(a.csv), *y = test_slurp(b.csv);
    CU_ASSERT_PTR_NOT_NULL(x);
    CU_ASSERT_PTR_NOT_NULL(y);
    CHECK_MSG(x && y && strcmp(x, y) == 0, "two runs of one seed differ");
    free(x);
    free(y);
    credit_done(&a);
    credit_done(&b);
}

static CU_TestInfo credit_tests[] = {
    { "decay of one balance is exponential", test_credit_decay_one_balance_is_exponential },
    { "decay settled daily rounds per step", test_credit_decay_settled_daily_loses_at_most_half_a_micro_per_step },
    { "lambda doubled mid-run is piecewise", test_credit_lambda_doubled_mid_run_integrates_piecewise },
    { "allowance is exempt from decay", test_credit_allowance_is_exempt_from_decay },
    { "refused purchase changes nothing", test_credit_refused_purchase_changes_nothing },
    { "limit is never exceeded", test_credit_limit_is_never_exceeded },
    { "suspended member cannot trade", test_credit_suspended_member_cannot_trade },
    { "capacity renews each day", test_credit_capacity_renews_each_day },
    { "capacity shock applies and ends", test_credit_capacity_shock_applies_and_ends },
    { "rate follows lambda at once", test_credit_rate_follows_lambda_at_once },
    { "purchase waits for its order", test_credit_purchase_waits_for_its_order },
    { "recovered member buys again", test_credit_recovered_member_buys_again },
    { "bad seller defaults", test_credit_bad_seller_defaults },
    { "gini of known distributions", test_credit_gini_of_known_distributions },
    { "velocity is volume per day over money", test_credit_velocity_is_volume_per_day_over_money },
    { "controller follows its law", test_credit_controller_follows_its_law },
    { "nested key can be set", test_credit_nested_key_can_be_set },
    { "controller brings money back after a shock", test_credit_controller_brings_money_back_after_a_shock },
    { "conserves under every disturbance", test_credit_conserves_under_every_disturbance },
    { "same seed same trace", test_credit_same_seed_same_trace },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_credit = {
    .pName = "credit",
    .pTests = credit_tests,
};
