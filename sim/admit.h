/*
 * admit.h -- resource admission: a memory estimate of a scenario before it is built.
 */
#ifndef MYCOSIM_ADMIT_H
#define MYCOSIM_ADMIT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "sim.h"

/* What a scenario needs, as upper estimates (saturated at UINT64_MAX, never wrapped). */
typedef struct admit_need {
    uint64_t nodes;          /* nodes the topology will have */
    uint64_t edges;          /* undirected edges */
    uint64_t events;         /* events pending at once, all models */
    uint64_t bytes;          /* peak heap bytes */
} admit_need;

/* Estimate cfg's needs without building anything; SIM_EINPUT with msg if a topology file is bad. */
sim_err admit_estimate(const sim_config *cfg, admit_need *need, char *msg, size_t len) SIM_MUST_CHECK;

/* Bytes this process can still get: least of MemAvailable, ulimit -v/-d headroom, cgroup headroom. */
uint64_t admit_available(void);

/*
 * SIM_OK if cfg's estimate fits in admit_available() (or force); else
 * SIM_EINPUT with "path: needs about X (...) but Y is available; ..." in msg.
 */
sim_err admit_check(const sim_config *cfg, int force, char *msg, size_t len) SIM_MUST_CHECK;

#endif
