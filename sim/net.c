/*
 * net.c -- the network between nodes: latency, loss, partitions, shape.
 *
 * sim_send() draws a latency from links.latency and a loss from links.loss
 * on the sender's own stream (always in that order, so the number of draws
 * per send is fixed), then either drops the message, holds it (queue-mode
 * partition) or schedules its delivery. A partition is a group id per node;
 * a message crosses it when sender and receiver are in different groups. It
 * is checked when the message is sent and again when it arrives, so a
 * partition declared while a message is in flight also stops it. Held
 * messages keep their (src, seq) key and are released at heal, each after
 * the latency it still had to travel.
 *
 * Standing (sim_set_standing) is one byte a node, beside the bad-actor bit.
 * A suspended or expelled node is cut off: its messages are blocked when
 * sent and again when they arrive, like a partition's, and counted. While
 * no node is cut off (run->cut_off == 0, a field the send path already has
 * in cache) the check is one predictable branch and reads no node byte, so
 * standing costs nothing until somebody uses it. Its links do not count as
 * up in the shape, and it is a component of its own.
 *
 * The shape (alive, links up, components, giant) is an O(n + m) breadth-first
 * search over the live graph, done only when a failure, recovery, partition
 * or heal has changed it since the last call. It is ours rather than
 * igraph's so the graph is never held twice; tests compare it with
 * igraph_connected_components.
 */
#include "run.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#define NET_SALT_THROTTLE 0xfffffu   /* the core's own private stream: limited senders' throttle */

sim_err net_init(sim_run *run)
{
    run->limited_share = 1.0;
    run->nranks = 1;             /* one rank owns every node until run.c says otherwise */
    run->own_lo = 0;
    run->own_hi = run->n;
    run->per_rank = run->n ? run->n : 1;
    run->routing = 1;
    run->partitioned = 0;
    run->held = NULL;
    run->nheld = run->capheld = 0;
    run->shape_dirty = 1;
    run->bfs = NULL;
    run->seen = NULL;
    return SIM_OK;
}

void net_destroy(sim_run *run)
{
    free(run->held);
    free(run->bfs);
    free(run->seen);
    run->held = NULL;
    run->bfs = NULL;
    run->seen = NULL;
}

sim_err net_check(sim_run *run)
{
    if (run->links->latency.kind == SIM_DIST_PER_DISTANCE && run->g.x == NULL) {
        return sim_fail(run, SIM_EINPUT, "%s: links.latency: per_distance needs a topology "
                        "with coordinates (geometric, a 2-d lattice, or explicit places with x, y)",
                        run->cfg->path);
    }
    return SIM_OK;
}

/*
 * How far apart two nodes are for per_distance latency: the edge's own
 * distance on explicit places that give one, else the Euclidean distance of
 * the coordinates (net_check makes sure there are coordinates).
 */
static double net_distance(const sim_run *run, uint32_t src, uint32_t dst)
{
    double dist = NAN;
    if (run->g.dist != NULL && topo_edge(&run->g, src, dst, &dist, NULL) && !isnan(dist)) {
        return dist;
    }
    double dx = (double)run->g.x[src] - run->g.x[dst];
    double dy = (double)run->g.y[src] - run->g.y[dst];
    return sqrt(dx * dx + dy * dy);
}

/* One latency draw in seconds from the law, on the sender's stream r. */
static double net_latency_s(sim_run *run, gsl_rng *r, uint32_t src, uint32_t dst)
{
    const sim_dist *d = &run->links->latency;
    if (d->kind == SIM_DIST_CONSTANT) {
        return d->a;
    }
    if (d->kind == SIM_DIST_PER_DISTANCE) {
        return d->b + d->a * net_distance(run, src, dst);
    }
    return rng_dist(r, d);   /* normal: truncated at 0; the loader guarantees mean > 0 */
}

sim_time sim_link_min_latency(const sim_run *run)
{
    const sim_dist *d = &run->links->latency;
    switch (d->kind) {
    case SIM_DIST_CONSTANT:
    case SIM_DIST_UNIFORM:
    case SIM_DIST_PARETO:
        return sim_time_from_s(d->a);
    case SIM_DIST_PER_DISTANCE:
        return sim_time_from_s(d->b);
    default:
        return 0;
    }
}

static int net_crosses(const sim_run *run, uint32_t a, uint32_t b)
{
    return run->partitioned && run->node[a].group != run->node[b].group;
}

/* Suspended or expelled. */
static int net_is_cut_off(const sim_run *run, uint32_t v)
{
    return (run->mark[v] & RUN_STANDING) >= SIM_STANDING_SUSPENDED;
}

/* A message between a and b is blocked by standing. */
static int net_blocks(const sim_run *run, uint32_t a, uint32_t b)
{
    return run->cut_off != 0 && (net_is_cut_off(run, a) || net_is_cut_off(run, b));
}

int sim_link_open(const sim_run *run, uint32_t a, uint32_t b)
{
    return run->node[a].up && run->node[b].up && !net_crosses(run, a, b) && !net_blocks(run, a, b);
}

sim_standing sim_node_standing(const sim_run *run, uint32_t node)
{
    SIM_ASSERT(node < run->n);
    return (sim_standing)(run->mark[node] & RUN_STANDING);
}

int sim_set_standing(sim_run *run, uint32_t node, sim_standing standing)
{
    SIM_ASSERT(node < run->n && standing <= SIM_STANDING_EXPELLED);
    sim_standing old = sim_node_standing(run, node);
    if (old == standing || old == SIM_STANDING_EXPELLED) {
        return 0;
    }
    run->cut_off -= old >= SIM_STANDING_SUSPENDED;
    run->cut_off += standing >= SIM_STANDING_SUSPENDED;
    run->standing_count[old] -= old != SIM_STANDING_OK;
    run->standing_count[standing] += standing != SIM_STANDING_OK;
    run->mark[node] = (uint8_t)((run->mark[node] & ~RUN_STANDING) | (unsigned)standing);
    run->shape_dirty |= (old >= SIM_STANDING_SUSPENDED) != (standing >= SIM_STANDING_SUSPENDED);
    return 1;
}

void sim_standing_counts(const sim_run *run, uint32_t counts[4])
{
    for (int i = 0; i < 4; i++) {
        counts[i] = run->standing_count[i];
    }
}

int sim_is_bad(const sim_run *run, uint32_t node)
{
    SIM_ASSERT(node < run->n);
    return (run->mark[node] & RUN_BAD) != 0;
}

void sim_set_bad(sim_run *run, uint32_t node, int bad)
{
    SIM_ASSERT(node < run->n);
    run->mark[node] = (uint8_t)(bad ? run->mark[node] | RUN_BAD : run->mark[node] & ~RUN_BAD);
}

void sim_set_limited_share(sim_run *run, double share)
{
    SIM_ASSERT(share >= 0 && share <= 1);
    run->limited_share = share;
}

double sim_unit_private(const sim_run *run, uint32_t node, uint32_t salt, uint64_t ctr)
{
    SIM_ASSERT(salt < (1u << 20));
    uint64_t stream = RNG_STREAM_PRIVATE | (uint64_t)salt << 32 | node;
    return rng_unit(rng_at(rng_key(run->seed, stream), ctr));
}

/* A limited sender's message is throttled (sim_set_limited_share): 1 if this one stays. */
static int net_throttled(const sim_run *run, uint32_t src, uint32_t seq)
{
    return run->limited_share < 1.0 && sim_node_standing(run, src) == SIM_STANDING_LIMITED
           && sim_unit_private(run, src, NET_SALT_THROTTLE, seq) >= run->limited_share;
}

/* Keep a message until heal; ev->time holds the delay still to travel. */
static void net_hold(sim_run *run, const sim_event *ev)
{
    if (run->nheld == run->capheld) {
        size_t cap = run->capheld ? run->capheld * 2 : 1024;
        sim_event *h = realloc(run->held, cap * sizeof *h);
        if (h == NULL) {
            run->out_of_memory = 1;   /* the run ends as failed; never a silent loss */
            return;
        }
        run->held = h;
        run->capheld = cap;
    }
    run->held[run->nheld++] = *ev;
}

/* An event for another rank's node: to its outbox (dropped while models initialise: the owner makes it too). */
static void net_route(sim_run *run, const sim_event *ev)
{
    if (!run->routing) {
        return;
    }
    uint32_t r = ev->dst / run->per_rank;
    if (run->outn[r] == run->outcap[r]) {
        uint32_t cap = run->outcap[r] ? 2 * run->outcap[r] : 1024;
        sim_event *b = cap > run->outcap[r] ? realloc(run->outbox[r], (size_t)cap * sizeof *b) : NULL;
        if (b == NULL) {
            run->out_of_memory = 1;
            return;
        }
        run->outbox[r] = b;
        run->outcap[r] = cap;
    }
    run->outbox[r][run->outn[r]++] = *ev;
}

void net_schedule(sim_run *run, const sim_event *ev)
{
    if (run->nranks > 1 && (ev->dst < run->own_lo || ev->dst >= run->own_hi)) {
        net_route(run, ev);
        return;
    }
    if (evq_push(&run->q, ev) != SIM_OK) {
        run->out_of_memory = 1;
    }
}

/* Schedule a message after delay unless it is dropped or held by a partition. */
static void net_transmit(sim_run *run, uint32_t src, uint32_t dst, sim_time delay, int dropped,
                         uint8_t kind, uint64_t data)
{
    sim_event ev = {
        .time = run->now + delay, .src = src, .seq = run->node[src].send_seq++, .dst = dst,
        .model = run->current, .kind = kind, .flags = 0, .epoch = 0, .data = data
    };
    run->sent += src >= run->own_lo && src < run->own_hi;   /* each rank counts its own nodes' sends */
    if (net_blocks(run, src, dst) || net_throttled(run, src, ev.seq)) {
        run->blocked++;
        return;
    }
    if (dropped) {
        run->lost++;
        return;
    }
    if (net_crosses(run, src, dst)) {
        if (run->part_mode == PART_QUEUE) {
            ev.time = delay;
            net_hold(run, &ev);
        } else {
            run->lost++;
        }
        return;
    }
    net_schedule(run, &ev);
}

void sim_send(sim_run *run, uint32_t src, uint32_t dst, uint8_t kind, uint64_t data)
{
    SIM_ASSERT(src < run->n && dst < run->n);
    gsl_rng *r = sim_rng(run, src);   /* bound once: latency, then loss */
    sim_time delay = sim_time_from_s(net_latency_s(run, r, src, dst));
    int dropped = run->links->loss > 0.0 && gsl_rng_uniform(r) < run->links->loss;
    net_transmit(run, src, dst, delay < 1 ? 1 : delay, dropped, kind, data);
}

void sim_post(sim_run *run, uint32_t src, uint32_t dst, sim_time delay_ns, uint8_t kind, uint64_t data)
{
    SIM_ASSERT(src < run->n && dst < run->n);
    delay_ns = delay_ns < 1 ? 1 : delay_ns > SIM_DELAY_CLAMP ? SIM_DELAY_CLAMP : delay_ns;
    net_transmit(run, src, dst, delay_ns, 0, kind, data);
}

int net_admit(sim_run *run, const sim_event *ev)
{
    if (!run->node[ev->dst].up) {
        if (!(ev->flags & SIM_EV_TIMER)) {
            run->lost++;
        }
        return 0;
    }
    if (ev->flags & SIM_EV_TIMER) {
        return ev->epoch == run->node[ev->dst].epoch;
    }
    if (net_blocks(run, ev->src, ev->dst)) {
        run->blocked++;
        return 0;
    }
    if (net_crosses(run, ev->src, ev->dst)) {
        if (run->part_mode == PART_QUEUE) {
            sim_event h = *ev;
            h.time = 0;
            net_hold(run, &h);
        } else {
            run->lost++;
        }
        return 0;
    }
    return 1;
}

void net_partition(sim_run *run, const uint16_t *group, int mode)
{
    for (uint32_t v = 0; v < run->n; v++) {
        run->node[v].group = group[v];
    }
    run->partitioned = 1;
    run->part_mode = mode;
    run->shape_dirty = 1;
}

sim_err net_heal(sim_run *run, uint64_t *released)
{
    for (uint32_t v = 0; v < run->n; v++) {
        run->node[v].group = 0;
    }
    run->partitioned = 0;
    run->shape_dirty = 1;
    *released = run->nheld;
    for (size_t i = 0; i < run->nheld; i++) {
        sim_event ev = run->held[i];
        ev.time += run->now;
        if (evq_push(&run->q, &ev) != SIM_OK) {
            return sim_fail(run, SIM_ENOMEM, "out of memory releasing held messages");
        }
    }
    run->nheld = 0;
    return SIM_OK;
}

uint32_t net_live_degree(const sim_run *run, uint32_t v)
{
    const topo_graph *g = &run->g;
    if (g->complete) {
        return run->alive - (run->node[v].up ? 1 : 0);
    }
    uint32_t d = 0;
    for (uint32_t e = g->off[v]; e < g->off[v + 1]; e++) {
        d += run->node[g->adj[e]].up;
    }
    return d;
}

/* Complete topology: a component per non-empty group, links within groups. */
static void net_shape_complete(const sim_run *run, net_shape *s, uint32_t *count)
{
    uint32_t ngroups = 1;
    memset(count, 0, sizeof(uint32_t) * 65536);
    uint32_t alone = 0;   /* live nodes cut off by standing: a component each */
    for (uint32_t v = 0; v < run->n; v++) {
        if (run->node[v].up && run->cut_off != 0 && net_is_cut_off(run, v)) {
            alone++;
        } else if (run->node[v].up) {
            uint16_t gid = run->node[v].group;
            count[gid]++;
            if ((uint32_t)gid + 1 > ngroups) {
                ngroups = (uint32_t)gid + 1;
            }
        }
    }
    uint32_t largest = alone > 0 ? 1 : 0;
    s->components += alone;
    for (uint32_t i = 0; i < ngroups; i++) {
        if (count[i] > 0) {
            s->components++;
            s->links_up += (uint64_t)count[i] * (count[i] - 1) / 2;
            largest = count[i] > largest ? count[i] : largest;
        }
    }
    s->giant = (double)largest / run->n;
}

/* Breadth-first search from every unseen live node over live, same-group links. */
static void net_shape_graph(sim_run *run, net_shape *s)
{
    const topo_graph *g = &run->g;
    memset(run->seen, 0, run->n);
    uint32_t largest = 0;
    for (uint32_t root = 0; root < run->n; root++) {
        if (!run->node[root].up || run->seen[root]) {
            continue;
        }
        uint32_t head = 0, tail = 0;
        run->bfs[tail++] = root;
        run->seen[root] = 1;
        while (head < tail) {
            uint32_t v = run->bfs[head++];
            for (uint32_t e = g->off[v]; e < g->off[v + 1]; e++) {
                uint32_t w = g->adj[e];
                if (!run->node[w].up || net_crosses(run, v, w) || net_blocks(run, v, w)) {
                    continue;
                }
                if (w > v) {
                    s->links_up++;
                }
                if (!run->seen[w]) {
                    run->seen[w] = 1;
                    run->bfs[tail++] = w;
                }
            }
        }
        s->components++;
        largest = tail > largest ? tail : largest;
    }
    s->giant = (double)largest / run->n;
}

sim_err net_shape_now(sim_run *run, net_shape *out)
{
    if (!run->shape_dirty) {
        *out = run->shape;
        return SIM_OK;
    }
    net_shape s = { .alive = run->alive, .links_up = 0, .components = 0, .giant = 0.0 };
    if (run->g.complete) {
        uint32_t *count = malloc(sizeof(uint32_t) * 65536);
        if (count == NULL) {
            return sim_fail(run, SIM_ENOMEM, "out of memory computing components");
        }
        net_shape_complete(run, &s, count);
        free(count);
    } else {
        if (run->bfs == NULL) {
            run->bfs = malloc(sizeof(uint32_t) * run->n);
            run->seen = malloc(run->n);
            if (run->bfs == NULL || run->seen == NULL) {
                return sim_fail(run, SIM_ENOMEM, "out of memory computing components");
            }
        }
        net_shape_graph(run, &s);
    }
    run->shape = s;
    run->shape_dirty = 0;
    *out = s;
    return SIM_OK;
}
