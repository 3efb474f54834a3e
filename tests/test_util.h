/*
 * test_util.h -- shared helpers for the CUnit suites.
 *
 * Each tests/test_<prefix>.c defines one `const CU_SuiteInfo suite_<prefix>`
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

/* Path of the built binary, for end-to-end tests (build/mycosim). */
#define TEST_BINARY "build/mycosim"

/* A fresh empty directory under /tmp; returns its path (static buffer per call site). */
const char *test_tmpdir(char *buf, size_t len);

/* Run a shell command, capture stderr into err (may be NULL); returns the exit status. */
int test_run_cmd(const char *cmd, char *err, size_t err_len);

#endif
