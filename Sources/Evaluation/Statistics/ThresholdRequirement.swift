// A one-sided acceptance criterion on a figure: at least, or at most, a threshold.

/// A one-sided acceptance criterion on one figure, such as Pd ≥ 0.9, a false-alarm rate ≤ 1 per hour
/// or a horizontal RMSE ≤ 15 m.
///
/// The threshold is in the figure's own unit (a probability, events per unit of exposure, metres).
public struct ThresholdRequirement: Hashable, Sendable, Codable {
    /// Which side of the threshold conforms.
    public enum Direction: String, Hashable, Sendable, Codable, CaseIterable {
        /// The figure must be at least the threshold (value ≥ threshold), as for Pd.
        case atLeast
        /// The figure must be at most the threshold (value ≤ threshold), as for a false-alarm rate or an error.
        case atMost
    }

    /// Which side of the threshold conforms.
    public var direction: Direction
    /// The threshold, in the figure's unit. The boundary itself conforms.
    public var threshold: Double

    /// Creates a requirement.
    ///
    /// - Precondition: `threshold` is not NaN.
    public init(_ direction: Direction, _ threshold: Double) {
        precondition(!threshold.isNaN, "a requirement's threshold cannot be NaN")
        self.direction = direction
        self.threshold = threshold
    }

    /// The requirement value ≥ `threshold`.
    public static func atLeast(_ threshold: Double) -> ThresholdRequirement { ThresholdRequirement(.atLeast, threshold) }

    /// The requirement value ≤ `threshold`.
    public static func atMost(_ threshold: Double) -> ThresholdRequirement { ThresholdRequirement(.atMost, threshold) }

    /// Whether `value` conforms: value ≥ threshold for ``Direction/atLeast``, value ≤ threshold for
    /// ``Direction/atMost``. NaN never conforms.
    public func isMet(by value: Double) -> Bool {
        switch direction {
        case .atLeast: value >= threshold
        case .atMost: value <= threshold
        }
    }
}

extension ThresholdRequirement: CustomStringConvertible {
    /// "≥ 0.9" or "≤ 15".
    public var description: String { "\(direction == .atLeast ? "≥" : "≤") \(threshold)" }
}
