/*
 * evq_heap.h -- a d-ary implicit min-heap of events, ordered by (time, src, seq).
 *
 * The order is total because seq is unique per sender, and it does not
 * depend on how nodes are spread over processes. The heap is the bottom of
 * the event queues (evq.h): the radix queue keeps the events of the current
 * instant in one, the calendar queue its current day, and `make bench`
 * builds the engine with a heap alone (-DEVQ_HEAP_ARITY=2|4).
 */
#ifndef MYCOSIM_EVQ_HEAP_H
#define MYCOSIM_EVQ_HEAP_H

#include <stddef.h>

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

typedef struct evq_heap {
    sim_event *ev;     /* ev[0] is the earliest */
    size_t len;        /* events pending */
    size_t cap;        /* slots allocated */
    unsigned shift;    /* log2 of the arity: 1 binary, 2 four-ary */
} evq_heap;

/* An empty heap of arity 2 or 4 (any other arity gives 4) with room for cap events; SIM_ENOMEM. */
sim_err evq_heap_init(evq_heap *h, unsigned arity, size_t cap) SIM_MUST_CHECK;
/* Free the events' storage; the heap is empty and unusable until evq_heap_init. */
void evq_heap_destroy(evq_heap *h);
/* Add a copy of ev; O(log n); SIM_ENOMEM only when growing fails (the heap is unchanged then). */
sim_err evq_heap_push(evq_heap *h, const sim_event *ev) SIM_MUST_CHECK;
/* Remove the earliest event into *out; 0 if empty. O(d log n / log d). */
int evq_heap_pop(evq_heap *h, sim_event *out);

#endif
