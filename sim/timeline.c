/*
 * timeline.c -- the scenario's timeline: at(t, action), every(dt, fn) and the
 * action constructors fail, recover, partition, heal, set, shock, stop,
 * isolate and release.
 *
 * An action constructor checks its table (selector keys: fraction | count |
 * nodes, target, region, cell; partition keys: groups, by, nodes, mode; set's
 * "block.key" names) and returns a userdata holding a sim_action, under the
 * metatable SCEN_ACTION_MT. Nothing happens until at() takes it: in the
 * chunk, at() appends to the configuration's timeline (sorted by time, file
 * order kept, when loading finishes); inside an every() callback it asks the
 * run to schedule it through scen_hooks, and an action the callback made but
 * did not schedule is applied when the callback returns.
 *
 * An action the chunk made must reach at(): a bare `heal {}` is a mistake,
 * not a no-op. Every action the chunk makes is remembered, and after the
 * chunk timeline_check_scheduled lets a full garbage collection decide which
 * unscheduled ones can still be scheduled (something, such as an every()
 * callback, holds them) and reports the first that cannot.
 *
 * set{} keys are sorted by name, since Lua's table order is not reproducible,
 * and only keys flagged SIM_PF_LIVE can change during a run.
 */
#include "scen_impl.h"

#include <math.h>
#include <string.h>

/* --- The action keys ----------------------------------------------------------------- */

/* Keys of the actions, read into this struct and copied into sim_action. */
typedef struct timeline_fields {
    double fraction;
    int64_t count;
    sim_nodeset nodes;
    int target;
    int64_t cell;
    int64_t groups;
    int by;
    int mode;
    int level;               /* isolate: index into timeline_levels (standing - 1) */
    const char *resource;    /* shock */
    double supply, demand, capacity;   /* shock: NAN when not given */
    sim_time duration;       /* shock: 0 = for good */
} timeline_fields;

const char *const timeline_targets[] = { "random", "degree", "region", "cell", NULL };
const char *const timeline_bys[] = { "random", "region", "cells", "halfplane", NULL };
const char *const timeline_modes[] = { "drop", "queue", NULL };
/* isolate's levels: sim_standing limited, suspended, expelled, i.e. index + 1. */
const char *const timeline_levels[] = { "limited", "suspended", "expelled", NULL };

#define TIMELINE_SELECTOR_PARAMS \
    SIM_PARAM_NUM("fraction", timeline_fields, fraction, -1, 0, 1, SIM_PF_MIN_OPEN, "fraction of the candidates"), \
    SIM_PARAM_INT("count", timeline_fields, count, -1, 1, 4294967295.0, 0, "number of candidates"), \
    SIM_PARAM_NODES("nodes", timeline_fields, nodes, 0, 0, "explicit node ids"), \
    SIM_PARAM_ENUM("target", timeline_fields, target, TARGET_RANDOM, timeline_targets, 0, "how nodes are chosen"), \
    SIM_PARAM_INT("cell", timeline_fields, cell, -1, 0, 4294967295.0, 0, "cell id (target = \"cell\")")

static const sim_param timeline_failover_params[] = {
    TIMELINE_SELECTOR_PARAMS,
    SIM_PARAM_END
};

static const sim_param timeline_isolate_params[] = {
    TIMELINE_SELECTOR_PARAMS,
    SIM_PARAM_ENUM("level", timeline_fields, level, SIM_STANDING_SUSPENDED - 1, timeline_levels, 0,
                   "standing to set: limited, suspended or expelled (final)"),
    SIM_PARAM_END
};

static const sim_param timeline_shock_params[] = {
    TIMELINE_SELECTOR_PARAMS,
    SIM_PARAM_STR("resource", timeline_fields, resource, NULL, 0, "the resource hit (flow)"),
    SIM_PARAM_NUM("supply", timeline_fields, supply, NAN, -1e12, 1e12, 0, "added to each place's supply"),
    SIM_PARAM_NUM("demand", timeline_fields, demand, NAN, -1e12, 1e12, 0, "added to each place's demand"),
    SIM_PARAM_NUM("capacity", timeline_fields, capacity, NAN, -1e12, 1e12, 0,
                  "added to each place's capacity"),
    SIM_PARAM_TIME("duration", timeline_fields, duration, 0, 0, 1e9, 0,
                   "seconds until the values are taken off again (0: for good)"),
    SIM_PARAM_END
};

static const sim_param timeline_partition_params[] = {
    SIM_PARAM_INT("groups", timeline_fields, groups, 2, 2, 65535, 0, "number of groups"),
    SIM_PARAM_ENUM("by", timeline_fields, by, PART_RANDOM, timeline_bys, 0,
                   "how nodes are grouped"),
    SIM_PARAM_NODES("nodes", timeline_fields, nodes, 0, 0, "these nodes against the rest"),
    SIM_PARAM_ENUM("mode", timeline_fields, mode, PART_DROP, timeline_modes, 0, "drop or queue messages across"),
    SIM_PARAM_END
};

/* An action value in Lua: the action and its state inside a callback. */
typedef struct timeline_action {
    sim_action a;
    int consumed;            /* passed to at() inside a callback */
} timeline_action;

/* --- Actions ------------------------------------------------------------------------------ */

static timeline_action *timeline_new_action(lua_State *L, act_kind kind)
{
    scen *s = sandbox_scen(L);
    if (s->in_callback == SCEN_IN_PERNODE || s->in_callback == SCEN_IN_REPORT) {
        sandbox_raise(L, "%s: actions cannot be made in a %s function", act_name(kind),
                      s->in_callback == SCEN_IN_REPORT ? "report() or first_time()" : "per-node");
    }
    timeline_action *sa = lua_newuserdatauv(L, sizeof *sa, 0);
    memset(sa, 0, sizeof *sa);
    sa->a.kind = kind;
    sa->a.file = s->path;
    sa->a.line = sandbox_line(L);
    sa->a.fraction = -1;
    sa->a.count = -1;
    sa->a.cell = -1;
    sa->a.groups = 2;
    luaL_setmetatable(L, SCEN_ACTION_MT);
    return sa;
}

/*
 * Remember the action on top of the stack: inside a callback so it can be
 * applied when the callback returns; in the chunk so that one never given to
 * at() (a bare heal {}) is reported instead of silently doing nothing.
 */
static void timeline_track_pending(lua_State *L)
{
    scen *s = sandbox_scen(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->in_callback ? s->pending_ref : s->made_ref);
    lua_pushvalue(L, -2);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    lua_pop(L, 1);
}

static void timeline_read_region(lua_State *L, int idx, const char *ctx, sim_action *a)
{
    lua_getfield(L, idx, "region");
    int r = lua_gettop(L);
    if (lua_type(L, r) != LUA_TTABLE) {
        sandbox_raise(L, "%s.region: expected {x = , y = , r = }, got %s", ctx,
                      luaL_typename(L, r));
    }
    char sub[64];
    snprintf(sub, sizeof sub, "%s.region", ctx);
    if (lua_rawlen(L, r) == 3) {
        double v[3];
        for (int i = 0; i < 3; i++) {
            lua_rawgeti(L, r, i + 1);
            v[i] = field_number(L, -1, sub, i == 0 ? "x" : i == 1 ? "y" : "r");
            lua_pop(L, 1);
        }
        a->rx = v[0];
        a->ry = v[1];
        a->rr = v[2];
    } else {
        static const char *const keys[] = { "x", "y", "r" };
        field_only_keys(L, r, sub, keys, 3);
        a->rx = field_required_num(L, r, sub, "x", -1e9, 0, 1e9);
        a->ry = field_required_num(L, r, sub, "y", -1e9, 0, 1e9);
        a->rr = field_required_num(L, r, sub, "r", 0, 1, 1e9);
    }
    if (!(a->rr > 0 && a->rr <= 1e9) || fabs(a->rx) > 1e9 || fabs(a->ry) > 1e9) {
        sandbox_raise(L, "%s.region: x and y must be in [-1e9, 1e9] and r in (0, 1e9], got {%g, %g, %g}",
                      ctx, a->rx, a->ry, a->rr);
    }
    lua_pop(L, 1);
}

/* shock's values: at least one of supply, demand, capacity; the keys given as SIM_SHOCK_* bits. */
static void timeline_shock_values(lua_State *L, const timeline_fields *f, sim_action *a)
{
    a->shock_given = (isnan(f->supply) ? 0u : SIM_SHOCK_SUPPLY) | (isnan(f->demand) ? 0u : SIM_SHOCK_DEMAND)
                     | (isnan(f->capacity) ? 0u : SIM_SHOCK_CAPACITY)
                     | (f->resource != NULL ? SIM_SHOCK_RESOURCE : 0u);
    if (!(a->shock_given & (SIM_SHOCK_SUPPLY | SIM_SHOCK_DEMAND | SIM_SHOCK_CAPACITY))) {
        sandbox_raise(L, "shock: give at least one of supply, demand, capacity");
    }
    a->resource = f->resource;
    a->supply = isnan(f->supply) ? 0 : f->supply;
    a->demand = isnan(f->demand) ? 0 : f->demand;
    a->capacity = isnan(f->capacity) ? 0 : f->capacity;
    a->duration = f->duration;
}

/*
 * fail, recover, isolate, release and shock: a selector (isolate also a
 * level, shock its values).
 * release without a selector releases every node it can.
 */
static int timeline_failover(lua_State *L, act_kind kind)
{
    const char *ctx = act_name(kind);
    field_one_table(L, ctx);
    timeline_fields f;
    static const char *const extra[] = { "region", NULL };
    field_read_table(L, 1, ctx, kind == ACT_ISOLATE ? timeline_isolate_params
                                : kind == ACT_SHOCK ? timeline_shock_params
                                                    : timeline_failover_params, extra, &f);
    int given = (f.fraction >= 0) + (f.count >= 0) + (f.nodes.count > 0);
    if (given > 1) {
        sandbox_raise(L, "%s: give only one of fraction, count, nodes", ctx);
    }
    lua_getfield(L, 1, "region");
    int has_region = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (f.target == TARGET_REGION && !has_region) {
        sandbox_raise(L, "%s.region: required with target = \"region\" (region = {x = , y = , r = })", ctx);
    }
    if (has_region && f.target != TARGET_REGION) {
        sandbox_raise(L, "%s.region: only with target = \"region\"", ctx);
    }
    if (f.target == TARGET_CELL && f.cell < 0) {
        sandbox_raise(L, "%s.cell: required with target = \"cell\"", ctx);
    }
    if (f.cell >= 0 && f.target != TARGET_CELL) {
        sandbox_raise(L, "%s.cell: only with target = \"cell\"", ctx);
    }
    if (f.nodes.count > 0 && f.target != TARGET_RANDOM) {
        sandbox_raise(L, "%s.nodes: cannot be combined with target", ctx);
    }
    if (f.nodes.count > 0 && f.nodes.ids == NULL) {
        sandbox_raise(L, "%s.nodes: expected a list of node ids (use count for a number)", ctx);
    }
    if (given == 0 && (f.target == TARGET_RANDOM || f.target == TARGET_DEGREE)
        && kind != ACT_RELEASE) {
        sandbox_raise(L, "%s: say how many: fraction, count or nodes", ctx);
    }
    timeline_action *sa = timeline_new_action(L, kind);
    sa->a.fraction = f.fraction;
    sa->a.count = f.count;
    sa->a.nodes = f.nodes;
    sa->a.target = f.target;
    sa->a.cell = f.cell;
    sa->a.level = kind == ACT_ISOLATE ? f.level + 1 : SIM_STANDING_OK;
    if (kind == ACT_SHOCK) {
        timeline_shock_values(L, &f, &sa->a);
    }
    if (has_region) {
        timeline_read_region(L, 1, ctx, &sa->a);
    }
    timeline_track_pending(L);
    return 1;
}

static int timeline_fail(lua_State *L)
{
    return timeline_failover(L, ACT_FAIL);
}

static int timeline_recover(lua_State *L)
{
    return timeline_failover(L, ACT_RECOVER);
}

static int timeline_isolate(lua_State *L)
{
    return timeline_failover(L, ACT_ISOLATE);
}

static int timeline_release(lua_State *L)
{
    return timeline_failover(L, ACT_RELEASE);
}

static int timeline_partition(lua_State *L)
{
    field_one_table(L, "partition");
    timeline_fields f;
    static const char *const extra[] = { "region", NULL };
    field_read_table(L, 1, "partition", timeline_partition_params, extra, &f);
    lua_getfield(L, 1, "region");
    int has_region = !lua_isnil(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, 1, "by");
    int has_by = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (f.nodes.count > 0) {
        if (has_by) {
            sandbox_raise(L, "partition.nodes: cannot be combined with by");
        }
        if (f.nodes.ids == NULL) {
            sandbox_raise(L, "partition.nodes: expected a list of node ids");
        }
        f.by = PART_NODES;
    }
    if (f.by == PART_REGION && !has_region) {
        sandbox_raise(L, "partition.region: required with by = \"region\" (region = {x = , y = , r = })");
    }
    if (has_region && f.by != PART_REGION) {
        sandbox_raise(L, "partition.region: only with by = \"region\"");
    }
    timeline_action *sa = timeline_new_action(L, ACT_PARTITION);
    sa->a.groups = (int)f.groups;
    sa->a.by = f.by;
    sa->a.mode = f.mode;
    sa->a.nodes = f.nodes;
    if (has_region) {
        timeline_read_region(L, 1, "partition", &sa->a);
    }
    timeline_track_pending(L);
    return 1;
}

/* An action that takes no keys: heal{} or stop{} (the empty table is optional). */
static int timeline_bare(lua_State *L, act_kind kind, const char *name)
{
    if (lua_gettop(L) > 0) {
        field_one_table(L, name);
        field_only_keys(L, 1, name, NULL, 0);
    }
    timeline_new_action(L, kind);
    timeline_track_pending(L);
    return 1;
}

static int timeline_heal(lua_State *L)
{
    return timeline_bare(L, ACT_HEAL, "heal");
}

static int timeline_stop(lua_State *L)
{
    return timeline_bare(L, ACT_STOP, "stop");
}

static int timeline_shock(lua_State *L)
{
    return timeline_failover(L, ACT_SHOCK);
}

/* Find block "name" declared so far: model index, -1 for links; -2 if absent. */
static int timeline_declared_block(scen *s, const char *name)
{
    if (strcmp(name, "links") == 0) {
        return -1;
    }
    for (uint32_t i = 0; i < s->cfg.nmodels; i++) {
        if (strcmp(s->cfg.models[i].model->name, name) == 0) {
            return (int)i;
        }
    }
    return -2;
}

static void timeline_read_setting(lua_State *L, const char *full, act_setting *out)
{
    scen *s = sandbox_scen(L);
    const char *dot = strchr(full, '.');
    char block[64];
    if (dot == NULL || dot == full || (size_t)(dot - full) >= sizeof block) {
        sandbox_raise(L, "set: keys are \"block.key\", e.g. [\"links.loss\"] = 0.1; got '%s'",
                      full);
    }
    memcpy(block, full, (size_t)(dot - full));
    block[dot - full] = '\0';
    int b = timeline_declared_block(s, block);
    if (b == -2) {
        sandbox_raise(L, "set: no block '%s' before this point in the scenario", block);
    }
    const sim_param *params = b < 0 ? links_params : s->cfg.models[b].model->params;
    const sim_param *p = field_find_param(params, dot + 1);
    if (p == NULL || p->type == SIM_PT_GROUP) {
        const char *keys[64];
        size_t n = field_param_keys(params, keys, 64);
        const char *near = field_nearest(dot + 1, keys, n);
        if (near != NULL) {
            sandbox_raise(L, "set: '%s': unknown key (did you mean '%s.%s'?)", full, block, near);
        }
        sandbox_raise(L, "set: '%s': unknown key", full);
    }
    if (!(p->flags & SIM_PF_LIVE)) {
        sandbox_raise(L, "set: '%s' cannot change during a run", full);
    }
    union { int64_t i; double d; sim_time t; int e; } v;
    sim_param copy = *p;
    copy.offset = 0;
    field_read_value(L, lua_gettop(L), block, &copy, &v);
    out->block = b;
    out->param = p;
    switch (p->type) {
    case SIM_PT_INT:
        out->num = (double)v.i;
        break;
    case SIM_PT_TIME:
        out->num = (double)v.t;
        break;
    case SIM_PT_BOOL:
    case SIM_PT_ENUM:
        out->num = v.e;
        break;
    default:
        out->num = v.d;
    }
}

/* Order "block.key" settings by name: Lua's table order is not reproducible. */
static int timeline_setting_cmp(const scen *s, const act_setting *a, const act_setting *b)
{
    const char *ba = a->block < 0 ? "links" : s->cfg.models[a->block].model->name;
    const char *bb = b->block < 0 ? "links" : s->cfg.models[b->block].model->name;
    int c = strcmp(ba, bb);
    return c != 0 ? c : strcmp(a->param->key, b->param->key);
}

static void timeline_sort_settings(const scen *s, act_setting *st, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        act_setting x = st[i];
        uint32_t j = i;
        while (j > 0 && timeline_setting_cmp(s, &st[j - 1], &x) > 0) {
            st[j] = st[j - 1];
            j--;
        }
        st[j] = x;
    }
}

static int timeline_set(lua_State *L)
{
    scen *s = sandbox_scen(L);
    field_one_table(L, "set");
    uint32_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        lua_pop(L, 1);
        n++;
    }
    if (n == 0) {
        sandbox_raise(L, "set: nothing to set");
    }
    act_setting *st = sandbox_alloc(s, sizeof *st * n);
    if (st == NULL) {
        sandbox_no_memory(L);
    }
    uint32_t i = 0;
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            sandbox_raise(L, "set: keys are \"block.key\" strings");
        }
        timeline_read_setting(L, lua_tostring(L, -2), &st[i++]);
        lua_pop(L, 1);
    }
    timeline_sort_settings(s, st, n);
    timeline_action *sa = timeline_new_action(L, ACT_SET);
    sa->a.settings = st;
    sa->a.nsettings = n;
    timeline_track_pending(L);
    return 1;
}

/* --- Timeline --------------------------------------------------------------------------- */

static int timeline_at(lua_State *L)
{
    scen *s = sandbox_scen(L);
    double t = field_number(L, 1, "at", "time");
    timeline_action *sa = luaL_testudata(L, 2, SCEN_ACTION_MT);
    if (sa == NULL) {
        sandbox_raise(L, "at: expected an action such as fail{...} as argument 2, got %s",
                      luaL_typename(L, 2));
    }
    sim_time ns = field_time_ns(L, "at", "time", t);
    if (s->in_callback == SCEN_IN_PERNODE) {
        sandbox_raise(L, "at: cannot be called in a per-node function");
    }
    if (s->in_callback) {
        if (ns < s->now) {
            sandbox_raise(L, "at: time %g is in the past (now %g)", t, sim_time_to_s(s->now));
        }
        sa->consumed = 1;
        s->hook_err = s->hooks->schedule(s->hooks->ctx, ns, &sa->a);
        if (s->hook_err != SIM_OK) {
            return luaL_error(L, "at: could not schedule");
        }
        return 0;
    }
    sa->consumed = 1;
    sim_at *e = sandbox_push_slot(L, &s->cfg.timeline, &s->cfg.ntimeline, &s->captimeline,
                                  sizeof *e);
    e->time = ns;
    e->action = sa->a;
    e->action.line = sandbox_line(L);
    return 0;
}

static int timeline_every(lua_State *L)
{
    scen *s = sandbox_scen(L);
    if (s->in_callback) {
        sandbox_raise(L, "every: cannot be called inside a callback");
    }
    double dt = field_number(L, 1, "every", "interval");
    if (!(dt > 0)) {
        sandbox_raise(L, "every: interval must be > 0, got %g", dt);
    }
    sim_time period = field_time_ns(L, "every", "interval", dt);
    if (lua_type(L, 2) != LUA_TFUNCTION) {
        sandbox_raise(L, "every: expected a function as argument 2, got %s", luaL_typename(L, 2));
    }
    sim_every *ev = sandbox_push_slot(L, &s->cfg.every, &s->cfg.nevery, &s->capevery, sizeof *ev);
    lua_pushvalue(L, 2);
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    *ev = (sim_every){
        .period = period, .fn_ref = ref, .file = s->path, .line = sandbox_line(L)
    };
    return 0;
}

/* --- Reporters ------------------------------------------------------------------------------ */

#define TIMELINE_REPORTS_MAX 64

/* report("name", fn) and first_time("name", fn): checked here, called by the run at each sample. */
static int timeline_reporter(lua_State *L, sim_report_kind kind)
{
    scen *s = sandbox_scen(L);
    const char *fn = kind == SIM_REPORT_COLUMN ? "report" : "first_time";
    if (s->in_callback) {
        sandbox_raise(L, "%s: cannot be called inside a callback", fn);
    }
    size_t len = 0;
    const char *name = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &len) : NULL;
    if (name == NULL || len > 63 || !field_is_name(name, len)) {
        sandbox_raise(L, "%s: the name (argument 1) must be a string of letters, digits and _, "
                      "at most 63 bytes, e.g. %s(\"informed_share\", function(sim) ... end)", fn, fn);
    }
    if (lua_type(L, 2) != LUA_TFUNCTION || lua_gettop(L) != 2) {
        sandbox_raise(L, "%s: expected a name and a function of sim, got %s as argument 2", fn,
                      luaL_typename(L, 2));
    }
    for (uint32_t i = 0; i < s->cfg.nreports; i++) {
        if (strcmp(s->cfg.reports[i].name, name) == 0) {
            sandbox_raise(L, "%s: the name '%s' is taken (line %d)", fn, name, s->cfg.reports[i].line);
        }
    }
    if (s->cfg.nreports == TIMELINE_REPORTS_MAX) {
        sandbox_raise(L, "%s: at most %d report() and first_time() columns", fn, TIMELINE_REPORTS_MAX);
    }
    char *copy = sandbox_strdup(s, name);
    if (copy == NULL) {
        sandbox_no_memory(L);
    }
    sim_report *r = sandbox_push_slot(L, &s->cfg.reports, &s->cfg.nreports, &s->capreports, sizeof *r);
    lua_pushvalue(L, 2);
    *r = (sim_report){ .name = copy, .kind = kind, .fn_ref = luaL_ref(L, LUA_REGISTRYINDEX),
                       .file = s->path, .line = sandbox_line(L) };
    return 0;
}

static int timeline_report(lua_State *L)
{
    return timeline_reporter(L, SIM_REPORT_COLUMN);
}

static int timeline_first_time(lua_State *L)
{
    return timeline_reporter(L, SIM_REPORT_FIRST_TIME);
}

/* Set the timeline's Lua functions into the environment on top of the stack. */
static const luaL_Reg timeline_funcs[] = {
    { "at", timeline_at }, { "every", timeline_every },
    { "fail", timeline_fail }, { "recover", timeline_recover },
    { "partition", timeline_partition }, { "heal", timeline_heal },
    { "set", timeline_set }, { "shock", timeline_shock }, { "stop", timeline_stop },
    { "isolate", timeline_isolate }, { "release", timeline_release },
    { NULL, NULL }
};

void timeline_register(lua_State *L)
{
    static const luaL_Reg reporters[] = {
        { "report", timeline_report }, { "first_time", timeline_first_time }, { NULL, NULL }
    };
    luaL_setfuncs(L, timeline_funcs, 0);
    luaL_setfuncs(L, reporters, 0);
}

int timeline_is_action(const char *name)
{
    for (const luaL_Reg *f = timeline_funcs + 2; f->name != NULL; f++) {
        if (strcmp(f->name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* --- Actions made but not applied ------------------------------------------------------ */

/*
 * Every action the chunk made must be able to reach at(): a bare `heal {}`
 * is a mistake, not a no-op. An action not yet scheduled is fine while
 * something still holds it (a local captured by an every() callback, which
 * may schedule it later). So the unscheduled ones are moved to a table with
 * weak values and a full collection runs: those collected were unreachable
 * and can never be scheduled; the first of them is reported.
 */
void timeline_check_scheduled(lua_State *L)
{
    scen *s = sandbox_scen(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->made_ref);       /* made */
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    lua_newtable(L);                                      /* weak: index -> action */
    lua_newtable(L);
    lua_pushliteral(L, "v");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_newtable(L);                                      /* where: index -> line x 8 + kind */
    int made = lua_gettop(L) - 2, weak = made + 1, where = made + 2;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, made, i);
        const timeline_action *sa = lua_touserdata(L, -1);
        if (sa != NULL && !sa->consumed) {
            lua_pushvalue(L, -1);
            lua_rawseti(L, weak, i);
            lua_pushinteger(L, (lua_Integer)sa->a.line * 8 + sa->a.kind);
            lua_rawseti(L, where, i);
        }
        lua_pop(L, 1);
    }
    luaL_unref(L, LUA_REGISTRYINDEX, s->made_ref);
    s->made_ref = LUA_NOREF;
    lua_remove(L, made);                                  /* the strong references are gone */
    weak--;
    where--;
    lua_gc(L, LUA_GCCOLLECT);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, where, i);
        lua_Integer at = lua_tointeger(L, -1);
        int listed = !lua_isnil(L, -1);
        lua_pop(L, 1);
        if (!listed) {
            continue;
        }
        lua_rawgeti(L, weak, i);
        int alive = !lua_isnil(L, -1);
        lua_pop(L, 1);
        if (!alive) {
            const char *k = act_name((int)(at % 8));
            luaL_error(L, "%s:%d: %s{} is made but never scheduled; write at(t, %s{...}) or call it "
                       "inside every()", s->path, (int)(at / 8), k, k);
        }
    }
    lua_pop(L, 2);
}

/* Apply the actions the callback made and did not schedule, in order. */
sim_err timeline_apply_pending(scen *s)
{
    lua_State *L = s->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->pending_ref);
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    sim_err err = SIM_OK;
    for (lua_Integer i = 1; i <= n && err == SIM_OK; i++) {
        lua_rawgeti(L, -1, i);
        timeline_action *sa = lua_touserdata(L, -1);
        if (sa != NULL && !sa->consumed) {
            err = s->hooks->apply(s->hooks->ctx, &sa->a);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return err;
}
