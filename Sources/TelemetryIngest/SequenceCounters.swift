// Loss detection from senders' own sequence numbers.

/// What a source's sequence numbers say about loss upstream of Haechi.
public struct SequenceCounters: Hashable, Sendable, Codable {
    /// Records or frames whose sequence number was examined (the first one included).
    public var checked: UInt64 = 0
    /// Forward jumps by more than one.
    public var gaps: UInt64 = 0
    /// Sequence numbers skipped by those jumps: messages lost before they reached Haechi.
    public var missing: UInt64 = 0
    /// Repeats and small steps backwards (JSON: at most ``JSONSequenceCheck/restartThreshold``; MAVLink: repeats).
    public var outOfOrder: UInt64 = 0
    /// JSON only: steps back to 0, or by more than ``JSONSequenceCheck/restartThreshold``, taken as
    /// the sender restarting its count; checking goes on from the new number.
    public var restarts: UInt64 = 0

    /// Zero counters.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case checked, gaps, missing
        case outOfOrder = "out_of_order"
        case restarts
    }

    /// Adds another source's counters (saturating: hostile sequence numbers cannot overflow a total).
    public mutating func add(_ other: SequenceCounters) {
        checked.addSaturating(other.checked)
        gaps.addSaturating(other.gaps)
        missing.addSaturating(other.missing)
        outOfOrder.addSaturating(other.outOfOrder)
        restarts.addSaturating(other.restarts)
    }
}

/// Checks a JSON source's 64-bit `seq`: each message should carry the previous one plus one.
public struct JSONSequenceCheck: Sendable {
    /// A step back by more than this is a restart of the sender's count, not a late message.
    public static let restartThreshold: UInt64 = 64
    private var last: UInt64?

    mutating func observe(_ seq: UInt64, into counters: inout SequenceCounters) {
        counters.checked.addSaturating(1)
        guard let last else { self.last = seq; return }
        if seq == last &+ 1 {
            self.last = seq
        } else if seq > last {
            counters.gaps.addSaturating(1)
            counters.missing.addSaturating(seq - last - 1)
            self.last = seq
        } else if seq == 0 || last - seq > Self.restartThreshold {
            // The sender started counting again (a restart, or a bogus huge number before):
            // check on from here, or every later message would look late.
            counters.restarts.addSaturating(1)
            self.last = seq
        } else {
            // A repeat or a late message: counted, and the reference stays where it was.
            counters.outOfOrder.addSaturating(1)
        }
    }
}

extension UInt64 {
    /// Adds, stopping at `.max` instead of trapping.
    mutating func addSaturating(_ other: UInt64) {
        let (sum, overflow) = addingReportingOverflow(other)
        self = overflow ? .max : sum
    }
}

/// Checks MAVLink's 8-bit frame counter, per (system id, component id), modulo 256.
struct MAVLinkSequenceCheck: Sendable {
    private var last: [UInt16: UInt8] = [:]

    mutating func observe(_ seq: UInt8, system: UInt8, component: UInt8, into counters: inout SequenceCounters) {
        counters.checked.addSaturating(1)
        let key = UInt16(system) << 8 | UInt16(component)
        defer { last[key] = seq }
        guard let previous = last[key] else { return }
        let delta = seq &- previous
        if delta == 0 {
            counters.outOfOrder.addSaturating(1)
        } else if delta > 1 {
            counters.gaps.addSaturating(1)
            counters.missing.addSaturating(UInt64(delta - 1))
        }
    }
}
