/*
 * gossip.c -- rumor mongering (Demers et al., "Epidemic algorithms for
 * replicated database maintenance", PODC 1987).
 *
 * One rumor starts at the origins at time 0. A node is SUSCEPTIBLE (does not
 * know), INFECTIVE (knows and spreads) or REMOVED (knows, lost interest);
 * "informed" means INFECTIVE or REMOVED. The only transitions are
 * SUSCEPTIBLE -> INFECTIVE (a rumor message arrives) and INFECTIVE -> REMOVED
 * (the stop rule fires); a node never forgets.
 *
 * Rounds. Nodes act at ticks, once per period: at r x period, r = 1, 2, ...
 * with `sync`, else at a fixed per-node phase in [0, period) plus r x period
 * (the phase is a stateless hash of the node, so it costs no stream draw and
 * no memory). A node informed during a round first acts in the next round: at
 * a tick at T it spreads only if it was informed strictly before T, so with
 * sync and a latency of exactly one period a rumor arriving at T waits for
 * T + period. Ticks are local timers and only nodes with something to do keep
 * one pending (at most one, the ARMED bit): infective nodes in push,
 * susceptible ones in pull, both in push-pull. A node that becomes inactive
 * simply does not re-arm when its tick fires, so a finished rumor costs
 * nothing.
 *
 * At a tick a node contacts `fanout` distinct random neighbours (all of them
 * if its degree is no more than `fanout`), drawn from its own stream:
 *   push:      infective nodes send the rumor (PUSH);
 *   pull:      susceptible nodes ask (PULL); infective receivers REPLY;
 *   push-pull: susceptible and infective nodes send an EXCHANGE, carrying the
 *              rumor if the sender is infective; an infective receiver of an
 *              exchange without the rumor REPLYs with it.
 * PUSH, REPLY and carrying EXCHANGE are the rumor messages: the `messages`
 * column counts them; requests and feedback are not counted.
 *
 * Whose state a REPLY reflects. With `sync`, every message of round r
 * reflects the states at the start of round r, as in the random phone-call
 * model (Karp et al., FOCS 2000): a request carries the instant T of the
 * tick that sent it, and the receiver replies with the rumor only if it was
 * infective at T, i.e. informed strictly before T and not removed before T,
 * however latencies and ties order the messages of the round (a node that a
 * push reached earlier in the same round does not answer yet). This needs
 * the instant each node was removed (removed_at, allocated only with sync).
 * A node's own tick follows the same rule: informed or removed at exactly
 * T by a message the tie order handled first, it still acts at T as it was
 * at T (gossip_role). Without `sync` there are no rounds common to all
 * nodes, and a reply reflects the state at the request's arrival, which is
 * what a real asynchronous network does.
 *
 * Stop rules apply to the spreader (sender) of a rumor message, only while it
 * is infective:
 *   never:            it spreads for ever;
 *   blind-counter:    removed after k rumor messages sent, in total;
 *   blind-coin:       removed with probability 1/k after each one sent;
 *   feedback-counter: removed after k contacts, in total and never reset,
 *                     whose receiver already knew;
 *   feedback-coin:    removed with probability 1/k after each such contact.
 * "Already knew" is reported by the receiver with a FEEDBACK message, so the
 * spreader learns it one round trip later, and never if it is lost. Coins
 * are drawn from the spreader's own stream. With sync, "already knew" too is
 * the receiver's state at the start of the round (gossip_knew: two pushes
 * that reach a susceptible node in one round are both useful), the rule of
 * Demers et al.'s simulations (feedback-counter k = 1 gives their Table 1
 * residue 0.176 and traffic 1.74 at n = 1000); without sync it is the state
 * at arrival, which gives the mean-field residue of their section 1.4.
 *
 * Failures: a down node keeps its state but is not counted; the core drops
 * its pending tick, and it re-arms one when it comes back if still active.
 *
 * Costs: state is structure-of-arrays, 10 bytes per node (state byte with
 * the ARMED flag, saturating stop counter, time informed in ns; 18 with the
 * time removed, with sync); plus two
 * fixed 12 KB scratch arrays for peer selection. O(fanout) expected work
 * per tick, O(1) per message; informed/infective counts, traffic and the
 * times t_last, t_50, t_90, t_99 and t_all are kept incrementally, so a sample is O(1). No
 * allocation after init.
 *
 * Live keys: fanout and k may be changed by set{} during the run; they are
 * read from the configuration at every use, never cached.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "sim.h"

enum { GOSSIP_PUSH, GOSSIP_PULL, GOSSIP_PUSH_PULL };
enum {
    GOSSIP_STOP_NEVER, GOSSIP_STOP_FEEDBACK_COUNTER, GOSSIP_STOP_FEEDBACK_COIN,
    GOSSIP_STOP_BLIND_COUNTER, GOSSIP_STOP_BLIND_COIN
};

/* Event kinds (model-local). */
enum {
    GOSSIP_EV_TICK,      /* local timer: the node's round */
    GOSSIP_EV_PUSH,      /* the rumor, pushed */
    GOSSIP_EV_PULL,      /* a request from a susceptible node; no rumor */
    GOSSIP_EV_REPLY,     /* the rumor, in answer to a request or exchange */
    GOSSIP_EV_FEEDBACK,  /* "I already knew"; no rumor */
    GOSSIP_EV_EXCHANGE   /* push-pull contact; data = 1 if it carries the rumor */
};

/* State byte: the low two bits are the SIR state, ARMED marks a pending tick. */
enum {
    GOSSIP_SUSCEPTIBLE = 0, GOSSIP_INFECTIVE = 1, GOSSIP_REMOVED = 2,
    GOSSIP_SIR_MASK = 3, GOSSIP_ARMED = 4
};

#define GOSSIP_PHASE_SALT  0x6f7373697047ULL
#define GOSSIP_ORIGIN_SALT 0x6e696769724fULL
#define GOSSIP_FANOUT_MAX  1024     /* the range of the fanout key */
#define GOSSIP_SEEN_BITS   11       /* peer set of 2048 slots: load <= 1/2 */
#define GOSSIP_SEEN_SIZE   (1u << GOSSIP_SEEN_BITS)
#define GOSSIP_REDRAWS     64       /* draws per wanted peer before giving up */
#define GOSSIP_LEVELS      4        /* coverage levels timed: t_50, t_90, t_99, t_all */

static const uint64_t gossip_level_pct[GOSSIP_LEVELS] = { 50, 90, 99, 100 };

typedef struct gossip_cfg {
    int mode;               /* GOSSIP_PUSH, _PULL or _PUSH_PULL */
    int64_t fanout;         /* distinct peers contacted per tick (live) */
    sim_time period;        /* ns between a node's ticks, > 0 */
    int sync;               /* 1: every node ticks at r x period */
    int stop;               /* GOSSIP_STOP_* */
    int64_t k;              /* stop-rule parameter, 1..255 (live) */
    sim_nodeset origins;    /* count of random origins, or explicit ids */
} gossip_cfg;

typedef struct gossip_state {
    const gossip_cfg *cfg;       /* kept: set{} may change fanout and k */
    uint32_t n;                  /* nodes, up or down */
    uint8_t *state;              /* per node: SIR state | GOSSIP_ARMED */
    uint8_t *contacts;           /* per node: stop counter, saturating at 255 */
    sim_time *informed_at;       /* per node: ns; valid once informed */
    sim_time *removed_at;        /* per node: ns; valid once removed; NULL unless sync */
    uint64_t informed_alive;     /* informed nodes that are up */
    uint64_t infective_alive;    /* infective nodes that are up */
    uint64_t messages;           /* cumulative rumor-carrying messages */
    sim_time t_last;             /* ns of the last new infection, or -1 */
    sim_time t_level[GOSSIP_LEVELS];  /* ns when gossip_level_pct of up nodes first knew, or -1 */
    uint32_t next_level;         /* first level not reached yet */
    uint32_t peers[GOSSIP_FANOUT_MAX];  /* scratch: this tick's contacts */
    uint32_t seen[GOSSIP_SEEN_SIZE];    /* scratch set of peers; SIM_NONE = empty */
} gossip_state;

static const char *const gossip_modes[] = { "push", "pull", "push-pull", NULL };
static const char *const gossip_stops[] = {
    "never", "feedback-counter", "feedback-coin", "blind-counter", "blind-coin", NULL
};

static const sim_param gossip_params[] = {
    SIM_PARAM_ENUM("mode", gossip_cfg, mode, GOSSIP_PUSH, gossip_modes, 0,
                   "who contacts whom: push, pull or push-pull"),
    SIM_PARAM_INT("fanout", gossip_cfg, fanout, 1, 1, GOSSIP_FANOUT_MAX, SIM_PF_LIVE,
                  "distinct random neighbours contacted per round"),
    SIM_PARAM_TIME("period", gossip_cfg, period, 1.0, 0, 1e9, SIM_PF_MIN_OPEN,
                   "seconds between a node's rounds"),
    SIM_PARAM_BOOL("sync", gossip_cfg, sync, 0, 0,
                   "all nodes act at r x period (else each at its own random phase)"),
    SIM_PARAM_ENUM("stop", gossip_cfg, stop, GOSSIP_STOP_NEVER, gossip_stops, 0,
                   "when a spreader loses interest (Demers et al. 1987)"),
    SIM_PARAM_INT("k", gossip_cfg, k, 2, 1, 255, SIM_PF_LIVE,
                  "counter: contacts before stopping; coin: stop with probability 1/k"),
    SIM_PARAM_NODES("origins", gossip_cfg, origins, 1, 0,
                    "number of random origins, or a list of node ids or place names"),
    SIM_PARAM_END
};

static const char *const gossip_columns[] = { "alive", "informed", "infective", "messages", NULL };
static const char *const gossip_labels[] = {
    "alive nodes", "informed nodes", "infective nodes", "messages carrying the rumor (cumulative)", NULL
};
static const char *const gossip_summary[] = {
    "informed_final", "residue", "traffic", "t_last", "t_50", "t_90", "t_99", "t_all", NULL
};

static int gossip_sir(const gossip_state *g, uint32_t v)
{
    return g->state[v] & GOSSIP_SIR_MASK;
}

static void gossip_set_sir(gossip_state *g, uint32_t v, int sir)
{
    g->state[v] = (uint8_t)((g->state[v] & ~GOSSIP_SIR_MASK) | sir);
}

/* The live fanout, clamped to the scratch size whatever set{} wrote. */
static uint32_t gossip_fanout(const gossip_state *g)
{
    int64_t f = g->cfg->fanout;
    if (f < 1) {
        return 1;
    }
    return f > GOSSIP_FANOUT_MAX ? GOSSIP_FANOUT_MAX : (uint32_t)f;
}

/* The live k, clamped to the counter's range. */
static int gossip_k(const gossip_state *g)
{
    int64_t k = g->cfg->k;
    if (k < 1) {
        return 1;
    }
    return k > 255 ? 255 : (int)k;
}

/* Does node v act at its ticks in this mode? */
static int gossip_active(const gossip_state *g, uint32_t v)
{
    int s = gossip_sir(g, v);
    switch (g->cfg->mode) {
    case GOSSIP_PUSH:
        return s == GOSSIP_INFECTIVE;
    case GOSSIP_PULL:
        return s == GOSSIP_SUSCEPTIBLE;
    default:
        return s != GOSSIP_REMOVED;
    }
}

/* The first tick of v strictly after now, or SIM_TIME_MAX if it would overflow. */
static sim_time gossip_next_tick(const gossip_state *g, const sim_run *run, uint32_t v)
{
    sim_time p = g->cfg->period, now = sim_now(run);
    sim_time phase = 0;
    if (!g->cfg->sync) {
        phase = (sim_time)(sim_node_hash(run, v, GOSSIP_PHASE_SALT) % (uint64_t)p);
    }
    if (now < phase) {
        return phase;
    }
    sim_time r = (now - phase) / p + 1;
    if (r > (SIM_TIME_MAX - phase) / p) {
        return SIM_TIME_MAX;
    }
    return phase + r * p;
}

/* Give v a pending tick if it is up, active and has none. */
static void gossip_arm(gossip_state *g, sim_run *run, uint32_t v)
{
    if ((g->state[v] & GOSSIP_ARMED) || !gossip_active(g, v) || !sim_is_up(run, v)) {
        return;
    }
    sim_time at = gossip_next_tick(g, run, v);
    if (at == SIM_TIME_MAX) {
        return;
    }
    g->state[v] |= GOSSIP_ARMED;
    sim_timer_at(run, v, at, GOSSIP_EV_TICK, 0);
}

/*
 * Record the levels of coverage reached now: the first time the informed
 * share of up nodes is at least 50, 90, 99 and 100 percent, compared in
 * integers (informed x 100 >= pct x alive). A level is kept once reached,
 * even if failures lower the share later; one reached implies the lower
 * ones, so they are stamped at the same instant.
 */
static void gossip_check_levels(gossip_state *g, const sim_run *run)
{
    uint64_t alive = sim_alive_count(run);
    while (g->next_level < GOSSIP_LEVELS && alive > 0
           && g->informed_alive * 100 >= gossip_level_pct[g->next_level] * alive) {
        g->t_level[g->next_level++] = sim_now(run);
    }
}

/* Susceptible node v (up) learns the rumor now. */
static void gossip_inform(gossip_state *g, sim_run *run, uint32_t v)
{
    gossip_set_sir(g, v, GOSSIP_INFECTIVE);
    g->informed_at[v] = sim_now(run);
    g->informed_alive++;
    g->infective_alive++;
    g->t_last = sim_now(run);
    gossip_check_levels(g, run);
    gossip_arm(g, run, v);
}

/* Infective node v (up: it is handling an event) loses interest. */
static void gossip_remove(gossip_state *g, const sim_run *run, uint32_t v)
{
    gossip_set_sir(g, v, GOSSIP_REMOVED);
    g->infective_alive--;
    if (g->removed_at != NULL) {
        g->removed_at[v] = sim_now(run);
    }
}

/* A counter rule: one more counted contact for spreader v. */
static void gossip_count(gossip_state *g, const sim_run *run, uint32_t v)
{
    if (g->contacts[v] < 255) {
        g->contacts[v]++;
    }
    if (g->contacts[v] >= gossip_k(g)) {
        gossip_remove(g, run, v);
    }
}

/* A coin rule: spreader v stops with probability 1/k, from its own stream. */
static void gossip_coin(gossip_state *g, sim_run *run, uint32_t v)
{
    if (gsl_rng_uniform(sim_rng(run, v)) < 1.0 / (double)gossip_k(g)) {
        gossip_remove(g, run, v);
    }
}

/*
 * Send one rumor message from v, then apply the blind rules while v is
 * infective (a sync reply may come from a node removed since the round began).
 */
static void gossip_spread(gossip_state *g, sim_run *run, uint32_t v, uint32_t to, uint8_t kind,
                          uint64_t data)
{
    sim_send(run, v, to, kind, data);
    g->messages++;
    if (gossip_sir(g, v) != GOSSIP_INFECTIVE) {
        return;
    }
    if (g->cfg->stop == GOSSIP_STOP_BLIND_COUNTER) {
        gossip_count(g, run, v);
    } else if (g->cfg->stop == GOSSIP_STOP_BLIND_COIN) {
        gossip_coin(g, run, v);
    }
}

/*
 * Does v answer a request with the rumor? With sync, by its state at the
 * start of the request's round, tick instant t (see the file comment);
 * without, by its state now.
 */
static int gossip_answers(const gossip_state *g, uint32_t v, sim_time t)
{
    int s = gossip_sir(g, v);
    if (!g->cfg->sync) {
        return s == GOSSIP_INFECTIVE;
    }
    if (s == GOSSIP_SUSCEPTIBLE || g->informed_at[v] >= t) {
        return 0;
    }
    return s == GOSSIP_INFECTIVE || g->removed_at[v] >= t;
}

/* Spreader v hears that its contact already knew: the feedback rules. */
static void gossip_feedback(gossip_state *g, sim_run *run, uint32_t v)
{
    if (gossip_sir(g, v) != GOSSIP_INFECTIVE) {
        return;
    }
    if (g->cfg->stop == GOSSIP_STOP_FEEDBACK_COUNTER) {
        gossip_count(g, run, v);
    } else if (g->cfg->stop == GOSSIP_STOP_FEEDBACK_COIN) {
        gossip_coin(g, run, v);
    }
}

/*
 * Did v already know the rumor that a message of round t brings? With sync,
 * by its state at the start of that round (informed strictly before t), so
 * two pushes that reach a susceptible node in one round are both useful;
 * without sync, by its state now.
 */
static int gossip_knew(const gossip_state *g, uint32_t v, sim_time t)
{
    return gossip_sir(g, v) != GOSSIP_SUSCEPTIBLE && (!g->cfg->sync || g->informed_at[v] < t);
}

/* A rumor message of round t (its sender's tick) from src reaches v. */
static void gossip_rumor_arrives(gossip_state *g, sim_run *run, uint32_t v, uint32_t src, sim_time t)
{
    int feedback = g->cfg->stop == GOSSIP_STOP_FEEDBACK_COUNTER ||
                   g->cfg->stop == GOSSIP_STOP_FEEDBACK_COIN;
    if (feedback && gossip_knew(g, v, t)) {
        sim_send(run, v, src, GOSSIP_EV_FEEDBACK, 0);
    }
    if (gossip_sir(g, v) == GOSSIP_SUSCEPTIBLE) {
        gossip_inform(g, run, v);
    }
}

/* What a node does at a tick: nothing, spread the rumor, or ask for it. */
enum { GOSSIP_IDLE, GOSSIP_SPREADS, GOSSIP_ASKS };

/*
 * v's role at its tick now. With sync, from its state at the start of the
 * round (now is the round's instant T): a node informed at exactly T, or
 * removed at exactly T, by a message that the tie order handled before this
 * tick still acts as it was at T. Without sync, from its state now; a node
 * informed at this very instant first acts at its next tick.
 */
static int gossip_role(const gossip_state *g, const sim_run *run, uint32_t v)
{
    sim_time t = sim_now(run);
    int s = gossip_sir(g, v);
    int knew = s != GOSSIP_SUSCEPTIBLE && g->informed_at[v] < t;
    int spreads, asks;
    if (g->cfg->sync) {
        spreads = knew && (s == GOSSIP_INFECTIVE || g->removed_at[v] >= t);
        asks = !knew;
    } else {
        spreads = knew && s == GOSSIP_INFECTIVE;
        asks = s == GOSSIP_SUSCEPTIBLE;
    }
    switch (g->cfg->mode) {
    case GOSSIP_PUSH:
        return spreads ? GOSSIP_SPREADS : GOSSIP_IDLE;
    case GOSSIP_PULL:
        return asks ? GOSSIP_ASKS : GOSSIP_IDLE;
    default:
        return spreads ? GOSSIP_SPREADS : asks ? GOSSIP_ASKS : GOSSIP_IDLE;
    }
}

/*
 * One contact of v with peer at a tick, in its role. Every message carries
 * the instant of the tick that started it, shifted left by one (a REPLY
 * carries its request's); an EXCHANGE's low bit says whether it carries the
 * rumor. Times are below 2^62 ns.
 */
static void gossip_contact(gossip_state *g, sim_run *run, uint32_t v, uint32_t peer, int role)
{
    uint64_t tick = (uint64_t)sim_now(run) << 1;
    switch (g->cfg->mode) {
    case GOSSIP_PUSH:
        gossip_spread(g, run, v, peer, GOSSIP_EV_PUSH, tick);
        break;
    case GOSSIP_PULL:
        sim_send(run, v, peer, GOSSIP_EV_PULL, tick);
        break;
    default:
        if (role == GOSSIP_SPREADS) {
            gossip_spread(g, run, v, peer, GOSSIP_EV_EXCHANGE, tick | 1);
        } else {
            sim_send(run, v, peer, GOSSIP_EV_EXCHANGE, tick);
        }
        break;
    }
}

/* Insert p into the scratch set; 1 if it was not there. Fibonacci hashing. */
static int gossip_seen_add(gossip_state *g, uint32_t p)
{
    uint32_t i = (uint32_t)(p * 2654435769u) >> (32 - GOSSIP_SEEN_BITS);
    while (g->seen[i] != SIM_NONE) {
        if (g->seen[i] == p) {
            return 0;
        }
        i = (i + 1) & (GOSSIP_SEEN_SIZE - 1);
    }
    g->seen[i] = p;
    return 1;
}

/* Empty the scratch set by clearing exactly the slots of the m peers in it. */
static void gossip_seen_clear(gossip_state *g, uint32_t m)
{
    for (uint32_t j = 0; j < m; j++) {
        uint32_t i = (uint32_t)(g->peers[j] * 2654435769u) >> (32 - GOSSIP_SEEN_BITS);
        while (g->seen[i] != SIM_NONE) {
            g->seen[i] = SIM_NONE;
            i = (i + 1) & (GOSSIP_SEEN_SIZE - 1);
        }
    }
}

/*
 * Fill g->peers with up to fanout distinct neighbours of v and return how
 * many: every neighbour if the degree is no more than fanout, else random
 * draws from v's stream with duplicates redrawn (at most GOSSIP_REDRAWS draws
 * per wanted peer, so a pathological multigraph cannot loop). Expected
 * O(fanout) work while fanout is well below the degree.
 */
static uint32_t gossip_pick_peers(gossip_state *g, sim_run *run, uint32_t v, uint32_t fanout)
{
    uint32_t deg = sim_degree(run, v);
    if (deg <= fanout) {
        for (uint32_t i = 0; i < deg; i++) {
            g->peers[i] = sim_neighbor(run, v, i);
        }
        return deg;
    }
    uint32_t m = 0;
    for (uint32_t tries = 0; m < fanout && tries < GOSSIP_REDRAWS * fanout; tries++) {
        uint32_t p = sim_random_peer(run, v);
        if (gossip_seen_add(g, p)) {
            g->peers[m++] = p;
        }
    }
    gossip_seen_clear(g, m);
    return m;
}

static void gossip_tick(gossip_state *g, sim_run *run, uint32_t v)
{
    g->state[v] &= (uint8_t)~GOSSIP_ARMED;
    int role = gossip_role(g, run, v);
    if (role != GOSSIP_IDLE) {
        uint32_t m = gossip_pick_peers(g, run, v, gossip_fanout(g));
        int before = gossip_sir(g, v);
        /* A blind rule may remove v part-way through its round: it stops there. */
        for (uint32_t i = 0; i < m && gossip_sir(g, v) == before; i++) {
            gossip_contact(g, run, v, g->peers[i], role);
        }
    }
    gossip_arm(g, run, v);
}

static void gossip_event(void *state, sim_run *run, const sim_event *ev)
{
    gossip_state *g = state;
    uint32_t v = ev->dst;
    switch (ev->kind) {
    case GOSSIP_EV_TICK:
        gossip_tick(g, run, v);
        break;
    case GOSSIP_EV_PUSH:
    case GOSSIP_EV_REPLY:
        gossip_rumor_arrives(g, run, v, ev->src, (sim_time)(ev->data >> 1));
        break;
    case GOSSIP_EV_PULL:
        if (gossip_answers(g, v, (sim_time)(ev->data >> 1))) {
            gossip_spread(g, run, v, ev->src, GOSSIP_EV_REPLY, ev->data & ~1ull);
        }
        break;
    case GOSSIP_EV_EXCHANGE:
        if (ev->data & 1) {
            gossip_rumor_arrives(g, run, v, ev->src, (sim_time)(ev->data >> 1));
        } else if (gossip_answers(g, v, (sim_time)(ev->data >> 1))) {
            gossip_spread(g, run, v, ev->src, GOSSIP_EV_REPLY, ev->data & ~1ull);
        }
        break;
    case GOSSIP_EV_FEEDBACK:
        gossip_feedback(g, run, v);
        break;
    default:
        SIM_ASSERT(ev->kind <= GOSSIP_EV_EXCHANGE);  /* a bug: unknown kind */
        break;
    }
}

/*
 * Inform the origins at time 0. Explicit ids are checked against n. A count
 * c takes c distinct nodes, candidate j being a stateless hash of j (no node
 * stream is drawn, so the choice cannot shift any later draw); duplicates are
 * skipped, so c = n ends like a coupon collector, O(n log n) hashes.
 */
static sim_err gossip_seed_origins(gossip_state *g, sim_run *run)
{
    const sim_nodeset *o = &g->cfg->origins;
    if (o->ids != NULL) {
        for (uint32_t i = 0; i < o->count; i++) {
            if (o->ids[i] >= g->n) {
                return sim_fail(run, SIM_EINPUT, "gossip.origins: node %u does not exist (n = %u)",
                                o->ids[i], g->n);
            }
        }
        for (uint32_t i = 0; i < o->count; i++) {
            if (gossip_sir(g, o->ids[i]) == GOSSIP_SUSCEPTIBLE) {
                gossip_inform(g, run, o->ids[i]);
            }
        }
        return SIM_OK;
    }
    if (o->count > g->n) {
        return sim_fail(run, SIM_EINPUT, "gossip.origins: %u origins but only %u nodes",
                        o->count, g->n);
    }
    uint32_t made = 0;
    for (uint64_t j = 0; made < o->count; j++) {
        uint64_t h = sim_node_hash(run, (uint32_t)(j % g->n), GOSSIP_ORIGIN_SALT + j / g->n);
        uint32_t v = (uint32_t)(h % g->n);
        if (gossip_sir(g, v) == GOSSIP_SUSCEPTIBLE) {
            gossip_inform(g, run, v);
            made++;
        }
    }
    return SIM_OK;
}

static void gossip_destroy(void *state)
{
    gossip_state *g = state;
    if (g == NULL) {
        return;
    }
    free(g->state);
    free(g->contacts);
    free(g->informed_at);
    free(g->removed_at);
    free(g);
}

static sim_err gossip_init(sim_run *run, const void *cfg, void **state)
{
    gossip_state *g = calloc(1, sizeof *g);
    if (g == NULL) {
        return sim_fail(run, SIM_ENOMEM, "gossip: out of memory");
    }
    g->cfg = cfg;
    g->n = sim_nodes(run);
    g->state = sim_node_array(run, sizeof *g->state);
    g->contacts = sim_node_array(run, sizeof *g->contacts);
    g->informed_at = sim_node_array(run, sizeof *g->informed_at);
    int sync = g->cfg->sync;
    g->removed_at = sync ? sim_node_array(run, sizeof *g->removed_at) : NULL;
    g->t_last = -1;
    for (uint32_t i = 0; i < GOSSIP_LEVELS; i++) {
        g->t_level[i] = -1;
    }
    memset(g->seen, 0xff, sizeof g->seen);   /* every slot SIM_NONE */
    if (g->state == NULL || g->contacts == NULL || g->informed_at == NULL
        || (sync && g->removed_at == NULL)) {
        gossip_destroy(g);
        return sim_fail(run, SIM_ENOMEM, "gossip: out of memory for %u nodes", sim_nodes(run));
    }
    /* Read at nearly every event; contacts only under a counter rule. */
    sim_hint_per_node(run, g->state, sizeof *g->state);
    sim_hint_per_node(run, g->informed_at, sizeof *g->informed_at);
    if (g->cfg->stop == GOSSIP_STOP_FEEDBACK_COUNTER || g->cfg->stop == GOSSIP_STOP_BLIND_COUNTER) {
        sim_hint_per_node(run, g->contacts, sizeof *g->contacts);
    }
    sim_err err = gossip_seed_origins(g, run);
    if (err != SIM_OK) {
        gossip_destroy(g);
        return err;
    }
    /* Push origins armed themselves when informed; pull and push-pull tick everyone. */
    if (g->cfg->mode != GOSSIP_PUSH) {
        for (uint32_t v = 0; v < g->n; v++) {
            gossip_arm(g, run, v);
        }
    }
    *state = g;
    return SIM_OK;
}

static void gossip_node_change(void *state, sim_run *run, uint32_t v, int up)
{
    gossip_state *g = state;
    int s = gossip_sir(g, v);
    /* The core dropped (down) or will never fire (up) any tick set before. */
    g->state[v] &= (uint8_t)~GOSSIP_ARMED;
    if (up) {
        g->informed_alive += s != GOSSIP_SUSCEPTIBLE;
        g->infective_alive += s == GOSSIP_INFECTIVE;
        gossip_arm(g, run, v);
    } else {
        g->informed_alive -= s != GOSSIP_SUSCEPTIBLE;
        g->infective_alive -= s == GOSSIP_INFECTIVE;
    }
    /* Losing an uninformed node may leave only informed ones up. */
    gossip_check_levels(g, run);
}

static void gossip_sample(const void *state, const sim_run *run, double *row)
{
    const gossip_state *g = state;
    row[0] = (double)sim_alive_count(run);
    row[1] = (double)g->informed_alive;
    row[2] = (double)g->infective_alive;
    row[3] = (double)g->messages;
}

static void gossip_summarize(const void *state, const sim_run *run, double *out)
{
    const gossip_state *g = state;
    uint32_t alive = sim_alive_count(run);
    out[0] = (double)g->informed_alive;
    out[1] = alive > 0 ? (double)(alive - g->informed_alive) / (double)alive : 0.0;
    out[2] = g->n > 0 ? (double)g->messages / (double)g->n : 0.0;
    out[3] = g->t_last >= 0 ? sim_time_to_s(g->t_last) : NAN;
    for (uint32_t i = 0; i < GOSSIP_LEVELS; i++) {
        out[4 + i] = g->t_level[i] >= 0 ? sim_time_to_s(g->t_level[i]) : NAN;
    }
}

static size_t gossip_bytes(const void *state)
{
    const gossip_state *g = state;
    size_t n = g->n ? g->n : 1;
    size_t per_node = sizeof *g->state + sizeof *g->contacts + sizeof *g->informed_at;
    return sizeof *g + n * (per_node + (g->removed_at != NULL ? sizeof *g->removed_at : 0));
}

/* Per node: the three arrays; pending: a tick and up to fanout messages in flight. */
static uint64_t gossip_estimate(const void *cfg, uint64_t nodes, uint64_t *events)
{
    const gossip_cfg *c = cfg;
    const gossip_state *g = NULL;
    uint64_t per_node = sizeof *g->state + sizeof *g->contacts + sizeof *g->informed_at
                        + sizeof *g->removed_at;
    *events = sim_mul_sat(nodes, 1 + (uint64_t)c->fanout);
    return sim_add_sat(sizeof *g, sim_mul_sat(nodes, per_node));
}

const sim_model gossip_model = {
    .name = "gossip",
    .help = "rumor mongering: push, pull, push-pull with Demers' stop rules",
    .params = gossip_params,
    .cfg_size = sizeof(gossip_cfg),
    .columns = gossip_columns,
    .labels = gossip_labels,
    .summary = gossip_summary,
    .check = NULL,
    .init = gossip_init,
    .event = gossip_event,
    .node_change = gossip_node_change,
    .sample = gossip_sample,
    .summarize = gossip_summarize,
    .destroy = gossip_destroy,
    .bytes = gossip_bytes,
    .estimate = gossip_estimate,
};
