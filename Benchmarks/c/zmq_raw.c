/* zmq_raw.c: the raw libzmq baseline for Haechi's ingest, and the senders every ingest benchmark uses.
 *
 *   zmq_raw recv ENDPOINT COUNT
 *       PULL (RCVHWM 100000, as haechi-bench's endpoint), binds ENDPOINT, receives COUNT two-part
 *       messages [topic, payload] with zmq_recv into buffers it owns, timed from the first message
 *       to the last:
 *       {"bench":"c_zmq_pull","frames":N,"payload_bytes":S,"seconds":T,"frames_per_second":R,
 *        "allocations_per_frame":A,"thread_allocations_per_frame":B}
 *   zmq_raw send ENDPOINT COUNT PAYLOAD_BYTES [TOPIC] [json]
 *       PUSH, connects, SNDHWM 100000, sends COUNT two-part messages [TOPIC, payload] as fast as it
 *       can (TOPIC defaults to json/bench), then lingers until the queue has drained.
 *   zmq_raw send-paced ENDPOINT RATE SECONDS PAYLOAD_BYTES [TOPIC]
 *       PUSH, connects, waits for the connection, then sends RATE x SECONDS messages at RATE per
 *       second, each stamped with its send time.
 *       Prints {"bench":"c_zmq_push_paced","rate":..,"frames":..,"achieved_rate":..,"max_late_us":..}.
 *   zmq_raw latency ENDPOINT COUNT
 *       PULL, binds, receives COUNT messages of send-paced and reports the one-way latency from the
 *       sender's stamp to zmq_recv's return (the transport alone, as context for Haechi's figure):
 *       {"bench":"c_zmq_latency","frames":N,"p50_us":..,"p99_us":..,"p999_us":..,"max_us":..}
 *   zmq_raw version
 *       {"libzmq":"4.3.4"}
 *   zmq_raw --curve recv|send ...
 *       The same over CurveZMQ: recv is a CURVE server, send a CURVE client, with libzmq's test keys
 *       (the ones haechi-bench ingest --curve uses). No ZAP handler runs in this process, so libzmq
 *       admits the client without asking: the figure is the handshake and the encryption alone.
 *
 * Payloads (all integers little-endian):
 *   send, raw:      bytes 0..7 the message index (0, 1, 2, ...), the rest the filler 'x'.
 *   send, json:     a Haechi JSON v1 `detection` record whose `seq` is the message index, padded
 *                   with spaces to exactly PAYLOAD_BYTES (see compose_json; at least 128 bytes).
 *   send-paced:     bytes 0..7 the send time (CLOCK_REALTIME, ns since the Unix epoch), bytes 8..15
 *                   the message index, the rest the filler 'x' (at least 16 bytes).
 *
 * `recv` and `latency` check every envelope (exactly two parts), and `recv` checks that a raw
 * payload's index is the next one, so a lost or reordered message fails the run (exit 1).
 * frames_per_second is (COUNT - 1) / T, T running from the return of the first message's last part
 * to the return of the last message's last part (COUNT - 1 messages arrive in T).
 * allocations_per_frame is the heap allocations of this whole process (libzmq's I/O thread
 * included) in that span, divided by COUNT - 1, when malloc_count.so is preloaded; null otherwise.
 * thread_allocations_per_frame counts the receiving thread's own allocations only.
 *
 * Build: gcc -O2 -pthread -o zmq_raw zmq_raw.c -lzmq
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <zmq.h>

#define TOPIC_MAX 256             /* longest topic accepted; wire-formats allows far less */
#define PAYLOAD_MAX (1 << 20)     /* longest payload a receiver accepts */
#define SEND_HWM 100000
#define RECV_HWM 100000
#define LINGER_MS 30000           /* how long a sender waits for its queue to drain */
#define SEND_TIMEOUT_MS 30000     /* how long one send may block before the receiver counts as gone */
#define CONNECT_TIMEOUT_MS 10000  /* how long send-paced waits for the receiver */
#define JSON_MIN_BYTES 128

/* libzmq's CURVE test keys (tests/testutil_security.cpp), shared with haechi-bench ingest --curve. */
static const char CURVE_SERVER_PUBLIC[] = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
static const char CURVE_SERVER_SECRET[] = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";
static const char CURVE_CLIENT_PUBLIC[] = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
static const char CURVE_CLIENT_SECRET[] = "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs";
static int use_curve = 0;  /* --curve */

static void die_zmq(const char *what) {
    fprintf(stderr, "zmq_raw: %s: %s\n", what, zmq_strerror(zmq_errno()));
    exit(1);
}

static int usage(void) {
    fprintf(stderr,
            "usage: zmq_raw recv ENDPOINT COUNT\n"
            "       zmq_raw send ENDPOINT COUNT PAYLOAD_BYTES [TOPIC] [json]\n"
            "       zmq_raw send-paced ENDPOINT RATE SECONDS PAYLOAD_BYTES [TOPIC]\n"
            "       zmq_raw latency ENDPOINT COUNT\n"
            "       zmq_raw version\n"
            "       zmq_raw --curve recv|send ...   (over CurveZMQ with libzmq's test keys)\n");
    return 2;
}

static int parse_u64(const char *text, uint64_t *out) {
    char *end;
    if (text[0] < '0' || text[0] > '9') return 0;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno || *end) return 0;
    *out = value;
    return 1;
}

static double parse_seconds(const char *text) {
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    return (errno || *end || !(value > 0)) ? -1 : value;
}

static uint64_t clock_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void put_le64(unsigned char *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le64(const unsigned char *p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The allocation counter of malloc_count.so, when it is preloaded. */
typedef unsigned long long (*malloc_calls_fn)(void);
static malloc_calls_fn find_malloc_counter(const char *name) {
    return (malloc_calls_fn)dlsym(RTLD_DEFAULT, name);
}

/* Allocations per frame as JSON: a number, or null without the counter. */
static void per_frame(char *out, size_t size, malloc_calls_fn counter, unsigned long long before,
                      unsigned long long after, uint64_t frames) {
    if (counter && frames > 0)
        snprintf(out, size, "%.6f", (double)(after - before) / (double)frames);
    else
        snprintf(out, size, "null");
}

/* Receives one [topic, payload] message; returns the payload's length (which may exceed the
 * buffer: zmq_recv then truncates, and the caller treats it as an error). */
static size_t recv_message(void *socket, unsigned char *topic, unsigned char *payload) {
    int more;
    size_t more_size = sizeof more;
    int n;
    while ((n = zmq_recv(socket, topic, TOPIC_MAX, 0)) < 0)
        if (zmq_errno() != EINTR) die_zmq("zmq_recv (topic)");
    if (zmq_getsockopt(socket, ZMQ_RCVMORE, &more, &more_size) != 0) die_zmq("ZMQ_RCVMORE");
    if (!more) {
        fprintf(stderr, "zmq_raw: a message of one part, expected [topic, payload]\n");
        exit(1);
    }
    while ((n = zmq_recv(socket, payload, PAYLOAD_MAX, 0)) < 0)
        if (zmq_errno() != EINTR) die_zmq("zmq_recv (payload)");
    if (zmq_getsockopt(socket, ZMQ_RCVMORE, &more, &more_size) != 0) die_zmq("ZMQ_RCVMORE");
    if (more) {
        fprintf(stderr, "zmq_raw: a message of more than two parts, expected [topic, payload]\n");
        exit(1);
    }
    if (n > PAYLOAD_MAX) {
        fprintf(stderr, "zmq_raw: a payload of %d bytes, above the %d accepted\n", n, PAYLOAD_MAX);
        exit(1);
    }
    return (size_t)n;
}

static void *open_socket(void *context, int type) {
    void *socket = zmq_socket(context, type);
    if (!socket) die_zmq("zmq_socket");
    return socket;
}

static void set_int(void *socket, int option, int value, const char *name) {
    if (zmq_setsockopt(socket, option, &value, sizeof value) != 0) die_zmq(name);
}

static void set_key(void *socket, int option, const char *z85, const char *name) {
    if (zmq_setsockopt(socket, option, z85, 40) != 0) die_zmq(name);
}

/* With --curve: the receiver is a CURVE server, the sender its client. */
static void curve_server(void *socket) {
    if (!use_curve) return;
    set_int(socket, ZMQ_CURVE_SERVER, 1, "ZMQ_CURVE_SERVER");
    set_key(socket, ZMQ_CURVE_SECRETKEY, CURVE_SERVER_SECRET, "ZMQ_CURVE_SECRETKEY");
}

static void curve_client(void *socket) {
    if (!use_curve) return;
    set_key(socket, ZMQ_CURVE_SERVERKEY, CURVE_SERVER_PUBLIC, "ZMQ_CURVE_SERVERKEY");
    set_key(socket, ZMQ_CURVE_PUBLICKEY, CURVE_CLIENT_PUBLIC, "ZMQ_CURVE_PUBLICKEY");
    set_key(socket, ZMQ_CURVE_SECRETKEY, CURVE_CLIENT_SECRET, "ZMQ_CURVE_SECRETKEY");
}

/* recv: the baseline receiver. */
static int run_recv(const char *endpoint, uint64_t count) {
    if (count == 0) return usage();
    void *context = zmq_ctx_new();
    void *socket = open_socket(context, ZMQ_PULL);
    set_int(socket, ZMQ_RCVHWM, RECV_HWM, "ZMQ_RCVHWM");
    curve_server(socket);
    if (zmq_bind(socket, endpoint) != 0) die_zmq("zmq_bind");
    unsigned char *topic = malloc(TOPIC_MAX);
    unsigned char *payload = malloc(PAYLOAD_MAX);
    if (!topic || !payload) return 1;
    malloc_calls_fn malloc_calls = find_malloc_counter("haechi_malloc_calls");
    malloc_calls_fn thread_calls = find_malloc_counter("haechi_thread_malloc_calls");

    size_t payload_bytes = recv_message(socket, topic, payload);
    uint64_t t0 = clock_ns(CLOCK_MONOTONIC);
    unsigned long long allocations0 = malloc_calls ? malloc_calls() : 0;
    unsigned long long thread_allocations0 = thread_calls ? thread_calls() : 0;
    /* A raw payload from `send` starts with its index, 0 for the first message; JSON starts with '{'. */
    int indexed = payload_bytes >= 8 && get_le64(payload) == 0;
    for (uint64_t i = 1; i < count; i++) {
        size_t n = recv_message(socket, topic, payload);
        if (n != payload_bytes) {
            fprintf(stderr, "zmq_raw: message %" PRIu64 " has %zu payload bytes, the first had %zu\n", i,
                    n, payload_bytes);
            return 1;
        }
        if (indexed && get_le64(payload) != i) {
            fprintf(stderr, "zmq_raw: message %" PRIu64 " carries index %" PRIu64 "\n", i,
                    get_le64(payload));
            return 1;
        }
    }
    uint64_t t1 = clock_ns(CLOCK_MONOTONIC);
    unsigned long long allocations1 = malloc_calls ? malloc_calls() : 0;
    unsigned long long thread_allocations1 = thread_calls ? thread_calls() : 0;
    double seconds = (double)(t1 - t0) * 1e-9;

    char allocations[64], thread_allocations[64];
    per_frame(allocations, sizeof allocations, malloc_calls, allocations0, allocations1, count - 1);
    per_frame(thread_allocations, sizeof thread_allocations, thread_calls, thread_allocations0,
              thread_allocations1, count - 1);
    printf("{\"bench\":\"c_zmq_pull\",\"frames\":%" PRIu64 ",\"payload_bytes\":%zu,\"seconds\":%.6f,"
           "\"frames_per_second\":%.0f,\"allocations_per_frame\":%s,\"thread_allocations_per_frame\":%s}\n",
           count, payload_bytes, seconds, seconds > 0 ? (double)(count - 1) / seconds : 0.0, allocations,
           thread_allocations);
    fflush(stdout);
    zmq_close(socket);
    zmq_ctx_term(context);
    free(topic);
    free(payload);
    return 0;
}

/* The JSON payload: a detection record, its `seq` written in place for each message. The part
 * before `seq` never changes; after the digits come `}` and spaces up to PAYLOAD_BYTES (JSON allows
 * whitespace after the value). */
static const char JSON_PREFIX[] =
    "{\"type\":\"detection\",\"t_ns\":1748736016000000000,\"sensor_id\":\"bench-1\",\"scan_id\":16,"
    "\"det_id\":143,\"range_m\":2189.99,\"azimuth_deg\":132.16446,\"elevation_deg\":6.897607,\"seq\":";
static const char JSON_SHORT_PREFIX[] = /* the required fields only, for payloads below 192 bytes */
    "{\"type\":\"detection\",\"t_ns\":1748736016000000000,\"sensor_id\":\"bench-1\",\"scan_id\":16,"
    "\"azimuth_deg\":132.16446,\"seq\":";

static size_t write_decimal(unsigned char *out, uint64_t value) {
    char reversed[20];
    size_t n = 0;
    do {
        reversed[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    for (size_t i = 0; i < n; i++) out[i] = (unsigned char)reversed[n - 1 - i];
    return n;
}

/* Writes the record for `seq` into payload (whose first prefix_len bytes already hold the prefix). */
static void compose_json(unsigned char *payload, size_t prefix_len, size_t payload_bytes, uint64_t seq) {
    size_t n = prefix_len + write_decimal(payload + prefix_len, seq);
    payload[n++] = '}';
    memset(payload + n, ' ', payload_bytes - n);
}

static void send_failed(void) {
    if (zmq_errno() == EAGAIN) {
        fprintf(stderr, "zmq_raw: a send blocked for %d ms: the receiver is gone or stalled\n", SEND_TIMEOUT_MS);
        exit(1);
    }
    die_zmq("zmq_send");
}

static void send_message(void *socket, const void *topic, size_t topic_len, const void *payload,
                         size_t payload_len) {
    while (zmq_send(socket, topic, topic_len, ZMQ_SNDMORE) < 0)
        if (zmq_errno() != EINTR) send_failed();
    while (zmq_send(socket, payload, payload_len, 0) < 0)
        if (zmq_errno() != EINTR) send_failed();
}

static void *open_sender(void **context, const char *endpoint, int immediate) {
    *context = zmq_ctx_new();
    void *socket = open_socket(*context, ZMQ_PUSH);
    set_int(socket, ZMQ_SNDHWM, SEND_HWM, "ZMQ_SNDHWM");
    set_int(socket, ZMQ_LINGER, LINGER_MS, "ZMQ_LINGER");
    /* A receiver that exits early would leave a blocked send waiting for ever (with ZMQ_IMMEDIATE,
     * as soon as the connection is gone): give up, and exit 1, after SEND_TIMEOUT_MS instead. */
    set_int(socket, ZMQ_SNDTIMEO, SEND_TIMEOUT_MS, "ZMQ_SNDTIMEO");
    if (immediate) set_int(socket, ZMQ_IMMEDIATE, 1, "ZMQ_IMMEDIATE");
    curve_client(socket);
    if (zmq_connect(socket, endpoint) != 0) die_zmq("zmq_connect");
    return socket;
}

/* Closing the socket and terminating the context waits (up to LINGER_MS) until every queued
 * message has gone to the peer. */
static void close_sender(void *context, void *socket) {
    zmq_close(socket);
    while (zmq_ctx_term(context) != 0)
        if (zmq_errno() != EINTR) die_zmq("zmq_ctx_term");
}

/* send: as fast as it can, reusing one payload buffer. */
static int run_send(const char *endpoint, uint64_t count, uint64_t payload_bytes, const char *topic,
                    int json) {
    if (count == 0 || payload_bytes > PAYLOAD_MAX) return usage();
    size_t topic_len = strlen(topic);
    unsigned char *payload = malloc(payload_bytes ? payload_bytes : 1);
    if (!payload) return 1;
    memset(payload, 'x', payload_bytes);
    size_t prefix_len = 0;
    if (json) {
        const char *prefix = payload_bytes >= 192 ? JSON_PREFIX : JSON_SHORT_PREFIX;
        prefix_len = strlen(prefix);
        unsigned char digits[20];
        size_t longest = prefix_len + write_decimal(digits, count - 1) + 1;
        if (longest > payload_bytes) {
            fprintf(stderr,
                    "zmq_raw: a JSON detection record with seq up to %" PRIu64 " needs %zu bytes; "
                    "PAYLOAD_BYTES is %" PRIu64 " (use %d or more)\n",
                    count - 1, longest, payload_bytes, JSON_MIN_BYTES);
            return 2;
        }
        memcpy(payload, prefix, prefix_len);
    } else if (payload_bytes < 8) {
        fprintf(stderr, "zmq_raw: PAYLOAD_BYTES must be at least 8 (the message index)\n");
        return 2;
    }
    void *context;
    void *socket = open_sender(&context, endpoint, 0);
    for (uint64_t i = 0; i < count; i++) {
        if (json)
            compose_json(payload, prefix_len, payload_bytes, i);
        else
            put_le64(payload, i);
        send_message(socket, topic, topic_len, payload, payload_bytes);
    }
    close_sender(context, socket);
    free(payload);
    return 0;
}

/* send-paced: message i is due at start + i / rate. The sender sleeps until the next message is
 * due, then sends every message that is due, each stamped just before its zmq_send. It never
 * spins: on a 2-core machine a spinning sender would take a core from the process it measures.
 * Sleeps end late by the timer's resolution (tens of microseconds), so at high rates messages
 * leave in small bursts; max_late_us reports the worst delay behind the schedule. */
static int run_send_paced(const char *endpoint, uint64_t rate, double seconds, uint64_t payload_bytes,
                          const char *topic) {
    if (rate == 0 || payload_bytes < 16 || payload_bytes > PAYLOAD_MAX) {
        fprintf(stderr, "zmq_raw: send-paced needs RATE > 0 and PAYLOAD_BYTES of at least 16\n");
        return 2;
    }
    uint64_t count = (uint64_t)((double)rate * seconds + 0.5);
    size_t topic_len = strlen(topic);
    unsigned char *payload = malloc(payload_bytes);
    if (!payload) return 1;
    memset(payload, 'x', payload_bytes);
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); /* wake as close to the due time as the kernel can */

    void *context;
    void *socket = open_sender(&context, endpoint, 1);
    /* With ZMQ_IMMEDIATE a PUSH socket is writable only once a connection is up: the schedule
     * starts then, so the first messages do not wait for the TCP handshake. */
    zmq_pollitem_t item = {socket, 0, ZMQ_POLLOUT, 0};
    int ready = zmq_poll(&item, 1, CONNECT_TIMEOUT_MS);
    if (ready <= 0) {
        fprintf(stderr, "zmq_raw: no connection to %s within %d ms\n", endpoint, CONNECT_TIMEOUT_MS);
        return 1;
    }
    uint64_t start = clock_ns(CLOCK_MONOTONIC);
    uint64_t max_late = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t due = start + (uint64_t)((double)i * 1e9 / (double)rate);
        uint64_t now = clock_ns(CLOCK_MONOTONIC);
        if (now < due) {
            struct timespec ts = {(time_t)(due / 1000000000u), (long)(due % 1000000000u)};
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {}
            now = clock_ns(CLOCK_MONOTONIC);
        }
        if (now - due > max_late) max_late = now - due;
        put_le64(payload, clock_ns(CLOCK_REALTIME));
        put_le64(payload + 8, i);
        send_message(socket, topic, topic_len, payload, payload_bytes);
    }
    double elapsed = (double)(clock_ns(CLOCK_MONOTONIC) - start) * 1e-9;
    close_sender(context, socket);
    printf(
            "{\"bench\":\"c_zmq_push_paced\",\"rate\":%" PRIu64 ",\"frames\":%" PRIu64 ",\"payload_bytes\":%" PRIu64
            ",\"seconds\":%.6f,\"achieved_rate\":%.0f,\"max_late_us\":%.1f}\n",
            rate, count, payload_bytes, elapsed, elapsed > 0 ? (double)count / elapsed : 0.0,
            (double)max_late * 1e-3);
    free(payload);
    return 0;
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of sorted values, by the nearest-rank method. */
static double quantile_us(const uint64_t *sorted, uint64_t n, double q) {
    uint64_t rank = (uint64_t)(q * (double)n + 0.999999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return (double)sorted[rank - 1] * 1e-3;
}

/* latency: one-way latency from send-paced's stamp to zmq_recv's return. */
static int run_latency(const char *endpoint, uint64_t count) {
    if (count == 0) return usage();
    void *context = zmq_ctx_new();
    void *socket = open_socket(context, ZMQ_PULL);
    set_int(socket, ZMQ_RCVHWM, RECV_HWM, "ZMQ_RCVHWM");
    if (zmq_bind(socket, endpoint) != 0) die_zmq("zmq_bind");
    unsigned char *topic = malloc(TOPIC_MAX);
    unsigned char *payload = malloc(PAYLOAD_MAX);
    uint64_t *latency_ns = malloc(count * sizeof *latency_ns);
    if (!topic || !payload || !latency_ns) return 1;
    for (uint64_t i = 0; i < count; i++) {
        size_t n = recv_message(socket, topic, payload);
        uint64_t now = clock_ns(CLOCK_REALTIME);
        if (n < 16 || get_le64(payload + 8) != i) {
            fprintf(stderr, "zmq_raw: message %" PRIu64 " is not send-paced's message %" PRIu64 "\n", i, i);
            return 1;
        }
        uint64_t sent = get_le64(payload);
        latency_ns[i] = now > sent ? now - sent : 0;
    }
    qsort(latency_ns, count, sizeof *latency_ns, compare_u64);
    printf("{\"bench\":\"c_zmq_latency\",\"frames\":%" PRIu64 ",\"p50_us\":%.1f,\"p99_us\":%.1f,"
           "\"p999_us\":%.1f,\"max_us\":%.1f}\n",
           count, quantile_us(latency_ns, count, 0.5), quantile_us(latency_ns, count, 0.99),
           quantile_us(latency_ns, count, 0.999), (double)latency_ns[count - 1] * 1e-3);
    fflush(stdout);
    zmq_close(socket);
    zmq_ctx_term(context);
    free(topic);
    free(payload);
    free(latency_ns);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "--curve") == 0) {
        use_curve = 1;
        argv++;
        argc--;
    }
    if (argc < 2) return usage();
    const char *mode = argv[1];
    if (strcmp(mode, "version") == 0 && argc == 2) {
        int major, minor, patch;
        zmq_version(&major, &minor, &patch);
        printf("{\"libzmq\":\"%d.%d.%d\"}\n", major, minor, patch);
        return 0;
    }
    uint64_t count, rate, payload_bytes;
    if (strcmp(mode, "recv") == 0 && argc == 4 && parse_u64(argv[3], &count))
        return run_recv(argv[2], count);
    if (strcmp(mode, "latency") == 0 && argc == 4 && parse_u64(argv[3], &count))
        return run_latency(argv[2], count);
    if (strcmp(mode, "send") == 0 && argc >= 5 && argc <= 7 && parse_u64(argv[3], &count) &&
        parse_u64(argv[4], &payload_bytes)) {
        const char *topic = "json/bench";
        int json = 0;
        for (int i = 5; i < argc; i++) {
            if (strcmp(argv[i], "json") == 0 && i == argc - 1)
                json = 1;
            else if (i == 5)
                topic = argv[i];
            else
                return usage();
        }
        return run_send(argv[2], count, payload_bytes, topic, json);
    }
    if (strcmp(mode, "send-paced") == 0 && (argc == 6 || argc == 7) && parse_u64(argv[3], &rate) &&
        parse_u64(argv[5], &payload_bytes)) {
        double seconds = parse_seconds(argv[4]);
        if (seconds <= 0) return usage();
        return run_send_paced(argv[2], rate, seconds, payload_bytes, argc == 7 ? argv[6] : "json/bench");
    }
    return usage();
}
