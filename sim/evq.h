/*
 * evq.h -- the pending-event queue.
 *
 * Three structures, all ordered by (time, src, seq), a total order because
 * seq is unique per sender:
 *   evq_heap  a d-ary implicit min-heap (d = 2 or 4), O(log n) push and pop
 *             (evq_heap.h, evq_heap.c);
 *   evq_cal   a calendar queue (Brown 1988) whose current day is an
 *             evq_heap, O(1) expected push and pop (see evq_cal.c);
 *   evq       a monotone radix queue of time buckets over an evq_heap for
 *             the events at the current instant (the default; see evq.c).
 * The radix queue relies on the engine never scheduling into the past:
 * every pushed time is >= the time of the last event popped.
 * `make bench` builds the engine with each of them (-DEVQ_HEAP_ARITY=2|4,
 * -DEVQ_CALENDAR) to compare them on the same event mixes.
 */
#ifndef MYCOSIM_EVQ_H
#define MYCOSIM_EVQ_H

#include <stddef.h>
#include <stdint.h>

#include "evq_heap.h"
#include "sim.h"

/* --- Calendar queue ---------------------------------------------------------- */

struct evq_cal_node;     /* a pooled event and the link to the next one (evq_cal.c) */
struct evq_cal_bucket;   /* one day of every year: a list of events and their earliest time */

typedef struct evq_cal {
    evq_heap day;               /* events before `top`, by the full key; not empty while len > 0 */
    sim_time top;               /* events before it are in `day`, the others in buckets */
    int64_t cur;                /* last day moved into `day`: top >= (cur + 1) << shift */
    unsigned shift;             /* log2 of the bucket (day) width in ns */
    uint32_t nb;                /* buckets, a power of two: a year is nb days */
    struct evq_cal_bucket *b;   /* the nb buckets */
    struct evq_cal_node *node;  /* the event pool (no allocation per event) */
    uint32_t cap;               /* pool slots allocated */
    uint32_t fresh;             /* slots [0, fresh) hold events or are free; the rest unused */
    uint32_t free;              /* first slot of the free list, or none */
    size_t inb;                 /* events in buckets */
    size_t scanned;             /* empty days scanned since the last resize */
    size_t len;                 /* events pending in all */
} evq_cal;

/* An empty calendar; cap is a hint of how many events will be pending. */
sim_err evq_cal_init(evq_cal *c, size_t cap) SIM_MUST_CHECK;
void evq_cal_destroy(evq_cal *c);
/* Add an event, 0 <= ev->time < SIM_TIME_MAX; SIM_ENOMEM only when growing fails. */
sim_err evq_cal_push(evq_cal *c, const sim_event *ev) SIM_MUST_CHECK;
/* Remove the earliest event into *out: 1; 0 if empty; -1 if moving the next day failed (out of memory: fatal). */
int evq_cal_pop(evq_cal *c, sim_event *out);
/* Bytes allocated by the calendar. */
size_t evq_cal_bytes(const evq_cal *c);

/* Time of the earliest event, or SIM_TIME_MAX if empty. O(1). */
static inline sim_time evq_cal_min_time(const evq_cal *c)
{
    return c->len > 0 ? c->day.ev[0].time : SIM_TIME_MAX;
}

/* --- The engine's queue: monotone radix buckets ------------------------------- */

typedef void (*evq_near_fn)(void *ctx, const sim_event *ev, int close);

#define EVQ_BUCKETS 65

/* Bucket storage: fixed blocks of events, chained, recycled through a free list. */
#define EVQ_BLOCK_EVENTS 127   /* 127 x 32 + 16 header bytes: 4,080 bytes */

typedef struct evq_block {
    struct evq_block *next;    /* the next block of the same bucket, or of the free list */
    uint32_t len;              /* events used */
    uint32_t pad_;
    sim_event ev[EVQ_BLOCK_EVENTS];
} evq_block;

typedef struct evq_bucket {
    evq_block *head;   /* the block being filled first, then full ones; NULL if empty */
    sim_time min;      /* earliest time in the bucket (valid when not empty) */
} evq_bucket;

/* Below this many expected pending events the heap alone is faster (it fits in cache). */
#define EVQ_SMALL 16384

typedef struct evq {
    int heap_only;                 /* small queue: everything in `now`, ordered by the full key */
    sim_time last;                 /* time of the last redistribution: no push may be earlier */
    uint64_t used;                 /* bit b set: bucket b+1 is not empty */
    evq_heap now;                  /* events at time == last, by (src, seq) */
    evq_bucket b[EVQ_BUCKETS];     /* b[i], i >= 1: times whose top differing bit from last is i-1 */
    evq_block *spare;              /* free blocks, kept for reuse (freed by evq_destroy) */
    size_t nblocks;                /* blocks allocated */
    size_t len;                    /* events pending in all */
    evq_cal cal;                   /* the queue instead, when built with -DEVQ_CALENDAR */
    evq_near_fn near;              /* prefetch hook, or NULL (evq_set_near) */
    void *near_ctx;
    int near_bucket;               /* events filed at or below it are "near" */
    uint32_t pops;                 /* pops since near_bucket was last adapted */
    sim_time pops_from;            /* `last` at that moment */
} evq;

/*
 * The radix queue calls the hook for each event it files into a bucket due
 * within about EVQ_NEAR_EVENTS events (the bound adapts to the measured
 * event density), with close = 1 if it is due within about an eighth of
 * that, so the engine can prefetch what handling the event will touch in two
 * stages (first what the event names, then what those records point to):
 * cache misses then overlap instead of stalling one after another. An event
 * may be reported more than once as it moves nearer. The hook must not
 * touch the queue. Other builds never call it.
 */
#define EVQ_NEAR_EVENTS 64
void evq_set_near(evq *q, evq_near_fn fn, void *ctx);

/* An empty queue; cap is a hint of how many events will be pending (< EVQ_SMALL: heap only). */
sim_err evq_init(evq *q, size_t cap) SIM_MUST_CHECK;
void evq_destroy(evq *q);

/* Add an event with ev->time >= the last popped time; SIM_ENOMEM only when growing fails. */
sim_err evq_push(evq *q, const sim_event *ev) SIM_MUST_CHECK;

/* Remove the earliest event into *out; 0 if the queue is empty. */
int evq_pop(evq *q, sim_event *out);

/* Time of the earliest event, or SIM_TIME_MAX if empty. O(1); moves nothing. */
sim_time evq_min_time(const evq *q);

/* Bytes allocated by the queue (for memory accounting). */
size_t evq_bytes(const evq *q);

#endif
