/*
 * model_probe.c -- `probe`, a model that exists only in the test binary.
 *
 * It asks for a network-wide phase every `period` and keeps a timer on
 * node 0 every `tick`, so the two meet at common instants; it logs every
 * phase, end phase, timer and message in order (model_probe.h), and its
 * columns count them, so a test sees from outside which ran first. With
 * `send` each phase sends one message between random neighbours (drawn
 * from node streams: deterministic). `bad` marks nodes as bad actors and
 * `suspend` suspends nodes at the first phase, through the core's API only,
 * as the immune model will. `weight` is a per-node key (any of the four
 * forms); its values are summed into a column. `names` (a list of names)
 * and `amounts` (per-node values by name) exercise the loader's list and
 * map types.
 */
#include "model_probe.h"

#include <stdlib.h>

#include "sim.h"

typedef struct probe_cfg {
    sim_time period;         /* phase period, ns; 0: only the end phase */
    sim_time tick;           /* node 0's timer period, ns; 0: none */
    int send;                /* each phase sends one message */
    sim_nodeset bad;         /* nodes marked bad at init */
    sim_nodeset suspend;     /* nodes suspended at the first phase */
    sim_pernode weight;      /* a per-node key */
    sim_strlist names;       /* a list of names */
    sim_pernode_map amounts; /* per-node values by name */
    int table;               /* write probe_phases.csv: one row per phase */
} probe_cfg;

typedef struct probe_state {
    const probe_cfg *cfg;
    uint64_t phases, ends, timers, received, sent;
    uint32_t alive_seen;     /* alive nodes at the last phase */
    double weight_sum;       /* sum of every node's weight */
    double weight_last;      /* the last node's weight */
    double amounts;          /* sum over the map's entries i (sorted) of (i + 1) x their node sum */
    sim_table *table;        /* probe_phases.csv, or NULL */
    double link_length;      /* sum over directed links of sim_link_distance */
    double link_capacity;    /* sum over directed links of the capacities given */
    double named_x;          /* sum of x over nodes with a name and coordinates */
} probe_state;

static probe_entry probe_entries[PROBE_LOG_MAX];
static uint32_t probe_entries_len;

uint32_t probe_log_len(void)
{
    return probe_entries_len;
}

const probe_entry *probe_log(void)
{
    return probe_entries;
}

static void probe_note(const sim_run *run, char what, uint32_t value)
{
    if (probe_entries_len < PROBE_LOG_MAX) {
        probe_entries[probe_entries_len++] = (probe_entry){ what, sim_now(run), value };
    }
}

enum { PROBE_TICK, PROBE_MSG };

static const sim_param probe_params[] = {
    SIM_PARAM_TIME("period", probe_cfg, period, 0, 0, 1e9, 0, "phase period (0: end phase only)"),
    SIM_PARAM_TIME("tick", probe_cfg, tick, 0, 0, 1e9, 0, "node 0's timer period (0: none)"),
    SIM_PARAM_BOOL("send", probe_cfg, send, 0, 0, "each phase sends one message"),
    SIM_PARAM_NODES("bad", probe_cfg, bad, 0, 0, "nodes marked as bad actors at init"),
    SIM_PARAM_NODES("suspend", probe_cfg, suspend, 0, 0, "nodes suspended at the first phase"),
    SIM_PARAM_PERNODE("weight", probe_cfg, weight, 1.5, 0, 1e6, 0, "a per-node value, summed"),
    SIM_PARAM_STRLIST("names", probe_cfg, names, 0, "a list of names, counted"),
    SIM_PARAM_BOOL("table", probe_cfg, table, 0, 0, "write probe_phases.csv, a table of its own"),
    SIM_PARAM_PERNODE_MAP("amounts", probe_cfg, amounts, 0, 1e6, 0,
                          "per-node values by name, summed with weights 1, 2, ... in name order"),
    SIM_PARAM_END
};

static const char *const probe_columns[] = {
    "phases", "ends", "timers", "received", "sent", "alive_seen", "bad", "suspended",
    "weight_sum", "weight_last", "names", "amounts", "link_length", "link_capacity", "named_x", NULL
};
static const char *const probe_summary[] = { "phases", "ends", NULL };
static const char *const probe_table_columns[] = { "what", "alive", NULL };

/* Apply a nodeset: explicit ids, or the first `count` nodes. */
static void probe_each(sim_run *run, const sim_nodeset *ns, int bad)
{
    for (uint32_t i = 0; i < ns->count && i < sim_nodes(run); i++) {
        uint32_t v = ns->ids != NULL ? ns->ids[i] : i;
        if (bad) {
            sim_set_bad(run, v, 1);
        } else {
            (void)sim_set_standing(run, v, SIM_STANDING_SUSPENDED);
        }
    }
}

static sim_err probe_init(sim_run *run, const void *cfg, void **state)
{
    probe_state *p = calloc(1, sizeof *p);
    if (p == NULL) {
        return sim_fail(run, SIM_ENOMEM, "probe: out of memory");
    }
    *state = p;
    p->cfg = cfg;
    probe_entries_len = 0;
    probe_each(run, &p->cfg->bad, 1);
    double *w = malloc(sizeof *w * (sim_nodes(run) ? sim_nodes(run) : 1));
    if (w == NULL) {
        return sim_fail(run, SIM_ENOMEM, "probe: out of memory");
    }
    sim_err err = sim_node_values(run, &p->cfg->weight, w);
    for (uint32_t v = 0; err == SIM_OK && v < sim_nodes(run); v++) {
        p->weight_sum += w[v];
        p->weight_last = w[v];
    }
    for (uint32_t i = 0; err == SIM_OK && i < p->cfg->amounts.count; i++) {
        err = sim_node_values(run, &p->cfg->amounts.values[i], w);
        for (uint32_t v = 0; err == SIM_OK && v < sim_nodes(run); v++) {
            p->amounts += (i + 1) * w[v];
        }
    }
    free(w);
    SIM_TRY(err);
    for (uint32_t v = 0; v < sim_nodes(run) && sim_nodes(run) <= 1000; v++) {
        for (uint32_t i = 0; i < sim_degree(run, v); i++) {
            double c = sim_link_capacity(run, v, i);
            p->link_length += sim_link_distance(run, v, i);
            p->link_capacity += c == c ? c : 0.0;
        }
        double x, y;
        if (sim_node_name(run, v) != NULL && sim_node_xy(run, v, &x, &y)) {
            p->named_x += x;
        }
    }
    if (p->cfg->table && (p->table = sim_table_declare(run, "probe_phases.csv", probe_table_columns)) == NULL) {
        return SIM_EINTERNAL;
    }
    if (p->cfg->tick > 0) {
        sim_timer(run, 0, p->cfg->tick, PROBE_TICK, 0);
    }
    return sim_phase_every(run, p->cfg->period);
}

static void probe_event(void *state, sim_run *run, const sim_event *ev)
{
    probe_state *p = state;
    if (ev->kind == PROBE_TICK) {
        p->timers++;
        probe_note(run, 'N', ev->dst);
        sim_timer(run, ev->dst, p->cfg->tick, PROBE_TICK, 0);
    } else {
        p->received++;
        probe_note(run, 'M', ev->dst);
    }
}

static sim_err probe_phase(void *state, sim_run *run, sim_phase when)
{
    probe_state *p = state;
    p->alive_seen = sim_alive_count(run);
    probe_note(run, when == SIM_PHASE_END ? 'E' : 'P', p->alive_seen);
    if (p->table != NULL) {
        sim_table_text(p->table, when == SIM_PHASE_END ? "end, \"last\"" : "phase");
        sim_table_num(p->table, p->alive_seen);
        sim_table_end_row(p->table);
    }
    if (when == SIM_PHASE_END) {
        p->ends++;
        return SIM_OK;
    }
    if (p->phases++ == 0) {
        probe_each(run, &p->cfg->suspend, 0);
    }
    if (p->cfg->send) {
        uint32_t src = (uint32_t)gsl_rng_uniform_int(sim_rng(run, 0), sim_nodes(run));
        uint32_t dst = sim_random_peer(run, src);
        if (dst != SIM_NONE) {
            sim_send(run, src, dst, PROBE_MSG, 0);
            p->sent++;
        }
    }
    return SIM_OK;
}

static void probe_sample(const void *state, const sim_run *run, double *row)
{
    const probe_state *p = state;
    uint32_t counts[4], bad = 0;
    sim_standing_counts(run, counts);
    for (uint32_t v = 0; v < sim_nodes(run); v++) {
        bad += (uint32_t)sim_is_bad(run, v);
    }
    row[0] = (double)p->phases;
    row[1] = (double)p->ends;
    row[2] = (double)p->timers;
    row[3] = (double)p->received;
    row[4] = (double)p->sent;
    row[5] = (double)p->alive_seen;
    row[6] = (double)bad;
    row[7] = (double)counts[SIM_STANDING_SUSPENDED];
    row[8] = p->weight_sum;
    row[9] = p->weight_last;
    row[10] = (double)p->cfg->names.count;
    row[11] = p->amounts;
    row[12] = p->link_length;
    row[13] = p->link_capacity;
    row[14] = p->named_x;
}

static void probe_summarize(const void *state, const sim_run *run, double *out)
{
    const probe_state *p = state;
    (void)run;
    out[0] = (double)p->phases;
    out[1] = (double)p->ends;
}

static void probe_destroy(void *state)
{
    free(state);
}

const sim_model probe_model = {
    .name = "probe",
    .help = "test-only: logs phases, timers and messages",
    .params = probe_params,
    .cfg_size = sizeof(probe_cfg),
    .columns = probe_columns,
    .summary = probe_summary,
    .init = probe_init,
    .event = probe_event,
    .phase = probe_phase,
    .sample = probe_sample,
    .summarize = probe_summarize,
    .destroy = probe_destroy,
};
