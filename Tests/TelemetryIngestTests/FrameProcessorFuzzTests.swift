// Seeded random and mutated input: nothing crashes, and every message is counted exactly once.
import Testing
import TelemetryIngest
import TelemetryModel
import Foundation
import TestSupport


@Suite("Frame processor under hostile input")
struct FrameProcessorFuzzTests {
    /// Iterations per seed; raise with HAECHI_FUZZ_ITERATIONS for long runs.
    static let iterations = ProcessInfo.processInfo.environment["HAECHI_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 3_000

    static let seeds: [UInt64] = [1, 2, 3]

    static let validJSON = [
        #"{"type":"detection","t_ns":1748736016000000000,"sensor_id":0,"scan_id":16,"det_id":143,"drone_id":7,"range_m":2189.99,"azimuth_deg":132.16,"elevation_deg":6.9,"seq":4}"#,
        #"{"type":"scan","t_ns":9,"sensor_id":"rf-1","scan_id":9,"n_detections":1,"detections":[{"azimuth_deg":10.5}]}"#,
        #"{"type":"status","t_ns":9,"sensor_id":"radar-1","lat":35.85,"lon":126.55,"alt":15.2,"state":"ok","seq":17}"#,
        #"{"type":"truth","t":1748736016.0,"drone_id":7,"lat":35.8,"lon":126.5,"alt":279.7,"enu":[1,2,3],"vel_enu":[0,0,0]}"#,
    ].map { Array($0.utf8) }

    /// Flips, inserts, deletes and duplicates bytes.
    static func mutate(_ bytes: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var b = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0 where !b.isEmpty: b[Int.random(in: 0..<b.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            case 1: b.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...b.count, using: &rng))
            case 2 where !b.isEmpty: b.remove(at: Int.random(in: 0..<b.count, using: &rng))
            case 3 where !b.isEmpty:
                let i = Int.random(in: 0..<b.count, using: &rng)
                b.insert(contentsOf: b[i..<min(b.count, i + 8)], at: i)
            default: break
            }
        }
        return b
    }

    @Test("Mutated JSON, mutated MAVLink and random bytes are all counted, never fatal", arguments: seeds)
    func hostile(seed: UInt64) throws {
        var rng = SeededGenerator(state: seed)
        let sink = CapturingSink()
        let feeder = RawFrameFeeder(FrameProcessor(endpointNames: ["e"], maximumFrameBytes: 4096, siteGeoidSeparation: 23, recordSinks: [sink]),
                                    endpointNames: ["e"], rawSinks: [sink])
        let processor = feeder.processor
        var mavlink: [UInt8] = []
        for s in 0..<4 { mavlink += heartbeat(sequence: UInt8(s)) }
        let topics = ["json/a", "mavlink/b", "json/c", "xml/d", "junk"].map { Array($0.utf8) }
        var sent = 0
        for _ in 0..<Self.iterations {
            let topic = topics[Int.random(in: 0..<topics.count, using: &rng)]
            let payload: [UInt8]
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: payload = Self.mutate(Self.validJSON[Int.random(in: 0..<Self.validJSON.count, using: &rng)], using: &rng)
            case 1: payload = Self.mutate(mavlink, using: &rng)
            default: payload = (0..<Int.random(in: 0..<64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            let parts = Int.random(in: 0..<20, using: &rng) == 0 ? [topic] : [topic, payload]
            feeder.feed(parts, endpoint: 0, receivedAt: Timestamp(nanosecondsSinceEpoch: Int64(sent)), sequence: UInt64(sent))
            sent += 1
        }
        let stats = processor.statistics
        #expect(stats.receiveSequence == UInt64(sent))
        #expect(stats.totals.framesReceived == UInt64(sent))
        // Frame by frame: every message reached the raw sink once, in order; every accepted JSON
        // message gave exactly one record, but for the truth fixes the truth checks kept out (each
        // one counted there); the malformed count is exactly the rejected frames.
        #expect(sink.frames.map(\.sequence) == Array(0..<UInt64(sent)))
        #expect(stats.totals.framesMalformed == UInt64(sink.frames.filter { $0.rejection != nil }.count))
        let acceptedJSON = sink.frames.filter { $0.rejection == nil && $0.source.hasPrefix("json/") }.map(\.sequence)
        let jsonRecords = sink.records.filter { $0.1.hasPrefix("json/") }.map(\.2)
        let handedOn = Set(jsonRecords)
        let keptOut = acceptedJSON.filter { !handedOn.contains($0) }
        #expect(jsonRecords == acceptedJSON.filter { handedOn.contains($0) })
        let truth = stats.truth
        let excluded = truth.drones.values.reduce(truth.fixesBeyondDroneLimit + truth.unattributedFixes) { $0 + $1.otherSenderFixes + $1.jumps }
        #expect(UInt64(keptOut.count) == excluded)
        for sequence in keptOut {
            #expect(String(decoding: sink.frames[Int(sequence)].parts[1], as: UTF8.self).contains("truth"))
        }
        for frame in sink.frames where frame.rejection == nil {
            #expect(frame.parts.count == 2 && !frame.parts[1].isEmpty)
        }
        #expect(stats.sources["xml/d"]?.malformed.keys.allSatisfy { $0 == .unknownFormat || $0 == .badEnvelope || $0 == .emptyFrame } ?? true)
    }
}
