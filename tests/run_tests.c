/*
 * run_tests.c -- the CUnit runner for every suite (`make test`).
 *
 * Suites are listed once below. The runner prints CUnit's basic-mode report
 * and summary and exits non-zero when any assertion failed. An optional
 * argument runs only the suite of that name. With MYCOSIM_TEST_FAILFAST set
 * in the environment, tests run one at a time and the first failing one ends
 * the run (scripts/mutants.sh uses it; the summary then covers that test).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "test_util.h"

extern CU_SuiteInfo suite_rng, suite_evq, suite_topo, suite_net, suite_scen, suite_run, suite_gossip, suite_phold, suite_phase, suite_pernode, suite_mcf,
    suite_cli, suite_plot, suite_sweep, suite_credit, suite_tune, suite_flow,
    suite_immune;

static CU_SuiteInfo *const all_suites[] = {
    &suite_rng,
    &suite_evq,
    &suite_topo,
    &suite_net,
    &suite_scen,
    &suite_run,
    &suite_gossip,
    &suite_phold,
    &suite_phase,
    &suite_pernode,
    &suite_mcf,
    &suite_cli,
    &suite_plot,
    &suite_sweep,
    &suite_credit,
    &suite_tune,
    &suite_flow,
    &suite_immune,
    NULL
};

const char *test_binary(void)
{
    const char *b = getenv("MYCOSIM_BIN");
    return (b != NULL && *b != '\0') ? b : "build/mycosim";
}

/* Every test folder lives under one folder per run, removed at the end. */
static char test_root[64];

const char *test_tmpdir(char *buf, size_t len)
{
    snprintf(buf, len, "%s/t-XXXXXX", test_root[0] ? test_root : "/tmp");
    if (mkdtemp(buf) == NULL) {
        buf[0] = '\0';
    }
    return buf;
}

int test_run_cmd(const char *cmd, char *err, size_t err_len)
{
    char full[4096];
    char errfile[] = "/tmp/mycosim-err-XXXXXX";
    int fd = mkstemp(errfile);
    if (fd < 0) {
        return -1;
    }
    close(fd);
    snprintf(full, sizeof full, "%s 2>%s >/dev/null", cmd, errfile);
    int st = system(full);
    char *text = test_slurp(errfile);
    unlink(errfile);
    if (err != NULL && err_len > 0) {
        snprintf(err, err_len, "%s", text != NULL ? text : "");
    }
    /*
     * A sanitizer report in a launched program fails the test that launched
     * it, whatever exit status the test expected (ASan exits 1, the status
     * of an ordinary runtime failure).
     */
    static const char *const reports[] = {
        "ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", NULL
    };
    for (int i = 0; text != NULL && reports[i] != NULL; i++) {
        if (strstr(text, reports[i]) != NULL) {
            fprintf(stderr, "\n    sanitizer report from `%s`:\n%s\n", cmd, text);
            CU_FAIL("a launched program reported a sanitizer error");
            break;
        }
    }
    free(text);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv)
{
    /*
     * A shell starting us in the background (`make mutants &`) leaves
     * SIGINT and SIGQUIT ignored, and an ignored signal stays ignored in
     * every child: the interrupt tests' mycosim would then rightly keep
     * running (it respects SIG_IGN, as nohup expects). Tests must not
     * depend on how they were started.
     */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    if (CU_initialize_registry() != CUE_SUCCESS) {
        return 1;
    }
    snprintf(test_root, sizeof test_root, "/tmp/mycosim-test-XXXXXX");
    if (mkdtemp(test_root) == NULL) {
        test_root[0] = '\0';
    }
    for (CU_SuiteInfo *const *s = all_suites; *s != NULL; s++) {
        if (argc > 1 && strcmp(argv[1], (*s)->pName) != 0) {
            continue;
        }
        CU_SuiteInfo one[2] = { **s, CU_SUITE_INFO_NULL };
        if (CU_register_suites(one) != CUE_SUCCESS) {
            fprintf(stderr, "cannot register suite %s\n", (*s)->pName);
            return 1;
        }
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    unsigned failed = 0, ran = 0;
    if (getenv("MYCOSIM_TEST_FAILFAST") != NULL) {
        for (CU_pSuite s = CU_get_registry()->pSuite; s != NULL && failed == 0; s = s->pNext) {
            for (CU_pTest t = s->pTest; t != NULL && failed == 0; t = t->pNext) {
                CU_basic_run_test(s, t);
                failed += CU_get_number_of_failures();
                ran += CU_get_number_of_tests_run();
            }
        }
    } else {
        CU_basic_run_tests();
        failed = CU_get_number_of_failures();
        ran = CU_get_number_of_tests_run();
    }
    CU_cleanup_registry();
    if (test_root[0] != '\0') {
        test_rm_tree(test_root);
    }
    return (failed > 0 || ran == 0) ? 1 : 0;
}
