/*
 * test_evq.c -- the event queue pops in (time, src, seq) order, whatever the
 * order of insertion, including many equal times.
 */
#include <stdlib.h>

#include "evq.h"
#include "rng.h"
#include "test_util.h"

static void test_evq_equal_times_pop_in_key_order(void)
{
    evq q;
    CU_ASSERT_EQUAL_FATAL(evq_init(&q, 0), SIM_OK);
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
    CU_ASSERT_EQUAL_FATAL(evq_init(&q, 4), SIM_OK);
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
    CU_ASSERT_EQUAL_FATAL(evq_init(&q, 0), SIM_OK);
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

static CU_TestInfo evq_tests[] = {
    { "equal times pop in key order", test_evq_equal_times_pop_in_key_order },
    { "random pushes pop sorted", test_evq_random_pushes_pop_sorted },
    { "interleaved hold model keeps order", test_evq_interleaved_hold_model_keeps_order },
    CU_TEST_INFO_NULL
};

CU_SuiteInfo suite_evq = { .pName = "evq", .pTests = evq_tests };
