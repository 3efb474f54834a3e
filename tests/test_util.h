/*
 * test_util.h -- shared helpers for the CUnit suites.
 *
 * Each tests/test_<prefix>.c defines one `CU_SuiteInfo suite_<prefix>`
 * built with designated initializers and is listed in run_tests.c.
 * CHECK_MSG prints observed and expected values on failure (ROSS_TEST_ASSERT).
 */
#ifndef MYCOSIM_TEST_UTIL_H
#define MYCOSIM_TEST_UTIL_H

#include <stdio.h>

#include <CUnit/CUnit.h>

#define CHECK_MSG(cond, ...) do { \
        if (!(cond)) { fprintf(stderr, "\n    %s:%d: ", __FILE__, __LINE__); \
                       fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } \
        CU_ASSERT(cond); } while (0)

/* Path of the built binary for end-to-end tests: $MYCOSIM_BIN or build/mycosim. */
const char *test_binary(void);

/* A fresh empty directory under /tmp; returns its path (static buffer per call site). */
const char *test_tmpdir(char *buf, size_t len);

/* Run a shell command, capture stderr into err (may be NULL); returns the exit status. */
int test_run_cmd(const char *cmd, char *err, size_t err_len);

/* Remove a file or a directory tree, without a shell; 0 on success. */
int test_rm_tree(const char *path);

/* Write text to dir/name; returns the path (static buffer, overwritten by the next call). */
const char *test_write(const char *dir, const char *name, const char *text);

/* Read a whole file (malloc'd, NUL-terminated) or NULL. */
char *test_slurp(const char *path);

/* The value of column `col` in the last data row of a CSV file; NAN if absent. */
double test_csv_last(const char *path, const char *col);

/* Column `col` of every data row of a CSV file into out (at most max); returns the row count. */
int test_csv_column(const char *path, const char *col, double *out, int max);

/* Load and run scenario text quietly into dir/out; 0 on success, else the sim_err. */
int test_run_scenario(const char *dir, const char *text, long long seed);

/*
 * Write text to dir/file, load it (seed 1) and run it quietly into dir/out,
 * for bad-input tests: 0 on success, else the sim_err, its one-line
 * message in msg (loader or run, whichever refused).
 */
int test_load_and_run(const char *dir, const char *file, const char *text, char *msg, size_t len);

/* 1 if an executable gnuplot is on PATH (then figures are drawn, else only their scripts). */
int test_gnuplot_installed(void);

#endif
