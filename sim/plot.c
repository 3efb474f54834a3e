/*
 * plot.c -- gnuplot PNGs of model traces.
 *
 * gnuplot is started without a shell: fork, chdir into the output folder,
 * execvp("gnuplot") with the script fed on its standard input. The script
 * names only files relative to that folder, built from the model's name in
 * the registry, so no byte of a scenario or command-line option (a folder
 * name with quotes, backquotes or `;`) ever reaches a shell or gnuplot's
 * own command-line substitution. The PNG is drawn to a temporary name and
 * renamed into place. One panel per column keeps counts of very different
 * sizes (alive nodes and cumulative messages, say) readable without a log
 * scale.
 */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trace.h"

/* Exit status of the child when execvp fails: gnuplot is not installed. */
#define PLOT_NOT_FOUND 127

static void plot_script(FILE *f, const char *model, const char *const *columns)
{
    int ncol = 0;
    while (columns[ncol] != NULL) {
        ncol++;
    }
    int rows = (ncol + 1) / 2;
    fprintf(f, "set terminal pngcairo size 1000,%d font 'sans,10'\n", 120 + 260 * rows);
    fprintf(f, "set output '%s.png.tmp'\n", model);
    fputs("set datafile separator ','\nset key off\nset grid\n", f);
    fprintf(f, "set multiplot layout %d,2 title '%s'\n", rows, model);
    for (int i = 0; i < ncol; i++) {
        fprintf(f, "set title '%s'\nset xlabel 'time (s)'\n", columns[i]);
        fprintf(f, "plot '%s.csv' using 1:%d with lines lw 2\n", model, i + 2);
    }
    fputs("unset multiplot\n", f);
}

/* In the child: stdin from the pipe, stdout/stderr to /dev/null, cwd = dir, exec gnuplot. */
static void plot_exec(int in_fd, const char *dir)
{
    int null = open("/dev/null", O_WRONLY);
    if (dup2(in_fd, STDIN_FILENO) < 0 || null < 0 || dup2(null, STDOUT_FILENO) < 0
        || dup2(null, STDERR_FILENO) < 0 || chdir(dir) != 0) {
        _exit(1);
    }
    char *const argv[] = { (char *)"gnuplot", NULL };
    execvp(argv[0], argv);
    _exit(PLOT_NOT_FOUND);
}

/* Run gnuplot on the script in dir; the child's exit status, or -1. */
static int plot_run(const char *dir, const char *model, const char *const *columns)
{
    int fd[2];
    if (pipe(fd) != 0) {
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        close(fd[1]);
        plot_exec(fd[0], dir);
    }
    close(fd[0]);
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);   /* gnuplot may exit before reading all */
    FILE *f = fdopen(fd[1], "w");
    if (f != NULL) {
        plot_script(f, model, columns);
        fclose(f);
    } else {
        close(fd[1]);
    }
    signal(SIGPIPE, old);
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int plot_model(const char *dir, const char *model, const char *const *columns, int quiet)
{
    char png[1200], tmp[1300];
    snprintf(png, sizeof png, "%s/%s.png", dir, model);
    snprintf(tmp, sizeof tmp, "%s.tmp", png);
    int fd = trace_create(tmp);          /* gnuplot then writes a regular file of ours */
    int st = fd >= 0 ? (close(fd), plot_run(dir, model, columns)) : -1;
    if (st != 0 || rename(tmp, png) != 0) {
        unlink(tmp);
        if (!quiet) {
            fprintf(stderr, "mycosim: note: %s, %s.png skipped\n",
                    st == PLOT_NOT_FOUND ? "gnuplot not found" : "gnuplot failed", model);
        }
        return 0;
    }
    return 1;
}
