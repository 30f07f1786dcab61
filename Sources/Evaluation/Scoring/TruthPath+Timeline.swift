// A truth path put on the evaluation timeline: its own samples, and interpolation between them.
public import TelemetryModel

extension TruthPath {
    /// The path at the grid's times: at a time it was sampled, that sample; between two samples at
    /// most `maximumGapNanoseconds` apart, position and velocity interpolated linearly
    /// (``linearlyInterpolatedPosition(at:maximumGapNanoseconds:)``; the velocity only where both
    /// samples have one); elsewhere (before the first sample, after the last, across a longer gap)
    /// nothing, so the drone is absent there.
    ///
    /// On truth's own timeline (``EvaluationGrid/truthTimeline(of:span:)``) every drone keeps its
    /// own samples, and a drone sampled at other instants than another is interpolated at the
    /// other's: no drone is counted missing at a time merely because its clock ticked elsewhere.
    ///
    /// - Complexity: O(g log n) for g grid times and n states.
    public func onTimeline(_ grid: EvaluationGrid, maximumGapNanoseconds: Int64) -> TruthPath {
        guard let first = states.first?.time, let last = states.last?.time else { return self }
        var result: [KinematicState] = []
        for t in grid.times where t >= first && t <= last {
            guard let index = states.lastIndex(atOrBefore: t) else { continue }
            let before = states[index]
            if before.time == t { result.append(before); continue }
            guard index + 1 < states.count,
                  let position = linearlyInterpolatedPosition(at: t, maximumGapNanoseconds: maximumGapNanoseconds) else { continue }
            let after = states[index + 1]
            var velocity: ENUVector?
            if let v0 = before.velocity, let v1 = after.velocity {
                let fraction = Double(t.nanoseconds(since: before.time)) / Double(after.time.nanoseconds(since: before.time))
                velocity = v0 + (v1 - v0) * fraction
            }
            result.append(KinematicState(time: t, position: position, velocity: velocity))
        }
        return TruthPath(id: id, states: result)
    }
}

extension TruthPath {
    /// The drone's speed at `time`, m/s: the velocity of its latest state at or before `time` where
    /// that state has one, else the distance to the next state over the time between them; `nil`
    /// before the first state, or after the last one when it has no velocity.
    ///
    /// - Complexity: O(log n).
    public func speed(at time: Timestamp) -> Double? {
        guard let index = states.lastIndex(atOrBefore: time) else { return nil }
        if let v = states[index].velocity { return (v * v).sum().squareRoot() }
        guard index + 1 < states.count else { return nil }
        let d = states[index + 1].position - states[index].position
        let dt = states[index + 1].time.seconds(since: states[index].time)
        return dt > 0 ? (d * d).sum().squareRoot() / dt : nil
    }
}
