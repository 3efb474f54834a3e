/*
 * tune_root.c -- the root search of `mycosim tune`, over an evaluate
 * callback: no files, no processes, so the tests drive it with synthetic
 * curves.
 *
 * The root. Both ends of the range are evaluated first; the target must
 * lie between the two end means (else SIM_EINPUT naming both). Then GSL's
 * Brent-Dekker bracketing solver (gsl_root_fsolver_brent: inverse
 * quadratic interpolation with bisection as a fallback, so the bracket
 * always shrinks) runs on f(x) = mean(x) - target until the bracket is
 * narrower than xtol x (HI - LO) (TUNE_XTOL = 1e-3 by default: an
 * absolute tolerance relative to the range, so a root near 0 does not ask
 * for more digits than one far from it) or the evaluations run out. The
 * value reported is the evaluated point of the last bracket whose mean is
 * closest to the target, so it is always a point that was run.
 *
 * The 95% interval, by test inversion: the set of x at which the target
 * lies inside mean(x) +- ci95(x), i.e. where a t-test of "mean(x) =
 * target" at level 5% does not reject, taken as the stretch of that set
 * around the root. With the mean rising in x (sigma = +1; -1 when it
 * falls), its lower end is where g_lo(x) = mean + sigma ci95 - target
 * crosses 0 and its upper end where g_hi(x) = mean - sigma ci95 - target
 * does. Each crossing is bracketed by two adjacent evaluated points on its
 * side of the root where g changes sign (the one nearest the root), then
 * found by Brent at a coarser tolerance (10 x xtol) and placed by linear
 * interpolation inside the last bracket. No sign change on a side: the
 * interval is clipped to LO or HI on that side (clipped_low,
 * clipped_high). One replicate has no ci95: no interval. The interval is
 * widened to hold the value when the root's own tolerance puts the value
 * just outside it. Evaluations are cached by exact x, so the solver never
 * runs a point twice (GSL evaluates the ends again in its set call).
 *
 * Cost: at most max_evals evaluations in all; a smooth curve needs about
 * 8 to 12 for the root and 2 to 5 per end of the interval.
 */
#include "tune.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#define TUNE_CROSS_TOL 10.0        /* interval crossings: this x the root's tolerance */
#define TUNE_MAX_ITER (4 * TUNE_MAX_EVALS)   /* Brent iterations (guards a bracket at double precision) */

/* The search's state, passed to GSL's function as its params. */
typedef struct tune_ctx {
    const tune_problem *p;
    tune_eval_fn eval;
    void *user;                /* the caller's context for eval */
    tune_result *r;
    double ci_sign;            /* the function is mean + ci_sign ci95 - target */
    tune_step step;            /* what a new evaluation is for */
    sim_err err;               /* the first failed evaluation's error */
    int out_of_evals;          /* max_evals reached */
    char *msg;
    size_t len;
} tune_ctx;

const char *tune_step_name(tune_step s)
{
    static const char *const names[] = { "lo", "hi", "brent", "interval" };
    return names[s];
}

const char *tune_status_name(tune_status s)
{
    static const char *const names[] = { "converged", "max_evals", "interrupted", "not_reached",
                                         "failed" };
    return names[s];
}

const char *tune_interval_name(tune_interval iv)
{
    static const char *const names[] = { "none", "ok", "clipped_low", "clipped_high", "clipped" };
    return names[iv];
}

/* --- Evaluations, cached by exact x ------------------------------------------------- */

static const tune_point *tune_find(const tune_result *r, double x)
{
    for (uint32_t i = 0; i < r->npoints; i++) {
        if (r->points[i].x == x) {
            return &r->points[i];
        }
    }
    return NULL;
}

/* The point at x: cached, or evaluated now; NULL once an evaluation failed or none is left. */
static const tune_point *tune_at(tune_ctx *c, double x)
{
    const tune_point *q = tune_find(c->r, x);
    if (q != NULL || c->err != SIM_OK || c->out_of_evals) {
        return q;
    }
    if (c->r->npoints >= c->p->max_evals) {
        c->out_of_evals = 1;
        return NULL;
    }
    tune_point *pt = &c->r->points[c->r->npoints];
    memset(pt, 0, sizeof *pt);
    sim_err err = c->eval(c->user, x, c->step, pt, c->msg, c->len);
    pt->x = x;
    pt->step = c->step;
    if (err == SIM_OK && !isfinite(pt->mean)) {
        snprintf(c->msg, c->len, "%s: the mean is not a number at %.10g", c->p->metric, x);
        err = SIM_EINPUT;
    }
    if (err != SIM_OK) {
        c->err = err;
        return NULL;
    }
    c->r->npoints++;
    return pt;
}

/* The function searched, at an evaluated point. */
static double tune_g(const tune_ctx *c, const tune_point *q)
{
    double off = c->ci_sign != 0 ? c->ci_sign * q->ci95 : 0.0;
    return q->mean + off - c->p->target;
}

static double tune_gsl_f(double x, void *params)
{
    tune_ctx *c = params;
    const tune_point *q = tune_at(c, x);
    return q != NULL ? tune_g(c, q) : NAN;    /* NaN: GSL stops with GSL_EBADFUNC */
}

/* --- Brent on [a, b] ------------------------------------------------------------------ */

/* A Brent search's last bracket, and whether it got narrower than its tolerance. */
typedef struct tune_bracket {
    double lo, hi;
    int converged;
} tune_bracket;

/*
 * Brent on c's function over [a, b], whose ends are evaluated with g of
 * opposite signs, until the bracket is narrower than tol x (HI - LO) or an
 * evaluation fails or none is left (c->err, c->out_of_evals). SIM_OK then;
 * SIM_ESOLVER if GSL fails on its own; SIM_ENOMEM.
 */
static sim_err tune_brent(tune_ctx *c, double a, double b, double tol, tune_bracket *br)
{
    gsl_function f = { .function = tune_gsl_f, .params = c };
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (s == NULL) {
        snprintf(c->msg, c->len, "out of memory");
        return SIM_ENOMEM;
    }
    double width = fmax(tol * (c->p->hi - c->p->lo),
                        4 * DBL_EPSILON * fmax(fabs(c->p->lo), fabs(c->p->hi)));
    int st = gsl_root_fsolver_set(s, &f, a, b);
    *br = (tune_bracket){ .lo = a, .hi = b };
    for (int it = 0; st == GSL_SUCCESS && !br->converged; it++) {
        br->lo = gsl_root_fsolver_x_lower(s);
        br->hi = gsl_root_fsolver_x_upper(s);
        br->converged = br->hi - br->lo < width || it == TUNE_MAX_ITER;
        if (!br->converged) {
            st = gsl_root_fsolver_iterate(s);
        }
    }
    gsl_root_fsolver_free(s);
    if (st != GSL_SUCCESS && c->err == SIM_OK && !c->out_of_evals) {
        snprintf(c->msg, c->len, "tune: GSL's Brent solver failed: %s", gsl_strerror(st));
        return SIM_ESOLVER;
    }
    return SIM_OK;
}

/* The evaluated point in [lo, hi] whose g is nearest 0 (the bracket's ends are evaluated). */
static const tune_point *tune_best_in(const tune_ctx *c, double lo, double hi)
{
    const tune_point *best = NULL;
    for (uint32_t i = 0; i < c->r->npoints; i++) {
        const tune_point *q = &c->r->points[i];
        if (q->x >= lo && q->x <= hi && (best == NULL || fabs(tune_g(c, q)) < fabs(tune_g(c, best)))) {
            best = q;
        }
    }
    return best;
}

/* --- The interval: two crossings by test inversion ----------------------------------- */

static int tune_cmp_x(const void *a, const void *b)
{
    double x = ((const tune_point *)a)->x, y = ((const tune_point *)b)->x;
    return (x > y) - (x < y);
}

/*
 * The adjacent evaluated points bracketing the crossing of g on one side of
 * the value: below it (upper = 0) s g goes from < 0 to >= 0, above it
 * (upper = 1) from <= 0 to > 0, with s = sigma; the pair nearest the value.
 * 0 if there is none (the interval is clipped on that side).
 */
static int tune_cross_pair(const tune_ctx *c, double sigma, int upper, double value, double *a,
                           double *b)
{
    tune_point sorted[TUNE_MAX_EVALS];
    uint32_t n = c->r->npoints;
    memcpy(sorted, c->r->points, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, tune_cmp_x);
    int found = 0;
    for (uint32_t i = 0; i + 1 < n; i++) {
        double g0 = sigma * tune_g(c, &sorted[i]), g1 = sigma * tune_g(c, &sorted[i + 1]);
        int below = !upper && g0 < 0 && g1 >= 0 && sorted[i].x <= value;
        int above = upper && g0 <= 0 && g1 > 0 && sorted[i + 1].x >= value;
        if (below || (above && !found)) {
            *a = sorted[i].x;
            *b = sorted[i + 1].x;
            found = 1;
        }
    }
    return found;
}

/* The crossing in the last bracket [lo, hi] (both evaluated), by linear interpolation of g. */
static double tune_interpolate(const tune_ctx *c, const tune_bracket *br)
{
    const tune_point *p = tune_find(c->r, br->lo), *q = tune_find(c->r, br->hi);
    if (p == NULL || q == NULL) {
        return 0.5 * (br->lo + br->hi);
    }
    double gp = tune_g(c, p), gq = tune_g(c, q);
    return gp == gq ? 0.5 * (br->lo + br->hi) : br->lo - gp * (br->hi - br->lo) / (gq - gp);
}

/*
 * One end of the interval into *x: the crossing of g_lo (upper = 0) or
 * g_hi (upper = 1), or LO / HI with *clipped set when there is none.
 */
static sim_err tune_crossing(tune_ctx *c, double sigma, int upper, double value, double *x,
                             int *clipped)
{
    double a, b;
    c->ci_sign = upper ? -sigma : sigma;
    *clipped = !tune_cross_pair(c, sigma, upper, value, &a, &b);
    if (*clipped) {
        *x = upper ? c->p->hi : c->p->lo;
        return SIM_OK;
    }
    tune_bracket br;
    c->step = TUNE_STEP_INTERVAL;
    SIM_TRY(tune_brent(c, a, b, TUNE_CROSS_TOL * c->p->xtol, &br));
    *x = tune_interpolate(c, &br);
    return SIM_OK;
}

/* Both ends of the interval; they stay NaN if an evaluation failed (c->err). */
static sim_err tune_interval_of(tune_ctx *c, double sigma)
{
    tune_result *r = c->r;
    double lo95, hi95;
    int clip_lo, clip_hi;
    SIM_TRY(tune_crossing(c, sigma, 0, r->value, &lo95, &clip_lo));
    SIM_TRY(tune_crossing(c, sigma, 1, r->value, &hi95, &clip_hi));
    if (c->err != SIM_OK) {
        return SIM_OK;
    }
    r->lo95 = fmin(lo95, r->value);
    r->hi95 = fmax(hi95, r->value);
    r->interval = clip_lo && clip_hi ? TUNE_IV_CLIPPED_BOTH
                  : clip_lo          ? TUNE_IV_CLIPPED_LOW
                  : clip_hi          ? TUNE_IV_CLIPPED_HIGH
                                     : TUNE_IV_OK;
    return SIM_OK;
}

/* --- The search ------------------------------------------------------------------------ */

static sim_err tune_check_problem(const tune_problem *p, char *msg, size_t len)
{
    if (!(isfinite(p->lo) && isfinite(p->hi) && p->lo < p->hi)) {
        snprintf(msg, len, "--range: expected LO < HI, got %g,%g", p->lo, p->hi);
        return SIM_EINPUT;
    }
    if (!isfinite(p->target)) {
        snprintf(msg, len, "--target: the value must be a finite number");
        return SIM_EINPUT;
    }
    if (p->max_evals < 3 || p->max_evals > TUNE_MAX_EVALS || !(p->xtol > 0 && p->xtol < 1)) {
        snprintf(msg, len, "--evals: expected an integer in [3, %d], got %u", TUNE_MAX_EVALS,
                 p->max_evals);
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/* An evaluation failed: the status says how, its error goes back. */
static sim_err tune_stopped(const tune_ctx *c)
{
    c->r->status = c->err == SIM_EINTR ? TUNE_INTERRUPTED : TUNE_FAILED;
    return c->err;
}

/* Both ends; SIM_EINPUT unless the target lies between their means. */
static sim_err tune_ends(tune_ctx *c, const tune_point **lo, const tune_point **hi)
{
    const tune_problem *p = c->p;
    c->step = TUNE_STEP_LO;
    *lo = tune_at(c, p->lo);
    c->step = TUNE_STEP_HI;
    *hi = *lo != NULL ? tune_at(c, p->hi) : NULL;
    if (*hi == NULL) {
        return tune_stopped(c);
    }
    double dlo = (*lo)->mean - p->target, dhi = (*hi)->mean - p->target;
    if ((dlo > 0 && dhi > 0) || (dlo < 0 && dhi < 0)) {
        snprintf(c->msg, c->len, "target %s=%g is not reached on [%g, %g]: mean %g at %g, %g at %g",
                 p->metric, p->target, p->lo, p->hi, (*lo)->mean, p->lo, (*hi)->mean, p->hi);
        c->r->status = TUNE_NOT_REACHED;
        return SIM_EINPUT;
    }
    return SIM_OK;
}

sim_err tune_solve(const tune_problem *p, tune_eval_fn eval, void *ctx, tune_result *r, char *msg,
                   size_t len)
{
    memset(r, 0, sizeof *r);
    r->value = r->lo95 = r->hi95 = r->bracket_lo = r->bracket_hi = NAN;
    r->status = TUNE_FAILED;
    r->interval = TUNE_IV_NONE;
    SIM_TRY(tune_check_problem(p, msg, len));
    gsl_set_error_handler_off();   /* GSL aborts by default; every result is checked */
    tune_ctx c = { .p = p, .eval = eval, .user = ctx, .r = r, .msg = msg, .len = len };
    const tune_point *lo, *hi;
    SIM_TRY(tune_ends(&c, &lo, &hi));
    double sigma = hi->mean >= lo->mean ? 1.0 : -1.0;
    tune_bracket br = { .lo = p->lo, .hi = p->hi, .converged = 1 };
    if (lo->mean == p->target || hi->mean == p->target) {
        br.lo = br.hi = lo->mean == p->target ? p->lo : p->hi;
    } else {
        c.step = TUNE_STEP_BRENT;
        SIM_TRY(tune_brent(&c, p->lo, p->hi, p->xtol, &br));
    }
    r->bracket_lo = br.lo;
    r->bracket_hi = br.hi;
    r->value = tune_best_in(&c, br.lo, br.hi)->x;
    if (c.err != SIM_OK) {
        return tune_stopped(&c);
    }
    r->status = br.converged && !c.out_of_evals ? TUNE_CONVERGED : TUNE_MAX_EVALS_REACHED;
    if (!isnan(tune_find(r, r->value)->ci95)) {
        SIM_TRY(tune_interval_of(&c, sigma));
    }
    if (c.err != SIM_OK) {
        return tune_stopped(&c);
    }
    if (c.out_of_evals) {
        r->status = TUNE_MAX_EVALS_REACHED;
    }
    return SIM_OK;
}
