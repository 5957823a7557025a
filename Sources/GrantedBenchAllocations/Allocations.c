// A counting allocator for granted-bench: the executable's own malloc, calloc, realloc, free,
// posix_memalign, aligned_alloc, memalign, valloc and pvalloc, which the dynamic linker binds
// every library's calls to (the executable comes first in symbol lookup), each forwarding to
// glibc's own implementation (__libc_malloc and its relatives) after counting the call.
#include "GrantedBenchAllocations.h"

// Under a sanitizer (CI's ThreadSanitizer build compiles every target) the sanitizer's runtime
// owns malloc: a second definition would not link, so nothing is counted there.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define GRANTED_BENCH_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define GRANTED_BENCH_SANITIZED 1
#endif

#if defined(__linux__) && defined(__GLIBC__) && !defined(GRANTED_BENCH_SANITIZED)

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void __libc_free(void *pointer);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

static atomic_bool counting;
static atomic_uint_fast64_t allocations;

static inline void count(void) {
    if (atomic_load_explicit(&counting, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    }
}

bool granted_allocations_available(void) { return true; }

void granted_allocations_set_counting(bool on) {
    atomic_store_explicit(&counting, on, memory_order_seq_cst);
}

uint64_t granted_allocations_count(void) {
    return (uint64_t)atomic_load_explicit(&allocations, memory_order_seq_cst);
}

void *malloc(size_t size) {
    count();
    return __libc_malloc(size);
}

void *calloc(size_t count_, size_t size) {
    count();
    return __libc_calloc(count_, size);
}

void *realloc(void *pointer, size_t size) {
    count();
    return __libc_realloc(pointer, size);
}

void free(void *pointer) { __libc_free(pointer); }

void *memalign(size_t alignment, size_t size) {
    count();
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    count();
    return __libc_memalign(alignment, size);
}

/// POSIX: EINVAL unless the alignment is a power of two and a multiple of sizeof(void *).
int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0 || alignment == 0) {
        return EINVAL;
    }
    count();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *result = pointer;
    return 0;
}

void *valloc(size_t size) {
    count();
    return __libc_valloc(size);
}

void *pvalloc(size_t size) {
    count();
    return __libc_pvalloc(size);
}

#else

bool granted_allocations_available(void) { return false; }
void granted_allocations_set_counting(bool on) { (void)on; }
uint64_t granted_allocations_count(void) { return 0; }

#endif
