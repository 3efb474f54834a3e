/*
 * mem.c -- big arrays with transparent-huge-page advice (see mem.h).
 */
#define _DEFAULT_SOURCE   /* madvise, MADV_HUGEPAGE */
#include "mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* count x size, at least 1; 0 on overflow. */
static size_t mem_bytes(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) {
        return 0;
    }
    return count * size > 0 ? count * size : 1;
}

/* Advise the whole pages inside [p, p + bytes) as huge-page candidates. */
static void mem_advise(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    uintptr_t page = 4096, a = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t b = ((uintptr_t)p + bytes) & ~(page - 1);
    if (b > a) {
        (void)madvise((void *)a, b - a, MADV_HUGEPAGE);   /* a hint: failure is harmless */
    }
#else
    (void)p;
    (void)bytes;
#endif
}

void *mem_alloc(size_t count, size_t size)
{
    size_t bytes = mem_bytes(count, size);
    if (bytes == 0) {
        return NULL;
    }
    void *p = malloc(bytes);
    if (p != NULL && bytes >= MEM_HUGE) {
        mem_advise(p, bytes);   /* before the first touch, so faults take huge pages */
    }
    return p;
}

void *mem_zalloc(size_t count, size_t size)
{
    void *p = mem_alloc(count, size);
    if (p != NULL) {
        memset(p, 0, mem_bytes(count, size));
    }
    return p;
}
