/*
 * flow.c -- resources flow to need: every period, for each resource, a
 * min-cost flow over the live network from the places with a surplus to
 * the places in deficit; the planned flows then travel the links, and each
 * link's trust learns from what arrives.
 *
 * The problem of one resource at one period. Places are the nodes; a place
 * is live when it is up and neither suspended nor expelled (the core's
 * standing), and gives supply - demand (units; per-node keys, plus active
 * shocks). Dead places give nothing and take nothing. Every link of the
 * topology is two arcs, one per direction, open when sim_link_open says a
 * message would get through (both ends up, one side of any partition,
 * neither cut off), with capacity `capacity` units per period (an explicit
 * edge's own capacity instead, when it gives one; plus the capacity shocks
 * of its two ends; never below 0) and cost per unit
 *
 *     distance x friction + trust_weight x (1 - trust of that direction)
 *
 * A super node S closes the balance: every place v has an arc v -> S of
 * cost 0 (surplus left unused) and an arc S -> v of cost `penalty` (demand
 * left unmet), both uncapacitated, and S supplies the difference. So every
 * problem is feasible, a partition splits the real flows into its
 * components by itself (no open arc crosses it), and unmet demand is the
 * flow on the S -> v arcs: the solver meets demand through the network
 * wherever a path costs less than the penalty.
 *
 * Solving. Quantities are integers in thousandths of a unit and costs in
 * thousandths (rounded; both clamped to 2^50 so that the solver's exact
 * int64 arithmetic holds). The arc set never changes, only supplies,
 * capacities and costs, so `simplex` (our network simplex, solvers/)
 * re-solves warm from the previous period's basis, one workspace per
 * resource; only the values that changed are passed to it.
 *
 * Delivery. The period's flow of each resource is decomposed into routes
 * (a standard flow decomposition: from each place that sends more than it
 * receives, follow links still carrying flow to a place that receives
 * more than it sends; cycles on the way are cancelled, they move
 * nothing). A route travels hop by hop as messages (sim_send: latency,
 * loss, partitions and down or cut-off receivers apply), each place
 * forwarding it on arrival, so it arrives after the sum of its hops'
 * latencies and a link or place failing on the way loses it. A bad
 * actor never forwards. A route that has not reached its end when the
 * next period starts is lost (a period is also the delivery deadline),
 * counted in `lost` and charged to the link it was on; `delivered`
 * counts what reached the end of its route (with the local rule that
 * includes surplus pushed into places that needed none). Trust learns
 * once a period per link and resource that shipped: something lost on it,
 * trust <- trust - alpha x trust; else, trust <- trust + alpha x
 * (1 - trust). So trust stays in [0, 1]; it starts at 1. Routes of the
 * last period still on their way when the run ends are neither.
 *
 * Shocks: shock{resource, supply, demand, capacity, duration} adds supply
 * and demand (units per period) to a resource at the places hit (resource
 * may be left out when there is only one), and capacity to every link of
 * those places.
 *
 * Outputs (own tables): flow.csv, one row per period and resource:
 * supply, demand (of live places), met, unmet, cost (the solver's
 * objective: transport plus penalty x unmet), flows (directed links
 * carrying flow), sources_per_deficit (mean number of surplus places
 * upstream of each place in deficit in the period's flow graph); and
 * flows.csv, one row per directed link carrying flow, by place name (or
 * id), when the network has at most `flows_limit` places. Summary: unmet and
 * cost summed over periods, delivered and lost, and for the shocks that
 * raised demand: how many, how many were 95% met (the resource's unmet
 * demand back within 5% of what the shock added, above its level before)
 * and the mean and longest time that took; solve_wall_s, the wall seconds spent
 * in the solver (the one figure that differs between two runs).
 *
 * Costs: per directed link 44 bytes plus 25 per resource; per place 40
 * bytes plus 56 per resource; per route 24 bytes plus 4 per hop. A period
 * is O(m) per resource plus the warm solve plus the routes' hops.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dimacs.h"
#include "mcf_glpk.h"
#include "netsimplex.h"
#include "sim.h"

#define FLOW_QTY       1000.0                    /* solver units per unit */
#define FLOW_COST      1000.0                    /* solver cost units per cost unit */
#define FLOW_CLAMP     ((double)(INT64_C(1) << 50))
#define FLOW_RES_MAX   16
#define FLOW_MAP_MAX   5000                      /* places a map draws at most */

__extension__ typedef __int128 flow_wide;      /* sums of supplies: cannot wrap */

enum { FLOW_SIMPLEX, FLOW_GLPK, FLOW_GREEDY, FLOW_GRADIENT };
enum { FLOW_EV_SHIP };
enum { FLOW_CROSSED = 1, FLOW_LOST = 2 };

typedef struct flow_cfg {
    sim_strlist resources;       /* resource names */
    sim_pernode_map supply;      /* per resource: units offered per period */
    sim_pernode_map demand;      /* per resource: units needed per period */
    double capacity;             /* default link capacity, units per period */
    double friction;             /* cost per unit of distance */
    double trust_weight;         /* cost per unit of distrust (1 - trust) */
    double alpha;                /* trust learning rate */
    double penalty;              /* cost of a unit of unmet demand */
    sim_time period;             /* ns between solves */
    int solver;                  /* FLOW_SIMPLEX, ... */
    int64_t flows_limit;         /* flows.csv when places <= this */
    const char *dump;            /* prefix of the DIMACS dumps, or NULL */
    sim_time map_at;             /* the map's period: first at or after this; 0: the busiest */
} flow_cfg;

/* One resource: its values per place, its solver and its shipments. */
typedef struct flow_res {
    const char *name;
    double *supply, *demand;     /* per place, units (shocks included) */
    ns *w;                       /* workspace, warm across periods */
    int64_t *arc_cap, *arc_cost; /* per solver arc: what the workspace holds */
    int64_t *node_supply;        /* per solver node: likewise */
    uint8_t *fate;               /* per directed link: FLOW_CROSSED / FLOW_LOST this period */
    int64_t *flow;               /* per solver arc: the period's flow, whichever solver made it */
    int64_t spread;              /* sum of |supply - demand| of live places, thousandths */
    double supply_live, demand_live, met, unmet, cost;
    uint64_t flows;
    double sources;              /* mean surplus places upstream of a deficit */
} flow_res;

/* A route of the period's flow: from a place with surplus to one in deficit. */
typedef struct flow_path {
    int64_t amount;              /* thousandths */
    uint32_t first, len;         /* its links: hop[first .. first + len) */
    uint32_t at;                 /* hops completed */
    uint32_t res;                /* resource */
} flow_path;

/* A shock that raised demand: how long until 95% of what it added is met. */
typedef struct flow_recovery {
    sim_time start;              /* ns */
    uint32_t res;                /* resource */
    double added;                /* units of demand it added, summed over its places */
    double baseline;             /* the resource's unmet demand before it */
    sim_time t95;                /* ns from start, or -1 while not yet */
} flow_recovery;

typedef struct flow_state {
    const flow_cfg *cfg;
    uint32_t n, m, nres;         /* places, directed links, resources */
    uint32_t *tail, *head;       /* per directed link (CSR order) */
    uint32_t *first;             /* per place: its first directed link; first[n] = m */
    double *dist, *cap;          /* per directed link: distance, base capacity */
    double *trust;               /* per directed link, in [0, 1] */
    double *cap_shock;           /* per place: capacity added by shocks */
    uint32_t *rev;               /* per directed link: the link the other way */
    uint32_t *stamp, *queue;     /* scratch for the upstream search */
    uint32_t stamp_now;          /* the current search's stamp */
    int64_t *rem, *net;          /* path decomposition: flow left per link, balance left per place */
    uint32_t *next, *pos, *walk; /* per place: next link to try, place's index on the walk; the walk */
    flow_path *path;             /* this period's routes, every resource */
    uint32_t npath, cappath;
    uint32_t *hop;               /* their links */
    uint64_t nhop, caphop;
    uint32_t periods;            /* periods solved so far */
    int solved;                  /* a period has been solved */
    double delivered, lost;      /* units, cumulative */
    double unmet_total, cost_total;
    double solve_wall_s;         /* wall seconds in the solvers (summary only: never in a trace) */
    sim_table *table, *flows, *map;
    int64_t *map_flow, *map_need; /* per resource: the mapped period's flow per link, balance per place */
    flow_wide map_moved;         /* what that period moved, thousandths */
    sim_time map_time;           /* when; -1 before the first */
    flow_recovery *rec;          /* demand shocks, in the order applied */
    uint32_t nrec, caprec;
    flow_res res[FLOW_RES_MAX];
} flow_state;

static const char *const flow_solvers[] = { "simplex", "glpk", "greedy", "gradient", NULL };

static const sim_param flow_params[] = {
    SIM_PARAM_STRLIST("resources", flow_cfg, resources, SIM_PF_REQUIRED,
                      "names of the resources, e.g. {\"food\", \"water\"}"),
    SIM_PARAM_PERNODE_MAP("supply", flow_cfg, supply, 0, 1e9, 0,
                          "per resource, per place: units offered per period"),
    SIM_PARAM_PERNODE_MAP("demand", flow_cfg, demand, 0, 1e9, 0,
                          "per resource, per place: units needed per period"),
    SIM_PARAM_NUM("capacity", flow_cfg, capacity, 1e9, 0, 1e9, 0,
                  "units a link carries per period each way (an explicit edge's own capacity wins)"),
    SIM_PARAM_NUM("friction", flow_cfg, friction, 1, 0, 1e6, 0, "cost per unit moved per unit of distance"),
    SIM_PARAM_NUM("trust_weight", flow_cfg, trust_weight, 0, 0, 1e6, 0,
                  "cost per unit moved per unit of distrust (1 - trust)"),
    SIM_PARAM_NUM("alpha", flow_cfg, alpha, 0.1, 0, 1, 0, "trust learning rate per delivery"),
    SIM_PARAM_NUM("penalty", flow_cfg, penalty, 1000, 0, 1e9, 0, "cost of a unit of unmet demand"),
    SIM_PARAM_TIME("period", flow_cfg, period, 1.0, 0, 1e9, SIM_PF_MIN_OPEN, "seconds between solves"),
    SIM_PARAM_ENUM("solver", flow_cfg, solver, FLOW_SIMPLEX, flow_solvers, 0,
                   "simplex (optimal, warm), glpk (the reference), greedy or gradient (local rules)"),
    SIM_PARAM_INT("flows_limit", flow_cfg, flows_limit, 10000, 0, 4294967295.0, 0,
                  "write flows.csv when the network has at most this many places"),
    SIM_PARAM_STR("dump", flow_cfg, dump, NULL, 0,
                  "write each period's problem as <dump>-<period>-<resource>.min (DIMACS) in the output folder"),
    SIM_PARAM_TIME("map_at", flow_cfg, map_at, 0, 0, 1e9, 0,
                   "flow_map.png shows the first period at or after this time; 0: the period that moved the most"),
    SIM_PARAM_END
};

static const char *const flow_columns[] = {
    "supply", "demand", "met", "unmet", "cost", "flows", "delivered", "lost", NULL
};
static const char *const flow_summary[] = {
    "unmet_total", "cost_total", "delivered", "lost", "shocks", "shocks_met95", "t95_mean", "t95_max",
    "solve_wall_s", NULL
};
static const char *const flow_long_columns[] = {
    "resource", "supply", "demand", "met", "unmet", "cost", "flows", "sources_per_deficit", NULL
};
static const char *const flow_flows_columns[] = { "resource", "from", "to", "amount", NULL };
static const char *const flow_plot[] = { "met", "unmet", "flows", NULL };

/* The index of resource name in cfg, or -1. */
static int flow_resource(const flow_cfg *cfg, const char *name)
{
    for (uint32_t i = 0; i < cfg->resources.count; i++) {
        if (strcmp(cfg->resources.names[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* The resources as "food, water" for messages. */
static void flow_list(const flow_cfg *cfg, char *buf, size_t len)
{
    size_t k = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < cfg->resources.count && k < len; i++) {
        k += (size_t)snprintf(buf + k, len - k, "%s%s", i ? ", " : "", cfg->resources.names[i]);
    }
}

static sim_err flow_check_map(const flow_cfg *cfg, const sim_pernode_map *map, const char *key,
                              char *msg, size_t len)
{
    for (uint32_t i = 0; i < map->count; i++) {
        if (flow_resource(cfg, map->names[i]) < 0) {
            char list[256];
            flow_list(cfg, list, sizeof list);
            snprintf(msg, len, "flow.%s.%s: not a resource (resources: %s)", key, map->names[i], list);
            return SIM_EINPUT;
        }
    }
    return SIM_OK;
}

static sim_err flow_check(const void *cfgp, char *msg, size_t len)
{
    const flow_cfg *cfg = cfgp;
    if (cfg->resources.count > FLOW_RES_MAX) {
        snprintf(msg, len, "flow.resources: at most %d resources, got %u", FLOW_RES_MAX,
                 cfg->resources.count);
        return SIM_EINPUT;
    }
    for (const char *c = cfg->dump; c != NULL && *c != '\0'; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
              || *c == '_' || *c == '-') || c - cfg->dump >= 40) {
            snprintf(msg, len, "flow.dump: a file name prefix of letters, digits, '_' and '-' "
                     "(at most 40; it is written in the output folder), got '%.40s'", cfg->dump);
            return SIM_EINPUT;
        }
    }
    if (cfg->dump != NULL && cfg->dump[0] == '\0') {
        snprintf(msg, len, "flow.dump: an empty prefix");
        return SIM_EINPUT;
    }
    SIM_TRY(flow_check_map(cfg, &cfg->supply, "supply", msg, len));
    return flow_check_map(cfg, &cfg->demand, "demand", msg, len);
}

static sim_err flow_note_recovery(flow_state *f, sim_run *run, uint32_t ri, double added)
{
    if (f->nrec == f->caprec) {
        uint32_t cap = f->caprec ? 2 * f->caprec : 8;
        flow_recovery *r = realloc(f->rec, cap * sizeof *r);
        if (r == NULL) {
            return sim_fail(run, SIM_ENOMEM, "flow: out of memory for a shock");
        }
        f->rec = r;
        f->caprec = cap;
    }
    f->rec[f->nrec++] = (flow_recovery){ .start = sim_now(run), .res = ri, .added = added,
                                         .baseline = f->res[ri].unmet, .t95 = -1 };
    return SIM_OK;
}

/*
 * After a period: a demand shock is 95% met once the unmet demand of its
 * resource is back within 5% of what the shock added, above what was unmet
 * before it (at a period at or after the shock).
 */
static void flow_check_recoveries(flow_state *f, const sim_run *run)
{
    for (uint32_t i = 0; i < f->nrec; i++) {
        flow_recovery *q = &f->rec[i];
        if (q->t95 < 0 && sim_now(run) >= q->start
            && f->res[q->res].unmet - q->baseline <= 0.05 * q->added + 1e-9) {
            q->t95 = sim_now(run) - q->start;
        }
    }
}

/* --- The problem of a period ------------------------------------------------- */

/* A value scaled and rounded for the solver, within its exact range. */
static int64_t flow_scaled(double v, double scale)
{
    double x = nearbyint(v * scale);
    return !(x > -FLOW_CLAMP) ? -(int64_t)FLOW_CLAMP : x > FLOW_CLAMP ? (int64_t)FLOW_CLAMP : (int64_t)x;
}

static int flow_live(const sim_run *run, uint32_t v)
{
    return sim_is_up(run, v) && sim_node_standing(run, v) <= SIM_STANDING_LIMITED;
}

/* Solver arcs: directed links 0 .. m-1, then v -> S (m + v), then S -> v (m + n + v). */
static int64_t flow_link_cap(const flow_state *f, const sim_run *run, uint32_t e)
{
    uint32_t a = f->tail[e], b = f->head[e];
    if (!flow_live(run, a) || !flow_live(run, b) || !sim_link_open(run, a, b)) {
        return 0;
    }
    double c = f->cap[e] + f->cap_shock[a] + f->cap_shock[b];
    return c > 0 ? flow_scaled(c, FLOW_QTY) : 0;
}

static int64_t flow_link_cost(const flow_state *f, uint32_t e)
{
    const flow_cfg *cfg = f->cfg;
    return flow_scaled(f->dist[e] * cfg->friction + cfg->trust_weight * (1.0 - f->trust[e]), FLOW_COST);
}

/* The first problem of resource r: every arc and supply loaded (cold). */
static sim_err flow_load(flow_state *f, sim_run *run, flow_res *r)
{
    uint32_t n = f->n, m = f->m, S = n;
    mcf_problem *p = mcf_problem_new(n + 1, m + 2 * n);
    if (p == NULL) {
        return sim_fail(run, SIM_ENOMEM, "flow: out of memory for the problem");
    }
    for (uint32_t e = 0; e < m; e++) {
        p->tail[e] = f->tail[e];
        p->head[e] = f->head[e];
    }
    for (uint32_t v = 0; v < n; v++) {
        p->tail[m + v] = v;
        p->head[m + v] = S;
        p->tail[m + n + v] = S;
        p->head[m + n + v] = v;
    }
    for (uint32_t e = 0; e < m + 2 * n; e++) {
        p->cap[e] = r->arc_cap[e];
        p->cost[e] = r->arc_cost[e];
    }
    memcpy(p->supply, r->node_supply, (size_t)(n + 1) * sizeof *p->supply);
    mcf_status st = ns_load(r->w, p);
    mcf_problem_free(p);
    return st == MCF_OPTIMAL ? SIM_OK
                             : sim_fail(run, SIM_ESOLVER, "flow: %s: cannot load the problem: %s",
                                        r->name, mcf_status_name(st));
}

/* Bring resource r's values (and the simplex's workspace: only what changed, warm) to this period. */
static sim_err flow_update(flow_state *f, sim_run *run, flow_res *r)
{
    uint32_t n = f->n, m = f->m;
    int warm = f->solved && f->cfg->solver == FLOW_SIMPLEX;
    flow_wide total = 0, spread = 0;
    mcf_status st = MCF_OPTIMAL;
    for (uint32_t v = 0; v < n; v++) {
        int64_t b = flow_live(run, v) ? flow_scaled(r->supply[v] - r->demand[v], FLOW_QTY) : 0;
        total += b;
        spread += b < 0 ? -b : b;
    }
    if (spread > (flow_wide)MCF_TOTAL_MAX / 2) {
        return sim_fail(run, SIM_EINPUT, "flow: %s: supplies and demands total %.3g units, more "
                        "than the solver's exact range (%.3g)", r->name,
                        (double)spread / FLOW_QTY, (double)MCF_TOTAL_MAX / 2 / FLOW_QTY);
    }
    for (uint32_t v = 0; v < n; v++) {
        int64_t b = flow_live(run, v) ? flow_scaled(r->supply[v] - r->demand[v], FLOW_QTY) : 0;
        if (b != r->node_supply[v]) {
            r->node_supply[v] = b;
            st = warm ? ns_set_supply(r->w, v, b) : st;
        }
    }
    if ((int64_t)-total != r->node_supply[n]) {
        r->node_supply[n] = (int64_t)-total;
        st = warm && st == MCF_OPTIMAL ? ns_set_supply(r->w, n, (int64_t)-total) : st;
    }
    for (uint32_t e = 0; e < m && st == MCF_OPTIMAL; e++) {
        int64_t c = flow_link_cap(f, run, e), k = flow_link_cost(f, e);
        if (c != r->arc_cap[e]) {
            r->arc_cap[e] = c;
            st = warm ? ns_set_capacity(r->w, e, c) : st;
        }
        if (k != r->arc_cost[e] && st == MCF_OPTIMAL) {
            r->arc_cost[e] = k;
            st = warm ? ns_set_cost(r->w, e, k) : st;
        }
    }
    if (st != MCF_OPTIMAL) {
        return sim_fail(run, SIM_ESOLVER, "flow: %s: values out of the solver's range: %s", r->name,
                        mcf_status_name(st));
    }
    r->spread = (int64_t)spread;
    return f->cfg->solver != FLOW_SIMPLEX || f->solved ? SIM_OK : flow_load(f, run, r);
}

/* --- The four solvers -------------------------------------------------------------- */

/* Opposite flows on one link cancel: only the difference moves (the local rules make both). */
static void flow_net_opposite(const flow_state *f, flow_res *r)
{
    for (uint32_t e = 0; e < f->m; e++) {
        uint32_t k = f->rev[e];
        if (k != UINT32_MAX && e < k && r->flow[e] > 0 && r->flow[k] > 0) {
            int64_t c = r->flow[e] < r->flow[k] ? r->flow[e] : r->flow[k];
            r->flow[e] -= c;
            r->flow[k] -= c;
        }
    }
}

/* Close the balance: what is left at each place goes to S (unused) or comes from S (unmet). */
static void flow_close(const flow_state *f, flow_res *r, const int64_t *left)
{
    for (uint32_t v = 0; v < f->n; v++) {
        r->flow[f->m + v] = left[v] > 0 ? left[v] : 0;
        r->flow[f->m + f->n + v] = left[v] < 0 ? -left[v] : 0;
    }
}

static sim_err flow_simplex(flow_state *f, sim_run *run, flow_res *r)
{
    mcf_status st = ns_solve(r->w);
    if (st != MCF_OPTIMAL) {
        return sim_fail(run, SIM_ESOLVER, "flow: %s: the solver says %s", r->name, mcf_status_name(st));
    }
    for (uint32_t e = 0; e < f->m + 2 * f->n; e++) {
        r->flow[e] = ns_flow(r->w, e);
    }
    return SIM_OK;
}

/*
 * GLPK's out-of-kilter on the same problem. okalg takes int data, so every
 * capacity is capped at the total |supply - demand|, which no flow can pass
 * (it binds nothing); a problem still past INT_MAX is GLPK's range error.
 */
/* The period's problem of resource r as an mcf_problem; finite: caps at the total |supply| (okalg). */
static mcf_problem *flow_problem(const flow_state *f, const flow_res *r, int finite)
{
    uint32_t n = f->n, m = f->m, arcs = m + 2 * n;
    mcf_problem *p = mcf_problem_new(n + 1, arcs);
    if (p == NULL) {
        return NULL;
    }
    for (uint32_t e = 0; e < arcs; e++) {
        p->tail[e] = e < m ? f->tail[e] : e < m + n ? e - m : n;
        p->head[e] = e < m ? f->head[e] : e < m + n ? n : e - m - n;
        p->cap[e] = finite && r->arc_cap[e] > r->spread ? r->spread : r->arc_cap[e];
        p->cost[e] = r->arc_cost[e];
    }
    memcpy(p->supply, r->node_supply, (size_t)(n + 1) * sizeof *p->supply);
    return p;
}

static sim_err flow_glpk(flow_state *f, sim_run *run, flow_res *r)
{
    mcf_problem *p = flow_problem(f, r, 1);
    if (p == NULL) {
        return sim_fail(run, SIM_ENOMEM, "flow: out of memory for the problem");
    }
    int64_t cost;
    mcf_status st = mcf_glpk_okalg_flows(p, &cost, r->flow);
    mcf_problem_free(p);
    return st == MCF_OPTIMAL ? SIM_OK
                             : sim_fail(run, SIM_ESOLVER, "flow: %s: GLPK says %s", r->name,
                                        mcf_status_name(st));
}

/*
 * dump: the period's problem of resource r as DIMACS, <dump>-<period>-<resource>.min
 * in the output folder: solved by `mycosim solve`, its cost is the period's
 * cost x 10^6 (quantities and costs are in thousandths). Capacities are
 * written finite (at most the total |supply|, which no flow can pass: the
 * same optimum), since some readers (LEMON's) take no "inf".
 */
static sim_err flow_dump(flow_state *f, sim_run *run, const flow_res *r)
{
    char name[128], comment[256];
    snprintf(name, sizeof name, "%s-%u-%s.min", f->cfg->dump, f->periods, r->name);
    snprintf(comment, sizeof comment, "mycosim flow: period %u (t = %.9g s), resource %s; node %u is the "
             "super node S; quantities and costs in thousandths", f->periods,
             (double)sim_now(run) / (double)SIM_NS_PER_S, r->name, f->n + 1);
    mcf_problem *p = flow_problem(f, r, 1);      /* finite caps: any DIMACS reader takes it */
    FILE *out = p != NULL ? sim_file_create(run, name) : NULL;
    mcf_status st = out != NULL ? dimacs_write(out, p, comment) : MCF_EIO;
    mcf_problem_free(p);
    if (p == NULL) {
        return sim_fail(run, SIM_ENOMEM, "flow: out of memory for the dump");
    }
    return st == MCF_OPTIMAL ? SIM_OK : out == NULL ? SIM_EIO
                                      : sim_fail(run, SIM_EIO, "flow: cannot write %s", name);
}

/* A binary heap of (key, node), lazy: stale entries are skipped when popped. */
typedef struct flow_heap {
    int64_t *key;
    uint32_t *node;
    size_t len;
} flow_heap;

static void flow_heap_push(flow_heap *h, int64_t key, uint32_t node)
{
    size_t i = h->len++;
    while (i > 0 && h->key[(i - 1) / 2] > key) {
        h->key[i] = h->key[(i - 1) / 2];
        h->node[i] = h->node[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->key[i] = key;
    h->node[i] = node;
}

static uint32_t flow_heap_pop(flow_heap *h, int64_t *key)
{
    uint32_t top = h->node[0];
    *key = h->key[0];
    int64_t k = h->key[--h->len];
    uint32_t v = h->node[h->len];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->len) {
            break;
        }
        c += c + 1 < h->len && h->key[c + 1] < h->key[c];
        if (h->key[c] >= k) {
            break;
        }
        h->key[i] = h->key[c];
        h->node[i] = h->node[c];
        i = c;
    }
    h->key[i] = k;
    h->node[i] = v;
    return top;
}

typedef struct flow_greedy_ws {
    int64_t *left, *dist, *residual;
    uint32_t *pred;
    flow_heap heap;
} flow_greedy_ws;

/*
 * The nearest place with surplus left, for deficit d: Dijkstra backwards
 * from d over arcs with residual capacity, weights the arc costs. Returns it
 * (pred[] leads to d) or UINT32_MAX; only sources nearer than the penalty.
 */
static uint32_t flow_nearest_source(const flow_state *f, const flow_res *r, flow_greedy_ws *g,
                                    uint32_t d, int64_t penalty)
{
    for (uint32_t v = 0; v < f->n; v++) {
        g->dist[v] = INT64_MAX;
    }
    g->heap.len = 0;
    g->dist[d] = 0;
    flow_heap_push(&g->heap, 0, d);
    while (g->heap.len > 0) {
        int64_t k;
        uint32_t v = flow_heap_pop(&g->heap, &k);
        if (k != g->dist[v]) {
            continue;
        }
        if (k >= penalty) {
            return UINT32_MAX;
        }
        if (v != d && g->left[v] > 0) {
            return v;
        }
        for (uint32_t e = f->first[v]; e < f->first[v + 1]; e++) {
            uint32_t in = f->rev[e], w = f->head[e];          /* in: w -> v */
            if (in == UINT32_MAX || g->residual[in] <= 0) {
                continue;
            }
            int64_t nd = k + r->arc_cost[in];
            if (nd < g->dist[w]) {
                g->dist[w] = nd;
                g->pred[w] = in;
                flow_heap_push(&g->heap, nd, w);
            }
        }
    }
    return UINT32_MAX;
}

/* Move as much as the path from u to d allows. */
static void flow_greedy_push(const flow_state *f, flow_res *r, flow_greedy_ws *g, uint32_t u, uint32_t d)
{
    int64_t x = g->left[u] < -g->left[d] ? g->left[u] : -g->left[d];
    for (uint32_t v = u; v != d; v = f->head[g->pred[v]]) {
        x = g->residual[g->pred[v]] < x ? g->residual[g->pred[v]] : x;
    }
    for (uint32_t v = u; v != d; v = f->head[g->pred[v]]) {
        g->residual[g->pred[v]] -= x;
        r->flow[g->pred[v]] += x;
    }
    g->left[u] -= x;
    g->left[d] += x;
}

/*
 * greedy: places in deficit, in id order, each take from their nearest
 * surplus (by path cost, only if nearer than the penalty), then the next
 * nearest, until met or nothing is reachable. No global view: it never
 * reroutes what an earlier deficit took.
 */
static sim_err flow_greedy(flow_state *f, sim_run *run, flow_res *r)
{
    uint32_t n = f->n, m = f->m;
    flow_greedy_ws g = { 0 };
    g.left = malloc((size_t)n * sizeof *g.left + 1);
    g.dist = malloc((size_t)n * sizeof *g.dist + 1);
    g.pred = malloc((size_t)n * sizeof *g.pred + 1);
    g.residual = malloc((size_t)m * sizeof *g.residual + 1);
    g.heap.key = malloc(((size_t)m + n + 1) * sizeof *g.heap.key);
    g.heap.node = malloc(((size_t)m + n + 1) * sizeof *g.heap.node);
    sim_err err = SIM_OK;
    if (!g.left || !g.dist || !g.pred || !g.residual || !g.heap.key || !g.heap.node) {
        err = sim_fail(run, SIM_ENOMEM, "flow: out of memory for the greedy solver");
    }
    for (uint32_t e = 0; err == SIM_OK && e < m + 2 * n; e++) {
        r->flow[e] = 0;
        if (e < m) {
            g.residual[e] = r->arc_cap[e];
        }
    }
    for (uint32_t v = 0; err == SIM_OK && v < n; v++) {
        g.left[v] = r->node_supply[v];
    }
    int64_t penalty = r->arc_cost[m + n];
    for (uint32_t d = 0; err == SIM_OK && d < n; d++) {
        while (g.left[d] < 0) {
            uint32_t u = flow_nearest_source(f, r, &g, d, penalty);
            if (u == UINT32_MAX) {
                break;
            }
            flow_greedy_push(f, r, &g, u, d);
        }
    }
    if (err == SIM_OK) {
        flow_net_opposite(f, r);     /* paths found one at a time can cross a link both ways */
        flow_close(f, r, g.left);
    }
    free(g.left);
    free(g.dist);
    free(g.pred);
    free(g.residual);
    free(g.heap.key);
    free(g.heap.node);
    return err;
}

#define FLOW_GRADIENT_STEPS 1000

/*
 * gradient: the local rule. At each step every place a with excess e_a > 0
 * (supply left) sends to each open neighbour b below it, e_b < e_a, an
 * amount proportional to (e_a - e_b) / R_ab, R_ab = distance x friction +
 * trust_weight x (1 - trust) (its cost per unit, at least 1e-3): shares of
 * its excess, each at most (e_a - e_b) / 2 (never past equal levels) and the
 * link's capacity left. Steps are synchronous (all amounts from the excesses
 * at the start of the step). It stops when a step moves less than 0.1% of
 * the period's total deficit, or after 1,000 steps; with no deficit at all
 * it moves nothing. What is still missing
 * is unmet; surplus left anywhere, relays included, is unused. Opposite
 * flows on a link are netted.
 */
static sim_err flow_gradient(flow_state *f, sim_run *run, flow_res *r)
{
    uint32_t n = f->n, m = f->m;
    int64_t *e_now = malloc((size_t)n * sizeof *e_now + 1), *e_next = malloc((size_t)n * sizeof *e_next + 1);
    int64_t *residual = malloc((size_t)m * sizeof *residual + 1);
    if (!e_now || !e_next || !residual) {
        free(e_now);
        free(e_next);
        free(residual);
        return sim_fail(run, SIM_ENOMEM, "flow: out of memory for the gradient solver");
    }
    int64_t deficit = 0;
    for (uint32_t v = 0; v < n; v++) {
        e_now[v] = r->node_supply[v];
        deficit += e_now[v] < 0 ? -e_now[v] : 0;
    }
    for (uint32_t e = 0; e < m + 2 * n; e++) {
        r->flow[e] = 0;
        if (e < m) {
            residual[e] = r->arc_cap[e];
        }
    }
    for (int step = 0; deficit > 0 && step < FLOW_GRADIENT_STEPS; step++) {   /* no need: no flow */
        int64_t moved = 0;
        memcpy(e_next, e_now, (size_t)n * sizeof *e_now);
        for (uint32_t a = 0; a < n; a++) {
            if (e_now[a] <= 0) {
                continue;
            }
            double weight = 0;
            for (uint32_t e = f->first[a]; e < f->first[a + 1]; e++) {
                uint32_t b = f->head[e];
                if (residual[e] > 0 && e_now[b] < e_now[a]) {
                    weight += (double)(e_now[a] - e_now[b]) / fmax((double)r->arc_cost[e], 1.0);
                }
            }
            for (uint32_t e = f->first[a]; weight > 0 && e < f->first[a + 1]; e++) {
                uint32_t b = f->head[e];
                if (residual[e] <= 0 || e_now[b] >= e_now[a]) {
                    continue;
                }
                double w = (double)(e_now[a] - e_now[b]) / fmax((double)r->arc_cost[e], 1.0);
                double x = fmin(fmin((double)e_now[a] * w / weight, (double)(e_now[a] - e_now[b]) / 2),
                                (double)residual[e]);
                int64_t xi = (int64_t)x;
                if (xi <= 0) {
                    continue;
                }
                residual[e] -= xi;
                r->flow[e] += xi;
                e_next[a] -= xi;
                e_next[b] += xi;
                moved += xi;
            }
        }
        int64_t *t = e_now;
        e_now = e_next;
        e_next = t;
        if ((double)moved < 1e-3 * (double)deficit || moved == 0) {
            break;
        }
    }
    flow_net_opposite(f, r);
    flow_close(f, r, e_now);
    free(e_now);
    free(e_next);
    free(residual);
    return SIM_OK;
}

static sim_err flow_solve(flow_state *f, sim_run *run, flow_res *r)
{
    switch (f->cfg->solver) {
    case FLOW_GLPK:
        return flow_glpk(f, run, r);
    case FLOW_GREEDY:
        return flow_greedy(f, run, r);
    case FLOW_GRADIENT:
        return flow_gradient(f, run, r);
    default:
        return flow_simplex(f, run, r);
    }
}

/* Wall-clock seconds, for solve_wall_s alone: no simulated quantity depends on it. */
static double flow_wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* --- After the solve -------------------------------------------------------------- */

/* Surplus places upstream of deficit d along links carrying flow (a BFS backwards). */
static uint32_t flow_sources_of(flow_state *f, const flow_res *r, uint32_t d)
{
    uint32_t qh = 0, qt = 0, found = 0, stamp = ++f->stamp_now;
    f->queue[qt++] = d;
    f->stamp[d] = stamp;
    while (qh < qt) {
        uint32_t v = f->queue[qh++];
        found += v != d && r->node_supply[v] > 0;
        for (uint32_t e = f->first[v]; e < f->first[v + 1]; e++) {
            uint32_t in = f->rev[e], w = f->head[e];      /* in: w -> v */
            if (in != UINT32_MAX && r->flow[in] > 0 && f->stamp[w] != stamp) {
                f->stamp[w] = stamp;
                f->queue[qt++] = w;
            }
        }
    }
    return found;
}

static void flow_measure(flow_state *f, const sim_run *run, flow_res *r)
{
    uint32_t n = f->n, m = f->m;
    double supply = 0, demand = 0, unmet = 0, sources = 0, need = 0;
    uint32_t deficits = 0;
    r->flows = 0;
    for (uint32_t e = 0; e < m; e++) {
        r->flows += r->flow[e] > 0;
    }
    for (uint32_t v = 0; v < n; v++) {
        if (!flow_live(run, v)) {
            continue;
        }
        supply += r->supply[v];
        demand += r->demand[v];
        if (r->node_supply[v] < 0) {
            need += (double)-r->node_supply[v] / FLOW_QTY;
            unmet += (double)r->flow[m + n + v] / FLOW_QTY;
            sources += flow_sources_of(f, r, v);
            deficits++;
        }
    }
    flow_wide cost = 0;
    for (uint32_t e = 0; e < m + 2 * n; e++) {
        cost += (flow_wide)r->flow[e] * r->arc_cost[e];
    }
    r->cost = (double)cost / (FLOW_QTY * FLOW_COST);
    r->supply_live = supply;
    r->demand_live = demand;
    r->unmet = unmet;
    r->met = need - unmet;
    r->sources = deficits ? sources / deficits : 0;
}

/* --- Delivery along routes --------------------------------------------------------- */

static sim_err flow_grow(sim_run *run, void **p, size_t size, uint64_t need, uint64_t *cap)
{
    if (need <= *cap) {
        return SIM_OK;
    }
    uint64_t c = *cap ? *cap : 64;
    while (c < need) {
        c *= 2;
    }
    void *q = c <= SIZE_MAX / size ? realloc(*p, (size_t)c * size) : NULL;
    if (q == NULL) {
        return sim_fail(run, SIM_ENOMEM, "flow: out of memory for %llu routes",
                        (unsigned long long)need);
    }
    *p = q;
    *cap = c;
    return SIM_OK;
}

/* Record the walk walk[0 .. len) as a route carrying amt of resource ri. */
static sim_err flow_add_path(flow_state *f, sim_run *run, uint32_t ri, uint32_t len, int64_t amt)
{
    uint64_t cap = f->cappath;
    SIM_TRY(flow_grow(run, (void **)&f->path, sizeof *f->path, (uint64_t)f->npath + 1, &cap));
    f->cappath = (uint32_t)(cap < UINT32_MAX ? cap : UINT32_MAX);
    SIM_TRY(flow_grow(run, (void **)&f->hop, sizeof *f->hop, f->nhop + len, &f->caphop));
    if (f->npath == UINT32_MAX || f->nhop + len > UINT32_MAX) {
        return sim_fail(run, SIM_EINPUT, "flow: more than 2^32 routes in one period");
    }
    f->path[f->npath++] = (flow_path){ .amount = amt, .first = (uint32_t)f->nhop, .len = len, .res = ri };
    memcpy(f->hop + f->nhop, f->walk, len * sizeof *f->hop);
    f->nhop += len;
    return SIM_OK;
}

/* The next link out of u still carrying flow, or UINT32_MAX. */
static uint32_t flow_next_link(flow_state *f, uint32_t u)
{
    while (f->next[u] < f->first[u + 1] && f->rem[f->next[u]] <= 0) {
        f->next[u]++;
    }
    return f->next[u] < f->first[u + 1] ? f->next[u] : UINT32_MAX;
}

/* Take c off every link of the walk from position k on, plus link e; unmark the places after k. */
static void flow_cancel_cycle(flow_state *f, uint32_t k, uint32_t len, uint32_t e)
{
    int64_t c = f->rem[e];
    for (uint32_t i = k; i < len; i++) {
        c = f->rem[f->walk[i]] < c ? f->rem[f->walk[i]] : c;
    }
    f->rem[e] -= c;
    for (uint32_t i = k; i < len; i++) {
        f->rem[f->walk[i]] -= c;
        f->pos[f->head[f->walk[i]]] = UINT32_MAX;
    }
}

/*
 * Walk from s along links still carrying flow to a place that takes more
 * than it gives; cycles met on the way are cancelled (they move nothing).
 * Returns the walk's length, 0 when none (a flow that does not balance).
 */
static uint32_t flow_walk(flow_state *f, uint32_t s)
{
    uint32_t len = 0, u = s;
    f->pos[s] = 0;
    while (f->net[u] >= 0) {
        uint32_t e = flow_next_link(f, u);
        if (e == UINT32_MAX) {
            len = 0;
            break;
        }
        uint32_t w = f->head[e];
        if (f->pos[w] != UINT32_MAX) {
            flow_cancel_cycle(f, f->pos[w], len, e);
            len = f->pos[w];
            u = w;
            continue;
        }
        f->walk[len++] = e;
        f->pos[w] = len;
        u = w;
    }
    f->pos[s] = UINT32_MAX;
    for (uint32_t i = 0; i < len; i++) {
        f->pos[f->head[f->walk[i]]] = UINT32_MAX;
    }
    return len;
}

/*
 * The period's flow of resource ri as routes (a flow decomposition): each
 * takes what its bottleneck, its source's surplus and its sink's need
 * allow. In place order, links in CSR order: deterministic.
 */
static sim_err flow_decompose(flow_state *f, sim_run *run, uint32_t ri)
{
    const flow_res *r = &f->res[ri];
    memset(f->net, 0, (size_t)f->n * sizeof *f->net);
    for (uint32_t e = 0; e < f->m; e++) {
        f->rem[e] = r->flow[e];
        f->net[f->tail[e]] += r->flow[e];
        f->net[f->head[e]] -= r->flow[e];
    }
    for (uint32_t v = 0; v < f->n; v++) {
        f->next[v] = f->first[v];
    }
    for (uint32_t s = 0; s < f->n; s++) {
        while (f->net[s] > 0) {
            uint32_t len = flow_walk(f, s);
            if (len == 0) {
                return sim_fail(run, SIM_EINTERNAL, "flow: the %s flow does not balance at place %u",
                                r->name, s);
            }
            uint32_t t = f->head[f->walk[len - 1]];
            int64_t amt = f->net[s] < -f->net[t] ? f->net[s] : -f->net[t];
            for (uint32_t i = 0; i < len; i++) {
                amt = f->rem[f->walk[i]] < amt ? f->rem[f->walk[i]] : amt;
            }
            for (uint32_t i = 0; i < len; i++) {
                f->rem[f->walk[i]] -= amt;
            }
            f->net[s] -= amt;
            f->net[t] += amt;
            SIM_TRY(flow_add_path(f, run, ri, len, amt));
        }
    }
    return SIM_OK;
}

/* Send route p's next hop from the place it has reached; a bad actor never sends. */
static void flow_send_hop(flow_state *f, sim_run *run, uint32_t p)
{
    uint32_t e = f->hop[f->path[p].first + f->path[p].at];
    if (!sim_is_bad(run, f->tail[e])) {
        sim_send(run, f->tail[e], f->head[e], FLOW_EV_SHIP, (uint64_t)p | (uint64_t)f->periods << 32);
    }
}

/* A hop arrived: on to the next, or delivered at the end of the route. */
static void flow_event(void *state, sim_run *run, const sim_event *ev)
{
    flow_state *f = state;
    uint32_t p = (uint32_t)ev->data;
    if ((uint32_t)(ev->data >> 32) != f->periods || p >= f->npath) {
        return;                  /* a late hop of an earlier period: already counted lost */
    }
    flow_path *q = &f->path[p];
    uint32_t e = f->hop[q->first + q->at];
    if (f->head[e] != ev->dst) {
        return;
    }
    f->res[q->res].fate[e] |= FLOW_CROSSED;
    if (++q->at == q->len) {
        f->delivered += (double)q->amount / FLOW_QTY;
    } else {
        flow_send_hop(f, run, p);
    }
}

/*
 * Last period's routes: one that has not reached its end is lost at the
 * hop it was on. Then trust learns, once per link and resource that
 * shipped: down if something was lost on it, else up.
 */
static void flow_settle_shipments(flow_state *f)
{
    double alpha = f->cfg->alpha;
    for (uint32_t p = 0; p < f->npath; p++) {
        flow_path *q = &f->path[p];
        if (q->at < q->len) {
            f->lost += (double)q->amount / FLOW_QTY;
            f->res[q->res].fate[f->hop[q->first + q->at]] = FLOW_LOST;
        }
    }
    f->npath = 0;
    f->nhop = 0;
    for (uint32_t i = 0; i < f->nres; i++) {
        uint8_t *fate = f->res[i].fate;
        for (uint32_t e = 0; e < f->m; e++) {
            if (fate[e] & FLOW_LOST) {
                f->trust[e] -= alpha * f->trust[e];
            } else if (fate[e] & FLOW_CROSSED) {
                f->trust[e] += alpha * (1.0 - f->trust[e]);
            }
            fate[e] = 0;
        }
    }
}

/* Send this period's routes of every resource, first hops now. */
static sim_err flow_ship(flow_state *f, sim_run *run)
{
    for (uint32_t i = 0; i < f->nres; i++) {
        SIM_TRY(flow_decompose(f, run, i));
    }
    for (uint32_t p = 0; p < f->npath; p++) {
        flow_send_hop(f, run, p);
    }
    return SIM_OK;
}

static const char *flow_place(const sim_run *run, uint32_t v, char *buf, size_t len)
{
    const char *name = sim_node_name(run, v);
    if (name != NULL) {
        return name;
    }
    snprintf(buf, len, "%u", v);
    return buf;
}

static void flow_write_rows(flow_state *f, const sim_run *run, flow_res *r)
{
    sim_table_text(f->table, r->name);
    sim_table_num(f->table, r->supply_live);
    sim_table_num(f->table, r->demand_live);
    sim_table_num(f->table, r->met);
    sim_table_num(f->table, r->unmet);
    sim_table_num(f->table, r->cost);
    sim_table_num(f->table, (double)r->flows);
    sim_table_num(f->table, r->sources);
    sim_table_end_row(f->table);
    for (uint32_t e = 0; f->flows != NULL && e < f->m; e++) {
        int64_t x = r->flow[e];
        if (x > 0) {
            char a[16], b[16];
            sim_table_text(f->flows, r->name);
            sim_table_text(f->flows, flow_place(run, f->tail[e], a, sizeof a));
            sim_table_text(f->flows, flow_place(run, f->head[e], b, sizeof b));
            sim_table_num(f->flows, (double)x / FLOW_QTY);
            sim_table_end_row(f->flows);
        }
    }
}

/* --- The map ---------------------------------------------------------------------- */

/* Keep this period for the map: the first at or after map_at, or (map_at 0) the one that moved most. */
static void flow_map_keep(flow_state *f, const sim_run *run)
{
    flow_wide moved = 0;
    for (uint32_t i = 0; i < f->nres; i++) {
        for (uint32_t e = 0; e < f->m; e++) {
            moved += f->res[i].flow[e];
        }
    }
    int take = f->cfg->map_at > 0 ? f->map_time < 0 && sim_now(run) >= f->cfg->map_at
                                  : f->map_time < 0 || moved > f->map_moved;
    if (f->map == NULL || !take) {
        return;
    }
    for (uint32_t i = 0; i < f->nres; i++) {
        memcpy(f->map_flow + (size_t)i * f->m, f->res[i].flow, (size_t)f->m * sizeof *f->map_flow);
        memcpy(f->map_need + (size_t)i * f->n, f->res[i].node_supply, (size_t)f->n * sizeof *f->map_need);
    }
    f->map_moved = moved;
    f->map_time = sim_now(run);
}

static void flow_map_row(sim_table *t, const char *panel, const char *kind, const double *xy, double value,
                         const char *label)
{
    sim_table_text(t, panel);
    sim_table_text(t, kind);
    for (int i = 0; i < 4; i++) {
        sim_table_num(t, xy[i]);
    }
    sim_table_num(t, value);
    sim_table_text(t, label);
    sim_table_end_row(t);
}

/* The link e as x, y, dx, dy. */
static void flow_map_link(const sim_run *run, const flow_state *f, uint32_t e, double *xy)
{
    double hx = 0, hy = 0;
    (void)sim_node_xy(run, f->tail[e], &xy[0], &xy[1]);
    (void)sim_node_xy(run, f->head[e], &hx, &hy);
    xy[2] = hx - xy[0];
    xy[3] = hy - xy[1];
}

/* Resource i's panel of the map: links, places, deficits (red) and the period's flows (arrows). */
static void flow_map_panel(flow_state *f, const sim_run *run, uint32_t i)
{
    const char *panel = f->res[i].name;
    const int64_t *flow = f->map_flow + (size_t)i * f->m, *need = f->map_need + (size_t)i * f->n;
    double xy[4] = { 0 };
    for (uint32_t e = 0; e < f->m; e++) {
        if (f->rev[e] == UINT32_MAX || f->tail[e] < f->head[e]) {
            flow_map_link(run, f, e, xy);
            flow_map_row(f->map, panel, "edge", xy, 0, "");
        }
    }
    for (uint32_t v = 0; v < f->n; v++) {
        const char *name = sim_node_name(run, v);
        (void)sim_node_xy(run, v, &xy[0], &xy[1]);
        xy[2] = xy[3] = 0;
        flow_map_row(f->map, panel, "node", xy, 0, name != NULL ? name : "");
        if (need[v] < 0) {
            flow_map_row(f->map, panel, "alert", xy, (double)-need[v] / FLOW_QTY, "");
        }
    }
    for (uint32_t e = 0; e < f->m; e++) {
        if (flow[e] > 0) {
            flow_map_link(run, f, e, xy);
            flow_map_row(f->map, panel, "arrow", xy, (double)flow[e] / FLOW_QTY, "");
        }
    }
}

/* At the end: the kept period as flow_map.csv, which the core draws as flow_map.png. */
static void flow_map_write(flow_state *f, const sim_run *run)
{
    if (f->map == NULL || f->map_time < 0) {
        return;
    }
    char note[128];
    double zero[4] = { 0 };
    snprintf(note, sizeof note, "the period at t = %.6g s (%s)", sim_time_to_s(f->map_time),
             f->cfg->map_at > 0 ? "map_at" : "the one that moved the most");
    flow_map_row(f->map, "", "note", zero, 0, note);
    for (uint32_t i = 0; i < f->nres; i++) {
        flow_map_panel(f, run, i);
    }
}

static sim_err flow_phase(void *state, sim_run *run, sim_phase when)
{
    flow_state *f = state;
    if (when == SIM_PHASE_END) {
        flow_map_write(f, run);  /* the last period's routes: arrivals counted, the rest still on their way */
        return SIM_OK;
    }
    flow_settle_shipments(f);
    f->periods++;
    for (uint32_t i = 0; i < f->nres; i++) {
        flow_res *r = &f->res[i];
        SIM_TRY(flow_update(f, run, r));
        if (f->cfg->dump != NULL) {
            SIM_TRY(flow_dump(f, run, r));
        }
        double t0 = flow_wall_s();
        SIM_TRY(flow_solve(f, run, r));
        f->solve_wall_s += flow_wall_s() - t0;
        flow_measure(f, run, r);
        f->unmet_total += r->unmet;
        f->cost_total += r->cost;
        flow_write_rows(f, run, r);
    }
    SIM_TRY(flow_ship(f, run));
    flow_map_keep(f, run);
    flow_check_recoveries(f, run);
    f->solved = 1;
    return SIM_OK;
}

/* --- Shocks ------------------------------------------------------------------------ */

static sim_err flow_shock(void *state, sim_run *run, const sim_shock *sh, unsigned *used)
{
    flow_state *f = state;
    *used = SIM_SHOCK_SUPPLY | SIM_SHOCK_DEMAND | SIM_SHOCK_CAPACITY | SIM_SHOCK_RESOURCE;
    int ri = sh->resource != NULL ? flow_resource(f->cfg, sh->resource) : f->nres == 1 ? 0 : -1;
    int values = (sh->given & (SIM_SHOCK_SUPPLY | SIM_SHOCK_DEMAND)) != 0;
    if (sh->step == SIM_SHOCK_CHECK) {
        char list[256];
        flow_list(f->cfg, list, sizeof list);
        if (sh->resource != NULL && ri < 0) {
            return sim_fail(run, SIM_EINPUT, "resource '%s' is not one of flow's (%s)", sh->resource, list);
        }
        if (values && ri < 0) {
            return sim_fail(run, SIM_EINPUT, "supply and demand need a resource (one of %s)", list);
        }
        return SIM_OK;
    }
    if (sh->step == SIM_SHOCK_APPLY && (sh->given & SIM_SHOCK_DEMAND) && sh->demand > 0 && sh->count > 0) {
        SIM_TRY(flow_note_recovery(f, run, (uint32_t)ri, sh->demand * sh->count));
    }
    double sign = sh->step == SIM_SHOCK_END ? -1.0 : 1.0;
    for (uint32_t i = 0; i < sh->count; i++) {
        uint32_t v = sh->nodes[i];
        if (values) {
            f->res[ri].supply[v] += sign * sh->supply;
            f->res[ri].demand[v] += sign * sh->demand;
        }
        f->cap_shock[v] += sign * sh->capacity;
    }
    return SIM_OK;
}

/* --- Samples and summary --------------------------------------------------------------- */

static void flow_sample(const void *state, const sim_run *run, double *row)
{
    const flow_state *f = state;
    (void)run;
    memset(row, 0, 8 * sizeof *row);
    for (uint32_t i = 0; i < f->nres; i++) {
        const flow_res *r = &f->res[i];
        row[0] += r->supply_live;
        row[1] += r->demand_live;
        row[2] += r->met;
        row[3] += r->unmet;
        row[4] += r->cost;
        row[5] += (double)r->flows;
    }
    row[6] = f->delivered;
    row[7] = f->lost;
}

static void flow_summarize(const void *state, const sim_run *run, double *out)
{
    const flow_state *f = state;
    (void)run;
    out[0] = f->unmet_total;
    out[1] = f->cost_total;
    out[2] = f->delivered;
    out[3] = f->lost;
    double sum = 0, max = 0;
    uint32_t met = 0;
    for (uint32_t i = 0; i < f->nrec; i++) {
        if (f->rec[i].t95 >= 0) {
            double t = (double)f->rec[i].t95 / (double)SIM_NS_PER_S;
            sum += t;
            max = t > max ? t : max;
            met++;
        }
    }
    out[4] = f->nrec;
    out[5] = met;
    out[6] = met ? sum / met : NAN;
    out[7] = met ? max : NAN;
    out[8] = f->solve_wall_s;
}

/* --- Life cycle ------------------------------------------------------------------------- */

static void flow_destroy(void *state)
{
    flow_state *f = state;
    if (f == NULL) {
        return;
    }
    for (uint32_t i = 0; i < FLOW_RES_MAX; i++) {
        flow_res *r = &f->res[i];
        free(r->supply);
        free(r->demand);
        ns_free(r->w);
        free(r->arc_cap);
        free(r->arc_cost);
        free(r->node_supply);
        free(r->fate);
        free(r->flow);
    }
    free(f->tail);
    free(f->head);
    free(f->first);
    free(f->dist);
    free(f->cap);
    free(f->trust);
    free(f->cap_shock);
    free(f->rev);
    free(f->stamp);
    free(f->queue);
    free(f->rec);
    free(f->rem);
    free(f->net);
    free(f->next);
    free(f->pos);
    free(f->walk);
    free(f->path);
    free(f->hop);
    free(f->map_flow);
    free(f->map_need);
    free(f);
}

/* rev[e]: the link the other way (UINT32_MAX if none); once, by scanning the other end's list. */
static sim_err flow_reverse(flow_state *f, sim_run *run)
{
    f->rev = malloc((f->m ? (size_t)f->m : 1) * sizeof *f->rev);
    if (f->rev == NULL) {
        return sim_fail(run, SIM_ENOMEM, "flow: out of memory");
    }
    for (uint32_t e = 0; e < f->m; e++) {
        uint32_t v = f->tail[e], w = f->head[e];
        f->rev[e] = UINT32_MAX;
        for (uint32_t k = f->first[w]; k < f->first[w + 1]; k++) {
            if (f->head[k] == v) {
                f->rev[e] = k;
                break;
            }
        }
    }
    return SIM_OK;
}

/* The directed links in CSR order, with distance, capacity and trust 1. */
static sim_err flow_links(flow_state *f, sim_run *run)
{
    uint64_t m = 0;
    for (uint32_t v = 0; v < f->n; v++) {
        m += sim_degree(run, v);
    }
    if (m >= UINT32_MAX - 2ull * f->n) {
        return sim_fail(run, SIM_EINPUT, "flow: too many links (%llu) for the solver",
                        (unsigned long long)m);
    }
    f->m = (uint32_t)m;
    size_t mm = m ? (size_t)m : 1;
    f->tail = malloc(mm * sizeof *f->tail);
    f->head = malloc(mm * sizeof *f->head);
    f->dist = malloc(mm * sizeof *f->dist);
    f->cap = malloc(mm * sizeof *f->cap);
    f->trust = malloc(mm * sizeof *f->trust);
    f->first = malloc(((size_t)f->n + 1) * sizeof *f->first);
    if (!f->tail || !f->head || !f->dist || !f->cap || !f->trust || !f->first) {
        return sim_fail(run, SIM_ENOMEM, "flow: out of memory for %llu links", (unsigned long long)m);
    }
    uint32_t e = 0;
    for (uint32_t v = 0; v < f->n; v++) {
        f->first[v] = e;
        for (uint32_t i = 0; i < sim_degree(run, v); i++, e++) {
            double c = sim_link_capacity(run, v, i);
            f->tail[e] = v;
            f->head[e] = sim_neighbor(run, v, i);
            f->dist[e] = sim_link_distance(run, v, i);
            f->cap[e] = isnan(c) ? f->cfg->capacity : c;
            f->trust[e] = 1.0;
        }
    }
    f->first[f->n] = e;
    return flow_reverse(f, run);
}

static sim_err flow_init_res(flow_state *f, sim_run *run, uint32_t i)
{
    const flow_cfg *cfg = f->cfg;
    flow_res *r = &f->res[i];
    size_t n = f->n ? f->n : 1, arcs = (size_t)f->m + 2 * (size_t)f->n;
    r->name = cfg->resources.names[i];
    r->supply = calloc(n, sizeof *r->supply);
    r->demand = calloc(n, sizeof *r->demand);
    r->arc_cap = calloc(arcs, sizeof *r->arc_cap);
    r->arc_cost = calloc(arcs, sizeof *r->arc_cost);
    r->node_supply = calloc(n + 1, sizeof *r->node_supply);
    r->fate = calloc(f->m ? f->m : 1, sizeof *r->fate);
    r->flow = calloc(arcs, sizeof *r->flow);
    r->w = cfg->solver == FLOW_SIMPLEX ? ns_alloc(f->n + 1, (uint32_t)arcs) : NULL;
    if (!r->supply || !r->demand || !r->arc_cap || !r->arc_cost || !r->node_supply || !r->fate
        || !r->flow || (cfg->solver == FLOW_SIMPLEX && !r->w)) {
        return sim_fail(run, SIM_ENOMEM, "flow: out of memory for resource %s", r->name);
    }
    for (uint32_t k = 0; k < cfg->supply.count; k++) {
        if (strcmp(cfg->supply.names[k], r->name) == 0) {
            SIM_TRY(sim_node_values(run, &cfg->supply.values[k], r->supply));
        }
    }
    for (uint32_t k = 0; k < cfg->demand.count; k++) {
        if (strcmp(cfg->demand.names[k], r->name) == 0) {
            SIM_TRY(sim_node_values(run, &cfg->demand.values[k], r->demand));
        }
    }
    int64_t inf = MCF_INF, pen = flow_scaled(cfg->penalty, FLOW_COST);
    for (uint32_t v = 0; v < f->n; v++) {
        r->arc_cap[f->m + v] = inf;
        r->arc_cap[f->m + f->n + v] = inf;
        r->arc_cost[f->m + f->n + v] = pen;
    }
    return SIM_OK;
}

/* The map: on graphs with coordinates of at most flows_limit and FLOW_MAP_MAX places. */
static sim_err flow_init_map(flow_state *f, sim_run *run)
{
    double x, y;
    f->map_time = -1;
    if (f->n == 0 || (uint64_t)f->n > (uint64_t)f->cfg->flows_limit || f->n > FLOW_MAP_MAX
        || !sim_node_xy(run, 0, &x, &y)) {
        return sim_phase_every(run, f->cfg->period);
    }
    f->map_flow = malloc((size_t)f->nres * (f->m ? f->m : 1) * sizeof *f->map_flow);
    f->map_need = malloc((size_t)f->nres * f->n * sizeof *f->map_need);
    if (f->map_flow == NULL || f->map_need == NULL) {
        return sim_fail(run, SIM_ENOMEM, "flow: out of memory for the map");
    }
    if ((f->map = sim_table_declare(run, "flow_map.csv", sim_map_columns)) == NULL) {
        return SIM_EINTERNAL;
    }
    return sim_phase_every(run, f->cfg->period);
}

static sim_err flow_init(sim_run *run, const void *cfgp, void **state)
{
    const flow_cfg *cfg = cfgp;
    flow_state *f = calloc(1, sizeof *f);
    if (f == NULL) {
        return sim_fail(run, SIM_ENOMEM, "flow: out of memory");
    }
    *state = f;
    f->cfg = cfg;
    f->n = sim_nodes(run);
    f->nres = cfg->resources.count;
    SIM_TRY(flow_links(f, run));
    f->cap_shock = calloc(f->n ? f->n : 1, sizeof *f->cap_shock);
    f->stamp = calloc((size_t)f->n + 1, sizeof *f->stamp);
    f->queue = malloc(((size_t)f->n + 1) * sizeof *f->queue);
    f->rem = malloc((f->m ? (size_t)f->m : 1) * sizeof *f->rem);
    f->net = malloc(((size_t)f->n + 1) * sizeof *f->net);
    f->next = malloc(((size_t)f->n + 1) * sizeof *f->next);
    f->pos = malloc(((size_t)f->n + 1) * sizeof *f->pos);
    f->walk = malloc(((size_t)f->n + 1) * sizeof *f->walk);
    if (f->cap_shock == NULL || f->stamp == NULL || f->queue == NULL || f->rem == NULL || f->net == NULL
        || f->next == NULL || f->pos == NULL || f->walk == NULL) {
        return sim_fail(run, SIM_ENOMEM, "flow: out of memory");
    }
    memset(f->pos, 0xff, ((size_t)f->n + 1) * sizeof *f->pos);
    for (uint32_t i = 0; i < f->nres; i++) {
        SIM_TRY(flow_init_res(f, run, i));
    }
    if ((f->table = sim_table_declare(run, "flow.csv", flow_long_columns)) == NULL) {
        return SIM_EINTERNAL;
    }
    if ((uint64_t)f->n <= (uint64_t)cfg->flows_limit
        && (f->flows = sim_table_declare(run, "flows.csv", flow_flows_columns)) == NULL) {
        return SIM_EINTERNAL;
    }
    return flow_init_map(f, run);
}

static uint64_t flow_estimate(const void *cfgp, uint64_t nodes, uint64_t *events)
{
    const flow_cfg *cfg = cfgp;
    uint64_t res = cfg->resources.count ? cfg->resources.count : 1;
    *events = sim_mul_sat(nodes, 8);
    /* about 8 directed links a place: links 48 + 32 per resource, places 40 + 16 per resource */
    uint64_t per = sim_add_sat(8 * (48 + 32 * res), 40 + 16 * res + 200 * res);
    return sim_mul_sat(nodes, per);
}

const sim_model flow_model = {
    .name = "flow",
    .help = "resources flow to need: min-cost flow per period on the live network",
    .params = flow_params,
    .cfg_size = sizeof(flow_cfg),
    .columns = flow_columns,
    .summary = flow_summary,
    .own_csv = 1,
    .long_key = "resource",
    .long_plot = flow_plot,
    .map = "flow_map",
    .check = flow_check,
    .init = flow_init,
    .event = flow_event,
    .phase = flow_phase,
    .shock = flow_shock,
    .sample = flow_sample,
    .summarize = flow_summarize,
    .destroy = flow_destroy,
    .estimate = flow_estimate,
};
