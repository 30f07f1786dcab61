/* malloc_count.c: an LD_PRELOAD interposer that counts heap allocations, for the "allocations per
 * frame" figure of `make bench`.
 *
 *   gcc -O2 -fPIC -shared -o malloc_count.so malloc_count.c -ldl
 *   LD_PRELOAD=$PWD/malloc_count.so program ...
 *
 * It defines malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign, valloc and free,
 * counts each call with a relaxed atomic increment, and forwards it to the next definition (glibc's)
 * found with dlsym(RTLD_NEXT). A program reads the counts through functions it looks up at run time,
 * so it needs no link-time dependency and runs unchanged without the interposer:
 *
 *   unsigned long long haechi_malloc_calls(void);  every allocating call (all but free) so far
 *   unsigned long long haechi_free_calls(void);    calls to free with a non-null pointer
 *   unsigned long long haechi_thread_malloc_calls(void);  allocating calls made by the calling
 *                                                   thread so far (its own work only, no I/O thread)
 *
 *   Swift: dlsym(UnsafeMutableRawPointer(bitPattern: 0), "haechi_malloc_calls")  (RTLD_DEFAULT is 0)
 *
 * The counters are process-wide and count every thread, libzmq's I/O threads included. Relaxed
 * ordering is enough: each counter is only ever incremented, and a reader wants a total, not an
 * order relative to other memory.
 *
 * With HAECHI_MALLOC_COUNT_REPORT set in the environment, the totals per function are written to
 * standard error as one JSON line when the process exits.
 *
 * Bootstrap: dlsym itself may allocate (glibc's dlerror state uses calloc) before the real functions
 * are known. Allocations made while the real functions are being looked up are served from a small
 * static arena and never returned to glibc: free ignores them, and realloc moves them to the heap.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

enum { C_MALLOC, C_CALLOC, C_REALLOC, C_POSIX_MEMALIGN, C_ALIGNED_ALLOC, C_MEMALIGN, C_VALLOC, C_FREE, C_KINDS };
static const char *const kind_names[C_KINDS] = {"malloc", "calloc", "realloc", "posix_memalign",
                                                "aligned_alloc", "memalign", "valloc", "free"};
static _Atomic unsigned long long counts[C_KINDS];

/* Per thread: allocating calls of this thread. Initial-exec TLS, placed when the preloaded object
 * is loaded, so reading it never allocates (a dynamic TLS block could, and would recurse here). */
static __thread unsigned long long thread_calls __attribute__((tls_model("initial-exec")));

static inline void count(int kind) {
    atomic_fetch_add_explicit(&counts[kind], 1, memory_order_relaxed);
    if (kind != C_FREE) thread_calls++;
}

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_valloc)(size_t);
static void (*real_free)(void *);

/* The bootstrap arena: bump allocation, 16-byte aligned, each block preceded by its size. */
static _Alignas(16) unsigned char arena[64 * 1024];
static _Atomic size_t arena_used;
static _Atomic int resolving; /* set while the real functions are being looked up */

static int in_arena(const void *p) {
    return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + sizeof arena;
}

static void *arena_alloc(size_t size) {
    size_t need = 16 + ((size + 15) & ~(size_t)15);
    size_t start = atomic_fetch_add_explicit(&arena_used, need, memory_order_relaxed);
    if (start + need > sizeof arena) {
        static const char message[] = "malloc_count: bootstrap arena exhausted\n";
        ssize_t ignored = write(2, message, sizeof message - 1);
        (void)ignored;
        abort();
    }
    memcpy(arena + start, &size, sizeof size);
    return arena + start + 16; /* the arena is zero-filled, which calloc relies on */
}

static size_t arena_size(const void *p) {
    size_t size;
    memcpy(&size, (const unsigned char *)p - 16, sizeof size);
    return size;
}

static void resolve(void) {
    atomic_store_explicit(&resolving, 1, memory_order_relaxed);
    real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    real_posix_memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
    real_memalign = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "memalign");
    real_valloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "valloc");
    real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    atomic_store_explicit(&resolving, 0, memory_order_relaxed);
    if (!real_malloc || !real_calloc || !real_realloc || !real_free) {
        static const char message[] = "malloc_count: cannot find the real allocator\n";
        ssize_t ignored = write(2, message, sizeof message - 1);
        (void)ignored;
        abort();
    }
}

/* True when the call must be served by the arena: the real functions are being looked up. The
 * first allocation normally happens before any thread is started, so the lookup is not raced. */
static inline int bootstrapping(void) {
    if (__builtin_expect(real_free != NULL, 1)) return 0;
    if (atomic_load_explicit(&resolving, memory_order_relaxed)) return 1;
    resolve();
    return 0;
}

EXPORT void *malloc(size_t size) {
    count(C_MALLOC);
    if (bootstrapping()) return arena_alloc(size);
    return real_malloc(size);
}

EXPORT void *calloc(size_t n, size_t size) {
    count(C_CALLOC);
    if (bootstrapping()) {
        if (size && n > SIZE_MAX / size) return NULL;
        return arena_alloc(n * size);
    }
    return real_calloc(n, size);
}

EXPORT void *realloc(void *p, size_t size) {
    count(C_REALLOC);
    if (bootstrapping()) {
        void *q = arena_alloc(size);
        if (p) memcpy(q, p, arena_size(p) < size ? arena_size(p) : size);
        return q;
    }
    if (p && in_arena(p)) {
        void *q = real_malloc(size);
        if (q) memcpy(q, p, arena_size(p) < size ? arena_size(p) : size);
        return q;
    }
    return real_realloc(p, size);
}

EXPORT int posix_memalign(void **out, size_t alignment, size_t size) {
    count(C_POSIX_MEMALIGN);
    if (bootstrapping() || !real_posix_memalign) return ENOMEM;
    return real_posix_memalign(out, alignment, size);
}

EXPORT void *aligned_alloc(size_t alignment, size_t size) {
    count(C_ALIGNED_ALLOC);
    if (bootstrapping() || !real_aligned_alloc) return NULL;
    return real_aligned_alloc(alignment, size);
}

EXPORT void *memalign(size_t alignment, size_t size) {
    count(C_MEMALIGN);
    if (bootstrapping() || !real_memalign) return NULL;
    return real_memalign(alignment, size);
}

EXPORT void *valloc(size_t size) {
    count(C_VALLOC);
    if (bootstrapping() || !real_valloc) return NULL;
    return real_valloc(size);
}

EXPORT void free(void *p) {
    if (!p) return;
    count(C_FREE);
    if (in_arena(p)) return;
    if (bootstrapping()) return; /* cannot happen: only arena memory exists before the lookup */
    real_free(p);
}

EXPORT unsigned long long haechi_malloc_calls(void) {
    unsigned long long total = 0;
    for (int kind = 0; kind < C_FREE; kind++) total += atomic_load_explicit(&counts[kind], memory_order_relaxed);
    return total;
}

EXPORT unsigned long long haechi_free_calls(void) {
    return atomic_load_explicit(&counts[C_FREE], memory_order_relaxed);
}

EXPORT unsigned long long haechi_thread_malloc_calls(void) { return thread_calls; }

/* The exit report: formatted into a stack buffer and written with write(2), so that it does not
 * allocate while the process is being torn down. */
__attribute__((destructor)) static void report(void) {
    if (!getenv("HAECHI_MALLOC_COUNT_REPORT")) return;
    char line[512];
    size_t n = 0;
    n += (size_t)snprintf(line + n, sizeof line - n, "{\"malloc_count\":{");
    for (int kind = 0; kind < C_KINDS && n < sizeof line; kind++)
        n += (size_t)snprintf(line + n, sizeof line - n, "%s\"%s\":%llu", kind ? "," : "", kind_names[kind],
                              atomic_load_explicit(&counts[kind], memory_order_relaxed));
    if (n < sizeof line) n += (size_t)snprintf(line + n, sizeof line - n, "}}\n");
    if (n > sizeof line) n = sizeof line;
    ssize_t ignored = write(2, line, n);
    (void)ignored;
}
