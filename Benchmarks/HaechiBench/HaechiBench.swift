// haechi-bench: the Swift side of `make bench`. Each subcommand prints one JSON line for run_bench.py.
import ArgumentParser
import Foundation
import Histogram
import LockFreeRing
import Logging
import TelemetryIngest
import TelemetryModel

#if canImport(Glibc)
import Glibc
#endif

@main
struct HaechiBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haechi-bench",
        abstract: "Haechi's figures for make bench; run_bench.py sets them beside their baselines.",
        subcommands: [Ring.self, Ingest.self, Latency.self])
}

/// Keeps a value alive so the optimiser cannot delete the work that made it (STYLE 12).
@inline(never)
func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

func printJSON(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

/// The malloc counter of Benchmarks/c/malloc_count.c, when it is preloaded.
enum MallocCounter {
    typealias Reader = @convention(c) () -> UInt64
    static let reader: Reader? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "haechi_malloc_calls") else { return nil }
        return unsafeBitCast(symbol, to: Reader.self)
    }()
    static func calls() -> UInt64? { reader?() }
}

// MARK: ring

struct Item8 { var a: UInt64 = 0 }
struct Item64 { var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0, d: UInt64 = 0, e: UInt64 = 0, f: UInt64 = 0, g: UInt64 = 0, h: UInt64 = 0 }

protocol BenchItem: Sendable { init(_ n: UInt64); var checksum: UInt64 { get } }
extension Item8: BenchItem {
    init(_ n: UInt64) { a = n }
    var checksum: UInt64 { a }
}
extension Item64: BenchItem {
    init(_ n: UInt64) { a = n; b = n &+ 1; c = n &+ 2; d = n &+ 3; e = n &+ 4; f = n &+ 5; g = n &+ 6; h = n &+ 7 }
    var checksum: UInt64 { a &+ b &+ c &+ d &+ e &+ f &+ g &+ h }
}

struct Ring: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "LockFreeRing items/s, one producer and one consumer, batches of 256.")
    @Option var itemBytes: Int = 8
    @Option var items: Int = 50_000_000

    func run() throws {
        let seconds = itemBytes == 64 ? measure(Item64.self) : measure(Item8.self)
        printJSON(["bench": "swift_ring", "item_bytes": itemBytes, "items": items, "seconds": seconds,
                   "items_per_second": Double(items) / seconds])
    }

    func measure<T: BenchItem>(_ type: T.Type) -> Double {
        // Busy-spin on both sides, as the C baseline does: each side has a core of its own here.
        let ring = LockFreeRing<T>(capacity: 65_536, consumers: 1, waitStrategy: BusySpinWait())
        let total = Int64(items)
        let done = DispatchSemaphore(value: 0)
        let result = ResultCell()
        Thread.detachNewThread {
            var seen: Int64 = 0
            var sum: UInt64 = 0
            while seen < total {
                seen += Int64(ring.drain(0, maxBatch: 256) { _, item in sum &+= item.checksum })
            }
            result.sum = sum
            done.signal()
        }
        let start = ContinuousClock.now
        var next: Int64 = 0
        while next < total {
            let n = Int(min(256, total - next))
            var first: Int64? = ring.tryClaim(n)
            while first == nil { first = ring.tryClaim(n) }
            for s in first!..<first! + Int64(n) { ring.store(T(UInt64(s)), at: s) }
            ring.publish(through: first! + Int64(n) - 1)
            next += Int64(n)
        }
        done.wait()
        let elapsed = ContinuousClock.now - start
        blackHole(result.sum)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

final class ResultCell: @unchecked Sendable {
    // Invariant: written by one thread before it signals, read by another after it waits.
    var sum: UInt64 = 0
}

// MARK: ingest

/// Counts frames at the end of the pipeline (the raw stage) and notes when the last one arrived.
final class CountingSink: RawFrameSink, @unchecked Sendable {
    // Invariant: `receive` runs on the raw stage's thread only; the fields are read after `done` is signalled.
    let target: Int
    let warmup: Int
    let done = DispatchSemaphore(value: 0)
    var count = 0
    var firstReceive: Int64 = 0
    var lastConsumed: Int64 = 0
    var mallocAtWarmup: UInt64?
    var mallocAtEnd: UInt64?
    var latency: Histogram<UInt64>?
    var checksum: UInt64 = 0

    init(target: Int, warmup: Int, latency: Bool) {
        self.target = target
        self.warmup = warmup
        if latency { self.latency = Histogram(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three) }
    }

    func receive(_ frame: borrowing RawFrame) {
        count += 1
        checksum &+= UInt64(frame.payload.count)
        if count == 1 { firstReceive = frame.receiveTime.nanosecondsSinceEpoch }
        if latency != nil {
            let now = WallClock.now().nanosecondsSinceEpoch
            _ = latency!.record(UInt64(max(0, now - frame.receiveTime.nanosecondsSinceEpoch)))
        }
        if count == warmup { mallocAtWarmup = MallocCounter.calls() }
        if count == target {
            mallocAtEnd = MallocCounter.calls()
            lastConsumed = WallClock.now().nanosecondsSinceEpoch
            done.signal()
        }
    }
}

func runPipeline(endpoint: String, frames: Int, decode: Bool, latency: Bool, timeout: Double, requireRecords: Bool) throws -> CountingSink {
    let settings = IngestSettings(
        endpoints: [IngestEndpoint(name: "bench", address: endpoint, socket: .pull, mode: .bind, receiveHighWaterMark: 100_000)],
        maximumFrameBytes: 4096, pipeline: PipelineSettings(decodeFrames: decode))
    var logger = Logger(label: "bench")
    logger.logLevel = .error   // stdout carries only the JSON line run_bench.py reads
    let ingestor = try TelemetryIngestor(settings: settings, logger: logger)
    let sink = CountingSink(target: frames, warmup: min(10_000, frames / 10), latency: latency)
    try ingestor.start(rawSinks: [sink])
    guard sink.done.wait(timeout: .now() + timeout) == .success else {
        ingestor.stop()
        throw ValidationError("timed out after \(sink.count) of \(frames) frames")
    }
    let statistics = ingestor.stop()
    if requireRecords {
        // The JSON path must have decoded every frame into a record, or the figure would flatter it.
        let records = statistics.totals.records.values.reduce(0, +)
        guard records >= UInt64(frames) else { throw ValidationError("decoded \(records) records of \(frames) frames") }
    }
    blackHole(sink.checksum)
    return sink
}

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Frames/s through receive → ring → consumer, from a sender over TCP.")
    @Option var endpoint: String
    @Option var frames: Int = 2_000_000
    @Option var payloadBytes: Int = 64
    @Option(help: "raw (record only) or json (decode too)") var mode: String = "raw"
    @Option var timeout: Double = 120

    func run() throws {
        let sink = try runPipeline(endpoint: endpoint, frames: frames, decode: mode == "json", latency: false, timeout: timeout,
                                   requireRecords: mode == "json")
        let seconds = Double(sink.lastConsumed - sink.firstReceive) / 1e9
        var allocations: Any = NSNull()
        if let start = sink.mallocAtWarmup, let end = sink.mallocAtEnd {
            allocations = Double(end - start) / Double(frames - sink.warmup)
        }
        printJSON(["bench": "swift_ingest", "mode": mode, "frames": frames, "payload_bytes": payloadBytes, "seconds": seconds,
                   "frames_per_second": Double(frames - 1) / seconds, "allocations_per_frame": allocations])
    }
}

struct Latency: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Receive-to-consumer latency at a paced rate (HdrHistogram).")
    @Option var endpoint: String
    @Option var rate: Int = 10_000
    @Option var seconds: Double = 3
    @Option var timeout: Double = 120

    func run() throws {
        let frames = Int(Double(rate) * seconds)
        // Through every stage, decode included (the paced sender's payloads carry its send time, not JSON,
        // so they are classified and counted as malformed: the decode stage still sees each one).
        let sink = try runPipeline(endpoint: endpoint, frames: frames, decode: true, latency: true, timeout: timeout,
                                   requireRecords: false)
        let h = sink.latency!
        func us(_ p: Double) -> Double { Double(h.valueAtPercentile(p)) / 1000 }
        printJSON(["bench": "swift_latency", "rate": rate, "frames": frames, "p50_us": us(50), "p99_us": us(99), "p999_us": us(99.9)])
    }
}
