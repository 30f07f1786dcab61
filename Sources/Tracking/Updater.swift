// Correcting a track's belief with a measurement.
import Foundation
public import TrackingMath

/// A predicted measurement: what a sensor should see of a state, and how uncertain that is.
///
/// Its parts live in one `Matrix<19, 3>`, at the element offsets of `Layout`, so that the kernels that
/// fill and use it (`ExtendedKalmanUpdater.predictMeasurement`, `correctSymmetric`) reach them as one
/// run of elements.
public struct MeasurementPrediction: Sendable {
    /// Where each part starts among `storage`'s 57 elements (each row-major).
    package enum Layout {
        /// ẑ: 3.
        package static let mean = 0
        /// S: 3 × 3.
        package static let innovationCovariance = 3
        /// L: 3 × 3.
        package static let innovationFactor = 12
        /// Pxz: 6 × 3.
        package static let crossCovariance = 21
        /// H: 3 × 6.
        package static let jacobian = 39
    }

    /// ẑ, S, L, Pxz and H, at `Layout`'s offsets.
    package var storage: Matrix<19, 3>
    /// Whether `storage` holds H.
    package var hasJacobian: Bool

    /// Creates a prediction.
    public init(mean: MeasurementVector, innovationCovariance: MeasurementCovariance, innovationFactor: MeasurementCovariance,
                crossCovariance: Matrix<6, 3>, jacobian: MeasurementJacobian?) {
        storage = Matrix()
        hasJacobian = false
        self.mean = mean
        self.innovationCovariance = innovationCovariance
        self.innovationFactor = innovationFactor
        self.crossCovariance = crossCovariance
        self.jacobian = jacobian
    }

    /// A prediction of zeros, to be filled in by `Updater.predictMeasurement(_:model:into:)`.
    public init() {
        storage = Matrix()
        hasJacobian = false
    }

    /// The R × C part at element `offset`.
    private func part<let R: Int, let C: Int>(at offset: Int) -> Matrix<R, C> {
        var out = Matrix<R, C>()
        storage.withElements { x in
            out.withMutableElements { $0.copy(from: x + offset, count: R * C) }
        }
        return out
    }

    private mutating func setPart<let R: Int, let C: Int>(_ value: Matrix<R, C>, at offset: Int) {
        storage.withMutableElements { x in
            value.withElements { (x + offset).copy(from: $0, count: R * C) }
        }
    }

    /// ẑ.
    public var mean: MeasurementVector {
        get {
            // Read on every gated pair and every update: three elements at fixed places, not a copy loop.
            var z = MeasurementVector()
            z[0] = storage[0, 0]
            z[1] = storage[0, 1]
            z[2] = storage[0, 2]
            return z
        }
        set { setPart(newValue, at: Layout.mean) }
    }
    /// S = H P Hᵀ + R (or its unscented equivalent).
    public var innovationCovariance: MeasurementCovariance {
        get { part(at: Layout.innovationCovariance) }
        set { setPart(newValue, at: Layout.innovationCovariance) }
    }
    /// The lower Cholesky factor of S.
    public var innovationFactor: MeasurementCovariance {
        get { part(at: Layout.innovationFactor) }
        set { setPart(newValue, at: Layout.innovationFactor) }
    }
    /// Pxz = P Hᵀ (or its unscented equivalent).
    public var crossCovariance: Matrix<6, 3> {
        get { part(at: Layout.crossCovariance) }
        set { setPart(newValue, at: Layout.crossCovariance) }
    }
    /// H, for the Joseph-form update (`nil` for an unscented prediction).
    public var jacobian: MeasurementJacobian? {
        get { hasJacobian ? part(at: Layout.jacobian) : nil }
        set {
            hasJacobian = newValue != nil
            setPart(newValue ?? MeasurementJacobian(), at: Layout.jacobian)
        }
    }

    /// The squared Mahalanobis distance of an innovation ν: νᵀ S⁻¹ ν = |L⁻¹ ν|².
    /// (`innovationFactor.forwardSubstitute(innovation).squaredNorm`, written out on scalars with the
    /// same operations: it runs for every gated pair.)
    @inline(__always)
    public func squaredMahalanobis(_ innovation: MeasurementVector) -> Double {
        // L's element (i, j) is storage element 12 + 3 i + j: row 4 + i, column j.
        let y0 = innovation[0] / storage[4, 0]
        let y1 = (innovation[1] - storage[5, 0] * y0) / storage[5, 1]
        let y2 = (innovation[2] - storage[6, 0] * y0 - storage[6, 1] * y1) / storage[6, 2]
        return 0 + y0 * y0 + y1 * y1 + y2 * y2
    }

    /// The symmetric-form Kalman correction in place on a state's 42 elements (`GaussianState.storage`):
    /// K = Pxz S⁻¹, x⁺ = x + K ν, P⁺ = sym(P − K Pxzᵀ).
    ///
    /// The same operations in the same order as the matrix form (`choleskySolve`, then the products,
    /// each sum starting from zero), so the result is bit for bit the same. It is written on elements
    /// because the matrix form's temporaries and calls cost more than its arithmetic, and an element
    /// of a `Matrix` read by a variable row index copies the whole row first.
    func correctSymmetric(_ x: MutableMatrixElements, innovation v: MeasurementVector) {
        var gainStorage = Matrix<6, 3>()
        let v0 = v[0], v1 = v[1], v2 = v[2]
        storage.withElements { parts in
            gainStorage.withMutableElements { gain in
                let l = parts + Layout.innovationFactor, pxz = parts + Layout.crossCovariance
                let l00 = l[0], l10 = l[3], l11 = l[4], l20 = l[6], l21 = l[7], l22 = l[8]
                for r in 0..<6 {
                    // Row r of K solves S k = row r of Pxz: L y = b forward, then Lᵀ k = y back.
                    let y0 = pxz[r * 3] / l00
                    let y1 = (pxz[r * 3 + 1] - l10 * y0) / l11
                    let y2 = (pxz[r * 3 + 2] - l20 * y0 - l21 * y1) / l22
                    let k2 = y2 / l22
                    let k1 = (y1 - l21 * k2) / l11
                    let k0 = (y0 - l10 * k1 - l20 * k2) / l00
                    gain[r * 3] = k0
                    gain[r * 3 + 1] = k1
                    gain[r * 3 + 2] = k2
                    x[r] = x[r] + (0 + k0 * v0 + k1 * v1 + k2 * v2)
                }
                let p = x + GaussianState.covarianceOffset
                for i in 0..<6 {
                    let k0 = gain[i * 3], k1 = gain[i * 3 + 1], k2 = gain[i * 3 + 2]
                    let c0 = pxz[i * 3], c1 = pxz[i * 3 + 1], c2 = pxz[i * 3 + 2]
                    p[i * 6 + i] = p[i * 6 + i] - (0 + k0 * c0 + k1 * c1 + k2 * c2)
                    for j in (i + 1)..<6 {
                        let upper = p[i * 6 + j] - (0 + k0 * pxz[j * 3] + k1 * pxz[j * 3 + 1] + k2 * pxz[j * 3 + 2])
                        let lower = p[j * 6 + i] - (0 + gain[j * 3] * c0 + gain[j * 3 + 1] * c1 + gain[j * 3 + 2] * c2)
                        let m = 0.5 * (upper + lower)
                        p[i * 6 + j] = m
                        p[j * 6 + i] = m
                    }
                }
            }
        }
    }

    /// log N(ν; 0, S) over the model's `dimension` used elements (the padding adds log 1 = 0).
    public func logLikelihood(_ innovation: MeasurementVector, dimension: Int) -> Double {
        var logDeterminant = 0.0
        // L's diagonal: storage elements 12, 16 and 20.
        for i in 0..<3 { logDeterminant += 2 * log(storage[4 + i, i]) }
        return -0.5 * (squaredMahalanobis(innovation) + logDeterminant + Double(dimension) * log(2 * .pi))
    }
}

/// How a covariance update keeps P symmetric and positive definite.
public enum CovarianceUpdateForm: String, Codable, Sendable, CaseIterable {
    /// P⁺ = sym(P − K S Kᵀ), with sym(A) = (A + Aᵀ)/2 (Stone Soup's `force_symmetric_covariance`),
    /// computed as sym(P − K Pxzᵀ).
    case symmetric
    /// P⁺ = (I − K H) P (I − K H)ᵀ + K R Kᵀ (Joseph form), then symmetrised: positive semi-definite
    /// whatever the gain's rounding. It needs H, so with the unscented filter (which has none) the
    /// symmetric form is used.
    case joseph
}

/// Corrects an estimate with one measurement.
public protocol Updater: Sendable {
    /// What `model` should measure of `state`; `nil` when the prediction is degenerate (S not
    /// positive definite), in which case the pair is not associable.
    func predictMeasurement(_ state: GaussianState, model: any MeasurementModel) -> MeasurementPrediction?
    /// `predictMeasurement(_:model:)` written into `prediction`; returns `false` (leaving `prediction`
    /// unspecified) when it is degenerate. For the loops that predict a measurement of every track or
    /// mode: an optional 464-byte result was copied several times on its way out.
    func predictMeasurement(_ state: GaussianState, model: any MeasurementModel, into prediction: inout MeasurementPrediction) -> Bool
}

extension Updater {
    public func predictMeasurement(_ state: GaussianState, model: any MeasurementModel,
                                   into prediction: inout MeasurementPrediction) -> Bool {
        guard let result = predictMeasurement(state, model: model) else { return false }
        prediction = result
        return true
    }

    /// The estimate after measurement `z`.
    public func update(_ estimate: TrackEstimate, measurement z: MeasurementVector, model: any MeasurementModel,
                       combinedPrediction: MeasurementPrediction, form: CovarianceUpdateForm) -> TrackEstimate {
        var out = estimate
        _ = update(&out, measurement: z, model: model, combinedPrediction: combinedPrediction, form: form, requireFinite: false)
        return out
    }

    /// Updates `estimate` in place with measurement `z`. A single-mode estimate reuses
    /// `combinedPrediction`; an IMM estimate updates each mode with its own prediction and reweights
    /// the modes, μⱼ ∝ cⱼ N(νⱼ; 0, Sⱼ) (computed in logarithms, so a far-off mode cannot underflow all
    /// of them). With `requireFinite`, a result that is not finite is discarded: `estimate` keeps its
    /// prediction and the call returns `false`.
    @discardableResult
    public func update(_ estimate: inout TrackEstimate, measurement z: MeasurementVector, model: any MeasurementModel,
                       combinedPrediction: MeasurementPrediction, form: CovarianceUpdateForm,
                       requireFinite: Bool) -> Bool {
        if estimate.modeCount == 1 {
            var state = estimate.combined
            state.storage.withMutableElements {
                Self.correct($0, z: z, model: model, prediction: combinedPrediction, form: form)
            }
            if requireFinite && !state.isFinite { return false }
            estimate.setState(state)
            return true
        }
        // The modes and their mixture are corrected in place, on their elements: copies of whole states
        // were a good part of the update's time. The prediction is kept aside to restore when the result
        // is not finite.
        let n = estimate.modeCount, prior = estimate.modeProbabilities
        let predictedModes = estimate.modeStorage, predictedCombined = estimate.combined
        var probabilities = prior
        let finite = estimate.withModes { modes, combined in
            var logWeights = InlineArray<3, Double>(repeating: -.infinity)
            var prediction = MeasurementPrediction()
            for j in 0..<n {
                let mode = modes + j * GaussianState.elementCount
                guard prior[j] > 0,
                      predictMeasurement(GaussianState(elements: mode.readOnly), model: model, into: &prediction) else { continue }
                let innovation = model.residual(z, prediction.mean)
                logWeights[j] = log(prior[j]) + prediction.logLikelihood(innovation, dimension: model.dimension)
                Self.correct(mode, z: z, model: model, prediction: prediction, form: form)
            }
            var largest = -Double.infinity
            for j in 0..<n { largest = max(largest, logWeights[j]) }
            if largest.isFinite {
                var total = 0.0
                for j in 0..<n {
                    probabilities[j] = exp(logWeights[j] - largest)
                    total += probabilities[j]
                }
                for j in 0..<n { probabilities[j] /= total }
            } else {
                // No mode could be updated: fall back to the single combined update of every mode.
                predictedModes.withElements { predicted in
                    for j in 0..<n {
                        let offset = j * GaussianState.elementCount
                        (modes + offset).copy(from: predicted + offset, count: GaussianState.elementCount)
                        Self.correct(modes + offset, z: z, model: model, prediction: combinedPrediction, form: form)
                    }
                }
            }
            GaussianState.mixture(into: combined, from: modes.readOnly, weights: probabilities, count: n)
            return GaussianState.isFinite(combined.readOnly)
        }
        if requireFinite && !finite {
            estimate.restore(modes: predictedModes, combined: predictedCombined)
            return false
        }
        estimate.modeProbabilities = probabilities
        return true
    }

    /// The Kalman correction: K = Pxz S⁻¹, x⁺ = x + K ν, and P⁺ by `form`.
    static func correct(_ state: GaussianState, z: MeasurementVector, model: any MeasurementModel,
                        prediction: MeasurementPrediction, form: CovarianceUpdateForm) -> GaussianState {
        var out = state
        out.storage.withMutableElements { correct($0, z: z, model: model, prediction: prediction, form: form) }
        return out
    }

    /// `correct(_:z:model:prediction:form:)` in place on a state's 42 elements (`GaussianState.storage`).
    static func correct(_ x: MutableMatrixElements, z: MeasurementVector, model: any MeasurementModel,
                        prediction: MeasurementPrediction, form: CovarianceUpdateForm) {
        let innovation = model.residual(z, prediction.mean)
        if form == .joseph, let h = prediction.jacobian {
            let state = GaussianState(elements: x.readOnly)
            let gain = prediction.innovationFactor.choleskySolve(prediction.crossCovariance.transposed).transposed
            let mean = state.mean + gain * innovation
            let a = StateCovariance.identity - gain * h
            let covariance = a * state.covariance * a.transposed + gain * model.noiseCovariance * gain.transposed
            GaussianState(mean: mean, covariance: covariance.symmetrised).write(to: x)
            return
        }
        prediction.correctSymmetric(x, innovation: innovation)
    }
}

/// `Matrix.choleskyFactor` of a 3 × 3 matrix on elements (row-major), with the same operations in the
/// same order. Writes the lower factor into `l` (whose upper triangle must be zero) and returns whether
/// the matrix is positive definite (and finite).
@inline(__always)
func choleskyFactor3(_ a: MatrixElements, into l: MutableMatrixElements) -> Bool {
    for j in 0..<3 {
        var d = a[j * 3 + j]
        for k in 0..<j { d -= l[j * 3 + k] * l[j * 3 + k] }
        guard d > 0, d.isFinite else { return false }
        let ljj = d.squareRoot()
        l[j * 3 + j] = ljj
        for i in (j + 1)..<3 {
            var s = a[i * 3 + j]
            for k in 0..<j { s -= l[i * 3 + k] * l[j * 3 + k] }
            l[i * 3 + j] = s / ljj
        }
    }
    return true
}

/// The extended Kalman filter's measurement prediction: ẑ = h(x), H = ∂h/∂x at x,
/// S = H P Hᵀ + R, Pxz = P Hᵀ.
public struct ExtendedKalmanUpdater: Updater {
    /// Creates the updater.
    public init() {}

    public func predictMeasurement(_ state: GaussianState, model: any MeasurementModel) -> MeasurementPrediction? {
        var prediction = MeasurementPrediction()
        return predictMeasurement(state, model: model, into: &prediction) ? prediction : nil
    }

    /// Pxz = P Hᵀ, S = sym(H Pxz + R) and S's Cholesky factor, on raw doubles with the operations and
    /// summation order of the matrix form (`state.covariance * h.transposed`, `(h * cross + R).symmetrised`,
    /// `choleskyFactor`), so bit for bit the same: this runs for every track at gating and for every
    /// mode at the update, and the matrix form's temporaries cost more than its arithmetic. ẑ and H are
    /// written in place by the model (`linearise(at:measurement:jacobian:)`).
    public func predictMeasurement(_ state: GaussianState, model: any MeasurementModel,
                                   into prediction: inout MeasurementPrediction) -> Bool {
        var z = MeasurementVector(), h = MeasurementJacobian()
        model.linearise(at: state.mean, measurement: &z, jacobian: &h)
        let noise = model.noiseCovariance
        typealias Layout = MeasurementPrediction.Layout
        return state.storage.withElements { x in
            noise.withElements { r in
                prediction.hasJacobian = true
                return prediction.storage.withMutableElements { out in
                    z.withElements { (out + Layout.mean).copy(from: $0, count: 3) }
                    h.withElements { (out + Layout.jacobian).copy(from: $0, count: 18) }
                    for i in 0..<9 { out[Layout.innovationFactor + i] = 0 }
                    Self.project(x + GaussianState.covarianceOffset, (out + Layout.jacobian).readOnly, r,
                                 cross: out + Layout.crossCovariance, innovation: out + Layout.innovationCovariance)
                    return choleskyFactor3((out + Layout.innovationCovariance).readOnly, into: out + Layout.innovationFactor)
                }
            }
        }
    }

    /// Pxz = P Hᵀ (6 × 3) and S = sym(H Pxz + R) (3 × 3), row-major, from P (6 × 6), H (3 × 6) and R.
    ///
    /// Every model here measures position only, so H's velocity columns are zero. Their products are
    /// then exact zeros as long as what they multiply is finite, and a sum that starts from +0 is never
    /// −0, so adding them changes nothing: the sums skip them, half the work for the same result bit
    /// for bit. Any other H, or non-finite elements where the skipped products would be, takes the
    /// full sums.
    @inline(__always)
    static func project(_ p: MatrixElements, _ h: MatrixElements, _ r: MatrixElements,
                        cross: MutableMatrixElements, innovation s: MutableMatrixElements) {
        var zeroColumns = true
        for j in 0..<3 { for k in 3..<6 { zeroColumns = zeroColumns && h[j * 6 + k] == 0 } }
        // Pxz: P's velocity columns meet H's zero columns.
        if zeroColumns && allFinite(p + 3, rows: 6, columns: 3, rowStride: 6) {
            crossCovariance(p, h, into: cross, terms: 3)
        } else {
            crossCovariance(p, h, into: cross, terms: 6)
            zeroColumns = false
        }
        // S: Pxz's velocity rows meet H's zero columns.
        if zeroColumns && allFinite((cross + 9).readOnly, rows: 3, columns: 3, rowStride: 3) {
            innovationCovariance(h, cross.readOnly, r, into: s, terms: 3)
        } else {
            innovationCovariance(h, cross.readOnly, r, into: s, terms: 6)
        }
        for i in 0..<3 {
            for j in (i + 1)..<3 {
                let m = 0.5 * (s[i * 3 + j] + s[j * 3 + i])
                s[i * 3 + j] = m
                s[j * 3 + i] = m
            }
        }
    }

    /// Pxz = P Hᵀ over the first `terms` columns of P and H (a constant at each call, so the loops unroll).
    @inline(__always)
    private static func crossCovariance(_ p: MatrixElements, _ h: MatrixElements,
                                        into cross: MutableMatrixElements, terms: Int) {
        for i in 0..<6 {
            for j in 0..<3 {
                var sum = 0.0
                for k in 0..<terms { sum += p[i * 6 + k] * h[j * 6 + k] }
                cross[i * 3 + j] = sum
            }
        }
    }

    /// S = H Pxz + R (before symmetrising) over the first `terms` columns of H and rows of Pxz.
    @inline(__always)
    private static func innovationCovariance(_ h: MatrixElements, _ cross: MatrixElements,
                                             _ r: MatrixElements, into s: MutableMatrixElements, terms: Int) {
        for i in 0..<3 {
            for j in 0..<3 {
                var sum = 0.0
                for k in 0..<terms { sum += h[i * 6 + k] * cross[k * 3 + j] }
                s[i * 3 + j] = sum + r[i * 3 + j]
            }
        }
    }

    /// Whether a `rows` × `columns` block at `x` is finite. Branch-free: y − y is +0 for a finite y and
    /// NaN otherwise, so the sum stays zero only when every element is finite.
    @inline(__always)
    private static func allFinite(_ x: MatrixElements, rows: Int, columns: Int, rowStride: Int) -> Bool {
        var sum = 0.0
        for i in 0..<rows { for j in 0..<columns { sum += x[i * rowStride + j] - x[i * rowStride + j] } }
        return sum == 0
    }
}

/// The unscented Kalman filter's measurement prediction (Julier and Uhlmann 2004; Wan and van der
/// Merwe's scaled weights, Stone Soup's defaults α = 0.5, β = 2, κ = 3 − n).
///
/// Sigma points χ₀ = x, χᵢ = x ± (√((n + λ) P))ᵢ with λ = α²(n + κ) − n; weights
/// W₀ᵐ = λ/(n + λ), W₀ᶜ = W₀ᵐ + 1 − α² + β, Wᵢ = 1/(2(n + λ)). Angles are averaged as residuals
/// from h(x), so a bearing near ±180° averages correctly.
public struct UnscentedKalmanUpdater: Updater {
    /// α: the spread of the sigma points.
    public let alpha: Double
    /// β: prior knowledge of the distribution (2 is optimal for a Gaussian).
    public let beta: Double
    /// κ: secondary scaling (3 − n by default).
    public let kappa: Double

    /// Creates the updater.
    public init(alpha: Double = 0.5, beta: Double = 2, kappa: Double = -3) {
        self.alpha = alpha
        self.beta = beta
        self.kappa = kappa
    }

    public func predictMeasurement(_ state: GaussianState, model: any MeasurementModel) -> MeasurementPrediction? {
        let n = 6.0
        let lambda = alpha * alpha * (n + kappa) - n
        guard let root = ((n + lambda) * state.covariance).choleskyFactor else { return nil }
        let wm0 = lambda / (n + lambda), wc0 = wm0 + 1 - alpha * alpha + beta, wi = 1 / (2 * (n + lambda))
        let center = model.measure(state.mean)
        var points = InlineArray<13, MeasurementVector>(repeating: center)
        var offsets = InlineArray<13, StateVector>(repeating: StateVector())
        for i in 0..<6 {
            var column = StateVector()
            for r in 0..<6 { column[r] = root[r, i] }
            offsets[1 + i] = column
            offsets[7 + i] = -1 * column
            points[1 + i] = center + model.residual(model.measure(state.mean + column), center)
            points[7 + i] = center + model.residual(model.measure(state.mean - column), center)
        }
        var mean = wm0 * points[0]
        for i in 1..<13 { mean += wi * points[i] }
        var s = model.noiseCovariance
        var cross = Matrix<6, 3>()
        for i in 0..<13 {
            let dz = points[i] - mean
            let w = i == 0 ? wc0 : wi
            s += w * (dz * dz.transposed)
            cross += w * (offsets[i] * dz.transposed)
        }
        s = s.symmetrised
        guard let factor = s.choleskyFactor else { return nil }
        return MeasurementPrediction(mean: mean, innovationCovariance: s, innovationFactor: factor,
                                     crossCovariance: cross, jacobian: nil)
    }
}
