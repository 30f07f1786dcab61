// The gate that decides whether a detection could have come from a drone: a box in polar coordinates.
public import Geodesy
public import TelemetryModel

/// A rectangular gate about a drone's true polar position, k standard deviations wide on each axis
/// the detection measures:
///
///     |r̂ − r| ≤ k σr,   |wrap(âz − az)| ≤ k σaz,   |êl − el| ≤ k σel
///
/// with r̂, âz, êl the detection and r, az, el the truth, and wrap(x) the angle x taken into
/// [−180°, 180°). A bearing-only detection (no range, no elevation) is tested on azimuth alone; a
/// detection with a range but no elevation on range and azimuth.
///
/// Among detections inside the gate, "nearest" means the smallest normalised squared distance
///
///     d² = ((r̂ − r) / σr)² + (wrap(âz − az) / σaz)² + ((êl − el) / σel)²
///
/// summed over the axes the detection measures.
public struct PolarDetectionGate: Hashable, Sendable, Codable {
    /// One-sigma range error, metres.
    public let sigmaRange: Double
    /// One-sigma azimuth error, degrees.
    public let sigmaAzimuth: Double
    /// One-sigma elevation error, degrees.
    public let sigmaElevation: Double
    /// The half-width of the gate in standard deviations, k (default 3).
    public let sigmaMultiplier: Double

    /// The one-sigma range error used when a sensor's description gives none: 5 m.
    public static let defaultSigmaRange = 5.0
    /// The one-sigma azimuth error used when a sensor's description gives none: 0.5°.
    public static let defaultSigmaAzimuth = 0.5
    /// The one-sigma elevation error used when a sensor's description gives none: 0.5°.
    public static let defaultSigmaElevation = 0.5

    /// Creates a gate.
    ///
    /// - Precondition: every sigma and the multiplier are finite and positive.
    public init(sigmaRange: Double = PolarDetectionGate.defaultSigmaRange,
                sigmaAzimuth: Double = PolarDetectionGate.defaultSigmaAzimuth,
                sigmaElevation: Double = PolarDetectionGate.defaultSigmaElevation,
                sigmaMultiplier: Double = 3) {
        for value in [sigmaRange, sigmaAzimuth, sigmaElevation, sigmaMultiplier] {
            precondition(value.isFinite && value > 0, "gate sigmas and multiplier must be finite and positive")
        }
        self.sigmaRange = sigmaRange
        self.sigmaAzimuth = sigmaAzimuth
        self.sigmaElevation = sigmaElevation
        self.sigmaMultiplier = sigmaMultiplier
    }

    /// The gate for `sensor`: its own sigmas where its description gives them (finite and positive),
    /// `fallback`'s otherwise (by default 5 m, 0.5°, 0.5°).
    public init(sensor: SensorDescription?, fallback: PolarDetectionGate = PolarDetectionGate(), sigmaMultiplier: Double = 3) {
        func usable(_ value: Double?, _ fallback: Double) -> Double {
            if let value, value.isFinite, value > 0 { return value }
            return fallback
        }
        self.init(sigmaRange: usable(sensor?.sigmaRange, fallback.sigmaRange),
                  sigmaAzimuth: usable(sensor?.sigmaAzimuth, fallback.sigmaAzimuth),
                  sigmaElevation: usable(sensor?.sigmaElevation, fallback.sigmaElevation),
                  sigmaMultiplier: sigmaMultiplier)
    }

    /// The normalised squared distance d² of `detection` from `truth`, or `nil` when the detection
    /// falls outside the gate on any axis it measures.
    public func normalisedSquaredDistance(of detection: Detection, from truth: PolarMeasurement) -> Double? {
        var total = 0.0
        func add(_ error: Double, _ sigma: Double) -> Bool {
            guard error.isFinite, abs(error) <= sigmaMultiplier * sigma else { return false }
            total += (error / sigma) * (error / sigma)
            return true
        }
        if let range = detection.range, !add(range - truth.range, sigmaRange) { return nil }
        if !add(Self.wrappedDegrees(detection.azimuth - truth.azimuth), sigmaAzimuth) { return nil }
        if let elevation = detection.elevation, !add(elevation - truth.elevation, sigmaElevation) { return nil }
        return total
    }

    /// An angle difference in degrees, taken into [−180°, 180°).
    public static func wrappedDegrees(_ degrees: Double) -> Double {
        let turned = (degrees + 180).truncatingRemainder(dividingBy: 360)
        return (turned < 0 ? turned + 360 : turned) - 180
    }
}
