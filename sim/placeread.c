/*
 * placeread.c -- the scenario loader's reader of the explicit topology:
 * `topology { kind = "explicit", nodes = {...}, edges = {...} }`.
 *
 * A place is a table {name = "Cuba", x = -79.5, y = 21.5} (the name also as
 * [1], x and y as [2] and [3]) or a bare name, a place without coordinates.
 * An edge is {"Cuba", "Haiti", distance = 80, capacity = 500}: its two ends
 * by place name as [1] and [2], distance and capacity by key or as [3] and
 * [4]. Places get node ids 0, 1, ... in list order. Each entry is checked
 * as it is read, naming it as `topology.nodes[i]` or `topology.edges[i]`:
 * unknown keys (nearest suggested), wrong types, a value given both by key
 * and by position, NaN and infinities (an explicit 0/0 is an error, never
 * "not given"). Names must be unique (places_check_names) before edge ends
 * are resolved through the places sorted by name (field_index_places,
 * field_place), so an unknown end suggests the nearest name. What needs the
 * whole lists -- x and y for every place or none, self loops, ranges,
 * repeated edges -- is checked next by topo_check (places.c), also by name.
 *
 * Memory: the arrays are arena allocations (sandbox_alloc), counted against
 * the scenario's memory limit and valid as long as the scen: per place 8
 * bytes (name pointer) + 16 (x, y) + 16 (the index by name) + the name and
 * its NUL; per edge 8 (ends) + 16 (distance, capacity). Time O(n log n +
 * m log n) string compares.
 */
#include "scen_impl.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "places.h"

/* Node ids are 32-bit and UINT32_MAX is SIM_NONE (topocsr.h's TOPO_MAX_NODES). */
#define PLACEREAD_MAX ((lua_Integer)UINT32_MAX - 1)

/*
 * Raise unless the table at idx has only keys[0..nkeys) and positions
 * 1..npos; form shows the entry's shape in the message.
 */
static void placeread_only_keys(lua_State *L, int idx, const char *ctx, const char *const *keys,
                                size_t nkeys, lua_Integer npos, const char *form)
{
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        lua_pop(L, 1);
        if (lua_isinteger(L, -1)) {
            lua_Integer k = lua_tointeger(L, -1);
            if (k < 1 || k > npos) {
                sandbox_raise(L, "%s: unexpected value at [%lld]; the form is %s", ctx,
                              (long long)k, form);
            }
            continue;
        }
        if (lua_type(L, -1) != LUA_TSTRING) {
            sandbox_raise(L, "%s: unexpected %s key; the form is %s", ctx, luaL_typename(L, -1),
                          form);
        }
        field_known_key(L, ctx, lua_tostring(L, -1), keys, nkeys);
    }
}

/* Push the value of key, or else of position pos (0: none); 1 if one is given. */
static int placeread_value(lua_State *L, int idx, const char *ctx, const char *key,
                           lua_Integer pos)
{
    lua_getfield(L, idx, key);
    if (pos > 0) {
        lua_rawgeti(L, idx, pos);
        if (!lua_isnil(L, -1) && !lua_isnil(L, -2)) {
            sandbox_raise(L, "%s.%s: given twice, by key and as [%lld]", ctx, key,
                          (long long)pos);
        }
        lua_remove(L, lua_isnil(L, -1) ? -1 : -2);
    }
    return !lua_isnil(L, -1);
}

/* The string at idx, without NUL bytes (an empty one is left to places_check_names). */
static const char *placeread_name(lua_State *L, int idx, const char *ctx, const char *what)
{
    if (lua_type(L, idx) != LUA_TSTRING) {
        sandbox_raise(L, "%s: %s must be a string, got %s", ctx, what, luaL_typename(L, idx));
    }
    size_t len;
    const char *name = lua_tolstring(L, idx, &len);
    if (strlen(name) != len) {
        sandbox_raise(L, "%s: %s contains a NUL byte", ctx, what);
    }
    return name;
}

/* An optional finite number of the entry at idx, by key or at pos; NaN when not given. */
static double placeread_number(lua_State *L, int idx, const char *ctx, const char *key,
                               lua_Integer pos)
{
    double v = NAN;
    if (placeread_value(L, idx, ctx, key, pos)) {
        v = field_number(L, lua_gettop(L), ctx, key);
    }
    lua_pop(L, 1);
    return v;
}

/* Place i (0-based) of the list: the value on top of the stack. */
static void placeread_node(lua_State *L, uint64_t i, const char **name, double *x, double *y)
{
    static const char *const keys[] = { "name", "x", "y" };
    static const char form[] = "{name = \"...\", x = , y = } or {\"...\", x, y}";
    int top = lua_gettop(L);
    char ctx[48];
    snprintf(ctx, sizeof ctx, "topology.nodes[%llu]", (unsigned long long)i + 1);
    const char *text = NULL;
    x[i] = y[i] = NAN;
    if (lua_type(L, top) == LUA_TSTRING) {
        text = placeread_name(L, top, ctx, "a name");
    } else if (lua_type(L, top) == LUA_TTABLE) {
        placeread_only_keys(L, top, ctx, keys, 3, 3, form);
        if (!placeread_value(L, top, ctx, "name", 1)) {
            sandbox_raise(L, "%s.name: required; the form is %s", ctx, form);
        }
        text = placeread_name(L, lua_gettop(L), ctx, "the name");
        x[i] = placeread_number(L, top, ctx, "x", 2);
        y[i] = placeread_number(L, top, ctx, "y", 3);
    } else {
        sandbox_raise(L, "%s: expected a place %s or a name, got %s", ctx, form,
                      luaL_typename(L, top));
    }
    name[i] = sandbox_strdup(sandbox_scen(L), text);
    if (name[i] == NULL) {
        sandbox_no_memory(L);
    }
    lua_settop(L, top);
}

/* Edge e (0-based) of the list: the value on top of the stack. */
static void placeread_edge(lua_State *L, uint64_t e, uint32_t *from, uint32_t *to,
                           double *distance, double *capacity)
{
    static const char *const keys[] = { "distance", "capacity" };
    static const char form[] = "{\"a\", \"b\", distance = , capacity = }";
    int top = lua_gettop(L);
    char ctx[48];
    snprintf(ctx, sizeof ctx, "topology.edges[%llu]", (unsigned long long)e + 1);
    if (lua_type(L, top) != LUA_TTABLE) {
        sandbox_raise(L, "%s: expected an edge %s, got %s", ctx, form, luaL_typename(L, top));
    }
    placeread_only_keys(L, top, ctx, keys, 2, 4, form);
    for (int end = 1; end <= 2; end++) {
        lua_rawgeti(L, top, end);
        if (lua_isnil(L, -1)) {
            sandbox_raise(L, "%s: an edge names its two places first; the form is %s", ctx, form);
        }
        const char *name = placeread_name(L, lua_gettop(L), ctx,
                                          end == 1 ? "its first end" : "its second end");
        (end == 1 ? from : to)[e] = field_place(L, ctx, name);
        lua_pop(L, 1);
    }
    distance[e] = placeread_number(L, top, ctx, "distance", 3);
    capacity[e] = placeread_number(L, top, ctx, "capacity", 4);
    lua_settop(L, top);
}

/* A zeroed arena array of n elements of size bytes; raises when over the memory limit. */
static void *placeread_array(lua_State *L, lua_Integer n, size_t size)
{
    void *a = (uint64_t)n <= SIZE_MAX / size ? sandbox_alloc(sandbox_scen(L), (size_t)n * size)
                                              : NULL;
    if (a == NULL) {
        sandbox_no_memory(L);
    }
    return a;
}

/* The length of the list key of the table at idx, pushed (nil: not given, length 0). */
static lua_Integer placeread_list(lua_State *L, int idx, const char *key)
{
    lua_getfield(L, idx, key);
    if (lua_isnil(L, -1)) {
        return 0;
    }
    lua_Integer n = field_list_len(L, lua_gettop(L), "topology", key);
    if (n > PLACEREAD_MAX) {
        sandbox_raise(L, "topology.%s: more than %lld entries", key, (long long)PLACEREAD_MAX);
    }
    return n;
}

void placeread_topology(lua_State *L, int idx)
{
    scen *s = sandbox_scen(L);
    topo_cfg *t = &s->cfg.topology;
    lua_Integer n = placeread_list(L, idx, "nodes");
    if (n == 0) {
        sandbox_raise(L, "topology.nodes: %s; list the places, e.g. nodes = {{name = \"Cuba\", "
                      "x = -79.5, y = 21.5}, ...}", lua_isnil(L, -1) ? "required" : "the list is empty");
    }
    int list = lua_gettop(L);
    const char **name = placeread_array(L, n, sizeof *name);
    double *x = placeread_array(L, n, sizeof *x);
    double *y = placeread_array(L, n, sizeof *y);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, list, i);
        placeread_node(L, (uint64_t)i - 1, name, x, y);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    char msg[256];
    sim_err err = places_check_names(name, (uint64_t)n, NULL, msg, sizeof msg);
    if (err == SIM_ENOMEM) {
        sandbox_no_memory(L);
    }
    if (err != SIM_OK) {
        sandbox_raise(L, "%s", msg);
    }
    t->places = (uint64_t)n;
    t->place_name = name;
    t->place_x = x;
    t->place_y = y;
    field_index_places(L);

    lua_Integer m = placeread_list(L, idx, "edges");
    list = lua_gettop(L);
    t->edges = (uint64_t)m;
    if (m > 0) {
        uint32_t *from = placeread_array(L, m, sizeof *from);
        uint32_t *to = placeread_array(L, m, sizeof *to);
        double *distance = placeread_array(L, m, sizeof *distance);
        double *capacity = placeread_array(L, m, sizeof *capacity);
        for (lua_Integer e = 1; e <= m; e++) {
            lua_rawgeti(L, list, e);
            placeread_edge(L, (uint64_t)e - 1, from, to, distance, capacity);
            lua_pop(L, 1);
        }
        t->edge_from = from;
        t->edge_to = to;
        t->edge_distance = distance;
        t->edge_capacity = capacity;
    }
    lua_pop(L, 1);
}
