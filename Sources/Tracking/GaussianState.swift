// The tracker's state: position and velocity in the site's ENU frame, with their covariance.
public import TelemetryModel

/// x = [E, N, U, vE, vN, vU]ᵀ: metres and metres per second in the site's east-north-up frame.
public typealias StateVector = Vector<6>
/// The 6 × 6 covariance of a `StateVector`.
public typealias StateCovariance = Matrix<6, 6>
/// A measurement, padded to three elements (a bearing-only measurement uses element 0 only).
public typealias MeasurementVector = Vector<3>
/// The 3 × 3 covariance of a `MeasurementVector`.
public typealias MeasurementCovariance = Matrix<3, 3>
/// ∂h/∂x: the Jacobian of a measurement function.
public typealias MeasurementJacobian = Matrix<3, 6>

/// A Gaussian belief about one target: mean and covariance.
public struct GaussianState: Sendable {
    /// The mean.
    public var mean: StateVector
    /// The covariance.
    public var covariance: StateCovariance

    /// Creates a state.
    public init(mean: StateVector, covariance: StateCovariance) {
        self.mean = mean
        self.covariance = covariance
    }

    /// The position (E, N, U), metres.
    public var position: ENUVector { ENUVector(mean[0], mean[1], mean[2]) }
    /// The velocity (vE, vN, vU), metres per second.
    public var velocity: ENUVector { ENUVector(mean[3], mean[4], mean[5]) }
    /// The trace of the position block of the covariance, m².
    public var positionCovarianceTrace: Double { covariance[0, 0] + covariance[1, 1] + covariance[2, 2] }

    /// Whether mean and covariance are finite.
    public var isFinite: Bool { mean.isFinite && covariance.isFinite }
}

/// The most motion modes a track carries (an IMM of constant velocity and two coordinated turns).
public let maximumMotionModes = 3

/// A track's belief at one time: a single Gaussian, or an IMM's weighted set of per-mode Gaussians.
///
/// `combined` is always the moment-matched mixture, x = Σ μⱼ xⱼ and
/// P = Σ μⱼ (Pⱼ + (xⱼ − x)(xⱼ − x)ᵀ), kept up to date by `setModes`.
public struct TrackEstimate: Sendable {
    /// The time of the belief (a message time, never the wall clock).
    public var time: Timestamp
    /// The number of motion modes in use (1 without an IMM).
    public private(set) var modeCount: Int
    /// Per-mode Gaussians; the first `modeCount` are used.
    public internal(set) var modes: InlineArray<3, GaussianState>
    /// Per-mode probabilities μⱼ, summing to 1 over the first `modeCount`.
    public internal(set) var modeProbabilities: InlineArray<3, Double>
    /// The moment-matched mixture of the modes.
    public private(set) var combined: GaussianState

    /// A single-mode estimate.
    public init(time: Timestamp, state: GaussianState) {
        self.time = time
        modeCount = 1
        modes = .init(repeating: state)
        modeProbabilities = .init(repeating: 0)
        modeProbabilities[0] = 1
        combined = state
    }

    /// An estimate with `probabilities.count` modes, each starting at `state`.
    public init(time: Timestamp, state: GaussianState, modeProbabilities probabilities: [Double]) {
        precondition((1...maximumMotionModes).contains(probabilities.count))
        self.time = time
        modeCount = probabilities.count
        modes = .init(repeating: state)
        modeProbabilities = .init(repeating: 0)
        for j in 0..<probabilities.count { modeProbabilities[j] = probabilities[j] }
        combined = state
    }

    /// Replaces the modes and their probabilities, and recomputes `combined`.
    public mutating func setModes(_ newModes: InlineArray<3, GaussianState>, probabilities: InlineArray<3, Double>) {
        modes = newModes
        modeProbabilities = probabilities
        recombine()
    }

    /// Recomputes `combined` after `modes` or `modeProbabilities` changed in place.
    mutating func recombine() {
        if modeCount == 1 {
            combined = modes[0]
            return
        }
        var mean = StateVector()
        for j in 0..<modeCount { mean += modeProbabilities[j] * modes[j].mean }
        var covariance = StateCovariance()
        for j in 0..<modeCount {
            let d = modes[j].mean - mean
            covariance += modeProbabilities[j] * (modes[j].covariance + d * d.transposed)
        }
        combined.mean = mean
        combined.covariance = covariance.symmetrised
    }

    /// Replaces a single-mode estimate's state.
    public mutating func setState(_ state: GaussianState) {
        precondition(modeCount == 1)
        modes[0] = state
        combined = state
    }
}
