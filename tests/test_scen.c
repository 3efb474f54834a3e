/*
 * test_scen.c -- the scenario loader: the bad-scenario corpus (every file in
 * tests/scenarios/bad/ names its expected error on its first line), checked
 * through the library and end to end through the binary (exit status 2, one
 * line on stderr, no output folder); --set overrides; the resolved
 * configuration (run.lua) loading back to the same configuration; every()
 * callbacks against fake run hooks; the sandbox (no escape, limits that a
 * pcall cannot catch); and math.random drawn from the seed with Lua's
 * argument rules.
 */
#include <dirent.h>
#include <math.h>
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
            snprintf(names[n++], 128, "%.127s", e->d_name);
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
    CU_ASSERT_EQUAL(test_rm_tree(dir), 0);
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

/* Load text written to dir/name; returns the scen or NULL with msg filled. */
static scen *test_scen_load_text(const char *dir, const char *name, const char *text, int64_t seed,
                                 char *msg, size_t len)
{
    scen *s = NULL;
    if (scen_load(test_write(dir, name, text), NULL, 0, seed, &s, msg, len) != SIM_OK) {
        return NULL;
    }
    return s;
}

/* The resolved configuration as text, without its first (path) line; malloc'd. */
static char *test_scen_resolved(const scen *s, const char *dir, const char *name)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        return NULL;
    }
    sim_err err = scen_write_resolved(s, f);
    fclose(f);
    char *text = err == SIM_OK ? test_slurp(path) : NULL;
    if (text != NULL) {
        char *nl = strchr(text, '\n');
        memmove(text, nl ? nl + 1 : text, strlen(nl ? nl + 1 : text) + 1);
    }
    return text;
}

/*
 * Write s's resolved configuration as dir/run.lua, load that, and check that
 * its own resolved text is the same; returns the text (malloc'd) or NULL.
 */
static char *test_scen_round_trip(const scen *s, const char *dir)
{
    char path[400], msg[512];
    char *once = test_scen_resolved(s, dir, "run.lua");
    scen *again = NULL;
    snprintf(path, sizeof path, "%s/run.lua", dir);
    sim_err err = scen_load(path, NULL, 0, -1, &again, msg, sizeof msg);
    CHECK_MSG(err == SIM_OK, "run.lua rejected: %s\n%s", msg, once ? once : "");
    char *twice = again ? test_scen_resolved(again, dir, "run2.lua") : NULL;
    CHECK_MSG(once && twice && strcmp(once, twice) == 0, "resolved texts differ:\n%s\n---\n%s",
              once ? once : "(none)", twice ? twice : "(none)");
    free(twice);
    scen_free(again);
    return once;
}

static const sim_param *test_scen_param(const sim_param *params, const char *key)
{
    while (params->key != NULL && strcmp(params->key, key) != 0) {
        params++;
    }
    return params->key != NULL ? params : NULL;
}

/* A value of model block m by key, as a pointer into its config. */
static const void *test_scen_field(const sim_config *c, uint32_t m, const char *key)
{
    const sim_param *p = test_scen_param(c->models[m].model->params, key);
    return p ? (const char *)c->models[m].cfg + p->offset : NULL;
}

static const char full[] =
    "-- every block, every value kind, a timeline and callbacks\n"
    "scenario { name = \"full\", seed = 2385, duration = 120.5, sample_every = 0.25 }\n"
    "topology { kind = \"watts_strogatz\", n = 240, k = 6, p = 0.125 }\n"
    "links { latency = { dist = \"lognormal\", median = 0.0385, sigma = 0.7 }, loss = 0.0125 }\n"
    "gossip { mode = \"push-pull\", fanout = 3, period = 1.5, sync = true, stop = \"feedback-coin\",\n"
    "         k = 4, origins = { 7, 11, 13 } }\n"
    "local third = 1 / 3\n"
    "at(40, heal {})\n"
    "at(10.75, fail { fraction = third })\n"
    "at(10.75, recover { nodes = { 5, 6 } })\n"
    "at(20, partition { groups = 3, by = \"halfplane\", mode = \"queue\" })\n"
    "at(25, fail { target = \"degree\", count = 4 })\n"
    "at(30, set { [\"gossip.fanout\"] = 2, [\"links.loss\"] = 0.25 })\n"
    "every(5, function(sim) -- a comment with end in it\n"
    "    if sim.metric(\"gossip.informed\") > 100 then heal {} end\n"
    "end)\n";

static void test_scen_resolved_config_round_trips(void)
{
    char dir[256], msg[512];
    test_tmpdir(dir, sizeof dir);
    scen *s = test_scen_load_text(dir, "full.lua", full, -1, msg, sizeof msg);
    CHECK_MSG(s != NULL, "load: %s", msg);
    if (s == NULL) {
        return;
    }
    const sim_config *c = scen_config(s);
    CU_ASSERT_STRING_EQUAL(c->scenario.name, "full");
    CU_ASSERT_EQUAL(c->scenario.seed, 2385);
    CU_ASSERT_EQUAL(c->scenario.duration, 120500000000LL);
    CU_ASSERT_EQUAL(c->scenario.sample_every, 250000000LL);
    CU_ASSERT_EQUAL(c->topology.kind, TOPO_WATTS_STROGATZ);
    CU_ASSERT_EQUAL(c->topology.n, 240);
    CU_ASSERT_EQUAL(c->topology.k, 6);
    CU_ASSERT_DOUBLE_EQUAL(c->topology.p, 0.125, 0);
    CU_ASSERT_EQUAL(c->links.latency.kind, SIM_DIST_LOGNORMAL);
    CU_ASSERT_DOUBLE_EQUAL(c->links.latency.a, 0.0385, 0);
    CU_ASSERT_DOUBLE_EQUAL(c->links.latency.b, 0.7, 0);
    CU_ASSERT_DOUBLE_EQUAL(c->links.loss, 0.0125, 0);
    CU_ASSERT_EQUAL_FATAL(c->nmodels, 1);
    CU_ASSERT_EQUAL(c->models[0].line, 5);
    CU_ASSERT_EQUAL(*(const int64_t *)test_scen_field(c, 0, "fanout"), 3);
    CU_ASSERT_EQUAL(*(const sim_time *)test_scen_field(c, 0, "period"), 1500000000LL);
    CU_ASSERT_EQUAL(*(const int *)test_scen_field(c, 0, "sync"), 1);
    const sim_nodeset *o = test_scen_field(c, 0, "origins");
    CU_ASSERT_TRUE(o->count == 3 && o->ids != NULL && o->ids[0] == 7 && o->ids[2] == 13);
    /* Timeline: sorted by time, file order kept within a time. */
    CU_ASSERT_EQUAL_FATAL(c->ntimeline, 6);
    CU_ASSERT_EQUAL(c->timeline[0].action.kind, ACT_FAIL);
    CU_ASSERT_DOUBLE_EQUAL(c->timeline[0].action.fraction, 1.0 / 3, 0);
    CU_ASSERT_EQUAL(c->timeline[0].action.count, -1);
    CU_ASSERT_EQUAL(c->timeline[0].action.line, 9);
    CU_ASSERT_EQUAL(c->timeline[1].action.kind, ACT_RECOVER);
    CU_ASSERT_EQUAL(c->timeline[1].time, 10750000000LL);
    CU_ASSERT_TRUE(c->timeline[2].action.groups == 3 && c->timeline[2].action.by == PART_HALFPLANE
                   && c->timeline[2].action.mode == PART_QUEUE);
    CU_ASSERT_TRUE(c->timeline[3].action.target == TARGET_DEGREE && c->timeline[3].action.count == 4);
    const sim_action *set = &c->timeline[4].action;
    CU_ASSERT_EQUAL_FATAL(set->nsettings, 2);
    CU_ASSERT_EQUAL(c->timeline[5].action.kind, ACT_HEAL);
    CU_ASSERT_EQUAL_FATAL(c->nevery, 1);
    CU_ASSERT_EQUAL(c->every[0].period, 5 * SIM_NS_PER_S);
    CU_ASSERT_EQUAL(c->every[0].line, 14);
    /* run.lua loads to the same configuration: its own resolved text is identical. */
    char *once = test_scen_round_trip(s, dir);
    CU_ASSERT_PTR_NOT_NULL(once ? strstr(once, "every(5, function(sim) -- a comment with end in it") : NULL);
    free(once);
    scen_free(s);
}

static void test_scen_set_bare_words_and_seed_argument(void)
{
    char dir[256], msg[512];
    test_tmpdir(dir, sizeof dir);
    const char *path = test_write(dir, "s.lua", base);
    const char *sets[] = { "gossip.stop=feedback-counter", "links.loss=0.5", "gossip.period=.75" };
    scen *s = NULL;
    CU_ASSERT_EQUAL_FATAL(scen_load(path, sets, 3, 11, &s, msg, sizeof msg), SIM_OK);
    const sim_config *c = scen_config(s);
    CU_ASSERT_EQUAL(c->scenario.seed, 11);
    CU_ASSERT_DOUBLE_EQUAL(c->links.loss, 0.5, 0);
    CU_ASSERT_EQUAL(*(const sim_time *)test_scen_field(c, 0, "period"), 750000000LL);
    const sim_param *stop = test_scen_param(c->models[0].model->params, "stop");
    CU_ASSERT_STRING_EQUAL(stop->choices[*(const int *)test_scen_field(c, 0, "stop")], "feedback-counter");
    scen_free(s);
    const char *unknown[] = { "gossip.fanut=3" };
    CU_ASSERT_EQUAL(scen_load(path, unknown, 1, -1, &s, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strcmp(msg, "--set gossip.fanut=3: gossip.fanut: unknown key (did you mean 'fanout'?)") == 0,
              "got: %s", msg);
    const char *word[] = { "gossip.fanout=many" };
    CU_ASSERT_EQUAL(scen_load(path, word, 1, -1, &s, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strcmp(msg, "--set gossip.fanout=many: gossip.fanout: expected integer, got string") == 0,
              "got: %s", msg);
    const char *runaway[] = { "gossip.fanout=(function() while true do end end)()" };
    CU_ASSERT_EQUAL(scen_load(path, runaway, 1, -1, &s, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "gossip.fanout: expected integer, got string") != NULL, "got: %s", msg);
}

/* Fake run hooks: one metric, a log of applied and scheduled actions. */
typedef struct test_scen_log {
    int napplied, nscheduled;
    act_kind applied[8];
    act_kind scheduled[8];
    sim_time when[8];
    int64_t counts[8];
} test_scen_log;

static int test_scen_metric(void *ctx, const char *name, double *value)
{
    (void)ctx;
    *value = 7.25;
    return strcmp(name, "gossip.informed") == 0;
}

static sim_err test_scen_apply(void *ctx, const sim_action *a)
{
    test_scen_log *log = ctx;
    if (log->napplied < 8) {
        log->counts[log->napplied] = a->count;
        log->applied[log->napplied++] = a->kind;
    }
    return SIM_OK;
}

static sim_err test_scen_schedule(void *ctx, sim_time t, const sim_action *a)
{
    test_scen_log *log = ctx;
    if (log->nscheduled < 8) {
        log->when[log->nscheduled] = t;
        log->scheduled[log->nscheduled++] = a->kind;
    }
    return SIM_OK;
}

static void test_scen_every_callback_reaches_the_hooks(void)
{
    char dir[256], msg[512], text[2048];
    test_tmpdir(dir, sizeof dir);
    snprintf(text, sizeof text, "%s%s", base,
             "every(2, function(sim)\n"
             "    local informed = sim.metric(\"gossip.informed\")\n"
             "    fail { count = math.floor(informed) }\n"
             "    local later = recover { count = 2 }\n"
             "    at(sim.time + 1.5, later)\n"
             "    heal {}\n"
             "end)\n"
             "every(1, function(sim) return sim.metric(\"gossip.nope\") end)\n"
             "every(1, function(sim) while true do end end)\n"
             "every(1, function(sim) at(sim.time - 1, heal {}) end)\n");
    scen *s = test_scen_load_text(dir, "cb.lua", text, -1, msg, sizeof msg);
    CHECK_MSG(s != NULL, "load: %s", msg);
    if (s == NULL) {
        return;
    }
    test_scen_log log = { 0 };
    scen_hooks hooks = { .ctx = &log, .metric = test_scen_metric, .apply = test_scen_apply,
                         .schedule = test_scen_schedule };
    CU_ASSERT_EQUAL(scen_call_every(s, 0, 4 * SIM_NS_PER_S, &hooks, msg, sizeof msg), SIM_OK);
    CU_ASSERT_EQUAL(log.napplied, 2);
    CU_ASSERT_TRUE(log.applied[0] == ACT_FAIL && log.counts[0] == 7 && log.applied[1] == ACT_HEAL);
    CU_ASSERT_EQUAL(log.nscheduled, 1);
    CU_ASSERT_TRUE(log.scheduled[0] == ACT_RECOVER && log.when[0] == 5500000000LL);
    CU_ASSERT_EQUAL(scen_call_every(s, 1, SIM_NS_PER_S, &hooks, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "cb.lua:11: sim.metric: unknown metric 'gossip.nope'") != NULL, "got: %s", msg);
    CU_ASSERT_EQUAL(scen_call_every(s, 2, SIM_NS_PER_S, &hooks, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "cb.lua:12: scenario exceeds the instruction limit (10 million per callback)") != NULL,
              "got: %s", msg);
    /* The budget is per call: a good callback runs again after one that hit the limit. */
    CU_ASSERT_EQUAL(scen_call_every(s, 0, 6 * SIM_NS_PER_S, &hooks, msg, sizeof msg), SIM_OK);
    CU_ASSERT_EQUAL(log.napplied, 4);
    CU_ASSERT_EQUAL(scen_call_every(s, 3, 3 * SIM_NS_PER_S, &hooks, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "cb.lua:13: at: time 2 is in the past (now 3)") != NULL, "got: %s", msg);
    scen_free(s);
}

/* Each snippet after the base blocks must fail with this text, never crash or hang. */
static void test_scen_sandbox_blocks_escapes(void)
{
    static const char *const cases[][2] = {
        { "io.write('x')", "s.lua:4: unknown name 'io'" },
        { "os.exit(0)", "s.lua:4: unknown name 'os'" },
        { "require('io')", "s.lua:4: unknown name 'require'" },
        { "load('return 1')", "s.lua:4: unknown name 'load'" },
        { "loadfile('s.lua')", "s.lua:4: unknown name 'loadfile'" },
        { "dofile('s.lua')", "s.lua:4: unknown name 'dofile'" },
        { "debug.sethook()", "s.lua:4: unknown name 'debug'" },
        { "package.loadlib('x', 'y')", "s.lua:4: unknown name 'package'" },
        { "collectgarbage('stop')", "s.lua:4: unknown name 'collectgarbage'" },
        { "math.randomseed(1)", "s.lua:4: attempt to call a nil value (field 'randomseed')" },
        { "gosip {}", "s.lua:4: unknown name 'gosip' (did you mean 'gossip'?)" },
        { "for i = 1, 1e12 do end", "s.lua:4: scenario exceeds the instruction limit (100 million)" },
        { "while true do pcall(function() while true do end end) end",
          "s.lua:4: scenario exceeds the instruction limit" },
        { "xpcall(function() while true do end end, function() while true do end end)",
          "s.lua:4: scenario exceeds the instruction limit" },
        { "local t = {} for i = 1, 1e9 do t[i] = i end", "s.lua: scenario exceeds the memory limit (256 MiB)" },
        { "local s = string.rep('x', 1 << 27) s = s .. s .. s", "s.lua: scenario exceeds the memory limit" },
        { "local k = {} while true do pcall(function() k[#k + 1] = string.rep('y', 1 << 20) .. #k end) end",
          "s.lua: scenario exceeds the memory limit" },
        { "setmetatable({}, { __gc = function() while true do end end })",
          "s.lua:4: setmetatable: __gc is not allowed in scenarios" },
        { "getmetatable(heal {}).__gc = print", "s.lua:4: attempt to index a string value" },
        { "string.rep('a', 2000):find('a-a-a-b')", "s.lua:4: string.find: pattern too costly" },
        { "error({})", "s.lua: the scenario raised an error that is not a string (a table)" },
        { "error('plain', 0)", "s.lua: plain" },
    };
    char dir[256], msg[512], text[1024];
    test_tmpdir(dir, sizeof dir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "%s%s\n", base, cases[i][0]);
        scen *s = test_scen_load_text(dir, "s.lua", text, -1, msg, sizeof msg);
        CHECK_MSG(s == NULL && strstr(msg, cases[i][1]) != NULL, "%s\n      got:  %s\n      want: %s",
                  cases[i][0], s ? "(loaded)" : msg, cases[i][1]);
        scen_free(s);
    }
    /* What stays available works. */
    snprintf(text, sizeof text, "%s%s", base,
             "local ok, e = pcall(error, 'caught') assert(not ok and e == 'caught')\n"
             "assert(select(2, xpcall(function() error('x', 0) end, function(m) return m .. '!' end)) == 'x!')\n"
             "assert(('a,b'):gsub(',', ';') == 'a;b' and string.format('%03d', 7) == '007')\n"
             "assert(table.concat({ 1, 2 }, '-') == '1-2' and math.floor(2.5) == 2)\n"
             "helper = 3 assert(helper == 3)\n");
    scen *s = test_scen_load_text(dir, "ok.lua", text, -1, msg, sizeof msg);
    CHECK_MSG(s != NULL, "got: %s", msg);
    scen_free(s);
}

static void test_scen_math_random_keeps_lua_argument_rules(void)
{
    char dir[256], msg[512], text[1024];
    test_tmpdir(dir, sizeof dir);
    snprintf(text, sizeof text, "%s%s", base,
             "for i = 1, 2000 do\n"
             "    local u, a, b = math.random(), math.random(6), math.random(-3, 3)\n"
             "    assert(u >= 0 and u < 1 and math.type(u) == 'float', 'u')\n"
             "    assert(a >= 1 and a <= 6 and math.type(a) == 'integer', 'a')\n"
             "    assert(b >= -3 and b <= 3, 'b')\n"
             "    local w = math.random(math.mininteger, math.maxinteger)\n"
             "    assert(math.type(math.random(0)) == 'integer')\n"
             "end\n"
             "assert(math.random(5, 5) == 5)\n");
    scen *s = test_scen_load_text(dir, "r.lua", text, -1, msg, sizeof msg);
    CHECK_MSG(s != NULL, "got: %s", msg);
    scen_free(s);
    snprintf(text, sizeof text, "%s%s", base, "local x = math.random(3, 2)\n");
    s = test_scen_load_text(dir, "e.lua", text, -1, msg, sizeof msg);
    CHECK_MSG(s == NULL && strstr(msg, "e.lua:4: math.random: interval is empty") != NULL, "got: %s", msg);
    scen_free(s);
}

static void test_scen_file_topology_path_made_absolute_in_resolved(void)
{
    char dir[256], msg[512];
    test_tmpdir(dir, sizeof dir);
    test_write(dir, "g.edges", "0 1\n1 2\n");
    scen *s = test_scen_load_text(dir, "f.lua",
                                  "scenario { duration = 5 }\n"
                                  "topology { kind = \"file\", path = \"g.edges\" }\n"
                                  "gossip {}\n", -1, msg, sizeof msg);
    CHECK_MSG(s != NULL, "got: %s", msg);
    if (s == NULL) {
        return;
    }
    char *text = test_scen_resolved(s, dir, "run.lua");
    char want[400];
    snprintf(want, sizeof want, "path = \"%s/g.edges\"", dir);
    CHECK_MSG(text != NULL && strstr(text, want) != NULL, "want %s in:\n%s", want, text ? text : "");
    free(text);
    scen_free(s);
}

/* --- The explicit topology and places by name ------------------------------------------ */

static const char places[] =
    "scenario { name = \"isles\", seed = 2385, duration = 30 }\n"
    "topology { kind = \"explicit\",\n"
    "  nodes = { {name = \"Grenada\", x = -61.679, y = 12.056}, {\"St. Vincent\", -61.287, 13.253},\n"
    "            {name = \"Say \\\"Kitts\\\"\\\\Nevis\\n\", x = 62.781, y = -17.302},\n"
    "            {y = 14.0101, name = \"Saint Lucia\", x = -60.978} },\n"
    "  edges = { {\"Grenada\", \"St. Vincent\", distance = 132.625, capacity = 2047.5},\n"
    "            {\"Saint Lucia\", \"St. Vincent\", 71.375},\n"
    "            {\"Say \\\"Kitts\\\"\\\\Nevis\\n\", \"Saint Lucia\", capacity = 0.375},\n"
    "            {\"Grenada\", \"Saint Lucia\", 0, 613} } }\n"
    "gossip { origins = { \"Saint Lucia\", 0, \"Saint Lucia\" } }\n"
    "at(4.25, fail { nodes = { \"St. Vincent\", 3, \"Grenada\" } })\n"
    "at(9.5, partition { nodes = { 2, \"Grenada\" } })\n";

static void test_scen_explicit_topology_reads_names_coordinates_and_edges(void)
{
    char dir[256], msg[512];
    test_tmpdir(dir, sizeof dir);
    scen *s = test_scen_load_text(dir, "isles.lua", places, -1, msg, sizeof msg);
    CHECK_MSG(s != NULL, "load: %s", msg);
    if (s == NULL) {
        return;
    }
    const topo_cfg *t = &scen_config(s)->topology;
    CU_ASSERT_EQUAL(t->kind, TOPO_EXPLICIT);
    CU_ASSERT_EQUAL_FATAL(t->places, 4);
    CU_ASSERT_STRING_EQUAL(t->place_name[0], "Grenada");
    CU_ASSERT_STRING_EQUAL(t->place_name[1], "St. Vincent");
    CU_ASSERT_STRING_EQUAL(t->place_name[2], "Say \"Kitts\"\\Nevis\n");
    CU_ASSERT_STRING_EQUAL(t->place_name[3], "Saint Lucia");
    CU_ASSERT_TRUE(t->place_x[0] == -61.679 && t->place_y[0] == 12.056);
    CU_ASSERT_TRUE(t->place_x[1] == -61.287 && t->place_y[1] == 13.253);
    CU_ASSERT_TRUE(t->place_x[2] == 62.781 && t->place_y[2] == -17.302);
    CU_ASSERT_TRUE(t->place_x[3] == -60.978 && t->place_y[3] == 14.0101);
    CU_ASSERT_EQUAL_FATAL(t->edges, 4);
    static const uint32_t from[] = { 0, 3, 2, 0 }, to[] = { 1, 1, 3, 3 };
    static const double dist[] = { 132.625, 71.375, NAN, 0 }, cap[] = { 2047.5, NAN, 0.375, 613 };
    for (int e = 0; e < 4; e++) {
        CHECK_MSG(t->edge_from[e] == from[e] && t->edge_to[e] == to[e], "edge %d: %u-%u, want %u-%u",
                  e, t->edge_from[e], t->edge_to[e], from[e], to[e]);
        CHECK_MSG(isnan(dist[e]) ? isnan(t->edge_distance[e]) : t->edge_distance[e] == dist[e],
                  "edge %d: distance %g, want %g", e, t->edge_distance[e], dist[e]);
        CHECK_MSG(isnan(cap[e]) ? isnan(t->edge_capacity[e]) : t->edge_capacity[e] == cap[e],
                  "edge %d: capacity %g, want %g", e, t->edge_capacity[e], cap[e]);
    }
    scen_free(s);
}

static void test_scen_bare_names_are_places_without_coordinates(void)
{
    char dir[256], msg[512];
    test_tmpdir(dir, sizeof dir);
    scen *s = test_scen_load_text(dir, "bare.lua",
                                  "scenario { duration = 7.5 }\n"
                                  "topology { kind = \"explicit\", nodes = { \"Aruba\", {\"Bonaire\"}, "
                                  "{name = \"Curacao\"} } }\n"
                                  "gossip {}\n", -1, msg, sizeof msg);
    CHECK_MSG(s != NULL, "load: %s", msg);
    if (s == NULL) {
        return;
    }
    const topo_cfg *t = &scen_config(s)->topology;
    CU_ASSERT_EQUAL_FATAL(t->places, 3);
    CU_ASSERT_STRING_EQUAL(t->place_name[1], "Bonaire");
    CU_ASSERT_TRUE(isnan(t->place_x[2]) && isnan(t->place_y[0]));
    CU_ASSERT_EQUAL(t->edges, 0);
    scen_free(s);
}

static void test_scen_node_lists_resolve_place_names_and_ids_mixed(void)
{
    char dir[256], msg[512];
    test_tmpdir(dir, sizeof dir);
    scen *s = test_scen_load_text(dir, "isles.lua", places, -1, msg, sizeof msg);
    CHECK_MSG(s != NULL, "load: %s", msg);
    if (s == NULL) {
        return;
    }
    const sim_config *c = scen_config(s);
    const sim_nodeset *o = test_scen_field(c, 0, "origins");
    CHECK_MSG(o->count == 2 && o->ids[0] == 0 && o->ids[1] == 3, "origins: %u ids, want {0, 3}",
              o->count);
    CU_ASSERT_EQUAL_FATAL(c->ntimeline, 2);
    const sim_nodeset *f = &c->timeline[0].action.nodes;
    CHECK_MSG(f->count == 3 && f->ids[0] == 0 && f->ids[1] == 1 && f->ids[2] == 3,
              "fail.nodes: %u ids, want {0, 1, 3}", f->count);
    const sim_nodeset *p = &c->timeline[1].action.nodes;
    CU_ASSERT_TRUE(c->timeline[1].action.by == PART_NODES && p->count == 2 && p->ids[0] == 0
                   && p->ids[1] == 2);
    scen_free(s);
    /* --set values are read the same way. */
    const char *path = test_write(dir, "isles.lua", places);
    const char *sets[] = { "gossip.origins={\"Say \\\"Kitts\\\"\\\\Nevis\\n\", 1}" };
    CU_ASSERT_EQUAL_FATAL(scen_load(path, sets, 1, -1, &s, msg, sizeof msg), SIM_OK);
    o = test_scen_field(scen_config(s), 0, "origins");
    CHECK_MSG(o->count == 2 && o->ids[0] == 1 && o->ids[1] == 2, "origins: %u ids, want {1, 2}",
              o->count);
    scen_free(s);
    const char *bad[] = { "gossip.origins={\"Grenda\"}" };
    CU_ASSERT_EQUAL(scen_load(path, bad, 1, -1, &s, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "--set gossip.origins={\"Grenda\"}: gossip.origins: no place named "
                     "\"Grenda\" (did you mean \"Grenada\"?)") != NULL, "got: %s", msg);
}

static void test_scen_explicit_resolved_config_round_trips_with_names(void)
{
    char dir[256], msg[512];
    test_tmpdir(dir, sizeof dir);
    scen *s = test_scen_load_text(dir, "isles.lua", places, -1, msg, sizeof msg);
    CHECK_MSG(s != NULL, "load: %s", msg);
    if (s == NULL) {
        return;
    }
    char *once = test_scen_round_trip(s, dir);
    static const char *const want[] = {
        "    { name = \"Say \\\"Kitts\\\"\\\\Nevis\\010\", x = 62.781, y = -17.302 },\n",
        "    { \"Grenada\", \"St. Vincent\", distance = 132.625, capacity = 2047.5 },\n",
        "    { \"Saint Lucia\", \"St. Vincent\", distance = 71.375 },\n",
        "    { \"Say \\\"Kitts\\\"\\\\Nevis\\010\", \"Saint Lucia\", capacity = 0.375 },\n",
        "origins = { \"Grenada\", \"Saint Lucia\" } }\n",
        "at(4.25, fail { nodes = { \"Grenada\", \"St. Vincent\", \"Saint Lucia\" } })\n",
        "at(9.5, partition { nodes = { \"Grenada\", \"Say \\\"Kitts\\\"\\\\Nevis\\010\" }, mode",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        CHECK_MSG(once != NULL && strstr(once, want[i]) != NULL, "want %s in:\n%s", want[i],
                  once ? once : "(none)");
    }
    free(once);
    scen_free(s);
}


/*
 * Scenario parameters: the file's defaults, --set overrides that reach the
 * timeline and every() callbacks, command-line errors that name the --set
 * and suggest a declared name, and run.lua that declares the values used
 * (so its copied every() bodies still read param) and round-trips.
 */
static const char with_params[] =
    "param { fraction = 0.2, heal_at = 5, region = { x = 0.5, y = 0.5, r = 0.25 }, mode = \"push\" }\n"
    "scenario { name = \"p\", seed = 3, duration = 10 }\n"
    "topology { kind = \"ring\", n = 40 }\n"
    "gossip { mode = param.mode }\n"
    "at(1, fail { fraction = param.fraction })\n"
    "at(param.heal_at, recover { fraction = 1 })\n"
    "every(1, function(sim) if sim.time >= param.heal_at + 1 then stop {} end end)\n";

static void test_scen_params_reach_the_file_and_the_command_line(void)
{
    char dir[256], msg[512];
    test_tmpdir(dir, sizeof dir);
    const char *path = test_write(dir, "p.lua", with_params);
    scen *s = NULL;
    CU_ASSERT_EQUAL_FATAL(scen_load(path, NULL, 0, -1, &s, msg, sizeof msg), SIM_OK);
    const sim_config *c = scen_config(s);
    CU_ASSERT_EQUAL(c->timeline[0].action.fraction, 0.2);
    CU_ASSERT_EQUAL(c->timeline[1].time, sim_time_from_s(5));
    scen_free(s);
    const char *sets[] = { "param.fraction=0.5", "param.heal_at=7.5", "param.mode=push-pull" };
    CU_ASSERT_EQUAL_FATAL(scen_load(path, sets, 3, -1, &s, msg, sizeof msg), SIM_OK);
    c = scen_config(s);
    CU_ASSERT_EQUAL(c->timeline[0].action.fraction, 0.5);
    CU_ASSERT_EQUAL(c->timeline[1].time, sim_time_from_s(7.5));
    CU_ASSERT_EQUAL(*(const int *)test_scen_field(c, 0, "mode"), 2);
    char *text = test_scen_resolved(s, dir, "run.lua"), rpath[400];
    snprintf(rpath, sizeof rpath, "%s/run.lua", dir);
    scen *again = NULL;
    CU_ASSERT_EQUAL_FATAL(scen_load(rpath, NULL, 0, -1, &again, msg, sizeof msg), SIM_OK);
    char *twice = test_scen_resolved(again, dir, "run2.lua");
    const char *body = text ? strstr(text, "param {") : NULL;   /* run.lua has no --set: no notes */
    CHECK_MSG(body && twice && strstr(twice, body) != NULL && strstr(twice, "-- param.") == NULL,
              "run.lua does not round-trip:\n%s\n---\n%s", text ? text : "", twice ? twice : "");
    free(twice);
    scen_free(again);
    CHECK_MSG(text && strstr(text, "param { fraction = 0.5, heal_at = 7.5, mode = \"push-pull\", "
                                   "region = { r = 0.25, x = 0.5, y = 0.5 } }\n") != NULL
              && strstr(text, "-- param.fraction: set on the command line; the file says 0.2\n") != NULL
              && strstr(text, "-- param.region") == NULL,
              "run.lua: %s", text ? text : "(none)");
    free(text);
    scen_free(s);
    static const struct { const char *set, *want; } bad[] = {
        { "param.fractoin=0.3", "--set param.fractoin=0.3: no parameter 'fractoin' in " },
        { "param.fractoin=0.3", "(did you mean 'fraction'?)" },
        { "param.zzzzzz=1", "(declared: fraction, heal_at, mode, region)" },
        { "param.fraction=\"0.3\"", "--set param.fraction=\"0.3\": param.fraction: expected a number like "
                                    "its default, got string" },
        { "param.region=0.3", "param.region: expected a table like its default, got number" },
        { "param.fraction=1,2", "the value is 2 Lua values" },
        { "fail.fraction=0.3", "'fail' is a timeline action, not a block; make the value a parameter" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *one[] = { bad[i].set };
        CU_ASSERT_EQUAL(scen_load(path, one, 1, -1, &s, msg, sizeof msg), SIM_EINPUT);
        CHECK_MSG(strstr(msg, bad[i].want) != NULL, "%s: got %s", bad[i].set, msg);
    }
    const char *none[] = { "param.x=1" };
    path = test_write(dir, "b.lua", base);
    CU_ASSERT_EQUAL(scen_load(path, none, 1, -1, &s, msg, sizeof msg), SIM_EINPUT);
    CHECK_MSG(strstr(msg, "this scenario declares none") != NULL, "got %s", msg);
    test_rm_tree(dir);
}

static CU_TestInfo scen_tests[] = {
    { "bad corpus gives expected errors", test_scen_bad_corpus_gives_expected_errors },
    { "binary exits 2 with one line and no output", test_scen_binary_exits_2_with_one_line_and_no_output },
    { "missing file is bad input", test_scen_missing_file_is_bad_input },
    { "set overrides replace keys before checks", test_scen_set_overrides_replace_keys_before_checks },
    { "math.random follows the seed", test_scen_math_random_follows_the_seed },
    { "resolved config round trips", test_scen_resolved_config_round_trips },
    { "set bare words and seed argument", test_scen_set_bare_words_and_seed_argument },
    { "every callback reaches the hooks", test_scen_every_callback_reaches_the_hooks },
    { "sandbox blocks escapes", test_scen_sandbox_blocks_escapes },
    { "math.random keeps Lua argument rules", test_scen_math_random_keeps_lua_argument_rules },
    { "file topology path made absolute in resolved", test_scen_file_topology_path_made_absolute_in_resolved },
    { "explicit topology reads names, coordinates and edges",
      test_scen_explicit_topology_reads_names_coordinates_and_edges },
    { "bare names are places without coordinates",
      test_scen_bare_names_are_places_without_coordinates },
    { "node lists resolve place names and ids mixed",
      test_scen_node_lists_resolve_place_names_and_ids_mixed },
    { "explicit resolved config round trips with names",
      test_scen_explicit_resolved_config_round_trips_with_names },
    { "params reach the file and the command line", test_scen_params_reach_the_file_and_the_command_line },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_scen = { .pName = "scen", .pTests = scen_tests };
