/*
 * fuzz_topo.c -- the topology file readers (edgelist, GraphML, GML).
 *
 * The first input byte picks the format (byte % 3: edgelist, graphml, gml,
 * as in topo_format); the rest is written to this process's scratch file and
 * read by topo_build() with a `topology{ kind = "file" }` config, then freed.
 * A graph that is built must be a valid CSR (offsets monotone, neighbours in
 * range, sorted, no self-loops, every edge stored both ways); a file that is
 * refused must come with a message. Anything else is a finding.
 */
#include "fuzz.h"

#include <inttypes.h>

#include "topo.h"

/* 1 if u is in v's sorted neighbour list. */
static int fuzz_topo_has(const topo_graph *g, uint32_t v, uint32_t u)
{
    uint32_t lo = g->off[v], hi = g->off[v + 1];
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (g->adj[mid] == u) {
            return 1;
        }
        if (g->adj[mid] < u) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return 0;
}

static void fuzz_topo_check_csr(const topo_graph *g)
{
    if (g->n == 0 || g->complete || g->off == NULL || (g->m > 0 && g->adj == NULL)) {
        FUZZ_FAIL("topo: file graph n=%" PRIu32 " complete=%d off=%p", g->n, g->complete,
                  (const void *)g->off);
    }
    if (g->off[0] != 0 || g->off[g->n] != 2 * g->m) {
        FUZZ_FAIL("topo: off[0]=%" PRIu32 " off[n]=%" PRIu32 " but m=%" PRIu64, g->off[0],
                  g->off[g->n], g->m);
    }
    for (uint32_t v = 0; v < g->n; v++) {
        if (g->off[v + 1] < g->off[v]) {
            FUZZ_FAIL("topo: off not monotone at %" PRIu32, v);
        }
        for (uint32_t i = g->off[v]; i < g->off[v + 1]; i++) {
            uint32_t u = g->adj[i];
            if (u >= g->n || u == v || (i > g->off[v] && g->adj[i - 1] >= u)) {
                FUZZ_FAIL("topo: node %" PRIu32 ": bad neighbour %" PRIu32 " at %" PRIu32, v, u, i);
            }
            if (!fuzz_topo_has(g, u, v)) {
                FUZZ_FAIL("topo: edge %" PRIu32 "-%" PRIu32 " stored one way", v, u);
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    const char *path = fuzz_tmp_path("topo");
    fuzz_write_file(path, data + 1, size - 1);

    topo_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.kind = TOPO_FILE;
    cfg.path = path;
    cfg.format = data[0] % 3;   /* TOPO_FMT_EDGELIST, TOPO_FMT_GRAPHML, TOPO_FMT_GML */

    topo_graph g;
    char msg[512];
    memset(msg, 0x55, sizeof msg);
    sim_err err = topo_build(&cfg, 1, NULL, &g, msg, sizeof msg);
    if (err == SIM_OK) {
        fuzz_topo_check_csr(&g);
    } else if (strnlen(msg, sizeof msg) == 0 || strnlen(msg, sizeof msg) == sizeof msg) {
        FUZZ_FAIL("topo_build: error %d without a message", (int)err);
    } else {
        fuzz_note("topo_build", msg);
    }
    topo_free(&g);
    return 0;
}
