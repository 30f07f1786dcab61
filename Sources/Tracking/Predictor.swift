// Moving a track's belief forward in time.
public import TelemetryModel
import TrackingMath

/// Predicts a track's estimate to a later time.
///
/// A prediction splits in two: `step(over:)` does the work that depends only on Δt (each mode's F and
/// Q, with their sines and cosines), and `predict(_:with:)` applies it to one estimate. The tracker
/// predicts every track to the same scan time, so it computes the step once per scan
/// (`predict(_:to:reusing:)`).
public protocol Predictor: Sendable {
    /// The state-independent part of a prediction over `dt` seconds (dt > 0).
    func step(over dt: Double) -> PredictionStep
    /// Moves `estimate` forward by `step`, before any measurement there. In place: an IMM estimate is
    /// over a kilobyte. It does not change `estimate.time`.
    func predict(_ estimate: inout TrackEstimate, with step: PredictionStep)
}

/// The part of a prediction that depends only on Δt: each mode's motion over it.
public struct PredictionStep: Sendable {
    /// Δt, seconds.
    public let dt: Double
    /// The modes' motions, in mode order. In an array rather than inline: an inline step passed by
    /// value was copied (648 bytes) for every track.
    public let motions: [LinearMotion]
    /// The number of motions.
    public var motionCount: Int { motions.count }

    /// No step: its Δt is NaN, equal to none.
    public init() {
        dt = .nan
        motions = []
    }

    /// A step of the given models over `dt`.
    public init(dt: Double, models: [any TransitionModel]) {
        precondition((1...maximumMotionModes).contains(models.count))
        self.dt = dt
        motions = models.map { $0.motion(over: dt) }
    }
}

extension Predictor {
    /// Moves `estimate` to `time` (≥ `estimate.time`).
    public func predict(_ estimate: inout TrackEstimate, to time: Timestamp) {
        var cache = PredictionStep()
        predict(&estimate, to: time, reusing: &cache)
    }

    /// Moves `estimate` to `time`, reusing `cache` when it is a step of the same Δt (and replacing it
    /// when not). Start with `PredictionStep()`, which matches no Δt.
    public func predict(_ estimate: inout TrackEstimate, to time: Timestamp, reusing cache: inout PredictionStep) {
        let dt = time.seconds(since: estimate.time)
        estimate.time = time
        guard dt > 0 else { return }
        if cache.dt != dt { cache = step(over: dt) }
        predict(&estimate, with: cache)
    }

    /// Moves `estimate` to `time` with `step` when it is the step of the estimate's Δt, or with a step
    /// computed for it when not: for a run of estimates at the same time.
    public func predict(_ estimate: inout TrackEstimate, to time: Timestamp, using step: PredictionStep) {
        let dt = time.seconds(since: estimate.time)
        guard dt == step.dt else {
            predict(&estimate, to: time)
            return
        }
        estimate.time = time
        guard dt > 0 else { return }
        predict(&estimate, with: step)
    }

    /// The step that moves an estimate at `from` to `to`, or `PredictionStep()` (which matches no Δt)
    /// when `to` is not later.
    public func step(from: Timestamp, to: Timestamp) -> PredictionStep {
        let dt = to.seconds(since: from)
        return dt > 0 ? step(over: dt) : PredictionStep()
    }

    /// `step(from:to:)`, taken from `cache` when it holds a step of the same Δt (the same Δt gives the
    /// same F and Q bit for bit), else computed and kept there in place of the oldest.
    public func step(from: Timestamp, to: Timestamp, cache: inout PredictionStepCache) -> PredictionStep {
        let dt = to.seconds(since: from)
        guard dt > 0 else { return PredictionStep() }
        for i in cache.steps.indices where cache.steps[i].dt == dt { return cache.steps[i] }
        let fresh = step(over: dt)
        if cache.steps.count < PredictionStepCache.capacity {
            cache.steps.append(fresh)
        } else {
            cache.steps[cache.next] = fresh
            cache.next = (cache.next + 1) % PredictionStepCache.capacity
        }
        return fresh
    }
}

/// The last few prediction steps a tracker computed. Sensors scan at fixed rates, so the gaps between
/// scans repeat (with S staggered sensors of one rate, one gap; with mixed rates, a few): each scan then
/// reuses a step instead of recomputing every mode's F and Q, with their sines and cosines, and
/// allocating their array.
public struct PredictionStepCache: Sendable {
    /// How many steps are kept.
    public static let capacity = 8
    fileprivate var steps: [PredictionStep] = []
    fileprivate var next = 0

    /// An empty cache.
    public init() {}
}

/// The Kalman prediction under one linear motion model: x⁻ = F x, P⁻ = F P Fᵀ + Q
/// (by blocks: `LinearMotion`).
public struct KalmanPredictor: Predictor {
    /// The motion model.
    public let model: any TransitionModel

    /// Creates the predictor.
    public init(model: any TransitionModel) { self.model = model }

    public func step(over dt: Double) -> PredictionStep { PredictionStep(dt: dt, models: [model]) }

    public func predict(_ estimate: inout TrackEstimate, with step: PredictionStep) {
        precondition(estimate.modeCount == 1, "a Kalman predictor moves single-mode estimates")
        step.motions[0].storage.withElements { motion in
            estimate.modeStorage.withMutableElements { LinearMotion.apply(motion, to: $0) }
        }
        estimate.recombine()
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

    public func step(over dt: Double) -> PredictionStep { PredictionStep(dt: dt, models: models) }

    public func predict(_ estimate: inout TrackEstimate, with step: PredictionStep) {
        let n = estimate.modeCount
        precondition(n == models.count && step.motionCount == n, "an IMM estimate has one mode per model")
        let previous = estimate.modeStorage
        let mu = estimate.modeProbabilities
        var c = InlineArray<3, Double>(repeating: 0)
        for j in 0..<n {
            for i in 0..<n { c[j] += pi[i * 3 + j] * mu[i] }
        }
        previous.withElements { source in
            estimate.modeStorage.withMutableElements { target in
                for j in 0..<n {
                    var weights = InlineArray<3, Double>(repeating: 0)
                    for i in 0..<n { weights[i] = c[j] > 0 ? pi[i * 3 + j] * mu[i] / c[j] : (i == j ? 1 : 0) }
                    let mode = target + j * GaussianState.elementCount
                    GaussianState.mixture(into: mode, from: source, weights: weights, count: n)
                    step.motions[j].storage.withElements { LinearMotion.apply($0, to: mode) }
                }
            }
        }
        estimate.modeProbabilities = c
        estimate.recombine()
    }
}
