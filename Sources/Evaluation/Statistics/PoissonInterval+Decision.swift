// The decision rule on a Poisson rate, and the further exposure an inconclusive verdict needs.

extension PoissonInterval {
    /// The largest projected event count the projections consider: beyond 10¹² events the answer is `nil`.
    public static let projectedEventLimit = 1e12

    /// The statement of conformity for `requirement` (on the rate, per unit of exposure) at confidence γ,
    /// from the one-sided Garwood bounds ½ χ²(1 − γ; 2k) / T and ½ χ²(γ; 2k + 2) / T (see
    /// ``ConformityDecision`` for the rule). An inconclusive verdict carries
    /// ``furtherExposure(for:confidence:)``.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    /// - Complexity: two gamma quantiles, plus the projection's searches when inconclusive.
    public func decision(for requirement: ThresholdRequirement, confidence: Double) -> ConformityDecision {
        var decision = ConformityDecision(requirement: requirement, estimate: rate,
                                          lowerBound: lowerBound(confidence: confidence),
                                          upperBound: upperBound(confidence: confidence), confidence: confidence)
        if decision.verdict == .inconclusive {
            decision.furtherExposure = furtherExposure(for: requirement, confidence: confidence)
        }
        return decision
    }

    /// How much further exposure could settle the verdict on `requirement` at confidence γ, under the
    /// two assumptions of ``FurtherExposure``: no further events (``FurtherExposure/fewestToPass``,
    /// value ≤ t only: Q⁻¹(k + 1, 1 − γ) / t − T, or 0 if already passing), or further exposure at the
    /// observed rate λ̂ = k/T (``FurtherExposure/atObservedRate``).
    ///
    /// The conditions are evaluated without inverting the gamma function, with x = t T′ the count
    /// threshold at total exposure T′: μ_L ≥ x ⇔ P(k, x) ≤ 1 − γ and μ_U ≤ x ⇔ Q(k + 1, x) ≤ 1 − γ.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    /// - Complexity: O(log(τ/T) + 40) evaluations of P(a, x) for an answer τ (exponential search, then
    ///   bisection to 10⁻¹² relative).
    public func furtherExposure(for requirement: ThresholdRequirement, confidence: Double) -> FurtherExposure {
        let alpha = ClopperPearson.tailProbability(confidence)
        let t = requirement.threshold
        let k = Double(events), observed = rate

        let fewestToPass: Double?
        let passes: (Double, Double) -> Bool
        let fails: (Double, Double) -> Bool
        let pointVerdict: ConformityVerdict
        switch requirement.direction {
        case .atLeast:
            passes = { Self.lowerCount(events: $0, alpha: alpha, reaches: $1) }
            fails = { Self.upperCount(events: $0, alpha: alpha, isBelow: $1) }
            pointVerdict = observed > t ? .pass : observed < t ? .fail : .inconclusive
            fewestToPass = nil
        case .atMost:
            passes = { Self.upperCount(events: $0, alpha: alpha, reaches: $1) }
            fails = { Self.lowerCount(events: $0, alpha: alpha, isAbove: $1) }
            pointVerdict = observed < t ? .pass : observed > t ? .fail : .inconclusive
            fewestToPass = t <= 0 ? nil : max(0, upperCount(tail: alpha) / t - exposure)
        }

        let atObservedRate: Double?
        switch pointVerdict {
        case .inconclusive:
            atObservedRate = nil
        case .pass, .fail:
            let reached = pointVerdict == .pass ? passes : fails
            // k′ = λ̂ T′, written k T′ / T so that it is exactly k at T′ = T.
            atObservedRate = smallestFurtherExposure { total in reached(k * total / exposure, t * total) }
        }
        return FurtherExposure(fewestToPass: fewestToPass, verdictAtObservedRate: pointVerdict,
                               atObservedRate: atObservedRate)
    }

    // MARK: - Bound conditions on counts, for a real count k ≥ 0 and tail probability α

    /// Whether the lower count bound μ_L (P(k, μ_L) = α) is at least x: P(k, x) ≤ α.
    static func lowerCount(events k: Double, alpha: Double, reaches x: Double) -> Bool {
        if x <= 0 { return true }
        if k <= 0 { return false }
        return SpecialFunctions.regularizedGammaP(a: k, x: x) <= alpha
    }

    /// Whether the lower count bound μ_L exceeds x: P(k, x) < α.
    static func lowerCount(events k: Double, alpha: Double, isAbove x: Double) -> Bool {
        if x < 0 { return true }
        if k <= 0 { return false }
        return SpecialFunctions.regularizedGammaP(a: k, x: x) < alpha
    }

    /// Whether the upper count bound μ_U (Q(k + 1, μ_U) = α) is at most x: Q(k + 1, x) ≤ α.
    static func upperCount(events k: Double, alpha: Double, reaches x: Double) -> Bool {
        if x <= 0 { return false }
        return SpecialFunctions.regularizedGammaQ(a: k + 1, x: x) <= alpha
    }

    /// Whether the upper count bound μ_U falls short of x: Q(k + 1, x) < α.
    static func upperCount(events k: Double, alpha: Double, isBelow x: Double) -> Bool {
        if x <= 0 { return false }
        return SpecialFunctions.regularizedGammaQ(a: k + 1, x: x) < alpha
    }

    /// The smallest further exposure τ ≥ 0 for which `holds(T + τ)`, assuming `holds` is monotone
    /// (false, then true) in the total exposure: doubling for a bracket, then bisection to 10⁻¹²
    /// relative. `nil` beyond 2⁶⁰ T or ``projectedEventLimit`` projected events.
    func smallestFurtherExposure(where holds: (Double) -> Bool) -> Double? {
        if holds(exposure) { return 0 }
        let limit = min(exposure * 0x1p60, rate > 0 ? Self.projectedEventLimit / rate : .infinity)
        var known = exposure    // holds(known) is false
        var candidate = 2 * exposure
        while !holds(candidate) {
            if candidate >= limit { return nil }
            known = candidate
            candidate = min(2 * candidate, limit)
        }
        for _ in 0..<200 where candidate - known > 1e-12 * candidate {
            let middle = known + (candidate - known) / 2
            if holds(middle) { candidate = middle } else { known = middle }
        }
        return candidate - exposure
    }
}
