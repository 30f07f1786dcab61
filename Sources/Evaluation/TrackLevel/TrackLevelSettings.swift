// The settings of track-level scoring: gates, the latency search, and the false-track rule.

/// The rules of track-level scoring (see ``TrackLevelEvaluator``).
public struct TrackLevelSettings: Hashable, Sendable, Codable {
    /// A track record stands for a drone only within this distance of the drone's truth at the
    /// record time, metres (default 50). Used for the first confirmed track, position error,
    /// latency and false tracks.
    public let associationGate: Double
    /// CLEAR-MOT's distance threshold T: a track and a drone closer than or at T on a grid frame
    /// may be matched, metres (default 50). Also the threshold of IDF1's true positives, of
    /// fragmentation and of ID switches, which are counted on the same matching.
    public let matchThreshold: Double
    /// The most negative lag searched, seconds (default −2).
    public let latencyMinimumSeconds: Double
    /// The most positive lag searched, seconds (default +2).
    public let latencyMaximumSeconds: Double
    /// The step of the lag search, seconds (default 0.01).
    public let latencyStepSeconds: Double
    /// A track is false when at least this fraction of its records in the evaluated interval are
    /// associated with no drone (default 0.5: most of the time it stood for nothing).
    public let falseTrackUnassociatedFraction: Double
    /// Truth states further apart than this are not interpolated across, seconds (default 5).
    public let maximumTruthGapSeconds: Double

    /// Creates the settings.
    ///
    /// - Precondition: the gate, threshold, step and gap finite and positive; the lag range finite
    ///   with minimum ≤ maximum; the fraction in (0, 1].
    public init(associationGate: Double = 50, matchThreshold: Double = 50,
                latencyMinimumSeconds: Double = -2, latencyMaximumSeconds: Double = 2, latencyStepSeconds: Double = 0.01,
                falseTrackUnassociatedFraction: Double = 0.5, maximumTruthGapSeconds: Double = 5) {
        for value in [associationGate, matchThreshold, latencyStepSeconds, maximumTruthGapSeconds] {
            precondition(value.isFinite && value > 0, "gates, threshold, lag step and truth gap must be finite and positive")
        }
        precondition(latencyMinimumSeconds.isFinite && latencyMaximumSeconds.isFinite && latencyMinimumSeconds <= latencyMaximumSeconds,
                     "the lag range must be finite with minimum ≤ maximum")
        precondition(falseTrackUnassociatedFraction > 0 && falseTrackUnassociatedFraction <= 1, "the false-track fraction must be in (0, 1]")
        self.associationGate = associationGate
        self.matchThreshold = matchThreshold
        self.latencyMinimumSeconds = latencyMinimumSeconds
        self.latencyMaximumSeconds = latencyMaximumSeconds
        self.latencyStepSeconds = latencyStepSeconds
        self.falseTrackUnassociatedFraction = falseTrackUnassociatedFraction
        self.maximumTruthGapSeconds = maximumTruthGapSeconds
    }
}
