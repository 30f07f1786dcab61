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

    /// Creates a track state.
    public init(time: Timestamp, trackID: String, enu: ENUVector, velocity: ENUVector? = nil, status: String? = nil, sensorID: String? = nil) {
        self.time = time
        self.trackID = trackID
        self.enu = enu
        self.velocity = velocity
        self.status = status
        self.sensorID = sensorID
    }
}

/// The header of a scenario: the `meta` record.
public struct ScenarioMeta: Hashable, Sendable {
    /// The file format, such as `cuas-scenario/1`.
    public var format: String
    /// The site origin of the local frame.
    public var origin: GeodeticPosition?
    /// The scenario's start time.
    public var epoch: Timestamp?
    /// The scenario's length, seconds.
    public var durationSeconds: Double?
    /// The generator's seed.
    public var seed: Int64?

    /// Creates a header.
    public init(format: String, origin: GeodeticPosition? = nil, epoch: Timestamp? = nil, durationSeconds: Double? = nil, seed: Int64? = nil) {
        self.format = format
        self.origin = origin
        self.epoch = epoch
        self.durationSeconds = durationSeconds
        self.seed = seed
    }
}
