// Bias and RMSE of one measured quantity against truth.

/// The error of one measured axis (range, azimuth or elevation) over a set of associated detections.
///
/// With eᵢ = measuredᵢ − trueᵢ (azimuth errors wrapped into [−180°, 180°)) over n detections:
///
///     bias = (1/n) Σ eᵢ,   RMSE = √((1/n) Σ eᵢ²),   standard deviation = √(RMSE² − bias²)
///
/// The standard deviation is the population one (divisor n), so RMSE² = bias² + SD² exactly.
public struct MeasurementErrorSummary: Hashable, Sendable, Codable {
    /// Errors summarised, n.
    public var count: Int
    /// Mean error, in the axis's unit (metres or degrees).
    public var bias: Double
    /// Root-mean-square error.
    public var rmse: Double

    /// Creates a summary.
    public init(count: Int, bias: Double, rmse: Double) {
        self.count = count
        self.bias = bias
        self.rmse = rmse
    }

    /// The summary of `errors`, or `nil` when there are none.
    public init?(errors: [Double]) {
        guard !errors.isEmpty else { return nil }
        let n = Double(errors.count)
        count = errors.count
        bias = errors.reduce(0, +) / n
        rmse = (errors.reduce(0) { $0 + $1 * $1 } / n).squareRoot()
    }

    /// The population standard deviation about the bias, √(max(0, RMSE² − bias²)).
    public var standardDeviation: Double { max(0, rmse * rmse - bias * bias).squareRoot() }
}
