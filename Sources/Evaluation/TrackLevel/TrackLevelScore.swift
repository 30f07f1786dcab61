// Everything track-level scoring finds for one run.
public import TelemetryModel

/// The track-level score of a run (see ``TrackLevelEvaluator`` for the rules).
public struct TrackLevelScore: Hashable, Sendable, Codable {
    /// The evaluated interval: the grid's first and last time; `nil` for an empty grid.
    public var interval: ClosedRange<Timestamp>?
    /// Per drone, in drone-id order; every truth path has an entry.
    public var drones: [DroneTrackScore]
    /// Position error over every associated track record; `nil` without any.
    public var positionError: PositionErrorSummary?
    /// The lag minimising RMS error; `nil` without associated records usable at every lag.
    public var latency: LatencyEstimate?
    /// False tracks and their rate.
    public var falseTracks: FalseTrackTally
    /// CLEAR-MOT over the grid.
    public var clearMOT: ClearMOTScore
    /// IDF1 over the grid.
    public var identity: IdentityScore
    /// The matching of every grid frame.
    public var frames: [TrackingFrame]

    /// Creates a score.
    public init(interval: ClosedRange<Timestamp>?, drones: [DroneTrackScore], positionError: PositionErrorSummary?,
                latency: LatencyEstimate?, falseTracks: FalseTrackTally, clearMOT: ClearMOTScore,
                identity: IdentityScore, frames: [TrackingFrame]) {
        self.interval = interval
        self.drones = drones
        self.positionError = positionError
        self.latency = latency
        self.falseTracks = falseTracks
        self.clearMOT = clearMOT
        self.identity = identity
        self.frames = frames
    }

    /// Σ over drones of max(0, segments − 1).
    public var fragmentations: Int { drones.reduce(0) { $0 + $1.fragmentations } }
    /// Σ over drones of ID switches (equal to CLEAR-MOT's mismatches).
    public var idSwitches: Int { drones.reduce(0) { $0 + $1.idSwitches } }
}
