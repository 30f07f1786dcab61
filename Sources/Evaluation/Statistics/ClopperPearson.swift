// The exact Clopper–Pearson confidence interval for a binomial proportion k/n.

/// The exact Clopper–Pearson confidence interval for a binomial proportion, from k successes in n
/// independent trials (Clopper & Pearson 1934, "The use of confidence or fiducial limits illustrated in
/// the case of the binomial", Biometrika 26(4):404–413).
///
/// With B⁻¹(p; a, b) the p-quantile of the Beta(a, b) distribution (the inverse of the regularized
/// incomplete beta function, ``SpecialFunctions/inverseRegularizedIncompleteBeta(p:a:b:)``) and
/// α = 1 − γ:
///
/// - two-sided at confidence γ: lower = B⁻¹(α/2; k, n − k + 1), upper = B⁻¹(1 − α/2; k + 1, n − k);
/// - one-sided lower bound at γ: B⁻¹(α; k, n − k + 1); one-sided upper bound: B⁻¹(1 − α; k + 1, n − k);
/// - edges: the lower bound is 0 when k = 0 and the upper bound is 1 when k = n. The other ends have
///   closed forms there: upper = 1 − (α/2)^(1/n) when k = 0, lower = (α/2)^(1/n) when k = n (α for
///   the one-sided bounds).
///
/// The lower bound L is the p for which Pr(X ≥ k | n, p) = α/2 and the upper bound U the p for which
/// Pr(X ≤ k | n, p) = α/2, through the identity Pr(X ≥ k | n, p) = I_p(k, n − k + 1). The interval is
/// exact in the sense that its coverage is at least γ for every true proportion (it is conservative,
/// never anti-conservative). Upper quantiles are computed as upper-tail quantiles of the reflected
/// tail (scipy's `beta.isf`), so tiny α keeps its precision.
///
/// No trials means nothing to estimate: ``init(successes:trials:)`` returns `nil` for n = 0, so a
/// range bin without opportunities is reported as not evaluable rather than as the vacuous [0, 1].
public struct ClopperPearson: Hashable, Sendable {
    /// The number of successes k (detections, say), 0 ≤ k ≤ n.
    public let successes: Int
    /// The number of trials n (opportunities), n ≥ 1.
    public let trials: Int

    /// A sample of `successes` in `trials`; `nil` when `trials` is 0.
    ///
    /// - Precondition: 0 ≤ `successes` ≤ `trials` (a count that breaks this is a bug in the caller).
    public init?(successes: Int, trials: Int) {
        precondition(successes >= 0 && successes <= trials,
                     "Clopper–Pearson needs 0 ≤ successes ≤ trials, got \(successes) of \(trials)")
        guard trials > 0 else { return nil }
        self.successes = successes
        self.trials = trials
    }

    /// The maximum-likelihood estimate of the proportion, p̂ = k/n.
    public var proportion: Double { Double(successes) / Double(trials) }

    /// The two-sided interval at confidence γ: [B⁻¹(α/2; k, n − k + 1), B⁻¹(1 − α/2; k + 1, n − k)],
    /// α = 1 − γ, each end holding with probability at least 1 − α/2.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    /// - Complexity: two beta quantiles, each O(√n) per iteration of the root finder.
    public func interval(confidence: Double) -> ClosedRange<Double> {
        let tail = Self.tailProbability(confidence) / 2
        return lowerBound(tail: tail)...upperBound(tail: tail)
    }

    /// The one-sided lower confidence bound at γ, B⁻¹(1 − γ; k, n − k + 1) (0 when k = 0): the true
    /// proportion is at least this with confidence γ.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    public func lowerBound(confidence: Double) -> Double {
        lowerBound(tail: Self.tailProbability(confidence))
    }

    /// The one-sided upper confidence bound at γ, B⁻¹(γ; k + 1, n − k) (1 when k = n): the true
    /// proportion is at most this with confidence γ.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    public func upperBound(confidence: Double) -> Double {
        upperBound(tail: Self.tailProbability(confidence))
    }

    // MARK: - Internals

    /// 1 − γ, after checking γ.
    static func tailProbability(_ confidence: Double) -> Double {
        precondition(confidence > 0 && confidence < 1, "confidence must lie in (0, 1), got \(confidence)")
        return 1 - confidence
    }

    /// The p with Pr(X ≥ k | n, p) = `tail`.
    func lowerBound(tail: Double) -> Double {
        if successes == 0 { return 0 }
        return SpecialFunctions.inverseRegularizedIncompleteBeta(
            p: tail, a: Double(successes), b: Double(trials - successes + 1))
    }

    /// The p with Pr(X ≤ k | n, p) = `tail`.
    func upperBound(tail: Double) -> Double {
        if successes == trials { return 1 }
        return SpecialFunctions.inverseRegularizedIncompleteBetaComplement(
            q: tail, a: Double(successes + 1), b: Double(trials - successes))
    }
}

extension ClopperPearson: Codable {
    private enum CodingKeys: String, CodingKey { case successes, trials }

    /// Decodes `{"successes": k, "trials": n}`, rejecting counts that break 0 ≤ k ≤ n or n ≥ 1.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let successes = try container.decode(Int.self, forKey: .successes)
        let trials = try container.decode(Int.self, forKey: .trials)
        guard successes >= 0, successes <= trials, trials > 0 else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "Clopper–Pearson needs 0 ≤ successes ≤ trials and trials ≥ 1, got \(successes) of \(trials)"))
        }
        self.successes = successes
        self.trials = trials
    }

    /// Encodes `{"successes": k, "trials": n}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(successes, forKey: .successes)
        try container.encode(trials, forKey: .trials)
    }
}
