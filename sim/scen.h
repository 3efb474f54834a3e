/*
 * scen.h -- the scenario loader: a sandboxed Lua 5.4 chunk in, a sim_config out.
 *
 * scen_load() runs the scenario file in a sandbox (base, string, table and
 * math only; no io, os, load, loadfile, dofile, require; bounded instructions
 * and memory; math.random drawn from the run's seed). Block functions
 * (`scenario{}`, `topology{}`, `links{}`, one per registered model) and the
 * timeline functions (`at`, `every`, and the action constructors) check every
 * key against the parameter tables before anything is kept. The Lua state
 * stays alive for the run because every(dt, fn) callbacks live in it.
 * The loader is seven files behind this header (scen.c, placeread.c,
 * resolved.c, params.c, timeline.c, field.c, sandbox.c; map in
 * scen_impl.h); only they include the Lua headers.
 */
#ifndef MYCOSIM_SCEN_H
#define MYCOSIM_SCEN_H

#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "sim.h"

typedef struct scen scen;

/*
 * Load and validate path. sets are "KEY=VALUE" strings from --set, applied to
 * the named block's table before it is checked (values are Lua literals; a
 * bare word is a string). seed >= 0 overrides scenario.seed. On bad input
 * returns SIM_EINPUT with one line "file:line: block.key: what is wrong" in
 * msg; *out is NULL then.
 */
sim_err scen_load(const char *path, const char *const *sets, uint32_t nsets, int64_t seed,
                  scen **out, char *msg, size_t msg_len) SIM_MUST_CHECK;

/* The resolved configuration; owned by s. */
const sim_config *scen_config(const scen *s);

/* Write the resolved configuration as a re-runnable Lua chunk (run.lua, `check`). */
sim_err scen_write_resolved(const scen *s, FILE *f) SIM_MUST_CHECK;

/* Write one action as the Lua constructor that makes it again, e.g. `fail { count = 5 }`. */
void scen_write_action(const scen *s, const sim_action *a, FILE *f);

/* What an every() callback can reach in the run. */
typedef struct scen_hooks {
    void *ctx;
    /* Current value of a metric such as "gossip.informed"; 0 if the name is unknown. */
    int (*metric)(void *ctx, const char *name, double *value);
    /* Apply an action now (one the callback constructed and did not pass to at). */
    sim_err (*apply)(void *ctx, const sim_action *a);
    /* Schedule at(t, a) made from inside a callback; t >= now. */
    sim_err (*schedule)(void *ctx, sim_time t, const sim_action *a);
} scen_hooks;

/*
 * The per-node values of a key given as a table (by name or id; nodes not
 * named get key->value) or as a function of the node view {id, name,
 * degree, x, y, cell} (one call per node, each with its own instruction
 * budget; the view table is reused), into out[0 .. g->n - 1]. SIM_EINPUT
 * with "file:line: ..." in msg for an unknown name or id, an error raised by
 * the function, or a result that is not a number.
 */
sim_err scen_node_values(scen *s, const sim_pernode *key, const topo_graph *g, double *out,
                         char *msg, size_t msg_len) SIM_MUST_CHECK;

/*
 * Call every-callback idx at simulated time now. The callback gets a table
 * `sim` with sim.time (seconds) and sim.metric(name). Errors raised by the
 * callback come back as SIM_EINPUT with "file:line: message" in msg.
 */
sim_err scen_call_every(scen *s, uint32_t idx, sim_time now, const scen_hooks *hooks,
                        char *msg, size_t msg_len) SIM_MUST_CHECK;

/*
 * Call reporter idx (report() or first_time()) at time now, as an every()
 * callback but unable to make actions: *value is the number it returned
 * (report; a boolean counts 1 or 0) or 1/0 for true/false (first_time).
 * SIM_EINPUT with "file:line: ..." for an error or a result of another type.
 */
sim_err scen_call_report(scen *s, uint32_t idx, sim_time now, const scen_hooks *hooks, double *value,
                         char *msg, size_t msg_len) SIM_MUST_CHECK;

/* Free the Lua state and everything the config points to; NULL-safe. */
void scen_free(scen *s);

#endif
