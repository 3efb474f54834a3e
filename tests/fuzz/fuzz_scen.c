/*
 * fuzz_scen.c -- the scenario loader, as `mycosim check` runs it.
 *
 * The input is written to this process's scratch file and loaded with
 * scen_load(); a loaded scenario is printed resolved (to /dev/null) and
 * freed. Two modes, so the fuzzer can reach the --set path too:
 *
 *   - an input that starts with "--set " holds up to 8 lines "--set KEY=VALUE",
 *     and then the scenario; with nothing after the --set lines the fixed
 *     base scenario below is used (a fuzzed --set on a valid file goes deep);
 *   - any other input is the scenario itself (the seeds are the .lua files).
 *
 * Errors are expected: only a crash, a sanitizer report, a leak, or an
 * error without a message is a finding.
 */
#include "fuzz.h"

#include "scen.h"

#define FUZZ_SCEN_MAX_SETS 8

static const char fuzz_scen_base[] =
    "scenario { name = \"fuzz\", seed = 1, duration = 10, sample_every = 1 }\n"
    "topology { kind = \"ring\", n = 50 }\n"
    "links { latency = { dist = \"lognormal\", median = 0.05, sigma = 0.5 }, loss = 0.01 }\n"
    "gossip { mode = \"push-pull\", fanout = 1, period = 1.0, stop = \"feedback-counter\", k = 2 }\n"
    "at(2, fail { fraction = 0.1 })\n"
    "at(3, partition { groups = 2, by = \"random\" })\n"
    "at(5, heal {})\n"
    "at(6, set { [\"gossip.fanout\"] = 2 })\n"
    "every(1, function(sim) if sim.metric(\"gossip.informed\") > 40 then end end)\n";

/* Check the error message contract: a terminated, non-empty message. */
static void fuzz_scen_check_msg(const char *msg, size_t cap)
{
    size_t len = strnlen(msg, cap);
    if (len == cap) {
        FUZZ_FAIL("scen_load: message not terminated");
    }
    if (len == 0) {
        FUZZ_FAIL("scen_load: failed with an empty message");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char prefix[] = "--set ";
    const size_t plen = sizeof prefix - 1;
    char *sets[FUZZ_SCEN_MAX_SETS];
    uint32_t nsets = 0;
    size_t pos = 0;
    const char *path = fuzz_tmp_path("scen.lua");

    while (nsets < FUZZ_SCEN_MAX_SETS && size - pos >= plen && memcmp(data + pos, prefix, plen) == 0) {
        size_t start = pos + plen, end = start;
        while (end < size && data[end] != '\n') {
            end++;
        }
        sets[nsets] = malloc(end - start + 1);
        if (sets[nsets] == NULL) {
            abort();
        }
        memcpy(sets[nsets], data + start, end - start);
        sets[nsets][end - start] = '\0';    /* an embedded NUL ends it, as in argv */
        nsets++;
        pos = end < size ? end + 1 : end;
    }
    if (nsets > 0 && pos == size) {
        fuzz_write_file(path, fuzz_scen_base, sizeof fuzz_scen_base - 1);
    } else {
        fuzz_write_file(path, data + pos, size - pos);
    }

    scen *s = NULL;
    char msg[512];
    memset(msg, 0x55, sizeof msg);
    sim_err err = scen_load(path, (const char *const *)sets, nsets, -1, &s, msg, sizeof msg);
    if (err == SIM_OK) {
        if (s == NULL) {
            FUZZ_FAIL("scen_load: SIM_OK without a scenario");
        }
        FILE *null = fopen("/dev/null", "w");
        if (null == NULL) {
            abort();
        }
        if (scen_write_resolved(s, null) != SIM_OK) {
            FUZZ_FAIL("scen_write_resolved failed on /dev/null");
        }
        fclose(null);
        scen_free(s);
    } else {
        if (s != NULL) {
            FUZZ_FAIL("scen_load: error %d with a scenario", (int)err);
        }
        fuzz_scen_check_msg(msg, sizeof msg);
        fuzz_note("scen_load", msg);
    }
    for (uint32_t i = 0; i < nsets; i++) {
        free(sets[i]);
    }
    return 0;
}
