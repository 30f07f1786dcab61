// Loss detection from senders' own sequence numbers.

/// What a source's sequence numbers say about loss upstream of Haechi.
public struct SequenceCounters: Hashable, Sendable, Codable {
    /// Records or frames whose sequence number was examined (the first one included).
    public var checked: UInt64 = 0
    /// Forward jumps by more than one.
    public var gaps: UInt64 = 0
    /// Sequence numbers skipped by those jumps: messages lost before they reached Haechi.
    public var missing: UInt64 = 0
    /// Repeats and steps backwards.
    public var outOfOrder: UInt64 = 0

    /// Zero counters.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case checked, gaps, missing
        case outOfOrder = "out_of_order"
    }

    /// Adds another source's counters.
    public mutating func add(_ other: SequenceCounters) {
        checked += other.checked
        gaps += other.gaps
        missing += other.missing
        outOfOrder += other.outOfOrder
    }
}

/// Checks a JSON source's 64-bit `seq`: each message should carry the previous one plus one.
struct JSONSequenceCheck: Sendable {
    private var last: UInt64?

    mutating func observe(_ seq: UInt64, into counters: inout SequenceCounters) {
        counters.checked += 1
        guard let last else { self.last = seq; return }
        if seq == last &+ 1 {
            self.last = seq
        } else if seq > last {
            counters.gaps += 1
            counters.missing += seq - last - 1
            self.last = seq
        } else {
            // A repeat or a step back: counted, and the reference stays where it was.
            counters.outOfOrder += 1
        }
    }
}

/// Checks MAVLink's 8-bit frame counter, per (system id, component id), modulo 256.
struct MAVLinkSequenceCheck: Sendable {
    private var last: [UInt16: UInt8] = [:]

    mutating func observe(_ seq: UInt8, system: UInt8, component: UInt8, into counters: inout SequenceCounters) {
        counters.checked += 1
        let key = UInt16(system) << 8 | UInt16(component)
        defer { last[key] = seq }
        guard let previous = last[key] else { return }
        let delta = seq &- previous
        if delta == 0 {
            counters.outOfOrder += 1
        } else if delta > 1 {
            counters.gaps += 1
            counters.missing += UInt64(delta - 1)
        }
    }
}
