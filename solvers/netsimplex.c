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
 *     rc(e) = cost(e) + pi(src) - pi(dst) zero. A pivot shifts the
 *     potentials of the smaller side of the tree, so pi(r) may drift from 0
 *     (kept below 2^56 by renormalising); ns_potential subtracts it.
 *   - Pricing is block search: scan arcs cyclically from where the last scan
 *     stopped, in blocks of B = ceil(sqrt(m)) arcs (B/2 in a cold solve
 *     on a graph of large diameter, 4B in a warm primal repair: see
 *     NS_WARM_HALVES); after each block, if an arc with negative signed
 *     reduced cost was seen, the most negative one in the scanned blocks
 *     enters. Arcs are stored in an interleaved order
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
 * so no tree repeats and the method terminates (AMO Thm 11.8). The warm
 * primal repair starts from a tree that may not be strongly feasible; it can
 * cycle in theory only until its pivot budget is spent, when the tree is
 * made strongly feasible (see Warm start below).
 *
 * Warm start: after supplies, costs or capacities change, the old tree is
 * kept. Two repairs, chosen by what changed:
 *
 *   - Dual repair (ns_dual_repair), when the old basis is still dual
 *     feasible: only supplies, finite capacities, or costs of nontree arcs
 *     that keep their reduced cost's sign changed, and big M is unchanged;
 *     and, on graphs of NS_DUAL_HANDOFF_N nodes or more, the supplies moved
 *     by at most 1/40 of the total (a larger move is better served by the
 *     primal repair: measured, see doc/solvers.md).
 *     Reduced costs are then still right and only tree flows break. They are
 *     recomputed for the new data, O(n + m), and every tree arc out of
 *     [0, cap] goes on a list. Each dual pivot takes a listed arc out of the
 *     tree at the bound it violates. That cuts the tree into S (its subtree)
 *     and R (the rest, with the root); the entering arc is the nontree real
 *     arc across the cut, oriented so that it can carry the excess the other
 *     way, with the smallest signed reduced cost, so shifting the potentials
 *     of S by that reduced cost keeps every arc dual feasible. The excess is
 *     pushed around the entering arc's cycle (which may put other tree arcs
 *     out of bounds: they are listed). If no arc qualifies, no flow can get
 *     across the cut: MCF_INFEASIBLE. When the list is empty the tree is
 *     primal and dual feasible, so optimal, with no big-M detour. Cost per
 *     pivot: the ratio test scans only the smaller side of the cut and its
 *     arcs (an adjacency built in ns_load), and the leaving arc is the listed
 *     one whose smaller side is smallest.
 *     Nontree artificial arcs are left out (so does the primal pricing), and
 *     a tree artificial arc counts as out of bounds when it carries flow
 *     (its capacity is taken as 0): the dual repair solves the real
 *     problem, whatever the artificial arcs cost, and ends at a flow with
 *     no artificial part or with a cut that proves infeasibility.
 *   - Primal repair (ns_primal_start) otherwise, or when the dual repair
 *     hands over (below): tree flows are recomputed bottom-up (reverse thread
 *     order); a tree arc that would leave its bounds is fixed at its bound
 *     and its subtree is rehung from the root through its artificial arc
 *     carrying the difference. Then the thread is rebuilt and potentials
 *     recomputed, O(n + m), and primal pivoting resumes. Arcs that only break
 *     strong feasibility (a tree arc at a bound, oriented so that no flow can
 *     be pushed up through it) stay in the tree for the first n pivots
 *     (ns_set_weak_pivots): cutting them too rehung about 25 times as many
 *     subtrees after a dual repair (1751 against 70 on netgen-sqrt 256k) and
 *     cost 10-20% more pivots. If pivoting goes on past that budget, the same
 *     bottom-up pass cuts them (each such subtree hangs from the root with no
 *     flow, at a cost that keeps its potentials), and from then on the tree is
 *     strongly feasible, so the repair terminates. Soft artificial costs
 *     (ns_soft_artificial): every tree artificial arc costs what keeps its
 *     subtree's old potentials, plus a penalty of max |cost| + 1 per unit if
 *     it carries flow, so only the rehung subtrees move, and by that penalty
 *     rather than by about big M (which made pivoting them back cost up to a
 *     cold solve: soft costs take 35-45% fewer pivots on netgen-sqrt and
 *     grid). A soft optimum proves nothing about artificial flow, and a
 *     cycle of infinite capacity through two soft artificial arcs is not a
 *     real one: in both cases every artificial arc goes back to big M
 *     (ns_harden_artificial, at most once per solve) and pivoting goes on,
 *     so OPTIMAL, INFEASIBLE and UNBOUNDED keep their cold-start meaning.
 *
 * Why the dual repair terminates. The cost of the tree's basic solution
 * (the dual objective) rises by (reduced cost of the entering arc) x
 * (excess pushed) in each pivot, so no basis repeats across pivots with a
 * nonzero reduced cost. A run of zero ones could cycle in theory; after
 * NS_DUAL_BLAND of them in a row the leaving arc is the violated one of
 * smallest index and ties in the ratio test go to the smallest index
 * (Bland's rule, here for the dual simplex), which cannot cycle. And as a
 * hard guarantee, independent of that argument, the repair makes at most
 * n + m pivots before it hands over to the primal repair, which terminates
 * by strong feasibility. On large graphs it hands over much earlier when
 * pivots cascade (NS_DUAL_CASCADE) or when its ratio tests scan wide cuts
 * (on average more than (n + m) / NS_DUAL_WIDE slots per pivot, after
 * NS_DUAL_WIDE_AFTER pivots): measured, the primal repair is then the
 * cheaper finish. The dual repair leaves the tree optimal but not always
 * strongly feasible; the primal repair restores that when it has to.
 *
 * Complexity: O(m) per initialisation; each pivot costs O(B) to O(m) for
 * pricing, O(depth) for the ratio test and the tree splice, and O(size of
 * the moved subtree) for potentials; a dual pivot costs O(smaller side of its
 * cut + the arcs there) for the ratio test instead of pricing. The number of
 * pivots is not polynomially bounded in theory; in practice it is a small
 * multiple of n (cold) or of the number of changed nodes (dual repair).
 * Memory: 78 bytes per arc (32 of them the dual repair's adjacency) and
 * about 110 per node, all allocated in ns_alloc.
 *
 * Arithmetic range: why the pivots need no overflow checks. ns_load refuses
 * (MCF_ERANGE, through mcf_problem_check) any |cost|, |lower|, finite cap or
 * |supply| above MCF_VALUE_MAX = 2^52 and a flow total T above
 * MCF_TOTAL_MAX = 2^61 (T = sum |supply| + sum over arcs of 2 |lower| + cap -
 * lower when finite); ns_set_supply, ns_set_cost and ns_set_capacity keep
 * both limits (O(1) each: w->total is kept up to date), and ns_init refuses a
 * big M above 2^55. Then, with checks at load time only:
 *   - Flows. A shifted supply is the given one plus the lower bounds at the
 *     node, so sum |supply'| <= T, and every partial sum of the shift is
 *     bounded the same way. In every basis (cold star, primal pivots, dual
 *     and primal repairs) a tree arc's flow is the net supply of the subtree
 *     below it plus the flows of the nontree arcs crossing it, each 0 or a
 *     finite cap' (arcs inside the subtree cancel), so |flow| <= T, and so is
 *     every partial sum in ns_balances and the bottom-up repairs (a sum over
 *     a node set, counted the same way). Ratio-test residuals and the amounts
 *     pushed are flows or capacities, <= T, so flow +- amount < 2T <= 2^62.
 *   - Potentials. Relative to the root, a tree path is one artificial arc
 *     (|cost| <= M <= 2^55, soft costs are clamped to +-M) and at most n - 1
 *     real arcs of |cost| < M / (n + 1), so |pi - pi(root)| < 2M <= 2^56;
 *     pi(root) is renormalised past NS_PI_DRIFT. Reduced costs, a cost and
 *     two potentials, stay below 2^61.
 *   - The objective is the one quantity that valid data can take past
 *     int64: two arcs with lower = cost = 2^52 - 1 already make 2^105, and a
 *     sum of products can also wrap and come back. ns_total_cost therefore
 *     sums flow x cost (each below 2^116) exactly in 128 bits with a carry
 *     count, and reports MCF_ERANGE only when the total itself is outside
 *     int64: an answer is never refused when it fits, never printed wrong
 *     when it does not.
 */
#include "netsimplex.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* 128-bit integers (GCC and Clang): the objective's exact sum only. */
__extension__ typedef __int128 ns_wide;

enum {
    NS_STATE_UPPER = -1,    /* nontree arc at its upper bound */
    NS_STATE_TREE = 0,      /* basic arc */
    NS_STATE_LOWER = 1      /* nontree arc at its lower bound */
};

/* Pricing block, in half blocks of ceil(sqrt(m)) arcs (at least
 * NS_MIN_BLOCK arcs): LEMON's sqrt(m) for a cold solve, half that on a deep
 * graph, and 4 times that in a warm primal repair. On a graph of
 * large diameter (a grid) a longer scan finds arcs whose pivot cycles are
 * long, so a shorter one is cheaper (cycles 262 -> 209 nodes per pivot at
 * 64k, 20-25% less time). A warm repair starts near the optimum, where few
 * arcs price out and a pivot is dear (the rehung subtrees move far), so a
 * better entering arc is worth a longer scan. Measured in doc/solvers.md. */
enum { NS_MIN_BLOCK = 10, NS_COLD_HALVES = 2, NS_DEEP_HALVES = 1, NS_WARM_HALVES = 8 };

/* A graph is deep when a breadth-first search from its first node with an
 * arc reaches a depth of more than NS_DEEP_LOG times log2(n): a grid of n
 * nodes has depth about sqrt(n), a random graph with 8 arcs per node about
 * log8(n) (255 against 6 at 64k nodes). */
enum { NS_DEEP_LOG = 2 };

/* One end of a real arc in the adjacency of the dual ratio test. The scan
 * reads these sequentially; keeping the far end and the cost here, rather
 * than looking up src/dst/cost by arc index, saves three cache misses per
 * arc on large graphs. */
typedef struct ns_slot {
    uint32_t arc;           /* internal arc index */
    uint32_t end;           /* far end node; NS_SLOT_IN set if the arc enters this node */
    int64_t cost;           /* copy of cost[arc], kept in step by ns_set_cost */
} ns_slot;

#define NS_SLOT_IN (UINT32_C(1) << 31)

struct ns {
    uint32_t max_n, max_m;  /* workspace size */
    uint32_t n, m;          /* current problem */
    uint32_t block;         /* pricing block size in arcs */
    uint32_t block_user;    /* block size asked for, 0 = default */
    uint32_t next_arc;      /* where the next pricing scan starts */
    int has_tree;           /* 1 when the tree arrays hold a valid basis */
    int dual_ok;            /* 1 when that basis is dual feasible: no real arc prices out */
    int infeasible;         /* 1 when the last ns_init proved infeasibility (dual repair) */
    uint8_t stamp;          /* current value of mark[] for the side being scanned */
    uint64_t pivots;        /* pivots of the current solve */
    uint64_t dual_work;     /* adjacency slots + nodes scanned by the dual ratio tests */
    double supply_moved;    /* sum of |supply changes| since the last ns_init */
    int64_t art_cost;       /* big M of the artificial arcs */
    int64_t art_soft;       /* penalty of a rehung subtree's artificial arc (warm primal repair) */
    int art_mixed;          /* 1 when some artificial arc costs less than big M (soft) */
    int deep;               /* 1 when the graph's diameter is large (ns_graph_depth_is_deep) */
    int64_t weak_user;      /* ns_set_weak_pivots, -1 = default (n) */
    uint64_t weak_until;    /* pivot count at which strong feasibility is restored, UINT64_MAX = it holds */
    int64_t total;          /* flow total T of the current data (<= MCF_TOTAL_MAX) */

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

    /* Dual repair (warm start after supply changes), see ns_dual_repair. */
    uint32_t *adj_first;    /* [n+2] real arcs at node v: adj[adj_first[v] .. adj_first[v+1]) */
    ns_slot *adj;           /* [2m] both ends of every real arc except self-loops (ns_load) */
    uint8_t *mark;          /* [n+1] == stamp for nodes on the side of the cut being scanned */
    uint32_t *infeas;       /* [n] tree arcs that may be out of bounds, pruned lazily */
    int8_t *listed;         /* [m+n] 1 while the arc is in infeas[]; all 0 between solves */
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
    w->weak_user = -1;
    w->weak_until = UINT64_MAX;
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
    w->adj_first = malloc((nn + 1) * sizeof *w->adj_first);
    w->adj = malloc((2 * (size_t)m + 1) * sizeof *w->adj);
    w->mark = calloc(nn, sizeof *w->mark);
    w->infeas = malloc(nn * sizeof *w->infeas);
    w->listed = calloc(na, sizeof *w->listed);
    if (w->src == NULL || w->dst == NULL || w->cost == NULL || w->cap == NULL
        || w->flow == NULL || w->state == NULL || w->ext2int == NULL || w->lower == NULL
        || w->supply_in == NULL || w->supply == NULL || w->pi == NULL || w->parent == NULL
        || w->pred == NULL || w->dir == NULL || w->thread == NULL || w->rev == NULL
        || w->succ == NULL || w->last == NULL || w->stem == NULL || w->stem_rev == NULL
        || w->stem_after == NULL || w->bal == NULL || w->adj_first == NULL
        || w->adj == NULL || w->mark == NULL || w->infeas == NULL || w->listed == NULL) {
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
    free(w->adj_first);
    free(w->adj);
    free(w->mark);
    free(w->infeas);
    free(w->listed);
    free(w);
}

/* Largest |value| we accept for costs, capacities and supplies (mcf.h; see
 * "Arithmetic range" in the file comment). */
#define NS_DATA_MAX MCF_VALUE_MAX

/* Real arcs by end node, CSR, in O(n + m); self-loops never cross a cut. */
static void ns_build_adjacency(ns *w)
{
    uint32_t n = w->n, m = w->m;
    uint32_t *restrict first = w->adj_first;
    for (uint32_t v = 0; v <= n + 1; v++) {
        first[v] = 0;
    }
    for (uint32_t i = 0; i < m; i++) {
        if (w->src[i] != w->dst[i]) {
            first[w->src[i]]++;
            first[w->dst[i]]++;
        }
    }
    for (uint32_t v = 1; v <= n + 1; v++) {
        first[v] += first[v - 1];
    }
    /* first[v] is now the end of v's range; filling backwards moves it to the start. */
    for (uint32_t i = m; i-- > 0;) {
        uint32_t a = w->src[i], b = w->dst[i];
        if (a != b) {
            w->adj[--first[a]] = (ns_slot){ .arc = i, .end = b, .cost = w->cost[i] };
            w->adj[--first[b]] = (ns_slot){ .arc = i, .end = a | NS_SLOT_IN, .cost = w->cost[i] };
        }
    }
}

/* 1 if the graph is deep (NS_DEEP_LOG): a breadth-first search over the
 * adjacency, O(n + m), with the tree arrays as scratch (ns_load runs
 * before any tree exists): stem is the queue, succ the depth. */
static int ns_graph_depth_is_deep(ns *w)
{
    uint32_t n = w->n;
    const uint32_t *first = w->adj_first;
    int32_t *queue = w->stem, *depth = w->succ;
    uint32_t s = 0;
    while (s < n && first[s] == first[s + 1]) {
        s++;
    }
    if (s == n) {
        return 0;
    }
    for (uint32_t v = 0; v < n; v++) {
        depth[v] = -1;
    }
    uint32_t head = 0, tail = 0;
    int32_t max = 0;
    queue[tail++] = (int32_t)s;
    depth[s] = 0;
    while (head < tail) {
        int32_t u = queue[head++];
        max = depth[u];
        for (uint32_t k = first[u]; k < first[u + 1]; k++) {
            uint32_t v = w->adj[k].end & ~NS_SLOT_IN;
            if (depth[v] < 0) {
                depth[v] = depth[u] + 1;
                queue[tail++] = (int32_t)v;
            }
        }
    }
    return (double)max > NS_DEEP_LOG * log2((double)n + 1);
}

mcf_status ns_load(ns *w, const mcf_problem *p)
{
    uint32_t n = p->n, m = p->m;
    int64_t total = 0;
    if (n > w->max_n || m > w->max_m || n >= (uint32_t)INT32_MAX - 2) {
        return MCF_EINPUT;
    }
    /* Every value and the flow total T: the only range checks the solve
     * needs (file comment, "Arithmetic range"). */
    mcf_status st = mcf_problem_check(p, &total);
    if (st != MCF_OPTIMAL) {
        return st;
    }
    w->total = total;
    w->n = n;
    w->m = m;
    w->has_tree = 0;
    w->dual_ok = 0;
    w->infeasible = 0;
    w->supply_moved = 0;
    w->pivots = 0;
    w->next_arc = 0;

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
    for (uint32_t e = 0; e < m; e++) {
        uint32_t i = w->ext2int[e];
        int64_t lo = p->lower[e];
        w->src[i] = p->tail[e];
        w->dst[i] = p->head[e];
        w->cost[i] = p->cost[e];
        w->cap[i] = (p->cap[e] == MCF_INF) ? MCF_INF : p->cap[e] - lo;
        w->lower[e] = lo;
        w->supply[p->tail[e]] -= lo;
        w->supply[p->head[e]] += lo;      /* |partial sums| <= T <= 2^61 */
    }
    ns_build_adjacency(w);
    w->deep = ns_graph_depth_is_deep(w);
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
    int64_t old = w->supply_in[v];
    int64_t total = w->total - (old < 0 ? -old : old) + (supply < 0 ? -supply : supply);
    if (total > MCF_TOTAL_MAX) {
        return MCF_ERANGE;      /* nothing changed */
    }
    w->total = total;
    w->supply[v] += supply - w->supply_in[v];
    w->supply_moved += fabs((double)(supply - w->supply_in[v]));
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
    w->cost[i] = cost;
    /* Keep the adjacency's copies of the cost: O(degree of the two ends). */
    for (int end = 0; end < 2; end++) {
        uint32_t v = end ? w->dst[i] : w->src[i];
        for (uint32_t k = w->adj_first[v]; k < w->adj_first[v + 1]; k++) {
            if (w->adj[k].arc == i) {
                w->adj[k].cost = cost;
            }
        }
    }
    /* A nontree arc whose reduced cost keeps its sign leaves the basis dual
     * feasible (the potentials do not depend on it); a tree arc moves them. */
    if (w->dual_ok) {
        int64_t rc = cost + w->pi[w->src[i]] - w->pi[w->dst[i]];
        if (w->state[i] == NS_STATE_TREE || w->state[i] * rc < 0) {
            w->dual_ok = 0;
        }
    }
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
    uint32_t i = w->ext2int[e];
    int64_t lo = w->lower[e];
    int64_t old = (w->cap[i] == MCF_INF) ? MCF_INF : w->cap[i] + lo;
    int64_t total = w->total - mcf_arc_total(lo, old) + mcf_arc_total(lo, cap);
    if (total > MCF_TOTAL_MAX) {
        return MCF_ERANGE;      /* nothing changed */
    }
    w->total = total;
    /* A finite bound keeps the basis dual feasible (an arc at its upper bound
     * just carries the new bound); an infinite one sends such an arc to its
     * lower bound, where its reduced cost may have the wrong sign. */
    if (cap == MCF_INF && w->state[i] == NS_STATE_UPPER) {
        w->dual_ok = 0;
    }
    w->cap[i] = (cap == MCF_INF) ? MCF_INF : cap - w->lower[e];
    return MCF_OPTIMAL;
}

void ns_reset(ns *w)
{
    w->has_tree = 0;
    w->dual_ok = 0;
}

void ns_set_weak_pivots(ns *w, int64_t pivots)
{
    w->weak_user = pivots;
}

void ns_set_block_size(ns *w, uint32_t block)
{
    w->block_user = block;      /* ns_pick_block applies it at the next ns_init */
}

/* The pricing block for the next pivots: the user's, or `halves` half
 * blocks of ceil(sqrt(m)) arcs, never more than m. */
static void ns_pick_block(ns *w, uint32_t halves)
{
    if (w->block_user > 0) {
        w->block = w->block_user;
        return;
    }
    uint64_t b = (uint64_t)ceil(sqrt((double)w->m)) * halves / 2;
    if (b > w->m) {
        b = w->m;
    }
    w->block = (b < NS_MIN_BLOCK) ? NS_MIN_BLOCK : (uint32_t)b;
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

/* The join (nearest common ancestor) of u and v: climb from the node with
 * the smaller subtree until both walks meet. */
static int32_t ns_join(const ns *w, int32_t u, int32_t v)
{
    const int32_t *restrict succ = w->succ;
    const int32_t *restrict parent = w->parent;
    while (u != v) {
        if (succ[u] < succ[v]) {
            u = parent[u];
        } else {
            v = parent[v];
        }
    }
    return u;
}

/* The end of tree arc a farther from the root. */
static int32_t ns_child(const ns *w, uint32_t a)
{
    return (w->pred[w->src[a]] == a) ? (int32_t)w->src[a] : (int32_t)w->dst[a];
}

/* How far tree arc a is outside [0, cap]: > 0 above cap, < 0 below 0, 0
 * inside or not a tree arc. An artificial arc's cap counts as 0 here (the
 * dual repair solves the real problem, see the file comment). */
static int64_t ns_violation(const ns *w, uint32_t a)
{
    int64_t f = w->flow[a], c = (a < w->m) ? w->cap[a] : 0;
    if (w->state[a] != NS_STATE_TREE) {
        return 0;
    }
    if (f < 0) {
        return f;
    }
    return (c != MCF_INF && f > c) ? f - c : 0;
}

/* Nodes on the smaller side of the cut made by removing tree arc a. */
static uint32_t ns_cut_side(const ns *w, uint32_t a)
{
    int32_t below = w->succ[ns_child(w, a)];
    int32_t above = (int32_t)w->n + 1 - below;
    return (uint32_t)(below < above ? below : above);
}

/* Put tree arc a on the dual repair's list if it is out of bounds. Listed
 * arcs are tree arcs (an arc leaves the tree only as the leaving arc, whose
 * entry is dropped at the next selection), so the list holds at most n. */
static void ns_list_if_violated(ns *w, uint32_t a, uint32_t *nlist)
{
    if (!w->listed[a] && ns_violation(w, a) != 0) {
        w->listed[a] = 1;
        w->infeas[(*nlist)++] = a;
    }
}

/* Send val (signed: along the arc if > 0) over nontree arc `in` and back
 * around its tree cycle, which peaks at `join`. When nlist is not NULL (dual
 * repair), tree arcs pushed out of bounds are listed. */
static void ns_augment(ns *w, uint32_t in, int64_t val, int32_t join, uint32_t *nlist)
{
    int64_t *restrict flow = w->flow;
    const int32_t *restrict parent = w->parent;
    const uint32_t *restrict pred = w->pred;
    const int8_t *restrict dir = w->dir;
    flow[in] += val;
    for (int32_t u = (int32_t)w->src[in]; u != join; u = parent[u]) {
        flow[pred[u]] -= dir[u] * val;
        if (nlist != NULL) {
            ns_list_if_violated(w, pred[u], nlist);
        }
    }
    for (int32_t u = (int32_t)w->dst[in]; u != join; u = parent[u]) {
        flow[pred[u]] += dir[u] * val;
        if (nlist != NULL) {
            ns_list_if_violated(w, pred[u], nlist);
        }
    }
}

/* Bound on |pi(root)| before the potentials are renormalised. Potentials
 * relative to the root stay below 2^56 (big M is at most 2^55) and one
 * shift below 2^58, so every |pi| stays below 2^59 and sums of two of them
 * and a cost fit in int64. Data far from the limits never get here. */
#define NS_PI_DRIFT (INT64_C(1) << 56)

/* Second half of a pivot (primal or dual), after the flows moved: `in`
 * replaces the tree arc above u_out, the subtree of u_out is rehung from v_in
 * through u_in, and its potentials shift so that rc(in) becomes 0. Only
 * differences of potentials matter, so when the subtree holds more than half
 * the nodes the rest of the tree (a contiguous stretch of the cyclic thread
 * too) shifts the other way instead: this pass is the largest single cost of
 * a cold solve, and the smaller side is 20-25% less work on the benchmark
 * families. pi(root) then drifts; ns_potential reports pi - pi(root). */
static void ns_pivot_tree(ns *w, uint32_t in, int32_t u_in, int32_t v_in, int32_t u_out,
                          int32_t join)
{
    ns_update_tree(w, in, u_in, v_in, u_out, join);
    int64_t rc = w->cost[in] + w->pi[w->src[in]] - w->pi[w->dst[in]];
    int64_t sigma = ((uint32_t)u_in == w->src[in]) ? -rc : rc;
    int64_t *restrict pi = w->pi;
    const int32_t *restrict thread = w->thread;
    int32_t end = thread[w->last[u_in]];
    if (2 * (int64_t)w->succ[u_in] <= (int64_t)w->n + 1) {
        for (int32_t u = u_in; u != end; u = thread[u]) {
            pi[u] += sigma;
        }
    } else {
        for (int32_t u = end; u != u_in; u = thread[u]) {
            pi[u] -= sigma;
        }
        int64_t drift = pi[w->n];
        if (drift > NS_PI_DRIFT || drift < -NS_PI_DRIFT) {
            for (uint32_t v = 0; v <= w->n; v++) {
                pi[v] -= drift;
            }
        }
    }
    w->pivots++;
}

/* Dual ratio test for the tree arc above v, which is to leave. Removing it
 * cuts the tree into S (the subtree of v) and R (the rest, with the root).
 * need is +1 if the entering arc must raise the net flow from S to R, -1 if it
 * must lower it. Eligible: nontree real arcs across the cut that can move
 * that way; the one with the smallest signed reduced cost enters, so every
 * other arc keeps its sign when the potentials of S shift. Ties: with `bland`
 * the smallest index, else the first one met (the scan then stops at the
 * first eligible arc of reduced cost 0). Only the smaller side is scanned:
 * its nodes are marked, and an arc crosses when its far end is unmarked.
 * O(smaller side + its arcs). Returns UINT32_MAX if no arc is eligible, else
 * the arc, with *u_in its end in S. */
static uint32_t ns_dual_entering(ns *w, int32_t v, int need, int bland, int32_t *u_in)
{
    const int8_t *restrict state = w->state;
    const int64_t *restrict pi = w->pi;
    const int32_t *restrict thread = w->thread;
    const uint32_t *restrict first = w->adj_first;
    const ns_slot *restrict adj = w->adj;
    uint8_t *restrict mark = w->mark;

    if (++w->stamp == 0) {
        memset(mark, 0, (size_t)w->n + 1);      /* every 255 ratio tests */
        w->stamp = 1;
    }
    uint8_t stamp = w->stamp;
    int scan_s = w->succ[v] <= (int32_t)w->n + 1 - w->succ[v];
    int32_t begin = scan_s ? v : thread[w->last[v]];
    int32_t stop = scan_s ? thread[w->last[v]] : v;
    for (int32_t u = begin; u != stop; u = thread[u]) {
        mark[u] = stamp;
    }
    /* An arc can move the net flow S -> R by state * (+1 if it goes S -> R,
     * -1 if R -> S); eligible arcs move it by `need`. So an arc leaving the
     * scanned node is eligible with state want_out, an arc entering it with
     * -want_out (and a tree arc, state 0, never). */
    int8_t want_out = (int8_t)(scan_s ? need : -need);
    int64_t best = INT64_MAX;
    uint32_t in = UINT32_MAX;
    int32_t end_s = -1;
    uint64_t work = 0;
    for (int32_t u = begin; u != stop; u = thread[u]) {
        int64_t pu = pi[u];
        work += first[u + 1] - first[u] + 1;
        for (uint32_t k = first[u]; k < first[u + 1]; k++) {
            const ns_slot *sl = &adj[k];
            uint32_t e = sl->arc;
            uint32_t other = sl->end & ~NS_SLOT_IN;
            int entering = (sl->end & NS_SLOT_IN) != 0;
            int8_t st = state[e];
            if (st != (entering ? -want_out : want_out) || mark[other] == stamp) {
                continue;
            }
            int64_t rc = entering ? sl->cost + pi[other] - pu : sl->cost + pu - pi[other];
            rc *= st;
            if (rc < best || (rc == best && bland && e < in)) {
                best = rc;
                in = e;
                end_s = scan_s ? u : (int32_t)other;
                if (rc == 0 && !bland) {
                    goto done;
                }
            }
        }
    }
done:
    w->dual_work += work;
    *u_in = end_s;
    return in;
}

/* bal[v] = supply[v] less the net outflow of the nontree real arcs at their
 * upper bound, which carry their (possibly new) capacity. */
static void ns_balances(ns *w)
{
    uint32_t n = w->n, m = w->m;
    int64_t *restrict bal = w->bal;
    for (uint32_t v = 0; v < n; v++) {
        bal[v] = w->supply[v];
    }
    bal[n] = 0;
    for (uint32_t i = 0; i < m; i++) {
        if (w->state[i] == NS_STATE_UPPER) {
            w->flow[i] = w->cap[i];
            bal[w->src[i]] -= w->cap[i];
            bal[w->dst[i]] += w->cap[i];
        }
    }
}

/* Run of degenerate dual pivots after which the leaving arc is chosen by
 * Bland's rule (smallest index) instead of the smallest cut side. A macro so
 * that a test build can force Bland's rule from the first pivot (-D...=0). */
#ifndef NS_DUAL_BLAND
#define NS_DUAL_BLAND 64
#endif

/* Wide cuts: after NS_DUAL_WIDE_AFTER dual pivots on a large graph, if the
 * ratio tests scanned on average more than (n + m) / NS_DUAL_WIDE adjacency
 * slots per pivot, each dual pivot costs more than the few primal pivots
 * that repair a cut subtree, and the repair hands over (measured on the
 * four benchmark families, doc/solvers.md: netgen-sqrt and grid have wide
 * cuts, netgen-n16 and transport narrow ones). Macros for tests. */
#ifndef NS_DUAL_WIDE
#define NS_DUAL_WIDE 128
#endif
#ifndef NS_DUAL_WIDE_AFTER
#define NS_DUAL_WIDE_AFTER 16
#endif

/* Cascades: a dual pivot pushes the violation of its leaving arc around the
 * entering arc's cycle, which may put further tree arcs out of bounds. On
 * graphs of at least NS_DUAL_HANDOFF_N nodes, once the repair has made more
 * than NS_DUAL_CASCADE pivots per initially violated arc (plus
 * NS_DUAL_SLACK), it hands over to the primal repair, which is then the
 * cheaper way to finish (measured in doc/solvers.md). Macros for tests. */
#ifndef NS_DUAL_CASCADE
#define NS_DUAL_CASCADE 3
#endif
#ifndef NS_DUAL_SLACK
#define NS_DUAL_SLACK 100
#endif
#ifndef NS_DUAL_HANDOFF_N
#define NS_DUAL_HANDOFF_N 2048
#endif

/* Large changes: on graphs of at least NS_DUAL_HANDOFF_N nodes, if the
 * supplies moved by more than 1 / NS_DUAL_MOVED_DIV of the total |supply|
 * since the last solve, the old basis is far from the new optimum and the
 * primal repair is used from the start (measured in doc/solvers.md). */
#ifndef NS_DUAL_MOVED_DIV
#define NS_DUAL_MOVED_DIV 40
#endif

/* 1 if the change since the last solve is small enough for the dual repair. */
static int ns_small_change(const ns *w)
{
    if (w->n < NS_DUAL_HANDOFF_N) {
        return 1;
    }
    double total = 0;
    for (uint32_t v = 0; v < w->n; v++) {
        total += fabs((double)w->supply_in[v]);
    }
    return w->supply_moved * NS_DUAL_MOVED_DIV <= total;
}

/* The next leaving arc of the dual repair: prune the list, then take the
 * violated arc whose smaller cut side has the fewest nodes (ties: smallest
 * index), as the ratio test scans that side; with `bland`, the smallest
 * index. UINT32_MAX if none. O(list) per call. */
static uint32_t ns_dual_leaving(ns *w, uint32_t *nlist, int bland)
{
    uint32_t out = UINT32_MAX, keep = 0;
    uint32_t best = UINT32_MAX;
    for (uint32_t k = 0; k < *nlist; k++) {
        uint32_t a = w->infeas[k];
        if (ns_violation(w, a) == 0) {
            w->listed[a] = 0;
            continue;
        }
        w->infeas[keep++] = a;
        uint32_t c = ns_cut_side(w, a);
        if (bland ? a < out : (c < best || (c == best && a < out))) {
            out = a;
            best = c;
        }
    }
    *nlist = keep;
    return out;
}

/* Warm start when the basis is still dual feasible (only supplies, finite
 * capacities or the costs of nontree arcs changed; see the file comment).
 * Tree flows are recomputed for the new data, then dual pivots run until no
 * tree arc is out of bounds: a violated arc leaves at its violated bound,
 * the arc from ns_dual_entering enters, the violation is pushed around the
 * entering arc's cycle, and the potentials of the cut-off subtree shift by
 * the entering arc's reduced cost. Returns MCF_OPTIMAL when no real
 * violation is left (the tree is then optimal), MCF_INFEASIBLE when some cut
 * cannot carry its supply, MCF_CONTINUE when the pivot budget is spent (the
 * caller finishes with the primal repair). */
static mcf_status ns_dual_repair(ns *w)
{
    int32_t root = (int32_t)w->n;
    int64_t *restrict flow = w->flow;
    int64_t *restrict bal = w->bal;
    ns_balances(w);
    for (int32_t v = w->rev[root]; v != root; v = w->rev[v]) {
        uint32_t a = w->pred[v];
        flow[a] = (w->dir[v] > 0) ? bal[v] : -bal[v];
        bal[w->parent[v]] += bal[v];
    }
    uint32_t nlist = 0;
    for (uint32_t v = 0; v < w->n; v++) {
        ns_list_if_violated(w, w->pred[v], &nlist);
    }
    /* Pivot budget: the cascade limit on large graphs, n + m always (the
     * hard guarantee of termination, see the file comment). */
    uint64_t left = (uint64_t)w->n + w->m;
    if (w->n >= NS_DUAL_HANDOFF_N && (uint64_t)NS_DUAL_CASCADE * nlist + NS_DUAL_SLACK < left) {
        left = (uint64_t)NS_DUAL_CASCADE * nlist + NS_DUAL_SLACK;
    }

    uint32_t degenerate = 0;
    int swept = 0;
    mcf_status st = MCF_OPTIMAL;
    for (;;) {
        int bland = degenerate >= NS_DUAL_BLAND;
        uint32_t out = ns_dual_leaving(w, &nlist, bland);
        if (out == UINT32_MAX) {
            /* Safety net, O(n) once per solve: the list bookkeeping is not
             * what proves feasibility; a sweep of the tree arcs is. */
            if (swept) {
                break;
            }
            for (uint32_t v = 0; v < w->n; v++) {
                ns_list_if_violated(w, w->pred[v], &nlist);
            }
            swept = 1;
            continue;
        }
        if (left-- == 0 || (w->n >= NS_DUAL_HANDOFF_N && w->pivots >= NS_DUAL_WIDE_AFTER
                            && w->dual_work * NS_DUAL_WIDE > w->pivots * (w->n + w->m))) {
            st = MCF_CONTINUE;
            break;
        }
        int64_t amount = ns_violation(w, out);
        int over = amount > 0;
        amount = over ? amount : -amount;
        int32_t v = ns_child(w, out);
        int need = ((w->dir[v] > 0) == over) ? 1 : -1;
        int32_t u_in;
        uint32_t in = ns_dual_entering(w, v, need, bland, &u_in);
        if (in == UINT32_MAX) {
            st = MCF_INFEASIBLE;
            break;
        }
        int64_t rc = w->state[in] * (w->cost[in] + w->pi[w->src[in]] - w->pi[w->dst[in]]);
        degenerate = (rc == 0) ? degenerate + 1 : 0;
        swept = 0;
        int32_t v_in = (w->src[in] == (uint32_t)u_in) ? (int32_t)w->dst[in] : (int32_t)w->src[in];
        int32_t join = ns_join(w, u_in, v_in);

        /* The cycle of `in` crosses the cut only through `out`, the other
         * way: pushing `amount` along `in` brings `out` exactly to its bound. */
        int8_t in_state = w->state[in];
        w->state[in] = NS_STATE_TREE;
        ns_augment(w, in, in_state * amount, join, &nlist);
        w->state[out] = (over && out < w->m) ? NS_STATE_UPPER : NS_STATE_LOWER;
        ns_list_if_violated(w, in, &nlist);
        ns_pivot_tree(w, in, u_in, v_in, v, join);
    }
    for (uint32_t k = 0; k < nlist; k++) {
        w->listed[w->infeas[k]] = 0;
    }
    return st;
}

/* Soft artificial costs for the warm primal repair (see the file comment):
 * every tree artificial arc gets the cost that keeps its subtree's old
 * potentials, plus the penalty art_soft if it carries flow, so that only the
 * rehung subtrees move, and by art_soft rather than by about big M. Reads
 * the old potentials, so runs before ns_compute_potentials. */
static void ns_soft_artificial(ns *w, int penalize)
{
    uint32_t n = w->n, m = w->m;
    int64_t big = w->art_cost, pr = w->pi[n];
    for (uint32_t v = 0; v < n; v++) {
        uint32_t a = w->pred[v];
        if (a < m) {
            continue;
        }
        int64_t d = w->pi[v] - pr;
        int64_t c = (w->dir[v] > 0) ? -d : d;
        if (penalize && w->flow[a] > 0) {
            c += w->art_soft;
        }
        w->cost[a] = c > big ? big : c < -big ? -big : c;
    }
    w->art_mixed = 1;
}

/* Back to big M on every artificial arc, with the potentials that go with
 * it: a soft optimum that still has artificial flow proves nothing. */
static void ns_harden_artificial(ns *w)
{
    for (uint32_t v = 0; v < w->n; v++) {
        w->cost[w->m + v] = w->art_cost;
    }
    w->art_mixed = 0;
    ns_compute_potentials(w);
}

/* 1 if some artificial arc carries flow. */
static int ns_artificial_flow(const ns *w)
{
    for (uint32_t v = 0; v < w->n; v++) {
        if (w->flow[w->m + v] > 0) {
            return 1;
        }
    }
    return 0;
}

/* What ns_primal_start does besides the bounds repair (flags). */
enum {
    NS_START_SOFT = 1,      /* soft artificial costs (ns_soft_artificial) */
    NS_START_PENALTY = 2,   /* ... with the penalty on artificial flow */
    NS_START_STRONG = 4     /* cut tree arcs that break strong feasibility */
};

/* Cold start (artificial star) or primal warm start: the bottom-up repair of
 * the file comment puts every tree arc within its bounds and, with
 * NS_START_STRONG, makes the tree strongly feasible. */
static void ns_primal_start(ns *w, int flags)
{
    uint32_t n = w->n, m = w->m;
    int32_t root = (int32_t)n;
    if (!w->has_tree) {
        /* Cold: every real arc at its lower bound, every node under the root. */
        memset(w->state, NS_STATE_LOWER, m);
        memset(w->flow, 0, (size_t)m * sizeof *w->flow);
        for (uint32_t v = 0; v < n; v++) {
            ns_set_artificial(w, v, 1, 0);
        }
        ns_rebuild_thread(w);
    } else {
        /* Warm: keep the nontree arcs at their bounds (an infinite one at 0). */
        for (uint32_t i = 0; i < m; i++) {
            if (w->state[i] == NS_STATE_UPPER && w->cap[i] == MCF_INF) {
                w->state[i] = NS_STATE_LOWER;
            }
            if (w->state[i] == NS_STATE_LOWER) {
                w->flow[i] = 0;
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
    ns_balances(w);
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
        int strong = !(flags & NS_START_STRONG)
                     || ((w->dir[v] > 0) ? (f < c || c == MCF_INF) : (f > 0));
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
    if (flags & NS_START_SOFT) {
        ns_soft_artificial(w, (flags & NS_START_PENALTY) != 0);
    }
    ns_compute_potentials(w);
    w->has_tree = 1;
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
    w->pivots = 0;
    w->dual_work = 0;
    w->infeasible = 0;
    w->weak_until = UINT64_MAX;
    int small = ns_small_change(w);
    w->supply_moved = 0;

    /* A dual feasible basis keeps its big M if that is still big enough:
     * changing M would move the potentials under artificial tree arcs. */
    if (w->has_tree && w->dual_ok && big <= w->art_cost && small) {
        mcf_status st = ns_dual_repair(w);
        if (st != MCF_CONTINUE) {
            w->infeasible = (st == MCF_INFEASIBLE);
            return st;
        }
    }
    w->dual_ok = 0;
    w->art_cost = big;
    w->art_soft = maxc + 1;
    w->art_mixed = 0;
    for (uint32_t v = 0; v < n; v++) {
        w->cost[m + v] = big;
        w->cap[m + v] = MCF_INF;
    }
    w->parent[root] = -1;
    w->pred[root] = UINT32_MAX;
    w->dir[root] = 0;
    if (!w->has_tree) {
        ns_pick_block(w, w->deep ? NS_DEEP_HALVES : NS_COLD_HALVES);
        ns_primal_start(w, NS_START_STRONG);
        return MCF_OPTIMAL;
    }
    ns_pick_block(w, NS_WARM_HALVES);
    /* Warm: strong feasibility is restored only if pivoting takes long
     * (see the file comment). */
    uint64_t weak = (w->weak_user >= 0) ? (uint64_t)w->weak_user : n;
    w->weak_until = weak ? w->pivots + weak : UINT64_MAX;
    ns_primal_start(w, NS_START_SOFT | NS_START_PENALTY | (weak ? 0 : NS_START_STRONG));
    return MCF_OPTIMAL;
}

mcf_status ns_iterate(ns *w)
{
    if (w->infeasible) {
        return MCF_INFEASIBLE;
    }
    if (w->pivots >= w->weak_until) {
        /* Same costs and potentials; subtrees behind arcs that break strong
         * feasibility hang from the root with no flow, so it cannot cycle. */
        ns_primal_start(w, NS_START_STRONG | (w->art_mixed ? NS_START_SOFT : 0));
        w->weak_until = UINT64_MAX;
    }
    uint32_t in = ns_find_entering(w);
    if (in == UINT32_MAX) {
        w->dual_ok = 1;     /* nothing prices out: the basis is dual feasible */
        if (w->art_mixed && ns_artificial_flow(w)) {
            ns_harden_artificial(w);
            w->dual_ok = 0;
            return MCF_CONTINUE;
        }
        return MCF_OPTIMAL;
    }
    w->dual_ok = 0;
    int32_t *restrict parent = w->parent;
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
    int32_t join = ns_join(w, first, second);

    /* Ratio test: the last blocking arc in cycle order from the join. Flow
     * runs join -> ... -> first -> second -> ... -> join. */
    int64_t delta = cap[in];
    int32_t u_out = -1;
    int side = 0;
    for (int32_t u = first; u != join; u = parent[u]) {
        uint32_t a = pred[u];
        int64_t d = (dir[u] < 0) ? (cap[a] == MCF_INF ? MCF_INF : cap[a] - flow[a]) : flow[a];
        if (d < delta) {
            delta = d;
            u_out = u;
            side = 1;
        }
    }
    for (int32_t u = second; u != join; u = parent[u]) {
        uint32_t a = pred[u];
        int64_t d = (dir[u] > 0) ? (cap[a] == MCF_INF ? MCF_INF : cap[a] - flow[a]) : flow[a];
        if (d <= delta) {
            delta = d;
            u_out = u;
            side = 2;
        }
    }
    if (delta == MCF_INF) {
        if (w->art_mixed) {
            /* The cycle may run through two soft artificial arcs: it is only
             * a real one if it still prices out under big M. */
            ns_harden_artificial(w);
            return MCF_CONTINUE;
        }
        return MCF_UNBOUNDED;
    }
    if (delta > 0) {
        ns_augment(w, in, w->state[in] * delta, join, NULL);
    }
    if (side == 0) {
        /* The entering arc blocks itself: it jumps to its other bound. */
        w->state[in] = (int8_t)-w->state[in];
        w->pivots++;
        return MCF_CONTINUE;
    }
    uint32_t out_arc = pred[u_out];
    w->state[in] = NS_STATE_TREE;
    w->state[out_arc] = (flow[out_arc] == 0) ? NS_STATE_LOWER : NS_STATE_UPPER;
    int32_t u_in = (side == 1) ? first : second;
    int32_t v_in = (side == 1) ? second : first;
    ns_pivot_tree(w, in, u_in, v_in, u_out, join);
    return MCF_CONTINUE;
}

mcf_status ns_test(const ns *w)
{
    if (w->infeasible) {
        return MCF_INFEASIBLE;
    }
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
    return w->pi[v] - w->pi[w->n];
}

/* The objective sum cost x flow over the real arcs, lower bounds included,
 * exactly: lo + carries * 2^128. Each product is below 2^116 (a flow below
 * 2^63, a cost at most 2^52), so one add wraps at most once and the carry
 * count records it; m terms make |carries| <= m. O(m). */
static void ns_objective(const ns *w, ns_wide *lo, int64_t *carries)
{
    ns_wide sum = 0;
    int64_t c = 0;
    for (uint32_t e = 0; e < w->m; e++) {
        uint32_t i = w->ext2int[e];
        ns_wide term = ((ns_wide)w->flow[i] + w->lower[e]) * w->cost[i];
        if (__builtin_add_overflow(sum, term, &sum)) {
            c += (term > 0) ? 1 : -1;
        }
    }
    *lo = sum;
    *carries = c;
}

mcf_status ns_total_cost(const ns *w, int64_t *cost)
{
    ns_wide lo;
    int64_t carries;
    ns_objective(w, &lo, &carries);
    /* With carries != 0 the total is at least 2^128 - 2^127 in magnitude. */
    if (carries != 0 || lo > INT64_MAX || lo < INT64_MIN) {
        return MCF_ERANGE;
    }
    *cost = (int64_t)lo;
    return MCF_OPTIMAL;
}

double ns_total_cost_approx(const ns *w)
{
    ns_wide lo;
    int64_t carries;
    ns_objective(w, &lo, &carries);
    return (double)lo + ldexp((double)carries, 128);
}

uint64_t ns_pivots(const ns *w)
{
    return w->pivots;
}
