/*
 * sandbox.c -- the scenario loader's Lua state: what a scenario can reach,
 * how much it may spend, and how its errors read.
 *
 * A scenario file is untrusted. It runs in a Lua 5.4 state with only the base
 * functions that cannot reach the outside, string, table and math (Lua's
 * linit.c, cut down): no io, os, load, loadfile, dofile or require. Its
 * globals are an environment table built here and filled by the loader's
 * other files; math.random draws from a stream of the run's seed, not from
 * the clock and the address of the state as Lua's own does.
 *
 * Two limits bound every scenario, so none can hang or exhaust the machine.
 * Memory: the lua_Alloc given to lua_newstate refuses to grow past
 * SANDBOX_MEM_LIMIT, and the configuration the loader builds is allocated
 * from the same account (sandbox_alloc: an arena owned by the scen, freed by
 * scen_free, so that luaL_error long-jumping over C frames leaks nothing).
 * Instructions: a count hook charges SANDBOX_HOOK_EVERY instructions per call
 * against a budget (100 million for the chunk, 10 million per callback);
 * allocation is charged too, one instruction per SANDBOX_BYTES_PER_INSTRUCTION
 * bytes, and so is every error raised from C.
 *
 * The hook does not see time spent inside C, so the holes are closed by
 * wrappers: pcall/xpcall re-raise a limit instead of returning it (and skip
 * the user's xpcall handler, which Lua would run with hooks off);
 * setmetatable refuses __gc (finalizers also run with hooks off);
 * string.find/match/gmatch/gsub refuse subject/pattern pairs whose worst-case
 * backtracking exceeds SANDBOX_PATTERN_COST steps; string.rep and the table
 * functions that loop over a caller-chosen range are charged up front.
 *
 * Errors: sandbox_raise is the loader's one reporter, like luaL_error but
 * with the scenario's "file:line: " (or the "--set k=v: " being read) in
 * front; sandbox_error_line turns whatever a failed lua_pcall left (a
 * limit, an out-of-memory, a message, a non-string) into one printable line.
 */
#include "scen_impl.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <lualib.h>

#include "rng.h"
#include "trace.h"

#define SANDBOX_MEM_LIMIT ((size_t)256 << 20)
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
/* Fuzzing builds only (scripts/fuzz.sh): the same limits, 100 times sooner. */
#define SANDBOX_CHUNK_INSTRUCTIONS 1000000L
#define SANDBOX_CALLBACK_INSTRUCTIONS 100000L
#else
#define SANDBOX_CHUNK_INSTRUCTIONS 100000000L
#define SANDBOX_CALLBACK_INSTRUCTIONS 10000000L
#endif
#define SANDBOX_HOOK_EVERY 1000
#define SANDBOX_ERROR_COST 100000L        /* per error raised from C; 1% per caught one */
#define SANDBOX_BYTES_PER_INSTRUCTION 16  /* bytes Lua allocates, charged as one instruction */
#define SANDBOX_PATTERN_COST 1e9

/* --- The arena ----------------------------------------------------------------------- */

scen *sandbox_scen(lua_State *L)
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
void *sandbox_alloc(scen *s, size_t size)
{
    if (size > SANDBOX_MEM_LIMIT || s->mem_used + size > SANDBOX_MEM_LIMIT) {
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
static void *sandbox_grow(scen *s, void *old, size_t used_bytes, size_t new_bytes)
{
    void *p = sandbox_alloc(s, new_bytes);
    if (p != NULL && old != NULL) {
        memcpy(p, old, used_bytes);
    }
    return p;
}

/* Append a zeroed slot to an owned array of elem-byte items; raises on out of memory. */
void *sandbox_push_slot(lua_State *L, void *arrp, uint32_t *len, uint32_t *cap, size_t elem)
{
    void **arr = arrp;
    if (*len == *cap) {
        uint32_t ncap = *cap ? *cap * 2 : 8;
        void *grown = sandbox_grow(sandbox_scen(L), *arr, elem * *len, elem * ncap);
        if (grown == NULL) {
            luaL_error(L, "out of memory");
        }
        *arr = grown;
        *cap = ncap;
    }
    return (char *)*arr + elem * (*len)++;
}

char *sandbox_strdup(scen *s, const char *str)
{
    size_t n = strlen(str) + 1;
    char *p = sandbox_alloc(s, n);
    if (p != NULL) {
        memcpy(p, str, n);
    }
    return p;
}

/* --- Errors ------------------------------------------------------------------------ */

/* Line of the Lua code that called the running C function. */
int sandbox_line(lua_State *L)
{
    lua_Debug ar;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar)) {
        return ar.currentline;
    }
    return 0;
}

/* The first len bytes of str, in a static buffer (for messages). */
static const char *sandbox_prefix(const char *str, size_t len)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), str);
    return buf;
}

/*
 * Raise "file:line: message" (or "--set k=v: message"). Never returns.
 * Each raise is charged SANDBOX_ERROR_COST instructions: the C work behind an
 * error (formatting, suggesting the nearest name) is invisible to the count
 * hook, and a pcall loop that provokes errors must still hit the limit.
 */
int sandbox_raise(lua_State *L, const char *fmt, ...)
{
    scen *s = sandbox_scen(L);
    s->budget -= SANDBOX_ERROR_COST;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (s->override != NULL && strlen(s->override) > 80) {
        lua_pushfstring(L, "--set %s...: %s", sandbox_prefix(s->override, 72), msg);
    } else if (s->override != NULL) {
        lua_pushfstring(L, "--set %s: %s", s->override, msg);
    } else {
        lua_pushfstring(L, "%s:%d: %s", s->path, sandbox_line(L), msg);
    }
    return lua_error(L);
}

void sandbox_no_memory(lua_State *L)
{
    luaL_error(L, "out of memory");
}

/* --- Limits: memory and instructions ---------------------------------------------------- */

static void *sandbox_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    scen *s = ud;
    size_t old = ptr != NULL ? osize : 0;
    if (nsize == 0) {
        s->mem_used -= old;
        free(ptr);
        return NULL;
    }
    if (nsize > old && s->mem_used + (nsize - old) > SANDBOX_MEM_LIMIT) {
        return NULL;
    }
    if (nsize > old) {
        /* C library work (string.rep, .., table.concat) writes what it allocates. */
        s->budget -= (long)((nsize - old) / SANDBOX_BYTES_PER_INSTRUCTION);
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
static void sandbox_over_budget(lua_State *L, lua_Debug *ar)
{
    scen *s = sandbox_scen(L);
    if (s->limit_msg[0] == '\0') {
        int line = ar != NULL && lua_getinfo(L, "l", ar) ? ar->currentline : sandbox_line(L);
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

static void sandbox_hook(lua_State *L, lua_Debug *ar)
{
    scen *s = sandbox_scen(L);
    s->budget -= SANDBOX_HOOK_EVERY;
    if (s->budget < 0) {
        sandbox_over_budget(L, ar);
    }
}

/* Charge cost instructions up front, for C work the count hook cannot see. */
static void sandbox_charge(lua_State *L, lua_Integer cost)
{
    scen *s = sandbox_scen(L);
    s->budget = cost > s->budget ? -1 : s->budget - (long)cost;
    if (s->budget < 0) {
        sandbox_over_budget(L, NULL);
    }
}

/* Call the wrapped function (upvalue 1) with the arguments; returns its nresults results. */
static int sandbox_call_original(lua_State *L, int nresults)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, nresults);
    return lua_gettop(L);
}

/*
 * string.rep loops n times in C even when nothing is copied (string.rep("",
 * 1e12) ran for hours): n repetitions are charged as n / 16 instructions, up
 * front, before Lua's own rep runs (the allocation is charged besides).
 */
static int sandbox_string_rep(lua_State *L)
{
    luaL_checkstring(L, 1);
    lua_Integer n = luaL_checkinteger(L, 2);
    if (n > 0) {
        sandbox_charge(L, n / SANDBOX_BYTES_PER_INSTRUCTION);
    }
    return sandbox_call_original(L, 1);
}

/* --- Replacements: math.random, print, pcall, xpcall, setmetatable ---------------------- */

/*
 * A uniform draw in [0, span]. Spans up to 2^53 scale a 53-bit float (one
 * draw); wider ones mask to the next power of two and reject (as Lua's own
 * math.random does), which stays deterministic for a seed.
 */
static uint64_t sandbox_random_below(scen *s, uint64_t bits, uint64_t span)
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

static int sandbox_math_random(lua_State *L)
{
    scen *s = sandbox_scen(L);
    if (!s->have_seed) {
        return sandbox_raise(L, "math.random: call scenario{} (with its seed) first");
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
        return sandbox_raise(L, "math.random: interval is empty");
    }
    uint64_t span = (uint64_t)hi - (uint64_t)lo;     /* hi - lo, exact in unsigned */
    lua_pushinteger(L, (lua_Integer)((uint64_t)lo + sandbox_random_below(s, bits, span)));
    return 1;
}

/* print() to stderr, control bytes escaped: a scenario cannot drive the user's terminal. */
static int sandbox_print(lua_State *L)
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
static void sandbox_reraise_limits(lua_State *L, int status)
{
    scen *s = sandbox_scen(L);
    if (status == LUA_ERRMEM) {
        s->out_of_memory = 1;
    }
    if (s->out_of_memory || s->limit_msg[0] != '\0') {
        lua_error(L);
    }
}

/* A failed protected call: limits pass through, other errors give (false, message). */
static int sandbox_pcall_failed(lua_State *L, int status)
{
    sandbox_scen(L)->budget -= SANDBOX_ERROR_COST / 100;   /* a caught error: unwinding, message */
    sandbox_reraise_limits(L, status);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
}

/* pcall(f, ...) as in Lua, except that the instruction and memory limits pass through. */
static int sandbox_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    if (status != LUA_OK) {
        return sandbox_pcall_failed(L, status);
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
static int sandbox_xpcall_handler(lua_State *L)
{
    scen *s = sandbox_scen(L);
    if (s->limit_msg[0] != '\0' || s->out_of_memory) {
        return 1;                        /* the error object, unchanged */
    }
    return sandbox_call_original(L, 1);
}

/* xpcall(f, handler, ...), with the same exception. */
static int sandbox_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, sandbox_xpcall_handler, 1);
    lua_replace(L, 2);
    lua_pushvalue(L, 1);                 /* f, handler, args..., f */
    lua_rotate(L, 3, 1);                 /* f, handler, f, args... */
    int status = lua_pcall(L, n - 2, LUA_MULTRET, 2);
    if (status != LUA_OK) {
        return sandbox_pcall_failed(L, status);
    }
    lua_pushboolean(L, 1);
    lua_replace(L, 2);                   /* f, true, results... */
    return lua_gettop(L) - 1;
}

/*
 * setmetatable without __gc: Lua runs finalizers with hooks disabled, so a
 * __gc could loop forever out of the instruction budget's reach.
 */
static int sandbox_setmetatable(lua_State *L)
{
    lua_pushliteral(L, "__gc");
    if (lua_type(L, 2) == LUA_TTABLE && lua_rawget(L, 2) != LUA_TNIL) {
        return sandbox_raise(L, "setmetatable: __gc is not allowed in scenarios");
    }
    lua_settop(L, 2);
    return sandbox_call_original(L, 1);
}

/* --- Guards of the C loops a scenario chooses: patterns, table functions ------------------ */

/* Repetition items (*, +, -, ?) in a Lua pattern; each multiplies the worst-case cost. */
static int sandbox_pattern_repeats(const char *pat, size_t len)
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
 * SANDBOX_PATTERN_COST; plain finds are linear and always allowed.
 */
static int sandbox_string_pattern(lua_State *L)
{
    const char *name = lua_tostring(L, lua_upvalueindex(2));
    size_t n = 0, plen = 0;
    luaL_checklstring(L, 1, &n);
    const char *pat = luaL_checklstring(L, 2, &plen);
    int plain = strcmp(name, "find") == 0 && lua_toboolean(L, 4);
    if (!plain) {
        int q = sandbox_pattern_repeats(pat, plen);
        if (pow((double)n + 1.0, (double)q + 1.0) * ((double)plen + 1.0) > SANDBOX_PATTERN_COST) {
            return sandbox_raise(L, "string.%s: pattern too costly for a scenario (%zu-byte "
                                 "subject, %d repetitions)", name, n, q);
        }
    }
    return sandbox_call_original(L, LUA_MULTRET);
}

/* Integer argument i, or dflt when absent or not an integer. */
static lua_Integer sandbox_int_arg(lua_State *L, int i, lua_Integer dflt)
{
    int isnum = 0;
    lua_Integer v = lua_tointegerx(L, i, &isnum);
    return isnum ? v : dflt;
}

/* Elements in [first, last], 0 if empty, without overflow. */
static lua_Integer sandbox_span(lua_Integer first, lua_Integer last)
{
    if (last < first) {
        return 0;
    }
    lua_Unsigned d = (lua_Unsigned)last - (lua_Unsigned)first;
    return d >= (lua_Unsigned)LUA_MAXINTEGER ? LUA_MAXINTEGER : (lua_Integer)d + 1;
}

/* Length of the table argument i (raw), or 0 if it is not a table. */
static lua_Integer sandbox_rawlen_arg(lua_State *L, int i)
{
    return lua_type(L, i) == LUA_TTABLE ? (lua_Integer)lua_rawlen(L, i) : 0;
}

/*
 * table.move/concat/unpack/insert/remove/sort loop in C over a range the
 * caller chooses (table.move({}, 1, 1e12, 1) is four instructions and 10^12
 * iterations): each element they visit is charged one instruction, up front.
 */
static int sandbox_table_call(lua_State *L)
{
    const char *name = lua_tostring(L, lua_upvalueindex(2));
    lua_Integer cost = 0;
    if (strcmp(name, "move") == 0) {
        cost = sandbox_span(sandbox_int_arg(L, 2, 1), sandbox_int_arg(L, 3, 0));
    } else if (strcmp(name, "concat") == 0) {
        cost = sandbox_span(sandbox_int_arg(L, 3, 1),
                            sandbox_int_arg(L, 4, sandbox_rawlen_arg(L, 1)));
    } else if (strcmp(name, "unpack") == 0) {
        cost = sandbox_span(sandbox_int_arg(L, 2, 1),
                            sandbox_int_arg(L, 3, sandbox_rawlen_arg(L, 1)));
    } else if (strcmp(name, "sort") == 0) {
        lua_Integer n = sandbox_rawlen_arg(L, 1);
        cost = n * (lua_Integer)(1 + log2((double)n + 1.0));
    } else if (strcmp(name, "insert") == 0) {
        /* insert(t, v) appends; insert(t, pos, v) shifts */
        lua_Integer n = sandbox_rawlen_arg(L, 1);
        cost = lua_gettop(L) >= 3 ? sandbox_span(sandbox_int_arg(L, 2, n + 1), n) + 1 : 1;
    } else {
        /* remove(t) pops; remove(t, pos) shifts */
        lua_Integer n = sandbox_rawlen_arg(L, 1);
        cost = lua_gettop(L) >= 2 ? sandbox_span(sandbox_int_arg(L, 2, n), n) + 1 : 1;
    }
    sandbox_charge(L, cost);
    return sandbox_call_original(L, LUA_MULTRET);
}

/* Replace each named function of library lib by fn, with upvalues (original, name). */
static void sandbox_wrap(lua_State *L, const char *lib, const char *const *names, lua_CFunction fn)
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

static void sandbox_guard_table(lua_State *L)
{
    static const char *const names[] = { "move", "concat", "unpack", "insert", "remove", "sort", NULL };
    sandbox_wrap(L, LUA_TABLIBNAME, names, sandbox_table_call);
}

static void sandbox_guard_patterns(lua_State *L)
{
    static const char *const names[] = { "find", "match", "gmatch", "gsub", NULL };
    sandbox_wrap(L, LUA_STRLIBNAME, names, sandbox_string_pattern);
    lua_getglobal(L, LUA_STRLIBNAME);
    lua_getfield(L, -1, "rep");
    lua_pushcclosure(L, sandbox_string_rep, 1);
    lua_setfield(L, -2, "rep");
    lua_pop(L, 1);
}

/* --- The state and its environment ----------------------------------------------------- */

static void sandbox_copy_global(lua_State *L, int env, const char *name)
{
    lua_getglobal(L, name);
    lua_setfield(L, env, name);
}

int sandbox_env_new(lua_State *L)
{
    static const char *const safe[] = {
        "assert", "error", "ipairs", "next", "pairs", "pcall", "rawequal", "rawget", "rawlen",
        "rawset", "select", "setmetatable", "getmetatable", "tonumber", "tostring", "type",
        "xpcall", "_VERSION", "string", "table", "math", NULL
    };
    lua_newtable(L);
    int env = lua_gettop(L);
    for (int i = 0; safe[i] != NULL; i++) {
        sandbox_copy_global(L, env, safe[i]);
    }
    return env;
}

/*
 * The loader's own names go in between sandbox_env_new and this call, so
 * the environment's keys are inserted in the same order as ever (its
 * iteration order, and so the "did you mean" of ties, depends on it).
 */
void sandbox_env_wrap(lua_State *L, int env)
{
    static const luaL_Reg funcs[] = {
        { "print", sandbox_print }, { "pcall", sandbox_pcall }, { "xpcall", sandbox_xpcall },
        { NULL, NULL }
    };
    luaL_setfuncs(L, funcs, 0);
    lua_getglobal(L, "setmetatable");
    lua_pushcclosure(L, sandbox_setmetatable, 1);
    lua_setfield(L, env, "setmetatable");
    lua_getfield(L, env, "math");
    lua_pushcfunction(L, sandbox_math_random);
    lua_setfield(L, -2, "random");
    lua_pushnil(L);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);
}

static void sandbox_open_libs(lua_State *L)
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
    sandbox_guard_patterns(L);
    sandbox_guard_table(L);
}

sim_err sandbox_open(scen *s)
{
    s->L = lua_newstate(sandbox_lua_alloc, s);
    if (s->L == NULL) {
        return SIM_ENOMEM;
    }
    sandbox_open_libs(s->L);
    lua_sethook(s->L, sandbox_hook, LUA_MASKCOUNT, SANDBOX_HOOK_EVERY);
    return SIM_OK;
}

void sandbox_rearm(scen *s)
{
    s->budget = s->in_callback ? SANDBOX_CALLBACK_INSTRUCTIONS : SANDBOX_CHUNK_INSTRUCTIONS;
    s->limit_msg[0] = '\0';
    s->out_of_memory = 0;
}

void sandbox_seed(scen *s, int64_t seed)
{
    s->lua_key = rng_key((uint64_t)seed, RNG_STREAM_LUA);
    s->have_seed = 1;
}

/* Turn a failed pcall's error object into one line. */
void sandbox_error_line(lua_State *L, int status, const scen *s, char *msg, size_t len)
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
