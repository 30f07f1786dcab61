// A received message exactly as it arrived, lent to whoever keeps frames (the recorder).
public import TelemetryModel

/// A received message as it came off the wire, with where and when it arrived and how it fared.
///
/// Lent to ``RawFrameSink`` on the ingest thread; the byte buffers are valid only during the call.
public struct RawFrame: ~Copyable {
    /// The global receive sequence number: 0, 1, 2, … across every endpoint, in receive order.
    public let receiveSequence: UInt64
    /// The receive time (wall clock).
    public let receiveTime: Timestamp
    /// The index of the endpoint in the configuration.
    public let endpointIndex: Int
    /// The frame's source: its topic, or `!bad-topic@<endpoint>` when it has no usable one. (Past
    /// `limits.max_sources` the counters pool new topics under `!overflow@<endpoint>`; frames keep their topic.)
    public let sourceKey: String
    /// Every part as received: normally `[topic, payload]`, but a bad envelope is kept whole too.
    public let parts: UnsafeBufferPointer<UnsafeRawBufferPointer>
    /// Why the message, or a MAVLink frame in it, was rejected; `nil` if all of it decoded (or
    /// it was not decoded: see ``wasDecoded``).
    public let rejection: RejectReason?
    /// `false` when the decode stage counted the frame without decoding it (the `shed` policy).
    public let wasDecoded: Bool
    /// `true` when a part was longer than the room the arena keeps for a message, so only its
    /// beginning is here (an oversize frame; the counters call it `oversize_frame`).
    public let isTruncated: Bool
    /// Bytes of every part after the first as they arrived (what `bytes_received` counts): more than
    /// ``parts`` hold when the frame ``isTruncated``.
    public let payloadBytes: Int
    /// Who sent it, when known (not over `inproc://`).
    public let sender: FrameSender?

    /// A frame as lent to raw sinks (public for benchmarks and tests that drive a sink directly).
    /// `payloadBytes` defaults to the bytes of every part after the first, as lent.
    public init(receiveSequence: UInt64, receiveTime: Timestamp, endpointIndex: Int, sourceKey: String,
         parts: UnsafeBufferPointer<UnsafeRawBufferPointer>, rejection: RejectReason?, wasDecoded: Bool = true,
         isTruncated: Bool = false, payloadBytes: Int? = nil, sender: FrameSender? = nil) {
        self.receiveSequence = receiveSequence
        self.receiveTime = receiveTime
        self.endpointIndex = endpointIndex
        self.sourceKey = sourceKey
        self.parts = parts
        self.rejection = rejection
        self.wasDecoded = wasDecoded
        self.isTruncated = isTruncated
        self.payloadBytes = payloadBytes ?? parts.dropFirst().reduce(0) { $0 + $1.count }
        self.sender = sender
    }

    /// Part 0 (normally the topic).
    public var topic: UnsafeRawBufferPointer { parts.first ?? UnsafeRawBufferPointer(start: nil, count: 0) }
    /// Part 1 (normally the payload); empty if the message had one part.
    public var payload: UnsafeRawBufferPointer { parts.count > 1 ? parts[1] : UnsafeRawBufferPointer(start: nil, count: 0) }
}

/// Receives every frame, good or bad, on the ingest thread. The recorder is one.
///
/// Called once per message, in receive order. It must not block for long: it runs on the thread
/// that reads the sockets.
public protocol RawFrameSink: AnyObject {
    /// Takes one frame. Copy what must outlive the call.
    func receive(_ frame: borrowing RawFrame)
    /// Called on the same thread between batches of frames, and at least every 200 ms while none
    /// arrive: time-driven work (the recorder closes a chunk after a second) goes here.
    func idle()
}

extension RawFrameSink {
    /// Nothing to do by default.
    public func idle() {}
}

/// Receives every decoded record, on the ingest thread, in receive order.
public protocol TelemetryRecordSink: AnyObject {
    /// Takes one record decoded from `source` (a MAVLink truth fix included).
    func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64)
    /// The same, with the time its frame arrived (the receive thread's clock, or the recording's on
    /// replay): what the live stages measure their latency from. By default, the call above.
    func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64, receivedAt: Timestamp)
}

extension TelemetryRecordSink {
    public func receive(_ record: TelemetryRecord, from source: SourceTopic, frame receiveSequence: UInt64, receivedAt: Timestamp) {
        receive(record, from: source, frame: receiveSequence)
    }
}
