// Classifies, decodes and counts every received message; hands frames and records to the sinks.
public import TelemetryModel

/// The decode-and-count stage: one received message in, counters and sink calls out.
///
/// Pure: no sockets, no clock (the caller passes the receive time), so tests drive it directly.
/// Belongs to one thread. The rules it applies are those of `docs/wire-formats.md`.
public final class FrameProcessor {
    private struct SourceState {
        /// The overflow pseudo-source pools unrelated senders: their records are counted, but their
        /// sequence numbers and MAVLink clocks are not comparable, so no sequence checks and no truth.
        var pooled = false
        var statistics = SourceStatistics()
        var jsonSequence = JSONSequenceCheck()
        var mavlinkSequence = MAVLinkSequenceCheck()
        var truth: MAVLinkTruthAssembler?
    }

    /// The largest payload accepted, bytes.
    public let maximumFrameBytes: Int
    /// How many sources are counted apart before new topics go to `!overflow@<endpoint>`.
    public let maximumSources: Int
    /// The site's geoid separation, for MAVLink heights (see ``MAVLinkTruthAssembler``).
    public let siteGeoidSeparation: Double
    private let badTopicKeys: [String]
    private let overflowKeys: [String]
    /// Records decoded from the message in hand, handed to the record sinks once counting is done
    /// (a sink may then read ``statistics``). Kept between messages so it allocates only once.
    private var pending: [TelemetryRecord] = []
    /// The previous message's topic, as bytes and parsed: frames come in bursts from one topic
    /// (a scan's detections follow one another), so checking and building it again is skipped.
    private var lastTopicBytes: [UInt8] = []
    private var lastTopic: SourceTopic?
    private let jsonDecoder = TelemetryJSONDecoder()
    private var sources: [String: SourceState] = [:]
    private var endpointFrames: [UInt64]
    private var receiveSequence: UInt64 = 0
    private let rawSinks: [any RawFrameSink]
    private let recordSinks: [any TelemetryRecordSink]

    /// Creates a processor for the named endpoints (the names label bad-topic pseudo-sources).
    public init(endpointNames: [String], maximumFrameBytes: Int, maximumSources: Int = 4096, siteGeoidSeparation: Double,
                rawSinks: [any RawFrameSink] = [], recordSinks: [any TelemetryRecordSink] = []) {
        self.maximumFrameBytes = maximumFrameBytes
        self.maximumSources = maximumSources
        self.overflowKeys = endpointNames.map { "!overflow@\($0)" }
        self.siteGeoidSeparation = siteGeoidSeparation
        self.badTopicKeys = endpointNames.map { Self.badTopicKey(endpoint: $0) }
        self.endpointFrames = Array(repeating: 0, count: endpointNames.count)
        self.rawSinks = rawSinks
        self.recordSinks = recordSinks
    }

    /// The pseudo-source that counts messages without a usable topic from `endpoint`.
    public static func badTopicKey(endpoint: String) -> String { "!bad-topic@\(endpoint)" }

    /// A copy of every counter so far.
    public var statistics: IngestStatistics {
        var result = IngestStatistics(endpointCount: endpointFrames.count)
        result.endpointFrames = endpointFrames
        result.receiveSequence = receiveSequence
        result.sources = sources.mapValues(\.statistics)
        return result
    }

    /// Processes one received message.
    ///
    /// - Parameters:
    ///   - parts: the message's parts, lent for the call.
    ///   - endpoint: the index of the endpoint it came in on.
    ///   - receivedAt: when it arrived.
    public func process(parts: UnsafeBufferPointer<UnsafeRawBufferPointer>, endpoint: Int, receivedAt: Timestamp) {
        process(parts: parts, endpoint: endpoint, receivedAt: receivedAt, sequence: receiveSequence)
    }

    /// Processes one received message numbered `sequence` by the ring (the global receive number).
    /// - Parameter payloadBytes: the bytes of every part after the first as they arrived, when the
    ///   parts lent are cut short (a message longer than the room kept for it); by default, what is lent.
    /// - Returns: why it was rejected, or `nil` if all of it decoded.
    @discardableResult
    public func process(parts: UnsafeBufferPointer<UnsafeRawBufferPointer>, endpoint: Int, receivedAt: Timestamp,
                        sequence: UInt64, payloadBytes: Int? = nil) -> RejectReason? {
        receiveSequence = sequence + 1
        endpointFrames[endpoint] += 1
        let topic = parts.first.flatMap(topic(_:))
        let (key, pooled) = countingKey(topic, endpoint: endpoint)
        let payloadBytes = payloadBytes ?? parts.dropFirst().reduce(0) { $0 + $1.count }
        let rejection = process(parts: parts, topic: topic, state: &sources[key, default: SourceState(pooled: pooled)],
                                payloadBytes: payloadBytes, sequence: sequence, receivedAt: receivedAt)
        if !pending.isEmpty, let topic {
            for record in pending {
                for sink in recordSinks { sink.receive(record, from: topic, frame: sequence) }
            }
            pending.removeAll(keepingCapacity: true)
        }
        if !rawSinks.isEmpty {
            let frame = RawFrame(receiveSequence: sequence, receiveTime: receivedAt, endpointIndex: endpoint,
                                 sourceKey: Self.frameKey(topic, endpoint: badTopicKeys[endpoint]), parts: parts, rejection: rejection,
                                 payloadBytes: payloadBytes)
            for sink in rawSinks { sink.receive(frame) }
        }
        return rejection
    }

    /// The key a message is counted under, and whether it is the overflow pseudo-source: its topic
    /// (or `!bad-topic@<endpoint>`), unless `maximumSources` are already counted and it is new.
    private func countingKey(_ topic: SourceTopic?, endpoint: Int) -> (key: String, pooled: Bool) {
        let key = Self.frameKey(topic, endpoint: badTopicKeys[endpoint])
        if sources.count >= maximumSources && sources[key] == nil { return (overflowKeys[endpoint], true) }
        return (key, false)
    }

    /// The name a frame goes by whatever the counting does: its topic, or the endpoint's bad-topic key.
    /// The raw stage names frames so; the recorder keeps a channel per topic, overflow or not.
    static func frameKey(_ topic: SourceTopic?, endpoint badTopicKey: String) -> String {
        topic?.description ?? badTopicKey
    }

    /// The parsed topic of `bytes`, reusing the previous message's when the bytes are the same.
    private func topic(_ bytes: UnsafeRawBufferPointer) -> SourceTopic? {
        if let lastTopic, bytes.count == lastTopicBytes.count,
           lastTopicBytes.withUnsafeBytes({ $0.elementsEqual(bytes) }) {
            return lastTopic
        }
        guard let parsed = SourceTopic(bytes: bytes) else { return nil }
        lastTopicBytes.removeAll(keepingCapacity: true)
        lastTopicBytes.append(contentsOf: bytes)
        lastTopic = parsed
        return parsed
    }

    /// Counts a message the decode stage had no time for (the `shed` overload policy): it is
    /// received and counted under its source as shed, but not decoded.
    /// `payloadBytes` as in ``process(parts:endpoint:receivedAt:sequence:payloadBytes:)``.
    public func countShed(parts: UnsafeBufferPointer<UnsafeRawBufferPointer>, endpoint: Int, receivedAt: Timestamp, sequence: UInt64,
                          payloadBytes: Int? = nil) {
        receiveSequence = sequence + 1
        endpointFrames[endpoint] += 1
        let (key, pooled) = countingKey(parts.first.flatMap(topic(_:)), endpoint: endpoint)
        let bytes = payloadBytes ?? parts.dropFirst().reduce(0) { $0 + $1.count }
        sources[key, default: SourceState(pooled: pooled)].statistics.noteShed(receivedAt, bytes: bytes)
    }

    /// Processes one message given as byte arrays. For tests and cold paths.
    public func process(parts: [[UInt8]], endpoint: Int, receivedAt: Timestamp) {
        Self.lend(parts) { process(parts: $0, endpoint: endpoint, receivedAt: receivedAt) }
    }

    /// Calls `body` with the parts lent as the buffers the pipeline hands over: for tests, and for
    /// replay, which holds recorded frames as arrays.
    public static func lend<R>(_ parts: [[UInt8]], _ body: (UnsafeBufferPointer<UnsafeRawBufferPointer>) -> R) -> R {
        func lend(_ index: Int, _ buffers: inout [UnsafeRawBufferPointer]) -> R {
            if index == parts.count { return buffers.withUnsafeBufferPointer(body) }
            return parts[index].withUnsafeBytes { bytes in
                buffers.append(bytes)
                return lend(index + 1, &buffers)
            }
        }
        var buffers: [UnsafeRawBufferPointer] = []
        buffers.reserveCapacity(parts.count)
        return lend(0, &buffers)
    }

    /// Counts and decodes; returns the (first) reason the message was rejected, if it was.
    private func process(parts: UnsafeBufferPointer<UnsafeRawBufferPointer>, topic: SourceTopic?, state: inout SourceState,
                         payloadBytes: Int, sequence: UInt64, receivedAt: Timestamp) -> RejectReason? {
        state.statistics.noteReceive(receivedAt, bytes: payloadBytes)
        let rejection: RejectReason?
        if parts.count != 2 {
            rejection = .badEnvelope
        } else if let topic {
            let payload = parts[1]
            if topic.format == nil {
                rejection = .unknownFormat
            } else if payload.isEmpty {
                rejection = .emptyFrame
            } else if payloadBytes > maximumFrameBytes {   // as it arrived: what the arena kept may be cut short
                rejection = .oversizeFrame
            } else if topic.format == .json {
                rejection = decodeJSON(payload, topic: topic, state: &state, sequence: sequence)
            } else {
                return decodeMAVLink(payload, topic: topic, state: &state, sequence: sequence, receivedAt: receivedAt)
            }
        } else {
            rejection = .badTopic
        }
        if let rejection {
            state.statistics.framesMalformed += 1
            state.statistics.malformed[rejection, default: 0] += 1
        }
        return rejection
    }

    private func decodeJSON(_ payload: UnsafeRawBufferPointer, topic: SourceTopic, state: inout SourceState, sequence: UInt64) -> RejectReason? {
        let decoded: DecodedJSONRecord
        do {
            decoded = try jsonDecoder.decode(payload)
        } catch {
            return error.reason
        }
        let record = decoded.record
        state.statistics.records[record.kind, default: 0] += 1
        if case .scan(let scan) = record, let batch = scan.detections {
            state.statistics.records[.detection, default: 0] += UInt64(batch.count)
        }
        if let time = record.time { state.statistics.noteRecordTime(time) }
        if let seq = decoded.sequenceNumber, !state.pooled {
            state.jsonSequence.observe(seq, into: &state.statistics.sequence)
        }
        if !recordSinks.isEmpty { pending.append(record) }
        return nil
    }

    private func decodeMAVLink(_ payload: UnsafeRawBufferPointer, topic: SourceTopic, state: inout SourceState,
                               sequence: UInt64, receivedAt: Timestamp) -> RejectReason? {
        var firstDefect: RejectReason?
        if state.truth == nil, !state.pooled {
            state.truth = MAVLinkTruthAssembler(droneID: topic.sourceID, siteGeoidSeparation: siteGeoidSeparation)
        }
        MAVLinkFrameParser.parse(payload) { event in
            switch event {
            case .defect(let reason):
                firstDefect = firstDefect ?? reason
                state.statistics.malformed[reason, default: 0] += 1
            case .message(let header, let message):
                state.statistics.records[message.kind, default: 0] += 1
                if !state.pooled {
                    state.mavlinkSequence.observe(header.sequence, system: header.systemID, component: header.componentID,
                                                  into: &state.statistics.sequence)
                }
                if let fix = state.truth?.ingest(header, message, receivedAt: receivedAt) {
                    state.statistics.truthFixes[fix.clock, default: 0] += 1
                    state.statistics.noteRecordTime(fix.time)
                    if !recordSinks.isEmpty { pending.append(.truth(fix)) }
                }
            }
        }
        if firstDefect != nil { state.statistics.framesMalformed += 1 }
        return firstDefect
    }
}
