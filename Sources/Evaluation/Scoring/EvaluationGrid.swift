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
    /// - Returns: the timeline; an empty grid when there is no truth.
    /// - Complexity: O(N log N) for N truth samples.
    public static func truthTimeline(of truths: [TruthPath], span: ClosedRange<Timestamp>? = nil) -> EvaluationGrid {
        var intervals: [Int64] = []
        var sampled: [Timestamp] = []
        for truth in truths {
            let times = truth.states.map(\.time).filter { span?.contains($0) ?? true }
            sampled += times
            for (a, b) in zip(times, times.dropFirst()) { intervals.append(b.nanosecondsSinceEpoch - a.nanosecondsSinceEpoch) }
        }
        intervals.sort()
        let step = intervals.isEmpty ? Int64(1_000_000_000) : intervals[intervals.count / 2]
        let distinct = EvaluationGrid(times: sampled, nominalStepNanoseconds: step).times
        guard let first = distinct.first, let last = distinct.last else { return EvaluationGrid(times: [], nominalStepNanoseconds: step) }
        var filled: [Timestamp] = []
        // Before the first sample: back from it to the span's start, in whole steps (keeps a regular grid's phase).
        if let start = span?.lowerBound, start < first {
            var t = first.nanosecondsSinceEpoch - step
            var before: [Timestamp] = []
            while t >= start.nanosecondsSinceEpoch && before.count < 10_000_000 {
                before.append(Timestamp(nanosecondsSinceEpoch: t))
                t -= step
            }
            filled += before.reversed()
        }
        for (a, b) in zip(distinct, distinct.dropFirst()) {
            filled.append(a)
            let gap = b.nanosecondsSinceEpoch - a.nanosecondsSinceEpoch
            guard gap * 2 > step * 3 else { continue }
            var t = a.nanosecondsSinceEpoch + step
            while t * 2 <= b.nanosecondsSinceEpoch * 2 - step {
                filled.append(Timestamp(nanosecondsSinceEpoch: t))
                t += step
            }
        }
        filled.append(last)
        if let end = span?.upperBound {
            var t = last.nanosecondsSinceEpoch + step
            var count = 0
            while t <= end.nanosecondsSinceEpoch && count < 10_000_000 {
                filled.append(Timestamp(nanosecondsSinceEpoch: t))
                t += step
                count += 1
            }
        }
        return EvaluationGrid(times: filled, nominalStepNanoseconds: step)
    }
}
