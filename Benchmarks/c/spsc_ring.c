/* spsc_ring.c: the C baseline for LockFreeRing, a single-producer single-consumer ring in the
 * Disruptor's manner, timed moving COUNT items of ITEM_BYTES (8 or 64) from one thread to another.
 *
 *   spsc_ring ITEM_BYTES COUNT
 *   -> {"bench":"c_spsc_ring","item_bytes":8,"items":N,"seconds":S,"items_per_second":R,"checksum":C}
 *
 * The design, which the Swift ring is measured against (issue 4):
 *   - 65536 preallocated slots (a power of two), indexed by 64-bit sequences masked to a slot;
 *     the sequences never wrap;
 *   - the producer's cursor (`head`, items published) and the consumer's cursor (`tail`, items
 *     released) each sit alone on a 128-byte line, so neither side's stores invalidate the line
 *     the other side reads for its own state (128 covers the adjacent-line prefetcher);
 *   - each side keeps a private copy of the other side's cursor and reloads it only when that
 *     copy says it must wait: one shared-line read per batch at most, not one per item;
 *   - both sides work in batches of up to 256 items and publish their cursor once per batch;
 *   - C11 atomics with acquire/release only (the pairs are named where they are used).
 *
 * Every item is written in full by the producer and read in full by the consumer: its first word
 * is its sequence, which the consumer checks, and every word goes into a checksum, which main
 * compares with the value computed independently, so the compiler cannot drop the work and a lost,
 * repeated or torn item fails the run (exit 1). Nothing is pinned, nothing sleeps: both threads
 * busy-wait with the CPU's spin hint, which is the Disruptor's busy-spin wait strategy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RING_CAPACITY 65536u /* slots; a power of two */
#define RING_MASK (RING_CAPACITY - 1u)
#define BATCH 256u           /* items per publish, on both sides */
#define LINE 128             /* bytes between the two cursors */

#if defined(__x86_64__) || defined(__i386__)
#define SPIN_HINT() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define SPIN_HINT() __asm__ __volatile__("yield")
#else
#define SPIN_HINT() ((void)0)
#endif

/* An item of 8 bytes is one word; one of 64 bytes is eight words. */
typedef struct { uint64_t w[1]; } item8_t;
typedef struct { uint64_t w[8]; } item64_t;
_Static_assert(sizeof(item8_t) == 8, "item8_t must be 8 bytes");
_Static_assert(sizeof(item64_t) == 64, "item64_t must be 64 bytes");

/* The ring. Each cursor owns a whole 128-byte line; `slots` and `count` are written before the
 * threads start and only read afterwards, so they may share a line with nothing in particular. */
struct ring {
    _Alignas(LINE) _Atomic uint64_t head; /* items published by the producer (written only by it) */
    _Alignas(LINE) _Atomic uint64_t tail; /* items released by the consumer (written only by it) */
    _Alignas(LINE) void *slots;
    uint64_t count;                       /* items to move */
    _Atomic int ready;                    /* threads waiting at the start line */
    _Atomic int go;                       /* set by main to start both threads at once */
    uint64_t checksum;                    /* written by the consumer before it returns */
    uint64_t bad_sequence;                /* first out-of-sequence item seen, or UINT64_MAX */
};
_Static_assert(offsetof(struct ring, tail) - offsetof(struct ring, head) == LINE, "cursor spacing");

static struct ring ring;

/* What the producer writes into word `k` of item `seq`: seq + k, so word 0 is the sequence and a
 * word left over from an older item changes the checksum. haechi-bench's ring items hold the same. */
static inline uint64_t word_value(uint64_t seq, unsigned k) {
    return seq + k;
}

static void start_line(void) {
    atomic_fetch_add_explicit(&ring.ready, 1, memory_order_relaxed);
    /* Pairs with main's release store of `go`: ring.slots and ring.count are visible after it. */
    while (!atomic_load_explicit(&ring.go, memory_order_acquire)) SPIN_HINT();
}

/* The producer: claims room for a batch, writes it, publishes it with one release store. WORDS is
 * a compile-time constant at each call site, so each instance is specialised for its item size. */
static inline __attribute__((always_inline)) void produce(unsigned words) {
    uint64_t *const slots = ring.slots;
    const uint64_t count = ring.count;
    uint64_t next = 0;        /* next sequence to write */
    uint64_t cached_tail = 0; /* the producer's copy of the consumer's cursor */
    while (next < count) {
        uint64_t n = count - next < BATCH ? count - next : BATCH;
        /* Room for n items means next + n - tail <= capacity. The acquire load pairs with the
         * consumer's release store of `tail`: once the consumer has released slots, its reads of
         * them are finished, so overwriting them here cannot race with those reads. */
        while (next + n - cached_tail > RING_CAPACITY) {
            cached_tail = atomic_load_explicit(&ring.tail, memory_order_acquire);
            if (next + n - cached_tail > RING_CAPACITY) SPIN_HINT();
        }
        for (uint64_t seq = next; seq < next + n; seq++) {
            uint64_t *item = slots + (seq & RING_MASK) * words;
            for (unsigned k = 0; k < words; k++) item[k] = word_value(seq, k);
        }
        next += n;
        /* Publishes the batch: pairs with the consumer's acquire load of `head`, which then sees
         * every word written above. */
        atomic_store_explicit(&ring.head, next, memory_order_release);
    }
}

/* The consumer: waits for published items, reads up to one batch, releases it with one store. */
static inline __attribute__((always_inline)) void consume(unsigned words) {
    const uint64_t *const slots = ring.slots;
    const uint64_t count = ring.count;
    uint64_t next = 0;        /* next sequence to read */
    uint64_t cached_head = 0; /* the consumer's copy of the producer's cursor */
    uint64_t sum = 0;
    uint64_t bad = UINT64_MAX;
    while (next < count) {
        if (cached_head == next) {
            /* Pairs with the producer's release store of `head`: the items below it are written. */
            do {
                cached_head = atomic_load_explicit(&ring.head, memory_order_acquire);
                if (cached_head == next) SPIN_HINT();
            } while (cached_head == next);
        }
        uint64_t end = cached_head - next < BATCH ? cached_head : next + BATCH;
        for (uint64_t seq = next; seq < end; seq++) {
            const uint64_t *item = slots + (seq & RING_MASK) * words;
            if (item[0] != seq && bad == UINT64_MAX) bad = seq;
            for (unsigned k = 0; k < words; k++) sum += item[k];
        }
        next = end;
        /* Releases the slots read above: pairs with the producer's acquire load of `tail`, so the
         * producer overwrites them only after these reads. */
        atomic_store_explicit(&ring.tail, next, memory_order_release);
    }
    ring.checksum = sum;
    ring.bad_sequence = bad;
}

static void *producer8(void *arg) { (void)arg; start_line(); produce(1); return NULL; }
static void *producer64(void *arg) { (void)arg; start_line(); produce(8); return NULL; }
static void *consumer8(void *arg) { (void)arg; start_line(); consume(1); return NULL; }
static void *consumer64(void *arg) { (void)arg; start_line(); consume(8); return NULL; }

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int usage(const char *argv0) {
    fprintf(stderr, "usage: %s ITEM_BYTES COUNT\n  ITEM_BYTES is 8 or 64; COUNT > 0 items\n", argv0);
    return 2;
}

int main(int argc, char **argv) {
    if (argc != 3) return usage(argv[0]);
    char *end;
    errno = 0;
    unsigned long item_bytes = strtoul(argv[1], &end, 10);
    if (errno || *end || (item_bytes != 8 && item_bytes != 64)) return usage(argv[0]);
    errno = 0;
    unsigned long long count = strtoull(argv[2], &end, 10);
    if (errno || *end || count == 0 || argv[2][0] == '-') return usage(argv[0]);

    const unsigned words = (unsigned)(item_bytes / 8);
    const size_t bytes = (size_t)RING_CAPACITY * item_bytes;
    void *slots = aligned_alloc(LINE, bytes);
    if (!slots) {
        perror("aligned_alloc");
        return 1;
    }
    memset(slots, 0xff, bytes); /* fault the pages in before the clock starts */
    ring.slots = slots;
    ring.count = count;
    atomic_store_explicit(&ring.head, 0, memory_order_relaxed);
    atomic_store_explicit(&ring.tail, 0, memory_order_relaxed);

    pthread_t producer, consumer;
    int rc = pthread_create(&consumer, NULL, words == 1 ? consumer8 : consumer64, NULL);
    if (rc == 0) rc = pthread_create(&producer, NULL, words == 1 ? producer8 : producer64, NULL);
    if (rc != 0) {
        fprintf(stderr, "pthread_create: %s\n", strerror(rc));
        return 1;
    }
    while (atomic_load_explicit(&ring.ready, memory_order_relaxed) != 2) sched_yield();
    double t0 = now_seconds();
    /* Pairs with start_line's acquire load: both threads see the initialised ring. */
    atomic_store_explicit(&ring.go, 1, memory_order_release);
    pthread_join(producer, NULL);
    pthread_join(consumer, NULL); /* join gives main the consumer's checksum and verdict */
    double seconds = now_seconds() - t0;

    uint64_t expected = 0;
    for (uint64_t seq = 0; seq < count; seq++)
        for (unsigned k = 0; k < words; k++) expected += word_value(seq, k);
    if (ring.bad_sequence != UINT64_MAX) {
        fprintf(stderr, "spsc_ring: item %" PRIu64 " out of sequence\n", ring.bad_sequence);
        return 1;
    }
    if (ring.checksum != expected) {
        fprintf(stderr, "spsc_ring: checksum %" PRIu64 " != expected %" PRIu64 "\n", ring.checksum, expected);
        return 1;
    }
    printf("{\"bench\":\"c_spsc_ring\",\"item_bytes\":%lu,\"items\":%llu,\"seconds\":%.6f,"
           "\"items_per_second\":%.0f,\"checksum\":%" PRIu64 "}\n",
           item_bytes, count, seconds, (double)count / seconds, ring.checksum);
    free(slots);
    return 0;
}
