// A track reported by a system under test, in the Stone Soup peer's track-file format.

/// One state of one track, as a tracker reports it.
public struct TrackReport: Hashable, Sendable {
    /// The state's time.
    public var time: Timestamp
    /// The track id (integer ids are kept as their decimal text).
    public var trackID: String
    /// Position in the site frame, metres.
    public var enu: ENUVector
    /// Velocity, east-north-up, m/s, when reported.
    public var velocity: ENUVector?
    /// `updated` or `coasted`, informational.
    public var status: String?
    /// The sensor whose scan produced the state, informational.
    public var sensorID: String?
    /// The class the system put the object in, as it names it, when it says.
    public var classification: String?

    /// Creates a track state.
    public init(time: Timestamp, trackID: String, enu: ENUVector, velocity: ENUVector? = nil, status: String? = nil, sensorID: String? = nil,
                classification: String? = nil) {
        self.classification = classification
        self.time = time
        self.trackID = trackID
        self.enu = enu
        self.velocity = velocity
        self.status = status
        self.sensorID = sensorID
    }
}

