// What the tracker keeps of a track to manage it: hits and misses, no history.

/// What the tracker knows of a track between steps: enough to manage it, and no history.
public struct TrackStatusCounters: Sendable, Hashable {
    /// Steps since the track began, counting the first.
    public var steps = 0
    /// Updates (hits) in the last 64 steps, newest in bit 0.
    public var hits: UInt64 = 0
    /// Consecutive missed steps, up to now.
    public var consecutiveMisses = 0

    /// Records one step: a hit or a miss.
    public mutating func record(hit: Bool) {
        steps += 1
        hits = (hits << 1) | (hit ? 1 : 0)
        consecutiveMisses = hit ? 0 : consecutiveMisses + 1
    }

    /// Hits among the last `window` steps.
    public func hits(inLast window: Int) -> Int {
        let mask: UInt64 = window >= 64 ? .max : (1 << UInt64(window)) - 1
        return (hits & mask).nonzeroBitCount
    }
}
