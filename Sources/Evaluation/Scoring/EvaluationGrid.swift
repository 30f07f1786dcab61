// The times at which tracks are compared with truth: truth's own timeline.
public import TelemetryModel

/// The evaluation times, ascending and distinct.
///
/// Every figure on a grid (OSPA, GOSPA, SIAP, CLEAR-MOT, the report's timelines) is computed at these
/// times only. A grid that is not truth's own samples invents misses: scored at 1 s over truth at
/// 0.5 s, every half-second step counted every drone as missed. So the grid of `haechi evaluate`,
/// `haechi report` and `haechi campaign` is ``truthTimeline(of:span:)``: the times at which truth
/// was sampled, whatever its rate, regular or not.
public struct EvaluationGrid: Hashable, Sendable {
    /// The grid's times, ascending and distinct.
    public let times: [Timestamp]
    /// The nominal spacing, nanoseconds: the step of a regular grid; for a timeline, the median
    /// interval between a drone's consecutive truth samples (1 for a grid of fewer than two times).
    public let stepNanoseconds: Int64
    /// Whether ``truthTimeline(of:span:maximumFillPoints:)`` stopped filling gaps at its limit, so that
    /// part of the span where no drone had truth is not on the grid (a timestamp far from the rest,
    /// from a faulty or hostile sender, would otherwise ask for millions of empty points).
    public private(set) var fillLimited = false

    /// The regular grid from `epoch` over `durationSeconds` every `stepSeconds`: `epoch + k·step` for
    /// every k ≥ 0 with `k·step ≤ duration` (the Stone Soup scorer's grid, `metrics_stonesoup.py`).
    ///
    /// Step and duration are rounded to whole nanoseconds first (half to even, as the scorer's
    /// `int(round(x * 1e9))`), so a 0.5 s grid is exact.
    ///
    /// - Precondition: `stepSeconds` is finite and at least 1 ns; `durationSeconds` is finite and ≥ 0.
    public init(epoch: Timestamp, stepSeconds: Double, durationSeconds: Double) {
        precondition(stepSeconds.isFinite && durationSeconds.isFinite && durationSeconds >= 0, "step and duration must be finite")
        let step = Int64((stepSeconds * 1e9).rounded(.toNearestOrEven))
        let end = Int64((durationSeconds * 1e9).rounded(.toNearestOrEven))
        precondition(step >= 1, "the grid step must be at least 1 ns")
        stepNanoseconds = step
        times = stride(from: Int64(0), through: end, by: Int(step)).map {
            Timestamp(nanosecondsSinceEpoch: epoch.nanosecondsSinceEpoch + $0)
        }
    }

    /// A grid of the given times (sorted, repeats removed), with the given nominal step.
    public init(times: [Timestamp], nominalStepNanoseconds: Int64) {
        var sorted = times.sorted()
        sorted = sorted.enumerated().filter { $0.offset == 0 || sorted[$0.offset - 1] != $0.element }.map(\.element)
        self.times = sorted
        stepNanoseconds = max(1, nominalStepNanoseconds)
    }

    /// Seconds between grid points (the scorer's `grid_s`); for a timeline, the nominal step.
    public var stepSeconds: Double { Double(stepNanoseconds) / 1e9 }

    /// Truth's own timeline: every time at which any drone's truth was sampled, and, where no drone
    /// has truth (before the first sample, between flights, after the last) but `span` goes on,
    /// points at the nominal step so that false tracks there still count.
    ///
    /// The nominal step d is the median of the intervals between each drone's consecutive samples.
    /// A gap of the timeline longer than 1.5 d from a to b is filled with a + k·d for k ≥ 1 while
    /// a + k·d ≤ b − d/2; before the first sample, the points run back from it in steps of d to
    /// the span's start; after the last, forward to its end. So truth sampled on a regular grid over
    /// the whole span gives exactly that grid (the Stone Soup scorer's), and irregular truth gives its
    /// own times.
    ///
    /// - Parameters:
    ///   - truths: the drones' truth paths.
    ///   - span: the evaluated interval (the run's data, or a scenario's `epoch` to `epoch + duration`);
    ///     `nil`: truth's own first to last sample. Truth outside the span is left out.
    ///   - maximumFillPoints: the most points added where no drone has truth (default one million);
    ///     past it the rest is left out and ``fillLimited`` is set.
    /// - Returns: the timeline; an empty grid when there is no truth.
    /// - Complexity: O(N log N + F) for N truth samples and F ≤ `maximumFillPoints` added points.
    public static func truthTimeline(of truths: [TruthPath], span: ClosedRange<Timestamp>? = nil,
                                     maximumFillPoints: Int = 1_000_000) -> EvaluationGrid {
        var intervals: [Int64] = []
        var sampled: [Timestamp] = []
        for truth in truths {
            let times = truth.states.map(\.time).filter { span?.contains($0) ?? true }
            sampled += times
            for (a, b) in zip(times, times.dropFirst()) { intervals.append(b.nanoseconds(since: a)) }
        }
        intervals.sort()
        let step = max(1, intervals.isEmpty ? Int64(1_000_000_000) : intervals[intervals.count / 2])
        let distinct = EvaluationGrid(times: sampled, nominalStepNanoseconds: step).times
        guard let first = distinct.first, let last = distinct.last else { return EvaluationGrid(times: [], nominalStepNanoseconds: step) }
        var filled: [Timestamp] = []
        var budget = maximumFillPoints
        var limited = false
        /// Adds the points from `start` in steps of `stride` while `more` holds, within the budget.
        // Timestamps come from senders and may be anywhere in Int64: every step here saturates or
        // stops instead of overflowing.
        func fill(after origin: Timestamp, by stride: Int64, while more: (Int64) -> Bool) -> [Timestamp] {
            var points: [Timestamp] = []
            var (t, overflow) = origin.nanosecondsSinceEpoch.addingReportingOverflow(stride)
            while !overflow && more(t) {
                guard budget > 0 else { limited = true; break }
                points.append(Timestamp(nanosecondsSinceEpoch: t))
                budget -= 1
                (t, overflow) = t.addingReportingOverflow(stride)
            }
            return points
        }
        // Before the first sample: back from it to the span's start, in whole steps (keeps a regular grid's phase).
        if let start = span?.lowerBound {
            filled += fill(after: first, by: -step) { $0 >= start.nanosecondsSinceEpoch }.reversed()
        }
        for (a, b) in zip(distinct, distinct.dropFirst()) {
            filled.append(a)
            // A gap of more than 1.5 steps is filled with points at least half a step short of b.
            guard b.nanoseconds(since: a) - step > step / 2 else { continue }
            filled += fill(after: a, by: step) { b.nanoseconds(since: Timestamp(nanosecondsSinceEpoch: $0)) >= step / 2 + step % 2 }
        }
        filled.append(last)
        if let end = span?.upperBound {
            filled += fill(after: last, by: step) { $0 <= end.nanosecondsSinceEpoch }
        }
        var grid = EvaluationGrid(times: filled, nominalStepNanoseconds: step)
        grid.fillLimited = limited
        return grid
    }
}

