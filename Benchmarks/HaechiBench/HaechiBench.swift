// haechi-bench: the Swift side of `make bench`. Each subcommand prints one JSON line for run_bench.py.
import ArgumentParser
import Foundation
import Histogram
import LockFreeRing
import Logging
import TelemetryIngest
import ZeroMQIngest
import TransportSettings
import TelemetryModel
import SessionRecording
import Asterix
import Sapient
import SwiftProtobuf

#if canImport(Glibc)
import Glibc
#endif

@main
struct HaechiBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haechi-bench",
        abstract: "Haechi's figures for make bench; run_bench.py sets them beside their baselines.",
        subcommands: [Ring.self, Ingest.self, Latency.self, EndToEnd.self, Record.self, Decode.self])
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

// MARK: decode

/// The decode stage alone, on one core: the frame processor over frames already in memory, each a
/// detection as its sensor would send it. JSON telemetry v1 (`json`: a `detection` record of about
/// 128 B) beside ASTERIX (`asterix`: a CAT048 data block of `--plots` plots, each with I010, I140,
/// I020, I040, I110 and I161, after its radar's CAT034 north marker once) and SAPIENT (`sapient`: a
/// DetectionReport of about 150 B with range, bearing, elevation, their errors and one class, from a
/// node registered once, whose own object ids make tracks too). Counts detections handed on, so a
/// decoder that rejected its input could not flatter itself.
struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Detections decoded per second by the frame processor, on one core.")
    @Option(help: "json, asterix or sapient") var format: String = "json"
    @Option var frames: Int = 1_000_000
    @Option(help: "asterix: plots per datagram") var plots: Int = 1

    final class Counter: TelemetryRecordSink {
        var detections = 0
        func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64) {
            if case .detection = record { detections += 1 }
        }
    }

    func run() throws {
        let counter = Counter()
        let node = "5a9e6d3c-7b1f-4c2a-9e4d-3f6b8a1c2d01"
        let site = GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 10)
        let processor = FrameProcessor(endpointNames: ["bench"], maximumFrameBytes: 1 << 20, siteGeoidSeparation: 23,
                                       sapient: SapientSettings(sensors: [node: SensorDescription(sensorID: "radar-1", kind: "radar",
                                                                                                  position: site)]),
                                       siteOrigin: site, recordSinks: [counter])
        let now = WallClock.now().nanosecondsSinceEpoch
        let secondOfDay = Double((now % 86_400_000_000_000) / 1_000_000) / 1000
        let radar = AsterixSource(sac: 7, sic: 1)
        let topic: [UInt8], payloads: [[UInt8]], perFrame: Int
        if format == "asterix" {
            topic = Array("asterix/7-1".utf8)
            perFrame = plots
            var built: [[UInt8]] = []
            for k in 0..<64 {
                var records: [[UInt8]] = []
                for i in 0..<plots {
                    let range: Double = 1 + Double((k * plots + i) % 500) / 100
                    let azimuth = Double((k * 37 + i * 11) % 360)
                    records.append(AsterixWriter.plot(source: radar, timeOfDay: secondOfDay, rangeNM: range, azimuthDeg: azimuth,
                                                      heightFt: 400, trackNumber: UInt16(i)))
                }
                built.append(AsterixWriter.blocks(category: 48, records: records))
            }
            payloads = built
            // The radar's position, so that every plot also gets its elevation.
            let marker = AsterixWriter.blocks(category: 34, records: [AsterixWriter.northMarker(
                source: radar, timeOfDay: secondOfDay, rotationPeriodSeconds: 1, position: AsterixLatLon(latitudeDeg: 35.85, longitudeDeg: 126.55),
                heightM: 10)])
            FrameProcessor.lend([topic, marker]) { _ = processor.process(parts: $0, endpoint: 0, receivedAt: Timestamp(nanosecondsSinceEpoch: now)) }
        } else if format == "sapient" {
            topic = Array("sapient/\(node)".utf8)
            perFrame = 1
            func message(_ fill: (inout BSISapientMessage) -> Void) -> [UInt8] {
                var message = BSISapientMessage()
                message.timestamp = Google_Protobuf_Timestamp(seconds: now / 1_000_000_000, nanos: Int32(now % 1_000_000_000))
                message.nodeID = node
                fill(&message)
                return (try? message.serializedBytes()) ?? []
            }
            var built: [[UInt8]] = []
            for k in 0..<64 {
                var report = BSIDetectionReport()
                report.reportID = SapientIdentifier.ulid(milliseconds: UInt64(now / 1_000_000), entropy: (1, UInt64(k)))
                report.objectID = SapientIdentifier.ulid(milliseconds: UInt64(now / 1_000_000), entropy: (2, UInt64(k % 8)))
                var polar = BSIRangeBearing()
                polar.range = 1000 + Double(k * 7) + 0.5
                polar.azimuth = Double(k * 5) + 0.25
                polar.elevation = 2.5
                polar.rangeError = 5
                polar.azimuthError = 0.5
                polar.coordinateSystem = .degreesM
                polar.datum = .true
                report.rangeBearing = polar
                var classification = BSIDetectionReport.DetectionReportClassification()
                classification.type = "UAV"
                classification.confidence = 0.9
                report.classification = [classification]
                built.append(message { $0.detectionReport = report })
            }
            payloads = built
            let registration = message {
                $0.registration = BSIRegistration.sensorNode(type: .radar, name: "radar-1", model: "bench", statusIntervalSeconds: 1)
            }
            FrameProcessor.lend([topic, registration]) {
                _ = processor.process(parts: $0, endpoint: 0, receivedAt: Timestamp(nanosecondsSinceEpoch: now))
            }
        } else {
            topic = Array("json/radar-1".utf8)
            perFrame = 1
            var built: [[UInt8]] = []
            for k in 0..<64 {
                let line = #"{"type":"detection","t_ns":\#(now),"sensor_id":"radar-1","scan_id":\#(k),"det_id":\#(k),"#
                    + #""range_m":\#(1000 + k * 7).5,"azimuth_deg":\#(k * 5).25,"elevation_deg":2.5}"#
                built.append(Array(line.utf8))
            }
            payloads = built
        }
        let warmup = min(10_000, frames / 10)
        var start: UInt64 = 0
        var mallocAtStart: UInt64?
        let received = Timestamp(nanosecondsSinceEpoch: now)
        for (n, payload) in (0..<(frames + warmup)).lazy.map({ payloads[$0 % payloads.count] }).enumerated() {
            if n == warmup {
                mallocAtStart = MallocCounter.calls()
                start = DispatchTime.now().uptimeNanoseconds
            }
            topic.withUnsafeBytes { t in
                payload.withUnsafeBytes { p in
                    withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer.self, capacity: 2) { parts in
                        parts[0] = t
                        parts[1] = p
                        _ = processor.process(parts: UnsafeBufferPointer(parts), endpoint: 0, receivedAt: received,
                                              sequence: UInt64(n + 1))
                    }
                }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let expected = (frames + warmup) * perFrame
        guard counter.detections == expected else {
            throw ValidationError("decoded \(counter.detections) detections of \(expected)")
        }
        var allocations: Any = NSNull()
        if let begin = mallocAtStart, let end = MallocCounter.calls() { allocations = Double(end - begin) / Double(frames) }
        printJSON(["bench": "swift_decode", "format": format, "frames": frames, "plots_per_frame": perFrame, "seconds": seconds,
                   "frames_per_second": Double(frames) / seconds, "detections_per_second": Double(frames * perFrame) / seconds,
                   "allocations_per_frame": allocations])
    }
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

/// libzmq's CURVE test keys (as `zmq_raw --curve`): the endpoint's server key and the sender's public key.
let curveServerSecret = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"
let curveClientPublic = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"

func runPipeline(endpoint: String, frames: Int, decode: Bool, latency: Bool, timeout: Double, requireRecords: Bool,
                 curve: Bool = false) throws -> CountingSink {
    // With CURVE the endpoint admits the sender's key through Haechi's ZAP handler, for the json/ topics
    // zmq_raw sends on, so every frame also passes the source check a real CURVE endpoint makes.
    let security = curve ? CurveSettings(serverKeyFile: "(bench)", serverSecretKey: curveServerSecret, clients: [
        CurveClient(name: "zmq_raw", publicKey: curveClientPublic, topics: ["json/*"]),
    ]) : nil
    let settings = IngestSettings(
        endpoints: [IngestEndpoint(name: "bench", address: endpoint, socket: .pull, mode: .bind, receiveHighWaterMark: 100_000,
                                   curve: security)],
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
    @Flag(help: "Over CurveZMQ: the endpoint a CURVE server admitting zmq_raw --curve's key (libzmq's test keys).")
    var curve = false

    func run() throws {
        let sink = try runPipeline(endpoint: endpoint, frames: frames, decode: mode == "json", latency: false, timeout: timeout,
                                   requireRecords: mode == "json", curve: curve)
        let seconds = Double(sink.lastConsumed - sink.firstReceive) / 1e9
        var allocations: Any = NSNull()
        if let start = sink.mallocAtWarmup, let end = sink.mallocAtEnd {
            allocations = Double(end - start) / Double(frames - sink.warmup)
        }
        printJSON(["bench": "swift_ingest", "mode": mode, "curve": curve, "frames": frames, "payload_bytes": payloadBytes, "seconds": seconds,
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

// MARK: record

/// The recorder against a plain sequential write of the same bytes: the frames' topics and payloads
/// written with write(2) in 1 MiB blocks, then fsynced, as the recorder's finish fsyncs. One of each
/// per process, in fresh files under `directory`; Haechi first unless `--baseline-first` (run_bench.py
/// alternates the order between repetitions).
///
/// Right before each timed run a scratch file a little larger than either side's is written, synced
/// and removed (untimed), and each measured file is removed and synced as soon as it is measured.
/// Without this the two sides' speeds depended on what ran before them (whichever went second often
/// ran at a half to a sixth of its speed, the time going to the kernel's copy into the page cache).
/// On this project's VMs the guest reports free 2 MiB blocks to the host after about 2 s (free page
/// reporting; /sys/module/page_reporting); the first write to each page of such a block then costs a
/// fault on the host. `dd` of 424 MB with fsync runs at 2.5 GB/s within 2 s of removing a file as
/// large, and at 0.4 GB/s after 2 s. The scratch file gives both sides recently used pages, as a
/// long recording finds them once the page cache has filled the machine's memory.
struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record throughput (frames/s, MB/s) beside a raw sequential write of the same bytes.")
    @Option var directory: String
    @Option var frames: Int = 1_000_000
    @Option var payloadBytes: Int = 200
    @Option var sources: Int = 8
    @Option var compression: String = "none"
    @Flag(help: "Measure the raw write before the recorder (default: the recorder first).")
    var baselineFirst = false

    struct Timing {
        var seconds = 0.0      // everything: the frames, then the summary (recorder) and fsync
        var syncSeconds = 0.0  // of which: from the last frame handed over to the file closed
        var fileBytes = 0
    }

    func validate() throws {
        if RecordingCompression(compression) == nil { throw ValidationError("--compression must be none, zstd or lz4") }
        if frames < 1 || sources < 1 { throw ValidationError("--frames and --sources must be at least 1") }
    }

    func run() throws {
        let topics = (0..<sources).map { Array("json/radar-\($0)".utf8) }
        var payload = Array(#"{"type":"detection","t_ns":1,"sensor_id":"radar-0","scan_id":1,"azimuth_deg":1.5,"range_m":1200}"#.utf8)
        while payload.count < payloadBytes { payload.insert(0x20, at: payload.count - 1) }
        let dataBytes = Double(frames * payload.count) + Double((0..<frames).reduce(0) { $0 + topics[$1 % sources].count })
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let folder = open(directory, O_RDONLY | O_DIRECTORY)
        guard folder >= 0 else { throw ValidationError("cannot open \(directory)") }
        defer { close(folder) }
        let stamp = UUID().uuidString
        let recordPath = directory + "/bench-\(stamp).mcap", rawPath = directory + "/bench-\(stamp).raw"
        /// Removes a file and commits the removal (untimed): on a file system mounted with `discard`,
        /// freeing the blocks is otherwise paid by the next fsync, the next timed run's.
        func settle(_ path: String) {
            unlink(path)
            fsync(folder)
        }
        defer {
            settle(recordPath)
            settle(rawPath)
        }

        // Right before each timed run, a scratch file larger than either side's is written and
        // removed, so that both sides fill recently used pages (see the note above the struct).
        let warmBytes = Int(dataBytes * 1.3), warmPath = directory + "/bench-\(stamp).warm"
        defer { settle(warmPath) }
        func measureRecorder() throws -> Timing {
            try warmUp(path: warmPath, bytes: warmBytes, folder: folder)
            let timing = try writeRecording(path: recordPath, topics: topics, payload: payload)
            settle(recordPath)
            return timing
        }
        func measureRaw() throws -> Timing {
            try warmUp(path: warmPath, bytes: warmBytes, folder: folder)
            let timing = try writeRaw(path: rawPath, topics: topics, payload: payload)
            settle(rawPath)
            return timing
        }
        var record = Timing(), raw = Timing()
        if baselineFirst {
            raw = try measureRaw()
            record = try measureRecorder()
        } else {
            record = try measureRecorder()
            raw = try measureRaw()
        }

        printJSON(["bench": "record", "frames": frames, "payload_bytes": payload.count, "sources": sources,
                   "compression": compression, "order": baselineFirst ? "baseline_first" : "haechi_first",
                   "data_bytes": Int(dataBytes),
                   "record_seconds": record.seconds, "record_sync_seconds": record.syncSeconds,
                   "record_frames_per_second": Double(frames) / record.seconds,
                   "record_mb_per_second": dataBytes / record.seconds / 1e6, "file_bytes": record.fileBytes,
                   "raw_seconds": raw.seconds, "raw_sync_seconds": raw.syncSeconds,
                   "raw_frames_per_second": Double(frames) / raw.seconds,
                   "raw_mb_per_second": dataBytes / raw.seconds / 1e6, "ratio": raw.seconds / record.seconds])
    }

    /// Haechi: every frame through SessionRecorder.receive, as the raw stage calls it, then finish
    /// (summary, fsync, close). The clock starts after the file is created and its header written.
    func writeRecording(path: String, topics: [[UInt8]], payload: [UInt8]) throws -> Timing {
        let run = RunProvenance(runID: "bench", configFile: "-", configText: "-", version: "bench", commit: "-", siteName: "-",
                                siteOrigin: GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 5),
                                started: Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000))
        let recorder = try SessionRecorder(path: path, run: run, endpointNames: ["sensors"],
                                           options: RecordingOptions(compression: RecordingCompression(compression)!.codec))
        // The frames' parts, made once per source before the clock starts: the loop below only
        // builds the RawFrame and hands it over, as the raw stage does with its arena's bytes.
        let count = frames, sourceCount = sources
        let keys = topics.map { String(decoding: $0, as: UTF8.self) }
        let body = UnsafeMutableRawBufferPointer.allocate(byteCount: payload.count, alignment: 16)
        body.copyBytes(from: payload)
        let heads = topics.map { topic -> UnsafeMutableRawBufferPointer in
            let head = UnsafeMutableRawBufferPointer.allocate(byteCount: topic.count, alignment: 16)
            head.copyBytes(from: topic)
            return head
        }
        let parts = heads.map { head -> UnsafeMutableBufferPointer<UnsafeRawBufferPointer> in
            let pair = UnsafeMutableBufferPointer<UnsafeRawBufferPointer>.allocate(capacity: 2)
            pair[0] = UnsafeRawBufferPointer(head)
            pair[1] = UnsafeRawBufferPointer(body)
            return pair
        }
        defer {
            parts.forEach { $0.deallocate() }
            heads.forEach { $0.deallocate() }
            body.deallocate()
        }
        let clock = ContinuousClock()
        let began = clock.now
        var source = 0
        for i in 0..<count {
            let frame = RawFrame(receiveSequence: UInt64(i), receiveTime: Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000 + Int64(i) * 1000),
                                 endpointIndex: 0, sourceKey: keys[source], parts: UnsafeBufferPointer(parts[source]), rejection: nil)
            recorder.receive(frame)
            if i & 4095 == 0 { recorder.idle() }
            source += 1
            if source == sourceCount { source = 0 }
        }
        let handedOver = clock.now
        try recorder.finish(end: [:])
        let ended = clock.now
        blackHole(recorder.framesRecorded)
        guard recorder.framesRecorded == UInt64(count) else { throw ValidationError("the recorder wrote \(recorder.framesRecorded) of \(count) frames") }
        let fileBytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Timing(seconds: (ended - began).inSeconds, syncSeconds: (ended - handedOver).inSeconds, fileBytes: fileBytes)
    }

    /// The baseline: the same bytes, sequentially, 1 MiB per write(2), then fsync and close.
    func writeRaw(path: String, topics: [[UInt8]], payload: [UInt8]) throws -> Timing {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw ValidationError("cannot create \(path)") }
        var block = [UInt8]()
        block.reserveCapacity(1 << 20)
        let count = frames, sourceCount = sources
        let clock = ContinuousClock()
        let began = clock.now
        var source = 0
        for _ in 0..<count {
            block.append(contentsOf: topics[source])
            block.append(contentsOf: payload)
            source += 1
            if source == sourceCount { source = 0 }
            if block.count >= 1 << 20 {
                try writeAll(descriptor, block, path: path)
                block.removeAll(keepingCapacity: true)
            }
        }
        try writeAll(descriptor, block, path: path)
        let handedOver = clock.now
        guard fsync(descriptor) == 0 else { throw ValidationError("fsync of \(path) failed (errno \(errno))") }
        close(descriptor)
        let ended = clock.now
        return Timing(seconds: (ended - began).inSeconds, syncSeconds: (ended - handedOver).inSeconds, fileBytes: 0)
    }

    /// Writes `bytes` to a scratch file with fsync, and removes it (untimed): the page cache's pages
    /// are then free and recently used for the write that follows.
    func warmUp(path: String, bytes: Int, folder: Int32) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw ValidationError("cannot create \(path)") }
        let block = [UInt8](repeating: 0x78, count: 1 << 20)
        var written = 0
        while written < bytes {
            try writeAll(descriptor, block, path: path)
            written += block.count
        }
        fsync(descriptor)
        close(descriptor)
        unlink(path)
        fsync(folder)  // the removal committed now, not by the timed run's fsync
    }

    /// write(2) until every byte is out; a failure ends the run (a baseline that skipped bytes would
    /// look faster than it is).
    func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ValidationError("write to \(path) failed (errno \(errno))")
                }
                offset += n
            }
        }
    }
}

extension Duration {
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
