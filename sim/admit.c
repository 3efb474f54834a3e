/*
 * admit.c -- resource admission: refuse up front a scenario too big for the machine.
 *
 * Before anything big is built, the run estimates the memory it will need
 * from the configuration alone: nodes and edges (topo_estimate, an upper
 * bound that reads no more than a file's size), the build's transient
 * igraph copy, the core's per-node records, each model's state and the
 * events it keeps pending (sim_model.estimate). If the estimate exceeds the
 * memory this process can get -- the least of MemAvailable, the address
 * space and data limits (ulimit -v / -d) less what is already mapped, and
 * this process's cgroup limit less its usage (v2 or v1) -- the run is refused with
 * the estimate and the available figure, unless --force. The result of a
 * run that was admitted never depends on free memory: a queue that still
 * cannot grow ends the run as failed (run.c), never as lost messages.
 *
 * Every product and sum saturates (sim_mul_sat, sim_add_sat): a scenario
 * that asks for 10^12 events gets an honest "more than 16 EiB", not a
 * wrapped small number.
 */
#include "admit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Bytes per node the core holds: run_node, CSR offset, coordinates, cell, BFS scratch. */
#define ADMIT_NODE_CORE 40
/* Bytes per undirected edge of the CSR (both directions, 4 bytes each). */
#define ADMIT_EDGE_CSR 8
/* The transient igraph graph during a build: edge vector, from/to, two indices. */
#define ADMIT_EDGE_BUILD 48
#define ADMIT_NODE_BUILD 16
/* Bytes per pending event: 32-byte events, and the queue's growth headroom. */
#define ADMIT_EVENT 64
/* Fixed overhead: Lua state, buffers, libraries. */
#define ADMIT_FIXED ((uint64_t)64 << 20)

/* A "Key:   123 kB" line of a /proc file, in bytes; 0 if absent. */
static uint64_t admit_proc_kib(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    char line[256];
    uint64_t v = 0;
    size_t klen = strlen(key);
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        unsigned long long kib;
        if (strncmp(line, key, klen) == 0 && sscanf(line + klen, " %llu", &kib) == 1) {
            v = sim_mul_sat(kib, 1024);
            break;
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    return v;
}

/* One number from a file (cgroup memory.max, memory.current); UINT64_MAX if "max" or absent. */
static uint64_t admit_file_number(const char *path)
{
    FILE *f = fopen(path, "r");
    unsigned long long v;
    int ok = f != NULL && fscanf(f, "%llu", &v) == 1;
    if (f != NULL) {
        fclose(f);
    }
    return ok ? (uint64_t)v : UINT64_MAX;
}

/* What is left under a resource limit, given what is already used. */
static uint64_t admit_under_limit(int resource, uint64_t used)
{
    struct rlimit rl;
    if (getrlimit(resource, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) {
        return UINT64_MAX;
    }
    return rl.rlim_cur > used ? (uint64_t)rl.rlim_cur - used : 0;
}

/*
 * Headroom under this process's memory cgroup: v2 (a "0::/path" line of
 * /proc/self/cgroup, memory.max - memory.current) or v1 (the "memory"
 * controller's line, memory.limit_in_bytes - memory.usage_in_bytes).
 * UINT64_MAX when there is no limit or it cannot be read.
 */
static uint64_t admit_cgroup_left(void)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[512], max[700], cur[700];
    max[0] = cur[0] = '\0';
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *a = strchr(line, ':'), *b = a != NULL ? strchr(a + 1, ':') : NULL;
        if (b == NULL) {
            continue;
        }
        if (strncmp(line, "0::", 3) == 0) {
            snprintf(max, sizeof max, "/sys/fs/cgroup%s/memory.max", b + 1);
            snprintf(cur, sizeof cur, "/sys/fs/cgroup%s/memory.current", b + 1);
        } else if (strncmp(a + 1, "memory:", 7) == 0) {
            snprintf(max, sizeof max, "/sys/fs/cgroup/memory%s/memory.limit_in_bytes", b + 1);
            snprintf(cur, sizeof cur, "/sys/fs/cgroup/memory%s/memory.usage_in_bytes", b + 1);
            break;
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    uint64_t lim = max[0] ? admit_file_number(max) : UINT64_MAX;
    uint64_t used = cur[0] ? admit_file_number(cur) : UINT64_MAX;
    if (lim == UINT64_MAX) {
        return UINT64_MAX;
    }
    return used == UINT64_MAX || used >= lim ? 0 : lim - used;
}

uint64_t admit_available(void)
{
    uint64_t avail = admit_proc_kib("/proc/meminfo", "MemAvailable:");
    if (avail == 0) {
        avail = UINT64_MAX;   /* not Linux: trust the limits alone */
    }
    uint64_t vm = admit_proc_kib("/proc/self/status", "VmSize:");
    uint64_t data = admit_proc_kib("/proc/self/status", "VmData:");
    uint64_t as_left = admit_under_limit(RLIMIT_AS, vm);
    uint64_t data_left = admit_under_limit(RLIMIT_DATA, data);
    uint64_t cg_left = admit_cgroup_left();
    uint64_t least = avail;
    least = as_left < least ? as_left : least;
    least = data_left < least ? data_left : least;
    return cg_left < least ? cg_left : least;
}

sim_err admit_estimate(const sim_config *cfg, admit_need *need, char *msg, size_t len)
{
    memset(need, 0, sizeof *need);
    char why[256];
    sim_err err = topo_estimate(&cfg->topology, cfg->base_dir, &need->nodes, &need->edges, why,
                                sizeof why);
    if (err != SIM_OK) {
        snprintf(msg, len, "%s: %s", cfg->path, why);
        return err;
    }
    uint64_t stored = cfg->topology.kind == TOPO_COMPLETE ? 0 : need->edges;
    uint64_t b = ADMIT_FIXED;
    b = sim_add_sat(b, sim_mul_sat(need->nodes, ADMIT_NODE_CORE + ADMIT_NODE_BUILD));
    b = sim_add_sat(b, sim_mul_sat(stored, ADMIT_EDGE_CSR + ADMIT_EDGE_BUILD));
    for (uint32_t m = 0; m < cfg->nmodels; m++) {
        const sim_model *mod = cfg->models[m].model;
        uint64_t events = sim_mul_sat(need->nodes, 2);
        uint64_t state = sim_mul_sat(need->nodes, 16);
        if (mod->estimate != NULL) {
            state = mod->estimate(cfg->models[m].cfg, need->nodes, &events);
        }
        need->events = sim_add_sat(need->events, events);
        b = sim_add_sat(b, state);
    }
    need->bytes = sim_add_sat(b, sim_mul_sat(need->events, ADMIT_EVENT));
    return SIM_OK;
}

/* Bytes as "1.5 GiB"; saturated values as "more than 16 EiB". */
static void admit_fmt(uint64_t bytes, char *out, size_t len)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
    if (bytes == UINT64_MAX) {
        snprintf(out, len, "more than 16 EiB");
        return;
    }
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024.0 && u < 6) {
        v /= 1024.0;
        u++;
    }
    snprintf(out, len, "%.1f %s", v, units[u]);
}

sim_err admit_check(const sim_config *cfg, int force, char *msg, size_t len)
{
    admit_need need;
    SIM_TRY(admit_estimate(cfg, &need, msg, len));
    uint64_t avail = admit_available();
    if (force || need.bytes <= avail) {
        return SIM_OK;
    }
    char want[32], have[32];
    admit_fmt(need.bytes, want, sizeof want);
    admit_fmt(avail, have, sizeof have);
    snprintf(msg, len, "%s: needs about %s (%" PRIu64 " nodes, %" PRIu64 " edges, %" PRIu64
             " pending events) but %s is available; make it smaller, or run with --force",
             cfg->path, want, need.nodes, need.edges, need.events, have);
    return SIM_EINPUT;
}
