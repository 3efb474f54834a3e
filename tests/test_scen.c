/*
 * test_scen.c -- the scenario loader: the bad-scenario corpus (every file in
 * tests/scenarios/bad/ names its expected error on its first line), checked
 * through the library and end to end through the binary (exit status 2, one
 * line on stderr, no output folder); --set overrides; the sandbox; and
 * math.random drawn from the seed.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scen.h"
#include "test_util.h"

#define CORPUS "tests/scenarios/bad"

static int test_scen_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The corpus file names, sorted; returns the count. */
static int test_scen_corpus(char names[][128], int max)
{
    DIR *d = opendir(CORPUS);
    int n = 0;
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL && n < max) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".lua") == 0) {
            snprintf(names[n++], 128, "%s", e->d_name);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    qsort(names, (size_t)n, sizeof names[0], test_scen_cmp);
    return n;
}

/* The text after "-- expect: " on the first line. */
static void test_scen_expect(const char *path, char *out, size_t len)
{
    char *s = test_slurp(path);
    out[0] = '\0';
    if (s != NULL && strncmp(s, "-- expect: ", 11) == 0) {
        s[strcspn(s, "\n")] = '\0';
        snprintf(out, len, "%s", s + 11);
    }
    free(s);
}

static char corpus[256][128];

static void test_scen_bad_corpus_gives_expected_errors(void)
{
    int n = test_scen_corpus(corpus, 256);
    CHECK_MSG(n >= 30, "only %d bad scenarios in %s", n, CORPUS);
    for (int i = 0; i < n; i++) {
        char path[300], want[512], msg[512];
        snprintf(path, sizeof path, "%s/%.200s", CORPUS, corpus[i]);
        test_scen_expect(path, want, sizeof want);
        CHECK_MSG(want[0] != '\0', "%s: no '-- expect:' line", corpus[i]);
        scen *s = NULL;
        sim_err err = scen_load(path, NULL, 0, -1, &s, msg, sizeof msg);
        CHECK_MSG(err == SIM_EINPUT && s == NULL, "%s: loaded (err %d)", corpus[i], (int)err);
        CHECK_MSG(strstr(msg, want) != NULL, "%s:\n      got:  %s\n      want: %s", corpus[i], msg, want);
        CHECK_MSG(strchr(msg, '\n') == NULL, "%s: message has several lines", corpus[i]);
        scen_free(s);
    }
}

static void test_scen_binary_exits_2_with_one_line_and_no_output(void)
{
    int n = test_scen_corpus(corpus, 256);
    char dir[256];
    test_tmpdir(dir, sizeof dir);
    for (int i = 0; i < n; i++) {
        char path[300], want[512], err[2048], cmd[1024], out[400];
        snprintf(path, sizeof path, "%s/%.200s", CORPUS, corpus[i]);
        snprintf(out, sizeof out, "%s/out%d", dir, i);
        test_scen_expect(path, want, sizeof want);
        snprintf(cmd, sizeof cmd, "%s run %s --out %s --no-plot", test_binary(), path, out);
        int st = test_run_cmd(cmd, err, sizeof err);
        CHECK_MSG(st == 2, "%s: exit status %d", corpus[i], st);
        size_t len = strlen(err);
        int one_line = len > 0 && err[len - 1] == '\n' && strchr(err, '\n') == err + len - 1;
        CHECK_MSG(one_line && strncmp(err, "mycosim: ", 9) == 0 && strstr(err, want) != NULL,
                  "%s: stderr was: %s", corpus[i], err);
        struct stat sb;
        CHECK_MSG(stat(out, &sb) != 0, "%s: output folder created", corpus[i]);
    }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

static void test_scen_missing_file_is_bad_input(void)
{
    char msg[256];
    scen *s = NULL;
    CU_ASSERT_EQUAL(scen_load("tests/scenarios/no_such.lua", NULL, 0, -1, &s, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "no_such.lua: cannot open scenario file") != NULL, "got: %s", msg);
}

static const char base[] =
    "scenario { name = \"t\", seed = 3, duration = 10 }\n"
    "topology { kind = \"ring\", n = 40 }\n"
    "gossip { fanout = 2 }\n";

static void test_scen_set_overrides_replace_keys_before_checks(void)
{
    char dir[256], msg[512];
    test_tmpdir(dir, sizeof dir);
    const char *path = test_write(dir, "s.lua", base);
    const char *sets[] = { "gossip.fanout=5", "gossip.mode=push-pull", "topology.n=77", "scenario.seed=9" };
    scen *s = NULL;
    CU_ASSERT_EQUAL_FATAL(scen_load(path, sets, 4, -1, &s, msg, sizeof msg), SIM_OK);
    const sim_config *c = scen_config(s);
    CU_ASSERT_EQUAL(c->topology.n, 77);
    CU_ASSERT_EQUAL(c->scenario.seed, 9);
    CU_ASSERT_EQUAL(*(const int64_t *)(const void *)((const char *)c->models[0].cfg + c->models[0].model->params[1].offset), 5);
    scen_free(s);
    const char *bad[] = { "gossip.fanout=0" };
    CU_ASSERT_EQUAL(scen_load(path, bad, 1, -1, &s, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "--set gossip.fanout=0: gossip.fanout: must be in [1, 1024], got 0") != NULL, "got: %s", msg);
    const char *absent[] = { "credit.lambda=0.1" };
    CU_ASSERT_EQUAL(scen_load(path, absent, 1, -1, &s, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "no block 'credit'") != NULL, "got: %s", msg);
    const char *shape[] = { "fanout=3" };
    CU_ASSERT_EQUAL(scen_load(path, shape, 1, -1, &s, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "expected block.key=VALUE") != NULL, "got: %s", msg);
}

static void test_scen_math_random_follows_the_seed(void)
{
    char dir[256], msg[512], text[1024];
    test_tmpdir(dir, sizeof dir);
    snprintf(text, sizeof text,
             "scenario { name = \"r\", seed = 3, duration = 10 }\n"
             "topology { kind = \"ring\", n = 1000 }\n"
             "gossip { origins = { math.random(0, 999), math.random(0, 999), math.random(0, 999) } }\n");
    const char *path = test_write(dir, "r.lua", text);
    uint32_t ids[3][3];
    int64_t seeds[3] = { -1, -1, 4 };
    for (int r = 0; r < 3; r++) {
        scen *s = NULL;
        CU_ASSERT_EQUAL_FATAL(scen_load(path, NULL, 0, seeds[r], &s, msg, sizeof msg), SIM_OK);
        const sim_config *c = scen_config(s);
        const sim_param *p = c->models[0].model->params;
        while (strcmp(p->key, "origins") != 0) {
            p++;
        }
        const sim_nodeset *o = (const void *)((const char *)c->models[0].cfg + p->offset);
        for (int i = 0; i < 3; i++) {
            ids[r][i] = o->ids[i];
        }
        scen_free(s);
    }
    CU_ASSERT_TRUE(memcmp(ids[0], ids[1], sizeof ids[0]) == 0);
    CU_ASSERT_FALSE(memcmp(ids[0], ids[2], sizeof ids[0]) == 0);
}

static CU_TestInfo scen_tests[] = {
    { "bad corpus gives expected errors", test_scen_bad_corpus_gives_expected_errors },
    { "binary exits 2 with one line and no output", test_scen_binary_exits_2_with_one_line_and_no_output },
    { "missing file is bad input", test_scen_missing_file_is_bad_input },
    { "set overrides replace keys before checks", test_scen_set_overrides_replace_keys_before_checks },
    { "math.random follows the seed", test_scen_math_random_follows_the_seed },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_scen = { .pName = "scen", .pTests = scen_tests };
