// The decision rule on a proportion, the further trials an inconclusive verdict needs, and campaign sizing.
import Foundation

extension ClopperPearson {
    /// The largest number of trials (further or in total) the projections consider: beyond 10¹² a
    /// campaign is out of reach in practice, and the answer is `nil`.
    public static let trialLimit = 1_000_000_000_000

    /// The statement of conformity for `requirement` at confidence γ, from the one-sided Clopper–Pearson
    /// bounds L = B⁻¹(1 − γ; k, n − k + 1) and U = B⁻¹(γ; k + 1, n − k) (see ``ConformityDecision`` for
    /// the rule). An inconclusive verdict carries ``furtherTrials(for:confidence:)``.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    /// - Complexity: two beta quantiles, plus the projection's searches when inconclusive.
    public func decision(for requirement: ThresholdRequirement, confidence: Double) -> ConformityDecision {
        var decision = ConformityDecision(requirement: requirement, estimate: proportion,
                                          lowerBound: lowerBound(confidence: confidence),
                                          upperBound: upperBound(confidence: confidence), confidence: confidence)
        if decision.verdict == .inconclusive {
            decision.furtherTrials = furtherTrials(for: requirement, confidence: confidence)
        }
        return decision
    }

    /// How many further trials could settle the verdict on `requirement` at confidence γ, under the two
    /// assumptions of ``FurtherTrials``: all further trials favourable (``FurtherTrials/fewestToPass``),
    /// or further trials at the observed proportion p̂ = k/n (``FurtherTrials/atObservedRate``). For
    /// k = n and value ≥ t both equal the success run ⌈ln(1 − γ) / ln t⌉ − n.
    ///
    /// The conditions are evaluated without inverting the beta function, through
    /// L ≥ t ⇔ I_t(k, n − k + 1) ≤ 1 − γ and U ≤ t ⇔ 1 − I_t(k + 1, n − k) ≤ 1 − γ (the bounds are the
    /// roots of these increasing and decreasing functions of t).
    ///
    /// - Precondition: 0 < `confidence` < 1.
    /// - Complexity: O(log m) evaluations of I_x for an answer m (exponential then binary search).
    public func furtherTrials(for requirement: ThresholdRequirement, confidence: Double) -> FurtherTrials {
        let alpha = Self.tailProbability(confidence)
        let t = requirement.threshold
        let k = Double(successes), n = Double(trials), observed = proportion

        let fewestToPass: Int?
        let passes: (Double, Double) -> Bool
        let fails: (Double, Double) -> Bool
        let pointVerdict: ConformityVerdict
        switch requirement.direction {
        case .atLeast:
            passes = { Self.lowerBound(successes: $0, trials: $1, alpha: alpha, reaches: t) }
            fails = { Self.upperBound(successes: $0, trials: $1, alpha: alpha, isBelow: t) }
            pointVerdict = observed > t ? .pass : observed < t ? .fail : .inconclusive
            // Every further trial a success.
            fewestToPass = t >= 1 ? nil
                : Self.smallestCount(from: 0) { m in passes(k + Double(m), n + Double(m)) }
        case .atMost:
            passes = { Self.upperBound(successes: $0, trials: $1, alpha: alpha, reaches: t) }
            fails = { Self.lowerBound(successes: $0, trials: $1, alpha: alpha, isAbove: t) }
            pointVerdict = observed < t ? .pass : observed > t ? .fail : .inconclusive
            // Every further trial a non-event.
            fewestToPass = t <= 0 ? nil
                : Self.smallestCount(from: 0) { m in passes(k, n + Double(m)) }
        }

        let atObservedRate: Int?
        switch pointVerdict {
        case .inconclusive:
            atObservedRate = nil
        case .pass, .fail:
            let reached = pointVerdict == .pass ? passes : fails
            // k' = p̂ (n + m), written k (n + m) / n so that it is exactly k at m = 0 and n + m at k = n.
            atObservedRate = Self.smallestCount(from: 0) { m in
                let total = n + Double(m)
                return reached(k * total / n, total)
            }
        }
        return FurtherTrials(fewestToPass: fewestToPass, verdictAtObservedRate: pointVerdict,
                             atObservedRate: atObservedRate)
    }

    /// The campaign size needed to claim a required proportion (a run-level Pd, say): the smallest
    /// number of runs n such that n − f successes in n runs give a one-sided Clopper–Pearson lower
    /// bound at confidence γ of at least `requiredPd`, that is the smallest n with
    /// I_p(n − f, f + 1) = Pr(X ≥ n − f | n, p) ≤ 1 − γ.
    ///
    /// With no failures allowed this is the success run ⌈ln(1 − γ) / ln p⌉ (``successRunLength(requiredPd:confidence:)``):
    /// 29 runs for Pd ≥ 0.9 at 95 %, 46 with one failure allowed, 61 with two.
    ///
    /// - Parameters:
    ///   - requiredPd: the proportion to demonstrate, 0 ≤ p ≤ 1.
    ///   - confidence: γ, 0 < γ < 1.
    ///   - allowedFailures: f ≥ 0, the failures the campaign may contain and still pass.
    /// - Returns: n, or `nil` when no campaign of at most ``trialLimit`` runs suffices (always for p = 1).
    ///   For p = 0 it is max(f, 1).
    /// - Complexity: O(log n) evaluations of I_x.
    public static func runsNeeded(requiredPd: Double, confidence: Double, allowedFailures: Int = 0) -> Int? {
        precondition(requiredPd >= 0 && requiredPd <= 1, "requiredPd must lie in [0, 1], got \(requiredPd)")
        precondition(allowedFailures >= 0, "allowedFailures must be ≥ 0, got \(allowedFailures)")
        let alpha = tailProbability(confidence)
        if requiredPd == 1 { return nil }
        let f = Double(allowedFailures)
        return smallestCount(from: max(allowedFailures, 1)) { n in
            lowerBound(successes: Double(n) - f, trials: Double(n), alpha: alpha, reaches: requiredPd)
        }
    }

    /// The classic zero-failure "success run": the smallest n with p^n ≤ 1 − γ, that is
    /// n = ⌈ln(1 − γ) / ln p⌉, the number of consecutive successes after which the one-sided lower
    /// bound (1 − γ)^(1/n) reaches p. Equal to `runsNeeded(requiredPd: p, confidence: γ, allowedFailures: 0)`.
    ///
    /// - Parameters:
    ///   - requiredPd: p, 0 ≤ p ≤ 1.
    ///   - confidence: γ, 0 < γ < 1.
    /// - Returns: n, or `nil` when p = 1 or n would exceed ``trialLimit``. For p = 0 it is 1.
    public static func successRunLength(requiredPd: Double, confidence: Double) -> Int? {
        precondition(requiredPd >= 0 && requiredPd <= 1, "requiredPd must lie in [0, 1], got \(requiredPd)")
        let alpha = tailProbability(confidence)
        if requiredPd == 1 { return nil }
        if requiredPd == 0 { return 1 }
        let estimate = (log(alpha) / log(requiredPd)).rounded(.up)
        guard estimate <= Double(trialLimit) else { return nil }
        // The closed form, corrected by a step either way when rounding lands on the wrong side of p^n = α.
        var n = max(1, Int(estimate))
        while n > 1 && pow(requiredPd, Double(n - 1)) <= alpha { n -= 1 }
        while pow(requiredPd, Double(n)) > alpha { n += 1 }
        return n
    }

    // MARK: - Bound conditions, for real counts k ≤ n (n > 0) and tail probability α

    /// Whether the one-sided lower bound L (Pr(X ≥ k | L) = α) is at least t: I_t(k, n − k + 1) ≤ α.
    static func lowerBound(successes k: Double, trials n: Double, alpha: Double, reaches t: Double) -> Bool {
        if t <= 0 { return true }
        if t >= 1 || k <= 0 { return false }
        return SpecialFunctions.regularizedIncompleteBeta(x: t, a: k, b: n - k + 1) <= alpha
    }

    /// Whether the one-sided lower bound L exceeds t: I_t(k, n − k + 1) < α.
    static func lowerBound(successes k: Double, trials n: Double, alpha: Double, isAbove t: Double) -> Bool {
        if t < 0 { return true }
        if t >= 1 || k <= 0 { return false }
        return SpecialFunctions.regularizedIncompleteBeta(x: t, a: k, b: n - k + 1) < alpha
    }

    /// Whether the one-sided upper bound U (Pr(X ≤ k | U) = α) is at most t: 1 − I_t(k + 1, n − k) ≤ α.
    static func upperBound(successes k: Double, trials n: Double, alpha: Double, reaches t: Double) -> Bool {
        if t >= 1 { return true }
        if t <= 0 || k >= n { return false }
        return SpecialFunctions.regularizedIncompleteBetaComplement(x: t, a: k + 1, b: n - k) <= alpha
    }

    /// Whether the one-sided upper bound U falls short of t: 1 − I_t(k + 1, n − k) < α.
    static func upperBound(successes k: Double, trials n: Double, alpha: Double, isBelow t: Double) -> Bool {
        if t > 1 { return true }
        if t <= 0 || k >= n { return false }
        return SpecialFunctions.regularizedIncompleteBetaComplement(x: t, a: k + 1, b: n - k) < alpha
    }

    /// The smallest count c ≥ `start` (and ≤ ``trialLimit``) for which `holds(c)`, assuming `holds` is
    /// monotone (false, then true): exponential search for a bracket, then bisection.
    static func smallestCount(from start: Int, where holds: (Int) -> Bool) -> Int? {
        if holds(start) { return start }
        var known = start       // holds(known) is false
        var step = 1
        var candidate = start + step
        while !holds(candidate) {
            known = candidate
            if candidate >= trialLimit { return nil }
            step *= 2
            candidate = min(start + step, trialLimit)
        }
        // holds(candidate) is true, holds(known) is false.
        while candidate - known > 1 {
            let middle = known + (candidate - known) / 2
            if holds(middle) { candidate = middle } else { known = middle }
        }
        return candidate
    }
}
