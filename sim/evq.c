/*
 * evq.c -- pending-event queue: 4-ary implicit min-heap keyed by (time, src, seq).
 *
 * A 4-ary heap halves the depth of a binary heap and keeps the four children
 * of a slot in two 64-byte cache lines (events are 32 bytes), so a sift-down
 * touches fewer lines than a binary heap's. Sift-up and sift-down move a hole
 * instead of swapping, one copy per level.
 */
#include "evq.h"

#include <stdlib.h>
#include <string.h>

#define EVQ_ARITY 4

sim_err evq_init(evq *q, size_t cap)
{
    q->len = 0;
    q->cap = cap < 16 ? 16 : cap;
    q->heap = malloc(q->cap * sizeof *q->heap);
    if (q->heap == NULL) {
        q->cap = 0;
        return SIM_ENOMEM;
    }
    return SIM_OK;
}

void evq_destroy(evq *q)
{
    free(q->heap);
    q->heap = NULL;
    q->len = q->cap = 0;
}

static sim_err evq_grow(evq *q)
{
    size_t cap = q->cap ? q->cap * 2 : 16;
    sim_event *h = realloc(q->heap, cap * sizeof *h);
    if (h == NULL) {
        return SIM_ENOMEM;
    }
    q->heap = h;
    q->cap = cap;
    return SIM_OK;
}

sim_err evq_push(evq *q, const sim_event *ev)
{
    if (q->len == q->cap) {
        SIM_TRY(evq_grow(q));
    }
    size_t i = q->len++;
    sim_event *h = q->heap;
    while (i > 0) {
        size_t parent = (i - 1) / EVQ_ARITY;
        if (!evq_before(ev, &h[parent])) {
            break;
        }
        h[i] = h[parent];
        i = parent;
    }
    h[i] = *ev;
    return SIM_OK;
}

int evq_pop(evq *q, sim_event *out)
{
    if (q->len == 0) {
        return 0;
    }
    sim_event *h = q->heap;
    *out = h[0];
    sim_event last = h[--q->len];
    size_t n = q->len, i = 0;
    for (;;) {
        size_t first = i * EVQ_ARITY + 1;
        if (first >= n) {
            break;
        }
        size_t end = first + EVQ_ARITY < n ? first + EVQ_ARITY : n;
        size_t best = first;
        for (size_t c = first + 1; c < end; c++) {
            if (evq_before(&h[c], &h[best])) {
                best = c;
            }
        }
        if (!evq_before(&h[best], &last)) {
            break;
        }
        h[i] = h[best];
        i = best;
    }
    if (n > 0) {
        h[i] = last;
    }
    return 1;
}
