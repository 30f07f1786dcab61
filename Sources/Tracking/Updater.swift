// Correcting a track's belief with a measurement.
import Foundation

/// A predicted measurement: what a sensor should see of a state, and how uncertain that is.
public struct MeasurementPrediction: Sendable {
    /// ẑ.
    public var mean: MeasurementVector
    /// S = H P Hᵀ + R (or its unscented equivalent).
    public var innovationCovariance: MeasurementCovariance
    /// The lower Cholesky factor of S.
    public var innovationFactor: MeasurementCovariance
    /// Pxz = P Hᵀ (or its unscented equivalent).
    public var crossCovariance: Matrix<6, 3>
    /// H, for the Joseph-form update (`nil` for an unscented prediction).
    public var jacobian: MeasurementJacobian?

    /// Creates a prediction.
    public init(mean: MeasurementVector, innovationCovariance: MeasurementCovariance, innovationFactor: MeasurementCovariance,
                crossCovariance: Matrix<6, 3>, jacobian: MeasurementJacobian?) {
        self.mean = mean
        self.innovationCovariance = innovationCovariance
        self.innovationFactor = innovationFactor
        self.crossCovariance = crossCovariance
        self.jacobian = jacobian
    }

    /// A prediction of zeros, to be filled in by `Updater.predictMeasurement(_:model:into:)`.
    public init() {
        self.init(mean: MeasurementVector(), innovationCovariance: MeasurementCovariance(),
                  innovationFactor: MeasurementCovariance(), crossCovariance: Matrix(), jacobian: nil)
    }

    /// The squared Mahalanobis distance of an innovation ν: νᵀ S⁻¹ ν = |L⁻¹ ν|².
    /// (`innovationFactor.forwardSubstitute(innovation).squaredNorm`, written out on scalars with the
    /// same operations: it runs for every gated pair.)
    @inlinable public func squaredMahalanobis(_ innovation: MeasurementVector) -> Double {
        let l = innovationFactor
        let y0 = innovation[0] / l[0, 0]
        let y1 = (innovation[1] - l[1, 0] * y0) / l[1, 1]
        let y2 = (innovation[2] - l[2, 0] * y0 - l[2, 1] * y1) / l[2, 2]
        return 0 + y0 * y0 + y1 * y1 + y2 * y2
    }

    /// The symmetric-form Kalman correction in place on a state's 42 doubles (`GaussianState.elements`):
    /// K = Pxz S⁻¹, x⁺ = x + K ν, P⁺ = sym(P − K Pxzᵀ).
    ///
    /// The same operations in the same order as the matrix form (`choleskySolve`, then the products,
    /// each sum starting from zero), so the result is bit for bit the same. It is written on raw
    /// doubles because the matrix form's temporaries and calls cost more than its arithmetic, and an
    /// element of a `Matrix` read by a variable row index copies the whole row first.
    func correctSymmetric(_ x: UnsafeMutablePointer<Double>, innovation: MeasurementVector) {
        var gainStorage = Matrix<6, 3>()
        withUnsafePointer(to: innovationFactor) { factor in
            withUnsafePointer(to: crossCovariance) { cross in
                withUnsafePointer(to: innovation) { innovation in
                    withUnsafeMutablePointer(to: &gainStorage) { gainPointer in
                        let l = GaussianState.elements(factor), pxz = GaussianState.elements(cross)
                        let v = GaussianState.elements(innovation), gain = GaussianState.elements(gainPointer)
                        let l00 = l[0], l10 = l[3], l11 = l[4], l20 = l[6], l21 = l[7], l22 = l[8]
                        let v0 = v[0], v1 = v[1], v2 = v[2]
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
                        let p = x + 6
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
        }
    }

    /// log N(ν; 0, S) over the model's `dimension` used elements (the padding adds log 1 = 0).
    public func logLikelihood(_ innovation: MeasurementVector, dimension: Int) -> Double {
        var logDeterminant = 0.0
        for i in 0..<3 { logDeterminant += 2 * log(innovationFactor[i, i]) }
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
            withUnsafeMutablePointer(to: &state) {
                Self.correct(GaussianState.elements($0), z: z, model: model, prediction: combinedPrediction, form: form)
            }
            if requireFinite && !state.isFinite { return false }
            estimate.setState(state)
            return true
        }
        // The modes are corrected in a scratch copy, committed only when the result is finite. Each mode
        // is read and corrected through a pointer: reading a `GaussianState` out of the `InlineArray` by
        // a variable index copies it (336 bytes), and such copies were a good part of the update's time.
        let n = estimate.modeCount, prior = estimate.modeProbabilities
        var modes = estimate.modes
        var probabilities = prior
        var combined = estimate.combined
        withUnsafeMutablePointer(to: &modes) { base in
            let states = UnsafeMutableRawPointer(base).assumingMemoryBound(to: GaussianState.self)
            var logWeights = InlineArray<3, Double>(repeating: -.infinity)
            var prediction = MeasurementPrediction()
            for j in 0..<n {
                guard prior[j] > 0, predictMeasurement(states[j], model: model, into: &prediction) else { continue }
                let innovation = model.residual(z, prediction.mean)
                logWeights[j] = log(prior[j]) + prediction.logLikelihood(innovation, dimension: model.dimension)
                Self.correct(GaussianState.elements(states + j), z: z, model: model, prediction: prediction, form: form)
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
                for j in 0..<n {
                    states[j] = estimate.modes[j]
                    Self.correct(GaussianState.elements(states + j), z: z, model: model, prediction: combinedPrediction, form: form)
                }
            }
            withUnsafeMutablePointer(to: &combined) { target in
                GaussianState.mixture(into: GaussianState.elements(target), from: GaussianState.elements(UnsafePointer(states)),
                                      weights: probabilities, count: n)
            }
        }
        if requireFinite && !combined.isFinite { return false }
        estimate.setModes(modes, probabilities: probabilities, combined: combined)
        return true
    }

    /// The Kalman correction: K = Pxz S⁻¹, x⁺ = x + K ν, and P⁺ by `form`.
    static func correct(_ state: GaussianState, z: MeasurementVector, model: any MeasurementModel,
                        prediction: MeasurementPrediction, form: CovarianceUpdateForm) -> GaussianState {
        var out = state
        withUnsafeMutablePointer(to: &out) {
            correct(GaussianState.elements($0), z: z, model: model, prediction: prediction, form: form)
        }
        return out
    }

    /// `correct(_:z:model:prediction:form:)` in place on a state's 42 doubles (`GaussianState.elements`).
    static func correct(_ x: UnsafeMutablePointer<Double>, z: MeasurementVector, model: any MeasurementModel,
                        prediction: MeasurementPrediction, form: CovarianceUpdateForm) {
        let innovation = model.residual(z, prediction.mean)
        if form == .joseph, let h = prediction.jacobian {
            let state = UnsafeMutableRawPointer(x).assumingMemoryBound(to: GaussianState.self)
            let gain = prediction.innovationFactor.choleskySolve(prediction.crossCovariance.transposed).transposed
            let mean = state.pointee.mean + gain * innovation
            let a = StateCovariance.identity - gain * h
            let covariance = a * state.pointee.covariance * a.transposed + gain * model.noiseCovariance * gain.transposed
            state.pointee = GaussianState(mean: mean, covariance: covariance.symmetrised)
            return
        }
        prediction.correctSymmetric(x, innovation: innovation)
    }
}

/// `Matrix.choleskyFactor` of a 3 × 3 matrix on raw doubles (row-major), with the same operations in
/// the same order. Writes the lower factor into `l` (whose upper triangle must be zero) and returns
/// whether the matrix is positive definite (and finite).
@inline(__always)
func choleskyFactor3(_ a: UnsafePointer<Double>, into l: UnsafeMutablePointer<Double>) -> Bool {
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
    /// mode at the update, and the matrix form's temporaries cost more than its arithmetic.
    public func predictMeasurement(_ state: GaussianState, model: any MeasurementModel,
                                   into prediction: inout MeasurementPrediction) -> Bool {
        let (z, h) = model.linearised(at: state.mean)
        let noise = model.noiseCovariance
        prediction.mean = z
        prediction.innovationFactor = MeasurementCovariance()
        let positive = withUnsafePointer(to: state) { state in
            withUnsafePointer(to: h) { h in
                withUnsafePointer(to: noise) { noise in
                    withUnsafeMutablePointer(to: &prediction.crossCovariance) { cross in
                        withUnsafeMutablePointer(to: &prediction.innovationCovariance) { s in
                            withUnsafeMutablePointer(to: &prediction.innovationFactor) { factor in
                                let p = GaussianState.elements(state) + 6, hp = GaussianState.elements(h)
                                let pxz = GaussianState.elements(cross), sp = GaussianState.elements(s)
                                Self.project(p, hp, GaussianState.elements(noise), cross: pxz, innovation: sp)
                                return choleskyFactor3(sp, into: GaussianState.elements(factor))
                            }
                        }
                    }
                }
            }
        }
        prediction.jacobian = h
        return positive
    }

    /// Pxz = P Hᵀ (6 × 3) and S = sym(H Pxz + R) (3 × 3), row-major, from P (6 × 6), H (3 × 6) and R.
    @inline(__always)
    static func project(_ p: UnsafePointer<Double>, _ h: UnsafePointer<Double>, _ r: UnsafePointer<Double>,
                        cross: UnsafeMutablePointer<Double>, innovation s: UnsafeMutablePointer<Double>) {
        for i in 0..<6 {
            for j in 0..<3 {
                var sum = 0.0
                for k in 0..<6 { sum += p[i * 6 + k] * h[j * 6 + k] }
                cross[i * 3 + j] = sum
            }
        }
        for i in 0..<3 {
            for j in 0..<3 {
                var sum = 0.0
                for k in 0..<6 { sum += h[i * 6 + k] * cross[k * 3 + j] }
                s[i * 3 + j] = sum + r[i * 3 + j]
            }
        }
        for i in 0..<3 {
            for j in (i + 1)..<3 {
                let m = 0.5 * (s[i * 3 + j] + s[j * 3 + i])
                s[i * 3 + j] = m
                s[j * 3 + i] = m
            }
        }
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
