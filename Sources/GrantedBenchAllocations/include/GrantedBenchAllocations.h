// Counts heap allocations in granted-bench, and only there: this target is linked into the
// benchmark executable alone, never into Granted.
#ifndef GRANTED_BENCH_ALLOCATIONS_H
#define GRANTED_BENCH_ALLOCATIONS_H

#include <stdbool.h>
#include <stdint.h>

/// Whether malloc and its relatives are interposed here (glibc, no sanitizer); elsewhere counts stay 0.
bool granted_allocations_available(void);

/// Starts or stops counting; while off, an allocation costs one relaxed atomic load more.
void granted_allocations_set_counting(bool on);

/// Allocations counted so far, in every thread: calls of malloc, calloc, realloc,
/// posix_memalign, aligned_alloc, memalign, valloc and pvalloc. free is not counted.
uint64_t granted_allocations_count(void);

#endif
