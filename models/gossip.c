/*
 * gossip.c -- rumor mongering (Demers et al., "Epidemic algorithms for
 * replicated database maintenance", PODC 1987).
 *
 * One rumor starts at the origins at time 0. A node is SUSCEPTIBLE (does not
 * know), INFECTIVE (knows and spreads) or REMOVED (knows, lost interest).
 * Nodes act at ticks, once per period: at r x period with `sync`, else at a
 * fixed per-node phase plus r x period. At a tick a node contacts `fanout`
 * distinct random neighbours:
 *   push:      infective nodes send the rumor (PUSH);
 *   pull:      susceptible nodes ask (PULL); infective receivers REPLY;
 *   push-pull: susceptible and infective nodes send an EXCHANGE carrying the
 *              rumor if they are infective; an infective receiver of an
 *              exchange without the rumor REPLYs with it.
 * A node informed during a round first acts in the next round: at a tick at
 * T it acts only if it was informed strictly before T.
 *
 * Stop rules apply to the spreader of a rumor message while it is infective:
 * blind rules count every rumor message it sends (counter: removed after k;
 * coin: removed with probability 1/k after each); feedback rules count the
 * contacts whose receiver already knew, which the receiver reports with a
 * FEEDBACK message (counter: after k in total, never reset; coin: 1/k each).
 *
 * State is structure-of-arrays: 1 byte state + flags, 1 byte stop counter,
 * 8 bytes time informed: 10 bytes per node. O(fanout) per tick, O(1) per
 * message, counters kept incrementally so a sample is O(1). Only nodes with
 * something to do keep a tick pending (one at most, the ARMED bit).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "sim.h"

enum { GOSSIP_PUSH, GOSSIP_PULL, GOSSIP_PUSH_PULL };
enum { STOP_NEVER, STOP_FEEDBACK_COUNTER, STOP_FEEDBACK_COIN, STOP_BLIND_COUNTER, STOP_BLIND_COIN };
enum { EV_TICK, EV_PUSH, EV_PULL, EV_REPLY, EV_FEEDBACK, EV_EXCHANGE };

/* State byte: the low two bits are the SIR state, ARMED marks a pending tick. */
enum { SUSCEPTIBLE = 0, INFECTIVE = 1, REMOVED = 2, STATE_MASK = 3, ARMED = 4 };

#define GOSSIP_PHASE_SALT 0x6f7373697047ULL
#define GOSSIP_ORIGIN_SALT 0x6e696769724fULL

typedef struct gossip_cfg {
    int mode;               /* GOSSIP_* */
    int64_t fanout;         /* peers contacted per tick (live) */
    sim_time period;        /* ns between ticks */
    int sync;               /* ticks at r x period for every node */
    int stop;               /* STOP_* */
    int64_t k;              /* stop-rule parameter (live) */
    sim_nodeset origins;    /* count of random origins, or explicit ids */
} gossip_cfg;

typedef struct gossip_state {
    const gossip_cfg *cfg;  /* live: set{} may change fanout and k */
    uint32_t n;
    uint8_t *state;         /* SIR state | ARMED */
    uint8_t *contacts;      /* stop counter, saturating */
    sim_time *informed_at;  /* ns; valid when informed */
    uint64_t informed_alive;
    uint64_t infective_alive;
    uint64_t messages;      /* cumulative rumor-carrying messages */
    sim_time t_last;        /* last new infection, or -1 */
    sim_time t_all;         /* first time all up nodes knew, or -1 */
} gossip_state;

static const char *const gossip_modes[] = { "push", "pull", "push-pull", NULL };
static const char *const gossip_stops[] = {
    "never", "feedback-counter", "feedback-coin", "blind-counter", "blind-coin", NULL
};

static const sim_param gossip_params[] = {
    SIM_PARAM_ENUM("mode", gossip_cfg, mode, GOSSIP_PUSH, gossip_modes, 0,
                   "who contacts whom: push, pull or push-pull"),
    SIM_PARAM_INT("fanout", gossip_cfg, fanout, 1, 1, 1024, SIM_PF_LIVE,
                  "distinct random neighbours contacted per round"),
    SIM_PARAM_TIME("period", gossip_cfg, period, 1.0, 0, 1e9, SIM_PF_MIN_OPEN,
                   "seconds between a node's rounds"),
    SIM_PARAM_BOOL("sync", gossip_cfg, sync, 0, 0,
                   "all nodes act at r x period (else each at its own random phase)"),
    SIM_PARAM_ENUM("stop", gossip_cfg, stop, STOP_NEVER, gossip_stops, 0,
                   "when a spreader loses interest (Demers et al. 1987)"),
    SIM_PARAM_INT("k", gossip_cfg, k, 2, 1, 255, SIM_PF_LIVE,
                  "counter: contacts before stopping; coin: stop with probability 1/k"),
    SIM_PARAM_NODES("origins", gossip_cfg, origins, 1, 0,
                    "number of random origins, or a list of node ids"),
    SIM_PARAM_END
};

static const char *const gossip_columns[] = { "alive", "informed", "infective", "messages", NULL };
static const char *const gossip_summary[] = {
    "informed_final", "residue", "traffic", "t_last", "t_all", NULL
};

static int gossip_sir(const gossip_state *g, uint32_t v)
{
    return g->state[v] & STATE_MASK;
}

static void gossip_set_sir(gossip_state *g, uint32_t v, int sir)
{
    g->state[v] = (uint8_t)((g->state[v] & ~STATE_MASK) | sir);
}

/* Does node v act at its ticks in this mode? */
static int gossip_active(const gossip_state *g, uint32_t v)
{
    int s = gossip_sir(g, v);
    switch (g->cfg->mode) {
    case GOSSIP_PUSH:
        return s == INFECTIVE;
    case GOSSIP_PULL:
        return s == SUSCEPTIBLE;
    default:
        return s != REMOVED;
    }
}

/* The first tick of v strictly after now. */
static sim_time gossip_next_tick(const gossip_state *g, sim_run *run, uint32_t v)
{
    sim_time p = g->cfg->period, now = sim_now(run);
    sim_time phase = g->cfg->sync ? 0 : (sim_time)(sim_node_hash(run, v, GOSSIP_PHASE_SALT) % (uint64_t)p);
    if (now < phase) {
        return phase;
    }
    return phase + ((now - phase) / p + 1) * p;
}

static void gossip_arm(gossip_state *g, sim_run *run, uint32_t v)
{
    if ((g->state[v] & ARMED) || !gossip_active(g, v) || !sim_is_up(run, v)) {
        return;
    }
    g->state[v] |= ARMED;
    sim_timer_at(run, v, gossip_next_tick(g, run, v), EV_TICK, 0);
}

static void gossip_check_all(gossip_state *g, const sim_run *run)
{
    if (g->t_all < 0 && g->informed_alive == sim_alive_count(run)) {
        g->t_all = sim_now(run);
    }
}

static void gossip_inform(gossip_state *g, sim_run *run, uint32_t v)
{
    gossip_set_sir(g, v, INFECTIVE);
    g->informed_at[v] = sim_now(run);
    g->informed_alive++;
    g->infective_alive++;
    g->t_last = sim_now(run);
    gossip_check_all(g, run);
    gossip_arm(g, run, v);
}

static void gossip_remove(gossip_state *g, uint32_t v)
{
    gossip_set_sir(g, v, REMOVED);
    g->infective_alive--;
}

/* One contact that counts for v's stop rule: counters after k, coins with probability 1/k. */
static void gossip_count_contact(gossip_state *g, sim_run *run, uint32_t v)
{
    int stop = g->cfg->stop;
    if (stop == STOP_BLIND_COUNTER || stop == STOP_FEEDBACK_COUNTER) {
        if (g->contacts[v] < 255) {
            g->contacts[v]++;
        }
        if (g->contacts[v] >= g->cfg->k) {
            gossip_remove(g, v);
        }
    } else if (gsl_rng_uniform(sim_rng(run, v)) < 1.0 / (double)g->cfg->k) {
        gossip_remove(g, v);
    }
}

/* Blind rules: every rumor message the spreader sends counts. */
static void gossip_after_send(gossip_state *g, sim_run *run, uint32_t v)
{
    if (g->cfg->stop == STOP_BLIND_COUNTER || g->cfg->stop == STOP_BLIND_COIN) {
        gossip_count_contact(g, run, v);
    }
}

/* Feedback rules: a contact counts when the receiver reports it already knew. */
static void gossip_on_feedback(gossip_state *g, sim_run *run, uint32_t v)
{
    if (gossip_sir(g, v) == INFECTIVE
        && (g->cfg->stop == STOP_FEEDBACK_COUNTER || g->cfg->stop == STOP_FEEDBACK_COIN)) {
        gossip_count_contact(g, run, v);
    }
}

static int gossip_is_feedback_rule(const gossip_state *g)
{
    return g->cfg->stop == STOP_FEEDBACK_COUNTER || g->cfg->stop == STOP_FEEDBACK_COIN;
}

/* Send one rumor-carrying message from spreader v, then apply blind rules. */
static void gossip_spread(gossip_state *g, sim_run *run, uint32_t v, uint32_t to, uint8_t kind,
                          uint64_t data)
{
    sim_send(run, v, to, kind, data);
    g->messages++;
    gossip_after_send(g, run, v);
}

/* A rumor reaches v from src. */
static void gossip_rumor_arrives(gossip_state *g, sim_run *run, uint32_t v, uint32_t src)
{
    if (gossip_sir(g, v) == SUSCEPTIBLE) {
        gossip_inform(g, run, v);
    } else if (gossip_is_feedback_rule(g)) {
        sim_send(run, v, src, EV_FEEDBACK, 0);
    }
}

/* One contact of v at a tick. */
static void gossip_contact(gossip_state *g, sim_run *run, uint32_t v, uint32_t peer)
{
    int s = gossip_sir(g, v);
    switch (g->cfg->mode) {
    case GOSSIP_PUSH:
        if (s == INFECTIVE) {
            gossip_spread(g, run, v, peer, EV_PUSH, 0);
        }
        break;
    case GOSSIP_PULL:
        sim_send(run, v, peer, EV_PULL, 0);
        break;
    default:
        if (s == INFECTIVE) {
            gossip_spread(g, run, v, peer, EV_EXCHANGE, 1);
        } else {
            sim_send(run, v, peer, EV_EXCHANGE, 0);
        }
    }
}

/* Draw up to fanout distinct neighbours of v (all of them if the degree is small). */
static uint32_t gossip_peers(sim_run *run, uint32_t v, uint32_t fanout, uint32_t *out)
{
    uint32_t deg = sim_degree(run, v);
    if (deg <= fanout) {
        for (uint32_t i = 0; i < deg; i++) {
            out[i] = sim_neighbor(run, v, i);
        }
        return deg;
    }
    uint32_t k = 0;
    for (uint32_t tries = 0; k < fanout && tries < 64 * fanout; tries++) {
        uint32_t p = sim_random_peer(run, v);
        uint32_t j = 0;
        while (j < k && out[j] != p) {
            j++;
        }
        if (j == k) {
            out[k++] = p;
        }
    }
    return k;
}

static void gossip_tick(gossip_state *g, sim_run *run, uint32_t v)
{
    g->state[v] &= (uint8_t)~ARMED;
    if (!gossip_active(g, v)) {
        return;
    }
    int informed = gossip_sir(g, v) != SUSCEPTIBLE;
    if (!(informed && g->informed_at[v] >= sim_now(run))) {
        uint32_t peers[1024];
        uint32_t n = gossip_peers(run, v, (uint32_t)g->cfg->fanout, peers);
        for (uint32_t i = 0; i < n && gossip_active(g, v); i++) {
            gossip_contact(g, run, v, peers[i]);
        }
    }
    gossip_arm(g, run, v);
}

static void gossip_event(void *state, sim_run *run, const sim_event *ev)
{
    gossip_state *g = state;
    uint32_t v = ev->dst;
    switch (ev->kind) {
    case EV_TICK:
        gossip_tick(g, run, v);
        break;
    case EV_PUSH:
    case EV_REPLY:
        gossip_rumor_arrives(g, run, v, ev->src);
        break;
    case EV_PULL:
        if (gossip_sir(g, v) == INFECTIVE) {
            gossip_spread(g, run, v, ev->src, EV_REPLY, 0);
        }
        break;
    case EV_EXCHANGE:
        if (ev->data) {
            gossip_rumor_arrives(g, run, v, ev->src);
        } else if (gossip_sir(g, v) == INFECTIVE) {
            gossip_spread(g, run, v, ev->src, EV_REPLY, 0);
        }
        break;
    case EV_FEEDBACK:
        gossip_on_feedback(g, run, v);
        break;
    default:
        break;
    }
}

/* Mark the origins informed at time 0 (explicit ids, or distinct random nodes). */
static sim_err gossip_seed_origins(gossip_state *g, sim_run *run)
{
    const sim_nodeset *o = &g->cfg->origins;
    if (o->ids != NULL) {
        for (uint32_t i = 0; i < o->count; i++) {
            if (o->ids[i] >= g->n) {
                return sim_fail(run, SIM_EINPUT, "gossip.origins: node %u does not exist (n = %u)",
                                o->ids[i], g->n);
            }
            if (gossip_sir(g, o->ids[i]) == SUSCEPTIBLE) {
                gossip_inform(g, run, o->ids[i]);
            }
        }
        return SIM_OK;
    }
    if (o->count > g->n) {
        return sim_fail(run, SIM_EINPUT, "gossip.origins: %u origins but only %u nodes", o->count, g->n);
    }
    uint32_t made = 0;
    for (uint64_t j = 0; made < o->count; j++) {
        uint32_t v = (uint32_t)(sim_node_hash(run, (uint32_t)(j % g->n), GOSSIP_ORIGIN_SALT + j / g->n) % g->n);
        if (gossip_sir(g, v) == SUSCEPTIBLE) {
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
    g->state = calloc(g->n, 1);
    g->contacts = calloc(g->n, 1);
    g->informed_at = malloc(sizeof *g->informed_at * g->n);
    g->t_last = g->t_all = -1;
    if (g->state == NULL || g->contacts == NULL || g->informed_at == NULL) {
        gossip_destroy(g);
        return sim_fail(run, SIM_ENOMEM, "gossip: out of memory for %u nodes", sim_nodes(run));
    }
    sim_err err = gossip_seed_origins(g, run);
    if (err != SIM_OK) {
        gossip_destroy(g);
        return err;
    }
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
    int64_t d = up ? 1 : -1;
    if (s != SUSCEPTIBLE) {
        g->informed_alive += (uint64_t)d;
    }
    if (s == INFECTIVE) {
        g->infective_alive += (uint64_t)d;
    }
    if (up) {
        g->state[v] &= (uint8_t)~ARMED;   /* the core dropped its old tick */
        gossip_arm(g, run, v);
    } else {
        g->state[v] &= (uint8_t)~ARMED;
    }
    gossip_check_all(g, run);
}

static void gossip_sample(const void *state, const sim_run *run, double *row)
{
    const gossip_state *g = state;
    row[0] = sim_alive_count(run);
    row[1] = (double)g->informed_alive;
    row[2] = (double)g->infective_alive;
    row[3] = (double)g->messages;
}

static void gossip_summarize(const void *state, const sim_run *run, double *out)
{
    const gossip_state *g = state;
    uint32_t alive = sim_alive_count(run);
    out[0] = (double)g->informed_alive;
    out[1] = alive ? (double)(alive - g->informed_alive) / alive : 0.0;
    out[2] = g->n ? (double)g->messages / g->n : 0.0;
    out[3] = g->t_last >= 0 ? sim_time_to_s(g->t_last) : NAN;
    out[4] = g->t_all >= 0 ? sim_time_to_s(g->t_all) : NAN;
}

const sim_model gossip_model = {
    .name = "gossip",
    .help = "rumor mongering: push, pull, push-pull with Demers' stop rules",
    .params = gossip_params,
    .cfg_size = sizeof(gossip_cfg),
    .columns = gossip_columns,
    .summary = gossip_summary,
    .check = NULL,
    .init = gossip_init,
    .event = gossip_event,
    .node_change = gossip_node_change,
    .sample = gossip_sample,
    .summarize = gossip_summarize,
    .destroy = gossip_destroy,
};
