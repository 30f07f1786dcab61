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

    /// The squared Mahalanobis distance of an innovation ν: νᵀ S⁻¹ ν = |L⁻¹ ν|².
    @inlinable public func squaredMahalanobis(_ innovation: MeasurementVector) -> Double {
        innovationFactor.forwardSubstitute(innovation).squaredNorm
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
}

extension Updater {
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
            let state = Self.correct(estimate.combined, z: z, model: model, prediction: combinedPrediction, form: form)
            if requireFinite && !state.isFinite { return false }
            estimate.setState(state)
            return true
        }
        let n = estimate.modeCount
        var modes = estimate.modes
        var probabilities = estimate.modeProbabilities
        var logWeights = InlineArray<3, Double>(repeating: -.infinity)
        for j in 0..<n {
            guard estimate.modeProbabilities[j] > 0, let prediction = predictMeasurement(estimate.modes[j], model: model) else { continue }
            let innovation = model.residual(z, prediction.mean)
            logWeights[j] = log(estimate.modeProbabilities[j]) + prediction.logLikelihood(innovation, dimension: model.dimension)
            modes[j] = Self.correct(estimate.modes[j], z: z, model: model, prediction: prediction, form: form)
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
                modes[j] = Self.correct(estimate.modes[j], z: z, model: model, prediction: combinedPrediction, form: form)
            }
        }
        let combined = TrackEstimate.mixture(modes, weights: probabilities, count: n)
        if requireFinite && !combined.isFinite { return false }
        estimate.setModes(modes, probabilities: probabilities, combined: combined)
        return true
    }

    /// The Kalman correction: K = Pxz S⁻¹, x⁺ = x + K ν, and P⁺ by `form`.
    static func correct(_ state: GaussianState, z: MeasurementVector, model: any MeasurementModel,
                        prediction: MeasurementPrediction, form: CovarianceUpdateForm) -> GaussianState {
        let innovation = model.residual(z, prediction.mean)
        // K = Pxz S⁻¹ = (S⁻¹ Pxzᵀ)ᵀ, as S is symmetric.
        let gain = prediction.innovationFactor.choleskySolve(prediction.crossCovariance.transposed).transposed
        let mean = state.mean + gain * innovation
        if form == .joseph, let h = prediction.jacobian {
            let a = StateCovariance.identity - gain * h
            let covariance = a * state.covariance * a.transposed + gain * model.noiseCovariance * gain.transposed
            return GaussianState(mean: mean, covariance: covariance.symmetrised)
        }
        // K S Kᵀ = K Pxzᵀ, as K S = Pxz: one product fewer.
        return GaussianState(mean: mean, covariance: (state.covariance - gain * prediction.crossCovariance.transposed).symmetrised)
    }
}

/// The extended Kalman filter's measurement prediction: ẑ = h(x), H = ∂h/∂x at x,
/// S = H P Hᵀ + R, Pxz = P Hᵀ.
public struct ExtendedKalmanUpdater: Updater {
    /// Creates the updater.
    public init() {}

    public func predictMeasurement(_ state: GaussianState, model: any MeasurementModel) -> MeasurementPrediction? {
        let (z, h) = model.linearised(at: state.mean)
        let cross = state.covariance * h.transposed
        let s = (h * cross + model.noiseCovariance).symmetrised
        guard let factor = s.choleskyFactor else { return nil }
        return MeasurementPrediction(mean: z, innovationCovariance: s, innovationFactor: factor,
                                     crossCovariance: cross, jacobian: h)
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
