/*
 * fuzz_setvalue.c -- the --set / --vary value parser.
 *
 * A fixed small valid scenario (ring n = 20, push gossip, duration 2, four
 * parameters, one used as a time and one as a count) is
 * loaded with fuzzed "KEY=VALUE" sets; scen_load parses each VALUE as a Lua
 * literal (a bare word is a string) and checks it against the key's type and
 * range. The input is up to 4 records separated by '\n': the first byte of a
 * record picks the key from fuzz_setvalue_keys, the rest is the value. An
 * embedded NUL ends the value, as it would in argv.
 *
 * Errors are expected; a crash, a sanitizer report, a leak, or an error
 * without a message is a finding.
 */
#include "fuzz.h"

#include "scen.h"

#define FUZZ_SETVALUE_MAX_SETS 4

static const char fuzz_setvalue_base[] =
    "param { x = 2, t = 1, r = { a = 1, 2 }, s = \"push\" }\n"
    "scenario { name = \"fuzz\", seed = 1, duration = 2, sample_every = 1 }\n"
    "topology { kind = \"ring\", n = 20 }\n"
    "links { latency = { dist = \"constant\", value = 0.01 }, loss = 0 }\n"
    "gossip { mode = \"push\", fanout = 1, period = 0.5 }\n"
    "at(param.t, fail { count = param.x })\n";

/* Keys a user may name with --set/--vary, and a few that are not valid. */
static const char *const fuzz_setvalue_keys[] = {
    "gossip.fanout", "gossip.period", "gossip.mode", "gossip.stop", "gossip.k",
    "gossip.sync", "gossip.origins", "links.loss", "links.latency",
    "scenario.name", "scenario.seed", "scenario.duration", "scenario.sample_every",
    "topology.n", "topology.kind", "topology.m", "topology.radius", "topology.dims",
    "topology.path", "param.x", "gossip.fanut", "nosuch.key", "gossip", "",
    "param.t", "param.r", "param.s", "param.y", "fail.count",
};
#define FUZZ_SETVALUE_NKEYS (sizeof fuzz_setvalue_keys / sizeof fuzz_setvalue_keys[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_tmp_path("setvalue.lua");
    char *sets[FUZZ_SETVALUE_MAX_SETS];
    uint32_t nsets = 0;
    size_t pos = 0;

    if (size == 0) {
        return 0;
    }
    fuzz_write_file(path, fuzz_setvalue_base, sizeof fuzz_setvalue_base - 1);
    while (nsets < FUZZ_SETVALUE_MAX_SETS && pos < size) {
        const char *key = fuzz_setvalue_keys[data[pos] % FUZZ_SETVALUE_NKEYS];
        size_t start = pos + 1, end = start;
        while (end < size && data[end] != '\n') {
            end++;
        }
        size_t klen = strlen(key), vlen = end - start;
        char *set = malloc(klen + 1 + vlen + 1);
        if (set == NULL) {
            abort();
        }
        memcpy(set, key, klen);
        set[klen] = '=';
        memcpy(set + klen + 1, data + start, vlen);
        set[klen + 1 + vlen] = '\0';
        sets[nsets++] = set;
        pos = end + 1;
    }

    scen *s = NULL;
    char msg[512];
    memset(msg, 0x55, sizeof msg);
    sim_err err = scen_load(path, (const char *const *)sets, nsets, -1, &s, msg, sizeof msg);
    if (err == SIM_OK) {
        FILE *null = fopen("/dev/null", "w");
        if (null == NULL) {
            abort();
        }
        if (s == NULL || scen_write_resolved(s, null) != SIM_OK) {
            FUZZ_FAIL("scen_load: SIM_OK but no printable scenario");
        }
        fclose(null);
        scen_free(s);
    } else if (s != NULL || strnlen(msg, sizeof msg) == 0 || strnlen(msg, sizeof msg) == sizeof msg) {
        FUZZ_FAIL("scen_load: error %d with a scenario or without a message", (int)err);
    } else {
        fuzz_note("scen_load", msg);
    }
    for (uint32_t i = 0; i < nsets; i++) {
        free(sets[i]);
    }
    return 0;
}
