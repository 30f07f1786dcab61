// One grid frame of the CLEAR-MOT matching: who was matched with whom, who was missed.
public import TelemetryModel

/// A match of one drone with one track in a frame.
public struct FrameMatch: Hashable, Sendable, Codable {
    /// The drone.
    public var droneID: String
    /// The track.
    public var trackID: String
    /// Their distance, metres.
    public var distance: Double
    /// Whether the match is an ID switch (the drone's previous match was another track).
    public var isSwitch: Bool

    /// Creates a match.
    public init(droneID: String, trackID: String, distance: Double, isSwitch: Bool) {
        self.droneID = droneID
        self.trackID = trackID
        self.distance = distance
        self.isSwitch = isSwitch
    }
}

/// The matching at one grid time: the material of a per-drone timeline of tracked and missed.
public struct TrackingFrame: Hashable, Sendable, Codable {
    /// The grid time.
    public var time: Timestamp
    /// Matches, in drone-id order.
    public var matches: [FrameMatch]
    /// Drones present but unmatched, ascending.
    public var missedDroneIDs: [String]
    /// Tracks with a (resampled) state but unmatched, ascending.
    public var unmatchedTrackIDs: [String]

    /// Creates a frame.
    public init(time: Timestamp, matches: [FrameMatch], missedDroneIDs: [String], unmatchedTrackIDs: [String]) {
        self.time = time
        self.matches = matches
        self.missedDroneIDs = missedDroneIDs
        self.unmatchedTrackIDs = unmatchedTrackIDs
    }
}
