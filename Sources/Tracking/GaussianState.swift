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

    /// The estimate with the same combined state but `probabilities.count` modes, each at that state:
    /// how a track followed with one motion model enters an IMM.
    public func expanded(toModes probabilities: [Double]) -> TrackEstimate {
        TrackEstimate(time: time, state: combined, modeProbabilities: probabilities)
    }

    /// Recomputes `combined` after `modes` or `modeProbabilities` changed in place.
    mutating func recombine() {
        if modeCount == 1 {
            combined = modes[0]
            return
        }
        let weights = modeProbabilities, count = modeCount
        withModes { modes, combined in
            GaussianState.mixture(into: GaussianState.elements(combined), from: GaussianState.elements(UnsafePointer(modes)),
                                  weights: weights, count: count)
        }
    }

    /// Calls `body` with the modes and the mixture in place, for the kernels that rewrite them:
    /// `withUnsafePointer(to: modes)` copied all three modes (1008 bytes) first.
    mutating func withModes<T>(_ body: (UnsafeMutablePointer<GaussianState>, UnsafeMutablePointer<GaussianState>) -> T) -> T {
        withUnsafeMutablePointer(to: &modes) { modes in
            withUnsafeMutablePointer(to: &combined) { combined in
                body(UnsafeMutableRawPointer(modes).assumingMemoryBound(to: GaussianState.self), combined)
            }
        }
    }

    /// Replaces the mixture alone (restoring it with the modes it was computed from).
    mutating func setCombined(_ mixture: GaussianState) { combined = mixture }

    /// Replaces a single-mode estimate's state.
    public mutating func setState(_ state: GaussianState) {
        precondition(modeCount == 1)
        modes[0] = state
        combined = state
    }
}

// The IMM's inner loops on raw elements. Mixing and predicting every mode of every track on every
// scan was most of the tracker's time, and most of that was copies: a `GaussianState` is 336 bytes,
// and reading one out of an `InlineArray` by a variable index copies it. These kernels read and write
// the doubles in place instead.
extension GaussianState {
    /// The number of doubles in a state: the mean (6), then the covariance row by row (36).
    static let elementCount = 42

    /// A state's (or a run of states') doubles. A `GaussianState` is plain doubles: `Matrix` is an
    /// `InlineArray` of `InlineArray`s of `Double`, which lays them out contiguously without padding.
    @inline(__always)
    static func elements<T>(_ pointer: UnsafePointer<T>) -> UnsafePointer<Double> {
        UnsafeRawPointer(pointer).assumingMemoryBound(to: Double.self)
    }

    /// The mutable form of `elements`.
    @inline(__always)
    static func elements<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Double> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Double.self)
    }

    /// Whether the state's 42 doubles at `x` are finite. Branch-free: y − y is +0 for a finite y and
    /// NaN otherwise, so the sum stays zero only when every element is finite.
    static func isFinite(_ x: UnsafePointer<Double>) -> Bool {
        var sum = 0.0
        for i in 0..<GaussianState.elementCount { sum += x[i] - x[i] }
        return sum == 0
    }

    /// Writes the moment-matched mixture of `count` consecutive states at `source` into `target`
    /// (which must not overlap them): x = Σ wᵢ xᵢ, P = Σ wᵢ (Pᵢ + dᵢ dᵢᵀ) with dᵢ = xᵢ − x. The upper
    /// triangle is summed and mirrored, so P is exactly symmetric. States of zero weight are skipped.
    ///
    /// The covariance is summed two columns at a time (`SIMD2`): each element gets the same operations
    /// as one at a time, so the result is the same bit for bit, in about half the instructions. Pairs
    /// that straddle the diagonal also sum the element below it, which the mirroring overwrites.
    static func mixture(into target: UnsafeMutablePointer<Double>, from source: UnsafePointer<Double>,
                        weights: InlineArray<3, Double>, count: Int) {
        precondition(MemoryLayout<GaussianState>.stride == elementCount * MemoryLayout<Double>.stride)
        // The weights through a pointer: an `InlineArray` read by a variable index was stored back to
        // the stack before every read.
        withUnsafePointer(to: weights) { weights in
            mixture(into: target, from: source, weights: elements(weights), count: count)
        }
    }

    /// `mixture(into:from:weights:count:)` with the weights as `count` doubles at `weights`.
    private static func mixture(into target: UnsafeMutablePointer<Double>, from source: UnsafePointer<Double>,
                                weights: UnsafePointer<Double>, count: Int) {
        for r in 0..<elementCount { target[r] = 0 }
        for i in 0..<count where weights[i] > 0 {
            let x = source + i * elementCount
            for r in 0..<6 { target[r] += weights[i] * x[r] }
        }
        let covariance = UnsafeMutableRawPointer(target + 6)
        for i in 0..<count where weights[i] > 0 {
            let w = SIMD2<Double>(repeating: weights[i]), x = source + i * elementCount, p = UnsafeRawPointer(x + 6)
            var d = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
            withUnsafeMutableBytes(of: &d) { raw in
                let d = raw.baseAddress!.assumingMemoryBound(to: Double.self)
                for r in 0..<6 { d[r] = x[r] - target[r] }
                for r in 0..<6 {
                    let dr = SIMD2<Double>(repeating: d[r])
                    for c in stride(from: r & ~1, to: 6, by: 2) {
                        let offset = (r * 6 + c) * MemoryLayout<Double>.stride
                        let dc = UnsafeRawPointer(d + c).loadUnaligned(as: SIMD2<Double>.self)
                        let pc = p.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
                        let sum = covariance.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self) + w * (pc + dr * dc)
                        covariance.storeBytes(of: sum, toByteOffset: offset, as: SIMD2<Double>.self)
                    }
                }
            }
        }
        for r in 1..<6 { for c in 0..<r { target[6 + r * 6 + c] = target[6 + c * 6 + r] } }
    }
}
