// The decision rule on a correlated proportion, and the further scans an inconclusive verdict needs.

extension CorrelatedProportion {
    /// The statement of conformity for `requirement` at confidence γ, from the one-sided Korn–Graubard
    /// bounds L = B⁻¹(1 − γ; x*, n* − x* + 1) and U = B⁻¹(γ; x* + 1, n* − x*) (see ``ConformityDecision``
    /// for the rule, the same as ``ClopperPearson/decision(for:confidence:)``). An inconclusive verdict
    /// carries ``furtherScans(for:confidence:)``.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    /// - Complexity: two beta quantiles, plus the projection's searches when inconclusive.
    public func decision(for requirement: ThresholdRequirement, confidence: Double) -> ConformityDecision {
        var decision = ConformityDecision(requirement: requirement, estimate: proportion,
                                          lowerBound: lowerBound(confidence: confidence),
                                          upperBound: upperBound(confidence: confidence), confidence: confidence)
        if decision.verdict == .inconclusive {
            decision.furtherTrials = furtherScans(for: requirement, confidence: confidence)
        }
        return decision
    }

    /// How many further scans could settle the verdict on `requirement` at confidence γ, under the two
    /// assumptions of ``FurtherTrials`` (its counts are scans here): every further scan favourable
    /// (``FurtherTrials/fewestToPass``: a detection for value ≥ t, a miss for value ≤ t), or further
    /// scans at the observed proportion p̂ (``FurtherTrials/atObservedRate``).
    ///
    /// The further scans are taken to come from the same clusters (df = C − 1 unchanged) and to keep
    /// the design effect deff: m further scans add m / deff effective trials, so that after them
    /// n* = (n + m) / deff · (t_{n+m−1}(α) / t_{df}(α))² and x* = n* k′ / (n + m), with k′ = k + m (or k)
    /// for the favourable case and p̂ (n + m) at the observed rate. In effective-sample terms this is
    /// the projection of ``ClopperPearson/furtherTrials(for:confidence:)``, converted back to scans by
    /// the factor deff; the answer is the smallest whole number of scans, found directly.
    ///
    /// The conditions are evaluated without inverting the beta function, through
    /// L ≥ t ⇔ I_t(x*, n* − x* + 1) ≤ 1 − γ and U ≤ t ⇔ 1 − I_t(x* + 1, n* − x*) ≤ 1 − γ. Counts beyond
    /// ``ClopperPearson/trialLimit`` (10¹² scans) are `nil`.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    /// - Complexity: O(log m) evaluations of I_x (and of t quantiles when adjusting) for an answer m.
    public func furtherScans(for requirement: ThresholdRequirement, confidence: Double) -> FurtherTrials {
        let alpha = ClopperPearson.tailProbability(confidence)
        let t = requirement.threshold
        let k = Double(successes), n = Double(trials), misses = Double(trials - successes)
        let observed = proportion

        /// The effective counts after `m` further scans, of which `hits` are detections.
        func counts(further m: Int, hits: Double) -> (successes: Double, failures: Double, trials: Double) {
            let scans = n + Double(m)
            return effectiveCounts(tail: alpha, scans: scans, successes: k + hits, failures: misses + (Double(m) - hits))
        }
        /// The effective counts after `m` further scans at the observed proportion.
        func countsAtObservedRate(further m: Int) -> (successes: Double, failures: Double, trials: Double) {
            let scans = n + Double(m)
            // k (n + m) / n, exactly k at m = 0 and exactly n + m when k = n (then misses are 0).
            return effectiveCounts(tail: alpha, scans: scans, successes: misses == 0 ? scans : k * scans / n,
                                   failures: misses * scans / n)
        }

        typealias Counts = (successes: Double, failures: Double, trials: Double)
        let lowerReaches: (Counts) -> Bool = { c in
            if t <= 0 { return true }
            if t >= 1 || c.successes <= 0 { return false }
            return SpecialFunctions.regularizedIncompleteBeta(x: t, a: c.successes, b: c.failures + 1) <= alpha
        }
        let lowerIsAbove: (Counts) -> Bool = { c in
            if t < 0 { return true }
            if t >= 1 || c.successes <= 0 { return false }
            return SpecialFunctions.regularizedIncompleteBeta(x: t, a: c.successes, b: c.failures + 1) < alpha
        }
        let upperReaches: (Counts) -> Bool = { c in
            if t >= 1 { return true }
            if t <= 0 || c.failures <= 0 { return false }
            return SpecialFunctions.regularizedIncompleteBetaComplement(x: t, a: c.successes + 1, b: c.failures) <= alpha
        }
        let upperIsBelow: (Counts) -> Bool = { c in
            if t > 1 { return true }
            if t <= 0 || c.failures <= 0 { return false }
            return SpecialFunctions.regularizedIncompleteBetaComplement(x: t, a: c.successes + 1, b: c.failures) < alpha
        }

        let fewestToPass: Int?
        let passes: (Counts) -> Bool
        let fails: (Counts) -> Bool
        let pointVerdict: ConformityVerdict
        switch requirement.direction {
        case .atLeast:
            passes = lowerReaches
            fails = upperIsBelow
            pointVerdict = observed > t ? .pass : observed < t ? .fail : .inconclusive
            // Every further scan a detection.
            fewestToPass = t >= 1 ? nil
                : ClopperPearson.smallestCount(from: 0) { m in passes(counts(further: m, hits: Double(m))) }
        case .atMost:
            passes = upperReaches
            fails = lowerIsAbove
            pointVerdict = observed < t ? .pass : observed > t ? .fail : .inconclusive
            // Every further scan a miss.
            fewestToPass = t <= 0 ? nil
                : ClopperPearson.smallestCount(from: 0) { m in passes(counts(further: m, hits: 0)) }
        }

        let atObservedRate: Int?
        switch pointVerdict {
        case .inconclusive:
            atObservedRate = nil
        case .pass, .fail:
            let reached = pointVerdict == .pass ? passes : fails
            atObservedRate = ClopperPearson.smallestCount(from: 0) { m in reached(countsAtObservedRate(further: m)) }
        }
        return FurtherTrials(fewestToPass: fewestToPass, verdictAtObservedRate: pointVerdict,
                             atObservedRate: atObservedRate)
    }
}
