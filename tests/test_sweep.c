/*
 * test_sweep.c -- `mycosim sweep` end to end, through the binary: per-run rows
 * and confidence intervals recomputed by hand, an interrupted sweep (tables
 * over completed runs only, no temporaries, no child left running) resumed
 * to tables byte-identical with an uninterrupted one, a failing setting
 * listed and left out, stale folders emptied without touching a user's
 * files or following a link, --reps without --vary, replicate means and
 * half-widths against plain C formulas, and the sweep's figures: drawn
 * for what varies, listed in its manifest, removed when no longer drawn
 * (or under --no-plot) unless a user changed them.
 *
 * Student's t quantiles come from a printed table, not from GSL:
 * t(0.975, 1) = 12.7062047, t(0.975, 2) = 4.30265273.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"

static const double test_t975[] = { NAN, 12.7062047, 4.30265273 };

/* --- Helpers ------------------------------------------------------------------- */

/* A CSV file as cells: row 0 is the header. No quoted fields (none in these files). */
typedef struct test_tbl {
    char *text;
    char **cell;
    int rows, cols;            /* rows after the header */
} test_tbl;

static void test_tbl_free(test_tbl *t)
{
    free(t->text);
    free(t->cell);
    memset(t, 0, sizeof *t);
}

static int test_tbl_load(const char *path, test_tbl *t)
{
    memset(t, 0, sizeof *t);
    t->text = test_slurp(path);
    if (t->text == NULL) {
        return 0;
    }
    int lines = 0, fields = 0;
    for (const char *c = t->text; *c; c++) {
        lines += *c == '\n';
        fields += *c == ',' || *c == '\n';
    }
    t->cell = calloc((size_t)fields + 1, sizeof *t->cell);
    int k = 0, row = 0;
    char *start = t->text;
    for (char *c = t->text; *c && t->cell != NULL; c++) {
        if (*c == ',' || *c == '\n') {
            int eol = *c == '\n';
            *c = '\0';
            t->cell[k++] = start;
            start = c + 1;
            if (eol && row++ == 0) {
                t->cols = k;
            }
        }
    }
    t->rows = lines - 1;
    return t->cell != NULL && t->cols > 0 && k == t->cols * lines;
}

static int test_tbl_col(const test_tbl *t, const char *name)
{
    for (int c = 0; c < t->cols; c++) {
        if (strcmp(t->cell[c], name) == 0) {
            return c;
        }
    }
    return -1;
}

/* Cell of data row r (0-based) in column name; "" if the column is missing. */
static const char *test_tbl_get(const test_tbl *t, int r, const char *name)
{
    int c = test_tbl_col(t, name);
    return c >= 0 && r < t->rows ? t->cell[(r + 1) * t->cols + c] : "";
}

static double test_tbl_num(const test_tbl *t, int r, const char *name)
{
    const char *s = test_tbl_get(t, r, name);
    return *s ? strtod(s, NULL) : NAN;
}

/* Two values equal within a relative tolerance, NaN equal to NaN. */
static int test_close(double a, double b)
{
    if (isnan(a) || isnan(b)) {
        return isnan(a) && isnan(b);
    }
    return fabs(a - b) <= 1e-6 * (fabs(b) + 1e-9);
}

static int test_same_bytes(const char *a, const char *b)
{
    char *x = test_slurp(a), *y = test_slurp(b);
    int same = x != NULL && y != NULL && strcmp(x, y) == 0;
    if (!same) {
        fprintf(stderr, "\n    %s and %s differ\n", a, b);
    }
    free(x);
    free(y);
    return same;
}

/* A file's text without the columns named drop1 and drop2 (malloc'd). */
static char *test_without_columns(const char *path, const char *drop1, const char *drop2)
{
    test_tbl t;
    if (!test_tbl_load(path, &t)) {
        test_tbl_free(&t);
        return NULL;
    }
    int a = test_tbl_col(&t, drop1), b = test_tbl_col(&t, drop2);
    size_t cap = strlen(path) + 64;
    for (int k = 0; k < (t.rows + 1) * t.cols; k++) {
        cap += strlen(t.cell[k]) + 1;
    }
    char *out = malloc(cap + 1), *w = out;
    for (int r = 0; out != NULL && r <= t.rows; r++) {
        for (int c = 0; c < t.cols; c++) {
            if (c != a && c != b) {
                w += sprintf(w, "%s,", t.cell[r * t.cols + c]);
            }
        }
        w[-1] = '\n';
    }
    if (out != NULL) {
        *w = '\0';
    }
    test_tbl_free(&t);
    return out;
}

/* Number of files under dir whose name ends in .tmp. */
static int test_count_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    int k = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        char sub[1200];
        struct stat st;
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        size_t n = strlen(e->d_name);
        k += n > 4 && strcmp(e->d_name + n - 4, ".tmp") == 0;
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
            k += test_count_tmp(sub);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    return k;
}

/* Rows of sweep.csv whose status is ok, per value of column key (val), and in total. */
static int test_ok_rows(const test_tbl *runs, const char *key, const char *val)
{
    int k = 0;
    for (int r = 0; r < runs->rows; r++) {
        k += strcmp(test_tbl_get(runs, r, "status"), "ok") == 0
             && (key == NULL || strcmp(test_tbl_get(runs, r, key), val) == 0);
    }
    return k;
}

static int test_exists(const char *dir, const char *name)
{
    char p[1200];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return lstat(p, &st) == 0;
}

/* --- Rows and confidence intervals ------------------------------------------------- */

/* A lossy network and a partition: replicates differ, and some never inform everyone (t_all nan). */
static const char lossy_scenario[] =
    "scenario { name = \"lossy\", seed = 4, duration = 12, sample_every = 0.5 }\n"
    "topology { kind = \"barabasi_albert\", n = 1500, m = 2 }\n"
    "links { latency = { dist = \"exponential\", mean = 0.08 }, loss = 0.1 }\n"
    "gossip { mode = \"push-pull\", period = 1, stop = \"feedback-counter\", k = 2 }\n"
    "at(3, partition { groups = 2, by = \"random\" })\n";

/*
 * A sweep's per-setting statistics, recomputed here from the per-run rows
 * of sweep.csv: the mean and the 95% interval mean +- t * sd / sqrt(n).
 * Replicate r runs with the scenario's seed (4) + r, for every setting.
 */
static void test_sweep_writes_rows_and_confidence_intervals(void)
{
    static const char *const metrics[] = { "informed_final", "residue", "traffic", "t_last", "t_50", "t_90",
                                           "t_99", "t_all" };
    enum { NM = sizeof metrics / sizeof metrics[0] };
    char d[256], cmd[1200], p[600];
    test_tmpdir(d, sizeof d);
    test_write(d, "s.lua", lossy_scenario);
    snprintf(cmd, sizeof cmd, "%s sweep %s/s.lua --vary gossip.fanout=1,3 --reps 3 --jobs 2 "
             "--out %s/sw --quiet", test_binary(), d, d);
    CU_ASSERT_EQUAL(test_run_cmd(cmd, NULL, 0), 0);
    test_tbl runs, stats;
    snprintf(p, sizeof p, "%s/sw/sweep.csv", d);
    CU_ASSERT_FATAL(test_tbl_load(p, &runs) && runs.rows == 6);
    CHECK_MSG(strncmp(runs.cell[0], "gossip.fanout", 14) == 0 && strcmp(runs.cell[1], "rep") == 0
              && strcmp(runs.cell[2], "seed") == 0 && strcmp(runs.cell[3], "folder") == 0
              && strcmp(runs.cell[4], "status") == 0, "sweep.csv header starts %s,%s,%s,%s,%s",
              runs.cell[0], runs.cell[1], runs.cell[2], runs.cell[3], runs.cell[4]);
    for (int r = 0; r < 6; r++) {
        CHECK_MSG(test_tbl_num(&runs, r, "seed") == 4 + test_tbl_num(&runs, r, "rep"),
                  "row %d: rep %s ran with seed %s", r, test_tbl_get(&runs, r, "rep"),
                  test_tbl_get(&runs, r, "seed"));
        CU_ASSERT_STRING_EQUAL(test_tbl_get(&runs, r, "status"), "ok");
    }
    snprintf(p, sizeof p, "%s/sw/sweep_stats.csv", d);
    CU_ASSERT_FATAL(test_tbl_load(p, &stats) && stats.rows == 2 * NM);   /* 2 settings x the gossip metrics */
    for (int row = 0; row < stats.rows; row++) {
        const char *fan = test_tbl_get(&stats, row, "gossip.fanout");
        const char *metric = test_tbl_get(&stats, row, "metric");
        CHECK_MSG(strcmp(metric, metrics[row % NM]) == 0, "row %d: metric %s, expected %s", row, metric,
                  metrics[row % NM]);
        double sum = 0, sum2 = 0;
        int k = 0;
        for (int r = 0; r < 6; r++) {
            double v = test_tbl_num(&runs, r, metric);
            if (strcmp(test_tbl_get(&runs, r, "gossip.fanout"), fan) == 0 && !isnan(v)) {
                sum += v;
                sum2 += v * v;
                k++;
            }
        }
        CHECK_MSG(test_tbl_num(&stats, row, "n") == k && test_tbl_num(&stats, row, "n_nan") == 3 - k
                  && test_tbl_num(&stats, row, "n_excluded") == 0, "fanout %s %s: n %s n_nan %s, "
                  "counted %d", fan, metric, test_tbl_get(&stats, row, "n"),
                  test_tbl_get(&stats, row, "n_nan"), k);
        if (k < 3) {
            continue;
        }
        double m = sum / k, sd = sqrt(fmax(0, (sum2 - k * m * m) / (k - 1)));
        double half = test_t975[2] * sd / sqrt((double)k), scale = fabs(m) + half + 1e-12;
        double mean = test_tbl_num(&stats, row, "mean"), lo = test_tbl_num(&stats, row, "ci95_low");
        double hi = test_tbl_num(&stats, row, "ci95_high");
        CHECK_MSG(fabs(mean - m) <= 1e-6 * scale && fabs(lo - (m - half)) <= 1e-6 * scale
                  && fabs(hi - (m + half)) <= 1e-6 * scale,
                  "fanout %s %s: mean %.10g [%.10g, %.10g], by hand %.10g [%.10g, %.10g]", fan, metric,
                  mean, lo, hi, m, m - half, m + half);
    }
    test_tbl_free(&runs);
    test_tbl_free(&stats);
    test_rm_tree(d);
}

/* --- Interruption and resume --------------------------------------------------------- */

/* Runs of a few tenths of a second each, so a signal lands mid-sweep. */
static const char slow_scenario[] =
    "scenario { name = \"slow\", seed = 11, duration = 8, sample_every = 0.5 }\n"
    "topology { kind = \"ring\", n = 200 }\n"
    "gossip { mode = \"push-pull\", fanout = 1, period = 0.001, stop = \"never\" }\n";

/* Start `mycosim sweep` in its own process group, stderr to errpath; returns its pid. */
static pid_t test_spawn_sweep(const char *lua, const char *out, const char *errpath)
{
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, STDERR_FILENO);
        }
        execl(test_binary(), test_binary(), "sweep", lua, "--vary", "gossip.fanout=1,2", "--reps", "4",
              "--jobs", "1", "--out", out, "--quiet", (char *)NULL);
        _exit(127);
    }
    if (pid > 0) {
        setpgid(pid, pid);
    }
    return pid;
}

/* Poll (10 ms steps, at most 60 s) until path exists. */
static int test_wait_for(const char *path)
{
    struct timespec step = { 0, 10000000L };
    for (int i = 0; i < 6000; i++) {
        if (access(path, F_OK) == 0) {
            return 1;
        }
        nanosleep(&step, NULL);
    }
    return 0;
}

/* The last line of a file (static buffer). */
static const char *test_last_line(const char *path)
{
    static char line[1024];
    char *s = test_slurp(path);
    line[0] = '\0';
    if (s != NULL) {
        size_t n = strlen(s);
        while (n > 0 && s[n - 1] == '\n') {
            s[--n] = '\0';
        }
        char *last = strrchr(s, '\n');
        snprintf(line, sizeof line, "%s", last != NULL ? last + 1 : s);
    }
    free(s);
    return line;
}

/* After the interruption: statuses, counts, no temporaries. Returns the completed runs. */
static int test_check_interrupted(const char *out)
{
    char p[700];
    test_tbl runs, stats;
    snprintf(p, sizeof p, "%s/sweep.csv", out);
    CU_ASSERT_FATAL(test_tbl_load(p, &runs) && runs.rows == 8);
    snprintf(p, sizeof p, "%s/sweep_stats.csv", out);
    CU_ASSERT_FATAL(test_tbl_load(p, &stats));
    int done = test_ok_rows(&runs, NULL, NULL), unfinished = 0;
    for (int r = 0; r < runs.rows; r++) {
        const char *st = test_tbl_get(&runs, r, "status");
        unfinished += strcmp(st, "not_run") == 0 || strcmp(st, "interrupted") == 0;
        if (strcmp(st, "not_run") == 0) {
            CHECK_MSG(*test_tbl_get(&runs, r, "informed_final") == '\0', "row %d not_run has metrics", r);
        }
    }
    CHECK_MSG(done >= 1 && done < 8 && done + unfinished == 8, "%d complete, %d unfinished", done,
              unfinished);
    CHECK_MSG(strcmp(test_tbl_get(&runs, 1, "status"), "interrupted") == 0
              && *test_tbl_get(&runs, 1, "traffic") != '\0', "run-0000-rep1: status %s, traffic '%s'",
              test_tbl_get(&runs, 1, "status"), test_tbl_get(&runs, 1, "traffic"));
    for (int row = 0; row < stats.rows; row++) {
        const char *fan = test_tbl_get(&stats, row, "gossip.fanout");
        int ok = test_ok_rows(&runs, "gossip.fanout", fan);
        CHECK_MSG(test_tbl_num(&stats, row, "n") + test_tbl_num(&stats, row, "n_nan") == ok
                  && test_tbl_num(&stats, row, "n_excluded") == 4 - ok,
                  "fanout %s %s: n %s n_nan %s n_excluded %s, but %d runs complete", fan,
                  test_tbl_get(&stats, row, "metric"), test_tbl_get(&stats, row, "n"),
                  test_tbl_get(&stats, row, "n_nan"), test_tbl_get(&stats, row, "n_excluded"), ok);
        if (strcmp(test_tbl_get(&stats, row, "metric"), "traffic") == 0 && ok > 0) {
            double sum = 0;
            for (int r = 0; r < runs.rows; r++) {
                if (strcmp(test_tbl_get(&runs, r, "gossip.fanout"), fan) == 0
                    && strcmp(test_tbl_get(&runs, r, "status"), "ok") == 0) {
                    sum += test_tbl_num(&runs, r, "traffic");
                }
            }
            CHECK_MSG(test_close(test_tbl_num(&stats, row, "mean"), sum / ok),
                      "fanout %s traffic mean %s over complete runs, by hand %.10g", fan,
                      test_tbl_get(&stats, row, "mean"), sum / ok);
        }
    }
    CHECK_MSG(stats.rows == 2 * 8, "sweep_stats.csv has %d rows, not 2 settings x 8 metrics", stats.rows);
    int tmp = test_count_tmp(out);
    CHECK_MSG(tmp == 0, "%d temporaries left in %s", tmp, out);
    test_tbl_free(&runs);
    test_tbl_free(&stats);
    return done;
}

/* The resumed folder and the uninterrupted one hold the same tables. */
static void test_check_same_tables(const char *a, const char *b)
{
    static const char *const same[] = {
        "sweep_stats.csv", "settings.csv", "setting-0000/gossip_mean.csv", "setting-0001/gossip_mean.csv",
        NULL
    };
    char pa[700], pb[700];
    for (int k = 0; same[k] != NULL; k++) {
        snprintf(pa, sizeof pa, "%s/%s", a, same[k]);
        snprintf(pb, sizeof pb, "%s/%s", b, same[k]);
        CHECK_MSG(test_same_bytes(pa, pb), "%s differs between resumed and uninterrupted", same[k]);
    }
    snprintf(pa, sizeof pa, "%s/sweep.csv", a);
    snprintf(pb, sizeof pb, "%s/sweep.csv", b);
    char *x = test_without_columns(pa, "wall_s", "events_per_s");
    char *y = test_without_columns(pb, "wall_s", "events_per_s");
    CHECK_MSG(x != NULL && y != NULL && strcmp(x, y) == 0, "sweep.csv but wall_s, events_per_s:\n%s\nvs\n%s",
              x ? x : "(none)", y ? y : "(none)");
    free(x);
    free(y);
}

/*
 * SIGINT to the sweep (only to it) once the first run is written and the
 * second is in its loop: it stops its child, which writes its rows with
 * status interrupted, waits for it, writes the tables over completed runs
 * only (the interrupted run listed, not counted) and says how to resume.
 * The same command then runs only what is missing, keeping the complete
 * runs' folders as they were, and ends with the tables of an uninterrupted
 * sweep. The sweep runs in its own process group: none of it may be left.
 */
static void test_sweep_interrupted_sweep_resumes_to_identical_tables(void)
{
    char d[256], lua[300], out[300], again[300], errp[300], p[700], cmd[2000];
    test_tmpdir(d, sizeof d);
    snprintf(lua, sizeof lua, "%s", test_write(d, "slow.lua", slow_scenario));
    snprintf(out, sizeof out, "%s/sw", d);
    snprintf(again, sizeof again, "%s/whole", d);
    snprintf(errp, sizeof errp, "%s/err.txt", d);
    pid_t pid = test_spawn_sweep(lua, out, errp);
    CU_ASSERT_FATAL(pid > 0);
    snprintf(p, sizeof p, "%s/run-0000-rep1/run.lua.tmp", out);
    CU_ASSERT(test_wait_for(p));   /* the second run is in its loop (the first has its summary) */
    snprintf(p, sizeof p, "%s/run-0000-rep0/summary.csv", out);
    CU_ASSERT(access(p, F_OK) == 0);
    kill(pid, SIGINT);
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1, "exit status %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    errno = 0;
    CHECK_MSG(kill(-pid, 0) == -1 && errno == ESRCH, "a process of the sweep's group is still running");
    const char *last = test_last_line(errp);
    CHECK_MSG(strstr(last, "mycosim: sweep interrupted: ") == last
              && strstr(last, " of 8 runs complete; run the same command again to resume") != NULL,
              "last line on stderr: %s", last);
    int done = test_check_interrupted(out);
    struct stat before, after;
    CU_ASSERT_EQUAL(stat(p, &before), 0);
    snprintf(cmd, sizeof cmd, "%s sweep %s --vary gossip.fanout=1,2 --reps 4 --jobs 1 --out %s --quiet",
             test_binary(), lua, out);
    CU_ASSERT_EQUAL(test_run_cmd(cmd, NULL, 0), 0);
    CU_ASSERT_EQUAL(stat(p, &after), 0);
    CHECK_MSG(before.st_ino == after.st_ino && before.st_mtim.tv_nsec == after.st_mtim.tv_nsec,
              "a complete run (1 of %d) was run again on resume", done);
    snprintf(cmd, sizeof cmd, "%s sweep %s --vary gossip.fanout=1,2 --reps 4 --jobs 2 --out %s --quiet",
             test_binary(), lua, again);
    CU_ASSERT_EQUAL(test_run_cmd(cmd, NULL, 0), 0);
    test_check_same_tables(out, again);
    test_rm_tree(d);
}

/* --- A failing setting ------------------------------------------------------------------ */

/*
 * The callback raises an error when the rumor has reached 100 of 150 nodes
 * by t = 1: only a period of 0.1 s gets there (10 rounds), never 0.5 s or
 * 0.4 s (2 or 3 rounds reach a few dozen at most).
 */
static const char failing_scenario[] =
    "scenario { name = \"failing\", seed = 7, duration = 3, sample_every = 0.5 }\n"
    "topology { kind = \"complete\", n = 150 }\n"
    "gossip { mode = \"push\", fanout = 1, period = 0.5, stop = \"never\" }\n"
    "every(0.5, function(sim)\n"
    "  if sim.time <= 1 and sim.metric(\"gossip.informed\") >= 100 then\n"
    "    error(\"the rumor spread too fast\")\n"
    "  end\n"
    "end)\n";

static void test_sweep_failing_setting_is_listed_and_left_out(void)
{
    char d[256], cmd[1200], p[700], err[4096];
    test_tmpdir(d, sizeof d);
    test_write(d, "f.lua", failing_scenario);
    snprintf(cmd, sizeof cmd, "%s sweep %s/f.lua --vary gossip.period=0.5,0.1,0.4 --reps 2 --jobs 2 "
             "--out %s/sw --quiet", test_binary(), d, d);
    int st = test_run_cmd(cmd, err, sizeof err);
    CHECK_MSG(st == 1 && strstr(err, "run-0001-rep0 gossip.period=0.1 rep 0: error") != NULL
              && strstr(err, "the rumor spread too fast") != NULL
              && strstr(err, "2 of 6 runs did not complete") != NULL, "exit %d: %s", st, err);
    test_tbl runs, stats, sets;
    snprintf(p, sizeof p, "%s/sw/sweep.csv", d);
    CU_ASSERT_FATAL(test_tbl_load(p, &runs) && runs.rows == 6);
    for (int r = 0; r < 6; r++) {
        int bad = r == 2 || r == 3;
        CHECK_MSG(strcmp(test_tbl_get(&runs, r, "status"), bad ? "error" : "ok") == 0
                  && (*test_tbl_get(&runs, r, "traffic") == '\0') == bad, "row %d: status %s traffic '%s'",
                  r, test_tbl_get(&runs, r, "status"), test_tbl_get(&runs, r, "traffic"));
    }
    snprintf(p, sizeof p, "%s/sw/sweep_stats.csv", d);
    CU_ASSERT_FATAL(test_tbl_load(p, &stats) && stats.rows == 3 * 8);   /* 3 settings x 8 gossip metrics */
    for (int row = 0; row < stats.rows; row++) {
        int bad = strcmp(test_tbl_get(&stats, row, "gossip.period"), "0.1") == 0;
        if (strcmp(test_tbl_get(&stats, row, "metric"), "traffic") == 0) {
            CHECK_MSG(test_tbl_num(&stats, row, "n") == (bad ? 0 : 2)
                      && test_tbl_num(&stats, row, "n_excluded") == (bad ? 2 : 0)
                      && isnan(test_tbl_num(&stats, row, "mean")) == bad, "period %s: n %s n_excluded %s "
                      "mean %s", test_tbl_get(&stats, row, "gossip.period"), test_tbl_get(&stats, row, "n"),
                      test_tbl_get(&stats, row, "n_excluded"), test_tbl_get(&stats, row, "mean"));
        }
    }
    snprintf(p, sizeof p, "%s/sw/settings.csv", d);
    CU_ASSERT_FATAL(test_tbl_load(p, &sets) && sets.rows == 3);
    CU_ASSERT_STRING_EQUAL(test_tbl_get(&sets, 1, "complete"), "0");
    CU_ASSERT_STRING_EQUAL(test_tbl_get(&sets, 2, "complete"), "2");
    snprintf(p, sizeof p, "%s/sw", d);
    CU_ASSERT(!test_exists(p, "setting-0001") && test_exists(p, "setting-0002/gossip_mean.csv"));
    test_tbl_free(&runs);
    test_tbl_free(&stats);
    test_tbl_free(&sets);
    test_rm_tree(d);
}

/* --- Stale folders ----------------------------------------------------------------------- */

static const char quick_scenario[] =
    "scenario { name = \"quick\", seed = 2, duration = 3, sample_every = 0.5 }\n"
    "topology { kind = \"ring\", n = 60 }\n"
    "gossip { mode = \"push-pull\", stop = \"never\" }\n";

/*
 * Three values, then two into the same folder: the third value's run and
 * setting folders lose what mycosim wrote and go; a file a user dropped in
 * stays (and is named on stderr), so does its folder; a link outside the
 * plan is left alone and its target untouched; a link in the place of a
 * planned folder stops the sweep before it runs. A new seed runs all again.
 */
static void test_sweep_stale_folders_go_and_user_files_stay(void)
{
    char d[256], sw[300], cmd[4096], p[700], err[4096], base[900];
    test_tmpdir(d, sizeof d);
    test_write(d, "q.lua", quick_scenario);
    snprintf(sw, sizeof sw, "%s/sw", d);
    snprintf(base, sizeof base, "%s sweep %s/q.lua --out %s --quiet", test_binary(), d, sw);
    snprintf(cmd, sizeof cmd, "%s --vary gossip.fanout=1,2,3", base);
    CU_ASSERT_EQUAL_FATAL(test_run_cmd(cmd, NULL, 0), 0);
    test_write(sw, "notes.txt", "mine\n");
    test_write(sw, "run-0002-rep0/mine.txt", "mine too\n");
    snprintf(p, sizeof p, "%s/target", d);
    mkdir(p, 0777);
    test_write(p, "keep.txt", "outside\n");
    snprintf(cmd, sizeof cmd, "%s/run-0009-rep0", sw);
    CU_ASSERT_EQUAL(symlink(p, cmd), 0);
    snprintf(cmd, sizeof cmd, "%s --vary gossip.fanout=1,2", base);
    int st = test_run_cmd(cmd, err, sizeof err);
    CHECK_MSG(st == 0 && strstr(err, "run-0002-rep0/mine.txt") != NULL, "exit %d: %s", st, err);
    CU_ASSERT(test_exists(sw, "notes.txt") && test_exists(sw, "run-0002-rep0/mine.txt"));
    CU_ASSERT(!test_exists(sw, "run-0002-rep0/gossip.csv") && !test_exists(sw, "run-0002-rep0/summary.csv"));
    CU_ASSERT(!test_exists(sw, "run-0002-rep0/.mycosim-sweep-run"));
    CU_ASSERT(!test_exists(sw, "setting-0002") && test_exists(sw, "setting-0001/gossip_mean.csv"));
    CU_ASSERT(test_exists(sw, "run-0009-rep0") && test_exists(p, "keep.txt"));
    test_tbl runs;
    snprintf(p, sizeof p, "%s/sweep.csv", sw);
    CU_ASSERT(test_tbl_load(p, &runs) && runs.rows == 2 && strcmp(test_tbl_get(&runs, 1, "seed"), "2") == 0);
    test_tbl_free(&runs);
    snprintf(cmd, sizeof cmd, "%s --vary gossip.fanout=1,2 --seed 31", base);
    CU_ASSERT_EQUAL(test_run_cmd(cmd, NULL, 0), 0);
    CU_ASSERT(test_tbl_load(p, &runs) && runs.rows == 2 && strcmp(test_tbl_get(&runs, 0, "seed"), "31") == 0);
    snprintf(p, sizeof p, "%s/run-0000-rep0/summary.csv", sw);
    CHECK_MSG(test_csv_last(p, "seed") == 31, "run-0000-rep0 kept the old seed's results");
    test_tbl_free(&runs);
    snprintf(p, sizeof p, "%s/target", d);
    snprintf(cmd, sizeof cmd, "rm -r %s/run-0001-rep0 && ln -s %s %s/run-0001-rep0 && %s --vary "
             "gossip.fanout=1,2", sw, p, sw, base);
    st = test_run_cmd(cmd, err, sizeof err);
    CHECK_MSG(st == 2 && strstr(err, "run-0001-rep0 is a symbolic link") != NULL, "exit %d: %s", st, err);
    CU_ASSERT(!test_exists(p, "gossip.csv") && !test_exists(p, ".mycosim-sweep-run"));
    test_rm_tree(d);
}

/* --- --reps alone, and replicate means ---------------------------------------------------- */

static void test_sweep_reps_without_vary_is_one_setting(void)
{
    char d[256], cmd[1200], p[700];
    test_tmpdir(d, sizeof d);
    test_write(d, "q.lua", quick_scenario);
    snprintf(cmd, sizeof cmd, "%s sweep %s/q.lua --reps 3 --out %s/sw --quiet", test_binary(), d, d);
    CU_ASSERT_EQUAL_FATAL(test_run_cmd(cmd, NULL, 0), 0);
    test_tbl runs, stats, sets;
    snprintf(p, sizeof p, "%s/sw/sweep.csv", d);
    CU_ASSERT(test_tbl_load(p, &runs) && runs.rows == 3 && strcmp(runs.cell[0], "rep") == 0);
    CU_ASSERT_STRING_EQUAL(test_tbl_get(&runs, 2, "folder"), "run-0000-rep2");
    snprintf(p, sizeof p, "%s/sw/sweep_stats.csv", d);
    CU_ASSERT(test_tbl_load(p, &stats) && stats.rows == 8 && strcmp(stats.cell[0], "metric") == 0);
    CU_ASSERT_STRING_EQUAL(test_tbl_get(&stats, 0, "n"), "3");
    snprintf(p, sizeof p, "%s/sw/settings.csv", d);
    CU_ASSERT(test_tbl_load(p, &sets) && sets.rows == 1 && sets.cols == 4);
    CU_ASSERT_STRING_EQUAL(test_tbl_get(&sets, 0, "folder"), "setting-0000");
    CU_ASSERT_STRING_EQUAL(test_tbl_get(&sets, 0, "complete"), "3");
    test_tbl_free(&runs);
    test_tbl_free(&stats);
    test_tbl_free(&sets);
    test_rm_tree(d);
}

/* A model's ..._wall_s summary column (flow's solve_wall_s) stays in sweep.csv, out of sweep_stats.csv. */
static void test_sweep_wall_columns_stay_out_of_the_statistics(void)
{
    char d[256], cmd[1200], p[700];
    test_tmpdir(d, sizeof d);
    test_write(d, "f.lua", "scenario { name = 'f', duration = 2 }\n"
               "topology { kind = 'explicit', nodes = { {'S', 0, 0}, {'D', 1, 0} }, edges = { {'S', 'D'} } }\n"
               "flow { resources = { 'food' }, supply = { food = { S = 1 } }, demand = { food = { D = 1 } } }\n");
    snprintf(cmd, sizeof cmd, "%s sweep %s/f.lua --reps 2 --out %s/sw --quiet --no-plot", test_binary(), d, d);
    CU_ASSERT_EQUAL_FATAL(test_run_cmd(cmd, NULL, 0), 0);
    test_tbl runs, stats;
    snprintf(p, sizeof p, "%s/sw/sweep.csv", d);
    CU_ASSERT(test_tbl_load(p, &runs) && test_tbl_col(&runs, "solve_wall_s") >= 0);
    snprintf(p, sizeof p, "%s/sw/sweep_stats.csv", d);
    CU_ASSERT(test_tbl_load(p, &stats) && stats.rows > 0);
    int found = 0, unmet = 0;
    for (int r = 0; r < stats.rows; r++) {
        found += strcmp(test_tbl_get(&stats, r, "metric"), "solve_wall_s") == 0;
        unmet += strcmp(test_tbl_get(&stats, r, "metric"), "unmet_total") == 0;
    }
    CU_ASSERT_EQUAL(found, 0);
    CU_ASSERT_EQUAL(unmet, 1);
    test_tbl_free(&runs);
    test_tbl_free(&stats);
    test_rm_tree(d);
}

/* Replicates that stop when everyone knows: at different times, so later rows have fewer. */
static const char stopping_scenario[] =
    "scenario { name = \"stopping\", seed = 3, duration = 20, sample_every = 0.5 }\n"
    "topology { kind = \"complete\", n = 200 }\n"
    "gossip { mode = \"push\", fanout = 1, period = 1, stop = \"never\" }\n"
    "every(0.5, function(sim)\n"
    "  if sim.metric(\"gossip.informed\") >= sim.metric(\"network.alive\") then stop {} end\n"
    "end)\n";

/* Mean and half-width of column col at time text t over the replicates' tables, by hand. */
static int test_hand_mean(const test_tbl *reps, int k, const char *t, const char *col, double *mean,
                          double *half)
{
    double v[8];
    int n = 0;
    for (int r = 0; r < k; r++) {
        for (int row = 0; row < reps[r].rows; row++) {
            if (strcmp(test_tbl_get(&reps[r], row, "time"), t) == 0) {
                v[n++] = test_tbl_num(&reps[r], row, col);
            }
        }
    }
    double sum = 0, ss = 0;
    for (int i = 0; i < n; i++) {
        sum += v[i];
    }
    *mean = n > 0 ? sum / n : NAN;
    for (int i = 0; i < n; i++) {
        ss += (v[i] - *mean) * (v[i] - *mean);
    }
    *half = n > 1 ? test_t975[n - 1] * sqrt(ss / (n - 1)) / sqrt((double)n) : NAN;
    return n;
}

static void test_sweep_replicate_means_match_a_hand_computation(void)
{
    static const char *const cols[] = { "alive", "informed", "infective", "messages" };
    char d[256], cmd[1200], p[700];
    test_tmpdir(d, sizeof d);
    test_write(d, "e.lua", stopping_scenario);
    snprintf(cmd, sizeof cmd, "%s sweep %s/e.lua --reps 3 --jobs 2 --out %s/sw --quiet", test_binary(), d, d);
    CU_ASSERT_EQUAL_FATAL(test_run_cmd(cmd, NULL, 0), 0);
    test_tbl reps[3], mean;
    int longest = 0;
    for (int r = 0; r < 3; r++) {
        snprintf(p, sizeof p, "%s/sw/run-0000-rep%d/gossip.csv", d, r);
        CU_ASSERT_FATAL(test_tbl_load(p, &reps[r]));
        longest = reps[r].rows > longest ? reps[r].rows : longest;
    }
    snprintf(p, sizeof p, "%s/sw/setting-0000/gossip_mean.csv", d);
    CU_ASSERT_FATAL(test_tbl_load(p, &mean));
    CHECK_MSG(mean.rows == longest, "%d rows of means, longest replicate %d", mean.rows, longest);
    int fewer = 0;
    for (int row = 0; row < mean.rows; row++) {
        const char *t = test_tbl_get(&mean, row, "time");
        CHECK_MSG(row == 0 || test_tbl_num(&mean, row, "time") > test_tbl_num(&mean, row - 1, "time"),
                  "row %d: time %s out of order", row, t);
        for (int c = 0; c < 4; c++) {
            char mc[64], hc[64];
            double m, h;
            int n = test_hand_mean(reps, 3, t, cols[c], &m, &h);
            snprintf(mc, sizeof mc, "%s_mean", cols[c]);
            snprintf(hc, sizeof hc, "%s_ci95", cols[c]);
            CHECK_MSG(test_tbl_num(&mean, row, "n") == n && test_close(test_tbl_num(&mean, row, mc), m)
                      && test_close(test_tbl_num(&mean, row, hc), h), "t = %s %s: n %s mean %s ci95 %s; "
                      "by hand n %d mean %.10g ci95 %.10g", t, cols[c], test_tbl_get(&mean, row, "n"),
                      test_tbl_get(&mean, row, mc), test_tbl_get(&mean, row, hc), n, m, h);
            fewer += c == 0 && n < 3;
        }
    }
    CHECK_MSG(fewer > 0, "every replicate stopped at the same time: the test shows nothing");
    for (int r = 0; r < 3; r++) {
        test_tbl_free(&reps[r]);
    }
    test_tbl_free(&mean);
    test_rm_tree(d);
}

/* --- Figures ------------------------------------------------------------------------------ */

/* The figures of a sweep of the gossip model, without .gp or .png. */
static const char *const test_figures[] = { "sweep", "sweep_heat", "gossip_mean", NULL };

/* 1 if name has a line in the manifest (.mycosim-files) of folder dir. */
static int test_listed(const char *dir, const char *name)
{
    char p[1200], line[300];
    snprintf(p, sizeof p, "%s/.mycosim-files", dir);
    snprintf(line, sizeof line, "\n%s ", name);
    char *manifest = test_slurp(p);
    int listed = manifest != NULL && strstr(manifest, line) != NULL;
    free(manifest);
    return listed;
}

/* Figure name of dir: its script, and its PNG (nonempty) with gnuplot or none without, listed. */
static void test_check_figure(const char *dir, const char *name, int gnuplot)
{
    char gp[100], png[100], p[1200];
    struct stat st;
    snprintf(gp, sizeof gp, "%s.gp", name);
    snprintf(png, sizeof png, "%s.png", name);
    snprintf(p, sizeof p, "%s/%s", dir, png);
    CHECK_MSG(test_exists(dir, gp) && test_listed(dir, gp), "%s: %s missing or not in the manifest",
              dir, gp);
    if (gnuplot) {
        CHECK_MSG(stat(p, &st) == 0 && st.st_size > 0 && test_listed(dir, png),
                  "%s missing, empty or not in the manifest", p);
    } else {
        CHECK_MSG(!test_exists(dir, png), "%s drawn without gnuplot", p);
    }
}

/* The number of figure files (.gp, .png) in dir or its manifest, but skip (a name or NULL). */
static int test_count_figures(const char *dir, const char *skip)
{
    int k = 0;
    for (int i = 0; test_figures[i] != NULL; i++) {
        for (int png = 0; png < 2; png++) {
            char name[100];
            snprintf(name, sizeof name, "%s.%s", test_figures[i], png ? "png" : "gp");
            if (skip == NULL || strcmp(name, skip) != 0) {
                k += test_exists(dir, name) || test_listed(dir, name);
            }
        }
    }
    return k;
}

/*
 * Two varied keys: sweep, sweep_heat and gossip_mean, each a PNG and its
 * script, all listed in the folder's manifest. The same folder with one
 * key: no heat map, and its two files of the first sweep go. A script the
 * user edited since (sweep.gp) is theirs: a --no-plot sweep there removes
 * every other figure of the earlier sweeps and keeps it. --no-plot into a
 * new folder draws nothing.
 */
static void test_sweep_figures_follow_the_varied_keys(void)
{
    char d[256], sw[300], fresh[300], base[900], cmd[1400];
    int gnuplot = test_gnuplot_installed();
    if (!gnuplot) {
        fprintf(stderr, "\n    note: gnuplot is not installed: PNG checks skipped, scripts checked\n");
        CU_PASS("gnuplot is not installed: PNG checks skipped");
    }
    test_tmpdir(d, sizeof d);
    test_write(d, "q.lua", quick_scenario);
    snprintf(sw, sizeof sw, "%s/sw", d);
    snprintf(fresh, sizeof fresh, "%s/fresh", d);
    snprintf(base, sizeof base, "%s sweep %s/q.lua --quiet --jobs 2 --vary gossip.fanout=1,2", test_binary(),
             d);
    snprintf(cmd, sizeof cmd, "%s --vary 'gossip.mode=\"push\",\"push-pull\"' --out %s", base, sw);
    CU_ASSERT_EQUAL_FATAL(test_run_cmd(cmd, NULL, 0), 0);
    for (int i = 0; test_figures[i] != NULL; i++) {
        test_check_figure(sw, test_figures[i], gnuplot);
    }
    CU_ASSERT(test_listed(sw, "sweep.csv") && test_listed(sw, "sweep_stats.csv"));
    snprintf(cmd, sizeof cmd, "%s --out %s", base, sw);
    CU_ASSERT_EQUAL_FATAL(test_run_cmd(cmd, NULL, 0), 0);
    test_check_figure(sw, "sweep", gnuplot);
    test_check_figure(sw, "gossip_mean", gnuplot);
    CHECK_MSG(!test_exists(sw, "sweep_heat.gp") && !test_exists(sw, "sweep_heat.png")
              && !test_listed(sw, "sweep_heat.gp") && !test_listed(sw, "sweep_heat.png"),
              "the heat map of two keys stayed after a sweep of one");
    test_write(sw, "sweep.gp", "# my own version of the figure\n");
    snprintf(cmd, sizeof cmd, "%s --out %s --no-plot", base, sw);
    CU_ASSERT_EQUAL_FATAL(test_run_cmd(cmd, NULL, 0), 0);
    CHECK_MSG(test_count_figures(sw, "sweep.gp") == 0, "--no-plot left %d figure files of earlier sweeps",
              test_count_figures(sw, "sweep.gp"));
    CU_ASSERT(test_exists(sw, "sweep.gp") && !test_listed(sw, "sweep.gp"));
    CU_ASSERT(test_listed(sw, "sweep.csv") && test_exists(sw, "setting-0001/gossip_mean.csv"));
    snprintf(cmd, sizeof cmd, "%s --vary 'gossip.mode=\"push\",\"push-pull\"' --out %s --no-plot", base,
             fresh);
    CU_ASSERT_EQUAL_FATAL(test_run_cmd(cmd, NULL, 0), 0);
    CHECK_MSG(test_count_figures(fresh, NULL) == 0 && test_exists(fresh, "sweep_stats.csv"),
              "--no-plot drew %d figure files", test_count_figures(fresh, NULL));
    test_rm_tree(d);
}

static CU_TestInfo sweep_tests[] = {
    { "writes rows and confidence intervals", test_sweep_writes_rows_and_confidence_intervals },
    { "interrupted sweep resumes to identical tables",
      test_sweep_interrupted_sweep_resumes_to_identical_tables },
    { "failing setting is listed and left out", test_sweep_failing_setting_is_listed_and_left_out },
    { "stale folders go and user files stay", test_sweep_stale_folders_go_and_user_files_stay },
    { "reps without vary is one setting", test_sweep_reps_without_vary_is_one_setting },
    { "replicate means match a hand computation", test_sweep_replicate_means_match_a_hand_computation },
    { "figures follow the varied keys", test_sweep_figures_follow_the_varied_keys },
    { "wall columns stay out of the statistics", test_sweep_wall_columns_stay_out_of_the_statistics },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_sweep = { .pName = "sweep", .pTests = sweep_tests };
