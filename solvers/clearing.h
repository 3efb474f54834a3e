/*
 * clearing.h -- multilateral obligation clearing for the credit model.
 *
 * Given who owes whom how much (arc e: debtor[e] owes creditor[e] amount[e]),
 * cancel the largest total of debt around cycles without changing any node's
 * net position (sum owed to it minus sum it owes). Cancelled amounts c(e),
 * 0 <= c(e) <= amount(e), must form a circulation; maximising sum c(e) is a
 * min-cost circulation with cost -1 per arc, solved by the network simplex.
 */
#ifndef MYCOSIM_CLEARING_H
#define MYCOSIM_CLEARING_H

#include <stdint.h>

#include "mcf.h"

typedef struct clear_ws clear_ws;

/* A workspace for up to n nodes and m obligations; NULL on ENOMEM. */
clear_ws *clear_alloc(uint32_t n, uint32_t m);

/* Free a workspace; NULL is a no-op. */
void clear_free(clear_ws *w);

/* Clear the obligation graph (n <= workspace nodes, m <= workspace arcs).
 * remaining[e] = amount[e] - cancelled[e]; *cleared = total cancelled.
 * Returns MCF_OPTIMAL, or MCF_EINPUT for a node out of range or a negative
 * amount, MCF_ERANGE for an amount above MCF_VALUE_MAX or amounts summing
 * past MCF_TOTAL_MAX (mcf.h). */
mcf_status clear_run(clear_ws *w, uint32_t n, uint32_t m, const uint32_t *debtor,
                     const uint32_t *creditor, const int64_t *amount,
                     int64_t *remaining, int64_t *cleared) MCF_MUST_CHECK;

#endif
