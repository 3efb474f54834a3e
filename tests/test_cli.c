/*
 * test_cli.c -- the command line and setup-time errors, end to end through the
 * binary: every line of tests/cli/bad.txt (arguments, then the text the one
 * error line must hold) and every file of tests/scenarios/bad_run/ (scenarios
 * that load but are refused once the graph is known, or by the memory
 * admission check) must exit with status 2, print exactly one line starting
 * "mycosim: ", and leave no output folder behind.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

#define CLI_CORPUS "tests/cli/bad.txt"
#define RUN_CORPUS "tests/scenarios/bad_run"

/* Replace every {S} and {D} of args by s and d into out. */
static void test_cli_expand(const char *args, const char *s, const char *d, char *out, size_t len)
{
    size_t k = 0;
    for (const char *p = args; *p && k + 1 < len; p++) {
        const char *sub = strncmp(p, "{S}", 3) == 0 ? s : strncmp(p, "{D}", 3) == 0 ? d : NULL;
        if (sub != NULL) {
            k += (size_t)snprintf(out + k, len - k, "%s", sub);
            k = k < len ? k : len - 1;
            p += 2;
        } else {
            out[k++] = *p;
        }
    }
    out[k] = '\0';
}

/* Exit 2, one line "mycosim: ..." holding want, and nothing under out. */
static void test_cli_expect(const char *what, const char *cmd, const char *want, const char *out)
{
    char err[4096];
    int st = test_run_cmd(cmd, err, sizeof err);
    size_t len = strlen(err);
    int one_line = len > 0 && err[len - 1] == '\n' && strchr(err, '\n') == err + len - 1;
    CHECK_MSG(st == 2, "%s: exit status %d, stderr: %s", what, st, err);
    CHECK_MSG(one_line && strncmp(err, "mycosim: ", 9) == 0 && strstr(err, want) != NULL,
              "%s:\n      got:  %s      want: %s", what, err, want);
    CHECK_MSG(out == NULL || access(out, F_OK) != 0, "%s: %s was created", what, out);
}

static void test_cli_bad_command_lines_give_expected_errors(void)
{
    FILE *f = fopen(CLI_CORPUS, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char d[256], line[4096], args[4500], cmd[5000], out[400];
    test_tmpdir(d, sizeof d);
    snprintf(out, sizeof out, "%s/out", d);
    int cases = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || tab == NULL) {
            continue;
        }
        *tab = '\0';
        test_cli_expand(line, "tests/cli/ok.lua", d, args, sizeof args);
        int own_out = strstr(args, "--out") != NULL || strncmp(args, "solve", 5) == 0;
        snprintf(cmd, sizeof cmd, "%s %s%s%s", test_binary(), args, own_out ? "" : " --out ",
                 own_out ? "" : out);
        test_cli_expect(line, cmd, tab + 1, out);
        cases++;
    }
    fclose(f);
    CHECK_MSG(cases >= 25, "only %d cases in %s", cases, CLI_CORPUS);
    rmdir(d);
}

static int test_cli_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void test_cli_setup_errors_exit_2_before_any_output(void)
{
    static char names[64][128];
    DIR *dir = opendir(RUN_CORPUS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL && n < 64) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".lua") == 0) {
            snprintf(names[n++], 128, "%.127s", e->d_name);
        }
    }
    closedir(dir);
    qsort(names, (size_t)n, sizeof names[0], test_cli_cmp);
    CHECK_MSG(n >= 10, "only %d setup errors in %s", n, RUN_CORPUS);
    char d[256], out[400];
    test_tmpdir(d, sizeof d);
    snprintf(out, sizeof out, "%s/out", d);
    for (int i = 0; i < n; i++) {
        char path[400], cmd[1200], want[512] = "";
        snprintf(path, sizeof path, "%s/%.127s", RUN_CORPUS, names[i]);
        char *text = test_slurp(path);
        if (text != NULL && strncmp(text, "-- expect: ", 11) == 0) {
            text[strcspn(text, "\n")] = '\0';
            snprintf(want, sizeof want, "%s", text + 11);
        }
        free(text);
        CHECK_MSG(want[0] != '\0', "%s: no '-- expect:' line", names[i]);
        snprintf(cmd, sizeof cmd, "%s run %s --out %s --no-plot", test_binary(), path, out);
        test_cli_expect(names[i], cmd, want, out);
    }
    rmdir(d);
}

static CU_TestInfo cli_tests[] = {
    { "bad command lines give expected errors", test_cli_bad_command_lines_give_expected_errors },
    { "setup errors exit 2 before any output", test_cli_setup_errors_exit_2_before_any_output },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_cli = { .pName = "cli", .pTests = cli_tests };
