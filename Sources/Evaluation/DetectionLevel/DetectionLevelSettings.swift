// The settings of detection-level scoring: gate width, fallback sigmas, range bins and the assignment rule.

/// How the detections of one scan that fall in a drone's gate are paired with the drones: at most
/// one detection per drone and one drone per detection.
public enum DetectionAssignmentRule: String, Hashable, Sendable, Codable, CaseIterable {
    /// Of all (drone, detection) pairs in the gate, the pair with the smallest normalised squared
    /// distance d² is taken first, then the next smallest among the drones and detections left, and
    /// so on. Ties go to the drone whose id sorts first, then to the detection given first.
    case greedyNearestFirst = "greedy_nearest_first"
    /// The most pairs in the gate, and among those the smallest total d²: a linear assignment
    /// (Jonker and Volgenant 1987) over the gated pairs.
    case optimal
}

/// The rules of detection-level scoring (see ``DetectionLevelEvaluator``).
public struct DetectionLevelSettings: Hashable, Sendable, Codable {
    /// The gate: its half-width k in standard deviations (default 3), and the sigmas used for a
    /// sensor whose description gives none (defaults 5 m, 0.5°, 0.5°). A sensor's own sigmas, when
    /// its description has them, take precedence (``PolarDetectionGate/init(sensor:fallback:sigmaMultiplier:)``).
    public let gate: PolarDetectionGate
    /// Range-bin edges, metres, ascending: bin i is [edgeᵢ, edgeᵢ₊₁), the last bin closed
    /// (default 0, 500, 1000, 2000, 3000, 5000, 8000).
    public let rangeBinEdges: [Double]
    /// How gated detections are paired with drones (default greedy nearest first).
    public let assignment: DetectionAssignmentRule
    /// Truth states further apart than this are not interpolated across, seconds: the drone is taken
    /// to be on the ground, or unknown, in between (default 5).
    public let maximumTruthGapSeconds: Double
    /// Whether a sensor's own declared sigmas set its gate (`true`, the default) or ``gate`` applies
    /// to every sensor as given (`false`). A certification report uses `false` with the test plan's
    /// gate: a sensor twice as noisy as it claims would otherwise have its errors truncated by its
    /// own claim, and its far misses turned into a miss plus a false alarm.
    public let gateUsesSensorSigmas: Bool

    /// The default range-bin edges, metres.
    public static let defaultRangeBinEdges: [Double] = [0, 500, 1000, 2000, 3000, 5000, 8000]

    /// Creates the settings.
    ///
    /// - Precondition: at least two bin edges, finite and strictly ascending; the gap finite and positive.
    public init(gate: PolarDetectionGate = PolarDetectionGate(),
                rangeBinEdges: [Double] = DetectionLevelSettings.defaultRangeBinEdges,
                assignment: DetectionAssignmentRule = .greedyNearestFirst,
                maximumTruthGapSeconds: Double = 5, gateUsesSensorSigmas: Bool = true) {
        precondition(rangeBinEdges.count >= 2 && rangeBinEdges.allSatisfy(\.isFinite)
                     && zip(rangeBinEdges, rangeBinEdges.dropFirst()).allSatisfy { $0 < $1 },
                     "range-bin edges must be at least two, finite and strictly ascending")
        precondition(maximumTruthGapSeconds.isFinite && maximumTruthGapSeconds > 0, "the truth gap must be finite and positive")
        self.gate = gate
        self.rangeBinEdges = rangeBinEdges
        self.assignment = assignment
        self.maximumTruthGapSeconds = maximumTruthGapSeconds
        self.gateUsesSensorSigmas = gateUsesSensorSigmas
    }
}
