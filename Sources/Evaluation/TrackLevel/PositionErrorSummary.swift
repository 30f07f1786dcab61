// The position error of track records against truth: bias, RMSE, 95th percentile and CEP50.
public import TelemetryModel

/// Position error statistics over n error vectors eᵢ = track position − true position
/// (east, north, up), with horizontal error hᵢ = √(e_E² + e_N²), vertical error vᵢ = e_U and
/// 3-D error dᵢ = |eᵢ|:
///
///     bias        = (1/n) Σ eᵢ                      (per axis)
///     RMSE_h      = √((1/n) Σ hᵢ²),   RMSE_v = √((1/n) Σ vᵢ²),   RMSE_3D = √((1/n) Σ dᵢ²)
///     P95_h, P95_v, P95_3D = the 95th percentiles of hᵢ, |vᵢ| and dᵢ
///     CEP50       = the median of hᵢ
///
/// Percentiles interpolate linearly between order statistics: at rank r = q/100 · (n − 1),
/// x₍⌊r⌋₎ + (r − ⌊r⌋)(x₍⌊r⌋₊₁₎ − x₍⌊r⌋₎) (Hyndman and Fan 1996, definition 7; numpy's default). CEP50
/// is the empirical circular error probable: the radius of the circle about the truth that holds half
/// of the horizontal errors (the median of the radial error, with no Gaussian assumption).
public struct PositionErrorSummary: Hashable, Sendable, Codable {
    /// Error vectors summarised, n.
    public var count: Int
    /// Mean error per axis, metres east, north and up.
    public var bias: ENUVector
    /// RMS horizontal error, metres.
    public var horizontalRMSE: Double
    /// RMS vertical error, metres.
    public var verticalRMSE: Double
    /// RMS 3-D error, metres.
    public var rmse3D: Double
    /// 95th percentile of the horizontal error, metres.
    public var horizontalPercentile95: Double
    /// 95th percentile of the absolute vertical error, metres.
    public var verticalPercentile95: Double
    /// 95th percentile of the 3-D error, metres.
    public var percentile95_3D: Double
    /// The median horizontal error (CEP50), metres.
    public var cep50: Double

    /// The summary of `errors` (track − truth), or `nil` when there are none.
    public init?(errors: [ENUVector]) {
        guard !errors.isEmpty else { return nil }
        let n = Double(errors.count)
        var sum = ENUVector.zero
        var horizontal: [Double] = [], vertical: [Double] = [], full: [Double] = []
        horizontal.reserveCapacity(errors.count)
        vertical.reserveCapacity(errors.count)
        full.reserveCapacity(errors.count)
        var h2 = 0.0, v2 = 0.0
        for e in errors {
            sum += e
            let h = e.x * e.x + e.y * e.y, v = e.z * e.z
            h2 += h
            v2 += v
            horizontal.append(h.squareRoot())
            vertical.append(abs(e.z))
            full.append((h + v).squareRoot())
        }
        count = errors.count
        bias = sum / n
        horizontalRMSE = (h2 / n).squareRoot()
        verticalRMSE = (v2 / n).squareRoot()
        rmse3D = ((h2 + v2) / n).squareRoot()
        horizontal.sort()
        vertical.sort()
        full.sort()
        horizontalPercentile95 = Self.percentile(sorted: horizontal, 95)
        verticalPercentile95 = Self.percentile(sorted: vertical, 95)
        percentile95_3D = Self.percentile(sorted: full, 95)
        cep50 = Self.percentile(sorted: horizontal, 50)
    }

    /// The q-th percentile of ascending, non-empty `values`, linear between order statistics.
    static func percentile(sorted values: [Double], _ q: Double) -> Double {
        let rank = q / 100 * Double(values.count - 1)
        let low = Int(rank.rounded(.down))
        let high = min(low + 1, values.count - 1)
        return values[low] + (rank - Double(low)) * (values[high] - values[low])
    }
}
