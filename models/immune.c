/*
 * immune.c -- immune sentinels: bad actors, sentinels that watch outputs,
 * quorum panels that must agree before a node is sanctioned, a ladder of
 * graduated sanctions with redemption, rotating audits that overturn
 * mistakes and demote trigger-happy sentinels, and the autoimmune attack.
 *
 * Outputs. Every message of another model (gossip pushes, credit orders,
 * flow's route hops) is an output of its sender, seen through the core's
 * observe callback when it is delivered; with no other model in the
 * scenario, each node instead sends outputs of its own to random
 * neighbours at rate `activity` (Poisson). A good node's outputs are good;
 * a bad actor's are bad with probability bad_rate, drawn once per output.
 * `damage` counts bad outputs delivered.
 *
 * Detection. A delivered output is watched by its receiver, if a
 * sentinel, and by the sentinel neighbours of its sender ("sees a
 * neighbour send"; on the complete topology, the receiver only). Each
 * inspects it with probability sample_rate and flags the sender with
 * probability detect if the output is bad, false_alarm if it is good.
 * Watching happens at delivery: an output lost on the way is seen by
 * nobody.
 *
 * Panels. A flag convenes a panel unless the suspect has one open: the
 * `panel` active sentinels nearest to the suspect by hops (breadth-first
 * over the topology; ties at the last distance drawn at random; the suspect
 * and the flagging sentinel excluded; on the complete topology, random
 * sentinels). The flagger sends each member a request (a message: latency,
 * loss, partitions apply); the members examine the suspect's outputs in
 * turn, one each, in the order their requests arrived: a member takes the
 * first output delivered after the members ahead of it took theirs, within
 * `window` of its request's arrival, and sends back a vote: guilty with
 * probability detect if that output is bad, false_alarm if good; not
 * guilty if no output came in time. The panel confirms
 * as soon as `quorum` guilty votes have arrived, acquits as soon as that
 * can no longer happen, and otherwise acquits 2 x window after it was
 * convened (votes lost or late count as not guilty). So, for a suspect
 * that keeps sending, each vote is an independent trial: P(confirm) =
 * P(Binomial(panel, q) >= quorum) with q = false_alarm for a healthy
 * suspect and q = bad_rate x detect + (1 - bad_rate) x false_alarm for a
 * bad actor.
 *
 * Sanctions, one step per confirmation, through the core's standing:
 * warned (counted only) -> limited (the core lets a limited node's messages
 * leave with probability limit_factor) -> suspended for suspend_time (then
 * back to limited) -> expelled (final). redeem_time without a new
 * confirmation lowers the level by one (the clock restarts at every change;
 * expelled excepted). Isolated = suspended or expelled.
 *
 * Audits, a network-wide phase every audit_every (0: none): each
 * confirmation since the last audit is re-examined by `auditors` new
 * independent judges, each right with probability audit_accuracy; the
 * majority's verdict stands (a tie upholds). An overturned confirmation
 * lowers the suspect's level by one (expulsion stays final: it is counted
 * but not undone) and counts against each sentinel that voted guilty; one
 * with more than demote_after such votes stops being a sentinel.
 *
 * Compromise. Sentinels are drawn among good nodes, or among all nodes
 * with bad_sentinels: then a bad sentinel flags good senders (probability
 * detect) and never bad ones, and on a panel votes guilty for a good
 * suspect and not guilty for a bad one, at once.
 *
 * Randomness: every draw of this model comes from streams private to it
 * (sim_unit_private), so watching another model never moves that model's
 * draws; only the panels' own messages draw latency and loss as messages
 * do.
 *
 * Costs: about 80 bytes per node, 4 per directed link (the sentinel
 * neighbour lists), panels and examinations pooled. An output costs the
 * sender's sentinel neighbours; a flag, a breadth-first search that stops
 * at the distance where `panel` sentinels are found.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define IM_MAX_PANEL 16
#define IM_SALT 1                /* per-node private stream: outputs, inspections, votes, ties */
#define IM_SALT_AUDIT 2          /* node 0's second stream: the audits */
#define IM_NONE UINT32_MAX

enum { IM_RANDOM, IM_DEGREE };
enum { IM_EV_ACT, IM_EV_OUTPUT, IM_EV_REQUEST, IM_EV_VOTE, IM_EV_EXPIRE, IM_EV_DEADLINE, IM_EV_LADDER };
enum { IM_SENTINEL = 1, IM_DEMOTED = 2 };             /* role bits */
enum { IM_LEVEL_NONE, IM_LEVEL_WARNED, IM_LEVEL_LIMITED, IM_LEVEL_SUSPENDED, IM_LEVEL_EXPELLED };
enum { IM_VOTE_NONE, IM_VOTE_NOT_GUILTY, IM_VOTE_GUILTY };

typedef struct immune_cfg {
    sim_nodeset bad;             /* a share of the nodes, or a list */
    int bad_target;              /* IM_RANDOM or IM_DEGREE */
    double bad_rate;             /* P(an output of a bad actor is bad) */
    double activity;             /* outputs per second per node, when no other model runs */
    double sentinels;            /* share of the nodes */
    double sample_rate, detect, false_alarm;
    int64_t panel, quorum;
    sim_time window;             /* ns */
    double limit_factor;         /* share of a limited node's messages that leave */
    sim_time suspend_time, redeem_time;
    sim_time audit_every;        /* ns; 0: no audits */
    int64_t auditors;
    double audit_accuracy;
    int64_t demote_after;
    int bad_sentinels;
} immune_cfg;

/* A panel on one suspect. */
typedef struct im_panel {
    uint32_t suspect, convener;
    uint32_t gen;                /* incarnation of this pool slot */
    uint32_t member[IM_MAX_PANEL];
    uint8_t vote[IM_MAX_PANEL];  /* IM_VOTE_* */
    uint8_t size, votes, guilty, open;
    sim_time opened;
    uint32_t next_free;
} im_panel;

/* A member waiting for the suspect's next output. */
typedef struct im_exam {
    uint32_t panel, panel_gen;
    uint32_t member, suspect;
    uint32_t next;               /* next examination of the same suspect, or IM_NONE */
    uint32_t gen;                /* incarnation of this pool slot */
    uint8_t slot, live;
} im_exam;

/* A confirmation awaiting the next audit: its suspect and its guilty voters. */
typedef struct im_conf {
    uint32_t suspect;
    uint32_t serial;             /* which confirmation: its step on the suspect's ladder */
    uint32_t first, count;       /* voters[first .. first + count) */
} im_conf;

typedef struct immune_state {
    const immune_cfg *cfg;
    uint32_t n;
    uint8_t *role, *level;
    uint32_t *panel_of;          /* per node as suspect: its open panel, or IM_NONE */
    uint32_t (*steps)[4];        /* per node: the confirmation (serial) behind each level it holds */
    uint16_t *overturned_votes;  /* per node: guilty votes of it that audits overturned */
    uint32_t *ladder_gen;        /* per node: invalidates older ladder timers */
    sim_time *due;               /* per node: next ladder step, or -1 */
    sim_time *until;             /* per node: end of the suspension being served, or -1 */
    sim_time *first_isolated;    /* per node: -1 if never */
    uint64_t *ctr;               /* per node: private draws so far */
    uint32_t *exam_head;         /* per node as suspect: its waiting examinations */
    uint32_t *watch_first, *watch;   /* sentinel neighbours of each node (CSR), or NULL */
    uint32_t *sentinel_ids;      /* every node ever a sentinel */
    uint32_t nsentinels;
    uint32_t *stamp, *queue, stamp_now;   /* breadth-first search scratch */
    uint32_t nbad;
    im_panel *panels;
    uint32_t npanels, cappanels, free_panel;
    im_exam *exams;
    uint32_t nexams, capexams, free_exam;
    im_conf *confs;
    uint32_t nconfs, capconfs;
    uint32_t *voters;
    uint32_t nvoters, capvoters;
    uint64_t audit_ctr;
    int standalone;              /* activity outputs of our own */
    int oom;                     /* a pool could not grow: the run fails at its end */
    uint32_t bad_isolated, good_isolated;
    uint64_t flags, panels_convened, confirmed, overturned, demoted, damage;
    uint64_t bad_ever, good_ever;
    double time_to_isolation;    /* summed over bad actors isolated at least once, seconds */
} immune_state;

static const char *const im_targets[] = { "random", "degree", NULL };

static const sim_param immune_params[] = {
    SIM_P_("bad", SIM_PT_NODES, immune_cfg, bad, 0.02, NULL, 0, 1, NULL, SIM_PF_FRACTION,
           "bad actors: a share of the nodes, or a list of node ids or place names"),
    SIM_PARAM_ENUM("bad_target", immune_cfg, bad_target, IM_RANDOM, im_targets, 0,
                   "which nodes a share makes bad: random ones or those of highest degree"),
    SIM_PARAM_NUM("bad_rate", immune_cfg, bad_rate, 0.5, 0, 1, 0,
                  "probability that an output of a bad actor is bad"),
    SIM_PARAM_NUM("activity", immune_cfg, activity, 1, 0, 1e6, 0,
                  "outputs per second per node to random neighbours when no other model runs"),
    SIM_PARAM_NUM("sentinels", immune_cfg, sentinels, 0.1, 0, 1, 0, "share of the nodes that are sentinels"),
    SIM_PARAM_NUM("sample_rate", immune_cfg, sample_rate, 0.1, 0, 1, 0,
                  "probability that a sentinel inspects an output it sees"),
    SIM_PARAM_NUM("detect", immune_cfg, detect, 0.9, 0, 1, 0,
                  "probability that a bad output is judged bad (flag, guilty vote)"),
    SIM_PARAM_NUM("false_alarm", immune_cfg, false_alarm, 0.01, 0, 1, 0,
                  "probability that a good output is judged bad"),
    SIM_PARAM_INT("panel", immune_cfg, panel, 5, 1, IM_MAX_PANEL, 0, "sentinels on a panel"),
    SIM_PARAM_INT("quorum", immune_cfg, quorum, 3, 1, IM_MAX_PANEL, 0, "guilty votes that confirm"),
    SIM_PARAM_TIME("window", immune_cfg, window, 5, 0, 1e9, SIM_PF_MIN_OPEN,
                   "seconds a panel member waits for an output of the suspect"),
    SIM_PARAM_NUM("limit_factor", immune_cfg, limit_factor, 0.5, 0, 1, 0,
                  "share of a limited node's messages that still leave"),
    SIM_PARAM_TIME("suspend_time", immune_cfg, suspend_time, 60, 0, 1e9, SIM_PF_MIN_OPEN,
                   "seconds a suspension lasts (then limited)"),
    SIM_PARAM_TIME("redeem_time", immune_cfg, redeem_time, 120, 0, 1e9, SIM_PF_MIN_OPEN,
                   "seconds without a confirmation that lower the sanction by one (expelled excepted)"),
    SIM_PARAM_TIME("audit_every", immune_cfg, audit_every, 0, 0, 1e9, 0,
                   "seconds between audits of the confirmations; 0: no audits"),
    SIM_PARAM_INT("auditors", immune_cfg, auditors, 3, 1, 1001, 0,
                  "independent judges of each confirmation at an audit (majority)"),
    SIM_PARAM_NUM("audit_accuracy", immune_cfg, audit_accuracy, 0.95, 0, 1, 0,
                  "probability that an auditor judges a confirmation rightly"),
    SIM_PARAM_INT("demote_after", immune_cfg, demote_after, 2, 0, 65534, 0,
                  "overturned guilty votes a sentinel may have; one more and it is demoted"),
    SIM_PARAM_BOOL("bad_sentinels", immune_cfg, bad_sentinels, 0, 0,
                   "bad actors can be sentinels and vote against the truth (the autoimmune attack)"),
    SIM_PARAM_END
};

static const char *const immune_columns[] = {
    "bad_active", "bad_isolated", "good_isolated", "flags", "panels", "confirmed", "overturned",
    "demoted", "damage", NULL
};
static const char *const immune_labels[] = {
    "bad actors not isolated", "bad actors isolated", "good nodes isolated", "flags (cumulative)",
    "panels convened (cumulative)", "confirmations (cumulative)", "overturned by audits (cumulative)",
    "sentinels demoted (cumulative)", "bad outputs delivered (cumulative)", NULL
};
static const char *const immune_summary[] = {
    "detection_rate", "false_isolation_rate", "mean_time_to_isolation", "damage_total", NULL
};

static sim_err immune_check(const void *cfgp, char *msg, size_t len)
{
    const immune_cfg *cfg = cfgp;
    if (cfg->quorum > cfg->panel) {
        snprintf(msg, len, "immune.quorum: %lld guilty votes cannot come from a panel of %lld",
                 (long long)cfg->quorum, (long long)cfg->panel);
        return SIM_EINPUT;
    }
    return SIM_OK;
}

/* --- Draws and small helpers ----------------------------------------------------- */

static double im_unit(immune_state *im, const sim_run *run, uint32_t v)
{
    return sim_unit_private(run, v, IM_SALT, im->ctr[v]++);
}

static int im_active_sentinel(const immune_state *im, const sim_run *run, uint32_t v)
{
    return (im->role[v] & (IM_SENTINEL | IM_DEMOTED)) == IM_SENTINEL && sim_is_up(run, v)
           && sim_node_standing(run, v) <= SIM_STANDING_LIMITED;
}

/*
 * Grow a pool to hold need elements (amortized doubling; pools start big
 * enough for most runs). On the event path, so no error is returned: a
 * failure sets oom, the record is not made, and the run fails at its end.
 */
static int im_grow(immune_state *im, void **p, size_t size, uint32_t need, uint32_t *cap)
{
    if (need <= *cap) {
        return 1;
    }
    uint64_t c = *cap ? 2 * (uint64_t)*cap : 1024;
    void *q = c < UINT32_MAX ? realloc(*p, (size_t)c * size) : NULL;
    if (q == NULL) {
        im->oom = 1;
        return 0;
    }
    *p = q;
    *cap = (uint32_t)c;
    return 1;
}

/* --- The sanction ladder ------------------------------------------------------------ */

/* The standing a level gives: a suspension is served (until >= 0), then the level stays at limited. */
static sim_standing im_standing_of(const immune_state *im, uint32_t x)
{
    switch (im->level[x]) {
    case IM_LEVEL_LIMITED:
        return SIM_STANDING_LIMITED;
    case IM_LEVEL_SUSPENDED:
        return im->until[x] >= 0 ? SIM_STANDING_SUSPENDED : SIM_STANDING_LIMITED;
    case IM_LEVEL_EXPELLED:
        return SIM_STANDING_EXPELLED;
    default:
        return SIM_STANDING_OK;
    }
}

/* Arm x's next ladder step at `at` (older steps are void); -1: none. */
static void im_arm(immune_state *im, sim_run *run, uint32_t x, sim_time at)
{
    im->due[x] = at;
    im->ladder_gen[x]++;
    if (at >= 0) {
        sim_timer_at(run, x, at, IM_EV_LADDER, im->ladder_gen[x]);
    }
}

/* Count x's first isolation. */
static void im_first_isolation(immune_state *im, const sim_run *run, uint32_t x, int bad)
{
    im->first_isolated[x] = sim_now(run);
    if (bad) {
        im->bad_ever++;
        im->time_to_isolation += sim_time_to_s(sim_now(run));
    } else {
        im->good_ever++;
    }
}

/*
 * x's level or suspension changed (its standing was old): the new standing
 * through the core, the isolation counts (isolation by this model's
 * sanctions; a scenario's own isolate{} is not counted), and its next step (the suspension's end, else
 * redemption redeem_time from now; none at 0 or expelled).
 */
static void im_apply(immune_state *im, sim_run *run, uint32_t x, sim_standing old)
{
    sim_standing st = im_standing_of(im, x);
    int bad = sim_is_bad(run, x), was = old >= SIM_STANDING_SUSPENDED, is = st >= SIM_STANDING_SUSPENDED;
    if (was != is) {
        uint32_t *count = bad ? &im->bad_isolated : &im->good_isolated;
        *count = is ? *count + 1 : *count - 1;
    }
    if (is && im->first_isolated[x] < 0) {
        im_first_isolation(im, run, x, bad);
    }
    if (st != old) {
        (void)sim_set_standing(run, x, st);   /* only its own changes: a scenario's isolate{} stands */
    }
    uint8_t level = im->level[x];
    im_arm(im, run, x, level == IM_LEVEL_NONE || level == IM_LEVEL_EXPELLED ? -1
                       : im->until[x] >= 0 ? im->until[x] : sim_now(run) + im->cfg->redeem_time);
}

/* Confirmation `serial`: one step up; a suspension starts at the third. */
static void im_raise(immune_state *im, sim_run *run, uint32_t x, uint32_t serial)
{
    if (im->level[x] == IM_LEVEL_EXPELLED) {
        return;
    }
    sim_standing old = im_standing_of(im, x);
    im->steps[x][im->level[x]] = serial;
    im->level[x]++;
    im->until[x] = im->level[x] == IM_LEVEL_SUSPENDED ? sim_now(run) + im->cfg->suspend_time : -1;
    im_apply(im, run, x, old);
}

/* One step down (redemption, an overturned confirmation): a suspension being served ends first. */
static void im_lower(immune_state *im, sim_run *run, uint32_t x)
{
    if (im->level[x] == IM_LEVEL_NONE || im->level[x] == IM_LEVEL_EXPELLED) {
        return;
    }
    sim_standing old = im_standing_of(im, x);
    im->level[x]--;
    im->until[x] = -1;
    im_apply(im, run, x, old);
}

/* A ladder timer: the suspension served (standing back to limited), or redemption. */
static void im_ladder_step(immune_state *im, sim_run *run, uint32_t x, uint64_t gen)
{
    if (gen != im->ladder_gen[x]) {
        return;
    }
    if (im->until[x] >= 0) {
        sim_standing old = im_standing_of(im, x);
        im->until[x] = -1;
        im_apply(im, run, x, old);
    } else {
        im_lower(im, run, x);
    }
}

/* --- Panels ---------------------------------------------------------------------------- */

static uint32_t im_panel_new(immune_state *im)
{
    uint32_t p = im->free_panel;
    if (p != IM_NONE) {
        im->free_panel = im->panels[p].next_free;
        return p;
    }
    if (!im_grow(im, (void **)&im->panels, sizeof *im->panels, im->npanels + 1, &im->cappanels)) {
        return IM_NONE;
    }
    im->panels[im->npanels].gen = 0;
    return im->npanels++;
}

static void im_panel_close(immune_state *im, uint32_t p)
{
    im_panel *pn = &im->panels[p];
    pn->open = 0;
    pn->gen++;
    im->panel_of[pn->suspect] = IM_NONE;
    pn->next_free = im->free_panel;
    im->free_panel = p;
}

/* Keep a confirmation and its guilty voters for the next audit. */
static void im_note_confirmation(immune_state *im, const im_panel *pn, uint32_t serial)
{
    if (im->cfg->audit_every <= 0
        || !im_grow(im, (void **)&im->confs, sizeof *im->confs, im->nconfs + 1, &im->capconfs)
        || !im_grow(im, (void **)&im->voters, sizeof *im->voters, im->nvoters + pn->size, &im->capvoters)) {
        return;
    }
    im_conf *c = &im->confs[im->nconfs++];
    c->suspect = pn->suspect;
    c->serial = serial;
    c->first = im->nvoters;
    c->count = 0;
    for (uint32_t i = 0; i < pn->size; i++) {
        if (pn->vote[i] == IM_VOTE_GUILTY) {
            im->voters[im->nvoters++] = pn->member[i];
            c->count++;
        }
    }
}

/* A vote has arrived: confirm at quorum, acquit when quorum is out of reach. */
static void im_panel_count(immune_state *im, sim_run *run, uint32_t p)
{
    im_panel *pn = &im->panels[p];
    uint32_t q = (uint32_t)im->cfg->quorum;
    if (pn->guilty >= q) {
        uint32_t x = pn->suspect;
        uint32_t serial = (uint32_t)++im->confirmed;
        im_note_confirmation(im, pn, serial);
        im_panel_close(im, p);
        im_raise(im, run, x, serial);
    } else if (pn->guilty + (uint32_t)(pn->size - pn->votes) < q) {
        im_panel_close(im, p);
    }
}

/* Add the candidates of one breadth-first level to the panel, drawing among them when they are too many. */
static void im_panel_take(immune_state *im, const sim_run *run, im_panel *pn, uint32_t *cand, uint32_t k,
                          uint32_t want)
{
    for (uint32_t i = 0; i < k && pn->size < want; i++) {
        uint32_t j = i + (uint32_t)(im_unit(im, run, pn->convener) * (double)(k - i));
        j = j < k ? j : k - 1;
        uint32_t t = cand[i];
        cand[i] = cand[j];
        cand[j] = t;
        pn->member[pn->size++] = cand[i];
    }
}

/*
 * The panel's members: the active sentinels nearest to the suspect by
 * hops, the suspect and the flagger excluded. The queue holds the search's
 * frontier; each level's candidates are gathered at the queue's end.
 */
static void im_panel_members(immune_state *im, const sim_run *run, im_panel *pn, uint32_t want)
{
    if (++im->stamp_now == 0) {               /* wrapped: old stamps could match */
        memset(im->stamp, 0, ((size_t)im->n + 1) * sizeof *im->stamp);
        im->stamp_now = 1;
    }
    uint32_t x = pn->suspect, w = pn->convener, stamp = im->stamp_now;
    uint32_t head = 0, tail = 0, n = im->n;
    uint32_t *cand = im->queue + n;      /* second half: this level's candidates */
    im->queue[tail++] = x;
    im->stamp[x] = stamp;
    while (head < tail && pn->size < want) {
        uint32_t level_end = tail, k = 0;
        for (; head < level_end; head++) {
            uint32_t v = im->queue[head];
            for (uint32_t i = 0, d = sim_degree(run, v); i < d; i++) {
                uint32_t u = sim_neighbor(run, v, i);
                if (im->stamp[u] == stamp) {
                    continue;
                }
                im->stamp[u] = stamp;
                im->queue[tail++] = u;
                if (u != w && im_active_sentinel(im, run, u)) {
                    cand[k++] = u;
                }
            }
        }
        im_panel_take(im, run, pn, cand, k, want);
    }
}

/* On the complete topology every sentinel is one hop away: random active ones. */
static void im_panel_members_complete(immune_state *im, const sim_run *run, im_panel *pn, uint32_t want)
{
    uint32_t k = 0, *cand = im->queue;
    for (uint32_t i = 0; i < im->nsentinels; i++) {
        uint32_t u = im->sentinel_ids[i];
        if (u != pn->suspect && u != pn->convener && im_active_sentinel(im, run, u)) {
            cand[k++] = u;
        }
    }
    im_panel_take(im, run, pn, cand, k, want);
}

/* Sentinel w flagged x: convene a panel unless one is open on x. */
static void im_convene(immune_state *im, sim_run *run, uint32_t w, uint32_t x)
{
    im->flags++;
    uint32_t open = im->panel_of[x];
    if (open != IM_NONE && sim_now(run) < im->panels[open].opened + 2 * im->cfg->window) {
        return;
    }
    if (open != IM_NONE) {
        im_panel_close(im, open);     /* past its deadline: its convener went down with the timer */
    }
    uint32_t p = im_panel_new(im);
    if (p == IM_NONE) {
        return;
    }
    im_panel *pn = &im->panels[p];
    pn->suspect = x;
    pn->convener = w;
    pn->size = pn->votes = pn->guilty = 0;
    pn->open = 1;
    pn->opened = sim_now(run);
    memset(pn->vote, IM_VOTE_NONE, sizeof pn->vote);
    uint32_t want = (uint32_t)im->cfg->panel;
    if (sim_topology_complete(run)) {
        im_panel_members_complete(im, run, pn, want);
    } else {
        im_panel_members(im, run, pn, want);
    }
    if (pn->size < im->cfg->quorum) {
        im_panel_close(im, p);           /* not enough sentinels left to ever confirm */
        return;
    }
    im->panel_of[x] = p;
    im->panels_convened++;
    uint64_t tag = (uint64_t)p | (uint64_t)(pn->gen & 0xffff) << 48;
    for (uint32_t i = 0; i < pn->size; i++) {
        sim_send(run, w, pn->member[i], IM_EV_REQUEST, tag | (uint64_t)i << 32);
    }
    sim_timer(run, w, 2 * im->cfg->window, IM_EV_DEADLINE, (uint64_t)p | (uint64_t)pn->gen << 32);
}

/* Member m's vote on the panel's suspect, from the output it saw (bad: 1, good: 0, none: -1). */
static uint8_t im_judge(immune_state *im, const sim_run *run, uint32_t m, uint32_t x, int output)
{
    const immune_cfg *cfg = im->cfg;
    if (cfg->bad_sentinels && sim_is_bad(run, m)) {
        return sim_is_bad(run, x) ? IM_VOTE_NOT_GUILTY : IM_VOTE_GUILTY;
    }
    if (output < 0) {
        return IM_VOTE_NOT_GUILTY;
    }
    double p = output ? cfg->detect : cfg->false_alarm;
    return im_unit(im, run, m) < p ? IM_VOTE_GUILTY : IM_VOTE_NOT_GUILTY;
}

static void im_send_vote(sim_run *run, uint32_t m, uint32_t convener, uint32_t p, uint32_t gen16,
                         uint32_t slot, uint8_t vote)
{
    uint64_t data = (uint64_t)p | (uint64_t)slot << 32 | (uint64_t)(vote == IM_VOTE_GUILTY) << 40
                    | (uint64_t)gen16 << 48;
    sim_send(run, m, convener, IM_EV_VOTE, data);
}

/* A request reached member m: wait for the suspect's next output (a compromised member votes at once). */
static void im_request(immune_state *im, sim_run *run, const sim_event *ev)
{
    uint32_t p = (uint32_t)ev->data, slot = (uint32_t)(ev->data >> 32) & 0xff;
    uint32_t gen16 = (uint32_t)(ev->data >> 48);
    if (p >= im->npanels || !im->panels[p].open || (im->panels[p].gen & 0xffff) != gen16) {
        return;                           /* the panel has already decided */
    }
    const im_panel *pn = &im->panels[p];
    uint32_t m = ev->dst, x = pn->suspect;
    if (!im_active_sentinel(im, run, m)) {
        return;                           /* demoted or sanctioned meanwhile: no vote */
    }
    if (im->cfg->bad_sentinels && sim_is_bad(run, m)) {
        im_send_vote(run, m, pn->convener, p, gen16, slot, im_judge(im, run, m, x, -1));
        return;
    }
    uint32_t e = im->free_exam;
    if (e != IM_NONE) {
        im->free_exam = im->exams[e].next;
    } else if (im_grow(im, (void **)&im->exams, sizeof *im->exams, im->nexams + 1, &im->capexams)) {
        e = im->nexams++;
        im->exams[e].gen = 0;
    } else {
        return;
    }
    im_exam *ex = &im->exams[e];
    ex->panel = p;
    ex->panel_gen = gen16;
    ex->member = m;
    ex->suspect = x;
    ex->slot = (uint8_t)slot;
    ex->live = 1;
    ex->next = IM_NONE;
    uint32_t *link = &im->exam_head[x];           /* in turn: at the end of x's queue */
    while (*link != IM_NONE) {
        link = &im->exams[*link].next;
    }
    *link = e;
    sim_timer(run, m, im->cfg->window, IM_EV_EXPIRE, (uint64_t)e | (uint64_t)ex->gen << 32);
}

static void im_exam_free(immune_state *im, uint32_t e)
{
    im->exams[e].live = 0;
    im->exams[e].gen++;
    im->exams[e].next = im->free_exam;
    im->free_exam = e;
}

/* Take examination e out of suspect x's list. */
static void im_exam_unlink(immune_state *im, uint32_t x, uint32_t e)
{
    uint32_t *link = &im->exam_head[x];
    while (*link != IM_NONE && *link != e) {
        link = &im->exams[*link].next;
    }
    SIM_ASSERT(*link == e);       /* a live examination is always on its suspect's list */
    *link = im->exams[e].next;
}

/* The window of examination e ended with no output of the suspect: not guilty. */
static void im_expire(immune_state *im, sim_run *run, const sim_event *ev)
{
    uint32_t e = (uint32_t)ev->data;
    if (e >= im->nexams || !im->exams[e].live || im->exams[e].gen != (uint32_t)(ev->data >> 32)) {
        return;
    }
    im_exam ex = im->exams[e];
    im_exam_unlink(im, ex.suspect, e);
    im_exam_free(im, e);
    const im_panel *pn = &im->panels[ex.panel];
    if (pn->open && (pn->gen & 0xffff) == ex.panel_gen && pn->suspect == ex.suspect) {
        im_send_vote(run, ex.member, pn->convener, ex.panel, ex.panel_gen, ex.slot, IM_VOTE_NOT_GUILTY);
    }
}

/*
 * Suspect x made an output (bad or good): the first member waiting in
 * turn judges it and votes (members whose panel has decided, or who are
 * down, are passed over and dropped).
 */
static void im_examined(immune_state *im, sim_run *run, uint32_t x, int bad_output)
{
    while (im->exam_head[x] != IM_NONE) {
        uint32_t e = im->exam_head[x];
        im_exam ex = im->exams[e];
        im->exam_head[x] = ex.next;
        im_exam_free(im, e);
        const im_panel *pn = &im->panels[ex.panel];
        if (pn->open && (pn->gen & 0xffff) == ex.panel_gen && pn->suspect == x
            && im_active_sentinel(im, run, ex.member)) {
            uint8_t vote = im_judge(im, run, ex.member, x, bad_output);
            im_send_vote(run, ex.member, pn->convener, ex.panel, ex.panel_gen, ex.slot, vote);
            return;          /* one output, one member */
        }
    }
}

/* A vote reached the convener. */
static void im_vote(immune_state *im, sim_run *run, const sim_event *ev)
{
    uint32_t p = (uint32_t)ev->data, slot = (uint32_t)(ev->data >> 32) & 0xff;
    uint32_t gen16 = (uint32_t)(ev->data >> 48);
    if (p >= im->npanels) {
        return;
    }
    im_panel *pn = &im->panels[p];
    if (!pn->open || (pn->gen & 0xffff) != gen16 || slot >= pn->size || pn->vote[slot] != IM_VOTE_NONE
        || pn->member[slot] != ev->src) {
        return;
    }
    int guilty = (ev->data >> 40) & 1;
    pn->vote[slot] = guilty ? IM_VOTE_GUILTY : IM_VOTE_NOT_GUILTY;
    pn->votes++;
    pn->guilty += (uint8_t)guilty;
    im_panel_count(im, run, p);
}

/* 2 x window after convening: what has not arrived counts as not guilty. */
static void im_deadline(immune_state *im, const sim_event *ev)
{
    uint32_t p = (uint32_t)ev->data;
    if (p < im->npanels && im->panels[p].open && im->panels[p].gen == (uint32_t)(ev->data >> 32)) {
        im_panel_close(im, p);
    }
}

/* --- Outputs ------------------------------------------------------------------------------ */

/* Sentinel w inspects an output of x (bad or good) and may flag x. */
static void im_inspect(immune_state *im, sim_run *run, uint32_t w, uint32_t x, int bad_output)
{
    const immune_cfg *cfg = im->cfg;
    if (w == x || !im_active_sentinel(im, run, w) || im_unit(im, run, w) >= cfg->sample_rate) {
        return;
    }
    double p;
    if (cfg->bad_sentinels && sim_is_bad(run, w)) {
        p = sim_is_bad(run, x) ? 0.0 : cfg->detect;     /* the autoimmune attack */
    } else {
        p = bad_output ? cfg->detect : cfg->false_alarm;
    }
    if (p > 0 && im_unit(im, run, w) < p) {
        im_convene(im, run, w, x);
    }
}

/* An output from ev->src reached ev->dst: damage, the waiting panel members, the watching sentinels. */
static void im_output(immune_state *im, sim_run *run, const sim_event *ev)
{
    uint32_t x = ev->src, d = ev->dst;
    int bad_output = sim_is_bad(run, x) && im_unit(im, run, d) < im->cfg->bad_rate;
    im->damage += (uint64_t)bad_output;
    if (im->exam_head[x] != IM_NONE) {
        im_examined(im, run, x, bad_output);
    }
    if (im->role[d] & IM_SENTINEL) {
        im_inspect(im, run, d, x, bad_output);
    }
    if (im->watch == NULL) {
        return;
    }
    for (uint32_t k = im->watch_first[x]; k < im->watch_first[x + 1]; k++) {
        if (im->watch[k] != d) {
            im_inspect(im, run, im->watch[k], x, bad_output);
        }
    }
}

static void im_observe(void *state, sim_run *run, const sim_event *ev)
{
    im_output(state, run, ev);
}

/* v's next standalone output, after Exp(activity) from its private stream. */
static void im_next_act(immune_state *im, sim_run *run, uint32_t v)
{
    double gap = -log(1.0 - im_unit(im, run, v)) / im->cfg->activity;
    sim_timer(run, v, sim_time_from_s(gap), IM_EV_ACT, 0);
}

/* A node's own output (standalone): to a random neighbour, then the next after Exp(activity). */
static void im_act(immune_state *im, sim_run *run, uint32_t v)
{
    uint32_t to = sim_random_peer(run, v);
    if (to != SIM_NONE) {
        sim_send(run, v, to, IM_EV_OUTPUT, 0);
    }
    im_next_act(im, run, v);
}

static void immune_event(void *state, sim_run *run, const sim_event *ev)
{
    immune_state *im = state;
    switch (ev->kind) {
    case IM_EV_ACT:
        im_act(im, run, ev->dst);
        break;
    case IM_EV_OUTPUT:
        im_output(im, run, ev);
        break;
    case IM_EV_REQUEST:
        im_request(im, run, ev);
        break;
    case IM_EV_VOTE:
        im_vote(im, run, ev);
        break;
    case IM_EV_EXPIRE:
        im_expire(im, run, ev);
        break;
    case IM_EV_DEADLINE:
        im_deadline(im, ev);
        break;
    case IM_EV_LADDER:
        im_ladder_step(im, run, ev->dst, ev->data);
        break;
    default:
        break;
    }
}

/* A node back up: its ladder timer was discarded with it; arm it again. */
static void immune_node_change(void *state, sim_run *run, uint32_t node, int up)
{
    immune_state *im = state;
    if (up && im->due[node] >= 0) {
        sim_time now = sim_now(run);
        im_arm(im, run, node, im->due[node] > now ? im->due[node] : now);
    }
    if (up && im->standalone && im->cfg->activity > 0) {
        im_next_act(im, run, node);
    }
}

/* --- Audits ---------------------------------------------------------------------------------- */

/* The auditors' majority on one confirmation: 1 if it overturns (a tie upholds). */
static int im_audit_overturns(immune_state *im, const sim_run *run, uint32_t x)
{
    const immune_cfg *cfg = im->cfg;
    int64_t right = 0;
    for (int64_t a = 0; a < cfg->auditors; a++) {
        right += sim_unit_private(run, 0, IM_SALT_AUDIT, im->audit_ctr++) < cfg->audit_accuracy;
    }
    int64_t wrong = cfg->auditors - right;
    int guilty = sim_is_bad(run, x) ? right > wrong : wrong > right;
    return !guilty && right != wrong;
}

/*
 * An overturned confirmation: its step comes off the suspect's ladder if
 * it is still there (not redeemed meanwhile; expulsion stays), and it
 * counts against its guilty voters.
 */
static void im_overturn(immune_state *im, sim_run *run, const im_conf *c)
{
    uint32_t x = c->suspect, level = im->level[x];
    im->overturned++;
    for (uint32_t i = 0; i < level && level < IM_LEVEL_EXPELLED; i++) {
        if (im->steps[x][i] == c->serial) {
            memmove(&im->steps[x][i], &im->steps[x][i + 1], (level - 1 - i) * sizeof im->steps[x][0]);
            im_lower(im, run, x);
            break;
        }
    }
    for (uint32_t i = 0; i < c->count; i++) {
        uint32_t s = im->voters[c->first + i];
        if (im->overturned_votes[s] < UINT16_MAX) {
            im->overturned_votes[s]++;
        }
        if (im->overturned_votes[s] > im->cfg->demote_after && (im->role[s] & IM_SENTINEL)
            && !(im->role[s] & IM_DEMOTED)) {
            im->role[s] |= IM_DEMOTED;
            im->demoted++;
        }
    }
}

static sim_err immune_phase(void *state, sim_run *run, sim_phase when)
{
    immune_state *im = state;
    if (im->oom) {
        return sim_fail(run, SIM_ENOMEM, "immune: out of memory for panels");
    }
    if (when == SIM_PHASE_END) {
        return SIM_OK;
    }
    for (uint32_t i = 0; i < im->nconfs; i++) {
        if (im_audit_overturns(im, run, im->confs[i].suspect)) {
            im_overturn(im, run, &im->confs[i]);
        }
    }
    im->nconfs = 0;
    im->nvoters = 0;
    return SIM_OK;
}

/* --- Samples and summary ------------------------------------------------------------------- */

static void immune_sample(const void *state, const sim_run *run, double *row)
{
    const immune_state *im = state;
    (void)run;
    row[0] = (double)(im->nbad - im->bad_isolated);
    row[1] = im->bad_isolated;
    row[2] = im->good_isolated;
    row[3] = (double)im->flags;
    row[4] = (double)im->panels_convened;
    row[5] = (double)im->confirmed;
    row[6] = (double)im->overturned;
    row[7] = (double)im->demoted;
    row[8] = (double)im->damage;
}

static void immune_summarize(const void *state, const sim_run *run, double *out)
{
    const immune_state *im = state;
    uint32_t good = im->n - im->nbad;
    (void)run;
    out[0] = im->nbad ? (double)im->bad_ever / im->nbad : NAN;
    out[1] = good ? (double)im->good_ever / good : NAN;
    out[2] = im->bad_ever ? im->time_to_isolation / (double)im->bad_ever : NAN;
    out[3] = (double)im->damage;
}

/* --- Life cycle ------------------------------------------------------------------------------ */

static void immune_destroy(void *state)
{
    immune_state *im = state;
    if (im == NULL) {
        return;
    }
    free(im->role);
    free(im->level);
    free(im->panel_of);
    free(im->steps);
    free(im->overturned_votes);
    free(im->ladder_gen);
    free(im->due);
    free(im->until);
    free(im->first_isolated);
    free(im->ctr);
    free(im->exam_head);
    free(im->watch_first);
    free(im->watch);
    free(im->sentinel_ids);
    free(im->stamp);
    free(im->queue);
    free(im->panels);
    free(im->exams);
    free(im->confs);
    free(im->voters);
    free(im);
}

/* For the degree target: highest degree first, ties by a per-node hash of the seed. */
typedef struct im_rank {
    uint32_t degree;
    uint64_t tie;
    uint32_t node;
} im_rank;

static int im_rank_cmp(const void *a, const void *b)
{
    const im_rank *x = a, *y = b;
    if (x->degree != y->degree) {
        return x->degree > y->degree ? -1 : 1;
    }
    return x->tie < y->tie ? -1 : x->tie > y->tie ? 1 : (x->node > y->node) - (x->node < y->node);
}

/* k nodes of the highest degree. */
static sim_err im_bad_by_degree(immune_state *im, sim_run *run, uint32_t k)
{
    im_rank *r = malloc((size_t)im->n * sizeof *r);
    if (r == NULL) {
        return sim_fail(run, SIM_ENOMEM, "immune: out of memory");
    }
    for (uint32_t v = 0; v < im->n; v++) {
        r[v] = (im_rank){ sim_degree(run, v), sim_node_hash(run, v, 0x1b4d), v };
    }
    qsort(r, im->n, sizeof *r, im_rank_cmp);
    for (uint32_t i = 0; i < k; i++) {
        sim_set_bad(run, r[i].node, 1);
    }
    free(r);
    return SIM_OK;
}

/* Draw k of the n ids in pool (partial Fisher-Yates on node 0's private stream `salt`): pool[0 .. k). */
static void im_draw(const sim_run *run, uint32_t *pool, uint32_t n, uint32_t k, uint32_t salt)
{
    for (uint32_t i = 0; i < k && i < n; i++) {
        uint32_t j = i + (uint32_t)(sim_unit_private(run, 0, salt, i) * (double)(n - i));
        j = j < n ? j : n - 1;
        uint32_t t = pool[i];
        pool[i] = pool[j];
        pool[j] = t;
    }
}

/* A share of n, rounded to the nearest count. */
static uint32_t im_share(double share, uint32_t n)
{
    double k = nearbyint(share * (double)n);
    return k < 0 ? 0 : k > n ? n : (uint32_t)k;
}

static sim_err im_init_bad(immune_state *im, sim_run *run)
{
    const sim_nodeset *b = &im->cfg->bad;
    if (b->ids != NULL) {
        for (uint32_t i = 0; i < b->count; i++) {
            if (b->ids[i] >= im->n) {
                return sim_fail(run, SIM_EINPUT, "immune.bad: node %u does not exist (n = %u)", b->ids[i],
                                im->n);
            }
            sim_set_bad(run, b->ids[i], 1);
        }
    } else {
        uint32_t k = im_share(b->fraction, im->n);
        if (im->cfg->bad_target == IM_DEGREE) {
            SIM_TRY(im_bad_by_degree(im, run, k));
        } else {
            for (uint32_t v = 0; v < im->n; v++) {
                im->queue[v] = v;
            }
            im_draw(run, im->queue, im->n, k, 3);
            for (uint32_t i = 0; i < k; i++) {
                sim_set_bad(run, im->queue[i], 1);
            }
        }
    }
    for (uint32_t v = 0; v < im->n; v++) {
        im->nbad += (uint32_t)sim_is_bad(run, v);
    }
    return SIM_OK;
}

/* Sentinels: a share of the nodes, drawn among the good ones (all, with bad_sentinels). */
static sim_err im_init_sentinels(immune_state *im, sim_run *run)
{
    const immune_cfg *cfg = im->cfg;
    uint32_t pool = 0, k = im_share(cfg->sentinels, im->n);
    for (uint32_t v = 0; v < im->n; v++) {
        if (cfg->bad_sentinels || !sim_is_bad(run, v)) {
            im->queue[pool++] = v;
        }
    }
    k = k < pool ? k : pool;
    im_draw(run, im->queue, pool, k, 4);
    im->sentinel_ids = malloc((k ? k : 1) * sizeof *im->sentinel_ids);
    if (im->sentinel_ids == NULL) {
        return sim_fail(run, SIM_ENOMEM, "immune: out of memory");
    }
    for (uint32_t i = 0; i < k; i++) {
        im->sentinel_ids[i] = im->queue[i];
        im->role[im->queue[i]] = IM_SENTINEL;
    }
    im->nsentinels = k;
    if ((int64_t)k < cfg->panel + 1) {
        return sim_fail(run, SIM_EINPUT, "immune.panel: a panel of %lld needs %lld sentinels (the one that "
                        "flags takes no seat), but sentinels = %g of %u nodes gives %u", (long long)cfg->panel,
                        (long long)cfg->panel + 1, cfg->sentinels, im->n, k);
    }
    return SIM_OK;
}

/* Each node's sentinel neighbours (CSR), the watchers of its outputs; none on the complete topology. */
static sim_err im_init_watchers(immune_state *im, sim_run *run)
{
    if (sim_topology_complete(run)) {
        return SIM_OK;
    }
    uint64_t total = 0;
    im->watch_first = malloc(((size_t)im->n + 1) * sizeof *im->watch_first);
    if (im->watch_first == NULL) {
        return sim_fail(run, SIM_ENOMEM, "immune: out of memory");
    }
    for (uint32_t v = 0; v < im->n; v++) {
        im->watch_first[v] = (uint32_t)total;
        for (uint32_t i = 0, d = sim_degree(run, v); i < d; i++) {
            total += (im->role[sim_neighbor(run, v, i)] & IM_SENTINEL) != 0;
        }
    }
    im->watch_first[im->n] = (uint32_t)total;
    im->watch = malloc((total ? (size_t)total : 1) * sizeof *im->watch);
    if (im->watch == NULL) {
        return sim_fail(run, SIM_ENOMEM, "immune: out of memory");
    }
    for (uint32_t v = 0, k = 0; v < im->n; v++) {
        for (uint32_t i = 0, d = sim_degree(run, v); i < d; i++) {
            uint32_t u = sim_neighbor(run, v, i);
            if (im->role[u] & IM_SENTINEL) {
                im->watch[k++] = u;
            }
        }
    }
    return SIM_OK;
}

static sim_err im_alloc(immune_state *im, sim_run *run)
{
    uint32_t n = im->n;
    im->role = sim_node_array(run, 1);
    im->level = sim_node_array(run, 1);
    im->panel_of = sim_node_array(run, sizeof *im->panel_of);
    im->steps = sim_node_array(run, sizeof *im->steps);
    im->overturned_votes = sim_node_array(run, sizeof *im->overturned_votes);
    im->ladder_gen = sim_node_array(run, sizeof *im->ladder_gen);
    im->due = sim_node_array(run, sizeof *im->due);
    im->until = sim_node_array(run, sizeof *im->until);
    im->first_isolated = sim_node_array(run, sizeof *im->first_isolated);
    im->ctr = sim_node_array(run, sizeof *im->ctr);
    im->exam_head = sim_node_array(run, sizeof *im->exam_head);
    im->stamp = calloc((size_t)n + 1, sizeof *im->stamp);
    im->queue = malloc((2 * (size_t)n + 2) * sizeof *im->queue);
    if (!im->role || !im->level || !im->panel_of || !im->steps || !im->overturned_votes || !im->ladder_gen || !im->due || !im->until
        || !im->first_isolated || !im->ctr || !im->exam_head || !im->stamp || !im->queue) {
        return sim_fail(run, SIM_ENOMEM, "immune: out of memory for %u nodes", n);
    }
    for (uint32_t v = 0; v < n; v++) {
        im->due[v] = -1;
        im->until[v] = -1;
        im->first_isolated[v] = -1;
        im->exam_head[v] = IM_NONE;
        im->panel_of[v] = IM_NONE;
    }
    im->free_panel = im->free_exam = IM_NONE;
    return SIM_OK;
}

static sim_err immune_init(sim_run *run, const void *cfgp, void **state)
{
    const immune_cfg *cfg = cfgp;
    immune_state *im = calloc(1, sizeof *im);
    if (im == NULL) {
        return sim_fail(run, SIM_ENOMEM, "immune: out of memory");
    }
    *state = im;
    im->cfg = cfg;
    im->n = sim_nodes(run);
    SIM_TRY(im_alloc(im, run));
    SIM_TRY(im_init_bad(im, run));
    SIM_TRY(im_init_sentinels(im, run));
    SIM_TRY(im_init_watchers(im, run));
    sim_set_limited_share(run, cfg->limit_factor);
    sim_hint_per_node(run, im->ctr, sizeof *im->ctr);
    sim_hint_per_node(run, im->role, 1);
    im->standalone = sim_model_count(run) == 1 && cfg->activity > 0;
    for (uint32_t v = 0; im->standalone && v < im->n; v++) {
        im_next_act(im, run, v);
    }
    return cfg->audit_every > 0 ? sim_phase_every(run, cfg->audit_every) : SIM_OK;
}

static size_t immune_bytes(const void *state)
{
    const immune_state *im = state;
    size_t per = 1 + 1 + 4 + 16 + 2 + 4 + 8 + 8 + 8 + 8 + 4 + 4 + 8 + 4;
    return (size_t)im->n * per + (im->watch_first ? (size_t)im->watch_first[im->n] * 4 : 0)
           + (size_t)im->cappanels * sizeof(im_panel) + (size_t)im->capexams * sizeof(im_exam)
           + (size_t)im->capconfs * sizeof(im_conf) + (size_t)im->capvoters * 4;
}

static uint64_t immune_estimate(const void *cfgp, uint64_t nodes, uint64_t *events)
{
    (void)cfgp;
    *events = sim_mul_sat(nodes, 3);
    return sim_mul_sat(nodes, 64 + 4 * 16);
}

const sim_model immune_model = {
    .name = "immune",
    .help = "immune sentinels: quorum panels, graduated sanctions, rotating audits",
    .params = immune_params,
    .cfg_size = sizeof(immune_cfg),
    .columns = immune_columns,
    .labels = immune_labels,
    .summary = immune_summary,
    .check = immune_check,
    .init = immune_init,
    .event = immune_event,
    .node_change = immune_node_change,
    .observe = im_observe,
    .phase = immune_phase,
    .sample = immune_sample,
    .summarize = immune_summarize,
    .destroy = immune_destroy,
    .bytes = immune_bytes,
    .estimate = immune_estimate,
};
