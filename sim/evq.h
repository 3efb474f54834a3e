/*
 * evq.h -- the pending-event queue: a 4-ary implicit min-heap of sim_event.
 *
 * Order is (time, src, seq), a total order because seq is unique per sender.
 * push and pop are O(log4 n); the array doubles when full (amortised O(1),
 * no allocation per event once the queue has reached its working size).
 */
#ifndef MYCOSIM_EVQ_H
#define MYCOSIM_EVQ_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

typedef struct evq {
    sim_event *heap;   /* heap[0] is the earliest event */
    size_t len;        /* events pending */
    size_t cap;        /* slots allocated */
} evq;

/* An empty queue with room for cap events (0 is fine). */
sim_err evq_init(evq *q, size_t cap) SIM_MUST_CHECK;
void evq_destroy(evq *q);

/* Add an event; SIM_ENOMEM only when growing fails. */
sim_err evq_push(evq *q, const sim_event *ev) SIM_MUST_CHECK;

/* Remove the earliest event into *out; 0 if the queue is empty. */
int evq_pop(evq *q, sim_event *out);

/* The earliest event, or NULL. */
static inline const sim_event *evq_peek(const evq *q)
{
    return q->len > 0 ? &q->heap[0] : NULL;
}

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

#endif
