// How much more exposure could settle a verdict on a Poisson rate.

/// How much further exposure (in the unit of ``PoissonInterval/exposure``: hours, scans) could settle
/// a verdict on a rate estimated from k events in exposure T, under two stated assumptions.
///
/// - ``fewestToPass``: for value ≤ t, no further events at all. Then the one-sided upper bound is
///   Q⁻¹(k + 1, 1 − γ) / (T + τ), which reaches t at τ = Q⁻¹(k + 1, 1 − γ) / t − T; no smaller further
///   exposure can give a PASS, whatever happens in it. For value ≥ t there is no such best case (events
///   could come arbitrarily fast), so it is `nil`.
/// - ``atObservedRate``: the further exposure keeps the observed rate λ̂ = k/T exactly, so that after τ
///   more there are λ̂ (T + τ) events in T + τ (a real count in the gamma quantiles, which are
///   continuous in their shape). The bounds tend to λ̂, so the verdict becomes PASS when λ̂ is strictly
///   on the conforming side of t, FAIL when strictly on the other side, and never when λ̂ = t.
///
/// Exposures are found to a relative precision of 10⁻¹²; `nil` means that no total exposure up to
/// 2⁶⁰ T, or up to ``PoissonInterval/projectedEventLimit`` (10¹²) projected events, suffices.
public struct FurtherExposure: Hashable, Sendable, Codable {
    /// The least further exposure with no further events after which an at-most requirement would PASS;
    /// `nil` for an at-least requirement, or a threshold of 0 or less.
    public var fewestToPass: Double?
    /// The verdict the further exposure reaches when it keeps the observed rate: ``ConformityVerdict/pass``,
    /// ``ConformityVerdict/fail``, or ``ConformityVerdict/inconclusive`` when λ̂ equals the threshold.
    public var verdictAtObservedRate: ConformityVerdict
    /// The further exposure at the observed rate after which ``verdictAtObservedRate`` is reached;
    /// `nil` when it never is.
    public var atObservedRate: Double?

    /// Creates the projection.
    public init(fewestToPass: Double?, verdictAtObservedRate: ConformityVerdict, atObservedRate: Double?) {
        self.fewestToPass = fewestToPass
        self.verdictAtObservedRate = verdictAtObservedRate
        self.atObservedRate = atObservedRate
    }
}
