// The times at which tracks are compared with truth.
public import TelemetryModel

/// The evaluation time grid: `epoch + k·step` for every k ≥ 0 with `k·step ≤ duration`.
///
/// The default of the Stone Soup scorer (`metrics_stonesoup.py`) is the scenario's truth grid over
/// the whole run (`epoch_ns`, `truth_dt_s`, `duration_s` of the `meta` record), also where no drone
/// flies, so that false tracks there count.
public struct EvaluationGrid: Hashable, Sendable {
    /// The grid's times, ascending.
    public let times: [Timestamp]
    /// The spacing, nanoseconds.
    public let stepNanoseconds: Int64

    /// The grid from `epoch` over `durationSeconds` every `stepSeconds`.
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

    /// Seconds between grid points (the scorer's `grid_s`).
    public var stepSeconds: Double { Double(stepNanoseconds) / 1e9 }
}
