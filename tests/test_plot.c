/*
 * test_plot.c -- the gnuplot figures, read as script text (never pixels):
 * titles, y labels, constant columns left out and named, timeline marks
 * from events.csv, a hostile scenario name reduced to a safe form, the
 * network figure, the sweep figures (error bars, one line per value of the
 * second key, a heat map, mean bands) from hand-written sweep files, and
 * every scenario of scenarios/ run through the binary: each PNG its
 * manifest names exists (when gnuplot is installed) and each script
 * carries the labels.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plot.h"
#include "test_util.h"

/* gossip.csv: alive constant, the other columns varying. */
static const char gossip_csv[] =
    "time,alive,informed,infective,messages\n"
    "0,10000,1,1,0\n"
    "1,10000,7,5,12\n"
    "2.5,10000,85,40,131\n"
    "4,10000,2385,700,4411\n";

/* Two actions at one instant, odd lines, a quoted detail holding a comma and a newline. */
static const char events_csv[] =
    "time,action,detail,affected\n"
    "5,partition,by=random groups=2 mode=drop links_cut,14934\n"
    "not a number,fail,x,1\n"
    "\n"
    "7.25\n"
    "12.5,fail,\"nodes=SECRETDETAIL, \"\"B\"\"\nsecond line\",2\n"
    "12.5,recover,nodes=SECRETDETAIL,2\n"
    "25.5,heal,released_held,0\n";

static const sim_model *test_plot_model(const char *name)
{
    for (const sim_model *const *m = sim_models; *m != NULL; m++) {
        if (strcmp((*m)->name, name) == 0) {
            return *m;
        }
    }
    return NULL;
}

/* The script of a writer as a malloc'd string; *err gets its result. */
static char *test_plot_text(sim_err (*write)(FILE *, const void *), const void *ctx, sim_err *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL) {
        return NULL;
    }
    *err = write(f, ctx);
    fclose(f);
    return text;
}

static sim_err test_plot_gossip_writer(FILE *f, const void *r)
{
    return plot_model_script(f, r, test_plot_model("gossip"));
}

static sim_err test_plot_network_writer(FILE *f, const void *r)
{
    return plot_network_script(f, r);
}

static sim_err test_plot_sweep_writer(FILE *f, const void *dir)
{
    return plot_sweep_script(f, dir);
}

static sim_err test_plot_heat_writer(FILE *f, const void *dir)
{
    return plot_heat_script(f, dir);
}

static sim_err test_plot_mean_writer(FILE *f, const void *dir)
{
    return plot_mean_script(f, dir, test_plot_model("gossip"));
}

/* The gossip script of a run folder holding gossip.csv and, if not NULL, events.csv. */
static char *test_plot_gossip(const char *d, const char *scenario, const char *events)
{
    sim_err err = SIM_EINTERNAL;
    test_write(d, "gossip.csv", gossip_csv);
    if (events != NULL) {
        test_write(d, "events.csv", events);
    }
    plot_run r = { .dir = d, .scenario = scenario, .seed = 2385 };
    char *text = test_plot_text(test_plot_gossip_writer, &r, &err);
    CHECK_MSG(err == SIM_OK && text != NULL, "plot_model_script: error %d", (int)err);
    return text;
}

static int test_has(const char *text, const char *want)
{
    int ok = text != NULL && strstr(text, want) != NULL;
    if (!ok) {
        fprintf(stderr, "\n    script lacks: %s\n", want);
    }
    return ok;
}

static int test_count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; p != NULL && (p = strstr(p, needle)) != NULL; p++) {
        n++;
    }
    return n;
}

static void test_plot_title_names_scenario_seed_and_model(void)
{
    char d[256];
    test_tmpdir(d, sizeof d);
    char *a = test_plot_gossip(d, "quick start", events_csv);
    char *b = test_plot_gossip(d, "quick start", events_csv);
    CU_ASSERT_TRUE(test_has(a, "title 'quick start' . ', seed 2385: gossip'"));
    CU_ASSERT_TRUE(test_has(a, "set xlabel 'time (s)'"));
    CU_ASSERT_TRUE(test_has(a, "plot 'gossip.csv' using 1:3 "));
    CU_ASSERT_TRUE(test_has(a, "if (!exists('out')) out = 'gossip.png'"));
    CHECK_MSG(a != NULL && b != NULL && strcmp(a, b) == 0, "two scripts of one folder differ");
    CHECK_MSG(a != NULL && strstr(a, d) == NULL, "the script names its folder %s", d);
    free(a);
    free(b);
    test_rm_tree(d);
}

static void test_plot_every_drawn_column_has_its_label(void)
{
    char d[256];
    test_tmpdir(d, sizeof d);
    char *t = test_plot_gossip(d, "s", NULL);
    CU_ASSERT_TRUE(test_has(t, "set ylabel 'informed nodes'\nset yrange [*:*]\n"
                               "plot 'gossip.csv' using 1:3 "));
    CU_ASSERT_TRUE(test_has(t, "set ylabel 'infective nodes'\nset yrange [*:*]\n"
                               "plot 'gossip.csv' using 1:4 "));
    CU_ASSERT_TRUE(test_has(t, "set ylabel 'messages carrying the' . \"\\n\" . 'rumor (cumulative)'\n"
                               "set yrange [*:*]\nplot 'gossip.csv' using 1:5 "));
    CU_ASSERT_EQUAL(test_count(t, "\nplot "), 3);
    CU_ASSERT_TRUE(test_has(t, "set multiplot layout 2,2 "));
    free(t);
    test_rm_tree(d);
}

static void test_plot_constant_column_is_left_out_and_noted(void)
{
    char d[256];
    test_tmpdir(d, sizeof d);
    char *t = test_plot_gossip(d, "s", NULL);
    CHECK_MSG(t != NULL && strstr(t, "using 1:2 ") == NULL, "the constant alive is drawn");
    CHECK_MSG(t != NULL && strstr(t, "'alive nodes'") == NULL, "the constant alive has a label");
    CU_ASSERT_TRUE(test_has(t, "set label 1000 'constant: alive = 10000' at screen"));
    CU_ASSERT_TRUE(test_has(t, "using 1:3 with lines linewidth 2 linecolor rgb '#1f5fa8'\nunset label 1000\n"));
    free(t);
    sim_err err = SIM_EINTERNAL;
    test_write(d, "gossip.csv", "time,alive,informed,infective,messages\n0,40,1,1,0\n");
    plot_run r = { .dir = d, .scenario = "s", .seed = 1 };
    t = test_plot_text(test_plot_gossip_writer, &r, &err);   /* one row: every column constant */
    CU_ASSERT_EQUAL(err, SIM_OK);
    CU_ASSERT_EQUAL(test_count(t, "\nplot 'gossip.csv'"), 4);
    CHECK_MSG(t != NULL && strstr(t, "constant:") == NULL, "a note when every column is drawn");
    free(t);
    test_rm_tree(d);
}

static void test_plot_actions_are_marked_with_their_names(void)
{
    char d[256];
    test_tmpdir(d, sizeof d);
    char *t = test_plot_gossip(d, "s", events_csv);
    CU_ASSERT_TRUE(test_has(t, "set arrow from 5, graph 0 to 5, graph 1 nohead dashtype 2"));
    CU_ASSERT_TRUE(test_has(t, "set label 'partition' at first 5, graph 0.97"));
    CU_ASSERT_TRUE(test_has(t, "set arrow from 12.5, graph 0 to 12.5, graph 1 nohead"));
    CU_ASSERT_TRUE(test_has(t, "set label 'fail+recover' at first 12.5,"));
    CU_ASSERT_TRUE(test_has(t, "set label 'heal' at first 25.5,"));
    CU_ASSERT_EQUAL(test_count(t, "set arrow"), 3);
    CHECK_MSG(t != NULL && strstr(t, "SECRETDETAIL") == NULL && strstr(t, "7.25") == NULL,
              "a detail or an odd line reached the script");
    free(t);
    test_rm_tree(d);
}

static void test_plot_many_actions_are_marked_without_labels(void)
{
    char d[256], events[4096] = "time,action,detail,affected\n";
    test_tmpdir(d, sizeof d);
    for (int i = 0; i < PLOT_MAX_LABELS + 5; i++) {
        size_t k = strlen(events);
        snprintf(events + k, sizeof events - k, "%d.5,fail,count=1,1\n", i);
    }
    char *t = test_plot_gossip(d, "s", events);
    CU_ASSERT_EQUAL(test_count(t, "set arrow"), PLOT_MAX_LABELS + 5);
    CU_ASSERT_EQUAL(test_count(t, "set label 'fail'"), 0);
    CU_ASSERT_TRUE(test_has(t, "dashed: timeline actions at 25 instants"));
    free(t);
    char *none = test_plot_gossip(d, "s", "");
    CU_ASSERT_EQUAL(test_count(none, "set arrow"), 0);
    free(none);
    test_rm_tree(d);
}

static void test_plot_hostile_scenario_name_is_reduced(void)
{
    char d[256];
    test_tmpdir(d, sizeof d);
    char *t = test_plot_gossip(d, "x';system(\"id\")`touch P`\n$(rm) @m \\\\'", NULL);
    CU_ASSERT_TRUE(test_has(t, "title 'x__system(_id_)_touch P___(rm) _m ___' . ', seed 2385"));
    CHECK_MSG(t != NULL && strpbrk(t, "`$@;") == NULL, "a backquote, $, @ or ; reached the script");
    CHECK_MSG(t != NULL && strstr(t, "\\\\") == NULL && strstr(t, "''") == NULL,
              "a backslash or a doubled quote reached the script");
    free(t);
    test_rm_tree(d);
}

static void test_plot_network_has_giant_and_components(void)
{
    char d[256];
    sim_err err = SIM_EINTERNAL;
    test_tmpdir(d, sizeof d);
    test_write(d, "network.csv", "time,alive,links_up,components,giant,blocked\n"
                                 "0,500,12300,1,1,0\n3,500,12250,10,0.1,0\n9,500,12300,1,1,0\n");
    test_write(d, "events.csv", "time,action,detail,affected\n3,partition,cells,50\n");
    plot_run r = { .dir = d, .scenario = "cells", .seed = 5 };
    char *t = test_plot_text(test_plot_network_writer, &r, &err);
    CU_ASSERT_EQUAL(err, SIM_OK);
    CU_ASSERT_TRUE(test_has(t, "title 'cells' . ', seed 5: network'"));
    CU_ASSERT_TRUE(test_has(t, "'giant component' . \"\\n\" . '(fraction of nodes)'\n"
                               "set yrange [0:1.05]\nplot 'network.csv' using 1:5 "));
    CU_ASSERT_TRUE(test_has(t, "set ylabel 'connected components'\nset yrange [*:*]\n"
                               "plot 'network.csv' using 1:4 "));
    CU_ASSERT_TRUE(test_has(t, "set ylabel 'links up'"));
    CU_ASSERT_TRUE(test_has(t, "'constant: alive = 500, blocked = 0'"));
    CU_ASSERT_TRUE(test_has(t, "set label 'partition' at first 3,"));
    free(t);
    test_rm_tree(d);
}

/* Without gnuplot on PATH the script is still written, and no PNG; --no-plot writes nothing. */
static void test_plot_without_gnuplot_writes_the_script_only(void)
{
    char d[256], p[512];
    test_tmpdir(d, sizeof d);
    test_write(d, "gossip.csv", gossip_csv);
    const char *path = getenv("PATH");
    char *saved = strdup(path != NULL ? path : "");
    plot_run r = { .dir = d, .scenario = "s", .seed = 1, .quiet = 1, .no_plot = 1 };
    CU_ASSERT_EQUAL(plot_model(&r, test_plot_model("gossip")), 0);
    snprintf(p, sizeof p, "%s/gossip.gp", d);
    CU_ASSERT_NOT_EQUAL(access(p, F_OK), 0);
    r.no_plot = 0;
    setenv("PATH", "/nonexistent", 1);
    int got = plot_model(&r, test_plot_model("gossip"));
    setenv("PATH", saved, 1);
    free(saved);
    CU_ASSERT_EQUAL(got, PLOT_GP);
    CU_ASSERT_EQUAL(access(p, F_OK), 0);
    snprintf(p, sizeof p, "%s/gossip.png", d);
    CU_ASSERT_NOT_EQUAL(access(p, F_OK), 0);
    snprintf(p, sizeof p, "%s/gossip.png.tmp", d);
    CU_ASSERT_NOT_EQUAL(access(p, F_OK), 0);
    test_rm_tree(d);
}

/* Labels, where a model gives them, run parallel to its columns. */
static void test_plot_model_labels_parallel_columns(void)
{
    for (const sim_model *const *m = sim_models; *m != NULL; m++) {
        int i = 0;
        for (; (*m)->labels != NULL && (*m)->columns[i] != NULL; i++) {
            CHECK_MSG((*m)->labels[i] != NULL && (*m)->labels[i][0] != '\0',
                      "%s: no label for column %s", (*m)->name, (*m)->columns[i]);
        }
        CHECK_MSG((*m)->labels == NULL || (*m)->labels[i] == NULL,
                  "%s: more labels than columns", (*m)->name);
    }
}

/* --- Sweeps ------------------------------------------------------------------------------ */

static const char stats_two_keys[] =
    "gossip.mode,gossip.fanout,metric,n,n_nan,n_excluded,mean,ci95_low,ci95_high\n"
    "\"\"\"push\"\"\",1,residue,5,0,0,0.41,0.39,0.43\n"
    "\"\"\"push\"\"\",1,t_all,5,5,0,nan,nan,nan\n"
    "\"\"\"push\"\"\",4,residue,5,0,0,0.027,0.026,0.028\n"
    "\"\"\"push\"\"\",4,t_all,5,5,0,nan,nan,nan\n"
    "\"\"\"pull\"\"\",1,residue,5,0,0,0.165,0.16,0.17\n"
    "\"\"\"pull\"\"\",1,t_all,5,5,0,nan,nan,nan\n"
    "\"\"\"pull\"\"\",4,residue,5,0,0,0.00075,0.0007,0.0008\n"
    "\"\"\"pull\"\"\",4,t_all,5,5,0,nan,nan,nan\n";

/* A fresh folder d holding sweep_stats.csv = stats, and the script write makes there. */
static char *test_plot_stats(char *d, size_t len, const char *stats,
                             sim_err (*write)(FILE *, const void *), sim_err *err)
{
    test_tmpdir(d, len);
    test_write(d, "sweep_stats.csv", stats);
    return test_plot_text(write, d, err);
}

static void test_plot_sweep_has_error_bars_and_a_line_per_second_key(void)
{
    char d[256];
    sim_err err = SIM_EINTERNAL;
    char *t = test_plot_stats(d, sizeof d, stats_two_keys, test_plot_sweep_writer, &err);
    CU_ASSERT_EQUAL(err, SIM_OK);
    CU_ASSERT_TRUE(test_has(t, "set xtics ('push' 0, 'pull' 1)\nset xrange [-0.5:1.5]\n"
                               "set xlabel 'gossip.mode'"));
    CU_ASSERT_TRUE(test_has(t, "$m0 << EOD\n0 \"push\" 0.41 0.39 0.43\n1 \"pull\" 0.165 0.16 0.17\n\n\n"
                               "0 \"push\" 0.027 0.026 0.028\n1 \"pull\" 0.00075 0.0007 0.0008\nEOD\n"));
    CU_ASSERT_TRUE(test_has(t, "$m0 index 0 using ($1-0.040):3:4:5 with yerrorlines"));
    CU_ASSERT_TRUE(test_has(t, "$m0 index 1 using ($1+0.040):3:4:5 with yerrorlines"));
    CU_ASSERT_TRUE(test_has(t, "title 'gossip.fanout=1'"));
    CU_ASSERT_TRUE(test_has(t, "title 'gossip.fanout=4'"));
    CU_ASSERT_TRUE(test_has(t, "'constant: t_all = nan'"));
    CU_ASSERT_EQUAL(test_count(t, "\nEOD\n"), 1);   /* t_all is constant: one block */
    CU_ASSERT_TRUE(test_has(t, "set multiplot layout 2,1 title 't-"));
    free(t);
    test_rm_tree(d);
}

/* A numeric first key is a numeric axis, in increasing order; with one key, one line. */
static void test_plot_sweep_numeric_key_is_a_numeric_axis(void)
{
    char d[256];
    sim_err err = SIM_EINTERNAL;
    char *t = test_plot_stats(d, sizeof d, "credit.lambda,metric,n,n_nan,mean,ci95_low,ci95_high\n"
                              "0.02,gini,3,0,0.31,0.3,0.32\n0.005,gini,3,0,0.45,0.43,0.47\n"
                              "0.01,gini,3,0,0.38,0.36,0.4\n", test_plot_sweep_writer, &err);
    CU_ASSERT_EQUAL(err, SIM_OK);
    CU_ASSERT_TRUE(test_has(t, "set xlabel 'credit.lambda'"));
    CU_ASSERT_TRUE(test_has(t, "0.005 \"0.005\" 0.45 0.43 0.47\n0.01 \"0.01\" 0.38 0.36 0.4\n"
                               "0.02 \"0.02\" 0.31 0.3 0.32\nEOD"));
    CU_ASSERT_TRUE(test_has(t, "plot $m0 index 0 using 1:3:4:5 with yerrorlines"));
    CHECK_MSG(t != NULL && strstr(t, "set xtics (") == NULL, "a numeric key got category tics");
    CU_ASSERT_EQUAL(test_count(t, "index 1"), 0);
    free(t);
    t = test_plot_text(test_plot_heat_writer, d, &err);
    CU_ASSERT_EQUAL(err, SIM_EINPUT);
    free(t);
    test_rm_tree(d);
}

static void test_plot_heat_map_when_two_keys_vary(void)
{
    char d[256];
    sim_err err = SIM_EINTERNAL;
    char *t = test_plot_stats(d, sizeof d, stats_two_keys, test_plot_heat_writer, &err);
    CU_ASSERT_EQUAL(err, SIM_OK);
    CU_ASSERT_TRUE(test_has(t, "set xtics ('push' 0, 'pull' 1)"));
    CU_ASSERT_TRUE(test_has(t, "set ytics ('1' 0, '4' 1)\nset yrange [-0.5:1.5]\nset ylabel 'gossip.fanout'"));
    CU_ASSERT_TRUE(test_has(t, "$h0 << EOD\n0 0 0.41\n0 1 0.027\n1 0 0.165\n1 1 0.00075\nEOD\n"));
    CU_ASSERT_TRUE(test_has(t, "set title 'residue'\nplot $h0 using 1:2:3 with image"));
    CU_ASSERT_EQUAL(test_count(t, "with image"), 1);
    free(t);
    test_rm_tree(d);
}

/* Key values are Lua literals from the command line: quotes dropped, the rest reduced. */
static void test_plot_sweep_hostile_values_are_reduced(void)
{
    char d[256];
    sim_err err = SIM_EINTERNAL;
    char *t = test_plot_stats(d, sizeof d, "a`b,metric,n,n_nan,mean,ci95_low,ci95_high\n"
                              "\"'x`id`\"\"\\'\",m,2,0,1.5,1,2\n\"'y'\",m,2,0,2.5,2,3\n",
                              test_plot_sweep_writer, &err);
    CU_ASSERT_EQUAL(err, SIM_OK);
    CU_ASSERT_TRUE(test_has(t, "set xtics ('x_id___' 0, 'y' 1)\nset xrange [-0.5:1.5]\nset xlabel 'a_b'"));
    CHECK_MSG(t != NULL && strchr(t, '`') == NULL && strchr(t, '\\') == NULL,
              "a backquote or backslash reached the script");
    free(t);
    test_rm_tree(d);
}

/* settings.csv and nine settings' gossip_mean.csv (alive constant); one folder is not plain. */
static void test_plot_write_means(const char *d)
{
    char settings[2048] = "setting,folder,gossip.mode,gossip.fanout,complete,planned\n", sub[512];
    for (int s = 0; s < 10; s++) {
        size_t k = strlen(settings);
        snprintf(settings + k, sizeof settings - k, "%d,%s,\"\"\"%s\"\"\",%d,%d,5\n", s,
                 s == 2 ? "../evil'" : (snprintf(sub, sizeof sub, "setting-%04d", s), sub),
                 s % 2 ? "pull" : "push", 1 + s, s == 3 ? 2 : 5);
        snprintf(sub, sizeof sub, "%s/setting-%04d", d, s);
        mkdir(sub, 0777);
        char rows[512];
        snprintf(rows, sizeof rows, "time,n,alive_mean,alive_ci95,informed_mean,informed_ci95,"
                 "infective_mean,infective_ci95,messages_mean,messages_ci95\n"
                 "0,5,100,0,1,0,1,0,0,0\n1,5,100,0,%d,1.5,4,nan,%d,2\n", 10 + s, 20 + s);
        test_write(sub, "gossip_mean.csv", rows);
    }
    test_write(d, "settings.csv", settings);
}

static void test_plot_means_have_bands_and_legends(void)
{
    char d[256];
    sim_err err = SIM_EINTERNAL;
    test_tmpdir(d, sizeof d);
    test_plot_write_means(d);
    char *t = test_plot_text(test_plot_mean_writer, d, &err);
    CU_ASSERT_EQUAL(err, SIM_OK);
    CU_ASSERT_TRUE(test_has(t, "plot 'setting-0000/gossip_mean.csv' using 1:($5-$6):($5+$6) with "
                               "filledcurves fillstyle transparent solid 0.2 noborder linecolor 1 "
                               "notitle, \\\n    '' using 1:5 with lines linewidth 2 linecolor 1"));
    CU_ASSERT_TRUE(test_has(t, "2 with lines linewidth 2 linecolor 1 title 'gossip.mode=push, gossip.fanout=1'"));
    CU_ASSERT_TRUE(test_has(t, "set ylabel 'informed nodes'"));
    CU_ASSERT_TRUE(test_has(t, "'constant: alive = 100. settings: the first 8 of 9'"));
    CU_ASSERT_TRUE(test_has(t, "title 'gossip.mode=pull, gossip.fanout=4 (2 of 5 runs)'"));
    CU_ASSERT_TRUE(test_has(t, "'setting-0008/gossip_mean.csv'"));
    CHECK_MSG(t != NULL && strstr(t, "setting-0009") == NULL && strstr(t, "evil") == NULL,
              "a ninth setting or a folder that is not plain is drawn");
    CHECK_MSG(t != NULL && strstr(t, "using 1:($3-$4)") == NULL, "the constant alive is drawn");
    CU_ASSERT_EQUAL(test_count(t, "with filledcurves"), 3 * 8);
    free(t);
    test_rm_tree(d);
}

/* The names plot_sweep tells, one string "a b c " (a manifest is made of them). */
static void test_plot_told(void *ctx, const char *name)
{
    char *told = ctx;
    size_t n = strlen(told);
    snprintf(told + n, 256 - n, "%s ", name);
}

/*
 * plot_sweep draws what its inputs allow: here means only (no
 * sweep_stats.csv), and it tells exactly the files it wrote.
 */
static void test_plot_sweep_draws_what_it_can(void)
{
    char d[256], p[512], told[256] = "";
    test_tmpdir(d, sizeof d);
    test_plot_write_means(d);
    int pngs = plot_sweep(d, 1, test_plot_told, told);
    snprintf(p, sizeof p, "%s/gossip_mean.gp", d);
    CU_ASSERT_EQUAL(access(p, F_OK), 0);
    snprintf(p, sizeof p, "%s/sweep.gp", d);
    CU_ASSERT_NOT_EQUAL(access(p, F_OK), 0);
    snprintf(p, sizeof p, "%s/gossip_mean.png", d);
    int png = access(p, F_OK) == 0;
    CU_ASSERT_EQUAL(pngs, png);
    CU_ASSERT_EQUAL(png, test_gnuplot_installed());
    const char *want = png ? "gossip_mean.gp gossip_mean.png " : "gossip_mean.gp ";
    CHECK_MSG(strcmp(told, want) == 0, "plot_sweep told '%s', wrote '%s'", told, want);
    CU_ASSERT_EQUAL(plot_sweep(d, 1, NULL, NULL), pngs);
    test_rm_tree(d);
}

/* --- Every scenario, end to end ------------------------------------------------------------- */

/*
 * A map table: two panels; arrows of 1, 5, 6 and 10 (a quarter of the
 * largest and less: the thinnest width; 5, exactly half, the second; over
 * three quarters: the widest), a
 * deficit, a hostile place name, a note for the title.
 */
static const char map_csv[] =
    "time,panel,kind,x,y,dx,dy,value,label\n"
    "9,,note,0,0,0,0,0,day 9 'busy'\n"
    "9,food,edge,0,0,1,1,0,\n"
    "9,food,node,0,0,0,0,0,\"Puerto 'Rico\"\"; rm\"\n"
    "9,food,node,1,1,0,0,0,Cuba\n"
    "9,food,alert,1,1,0,0,40,\n"
    "9,food,arrow,0,0,1,1,1,\n"
    "9,food,arrow,0,0,1,1,6,\n"
    "9,food,arrow,0,0,2,2,5,\n"
    "9,food,arrow,1,1,-1,-1,10,\n"
    "9,water,edge,0,0,1,1,0,\n"
    "9,water,node,0,0,0,0,0,A\n"
    "9,ice,bogus,0,0,1,1,0,\n";

static sim_err test_plot_map_writer(FILE *f, const void *r)
{
    return plot_map_script(f, r, "m_map");
}

static void test_plot_map_panels_arrows_and_reduced_labels(void)
{
    char d[256];
    sim_err err = SIM_EINTERNAL;
    test_tmpdir(d, sizeof d);
    test_write(d, "m_map.csv", map_csv);
    plot_run r = { .dir = d, .scenario = "s", .seed = 5 };
    char *t = test_plot_text(test_plot_map_writer, &r, &err);
    CU_ASSERT_EQUAL(err, SIM_OK);
    CU_ASSERT_TRUE(test_has(t, "set multiplot layout 1,2 title 's' . ', seed 5: m_map, day 9 _busy_'"));
    CU_ASSERT_TRUE(test_has(t, "set title 'food'\n") && test_has(t, "set title 'water'\n"));
    CU_ASSERT_EQUAL(test_count(t, "set title"), 2);            /* the bogus kind makes no panel */
    CU_ASSERT_TRUE(test_has(t, "$a0_0 << EOD\n0 0 1 1\nEOD\n"));
    CU_ASSERT_TRUE(test_has(t, "$a0_1 << EOD\n0 0 2 2\nEOD\n"));
    CU_ASSERT_TRUE(test_has(t, "$a0_2 << EOD\n0 0 1 1\nEOD\n"));
    CU_ASSERT_TRUE(test_has(t, "$a0_3 << EOD\n1 1 -1 -1\nEOD\n"));
    CU_ASSERT_TRUE(test_has(t, "$r0 << EOD\n1 1 4\nEOD\n"));  /* the largest deficit: size 1 + 3 */
    CU_ASSERT_TRUE(test_has(t, "0 0 \"Puerto _Rico__ rm\"\n"));
    CU_ASSERT_TRUE(test_has(t, "$r0 using 1:2:3 with points pointtype 7 pointsize variable"));
    CU_ASSERT_TRUE(test_has(t, "$n0 using 1:2:3 with labels"));
    CU_ASSERT_FALSE(strstr(t, "$r1 using") != NULL);           /* water has no deficit, no arrow */
    CU_ASSERT_FALSE(strstr(t, "$a1_0 using") != NULL);
    free(t);
    test_write(d, "m_map.csv", "time,panel,kind,x,y,dx,dy,value,label\n");
    t = test_plot_text(test_plot_map_writer, &r, &err);
    CU_ASSERT_EQUAL(err, SIM_EINPUT);
    free(t);
    /* 61 labelled places: too many to label, the points stay */
    char many[8192] = "time,panel,kind,x,y,dx,dy,value,label\n";
    for (int i = 0; i < 61; i++) {
        size_t k = strlen(many);
        snprintf(many + k, sizeof many - k, "1,food,node,%d,0,0,0,0,p%d\n", i, i);
    }
    test_write(d, "m_map.csv", many);
    t = test_plot_text(test_plot_map_writer, &r, &err);
    CU_ASSERT_TRUE(err == SIM_OK && t != NULL && strstr(t, "with labels") == NULL && strstr(t, "$n0 using 1:2 with points"));
    free(t);
    test_rm_tree(d);
}

/* Join the two lines of wrapped labels ('a' . "\n" . 'b' becomes 'a b'), in place. */
static void test_plot_unwrap(char *t)
{
    static const char joint[] = "' . \"\\n\" . '";
    for (char *p = t; t != NULL && (p = strstr(p, joint)) != NULL;) {
        *p = ' ';
        memmove(p + 1, p + strlen(joint), strlen(p + strlen(joint)) + 1);
    }
}

/* Each label of the model's columns is in its script, as a y label or in the constant note. */
static void test_plot_script_has_labels(const char *dir, const char *name)
{
    char p[1024], model[80];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    snprintf(model, sizeof model, "%.*s", (int)(strlen(name) - 3), name);
    char *t = test_slurp(p);
    test_plot_unwrap(t);
    for (const sim_model *const *mm = sim_models; *mm != NULL; mm++) {
        if ((*mm)->map != NULL && strcmp((*mm)->map, model) == 0) {
            CHECK_MSG(test_has(t, "set size ratio -1") && test_has(t, "$e0 << EOD")
                      && test_has(t, "with vectors nohead"), "%s: not a map", p);
            free(t);
            return;
        }
    }
    const sim_model *m = test_plot_model(model);
    if (strcmp(model, "network") == 0) {
        CU_ASSERT_TRUE(test_has(t, "set ylabel 'giant component (fraction of nodes)'"));
        CU_ASSERT_TRUE(test_has(t, "set ylabel 'connected components'"));
    }
    CHECK_MSG(m != NULL || strcmp(model, "network") == 0, "%s: no model %s", p, model);
    for (int i = 0; m != NULL && m->own_csv && m->long_plot != NULL && m->long_plot[i] != NULL; i++) {
        char label[160];
        snprintf(label, sizeof label, "set ylabel '%s'\n", m->long_plot[i]);   /* long format */
        CHECK_MSG(t != NULL && strstr(t, label) != NULL, "%s: no panel for %s", p, m->long_plot[i]);
    }
    for (int i = 0; m != NULL && !m->own_csv && m->columns[i] != NULL; i++) {
        char label[160], note[160];
        snprintf(label, sizeof label, "set ylabel '%s'\n", m->labels != NULL ? m->labels[i] : m->columns[i]);
        snprintf(note, sizeof note, " %s = ", m->columns[i]);
        CHECK_MSG(t != NULL && (strstr(t, label) != NULL || strstr(t, note) != NULL),
                  "%s: neither a label nor a note for %s", p, m->columns[i]);
    }
    free(t);
}

/* The manifest's files: scripts carry labels, PNGs are nonempty, every model has both. */
static void test_plot_check_run(const char *dir, int gnuplot)
{
    char p[1024], line[256], name[80];
    int gp = 0, png = 0, network = 0;
    snprintf(p, sizeof p, "%s/.mycosim-files", dir);
    FILE *f = fopen(p, "r");
    CHECK_MSG(f != NULL, "no manifest in %s", dir);
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '#' || sscanf(line, "%79s", name) != 1) {
            continue;
        }
        size_t n = strlen(name);
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, name);
        CHECK_MSG(stat(p, &st) == 0 && st.st_size > 0, "%s is missing or empty", p);
        gp += n > 3 && strcmp(name + n - 3, ".gp") == 0;
        png += n > 4 && strcmp(name + n - 4, ".png") == 0;
        network += strcmp(name, "network.gp") == 0 || strcmp(name, "network.png") == 0;
        if (n > 3 && strcmp(name + n - 3, ".gp") == 0) {
            test_plot_script_has_labels(dir, name);
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    CHECK_MSG(gp >= 2 && network >= 1, "%s: %d scripts listed, network %d", dir, gp, network);
    CHECK_MSG(!gnuplot || png == gp, "%s: %d PNGs for %d scripts", dir, png, gp);
}

/* Sizes that keep a scenario quick without changing what it shows; the rest run as they are. */
static const char *test_plot_shrink(const char *file)
{
    if (strcmp(file, "immune_outbreak.lua") == 0 || strcmp(file, "autoimmune.lua") == 0) {
        return "--set topology.n=5000 --set scenario.duration=120";
    }
    return strcmp(file, "phold.lua") == 0 ? "--set topology.n=20000" : "";
}

static void test_plot_every_scenario_gets_its_figures(void)
{
    char d[256], out[600], cmd[2000], err[2048];
    int gnuplot = test_gnuplot_installed(), ran = 0;
    if (!gnuplot) {
        fprintf(stderr, "\n    note: gnuplot is not installed: PNG checks skipped, scripts checked\n");
        CU_PASS("gnuplot is not installed: PNG checks skipped");
    }
    DIR *dir = opendir("scenarios");
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    test_tmpdir(d, sizeof d);
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".lua") != 0) {
            continue;
        }
        snprintf(out, sizeof out, "%s/%.*s", d, (int)(n - 4), e->d_name);
        snprintf(cmd, sizeof cmd, "%s run scenarios/%s --out %s --quiet %s", test_binary(), e->d_name,
                 out, test_plot_shrink(e->d_name));
        int st = test_run_cmd(cmd, err, sizeof err);
        CHECK_MSG(st == 0 && err[0] == '\0', "%s: exit %d, stderr: %s", e->d_name, st, err);
        test_plot_check_run(out, gnuplot);
        ran++;
    }
    closedir(dir);
    CHECK_MSG(ran >= 8, "only %d scenarios in scenarios/", ran);
    test_rm_tree(d);
}

static CU_TestInfo plot_tests[] = {
    { "title names scenario, seed and model", test_plot_title_names_scenario_seed_and_model },
    { "every drawn column has its label", test_plot_every_drawn_column_has_its_label },
    { "constant column is left out and noted", test_plot_constant_column_is_left_out_and_noted },
    { "actions are marked with their names", test_plot_actions_are_marked_with_their_names },
    { "many actions are marked without labels", test_plot_many_actions_are_marked_without_labels },
    { "hostile scenario name is reduced", test_plot_hostile_scenario_name_is_reduced },
    { "network has giant and components", test_plot_network_has_giant_and_components },
    { "without gnuplot writes the script only", test_plot_without_gnuplot_writes_the_script_only },
    { "model labels parallel columns", test_plot_model_labels_parallel_columns },
    { "sweep has error bars and a line per second key",
      test_plot_sweep_has_error_bars_and_a_line_per_second_key },
    { "sweep numeric key is a numeric axis", test_plot_sweep_numeric_key_is_a_numeric_axis },
    { "heat map when two keys vary", test_plot_heat_map_when_two_keys_vary },
    { "sweep hostile values are reduced", test_plot_sweep_hostile_values_are_reduced },
    { "means have bands and legends", test_plot_means_have_bands_and_legends },
    { "sweep draws what it can", test_plot_sweep_draws_what_it_can },
    { "map: panels, arrows and reduced labels", test_plot_map_panels_arrows_and_reduced_labels },
    { "every scenario gets its figures", test_plot_every_scenario_gets_its_figures },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_plot = { .pName = "plot", .pTests = plot_tests };
