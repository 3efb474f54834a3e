/*
 * evq.c -- pending-event queue: a monotone radix queue over a d-ary heap.
 *
 * A discrete-event engine never schedules into the past, so its queue is
 * monotone: every pushed time is >= the last time popped. A radix heap
 * (Ahuja, Mehlhorn, Orlin and Tarjan 1990) exploits that. With `last` the
 * time of the last redistribution, an event of time t != last goes to bucket
 * i = 1 + (index of the highest bit in which t and last differ); every time
 * in bucket i is smaller than every time in bucket i + 1. Pushing is an
 * append (O(1), sequential memory). When the events at `last` are used up,
 * the first non-empty bucket is emptied: its minimum becomes the new `last`
 * and its events move to lower buckets. Each event moves at most 64 times,
 * in practice a handful, always by sequential scans: far fewer cache misses
 * than a heap of millions of events, whose every level is a miss.
 *
 * Events at exactly `last` (ties, e.g. synchronous rounds or PHOLD with
 * constant delays) wait in a d-ary heap ordered by (src, seq), so the total
 * order (time, src, seq) is kept exactly. The heap (evq_heap.c) is also
 * usable alone (arity 2 or 4) for tests and the queue comparison in
 * `make bench`.
 *
 * Memory: buckets are chains of fixed 4 KB blocks (127 events) taken from
 * and returned to one free list, so a bucket holds at most one partly used
 * block and the queue at most (peak pending events) x 32 bytes plus 65
 * blocks. Growing per-bucket arrays, as first written, kept each bucket's
 * own peak: 3.6x more memory at PHOLD 1M, and slower, since recycled blocks
 * are still in cache (doc/performance.md). No allocation per event: a block
 * is malloc'ed only when the free list is empty, i.e. while the queue grows.
 *
 * The calendar queue of evq_cal.c replaces it in the -DEVQ_CALENDAR build.
 *
 * Size-based choice (measured, doc/performance.md): below EVQ_SMALL expected
 * pending events the 4-ary heap alone fits in cache and is faster (10% at
 * 1,000 PHOLD nodes); from about 30,000 on the buckets win (1.4x at 100,000,
 * 1.9x at 1,000,000). A small queue therefore uses the heap alone.
 */
#include "evq.h"

#include <stdlib.h>
#include <string.h>

/* --- Radix buckets --------------------------------------------------------- */

#if defined(EVQ_HEAP_ARITY)
/*
 * Built with -DEVQ_HEAP_ARITY=2 or 4 (only by `make bench`, to compare the
 * queues on the same engine): the engine's queue is that heap alone.
 */
sim_err evq_init(evq *q, size_t cap)
{
    memset(q, 0, sizeof *q);
    return evq_heap_init(&q->now, EVQ_HEAP_ARITY, cap);
}

void evq_destroy(evq *q)
{
    evq_heap_destroy(&q->now);
}

sim_err evq_push(evq *q, const sim_event *ev)
{
    SIM_TRY(evq_heap_push(&q->now, ev));
    q->len++;
    return SIM_OK;
}

int evq_pop(evq *q, sim_event *out)
{
    int got = evq_heap_pop(&q->now, out);
    q->len -= (size_t)got;
    return got;
}

sim_time evq_min_time(const evq *q)
{
    return q->now.len > 0 ? q->now.ev[0].time : SIM_TIME_MAX;
}

size_t evq_bytes(const evq *q)
{
    return q->now.cap * sizeof(sim_event);
}
#elif defined(EVQ_CALENDAR)
/*
 * Built with -DEVQ_CALENDAR (only by `make bench`): the engine's queue is the
 * calendar queue of evq_cal.c.
 */
sim_err evq_init(evq *q, size_t cap)
{
    memset(q, 0, sizeof *q);
    return evq_cal_init(&q->cal, cap);
}

void evq_destroy(evq *q)
{
    evq_cal_destroy(&q->cal);
}

sim_err evq_push(evq *q, const sim_event *ev)
{
    SIM_TRY(evq_cal_push(&q->cal, ev));
    q->len = q->cal.len;
    return SIM_OK;
}

int evq_pop(evq *q, sim_event *out)
{
    int got = evq_cal_pop(&q->cal, out);
    q->len = q->cal.len;
    return got;
}

sim_time evq_min_time(const evq *q)
{
    return evq_cal_min_time(&q->cal);
}

size_t evq_bytes(const evq *q)
{
    return evq_cal_bytes(&q->cal);
}
#else
sim_err evq_init(evq *q, size_t cap)
{
    memset(q, 0, sizeof *q);
    q->heap_only = cap < EVQ_SMALL;
    return evq_heap_init(&q->now, 4, q->heap_only ? cap : cap / 8);
}

static void evq_free_chain(evq_block *k)
{
    while (k != NULL) {
        evq_block *next = k->next;
        free(k);
        k = next;
    }
}

void evq_destroy(evq *q)
{
    evq_heap_destroy(&q->now);
    for (int i = 0; i < EVQ_BUCKETS; i++) {
        evq_free_chain(q->b[i].head);
    }
    evq_free_chain(q->spare);
    memset(q, 0, sizeof *q);
}

static int evq_bucket_of(sim_time last, sim_time t)
{
    return 64 - __builtin_clzll((uint64_t)(t ^ last));
}

/* A block for bucket use: a spare one, or a new one (only while the queue grows). */
static evq_block *evq_block_get(evq *q)
{
    evq_block *k = q->spare;
    if (k != NULL) {
        q->spare = k->next;
    } else if ((k = malloc(sizeof *k)) != NULL) {
        q->nblocks++;
    } else {
        return NULL;
    }
    k->len = 0;
    return k;
}

static sim_err evq_append(evq *q, int i, const sim_event *ev)
{
    evq_bucket *b = &q->b[i];
    evq_block *k = b->head;
    if (k == NULL || k->len == EVQ_BLOCK_EVENTS) {
        evq_block *fresh = evq_block_get(q);
        if (fresh == NULL) {
            return SIM_ENOMEM;
        }
        fresh->next = k;
        b->head = k = fresh;
    }
    if (k->len == 0 && k->next == NULL) {
        b->min = ev->time;               /* the bucket was empty */
    } else if (ev->time < b->min) {
        b->min = ev->time;
    }
    k->ev[k->len++] = *ev;
    q->used |= (uint64_t)1 << (i - 1);
    return SIM_OK;
}

/* Place an event relative to q->last: the heap if at last, else its bucket. */
static sim_err evq_place(evq *q, const sim_event *ev)
{
    if (ev->time == q->last) {
        if (q->near != NULL) {
            q->near(q->near_ctx, ev, 1);
        }
        return evq_heap_push(&q->now, ev);
    }
    int i = evq_bucket_of(q->last, ev->time);
    if (i <= q->near_bucket && q->near != NULL) {
        q->near(q->near_ctx, ev, i <= q->near_bucket - 3);
    }
    return evq_append(q, i, ev);
}

/*
 * Every EVQ_ADAPT pops, set the near bound to the bucket holding times up to
 * the span that EVQ_NEAR_EVENTS events took to pass: times in bucket i
 * differ from `last` below bit i, so they are at most 2^i - 1 ns ahead.
 */
#define EVQ_ADAPT 4096
static void evq_adapt_near(evq *q)
{
    if (++q->pops < EVQ_ADAPT) {
        return;
    }
    uint64_t window = (uint64_t)(q->last - q->pops_from) / (EVQ_ADAPT / EVQ_NEAR_EVENTS);
    q->near_bucket = window > 0 ? 64 - __builtin_clzll(window) : 0;
    q->pops = 0;
    q->pops_from = q->last;
}

sim_err evq_push(evq *q, const sim_event *ev)
{
    SIM_ASSERT(ev->time >= q->last);
    if (q->heap_only) {
        SIM_TRY(evq_heap_push(&q->now, ev));
        q->len++;
        return SIM_OK;
    }
    SIM_TRY(evq_place(q, ev));
    q->len++;
    return SIM_OK;
}

/* Empty the first non-empty bucket into lower ones around its minimum. */
static sim_err evq_redistribute(evq *q)
{
    int i = __builtin_ctzll(q->used) + 1;
    evq_bucket *b = &q->b[i];
    q->last = b->min;
    q->used &= ~((uint64_t)1 << (i - 1));
    evq_block *k = b->head;
    b->head = NULL;                      /* every event goes to a lower bucket or the heap */
    sim_err err = SIM_OK;
    while (k != NULL) {
        for (uint32_t j = 0; j < k->len && err == SIM_OK; j++) {
            err = evq_place(q, &k->ev[j]);
        }
        evq_block *next = k->next;       /* recycled even after a failure: nothing leaks */
        k->next = q->spare;
        q->spare = k;
        k = next;
    }
    return err;
}

int evq_pop(evq *q, sim_event *out)
{
    if (q->len == 0) {
        return 0;
    }
    if (!q->heap_only) {
        if (q->now.len == 0 && evq_redistribute(q) != SIM_OK) {
            return -1;
        }
        evq_adapt_near(q);   /* only the bucket path files events as near */
    }
    evq_heap_pop(&q->now, out);
    q->len--;
    return 1;
}

sim_time evq_min_time(const evq *q)
{
    if (q->heap_only) {
        return q->now.len > 0 ? q->now.ev[0].time : SIM_TIME_MAX;
    }
    if (q->now.len > 0) {
        return q->last;
    }
    if (q->used == 0) {
        return SIM_TIME_MAX;
    }
    return q->b[__builtin_ctzll(q->used) + 1].min;
}

size_t evq_bytes(const evq *q)
{
    return q->now.cap * sizeof(sim_event) + q->nblocks * sizeof(evq_block);
}
#endif

void evq_set_near(evq *q, evq_near_fn fn, void *ctx)
{
    q->near = fn;
    q->near_ctx = ctx;
}
