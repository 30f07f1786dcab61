// The tracker's state: position and velocity in the site's ENU frame, with their covariance.
public import TelemetryModel
public import TrackingMath

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
///
/// Both live in one `Matrix<7, 6>`: row 0 is the mean, rows 1 to 6 the covariance. The kernels read
/// and write a state as those 42 elements (`storage.withMutableElements`): the mean at 0..<6, P(i, j)
/// at 6 + 6 i + j.
public struct GaussianState: Sendable {
    /// The mean (row 0) and the covariance (rows 1 to 6).
    package var storage: Matrix<7, 6>

    /// The number of elements of a state, and the offset of the covariance among them.
    package static let elementCount = 42
    package static let covarianceOffset = 6

    /// Creates a state.
    public init(mean: StateVector, covariance: StateCovariance) {
        storage = Matrix()
        self.mean = mean
        self.covariance = covariance
    }

    /// A state from 42 elements laid out as `storage`'s.
    package init(elements x: MatrixElements) {
        storage = Matrix()
        storage.withMutableElements { $0.copy(from: x, count: Self.elementCount) }
    }

    /// Writes the state's 42 elements to `x`.
    package func write(to x: MutableMatrixElements) {
        storage.withElements { x.copy(from: $0, count: Self.elementCount) }
    }

    // The accessors copy elements through the handles: a `Matrix` element read or written by a
    // variable row index copies the whole row first.

    /// The mean.
    public var mean: StateVector {
        get {
            var v = StateVector()
            storage.withElements { x in v.withMutableElements { $0.copy(from: x, count: 6) } }
            return v
        }
        set {
            storage.withMutableElements { x in newValue.withElements { x.copy(from: $0, count: 6) } }
        }
    }

    /// The covariance.
    public var covariance: StateCovariance {
        get {
            var p = StateCovariance()
            storage.withElements { x in p.withMutableElements { $0.copy(from: x + Self.covarianceOffset, count: 36) } }
            return p
        }
        set {
            storage.withMutableElements { x in newValue.withElements { (x + Self.covarianceOffset).copy(from: $0, count: 36) } }
        }
    }

    /// The position (E, N, U), metres.
    public var position: ENUVector { ENUVector(storage[0, 0], storage[0, 1], storage[0, 2]) }
    /// The velocity (vE, vN, vU), metres per second.
    public var velocity: ENUVector { ENUVector(storage[0, 3], storage[0, 4], storage[0, 5]) }
    /// The variance of the height (U), m².
    public var heightVariance: Double { storage[3, 2] }
    /// The trace of the position block of the covariance, m².
    public var positionCovarianceTrace: Double { storage[1, 0] + storage[2, 1] + storage[3, 2] }

    /// Whether mean and covariance are finite.
    public var isFinite: Bool { storage.withElements { GaussianState.isFinite($0) } }
}

/// The most motion modes a track carries (an IMM of constant velocity and two coordinated turns).
public let maximumMotionModes = 3

/// A track's belief at one time: a single Gaussian, or an IMM's weighted set of per-mode Gaussians.
///
/// `combined` is always the moment-matched mixture, x = Σ μⱼ xⱼ and
/// P = Σ μⱼ (Pⱼ + (xⱼ − x)(xⱼ − x)ᵀ), kept up to date by `recombine`.
///
/// The modes live in one `Matrix<21, 6>`, each laid out as a `GaussianState`'s storage (7 rows):
/// mode j's 42 elements start at element 42 j.
public struct TrackEstimate: Sendable {
    /// The time of the belief (a message time, never the wall clock).
    public var time: Timestamp
    /// The number of motion modes in use (1 without an IMM).
    public private(set) var modeCount: Int
    /// The modes' states; the first `modeCount` are used.
    package var modeStorage: Matrix<21, 6>
    /// Per-mode probabilities μⱼ, summing to 1 over the first `modeCount`.
    public internal(set) var modeProbabilities: InlineArray<3, Double>
    /// The moment-matched mixture of the modes.
    public private(set) var combined: GaussianState

    /// A single-mode estimate.
    public init(time: Timestamp, state: GaussianState) {
        self.init(time: time, state: state, modeProbabilities: [1])
    }

    /// An estimate with `probabilities.count` modes, each starting at `state`.
    public init(time: Timestamp, state: GaussianState, modeProbabilities probabilities: [Double]) {
        precondition((1...maximumMotionModes).contains(probabilities.count))
        self.time = time
        modeCount = probabilities.count
        modeStorage = Matrix()
        modeProbabilities = .init(repeating: 0)
        for j in 0..<probabilities.count { modeProbabilities[j] = probabilities[j] }
        combined = state
        for j in 0..<maximumMotionModes { setMode(j, state) }
    }

    /// Mode j's state.
    public func mode(_ j: Int) -> GaussianState {
        precondition(j >= 0 && j < maximumMotionModes)
        return modeStorage.withElements { GaussianState(elements: $0 + j * GaussianState.elementCount) }
    }

    /// Replaces mode j's state.
    mutating func setMode(_ j: Int, _ state: GaussianState) {
        precondition(j >= 0 && j < maximumMotionModes)
        modeStorage.withMutableElements { state.write(to: $0 + j * GaussianState.elementCount) }
    }

    /// The estimate with the same combined state but `probabilities.count` modes, each at that state:
    /// how a track followed with one motion model enters an IMM.
    public func expanded(toModes probabilities: [Double]) -> TrackEstimate {
        TrackEstimate(time: time, state: combined, modeProbabilities: probabilities)
    }

    /// Recomputes `combined` after the modes or `modeProbabilities` changed in place.
    mutating func recombine() {
        if modeCount == 1 {
            modeStorage.withElements { mode in
                combined.storage.withMutableElements { $0.copy(from: mode, count: GaussianState.elementCount) }
            }
            return
        }
        let weights = modeProbabilities, count = modeCount
        withModes { modes, combined in
            GaussianState.mixture(into: combined, from: modes.readOnly, weights: weights, count: count)
        }
    }

    /// Calls `body` with the modes' elements (mode j from 42 j) and the mixture's, in place, for the
    /// kernels that rewrite them.
    mutating func withModes<T>(_ body: (MutableMatrixElements, MutableMatrixElements) -> T) -> T {
        modeStorage.withMutableElements { modes in
            combined.storage.withMutableElements { combined in body(modes, combined) }
        }
    }

    /// Replaces the modes and the mixture (restoring them after an update that did not hold).
    mutating func restore(modes: Matrix<21, 6>, combined mixture: GaussianState) {
        modeStorage = modes
        combined = mixture
    }

    /// Replaces a single-mode estimate's state.
    public mutating func setState(_ state: GaussianState) {
        precondition(modeCount == 1)
        setMode(0, state)
        combined = state
    }
}

// The IMM's mixture on elements. Mixing and predicting every mode of every track on every scan was
// most of the tracker's time, and most of that was copies: a `GaussianState` is 336 bytes.
extension GaussianState {
    /// Whether the 42 elements of a state at `x` are finite. Branch-free: y − y is +0 for a finite y
    /// and NaN otherwise, so the sum stays zero only when every element is finite.
    static func isFinite(_ x: MatrixElements) -> Bool {
        var sum = 0.0
        for i in 0..<GaussianState.elementCount { sum += x[i] - x[i] }
        return sum == 0
    }

    /// Writes the moment-matched mixture of `count` consecutive states at `source` (42 elements each)
    /// into `target` (which must not overlap them): x = Σ wᵢ xᵢ, P = Σ wᵢ (Pᵢ + dᵢ dᵢᵀ) with
    /// dᵢ = xᵢ − x. The upper triangle is summed and mirrored, so P is exactly symmetric. States of zero
    /// weight are skipped.
    ///
    /// The covariance is summed two columns at a time (`SIMD2`): each element gets the same operations
    /// as one at a time, so the result is the same bit for bit, in about half the instructions. Pairs
    /// that straddle the diagonal also sum the element below it, which the mirroring overwrites.
    static func mixture(into target: MutableMatrixElements, from source: MatrixElements,
                        weights: InlineArray<3, Double>, count: Int) {
        // The weights as a vector read through its elements: an `InlineArray` read by a variable index
        // was stored back to the stack before every read.
        var w = Vector<3>()
        for i in 0..<3 { w[i] = weights[i] }
        w.withElements { mixture(into: target, from: source, weights: $0, count: count) }
    }

    /// `mixture(into:from:weights:count:)` with the weights as elements.
    ///
    /// dᵢ is taken two elements at a time straight from xᵢ and x (the same subtraction per element):
    /// written to a scratch as single elements and read back in pairs, it stalled on every read.
    private static func mixture(into target: MutableMatrixElements, from source: MatrixElements,
                                weights: MatrixElements, count: Int) {
        for r in 0..<elementCount { target[r] = 0 }
        for i in 0..<count where weights[i] > 0 {
            let x = source + i * elementCount
            for r in 0..<6 { target[r] += weights[i] * x[r] }
        }
        let covariance = target + covarianceOffset
        for i in 0..<count where weights[i] > 0 {
            let w = SIMD2<Double>(repeating: weights[i]), x = source + i * elementCount, p = x + covarianceOffset
            for r in 0..<6 {
                let dr = SIMD2<Double>(repeating: x[r] - target[r])
                for c in stride(from: r & ~1, to: 6, by: 2) {
                    let dc = x.pair(at: c) - target.pair(at: c)
                    let sum = covariance.pair(at: r * 6 + c) + w * (p.pair(at: r * 6 + c) + dr * dc)
                    covariance.setPair(sum, at: r * 6 + c)
                }
            }
        }
        for r in 1..<6 { for c in 0..<r { covariance[r * 6 + c] = covariance[c * 6 + r] } }
    }
}
