/*
 * sweep_plan.c -- the plan of a sweep: the cartesian product of the --vary
 * values, and what each planned run is.
 *
 * Setting s is the s-th combination of the varied values (the last --vary
 * changes fastest; no --vary is one setting). A --vary's values are cut at
 * the commas outside brackets and quotes, so a Lua table literal is one
 * value. Replicate r of every setting uses seed base + r (common random
 * numbers: settings are compared on the same streams), where base is the
 * setting's scenario.seed (or --seed). Run (s, r) is the folder
 * run-SSSS-repR, its setting's means setting-SSSS. Every setting is loaded
 * and checked here before anything is written, and the scenario file's
 * bytes are hashed (FNV-1a, 64 bits) for the run markers (sweep_dir.c).
 */
#include "sweep_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scen.h"
#include "trace.h"

/* --- Parsing --vary ------------------------------------------------------- */

/*
 * Cut the values of a --vary at the commas that are not inside braces,
 * brackets, parentheses or quotes, so a table literal is one value. An empty
 * value (k=1,,2) or unbalanced brackets are errors, never a silent skip.
 */
static sim_err sweep_plan_split_values(char *buf, sweep_axis *ax, const char *spec, char *msg, size_t len)
{
    int depth = 0;
    char quote = 0;
    char *start = buf;
    for (char *c = buf;; c++) {
        if (quote != 0) {
            if (*c == '\\' && c[1] != '\0') {
                c++;
            } else if (*c == quote) {
                quote = 0;
            } else if (*c == '\0') {
                break;
            }
            continue;
        }
        if (*c == '"' || *c == '\'') {
            quote = *c;
        } else if (*c == '{' || *c == '[' || *c == '(') {
            depth++;
        } else if (*c == '}' || *c == ']' || *c == ')') {
            depth--;
        } else if ((*c == ',' && depth == 0) || *c == '\0') {
            int last = *c == '\0';
            *c = '\0';
            if (*start == '\0') {
                snprintf(msg, len, "--vary %s: value %u is empty", spec, ax->count + 1);
                return SIM_EINPUT;
            }
            if (ax->count == SWEEP_MAX_VALUES) {
                snprintf(msg, len, "--vary %s: at most %d values", ax->key, SWEEP_MAX_VALUES);
                return SIM_EINPUT;
            }
            ax->values[ax->count++] = start;
            start = c + 1;
            if (last) {
                break;
            }
        }
        if (depth < 0) {
            break;
        }
    }
    if (depth != 0 || quote != 0) {
        snprintf(msg, len, "--vary %s: unbalanced brackets or quotes", spec);
        return SIM_EINPUT;
    }
    return SIM_OK;
}

static sim_err sweep_plan_parse_axis(const char *spec, sweep_axis *ax, char *msg, size_t len)
{
    const char *eq = strchr(spec, '=');
    if (eq == NULL || eq == spec || eq[1] == '\0' || (size_t)(eq - spec) >= sizeof ax->key) {
        snprintf(msg, len, "--vary %s: expected KEY=V1,V2,...", spec);
        return SIM_EINPUT;
    }
    if (strlen(spec) >= SWEEP_SET_MAX) {
        snprintf(msg, len, "--vary: longer than %d bytes", SWEEP_SET_MAX - 1);
        return SIM_EINPUT;
    }
    memcpy(ax->key, spec, (size_t)(eq - spec));
    ax->key[eq - spec] = '\0';
    ax->buf = strdup(eq + 1);
    if (ax->buf == NULL) {
        return SIM_ENOMEM;
    }
    return sweep_plan_split_values(ax->buf, ax, spec, msg, len);
}

/* Parse every --vary into w->axes and count the settings. */
sim_err sweep_plan_parse_axes(sweep *w, char *msg, size_t len)
{
    const sweep_opts *o = w->o;
    for (uint32_t a = 0; a < w->naxes; a++) {
        SIM_TRY(sweep_plan_parse_axis(o->varies[a], &w->axes[a], msg, len));
        w->store[a] = malloc(SWEEP_SET_MAX);
        if (w->store[a] == NULL) {
            return SIM_ENOMEM;
        }
        for (uint32_t b = 0; b < a; b++) {
            if (strcmp(w->axes[a].key, w->axes[b].key) == 0) {
                snprintf(msg, len, "--vary %s: the key is varied twice; give its values once",
                         w->axes[a].key);
                return SIM_EINPUT;
            }
        }
        if (w->settings * (uint64_t)w->axes[a].count * o->reps > SWEEP_MAX_RUNS) {
            snprintf(msg, len, "sweep: more than %d runs (settings x reps)", SWEEP_MAX_RUNS);
            return SIM_EINPUT;
        }
        w->settings *= w->axes[a].count;
    }
    if (w->settings * (uint64_t)o->reps > SWEEP_MAX_RUNS) {
        snprintf(msg, len, "sweep: %u settings x %u reps is more than %d runs", w->settings, o->reps,
                 SWEEP_MAX_RUNS);
        return SIM_EINPUT;
    }
    w->total = w->settings * o->reps;
    return SIM_OK;
}

/* --- The plan: settings, their --set lists, names, seeds -------------------- */

/* Index of axis a's value in setting s (the last axis changes fastest). */
const char *sweep_plan_value(const sweep *w, uint32_t s, uint32_t a)
{
    for (uint32_t b = w->naxes; b-- > a + 1;) {
        s /= w->axes[b].count;
    }
    return w->axes[a].values[s % w->axes[a].count];
}

/* w->sets: the fixed --set list, then KEY=VALUE of each axis for setting s. */
void sweep_plan_sets(sweep *w, uint32_t s)
{
    for (uint32_t i = 0; i < w->o->nsets; i++) {
        w->sets[i] = w->o->sets[i];
    }
    for (uint32_t a = 0; a < w->naxes; a++) {
        snprintf(w->store[a], SWEEP_SET_MAX, "%s=%s", w->axes[a].key, sweep_plan_value(w, s, a));
        w->sets[w->o->nsets + a] = w->store[a];
    }
}

uint32_t sweep_plan_nsets(const sweep *w)
{
    return w->o->nsets + w->naxes;
}

void sweep_plan_run_name(const sweep *w, uint32_t i, char *out, size_t len)
{
    snprintf(out, len, "run-%04u-rep%u", i / w->o->reps, i % w->o->reps);
}

void sweep_plan_setting_name(uint32_t s, char *out, size_t len)
{
    snprintf(out, len, "setting-%04u", s);
}

/* Replicate r of every setting runs with the setting's seed + r. */
int64_t sweep_plan_seed(const sweep *w, uint32_t i)
{
    return w->base_seed[i / w->o->reps] + (int64_t)(i % w->o->reps);
}

/* "k1=v1 k2=v2" of setting s, one printable line. */
void sweep_plan_label(const sweep *w, uint32_t s, char *out, size_t len)
{
    char raw[1024];
    size_t k = 0;
    raw[0] = '\0';
    for (uint32_t a = 0; a < w->naxes && k < sizeof raw; a++) {
        k += (size_t)snprintf(raw + k, sizeof raw - k, "%s=%s ", w->axes[a].key,
                              sweep_plan_value(w, s, a));
    }
    trace_one_line(raw, out, len);
}

/* Load every setting once, so bad input fails before anything is written. */
sim_err sweep_plan_validate(sweep *w, char *msg, size_t len)
{
    for (uint32_t s = 0; s < w->settings; s++) {
        sweep_plan_sets(w, s);
        scen *sc = NULL;
        SIM_TRY(scen_load(w->o->file, w->sets, sweep_plan_nsets(w), w->o->seed, &sc, msg, len));
        const sim_config *c = scen_config(sc);
        w->base_seed[s] = c->scenario.seed;   /* --vary scenario.seed=... is a setting's seed */
        if (s == 0) {
            snprintf(w->dir, sizeof w->dir, "%s", w->o->out_dir);
            if (w->o->out_dir == NULL) {
                snprintf(w->dir, sizeof w->dir, "results/%s-sweep", c->scenario.name);
            }
            w->models = calloc(c->nmodels + 1, sizeof *w->models);
            for (uint32_t m = 0; w->models != NULL && m < c->nmodels; m++) {
                w->models[w->nmodels] = strdup(c->models[m].model->name);
                w->nmodels += w->models[w->nmodels] != NULL;
            }
        }
        int short_of_memory = w->models == NULL || w->nmodels != c->nmodels;
        scen_free(sc);
        if (short_of_memory) {
            return SIM_ENOMEM;
        }
    }
    return SIM_OK;
}

/* FNV-1a (64 bits) of the scenario file's bytes: what the marker records of the scenario. */
sim_err sweep_plan_hash_file(sweep *w, char *msg, size_t len)
{
    FILE *f = fopen(w->o->file, "rb");
    if (f == NULL) {
        snprintf(msg, len, "cannot read %s: %s", w->o->file, strerror(errno));
        return SIM_EIO;
    }
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int c; (c = getc(f)) != EOF;) {
        h = (h ^ (uint64_t)(unsigned char)c) * 0x100000001b3ULL;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(msg, len, "cannot read %s", w->o->file);
        return SIM_EIO;
    }
    w->hash = h;
    return SIM_OK;
}
