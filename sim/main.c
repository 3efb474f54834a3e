/*
 * main.c -- the mycosim command line.
 *
 *   mycosim run SCENARIO.lua [--out DIR] [--seed N] [--set KEY=VALUE]... [--quiet] [--no-plot]
 *   mycosim sweep SCENARIO.lua [--vary KEY=V1,V2,...]... [--reps R] [--jobs J] [--out DIR]
 *                 [--quiet | --verbose] [--no-plot]
 *   mycosim check SCENARIO.lua [--seed N] [--set KEY=VALUE]...
 *   mycosim tune SCENARIO.lua --key KEY --range LO,HI --target MODEL.METRIC=V [--reps R]
 *                [--jobs J] [--out DIR] [--seed N] [--set KEY=VALUE]... [--evals N]
 *                [--quiet] [--no-plot]
 *   mycosim solve FILE.min [--flows]
 *   mycosim --help | --version
 *   mycosim keys          (the scenario key reference as Markdown, for doc/)
 *
 * Only this file prints errors: one line "mycosim: <reason>", exit status 2
 * for bad input (SIM_EINPUT) and 1 for any other failure.
 */
#define _XOPEN_SOURCE 700   /* nftw */
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dimacs.h"
#include "par.h"
#include "keys.h"
#include "run.h"
#include "scen.h"
#include "sweep.h"
#include "trace.h"
#include "tune.h"

typedef struct cli_args {
    const char *command;
    const char *file;
    const char *out;
    int64_t seed;             /* -1: not given */
    const char **sets;        /* --set KEY=VALUE */
    uint32_t nsets;
    const char **varies;      /* --vary KEY=V1,V2 */
    uint32_t nvaries;
    int64_t reps;             /* 0: not given (sweep 1, tune TUNE_DEFAULT_REPS) */
    int64_t jobs;
    const char *key;          /* tune: --key, --range, --target */
    const char *range;
    const char *target;
    int64_t evals;            /* tune: 0 if not given */
    int quiet, no_plot, flows, stats, force, verbose;
} cli_args;

/* Longest --out: room for "/run-NNNN-repR/<model>.csv.tmp" in the 1 KiB path buffers. */
#define CLI_OUT_MAX 900
#define CLI_OUT_MAX_S "900"

/* Largest seed: scenario.seed is a Lua number, exact up to 2^53. */
#define CLI_SEED_MAX 9007199254740992LL

static const char cli_usage[] =
    "usage:\n"
    "  mycosim run SCENARIO.lua [--out DIR] [--seed N] [--set KEY=VALUE]... [--quiet] [--no-plot] [--stats]\n"
    "              [--force]   (run even if the memory estimate exceeds what is available)\n"
    "  mycosim sweep SCENARIO.lua [--vary KEY=V1,V2,...]... [--reps R] [--jobs J] [--out DIR]\n"
    "              [--seed N] [--set KEY=VALUE]... [--quiet | --verbose] [--no-plot] [--force]\n"
    "              (the same command again resumes an interrupted sweep)\n"
    "  mycosim check SCENARIO.lua [--seed N] [--set KEY=VALUE]...\n"
    "  mycosim tune SCENARIO.lua --key KEY --range LO,HI --target MODEL.METRIC=V [--reps R] [--jobs J]\n"
    "              [--out DIR] [--seed N] [--set KEY=VALUE]... [--evals N] [--quiet] [--no-plot]\n"
    "              (the value of a real KEY in [LO, HI] at which the mean of a summary metric\n"
    "              over R replicates (default 5) is V, with its 95% interval; --evals caps the\n"
    "              evaluations, default 30, at most 99; the same command again resumes)\n"
    "  mycosim solve FILE.min [--flows]\n"
    "  mycosim --help | --version\n"
    "  mycosim keys        print the reference of every scenario key (Markdown)\n"
    "\n"
    "KEY names a block field (gossip.fanout, topology.n, scenario.seed); VALUE is a Lua literal.\n"
    "Outputs go to results/<scenario.name>/ unless --out is given. See README.md and doc/.\n";

/* The one error line: "mycosim: " and msg with control bytes escaped. */
static void cli_report(const char *msg)
{
    if (par_rank() != 0) {
        return;                  /* on several ranks the first one speaks (all load the same file) */
    }
    char line[1100];
    trace_one_line(msg, line, sizeof line);
    fprintf(stderr, "mycosim: %s\n", line);
}

static int cli_error(const char *fmt, const char *arg)
{
    char msg[1024];
    snprintf(msg, sizeof msg, fmt, arg);
    cli_report(msg);
    return 2;
}

/* A decimal integer in [lo, hi]: no sign tricks, no saturation (99999999999999999999 is refused). */
static int cli_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    int digits = (*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' && s[1] <= '9');
    if (!digits || *end != '\0' || errno == ERANGE || v < lo || v > hi) {
        return 0;
    }
    *out = v;
    return 1;
}

/* Options that take a value. */
static int cli_takes_value(const char *o)
{
    static const char *const names[] = { "--out", "--set", "--vary", "--seed", "--reps", "--jobs",
                                         "--key", "--range", "--target", "--evals", NULL };
    for (int i = 0; names[i] != NULL; i++) {
        if (strcmp(o, names[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Parse argv into a; returns 0 on success, else the exit status. */
static int cli_parse(int argc, char **argv, cli_args *a)
{
    a->command = argv[1];
    a->seed = -1;
    a->jobs = 1;
    a->sets = calloc((size_t)argc, sizeof *a->sets);
    a->varies = calloc((size_t)argc, sizeof *a->varies);
    if (a->sets == NULL || a->varies == NULL) {
        return cli_error("%s", "out of memory");
    }
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i];
        int has_next = i + 1 < argc;
        if (strcmp(o, "--quiet") == 0) {
            a->quiet = 1;
        } else if (strcmp(o, "--no-plot") == 0) {
            a->no_plot = 1;
        } else if (strcmp(o, "--flows") == 0) {
            a->flows = 1;
        } else if (strcmp(o, "--stats") == 0) {
            a->stats = 1;
        } else if (strcmp(o, "--force") == 0) {
            a->force = 1;
        } else if (strcmp(o, "--verbose") == 0) {
            a->verbose = 1;
        } else if (cli_takes_value(o) && !has_next) {
            return cli_error("%s: missing value", o);
        } else if (strcmp(o, "--out") == 0) {
            a->out = argv[++i];
            if (strlen(a->out) > CLI_OUT_MAX) {
                return cli_error("--out: the folder name is longer than %s bytes", CLI_OUT_MAX_S);
            }
        } else if (strcmp(o, "--set") == 0) {
            a->sets[a->nsets++] = argv[++i];
        } else if (strcmp(o, "--vary") == 0) {
            a->varies[a->nvaries++] = argv[++i];
        } else if (strcmp(o, "--seed") == 0) {
            if (!cli_int(argv[++i], 0, CLI_SEED_MAX, &a->seed)) {
                return cli_error("--seed: expected an integer in [0, 2^53], got '%s'", argv[i]);
            }
        } else if (strcmp(o, "--reps") == 0) {
            if (!cli_int(argv[++i], 1, 100000, &a->reps)) {
                return cli_error("--reps: expected an integer in [1, 100000], got '%s'", argv[i]);
            }
        } else if (strcmp(o, "--jobs") == 0) {
            if (!cli_int(argv[++i], 1, 1024, &a->jobs)) {
                return cli_error("--jobs: expected an integer in [1, 1024], got '%s'", argv[i]);
            }
        } else if (strcmp(o, "--key") == 0) {
            a->key = argv[++i];
        } else if (strcmp(o, "--range") == 0) {
            a->range = argv[++i];
        } else if (strcmp(o, "--target") == 0) {
            a->target = argv[++i];
        } else if (strcmp(o, "--evals") == 0) {
            if (!cli_int(argv[++i], 3, TUNE_MAX_EVALS, &a->evals)) {
                return cli_error("--evals: expected an integer in [3, 99], got '%s'", argv[i]);
            }
        } else if (o[0] == '-') {
            return cli_error("unknown option '%s' (see mycosim --help)", o);
        } else if (a->file == NULL) {
            a->file = o;
        } else {
            return cli_error("unexpected argument '%s' (see mycosim --help)", o);
        }
    }
    if (a->file == NULL) {
        return cli_error("%s: missing file argument (see mycosim --help)", a->command);
    }
    return 0;
}

static void cli_on_signal(int sig)
{
    (void)sig;
    run_stop_signal = 1;
}

static void cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = cli_on_signal;
    sigemptyset(&sa.sa_mask);
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };   /* SIGHUP: a closed terminal */
    for (int i = 0; i < 3; i++) {
        struct sigaction old;
        /* Under nohup (or `&` in a script) a signal is ignored: keep it ignored. */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN) {
            sigaction(sigs[i], &sa, NULL);
        }
    }
}

static int cli_status(sim_err err)
{
    return err == SIM_OK ? 0 : err == SIM_EINPUT ? 2 : 1;
}

static double cli_wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* --stats: the phases of a run on stderr. */
static void cli_print_stats(double load_s, const run_stats *st)
{
    double eps = st->wall_s > 0 ? (double)st->events / st->wall_s : 0.0;
    fprintf(stderr, "phase      wall_s      events      events/s   peak_rss_MiB\n");
    fprintf(stderr, "load     %8.3f\n", load_s);
    fprintf(stderr, "topology %8.3f\n", st->topo_s);
    fprintf(stderr, "setup    %8.3f   (topology, node arrays, model init)   %8.1f\n", st->setup_s,
            st->rss_setup_kib / 1024.0);
    fprintf(stderr, "run      %8.3f %11llu %13.0f\n", st->wall_s, (unsigned long long)st->events, eps);
    if (st->phases > 0) {
        fprintf(stderr, " phases  %8.3f   (%llu network-wide phases of the models, within run)\n", st->phase_s,
                (unsigned long long)st->phases);
    }
    if (st->ranks > 1) {
        fprintf(stderr, " sync    %8.3f   (%d ranks, %llu windows, %llu events between ranks; the slowest rank)\n",
                st->sync_s, st->ranks, (unsigned long long)st->windows, (unsigned long long)st->crossed);
    }
    fprintf(stderr, "output   %8.3f                            %8.1f\n", st->output_s,
            st->rss_peak_kib / 1024.0);
    fprintf(stderr, "memory   %.1f MiB held by the run after setup (nodes, topology, queue, models)\n",
            (double)st->bytes / 1048576.0);
}

static int cli_load(const cli_args *a, scen **s)
{
    char msg[512];
    sim_err err = scen_load(a->file, a->sets, a->nsets, a->seed, s, msg, sizeof msg);
    if (err != SIM_OK) {
        cli_report(msg);
    }
    return cli_status(err);
}

static int cli_rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Remove a scratch tree of ours (nftw, depth first, links not followed). */
static void cli_rm_tree(const char *dir)
{
    (void)nftw(dir, cli_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A private scratch folder for a rank other than the first, under TMPDIR or /tmp. */
static int cli_rank_scratch(char *buf, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(buf, len, "%s/mycosim-rank-XXXXXX", tmp != NULL && tmp[0] == '/' && strlen(tmp) < 40 ? tmp : "/tmp");
    return mkdtemp(buf) != NULL ? 0 : -1;
}

static int cli_run(const cli_args *a)
{
    scen *s = NULL;
    double t0 = cli_wall_s();
    int st = cli_load(a, &s);
    double load_s = cli_wall_s() - t0;
    if (st != 0) {
        return st;
    }
    run_stats stats = { 0 };
    run_opts opts = {
        .out_dir = a->out, .quiet = a->quiet, .no_plot = a->no_plot,
        .progress = !a->quiet && isatty(STDERR_FILENO), .stats = &stats, .force = a->force
    };
    char msg[512], scratch[64] = "";
    if (par_rank() != 0 && cli_rank_scratch(scratch, sizeof scratch) != 0) {
        fprintf(stderr, "mycosim: rank %d: cannot make a scratch folder: %s\n", par_rank(), strerror(errno));
        par_abort(1);
    }
    if (par_rank() != 0) {       /* the other ranks write into a scratch folder, removed below */
        opts.out_dir = scratch;
        opts.quiet = opts.no_plot = 1;
        opts.progress = 0;
    }
    cli_catch_signals();
    sim_err err = run_scenario(s, &opts, msg, sizeof msg);
    scen_free(s);
    if (scratch[0] != '\0') {
        cli_rm_tree(scratch);
    }
    if (par_size() > 1 && err != SIM_OK && err != SIM_EINPUT) {
        fprintf(stderr, "mycosim: rank %d: %s\n", par_rank(), msg);
        par_abort(cli_status(err));     /* one rank's failure ends them all */
    }
    if (par_rank() != 0) {
        return cli_status(err);
    }
    if (a->stats && (err == SIM_OK || err == SIM_EINTR)) {
        cli_print_stats(load_s, &stats);
    }
    if (err == SIM_EINTR) {
        fprintf(stderr, "mycosim: interrupted; the rows so far are written, status=interrupted\n");
        return 1;
    }
    if (err != SIM_OK) {
        cli_report(msg);
    }
    return cli_status(err);
}

static int cli_check(const cli_args *a)
{
    scen *s = NULL;
    int st = cli_load(a, &s);
    if (st != 0) {
        return st;
    }
    sim_err err = scen_write_resolved(s, stdout);
    scen_free(s);
    if (err != SIM_OK) {
        fprintf(stderr, "mycosim: cannot print the configuration\n");
    }
    return cli_status(err);
}

static int cli_sweep(const cli_args *a)
{
    sweep_opts o = {
        .file = a->file, .sets = a->sets, .nsets = a->nsets, .varies = a->varies,
        .nvaries = a->nvaries, .reps = a->reps > 0 ? (uint32_t)a->reps : 1, .jobs = (uint32_t)a->jobs,
        .out_dir = a->out, .seed = a->seed, .quiet = a->quiet, .force = a->force,
        .verbose = a->verbose, .tty = isatty(STDERR_FILENO), .no_plot = a->no_plot
    };
    char msg[512];
    cli_catch_signals();
    sim_err err = sweep_run(&o, msg, sizeof msg);
    if (err != SIM_OK) {
        cli_report(msg);
    }
    return cli_status(err);
}

/* One line per evaluation of a tune, on stderr. */
static void cli_tune_progress(void *ctx, uint32_t eval, const char *key, const tune_point *p)
{
    char line[400];
    (void)ctx;
    snprintf(line, sizeof line, "tune: eval-%02u %-8s %s=%.6g: mean %.6g +- %.3g (%u reps)", eval,
             tune_step_name(p->step), key, p->x, p->mean, p->ci95, p->n);
    trace_one_line(line, line, sizeof line);
    fprintf(stderr, "%s\n", line);
}

/* The result of a tune: one line on stdout. */
static void cli_tune_print(const cli_args *a, const tune_result *r, const char *dir, double wall_s)
{
    char line[1600];
    snprintf(line, sizeof line, "mycosim tune: %s = %.6g for mean %s (95%% interval [%.6g, %.6g]%s%s); "
             "%u evaluations x %u reps, %s, in %.1f s; results in %s/ (tune.csv, tune_result.csv%s)",
             a->key, r->value, a->target, r->lo95, r->hi95, r->interval == TUNE_IV_OK ? "" : ", ",
             r->interval == TUNE_IV_OK ? "" : tune_interval_name(r->interval), r->npoints,
             a->reps > 0 ? (unsigned)a->reps : TUNE_DEFAULT_REPS, tune_status_name(r->status), wall_s,
             dir, a->no_plot ? "" : ", tune.png");
    trace_one_line(line, line, sizeof line);
    printf("%s\n", line);
}

static int cli_tune(const cli_args *a)
{
    tune_opts o = {
        .file = a->file, .key = a->key, .range = a->range, .target = a->target, .sets = a->sets,
        .nsets = a->nsets, .reps = a->reps > 0 ? (uint32_t)a->reps : TUNE_DEFAULT_REPS,
        .jobs = (uint32_t)a->jobs, .evals = a->evals > 0 ? (uint32_t)a->evals : TUNE_DEFAULT_EVALS,
        .out_dir = a->out, .seed = a->seed, .quiet = a->quiet, .tty = isatty(STDERR_FILENO),
        .force = a->force, .no_plot = a->no_plot, .progress = a->quiet ? NULL : cli_tune_progress
    };
    static tune_result r;
    char msg[1200], dir[1024];
    cli_catch_signals();
    double t0 = cli_wall_s();
    sim_err err = tune_run(&o, &r, dir, sizeof dir, msg, sizeof msg);
    if (err == SIM_OK && !a->quiet) {
        cli_tune_print(a, &r, dir, cli_wall_s() - t0);
    }
    if (err != SIM_OK) {
        cli_report(msg);
    }
    return cli_status(err);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(cli_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "keys") == 0) {
        keys_print_markdown(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("mycosim %s\n", MYCOSIM_VERSION);
        return 0;
    }
    par_init(&argc, &argv);
    cli_args a;
    memset(&a, 0, sizeof a);
    int st = cli_parse(argc, argv, &a);
    if (st == 0) {
        if (strcmp(a.command, "run") == 0) {
            st = cli_run(&a);
        } else if (strcmp(a.command, "check") == 0) {
            st = cli_check(&a);
        } else if (strcmp(a.command, "sweep") == 0) {
            st = cli_sweep(&a);
        } else if (strcmp(a.command, "tune") == 0) {
            st = cli_tune(&a);
        } else if (strcmp(a.command, "solve") == 0) {
            st = dimacs_solve_main(a.file, a.flows, stdout, stderr);
        } else {
            st = cli_error("unknown command '%s' (see mycosim --help)", a.command);
        }
    }
    free(a.sets);
    free(a.varies);
    par_finalize();
    return st;
}
