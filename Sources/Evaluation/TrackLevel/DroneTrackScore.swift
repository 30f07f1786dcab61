// Everything track-level scoring finds for one drone.
public import TelemetryModel

/// The track-level score of one drone. A drone never detected or never tracked keeps its entry with
/// `nil` first contacts: a censored observation, censored at ``lastTruthTime``.
public struct DroneTrackScore: Hashable, Sendable, Codable {
    /// The drone.
    public var droneID: String
    /// Its first truth state, if any.
    public var firstTruthTime: Timestamp?
    /// Its last truth state, if any: where a never-detected drone's observation is censored.
    public var lastTruthTime: Timestamp?
    /// Its first associated detection, over every sensor scored; `nil`: never detected (censored).
    public var firstDetection: FirstContact?
    /// Its first associated track record; `nil`: never tracked (censored).
    public var firstConfirmedTrack: FirstContact?
    /// Position error of its associated track records; `nil` without any.
    public var positionError: PositionErrorSummary?
    /// The errors (track − truth, ENU metres) of its associated track records, in time order: the
    /// samples behind ``positionError``, for a bootstrap over time.
    public var positionErrors: [ENUVector] = []
    /// Grid frames in which it was present.
    public var framesPresent: Int
    /// Grid frames in which it was matched with a track.
    public var framesTracked: Int
    /// Track segments: maximal runs of consecutive present frames matched with the same track.
    public var trackSegments: Int
    /// Fragmentations, max(0, segments − 1).
    public var fragmentations: Int
    /// ID switches: matches with a track other than the drone's previous match.
    public var idSwitches: Int

    /// Creates a score.
    public init(droneID: String, firstTruthTime: Timestamp?, lastTruthTime: Timestamp?,
                firstDetection: FirstContact?, firstConfirmedTrack: FirstContact?, positionError: PositionErrorSummary?,
                framesPresent: Int, framesTracked: Int, trackSegments: Int, idSwitches: Int) {
        self.droneID = droneID
        self.firstTruthTime = firstTruthTime
        self.lastTruthTime = lastTruthTime
        self.firstDetection = firstDetection
        self.firstConfirmedTrack = firstConfirmedTrack
        self.positionError = positionError
        self.framesPresent = framesPresent
        self.framesTracked = framesTracked
        self.trackSegments = trackSegments
        self.fragmentations = max(0, trackSegments - 1)
        self.idSwitches = idSwitches
    }

    /// The fraction of present frames in which it was tracked; `nil` when never present.
    public var trackedFraction: Double? { framesPresent > 0 ? Double(framesTracked) / Double(framesPresent) : nil }
}
