/*
 * mcf_glpk.c -- the only file that includes glpk.h: GLPK as an oracle for
 * the network simplex (see mcf_glpk.h).
 *
 * Error handling follows STYLE.md section 6. GLPK aborts the process on a
 * fatal error unless an error hook long-jumps out, and igraph in the same
 * process installs its own hook. So every GLPK entry here first installs OUR
 * hook with its own setjmp point; the hook calls glp_free_env(), which
 * invalidates every GLPK object, and long-jumps back. After a jump we never
 * touch (or delete) the graph or problem again. Terminal output is off
 * (glp_term_out(GLP_OFF), msg_lev = GLP_MSG_OFF).
 *
 * Costs: okalg is O(m * total supply) in the worst case; the simplex on the
 * LP is far slower than a network simplex. Both are for small test sizes.
 */
#include "mcf_glpk.h"

#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdlib.h>

#include <glpk.h>

typedef struct mcf_glpk_vdata {
    double rhs;         /* supply of the vertex */
} mcf_glpk_vdata;

typedef struct mcf_glpk_adata {
    double low;         /* lower bound */
    double cap;         /* capacity, DBL_MAX for none (LP only) */
    double cost;        /* unit cost */
    double x;           /* flow found by okalg */
    uint32_t index;     /* the arc's index in the mcf_problem */
} mcf_glpk_adata;

static void mcf_glpk_hook(void *info)
{
    jmp_buf *env = info;
    glp_free_env();
    longjmp(*env, 1);
}

/* Values must be exact in double for GLPK to be a fair oracle. */
static int mcf_glpk_exact(int64_t v)
{
    return v <= (INT64_C(1) << 53) && v >= -(INT64_C(1) << 53);
}

/* GLPK's objective back to int64: MCF_ERANGE unless it is finite and below
 * 2^53 in magnitude (past that a double is not an exact integer, and past
 * 2^63 llround's result is unspecified). */
static mcf_status mcf_glpk_round(double obj, int64_t *cost)
{
    if (!(fabs(obj) < 0x1p53)) {
        return MCF_ERANGE;
    }
    *cost = (int64_t)llround(obj);
    return MCF_OPTIMAL;
}

/* Build the glp_graph of p; NULL on bad data. Called with our hook installed. */
static glp_graph *mcf_glpk_graph(const mcf_problem *p)
{
    glp_graph *g = glp_create_graph(sizeof(mcf_glpk_vdata), sizeof(mcf_glpk_adata));
    if (p->n > 0) {
        glp_add_vertices(g, (int)p->n);
    }
    for (uint32_t v = 0; v < p->n; v++) {
        mcf_glpk_vdata *vd = g->v[v + 1]->data;
        vd->rhs = (double)p->supply[v];
    }
    for (uint32_t e = 0; e < p->m; e++) {
        glp_arc *a = glp_add_arc(g, (int)p->tail[e] + 1, (int)p->head[e] + 1);
        mcf_glpk_adata *ad = a->data;
        ad->low = (double)p->lower[e];
        ad->cap = (p->cap[e] == MCF_INF) ? DBL_MAX : (double)p->cap[e];
        ad->cost = (double)p->cost[e];
        ad->x = 0.0;
        ad->index = e;
    }
    return g;
}

static int mcf_glpk_check(const mcf_problem *p)
{
    for (uint32_t e = 0; e < p->m; e++) {
        if (!mcf_glpk_exact(p->lower[e]) || !mcf_glpk_exact(p->cost[e])
            || (p->cap[e] != MCF_INF && !mcf_glpk_exact(p->cap[e]))) {
            return 0;
        }
    }
    for (uint32_t v = 0; v < p->n; v++) {
        if (!mcf_glpk_exact(p->supply[v])) {
            return 0;
        }
    }
    return p->n < (uint32_t)INT32_MAX && p->m < (uint32_t)INT32_MAX;
}

mcf_status mcf_glpk_okalg(const mcf_problem *p, int64_t *cost)
{
    return mcf_glpk_okalg_flows(p, cost, NULL);
}

/* The flow okalg left on each arc, in p's arc order (the graph's arcs were added in that order). */
static void mcf_glpk_read_flows(glp_graph *g, const mcf_problem *p, int64_t *flow)
{
    for (uint32_t e = 0; e < p->m; e++) {
        flow[e] = 0;
    }
    for (int v = 1; v <= g->nv; v++) {
        for (glp_arc *a = g->v[v]->out; a != NULL; a = a->t_next) {
            const mcf_glpk_adata *ad = a->data;
            flow[ad->index] = (int64_t)llround(ad->x);
        }
    }
}

mcf_status mcf_glpk_okalg_flows(const mcf_problem *p, int64_t *cost, int64_t *flow)
{
    jmp_buf env;
    glp_graph *volatile g = NULL;
    if (!mcf_glpk_check(p)) {
        return MCF_ERANGE;
    }
    for (uint32_t e = 0; e < p->m; e++) {
        if (p->cap[e] == MCF_INF) {
            return MCF_EINPUT;
        }
    }
    glp_error_hook(mcf_glpk_hook, &env);
    if (setjmp(env) != 0) {
        return MCF_ESOLVER;     /* environment freed: g is gone */
    }
    glp_term_out(GLP_OFF);
    g = mcf_glpk_graph(p);
    double sol = 0.0;
    int ret = glp_mincost_okalg(g, offsetof(mcf_glpk_vdata, rhs),
                                offsetof(mcf_glpk_adata, low), offsetof(mcf_glpk_adata, cap),
                                offsetof(mcf_glpk_adata, cost), &sol,
                                offsetof(mcf_glpk_adata, x), -1);
    mcf_status st;
    if (ret == 0) {
        st = mcf_glpk_round(sol, cost);
        if (flow != NULL) {
            mcf_glpk_read_flows(g, p, flow);
        }
    } else if (ret == GLP_ENOPFS) {
        st = MCF_INFEASIBLE;
    } else if (ret == GLP_ERANGE) {
        st = MCF_ERANGE;
    } else if (ret == GLP_EDATA) {
        st = MCF_EINPUT;
    } else {
        st = MCF_ESOLVER;
    }
    glp_delete_graph(g);
    return st;
}

/* Run the primal simplex on lp (hook installed by the caller) and map the result. */
static mcf_status mcf_glpk_simplex(glp_prob *lp, int64_t *cost)
{
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;
    int ret = glp_simplex(lp, &parm);
    if (ret != 0) {
        return MCF_ESOLVER;
    }
    int status = glp_get_status(lp);
    if (status == GLP_OPT) {
        return mcf_glpk_round(glp_get_obj_val(lp), cost);
    }
    if (status == GLP_NOFEAS) {
        return MCF_INFEASIBLE;
    }
    if (status == GLP_UNBND) {
        return MCF_UNBOUNDED;
    }
    return MCF_ESOLVER;
}

mcf_status mcf_glpk_lp(const mcf_problem *p, int64_t *cost)
{
    jmp_buf env;
    glp_graph *volatile g = NULL;
    glp_prob *volatile lp = NULL;
    if (!mcf_glpk_check(p)) {
        return MCF_ERANGE;
    }
    glp_error_hook(mcf_glpk_hook, &env);
    if (setjmp(env) != 0) {
        return MCF_ESOLVER;     /* environment freed: g and lp are gone */
    }
    glp_term_out(GLP_OFF);
    g = mcf_glpk_graph(p);
    lp = glp_create_prob();
    glp_mincost_lp(lp, g, GLP_OFF, offsetof(mcf_glpk_vdata, rhs),
                   offsetof(mcf_glpk_adata, low), offsetof(mcf_glpk_adata, cap),
                   offsetof(mcf_glpk_adata, cost));
    mcf_status st = (p->m == 0) ? MCF_OPTIMAL : mcf_glpk_simplex(lp, cost);
    if (p->m == 0) {
        *cost = 0;
        for (uint32_t v = 0; v < p->n; v++) {
            if (p->supply[v] != 0) {
                st = MCF_INFEASIBLE;
            }
        }
    }
    glp_delete_prob(lp);
    glp_delete_graph(g);
    return st;
}

mcf_status mcf_glpk_clearing_lp(uint32_t n, uint32_t m, const uint32_t *debtor,
                                const uint32_t *creditor, const int64_t *amount,
                                int64_t *cleared)
{
    jmp_buf env;
    glp_prob *volatile lp = NULL;
    int *ia = NULL, *ja = NULL;
    double *ar = NULL;
    mcf_status st = MCF_ENOMEM;
    if (n >= (uint32_t)INT32_MAX / 2 || m >= (uint32_t)INT32_MAX / 2) {
        return MCF_ERANGE;
    }
    for (uint32_t e = 0; e < m; e++) {
        if (debtor[e] >= n || creditor[e] >= n || amount[e] < 0 || !mcf_glpk_exact(amount[e])) {
            return MCF_EINPUT;
        }
    }
    /* Allocated before the jump point so both exits can free them. */
    ia = malloc((2 * (size_t)m + 1) * sizeof *ia);
    ja = malloc((2 * (size_t)m + 1) * sizeof *ja);
    ar = malloc((2 * (size_t)m + 1) * sizeof *ar);
    if (ia == NULL || ja == NULL || ar == NULL) {
        goto done;
    }
    glp_error_hook(mcf_glpk_hook, &env);
    if (setjmp(env) != 0) {
        st = MCF_ESOLVER;       /* environment freed: lp is gone */
        goto done;
    }
    glp_term_out(GLP_OFF);
    lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MAX);
    if (n > 0) {
        glp_add_rows(lp, (int)n);
        for (uint32_t v = 0; v < n; v++) {
            glp_set_row_bnds(lp, (int)v + 1, GLP_FX, 0.0, 0.0);
        }
    }
    if (m == 0) {
        *cleared = 0;
        st = MCF_OPTIMAL;
        glp_delete_prob(lp);
        goto done;
    }
    glp_add_cols(lp, (int)m);
    int k = 0;
    for (uint32_t e = 0; e < m; e++) {
        int col = (int)e + 1;
        double a = (double)amount[e];
        glp_set_col_bnds(lp, col, a > 0 ? GLP_DB : GLP_FX, 0.0, a);
        glp_set_obj_coef(lp, col, 1.0);
        if (debtor[e] == creditor[e]) {
            continue;       /* a self-debt is a cycle of its own: no row entry */
        }
        k++;
        ia[k] = (int)debtor[e] + 1;
        ja[k] = col;
        ar[k] = 1.0;
        k++;
        ia[k] = (int)creditor[e] + 1;
        ja[k] = col;
        ar[k] = -1.0;
    }
    glp_load_matrix(lp, k, ia, ja, ar);
    st = mcf_glpk_simplex(lp, cleared);
    glp_delete_prob(lp);
done:
    free(ia);
    free(ja);
    free(ar);
    return st;
}
