/*
 * test_immune.c -- the immune model end to end: perfect and blind
 * sentinels, the confirmation rate of healthy suspects against the
 * binomial tail, the sanction ladder and redemption on a hand-made
 * timeline (gossip's synchronous rounds as the outputs, so every instant
 * is known), audits that overturn and demote, a suspended node's gossip
 * and credit stopped through the core, same seed same traces, bad input.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "run.h"
#include "scen.h"
#include "test_util.h"

#define IM_ROWS 256

typedef struct im_run {
    char dir[256];
    double t[IM_ROWS], bad_isolated[IM_ROWS], good_isolated[IM_ROWS], confirmed[IM_ROWS], panels[IM_ROWS];
    double overturned[IM_ROWS], demoted[IM_ROWS], flags[IM_ROWS];
    int rows;
    char summary[600];
} im_run;

static int im_go(im_run *r, const char *text, long long seed)
{
    char path[600];
    test_tmpdir(r->dir, sizeof r->dir);
    int err = test_run_scenario(r->dir, text, seed);
    snprintf(path, sizeof path, "%s/out/immune.csv", r->dir);
    r->rows = test_csv_column(path, "time", r->t, IM_ROWS);
    test_csv_column(path, "bad_isolated", r->bad_isolated, IM_ROWS);
    test_csv_column(path, "good_isolated", r->good_isolated, IM_ROWS);
    test_csv_column(path, "confirmed", r->confirmed, IM_ROWS);
    test_csv_column(path, "panels", r->panels, IM_ROWS);
    test_csv_column(path, "overturned", r->overturned, IM_ROWS);
    test_csv_column(path, "demoted", r->demoted, IM_ROWS);
    test_csv_column(path, "flags", r->flags, IM_ROWS);
    snprintf(r->summary, sizeof r->summary, "%s/out/summary.csv", r->dir);
    return err;
}

static double im_sum(const im_run *r, const char *col)
{
    return test_csv_last(r->summary, col);
}

/* The row at time t (samples are exact multiples of sample_every), or -1. */
static int im_row(const im_run *r, double t)
{
    for (int i = 0; i < r->rows; i++) {
        if (fabs(r->t[i] - t) < 1e-9) {
            return i;
        }
    }
    return -1;
}

static void im_done(im_run *r)
{
    CU_ASSERT_EQUAL(test_rm_tree(r->dir), 0);
}

/*
 * A ring of 200 with 10 bad actors apart (so that every bad output is
 * delivered to a good node: two bad neighbours, once suspended, would
 * silence a bad node between them) whose every output is bad, every good
 * node a sentinel inspecting everything it sees: with detect 1 and
 * false_alarm 0 each bad actor is confirmed three times and suspended
 * (for longer than the run), no good node ever; with detect 0 nobody is
 * even flagged.
 */
static const char ring[] =
    "scenario { name = 'r', duration = 60, sample_every = 10 }\n"
    "topology { kind = 'ring', n = 200 }\n"
    "links { latency = { dist = 'constant', value = 0.01 } }\n"
    "immune { bad = { 0, 20, 40, 60, 80, 100, 120, 140, 160, 180 }, bad_rate = 1, sentinels = 1,\n"
    "         sample_rate = 1, detect = %g, false_alarm = 0,\n"
    "         panel = 1, quorum = 1, window = 2, activity = 2, limit_factor = 1,\n"
    "         suspend_time = 1e6, redeem_time = 1e6 }\n";

static void test_immune_perfect_and_blind_sentinels(void)
{
    char text[1024];
    im_run r;
    snprintf(text, sizeof text, ring, 1.0);
    CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 3), 0);
    CHECK_MSG(im_sum(&r, "detection_rate") == 1 && im_sum(&r, "false_isolation_rate") == 0
              && r.bad_isolated[r.rows - 1] == 10 && r.good_isolated[r.rows - 1] == 0,
              "detect 1: detection %g, false isolation %g, bad isolated %g of 10, good %g",
              im_sum(&r, "detection_rate"), im_sum(&r, "false_isolation_rate"), r.bad_isolated[r.rows - 1],
              r.good_isolated[r.rows - 1]);
    CHECK_MSG(im_sum(&r, "mean_time_to_isolation") > 0 && im_sum(&r, "damage_total") > 0,
              "time to isolation %g, damage %g", im_sum(&r, "mean_time_to_isolation"),
              im_sum(&r, "damage_total"));
    im_done(&r);
    snprintf(text, sizeof text, ring, 0.0);
    CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 3), 0);
    CHECK_MSG(im_sum(&r, "detection_rate") == 0 && r.flags[r.rows - 1] == 0 && r.good_isolated[r.rows - 1] == 0,
              "detect 0: detection %g, flags %g", im_sum(&r, "detection_rate"), r.flags[r.rows - 1]);
    im_done(&r);
}

/*
 * Healthy suspects only (no bad actor), flagged at random (false_alarm f),
 * every one of them sending ten outputs a second so each member has one
 * of its own to examine in its 5 s window; sanctions undone within a
 * millisecond so suspects keep sending. Each panel then confirms with
 * probability P(Binomial(panel, q) >= quorum), q = f. The last case has
 * bad suspects only (false_alarm 0: good nodes are never flagged): each
 * member's output is bad with probability bad_rate and then judged guilty
 * with probability detect, q = 0.6 x 0.5. The rate is measured between t = 20
 * and the end (panels open at either end cancel out, up to the few open
 * at once) over thousands of panels; the tolerance is four binomial
 * standard errors, sqrt(p (1 - p) / panels): a correct model fails it
 * about once in 16,000 runs, a wrong quorum rule misses by far more.
 */
static const char healthy[] =
    "scenario { name = 'h', duration = 200, sample_every = 20 }\n"
    "topology { kind = 'erdos_renyi', n = 300, degree = 6 }\n"
    "links { latency = { dist = 'constant', value = 0.01 } }\n"
    "immune { bad = %g, bad_rate = 0.6, detect = 0.5, sentinels = 0.5, sample_rate = 0.02, false_alarm = %g,\n"
    "         panel = %d, quorum = %d, window = 5, activity = 10, limit_factor = 1, suspend_time = 0.001,\n"
    "         redeem_time = 0.001 }\n";

static void test_immune_confirmation_matches_binomial_tail(void)
{
    static const struct { int panel, quorum; double bad, f, q; } cases[] = {
        { 1, 1, 0, 0.2, 0.2 }, { 3, 2, 0, 0.3, 0.3 }, { 5, 3, 0, 0.4, 0.4 }, { 5, 4, 0, 0.5, 0.5 },
        { 4, 1, 0.3, 0, 0.6 * 0.5 },      /* bad suspects only: q = bad_rate x detect */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        im_run r;
        snprintf(text, sizeof text, healthy, cases[i].bad, cases[i].f, cases[i].panel, cases[i].quorum);
        CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 7 + (long long)i), 0);
        int a = im_row(&r, 20);
        CU_ASSERT_FATAL(a >= 0 && r.rows > a + 1);
        double panels = r.panels[r.rows - 1] - r.panels[a], conf = r.confirmed[r.rows - 1] - r.confirmed[a];
        double p = gsl_cdf_binomial_Q((unsigned)(cases[i].quorum - 1), cases[i].q, (unsigned)cases[i].panel);
        double rate = conf / panels, tol = 4 * sqrt(p * (1 - p) / panels);
        fprintf(stderr, "[panel %d quorum %d q %.2f: %.4f of %.0f panels, binomial %.4f, tol %.4f] ",
                cases[i].panel, cases[i].quorum, cases[i].q, rate, panels, p, tol);
        CHECK_MSG(panels > 2000 && fabs(rate - p) <= tol, "panel %d quorum %d q %g: rate %.4f over %.0f "
                  "panels, binomial tail %.4f, tolerance %.4f", cases[i].panel, cases[i].quorum, cases[i].q,
                  rate, panels, p, tol);
        im_done(&r);
    }
}

/*
 * The hand-made timeline. B, the only bad actor, is the hub of a star of
 * four sentinels and gossip's only origin: it pushes at t = 1, 2, 3, ...
 * (sync rounds), each push arriving 0.1 s later. Every push is bad and
 * inspected; the first flag convenes a panel of the other three (the
 * flagger takes no seat), whose requests arrive 0.1 s later; the members
 * take B's next three pushes in turn, and each vote arrives 0.1 s after
 * the push it judged. Flags while a panel is open convene nothing. So:
 * flags at 1.1, 5.1, 9.1 give confirmations at 4.2 (warned), 8.2
 * (limited), 12.2 (suspended for 5 s: no pushes leave B from 13 to 17);
 * the suspension is served at 17.2 (back to limited, the level kept) and
 * the push of 18 convenes the panel that expels B at 21.2. Expelled is
 * final: redemption (4.5 s) never brings it back.
 */
static const char star[] =
    "scenario { name = 's', duration = %d, sample_every = 0.5 }\n"
    "topology { kind = 'explicit', nodes = { {'B', 0, 0}, {'S1', 1, 0}, {'S2', 0, 1}, {'S3', -1, 0},\n"
    "           {'S4', 0, -1} }, edges = { {'B', 'S1'}, {'B', 'S2'}, {'B', 'S3'}, {'B', 'S4'} } }\n"
    "links { latency = { dist = 'constant', value = 0.1 } }\n"
    "gossip { mode = 'push', fanout = 1, period = 1, sync = true, stop = 'never', origins = { 'B' } }\n"
    "immune { bad = %s, bad_rate = 1, sentinels = 1, sample_rate = 1, detect = 1, false_alarm = 0,\n"
    "         panel = 3, quorum = 3, window = 5, limit_factor = %g, suspend_time = 5, redeem_time = %g }\n%s";

/* bad_isolated at the rows of times t[0 .. k) is want[0 .. k). */
static void im_expect_isolated(const im_run *r, const char *what, const double *t, const double *want, int k)
{
    for (int i = 0; i < k; i++) {
        int row = im_row(r, t[i]);
        CHECK_MSG(row >= 0 && r->bad_isolated[row] == want[i], "%s: at %g bad_isolated %g, want %g", what,
                  t[i], row >= 0 ? r->bad_isolated[row] : NAN, want[i]);
    }
}

static void test_immune_ladder_on_a_hand_made_timeline(void)
{
    char text[2048];
    im_run r;
    snprintf(text, sizeof text, star, 35, "{ 'B' }", 1.0, 4.5, "");
    CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 1), 0);
    static const double ct[] = { 4.0, 4.5, 8.0, 8.5, 12.0, 12.5, 21.0, 21.5, 35.0 };
    static const double cw[] = { 0, 1, 1, 2, 2, 3, 3, 4, 4 };
    for (int i = 0; i < 9; i++) {
        int row = im_row(&r, ct[i]);
        CHECK_MSG(row >= 0 && r.confirmed[row] == cw[i], "at %g confirmed %g, want %g", ct[i],
                  row >= 0 ? r.confirmed[row] : NAN, cw[i]);
    }
    static const double t[] = { 12.0, 12.5, 17.0, 17.5, 21.0, 21.5, 35.0 };
    static const double w[] = { 0, 1, 1, 0, 0, 1, 1 };
    im_expect_isolated(&r, "ladder", t, w, 7);
    CHECK_MSG(im_sum(&r, "mean_time_to_isolation") == 12.2, "time to isolation %g, want 12.2",
              im_sum(&r, "mean_time_to_isolation"));
    im_done(&r);
}

/*
 * The same timeline three ways: B chosen as the node of highest degree
 * (bad = 0.2, one of five, bad_target "degree"); B down from 13 to 15,
 * while suspended (its ladder timer dies with it and must be armed again
 * when it comes back: the suspension still ends at 17.2); and limit_factor
 * 0, where a limited B can send nothing, so the confirmations stop at two
 * and every push of B from 9 on is blocked (eleven by t = 20).
 */
static void test_immune_ladder_by_degree_across_a_failure_and_throttled(void)
{
    char text[2048], path[1024];
    im_run r;
    snprintf(text, sizeof text, star, 35, "0.2, bad_target = 'degree'", 1.0, 4.5,
             "at(13, fail { nodes = { 'B' } })\nat(15, recover { nodes = { 'B' } })\n");
    CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 1), 0);
    static const double t[] = { 12.0, 12.5, 17.0, 17.5, 21.0, 21.5 };
    static const double w[] = { 0, 1, 1, 0, 0, 1 };
    im_expect_isolated(&r, "by degree, down 13-15", t, w, 6);
    im_done(&r);
    snprintf(text, sizeof text, star, 20, "{ 'B' }", 0.0, 100.0, "");
    CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 1), 0);
    double blocked[IM_ROWS];
    snprintf(path, sizeof path, "%s/out/network.csv", r.dir);
    int n = test_csv_column(path, "blocked", blocked, IM_ROWS), a = im_row(&r, 8.5), b = im_row(&r, 20);
    CHECK_MSG(r.confirmed[r.rows - 1] == 2 && a >= 0 && b >= 0 && n == r.rows && blocked[a] == 0
              && blocked[b] >= 11, "limit_factor 0: confirmed %g (want 2), blocked %g at 8.5 and %g at 20",
              r.confirmed[r.rows - 1], a >= 0 && n > a ? blocked[a] : NAN, b >= 0 && n > b ? blocked[b] : NAN);
    im_done(&r);
}

/*
 * A scenario's own isolate{} stands: B, warned at 4.2, is suspended by the
 * scenario at 5; the model's redemption of the warning (at 8.7) does not
 * change the model's standing (ok both ways), so it writes nothing and B
 * stays suspended: each of its pushes from 6 on is blocked, 15 by t = 20.
 */
static void test_immune_a_scenarios_isolation_stands(void)
{
    char text[2048], path[1024];
    im_run r;
    snprintf(text, sizeof text, star, 20, "{ 'B' }", 1.0, 4.5,
             "at(5, isolate { nodes = { 'B' }, level = 'suspended' })\n");
    CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 1), 0);
    double blocked[IM_ROWS];
    snprintf(path, sizeof path, "%s/out/network.csv", r.dir);
    int n = test_csv_column(path, "blocked", blocked, IM_ROWS);
    CHECK_MSG(n > 0 && blocked[n - 1] >= 15 && r.confirmed[r.rows - 1] == 1, "blocked %g by 20 (want >= 15), "
              "confirmed %g (want 1)", n > 0 ? blocked[n - 1] : NAN, r.confirmed[r.rows - 1]);
    im_done(&r);
}

/*
 * A convener that goes down takes its panel's deadline timer with it; the
 * next flag must find the panel past its deadline and convene a new one
 * (a panel left open would shield its suspect for the rest of the run).
 * S1 is the only sentinel next to B and the only way to the other two.
 */
static void test_immune_a_dead_conveners_panel_lapses(void)
{
    im_run r;
    CU_ASSERT_EQUAL_FATAL(im_go(&r,
        "scenario { name = 'stuck', duration = 60, sample_every = 5 }\n"
        "topology { kind = 'explicit', nodes = { {'B', 0, 0}, {'S1', 1, 0}, {'S2', 2, 0}, {'S3', 2, 1} },\n"
        "           edges = { {'B', 'S1'}, {'S1', 'S2'}, {'S1', 'S3'} } }\n"
        "links { latency = { dist = 'constant', value = 1 } }\n"
        "immune { bad = { 'B' }, bad_rate = 1, sentinels = 1, sample_rate = 1, detect = 1, false_alarm = 0,\n"
        "         panel = 2, quorum = 2, window = 2, activity = 10, limit_factor = 1, suspend_time = 5,\n"
        "         redeem_time = 1000 }\n"
        "at(2, fail { nodes = { 'S1' } })\nat(20, recover { nodes = { 'S1' } })\n", 1), 0);
    CHECK_MSG(r.panels[r.rows - 1] > 1 && r.confirmed[r.rows - 1] >= 3 && r.bad_isolated[r.rows - 1] == 1,
              "panels %g, confirmed %g, B isolated %g", r.panels[r.rows - 1], r.confirmed[r.rows - 1],
              r.bad_isolated[r.rows - 1]);
    im_done(&r);
}

/*
 * Redemption. B cut off from 12.5 to 21.8 (its pushes lost): the
 * suspension of 12.2 is served at 17.2 and, with redeem_time 4.5, the
 * level falls to limited at 21.7. After the heal, the push of 22 leads to
 * a confirmation at 25.2 that suspends B again (until 30.2) instead of
 * expelling it; its level stays at suspended once that is served, so the
 * panel flagged at 31.1 expels it at 34.2 (before redemption at 34.7).
 */
static void test_immune_redemption_lowers_the_ladder(void)
{
    char text[2048];
    im_run r;
    snprintf(text, sizeof text, star, 35, "{ 'B' }", 1.0, 4.5,
             "at(12.5, partition { nodes = { 'B' } })\nat(21.8, heal {})\n");
    CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 1), 0);
    static const double t[] = { 17.0, 17.5, 25.0, 25.5, 30.0, 30.5, 34.0, 34.5, 35.0 };
    static const double w[] = { 1, 0, 0, 1, 1, 0, 0, 1, 1 };
    im_expect_isolated(&r, "redeemed", t, w, 9);
    CHECK_MSG(r.confirmed[r.rows - 1] == 5, "confirmed %g, want 5", r.confirmed[r.rows - 1]);
    im_done(&r);
}

/*
 * Audits. Healthy suspects flagged and confirmed at random (false_alarm
 * 0.5, quorum 1 of 1): with audit_accuracy 1 the audit at 10 overturns
 * exactly the confirmations made before it, and each guilty voter, with
 * demote_after 0, is demoted; with accuracy 0 the auditors uphold them
 * all; confirmations of bad actors (detect 1, false_alarm 0) survive an
 * accurate audit; demote_after large demotes nobody.
 */
static const char audited[] =
    "scenario { name = 'a', duration = 30, sample_every = 0.5 }\n"
    "topology { kind = 'erdos_renyi', n = 300, degree = 6 }\n"
    "links { latency = { dist = 'constant', value = 0.01 } }\n"
    "immune { bad = %g, bad_rate = 1, sentinels = 0.5, sample_rate = 0.05, detect = 1, false_alarm = %g,\n"
    "         panel = 1, quorum = 1, window = 5, activity = 5, audit_every = 10, auditors = %d,\n"
    "         audit_accuracy = %g, demote_after = %d }\n";

static void test_immune_audits_overturn_and_demote(void)
{
    char text[1024];
    im_run r;
    snprintf(text, sizeof text, audited, 0.0, 0.5, 1, 1.0, 0);
    CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 5), 0);
    int a = im_row(&r, 10), b = im_row(&r, 10.5);
    CU_ASSERT_FATAL(a >= 0 && b >= 0);
    CHECK_MSG(r.confirmed[a] > 0 && r.overturned[b] == r.confirmed[a] && r.demoted[b] > 0
              && r.demoted[b] <= r.confirmed[a], "accurate audit at 10: %g confirmed before, %g overturned, "
              "%g demoted", r.confirmed[a], r.overturned[b], r.demoted[b]);
    double demoted0 = r.demoted[b];
    im_done(&r);
    /* the same run up to the first audit; there only sentinels with 2 overturned votes or more go */
    snprintf(text, sizeof text, audited, 0.0, 0.5, 1, 1.0, 1);
    CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 5), 0);
    b = im_row(&r, 10.5);
    CHECK_MSG(b >= 0 && r.demoted[b] < demoted0, "demote_after 1: %g demoted at the first audit, "
              "demote_after 0: %g", b >= 0 ? r.demoted[b] : NAN, demoted0);
    im_done(&r);
    snprintf(text, sizeof text, audited, 0.0, 0.5, 3, 0.0, 0);
    CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 5), 0);
    CHECK_MSG(r.confirmed[r.rows - 1] > 0 && r.overturned[r.rows - 1] == 0 && r.demoted[r.rows - 1] == 0,
              "auditors always wrong: %g overturned, %g demoted", r.overturned[r.rows - 1],
              r.demoted[r.rows - 1]);
    im_done(&r);
    snprintf(text, sizeof text, audited, 0.1, 0.0, 3, 1.0, 0);
    CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 5), 0);
    CHECK_MSG(r.confirmed[r.rows - 1] > 0 && r.overturned[r.rows - 1] == 0, "bad actors: %g confirmed, "
              "%g overturned", r.confirmed[r.rows - 1], r.overturned[r.rows - 1]);
    im_done(&r);
    /*
     * Judges who err: a confirmation of a healthy node is overturned when
     * more auditors are right than wrong (a tie upholds): 2 auditors right
     * half the time, 0.25; 5 right 60% of the time, P(Bin(5, 0.6) >= 3) =
     * 0.68256. Measured over the confirmations audited by t = 20, within 4
     * binomial standard errors.
     */
    static const struct { int auditors; double accuracy, p; } judges[] = { { 2, 0.5, 0.25 }, { 5, 0.6, 0.68256 } };
    for (int j = 0; j < 2; j++) {
        snprintf(text, sizeof text, audited, 0.0, 0.5, judges[j].auditors, judges[j].accuracy, 65534);
        CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 6), 0);
        int c = im_row(&r, 20), o = im_row(&r, 20.5);
        CU_ASSERT_FATAL(c >= 0 && o >= 0);
        double n = r.confirmed[c], rate = r.overturned[o] / n, tol = 4 * sqrt(judges[j].p * (1 - judges[j].p) / n);
        fprintf(stderr, "[%d auditors right %g: %.4f of %.0f overturned, want %.4f, tol %.4f] ", judges[j].auditors,
                judges[j].accuracy, rate, n, judges[j].p, tol);
        CHECK_MSG(n > 200 && fabs(rate - judges[j].p) <= tol, "%d auditors right %g: %g of %g overturned "
                  "(%.4f), want %.4f +- %.4f", judges[j].auditors, judges[j].accuracy, r.overturned[o], n, rate,
                  judges[j].p, tol);
        im_done(&r);
    }
    snprintf(text, sizeof text, audited, 0.0, 0.5, 1, 1.0, 65534);
    CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 5), 0);
    CHECK_MSG(r.overturned[r.rows - 1] > 0 && r.demoted[r.rows - 1] == 0, "demote_after 65534: %g demoted",
              r.demoted[r.rows - 1]);
    im_done(&r);
}

/*
 * A suspended node's gossip and credit stop, through the core: B (the
 * star's hub, gossip's origin, the only place with credit capacity, so
 * every trade is a sale by B) is suspended by the panels; while it is,
 * nobody new hears the rumor (only B can tell a leaf) and no trade is
 * made; once it is served, trades resume until the next sanction.
 */
static void test_immune_suspension_stops_gossip_and_credit(void)
{
    char text[2048], path[600];
    im_run r;
    snprintf(text, sizeof text, star, 30, "{ 'B' }", 1.0, 100.0,
             "credit { capacity = { B = 1000, S1 = 0, S2 = 0, S3 = 0, S4 = 0 }, need_rate = 1,\n"
             "         starter = 100 }\n");
    CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 1), 0);
    double msgs[IM_ROWS], trades[IM_ROWS];
    snprintf(path, sizeof path, "%s/out/gossip.csv", r.dir);
    int gr = test_csv_column(path, "informed", msgs, IM_ROWS);
    snprintf(path, sizeof path, "%s/out/credit.csv", r.dir);
    int cr = test_csv_column(path, "trades", trades, IM_ROWS);
    CU_ASSERT_FATAL(gr == r.rows && cr == r.rows);
    int from = -1, to = -1;
    for (int i = 0; i < r.rows; i++) {
        if (r.bad_isolated[i] == 1 && from < 0) {
            from = i;
        } else if (r.bad_isolated[i] == 0 && from >= 0 && to < 0) {
            to = i - 1;
        }
    }
    CHECK_MSG(from > 0 && to > from + 4 && trades[from] > 0 && msgs[from] < 5, "B suspended over rows "
              "%d..%d, trades %g, informed %g", from, to, from >= 0 ? trades[from] : NAN,
              from >= 0 ? msgs[from] : NAN);
    for (int i = from + 1; from > 0 && i <= to; i++) {
        CHECK_MSG(msgs[i] == msgs[from] && trades[i] == trades[from], "t = %g, B suspended: informed %g -> %g, "
                  "trades %g -> %g", r.t[i], msgs[from], msgs[i], trades[from], trades[i]);
    }
    int again = to + 1;                  /* the next isolation (expulsion), or the end */
    while (to > 0 && again < r.rows - 1 && r.bad_isolated[again] == 0) {
        again++;
    }
    CHECK_MSG(to > 0 && again < r.rows && trades[again] > trades[to], "trades resume once the suspension "
              "is served: %g -> %g", to > 0 ? trades[to] : NAN, to > 0 ? trades[again] : NAN);
    im_done(&r);
}

/*
 * A quorum of 1 of 5 decides at the first guilty vote; the other members'
 * examinations then expire (the suspect, suspended, sends nothing) after
 * the panel's slot has gone to another suspect. Each must leave its own
 * suspect's list (the model asserts it), and the run ends with every bad
 * all but the few bad actors no sentinel can see isolated (quorum 1,
 * detect 1: three confirmations come fast).
 */
static void test_immune_expired_examinations_leave_their_suspect(void)
{
    im_run r;
    CU_ASSERT_EQUAL_FATAL(im_go(&r,
        "scenario { name = 'x', duration = 120, sample_every = 10 }\n"
        "topology { kind = 'erdos_renyi', n = 3000, degree = 8 }\n"
        "links { latency = { dist = 'exponential', mean = 0.05 } }\n"
        "immune { bad = 0.03, bad_rate = 1, sentinels = 0.3, sample_rate = 0.5, detect = 1, false_alarm = 0,\n"
        "         panel = 5, quorum = 1, window = 3, activity = 1, suspend_time = 1e6, redeem_time = 1e6 }\n",
        9), 0);
    CHECK_MSG(r.bad_isolated[r.rows - 1] >= 81 && r.good_isolated[r.rows - 1] == 0, "bad isolated %g of 90, "
              "good %g", r.bad_isolated[r.rows - 1], r.good_isolated[r.rows - 1]);
    im_done(&r);
}

/*
 * The autoimmune attack on three places in a row, every node a sentinel
 * (bad_sentinels), panels of 1 of 1, honest sentinels perfect. H - B - C
 * with B and C compromised: B flags H (a healthy sender) and the only
 * other sentinel that can sit, C, convicts it; H flags B's bad outputs and
 * C acquits it: the healthy node ends isolated, no bad one is. C - G - H
 * with C alone compromised and its outputs all good: C flags G, but the
 * flagger takes no seat, so honest H judges and nobody is ever confirmed.
 */
static const char path3[] =
    "scenario { name = 'p', duration = 60, sample_every = 5 }\n"
    "topology { kind = 'explicit', nodes = { {'%s', 0, 0}, {'%s', 1, 0}, {'%s', 2, 0} },\n"
    "           edges = { {'%s', '%s'}, {'%s', '%s'} } }\n"
    "links { latency = { dist = 'constant', value = 0.01 } }\n"
    "immune { bad = { %s }, bad_rate = %g, bad_sentinels = true, sentinels = 1, sample_rate = 1,\n"
    "         detect = 1, false_alarm = 0, panel = 1, quorum = 1, window = 2, activity = 2,\n"
    "         suspend_time = 1e6, redeem_time = 1e6 }\n";

static void test_immune_autoimmune_attack_and_the_flaggers_empty_seat(void)
{
    char text[1024];
    im_run r;
    snprintf(text, sizeof text, path3, "H", "B", "C", "H", "B", "B", "C", "'B', 'C'", 1.0);
    CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 2), 0);
    CHECK_MSG(r.good_isolated[r.rows - 1] == 1 && r.bad_isolated[r.rows - 1] == 0
              && im_sum(&r, "false_isolation_rate") == 1, "H-B-C: good isolated %g (want 1), bad %g (want 0)",
              r.good_isolated[r.rows - 1], r.bad_isolated[r.rows - 1]);
    im_done(&r);
    snprintf(text, sizeof text, path3, "C", "G", "H", "C", "G", "G", "H", "'C'", 0.0);
    CU_ASSERT_EQUAL_FATAL(im_go(&r, text, 2), 0);
    CHECK_MSG(r.flags[r.rows - 1] > 10 && r.confirmed[r.rows - 1] == 0 && r.panels[r.rows - 1] > 30
              && im_sum(&r, "damage_total") == 0, "C-G-H: %g flags, %g panels (each acquitted at H's first "
              "vote), %g confirmed (want 0), damage %g", r.flags[r.rows - 1], r.panels[r.rows - 1],
              r.confirmed[r.rows - 1], im_sum(&r, "damage_total"));
    im_done(&r);
    /* the same on the complete topology (C, G, H = nodes 0, 1, 2): the flagger takes no seat there either */
    CU_ASSERT_EQUAL_FATAL(im_go(&r,
        "scenario { name = 'p', duration = 60, sample_every = 5 }\n"
        "topology { kind = 'complete', n = 3 }\n"
        "links { latency = { dist = 'constant', value = 0.01 } }\n"
        "immune { bad = { 0 }, bad_rate = 0, bad_sentinels = true, sentinels = 1, sample_rate = 1,\n"
        "         detect = 1, false_alarm = 0, panel = 1, quorum = 1, window = 2, activity = 2,\n"
        "         suspend_time = 1e6, redeem_time = 1e6 }\n", 2), 0);
    CHECK_MSG(r.flags[r.rows - 1] > 10 && r.confirmed[r.rows - 1] == 0, "complete: %g flags, %g confirmed",
              r.flags[r.rows - 1], r.confirmed[r.rows - 1]);
    im_done(&r);
}

/*
 * Alone, every node sends `activity` outputs a second (Poisson): 1,000
 * bad nodes whose outputs are all bad, nobody inspecting, 10 s at 2 a
 * second: damage counts every delivered output, 20,000 within 4 standard
 * deviations (sqrt(20,000) = 141).
 */
static void test_immune_standalone_activity_has_its_rate(void)
{
    im_run r;
    CU_ASSERT_EQUAL_FATAL(im_go(&r,
        "scenario { name = 'a', duration = 10, sample_every = 10 }\n"
        "topology { kind = 'ring', n = 1000 }\n"
        "links { latency = { dist = 'constant', value = 0.001 } }\n"
        "immune { bad = 1, bad_rate = 1, bad_sentinels = true, sentinels = 0.01, sample_rate = 0,\n"
        "         panel = 1, quorum = 1, activity = 2 }\n", 4), 0);
    double damage = im_sum(&r, "damage_total");
    CHECK_MSG(fabs(damage - 20000) < 4 * sqrt(20000), "damage %g, want 20000 +- %.0f", damage, 4 * sqrt(20000));
    im_done(&r);
}

/* One seed, byte-identical immune.csv: alone, and watching gossip. */
static void test_immune_same_seed_same_traces(void)
{
    static const char alone[] =
        "scenario { name = 'd', duration = 40, sample_every = 2 }\n"
        "topology { kind = 'barabasi_albert', n = 2000, m = 3 }\n"
        "links { latency = { dist = 'exponential', mean = 0.05 }, loss = 0.01 }\n"
        "immune { bad = 0.05, sentinels = 0.2, audit_every = 10 }\n%s";
    for (int with = 0; with < 2; with++) {
        char text[1024], d[3][256], path[1024];
        snprintf(text, sizeof text, alone,
                 with ? "gossip { mode = 'push-pull', period = 1, stop = 'never' }\n" : "");
        char *t[3];
        for (int k = 0; k < 3; k++) {
            test_tmpdir(d[k], sizeof d[k]);
            CU_ASSERT_EQUAL_FATAL(test_run_scenario(d[k], text, k < 2 ? 21 : 22), 0);
            snprintf(path, sizeof path, "%s/out/immune.csv", d[k]);
            t[k] = test_slurp(path);
        }
        CHECK_MSG(t[0] && t[1] && strcmp(t[0], t[1]) == 0, "%s: immune.csv differs for one seed",
                  with ? "with gossip" : "alone");
        CHECK_MSG(t[0] && t[2] && strcmp(t[0], t[2]) != 0, "%s: seeds 21 and 22 give the same immune.csv",
                  with ? "with gossip" : "alone");
        for (int k = 0; k < 3; k++) {
            free(t[k]);
            CU_ASSERT_EQUAL(test_rm_tree(d[k]), 0);
        }
    }
}

static void test_immune_bad_input(void)
{
    static const struct { const char *keys, *want; } cases[] = {
        { "panel = 3, quorum = 4", "immune.quorum: 4 guilty votes cannot come from a panel of 3" },
        { "sentinels = 1.5", "immune.sentinels: must be in [0, 1], got 1.5" },
        { "bad = 1.5", "immune.bad: a share of the nodes must be in [0, 1], got 1.5" },
        { "false_alarm = -0.1", "immune.false_alarm: must be in [0, 1], got -0.1" },
        { "sentinels = 0.1, panel = 5", "immune.panel: a panel of 5 needs 6 sentinels" },
        { "bad = { 99 }", "immune.bad: node 99 does not exist (n = 40)" },
        { "bad_target = 'hubs'", "immune.bad_target: unknown value 'hubs'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char dir[256], text[1024], msg[512] = "";
        snprintf(text, sizeof text, "scenario { name = 'b', duration = 1 }\n"
                 "topology { kind = 'ring', n = 40 }\nimmune { %s }\n", cases[i].keys);
        test_tmpdir(dir, sizeof dir);
        int err = test_load_and_run(dir, "b.lua", text, msg, sizeof msg);
        CHECK_MSG(err == SIM_EINPUT && strstr(msg, cases[i].want) != NULL && strstr(msg, "b.lua:3") != NULL,
                  "case %zu:\n      got:  %s\n      want: b.lua:3: ... %s", i, msg, cases[i].want);
        CU_ASSERT_EQUAL(test_rm_tree(dir), 0);
    }
}

static CU_TestInfo immune_tests[] = {
    { "perfect and blind sentinels", test_immune_perfect_and_blind_sentinels },
    { "confirmation matches the binomial tail", test_immune_confirmation_matches_binomial_tail },
    { "ladder on a hand-made timeline", test_immune_ladder_on_a_hand_made_timeline },
    { "redemption lowers the ladder", test_immune_redemption_lowers_the_ladder },
    { "ladder by degree, across a failure, throttled", test_immune_ladder_by_degree_across_a_failure_and_throttled },
    { "a dead convener's panel lapses", test_immune_a_dead_conveners_panel_lapses },
    { "a scenario's isolation stands", test_immune_a_scenarios_isolation_stands },
    { "audits overturn and demote", test_immune_audits_overturn_and_demote },
    { "suspension stops gossip and credit", test_immune_suspension_stops_gossip_and_credit },
    { "autoimmune attack and the flagger's empty seat", test_immune_autoimmune_attack_and_the_flaggers_empty_seat },
    { "expired examinations leave their suspect", test_immune_expired_examinations_leave_their_suspect },
    { "standalone activity has its rate", test_immune_standalone_activity_has_its_rate },
    { "same seed, same traces", test_immune_same_seed_same_traces },
    { "bad input", test_immune_bad_input },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_immune = { .pName = "immune", .pTests = immune_tests };
