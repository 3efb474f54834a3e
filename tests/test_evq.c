/*
 * test_evq.c -- the event queues (radix buckets over a heap; the binary and
 * 4-ary heaps alone) pop in (time, src, seq) order, whatever the order of
 * insertion, including many equal times and times far apart.
 */
#include <stdlib.h>

#include "evq.h"
#include "rng.h"
#include "test_util.h"

static void test_evq_equal_times_pop_in_key_order(void)
{
    evq q;
    CU_ASSERT_EQUAL_FATAL(evq_init(&q, EVQ_SMALL), SIM_OK);
    /* Same time, keys pushed in reverse. */
    for (int i = 9; i >= 0; i--) {
        sim_event ev = { .time = 2385, .src = (uint32_t)(i % 3), .seq = (uint32_t)i, .dst = 1 };
        CU_ASSERT_EQUAL(evq_push(&q, &ev), SIM_OK);
    }
    sim_event prev, ev;
    CU_ASSERT_TRUE(evq_pop(&q, &prev));
    CU_ASSERT_EQUAL(prev.src, 0);
    CU_ASSERT_EQUAL(prev.seq, 0);
    int n = 1;
    while (evq_pop(&q, &ev)) {
        CU_ASSERT_TRUE(evq_before(&prev, &ev));
        prev = ev;
        n++;
    }
    CU_ASSERT_EQUAL(n, 10);
    evq_destroy(&q);
}

static int test_evq_cmp(const void *pa, const void *pb)
{
    const sim_event *a = pa, *b = pb;
    return evq_before(a, b) ? -1 : evq_before(b, a) ? 1 : 0;
}

/* 100,000 random events with few distinct times: pop order equals a sort. */
static void test_evq_random_pushes_pop_sorted(void)
{
    enum { N = 100000 };
    evq q;
    CU_ASSERT_EQUAL_FATAL(evq_init(&q, EVQ_SMALL), SIM_OK);   /* the bucket path */
    sim_event *ref = malloc(N * sizeof *ref);
    uint64_t key = rng_key(2385, 1);
    for (uint32_t i = 0; i < N; i++) {
        uint64_t r = rng_at(key, i);
        sim_event ev = { .time = (sim_time)(r % 97), .src = (uint32_t)(r >> 40) % 50, .seq = i, .dst = i };
        ref[i] = ev;
        CU_ASSERT_EQUAL(evq_push(&q, &ev), SIM_OK);
    }
    qsort(ref, N, sizeof *ref, test_evq_cmp);
    int mismatches = 0;
    for (uint32_t i = 0; i < N; i++) {
        sim_event ev;
        CU_ASSERT_TRUE(evq_pop(&q, &ev));
        mismatches += ev.dst != ref[i].dst;
    }
    CHECK_MSG(mismatches == 0, "%d events out of order", mismatches);
    CU_ASSERT_EQUAL(q.len, 0);
    free(ref);
    evq_destroy(&q);
}

/* Interleaved pushes and pops (the hold model) keep the order. */
static void test_evq_interleaved_hold_model_keeps_order(void)
{
    evq q;
    CU_ASSERT_EQUAL_FATAL(evq_init(&q, EVQ_SMALL), SIM_OK);
    uint64_t key = rng_key(7, 2);
    uint32_t seq = 0;
    for (int i = 0; i < 1000; i++) {
        sim_event ev = { .time = (sim_time)(rng_at(key, seq) % 1000), .src = 0, .seq = seq };
        seq++;
        CU_ASSERT_EQUAL(evq_push(&q, &ev), SIM_OK);
    }
    sim_time last = -1;
    int bad = 0;
    for (int i = 0; i < 50000; i++) {
        sim_event ev;
        evq_pop(&q, &ev);
        bad += ev.time < last;
        last = ev.time;
        sim_event nx = { .time = ev.time + 1 + (sim_time)(rng_at(key, seq) % 1000), .src = 0, .seq = seq };
        seq++;
        CU_ASSERT_EQUAL(evq_push(&q, &nx), SIM_OK);
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(q.len, 1000);
    evq_destroy(&q);
}

/* The d-ary heaps (binary and 4-ary) give the same order as a sort. */
static void test_evq_heaps_of_arity_2_and_4_pop_sorted(void)
{
    enum { N = 50000 };
    sim_event *ref = malloc(N * sizeof *ref);
    uint64_t key = rng_key(2385, 3);
    for (uint32_t i = 0; i < N; i++) {
        uint64_t r = rng_at(key, i);
        ref[i] = (sim_event){ .time = (sim_time)(r % 61), .src = (uint32_t)(r >> 40) % 7, .seq = i, .dst = i };
    }
    for (unsigned arity = 2; arity <= 4; arity += 2) {
        evq_heap h;
        CU_ASSERT_EQUAL_FATAL(evq_heap_init(&h, arity, 0), SIM_OK);
        for (uint32_t i = 0; i < N; i++) {
            CU_ASSERT_EQUAL(evq_heap_push(&h, &ref[i]), SIM_OK);
        }
        sim_event prev, ev;
        int bad = 0, n = 0;
        while (evq_heap_pop(&h, &ev)) {
            bad += n > 0 && !evq_before(&prev, &ev);
            prev = ev;
            n++;
        }
        CHECK_MSG(bad == 0 && n == N, "arity %u: %d out of order, %d popped", arity, bad, n);
        evq_heap_destroy(&h);
    }
    free(ref);
}

/* evq_min_time sees the earliest event without moving anything, across buckets. */
static void test_evq_min_time_tracks_the_earliest_event(void)
{
    for (size_t hint = 0; hint <= EVQ_SMALL; hint += EVQ_SMALL) {   /* heap alone, then buckets */
    evq q;
    CU_ASSERT_EQUAL_FATAL(evq_init(&q, hint), SIM_OK);
    CU_ASSERT_EQUAL(evq_min_time(&q), SIM_TIME_MAX);
    sim_time times[] = { 1000000007, 5, 4096, 4095, 77, 1LL << 40 };
    for (uint32_t i = 0; i < 6; i++) {
        sim_event ev = { .time = times[i], .src = 1, .seq = i };
        CU_ASSERT_EQUAL(evq_push(&q, &ev), SIM_OK);
    }
    sim_time want[] = { 5, 77, 4095, 4096, 1000000007, 1LL << 40 };
    for (int i = 0; i < 6; i++) {
        CU_ASSERT_EQUAL(evq_min_time(&q), want[i]);
        sim_event ev;
        CU_ASSERT_EQUAL(evq_pop(&q, &ev), 1);
        CU_ASSERT_EQUAL(ev.time, want[i]);
        if (i == 2) {   /* a push at the current time goes before later ones */
            sim_event now = { .time = 4095, .src = 0, .seq = 99 };
            CU_ASSERT_EQUAL(evq_push(&q, &now), SIM_OK);
            CU_ASSERT_EQUAL(evq_min_time(&q), 4095);
            CU_ASSERT_EQUAL(evq_pop(&q, &ev), 1);
            CU_ASSERT_EQUAL(ev.seq, 99);
        }
    }
    CU_ASSERT_EQUAL(evq_pop(&q, &(sim_event){ 0 }), 0);
    evq_destroy(&q);
    }
}

static CU_TestInfo evq_tests[] = {
    { "heaps of arity 2 and 4 pop sorted", test_evq_heaps_of_arity_2_and_4_pop_sorted },
    { "min time tracks the earliest event", test_evq_min_time_tracks_the_earliest_event },
    { "equal times pop in key order", test_evq_equal_times_pop_in_key_order },
    { "random pushes pop sorted", test_evq_random_pushes_pop_sorted },
    { "interleaved hold model keeps order", test_evq_interleaved_hold_model_keeps_order },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_evq = { .pName = "evq", .pTests = evq_tests };
