// One acceptance criterion of a test plan: a figure, a bound on it, and the confidence it must be shown at.

/// One acceptance criterion: a figure, a bound on it, and the confidence it must be shown at.
public struct AcceptanceCriterion: Sendable, Hashable {
    /// The figure (one of ``TestPlan/metrics``).
    public var metric: String
    /// `atLeast`: the figure must reach `requirement` (Pd); `atMost`: it must not exceed it (an error, a rate).
    public enum Sense: String, Sendable, Hashable { case atLeast = ">=", atMost = "<=" }
    public var sense: Sense
    public var requirement: Double
    /// The one-sided confidence of the claim (for figures that carry an interval).
    public var confidence: Double
    /// For range-limited figures (Pd): only opportunities within this range, metres.
    public var withinMetres: Double?

    /// The criterion as a person reads it: `pd (within 2000 m) >= 0.9 at 95 %`.
    public var text: String {
        "\(metric)\(withinMetres.map { " (within \(Self.number($0)) m)" } ?? "") \(sense.rawValue) \(Self.number(requirement))"
            + " at \(Self.number(confidence * 100)) %"
    }

    /// A number as written in a plan: whole numbers without a decimal point.
    package static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// The report's key of the figure it reads.
    public var figureKey: String { withinMetres.map { "\(metric)_within_\(Int($0))m" } ?? metric }
}
