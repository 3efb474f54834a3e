/*
 * run.c -- one simulation run: setup, the event loop, outputs.
 *
 * The loop alternates two phases, as a conservative parallel simulator does:
 * node events are handled in (time, src, seq) order up to the next
 * synchronisation point, then the global work due at that instant runs in a
 * fixed order: timeline actions (file order), every() callbacks (declaration
 * order), then samples. A synchronisation point is the earliest of the next
 * action, the next callback, the next sample and the end; events at exactly
 * that instant are handled after the global work, so an action at t applies
 * before anything else happens at t, and a sample at t shows the state after
 * every event before t. Events at exactly the end are not handled.
 *
 * The model-facing API of sim.h (time, nodes, timers) is defined here;
 * sim_send lives in net.c, actions in act.c, and errors, time conversion
 * and streams in base.c, below everything that calls them. Output files are
 * streamed to temporaries and renamed only when the run completes, is
 * interrupted, or fails mid-run for lack of memory (status failed); on any
 * other error nothing is left behind. Setup (admission, topology, model
 * init) runs with the default action for SIGINT, SIGTERM and SIGHUP, since
 * nothing is written yet; the loop then turns them into a clean stop.
 */
#include "run.h"
#include "par.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "admit.h"
#include "mem.h"
#include "plot.h"
#include "rng.h"
#include "trace.h"

volatile sig_atomic_t run_stop_signal = 0;

/* --- Small shared helpers ------------------------------------------------- */

static long run_peak_rss_kib(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

static double run_wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* --- The model-facing API (sim.h) ------------------------------------------ */

sim_time sim_now(const sim_run *run)
{
    return run->now;
}

sim_time sim_end(const sim_run *run)
{
    return run->end;
}

sim_time sim_sample_every(const sim_run *run)
{
    return run->cfg->scenario.sample_every;
}

uint32_t sim_nodes(const sim_run *run)
{
    return run->n;
}

uint32_t sim_alive_count(const sim_run *run)
{
    return run->alive;
}

int sim_is_up(const sim_run *run, uint32_t node)
{
    return node < run->n && run->node[node].up;
}

void *sim_node_array(const sim_run *run, size_t size)
{
    return mem_zalloc(run->n, size);
}

void sim_hint_per_node(sim_run *run, const void *base, size_t size)
{
    if (run->nhints < SIM_HINTS_MAX && base != NULL) {
        run->hint[run->nhints].base = base;
        run->hint[run->nhints].size = size;
        run->nhints++;
    }
}

/*
 * The queue calls this for each event it files within a few dozen events of
 * the present (evq_set_near): prefetch what handling it will read, so those
 * cache misses overlap instead of stalling one after another. The node
 * record and the models' declared arrays always; for a timer also the
 * node's adjacency, since a timer is where models pick peers: off[v] while
 * the event is still some way off, adj[off[v]] once it is close (off[v] is
 * then in cache). Measured on gossip 1M: 1.6x (doc/performance.md).
 */
static void run_prefetch(void *ctx, const sim_event *ev, int close)
{
    const sim_run *run = ctx;
    uint32_t v = ev->dst;
    __builtin_prefetch(&run->node[v]);
    for (uint32_t i = 0; i < run->nhints; i++) {
        __builtin_prefetch((const char *)run->hint[i].base + (size_t)v * run->hint[i].size);
    }
    if (!run->g.complete && (ev->flags & SIM_EV_TIMER)) {
        if (close) {
            __builtin_prefetch(&run->g.adj[run->g.off[v]]);
        } else {
            __builtin_prefetch(&run->g.off[v]);
        }
    }
}

int sim_topology_complete(const sim_run *run)
{
    return run->g.complete != 0;
}

uint32_t sim_model_count(const sim_run *run)
{
    return run->nmodels;
}

uint32_t sim_degree(const sim_run *run, uint32_t node)
{
    return topo_degree(&run->g, node);
}

uint32_t sim_neighbor(const sim_run *run, uint32_t node, uint32_t i)
{
    if (run->g.complete) {
        return i < node ? i : i + 1;
    }
    return run->g.adj[run->g.off[node] + i];
}

double sim_link_distance(const sim_run *run, uint32_t node, uint32_t i)
{
    const topo_graph *g = &run->g;
    if (!g->complete && g->dist != NULL && !isnan(g->dist[g->off[node] + i])) {
        return g->dist[g->off[node] + i];
    }
    if (g->x == NULL) {
        return 1.0;
    }
    uint32_t w = sim_neighbor(run, node, i);
    double dx = (double)g->x[node] - g->x[w], dy = (double)g->y[node] - g->y[w];
    return sqrt(dx * dx + dy * dy);
}

double sim_link_capacity(const sim_run *run, uint32_t node, uint32_t i)
{
    const topo_graph *g = &run->g;
    return !g->complete && g->cap != NULL ? g->cap[g->off[node] + i] : NAN;
}

const char *sim_node_name(const sim_run *run, uint32_t node)
{
    return run->g.names != NULL ? topo_name(&run->g, node) : NULL;
}

int sim_node_xy(const sim_run *run, uint32_t node, double *x, double *y)
{
    if (run->g.x == NULL) {
        return 0;
    }
    *x = run->g.x[node];
    *y = run->g.y[node];
    return 1;
}

uint32_t sim_random_peer(sim_run *run, uint32_t node)
{
    uint32_t deg = topo_degree(&run->g, node);
    if (deg == 0) {
        return SIM_NONE;
    }
    uint32_t i = (uint32_t)gsl_rng_uniform_int(sim_rng(run, node), deg);
    return sim_neighbor(run, node, i);
}

void sim_timer_at(sim_run *run, uint32_t node, sim_time at_ns, uint8_t kind, uint64_t data)
{
    SIM_ASSERT(node < run->n && at_ns >= run->now);
    sim_event ev = {
        .time = at_ns, .src = node, .seq = run->node[node].send_seq++, .dst = node,
        .model = run->current, .kind = kind, .flags = SIM_EV_TIMER,
        .epoch = run->node[node].epoch, .data = data
    };
    net_schedule(run, &ev);      /* a timer of another rank's node only at init: dropped there */
}

void sim_timer(sim_run *run, uint32_t node, sim_time delay_ns, uint8_t kind, uint64_t data)
{
    delay_ns = delay_ns < 0 ? 0 : delay_ns > SIM_DELAY_CLAMP ? SIM_DELAY_CLAMP : delay_ns;
    sim_timer_at(run, node, run->now + delay_ns, kind, data);
}

/* --- Outputs ----------------------------------------------------------------- */

typedef struct run_out {
    char dir[1024];
    trace_file *model_csv;   /* one per model */
    trace_file events;
    trace_file network;
    trace_file resolved;     /* run.lua: the configuration as the run began, then callbacks' actions */
    trace_file report;       /* report.csv, when the scenario has report() columns */
    sim_time *first_at;      /* per reporter: first_time()'s first true sample, or -1 */
    int created_dir;         /* we made dir, so we remove it on failure */
} run_out;

/* How many of the scenario's reporters are report() columns (the rest are first_time()). */
static uint32_t run_report_columns(const sim_config *cfg)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < cfg->nreports; i++) {
        k += cfg->reports[i].kind == SIM_REPORT_COLUMN;
    }
    return k;
}

static void run_out_discard(sim_run *run, run_out *o)
{
    for (uint32_t m = 0; o->model_csv != NULL && m < run->nmodels; m++) {
        trace_discard(&o->model_csv[m]);
    }
    table_discard_all(run);
    trace_discard(&o->events);
    trace_discard(&o->network);
    trace_discard(&o->resolved);
    trace_discard(&o->report);
    free(o->first_at);
    o->first_at = NULL;
    if (o->created_dir) {
        rmdir(o->dir);
    }
}

static sim_err run_out_open(sim_run *run, run_out *o, const run_opts *opts)
{
    char *msg = run->errmsg;
    size_t len = sizeof run->errmsg;
    if (opts->out_dir != NULL) {
        snprintf(o->dir, sizeof o->dir, "%s", opts->out_dir);
    } else {
        snprintf(o->dir, sizeof o->dir, "results/%s", run->cfg->scenario.name);
    }
    o->created_dir = access(o->dir, F_OK) != 0;
    SIM_TRY(trace_mkdirs(o->dir, msg, len));
    o->model_csv = calloc(run->nmodels, sizeof *o->model_csv);
    if (o->model_csv == NULL) {
        return sim_fail(run, SIM_ENOMEM, "out of memory");
    }
    for (uint32_t m = 0; m < run->nmodels; m++) {
        char name[128];
        if (run->models[m]->own_csv) {
            continue;            /* the model writes it (sim_table) */
        }
        snprintf(name, sizeof name, "%s.csv", run->models[m]->name);
        SIM_TRY(trace_open(&o->model_csv[m], o->dir, name, msg, len));
        fputs("time", o->model_csv[m].f);
        for (const char *const *c = run->models[m]->columns; *c != NULL; c++) {
            fprintf(o->model_csv[m].f, ",%s", *c);
        }
        fputc('\n', o->model_csv[m].f);
    }
    SIM_TRY(table_open_all(run, o->dir));
    SIM_TRY(trace_open(&o->events, o->dir, "events.csv", msg, len));
    fputs("time,action,detail,affected\n", o->events.f);
    SIM_TRY(trace_open(&o->network, o->dir, "network.csv", msg, len));
    fputs("time,alive,links_up,components,giant,blocked\n", o->network.f);
    const sim_config *cfg = run->cfg;
    o->first_at = calloc(cfg->nreports ? cfg->nreports : 1, sizeof *o->first_at);
    if (o->first_at == NULL) {
        return sim_fail(run, SIM_ENOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < cfg->nreports; i++) {
        o->first_at[i] = -1;
    }
    if (run_report_columns(cfg) > 0) {
        SIM_TRY(trace_open(&o->report, o->dir, "report.csv", msg, len));
        fputs("time", o->report.f);
        for (uint32_t i = 0; i < cfg->nreports; i++) {
            if (cfg->reports[i].kind == SIM_REPORT_COLUMN) {
                fprintf(o->report.f, ",%s", cfg->reports[i].name);
            }
        }
        fputc('\n', o->report.f);
    }
    /* Written now, before set{} changes the live configuration. */
    SIM_TRY(trace_open(&o->resolved, o->dir, "run.lua", msg, len));
    if (scen_write_resolved(run->scen, o->resolved.f) != SIM_OK) {
        return sim_fail(run, SIM_EIO, "cannot write %s", o->resolved.tmp);
    }
    return SIM_OK;
}

static uint32_t run_count(const char *const *names)
{
    uint32_t k = 0;
    while (names[k] != NULL) {
        k++;
    }
    return k;
}

static sim_err run_write_network(sim_run *run, run_out *o)
{
    net_shape s;
    SIM_TRY(net_shape_now(run, &s));
    FILE *f = o->network.f;
    trace_time(f, run->now);
    fprintf(f, ",%u,%llu,%u,", s.alive, (unsigned long long)s.links_up, s.components);
    trace_num(f, s.giant);
    fprintf(f, ",%llu\n", (unsigned long long)run->tot_blocked);
    return SIM_OK;
}

static sim_err run_reports(sim_run *run, run_out *o);

static void run_reduce(sim_run *run);

static sim_err run_sample(sim_run *run, run_out *o)
{
    run_reduce(run);
    for (uint32_t m = 0; m < run->nmodels; m++) {
        const sim_model *mod = run->models[m];
        uint32_t k = run_count(mod->columns);
        if (mod->own_csv) {
            continue;
        }
        mod->sample(run->state[m], run, run->row);
        FILE *f = o->model_csv[m].f;
        trace_time(f, run->now);
        for (uint32_t i = 0; i < k; i++) {
            fputc(',', f);
            trace_num(f, run->row[i]);
        }
        fputc('\n', f);
    }
    SIM_TRY(run_reports(run, o));
    return run_write_network(run, o);
}

/* --- Actions and callbacks at synchronisation points ------------------------ */

typedef struct run_ctx {
    sim_run *run;
    run_out *out;
    sim_at *later;           /* actions scheduled by callbacks and shock ends, sorted by time */
    uint32_t nlater, caplater, nextlater;
    uint32_t **sels;         /* the places of shocks whose end is scheduled (freed at the end) */
    uint32_t nsels, capsels;
} run_ctx;

static sim_err run_schedule(run_ctx *c, sim_time t, const sim_action *a);
static sim_err run_schedule_shock_end(run_ctx *c, const sim_action *a);

static sim_err run_action(run_ctx *c, const sim_action *a)
{
    sim_run *run = c->run;
    char detail[256];
    uint64_t affected = 0;
    SIM_TRY(act_check(run, a));
    SIM_TRY(act_check_shock(run, a));
    SIM_TRY(act_apply(run, a, detail, sizeof detail, &affected));
    if (a->kind == ACT_SHOCK && a->duration > 0) {
        SIM_TRY(run_schedule_shock_end(c, a));
    }
    FILE *f = c->out->events.f;
    trace_time(f, run->now);
    fprintf(f, ",%s,", act_name(a->kind));
    trace_text(f, detail);
    fprintf(f, ",%llu\n", (unsigned long long)affected);
    return run_write_network(run, c->out);
}

/* The end of the shock just applied, on the places it hit (run->shock_sel, now ours). */
static sim_err run_schedule_shock_end(run_ctx *c, const sim_action *a)
{
    sim_run *run = c->run;
    if (c->nsels == c->capsels) {
        uint32_t cap = c->capsels ? c->capsels * 2 : 8;
        uint32_t **s = realloc(c->sels, cap * sizeof *s);
        if (s == NULL) {
            return sim_fail(run, SIM_ENOMEM, "out of memory scheduling the end of a shock");
        }
        c->sels = s;
        c->capsels = cap;
    }
    c->sels[c->nsels++] = run->shock_sel;
    sim_action end = *a;
    end.kind = ACT_SHOCK_END;
    end.nodes = (sim_nodeset){ .count = run->shock_sel_count, .ids = run->shock_sel };
    end.fraction = -1;
    end.count = -1;
    end.target = TARGET_RANDOM;
    run->shock_sel = NULL;
    sim_time t = a->duration > SIM_TIME_MAX - run->now ? SIM_TIME_MAX : run->now + a->duration;
    return run_schedule(c, t, &end);
}

static int run_hook_metric(void *ctx, const char *name, double *value)
{
    run_ctx *c = ctx;
    sim_run *run = c->run;
    if (strcmp(name, "time") == 0) {
        *value = sim_time_to_s(run->now);
        return 1;
    }
    if (strncmp(name, "network.", 8) == 0) {
        net_shape s;
        if (net_shape_now(run, &s) != SIM_OK) {
            return 0;
        }
        const char *k = name + 8;
        if (strcmp(k, "alive") == 0) { *value = s.alive; return 1; }
        if (strcmp(k, "links_up") == 0) { *value = (double)s.links_up; return 1; }
        if (strcmp(k, "components") == 0) { *value = s.components; return 1; }
        if (strcmp(k, "giant") == 0) { *value = s.giant; return 1; }
        if (strcmp(k, "blocked") == 0) { *value = (double)run->blocked; return 1; }
        return 0;
    }
    for (uint32_t m = 0; m < run->nmodels; m++) {
        const sim_model *mod = run->models[m];
        size_t nl = strlen(mod->name);
        if (strncmp(name, mod->name, nl) != 0 || name[nl] != '.') {
            continue;
        }
        for (uint32_t i = 0; mod->columns[i] != NULL; i++) {
            if (strcmp(name + nl + 1, mod->columns[i]) == 0) {
                mod->sample(run->state[m], run, run->row);
                *value = run->row[i];
                return 1;
            }
        }
    }
    return 0;
}

/*
 * The scenario's reporters at a sample: a row of report.csv (report()
 * columns) and the first_time() conditions not yet met. They read metrics
 * as every() callbacks do and cannot act, so they change nothing.
 */
static sim_err run_reports(sim_run *run, run_out *o)
{
    const sim_config *cfg = run->cfg;
    run_ctx c = { .run = run, .out = o };
    scen_hooks hooks = { .ctx = &c, .metric = run_hook_metric };
    if (o->report.f != NULL) {
        trace_time(o->report.f, run->now);
    }
    for (uint32_t i = 0; i < cfg->nreports; i++) {
        int column = cfg->reports[i].kind == SIM_REPORT_COLUMN;
        if (!column && o->first_at[i] >= 0) {
            continue;
        }
        double v;
        char msg[256];
        sim_err err = scen_call_report(run->scen, i, run->now, &hooks, &v, msg, sizeof msg);
        if (err != SIM_OK) {
            return err == SIM_EINPUT ? sim_fail(run, err, "%s", msg) : err;
        }
        if (column) {
            fputc(',', o->report.f);
            trace_num(o->report.f, v);
        } else if (v != 0) {
            o->first_at[i] = run->now;
        }
    }
    if (o->report.f != NULL) {
        fputc('\n', o->report.f);
    }
    return SIM_OK;
}

/* An action made by an every() callback, noted in run.lua (the callback makes it again on a re-run). */
static void run_note_callback_action(run_ctx *c, const char *verb, sim_time t, const sim_action *a)
{
    FILE *f = c->out->resolved.f;
    fputs("-- t = ", f);
    trace_time(f, c->run->now);
    fprintf(f, ": every() at line %d %s ", a->line, verb);
    if (t >= 0) {
        fputs("at(", f);
        trace_time(f, t);
        fputs(", ", f);
    }
    scen_write_action(c->run->scen, a, f);
    fputs(t >= 0 ? ")\n" : "\n", f);
}

static sim_err run_hook_apply(void *ctx, const sim_action *a)
{
    run_note_callback_action(ctx, "applied", -1, a);
    return run_action(ctx, a);
}

static sim_err run_hook_schedule(void *ctx, sim_time t, const sim_action *a)
{
    run_note_callback_action(ctx, "scheduled", t, a);
    return run_schedule(ctx, t, a);
}

/* Put a at time t among the later actions (after those already at t). */
static sim_err run_schedule(run_ctx *c, sim_time t, const sim_action *a)
{
    if (c->nlater == c->caplater) {
        uint32_t cap = c->caplater ? c->caplater * 2 : 16;
        sim_at *l = realloc(c->later, cap * sizeof *l);
        if (l == NULL) {
            return sim_fail(c->run, SIM_ENOMEM, "out of memory scheduling an action");
        }
        c->later = l;
        c->caplater = cap;
    }
    uint32_t i = c->nlater++;
    while (i > c->nextlater && c->later[i - 1].time > t) {
        c->later[i] = c->later[i - 1];
        i--;
    }
    c->later[i].time = t;
    c->later[i].action = *a;
    return SIM_OK;
}

/* --- Setup --------------------------------------------------------------------- */

sim_err run_nodes_init(sim_run *run)
{
    uint32_t n = run->n;
    run->node = mem_zalloc(n, sizeof *run->node);
    run->mark = mem_zalloc(n, sizeof *run->mark);
    run->rng = gsl_rng_alloc(rng_gsl_counter);
    if (run->node == NULL || run->mark == NULL || run->rng == NULL) {
        return sim_fail(run, SIM_ENOMEM, "out of memory for %u nodes", n);
    }
    for (uint32_t v = 0; v < n; v++) {
        run->node[v].up = 1;
    }
    run->alive = n;
    return SIM_OK;
}

void run_nodes_destroy(sim_run *run)
{
    net_destroy(run);
    if (run->rng != NULL) {
        gsl_rng_free(run->rng);
        run->rng = NULL;
    }
    free(run->node);
    free(run->mark);
    run->node = NULL;
    run->mark = NULL;
}

/* --- Ranks ---------------------------------------------------------------------- */

/* Contiguous blocks of nodes, one per rank; outboxes for the others. */
static sim_err run_ranks_init(sim_run *run)
{
    run->nranks = par_size();
    run->rank = par_rank();
    run->lookahead = SIM_TIME_MAX;
    uint32_t p = (uint32_t)run->nranks;
    run->per_rank = run->n / p + (run->n % p != 0);
    run->per_rank = run->per_rank ? run->per_rank : 1;
    uint64_t lo = (uint64_t)run->rank * run->per_rank, hi = lo + run->per_rank;
    run->own_lo = (uint32_t)(lo < run->n ? lo : run->n);
    run->own_hi = (uint32_t)(hi < run->n ? hi : run->n);
    run->routing = 1;
    if (p == 1) {
        return SIM_OK;
    }
    run->routing = 0;
    run->outbox = calloc(p, sizeof *run->outbox);
    run->outn = calloc(p, sizeof *run->outn);
    run->outcap = calloc(p, sizeof *run->outcap);
    if (run->outbox == NULL || run->outn == NULL || run->outcap == NULL) {
        return sim_fail(run, SIM_ENOMEM, "out of memory");
    }
    return SIM_OK;
}

void sim_declare_lookahead(sim_run *run, sim_time delay_ns, const char *key)
{
    if (delay_ns < run->lookahead) {
        run->lookahead = delay_ns;
        run->lookahead_key = key;
    }
}

void sim_reduce_sum(sim_run *run, int64_t *v, uint32_t n)
{
    (void)run;
    par_sum_i64(v, n);
}

/* What several ranks cannot run yet, refused with one line (file:line of the block). */
static sim_err run_ranks_check(sim_run *run)
{
    const sim_config *cfg = run->cfg;
    if (run->nranks == 1) {
        return SIM_OK;
    }
    for (uint32_t m = 0; m < run->nmodels; m++) {
        if (run->models[m]->reduce == NULL) {
            return sim_fail(run, SIM_EINPUT, "%s:%d: %s: runs on one rank only so far (issue 19); "
                            "run it without mpirun or with -np 1", cfg->models[m].file, cfg->models[m].line,
                            run->models[m]->name);
        }
    }
    if (cfg->ntimeline > 0 || cfg->nevery > 0 || run_report_columns(cfg) > 0) {
        return sim_fail(run, SIM_EINPUT, "%s: timeline actions, every() and report() run on one rank "
                        "only so far (issue 19)", cfg->path);
    }
    if (run->lookahead <= 0 || run->lookahead == SIM_TIME_MAX) {
        return sim_fail(run, SIM_EINPUT, "%s: on several ranks messages need a minimum delay > 0 (the "
                        "synchronisation window): %s is 0", cfg->path,
                        run->lookahead_key ? run->lookahead_key : "no model declares one");
    }
    run->routing = 1;
    return SIM_OK;
}

/* Every model's counters and the core's made global (identity on one rank). */
static void run_reduce(sim_run *run)
{
    for (uint32_t m = 0; m < run->nmodels; m++) {
        if (run->models[m]->reduce != NULL) {
            run->models[m]->reduce(run->state[m], run);
        }
    }
    int64_t t[4] = { (int64_t)run->events, (int64_t)run->sent, (int64_t)run->lost, (int64_t)run->blocked };
    par_sum_i64(t, 4);
    run->tot_events = (uint64_t)t[0];
    run->tot_sent = (uint64_t)t[1];
    run->tot_lost = (uint64_t)t[2];
    run->tot_blocked = (uint64_t)t[3];
}

static void run_take(void *ctx, const sim_event *ev)
{
    sim_run *run = ctx;
    if (evq_push(&run->q, ev) != SIM_OK) {
        run->out_of_memory = 1;
    }
}

/* Hand the outboxes to their ranks; what comes in is queued (all at or after the window's end). */
static sim_err run_exchange(sim_run *run)
{
    sim_err err = par_exchange((const sim_event *const *)run->outbox, run->outn, run_take, run);
    memset(run->outn, 0, (size_t)run->nranks * sizeof *run->outn);
    return err == SIM_OK ? SIM_OK : sim_fail(run, err, "out of memory exchanging events between ranks");
}

static sim_err run_setup(sim_run *run, int force, double *topo_s)
{
    const sim_config *cfg = run->cfg;
    char msg[256];
    if (admit_check(cfg, force, run->errmsg, sizeof run->errmsg) != SIM_OK) {
        return SIM_EINPUT;
    }
    double t0 = run_wall_s();
    sim_err err = topo_build(&cfg->topology, rng_key(run->seed, RNG_STREAM_TOPO), cfg->base_dir,
                             &run->g, msg, sizeof msg);
    *topo_s = run_wall_s() - t0;
    if (err != SIM_OK) {
        return sim_fail(run, err, "%s: %s", cfg->path, msg);
    }
    run->n = run->g.n;
    SIM_TRY(run_nodes_init(run));
    SIM_TRY(net_init(run));
    SIM_TRY(run_ranks_init(run));
    SIM_TRY(net_check(run));
    for (uint32_t i = 0; i < cfg->ntimeline; i++) {
        SIM_TRY(act_check(run, &cfg->timeline[i].action));
    }
    SIM_TRY(evq_init(&run->q, (size_t)run->n + 16));
    evq_set_near(&run->q, run_prefetch, run);
    run->nmodels = cfg->nmodels;
    run->models = calloc(cfg->nmodels, sizeof *run->models);
    run->state = calloc(cfg->nmodels, sizeof *run->state);
    run->phase_period = calloc(cfg->nmodels + 1, sizeof *run->phase_period);
    run->next_phase = calloc(cfg->nmodels + 1, sizeof *run->next_phase);
    if (run->models == NULL || run->state == NULL || run->phase_period == NULL
        || run->next_phase == NULL) {
        return sim_fail(run, SIM_ENOMEM, "out of memory");
    }
    uint32_t width = 8;
    for (uint32_t m = 0; m < cfg->nmodels; m++) {
        run->models[m] = cfg->models[m].model;
        uint32_t a = run_count(run->models[m]->columns), b = run_count(run->models[m]->summary);
        width = a > width ? a : width;
        width = b > width ? b : width;
    }
    run->row = calloc(width, sizeof *run->row);
    run->row_len = width;
    if (run->row == NULL) {
        return sim_fail(run, SIM_ENOMEM, "out of memory");
    }
    for (uint32_t m = 0; m < cfg->nmodels; m++) {
        if (run->models[m]->observe != NULL) {
            if (run->nobservers == SIM_OBSERVERS_MAX) {
                return sim_fail(run, SIM_EINPUT, "more than %d observing models", SIM_OBSERVERS_MAX);
            }
            run->observers[run->nobservers++] = (uint8_t)m;
        }
    }
    for (uint32_t m = 0; m < cfg->nmodels; m++) {
        run->current = (uint8_t)m;
        run->next_phase[m] = SIM_TIME_MAX;
        err = run->models[m]->init(run, cfg->models[m].cfg, &run->state[m]);
        if (err == SIM_EINPUT) {
            snprintf(msg, sizeof msg, "%s", run->errmsg);
            return sim_fail(run, err, "%s:%d: %s", cfg->models[m].file, cfg->models[m].line, msg);
        }
        SIM_TRY(err);
        if (run->out_of_memory) {
            return sim_fail(run, SIM_ENOMEM, "out of memory for the initial events of %s",
                            run->models[m]->name);
        }
    }
    for (uint32_t i = 0; i < cfg->ntimeline; i++) {
        SIM_TRY(act_check_shock(run, &cfg->timeline[i].action));
    }
    return run_ranks_check(run);
}

/*
 * During setup nothing is written yet, so SIGINT, SIGTERM and SIGHUP keep
 * their default action (the process ends at once, leaving nothing behind)
 * instead of setting a flag that a long topology build would not read.
 */
typedef struct run_signals {
    struct sigaction saved[3];
} run_signals;

static const int run_signal_list[3] = { SIGINT, SIGTERM, SIGHUP };

static void run_signals_default(run_signals *rs)
{
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int i = 0; i < 3; i++) {
        sigaction(run_signal_list[i], NULL, &rs->saved[i]);
        if (rs->saved[i].sa_handler != SIG_IGN) {   /* nohup and `&` ignore some: keep that */
            sigaction(run_signal_list[i], &dfl, NULL);
        }
    }
}

static void run_signals_restore(const run_signals *rs)
{
    for (int i = 0; i < 3; i++) {
        sigaction(run_signal_list[i], &rs->saved[i], NULL);
    }
}

size_t run_bytes(const sim_run *run)
{
    const topo_graph *g = &run->g;
    size_t n = run->n, bytes = n * (sizeof *run->node + sizeof *run->mark);
    bytes += topo_bytes(g);
    bytes += run->bfs != NULL ? n * (sizeof *run->bfs + sizeof *run->seen) : 0;
    bytes += run->capheld * sizeof *run->held;
    bytes += evq_bytes(&run->q);
    for (uint32_t m = 0; m < run->nmodels; m++) {
        if (run->models[m]->bytes != NULL && run->state[m] != NULL) {
            bytes += run->models[m]->bytes(run->state[m]);
        }
    }
    return bytes;
}

static void run_teardown(sim_run *run)
{
    table_free_all(run);
    for (uint32_t m = 0; m < run->nmodels; m++) {
        if (run->models != NULL && run->models[m] != NULL && run->models[m]->destroy != NULL) {
            run->models[m]->destroy(run->state[m]);
        }
    }
    free(run->models);
    free(run->state);
    free(run->phase_period);
    free(run->next_phase);
    for (int r = 0; run->outbox != NULL && r < run->nranks; r++) {
        free(run->outbox[r]);
    }
    free(run->outbox);
    free(run->outn);
    free(run->outcap);
    free(run->row);
    evq_destroy(&run->q);
    run_nodes_destroy(run);
    topo_free(&run->g);
}

/* --- The loop ------------------------------------------------------------------ */

/* The observing models see another model's message (sim_model.observe). */
static void run_observe(sim_run *run, const sim_event *ev)
{
    for (uint32_t i = 0; i < run->nobservers; i++) {
        uint8_t o = run->observers[i];
        if (o != ev->model) {
            run->current = o;
            run->models[o]->observe(run->state[o], run, ev);
        }
    }
}

static void run_dispatch(sim_run *run, const sim_event *ev)
{
    run->now = ev->time;
    if (!net_admit(run, ev)) {
        return;
    }
    run->events++;
    if (run->nobservers > 0 && !(ev->flags & SIM_EV_TIMER)) {
        run_observe(run, ev);
    }
    run->current = ev->model;
    run->models[ev->model]->event(run->state[ev->model], run, ev);
}

static void run_progress(const sim_run *run, double started, double *last)
{
    double now = run_wall_s();
    if (now - *last < 0.5) {
        return;
    }
    *last = now;
    double el = now - started;
    double frac = run->end > 0 ? (double)run->now / (double)run->end : 1.0;
    double eta = frac > 0 ? el * (1.0 - frac) / frac : 0.0;
    fprintf(stderr, "\r  t = %.3f / %.3f s   %.3g events/s   ETA %.0f s   ",
            sim_time_to_s(run->now), sim_time_to_s(run->end),
            el > 0 ? (double)run->events / el : 0.0, eta);
}

/*
 * A queue could not grow. The run cannot go on exactly, and a result must
 * not depend on how much memory was free, so it ends here as failed.
 */
static sim_err run_out_of_memory(sim_run *run)
{
    return sim_fail(run, SIM_ENOMEM, "out of memory at t = %.9g s with %zu events pending "
                    "(%.1f MiB held); the rows so far are written, status=failed",
                    sim_time_to_s(run->now), (size_t)run->q.len + run->nheld,
                    (double)run_bytes(run) / 1048576.0);
}

/* Handle node events strictly before t. SIM_EINTR if a signal asked to stop. */
static sim_err run_events_until(sim_run *run, sim_time t, const run_opts *opts, double started,
                                double *last)
{
    uint32_t tick = 0;
    while (evq_min_time(&run->q) < t) {
        sim_event ev;
        if (evq_pop(&run->q, &ev) < 0) {
            return sim_fail(run, SIM_ENOMEM, "out of memory in the event queue");
        }
        run_dispatch(run, &ev);
        if (run->out_of_memory) {
            return run_out_of_memory(run);
        }
        if (run_stop_signal) {
            return SIM_EINTR;
        }
        if (opts->progress && ++tick == 65536) {
            tick = 0;
            run_progress(run, started, last);
        }
    }
    return run_stop_signal ? SIM_EINTR : SIM_OK;
}

static sim_time run_min(sim_time a, sim_time b)
{
    return a < b ? a : b;
}

/*
 * Up to t on several ranks: conservative windows (YAWNS). The window
 * starts at the earliest pending event of any rank, m, and ends at m +
 * lookahead (or t): no event handled in it can cause one elsewhere before
 * its end, because every message takes at least the lookahead. Each rank
 * handles its own events of the window, then the ranks exchange what they
 * sent each other, all of it due at or after the window's end.
 */
static sim_err run_until(sim_run *run, sim_time t, const run_opts *opts, double started, double *last)
{
    if (run->nranks == 1) {
        return run_events_until(run, t, opts, started, last);
    }
    for (;;) {
        double t0 = run_wall_s();
        sim_time m = par_min_time(evq_min_time(&run->q));
        run->sync_s += run_wall_s() - t0;
        if (m >= t) {
            return SIM_OK;
        }
        sim_time end = m > SIM_TIME_MAX - run->lookahead ? SIM_TIME_MAX : m + run->lookahead;
        sim_err err = run_events_until(run, run_min(end, t), opts, started, last);
        if (err != SIM_OK) {
            return err;
        }
        for (int r = 0; r < run->nranks; r++) {
            run->crossed += run->outn[r];
        }
        run->windows++;
        t0 = run_wall_s();
        err = run_exchange(run);
        run->sync_s += run_wall_s() - t0;
        SIM_TRY(err);
    }
}

/* Run every callback due at now; reschedule each at now + period. */
static sim_err run_callbacks(run_ctx *c, sim_time *next_every)
{
    sim_run *run = c->run;
    const sim_config *cfg = run->cfg;
    scen_hooks hooks = {
        .ctx = c, .metric = run_hook_metric, .apply = run_hook_apply,
        .schedule = run_hook_schedule
    };
    for (uint32_t i = 0; i < cfg->nevery; i++) {
        if (next_every[i] != run->now) {
            continue;
        }
        next_every[i] += cfg->every[i].period;
        char msg[256];
        sim_err err = scen_call_every(run->scen, i, run->now, &hooks, msg, sizeof msg);
        if (err != SIM_OK) {
            return err == SIM_EINPUT ? sim_fail(run, err, "%s", msg) : err;
        }
    }
    return SIM_OK;
}

/* --- Network-wide phases ------------------------------------------------------- */

sim_err sim_phase_every(sim_run *run, sim_time period_ns)
{
    uint8_t m = run->current;
    if (period_ns < 0 || run->models[m]->phase == NULL) {
        return sim_fail(run, SIM_EINTERNAL, "%s: sim_phase_every(%lld) without a phase callback "
                        "or with a negative period", run->models[m]->name, (long long)period_ns);
    }
    run->phase_period[m] = period_ns;
    run->next_phase[m] = period_ns == 0 || period_ns > SIM_TIME_MAX - run->now
                         ? SIM_TIME_MAX : run->now + period_ns;
    return SIM_OK;
}

/* The earliest periodic phase of any model (SIM_TIME_MAX if none). */
static sim_time run_next_phase(const sim_run *run)
{
    sim_time t = SIM_TIME_MAX;
    for (uint32_t m = 0; m < run->nmodels; m++) {
        t = run->next_phase[m] < t ? run->next_phase[m] : t;
    }
    return t;
}

/*
 * The phases due now, in block order. The next one is set before the call,
 * so a phase that calls sim_phase_every changes the period from there on.
 */
static sim_err run_phases(sim_run *run, sim_phase when)
{
    for (uint32_t m = 0; m < run->nmodels; m++) {
        const sim_model *mod = run->models[m];
        if (mod->phase == NULL || (when == SIM_PHASE_PERIOD && run->next_phase[m] != run->now)) {
            continue;
        }
        if (when == SIM_PHASE_PERIOD) {
            sim_time p = run->phase_period[m];
            run->next_phase[m] = p > SIM_TIME_MAX - run->now ? SIM_TIME_MAX : run->now + p;
        }
        run->current = (uint8_t)m;
        double t0 = run_wall_s();
        sim_err err = mod->phase(run->state[m], run, when);
        run->phase_s += run_wall_s() - t0;
        run->phase_calls++;
        SIM_TRY(err);
    }
    return SIM_OK;
}

static sim_err run_loop(run_ctx *c, const run_opts *opts, int *interrupted)
{
    sim_run *run = c->run;
    const sim_config *cfg = run->cfg;
    sim_time step = cfg->scenario.sample_every;
    sim_time next_sample = 0;
    uint32_t next_at = 0;
    sim_time *next_every = calloc(cfg->nevery + 1, sizeof *next_every);
    if (next_every == NULL) {
        return sim_fail(run, SIM_ENOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < cfg->nevery; i++) {
        next_every[i] = cfg->every[i].period;
    }
    double started = run_wall_s(), last = started;
    sim_err err = SIM_OK;
    for (;;) {
        sim_time sync = run_min(next_sample, run->end);
        if (next_at < cfg->ntimeline) {
            sync = run_min(sync, cfg->timeline[next_at].time);
        }
        if (c->nextlater < c->nlater) {
            sync = run_min(sync, c->later[c->nextlater].time);
        }
        for (uint32_t i = 0; i < cfg->nevery; i++) {
            sync = run_min(sync, next_every[i]);
        }
        sync = run_min(sync, run_next_phase(run));
        err = run_until(run, sync, opts, started, &last);
        if (err == SIM_EINTR) {
            *interrupted = 1;
            err = SIM_OK;
            break;
        }
        if (err != SIM_OK) {
            break;
        }
        run->now = sync;
        while (err == SIM_OK && next_at < cfg->ntimeline && cfg->timeline[next_at].time == sync) {
            err = run_action(c, &cfg->timeline[next_at++].action);
        }
        while (err == SIM_OK && c->nextlater < c->nlater && c->later[c->nextlater].time == sync) {
            err = run_action(c, &c->later[c->nextlater++].action);
        }
        if (err == SIM_OK) {
            err = run_callbacks(c, next_every);
        }
        if (err == SIM_OK) {
            err = run_phases(run, SIM_PHASE_PERIOD);
        }
        if (err == SIM_OK && (run->stop_requested || sync >= run->end)) {
            err = run_phases(run, SIM_PHASE_END);
        }
        if (err == SIM_OK && run->out_of_memory) {
            err = run_out_of_memory(run);
        }
        if (err == SIM_OK && run->stop_requested) {
            err = run_sample(run, c->out);   /* the last row, at the stop */
            break;
        }
        if (err == SIM_OK && sync == next_sample) {
            err = run_sample(run, c->out);
            next_sample = (next_sample < run->end && next_sample + step > run->end)
                          ? run->end : next_sample + step;
        }
        if (err != SIM_OK || sync >= run->end) {
            break;
        }
    }
    if (opts->progress) {
        fputs("\r\033[K", stderr);
    }
    free(next_every);
    return err;
}

/* --- Summary, plots, the folder's manifest ---------------------------------------- */

static sim_err run_write_summary(sim_run *run, run_out *o, double wall, const char *status)
{
    trace_file t;
    SIM_TRY(trace_open(&t, o->dir, "summary.csv", run->errmsg, sizeof run->errmsg));
    FILE *f = t.f;
    fputs("scenario,seed,nodes,edges,events,wall_s,events_per_s,status", f);
    for (uint32_t m = 0; m < run->nmodels; m++) {
        for (const char *const *c = run->models[m]->summary; *c != NULL; c++) {
            fprintf(f, ",%s", *c);
        }
    }
    const sim_config *cfg = run->cfg;
    for (uint32_t i = 0; i < cfg->nreports; i++) {
        if (cfg->reports[i].kind == SIM_REPORT_FIRST_TIME) {
            fprintf(f, ",%s", cfg->reports[i].name);
        }
    }
    fputc('\n', f);
    trace_text(f, run->cfg->scenario.name);
    fprintf(f, ",%lld,%u,%llu,%llu,%.3f,%.0f,%s", (long long)run->seed, run->n,
            (unsigned long long)run->g.m, (unsigned long long)run->tot_events, wall,
            wall > 0 ? (double)run->tot_events / wall : 0.0, status);
    for (uint32_t m = 0; m < run->nmodels; m++) {
        uint32_t k = run_count(run->models[m]->summary);
        run->models[m]->summarize(run->state[m], run, run->row);
        for (uint32_t i = 0; i < k; i++) {
            fputc(',', f);
            trace_num(f, run->row[i]);
        }
    }
    for (uint32_t i = 0; i < cfg->nreports; i++) {
        if (cfg->reports[i].kind == SIM_REPORT_FIRST_TIME) {
            fputc(',', f);
            trace_num(f, o->first_at[i] >= 0 ? sim_time_to_s(o->first_at[i]) : NAN);
        }
    }
    fputc('\n', f);
    return trace_commit(&t, run->errmsg, sizeof run->errmsg);
}

static sim_err run_commit(sim_run *run, run_out *o)
{
    for (uint32_t m = 0; m < run->nmodels; m++) {
        if (o->model_csv[m].f != NULL) {
            SIM_TRY(trace_commit(&o->model_csv[m], run->errmsg, sizeof run->errmsg));
        }
    }
    SIM_TRY(table_commit_all(run));
    SIM_TRY(trace_commit(&o->events, run->errmsg, sizeof run->errmsg));
    SIM_TRY(trace_commit(&o->network, run->errmsg, sizeof run->errmsg));
    if (o->report.f != NULL) {
        SIM_TRY(trace_commit(&o->report, run->errmsg, sizeof run->errmsg));
    }
    return trace_commit(&o->resolved, run->errmsg, sizeof run->errmsg);
}

/* 1 if this run declared the model's map table (a map needs coordinates, and few places). */
static int run_declared_map(const sim_run *run, const sim_model *model)
{
    char file[96];
    if (model->map == NULL) {
        return 0;
    }
    snprintf(file, sizeof file, "%s.csv", model->map);
    for (uint32_t i = 0; i < run->ntables; i++) {
        if (strcmp(run->tables[i].file, file) == 0) {
            return 1;
        }
    }
    return 0;
}

/* name.gp and name.png into names, as far as plotted (PLOT_* bits) says they were written. */
static uint32_t run_plot_names(const char *name, int plotted, char names[][TRACE_NAME_MAX], uint32_t k)
{
    if (plotted & PLOT_GP) {
        snprintf(names[k++], TRACE_NAME_MAX, "%s.gp", name);
    }
    if (plotted & PLOT_PNG) {
        snprintf(names[k++], TRACE_NAME_MAX, "%s.png", name);
    }
    return k;
}

/*
 * The names of the files this run wrote; plotted[m] are the PLOT_* bits of
 * model m's figure, plotted[nmodels] those of network.png, plotted[nmodels
 * + 1 + m] those of model m's map. Returns the count.
 */
static uint32_t run_written(const sim_run *run, const int *plotted, char names[][TRACE_NAME_MAX], uint32_t max)
{
    static const char *const fixed[] = { "events.csv", "network.csv", "summary.csv", "run.lua" };
    uint32_t k = 0;
    for (uint32_t i = 0; i < 4 && k < max; i++) {
        snprintf(names[k++], TRACE_NAME_MAX, "%s", fixed[i]);
    }
    if (run_report_columns(run->cfg) > 0 && k < max) {
        snprintf(names[k++], TRACE_NAME_MAX, "report.csv");
    }
    if (k + 2 <= max) {
        k = run_plot_names("network", plotted[run->nmodels], names, k);
    }
    for (uint32_t m = 0; m < run->nmodels && k + 5 <= max; m++) {
        if (!run->models[m]->own_csv) {
            snprintf(names[k++], TRACE_NAME_MAX, "%s.csv", run->models[m]->name);
        }
        k = run_plot_names(run->models[m]->name, plotted[m], names, k);
        if (run_declared_map(run, run->models[m])) {
            k = run_plot_names(run->models[m]->map, plotted[run->nmodels + 1 + m], names, k);
        }
    }
    for (uint32_t i = 0; i < run->ntables && k < max; i++) {
        snprintf(names[k++], TRACE_NAME_MAX, "%s", run->tables[i].file);
    }
    for (uint32_t i = 0; i < run->nfiles && k < max; i++) {
        const char *slash = strrchr(run->files[i].path, '/');
        const char *base = slash != NULL ? slash + 1 : run->files[i].path;   /* < 64 bytes: table_name_ok */
        snprintf(names[k++], TRACE_NAME_MAX, "%.*s", TRACE_NAME_MAX - 1, base);
    }
    return k;
}

/*
 * A folder reused for a new run keeps nothing of the old run that this one
 * did not write again. What is ours to delete: a file the previous run
 * listed in the folder's manifest (.mycosim-files, trace.h) and that is still exactly
 * the file it wrote -- same device, inode, size and modification time, as
 * recorded when it was written. A manifest copied in with an artefact, or
 * a name a user has since reused for a file of their own, matches nothing
 * and deletes nothing. Plain names only, removed with unlinkat (a link is
 * removed, never followed).
 */

static sim_err run_write_manifest(sim_run *run, const run_out *o, const int *plotted)
{
    uint32_t max = 5 * 64 + 8 + 16 + run->nfiles;
    char (*names)[TRACE_NAME_MAX] = malloc((size_t)max * sizeof *names);
    if (names == NULL) {
        return sim_fail(run, SIM_ENOMEM, "out of memory");
    }
    uint32_t k = run_written(run, plotted, names, max);
    int dfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        free(names);
        return sim_fail(run, SIM_EIO, "cannot open %s: %s", o->dir, strerror(errno));
    }
    trace_manifest_unlink(dfd, names, k);
    sim_err err = trace_manifest_write(o->dir, dfd, "run", names, k, run->errmsg, sizeof run->errmsg);
    close(dfd);
    free(names);
    return err;
}

static void run_print_summary(sim_run *run, const run_out *o, double wall, const char *status)
{
    printf("mycosim %s: %s (seed %lld) %s\n", MYCOSIM_VERSION, run->cfg->scenario.name,
           (long long)run->seed, status);
    printf("  %u nodes, %llu edges, %.6g s simulated, %llu events in %.3f s (%.3g events/s)\n",
           run->n, (unsigned long long)run->g.m, sim_time_to_s(run->now),
           (unsigned long long)run->tot_events, wall, wall > 0 ? (double)run->tot_events / wall : 0.0);
    printf("  messages: %llu sent, %llu lost", (unsigned long long)run->tot_sent,
           (unsigned long long)run->tot_lost);
    if (run->tot_blocked > 0) {
        printf(", %llu blocked", (unsigned long long)run->tot_blocked);
    }
    putchar('\n');
    for (uint32_t m = 0; m < run->nmodels; m++) {
        run->models[m]->summarize(run->state[m], run, run->row);
        printf("  %s:", run->models[m]->name);
        for (uint32_t i = 0; run->models[m]->summary[i] != NULL; i++) {
            printf(" %s=", run->models[m]->summary[i]);
            trace_num(stdout, run->row[i]);
        }
        putchar('\n');
    }
    printf("  outputs in %s/\n", o->dir);
}

/* Commit the traces, then summary, plots and manifest. */
static sim_err run_write_outputs(sim_run *run, run_out *o, const run_opts *opts, double wall,
                                 const char *status)
{
    SIM_TRY(run_commit(run, o));
    SIM_TRY(run_write_summary(run, o, wall, status));
    int *plotted = calloc(2 * (size_t)run->nmodels + 1, sizeof *plotted);
    if (plotted == NULL) {
        return sim_fail(run, SIM_ENOMEM, "out of memory");
    }
    plot_run pr = { .dir = o->dir, .scenario = run->cfg->scenario.name, .seed = (long long)run->seed,
                    .quiet = opts->quiet, .no_plot = opts->no_plot };
    for (uint32_t m = 0; m < run->nmodels; m++) {
        plotted[m] = plot_model(&pr, run->models[m]);
        if (run_declared_map(run, run->models[m])) {
            plotted[run->nmodels + 1 + m] = plot_map(&pr, run->models[m]->map);
        }
    }
    plotted[run->nmodels] = plot_network(&pr);
    sim_err err = run_write_manifest(run, o, plotted);
    free(plotted);
    return err;
}

/* --- Entry point ------------------------------------------------------------- */

sim_err run_scenario(scen *s, const run_opts *opts, char *errmsg, size_t errlen)
{
    sim_run *run = calloc(1, sizeof *run);
    if (run == NULL) {
        snprintf(errmsg, errlen, "out of memory");
        return SIM_ENOMEM;
    }
    gsl_set_error_handler_off();   /* GSL aborts by default; we check results */
    run->cfg = scen_config(s);
    run->scen = s;
    run->seed = (uint64_t)run->cfg->scenario.seed;
    run->end = run->cfg->scenario.duration;
    run->links = &run->cfg->links;
    run->run_key = rng_key(run->seed, RNG_STREAM_RUN);
    run_out out;
    memset(&out, 0, sizeof out);
    run_ctx ctx = { .run = run, .out = &out };
    int interrupted = 0, opened = 0, failed = 0;
    double wall = 0.0;
    run_stats st = { 0 };
    double t0 = run_wall_s();
    run_signals rs;
    run_signals_default(&rs);
    sim_err err = run_setup(run, opts->force, &st.topo_s);
    run_signals_restore(&rs);
    st.setup_s = run_wall_s() - t0;
    st.rss_setup_kib = run_peak_rss_kib();
    st.bytes = err == SIM_OK ? run_bytes(run) : 0;
    if (err == SIM_OK) {
        err = run_out_open(run, &out, opts);
        opened = 1;
    }
    char failure[sizeof run->errmsg] = "";
    if (err == SIM_OK) {
        t0 = run_wall_s();
        err = run_loop(&ctx, opts, &interrupted);
        wall = run_wall_s() - t0;
        if (err == SIM_ENOMEM) {     /* mid-run: keep the rows so far, status failed */
            snprintf(failure, sizeof failure, "%s", run->errmsg);
            failed = 1;
            err = SIM_OK;
        }
    }
    t0 = run_wall_s();
    const char *status = failed ? "failed" : interrupted ? "interrupted" : "ok";
    if (err == SIM_OK) {
        run_reduce(run);
        wall = par_max(wall);
        err = run_write_outputs(run, &out, opts, wall, status);
    }
    if (err == SIM_OK && !opts->quiet) {
        run_print_summary(run, &out, wall, status);
    }
    if (err != SIM_OK && opened) {
        run_out_discard(run, &out);
    }
    if (err == SIM_OK && failed) {
        err = sim_fail(run, SIM_ENOMEM, "%s", failure);
    }
    if (err != SIM_OK) {
        snprintf(errmsg, errlen, "%s", run->errmsg);
    }
    if (opts->stats != NULL) {
        st.events = run->tot_events;
        st.sent = run->tot_sent;
        st.lost = run->tot_lost;
        st.blocked = run->tot_blocked;
        st.held = run->nheld;
        st.pending = run->q.len + run->nheld;
        st.wall_s = wall;
        st.phase_s = run->phase_s;
        st.ranks = run->nranks;
        st.sync_s = par_max(run->sync_s);
        st.windows = run->windows;
        int64_t crossed = (int64_t)run->crossed;
        par_sum_i64(&crossed, 1);
        st.crossed = (uint64_t)crossed;
        st.phases = run->phase_calls;
        st.output_s = run_wall_s() - t0;
        st.rss_peak_kib = run_peak_rss_kib();
        *opts->stats = st;
    }
    free(out.model_csv);
    free(out.first_at);
    free(ctx.later);
    for (uint32_t i = 0; i < ctx.nsels; i++) {
        free(ctx.sels[i]);
    }
    free(ctx.sels);
    free(run->shock_sel);
    run_teardown(run);
    free(run);
    if (err == SIM_OK && interrupted) {
        return SIM_EINTR;
    }
    return err;
}
