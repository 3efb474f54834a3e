/*
 * evq_heap.c -- a d-ary implicit min-heap of events (d = 2 or 4).
 *
 * The heap is an array: the children of slot i are slots d*i + 1 .. d*i + d,
 * so a push sifts up through log_d(n) parents and a pop sifts the last
 * event down, choosing the earliest of d children at each level. A 4-ary
 * heap does twice the comparisons of a binary one per level but has half
 * the levels, and the four children (128 bytes) span two cache lines: it is
 * the faster of the two on every workload of the queue comparison in
 * doc/performance.md.
 * Storage doubles when full and is never shrunk; events are copied in and
 * out (32 bytes each), so no pointer into the heap survives a push or pop.
 *
 * It is the bottom layer of the event queues: evq.c (the radix queue's
 * events at the current instant, or the whole queue in the heap-only and
 * -DEVQ_HEAP_ARITY builds) and evq_cal.c (the calendar's current day) call
 * it; it calls nothing of the core.
 */
#include "evq_heap.h"

#include <stdlib.h>

sim_err evq_heap_init(evq_heap *h, unsigned arity, size_t cap)
{
    h->shift = arity == 2 ? 1 : 2;
    h->len = 0;
    h->cap = cap < 16 ? 16 : cap;
    h->ev = malloc(h->cap * sizeof *h->ev);
    if (h->ev == NULL) {
        h->cap = 0;
        return SIM_ENOMEM;
    }
    return SIM_OK;
}

void evq_heap_destroy(evq_heap *h)
{
    free(h->ev);
    h->ev = NULL;
    h->len = h->cap = 0;
}

sim_err evq_heap_push(evq_heap *h, const sim_event *ev)
{
    if (h->len == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        sim_event *grown = realloc(h->ev, cap * sizeof *grown);
        if (grown == NULL) {
            return SIM_ENOMEM;
        }
        h->ev = grown;
        h->cap = cap;
    }
    size_t i = h->len++;
    while (i > 0) {
        size_t parent = (i - 1) >> h->shift;
        if (!evq_before(ev, &h->ev[parent])) {
            break;
        }
        h->ev[i] = h->ev[parent];
        i = parent;
    }
    h->ev[i] = *ev;
    return SIM_OK;
}

int evq_heap_pop(evq_heap *h, sim_event *out)
{
    if (h->len == 0) {
        return 0;
    }
    sim_event *e = h->ev;
    *out = e[0];
    sim_event last = e[--h->len];
    size_t n = h->len, i = 0, arity = (size_t)1 << h->shift;
    for (;;) {
        size_t first = (i << h->shift) + 1;
        if (first >= n) {
            break;
        }
        size_t end = first + arity < n ? first + arity : n;
        size_t best = first;
        for (size_t c = first + 1; c < end; c++) {
            if (evq_before(&e[c], &e[best])) {
                best = c;
            }
        }
        if (!evq_before(&e[best], &last)) {
            break;
        }
        e[i] = e[best];
        i = best;
    }
    if (n > 0) {
        e[i] = last;
    }
    return 1;
}

