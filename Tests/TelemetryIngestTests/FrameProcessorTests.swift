// The decode-and-count stage: every reason counted where it belongs, every frame handed on.
import Testing
import TelemetryIngest
import TestSupport
import TelemetryModel
import Foundation

/// Keeps copies of every frame and record handed to it.
final class CapturingSink: RawFrameSink, TelemetryRecordSink {
    struct Frame: Equatable {
        var sequence: UInt64, source: String, parts: [[UInt8]], rejection: RejectReason?, wasDecoded = true, truncated = false
    }
    var frames: [Frame] = []
    /// Each frame's ``RawFrame/payloadBytes``, in order.
    var payloadBytes: [Int] = []
    /// Each frame's sender, in the order of `frames`.
    var senders: [FrameSender?] = []
    var records: [(TelemetryRecord, String, UInt64)] = []

    func receive(_ frame: borrowing RawFrame) {
        senders.append(frame.sender)
        frames.append(Frame(sequence: frame.receiveSequence, source: frame.sourceKey,
                            parts: frame.parts.map { Array($0) }, rejection: frame.rejection, wasDecoded: frame.wasDecoded,
                            truncated: frame.isTruncated))
        payloadBytes.append(frame.payloadBytes)
    }

    func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64) {
        records.append((record, source.description, receiveSequence))
    }
}

/// A MAVLink v2 frame built here from the wire rules (independently of the parser under test).
func mavlinkFrame(messageID: UInt32, payload: [UInt8], sequence: UInt8, system: UInt8 = 1, component: UInt8 = 1, crcExtra: UInt8) -> [UInt8] {
    var trimmed = payload
    while trimmed.count > 1, trimmed.last == 0 { trimmed.removeLast() }
    var frame: [UInt8] = [0xFD, UInt8(trimmed.count), 0, 0, sequence, system, component,
                          UInt8(messageID & 0xFF), UInt8((messageID >> 8) & 0xFF), UInt8(messageID >> 16)]
    frame += trimmed
    var crc = MAVLinkCRC()
    Array(frame.dropFirst()).withUnsafeBytes { crc.accumulate($0) }
    crc.accumulate(crcExtra)
    return frame + [UInt8(crc.value & 0xFF), UInt8(crc.value >> 8)]
}

func heartbeat(sequence: UInt8, system: UInt8 = 1) -> [UInt8] {
    mavlinkFrame(messageID: 0, payload: [0, 0, 0, 0, 2, 3, 81, 4, 3], sequence: sequence, system: system, crcExtra: 50)
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite("Frame processor")
struct FrameProcessorTests {
    let now = Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000)

    func processor(_ sink: CapturingSink? = nil, maxBytes: Int = 1024) -> FrameProcessor {
        FrameProcessor(endpointNames: ["sensors", "drones"], maximumFrameBytes: maxBytes, siteGeoidSeparation: 23,
                       recordSinks: sink.map { [$0] } ?? [])
    }

    @Test("Each kind of bad input is counted under its source and reason, and nothing else")
    func everyReason() throws {
        let p = processor(maxBytes: 100)
        let detection = bytes(#"{"type":"detection","t_ns":5,"sensor_id":0,"scan_id":1,"azimuth_deg":1}"#)
        p.process(parts: [bytes("json/a"), bytes("{nope")], endpoint: 0, receivedAt: now)
        p.process(parts: [bytes("json/a"), bytes(#"{"type":"detection"}"#)], endpoint: 0, receivedAt: now)
        p.process(parts: [bytes("json/a"), []], endpoint: 0, receivedAt: now)
        p.process(parts: [bytes("json/a"), Array(repeating: 0x20, count: 101)], endpoint: 0, receivedAt: now)
        p.process(parts: [bytes("json/a"), detection, detection], endpoint: 0, receivedAt: now)
        p.process(parts: [bytes("json/a")], endpoint: 0, receivedAt: now)
        p.process(parts: [bytes("xml/b"), bytes("<x/>")], endpoint: 0, receivedAt: now)
        p.process(parts: [bytes("nonsense"), bytes("x")], endpoint: 1, receivedAt: now)
        p.process(parts: [[0xFF, 0x2F, 0x41], bytes("x")], endpoint: 1, receivedAt: now)
        p.process(parts: [bytes("json/a"), detection], endpoint: 0, receivedAt: now)
        var bad = heartbeat(sequence: 0)
        bad[bad.count - 1] ^= 0x55
        let unknown = mavlinkFrame(messageID: 30, payload: [1, 2, 3], sequence: 1, crcExtra: 39)
        p.process(parts: [bytes("mavlink/c"), bad + unknown + [1, 2, 3] + heartbeat(sequence: 2)], endpoint: 1, receivedAt: now)

        let stats = p.statistics
        let a = try #require(stats.sources["json/a"])
        #expect(a.framesReceived == 7)
        #expect(a.framesMalformed == 6)
        #expect(a.malformed == [.malformedJSON: 1, .schemaInvalid: 1, .emptyFrame: 1, .oversizeFrame: 1, .badEnvelope: 2])
        #expect(a.records == [.detection: 1])
        #expect(a.firstRecordTime == Timestamp(nanosecondsSinceEpoch: 5))
        #expect(stats.sources["xml/b"]?.malformed == [.unknownFormat: 1])
        #expect(stats.sources["!bad-topic@drones"]?.malformed == [.badTopic: 2])
        #expect(stats.sources["!bad-topic@drones"]?.framesReceived == 2)
        let c = try #require(stats.sources["mavlink/c"])
        #expect(c.framesReceived == 1)
        #expect(c.framesMalformed == 1)
        #expect(c.malformed == [.mavlinkCRC: 1, .mavlinkUnknownMessage: 1, .mavlinkBadFrame: 1])
        #expect(c.records == [.heartbeat: 1])
        #expect(stats.endpointFrames == [8, 3])
        #expect(stats.receiveSequence == 11)
        let totals = stats.totals
        #expect(totals.framesReceived == 11)
        #expect(totals.framesMalformed == 10)
        #expect(totals.malformed.values.reduce(0, +) == 12)
    }

    @Test("Every frame, good or bad, reaches the raw sink whole, numbered in receive order")
    func rawSinkSeesEverything() {
        let sink = CapturingSink()
        let p = RawFrameFeeder(processor(sink), endpointNames: ["sensors", "drones"], rawSinks: [sink])
        let messages: [[[UInt8]]] = [
            [bytes("json/a"), bytes(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":0}"#)],
            [bytes("json/a"), bytes("{")],
            [bytes("junk")],
            [bytes("json/a"), [1], [2, 3]],
            [bytes("mavlink/d"), heartbeat(sequence: 9)],
        ]
        for (i, m) in messages.enumerated() { p.feed(m, endpoint: i % 2, receivedAt: now, sequence: UInt64(i)) }
        #expect(sink.frames.map(\.parts) == messages)
        #expect(sink.frames.map(\.sequence) == [0, 1, 2, 3, 4])
        #expect(sink.frames.map(\.rejection) == [nil, .malformedJSON, .badEnvelope, .badEnvelope, nil])
        #expect(sink.frames.map(\.source) == ["json/a", "json/a", "!bad-topic@sensors", "json/a", "mavlink/d"])
    }

    @Test("A batched scan counts one scan and each detection; records reach the record sink")
    func batchedScanCounts() throws {
        let sink = CapturingSink()
        let p = processor(sink)
        p.process(parts: [bytes("json/r"), bytes(#"{"type":"scan","t_ns":9,"sensor_id":0,"scan_id":0,"n_detections":3,"detections":[{"azimuth_deg":1},{"azimuth_deg":2},{"azimuth_deg":3}]}"#)],
                  endpoint: 0, receivedAt: now)
        #expect(p.statistics.sources["json/r"]?.records == [.scan: 1, .detection: 3])
        #expect(sink.records.count == 1)
        #expect(sink.records.first?.1 == "json/r")
    }

    @Test("A leading zero or invalid UTF-8 anywhere in a JSON payload counts as malformed_json, and is handed on flagged")
    func grammarFaultsAreMalformedJSON() throws {
        let sink = CapturingSink()
        let feeder = RawFrameFeeder(processor(sink), endpointNames: ["sensors", "drones"], rawSinks: [sink])
        let p = feeder.processor
        let status = #"{"type":"status","t_ns":1,"sensor_id":"s","lat":0,"lon":0,"alt":0"#
        let payloads: [[UInt8]] = [
            bytes(status + #","gain":012}"#),                                    // in a field no one reads
            bytes(status + #","seq":07}"#),                                      // in a field the decoder reads
            bytes(status + #","note":"a"#) + [0xFF, 0xFE] + bytes(#""}"#),     // bytes that are never UTF-8
            bytes(status + #","note":""#) + [0xED, 0xA0, 0x80] + bytes(#""}"#), // an encoded surrogate
            bytes(status + "}"),                                                 // the same record, sound
        ]
        for (i, payload) in payloads.enumerated() { feeder.feed([bytes("json/g"), payload], endpoint: 0, receivedAt: now, sequence: UInt64(i)) }
        let g = try #require(p.statistics.sources["json/g"])
        #expect(g.framesReceived == 5)
        #expect(g.framesMalformed == 4)
        #expect(g.malformed == [.malformedJSON: 4])
        #expect(g.records == [.status: 1])
        #expect(sink.frames.map(\.rejection) == [.malformedJSON, .malformedJSON, .malformedJSON, .malformedJSON, nil])
        #expect(sink.frames.map(\.parts) == payloads.map { [bytes("json/g"), $0] })
        #expect(sink.records.count == 1)
    }

    @Test("JSON seq: gaps, missing numbers and steps back", arguments: [
        ([UInt64](), SequenceCounters()),
        ([5, 6, 7], counters(checked: 3)),
        ([0, 1, 4, 5, 9], counters(checked: 5, gaps: 2, missing: 5)),
        ([3, 3, 2, 4], counters(checked: 4, outOfOrder: 2)),
        ([10, 8, 11, 13], counters(checked: 4, gaps: 1, missing: 1, outOfOrder: 1)),
        ([500, 3, 4, 10], counters(checked: 4, gaps: 1, missing: 5, restarts: 1)),          // restarted far back
        ([7, 8, 0, 1, 2], counters(checked: 5, restarts: 1)),                               // restarted at 0
        ([5, 1_000_000, 6, 7], counters(checked: 4, gaps: 1, missing: 999_994, restarts: 1)), // one bogus number
    ])
    func jsonSequence(seqs: [UInt64], expected: SequenceCounters) {
        let p = processor()
        for seq in seqs {
            p.process(parts: [bytes("json/s"), bytes(#"{"type":"status","t_ns":1,"sensor_id":"s","lat":0,"lon":0,"alt":0,"seq":\#(seq)}"#)],
                      endpoint: 0, receivedAt: now)
        }
        #expect((p.statistics.sources["json/s"]?.sequence ?? SequenceCounters()) == expected)
    }

    @Test("MAVLink seq is checked modulo 256, per system, and a corrupt frame shows as a gap")
    func mavlinkSequence() {
        let p = processor()
        var payload: [UInt8] = []
        for s in [UInt8(254), 255, 0, 1] { payload += heartbeat(sequence: s) }        // wraps cleanly
        payload += heartbeat(sequence: 5)                                            // gap of 3
        payload += heartbeat(sequence: 5)                                            // repeat
        payload += heartbeat(sequence: 100, system: 2)                               // other system: first seen
        var corrupt = heartbeat(sequence: 6)
        corrupt[12] ^= 1
        payload += corrupt + heartbeat(sequence: 7)                                  // 6 lost to the CRC: gap of 1
        p.process(parts: [bytes("mavlink/x"), payload], endpoint: 1, receivedAt: now)
        #expect(p.statistics.sources["mavlink/x"]?.sequence == counters(checked: 8, gaps: 2, missing: 4, outOfOrder: 1))
    }

    @Test("MAVLink positions become truth fixes, counted by clock")
    func truthFixes() throws {
        let sink = CapturingSink()
        let p = processor(sink)
        func position(_ bootMs: UInt32, seq: UInt8) -> [UInt8] {
            var payload = [UInt8](repeating: 0, count: 28)
            withUnsafeBytes(of: bootMs.littleEndian) { payload.replaceSubrange(0..<4, with: $0) }
            withUnsafeBytes(of: Int32(358_500_000).littleEndian) { payload.replaceSubrange(4..<8, with: $0) }
            withUnsafeBytes(of: Int32(1_265_500_000).littleEndian) { payload.replaceSubrange(8..<12, with: $0) }
            withUnsafeBytes(of: Int32(50_000).littleEndian) { payload.replaceSubrange(12..<16, with: $0) }
            return mavlinkFrame(messageID: 33, payload: payload, sequence: seq, crcExtra: 104)
        }
        var systemTime = [UInt8](repeating: 0, count: 12)
        withUnsafeBytes(of: UInt64(1_748_736_060_000_000).littleEndian) { systemTime.replaceSubrange(0..<8, with: $0) }
        withUnsafeBytes(of: UInt32(60_000).littleEndian) { systemTime.replaceSubrange(8..<12, with: $0) }
        p.process(parts: [bytes("mavlink/drone-1"), position(59_000, seq: 0)], endpoint: 1, receivedAt: now)
        p.process(parts: [bytes("mavlink/drone-1"), mavlinkFrame(messageID: 2, payload: systemTime, sequence: 1, crcExtra: 137) + position(61_000, seq: 2)],
                  endpoint: 1, receivedAt: now)
        let stats = try #require(p.statistics.sources["mavlink/drone-1"])
        #expect(stats.truthFixes == [.receive: 1, .systemTime: 1])
        #expect(stats.records == [.globalPositionInt: 2, .systemTime: 1])
        #expect(stats.lastRecordTime == now)
        #expect(stats.firstRecordTime == Timestamp(nanosecondsSinceEpoch: 1_748_736_061_000_000_000))
        let fixes = sink.records.compactMap { if case .truth(let fix) = $0.0 { fix } else { nil } }
        #expect(fixes.map(\.position.ellipsoidalHeight) == [73, 73])
        #expect(fixes.map(\.droneID) == ["drone-1", "drone-1"])
    }
}

func counters(checked: UInt64 = 0, gaps: UInt64 = 0, missing: UInt64 = 0, outOfOrder: UInt64 = 0, restarts: UInt64 = 0) -> SequenceCounters {
    var c = SequenceCounters()
    c.checked = checked
    c.gaps = gaps
    c.missing = missing
    c.outOfOrder = outOfOrder
    c.restarts = restarts
    return c
}

@Suite("Frame processor limits")
struct FrameProcessorLimitTests {
    let now = Timestamp(nanosecondsSinceEpoch: 1)

    @Test("Hostile sequence numbers saturate the totals instead of trapping")
    func saturation() {
        let p = FrameProcessor(endpointNames: ["e"], maximumFrameBytes: 1024, siteGeoidSeparation: 0)
        for source in 0..<3 {
            for seq in [Int64(0), .max] {
                p.process(parts: [bytes("json/s\(source)"), bytes(#"{"type":"status","t_ns":1,"sensor_id":1,"lat":0,"lon":0,"alt":0,"seq":\#(seq)}"#)],
                          endpoint: 0, receivedAt: now)
            }
        }
        let totals = p.statistics.totals
        #expect(totals.sequence.missing == .max)
        #expect(totals.sequence.gaps == 3)
    }

    @Test("New topics beyond the source limit are counted under the endpoint's overflow source")
    func sourceCap() {
        let p = FrameProcessor(endpointNames: ["e"], maximumFrameBytes: 1024, maximumSources: 3, siteGeoidSeparation: 0)
        for i in 0..<10 {
            p.process(parts: [bytes("json/s\(i)"), bytes("{")], endpoint: 0, receivedAt: now)
        }
        p.process(parts: [bytes("json/s1"), bytes("{")], endpoint: 0, receivedAt: now)
        let stats = p.statistics
        #expect(stats.sources.count == 4)
        #expect(stats.sources["!overflow@e"]?.framesReceived == 7)
        #expect(stats.sources["json/s1"]?.framesReceived == 2)
        #expect(stats.totals.framesReceived == 11)
    }

    @Test("A topic keeps its source across endpoints; past the cap each endpoint's new topics go to its own overflow")
    func sourcesAcrossEndpoints() {
        let p = FrameProcessor(endpointNames: ["e0", "e1"], maximumFrameBytes: 1024, maximumSources: 2, siteGeoidSeparation: 0)
        let frames: [(String, Int)] = [("json/a", 0), ("json/a", 1), ("json/b", 0), ("json/c", 1), ("json/c", 0), ("json/c", 0),
                                       ("junk", 1), ("json/a", 0), ("json/b", 1)]
        for (topic, endpoint) in frames {
            p.process(parts: [bytes(topic), bytes("{")], endpoint: endpoint, receivedAt: now)
        }
        let counts = p.statistics.sources.mapValues(\.framesReceived)
        #expect(counts == ["json/a": 3, "json/b": 2, "!overflow@e1": 2, "!overflow@e0": 2])
        #expect(p.statistics.sources["!overflow@e0"]?.malformed == [.malformedJSON: 2])
    }

    @Test("Past the source cap frames are counted under the overflow source but keep their topic for the recorder")
    func overflowFramesKeepTopic() {
        let sink = CapturingSink()
        let feeder = RawFrameFeeder(FrameProcessor(endpointNames: ["e"], maximumFrameBytes: 1024, maximumSources: 1, siteGeoidSeparation: 0),
                                    endpointNames: ["e"], rawSinks: [sink])
        for (i, topic) in ["json/a", "json/b", "junk"].enumerated() {
            feeder.feed([bytes(topic), bytes("{")], endpoint: 0, receivedAt: now, sequence: UInt64(i))
        }
        #expect(feeder.processor.statistics.sources.keys.sorted() == ["!overflow@e", "json/a"])
        #expect(sink.frames.map(\.source) == ["json/a", "json/b", "!bad-topic@e"])
    }

    @Test("The overflow source counts records but checks no sequence and makes no truth")
    func overflowPools() {
        let p = FrameProcessor(endpointNames: ["e"], maximumFrameBytes: 1024, maximumSources: 1, siteGeoidSeparation: 0)
        p.process(parts: [bytes("json/first"), bytes("{")], endpoint: 0, receivedAt: now)
        for (i, s) in [UInt8(0), 7, 3].enumerated() {
            p.process(parts: [bytes("mavlink/d\(i)"), heartbeat(sequence: s)], endpoint: 0, receivedAt: now)
        }
        let overflow = p.statistics.sources["!overflow@e"]
        #expect(overflow?.records == [.heartbeat: 3])
        #expect(overflow?.sequence == SequenceCounters())
        #expect(overflow?.truthFixes == [:])
    }

    @Test("Each record reaches the sinks with its own frame's receive time; a sink that takes none still gets the record")
    func recordsCarryReceiveTime() {
        final class Timed: TelemetryRecordSink {
            var times: [Int64] = []
            func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64) {
                Issue.record("the receive time's variant should have been called")
            }
            func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64, receivedAt: Timestamp) {
                times.append(receivedAt.nanosecondsSinceEpoch)
            }
        }
        let timed = Timed(), plain = CapturingSink()
        let p = FrameProcessor(endpointNames: ["e"], maximumFrameBytes: 1024, siteGeoidSeparation: 0, recordSinks: [timed, plain])
        for (k, t) in [Int64(1_000), 2_500, 7_000].enumerated() {
            let detection = #"{"type":"detection","t_ns":\#(k),"sensor_id":0,"scan_id":1,"azimuth_deg":1}"#
            p.process(parts: [bytes("json/a"), bytes(detection)], endpoint: 0, receivedAt: Timestamp(nanosecondsSinceEpoch: t))
        }
        #expect(timed.times == [1_000, 2_500, 7_000])
        #expect(plain.records.count == 3)
    }

    @Test("A record sink may read the processor's counters from inside its callback")
    func sinkReadsStatistics() {
        final class Reader: TelemetryRecordSink {
            weak var processor: FrameProcessor?
            var seen: [UInt64] = []
            func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64) {
                seen.append(processor?.statistics.sources[source.description]?.framesReceived ?? 0)
            }
        }
        let reader = Reader()
        let p = FrameProcessor(endpointNames: ["e"], maximumFrameBytes: 1024, siteGeoidSeparation: 0, recordSinks: [reader])
        reader.processor = p
        for _ in 0..<3 {
            p.process(parts: [bytes("json/r"), bytes(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":0}"#)], endpoint: 0, receivedAt: now)
        }
        #expect(reader.seen == [1, 2, 3])
    }
}
