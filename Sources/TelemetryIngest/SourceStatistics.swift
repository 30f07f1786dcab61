// Per-source counters: what arrived, what decoded, what was rejected and why.
public import TelemetryModel

/// Everything counted for one source (one topic), or for all of them together.
public struct SourceStatistics: Hashable, Sendable {
    /// Messages received, good or bad.
    public var framesReceived: UInt64 = 0
    /// Payload bytes received.
    public var bytesReceived: UInt64 = 0
    /// Messages with at least one defect.
    public var framesMalformed: UInt64 = 0
    /// Messages counted but not decoded because the decode stage was behind (`shed` policy only).
    public var framesShed: UInt64 = 0
    /// Records decoded, by kind.
    public var records: [RecordKind: UInt64] = [:]
    /// Defects, by reason: one per message, or per MAVLink frame inside a message.
    public var malformed: [RejectReason: UInt64] = [:]
    /// Loss seen in the sender's sequence numbers.
    public var sequence = SequenceCounters()
    /// MAVLink loss as the messages' time base estimates it (beyond the 8-bit counter's residues).
    public var mavlinkLoss = MAVLinkLossCounters()
    /// Truth fixes made from MAVLink, by the clock that timed them.
    public var truthFixes: [TruthClock: UInt64] = [:]
    /// The earliest record time.
    public var firstRecordTime: Timestamp?
    /// The latest record time.
    public var lastRecordTime: Timestamp?
    /// The first receive time.
    public var firstReceiveTime: Timestamp?
    /// The last receive time.
    public var lastReceiveTime: Timestamp?

    /// Zero counters.
    public init() {}

    mutating func noteRecordTime(_ time: Timestamp) {
        if firstRecordTime.map({ time < $0 }) ?? true { firstRecordTime = time }
        if lastRecordTime.map({ time > $0 }) ?? true { lastRecordTime = time }
    }

    mutating func noteShed(_ time: Timestamp, bytes: Int) {
        noteReceive(time, bytes: bytes)
        framesShed += 1
    }

    mutating func noteReceive(_ time: Timestamp, bytes: Int) {
        framesReceived += 1
        bytesReceived += UInt64(bytes)
        if firstReceiveTime == nil { firstReceiveTime = time }
        lastReceiveTime = time
    }

    /// Adds another source's counters (saturating; times take the earliest first and the latest last).
    public mutating func add(_ other: SourceStatistics) {
        func plus(_ a: UInt64, _ b: UInt64) -> UInt64 { var s = a; s.addSaturating(b); return s }
        framesReceived = plus(framesReceived, other.framesReceived)
        bytesReceived = plus(bytesReceived, other.bytesReceived)
        framesMalformed = plus(framesMalformed, other.framesMalformed)
        framesShed = plus(framesShed, other.framesShed)
        records.merge(other.records, uniquingKeysWith: plus)
        malformed.merge(other.malformed, uniquingKeysWith: plus)
        sequence.add(other.sequence)
        mavlinkLoss.add(other.mavlinkLoss)
        truthFixes.merge(other.truthFixes, uniquingKeysWith: plus)
        firstRecordTime = [firstRecordTime, other.firstRecordTime].compactMap { $0 }.min()
        lastRecordTime = [lastRecordTime, other.lastRecordTime].compactMap { $0 }.max()
        firstReceiveTime = [firstReceiveTime, other.firstReceiveTime].compactMap { $0 }.min()
        lastReceiveTime = [lastReceiveTime, other.lastReceiveTime].compactMap { $0 }.max()
    }
}

