/*
 * field.c -- the scenario loader's typed fields: a Lua table read against a
 * declarative sim_param table, checked before anything is kept.
 *
 * Every block (scenario, topology, links, each model) and every action is a
 * Lua table whose keys a sim_param table declares, with a type, a default, a
 * range and flags (sim.h). field_read_table checks unknown keys first (with
 * the nearest valid key suggested: the Levenshtein distance must be at most
 * max(2, a third of the word's length) and below its length), then each
 * declared key, in the parameter table's order, for its type (integer,
 * number, time in seconds, boolean, enum, string, node list, distribution,
 * integer list) and range; it fills the config struct at p->offset, with the
 * default of every key not given. Errors come out as "file:line: block.key: what is wrong",
 * through sandbox_raise. The readers follow luaL_checkinteger: look at the
 * value, convert, raise with the key's name and what was found. NaN and
 * infinities are refused wherever a number is read, and a time is checked in
 * seconds against SIM_TIME_LIMIT_S before it becomes integer nanoseconds.
 *
 * Node lists (selectors' `nodes`, gossip's `origins`) mix ids and place
 * names; a name is resolved when it is read, by binary search in the
 * explicit topology's places sorted by name (field_index_places, O(log n)
 * string compares), so the topology block must come first; an unknown name
 * suggests the nearest one (O(n) distances, on the error path only).
 *
 * --set overrides: `--set block.key=VALUE` replaces a key of the named
 * block's table before the check, so an override gets the same checks as the
 * file. The value is one Lua literal evaluated with an empty environment and
 * a small budget of its own (a bare word is a string); each overridden key is
 * read alone first, so an error in it names the --set, not the file.
 *
 * The parameter tables of the core blocks scenario{} and links{} live here
 * too (topology's are in topo.c, each model's in its own file).
 */
#include "scen_impl.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FIELD_UNBOUNDED 1e300
#define FIELD_LITERAL_INSTRUCTIONS 100000L
#define FIELD_SET_MAX 480            /* bytes of one --set value */
#define FIELD_MAX_KEYS 64            /* keys of one block, its parameters and extra ones */

/* --- The core blocks' parameters ------------------------------------------------ */

const char *const field_dist_kinds[] = {
    "constant", "uniform", "exponential", "normal", "lognormal", "pareto", NULL
};

const sim_param scenario_params[] = {
    SIM_PARAM_STR("name", scenario_cfg, name, NULL, 0,
                  "output folder name under results/ (default: the file name without .lua)"),
    SIM_PARAM_INT("seed", scenario_cfg, seed, 1, 0, 9007199254740992.0, 0,
                  "master seed of every random stream"),
    SIM_PARAM_TIME("duration", scenario_cfg, duration, 0, 0, 1e9, SIM_PF_MIN_OPEN | SIM_PF_REQUIRED,
                   "simulated seconds to run"),
    SIM_PARAM_TIME("sample_every", scenario_cfg, sample_every, 1.0, 0, 1e9, SIM_PF_MIN_OPEN,
                   "seconds between CSV rows"),
    SIM_PARAM_END
};

const sim_param links_params[] = {
    SIM_PARAM_DIST("latency", links_cfg, latency, 0.01, 0, "latency law of every message (table below)"),
    SIM_PARAM_NUM("loss", links_cfg, loss, 0.0, 0, 1, SIM_PF_LIVE, "probability that a message is lost"),
    SIM_PARAM_END
};

/* --- Suggestions ------------------------------------------------------------------- */

/* Levenshtein distance, for suggestions. */
static size_t field_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) {
        return 64;
    }
    size_t row[64];
    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            best = row[j] + 1 < best ? row[j] + 1 : best;
            best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* The nearest of names (NULL-terminated) to word, or NULL if none is close. */
const char *field_nearest(const char *word, const char *const *names, size_t count)
{
    const char *best = NULL;
    size_t best_d = 64, limit = strlen(word) / 3 > 2 ? strlen(word) / 3 : 2;
    for (size_t i = 0; i < count && names[i] != NULL; i++) {
        size_t d = field_distance(word, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    return best_d <= limit && best_d < strlen(word) ? best : NULL;
}

size_t field_param_keys(const sim_param *params, const char **out, size_t max)
{
    size_t n = 0;
    for (const sim_param *p = params; p->key != NULL && n < max; p++) {
        out[n++] = p->key;
    }
    return n;
}

const sim_param *field_find_param(const sim_param *params, const char *key)
{
    const char *dot = strchr(key, '.');
    size_t len = dot != NULL ? (size_t)(dot - key) : strlen(key);
    for (const sim_param *p = params; p->key != NULL; p++) {
        if (strlen(p->key) != len || strncmp(p->key, key, len) != 0) {
            continue;
        }
        if (dot == NULL) {
            return p;
        }
        return p->type == SIM_PT_GROUP ? field_find_param(p->fields, dot + 1) : NULL;
    }
    return NULL;
}

/* The keys of params (at most 60) and then the extra ones (NULL-terminated, may be NULL). */
static size_t field_block_keys(const sim_param *params, const char *const *extra,
                               const char *keys[FIELD_MAX_KEYS])
{
    size_t n = field_param_keys(params, keys, 60);
    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < FIELD_MAX_KEYS; i++) {
        keys[n++] = extra[i];
    }
    return n;
}

/* --- Reading values ------------------------------------------------------------------ */

/* A bound as %g, but exact for the large integers %g would round (2^53). */
static void field_fmt_bound(double v, char *buf, size_t len)
{
    snprintf(buf, len, fabs(v) >= 1e15 && v == floor(v) ? "%.0f" : "%g", v);
}

static void field_fmt_range(const sim_param *p, char *buf, size_t len)
{
    int open = (p->flags & SIM_PF_MIN_OPEN) != 0;
    char lo[40], hi[40];
    field_fmt_bound(p->min, lo, sizeof lo);
    field_fmt_bound(p->max, hi, sizeof hi);
    if (p->max >= FIELD_UNBOUNDED) {
        snprintf(buf, len, "must be %s %s", open ? ">" : ">=", lo);
    } else {
        snprintf(buf, len, "must be in %s%s, %s]", open ? "(" : "[", lo, hi);
    }
}

static void field_check_range(lua_State *L, const char *ctx, const sim_param *p, double v)
{
    int open = (p->flags & SIM_PF_MIN_OPEN) != 0;
    if ((open ? v <= p->min : v < p->min) || v > p->max || isnan(v)) {
        char r[96];
        field_fmt_range(p, r, sizeof r);
        sandbox_raise(L, "%s.%s: %s, got %g", ctx, p->key, r, v);
    }
}

/* 1 if the len bytes at name are a Lua identifier (letters, digits, _; not a digit first). */
int field_is_name(const char *name, size_t len)
{
    if (len == 0 || (name[0] >= '0' && name[0] <= '9')) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
            return 0;
        }
    }
    return 1;
}

/* A block or action function takes one table: name { ... }. */
void field_one_table(lua_State *L, const char *name)
{
    if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TTABLE) {
        sandbox_raise(L, "%s: expects one table, e.g. %s { ... }", name, name);
    }
}

/* A finite number: NaN and infinities are refused wherever a number is read. */
double field_number(lua_State *L, int idx, const char *ctx, const char *key)
{
    if (lua_type(L, idx) != LUA_TNUMBER) {
        sandbox_raise(L, "%s.%s: expected number, got %s", ctx, key, luaL_typename(L, idx));
    }
    double v = lua_tonumber(L, idx);
    if (!isfinite(v)) {
        sandbox_raise(L, "%s.%s: expected a finite number, got %s", ctx, key,
                      isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
    }
    return v;
}

/*
 * Seconds to integer nanoseconds for a time the scenario names: range
 * [0, SIM_TIME_LIMIT_S] checked before the conversion, and a positive time
 * must not round to 0 ns (every(1e-12) would never let time advance).
 */
sim_time field_time_ns(lua_State *L, const char *ctx, const char *key, double v)
{
    if (!(v >= 0 && v <= SIM_TIME_LIMIT_S)) {
        sandbox_raise(L, "%s.%s: must be in [0, %g] seconds, got %g", ctx, key, SIM_TIME_LIMIT_S,
                      v);
    }
    sim_time ns = sim_time_from_s(v);
    if (v > 0 && ns == 0) {
        sandbox_raise(L, "%s.%s: %g s is below the 1 ns resolution of simulated time", ctx, key, v);
    }
    return ns;
}

static int64_t field_integer(lua_State *L, int idx, const char *ctx, const char *key)
{
    int isnum = 0;
    lua_Integer v = lua_tointegerx(L, idx, &isnum);
    if (!isnum) {
        if (lua_type(L, idx) == LUA_TNUMBER) {
            sandbox_raise(L, "%s.%s: expected integer, got %g", ctx, key, lua_tonumber(L, idx));
        }
        sandbox_raise(L, "%s.%s: expected integer, got %s", ctx, key, luaL_typename(L, idx));
    }
    return (int64_t)v;
}

int field_enum(lua_State *L, int idx, const char *ctx, const char *key,
               const char *const *choices)
{
    if (lua_type(L, idx) != LUA_TSTRING) {
        sandbox_raise(L, "%s.%s: expected string, got %s", ctx, key, luaL_typename(L, idx));
    }
    size_t vlen;
    const char *v = lua_tolstring(L, idx, &vlen);
    if (strlen(v) != vlen) {
        sandbox_raise(L, "%s.%s: the string contains a NUL byte", ctx, key);
    }
    size_t n = 0;
    for (; choices[n] != NULL; n++) {
        if (strcmp(v, choices[n]) == 0) {
            return (int)n;
        }
    }
    char valid[256] = "";
    for (size_t i = 0; i < n; i++) {
        strncat(valid, i ? ", " : "", sizeof valid - strlen(valid) - 1);
        strncat(valid, choices[i], sizeof valid - strlen(valid) - 1);
    }
    const char *near = field_nearest(v, choices, n);
    if (near != NULL) {
        sandbox_raise(L, "%s.%s: unknown value '%s' (did you mean '%s'?); valid: %s", ctx, key, v, near, valid);
    }
    return sandbox_raise(L, "%s.%s: unknown value '%s'; valid: %s", ctx, key, v, valid);
}

/* A Lua sequence at idx as its length; raises if it is not a list. */
lua_Integer field_list_len(lua_State *L, int idx, const char *ctx, const char *key)
{
    if (lua_type(L, idx) != LUA_TTABLE) {
        sandbox_raise(L, "%s.%s: expected a list, got %s", ctx, key, luaL_typename(L, idx));
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    lua_pushnil(L);
    lua_Integer keys = 0;
    while (lua_next(L, idx) != 0) {
        keys++;
        lua_pop(L, 1);
    }
    if (keys != n) {
        sandbox_raise(L, "%s.%s: expected a list {a, b, ...}", ctx, key);
    }
    return n;
}

static int field_cmp_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : (a > b);
}

/* Sort ids and drop repeats: a node list is a set (fail { nodes = {1, 1} } fails node 1 once). */
static uint32_t field_node_set(uint32_t *ids, uint32_t n)
{
    qsort(ids, n, sizeof *ids, field_cmp_u32);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (k == 0 || ids[k - 1] != ids[i]) {
            ids[k++] = ids[i];
        }
    }
    return k;
}

/* --- Places by name ------------------------------------------------------------------ */

static int field_place_cmp(const void *pa, const void *pb)
{
    const scen_place *a = pa;
    const scen_place *b = pb;
    return strcmp(a->name, b->name);
}

void field_index_places(lua_State *L)
{
    scen *s = sandbox_scen(L);
    const topo_cfg *t = &s->cfg.topology;
    scen_place *pl = sandbox_alloc(s, sizeof *pl * (size_t)t->places);
    if (pl == NULL) {
        sandbox_no_memory(L);
    }
    for (uint64_t i = 0; i < t->places; i++) {
        pl[i] = (scen_place){ .name = t->place_name[i], .id = (uint32_t)i };
    }
    qsort(pl, (size_t)t->places, sizeof *pl, field_place_cmp);   /* names are unique */
    s->places = pl;
}

/* "name" cut at 40 bytes, for messages (sandbox_error_line escapes control bytes); returns buf. */
static const char *field_quote(const char *name, char *buf, size_t len)
{
    int cut = strnlen(name, 41) > 40;
    snprintf(buf, len, "\"%.40s%s\"", name, cut ? "..." : "");
    return buf;
}

uint32_t field_place(lua_State *L, const char *ctx, const char *name)
{
    scen *s = sandbox_scen(L);
    const topo_cfg *t = &s->cfg.topology;
    char q[48], qn[48];
    if (s->places == NULL) {
        sandbox_raise(L, "%s: %s: node names need topology{kind = \"explicit\"} before this line",
                      ctx, field_quote(name, q, sizeof q));
    }
    scen_place key = { .name = name };
    const scen_place *hit = bsearch(&key, s->places, (size_t)t->places, sizeof key,
                                    field_place_cmp);
    if (hit != NULL) {
        return hit->id;
    }
    const char *near = field_nearest(name, t->place_name, (size_t)t->places);
    field_quote(name, q, sizeof q);
    if (near != NULL) {
        sandbox_raise(L, "%s: no place named %s (did you mean %s?)", ctx, q,
                      field_quote(near, qn, sizeof qn));
    }
    return (uint32_t)sandbox_raise(L, "%s: no place named %s", ctx, q);
}

/* --- Node lists ---------------------------------------------------------------------- */

/*
 * A count of random nodes, or a list of node ids and place names mixed
 * ({"Cuba", 17}): names are resolved now, against the explicit topology
 * read before this line; the list becomes a sorted set of ids.
 */
static void field_read_nodes(lua_State *L, int idx, const char *ctx, const char *key, int fraction,
                             sim_nodeset *out)
{
    scen *s = sandbox_scen(L);
    out->fraction = 0;
    if (lua_type(L, idx) == LUA_TNUMBER && fraction) {
        double f = lua_tonumber(L, idx);
        if (!(f >= 0 && f <= 1)) {
            sandbox_raise(L, "%s.%s: a share of the nodes must be in [0, 1], got %s (or give a list)", ctx,
                          key, luaL_tolstring(L, idx, NULL));
        }
        out->count = 0;
        out->ids = NULL;
        out->fraction = f;
        return;
    }
    if (lua_type(L, idx) == LUA_TNUMBER) {
        int64_t c = field_integer(L, idx, ctx, key);
        if (c < 1 || c > 4294967294LL) {
            sandbox_raise(L, "%s.%s: a count must be >= 1, got %lld", ctx, key, (long long)c);
        }
        out->count = (uint32_t)c;
        out->ids = NULL;
        return;
    }
    lua_Integer n = field_list_len(L, idx, ctx, key);
    if (n < 1) {
        sandbox_raise(L, "%s.%s: the node list is empty", ctx, key);
    }
    uint32_t *ids = sandbox_alloc(s, sizeof *ids * (size_t)n);
    if (ids == NULL) {
        sandbox_no_memory(L);
    }
    char sub[96];
    snprintf(sub, sizeof sub, "%s.%s", ctx, key);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        if (lua_type(L, -1) == LUA_TSTRING) {
            size_t len;
            const char *name = lua_tolstring(L, -1, &len);
            if (strlen(name) != len) {
                sandbox_raise(L, "%s: a place name contains a NUL byte", sub);
            }
            ids[i - 1] = field_place(L, sub, name);
            lua_pop(L, 1);
            continue;
        }
        int isnum = 0;
        lua_Integer v = lua_tointegerx(L, -1, &isnum);
        if (!isnum || v < 0 || v > 4294967294LL) {
            sandbox_raise(L, "%s: node ids are integers >= 0, got %s (or give place names)", sub,
                          luaL_tolstring(L, -1, NULL));
        }
        ids[i - 1] = (uint32_t)v;
        lua_pop(L, 1);
    }
    out->count = field_node_set(ids, (uint32_t)n);
    out->ids = ids;
}

static void field_read_intlist(lua_State *L, int idx, const char *ctx, const sim_param *p, sim_intlist *out)
{
    scen *s = sandbox_scen(L);
    lua_Integer n = field_list_len(L, idx, ctx, p->key);
    if (n < 1) {
        sandbox_raise(L, "%s.%s: the list is empty", ctx, p->key);
    }
    int64_t *vals = sandbox_alloc(s, sizeof *vals * (size_t)n);
    if (vals == NULL) {
        sandbox_no_memory(L);
    }
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        vals[i - 1] = field_integer(L, lua_gettop(L), ctx, p->key);
        field_check_range(L, ctx, p, (double)vals[i - 1]);
        lua_pop(L, 1);
    }
    out->count = (uint32_t)n;
    out->values = vals;
}

/* Check that table idx has only the given keys; suggest the nearest one. */
void field_only_keys(lua_State *L, int idx, const char *ctx, const char *const *keys, size_t nkeys)
{
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            sandbox_raise(L, "%s: keys must be names, got a %s key", ctx, luaL_typename(L, -1));
        }
        field_known_key(L, ctx, lua_tostring(L, -1), keys, nkeys);
    }
}

void field_known_key(lua_State *L, const char *ctx, const char *key, const char *const *keys,
                     size_t nkeys)
{
    for (size_t i = 0; i < nkeys; i++) {
        if (strcmp(key, keys[i]) == 0) {
            return;
        }
    }
    const char *near = field_nearest(key, keys, nkeys);
    if (near != NULL) {
        sandbox_raise(L, "%s.%s: unknown key (did you mean '%s'?)", ctx, key, near);
    }
    sandbox_raise(L, "%s.%s: unknown key", ctx, key);
}

/* A required number field of a nested table, in (min, max] if open, else [min, max]. */
double field_required_num(lua_State *L, int idx, const char *ctx, const char *key, double min,
                          int open, double max)
{
    lua_getfield(L, idx, key);
    if (lua_isnil(L, -1)) {
        sandbox_raise(L, "%s.%s: required", ctx, key);
    }
    double v = field_number(L, -1, ctx, key);
    if ((open ? v <= min : v < min) || v > max) {
        sandbox_raise(L, "%s.%s: must be in %s%g, %g], got %g", ctx, key, open ? "(" : "[", min, max, v);
    }
    lua_pop(L, 1);
    return v;
}

static void field_read_dist(lua_State *L, int idx, const char *ctx, const char *key, sim_dist *d)
{
    char sub[96];
    snprintf(sub, sizeof sub, "%s.%s", ctx, key);
    if (lua_type(L, idx) != LUA_TTABLE) {
        sandbox_raise(L, "%s: expected a table such as {dist = \"constant\", value = 0.01}, got %s",
                      sub, luaL_typename(L, idx));
    }
    lua_getfield(L, idx, "dist");
    int has_dist = !lua_isnil(L, -1);
    int kind = has_dist ? field_enum(L, lua_gettop(L), sub, "dist", field_dist_kinds) : -1;
    lua_pop(L, 1);
    static const char *const keysets[][3] = {
        { "dist", "value", NULL }, { "dist", "min", "max" }, { "dist", "mean", NULL },
        { "dist", "mean", "sd" }, { "dist", "median", "sigma" }, { "dist", "scale", "shape" }
    };
    if (!has_dist) {
        static const char *const pd[] = { "per_distance", "base", "dist" };
        field_only_keys(L, idx, sub, pd, 3);
        d->kind = SIM_DIST_PER_DISTANCE;
        d->a = field_required_num(L, idx, sub, "per_distance", 0, 0, SIM_TIME_LIMIT_S);
        d->b = field_required_num(L, idx, sub, "base", 0, 0, SIM_TIME_LIMIT_S);
        if (d->a == 0 && d->b == 0) {
            sandbox_raise(L, "%s: latency must be > 0 (per_distance and base are both 0)", sub);
        }
        return;
    }
    field_only_keys(L, idx, sub, keysets[kind], keysets[kind][2] ? 3 : 2);
    d->kind = (sim_dist_kind)kind;
    d->b = 0;
    /*
     * Times are bounded by SIM_TIME_LIMIT_S; shape parameters only need to
     * be finite, since a draw beyond the limit is clamped (sim_time_from_s)
     * and then never delivered, as its true value would not be either.
     */
    const double T = SIM_TIME_LIMIT_S, any = 1e300;
    switch (kind) {
    case SIM_DIST_CONSTANT:
        d->a = field_required_num(L, idx, sub, "value", 0, 1, T);
        break;
    case SIM_DIST_UNIFORM:
        d->a = field_required_num(L, idx, sub, "min", 0, 0, T);
        d->b = field_required_num(L, idx, sub, "max", d->a, 1, T);
        break;
    case SIM_DIST_EXPONENTIAL:
        d->a = field_required_num(L, idx, sub, "mean", 0, 1, T);
        break;
    case SIM_DIST_NORMAL:
        d->a = field_required_num(L, idx, sub, "mean", 0, 1, T);
        d->b = field_required_num(L, idx, sub, "sd", 0, 0, T);
        break;
    case SIM_DIST_LOGNORMAL:
        d->a = field_required_num(L, idx, sub, "median", 0, 1, T);
        d->b = field_required_num(L, idx, sub, "sigma", 0, 0, 1e3);
        break;
    default:
        d->a = field_required_num(L, idx, sub, "scale", 0, 1, T);
        d->b = field_required_num(L, idx, sub, "shape", 0, 1, any);
    }
}

/* FNV-1a of a key's name, 32 bits: its law's stream is RNG_STREAM_KEYS + this. */
static uint32_t field_hash32(const char *str)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *c = (const unsigned char *)str; *c; c++) {
        h = (h ^ *c) * 16777619u;
    }
    return h;
}

/* A per-node key, before it is known how it was given. */
static void field_pernode_init(scen *s, const sim_param *p, const char *ctx, int line, sim_pernode *out)
{
    char name[96];
    snprintf(name, sizeof name, "%s.%s", ctx, p->key);
    memset(out, 0, sizeof *out);
    out->kind = SIM_PERNODE_NUMBER;
    out->value = p->def;
    out->ref = LUA_NOREF;
    out->min = p->min;
    out->max = p->max;
    out->min_open = (p->flags & SIM_PF_MIN_OPEN) != 0;
    out->name = sandbox_strdup(s, name);
    out->stream = RNG_STREAM_KEYS + field_hash32(name);
    out->file = s->path;
    out->line = line;
}

/* A table of per-node values: keys are names or ids >= 0, values numbers in range. */
static void field_check_node_table(lua_State *L, int idx, const char *ctx, const sim_param *p)
{
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        int kt = lua_type(L, -2);
        if (kt == LUA_TNUMBER) {
            lua_Integer id;
            if (!lua_isinteger(L, -2) || (id = lua_tointeger(L, -2)) < 0 || id > 4294967294LL) {
                sandbox_raise(L, "%s.%s: keys are node names or ids 0 .. n-1, got %s", ctx, p->key,
                              lua_tostring(L, -2));
            }
        } else if (kt != LUA_TSTRING) {
            sandbox_raise(L, "%s.%s: keys are node names or ids, got a %s", ctx, p->key,
                          luaL_typename(L, -2));
        }
        field_check_range(L, ctx, p, field_number(L, lua_gettop(L), ctx, p->key));
        lua_pop(L, 1);
    }
}

/*
 * A per-node key: a number, a law {dist = ...}, a table keyed by node name
 * or id, or a function of the node view. Tables and functions stay in the
 * registry until setup, when scen_node_values evaluates them per node.
 */
static void field_read_pernode(lua_State *L, int idx, const char *ctx, const sim_param *p,
                               sim_pernode *out)
{
    field_pernode_init(sandbox_scen(L), p, ctx, sandbox_line(L), out);
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        out->value = field_number(L, idx, ctx, p->key);
        field_check_range(L, ctx, p, out->value);
        return;
    case LUA_TFUNCTION:
        out->kind = SIM_PERNODE_FUNCTION;
        break;
    case LUA_TTABLE: {
        lua_getfield(L, idx, "dist");
        int law = !lua_isnil(L, -1);
        lua_pop(L, 1);
        if (law) {
            out->kind = SIM_PERNODE_DIST;
            field_read_dist(L, idx, ctx, p->key, &out->dist);
            return;
        }
        field_check_node_table(L, idx, ctx, p);
        out->kind = SIM_PERNODE_TABLE;
        break;
    }
    default:
        sandbox_raise(L, "%s.%s: per-node: expected a number, a law {dist = ...}, a table keyed by "
                      "node name or a function of the node, got %s", ctx, p->key,
                      luaL_typename(L, idx));
    }
    lua_pushvalue(L, idx);
    out->ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

#define FIELD_LIST_MAX 64            /* names in a list or a map */

static int field_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A list of distinct names: resources = {"food", "water"}. */
static void field_read_strlist(lua_State *L, int idx, const char *ctx, const sim_param *p,
                               sim_strlist *out)
{
    lua_Integer n = field_list_len(L, idx, ctx, p->key);
    if (n < 1 || n > FIELD_LIST_MAX) {
        sandbox_raise(L, "%s.%s: give 1 to %d names, got %lld", ctx, p->key, FIELD_LIST_MAX,
                      (long long)n);
    }
    scen *s = sandbox_scen(L);
    const char **names = sandbox_alloc(s, (size_t)n * sizeof *names);
    if (names == NULL) {
        sandbox_no_memory(L);
    }
    for (lua_Integer i = 0; i < n; i++) {
        lua_rawgeti(L, idx, i + 1);
        size_t len;
        const char *str = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
        if (str == NULL || !field_is_name(str, len) || len > 40) {
            sandbox_raise(L, "%s.%s[%lld]: expected a name (letters, digits, _; at most 40)",
                          ctx, p->key, (long long)i + 1);
        }
        for (lua_Integer j = 0; j < i; j++) {
            if (strcmp(names[j], str) == 0) {
                sandbox_raise(L, "%s.%s: '%s' is listed twice", ctx, p->key, str);
            }
        }
        if ((names[i] = sandbox_strdup(s, str)) == NULL) {
            sandbox_no_memory(L);
        }
        lua_pop(L, 1);
    }
    out->count = (uint32_t)n;
    out->names = names;
}

/* Per-node values keyed by name: supply = {food = 10, water = function(node) ... end}. */
static void field_read_pernode_map(lua_State *L, int idx, const char *ctx, const sim_param *p,
                                   sim_pernode_map *out)
{
    if (lua_type(L, idx) != LUA_TTABLE) {
        sandbox_raise(L, "%s.%s: expected a table keyed by name, e.g. {food = 10}, got %s", ctx,
                      p->key, luaL_typename(L, idx));
    }
    scen *s = sandbox_scen(L);
    const char *keys[FIELD_LIST_MAX];
    uint32_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        size_t len;
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tolstring(L, -2, &len) : NULL;
        if (k == NULL || !field_is_name(k, len) || len > 40) {
            sandbox_raise(L, "%s.%s: keys are names such as food, got %s", ctx, p->key,
                          k != NULL ? "a string that is not a name" : luaL_typename(L, -2));
        }
        if (n == FIELD_LIST_MAX) {
            sandbox_raise(L, "%s.%s: more than %d names", ctx, p->key, FIELD_LIST_MAX);
        }
        if ((keys[n++] = sandbox_strdup(s, k)) == NULL) {
            sandbox_no_memory(L);
        }
        lua_pop(L, 1);
    }
    qsort(keys, n, sizeof *keys, field_cmp_str);
    const char **names = sandbox_alloc(s, (n ? n : 1) * sizeof *names);
    sim_pernode *values = sandbox_alloc(s, (n ? n : 1) * sizeof *values);
    if (names == NULL || values == NULL) {
        sandbox_no_memory(L);
    }
    for (uint32_t i = 0; i < n; i++) {
        char key[96];
        snprintf(key, sizeof key, "%s.%s", p->key, keys[i]);
        sim_param entry = *p;
        entry.key = key;
        names[i] = keys[i];
        lua_getfield(L, idx, keys[i]);
        field_read_pernode(L, lua_gettop(L), ctx, &entry, &values[i]);
        lua_pop(L, 1);
    }
    out->count = n;
    out->names = names;
    out->values = values;
}

/* Store the default of p into cfg. */
static void field_default(scen *s, const sim_param *p, const char *ctx, void *cfg)
{
    char *f = (char *)cfg + p->offset;
    switch (p->type) {
    case SIM_PT_INT:
        *(int64_t *)(void *)f = (int64_t)p->def;
        break;
    case SIM_PT_NUM:
        *(double *)(void *)f = p->def;
        break;
    case SIM_PT_BOOL:
    case SIM_PT_ENUM:
        *(int *)(void *)f = (int)p->def;
        break;
    case SIM_PT_STR:
        *(const char **)(void *)f = p->def_str ? sandbox_strdup(s, p->def_str) : NULL;
        break;
    case SIM_PT_TIME:
        *(sim_time *)(void *)f = sim_time_from_s(p->def);
        break;
    case SIM_PT_NODES:
        ((sim_nodeset *)(void *)f)->count = (p->flags & SIM_PF_FRACTION) ? 0 : (uint32_t)p->def;
        ((sim_nodeset *)(void *)f)->ids = NULL;
        ((sim_nodeset *)(void *)f)->fraction = (p->flags & SIM_PF_FRACTION) ? p->def : 0;
        break;
    case SIM_PT_DIST:
        *(sim_dist *)(void *)f = (sim_dist){ .kind = SIM_DIST_CONSTANT, .a = p->def, .b = 0 };
        break;
    case SIM_PT_INTLIST:
        ((sim_intlist *)(void *)f)->count = 0;
        ((sim_intlist *)(void *)f)->values = NULL;
        break;
    case SIM_PT_PERNODE:
        field_pernode_init(s, p, ctx, 0, (sim_pernode *)(void *)f);
        break;
    case SIM_PT_GROUP:
        for (const sim_param *q = p->fields; q->key != NULL; q++) {
            field_default(s, q, ctx, cfg);
        }
        break;
    case SIM_PT_STRLIST:
        *(sim_strlist *)(void *)f = (sim_strlist){ .count = 0, .names = NULL };
        break;
    case SIM_PT_PERNODE_MAP:
        *(sim_pernode_map *)(void *)f = (sim_pernode_map){ .count = 0 };
        break;
    }
}

/* Read the value at idx for p into cfg. */
void field_read_value(lua_State *L, int idx, const char *ctx, const sim_param *p, void *cfg)
{
    char *f = (char *)cfg + p->offset;
    double v;
    switch (p->type) {
    case SIM_PT_INT: {
        int64_t i = field_integer(L, idx, ctx, p->key);
        field_check_range(L, ctx, p, (double)i);
        *(int64_t *)(void *)f = i;
        break;
    }
    case SIM_PT_NUM:
        v = field_number(L, idx, ctx, p->key);
        field_check_range(L, ctx, p, v);
        *(double *)(void *)f = v;
        break;
    case SIM_PT_TIME:
        v = field_number(L, idx, ctx, p->key);
        field_check_range(L, ctx, p, v);
        *(sim_time *)(void *)f = field_time_ns(L, ctx, p->key, v);
        break;
    case SIM_PT_BOOL:
        if (!lua_isboolean(L, idx)) {
            sandbox_raise(L, "%s.%s: expected true or false, got %s", ctx, p->key, luaL_typename(L, idx));
        }
        *(int *)(void *)f = lua_toboolean(L, idx);
        break;
    case SIM_PT_ENUM:
        *(int *)(void *)f = field_enum(L, idx, ctx, p->key, p->choices);
        break;
    case SIM_PT_STR: {
        if (lua_type(L, idx) != LUA_TSTRING) {
            sandbox_raise(L, "%s.%s: expected string, got %s", ctx, p->key, luaL_typename(L, idx));
        }
        size_t len;
        const char *str = lua_tolstring(L, idx, &len);
        if (strlen(str) != len) {
            sandbox_raise(L, "%s.%s: the string contains a NUL byte", ctx, p->key);
        }
        const char *copy = sandbox_strdup(sandbox_scen(L), str);
        if (copy == NULL) {
            sandbox_no_memory(L);
        }
        *(const char **)(void *)f = copy;
        break;
    }
    case SIM_PT_NODES:
        field_read_nodes(L, idx, ctx, p->key, (p->flags & SIM_PF_FRACTION) != 0, (sim_nodeset *)(void *)f);
        break;
    case SIM_PT_DIST:
        field_read_dist(L, idx, ctx, p->key, (sim_dist *)(void *)f);
        break;
    case SIM_PT_INTLIST:
        field_read_intlist(L, idx, ctx, p, (sim_intlist *)(void *)f);
        break;
    case SIM_PT_PERNODE:
        field_read_pernode(L, idx, ctx, p, (sim_pernode *)(void *)f);
        break;
    case SIM_PT_GROUP: {
        char sub[96];
        snprintf(sub, sizeof sub, "%s.%s", ctx, p->key);
        if (lua_type(L, idx) != LUA_TTABLE) {
            sandbox_raise(L, "%s: expected a table of keys, got %s", sub, luaL_typename(L, idx));
        }
        field_read_table(L, idx, sub, p->fields, NULL, cfg);
        break;
    }
    case SIM_PT_STRLIST:
        field_read_strlist(L, idx, ctx, p, (sim_strlist *)(void *)f);
        break;
    case SIM_PT_PERNODE_MAP:
        field_read_pernode_map(L, idx, ctx, p, (sim_pernode_map *)(void *)f);
        break;
    }
}

/*
 * Check table idx against params (plus extra keys handled by the caller),
 * fill cfg with defaults, then with the table's values.
 */
void field_read_table(lua_State *L, int idx, const char *ctx, const sim_param *params,
                      const char *const *extra, void *cfg)
{
    const char *keys[FIELD_MAX_KEYS];
    size_t n = field_block_keys(params, extra, keys);
    field_only_keys(L, idx, ctx, keys, n);
    for (const sim_param *p = params; p->key != NULL; p++) {
        field_default(sandbox_scen(L), p, ctx, cfg);
        lua_getfield(L, idx, p->key);
        if (lua_isnil(L, -1)) {
            if (p->flags & SIM_PF_REQUIRED) {
                sandbox_raise(L, "%s.%s: required", ctx, p->key);
            }
        } else {
            field_read_value(L, lua_gettop(L), ctx, p, cfg);
        }
        lua_pop(L, 1);
    }
}

/* --- --set overrides ------------------------------------------------------------------- */

/*
 * Evaluate a --set value as one Lua literal (a bare word is a string); pushes
 * it. Several values ("2,3") or none are errors, not a silent first value.
 */
void field_literal(lua_State *L, const char *value)
{
    char chunk[FIELD_SET_MAX + 8];
    if (strlen(value) > FIELD_SET_MAX) {
        sandbox_raise(L, "the value is longer than %d bytes", FIELD_SET_MAX);
    }
    snprintf(chunk, sizeof chunk, "return %s", value);
    int top = lua_gettop(L);
    scen *s = sandbox_scen(L);
    long budget = s->budget;
    s->budget = FIELD_LITERAL_INSTRUCTIONS;   /* a literal is tiny; its own small budget */
    int ok = 0, count = 1;
    if (luaL_loadbufferx(L, chunk, strlen(chunk), "=--set", "t") == LUA_OK) {
        lua_newtable(L);
        lua_setupvalue(L, -2, 1);            /* empty _ENV: no globals */
        ok = lua_pcall(L, 0, LUA_MULTRET, 0) == LUA_OK;
        count = ok ? lua_gettop(L) - top : 1;
        ok = ok && count == 1 && !lua_isnil(L, -1);
    }
    s->budget = budget;
    s->limit_msg[0] = '\0';                 /* a runaway literal is just not a literal */
    if (count != 1) {
        sandbox_raise(L, "the value is %d Lua values; give one (a list is {a, b})", count);
    }
    if (ok) {
        return;
    }
    lua_settop(L, top);
    lua_pushstring(L, value);
}

/*
 * Push the table at field group[0 .. len-1] of the table at idx (for a
 * --set of group.key), creating it when the scenario gave none.
 */
static void field_nested_slot(lua_State *L, int idx, const char *group, size_t len)
{
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), group);
    lua_getfield(L, idx, name);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, idx, name);
    } else if (lua_type(L, -1) != LUA_TTABLE) {
        sandbox_raise(L, "%s: expected a table of keys, got %s", name, luaL_typename(L, -1));
    }
}

/* Put the overrides of block into its table at idx; remember the first one's text. */
void field_apply_sets(lua_State *L, int idx, const char *block)
{
    scen *s = sandbox_scen(L);
    for (uint32_t i = 0; i < s->nsets; i++) {
        if (strcmp(s->sets[i].block, block) != 0) {
            continue;
        }
        s->sets[i].used = 1;
        s->override = s->sets[i].text;
        const char *key = s->sets[i].key, *dot = strchr(key, '.');
        if (dot != NULL) {
            field_nested_slot(L, idx, key, (size_t)(dot - key));   /* pushes the group's table */
            key = dot + 1;
        }
        int t = dot != NULL ? lua_gettop(L) : idx;
        field_literal(L, s->sets[i].value);
        s->override = NULL;
        lua_setfield(L, t, key);
        if (dot != NULL) {
            lua_pop(L, 1);
        }
    }
}

/* Which --set, if any, gave key of block: for error messages. */
const char *field_override_for(scen *s, const char *block, const char *key)
{
    for (uint32_t i = 0; i < s->nsets; i++) {
        if (strcmp(s->sets[i].block, block) == 0 && strcmp(s->sets[i].key, key) == 0) {
            return s->sets[i].text;
        }
    }
    return NULL;
}

/*
 * Read a block with overrides: each overridden key is checked alone first,
 * so an error in it names the --set that caused it.
 */
static int field_is_key(const char *key, const sim_param *params, const char *const *extra)
{
    const sim_param *p = field_find_param(params, key);
    if (p != NULL && (strchr(key, '.') == NULL || p->type != SIM_PT_GROUP)) {
        return 1;
    }
    for (size_t i = 0; extra != NULL && extra[i] != NULL; i++) {
        if (strcmp(extra[i], key) == 0) {
            return 1;
        }
    }
    return 0;
}

/* An override naming a key the block does not have: the error names the --set. */
static void field_check_set_keys(lua_State *L, const char *block, const sim_param *params,
                                 const char *const *extra)
{
    scen *s = sandbox_scen(L);
    for (uint32_t i = 0; i < s->nsets; i++) {
        if (strcmp(s->sets[i].block, block) != 0 || field_is_key(s->sets[i].key, params, extra)) {
            continue;
        }
        const char *keys[FIELD_MAX_KEYS];
        size_t n = field_block_keys(params, extra, keys);
        s->override = s->sets[i].text;
        field_known_key(L, block, s->sets[i].key, keys, n);   /* raises: not a key */
    }
}

void field_read_block(lua_State *L, int idx, const char *block, const sim_param *params,
                      const char *const *extra, void *cfg)
{
    scen *s = sandbox_scen(L);
    field_check_set_keys(L, block, params, extra);
    field_apply_sets(L, idx, block);
    for (const sim_param *p = params; p->key != NULL; p++) {
        const char *o = field_override_for(s, block, p->key);
        if (o == NULL) {
            continue;
        }
        s->override = o;
        lua_getfield(L, idx, p->key);
        field_read_value(L, lua_gettop(L), block, p, cfg);
        lua_pop(L, 1);
        s->override = NULL;
    }
    field_read_table(L, idx, block, params, extra, cfg);
}
