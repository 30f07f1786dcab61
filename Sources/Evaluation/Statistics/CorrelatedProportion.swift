// A proportion from scan-level outcomes correlated along each drone's scans: Korn–Graubard bounds at an AR(1) effective size.
import Foundation

/// A binomial proportion (scan-level Pd, say) estimated from detection outcomes that are correlated
/// along each cluster's sequence of scans, with Korn–Graubard confidence bounds at an effective sample
/// size (Korn & Graubard 1998, "Confidence intervals for proportions with small expected number of
/// positive counts estimated from survey data", Survey Methodology 24(2):193–201).
///
/// A radar's successive scans of one drone share its aspect, multipath and masking, so a miss is
/// likely to follow a miss: the n scans carry less information than n independent trials, and a
/// Clopper–Pearson interval on k of n would be too narrow. A cluster is one drone seen by one sensor;
/// its sequence holds the outcomes of its scans in scan order (`true` = detected).
///
/// **Estimates.** With k detections in n scans over C non-empty sequences, p̂ = k/n, q̂ = 1 − p̂, and
/// the P = n − C pairs of successive scans within a sequence:
///
/// - the pooled lag-1 autocorrelation of the hit/miss indicator y, around the pooled p̂:
///   ρ̂ = [(1/P) Σ_pairs (y_t − p̂)(y_{t+1} − p̂)] / [p̂ q̂], where p̂ q̂ = (1/n) Σ (y − p̂)². The sum is
///   taken from the counts of the four kinds of pair (hit-hit, miss-miss, mixed), so it is exact and
///   the same on every platform. ρ̂ is 0 when p̂ is 0 or 1 (no variation: nothing to correlate) or
///   when no sequence has two scans. The cross-product is averaged over the pairs (not divided by n,
///   as the textbook autocorrelation function does), so short sequences do not bias it toward 0.
/// - ρ = ρ̂ clipped to [0, ``maximumAutocorrelation``]: a negative ρ̂ (alternating outcomes) is taken
///   as independence rather than as more information than n independent trials, and the cap keeps
///   the design effect finite (at most 199).
/// - the design effect deff = (1 + ρ) / (1 − ρ). This is the AR(1) assumption: the indicator is taken
///   to be stationary with autocorrelation ρ^h at lag h, which holds exactly for a two-state Markov
///   chain of hits and misses (whose lag-h autocorrelation is λ^h with λ = 1 − Pr(hit→miss) −
///   Pr(miss→hit)). Then Var(p̂) → [p q / n] · (1 + ρ)/(1 − ρ) as the sequences grow; for sequences of
///   m scans the exact factor, 1 + 2 Σ_{h<m} (1 − h/m) ρ^h, is smaller, so deff errs on the wide side.
/// - the effective sample size n_eff = n / deff, with p̂ n_eff effective successes.
///
/// **Korn–Graubard bounds.** With C ≥ 2 clusters and the adjustment on, the effective size is
/// shrunk for the few degrees of freedom df = C − 1 of the variance estimate:
/// n* = n_eff · (t_{n−1}(α) / t_{df}(α))², with t_ν(α) the upper α-quantile of Student's t (as in
/// Korn & Graubard 1998 and R's `survey::svyciprop(method = "beta")`, which takes its tail α/2 for a
/// two-sided interval). With one cluster, or the adjustment off, n* = n_eff. Then x* = p̂ n*, and the
/// bounds are Clopper–Pearson's at the non-integer counts x* of n*:
///
/// - one-sided lower bound at γ (α = 1 − γ): B⁻¹(α; x*, n* − x* + 1), 0 when k = 0;
/// - one-sided upper bound at γ: B⁻¹(1 − α; x* + 1, n* − x*), 1 when k = n;
/// - two-sided at γ: the same at α/2 (n* taken at α/2 too).
///
/// With ρ = 0 and one cluster, n* = n and x* = k, and the bounds are exactly ``ClopperPearson``'s.
///
/// ``init(sequences:adjustsDegreesOfFreedom:)`` returns `nil` when there are no scans at all, and never
/// traps on any sequences.
public struct CorrelatedProportion: Hashable, Sendable {
    /// The method's label for reports: Korn–Graubard bounds at an AR(1) effective sample size.
    public static let method = "korn-graubard-ar1"

    /// The largest autocorrelation ρ used: 0.99, a design effect of 199.
    public static let maximumAutocorrelation = 0.99

    /// The number of detections k, over all sequences.
    public let successes: Int
    /// The number of scans n, over all sequences (n ≥ 1).
    public let trials: Int
    /// The number of non-empty sequences C (drone × sensor clusters); empty sequences are ignored.
    public let clusters: Int
    /// The pooled lag-1 autocorrelation ρ̂ as estimated, before clipping (0 when undefined); in [−1, ∞)
    /// in principle, since the pairs need not be representative of all scans.
    public let observedAutocorrelation: Double
    /// Whether the Korn–Graubard degrees-of-freedom adjustment is applied (it needs C ≥ 2).
    public let adjustsDegreesOfFreedom: Bool

    /// The proportion of `sequences`' scans that are detections, with the pooled lag-1 autocorrelation
    /// of each sequence in scan order; `nil` when there are no scans.
    ///
    /// - Parameters:
    ///   - sequences: one sequence per cluster (drone × sensor), in scan order, `true` = detected.
    ///     Empty sequences are ignored.
    ///   - adjustsDegreesOfFreedom: whether to shrink the effective size for df = C − 1 (Korn &
    ///     Graubard's adjustment); on by default. Without it, or with one cluster, n* = n_eff.
    /// - Complexity: O(n).
    public init?(sequences: [[Bool]], adjustsDegreesOfFreedom: Bool = true) {
        var successes = 0, trials = 0, clusters = 0
        var hitHit = 0, missMiss = 0, mixed = 0
        for sequence in sequences where !sequence.isEmpty {
            clusters += 1
            trials += sequence.count
            var previous = sequence[0]
            if previous { successes += 1 }
            for outcome in sequence.dropFirst() {
                if outcome { successes += 1 }
                switch (previous, outcome) {
                case (true, true): hitHit += 1
                case (false, false): missMiss += 1
                default: mixed += 1
                }
                previous = outcome
            }
        }
        guard trials > 0 else { return nil }
        self.successes = successes
        self.trials = trials
        self.clusters = clusters
        self.adjustsDegreesOfFreedom = adjustsDegreesOfFreedom

        let pairs = hitHit + missMiss + mixed
        if successes == 0 || successes == trials || pairs == 0 {
            observedAutocorrelation = 0
        } else {
            let p = Double(successes) / Double(trials), q = Double(trials - successes) / Double(trials)
            // (1/P) Σ (y_t − p̂)(y_{t+1} − p̂) / (p̂ q̂), term by term: a hit-hit pair gives q̂², a
            // miss-miss pair p̂², a mixed pair −p̂ q̂.
            observedAutocorrelation = (Double(hitHit) * (q / p) + Double(missMiss) * (p / q) - Double(mixed))
                / Double(pairs)
        }
    }

    /// The maximum-likelihood estimate of the proportion, p̂ = k/n.
    public var proportion: Double { Double(successes) / Double(trials) }

    /// The autocorrelation ρ used: ``observedAutocorrelation`` clipped to [0, ``maximumAutocorrelation``].
    public var autocorrelation: Double { min(max(observedAutocorrelation, 0), Self.maximumAutocorrelation) }

    /// The AR(1) design effect deff = (1 + ρ) / (1 − ρ), between 1 and 199.
    public var designEffect: Double { (1 + autocorrelation) / (1 - autocorrelation) }

    /// The effective sample size n_eff = n / deff = n (1 − ρ) / (1 + ρ).
    public var effectiveTrials: Double { Double(trials) * (1 - autocorrelation) / (1 + autocorrelation) }

    /// The effective number of successes p̂ n_eff.
    public var effectiveSuccesses: Double { effectiveTrials * Double(successes) / Double(trials) }

    /// The degrees of freedom of the Korn–Graubard adjustment, C − 1; `nil` when the adjustment is off
    /// or there is only one cluster (then n* = n_eff).
    public var degreesOfFreedom: Int? { adjustsDegreesOfFreedom && clusters >= 2 ? clusters - 1 : nil }

    /// The Korn–Graubard effective size n* = n_eff (t_{n−1}(α) / t_{df}(α))² that the bounds at
    /// `confidence` use, with α = 1 − γ for a one-sided bound and (1 − γ)/2 for a two-sided interval;
    /// n_eff when there is no adjustment.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    public func adjustedEffectiveTrials(confidence: Double, twoSided: Bool = false) -> Double {
        let alpha = ClopperPearson.tailProbability(confidence)
        return effectiveCounts(tail: twoSided ? alpha / 2 : alpha).trials
    }

    /// The two-sided interval at confidence γ: the one-sided bounds at tail α/2 each, α = 1 − γ, with n*
    /// taken at α/2.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    /// - Complexity: two beta quantiles, and two t quantiles when adjusting.
    public func interval(confidence: Double) -> ClosedRange<Double> {
        let tail = ClopperPearson.tailProbability(confidence) / 2
        return lowerBound(tail: tail)...upperBound(tail: tail)
    }

    /// The one-sided lower confidence bound at γ, B⁻¹(1 − γ; x*, n* − x* + 1) (0 when k = 0).
    ///
    /// - Precondition: 0 < `confidence` < 1.
    public func lowerBound(confidence: Double) -> Double {
        lowerBound(tail: ClopperPearson.tailProbability(confidence))
    }

    /// The one-sided upper confidence bound at γ, B⁻¹(γ; x* + 1, n* − x*) (1 when k = n).
    ///
    /// - Precondition: 0 < `confidence` < 1.
    public func upperBound(confidence: Double) -> Double {
        upperBound(tail: ClopperPearson.tailProbability(confidence))
    }

    // MARK: - Internals

    /// (t_{N−1}(α) / t_{df}(α))² for N scans, or 1 without the adjustment (or when N − 1 = df). At
    /// α = ½, where both quantiles are 0, it is the limit (f_{df}(0) / f_{N−1}(0))², with f_ν the t density.
    func degreesOfFreedomFactor(tail: Double, scans: Double) -> Double {
        guard let df = degreesOfFreedom, scans - 1 > Double(df) else { return 1 }
        if tail == 0.5 {
            // ln f_ν(0) = ln Γ((ν + 1)/2) − ln Γ(ν/2) − ½ ln(ν π)
            func logDensityAtZero(_ nu: Double) -> Double {
                SpecialFunctions.logGamma((nu + 1) / 2) - SpecialFunctions.logGamma(nu / 2) - 0.5 * log(nu * Double.pi)
            }
            return exp(2 * (logDensityAtZero(Double(df)) - logDensityAtZero(scans - 1)))
        }
        let ratio = SpecialFunctions.studentTUpperQuantile(q: tail, degreesOfFreedom: scans - 1)
            / SpecialFunctions.studentTUpperQuantile(q: tail, degreesOfFreedom: Double(df))
        return ratio * ratio
    }

    /// The effective counts (x*, n* − x*, n*) for `scans` scans of which `successes` are detections and
    /// `failures` misses (real counts, for projections; they sum to `scans`), with this sample's design
    /// effect and degrees of freedom: n* = scans / deff · (t_{scans−1}(α) / t_{df}(α))², x* = n* s / scans.
    /// A count equal to `scans` gives exactly n*, and whole counts with ρ = 0 and no adjustment give
    /// exactly themselves.
    func effectiveCounts(tail: Double, scans: Double, successes: Double, failures: Double)
        -> (successes: Double, failures: Double, trials: Double) {
        let n = scans * (1 - autocorrelation) / (1 + autocorrelation) * degreesOfFreedomFactor(tail: tail, scans: scans)
        func share(_ count: Double) -> Double { count == scans ? n : n * count / scans }
        return (share(successes), share(failures), n)
    }

    /// The effective counts of this sample at `tail`.
    func effectiveCounts(tail: Double) -> (successes: Double, failures: Double, trials: Double) {
        effectiveCounts(tail: tail, scans: Double(trials), successes: Double(successes), failures: Double(trials - successes))
    }

    /// The p with Pr(X ≥ x* | n*, p) = `tail`, in the continuous extension I_p(x*, n* − x* + 1).
    func lowerBound(tail: Double) -> Double {
        let counts = effectiveCounts(tail: tail)
        // x* > 0 whenever k > 0, unless an absurd confidence shrinks n* below the smallest double.
        guard counts.successes > 0 else { return 0 }
        return SpecialFunctions.inverseRegularizedIncompleteBeta(p: tail, a: counts.successes, b: counts.failures + 1)
    }

    /// The p with Pr(X ≤ x* | n*, p) = `tail`, in the continuous extension 1 − I_p(x* + 1, n* − x*).
    func upperBound(tail: Double) -> Double {
        let counts = effectiveCounts(tail: tail)
        guard counts.failures > 0 else { return 1 }
        return SpecialFunctions.inverseRegularizedIncompleteBetaComplement(q: tail, a: counts.successes + 1, b: counts.failures)
    }
}
