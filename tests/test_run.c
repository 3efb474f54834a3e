/*
 * test_run.c -- whole runs through the library and the binary: byte-identical
 * traces for one seed, the output files and their columns, partitions seen
 * from the gossip model, every() callbacks, interruption and check (sweeps:
 * test_sweep.c).
 */
#define _XOPEN_SOURCE 700   /* realpath */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"
#include "scen.h"
#include "test_util.h"
#include "trace.h"

static const char small_scenario[] =
    "scenario { name = \"small\", seed = 4, duration = 12, sample_every = 0.5 }\n"
    "topology { kind = \"barabasi_albert\", n = 2000, m = 2 }\n"
    "links { latency = { dist = \"lognormal\", median = 0.05, sigma = 0.5 }, loss = 0.05 }\n"
    "gossip { mode = \"push-pull\", fanout = 2, period = 1, stop = \"feedback-counter\", k = 3 }\n"
    "at(2.5, partition { groups = 3, by = \"random\" })\n"
    "at(6, heal {})\n"
    "at(7, fail { target = \"degree\", count = 20 })\n"
    "at(9, recover { count = 10 })\n";

static void test_rm(const char *dir)
{
    CU_ASSERT_EQUAL(test_rm_tree(dir), 0);
}

static int test_same_file(const char *a, const char *b)
{
    char *x = test_slurp(a), *y = test_slurp(b);
    int same = x != NULL && y != NULL && strcmp(x, y) == 0;
    free(x);
    free(y);
    return same;
}

static void test_run_same_seed_gives_identical_trace_bytes(void)
{
    char d1[256], d2[256], d3[256], a[512], b[512];
    test_tmpdir(d1, sizeof d1);
    test_tmpdir(d2, sizeof d2);
    test_tmpdir(d3, sizeof d3);
    CU_ASSERT_EQUAL(test_run_scenario(d1, small_scenario, -1), 0);
    CU_ASSERT_EQUAL(test_run_scenario(d2, small_scenario, -1), 0);
    CU_ASSERT_EQUAL(test_run_scenario(d3, small_scenario, 5), 0);
    const char *files[] = { "gossip.csv", "events.csv", "network.csv" };
    for (int i = 0; i < 3; i++) {
        snprintf(a, sizeof a, "%s/out/%s", d1, files[i]);
        snprintf(b, sizeof b, "%s/out/%s", d2, files[i]);
        CHECK_MSG(test_same_file(a, b), "%s differs between two runs of one seed", files[i]);
    }
    snprintf(a, sizeof a, "%s/out/gossip.csv", d1);
    snprintf(b, sizeof b, "%s/out/gossip.csv", d3);
    CHECK_MSG(!test_same_file(a, b), "seeds 4 and 5 gave the same gossip.csv");
    test_rm(d1);
    test_rm(d2);
    test_rm(d3);
}

static int test_first_line_is(const char *path, const char *want)
{
    char *s = test_slurp(path);
    if (s == NULL) {
        return 0;
    }
    s[strcspn(s, "\n")] = '\0';
    int ok = strcmp(s, want) == 0;
    if (!ok) {
        fprintf(stderr, "\n    %s: header '%s', expected '%s'\n", path, s, want);
    }
    free(s);
    return ok;
}

static void test_run_writes_every_output_with_spec_columns(void)
{
    char d[256], p[512];
    test_tmpdir(d, sizeof d);
    CU_ASSERT_EQUAL_FATAL(test_run_scenario(d, small_scenario, -1), 0);
    snprintf(p, sizeof p, "%s/out/gossip.csv", d);
    CU_ASSERT_TRUE(test_first_line_is(p, "time,alive,informed,infective,messages"));
    double rows[100];
    CU_ASSERT_EQUAL(test_csv_column(p, "time", rows, 100), 25);   /* 0, 0.5, ..., 12 */
    CU_ASSERT_DOUBLE_EQUAL(rows[24], 12.0, 1e-12);
    snprintf(p, sizeof p, "%s/out/network.csv", d);
    CU_ASSERT_TRUE(test_first_line_is(p, "time,alive,links_up,components,giant,blocked"));
    CU_ASSERT_EQUAL(test_csv_column(p, "time", rows, 100), 25 + 4);  /* samples + actions */
    CU_ASSERT_DOUBLE_EQUAL(test_csv_last(p, "alive"), 1990, 0);
    snprintf(p, sizeof p, "%s/out/events.csv", d);
    CU_ASSERT_TRUE(test_first_line_is(p, "time,action,detail,affected"));
    CU_ASSERT_EQUAL(test_csv_column(p, "affected", rows, 100), 4);
    CU_ASSERT_DOUBLE_EQUAL(rows[2], 20, 0);
    CU_ASSERT_DOUBLE_EQUAL(rows[3], 10, 0);
    snprintf(p, sizeof p, "%s/out/summary.csv", d);
    CU_ASSERT_TRUE(test_first_line_is(p, "scenario,seed,nodes,edges,events,wall_s,events_per_s,"
                                         "status,informed_final,residue,traffic,t_last,t_50,t_90,t_99,t_all"));
    char *sum = test_slurp(p);
    CU_ASSERT_PTR_NOT_NULL(sum != NULL ? strstr(sum, "\nsmall,4,2000,3997,") : NULL);
    CU_ASSERT_PTR_NOT_NULL(sum != NULL ? strstr(sum, ",ok,") : NULL);
    free(sum);
    snprintf(p, sizeof p, "%s/out/run.lua", d);
    struct stat st;
    CU_ASSERT_EQUAL(stat(p, &st), 0);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls %s/out | grep -q tmp", d);
    CU_ASSERT_NOT_EQUAL(system(cmd), 0);   /* grep finds no temporary */
    test_rm(d);
}

/* run.lua is re-runnable: the same traces again. */
static void test_run_resolved_config_reruns_identically(void)
{
    char d[256], rerun[600], a[600], b[600], msg[512];
    test_tmpdir(d, sizeof d);
    CU_ASSERT_EQUAL_FATAL(test_run_scenario(d, small_scenario, -1), 0);
    snprintf(rerun, sizeof rerun, "%s/out/run.lua", d);
    scen *s = NULL;
    sim_err err = scen_load(rerun, NULL, 0, -1, &s, msg, sizeof msg);
    CHECK_MSG(err == SIM_OK, "run.lua rejected: %s", msg);
    if (err == SIM_OK) {
        snprintf(a, sizeof a, "%s/again", d);
        run_opts o = { .out_dir = a, .quiet = 1, .no_plot = 1 };
        CU_ASSERT_EQUAL(run_scenario(s, &o, msg, sizeof msg), SIM_OK);
        scen_free(s);
        snprintf(a, sizeof a, "%s/out/gossip.csv", d);
        snprintf(b, sizeof b, "%s/again/gossip.csv", d);
        CU_ASSERT_TRUE(test_same_file(a, b));
    }
    test_rm(d);
}

/* A drop partition isolates the far half; after the heal the rumor gets through. */
static void test_run_gossip_never_crosses_a_drop_partition(void)
{
    static const char text[] =
        "local far = {} for i = 100, 199 do far[#far + 1] = i end\n"
        "scenario { name = \"cut\", seed = 9, duration = 60, sample_every = 1 }\n"
        "topology { kind = \"erdos_renyi\", n = 200, degree = 8 }\n"
        "links { latency = { dist = \"exponential\", mean = 0.1 } }\n"
        "gossip { mode = \"push\", fanout = 1, stop = \"never\", origins = { 0 } }\n"
        "at(0, partition { nodes = far })\n"
        "at(30, heal {})\n";
    char d[256], p[512];
    test_tmpdir(d, sizeof d);
    CU_ASSERT_EQUAL_FATAL(test_run_scenario(d, text, -1), 0);
    snprintf(p, sizeof p, "%s/out/gossip.csv", d);
    double t[100], inf[100];
    int n = test_csv_column(p, "time", t, 100);
    CU_ASSERT_EQUAL(test_csv_column(p, "informed", inf, 100), n);
    double max_before = 0;
    for (int i = 0; i < n; i++) {
        if (t[i] <= 30) {
            max_before = inf[i] > max_before ? inf[i] : max_before;
        }
    }
    CHECK_MSG(max_before <= 100, "%g nodes informed while half the ring was cut off", max_before);
    CHECK_MSG(max_before >= 50, "the near half was not reached (%g)", max_before);
    CU_ASSERT_DOUBLE_EQUAL(inf[n - 1], 200, 0);
    test_rm(d);
}

/* Queue mode: with no loss and no failure, no message is lost at all. */
static void test_run_queue_partition_loses_no_message(void)
{
    static const char text[] =
        "scenario { name = \"queue\", seed = 3, duration = 20, sample_every = 1 }\n"
        "topology { kind = \"erdos_renyi\", n = 1000, degree = 6 }\n"
        "links { latency = { dist = \"uniform\", min = 0.01, max = 0.3 } }\n"
        "gossip { mode = \"push-pull\", fanout = 1, stop = \"blind-counter\", k = 3 }\n"
        "at(1.5, partition { groups = 4, mode = \"%s\" })\n"
        "at(10, heal {})\n";
    char d[256], msg[512], buf[1024];
    const char *modes[2] = { "queue", "drop" };
    for (int m = 0; m < 2; m++) {
        test_tmpdir(d, sizeof d);
        snprintf(buf, sizeof buf, text, modes[m]);
        scen *s = NULL;
        CU_ASSERT_EQUAL_FATAL(scen_load(test_write(d, "q.lua", buf), NULL, 0, -1, &s, msg, sizeof msg),
                              SIM_OK);
        run_stats st;
        char out[300];
        snprintf(out, sizeof out, "%s/out", d);
        run_opts o = { .out_dir = out, .quiet = 1, .no_plot = 1, .stats = &st };
        CU_ASSERT_EQUAL(run_scenario(s, &o, msg, sizeof msg), SIM_OK);
        scen_free(s);
        if (m == 0) {
            CHECK_MSG(st.lost == 0 && st.held == 0, "queue mode lost %llu, still held %llu",
                      (unsigned long long)st.lost, (unsigned long long)st.held);
            CU_ASSERT_TRUE(st.sent > 1000);
        } else {
            CHECK_MSG(st.lost > 0, "drop mode lost nothing across a 4-way partition");
        }
        test_rm(d);
    }
}

/* every() reads metrics and its actions reach events.csv. */
static void test_run_every_callback_acts_on_metrics(void)
{
    static const char text[] =
        "scenario { name = \"cb\", seed = 2, duration = 10, sample_every = 1 }\n"
        "topology { kind = \"complete\", n = 500 }\n"
        "gossip { mode = \"push\", stop = \"never\" }\n"
        "every(2, function(sim)\n"
        "  if sim.metric(\"gossip.informed\") > 5 and sim.metric(\"network.alive\") == 500 then\n"
        "    fail { count = 7 }\n"
        "    at(sim.time + 3, recover { count = 2 })\n"
        "  end\n"
        "end)\n";
    char d[256], p[512];
    test_tmpdir(d, sizeof d);
    CU_ASSERT_EQUAL_FATAL(test_run_scenario(d, text, -1), 0);
    snprintf(p, sizeof p, "%s/out/events.csv", d);
    double t[20], aff[20];
    int n = test_csv_column(p, "time", t, 20);
    test_csv_column(p, "affected", aff, 20);
    CHECK_MSG(n == 2, "%d actions, expected one fail and one recover", n);
    if (n == 2) {
        CU_ASSERT_DOUBLE_EQUAL(aff[0], 7, 0);
        CU_ASSERT_DOUBLE_EQUAL(aff[1], 2, 0);
        CU_ASSERT_DOUBLE_EQUAL(t[1], t[0] + 3, 1e-9);
    }
    snprintf(p, sizeof p, "%s/out/gossip.csv", d);
    CU_ASSERT_DOUBLE_EQUAL(test_csv_last(p, "alive"), 495, 0);
    test_rm(d);
}

/* SIGINT, SIGTERM and SIGHUP: rows so far are written, status is interrupted, exit status 1. */
static void test_run_interrupt_flushes_rows_and_marks_status(void)
{
    static const char text[] =
        "scenario { name = \"long\", seed = 1, duration = 100000, sample_every = 1 }\n"
        "topology { kind = \"complete\", n = 200000 }\n"
        "gossip { mode = \"push\", stop = \"never\" }\n";
    static const char *const sigs[] = { "INT", "TERM", "HUP" };
    for (int i = 0; i < 3; i++) {
        char d[256], cmd[1200], p[600], script[2000];
        test_tmpdir(d, sizeof d);
        test_write(d, "long.lua", text);
        /* Signal once the run is ready (its outputs are open), not after a fixed delay. */
        /* bash set -m: with job control a background job does not start with SIGINT ignored. */
        snprintf(script, sizeof script,
                 "set -m\n%s run %s/long.lua --out %s/out --quiet --no-plot & pid=$!\n"
                 "i=0; while [ ! -e %s/out/run.lua.tmp ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done\n"
                 "sleep 0.2; kill -%s $pid; wait $pid\n", test_binary(), d, d, d, sigs[i]);
        test_write(d, "signal.sh", script);
        snprintf(cmd, sizeof cmd, "bash %s/signal.sh", d);
        int st = test_run_cmd(cmd, NULL, 0);
        CHECK_MSG(st == 1, "SIG%s: exit status %d", sigs[i], st);
        snprintf(p, sizeof p, "%s/out/summary.csv", d);
        char *s = test_slurp(p);
        CHECK_MSG(s != NULL && strstr(s, ",interrupted,") != NULL, "SIG%s: summary: %s", sigs[i],
                  s ? s : "(none)");
        free(s);
        snprintf(p, sizeof p, "%s/out/gossip.csv", d);
        double rows[10];
        CHECK_MSG(test_csv_column(p, "informed", rows, 10) >= 1, "SIG%s: no gossip rows", sigs[i]);
        snprintf(p, sizeof p, "%s/out/gossip.csv.tmp", d);
        CHECK_MSG(access(p, F_OK) != 0, "SIG%s: a temporary was left", sigs[i]);
        test_rm(d);
    }
}

/* The binary as an absolute path, for commands that change folder first. */
static const char *test_abs_binary(void)
{
    static char path[4096];
    if (realpath(test_binary(), path) == NULL) {
        snprintf(path, sizeof path, "%s", test_binary());
    }
    return path;
}

/*
 * Issue 12: SIGINT during setup (a 2M-node igraph build, seconds long) ends
 * the process at once, by the signal, with no output folder; it used to be
 * ignored until the loop started.
 */
static void test_run_interrupt_during_setup_leaves_nothing(void)
{
    static const char text[] =
        "scenario { name = \"big\", seed = 1, duration = 10 }\n"
        "topology { kind = \"erdos_renyi\", n = 2000000, degree = 8 }\n"
        "gossip { mode = \"push\" }\n";
    char d[256], cmd[1200], p[600];
    test_tmpdir(d, sizeof d);
    test_write(d, "big.lua", text);
    snprintf(cmd, sizeof cmd, "timeout --preserve-status -s INT 1 %s run %s/big.lua --out %s/out "
             "--quiet --no-plot", test_binary(), d, d);
    int st = test_run_cmd(cmd, NULL, 0);
    CHECK_MSG(st == 128 + 2, "exit status %d, expected death by SIGINT (130)", st);
    snprintf(p, sizeof p, "%s/out", d);
    CHECK_MSG(access(p, F_OK) != 0, "an output folder was left");
    test_rm(d);
}

/* Run the binary in folder d (its cwd) on text; returns the exit status, stderr in err. */
static int test_run_in(const char *d, const char *text, const char *args, char *err, size_t len)
{
    char cmd[6000];
    test_write(d, "s.lua", text);
    snprintf(cmd, sizeof cmd, "cd '%s' && %s run s.lua %s", d, test_abs_binary(), args);
    return test_run_cmd(cmd, err, len);
}

static const char tiny[] =
    "scenario { name = \"tiny\", seed = 3, duration = 6, sample_every = 1 }\n"
    "topology { kind = \"ring\", n = 40 }\n"
    "gossip { mode = \"push\", stop = \"never\" }\n";

/* Issue 12: a scenario name or an --out folder never reaches a shell (gnuplot is exec'd). */
static void test_run_names_never_reach_a_shell(void)
{
    static const char text[] =
        "scenario { name = \"x';touch PWNED;echo '`touch PWNED2`$(touch PWNED3)\", seed = 1,"
        " duration = 5, sample_every = 1 }\n"
        "topology { kind = \"ring\", n = 10 }\n"
        "gossip { mode = \"push\" }\n";
    char d[256], p[700];
    test_tmpdir(d, sizeof d);
    int st = test_run_in(d, text, "--quiet", NULL, 0);
    CU_ASSERT_EQUAL(st, 0);
    st = test_run_in(d, text, "--quiet --out \"q'\\`touch PWNED4\\`\\\"\"", NULL, 0);
    CU_ASSERT_EQUAL(st, 0);
    const char *pwned[] = { "PWNED", "PWNED2", "PWNED3", "PWNED4", "results/PWNED" };
    for (int i = 0; i < 5; i++) {
        snprintf(p, sizeof p, "%s/%s", d, pwned[i]);
        CHECK_MSG(access(p, F_OK) != 0, "%s was created: a shell ran", pwned[i]);
    }
    snprintf(p, sizeof p, "%s/results/x';touch PWNED;echo '`touch PWNED2`$(touch PWNED3)/summary.csv", d);
    CHECK_MSG(access(p, F_OK) == 0, "no summary.csv under the odd name");
    test_rm(d);
}

/* Issue 12: a symbolic link planted at an output's temporary name is replaced, not followed. */
static void test_run_planted_symlink_is_not_followed(void)
{
    char d[256], p[700], target[700];
    test_tmpdir(d, sizeof d);
    snprintf(target, sizeof target, "%s/precious", d);
    test_write(d, "precious", "keep me\n");
    snprintf(p, sizeof p, "%s/out", d);
    CU_ASSERT_EQUAL(mkdir(p, 0777), 0);
    const char *names[] = { "gossip.csv.tmp", "summary.csv.tmp", "run.lua.tmp", "gossip.png.tmp" };
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/out/%s", d, names[i]);
        CU_ASSERT_EQUAL(symlink(target, p), 0);
    }
    CU_ASSERT_EQUAL(test_run_in(d, tiny, "--quiet --out out", NULL, 0), 0);
    char *kept = test_slurp(target);
    CHECK_MSG(kept != NULL && strcmp(kept, "keep me\n") == 0, "the link target was written: %s",
              kept ? kept : "(gone)");
    free(kept);
    snprintf(p, sizeof p, "%s/out/gossip.csv", d);
    CU_ASSERT_TRUE(test_csv_last(p, "alive") == 40);
    test_rm(d);
}

/* Issue 12: a folder reused by another run keeps only that run's files, and files it never wrote. */
static void test_run_reused_folder_drops_the_old_runs_files(void)
{
    static const char phold[] =
        "scenario { name = \"p\", seed = 1, duration = 3, sample_every = 1 }\n"
        "topology { kind = \"ring\", n = 30 }\n"
        "phold { population = 1 }\n";
    char d[256], p[700];
    test_tmpdir(d, sizeof d);
    CU_ASSERT_EQUAL(test_run_in(d, tiny, "--quiet --no-plot --out out", NULL, 0), 0);
    snprintf(p, sizeof p, "%s/out/notes.txt", d);
    test_write(d, "out/notes.txt", "mine\n");
    CU_ASSERT_EQUAL(test_run_in(d, phold, "--quiet --no-plot --out out", NULL, 0), 0);
    snprintf(p, sizeof p, "%s/out/gossip.csv", d);
    CHECK_MSG(access(p, F_OK) != 0, "the first run's gossip.csv is still there");
    snprintf(p, sizeof p, "%s/out/phold.csv", d);
    CHECK_MSG(access(p, F_OK) == 0, "no phold.csv");
    snprintf(p, sizeof p, "%s/out/notes.txt", d);
    CHECK_MSG(access(p, F_OK) == 0, "a file the user put there was removed");
    /* A manifest that came with the folder (an artefact, a clone) deletes nothing of the user's. */
    test_write(d, "out/thesis.tex", "precious\n");
    test_write(d, "out/.mycosim-files", "thesis.tex\nnotes.txt 1 2 3 4 5\n");
    CU_ASSERT_EQUAL(test_run_in(d, tiny, "--quiet --no-plot --out out", NULL, 0), 0);
    snprintf(p, sizeof p, "%s/out/thesis.tex", d);
    CHECK_MSG(access(p, F_OK) == 0, "a planted manifest made the run delete thesis.tex");
    snprintf(p, sizeof p, "%s/out/notes.txt", d);
    CHECK_MSG(access(p, F_OK) == 0, "a planted manifest made the run delete notes.txt");
    /* A user's own file saved under an old output name is not the old output. */
    test_write(d, "out/gossip.csv", "my own edits\n");
    CU_ASSERT_EQUAL(test_run_in(d, "scenario { name = \"p\", seed = 1, duration = 2 }\n"
                                "topology { kind = \"ring\", n = 30 }\nphold { population = 1 }\n",
                                "--quiet --no-plot --out out", NULL, 0), 0);
    snprintf(p, sizeof p, "%s/out/gossip.csv", d);
    CHECK_MSG(access(p, F_OK) == 0, "the user's own gossip.csv was deleted");
    test_rm(d);
}

/* Issue 12: run.lua has the configuration as the run began; set{} stays an action. */
static void test_run_resolved_config_keeps_set_actions_in_time(void)
{
    static const char text[] =
        "scenario { name = \"s\", seed = 2, duration = 10, sample_every = 1 }\n"
        "topology { kind = \"ring\", n = 200 }\n"
        "gossip { mode = \"push\", stop = \"never\" }\n"
        "at(3, set { [\"links.loss\"] = 1 })\n"
        "every(2, function(sim) if sim.time == 4 then at(6, fail { count = 3 }) end end)\n";
    char d[256], a[700], b[700];
    test_tmpdir(d, sizeof d);
    CU_ASSERT_EQUAL(test_run_in(d, text, "--quiet --no-plot --out one", NULL, 0), 0);
    snprintf(a, sizeof a, "%s/one/run.lua", d);
    char *lua = test_slurp(a);
    CHECK_MSG(lua != NULL && strstr(lua, "loss = 0 }") != NULL && strstr(lua, "at(3, set {") != NULL,
              "run.lua: %s", lua ? lua : "(none)");
    free(lua);
    char cmd[6000];
    snprintf(cmd, sizeof cmd, "cd '%s' && %s run one/run.lua --quiet --no-plot --out two", d,
             test_abs_binary());
    CU_ASSERT_EQUAL(test_run_cmd(cmd, NULL, 0), 0);
    const char *files[] = { "gossip.csv", "events.csv", "network.csv" };
    for (int i = 0; i < 3; i++) {
        snprintf(a, sizeof a, "%s/one/%s", d, files[i]);
        snprintf(b, sizeof b, "%s/two/%s", d, files[i]);
        CHECK_MSG(test_same_file(a, b), "%s differs when run.lua is re-run", files[i]);
    }
    test_rm(d);
}

/* Issue 12: a node list repeating an id more often than there are nodes fails it once. */
static void test_run_repeated_node_ids_count_once(void)
{
    static const char text[] =
        "scenario { name = \"dup\", seed = 1, duration = 3, sample_every = 1 }\n"
        "topology { kind = \"ring\", n = 3 }\n"
        "gossip { mode = \"push\" }\n"
        "local t = {} for i = 1, 100000 do t[i] = 1 end\n"
        "at(1, fail { nodes = t })\n"
        "at(2, recover { nodes = { 1, 1, 1, 1 } })\n";
    char d[256], p[700];
    test_tmpdir(d, sizeof d);
    CU_ASSERT_EQUAL(test_run_in(d, text, "--quiet --no-plot --out out", NULL, 0), 0);
    snprintf(p, sizeof p, "%s/out/network.csv", d);
    double alive[16];
    int rows = test_csv_column(p, "alive", alive, 16);
    CHECK_MSG(rows >= 4 && alive[1] == 2 && alive[rows - 1] == 3, "alive: %g after the fail (want 2), "
              "%g at the end (want 3)", rows > 1 ? alive[1] : -1, rows > 0 ? alive[rows - 1] : -1);
    test_rm(d);
}

/* An action made by the chunk and scheduled later by a callback is not "never scheduled". */
static void test_run_chunk_action_scheduled_by_a_callback_applies(void)
{
    static const char text[] =
        "scenario { name = \"cb\", seed = 1, duration = 5, sample_every = 1 }\n"
        "topology { kind = \"ring\", n = 50 }\n"
        "gossip { mode = \"push\" }\n"
        "local cut = fail { count = 2 }\n"
        "every(1, function(sim) if sim.time == 2 then at(sim.time, cut) end end)\n";
    char d[256], p[700];
    test_tmpdir(d, sizeof d);
    CU_ASSERT_EQUAL(test_run_in(d, text, "--quiet --no-plot --out out", NULL, 0), 0);
    snprintf(p, sizeof p, "%s/out/network.csv", d);
    CU_ASSERT_DOUBLE_EQUAL(test_csv_last(p, "alive"), 48, 0);
    test_rm(d);
}

/* Issue 12: a scenario far too big for any machine is refused before anything is built. */
static void test_run_oversized_scenario_is_refused_with_an_estimate(void)
{
    static const char text[] =
        "scenario { name = \"big\", seed = 1, duration = 10 }\n"
        "topology { kind = \"ring\", n = 1000000 }\n"
        "phold { population = 1000000 }\n";
    char d[256], err[1024], p[700];
    test_tmpdir(d, sizeof d);
    int st = test_run_in(d, text, "--quiet --out out", err, sizeof err);
    CHECK_MSG(st == 2 && strstr(err, "needs about") != NULL && strstr(err, "available") != NULL
              && strstr(err, "1000000000000 pending events") != NULL, "exit %d: %s", st, err);
    snprintf(p, sizeof p, "%s/out", d);
    CHECK_MSG(access(p, F_OK) != 0, "an output folder was made");
    test_rm(d);
}

/*
 * Issue 12: a queue that cannot grow mid-run ends the run with exit 1 and
 * status failed, rows so far kept; never messages silently counted as lost.
 * A queue-mode partition holds every push of a fast gossip under a 1 GiB
 * address-space limit. (Sanitizer builds reserve terabytes of shadow: skipped.)
 */
static void test_run_out_of_memory_mid_run_ends_as_failed(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return;
#else
    static const char text[] =
        "scenario { name = \"oom\", seed = 1, duration = 100000, sample_every = 1 }\n"
        "topology { kind = \"ring\", n = 100000 }\n"
        "gossip { mode = \"push\", fanout = 8, period = 0.001, stop = \"never\" }\n"
        "at(0, partition { groups = 2, mode = \"queue\" })\n";
    char d[256], err[1024], p[700];
    test_tmpdir(d, sizeof d);
    test_write(d, "s.lua", text);
    char cmd[6000];
    snprintf(cmd, sizeof cmd, "cd '%s' && ulimit -v 1048576 && %s run s.lua --quiet --no-plot --out out",
             d, test_abs_binary());
    int st = test_run_cmd(cmd, err, sizeof err);
    CHECK_MSG(st == 1 && strstr(err, "out of memory") != NULL, "exit %d: %s", st, err);
    snprintf(p, sizeof p, "%s/out/summary.csv", d);
    char *s = test_slurp(p);
    CHECK_MSG(s != NULL && strstr(s, ",failed,") != NULL, "summary: %s", s ? s : "(none)");
    free(s);
    test_rm(d);
#endif
}

static void test_run_check_prints_config_and_writes_nothing(void)
{
    char d[256], cmd[1200], p[600];
    test_tmpdir(d, sizeof d);
    test_write(d, "s.lua", small_scenario);
    char cwd[512] = ".";
    const char *bin = test_binary();
    if (bin[0] != '/' && getcwd(cwd, sizeof cwd) == NULL) {
        snprintf(cwd, sizeof cwd, ".");
    }
    snprintf(cmd, sizeof cmd, "(cd %s && %s%s%s check s.lua --set gossip.fanout=3 > cfg.txt)", d,
             bin[0] == '/' ? "" : cwd, bin[0] == '/' ? "" : "/", bin);
    CU_ASSERT_EQUAL(test_run_cmd(cmd, NULL, 0), 0);
    snprintf(p, sizeof p, "%s/cfg.txt", d);
    char *s = test_slurp(p);
    CHECK_MSG(s != NULL && strstr(s, "fanout = 3") != NULL, "check printed: %s", s ? s : "(none)");
    free(s);
    snprintf(p, sizeof p, "%s/results", d);
    struct stat stt;
    CU_ASSERT_NOT_EQUAL(stat(p, &stt), 0);
    test_rm(d);
}

/* stop{} from a callback ends the run when the rumor has covered everyone. */
static void test_run_stop_action_ends_the_run_early(void)
{
    static const char text[] =
        "scenario { name = \"st\", seed = 2, duration = 500, sample_every = 1 }\n"
        "topology { kind = \"complete\", n = 3000 }\n"
        "gossip { mode = \"push-pull\", stop = \"never\" }\n"
        "every(0.5, function(sim)\n"
        "  if sim.metric(\"gossip.informed\") >= sim.metric(\"network.alive\") then stop {} end\n"
        "end)\n";
    char d[256], p[512];
    test_tmpdir(d, sizeof d);
    CU_ASSERT_EQUAL_FATAL(test_run_scenario(d, text, -1), 0);
    snprintf(p, sizeof p, "%s/out/gossip.csv", d);
    double t_end = test_csv_last(p, "time"), informed = test_csv_last(p, "informed");
    snprintf(p, sizeof p, "%s/out/summary.csv", d);
    double t_all = test_csv_last(p, "t_all");
    CHECK_MSG(t_end < 100 && informed == 3000, "last row at t = %g with %g informed", t_end, informed);
    CHECK_MSG(t_end >= t_all && t_end < t_all + 0.5 + 1e-9, "stopped at %g, covered at %g", t_end, t_all);
    snprintf(p, sizeof p, "%s/out/events.csv", d);
    char *ev = test_slurp(p);
    CU_ASSERT_PTR_NOT_NULL(ev != NULL ? strstr(ev, ",stop,") : NULL);
    free(ev);
    test_rm(d);
}

/*
 * Seconds become the nearest nanosecond (doc/scenarios.md), and trace times
 * print every significant digit of the nanoseconds, by hand.
 */
static void test_run_times_round_to_the_nearest_nanosecond(void)
{
    static const struct { double s; sim_time ns; } conv[] = {
        { 1e-6, 1000 }, { 0.3, 300000000 }, { 2.4e-9, 2 }, { 2.6e-9, 3 }, { 1.05, 1050000000 },
        { 123.456789012, 123456789012LL }, { -0.3, -300000000 },
    };
    for (size_t i = 0; i < sizeof conv / sizeof conv[0]; i++) {
        sim_time t = sim_time_from_s(conv[i].s);
        CHECK_MSG(t == conv[i].ns, "%.12g s became %lld ns, nearest %lld", conv[i].s, (long long)t,
                  (long long)conv[i].ns);
    }
    static const struct { sim_time ns; const char *text; } shown[] = {
        { 1050000000, "1.05" }, { 1000000001, "1.000000001" }, { 2000000000, "2" },
        { 7, "0.000000007" }, { -1500000000, "-1.5" },
    };
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
        char buf[64] = { 0 };
        FILE *f = fmemopen(buf, sizeof buf - 1, "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        trace_time(f, shown[i].ns);
        fclose(f);
        CHECK_MSG(strcmp(buf, shown[i].text) == 0, "%lld ns printed as '%s', expected '%s'",
                  (long long)shown[i].ns, buf, shown[i].text);
    }
}

/*
 * A queue-mode partition holds a message and releases it at heal after the
 * latency it still had to travel, by hand. Two nodes, constant latency 0.3,
 * sync push from the origin at t = 1. Partition at 0.5 (before the send):
 * held with its whole latency, delivered at heal 5 + 0.3. Partition at 1.1
 * (in flight, stopped on arrival at 1.3): nothing left to travel, delivered
 * at 5.
 */
static void test_run_queue_partition_releases_after_the_remaining_latency(void)
{
    static const double at[] = { 0.5, 1.1 }, want[] = { 5.3, 5.0 };
    for (int i = 0; i < 2; i++) {
        char text[1024], d[256], p[512];
        snprintf(text, sizeof text,
                 "scenario { name = \"hold\", seed = 1, duration = 20, sample_every = 20 }\n"
                 "topology { kind = \"complete\", n = 2 }\n"
                 "links { latency = { dist = \"constant\", value = 0.3 } }\n"
                 "gossip { mode = \"push\", period = 1, sync = true, stop = \"blind-counter\", k = 1, "
                 "origins = { 0 } }\n"
                 "at(%g, partition { nodes = { 1 }, mode = \"queue\" })\n"
                 "at(5, heal {})\n", at[i]);
        test_tmpdir(d, sizeof d);
        CU_ASSERT_EQUAL_FATAL(test_run_scenario(d, text, -1), 0);
        snprintf(p, sizeof p, "%s/out/summary.csv", d);
        double t_all = test_csv_last(p, "t_all");
        CHECK_MSG(fabs(t_all - want[i]) < 1e-9, "partition at %g: delivered at %.9g, by hand %g", at[i],
                  t_all, want[i]);
        test_rm(d);
    }
}

/* print() from a scenario shows control bytes escaped, never raw (no terminal escapes). */
static void test_run_print_escapes_control_bytes(void)
{
    char d[256], cmd[700], err[2048];
    test_tmpdir(d, sizeof d);
    test_write(d, "p.lua",
               "print(\"a\\27[31mred\\0b\", 2)\n"
               "scenario { name = \"p\", seed = 1, duration = 1, sample_every = 1 }\n"
               "topology { kind = \"ring\", n = 10 }\n"
               "gossip {}\n");
    snprintf(cmd, sizeof cmd, "%s check %s/p.lua", test_binary(), d);
    CU_ASSERT_EQUAL(test_run_cmd(cmd, err, sizeof err), 0);
    CHECK_MSG(strstr(err, "a\\033[31mred\\000b\t2\n") != NULL && strchr(err, 27) == NULL,
              "stderr was: %s", err);
    test_rm(d);
}

/* --- Named places ------------------------------------------------------------------------ */

/* Five components: a triangle with a tail, a pair, three lone places; names with CSV specials. */
static const char named[] =
    "scenario { name = \"named\", seed = 2385, duration = 14, sample_every = 1 }\n"
    "topology { kind = \"explicit\",\n"
    "  nodes = { {\"Santo Domingo, \\\"DR\\\"\", -69.93, 18.486}, {\"San Juan\", -66.105, 18.466},\n"
    "            {\"Ponce\", -66.614, 18.011}, {\"Mayaguez\", -67.139, 18.201},\n"
    "            {\"Roseau\", -61.387, 15.301}, {\"Portsmouth\", -61.458, 15.583},\n"
    "            {\"Kralendijk\", -68.267, 12.151}, {\"Oranjestad\", -70.027, 12.524},\n"
    "            {\"Willemstad\", -68.933, 12.109} },\n"
    "  edges = { {\"Santo Domingo, \\\"DR\\\"\", \"San Juan\", distance = 397.5, capacity = 1250},\n"
    "            {\"San Juan\", \"Ponce\", 71.25}, {\"Ponce\", \"Santo Domingo, \\\"DR\\\"\"},\n"
    "            {\"Mayaguez\", \"Ponce\", 63.125}, {\"Roseau\", \"Portsmouth\", 33.375, 0.625} } }\n"
    "links { latency = { per_distance = 0.00125, base = 0.0375 } }\n"
    "gossip { mode = \"push-pull\", stop = \"never\", origins = { \"San Juan\" } }\n"
    "at(6.5, fail { nodes = { \"Mayaguez\", 0 } })\n"
    "at(9.25, recover { nodes = { \"Santo Domingo, \\\"DR\\\"\" } })\n"
    "every(3, function(sim)\n"
    "  if sim.time == 12 then fail { nodes = { \"Roseau\", \"Kralendijk\", 1, 2, 3, 0, 5, \"Portsmouth\","
    " \"Ponce\", \"Willemstad\", 7 } } end\n"
    "end)\n";

/* The graph the loader described is the one the run built: links, components, who hears. */
static void test_run_explicit_places_build_the_described_graph(void)
{
    char d[256], p[600];
    test_tmpdir(d, sizeof d);
    CU_ASSERT_EQUAL_FATAL(test_run_scenario(d, named, -1), 0);
    snprintf(p, sizeof p, "%s/out/network.csv", d);
    double v[64];
    CU_ASSERT_TRUE(test_csv_column(p, "links_up", v, 64) > 0 && v[0] == 5);
    CU_ASSERT_TRUE(test_csv_column(p, "components", v, 64) > 0 && v[0] == 5);
    CU_ASSERT_TRUE(test_csv_column(p, "alive", v, 64) > 0 && v[0] == 9);
    snprintf(p, sizeof p, "%s/out/gossip.csv", d);
    int rows = test_csv_column(p, "informed", v, 64);
    /* Everything reachable from San Juan by t = 6 (the triangle and its tail), nothing else. */
    CHECK_MSG(rows >= 7 && v[6] == 4, "informed at t = 6: %g, want 4", rows >= 7 ? v[6] : -1);
    snprintf(p, sizeof p, "%s/out/summary.csv", d);
    char *sum = test_slurp(p);
    CHECK_MSG(sum != NULL && strstr(sum, "\nnamed,2385,9,5,") != NULL, "summary: %s",
              sum ? sum : "(none)");
    free(sum);
    test_rm(d);
}

/* fail{nodes = {"Mayaguez", 0}} fails exactly those two; events.csv names them, CSV-quoted. */
static void test_run_selectors_by_name_fail_exactly_those_places(void)
{
    char d[256], p[600];
    test_tmpdir(d, sizeof d);
    CU_ASSERT_EQUAL_FATAL(test_run_scenario(d, named, -1), 0);
    snprintf(p, sizeof p, "%s/out/network.csv", d);
    double t[64], alive[64];
    int rows = test_csv_column(p, "time", t, 64);
    CU_ASSERT_EQUAL(test_csv_column(p, "alive", alive, 64), rows);
    for (int i = 0; i < rows; i++) {
        double want = t[i] < 6.5 ? 9 : t[i] < 9.25 ? 7 : t[i] < 12 ? 8 : 0;
        /* At 12 the sample row comes before the callback's action row. */
        CHECK_MSG(alive[i] == want || (t[i] == 12 && alive[i] == 8), "alive %g at t = %g, want %g",
                  alive[i], t[i], want);
    }
    CU_ASSERT_EQUAL(alive[rows - 1], 0);   /* every place but Mayaguez, still down, fails at 12 */
    snprintf(p, sizeof p, "%s/out/events.csv", d);
    char *ev = test_slurp(p);
    static const char want[] =
        "time,action,detail,affected\n"
        "6.5,fail,\"nodes=Santo Domingo, \"\"DR\"\"|Mayaguez\",2\n"
        "9.25,recover,\"nodes=Santo Domingo, \"\"DR\"\"\",1\n"
        "12,fail,nodes=9,8\n";
    CHECK_MSG(ev != NULL && strcmp(ev, want) == 0, "events.csv:\n%s\nwant:\n%s", ev ? ev : "(none)",
              want);
    free(ev);
    test_rm(d);
}

/* The worked example does what its comment says, and its run.lua reruns byte-identically. */
static void test_run_caribbean_example_reruns_identically_from_run_lua(void)
{
    char d[256], p[600], a[600], b[600], msg[512];
    test_tmpdir(d, sizeof d);
    scen *s = NULL;
    CU_ASSERT_EQUAL_FATAL(scen_load("scenarios/caribbean.lua", NULL, 0, -1, &s, msg, sizeof msg),
                          SIM_OK);
    snprintf(p, sizeof p, "%s/out", d);
    run_opts o = { .out_dir = p, .quiet = 1, .no_plot = 1 };
    CU_ASSERT_EQUAL(run_scenario(s, &o, msg, sizeof msg), SIM_OK);
    scen_free(s);
    snprintf(p, sizeof p, "%s/out/gossip.csv", d);
    double informed[64];
    int rows = test_csv_column(p, "informed", informed, 64);
    CHECK_MSG(rows == 46 && informed[29] == 6 && informed[45] == 12,
              "informed: %g at t = 29 (want 6), %g at the end (want 12), %d rows",
              rows > 29 ? informed[29] : -1, rows > 0 ? informed[rows - 1] : -1, rows);
    snprintf(p, sizeof p, "%s/out/run.lua", d);
    s = NULL;
    sim_err err = scen_load(p, NULL, 0, -1, &s, msg, sizeof msg);
    CHECK_MSG(err == SIM_OK, "run.lua rejected: %s", msg);
    if (err == SIM_OK) {
        snprintf(a, sizeof a, "%s/again", d);
        run_opts again = { .out_dir = a, .quiet = 1, .no_plot = 1 };
        CU_ASSERT_EQUAL(run_scenario(s, &again, msg, sizeof msg), SIM_OK);
        scen_free(s);
        const char *files[] = { "gossip.csv", "events.csv", "network.csv" };
        for (int i = 0; i < 3; i++) {
            snprintf(a, sizeof a, "%s/out/%s", d, files[i]);
            snprintf(b, sizeof b, "%s/again/%s", d, files[i]);
            CHECK_MSG(test_same_file(a, b), "%s differs when run.lua runs again", files[i]);
        }
        snprintf(a, sizeof a, "%s/out/events.csv", d);
        char *ev = test_slurp(a);
        CHECK_MSG(ev != NULL && strstr(ev, "\n3,fail,nodes=Dominican Republic|Puerto Rico,2\n")
                  != NULL, "events.csv: %s", ev ? ev : "(none)");
        free(ev);
    }
    test_rm(d);
}

/*
 * Explicit places in raw units (longitudes -80 .. -50): halfplane cuts
 * their bounding box, not [0, 1], so two strips of two places each; and
 * per_distance latency uses an edge's own distance (100 km at 0.01 s per
 * km = 1 s), not the coordinates' (10 degrees = 0.1 s).
 */
static void test_run_explicit_places_use_their_own_units(void)
{
    static const char text[] =
        "scenario { name = 'u', duration = 3.5, sample_every = 0.5 }\n"
        "topology { kind = 'explicit',\n"
        "  nodes = { {'A', -80, 10}, {'B', -70, 10}, {'C', -60, 10}, {'D', -50, 10} },\n"
        "  edges = { {'A', 'B', distance = 100}, {'B', 'C', distance = 100},\n"
        "            {'C', 'D', distance = 100} } }\n"
        "links { latency = { per_distance = 0.01, base = 0 } }\n"
        "gossip { mode = 'push', sync = true, origins = {'A'} }\n"
        "at(3.25, partition { groups = 2, by = 'halfplane' })\n";
    char d[256], path[400];
    test_tmpdir(d, sizeof d);
    CU_ASSERT_EQUAL_FATAL(test_run_scenario(d, text, 3), 0);
    snprintf(path, sizeof path, "%s/out/gossip.csv", d);
    double informed[16];
    CU_ASSERT_EQUAL_FATAL(test_csv_column(path, "informed", informed, 16), 8);
    /*
     * A pushes at t = 1 to B, its only neighbour; B hears at 2.0 (1 s on the
     * edge), not 1.1: after the row of 2.0 (rows come before the node events
     * of their instant), before the row of 2.5.
     */
    CHECK_MSG(informed[3] == 1 && informed[4] == 1 && informed[5] == 2,
              "informed at 1.5, 2, 2.5 s: %g, %g, %g; want 1, 1, 2", informed[3], informed[4],
              informed[5]);
    snprintf(path, sizeof path, "%s/out/network.csv", d);
    CU_ASSERT_EQUAL(test_csv_last(path, "components"), 2);
    CU_ASSERT_EQUAL(test_csv_last(path, "links_up"), 2);
    CU_ASSERT_DOUBLE_EQUAL(test_csv_last(path, "giant"), 0.5, 1e-12);   /* A B | C D */
}


/*
 * report() columns are sampled at exactly the instants of the model's rows
 * and hold what the function computes there (here the informed share, by
 * hand from gossip.csv's own columns); first_time() is the first of those
 * instants at which its condition holds (found by hand in gossip.csv), nan
 * if none; a re-run from run.lua writes the same report.csv.
 */
static void test_run_reporters_sample_with_the_models(void)
{
    static const char text[] =
        "scenario { name = \"rep\", seed = 3, duration = 20, sample_every = 0.5 }\n"
        "topology { kind = \"ring\", n = 100 }\n"
        "gossip { mode = \"push\", fanout = 2, origins = { 0 } }\n"
        "at(7.25, fail { nodes = { 50, 51 } })\n"
        "report(\"share\", function(sim) return sim.metric(\"gossip.informed\") / sim.metric(\"gossip.alive\") end)\n"
        "first_time(\"third\", function(sim) return sim.metric(\"gossip.informed\") >= 33 end)\n"
        "first_time(\"never\", function(sim) return sim.metric(\"gossip.informed\") > 100 end)\n";
    char d[256], p[600], cmd[1400];
    test_tmpdir(d, sizeof d);
    CU_ASSERT_EQUAL_FATAL(test_run_scenario(d, text, 3), 0);
    double gt[64], informed[64], alive[64], rt[64], share[64];
    snprintf(p, sizeof p, "%s/out/gossip.csv", d);
    int n = test_csv_column(p, "time", gt, 64);
    test_csv_column(p, "informed", informed, 64);
    test_csv_column(p, "alive", alive, 64);
    snprintf(p, sizeof p, "%s/out/report.csv", d);
    CU_ASSERT_EQUAL_FATAL(test_csv_column(p, "time", rt, 64), n);
    test_csv_column(p, "share", share, 64);
    double third = NAN;
    for (int i = 0; i < n; i++) {
        CHECK_MSG(rt[i] == gt[i] && fabs(share[i] - informed[i] / alive[i]) < 1e-9, "row %d: t %g/%g share %g, by hand %g",
                  i, rt[i], gt[i], share[i], informed[i] / alive[i]);
        if (isnan(third) && informed[i] >= 33) {
            third = gt[i];
        }
    }
    CU_ASSERT_FALSE(isnan(third));
    snprintf(p, sizeof p, "%s/out/summary.csv", d);
    CHECK_MSG(test_csv_last(p, "third") == third, "first_time %g, by hand %g", test_csv_last(p, "third"), third);
    CU_ASSERT_TRUE(isnan(test_csv_last(p, "never")));
    snprintf(cmd, sizeof cmd, "%s run %s/out/run.lua --out %s/again --quiet --no-plot", test_binary(), d, d);
    CU_ASSERT_EQUAL(test_run_cmd(cmd, NULL, 0), 0);
    snprintf(p, sizeof p, "%s/out/report.csv", d);
    char *a = test_slurp(p);
    snprintf(p, sizeof p, "%s/again/report.csv", d);
    char *b = test_slurp(p);
    CU_ASSERT_TRUE(a != NULL && b != NULL && strcmp(a, b) == 0);
    free(a);
    free(b);
    test_rm(d);
}

/* A reporter that acts, or returns the wrong type, stops the run as bad input naming its line. */
static void test_run_reporters_cannot_act(void)
{
    static const char *const bodies[][2] = {
        { "report(\"a\", function(sim) stop {} return 1 end)", ":4: stop: actions cannot be made in a report()" },
        { "report(\"a\", function(sim) return \"x\" end)", ":4: report 'a': the function returned string, expected a number" },
        { "first_time(\"a\", function(sim) return 1 end)", ":4: first_time 'a': the function returned number, expected true or false" },
    };
    for (int i = 0; i < 3; i++) {
        char d[256], text[600], err[512], cmd[1200], out[600];
        test_tmpdir(d, sizeof d);
        snprintf(text, sizeof text, "scenario { name = \"x\", duration = 5 }\ntopology { kind = \"ring\", n = 10 }\n"
                 "gossip {}\n%s\n", bodies[i][0]);
        test_write(d, "s.lua", text);
        snprintf(out, sizeof out, "%s/out", d);
        snprintf(cmd, sizeof cmd, "%s run %s/s.lua --out %s --quiet", test_binary(), d, out);
        CU_ASSERT_EQUAL(test_run_cmd(cmd, err, sizeof err), 2);
        CHECK_MSG(strstr(err, bodies[i][1]) != NULL, "got: %s", err);
        CU_ASSERT_NOT_EQUAL(access(out, F_OK), 0);   /* nothing half-written */
        test_rm(d);
    }
}


/*
 * A sweep over scenario parameters reaches the timeline: param.fraction
 * sets how many of 200 nodes fail (20 and 60, as fail{} rounds), and
 * param.at when (2 and 3 s); each run's events.csv says so, and sweep.csv
 * names the parameters as columns.
 */
static void test_run_sweep_over_a_parameter_moves_the_timeline(void)
{
    static const char text[] =
        "param { fraction = 0.5, at = 1 }\n"
        "scenario { name = \"pv\", seed = 2, duration = 5 }\n"
        "topology { kind = \"ring\", n = 200 }\n"
        "gossip {}\n"
        "at(param.at, fail { fraction = param.fraction })\n";
    char d[256], cmd[1200], p[700];
    test_tmpdir(d, sizeof d);
    test_write(d, "s.lua", text);
    snprintf(cmd, sizeof cmd, "%s sweep %s/s.lua --vary param.fraction=0.1,0.3 --vary param.at=2,3 --reps 1 "
             "--out %s/sw --quiet --no-plot", test_binary(), d, d);
    CU_ASSERT_EQUAL_FATAL(test_run_cmd(cmd, NULL, 0), 0);
    snprintf(p, sizeof p, "%s/sw/sweep.csv", d);
    char *head = test_slurp(p);
    CHECK_MSG(head && strncmp(head, "param.fraction,param.at,rep,", 28) == 0, "sweep.csv: %.60s", head ? head : "");
    free(head);
    for (int setting = 0; setting < 4; setting++) {
        double t[4], affected[4];
        snprintf(p, sizeof p, "%s/sw/run-%04d-rep0/events.csv", d, setting);
        CU_ASSERT_EQUAL_FATAL(test_csv_column(p, "time", t, 4), 1);
        test_csv_column(p, "affected", affected, 4);
        double want_t = setting % 2 ? 3 : 2, want_n = setting < 2 ? 20 : 60;
        CHECK_MSG(t[0] == want_t && affected[0] == want_n, "setting %d: fail at %g of %g nodes, want %g of %g",
                  setting, t[0], affected[0], want_t, want_n);
    }
    test_rm(d);
}

static CU_TestInfo run_tests[] = {
    { "sweep over a parameter moves the timeline", test_run_sweep_over_a_parameter_moves_the_timeline },
    { "reporters sample with the models", test_run_reporters_sample_with_the_models },
    { "reporters cannot act", test_run_reporters_cannot_act },
    { "stop action ends the run early", test_run_stop_action_ends_the_run_early },
    { "same seed gives identical trace bytes", test_run_same_seed_gives_identical_trace_bytes },
    { "writes every output with spec columns", test_run_writes_every_output_with_spec_columns },
    { "resolved config reruns identically", test_run_resolved_config_reruns_identically },
    { "gossip never crosses a drop partition", test_run_gossip_never_crosses_a_drop_partition },
    { "queue partition loses no message", test_run_queue_partition_loses_no_message },
    { "every callback acts on metrics", test_run_every_callback_acts_on_metrics },
    { "interrupt flushes rows and marks status", test_run_interrupt_flushes_rows_and_marks_status },
    { "check prints config and writes nothing", test_run_check_prints_config_and_writes_nothing },
    { "interrupt during setup leaves nothing", test_run_interrupt_during_setup_leaves_nothing },
    { "names never reach a shell", test_run_names_never_reach_a_shell },
    { "print escapes control bytes", test_run_print_escapes_control_bytes },
    { "repeated node ids count once", test_run_repeated_node_ids_count_once },
    { "chunk action scheduled by a callback applies",
      test_run_chunk_action_scheduled_by_a_callback_applies },
    { "planted symlink is not followed", test_run_planted_symlink_is_not_followed },
    { "reused folder drops the old run's files", test_run_reused_folder_drops_the_old_runs_files },
    { "resolved config keeps set actions in time", test_run_resolved_config_keeps_set_actions_in_time },
    { "oversized scenario is refused with an estimate",
      test_run_oversized_scenario_is_refused_with_an_estimate },
    { "out of memory mid-run ends as failed", test_run_out_of_memory_mid_run_ends_as_failed },
    { "times round to the nearest nanosecond", test_run_times_round_to_the_nearest_nanosecond },
    { "queue partition releases after the remaining latency",
      test_run_queue_partition_releases_after_the_remaining_latency },
    { "explicit places build the described graph",
      test_run_explicit_places_build_the_described_graph },
    { "selectors by name fail exactly those places",
      test_run_selectors_by_name_fail_exactly_those_places },
    { "explicit places use their own units", test_run_explicit_places_use_their_own_units },
    { "caribbean example reruns identically from run.lua",
      test_run_caribbean_example_reruns_identically_from_run_lua },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_run = { .pName = "run", .pTests = run_tests };
