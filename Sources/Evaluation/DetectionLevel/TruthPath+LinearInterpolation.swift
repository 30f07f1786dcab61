// A truth path's position at any time between its states, by linear interpolation.
import TelemetryModel

extension TruthPath {
    /// The position at `time`, interpolated linearly between the states either side of it:
    ///
    ///     p(t) = p(tᵢ) + (p(tᵢ₊₁) − p(tᵢ)) · (t − tᵢ) / (tᵢ₊₁ − tᵢ),   tᵢ ≤ t ≤ tᵢ₊₁
    ///
    /// A state at exactly `time` is returned as it is. The drone counts as airborne at `time` only
    /// when this is not `nil`: truth is reported only while a drone flies, so `nil` comes back before
    /// the first state, after the last, and between two states more than `maximumGapNanoseconds`
    /// apart (a landing and a new take-off, or a telemetry outage too long to bridge).
    ///
    /// - Complexity: O(log n).
    func linearlyInterpolatedPosition(at time: Timestamp, maximumGapNanoseconds: Int64) -> ENUVector? {
        guard let index = states.lastIndex(atOrBefore: time) else { return nil }
        let before = states[index]
        if before.time == time { return before.position }
        guard index + 1 < states.count else { return nil }
        let after = states[index + 1]
        let span = after.time.nanoseconds(since: before.time)
        guard span <= maximumGapNanoseconds else { return nil }
        let fraction = Double(time.nanoseconds(since: before.time)) / Double(span)
        return before.position + (after.position - before.position) * fraction
    }
}

