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

/// MAVLink loss beyond what the 8-bit counter shows, estimated from the messages' own time base.
///
/// The counter says how many frames a gap lost only modulo 256 (``SequenceCounters/missing`` is that
/// residue). Across a gap the stream's boot clock (`time_boot_ms`, or `time_usec` since boot) and its
/// frame rate, learnt where nothing was lost, say roughly how many frames should have come; the loss
/// is the residue plus the multiple of 256 nearest that, bounded by the rate's tolerance. The
/// estimator is described in docs/wire-formats.md ("MAVLink loss").
public struct MAVLinkLossCounters: Hashable, Sendable {
    /// The best estimate of frames lost: the counter's residues plus the wraps of 256 the time base shows.
    public var estimated: UInt64 = 0
    /// The fewest frames the time base allows to have been lost.
    public var minimum: UInt64 = 0
    /// The most; meaningful only while ``unboundedGaps`` is 0 (otherwise there is no upper bound).
    public var maximum: UInt64 = 0
    /// Gaps with no time base across them (no rate learnt yet, no timed frame after the gap, or the
    /// clock restarted): their loss is known only modulo 256, so the total has no upper bound.
    public var unboundedGaps: UInt64 = 0
    /// Frames of (connection, system, component) streams beyond the per-source limit, not checked.
    public var uncheckedFrames: UInt64 = 0

    /// Zero counters.
    public init() {}

    /// Whether the estimate is exact: no gap whose size the time base could not pin down.
    public var isExact: Bool { unboundedGaps == 0 && minimum == maximum }

    /// Adds another source's counters (saturating).
    public mutating func add(_ other: MAVLinkLossCounters) {
        estimated.addSaturating(other.estimated)
        minimum.addSaturating(other.minimum)
        maximum.addSaturating(other.maximum)
        unboundedGaps.addSaturating(other.unboundedGaps)
        uncheckedFrames.addSaturating(other.uncheckedFrames)
    }
}

/// Checks MAVLink's 8-bit frame counter per stream, modulo 256, and estimates the loss the counter
/// cannot show from the stream's boot clock and frame rate (``MAVLinkLossCounters``).
///
/// A stream is one (connection, system id, component id): frames of a second sender with the same
/// ids are checked against their own counter, not taken for loss.
struct MAVLinkSequenceCheck: Sendable {
    /// Streams checked apart per source; frames of further streams are counted as unchecked.
    static let maximumStreams = 256
    /// A boot clock that steps back by more than this (ms) has restarted; smaller steps are the
    /// jitter between message types' time stamps and are ignored.
    static let restartToleranceMilliseconds: Int64 = 1000
    /// Clean (loss-free) time needed before the stream's rate is trusted, ms, and frames.
    static let minimumCleanMilliseconds: Int64 = 1000
    static let minimumCleanFrames: UInt64 = 8

    private struct Stream: Sendable {
        var lastSeq: UInt8
        /// The boot time (ms) of the last timed frame, and what came since.
        var anchorMilliseconds: Int64?
        var framesSinceAnchor: UInt64 = 0
        var residueSinceAnchor: UInt64 = 0
        var gapsSinceAnchor: UInt64 = 0
        /// Frames and time of the intervals between timed frames that lost nothing: the stream's rate.
        var cleanFrames: UInt64 = 0
        var cleanMilliseconds: Int64 = 0
    }

    private var streams: [UInt64: Stream] = [:]
    /// Gap residues and gaps not yet settled by a timed frame, over every stream (for snapshots).
    private(set) var pendingResidue: UInt64 = 0
    private(set) var pendingGaps: UInt64 = 0

    /// Checks one CRC-good frame.
    /// - Parameter bootMilliseconds: the frame's own boot-clock time, when its message carries one.
    /// - Returns: whether the stream's boot clock restarted (stepped back by more than a second).
    @discardableResult
    mutating func observe(_ seq: UInt8, connection: UInt32, system: UInt8, component: UInt8, bootMilliseconds: Int64?,
                          into counters: inout SequenceCounters, loss: inout MAVLinkLossCounters) -> Bool {
        let key = UInt64(connection) << 16 | UInt64(system) << 8 | UInt64(component)
        guard var stream = streams[key] else {
            guard streams.count < Self.maximumStreams else {
                loss.uncheckedFrames.addSaturating(1)
                return false
            }
            counters.checked.addSaturating(1)
            streams[key] = Stream(lastSeq: seq, anchorMilliseconds: bootMilliseconds)
            return false
        }
        counters.checked.addSaturating(1)
        let delta = seq &- stream.lastSeq
        stream.lastSeq = seq
        if delta == 0 {
            counters.outOfOrder.addSaturating(1)
        } else if delta > 1 {
            counters.gaps.addSaturating(1)
            counters.missing.addSaturating(UInt64(delta - 1))
            stream.residueSinceAnchor += UInt64(delta - 1)
            stream.gapsSinceAnchor += 1
            pendingResidue += UInt64(delta - 1)
            pendingGaps += 1
        }
        stream.framesSinceAnchor += 1
        var restarted = false
        if let time = bootMilliseconds {
            if let anchor = stream.anchorMilliseconds {
                if time < anchor - Self.restartToleranceMilliseconds {
                    restarted = true
                    settleUnbounded(&stream, loss: &loss)
                    stream.cleanFrames = 0
                    stream.cleanMilliseconds = 0
                    stream.anchorMilliseconds = time
                } else if time > anchor {
                    settle(&stream, elapsed: time - anchor, loss: &loss)
                    stream.anchorMilliseconds = time
                }
            } else {
                settleUnbounded(&stream, loss: &loss)
                stream.anchorMilliseconds = time
            }
        }
        streams[key] = stream
        return restarted
    }

    /// The interval since the anchor ends at a timed frame `elapsed` ms later: learn the rate from
    /// it if it lost nothing, else estimate its loss.
    private mutating func settle(_ stream: inout Stream, elapsed: Int64, loss: inout MAVLinkLossCounters) {
        defer {
            stream.framesSinceAnchor = 0
            stream.residueSinceAnchor = 0
            stream.gapsSinceAnchor = 0
        }
        guard stream.gapsSinceAnchor > 0 else {
            stream.cleanFrames &+= stream.framesSinceAnchor
            stream.cleanMilliseconds &+= elapsed
            return
        }
        guard stream.cleanMilliseconds >= Self.minimumCleanMilliseconds, stream.cleanFrames >= Self.minimumCleanFrames else {
            settleUnbounded(&stream, loss: &loss)
            return
        }
        let (estimate, low, high) = MAVLinkLossEstimate.estimate(residue: stream.residueSinceAnchor, received: stream.framesSinceAnchor,
                                                  elapsedMilliseconds: elapsed, cleanFrames: stream.cleanFrames,
                                                  cleanMilliseconds: stream.cleanMilliseconds)
        loss.estimated.addSaturating(estimate)
        loss.minimum.addSaturating(low)
        loss.maximum.addSaturating(high)
        pendingResidue -= stream.residueSinceAnchor
        pendingGaps -= stream.gapsSinceAnchor
    }

    /// Gaps that no time base can size: their residues count, with no upper bound.
    private mutating func settleUnbounded(_ stream: inout Stream, loss: inout MAVLinkLossCounters) {
        loss.estimated.addSaturating(stream.residueSinceAnchor)
        loss.minimum.addSaturating(stream.residueSinceAnchor)
        loss.maximum.addSaturating(stream.residueSinceAnchor)
        loss.unboundedGaps.addSaturating(stream.gapsSinceAnchor)
        pendingResidue -= stream.residueSinceAnchor
        pendingGaps -= stream.gapsSinceAnchor
        stream.framesSinceAnchor = 0
        stream.residueSinceAnchor = 0
        stream.gapsSinceAnchor = 0
    }

}

/// The MAVLink loss estimator's arithmetic (docs/wire-formats.md, "MAVLink loss").
public enum MAVLinkLossEstimate {
    /// The expected frame count across a gap is taken to within ±10 % and ±2 frames.
    public static let rateTolerance = 0.10
    public static let countTolerance = 2.0

    /// The loss across an interval: `residue` (the counter's, modulo 256) plus the multiple of 256
    /// nearest what the rate expects, and the range of multiples the tolerance allows.
    ///
    /// With rate `r = cleanFrames / cleanMilliseconds`, the interval should hold `N = r·Δt` frames and
    /// lost `E = N − received`, to within `u = 0.1·N + 2`. The loss is `residue + 256·m` for some
    /// `m ≥ 0`: the estimate takes the `m` nearest `(E − residue)/256`, the bounds the least and the
    /// greatest `m` with `|residue + 256·m − E| ≤ u` (both the nearest when none is that close).
    ///
    /// - Parameters:
    ///   - residue: the frames the 8-bit counter says the interval's gaps lost (each gap modulo 256).
    ///   - received: frames received in the interval (the one that ends it included).
    ///   - elapsedMilliseconds: the interval, on the stream's boot clock.
    ///   - cleanFrames, cleanMilliseconds: frames and time of the stream's loss-free intervals (its rate).
    public static func estimate(residue: UInt64, received: UInt64, elapsedMilliseconds: Int64, cleanFrames: UInt64,
                                cleanMilliseconds: Int64) -> (estimate: UInt64, minimum: UInt64, maximum: UInt64) {
        let rate = Double(cleanFrames) / Double(cleanMilliseconds)
        let expected = rate * Double(elapsedMilliseconds)
        let lost = expected - Double(received)
        let tolerance = rateTolerance * expected + countTolerance
        let r = Double(residue)
        // Capped so that a clock jumping far ahead cannot overflow: 2^40 frames is beyond any run.
        func wraps(_ x: Double) -> Double { min(max(0, x), Double(1 << 40)) }
        var low = wraps(((lost - tolerance - r) / 256).rounded(.up))
        var high = wraps(((lost + tolerance - r) / 256).rounded(.down))
        let nearest = wraps(((lost - r) / 256).rounded())
        if high < low { (low, high) = (nearest, nearest) }
        let chosen = min(max(nearest, low), high)
        func total(_ m: Double) -> UInt64 { residue &+ UInt64(m) &* 256 }
        return (total(chosen), total(low), total(high))
    }
}
