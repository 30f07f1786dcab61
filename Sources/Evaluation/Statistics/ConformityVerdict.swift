// The three outcomes of the decision rule: pass, fail, or inconclusive.

/// The outcome of a statement of conformity under Haechi's decision rule (see ``ConformityDecision``).
public enum ConformityVerdict: String, Hashable, Sendable, Codable, CaseIterable {
    /// The requirement is met with the stated confidence: the one-sided confidence bound on the
    /// unfavourable side already lies on the conforming side of the threshold.
    case pass
    /// The requirement is not met with the stated confidence: the one-sided bound on the favourable
    /// side already lies on the non-conforming side.
    case fail
    /// The confidence bounds straddle the threshold: the evidence supports neither statement.
    case inconclusive

    /// The verdict of the decision rule from one-sided bounds at a common confidence γ.
    ///
    /// For value ≥ t: PASS if lower ≥ t, FAIL if upper < t, otherwise INCONCLUSIVE.
    /// For value ≤ t: PASS if upper ≤ t, FAIL if lower > t, otherwise INCONCLUSIVE.
    /// A missing (`nil`) or NaN bound can decide nothing: with only a lower bound, for instance, an
    /// at-least requirement can pass but never fail.
    public init(requirement: ThresholdRequirement, lowerBound: Double?, upperBound: Double?) {
        let t = requirement.threshold
        switch requirement.direction {
        case .atLeast:
            if let lower = lowerBound, lower >= t { self = .pass }
            else if let upper = upperBound, upper < t { self = .fail }
            else { self = .inconclusive }
        case .atMost:
            if let upper = upperBound, upper <= t { self = .pass }
            else if let lower = lowerBound, lower > t { self = .fail }
            else { self = .inconclusive }
        }
    }
}
