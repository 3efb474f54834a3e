/*
 * act.c -- timeline actions: fail, recover, partition, heal, set, isolate, release.
 *
 * Selectors pick candidates (up nodes for fail, down nodes for recover,
 * nodes whose standing the action would change for isolate and release),
 * narrowed by target: region (a disc in the unit square), cell, or an
 * explicit node list; then count or fraction of them, chosen uniformly by a
 * partial Fisher-Yates shuffle on the run-level stream, or (target degree)
 * the candidates of highest degree in the live graph at that moment, ties
 * broken by one draw per candidate from the same stream. Every choice draws
 * from the run stream only, so it does not depend on node streams or ranks.
 * Costs: O(n) per selection (O(n log n) for degree), once per action.
 */
#include "run.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *act_name(int kind)
{
    static const char *const names[] = {
        "fail", "recover", "partition", "heal", "set", "shock", "stop", "isolate", "release",
        "shock-end"
    };
    return (kind >= 0 && kind <= ACT_SHOCK_END) ? names[kind] : "?";
}

static sim_err act_bad(sim_run *run, const sim_action *a, const char *fmt, const char *what,
                       double v)
{
    return sim_fail(run, SIM_EINPUT, "%s:%d: %s.%s: %s (%g)", a->file, a->line,
                    act_name(a->kind), what, fmt, v);
}

sim_err act_check(sim_run *run, const sim_action *a)
{
    const topo_graph *g = &run->g;
    for (uint32_t i = 0; i < a->nodes.count && a->nodes.ids != NULL; i++) {
        if (a->nodes.ids[i] >= run->n) {
            return act_bad(run, a, "no such node, ids are 0 .. n-1", "nodes", a->nodes.ids[i]);
        }
    }
    int needs_xy = (a->kind == ACT_PARTITION && (a->by == PART_REGION || a->by == PART_HALFPLANE))
                   || (a->kind != ACT_PARTITION && a->target == TARGET_REGION);
    if (needs_xy && g->x == NULL) {
        return sim_fail(run, SIM_EINPUT, "%s:%d: %s: regions need a topology with coordinates "
                        "(geometric, a 2-d lattice, or explicit places with x and y)",
                        a->file, a->line, act_name(a->kind));
    }
    int needs_cells = (a->kind == ACT_PARTITION && a->by == PART_CELLS)
                      || (a->kind != ACT_PARTITION && a->target == TARGET_CELL);
    if (needs_cells && g->cell == NULL) {
        return sim_fail(run, SIM_EINPUT, "%s:%d: %s: cells need topology kind \"cells\"",
                        a->file, a->line, act_name(a->kind));
    }
    if (needs_cells && a->kind == ACT_PARTITION && g->ncells > 65535) {
        return act_bad(run, a, "at most 65535 cells can be partitioned", "by", g->ncells);
    }
    if (a->kind != ACT_PARTITION && a->target == TARGET_CELL && (uint64_t)a->cell >= g->ncells) {
        return act_bad(run, a, "no such cell, ids are 0 .. cells-1", "cell", (double)a->cell);
    }
    return SIM_OK;
}

double run_uniform(sim_run *run)
{
    return rng_unit(rng_at(run->run_key, run->run_ctr++));
}

static int act_in_region(const sim_run *run, const sim_action *a, uint32_t v)
{
    double dx = run->g.x[v] - a->rx, dy = run->g.y[v] - a->ry;
    return dx * dx + dy * dy <= a->rr * a->rr;
}

/*
 * Whether the action would change v: fail an up node, recover a down one,
 * isolate a node not already at that level, release a limited or suspended
 * one. Expelled is final: neither isolate nor release touches it.
 */
static int act_applies(const sim_run *run, const sim_action *a, uint32_t v)
{
    unsigned standing = run->mark[v] & RUN_STANDING;
    switch (a->kind) {
    case ACT_FAIL:
        return run->node[v].up;
    case ACT_RECOVER:
        return !run->node[v].up;
    case ACT_ISOLATE:
        return standing != SIM_STANDING_EXPELLED && standing != (unsigned)a->level;
    case ACT_RELEASE:
        return standing == SIM_STANDING_LIMITED || standing == SIM_STANDING_SUSPENDED;
    case ACT_SHOCK:
        return 1;            /* a place that is down still has its supplies and capacity */
    default:
        return 0;
    }
}

/* Candidates of a selector: nodes the action would not change are skipped. */
static uint32_t act_candidates(const sim_run *run, const sim_action *a, uint32_t *out)
{
    uint32_t k = 0;
    if (a->nodes.count > 0 && a->nodes.ids != NULL) {
        SIM_ASSERT(a->nodes.count <= run->n);   /* a set of checked ids (scen_node_set, act_check) */
        for (uint32_t i = 0; i < a->nodes.count; i++) {
            uint32_t v = a->nodes.ids[i];
            if (act_applies(run, a, v)) {
                out[k++] = v;
            }
        }
        return k;
    }
    for (uint32_t v = 0; v < run->n; v++) {
        if (!act_applies(run, a, v)) {
            continue;
        }
        if (a->target == TARGET_REGION && !act_in_region(run, a, v)) {
            continue;
        }
        if (a->target == TARGET_CELL && run->g.cell[v] != (uint32_t)a->cell) {
            continue;
        }
        out[k++] = v;
    }
    return k;
}

static uint32_t act_howmany(const sim_action *a, uint32_t ncand)
{
    if (a->count >= 0) {
        return a->count < (int64_t)ncand ? (uint32_t)a->count : ncand;
    }
    if (a->fraction >= 0.0) {
        double k = floor(a->fraction * ncand + 0.5);
        return k < ncand ? (uint32_t)k : ncand;
    }
    return ncand;   /* explicit nodes, or a whole region or cell */
}

/* Move a uniformly random k-subset of cand[0..n) to its front. */
static void act_shuffle_pick(sim_run *run, uint32_t *cand, uint32_t n, uint32_t k)
{
    for (uint32_t i = 0; i < k; i++) {
        uint32_t j = i + (uint32_t)(run_uniform(run) * (n - i));
        uint32_t t = cand[i];
        cand[i] = cand[j];
        cand[j] = t;
    }
}

typedef struct act_ranked {
    uint32_t degree;
    uint64_t tie;
    uint32_t node;
} act_ranked;

static int act_by_degree(const void *pa, const void *pb)
{
    const act_ranked *a = pa, *b = pb;
    if (a->degree != b->degree) {
        return a->degree > b->degree ? -1 : 1;
    }
    if (a->tie != b->tie) {
        return a->tie < b->tie ? -1 : 1;
    }
    return a->node < b->node ? -1 : (a->node > b->node);
}

/* Move the k candidates of highest live degree to the front. */
static sim_err act_degree_pick(sim_run *run, uint32_t *cand, uint32_t n, uint32_t k)
{
    act_ranked *r = malloc((n ? n : 1) * sizeof *r);
    if (r == NULL) {
        return sim_fail(run, SIM_ENOMEM, "out of memory ranking nodes by degree");
    }
    for (uint32_t i = 0; i < n; i++) {
        r[i].node = cand[i];
        r[i].degree = net_live_degree(run, cand[i]);
        r[i].tie = rng_at(run->run_key, run->run_ctr++);
    }
    qsort(r, n, sizeof *r, act_by_degree);
    for (uint32_t i = 0; i < k; i++) {
        cand[i] = r[i].node;
    }
    free(r);
    return SIM_OK;
}

static int act_cmp_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : (a > b);
}

/* Flip the chosen nodes, in ascending id order, and tell every model. */
static void act_flip(sim_run *run, uint32_t *nodes, uint32_t k, int up)
{
    qsort(nodes, k, sizeof *nodes, act_cmp_u32);
    for (uint32_t i = 0; i < k; i++) {
        uint32_t v = nodes[i];
        run->node[v].up = (uint8_t)up;
        if (up) {
            run->alive++;
        } else {
            run->alive--;
            run->node[v].epoch++;
        }
        for (uint32_t m = 0; m < run->nmodels; m++) {
            if (run->models[m]->node_change != NULL) {
                run->current = (uint8_t)m;
                run->models[m]->node_change(run->state[m], run, v, up);
            }
        }
    }
    run->shape_dirty = 1;
}

/* Set the chosen nodes' standing (no model is told, so the order does not matter). */
static void act_stand(sim_run *run, const uint32_t *nodes, uint32_t k, sim_standing standing)
{
    for (uint32_t i = 0; i < k; i++) {
        (void)sim_set_standing(run, nodes[i], standing);
    }
}

static const char *act_standing_name(int s)
{
    static const char *const names[] = { "ok", "limited", "suspended", "expelled" };
    return (s >= 0 && s <= SIM_STANDING_EXPELLED) ? names[s] : "?";
}

static const char *act_target_name(int t)
{
    static const char *const names[] = { "random", "degree", "region", "cell" };
    return (t >= 0 && t <= TARGET_CELL) ? names[t] : "?";
}

/* Place names listed in events.csv's detail, at most; more are given as a count. */
#define ACT_DETAIL_NAMES 8

/*
 * "nodes=Cuba|Haiti" for an explicit list of at most ACT_DETAIL_NAMES
 * places of a topology with names, if it fits in len; else "nodes=<count>".
 * Names may hold commas or quotes: run.c writes detail as one CSV field.
 */
static void act_nodes_detail(const sim_run *run, const sim_action *a, char *detail, size_t len)
{
    const topo_graph *g = &run->g;
    if (g->names != NULL && a->nodes.count <= ACT_DETAIL_NAMES) {
        size_t used = (size_t)snprintf(detail, len, "nodes=");
        for (uint32_t i = 0; i < a->nodes.count && used < len; i++) {
            const char *name = topo_name(g, a->nodes.ids[i]);   /* ids < n: act_check */
            used += (size_t)snprintf(detail + used, len - used, "%s%s", i ? "|" : "",
                                     name != NULL ? name : "?");
        }
        if (used < len) {
            return;
        }
    }
    snprintf(detail, len, "nodes=%u", a->nodes.count);
}

/* The nodes a selector picks, into a new array *out[0 .. *k - 1] (the caller frees it). */
static sim_err act_select(sim_run *run, const sim_action *a, uint32_t **out, uint32_t *k)
{
    uint32_t *cand = malloc(sizeof(uint32_t) * (run->n ? run->n : 1));
    if (cand == NULL) {
        return sim_fail(run, SIM_ENOMEM, "out of memory selecting nodes");
    }
    uint32_t n = act_candidates(run, a, cand);
    sim_err err = SIM_OK;
    *k = act_howmany(a, n);
    if (a->target == TARGET_DEGREE) {
        err = act_degree_pick(run, cand, n, *k);
    } else if (*k < n) {
        act_shuffle_pick(run, cand, n, *k);
    }
    if (err != SIM_OK) {
        free(cand);
        return err;
    }
    *out = cand;
    return SIM_OK;
}

/* How the selector was given, for events.csv. */
static void act_selector_detail(const sim_run *run, const sim_action *a, char *detail, size_t len)
{
    if (a->nodes.ids != NULL) {
        act_nodes_detail(run, a, detail, len);
    } else if (a->count >= 0) {
        snprintf(detail, len, "target=%s count=%lld", act_target_name(a->target),
                 (long long)a->count);
    } else if (a->fraction >= 0.0) {
        snprintf(detail, len, "target=%s fraction=%g", act_target_name(a->target), a->fraction);
    } else {
        snprintf(detail, len, "target=%s", act_target_name(a->target));
    }
}

static sim_err act_failover(sim_run *run, const sim_action *a, char *detail, size_t len,
                            uint64_t *affected)
{
    uint32_t *cand, k;
    SIM_TRY(act_select(run, a, &cand, &k));
    if (a->kind == ACT_ISOLATE || a->kind == ACT_RELEASE) {
        act_stand(run, cand, k, a->kind == ACT_ISOLATE ? (sim_standing)a->level : SIM_STANDING_OK);
    } else {
        act_flip(run, cand, k, a->kind == ACT_RECOVER);
    }
    *affected = k;
    size_t used = 0;
    if (a->kind == ACT_ISOLATE) {
        used = (size_t)snprintf(detail, len, "level=%s ", act_standing_name(a->level));
        used = used < len ? used : len - 1;
    }
    act_selector_detail(run, a, detail + used, len - used);
    free(cand);
    return SIM_OK;
}

/* --- Shocks ---------------------------------------------------------------------- */

/* Hand a shock to every model that takes shocks, in block order; *used: the keys they use. */
static sim_err act_tell_shock(sim_run *run, const sim_shock *sh, unsigned *used)
{
    *used = 0;
    for (uint32_t m = 0; m < run->nmodels; m++) {
        const sim_model *mod = run->models[m];
        unsigned u = 0;
        if (mod->shock != NULL) {
            run->current = (uint8_t)m;
            SIM_TRY(mod->shock(run->state[m], run, sh, &u));
        }
        *used |= u;
    }
    return SIM_OK;
}

static sim_shock act_shock_of(const sim_action *a, sim_shock_step step)
{
    return (sim_shock){ .step = step, .resource = a->resource, .supply = a->supply,
                        .demand = a->demand, .capacity = a->capacity, .given = a->shock_given };
}

sim_err act_check_shock(sim_run *run, const sim_action *a)
{
    if (a->kind != ACT_SHOCK) {
        return SIM_OK;
    }
    sim_shock sh = act_shock_of(a, SIM_SHOCK_CHECK);
    unsigned used;
    sim_err err = act_tell_shock(run, &sh, &used);
    if (err == SIM_EINPUT) {
        char msg[sizeof run->errmsg];
        snprintf(msg, sizeof msg, "%s", run->errmsg);
        return sim_fail(run, err, "%s:%d: shock: %s", a->file, a->line, msg);
    }
    SIM_TRY(err);
    static const char *const keys[] = { "supply", "demand", "capacity", "resource" };
    for (int i = 0; i < 4; i++) {
        if ((a->shock_given & ~used) & (1u << i)) {
            return sim_fail(run, SIM_EINPUT, "%s:%d: shock.%s: no model in this scenario uses it "
                            "(flow has supply, demand, capacity and resources; credit has capacity)",
                            a->file, a->line, keys[i]);
        }
    }
    return SIM_OK;
}

/* The shock's values, for events.csv: "resource=food supply=-1000 duration=10 " */
static size_t act_shock_detail(const sim_action *a, char *detail, size_t len)
{
    size_t used = 0;
    if (a->resource != NULL) {
        used += (size_t)snprintf(detail + used, len - used, "resource=%s ", a->resource);
    }
    static const char *const names[] = { "supply", "demand", "capacity" };
    const double values[] = { a->supply, a->demand, a->capacity };
    for (int i = 0; i < 3 && used < len; i++) {
        if (a->shock_given & (1u << i)) {
            used += (size_t)snprintf(detail + used, len - used, "%s=%g ", names[i], values[i]);
        }
    }
    if (a->duration > 0 && used < len) {
        used += (size_t)snprintf(detail + used, len - used, "duration=%g ",
                                 sim_time_to_s(a->duration));
    }
    return used < len ? used : len - 1;
}

/*
 * Apply a shock to the places its selector picks. With a duration the
 * selection is handed to the run (run->shock_sel), which schedules the
 * shock's end on the same places.
 */
static sim_err act_shock(sim_run *run, const sim_action *a, char *detail, size_t len,
                         uint64_t *affected)
{
    uint32_t *cand, k;
    unsigned used;
    SIM_TRY(act_select(run, a, &cand, &k));
    sim_shock sh = act_shock_of(a, SIM_SHOCK_APPLY);
    sh.nodes = cand;
    sh.count = k;
    sim_err err = act_tell_shock(run, &sh, &used);
    if (err != SIM_OK) {
        free(cand);
        return err;
    }
    *affected = k;
    size_t n = act_shock_detail(a, detail, len);
    act_selector_detail(run, a, detail + n, len - n);
    free(run->shock_sel);
    run->shock_sel = a->duration > 0 ? cand : NULL;
    run->shock_sel_count = k;
    if (a->duration <= 0) {
        free(cand);
    }
    return SIM_OK;
}

/* The end of a shock's duration: the same values taken off the same places. */
static sim_err act_shock_end(sim_run *run, const sim_action *a, char *detail, size_t len,
                             uint64_t *affected)
{
    sim_shock sh = act_shock_of(a, SIM_SHOCK_END);
    sh.nodes = a->nodes.ids;
    sh.count = a->nodes.count;
    unsigned used;
    SIM_TRY(act_tell_shock(run, &sh, &used));
    *affected = a->nodes.count;
    size_t n = act_shock_detail(a, detail, len);
    act_nodes_detail(run, a, detail + n, len - n);   /* the places it hit, by name */
    return SIM_OK;
}

/*
 * The x range that halfplane partitions cut into equal strips: the unit
 * square for generated coordinates, the places' bounding box for explicit
 * (raw units, e.g. degrees of longitude).
 */
static void act_x_range(const sim_run *run, double *lo, double *width)
{
    *lo = 0.0;
    *width = 1.0;
    if (run->g.names == NULL || run->n == 0) {
        return;
    }
    double min = run->g.x[0], max = run->g.x[0];
    for (uint32_t v = 1; v < run->n; v++) {
        min = run->g.x[v] < min ? run->g.x[v] : min;
        max = run->g.x[v] > max ? run->g.x[v] : max;
    }
    *lo = min;
    *width = max > min ? max - min : 1.0;
}

/* Group of each node for a partition action. */
static void act_groups(sim_run *run, const sim_action *a, uint16_t *group)
{
    double lo = 0.0, width = 1.0;
    if (a->by == PART_HALFPLANE) {
        act_x_range(run, &lo, &width);
    }
    for (uint32_t v = 0; v < run->n; v++) {
        switch (a->by) {
        case PART_RANDOM:
            group[v] = (uint16_t)(run_uniform(run) * a->groups);
            break;
        case PART_REGION:
            group[v] = (uint16_t)act_in_region(run, a, v);
            break;
        case PART_HALFPLANE: {
            int gi = (int)((run->g.x[v] - lo) / width * a->groups);
            group[v] = (uint16_t)(gi >= a->groups ? a->groups - 1 : gi);
            break;
        }
        case PART_CELLS:
            group[v] = (uint16_t)run->g.cell[v];
            break;
        default:
            group[v] = 0;
        }
    }
    if (a->by == PART_NODES) {
        for (uint32_t i = 0; i < a->nodes.count; i++) {
            group[a->nodes.ids[i]] = 1;
        }
    }
}

/* Links of the static graph whose ends are in different groups. */
static uint64_t act_links_cut(const sim_run *run, const uint16_t *group)
{
    const topo_graph *g = &run->g;
    uint64_t cut = 0;
    if (g->complete) {
        uint64_t *count = calloc(65536, sizeof *count);
        if (count == NULL) {
            return 0;
        }
        for (uint32_t v = 0; v < run->n; v++) {
            count[group[v]]++;
        }
        uint64_t inside = 0;
        for (uint32_t i = 0; i < 65536; i++) {
            inside += count[i] * (count[i] > 0 ? count[i] - 1 : 0) / 2;
        }
        free(count);
        return g->m - inside;
    }
    for (uint32_t v = 0; v < run->n; v++) {
        for (uint32_t e = g->off[v]; e < g->off[v + 1]; e++) {
            cut += g->adj[e] > v && group[g->adj[e]] != group[v];
        }
    }
    return cut;
}

static sim_err act_partition(sim_run *run, const sim_action *a, char *detail, size_t len,
                             uint64_t *affected)
{
    static const char *const by[] = { "random", "region", "cells", "halfplane", "nodes" };
    uint16_t *group = malloc(sizeof(uint16_t) * (run->n ? run->n : 1));
    if (group == NULL) {
        return sim_fail(run, SIM_ENOMEM, "out of memory for partition groups");
    }
    act_groups(run, a, group);
    *affected = act_links_cut(run, group);
    net_partition(run, group, a->mode);
    free(group);
    snprintf(detail, len, "by=%s groups=%d mode=%s links_cut", by[a->by],
             a->by == PART_CELLS ? (int)run->g.ncells : (a->by == PART_RANDOM || a->by == PART_HALFPLANE)
             ? a->groups : 2, a->mode == PART_QUEUE ? "queue" : "drop");
    return SIM_OK;
}

/* set{}: write each new value into the live configuration. */
/* Tell each model whose keys a set{} changed, once, in block order (sim_model.changed). */
static void act_tell_changed(sim_run *run, const sim_action *a)
{
    for (uint32_t m = 0; m < run->nmodels; m++) {
        const sim_model *mod = run->models[m];
        int touched = 0;
        for (uint32_t i = 0; i < a->nsettings; i++) {
            touched |= a->settings[i].block == (int)m;
        }
        if (touched && mod->changed != NULL) {
            run->current = (uint8_t)m;
            mod->changed(run->state[m], run);
        }
    }
}

static void act_set(sim_run *run, const sim_action *a, char *detail, size_t len)
{
    size_t used = 0;
    detail[0] = '\0';
    for (uint32_t i = 0; i < a->nsettings; i++) {
        const act_setting *s = &a->settings[i];
        /* The config is owned by the loader but is the run's to change mid-run. */
        char *base = s->block < 0 ? (char *)(uintptr_t)run->links
                                  : (char *)run->cfg->models[s->block].cfg;
        char *field = base + s->param->offset;
        switch (s->param->type) {
        case SIM_PT_INT:
            *(int64_t *)(void *)field = (int64_t)s->num;
            break;
        case SIM_PT_NUM:
            *(double *)(void *)field = s->num;
            break;
        case SIM_PT_TIME:
            *(sim_time *)(void *)field = (sim_time)s->num;
            break;
        case SIM_PT_BOOL:
        case SIM_PT_ENUM:
            *(int *)(void *)field = (int)s->num;
            break;
        default:
            break;
        }
        const char *block = s->block < 0 ? "links" : run->cfg->models[s->block].model->name;
        if (used < len) {
            used += (size_t)snprintf(detail + used, len - used, "%s%s.%s=%g", i ? " " : "",
                                     block, s->param->key, s->param->type == SIM_PT_TIME
                                     ? s->num / SIM_NS_PER_S : s->num);
        }
    }
    act_tell_changed(run, a);
}

sim_err act_apply(sim_run *run, const sim_action *a, char *detail, size_t detail_len,
                  uint64_t *affected)
{
    *affected = 0;
    detail[0] = '\0';
    switch (a->kind) {
    case ACT_FAIL:
    case ACT_RECOVER:
    case ACT_ISOLATE:
    case ACT_RELEASE:
        return act_failover(run, a, detail, detail_len, affected);
    case ACT_PARTITION:
        return act_partition(run, a, detail, detail_len, affected);
    case ACT_HEAL:
        snprintf(detail, detail_len, "released_held");
        return net_heal(run, affected);
    case ACT_SET:
        act_set(run, a, detail, detail_len);
        *affected = a->nsettings;
        return SIM_OK;
    case ACT_SHOCK:
        return act_shock(run, a, detail, detail_len, affected);
    case ACT_SHOCK_END:
        return act_shock_end(run, a, detail, detail_len, affected);
    case ACT_STOP:
        run->stop_requested = 1;
        snprintf(detail, detail_len, "end of run");
        return SIM_OK;
    }
    return SIM_OK;
}
