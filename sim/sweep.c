/*
 * sweep.c -- parameter sweeps: the cartesian product of --vary values times
 * --reps replicates, each run in its own forked process (--jobs at once),
 * then tables over the runs that completed.
 *
 * The files of a sweep (sweep_impl.h has the list): the plan
 * (sweep_plan.c), the folder, its markers and its hygiene (sweep_dir.c),
 * sweep.csv, sweep_stats.csv and settings.csv (sweep_tables.c), the
 * replicate means (sweep_means.c). This file runs them in order: set up
 * and check the plan, prepare the folder (complete runs are kept, stale
 * folders emptied), launch and wait for the runs, write the tables and
 * means, draw their figures (plot_sweep, unless --no-plot), list tables
 * and figures in the folder's manifest, and tell main.c how it went.
 *
 * Figures. sweep.png, sweep_heat.png (exactly two keys vary) and
 * <model>_mean.png, each with its .gp, at the top of the folder; they are
 * drawn also after an interruption, from the same tables. The folder's
 * manifest (.mycosim-files, run.c's format) lists them with sweep.csv,
 * sweep_stats.csv and settings.csv, so the next sweep there removes the
 * figures it does not draw again -- the heat map once one key varies,
 * all of them under --no-plot -- if they are still the very files this
 * sweep wrote; a file a user edited or put there under such a name stays.
 *
 * Children. Run i is forked: the child writes its marker, loads its
 * setting with its seed and runs it quietly without plots into its folder;
 * its error message comes back through a pipe, its exit status is main's
 * (0, 1 or 2). When it ends, the parent removes its stray temporaries and
 * reads back whether it completed (sweep_dir_load_run).
 *
 * Interruption. On SIGINT, SIGTERM or SIGHUP (run_stop_signal) nothing more
 * is launched, every running child gets SIGTERM (its run loop then writes
 * its rows with status interrupted; one still in setup dies by the signal
 * and leaves no output), all are waited for, their stray temporaries are
 * removed, and the tables are written over what completed. SIGCHLD is
 * blocked in the parent and waited for with sigtimedwait, so a finished run
 * is seen at once without a race.
 *
 * Printing. Errors go back to main.c in msg. This file prints progress only,
 * on stderr: one updating line when stderr is a terminal, one line per
 * finished run with --verbose or when stderr is not a terminal (--quiet
 * silences both), a run that failed with its own error message (children
 * send it through a pipe; shown even with --quiet, as `run --quiet` shows
 * errors), and the note about files kept in stale folders.
 */
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plot.h"
#include "run.h"
#include "scen.h"
#include "sweep_impl.h"
#include "trace.h"

#define SWEEP_TICK_NS 250000000L                  /* progress refresh while waiting for children */

static double sweep_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* --- Children --------------------------------------------------------------------------- */

/* Child: run i quietly; its error message goes to err_fd; exit status 0, 1 or 2 as main's. */
static int sweep_child(sweep *w, uint32_t i, int err_fd)
{
    char name[64], dir[1100], msg[1200];
    sigprocmask(SIG_SETMASK, &w->old_mask, NULL);
    sweep_plan_run_name(w, i, name, sizeof name);
    snprintf(dir, sizeof dir, "%s/%s", w->dir, name);
    sweep_plan_sets(w, i / w->o->reps);
    sim_err err = sweep_dir_write_marker(w, i, dir, msg, sizeof msg);
    scen *s = NULL;
    if (err == SIM_OK) {
        err = scen_load(w->o->file, w->sets, sweep_plan_nsets(w), sweep_plan_seed(w, i), &s, msg,
                        sizeof msg);
    }
    if (err == SIM_OK) {
        run_opts ro = { .out_dir = dir, .quiet = 1, .no_plot = 1, .force = w->o->force };
        err = run_scenario(s, &ro, msg, sizeof msg);
    }
    scen_free(s);
    if (err != SIM_OK && err != SIM_EINTR && err_fd >= 0) {
        ssize_t k = write(err_fd, msg, strnlen(msg, sizeof msg));
        (void)k;
    }
    return err == SIM_OK ? 0 : err == SIM_EINPUT ? 2 : 1;
}

static void sweep_start(sweep *w, uint32_t i)
{
    int fds[2] = { -1, -1 };
    if (pipe(fds) != 0) {
        fds[0] = fds[1] = -1;
    }
    for (int k = 0; k < 2; k++) {
        if (fds[k] >= 0) {
            fcntl(fds[k], F_SETFD, FD_CLOEXEC);
        }
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (fds[0] >= 0) {
            close(fds[0]);
        }
        _exit(sweep_child(w, i, fds[1]));
    }
    if (fds[1] >= 0) {
        close(fds[1]);
    }
    if (pid < 0) {
        snprintf(w->halt_msg, sizeof w->halt_msg, "cannot start a run (fork failed: %s)",
                 strerror(errno));
        w->halted = 1;
        if (fds[0] >= 0) {
            close(fds[0]);
        }
        return;
    }
    sweep_job *j = &w->jobs[i];
    j->pid = pid;
    j->err_fd = fds[0];
    j->state = SWEEP_RUNNING;
    j->started_s = sweep_clock();
    w->live[w->running++] = i;
}

/* The child's error message (at most len - 1 bytes), then its pipe is closed. */
static void sweep_read_error(sweep_job *j, char *out, size_t len)
{
    size_t got = 0;
    for (ssize_t k = 1; j->err_fd >= 0 && k != 0 && got + 1 < len;) {
        k = read(j->err_fd, out + got, len - 1 - got);
        if (k < 0 && errno != EINTR) {
            break;
        }
        got += k > 0 ? (size_t)k : 0;
    }
    out[got] = '\0';
    if (j->err_fd >= 0) {
        close(j->err_fd);
        j->err_fd = -1;
    }
}

/* --- Progress, reaping, launching -------------------------------------------------------- */

/* "1m20s" */
static void sweep_duration(double s, char *out, size_t len)
{
    long t = (long)(s + 0.5);
    if (t >= 3600) {
        snprintf(out, len, "%ldh%02ldm", t / 3600, t % 3600 / 60);
    } else if (t >= 60) {
        snprintf(out, len, "%ldm%02lds", t / 60, t % 60);
    } else {
        snprintf(out, len, "%lds", t);
    }
}

/* The updating line (a terminal only), at most every SWEEP_TICK_NS unless forced. */
static void sweep_progress(sweep *w, int force)
{
    double now = sweep_clock();
    if (w->o->quiet || !w->o->tty || (!force && now - w->last_progress < SWEEP_TICK_NS * 1e-9)) {
        return;
    }
    w->last_progress = now;
    uint32_t ran = w->finished - w->reused, left = w->total - w->finished;
    fprintf(stderr, "\r\033[Ksweep: %u/%u done, %u failed, %u running", w->finished, w->total, w->failed,
            w->running);
    if (w->stopping) {
        fputs(", stopping", stderr);
    } else if (ran > 0 && left > 0) {
        char eta[32];
        sweep_duration(w->wall_sum / ran * left / w->o->jobs, eta, sizeof eta);
        fprintf(stderr, ", ETA %s", eta);
    }
}

static void sweep_progress_clear(const sweep *w)
{
    if (!w->o->quiet && w->o->tty) {
        fputs("\r\033[K", stderr);
    }
}

/*
 * One line per finished run with --verbose or when stderr is not a
 * terminal; always for a run that failed on its own (error, crashed,
 * failed), with its message.
 */
static void sweep_report_run(sweep *w, uint32_t i, const char *err)
{
    const sweep_job *j = &w->jobs[i];
    char status[64], name[64], label[1100], line[600];
    sweep_tables_status(j, status, sizeof status);
    int bad = !j->ok && strcmp(status, "interrupted") != 0;
    if (!bad && (w->o->quiet || (w->o->tty && !w->o->verbose))) {
        return;
    }
    sweep_plan_run_name(w, i, name, sizeof name);
    sweep_plan_label(w, i / w->o->reps, label, sizeof label);
    trace_one_line(err, line, sizeof line);
    fprintf(stderr, "%ssweep: %s %srep %u: %s in %.1f s%s%s\n", w->o->tty ? "\r\033[K" : "", name, label,
            i % w->o->reps, status, j->wall_s, line[0] ? ": " : "", line);
}

/* A child ended: what became of it, its stray temporaries, its summary, one line. */
static void sweep_reap(sweep *w, pid_t pid, int st)
{
    uint32_t k = 0;
    while (k < w->running && w->jobs[w->live[k]].pid != pid) {
        k++;
    }
    if (k == w->running) {
        return;
    }
    uint32_t i = w->live[k];
    w->live[k] = w->live[--w->running];
    sweep_job *j = &w->jobs[i];
    char err[512], name[64];
    j->wall_s = sweep_clock() - j->started_s;
    sweep_read_error(j, err, sizeof err);
    if (WIFSIGNALED(st)) {
        int sig = WTERMSIG(st), ours = sig == SIGTERM || sig == SIGINT || sig == SIGHUP;
        j->state = ours && (w->stopping || run_stop_signal) ? SWEEP_STOPPED : SWEEP_CRASHED;
        if (j->state == SWEEP_CRASHED) {
            snprintf(err, sizeof err, "killed by signal %d (%s)", sig, strsignal(sig));
        }
    } else {
        j->state = WEXITSTATUS(st) == 0 ? SWEEP_EXITED : SWEEP_ERROR;
    }
    sweep_plan_run_name(w, i, name, sizeof name);
    int fd = sweep_dir_open(w->dfd, name);
    if (fd >= 0) {
        sweep_dir_unlink_tmps(w, fd);
        close(fd);
    }
    j->summary = sweep_dir_load_run(w, i, &j->ok);
    char status[64];
    sweep_tables_status(j, status, sizeof status);
    w->finished++;
    w->complete += j->ok != 0;
    w->failed += !j->ok && strcmp(status, "interrupted") != 0;
    w->wall_sum += j->wall_s;
    sweep_report_run(w, i, err);
    sweep_progress(w, 1);
}

/* Stop: launch nothing more; every running child gets SIGTERM and writes what it has. */
static void sweep_stop(sweep *w)
{
    w->stopping = 1;
    for (uint32_t k = 0; k < w->running; k++) {
        kill(w->jobs[w->live[k]].pid, SIGTERM);
    }
    sweep_progress(w, 1);
}

static uint32_t sweep_next(const sweep *w, uint32_t from)
{
    while (from < w->total && w->jobs[from].state != SWEEP_PENDING) {
        from++;
    }
    return from;
}

/* Reap every child that ended; 0 once none is left to wait for. */
static void sweep_reap_all(sweep *w)
{
    while (w->running > 0) {
        int st;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        if (pid > 0) {
            sweep_reap(w, pid, st);
        } else if (pid < 0 && errno == ECHILD) {
            w->running = 0;    /* cannot happen: the children are ours; never wait forever */
        } else {
            return;
        }
    }
}

/* Launch the pending runs, at most --jobs at once, until all ended or a stop. */
static void sweep_launch(sweep *w)
{
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    signal(SIGCHLD, SIG_DFL);   /* an inherited SIG_IGN would reap children before we see them */
    sigprocmask(SIG_BLOCK, &chld, &w->old_mask);
    uint32_t next = 0;
    for (;;) {
        sweep_reap_all(w);
        if (run_stop_signal && !w->stopping) {
            sweep_stop(w);
        }
        while (!w->stopping && !w->halted && w->running < w->o->jobs
               && (next = sweep_next(w, next)) < w->total) {
            sweep_start(w, next++);
        }
        if (w->running == 0) {
            break;
        }
        sweep_progress(w, 0);
        struct timespec tick = { 0, SWEEP_TICK_NS };
        (void)sigtimedwait(&chld, NULL, &tick);   /* a child ended, a stop signal, or the tick */
    }
    sweep_progress_clear(w);
    sigprocmask(SIG_SETMASK, &w->old_mask, NULL);
}

/* --- Tables, means, figures ------------------------------------------------------------ */

/* The files the sweep wrote at the top of its folder, for its manifest. */
typedef struct sweep_top {
    char (*names)[TRACE_NAME_MAX];
    uint32_t n, cap;
    int short_of_memory;
} sweep_top;

/* Add name to the list (plot_sweep calls it for each figure file it wrote). */
static void sweep_top_add(void *ctx, const char *name)
{
    sweep_top *top = ctx;
    if (top->n == top->cap) {
        uint32_t cap = top->cap > 0 ? 2 * top->cap : 16;
        char (*more)[TRACE_NAME_MAX] = realloc(top->names, cap * sizeof *more);
        if (more == NULL) {
            top->short_of_memory = 1;
            return;
        }
        top->names = more;
        top->cap = cap;
    }
    snprintf(top->names[top->n++], sizeof top->names[0], "%s", name);
}

/*
 * The figures of the tables (none with --no-plot): sweep.png, sweep_heat.png,
 * <model>_mean.png and their scripts. Then the folder's manifest lists them
 * with the tables, so the next sweep here removes a figure it no longer
 * draws instead of leaving it stale, and never takes it for a user's file.
 */
static sim_err sweep_figures(sweep *w, char *msg, size_t len)
{
    static const char *const tables[] = { "sweep.csv", "sweep_stats.csv", "settings.csv", NULL };
    sweep_top top = { .names = NULL };
    for (int k = 0; tables[k] != NULL; k++) {
        sweep_top_add(&top, tables[k]);
    }
    if (!w->o->no_plot) {
        w->pngs = (uint32_t)plot_sweep(w->dir, w->o->quiet, sweep_top_add, &top);
    }
    sim_err err = SIM_ENOMEM;
    if (!top.short_of_memory) {
        err = sweep_dir_write_top(w, top.names, top.n, msg, len);
    }
    free(top.names);
    return err;
}

/* Every table, the means and the figures, over what completed. */
static sim_err sweep_collect(sweep *w, char *msg, size_t len)
{
    SIM_TRY(sweep_tables_write(w, msg, len));
    for (uint32_t s = 0; s < w->settings; s++) {
        SIM_TRY(sweep_means_write(w, s, msg, len));
    }
    return sweep_figures(w, msg, len);
}

/* --- Entry point ------------------------------------------------------------------------ */

/* After sweep_dir_prepare: the note about files kept in stale folders, and what is reused. */
static void sweep_notes(const sweep *w)
{
    if (w->kept > 0) {
        char first[1300];
        trace_one_line(w->kept_first, first, sizeof first);
        fprintf(stderr, "sweep: kept %u entr%s that mycosim did not write in %u stale folder%s of %s "
                "(first: %s); remove them by hand if they are not needed\n", w->kept,
                w->kept == 1 ? "y" : "ies", w->kept_dirs, w->kept_dirs == 1 ? "" : "s", w->dir, first);
    }
    if (w->reused > 0 && !w->o->quiet) {
        fprintf(stderr, "sweep: %u of %u runs already complete in %s; running the other %u\n",
                w->reused, w->total, w->dir, w->total - w->reused);
    }
}

/* How the sweep went, for main.c: interrupted, runs that did not complete, or a launch failure. */
static sim_err sweep_outcome(const sweep *w, char *msg, size_t len)
{
    if (w->stopping) {
        snprintf(msg, len, "sweep interrupted: %u of %u runs complete; run the same command again "
                 "to resume", w->complete, w->total);
        return SIM_EINTR;
    }
    if (w->halted) {
        snprintf(msg, len, "%s; %u of %u runs complete (run the same command again to resume)",
                 w->halt_msg, w->complete, w->total);
        return SIM_EIO;
    }
    if (w->complete < w->total) {
        snprintf(msg, len, "sweep: %u of %u runs did not complete; sweep.csv in %s lists each with "
                 "its status, and the statistics leave them out", w->total - w->complete, w->total,
                 w->dir);
        return SIM_EIO;
    }
    if (!w->o->quiet && !w->o->quiet_stdout) {
        printf("mycosim sweep: %u setting%s x %u rep%s; results in %s/ (sweep.csv, sweep_stats.csv, "
               "settings.csv, setting-*/%s)\n", w->settings, w->settings == 1 ? "" : "s", w->o->reps,
               w->o->reps == 1 ? "" : "s", w->dir, w->pngs > 0 ? ", figures *.png" : "");
    }
    return SIM_OK;
}

static sim_err sweep_setup(sweep *w, char *msg, size_t len)
{
    w->axes = calloc(w->naxes + 1, sizeof *w->axes);
    w->store = calloc(w->naxes + 1, sizeof *w->store);
    w->sets = calloc(w->o->nsets + w->naxes + 1, sizeof *w->sets);
    if (w->axes == NULL || w->store == NULL || w->sets == NULL) {
        return SIM_ENOMEM;
    }
    SIM_TRY(sweep_plan_parse_axes(w, msg, len));
    w->base_seed = calloc(w->settings, sizeof *w->base_seed);
    if (w->base_seed == NULL) {
        return SIM_ENOMEM;
    }
    SIM_TRY(sweep_plan_validate(w, msg, len));
    SIM_TRY(sweep_plan_hash_file(w, msg, len));
    SIM_TRY(trace_mkdirs(w->dir, msg, len));
    w->dfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (w->dfd < 0) {
        snprintf(msg, len, "cannot open %s: %s", w->dir, strerror(errno));
        return SIM_EIO;
    }
    w->jobs = calloc(w->total, sizeof *w->jobs);
    w->live = calloc(w->o->jobs, sizeof *w->live);
    return w->jobs != NULL && w->live != NULL ? SIM_OK : SIM_ENOMEM;
}

static void sweep_free(sweep *w)
{
    for (uint32_t a = 0; w->axes != NULL && a < w->naxes; a++) {
        free(w->axes[a].buf);
        free(w->store[a]);
    }
    for (uint32_t i = 0; w->jobs != NULL && i < w->total; i++) {
        free(w->jobs[i].summary);
    }
    for (uint32_t m = 0; m < w->nmodels; m++) {
        free(w->models[m]);
    }
    if (w->dfd >= 0) {
        close(w->dfd);
    }
    free(w->models);
    free(w->base_seed);
    free(w->axes);
    free(w->store);
    free(w->sets);
    free(w->jobs);
    free(w->live);
}

sim_err sweep_run(const sweep_opts *o, char *msg, size_t len)
{
    sweep w = { .o = o, .naxes = o->nvaries, .settings = 1, .dfd = -1 };
    msg[0] = '\0';
    sim_err err = sweep_setup(&w, msg, len);
    if (err == SIM_OK) {
        err = sweep_dir_prepare(&w, msg, len);
    }
    if (err == SIM_OK) {
        sweep_notes(&w);
        sweep_launch(&w);
        err = sweep_collect(&w, msg, len);
    }
    if (err == SIM_OK) {
        err = sweep_outcome(&w, msg, len);
    }
    if (err == SIM_ENOMEM && msg[0] == '\0') {
        snprintf(msg, len, "out of memory");
    }
    sweep_free(&w);
    return err;
}
