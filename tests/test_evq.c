/*
 * test_evq.c -- every event queue (the radix buckets over a heap, the binary
 * and 4-ary heaps alone, the calendar queue) passes the same ordering and
 * tie-break tests: pops in (time, src, seq) order whatever the order of
 * insertion, with many equal times, times far apart (1 ns and 1e15 ns in one
 * queue) and interleaved pushes and pops; the calendar also resizes both ways.
 */
#include <stdlib.h>
#include <string.h>

#include "evq.h"
#include "rng.h"
#include "test_util.h"

/* --- One interface over the four queues ------------------------------------- */

enum { TEST_EVQ_RADIX, TEST_EVQ_SMALL, TEST_EVQ_HEAP2, TEST_EVQ_HEAP4, TEST_EVQ_CAL, TEST_EVQ_KINDS };

static const char *const test_evq_names[TEST_EVQ_KINDS] = {
    "radix buckets", "engine queue, small", "binary heap", "4-ary heap", "calendar"
};

typedef struct test_evq_q {
    int kind;          /* TEST_EVQ_* */
    evq radix;         /* TEST_EVQ_RADIX, TEST_EVQ_SMALL: the engine's queue, bucket path or heap alone */
    evq_heap heap;     /* TEST_EVQ_HEAP2, TEST_EVQ_HEAP4 */
    evq_cal cal;       /* TEST_EVQ_CAL */
} test_evq_q;

static void test_evq_init(test_evq_q *q, int kind)
{
    q->kind = kind;
    sim_err err = kind == TEST_EVQ_RADIX ? evq_init(&q->radix, EVQ_SMALL)
                : kind == TEST_EVQ_SMALL ? evq_init(&q->radix, 0)
                : kind == TEST_EVQ_CAL ? evq_cal_init(&q->cal, 0)
                : evq_heap_init(&q->heap, kind == TEST_EVQ_HEAP2 ? 2 : 4, 0);
    CU_ASSERT_EQUAL_FATAL(err, SIM_OK);
}

static int test_evq_is_engine(const test_evq_q *q)
{
    return q->kind == TEST_EVQ_RADIX || q->kind == TEST_EVQ_SMALL;
}

static void test_evq_destroy(test_evq_q *q)
{
    if (test_evq_is_engine(q)) {
        evq_destroy(&q->radix);
    } else if (q->kind == TEST_EVQ_CAL) {
        evq_cal_destroy(&q->cal);
    } else {
        evq_heap_destroy(&q->heap);
    }
}

/* 1 if pushed. */
static int test_evq_push(test_evq_q *q, const sim_event *ev)
{
    sim_err err = test_evq_is_engine(q) ? evq_push(&q->radix, ev)
                : q->kind == TEST_EVQ_CAL ? evq_cal_push(&q->cal, ev)
                : evq_heap_push(&q->heap, ev);
    return err == SIM_OK;
}

static int test_evq_pop(test_evq_q *q, sim_event *out)
{
    return test_evq_is_engine(q) ? evq_pop(&q->radix, out)
         : q->kind == TEST_EVQ_CAL ? evq_cal_pop(&q->cal, out)
         : evq_heap_pop(&q->heap, out);
}

static size_t test_evq_len(const test_evq_q *q)
{
    return test_evq_is_engine(q) ? q->radix.len : q->kind == TEST_EVQ_CAL ? q->cal.len : q->heap.len;
}

static sim_time test_evq_min_time(const test_evq_q *q)
{
    if (test_evq_is_engine(q)) {
        return evq_min_time(&q->radix);
    }
    if (q->kind == TEST_EVQ_CAL) {
        return evq_cal_min_time(&q->cal);
    }
    return q->heap.len > 0 ? q->heap.ev[0].time : SIM_TIME_MAX;
}

static int test_evq_cmp(const void *pa, const void *pb)
{
    const sim_event *a = pa, *b = pb;
    return evq_before(a, b) ? -1 : evq_before(b, a) ? 1 : 0;
}

/* Push ref[0 .. n) into each queue in that order; the pops must equal a sort. */
static void test_evq_pops_equal_sort(const sim_event *ref, uint32_t n)
{
    sim_event *want = malloc(n * sizeof *want);
    memcpy(want, ref, n * sizeof *want);
    qsort(want, n, sizeof *want, test_evq_cmp);
    for (int kind = 0; kind < TEST_EVQ_KINDS; kind++) {
        test_evq_q q;
        test_evq_init(&q, kind);
        int failed = 0;
        for (uint32_t i = 0; i < n; i++) {
            failed += !test_evq_push(&q, &ref[i]);
        }
        int mismatches = 0;
        for (uint32_t i = 0; i < n; i++) {
            sim_event ev = { 0 };
            failed += test_evq_pop(&q, &ev) != 1;
            mismatches += ev.dst != want[i].dst || ev.time != want[i].time;
        }
        CHECK_MSG(failed == 0 && mismatches == 0 && test_evq_len(&q) == 0,
                  "%s: %d events out of order, %d failed calls", test_evq_names[kind], mismatches, failed);
        CU_ASSERT_EQUAL(test_evq_pop(&q, &(sim_event){ 0 }), 0);
        test_evq_destroy(&q);
    }
    free(want);
}

/* --- The tests ---------------------------------------------------------------- */

static void test_evq_equal_times_pop_in_key_order(void)
{
    sim_event ref[10];
    for (int i = 9; i >= 0; i--) {   /* same time, keys pushed in reverse */
        ref[9 - i] = (sim_event){ .time = 2385, .src = (uint32_t)(i % 3), .seq = (uint32_t)i, .dst = (uint32_t)i };
    }
    test_evq_pops_equal_sort(ref, 10);
}

/* 100,000 random events with few distinct times: pop order equals a sort. */
static void test_evq_random_pushes_pop_sorted(void)
{
    enum { N = 100000 };
    sim_event *ref = malloc(N * sizeof *ref);
    uint64_t key = rng_key(2385, 1);
    for (uint32_t i = 0; i < N; i++) {
        uint64_t r = rng_at(key, i);
        ref[i] = (sim_event){ .time = (sim_time)(r % 97), .src = (uint32_t)(r >> 40) % 50, .seq = i, .dst = i };
    }
    test_evq_pops_equal_sort(ref, N);
    free(ref);
}

/* 100,000 events from 1 ns to 1e15 ns, a fifth at one instant and a fifth at another. */
static void test_evq_spread_times_and_ties_pop_sorted(void)
{
    enum { N = 100000 };
    sim_event *ref = malloc(N * sizeof *ref);
    uint64_t key = rng_key(2385, 4);
    for (uint32_t i = 0; i < N; i++) {
        uint64_t r = rng_at(key, i);
        sim_time t[5] = { 1, 1000000000000000LL, 1 + (sim_time)(r >> 20) % 1000000,
                          (sim_time)(r >> 14) % 1000000000000000LL, 1000000000000000LL + (sim_time)(r >> 30) };
        ref[i] = (sim_event){ .time = t[r % 5], .src = (uint32_t)(r >> 8) % 1000, .seq = i, .dst = i };
    }
    test_evq_pops_equal_sort(ref, N);
    free(ref);
}

/*
 * The hold model: pop one, push one later (or at the same time with a later
 * key), from 1 ns steps to 1e15 ns jumps. Every push follows the last pop
 * in key order, so the pops must be strictly increasing. Returns the events
 * popped; *bad counts order violations.
 */
static uint32_t test_evq_hold(test_evq_q *q, uint64_t key, uint32_t seq, int holds, int *bad)
{
    sim_event prev = { .time = -1 };
    for (int i = 0; i < holds; i++) {
        sim_event ev;
        if (test_evq_pop(q, &ev) != 1) {
            (*bad)++;
            break;
        }
        *bad += !evq_before(&prev, &ev);
        prev = ev;
        uint64_t r = rng_at(key, seq);
        sim_time steps[4] = { 0, 1, 1 + (sim_time)(r >> 20) % 1000, 1000000000000000LL };
        sim_time step = steps[(r & 63) == 0 ? 3 : r % 3];
        sim_event nx = { .time = ev.time + step, .src = ev.src + (uint32_t)(r >> 50) % 3, .seq = seq++ };
        *bad += !test_evq_push(q, &nx);
    }
    return seq;
}

/* Interleaved pushes and pops (the hold model) keep the order in every queue. */
static void test_evq_interleaved_hold_model_keeps_order(void)
{
    for (int kind = 0; kind < TEST_EVQ_KINDS; kind++) {
        test_evq_q q;
        test_evq_init(&q, kind);
        uint64_t key = rng_key(7, 2);
        uint32_t seq = 0;
        for (int i = 0; i < 1000; i++) {
            sim_event ev = { .time = (sim_time)(rng_at(key, seq) % 1000), .src = 0, .seq = seq };
            seq++;
            CU_ASSERT_EQUAL(test_evq_push(&q, &ev), 1);
        }
        int bad = 0;
        test_evq_hold(&q, key, seq, 50000, &bad);
        CHECK_MSG(bad == 0, "%s: %d pops out of order", test_evq_names[kind], bad);
        CU_ASSERT_EQUAL(test_evq_len(&q), 1000);
        test_evq_destroy(&q);
    }
}

/* The calendar doubles its buckets as it fills and halves them as it drains, keeping the order. */
static void test_evq_calendar_resizes_up_and_down(void)
{
    test_evq_q q;
    test_evq_init(&q, TEST_EVQ_CAL);
    uint64_t key = rng_key(11, 3);
    uint32_t seq = 0;
    for (; seq < 200000; seq++) {   /* exponential-ish gaps, mean 1 ms, plus ties */
        uint64_t r = rng_at(key, seq);
        sim_event ev = { .time = (r & 7) == 0 ? 5000 : (sim_time)(r % 2000000), .src = 1, .seq = seq };
        CU_ASSERT_EQUAL(test_evq_push(&q, &ev), 1);
    }
    uint32_t grown = q.cal.nb;
    CHECK_MSG(grown >= 65536 && grown <= 200000, "%u buckets for 200,000 events", grown);
    int bad = 0;
    seq = test_evq_hold(&q, key, seq, 100000, &bad);
    sim_event prev = { .time = -1 }, ev;
    uint32_t left = 0;
    while (test_evq_pop(&q, &ev) == 1) {
        bad += !evq_before(&prev, &ev);
        prev = ev;
        left++;
    }
    CHECK_MSG(bad == 0 && left == 200000, "%d pops out of order, %u drained", bad, left);
    CHECK_MSG(q.cal.nb <= 64, "%u buckets left after draining", q.cal.nb);
    test_evq_destroy(&q);
}

/* The min time of every queue sees the earliest event without moving anything. */
static void test_evq_min_time_tracks_the_earliest_event(void)
{
    for (int kind = 0; kind < TEST_EVQ_KINDS; kind++) {
        test_evq_q q;
        test_evq_init(&q, kind);
        CU_ASSERT_EQUAL(test_evq_min_time(&q), SIM_TIME_MAX);
        sim_time times[] = { 1000000007, 5, 4096, 4095, 77, 1LL << 40 };
        for (uint32_t i = 0; i < 6; i++) {
            sim_event ev = { .time = times[i], .src = 1, .seq = i };
            CU_ASSERT_EQUAL(test_evq_push(&q, &ev), 1);
        }
        sim_time want[] = { 5, 77, 4095, 4096, 1000000007, 1LL << 40 };
        for (int i = 0; i < 6; i++) {
            CU_ASSERT_EQUAL(test_evq_min_time(&q), want[i]);
            sim_event ev;
            CU_ASSERT_EQUAL(test_evq_pop(&q, &ev), 1);
            CU_ASSERT_EQUAL(ev.time, want[i]);
            if (i == 2) {   /* a push at the current time goes before later ones */
                sim_event now = { .time = 4095, .src = 0, .seq = 99 };
                CU_ASSERT_EQUAL(test_evq_push(&q, &now), 1);
                CU_ASSERT_EQUAL(test_evq_min_time(&q), 4095);
                CU_ASSERT_EQUAL(test_evq_pop(&q, &ev), 1);
                CU_ASSERT_EQUAL(ev.seq, 99);
            }
        }
        CU_ASSERT_EQUAL(test_evq_pop(&q, &(sim_event){ 0 }), 0);
        CU_ASSERT_EQUAL(test_evq_min_time(&q), SIM_TIME_MAX);
        test_evq_destroy(&q);
    }
}

#if !defined(EVQ_CALENDAR) && !defined(EVQ_HEAP_ARITY)
/* What the near hook saw, per event (indexed by seq). */
typedef struct test_evq_seen {
    uint8_t *far;      /* reported while still some way off */
    uint8_t *close;    /* reported close */
} test_evq_seen;

static void test_evq_near(void *ctx, const sim_event *ev, int close)
{
    test_evq_seen *s = ctx;
    (close ? s->close : s->far)[ev->seq] = 1;
}

/*
 * The radix queue's prefetch hook: every event is reported close before it
 * pops, most are first reported while still some way off (which is the
 * point: lead time for the prefetch), and the pop order is the same as
 * without the hook. A hold model of 20,000 pending events, 300,000 pops.
 */
static void test_evq_near_hook_reports_events_before_they_pop(void)
{
    enum { PENDING = 20000, POPS = 300000, TOTAL = PENDING + POPS };
    test_evq_seen seen = { calloc(TOTAL, 1), calloc(TOTAL, 1) };
    uint64_t *order[2] = { malloc(POPS * sizeof(uint64_t)), malloc(POPS * sizeof(uint64_t)) };
    CU_ASSERT_FATAL(seen.far != NULL && seen.close != NULL && order[0] != NULL && order[1] != NULL);
    uint32_t unreported = 0, far = 0;
    for (int hooked = 0; hooked < 2; hooked++) {
        evq q;
        CU_ASSERT_EQUAL_FATAL(evq_init(&q, PENDING), SIM_OK);
        if (hooked) {
            evq_set_near(&q, test_evq_near, &seen);
        }
        uint32_t seq = 0;
        for (; seq < PENDING; seq++) {
            sim_event ev = { .time = (sim_time)(rng_at(5, seq) % 1000000), .src = seq % 97, .seq = seq };
            CU_ASSERT_EQUAL(evq_push(&q, &ev), SIM_OK);
        }
        for (uint32_t i = 0; i < POPS; i++) {
            sim_event ev;
            CU_ASSERT_EQUAL_FATAL(evq_pop(&q, &ev), 1);
            order[hooked][i] = ev.seq;
            if (hooked) {
                unreported += !seen.close[ev.seq];
                far += seen.far[ev.seq];
            }
            sim_event nx = { .time = ev.time + 1 + (sim_time)(rng_at(6, seq) % 2000000),
                             .src = seq % 97, .seq = seq };
            seq++;
            CU_ASSERT_EQUAL(evq_push(&q, &nx), SIM_OK);
        }
        evq_destroy(&q);
    }
    printf("[%u of %u popped events reported early] ", far, (unsigned)POPS);
    CU_ASSERT_EQUAL(unreported, 0);
    CU_ASSERT(far > POPS / 2);
    CU_ASSERT(memcmp(order[0], order[1], POPS * sizeof(uint64_t)) == 0);
    free(seen.far);
    free(seen.close);
    free(order[0]);
    free(order[1]);
}
/*
 * Radix bucket blocks are recycled: a hold model with 20,000 pending events
 * never holds more than one partly used block per bucket beyond the full
 * ones, and draining and refilling the queue allocates nothing new.
 */
static void test_evq_bucket_blocks_are_recycled(void)
{
    enum { PENDING = 20000 };
    evq q;
    CU_ASSERT_EQUAL_FATAL(evq_init(&q, PENDING), SIM_OK);
    uint32_t seq = 0;
    for (; seq < PENDING; seq++) {
        sim_event ev = { .time = (sim_time)(rng_at(7, seq) % 1000000), .src = 1, .seq = seq };
        CU_ASSERT_EQUAL(evq_push(&q, &ev), SIM_OK);
    }
    size_t bound = PENDING / EVQ_BLOCK_EVENTS + EVQ_BUCKETS;
    size_t most = 0;
    for (uint32_t i = 0; i < 200000; i++) {
        sim_event ev;
        CU_ASSERT_EQUAL_FATAL(evq_pop(&q, &ev), 1);
        sim_event nx = { .time = ev.time + 1 + (sim_time)(rng_at(8, seq) % 3000000), .src = 1,
                         .seq = seq++ };
        CU_ASSERT_EQUAL(evq_push(&q, &nx), SIM_OK);
        most = q.nblocks > most ? q.nblocks : most;
    }
    CHECK_MSG(most <= bound, "%zu blocks for %d pending events (bound %zu)", most, PENDING, bound);
    sim_event ev;
    while (evq_pop(&q, &ev) == 1) {
    }
    size_t drained = q.nblocks;
    for (uint32_t i = 0; i < PENDING; i++, seq++) {
        sim_event e2 = { .time = ev.time + 1 + (sim_time)(rng_at(9, seq) % 1000000), .src = 1, .seq = seq };
        CU_ASSERT_EQUAL(evq_push(&q, &e2), SIM_OK);
    }
    CU_ASSERT_EQUAL(q.nblocks, drained);
    evq_destroy(&q);
}
#endif

static CU_TestInfo evq_tests[] = {
    { "min time tracks the earliest event", test_evq_min_time_tracks_the_earliest_event },
    { "equal times pop in key order", test_evq_equal_times_pop_in_key_order },
    { "random pushes pop sorted", test_evq_random_pushes_pop_sorted },
    { "spread times and ties pop sorted", test_evq_spread_times_and_ties_pop_sorted },
    { "interleaved hold model keeps order", test_evq_interleaved_hold_model_keeps_order },
    { "calendar resizes up and down", test_evq_calendar_resizes_up_and_down },
#if !defined(EVQ_CALENDAR) && !defined(EVQ_HEAP_ARITY)
    { "near hook reports events before they pop", test_evq_near_hook_reports_events_before_they_pop },
    { "bucket blocks are recycled", test_evq_bucket_blocks_are_recycled },
#endif
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_evq = { .pName = "evq", .pTests = evq_tests };
