/*
 * evq_cal.c -- a calendar queue (R. Brown, CACM 31(10), 1988) for the
 * measured queue comparison (`make bench`, engine built with -DEVQ_CALENDAR).
 *
 * Time is cut into days of 2^shift ns; day d lives in bucket d mod nb, so a
 * year is nb days and a bucket holds the events of its day in every year.
 * Dequeueing walks the days in order and takes the events of a bucket that
 * fall in the current day; a whole year without one ends in a direct search
 * for the bucket with the earliest event. Brown's resize rule keeps about
 * one to two events per bucket: when the events in buckets exceed 2 nb the
 * buckets double, below nb / 2 they halve, and each time the width is
 * re-estimated from the gaps between the earliest 32 distinct pending times
 * (mean gap, recomputed without gaps above twice the mean, times 3, rounded
 * up to a power of two so that the bucket of a time is a shift and a mask).
 *
 * Changes from Brown, for exact ties and speed:
 * - A bucket is an unsorted list with its earliest time beside it. Pushing
 *   is O(1) whatever the ties; the scan tests the earliest time without
 *   touching the list. When a day comes, its events move into a small 4-ary
 *   heap (evq_heap.c) that orders them by the full key (time, src, seq), so
 *   ties are exact, and a burst of equal times (PHOLD with constant delays:
 *   a million events at one instant) costs O(log n) an event, not a walk
 *   along a sorted list per insertion.
 * - Events live in one pool of 40-byte slots with a free list (indices, no
 *   allocation per event); a resize packs the pool and reads it in address
 *   order instead of chasing the lists.
 * - Zero gaps are left out of the width estimate, so ties do not shrink the
 *   days to nothing.
 * - The width is also re-estimated (same bucket count) once the empty days
 *   scanned since the last resize cost as much as a resize, the trigger of
 *   Oh and Ahn's dynamic calendar queue (1998) in amortized form: a
 *   distribution that changes shape (1 ns steps, then 1e15 ns jumps) no
 *   longer costs a year's scan per event until the count crosses 2x or 0.5x.
 * - The heap is kept non-empty while events are pending, so the earliest
 *   time is read in O(1) (the engine asks for it before every event).
 *
 * Why a calendar rather than a ladder queue (Tang, Goh and Thng 2005): the
 * engine's event mixes are hold models with smooth delay distributions
 * (PHOLD exponential, gossip lognormal latency plus periodic timers), where
 * the calendar is O(1) expected with an amortized O(1) resize; the ladder
 * queue gains on skewed distributions that defeat one width, at the cost of
 * three tiers (top, rungs, bottom). The default radix queue (evq.c) already
 * copes with skewed times, so the calendar is the useful third design.
 *
 * Invariant: every event in `day` is before `top`, every event in a bucket
 * is at or after it, and top >= (cur + 1) << shift, so a bucketed event's
 * day is after cur. Pushing before `top` goes to the heap; pushing a day
 * earlier than the heap's earliest (possible only before the first pop, or
 * when a handler schedules into days the queue skipped) first puts the heap
 * back into buckets.
 */
#include "evq.h"

#include <stdlib.h>
#include <string.h>

#define EVQ_CAL_NIL UINT32_MAX      /* no slot */
#define EVQ_CAL_FREE (-1)           /* the time of a slot on the free list */
#define EVQ_CAL_MIN_BUCKETS 16u     /* never fewer buckets */
#define EVQ_CAL_SAMPLE 32           /* distinct times sampled for the width */

typedef struct evq_cal_node {
    sim_event ev;      /* the pending event; time EVQ_CAL_FREE if the slot is free */
    uint32_t next;     /* next slot in the same bucket or on the free list */
} evq_cal_node;

typedef struct evq_cal_bucket {
    sim_time min;      /* earliest time in the list; SIM_TIME_MAX if empty */
    uint32_t head;     /* first slot, in no order, or EVQ_CAL_NIL */
} evq_cal_bucket;

/* First time after day d. */
static sim_time evq_cal_day_end(int64_t d, unsigned shift)
{
    if (d >= (SIM_TIME_MAX >> shift)) {
        return SIM_TIME_MAX;
    }
    return (d + 1) << shift;
}

/* nb empty buckets, or NULL. */
static evq_cal_bucket *evq_cal_buckets_new(uint32_t nb)
{
    evq_cal_bucket *b = malloc((size_t)nb * sizeof *b);
    for (uint32_t i = 0; b != NULL && i < nb; i++) {
        b[i] = (evq_cal_bucket){ .min = SIM_TIME_MAX, .head = EVQ_CAL_NIL };
    }
    return b;
}

sim_err evq_cal_init(evq_cal *c, size_t cap)
{
    memset(c, 0, sizeof *c);
    c->free = EVQ_CAL_NIL;
    c->nb = EVQ_CAL_MIN_BUCKETS;
    c->cap = cap < 16 ? 16 : cap > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)cap;
    c->node = malloc((size_t)c->cap * sizeof *c->node);
    c->b = evq_cal_buckets_new(c->nb);
    sim_err err = c->node == NULL || c->b == NULL ? SIM_ENOMEM : evq_heap_init(&c->day, 4, 16);
    if (err != SIM_OK) {
        evq_cal_destroy(c);
    }
    return err;
}

void evq_cal_destroy(evq_cal *c)
{
    evq_heap_destroy(&c->day);
    free(c->node);
    free(c->b);
    memset(c, 0, sizeof *c);
}

/* Room for k more slots, so that taking them cannot fail. */
static sim_err evq_cal_reserve(evq_cal *c, size_t k)
{
    if ((size_t)c->fresh + k <= c->cap) {
        return SIM_OK;
    }
    size_t cap = (size_t)c->cap * 2;
    while (cap < (size_t)c->fresh + k) {
        cap *= 2;
    }
    evq_cal_node *grown = cap < EVQ_CAL_NIL ? realloc(c->node, cap * sizeof *grown) : NULL;
    if (grown == NULL) {
        return SIM_ENOMEM;
    }
    c->node = grown;
    c->cap = (uint32_t)cap;
    return SIM_OK;
}

/* Link slot i into the bucket of its day. */
static void evq_cal_link(evq_cal *c, uint32_t i)
{
    sim_time t = c->node[i].ev.time;
    evq_cal_bucket *b = &c->b[((uint64_t)t >> c->shift) & (c->nb - 1)];
    c->node[i].next = b->head;
    b->head = i;
    if (t < b->min) {
        b->min = t;
    }
}

/* Add t to s[0 .. *n), the sorted smallest distinct times seen (at most EVQ_CAL_SAMPLE). */
static void evq_cal_sample(sim_time *s, int *n, sim_time t)
{
    int k = *n;
    while (k > 0 && s[k - 1] > t) {
        k--;
    }
    if ((k > 0 && s[k - 1] == t) || k == EVQ_CAL_SAMPLE) {
        return;
    }
    int last = *n < EVQ_CAL_SAMPLE ? (*n)++ : *n - 1;   /* when full, the largest goes */
    memmove(&s[k + 1], &s[k], (size_t)(last - k) * sizeof *s);
    s[k] = t;
}

/* Brown's width from sorted distinct times s[0 .. n), n >= 2, as a shift. */
static unsigned evq_cal_shift_of(const sim_time *s, int n)
{
    double mean = (double)(s[n - 1] - s[0]) / (n - 1), near = 0.0;
    int m = 0;
    for (int k = 1; k < n; k++) {
        double g = (double)(s[k] - s[k - 1]);
        if (g <= 2.0 * mean) {
            near += g;
            m++;
        }
    }
    double width = 3.0 * near / m;
    unsigned shift = 0;
    while (shift < 62 && (double)((sim_time)1 << shift) < width) {
        shift++;
    }
    return shift;
}

/* The width, as a shift, from the earliest distinct times in buckets (pool order). */
static unsigned evq_cal_width(const evq_cal *c)
{
    sim_time s[EVQ_CAL_SAMPLE];
    int n = 0;
    for (uint32_t i = 0; i < c->fresh; i++) {
        sim_time t = c->node[i].ev.time;
        if (t != EVQ_CAL_FREE && (n < EVQ_CAL_SAMPLE || t < s[n - 1])) {
            evq_cal_sample(s, &n, t);
        }
    }
    return n < 2 ? c->shift : evq_cal_shift_of(s, n);
}

/*
 * Move the bucketed events to slots [0, inb) and empty the free list, so
 * that every later resize reads inb slots, not the pool's high-water mark
 * (a queue that peaked at a million events and now holds ten). The lists
 * are rebuilt next, so the links need not be kept.
 */
static void evq_cal_compact(evq_cal *c)
{
    uint32_t lo = 0, hi = c->fresh;
    for (;;) {
        while (lo < hi && c->node[lo].ev.time != EVQ_CAL_FREE) {
            lo++;
        }
        while (hi > lo && c->node[hi - 1].ev.time == EVQ_CAL_FREE) {
            hi--;
        }
        if (lo == hi) {
            break;
        }
        c->node[lo++] = c->node[--hi];   /* a live slot from the top into a hole */
    }
    SIM_ASSERT(lo == c->inb);
    c->fresh = lo;
    c->free = EVQ_CAL_NIL;
}

/* Brown's resize: nb2 buckets, width re-estimated; if memory is short keep the old ones. */
static void evq_cal_resize(evq_cal *c, uint32_t nb2)
{
    evq_cal_bucket *b = evq_cal_buckets_new(nb2);
    if (b == NULL) {
        return;   /* slower, still correct */
    }
    free(c->b);
    c->b = b;
    c->nb = nb2;
    c->scanned = 0;
    evq_cal_compact(c);
    c->shift = evq_cal_width(c);
    c->cur = (c->top >> c->shift) - 1;
    for (uint32_t i = 0; i < c->fresh; i++) {
        if (c->node[i].ev.time != EVQ_CAL_FREE) {
            evq_cal_link(c, i);
        }
    }
}

/* Put an event at or after top into its bucket, growing the calendar if crowded. */
static sim_err evq_cal_file(evq_cal *c, const sim_event *ev)
{
    uint32_t i = c->free;
    if (i != EVQ_CAL_NIL) {
        c->free = c->node[i].next;
    } else {
        SIM_TRY(evq_cal_reserve(c, 1));
        i = c->fresh++;
    }
    c->node[i].ev = *ev;
    evq_cal_link(c, i);
    if (++c->inb > 2 * (size_t)c->nb && c->nb <= UINT32_MAX / 4) {
        evq_cal_resize(c, c->nb * 2);
    }
    return SIM_OK;
}

/* Move the events of bucket b before end into the heap (end becomes top); the rest stay. */
static sim_err evq_cal_take(evq_cal *c, evq_cal_bucket *b, sim_time end)
{
    sim_err err = SIM_OK;
    sim_time min = SIM_TIME_MAX;
    c->top = end;
    for (uint32_t *at = &b->head; *at != EVQ_CAL_NIL;) {
        evq_cal_node *n = &c->node[*at];
        if (n->ev.time < end && err == SIM_OK) {
            err = evq_heap_push(&c->day, &n->ev);
        }
        if (n->ev.time >= end || err != SIM_OK) {
            min = n->ev.time < min ? n->ev.time : min;
            at = &n->next;
            continue;
        }
        uint32_t i = *at;       /* taken: back to the free list */
        *at = n->next;
        n->ev.time = EVQ_CAL_FREE;
        n->next = c->free;
        c->free = i;
        c->inb--;
    }
    b->min = min;
    if (err == SIM_OK && c->inb < c->nb / 2 && c->nb > EVQ_CAL_MIN_BUCKETS) {
        evq_cal_resize(c, c->nb / 2);
    }
    return err;
}

/* Count empty days scanned; once they cost as much as a resize, re-estimate the width. */
static void evq_cal_waste(evq_cal *c, uint32_t days)
{
    c->scanned += days;
    if (c->scanned > (size_t)c->nb + c->inb) {
        evq_cal_resize(c, c->nb);
    }
}

/* The heap is empty and buckets are not: move the next day with events into it. */
static sim_err evq_cal_advance(evq_cal *c)
{
    uint32_t mask = c->nb - 1;
    for (uint32_t k = 0; k < c->nb; k++) {
        c->cur++;
        sim_time end = evq_cal_day_end(c->cur, c->shift);
        evq_cal_bucket *b = &c->b[(uint64_t)c->cur & mask];
        if (b->min < end) {
            SIM_TRY(evq_cal_take(c, b, end));
            evq_cal_waste(c, k);
            return SIM_OK;
        }
    }
    evq_cal_bucket *best = &c->b[0];   /* a year without events: direct search */
    for (uint32_t i = 1; i < c->nb; i++) {
        if (c->b[i].min < best->min) {
            best = &c->b[i];
        }
    }
    c->cur = best->min >> c->shift;
    SIM_TRY(evq_cal_take(c, best, evq_cal_day_end(c->cur, c->shift)));
    evq_cal_waste(c, 2 * c->nb);
    return SIM_OK;
}

/* An event days before the heap's earliest: put the heap back into buckets, restart there. */
static sim_err evq_cal_rewind(evq_cal *c, const sim_event *ev)
{
    SIM_TRY(evq_cal_reserve(c, c->day.len + 1));   /* nothing below can fail */
    c->cur = (ev->time >> c->shift) - 1;
    c->top = evq_cal_day_end(c->cur, c->shift);    /* the start of ev's day */
    sim_event e;
    while (evq_heap_pop(&c->day, &e)) {
        SIM_TRY(evq_cal_file(c, &e));
    }
    SIM_TRY(evq_cal_file(c, ev));
    return evq_cal_advance(c);
}

sim_err evq_cal_push(evq_cal *c, const sim_event *ev)
{
    SIM_ASSERT(ev->time >= 0 && ev->time < SIM_TIME_MAX);
    if (c->len == 0) {
        c->cur = ev->time >> c->shift;
        c->top = evq_cal_day_end(c->cur, c->shift);
    }
    if (ev->time >= c->top) {
        SIM_TRY(evq_cal_file(c, ev));
    } else if (c->len > 0 && (ev->time >> c->shift) < (c->day.ev[0].time >> c->shift)) {
        SIM_TRY(evq_cal_rewind(c, ev));
    } else {
        SIM_TRY(evq_heap_push(&c->day, ev));
    }
    c->len++;
    return SIM_OK;
}

int evq_cal_pop(evq_cal *c, sim_event *out)
{
    if (c->len == 0) {
        return 0;
    }
    evq_heap_pop(&c->day, out);
    c->len--;
    if (c->day.len == 0 && c->inb > 0 && evq_cal_advance(c) != SIM_OK) {
        return -1;
    }
    return 1;
}

size_t evq_cal_bytes(const evq_cal *c)
{
    return (size_t)c->cap * sizeof(evq_cal_node) + (size_t)c->nb * sizeof(evq_cal_bucket)
           + c->day.cap * sizeof(sim_event);
}
