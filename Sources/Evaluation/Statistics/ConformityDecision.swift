// A statement of conformity: the verdict on one requirement, with the figures and the rule behind it.

/// A statement of conformity for one figure against one ``ThresholdRequirement``, with everything a
/// report must show beside it: the estimate, its one-sided confidence bounds and, when the verdict is
/// inconclusive, how much more evidence could settle it.
///
/// The decision rule (ISO/IEC 17025:2017 §7.1.3 and §7.8.6; ILAC-G8:09/2019 §4.2, a guarded
/// acceptance whose guard band is the statistical uncertainty of the estimate), at confidence γ with
/// one-sided bounds L and U, each holding with probability at least γ:
///
/// | requirement | PASS   | FAIL   | otherwise    |
/// |-------------|--------|--------|--------------|
/// | value ≥ t   | L ≥ t  | U < t  | INCONCLUSIVE |
/// | value ≤ t   | U ≤ t  | L > t  | INCONCLUSIVE |
///
/// So a PASS claims conformity, and a FAIL non-conformity, each with a risk of wrongly claiming it of
/// at most 1 − γ. A figure with no interval (an RMSE without a bootstrap, say) is judged on its point
/// estimate alone ("simple acceptance", ILAC-G8 §4.2.1), and ``basis`` says so.
public struct ConformityDecision: Hashable, Sendable, Codable {
    /// What the verdict rests on.
    public enum Basis: String, Hashable, Sendable, Codable {
        /// One-sided confidence bounds at ``ConformityDecision/confidence``.
        case confidenceBounds
        /// The point estimate alone, with no allowance for its uncertainty.
        case pointEstimate
    }

    /// The requirement judged.
    public var requirement: ThresholdRequirement
    /// The verdict.
    public var verdict: ConformityVerdict
    /// What the verdict rests on.
    public var basis: Basis
    /// The point estimate of the figure (a proportion, a rate, metres); `nil` when there is none, or when
    /// it is not finite (JSON has no infinities; the verdict still reflects it).
    public var estimate: Double?
    /// The confidence γ of each one-sided bound; `nil` for a point-estimate decision.
    public var confidence: Double?
    /// The one-sided lower confidence bound at γ, when there is one.
    public var lowerBound: Double?
    /// The one-sided upper confidence bound at γ, when there is one.
    public var upperBound: Double?
    /// For an inconclusive verdict on a proportion, the further trials that could settle it.
    public var furtherTrials: FurtherTrials?
    /// For an inconclusive verdict on a Poisson rate, the further exposure that could settle it.
    public var furtherExposure: FurtherExposure?

    /// Decides a requirement from an estimate and its one-sided confidence bounds at `confidence`.
    /// A NaN estimate (nothing to estimate from) is INCONCLUSIVE, whatever the bounds say.
    ///
    /// The bounds are one-sided bounds at γ each (not the ends of a two-sided interval at γ). A bound
    /// that does not exist is `nil`; an infinite or NaN bound is treated, and stored, as `nil` (it
    /// decides nothing, and JSON has no infinities). The further-evidence fields are left `nil`;
    /// ``ClopperPearson/decision(for:confidence:)`` and ``PoissonInterval/decision(for:confidence:)``
    /// fill them in.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    public init(requirement: ThresholdRequirement, estimate: Double, lowerBound: Double?, upperBound: Double?,
                confidence: Double) {
        precondition(confidence > 0 && confidence < 1, "confidence must lie in (0, 1), got \(confidence)")
        let lower = lowerBound.flatMap { $0.isFinite ? $0 : nil }
        let upper = upperBound.flatMap { $0.isFinite ? $0 : nil }
        self.requirement = requirement
        self.verdict = estimate.isNaN ? .inconclusive
            : ConformityVerdict(requirement: requirement, lowerBound: lower, upperBound: upper)
        self.basis = .confidenceBounds
        self.estimate = estimate.isFinite ? estimate : nil
        self.confidence = confidence
        self.lowerBound = lower
        self.upperBound = upper
    }

    /// Decides a requirement on a point estimate alone: PASS if the estimate meets it, FAIL if not.
    /// A NaN estimate (nothing to estimate from) is INCONCLUSIVE, never a verdict.
    public init(requirement: ThresholdRequirement, pointEstimate: Double) {
        self.requirement = requirement
        self.verdict = pointEstimate.isNaN ? .inconclusive : requirement.isMet(by: pointEstimate) ? .pass : .fail
        self.basis = .pointEstimate
        self.estimate = pointEstimate.isFinite ? pointEstimate : nil
    }
}
