// Detection opportunities and the hits among them: the binomial counts behind a Pd.

/// Detection trials and hits, the counts a Pd and its Clopper–Pearson interval are computed from.
///
/// A trial is one (scan, drone) pair in which the drone was airborne and within the sensor's
/// maximum range; a hit is a trial in which a detection of the scan was associated with the drone.
public struct DetectionTally: Hashable, Sendable, Codable {
    /// Detections that were associated with the drone (hits ≤ trials).
    public var hits: Int
    /// Opportunities to detect.
    public var trials: Int

    /// Creates a tally.
    public init(hits: Int = 0, trials: Int = 0) {
        self.hits = hits
        self.trials = trials
    }

    /// The point estimate hits / trials, or `nil` without trials.
    public var detectionProbability: Double? {
        trials > 0 ? Double(hits) / Double(trials) : nil
    }
}

/// The detection tally of one range bin, by truth slant range from the sensor.
public struct RangeBinTally: Hashable, Sendable, Codable {
    /// The bin's lower edge, metres (included).
    public var lowerBound: Double
    /// The bin's upper edge, metres (excluded, except for the last bin).
    public var upperBound: Double
    /// Trials and hits with the drone's truth range in the bin.
    public var tally: DetectionTally

    /// Creates a bin.
    public init(lowerBound: Double, upperBound: Double, tally: DetectionTally = DetectionTally()) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.tally = tally
    }
}
