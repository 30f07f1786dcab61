// How fast `haechi replay` runs: a factor of the recorded pacing, or as fast as the machine allows.

/// How fast a replay runs.
public enum ReplaySpeed: Sendable, Hashable, CustomStringConvertible {
    /// `factor` × the recorded pacing (1: as recorded).
    case factor(Double)
    /// As fast as the machine allows.
    case max

    /// Parses `1`, `10`, `0.5` or `max`.
    public init?(_ text: String) {
        if text == "max" { self = .max; return }
        guard let value = Double(text), value > 0, value.isFinite else { return nil }
        self = .factor(value)
    }

    public var description: String {
        switch self {
        case .max: "max"
        case .factor(let f): f == f.rounded() ? "\(Int(f))" : "\(f)"
        }
    }
}
