/*
 * evq.h -- the pending-event queue.
 *
 * Two structures, both ordered by (time, src, seq), a total order because seq
 * is unique per sender:
 *   evq_heap  a d-ary implicit min-heap (d = 2 or 4), O(log n) push and pop;
 *   evq       a monotone radix queue of time buckets over an evq_heap for
 *             the events at the current instant (the default; see evq.c).
 * The radix queue relies on the engine never scheduling into the past:
 * every pushed time is >= the time of the last event popped.
 */
#ifndef MYCOSIM_EVQ_H
#define MYCOSIM_EVQ_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

/* 1 if a is ordered before b. */
static inline int evq_before(const sim_event *a, const sim_event *b)
{
    if (a->time != b->time) {
        return a->time < b->time;
    }
    if (a->src != b->src) {
        return a->src < b->src;
    }
    return a->seq < b->seq;
}

/* --- d-ary heap ------------------------------------------------------------ */

typedef struct evq_heap {
    sim_event *ev;     /* ev[0] is the earliest */
    size_t len;        /* events pending */
    size_t cap;        /* slots allocated */
    unsigned shift;    /* log2 of the arity: 1 binary, 2 four-ary */
} evq_heap;

/* An empty heap of arity 2 or 4. */
sim_err evq_heap_init(evq_heap *h, unsigned arity, size_t cap) SIM_MUST_CHECK;
void evq_heap_destroy(evq_heap *h);
sim_err evq_heap_push(evq_heap *h, const sim_event *ev) SIM_MUST_CHECK;
/* Remove the earliest event into *out; 0 if empty. */
int evq_heap_pop(evq_heap *h, sim_event *out);

/* --- The engine's queue: monotone radix buckets ------------------------------- */

#define EVQ_BUCKETS 65

typedef struct evq_bucket {
    sim_event *ev;     /* unordered events */
    uint32_t len, cap;
    sim_time min;      /* earliest time in the bucket (valid when len > 0) */
} evq_bucket;

/* Below this many expected pending events the heap alone is faster (it fits in cache). */
#define EVQ_SMALL 16384

typedef struct evq {
    int heap_only;                 /* small queue: everything in `now`, ordered by the full key */
    sim_time last;                 /* time of the last redistribution: no push may be earlier */
    uint64_t used;                 /* bit b set: bucket b+1 is not empty */
    evq_heap now;                  /* events at time == last, by (src, seq) */
    evq_bucket b[EVQ_BUCKETS];     /* b[i], i >= 1: times whose top differing bit from last is i-1 */
    size_t len;                    /* events pending in all */
} evq;

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
