/*
 * test_pernode.c -- per-node keys (sim_node_values), through the test-only
 * probe model's `weight`: a number, a law drawn per node, a table by id or
 * name, a function of the node view; the errors of each; run.lua giving the
 * same values back.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "scen.h"
#include "test_util.h"

static const char head[] =
    "scenario { name = 'w', duration = 1 }\n"
    "topology { kind = 'ring', n = %d }\n";

/* Run `topology` with `probe { weight = <weight> }`; the sum of the weights. */
static double test_pernode_sum_on(const char *topology, const char *weight, long long seed,
                                  char *dir, size_t len)
{
    char text[2048];
    snprintf(text, sizeof text, "scenario { name = 'w', duration = 1 }\n%s\n"
             "probe { weight = %s }\n", topology, weight);
    test_tmpdir(dir, len);
    if (test_run_scenario(dir, text, seed) != 0) {
        return NAN;
    }
    char path[1200];
    snprintf(path, sizeof path, "%s/out/probe.csv", dir);
    return test_csv_last(path, "weight_sum");
}

/* The same on a ring of n nodes. */
static double test_pernode_sum(int n, const char *weight, long long seed, char *dir, size_t len)
{
    char topology[64];
    snprintf(topology, sizeof topology, "topology { kind = 'ring', n = %d }", n);
    return test_pernode_sum_on(topology, weight, seed, dir, len);
}

/* The error line of loading and running text (empty if it ran). */
static int test_pernode_error(const char *weight, char *msg, size_t len)
{
    char dir[256], text[2048];
    int k = snprintf(text, sizeof text, head, 10);
    snprintf(text + k, sizeof text - (size_t)k, "probe { weight = %s }\n", weight);
    test_tmpdir(dir, sizeof dir);
    return test_load_and_run(dir, "w.lua", text, msg, len);
}

static void test_pernode_number_gives_every_node_the_value(void)
{
    char dir[256];
    double sum = test_pernode_sum(40, "2.385", 1, dir, sizeof dir);
    CHECK_MSG(fabs(sum - 40 * 2.385) < 1e-9, "sum %.12g, want %.12g", sum, 40 * 2.385);
}

/* Uniform on [1, 3] over 20,000 nodes: mean 2, sd of the mean 0.0041; 6 sd. */
static void test_pernode_law_is_drawn_per_node_and_reproducible(void)
{
    char a[256], b[256], c[256];
    const char *law = "{ dist = 'uniform', min = 1, max = 3 }";
    double s1 = test_pernode_sum(20000, law, 7, a, sizeof a);
    double s2 = test_pernode_sum(20000, law, 7, b, sizeof b);
    double s3 = test_pernode_sum(20000, law, 8, c, sizeof c);
    CHECK_MSG(fabs(s1 / 20000 - 2.0) < 6 * 0.0041, "mean %g, want 2 +- 0.025", s1 / 20000);
    CU_ASSERT_EQUAL(s1, s2);
    CU_ASSERT_NOT_EQUAL(s1, s3);
    double e = test_pernode_sum(20000, "{ dist = 'exponential', mean = 2.385 }", 9, a, sizeof a);
    CHECK_MSG(fabs(e / 20000 - 2.385) < 6 * 2.385 / sqrt(20000), "exponential mean %g, want 2.385",
              e / 20000);
}

static void test_pernode_table_by_id_defaults_the_rest(void)
{
    char dir[256];
    double sum = test_pernode_sum(10, "{ [0] = 5.25, [3] = 7.125 }", 1, dir, sizeof dir);
    CU_ASSERT_DOUBLE_EQUAL(sum, 12.375 + 8 * 1.5, 1e-12);   /* the 8 others: the default 1.5 */
    char path[1200];
    snprintf(path, sizeof path, "%s/out/run.lua", dir);
    char *text = test_slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CHECK_MSG(strstr(text, "weight = { [0] = 5.25, [3] = 7.125 }") != NULL, "run.lua:\n%s", text);
    free(text);
}

static void test_pernode_function_sees_the_node_view(void)
{
    char dir[256];
    /* Ring of 10: degree 2 everywhere; ids 0..9 sum to 45. */
    double sum = test_pernode_sum(10, "function(node) return node.degree * 1.5 + node.id end", 1,
                                  dir, sizeof dir);
    CU_ASSERT_DOUBLE_EQUAL(sum, 75.0, 1e-12);
    /* The resolved file re-runs to the same values. */
    char path[1400], out[1200], msg[512];
    snprintf(path, sizeof path, "%s/out/run.lua", dir);
    snprintf(out, sizeof out, "%s/again", dir);
    scen *s = NULL;
    sim_err err = scen_load(path, NULL, 0, -1, &s, msg, sizeof msg);
    CHECK_MSG(err == SIM_OK, "run.lua: %s", msg);
    if (err != SIM_OK) {
        return;
    }
    run_opts o = { .out_dir = out, .quiet = 1, .no_plot = 1 };
    CU_ASSERT_EQUAL(run_scenario(s, &o, msg, sizeof msg), SIM_OK);
    scen_free(s);
    snprintf(path, sizeof path, "%s/probe.csv", out);
    CU_ASSERT_DOUBLE_EQUAL(test_csv_last(path, "weight_sum"), 75.0, 1e-12);
    /* A path of 10 (degrees 1, 2, ..., 2, 1) and a 3 x 4 grid with x, y in [0, 1]. */
    CU_ASSERT_DOUBLE_EQUAL(test_pernode_sum_on("topology { kind = 'lattice', dims = {10} }",
                                               "function(node) return node.degree end", 1,
                                               dir, sizeof dir), 18.0, 1e-12);
    double xy = test_pernode_sum_on("topology { kind = 'lattice', dims = {3, 4} }",
                                    "function(node) return node.x + 2 * node.y end", 1,
                                    dir, sizeof dir);
    CHECK_MSG(fabs(xy - 18.0) < 1e-5, "sum of x + 2y on the grid %g, want 18", xy);
}

static void test_pernode_errors_name_the_line_key_and_node(void)
{
    static const struct { const char *weight; const char *want; } cases[] = {
        { "-1", "w.lua:3: probe.weight: must be in [0, 1e+06], got -1" },
        { "'heavy'", "w.lua:3: probe.weight: per-node: expected a number, a law" },
        { "{ [0] = 'x' }", "w.lua:3: probe.weight: expected number, got string" },
        { "{ Cuba = 2 }", "w.lua:3: probe.weight: no node named \"Cuba\" (this topology has no names" },
        { "{ [10] = 2 }", "w.lua:3: probe.weight: no node 10 (ids are 0 .. 9)" },
        { "function(node) return 'x' end", "w.lua:3: probe.weight: the function returned string for node 0" },
        { "function(node) return node.id - 4 end", "w.lua:3: probe.weight: node 0 has -4, expected a value" },
        { "function(node) return node.nope.x end", "w.lua:3: attempt to index a nil value" },
        { "function(node) fail { count = 1 } return 1 end", "fail: actions cannot be made in a per-node function" },
        { "function(node) while true do end end", "instruction" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char msg[512];
        int err = test_pernode_error(cases[i].weight, msg, sizeof msg);
        CHECK_MSG(err == SIM_EINPUT && strstr(msg, cases[i].want) != NULL,
                  "weight = %s: got %d '%s', want '%s'", cases[i].weight, err, msg, cases[i].want);
    }
}

/*
 * A probe with names and amounts: the last row's names and amounts, and the
 * amounts of the run's own run.lua run again (the map written back as read).
 */
static void test_pernode_map_and_list(const char *keys, double *names, double *amounts,
                                      double *again)
{
    char dir[256], text[2048], path[700], msg[512];
    int k = snprintf(text, sizeof text, head, 10);
    snprintf(text + k, sizeof text - (size_t)k, "probe { %s }\n", keys);
    test_tmpdir(dir, sizeof dir);
    CU_ASSERT_EQUAL_FATAL(test_run_scenario(dir, text, 1), 0);
    snprintf(path, sizeof path, "%s/out/probe.csv", dir);
    *names = test_csv_last(path, "names");
    *amounts = test_csv_last(path, "amounts");
    snprintf(path, sizeof path, "%s/out/run.lua", dir);
    scen *s = NULL;
    *again = NAN;
    if (scen_load(path, NULL, 0, -1, &s, msg, sizeof msg) == SIM_OK) {
        char out[700];
        snprintf(out, sizeof out, "%s/again", dir);
        run_opts o = { .out_dir = out, .quiet = 1, .no_plot = 1 };
        if (run_scenario(s, &o, msg, sizeof msg) == SIM_OK) {
            snprintf(path, sizeof path, "%s/again/probe.csv", dir);
            *again = test_csv_last(path, "amounts");
        }
    }
    scen_free(s);
    CU_ASSERT_EQUAL(test_rm_tree(dir), 0);
}

/* names counted; amounts sorted by name: a (weight 1) then b (weight 2), over 10 nodes. */
static void test_pernode_maps_are_read_by_name_in_name_order(void)
{
    double names, amounts, again;
    test_pernode_map_and_list("names = { 'food', 'water', 'power' }, amounts = { b = 2, a = 0.5 }",
                              &names, &amounts, &again);
    CHECK_MSG(names == 3, "names %g, want 3", names);
    CHECK_MSG(fabs(amounts - (10 * 0.5 * 1 + 10 * 2 * 2)) < 1e-9, "amounts %g, want 45", amounts);
    CHECK_MSG(again == amounts, "run.lua again: amounts %g, first run %g", again, amounts);
    test_pernode_map_and_list("amounts = { z = function(node) return node.id end, "
                              "m = { [3] = 7 } }", &names, &amounts, &again);
    /* m: node 3 has 7, the rest 0 (weight 1); z: 0 + 1 + ... + 9 = 45 (weight 2) */
    CHECK_MSG(fabs(amounts - (7 + 2 * 45)) < 1e-9, "amounts %g, want 97", amounts);
    CHECK_MSG(again == amounts, "run.lua again: amounts %g, first run %g", again, amounts);
}

static void test_pernode_map_and_list_errors(void)
{
    static const struct { const char *keys, *want; } cases[] = {
        { "names = { 'a', 'a' }", "probe.names: 'a' is listed twice" },
        { "names = {}", "probe.names: give 1 to 64 names, got 0" },
        { "names = { 'a b' }", "probe.names[1]: expected a name" },
        { "names = { 3 }", "probe.names[1]: expected a name" },
        { "amounts = { [1] = 3 }", "probe.amounts: keys are names such as food, got number" },
        { "amounts = 3", "probe.amounts: expected a table keyed by name" },
        { "amounts = { a = -1 }", "probe.amounts.a: must be in [0, 1e+06], got -1" },
        { "amounts = { a = 'x' }", "probe.amounts.a: per-node: expected a number" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char dir[256], text[2048], msg[512] = "";
        int k = snprintf(text, sizeof text, head, 10);
        snprintf(text + k, sizeof text - (size_t)k, "probe { %s }\n", cases[i].keys);
        test_tmpdir(dir, sizeof dir);
        scen *s = NULL;
        sim_err err = scen_load(test_write(dir, "m.lua", text), NULL, 0, 1, &s, msg, sizeof msg);
        scen_free(s);
        CHECK_MSG(err == SIM_EINPUT && strstr(msg, cases[i].want) != NULL, "%s:\n      got:  %s\n"
                  "      want: %s", cases[i].keys, msg, cases[i].want);
        CU_ASSERT_EQUAL(test_rm_tree(dir), 0);
    }
}

static CU_TestInfo pernode_tests[] = {
    { "number gives every node the value", test_pernode_number_gives_every_node_the_value },
    { "law is drawn per node and reproducible", test_pernode_law_is_drawn_per_node_and_reproducible },
    { "table by id defaults the rest", test_pernode_table_by_id_defaults_the_rest },
    { "function sees the node view", test_pernode_function_sees_the_node_view },
    { "errors name the line, key and node", test_pernode_errors_name_the_line_key_and_node },
    { "maps are read by name in name order", test_pernode_maps_are_read_by_name_in_name_order },
    { "map and list errors", test_pernode_map_and_list_errors },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_pernode = { .pName = "pernode", .pTests = pernode_tests };
