/*
 * scen.c -- the scenario loader: a sandboxed Lua 5.4 chunk in, a sim_config out.
 *
 * A scenario is a Lua chunk that calls block functions, each taking one
 * table: scenario{}, topology{}, links{} and one per registered model, plus
 * the timeline functions (at, every, and the action constructors). This file
 * is the top of the loader: it defines the blocks, assembles the globals a
 * scenario sees (scen_make_env lists them all), runs the chunk under
 * lua_pcall, checks what the chunk as a whole must satisfy (the required
 * blocks, --set overrides that matched no block, timeline bounds) and runs
 * every() callbacks during the run. Reading an unknown global is an error
 * that suggests the nearest name.
 *
 * The loader's other files sit below it and are called, never calling back
 * (scen_impl.h has the map): placeread.c reads the explicit topology's
 * places and edges, resolved.c writes the configuration back as
 * Lua, timeline.c makes actions, field.c reads typed keys against sim_param
 * tables, sandbox.c owns the Lua state, its limits, its errors and the arena.
 *
 * Each block is checked whole before anything is kept: unknown keys (with
 * the nearest valid key suggested), wrong types, out-of-range values and
 * unknown enum values are errors of the form "file:line: block.key: what is
 * wrong"; a model's own check() then sees the filled config. A block given
 * twice is an error, links{} is optional (an empty one is read, so that
 * defaults and --set links.* apply).
 *
 * Memory: everything the configuration points to is allocated from the
 * sandbox's arena, owned by the scen; scen_free releases everything, whether
 * loading succeeded or not. The Lua state lives as long as the scen, because
 * every() callbacks live in it.
 */
#include "scen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scen_impl.h"

/* --- Blocks ----------------------------------------------------------------------------- */

static void scen_once(lua_State *L, scen_loc *loc, const char *block)
{
    if (loc->line != 0) {
        sandbox_raise(L, "%s: block given twice (first at line %d)", block, loc->line);
    }
    loc->line = sandbox_line(L);
}

static const char *scen_basename(scen *s, const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    char *name = sandbox_strdup(s, b);
    if (name == NULL) {
        return "scenario";
    }
    size_t n = strlen(name);
    if (n > 4 && strcmp(name + n - 4, ".lua") == 0) {
        name[n - 4] = '\0';
    }
    return name;
}

static int scen_block_scenario(lua_State *L)
{
    scen *s = sandbox_scen(L);
    field_one_table(L, "scenario");
    scen_once(L, &s->scenario_at, "scenario");
    field_read_block(L, 1, "scenario", scenario_params, NULL, &s->cfg.scenario);
    if (s->seed_override >= 0) {
        s->cfg.scenario.seed = s->seed_override;
    }
    if (s->cfg.scenario.name == NULL) {
        s->cfg.scenario.name = scen_basename(s, s->path);
    }
    const char *name = s->cfg.scenario.name;
    int control = 0;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
        control |= *c < 32 || *c == 127;
    }
    size_t len = strlen(name);
    if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL || control || len > 200) {
        sandbox_raise(L, "scenario.name: must be a plain folder name (not empty, at most 200 "
                      "bytes, no '/', no leading '.', no control characters), got %s%.40s%s",
                      control ? "a name with control characters" : "'", control ? "" : name,
                      control ? "" : len > 40 ? "...'" : "'");
    }
    if (s->seed_override < 0) {
        sandbox_seed(s, s->cfg.scenario.seed);
    }
    return 0;
}

static int scen_block_topology(lua_State *L)
{
    scen *s = sandbox_scen(L);
    field_one_table(L, "topology");
    scen_once(L, &s->topology_at, "topology");
    field_apply_sets(L, 1, "topology");
    lua_getfield(L, 1, "kind");
    if (lua_isnil(L, -1)) {
        sandbox_raise(L, "topology.kind: required (one of: complete, erdos_renyi, barabasi_albert, "
                      "watts_strogatz, geometric, lattice, ring, cells, file, explicit)");
    }
    s->override = field_override_for(s, "topology", "kind");
    int kind = field_enum(L, lua_gettop(L), "topology", "kind", topo_kinds);
    s->override = NULL;
    lua_pop(L, 1);
    static const char *const extra[] = { "kind", NULL };
    static const char *const extra_explicit[] = { "kind", "nodes", "edges", NULL };
    memset(&s->cfg.topology, 0, sizeof s->cfg.topology);
    field_read_block(L, 1, "topology", topo_params(kind),
                     kind == TOPO_EXPLICIT ? extra_explicit : extra, &s->cfg.topology);
    s->cfg.topology.kind = kind;
    if (kind == TOPO_EXPLICIT) {
        placeread_topology(L, 1);   /* the places and edges, by name (placeread.c) */
    }
    char msg[256];
    if (topo_check(&s->cfg.topology, msg, sizeof msg) != SIM_OK) {
        sandbox_raise(L, "%s", msg);
    }
    return 0;
}

static int scen_block_links(lua_State *L)
{
    scen *s = sandbox_scen(L);
    field_one_table(L, "links");
    scen_once(L, &s->links_at, "links");
    field_read_block(L, 1, "links", links_params, NULL, &s->cfg.links);
    return 0;
}

static int scen_block_model(lua_State *L)
{
    scen *s = sandbox_scen(L);
    int m = (int)lua_tointeger(L, lua_upvalueindex(1));
    const sim_model *model = sim_models[m];
    field_one_table(L, model->name);
    scen_once(L, &s->model_at[m], model->name);
    void *cfg = sandbox_alloc(s, model->cfg_size);
    if (cfg == NULL) {
        sandbox_no_memory(L);
    }
    field_read_block(L, 1, model->name, model->params, NULL, cfg);
    char msg[256];
    if (model->check != NULL && model->check(cfg, msg, sizeof msg) != SIM_OK) {
        sandbox_raise(L, "%s", msg);
    }
    model_block *mb = sandbox_push_slot(L, &s->cfg.models, &s->cfg.nmodels, &s->capmodels,
                                        sizeof *mb);
    *mb = (model_block){ .model = model, .cfg = cfg, .file = s->path, .line = sandbox_line(L) };
    return 0;
}

/* --- The globals a scenario sees ------------------------------------------------------ */

/* Names a scenario can use, for "did you mean". */
static size_t scen_env_names(lua_State *L, int env, const char **out, size_t max)
{
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, env) != 0 && n < max) {
        if (lua_type(L, -2) == LUA_TSTRING) {
            out[n++] = lua_tostring(L, -2);
        }
        lua_pop(L, 1);
    }
    return n;
}

static int scen_env_index(lua_State *L)
{
    const char *name = lua_tostring(L, 2);
    if (name == NULL) {
        return 0;
    }
    const char *names[128];
    size_t n = scen_env_names(L, 1, names, 128);
    const char *near = field_nearest(name, names, n);
    if (near != NULL) {
        return sandbox_raise(L, "unknown name '%s' (did you mean '%s'?)", name, near);
    }
    return sandbox_raise(L, "unknown name '%s'", name);
}

/*
 * Build the environment table and leave it on the stack: the sandbox's safe
 * functions and libraries, the blocks, the timeline functions, the sandbox's
 * own print/pcall/xpcall/setmetatable/math.random, one block per model.
 */
static void scen_make_env(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        { "scenario", scen_block_scenario }, { "topology", scen_block_topology },
        { "links", scen_block_links }, { NULL, NULL }
    };
    int env = sandbox_env_new(L);
    luaL_setfuncs(L, funcs, 0);
    timeline_register(L);
    params_register(L, env);
    sandbox_env_wrap(L, env);
    for (int m = 0; sim_models[m] != NULL; m++) {
        lua_pushinteger(L, m);
        lua_pushcclosure(L, scen_block_model, 1);
        lua_setfield(L, env, sim_models[m]->name);
    }
    lua_newtable(L);
    lua_pushcfunction(L, scen_env_index);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, env);
}

/* --- Loading --------------------------------------------------------------------------- */

static sim_err scen_parse_sets(scen *s, const char *const *sets, uint32_t nsets, char *msg, size_t len)
{
    s->sets = calloc(nsets ? nsets : 1, sizeof *s->sets);
    if (s->sets == NULL) {
        return SIM_ENOMEM;
    }
    for (uint32_t i = 0; i < nsets; i++) {
        const char *eq = strchr(sets[i], '=');
        const char *dot = strchr(sets[i], '.');
        scen_set *st = &s->sets[i];
        if (eq == NULL || dot == NULL || dot > eq || dot == sets[i] || dot + 1 == eq
            || (size_t)(dot - sets[i]) >= sizeof st->block || (size_t)(eq - dot - 1) >= sizeof st->key) {
            snprintf(msg, len, "--set %s: expected block.key=VALUE, e.g. gossip.fanout=3", sets[i]);
            return SIM_EINPUT;
        }
        memcpy(st->block, sets[i], (size_t)(dot - sets[i]));
        memcpy(st->key, dot + 1, (size_t)(eq - dot - 1));
        st->text = sets[i];
        st->value = eq + 1;
    }
    s->nsets = nsets;
    return SIM_OK;
}

/* A reporter's column may not repeat a column of the file it adds to (report.csv, summary.csv). */
static sim_err scen_check_report_names(const scen *s, char *msg, size_t len)
{
    static const char *const fixed[] = {
        "time", "scenario", "seed", "nodes", "edges", "events", "wall_s", "events_per_s", "status", NULL
    };
    for (uint32_t i = 0; i < s->cfg.nreports; i++) {
        const sim_report *r = &s->cfg.reports[i];
        const char *clash = NULL;
        for (uint32_t k = 0; fixed[k] != NULL && clash == NULL; k++) {
            clash = strcmp(r->name, fixed[k]) == 0 && (k == 0 || r->kind == SIM_REPORT_FIRST_TIME) ? fixed[k] : NULL;
        }
        for (uint32_t m = 0; m < s->cfg.nmodels && clash == NULL && r->kind == SIM_REPORT_FIRST_TIME; m++) {
            for (const char *const *c = s->cfg.models[m].model->summary; *c != NULL && clash == NULL; c++) {
                clash = strcmp(r->name, *c) == 0 ? *c : NULL;
            }
        }
        if (clash != NULL) {
            snprintf(msg, len, "%s:%d: %s: the name '%s' is already a column of %s; choose another", r->file,
                     r->line, r->kind == SIM_REPORT_COLUMN ? "report" : "first_time", r->name,
                     r->kind == SIM_REPORT_COLUMN ? "report.csv" : "summary.csv");
            return SIM_EINPUT;
        }
    }
    return SIM_OK;
}

/* After the chunk: required blocks, unused overrides, timeline bounds and order. */
static sim_err scen_finish(scen *s, char *msg, size_t len)
{
    if (s->scenario_at.line == 0) {
        snprintf(msg, len, "%s: no scenario{} block (it needs at least duration)", s->path);
        return SIM_EINPUT;
    }
    if (s->topology_at.line == 0) {
        snprintf(msg, len, "%s: no topology{} block", s->path);
        return SIM_EINPUT;
    }
    if (s->cfg.nmodels == 0) {
        char names[256] = "";
        for (int m = 0; sim_models[m] != NULL; m++) {
            strncat(names, m ? ", " : "", sizeof names - strlen(names) - 1);
            strncat(names, sim_models[m]->name, sizeof names - strlen(names) - 1);
        }
        snprintf(msg, len, "%s: no model block (one of: %s)", s->path, names);
        return SIM_EINPUT;
    }
    SIM_TRY(params_check_sets(s, msg, len));
    SIM_TRY(scen_check_report_names(s, msg, len));
    for (uint32_t i = 0; i < s->nsets; i++) {
        if (!s->sets[i].used && strcmp(s->sets[i].block, "scenario") != 0) {
            scen_set *st = &s->sets[i];
            if (timeline_is_action(st->block)) {
                snprintf(msg, len, "--set %s: '%s' is a timeline action, not a block; make the value a "
                         "parameter (param { %s = ... } and %s { %s = param.%s }) and give --set param.%s=...",
                         st->text, st->block, st->key, st->block, st->key, st->key, st->key);
            } else {
                snprintf(msg, len, "--set %s: no block '%s' in this scenario", st->text, st->block);
            }
            return SIM_EINPUT;
        }
    }
    for (uint32_t i = 0; i < s->cfg.ntimeline; i++) {
        const sim_at *e = &s->cfg.timeline[i];
        if (e->time > s->cfg.scenario.duration) {
            snprintf(msg, len, "%s:%d: at: time %g is after scenario.duration %g", s->path,
                     e->action.line, sim_time_to_s(e->time), sim_time_to_s(s->cfg.scenario.duration));
            return SIM_EINPUT;
        }
    }
    /* Stable insertion sort by time: file order within a time. */
    for (uint32_t i = 1; i < s->cfg.ntimeline; i++) {
        sim_at e = s->cfg.timeline[i];
        uint32_t j = i;
        while (j > 0 && s->cfg.timeline[j - 1].time > e.time) {
            s->cfg.timeline[j] = s->cfg.timeline[j - 1];
            j--;
        }
        s->cfg.timeline[j] = e;
    }
    return SIM_OK;
}

/* Run the chunk with the sandbox's environment (inside lua_pcall: the pmain pattern). */
static int scen_pmain(lua_State *L)
{
    scen *s = sandbox_scen(L);
    int st = luaL_loadfilex(L, s->path, "t");
    if (st == LUA_ERRFILE) {
        return luaL_error(L, "%s: cannot open scenario file (%s)", s->path, strerror(errno));
    }
    if (st != LUA_OK) {
        return lua_error(L);
    }
    scen_make_env(L);
    lua_setupvalue(L, -2, 1);
    lua_newtable(L);
    s->made_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_call(L, 0, 0);
    if (s->out_of_memory) {
        sandbox_no_memory(L);   /* a copy refused at the limit, even if a pcall swallowed it */
    }
    timeline_check_scheduled(L);
    if (s->links_at.line == 0) {
        /* links{} is optional: run it empty, so defaults and --set links.* apply. */
        lua_pushcfunction(L, scen_block_links);
        lua_newtable(L);
        lua_call(L, 1, 0);
    }
    return 0;
}

static char *scen_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        return strdup(".");
    }
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 2);
    if (d != NULL) {
        memcpy(d, path, n ? n : 1);
        d[n ? n : 1] = '\0';
    }
    return d;
}

sim_err scen_load(const char *path, const char *const *sets, uint32_t nsets, int64_t seed,
                  scen **out, char *msg, size_t msg_len)
{
    *out = NULL;
    scen *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(msg, msg_len, "out of memory");
        return SIM_ENOMEM;
    }
    s->path = strdup(path);
    s->model_at = calloc(64, sizeof *s->model_at);
    s->seed_override = seed;
    sandbox_rearm(s);
    s->pending_ref = LUA_NOREF;
    s->made_ref = LUA_NOREF;
    s->param_ref = LUA_NOREF;
    s->param_file_ref = LUA_NOREF;
    s->cfg.path = s->path;
    char *dir = scen_dirname(path);
    s->cfg.base_dir = dir ? sandbox_strdup(s, dir) : ".";
    free(dir);
    sim_err err = (s->path && s->model_at) ? scen_parse_sets(s, sets, nsets, msg, msg_len) : SIM_ENOMEM;
    if (err == SIM_OK) {
        err = sandbox_open(s);
    }
    if (err == SIM_OK) {
        if (seed >= 0) {
            sandbox_seed(s, seed);
        }
        lua_pushcfunction(s->L, scen_pmain);
        int st = lua_pcall(s->L, 0, 0, 0);
        if (st != LUA_OK) {
            sandbox_error_line(s->L, st, s, msg, msg_len);
            err = SIM_EINPUT;
        }
    }
    if (err == SIM_OK) {
        err = scen_finish(s, msg, msg_len);
    }
    if (err == SIM_ENOMEM) {
        snprintf(msg, msg_len, "out of memory loading %s", path);
    }
    if (err != SIM_OK) {
        scen_free(s);
        return err;
    }
    *out = s;
    return SIM_OK;
}

const sim_config *scen_config(const scen *s)
{
    return &s->cfg;
}

void scen_free(scen *s)
{
    if (s == NULL) {
        return;
    }
    if (s->L != NULL) {
        lua_close(s->L);
    }
    for (size_t i = 0; i < s->nowned; i++) {
        free(s->owned[i]);
    }
    free(s->owned);
    free(s->sets);
    free(s->model_at);
    free(s->path);
    free(s);
}

/* --- Callbacks --------------------------------------------------------------------------- */

static int scen_sim_metric(lua_State *L)
{
    scen *s = sandbox_scen(L);
    const char *name = luaL_checkstring(L, 1);
    double v;
    if (!s->hooks->metric(s->hooks->ctx, name, &v)) {
        return sandbox_raise(L, "sim.metric: unknown metric '%s'", name);
    }
    lua_pushnumber(L, v);
    return 1;
}

/* Call function ref(sim) (arguments 1 and 2: ref, results wanted 0 or 1). */
static int scen_pcallback(lua_State *L)
{
    scen *s = sandbox_scen(L);
    int ref = (int)lua_tointeger(L, 1), want = (int)lua_tointeger(L, 2);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_newtable(L);
    lua_pushnumber(L, sim_time_to_s(s->now));
    lua_setfield(L, -2, "time");
    lua_pushcfunction(L, scen_sim_metric);
    lua_setfield(L, -2, "metric");
    lua_call(L, 1, want);
    return want;
}

/*
 * Run the function ref as a callback of kind `mode` (SCEN_IN_EVERY or
 * SCEN_IN_REPORT) at time now; with want = 1 its result stays on the stack
 * when SIM_OK is returned (the caller pops it). Actions an every() callback
 * made and did not schedule are applied after it returns.
 */
static sim_err scen_callback(scen *s, int mode, int ref, int want, sim_time now, const scen_hooks *hooks,
                             char *msg, size_t msg_len)
{
    lua_State *L = s->L;
    msg[0] = '\0';
    s->in_callback = mode;
    s->hooks = hooks;
    s->now = now;
    s->hook_err = SIM_OK;
    sandbox_rearm(s);
    lua_newtable(L);
    s->pending_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushcfunction(L, scen_pcallback);
    lua_pushinteger(L, ref);
    lua_pushinteger(L, want);
    int st = lua_pcall(L, 2, want, 0);
    sim_err err = SIM_OK;
    if (s->hook_err != SIM_OK) {
        err = s->hook_err;
        lua_pop(L, 1);
    } else if (st != LUA_OK) {
        sandbox_error_line(L, st, s, msg, msg_len);
        lua_pop(L, 1);
        err = SIM_EINPUT;
    } else if (mode == SCEN_IN_EVERY) {
        err = timeline_apply_pending(s);
    }
    luaL_unref(L, LUA_REGISTRYINDEX, s->pending_ref);
    s->pending_ref = LUA_NOREF;
    s->in_callback = SCEN_IN_CHUNK;
    return err;
}

sim_err scen_call_every(scen *s, uint32_t idx, sim_time now, const scen_hooks *hooks,
                        char *msg, size_t msg_len)
{
    return scen_callback(s, SCEN_IN_EVERY, s->cfg.every[idx].fn_ref, 0, now, hooks, msg, msg_len);
}

sim_err scen_call_report(scen *s, uint32_t idx, sim_time now, const scen_hooks *hooks, double *value,
                         char *msg, size_t msg_len)
{
    const sim_report *r = &s->cfg.reports[idx];
    SIM_TRY(scen_callback(s, SCEN_IN_REPORT, r->fn_ref, 1, now, hooks, msg, msg_len));
    lua_State *L = s->L;
    int type = lua_type(L, -1);
    sim_err err = SIM_OK;
    if (r->kind == SIM_REPORT_FIRST_TIME && type == LUA_TBOOLEAN) {
        *value = lua_toboolean(L, -1);
    } else if (r->kind == SIM_REPORT_COLUMN && type == LUA_TNUMBER) {
        *value = lua_tonumber(L, -1);
    } else if (r->kind == SIM_REPORT_COLUMN && type == LUA_TBOOLEAN) {
        *value = lua_toboolean(L, -1);
    } else {
        snprintf(msg, msg_len, "%s:%d: %s '%s': the function returned %s, expected %s", r->file, r->line,
                 r->kind == SIM_REPORT_COLUMN ? "report" : "first_time", r->name, luaL_typename(L, -1),
                 r->kind == SIM_REPORT_COLUMN ? "a number" : "true or false");
        err = SIM_EINPUT;
    }
    lua_pop(L, 1);
    return err;
}

/* --- Per-node values ------------------------------------------------------------------------ */

/* What scen_node_values hands to its protected function. */
typedef struct scen_pernode_job {
    scen *s;
    const sim_pernode *key;
    const topo_graph *g;
    double *out;
} scen_pernode_job;

/* The node named by the key on top of the stack (a name or an id); raises if none. */
static uint32_t scen_pernode_node(lua_State *L, const scen_pernode_job *j)
{
    const sim_pernode *k = j->key;
    if (lua_type(L, -2) == LUA_TSTRING) {
        const char *name = lua_tostring(L, -2);
        uint32_t v = topo_find(j->g, name);
        if (v == SIM_NONE) {
            luaL_error(L, "%s:%d: %s: no node named \"%s\"%s", k->file, k->line, k->name, name,
                       topo_name(j->g, 0) == NULL ? " (this topology has no names: use ids)" : "");
        }
        return v;
    }
    lua_Integer id = lua_tointeger(L, -2);
    if (id < 0 || id >= (lua_Integer)j->g->n) {
        luaL_error(L, "%s:%d: %s: no node %I (ids are 0 .. %d)", k->file, k->line, k->name, id,
                   (int)j->g->n - 1);
    }
    return (uint32_t)id;
}

static int scen_pernode_table(lua_State *L)
{
    const scen_pernode_job *j = lua_touserdata(L, 1);
    for (uint32_t v = 0; v < j->g->n; v++) {
        j->out[v] = j->key->value;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, j->key->ref);
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        j->out[scen_pernode_node(L, j)] = lua_tonumber(L, -1);   /* checked numbers (field.c) */
        lua_pop(L, 1);
    }
    return 0;
}

/* Fill the reused node view with node v. */
static void scen_pernode_view(lua_State *L, int view, const topo_graph *g, uint32_t v)
{
    const char *name = topo_name(g, v);
    lua_pushinteger(L, v);
    lua_setfield(L, view, "id");
    if (name != NULL) {
        lua_pushstring(L, name);
    } else {
        lua_pushnil(L);
    }
    lua_setfield(L, view, "name");
    lua_pushinteger(L, topo_degree(g, v));
    lua_setfield(L, view, "degree");
    if (g->x != NULL) {
        lua_pushnumber(L, g->x[v]);
        lua_setfield(L, view, "x");
        lua_pushnumber(L, g->y[v]);
        lua_setfield(L, view, "y");
    }
    if (g->cell != NULL) {
        lua_pushinteger(L, g->cell[v]);
        lua_setfield(L, view, "cell");
    }
}

static int scen_pernode_function(lua_State *L)
{
    const scen_pernode_job *j = lua_touserdata(L, 1);
    const sim_pernode *k = j->key;
    lua_newtable(L);
    int view = lua_gettop(L);
    for (uint32_t v = 0; v < j->g->n; v++) {
        scen_pernode_view(L, view, j->g, v);
        lua_rawgeti(L, LUA_REGISTRYINDEX, k->ref);
        lua_pushvalue(L, view);
        sandbox_rearm(j->s);   /* each node its own budget */
        lua_call(L, 1, 1);
        if (lua_type(L, -1) != LUA_TNUMBER) {
            luaL_error(L, "%s:%d: %s: the function returned %s for node %d, expected a number",
                       k->file, k->line, k->name, luaL_typename(L, -1), (int)v);
        }
        j->out[v] = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    return 0;
}

sim_err scen_node_values(scen *s, const sim_pernode *key, const topo_graph *g, double *out,
                         char *msg, size_t msg_len)
{
    lua_State *L = s->L;
    scen_pernode_job job = { .s = s, .key = key, .g = g, .out = out };
    msg[0] = '\0';
    s->in_callback = SCEN_IN_PERNODE;
    sandbox_rearm(s);
    lua_pushcfunction(L, key->kind == SIM_PERNODE_TABLE ? scen_pernode_table : scen_pernode_function);
    lua_pushlightuserdata(L, &job);
    int st = lua_pcall(L, 1, 0, 0);
    s->in_callback = SCEN_IN_CHUNK;
    if (st != LUA_OK) {
        sandbox_error_line(L, st, s, msg, msg_len);
        lua_pop(L, 1);
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/* --- The configuration as Lua (resolved.c) ------------------------------------------------ */

sim_err scen_write_resolved(const scen *s, FILE *f)
{
    return resolved_write(s, f);
}

void scen_write_action(const scen *s, const sim_action *a, FILE *f)
{
    resolved_write_action(s, a, f);
}
