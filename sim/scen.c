/*
 * scen.c -- the scenario loader: a sandboxed Lua 5.4 chunk in, a sim_config out.
 *
 * The chunk runs under lua_pcall with its own _ENV: base functions that
 * cannot reach the outside, string, table and math (math.random drawn from
 * the run's seed), the block functions (scenario, topology, links, one per
 * registered model) and the timeline functions (at, every, and the action
 * constructors). Reading an unknown global is an error that suggests the
 * nearest name. A count hook bounds instructions and the allocator bounds
 * memory, so no scenario can hang or exhaust the machine. Three holes in
 * that bound are closed by wrappers: pcall/xpcall re-raise a limit instead
 * of returning it (and skip the user's xpcall handler, which Lua would run
 * with hooks off); setmetatable refuses __gc (finalizers also run with hooks
 * off); and string.find/match/gmatch/gsub refuse subject/pattern pairs whose
 * worst-case backtracking in C exceeds SCEN_PATTERN_COST steps.
 *
 * Every block table is checked against its sim_param table before anything
 * is kept: unknown keys (with the nearest valid key suggested), wrong types,
 * out-of-range values and unknown enum values are errors of the form
 * "file:line: block.key: what is wrong". --set overrides replace a key of the
 * named block's table before the check, so they get the same checks.
 *
 * Memory: luaL_error long-jumps over C frames, so every allocation made for
 * the configuration goes through scen_alloc, which records it in the scen
 * object; scen_free releases everything, whether loading succeeded or not.
 * The Lua state lives as long as the scen, because every() callbacks live in it.
 */
#define _XOPEN_SOURCE 700   /* realpath(), for the absolute topology path in run.lua */

#include "scen.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "rng.h"
#include "trace.h"

#define SCEN_MEM_LIMIT ((size_t)256 << 20)
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
/* Fuzzing builds only (scripts/fuzz.sh): the same limits, 100 times sooner. */
#define SCEN_CHUNK_INSTRUCTIONS 1000000L
#define SCEN_CALLBACK_INSTRUCTIONS 100000L
#else
#define SCEN_CHUNK_INSTRUCTIONS 100000000L
#define SCEN_CALLBACK_INSTRUCTIONS 10000000L
#endif
#define SCEN_HOOK_EVERY 1000
#define SCEN_ACTION_MT "mycosim.action"
#define SCEN_UNBOUNDED 1e300
#define SCEN_LITERAL_INSTRUCTIONS 100000L
#define SCEN_SET_MAX 480            /* bytes of one --set value */
#define SCEN_ERROR_COST 100000L     /* instructions charged per error raised from C; 1% per caught one */
#define SCEN_BYTES_PER_INSTRUCTION 16  /* bytes Lua allocates, charged as one instruction */
#define SCEN_PATTERN_COST 1e9

/* --- Core block parameters ------------------------------------------------------ */

static const char *const dist_kinds[] = {
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
    SIM_PARAM_DIST("latency", links_cfg, latency, 0, "latency law of every message (table below)"),
    SIM_PARAM_NUM("loss", links_cfg, loss, 0.0, 0, 1, SIM_PF_LIVE, "probability that a message is lost"),
    SIM_PARAM_END
};

/* Keys of the actions, read into this struct and copied into sim_action. */
typedef struct act_fields {
    double fraction;
    int64_t count;
    sim_nodeset nodes;
    int target;
    int64_t cell;
    int64_t groups;
    int by;
    int mode;
} act_fields;

static const char *const act_targets[] = { "random", "degree", "region", "cell", NULL };
static const char *const act_bys[] = { "random", "region", "cells", "halfplane", NULL };
static const char *const act_modes[] = { "drop", "queue", NULL };

static const sim_param failover_params[] = {
    SIM_PARAM_NUM("fraction", act_fields, fraction, -1, 0, 1, SIM_PF_MIN_OPEN, "fraction of the candidates"),
    SIM_PARAM_INT("count", act_fields, count, -1, 1, 4294967295.0, 0, "number of candidates"),
    SIM_PARAM_NODES("nodes", act_fields, nodes, 0, 0, "explicit node ids"),
    SIM_PARAM_ENUM("target", act_fields, target, TARGET_RANDOM, act_targets, 0, "how nodes are chosen"),
    SIM_PARAM_INT("cell", act_fields, cell, -1, 0, 4294967295.0, 0, "cell id (target = \"cell\")"),
    SIM_PARAM_END
};

static const sim_param partition_params[] = {
    SIM_PARAM_INT("groups", act_fields, groups, 2, 2, 65535, 0, "number of groups"),
    SIM_PARAM_ENUM("by", act_fields, by, PART_RANDOM, act_bys, 0, "how nodes are grouped"),
    SIM_PARAM_NODES("nodes", act_fields, nodes, 0, 0, "these nodes against the rest"),
    SIM_PARAM_ENUM("mode", act_fields, mode, PART_DROP, act_modes, 0, "drop or queue messages across"),
    SIM_PARAM_END
};


/* --- The loader object ------------------------------------------------------------ */

typedef struct scen_set {
    char block[64];
    char key[64];
    const char *text;        /* KEY=VALUE as given */
    const char *value;       /* after '=' */
    int used;
} scen_set;

typedef struct scen_loc {
    int line;                /* 0: block not given */
} scen_loc;

/* An action value in Lua: the action and its state inside a callback. */
typedef struct scen_action {
    sim_action a;
    int consumed;            /* passed to at() inside a callback */
} scen_action;

struct scen {
    lua_State *L;
    sim_config cfg;
    char *path;              /* scenario file as given */
    void **owned;            /* every allocation reachable from cfg */
    size_t nowned, capowned;
    size_t mem_used;         /* bytes held by Lua and by the configuration (scen_alloc) */
    long budget;             /* instructions left */
    scen_set *sets;
    uint32_t nsets;
    int64_t seed_override;   /* -1: none */
    int have_seed;           /* math.random may draw */
    uint64_t lua_key, lua_ctr;
    scen_loc scenario_at, topology_at, links_at;
    scen_loc *model_at;      /* per registered model */
    uint32_t captimeline, capevery, capmodels;
    int in_callback;         /* action constructors collect into pending */
    int pending_ref;         /* Lua table of actions made in this callback */
    int made_ref;            /* Lua table of actions made by the chunk: each must reach at() */
    const scen_hooks *hooks;
    sim_time now;            /* callback time */
    sim_err hook_err;        /* error returned by a hook */
    const char *override;    /* "--set k=v" being read, for messages */
    char limit_msg[320];     /* set when the instruction limit was hit: the final message */
    int out_of_memory;       /* the memory limit was hit (even if a pcall caught it) */
};

static scen *scen_of(lua_State *L)
{
    scen *s;
    lua_getallocf(L, (void **)&s);
    return s;
}

/*
 * Memory for the configuration counts against the same limit as Lua's own
 * (a loop of at() calls would otherwise grow the timeline without bound).
 * NULL when over the limit or out of memory; callers raise.
 */
static void *scen_alloc(scen *s, size_t size)
{
    if (size > SCEN_MEM_LIMIT || s->mem_used + size > SCEN_MEM_LIMIT) {
        s->out_of_memory = 1;
        return NULL;
    }
    if (s->nowned == s->capowned) {
        size_t cap = s->capowned ? s->capowned * 2 : 64;
        void **o = realloc(s->owned, cap * sizeof *o);
        if (o == NULL) {
            return NULL;
        }
        s->owned = o;
        s->capowned = cap;
    }
    void *p = calloc(1, size ? size : 1);
    if (p != NULL) {
        s->owned[s->nowned++] = p;
        s->mem_used += size;
    }
    return p;
}

/* Grow an owned array: the old block stays owned (freed at scen_free). */
static void *scen_grow(scen *s, void *old, size_t used_bytes, size_t new_bytes)
{
    void *p = scen_alloc(s, new_bytes);
    if (p != NULL && old != NULL) {
        memcpy(p, old, used_bytes);
    }
    return p;
}

/* Append a zeroed slot to an owned array of elem-byte items; raises on out of memory. */
static void *scen_push_slot(lua_State *L, void *arrp, uint32_t *len, uint32_t *cap, size_t elem)
{
    void **arr = arrp;
    if (*len == *cap) {
        uint32_t ncap = *cap ? *cap * 2 : 8;
        void *grown = scen_grow(scen_of(L), *arr, elem * *len, elem * ncap);
        if (grown == NULL) {
            luaL_error(L, "out of memory");
        }
        *arr = grown;
        *cap = ncap;
    }
    return (char *)*arr + elem * (*len)++;
}

static char *scen_strdup(scen *s, const char *str)
{
    size_t n = strlen(str) + 1;
    char *p = scen_alloc(s, n);
    if (p != NULL) {
        memcpy(p, str, n);
    }
    return p;
}

/* --- Errors ------------------------------------------------------------------------ */

/* Line of the Lua code that called the running C function. */
static int scen_line(lua_State *L)
{
    lua_Debug ar;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar)) {
        return ar.currentline;
    }
    return 0;
}

/* The first len bytes of str, in a static buffer (for messages). */
static const char *scen_prefix(const char *str, size_t len)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), str);
    return buf;
}

/*
 * Raise "file:line: message" (or "--set k=v: message"). Never returns.
 * Each raise is charged SCEN_ERROR_COST instructions: the C work behind an
 * error (formatting, suggesting the nearest name) is invisible to the count
 * hook, and a pcall loop that provokes errors must still hit the limit.
 */
static int scen_raise(lua_State *L, const char *fmt, ...)
{
    scen *s = scen_of(L);
    s->budget -= SCEN_ERROR_COST;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (s->override != NULL && strlen(s->override) > 80) {
        lua_pushfstring(L, "--set %s...: %s", scen_prefix(s->override, 72), msg);
    } else if (s->override != NULL) {
        lua_pushfstring(L, "--set %s: %s", s->override, msg);
    } else {
        lua_pushfstring(L, "%s:%d: %s", s->path, scen_line(L), msg);
    }
    return lua_error(L);
}

static void scen_no_memory(lua_State *L)
{
    luaL_error(L, "out of memory");
}

/* Levenshtein distance, for suggestions. */
static size_t scen_distance(const char *a, const char *b)
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
static const char *scen_nearest(const char *word, const char *const *names, size_t count)
{
    const char *best = NULL;
    size_t best_d = 64, limit = strlen(word) / 3 > 2 ? strlen(word) / 3 : 2;
    for (size_t i = 0; i < count && names[i] != NULL; i++) {
        size_t d = scen_distance(word, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    return best_d <= limit && best_d < strlen(word) ? best : NULL;
}

static size_t scen_param_keys(const sim_param *params, const char **out, size_t max)
{
    size_t n = 0;
    for (const sim_param *p = params; p->key != NULL && n < max; p++) {
        out[n++] = p->key;
    }
    return n;
}

/* --- Reading values ------------------------------------------------------------------ */

/* A bound as %g, but exact for the large integers %g would round (2^53). */
static void scen_fmt_bound(double v, char *buf, size_t len)
{
    snprintf(buf, len, fabs(v) >= 1e15 && v == floor(v) ? "%.0f" : "%g", v);
}

static void scen_fmt_range(const sim_param *p, char *buf, size_t len)
{
    int open = (p->flags & SIM_PF_MIN_OPEN) != 0;
    char lo[40], hi[40];
    scen_fmt_bound(p->min, lo, sizeof lo);
    scen_fmt_bound(p->max, hi, sizeof hi);
    if (p->max >= SCEN_UNBOUNDED) {
        snprintf(buf, len, "must be %s %s", open ? ">" : ">=", lo);
    } else {
        snprintf(buf, len, "must be in %s%s, %s]", open ? "(" : "[", lo, hi);
    }
}

static void scen_check_range(lua_State *L, const char *ctx, const sim_param *p, double v)
{
    int open = (p->flags & SIM_PF_MIN_OPEN) != 0;
    if ((open ? v <= p->min : v < p->min) || v > p->max || isnan(v)) {
        char r[96];
        scen_fmt_range(p, r, sizeof r);
        scen_raise(L, "%s.%s: %s, got %g", ctx, p->key, r, v);
    }
}

/* A finite number: NaN and infinities are refused wherever a number is read. */
static double scen_number(lua_State *L, int idx, const char *ctx, const char *key)
{
    if (lua_type(L, idx) != LUA_TNUMBER) {
        scen_raise(L, "%s.%s: expected number, got %s", ctx, key, luaL_typename(L, idx));
    }
    double v = lua_tonumber(L, idx);
    if (!isfinite(v)) {
        scen_raise(L, "%s.%s: expected a finite number, got %s", ctx, key,
                   isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
    }
    return v;
}

/*
 * Seconds to integer nanoseconds for a time the scenario names: range
 * [0, SIM_TIME_LIMIT_S] checked before the conversion, and a positive time
 * must not round to 0 ns (every(1e-12) would never let time advance).
 */
static sim_time scen_time_ns(lua_State *L, const char *ctx, const char *key, double v)
{
    if (!(v >= 0 && v <= SIM_TIME_LIMIT_S)) {
        scen_raise(L, "%s.%s: must be in [0, %g] seconds, got %g", ctx, key, SIM_TIME_LIMIT_S, v);
    }
    sim_time ns = sim_time_from_s(v);
    if (v > 0 && ns == 0) {
        scen_raise(L, "%s.%s: %g s is below the 1 ns resolution of simulated time", ctx, key, v);
    }
    return ns;
}

static int64_t scen_integer(lua_State *L, int idx, const char *ctx, const char *key)
{
    int isnum = 0;
    lua_Integer v = lua_tointegerx(L, idx, &isnum);
    if (!isnum) {
        if (lua_type(L, idx) == LUA_TNUMBER) {
            scen_raise(L, "%s.%s: expected integer, got %g", ctx, key, lua_tonumber(L, idx));
        }
        scen_raise(L, "%s.%s: expected integer, got %s", ctx, key, luaL_typename(L, idx));
    }
    return (int64_t)v;
}

static int scen_enum(lua_State *L, int idx, const char *ctx, const char *key,
                     const char *const *choices)
{
    if (lua_type(L, idx) != LUA_TSTRING) {
        scen_raise(L, "%s.%s: expected string, got %s", ctx, key, luaL_typename(L, idx));
    }
    size_t vlen;
    const char *v = lua_tolstring(L, idx, &vlen);
    if (strlen(v) != vlen) {
        scen_raise(L, "%s.%s: the string contains a NUL byte", ctx, key);
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
    const char *near = scen_nearest(v, choices, n);
    if (near != NULL) {
        scen_raise(L, "%s.%s: unknown value '%s' (did you mean '%s'?); valid: %s", ctx, key, v, near, valid);
    }
    return scen_raise(L, "%s.%s: unknown value '%s'; valid: %s", ctx, key, v, valid);
}

/* A Lua sequence at idx as its length; raises if it is not a list. */
static lua_Integer scen_list_len(lua_State *L, int idx, const char *ctx, const char *key)
{
    if (lua_type(L, idx) != LUA_TTABLE) {
        scen_raise(L, "%s.%s: expected a list, got %s", ctx, key, luaL_typename(L, idx));
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    lua_pushnil(L);
    lua_Integer keys = 0;
    while (lua_next(L, idx) != 0) {
        keys++;
        lua_pop(L, 1);
    }
    if (keys != n) {
        scen_raise(L, "%s.%s: expected a list {a, b, ...}", ctx, key);
    }
    return n;
}

static int scen_cmp_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : (a > b);
}

/* Sort ids and drop repeats: a node list is a set (fail { nodes = {1, 1} } fails node 1 once). */
static uint32_t scen_node_set(uint32_t *ids, uint32_t n)
{
    qsort(ids, n, sizeof *ids, scen_cmp_u32);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (k == 0 || ids[k - 1] != ids[i]) {
            ids[k++] = ids[i];
        }
    }
    return k;
}

static void scen_read_nodes(lua_State *L, int idx, const char *ctx, const char *key, sim_nodeset *out)
{
    scen *s = scen_of(L);
    if (lua_type(L, idx) == LUA_TNUMBER) {
        int64_t c = scen_integer(L, idx, ctx, key);
        if (c < 1 || c > 4294967294LL) {
            scen_raise(L, "%s.%s: a count must be >= 1, got %lld", ctx, key, (long long)c);
        }
        out->count = (uint32_t)c;
        out->ids = NULL;
        return;
    }
    lua_Integer n = scen_list_len(L, idx, ctx, key);
    if (n < 1) {
        scen_raise(L, "%s.%s: the node list is empty", ctx, key);
    }
    uint32_t *ids = scen_alloc(s, sizeof *ids * (size_t)n);
    if (ids == NULL) {
        scen_no_memory(L);
    }
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        int isnum = 0;
        lua_Integer v = lua_tointegerx(L, -1, &isnum);
        if (!isnum || v < 0 || v > 4294967294LL) {
            scen_raise(L, "%s.%s: node ids are integers >= 0, got %s", ctx, key, luaL_tolstring(L, -1, NULL));
        }
        ids[i - 1] = (uint32_t)v;
        lua_pop(L, 1);
    }
    out->count = scen_node_set(ids, (uint32_t)n);
    out->ids = ids;
}

static void scen_read_intlist(lua_State *L, int idx, const char *ctx, const sim_param *p, sim_intlist *out)
{
    scen *s = scen_of(L);
    lua_Integer n = scen_list_len(L, idx, ctx, p->key);
    if (n < 1) {
        scen_raise(L, "%s.%s: the list is empty", ctx, p->key);
    }
    int64_t *vals = scen_alloc(s, sizeof *vals * (size_t)n);
    if (vals == NULL) {
        scen_no_memory(L);
    }
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        vals[i - 1] = scen_integer(L, lua_gettop(L), ctx, p->key);
        scen_check_range(L, ctx, p, (double)vals[i - 1]);
        lua_pop(L, 1);
    }
    out->count = (uint32_t)n;
    out->values = vals;
}

/* Check that table idx has only the given keys; suggest the nearest one. */
static void scen_only_keys(lua_State *L, int idx, const char *ctx, const char *const *keys, size_t nkeys)
{
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            scen_raise(L, "%s: keys must be names, got a %s key", ctx, luaL_typename(L, -1));
        }
        const char *k = lua_tostring(L, -1);
        size_t i = 0;
        while (i < nkeys && strcmp(k, keys[i]) != 0) {
            i++;
        }
        if (i == nkeys) {
            const char *near = scen_nearest(k, keys, nkeys);
            if (near != NULL) {
                scen_raise(L, "%s.%s: unknown key (did you mean '%s'?)", ctx, k, near);
            }
            scen_raise(L, "%s.%s: unknown key", ctx, k);
        }
    }
}

/* A required number field of a nested table, in (min, max] if open, else [min, max]. */
static double scen_field_num(lua_State *L, int idx, const char *ctx, const char *key, double min,
                             int open, double max)
{
    lua_getfield(L, idx, key);
    if (lua_isnil(L, -1)) {
        scen_raise(L, "%s.%s: required", ctx, key);
    }
    double v = scen_number(L, -1, ctx, key);
    if ((open ? v <= min : v < min) || v > max) {
        scen_raise(L, "%s.%s: must be in %s%g, %g], got %g", ctx, key, open ? "(" : "[", min, max, v);
    }
    lua_pop(L, 1);
    return v;
}

static void scen_read_dist(lua_State *L, int idx, const char *ctx, const char *key, sim_dist *d)
{
    char sub[96];
    snprintf(sub, sizeof sub, "%s.%s", ctx, key);
    if (lua_type(L, idx) != LUA_TTABLE) {
        scen_raise(L, "%s: expected a table such as {dist = \"constant\", value = 0.01}, got %s",
                   sub, luaL_typename(L, idx));
    }
    lua_getfield(L, idx, "dist");
    int has_dist = !lua_isnil(L, -1);
    int kind = has_dist ? scen_enum(L, lua_gettop(L), sub, "dist", dist_kinds) : -1;
    lua_pop(L, 1);
    static const char *const keysets[][3] = {
        { "dist", "value", NULL }, { "dist", "min", "max" }, { "dist", "mean", NULL },
        { "dist", "mean", "sd" }, { "dist", "median", "sigma" }, { "dist", "scale", "shape" }
    };
    if (!has_dist) {
        static const char *const pd[] = { "per_distance", "base", "dist" };
        scen_only_keys(L, idx, sub, pd, 3);
        d->kind = SIM_DIST_PER_DISTANCE;
        d->a = scen_field_num(L, idx, sub, "per_distance", 0, 0, SIM_TIME_LIMIT_S);
        d->b = scen_field_num(L, idx, sub, "base", 0, 0, SIM_TIME_LIMIT_S);
        if (d->a == 0 && d->b == 0) {
            scen_raise(L, "%s: latency must be > 0 (per_distance and base are both 0)", sub);
        }
        return;
    }
    scen_only_keys(L, idx, sub, keysets[kind], keysets[kind][2] ? 3 : 2);
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
        d->a = scen_field_num(L, idx, sub, "value", 0, 1, T);
        break;
    case SIM_DIST_UNIFORM:
        d->a = scen_field_num(L, idx, sub, "min", 0, 0, T);
        d->b = scen_field_num(L, idx, sub, "max", d->a, 1, T);
        break;
    case SIM_DIST_EXPONENTIAL:
        d->a = scen_field_num(L, idx, sub, "mean", 0, 1, T);
        break;
    case SIM_DIST_NORMAL:
        d->a = scen_field_num(L, idx, sub, "mean", 0, 1, T);
        d->b = scen_field_num(L, idx, sub, "sd", 0, 0, T);
        break;
    case SIM_DIST_LOGNORMAL:
        d->a = scen_field_num(L, idx, sub, "median", 0, 1, T);
        d->b = scen_field_num(L, idx, sub, "sigma", 0, 0, 1e3);
        break;
    default:
        d->a = scen_field_num(L, idx, sub, "scale", 0, 1, T);
        d->b = scen_field_num(L, idx, sub, "shape", 0, 1, any);
    }
}

/* Store the default of p into cfg. */
static void scen_default(scen *s, const sim_param *p, void *cfg)
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
        *(const char **)(void *)f = p->def_str ? scen_strdup(s, p->def_str) : NULL;
        break;
    case SIM_PT_TIME:
        *(sim_time *)(void *)f = sim_time_from_s(p->def);
        break;
    case SIM_PT_NODES:
        ((sim_nodeset *)(void *)f)->count = (uint32_t)p->def;
        ((sim_nodeset *)(void *)f)->ids = NULL;
        break;
    case SIM_PT_DIST:
        *(sim_dist *)(void *)f = (sim_dist){ .kind = SIM_DIST_CONSTANT, .a = 0.01, .b = 0 };
        break;
    case SIM_PT_INTLIST:
        ((sim_intlist *)(void *)f)->count = 0;
        ((sim_intlist *)(void *)f)->values = NULL;
        break;
    }
}

/* Read the value at idx for p into cfg. */
static void scen_read_value(lua_State *L, int idx, const char *ctx, const sim_param *p, void *cfg)
{
    char *f = (char *)cfg + p->offset;
    double v;
    switch (p->type) {
    case SIM_PT_INT: {
        int64_t i = scen_integer(L, idx, ctx, p->key);
        scen_check_range(L, ctx, p, (double)i);
        *(int64_t *)(void *)f = i;
        break;
    }
    case SIM_PT_NUM:
        v = scen_number(L, idx, ctx, p->key);
        scen_check_range(L, ctx, p, v);
        *(double *)(void *)f = v;
        break;
    case SIM_PT_TIME:
        v = scen_number(L, idx, ctx, p->key);
        scen_check_range(L, ctx, p, v);
        *(sim_time *)(void *)f = scen_time_ns(L, ctx, p->key, v);
        break;
    case SIM_PT_BOOL:
        if (!lua_isboolean(L, idx)) {
            scen_raise(L, "%s.%s: expected true or false, got %s", ctx, p->key, luaL_typename(L, idx));
        }
        *(int *)(void *)f = lua_toboolean(L, idx);
        break;
    case SIM_PT_ENUM:
        *(int *)(void *)f = scen_enum(L, idx, ctx, p->key, p->choices);
        break;
    case SIM_PT_STR: {
        if (lua_type(L, idx) != LUA_TSTRING) {
            scen_raise(L, "%s.%s: expected string, got %s", ctx, p->key, luaL_typename(L, idx));
        }
        size_t len;
        const char *str = lua_tolstring(L, idx, &len);
        if (strlen(str) != len) {
            scen_raise(L, "%s.%s: the string contains a NUL byte", ctx, p->key);
        }
        const char *copy = scen_strdup(scen_of(L), str);
        if (copy == NULL) {
            scen_no_memory(L);
        }
        *(const char **)(void *)f = copy;
        break;
    }
    case SIM_PT_NODES:
        scen_read_nodes(L, idx, ctx, p->key, (sim_nodeset *)(void *)f);
        break;
    case SIM_PT_DIST:
        scen_read_dist(L, idx, ctx, p->key, (sim_dist *)(void *)f);
        break;
    case SIM_PT_INTLIST:
        scen_read_intlist(L, idx, ctx, p, (sim_intlist *)(void *)f);
        break;
    }
}

/*
 * Check table idx against params (plus extra keys handled by the caller),
 * fill cfg with defaults, then with the table's values.
 */
static void scen_read_table(lua_State *L, int idx, const char *ctx, const sim_param *params,
                            const char *const *extra, void *cfg)
{
    const char *keys[64];
    size_t n = scen_param_keys(params, keys, 60);
    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 64; i++) {
        keys[n++] = extra[i];
    }
    scen_only_keys(L, idx, ctx, keys, n);
    for (const sim_param *p = params; p->key != NULL; p++) {
        scen_default(scen_of(L), p, cfg);
        lua_getfield(L, idx, p->key);
        if (lua_isnil(L, -1)) {
            if (p->flags & SIM_PF_REQUIRED) {
                scen_raise(L, "%s.%s: required", ctx, p->key);
            }
        } else {
            scen_read_value(L, lua_gettop(L), ctx, p, cfg);
        }
        lua_pop(L, 1);
    }
}

/* --- --set overrides ------------------------------------------------------------------- */

/*
 * Evaluate a --set value as one Lua literal (a bare word is a string); pushes
 * it. Several values ("2,3") or none are errors, not a silent first value.
 */
static void scen_push_literal(lua_State *L, const char *value)
{
    char chunk[SCEN_SET_MAX + 8];
    if (strlen(value) > SCEN_SET_MAX) {
        scen_raise(L, "the value is longer than %d bytes", SCEN_SET_MAX);
    }
    snprintf(chunk, sizeof chunk, "return %s", value);
    int top = lua_gettop(L);
    scen *s = scen_of(L);
    long budget = s->budget;
    s->budget = SCEN_LITERAL_INSTRUCTIONS;   /* a literal is tiny; its own small budget */
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
        scen_raise(L, "the value is %d Lua values; give one (a list is {a, b})", count);
    }
    if (ok) {
        return;
    }
    lua_settop(L, top);
    lua_pushstring(L, value);
}

/* Put the overrides of block into its table at idx; remember the first one's text. */
static void scen_apply_sets(lua_State *L, int idx, const char *block)
{
    scen *s = scen_of(L);
    for (uint32_t i = 0; i < s->nsets; i++) {
        if (strcmp(s->sets[i].block, block) != 0) {
            continue;
        }
        s->sets[i].used = 1;
        s->override = s->sets[i].text;
        scen_push_literal(L, s->sets[i].value);
        s->override = NULL;
        lua_setfield(L, idx, s->sets[i].key);
    }
}

/* Which --set, if any, gave key of block: for error messages. */
static const char *scen_override_for(scen *s, const char *block, const char *key)
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
static int scen_is_key(const char *key, const sim_param *params, const char *const *extra)
{
    for (const sim_param *p = params; p->key != NULL; p++) {
        if (strcmp(p->key, key) == 0) {
            return 1;
        }
    }
    for (size_t i = 0; extra != NULL && extra[i] != NULL; i++) {
        if (strcmp(extra[i], key) == 0) {
            return 1;
        }
    }
    return 0;
}

/* An override naming a key the block does not have: the error names the --set. */
static void scen_check_set_keys(lua_State *L, const char *block, const sim_param *params,
                                const char *const *extra)
{
    scen *s = scen_of(L);
    for (uint32_t i = 0; i < s->nsets; i++) {
        if (strcmp(s->sets[i].block, block) != 0 || scen_is_key(s->sets[i].key, params, extra)) {
            continue;
        }
        const char *keys[64];
        size_t n = scen_param_keys(params, keys, 60);
        for (size_t j = 0; extra != NULL && extra[j] != NULL && n < 64; j++) {
            keys[n++] = extra[j];
        }
        const char *near = scen_nearest(s->sets[i].key, keys, n);
        s->override = s->sets[i].text;
        if (near != NULL) {
            scen_raise(L, "%s.%s: unknown key (did you mean '%s'?)", block, s->sets[i].key, near);
        }
        scen_raise(L, "%s.%s: unknown key", block, s->sets[i].key);
    }
}

static void scen_read_block(lua_State *L, int idx, const char *block, const sim_param *params,
                            const char *const *extra, void *cfg)
{
    scen *s = scen_of(L);
    scen_check_set_keys(L, block, params, extra);
    scen_apply_sets(L, idx, block);
    for (const sim_param *p = params; p->key != NULL; p++) {
        const char *o = scen_override_for(s, block, p->key);
        if (o == NULL) {
            continue;
        }
        s->override = o;
        lua_getfield(L, idx, p->key);
        scen_read_value(L, lua_gettop(L), block, p, cfg);
        lua_pop(L, 1);
        s->override = NULL;
    }
    scen_read_table(L, idx, block, params, extra, cfg);
}

/* --- Blocks ----------------------------------------------------------------------------- */

static void scen_block_table(lua_State *L, const char *block)
{
    if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TTABLE) {
        scen_raise(L, "%s: expects one table, e.g. %s { ... }", block, block);
    }
}

static void scen_once(lua_State *L, scen_loc *loc, const char *block)
{
    if (loc->line != 0) {
        scen_raise(L, "%s: block given twice (first at line %d)", block, loc->line);
    }
    loc->line = scen_line(L);
}

static void scen_seed_lua(scen *s, int64_t seed)
{
    s->lua_key = rng_key((uint64_t)seed, RNG_STREAM_LUA);
    s->have_seed = 1;
}

static const char *scen_basename(scen *s, const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    char *name = scen_strdup(s, b);
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
    scen *s = scen_of(L);
    scen_block_table(L, "scenario");
    scen_once(L, &s->scenario_at, "scenario");
    scen_read_block(L, 1, "scenario", scenario_params, NULL, &s->cfg.scenario);
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
        scen_raise(L, "scenario.name: must be a plain folder name (not empty, at most 200 bytes, "
                   "no '/', no leading '.', no control characters), got %s%.40s%s",
                   control ? "a name with control characters" : "'", control ? "" : name,
                   control ? "" : len > 40 ? "...'" : "'");
    }
    if (s->seed_override < 0) {
        scen_seed_lua(s, s->cfg.scenario.seed);
    }
    return 0;
}

static int scen_block_topology(lua_State *L)
{
    scen *s = scen_of(L);
    scen_block_table(L, "topology");
    scen_once(L, &s->topology_at, "topology");
    scen_apply_sets(L, 1, "topology");
    lua_getfield(L, 1, "kind");
    if (lua_isnil(L, -1)) {
        scen_raise(L, "topology.kind: required (one of: complete, erdos_renyi, barabasi_albert, "
                   "watts_strogatz, geometric, lattice, ring, cells, file)");
    }
    s->override = scen_override_for(s, "topology", "kind");
    int kind = scen_enum(L, lua_gettop(L), "topology", "kind", topo_kinds);
    s->override = NULL;
    lua_pop(L, 1);
    static const char *const extra[] = { "kind", NULL };
    memset(&s->cfg.topology, 0, sizeof s->cfg.topology);
    scen_read_block(L, 1, "topology", topo_params(kind), extra, &s->cfg.topology);
    s->cfg.topology.kind = kind;
    char msg[256];
    if (topo_check(&s->cfg.topology, msg, sizeof msg) != SIM_OK) {
        scen_raise(L, "%s", msg);
    }
    return 0;
}

static int scen_block_links(lua_State *L)
{
    scen *s = scen_of(L);
    scen_block_table(L, "links");
    scen_once(L, &s->links_at, "links");
    scen_read_block(L, 1, "links", links_params, NULL, &s->cfg.links);
    return 0;
}

static int scen_block_model(lua_State *L)
{
    scen *s = scen_of(L);
    int m = (int)lua_tointeger(L, lua_upvalueindex(1));
    const sim_model *model = sim_models[m];
    scen_block_table(L, model->name);
    scen_once(L, &s->model_at[m], model->name);
    void *cfg = scen_alloc(s, model->cfg_size);
    if (cfg == NULL) {
        scen_no_memory(L);
    }
    scen_read_block(L, 1, model->name, model->params, NULL, cfg);
    char msg[256];
    if (model->check != NULL && model->check(cfg, msg, sizeof msg) != SIM_OK) {
        scen_raise(L, "%s", msg);
    }
    model_block *mb = scen_push_slot(L, &s->cfg.models, &s->cfg.nmodels, &s->capmodels, sizeof *mb);
    *mb = (model_block){ .model = model, .cfg = cfg, .file = s->path, .line = scen_line(L) };
    return 0;
}

/* --- Actions ------------------------------------------------------------------------------ */

static scen_action *scen_new_action(lua_State *L, act_kind kind)
{
    scen *s = scen_of(L);
    scen_action *sa = lua_newuserdatauv(L, sizeof *sa, 0);
    memset(sa, 0, sizeof *sa);
    sa->a.kind = kind;
    sa->a.file = s->path;
    sa->a.line = scen_line(L);
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
static void scen_track_pending(lua_State *L)
{
    scen *s = scen_of(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->in_callback ? s->pending_ref : s->made_ref);
    lua_pushvalue(L, -2);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    lua_pop(L, 1);
}

static void scen_read_region(lua_State *L, int idx, const char *ctx, sim_action *a)
{
    lua_getfield(L, idx, "region");
    int r = lua_gettop(L);
    if (lua_type(L, r) != LUA_TTABLE) {
        scen_raise(L, "%s.region: expected {x = , y = , r = }, got %s", ctx, luaL_typename(L, r));
    }
    char sub[64];
    snprintf(sub, sizeof sub, "%s.region", ctx);
    if (lua_rawlen(L, r) == 3) {
        double v[3];
        for (int i = 0; i < 3; i++) {
            lua_rawgeti(L, r, i + 1);
            v[i] = scen_number(L, -1, sub, i == 0 ? "x" : i == 1 ? "y" : "r");
            lua_pop(L, 1);
        }
        a->rx = v[0];
        a->ry = v[1];
        a->rr = v[2];
    } else {
        static const char *const keys[] = { "x", "y", "r" };
        scen_only_keys(L, r, sub, keys, 3);
        a->rx = scen_field_num(L, r, sub, "x", -1e9, 0, 1e9);
        a->ry = scen_field_num(L, r, sub, "y", -1e9, 0, 1e9);
        a->rr = scen_field_num(L, r, sub, "r", 0, 1, 1e9);
    }
    if (!(a->rr > 0 && a->rr <= 1e9) || fabs(a->rx) > 1e9 || fabs(a->ry) > 1e9) {
        scen_raise(L, "%s.region: x and y must be in [-1e9, 1e9] and r in (0, 1e9], got {%g, %g, %g}",
                   ctx, a->rx, a->ry, a->rr);
    }
    lua_pop(L, 1);
}

static int scen_action_failover(lua_State *L, act_kind kind)
{
    const char *ctx = kind == ACT_FAIL ? "fail" : "recover";
    scen_block_table(L, ctx);
    act_fields f;
    static const char *const extra[] = { "region", NULL };
    scen_read_table(L, 1, ctx, failover_params, extra, &f);
    int given = (f.fraction >= 0) + (f.count >= 0) + (f.nodes.count > 0);
    if (given > 1) {
        scen_raise(L, "%s: give only one of fraction, count, nodes", ctx);
    }
    lua_getfield(L, 1, "region");
    int has_region = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (f.target == TARGET_REGION && !has_region) {
        scen_raise(L, "%s.region: required with target = \"region\" (region = {x = , y = , r = })", ctx);
    }
    if (has_region && f.target != TARGET_REGION) {
        scen_raise(L, "%s.region: only with target = \"region\"", ctx);
    }
    if (f.target == TARGET_CELL && f.cell < 0) {
        scen_raise(L, "%s.cell: required with target = \"cell\"", ctx);
    }
    if (f.cell >= 0 && f.target != TARGET_CELL) {
        scen_raise(L, "%s.cell: only with target = \"cell\"", ctx);
    }
    if (f.nodes.count > 0 && f.target != TARGET_RANDOM) {
        scen_raise(L, "%s.nodes: cannot be combined with target", ctx);
    }
    if (f.nodes.count > 0 && f.nodes.ids == NULL) {
        scen_raise(L, "%s.nodes: expected a list of node ids (use count for a number)", ctx);
    }
    if (given == 0 && (f.target == TARGET_RANDOM || f.target == TARGET_DEGREE)) {
        scen_raise(L, "%s: say how many: fraction, count or nodes", ctx);
    }
    scen_action *sa = scen_new_action(L, kind);
    sa->a.fraction = f.fraction;
    sa->a.count = f.count;
    sa->a.nodes = f.nodes;
    sa->a.target = f.target;
    sa->a.cell = f.cell;
    if (has_region) {
        scen_read_region(L, 1, ctx, &sa->a);
    }
    scen_track_pending(L);
    return 1;
}

static int scen_action_fail(lua_State *L)
{
    return scen_action_failover(L, ACT_FAIL);
}

static int scen_action_recover(lua_State *L)
{
    return scen_action_failover(L, ACT_RECOVER);
}

static int scen_action_partition(lua_State *L)
{
    scen_block_table(L, "partition");
    act_fields f;
    static const char *const extra[] = { "region", NULL };
    scen_read_table(L, 1, "partition", partition_params, extra, &f);
    lua_getfield(L, 1, "region");
    int has_region = !lua_isnil(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, 1, "by");
    int has_by = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (f.nodes.count > 0) {
        if (has_by) {
            scen_raise(L, "partition.nodes: cannot be combined with by");
        }
        if (f.nodes.ids == NULL) {
            scen_raise(L, "partition.nodes: expected a list of node ids");
        }
        f.by = PART_NODES;
    }
    if (f.by == PART_REGION && !has_region) {
        scen_raise(L, "partition.region: required with by = \"region\" (region = {x = , y = , r = })");
    }
    if (has_region && f.by != PART_REGION) {
        scen_raise(L, "partition.region: only with by = \"region\"");
    }
    scen_action *sa = scen_new_action(L, ACT_PARTITION);
    sa->a.groups = (int)f.groups;
    sa->a.by = f.by;
    sa->a.mode = f.mode;
    sa->a.nodes = f.nodes;
    if (has_region) {
        scen_read_region(L, 1, "partition", &sa->a);
    }
    scen_track_pending(L);
    return 1;
}

/* An action that takes no keys: heal{} or stop{} (the empty table is optional). */
static int scen_action_bare(lua_State *L, act_kind kind, const char *name)
{
    if (lua_gettop(L) > 0) {
        scen_block_table(L, name);
        scen_only_keys(L, 1, name, NULL, 0);
    }
    scen_new_action(L, kind);
    scen_track_pending(L);
    return 1;
}

static int scen_action_heal(lua_State *L)
{
    return scen_action_bare(L, ACT_HEAL, "heal");
}

static int scen_action_stop(lua_State *L)
{
    return scen_action_bare(L, ACT_STOP, "stop");
}

static int scen_action_shock(lua_State *L)
{
    return scen_raise(L, "shock: no model in this scenario accepts shocks (flow and credit models do)");
}

/* Find block "name" declared so far: model index, -1 for links; -2 if absent. */
static int scen_declared_block(scen *s, const char *name)
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

static void scen_read_setting(lua_State *L, const char *full, act_setting *out)
{
    scen *s = scen_of(L);
    const char *dot = strchr(full, '.');
    char block[64];
    if (dot == NULL || dot == full || (size_t)(dot - full) >= sizeof block) {
        scen_raise(L, "set: keys are \"block.key\", e.g. [\"links.loss\"] = 0.1; got '%s'", full);
    }
    memcpy(block, full, (size_t)(dot - full));
    block[dot - full] = '\0';
    int b = scen_declared_block(s, block);
    if (b == -2) {
        scen_raise(L, "set: no block '%s' before this point in the scenario", block);
    }
    const sim_param *params = b < 0 ? links_params : s->cfg.models[b].model->params;
    const sim_param *p = params;
    while (p->key != NULL && strcmp(p->key, dot + 1) != 0) {
        p++;
    }
    if (p->key == NULL) {
        const char *keys[64];
        size_t n = scen_param_keys(params, keys, 64);
        const char *near = scen_nearest(dot + 1, keys, n);
        if (near != NULL) {
            scen_raise(L, "set: '%s': unknown key (did you mean '%s.%s'?)", full, block, near);
        }
        scen_raise(L, "set: '%s': unknown key", full);
    }
    if (!(p->flags & SIM_PF_LIVE)) {
        scen_raise(L, "set: '%s' cannot change during a run", full);
    }
    union { int64_t i; double d; sim_time t; int e; } v;
    sim_param copy = *p;
    copy.offset = 0;
    scen_read_value(L, lua_gettop(L), block, &copy, &v);
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
static int scen_setting_cmp(const scen *s, const act_setting *a, const act_setting *b)
{
    const char *ba = a->block < 0 ? "links" : s->cfg.models[a->block].model->name;
    const char *bb = b->block < 0 ? "links" : s->cfg.models[b->block].model->name;
    int c = strcmp(ba, bb);
    return c != 0 ? c : strcmp(a->param->key, b->param->key);
}

static void scen_sort_settings(const scen *s, act_setting *st, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        act_setting x = st[i];
        uint32_t j = i;
        while (j > 0 && scen_setting_cmp(s, &st[j - 1], &x) > 0) {
            st[j] = st[j - 1];
            j--;
        }
        st[j] = x;
    }
}

static int scen_action_set(lua_State *L)
{
    scen *s = scen_of(L);
    scen_block_table(L, "set");
    uint32_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        lua_pop(L, 1);
        n++;
    }
    if (n == 0) {
        scen_raise(L, "set: nothing to set");
    }
    act_setting *st = scen_alloc(s, sizeof *st * n);
    if (st == NULL) {
        scen_no_memory(L);
    }
    uint32_t i = 0;
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            scen_raise(L, "set: keys are \"block.key\" strings");
        }
        scen_read_setting(L, lua_tostring(L, -2), &st[i++]);
        lua_pop(L, 1);
    }
    scen_sort_settings(s, st, n);
    scen_action *sa = scen_new_action(L, ACT_SET);
    sa->a.settings = st;
    sa->a.nsettings = n;
    scen_track_pending(L);
    return 1;
}

/* --- Timeline --------------------------------------------------------------------------- */

static int scen_at(lua_State *L)
{
    scen *s = scen_of(L);
    double t = scen_number(L, 1, "at", "time");
    scen_action *sa = luaL_testudata(L, 2, SCEN_ACTION_MT);
    if (sa == NULL) {
        scen_raise(L, "at: expected an action such as fail{...} as argument 2, got %s",
                   luaL_typename(L, 2));
    }
    sim_time ns = scen_time_ns(L, "at", "time", t);
    if (s->in_callback) {
        if (ns < s->now) {
            scen_raise(L, "at: time %g is in the past (now %g)", t, sim_time_to_s(s->now));
        }
        sa->consumed = 1;
        s->hook_err = s->hooks->schedule(s->hooks->ctx, ns, &sa->a);
        if (s->hook_err != SIM_OK) {
            return luaL_error(L, "at: could not schedule");
        }
        return 0;
    }
    sa->consumed = 1;
    sim_at *e = scen_push_slot(L, &s->cfg.timeline, &s->cfg.ntimeline, &s->captimeline, sizeof *e);
    e->time = ns;
    e->action = sa->a;
    e->action.line = scen_line(L);
    return 0;
}

static int scen_every(lua_State *L)
{
    scen *s = scen_of(L);
    if (s->in_callback) {
        scen_raise(L, "every: cannot be called inside a callback");
    }
    double dt = scen_number(L, 1, "every", "interval");
    if (!(dt > 0)) {
        scen_raise(L, "every: interval must be > 0, got %g", dt);
    }
    sim_time period = scen_time_ns(L, "every", "interval", dt);
    if (lua_type(L, 2) != LUA_TFUNCTION) {
        scen_raise(L, "every: expected a function as argument 2, got %s", luaL_typename(L, 2));
    }
    sim_every *ev = scen_push_slot(L, &s->cfg.every, &s->cfg.nevery, &s->capevery, sizeof *ev);
    lua_pushvalue(L, 2);
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    *ev = (sim_every){
        .period = period, .fn_ref = ref, .file = s->path, .line = scen_line(L)
    };
    return 0;
}

/* --- Sandbox ------------------------------------------------------------------------------ */

static void *scen_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    scen *s = ud;
    size_t old = ptr != NULL ? osize : 0;
    if (nsize == 0) {
        s->mem_used -= old;
        free(ptr);
        return NULL;
    }
    if (nsize > old && s->mem_used + (nsize - old) > SCEN_MEM_LIMIT) {
        return NULL;
    }
    if (nsize > old) {
        /* C library work (string.rep, .., table.concat) writes what it allocates. */
        s->budget -= (long)((nsize - old) / SCEN_BYTES_PER_INSTRUCTION);
    }
    void *p = realloc(ptr, nsize);
    if (p != NULL) {
        s->mem_used = s->mem_used - old + nsize;
    }
    return p;
}

/*
 * The count hook. Once the budget is spent every later hook raises again, and
 * the sandbox's pcall/xpcall re-raise, so a scenario cannot catch the limit
 * and carry on. The message is kept in s->limit_msg because an xpcall
 * handler could rewrite the error object on its way out.
 */
static void scen_over_budget(lua_State *L, lua_Debug *ar)
{
    scen *s = scen_of(L);
    if (s->limit_msg[0] == '\0') {
        int line = ar != NULL && lua_getinfo(L, "l", ar) ? ar->currentline : scen_line(L);
        char where[32] = "";
        if (line > 0) {
            snprintf(where, sizeof where, ":%d", line);
        }
        snprintf(s->limit_msg, sizeof s->limit_msg, "%s%s: scenario exceeds the instruction limit (%s)",
                 s->path, where, s->in_callback ? "10 million per callback" : "100 million");
    }
    lua_pushstring(L, s->limit_msg);
    lua_error(L);
}

static void scen_hook(lua_State *L, lua_Debug *ar)
{
    scen *s = scen_of(L);
    s->budget -= SCEN_HOOK_EVERY;
    if (s->budget < 0) {
        scen_over_budget(L, ar);
    }
}

/*
 * string.rep loops n times in C even when nothing is copied (string.rep("",
 * 1e12) ran for hours): n repetitions are charged as n / 16 instructions, up
 * front, before Lua's own rep runs (the allocation is charged besides).
 */
static int scen_string_rep(lua_State *L)
{
    scen *s = scen_of(L);
    luaL_checkstring(L, 1);
    lua_Integer n = luaL_checkinteger(L, 2);
    if (n > 0) {
        lua_Integer cost = n / SCEN_BYTES_PER_INSTRUCTION;
        s->budget = cost > s->budget ? -1 : s->budget - (long)cost;
        if (s->budget < 0) {
            scen_over_budget(L, NULL);
        }
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/*
 * A uniform draw in [0, span]. Spans up to 2^53 scale a 53-bit float (one
 * draw); wider ones mask to the next power of two and reject (as Lua's own
 * math.random does), which stays deterministic for a seed.
 */
static uint64_t scen_random_below(scen *s, uint64_t bits, uint64_t span)
{
    if (span < ((uint64_t)1 << 53)) {
        return (uint64_t)(rng_unit(bits) * ((double)span + 1.0));
    }
    uint64_t mask = span;
    for (int shift = 1; shift < 64; shift *= 2) {
        mask |= mask >> shift;
    }
    while ((bits & mask) > span) {
        bits = rng_at(s->lua_key, s->lua_ctr++);
    }
    return bits & mask;
}

static int scen_math_random(lua_State *L)
{
    scen *s = scen_of(L);
    if (!s->have_seed) {
        return scen_raise(L, "math.random: call scenario{} (with its seed) first");
    }
    uint64_t bits = rng_at(s->lua_key, s->lua_ctr++);
    lua_Integer lo = 1, hi;
    switch (lua_gettop(L)) {
    case 0:
        lua_pushnumber(L, rng_unit(bits));
        return 1;
    case 1:
        hi = luaL_checkinteger(L, 1);
        if (hi == 0) {                   /* Lua 5.4: math.random(0) is an integer of random bits */
            lua_pushinteger(L, (lua_Integer)bits);
            return 1;
        }
        break;
    default:
        lo = luaL_checkinteger(L, 1);
        hi = luaL_checkinteger(L, 2);
    }
    if (lo > hi) {
        return scen_raise(L, "math.random: interval is empty");
    }
    uint64_t span = (uint64_t)hi - (uint64_t)lo;     /* hi - lo, exact in unsigned */
    lua_pushinteger(L, (lua_Integer)((uint64_t)lo + scen_random_below(s, bits, span)));
    return 1;
}

/* print() to stderr, control bytes escaped: a scenario cannot drive the user's terminal. */
static int scen_print(lua_State *L)
{
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *text = luaL_tolstring(L, i, &len);
        trace_escaped(stderr, text, len);
        lua_pop(L, 1);
        fputc(i < n ? '\t' : '\n', stderr);
    }
    if (n == 0) {
        fputc('\n', stderr);
    }
    return 0;
}

/* After a protected call failed: re-raise the limits, which a scenario must not catch. */
static void scen_reraise_limits(lua_State *L, int status)
{
    scen *s = scen_of(L);
    if (status == LUA_ERRMEM) {
        s->out_of_memory = 1;
    }
    if (s->out_of_memory || s->limit_msg[0] != '\0') {
        lua_error(L);
    }
}

/* A failed protected call: limits pass through, other errors give (false, message). */
static int scen_pcall_failed(lua_State *L, int status)
{
    scen_of(L)->budget -= SCEN_ERROR_COST / 100;   /* a caught error: unwinding, a message */
    scen_reraise_limits(L, status);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
}

/* pcall(f, ...) as in Lua, except that the instruction and memory limits pass through. */
static int scen_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    if (status != LUA_OK) {
        return scen_pcall_failed(L, status);
    }
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    return lua_gettop(L);
}

/*
 * The message handler xpcall installs: the user's handler, except when the
 * error is a limit. Lua raises our limit error from inside the count hook,
 * and it calls the handler before unwinding, while hooks are still off: a
 * user handler would then run unbounded.
 */
static int scen_xpcall_handler(lua_State *L)
{
    scen *s = scen_of(L);
    if (s->limit_msg[0] != '\0' || s->out_of_memory) {
        return 1;                        /* the error object, unchanged */
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* xpcall(f, handler, ...), with the same exception. */
static int scen_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, scen_xpcall_handler, 1);
    lua_replace(L, 2);
    lua_pushvalue(L, 1);                 /* f, handler, args..., f */
    lua_rotate(L, 3, 1);                 /* f, handler, f, args... */
    int status = lua_pcall(L, n - 2, LUA_MULTRET, 2);
    if (status != LUA_OK) {
        return scen_pcall_failed(L, status);
    }
    lua_pushboolean(L, 1);
    lua_replace(L, 2);                   /* f, true, results... */
    return lua_gettop(L) - 1;
}

/*
 * setmetatable without __gc: Lua runs finalizers with hooks disabled, so a
 * __gc could loop forever out of the instruction budget's reach.
 */
static int scen_setmetatable(lua_State *L)
{
    lua_pushliteral(L, "__gc");
    if (lua_type(L, 2) == LUA_TTABLE && lua_rawget(L, 2) != LUA_TNIL) {
        return scen_raise(L, "setmetatable: __gc is not allowed in scenarios");
    }
    lua_settop(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 2, 1);
    return 1;
}

/* Repetition items (*, +, -, ?) in a Lua pattern; each multiplies the worst-case cost. */
static int scen_pattern_repeats(const char *pat, size_t len)
{
    int q = 0;
    for (size_t i = 0; i < len; i++) {
        if (pat[i] == '%') {
            i++;
        } else if (pat[i] == '*' || pat[i] == '+' || pat[i] == '-' || pat[i] == '?') {
            q++;
        }
    }
    return q;
}

/*
 * string.find/match/gmatch/gsub: Lua's matcher backtracks in C, where the
 * count hook never fires, so a pattern with k repetitions on an n-byte
 * subject may take n^(k+1) steps. Refuse calls whose bound exceeds
 * SCEN_PATTERN_COST; plain finds are linear and always allowed.
 */
static int scen_string_pattern(lua_State *L)
{
    const char *name = lua_tostring(L, lua_upvalueindex(2));
    size_t n = 0, plen = 0;
    luaL_checklstring(L, 1, &n);
    const char *pat = luaL_checklstring(L, 2, &plen);
    int plain = strcmp(name, "find") == 0 && lua_toboolean(L, 4);
    if (!plain) {
        int q = scen_pattern_repeats(pat, plen);
        if (pow((double)n + 1.0, (double)q + 1.0) * ((double)plen + 1.0) > SCEN_PATTERN_COST) {
            return scen_raise(L, "string.%s: pattern too costly for a scenario (%zu-byte subject, "
                              "%d repetitions)", name, n, q);
        }
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* Integer argument i, or dflt when absent or not an integer. */
static lua_Integer scen_int_arg(lua_State *L, int i, lua_Integer dflt)
{
    int isnum = 0;
    lua_Integer v = lua_tointegerx(L, i, &isnum);
    return isnum ? v : dflt;
}

/* Elements in [first, last], 0 if empty, without overflow. */
static lua_Integer scen_span(lua_Integer first, lua_Integer last)
{
    if (last < first) {
        return 0;
    }
    lua_Unsigned d = (lua_Unsigned)last - (lua_Unsigned)first;
    return d >= (lua_Unsigned)LUA_MAXINTEGER ? LUA_MAXINTEGER : (lua_Integer)d + 1;
}

/* Length of the table argument i (raw), or 0 if it is not a table. */
static lua_Integer scen_rawlen_arg(lua_State *L, int i)
{
    return lua_type(L, i) == LUA_TTABLE ? (lua_Integer)lua_rawlen(L, i) : 0;
}

/*
 * table.move/concat/unpack/insert/remove/sort loop in C over a range the
 * caller chooses (table.move({}, 1, 1e12, 1) is four instructions and 10^12
 * iterations): each element they visit is charged one instruction, up front.
 */
static int scen_table_call(lua_State *L)
{
    scen *s = scen_of(L);
    const char *name = lua_tostring(L, lua_upvalueindex(2));
    lua_Integer cost = 0;
    if (strcmp(name, "move") == 0) {
        cost = scen_span(scen_int_arg(L, 2, 1), scen_int_arg(L, 3, 0));
    } else if (strcmp(name, "concat") == 0) {
        cost = scen_span(scen_int_arg(L, 3, 1), scen_int_arg(L, 4, scen_rawlen_arg(L, 1)));
    } else if (strcmp(name, "unpack") == 0) {
        cost = scen_span(scen_int_arg(L, 2, 1), scen_int_arg(L, 3, scen_rawlen_arg(L, 1)));
    } else if (strcmp(name, "sort") == 0) {
        lua_Integer n = scen_rawlen_arg(L, 1);
        cost = n * (lua_Integer)(1 + log2((double)n + 1.0));
    } else if (strcmp(name, "insert") == 0) {
        lua_Integer n = scen_rawlen_arg(L, 1);  /* insert(t, v) appends; insert(t, pos, v) shifts */
        cost = lua_gettop(L) >= 3 ? scen_span(scen_int_arg(L, 2, n + 1), n) + 1 : 1;
    } else {
        lua_Integer n = scen_rawlen_arg(L, 1);  /* remove(t) pops; remove(t, pos) shifts */
        cost = lua_gettop(L) >= 2 ? scen_span(scen_int_arg(L, 2, n), n) + 1 : 1;
    }
    s->budget = cost > s->budget ? -1 : s->budget - (long)cost;
    if (s->budget < 0) {
        scen_over_budget(L, NULL);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* Replace each named function of library lib by fn, with upvalues (original, name). */
static void scen_wrap(lua_State *L, const char *lib, const char *const *names, lua_CFunction fn)
{
    lua_getglobal(L, lib);
    for (int i = 0; names[i] != NULL; i++) {
        lua_getfield(L, -1, names[i]);
        lua_pushstring(L, names[i]);
        lua_pushcclosure(L, fn, 2);
        lua_setfield(L, -2, names[i]);
    }
    lua_pop(L, 1);
}

static void scen_guard_table(lua_State *L)
{
    static const char *const names[] = { "move", "concat", "unpack", "insert", "remove", "sort", NULL };
    scen_wrap(L, LUA_TABLIBNAME, names, scen_table_call);
}

static void scen_guard_patterns(lua_State *L)
{
    static const char *const names[] = { "find", "match", "gmatch", "gsub", NULL };
    scen_wrap(L, LUA_STRLIBNAME, names, scen_string_pattern);
    lua_getglobal(L, LUA_STRLIBNAME);
    lua_getfield(L, -1, "rep");
    lua_pushcclosure(L, scen_string_rep, 1);
    lua_setfield(L, -2, "rep");
    lua_pop(L, 1);
}

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
    const char *near = scen_nearest(name, names, n);
    if (near != NULL) {
        return scen_raise(L, "unknown name '%s' (did you mean '%s'?)", name, near);
    }
    return scen_raise(L, "unknown name '%s'", name);
}

static void scen_copy_global(lua_State *L, int env, const char *name)
{
    lua_getglobal(L, name);
    lua_setfield(L, env, name);
}

/* Build the sandbox environment table and leave it on the stack. */
static void scen_make_env(lua_State *L)
{
    static const char *const safe[] = {
        "assert", "error", "ipairs", "next", "pairs", "pcall", "rawequal", "rawget", "rawlen",
        "rawset", "select", "setmetatable", "getmetatable", "tonumber", "tostring", "type",
        "xpcall", "_VERSION", "string", "table", "math", NULL
    };
    static const luaL_Reg funcs[] = {
        { "scenario", scen_block_scenario }, { "topology", scen_block_topology },
        { "links", scen_block_links }, { "at", scen_at }, { "every", scen_every },
        { "fail", scen_action_fail }, { "recover", scen_action_recover },
        { "partition", scen_action_partition }, { "heal", scen_action_heal },
        { "set", scen_action_set }, { "shock", scen_action_shock }, { "stop", scen_action_stop },
        { "print", scen_print }, { "pcall", scen_pcall }, { "xpcall", scen_xpcall },
        { NULL, NULL }
    };
    lua_newtable(L);
    int env = lua_gettop(L);
    for (int i = 0; safe[i] != NULL; i++) {
        scen_copy_global(L, env, safe[i]);
    }
    luaL_setfuncs(L, funcs, 0);
    lua_getglobal(L, "setmetatable");
    lua_pushcclosure(L, scen_setmetatable, 1);
    lua_setfield(L, env, "setmetatable");
    for (int m = 0; sim_models[m] != NULL; m++) {
        lua_pushinteger(L, m);
        lua_pushcclosure(L, scen_block_model, 1);
        lua_setfield(L, env, sim_models[m]->name);
    }
    lua_getfield(L, env, "math");
    lua_pushcfunction(L, scen_math_random);
    lua_setfield(L, -2, "random");
    lua_pushnil(L);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushcfunction(L, scen_env_index);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, env);
}

static void scen_open_libs(lua_State *L)
{
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    lua_pop(L, 4);
    luaL_newmetatable(L, SCEN_ACTION_MT);
    lua_pushliteral(L, "action");        /* getmetatable(a) cannot reach (and add __gc to) it */
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    scen_guard_patterns(L);
    scen_guard_table(L);
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
    for (uint32_t i = 0; i < s->nsets; i++) {
        if (!s->sets[i].used && strcmp(s->sets[i].block, "scenario") != 0) {
            snprintf(msg, len, "--set %s: no block '%s' in this scenario", s->sets[i].text, s->sets[i].block);
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

/* Turn a failed pcall's error object into one line. */
static void scen_error_line(lua_State *L, int status, const scen *s, char *msg, size_t len)
{
    if (s->limit_msg[0] != '\0') {
        snprintf(msg, len, "%s", s->limit_msg);
        return;
    }
    if (status == LUA_ERRMEM || s->out_of_memory) {
        snprintf(msg, len, "%s: scenario exceeds the memory limit (256 MiB)", s->path);
        return;
    }
    int type = lua_type(L, -1);
    if (type != LUA_TSTRING && type != LUA_TNUMBER) {
        snprintf(msg, len, "%s: the scenario raised an error that is not a string (a %s)", s->path,
                 lua_typename(L, type));
        return;
    }
    const char *e = lua_tostring(L, -1);
    size_t plen = strlen(s->path);
    int located = (strncmp(e, s->path, plen) == 0 && e[plen] == ':') || strncmp(e, "--set ", 6) == 0;
    char raw[1024];
    snprintf(raw, sizeof raw, "%s%s%s", located ? "" : s->path, located ? "" : ": ", e);
    trace_one_line(raw, msg, len);   /* error("a\nb") and ESC bytes: one printable line */
}

/*
 * Every action the chunk made must be able to reach at(): a bare `heal {}`
 * is a mistake, not a no-op. An action not yet scheduled is fine while
 * something still holds it (a local captured by an every() callback, which
 * may schedule it later). So the unscheduled ones are moved to a table with
 * weak values and a full collection runs: those collected were unreachable
 * and can never be scheduled; the first of them is reported.
 */
static void scen_check_scheduled(lua_State *L)
{
    scen *s = scen_of(L);
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
        const scen_action *sa = lua_touserdata(L, -1);
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

static int scen_pmain(lua_State *L)
{
    scen *s = scen_of(L);
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
        scen_no_memory(L);   /* a copy refused at the limit, even if a pcall swallowed it */
    }
    scen_check_scheduled(L);
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
    s->budget = SCEN_CHUNK_INSTRUCTIONS;
    s->pending_ref = LUA_NOREF;
    s->made_ref = LUA_NOREF;
    s->cfg.path = s->path;
    char *dir = scen_dirname(path);
    s->cfg.base_dir = dir ? scen_strdup(s, dir) : ".";
    free(dir);
    sim_err err = (s->path && s->model_at) ? scen_parse_sets(s, sets, nsets, msg, msg_len) : SIM_ENOMEM;
    if (err == SIM_OK) {
        s->L = lua_newstate(scen_lua_alloc, s);
        err = s->L ? SIM_OK : SIM_ENOMEM;
    }
    if (err == SIM_OK) {
        if (seed >= 0) {
            scen_seed_lua(s, seed);
        }
        scen_open_libs(s->L);
        lua_sethook(s->L, scen_hook, LUA_MASKCOUNT, SCEN_HOOK_EVERY);
        lua_pushcfunction(s->L, scen_pmain);
        int st = lua_pcall(s->L, 0, 0, 0);
        if (st != LUA_OK) {
            scen_error_line(s->L, st, s, msg, msg_len);
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
    scen *s = scen_of(L);
    const char *name = luaL_checkstring(L, 1);
    double v;
    if (!s->hooks->metric(s->hooks->ctx, name, &v)) {
        return scen_raise(L, "sim.metric: unknown metric '%s'", name);
    }
    lua_pushnumber(L, v);
    return 1;
}

/* Apply the actions the callback made and did not schedule, in order. */
static sim_err scen_apply_pending(scen *s)
{
    lua_State *L = s->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->pending_ref);
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    sim_err err = SIM_OK;
    for (lua_Integer i = 1; i <= n && err == SIM_OK; i++) {
        lua_rawgeti(L, -1, i);
        scen_action *sa = lua_touserdata(L, -1);
        if (sa != NULL && !sa->consumed) {
            err = s->hooks->apply(s->hooks->ctx, &sa->a);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return err;
}

static int scen_pcallback(lua_State *L)
{
    scen *s = scen_of(L);
    uint32_t idx = (uint32_t)lua_tointeger(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->cfg.every[idx].fn_ref);
    lua_newtable(L);
    lua_pushnumber(L, sim_time_to_s(s->now));
    lua_setfield(L, -2, "time");
    lua_pushcfunction(L, scen_sim_metric);
    lua_setfield(L, -2, "metric");
    lua_call(L, 1, 0);
    return 0;
}

sim_err scen_call_every(scen *s, uint32_t idx, sim_time now, const scen_hooks *hooks,
                        char *msg, size_t msg_len)
{
    lua_State *L = s->L;
    msg[0] = '\0';
    s->in_callback = 1;
    s->hooks = hooks;
    s->now = now;
    s->hook_err = SIM_OK;
    s->budget = SCEN_CALLBACK_INSTRUCTIONS;
    s->limit_msg[0] = '\0';
    s->out_of_memory = 0;
    lua_newtable(L);
    s->pending_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushcfunction(L, scen_pcallback);
    lua_pushinteger(L, idx);
    int st = lua_pcall(L, 1, 0, 0);
    sim_err err = SIM_OK;
    if (s->hook_err != SIM_OK) {
        err = s->hook_err;
        lua_pop(L, 1);
    } else if (st != LUA_OK) {
        scen_error_line(L, st, s, msg, msg_len);
        lua_pop(L, 1);
        err = SIM_EINPUT;
    } else {
        err = scen_apply_pending(s);
    }
    luaL_unref(L, LUA_REGISTRYINDEX, s->pending_ref);
    s->pending_ref = LUA_NOREF;
    s->in_callback = 0;
    return err;
}

/* --- The resolved configuration as Lua ------------------------------------------------------- */

/* Shortest of %.15g and %.17g that reads back as the same double; non-finite as Lua expressions. */
static void scen_put_num(FILE *f, double v)
{
    char buf[40];
    if (!isfinite(v)) {
        fputs(isnan(v) ? "(0/0)" : v > 0 ? "math.huge" : "-math.huge", f);
        return;
    }
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        fprintf(f, "%.0f", v);
        return;
    }
    snprintf(buf, sizeof buf, "%.15g", v);
    if (strtod(buf, NULL) != v) {
        snprintf(buf, sizeof buf, "%.17g", v);
    }
    fputs(buf, f);
}

/* A Lua string literal that reads back as str: quotes, backslashes and control bytes escaped. */
static void scen_put_string(FILE *f, const char *str)
{
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)str; *c; c++) {
        if (*c == '"' || *c == '\\') {
            fputc('\\', f);
            fputc(*c, f);
        } else if (*c < 32 || *c == 127) {
            fprintf(f, "\\%03u", (unsigned)*c);
        } else {
            fputc(*c, f);
        }
    }
    fputc('"', f);
}

static void scen_put_nodes(FILE *f, const sim_nodeset *ns)
{
    if (ns->ids == NULL) {
        fprintf(f, "%u", ns->count);
        return;
    }
    fputc('{', f);
    for (uint32_t i = 0; i < ns->count; i++) {
        fprintf(f, "%s%u", i ? ", " : " ", ns->ids[i]);
    }
    fputs(" }", f);
}

static void scen_put_dist(FILE *f, const sim_dist *d)
{
    static const char *const names[][2] = {
        { "value", NULL }, { "min", "max" }, { "mean", NULL }, { "mean", "sd" },
        { "median", "sigma" }, { "scale", "shape" }
    };
    if (d->kind == SIM_DIST_PER_DISTANCE) {
        fputs("{ per_distance = ", f);
        scen_put_num(f, d->a);
        fputs(", base = ", f);
        scen_put_num(f, d->b);
        fputs(" }", f);
        return;
    }
    fprintf(f, "{ dist = \"%s\", %s = ", dist_kinds[d->kind], names[d->kind][0]);
    scen_put_num(f, d->a);
    if (names[d->kind][1] != NULL) {
        fprintf(f, ", %s = ", names[d->kind][1]);
        scen_put_num(f, d->b);
    }
    fputs(" }", f);
}

static void scen_put_value(FILE *f, const sim_param *p, const void *cfg)
{
    const char *v = (const char *)cfg + p->offset;
    switch (p->type) {
    case SIM_PT_INT:
        fprintf(f, "%lld", (long long)*(const int64_t *)(const void *)v);
        break;
    case SIM_PT_NUM:
        scen_put_num(f, *(const double *)(const void *)v);
        break;
    case SIM_PT_TIME:
        scen_put_num(f, sim_time_to_s(*(const sim_time *)(const void *)v));
        break;
    case SIM_PT_BOOL:
        fputs(*(const int *)(const void *)v ? "true" : "false", f);
        break;
    case SIM_PT_ENUM:
        scen_put_string(f, p->choices[*(const int *)(const void *)v]);
        break;
    case SIM_PT_STR: {
        const char *str = *(const char *const *)(const void *)v;
        scen_put_string(f, str ? str : "");
        break;
    }
    case SIM_PT_NODES:
        scen_put_nodes(f, (const sim_nodeset *)(const void *)v);
        break;
    case SIM_PT_DIST:
        scen_put_dist(f, (const sim_dist *)(const void *)v);
        break;
    case SIM_PT_INTLIST: {
        const sim_intlist *l = (const sim_intlist *)(const void *)v;
        fputc('{', f);
        for (uint32_t i = 0; i < l->count; i++) {
            fprintf(f, "%s%lld", i ? ", " : " ", (long long)l->values[i]);
        }
        fputs(" }", f);
        break;
    }
    }
}

static void scen_put_block(FILE *f, const char *name, const char *lead, const sim_param *params,
                           const void *cfg)
{
    fprintf(f, "%s {%s", name, lead ? lead : "");
    int first = lead == NULL;
    for (const sim_param *p = params; p->key != NULL; p++) {
        const char *v = (const char *)cfg + p->offset;
        if (p->type == SIM_PT_STR && *(const char *const *)(const void *)v == NULL) {
            continue;
        }
        fprintf(f, "%s %s = ", first ? "" : ",", p->key);
        scen_put_value(f, p, cfg);
        first = 0;
    }
    fputs(" }\n", f);
}

void scen_write_action(const scen *s, const sim_action *a, FILE *f)
{
    fprintf(f, "%s {", act_name(a->kind));
    const char *sep = " ";
    if (a->kind == ACT_FAIL || a->kind == ACT_RECOVER) {
        if (a->nodes.ids != NULL) {
            fputs(" nodes = ", f);
            scen_put_nodes(f, &a->nodes);
            sep = ", ";
        } else {
            fprintf(f, " target = \"%s\"", act_targets[a->target]);
            sep = ", ";
        }
        if (a->fraction >= 0) {
            fprintf(f, "%sfraction = ", sep);
            scen_put_num(f, a->fraction);
        }
        if (a->count >= 0) {
            fprintf(f, "%scount = %lld", sep, (long long)a->count);
        }
        if (a->target == TARGET_CELL) {
            fprintf(f, "%scell = %lld", sep, (long long)a->cell);
        }
    } else if (a->kind == ACT_PARTITION) {
        if (a->by == PART_NODES) {
            fputs(" nodes = ", f);
            scen_put_nodes(f, &a->nodes);
        } else {
            fprintf(f, " by = \"%s\", groups = %d", act_bys[a->by], a->groups);
        }
        fprintf(f, ", mode = \"%s\"", act_modes[a->mode]);
        sep = ", ";
    } else if (a->kind == ACT_SET) {
        for (uint32_t i = 0; i < a->nsettings; i++) {
            const act_setting *st = &a->settings[i];
            const char *block = st->block < 0 ? "links" : s->cfg.models[st->block].model->name;
            fprintf(f, "%s[\"%s.%s\"] = ", i ? ", " : " ", block, st->param->key);
            double v = st->param->type == SIM_PT_TIME ? st->num / SIM_NS_PER_S : st->num;
            if (st->param->type == SIM_PT_ENUM) {
                scen_put_string(f, st->param->choices[(int)st->num]);
            } else if (st->param->type == SIM_PT_BOOL) {
                fputs(st->num != 0 ? "true" : "false", f);
            } else {
                scen_put_num(f, v);
            }
        }
    }
    if ((a->kind != ACT_SET && a->kind != ACT_HEAL && a->kind != ACT_STOP) &&
        ((a->kind == ACT_PARTITION && a->by == PART_REGION) || (a->kind != ACT_PARTITION && a->target == TARGET_REGION))) {
        fprintf(f, "%sregion = { x = ", sep);
        scen_put_num(f, a->rx);
        fputs(", y = ", f);
        scen_put_num(f, a->ry);
        fputs(", r = ", f);
        scen_put_num(f, a->rr);
        fputs(" }", f);
    }
    fputs(" }", f);
}

/* Lines first..last of path, joined, malloc'd; *first_len is the length of the first line. */
static char *scen_read_lines(const char *path, int first, int last, size_t *first_len)
{
    FILE *src = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    char line[4096];
    int ln = 0;
    *first_len = 0;
    while (src != NULL && ln < last && fgets(line, sizeof line, src) != NULL) {
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] != '\n' && !feof(src)) {
            continue;                    /* the rest of an over-long line: not counted again */
        }
        if (++ln < first) {
            continue;
        }
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *grown = realloc(buf, cap);
            if (grown == NULL) {
                free(buf);
                fclose(src);
                return NULL;
            }
            buf = grown;
        }
        memcpy(buf + len, line, n + 1);
        len += n;
        if (ln == first) {
            *first_len = len;
        }
    }
    if (src != NULL) {
        fclose(src);
    }
    return buf;
}

/* 1 if text[0..len) is one Lua expression (compiled, never run). */
static int scen_is_expression(lua_State *L, const char *text, size_t len)
{
    size_t n = len + 8;
    char *chunk = malloc(n);
    if (chunk == NULL) {
        return 0;
    }
    memcpy(chunk, "return ", 7);
    memcpy(chunk + 7, text, len);
    int ok = luaL_loadbufferx(L, chunk, len + 7, "=every", "t") == LUA_OK;
    lua_pop(L, 1);
    free(chunk);
    return ok;
}

/*
 * Write the source of an every() function, copied from the scenario file:
 * from a "function" on its first line to the first "end" on its last line
 * that makes the text compile as one expression (so comments and other code
 * on those lines are left out). A named function loses its name.
 */
static void scen_put_function(FILE *f, const scen *s, int ref)
{
    lua_State *L = s->L;
    lua_Debug ar;
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_getinfo(L, ">S", &ar);
    size_t first_len = 0;
    char *buf = scen_read_lines(s->path, ar.linedefined, ar.lastlinedefined, &first_len);
    size_t len = buf != NULL ? strlen(buf) : 0;
    size_t last_start = len;
    while (last_start > 0 && (last_start == len || buf[last_start - 1] != '\n')) {
        last_start--;
    }
    for (char *fn = buf ? strstr(buf, "function") : NULL; fn != NULL && (size_t)(fn - buf) < first_len;
         fn = strstr(fn + 1, "function")) {
        char *params = strchr(fn + 8, '(');
        if (params == NULL) {
            break;
        }
        for (char *end = strstr(buf + last_start, "end"); end != NULL; end = strstr(end + 1, "end")) {
            if (end < params) {
                continue;
            }
            size_t body = (size_t)(end + 3 - params);
            char *text = malloc(body + 9);
            if (text == NULL) {
                break;
            }
            memcpy(text, "function", 8);
            memcpy(text + 8, params, body);
            text[body + 8] = '\0';
            if (scen_is_expression(L, text, body + 8)) {
                fputs(text, f);
                free(text);
                free(buf);
                return;
            }
            free(text);
        }
    }
    free(buf);
    fputs("function(sim) end --[[ source not found ]]", f);
}

/* The topology block with a file path made absolute, so run.lua works from any folder. */
static void scen_put_topology(FILE *f, const scen *s)
{
    const sim_config *c = &s->cfg;
    topo_cfg t = c->topology;
    char *abs = NULL;
    if (t.kind == TOPO_FILE && t.path != NULL && t.path[0] != '/') {
        char *dir = realpath(c->base_dir, NULL);
        if (dir != NULL) {
            abs = malloc(strlen(dir) + strlen(t.path) + 2);
            if (abs != NULL) {
                sprintf(abs, "%s/%s", dir, t.path);
                t.path = abs;
            }
            free(dir);
        }
    }
    char lead[64];
    snprintf(lead, sizeof lead, " kind = \"%s\"", topo_kinds[t.kind]);
    scen_put_block(f, "topology", lead, topo_params(t.kind), &t);
    free(abs);
}

sim_err scen_write_resolved(const scen *s, FILE *f)
{
    const sim_config *c = &s->cfg;
    fprintf(f, "-- mycosim %s: resolved configuration of %s, seed %lld\n", MYCOSIM_VERSION,
            s->path, (long long)c->scenario.seed);
    fputs("-- Every key is shown with its value, defaults included. Run it with: mycosim run run.lua\n", f);
    scen_put_block(f, "scenario", NULL, scenario_params, &c->scenario);
    scen_put_topology(f, s);
    scen_put_block(f, "links", NULL, links_params, &c->links);
    for (uint32_t m = 0; m < c->nmodels; m++) {
        scen_put_block(f, c->models[m].model->name, NULL, c->models[m].model->params, c->models[m].cfg);
    }
    for (uint32_t i = 0; i < c->ntimeline; i++) {
        fputs("at(", f);
        scen_put_num(f, sim_time_to_s(c->timeline[i].time));
        fputs(", ", f);
        scen_write_action(s, &c->timeline[i].action, f);
        fputs(")\n", f);
    }
    for (uint32_t i = 0; i < c->nevery; i++) {
        fputs("-- every() body copied from the scenario; upvalues of the original chunk are not carried\n", f);
        fputs("every(", f);
        scen_put_num(f, sim_time_to_s(c->every[i].period));
        fputs(", ", f);
        scen_put_function(f, s, c->every[i].fn_ref);
        fputs(")\n", f);
    }
    return ferror(f) ? SIM_EIO : SIM_OK;
}
