/*
 * model_probe.h -- the test-only `probe` model's log (tests/model_probe.c).
 *
 * probe exists to test what the core promises every model: when phases run
 * relative to actions, callbacks, samples and node events, and that standing
 * and bad-actor marks written by one model are seen through the core.
 */
#ifndef MYCOSIM_MODEL_PROBE_H
#define MYCOSIM_MODEL_PROBE_H

#include <stdint.h>

/* One thing probe saw, in the order it happened. */
typedef struct probe_entry {
    char what;               /* 'P' periodic phase, 'E' end phase, 'N' node timer, 'M' message */
    int64_t time_ns;         /* simulated time */
    uint32_t value;          /* alive nodes (phases), node (events) */
} probe_entry;

/* Entries of the last run (cleared by probe's init); at most PROBE_LOG_MAX kept. */
#define PROBE_LOG_MAX 4096
uint32_t probe_log_len(void);
const probe_entry *probe_log(void);

#endif
