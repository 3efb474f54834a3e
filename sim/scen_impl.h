/*
 * scen_impl.h -- the scenario loader's private header: struct scen and the
 * calls between the loader's files. Only those seven files include it.
 *
 * The loader is one subsystem in seven files, each with one job, and calls
 * flow one way, from the top down:
 *
 *   scen.c      the blocks (scenario, topology, links, models), the globals a
 *               scenario sees, loading, finishing, every() callbacks; the
 *               public API of scen.h
 *   placeread.c the explicit topology's named places and edges (topology{})
 *   resolved.c  the resolved configuration written back as Lua (run.lua)
 *   params.c    param{}: scenario parameters and their --set overrides
 *   timeline.c  at(), every(), report(), first_time() and the action
 *               constructors with their selectors
 *   field.c     typed readers of table fields against sim_param tables,
 *               --set overrides, "did you mean" suggestions
 *   sandbox.c   the Lua state and its limits (memory, instructions, C loops),
 *               the safe libraries, errors with file:line, the arena that
 *               owns the configuration
 *
 * A file calls only the files below it (scripts/layers.sh checks it on the
 * objects). The functions that take a lua_State run inside lua_pcall and
 * may raise: luaL_error long-jumps over C frames, so whatever they keep is
 * allocated from the sandbox's arena (sandbox_alloc), never with malloc.
 */
#ifndef MYCOSIM_SCEN_IMPL_H
#define MYCOSIM_SCEN_IMPL_H

#include <stdint.h>
#include <stdio.h>

#include <lauxlib.h>
#include <lua.h>

#include "config.h"
#include "scen.h"
#include "sim.h"

/* Metatable of action values (made by sandbox_open, hidden from getmetatable). */
#define SCEN_ACTION_MT "mycosim.action"

/* One --set KEY=VALUE, split. */
/* scen.in_callback: the chunk, an every() callback, a per-node function. */
enum { SCEN_IN_CHUNK = 0, SCEN_IN_EVERY = 1, SCEN_IN_PERNODE = 2, SCEN_IN_REPORT = 3 };

typedef struct scen_set {
    char block[64];
    char key[64];
    const char *text;        /* KEY=VALUE as given */
    const char *value;       /* after '=' */
    int used;                /* some block of the scenario applied it */
} scen_set;

typedef struct scen_loc {
    int line;                /* 0: block not given */
} scen_loc;

/* A place of the explicit topology and its node id, for lookups by name (field_index_places). */
typedef struct scen_place {
    const char *name;        /* owned by the arena, as topology.place_name[id] */
    uint32_t id;             /* index into topology.nodes, 0-based */
} scen_place;

struct scen {
    lua_State *L;            /* the sandbox; lives as long as the scen (every() callbacks) */
    sim_config cfg;          /* what the loader produces */
    char *path;              /* scenario file as given */
    void **owned;            /* every allocation reachable from cfg (sandbox_alloc) */
    size_t nowned, capowned;
    size_t mem_used;         /* bytes held by Lua and by the configuration (sandbox_alloc) */
    long budget;             /* instructions left */
    scen_set *sets;          /* --set overrides (field.c) */
    uint32_t nsets;
    int64_t seed_override;   /* -1: none */
    int have_seed;           /* math.random may draw */
    uint64_t lua_key, lua_ctr;   /* math.random's stream: key and counter */
    scen_loc scenario_at, topology_at, links_at;
    scen_loc *model_at;      /* per registered model */
    uint32_t captimeline, capevery, capmodels, capreports;
    int in_callback;         /* SCEN_IN_*: where Lua runs now (actions: at(), pending, refused) */
    int pending_ref;         /* Lua table of actions made in this callback */
    int made_ref;            /* Lua table of actions made by the chunk: each must reach at() */
    const scen_hooks *hooks; /* the run, inside a callback */
    sim_time now;            /* callback time */
    sim_err hook_err;        /* error returned by a hook */
    const char *override;    /* "--set k=v" being read, for messages */
    char limit_msg[320];     /* set when the instruction limit was hit: the final message */
    int out_of_memory;       /* the memory limit was hit (even if a pcall caught it) */
    scen_place *places;      /* explicit topology: its places sorted by name, else NULL */
    scen_loc param_at;       /* param{} */
    const char **param_names;   /* declared parameter names, sorted (arena) */
    uint32_t nparams;
    int param_ref;           /* Lua table name -> value after --set, or LUA_NOREF */
    int param_file_ref;      /* the table param{} was given (the file's defaults), or LUA_NOREF */
};

/* --- sandbox.c: the Lua state, its limits, errors, the arena ----------------- */

/* Create s->L: safe libraries, guards, the instruction hook; SIM_ENOMEM if Lua cannot start. */
sim_err sandbox_open(scen *s) SIM_MUST_CHECK;
/* A fresh instruction budget (chunk or callback, by s->in_callback); clears the limit flags. */
void sandbox_rearm(scen *s);
/* Seed math.random's stream from seed (the run's, or --seed). */
void sandbox_seed(scen *s, int64_t seed);
/* The scen that owns the Lua state L. */
scen *sandbox_scen(lua_State *L);
/* size zeroed bytes owned by s (freed by scen_free), counted against the memory limit; NULL if
 * over it (callers raise). */
void *sandbox_alloc(scen *s, size_t size);
/* A copy of str owned by s; NULL if over the memory limit. */
char *sandbox_strdup(scen *s, const char *str);
/* Append a zeroed slot to an owned array of elem-byte items at *arrp; raises on out of memory. */
void *sandbox_push_slot(lua_State *L, void *arrp, uint32_t *len, uint32_t *cap, size_t elem);
/* Line of the Lua code that called the running C function, or 0. */
int sandbox_line(lua_State *L);
/* Raise "file:line: message" (or "--set k=v: message"); never returns. */
int sandbox_raise(lua_State *L, const char *fmt, ...);
/* Raise "out of memory"; never returns. */
void sandbox_no_memory(lua_State *L);
/* Push a new environment table with the safe base functions and libraries; returns its index. */
int sandbox_env_new(lua_State *L);
/* Add the sandbox's print, pcall, xpcall, setmetatable and math.random to env. */
void sandbox_env_wrap(lua_State *L, int env);
/* One printable line "file:line: message" in msg for a failed lua_pcall's error on top of L. */
void sandbox_error_line(lua_State *L, int status, const scen *s, char *msg, size_t len);

/* --- field.c: typed fields against sim_param tables, --set ---------------------- */

/* Names of the latency laws, indexed by sim_dist_kind; NULL-terminated. */
extern const char *const field_dist_kinds[];
/* The nearest of names[0..count) to word, or NULL if none is close (Levenshtein). */
const char *field_nearest(const char *word, const char *const *names, size_t count);
/* The keys of params into out[0..max); returns how many. */
size_t field_param_keys(const sim_param *params, const char **out, size_t max);
/* 1 if the len bytes at name are a Lua identifier (letters, digits, _; not a digit first). */
int field_is_name(const char *name, size_t len);
/* Raise unless the function got exactly one table argument (name{ ... }). */
void field_one_table(lua_State *L, const char *name);
/* The finite number at idx; raises "ctx.key: expected number" otherwise. */
double field_number(lua_State *L, int idx, const char *ctx, const char *key);
/* Seconds v as ns: raises if outside [0, SIM_TIME_LIMIT_S] or a positive v rounds to 0 ns. */
sim_time field_time_ns(lua_State *L, const char *ctx, const char *key, double v);
/* Index of the string at idx in choices (NULL-terminated); raises with the valid ones otherwise. */
int field_enum(lua_State *L, int idx, const char *ctx, const char *key, const char *const *choices);
/* Raise unless table idx has only keys[0..nkeys) (nearest one suggested). */
void field_only_keys(lua_State *L, int idx, const char *ctx, const char *const *keys, size_t nkeys);
/* Raise "ctx.key: unknown key (did you mean 'k'?)" unless key is one of keys[0..nkeys). */
void field_known_key(lua_State *L, const char *ctx, const char *key, const char *const *keys,
                     size_t nkeys);
/* The length of the Lua sequence at idx; raises "ctx.key: expected a list" otherwise. */
lua_Integer field_list_len(lua_State *L, int idx, const char *ctx, const char *key);
/* Sort the explicit topology's places by name into s->places (arena); raises on out of memory. */
void field_index_places(lua_State *L);
/* Node id of the place called name; raises "ctx: no place named ..." (nearest suggested) or,
 * without named places, that names need topology{kind = "explicit"} first. O(log n). */
uint32_t field_place(lua_State *L, const char *ctx, const char *name);
/* Required number field key of table idx, in (min, max] if open, else [min, max]. */
double field_required_num(lua_State *L, int idx, const char *ctx, const char *key, double min,
                          int open, double max);
/* The parameter called key in params, "group.key" for a key of a group; NULL if none. */
const sim_param *field_find_param(const sim_param *params, const char *key);
/* Read the value at idx for p into cfg (at p->offset), checked for type and range. */
void field_read_value(lua_State *L, int idx, const char *ctx, const sim_param *p, void *cfg);
/* Check table idx against params plus extra keys (NULL-terminated, may be NULL); fill cfg. */
void field_read_table(lua_State *L, int idx, const char *ctx, const sim_param *params,
                      const char *const *extra, void *cfg);
/* field_read_table after applying block's --set overrides (each error names its --set). */
void field_read_block(lua_State *L, int idx, const char *block, const sim_param *params,
                      const char *const *extra, void *cfg);
/* Push a --set value as one Lua literal (a bare word is a string); raises on several values. */
void field_literal(lua_State *L, const char *value);
/* Put block's --set overrides into its table at idx and mark them used. */
void field_apply_sets(lua_State *L, int idx, const char *block);
/* The --set text that gave block.key, or NULL. */
const char *field_override_for(scen *s, const char *block, const char *key);

/* --- params.c: param{} and its --set overrides ------------------------------------ */

/* Put `param` (declare with param{...}, read with param.name) into the environment at env. */
void params_register(lua_State *L, int env);
/* After the chunk: SIM_EINPUT for a --set param.name that names no declared parameter. */
sim_err params_check_sets(const scen *s, char *msg, size_t len) SIM_MUST_CHECK;

/* --- timeline.c: at(), every() and the actions --------------------------------- */

/* Names of act_target, part_by (without "nodes") and part_mode values; NULL-terminated. */
extern const char *const timeline_targets[];
extern const char *const timeline_bys[];
extern const char *const timeline_modes[];
extern const char *const timeline_levels[];
/* Set at, every and the action constructors into the table on top of L. */
void timeline_register(lua_State *L);
/* 1 if name is an action constructor (fail, heal, ...), not at or every. */
int timeline_is_action(const char *name);
/* After the chunk: raise if an action it made can never reach at(). */
void timeline_check_scheduled(lua_State *L);
/* After a callback: apply, in order, the actions it made and did not schedule. */
sim_err timeline_apply_pending(scen *s) SIM_MUST_CHECK;

/* --- resolved.c: the configuration written back as Lua ------------------------- */

/* Write run.lua's text (blocks, at, every) to f; SIM_EIO if f has an error. */
sim_err resolved_write(const scen *s, FILE *f) SIM_MUST_CHECK;
/* Write one action as the Lua constructor that makes it again. */
void resolved_write_action(const scen *s, const sim_action *a, FILE *f);

/* --- placeread.c: the explicit topology's places and edges ----------------------- */

/*
 * Read `nodes` and `edges` of the topology table at idx into s->cfg.topology
 * (arena arrays, valid for the run) and index the places by name; raises
 * with file:line on any bad entry. O((n + m) log n).
 */
void placeread_topology(lua_State *L, int idx);

#endif
