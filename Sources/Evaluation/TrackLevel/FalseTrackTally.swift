// Tracks that stood for no drone, and their rate per hour.

/// False tracks: tracks with at least the configured fraction (default 50 %) of their records in
/// the evaluated interval associated with no drone. The rate is per hour of the evaluated duration
/// (the grid's first to last time), the count and exposure an exact Poisson interval needs.
public struct FalseTrackTally: Hashable, Sendable, Codable {
    /// Tracks with at least one record in the evaluated interval.
    public var tracksEvaluated: Int
    /// The false tracks' ids, ascending.
    public var falseTrackIDs: [String]
    /// The evaluated duration, seconds.
    public var exposureSeconds: Double

    /// Creates a tally.
    public init(tracksEvaluated: Int, falseTrackIDs: [String], exposureSeconds: Double) {
        self.tracksEvaluated = tracksEvaluated
        self.falseTrackIDs = falseTrackIDs
        self.exposureSeconds = exposureSeconds
    }

    /// False tracks.
    public var count: Int { falseTrackIDs.count }

    /// False tracks per hour, count / (exposure / 3600 s); `nil` for a zero duration.
    public var perHour: Double? { exposureSeconds > 0 ? Double(count) / (exposureSeconds / 3600) : nil }
}
