/*
 * netsimplex.c -- primal network simplex for min-cost flow, int64 data.
 *
 * Algorithm (Dantzig's network simplex, in the form of Ahuja, Magnanti and
 * Orlin, "Network Flows", ch. 11, with the tree representation made popular
 * by LEMON's NetworkSimplex):
 *
 *   - Lower bounds are shifted out at load time (flow' = flow - lower), so
 *     every arc works in [0, cap'].
 *   - An artificial root r = n is joined to every node v by an artificial arc
 *     of cost M = (max |cost| + 1) * (n + 1) ("big M"), oriented v -> r when
 *     the subtree of v sends flow up and r -> v when it receives. The star
 *     of artificial arcs is the initial spanning tree. If artificial flow
 *     remains at the optimum, the problem is infeasible.
 *   - The basis is a spanning tree rooted at r stored as parent[], pred[]
 *     (the tree arc to the parent), dir[] (+1 if pred goes up, v -> parent),
 *     a preorder "thread" list with its reverse, succ[] (subtree sizes) and
 *     last[] (last node of each subtree in the thread). A subtree is the
 *     contiguous thread segment v .. last[v], so moving a subtree is a few
 *     pointer splices along the path that changes, not a walk over the tree.
 *   - Potentials pi[] make every tree arc's reduced cost
 *     rc(e) = cost(e) + pi(src) - pi(dst) zero; pi(r) = 0.
 *   - Pricing is block search: scan arcs cyclically from where the last scan
 *     stopped, in blocks of B = ceil(sqrt(m)) arcs; after each block, if an
 *     arc with negative signed reduced cost was seen, the most negative one
 *     in the scanned blocks enters. Arcs are stored in an interleaved order
 *     (arc k of the input goes to a strided slot) so that a block samples the
 *     whole graph rather than a few nodes' out-arcs.
 *   - The ratio test walks the cycle from both ends of the entering arc up to
 *     their join (nearest common ancestor, found by comparing subtree sizes).
 *
 * Why it cannot cycle: the tree is kept strongly feasible (Cunningham 1976):
 * from every node a positive amount of flow can be pushed up to the root
 * along tree arcs. The initial star has this property (an artificial arc
 * with zero flow points up). The leaving arc is chosen as the LAST blocking
 * arc met when the pivot cycle is traversed in its orientation starting at
 * the join node; this choice preserves strong feasibility. In a degenerate
 * pivot the potentials of the moved subtree then strictly decrease in sum,
 * so no tree repeats and the method terminates (AMO Thm 11.8).
 *
 * Warm start: after supplies, costs or capacities change, the old tree is
 * kept. Tree flows are recomputed bottom-up (reverse thread order); a tree
 * arc that would leave its bounds, or that would break strong feasibility,
 * is fixed at its bound and its subtree is rehung from the root through its
 * artificial arc carrying the difference. Then the thread is rebuilt and
 * potentials recomputed, O(n + m), and pivoting resumes from a tree that is
 * usually a few pivots from optimal.
 *
 * Complexity: O(m) per initialisation; each pivot costs O(B) to O(m) for
 * pricing, O(depth) for the ratio test and the tree splice, and O(size of
 * the moved subtree) for potentials. The number of pivots is not polynomially
 * bounded in theory; in practice it is a small multiple of n.
 * Memory: about 30 bytes per arc and 60 per node, all allocated in ns_alloc.
 */
#include "netsimplex.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    NS_STATE_UPPER = -1,    /* nontree arc at its upper bound */
    NS_STATE_TREE = 0,      /* basic arc */
    NS_STATE_LOWER = 1      /* nontree arc at its lower bound */
};

enum { NS_MIN_BLOCK = 10 };

struct ns {
    uint32_t max_n, max_m;  /* workspace size */
    uint32_t n, m;          /* current problem */
    uint32_t block;         /* pricing block size in arcs */
    uint32_t block_user;    /* block size asked for, 0 = default */
    uint32_t next_arc;      /* where the next pricing scan starts */
    int has_tree;           /* 1 when the tree arrays hold a valid basis */
    uint64_t pivots;        /* pivots of the current solve */
    int64_t art_cost;       /* big M of the artificial arcs */
    int64_t cost_const;     /* sum over arcs of lower * cost */

    /* Arcs, internal order: 0..m-1 real (interleaved), m..m+n-1 artificial. */
    uint32_t *src;          /* [m+n] tail */
    uint32_t *dst;          /* [m+n] head */
    int64_t *cost;          /* [m+n] unit cost */
    int64_t *cap;           /* [m+n] capacity after shifting lower bounds, MCF_INF */
    int64_t *flow;          /* [m+n] flow after shifting lower bounds */
    int8_t *state;          /* [m+n] NS_STATE_* */
    uint32_t *ext2int;      /* [m] input arc index -> internal index */
    int64_t *lower;         /* [m] lower bound, by input index */

    /* Nodes 0..n, node n is the artificial root. */
    int64_t *supply_in;     /* [n] supply as given */
    int64_t *supply;        /* [n] supply after shifting lower bounds */
    int64_t *pi;            /* [n+1] potentials */
    int32_t *parent;        /* [n+1] parent in the tree, -1 for the root */
    uint32_t *pred;         /* [n+1] internal index of the arc to the parent */
    int8_t *dir;            /* [n+1] +1: pred goes node -> parent, -1: parent -> node */
    int32_t *thread;        /* [n+1] next node in preorder (cyclic) */
    int32_t *rev;           /* [n+1] previous node in preorder */
    int32_t *succ;          /* [n+1] subtree size */
    int32_t *last;          /* [n+1] last node of the subtree in preorder */

    /* Scratch, sized n+1, used by pivots and the warm-start repair. */
    int32_t *stem;          /* path u_in .. u_out */
    int32_t *stem_rev;      /* old rev[] of stem nodes */
    int32_t *stem_after;    /* old thread[last[]] of stem nodes */
    int64_t *bal;           /* net imbalance per subtree during repair */
};

ns *ns_alloc(uint32_t n, uint32_t m)
{
    ns *w = calloc(1, sizeof *w);
    if (w == NULL) {
        return NULL;
    }
    size_t na = (size_t)m + n + 1;
    size_t nn = (size_t)n + 2;
    w->max_n = n;
    w->max_m = m;
    w->src = malloc(na * sizeof *w->src);
    w->dst = malloc(na * sizeof *w->dst);
    w->cost = malloc(na * sizeof *w->cost);
    w->cap = malloc(na * sizeof *w->cap);
    w->flow = malloc(na * sizeof *w->flow);
    w->state = malloc(na * sizeof *w->state);
    w->ext2int = malloc(((size_t)m + 1) * sizeof *w->ext2int);
    w->lower = malloc(((size_t)m + 1) * sizeof *w->lower);
    w->supply_in = malloc(nn * sizeof *w->supply_in);
    w->supply = malloc(nn * sizeof *w->supply);
    w->pi = malloc(nn * sizeof *w->pi);
    w->parent = malloc(nn * sizeof *w->parent);
    w->pred = malloc(nn * sizeof *w->pred);
    w->dir = malloc(nn * sizeof *w->dir);
    w->thread = malloc(nn * sizeof *w->thread);
    w->rev = malloc(nn * sizeof *w->rev);
    w->succ = malloc(nn * sizeof *w->succ);
    w->last = malloc(nn * sizeof *w->last);
    w->stem = malloc(nn * sizeof *w->stem);
    w->stem_rev = malloc(nn * sizeof *w->stem_rev);
    w->stem_after = malloc(nn * sizeof *w->stem_after);
    w->bal = malloc(nn * sizeof *w->bal);
    if (w->src == NULL || w->dst == NULL || w->cost == NULL || w->cap == NULL
        || w->flow == NULL || w->state == NULL || w->ext2int == NULL || w->lower == NULL
        || w->supply_in == NULL || w->supply == NULL || w->pi == NULL || w->parent == NULL
        || w->pred == NULL || w->dir == NULL || w->thread == NULL || w->rev == NULL
        || w->succ == NULL || w->last == NULL || w->stem == NULL || w->stem_rev == NULL
        || w->stem_after == NULL || w->bal == NULL) {
        ns_free(w);
        return NULL;
    }
    return w;
}

void ns_free(ns *w)
{
    if (w == NULL) {
        return;
    }
    free(w->src);
    free(w->dst);
    free(w->cost);
    free(w->cap);
    free(w->flow);
    free(w->state);
    free(w->ext2int);
    free(w->lower);
    free(w->supply_in);
    free(w->supply);
    free(w->pi);
    free(w->parent);
    free(w->pred);
    free(w->dir);
    free(w->thread);
    free(w->rev);
    free(w->succ);
    free(w->last);
    free(w->stem);
    free(w->stem_rev);
    free(w->stem_after);
    free(w->bal);
    free(w);
}

/* Largest |value| we accept for costs, capacities and supplies: leaves room
 * for sums of a few of them and for the big-M potentials. */
#define NS_DATA_MAX (INT64_C(1) << 52)

mcf_status ns_load(ns *w, const mcf_problem *p)
{
    uint32_t n = p->n, m = p->m;
    if (n > w->max_n || m > w->max_m || n >= (uint32_t)INT32_MAX - 2) {
        return MCF_EINPUT;
    }
    for (uint32_t e = 0; e < m; e++) {
        if (p->tail[e] >= n || p->head[e] >= n) {
            return MCF_EINPUT;
        }
        if (p->lower[e] > p->cap[e]) {
            return MCF_EINPUT;
        }
        if (p->cost[e] > NS_DATA_MAX || p->cost[e] < -NS_DATA_MAX
            || p->lower[e] > NS_DATA_MAX || p->lower[e] < -NS_DATA_MAX
            || (p->cap[e] != MCF_INF && p->cap[e] > NS_DATA_MAX)) {
            return MCF_ERANGE;
        }
    }
    for (uint32_t v = 0; v < n; v++) {
        if (p->supply[v] > NS_DATA_MAX || p->supply[v] < -NS_DATA_MAX) {
            return MCF_ERANGE;
        }
    }
    w->n = n;
    w->m = m;
    w->has_tree = 0;
    w->pivots = 0;
    w->next_arc = 0;
    w->block = w->block_user;
    if (w->block == 0) {
        w->block = (uint32_t)ceil(sqrt((double)m));
        if (w->block < NS_MIN_BLOCK) {
            w->block = NS_MIN_BLOCK;
        }
    }

    /* Interleave: input arc k goes to slot (k % rows) * stride + k / rows,
     * written as a walk with stride `skip`, so a pricing block of consecutive
     * slots holds arcs from all over the input (whose arcs are often grouped
     * by tail). */
    uint32_t skip = (n > 0) ? m / n : 0;
    if (skip < 3) {
        skip = 3;
    }
    uint32_t slot = 0, col = 0;
    for (uint32_t e = 0; e < m; e++) {
        w->ext2int[e] = slot;
        slot += skip;
        if (slot >= m) {
            slot = ++col;
        }
    }

    for (uint32_t v = 0; v < n; v++) {
        w->supply_in[v] = p->supply[v];
        w->supply[v] = p->supply[v];
    }
    w->cost_const = 0;
    for (uint32_t e = 0; e < m; e++) {
        uint32_t i = w->ext2int[e];
        int64_t lo = p->lower[e];
        w->src[i] = p->tail[e];
        w->dst[i] = p->head[e];
        w->cost[i] = p->cost[e];
        w->cap[i] = (p->cap[e] == MCF_INF) ? MCF_INF : p->cap[e] - lo;
        w->lower[e] = lo;
        w->supply[p->tail[e]] -= lo;
        w->supply[p->head[e]] += lo;
        w->cost_const += lo * p->cost[e];
    }
    return MCF_OPTIMAL;
}

mcf_status ns_set_supply(ns *w, uint32_t v, int64_t supply)
{
    if (v >= w->n) {
        return MCF_EINPUT;
    }
    if (supply > NS_DATA_MAX || supply < -NS_DATA_MAX) {
        return MCF_ERANGE;
    }
    w->supply[v] += supply - w->supply_in[v];
    w->supply_in[v] = supply;
    return MCF_OPTIMAL;
}

mcf_status ns_set_cost(ns *w, uint32_t e, int64_t cost)
{
    if (e >= w->m) {
        return MCF_EINPUT;
    }
    if (cost > NS_DATA_MAX || cost < -NS_DATA_MAX) {
        return MCF_ERANGE;
    }
    uint32_t i = w->ext2int[e];
    w->cost_const += w->lower[e] * (cost - w->cost[i]);
    w->cost[i] = cost;
    return MCF_OPTIMAL;
}

mcf_status ns_set_capacity(ns *w, uint32_t e, int64_t cap)
{
    if (e >= w->m || cap < w->lower[e]) {
        return MCF_EINPUT;
    }
    if (cap != MCF_INF && cap > NS_DATA_MAX) {
        return MCF_ERANGE;
    }
    w->cap[w->ext2int[e]] = (cap == MCF_INF) ? MCF_INF : cap - w->lower[e];
    return MCF_OPTIMAL;
}

void ns_reset(ns *w)
{
    w->has_tree = 0;
}

void ns_set_block_size(ns *w, uint32_t block)
{
    w->block_user = block;
    if (block > 0) {
        w->block = block;
    }
}

/* Point the artificial arc of v (internal index m + v) up (v -> root, dir +1)
 * or down (root -> v, dir -1) and give it flow f >= 0. */
static void ns_set_artificial(ns *w, uint32_t v, int up, int64_t f)
{
    uint32_t a = w->m + v;
    uint32_t root = w->n;
    w->src[a] = up ? v : root;
    w->dst[a] = up ? root : v;
    w->flow[a] = f;
    w->state[a] = NS_STATE_TREE;
    w->parent[v] = (int32_t)root;
    w->pred[v] = a;
    w->dir[v] = up ? 1 : -1;
}

/* Rebuild thread, rev, succ and last from parent[] in O(n): children lists
 * by counting into stem/stem_rev (scratch), then an iterative preorder walk. */
static void ns_rebuild_thread(ns *w)
{
    uint32_t n = w->n;
    int32_t root = (int32_t)n;
    int32_t *first = w->stem;       /* first child, -1 if none */
    int32_t *next = w->stem_rev;    /* next sibling, -1 if none */
    int32_t *stack = w->stem_after;
    for (uint32_t v = 0; v <= n; v++) {
        first[v] = -1;
    }
    for (uint32_t v = n; v-- > 0;) {
        int32_t p = w->parent[v];
        next[v] = first[p];
        first[p] = (int32_t)v;
    }
    /* Preorder with an explicit stack of "next node to visit". */
    int32_t prev = root;
    int sp = 0;
    if (first[root] >= 0) {
        stack[sp++] = first[root];
    }
    while (sp > 0) {
        int32_t v = stack[--sp];
        w->thread[prev] = v;
        w->rev[v] = prev;
        prev = v;
        if (next[v] >= 0) {
            stack[sp++] = next[v];
        }
        if (first[v] >= 0) {
            stack[sp++] = first[v];
        }
    }
    w->thread[prev] = root;
    w->rev[root] = prev;
    /* Subtree sizes and last successors in reverse preorder. */
    for (uint32_t v = 0; v <= n; v++) {
        w->succ[v] = 1;
        w->last[v] = (int32_t)v;
    }
    for (int32_t v = w->rev[root]; v != root; v = w->rev[v]) {
        int32_t p = w->parent[v];
        w->succ[p] += w->succ[v];
        if (w->last[p] == p) {
            w->last[p] = w->last[v];
        }
    }
}

/* Potentials from the tree, root first along the thread. */
static void ns_compute_potentials(ns *w)
{
    int32_t root = (int32_t)w->n;
    w->pi[root] = 0;
    for (int32_t v = w->thread[root]; v != root; v = w->thread[v]) {
        uint32_t a = w->pred[v];
        int32_t p = w->parent[v];
        w->pi[v] = (w->dir[v] > 0) ? w->pi[p] - w->cost[a] : w->pi[p] + w->cost[a];
    }
}

mcf_status ns_init(ns *w)
{
    uint32_t n = w->n, m = w->m;
    int32_t root = (int32_t)n;

    /* Big M: more than the cost of any simple path of real arcs. */
    int64_t maxc = 0;
    for (uint32_t i = 0; i < m; i++) {
        int64_t c = w->cost[i] < 0 ? -w->cost[i] : w->cost[i];
        if (c > maxc) {
            maxc = c;
        }
    }
    int64_t big;
    if (__builtin_mul_overflow(maxc + 1, (int64_t)n + 1, &big) || big > NS_DATA_MAX * 8) {
        return MCF_ERANGE;
    }
    w->art_cost = big;
    for (uint32_t v = 0; v < n; v++) {
        w->cost[m + v] = big;
        w->cap[m + v] = MCF_INF;
    }
    w->parent[root] = -1;
    w->pred[root] = UINT32_MAX;
    w->dir[root] = 0;
    w->pivots = 0;

    if (!w->has_tree) {
        /* Cold: every real arc at its lower bound, every node under the root. */
        memset(w->state, NS_STATE_LOWER, m);
        memset(w->flow, 0, (size_t)m * sizeof *w->flow);
        for (uint32_t v = 0; v < n; v++) {
            ns_set_artificial(w, v, 1, 0);
        }
        ns_rebuild_thread(w);
    } else {
        /* Warm: keep the nontree arcs at their bounds (clamped to new caps). */
        for (uint32_t i = 0; i < m; i++) {
            if (w->state[i] == NS_STATE_UPPER && w->cap[i] == MCF_INF) {
                w->state[i] = NS_STATE_LOWER;
            }
            if (w->state[i] == NS_STATE_LOWER) {
                w->flow[i] = 0;
            } else if (w->state[i] == NS_STATE_UPPER) {
                w->flow[i] = w->cap[i];
            }
        }
        for (uint32_t v = 0; v < n; v++) {
            if (w->pred[v] >= m) {
                w->state[w->pred[v]] = NS_STATE_TREE;
            } else {
                w->state[m + v] = NS_STATE_LOWER;
                w->flow[m + v] = 0;
            }
        }
    }

    /* Tree flows bottom-up with repair (see the file comment). */
    int64_t *bal = w->bal;
    for (uint32_t v = 0; v < n; v++) {
        bal[v] = w->supply[v];
    }
    bal[root] = 0;
    for (uint32_t i = 0; i < m; i++) {
        if (w->state[i] == NS_STATE_UPPER) {
            bal[w->src[i]] -= w->flow[i];
            bal[w->dst[i]] += w->flow[i];
        }
    }
    int cut = 0;
    for (int32_t v = w->rev[root]; v != root; v = w->rev[v]) {
        uint32_t a = w->pred[v];
        int32_t p = w->parent[v];
        if (a >= m) {
            ns_set_artificial(w, (uint32_t)v, bal[v] >= 0, bal[v] >= 0 ? bal[v] : -bal[v]);
            continue;
        }
        int64_t f = (w->dir[v] > 0) ? bal[v] : -bal[v];
        int64_t c = w->cap[a];
        int strong = (w->dir[v] > 0) ? (f < c || c == MCF_INF) : (f > 0);
        if (f >= 0 && (c == MCF_INF || f <= c) && strong) {
            w->flow[a] = f;
            bal[p] += bal[v];
            continue;
        }
        /* Fix the arc at its nearest bound, hang v from the root. */
        int64_t fb = (f <= 0) ? 0 : (c != MCF_INF && f >= c) ? c : f;
        w->flow[a] = fb;
        w->state[a] = (fb == 0) ? NS_STATE_LOWER : NS_STATE_UPPER;
        int64_t sent = (w->dir[v] > 0) ? fb : -fb;
        bal[p] += sent;
        int64_t r = bal[v] - sent;
        ns_set_artificial(w, (uint32_t)v, r >= 0, r >= 0 ? r : -r);
        cut++;
    }
    if (cut) {
        ns_rebuild_thread(w);
    }

    ns_compute_potentials(w);
    w->has_tree = 1;
    return MCF_OPTIMAL;
}

/* Block search pricing: the entering arc or UINT32_MAX if none prices out. */
static uint32_t ns_find_entering(ns *w)
{
    const uint32_t m = w->m;
    const uint32_t *restrict src = w->src;
    const uint32_t *restrict dst = w->dst;
    const int64_t *restrict cost = w->cost;
    const int8_t *restrict state = w->state;
    const int64_t *restrict pi = w->pi;
    int64_t best = 0;
    uint32_t in = UINT32_MAX;
    uint32_t cnt = w->block;
    uint32_t e = w->next_arc;
    for (uint32_t k = 0; k < m; k++) {
        int64_t c = state[e] * (cost[e] + pi[src[e]] - pi[dst[e]]);
        if (c < best) {
            best = c;
            in = e;
        }
        e++;
        if (e == m) {
            e = 0;
        }
        if (--cnt == 0) {
            if (best < 0) {
                break;
            }
            cnt = w->block;
        }
    }
    w->next_arc = e;
    return in;
}

/* Move the subtree of u_out so that it hangs from v_in through u_in
 * (u_in is in the subtree of u_out; in_arc joins u_in and v_in). */
static void ns_update_tree(ns *w, uint32_t in_arc, int32_t u_in, int32_t v_in,
                           int32_t u_out, int32_t join)
{
    int32_t *restrict thread = w->thread;
    int32_t *restrict rev = w->rev;
    int32_t *restrict parent = w->parent;
    int32_t *restrict succ = w->succ;
    int32_t *restrict last = w->last;
    int32_t *restrict stem = w->stem;
    int32_t *restrict stem_rev = w->stem_rev;
    int32_t *restrict stem_after = w->stem_after;

    int32_t v_out = parent[u_out];
    int32_t before = rev[u_out];            /* node before the subtree S */
    int32_t old_last = last[u_out];         /* last node of S */
    int32_t after = thread[old_last];       /* node after S */
    int32_t s_size = succ[u_out];

    /* Stem s_0 = u_in .. s_k = u_out, with the thread facts we will overwrite. */
    int k = 0;
    stem[0] = u_in;
    while (stem[k] != u_out) {
        int32_t s = stem[k];
        stem_rev[k + 1] = rev[s];
        stem_after[k + 1] = thread[last[s]];
        stem[k + 1] = parent[s];
        k++;
    }

    /* New preorder of S: block B_0 = old subtree of u_in, then for each
     * s_i (i >= 1) its old subtree without that of s_{i-1}: the segment
     * s_i .. rev(s_{i-1}) and, if s_{i-1} was not its last branch, the
     * segment thread(last(s_{i-1})) .. last(s_i). */
    int32_t tail = last[u_in];
    for (int i = 1; i <= k; i++) {
        int32_t s = stem[i];
        thread[tail] = s;
        rev[s] = tail;
        if (last[stem[i - 1]] != last[s]) {
            thread[stem_rev[i]] = stem_after[i];
            rev[stem_after[i]] = stem_rev[i];
            tail = last[s];
        } else {
            tail = stem_rev[i];
        }
    }
    int32_t new_last = tail;

    /* Cut S out, then splice it in right after v_in. */
    thread[before] = after;
    rev[after] = before;
    int32_t nxt = thread[v_in];
    thread[v_in] = u_in;
    rev[u_in] = v_in;
    thread[new_last] = nxt;
    rev[nxt] = new_last;

    /* Reverse the stem: parents, tree arcs, directions, subtree sizes. */
    int32_t acc = 0;
    for (int i = k; i >= 1; i--) {
        int32_t s = stem[i], c = stem[i - 1];
        acc += succ[s] - succ[c];
        succ[s] = acc;
        parent[s] = c;
        w->pred[s] = w->pred[c];
        w->dir[s] = (int8_t)-w->dir[c];
        last[s] = new_last;
    }
    parent[u_in] = v_in;
    w->pred[u_in] = in_arc;
    w->dir[u_in] = (w->src[in_arc] == (uint32_t)u_in) ? 1 : -1;
    succ[u_in] = s_size;
    last[u_in] = new_last;

    /* Ancestors: sizes change below the join, last[] may change up to the root. */
    for (int32_t u = v_out; u != join; u = parent[u]) {
        succ[u] -= s_size;
        if (last[u] == old_last) {
            last[u] = before;
        }
    }
    for (int32_t u = v_in; u != join; u = parent[u]) {
        succ[u] += s_size;
        if (last[u] == v_in) {
            last[u] = new_last;
        }
    }
    int32_t repl = (before == v_in) ? new_last : before;
    for (int32_t u = join; u != -1; u = parent[u]) {
        if (last[u] == old_last) {
            last[u] = repl;
        } else if (last[u] == v_in) {
            last[u] = new_last;
        } else {
            break;
        }
    }
}

mcf_status ns_iterate(ns *w)
{
    uint32_t in = ns_find_entering(w);
    if (in == UINT32_MAX) {
        return MCF_OPTIMAL;
    }
    int32_t *restrict parent = w->parent;
    const int32_t *restrict succ = w->succ;
    const uint32_t *restrict pred = w->pred;
    const int8_t *restrict dir = w->dir;
    int64_t *restrict flow = w->flow;
    const int64_t *restrict cap = w->cap;

    /* Orient the cycle along the entering arc's improving direction. */
    int32_t first, second;
    if (w->state[in] == NS_STATE_LOWER) {
        first = (int32_t)w->src[in];
        second = (int32_t)w->dst[in];
    } else {
        first = (int32_t)w->dst[in];
        second = (int32_t)w->src[in];
    }
    int32_t u = first, v = second;
    while (u != v) {
        if (succ[u] < succ[v]) {
            u = parent[u];
        } else {
            v = parent[v];
        }
    }
    int32_t join = u;

    /* Ratio test: the last blocking arc in cycle order from the join. Flow
     * runs join -> ... -> first -> second -> ... -> join. */
    int64_t delta = cap[in];
    int32_t u_out = -1;
    int side = 0;
    for (u = first; u != join; u = parent[u]) {
        uint32_t a = pred[u];
        int64_t d = (dir[u] < 0) ? (cap[a] == MCF_INF ? MCF_INF : cap[a] - flow[a]) : flow[a];
        if (d < delta) {
            delta = d;
            u_out = u;
            side = 1;
        }
    }
    for (u = second; u != join; u = parent[u]) {
        uint32_t a = pred[u];
        int64_t d = (dir[u] > 0) ? (cap[a] == MCF_INF ? MCF_INF : cap[a] - flow[a]) : flow[a];
        if (d <= delta) {
            delta = d;
            u_out = u;
            side = 2;
        }
    }
    if (delta == MCF_INF) {
        return MCF_UNBOUNDED;
    }

    /* Augment. */
    if (delta > 0) {
        int64_t val = w->state[in] * delta;
        flow[in] += val;
        for (u = (int32_t)w->src[in]; u != join; u = parent[u]) {
            flow[pred[u]] -= dir[u] * val;
        }
        for (u = (int32_t)w->dst[in]; u != join; u = parent[u]) {
            flow[pred[u]] += dir[u] * val;
        }
    }
    w->pivots++;
    if (side == 0) {
        /* The entering arc blocks itself: it jumps to its other bound. */
        w->state[in] = (int8_t)-w->state[in];
        return MCF_CONTINUE;
    }
    uint32_t out_arc = pred[u_out];
    w->state[in] = NS_STATE_TREE;
    w->state[out_arc] = (flow[out_arc] == 0) ? NS_STATE_LOWER : NS_STATE_UPPER;

    int32_t u_in = (side == 1) ? first : second;
    int32_t v_in = (side == 1) ? second : first;
    ns_update_tree(w, in, u_in, v_in, u_out, join);

    /* Shift the potentials of the moved subtree so rc(in) becomes 0. */
    int64_t rc = w->cost[in] + w->pi[w->src[in]] - w->pi[w->dst[in]];
    int64_t sigma = ((uint32_t)u_in == w->src[in]) ? -rc : rc;
    int64_t *restrict pi = w->pi;
    const int32_t *restrict thread = w->thread;
    int32_t end = thread[w->last[u_in]];
    for (u = u_in; u != end; u = thread[u]) {
        pi[u] += sigma;
    }
    return MCF_CONTINUE;
}

mcf_status ns_test(const ns *w)
{
    for (uint32_t v = 0; v < w->n; v++) {
        if (w->flow[w->m + v] > 0) {
            return MCF_INFEASIBLE;
        }
    }
    return MCF_OPTIMAL;
}

mcf_status ns_solve(ns *w)
{
    mcf_status st = ns_init(w);
    if (st != MCF_OPTIMAL) {
        return st;
    }
    do {
        st = ns_iterate(w);
    } while (st == MCF_CONTINUE);
    if (st != MCF_OPTIMAL) {
        return st;
    }
    return ns_test(w);
}

int64_t ns_flow(const ns *w, uint32_t e)
{
    return w->flow[w->ext2int[e]] + w->lower[e];
}

int64_t ns_potential(const ns *w, uint32_t v)
{
    return w->pi[v];
}

mcf_status ns_total_cost(const ns *w, int64_t *cost)
{
    int64_t total = w->cost_const;
    for (uint32_t i = 0; i < w->m; i++) {
        int64_t fc;
        if (__builtin_mul_overflow(w->flow[i], w->cost[i], &fc)
            || __builtin_add_overflow(total, fc, &total)) {
            return MCF_ERANGE;
        }
    }
    *cost = total;
    return MCF_OPTIMAL;
}

uint64_t ns_pivots(const ns *w)
{
    return w->pivots;
}
