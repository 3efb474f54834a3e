/*
 * test_phase.c -- network-wide phases and what models see through the core,
 * with the test-only probe model (tests/model_probe.c): the instants and the
 * order of phases against actions, callbacks, samples and node events; the
 * end phase once; phases that send, deterministic; a standing written by one
 * model (probe) that stalls another (gossip); bad-actor marks.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model_probe.h"
#include "test_util.h"

#define NS(s) ((int64_t)llround((s) * 1e9))

/* Run text in a fresh folder; the folder's path into dir. */
static int test_phase_run(char *dir, size_t len, const char *text, long long seed)
{
    test_tmpdir(dir, len);
    return test_run_scenario(dir, text, seed);
}

/* The value of probe.csv's column at the row of time t (NAN if no such row). */
static double test_probe_at(const char *dir, const char *col, double t)
{
    char path[1200];
    double times[512], vals[512];
    snprintf(path, sizeof path, "%s/out/probe.csv", dir);
    int n = test_csv_column(path, "time", times, 512);
    int k = test_csv_column(path, col, vals, 512);
    for (int i = 0; i < n && i < k; i++) {
        if (fabs(times[i] - t) < 1e-9) {
            return vals[i];
        }
    }
    return NAN;
}

static const char ordered[] =
    "scenario { name = 'p', duration = 10, sample_every = 5 }\n"
    "topology { kind = 'ring', n = 20 }\n"
    "probe { period = 2.5, tick = 1.25 }\n";

static void test_phase_fires_before_node_events_of_its_instant(void)
{
    char dir[256];
    CU_ASSERT_EQUAL_FATAL(test_phase_run(dir, sizeof dir, ordered, 3), 0);
    const probe_entry *e = probe_log();
    uint32_t n = probe_log_len();
    /* N 1.25 | P 2.5, N 2.5 | N 3.75 | P 5, N 5 | N 6.25 | P 7.5, N 7.5 | N 8.75 | P 10, E 10 */
    static const char want_what[] = "NPNNPNNPNNPE";
    static const double want_t[] = { 1.25, 2.5, 2.5, 3.75, 5, 5, 6.25, 7.5, 7.5, 8.75, 10, 10 };
    CHECK_MSG(n == 12, "%u log entries, want 12", n);
    for (uint32_t i = 0; i < n && i < 12; i++) {
        CHECK_MSG(e[i].what == want_what[i] && e[i].time_ns == NS(want_t[i]),
                  "entry %u: %c at %lld ns, want %c at %.2f s", i, e[i].what,
                  (long long)e[i].time_ns, want_what[i], want_t[i]);
    }
    /* The row of t = 5 comes after the phase of 5 and before the timer of 5. */
    CU_ASSERT_EQUAL(test_probe_at(dir, "phases", 5), 2);
    CU_ASSERT_EQUAL(test_probe_at(dir, "timers", 5), 3);
    /* The last row includes the end phase; the timer due at the end never runs. */
    CU_ASSERT_EQUAL(test_probe_at(dir, "ends", 10), 1);
    CU_ASSERT_EQUAL(test_probe_at(dir, "timers", 10), 7);
}

static void test_phase_sees_actions_and_callbacks_of_its_instant(void)
{
    char dir[256];
    static const char text[] =
        "scenario { name = 'p', duration = 10, sample_every = 10 }\n"
        "topology { kind = 'ring', n = 20 }\n"
        "probe { period = 5 }\n"
        "at(5, fail { count = 3 })\n"
        "every(5, function(sim) fail { count = 2 } end)\n";
    CU_ASSERT_EQUAL_FATAL(test_phase_run(dir, sizeof dir, text, 4), 0);
    const probe_entry *e = probe_log();
    CU_ASSERT_EQUAL_FATAL(probe_log_len(), 3);
    CHECK_MSG(e[0].what == 'P' && e[0].time_ns == NS(5) && e[0].value == 15,
              "phase at 5 saw %u alive, want 15 (after the action and the callback)", e[0].value);
    CHECK_MSG(e[1].what == 'P' && e[1].time_ns == NS(10) && e[1].value == 13,
              "phase at 10 saw %u alive, want 13", e[1].value);
    CU_ASSERT(e[2].what == 'E' && e[2].value == 13);
}

static void test_phase_end_runs_once_at_a_stop(void)
{
    char dir[256];
    static const char text[] =
        "scenario { name = 'p', duration = 10, sample_every = 1 }\n"
        "topology { kind = 'ring', n = 20 }\n"
        "probe { period = 4 }\n"
        "at(6.5, stop {})\n";
    CU_ASSERT_EQUAL_FATAL(test_phase_run(dir, sizeof dir, text, 5), 0);
    const probe_entry *e = probe_log();
    CU_ASSERT_EQUAL_FATAL(probe_log_len(), 2);
    CU_ASSERT(e[0].what == 'P' && e[0].time_ns == NS(4));
    CU_ASSERT(e[1].what == 'E' && e[1].time_ns == NS(6.5));
    CU_ASSERT_EQUAL(test_probe_at(dir, "ends", 6.5), 1);
    /* Without a period only the end phase runs. */
    static const char bare[] =
        "scenario { name = 'p', duration = 3 }\n"
        "topology { kind = 'ring', n = 20 }\n"
        "probe {}\n";
    CU_ASSERT_EQUAL_FATAL(test_phase_run(dir, sizeof dir, bare, 5), 0);
    CU_ASSERT_EQUAL(probe_log_len(), 1);
    CU_ASSERT(probe_log()[0].what == 'E' && probe_log()[0].time_ns == NS(3));
}

static void test_phase_that_sends_is_deterministic(void)
{
    static const char text[] =
        "scenario { name = 'p', duration = 20, sample_every = 0.5 }\n"
        "topology { kind = 'erdos_renyi', n = 200, degree = 4 }\n"
        "links { latency = { dist = 'lognormal', median = 0.2385, sigma = 0.5 } }\n"
        "probe { period = 0.25, send = true }\n";
    char a[256], b[256], c[256], pa[300], pb[300], pc[300];
    CU_ASSERT_EQUAL_FATAL(test_phase_run(a, sizeof a, text, 21), 0);
    CU_ASSERT_EQUAL_FATAL(test_phase_run(b, sizeof b, text, 21), 0);
    CU_ASSERT_EQUAL_FATAL(test_phase_run(c, sizeof c, text, 22), 0);
    snprintf(pa, sizeof pa, "%s/out/probe.csv", a);
    snprintf(pb, sizeof pb, "%s/out/probe.csv", b);
    snprintf(pc, sizeof pc, "%s/out/probe.csv", c);
    char *ta = test_slurp(pa), *tb = test_slurp(pb), *tc = test_slurp(pc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ta);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tb);
    CU_ASSERT_STRING_EQUAL(ta, tb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tc);
    CU_ASSERT(strcmp(ta, tc) != 0);   /* another seed, other draws */
    double sent = test_csv_last(pa, "sent"), received = test_csv_last(pa, "received");
    CHECK_MSG(sent >= 70 && received > 0.9 * sent && received <= sent,
              "sent %g, received %g", sent, received);
    free(ta);
    free(tb);
    free(tc);
}

/*
 * A two-node path 0 - 1, node 1 suspended by probe before gossip's first
 * round: every push of 0 (and, in push-pull, every pull of 1) is blocked;
 * 10 rounds give exactly 10 (20) blocked messages and the rumor stays at 0.
 */
static void test_phase_suspended_node_stalls_gossip(void)
{
    static const char *const modes[] = { "push", "push-pull" };
    static const double want[] = { 10, 20 };
    for (int i = 0; i < 2; i++) {
        char text[512], dir[256], path[300];
        snprintf(text, sizeof text,
                 "scenario { name = 'p', duration = 10.5, sample_every = 0.5 }\n"
                 "topology { kind = 'lattice', dims = {2} }\n"
                 "gossip { mode = '%s', sync = true, origins = {0} }\n"
                 "probe { period = 0.125, suspend = {1} }\n", modes[i]);
        CU_ASSERT_EQUAL_FATAL(test_phase_run(dir, sizeof dir, text, 6), 0);
        snprintf(path, sizeof path, "%s/out/network.csv", dir);
        double blocked = test_csv_last(path, "blocked"), comps = test_csv_last(path, "components");
        CHECK_MSG(blocked == want[i], "%s: %g blocked, want %g", modes[i], blocked, want[i]);
        CU_ASSERT_EQUAL(comps, 2);
        snprintf(path, sizeof path, "%s/out/gossip.csv", dir);
        CU_ASSERT_EQUAL(test_csv_last(path, "informed"), 1);
        CU_ASSERT_EQUAL(test_probe_at(dir, "suspended", 10.5), 1);
    }
}

static void test_phase_bad_marks_are_seen_through_the_core(void)
{
    char dir[256];
    static const char text[] =
        "scenario { name = 'p', duration = 2 }\n"
        "topology { kind = 'ring', n = 50 }\n"
        "probe { bad = {3, 17, 41} }\n";
    CU_ASSERT_EQUAL_FATAL(test_phase_run(dir, sizeof dir, text, 7), 0);
    CU_ASSERT_EQUAL(test_probe_at(dir, "bad", 2), 3);
    CU_ASSERT_EQUAL(test_probe_at(dir, "suspended", 2), 0);
}

/*
 * isolate/release from the timeline on the path 0 - 1 - 2, node 1 suspended
 * from t = 0: each gossip round blocks exactly three messages (0's push to
 * 1, 1's own pull, 2's pull to 1) until the release at 5; node 2, expelled
 * at 6, stays so through a release{} of everyone at 7.
 */
static void test_phase_isolate_and_release_from_the_timeline(void)
{
    static const char text[] =
        "scenario { name = 'p', duration = 10.5, sample_every = 0.5 }\n"
        "topology { kind = 'lattice', dims = {3} }\n"
        "gossip { mode = 'push-pull', sync = true, origins = {0} }\n"
        "at(0, isolate { nodes = {1}, level = 'suspended' })\n"
        "at(5, release { nodes = {1} })\n"
        "at(6, isolate { nodes = {2}, level = 'expelled' })\n"
        "at(7, release {})\n";
    char dir[256], net[300], gos[300], ev[300];
    CU_ASSERT_EQUAL_FATAL(test_phase_run(dir, sizeof dir, text, 8), 0);
    snprintf(net, sizeof net, "%s/out/network.csv", dir);
    snprintf(gos, sizeof gos, "%s/out/gossip.csv", dir);
    snprintf(ev, sizeof ev, "%s/out/events.csv", dir);
    double blocked[32], comps[32], informed[32], affected[8];
    CU_ASSERT_EQUAL_FATAL(test_csv_column(net, "blocked", blocked, 32), 26);
    CU_ASSERT_EQUAL_FATAL(test_csv_column(net, "components", comps, 32), 26);
    CU_ASSERT_EQUAL_FATAL(test_csv_column(gos, "informed", informed, 32), 22);
    /* network.csv: a row after each of the 4 actions and at each sample; 4.5 s is row 10. */
    CU_ASSERT_EQUAL(comps[0], 3);             /* after the isolate at 0: three singletons */
    CHECK_MSG(blocked[10] == 12, "blocked at 4.5 s: %g, want 12", blocked[10]);
    CU_ASSERT_EQUAL(informed[9], 1);          /* gossip.csv row of 4.5 s: still only node 0 */
    CU_ASSERT_EQUAL(informed[21], 2);         /* node 2 was expelled before it heard */
    CU_ASSERT_EQUAL(comps[25], 2);            /* 0 - 1 and the expelled 2 */
    CU_ASSERT_EQUAL_FATAL(test_csv_column(ev, "affected", affected, 8), 4);
    CU_ASSERT_EQUAL(affected[1], 1);          /* release of 1 */
    CU_ASSERT_EQUAL(affected[3], 0);          /* release{} cannot free the expelled 2 */
}

/* A model's own table: header, one row per phase with its time, text quoted; listed in the manifest. */
static void test_phase_model_table_is_written_with_the_run(void)
{
    char dir[256], path[1200];
    CU_ASSERT_EQUAL_FATAL(test_phase_run(dir, sizeof dir,
        "scenario { name = 'p', duration = 10, sample_every = 5 }\n"
        "topology { kind = 'ring', n = 20 }\n"
        "probe { period = 5, table = true }\n", 3), 0);
    snprintf(path, sizeof path, "%s/out/probe_phases.csv", dir);
    char *t = test_slurp(path);
    CHECK_MSG(t != NULL && strcmp(t, "time,what,alive\n5,phase,20\n10,phase,20\n"
              "10,\"end, \"\"last\"\"\",20\n") == 0, "probe_phases.csv:\n%s", t ? t : "(none)");
    free(t);
    snprintf(path, sizeof path, "%s/out/.mycosim-files", dir);
    t = test_slurp(path);
    CHECK_MSG(t != NULL && strstr(t, "\nprobe_phases.csv ") != NULL, "manifest:\n%s", t ? t : "(none)");
    free(t);
    CU_ASSERT_EQUAL(test_rm_tree(dir), 0);
}

/* A run that fails mid-way leaves nothing, its model's own table included. */
static void test_phase_model_table_goes_with_a_failed_run(void)
{
    char dir[256], path[1200];
    test_tmpdir(dir, sizeof dir);
    int err = test_run_scenario(dir,
        "scenario { name = 'p', duration = 10, sample_every = 5 }\n"
        "topology { kind = 'ring', n = 20 }\n"
        "probe { period = 2, table = true }\n"
        "every(7, function(sim) error('boom') end)\n", 3);
    CU_ASSERT_NOT_EQUAL(err, 0);
    snprintf(path, sizeof path, "%s/out", dir);
    CHECK_MSG(access(path, F_OK) != 0, "%s is left behind", path);
    CU_ASSERT_EQUAL(test_rm_tree(dir), 0);
}

/*
 * Links as models see them: A-B gives distance 5 and capacity 7; B-C gives
 * neither (Euclidean: 3-4-5 triangle, so 5; capacity NaN); each link is
 * seen from both ends. On a ring without geometry every link is 1 long.
 */
static void test_phase_models_see_link_lengths_and_capacities(void)
{
    char dir[256];
    CU_ASSERT_EQUAL_FATAL(test_phase_run(dir, sizeof dir,
        "scenario { name = 'p', duration = 1 }\n"
        "topology { kind = 'explicit', nodes = { {'A', 0, 0}, {'B', 10, 0}, {'C', 13, 4} },\n"
        "           edges = { {'A', 'B', 5, 7}, {'B', 'C'} } }\n"
        "probe {}\n", 1), 0);
    CHECK_MSG(test_probe_at(dir, "link_length", 1) == 2 * (5 + 5), "length %g, want 20",
              test_probe_at(dir, "link_length", 1));
    CHECK_MSG(test_probe_at(dir, "link_capacity", 1) == 2 * 7, "capacity %g, want 14",
              test_probe_at(dir, "link_capacity", 1));
    CHECK_MSG(test_probe_at(dir, "named_x", 1) == 23, "x %g, want 0 + 10 + 13",
              test_probe_at(dir, "named_x", 1));
    CU_ASSERT_EQUAL(test_rm_tree(dir), 0);
    CU_ASSERT_EQUAL_FATAL(test_phase_run(dir, sizeof dir,
        "scenario { name = 'p', duration = 1 }\ntopology { kind = 'ring', n = 10 }\nprobe {}\n", 1), 0);
    CHECK_MSG(test_probe_at(dir, "link_length", 1) == 20 && test_probe_at(dir, "named_x", 1) == 0,
              "ring: length %g, named x %g", test_probe_at(dir, "link_length", 1),
              test_probe_at(dir, "named_x", 1));
    CU_ASSERT_EQUAL(test_rm_tree(dir), 0);
}

static CU_TestInfo phase_tests[] = {
    { "model table is written with the run", test_phase_model_table_is_written_with_the_run },
    { "models see link lengths and capacities", test_phase_models_see_link_lengths_and_capacities },
    { "model table goes with a failed run", test_phase_model_table_goes_with_a_failed_run },
    { "fires before node events of its instant", test_phase_fires_before_node_events_of_its_instant },
    { "sees actions and callbacks of its instant",
      test_phase_sees_actions_and_callbacks_of_its_instant },
    { "end runs once at a stop", test_phase_end_runs_once_at_a_stop },
    { "that sends is deterministic", test_phase_that_sends_is_deterministic },
    { "suspended node stalls gossip", test_phase_suspended_node_stalls_gossip },
    { "isolate and release from the timeline", test_phase_isolate_and_release_from_the_timeline },
    { "bad marks are seen through the core", test_phase_bad_marks_are_seen_through_the_core },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_phase = { .pName = "phase", .pTests = phase_tests };
