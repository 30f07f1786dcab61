// Moving a track's belief forward in time.
public import TelemetryModel

/// Predicts a track's estimate to a later time.
public protocol Predictor: Sendable {
    /// Moves `estimate` to `time` (≥ `estimate.time`), before any measurement there. In place: an
    /// IMM estimate is over a kilobyte, and the tracker predicts every track on every scan.
    func predict(_ estimate: inout TrackEstimate, to time: Timestamp)
}

extension Predictor {
    /// The estimate at `time`.
    public func predicted(_ estimate: TrackEstimate, to time: Timestamp) -> TrackEstimate {
        var out = estimate
        predict(&out, to: time)
        return out
    }
}

/// The Kalman prediction under one linear motion model: x⁻ = F x, P⁻ = F P Fᵀ + Q.
public struct KalmanPredictor: Predictor {
    /// The motion model.
    public let model: any TransitionModel

    /// Creates the predictor.
    public init(model: any TransitionModel) { self.model = model }

    public func predict(_ estimate: inout TrackEstimate, to time: Timestamp) {
        let dt = Double(time.nanosecondsSinceEpoch - estimate.time.nanosecondsSinceEpoch) / 1e9
        estimate.time = time
        guard dt > 0 else { return }
        Self.predict(&estimate.modes[0], model: model, dt: dt)
        estimate.recombine()
    }

    static func predict(_ state: inout GaussianState, model: any TransitionModel, dt: Double) {
        let (f, q) = model.matrices(over: dt)
        state.mean = f * state.mean
        // F P Fᵀ as F (F P)ᵀ (P is symmetric): F on the left both times, so the product skips F's zeros.
        state.covariance = (f * (f * state.covariance).transposed + q).symmetrised
    }
}

/// The interacting multiple model (IMM) prediction (Blom and Bar-Shalom 1988).
///
/// With mode probabilities μᵢ and the Markov switching matrix πᵢⱼ = P(mode j next | mode i now):
///
///     cⱼ = Σᵢ πᵢⱼ μᵢ                          predicted mode probabilities
///     μᵢ|ⱼ = πᵢⱼ μᵢ / cⱼ                      mixing weights
///     x0ⱼ = Σᵢ μᵢ|ⱼ xᵢ
///     P0ⱼ = Σᵢ μᵢ|ⱼ (Pᵢ + (xᵢ − x0ⱼ)(xᵢ − x0ⱼ)ᵀ)
///
/// then each mixed (x0ⱼ, P0ⱼ) is predicted with mode j's motion model. The update
/// (`Updater.update`) reweights the modes by their measurement likelihoods.
public struct IMMPredictor: Predictor {
    /// The modes' motion models.
    public let models: [any TransitionModel]
    /// πᵢⱼ, row-major: the probability of switching from mode i to mode j in one step.
    public let switching: [[Double]]
    private let pi: InlineArray<9, Double>

    /// Creates the predictor. `switching` must be square, of `models.count` rows summing to 1.
    public init(models: [any TransitionModel], switching: [[Double]]) {
        precondition((1...maximumMotionModes).contains(models.count) && switching.count == models.count
            && switching.allSatisfy { $0.count == models.count })
        self.models = models
        self.switching = switching
        var pi = InlineArray<9, Double>(repeating: 0)
        for i in 0..<models.count { for j in 0..<models.count { pi[i * 3 + j] = switching[i][j] } }
        self.pi = pi
    }

    public func predict(_ estimate: inout TrackEstimate, to time: Timestamp) {
        let dt = Double(time.nanosecondsSinceEpoch - estimate.time.nanosecondsSinceEpoch) / 1e9
        estimate.time = time
        guard dt > 0 else { return }
        let n = estimate.modeCount
        precondition(n == models.count, "an IMM estimate has one mode per model")
        let previous = estimate.modes
        let mu = estimate.modeProbabilities
        var c = InlineArray<3, Double>(repeating: 0)
        for j in 0..<n {
            for i in 0..<n { c[j] += pi[i * 3 + j] * mu[i] }
        }
        for j in 0..<n {
            var weights = InlineArray<3, Double>(repeating: 0)
            var mixedMean = StateVector()
            for i in 0..<n {
                weights[i] = c[j] > 0 ? pi[i * 3 + j] * mu[i] / c[j] : (i == j ? 1 : 0)
                if weights[i] > 0 { mixedMean += weights[i] * previous[i].mean }
            }
            var mixedCovariance = StateCovariance()
            for i in 0..<n where weights[i] > 0 {
                let d = previous[i].mean - mixedMean
                mixedCovariance += weights[i] * (previous[i].covariance + d * d.transposed)
            }
            estimate.modes[j].mean = mixedMean
            estimate.modes[j].covariance = mixedCovariance.symmetrised
            KalmanPredictor.predict(&estimate.modes[j], model: models[j], dt: dt)
        }
        estimate.modeProbabilities = c
        estimate.recombine()
    }
}
