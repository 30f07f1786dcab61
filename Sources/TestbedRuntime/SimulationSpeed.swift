// How fast `haechi simulate` publishes: as fast as the machine allows, or a factor of scenario time.

/// How fast a simulation is published.
public enum SimulationSpeed: Hashable, Sendable, CustomStringConvertible {
    /// As fast as the machine allows.
    case max
    /// `factor` times scenario time (1: real time).
    case factor(Double)

    /// Parses `max`, `1`, `10`, `2.5`.
    public init?(_ text: String) {
        if text == "max" { self = .max; return }
        guard let value = Double(text), value.isFinite, value > 0 else { return nil }
        self = .factor(value)
    }

    public var description: String {
        switch self {
        case .max: "max"
        case .factor(let f): f == f.rounded() ? String(Int(f)) : String(f)
        }
    }
}
