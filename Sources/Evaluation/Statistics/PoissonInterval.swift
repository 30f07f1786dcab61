// The exact (Garwood) confidence interval for a Poisson rate: k events over an exposure.

/// The exact confidence interval for the rate of a Poisson process, from k events observed over an
/// exposure T (Garwood 1936, "Fiducial limits for the Poisson distribution", Biometrika 28(3/4):437–442).
///
/// The exposure may be in any unit, and the rate is per that unit: hours of observation for a
/// false-alarm rate per hour, scans for a rate per scan. Both are this interval, with a different T.
///
/// With χ²(p; ν) the p-quantile of the chi-square distribution with ν degrees of freedom, and
/// ½ χ²(p; 2a) = P⁻¹(a, p), the inverse of the regularized incomplete gamma function
/// (``SpecialFunctions/inverseRegularizedGammaP(a:p:)``), the bounds on the expected count μ = λT are,
/// with α = 1 − γ:
///
/// - two-sided at confidence γ: lower = ½ χ²(α/2; 2k) = P⁻¹(k, α/2),
///   upper = ½ χ²(1 − α/2; 2k + 2) = Q⁻¹(k + 1, α/2);
/// - one-sided lower bound at γ: ½ χ²(α; 2k); one-sided upper bound: ½ χ²(1 − α; 2k + 2);
/// - edge: the lower bound is 0 when k = 0, and the upper bound is then −ln(α/2) (−ln α one-sided).
///
/// and the rate bounds are these divided by T. The lower bound μ_L solves Pr(X ≥ k | μ_L) = α/2 and
/// the upper bound μ_U solves Pr(X ≤ k | μ_U) = α/2, through Pr(X ≥ k | μ) = P(k, μ). Like
/// Clopper–Pearson, the interval covers the true rate with probability at least γ for every rate.
/// Upper quantiles are computed as upper-tail quantiles (scipy's `chi2.isf`), so tiny α keeps its
/// precision.
///
/// No exposure means nothing to estimate: ``init(events:exposure:)`` returns `nil` unless T is a
/// positive finite number.
public struct PoissonInterval: Hashable, Sendable {
    /// The number of events k, k ≥ 0.
    public let events: Int
    /// The exposure T > 0 (hours, scans), in the unit the rate is per.
    public let exposure: Double

    /// A count of `events` over `exposure`; `nil` unless `exposure` is positive and finite.
    ///
    /// - Precondition: `events` ≥ 0 (a negative count is a bug in the caller).
    public init?(events: Int, exposure: Double) {
        precondition(events >= 0, "a Poisson count must be ≥ 0, got \(events)")
        guard exposure > 0, exposure.isFinite else { return nil }
        self.events = events
        self.exposure = exposure
    }

    /// The maximum-likelihood estimate of the rate, λ̂ = k/T, per unit of exposure.
    public var rate: Double { Double(events) / exposure }

    /// The two-sided interval on the rate at confidence γ: [P⁻¹(k, α/2), Q⁻¹(k + 1, α/2)] / T, α = 1 − γ.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    /// - Complexity: two gamma quantiles, each O(√k) per iteration of the root finder.
    public func interval(confidence: Double) -> ClosedRange<Double> {
        let tail = ClopperPearson.tailProbability(confidence) / 2
        return lowerCount(tail: tail) / exposure...upperCount(tail: tail) / exposure
    }

    /// The one-sided lower confidence bound on the rate at γ, ½ χ²(1 − γ; 2k) / T (0 when k = 0).
    ///
    /// - Precondition: 0 < `confidence` < 1.
    public func lowerBound(confidence: Double) -> Double {
        lowerCount(tail: ClopperPearson.tailProbability(confidence)) / exposure
    }

    /// The one-sided upper confidence bound on the rate at γ, ½ χ²(γ; 2k + 2) / T.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    public func upperBound(confidence: Double) -> Double {
        upperCount(tail: ClopperPearson.tailProbability(confidence)) / exposure
    }

    // MARK: - Internals

    /// The μ with Pr(X ≥ k | μ) = `tail`.
    func lowerCount(tail: Double) -> Double {
        events == 0 ? 0 : SpecialFunctions.inverseRegularizedGammaP(a: Double(events), p: tail)
    }

    /// The μ with Pr(X ≤ k | μ) = `tail`.
    func upperCount(tail: Double) -> Double {
        SpecialFunctions.inverseRegularizedGammaQ(a: Double(events + 1), q: tail)
    }
}

extension PoissonInterval: Codable {
    private enum CodingKeys: String, CodingKey { case events, exposure }

    /// Decodes `{"events": k, "exposure": T}`, rejecting k < 0 and any T that is not positive and finite.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let events = try container.decode(Int.self, forKey: .events)
        let exposure = try container.decode(Double.self, forKey: .exposure)
        guard events >= 0, exposure > 0, exposure.isFinite else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "a Poisson interval needs events ≥ 0 and a positive, finite exposure, got \(events) over \(exposure)"))
        }
        self.events = events
        self.exposure = exposure
    }

    /// Encodes `{"events": k, "exposure": T}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(events, forKey: .events)
        try container.encode(exposure, forKey: .exposure)
    }
}
