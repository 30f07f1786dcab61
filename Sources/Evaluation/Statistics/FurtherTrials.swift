// How many more trials could settle a verdict on a proportion.

/// How many further trials could settle a verdict on a proportion estimated from k successes in n
/// trials, under two stated assumptions. Counts are further trials, beyond the n already run.
///
/// - ``fewestToPass``: every further trial is favourable (a success for value ≥ t, a non-event for
///   value ≤ t). No smaller number of further trials can give a PASS, whatever their outcomes; the
///   classic zero-failure "success run" n = ⌈ln(1 − γ) / ln t⌉ is the case k = n.
/// - ``atObservedRate``: the further trials keep the observed proportion p̂ = k/n exactly, so that
///   after m of them there are p̂ (n + m) successes in n + m trials. The Clopper–Pearson bounds are
///   continuous in k through I_x(k, n − k + 1), so the projected count need not be a whole number;
///   this is the expected course of the campaign if p̂ is the true proportion. The bound on the
///   unfavourable side tends to p̂ as the trials grow, so the verdict becomes PASS when p̂ is strictly
///   on the conforming side of t, FAIL when strictly on the other side, and never when p̂ = t.
///
/// Each count is the smallest m ≥ 0 for which the condition holds (the bound moves monotonically
/// toward p̂ as the trials grow, which the tests check at the boundary); `nil` means that no campaign
/// of up to ``ClopperPearson/trialLimit`` (10¹²) trials in all suffices.
public struct FurtherTrials: Hashable, Sendable, Codable {
    /// The fewest further trials, all favourable, after which the verdict would be PASS; `nil` when
    /// none can give a PASS (an at-least requirement of 1 or more, an at-most requirement of 0 or less).
    public var fewestToPass: Int?
    /// The verdict the further trials reach when they keep the observed proportion: ``ConformityVerdict/pass``,
    /// ``ConformityVerdict/fail``, or ``ConformityVerdict/inconclusive`` when p̂ equals the threshold
    /// and no number of trials settles it.
    public var verdictAtObservedRate: ConformityVerdict
    /// The further trials at the observed proportion after which ``verdictAtObservedRate`` is reached;
    /// `nil` when it never is.
    public var atObservedRate: Int?

    /// Creates the projection.
    public init(fewestToPass: Int?, verdictAtObservedRate: ConformityVerdict, atObservedRate: Int?) {
        self.fewestToPass = fewestToPass
        self.verdictAtObservedRate = verdictAtObservedRate
        self.atObservedRate = atObservedRate
    }
}
