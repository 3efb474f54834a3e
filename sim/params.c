/*
 * params.c -- scenario parameters: `param { name = default, ... }`.
 *
 * A scenario declares the values a user may want to change without
 * editing the file: a failure fraction, the time of a heal, a region.
 *
 *     param { fraction = 0.2, heal_at = 25, region = { x = 0.5, y = 0.5, r = 0.2 } }
 *     at(5, fail { fraction = param.fraction })
 *     at(param.heal_at, heal {})
 *
 * The rest of the file reads them as ordinary Lua values, `param.name`;
 * `--set param.fraction=0.3` and `--vary param.fraction=0.1,0.2` replace a
 * default before the file goes on, so every use sees the new value, the
 * timeline included. `param` is a read-only table: reading a name that was
 * not declared is an error that suggests the nearest declared one, and so
 * is an override of an unknown name (checked after the chunk, by
 * params_check_sets). An override must have the type of the default it
 * replaces (a number for a number, a table for a table), so a typo cannot
 * turn a number into a string that fails much later.
 *
 * Values are numbers (finite), strings, booleans, or tables of those
 * (nested at most PARAMS_DEPTH deep, keys strings or integers), so that
 * run.lua and `mycosim check` can write them back as Lua (resolved.c).
 * Functions and actions are not parameters. param{} is given at most once,
 * before its names are used.
 */
#include <string.h>

#include "scen_impl.h"

#define PARAMS_MAX 64           /* names in one param{} */
#define PARAMS_NAME_MAX 63      /* bytes of one name */
#define PARAMS_DEPTH 4          /* nesting of a table value */
#define PARAMS_ITEMS 4096       /* scalars in one table value, all levels */

/* Raise unless the value at idx is a parameter value; items counts the scalars of a table. */
static void params_check_value(lua_State *L, int idx, const char *name, int depth, int *items)
{
    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        field_number(L, idx, "param", name);   /* finite */
        return;
    case LUA_TSTRING:
    case LUA_TBOOLEAN:
        return;
    case LUA_TTABLE:
        break;
    case LUA_TUSERDATA:
        sandbox_raise(L, "param.%s: an action is not a parameter (schedule it with at())", name);
        break;
    default:
        sandbox_raise(L, "param.%s: a parameter is a number, a string, a boolean or a table of "
                      "those, got %s", name, luaL_typename(L, idx));
    }
    if (depth >= PARAMS_DEPTH) {
        sandbox_raise(L, "param.%s: tables nested more than %d deep", name, PARAMS_DEPTH);
    }
    if (lua_getmetatable(L, idx)) {
        sandbox_raise(L, "param.%s: an action or a table with a metatable is not a parameter", name);
    }
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        int kt = lua_type(L, -2);
        if (kt != LUA_TSTRING && !(kt == LUA_TNUMBER && lua_isinteger(L, -2))) {
            sandbox_raise(L, "param.%s: table keys must be names or integers", name);
        }
        if (++*items > PARAMS_ITEMS) {
            sandbox_raise(L, "param.%s: more than %d values in one table", name, PARAMS_ITEMS);
        }
        params_check_value(L, -1, name, depth + 1, items);
        lua_pop(L, 1);
    }
}

/* "(did you mean 'x'?)", "(declared: a, b)" or "(this scenario declares none)" into buf. */
static void params_hint(const scen *s, const char *name, char *buf, size_t len)
{
    const char *const *names = (const char *const *)s->param_names;
    size_t n = s->nparams;
    const char *near = field_nearest(name, names, n);
    if (n == 0) {
        snprintf(buf, len, "(this scenario declares none: param { %s = ... })", name);
    } else if (near != NULL) {
        snprintf(buf, len, "(did you mean '%s'?)", near);
    } else {
        size_t used = (size_t)snprintf(buf, len, "(declared:");
        for (size_t i = 0; i < n && used < len; i++) {
            used += (size_t)snprintf(buf + used, len - used, "%s %s", i ? "," : "", names[i]);
        }
        if (used < len) {
            snprintf(buf + used, len - used, ")");
        }
    }
}

static int params_name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Replace the defaults in values (at idx) by their --set overrides, each checked alone. */
static void params_apply_sets(lua_State *L, int idx)
{
    scen *s = sandbox_scen(L);
    for (uint32_t i = 0; i < s->nsets; i++) {
        scen_set *st = &s->sets[i];
        if (strcmp(st->block, "param") != 0) {
            continue;
        }
        lua_getfield(L, idx, st->key);
        int deftype = lua_type(L, -1);
        lua_pop(L, 1);
        if (deftype == LUA_TNIL) {
            continue;               /* an unknown name: params_check_sets reports it */
        }
        st->used = 1;
        s->override = st->text;
        field_literal(L, st->value);
        if (lua_type(L, -1) != deftype) {
            sandbox_raise(L, "param.%s: expected a %s like its default, got %s", st->key,
                          lua_typename(L, deftype), luaL_typename(L, -1));
        }
        int items = 0;
        params_check_value(L, -1, st->key, 0, &items);
        s->override = NULL;
        lua_setfield(L, idx, st->key);
    }
}

/* param { name = value, ... }: called through the proxy's __call (argument 1 is the proxy). */
static int params_declare(lua_State *L)
{
    scen *s = sandbox_scen(L);
    lua_remove(L, 1);
    field_one_table(L, "param");
    if (s->param_at.line != 0) {
        sandbox_raise(L, "param: block given twice (first at line %d)", s->param_at.line);
    }
    s->param_at.line = sandbox_line(L);
    lua_newtable(L);                         /* 2: the values */
    uint32_t n = 0;
    const char *names[PARAMS_MAX];
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        size_t len = 0;
        const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tolstring(L, -2, &len) : NULL;
        if (name == NULL || !field_is_name(name, len) || len > PARAMS_NAME_MAX) {
            sandbox_raise(L, "param: names must be Lua identifiers of at most %d bytes "
                          "(param { fraction = 0.2 })", PARAMS_NAME_MAX);
        }
        if (n == PARAMS_MAX) {
            sandbox_raise(L, "param: at most %d parameters", PARAMS_MAX);
        }
        int items = 0;
        params_check_value(L, -1, name, 0, &items);
        names[n++] = name;
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_settable(L, 2);
    }
    s->param_names = sandbox_alloc(s, (n ? n : 1) * sizeof *s->param_names);
    if (s->param_names == NULL) {
        sandbox_no_memory(L);
    }
    for (uint32_t i = 0; i < n; i++) {
        s->param_names[i] = sandbox_strdup(s, names[i]);
        if (s->param_names[i] == NULL) {
            sandbox_no_memory(L);
        }
    }
    qsort(s->param_names, n, sizeof *s->param_names, params_name_cmp);
    s->nparams = n;
    lua_pushvalue(L, 1);
    s->param_file_ref = luaL_ref(L, LUA_REGISTRYINDEX);   /* the file's defaults, for check */
    params_apply_sets(L, 2);
    lua_pushvalue(L, 2);
    s->param_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

/* param.name: the value, or an error naming the nearest declared name. */
static int params_index(lua_State *L)
{
    scen *s = sandbox_scen(L);
    const char *name = lua_tostring(L, 2);
    if (s->param_ref == LUA_NOREF) {
        return sandbox_raise(L, "param.%s: no param{} block before this line (declare it first: "
                             "param { %s = ... })", name ? name : "?", name ? name : "name");
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->param_ref);
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    if (!lua_isnil(L, -1) || name == NULL) {
        return 1;
    }
    char hint[300];
    params_hint(s, name, hint, sizeof hint);
    return sandbox_raise(L, "param.%s: unknown parameter %s", name, hint);
}

static int params_newindex(lua_State *L)
{
    const char *name = lua_tostring(L, 2);
    return sandbox_raise(L, "param.%s: parameters are read-only; give a default in param{} and "
                         "override it with --set param.%s=VALUE", name ? name : "?", name ? name : "name");
}

void params_register(lua_State *L, int env)
{
    lua_newtable(L);                      /* the proxy: always empty */
    lua_newtable(L);
    lua_pushcfunction(L, params_declare);
    lua_setfield(L, -2, "__call");
    lua_pushcfunction(L, params_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, params_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "param");
    lua_setfield(L, -2, "__metatable");   /* getmetatable answers this; setmetatable refuses */
    lua_setmetatable(L, -2);
    lua_setfield(L, env, "param");
}

sim_err params_check_sets(const scen *s, char *msg, size_t len)
{
    for (uint32_t i = 0; i < s->nsets; i++) {
        if (strcmp(s->sets[i].block, "param") != 0 || s->sets[i].used) {
            continue;
        }
        char hint[300];
        params_hint(s, s->sets[i].key, hint, sizeof hint);
        snprintf(msg, len, "--set %s: no parameter '%s' in %s %s", s->sets[i].text, s->sets[i].key,
                 s->path, hint);
        return SIM_EINPUT;
    }
    return SIM_OK;
}
