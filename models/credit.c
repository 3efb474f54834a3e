/*
 * credit.c -- demurrage mutual credit: an exact ledger whose positive
 * balances decay into a commons, with payouts, a rate controller and
 * multilateral clearing.
 *
 * Ledger. Every node is a member with an int64 balance in micro-credits
 * (1 credit = 10^6); the commons is one more account. Issuance is mutual
 * credit: a purchase of price p lowers the buyer's balance by p (down to
 * minus its credit limit at most) and raises the seller's by p. The starter
 * grant gives each member `starter` at t = 0 against the commons. Every
 * operation moves an integer amount from one account to another, so the
 * sum of all accounts, commons included, is exactly 0 for ever; the
 * conservation_error column recomputes that sum from scratch at every sample.
 *
 * Limits and overflow. A member's limit is limit_factor x capacity (halved,
 * by limited_factor, while its standing is limited), clamped to 2^62; a
 * purchase that would take the buyer below minus its limit, or raise the
 * seller above 2^62, is refused and changes nothing. So every balance stays
 * in [-2^62, 2^62]; sums over members and the commons are kept in 128-bit
 * integers (n x 2^62 < 2^95), so no sum can wrap either.
 *
 * Decay (demurrage). Above the allowance a, a balance decays continuously at
 * rate lambda per unit of time (one unit = one day in economic scenarios):
 * b(t) = a + (b0 - a) e^(-lambda t). The model keeps the integral
 * Lambda(t) = int_0^t lambda(s) ds, piecewise over every change of lambda
 * (set{} via the `changed` callback, or the controller), and each member
 * the value of Lambda when it was last settled. Settling a member moves
 * excess - round(excess x e^-(Lambda(now) - Lambda_then)) micro-credits to
 * the commons, with excess = b - a: one integer move, so rounding can
 * neither create nor destroy a micro-credit, and one balance left alone
 * equals a + (b0 - a) e^(-int lambda) up to half a micro-credit. A member is
 * settled only when its balance changes (trades, payouts), so a trade costs
 * O(1) whatever n; samples compute the settled values without storing them.
 *
 * Trades. Each up member buys at Poisson times of rate need_rate per day,
 * times e^(propensity x lambda) while its balance is above the allowance
 * (the rate in force at every instant: a change voids the pending purchase
 * timer, by a generation byte, and draws the wait again: memoryless)
 * (Cagan's 1956 money demand: holdings fall as e^(-alpha x cost of
 * holding); with demurrage as the cost, purchases come e^(alpha lambda)
 * times sooner; propensity = alpha, in days; the factor is capped at 1000).
 * It draws a price from `price`, checks its own limit, and sends an ORDER
 * through the network to a random neighbour: the order walks at most
 * search_depth hops, each node it reaches selling if it has capacity left
 * today (day = floor(time)), else forwarding it to one of its random
 * neighbours. Settlement is atomic where the seller receives it: both
 * members are settled, the buyer's limit and the seller's bound are checked
 * again, and the price moves. Orders travel by sim_send, so loss,
 * partitions, down members and suspended or expelled standing (the core
 * blocks their messages) stop them; a member has one order in flight at a
 * time: a purchase that comes while it is on the way waits for it, and an
 * order older than order_timeout is counted as failed at the next purchase
 * (a late copy is recognised by its sequence number and ignored). A bad actor (sim_is_bad) sells and is paid but never
 * delivers: the trade is a default, counted in `defaults` (and in trades,
 * since the money moved).
 *
 * Network-wide phases, at deterministic instants in this order: clearing
 * every clear_every (bilateral mode), payout every payout_every, the
 * controller every control.every, and the statistics at every sample
 * instant (for mean_velocity and mean_gini).
 *   payout:      the positive commons is paid in equal integer shares to
 *                active members (up, standing ok or limited): all of them
 *                (dividend) or those flagged by the per-node key
 *                `regenerating` (regeneration); the remainder stays.
 *   controller:  lambda <- clamp(lambda x e^(gain (M / target - 1)), min,
 *                max), M the money supply; on when control.target > 0.
 *   clearing:    in bilateral mode each trade also records an IOU (buyer
 *                owes seller p); the IOU graph is cleared by
 *                solvers/clearing (cycles cancelled as a min-cost
 *                circulation) and the amount cancelled is added to
 *                `cleared`. Balances are the members' net positions, which
 *                clearing does not change.
 *
 * Columns: lambda; money_supply (sum of positive member balances, credits);
 * debt (minus the sum of negative ones); commons; velocity (trade volume of
 * the last sample interval per day / money_supply, 0 when there is no
 * money); gini of spending power b + limit (>= 0; the plain Gini of balances
 * when limits are 0); at_limit (members whose last purchase was refused by
 * their limit); trades, failed_trades, defaults, cleared (cumulative);
 * conservation_error (micro-credits, always 0).
 *
 * Samples are computed from every member (the decay settled virtually, not
 * stored), so sim.metric() in a callback sees the same values as the row.
 *
 * Costs: a 64-byte record per member plus 16 bytes of scratch for the Gini (an LSD
 * radix sort at each sample). O(1) per trade and per order hop; O(n) per
 * payout, controller step and sample.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>

#include "clearing.h"
#include "sim.h"

#define CREDIT_MICRO      1000000.0
#define CREDIT_BAL_MAX    (INT64_C(1) << 62)
#define CREDIT_FACTOR_MAX 1000.0          /* cap of the propensity factor */
#define CREDIT_SEQ_MASK   0xffffffu       /* order sequence numbers: 24 bits */
#define CREDIT_NCOLS      12

__extension__ typedef __int128 credit_wide;   /* sums over members: cannot wrap */

enum { CREDIT_EV_BUY, CREDIT_EV_ORDER };
enum { CREDIT_MUTUAL, CREDIT_BILATERAL };
enum { CREDIT_PAY_NONE, CREDIT_PAY_DIVIDEND, CREDIT_PAY_REGENERATION };
enum { CREDIT_ARMED = 1, CREDIT_AT_LIMIT = 2, CREDIT_REGENERATING = 4 };
enum {
    COL_LAMBDA, COL_MONEY, COL_DEBT, COL_COMMONS, COL_VELOCITY, COL_GINI, COL_AT_LIMIT,
    COL_TRADES, COL_FAILED, COL_DEFAULTS, COL_CLEARED, COL_CONSERVATION
};

typedef struct credit_cfg {
    double lambda;            /* decay rate per day (live) */
    double allowance;         /* credits per member exempt from decay */
    sim_pernode capacity;     /* per node: credits it can sell per day */
    double limit_factor;      /* credit limit = limit_factor x capacity (live) */
    double limited_factor;    /* limit multiplier while standing is limited */
    double starter;           /* credits issued to each member at t = 0 */
    double need_rate;         /* purchases wanted per member per day (live) */
    sim_dist price;           /* price law, credits */
    int64_t search_depth;     /* hops an order walks looking for a seller */
    sim_time order_timeout;   /* ns an order may stay unsettled before it counts as failed */
    double propensity;        /* Cagan's alpha, days: purchases e^(alpha lambda) sooner */
    int payout;               /* CREDIT_PAY_* */
    sim_time payout_every;    /* ns between payouts */
    sim_pernode regenerating; /* per node: 1 = receives regeneration payouts */
    double target;            /* control.target: money supply aimed at (0 = off) */
    double gain;              /* control.gain */
    double lambda_min;        /* control.min */
    double lambda_max;        /* control.max */
    sim_time control_every;   /* control.every, ns */
    int mode;                 /* CREDIT_MUTUAL or CREDIT_BILATERAL */
    sim_time clear_every;     /* ns between clearings (bilateral) */
} credit_cfg;

/* The IOUs of bilateral mode: debtor owes creditor amount. */
typedef struct credit_ious {
    uint32_t *debtor, *creditor;
    int64_t *amount;
    size_t count, cap;
} credit_ious;

/*
 * A member's record. Every field is read or written when an order reaches
 * the member, so they share one 64-byte line (one cache miss, and the core
 * prefetches it a few events ahead: sim_hint_per_node) rather than living
 * in eight arrays (eight misses); samples scan the records in order.
 */
typedef struct credit_member {
    int64_t bal;               /* balance, micro-credits */
    double lam_at;             /* Lambda when last settled */
    int64_t cap;               /* capacity, micro-credits per day */
    int64_t sold;              /* sold on day sold_day */
    int64_t order_price;       /* price of its order in flight, 0 if none */
    uint32_t sold_day;         /* the day `sold` counts */
    uint32_t order_seq;        /* sequence number of its last order */
    sim_time order_at;         /* when its order in flight left */
    uint8_t flags;             /* CREDIT_ARMED | _AT_LIMIT | _REGENERATING */
    uint8_t timer_gen;         /* generation of its purchase timer: older ones are void */
    uint8_t pad[6];            /* to 64 bytes */
} credit_member;
_Static_assert(sizeof(credit_member) == 64, "a member is one cache line");

typedef struct credit_state {
    const credit_cfg *cfg;     /* kept: set{} changes lambda, limit_factor, need_rate */
    uint32_t n;                /* members */
    credit_member *m;          /* per member: its record (one cache line) */
    uint64_t *sort_a, *sort_b; /* scratch: spending power, for the Gini */
    credit_wide commons;       /* the commons account */
    int64_t allowance;         /* micro-credits */
    double lambda;             /* current rate */
    double lambda_given;       /* cfg->lambda when last read: set{} changed it if it differs */
    double lambda_sum;         /* Lambda at lambda_since */
    sim_time lambda_since;     /* ns */
    uint64_t trades, failed, defaults;
    credit_wide cleared;       /* micro-credits cancelled by clearing, cumulative */
    uint32_t at_limit;         /* members with CREDIT_AT_LIMIT */
    int64_t bucket;            /* sample interval of the last trade */
    credit_wide volume;        /* trade volume in that interval, micro-credits */
    sim_time next_clear, next_payout, next_control, next_stats;
    sim_time stats_at;         /* instant of the last statistics row, or -1 */
    double stats[CREDIT_NCOLS];/* that row */
    double velocity_sum, gini_sum;
    uint64_t nstats;           /* statistics rows after t = 0 */
    credit_ious ious;          /* bilateral mode */
    int out_of_memory;         /* an IOU could not be recorded: the next phase fails */
} credit_state;

static const char *const credit_modes[] = { "mutual", "bilateral", NULL };
static const char *const credit_payouts[] = { "none", "dividend", "regeneration", NULL };

static const sim_param credit_control_params[] = {
    SIM_PARAM_NUM("target", credit_cfg, target, 0, 0, 1e15, 0,
                  "money supply aimed at, credits (0: the controller is off)"),
    SIM_PARAM_NUM("gain", credit_cfg, gain, 0.1, 0, 100, 0,
                  "lambda <- lambda x exp(gain x (M / target - 1)) each step"),
    SIM_PARAM_NUM("min", credit_cfg, lambda_min, 1e-6, 0, 10, 0, "lowest lambda, > 0"),
    SIM_PARAM_NUM("max", credit_cfg, lambda_max, 0.1, 0, 10, 0, "highest lambda"),
    SIM_PARAM_TIME("every", credit_cfg, control_every, 1.0, 0, 1e9, SIM_PF_MIN_OPEN,
                   "days between controller steps"),
    SIM_PARAM_END
};

static const sim_param credit_params[] = {
    SIM_PARAM_NUM("lambda", credit_cfg, lambda, 0, 0, 10, SIM_PF_LIVE,
                  "decay rate of positive balances per day (0.001: about 30% a year)"),
    SIM_PARAM_NUM("allowance", credit_cfg, allowance, 0, 0, 1e9, 0,
                  "credits per member exempt from decay"),
    SIM_PARAM_PERNODE("capacity", credit_cfg, capacity, 10, 0, 1e9, 0,
                      "per node: credits of goods it can sell per day"),
    SIM_PARAM_NUM("limit_factor", credit_cfg, limit_factor, 1, 0, 1e3, SIM_PF_LIVE,
                  "credit limit = limit_factor x capacity, credits"),
    SIM_PARAM_NUM("limited_factor", credit_cfg, limited_factor, 0.5, 0, 1, 0,
                  "limit multiplier while a member's standing is limited"),
    SIM_PARAM_NUM("starter", credit_cfg, starter, 0, 0, 1e9, 0,
                  "credits issued to each member at t = 0 against the commons"),
    SIM_PARAM_NUM("need_rate", credit_cfg, need_rate, 1, 0, 1e4, SIM_PF_LIVE,
                  "purchases a member wants per day (Poisson)"),
    SIM_PARAM_DIST("price", credit_cfg, price, 1, 0, "price law of one purchase, credits"),
    SIM_PARAM_INT("search_depth", credit_cfg, search_depth, 3, 1, 255, 0,
                  "hops an order walks looking for a seller with capacity left today"),
    SIM_PARAM_TIME("order_timeout", credit_cfg, order_timeout, 1.0, 0, 1e9, SIM_PF_MIN_OPEN,
                   "days an order may stay unsettled before it counts as failed"),
    SIM_PARAM_NUM("propensity", credit_cfg, propensity, 0, 0, 1e4, 0,
                  "days: a member above its allowance buys exp(propensity x lambda) times sooner"),
    SIM_PARAM_ENUM("payout", credit_cfg, payout, CREDIT_PAY_NONE, credit_payouts, 0,
                   "what the commons pays out: none, dividend or regeneration"),
    SIM_PARAM_TIME("payout_every", credit_cfg, payout_every, 30.0, 0, 1e9, SIM_PF_MIN_OPEN,
                   "days between payouts"),
    SIM_PARAM_PERNODE("regenerating", credit_cfg, regenerating, 0, 0, 1, 0,
                      "per node: 1 if the member receives regeneration payouts"),
    SIM_PARAM_GROUP("control", credit_control_params,
                    "the lambda controller: {target, gain, min, max, every}"),
    SIM_PARAM_ENUM("mode", credit_cfg, mode, CREDIT_MUTUAL, credit_modes, 0,
                   "mutual (one ledger) or bilateral (IOUs, cleared every clear_every)"),
    SIM_PARAM_TIME("clear_every", credit_cfg, clear_every, 7.0, 0, 1e9, SIM_PF_MIN_OPEN,
                   "days between clearings of the IOU graph (bilateral)"),
    SIM_PARAM_END
};

static const char *const credit_columns[] = {
    "lambda", "money_supply", "debt", "commons", "velocity", "gini", "at_limit", "trades",
    "failed_trades", "defaults", "cleared", "conservation_error", NULL
};
static const char *const credit_labels[] = {
    "decay rate lambda (per day)", "money supply (credits)", "debt (credits)",
    "commons (credits)", "velocity (volume per day / money supply)", "Gini of spending power",
    "members at their credit limit", "trades (cumulative)", "failed trades (cumulative)",
    "defaults (cumulative)", "cleared by clearing (credits, cumulative)",
    "conservation error (micro-credits)", NULL
};
static const char *const credit_summary[] = {
    "lambda", "money_supply", "debt", "commons", "velocity", "gini", "at_limit", "trades",
    "failed_trades", "defaults", "cleared", "conservation_error", "mean_velocity", "mean_gini",
    NULL
};

static sim_err credit_check(const void *cfgp, char *msg, size_t len)
{
    const credit_cfg *cfg = cfgp;
    if (cfg->price.kind == SIM_DIST_PER_DISTANCE) {
        snprintf(msg, len, "credit.price: per_distance is a latency law; give a price law "
                 "such as {dist = \"constant\", value = 1}");
        return SIM_EINPUT;
    }
    if (cfg->target > 0 && cfg->lambda_min > cfg->lambda_max) {
        snprintf(msg, len, "credit.control: min (%g) is above max (%g)", cfg->lambda_min,
                 cfg->lambda_max);
        return SIM_EINPUT;
    }
    if (cfg->target > 0 && cfg->lambda_min <= 0) {
        snprintf(msg, len, "credit.control.min must be > 0: the controller multiplies lambda, "
                 "which could never leave 0");
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/* --- The ledger ------------------------------------------------------------- */

static double credit_big_lambda(const credit_state *c, sim_time now)
{
    return c->lambda_sum + c->lambda * (double)(now - c->lambda_since) / (double)SIM_NS_PER_S;
}

/* Micro-credits an excess above the allowance loses over dL of Lambda: an integer in [0, excess]. */
static int64_t credit_decay(int64_t excess, double dl)
{
    if (excess <= 0 || !(dl > 0)) {
        return 0;
    }
    double keep = nearbyint((double)excess * exp(-dl));
    int64_t k = keep <= 0 ? 0 : keep >= (double)excess ? excess : (int64_t)keep;
    return excess - k;
}

/* What member v's balance would be if settled at Lambda = big. */
static int64_t credit_virtual(const credit_state *c, uint32_t v, double big)
{
    return c->m[v].bal - credit_decay(c->m[v].bal - c->allowance, big - c->m[v].lam_at);
}

/* Move member v's accrued decay to the commons. */
static void credit_settle(credit_state *c, uint32_t v, double big)
{
    int64_t moved = credit_decay(c->m[v].bal - c->allowance, big - c->m[v].lam_at);
    c->m[v].bal -= moved;
    c->commons += moved;
    c->m[v].lam_at = big;
}

static void credit_settle_all(credit_state *c, const sim_run *run)
{
    double big = credit_big_lambda(c, sim_now(run));
    for (uint32_t v = 0; v < c->n; v++) {
        credit_settle(c, v, big);
    }
}

/* Close Lambda's integral at now and go on at rate lambda. */
static void credit_set_lambda(credit_state *c, sim_time now, double lambda)
{
    c->lambda_sum = credit_big_lambda(c, now);
    c->lambda_since = now;
    c->lambda = lambda;
}

/* Member v's credit limit now, micro-credits, in [0, 2^62]. */
static int64_t credit_limit(const credit_state *c, const sim_run *run, uint32_t v)
{
    double f = c->cfg->limit_factor;
    if (sim_node_standing(run, v) == SIM_STANDING_LIMITED) {
        f *= c->cfg->limited_factor;
    }
    double lim = (double)(c->m[v].cap > 0 ? c->m[v].cap : 0) * f;
    return !(lim > 0) ? 0 : lim >= (double)CREDIT_BAL_MAX ? CREDIT_BAL_MAX : (int64_t)lim;
}

static void credit_mark_at_limit(credit_state *c, uint32_t v, int at)
{
    int was = (c->m[v].flags & CREDIT_AT_LIMIT) != 0;
    if (at && !was) {
        c->m[v].flags |= CREDIT_AT_LIMIT;
        c->at_limit++;
    } else if (!at && was) {
        c->m[v].flags &= (uint8_t)~CREDIT_AT_LIMIT;
        c->at_limit--;
    }
}

/* --- Trades -------------------------------------------------------------------- */

/* Member v's purchase rate per ns right now. */
static double credit_rate(const credit_state *c, uint32_t v)
{
    double rate = c->cfg->need_rate;
    if (c->cfg->propensity > 0 && c->m[v].bal > c->allowance) {
        double f = exp(c->cfg->propensity * c->lambda);
        rate *= f < CREDIT_FACTOR_MAX ? f : CREDIT_FACTOR_MAX;
    }
    return rate / (double)SIM_NS_PER_S;
}

/* Schedule member v's next purchase, unless one is pending or it wants none. */
static void credit_arm(credit_state *c, sim_run *run, uint32_t v)
{
    double rate = credit_rate(c, v);
    if ((c->m[v].flags & CREDIT_ARMED) || !(rate > 0)) {
        return;
    }
    double wait = gsl_ran_exponential(sim_rng(run, v), 1.0 / rate);
    sim_time delay = wait >= 4e18 ? SIM_DELAY_CLAMP : (sim_time)wait;
    c->m[v].flags |= CREDIT_ARMED;
    sim_timer(run, v, delay, CREDIT_EV_BUY, c->m[v].timer_gen);
}

/*
 * Member v's rate has changed (its balance crossed the allowance, lambda or
 * need_rate changed): void the pending purchase and draw the wait again at
 * the new rate. Purchases are a Poisson process, memoryless, so this is the
 * process whose rate is the one in force at every instant, exactly.
 */
static void credit_rearm(credit_state *c, sim_run *run, uint32_t v)
{
    if (!sim_is_up(run, v)) {
        return;                              /* re-armed when it comes back */
    }
    c->m[v].timer_gen++;
    c->m[v].flags &= (uint8_t)~CREDIT_ARMED;
    credit_arm(c, run, v);
}

/* Re-arm every member whose rate depends on lambda (those above the allowance). */
static void credit_rearm_above(credit_state *c, sim_run *run)
{
    for (uint32_t v = 0; c->cfg->propensity > 0 && v < c->n; v++) {
        if (c->m[v].bal > c->allowance) {
            credit_rearm(c, run, v);
        }
    }
}

static int64_t credit_draw_price(const credit_state *c, sim_run *run, uint32_t v)
{
    double p = nearbyint(sim_dist_draw(sim_rng(run, v), &c->cfg->price) * CREDIT_MICRO);
    return !(p >= 1) ? 1 : p >= 1e15 ? INT64_C(1000000000000000) : (int64_t)p;
}

static uint64_t credit_order_data(uint32_t buyer, uint32_t hops, uint32_t seq)
{
    return (uint64_t)buyer | (uint64_t)hops << 32 | (uint64_t)(seq & CREDIT_SEQ_MASK) << 40;
}

static void credit_order_fails(credit_state *c, uint32_t buyer)
{
    c->m[buyer].order_price = 0;
    c->failed++;
}

/* The BUY timer of member u: check its standing and limit, then send an order. */
static void credit_buy(credit_state *c, sim_run *run, uint32_t u)
{
    c->m[u].flags &= (uint8_t)~CREDIT_ARMED;
    if (c->m[u].order_price != 0) {
        if (sim_now(run) - c->m[u].order_at < c->cfg->order_timeout) {
            credit_arm(c, run, u);           /* still shopping: this purchase waits for it */
            return;
        }
        credit_order_fails(c, u);            /* the last order was lost on the way */
    }
    sim_standing st = sim_node_standing(run, u);
    if (st == SIM_STANDING_SUSPENDED || st == SIM_STANDING_EXPELLED) {
        c->failed++;
    } else {
        int64_t p = credit_draw_price(c, run, u);
        double big = credit_big_lambda(c, sim_now(run));
        if (credit_virtual(c, u, big) - p < -credit_limit(c, run, u)) {
            c->failed++;
            credit_mark_at_limit(c, u, 1);
        } else {
            uint32_t to = sim_random_peer(run, u);
            if (to == SIM_NONE) {
                c->failed++;
            } else {
                c->m[u].order_seq++;
                c->m[u].order_price = p;
                c->m[u].order_at = sim_now(run);
                uint32_t hops = (uint32_t)c->cfg->search_depth - 1;
                sim_send(run, u, to, CREDIT_EV_ORDER, credit_order_data(u, hops, c->m[u].order_seq));
            }
        }
    }
    credit_arm(c, run, u);
}

/* Capacity member v has left today, micro-credits. */
static int64_t credit_capacity_left(const credit_state *c, uint32_t v, uint32_t day)
{
    int64_t cap = c->m[v].cap > 0 ? c->m[v].cap : 0;   /* a shock can take it below 0 */
    return c->m[v].sold_day == day ? cap - c->m[v].sold : cap;
}

static void credit_count_volume(credit_state *c, const sim_run *run, int64_t p)
{
    int64_t b = sim_now(run) / sim_sample_every(run);
    if (b != c->bucket) {
        c->bucket = b;
        c->volume = 0;
    }
    c->volume += p;
}

static void credit_record_iou(credit_state *c, uint32_t debtor, uint32_t creditor, int64_t p)
{
    credit_ious *o = &c->ious;
    if (o->count == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 1024;
        uint32_t *d = realloc(o->debtor, cap * sizeof *d);
        o->debtor = d != NULL ? d : o->debtor;
        uint32_t *cr = realloc(o->creditor, cap * sizeof *cr);
        o->creditor = cr != NULL ? cr : o->creditor;
        int64_t *a = realloc(o->amount, cap * sizeof *a);
        o->amount = a != NULL ? a : o->amount;
        if (d == NULL || cr == NULL || a == NULL) {
            c->out_of_memory = 1;
            return;
        }
        o->cap = cap;
    }
    o->debtor[o->count] = debtor;
    o->creditor[o->count] = creditor;
    o->amount[o->count++] = p;
}

/* Seller s settles buyer u's order of price p: all of it, or nothing. */
static void credit_settle_trade(credit_state *c, sim_run *run, uint32_t u, uint32_t s, int64_t p,
                                uint32_t day)
{
    sim_standing st = sim_node_standing(run, u);
    if (!sim_is_up(run, u) || st == SIM_STANDING_SUSPENDED || st == SIM_STANDING_EXPELLED) {
        credit_order_fails(c, u);
        return;
    }
    double big = credit_big_lambda(c, sim_now(run));
    credit_settle(c, u, big);
    credit_settle(c, s, big);
    if (c->m[u].bal - p < -credit_limit(c, run, u)) {
        credit_mark_at_limit(c, u, 1);
        credit_order_fails(c, u);
        return;
    }
    if (c->m[s].bal > CREDIT_BAL_MAX - p) {
        credit_order_fails(c, u);
        return;
    }
    int above_u = c->m[u].bal > c->allowance, above_s = c->m[s].bal > c->allowance;
    c->m[u].bal -= p;
    c->m[s].bal += p;
    if (c->cfg->propensity > 0 && above_u != (c->m[u].bal > c->allowance)) {
        credit_rearm(c, run, u);
    }
    if (c->cfg->propensity > 0 && above_s != (c->m[s].bal > c->allowance)) {
        credit_rearm(c, run, s);
    }
    c->m[s].sold = (c->m[s].sold_day == day ? c->m[s].sold : 0) + p;
    c->m[s].sold_day = day;
    c->m[u].order_price = 0;
    c->trades++;
    c->defaults += sim_is_bad(run, s) ? 1 : 0;
    credit_mark_at_limit(c, u, 0);
    credit_count_volume(c, run, p);
    if (c->cfg->mode == CREDIT_BILATERAL) {
        credit_record_iou(c, u, s, p);
    }
}

/* An order reaches x: sell, forward it, or give up. */
static void credit_order(credit_state *c, sim_run *run, uint32_t x, uint64_t data)
{
    uint32_t u = (uint32_t)data, hops = (uint32_t)(data >> 32) & 0xff;
    uint32_t seq = (uint32_t)(data >> 40) & CREDIT_SEQ_MASK;
    int64_t p = c->m[u].order_price;
    if (p == 0 || (c->m[u].order_seq & CREDIT_SEQ_MASK) != seq) {
        return;                             /* stale: already counted as failed */
    }
    uint32_t day = (uint32_t)(sim_now(run) / SIM_NS_PER_S);
    if (x != u && credit_capacity_left(c, x, day) >= p) {
        credit_settle_trade(c, run, u, x, p, day);
        return;
    }
    uint32_t next = hops > 0 ? sim_random_peer(run, x) : SIM_NONE;
    if (next == SIM_NONE) {
        credit_order_fails(c, u);
        return;
    }
    sim_send(run, x, next, CREDIT_EV_ORDER, credit_order_data(u, hops - 1, seq));
}

static void credit_event(void *state, sim_run *run, const sim_event *ev)
{
    credit_state *c = state;
    if (ev->kind == CREDIT_EV_BUY) {
        if ((uint8_t)ev->data == c->m[ev->dst].timer_gen) {   /* else voided by credit_rearm */
            credit_buy(c, run, ev->dst);
        }
    } else {
        credit_order(c, run, ev->dst, ev->data);
    }
}

static void credit_node_change(void *state, sim_run *run, uint32_t node, int up)
{
    credit_state *c = state;
    if (up) {
        credit_arm(c, run, node);
    } else {
        c->m[node].flags &= (uint8_t)~CREDIT_ARMED;   /* the core drops its pending timer */
    }
}

/* set{} changed a live key: close the decay integral; rates may have changed, so re-arm. */
static void credit_changed(void *state, sim_run *run)
{
    credit_state *c = state;
    if (c->cfg->lambda != c->lambda_given) {     /* not on a set{} of another key */
        c->lambda_given = c->cfg->lambda;
        credit_set_lambda(c, sim_now(run), c->cfg->lambda);
    }
    for (uint32_t v = 0; v < c->n; v++) {
        credit_rearm(c, run, v);             /* need_rate or lambda may have changed */
    }
}

/*
 * shock{capacity = x, duration = d}: x credits a day added to the capacity
 * of the places hit (and so to their limits), taken off again at the end.
 * The sum is kept as given, possibly below 0 (read as 0), so overlapping
 * shocks undo exactly; it saturates at +-2^62 micro-credits.
 */
static sim_err credit_shock(void *state, sim_run *run, const sim_shock *sh, unsigned *used)
{
    credit_state *c = state;
    (void)run;
    *used = SIM_SHOCK_CAPACITY;
    if (sh->step == SIM_SHOCK_CHECK || !(sh->given & SIM_SHOCK_CAPACITY)) {
        return SIM_OK;
    }
    int64_t d = (int64_t)nearbyint(sh->capacity * CREDIT_MICRO);   /* |x| <= 1e12: fits */
    d = sh->step == SIM_SHOCK_END ? -d : d;
    for (uint32_t i = 0; i < sh->count; i++) {
        int64_t *cap = &c->m[sh->nodes[i]].cap, sum;
        if (__builtin_add_overflow(*cap, d, &sum) || sum > CREDIT_BAL_MAX || sum < -CREDIT_BAL_MAX) {
            sum = d > 0 ? CREDIT_BAL_MAX : -CREDIT_BAL_MAX;
        }
        *cap = sum;
    }
    return SIM_OK;
}

/* --- Statistics ------------------------------------------------------------------ */

/* Sort a[0 .. n-1] ascending (LSD radix, bytes that are all equal skipped); b is scratch. */
static void credit_radix_sort(uint64_t *a, uint64_t *b, uint32_t n)
{
    for (int shift = 0; shift < 64; shift += 8) {
        uint32_t count[257] = { 0 };
        for (uint32_t i = 0; i < n; i++) {
            count[((a[i] >> shift) & 0xff) + 1]++;
        }
        if (count[((a[0] >> shift) & 0xff) + 1] == n) {
            continue;
        }
        for (int k = 0; k < 256; k++) {
            count[k + 1] += count[k];
        }
        for (uint32_t i = 0; i < n; i++) {
            b[count[(a[i] >> shift) & 0xff]++] = a[i];
        }
        memcpy(a, b, (size_t)n * sizeof *a);
    }
}

/* Gini of x[0 .. n-1] >= 0 (sorted here): sum_i (2i - n - 1) x_(i) / (n sum x); 0 if all are 0. */
static double credit_gini(uint64_t *x, uint64_t *scratch, uint32_t n)
{
    if (n == 0) {
        return 0;
    }
    credit_radix_sort(x, scratch, n);
    long double total = 0, weighted = 0;
    for (uint32_t i = 0; i < n; i++) {
        total += (long double)x[i];
        weighted += (long double)(2.0 * (i + 1) - n - 1) * (long double)x[i];
    }
    return total > 0 ? (double)(weighted / (total * n)) : 0.0;
}

/* Trade volume of the last sample interval before now, and that interval's length in days. */
static double credit_recent_volume(const credit_state *c, const sim_run *run, double *days)
{
    sim_time now = sim_now(run), step = sim_sample_every(run);
    int64_t k = now / step, want = now % step == 0 ? k - 1 : k;
    *days = (double)(now % step == 0 ? step : now - k * step) / (double)SIM_NS_PER_S;
    return c->bucket == want ? (double)c->volume : 0.0;
}

/* The whole row from every member: O(n) plus the sort. */
static void credit_compute_row(const credit_state *c, const sim_run *run, double *row)
{
    double big = credit_big_lambda(c, sim_now(run));
    credit_wide pos = 0, neg = 0, stored = c->commons;
    for (uint32_t v = 0; v < c->n; v++) {
        int64_t b = credit_virtual(c, v, big), power = b + credit_limit(c, run, v);
        pos += b > 0 ? b : 0;
        neg += b < 0 ? b : 0;
        stored += c->m[v].bal;
        c->sort_a[v] = power > 0 ? (uint64_t)power : 0;
    }
    double days, volume = credit_recent_volume(c, run, &days);
    row[COL_LAMBDA] = c->lambda;
    row[COL_MONEY] = (double)pos / CREDIT_MICRO;
    row[COL_DEBT] = (double)-neg / CREDIT_MICRO;
    row[COL_COMMONS] = (double)-(pos + neg) / CREDIT_MICRO;
    row[COL_VELOCITY] = pos > 0 && days > 0 ? volume / (double)pos / days : 0.0;
    row[COL_GINI] = credit_gini(c->sort_a, c->sort_b, c->n);
    row[COL_AT_LIMIT] = c->at_limit;
    row[COL_TRADES] = (double)c->trades;
    row[COL_FAILED] = (double)c->failed;
    row[COL_DEFAULTS] = (double)c->defaults;
    row[COL_CLEARED] = (double)c->cleared / CREDIT_MICRO;
    row[COL_CONSERVATION] = (double)stored;
}

static void credit_sample(const void *state, const sim_run *run, double *row)
{
    credit_compute_row(state, run, row);
}

/* The statistics phase: the row of this instant, counted in the means once per instant. */
static void credit_record_stats(credit_state *c, const sim_run *run)
{
    if (c->stats_at == sim_now(run)) {
        return;
    }
    credit_compute_row(c, run, c->stats);
    c->stats_at = sim_now(run);
    c->velocity_sum += c->stats[COL_VELOCITY];
    c->gini_sum += c->stats[COL_GINI];
    c->nstats++;
}

/* --- Network-wide phases ------------------------------------------------------------- */

static int credit_active(const sim_run *run, uint32_t v)
{
    return sim_is_up(run, v) && sim_node_standing(run, v) <= SIM_STANDING_LIMITED;
}

/* Pay the positive commons in equal shares to the active (and, for regeneration, flagged) members. */
static void credit_payout(credit_state *c, sim_run *run)
{
    credit_settle_all(c, run);
    int flagged = c->cfg->payout == CREDIT_PAY_REGENERATION;
    uint64_t k = 0;
    for (uint32_t v = 0; v < c->n; v++) {
        k += credit_active(run, v) && (!flagged || (c->m[v].flags & CREDIT_REGENERATING));
    }
    if (c->commons <= 0 || k == 0) {
        return;
    }
    credit_wide share = c->commons / (credit_wide)k;
    int64_t s = share > CREDIT_BAL_MAX ? CREDIT_BAL_MAX : (int64_t)share;
    for (uint32_t v = 0; v < c->n && s > 0; v++) {
        if (credit_active(run, v) && (!flagged || (c->m[v].flags & CREDIT_REGENERATING))) {
            int64_t room = CREDIT_BAL_MAX - c->m[v].bal, paid = s < room ? s : room;
            int above = c->m[v].bal > c->allowance;
            c->m[v].bal += paid;
            c->commons -= paid;
            if (c->cfg->propensity > 0 && !above && c->m[v].bal > c->allowance) {
                credit_rearm(c, run, v);
            }
        }
    }
}

static void credit_control(credit_state *c, const sim_run *run)
{
    const credit_cfg *cfg = c->cfg;
    double big = credit_big_lambda(c, sim_now(run));
    credit_wide pos = 0;
    for (uint32_t v = 0; v < c->n; v++) {
        int64_t b = credit_virtual(c, v, big);
        pos += b > 0 ? b : 0;
    }
    double m = (double)pos / CREDIT_MICRO;
    double lo = log(cfg->lambda_min), hi = log(cfg->lambda_max);
    double x = log(c->lambda > cfg->lambda_min ? c->lambda : cfg->lambda_min)
               + cfg->gain * (m / cfg->target - 1.0);
    x = x < lo ? lo : x > hi ? hi : x;
    credit_set_lambda(c, sim_now(run), exp(x));
}

static int credit_iou_cmp(const void *pa, const void *pb)
{
    const uint64_t *a = pa, *b = pb;
    return (a[0] > b[0]) - (a[0] < b[0]);
}

/* Merge IOUs between the same two members (sorted by debtor, creditor); keep positive ones. */
static sim_err credit_merge_ious(credit_state *c, sim_run *run)
{
    credit_ious *o = &c->ious;
    uint64_t (*pairs)[2] = malloc((o->count ? o->count : 1) * sizeof *pairs);
    if (pairs == NULL) {
        return sim_fail(run, SIM_ENOMEM, "credit: out of memory for clearing");
    }
    for (size_t e = 0; e < o->count; e++) {
        pairs[e][0] = (uint64_t)o->debtor[e] << 32 | o->creditor[e];
        pairs[e][1] = (uint64_t)o->amount[e];
    }
    qsort(pairs, o->count, sizeof *pairs, credit_iou_cmp);
    size_t m = 0;
    for (size_t e = 0; e < o->count; e++) {
        if (m > 0 && pairs[m - 1][0] == pairs[e][0]
            && pairs[m - 1][1] <= (uint64_t)MCF_VALUE_MAX - pairs[e][1]) {
            pairs[m - 1][1] += pairs[e][1];     /* parallel IOUs past the solver's range stay apart */
        } else {
            pairs[m][0] = pairs[e][0];
            pairs[m++][1] = pairs[e][1];
        }
    }
    for (size_t e = 0; e < m; e++) {
        o->debtor[e] = (uint32_t)(pairs[e][0] >> 32);
        o->creditor[e] = (uint32_t)pairs[e][0];
        o->amount[e] = (int64_t)pairs[e][1];
    }
    o->count = m;
    free(pairs);
    return SIM_OK;
}

/* Cancel the IOU graph's cycles (solvers/clearing) and add what was cancelled to `cleared`. */
static sim_err credit_clear(credit_state *c, sim_run *run)
{
    credit_ious *o = &c->ious;
    SIM_TRY(credit_merge_ious(c, run));
    if (o->count == 0) {
        return SIM_OK;
    }
    clear_ws *w = clear_alloc(c->n, (uint32_t)o->count);
    int64_t *rest = malloc(o->count * sizeof *rest);
    int64_t cleared = 0;
    mcf_status st = w != NULL && rest != NULL
                    ? clear_run(w, c->n, (uint32_t)o->count, o->debtor, o->creditor, o->amount,
                                rest, &cleared)
                    : MCF_ENOMEM;
    clear_free(w);
    if (st != MCF_OPTIMAL) {
        free(rest);
        return st == MCF_ENOMEM ? sim_fail(run, SIM_ENOMEM, "credit: out of memory for clearing")
                                : sim_fail(run, SIM_ESOLVER, "credit: clearing failed: the IOUs "
                                           "exceed the solver's range (solvers/mcf.h)");
    }
    size_t m = 0;
    for (size_t e = 0; e < o->count; e++) {
        if (rest[e] > 0) {
            o->debtor[m] = o->debtor[e];
            o->creditor[m] = o->creditor[e];
            o->amount[m++] = rest[e];
        }
    }
    o->count = m;
    free(rest);
    c->cleared += cleared;
    return SIM_OK;
}

static sim_time credit_next_due(const credit_state *c)
{
    sim_time t = c->next_stats;
    t = c->next_clear < t ? c->next_clear : t;
    t = c->next_payout < t ? c->next_payout : t;
    return c->next_control < t ? c->next_control : t;
}

/* Advance a task's due time past now by its period. */
static int credit_due(sim_time *next, sim_time now, sim_time period)
{
    if (*next > now) {
        return 0;
    }
    *next = period > SIM_TIME_MAX - now ? SIM_TIME_MAX : now + period;
    return 1;
}

static sim_err credit_phase(void *state, sim_run *run, sim_phase when)
{
    credit_state *c = state;
    const credit_cfg *cfg = c->cfg;
    sim_time now = sim_now(run);
    if (c->out_of_memory) {
        return sim_fail(run, SIM_ENOMEM, "credit: out of memory for the IOUs of bilateral mode");
    }
    if (when == SIM_PHASE_END) {
        credit_record_stats(c, run);
        return SIM_OK;
    }
    if (credit_due(&c->next_clear, now, cfg->clear_every)) {
        SIM_TRY(credit_clear(c, run));
    }
    if (credit_due(&c->next_payout, now, cfg->payout_every)) {
        credit_payout(c, run);
    }
    if (credit_due(&c->next_control, now, cfg->control_every)) {
        credit_control(c, run);
        credit_rearm_above(c, run);
    }
    if (credit_due(&c->next_stats, now, sim_sample_every(run))) {
        credit_record_stats(c, run);
    }
    sim_time next = credit_next_due(c);
    return sim_phase_every(run, next == SIM_TIME_MAX ? 0 : next - now);
}

/* --- Life cycle ------------------------------------------------------------------------ */

static void credit_destroy(void *state)
{
    credit_state *c = state;
    if (c == NULL) {
        return;
    }
    free(c->m);
    free(c->sort_a);
    free(c->sort_b);
    free(c->ious.debtor);
    free(c->ious.creditor);
    free(c->ious.amount);
    free(c);
}

static sim_err credit_alloc(credit_state *c, sim_run *run)
{
    c->m = sim_node_array(run, sizeof *c->m);
    c->sort_a = sim_node_array(run, sizeof *c->sort_a);
    c->sort_b = sim_node_array(run, sizeof *c->sort_b);
    if (c->m == NULL || c->sort_a == NULL || c->sort_b == NULL) {
        return sim_fail(run, SIM_ENOMEM, "credit: out of memory");
    }
    return SIM_OK;
}

/* Capacities (credits per day, <= 1e9 by the key's range) in micro-credits; regeneration flags. */
static sim_err credit_node_keys(credit_state *c, sim_run *run)
{
    double *tmp = (double *)(void *)c->sort_a;   /* scratch until the first sample */
    SIM_TRY(sim_node_values(run, &c->cfg->capacity, tmp));
    for (uint32_t v = 0; v < c->n; v++) {
        c->m[v].cap = (int64_t)nearbyint(tmp[v] * CREDIT_MICRO);
    }
    SIM_TRY(sim_node_values(run, &c->cfg->regenerating, tmp));
    for (uint32_t v = 0; v < c->n; v++) {
        c->m[v].flags = tmp[v] >= 0.5 ? CREDIT_REGENERATING : 0;
    }
    return SIM_OK;
}

static void credit_schedule(credit_state *c, const credit_cfg *cfg, const sim_run *run)
{
    c->next_clear = cfg->mode == CREDIT_BILATERAL ? cfg->clear_every : SIM_TIME_MAX;
    c->next_payout = cfg->payout != CREDIT_PAY_NONE ? cfg->payout_every : SIM_TIME_MAX;
    c->next_control = cfg->target > 0 ? cfg->control_every : SIM_TIME_MAX;
    c->next_stats = sim_sample_every(run);
    c->stats_at = -1;
    c->bucket = -1;
}

static sim_err credit_init(sim_run *run, const void *cfgp, void **state)
{
    const credit_cfg *cfg = cfgp;
    credit_state *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return sim_fail(run, SIM_ENOMEM, "credit: out of memory");
    }
    *state = c;
    c->cfg = cfg;
    c->n = sim_nodes(run);
    c->lambda = cfg->lambda;
    c->lambda_given = cfg->lambda;
    c->allowance = (int64_t)nearbyint(cfg->allowance * CREDIT_MICRO);
    SIM_TRY(credit_alloc(c, run));
    sim_hint_per_node(run, c->m, sizeof *c->m);
    SIM_TRY(credit_node_keys(c, run));
    int64_t starter = (int64_t)nearbyint(cfg->starter * CREDIT_MICRO);
    for (uint32_t v = 0; v < c->n; v++) {
        c->m[v].bal = starter;
        c->commons -= starter;
    }
    credit_schedule(c, cfg, run);
    for (uint32_t v = 0; v < c->n; v++) {
        if (sim_is_up(run, v)) {
            credit_arm(c, run, v);
        }
    }
    sim_time next = credit_next_due(c);
    return sim_phase_every(run, next == SIM_TIME_MAX ? 0 : next);
}

static void credit_summarize(const void *state, const sim_run *run, double *out)
{
    const credit_state *c = state;
    credit_sample(c, run, out);
    out[CREDIT_NCOLS] = c->nstats ? c->velocity_sum / (double)c->nstats : 0.0;
    out[CREDIT_NCOLS + 1] = c->nstats ? c->gini_sum / (double)c->nstats : 0.0;
}

static size_t credit_bytes(const void *state)
{
    const credit_state *c = state;
    size_t per = sizeof(credit_member) + 16;
    return sizeof *c + (size_t)c->n * per + c->ious.cap * 16;
}

static uint64_t credit_estimate(const void *cfg, uint64_t nodes, uint64_t *events)
{
    (void)cfg;
    *events = sim_mul_sat(nodes, 2);
    return sim_mul_sat(nodes, sizeof(credit_member) + 16);
}

const sim_model credit_model = {
    .name = "credit",
    .help = "demurrage mutual credit: exact ledger, decay, payouts, controller, clearing",
    .params = credit_params,
    .cfg_size = sizeof(credit_cfg),
    .columns = credit_columns,
    .labels = credit_labels,
    .summary = credit_summary,
    .check = credit_check,
    .init = credit_init,
    .event = credit_event,
    .node_change = credit_node_change,
    .phase = credit_phase,
    .changed = credit_changed,
    .shock = credit_shock,
    .sample = credit_sample,
    .summarize = credit_summarize,
    .destroy = credit_destroy,
    .bytes = credit_bytes,
    .estimate = credit_estimate,
};
