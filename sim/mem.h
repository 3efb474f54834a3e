/*
 * mem.h -- big per-node and per-edge arrays, backed by huge pages.
 *
 * A million-node run touches its node records, adjacency and model state at
 * random. With 4 KiB pages every such access is also a TLB miss, and at 10M
 * nodes the page walk itself misses the cache. Arrays of 2 MiB or more are
 * therefore advised as transparent huge pages before their first touch
 * (madvise(MADV_HUGEPAGE): Debian's default THP mode is "madvise", so
 * nothing is huge unless asked). Only whole 2 MiB-aligned extents inside an
 * array can be huge; the arrays are not over-aligned, so malloc's own
 * accounting (and run_bytes) stays exact at the price of up to 4 MiB of
 * small pages at the two ends. The advice is only a hint: where the kernel
 * has no huge pages to give, the arrays are ordinary memory. Free with free().
 */
#ifndef MYCOSIM_MEM_H
#define MYCOSIM_MEM_H

#include <stddef.h>

/* Arrays at least this big are advised. */
#define MEM_HUGE ((size_t)2 << 20)

/* count x size zeroed bytes (at least 1), or NULL on overflow or lack of memory. */
void *mem_zalloc(size_t count, size_t size);

/* Like mem_zalloc, but the contents are left undefined. */
void *mem_alloc(size_t count, size_t size);

#endif
