/*
 * resolved.c -- the resolved configuration written back as Lua: run.lua and
 * the output of `mycosim check`.
 *
 * The text is a scenario that mycosim runs again to the same result: every
 * block with every key, defaults included, in parameter-table order; the
 * timeline as at() calls in time order; each every(), report() and
 * first_time() function copied from the scenario file. Numbers are written as the shortest of %.15g and %.17g
 * that reads back as the same double, times in seconds from their exact
 * nanoseconds, strings as Lua literals with quotes, backslashes and control
 * bytes escaped (a name cannot inject code into run.lua), and a topology
 * file's relative path made absolute so run.lua works from any folder. An
 * explicit topology is written place by place and edge by edge, and the
 * node lists of actions by place name when the topology has names (model
 * keys such as gossip.origins as ids): the same ids when read back, as
 * places keep their list order.
 *
 * An every() function is not data: its source is copied from the file, from
 * a "function" on its first line to the first "end" on its last line that
 * makes the text compile as one expression (compiled, never run). Upvalues
 * of the original chunk are not carried, and run.lua says so.
 *
 * It only reads the configuration. Actions that every() callbacks apply or
 * schedule during a run are noted in run.lua as comments by run.c, written
 * by resolved_write_action (through scen_write_action).
 */
#define _XOPEN_SOURCE 700   /* realpath(), for the absolute topology path in run.lua */

#include "scen_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- Values as Lua literals -------------------------------------------------------------- */

/* Shortest of %.15g and %.17g that reads back as the same double; non-finite as Lua expressions. */
static void resolved_put_num(FILE *f, double v)
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
static void resolved_put_string(FILE *f, const char *str)
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

static void resolved_put_nodes(FILE *f, const sim_nodeset *ns, int fraction)
{
    if (ns->ids == NULL && fraction) {
        fprintf(f, "%.17g", ns->fraction);
        return;
    }
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

/* A node list with the explicit topology's place names where it has them, else ids. */
static void resolved_put_places(FILE *f, const scen *s, const sim_nodeset *ns, int fraction)
{
    const topo_cfg *t = &s->cfg.topology;
    if (ns->ids == NULL || s->places == NULL) {
        resolved_put_nodes(f, ns, fraction);
        return;
    }
    fputc('{', f);
    for (uint32_t i = 0; i < ns->count; i++) {
        fputs(i ? ", " : " ", f);
        if (ns->ids[i] < t->places) {
            resolved_put_string(f, t->place_name[ns->ids[i]]);
        } else {
            fprintf(f, "%u", ns->ids[i]);   /* refused by the run (act_check), kept as written */
        }
    }
    fputs(" }", f);
}

static void resolved_put_dist(FILE *f, const sim_dist *d)
{
    static const char *const names[][2] = {
        { "value", NULL }, { "min", "max" }, { "mean", NULL }, { "mean", "sd" },
        { "median", "sigma" }, { "scale", "shape" }
    };
    if (d->kind == SIM_DIST_PER_DISTANCE) {
        fputs("{ per_distance = ", f);
        resolved_put_num(f, d->a);
        fputs(", base = ", f);
        resolved_put_num(f, d->b);
        fputs(" }", f);
        return;
    }
    fprintf(f, "{ dist = \"%s\", %s = ", field_dist_kinds[d->kind], names[d->kind][0]);
    resolved_put_num(f, d->a);
    if (names[d->kind][1] != NULL) {
        fprintf(f, ", %s = ", names[d->kind][1]);
        resolved_put_num(f, d->b);
    }
    fputs(" }", f);
}

/* --- Scenario parameters ----------------------------------------------------------------- */

/* A table key: ids first in order, then names in byte order (Lua's own order is not reproducible). */
typedef struct resolved_key {
    const char *name;        /* NULL for an integer key */
    lua_Integer id;
} resolved_key;

static int resolved_key_cmp(const void *pa, const void *pb)
{
    const resolved_key *a = pa, *b = pb;
    if ((a->name == NULL) != (b->name == NULL)) {
        return a->name == NULL ? -1 : 1;
    }
    if (a->name == NULL) {
        return a->id < b->id ? -1 : (a->id > b->id);
    }
    return strcmp(a->name, b->name);
}

static void resolved_put_lua(FILE *f, lua_State *L, int idx);

/* The table at idx as a constructor with sorted keys (params.c allows names and integers). */
static void resolved_put_lua_table(FILE *f, lua_State *L, int idx)
{
    size_t n = 0, cap = 0;
    resolved_key *k = NULL;
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        lua_pop(L, 1);
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            resolved_key *grown = realloc(k, cap * sizeof *k);
            if (grown == NULL) {
                lua_pop(L, 1);
                break;
            }
            k = grown;
        }
        int named = lua_type(L, -1) == LUA_TSTRING;
        k[n].name = named ? lua_tostring(L, -1) : NULL;   /* kept alive by the table */
        k[n++].id = named ? 0 : lua_tointeger(L, -1);
    }
    if (n > 0) {   /* qsort(NULL, 0, ...) is undefined */
        qsort(k, n, sizeof *k, resolved_key_cmp);
    }
    fputc('{', f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : " ", f);
        if (k[i].name != NULL && field_is_name(k[i].name, strlen(k[i].name))) {
            fprintf(f, "%s = ", k[i].name);
            lua_getfield(L, idx, k[i].name);
        } else if (k[i].name != NULL) {
            fputc('[', f);
            resolved_put_string(f, k[i].name);
            fputs("] = ", f);
            lua_getfield(L, idx, k[i].name);
        } else {
            fprintf(f, "[%lld] = ", (long long)k[i].id);
            lua_geti(L, idx, k[i].id);
        }
        resolved_put_lua(f, L, -1);
        lua_pop(L, 1);
    }
    fputs(n ? " }" : "}", f);
    free(k);
}

/* A parameter value (number, string, boolean, or a table of those) as a Lua literal. */
static void resolved_put_lua(FILE *f, lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            fprintf(f, "%lld", (long long)lua_tointeger(L, idx));
        } else {
            resolved_put_num(f, lua_tonumber(L, idx));
        }
        break;
    case LUA_TSTRING:
        resolved_put_string(f, lua_tostring(L, idx));
        break;
    case LUA_TBOOLEAN:
        fputs(lua_toboolean(L, idx) ? "true" : "false", f);
        break;
    case LUA_TTABLE:
        resolved_put_lua_table(f, L, idx);
        break;
    default:
        fputs("nil", f);
    }
}

/*
 * param { ... } with the values the run used, names sorted; before it, one
 * comment per value a --set changed, with the file's default.
 */
static void resolved_put_params(FILE *f, const scen *s)
{
    lua_State *L = s->L;
    if (s->param_ref == LUA_NOREF) {
        return;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->param_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->param_file_ref);
    int vals = lua_gettop(L) - 1, file = vals + 1;
    for (uint32_t i = 0; i < s->nparams; i++) {
        lua_getfield(L, vals, s->param_names[i]);
        lua_getfield(L, file, s->param_names[i]);
        if (!lua_rawequal(L, -1, -2)) {
            fprintf(f, "-- param.%s: set on the command line; the file says ", s->param_names[i]);
            resolved_put_lua(f, L, -1);
            fputc('\n', f);
        }
        lua_pop(L, 2);
    }
    fputs("param {", f);
    for (uint32_t i = 0; i < s->nparams; i++) {
        fprintf(f, "%s%s = ", i ? ", " : " ", s->param_names[i]);
        lua_getfield(L, vals, s->param_names[i]);
        resolved_put_lua(f, L, -1);
        lua_pop(L, 1);
    }
    fputs(s->nparams ? " }\n" : "}\n", f);
    lua_pop(L, 2);
}

/* One entry of a per-node table: its key first, so resolved_key_cmp sorts entries too. */
typedef struct resolved_entry {
    resolved_key key;
    double value;
} resolved_entry;

/* A per-node table, its keys sorted (Lua's order is not reproducible). */
static void resolved_put_node_table(FILE *f, const scen *s, int ref)
{
    lua_State *L = s->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    size_t n = 0, cap = 0;
    resolved_entry *e = NULL;
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            resolved_entry *grown = realloc(e, cap * sizeof *e);
            if (grown == NULL) {
                lua_pop(L, 2);
                break;
            }
            e = grown;
        }
        int named = lua_type(L, -2) == LUA_TSTRING;
        e[n].key.name = named ? lua_tostring(L, -2) : NULL;   /* kept alive by the table */
        e[n].key.id = named ? 0 : lua_tointeger(L, -2);
        e[n].value = lua_tonumber(L, -1);
        n++;
        lua_pop(L, 1);
    }
    if (n > 0) {
        qsort(e, n, sizeof *e, resolved_key_cmp);
    }
    fputc('{', f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", [" : " [", f);
        if (e[i].key.name != NULL) {
            resolved_put_string(f, e[i].key.name);
        } else {
            fprintf(f, "%lld", (long long)e[i].key.id);
        }
        fputs("] = ", f);
        resolved_put_num(f, e[i].value);
    }
    fputs(" }", f);
    free(e);
    lua_pop(L, 1);
}

static void resolved_put_function(FILE *f, const scen *s, int ref);

static void resolved_put_pernode(FILE *f, const scen *s, const sim_pernode *pn)
{
    switch (pn->kind) {
    case SIM_PERNODE_NUMBER:
        resolved_put_num(f, pn->value);
        break;
    case SIM_PERNODE_DIST:
        resolved_put_dist(f, &pn->dist);
        break;
    case SIM_PERNODE_TABLE:
        resolved_put_node_table(f, s, pn->ref);
        break;
    case SIM_PERNODE_FUNCTION:
        resolved_put_function(f, s, pn->ref);
        break;
    }
}

static void resolved_put_value(FILE *f, const scen *s, const sim_param *p, const void *cfg)
{
    const char *v = (const char *)cfg + p->offset;
    switch (p->type) {
    case SIM_PT_INT:
        fprintf(f, "%lld", (long long)*(const int64_t *)(const void *)v);
        break;
    case SIM_PT_NUM:
        resolved_put_num(f, *(const double *)(const void *)v);
        break;
    case SIM_PT_TIME:
        resolved_put_num(f, sim_time_to_s(*(const sim_time *)(const void *)v));
        break;
    case SIM_PT_BOOL:
        fputs(*(const int *)(const void *)v ? "true" : "false", f);
        break;
    case SIM_PT_ENUM:
        resolved_put_string(f, p->choices[*(const int *)(const void *)v]);
        break;
    case SIM_PT_STR: {
        const char *str = *(const char *const *)(const void *)v;
        resolved_put_string(f, str ? str : "");
        break;
    }
    case SIM_PT_NODES:
        resolved_put_places(f, s, (const sim_nodeset *)(const void *)v, (p->flags & SIM_PF_FRACTION) != 0);
        break;
    case SIM_PT_DIST:
        resolved_put_dist(f, (const sim_dist *)(const void *)v);
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
    case SIM_PT_PERNODE:
        resolved_put_pernode(f, s, (const sim_pernode *)(const void *)v);
        break;
    case SIM_PT_GROUP:   /* written by resolved_put_keys */
        break;
    case SIM_PT_STRLIST: {
        const sim_strlist *l = (const sim_strlist *)(const void *)v;
        fputc('{', f);
        for (uint32_t i = 0; i < l->count; i++) {
            fputs(i ? ", " : " ", f);
            resolved_put_string(f, l->names[i]);
        }
        fputs(" }", f);
        break;
    }
    case SIM_PT_PERNODE_MAP: {
        const sim_pernode_map *m = (const sim_pernode_map *)(const void *)v;
        fputc('{', f);
        for (uint32_t i = 0; i < m->count; i++) {
            fprintf(f, "%s%s = ", i ? ", " : " ", m->names[i]);
            resolved_put_pernode(f, s, &m->values[i]);
        }
        fputs(" }", f);
        break;
    }
    }
}

static void resolved_put_keys(FILE *f, const scen *s, const sim_param *params, const void *cfg,
                              int first)
{
    for (const sim_param *p = params; p->key != NULL; p++) {
        const char *v = (const char *)cfg + p->offset;
        if (p->type == SIM_PT_STR && *(const char *const *)(const void *)v == NULL) {
            continue;
        }
        if (p->type == SIM_PT_NODES && !(p->flags & SIM_PF_FRACTION)
            && ((const sim_nodeset *)(const void *)v)->count == 0) {
            continue;   /* only a default of 0 gives none; a scenario cannot write it */
        }
        if (p->type == SIM_PT_STRLIST && ((const sim_strlist *)(const void *)v)->count == 0) {
            continue;   /* likewise */
        }
        fprintf(f, "%s %s = ", first ? "" : ",", p->key);
        if (p->type == SIM_PT_GROUP) {
            fputc('{', f);
            resolved_put_keys(f, s, p->fields, cfg, 1);
            fputs(" }", f);
        } else {
            resolved_put_value(f, s, p, cfg);
        }
        first = 0;
    }
}

static void resolved_put_block(FILE *f, const scen *s, const char *name, const char *lead,
                               const sim_param *params, const void *cfg)
{
    fprintf(f, "%s {%s", name, lead ? lead : "");
    resolved_put_keys(f, s, params, cfg, lead == NULL);
    fputs(" }\n", f);
}

/* --- Actions, functions, the whole file ---------------------------------------------------- */

/* A shock's values: the keys it was given, after its selector. */
static void resolved_put_shock(FILE *f, const sim_action *a)
{
    if (a->resource != NULL) {
        fputs(", resource = ", f);
        resolved_put_string(f, a->resource);
    }
    static const char *const names[] = { "supply", "demand", "capacity" };
    const double values[] = { a->supply, a->demand, a->capacity };
    for (int i = 0; i < 3; i++) {
        if (a->shock_given & (1u << i)) {
            fprintf(f, ", %s = ", names[i]);
            resolved_put_num(f, values[i]);
        }
    }
    if (a->duration > 0) {
        fputs(", duration = ", f);
        resolved_put_num(f, sim_time_to_s(a->duration));
    }
}

void resolved_write_action(const scen *s, const sim_action *a, FILE *f)
{
    fprintf(f, "%s {", act_name(a->kind));
    const char *sep = " ";
    if (a->kind == ACT_FAIL || a->kind == ACT_RECOVER || a->kind == ACT_ISOLATE
        || a->kind == ACT_RELEASE || a->kind == ACT_SHOCK) {
        if (a->kind == ACT_ISOLATE) {
            fprintf(f, " level = \"%s\",", timeline_levels[a->level - 1]);
        }
        if (a->nodes.ids != NULL) {
            fputs(" nodes = ", f);
            resolved_put_places(f, s, &a->nodes, 0);
            sep = ", ";
        } else {
            fprintf(f, " target = \"%s\"", timeline_targets[a->target]);
            sep = ", ";
        }
        if (a->fraction >= 0) {
            fprintf(f, "%sfraction = ", sep);
            resolved_put_num(f, a->fraction);
        }
        if (a->count >= 0) {
            fprintf(f, "%scount = %lld", sep, (long long)a->count);
        }
        if (a->target == TARGET_CELL) {
            fprintf(f, "%scell = %lld", sep, (long long)a->cell);
        }
        if (a->kind == ACT_SHOCK) {
            resolved_put_shock(f, a);
        }
    } else if (a->kind == ACT_PARTITION) {
        if (a->by == PART_NODES) {
            fputs(" nodes = ", f);
            resolved_put_places(f, s, &a->nodes, 0);
        } else {
            fprintf(f, " by = \"%s\", groups = %d", timeline_bys[a->by], a->groups);
        }
        fprintf(f, ", mode = \"%s\"", timeline_modes[a->mode]);
        sep = ", ";
    } else if (a->kind == ACT_SET) {
        for (uint32_t i = 0; i < a->nsettings; i++) {
            const act_setting *st = &a->settings[i];
            const char *block = st->block < 0 ? "links" : s->cfg.models[st->block].model->name;
            fprintf(f, "%s[\"%s.%s\"] = ", i ? ", " : " ", block, st->param->key);
            double v = st->param->type == SIM_PT_TIME ? st->num / SIM_NS_PER_S : st->num;
            if (st->param->type == SIM_PT_ENUM) {
                resolved_put_string(f, st->param->choices[(int)st->num]);
            } else if (st->param->type == SIM_PT_BOOL) {
                fputs(st->num != 0 ? "true" : "false", f);
            } else {
                resolved_put_num(f, v);
            }
        }
    }
    if ((a->kind != ACT_SET && a->kind != ACT_HEAL && a->kind != ACT_STOP) &&
        ((a->kind == ACT_PARTITION && a->by == PART_REGION) || (a->kind != ACT_PARTITION && a->target == TARGET_REGION))) {
        fprintf(f, "%sregion = { x = ", sep);
        resolved_put_num(f, a->rx);
        fputs(", y = ", f);
        resolved_put_num(f, a->ry);
        fputs(", r = ", f);
        resolved_put_num(f, a->rr);
        fputs(" }", f);
    }
    fputs(" }", f);
}

/* Lines first..last of path, joined, malloc'd; *first_len is the length of the first line. */
static char *resolved_read_lines(const char *path, int first, int last, size_t *first_len)
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
static int resolved_is_expression(lua_State *L, const char *text, size_t len)
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
static void resolved_put_function(FILE *f, const scen *s, int ref)
{
    lua_State *L = s->L;
    lua_Debug ar;
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_getinfo(L, ">S", &ar);
    size_t first_len = 0;
    char *buf = resolved_read_lines(s->path, ar.linedefined, ar.lastlinedefined, &first_len);
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
            if (resolved_is_expression(L, text, body + 8)) {
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

/* ", key = value" if a (may be NULL) gives element i (not NaN). */
static void resolved_put_given(FILE *f, const char *key, const double *a, uint64_t i)
{
    if (a != NULL && !isnan(a[i])) {
        fprintf(f, ", %s = ", key);
        resolved_put_num(f, a[i]);
    }
}

/* The explicit kind's places and edges, one a line, in list order (ids are positions). */
static void resolved_put_explicit(FILE *f, const topo_cfg *t)
{
    fputs("topology { kind = \"explicit\",\n  nodes = {\n", f);
    for (uint64_t v = 0; v < t->places; v++) {
        fputs("    { name = ", f);
        resolved_put_string(f, t->place_name[v]);
        resolved_put_given(f, "x", t->place_x, v);
        resolved_put_given(f, "y", t->place_y, v);
        fputs(" },\n", f);
    }
    fputs("  },\n  edges = {\n", f);
    for (uint64_t e = 0; e < t->edges; e++) {
        fputs("    { ", f);
        resolved_put_string(f, t->place_name[t->edge_from[e]]);
        fputs(", ", f);
        resolved_put_string(f, t->place_name[t->edge_to[e]]);
        resolved_put_given(f, "distance", t->edge_distance, e);
        resolved_put_given(f, "capacity", t->edge_capacity, e);
        fputs(" },\n", f);
    }
    fputs("  } }\n", f);
}

/* The topology block with a file path made absolute, so run.lua works from any folder. */
static void resolved_put_topology(FILE *f, const scen *s)
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
    if (t.kind == TOPO_EXPLICIT) {
        resolved_put_explicit(f, &t);
        return;
    }
    char lead[64];
    snprintf(lead, sizeof lead, " kind = \"%s\"", topo_kinds[t.kind]);
    resolved_put_block(f, s, "topology", lead, topo_params(t.kind), &t);
    free(abs);
}

sim_err resolved_write(const scen *s, FILE *f)
{
    const sim_config *c = &s->cfg;
    fprintf(f, "-- mycosim %s: resolved configuration of %s, seed %lld\n", MYCOSIM_VERSION,
            s->path, (long long)c->scenario.seed);
    fputs("-- Every key is shown with its value, defaults included. Run it with: mycosim run run.lua\n", f);
    resolved_put_params(f, s);
    resolved_put_block(f, s, "scenario", NULL, scenario_params, &c->scenario);
    resolved_put_topology(f, s);
    resolved_put_block(f, s, "links", NULL, links_params, &c->links);
    for (uint32_t m = 0; m < c->nmodels; m++) {
        resolved_put_block(f, s, c->models[m].model->name, NULL, c->models[m].model->params, c->models[m].cfg);
    }
    for (uint32_t i = 0; i < c->ntimeline; i++) {
        fputs("at(", f);
        resolved_put_num(f, sim_time_to_s(c->timeline[i].time));
        fputs(", ", f);
        resolved_write_action(s, &c->timeline[i].action, f);
        fputs(")\n", f);
    }
    for (uint32_t i = 0; i < c->nevery; i++) {
        fputs("-- every() body copied from the scenario; upvalues of the original chunk are not carried\n", f);
        fputs("every(", f);
        resolved_put_num(f, sim_time_to_s(c->every[i].period));
        fputs(", ", f);
        resolved_put_function(f, s, c->every[i].fn_ref);
        fputs(")\n", f);
    }
    for (uint32_t i = 0; i < c->nreports; i++) {
        const sim_report *r = &c->reports[i];
        fprintf(f, "%s(", r->kind == SIM_REPORT_COLUMN ? "report" : "first_time");
        resolved_put_string(f, r->name);
        fputs(", ", f);
        resolved_put_function(f, s, r->fn_ref);
        fputs(")\n", f);
    }
    return ferror(f) ? SIM_EIO : SIM_OK;
}
